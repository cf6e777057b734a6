// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_REDIS_CONNECTION_HPP
#define SFCONNECT_DETAIL_REDIS_CONNECTION_HPP

// The Redis store's one connection, in the manner of Boost.Redis' connection: our own Asio socket
// (beast::tcp_stream, or ssl::stream over it for rediss://) so nothing blocks the event loop, hiredis
// only for the bytes (detail/sansio/redis_protocol.hpp). Commands are queued and run one at a time on
// a strand; the connection opens lazily (resolve, connect, TLS handshake) and sends AUTH and SELECT
// pipelined with the first command. Every step is bounded by the store's timeout. Any connection
// error fails the command with a store_errc and closes the socket, so the next command reconnects.

#include <sfconnect/token_store.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/redis_url.hpp>
#include <sfconnect/detail/sansio/redis_protocol.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace sfconnect::detail::redis {

/// What a connection needs: where, how (TLS context when rediss://) and how long each step may take.
struct connection_settings {
    RedisUrl url;
    std::chrono::milliseconds timeout{2000};
    std::shared_ptr<boost::asio::ssl::context> tls;  // set for rediss://
};

/// The completion of one queued command: the connection's error (with a message) or the reply.
using command_handler = boost::asio::any_completion_handler<void(error_code, reply, std::string)>;

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(const boost::asio::any_io_executor& ex, connection_settings settings)
        : strand_(boost::asio::make_strand(ex)),
          settings_(std::move(settings)),
          handshake_(make_handshake(settings_.url)),
          endpoint_(settings_.url.describe()) {}

    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Queues `command` (formatted RESP); `done` runs on the connection's strand. Thread-safe; never
    /// runs `done` inside this call.
    void submit(std::string command, command_handler done) {
        auto self = shared_from_this();
        boost::asio::post(strand_, [self, command = std::move(command), done = std::move(done)]() mutable {
            self->queue_.push_back(job{std::move(command), std::move(done)});
            if (self->draining_) return;
            self->draining_ = true;
            boost::asio::co_spawn(self->strand_, drain(self), boost::asio::detached);
        });
    }

    /// Records the message of a failure, for last_error().
    void note_error(std::string message) {
        const std::lock_guard<std::mutex> lock(mutex_);
        last_error_ = std::move(message);
    }

    /// The message of the most recent failure (never the password); empty when there was none.
    std::string last_error() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return last_error_;
    }

    const std::string& endpoint() const noexcept { return endpoint_; }

private:
    struct job {
        std::string command;
        command_handler done;
    };
    using tcp = boost::asio::ip::tcp;
    using awaitable_ec = boost::asio::awaitable<error_code>;

    static boost::asio::awaitable<void> drain(std::shared_ptr<connection> self) {
        while (!self->queue_.empty()) {
            job j = std::move(self->queue_.front());
            self->queue_.pop_front();
            reply r;
            std::string message;
            error_code ec;
            try {
                ec = co_await self->run(j.command, r, message);
            } catch (const std::exception&) {  // bad_alloc: fail this command, keep serving the queue
                self->close();
                ec = store_errc::protocol_error;
                message = "the Redis store ran out of memory while talking to " + self->endpoint_;
            }
            if (ec) self->note_error(message);
            std::move(j.done)(ec, std::move(r), std::move(message));
        }
        self->draining_ = false;
    }

    // One command; a connection that was idle and turns out closed by the server (restart, idle
    // timeout) before answering anything is reopened once.
    awaitable_ec run(const std::string& command, reply& out, std::string& message) {
        for (int attempt = 0;; ++attempt) {
            const bool reused = is_open();
            if (!reused) {
                if (const error_code ec = co_await open(message)) {
                    close();
                    co_return ec;
                }
            }
            bool nothing_read = false;
            const error_code ec = co_await transfer(command, reused, out, message, nothing_read);
            if (!ec) co_return ec;
            close();
            if (!(reused && nothing_read && ec == store_errc::unavailable && attempt == 0)) co_return ec;
        }
    }

    bool is_open() const noexcept { return tcp_.has_value() || tls_.has_value(); }

    boost::beast::tcp_stream& lowest() { return tls_ ? tls_->next_layer() : *tcp_; }

    void close() {
        error_code ignored;
        if (tls_) tls_->next_layer().socket().close(ignored);
        if (tcp_) tcp_->socket().close(ignored);
        tls_.reset();
        tcp_.reset();
        reader_.reset();
    }

    // "Redis at redis://host:port/db: " in front of a reply error.
    void name_server(std::string& message) const {
        std::string prefix = "Redis at ";
        prefix += endpoint_;
        prefix += ": ";
        message.insert(0, prefix);
    }

    std::string timeout_text() const { return std::to_string(settings_.timeout.count()) + " ms"; }

    awaitable_ec resolve(tcp::resolver::results_type& out, std::string& message) {
        tcp::resolver resolver(strand_);
        boost::asio::steady_timer timer(strand_);
        auto timed_out = std::make_shared<bool>(false);
        timer.expires_after(settings_.timeout);
        timer.async_wait([timed_out, &resolver](error_code e) {
            if (e) return;
            *timed_out = true;
            resolver.cancel();
        });
        auto [ec, results] = co_await resolver.async_resolve(settings_.url.host, settings_.url.port,
                                                             boost::asio::as_tuple(boost::asio::use_awaitable));
        timer.cancel();
        if (*timed_out) {
            message = "resolving the Redis host of " + endpoint_ + " took longer than " + timeout_text();
            co_return store_errc::timeout;
        }
        if (ec) {
            message = "could not resolve the Redis host of " + endpoint_ + " (" + ec.message() + ")";
            co_return store_errc::unavailable;
        }
        out = std::move(results);
        co_return error_code{};
    }

    awaitable_ec open(std::string& message) {
        tcp::resolver::results_type endpoints;
        if (const error_code ec = co_await resolve(endpoints, message)) co_return ec;
        boost::beast::tcp_stream stream(strand_);
        stream.expires_after(settings_.timeout);
        auto [ec, ep] = co_await stream.async_connect(endpoints, boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec == boost::beast::error::timeout) {
            message = "connecting to Redis at " + endpoint_ + " took longer than " + timeout_text();
            co_return store_errc::timeout;
        }
        if (ec) {
            message = "could not connect to Redis at " + endpoint_ + " (" + ec.message() +
                      "); is redis-server running there?";
            co_return store_errc::unavailable;
        }
        error_code ignored;
        stream.socket().set_option(tcp::no_delay(true), ignored);
        if (!settings_.tls) {
            tcp_.emplace(std::move(stream));
            co_return error_code{};
        }
        co_return co_await handshake_tls(std::move(stream), message);
    }

    awaitable_ec handshake_tls(boost::beast::tcp_stream stream, std::string& message) {
        namespace ssl = boost::asio::ssl;
        tls_.emplace(std::move(stream), *settings_.tls);
        const std::string& host = settings_.url.host;
        error_code ec;
        (void)boost::asio::ip::make_address(host, ec);
        if (ec) SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());  // SNI for names, not addresses
        tls_->set_verify_callback(ssl::host_name_verification(host));
        tls_->next_layer().expires_after(settings_.timeout);
        auto [hec] = co_await tls_->async_handshake(ssl::stream_base::client,
                                                    boost::asio::as_tuple(boost::asio::use_awaitable));
        if (hec == boost::beast::error::timeout) {
            message = "the TLS handshake with Redis at " + endpoint_ + " took longer than " + timeout_text();
            co_return store_errc::timeout;
        }
        if (hec) {
            message = "TLS with Redis at " + endpoint_ + " failed (" + safe_text(hec.message(), 200) +
                      "); check the store's CA file (RedisStoreOptions::ca_file, sfconnect-token --store-ca-file), "
                      "that the certificate names the host, and that the port is Redis' tls-port";
            co_return store_errc::tls_failed;
        }
        co_return error_code{};
    }

    error_code io_error(const error_code& ec, std::string& message) const {
        if (ec == boost::beast::error::timeout) {
            message = "Redis at " + endpoint_ + " did not answer within " + timeout_text();
            return store_errc::timeout;
        }
        message = "the connection to Redis at " + endpoint_ + " failed (" + safe_text(ec.message(), 200) + ")";
        return store_errc::unavailable;
    }

    // Writes the handshake (on a new connection) and the command, reads and checks every reply.
    awaitable_ec transfer(const std::string& command, bool reused, reply& out, std::string& message,
                          bool& nothing_read) {
        std::string wire = reused ? std::string() : handshake_.wire;
        wire += command;
        const int expected = (reused ? 0 : handshake_.count) + 1;
        lowest().expires_after(settings_.timeout);  // one deadline for the write and every reply
        const error_code wec = co_await write(wire);
        if (!reused) wipe(wire);  // the AUTH password
        if (wec) {
            nothing_read = true;
            co_return io_error(wec, message);
        }
        std::size_t total_read = 0;
        for (int index = 0; index < expected; ++index) {
            if (const error_code ec = co_await read_reply(out, message, total_read)) {
                nothing_read = total_read == 0;
                co_return ec;
            }
            if (const error_code ec = check_handshake_reply(reused, index, out, message)) co_return ec;
        }
        lowest().expires_never();
        co_return error_code{};
    }

    error_code check_handshake_reply(bool reused, int index, const reply& r, std::string& message) const {
        if (reused || index >= handshake_.count) return {};
        if (handshake_.has_auth && index == 0) return check_auth(r, settings_.url, message);
        return check_select(r, settings_.url, message);
    }

    awaitable_ec write(const std::string& wire) {
        auto buffer = boost::asio::buffer(wire);
        if (tls_) {
            auto [ec, n] = co_await boost::asio::async_write(*tls_, buffer,
                                                             boost::asio::as_tuple(boost::asio::use_awaitable));
            co_return ec;
        }
        auto [ec, n] = co_await boost::asio::async_write(*tcp_, buffer,
                                                         boost::asio::as_tuple(boost::asio::use_awaitable));
        co_return ec;
    }

    awaitable_ec read_reply(reply& out, std::string& message, std::size_t& total_read) {
        for (;;) {
            switch (reader_.next(out, message)) {
                case reply_reader::result::reply: co_return error_code{};
                case reply_reader::result::error: name_server(message); co_return store_errc::protocol_error;
                case reply_reader::result::need_more: break;
            }
            auto buffer = boost::asio::buffer(buffer_);
            error_code ec;
            std::size_t n = 0;
            if (tls_) {
                std::tie(ec, n) = co_await tls_->async_read_some(buffer,
                                                                 boost::asio::as_tuple(boost::asio::use_awaitable));
            } else {
                std::tie(ec, n) = co_await tcp_->async_read_some(buffer,
                                                                 boost::asio::as_tuple(boost::asio::use_awaitable));
            }
            total_read += n;
            if (n > 0 && !reader_.feed(std::string_view(buffer_.data(), n), message)) {
                name_server(message);
                co_return store_errc::protocol_error;
            }
            if (ec) co_return io_error(ec, message);
        }
    }

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    connection_settings settings_;
    handshake handshake_;
    std::string endpoint_;  // describe(): no password
    std::optional<boost::beast::tcp_stream> tcp_;
    std::optional<boost::asio::ssl::stream<boost::beast::tcp_stream>> tls_;
    reply_reader reader_;
    std::array<char, 4096> buffer_{};
    std::deque<job> queue_;
    bool draining_ = false;
    mutable std::mutex mutex_;
    std::string last_error_;
};

}  // namespace sfconnect::detail::redis

#endif
