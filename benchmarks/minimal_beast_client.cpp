// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// The floor for the comparison: a minimal hand-written Boost.Beast coroutine client doing what
// sfconnect does on the wire, and nothing more. One verified TLS connection (SNI, host-name check),
// kept alive; each operation builds its request, writes it, reads the reply into a string and parses
// the JSON with Boost.JSON (as Beast's own http_client_coro_ssl example does, plus keep-alive).
// No token cache, no signature check, no retries, no error mapping.
//
//   minimal-beast-client token|request --site HOST --consumer-key KEY --ca-file PEM
//                        --connect-to HOST:PORT [--requests N] [--api-version NN.0] [--json]
//   (secret from SFCONNECT_CONSUMER_SECRET; prints the same result format as sfconnect-bench)

#include "alloc_counter.hpp"
#include "bench_common.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
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

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <exception>

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using error_code = boost::system::error_code;

constexpr std::string_view program = "minimal-beast-client";
constexpr std::string_view help_text =
    "Usage: minimal-beast-client token|request --site HOST --consumer-key KEY --ca-file PEM\n"
    "                            --connect-to HOST:PORT [--requests N] [--api-version NN.0] [--json]\n"
    "The floor of the sfconnect comparison (benchmarks/compare). Secret from SFCONNECT_CONSUMER_SECRET.\n";

std::string form_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

struct Client {
    bench::Args args;
    std::string form;    // grant_type=client_credentials&client_id=...&client_secret=...
    std::string path;    // the REST target
    std::string bearer;  // "Bearer <token>"
    ssl::context ctx{ssl::context::tls_client};
    std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
    bench::Result result;
};

net::awaitable<error_code> connect(Client& c) {
    auto ex = co_await net::this_coro::executor;
    std::string host, port;
    bench::split_host_port(c.args.connect_to, host, port);
    net::ip::tcp::resolver resolver(ex);
    auto resolve = resolver.async_resolve(host, port, net::as_tuple(net::use_awaitable));
    auto [rec, endpoints] = co_await std::move(resolve);
    if (rec) co_return rec;
    c.stream.emplace(ex, c.ctx);
    if (!SSL_set_tlsext_host_name(c.stream->native_handle(), c.args.site.c_str()))
        co_return error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
    c.stream->set_verify_callback(ssl::host_name_verification(c.args.site));
    auto& tcp = beast::get_lowest_layer(*c.stream);
    tcp.expires_after(std::chrono::seconds(30));
    auto conn = tcp.async_connect(endpoints, net::as_tuple(net::use_awaitable));
    auto [cec, ep] = co_await std::move(conn);
    if (cec) co_return cec;
    tcp.socket().set_option(net::ip::tcp::no_delay(true));
    auto hs = c.stream->async_handshake(ssl::stream_base::client, net::as_tuple(net::use_awaitable));
    auto [hec] = co_await std::move(hs);
    if (hec) co_return hec;
    c.result.tls = std::string(SSL_get_version(c.stream->native_handle())) + " " +
                   SSL_get_cipher_name(c.stream->native_handle());
    co_return error_code{};
}

// One request/reply on the kept-alive connection; the reply body is parsed as JSON into `out`.
net::awaitable<error_code> exchange(Client& c, http::request<http::string_body>& req, json::value& out) {
    auto& tcp = beast::get_lowest_layer(*c.stream);
    tcp.expires_after(std::chrono::seconds(30));
    auto write = http::async_write(*c.stream, req, net::as_tuple(net::use_awaitable));
    auto [wec, wn] = co_await std::move(write);
    if (wec) co_return wec;
    http::response<http::string_body> res;
    auto read = http::async_read(*c.stream, c.buffer, res, net::as_tuple(net::use_awaitable));
    auto [rec, rn] = co_await std::move(read);
    if (rec) co_return rec;
    if (res.result() != http::status::ok) co_return make_error_code(boost::system::errc::protocol_error);
    error_code jec;
    out = json::parse(res.body(), jec);
    co_return jec;
}

net::awaitable<error_code> fetch_token(Client& c) {
    http::request<http::string_body> req{http::verb::post, "/services/oauth2/token", 11};
    req.set(http::field::host, c.args.site);
    req.set(http::field::user_agent, "minimal-beast-client");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set(http::field::accept, "application/json");
    req.body() = c.form;
    req.prepare_payload();
    json::value v;
    if (auto ec = co_await exchange(c, req, v)) co_return ec;
    const auto* obj = v.if_object();
    const auto* tok = obj ? obj->if_contains("access_token") : nullptr;
    const auto* url = obj ? obj->if_contains("instance_url") : nullptr;
    if (!tok || !tok->is_string() || !url || !url->is_string())
        co_return make_error_code(boost::system::errc::protocol_error);
    c.bearer = "Bearer ";
    c.bearer += tok->get_string();
    co_return error_code{};
}

net::awaitable<error_code> get_resource(Client& c) {
    http::request<http::string_body> req{http::verb::get, c.path, 11};
    req.set(http::field::host, c.args.site);
    req.set(http::field::user_agent, "minimal-beast-client");
    req.set(http::field::accept, "application/json");
    req.set(http::field::authorization, c.bearer);
    json::value v;
    co_return co_await exchange(c, req, v);
}

net::awaitable<void> run(Client& c, bench::Stopwatch& sw) {
    if (auto ec = co_await connect(c)) throw boost::system::system_error(ec, "connect");
    if (auto ec = co_await fetch_token(c)) throw boost::system::system_error(ec, "first token");
    const bool token_mode = c.args.mode == "token";
    if (!token_mode) {
        if (auto ec = co_await get_resource(c)) throw boost::system::system_error(ec, "first request");
    }
    sw.start();
    for (std::uint64_t i = 0; i < c.args.requests; ++i) {
        error_code ec;
        if (token_mode) ec = co_await fetch_token(c);
        else ec = co_await get_resource(c);
        if (ec) ++c.result.errors;
        else ++c.result.ok;
    }
    sw.stop();
    if (token_mode) c.result.token_requests = c.args.requests;
}

}  // namespace

int main(int argc, char** argv) {
    const long rss_start = bench::current_rss_kb();
    Client c;
    c.args = bench::parse_args(argc, argv, program, help_text, {"token", "request"});
    std::string h, p;
    if (c.args.site.empty() || c.args.consumer_key.empty() || !bench::split_host_port(c.args.connect_to, h, p))
        bench::usage_error(program, "--site, --consumer-key and --connect-to HOST:PORT are required");
    auto secret = bench::secret_from_env();
    if (!secret) bench::usage_error(program, "set SFCONNECT_CONSUMER_SECRET to the consumer secret");
    c.form = "grant_type=client_credentials&client_id=" + form_encode(c.args.consumer_key) +
             "&client_secret=" + form_encode(*secret);
    c.path = "/services/data/v" + (c.args.api_version.empty() ? std::string("64.0") : c.args.api_version) + "/";
    c.result.client = "minimal-beast";
    c.result.mode = c.args.mode;
    c.result.requests = c.args.requests;
    c.result.server = "external";
    c.result.rss_before_kb = rss_start;
    try {
        SSL_CTX_set_min_proto_version(c.ctx.native_handle(), TLS1_2_VERSION);
        c.ctx.set_verify_mode(ssl::verify_peer);
        if (c.args.ca_file.empty()) c.ctx.set_default_verify_paths();
        else c.ctx.load_verify_file(c.args.ca_file);
        net::io_context io(1);
        bench::Stopwatch sw(&bench::t_allocations);
        std::exception_ptr failure;
        net::co_spawn(io, run(c, sw), [&](std::exception_ptr e) { failure = e; });
        io.run();
        if (failure) std::rethrow_exception(failure);
        c.result.wall_s = sw.wall_s();
        c.result.cpu = sw.cpu();
        c.result.extra.emplace_back("allocs_per_op",
                                    static_cast<double>(sw.allocations()) / static_cast<double>(c.args.requests));
    } catch (const std::exception& e) {
        std::cerr << program << ": " << e.what() << "\n";
        return bench::exit_failure;
    }
    c.result.max_rss_kb = bench::max_rss_kb();
    c.result.rss_after_kb = bench::current_rss_kb();
    if (c.args.json) bench::print_json(c.result);
    else bench::print_human(c.result);
    return c.result.errors == 0 ? 0 : bench::exit_failure;
}
