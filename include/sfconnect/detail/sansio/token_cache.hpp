// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_TOKEN_CACHE_HPP
#define SFCONNECT_DETAIL_SANSIO_TOKEN_CACHE_HPP

// The token cache with single flight and waiter bookkeeping, sans-io: every decision (use the
// cached token, start the one fetch, wait, fail with a held error, what a finished fetch leaves
// behind) is made here, with time and jitter passed in. The client holds it under its mutex and
// completes the handlers it hands back; it never re-derives a decision.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/detail/token_cache.hpp>

#include <boost/asio/error.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

namespace sfconnect::detail::sansio {

template <class Token, class TimePoint, class Waiter>
class token_cache {
public:
    using token_ptr = std::shared_ptr<const Token>;
    using duration = typename TimePoint::duration;

    enum class outcome { token, held_error, wait };

    // What a caller asking for a token gets now. With `start_fetch` the caller must start the (one) fetch.
    struct lookup {
        outcome kind = outcome::wait;
        token_ptr token;   // outcome::token
        error_code ec;     // outcome::held_error
        Diagnostics diag;  // outcome::held_error
        bool start_fetch = false;
    };

    // A usable token (fresh, or in the soft window: then `start_fetch` asks for the background refresh);
    // null when the caller would have to wait or fail. Never registers anything.
    token_ptr try_use(TimePoint now, bool& start_fetch) {
        const auto l = state_.lookup(now);
        start_fetch = false;
        if (l != Lookup::use_cached && l != Lookup::use_cached_refresh) return {};
        start_fetch = begin_fetch_if_needed(l);
        return state_.token();
    }

    // The full decision; with outcome::wait the caller registers with add_waiter.
    lookup acquire(TimePoint now) {
        lookup r;
        const auto l = state_.lookup(now);
        r.start_fetch = begin_fetch_if_needed(l);
        if (l == Lookup::use_cached || l == Lookup::use_cached_refresh) {
            r.kind = outcome::token;
            r.token = state_.token();
        } else if (l == Lookup::use_held_error) {
            r.kind = outcome::held_error;
            r.ec = state_.held_error();
            r.diag = state_.held_diagnostics();
        }
        return r;
    }

    std::uint64_t add_waiter(Waiter w) {
        const std::uint64_t id = ++next_waiter_id_;
        waiters_.emplace_back(id, std::move(w));
        return id;
    }

    // The waiter `id` if it is still waiting (cancellation), removed.
    std::optional<Waiter> remove_waiter(std::uint64_t id) {
        for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
            if (it->first != id) continue;
            std::optional<Waiter> w(std::move(it->second));
            waiters_.erase(it);
            return w;
        }
        return std::nullopt;
    }

    // Records the fetch's outcome (a token obtained by a request sent at `requested_at`, or an error)
    // and hands back every waiter, to be completed with it. Errors only a change in Salesforce can fix
    // are held briefly (jittered by `jitter01`) so that retry loops in callers do not hammer the
    // token endpoint; a failed refresh keeps the last good token inside its hard window.
    std::deque<std::pair<std::uint64_t, Waiter>> fetch_finished(const error_code& ec, const Diagnostics& diag,
                                                                token_ptr tok, TimePoint requested_at, TimePoint now,
                                                                const TokenClientOptions& o, double jitter01) {
        if (!ec) {
            state_.fetch_succeeded(std::move(tok), requested_at, cast(o.assumed_token_lifetime), cast(o.refresh_ahead));
        } else {
            const bool hold = !is_transient(ec) && ec != boost::asio::error::operation_aborted;
            const auto base = ec == oauth_errc::login_rate_exceeded ? o.login_rate_exceeded_hold : o.error_hold;
            const auto span = std::chrono::duration_cast<duration>(base * (0.5 + jitter01));
            state_.fetch_failed(ec, diag, now, hold ? span : duration::zero());
            if (state_.token() && now >= state_.hard_deadline()) state_.clear();
        }
        std::deque<std::pair<std::uint64_t, Waiter>> ready;
        ready.swap(waiters_);
        return ready;
    }

    // Drops the cached token only if it is still `rejected` (see TokenCacheState::invalidate).
    bool invalidate(const Token* rejected) noexcept { return state_.invalidate(rejected); }

    // Moves the end of `tok`'s life to `hard` (introspection's exp), if it is still the cached token.
    void learn_expiry(const Token* tok, TimePoint hard, duration refresh_ahead) noexcept {
        if (state_.token().get() == tok) state_.set_deadline(hard, refresh_ahead);
    }

    const token_ptr& token() const noexcept { return state_.token(); }
    bool fetching() const noexcept { return state_.fetching(); }
    std::size_t waiting() const noexcept { return waiters_.size(); }

private:
    using Lookup = typename TokenCacheState<Token, TimePoint>::Lookup;

    template <class D>
    static duration cast(D d) {
        return std::chrono::duration_cast<duration>(d);
    }

    bool begin_fetch_if_needed(Lookup l) noexcept {
        if (!state_.should_start_fetch(l)) return false;
        state_.fetch_started();
        return true;
    }

    TokenCacheState<Token, TimePoint> state_;
    std::deque<std::pair<std::uint64_t, Waiter>> waiters_;
    std::uint64_t next_waiter_id_ = 0;
};

}  // namespace sfconnect::detail::sansio

#endif
