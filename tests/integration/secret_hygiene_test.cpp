// Secret hygiene: runs every failure path the emulator and a few loopback tricks can produce, with a
// trace sink that records everything, and captures every text sfconnect hands out (Diagnostics,
// exception what(), CheckReport::to_json, trace events). None may contain the consumer secret or
// any access token the emulator issued, raw or form-encoded.
#include <sfconnect/check.hpp>
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/trace.hpp>

#include "catch.hpp"
#include "support/emulator_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <mutex>
#include <set>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace secret_hygiene_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;
using sfconnect::testing::EmulatorOptions;
using sfconnect::testing::Fault;
using sfconnect::testing::Route;
using sfconnect::testing::Scenario;

namespace {

// Everything sfconnect said, as one text, plus what the trace saw.
class Capture {
public:
    void add(std::string_view s) {
        std::lock_guard lock(mutex_);
        text_.append(s).push_back('\n');
    }
    void add(const error_code& ec, const Diagnostics& d) {
        add(to_string(ec, d));
        for (const std::string* s : {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host}) add(*s);
        // The exception the coroutine helpers throw for this failure.
        try {
            throw_on_error(ec, d);
        } catch (const std::exception& e) {
            add(e.what());
        }
    }
    TraceSink sink() {
        return [this](const TraceEvent& e) {
            std::string line = std::string(to_string(e.level)) + " " + std::string(to_string(e.phase)) + " " +
                               e.message + " " + e.method + " " + e.target + " " + std::to_string(e.status) + " " +
                               e.form + " " + e.error_id;
            for (const auto& [name, value] : e.headers) line += " " + name + ": " + value;
            add(line);
            std::lock_guard lock(mutex_);
            phases_.insert(std::string(to_string(e.phase)));
            ++events_;
        };
    }
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }
    std::set<std::string> phases() const {
        std::lock_guard lock(mutex_);
        return phases_;
    }
    std::size_t events() const {
        std::lock_guard lock(mutex_);
        return events_;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
    std::set<std::string> phases_;
    std::size_t events_ = 0;
};

TokenClientOptions options_for(const Emulator& emu, Capture& cap) {
    TokenClientOptions o = test::fast_options_for(emu);
    o.timeouts.request = 3s;
    o.trace = cap.sink();
    return o;
}

ConsumerCredentials creds(std::string_view key, std::string_view secret) {
    return ConsumerCredentials::create(key, secret).value();
}

// One client, used synchronously.
struct Client {
    net::io_context io;
    TokenClient client;
    Capture& cap;

    Client(const Emulator& emu, Capture& c, TokenClientOptions o)
        : client(io.get_executor(), sfconnect::testing::site_of(emu), creds(emu.consumer_key(), emu.consumer_secret()),
                 std::move(o)),
          cap(c) {}
    Client(const Emulator& emu, Capture& c, TokenClientOptions o, std::string_view key, std::string_view secret)
        : client(io.get_executor(), sfconnect::testing::site_of(emu), creds(key, secret), std::move(o)), cap(c) {}

    void drive() {
        io.restart();
        io.run();
    }
    TokenPtr token() {
        Diagnostics d;
        error_code ec;
        TokenPtr tok;
        client.async_get_token(d, [&](error_code e, TokenPtr t) {
            ec = e;
            tok = std::move(t);
        });
        drive();
        if (ec) cap.add(ec, d);
        return tok;
    }
    error_code request(Target target) {
        Diagnostics d;
        error_code ec;
        Response res;
        client.async_request(std::move(target), RequestOptions{}, d, [&](error_code e, Response r) {
            ec = e;
            res = std::move(r);
        });
        drive();
        if (ec) cap.add(ec, d);
        return ec;
    }
    void revoke(TokenPtr t) {
        Diagnostics d;
        error_code ec;
        client.async_revoke(std::move(t), d, [&](error_code e, bool) { ec = e; });
        drive();
        if (ec) cap.add(ec, d);
    }
    void introspect() {
        Diagnostics d;
        error_code ec;
        client.async_introspect(d, [&](error_code e, Introspection) { ec = e; });
        drive();
        if (ec) cap.add(ec, d);
    }
};

void check_report(const Emulator& emu, Capture& cap, TokenClientOptions o, std::string_view secret) {
    net::io_context io;
    CheckInput in{emu.site(), emu.consumer_key(), Secret(secret)};
    async_check(io.get_executor(), std::move(in), std::move(o), CheckOptions{}, [&](error_code ec, CheckReport r) {
        cap.add(r.to_json());
        if (ec) cap.add(std::string(error_id(ec)));
    });
    io.run();
}

std::string form_encoded(std::string_view s) {
    std::string out;
    detail::append_form_encoded(out, s);
    return out;
}

const auto v = ApiVersion::default_version();

// Every REST path the client takes: success, 404, 405-like misuse, a query, limits.
void rest_paths(Client& c) {
    c.request(endpoints::version_root.bind(v));
    c.request(endpoints::limits.bind(v));
    c.request(endpoints::sobject.bind(v, "Account", "001000000000000AAA"));
    c.request(endpoints::query.bind(v));  // no q: MALFORMED_QUERY
    Diagnostics d;
    c.request(runtime_target(Method::get, "/services/data/v" + std::string(v.str()) + "/nope", d).value());
}

}  // namespace

TEST_CASE("secret hygiene: no failure path leaks the consumer secret or an access token", "[hygiene][trace]") {
    Capture cap;
    std::set<std::string> secrets;
    Emulator org;
    org.start();
    secrets.insert(org.consumer_secret());

    // Healthy flows first (they issue tokens the later failures must not reveal).
    {
        Client c(org, cap, options_for(org, cap));
        TokenPtr tok = c.token();
        REQUIRE(tok);
        rest_paths(c);
        c.introspect();
        org.expire_all_tokens();  // 401 -> refetch -> replay
        c.request(endpoints::version_root.bind(v));
        c.revoke(c.token());
        c.revoke(tok);  // already invalid: invalid_token error
        c.request(endpoints::version_root.bind(v));
    }
    {
        TokenClientOptions o = options_for(org, cap);
        o.use_basic_auth = true;
        Client c(org, cap, o);
        REQUIRE(c.token());
        c.request(endpoints::version_root.bind(v));
    }

    // Every org state, through the client and through Save & Check.
    for (const Scenario s : sfconnect::testing::all_scenarios()) {
        org.set_scenario(s);
        Client c(org, cap, options_for(org, cap));
        c.token();
        rest_paths(c);
        c.introspect();
        check_report(org, cap, options_for(org, cap), org.consumer_secret());
    }
    org.set_scenario(Scenario::healthy);

    // Wrong key, wrong secret (form and Basic).
    for (const bool basic : {false, true}) {
        TokenClientOptions o = options_for(org, cap);
        o.use_basic_auth = basic;
        const std::string wrong_secret = "F00DBABE" + org.consumer_secret().substr(8);
        secrets.insert(wrong_secret);
        Client wrong_key(org, cap, o, "3MVG9wrongKeyForHygieneTest", org.consumer_secret());
        wrong_key.token();
        Client wrong_secret_client(org, cap, o, org.consumer_key(), wrong_secret);
        wrong_secret_client.token();
        wrong_secret_client.request(endpoints::version_root.bind(v));
        check_report(org, cap, o, wrong_secret);
    }

    // Transport faults on every route, and replies from a hostile server that echo the secrets.
    {
        TokenClientOptions o = options_for(org, cap);
        o.timeouts.request = 300ms;
        Client c(org, cap, o);
        TokenPtr tok = c.token();
        REQUIRE(tok);
        const std::string token(tok->access_token.reveal());
        const std::vector<Fault> faults = {
            Fault::close_before_reply(),
            Fault::close_mid_body(),
            Fault::never_reply(),
            Fault::redirect_to("https://evil.example.com/steal"),
            Fault::reply_with(500, "<html>oops</html>", "text/html"),
            Fault::reply_with(400, R"({"error":"invalid_grant","error_description":"secret )" + org.consumer_secret() +
                                       " token " + token + R"("})"),
            Fault::reply_with(401, R"([{"errorCode":"INVALID_SESSION_ID","message":"token )" + token + R"("}])"),
            Fault::reply_with(403, R"([{"errorCode":"X","message":")" + token + " " + org.consumer_secret() + R"("}])"),
            Fault::reply_with(200,
                              R"({"access_token":")" + token +
                                  R"(","instance_url":"https://evil.example.com",)"
                                  R"("id":"https://login.salesforce.com/id/00D5g000004sfcAEAQ/0055g00000AbCdEAAY",)"
                                  R"("token_type":"Bearer","issued_at":"1700000000000"})"),
            Fault::reply_with(200, R"({"access_token":")" + token + R"(","signature":"AAAA"})"),
            Fault::reply_with(200, "not json " + token, "text/plain"),
        };
        for (const Route route : {Route::token, Route::api, Route::introspect, Route::revoke}) {
            for (const Fault& f : faults) {
                org.push_fault(route, f);
                if (route == Route::token) {
                    c.client.invalidate(c.client.cached_token());
                    c.token();
                } else if (route == Route::api) {
                    c.request(endpoints::version_root.bind(v));
                } else if (route == Route::introspect) {
                    c.introspect();
                } else {
                    c.revoke(c.token());
                }
                org.clear_faults();
            }
        }
        check_report(org, cap, o, org.consumer_secret());
    }

    // Random 503s and dropped connections.
    {
        EmulatorOptions eo;
        eo.api_unavailable_probability = 0.3;
        eo.drop_connection_probability = 0.3;
        eo.random_seed = 42;
        eo.token_lifetime = 200ms;
        Emulator flaky(eo);
        flaky.start();
        secrets.insert(flaky.consumer_secret());
        Client c(flaky, cap, options_for(flaky, cap));
        for (int i = 0; i < 40; ++i) c.request(endpoints::version_root.bind(v));
        for (const auto& t : flaky.issued_tokens()) secrets.insert(t);
    }

    // Connection refused, TLS verification failure, timeout while connecting through a silent peer.
    {
        std::uint16_t closed_port = 0;
        {
            net::io_context io;
            net::ip::tcp::acceptor a(io, {net::ip::address_v4::loopback(), 0});
            closed_port = a.local_endpoint().port();
        }
        TokenClientOptions o = options_for(org, cap);
        o.connect_to = "127.0.0.1:" + std::to_string(closed_port);
        Client refused(org, cap, o);
        refused.token();
        refused.request(endpoints::version_root.bind(v));
        check_report(org, cap, o, org.consumer_secret());

        TokenClientOptions wrong_ca = options_for(org, cap);
        wrong_ca.ca_pem = sfconnect::testing::TestCertificateAuthority{}.certificate_pem();
        Client untrusted(org, cap, wrong_ca);
        untrusted.token();
        check_report(org, cap, wrong_ca, org.consumer_secret());

        net::io_context io;
        net::ip::tcp::acceptor silent(io, {net::ip::address_v4::loopback(), 0});  // accepts (backlog), never speaks
        TokenClientOptions slow = options_for(org, cap);
        slow.connect_to = "127.0.0.1:" + std::to_string(silent.local_endpoint().port());
        slow.timeouts.tls_handshake = 200ms;
        Client hung(org, cap, slow);
        hung.token();
    }

    for (const auto& t : org.issued_tokens()) secrets.insert(t);
    REQUIRE(org.issued_tokens().size() >= 5);

    const std::string all = cap.text();
    REQUIRE(all.size() > 10000);
    CHECK(cap.events() > 200);
    for (const char* phase :
         {"connect", "tls_handshake", "request_sent", "response", "retry", "token_fetched", "token_refetch", "error"}) {
        INFO("trace phase " << phase);
        CHECK(cap.phases().count(phase) == 1);
    }
    // The token request was traced, with its secret redacted (the capture proves the redactor ran).
    CHECK(all.find("client_secret=[redacted]") != std::string::npos);
    CHECK(all.find("Authorization: Bearer [redacted]") != std::string::npos);
    CHECK(all.find("Authorization: Basic [redacted]") != std::string::npos);

    // On failure, show where: the lines around each find, with the secret itself replaced.
    std::string leaks;
    for (const auto& s : secrets) {
        REQUIRE(s.size() >= 16);
        for (const std::string& needle : {s, form_encoded(s)}) {
            for (std::size_t at = all.find(needle); at != std::string::npos; at = all.find(needle, at + 1)) {
                const std::size_t begin = all.rfind('\n', at) == std::string::npos ? 0 : all.rfind('\n', at) + 1;
                const std::size_t end = std::min(all.find('\n', at), begin + 300);
                std::string line = all.substr(begin, end - begin);
                for (std::size_t p = line.find(needle); p != std::string::npos; p = line.find(needle))
                    line.replace(p, needle.size(), "<SECRET>");
                leaks += line + "\n";
            }
        }
    }
    CHECK(leaks == "");
}

TEST_CASE("secret hygiene: the JWT bearer flow leaks neither the private key nor an assertion", "[hygiene][jwt]") {
    Capture cap;
    const auto app = sfconnect::testing::make_jwt_signing_pair();
    EmulatorOptions eo;
    eo.jwt_certificate_pem = app.certificate_pem;
    Emulator org(eo);
    org.start();
    const auto jwt_client = [&](std::string_view pem, TokenClientOptions o) {
        net::io_context io;
        TokenClient client(io.get_executor(), sfconnect::testing::site_of(org),
                           sfconnect::testing::jwt_credentials_for(org, pem), std::move(o));
        Diagnostics d;
        error_code ec;
        client.async_get_token(d, [&](error_code e, TokenPtr) { ec = e; });
        io.run();
        if (ec) cap.add(ec, d);
        Diagnostics rd;
        client.async_request(endpoints::version_root.bind(v), RequestOptions{}, rd, [&](error_code e, Response) {
            if (e) cap.add(e, rd);
        });
        io.restart();
        io.run();
    };
    jwt_client(app.private_key_pem, options_for(org, cap));
    const auto other = sfconnect::testing::make_jwt_signing_pair();
    jwt_client(other.private_key_pem, options_for(org, cap));  // invalid_assertion
    for (const Scenario s : sfconnect::testing::all_scenarios()) {
        org.set_scenario(s);
        jwt_client(app.private_key_pem, options_for(org, cap));
        net::io_context io;
        CheckInput in;
        in.site = org.site();
        in.consumer_key = org.consumer_key();
        in.flow = "jwt_bearer";
        in.username = org.options().username;
        in.private_key_pem = Secret(app.private_key_pem);
        async_check(io.get_executor(), std::move(in), options_for(org, cap), CheckOptions{},
                    [&](error_code ec, CheckReport r) {
                        cap.add(r.to_json());
                        if (ec) cap.add(std::string(error_id(ec)));
                    });
        io.run();
    }
    // A key given where the certificate belongs, and the certificate where the key belongs.
    Diagnostics d;
    auto wrong = JwtBearerCredentials::create(org.consumer_key(), org.options().username, app.certificate_pem, d);
    if (!wrong) cap.add(wrong.error(), d);
    auto damaged = app.private_key_pem;
    damaged[damaged.size() / 2] = '*';
    auto bad = JwtBearerCredentials::create(org.consumer_key(), org.options().username, damaged, d);
    if (!bad) cap.add(bad.error(), d);

    // Secrets: every body line of both private keys, every token issued, and any assertion: each
    // starts with base64url({"alg":"RS256"}) and its claims with base64url({"iss":...).
    std::vector<std::string> secrets{"eyJhbGciOiJSUzI1NiJ9", "eyJpc3MiOi"};
    for (const std::string* pem : {&app.private_key_pem, &other.private_key_pem})
        detail::for_each_pem_body_line(*pem, [&](std::string_view line) { secrets.emplace_back(line); });
    // The emulator records bodies with the assertion redacted, as it does the client secret.
    for (const auto& r : org.recent_requests()) CHECK(r.body.find("eyJhbGciOiJSUzI1NiJ9") == std::string::npos);
    for (const auto& t : org.issued_tokens()) secrets.push_back(t);
    const std::string all = cap.text();
    CHECK(all.find("assertion=[redacted]") != std::string::npos);  // the trace saw the body, redacted
    std::string leaks;
    for (const auto& s : secrets) {
        REQUIRE(s.size() >= 10);
        if (all.find(s) != std::string::npos) leaks += s.substr(0, 8) + "...\n";
    }
    CHECK(leaks == "");
}

}  // namespace secret_hygiene_test
