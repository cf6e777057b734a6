// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_HTTPS_TRANSPORT_HPP
#define SFCONNECT_HTTPS_TRANSPORT_HPP

/// @file
/// HttpsTransport: one kept-alive, verified TLS connection to the org (Beast ssl_stream<tcp_stream>),
/// with connect-to, HTTP CONNECT proxies, named per-phase timeouts and bounded replies.

#include <sfconnect/connect_info.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/http_message.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/proxy_config.hpp>
#include <sfconnect/detail/trace.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sfconnect {

/// Connection settings shared by every transport of one client (built by make_transport_settings).
struct TransportSettings {
    std::string host;                                        ///< Site host: SNI, Host header, certificate verification
    std::string port = "443";                                ///< port of the Site
    std::string connect_host;                                ///< where TCP goes (the Site, or the connect-to host)
    std::string connect_port = "443";                        ///< port TCP goes to
    std::optional<detail::ProxyEndpoint> proxy;              ///< HTTP CONNECT proxy, if any
    std::shared_ptr<boost::asio::ssl::context> tls_context;  ///< TLS 1.2+, peer verification on
    bool verify_peer = true;                                 ///< false only with insecure_disable_tls_verification
    Timeouts timeouts;                                       ///< per-phase timeouts
    TraceSink trace;                                         ///< TokenClientOptions::trace (empty: no tracing)
};

/// Builds the TLS context and routing for `host` from the options. Fails with tls_failed (CA file
/// unreadable), proxy_failed (bad proxy URL) or invalid_site (bad connect-to) and a message.
SFCONNECT_DECL error_code make_transport_settings(std::string_view host, const TokenClientOptions& options,
                                                  TransportSettings& out, Diagnostics& diag);

/// One kept-alive HTTPS connection. Not thread-safe: TokenClient runs each transport on its strand
/// and never starts two exchanges on one transport at once.
class HttpsTransport {
public:
    /// The executor the connection's I/O runs on.
    using executor_type = boost::asio::any_io_executor;

    /// Creates an unconnected transport; the first exchange connects.
    HttpsTransport(executor_type ex, std::shared_ptr<const TransportSettings> settings)
        : ex_(std::move(ex)), settings_(std::move(settings)) {}

    /// The executor the connection's I/O runs on.
    executor_type get_executor() const { return ex_; }
    /// True while a connection is open (it may still have been closed by the peer).
    bool is_open() const noexcept { return stream_.has_value() && connected_; }
    /// How the current (or last) connection was made.
    const ConnectInfo& connect_info() const noexcept { return info_; }

    /// Resolves, connects (through the proxy if any) and completes the verified TLS handshake.
    boost::asio::awaitable<error_code> connect(Diagnostics& diag);

    /// Sends `req` and reads one reply into `res` (connecting first if needed). A reused connection
    /// that turns out closed before any reply byte arrives is reconnected and the request sent once more.
    boost::asio::awaitable<error_code> exchange(HttpRequest& req, HttpResponse& res, const ExchangeLimits& limits,
                                                Diagnostics& diag);

    /// Closes the connection (no TLS shutdown round trip: the peer may already be gone).
    void close() noexcept;

private:
    using ssl_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    boost::asio::awaitable<error_code> resolve(const std::string& host, const std::string& port,
                                               boost::asio::ip::tcp::resolver::results_type& out, Diagnostics& diag);
    boost::asio::awaitable<error_code> proxy_tunnel(Diagnostics& diag);
    // connect()'s phases, in order: where TCP goes (naming the proxy or connect-to host on failure),
    // TCP (and the proxy tunnel), then verified TLS.
    boost::asio::awaitable<error_code> resolve_route(boost::asio::ip::tcp::resolver::results_type& endpoints,
                                                     Diagnostics& diag);
    boost::asio::awaitable<error_code> connect_tcp(const boost::asio::ip::tcp::resolver::results_type& endpoints,
                                                   Diagnostics& diag);
    void prepare_tls_verification();
    boost::asio::awaitable<error_code> handshake_tls(Diagnostics& diag);

    executor_type ex_;
    std::shared_ptr<const TransportSettings> settings_;
    std::optional<ssl_stream> stream_;
    boost::beast::flat_buffer buffer_;
    std::shared_ptr<std::string> verify_failure_ = std::make_shared<std::string>();
    ConnectInfo info_;
    bool connected_ = false;
};

namespace detail {
/// Maps an I/O error of `phase` to sfconnect's vocabulary (timeout, connection_lost, bad_response...).
SFCONNECT_DECL error_code map_io_error(const error_code& ec, Phase phase, const ExchangeLimits* limits,
                                       Diagnostics& diag);
}  // namespace detail

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/https_transport.ipp>
#endif

#endif
