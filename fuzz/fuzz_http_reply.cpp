// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: the fuzz input is what the server sends back, byte for byte. It goes through
// Beast's test stream into the reply reader (response_parser with the header and body limits on,
// errors mapped by detail::map_io_error, as in HttpsTransport::exchange) and from there through
// TokenClient's real code: the token fetch (redirect check, parse_token_reply, redaction, cache)
// or, with a valid token served first, a REST request (Sforce-Limit-Info, JSON, map_api_error,
// token refetch on invalid_session).
//
// Input: one control byte, then the server's bytes.
//   bit 0     0: the bytes answer the token POST; 1: they answer a REST GET
//   bits 1-3  read size of the stream: 1, 2, 3, 7, 16, 64, 512 bytes or everything at once
//   bit 4     require_signature
//   bit 5     use_basic_auth
#include <sfconnect/basic_token_client.hpp>

#include "fuzz_support.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <string>

namespace net = boost::asio;
namespace http = boost::beast::http;
using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

constexpr std::string_view site_host = "acme.my.salesforce.com";
constexpr std::string_view served_token = "00DFUZZ00000000AAA!AQ8AQFUZZTOKENaVbq3mZ1xK7pLr9sT2wYcDe";
constexpr std::size_t header_limit = 2048;  // small, so that the fuzzer reaches the limits
constexpr std::size_t token_body_limit = 4096;
constexpr std::size_t api_body_limit = 8192;

// What the "server" sends: the fuzz bytes, or a valid token reply before a REST reply.
struct Scenario {
    std::string_view fuzz_reply;
    bool api_mode = false;
    std::size_t read_size = 0;  // 0: no limit
    int token_posts = 0;
    int api_requests = 0;
};
Scenario* scenario = nullptr;

const std::string& valid_token_reply() {
    static const std::string reply = [] {
        const std::string id = "https://login.salesforce.com/id/00DFUZZ00000000AAA/005FUZZ00000000AAA";
        const std::string issued = "1676372418560";
        const std::string body = R"({"access_token":")" + std::string(served_token) +
                                 R"(","instance_url":"https://acme.my.salesforce.com","id":")" + id +
                                 R"(","token_type":"Bearer","issued_at":")" + issued + R"(","signature":")" +
                                 compute_token_signature(Secret(fuzz::planted_secret), id, issued) + R"("})";
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    return reply;
}

// One "connection" per exchange over Beast's test stream; the reply is read exactly as
// HttpsTransport::exchange reads it (same parser limits, same error mapping).
class FuzzTransport {
public:
    FuzzTransport(net::any_io_executor ex, std::shared_ptr<const TransportSettings>) : ex_(std::move(ex)) {}
    bool is_open() const noexcept { return open_; }
    const ConnectInfo& connect_info() const noexcept { return info_; }
    net::awaitable<error_code> connect(Diagnostics& diag) {
        open_ = true;
        diag.clear();
        co_return error_code{};
    }
    net::awaitable<error_code> exchange(HttpRequest& req, HttpResponse& res, const ExchangeLimits& limits,
                                        Diagnostics& diag) {
        const bool token_post = req.target() == "/services/oauth2/token";
        check(req.target().find_first_of("\r\n") == std::string_view::npos, "CR/LF in a request target");
        std::string_view reply = scenario->fuzz_reply;
        if (token_post) {
            ++scenario->token_posts;
            if (scenario->api_mode) reply = valid_token_reply();
        } else {
            ++scenario->api_requests;
        }
        boost::beast::test::basic_stream<net::any_io_executor> stream(ex_);
        auto server = boost::beast::test::connect(stream);
        if (scenario->read_size != 0) stream.read_size(scenario->read_size);
        stream.append(reply);
        server.close();  // after the bytes, the server closes the connection

        open_ = true;
        auto [wec, wn] = co_await http::async_write(stream, req, net::as_tuple(net::use_awaitable));
        (void)wn;
        check(!wec, "writing the request to the test stream failed", wec.message());
        http::response_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
        parser.body_limit(limits.body_bytes);
        boost::beast::flat_buffer buffer;
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        (void)rn;
        if (!rec) {
            res = parser.release();
            check(res.body().size() <= limits.body_bytes, "a body above the limit was accepted");
            if (!res.keep_alive()) open_ = false;
            diag.clear();
            co_return error_code{};
        }
        open_ = false;
        diag.host = std::string(site_host);
        co_return detail::map_io_error(rec, Phase::request, &limits, diag);
    }
    void close() noexcept { open_ = false; }

private:
    net::any_io_executor ex_;
    bool open_ = false;
    ConnectInfo info_;
};

static_assert(sfconnect::Transport<FuzzTransport>);
using FuzzClient = BasicTokenClient<FuzzTransport>;

constexpr std::size_t read_sizes[] = {1, 2, 3, 7, 16, 64, 512, 0};

// holds_token: the client holds served_token (REST mode), so no reply may make it show it.
void check_diagnostics(const error_code& ec, const Diagnostics& diag, std::string_view reply, bool holds_token) {
    check(fuzz::is_known_code(ec), "the client failed with an unknown error", ec.message() + " / " + diag.message);
    check(!diag.message.empty(), "an error without a message", ec.message());
    fuzz::check_printable(diag.server_error, "server_error keeps control characters");
    fuzz::check_printable(diag.server_message, "server_message keeps control characters");
    fuzz::check_not_leaked(ec, diag, fuzz::planted_secret, reply, "the consumer secret leaks into diagnostics");
    if (holds_token) fuzz::check_not_leaked(ec, diag, served_token, reply, "the access token leaks into diagnostics");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t control = data[0];
    Scenario sc;
    sc.fuzz_reply = std::string_view(reinterpret_cast<const char*>(data + 1), size - 1);
    sc.api_mode = (control & 1) != 0;
    sc.read_size = read_sizes[(control >> 1) & 7];
    scenario = &sc;

    TokenClientOptions options;
    options.proxy = "";
    options.use_system_trust_store = false;
    options.retry.max_attempts = 1;
    options.error_hold = std::chrono::milliseconds(0);
    options.require_signature = (control & 16) != 0;
    options.use_basic_auth = (control & 32) != 0;
    options.max_header_bytes = header_limit;
    options.max_token_reply_bytes = token_body_limit;
    options.max_response_bytes = api_body_limit;

    net::io_context io;
    FuzzClient client(io.get_executor(), Site::parse(site_host).value(),
                      ConsumerCredentials::create("3MVGfuzzConsumerKey", fuzz::planted_secret).value(), options);
    int completions = 0;
    Diagnostics diag;
    if (!sc.api_mode) {
        client.async_get_token(diag, [&](error_code ec, TokenPtr tok) {
            ++completions;
            check(sc.token_posts == 1 && sc.api_requests == 0, "a token fetch sent other than one POST");
            if (!ec) {
                check(tok != nullptr, "success without a token");
                check(!tok->access_token.empty(), "an empty token was accepted");
                check(tok->instance_url.starts_with("https://"), "instance_url is not https", tok->instance_url);
                check(!options.require_signature || tok->signature_verified, "an unsigned token was accepted");
                check(diag.empty(), "diagnostics are filled on success", diag.message);
                return;
            }
            check(tok == nullptr, "a token with an error");
            check(ec.category() != api_category(), "a token fetch failed with a REST API error", ec.message());
            check_diagnostics(ec, diag, sc.fuzz_reply, false);
            if (!tok) {
                const std::string all = diag.message + diag.hint + diag.server_error + diag.server_message;
                check(!fuzz::contains(all, "3MVGfuzzConsumerKey:"), "Basic credentials echoed");
            }
        });
    } else {
        const Target target = endpoints::limits.bind("64.0");
        RequestOptions request;
        client.async_request(target, request, diag, [&](error_code ec, Response res) {
            ++completions;
            check(sc.token_posts >= 1 && sc.token_posts <= 2, "unexpected number of token POSTs");
            check(sc.api_requests >= 1 && sc.api_requests <= 2, "unexpected number of REST requests");
            check(sc.api_requests == sc.token_posts, "a replay without a refetch, or the other way round");
            if (!ec) {
                check(res.status >= 200 && res.status < 300, "success with a non-2xx status");
                check(res.body.size() <= api_body_limit, "a body above the limit");
                if (auto li = res.header("Sforce-Limit-Info"); !li.empty()) {
                    const auto parsed = parse_limit_info(li);
                    check(res.limit_info.has_value() == parsed.has_value(), "limit_info is not the parsed header");
                    if (parsed)
                        check(res.limit_info->api_usage == parsed->api_usage &&
                                  res.limit_info->api_bursts == parsed->api_bursts &&
                                  res.limit_info->per_app_api_usage == parsed->per_app_api_usage,
                              "limit_info is not the parsed header");
                }
                return;
            }
            check(ec.category() != oauth_category(), "a REST request failed with a token error", ec.message());
            check_diagnostics(ec, diag, sc.fuzz_reply, true);
        });
    }
    io.run();
    check(completions == 1, "the operation did not complete exactly once");
    scenario = nullptr;
    return 0;
}
