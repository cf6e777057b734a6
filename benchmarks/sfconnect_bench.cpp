// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-bench: measures TokenClient's token fetches, cached token hits, authenticated requests and
// cold-cache herds, against a given org (or loopback server) or an emulator started in-process.
// Only the measured loop counts: connecting, the TLS handshake and the first token are warm-up.

#include <sfconnect/sfconnect.hpp>
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/client_setup.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator, compiled in this one TU

#include "alloc_counter.hpp"
#include "bench_common.hpp"
#include "mode_query.hpp"
#include "mode_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/crypto.h>

#include <ctime>
#include <exception>

namespace {

namespace net = boost::asio;
using sfconnect::Diagnostics;
using sfconnect::error_code;
using sfconnect::TokenClient;
using sfconnect::TokenPtr;
using sfconnect::testing::Emulator;
using Clock = std::chrono::steady_clock;

constexpr std::string_view program = "sfconnect-bench";

constexpr std::string_view help_text =
    "Usage: sfconnect-bench MODE [--site HOST --consumer-key KEY [--ca-file PEM] [--connect-to HOST:PORT]]\n"
    "                       [--requests N] [--concurrency C] [--api-version NN.0] [--json]\n"
    "\n"
    "Measures sfconnect's TokenClient. The consumer secret comes from SFCONNECT_CONSUMER_SECRET.\n"
    "Without --site, an emulated org (sfconnect::testing::Emulator) is started in this process on\n"
    "127.0.0.1; its CPU time then counts in the process's CPU figures (the client thread's own CPU is\n"
    "shown separately). For client-only figures run sfconnect-emulator as a separate process and point\n"
    "--site, --consumer-key, --ca-file and --connect-to at it (benchmarks/compare does).\n"
    "\n"
    "Modes:\n"
    "  token    N forced token fetches, sequential, on one kept-alive TLS connection\n"
    "  cached   N async_get_token calls on a warm cache (also: ns and heap allocations per call)\n"
    "  request  N authenticated GET /services/data/vNN.0/ with a cached token, sequential, kept-alive\n"
    "  request-plain  the same without asking for a compressed reply (compress_reply = false)\n"
    "  herd     C coroutines ask for a token at once on a cold cache, N/C rounds (at least 1), the cache\n"
    "           invalidated between rounds; each round's completion is compared with one fetch alone\n"
    "  composite N rounds: 25 records updated as 1 composite call, then as 25 single PATCH calls\n"
    "           (wall time of each, API calls counted by the org's Sforce-Limit-Info)\n"
    "  large-reply  N authenticated GETs, each answered (built-in emulator only) with a chunked reply of\n"
    "           --reply-mib MiB that the body limit (8 MiB by default) rejects; shows that peak RSS stays flat\n"
    "  query    N whole queries of the Account table (built-in emulator: 50,000 rows, 2,000 a page),\n"
    "           paged through nextRecordsUrl, asking for compressed replies; query-plain: not asking\n"
    "  store    built-in emulator only: cold start finding the token in a file store vs a login (N starts,\n"
    "           default 200), logins of 1,000 short-lived clients with and without the store, cached-hit cost\n"
    "\n"
    "Options:\n"
    "  --site HOST            the org's My Domain host (default: start the in-process emulator)\n"
    "  --consumer-key KEY     the connected app's consumer key (needed with --site)\n"
    "  --ca-file PEM          trust the CA certificate(s) in PEM instead of the system store\n"
    "  --connect-to HOST:PORT connect there instead of resolving the site (SNI, Host and certificate\n"
    "                         checks still use the site)\n"
    "  --requests N           operations to measure (default: 1000; herd: C x rounds)\n"
    "  --concurrency C        herd only: callers per round (default: 10000)\n"
    "  --api-version NN.0     API version for the request mode (default: sfconnect's default)\n"
    "  --token-delay MS       herd with the built-in emulator only: the emulator answers each token\n"
    "                         request after MS ms, like a real org's token endpoint\n"
    "  --reply-mib M          large-reply only: size of each reply in MiB (default: 50)\n"
    "  --flow jwt             with the built-in emulator: the JWT bearer grant (an RS256 assertion\n"
    "                         signed per fetch) instead of client credentials\n"
    "  --json                 print one JSON object instead of the human summary\n"
    "\n"
    "Only the measured loop counts: connecting, the TLS handshake and the first token are warm-up.\n"
    "Do not point the token or herd modes at a production org: every fetch is a login.\n"
    "Exit status: 0 when every operation succeeded, 1 otherwise, 2 on usage errors.\n";

struct Run {
    bench::Args args;
    bench::Result result;
    sfconnect::Target target = sfconnect::endpoints::versions.bind();
    Emulator* emulator = nullptr;  // the in-process server, if any
    std::string first_error;

    void record(const error_code& ec, const Diagnostics& diag) {
        if (!ec) {
            ++result.ok;
            return;
        }
        ++result.errors;
        if (first_error.empty())
            first_error = ec.message() + (diag.message.empty() ? std::string() : ": " + diag.message);
    }
    void record(const error_code& ec) { record(ec, Diagnostics{}); }
};

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

#include "mode_composite.hpp"  // NOLINT(bugprone-suspicious-include): a mode, inside this namespace

// One forced fetch; returns its error.
net::awaitable<error_code> forced_fetch(TokenClient& client, Diagnostics& diag) {
    auto op = client.async_refresh_token(diag, net::as_tuple(net::use_awaitable));
    auto [ec, tok] = co_await std::move(op);
    co_return ec;
}

// Connects and gets the first token (warm-up, not measured); fills the TLS description.
net::awaitable<error_code> warm_up(TokenClient& client, Run& run) {
    Diagnostics diag;
    auto connect = client.async_connect(diag, net::as_tuple(net::use_awaitable));
    auto [cec, info] = co_await std::move(connect);
    if (cec) {
        run.record(cec, diag);
        co_return cec;
    }
    run.result.tls = info.tls_version + " " + info.cipher;
    auto op = client.async_get_token(diag, net::as_tuple(net::use_awaitable));
    auto [ec, tok] = co_await std::move(op);
    if (ec) run.record(ec, diag);
    co_return ec;
}

// ---- token ------------------------------------------------------------------------------------
net::awaitable<void> token_mode(TokenClient& client, Run& run, bench::Stopwatch& sw) {
    sw.start();
    for (std::uint64_t i = 0; i < run.args.requests; ++i) {
        Diagnostics diag;
        error_code ec = co_await forced_fetch(client, diag);
        run.record(ec, diag);
    }
    sw.stop();
}

// ---- request ----------------------------------------------------------------------------------
net::awaitable<error_code> one_request(TokenClient& client, Run& run) {
    Diagnostics diag;
    sfconnect::RequestOptions options;
    if (run.args.mode == "request-plain") options.compress_reply = false;  // the same bytes the other clients get
    auto op = client.async_request(run.target, std::move(options), diag, net::as_tuple(net::use_awaitable));
    auto [ec, res] = co_await std::move(op);
    if (!ec && res.status != 200) ec = sfconnect::errc::bad_response;
    run.record(ec, diag);
    co_return ec;
}

net::awaitable<void> request_mode(TokenClient& client, Run& run, bench::Stopwatch& sw) {
    // One untimed request first: the whole path is then warm.
    if (co_await one_request(client, run)) co_return;
    run.result.ok = 0;
    sw.start();
    for (std::uint64_t i = 0; i < run.args.requests; ++i) co_await one_request(client, run);
    sw.stop();
}

// ---- large-reply ------------------------------------------------------------------------------
net::awaitable<void> large_reply_mode(TokenClient& client, Run& run, bench::Stopwatch& sw) {
    sfconnect::testing::Fault big;
    big.body = "[";
    big.filler_bytes = run.args.reply_mib * 1024 * 1024;
    sw.start();
    for (std::uint64_t i = 0; i < run.args.requests; ++i) {
        run.emulator->push_fault(sfconnect::testing::Route::api, big);
        Diagnostics diag;
        sfconnect::RequestOptions options;
        auto op = client.async_request(run.target, std::move(options), diag, net::as_tuple(net::use_awaitable));
        auto [ec, res] = co_await std::move(op);
        // The expected outcome: the body limit stops reading (errc::bad_response); anything else is an error.
        if (ec == sfconnect::errc::bad_response) run.record(error_code{});
        else run.record(ec ? ec : make_error_code(sfconnect::errc::bad_response), diag);
    }
    sw.stop();
}

// ---- cached -----------------------------------------------------------------------------------
struct PerCall {
    double ns = 0;
    double allocs = 0;
};

struct CachedFigures {
    PerCall primary;      // co_await client.async_get_token(as_tuple(use_awaitable)) (the reported figure)
    PerCall by_default;   // co_await client.async_get_token() (the default completion token; the README's spelling)
    PerCall deferred;     // co_await client.async_get_token(deferred)
    PerCall plain;        // co_await client.async_get_token(use_awaitable)
    PerCall convenience;  // co_await client.get_token()
    PerCall callback;     // plain callbacks, each completion starting the next call
    PerCall sync;         // client.cached_token(): no freshness check, no completion (the floor)
    PerCall awaitable;    // co_await of a trivial awaitable<TokenPtr> (Asio's co_await floor)
};

// CPU time of the calling thread: unlike wall time, not inflated when other processes take the CPU
// (the cached path never blocks, so on an idle machine both agree).
double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Meter {
    std::uint64_t allocs0 = bench::t_allocations;
    double cpu0 = thread_cpu_s();
    PerCall per(std::uint64_t n) const {
        const double d = static_cast<double>(n);
        return {(thread_cpu_s() - cpu0) * 1e9 / d, static_cast<double>(bench::t_allocations - allocs0) / d};
    }
};

net::awaitable<error_code> cached_loop(TokenClient& client, std::uint64_t n, Run* run) {
    for (std::uint64_t i = 0; i < n; ++i) {
        auto op = client.async_get_token(net::as_tuple(net::use_awaitable));
        auto [ec, tok] = co_await std::move(op);
        if (!ec && !tok) ec = sfconnect::errc::bad_response;
        if (run) run->record(ec);
    }
    co_return error_code{};
}

net::awaitable<TokenPtr> trivial_awaitable(TokenClient& client) { co_return client.cached_token(); }

net::awaitable<void> cached_mode(TokenClient& client, Run& run, bench::Stopwatch& sw, CachedFigures& fig) {
    const std::uint64_t n = run.args.requests;
    co_await cached_loop(client, std::min<std::uint64_t>(n, 10'000), nullptr);  // warm caches and recyclers

    // The reported figure: co_await async_get_token(as_tuple(use_awaitable)).
    Meter m;
    sw.start();
    co_await cached_loop(client, n, &run);
    sw.stop();
    fig.primary = m.per(n);

    m = Meter{};
    for (std::uint64_t i = 0; i < n; ++i) {
        TokenPtr tok = co_await client.async_get_token();  // as the README writes it; a failure would throw
        if (!tok) run.record(sfconnect::errc::bad_response);
    }
    fig.by_default = m.per(n);

    m = Meter{};
    for (std::uint64_t i = 0; i < n; ++i) {
        auto op = client.async_get_token(net::deferred);
        TokenPtr tok = co_await std::move(op);  // a failure would throw
        if (!tok) run.record(sfconnect::errc::bad_response);
    }
    fig.deferred = m.per(n);

    m = Meter{};
    for (std::uint64_t i = 0; i < n; ++i) {
        auto op = client.async_get_token(net::use_awaitable);
        TokenPtr tok = co_await std::move(op);  // a failure would throw
        if (!tok) run.record(sfconnect::errc::bad_response);
    }
    fig.plain = m.per(n);

    m = Meter{};
    for (std::uint64_t i = 0; i < n; ++i) {
        auto op = client.get_token();
        TokenPtr tok = co_await std::move(op);  // a failure would throw
        if (!tok) run.record(sfconnect::errc::bad_response);
    }
    fig.convenience = m.per(n);

    m = Meter{};
    for (std::uint64_t i = 0; i < n; ++i) {
        TokenPtr tok = client.cached_token();
        if (!tok) run.record(sfconnect::errc::bad_response);
    }
    fig.sync = m.per(n);

    m = Meter{};
    for (std::uint64_t i = 0; i < n; ++i) {
        auto aw = trivial_awaitable(client);
        TokenPtr tok = co_await std::move(aw);
        if (!tok) run.record(sfconnect::errc::bad_response);
    }
    fig.awaitable = m.per(n);
}

struct CallbackChain {
    TokenClient* client;
    std::uint64_t* remaining;
    Run* run;
    void operator()(error_code ec, TokenPtr tok) {
        if (!ec && !tok) ec = sfconnect::errc::bad_response;
        if (ec) run->record(ec);
        if (--*remaining > 0) client->async_get_token(*this);
    }
};

// ---- herd -------------------------------------------------------------------------------------
struct HerdState {
    std::uint64_t callers = 0;
    std::uint64_t done = 0;
    Clock::time_point first_done{};
    Clock::time_point last_done{};
    net::steady_timer* all_done = nullptr;
    Run* run = nullptr;
};

net::awaitable<void> herd_caller(TokenClient& client, HerdState& state) {
    auto op = client.async_get_token(net::as_tuple(net::use_awaitable));
    auto [ec, tok] = co_await std::move(op);
    if (!ec && !tok) ec = sfconnect::errc::bad_response;
    const auto now = Clock::now();
    if (state.done == 0) state.first_done = now;
    state.run->record(ec);
    if (++state.done == state.callers) {
        state.last_done = now;
        state.all_done->cancel();
    }
}

struct HerdFigures {
    std::uint64_t token_requests_before = 0;  // after the single-fetch latency probe
    double single_fetch_s = 0;
    std::vector<double> rounds_s;
    std::vector<double> first_s;
};

void delay_next_token_reply(Run& run) {
    if (run.emulator && run.args.token_delay_ms)
        run.emulator->push_fault(sfconnect::testing::Route::token,
                                 sfconnect::testing::Fault::delayed(
                                     std::chrono::milliseconds(run.args.token_delay_ms)));
}

net::awaitable<void> herd_mode(TokenClient& client, Run& run, bench::Stopwatch& sw, HerdFigures& fig) {
    // One fetch's latency on the warm connection: the median of a few forced fetches.
    std::vector<double> singles;
    const int probes = run.args.token_delay_ms ? 5 : 21;
    for (int i = 0; i < probes; ++i) {
        Diagnostics diag;
        delay_next_token_reply(run);
        const auto t0 = Clock::now();
        error_code ec = co_await forced_fetch(client, diag);
        if (ec) {
            run.record(ec, diag);
            co_return;
        }
        singles.push_back(seconds_since(t0));
    }
    fig.single_fetch_s = median(singles);
    fig.token_requests_before = client.stats().token_requests;

    const std::uint64_t callers = run.args.concurrency;
    const std::uint64_t rounds = std::max<std::uint64_t>(1, run.args.requests / callers);
    run.result.requests = callers * rounds;
    auto ex = co_await net::this_coro::executor;
    net::steady_timer all_done(ex);
    sw.start();
    for (std::uint64_t r = 0; r < rounds; ++r) {
        client.invalidate(client.cached_token());
        delay_next_token_reply(run);
        HerdState state;
        state.callers = callers;
        state.all_done = &all_done;
        state.run = &run;
        all_done.expires_at(net::steady_timer::time_point::max());
        const auto t0 = Clock::now();
        for (std::uint64_t i = 0; i < callers; ++i) net::co_spawn(ex, herd_caller(client, state), net::detached);
        auto wait = all_done.async_wait(net::as_tuple(net::use_awaitable));
        co_await std::move(wait);
        fig.rounds_s.push_back(std::chrono::duration<double>(state.last_done - t0).count());
        fig.first_s.push_back(std::chrono::duration<double>(state.first_done - t0).count());
    }
    sw.stop();
}

// ---- set-up and report ------------------------------------------------------------------------
int run_benchmark(bench::Args args, long rss_start) {
    Run run;
    run.args = std::move(args);
    auto& a = run.args;
    if (a.mode == "store") {
        if (!a.site.empty()) bench::usage_error(program, "store needs the built-in emulator (no --site)");
        return store_bench::run(a);
    }
    if (a.concurrency != 0 && a.mode != "herd")
        bench::usage_error(program, "--concurrency applies to the herd mode only");
    if (a.mode == "herd" && a.concurrency == 0) a.concurrency = 10'000;
    if (a.mode == "large-reply" && !a.site.empty())
        bench::usage_error(program, "large-reply needs the built-in emulator (no --site)");
    if (a.token_delay_ms && (a.mode != "herd" || !a.site.empty()))
        bench::usage_error(program, "--token-delay applies to the herd mode with the built-in emulator only");

    sfconnect::ApiVersion version = sfconnect::ApiVersion::default_version();
    if (!a.api_version.empty()) {
        Diagnostics diag;
        auto v = sfconnect::ApiVersion::parse(a.api_version, diag);
        if (!v) bench::usage_error(program, "--api-version: " + diag.message);
        version = *v;
    }
    run.target = sfconnect::endpoints::version_root.bind(version);

    sfconnect::TokenClientOptions options;
    std::optional<Emulator> emulator;
    std::string key, secret, site_text;
    const bool jwt = a.flow == "jwt";
    std::optional<sfconnect::testing::KeyPairPem> app_pair;
    if (jwt && !a.site.empty()) bench::usage_error(program, "--flow jwt needs the built-in emulator (no --site)");
    if (a.site.empty()) {
        if (!a.consumer_key.empty() || !a.ca_file.empty() || !a.connect_to.empty())
            bench::usage_error(program, "--consumer-key, --ca-file and --connect-to need --site");
        sfconnect::testing::EmulatorOptions eo = query_bench::emulator_options(a.mode);
        if (jwt) {
            app_pair = sfconnect::testing::make_jwt_signing_pair();
            eo.jwt_certificate_pem = app_pair->certificate_pem;
        }
        emulator.emplace(eo);
        emulator->start();
        run.emulator = &*emulator;
        site_text = emulator->site();
        key = emulator->consumer_key();
        secret = emulator->consumer_secret();
        options.ca_pem = emulator->ca_certificate_pem();
        options.use_system_trust_store = false;
        options.connect_to = emulator->connect_to();
        options.proxy = "";
    } else {
        if (a.consumer_key.empty()) bench::usage_error(program, "--consumer-key is needed with --site");
        auto s = bench::secret_from_env();
        if (!s) bench::usage_error(program, "set SFCONNECT_CONSUMER_SECRET to the consumer secret");
        site_text = a.site;
        key = a.consumer_key;
        secret = std::move(*s);
        if (!a.ca_file.empty()) {
            // Like curl --cacert: the given CAs replace the system store (and the comparison clients
            // do the same, so that all of them load the same trust store).
            options.ca_file = a.ca_file;
            options.use_system_trust_store = false;
        }
        options.connect_to = a.connect_to;
        if (!a.connect_to.empty()) options.proxy = "";  // a loopback or private address: never via a proxy
    }
    Diagnostics diag;
    auto site = sfconnect::Site::parse(site_text, diag);
    if (!site) bench::usage_error(program, "--site: " + diag.message);
    auto creds = sfconnect::ConsumerCredentials::create(key, secret, diag);
    OPENSSL_cleanse(secret.data(), secret.size());  // the credentials keep their own copy
    secret.clear();
    if (!creds) bench::usage_error(program, diag.message);

    run.result.client = jwt ? "sfconnect (jwt bearer)" : "sfconnect";
    run.result.mode = a.mode;
    run.result.requests = a.requests;
    run.result.server = emulator ? "in-process" : "external";
    run.result.rss_before_kb = rss_start;

    net::io_context io(1);
    std::optional<TokenClient> client_storage;
    if (jwt)
        client_storage.emplace(io.get_executor(), *site,
                               sfconnect::testing::jwt_credentials_for(*emulator, app_pair->private_key_pem), options);
    else client_storage.emplace(io.get_executor(), *site, std::move(*creds), options);
    TokenClient& client = *client_storage;
    bench::Stopwatch sw(&bench::t_allocations);
    CachedFigures cached;
    HerdFigures herd;
    CompositeFigures composite;
    query_bench::Figures query;
    std::uint64_t token_requests_before = 0;
    std::exception_ptr failure;

    auto body = [&]() -> net::awaitable<void> {
        if (co_await warm_up(client, run)) co_return;
        token_requests_before = client.stats().token_requests;
        if (a.mode == "token") co_await token_mode(client, run, sw);
        else if (a.mode == "request" || a.mode == "request-plain") co_await request_mode(client, run, sw);
        else if (a.mode == "herd") co_await herd_mode(client, run, sw, herd);
        else if (a.mode == "large-reply") co_await large_reply_mode(client, run, sw);
        else if (a.mode == "composite") co_await composite_mode(client, run, sw, composite);
        else if (query_bench::is_query_mode(a.mode)) co_await query_bench::query_mode(client, run, sw, query, version);
        else co_await cached_mode(client, run, sw, cached);
    };
    auto task = body();
    net::co_spawn(io, std::move(task), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            std::cerr << program << ": " << e.what() << "\n";
        }
        return bench::exit_failure;
    }
    if (a.mode == "herd") token_requests_before = herd.token_requests_before;
    run.result.token_requests = client.stats().token_requests - token_requests_before;

    if (a.mode == "cached" && run.result.errors == 0) {
        std::uint64_t remaining = a.requests;
        Meter m;
        client.async_get_token(CallbackChain{&client, &remaining, &run});
        io.restart();
        io.run();
        cached.callback = m.per(a.requests);
    }

    run.result.wall_s = sw.wall_s();
    run.result.cpu = sw.cpu();
    run.result.max_rss_kb = bench::max_rss_kb();
    run.result.rss_after_kb = bench::current_rss_kb();
    const double n = static_cast<double>(run.result.requests ? run.result.requests : 1);
    const double allocs_per_op = static_cast<double>(sw.allocations()) / n;
    run.result.extra.emplace_back("allocs_per_op", allocs_per_op);
    if (emulator) {
        const auto t = sw.thread_cpu();
        run.result.extra.emplace_back("client_thread_cpu_s", t.user + t.sys);
    }
    if (a.mode == "cached") {
        run.result.extra.emplace_back("ns_per_call", cached.primary.ns);
        run.result.extra.emplace_back("allocs_per_call", cached.primary.allocs);
        run.result.extra.emplace_back("default_token_ns_per_call", cached.by_default.ns);
        run.result.extra.emplace_back("default_token_allocs_per_call", cached.by_default.allocs);
        run.result.extra.emplace_back("deferred_ns_per_call", cached.deferred.ns);
        run.result.extra.emplace_back("deferred_allocs_per_call", cached.deferred.allocs);
        run.result.extra.emplace_back("use_awaitable_ns_per_call", cached.plain.ns);
        run.result.extra.emplace_back("use_awaitable_allocs_per_call", cached.plain.allocs);
        run.result.extra.emplace_back("get_token_ns_per_call", cached.convenience.ns);
        run.result.extra.emplace_back("get_token_allocs_per_call", cached.convenience.allocs);
        run.result.extra.emplace_back("callback_ns_per_call", cached.callback.ns);
        run.result.extra.emplace_back("callback_allocs_per_call", cached.callback.allocs);
        run.result.extra.emplace_back("cached_token_ns_per_call", cached.sync.ns);
        run.result.extra.emplace_back("trivial_awaitable_ns_per_call", cached.awaitable.ns);
        run.result.extra.emplace_back("trivial_awaitable_allocs_per_call", cached.awaitable.allocs);
    }
    if (query_bench::is_query_mode(a.mode)) query_bench::add_extras(run.result, query, a.requests);
    if (a.mode == "large-reply") run.result.extra.emplace_back("reply_mib", static_cast<double>(a.reply_mib));
    if (a.mode == "herd") {
        run.result.extra.emplace_back("concurrency", static_cast<double>(a.concurrency));
        run.result.extra.emplace_back("rounds", static_cast<double>(herd.rounds_s.size()));
        run.result.extra.emplace_back("token_delay_ms", static_cast<double>(a.token_delay_ms));
        run.result.extra.emplace_back("single_fetch_s", herd.single_fetch_s);
        run.result.extra.emplace_back("round_median_s", median(herd.rounds_s));
        run.result.extra.emplace_back(
            "round_max_s", herd.rounds_s.empty() ? 0.0 : *std::max_element(herd.rounds_s.begin(), herd.rounds_s.end()));
        run.result.extra.emplace_back("first_completion_median_s", median(herd.first_s));
    }

    if (a.mode == "composite") report_composite(run, composite, false);
    if (a.json) {
        bench::print_json(run.result);
    } else {
        bench::print_human(run.result);
        std::printf("  heap        %.2f allocations per operation (operator new on the client thread)\n",
                    allocs_per_op);
        if (emulator) {
            const auto t = sw.thread_cpu();
            std::printf("  client cpu  %.2f us/op on the client thread (the emulator runs on another thread)\n",
                        (t.user + t.sys) * 1e6 / n);
        }
        if (a.mode == "cached") {
            std::printf("  per call    (client thread CPU time per call; heap allocations per call)\n");
            std::printf("              co_await async_get_token(as_tuple(use_awaitable))  %7.1f ns  %.2f allocations\n",
                        cached.primary.ns, cached.primary.allocs);
            std::printf("              co_await async_get_token() (default token)         %7.1f ns  %.2f allocations\n",
                        cached.by_default.ns, cached.by_default.allocs);
            std::printf("              co_await async_get_token(deferred)                 %7.1f ns  %.2f allocations\n",
                        cached.deferred.ns, cached.deferred.allocs);
            std::printf("              co_await async_get_token(use_awaitable)            %7.1f ns  %.2f allocations\n",
                        cached.plain.ns, cached.plain.allocs);
            std::printf("              co_await get_token()                               %7.1f ns  %.2f allocations\n",
                        cached.convenience.ns, cached.convenience.allocs);
            std::printf("              async_get_token(callback) chain                    %7.1f ns  %.2f allocations\n",
                        cached.callback.ns, cached.callback.allocs);
            std::printf("  floors      cached_token() (synchronous, no freshness check)   %7.1f ns\n", cached.sync.ns);
            std::printf("              co_await of a trivial awaitable<TokenPtr>          %7.1f ns  %.2f allocations\n",
                        cached.awaitable.ns, cached.awaitable.allocs);
        }
        if (a.mode == "composite") report_composite(run, composite, true);
        if (query_bench::is_query_mode(a.mode)) query_bench::print_figures(query, a.requests);
        if (a.mode == "herd" && !herd.rounds_s.empty()) {
            const double single = herd.single_fetch_s;
            const double round = median(herd.rounds_s);
            std::printf("  herd        %llu callers x %zu rounds; %.2f token requests per round\n",
                        static_cast<unsigned long long>(a.concurrency), herd.rounds_s.size(),
                        static_cast<double>(run.result.token_requests) / static_cast<double>(herd.rounds_s.size()));
            std::printf("              one fetch alone %.1f us; all callers done after %.1f us (median) = %.2fx one "
                        "fetch; first caller done after %.1f us\n",
                        single * 1e6, round * 1e6, single > 0 ? round / single : 0.0, median(herd.first_s) * 1e6);
        }
    }
    if (!run.first_error.empty()) std::cerr << program << ": first error: " << run.first_error << "\n";
    return run.result.errors == 0 && run.result.ok > 0 ? 0 : bench::exit_failure;
}

}  // namespace

int main(int argc, char** argv) {
    const long rss_start = bench::current_rss_kb();
    try {
        auto args = bench::parse_args(argc, argv, program, help_text,
                                      {"token", "cached", "request", "request-plain", "herd", "large-reply",
                                       "composite", "query", "query-plain", "store"});
        return run_benchmark(std::move(args), rss_start);
    } catch (const std::exception& e) {
        std::cerr << program << ": " << e.what() << "\n";
        return bench::exit_failure;
    }
}
