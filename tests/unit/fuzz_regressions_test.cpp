// Inputs found by the fuzz targets (fuzz/, docs/hardening.md), each the smallest reproduction of a
// bug that was fixed in the library. The seeds are also in fuzz/corpus/, replayed by ctest when
// the fuzzers are built.
#include <sfconnect/access_token.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include "catch.hpp"

#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace fuzz_regressions_test {

using namespace sfconnect;

namespace {

constexpr std::string_view secret_text = "FUZZ-SECRET-5b0c7e2d91a84f36aa71";
constexpr std::string_view token_text = "00DS7000000oxzoMAA!AR8AQFUZZTOKENq0Ffu.RJ8QyVv4Nb1GzVxXeTg_Zr9Kp2";

bool shows(const Diagnostics& d, std::string_view needle) {
    for (const std::string* f : {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host})
        if (f->find(needle) != std::string::npos) return true;
    return false;
}

std::string token_reply(std::string_view instance_url, std::string_view token_type = "Bearer") {
    return R"({"access_token":")" + std::string(token_text) + R"(","instance_url":")" + std::string(instance_url) +
           R"(","id":"https://login.salesforce.com/id/00DS7000000oxzoMAA/005S7000000abcdEAA","token_type":")" +
           std::string(token_type) + R"(","issued_at":"1676372418560"})";
}

}  // namespace

TEST_CASE("fuzz: a secret or token in another field of a token reply is not quoted", "[fuzz][token]") {
    const Secret secret(secret_text);
    Diagnostics diag;
    // fuzz_token_reply: the consumer secret as instance_url's host was quoted in message and host.
    auto r = parse_token_reply(200, "application/json",
                               token_reply("https://" + std::string(secret_text) + ".example.com"), secret,
                               "acme.my.salesforce.com", {}, diag);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::bad_response);
    CHECK_FALSE(shows(diag, secret_text));
    CHECK(diag.message.find("instance_url") != std::string::npos);
    // The access token echoed in token_type.
    r = parse_token_reply(200, "application/json", token_reply("https://acme.my.salesforce.com", token_text), secret,
                          "acme.my.salesforce.com", {}, diag);
    REQUIRE_FALSE(r.has_value());
    CHECK_FALSE(shows(diag, token_text));
    CHECK(diag.message.find("token_type") != std::string::npos);
    // The secret in the Content-Type of a reply that is not JSON.
    r = parse_token_reply(200, "text/html; x=" + std::string(secret_text), "<html>", secret, "acme.my.salesforce.com",
                          {}, diag);
    REQUIRE_FALSE(r.has_value());
    CHECK_FALSE(shows(diag, secret_text));
}

TEST_CASE("fuzz: the redacting token-error mapper redacts Content-Type and redirect host", "[fuzz][reply_errors]") {
    Diagnostics diag;
    // fuzz_api_error: the secret in the Content-Type of an error reply with an empty body.
    auto ec = detail::map_token_error_redacting(400, "app" + std::string(secret_text), "", diag, {}, {secret_text});
    CHECK(ec == oauth_errc::token_rejected);
    CHECK_FALSE(shows(diag, secret_text));
    // The secret as the host of a redirect's Location.
    ec = detail::map_token_error_redacting(302, "", "", diag, "https://" + std::string(secret_text) + "/x",
                                           {secret_text});
    CHECK(ec == errc::redirected);
    CHECK_FALSE(shows(diag, secret_text));
}

TEST_CASE("fuzz: no piece of a secret survives where a collapsed excerpt is cut", "[fuzz][reply_errors]") {
    // The excerpt window ended inside the secret, so it was not redacted; collapsing the spaces
    // before it then pulled the piece into the kept 300 bytes.
    const std::string body = std::string(570, ' ') + std::string(secret_text) + std::string(400, 'x');
    const std::string out = detail::safe_text(body, 300, {secret_text}, true);
    CHECK(out.find(secret_text.substr(0, 8)) == std::string::npos);
    CHECK(out.size() <= 303);
}

TEST_CASE("fuzz: runtime_target refuses '..' written with %2E", "[fuzz][endpoint]") {
    // fuzz_endpoint: "%2E%2E%2F" passed (no raw "..", and "%2E%2E%2Fsobjects" is no dot-segment).
    for (std::string_view path :
         {"/services/data/v64.0/%2E%2E%2Fsobjects", "/services/data/v64.0/a.%2e%2Fb", "/services/data/%2e.%5C/x"}) {
        INFO(path);
        Diagnostics diag;
        auto t = runtime_target(Method::get, path, diag);
        REQUIRE_FALSE(t.has_value());
        CHECK(t.error() == boost::system::errc::invalid_argument);
        CHECK(diag.message.find("\"..\" in its path") != std::string::npos);
    }
    // One encoded dot next to other characters, and ".." in the query, stay acceptable.
    CHECK(runtime_target(Method::get, "/services/data/v64.0/a%2Eb").has_value());
    CHECK(runtime_target(Method::get, "/services/data/v64.0/query?q=a..b").has_value());
}

TEST_CASE("fuzz: an access_token whose ':' is on the next line is still redacted", "[fuzz][reply_errors]") {
    // fuzz_token_reply: JSON whitespace around ':' may be a line break; the value was then kept.
    const std::string body = "{\"access_token\"\n:\r\n \"" + std::string(token_text) + "\", \"n\": 1}";
    for (int status : {400, 500}) {
        Diagnostics diag;
        auto r = parse_token_reply(status, "application/json", body, Secret(secret_text), "acme.my.salesforce.com", {},
                                   diag);
        REQUIRE_FALSE(r.has_value());
        CHECK_FALSE(shows(diag, "FUZZTOKEN"));
    }
    CHECK(detail::safe_text("access_token\n=\nabcdefgh", 100).find("abcdefgh") == std::string::npos);
}

TEST_CASE("fuzz: the access token of an error reply is redacted in every field", "[fuzz][token]") {
    // fuzz_token_reply: a non-2xx reply with the token also inside another field (there not
    // token-shaped: a longer run of letters and digits) showed it.
    const std::string body = R"({"access_token":")" + std::string(token_text) + R"(","id":"x0)" +
                             std::string(token_text) + R"(y"})";
    Diagnostics diag;
    auto r = parse_token_reply(400, "application/json", body, Secret(secret_text), "acme.my.salesforce.com", {}, diag);
    REQUIRE_FALSE(r.has_value());
    CHECK_FALSE(shows(diag, token_text));
}

}  // namespace fuzz_regressions_test
