// TokenClient's cache and retry decisions through its real code path, with a scripted transport
// (no sockets, no TLS) and an injected clock (no real sleeps for expiry).
#include <sfconnect/basic_token_client.hpp>

#include "catch.hpp"
#include "support/offset_clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <deque>
#include <functional>
#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace token_client_scripted_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;

namespace {

struct test_clock_tag;
using TestClock = test::OffsetClock<test_clock_tag>;

const char* const test_secret = "scripted-consumer-secret-0123456789";

// What the scripted "server" answers; the default is a valid, signed token reply.
struct Script {
    static inline std::deque<std::function<void(HttpResponse&)>> token_replies;
    static inline int token_posts = 0;
    static inline int api_calls = 0;
    static inline std::string api_body;  // the API's reply body; empty: "{}"
    static void reset() {
        api_body.clear();
        token_replies.clear();
        token_posts = 0;
        api_calls = 0;
        TestClock::offset = {};
    }
    static void valid_token(HttpResponse& res) {
        const std::string id = "https://login.salesforce.com/id/00D5g000004sfcAEAQ/0055g00000AbCdEAAY";
        const std::string issued = std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
        const std::string sig = compute_token_signature(Secret(test_secret), id, issued);
        res.result(200);
        res.set(boost::beast::http::field::content_type, "application/json");
        res.body() = R"({"access_token":"00D5g000004sfcA!tok)" + std::to_string(token_posts) +
                     R"(","instance_url":"https://acme.my.salesforce.com","id":")" + id +
                     R"(","token_type":"Bearer","issued_at":")" + issued + R"(","signature":")" + sig + R"("})";
    }
};

class ScriptedTransport {
public:
    ScriptedTransport(net::any_io_executor, std::shared_ptr<const TransportSettings>) {}
    bool is_open() const noexcept { return open_; }
    const ConnectInfo& connect_info() const noexcept { return info_; }
    net::awaitable<error_code> connect(Diagnostics&) {
        open_ = true;
        co_return error_code{};
    }
    net::awaitable<error_code> exchange(HttpRequest& req, HttpResponse& res, const ExchangeLimits&, Diagnostics&) {
        open_ = true;
        res.version(11);
        res.keep_alive(true);
        if (req.target() == "/services/oauth2/token") {
            ++Script::token_posts;
            if (!Script::token_replies.empty()) {
                auto f = std::move(Script::token_replies.front());
                Script::token_replies.pop_front();
                f(res);
            } else {
                Script::valid_token(res);
            }
        } else {
            ++Script::api_calls;
            res.result(200);
            res.set(boost::beast::http::field::content_type, "application/json");
            res.body() = Script::api_body.empty() ? std::string("{}") : Script::api_body;
        }
        res.prepare_payload();
        co_return error_code{};
    }
    void close() noexcept { open_ = false; }

private:
    bool open_ = false;
    ConnectInfo info_;
};

static_assert(sfconnect::Transport<ScriptedTransport>);
using ScriptedClient = BasicTokenClient<ScriptedTransport, TestClock>;

TokenClientOptions fast_options() {
    TokenClientOptions o;
    o.proxy = "";
    o.retry.base_delay = 1ms;
    o.retry.max_delay = 2ms;
    o.error_hold = 0ms;
    return o;
}

TokenPtr get(ScriptedClient& c, net::io_context& io, error_code* ec_out = nullptr) {
    TokenPtr out;
    c.async_get_token([&](error_code ec, TokenPtr t) {
        if (ec_out) *ec_out = ec;
        out = std::move(t);
    });
    io.restart();
    io.run();
    return out;
}

ConsumerCredentials creds() { return ConsumerCredentials::create("3MVG9scriptedKey", test_secret).value(); }

}  // namespace

TEST_CASE("scripted: an expired token is fetched again, with no real waiting", "[scripted][cache]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    auto t1 = get(client, io);
    REQUIRE(t1);
    CHECK(t1->signature_verified);
    CHECK(Script::token_posts == 1);
    TestClock::advance(60min);
    CHECK(get(client, io) == t1);
    CHECK(Script::token_posts == 1);
    TestClock::advance(46min);  // past the assumed 105 min
    auto t2 = get(client, io);
    CHECK(t2 != t1);
    CHECK(Script::token_posts == 2);
}

TEST_CASE("scripted: cached hits through use_awaitable complete without suspending or growing the stack",
          "[scripted][cache]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    const TokenPtr t1 = get(client, io);
    REQUIRE(t1);
    constexpr int hits = 200'000;  // a nested scheduler frame per hit would overflow the stack long before
    int same = 0;
    bool other_ran = false;
    bool other_ran_during_hits = true;
    auto loop = [&]() -> net::awaitable<void> {
        // Runs between two hits if a hit goes through the executor.
        net::post(io, [&] { other_ran = true; });
        for (int i = 0; i < hits; ++i) {
            auto plain = client.async_get_token(net::use_awaitable);
            TokenPtr a = co_await std::move(plain);
            auto tupled = client.async_get_token(net::as_tuple(net::use_awaitable));
            auto [ec, b] = co_await std::move(tupled);
            TokenPtr c = co_await client.async_get_token();  // the default completion token
            if (!ec && a == t1 && b == t1 && c == t1) ++same;
        }
        other_ran_during_hits = other_ran;
    };
    net::co_spawn(io, loop(), net::detached);
    io.restart();
    io.run();
    CHECK(same == hits);
    CHECK_FALSE(other_ran_during_hits);
    CHECK(other_ran);
    CHECK(Script::token_posts == 1);
}

TEST_CASE("scripted: inside the soft window the cached token is served and refreshed in the background",
          "[scripted][cache]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    auto t1 = get(client, io);
    TestClock::advance(101min);
    TokenPtr served;
    client.async_get_token([&](error_code, TokenPtr t) { served = t; });
    io.restart();
    io.run();
    CHECK(served == t1);                 // no waiting
    CHECK(Script::token_posts == 2);     // one background refresh
    CHECK(client.cached_token() != t1);  // replaced
}

TEST_CASE("scripted: a failed background refresh keeps serving the working token", "[scripted][cache]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    auto t1 = get(client, io);
    TestClock::advance(101min);
    Script::token_replies.push_back([](HttpResponse& res) {
        res.result(400);
        res.set(boost::beast::http::field::content_type, "application/json");
        res.body() = R"({"error":"invalid_client_id","error_description":"client identifier invalid"})";
    });
    CHECK(get(client, io) == t1);
    CHECK(client.cached_token() == t1);
}

TEST_CASE("scripted: non-recoverable errors are held briefly, then tried again", "[scripted][hold]") {
    Script::reset();
    net::io_context io;
    auto o = fast_options();
    o.error_hold = 10s;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), o);
    for (int i = 0; i < 2; ++i)
        Script::token_replies.push_back([](HttpResponse& res) {
            res.result(400);
            res.set(boost::beast::http::field::content_type, "application/json");
            res.body() = R"({"error":"invalid_grant","error_description":"no client credentials user enabled"})";
        });
    error_code ec;
    CHECK_FALSE(get(client, io, &ec));
    CHECK(ec == oauth_errc::no_run_as_user);
    for (int i = 0; i < 20; ++i) {
        Diagnostics diag;
        error_code held;
        client.async_get_token(diag, [&](error_code e, TokenPtr) { held = e; });
        io.restart();
        io.run();
        CHECK(held == oauth_errc::no_run_as_user);
        CHECK(diag.server_message == "no client credentials user enabled");
    }
    CHECK(Script::token_posts == 1);  // the endpoint was not hammered
    TestClock::advance(16s);          // beyond the jittered hold (at most 1.5 x 10 s)
    CHECK(get(client, io, &ec) == nullptr);
    CHECK(Script::token_posts == 2);
    TestClock::advance(16s);
    CHECK(get(client, io, &ec) != nullptr);  // fixed in Salesforce: works again
}

TEST_CASE("scripted: the grant is retried on 5xx, never on 4xx", "[scripted][retry]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    Script::token_replies.push_back([](HttpResponse& res) {
        res.result(502);
        res.body() = "bad gateway";
    });
    CHECK(get(client, io));
    CHECK(Script::token_posts == 2);
    CHECK(client.stats().retries == 1);

    Script::reset();
    ScriptedClient client2(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    Script::token_replies.push_back([](HttpResponse& res) {
        res.result(400);
        res.set(boost::beast::http::field::content_type, "application/json");
        res.body() = R"({"error":"invalid_client","error_description":"invalid client credentials"})";
    });
    error_code ec;
    CHECK_FALSE(get(client2, io, &ec));
    CHECK(ec == oauth_errc::invalid_client_secret);
    CHECK(Script::token_posts == 1);
}

TEST_CASE("scripted: 10,000 concurrent cold-cache callers share one fetch", "[scripted][herd]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    int ok = 0;
    for (int i = 0; i < 10'000; ++i) client.async_get_token([&](error_code ec, TokenPtr) { ok += !ec; });
    io.run();
    CHECK(ok == 10'000);
    CHECK(Script::token_posts == 1);
}

TEST_CASE("scripted: a token-shaped Location host is redacted in redirect diagnostics (found by fuzz_http_reply)",
          "[scripted][fuzz]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    const std::string token = "00DFUZZ00000000AAA!AQ8AQFUZZTOKENaVbq3mZ1xK7pLr9sT2wYcDe";
    Script::token_replies.push_back([&](HttpResponse& res) {
        res.result(302);
        res.set(boost::beast::http::field::location, "https://login.salesforce.com x " + token + "/services");
    });
    Diagnostics diag;
    error_code ec;
    client.async_get_token(diag, [&](error_code e, TokenPtr) { ec = e; });
    io.run();
    CHECK(ec == errc::redirected);
    CHECK(diag.host.find("login.salesforce.com") == 0);
    for (const std::string* f : {&diag.message, &diag.host}) {
        INFO(*f);
        CHECK(f->find("FUZZTOKEN") == std::string::npos);
    }
}

// ---- the default completion token (docs/async-models.md) -------------------------------------------

TEST_CASE("scripted: the default token's operation also starts with a callback or deferred, like a deferred one",
          "[scripted][cache][default-token]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    // A cold cache: the operation fetches.
    TokenPtr first;
    auto op = client.async_get_token();
    std::move(op)([&](error_code ec, TokenPtr t) {
        CHECK_FALSE(ec);
        first = std::move(t);
    });
    io.run();
    REQUIRE(first);
    CHECK(Script::token_posts == 1);

    // A hit, started with `deferred` and then with a callback.
    TokenPtr second;
    auto deferred_op = client.async_get_token()(net::deferred);
    std::move(deferred_op)([&](error_code ec, TokenPtr t) {
        CHECK_FALSE(ec);
        second = std::move(t);
    });
    io.restart();
    io.run();
    CHECK(second == first);

    // A refresh that is never started leaves the cache alone; awaited, it fetches.
    Diagnostics diag;
    { auto unused = client.async_refresh_token(diag); }
    CHECK(client.cached_token() == first);
    TokenPtr refreshed;
    auto refresh = [&]() -> net::awaitable<void> { refreshed = co_await client.async_refresh_token(diag); };
    net::co_spawn(io, refresh(), net::detached);
    io.restart();
    io.run();
    REQUIRE(refreshed);
    CHECK(refreshed != first);
    CHECK(Script::token_posts == 2);
}

TEST_CASE("scripted: co_await async_get_token() (default token) throws ErrorWithDiagnostics on failure",
          "[scripted][default-token]") {
    Script::reset();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    Script::token_replies.push_back([](HttpResponse& res) {
        res.result(400);
        res.set(boost::beast::http::field::content_type, "application/json");
        res.body() = R"({"error":"invalid_client","error_description":"invalid client credentials"})";
    });
    error_code caught;
    bool has_diagnostics = false;
    auto attempt = [&]() -> net::awaitable<void> {
        try {
            TokenPtr t = co_await client.async_get_token();
            CHECK_FALSE(t);
        } catch (const ErrorWithDiagnostics& e) {
            caught = e.boost_code();
            has_diagnostics = e.diagnostics().server_error == "invalid_client";
        }
    };
    net::co_spawn(io, attempt(), net::detached);
    io.run();
    CHECK(caught == oauth_errc::invalid_client_secret);
    CHECK(has_diagnostics);
}

// ---- large bodies are parsed off the client's strand (docs/design.md, "Strand policy") -------------

namespace {
std::string large_json_array(std::size_t min_bytes) {
    std::string body = "[";
    for (int i = 0; body.size() < min_bytes; ++i) {
        if (i) body += ',';
        body += R"({"Id":"001000000000)" + std::to_string(100000 + i) + R"(","Name":"Account number )" +
                std::to_string(i) + R"("})";
    }
    body += ']';
    return body;
}
}  // namespace

TEST_CASE("scripted: a 2xx JSON body of 64 KiB or more is parsed (off the strand) for every completion token",
          "[scripted][request][large-body]") {
    Script::reset();
    Script::api_body = large_json_array(200 * 1024);
    const std::size_t records = boost::json::parse(Script::api_body).as_array().size();
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    Diagnostics d;
    const Target target = runtime_target(Method::get, "/services/data/v62.0/query", d).value();

    // A callback.
    error_code cb_ec = sfconnect::errc::bad_response;
    std::size_t cb_records = 0;
    client.async_request(target, [&](error_code ec, Response r) {
        cb_ec = ec;
        if (r.json.is_array()) cb_records = r.json.as_array().size();
    });
    io.run();
    CHECK_FALSE(cb_ec);
    CHECK(cb_records == records);

    // A coroutine, with the throwing spelling; then the same client answers a small request.
    std::size_t co_records = 0;
    int small_status = 0;
    auto coro = [&]() -> net::awaitable<void> {
        Response big = co_await client.request(target);
        if (big.json.is_array()) co_records = big.json.as_array().size();
        Script::api_body.clear();
        Response small = co_await client.request(target);
        small_status = small.json.is_object() ? small.status : 0;
    };
    net::co_spawn(io, coro(), net::detached);
    io.restart();
    io.run();
    CHECK(co_records == records);
    CHECK(small_status == 200);
}

TEST_CASE("scripted: a large body that is not valid JSON fails with bad_response and diagnostics",
          "[scripted][request][large-body]") {
    Script::reset();
    Script::api_body = large_json_array(100 * 1024);
    Script::api_body.pop_back();  // no closing bracket
    net::io_context io;
    ScriptedClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds(), fast_options());
    Diagnostics d;
    const Target target = runtime_target(Method::get, "/services/data/v62.0/query", d).value();
    Diagnostics diag;
    error_code ec;
    Response res;
    RequestOptions options;
    client.async_request(target, options, diag, [&](error_code e, Response r) {
        ec = e;
        res = std::move(r);
    });
    io.run();
    CHECK(ec == sfconnect::errc::bad_response);
    CHECK(diag.phase == Phase::api);
    CHECK(diag.message.find("JSON") != std::string::npos);
    CHECK(res.status == 200);
    CHECK(res.json.is_null());
}

}  // namespace token_client_scripted_test
