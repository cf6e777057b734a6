// Compile-time benchmark (c): token_sfconnect.cpp's program hand-written against raw
// Beast/Asio/SSL/JSON: site and credentials from the environment (SFCONNECT_SITE,
// SFCONNECT_CONSUMER_KEY, SFCONNECT_CONSUMER_SECRET; optional SFCONNECT_CA_FILE and
// SFCONNECT_CONNECT_TO), verified TLS (system store plus the CA file, SNI, host-name check),
// one client-credentials POST, the reply's instance_url printed.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/ssl.h>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <string>

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {
std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string form_encode(const std::string& s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

net::awaitable<void> run(ssl::context& ctx) {
    const std::string site = env("SFCONNECT_SITE");
    std::string host = site, port = "443";
    if (const std::string to = env("SFCONNECT_CONNECT_TO"); !to.empty()) {
        host = to.substr(0, to.rfind(':'));
        port = to.substr(to.rfind(':') + 1);
    }
    auto ex = co_await net::this_coro::executor;
    net::ip::tcp::resolver resolver(ex);
    auto resolve = resolver.async_resolve(host, port, net::as_tuple(net::use_awaitable));
    auto [rec, endpoints] = co_await std::move(resolve);
    if (rec) {
        std::cerr << "resolve: " << rec.message() << "\n";
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(ex, ctx);
    SSL_set_tlsext_host_name(stream.native_handle(), site.c_str());
    stream.set_verify_callback(ssl::host_name_verification(site));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    auto connect = beast::get_lowest_layer(stream).async_connect(endpoints, net::as_tuple(net::use_awaitable));
    auto [cec, ep] = co_await std::move(connect);
    if (cec) {
        std::cerr << "connect: " << cec.message() << "\n";
        co_return;
    }
    auto handshake = stream.async_handshake(ssl::stream_base::client, net::as_tuple(net::use_awaitable));
    auto [hec] = co_await std::move(handshake);
    if (hec) {
        std::cerr << "TLS: " << hec.message() << "\n";
        co_return;
    }
    http::request<http::string_body> req{http::verb::post, "/services/oauth2/token", 11};
    req.set(http::field::host, site);
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set(http::field::accept, "application/json");
    req.body() = "grant_type=client_credentials&client_id=" + form_encode(env("SFCONNECT_CONSUMER_KEY")) +
                 "&client_secret=" + form_encode(env("SFCONNECT_CONSUMER_SECRET"));
    req.prepare_payload();
    auto write = http::async_write(stream, req, net::as_tuple(net::use_awaitable));
    auto [wec, wn] = co_await std::move(write);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    auto read = http::async_read(stream, buffer, res, net::as_tuple(net::use_awaitable));
    auto [ec, rn] = co_await std::move(read);
    if (wec || ec) {
        std::cerr << "HTTP: " << (wec ? wec : ec).message() << "\n";
        co_return;
    }
    boost::system::error_code jec;
    const auto reply = boost::json::parse(res.body(), jec);
    const auto* obj = reply.if_object();
    const auto* url = obj ? obj->if_contains("instance_url") : nullptr;
    if (res.result() != http::status::ok || !url || !url->is_string()) {
        std::cerr << "token request failed: HTTP " << res.result_int() << "\n";
        co_return;
    }
    std::cout << "token for " << std::string_view(url->get_string()) << "\n";
}
}  // namespace

int main() {
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.set_default_verify_paths();
    if (const std::string ca = env("SFCONNECT_CA_FILE"); !ca.empty()) ctx.load_verify_file(ca);
    net::io_context io;
    net::co_spawn(io, run(ctx), net::detached);
    io.run();
}
