// The JWT bearer flow end to end: TokenClient and BasicTokenClient against the emulator over real
// TLS, the emulator checking each assertion for real (signature, iss, aud, exp, sub, pre-authorisation).
#include <sfconnect/basic_token_client.hpp>
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>

#include "catch.hpp"
#include "support/emulator_client.hpp"
#include "support/offset_clock.hpp"
#include "support/token_outcome.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace jwt_bearer_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;
using sfconnect::testing::EmulatorOptions;
using sfconnect::testing::Scenario;

namespace {

const testing::KeyPairPem& app_pair() {
    static const testing::KeyPairPem p = testing::make_jwt_signing_pair();
    return p;
}

EmulatorOptions jwt_org(std::string site = "demo.my.salesforce.com") {
    EmulatorOptions o;
    o.site = std::move(site);
    o.jwt_certificate_pem = app_pair().certificate_pem;
    return o;
}

// A clock that tests can set behind or ahead of real time.
struct skew_clock_tag;
using SkewClock = test::OffsetClock<skew_clock_tag>;

using test::get_token;
using test::Outcome;

Outcome fetch(const Emulator& emu, JwtBearerCredentials creds) {
    net::io_context io;
    TokenClient client(io.get_executor(), testing::site_of(emu), std::move(creds), test::fast_options_for(emu));
    return get_token(client, io);
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// No key material and no assertion in anything a failure shows.
void check_no_key_material(const Outcome& out, const Emulator& emu) {
    const std::string all = out.diag.message + '|' + out.diag.hint + '|' + out.diag.server_error + '|' +
                            out.diag.server_message + '|' + out.diag.host;
    const std::string& pem = app_pair().private_key_pem;
    CHECK_FALSE(contains(all, pem.substr(pem.find('\n') + 1, 32)));
    CHECK_FALSE(contains(all, "eyJhbGciOiJSUzI1NiJ9"));  // base64url of {"alg":"RS256"}: an assertion
    for (const auto& r : emu.recent_requests()) CHECK_FALSE(contains(all, r.body));
}

}  // namespace

TEST_CASE("jwt: a token over TLS, no signature, REST works, cached", "[jwt][client][tls]") {
    Emulator emu(jwt_org());
    emu.start();
    net::io_context io;
    TokenClient client(io.get_executor(), testing::site_of(emu),
                       testing::jwt_credentials_for(emu, app_pair().private_key_pem), test::fast_options_for(emu));
    auto out = get_token(client, io);
    REQUIRE_FALSE(out.ec);
    REQUIRE(out.token);
    CHECK_FALSE(out.token->signature_verified);
    CHECK(out.token->signature.empty());
    CHECK(out.token->instance_url == emu.instance_url());
    auto again = get_token(client, io);
    CHECK(again.token == out.token);
    CHECK(emu.stats().token_requests == 1);

    auto reqs = emu.recent_requests();
    REQUIRE(reqs.size() == 1);
    CHECK(contains(reqs[0].body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"));
    CHECK_FALSE(contains(reqs[0].body, "client_secret"));

    Diagnostics diag;
    error_code ec;
    Response res;
    client.async_request(endpoints::version_root.bind("62.0"), RequestOptions{}, diag, [&](error_code e, Response r) {
        ec = e;
        res = std::move(r);
    });
    io.restart();
    io.run();
    CHECK_FALSE(ec);
    CHECK(res.status == 200);
}

TEST_CASE("jwt: the audience follows the Site's kind, an override and a wrong pair", "[jwt][client][audience]") {
    SECTION("sandbox Site: test.salesforce.com") {
        Emulator emu(jwt_org("acme--uat.sandbox.my.salesforce.com"));
        emu.start();
        auto out = fetch(emu, testing::jwt_credentials_for(emu, app_pair().private_key_pem));
        REQUIRE_FALSE(out.ec);
        auto creds = testing::jwt_credentials_for(emu, app_pair().private_key_pem);
        Diagnostics d;
        REQUIRE_FALSE(creds.set_audience("https://login.salesforce.com", d));
        auto wrong_pair = fetch(emu, std::move(creds));
        CHECK(wrong_pair.ec == oauth_errc::user_not_approved);
        CHECK(contains(wrong_pair.diag.hint, "10 minutes"));
        CHECK(contains(wrong_pair.diag.hint, "audience"));
    }
    SECTION("production Site with an override") {
        Emulator emu(jwt_org());
        emu.start();
        auto creds = testing::jwt_credentials_for(emu, app_pair().private_key_pem);
        Diagnostics d;
        REQUIRE_FALSE(creds.set_audience("https://login.salesforce.com/", d));
        CHECK_FALSE(fetch(emu, creds).ec);
        REQUIRE_FALSE(creds.set_audience("https://demo.my.salesforce.com", d));  // the My Domain: never valid
        auto out = fetch(emu, creds);
        CHECK(out.ec == oauth_errc::invalid_audience);
        CHECK(error_id(out.ec) == "invalid_audience");
        check_no_key_material(out, emu);
    }
}

TEST_CASE("jwt: a skewed clock gives assertion_expired", "[jwt][client][clock]") {
    Emulator emu(jwt_org());
    emu.start();
    for (const auto skew : {-10min, 10min}) {
        INFO("skew " << std::chrono::duration_cast<std::chrono::minutes>(skew).count() << " min");
        net::io_context io;
        BasicTokenClient<HttpsTransport, SkewClock> client(
            io.get_executor(), testing::site_of(emu), testing::jwt_credentials_for(emu, app_pair().private_key_pem),
            test::fast_options_for(emu));
        SkewClock::offset = skew;
        auto out = get_token(client, io);
        SkewClock::offset = {};
        CHECK(out.ec == oauth_errc::assertion_expired);
        CHECK(contains(out.diag.hint, "clock"));
        check_no_key_material(out, emu);
    }
    net::io_context io;
    BasicTokenClient<HttpsTransport, SkewClock> client(io.get_executor(), testing::site_of(emu),
                                                       testing::jwt_credentials_for(emu, app_pair().private_key_pem),
                                                       test::fast_options_for(emu));
    CHECK_FALSE(get_token(client, io).ec);  // the same clock without skew
}

TEST_CASE("jwt: every refusal has its stable id, an admin hint and no key material", "[jwt][client][errors]") {
    SECTION("wrong key pair") {
        Emulator emu(jwt_org());
        emu.start();
        const auto other = testing::make_jwt_signing_pair();
        auto out = fetch(emu, testing::jwt_credentials_for(emu, other.private_key_pem));
        CHECK(out.ec == oauth_errc::invalid_assertion);
        CHECK(contains(out.diag.hint, "Use digital signatures"));
        check_no_key_material(out, emu);
    }
    SECTION("unknown user") {
        Emulator emu(jwt_org());
        emu.start();
        auto creds = JwtBearerCredentials::create(emu.consumer_key(), "nobody@demo.sfconnect.example",
                                                  app_pair().private_key_pem)
                         .value();
        auto out = fetch(emu, std::move(creds));
        CHECK(out.ec == oauth_errc::unknown_user);
        CHECK(contains(out.diag.hint, "sandbox"));
    }
    SECTION("wrong consumer key (iss)") {
        Emulator emu(jwt_org());
        emu.start();
        auto creds =
            JwtBearerCredentials::create("3MVG9OtherApp", emu.options().username, app_pair().private_key_pem).value();
        CHECK(fetch(emu, std::move(creds)).ec == oauth_errc::invalid_assertion);
    }
    SECTION("user not pre-authorized") {
        EmulatorOptions o = jwt_org();
        o.jwt_user_preauthorized = false;
        Emulator emu(o);
        emu.start();
        auto out = fetch(emu, testing::jwt_credentials_for(emu, app_pair().private_key_pem));
        CHECK(out.ec == oauth_errc::user_not_approved);
        CHECK(contains(out.diag.hint, "pre-authorized"));
        CHECK(contains(out.diag.hint, "permission set"));
        CHECK(contains(out.diag.hint, "10 minutes"));
    }
    SECTION("no certificate uploaded") {
        EmulatorOptions o = jwt_org();
        o.jwt_certificate_pem.clear();
        Emulator bare(o);
        bare.start();
        CHECK(fetch(bare, testing::jwt_credentials_for(bare, app_pair().private_key_pem)).ec ==
              oauth_errc::invalid_assertion);
    }
    SECTION("each JWT scenario") {
        Emulator emu(jwt_org());
        emu.start();
        const std::pair<Scenario, oauth_errc> cases[] = {
            {Scenario::invalid_assertion, oauth_errc::invalid_assertion},
            {Scenario::invalid_audience, oauth_errc::invalid_audience},
            {Scenario::user_not_approved, oauth_errc::user_not_approved},
            {Scenario::unknown_user, oauth_errc::unknown_user},
            {Scenario::assertion_expired, oauth_errc::assertion_expired},
            {Scenario::login_rate_exceeded, oauth_errc::login_rate_exceeded},
            {Scenario::propagation_delay, oauth_errc::invalid_client_id},
        };
        for (const auto& [scenario, code] : cases) {
            INFO(testing::to_string(scenario));
            emu.set_scenario(scenario);
            auto out = fetch(emu, testing::jwt_credentials_for(emu, app_pair().private_key_pem));
            CHECK(out.ec == code);
            CHECK_FALSE(out.diag.hint.empty());
            check_no_key_material(out, emu);
        }
    }
}

}  // namespace jwt_bearer_test
