#include <sfconnect/access_token.hpp>
#include <sfconnect/error_with_diagnostics.hpp>

#include "catch.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace access_token_test {

using namespace sfconnect;

namespace {

// Recognisable values: any appearance in diagnostics or output is a leak.
constexpr std::string_view test_secret = "TEST-SECRET-9f8e7d6c5b4a3210";
constexpr std::string_view test_token = "00DS7000000oxzoMAA!AR8AQTESTTOKENq0Ffu.RJ8QyVv4Nb1GzVxXeTg_Zr9Kp2";
constexpr std::string_view token_marker = "TESTTOKEN";
constexpr std::string_view secret_marker = "TEST-SECRET";
constexpr std::string_view sample_id = "https://login.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcdEAA";
constexpr std::string_view site = "acme.my.salesforce.com";

const Secret& secret() {
    static const Secret s(test_secret);
    return s;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

void check_no_secrets(const error_code& ec, const Diagnostics& diag) {
    for (const std::string* field : {&diag.message, &diag.hint, &diag.server_error, &diag.server_message, &diag.host}) {
        INFO(*field);
        CHECK_FALSE(contains(*field, secret_marker));
        CHECK_FALSE(contains(*field, token_marker));
    }
    try {
        throw_on_error(ec, diag);
    } catch (const ErrorWithDiagnostics& e) {
        CHECK_FALSE(contains(e.what(), secret_marker));
        CHECK_FALSE(contains(e.what(), token_marker));
    }
}

// The §2 sample reply, with a signature computed for the test secret.
boost::json::object sample_reply(std::string_view issued_at = "1676372418560") {
    boost::json::object o;
    o["access_token"] = test_token;
    o["signature"] = compute_token_signature(secret(), sample_id, issued_at);
    o["token_format"] = "opaque";
    o["scope"] = "api cdp_query_api";
    o["instance_url"] = "https://acme.my.salesforce.com";
    o["id"] = sample_id;
    o["token_type"] = "Bearer";
    o["issued_at"] = issued_at;
    o["api_instance_url"] = "https://api.salesforce.com";
    return o;
}

struct Parsed {
    boost::system::result<AccessToken> result;
    Diagnostics diag;
};

Parsed parse(const boost::json::object& o, TokenReplyOptions options = {}, std::string_view site_host = site,
             int status = 200) {
    Parsed p{error_code{}, {}};
    p.result = parse_token_reply(status, "application/json;charset=UTF-8", boost::json::serialize(o), secret(),
                                 site_host, options, p.diag);
    return p;
}

Parsed parse_body(int status, std::string_view body, std::string_view content_type = "application/json",
                  std::string_view location = {}) {
    Parsed p{error_code{}, {}};
    p.result = parse_token_reply(status, content_type, body, secret(), site, {}, p.diag, location);
    return p;
}

// Re-signs a reply after its id or issued_at was changed.
void resign(boost::json::object& o) {
    o["signature"] = compute_token_signature(secret(), o["id"].as_string(), o["issued_at"].as_string());
}

}  // namespace

TEST_CASE("compute_token_signature is Base64(HMAC-SHA256(secret, id + issued_at))", "[token]") {
    // Known answers computed independently (Python hmac/hashlib/base64).
    CHECK(compute_token_signature(secret(), sample_id, "1676372418560") ==
          "zbKSF7lawbJwVd46QIuEGtFsHkFfsr8/mt+tPwLQJ1o=");
    CHECK(compute_token_signature(secret(), sample_id, "1676372418") == "G/aIIE72qAAkl7g/QMIJimgPyhti+1ag/IyEFOqHNjY=");
    // RFC 4231 test case 2 (key "Jefe"), Base64 of its HMAC-SHA256.
    CHECK(compute_token_signature(Secret("Jefe"), "what do ya want ", "for nothing?") ==
          "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    CHECK(compute_token_signature(Secret{}, "a", "b").size() == 44);
}

TEST_CASE("the real sample reply parses and its signature verifies", "[token]") {
    auto p = parse(sample_reply());
    REQUIRE(p.result.has_value());
    const AccessToken& t = *p.result;
    CHECK(t.access_token.reveal() == test_token);
    CHECK(t.instance_url == "https://acme.my.salesforce.com");
    CHECK(t.id == sample_id);
    CHECK(t.organization_id == "00DS7000000oxzoMAA");
    CHECK(t.user_id == "005S7000000abcdEAA");
    CHECK(t.token_type == "Bearer");
    CHECK(t.issued_at_raw == "1676372418560");
    CHECK(t.issued_at == std::chrono::system_clock::time_point(std::chrono::milliseconds(1676372418560LL)));
    CHECK(t.scope == "api cdp_query_api");
    CHECK(t.signature == "zbKSF7lawbJwVd46QIuEGtFsHkFfsr8/mt+tPwLQJ1o=");
    CHECK(t.signature_verified);
    CHECK(p.diag.empty());

    auto strict = parse(sample_reply(), TokenReplyOptions{true});
    REQUIRE(strict.result.has_value());
    CHECK(strict.result->signature_verified);
}

TEST_CASE("the parsed token never prints", "[token]") {
    auto p = parse(sample_reply());
    REQUIRE(p.result.has_value());
    std::ostringstream os;
    os << *p.result;
    CHECK(contains(os.str(), "[redacted]"));
    CHECK(contains(os.str(), "00DS7000000oxzoMAA"));
    CHECK_FALSE(contains(os.str(), token_marker));
}

TEST_CASE("issued_at: 13 digits are milliseconds, 10 digits are seconds", "[token]") {
    auto p = parse(sample_reply("1676372418"));
    REQUIRE(p.result.has_value());
    CHECK(p.result->issued_at == std::chrono::system_clock::time_point(std::chrono::seconds(1676372418)));
    CHECK(p.result->issued_at_raw == "1676372418");
    CHECK(p.result->signature_verified);

    for (std::string_view ok : {"4102444799999", "0946684800000", "1000000000", "4102444799"}) {
        INFO(ok);
        CHECK(parse(sample_reply(ok)).result.has_value());
    }
}

TEST_CASE("issued_at that is not a time between 2000 and 2100 is a bad response", "[token]") {
    for (std::string_view bad :
         {"", "abc", "167637241856", "16763724185600", "12345678901", "-676372418560", "1676372418.56",
          " 1676372418560", "1676372418560 ", "0000000000000", "0000000000", "9999999999999", "4102444800000",
          "0946684799999", "9999999999", "4102444800", "+676372418560", "1676372418\xC2\xB9"}) {
        INFO(bad);
        auto p = parse(sample_reply(bad));
        REQUIRE_FALSE(p.result.has_value());
        CHECK(p.result.error() == errc::bad_response);
        CHECK(contains(p.diag.message, "issued_at"));
        CHECK(p.diag.phase == Phase::token);
        CHECK(p.diag.http_status == 200);
    }
}

TEST_CASE("a wrong signature is signature_mismatch", "[token]") {
    std::vector<std::string> bad = {
        compute_token_signature(Secret("another secret"), sample_id, "1676372418560"),
        "zbKSF7lawbJwVd46QIuEGtFsHkFfsr8/mt+tPwLQJ1o",    // no padding
        "zbKSF7lawbJwVd46QIuEGtFsHkFfsr8/mt+tPwLQJ1o==",  // one too many
        "ZbKSF7lawbJwVd46QIuEGtFsHkFfsr8/mt+tPwLQJ1o=",   // one letter
        "x",
    };
    for (const auto& sig : bad) {
        INFO(sig);
        auto o = sample_reply();
        o["signature"] = sig;
        auto p = parse(o);
        REQUIRE_FALSE(p.result.has_value());
        CHECK(p.result.error() == errc::signature_mismatch);
        CHECK(contains(p.diag.message, "signature"));
        CHECK(contains(p.diag.hint, "Consumer Secret"));
        check_no_secrets(p.result.error(), p.diag);
    }

    // The signature covers id and issued_at: changing either breaks it.
    auto o = sample_reply();
    o["issued_at"] = "1676372418561";
    CHECK(parse(o).result.error() == errc::signature_mismatch);
    o = sample_reply();
    o["id"] = "https://login.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcdEAB";
    CHECK(parse(o).result.error() == errc::signature_mismatch);
}

TEST_CASE("an absent signature is accepted unverified unless one is required", "[token]") {
    auto o = sample_reply();
    o.erase("signature");
    auto p = parse(o);
    REQUIRE(p.result.has_value());
    CHECK_FALSE(p.result->signature_verified);
    CHECK(p.result->signature.empty());

    for (const auto& value : {boost::json::value(nullptr), boost::json::value("")}) {
        o["signature"] = value;
        auto q = parse(o);
        REQUIRE(q.result.has_value());
        CHECK_FALSE(q.result->signature_verified);
    }

    o.erase("signature");
    auto strict = parse(o, TokenReplyOptions{true});
    REQUIRE_FALSE(strict.result.has_value());
    CHECK(strict.result.error() == errc::signature_mismatch);
    CHECK(contains(strict.diag.message, "no signature"));
}

TEST_CASE("missing or ill-typed required fields are bad responses naming the field", "[token]") {
    const std::vector<boost::json::value> ill_typed = {
        boost::json::value(nullptr),
        boost::json::value(42),
        boost::json::value(true),
        boost::json::value(boost::json::array{"x"}),
        boost::json::value(boost::json::object{{"a", 1}}),
    };
    for (std::string_view field : {"access_token", "instance_url", "id", "issued_at", "token_type"}) {
        INFO(field);
        auto o = sample_reply();
        o.erase(field);
        auto p = parse(o);
        REQUIRE_FALSE(p.result.has_value());
        CHECK(p.result.error() == errc::bad_response);
        CHECK(contains(p.diag.message, "'" + std::string(field) + "'"));
        check_no_secrets(p.result.error(), p.diag);
        for (const auto& v : ill_typed) {
            auto q = sample_reply();
            q[field] = v;
            auto r = parse(q);
            REQUIRE_FALSE(r.result.has_value());
            CHECK(r.result.error() == errc::bad_response);
            CHECK(contains(r.diag.message, "'" + std::string(field) + "'"));
            check_no_secrets(r.result.error(), r.diag);
        }
    }
    // issued_at as a JSON number (the docs call it a number of seconds) is still ill-typed.
    auto o = sample_reply();
    o["issued_at"] = 1676372418560LL;
    CHECK(parse(o).result.error() == errc::bad_response);

    for (std::string_view field : {"scope", "signature"}) {
        INFO(field);
        auto q = sample_reply();
        q[field] = 7;
        auto r = parse(q);
        REQUIRE_FALSE(r.result.has_value());
        CHECK(r.result.error() == errc::bad_response);
        CHECK(contains(r.diag.message, field));
    }
    auto q = sample_reply();
    q.erase("scope");
    auto r = parse(q);
    REQUIRE(r.result.has_value());
    CHECK(r.result->scope.empty());
}

TEST_CASE("access_token and token_type are checked before the token is used", "[token]") {
    for (std::string_view bad : {"", "00D!abc TESTTOKEN", "TESTTOKEN\r\nX-Injected: 1", "TESTTOKEN\xC3\xA9"}) {
        auto o = sample_reply();
        o["access_token"] = bad;
        auto p = parse(o);
        REQUIRE_FALSE(p.result.has_value());
        CHECK(p.result.error() == errc::bad_response);
        CHECK(contains(p.diag.message, "access_token"));
        check_no_secrets(p.result.error(), p.diag);
    }
    auto o = sample_reply();
    o["token_type"] = "bearer";
    CHECK(parse(o).result.has_value());
    o["token_type"] = "MAC";
    auto p = parse(o);
    REQUIRE_FALSE(p.result.has_value());
    CHECK(contains(p.diag.message, "token_type"));
}

TEST_CASE("instance_url must be https on the Site or a Salesforce host", "[token]") {
    struct Row {
        std::string url;
        bool ok;
    };
    const std::vector<Row> rows = {
        {"https://acme.my.salesforce.com", true},
        {"https://acme.my.salesforce.com/", true},
        {"HTTPS://ACME.MY.SALESFORCE.COM", true},
        {"https://acme--uat.sandbox.my.salesforce.com", true},
        {"https://na44.salesforce.com", true},
        {"https://acme.lightning.force.com", true},
        {"https://acme.my.salesforce.mil", true},
        {"https://acme.my.sfcrmproducts.cn", true},
        {"https://acme.cloudforce.com", true},
        {"https://acme.database.com", true},
        {"https://evil.example.com", false},
        {"http://acme.my.salesforce.com", false},
        {"acme.my.salesforce.com", false},
        {"https://acme.my.salesforce.com:8443", false},
        {"https://acme.my.salesforce.com:443", false},
        {"https://user@acme.my.salesforce.com", false},
        {"https://acme.my.salesforce.com@evil.example.com", false},
        {"https://acme.my.salesforce.com/services", false},
        {"https://acme.my.salesforce.com//", false},
        {"https://acme.my.salesforce.com?x=1", false},
        {"https://acme.my.salesforce.com#f", false},
        {"https://acme.my.salesforce.com.evil.example.com", false},
        {"https://evilsalesforce.com", false},
        {"https://salesforce.com", false},
        {"https://.salesforce.com", false},
        {"https://acme..salesforce.com", false},
        {"https://acme_x.salesforce.com", false},
        {"https://acme.my.salesforce.com\\@evil.example.com", false},
        {"https://", false},
        {"", false},
        {"https://acme.my.salesforce.com\r\n", false},
    };
    for (const auto& row : rows) {
        INFO(row.url);
        auto o = sample_reply();
        o["instance_url"] = row.url;
        auto p = parse(o);
        CHECK(p.result.has_value() == row.ok);
        if (row.ok) {
            CHECK(p.result->instance_url.back() != '/');
        } else {
            CHECK(p.result.error() == errc::bad_response);
            CHECK(contains(p.diag.message, "instance_url"));
            check_no_secrets(p.result.error(), p.diag);
        }
    }
    auto o = sample_reply();
    o["instance_url"] = "https://evil.example.com/";
    auto p = parse(o);
    REQUIRE_FALSE(p.result.has_value());
    CHECK(p.diag.host == "evil.example.com");
}

TEST_CASE("instance_url on the Site's own host is accepted whatever its suffix or port", "[token]") {
    auto o = sample_reply();
    o["instance_url"] = "https://localhost:8443";
    CHECK(parse(o, {}, "localhost:8443").result.has_value());
    CHECK_FALSE(parse(o, {}, "localhost:9443").result.has_value());
    CHECK_FALSE(parse(o, {}, "localhost").result.has_value());
    o["instance_url"] = "https://Salesforce.Example.org/";
    auto p = parse(o, {}, "salesforce.example.org");
    REQUIRE(p.result.has_value());
    CHECK(p.result->instance_url == "https://Salesforce.Example.org");
    CHECK_FALSE(parse(o, {}, "").result.has_value());
}

TEST_CASE("the identity URL gives org and user ids whatever its host", "[token]") {
    struct Row {
        std::string id;
        std::string org, user;  // empty: bad_response
    };
    const std::vector<Row> rows = {
        {"https://test.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcdEAA", "00DS7000000oxzoMAA",
         "005S7000000abcdEAA"},
        {"https://acme.my.salesforce.com/id/00DS7000000oxzo/005S7000000abcd", "00DS7000000oxzo", "005S7000000abcd"},
        {"https://login.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcdEAA/", "00DS7000000oxzoMAA",
         "005S7000000abcdEAA"},
        {"https://anything.example/id/00DS7000000oxzoMAA/005S7000000abcdEAA", "00DS7000000oxzoMAA",
         "005S7000000abcdEAA"},
        {"https://login.salesforce.com/00DS7000000oxzoMAA/005S7000000abcdEAA", "", ""},
        {"https://login.salesforce.com/id/00DS7000000oxzoMAA", "", ""},
        {"https://login.salesforce.com/id/00DS7000000oxzoMA/005S7000000abcdEAA", "", ""},
        {"https://login.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcd-AA", "", ""},
        {"https://login.salesforce.com/ID/00DS7000000oxzoMAA/005S7000000abcdEAA", "", ""},
        {"login.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcdEAA", "", ""},
        {"", "", ""},
        {"https://login.salesforce.com", "", ""},
    };
    for (const auto& row : rows) {
        INFO(row.id);
        auto o = sample_reply();
        o["id"] = row.id;
        resign(o);
        auto p = parse(o);
        if (row.org.empty()) {
            REQUIRE_FALSE(p.result.has_value());
            CHECK(p.result.error() == errc::bad_response);
            CHECK(contains(p.diag.message, "'id'"));
        } else {
            REQUIRE(p.result.has_value());
            CHECK(p.result->organization_id == row.org);
            CHECK(p.result->user_id == row.user);
            CHECK(p.result->id == row.id);
            CHECK(p.result->signature_verified);
        }
    }
}

TEST_CASE("2xx replies that are not a JSON object are bad responses with a redacted excerpt", "[token]") {
    const std::string html = "<html><head><title>Proxy login</title></head><body>access_token=" +
                             std::string(test_token) + " secret " + std::string(test_secret) + "</body></html>";
    struct Row {
        std::string body;
        std::string says;
    };
    const std::vector<Row> rows = {
        {html, "not JSON"},
        {"", "empty body"},
        {"[{\"access_token\":\"" + std::string(test_token) + "\"}]", "not a JSON object"},
        {"\"just a string\"", "not a JSON object"},
        {"{\"access_token\": \"" + std::string(test_token) + "\"", "not JSON"},  // truncated
        {std::string(100000, '['), "not JSON"},                                  // too deep
    };
    for (const auto& row : rows) {
        INFO(row.says);
        auto p = parse_body(200, row.body, "text/html");
        REQUIRE_FALSE(p.result.has_value());
        CHECK(p.result.error() == errc::bad_response);
        CHECK(contains(p.diag.message, row.says));
        CHECK(p.diag.phase == Phase::token);
        CHECK(p.diag.http_status == 200);
        CHECK(p.diag.server_message.size() <= 310);
        check_no_secrets(p.result.error(), p.diag);
    }
    auto p = parse_body(200, html, "text/html");
    CHECK(contains(p.diag.server_message, "Proxy login"));
    CHECK(contains(p.diag.message, "text/html"));
}

TEST_CASE("error replies are mapped, with the secret redacted even if the server echoes it", "[token]") {
    auto p = parse_body(400, R"({"error":"invalid_grant","error_description":"no client credentials user enabled"})");
    REQUIRE_FALSE(p.result.has_value());
    CHECK(p.result.error() == oauth_errc::no_run_as_user);
    CHECK(p.diag.http_status == 400);
    CHECK(p.diag.phase == Phase::token);
    CHECK(p.diag.server_error == "invalid_grant");

    // 2xx carrying an error.
    p = parse_body(200, R"({"error":"invalid_client","error_description":"invalid client credentials"})");
    REQUIRE_FALSE(p.result.has_value());
    CHECK(p.result.error() == oauth_errc::invalid_client_secret);

    const std::string echo = R"({"error":"invalid_client","error_description":"bad secret )" +
                             std::string(test_secret) + R"( for token )" + std::string(test_token) + "\"}";
    p = parse_body(400, echo);
    CHECK(p.result.error() == oauth_errc::invalid_client_secret);
    CHECK(contains(p.diag.server_message, "[redacted]"));
    check_no_secrets(p.result.error(), p.diag);

    // 2xx with both an error and a token: the token does not leak into the server text, even one
    // (JWT-style) that no pattern recognises.
    const std::string jwt = "eyJhbGciTESTTOKENpayload.signature";
    p = parse_body(200, R"({"error":"invalid_grant","error_description":"inactive user )" + jwt +
                            R"(","access_token":")" + jwt + "\"}");
    CHECK(p.result.error() == oauth_errc::user_inactive);
    check_no_secrets(p.result.error(), p.diag);

    p = parse_body(502, "<html>Bad gateway " + std::string(test_secret) + "</html>", "text/html");
    CHECK(p.result.error() == errc::server_error);
    check_no_secrets(p.result.error(), p.diag);

    p = parse_body(302, "", "", "https://other.my.salesforce.com/services/oauth2/token");
    CHECK(p.result.error() == errc::redirected);
    CHECK(p.diag.host == "other.my.salesforce.com");
}

TEST_CASE("diagnostics from an earlier failure are cleared on success", "[token]") {
    Diagnostics diag;
    diag.message = "old";
    diag.http_status = 500;
    auto r = parse_token_reply(200, "application/json", boost::json::serialize(sample_reply()), secret(), site, {},
                               diag);
    REQUIRE(r.has_value());
    CHECK(diag.empty());
}

TEST_CASE("a top-level field given twice is a bad response, nested repeats are not", "[token]") {
    // Serialised sample without its closing brace, so that a field can be appended after the others.
    std::string head = boost::json::serialize(sample_reply());
    head.pop_back();
    struct Row {
        std::string extra;
        std::string field;
    };
    const std::vector<Row> rows = {
        {R"(,"instance_url":"https://eu1.salesforce.com"})", "instance_url"},
        {R"(,"access_token":")" + std::string(test_token) + "\"}", "access_token"},
        {R"(,"instance\u005furl":"https://eu1.salesforce.com"})", "instance_url"},  // same key, escaped
    };
    for (const auto& row : rows) {
        INFO(row.field);
        auto p = parse_body(200, head + row.extra);
        REQUIRE_FALSE(p.result.has_value());
        CHECK(p.result.error() == errc::bad_response);
        CHECK(contains(p.diag.message, "'" + row.field + "' more than once"));
        CHECK(p.diag.phase == Phase::token);
        check_no_secrets(p.result.error(), p.diag);
    }
    // The same names inside a nested object are that object's business.
    auto p = parse_body(200, head + R"(,"nested":{"instance_url":"x","access_token":"y"},"list":[{"id":1},{"id":2}]})");
    CHECK(p.result.has_value());
}

}  // namespace access_token_test
