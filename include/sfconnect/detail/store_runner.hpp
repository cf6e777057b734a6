// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_STORE_RUNNER_HPP
#define SFCONNECT_DETAIL_STORE_RUNNER_HPP

// The runner's half of the fleet fetch: performs sansio::store_fetch's store actions on the client's
// strand, each bounded by options.store_timeout (a late answer is dropped), and its fetch action
// through the caller's `fetch` coroutine (the client core's ordinary token grant).

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/token_store.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/grant.hpp>
#include <sfconnect/detail/random.hpp>
#include <sfconnect/detail/sansio/store_fetch.hpp>
#include <sfconnect/detail/trace.hpp>

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
#include <string_view>
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

// Performs one store action of `algo` on `store`, bounded by `bound`; the store's error.
inline boost::asio::awaitable<error_code> perform_store_op(sansio::store_fetch& algo, TokenStore& store,
                                                           boost::asio::any_io_executor strand,
                                                           std::chrono::milliseconds bound, sansio::store_op what) {
    using sansio::store_op;
    const auto& names = algo.names();
    error_code io;
    switch (what) {
        case store_op::get: {
            auto init = [&](auto h) { store.async_get(names.entry, std::move(h)); };
            auto op = bounded_store_call<std::optional<std::string>>(strand, bound, std::move(init));
            auto r = co_await std::move(op);
            io = r.first;
            algo.set_value(std::move(r.second));
            break;
        }
        case store_op::try_lock: {
            auto init = [&](auto h) { store.async_try_lock(names.lock, algo.owner(), algo.lock_ttl(), std::move(h)); };
            auto op = bounded_store_call<bool>(strand, bound, std::move(init));
            auto r = co_await std::move(op);
            io = r.first;
            algo.set_flag(r.second);
            break;
        }
        case store_op::put: {
            auto init = [&](auto h) { store.async_put(names.entry, algo.put_value(), algo.put_ttl(), std::move(h)); };
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
            auto init = [&](auto h) { store.async_erase_if_equal(names.entry, algo.rejected_entry(), std::move(h)); };
            auto op = bounded_store_call<bool>(strand, bound, std::move(init));
            auto r = co_await std::move(op);
            io = r.first;
            break;
        }
        case store_op::increment: {
            auto init = [&](auto h) {
                store.async_increment(names.logins(std::chrono::system_clock::now()), algo.counter_ttl(), std::move(h));
            };
            auto op = bounded_store_call<std::int64_t>(strand, bound, std::move(init));
            auto r = co_await std::move(op);
            io = r.first;
            if (!io) algo.set_count(r.second);
            break;
        }
        default: break;
    }
    co_return io;
}

// Drives `algo` to its end. `fetch()` is an awaitable<void> that runs the token grant and calls
// algo.set_fetched().
template <class Fetch>
boost::asio::awaitable<void> run_store_fetch(sansio::store_fetch& algo, TokenStore& store,
                                             boost::asio::any_io_executor strand, const TokenClientOptions& o,
                                             Fetch fetch) {
    using sansio::store_op;
    const auto started = std::chrono::steady_clock::now();
    error_code io;
    for (;;) {
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                   started);
        const sansio::store_action act = algo.resume(io, wall_now_ms(), elapsed, jitter01());
        io = {};
        if (act.op == store_op::done) co_return;
        if (act.op == store_op::sleep) {
            boost::asio::steady_timer timer(strand, act.delay);
            error_code ignored;
            auto wait = timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
            co_await std::move(wait);
        } else if (act.op == store_op::fetch) {
            auto op = fetch();
            co_await std::move(op);
        } else {
            auto op = perform_store_op(algo, store, strand, o.store_timeout, act.op);
            io = co_await std::move(op);
        }
    }
}

// What one fleet fetch means for the client's stats.
struct fleet_outcome {
    bool store_hit = false;
    bool fallback = false;
    std::chrono::milliseconds age{0};  // store_hit: how long ago the token was fetched
    std::optional<std::int64_t> fleet_logins;
};

// What a client knows of its shared store: the key and names, the entry of the token it holds, a
// rejection a 401 left for the next fetch, whether the store answered last time, the hour of the
// last budget warning. Used on the client's strand (setup: in its constructor).
class fleet_state {
public:
    // The store's key and names; false (with `diag` filled, phase setup) for a missing or bad key.
    bool setup(std::string_view host, const grant_identity& id, const TokenClientOptions& o, Diagnostics& diag) {
        names_ = store_names::for_hash(store_cache_hash(host, id.consumer_key, id.flow, id.subject));
        std::string why;
        if (!o.store_key.empty()) {
            if (codec_.set_key(o.store_key.reveal(), why)) return true;
            diag.message = "store key: " + why;
        } else if (o.store_tokens_in_plaintext_insecure) {
            return true;
        } else {
            diag.message = "store key: a token store needs a store key (64 hex digits from `openssl rand -hex 32`) "
                           "so that stored tokens are encrypted";
        }
        diag.phase = Phase::setup;
        diag.hint = "Set TokenClientOptions::store_key (sfconnect-token: --store-key-file FILE or SFCONNECT_STORE_KEY) "
                    "to the output of `openssl rand -hex 32`, the same for every process.";
        return false;
    }

    // A 401 refused `tok`: the next fetch deletes its entry (compare-and-delete) and never adopts it.
    void reject(const TokenPtr& tok) {
        rejected_ = tok;
        rejected_entry_ = tok.get() == held_ ? held_entry_ : std::string{};
    }

    sansio::store_fetch make_fetch(const TokenClientOptions& o) {
        using std::chrono::milliseconds;
        const auto usable = std::chrono::duration_cast<milliseconds>(o.assumed_token_lifetime - o.refresh_ahead);
        const auto lock_ttl = o.timeouts.resolve + o.timeouts.connect + o.timeouts.tls_handshake + o.timeouts.request;
        const sansio::store_fetch_config cfg{std::max(usable, milliseconds(1)), o.store_wait, o.store_poll, lock_ttl,
                                             milliseconds(std::chrono::hours(2))};
        return sansio::store_fetch(codec_, names_, cfg, random_lock_owner(), std::exchange(rejected_, TokenPtr{}),
                                   std::exchange(rejected_entry_, {}));
    }

    // Traces (a token adopted; the store failing, said once until it answers again; the budget) and
    // what the stats need.
    fleet_outcome finish(sansio::store_fetch& algo, const TokenClientOptions& o) {
        fleet_outcome out;
        if (algo.from_store()) {
            out.store_hit = true;
            out.age = std::chrono::milliseconds(std::max<std::int64_t>(0, wall_now_ms() - algo.fetched_at_ms()));
            trace_note(o.trace, TraceLevel::info, TracePhase::token_store,
                       [] { return std::string("access token taken from the shared token store (no login)"); });
        }
        out.fallback = algo.degraded() || algo.waited_out();
        if (algo.degraded() && std::exchange(store_ok_, false))
            trace_note(o.trace, TraceLevel::warning, TracePhase::token_store, [&] {
                return "token store " + o.token_store->describe() +
                       " failed or did not answer in time: fetching without it until it answers again";
            });
        else if (!algo.degraded() && !std::exchange(store_ok_, true))
            trace_note(o.trace, TraceLevel::info, TracePhase::token_store,
                       [&] { return "token store " + o.token_store->describe() + " answers again"; });
        if (algo.token() && !algo.entry().empty()) {
            held_ = algo.token().get();
            held_entry_ = algo.entry();
        }
        out.fleet_logins = algo.logins_this_hour();
        if (out.fleet_logins) warn_budget(*out.fleet_logins, o);
        return out;
    }

private:
    void warn_budget(std::int64_t n, const TokenClientOptions& o) {
        const auto hour =
            std::chrono::duration_cast<std::chrono::hours>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (static_cast<double>(n) < 3600.0 * o.login_budget_warning_share || warned_hour_ == hour) return;
        warned_hour_ = hour;
        trace_note(o.trace, TraceLevel::warning, TracePhase::login_budget, [&] {
            return "the fleet made " + std::to_string(n) +
                   " logins this hour for this connected app and user; Salesforce allows 3,600 per user and hour, "
                   "then refuses logins with 'login rate exceeded'";
        });
    }

    store_codec codec_;
    store_names names_;
    const AccessToken* held_ = nullptr;  // the token fetched or adopted last ...
    std::string held_entry_;             // ... and its stored entry
    TokenPtr rejected_;
    std::string rejected_entry_;
    bool store_ok_ = true;
    std::int64_t warned_hour_ = -1;
};

}  // namespace sfconnect::detail

#endif
