// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_REDIS_TOKEN_STORE_HPP
#define SFCONNECT_REDIS_TOKEN_STORE_HPP

/// @file
/// The Redis token store: a TokenStore shared by processes on many machines, over redis:// or
/// rediss:// (TLS). Needs hiredis (its reply parser and command formatter only; the socket is
/// sfconnect's own Asio socket): link the CMake component `sfconnect::redis`, which also defines
/// SFCONNECT_WITH_REDIS=1. Not included by <sfconnect/sfconnect.hpp>. See docs/fleets-redis.md.

#include <sfconnect/token_store.hpp>
#include <sfconnect/detail/config.hpp>
#include <sfconnect/detail/redis_connection.hpp>
#include <sfconnect/detail/redis_url.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace sfconnect {

/// Options of the Redis token store that are not part of its URL.
struct RedisStoreOptions {
    /// PEM file of the CA(s) that issued the Redis server's certificate (rediss:// only); empty:
    /// the system's trust store.
    std::string ca_file;
    /// The bound on every step of every operation: resolve, connect, TLS handshake, AUTH and SELECT,
    /// and each command's round trip. Must be positive.
    std::chrono::milliseconds timeout{2000};
    /// Put in front of every key, so the store's keys are easy to find, to limit with an ACL
    /// (`~sfconnect:*`) and to keep apart from other data in the same database.
    std::string key_prefix = "sfconnect:";
};

/// A TokenStore in Redis (GET, SET PX, SET NX PX, EVAL compare-and-delete, EVAL INCR+PEXPIRE).
/// Create it with make_redis_token_store. One connection, opened on first use (AUTH and SELECT
/// pipelined with the first command); commands run one at a time; on any connection error the
/// operation fails with a store_errc and the next operation reconnects. Safe to call from any thread.
class RedisTokenStore final : public TokenStore {
    struct private_tag {};

public:
    /// Use make_redis_token_store.
    RedisTokenStore(private_tag, std::shared_ptr<detail::redis::connection> connection, std::string key_prefix,
                    boost::asio::any_io_executor ex)
        : connection_(std::move(connection)), prefix_(std::move(key_prefix)), ex_(std::move(ex)) {}

    /// Parses `url`, checks `options` and loads the CA file; connects on first use. On failure
    /// returns nullptr with `ec` (store_errc::invalid_url) and a `message` naming the mistake and
    /// its fix (never the password).
    SFCONNECT_DECL static std::shared_ptr<RedisTokenStore> create(boost::asio::any_io_executor ex, std::string_view url,
                                                                  const RedisStoreOptions& options, error_code& ec,
                                                                  std::string& message);

    /// "redis://host:6379/0", "rediss://user:[redacted]@host:6380/1": never the password.
    std::string describe() const override { return connection_->endpoint(); }

    /// GET prefix+key.
    SFCONNECT_DECL void async_get(std::string key, get_handler handler) override;
    /// SET prefix+key value PX ttl.
    SFCONNECT_DECL void async_put(std::string key, std::string value, std::chrono::milliseconds ttl,
                                  done_handler handler) override;
    /// EVAL of the compare-and-delete script on prefix+key.
    SFCONNECT_DECL void async_erase_if_equal(std::string key, std::string expected, bool_handler handler) override;
    /// SET prefix+key owner NX PX ttl.
    SFCONNECT_DECL void async_try_lock(std::string key, std::string owner, std::chrono::milliseconds ttl,
                                       bool_handler handler) override;
    /// EVAL of the compare-and-delete script on prefix+key with `owner`.
    SFCONNECT_DECL void async_unlock(std::string key, std::string owner, done_handler handler) override;
    /// EVAL of INCR prefix+key and, when it becomes 1, PEXPIRE ttl (atomic).
    SFCONNECT_DECL void async_increment(std::string key, std::chrono::milliseconds ttl, count_handler handler) override;

    /// The message of the most recent failed operation (which step, which server, what to check;
    /// never the password), for traces and reports; empty when none failed.
    std::string last_error() const { return connection_->last_error(); }

private:
    template <class Handler, class Interpret>
    void submit(std::string command, Handler handler, Interpret interpret);

    std::shared_ptr<detail::redis::connection> connection_;
    std::string prefix_;
    boost::asio::any_io_executor ex_;
};

/// Creates a Redis token store for `url` (redis://[user:password@]host[:port][/db] or rediss://...),
/// or returns nullptr with `ec` = store_errc::invalid_url and a `message` naming the mistake and the
/// fix (never the password). Does not connect: the first operation does.
SFCONNECT_DECL std::shared_ptr<TokenStore> make_redis_token_store(boost::asio::any_io_executor ex, std::string_view url,
                                                                  RedisStoreOptions options, error_code& ec,
                                                                  std::string& message);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/redis_token_store.ipp>
#endif

#endif
