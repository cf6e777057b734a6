// TokenClient over real TLS against the loopback emulator (certificates from a CA made at run time).
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>

#include "catch.hpp"
#include "support/emulator_client.hpp"
#include "support/loopback_proxy.hpp"
#include "support/token_outcome.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <sstream>
#include <thread>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace token_client_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;
using sfconnect::testing::EmulatorOptions;
using sfconnect::testing::Fault;
using sfconnect::testing::Route;
using sfconnect::testing::Scenario;

namespace {

TokenClientOptions options_for(const Emulator& emu) { return test::fast_options_for(emu); }

ConsumerCredentials creds_for(const Emulator& emu) { return sfconnect::testing::credentials_for(emu); }

using test::get_token;
using test::Outcome;

struct RequestOutcome {
    error_code ec;
    Diagnostics diag;
    Response response;
};

RequestOutcome request(TokenClient& client, net::io_context& io, Target target, RequestOptions ro = {}) {
    RequestOutcome out;
    client.async_request(std::move(target), std::move(ro), out.diag, [&](error_code ec, Response r) {
        out.ec = ec;
        out.response = std::move(r);
    });
    io.restart();
    io.run();
    return out;
}

// Nothing any test prints or keeps may contain a secret.
void check_no_secrets(const Diagnostics& d, const Emulator& emu, const TokenPtr& tok = {}) {
    std::ostringstream all;
    all << d.message << '|' << d.hint << '|' << d.server_error << '|' << d.server_message << '|' << d.host;
    const std::string text = all.str();
    CHECK(text.find(emu.consumer_secret()) == std::string::npos);
    if (tok) CHECK(text.find(std::string(tok->access_token.reveal())) == std::string::npos);
}

const Target version_root = endpoints::version_root.bind("62.0");

}  // namespace

TEST_CASE("a token over verified TLS, with every field and a verified signature", "[client][tls]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    auto out = get_token(client, io);
    REQUIRE_FALSE(out.ec);
    REQUIRE(out.token);
    CHECK(out.token->instance_url == emu.instance_url());
    CHECK(out.token->token_type == "Bearer");
    CHECK(out.token->signature_verified);
    CHECK(out.token->organization_id == emu.options().organization_id);
    CHECK(out.token->user_id == emu.options().user_id);
    CHECK(out.token->issued_at_raw.size() == 13);
    CHECK(emu.stats().token_requests == 1);

    // The grant went out as Salesforce documents it.
    auto reqs = emu.recent_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].target == "/services/oauth2/token");
    CHECK(reqs[0].body.find("grant_type=client_credentials") != std::string::npos);
    bool user_agent = false, host_is_site = false;
    for (auto& [k, v] : reqs[0].headers) {
        if (k == "User-Agent") user_agent = v.find("sfconnect/") == 0;
        if (k == "Host") host_is_site = v == emu.site();
    }
    CHECK(user_agent);
    CHECK(host_is_site);

    // Cached: the second call does not reach the server.
    auto again = get_token(client, io);
    CHECK(again.token == out.token);
    CHECK(emu.stats().token_requests == 1);
}

TEST_CASE("HTTP Basic client authentication is an option", "[client]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    auto o = options_for(emu);
    o.use_basic_auth = true;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), o);
    auto out = get_token(client, io);
    REQUIRE_FALSE(out.ec);
    auto reqs = emu.recent_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].body.find("client_secret") == std::string::npos);
}

TEST_CASE("each token-endpoint failure maps to its stable code, with no retry on 4xx", "[client][errors]") {
    struct Row {
        Scenario scenario;
        error_code expected;
    };
    const Row rows[] = {
        {Scenario::wrong_domain, oauth_errc::unsupported_domain},
        {Scenario::no_run_as_user, oauth_errc::no_run_as_user},
        {Scenario::flow_disabled, oauth_errc::grant_not_enabled},
        {Scenario::propagation_delay, oauth_errc::invalid_client_id},
        {Scenario::user_inactive, oauth_errc::user_inactive},
        {Scenario::org_inactive, oauth_errc::org_inactive},
        {Scenario::ip_restricted, oauth_errc::ip_restricted},
        {Scenario::login_rate_exceeded, oauth_errc::login_rate_exceeded},
    };
    Emulator emu;
    emu.start();
    for (const auto& row : rows) {
        emu.set_scenario(row.scenario);
        emu.reset_stats();
        net::io_context io;
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        auto out = get_token(client, io);
        INFO(sfconnect::testing::to_string(row.scenario));
        CHECK(out.ec == row.expected);
        CHECK(out.diag.http_status == 400);
        CHECK_FALSE(out.diag.server_error.empty());
        CHECK_FALSE(out.diag.hint.empty());
        CHECK(emu.stats().token_requests == 1);  // never retried
        check_no_secrets(out.diag, emu);
    }
}

TEST_CASE("wrong key and wrong secret", "[client][errors]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    {
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(),
                           ConsumerCredentials::create("3MVG9wrongKey", emu.consumer_secret()).value(),
                           options_for(emu));
        auto out = get_token(client, io);
        CHECK(out.ec == oauth_errc::invalid_client_id);
        CHECK(out.diag.hint.find("10 minutes") != std::string::npos);
        check_no_secrets(out.diag, emu);
    }
    {
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(),
                           ConsumerCredentials::create(emu.consumer_key(), "not-the-secret").value(), options_for(emu));
        auto out = get_token(client, io);
        CHECK(out.ec == oauth_errc::invalid_client_secret);
        check_no_secrets(out.diag, emu);
    }
}

TEST_CASE("signature: bad is rejected, absent is accepted unverified or refused on request", "[client][signature]") {
    SECTION("bad signature") {
        Emulator emu;
        emu.start();
        emu.push_fault(
            Route::token,
            Fault::reply_with(
                200,
                R"({"access_token":"00D5g000004sfcA!AQxyz","instance_url":"https://)" + emu.site() + R"(","id":")" +
                    emu.identity_url() +
                    R"(","token_type":"Bearer","issued_at":"1700000000000","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})"));
        net::io_context io;
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        auto out = get_token(client, io);
        CHECK(out.ec == errc::signature_mismatch);
        CHECK(out.diag.message.find("AQxyz") == std::string::npos);
    }
    SECTION("absent signature") {
        EmulatorOptions eo;
        eo.send_signature = false;
        Emulator emu(eo);
        emu.start();
        net::io_context io;
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        auto out = get_token(client, io);
        REQUIRE_FALSE(out.ec);
        CHECK_FALSE(out.token->signature_verified);

        auto strict = options_for(emu);
        strict.require_signature = true;
        TokenClient strict_client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), strict);
        CHECK(get_token(strict_client, io).ec == errc::signature_mismatch);
    }
}

TEST_CASE("issued_at in milliseconds and in seconds", "[client]") {
    for (bool seconds : {false, true}) {
        EmulatorOptions eo;
        eo.issued_at_in_seconds = seconds;
        Emulator emu(eo);
        emu.start();
        net::io_context io;
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        auto out = get_token(client, io);
        REQUIRE_FALSE(out.ec);
        CHECK(out.token->issued_at_raw.size() == (seconds ? 10u : 13u));
        CHECK(out.token->signature_verified);
        const auto age = std::chrono::system_clock::now() - out.token->issued_at;
        CHECK(age < 60s);
        CHECK(age > -60s);
    }
}

TEST_CASE("503 then OK is retried, persistent 503 gives up after the bound", "[client][retry]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    {
        emu.push_fault(Route::token, Fault::reply_with(503, "<html>maintenance</html>", "text/html"));
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        auto out = get_token(client, io);
        CHECK_FALSE(out.ec);
        CHECK(emu.stats().token_requests == 2);
    }
    {
        emu.reset_stats();
        emu.set_scenario(Scenario::token_unavailable);
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        auto out = get_token(client, io);
        CHECK(out.ec == errc::server_error);
        CHECK(out.diag.http_status == 503);
        CHECK(emu.stats().token_requests == 3);  // RetryPolicy::max_attempts
    }
}

TEST_CASE("a redirect is never followed", "[client]") {
    Emulator emu;
    emu.start();
    emu.push_fault(Route::token, Fault::redirect_to("https://evil.example.com/services/oauth2/token"));
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    auto out = get_token(client, io);
    CHECK(out.ec == errc::redirected);
    CHECK(out.diag.host == "evil.example.com");
    CHECK(out.diag.http_status == 302);
    CHECK(emu.stats().token_requests == 1);
}

TEST_CASE("malformed, incomplete and oversized token replies are bad_response", "[client][limits]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    const std::string bodies[] = {"{not json", R"({"access_token":"x","instance_url":)", "[]",
                                  std::string(70 * 1024, 'x')};
    for (const auto& body : bodies) {
        emu.push_fault(Route::token, Fault::reply_with(200, body));
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        auto out = get_token(client, io);
        CHECK(out.ec == errc::bad_response);
        check_no_secrets(out.diag, emu);
    }
}

TEST_CASE("a server that never answers hits the request timeout", "[client][timeout]") {
    Emulator emu;
    emu.start();
    emu.push_fault(Route::token, Fault::never_reply());
    net::io_context io;
    auto o = options_for(emu);
    o.timeouts.request = 300ms;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), o);
    const auto t0 = std::chrono::steady_clock::now();
    auto out = get_token(client, io);
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(out.ec == errc::timeout);
    CHECK(out.diag.phase == Phase::request);
    CHECK(took >= 250ms);
    CHECK(took < 3s);
}

TEST_CASE("connection closed mid-response", "[client]") {
    Emulator emu;
    emu.start();
    for (int i = 0; i < 3; ++i) emu.push_fault(Route::token, Fault::close_mid_body());
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    auto out = get_token(client, io);
    CHECK(out.ec == errc::connection_lost);
    CHECK(emu.stats().token_requests == 3);
}

TEST_CASE("keep-alive: one connection for many requests, reconnect after the server closed it", "[client][keepalive]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    auto o = options_for(emu);
    o.max_connections = 1;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), o);
    for (int i = 0; i < 5; ++i) REQUIRE_FALSE(request(client, io, version_root).ec);
    CHECK(emu.stats().connections_accepted == 1);
    CHECK(emu.stats().api_requests == 5);

    emu.close_idle_connections();
    auto after_close = request(client, io, version_root);
    CHECK_FALSE(after_close.ec);
    CHECK(emu.stats().connections_accepted == 2);

    // Closed before the reply on the reused connection: sent once more on a fresh one.
    emu.push_fault(Route::api, Fault::close_before_reply());
    auto retried = request(client, io, endpoints::limits.bind("62.0"));
    CHECK_FALSE(retried.ec);
    CHECK(emu.stats().connections_accepted == 3);
}

TEST_CASE("REST: JSON reply, Sforce-Limit-Info, query parameters", "[client][rest]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    RequestOptions ro{.query = {{"q", "SELECT Id, Name FROM Account LIMIT 3"}}};
    auto out = request(client, io, endpoints::query.bind("62.0"), ro);
    REQUIRE_FALSE(out.ec);
    CHECK(out.response.status == 200);
    REQUIRE(out.response.json.is_object());
    CHECK(out.response.json.as_object().at("records").as_array().size() == 3);
    REQUIRE(out.response.limit_info);
    REQUIRE(out.response.limit_info->api_usage);
    CHECK(out.response.limit_info->api_usage->max == 15000);
}

TEST_CASE("401 Session expired: one refetch and one replay, the REST-variant 401 never refetches", "[client][401]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    REQUIRE_FALSE(request(client, io, version_root).ec);
    emu.expire_all_tokens();
    emu.reset_stats();
    auto out = request(client, io, version_root);
    CHECK_FALSE(out.ec);
    CHECK(emu.stats().token_requests == 1);  // one refetch
    CHECK(emu.stats().api_requests == 2);    // the 401 and the replay
    CHECK(client.stats().refetches == 1);

    Emulator emu2;
    emu2.start();
    emu2.set_scenario(Scenario::session_not_valid_for_api);
    TokenClient client2(io.get_executor(), Site::parse(emu2.site()).value(), creds_for(emu2), options_for(emu2));
    auto bad = request(client2, io, version_root);
    CHECK(bad.ec == api_errc::session_not_valid_for_api);
    CHECK(bad.response.status == 401);
    CHECK(emu2.stats().token_requests == 1);
    CHECK(emu2.stats().api_requests == 1);
}

TEST_CASE("REST errors: limits, access and API availability", "[client][rest][errors]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    REQUIRE_FALSE(get_token(client, io).ec);
    struct Row {
        Scenario s;
        error_code expected;
    };
    for (auto row : {Row{Scenario::request_limit, api_errc::request_limit_exceeded},
                     Row{Scenario::insufficient_access, api_errc::insufficient_access},
                     Row{Scenario::api_disabled, api_errc::api_disabled}}) {
        emu.set_scenario(row.s);
        emu.reset_stats();
        auto out = request(client, io, version_root);
        CHECK(out.ec == row.expected);
        CHECK(emu.stats().token_requests == 0);  // no re-auth on 403
        CHECK(emu.stats().api_requests == 1);
    }
    emu.set_scenario(Scenario::insufficient_access);
    auto ia = request(client, io, version_root);
    CHECK(ia.diag.hint.find("Session Security Level Policies") != std::string::npos);

    emu.set_scenario(Scenario::api_unavailable);
    emu.reset_stats();
    auto unavailable = request(client, io, version_root);  // GET: retried, bounded
    CHECK(unavailable.ec == errc::server_error);
    CHECK(emu.stats().api_requests == 3);
    emu.reset_stats();
    auto post = request(client, io, endpoints::sobject_create.bind("62.0", "Account"),
                        RequestOptions{.json = boost::json::object{{"Name", "x"}}});
    CHECK(post.ec == errc::server_error);
    CHECK(emu.stats().api_requests == 1);  // POST: never retried
}

TEST_CASE("TLS: wrong host, untrusted CA, expired certificate are all tls_failed", "[client][tls]") {
    sfconnect::testing::TestCertificateAuthority ca;
    struct Row {
        const char* name;
        EmulatorOptions eo;
        bool trust_emulator_ca;
    };
    std::vector<Row> rows;
    {
        EmulatorOptions eo;
        sfconnect::testing::LeafOptions leaf;
        leaf.dns_names = {"other.my.salesforce.com"};
        eo.certificate = ca.issue(leaf);
        eo.authority = ca;
        rows.push_back({"wrong host", eo, true});
    }
    {
        EmulatorOptions eo;
        rows.push_back({"untrusted", eo, false});
    }
    {
        EmulatorOptions eo;
        sfconnect::testing::LeafOptions leaf;
        leaf.dns_names = {"demo.my.salesforce.com"};
        leaf.not_before_offset = -48h;
        leaf.not_after_offset = -24h;
        eo.certificate = ca.issue(leaf);
        eo.authority = ca;
        rows.push_back({"expired", eo, true});
    }
    for (auto& row : rows) {
        INFO(row.name);
        Emulator emu(row.eo);
        emu.start();
        net::io_context io;
        auto o = options_for(emu);
        if (!row.trust_emulator_ca) o.ca_pem.clear();
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), o);
        auto out = get_token(client, io);
        CHECK(out.ec == errc::tls_failed);
        CHECK(out.diag.phase == Phase::tls_handshake);
        CHECK(emu.stats().token_requests == 0);  // the secret never left
        INFO(out.diag.message);
    }
}

TEST_CASE("1,000 concurrent callers on a cold cache cause exactly one token request", "[client][herd]") {
    Emulator emu;
    emu.start();
    SECTION("single-threaded io_context") {
        net::io_context io;
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        int ok = 0;
        std::set<const AccessToken*> distinct;
        for (int i = 0; i < 1000; ++i)
            client.async_get_token([&](error_code ec, TokenPtr t) {
                if (!ec) ++ok;
                distinct.insert(t.get());
            });
        io.run();
        CHECK(ok == 1000);
        CHECK(distinct.size() == 1);
        CHECK(emu.stats().token_requests == 1);
    }
    SECTION("4-thread io_context") {
        net::thread_pool pool(4);
        TokenClient client(pool.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
        std::atomic<int> ok{0};
        std::vector<std::thread> callers;
        for (int t = 0; t < 4; ++t)
            callers.emplace_back([&] {
                for (int i = 0; i < 250; ++i)
                    client.async_get_token(net::bind_executor(pool.get_executor(), [&](error_code ec, TokenPtr) {
                        if (!ec) ++ok;
                    }));
            });
        for (auto& c : callers) c.join();
        for (int i = 0; i < 500 && ok < 1000; ++i) std::this_thread::sleep_for(10ms);
        CHECK(ok == 1000);
        CHECK(emu.stats().token_requests == 1);
        pool.join();
    }
}

TEST_CASE("a stale 401 does not throw away a fresh token", "[client][cache]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    auto first = get_token(client, io).token;
    client.invalidate(first);
    auto second = get_token(client, io).token;
    REQUIRE(second);
    CHECK(second != first);
    client.invalidate(first);  // late 401 for the old token
    CHECK(client.cached_token() == second);
    CHECK(emu.stats().token_requests == 2);
}

TEST_CASE("cancellation ends a request promptly with operation_aborted", "[client][cancel]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    REQUIRE_FALSE(get_token(client, io).ec);
    emu.push_fault(Route::api, Fault::never_reply());
    net::cancellation_signal signal;
    error_code result;
    bool done = false;
    client.async_request(version_root, {}, net::bind_cancellation_slot(signal.slot(), [&](error_code ec, Response) {
                             result = ec;
                             done = true;
                         }));
    net::steady_timer timer(io, 100ms);
    timer.async_wait([&](error_code) { signal.emit(net::cancellation_type::terminal); });
    const auto t0 = std::chrono::steady_clock::now();
    io.restart();
    io.run();
    CHECK(done);
    CHECK(result == net::error::operation_aborted);
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);

    // Waiting for a token can be cancelled too, without cancelling the shared fetch.
    emu.push_fault(Route::token, Fault::delayed(300ms));
    client.invalidate(client.cached_token());
    net::cancellation_signal sig2;
    error_code waiter_ec, other_ec;
    client.async_get_token(net::bind_cancellation_slot(sig2.slot(), [&](error_code ec, TokenPtr) { waiter_ec = ec; }));
    client.async_get_token([&](error_code ec, TokenPtr) { other_ec = ec; });
    net::steady_timer t2(io, 50ms);
    t2.async_wait([&](error_code) { sig2.emit(net::cancellation_type::terminal); });
    io.restart();
    io.run();
    CHECK(waiter_ec == net::error::operation_aborted);
    CHECK_FALSE(other_ec);
}

TEST_CASE("HTTP CONNECT proxy: tunnelled TLS to the site, a refusing proxy is proxy_failed", "[client][proxy]") {
    Emulator emu;
    emu.start();
    sfconnect::test::LoopbackProxy proxy;
    net::io_context io;
    auto o = options_for(emu);
    o.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), o);
    auto out = request(client, io, version_root);
    CHECK_FALSE(out.ec);
    CHECK(proxy.tunnels() == 1);
    CHECK(proxy.last_connect_target() == emu.connect_to());

    sfconnect::test::LoopbackProxy refusing(407);
    auto o2 = options_for(emu);
    o2.proxy = "http://127.0.0.1:" + std::to_string(refusing.port());
    TokenClient client2(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), o2);
    auto refused = get_token(client2, io);
    CHECK(refused.ec == errc::proxy_failed);
    CHECK(refused.diag.http_status == 407);
}

TEST_CASE("connection refused and unresolvable hosts", "[client][connect]") {
    net::io_context io;
    auto creds = ConsumerCredentials::create("3MVG9key", "secret-value-123").value();
    TokenClientOptions o;
    o.proxy = "";
    o.connect_to = "127.0.0.1:1";  // nothing listens on port 1
    o.retry.base_delay = 1ms;
    TokenClient client(io.get_executor(), Site("acme.my.salesforce.com"), creds, o);
    auto out = get_token(client, io);
    CHECK(out.ec == errc::connect_failed);
    CHECK(out.diag.phase == Phase::connect);

    o.connect_to = "no-such-host.invalid:443";
    TokenClient client2(io.get_executor(), Site("acme.my.salesforce.com"), creds, o);
    auto dns = get_token(client2, io);
    CHECK(dns.ec == errc::dns_failed);
    CHECK(dns.diag.phase == Phase::resolve);
}

TEST_CASE("every completion-token style works", "[client][tokens]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));

    // use_awaitable, deferred (the default) and the throwing convenience
    bool coro_ok = false;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            auto a = co_await client.async_get_token(net::use_awaitable);
            auto b = co_await client.async_get_token();
            auto c = co_await client.get_token();
            auto r = co_await client.request(version_root);
            coro_ok = a && a == b && b == c && r.status == 200;
        },
        net::detached);
    io.run();
    CHECK(coro_ok);

    // use_future from a plain thread while the io_context runs elsewhere
    io.restart();
    auto work = net::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    auto fut = client.async_get_token(net::use_future);
    auto fut_req = client.async_request(version_root, {}, net::use_future);
    CHECK(fut.get());
    CHECK(fut_req.get().status == 200);
    work.reset();
    runner.join();

    // plain callback
    bool cb = false;
    client.async_get_token([&](error_code ec, TokenPtr t) { cb = !ec && t; });
    io.restart();
    io.run();
    CHECK(cb);
}

TEST_CASE("the throwing flavour carries the diagnostics, never a secret", "[client][errors]") {
    Emulator emu;
    emu.start();
    emu.set_scenario(Scenario::no_run_as_user);
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    std::string what;
    Diagnostics diag;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            try {
                co_await client.get_token();
            } catch (const ErrorWithDiagnostics& e) {
                what = e.what();
                diag = e.diagnostics();
            }
        },
        net::detached);
    io.run();
    CHECK(what.find("no_run_as_user") != std::string::npos);
    CHECK(diag.hint.find("Run As") != std::string::npos);
    CHECK(what.find(emu.consumer_secret()) == std::string::npos);
}

TEST_CASE("option problems are phase 'setup' and nothing is connected", "[client][setup]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    struct Row {
        const char* name;
        TokenClientOptions options;
        error_code expected;
    };
    std::vector<Row> rows;
    auto bad_ca = options_for(emu);
    bad_ca.ca_file = "/nonexistent/sfconnect-test-ca.pem";
    rows.push_back({"unreadable CA file", bad_ca, errc::tls_failed});
    auto bad_pem = options_for(emu);
    bad_pem.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
    rows.push_back({"unusable CA PEM", bad_pem, errc::tls_failed});
    auto bad_proxy = options_for(emu);
    bad_proxy.proxy = "https://proxy.invalid:443";
    rows.push_back({"bad proxy URL", bad_proxy, errc::proxy_failed});
    auto bad_connect_to = options_for(emu);
    bad_connect_to.connect_to = "no-port-here";
    rows.push_back({"bad connect-to", bad_connect_to, errc::invalid_site});
    for (auto& row : rows) {
        INFO(row.name);
        TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), row.options);
        auto out = get_token(client, io);
        CHECK(out.ec == row.expected);
        CHECK(out.diag.phase == Phase::setup);
        CHECK(to_string(out.diag.phase) == "setup");
        Diagnostics cdiag;
        error_code cec;
        client.async_connect(cdiag, [&](error_code ec, ConnectInfo) { cec = ec; });
        io.restart();
        io.run();
        CHECK(cec == row.expected);
        CHECK(cdiag.phase == Phase::setup);
        CHECK(client.stats().connections == 0);
    }
    CHECK(emu.stats().connections_accepted == 0);
}

TEST_CASE("a deferred refresh that is never run leaves the cached token alone", "[client][refresh]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    auto first = get_token(client, io);
    REQUIRE_FALSE(first.ec);
    Diagnostics diag;
    {
        auto never_run = client.async_refresh_token(diag, net::deferred);
        (void)never_run;
    }
    CHECK(client.cached_token() == first.token);
    CHECK(emu.stats().token_requests == 1);

    // Run, the refresh drops the token and fetches a new one.
    auto refresh = client.async_refresh_token(diag, net::deferred);
    TokenPtr refreshed;
    std::move(refresh)([&](error_code ec, TokenPtr t) {
        CHECK_FALSE(ec);
        refreshed = std::move(t);
    });
    io.restart();
    io.run();
    REQUIRE(refreshed);
    CHECK(refreshed != first.token);
    CHECK(client.cached_token() == refreshed);
    CHECK(emu.stats().token_requests == 2);
}

TEST_CASE("co_await async_*(use_awaitable) throws ErrorWithDiagnostics", "[client][errors]") {
    Emulator emu;
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), Site::parse(emu.site()).value(), creds_for(emu), options_for(emu));
    std::string token_hint, request_message;
    int request_status = 0;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            emu.set_scenario(Scenario::no_run_as_user);
            try {
                co_await client.async_get_token(net::use_awaitable);
            } catch (const ErrorWithDiagnostics& e) {
                token_hint = e.diagnostics().hint;
            }
            emu.set_scenario(Scenario::healthy);  // (the test options hold no errors)
            emu.push_fault(Route::api, Fault::reply_with(404, R"([{"message":"nope","errorCode":"NOT_FOUND"}])"));
            try {
                co_await client.async_request(version_root, net::use_awaitable);
            } catch (const ErrorWithDiagnostics& e) {
                request_message = e.diagnostics().server_message;
                request_status = e.diagnostics().http_status.value_or(0);
            }
        },
        net::detached);
    io.run();
    CHECK(token_hint.find("Run As") != std::string::npos);
    CHECK(request_message == "nope");
    CHECK(request_status == 404);
}

}  // namespace token_client_test
