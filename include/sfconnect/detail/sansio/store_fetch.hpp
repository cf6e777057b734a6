// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_STORE_FETCH_HPP
#define SFCONNECT_DETAIL_SANSIO_STORE_FETCH_HPP

// The fleet's fetch, sans-io: what one process does when its own cache (L1) has no usable token and
// a shared store (L2) is configured. Read L2; on a miss take the fetch lock (a random owner), read
// again once it is held, fetch, store with the store-owned TTL, release. Without the lock: poll L2
// with a bound, try the lock again each time (its holder may have died), and fetch alone when the
// bound passes. After a 401 the rejected entry is deleted first (compare-and-delete: never a newer
// one) and an entry still holding the rejected token is never adopted. Any store error ends the
// store's part: a plain fetch, reported by `degraded()`. The runner performs the actions (with a
// bound on each) and feeds back the results through the setters.

#include <sfconnect/error.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/detail/store_codec.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sfconnect::detail::sansio {

enum class store_op {
    get,             // read names.entry; resume with the error, value in set_value()
    try_lock,        // take names.lock for owner(); resume with the error, set_flag()
    put,             // write put_value() under names.entry with ttl; resume with the error
    unlock,          // release names.lock for owner(); resume with the error
    erase_if_equal,  // delete names.entry if it holds rejected_entry(); resume with the error
    increment,       // add one to the hour's login counter; resume with the error, set_count()
    sleep,           // wait `delay`; resume with no error
    fetch,           // run the token grant; resume with set_fetched()
    done,            // finished: result(), token(), entry(), from_store()
};

struct store_action {
    store_op op = store_op::done;
    std::chrono::milliseconds delay{0};  // sleep
};

struct store_fetch_config {
    std::chrono::milliseconds usable{0};       // how long after its fetch a token may still be adopted
    std::chrono::milliseconds wait{0};         // how long a follower polls before fetching alone
    std::chrono::milliseconds poll{0};         // between two polls (jittered ±50%)
    std::chrono::milliseconds lock_ttl{0};     // the lock's expiry (Redis; the file lock dies with us)
    std::chrono::milliseconds counter_ttl{0};  // the login counter's expiry
};

class store_fetch {
public:
    // `rejected`/`rejected_entry`: the token a 401 refused and the entry it came from, if any.
    store_fetch(const store_codec& codec, const store_names& names, store_fetch_config cfg, std::string owner,
                TokenPtr rejected, std::string rejected_entry)
        : codec_(codec),
          names_(names),
          cfg_(cfg),
          owner_(std::move(owner)),
          rejected_(std::move(rejected)),
          rejected_entry_(std::move(rejected_entry)) {}

    // `io`: the outcome of the last store action; `now_ms`: the wall clock (ms since the epoch);
    // `elapsed`: time since the first resume; `jitter01` in [0, 1).
    store_action resume(error_code io, std::int64_t now_ms, std::chrono::milliseconds elapsed, double jitter01) {
        if (io && state_ != state::fetched) degraded_ = true;
        switch (state_) {
            case state::start:
                if (!rejected_entry_.empty()) return go(state::erased, store_op::erase_if_equal);
                return go(state::got, store_op::get);
            case state::erased:
                if (degraded_) return go(state::fetched, store_op::fetch);
                return go(state::got, store_op::get);
            case state::got: return on_value(now_ms, elapsed);
            case state::locked:
                if (degraded_) return go(state::fetched, store_op::fetch);
                if (flag_) {
                    leader_ = true;
                    return go(state::got, store_op::get);  // re-read: the last holder may just have stored
                }
                if (elapsed >= cfg_.wait) {
                    waited_out_ = true;
                    return go(state::fetched, store_op::fetch);
                }
                return sleep(jitter01);
            case state::slept: return go(state::got, store_op::get);
            case state::fetched: return on_fetched();
            case state::stored: degraded_ = degraded_ || static_cast<bool>(io); return release();
            case state::released: return count_login();
            case state::counted: return store_action{};
        }
        return store_action{};
    }

    void set_value(std::optional<std::string> v) { value_ = std::move(v); }
    void set_flag(bool f) noexcept { flag_ = f; }
    void set_count(std::int64_t n) noexcept { count_ = n; }
    void set_fetched(error_code ec, TokenPtr tok, std::int64_t fetched_at_ms) {
        result_ = ec;
        token_ = std::move(tok);
        fetched_at_ms_ = fetched_at_ms;
    }

    const store_names& names() const noexcept { return names_; }
    const std::string& owner() const noexcept { return owner_; }
    const std::string& put_value() const noexcept { return entry_; }
    const std::string& rejected_entry() const noexcept { return rejected_entry_; }
    std::chrono::milliseconds put_ttl() const noexcept { return cfg_.usable; }
    std::chrono::milliseconds lock_ttl() const noexcept { return cfg_.lock_ttl; }
    std::chrono::milliseconds counter_ttl() const noexcept { return cfg_.counter_ttl; }

    // --- the outcome (after done) ---
    const error_code& result() const noexcept { return result_; }
    TokenPtr& token() noexcept { return token_; }
    // The entry the token is stored as (for a later compare-and-delete); empty if not stored.
    const std::string& entry() const noexcept { return entry_; }
    std::int64_t fetched_at_ms() const noexcept { return fetched_at_ms_; }
    bool from_store() const noexcept { return from_store_; }
    bool degraded() const noexcept { return degraded_; }      // a store operation failed
    bool waited_out() const noexcept { return waited_out_; }  // a follower stopped waiting
    bool fetched() const noexcept { return did_fetch_; }
    std::optional<std::int64_t> logins_this_hour() const noexcept { return count_; }

private:
    enum class state { start, erased, got, locked, slept, fetched, stored, released, counted };

    store_action go(state next, store_op op) {
        state_ = next;
        if (op == store_op::fetch) did_fetch_ = true;
        return store_action{op, {}};
    }

    store_action sleep(double jitter01) {
        state_ = state::slept;
        const auto d = std::chrono::milliseconds(
            static_cast<std::int64_t>(static_cast<double>(cfg_.poll.count()) * (0.5 + jitter01)));
        return store_action{store_op::sleep, std::max(d, std::chrono::milliseconds(1))};
    }

    store_action on_value(std::int64_t now_ms, std::chrono::milliseconds elapsed) {
        if (degraded_) return go(state::fetched, store_op::fetch);
        if (value_) {
            auto found = codec_.open(*value_, names_.entry);
            const bool fresh = found && now_ms - found->fetched_at_ms < cfg_.usable.count();
            const bool refused = found && rejected_ && found->token->access_token == rejected_->access_token;
            if (fresh && !refused) {
                from_store_ = true;
                token_ = std::move(found->token);
                fetched_at_ms_ = found->fetched_at_ms;
                entry_ = std::move(*value_);
                if (leader_) return go(state::released, store_op::unlock);
                state_ = state::counted;
                return store_action{};
            }
        }
        if (leader_) return go(state::fetched, store_op::fetch);
        if (state_ == state::got && elapsed >= cfg_.wait && tried_lock_) {
            waited_out_ = true;
            return go(state::fetched, store_op::fetch);
        }
        tried_lock_ = true;
        return go(state::locked, store_op::try_lock);
    }

    store_action on_fetched() {
        if (result_ || degraded_ || !token_) return release();
        entry_ = codec_.seal(*token_, fetched_at_ms_, names_.entry);
        if (entry_.empty()) return release();
        return go(state::stored, store_op::put);
    }

    store_action release() {
        if (leader_) return go(state::released, store_op::unlock);  // even when degraded: never leak it
        return count_login();
    }

    store_action count_login() {
        if (!did_fetch_ || degraded_) {
            state_ = state::counted;
            return store_action{};
        }
        return go(state::counted, store_op::increment);
    }

    const store_codec& codec_;
    const store_names& names_;
    store_fetch_config cfg_;
    std::string owner_;
    TokenPtr rejected_;
    std::string rejected_entry_;

    state state_ = state::start;
    std::optional<std::string> value_;
    bool flag_ = false;
    std::optional<std::int64_t> count_;
    bool leader_ = false, tried_lock_ = false, degraded_ = false, waited_out_ = false, did_fetch_ = false,
         from_store_ = false;

    error_code result_;
    TokenPtr token_;
    std::string entry_;
    std::int64_t fetched_at_ms_ = 0;
};

}  // namespace sfconnect::detail::sansio

#endif
