// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-check: Save & Check from the command line. Validates a Site, Consumer Key and Consumer
// Secret and proves that a token can be fetched and the REST API used, step by step. The interface
// (options, exit status, JSON schema) is public and stable; see --help.

#include <sfconnect/check.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator, compiled in this one TU
#include <sfconnect/version.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <termios.h>
#include <unistd.h>

namespace {

using namespace std::literals;

constexpr std::string_view program = "sfconnect-check";

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

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
  --consumer-secret-file PATH  read the secret from the first line of a file
  --consumer-secret-stdin      read the secret from the first line of standard input
                               (default: env SFCONNECT_CONSUMER_SECRET; never a command-line value)
  --ca-file PEM                trust this CA in addition to the system store
  --connect-to HOST:PORT       connect there instead of resolving the site; SNI, Host header and
                               certificate verification still use the site
  --api-version NN.0           REST API version (default: )" << sfconnect::ApiVersion::default_version().str() << R"()
  --timeout SECONDS            per-request timeout (default 30; connect and TLS use at most 10)
  --proxy URL                  HTTP CONNECT proxy, http://[user:password@]host:port; '' for none
                               (default: HTTPS_PROXY / https_proxy, honouring NO_PROXY)
  --json                       print one JSON report on stdout (and nothing else)
  --demo                       start the built-in Salesforce emulator on 127.0.0.1 and check
                               against it (no org, credentials or network needed)
  --demo-scenario NAME         demo/testing aid: make the emulator reproduce a real failure:
                               )" << scenarios << R"(
  --help                       show this help
  --version                    show the version

Exit status: 0 every step passed; 1 a step failed; 2 usage error.

JSON (--json): {"ok": bool, "site": str,
  "steps": [{"name": "site"|"connect"|"tls"|"token"|"api"|"identity", "ok": bool,
             "skipped": bool, "ms": number, "detail": str}, ...],
  "error": null | {"step", "code", "message", "hint", "http_status": int|null,
                   "server_error": str|null, "server_message": str|null},
  "token": null | {"instance_url", "issued_at" (ISO-8601 UTC), "scope": str|null, "token_type",
                   "signature_verified": bool},
  "api": null | {"version"},
  "identity": null | {"user_id", "organization_id", "username"}}
All six steps are always listed, in order; steps after a failure have "skipped": true.
error.code is a stable sfconnect error name (e.g. no_run_as_user, invalid_client_id).
The consumer secret and access tokens never appear in any output.
)";
}

// One-line usage error: reason plus a pointer to --help. Never includes a secret.
[[noreturn]] void usage_error(const std::string& reason) {
    std::cerr << program << ": " << reason << " (see sfconnect-check --help)\n";
    std::exit(exit_usage);
}

// Text for a terminal: the library's one rule (detail/untrusted_text.hpp), so control characters,
// C1 and bidirectional controls cannot move the cursor, recolour or reorder the screen when a server
// or an input echoes them.
std::string printable(std::string_view s) { return sfconnect::detail::printable(s, 4096); }

// An option name as typed, for usage errors: never the value after '=' (it could be a secret).
std::string option_name(std::string_view arg) {
    return printable(arg.substr(0, std::min<std::size_t>(arg.find('='), 40)));
}

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

struct Args {
    std::optional<std::string> site, consumer_key, secret_file, ca_file, connect_to, api_version, timeout, proxy,
        demo_scenario;
    bool secret_stdin = false;
    bool json = false;
    bool demo = false;
};

Args parse_args(int argc, char** argv) {
    Args a;
    std::set<std::string, std::less<>> seen;
    const auto once = [&](std::string_view name) {
        if (!seen.emplace(name).second) usage_error(std::string(name) + " is given more than once");
    };
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
    }
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.substr(0, 2) != "--") {
            // Not echoed: a stray positional argument is often a pasted secret.
            usage_error("unexpected argument #" + std::to_string(i) + " (options start with --; values are not echoed)");
        }
        const std::size_t eq = arg.find('=');
        const std::string_view name = arg.substr(0, eq);
        const std::optional<std::string_view> inline_value =
            eq == std::string_view::npos ? std::nullopt : std::optional<std::string_view>(arg.substr(eq + 1));

        if (name == "--consumer-secret" || name == "--client-secret" || name == "--secret" ||
            name == "--consumer_secret" || name == "--client_secret") {
            usage_error(std::string(name) +
                        ": the consumer secret is never accepted on the command line (it would show in ps and shell "
                        "history); use --consumer-secret-file PATH, --consumer-secret-stdin or SFCONNECT_CONSUMER_SECRET");
        }
        const auto flag = [&](bool& target) {
            if (inline_value) usage_error(std::string(name) + " takes no value");
            once(name);
            target = true;
        };
        const auto value = [&](std::optional<std::string>& target) {
            once(name);
            if (inline_value) {
                target = std::string(*inline_value);
                return;
            }
            if (i + 1 >= argc || std::string_view(argv[i + 1]).substr(0, 2) == "--")
                usage_error(std::string(name) + " needs a value");
            target = std::string(argv[++i]);
        };
        if (name == "--site") value(a.site);
        else if (name == "--consumer-key") value(a.consumer_key);
        else if (name == "--consumer-secret-file") value(a.secret_file);
        else if (name == "--consumer-secret-stdin") flag(a.secret_stdin);
        else if (name == "--ca-file") value(a.ca_file);
        else if (name == "--connect-to") value(a.connect_to);
        else if (name == "--api-version") value(a.api_version);
        else if (name == "--timeout") value(a.timeout);
        else if (name == "--proxy") value(a.proxy);
        else if (name == "--json") flag(a.json);
        else if (name == "--demo") flag(a.demo);
        else if (name == "--demo-scenario") value(a.demo_scenario);
        else usage_error("unknown option " + option_name(arg));
    }
    return a;
}

std::chrono::milliseconds parse_timeout(const std::string& text) {
    double seconds = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, seconds);
    if (ec != std::errc{} || p != end || !std::isfinite(seconds) || seconds <= 0 || seconds > 3600)
        usage_error("--timeout needs a number of seconds between 0 and 3600, got '" + printable(text.substr(0, 40)) + "'");
    return std::chrono::milliseconds(std::max<long long>(1, std::llround(seconds * 1000)));
}

sfconnect::ApiVersion parse_api_version(const std::string& text) {
    const bool shape = text.size() == 4 && text[0] >= '1' && text[0] <= '9' && text[1] >= '0' && text[1] <= '9' &&
                       text[2] == '.' && text[3] == '0';
    auto v = shape ? sfconnect::ApiVersion::parse(text) : boost::system::result<sfconnect::ApiVersion>(
                                                              make_error_code(boost::system::errc::invalid_argument));
    if (!v) usage_error("--api-version must have the form NN.0 (e.g. 64.0), got '" + printable(text.substr(0, 40)) + "'");
    return *v;
}

// The library's HOST:PORT rule (detail/url.hpp), so the tool refuses exactly what the client would.
void check_connect_to(const std::string& text) {
    sfconnect::detail::HostPort ignored;
    if (!sfconnect::detail::parse_host_port(text, ignored).empty())
        usage_error("--connect-to must be HOST:PORT (e.g. 10.0.0.5:443 or [::1]:8443), got '" + printable(text.substr(0, 80)) + "'");
}

void check_readable(const std::string& path, std::string_view option) {
    std::ifstream f(path, std::ios::binary);
    if (!f) usage_error("cannot read the file given to " + std::string(option) + ": '" + printable(path) + "'");
}

// The first line of `in` (one trailing "\n" or "\r\n" ends it), at most 64 KiB.
sfconnect::Secret first_line(std::istream& in) {
    std::string line;
    char ch;
    while (line.size() < 64 * 1024 && in.get(ch) && ch != '\n') line += ch;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    sfconnect::Secret s(line);
    sfconnect::secure_wipe(line.data(), line.size());
    return s;
}

sfconnect::Secret read_secret_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) usage_error("cannot read the file given to --consumer-secret-file: '" + printable(path) + "'");
    return first_line(f);
}

sfconnect::Secret read_secret_stdin() {
    const bool tty = isatty(STDIN_FILENO) != 0;
    termios saved{};
    const bool hide = tty && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) std::cerr << "Consumer Secret: " << std::flush;
    if (hide) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    sfconnect::Secret s = first_line(std::cin);
    if (hide) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    if (tty) std::cerr << '\n';
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

std::string pad(std::string_view s, std::size_t width) {
    std::string out(s);
    if (out.size() < width) out.append(width - out.size(), ' ');
    return out;
}

void print_human(const sfconnect::CheckReport& rep, const std::string& demo_note) {
    const Style st{use_colour()};
    std::ostream& out = std::cout;
    out << st.bold("Save & Check: " + printable(rep.site)) << (demo_note.empty() ? "" : "  " + demo_note) << "\n\n";
    for (const auto& s : rep.steps) {
        if (!s.ran) {
            out << "  " << st.dim("[SKIP] " + pad(s.name, 9) + std::string(format_ms(0).size(), ' ') + "  skipped") << '\n';
            continue;
        }
        out << "  " << (s.ok ? st.ok("[ OK ]") : st.bad("[FAIL]")) << ' ' << pad(s.name, 9) << format_ms(s.ms) << "  "
            << printable(s.detail) << '\n';
    }
    out << '\n';
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
    out << st.bad("FAILED") << " at step \"" << e.step << "\": " << st.bold(std::string(sfconnect::error_id(e.code)))
        << '\n';
    out << "  " << pad("What happened", 15) << printable(e.message) << '\n';
    if (e.server_error || e.server_message || e.http_status) {
        std::string server;
        if (e.server_error) server += *e.server_error;
        if (e.server_message) server += (server.empty() ? "" : ": ") + *e.server_message;
        if (e.http_status) server += (server.empty() ? "" : " ") + ("(HTTP " + std::to_string(*e.http_status) + ")");
        out << "  " << pad("Server said", 15) << printable(server) << '\n';
    }
    out << "  " << pad("How to fix", 15) << printable(e.hint) << '\n';
}

// ---- main ------------------------------------------------------------------------------------------

int run(int argc, char** argv) {
    const Args a = parse_args(argc, argv);

    sfconnect::TokenClientOptions options;
    sfconnect::CheckOptions check_options;
    if (a.api_version) check_options.api_version = parse_api_version(*a.api_version);
    if (a.timeout) {
        const auto t = parse_timeout(*a.timeout);
        options.timeouts.request = t;
        const auto phase = std::min<std::chrono::milliseconds>(t, std::chrono::seconds(10));
        options.timeouts.resolve = phase;
        options.timeouts.connect = phase;
        options.timeouts.tls_handshake = phase;
    }
    if (a.demo_scenario && !a.demo) usage_error("--demo-scenario needs --demo");

    sfconnect::CheckInput input;
    std::optional<sfconnect::testing::Emulator> emulator;
    std::string demo_note;
    if (a.demo) {
        for (const auto& [given, name] : {std::pair{a.site.has_value(), "--site"},
                                          std::pair{a.consumer_key.has_value(), "--consumer-key"},
                                          std::pair{a.secret_file.has_value(), "--consumer-secret-file"},
                                          std::pair{a.secret_stdin, "--consumer-secret-stdin"},
                                          std::pair{a.ca_file.has_value(), "--ca-file"},
                                          std::pair{a.connect_to.has_value(), "--connect-to"},
                                          std::pair{a.proxy.has_value(), "--proxy"}}) {
            if (given) usage_error(std::string("--demo checks the built-in emulator and cannot be combined with ") + name);
        }
        auto scenario = sfconnect::testing::Scenario::healthy;
        if (a.demo_scenario) {
            auto s = sfconnect::testing::scenario_from_string(*a.demo_scenario);
            if (!s) usage_error("unknown --demo-scenario '" + printable(a.demo_scenario->substr(0, 40)) + "'");
            scenario = *s;
        }
        emulator.emplace();
        emulator->set_scenario(scenario);
        emulator->start();
        input.site = emulator->site();
        input.consumer_key = emulator->consumer_key();
        input.consumer_secret = sfconnect::Secret(emulator->consumer_secret());
        options.ca_pem = emulator->ca_certificate_pem();
        options.use_system_trust_store = false;
        options.connect_to = emulator->connect_to();
        options.proxy = "";  // loopback: an HTTPS_PROXY from the environment must not capture it
        demo_note = "(demo: built-in emulator on " + emulator->connect_to() + ")";
        if (scenario != sfconnect::testing::Scenario::healthy)
            demo_note.insert(demo_note.size() - 1, ", scenario " + std::string(sfconnect::testing::to_string(scenario)));
    } else {
        auto site = a.site ? a.site : env("SFCONNECT_SITE");
        if (!site) usage_error("no Site: give --site HOST or set SFCONNECT_SITE");
        auto key = a.consumer_key ? a.consumer_key : env("SFCONNECT_CONSUMER_KEY");
        if (!key) usage_error("no Consumer Key: give --consumer-key KEY or set SFCONNECT_CONSUMER_KEY");
        if (a.secret_file && a.secret_stdin)
            usage_error("give the secret either with --consumer-secret-file or with --consumer-secret-stdin, not both");
        if (a.ca_file) check_readable(*a.ca_file, "--ca-file");
        if (a.connect_to) check_connect_to(*a.connect_to);
        input.site = std::move(*site);
        input.consumer_key = std::move(*key);
        if (a.secret_file) {
            input.consumer_secret = read_secret_file(*a.secret_file);
        } else if (a.secret_stdin) {
            input.consumer_secret = read_secret_stdin();
        } else if (const char* s = std::getenv("SFCONNECT_CONSUMER_SECRET")) {
            input.consumer_secret = sfconnect::Secret(std::string_view(s));
        } else {
            usage_error("no Consumer Secret: use --consumer-secret-file PATH, --consumer-secret-stdin or set "
                        "SFCONNECT_CONSUMER_SECRET");
        }
        if (a.ca_file) options.ca_file = *a.ca_file;
        if (a.connect_to) options.connect_to = *a.connect_to;
        if (a.proxy) options.proxy = *a.proxy;
    }

    boost::asio::io_context io;
    sfconnect::CheckReport report;
    sfconnect::async_check(io.get_executor(), std::move(input), std::move(options), check_options,
                           [&](sfconnect::error_code, sfconnect::CheckReport r) { report = std::move(r); });
    io.run();
    if (emulator) emulator->stop();

    if (a.json) {
        std::cout << report.to_json() << '\n';
    } else {
        print_human(report, demo_note);
    }
    std::cout.flush();
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
