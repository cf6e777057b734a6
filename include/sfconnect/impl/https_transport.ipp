// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_HTTPS_TRANSPORT_IPP
#define SFCONNECT_IMPL_HTTPS_TRANSPORT_IPP

#include <sfconnect/https_transport.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <boost/asio/ssl/host_name_verification.hpp>

#include <fstream>
#include <sstream>

namespace sfconnect {

namespace detail {

inline std::chrono::microseconds elapsed_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
}

// A timeout as people read it: "10 s", "1.5 s", "250 ms".
inline std::string limit_text(std::chrono::milliseconds limit) {
    const auto ms = limit.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    if (ms > 1000) return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
    return std::to_string(ms) + " ms";
}

inline bool is_closed_connection_error(const error_code& ec) {
    namespace net = boost::asio;
    return ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::connection_aborted || ec == net::ssl::error::stream_truncated ||
           ec == boost::beast::http::error::end_of_stream || ec == boost::beast::http::error::partial_message;
}

SFCONNECT_DECL error_code map_io_error(const error_code& ec, Phase phase, const ExchangeLimits* limits,
                                       Diagnostics& diag) {
    namespace http = boost::beast::http;
    diag.phase = phase;
    if (ec == boost::asio::error::operation_aborted) {
        diag.message = "the operation was cancelled";
        return ec;
    }
    if (ec == boost::beast::error::timeout) {
        diag.message = "no complete reply within the " + std::string(to_string(phase)) + " timeout";
        diag.hint = std::string(default_hint(errc::timeout));
        return errc::timeout;
    }
    if (ec == http::error::body_limit) {
        diag.message = "the reply body is larger than the " + std::to_string(limits ? limits->body_bytes : 0) +
                       "-byte limit; it was not read further";
        diag.hint = "Raise the response size limit for this request if such large replies are expected.";
        return errc::bad_response;
    }
    if (ec == http::error::header_limit) {
        diag.message = "the reply headers are larger than the " + std::to_string(limits ? limits->header_bytes : 0) +
                       "-byte limit";
        diag.hint = std::string(default_hint(errc::bad_response));
        return errc::bad_response;
    }
    if (is_closed_connection_error(ec)) {
        diag.message = "the server closed the connection before a complete reply (" + ec.message() + ")";
        diag.hint = std::string(default_hint(errc::connection_lost));
        return errc::connection_lost;
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        diag.message = "the reply is not valid HTTP (" + ec.message() + ")";
        diag.hint = std::string(default_hint(errc::bad_response));
        return errc::bad_response;
    }
    diag.message = "the connection failed during " + std::string(to_string(phase)) + " (" + ec.message() + ")";
    diag.hint = std::string(default_hint(errc::connection_lost));
    return errc::connection_lost;
}

}  // namespace detail

SFCONNECT_DECL error_code make_transport_settings(std::string_view host, const TokenClientOptions& options,
                                                  TransportSettings& out, Diagnostics& diag) {
    namespace ssl = boost::asio::ssl;
    out = TransportSettings{};
    out.host = std::string(host);
    out.connect_host = out.host;
    out.timeouts = options.timeouts;
    out.verify_peer = !options.insecure_disable_tls_verification;
    out.trace = options.trace;

    if (!options.connect_to.empty()) {
        const std::string_view ct = options.connect_to;
        detail::HostPort target;
        if (!detail::parse_host_port(ct, target).empty()) {
            diag.message = "connect-to: " + detail::quoted(ct, 100) +
                           " is not HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443)";
            diag.hint = "Give the address to connect to as HOST:PORT; the Site still decides SNI, Host and "
                        "certificate verification.";
            diag.phase = Phase::setup;
            return errc::invalid_site;
        }
        out.connect_host = std::move(target.host);
        out.connect_port = std::move(target.port);
    }

    // The proxy rule (docs/sfconnect-check.md): the environment's proxy (HTTPS_PROXY, with NO_PROXY
    // matched against the Site, as curl matches the URL's host) carries traffic to the Site; a
    // connect-to address is reached directly unless a proxy is set explicitly.
    std::string proxy_source;
    const bool env_proxy_applies = options.proxy.has_value() || options.connect_to.empty();
    if (auto proxy_url = env_proxy_applies ? detail::proxy_for_host(options.proxy, out.host, &proxy_source)
                                           : std::nullopt) {
        std::string why;
        auto parsed = detail::parse_proxy_url(*proxy_url, why);
        if (!parsed) {
            diag.message = "proxy (from " + proxy_source + "): " + why;
            diag.hint = "Set the proxy as http://[user:password@]host:port (option proxy, --proxy or HTTPS_PROXY).";
            diag.phase = Phase::setup;
            return errc::proxy_failed;
        }
        parsed->source = proxy_source;
        out.proxy = std::move(*parsed);
    }

    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    // TLS 1.2 is the floor Salesforce itself enforces; anything older is refused outright.
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression);
    ctx->set_verify_mode(out.verify_peer ? ssl::verify_peer : ssl::verify_none);
    error_code ec;
    if (options.use_system_trust_store) {
        ctx->set_default_verify_paths(ec);
        ec.clear();  // a machine without a system store can still trust ca_file/ca_pem
    }
    if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file, ec);
        if (ec) {
            diag.message = "could not load the CA file " + detail::quoted(options.ca_file, 256) + " (" + ec.message() +
                           ")";
            diag.hint = "Point the CA file option (--ca-file) at a readable PEM file with the CA certificate(s).";
            diag.phase = Phase::setup;
            return errc::tls_failed;
        }
    }
    if (!options.ca_pem.empty()) {
        ctx->add_certificate_authority(boost::asio::buffer(options.ca_pem), ec);
        if (ec) {
            diag.message = "could not use the CA PEM text (" + ec.message() + ")";
            diag.hint = "Pass PEM-encoded CA certificates ('-----BEGIN CERTIFICATE-----').";
            diag.phase = Phase::setup;
            return errc::tls_failed;
        }
    }
    out.tls_context = std::move(ctx);
    return {};
}

SFCONNECT_DECL void HttpsTransport::close() noexcept {
    if (stream_) {
        error_code ignored;
        boost::beast::get_lowest_layer(*stream_).socket().close(ignored);
    }
    stream_.reset();
    buffer_.clear();
    connected_ = false;
}

SFCONNECT_DECL boost::asio::awaitable<error_code> HttpsTransport::resolve(
    const std::string& host, const std::string& port, boost::asio::ip::tcp::resolver::results_type& out,
    Diagnostics& diag) {
    namespace net = boost::asio;
    // tcp_stream's timer does not cover DNS: race the resolver against a timer that cancels it.
    net::ip::tcp::resolver resolver(ex_);
    net::steady_timer timer(ex_);
    auto timed_out = std::make_shared<bool>(false);
    timer.expires_after(settings_->timeouts.resolve);
    timer.async_wait([timed_out, &resolver](error_code e) {
        if (!e) {
            *timed_out = true;
            resolver.cancel();
        }
    });
    auto [ec, results] = co_await resolver.async_resolve(host, port, net::as_tuple(net::use_awaitable));
    timer.cancel();
    diag.phase = Phase::resolve;
    diag.host = host;
    if (*timed_out) {
        diag.message = "resolving '" + host + "' took longer than the resolve timeout (" +
                       detail::limit_text(settings_->timeouts.resolve) + ")";
        diag.hint = std::string(default_hint(errc::timeout));
        co_return errc::timeout;
    }
    if (ec == net::error::operation_aborted) co_return ec;
    if (ec) {
        diag.message = "could not resolve '" + host + "' (" + ec.message() + ")";
        diag.hint = std::string(default_hint(errc::dns_failed));
        co_return errc::dns_failed;
    }
    out = std::move(results);
    co_return error_code{};
}

SFCONNECT_DECL boost::asio::awaitable<error_code> HttpsTransport::proxy_tunnel(Diagnostics& diag) {
    namespace net = boost::asio;
    namespace http = boost::beast::http;
    auto& tcp = boost::beast::get_lowest_layer(*stream_);
    const auto& proxy = *settings_->proxy;
    const std::string authority = settings_->connect_host + ":" + settings_->connect_port;
    http::request<http::empty_body> req{http::verb::connect, authority, 11};
    req.set(http::field::host, authority);
    if (!proxy.basic_credentials.empty())
        req.set(http::field::proxy_authorization, "Basic " + detail::base64_encode(proxy.basic_credentials));
    tcp.expires_after(settings_->timeouts.connect);
    auto [we, wn] = co_await http::async_write(tcp, req, net::as_tuple(net::use_awaitable));
    (void)wn;
    error_code ec = we;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a CONNECT reply has no body; what follows belongs to the tunnel
    if (!ec) {
        auto [re, rn] = co_await http::async_read_header(tcp, buffer_, parser, net::as_tuple(net::use_awaitable));
        (void)rn;
        ec = re;
    }
    diag.phase = Phase::proxy;
    diag.host = proxy.host + ":" + proxy.port;
    if (ec == net::error::operation_aborted) co_return ec;
    if (ec == boost::beast::error::timeout) {
        diag.message = "the proxy did not open the tunnel within the connect timeout (" +
                       detail::limit_text(settings_->timeouts.connect) + ")";
        diag.hint = std::string(default_hint(errc::timeout));
        co_return errc::timeout;
    }
    if (ec) {
        diag.message = "the proxy closed or failed the CONNECT request (" + ec.message() + ")";
        diag.hint = std::string(default_hint(errc::proxy_failed));
        co_return errc::proxy_failed;
    }
    const int status = static_cast<int>(parser.get().result_int());
    if (status != 200) {
        diag.http_status = status;
        diag.server_message = detail::safe_text(parser.get().reason(), 200);
        diag.message = "the proxy refused to open a tunnel to " + authority + " (HTTP " + std::to_string(status) + ")";
        diag.hint = status == 407 ? "The proxy needs credentials: use http://user:password@host:port."
                                  : std::string(default_hint(errc::proxy_failed));
        co_return errc::proxy_failed;
    }
    co_return error_code{};
}

SFCONNECT_DECL boost::asio::awaitable<error_code> HttpsTransport::connect(Diagnostics& diag) {
    close();
    info_ = ConnectInfo{};
    boost::asio::ip::tcp::resolver::results_type endpoints;
    if (auto ec = co_await resolve_route(endpoints, diag)) co_return ec;
    if (auto ec = co_await connect_tcp(endpoints, diag)) co_return ec;
    if (auto ec = co_await handshake_tls(diag)) co_return ec;
    connected_ = true;
    diag.clear();
    co_return error_code{};
}

SFCONNECT_DECL boost::asio::awaitable<error_code> HttpsTransport::resolve_route(
    boost::asio::ip::tcp::resolver::results_type& endpoints, Diagnostics& diag) {
    const auto& s = *settings_;
    const bool via_proxy = s.proxy.has_value();
    const std::string& tcp_host = via_proxy ? s.proxy->host : s.connect_host;
    const std::string& tcp_port = via_proxy ? s.proxy->port : s.connect_port;
    const auto t0 = std::chrono::steady_clock::now();
    if (auto ec = co_await resolve(tcp_host, tcp_port, endpoints, diag)) {
        // The name that failed is the proxy's or the connect-to host's, not the Site's: say so.
        if (ec == errc::dns_failed && via_proxy) {
            diag.message = "could not resolve the proxy host '" + tcp_host + "' (from " + s.proxy->source + ")";
            diag.hint = "Check the proxy setting (" + s.proxy->source +
                        "): http://host:port of a proxy this machine can reach; unset it (or --proxy '') to connect "
                        "directly.";
            co_return errc::proxy_failed;
        }
        if (ec == errc::dns_failed && tcp_host != s.host) {
            diag.message = "could not resolve the connect-to host '" + tcp_host + "'";
            diag.hint = "Check the connect-to setting (--connect-to HOST:PORT): it names where to connect instead "
                        "of the Site; the Site itself was not looked up.";
        }
        co_return ec;
    }
    info_.resolve = detail::elapsed_since(t0);
    co_return error_code{};
}

SFCONNECT_DECL boost::asio::awaitable<error_code> HttpsTransport::connect_tcp(
    const boost::asio::ip::tcp::resolver::results_type& endpoints, Diagnostics& diag) {
    namespace net = boost::asio;
    const auto& s = *settings_;
    const bool via_proxy = s.proxy.has_value();
    const std::string& tcp_host = via_proxy ? s.proxy->host : s.connect_host;
    const std::string& tcp_port = via_proxy ? s.proxy->port : s.connect_port;
    stream_.emplace(ex_, *s.tls_context);
    auto& tcp = boost::beast::get_lowest_layer(*stream_);
    auto t0 = std::chrono::steady_clock::now();
    tcp.expires_after(s.timeouts.connect);
    auto [cec, ep] = co_await tcp.async_connect(endpoints, net::as_tuple(net::use_awaitable));
    diag.phase = Phase::connect;
    diag.host = tcp_host + ":" + tcp_port;
    if (cec) {
        close();
        if (cec == net::error::operation_aborted) co_return cec;
        if (cec == boost::beast::error::timeout) {
            diag.message = "connecting to " + diag.host + " took longer than the connect timeout (" +
                           detail::limit_text(s.timeouts.connect) + ")";
            diag.hint = std::string(default_hint(errc::timeout));
            co_return errc::timeout;
        }
        diag.message = "could not connect to " + diag.host + " (" + cec.message() + ")";
        diag.hint = std::string(default_hint(via_proxy ? errc::proxy_failed : errc::connect_failed));
        co_return via_proxy ? errc::proxy_failed : errc::connect_failed;
    }
    info_.connect = detail::elapsed_since(t0);
    info_.peer = ep.address().to_string() + ":" + std::to_string(ep.port());
    error_code ignored;
    tcp.socket().set_option(net::ip::tcp::no_delay(true), ignored);
    detail::trace_note(
        s.trace, TraceLevel::debug, TracePhase::connect, [&] { return "connected to " + info_.peer; }, info_.connect);

    if (via_proxy) {
        t0 = std::chrono::steady_clock::now();
        if (auto ec = co_await proxy_tunnel(diag)) {
            close();
            co_return ec;
        }
        info_.proxy = detail::elapsed_since(t0);
        info_.via_proxy = true;
    }

    co_return error_code{};
}

// Peer verification against the Site's name, recording why a certificate was refused.
SFCONNECT_DECL void HttpsTransport::prepare_tls_verification() {
    namespace ssl = boost::asio::ssl;
    const auto& s = *settings_;
    verify_failure_->clear();
    if (s.verify_peer) {
        stream_->set_verify_mode(ssl::verify_peer);
        stream_->set_verify_callback(
            [host = s.host, why = verify_failure_](bool preverified, ssl::verify_context& ctx) {
                if (!preverified) {
                    const int err = X509_STORE_CTX_get_error(ctx.native_handle());
                    if (why->empty()) *why = X509_verify_cert_error_string(err);
                    return false;
                }
                const bool ok = ssl::host_name_verification(host)(preverified, ctx);
                if (!ok && why->empty()) *why = "the certificate is not valid for host '" + host + "'";
                return ok;
            });
    } else {
        stream_->set_verify_mode(ssl::verify_none);
    }
}

SFCONNECT_DECL boost::asio::awaitable<error_code> HttpsTransport::handshake_tls(Diagnostics& diag) {
    namespace net = boost::asio;
    namespace ssl = boost::asio::ssl;
    const auto& s = *settings_;
    auto& tcp = boost::beast::get_lowest_layer(*stream_);
    // SNI and verification always use the Site, whatever address TCP went to (connect-to, proxy).
    if (!SSL_set_tlsext_host_name(stream_->native_handle(), s.host.c_str())) {
        close();
        diag.phase = Phase::tls_handshake;
        diag.message = "could not set the TLS server name (SNI) to '" + s.host + "'";
        co_return errc::tls_failed;
    }
    prepare_tls_verification();
    const auto t0 = std::chrono::steady_clock::now();
    tcp.expires_after(s.timeouts.tls_handshake);
    auto [hec] = co_await stream_->async_handshake(ssl::stream_base::client, net::as_tuple(net::use_awaitable));
    diag.phase = Phase::tls_handshake;
    diag.host = s.host;
    if (hec) {
        close();
        if (hec == net::error::operation_aborted) co_return hec;
        if (hec == boost::beast::error::timeout) {
            diag.message = "the TLS handshake with " + s.host + " took longer than the handshake timeout (" +
                           detail::limit_text(s.timeouts.tls_handshake) + ")";
            diag.hint = std::string(default_hint(errc::timeout));
            co_return errc::timeout;
        }
        diag.message = "TLS with " + s.host + " failed: " +
                       (verify_failure_->empty() ? hec.message()
                                                 : "certificate verification failed: " + *verify_failure_);
        diag.hint = std::string(default_hint(errc::tls_failed));
        co_return errc::tls_failed;
    }
    info_.tls_handshake = detail::elapsed_since(t0);
    info_.tls_version = SSL_get_version(stream_->native_handle());
    if (const char* cipher = SSL_get_cipher_name(stream_->native_handle())) info_.cipher = cipher;
    detail::trace_note(
        s.trace, TraceLevel::debug, TracePhase::tls_handshake,
        [&] {
            return info_.tls_version + " " + info_.cipher + " with " + s.host +
                   (s.verify_peer ? " (certificate verified)" : " (VERIFICATION DISABLED)");
        },
        info_.tls_handshake);
    co_return error_code{};
}

SFCONNECT_DECL boost::asio::awaitable<error_code> HttpsTransport::exchange(HttpRequest& req, HttpResponse& res,
                                                                           const ExchangeLimits& limits,
                                                                           Diagnostics& diag) {
    namespace net = boost::asio;
    namespace http = boost::beast::http;
    bool reused = is_open();
    if (!reused) {
        if (auto ec = co_await connect(diag)) co_return ec;
    }
    for (int attempt = 0;; ++attempt) {
        auto& tcp = boost::beast::get_lowest_layer(*stream_);
        // One deadline covers writing the request and reading the whole reply.
        tcp.expires_after(settings_->timeouts.request);
        auto [wec, wn] = co_await http::async_write(*stream_, req, net::as_tuple(net::use_awaitable));
        (void)wn;
        error_code ec = wec;
        bool got_some = false;
        const auto t_sent = settings_->trace ? std::chrono::steady_clock::now()
                                             : std::chrono::steady_clock::time_point{};
        if (!ec) detail::trace_request(settings_->trace, req);
        if (!ec) {
            http::response_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
            parser.body_limit(limits.body_bytes);
            auto [rec, rn] = co_await http::async_read(*stream_, buffer_, parser, net::as_tuple(net::use_awaitable));
            (void)rn;
            if (!rec) {
                res = parser.release();
                detail::trace_response(settings_->trace, req, res,
                                       detail::trace_us(std::chrono::steady_clock::now() - t_sent));
                tcp.expires_never();
                if (!res.keep_alive()) close();
                diag.clear();
                co_return error_code{};
            }
            ec = rec;
            got_some = parser.got_some();
        }
        close();
        // The server may have closed an idle kept-alive connection just as we reused it: nothing of the
        // request was processed, so one fresh connection gets it once more.
        if (reused && attempt == 0 && !got_some && detail::is_closed_connection_error(ec)) {
            reused = false;
            if (auto cec = co_await connect(diag)) co_return cec;
            continue;
        }
        diag.host = settings_->host;
        const error_code mapped = detail::map_io_error(ec, Phase::request, &limits, diag);
        if (mapped == errc::timeout) diag.message += " (" + detail::limit_text(settings_->timeouts.request) + ")";
        co_return mapped;
    }
}

}  // namespace sfconnect

#endif
