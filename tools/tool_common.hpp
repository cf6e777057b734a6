// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// What the command-line tools (sfconnect-check, sfconnect-token) share: the command-line parser
// (CLI11, with our own messages that never echo a value), usage errors, reading the Consumer Secret
// (file, standard input with a hidden prompt, environment; never argv) and the connection options
// (site, consumer key, CA file, connect-to, proxy). One definition for both tools.
#pragma once

#include <sfconnect/secret.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/version.hpp>
#include <sfconnect/detail/proxy_config.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfconnect::tools {

using namespace std::literals;

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;

// The longest first line read as a secret; a Consumer Secret is 64 characters.
inline constexpr std::size_t max_secret_bytes = 64 * 1024;

// The tool's name (set first thing in main) and what else a usage error prints (sfconnect-check
// --json prints its report).
inline std::string_view program = "sfconnect";
inline bool json_requested = false;  // --json anywhere on the command line
inline std::function<void(const std::string&)> on_usage_error;

// ---- text helpers ---------------------------------------------------------------------------------------

// Text for a terminal: valid UTF-8, no control, C1 or bidi-override characters.
inline std::string printable(std::string_view s) { return sfconnect::detail::terminal_text(s); }

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

// ---- usage errors ---------------------------------------------------------------------------------------

// The terminal state to restore: a signal arriving while echo is off restores it before the
// process dies (tcsetattr is async-signal-safe), so Ctrl+C never leaves the shell without echo;
// so does every exit through usage_error.
inline termios saved_terminal{};
inline volatile std::sig_atomic_t terminal_needs_restore = 0;

// One-line usage error: reason plus a pointer to --help. Never includes a value (it could be a secret).
[[noreturn]] inline void usage_error(const std::string& reason) {
    if (terminal_needs_restore) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
        std::cerr << '\n';
    }
    const std::string safe = printable(reason);
    std::cerr << program << ": " << safe << " (see " << program << " --help)\n";
    if (json_requested && on_usage_error) on_usage_error(safe);
    std::exit(exit_usage);
}

// How a rejected value is described: never the value (it could be a secret), only its length.
inline std::string value_of(std::string_view value) {
    return "a value of " + std::to_string(value.size()) + (value.size() == 1 ? " character" : " characters") +
           " (not shown)";
}

// An option name as typed, for usage errors: only when it looks like an option name at all.
inline std::string shown_option_name(std::string_view name) {
    const bool looks_like_name = name.size() <= 40 && name.size() > 2 &&
                                 std::all_of(name.begin() + 2, name.end(), [](char c) {
                                     return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                            (c >= '0' && c <= '9') || c == '-' || c == '_';
                                 });
    return looks_like_name ? std::string(name) : "of " + std::to_string(name.size()) + " characters (not shown)";
}

// ---- the command line ------------------------------------------------------------------------------------

// An option taking one value, a flag, and a name a user may type for an option spelled differently.
struct ValueOption {
    const char* name;
    std::string* value;
    bool* given;
};
struct FlagOption {
    const char* name;
    bool* value;
};
using OptionAlias = std::pair<std::string_view, std::string_view>;

// The aliases every tool knows.
inline std::vector<OptionAlias> common_aliases() {
    return {
        {"--client-id", "--consumer-key"},
        {"--client_id", "--consumer-key"},
        {"--key", "--consumer-key"},
        {"--consumer_key", "--consumer-key"},
        {"--secret-file", "--consumer-secret-file"},
        {"--client-secret-file", "--consumer-secret-file"},
        {"--cacert", "--ca-file"},
        {"--ca", "--ca-file"},
        {"--host", "--site"},
        {"--domain", "--site"},
        {"--my-domain", "--site"},
        {"--instance-url", "--site"},
        {"--https-proxy", "--proxy"},
        {"--resolve", "--connect-to"},
    };
}

inline std::string did_you_mean(std::string_view name, const std::vector<std::string>& known,
                                const std::vector<OptionAlias>& aliases) {
    for (const auto& [alias, real] : aliases)
        if (name == alias) return "; did you mean " + std::string(real) + "?";
    std::string best;
    std::size_t best_distance = 3;  // at most two edits away
    for (const auto& k : known) {
        const std::size_t d = edit_distance(name, k);
        if (d < best_distance) {
            best_distance = d;
            best = k;
        }
    }
    return best.empty() ? std::string() : "; did you mean " + best + "?";
}

// Parses the command line into the given options; every problem is a usage error naming the
// option, never its value. --help and --version win wherever they are.
inline void parse_command_line(int argc, char** argv, const std::vector<ValueOption>& value_options,
                               const std::vector<FlagOption>& flag_specs, const std::vector<OptionAlias>& aliases,
                               void (*print_help)()) {
    // --help and --version win wherever they are; --json decides how usage errors are printed.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            print_help();
            std::exit(exit_ok);
        }
        if (arg == "--version") {
            std::cout << program << ' ' << sfconnect::version_string << '\n';
            std::exit(exit_ok);
        }
        if (arg == "--json") json_requested = true;
    }
    // The secret is never a command-line value: refused before any parsing, without the value.
    std::vector<std::string> flags;
    flags.reserve(flag_specs.size());
    for (const auto& f : flag_specs) flags.emplace_back(f.name);
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const std::string_view name = arg.substr(0, arg.find('='));
        if (name == "--consumer-secret" || name == "--client-secret" || name == "--secret" ||
            name == "--consumer_secret" || name == "--client_secret") {
            usage_error(
                std::string(name) +
                ": the consumer secret is never accepted on the command line (it would show in ps and shell "
                "history); use --consumer-secret-file PATH, --consumer-secret-stdin or SFCONNECT_CONSUMER_SECRET");
        }
        if (name == "--private-key" || name == "--key-pem" || name == "--private-key-pem")
            usage_error(std::string(name) +
                        ": key material is never accepted on the command line (it would show in ps and shell "
                        "history); use --private-key-file PEM or SFCONNECT_PRIVATE_KEY_FILE");
        if (name.size() < arg.size() && std::find(flags.begin(), flags.end(), name) != flags.end())
            usage_error(std::string(name) + " takes no value");
    }

    CLI::App app{std::string(program)};
    app.set_help_flag();  // handled above, with this tool's own text
    app.allow_extras();   // unknown options and stray arguments are reported below, never echoed
    std::vector<std::pair<CLI::Option*, bool*>> options;
    options.reserve(value_options.size());
    for (const auto& v : value_options)
        options.emplace_back(app.add_option(v.name, *v.value)->expected(1)->allow_extra_args(false), v.given);
    std::vector<CLI::Option*> flag_options;
    flag_options.reserve(flag_specs.size());
    for (const auto& f : flag_specs) flag_options.push_back(app.add_flag(f.name, *f.value));
    std::vector<std::string> known;
    known.reserve(options.size() + flags.size() + 2);
    for (const auto& [opt, given] : options) known.push_back(opt->get_name());
    known.insert(known.end(), flags.begin(), flags.end());
    known.insert(known.end(), {"--help", "--version"});

    // CLI11 takes "--site --json" as --site without a value and refuses a repeated option without
    // naming it; we name the option (never the value).
    std::vector<std::string> seen;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const std::string name(arg.substr(0, arg.find('=')));
        const bool is_value_option = std::any_of(options.begin(), options.end(),
                                                 [&](const auto& o) { return o.first->get_name() == name; });
        const bool is_flag = std::find(flags.begin(), flags.end(), name) != flags.end();
        if (!is_value_option && !is_flag) continue;
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) usage_error(name + " is given more than once");
        seen.push_back(name);
        if (is_value_option && name.size() == arg.size()) {
            if (i + 1 >= argc || std::string_view(argv[i + 1]).substr(0, 2) == "--")
                usage_error(name + " needs a value");
            ++i;  // the value, whatever it looks like
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError&) {
        // CLI11's own messages quote values; ours never do.
        usage_error("the command line could not be parsed (options take one value each)");
    }
    for (const auto& [opt, given] : options) {
        if (opt->count() > 1) usage_error(opt->get_name() + " is given more than once");
        *given = opt->count() == 1;
    }
    for (CLI::Option* opt : flag_options)
        if (opt->count() > 1) usage_error(opt->get_name() + " is given more than once");
    const std::vector<std::string> extras = app.remaining();
    if (!extras.empty()) {
        const std::string& first = extras.front();
        if (first.size() > 1 && first[0] == '-') {
            const std::string_view name = std::string_view{first}.substr(0, first.find('='));
            usage_error("unknown option " + shown_option_name(name) + did_you_mean(name, known, aliases));
        }
        // Not echoed: a stray argument is often a pasted secret.
        int position = 0;
        for (int i = 1; i < argc; ++i)
            if (first == argv[i]) position = i;
        usage_error("unexpected argument #" + std::to_string(position) +
                    " (options start with --; values are not echoed)");
    }
}

// "90", "90s", "1.5m", "10m", "1h" as milliseconds; nullopt for anything else.
inline std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, bool allow_units) {
    double amount = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, amount);
    if (ec != std::errc{} || !std::isfinite(amount)) return std::nullopt;
    const std::string_view unit(p, static_cast<std::size_t>(end - p));
    double scale = 1000;
    if (unit.empty() || unit == "s") scale = 1000;
    else if (allow_units && unit == "ms") scale = 1;
    else if (allow_units && unit == "m") scale = 60'000;
    else if (allow_units && unit == "h") scale = 3'600'000;
    else return std::nullopt;
    if (!unit.empty() && unit != "s" && !allow_units) return std::nullopt;
    return std::chrono::milliseconds(std::llround(amount * scale));
}

inline std::chrono::milliseconds parse_timeout(const std::string& text) {
    const auto t = parse_duration(text, false);
    if (!t || t->count() <= 0 || *t > std::chrono::hours(1))
        usage_error("--timeout needs a number of seconds greater than 0 and at most 3600; got " + value_of(text));
    return std::max(*t, std::chrono::milliseconds(1));
}

// The library's HOST:PORT rule (detail/url.hpp), so the tool refuses exactly what the client would.
inline void check_connect_to(const std::string& text) {
    sfconnect::detail::HostPort ignored;
    if (!sfconnect::detail::parse_host_port(text, ignored).empty())
        usage_error("--connect-to must be HOST:PORT (e.g. 10.0.0.5:443 or [::1]:8443); got " + value_of(text));
}

// The proxy URL must parse; its text is never echoed (it may carry a password).
inline void check_proxy(const std::string& url, std::string_view source) {
    if (url.empty()) return;
    std::string why;
    if (!sfconnect::detail::parse_proxy_url(url, why))
        usage_error(std::string(source) + " is not a usable proxy URL (" + std::to_string(url.size()) +
                    " characters, not shown): expected http://[user:password@]host:port");
}

// A file given as input: it must be a readable regular file. Returns the reason it is not, or "".
inline std::string unusable_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno == ENOENT ? "no such file" : std::strerror(errno);
    if (S_ISDIR(st.st_mode)) return "it is a directory";
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) return "it is not a regular file";
    if (::access(path.c_str(), R_OK) != 0) return std::strerror(errno);
    return {};
}

inline void check_ca_file(const std::string& path) {
    std::string why = unusable_file(path);
    if (why.empty()) {
        std::ifstream f(path, std::ios::binary);
        std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        if (!f.eof() && f.fail()) why = "it could not be read";
        else if (content.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
            why = "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
    }
    if (!why.empty())
        usage_error("cannot use the file given to --ca-file, " + value_of(path) + ": " + why +
                    "; expected a PEM file with the CA certificate(s)");
}

// The first line of `in` (one trailing "\n" or "\r\n" ends it); longer than max_secret_bytes is an error.
inline sfconnect::Secret first_line(std::istream& in, std::string_view source) {
    std::string line;
    char ch;
    while (in.get(ch) && ch != '\n') {
        if (line.size() == max_secret_bytes) {
            sfconnect::secure_wipe(line.data(), line.size());
            usage_error("the first line of " + std::string(source) +
                        " is longer than 64 KiB: that is not a Consumer "
                        "Secret (Salesforce's are 64 characters)");
        }
        line += ch;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    sfconnect::Secret s(line);
    sfconnect::secure_wipe(line.data(), line.size());
    return s;
}

inline sfconnect::Secret read_secret_file(const std::string& path) {
    const std::string why = unusable_file(path);
    if (!why.empty())
        usage_error("cannot read the file given to --consumer-secret-file, " + value_of(path) + ": " + why +
                    "; expected a file whose first line is the Consumer Secret");
    std::ifstream f(path, std::ios::binary);
    sfconnect::Secret secret = first_line(f, "the file given to --consumer-secret-file");
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
        std::cerr << program << ": warning: the file given to --consumer-secret-file is readable by other users (mode "
                  << mode << "); restrict it with chmod 600\n";
    }
    return secret;
}

// ---- the hidden prompt ---------------------------------------------------------------------------------

inline constexpr int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
inline struct sigaction previous_actions[std::size(prompt_signals)];

inline void restore_terminal_and_reraise(int sig) {
    if (terminal_needs_restore) tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
    static const char newline = '\n';
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, &newline, 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

class HiddenInput {
public:
    HiddenInput() {
        if (tcgetattr(STDIN_FILENO, &saved_terminal) != 0) return;
        struct sigaction sa {};
        sa.sa_handler = restore_terminal_and_reraise;
        sigemptyset(&sa.sa_mask);
        for (std::size_t i = 0; i < std::size(prompt_signals); ++i)
            sigaction(prompt_signals[i], &sa, &previous_actions[i]);
        termios quiet = saved_terminal;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        terminal_needs_restore = 1;
        active_ = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
    ~HiddenInput() { restore(); }
    HiddenInput(const HiddenInput&) = delete;
    HiddenInput& operator=(const HiddenInput&) = delete;
    void restore() {
        if (!active_) return;
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
        terminal_needs_restore = 0;
        for (std::size_t i = 0; i < std::size(prompt_signals); ++i)
            sigaction(prompt_signals[i], &previous_actions[i], nullptr);
        active_ = false;
    }

private:
    bool active_ = false;
};

inline sfconnect::Secret read_secret_stdin() {
    if (isatty(STDIN_FILENO) == 0) return first_line(std::cin, "standard input");
    // Text typed before the prompt was echoed and would silently become the start of the secret:
    // discard it, and say so.
    int pending = 0;
    if (ioctl(STDIN_FILENO, FIONREAD, &pending) == 0 && pending > 0) {
        tcflush(STDIN_FILENO, TCIFLUSH);
        std::cerr << program << ": discarded " << pending
                  << " characters typed before the prompt; type the secret after it\n";
    }
    HiddenInput hidden;
    std::cerr << "Consumer Secret (not shown): " << std::flush;
    sfconnect::Secret s = first_line(std::cin, "standard input");
    hidden.restore();
    std::cerr << '\n';
    return s;
}

inline std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

// A value from an option or, when the option is absent, the environment; empty counts as missing.
inline std::optional<std::string> given_or_env(bool given, const std::string& value, const char* variable) {
    if (given) return value;
    auto v = env(variable);
    if (v && v->empty()) return std::nullopt;
    return v;
}

// ---- the connection options ---------------------------------------------------------------------------

// What both tools take to reach an org.
struct ConnectionArgs {
    std::string site, consumer_key, secret_file, ca_file, connect_to, proxy;
    bool has_site = false, has_consumer_key = false, has_secret_file = false, has_ca_file = false,
         has_connect_to = false, has_proxy = false;
    bool secret_stdin = false;
};

// --timeout: one limit for every phase, so that "raise the timeout" can always be followed.
inline void apply_timeout(const std::string& text, sfconnect::TokenClientOptions& options) {
    const auto t = parse_timeout(text);
    options.timeouts.request = t;
    options.timeouts.resolve = t;
    options.timeouts.connect = t;
    options.timeouts.tls_handshake = t;
}

// The connection options' lines of --help, the same in every tool.
inline constexpr std::string_view connection_options_help =
    "  --site HOST                  My Domain host, e.g. acme.my.salesforce.com\n"
    "                               (default: env SFCONNECT_SITE)\n"
    "  --consumer-key KEY           (default: env SFCONNECT_CONSUMER_KEY)\n"
    "  --consumer-secret-file PATH  read the secret from the first line of a file ('-': standard input)\n"
    "  --consumer-secret-stdin      read the secret from the first line of standard input\n"
    "                               (default: env SFCONNECT_CONSUMER_SECRET; never a command-line value)\n"
    "  --ca-file PEM                trust this CA in addition to the system store\n";

// The connection options for parse_command_line (the flag --consumer-secret-stdin: connection_flags).
inline std::vector<ValueOption> connection_options(ConnectionArgs& a) {
    return {{"--site", &a.site, &a.has_site},
            {"--consumer-key", &a.consumer_key, &a.has_consumer_key},
            {"--consumer-secret-file", &a.secret_file, &a.has_secret_file},
            {"--ca-file", &a.ca_file, &a.has_ca_file},
            {"--connect-to", &a.connect_to, &a.has_connect_to},
            {"--proxy", &a.proxy, &a.has_proxy}};
}
inline std::vector<FlagOption> connection_flags(ConnectionArgs& a) {
    return {{"--consumer-secret-stdin", &a.secret_stdin}};
}

struct Connection {
    std::string site, consumer_key;
    sfconnect::Secret consumer_secret;
};

// The site, key and secret from options and environment, checked; the CA file, connect-to and proxy
// checked and set in `options`. Every problem is a usage error. A flow that signs its own assertion
// (JWT bearer) reads no secret and refuses the secret options.
inline Connection resolve_connection(const ConnectionArgs& a, sfconnect::TokenClientOptions& options,
                                     bool needs_secret = true) {
    Connection out;
    if (!needs_secret && (a.has_secret_file || a.secret_stdin))
        usage_error("the JWT bearer flow uses no Consumer Secret: drop --consumer-secret-file/--consumer-secret-stdin");
    auto site = given_or_env(a.has_site, a.site, "SFCONNECT_SITE");
    if (!site || site->empty())
        usage_error("no Site: give --site HOST or set SFCONNECT_SITE (empty counts as missing)");
    auto key = given_or_env(a.has_consumer_key, a.consumer_key, "SFCONNECT_CONSUMER_KEY");
    if (!key || key->empty())
        usage_error("no Consumer Key: give --consumer-key KEY or set SFCONNECT_CONSUMER_KEY (empty counts as missing)");
    const bool secret_from_stdin = a.secret_stdin || (a.has_secret_file && a.secret_file == "-");
    if (a.has_secret_file && a.secret_stdin)
        usage_error("give the secret either with --consumer-secret-file or with --consumer-secret-stdin, not both");
    if (a.has_ca_file) check_ca_file(a.ca_file);
    if (a.has_connect_to) check_connect_to(a.connect_to);
    if (a.has_proxy) {
        check_proxy(a.proxy, "--proxy");
    } else if (!a.has_connect_to) {  // the environment's proxy applies to the Site only
        auto no_proxy = env("NO_PROXY");
        if (!no_proxy || no_proxy->empty()) no_proxy = env("no_proxy");
        const bool bypassed = no_proxy && sfconnect::detail::no_proxy_matches(*no_proxy, *site);
        for (const char* variable : {"HTTPS_PROXY", "https_proxy"}) {
            if (bypassed) break;
            const auto v = env(variable);
            if (v && !v->empty()) {
                check_proxy(*v, variable);
                break;
            }
        }
    }
    out.site = std::move(*site);
    out.consumer_key = std::move(*key);
    if (!needs_secret) {
        // no secret to read
    } else if (secret_from_stdin) {
        out.consumer_secret = read_secret_stdin();
    } else if (a.has_secret_file) {
        out.consumer_secret = read_secret_file(a.secret_file);
    } else if (const auto s = env("SFCONNECT_CONSUMER_SECRET"); s && !s->empty()) {
        out.consumer_secret = sfconnect::Secret(*s);
    } else {
        usage_error("no Consumer Secret: use --consumer-secret-file PATH, --consumer-secret-stdin or set "
                    "SFCONNECT_CONSUMER_SECRET (empty counts as missing)");
    }
    if (needs_secret && out.consumer_secret.reveal().empty())
        usage_error("the Consumer Secret read from " +
                    std::string(secret_from_stdin ? "standard input" : "the file given to --consumer-secret-file") +
                    " is empty");
    if (a.has_ca_file) options.ca_file = a.ca_file;
    if (a.has_connect_to) options.connect_to = a.connect_to;
    if (a.has_proxy) options.proxy = a.proxy;
    return out;
}

}  // namespace sfconnect::tools
