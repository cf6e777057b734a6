// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-bench store: what a shared token store costs and saves (docs/benchmarks.md, "Token store").
//  1. cold start: a new client (new connection, empty in-process cache) that finds the token in a file
//     store (and in Redis), vs one that logs in (wall and client-thread CPU per start);
//  2. a model fleet: N short-lived clients in one model hour (default 1,000), each getting one token,
//     with no store vs the file store (and Redis): logins counted by the emulator;
//  3. a cached hit (async_get_token on a warm cache) with a store configured vs without (ns per call).
// Built-in emulator only. The Redis rows need the Redis component (SFCONNECT_WITH_REDIS) and a
// redis-server program: the bench starts its own on 127.0.0.1 (a free port, a temporary directory, no
// persistence) like the tests do, and skips the rows, saying why, when it cannot.
// Included by sfconnect_bench.cpp, which dispatches "store" here.
#pragma once

#include <sfconnect/file_token_store.hpp>
#include <sfconnect/sfconnect.hpp>
#include <sfconnect/testing/emulator.hpp>

#include "bench_common.hpp"

#ifdef SFCONNECT_WITH_REDIS
#include <sfconnect/redis_token_store.hpp>

#include "integration/support/redis_server.hpp"  // tests/: starts a redis-server on 127.0.0.1
#endif

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace store_bench {

// Where the clients keep a shared token: nowhere (each logs in), a file store, Redis.
enum class Store { none, file, redis };

struct Figures {
    double us_wall = 0;
    double us_cpu = 0;
    std::uint64_t errors = 0;
};

class Bench {
public:
    explicit Bench(sfconnect::testing::Emulator& emu) : emu_(emu) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "sfconnect-bench-store-XXXXXX").string();
        dir_ = ::mkdtemp(tmpl.data());
    }
    ~Bench() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    /// The Redis server the Redis rows use ("redis://127.0.0.1:PORT"); empty: no Redis rows.
    void use_redis(std::string url) { redis_url_ = std::move(url); }

    sfconnect::TokenClientOptions options(Store kind, boost::asio::io_context& io) {
        sfconnect::TokenClientOptions o;
        o.ca_pem = emu_.ca_certificate_pem();
        o.use_system_trust_store = false;
        o.connect_to = emu_.connect_to();
        o.proxy = "";
        sfconnect::error_code ec;
        std::string message;
        if (kind == Store::file)
            o.token_store = sfconnect::make_file_token_store(io.get_executor(), dir_.string(), ec, message);
#ifdef SFCONNECT_WITH_REDIS
        if (kind == Store::redis) {
            sfconnect::RedisStoreOptions redis;
            redis.key_prefix = "sfconnect:bench" + std::to_string(generation_) + ":";  // a new, empty store per phase
            o.token_store = sfconnect::make_redis_token_store(io.get_executor(), redis_url_, redis, ec, message);
        }
#endif
        if (kind != Store::none)
            o.store_key = sfconnect::Secret("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        return o;
    }

    // One short-lived "process": a new client, one token. Returns false on error.
    bool one_start(Store kind) {
        boost::asio::io_context io(1);
        sfconnect::TokenClient client(
            io.get_executor(), sfconnect::Site::parse(emu_.site()).value(),
            sfconnect::ConsumerCredentials::create(emu_.consumer_key(), emu_.consumer_secret()).value(),
            options(kind, io));
        bool ok = false;
        client.async_get_token([&](sfconnect::error_code ec, sfconnect::TokenPtr) { ok = !ec; });
        io.run();
        return ok;
    }

    Figures cold_starts(Store kind, std::uint64_t n) {
        Figures f;
        if (kind != Store::none && !one_start(kind)) ++f.errors;  // the entry the measured starts find
        bench::Stopwatch sw;
        sw.start();
        for (std::uint64_t i = 0; i < n; ++i)
            if (!one_start(kind)) ++f.errors;
        sw.stop();
        const auto t = sw.thread_cpu();
        f.us_wall = sw.wall_s() * 1e6 / static_cast<double>(n);
        f.us_cpu = (t.user + t.sys) * 1e6 / static_cast<double>(n);
        return f;
    }

    // Logins a fleet of `n` short-lived clients makes (the emulator counts token requests).
    std::uint64_t fleet_logins(Store kind, std::uint64_t n) {
        clear_store();
        const auto before = emu_.stats().token_requests;
        for (std::uint64_t i = 0; i < n; ++i) one_start(kind);
        return emu_.stats().token_requests - before;
    }

    // ns per cached async_get_token (callback, run to completion) on a warm client.
    double cached_hit_ns(Store kind, std::uint64_t n) {
        boost::asio::io_context io(1);
        sfconnect::TokenClient client(
            io.get_executor(), sfconnect::Site::parse(emu_.site()).value(),
            sfconnect::ConsumerCredentials::create(emu_.consumer_key(), emu_.consumer_secret()).value(),
            options(kind, io));
        client.async_get_token([](sfconnect::error_code, sfconnect::TokenPtr) {});
        io.run();
        io.restart();
        std::uint64_t done = 0;
        auto busy = boost::asio::make_work_guard(io);  // poll() must not stop the context between calls
        const auto t0 = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < n; ++i) {
            client.async_get_token([&](sfconnect::error_code, sfconnect::TokenPtr) { ++done; });
            io.poll();
        }
        busy.reset();
        io.run();
        const auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        return done == n ? ns / static_cast<double>(n) : -1;
    }

private:
    void clear_store() {
        ++generation_;  // Redis: the next clients use a new key prefix
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) std::filesystem::remove(e.path(), ec);
    }

    sfconnect::testing::Emulator& emu_;
    std::filesystem::path dir_;
    std::string redis_url_;
    int generation_ = 0;
};

// The Redis rows: a redis-server of our own on 127.0.0.1, or why there is none.
struct RedisRows {
    bool ran = false;
    std::string skipped;  // why not (empty when ran)
    Figures start;
    std::uint64_t fleet_logins = 0;
    double hit_ns = 0;
};

#ifdef SFCONNECT_WITH_REDIS
inline std::unique_ptr<sfconnect::test::RedisServer> start_redis(std::string& why) {
    try {
        return std::make_unique<sfconnect::test::RedisServer>();
    } catch (const std::exception& e) {
        why = std::string("could not start redis-server on 127.0.0.1: ") + e.what();
        return nullptr;
    }
}
#endif

inline void print_json(const Figures& login, const Figures& stored, std::uint64_t starts, std::uint64_t fleet,
                       std::uint64_t logins_none, std::uint64_t logins_file, double hit_none, double hit_store,
                       const RedisRows& r, std::uint64_t errors) {
    std::printf("{\"mode\":\"store\",\"optimized\":%s,\"cold_starts\":%llu,\"login_start_us\":%.1f,"
                "\"login_start_cpu_us\":%.1f,\"store_start_us\":%.1f,\"store_start_cpu_us\":%.1f,"
                "\"fleet_processes\":%llu,\"fleet_logins_no_store\":%llu,\"fleet_logins_file_store\":%llu,"
                "\"cached_hit_ns\":%.1f,\"cached_hit_with_store_ns\":%.1f,\"redis\":%s,",
                bench::optimized ? "true" : "false", static_cast<unsigned long long>(starts), login.us_wall,
                login.us_cpu, stored.us_wall, stored.us_cpu, static_cast<unsigned long long>(fleet),
                static_cast<unsigned long long>(logins_none), static_cast<unsigned long long>(logins_file), hit_none,
                hit_store, r.ran ? "true" : "false");
    if (r.ran)
        std::printf("\"redis_start_us\":%.1f,\"redis_start_cpu_us\":%.1f,\"fleet_logins_redis\":%llu,"
                    "\"cached_hit_with_redis_ns\":%.1f,",
                    r.start.us_wall, r.start.us_cpu, static_cast<unsigned long long>(r.fleet_logins), r.hit_ns);
    std::printf("\"errors\":%llu}\n", static_cast<unsigned long long>(errors));
}

inline void print_redis_rows(const RedisRows& r, std::uint64_t fleet, double hit_none) {
    if (!r.ran) {
        std::printf("  redis       skipped: %s\n", r.skipped.c_str());
        return;
    }
    std::printf("  redis       token from Redis: %8.1f us wall  %8.1f us client CPU  (new client, new Redis "
                "connection, no login)\n",
                r.start.us_wall, r.start.us_cpu);
    std::printf("              fleet of %llu: %llu logins with Redis; cached hit %.1f ns with Redis configured "
                "(%+.1f%%)\n",
                static_cast<unsigned long long>(fleet), static_cast<unsigned long long>(r.fleet_logins), r.hit_ns,
                hit_none > 0 ? (r.hit_ns / hit_none - 1) * 100 : 0.0);
}

// The "store" mode: prints the three comparisons (human or one JSON object).
inline int run(const bench::Args& a) {
    sfconnect::testing::Emulator emu;
    emu.start();
    Bench b(emu);
    RedisRows redis;
#ifdef SFCONNECT_WITH_REDIS
    auto server = start_redis(redis.skipped);
    if (server) b.use_redis(server->url());
#else
    redis.skipped = "built without the Redis component (SFCONNECT_WITH_REDIS, needs hiredis)";
#endif
    redis.ran = redis.skipped.empty();
    // Default: 200 cold starts each, a fleet of 1,000, 200,000 cached hits; --requests N scales all three down
    // (N starts, a fleet of N, 100 N hits) for smoke runs.
    const bool defaults = a.requests == 1000;
    const std::uint64_t starts = defaults ? 200 : a.requests;
    const std::uint64_t fleet = defaults ? 1000 : a.requests;
    const std::uint64_t hits = defaults ? 200'000 : a.requests * 100;
    const Figures login = b.cold_starts(Store::none, starts);
    const Figures stored = b.cold_starts(Store::file, starts);
    if (redis.ran) redis.start = b.cold_starts(Store::redis, starts);
    const std::uint64_t logins_none = b.fleet_logins(Store::none, fleet);
    const std::uint64_t logins_file = b.fleet_logins(Store::file, fleet);
    if (redis.ran) redis.fleet_logins = b.fleet_logins(Store::redis, fleet);
    double hit_none = 0, hit_store = 0;
    for (int round = 0; round < 5; ++round) {  // interleaved, best of five: less noise from the shared machine
        const double x = b.cached_hit_ns(Store::none, hits), y = b.cached_hit_ns(Store::file, hits);
        const double z = redis.ran ? b.cached_hit_ns(Store::redis, hits) : 0.0;
        hit_none = round == 0 ? x : std::min(hit_none, x);
        hit_store = round == 0 ? y : std::min(hit_store, y);
        redis.hit_ns = round == 0 ? z : std::min(redis.hit_ns, z);
    }
    const std::uint64_t errors = login.errors + stored.errors + redis.start.errors;
    if (a.json) {
        print_json(login, stored, starts, fleet, logins_none, logins_file, hit_none, hit_store, redis, errors);
    } else {
        std::printf("sfconnect store: shared token store (file, Redis) vs none, built-in emulator in-process\n");
        if (!bench::optimized) std::printf("  WARNING     built without optimization: figures not representative\n");
        std::printf(
            "  cold start  login:            %8.1f us wall  %8.1f us client CPU  (new client, new TLS, one login)\n",
            login.us_wall, login.us_cpu);
        std::printf("              token from store: %8.1f us wall  %8.1f us client CPU  (new client, no connection)\n",
                    stored.us_wall, stored.us_cpu);
        std::printf("  fleet       %llu short-lived clients in one model hour: %llu logins without a store, %llu with "
                    "the file store\n",
                    static_cast<unsigned long long>(fleet), static_cast<unsigned long long>(logins_none),
                    static_cast<unsigned long long>(logins_file));
        std::printf("  cached hit  %.1f ns without a store, %.1f ns with one (%+.1f%%)\n", hit_none, hit_store,
                    hit_none > 0 ? (hit_store / hit_none - 1) * 100 : 0.0);
        print_redis_rows(redis, fleet, hit_none);
    }
    return errors == 0 ? 0 : bench::exit_failure;
}

}  // namespace store_bench
