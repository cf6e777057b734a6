// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// Shared by sfconnect-bench and the comparison clients (minimal Beast, libcurl): command-line
// parsing, resource measurement and the one JSON/human result format, so that every client is
// measured and reported the same way. Light: no Beast, no TLS.
#ifndef SFCONNECT_BENCHMARKS_BENCH_COMMON_HPP
#define SFCONNECT_BENCHMARKS_BENCH_COMMON_HPP

#include <CLI/CLI.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

/// Parsed command line common to every benchmark client.
struct Args {
    std::string mode;
    std::string site;
    std::string consumer_key;
    std::string ca_file;
    std::string connect_to;
    std::string api_version;
    std::uint64_t requests = 1000;
    std::uint64_t concurrency = 0;            // 0: the mode's default
    std::uint64_t token_delay_ms = 0;         // sfconnect-bench herd with the built-in emulator only
    std::uint64_t reply_mib = 50;             // sfconnect-bench large-reply: size of each oversized reply
    std::string flow = "client_credentials";  // sfconnect-bench: or "jwt" (the JWT bearer grant)
    bool json = false;
};

/// Whether this client was compiled with optimization (figures of an -O0 build mean little).
#ifdef __OPTIMIZE__
inline constexpr bool optimized = true;
#else
inline constexpr bool optimized = false;
#endif

/// Exit codes: 0 all operations succeeded, 1 some failed or setup failed, 2 usage error.
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

[[noreturn]] inline void usage_error(std::string_view program, const std::string& message) {
    std::cerr << program << ": " << message << "\nTry '" << program << " --help'.\n";
    std::exit(exit_usage);
}

inline std::uint64_t parse_count(std::string_view program, std::string_view option, std::string_view text,
                                 std::uint64_t min, std::uint64_t max) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < min || v > max)
        usage_error(program, std::string(option) + ": expected a number from " + std::to_string(min) + " to " +
                                 std::to_string(max) + ", got '" + std::string(text) + "'");
    return v;
}

/// Parses `MODE --option value ...` (also `--option=value`) with CLI11. `help` is printed for
/// -h/--help. `modes` lists the accepted modes.
inline Args parse_args(int argc, char** argv, std::string_view program, std::string_view help,
                       const std::vector<std::string_view>& modes) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << help;
            std::exit(0);
        }
    }
    Args a;
    std::string requests, concurrency, token_delay, reply_mib;
    CLI::App app{std::string(program)};
    app.set_help_flag();
    app.add_option("mode", a.mode);
    app.add_option("--site", a.site);
    app.add_option("--consumer-key", a.consumer_key);
    app.add_option("--ca-file", a.ca_file);
    app.add_option("--connect-to", a.connect_to);
    app.add_option("--api-version", a.api_version);
    auto* requests_opt = app.add_option("--requests", requests);
    auto* concurrency_opt = app.add_option("--concurrency", concurrency);
    app.add_flag("--json", a.json);
    CLI::Option* token_delay_opt = nullptr;
    CLI::Option* reply_mib_opt = nullptr;
    if (program == "sfconnect-bench") {
        token_delay_opt = app.add_option("--token-delay", token_delay);
        reply_mib_opt = app.add_option("--reply-mib", reply_mib);
        app.add_option("--flow", a.flow);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        usage_error(program, e.what());
    }
    if (a.mode.empty()) usage_error(program, "no mode given");
    if (std::find(modes.begin(), modes.end(), a.mode) == modes.end())
        usage_error(program, "unknown mode '" + a.mode + "'");
    if (*requests_opt) a.requests = parse_count(program, "--requests", requests, 1, 100'000'000);
    if (*concurrency_opt) a.concurrency = parse_count(program, "--concurrency", concurrency, 1, 1'000'000);
    if (token_delay_opt && *token_delay_opt)
        a.token_delay_ms = parse_count(program, "--token-delay", token_delay, 1, 10'000);
    if (reply_mib_opt && *reply_mib_opt) a.reply_mib = parse_count(program, "--reply-mib", reply_mib, 1, 4096);
    if (a.flow != "client_credentials" && a.flow != "jwt") usage_error(program, "--flow: client_credentials or jwt");
    return a;
}

/// The secret from SFCONNECT_CONSUMER_SECRET (never printed), or nullopt when unset or empty.
inline std::optional<std::string> secret_from_env() {
    const char* s = std::getenv("SFCONNECT_CONSUMER_SECRET");
    if (!s || !*s) return std::nullopt;
    return std::string(s);
}

/// Splits "host:port" (or "[v6]:port").
inline bool split_host_port(std::string_view hp, std::string& host, std::string& port) {
    if (!hp.empty() && hp.front() == '[') {
        auto close = hp.find("]:");
        if (close == std::string_view::npos) return false;
        host = std::string(hp.substr(1, close - 1));
        port = std::string(hp.substr(close + 2));
    } else {
        auto colon = hp.rfind(':');
        if (colon == std::string_view::npos) return false;
        host = std::string(hp.substr(0, colon));
        port = std::string(hp.substr(colon + 1));
    }
    return !host.empty() && !port.empty() && port.find_first_not_of("0123456789") == std::string::npos;
}

/// CPU time of the process (RUSAGE_SELF) or of the calling thread (RUSAGE_THREAD), in seconds.
struct CpuTimes {
    double user = 0;
    double sys = 0;
};

inline CpuTimes cpu_now(int who = RUSAGE_SELF) {
    rusage ru{};
    getrusage(who, &ru);
    auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
    return {sec(ru.ru_utime), sec(ru.ru_stime)};
}

/// Peak resident set size of the process so far (KiB).
inline long max_rss_kb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/// Current resident set size (KiB), from /proc/self/statm.
inline long current_rss_kb() {
    std::ifstream f("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    f >> pages_total >> pages_resident;
    return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Wall and CPU time over a measured section.
class Stopwatch {
public:
    /// Counts heap allocations too when given the calling thread's counter (see alloc_counter.hpp).
    explicit Stopwatch(const std::uint64_t* allocation_counter = nullptr) : allocs_(allocation_counter) {}

    void start() {
        if (allocs_) allocs0_ = *allocs_;
        cpu0_ = cpu_now();
        thread0_ = cpu_now(RUSAGE_THREAD);
        t0_ = std::chrono::steady_clock::now();
    }
    void stop() {
        t1_ = std::chrono::steady_clock::now();
        cpu1_ = cpu_now();
        thread1_ = cpu_now(RUSAGE_THREAD);
        if (allocs_) allocs1_ = *allocs_;
    }
    double wall_s() const { return std::chrono::duration<double>(t1_ - t0_).count(); }
    CpuTimes cpu() const { return {cpu1_.user - cpu0_.user, cpu1_.sys - cpu0_.sys}; }
    /// CPU of the thread that called start()/stop() (the client thread).
    CpuTimes thread_cpu() const { return {thread1_.user - thread0_.user, thread1_.sys - thread0_.sys}; }
    /// Whether heap allocations were counted.
    bool counts_allocations() const { return allocs_ != nullptr; }
    /// Heap allocations of the calling thread over the section.
    std::uint64_t allocations() const { return allocs1_ - allocs0_; }

private:
    std::chrono::steady_clock::time_point t0_, t1_;
    CpuTimes cpu0_, cpu1_, thread0_, thread1_;
    const std::uint64_t* allocs_ = nullptr;
    std::uint64_t allocs0_ = 0, allocs1_ = 0;
};

/// A result in the one format every client prints.
struct Result {
    std::string client;  // "sfconnect", "minimal-beast", "libcurl"
    std::string mode;
    std::uint64_t requests = 0;
    std::uint64_t ok = 0;
    std::uint64_t errors = 0;
    double wall_s = 0;
    CpuTimes cpu;  // process CPU over the measured section
    std::uint64_t token_requests = 0;
    long max_rss_kb = 0;
    long rss_before_kb = 0;  // RSS at program start (libraries loaded, nothing done yet)
    long rss_after_kb = 0;   // RSS after the measured section
    std::string server;      // "external" or "in-process"
    std::string tls;         // negotiated protocol and cipher, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384"
    /// Extra key/number pairs (mode-specific), printed in order.
    std::vector<std::pair<std::string, double>> extra;
};

inline void print_json(const Result& r) {
    std::printf("{\"mode\":\"%s\",\"requests\":%llu,\"ok\":%llu,\"errors\":%llu,\"wall_s\":%.6f,\"cpu_user_s\":%.6f,"
                "\"cpu_sys_s\":%.6f,\"token_requests\":%llu,\"max_rss_kb\":%ld,\"client\":\"%s\",\"server\":\"%s\","
                "\"optimized\":%s,\"tls\":\"%s\",\"rss_before_kb\":%ld,\"rss_after_kb\":%ld",
                r.mode.c_str(), static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.ok),
                static_cast<unsigned long long>(r.errors), r.wall_s, r.cpu.user, r.cpu.sys,
                static_cast<unsigned long long>(r.token_requests), r.max_rss_kb, r.client.c_str(), r.server.c_str(),
                optimized ? "true" : "false", r.tls.c_str(), r.rss_before_kb, r.rss_after_kb);
    for (const auto& [k, v] : r.extra) std::printf(",\"%s\":%.9g", k.c_str(), v);
    std::printf("}\n");
}

inline void print_human(const Result& r) {
    const double n = static_cast<double>(r.requests ? r.requests : 1);
    const double cpu = r.cpu.user + r.cpu.sys;
    std::printf("%s %s: %llu operations, %llu ok, %llu errors (server: %s)\n", r.client.c_str(), r.mode.c_str(),
                static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.ok),
                static_cast<unsigned long long>(r.errors), r.server.c_str());
    if (!optimized) std::printf("  WARNING     built without optimization: these figures are not representative\n");
    if (!r.tls.empty()) std::printf("  tls         %s\n", r.tls.c_str());
    std::printf("  wall        %.3f s   %.0f ops/s   %.2f us/op\n", r.wall_s, r.wall_s > 0 ? n / r.wall_s : 0.0,
                r.wall_s * 1e6 / n);
    std::printf("  cpu         %.2f us/op  (user %.3f s + sys %.3f s, %s)\n", cpu * 1e6 / n, r.cpu.user, r.cpu.sys,
                r.server == "in-process" ? "whole process, server thread included" : "client process");
    std::printf("  token requests  %llu\n", static_cast<unsigned long long>(r.token_requests));
    std::printf("  memory      max RSS %ld KiB; RSS %ld KiB at start, %ld KiB after (+%ld KiB)\n", r.max_rss_kb,
                r.rss_before_kb, r.rss_after_kb, r.rss_after_kb - r.rss_before_kb);
}

}  // namespace bench

#endif
