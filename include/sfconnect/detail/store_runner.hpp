// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_STORE_RUNNER_HPP
#define SFCONNECT_DETAIL_STORE_RUNNER_HPP

// The runner's half of the fleet fetch: performs sansio::store_fetch's store actions on the client's
// strand, each bounded by options.store_timeout (a late answer is dropped), and its fetch action
// through the caller's `fetch` coroutine (the client core's ordinary token grant).

#include <sfconnect/token_client_options.hpp>
#include <sfconnect/token_store.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/random.hpp>
#include <sfconnect/detail/sansio/store_fetch.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/rand.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace sfconnect::detail {

inline std::int64_t wall_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A random lock owner (16 bytes of the OpenSSL generator, hex).
inline std::string random_lock_owner() {
    unsigned char raw[16] = {};
    if (RAND_bytes(raw, sizeof raw) != 1) {
        for (auto& b : raw) b = static_cast<unsigned char>(jitter01() * 256);
    }
    return hex_encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

// Starts one store operation with `init(handler)` and waits for it at most `bound`; the result, or
// store_errc::timeout. The handler runs on `strand`, where the caller runs too.
template <class T, class Init>
boost::asio::awaitable<std::pair<error_code, T>> bounded_store_call(boost::asio::any_io_executor strand,
                                                                    std::chrono::milliseconds bound, Init init) {
    struct state {
        boost::asio::steady_timer timer;
        std::optional<std::pair<error_code, T>> result;
        state(const boost::asio::any_io_executor& ex, std::chrono::milliseconds d) : timer(ex, d) {}
    };
    auto st = std::make_shared<state>(strand, bound);
    auto on_done = [st](error_code ec, auto... v) {
        if (st->result) return;
        if constexpr (sizeof...(v) == 1) st->result.emplace(ec, std::move(v)...);
        else st->result.emplace(ec, T{});
        st->timer.cancel();
    };
    init(boost::asio::bind_executor(strand, std::move(on_done)));
    if (!st->result) {
        error_code ignored;
        co_await st->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    if (!st->result) co_return std::pair<error_code, T>{make_error_code(store_errc::timeout), T{}};
    co_return std::move(*st->result);
}

// Drives `algo` to its end. `fetch()` is an awaitable<void> that runs the token grant and calls
// algo.set_fetched().
template <class Fetch>
boost::asio::awaitable<void> run_store_fetch(sansio::store_fetch& algo, TokenStore& store,
                                             boost::asio::any_io_executor strand, const TokenClientOptions& o,
                                             Fetch fetch) {
    using sansio::store_op;
    const auto started = std::chrono::steady_clock::now();
    const auto bound = o.store_timeout;
    const auto& names = algo.names();
    error_code io;
    for (;;) {
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                   started);
        const sansio::store_action act = algo.resume(io, wall_now_ms(), elapsed, jitter01());
        io = {};
        switch (act.op) {
            case store_op::done: co_return;
            case store_op::get: {
                auto init = [&](auto h) { store.async_get(names.entry, std::move(h)); };
                auto op = bounded_store_call<std::optional<std::string>>(strand, bound, std::move(init));
                auto r = co_await std::move(op);
                io = r.first;
                algo.set_value(std::move(r.second));
                break;
            }
            case store_op::try_lock: {
                auto init = [&](auto h) {
                    store.async_try_lock(names.lock, algo.owner(), algo.lock_ttl(), std::move(h));
                };
                auto op = bounded_store_call<bool>(strand, bound, std::move(init));
                auto r = co_await std::move(op);
                io = r.first;
                algo.set_flag(r.second);
                break;
            }
            case store_op::put: {
                auto init = [&](auto h) {
                    store.async_put(names.entry, algo.put_value(), algo.put_ttl(), std::move(h));
                };
                auto op = bounded_store_call<bool>(strand, bound, std::move(init));
                auto r = co_await std::move(op);
                io = r.first;
                break;
            }
            case store_op::unlock: {
                auto init = [&](auto h) { store.async_unlock(names.lock, algo.owner(), std::move(h)); };
                auto op = bounded_store_call<bool>(strand, bound, std::move(init));
                auto r = co_await std::move(op);
                io = r.first;
                break;
            }
            case store_op::erase_if_equal: {
                auto init = [&](auto h) {
                    store.async_erase_if_equal(names.entry, algo.rejected_entry(), std::move(h));
                };
                auto op = bounded_store_call<bool>(strand, bound, std::move(init));
                auto r = co_await std::move(op);
                io = r.first;
                break;
            }
            case store_op::increment: {
                auto init = [&](auto h) {
                    store.async_increment(names.logins(std::chrono::system_clock::now()), algo.counter_ttl(),
                                          std::move(h));
                };
                auto op = bounded_store_call<std::int64_t>(strand, bound, std::move(init));
                auto r = co_await std::move(op);
                io = r.first;
                if (!io) algo.set_count(r.second);
                break;
            }
            case store_op::sleep: {
                boost::asio::steady_timer timer(strand, act.delay);
                error_code ignored;
                auto wait = timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
                co_await std::move(wait);
                break;
            }
            case store_op::fetch: {
                auto op = fetch();
                co_await std::move(op);
                break;
            }
        }
    }
}

}  // namespace sfconnect::detail

#endif
