// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_TOKEN_CACHE_HPP
#define SFCONNECT_DETAIL_TOKEN_CACHE_HPP

// The token cache's decisions as a plain state machine: no I/O, no locking, time passed in.
// TokenClient holds it under its mutex; tests drive it with made-up clocks.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>

#include <memory>

namespace sfconnect::detail {

template <class Token, class TimePoint>
class TokenCacheState {
public:
    using token_ptr = std::shared_ptr<const Token>;
    using duration = typename TimePoint::duration;

    /// What a caller asking for a token should do now.
    enum class Lookup {
        use_cached,          ///< fresh token: use it
        use_cached_refresh,  ///< inside the soft window: use it, and a background refresh should run
        wait_for_fetch,      ///< no usable token: wait for the (single) fetch
        use_held_error,      ///< a recent non-recoverable error is still held: fail with it
    };

    Lookup lookup(TimePoint now) const noexcept {
        if (token_ && now < hard_deadline_)
            return now < soft_deadline_ ? Lookup::use_cached : Lookup::use_cached_refresh;
        if (held_error_ && now < held_until_ && !fetching_) return Lookup::use_held_error;
        return Lookup::wait_for_fetch;
    }

    /// True when `lookup` asks for a fetch and none is in flight: the caller must start exactly one.
    bool should_start_fetch(Lookup l) const noexcept {
        return !fetching_ && (l == Lookup::use_cached_refresh || l == Lookup::wait_for_fetch);
    }

    void fetch_started() noexcept { fetching_ = true; }

    /// A token fetched by a request sent at `requested_at` lives `lifetime`; the soft window starts
    /// `refresh_ahead` before its end (never before it was obtained).
    void fetch_succeeded(token_ptr token, TimePoint requested_at, duration lifetime, duration refresh_ahead) {
        token_ = std::move(token);
        hard_deadline_ = requested_at + lifetime;
        soft_deadline_ = refresh_ahead < lifetime ? hard_deadline_ - refresh_ahead : requested_at;
        fetching_ = false;
        held_error_ = {};
        held_diag_ = {};
    }

    /// A failed fetch keeps the last good token while it is inside its hard window (a failed
    /// refresh-ahead must not take a working token away). Non-recoverable errors are held for `hold`.
    void fetch_failed(const error_code& ec, const Diagnostics& diag, TimePoint now, duration hold) {
        fetching_ = false;
        if (hold > duration::zero()) {
            held_error_ = ec;
            held_diag_ = diag;
            held_until_ = now + hold;
        }
    }

    /// Drops the cached token only if it is still the one the server rejected, so a stale 401 from an
    /// old request never throws away a token another caller just fetched. Returns true if dropped.
    bool invalidate(const Token* rejected) noexcept {
        if (!token_ || token_.get() != rejected) return false;
        token_.reset();
        return true;
    }

    /// Moves the end of the current token's life (e.g. to introspection's `exp`).
    void set_deadline(TimePoint hard, duration refresh_ahead) noexcept {
        hard_deadline_ = hard;
        soft_deadline_ = hard - refresh_ahead;
    }

    void clear() noexcept {
        token_.reset();
        held_error_ = {};
        held_diag_ = {};
    }

    const token_ptr& token() const noexcept { return token_; }
    bool fetching() const noexcept { return fetching_; }
    const error_code& held_error() const noexcept { return held_error_; }
    const Diagnostics& held_diagnostics() const noexcept { return held_diag_; }
    TimePoint soft_deadline() const noexcept { return soft_deadline_; }
    TimePoint hard_deadline() const noexcept { return hard_deadline_; }

private:
    token_ptr token_;
    TimePoint soft_deadline_{};
    TimePoint hard_deadline_{};
    bool fetching_ = false;
    error_code held_error_;
    Diagnostics held_diag_;
    TimePoint held_until_{};
};

}  // namespace sfconnect::detail

#endif
