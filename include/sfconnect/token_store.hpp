// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TOKEN_STORE_HPP
#define SFCONNECT_TOKEN_STORE_HPP

/// @file
/// TokenStore: the shared (L2) token store a fleet of processes uses so that it logs in once.
/// The client keeps its in-process cache (L1): a cached hit never touches the store. The store only
/// moves opaque bytes: the client encrypts and authenticates every entry (AES-256-GCM) before it
/// reaches a store and derives the keys (a hash of host, consumer key, flow and subject — never the
/// token, never the secret). Implementations: memory (default), file (<sfconnect/file_token_store.hpp>),
/// Redis (<sfconnect/redis_token_store.hpp>, CMake component sfconnect::redis, needs hiredis).

#include <sfconnect/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>

namespace sfconnect {

/// Errors of a token store. Category name "sfconnect.store". The client never fails an operation
/// because of them: it falls back to a plain fetch, says so once (trace and stats) and resumes using
/// the store when it answers again.
enum class store_errc {
    unavailable = 1,  ///< the store cannot be reached (connection refused, reset, directory missing)
    timeout,          ///< the store did not answer within its operation timeout
    auth_failed,      ///< the store refused our credentials (Redis AUTH: wrong password or ACL user)
    tls_failed,       ///< TLS to the store failed (wrong CA, name mismatch)
    protocol_error,   ///< the store's reply could not be understood
    io_error,         ///< a local file operation failed (permissions, disk full)
    invalid_url,      ///< the store URL or its options are malformed
};

namespace detail {
class store_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "sfconnect.store"; }
    std::string message(int ev) const override {
        switch (static_cast<store_errc>(ev)) {
            case store_errc::unavailable: return "the token store cannot be reached";
            case store_errc::timeout: return "the token store did not answer in time";
            case store_errc::auth_failed: return "the token store refused the credentials";
            case store_errc::tls_failed: return "TLS to the token store failed";
            case store_errc::protocol_error: return "the token store's reply could not be understood";
            case store_errc::io_error: return "a token store file operation failed";
            case store_errc::invalid_url: return "the token store URL or its options are malformed";
        }
        return "unknown token store error";
    }
};
}  // namespace detail

/// The category of sfconnect::store_errc ("sfconnect.store").
inline const boost::system::error_category& store_category() noexcept {
    static const detail::store_category_impl instance;
    return instance;
}

/// Makes an error_code from a store_errc.
inline error_code make_error_code(store_errc e) noexcept { return {static_cast<int>(e), store_category()}; }

/// A shared token store. Every operation is asynchronous, bounded by the store's own timeout, and
/// completes its handler through the handler's associated executor, never from inside the
/// initiating call. Keys and values are opaque bytes chosen by the client; TTLs are the store's to
/// enforce (no cross-machine clock comparison). Implementations must be safe to call from any thread.
class TokenStore {
public:
    /// Completion of a read: the value, or nullopt when the key is absent or expired.
    using get_handler = boost::asio::any_completion_handler<void(error_code, std::optional<std::string>)>;
    /// Completion of a conditional operation: whether it took effect.
    using bool_handler = boost::asio::any_completion_handler<void(error_code, bool)>;
    /// Completion of a counter increment: the counter's value after the increment.
    using count_handler = boost::asio::any_completion_handler<void(error_code, std::int64_t)>;
    /// Completion of an unconditional write.
    using done_handler = boost::asio::any_completion_handler<void(error_code)>;

    virtual ~TokenStore() = default;

    /// A description for traces and reports, with no password or key (e.g. "redis://host:6379/0").
    virtual std::string describe() const = 0;

    /// Reads `key`.
    virtual void async_get(std::string key, get_handler handler) = 0;
    /// Writes `value` under `key`, replacing any value, expiring after `ttl` (store-side).
    virtual void async_put(std::string key, std::string value, std::chrono::milliseconds ttl, done_handler handler) = 0;
    /// Deletes `key` only if it still holds `expected` (compare-and-delete): a 401 drops only the
    /// rejected token, never a newer one another process stored meanwhile. Completes with true if deleted.
    virtual void async_erase_if_equal(std::string key, std::string expected, bool_handler handler) = 0;
    /// Tries to take the fetch lock `key` for `owner` (a random id), held at most `ttl` (SET NX PX;
    /// the file store's flock). Completes with true if taken. Never waits for the lock.
    virtual void async_try_lock(std::string key, std::string owner, std::chrono::milliseconds ttl,
                                bool_handler handler) = 0;
    /// Releases the lock `key` if `owner` still holds it (compare-and-delete).
    virtual void async_unlock(std::string key, std::string owner, done_handler handler) = 0;
    /// Adds one to the counter `key` (created at 0 with expiry `ttl`) and returns the new value:
    /// the fleet's logins per hour.
    virtual void async_increment(std::string key, std::chrono::milliseconds ttl, count_handler handler) = 0;
};

}  // namespace sfconnect

namespace boost::system {
template <>
struct is_error_code_enum<sfconnect::store_errc> : std::true_type {};
}  // namespace boost::system

#endif
