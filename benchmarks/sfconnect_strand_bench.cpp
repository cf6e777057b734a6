// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-strand-bench: what the client's strand costs a thread pool (issue 11 item 9,
// docs/design.md "Strand policy"). Several workers on a multi-threaded io_context issue REST GETs
// with large JSON replies (served by the in-process emulator) in three set-ups:
//   strand   one client shared by every worker; the library parses the JSON (today: on the strand)
//   caller-inline  one shared client; the reply comes as text/plain, so the library does not parse
//            it, and each worker parses Response::body itself right where it was resumed: Asio's
//            co_spawn dispatches the completion, so that is still inside the client's strand
//   caller   the same, but the worker first posts itself to the io_context (leaves the strand)
//   clients  one client per worker (each with its own strand); the library parses
// A probe coroutine meanwhile sends small GETs (/services/oauth2/userinfo) on the shared client
// (its own client in `clients`) and records their latency: what a large reply on the strand does
// to an unrelated small request.

#include <sfconnect/sfconnect.hpp>
#include <sfconnect/testing/client_setup.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator, compiled in this one TU

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
using sfconnect::TokenClient;
using sfconnect::testing::Emulator;
using Clock = std::chrono::steady_clock;

/// What the command line asks for.
struct Settings {
    unsigned threads = 4;
    unsigned workers = 4;
    std::vector<std::size_t> reply_kib{64, 1024, 4096};
    std::vector<std::string> modes{"strand", "caller-inline", "caller", "clients"};
    std::size_t total_mib = 128;  // per configuration: requests = max(4 x workers, total / reply size)
    unsigned rounds = 3;
    bool json = false;
};

/// One configuration's figures.
struct Figures {
    std::string mode;
    std::size_t reply_kib = 0;
    double parse_ms = 0;  // one json::parse of the reply alone, on one thread
    std::size_t requests = 0;
    std::size_t errors = 0;
    double wall_s = 0;
    double cpu_s = 0;                  // whole process (the emulator's thread included)
    double client_cpu_s = 0;           // the io_context's threads only (the client, the workers, the probe)
    unsigned max_parallel_parses = 0;  // caller modes: the most caller parses seen running at once
    std::vector<double> latency_ms;    // per large request, parse included
    std::vector<double> probe_ms;      // per small probe request
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

double process_cpu_s() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

/// A query-result-shaped JSON document of about `bytes` bytes (Account records, as the REST query
/// resource returns them): objects, strings and numbers, like the replies a client really parses.
std::string make_reply(std::size_t bytes) {
    std::string out = R"({"totalSize":0,"done":true,"records":[)";
    for (std::size_t i = 0; out.size() + 200 < bytes; ++i) {
        if (i) out += ',';
        char id[19];
        std::snprintf(id, sizeof id, "001%015zu", i);
        out += R"({"attributes":{"type":"Account","url":"/services/data/v60.0/sobjects/Account/)";
        out += id;
        out += R"("},"Id":")";
        out += id;
        out += R"(","Name":"Account )" + std::to_string(i) + R"(","AnnualRevenue":)" + std::to_string(i * 1000 + 7) +
               R"(,"IsDeleted":false})";
    }
    out += "]}";
    return out;
}

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

/// CPU time of one boost::json::parse of `body` on this thread alone (median of 5; CPU time, so that
/// other load on the machine does not inflate it): how long a reply of this size holds the strand
/// in `strand` mode, on top of reading it.
double parse_alone_ms(const std::string& body) {
    std::vector<double> t;
    for (int i = 0; i < 5; ++i) {
        const double t0 = thread_cpu_ms();
        auto v = boost::json::parse(body);
        t.push_back(thread_cpu_ms() - t0);
        if (!v.is_object()) throw std::runtime_error("the generated reply does not parse");
    }
    return percentile(t, 50);
}

struct Shared {
    std::vector<std::unique_ptr<TokenClient>> clients;  // [0] shared (strand, caller) or per worker; last: probe's
    std::atomic<std::size_t> next{0};                   // requests handed out so far
    std::atomic<unsigned> workers_left{0};
    std::atomic<std::size_t> errors{0};            // failed or malformed replies (never expected)
    std::atomic<unsigned> parses_running{0};       // caller modes: parses in progress now
    std::atomic<unsigned> max_parallel_parses{0};  // ... and the most seen at once
    Figures fig;
    std::vector<std::vector<double>> latencies;  // per worker, merged at the end
    bool caller_parses = false;
    bool leave_strand = false;  // post before parsing (caller), or parse where resumed (caller-inline)
};

net::awaitable<void> worker(TokenClient& client, Shared& s, unsigned index) {
    auto& lat = s.latencies[index];
    const auto target = sfconnect::endpoints::version_root.bind(sfconnect::ApiVersion::default_version());
    while (s.next.fetch_add(1) < s.fig.requests) {
        const auto t0 = Clock::now();
        auto op = client.async_request(target, net::as_tuple(net::use_awaitable));
        auto [ec, res] = co_await std::move(op);
        bool ok = !ec && res.status == 200;
        if (s.leave_strand) {
            // Asio's co_spawn dispatches the completion, so this coroutine was resumed inline inside
            // the client's strand: until it suspends, the strand stays busy. A post lets it go.
            co_await net::post(co_await net::this_coro::executor, net::use_awaitable);
        }
        if (ok && s.caller_parses) {
            // The caller's own parse, on whichever pool thread resumed this coroutine. Counting the
            // parses in progress shows whether they can overlap at all (inside the strand they cannot).
            const unsigned now = ++s.parses_running;
            for (unsigned seen = s.max_parallel_parses.load(); seen < now;)
                if (s.max_parallel_parses.compare_exchange_weak(seen, now)) break;
            boost::system::error_code jec;
            res.json = boost::json::parse(res.body, jec);
            --s.parses_running;
            ok = !jec;
        }
        ok = ok && res.json.is_object() && res.json.as_object().contains("records");
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!ok) ++s.errors;
    }
    --s.workers_left;
}

net::awaitable<void> probe(TokenClient& client, Shared& s) {
    net::steady_timer pause(co_await net::this_coro::executor);
    const auto target = sfconnect::endpoints::userinfo.bind();
    while (s.workers_left.load() > 0) {
        const auto t0 = Clock::now();
        auto op = client.async_request(target, net::as_tuple(net::use_awaitable));
        auto [ec, res] = co_await std::move(op);
        if (ec || res.status != 200) ++s.errors;
        s.fig.probe_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        pause.expires_after(std::chrono::milliseconds(2));
        co_await pause.async_wait(net::as_tuple(net::use_awaitable));
    }
}

/// Warm-up: connects and fetches the token of every client (not measured).
net::awaitable<void> warm_up(std::vector<std::unique_ptr<TokenClient>>& clients) {
    for (auto& c : clients) {
        auto op = c->async_get_token(net::as_tuple(net::use_awaitable));
        auto [ec, tok] = co_await std::move(op);
        if (ec) throw std::runtime_error("warm-up token fetch failed: " + ec.message());
    }
}

Figures run_one(Emulator& org, const Settings& set, const std::string& mode, std::size_t reply_kib,
                const std::string& body) {
    Shared s;
    s.fig.mode = mode;
    s.fig.reply_kib = reply_kib;
    s.fig.requests = std::max<std::size_t>(4 * set.workers, set.total_mib * 1024 / reply_kib);
    s.caller_parses = mode == "caller" || mode == "caller-inline";
    s.leave_strand = mode == "caller";
    s.latencies.resize(set.workers);

    // One scripted reply per large request, queued before the clock starts.
    for (std::size_t i = 0; i < s.fig.requests; ++i)
        org.push_fault(sfconnect::testing::Route::api,
                       sfconnect::testing::Fault::reply_with(200, body,
                                                             s.caller_parses ? "text/plain" : "application/json"));

    net::io_context io(static_cast<int>(set.threads));
    auto options = sfconnect::testing::client_options_for(org);
    options.max_connections = set.workers + 1;  // the probe never waits for a pooled connection
    const std::size_t count = mode == "clients" ? set.workers + 1 : 1;
    for (std::size_t i = 0; i < count; ++i)
        s.clients.push_back(std::make_unique<TokenClient>(io.get_executor(), sfconnect::testing::site_of(org),
                                                          sfconnect::testing::credentials_for(org), options));
    std::exception_ptr failure;
    net::co_spawn(io, warm_up(s.clients), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
    io.restart();

    s.workers_left = set.workers;
    auto client_for = [&](std::size_t i) -> TokenClient& { return *s.clients[std::min(i, s.clients.size() - 1)]; };
    const double cpu0 = process_cpu_s();
    const auto t0 = Clock::now();
    std::mutex failure_mutex;  // the completions run on any pool thread
    auto keep_failure = [&](std::exception_ptr e) {
        std::lock_guard lock(failure_mutex);
        if (e) failure = e;
    };
    for (unsigned w = 0; w < set.workers; ++w) net::co_spawn(io, worker(client_for(w), s, w), keep_failure);
    net::co_spawn(io, probe(client_for(set.workers), s), keep_failure);
    std::atomic<double> client_cpu_ms{0};
    auto run_pool_thread = [&] {
        const double c0 = thread_cpu_ms();
        io.run();
        const double spent = thread_cpu_ms() - c0;
        for (double seen = client_cpu_ms.load(); !client_cpu_ms.compare_exchange_weak(seen, seen + spent);) {
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < set.threads; ++t) pool.emplace_back(run_pool_thread);
    run_pool_thread();
    for (auto& t : pool) t.join();
    s.fig.client_cpu_s = client_cpu_ms.load() / 1e3;
    s.fig.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    s.fig.cpu_s = process_cpu_s() - cpu0;
    if (failure) std::rethrow_exception(failure);
    s.fig.errors = s.errors.load();
    s.fig.max_parallel_parses = s.max_parallel_parses.load();
    for (auto& l : s.latencies) s.fig.latency_ms.insert(s.fig.latency_ms.end(), l.begin(), l.end());
    // The clients hold sockets and a strand of `io`: destroy them while it still exists.
    s.clients.clear();
    io.restart();
    io.run();
    org.clear_faults();
    return std::move(s.fig);
}

void print(const Figures& f, bool json) {
    const double n = static_cast<double>(f.requests);
    const double mib = n * static_cast<double>(f.reply_kib) / 1024.0;
    if (json) {
        std::printf("{\"mode\":\"%s\",\"reply_kib\":%zu,\"parse_alone_ms\":%.3f,\"requests\":%zu,\"errors\":%zu,\"wall_"
                    "s\":%.6f,\"cpu_s\":%.6f,"
                    "\"client_cpu_s\":%.6f,\"requests_per_s\":%.3f,\"mib_per_s\":%.3f,\"latency_p50_ms\":%.3f,"
                    "\"latency_p90_ms\":%.3f,"
                    "\"latency_p99_ms\":%.3f,\"probes\":%zu,\"probe_p50_ms\":%.3f,\"probe_p90_ms\":%.3f,\"probe_p99_"
                    "ms\":%.3f,\"max_parallel_parses\":%u}\n",
                    f.mode.c_str(), f.reply_kib, f.parse_ms, f.requests, f.errors, f.wall_s, f.cpu_s, f.client_cpu_s,
                    n / f.wall_s, mib / f.wall_s, percentile(f.latency_ms, 50), percentile(f.latency_ms, 90),
                    percentile(f.latency_ms, 99), f.probe_ms.size(), percentile(f.probe_ms, 50),
                    percentile(f.probe_ms, 90), percentile(f.probe_ms, 99), f.max_parallel_parses);
    } else {
        std::printf("%-13s %6zu KiB %5zu req %7.1f req/s %7.1f MiB/s  latency ms p50 %7.2f p90 %7.2f p99 %7.2f  "
                    "probe ms p50 %6.2f p99 %6.2f (%zu)  cpu ms/req %.2f (client %.2f)  parse alone %.2f ms  "
                    "parallel parses %u%s\n",
                    f.mode.c_str(), f.reply_kib, f.requests, n / f.wall_s, mib / f.wall_s, percentile(f.latency_ms, 50),
                    percentile(f.latency_ms, 90), percentile(f.latency_ms, 99), percentile(f.probe_ms, 50),
                    percentile(f.probe_ms, 99), f.probe_ms.size(), f.cpu_s * 1e3 / n, f.client_cpu_s * 1e3 / n,
                    f.parse_ms, f.max_parallel_parses,
                    f.errors ? ("  ERRORS: " + std::to_string(f.errors)).c_str() : "");
    }
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    Settings set;
    CLI::App app{"sfconnect-strand-bench: one TokenClient shared by a thread pool, large JSON replies; the library "
                 "parsing on the client's strand (strand) vs the caller parsing where it is resumed (caller-inline: "
                 "still inside the strand) or after a post off the strand (caller) vs one client per worker (clients). "
                 "Server: the in-process emulator. Prints one line per round, "
                 "configuration and mode, interleaved. Exit status: 0 when every request succeeded, 1 otherwise, "
                 "2 on usage errors."};
    app.add_option("--threads", set.threads, "io_context threads")->check(CLI::Range(1, 64))->capture_default_str();
    app.add_option("--workers", set.workers, "concurrent request loops")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--reply-kib", set.reply_kib, "reply sizes in KiB (at most 8000: the default body limit is 8 MiB)")
        ->check(CLI::Range(1, 8000))
        ->delimiter(',')
        ->capture_default_str();
    app.add_option("--modes", set.modes, "set-ups to measure")
        ->check(CLI::IsMember({"strand", "caller-inline", "caller", "clients"}))
        ->delimiter(',')
        ->capture_default_str();
    app.add_option("--total-mib", set.total_mib,
                   "reply MiB per configuration (requests = max(4 x workers, this / size))")
        ->check(CLI::Range(1, 65536))
        ->capture_default_str();
    app.add_option("--rounds", set.rounds, "interleaved rounds of every configuration")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    app.add_flag("--json", set.json, "one JSON object per line");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int printed = app.exit(e);  // prints the help or the error
        return printed == 0 ? 0 : 2;      // 2: usage error, as the other tools
    }

    try {
        sfconnect::testing::EmulatorOptions eo;
        Emulator org(eo);
        org.start();
        std::size_t errors = 0;
        for (unsigned r = 1; r <= set.rounds; ++r) {
            for (auto kib : set.reply_kib) {
                const std::string body = make_reply(kib * 1024);
                const double parse_ms = parse_alone_ms(body);
                for (const auto& mode : set.modes) {
                    auto f = run_one(org, set, mode, kib, body);
                    f.parse_ms = parse_ms;
                    errors += f.errors;
                    print(f, set.json);
                }
            }
        }
        return errors == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "sfconnect-strand-bench: " << e.what() << "\n";
        return 1;
    }
}
