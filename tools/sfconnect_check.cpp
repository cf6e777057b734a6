// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-check: Save & Check from the command line. Validates a Site, Consumer Key and Consumer
// Secret and proves that a token can be fetched and the REST API used, step by step. The interface
// (options, exit status, JSON schema) is public and stable; see --help and docs/sfconnect-check.md.

#include <sfconnect/check.hpp>
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator, compiled in this one TU
#include <sfconnect/version.hpp>
#include <sfconnect/detail/proxy_config.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

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
#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::literals;

constexpr std::string_view program = "sfconnect-check";

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

// The longest first line read as a secret; a Consumer Secret is 64 characters.
constexpr std::size_t max_secret_bytes = 64 * 1024;

// Test aid (documented in docs/sfconnect-check.md): the first --wait delay in milliseconds, so that
// tests wait out propagation in moments instead of 5-60 s. The later delays keep the 5 s : 60 s ratio.
constexpr const char* wait_delay_test_variable = "SFCONNECT_CHECK_TEST_WAIT_DELAY_MS";

// ---- text helpers (candidates for detail/untrusted_text.hpp at merge) --------------------------------

// Text for a terminal: valid UTF-8, no control, C1 or bidi-override characters.
std::string printable(std::string_view s) { return sfconnect::detail::terminal_text(s); }

std::size_t edit_distance(std::string_view a, std::string_view b) {
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

bool json_requested = false;  // --json anywhere on the command line: usage errors print JSON too

// The terminal state to restore: a signal arriving while echo is off restores it before the
// process dies (tcsetattr is async-signal-safe), so Ctrl+C never leaves the shell without echo;
// so does every exit through usage_error.
termios saved_terminal{};
volatile std::sig_atomic_t terminal_needs_restore = 0;
// The report's "flow" when a usage error stops the tool before the options are parsed.
const char* usage_flow = "client_credentials";

// The --json report of a usage error: the schema of a check report, every step skipped.
std::string usage_error_json(const std::string& reason) {
    const auto str = [](std::string_view s) {
        return boost::json::serialize(boost::json::string_view(sfconnect::detail::valid_utf8(s)));
    };
    std::string out = "{\"ok\":false,\"version\":" + str(sfconnect::version_string) +
                      ",\"site\":\"\",\"demo\":null,\"flow\":\"" + usage_flow + "\",\"steps\":[";
    for (std::size_t i = 0; i < sfconnect::check_step_names.size(); ++i) {
        if (i > 0) out += ',';
        out += "{\"name\":" + str(sfconnect::check_step_names[i]) +
               ",\"ok\":false,\"skipped\":true,\"ms\":0.000,\"detail\":\"\"}";
    }
    out +=
        "],\"error\":{\"step\":\"usage\",\"code\":\"usage_error\",\"message\":" + str(reason) +
        ",\"hint\":\"see sfconnect-check --help\",\"http_status\":null,\"server_error\":null,\"server_message\":null},"
        "\"token\":null,\"api\":null,\"identity\":null,\"attempts\":[],\"logins\":0}";
    return out;
}

// One-line usage error: reason plus a pointer to --help. Never includes a value (it could be a secret).
[[noreturn]] void usage_error(const std::string& reason) {
    if (terminal_needs_restore) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
        std::cerr << '\n';
    }
    const std::string safe = printable(reason);
    std::cerr << program << ": " << safe << " (see sfconnect-check --help)\n";
    if (json_requested) std::cout << usage_error_json(safe) << '\n' << std::flush;
    std::exit(exit_usage);
}

// How a rejected value is described: never the value (it could be a secret), only its length.
std::string value_of(std::string_view value) {
    return "a value of " + std::to_string(value.size()) + (value.size() == 1 ? " character" : " characters") +
           " (not shown)";
}

void print_help() {
    std::string scenarios;
    for (auto s : sfconnect::testing::all_scenarios()) {
        if (!scenarios.empty()) scenarios += ", ";
        scenarios += sfconnect::testing::to_string(s);
    }
    std::cout <<
        R"(Usage: sfconnect-check [options]

Save & Check for a Salesforce connected app (OAuth 2.0 client credentials flow): validates the
Site, Consumer Key and Consumer Secret, then runs the steps
  site -> connect -> tls -> token -> api -> identity
and stops at the first failure with the error code, the server's words and what to change.

Options:
  --site HOST                  My Domain host, e.g. acme.my.salesforce.com
                               (default: env SFCONNECT_SITE)
  --consumer-key KEY           (default: env SFCONNECT_CONSUMER_KEY)
  --consumer-secret-file PATH  read the secret from the first line of a file ('-': standard input)
  --consumer-secret-stdin      read the secret from the first line of standard input
                               (default: env SFCONNECT_CONSUMER_SECRET; never a command-line value)
  --flow FLOW                  client_credentials (default) or jwt: the JWT bearer flow, which
                               needs no secret but --username and --private-key-file
  --username USER              jwt: the Salesforce username to log in as (default: env SFCONNECT_USERNAME)
  --private-key-file PEM       jwt: the RSA private key whose certificate is uploaded to the app
                               (default: env SFCONNECT_PRIVATE_KEY_FILE; never key material on the command line)
  --audience URL               jwt: the assertion's audience (default: https://test.salesforce.com
                               for sandbox and scratch Sites, else https://login.salesforce.com)
  --ca-file PEM                trust this CA in addition to the system store
  --connect-to HOST:PORT       connect there directly instead of resolving the site; SNI, Host
                               header and certificate verification still use the site; the
                               HTTPS_PROXY variable is not used for it (--proxy is)
  --api-version NN.0           REST API version (default: )"
              << sfconnect::ApiVersion::default_version().str() << R"()
  --timeout SECONDS            limit for every phase: DNS, connect, proxy, TLS and each request
                               (default: 10 s for DNS, connect and TLS, 30 s per request)
  --wait DURATION              wait out propagation ("changes can take up to 10 minutes"): when
                               the check fails with an error a setup change still propagating
                               explains, run it again after 5 s, 10 s, ... up to 60 s apart
                               until it passes or DURATION (e.g. 90s, 10m) is spent; every
                               attempt is a login (default: off)
  --proxy URL                  HTTP CONNECT proxy, http://[user:password@]host:port; '' for none
                               (default: HTTPS_PROXY / https_proxy for the site, honouring NO_PROXY)
  --json                       print one JSON report on stdout (and nothing else)
  --demo                       start the built-in Salesforce emulator on 127.0.0.1 and check
                               against it (no org, credentials or network needed)
  --demo-scenario NAME         demo/testing aid: make the emulator reproduce a real failure:
                               )"
              << scenarios << R"(
  --help                       show this help
  --version                    show the version

Exit status: 0 every step passed; 1 a step failed, or a local failure (the emulator's port, the
report could not be written); 2 usage error (options, missing or unreadable input).

Environment: SFCONNECT_SITE, SFCONNECT_CONSUMER_KEY, SFCONNECT_CONSUMER_SECRET, HTTPS_PROXY,
NO_PROXY; NO_COLOR (non-empty) or TERM=dumb turn colour off (it is off when stdout is not a terminal).

JSON (--json): {"ok": bool, "version": str, "site": str, "demo": str|null,
  "flow": "client_credentials"|"jwt_bearer",
  "steps": [{"name": "site"|"connect"|"tls"|"token"|"api"|"identity", "ok": bool,
             "skipped": bool, "ms": number, "detail": str}, ...],
  "error": null | {"step", "code", "message", "hint", "http_status": int|null,
                   "server_error": str|null, "server_message": str|null},
  "token": null | {"instance_url", "issued_at" (ISO-8601 UTC), "scope": str|null, "token_type",
                   "signature_verified": bool},
  "api": null | {"version"},
  "identity": null | {"user_id", "organization_id", "username"},
  "attempts": [{"attempt": int, "started_at": str, "step": str|null, "code": str|null,
                "logins": int, "next_delay_s": number|null}, ...],
  "logins": int}
All six steps are always listed, in order; steps after a failure have "skipped": true.
error.code is a stable sfconnect error name (e.g. no_run_as_user, invalid_client_id); a usage
error with --json prints the same object with error.step "usage" and error.code "usage_error".
The consumer secret, the private key and access tokens never appear in any output.
)";
}

// ---- the command line ------------------------------------------------------------------------------------

struct Args {
    std::string site, consumer_key, secret_file, ca_file, connect_to, api_version, timeout, wait, proxy, demo_scenario;
    bool has_site = false, has_consumer_key = false, has_secret_file = false, has_ca_file = false,
         has_connect_to = false, has_api_version = false, has_timeout = false, has_wait = false, has_proxy = false,
         has_demo_scenario = false;
    std::string flow, username, private_key_file, audience;  // the JWT bearer flow
    bool has_flow = false, has_username = false, has_private_key_file = false, has_audience = false;
    bool secret_stdin = false;
    bool json = false;
    bool demo = false;
};

// Names a user may type for an option this tool spells differently.
constexpr std::pair<std::string_view, std::string_view> option_aliases[] = {
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
    {"--scenario", "--demo-scenario"},
    {"--https-proxy", "--proxy"},
    {"--resolve", "--connect-to"},
    {"--version-api", "--api-version"},
};

std::string did_you_mean(std::string_view name, const std::vector<std::string>& known) {
    for (const auto& [alias, real] : option_aliases)
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

// An option name as typed, for usage errors: only when it looks like an option name at all.
std::string shown_option_name(std::string_view name) {
    const bool looks_like_name = name.size() <= 40 && name.size() > 2 &&
                                 std::all_of(name.begin() + 2, name.end(), [](char c) {
                                     return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                            (c >= '0' && c <= '9') || c == '-' || c == '_';
                                 });
    return looks_like_name ? std::string(name) : "of " + std::to_string(name.size()) + " characters (not shown)";
}

Args parse_args(int argc, char** argv) {
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
        if (arg == "--flow=jwt" || arg == "--flow=jwt_bearer" ||
            (arg == "--flow" && i + 1 < argc &&
             (std::string_view(argv[i + 1]) == "jwt" || std::string_view(argv[i + 1]) == "jwt_bearer")))
            usage_flow = "jwt_bearer";
    }
    // The secret is never a command-line value: refused before any parsing, without the value.
    const std::vector<std::string> flags{"--consumer-secret-stdin", "--json", "--demo"};
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

    Args a;
    CLI::App app{"sfconnect-check"};
    app.set_help_flag();  // handled above, with this tool's own text
    app.allow_extras();   // unknown options and stray arguments are reported below, never echoed
    std::vector<std::pair<CLI::Option*, bool*>> options;
    const auto value = [&](const char* name, std::string& target, bool& given) {
        options.emplace_back(app.add_option(name, target)->expected(1)->allow_extra_args(false), &given);
    };
    value("--site", a.site, a.has_site);
    value("--consumer-key", a.consumer_key, a.has_consumer_key);
    value("--consumer-secret-file", a.secret_file, a.has_secret_file);
    value("--ca-file", a.ca_file, a.has_ca_file);
    value("--connect-to", a.connect_to, a.has_connect_to);
    value("--api-version", a.api_version, a.has_api_version);
    value("--timeout", a.timeout, a.has_timeout);
    value("--wait", a.wait, a.has_wait);
    value("--proxy", a.proxy, a.has_proxy);
    value("--demo-scenario", a.demo_scenario, a.has_demo_scenario);
    value("--flow", a.flow, a.has_flow);
    value("--username", a.username, a.has_username);
    value("--private-key-file", a.private_key_file, a.has_private_key_file);
    value("--audience", a.audience, a.has_audience);
    std::vector<CLI::Option*> flag_options{app.add_flag("--consumer-secret-stdin", a.secret_stdin),
                                           app.add_flag("--json", a.json), app.add_flag("--demo", a.demo)};
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
            usage_error("unknown option " + shown_option_name(name) + did_you_mean(name, known));
        }
        // Not echoed: a stray argument is often a pasted secret.
        int position = 0;
        for (int i = 1; i < argc; ++i)
            if (first == argv[i]) position = i;
        usage_error("unexpected argument #" + std::to_string(position) +
                    " (options start with --; values are not echoed)");
    }
    return a;
}

// "90", "90s", "1.5m", "10m", "1h" as milliseconds; nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, bool allow_units) {
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

std::chrono::milliseconds parse_timeout(const std::string& text) {
    const auto t = parse_duration(text, false);
    if (!t || t->count() <= 0 || *t > std::chrono::hours(1))
        usage_error("--timeout needs a number of seconds greater than 0 and at most 3600; got " + value_of(text));
    return std::max(*t, std::chrono::milliseconds(1));
}

std::chrono::milliseconds parse_wait(const std::string& text) {
    const auto t = parse_duration(text, true);
    if (!t || t->count() < 0 || *t > std::chrono::hours(1))
        usage_error("--wait needs a duration such as 90s, 10m or 1h (at most 1h); got " + value_of(text));
    return *t;
}

sfconnect::ApiVersion parse_api_version(const std::string& text) {
    const bool shape = text.size() == 4 && text[0] >= '1' && text[0] <= '9' && text[1] >= '0' && text[1] <= '9' &&
                       text[2] == '.' && text[3] == '0';
    auto v = shape
                 ? sfconnect::ApiVersion::parse(text)
                 : boost::system::result<sfconnect::ApiVersion>(make_error_code(boost::system::errc::invalid_argument));
    if (!v) usage_error("--api-version must have the form NN.0 (e.g. 64.0); got " + value_of(text));
    return *v;
}

// The library's HOST:PORT rule (detail/url.hpp), so the tool refuses exactly what the client would.
void check_connect_to(const std::string& text) {
    sfconnect::detail::HostPort ignored;
    if (!sfconnect::detail::parse_host_port(text, ignored).empty())
        usage_error("--connect-to must be HOST:PORT (e.g. 10.0.0.5:443 or [::1]:8443); got " + value_of(text));
}

// The proxy URL must parse; its text is never echoed (it may carry a password).
void check_proxy(const std::string& url, std::string_view source) {
    if (url.empty()) return;
    std::string why;
    if (!sfconnect::detail::parse_proxy_url(url, why))
        usage_error(std::string(source) + " is not a usable proxy URL (" + std::to_string(url.size()) +
                    " characters, not shown): expected http://[user:password@]host:port");
}

// A file given as input: it must be a readable regular file. Returns the reason it is not, or "".
std::string unusable_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno == ENOENT ? "no such file" : std::strerror(errno);
    if (S_ISDIR(st.st_mode)) return "it is a directory";
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) return "it is not a regular file";
    if (::access(path.c_str(), R_OK) != 0) return std::strerror(errno);
    return {};
}

void check_ca_file(const std::string& path) {
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
sfconnect::Secret first_line(std::istream& in, std::string_view source) {
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

sfconnect::Secret read_secret_file(const std::string& path) {
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

constexpr int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
struct sigaction previous_actions[std::size(prompt_signals)];

extern "C" void restore_terminal_and_reraise(int sig) {
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

sfconnect::Secret read_secret_stdin() {
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

// ---- human output --------------------------------------------------------------------------------

struct Style {
    bool colour = false;
    std::string paint(std::string_view code, std::string_view text) const {
        if (!colour) return std::string(text);
        return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
    }
    std::string ok(std::string_view t) const { return paint("32", t); }
    std::string bad(std::string_view t) const { return paint("31", t); }
    std::string dim(std::string_view t) const { return paint("2", t); }
    std::string bold(std::string_view t) const { return paint("1", t); }
};

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

bool use_colour() {
    if (isatty(STDOUT_FILENO) == 0) return false;
    const auto no_colour = env("NO_COLOR");  // https://no-color.org: any non-empty value
    if (no_colour && !no_colour->empty()) return false;
    const auto term = env("TERM");
    return !(term && *term == "dumb");
}

std::string format_ms(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%8.2f ms", ms);
    return buf;
}

std::string format_delay(std::chrono::milliseconds d) {
    char buf[32];
    if (d >= std::chrono::seconds(1) && d.count() % 1000 == 0)
        std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(d.count() / 1000));
    else if (d >= std::chrono::seconds(1))
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    else std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(d.count()));
    return buf;
}

std::string pad(std::string_view s, std::size_t width) {
    std::string out(s);
    if (out.size() < width) out.append(width - out.size(), ' ');
    return out;
}

std::string attempt_line(const sfconnect::CheckAttempt& a) {
    std::string line = "Attempt " + std::to_string(a.number) + " (" + a.started_at + "): ";
    if (!a.code) return line + "passed";
    line += std::string(sfconnect::error_id(a.code)) + " at step \"" + a.step + "\"";
    if (a.next_delay) line += "; trying again in " + format_delay(*a.next_delay);
    return line;
}

// What a failed step checked, for the FAILED line: "site" covers more than the Site.
std::string_view step_scope(std::string_view step) {
    if (step == "site") return " (the Site, Consumer Key, Consumer Secret and connection options as given; no network)";
    return "";
}

void print_human(const sfconnect::CheckReport& rep, const std::string& demo_note, bool waited) {
    const Style st{use_colour()};
    std::ostream& out = std::cout;
    out << st.bold("Save & Check: " + printable(rep.site)) << (rep.flow == "jwt_bearer" ? "  (JWT bearer flow)" : "")
        << (demo_note.empty() ? "" : "  " + printable(demo_note)) << "\n\n";
    for (const auto& s : rep.steps) {
        if (!s.ran) {
            out << "  " << st.dim("[SKIP] " + pad(s.name, 9) + std::string(format_ms(0).size(), ' ') + "  skipped")
                << '\n';
            continue;
        }
        out << "  " << (s.ok ? st.ok("[ OK ]") : st.bad("[FAIL]")) << ' ' << pad(s.name, 9) << format_ms(s.ms) << "  "
            << printable(s.detail) << '\n';
    }
    out << '\n';
    if (waited || rep.attempts.size() > 1) {
        out << rep.attempts.size() << (rep.attempts.size() == 1 ? " attempt, " : " attempts, ") << rep.logins
            << (rep.logins == 1 ? " login" : " logins") << " spent (each attempt logs in as the Run As user).\n\n";
    }
    if (rep.ok) {
        out << st.ok("PASSED") << ": every step succeeded.\n";
        const auto row = [&](std::string_view label, const std::string& value) {
            out << "  " << pad(label, 20) << printable(value) << '\n';
        };
        if (rep.token) row("Instance URL", rep.token->instance_url);
        if (rep.identity) {
            row("User id", rep.identity->user_id);
            row("Organization id", rep.identity->organization_id);
            row("Username", rep.identity->username);
        }
        if (rep.token) {
            row("Signature verified", rep.token->signature_verified ? "yes" : "no (the reply carried no signature)");
            row("Token issued at", rep.token->issued_at);
            if (rep.token->scope) row("Scope", *rep.token->scope);
        }
        if (rep.api) row("API version", rep.api->version);
        return;
    }
    if (!rep.error) return;
    const auto& e = *rep.error;
    out << st.bad("FAILED") << " at step \"" << e.step << "\"" << step_scope(e.step) << ": "
        << st.bold(std::string(sfconnect::error_id(e.code))) << '\n';
    out << "  " << pad("What happened", 15) << printable(e.message) << '\n';
    if (e.server_error || e.server_message || e.http_status) {
        std::string server;
        if (e.server_error) server += *e.server_error;
        if (e.server_message) server += (server.empty() ? "" : ": ") + *e.server_message;
        const std::string status = e.http_status ? "HTTP " + std::to_string(*e.http_status) : "";
        // The status once: our message may already name it.
        if (!status.empty() && e.message.find(status) == std::string::npos)
            server += (server.empty() ? "" : " ") + ("(" + status + ")");
        if (!server.empty()) out << "  " << pad("Server said", 15) << printable(server) << '\n';
    }
    out << "  " << pad("How to fix", 15) << printable(e.hint) << '\n';
}

// ---- main ------------------------------------------------------------------------------------------

// A value from an option or, when the option is absent, the environment; empty counts as missing.
std::optional<std::string> given_or_env(bool given, const std::string& value, const char* variable) {
    if (given) return value;
    auto v = env(variable);
    if (v && v->empty()) return std::nullopt;
    return v;
}

// ---- the JWT bearer flow ------------------------------------------------------------------------------

// True for the JWT bearer flow, false for client credentials; anything else is a usage error.
bool parse_flow(std::string flow) {
    std::replace(flow.begin(), flow.end(), '-', '_');
    if (flow == "jwt" || flow == "jwt_bearer") return true;
    if (flow == "client_credentials") return false;
    usage_error("--flow: unknown flow, " + value_of(flow) + "; use client_credentials or jwt");
}

// The whole PEM file (a key is far below 64 KiB); the buffer is wiped once the Secret holds it.
sfconnect::Secret read_private_key_file(const std::string& path) {
    const std::string why = unusable_file(path);
    if (!why.empty())
        usage_error("cannot read the file given to --private-key-file, " + value_of(path) + ": " + why +
                    "; expected the PEM private key (server.key)");
    std::ifstream f(path, std::ios::binary);
    std::string pem(64 * 1024 + 1, '\0');
    f.read(pem.data(), static_cast<std::streamsize>(pem.size()));
    pem.resize(static_cast<std::size_t>(f.gcount()));
    if (pem.size() > 64 * 1024) {
        sfconnect::secure_wipe(pem.data(), pem.size());
        usage_error("the file given to --private-key-file is larger than 64 KiB: it is not a PEM private key");
    }
    sfconnect::Secret secret(pem);
    sfconnect::secure_wipe(pem.data(), pem.size());
    return secret;
}

void read_jwt_input(const Args& a, sfconnect::CheckInput& input) {
    if (a.has_secret_file || a.secret_stdin)
        usage_error("the JWT bearer flow uses no Consumer Secret: drop --consumer-secret-file/--consumer-secret-stdin");
    auto user = given_or_env(a.has_username, a.username, "SFCONNECT_USERNAME");
    if (!user) usage_error("no username: give --username USER or set SFCONNECT_USERNAME (empty counts as missing)");
    auto key_file = given_or_env(a.has_private_key_file, a.private_key_file, "SFCONNECT_PRIVATE_KEY_FILE");
    if (!key_file || key_file->empty())
        usage_error("no private key: give --private-key-file PEM or set SFCONNECT_PRIVATE_KEY_FILE (empty counts as "
                    "missing)");
    input.username = std::move(*user);
    input.private_key_pem = read_private_key_file(*key_file);
    if (a.has_audience) input.audience = a.audience;
}

int run(int argc, char** argv) {
    const Args a = parse_args(argc, argv);

    sfconnect::TokenClientOptions options;
    sfconnect::CheckOptions check_options;
    if (a.has_api_version) check_options.api_version = parse_api_version(a.api_version);
    if (a.has_timeout) {
        // One limit for every phase, so that "raise the timeout" can always be followed.
        const auto t = parse_timeout(a.timeout);
        options.timeouts.request = t;
        options.timeouts.resolve = t;
        options.timeouts.connect = t;
        options.timeouts.tls_handshake = t;
    }
    if (a.has_wait) {
        check_options.wait = parse_wait(a.wait);
        if (const auto test_delay = env(wait_delay_test_variable)) {
            long long ms = 0;
            auto [p, ec] = std::from_chars(test_delay->data(), test_delay->data() + test_delay->size(), ms);
            if (ec == std::errc{} && ms > 0) {
                check_options.first_delay = std::chrono::milliseconds(ms);
                check_options.max_delay = std::chrono::milliseconds(ms * 12);
            }
        }
    }
    if (a.has_demo_scenario && !a.demo) usage_error("--demo-scenario needs --demo");

    sfconnect::CheckInput input;
    const bool jwt = a.has_flow && parse_flow(a.flow);
    if (jwt) input.flow = "jwt_bearer";
    if (!jwt && (a.has_username || a.has_private_key_file || a.has_audience))
        usage_error("--username, --private-key-file and --audience belong to the JWT bearer flow: add --flow jwt");
    std::optional<sfconnect::testing::Emulator> emulator;
    std::string demo_note;
    std::optional<std::string> demo_scenario;
    if (a.demo) {
        for (const auto& [given, name] :
             {std::pair{a.has_site, "--site"}, std::pair{a.has_consumer_key, "--consumer-key"},
              std::pair{a.has_secret_file, "--consumer-secret-file"},
              std::pair{a.secret_stdin, "--consumer-secret-stdin"}, std::pair{a.has_ca_file, "--ca-file"},
              std::pair{a.has_connect_to, "--connect-to"}, std::pair{a.has_proxy, "--proxy"},
              std::pair{a.has_username, "--username"}, std::pair{a.has_private_key_file, "--private-key-file"}}) {
            if (given)
                usage_error(std::string("--demo checks the built-in emulator and cannot be combined with ") + name);
        }
        auto scenario = sfconnect::testing::Scenario::healthy;
        if (a.has_demo_scenario) {
            auto s = sfconnect::testing::scenario_from_string(a.demo_scenario);
            if (!s) {
                std::vector<std::string> names;
                for (auto k : sfconnect::testing::all_scenarios()) names.emplace_back(sfconnect::testing::to_string(k));
                std::string normalised = a.demo_scenario;
                std::replace(normalised.begin(), normalised.end(), '-', '_');
                usage_error("--demo-scenario: unknown scenario, " + value_of(a.demo_scenario) +
                            did_you_mean(normalised, names) + " (the names are listed in --help)");
            }
            scenario = *s;
        }
        sfconnect::testing::EmulatorOptions demo_options;
        std::optional<sfconnect::testing::KeyPairPem> app_pair;
        if (jwt) {
            app_pair = sfconnect::testing::make_jwt_signing_pair();
            demo_options.jwt_certificate_pem = app_pair->certificate_pem;
        }
        emulator.emplace(demo_options);
        emulator->set_scenario(scenario);
        emulator->start();
        input.site = emulator->site();
        input.consumer_key = emulator->consumer_key();
        if (jwt) {
            input.username = emulator->options().username;
            input.private_key_pem = sfconnect::Secret(app_pair->private_key_pem);
            if (a.has_audience) input.audience = a.audience;
        } else {
            input.consumer_secret = sfconnect::Secret(emulator->consumer_secret());
        }
        options.ca_pem = emulator->ca_certificate_pem();
        options.use_system_trust_store = false;
        options.connect_to = emulator->connect_to();
        options.proxy = "";  // loopback: an HTTPS_PROXY from the environment must not capture it
        demo_scenario = std::string(sfconnect::testing::to_string(scenario));
        demo_note = "(demo: built-in emulator on " + emulator->connect_to() + ")";
        if (scenario != sfconnect::testing::Scenario::healthy)
            demo_note.insert(demo_note.size() - 1, ", scenario " + *demo_scenario);
    } else {
        auto site = given_or_env(a.has_site, a.site, "SFCONNECT_SITE");
        if (!site || site->empty())
            usage_error("no Site: give --site HOST or set SFCONNECT_SITE (empty counts as missing)");
        auto key = given_or_env(a.has_consumer_key, a.consumer_key, "SFCONNECT_CONSUMER_KEY");
        if (!key || key->empty())
            usage_error(
                "no Consumer Key: give --consumer-key KEY or set SFCONNECT_CONSUMER_KEY (empty counts as missing)");
        const bool secret_from_stdin = !jwt && (a.secret_stdin || (a.has_secret_file && a.secret_file == "-"));
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
        input.site = std::move(*site);
        input.consumer_key = std::move(*key);
        if (jwt) {
            read_jwt_input(a, input);
        } else if (secret_from_stdin) {
            input.consumer_secret = read_secret_stdin();
        } else if (a.has_secret_file) {
            input.consumer_secret = read_secret_file(a.secret_file);
        } else if (const auto s = env("SFCONNECT_CONSUMER_SECRET"); s && !s->empty()) {
            input.consumer_secret = sfconnect::Secret(*s);
        } else {
            usage_error("no Consumer Secret: use --consumer-secret-file PATH, --consumer-secret-stdin or set "
                        "SFCONNECT_CONSUMER_SECRET (empty counts as missing)");
        }
        if (!jwt && input.consumer_secret.reveal().empty())
            usage_error("the Consumer Secret read from " +
                        std::string(secret_from_stdin ? "standard input" : "the file given to --consumer-secret-file") +
                        " is empty");
        if (a.has_ca_file) options.ca_file = a.ca_file;
        if (a.has_connect_to) options.connect_to = a.connect_to;
        if (a.has_proxy) options.proxy = a.proxy;
    }

    if (!a.json && check_options.wait.count() > 0) {
        check_options.on_attempt = [](const sfconnect::CheckAttempt& attempt) {
            if (attempt.number == 1 && !attempt.next_delay) return;  // nothing to wait for: the report says it all
            std::cout << printable(attempt_line(attempt)) << '\n' << std::flush;
        };
    }

    boost::asio::io_context io;
    sfconnect::CheckReport report;
    sfconnect::async_check(io.get_executor(), std::move(input), std::move(options), check_options,
                           [&](sfconnect::error_code, sfconnect::CheckReport r) { report = std::move(r); });
    io.run();
    if (emulator) emulator->stop();
    report.demo = demo_scenario;

    if (a.json) {
        std::cout << report.to_json() << '\n';
    } else {
        if (report.attempts.size() > 1) std::cout << '\n';
        print_human(report, demo_note, check_options.wait.count() > 0);
    }
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0) {
        // A report nobody can read is not a pass.
        std::cerr << program << ": could not write the report to standard output (" << std::strerror(errno) << ")\n";
        return exit_failed;
    }
    return report.ok ? exit_ok : exit_failed;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        // Nothing here carries a secret: the check reports its own failures; these are local
        // problems (the emulator's port, memory).
        std::cerr << program << ": " << printable(e.what()) << '\n';
        return exit_failed;
    }
}
