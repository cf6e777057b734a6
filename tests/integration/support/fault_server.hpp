// A scriptable raw TCP/TLS server on 127.0.0.1 for fault-injection tests. Each accepted connection
// follows one FaultBehaviour: close or reset at once, reset in the middle of the TLS handshake, or
// read HTTP requests and answer each with raw reply bytes that can be dripped with delays, cut by a
// reset (SO_LINGER 0) after a given byte count, or followed by a clean close. The TLS side takes a
// chosen certificate and minimum/maximum protocol version. Runs on its own thread.
#pragma once

#include <sfconnect/testing/certificates.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace sfconnect::test {

/// One HTTP request as the fault server read it.
struct FaultRequest {
    std::string method;  ///< "POST", "GET", ...
    std::string target;  ///< request target, e.g. "/services/oauth2/token"
    std::string head;    ///< request line and headers, as received
    std::string body;    ///< body (Content-Length framing only)
};

/// What the server writes for one request, and how.
struct FaultReply {
    std::string bytes;                                      ///< raw reply bytes: status line, headers, body
    std::optional<std::size_t> reset_after = std::nullopt;  ///< reset (RST) once this many bytes are written
    std::size_t piece = 0;                                  ///< > 0: write `piece` bytes at a time...
    std::chrono::milliseconds delay{0};                     ///< ...waiting this long before each piece
    bool close_after = false;                               ///< close cleanly afterwards (TLS close_notify, FIN)
};

/// What the server does with an accepted connection.
enum class OnAccept {
    serve,               ///< (TLS handshake, then) answer each request with FaultBehaviour::reply
    close_immediately,   ///< close the TCP connection at once (FIN)
    reset_immediately,   ///< reset the TCP connection at once (RST)
    reset_in_handshake,  ///< read the client's first bytes (its ClientHello), then reset
};

/// The behaviour of every connection to one FaultServer.
struct FaultBehaviour {
    OnAccept on_accept = OnAccept::serve;                  ///< what happens on accept
    std::function<FaultReply(const FaultRequest&)> reply;  ///< the reply to each request (serve)
};

/// The TLS side of a FaultServer.
struct FaultTls {
    sfconnect::testing::KeyPairPem certificate;  ///< the certificate chain's leaf and its key
    int min_version = TLS1_2_VERSION;            ///< e.g. TLS1_VERSION
    int max_version = 0;                         ///< 0: the highest the library supports
    bool legacy_security_level = false;          ///< OpenSSL security level 0 (needed for TLS 1.0/1.1)
};

/// Builds a TLS server context from `tls`; throws boost::system::system_error on bad PEM.
inline std::shared_ptr<boost::asio::ssl::context> make_fault_tls_context(const FaultTls& tls) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    if (tls.legacy_security_level) {
        SSL_CTX_set_security_level(ctx->native_handle(), 0);
        SSL_CTX_set_cipher_list(ctx->native_handle(), "DEFAULT:@SECLEVEL=0");
    }
    SSL_CTX_set_min_proto_version(ctx->native_handle(), tls.min_version);
    SSL_CTX_set_max_proto_version(ctx->native_handle(), tls.max_version);
    ctx->use_certificate_chain(boost::asio::buffer(tls.certificate.certificate_pem));
    ctx->use_private_key(boost::asio::buffer(tls.certificate.private_key_pem), ssl::context::pem);
    return ctx;
}

/// The server. Without `tls` it speaks plain TCP (the raw bytes of FaultReply go out as they are).
class FaultServer {
public:
    /// Starts listening on 127.0.0.1 (a free port) and serving on a thread of its own.
    FaultServer(FaultBehaviour behaviour, std::optional<FaultTls> tls)
        : behaviour_(std::move(behaviour)), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        if (tls) tls_ = make_fault_tls_context(*tls);
        boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    FaultServer(const FaultServer&) = delete;
    FaultServer& operator=(const FaultServer&) = delete;
    ~FaultServer() {
        io_.stop();
        thread_.join();
    }

    /// The listening port.
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    /// "127.0.0.1:<port>", for TokenClientOptions::connect_to.
    std::string connect_to() const { return "127.0.0.1:" + std::to_string(port()); }
    /// Connections accepted so far.
    int connections() const { return accepted_; }
    /// Connections still being served: a served connection ends when the client closes it (or when
    /// the behaviour closes or resets it).
    int open_connections() const { return open_; }
    /// Every request read so far.
    std::vector<FaultRequest> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    /// Every byte read from clients so far (after TLS decryption; raw on plain TCP).
    std::string received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }
    /// Waits up to `limit` for every connection to end; true when none is open.
    bool wait_until_idle(std::chrono::milliseconds limit) const {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (open_ != 0 && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return open_ == 0;
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, then released at once).
    static unsigned short unused_port() {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        return a.local_endpoint().port();
    }

private:
    using tcp = boost::asio::ip::tcp;
    using tls_stream = boost::asio::ssl::stream<tcp::socket>;

    // Counts a connection as open for as long as its coroutine runs.
    struct OpenGuard {
        std::atomic<int>& n;
        explicit OpenGuard(std::atomic<int>& c) : n(c) { ++n; }
        ~OpenGuard() { --n; }
        OpenGuard(const OpenGuard&) = delete;
        OpenGuard& operator=(const OpenGuard&) = delete;
    };

    static void reset(tcp::socket& s) {
        boost::system::error_code ignored;
        s.set_option(boost::asio::socket_base::linger(true, 0), ignored);
        s.close(ignored);
    }

    boost::asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, sock] = co_await acceptor_.async_accept(boost::asio::as_tuple(boost::asio::use_awaitable));
            if (ec) co_return;
            ++accepted_;
            boost::asio::co_spawn(io_, serve(std::move(sock)), boost::asio::detached);
        }
    }

    boost::asio::awaitable<void> serve(tcp::socket sock) {
        OpenGuard guard(open_);
        boost::system::error_code ignored;
        switch (behaviour_.on_accept) {
            case OnAccept::close_immediately: sock.close(ignored); co_return;
            case OnAccept::reset_immediately: reset(sock); co_return;
            case OnAccept::reset_in_handshake: {
                char buf[4096];
                auto [ec, n] = co_await sock.async_read_some(boost::asio::buffer(buf),
                                                             boost::asio::as_tuple(boost::asio::use_awaitable));
                if (!ec) record(std::string_view(buf, n));
                reset(sock);
                co_return;
            }
            case OnAccept::serve: break;
        }
        if (tls_) {
            tls_stream stream(std::move(sock), *tls_);
            auto [hec] = co_await stream.async_handshake(boost::asio::ssl::stream_base::server,
                                                         boost::asio::as_tuple(boost::asio::use_awaitable));
            if (hec) {
                stream.lowest_layer().close(ignored);
                co_return;
            }
            co_await serve_requests(stream, stream.next_layer());
        } else {
            co_await serve_requests(sock, sock);
        }
    }

    void record(std::string_view bytes) {
        std::lock_guard lock(mutex_);
        received_.append(bytes);
    }

    template <class Stream>
    boost::asio::awaitable<void> serve_requests(Stream& stream, tcp::socket& sock) {
        namespace net = boost::asio;
        boost::system::error_code ignored;
        net::streambuf buf;
        for (;;) {
            auto [ec, n] = co_await net::async_read_until(stream, buf, "\r\n\r\n", net::as_tuple(net::use_awaitable));
            if (ec) break;
            FaultRequest req;
            req.head.assign(net::buffers_begin(buf.data()), net::buffers_begin(buf.data()) + static_cast<long>(n));
            buf.consume(n);
            const auto sp1 = req.head.find(' ');
            const auto sp2 = req.head.find(' ', sp1 + 1);
            req.method = req.head.substr(0, sp1);
            req.target = req.head.substr(sp1 + 1, sp2 - sp1 - 1);
            std::size_t length = 0;
            std::string lower = req.head;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
            if (auto p = lower.find("\r\ncontent-length:"); p != std::string::npos)
                length = std::stoul(lower.substr(p + 17, lower.find("\r\n", p + 2) - p - 17));
            if (buf.size() < length) {
                auto [bec, bn] = co_await net::async_read(stream, buf, net::transfer_exactly(length - buf.size()),
                                                          net::as_tuple(net::use_awaitable));
                (void)bn;
                if (bec) break;
            }
            req.body.assign(net::buffers_begin(buf.data()), net::buffers_begin(buf.data()) + static_cast<long>(length));
            buf.consume(length);
            record(req.head + req.body);
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(req);
            }
            const FaultReply reply = behaviour_.reply ? behaviour_.reply(req) : FaultReply{};
            std::string_view out = reply.bytes;
            if (reply.reset_after) out = out.substr(0, std::min(out.size(), *reply.reset_after));
            const std::size_t piece = reply.piece ? reply.piece : std::max<std::size_t>(out.size(), 1);
            bool failed = false;
            for (std::size_t at = 0; at < out.size() && !failed; at += piece) {
                if (reply.delay.count() > 0) {
                    net::steady_timer t(io_, reply.delay);
                    co_await t.async_wait(net::as_tuple(net::use_awaitable));
                }
                const auto chunk = out.substr(at, piece);
                auto [wec, wn] = co_await net::async_write(stream, net::buffer(chunk.data(), chunk.size()),
                                                           net::as_tuple(net::use_awaitable));
                (void)wn;
                failed = static_cast<bool>(wec);
            }
            if (failed) break;
            if (reply.reset_after) {
                // Let the client read what was sent before the reset discards it.
                net::steady_timer t(io_, std::chrono::milliseconds(50));
                co_await t.async_wait(net::as_tuple(net::use_awaitable));
                reset(sock);
                co_return;
            }
            if (reply.close_after) {
                if constexpr (std::is_same_v<Stream, tls_stream>) {
                    // close_notify; the client answers it (or closes), either way this completes.
                    net::steady_timer guard(io_, std::chrono::seconds(2));
                    guard.async_wait([&sock](boost::system::error_code e) {
                        boost::system::error_code ig;
                        if (!e) sock.close(ig);
                    });
                    co_await stream.async_shutdown(net::as_tuple(net::use_awaitable));
                    guard.cancel();
                }
                sock.shutdown(tcp::socket::shutdown_send, ignored);
                break;
            }
        }
        // Here the client has closed (a failed read or write), or this side closed on purpose. (No
        // raw read after TLS to wait for the client: with Asio's edge-triggered reactor it can miss
        // an end of stream the TLS layer already consumed.)
        sock.close(ignored);
    }

    FaultBehaviour behaviour_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<int> accepted_{0};
    std::atomic<int> open_{0};
    mutable std::mutex mutex_;
    std::vector<FaultRequest> requests_;
    std::string received_;
};

}  // namespace sfconnect::test
