// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-soak: many coroutines share one TokenClient and make authenticated requests for a while
// against an in-process emulator that expires tokens, invalidates them all now and then, answers
// random 503s and drops connections. It checks what a long-running service needs: every request
// completes (with success or a documented error), token requests stay near the minimum, and the
// resident set stays flat after warm-up. The verdict is the exit code; timings are only reported.

#include <sfconnect/sfconnect.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator, compiled in this one TU

#include "bench_common.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace {

namespace net = boost::asio;
using sfconnect::Diagnostics;
using sfconnect::error_code;
using sfconnect::TokenClient;
using sfconnect::testing::Emulator;
using sfconnect::testing::EmulatorOptions;
using Clock = std::chrono::steady_clock;

constexpr std::string_view program = "sfconnect-soak";

// Sanitizer runtimes keep freed memory in quarantine and shadow it: RSS then grows by design, so
// it is reported but not judged in such builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
#else
constexpr bool sanitized = false;
#endif

constexpr std::string_view help_text =
    "Usage: sfconnect-soak [--seconds S] [--coroutines N] [--threads T] [--json] [options]\n"
    "\n"
    "N coroutines share one TokenClient and each makes authenticated GET requests in a loop for S\n"
    "seconds against an emulated org started in this process on 127.0.0.1, which meanwhile expires\n"
    "tokens, invalidates every token now and then, answers random 503s and drops connections.\n"
    "\n"
    "Options:\n"
    "  --seconds S               how long requests are started (default: 180)\n"
    "  --coroutines N            concurrent request loops (default: 1000)\n"
    "  --threads T               threads running the client's io_context (default: 1)\n"
    "  --connections C           the client's max_connections (default: 8)\n"
    "  --token-lifetime S        emulator token lifetime in seconds (default: 30)\n"
    "  --expire-every S          emulator invalidates every token this often, 0 = never (default: 70)\n"
    "  --unavailable-percent P   REST requests answered 503 (default: 5)\n"
    "  --drop-percent P          requests whose connection is dropped (default: 5)\n"
    "  --sample-every S          RSS sample period in seconds (default: 10, at most S/5)\n"
    "  --warmup S                RSS is compared from the first sample at or after S (default: S/4, at most 30)\n"
    "  --seed N                  emulator random seed (default: 1)\n"
    "  --json                    print one JSON object instead of text\n"
    "\n"
    "Exit status: 0 when every started request completed (success or a documented error id), some\n"
    "succeeded, the emulator saw no internal error, token fetches stayed within 2 x minimum + 2 and\n"
    "RSS after warm-up grew by at most 50% + 16 MiB (not judged in sanitizer builds); 1 otherwise;\n"
    "2 on usage errors.\n";

struct Options {
    std::uint64_t seconds = 180;
    std::uint64_t coroutines = 1000;
    std::uint64_t threads = 1;
    std::uint64_t connections = 8;
    std::uint64_t token_lifetime_s = 30;
    std::uint64_t expire_every_s = 70;
    std::uint64_t unavailable_percent = 5;
    std::uint64_t drop_percent = 5;
    std::uint64_t sample_every_s = 0;  // 0: derived from seconds
    std::optional<std::uint64_t> warmup_s;
    std::uint64_t seed = 1;
    bool json = false;
};

Options parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << help_text;
            std::exit(0);
        }
    }
    Options o;
    CLI::App app{std::string(program)};
    app.set_help_flag();
    app.add_flag("--json", o.json);
    // Numbers are read as text and checked by bench::parse_count, so every message names the range.
    std::vector<std::pair<CLI::Option*, std::function<void()>>> numbers;
    const auto number = [&](const char* name, std::uint64_t min, std::uint64_t max,
                            std::function<void(std::uint64_t)> store) {
        auto text = std::make_shared<std::string>();
        numbers.emplace_back(app.add_option(name, *text),
                             [=] { store(bench::parse_count(program, name, *text, min, max)); });
    };
    number("--seconds", 1, 7 * 24 * 3600, [&](std::uint64_t v) { o.seconds = v; });
    number("--coroutines", 1, 100000, [&](std::uint64_t v) { o.coroutines = v; });
    number("--threads", 1, 64, [&](std::uint64_t v) { o.threads = v; });
    number("--connections", 1, 1000, [&](std::uint64_t v) { o.connections = v; });
    number("--token-lifetime", 1, 24 * 3600, [&](std::uint64_t v) { o.token_lifetime_s = v; });
    number("--expire-every", 0, 24 * 3600, [&](std::uint64_t v) { o.expire_every_s = v; });
    number("--unavailable-percent", 0, 100, [&](std::uint64_t v) { o.unavailable_percent = v; });
    number("--drop-percent", 0, 100, [&](std::uint64_t v) { o.drop_percent = v; });
    number("--sample-every", 1, 3600, [&](std::uint64_t v) { o.sample_every_s = v; });
    number("--warmup", 0, 7 * 24 * 3600, [&](std::uint64_t v) { o.warmup_s = v; });
    number("--seed", 1, UINT64_MAX, [&](std::uint64_t v) { o.seed = v; });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        bench::usage_error(program, e.what());
    }
    for (auto& [opt, apply] : numbers)
        if (*opt) apply();
    if (o.sample_every_s == 0) o.sample_every_s = std::clamp<std::uint64_t>(o.seconds / 5, 1, 10);
    if (!o.warmup_s) o.warmup_s = std::min<std::uint64_t>(o.seconds / 4, 30);
    if (*o.warmup_s >= o.seconds) bench::usage_error(program, "--warmup must be shorter than --seconds");
    return o;
}

/// Latency histogram with fixed log-spaced buckets (about 5% wide): percentiles without storing
/// every sample, so the measurement itself does not grow the resident set.
class Histogram {
public:
    void add(std::chrono::nanoseconds d) {
        const double us = std::max(1.0, static_cast<double>(d.count()) / 1000.0);
        const auto b = static_cast<std::size_t>(std::log(us) / std::log(ratio));
        buckets_[std::min(b, buckets_.size() - 1)].fetch_add(1, std::memory_order_relaxed);
    }
    /// The upper bound (ms) of the bucket holding quantile q.
    double quantile_ms(double q) const {
        std::uint64_t total = 0;
        for (const auto& b : buckets_) total += b.load();
        if (total == 0) return 0.0;
        const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < buckets_.size(); ++i) {
            seen += buckets_[i].load();
            if (seen >= rank) return std::pow(ratio, static_cast<double>(i + 1)) / 1000.0;
        }
        return std::pow(ratio, static_cast<double>(buckets_.size())) / 1000.0;
    }

private:
    static constexpr double ratio = 1.05;
    std::array<std::atomic<std::uint64_t>, 512> buckets_{};  // 1.05^512 us: far beyond any timeout
};

struct Shared {
    std::atomic<std::uint64_t> started{0};
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> succeeded{0};
    std::atomic<std::uint64_t> loops_done{0};
    std::mutex mutex;
    std::map<std::string, std::uint64_t> failures;  // error id -> count
    std::uint64_t undocumented = 0;                 // errors outside sfconnect's three categories
    Histogram latency;
    Clock::time_point stop_starting;
};

bool documented(const error_code& ec) {
    return ec.category() == sfconnect::client_category() || ec.category() == sfconnect::oauth_category() ||
           ec.category() == sfconnect::api_category();
}

net::awaitable<void> request_loop(TokenClient& client, Shared& s, sfconnect::Target target) {
    while (Clock::now() < s.stop_starting) {
        Diagnostics diag;
        s.started.fetch_add(1, std::memory_order_relaxed);
        const auto t0 = Clock::now();
        auto op = client.async_request(target, sfconnect::RequestOptions{}, diag, net::as_tuple(net::use_awaitable));
        auto [ec, res] = co_await std::move(op);
        s.latency.add(Clock::now() - t0);
        if (!ec) {
            s.succeeded.fetch_add(1, std::memory_order_relaxed);
        } else {
            std::lock_guard lock(s.mutex);
            ++s.failures[std::string(sfconnect::error_id(ec))];
            if (!documented(ec)) ++s.undocumented;
        }
        s.completed.fetch_add(1, std::memory_order_relaxed);
    }
    s.loops_done.fetch_add(1);
}

// The fewest tokens any client could have used over `run_s`: one at the start, then a new one
// whenever the current one reaches its lifetime or everything is invalidated, whichever is first.
std::uint64_t minimum_tokens(double run_s, double lifetime_s, double invalidate_every_s) {
    std::uint64_t n = 1;
    double t = 0;
    double next_invalidation = invalidate_every_s > 0 ? invalidate_every_s : run_s + 1;
    for (;;) {
        const double end = std::min(t + lifetime_s, next_invalidation);
        if (end >= run_s) return n;
        ++n;
        t = end;
        while (invalidate_every_s > 0 && next_invalidation <= t) next_invalidation += invalidate_every_s;
    }
}

struct RssSample {
    double at_s;
    long rss_kb;
};

void print_text(const Options& o, const std::vector<std::pair<std::string, std::string>>& figures,
                const std::vector<RssSample>& samples) {
    std::printf("sfconnect-soak: %llu coroutines, %llu thread(s), %llu s%s\n",
                static_cast<unsigned long long>(o.coroutines), static_cast<unsigned long long>(o.threads),
                static_cast<unsigned long long>(o.seconds), bench::optimized ? "" : " (unoptimized build)");
    for (const auto& [k, v] : figures) std::printf("  %-28s %s\n", k.c_str(), v.c_str());
    std::printf("  rss samples (s: KiB)        ");
    for (const auto& s : samples) std::printf(" %.0f:%ld", s.at_s, s.rss_kb);
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);

    EmulatorOptions eo;
    eo.token_lifetime = std::chrono::seconds(o.token_lifetime_s);
    eo.expire_all_tokens_every = std::chrono::seconds(o.expire_every_s);
    eo.api_unavailable_probability = static_cast<double>(o.unavailable_percent) / 100.0;
    eo.drop_connection_probability = static_cast<double>(o.drop_percent) / 100.0;
    eo.random_seed = o.seed;
    Emulator org(eo);
    org.start();

    sfconnect::TokenClientOptions options;
    options.ca_pem = org.ca_certificate_pem();
    options.use_system_trust_store = false;
    options.connect_to = org.connect_to();
    options.proxy = "";
    options.max_connections = o.connections;
    Diagnostics diag;
    auto site = sfconnect::Site::parse(org.site(), diag);
    auto creds = sfconnect::ConsumerCredentials::create(org.consumer_key(), org.consumer_secret(), diag);
    if (!site || !creds) {
        std::cerr << program << ": " << diag.message << "\n";
        return bench::exit_failure;
    }

    net::io_context io(static_cast<int>(o.threads));
    TokenClient client(io.get_executor(), *site, std::move(*creds), options);
    Shared s;
    const auto t_start = Clock::now();
    s.stop_starting = t_start + std::chrono::seconds(o.seconds);
    const auto target = sfconnect::endpoints::version_root.bind(sfconnect::ApiVersion::default_version());
    for (std::uint64_t i = 0; i < o.coroutines; ++i) net::co_spawn(io, request_loop(client, s, target), net::detached);

    // RSS sampler: its own thread, so a busy io_context cannot delay it.
    std::vector<RssSample> samples;
    samples.reserve(o.seconds / o.sample_every_s + 4);
    std::mutex sampler_mutex;
    std::condition_variable sampler_cv;
    bool sampler_stop = false;
    std::thread sampler([&] {
        std::unique_lock lock(sampler_mutex);
        for (std::uint64_t k = 1;; ++k) {
            const auto when = t_start + std::chrono::seconds(o.sample_every_s * k);
            if (sampler_cv.wait_until(lock, when, [&] { return sampler_stop; })) return;
            samples.push_back({std::chrono::duration<double>(Clock::now() - t_start).count(), bench::current_rss_kb()});
        }
    });

    // Watchdog: requests still running long after the end (every phase has a timeout, and retries
    // are bounded) are lost; stop the io_context so that the verdict can be given.
    const auto grace = std::chrono::seconds(120);
    net::steady_timer watchdog(io, s.stop_starting + grace);
    bool watchdog_fired = false;
    watchdog.async_wait([&](error_code ec) {
        if (!ec) {
            watchdog_fired = true;
            io.stop();
        }
    });
    std::thread finisher([&] {
        // Cancels the watchdog once every loop has ended (polling keeps the loops free of signalling).
        while (s.loops_done.load() < o.coroutines && !io.stopped())
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        net::post(io, [&] { watchdog.cancel(); });
    });

    std::vector<std::thread> runners;
    for (std::uint64_t i = 1; i < o.threads; ++i) runners.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : runners) t.join();
    finisher.join();
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - t_start).count();
    {
        std::lock_guard lock(sampler_mutex);
        sampler_stop = true;
    }
    sampler_cv.notify_all();
    sampler.join();
    samples.push_back({elapsed_s, bench::current_rss_kb()});

    // ---- verdict and figures ----
    const auto cs = client.stats();
    const auto es = org.stats();
    const std::uint64_t started = s.started.load();
    const std::uint64_t completed = s.completed.load();
    const std::uint64_t lost = started - completed;
    const double active_s = std::min(elapsed_s, static_cast<double>(o.seconds));
    const std::uint64_t lifetimes = 1 + static_cast<std::uint64_t>(active_s / static_cast<double>(o.token_lifetime_s));
    const std::uint64_t token_minimum = minimum_tokens(active_s, static_cast<double>(o.token_lifetime_s),
                                                       static_cast<double>(o.expire_every_s));
    // Fetches (single-flight, retries excluded) far above the minimum would mean a herd or a
    // refetch loop; a fetch that fails for good (three drops in a row) legitimately adds one.
    const bool tokens_near_minimum = cs.token_fetches <= 2 * token_minimum + 2;

    long first_after_warmup = 0, max_rss = 0;
    for (const auto& r : samples) {
        if (first_after_warmup == 0 && r.at_s >= static_cast<double>(*o.warmup_s)) first_after_warmup = r.rss_kb;
        max_rss = std::max(max_rss, r.rss_kb);
    }
    const long last_rss = samples.back().rss_kb;
    if (first_after_warmup == 0) first_after_warmup = last_rss;
    const bool rss_flat = static_cast<double>(last_rss) <= static_cast<double>(first_after_warmup) * 1.5 + 16 * 1024;

    std::uint64_t undocumented = 0;
    std::string failures_text, failures_json;
    {
        std::lock_guard lock(s.mutex);
        undocumented = s.undocumented;
        for (const auto& [id, n] : s.failures) {
            failures_text += (failures_text.empty() ? "" : ", ") + id + "=" + std::to_string(n);
            failures_json += std::string(failures_json.empty() ? "" : ",") + "\"" + id + "\":" + std::to_string(n);
        }
    }
    const bool ok = lost == 0 && !watchdog_fired && undocumented == 0 && s.succeeded.load() > 0 &&
                    es.internal_errors == 0 && (rss_flat || sanitized) && tokens_near_minimum;

    const auto fmt = [](double v) {
        char b[32];
        std::snprintf(b, sizeof b, "%.2f", v);
        return std::string(b);
    };
    std::vector<std::pair<std::string, std::string>> figures;  // in print order
    std::vector<std::pair<std::string, std::string>> json;     // raw JSON values
    const auto put = [&](const std::string& key, const std::string& text, const std::string& raw) {
        figures.emplace_back(key, text);
        json.emplace_back(key, raw);
    };
    const auto put_n = [&](const std::string& key, std::uint64_t v) { put(key, std::to_string(v), std::to_string(v)); };
    put("seconds", fmt(elapsed_s), fmt(elapsed_s));
    put_n("coroutines", o.coroutines);
    put_n("threads", o.threads);
    put_n("requests_started", started);
    put_n("requests_completed", completed);
    put_n("requests_lost", lost);
    put_n("successes", s.succeeded.load());
    put("failures_by_error_id", failures_text.empty() ? "none" : failures_text, "{" + failures_json + "}");
    put_n("undocumented_errors", undocumented);
    put("requests_per_second", fmt(static_cast<double>(completed) / elapsed_s),
        fmt(static_cast<double>(completed) / elapsed_s));
    put("latency_p50_ms", fmt(s.latency.quantile_ms(0.50)), fmt(s.latency.quantile_ms(0.50)));
    put("latency_p99_ms", fmt(s.latency.quantile_ms(0.99)), fmt(s.latency.quantile_ms(0.99)));
    put_n("token_fetches", cs.token_fetches);
    put_n("token_requests", cs.token_requests);
    put_n("token_minimum", token_minimum);
    put_n("token_lifetimes_elapsed", lifetimes);
    put_n("token_invalidations", es.token_invalidations);
    put_n("tokens_issued", es.tokens_issued);
    put("tokens_near_minimum", tokens_near_minimum ? "yes" : "no", tokens_near_minimum ? "true" : "false");
    put_n("refetches_after_401", cs.refetches);
    put_n("retries", cs.retries);
    put_n("connections_opened", cs.connections);
    put_n("emulator_503s", es.random_unavailable);
    put_n("emulator_drops", es.random_drops);
    put_n("emulator_internal_errors", es.internal_errors);
    put_n("emulator_remembered_tokens", org.remembered_tokens());
    put_n("rss_first_after_warmup_kb", static_cast<std::uint64_t>(first_after_warmup));
    put_n("rss_last_kb", static_cast<std::uint64_t>(last_rss));
    put_n("rss_max_kb", static_cast<std::uint64_t>(max_rss));
    put("rss_flat", rss_flat ? "yes" : "no", rss_flat ? "true" : "false");
    put("rss_judged", sanitized ? "no (sanitizer build)" : "yes", sanitized ? "false" : "true");
    put("verdict", ok ? "pass" : "FAIL", ok ? "\"pass\"" : "\"fail\"");
    put("optimized_build", bench::optimized ? "yes" : "no", bench::optimized ? "true" : "false");

    if (watchdog_fired) {
        // Requests are still suspended inside the client: report and leave without unwinding them.
        print_text(o, figures, samples);
        std::fflush(stdout);
        std::_Exit(bench::exit_failure);
    }
    if (o.json) {
        std::string out = "{";
        for (const auto& [k, v] : json) out += "\"" + k + "\":" + v + ",";
        out += "\"rss_samples\":[";
        for (std::size_t i = 0; i < samples.size(); ++i)
            out += std::string(i ? "," : "") + "[" + fmt(samples[i].at_s) + "," + std::to_string(samples[i].rss_kb) +
                   "]";
        out += "]}";
        std::puts(out.c_str());
    } else {
        print_text(o, figures, samples);
    }
    org.stop();
    return ok ? 0 : bench::exit_failure;
}
