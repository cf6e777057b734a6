// JwtBearerCredentials validation, the JWT grant's assertion (checked by the emulator's own
// verifier, an independent oracle) and the reply rules of the unsigned grant.
#include <sfconnect/access_token.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/jwt_bearer_credentials.hpp>
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/org_model.hpp>  // compiled in org_model_test.cpp
#include <sfconnect/detail/jwt_grant.hpp>
#include <sfconnect/testing/detail/jwt_check.hpp>

#include "catch.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace jwt_credentials_test {

using namespace sfconnect;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view key = "3MVG9JwtTestKeyabcdefghij";
constexpr std::string_view user = "integration@acme.example.com";

const testing::KeyPairPem& pair() {
    static const testing::KeyPairPem p = testing::make_jwt_signing_pair();
    return p;
}

// The base64 body of a PEM (its second line): any appearance in output is a leak.
std::string pem_marker(const std::string& pem) {
    const auto a = pem.find('\n') + 1;
    return pem.substr(a, 40);
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

void check_no_leak(const Diagnostics& d, const std::string& marker) {
    for (const std::string* f : {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host})
        CHECK_FALSE(contains(*f, marker));
}

std::string write_pem(EVP_PKEY* k, const EVP_CIPHER* cipher) {
    BIO* bio = BIO_new(BIO_s_mem());
    static char pass[] = "passphrase";
    PEM_write_bio_PrivateKey(bio, k, cipher, cipher ? reinterpret_cast<unsigned char*>(pass) : nullptr, cipher ? 10 : 0,
                             nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

struct Failure {
    error_code ec;
    Diagnostics diag;
};

Failure create_fails(std::string_view k, std::string_view u, std::string_view pem) {
    Failure f;
    auto r = JwtBearerCredentials::create(k, u, pem, f.diag);
    REQUIRE_FALSE(r);
    f.ec = r.error();
    return f;
}

}  // namespace

TEST_CASE("jwt credentials: a good key, username and PEM are accepted and never printed", "[jwt][credentials]") {
    Diagnostics diag;
    auto c = JwtBearerCredentials::create(key, user, pair().private_key_pem, diag);
    REQUIRE(c);
    CHECK(c->consumer_key() == key);
    CHECK(c->username() == user);
    CHECK(c->private_key_pem().reveal() == pair().private_key_pem);
    CHECK(c->audience().empty());
    CHECK(c->assertion_lifetime() == 180s);
    std::ostringstream os;
    os << *c;
    CHECK(contains(os.str(), "private_key=[redacted]"));
    CHECK_FALSE(contains(os.str(), pem_marker(pair().private_key_pem)));
    CHECK(check_private_key_pem(pair().private_key_pem) == JwtCredentialProblem::none);
}

TEST_CASE("jwt credentials: each wrong key material is named with its fix", "[jwt][credentials]") {
    const std::string marker = pem_marker(pair().private_key_pem);
    SECTION("a certificate instead of the key") {
        auto f = create_fails(key, user, pair().certificate_pem);
        CHECK(f.ec == errc::invalid_credentials);
        CHECK(f.diag.phase == Phase::credentials);
        CHECK(contains(f.diag.message, "is a certificate, not a private key"));
        CHECK(check_private_key_pem(pair().certificate_pem) == JwtCredentialProblem::certificate_not_key);
    }
    SECTION("an encrypted key") {
        EVP_PKEY* k = EVP_RSA_gen(2048);
        const std::string pem = write_pem(k, EVP_aes_256_cbc());
        EVP_PKEY_free(k);
        auto f = create_fails(key, user, pem);
        CHECK(contains(f.diag.message, "encrypted with a passphrase"));
        CHECK(contains(f.diag.message, "openssl pkey"));
        CHECK(check_private_key_pem(pem) == JwtCredentialProblem::encrypted_key);
    }
    SECTION("an EC key") {
        EVP_PKEY* k = EVP_EC_gen("P-256");
        const std::string pem = write_pem(k, nullptr);
        EVP_PKEY_free(k);
        auto f = create_fails(key, user, pem);
        CHECK(contains(f.diag.message, "not an RSA key"));
        CHECK(check_private_key_pem(pem) == JwtCredentialProblem::not_rsa);
    }
    SECTION("a short RSA key") {
        const auto small = testing::make_jwt_signing_pair(1024);
        CHECK(check_private_key_pem(small.private_key_pem) == JwtCredentialProblem::key_too_short);
        auto f = create_fails(key, user, small.private_key_pem);
        CHECK(contains(f.diag.message, "2048"));
    }
    SECTION("not PEM, a public key, a damaged key") {
        CHECK(check_private_key_pem("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC") == JwtCredentialProblem::not_pem);
        CHECK(check_private_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") ==
              JwtCredentialProblem::public_key_not_private);
        std::string damaged = pair().private_key_pem;
        damaged[damaged.size() / 2] = '*';
        CHECK(check_private_key_pem(damaged) == JwtCredentialProblem::unreadable_key);
        auto f = create_fails(key, user, damaged);
        check_no_leak(f.diag, marker);
        CHECK(check_private_key_pem("") == JwtCredentialProblem::empty);
    }
    SECTION("a key and a certificate in one file is fine") {
        CHECK(check_private_key_pem(pair().certificate_pem + pair().private_key_pem) == JwtCredentialProblem::none);
    }
}

TEST_CASE("jwt credentials: usernames must be Salesforce usernames", "[jwt][credentials]") {
    CHECK(check_jwt_username("a@b.co") == JwtCredentialProblem::none);
    CHECK(check_jwt_username("ops@acme.com.uat") == JwtCredentialProblem::none);
    CHECK(check_jwt_username("") == JwtCredentialProblem::empty);
    CHECK(check_jwt_username(" a@b.co") == JwtCredentialProblem::surrounding_whitespace);
    CHECK(check_jwt_username("\"a@b.co\"") == JwtCredentialProblem::surrounding_quotes);
    CHECK(check_jwt_username("a@b.co\n") == JwtCredentialProblem::surrounding_whitespace);
    CHECK(check_jwt_username("a\tb@b.co") == JwtCredentialProblem::control_character);
    for (std::string_view bad : {"integration", "a@b", "@b.co", "a@@b.co", "a@b@c.co", "a@.co", "a@b.", "a b@c.co"}) {
        INFO(bad);
        CHECK(check_jwt_username(bad) == JwtCredentialProblem::not_email);
    }
    auto f = create_fails(key, "integration", pair().private_key_pem);
    CHECK(contains(f.diag.message, "name@company.com"));
    auto k = create_fails("", user, pair().private_key_pem);
    CHECK(contains(k.diag.message, "Consumer Key"));
}

TEST_CASE("jwt credentials: from a file and from the environment", "[jwt][credentials]") {
    const auto path = std::filesystem::temp_directory_path() / ("sfconnect-jwt-" + std::to_string(::getpid()) + ".key");
    { std::ofstream(path) << pair().private_key_pem; }
    Diagnostics diag;
    auto c = JwtBearerCredentials::from_file(key, user, path.string(), diag);
    REQUIRE(c);
    CHECK(c->private_key_pem().reveal() == pair().private_key_pem);
    { std::ofstream(path) << pair().certificate_pem; }
    auto cert = JwtBearerCredentials::from_file(key, user, path.string(), diag);
    REQUIRE_FALSE(cert);
    CHECK(contains(diag.message, "is a certificate"));
    CHECK(contains(diag.message, path.string()));
    std::filesystem::remove(path);
    auto missing = JwtBearerCredentials::from_file(key, user, path.string(), diag);
    REQUIRE_FALSE(missing);
    CHECK(contains(diag.message, "could not be read"));

    ::setenv("SFC_JWT_TEST_KEY", std::string(key).c_str(), 1);
    ::setenv("SFC_JWT_TEST_USER", std::string(user).c_str(), 1);
    ::unsetenv("SFC_JWT_TEST_PEM");
    auto unset = JwtBearerCredentials::from_env(diag, "SFC_JWT_TEST_KEY", "SFC_JWT_TEST_USER", "SFC_JWT_TEST_PEM");
    REQUIRE_FALSE(unset);
    CHECK(contains(diag.message, "SFC_JWT_TEST_PEM"));
    ::setenv("SFC_JWT_TEST_PEM", pair().private_key_pem.c_str(), 1);
    auto env = JwtBearerCredentials::from_env(diag, "SFC_JWT_TEST_KEY", "SFC_JWT_TEST_USER", "SFC_JWT_TEST_PEM");
    REQUIRE(env);
    CHECK(env->username() == user);
    ::unsetenv("SFC_JWT_TEST_PEM");
}

TEST_CASE("jwt credentials: audience and lifetime", "[jwt][credentials]") {
    CHECK(default_audience(Site::from("acme.my.salesforce.com")) == "https://login.salesforce.com");
    CHECK(default_audience(Site::from("acme-dev-ed.develop.my.salesforce.com")) == "https://login.salesforce.com");
    CHECK(default_audience(Site::from("acme--uat.sandbox.my.salesforce.com")) == "https://test.salesforce.com");
    CHECK(default_audience(Site::from("fun-org-1234.scratch.my.salesforce.com")) == "https://test.salesforce.com");
    auto c = JwtBearerCredentials::create(key, user, pair().private_key_pem).value();
    Diagnostics diag;
    CHECK(c.set_audience("https://acme.my.site.com/partners", diag) == error_code{});
    CHECK(c.audience() == "https://acme.my.site.com/partners");
    for (std::string_view bad : {"login.salesforce.com", "http://login.salesforce.com", "https://", "https://a.com?x",
                                 " https://login.salesforce.com", "https://user@login.salesforce.com"}) {
        INFO(bad);
        CHECK(c.set_audience(bad, diag) == errc::invalid_credentials);
        CHECK(c.audience() == "https://acme.my.site.com/partners");
    }
    CHECK(c.set_assertion_lifetime(60s, diag) == error_code{});
    CHECK(c.assertion_lifetime() == 60s);
    CHECK(c.set_assertion_lifetime(181s, diag) == errc::invalid_credentials);
    CHECK(contains(diag.message, "3 minutes"));
    CHECK(c.set_assertion_lifetime(0s, diag) == errc::invalid_credentials);
    CHECK(c.assertion_lifetime() == 60s);
}

TEST_CASE("jwt grant: the assertion verifies with the app's certificate (emulator oracle)", "[jwt][grant]") {
    const Site site = Site::from("acme--uat.sandbox.my.salesforce.com");
    auto c = JwtBearerCredentials::create(key, user, pair().private_key_pem).value();
    detail::jwt_bearer_grant grant(std::move(c), site);
    CHECK(grant.audience() == "https://test.salesforce.com");
    CHECK(grant.identity().flow == "jwt_bearer");
    CHECK(grant.identity().subject == user);
    CHECK(grant.identity().consumer_key == key);

    const auto now = std::chrono::system_clock::now();
    HttpRequest req;
    Diagnostics diag;
    REQUIRE_FALSE(grant.build_request(req, now, TokenClientOptions{}, diag));
    const std::string& body = req.body();
    constexpr std::string_view prefix = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
    REQUIRE(body.substr(0, prefix.size()) == prefix);
    const std::string assertion = body.substr(prefix.size());

    testing::detail::JwtExpectations e;
    e.certificate_pem = pair().certificate_pem;
    e.consumer_key = key;
    e.username = user;
    e.audience = "https://test.salesforce.com";
    e.other_audience = "https://login.salesforce.com";
    e.now_seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    CHECK(testing::detail::check_assertion(assertion, e).empty());
    // exp is in seconds, 180 s ahead: one second past it the oracle refuses it as expired.
    e.now_seconds += 180;
    CHECK(testing::detail::check_assertion(assertion, e) == "expired authorization code");
    e.now_seconds -= 180;
    // Another key pair's certificate does not verify it.
    const auto other = testing::make_jwt_signing_pair();
    e.certificate_pem = other.certificate_pem;
    CHECK(testing::detail::check_assertion(assertion, e) == "invalid assertion");
    // Each fetch signs a fresh assertion (new jti).
    HttpRequest again;
    REQUIRE_FALSE(grant.build_request(again, now, TokenClientOptions{}, diag));
    CHECK(again.body() != body);
}

TEST_CASE("jwt grant: the org model checks exp against its own clock, not the real one", "[jwt][org_model][clock]") {
    // A wall time far from today: if the model read the real clock, every assertion would be expired.
    const std::chrono::system_clock::time_point signed_at{std::chrono::seconds(2000000000)};
    testing::OrgTime t{std::chrono::steady_clock::time_point{}, signed_at};
    testing::EmulatorOptions options;
    options.consumer_key = std::string(key);
    options.username = std::string(user);
    options.jwt_certificate_pem = pair().certificate_pem;
    options.clock = [&t] { return t; };
    testing::OrgModel org(options);

    const Site site = Site::from(org.options().site);
    detail::jwt_bearer_grant grant(JwtBearerCredentials::create(key, user, pair().private_key_pem).value(), site);
    const auto token_post = [&] {
        HttpRequest req;
        Diagnostics diag;
        REQUIRE_FALSE(grant.build_request(req, signed_at, TokenClientOptions{}, diag));  // exp = signed_at + 180 s
        testing::OrgRequest r;
        r.method = "POST";
        r.target = "/services/oauth2/token";
        r.headers = {{"Host", org.options().site}, {"Content-Type", "application/x-www-form-urlencoded"}};
        r.body = req.body();
        return org.handle(r);
    };
    const testing::OrgReply fresh = token_post();
    CHECK(fresh.status == 200);
    CHECK(contains(fresh.body, "\"issued_at\":\"2000000000000\""));
    t.wall += 179s;
    CHECK(token_post().status == 200);
    t.wall += 1s;  // exp reached on the org's clock
    const testing::OrgReply expired = token_post();
    CHECK(expired.status == 400);
    CHECK(contains(expired.body, "expired authorization code"));
}

TEST_CASE("jwt reply rules: no signature and no issued_at are accepted for the JWT grant only", "[jwt][reply]") {
    const std::string reply = R"({"access_token":"00D5g000004sfcA!AQtoken","scope":"api","instance_url":)"
                              R"("https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/)"
                              R"(00D5g000004sfcAEAQ/0055g00000AbCdEAAY","token_type":"Bearer"})";
    Diagnostics diag;
    TokenReplyOptions jwt;
    jwt.unsigned_grant = true;
    auto t = parse_token_reply(200, "application/json", reply, Secret(), "acme.my.salesforce.com", jwt, diag);
    REQUIRE(t);
    CHECK_FALSE(t->signature_verified);
    CHECK(t->issued_at_raw.empty());
    // Client credentials keep today's rules: issued_at is required.
    auto cc = parse_token_reply(200, "application/json", reply, Secret("s"), "acme.my.salesforce.com",
                                TokenReplyOptions{}, diag);
    REQUIRE_FALSE(cc);
    CHECK(cc.error() == errc::bad_response);
    CHECK(contains(diag.message, "issued_at"));
}

}  // namespace jwt_credentials_test
