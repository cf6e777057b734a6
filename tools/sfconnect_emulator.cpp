// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-emulator: runs sfconnect::testing::Emulator, a local HTTPS server that behaves like a
// Salesforce org, until SIGINT/SIGTERM. The consumer secret is written only to a 0600 file.

#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator, compiled in this one TU

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
Int parse_number(std::string_view text, Int min, Int max, const char* option) {
    Int value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        usage_error(std::string(option) + ": expected a number from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", got '" + std::string(text) + "'");
    }
    return value;
}

struct Arguments {
    EmulatorOptions options;
    std::optional<std::string> ca_path;
    std::optional<std::string> secret_path;
    Scenario scenario = Scenario::healthy;
};

Arguments parse_arguments(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::optional<std::string_view> inline_value;
        if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
            inline_value = arg.substr(arg.find('=') + 1);
            arg = arg.substr(0, arg.find('='));
        }
        if (arg == "-h" || arg == "--help") {
            print_usage(std::cout);
            std::exit(0);
        }
        const auto value = [&]() -> std::string_view {
            if (inline_value) {
                return *inline_value;
            }
            if (i + 1 >= argc) {
                usage_error(std::string(arg) + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--port") {
            args.options.port = parse_number<std::uint16_t>(value(), 0, 65535, "--port");
        } else if (arg == "--site") {
            args.options.site = std::string(value());
        } else if (arg == "--consumer-key") {
            args.options.consumer_key = std::string(value());
        } else if (arg == "--write-ca") {
            args.ca_path = std::string(value());
        } else if (arg == "--write-secret") {
            args.secret_path = std::string(value());
        } else if (arg == "--scenario") {
            const std::string_view name = value();
            const auto scenario = sfconnect::testing::scenario_from_string(name);
            if (!scenario) {
                usage_error("--scenario: unknown scenario '" + std::string(name) + "' (see --help)");
            }
            args.scenario = *scenario;
        } else if (arg == "--token-lifetime") {
            args.options.token_lifetime =
                std::chrono::seconds(parse_number<long>(value(), 1, 10L * 365 * 24 * 3600, "--token-lifetime"));
        } else if (arg == "--expire-tokens-every") {
            args.options.expire_all_tokens_every =
                std::chrono::seconds(parse_number<long>(value(), 0, 10L * 365 * 24 * 3600, "--expire-tokens-every"));
        } else if (arg == "--unavailable-percent") {
            args.options.api_unavailable_probability = parse_number<int>(value(), 0, 100, "--unavailable-percent") / 100.0;
        } else if (arg == "--drop-percent") {
            args.options.drop_connection_probability = parse_number<int>(value(), 0, 100, "--drop-percent") / 100.0;
        } else if (arg == "--seed") {
            args.options.random_seed =
                parse_number<std::uint64_t>(value(), 0, std::numeric_limits<std::uint64_t>::max(), "--seed");
        } else {
            usage_error("unknown option '" + std::string(argv[i]) + "'");
        }
    }
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

int main(int argc, char** argv) {
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
            if (const std::string e = write_private_file(ca_path, emulator.ca_certificate_pem(), "sfconnect-emulator-ca");
                !e.empty()) {
                std::cerr << "sfconnect-emulator: cannot create a temporary CA file: " << e << "\n";
                return exit_failure;
            }
            temporary_files.push_back(ca_path);
        }

        std::string secret_path = args.secret_path.value_or("");
        if (const std::string e = write_private_file(secret_path, emulator.consumer_secret(), "sfconnect-emulator-secret");
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
                  << "  connect to      " << emulator.connect_to() << "  (use the site for SNI, Host and certificate checks)\n"
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
                  << "  curl --cacert " << ca_path << " --connect-to " << site << ":443:127.0.0.1:" << port
                  << " https://" << site << "/services/data/\n"
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
}
