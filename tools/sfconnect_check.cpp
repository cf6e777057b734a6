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

#include "tool_common.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

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
using namespace sfconnect::tools;  // tools/tool_common.hpp: command line, usage errors, secrets

// Test aid (documented in docs/sfconnect-check.md): the first --wait delay in milliseconds, so that
// tests wait out propagation in moments instead of 5-60 s. The later delays keep the 5 s : 60 s ratio.
constexpr const char* wait_delay_test_variable = "SFCONNECT_CHECK_TEST_WAIT_DELAY_MS";

// The report's "flow" when a usage error stops the tool before the options are parsed.
const char* usage_flow = "client_credentials";

// ---- usage errors ---------------------------------------------------------------------------------------

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
)" << connection_options_help
              << R"(  --flow FLOW                  client_credentials (default) or jwt: the JWT bearer flow, which
                               needs no secret but --username and --private-key-file
  --username USER              jwt: the Salesforce username to log in as (default: env SFCONNECT_USERNAME)
  --private-key-file PEM       jwt: the RSA private key whose certificate is uploaded to the app
                               (default: env SFCONNECT_PRIVATE_KEY_FILE; never key material on the command line)
  --audience URL               jwt: the assertion's audience (default: https://test.salesforce.com
                               for sandbox and scratch Sites, else https://login.salesforce.com)
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

struct Args : ConnectionArgs {
    std::string api_version, timeout, wait, demo_scenario;
    bool has_api_version = false, has_timeout = false, has_wait = false, has_demo_scenario = false;
    std::string flow, username, private_key_file, audience;  // the JWT bearer flow
    bool has_flow = false, has_username = false, has_private_key_file = false, has_audience = false;
    bool json = false;
    bool demo = false;
};

Args parse_args(int argc, char** argv) {
    Args a;
    std::vector<OptionAlias> aliases = common_aliases();
    aliases.insert(aliases.end(), {{"--scenario", "--demo-scenario"}, {"--version-api", "--api-version"}});
    std::vector<ValueOption> values = connection_options(a);
    values.insert(values.end(), {{"--api-version", &a.api_version, &a.has_api_version},
                                 {"--timeout", &a.timeout, &a.has_timeout},
                                 {"--wait", &a.wait, &a.has_wait},
                                 {"--demo-scenario", &a.demo_scenario, &a.has_demo_scenario},
                                 {"--flow", &a.flow, &a.has_flow},
                                 {"--username", &a.username, &a.has_username},
                                 {"--private-key-file", &a.private_key_file, &a.has_private_key_file},
                                 {"--audience", &a.audience, &a.has_audience}});
    std::vector<FlagOption> flags = connection_flags(a);
    flags.insert(flags.end(), {{"--json", &a.json}, {"--demo", &a.demo}});
    for (int i = 1; i < argc; ++i) {  // the flow named in a usage error's --json report
        const std::string_view arg = argv[i];
        const std::string_view next = i + 1 < argc ? std::string_view{argv[i + 1]} : std::string_view{};
        if (arg == "--flow=jwt" || arg == "--flow=jwt_bearer" ||
            (arg == "--flow" && (next == "jwt" || next == "jwt_bearer")))
            usage_flow = "jwt_bearer";
    }
    parse_command_line(argc, argv, values, flags, aliases, print_help);
    return a;
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

// ---- main ------------------------------------------------------------------------------------------

int run(int argc, char** argv) {
    const Args a = parse_args(argc, argv);

    sfconnect::TokenClientOptions options;
    sfconnect::CheckOptions check_options;
    if (a.has_api_version) check_options.api_version = parse_api_version(a.api_version);
    if (a.has_timeout) apply_timeout(a.timeout, options);
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
                            did_you_mean(normalised, names, {}) + " (the names are listed in --help)");
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
        Connection conn = resolve_connection(a, options, !jwt);
        input.site = std::move(conn.site);
        input.consumer_key = std::move(conn.consumer_key);
        if (jwt) read_jwt_input(a, input);
        else input.consumer_secret = std::move(conn.consumer_secret);
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
    sfconnect::tools::program = "sfconnect-check";
    sfconnect::tools::on_usage_error = [](const std::string& reason) {
        std::cout << usage_error_json(reason) << '\n' << std::flush;
    };
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        // Nothing here carries a secret: the check reports its own failures; these are local
        // problems (the emulator's port, memory).
        std::cerr << program << ": " << printable(e.what()) << '\n';
        return exit_failed;
    }
}
