// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-emulator: runs sfconnect::testing::Emulator, a local HTTPS server that behaves like a
// Salesforce org, until SIGINT/SIGTERM. The consumer secret is written only to a 0600 file.

#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator, compiled in this one TU

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using sfconnect::testing::Emulator;
using sfconnect::testing::EmulatorOptions;
using sfconnect::testing::Scenario;

constexpr int exit_usage = 2;
constexpr int exit_failure = 1;

void print_usage(std::ostream& os) {
    os << "Usage: sfconnect-emulator [options]\n"
          "\n"
          "Runs a local HTTPS server on 127.0.0.1 that behaves like a Salesforce org (client-credentials\n"
          "token endpoint, userinfo, introspect, revoke, REST versions/limits/query/sobjects) until\n"
          "interrupted (Ctrl+C, SIGTERM).\n"
          "\n"
          "Options:\n"
          "  --port N                 port to listen on (default: a free port)\n"
          "  --site HOST              the org's My Domain host (default: demo.my.salesforce.com)\n"
          "  --consumer-key KEY       consumer key the token endpoint accepts\n"
          "                           (default: 3MVG9sfconnectEmulatorDemoKey)\n"
          "  --write-ca PATH          write the CA certificate (PEM) to PATH (default: a temporary file,\n"
          "                           removed on exit)\n"
          "  --write-secret PATH      write the generated consumer secret to PATH, mode 0600 (default: a\n"
          "                           temporary 0600 file, removed on exit); it is never printed\n"
          "  --scenario NAME          start in this org state (default: healthy), one of:\n"
          "                           ";
    int column = 0;
    for (const Scenario s : sfconnect::testing::all_scenarios()) {
        const std::string_view name = sfconnect::testing::to_string(s);
        if (column > 0 && column + static_cast<int>(name.size()) > 60) {
            os << "\n                           ";
            column = 0;
        } else if (column > 0) {
            os << ' ';
            ++column;
        }
        os << name;
        column += static_cast<int>(name.size());
    }
    os << "\n"
          "  --token-lifetime SECONDS access-token lifetime (default: 7200)\n"
          "  --expire-tokens-every SECONDS\n"
          "                           invalidate every issued token this often (default: never)\n"
          "  --unavailable-percent N  answer N% of /services/data requests 503 (default: 0)\n"
          "  --drop-percent N         drop the connection of N% of requests (default: 0)\n"
          "  --seed N                 seed for the two percentages above (default: random)\n"
          "  --accounts N             Account rows the query and sobject resources serve, 0-50000 (default: 25)\n"
          "  --batch-size N           records per query page, 1-2000 (default: 10)\n"
          "  -h, --help               show this help\n"
          "\n"
          "Exit status: 0 after a signal, 1 on start-up failure, 2 on usage errors.\n";
}

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "sfconnect-emulator: " << message << "\n"
              << "Try 'sfconnect-emulator --help'.\n";
    std::exit(exit_usage);
}

template <class Int>
Int parse_number(const std::string& text, Int min, Int max, const char* option) {
    Int value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        usage_error(std::string(option) + ": expected a number from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", got '" + text.substr(0, 40) + "'");
    }
    return value;
}

struct Arguments {
    EmulatorOptions options;
    std::optional<std::string> ca_path;
    std::optional<std::string> secret_path;
    Scenario scenario = Scenario::healthy;
};

// CLI11 reads the command line (as in sfconnect-check); the numbers are checked here so that every
// message names the option and its range.
Arguments parse_arguments(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            print_usage(std::cout);
            std::exit(0);
        }
    }
    Arguments args;
    std::string port, site, key, ca, secret, scenario, lifetime, expire_every, unavailable, drop, seed, accounts, batch;
    CLI::App app{"sfconnect-emulator"};
    app.set_help_flag();
    auto* port_opt = app.add_option("--port", port);
    auto* site_opt = app.add_option("--site", site);
    auto* key_opt = app.add_option("--consumer-key", key);
    auto* ca_opt = app.add_option("--write-ca", ca);
    auto* secret_opt = app.add_option("--write-secret", secret);
    auto* scenario_opt = app.add_option("--scenario", scenario);
    auto* lifetime_opt = app.add_option("--token-lifetime", lifetime);
    auto* expire_opt = app.add_option("--expire-tokens-every", expire_every);
    auto* unavailable_opt = app.add_option("--unavailable-percent", unavailable);
    auto* drop_opt = app.add_option("--drop-percent", drop);
    auto* seed_opt = app.add_option("--seed", seed);
    auto* accounts_opt = app.add_option("--accounts", accounts);
    auto* batch_opt = app.add_option("--batch-size", batch);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        usage_error(e.what());
    }
    if (*port_opt) args.options.port = parse_number<std::uint16_t>(port, 0, 65535, "--port");
    if (*site_opt) args.options.site = site;
    if (*key_opt) args.options.consumer_key = key;
    if (*ca_opt) args.ca_path = ca;
    if (*secret_opt) args.secret_path = secret;
    if (*scenario_opt) {
        const auto parsed = sfconnect::testing::scenario_from_string(scenario);
        if (!parsed) usage_error("--scenario: unknown scenario '" + scenario.substr(0, 40) + "' (see --help)");
        args.scenario = *parsed;
    }
    if (*lifetime_opt)
        args.options.token_lifetime = std::chrono::seconds(
            parse_number<long>(lifetime, 1, 10L * 365 * 24 * 3600, "--token-lifetime"));
    if (*expire_opt)
        args.options.expire_all_tokens_every = std::chrono::seconds(
            parse_number<long>(expire_every, 0, 10L * 365 * 24 * 3600, "--expire-tokens-every"));
    if (*unavailable_opt)
        args.options.api_unavailable_probability = parse_number<int>(unavailable, 0, 100, "--unavailable-percent") /
                                                   100.0;
    if (*drop_opt) args.options.drop_connection_probability = parse_number<int>(drop, 0, 100, "--drop-percent") / 100.0;
    if (*seed_opt)
        args.options.random_seed = parse_number<std::uint64_t>(seed, 0, std::numeric_limits<std::uint64_t>::max(),
                                                               "--seed");
    if (*accounts_opt) args.options.accounts = parse_number<int>(accounts, 0, 50000, "--accounts");
    if (*batch_opt) args.options.query_batch_size = parse_number<int>(batch, 1, 2000, "--batch-size");
    if (args.ca_path && args.ca_path->empty()) usage_error("--write-ca: empty path");
    if (args.secret_path && args.secret_path->empty()) usage_error("--write-secret: empty path");
    return args;
}

// Writes `content` to a file only its owner can read. With `path` empty, creates a unique temporary
// file and stores its name in `path`. Returns an error text, empty on success.
std::string write_private_file(std::string& path, const std::string& content, const char* stem) {
    int fd = -1;
    if (path.empty()) {
        std::string pattern = (std::filesystem::temp_directory_path() / (std::string(stem) + "-XXXXXX")).string();
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        fd = ::mkstemp(buf.data());  // creates with mode 0600
        if (fd >= 0) {
            path.assign(buf.data());
        }
    } else {
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (fd < 0) {
        return std::strerror(errno);
    }
    std::string error;
    if (::fchmod(fd, 0600) != 0) {  // an existing file keeps its old mode otherwise
        error = std::strerror(errno);
    }
    std::size_t done = 0;
    while (error.empty() && done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = std::strerror(errno);
        } else {
            done += static_cast<std::size_t>(n);
        }
    }
    if (::close(fd) != 0 && error.empty()) {
        error = std::strerror(errno);
    }
    return error;
}

}  // namespace

int main(int argc, char** argv) try {
    Arguments args = parse_arguments(argc, argv);

    // Block the stop signals before any thread starts so that only sigwait() below sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    std::vector<std::string> temporary_files;
    const auto cleanup = [&] {
        for (const auto& f : temporary_files) {
            ::unlink(f.c_str());
        }
    };

    try {
        Emulator emulator(args.options);
        emulator.set_scenario(args.scenario);

        std::string ca_path = args.ca_path.value_or("");
        if (args.ca_path) {
            emulator.write_ca_pem(ca_path);
        } else {
            if (const std::string e = write_private_file(ca_path, emulator.ca_certificate_pem(),
                                                         "sfconnect-emulator-ca");
                !e.empty()) {
                std::cerr << "sfconnect-emulator: cannot create a temporary CA file: " << e << "\n";
                return exit_failure;
            }
            temporary_files.push_back(ca_path);
        }

        std::string secret_path = args.secret_path.value_or("");
        if (const std::string e = write_private_file(secret_path, emulator.consumer_secret(),
                                                     "sfconnect-emulator-secret");
            !e.empty()) {
            std::cerr << "sfconnect-emulator: cannot write the secret file"
                      << (secret_path.empty() ? std::string() : " '" + secret_path + "'") << ": " << e << "\n";
            cleanup();
            return exit_failure;
        }
        if (!args.secret_path) {
            temporary_files.push_back(secret_path);
        }

        emulator.start();
        const std::string port = std::to_string(emulator.port());
        const std::string& site = emulator.site();
        std::cout << "sfconnect-emulator: a Salesforce org emulator is listening\n"
                  << "  site            " << site << "\n"
                  << "  port            " << port << "\n"
                  << "  connect to      " << emulator.connect_to()
                  << "  (use the site for SNI, Host and certificate checks)\n"
                  << "  CA certificate  " << ca_path << "\n"
                  << "  consumer key    " << emulator.consumer_key() << "\n"
                  << "  secret file     " << secret_path << "  (the consumer secret, mode 0600; never printed)\n"
                  << "  scenario        " << sfconnect::testing::to_string(emulator.scenario()) << "\n"
                  << "  token lifetime  "
                  << std::chrono::duration_cast<std::chrono::seconds>(args.options.token_lifetime).count() << " s\n"
                  << "\n"
                  << "Try:\n"
                  << "  sfconnect-check --site " << site << " --consumer-key " << emulator.consumer_key()
                  << " --consumer-secret-file " << secret_path << " --ca-file " << ca_path << " --connect-to "
                  << emulator.connect_to() << "\n"
                  << "  curl --noproxy '*' --cacert " << ca_path << " --connect-to " << site
                  << ":443:127.0.0.1:" << port << " https://" << site << "/services/data/\n"
                  << "\n"
                  << "Stop with Ctrl+C.\n"
                  << std::flush;

        int signal_number = 0;
        while (sigwait(&stop_signals, &signal_number) != 0) {
        }
        emulator.stop();
        const auto stats = emulator.stats();
        std::cout << "sfconnect-emulator: stopped (" << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << "); "
                  << stats.connections_accepted << " connections, " << stats.requests << " requests, "
                  << stats.tokens_issued << " tokens issued\n";
    } catch (const std::invalid_argument& e) {
        std::cerr << "sfconnect-emulator: " << e.what() << "\n";
        cleanup();
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "sfconnect-emulator: " << e.what() << "\n";
        cleanup();
        return exit_failure;
    }
    cleanup();
    return 0;
} catch (const std::exception& e) {  // before the emulator runs: e.g. out of memory
    std::cerr << "sfconnect-emulator: " << e.what() << '\n';
    return exit_failure;
}
