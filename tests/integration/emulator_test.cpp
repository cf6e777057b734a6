// The Salesforce emulator and the test CA, driven by a minimal Beast TLS client written here (not the
// SDK's client), which verifies the emulator's certificate like a real client would.
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/emulator.hpp>

#include "catch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/x509_vfy.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace emulator_test {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace ssl = asio::ssl;
using namespace sfconnect::testing;
using namespace std::chrono_literals;

using Response = http::response<http::string_body>;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Result {
    boost::system::error_code ec;
    Response res;
};

// One keep-alive TLS connection to the emulator: connects to 127.0.0.1:port, sends SNI and Host for
// `host`, verifies the chain against `ca_pem` and the name with RFC 6125 rules.
class TestClient {
public:
    TestClient(const Emulator& emu, std::string ca_pem, std::string host) : port_(emu.port()), host_(std::move(host)) {
        ctx_.set_verify_mode(ssl::verify_peer);
        ctx_.add_certificate_authority(asio::buffer(ca_pem));
    }
    explicit TestClient(const Emulator& emu) : TestClient(emu, emu.ca_certificate_pem(), emu.site()) {}

    std::chrono::milliseconds timeout = 5s;

    boost::system::error_code connect() { return run(do_connect()); }
    bool connected() const { return stream_.has_value(); }
    void disconnect() { stream_.reset(); }

    Result request(http::verb method, std::string target, std::string body = {}, std::string content_type = {},
                   const Headers& headers = {}) {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, host_);
        req.set(http::field::user_agent, "emulator-test");
        req.set(http::field::accept, "application/json");
        if (!content_type.empty()) {
            req.set(http::field::content_type, content_type);
        }
        for (const auto& [name, value] : headers) {
            req.set(name, value);
        }
        req.body() = std::move(body);
        req.prepare_payload();
        return run(do_request(std::move(req)));
    }
    Result get(std::string target, const std::string& token = {}) {
        Headers h;
        if (!token.empty()) {
            h.emplace_back("Authorization", "Bearer " + token);
        }
        return request(http::verb::get, std::move(target), {}, {}, h);
    }
    Result post_form(std::string target, std::string form, const Headers& headers = {}) {
        return request(http::verb::post, std::move(target), std::move(form), "application/x-www-form-urlencoded",
                       headers);
    }
    // Writes raw bytes on the TLS connection and reads one reply.
    Result raw(std::string bytes) { return run(do_raw(std::move(bytes))); }

private:
    template <class T>
    T run(asio::awaitable<T> op) {
        auto future = asio::co_spawn(ioc_, std::move(op), asio::use_future);
        ioc_.restart();
        ioc_.run();
        return future.get();
    }

    asio::awaitable<boost::system::error_code> do_connect() {
        stream_.emplace(ioc_, ctx_);
        SSL_set_tlsext_host_name(stream_->native_handle(), host_.c_str());
        stream_->set_verify_callback(ssl::host_name_verification(host_));
        auto& tcp = stream_->next_layer();
        tcp.expires_after(timeout);
        auto [ec] = co_await tcp.async_connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port_),
                                               asio::as_tuple(asio::use_awaitable));
        if (!ec) {
            tcp.expires_after(timeout);
            std::tie(ec) = co_await stream_->async_handshake(ssl::stream_base::client,
                                                             asio::as_tuple(asio::use_awaitable));
        }
        if (ec) {
            stream_.reset();
        }
        buffer_.clear();
        co_return ec;
    }

    asio::awaitable<Result> do_request(http::request<http::string_body> req) {
        Result out;
        if (!stream_) {
            out.ec = co_await do_connect();
            if (out.ec) {
                co_return out;
            }
        }
        stream_->next_layer().expires_after(timeout);
        auto [wec, wn] = co_await http::async_write(*stream_, req, asio::as_tuple(asio::use_awaitable));
        (void)wn;
        if (wec) {
            out.ec = wec;
            stream_.reset();
            co_return out;
        }
        co_return co_await read_reply();
    }

    asio::awaitable<Result> do_raw(std::string bytes) {
        Result out;
        if (!stream_) {
            out.ec = co_await do_connect();
            if (out.ec) {
                co_return out;
            }
        }
        stream_->next_layer().expires_after(timeout);
        auto [wec, wn] = co_await asio::async_write(*stream_, asio::buffer(bytes), asio::as_tuple(asio::use_awaitable));
        (void)wn;
        if (wec) {
            out.ec = wec;
            stream_.reset();
            co_return out;
        }
        co_return co_await read_reply();
    }

    asio::awaitable<Result> read_reply() {
        Result out;
        http::response_parser<http::string_body> parser;
        parser.body_limit(8 * 1024 * 1024);
        stream_->next_layer().expires_after(timeout);
        auto [rec, rn] = co_await http::async_read(*stream_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
        (void)rn;
        out.ec = rec;
        if (rec) {
            stream_.reset();
        } else {
            out.res = parser.release();
            if (!out.res.keep_alive()) {
                stream_.reset();
            }
        }
        co_return out;
    }

    asio::io_context ioc_;
    ssl::context ctx_{ssl::context::tls_client};
    std::optional<ssl::stream<beast::tcp_stream>> stream_;
    beast::flat_buffer buffer_;
    std::uint16_t port_;
    std::string host_;
};

json::value body_json(const Result& r) { return json::parse(r.res.body()); }

std::string credentials_form(const Emulator& emu) {
    return "grant_type=client_credentials&client_id=" + emu.consumer_key() + "&client_secret=" + emu.consumer_secret();
}

std::string fetch_token(TestClient& client, const Emulator& emu) {
    const Result r = client.post_form("/services/oauth2/token", credentials_form(emu));
    REQUIRE(!r.ec);
    REQUIRE(r.res.result_int() == 200);
    return std::string(body_json(r).at("access_token").as_string());
}

// The emulator's error shapes, checked without echoing any secret.
void check_oauth_error(const Result& r, int status, const std::string& error, const std::string& description) {
    REQUIRE(!r.ec);
    CHECK(static_cast<int>(r.res.result_int()) == status);
    const json::value v = body_json(r);
    CHECK(v.at("error").as_string() == error);
    CHECK(v.at("error_description").as_string() == description);
}

void check_rest_error(const Result& r, int status, const std::string& code, const std::string& message) {
    REQUIRE(!r.ec);
    CHECK(static_cast<int>(r.res.result_int()) == status);
    const json::value v = body_json(r);
    REQUIRE(v.is_array());
    REQUIRE(v.as_array().size() == 1);
    CHECK(v.as_array()[0].at("errorCode").as_string() == code);
    CHECK(v.as_array()[0].at("message").as_string() == message);
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

template <class Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 200 && !pred(); ++i) {
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

std::string basic(const std::string& user, const std::string& password) {
    // Small local encoder so the test does not rely on the emulator's helpers.
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::string in = user + ":" + password;
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += i + 1 < in.size() ? table[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? table[n & 63] : '=';
    }
    return "Basic " + out;
}

}  // namespace

TEST_CASE("test CA issues verifiable server certificates", "[emulator][certificates]") {
    const TestCertificateAuthority ca("unit CA");
    CHECK(ca.common_name() == "unit CA");
    CHECK(ca.certificate_pem().rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
    const KeyPairPem leaf = ca.issue({{"demo.my.salesforce.com"}, {"127.0.0.1"}});
    CHECK(leaf.certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
    CHECK(leaf.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
    CHECK_THROWS_AS(ca.issue(LeafOptions{}), std::invalid_argument);
    LeafOptions bad;
    bad.dns_names = {"bad,name"};
    CHECK_THROWS_AS(ca.issue(bad), std::invalid_argument);
    CHECK_THROWS_AS(ca.issue({{"x.example"}, {}, std::chrono::seconds(10), std::chrono::seconds(5)}),
                    std::invalid_argument);
    CHECK(make_self_signed({"demo.my.salesforce.com"}).certificate_pem.size() > 100);
}

TEST_CASE("token signature is Base64(HMAC-SHA256(secret, id + issued_at))", "[emulator]") {
    // Known answer computed with `openssl dgst -sha256 -hmac ... -binary | base64`.
    CHECK(token_signature("C0FFEE0123456789", "https://login.salesforce.com/id/00D5g000004sfcAEAQ/0055g00000AbCdEAAY",
                          "1676372418560") == "03N9PhLu1NSojuHMEkTPiicN38BdB4GYzeOn3f2Sw9k=");
}

TEST_CASE("scenario names round-trip", "[emulator]") {
    for (const Scenario s : all_scenarios()) {
        CHECK(scenario_from_string(to_string(s)) == s);
    }
    CHECK(all_scenarios().size() == 21);
    CHECK(scenario_from_string("propagating") == Scenario::propagating);
    CHECK(scenario_from_string("no-run-as-user") == Scenario::no_run_as_user);
    CHECK_FALSE(scenario_from_string("nope").has_value());
}

TEST_CASE("token endpoint answers like Salesforce", "[emulator][token]") {
    Emulator emu;
    emu.start();
    REQUIRE(emu.running());
    REQUIRE(emu.port() != 0);
    CHECK(emu.connect_to() == "127.0.0.1:" + std::to_string(emu.port()));
    CHECK(emu.consumer_secret().size() == 64);
    TestClient client(emu);

    SECTION("form credentials: a signed opaque token") {
        const Result r = client.post_form("/services/oauth2/token", credentials_form(emu));
        REQUIRE(!r.ec);
        REQUIRE(r.res.result_int() == 200);
        CHECK(r.res[http::field::content_type] == "application/json;charset=UTF-8");
        CHECK(r.res[http::field::cache_control].find("no-store") != std::string_view::npos);
        const json::object o = body_json(r).as_object();
        const std::string token(o.at("access_token").as_string());
        CHECK(token.rfind("00D5g000004sfcA!", 0) == 0);
        CHECK(o.at("token_type").as_string() == "Bearer");
        CHECK(o.at("scope").as_string() == "api");
        CHECK(o.at("token_format").as_string() == "opaque");
        CHECK(o.at("instance_url").as_string() == "https://demo.my.salesforce.com");
        CHECK(o.at("id").as_string() == "https://login.salesforce.com/id/00D5g000004sfcAEAQ/0055g00000AbCdEAAY");
        CHECK(o.at("id").as_string() == emu.identity_url());
        CHECK_FALSE(o.contains("expires_in"));
        CHECK_FALSE(o.contains("refresh_token"));
        const std::string issued_at(o.at("issued_at").as_string());
        CHECK(issued_at.size() == 13);
        CHECK(all_digits(issued_at));
        CHECK(o.at("signature").as_string() ==
              token_signature(emu.consumer_secret(), std::string(o.at("id").as_string()), issued_at));
        CHECK(emu.stats().tokens_issued == 1);
    }
    SECTION("HTTP Basic credentials with only grant_type in the body") {
        const Result r = client.post_form("/services/oauth2/token", "grant_type=client_credentials",
                                          {{"Authorization", basic(emu.consumer_key(), emu.consumer_secret())}});
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 200);
    }
    SECTION("wrong key, wrong secret, missing grant, wrong content type, wrong method") {
        check_oauth_error(client.post_form("/services/oauth2/token",
                                           "grant_type=client_credentials&client_id=3MVG9wrong&client_secret=" +
                                               emu.consumer_secret()),
                          400, "invalid_client_id", "client identifier invalid");
        check_oauth_error(client.post_form("/services/oauth2/token", "grant_type=client_credentials&client_id=" +
                                                                         emu.consumer_key() + "&client_secret=WRONG"),
                          400, "invalid_client", "invalid client credentials");
        check_oauth_error(client.post_form("/services/oauth2/token", "grant_type=client_credentials",
                                           {{"Authorization", basic(emu.consumer_key(), "WRONG")}}),
                          400, "invalid_client", "invalid client credentials");
        check_oauth_error(client.post_form("/services/oauth2/token", "client_id=" + emu.consumer_key()), 400,
                          "unsupported_grant_type", "grant type not supported");
        check_oauth_error(client.request(http::verb::post, "/services/oauth2/token",
                                         R"({"grant_type":"client_credentials"})", "application/json"),
                          400, "unsupported_grant_type", "grant type not supported");
        check_oauth_error(client.get("/services/oauth2/token"), 400, "invalid_request", "must use HTTP POST");
        CHECK(emu.stats().tokens_issued == 0);
        CHECK(emu.stats().token_requests == 6);
    }
    SECTION("the request log redacts secrets") {
        fetch_token(client, emu);
        client.post_form("/services/oauth2/token", "grant_type=client_credentials",
                         {{"Authorization", basic(emu.consumer_key(), emu.consumer_secret())}});
        const auto log = emu.recent_requests();
        REQUIRE(log.size() == 2);
        CHECK(log[0].method == "POST");
        CHECK(log[0].target == "/services/oauth2/token");
        CHECK(log[0].status == 200);
        CHECK(log[0].body.find(emu.consumer_secret()) == std::string::npos);
        CHECK(log[0].body.find("client_secret=<redacted>") != std::string::npos);
        bool saw_auth = false;
        for (const auto& [name, value] : log[1].headers) {
            if (name == "Authorization") {
                saw_auth = true;
                CHECK(value == "Basic <redacted>");
            }
        }
        CHECK(saw_auth);
        CHECK(log[0].connection == log[1].connection);
    }
}

TEST_CASE("token options: seconds issued_at, no signature, sandbox identity host", "[emulator][token]") {
    EmulatorOptions options;
    options.site = "acme--uat.sandbox.my.salesforce.com";
    options.issued_at_in_seconds = true;
    options.send_signature = false;
    options.consumer_secret = "FIXEDSECRET0123";
    Emulator emu(options);
    emu.start();
    CHECK(emu.consumer_secret() == options.consumer_secret);
    TestClient client(emu);
    const Result r = client.post_form("/services/oauth2/token", credentials_form(emu));
    REQUIRE(!r.ec);
    REQUIRE(r.res.result_int() == 200);
    const json::object o = body_json(r).as_object();
    CHECK(o.at("issued_at").as_string().size() == 10);
    CHECK_FALSE(o.contains("signature"));
    CHECK(o.at("id").as_string().starts_with("https://test.salesforce.com/id/"));
    CHECK(o.at("instance_url").as_string() == "https://acme--uat.sandbox.my.salesforce.com");
}

TEST_CASE("scenarios reproduce Salesforce's failures", "[emulator][scenario]") {
    Emulator emu;
    emu.start();
    TestClient client(emu);
    const std::string token = fetch_token(client, emu);

    const auto token_error = [&](Scenario s, const std::string& error, const std::string& description) {
        emu.set_scenario(s);
        check_oauth_error(client.post_form("/services/oauth2/token", credentials_form(emu)), 400, error, description);
    };
    token_error(Scenario::wrong_domain, "invalid_grant", "request not supported on this domain");
    token_error(Scenario::no_run_as_user, "invalid_grant", "no client credentials user enabled");
    token_error(Scenario::flow_disabled, "unsupported_grant_type", "grant type not supported");
    token_error(Scenario::propagation_delay, "invalid_client_id", "client identifier invalid");
    token_error(Scenario::user_inactive, "inactive_user", "User is inactive");
    token_error(Scenario::org_inactive, "inactive_org", "Org is locked, closed, or suspended");
    token_error(Scenario::ip_restricted, "invalid_grant", "ip restricted");
    token_error(Scenario::login_rate_exceeded, "rate_limit_exceeded", "Number of logins exceeded");

    emu.set_scenario(Scenario::token_unavailable);
    {
        const Result r = client.post_form("/services/oauth2/token", credentials_form(emu));
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 503);
        CHECK(r.res[http::field::content_type].starts_with("text/html"));
    }

    emu.set_scenario(Scenario::request_limit);
    check_rest_error(client.get("/services/data/v65.0/limits/", token), 403, "REQUEST_LIMIT_EXCEEDED",
                     "TotalRequests Limit exceeded.");
    emu.set_scenario(Scenario::session_not_valid_for_api);
    check_rest_error(client.get("/services/data/v65.0/", token), 401, "INVALID_SESSION_ID",
                     "This session is not valid for use with the REST API");
    emu.set_scenario(Scenario::api_disabled);
    check_rest_error(client.get("/services/data/v65.0/", token), 403, "API_DISABLED_FOR_ORG",
                     "The REST API is not enabled for this Organization.");
    emu.set_scenario(Scenario::insufficient_access);
    {
        const Result r = client.get("/services/data/v65.0/limits/", token);
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 403);
        CHECK(body_json(r).as_array()[0].at("errorCode").as_string() == "INSUFFICIENT_ACCESS");
    }
    emu.set_scenario(Scenario::api_unavailable);
    {
        const Result r = client.get("/services/data/v65.0/", token);
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 503);
    }

    emu.set_scenario(Scenario::healthy);
    CHECK(emu.scenario() == Scenario::healthy);
    CHECK(client.get("/services/data/v65.0/", token).res.result_int() == 200);
    // A client that talks to the generic login host gets the wrong-domain error even when healthy.
    TestClient login_host(emu, emu.ca_certificate_pem(), emu.site());
    check_oauth_error(login_host.post_form("/services/oauth2/token", credentials_form(emu),
                                           {{"Host", "login.salesforce.com"}}),
                      400, "invalid_grant", "request not supported on this domain");
}

TEST_CASE("propagating: the first N token requests fail like propagation_delay, then the org is healthy",
          "[emulator][scenario]") {
    EmulatorOptions options;
    options.propagating_token_failures = 2;
    Emulator emu(options);
    emu.start();
    TestClient client(emu);
    for (int round = 0; round < 2; ++round) {  // setting the scenario again restarts the countdown
        INFO("round " << round);
        emu.set_scenario(Scenario::propagating);
        emu.reset_stats();
        for (int i = 0; i < 2; ++i) {
            check_oauth_error(client.post_form("/services/oauth2/token", credentials_form(emu)), 400,
                              "invalid_client_id", "client identifier invalid");
        }
        const std::string token = fetch_token(client, emu);
        CHECK(client.get("/services/data/v65.0/", token).res.result_int() == 200);
        CHECK(fetch_token(client, emu) != token);  // healthy from now on
        CHECK(emu.scenario() == Scenario::propagating);
        CHECK(emu.stats().token_requests == 4);
        CHECK(emu.stats().tokens_issued == 2);
    }
}

TEST_CASE("pushed faults are one-shot and per route", "[emulator][fault]") {
    Emulator emu;
    emu.start();
    TestClient client(emu);

    SECTION("reply verbatim, then back to normal") {
        Fault f = Fault::reply_with(500, "<html>boom</html>", "text/html");
        f.headers.emplace_back("X-Test", "1");
        emu.push_fault(Route::token, f);
        emu.push_fault(Route::api, Fault::reply_with(502, "bad gateway", "text/plain"));
        CHECK(emu.pending_faults() == 2);
        const Result r = client.post_form("/services/oauth2/token", credentials_form(emu));
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 500);
        CHECK(r.res.body() == "<html>boom</html>");
        CHECK(r.res[http::field::content_type] == "text/html");
        CHECK(r.res["X-Test"] == "1");
        CHECK(client.post_form("/services/oauth2/token", credentials_form(emu)).res.result_int() == 200);
        CHECK(client.get("/services/data/").res.result_int() == 502);
        CHECK(client.get("/services/data/").res.result_int() == 200);
        CHECK(emu.pending_faults() == 0);
        CHECK(emu.stats().faults_applied == 2);
    }
    SECTION("close before reply, close mid body") {
        emu.push_fault(Route::token, Fault::close_before_reply());
        Result r = client.post_form("/services/oauth2/token", credentials_form(emu));
        CHECK(r.ec);
        emu.push_fault(Route::any, Fault::close_mid_body());
        r = client.get("/services/data/");
        CHECK(r.ec);
        CHECK(client.get("/services/data/").res.result_int() == 200);
        CHECK(emu.stats().connections_accepted == 3);
    }
    SECTION("redirect, delay, never reply") {
        emu.push_fault(Route::token, Fault::redirect_to("https://login.salesforce.com/services/oauth2/token"));
        Result r = client.post_form("/services/oauth2/token", credentials_form(emu));
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 302);
        CHECK(r.res[http::field::location] == "https://login.salesforce.com/services/oauth2/token");

        emu.push_fault(Route::token, Fault::delayed(200ms));
        const auto start = std::chrono::steady_clock::now();
        r = client.post_form("/services/oauth2/token", credentials_form(emu));
        CHECK(std::chrono::steady_clock::now() - start >= 200ms);
        CHECK(r.res.result_int() == 200);

        emu.push_fault(Route::token, Fault::never_reply());
        client.timeout = 300ms;
        r = client.post_form("/services/oauth2/token", credentials_form(emu));
        CHECK(r.ec == beast::error::timeout);
    }
    SECTION("invalid faults are refused") {
        CHECK_THROWS_AS(emu.push_fault(Route::any, Fault::reply_with(100, "")), std::invalid_argument);
        CHECK_THROWS_AS(emu.push_fault(Route::any, Fault::reply_with(204, "x")), std::invalid_argument);
        Fault f = Fault::reply_with(200, "");
        f.headers.emplace_back("X-Bad", "a\r\nInjected: yes");
        CHECK_THROWS_AS(emu.push_fault(Route::any, f), std::invalid_argument);
        CHECK(emu.pending_faults() == 0);
    }
}

TEST_CASE("REST resources need a valid Bearer token", "[emulator][rest]") {
    Emulator emu;
    emu.start();
    TestClient client(emu);

    const Result versions = client.get("/services/data/");
    REQUIRE(!versions.ec);
    CHECK(versions.res.result_int() == 200);
    CHECK(versions.res["Sforce-Limit-Info"] == "api-usage=0/15000");
    const json::value versions_json = body_json(versions);
    const json::array& list = versions_json.as_array();
    REQUIRE(list.size() == 7);
    CHECK(list.front().at("version").as_string() == "60.0");
    CHECK(list.back().at("url").as_string() == "/services/data/v66.0");
    CHECK(list.back().at("label").as_string() == "Spring '26");

    check_rest_error(client.get("/services/data/v65.0/"), 401, "INVALID_SESSION_ID", "Session expired or invalid");
    check_rest_error(client.get("/services/data/v65.0/", "00D5g000004sfcA!AQunknown"), 401, "INVALID_SESSION_ID",
                     "Session expired or invalid");

    const std::string token = fetch_token(client, emu);
    Result r = client.get("/services/data/v65.0/", token);
    REQUIRE(!r.ec);
    CHECK(r.res.result_int() == 200);
    CHECK(body_json(r).at("sobjects").as_string() == "/services/data/v65.0/sobjects");
    CHECK(r.res["Sforce-Limit-Info"] == "api-usage=1/15000");

    r = client.get("/services/data/v65.0/limits/", token);
    CHECK(r.res.result_int() == 200);
    CHECK(body_json(r).at("DailyApiRequests").at("Max").as_int64() == 15000);
    CHECK(body_json(r).at("DailyApiRequests").at("Remaining").as_int64() == 15000 - 2);

    check_rest_error(client.get("/services/data/v99.0/", token), 404, "NOT_FOUND",
                     "The requested resource does not exist");
    check_rest_error(client.get("/services/data/v20.0/limits", token), 404, "NOT_FOUND",
                     "The requested resource does not exist");
    check_rest_error(client.get("/services/data/v65.0/nothing", token), 404, "NOT_FOUND",
                     "The requested resource does not exist");
    check_rest_error(client.get("/no/such/path"), 404, "NOT_FOUND", "The requested resource does not exist");
    r = client.request(http::verb::post, "/services/data/v65.0/limits/", "{}", "application/json",
                       {{"Authorization", "Bearer " + token}});
    CHECK(r.res.result_int() == 405);

    SECTION("expire_all_tokens, then a new token works") {
        emu.expire_all_tokens();
        check_rest_error(client.get("/services/data/v65.0/", token), 401, "INVALID_SESSION_ID",
                         "Session expired or invalid");
        const std::string fresh = fetch_token(client, emu);
        CHECK(client.get("/services/data/v65.0/", fresh).res.result_int() == 200);
    }
    SECTION("token lifetime") {
        emu.set_token_lifetime(100ms);
        std::this_thread::sleep_for(150ms);
        check_rest_error(client.get("/services/data/v65.0/", token), 401, "INVALID_SESSION_ID",
                         "Session expired or invalid");
    }
}

TEST_CASE("SOQL query with nextRecordsUrl paging", "[emulator][rest][query]") {
    Emulator emu;
    emu.start();
    TestClient client(emu);
    const std::string token = fetch_token(client, emu);

    Result r = client.get("/services/data/v65.0/query/?q=SELECT+Id,+Name+FROM+Account", token);
    REQUIRE(r.res.result_int() == 200);
    json::object page = body_json(r).as_object();
    CHECK(page.at("totalSize").as_int64() == 25);
    CHECK(page.at("done").as_bool() == false);
    CHECK(page.at("records").as_array().size() == 10);
    const json::object& first = page.at("records").as_array()[0].as_object();
    CHECK(first.at("attributes").at("type").as_string() == "Account");
    const std::string id(first.at("Id").as_string());
    CHECK(id.size() == 18);
    CHECK(id.starts_with("001"));
    CHECK(first.at("Name").as_string() == "Emulator Account 001");

    std::size_t seen = 10;
    int pages = 1;
    while (!page.at("done").as_bool()) {
        const std::string next(page.at("nextRecordsUrl").as_string());
        CHECK(next.starts_with("/services/data/v65.0/query/01g"));
        r = client.get(next, token);
        REQUIRE(r.res.result_int() == 200);
        page = body_json(r).as_object();
        seen += page.at("records").as_array().size();
        ++pages;
    }
    CHECK(seen == 25);
    CHECK(pages == 3);
    CHECK_FALSE(page.contains("nextRecordsUrl"));

    r = client.get("/services/data/v65.0/query?q=select%20Name%20from%20account%20limit%205", token);
    page = body_json(r).as_object();
    CHECK(page.at("totalSize").as_int64() == 5);
    CHECK(page.at("done").as_bool());
    CHECK_FALSE(page.at("records").as_array()[0].as_object().contains("Id"));

    r = client.request(http::verb::get, "/services/data/v65.0/query/?q=SELECT+Id+FROM+Account", {}, {},
                       {{"Authorization", "Bearer " + token}, {"Sforce-Query-Options", "batchSize=20"}});
    CHECK(body_json(r).at("records").as_array().size() == 20);

    r = client.get("/services/data/v65.0/query/?q=SELECT+COUNT()+FROM+Account", token);
    CHECK(body_json(r).at("totalSize").as_int64() == 25);

    check_rest_error(client.get("/services/data/v65.0/query/?q=SELEC+Id+FROM+Account", token), 400, "MALFORMED_QUERY",
                     "unexpected token: 'SELEC'");
    r = client.get("/services/data/v65.0/query/?q=SELECT+Foo+FROM+Account", token);
    CHECK(r.res.result_int() == 400);
    CHECK(body_json(r).as_array()[0].at("errorCode").as_string() == "INVALID_FIELD");
    r = client.get("/services/data/v65.0/query/?q=SELECT+Id+FROM+Contact", token);
    CHECK(body_json(r).as_array()[0].at("errorCode").as_string() == "INVALID_TYPE");
    check_rest_error(client.get("/services/data/v65.0/query/01gNOTALOCATOR-10", token), 400, "INVALID_QUERY_LOCATOR",
                     "invalid query locator");

    r = client.get("/services/data/v65.0/sobjects/Account/" + id, token);
    REQUIRE(r.res.result_int() == 200);
    CHECK(body_json(r).at("Id").as_string() == id);
    check_rest_error(client.get("/services/data/v65.0/sobjects/Account/001000000000000AAA", token), 404, "NOT_FOUND",
                     "The requested resource does not exist");
}

TEST_CASE("userinfo, introspect and revoke", "[emulator][oauth]") {
    Emulator emu;
    emu.start();
    TestClient client(emu);
    const std::string token = fetch_token(client, emu);

    Result r = client.get("/services/oauth2/userinfo", token);
    REQUIRE(r.res.result_int() == 200);
    const json::object info = body_json(r).as_object();
    CHECK(info.at("user_id").as_string() == "0055g00000AbCdEAAY");
    CHECK(info.at("organization_id").as_string() == "00D5g000004sfcAEAQ");
    CHECK(info.at("preferred_username").as_string() == "integration@demo.sfconnect.example");
    CHECK(info.at("active").as_bool());
    CHECK(info.at("user_type").as_string() == "STANDARD");
    CHECK(client.get("/services/oauth2/userinfo").res.result_int() == 403);

    const std::string client_auth = "&client_id=" + emu.consumer_key() + "&client_secret=" + emu.consumer_secret();
    r = client.post_form("/services/oauth2/introspect",
                         "token=" + token + "&token_type_hint=access_token" + client_auth);
    REQUIRE(r.res.result_int() == 200);
    json::object intro = body_json(r).as_object();
    CHECK(intro.at("active").as_bool());
    CHECK(intro.at("client_id").as_string() == emu.consumer_key());
    CHECK(intro.at("token_type").as_string() == "access_token");
    CHECK(intro.at("exp").as_int64() - intro.at("iat").as_int64() == 7200);
    check_oauth_error(client.post_form("/services/oauth2/introspect", "token=" + token), 400, "invalid_client_id",
                      "client identifier invalid");

    r = client.post_form("/services/oauth2/revoke", "token=" + token);
    CHECK(r.res.result_int() == 200);
    CHECK(r.res.body().empty());
    r = client.post_form("/services/oauth2/introspect", "token=" + token + client_auth);
    CHECK(body_json(r).as_object() == json::object{{"active", false}});
    check_rest_error(client.get("/services/data/v65.0/", token), 401, "INVALID_SESSION_ID",
                     "Session expired or invalid");
    check_oauth_error(client.post_form("/services/oauth2/revoke", "token=" + token), 400, "invalid_token",
                      "Token was invalid");

    const EmulatorStats s = emu.stats();
    CHECK(s.userinfo_requests == 2);
    CHECK(s.introspect_requests == 3);
    CHECK(s.revoke_requests == 2);
}

TEST_CASE("keep-alive, idle close and statistics", "[emulator][connection]") {
    Emulator emu;
    emu.start();
    TestClient client(emu);
    const std::string token = fetch_token(client, emu);
    for (int i = 0; i < 3; ++i) {
        CHECK(client.get("/services/data/v65.0/", token).res.result_int() == 200);
    }
    EmulatorStats s = emu.stats();
    CHECK(s.connections_accepted == 1);
    CHECK(s.tls_handshakes == 1);
    CHECK(s.requests == 4);
    CHECK(s.token_requests == 1);
    CHECK(s.api_requests == 3);
    CHECK(s.active_connections == 1);
    CHECK(s.internal_errors == 0);

    emu.close_idle_connections();
    const Result stale = client.get("/services/data/v65.0/", token);
    CHECK(stale.ec);  // the server closed the kept-alive connection
    CHECK(client.get("/services/data/v65.0/", token).res.result_int() == 200);  // reconnects
    CHECK(emu.stats().connections_accepted == 2);

    emu.reset_stats();
    s = emu.stats();
    CHECK(s.requests == 0);
    CHECK(s.active_connections == 1);
    CHECK(emu.recent_requests().empty());

    client.disconnect();
    CHECK(eventually([&] { return emu.stats().active_connections == 0; }));

    // Restart: org state (tokens) survives.
    emu.stop();
    CHECK_FALSE(emu.running());
    emu.start();
    TestClient again(emu);
    CHECK(again.get("/services/data/v65.0/", token).res.result_int() == 200);
}

TEST_CASE("garbage and oversized requests are refused without harm", "[emulator][robustness]") {
    Emulator emu;
    emu.start();
    {
        TestClient client(emu);
        const Result r = client.raw("NOT HTTP AT ALL\r\n\r\n");
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 400);
    }
    {
        TestClient client(emu);
        const Result r = client.raw("GET /services/data/ HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                                    "\r\n\r\n");
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 431);
    }
    {
        TestClient client(emu);
        const Result r = client.raw(
            "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
        REQUIRE(!r.ec);
        CHECK(r.res.result_int() == 413);
    }
    TestClient client(emu);
    CHECK(client.get("/services/data/").res.result_int() == 200);
    CHECK(emu.stats().bad_requests == 3);
    CHECK(emu.stats().internal_errors == 0);
}

TEST_CASE("clients reject bad emulator certificates", "[emulator][tls]") {
    const auto handshake_fails = [](Emulator& emu, TestClient& client) {
        const boost::system::error_code ec = client.connect();
        CHECK(ec);
        CHECK(ec.category() == asio::error::get_ssl_category());
        CHECK(eventually([&] { return emu.stats().tls_handshake_failures == 1; }));
        return ec;
    };

    SECTION("expired leaf signed by the trusted CA") {
        EmulatorOptions options;
        options.leaf =
            LeafOptions{{"demo.my.salesforce.com"}, {}, std::chrono::seconds(-7200), std::chrono::seconds(-3600)};
        Emulator emu(options);
        emu.start();
        TestClient client(emu);
        const auto ec = handshake_fails(emu, client);
        CHECK(static_cast<int>(ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) ==
              SSL_R_CERTIFICATE_VERIFY_FAILED);
    }
    SECTION("self-signed certificate") {
        EmulatorOptions options;
        options.certificate = make_self_signed({"demo.my.salesforce.com"});
        Emulator emu(options);
        emu.start();
        TestClient client(emu);
        handshake_fails(emu, client);
    }
    SECTION("name mismatch") {
        Emulator emu;
        emu.start();
        TestClient client(emu, emu.ca_certificate_pem(), "other.my.salesforce.com");
        handshake_fails(emu, client);
    }
    SECTION("a shared authority: two emulators, one trust anchor") {
        EmulatorOptions options;
        options.authority = TestCertificateAuthority("shared CA");
        Emulator a(options);
        options.site = "other.my.salesforce.com";
        Emulator b(options);
        CHECK(a.ca_certificate_pem() == b.ca_certificate_pem());
        a.start();
        b.start();
        TestClient ca(a, b.ca_certificate_pem(), a.site());
        TestClient cb(b, a.ca_certificate_pem(), b.site());
        CHECK_FALSE(ca.connect());
        CHECK_FALSE(cb.connect());
    }
}

}  // namespace emulator_test
