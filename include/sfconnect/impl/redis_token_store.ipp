// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_REDIS_TOKEN_STORE_IPP
#define SFCONNECT_IMPL_REDIS_TOKEN_STORE_IPP

#include <sfconnect/redis_token_store.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <optional>
#include <utility>

namespace sfconnect {

namespace detail::redis {
// Loads the trust for rediss://: the CA file, or the system's trust store.
inline std::shared_ptr<boost::asio::ssl::context> make_tls_context(const RedisStoreOptions& options, error_code& ec,
                                                                   std::string& message) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx->set_verify_mode(ssl::verify_peer);
    error_code load;
    if (options.ca_file.empty()) ctx->set_default_verify_paths(load);
    else ctx->load_verify_file(options.ca_file, load);
    if (load) {
        ec = store_errc::invalid_url;
        message = options.ca_file.empty()
                      ? "the system's trust store could not be loaded for rediss:// (" + load.message() +
                            "); give the Redis server's CA as a PEM file (RedisStoreOptions::ca_file)"
                      : "the Redis store's CA file '" + safe_text(options.ca_file, 200) + "' could not be loaded (" +
                            load.message() + "); give a readable PEM file with the CA certificate(s)";
        return nullptr;
    }
    return ctx;
}

// Completes `handler` with `args` through its associated executor (default `ex`), never inline.
template <class Handler, class... Args>
void complete(const boost::asio::any_io_executor& ex, Handler handler, Args... args) {
    boost::asio::post(ex, boost::asio::append(std::move(handler), std::move(args)...));
}
}  // namespace detail::redis

SFCONNECT_DECL std::shared_ptr<RedisTokenStore> RedisTokenStore::create(boost::asio::any_io_executor ex,
                                                                        std::string_view url,
                                                                        const RedisStoreOptions& options,
                                                                        error_code& ec, std::string& message) {
    ec = {};
    message.clear();
    detail::redis::connection_settings settings;
    if (!detail::parse_redis_url(url, settings.url, message)) {
        detail::wipe(settings.url.password);
        ec = store_errc::invalid_url;
        return nullptr;
    }
    if (options.timeout.count() <= 0) {
        ec = store_errc::invalid_url;
        message = "the Redis store timeout must be positive; give a few seconds (2000 ms is the default)";
        return nullptr;
    }
    if (!settings.url.tls && !options.ca_file.empty()) {
        ec = store_errc::invalid_url;
        message = "a CA file was given for the Redis store but its URL is redis:// (no TLS); use rediss:// "
                  "to connect over TLS, or drop the CA file";
        return nullptr;
    }
    if (settings.url.tls) {
        settings.tls = detail::redis::make_tls_context(options, ec, message);
        if (!settings.tls) return nullptr;
    }
    settings.timeout = options.timeout;
    auto connection = std::make_shared<detail::redis::connection>(ex, std::move(settings));
    return std::make_shared<RedisTokenStore>(private_tag{}, std::move(connection), options.key_prefix, std::move(ex));
}

template <class Handler, class Interpret>
void RedisTokenStore::submit(std::string command, Handler handler, Interpret interpret) {
    // `interpret` turns the reply into the handler's arguments (or an error with a message).
    connection_->submit(std::move(command), [connection = connection_, ex = ex_, handler = std::move(handler),
                                             interpret = std::move(interpret)](error_code ec, detail::redis::reply r,
                                                                               std::string message) mutable {
        interpret(ec, r, message, [&](auto... args) {
            if (ec && !message.empty()) connection->note_error(message);
            detail::redis::complete(ex, std::move(handler), ec, std::move(args)...);
        });
    });
}

SFCONNECT_DECL void RedisTokenStore::async_get(std::string key, get_handler handler) {
    submit(detail::redis::get_command(prefix_ + key), std::move(handler),
           [](error_code& ec, const detail::redis::reply& r, std::string& message, auto done) {
               std::optional<std::string> value;
               if (!ec) ec = detail::redis::read_get(r, value, message);
               if (ec) value.reset();
               done(std::move(value));
           });
}

SFCONNECT_DECL void RedisTokenStore::async_put(std::string key, std::string value, std::chrono::milliseconds ttl,
                                               done_handler handler) {
    submit(detail::redis::put_command(prefix_ + key, value, ttl), std::move(handler),
           [](error_code& ec, const detail::redis::reply& r, std::string& message, auto done) {
               if (!ec) ec = detail::redis::read_put(r, message);
               done();
           });
}

SFCONNECT_DECL void RedisTokenStore::async_erase_if_equal(std::string key, std::string expected, bool_handler handler) {
    submit(detail::redis::compare_and_delete_command(prefix_ + key, expected), std::move(handler),
           [](error_code& ec, const detail::redis::reply& r, std::string& message, auto done) {
               bool deleted = false;
               if (!ec) ec = detail::redis::read_compare_and_delete(r, deleted, message);
               done(!ec && deleted);
           });
}

SFCONNECT_DECL void RedisTokenStore::async_try_lock(std::string key, std::string owner, std::chrono::milliseconds ttl,
                                                    bool_handler handler) {
    submit(detail::redis::try_lock_command(prefix_ + key, owner, ttl), std::move(handler),
           [](error_code& ec, const detail::redis::reply& r, std::string& message, auto done) {
               bool taken = false;
               if (!ec) ec = detail::redis::read_try_lock(r, taken, message);
               done(!ec && taken);
           });
}

SFCONNECT_DECL void RedisTokenStore::async_unlock(std::string key, std::string owner, done_handler handler) {
    submit(detail::redis::compare_and_delete_command(prefix_ + key, owner), std::move(handler),
           [](error_code& ec, const detail::redis::reply& r, std::string& message, auto done) {
               bool deleted = false;
               if (!ec) ec = detail::redis::read_compare_and_delete(r, deleted, message);
               done();
           });
}

SFCONNECT_DECL void RedisTokenStore::async_increment(std::string key, std::chrono::milliseconds ttl,
                                                     count_handler handler) {
    submit(detail::redis::increment_command(prefix_ + key, ttl), std::move(handler),
           [](error_code& ec, const detail::redis::reply& r, std::string& message, auto done) {
               std::int64_t value = 0;
               if (!ec) ec = detail::redis::read_increment(r, value, message);
               done(ec ? std::int64_t{0} : value);
           });
}

SFCONNECT_DECL std::shared_ptr<TokenStore> make_redis_token_store(boost::asio::any_io_executor ex, std::string_view url,
                                                                  RedisStoreOptions options, error_code& ec,
                                                                  std::string& message) {
    return RedisTokenStore::create(std::move(ex), url, options, ec, message);
}

}  // namespace sfconnect

#endif
