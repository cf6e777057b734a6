// The sans-io algorithms driven without sockets, clocks or an io_context (Boost.MySQL's algo_test):
// each test scripts the replies, and a failure (network error, timeout, 5xx, malformed reply, 4xx)
// is injected at every step in turn, checking the error, the phase, the diagnostics and that
// nothing is retried that must not be.
#include <sfconnect/endpoints.hpp>
#include <sfconnect/detail/sansio/oauth_form.hpp>
#include <sfconnect/detail/sansio/rest_request.hpp>
#include <sfconnect/detail/sansio/token_cache.hpp>
#include <sfconnect/detail/sansio/token_fetch.hpp>

#include "catch.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace sansio_test {

using namespace sfconnect;
namespace sansio = sfconnect::detail::sansio;
using sansio::action_kind;

namespace {

constexpr std::string_view test_secret = "TEST-SECRET-9f8e7d6c5b4a3210";
constexpr std::string_view test_token = "00DS7000000oxzoMAA!AR8AQTESTTOKENq0Ffu.RJ8QyVv4Nb1GzVxXeTg_Zr9Kp2";
constexpr std::string_view sample_id = "https://login.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcdEAA";
constexpr std::string_view host = "acme.my.salesforce.com";

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// One client's context, as the core builds it.
struct Context {
    TokenClientOptions options;
    Secret secret{test_secret};
    detail::client_credentials_grant grant{ConsumerCredentials::create("KEY", test_secret).value()};
    std::string form = "&client_id=KEY&client_secret=" + std::string(test_secret);
    std::string basic{grant.basic_authorization()};
    sansio::client_context ctx{host, "sfconnect-test", options, secret, form, basic, {}, grant};

    Context() {
        options.retry.max_attempts = 3;
        options.retry.base_delay = std::chrono::milliseconds(100);
        options.retry.max_delay = std::chrono::milliseconds(1000);
    }
};

// What the runner would see from one exchange: a transport failure or an HTTP reply.
struct Reply {
    error_code io;  // transport failure (with io_phase)
    Phase io_phase = Phase::request;
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::string location;
};

std::string token_body() {
    boost::json::object o;
    o["access_token"] = test_token;
    o["instance_url"] = "https://acme.my.salesforce.com";
    o["id"] = sample_id;
    o["token_type"] = "Bearer";
    o["issued_at"] = "1676372418560";
    return boost::json::serialize(o);
}

Reply ok_token() { return Reply{{}, Phase::none, 200, "application/json", token_body(), {}}; }
Reply ok_json(std::string body = R"({"ok":true})") {
    return Reply{{}, Phase::none, 200, "application/json", std::move(body), {}};
}
Reply status(int s, std::string body = "", std::string ct = "application/json") {
    return Reply{{}, Phase::none, s, std::move(ct), std::move(body), {}};
}
Reply net_failure(error_code ec, Phase p = Phase::request) { return Reply{ec, p, 0, {}, {}, {}}; }

// The failures injected at each step.
struct Failure {
    const char* name;
    Reply reply;
};
std::vector<Failure> token_failures() {
    return {
        {"connection lost", net_failure(errc::connection_lost)},
        {"connect failed", net_failure(errc::connect_failed, Phase::connect)},
        {"timeout", net_failure(errc::timeout)},
        {"503", status(503, "<html>down</html>", "text/html")},
        {"malformed 200", status(200, "{not json")},
        {"400 invalid_client",
         status(400, R"({"error":"invalid_client","error_description":"invalid client credentials"})")},
    };
}

// Drives an algorithm to done, answering from `replies` (one per exchange) and `token` (need_token).
struct Run {
    error_code ec;
    Diagnostics diag;
    std::string trace;              // X exchange, S sleep, T need_token, R need_token after a rejection
    std::vector<std::string> sent;  // request targets
    int exchanges = 0;
};

template <class Algo>
Run drive(Algo& algo, const std::vector<Reply>& replies, std::function<TokenPtr()> token = {}) {
    Run r;
    error_code io;
    for (int guard = 0; guard < 50; ++guard) {
        const sansio::action a = algo.resume(io, 0.5, r.diag);
        io = {};
        switch (a.kind) {
            case action_kind::done: r.ec = a.ec; return r;
            case action_kind::sleep:
                r.trace += 'S';
                CHECK(a.delay.count() > 0);
                break;
            case action_kind::need_token:
                r.trace += a.after_rejection ? 'R' : 'T';
                if constexpr (requires { algo.set_token(TokenPtr{}); }) {
                    TokenPtr t = token ? token() : nullptr;
                    if (!t) {
                        io = oauth_errc::invalid_client_secret;
                        r.diag.phase = Phase::token;
                    }
                    algo.set_token(std::move(t));
                }
                break;
            case action_kind::exchange: {
                r.trace += 'X';
                r.sent.push_back(std::string(algo.request().target()));
                REQUIRE(r.exchanges < static_cast<int>(replies.size()));
                const Reply& rep = replies[static_cast<std::size_t>(r.exchanges++)];
                if (rep.io) {
                    io = rep.io;
                    r.diag.phase = rep.io_phase;
                    r.diag.message = "injected transport failure";
                    break;
                }
                HttpResponse& res = algo.response();
                res = HttpResponse{};
                res.result(static_cast<unsigned>(rep.status));
                if (!rep.content_type.empty()) res.set(boost::beast::http::field::content_type, rep.content_type);
                if (!rep.location.empty()) res.set(boost::beast::http::field::location, rep.location);
                res.body() = rep.body;
                break;
            }
        }
    }
    FAIL("the algorithm did not finish");
    return r;
}

TokenPtr make_token(std::string value = std::string(test_token)) {
    AccessToken t;
    t.access_token = Secret(value);
    t.instance_url = "https://acme.my.salesforce.com";
    return std::make_shared<const AccessToken>(std::move(t));
}

void check_no_secrets(const Diagnostics& d) {
    for (const std::string* s : {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host}) {
        INFO(*s);
        CHECK_FALSE(contains(*s, "TEST-SECRET"));
        CHECK_FALSE(contains(*s, "TESTTOKEN"));
    }
}

// The token grant retries only what Salesforce did not decide: connection failures and 5xx.
bool token_retried(const Reply& r) {
    if (r.io) return r.io == errc::connection_lost || r.io == errc::connect_failed || r.io == errc::dns_failed;
    return r.status >= 500;
}

}  // namespace

TEST_CASE("sansio token fetch: the request, the token, the counters", "[sansio][token]") {
    Context c;
    sansio::token_fetch algo(c.ctx);
    auto r = drive(algo, {ok_token()});
    CHECK_FALSE(r.ec);
    CHECK(r.trace == "X");
    REQUIRE(algo.token());
    CHECK(algo.token()->access_token.reveal() == test_token);
    CHECK(r.sent == std::vector<std::string>{"/services/oauth2/token"});
    // The credentials were wiped from the request once sent.
    CHECK_FALSE(contains(algo.request().body(), "TEST-SECRET"));
    CHECK(r.diag.empty());
}

TEST_CASE("sansio token fetch: a failure injected at every step", "[sansio][token][inject]") {
    Context c;
    // The baseline: two 503s, then the token (max_attempts 3).
    const std::vector<Reply> baseline{status(503), status(503), ok_token()};
    for (std::size_t step = 0; step < baseline.size(); ++step) {
        for (const auto& f : token_failures()) {
            INFO("step " << step << ": " << f.name);
            std::vector<Reply> script(baseline.begin(), baseline.begin() + static_cast<long>(step));
            script.push_back(f.reply);
            // What follows a retried failure: the rest of the baseline.
            for (std::size_t k = step + 1; k < baseline.size(); ++k) script.push_back(baseline[k]);
            script.push_back(ok_token());  // for a retry after the last step
            sansio::token_fetch algo(c.ctx);
            auto r = drive(algo, script);
            const int attempts = static_cast<int>(step) + 1;
            if (token_retried(f.reply) && attempts < c.options.retry.max_attempts) {
                // Retried like the baseline's 503: the token comes.
                CHECK_FALSE(r.ec);
                CHECK(r.exchanges == std::max<int>(static_cast<int>(baseline.size()), attempts + 1));
                CHECK(r.trace.find('S') != std::string::npos);
            } else {
                CHECK(r.exchanges == attempts);
                CHECK(r.ec);
                if (f.reply.io) {
                    CHECK(r.ec == f.reply.io);
                    CHECK(r.diag.phase == f.reply.io_phase);  // the transport's phase is kept
                } else {
                    CHECK(r.diag.phase == Phase::token);
                    CHECK(r.diag.http_status == f.reply.status);
                }
                if (f.reply.io == errc::timeout) CHECK(r.exchanges == attempts);  // never retried
                CHECK_FALSE(algo.token());
            }
            check_no_secrets(r.diag);
        }
    }
}

TEST_CASE("sansio token fetch: 4xx and timeouts are never retried, redirects are not followed", "[sansio][token]") {
    Context c;
    for (const Reply& rep :
         {status(400, R"({"error":"invalid_grant","error_description":"no client credentials user enabled"})"),
          status(401, R"({"error":"invalid_client"})"), net_failure(errc::timeout)}) {
        sansio::token_fetch algo(c.ctx);
        auto r = drive(algo, {rep});
        CHECK(r.ec);
        CHECK(r.trace == "X");
    }
    Reply redirect = status(302);
    redirect.location = "https://evil.example/steal?access_token=" + std::string(test_token);
    sansio::token_fetch algo(c.ctx);
    auto r = drive(algo, {redirect});
    CHECK(r.ec == errc::redirected);
    CHECK(r.diag.phase == Phase::token);
    CHECK(r.diag.host == "evil.example");
    check_no_secrets(r.diag);
}

TEST_CASE("sansio REST request: token, send, JSON in a separate step", "[sansio][rest]") {
    Context c;
    Target target = endpoints::version_root.bind("62.0");
    RequestOptions ro;
    ro.query = {{"q", "SELECT Id FROM Account"}};
    Response out;
    sansio::rest_request algo(c.ctx, target, ro, out);
    auto r = drive(algo, {ok_json()}, [] { return make_token(); });
    CHECK_FALSE(r.ec);
    CHECK(r.trace == "TX");
    REQUIRE(r.sent.size() == 1);
    CHECK(r.sent[0] == "/services/data/v62.0/?q=SELECT%20Id%20FROM%20Account");
    CHECK(out.status == 200);
    CHECK(out.json.is_null());  // parsed by the runner, after the connection is released
    Diagnostics diag;
    CHECK_FALSE(sansio::parse_json_body(out, diag));
    CHECK(out.json.as_object().at("ok").as_bool());
    // The bearer token was wiped from the request once sent.
    CHECK(algo.request().find(boost::beast::http::field::authorization) == algo.request().end());

    Response bad;
    bad.status = 200;
    bad.headers.set(boost::beast::http::field::content_type, "application/json");
    bad.body = "{nope";
    Diagnostics bdiag;
    CHECK(sansio::parse_json_body(bad, bdiag) == errc::bad_response);
    CHECK(bdiag.phase == Phase::api);
}

TEST_CASE("sansio REST request: exactly one refetch after an expired session, never on the REST-variant 401",
          "[sansio][rest][401]") {
    Context c;
    Target target = endpoints::version_root.bind("62.0");
    RequestOptions ro;
    const Reply expired = status(401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
    const Reply rest_variant = status(
        401, R"([{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}])");
    int tokens = 0;
    auto fresh = [&] { return make_token(std::string(test_token) + std::to_string(++tokens)); };
    {
        Response out;
        sansio::rest_request algo(c.ctx, target, ro, out);
        auto r = drive(algo, {expired, ok_json()}, fresh);
        CHECK_FALSE(r.ec);
        CHECK(r.trace == "TXRX");
    }
    {
        Response out;
        sansio::rest_request algo(c.ctx, target, ro, out);
        auto r = drive(algo, {expired, expired}, fresh);
        CHECK(r.ec == api_errc::invalid_session);
        CHECK(r.trace == "TXRX");  // one refetch only
        CHECK(r.diag.phase == Phase::api);
        check_no_secrets(r.diag);
    }
    {
        Response out;
        sansio::rest_request algo(c.ctx, target, ro, out);
        auto r = drive(algo, {rest_variant}, fresh);
        CHECK(r.ec == api_errc::session_not_valid_for_api);
        CHECK(r.trace == "TX");
    }
}

TEST_CASE("sansio REST request: a failure injected at every step, POST and PATCH never retried",
          "[sansio][rest][inject]") {
    Context c;
    const std::vector<Failure> failures{
        {"connection lost", net_failure(errc::connection_lost)},
        {"timeout", net_failure(errc::timeout)},
        {"503", status(503, R"([{"message":"busy","errorCode":"SERVER_UNAVAILABLE"}])")},
        {"500", status(500, "<html>oops</html>", "text/html")},
        {"404", status(404, R"([{"message":"nope","errorCode":"NOT_FOUND"}])")},
        {"302",
         [] {
             auto r = status(302);
             r.location = "https://other.example/x";
             return r;
         }()},
    };
    for (Method m : {Method::get, Method::post, Method::patch, Method::del}) {
        Target target = runtime_target(m, "/services/data/v62.0/sobjects/Account/001").value();
        RequestOptions ro;
        // The baseline: one 503 (retried for idempotent methods), then 200.
        const bool idempotent = is_idempotent(m);
        std::vector<Reply> baseline;
        if (idempotent) baseline.push_back(status(503));
        baseline.push_back(ok_json());
        for (std::size_t step = 0; step < baseline.size(); ++step) {
            for (const auto& f : failures) {
                INFO("method " << static_cast<int>(m) << " step " << step << ": " << f.name);
                std::vector<Reply> script(baseline.begin(), baseline.begin() + static_cast<long>(step));
                script.push_back(f.reply);
                for (std::size_t k = step + 1; k < baseline.size(); ++k) script.push_back(baseline[k]);
                script.push_back(ok_json());  // for a retry after the last step
                Response out;
                sansio::rest_request algo(c.ctx, target, ro, out);
                auto r = drive(algo, script, [] { return make_token(); });
                const bool retryable = f.reply.io == errc::connection_lost || f.reply.status == 503;
                const int attempts = static_cast<int>(step) + 1;
                if (idempotent && retryable && attempts < c.options.retry.max_attempts) {
                    CHECK_FALSE(r.ec);
                    CHECK(r.exchanges == std::max<int>(static_cast<int>(baseline.size()), attempts + 1));
                } else {
                    CHECK(r.exchanges == attempts);
                    CHECK(r.ec);
                    if (f.reply.io) {
                        CHECK(r.ec == f.reply.io);
                        CHECK(r.diag.phase == Phase::request);
                    } else {
                        CHECK(r.diag.phase == Phase::api);
                        CHECK(r.diag.http_status == f.reply.status);
                        CHECK(out.status == f.reply.status);  // the Response still carries the reply
                    }
                    if (f.reply.status == 302) {
                        CHECK(r.ec == errc::redirected);
                        CHECK(r.diag.host == "other.example");
                    }
                }
                if (!idempotent) CHECK(r.trace.find('S') == std::string::npos);
                check_no_secrets(r.diag);
            }
        }
    }
}

TEST_CASE("sansio REST request: bad headers are refused before any token or I/O, a token failure ends it",
          "[sansio][rest]") {
    Context c;
    Target target = endpoints::version_root.bind("62.0");
    RequestOptions ro;
    ro.headers = {{"X-Evil", "a\r\nInjected: 1"}};
    Response out;
    sansio::rest_request algo(c.ctx, target, ro, out);
    auto r = drive(algo, {});
    CHECK(r.ec == boost::system::errc::invalid_argument);
    CHECK(r.diag.phase == Phase::api);
    CHECK(r.trace.empty());

    RequestOptions plain;
    Response out2;
    sansio::rest_request algo2(c.ctx, target, plain, out2);
    auto r2 = drive(algo2, {}, [] { return TokenPtr{}; });
    CHECK(r2.ec == oauth_errc::invalid_client_secret);
    CHECK(r2.trace == "T");
}

TEST_CASE("sansio revoke and introspect: a failure injected at every step, never retried", "[sansio][oauth]") {
    Context c;
    const std::vector<Failure> failures{
        {"connection lost", net_failure(errc::connection_lost)},
        {"timeout", net_failure(errc::timeout)},
        {"503", status(503, "<html>down</html>", "text/html")},
        {"400", status(400, R"({"error":"unsupported_token_type"})")},
    };
    for (const auto& f : failures) {
        INFO(f.name);
        sansio::revoke rv(c.ctx, make_token());
        auto r = drive(rv, {f.reply});
        CHECK(r.ec);
        CHECK(r.trace == "X");
        CHECK(r.sent == std::vector<std::string>{"/services/oauth2/revoke"});
        if (f.reply.io) CHECK(r.diag.phase == f.reply.io_phase);
        else CHECK(r.diag.phase == Phase::token);
        check_no_secrets(r.diag);

        sansio::introspect in(c.ctx);
        auto ri = drive(in, {f.reply}, [] { return make_token(); });
        CHECK(ri.ec);
        CHECK(ri.trace == "TX");
        check_no_secrets(ri.diag);
    }
    sansio::introspect bad(c.ctx);
    auto rb = drive(bad, {status(200, "<html/>", "text/html")}, [] { return make_token(); });
    CHECK(rb.ec == errc::bad_response);
    CHECK(rb.diag.phase == Phase::introspect);

    sansio::introspect good(c.ctx);
    auto rg = drive(good, {ok_json(R"({"active":true,"exp":1767225600,"username":"u@x"})")},
                    [] { return make_token(); });
    CHECK_FALSE(rg.ec);
    CHECK(good.result().active);
    CHECK(good.result().expires_at == 1767225600);

    sansio::revoke none(c.ctx, nullptr);
    auto rn = drive(none, {});
    CHECK(rn.ec == boost::system::errc::invalid_argument);
    CHECK(rn.trace.empty());
}

TEST_CASE("parse_introspection: types, activity, malformed bodies", "[sansio][introspect]") {
    Introspection out;
    Diagnostics diag;
    CHECK_FALSE(detail::parse_introspection(R"({"active":"true","exp":"soon","scope":7})", out, diag));
    CHECK_FALSE(out.active);
    CHECK_FALSE(out.expires_at);
    CHECK(out.scope.empty());
    CHECK(detail::parse_introspection("[]", out, diag) == errc::bad_response);
    CHECK(diag.phase == Phase::introspect);
}

namespace {
struct FakeToken {
    int n = 0;
};
using tp = std::chrono::steady_clock::time_point;
struct Waiter {
    int who;
};
}  // namespace

TEST_CASE("sansio token cache: single flight, waiters, held errors, stale invalidation", "[sansio][cache]") {
    using cache_t = sansio::token_cache<FakeToken, tp, Waiter>;
    using namespace std::chrono_literals;
    TokenClientOptions o;
    cache_t cache;
    const tp t0{};

    // Cold: the first caller starts the fetch, every caller waits.
    auto a = cache.acquire(t0);
    CHECK(a.kind == cache_t::outcome::wait);
    CHECK(a.start_fetch);
    cache.add_waiter(Waiter{1});
    auto b = cache.acquire(t0);
    CHECK(b.kind == cache_t::outcome::wait);
    CHECK_FALSE(b.start_fetch);  // single flight
    const auto id2 = cache.add_waiter(Waiter{2});
    bool start = true;
    CHECK_FALSE(cache.try_use(t0, start));
    CHECK_FALSE(start);
    CHECK(cache.remove_waiter(id2));  // cancelled
    CHECK_FALSE(cache.remove_waiter(id2));

    auto tok = std::make_shared<const FakeToken>(FakeToken{1});
    auto ready = cache.fetch_finished({}, {}, tok, t0, t0 + 1s, o, 0.5);
    REQUIRE(ready.size() == 1);
    CHECK(ready.front().second.who == 1);
    CHECK(cache.try_use(t0 + 1min, start) == tok);
    CHECK_FALSE(start);
    // Inside the soft window: the token is used and one background refresh starts.
    const auto soft = t0 + o.assumed_token_lifetime - o.refresh_ahead + 1s;
    CHECK(cache.try_use(soft, start) == tok);
    CHECK(start);
    CHECK(cache.try_use(soft, start) == tok);
    CHECK_FALSE(start);
    // A failed refresh keeps the token inside its hard window.
    cache.fetch_finished(errc::connection_lost, {}, nullptr, soft, soft, o, 0.5);
    CHECK(cache.token() == tok);
    // A stale rejection does not drop a newer token; the current one is dropped.
    FakeToken other;
    CHECK_FALSE(cache.invalidate(&other));
    CHECK(cache.invalidate(tok.get()));

    // A non-recoverable error is held (jittered) and handed to later callers without a fetch.
    auto c2 = cache.acquire(soft);
    CHECK(c2.start_fetch);
    Diagnostics d;
    d.message = "invalid client";
    cache.fetch_finished(oauth_errc::invalid_client_secret, d, nullptr, soft, soft, o, 0.0);
    auto held = cache.acquire(soft + 100ms);
    CHECK(held.kind == cache_t::outcome::held_error);
    CHECK(held.ec == oauth_errc::invalid_client_secret);
    CHECK(held.diag.message == "invalid client");
    CHECK_FALSE(held.start_fetch);
    auto later = cache.acquire(soft + o.error_hold * 2);
    CHECK(later.kind == cache_t::outcome::wait);
    CHECK(later.start_fetch);
}

}  // namespace sansio_test
