#include <sfconnect/reply_errors.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include "catch.hpp"

#include <random>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace reply_errors_test {

using namespace sfconnect;

namespace {

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

std::string oauth_body(std::string_view error, std::string_view description) {
    return "{\"error\":\"" + std::string(error) + "\",\"error_description\":\"" + std::string(description) + "\"}";
}

std::string rest_body(std::string_view code, std::string_view message) {
    return "[{\"message\":\"" + std::string(message) + "\",\"errorCode\":\"" + std::string(code) + "\"}]";
}

// The hint starts from the general one for the code and may refine it.
void check_hint(const error_code& ec, const Diagnostics& diag) {
    CHECK_FALSE(diag.hint.empty());
    CHECK(diag.hint.rfind(std::string(default_hint(ec)), 0) == 0);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Token endpoint: every row of docs/salesforce-oauth.md §3

TEST_CASE("every token-endpoint error row maps to its code, keeping the server text verbatim", "[reply_errors]") {
    struct Row {
        std::string error, description;
        error_code expected;
    };
    const std::vector<Row> rows = {
        {"invalid_grant", "request not supported on this domain", oauth_errc::unsupported_domain},
        {"invalid_grant", "no client credentials user enabled", oauth_errc::no_run_as_user},
        {"invalid_client_id", "client identifier invalid", oauth_errc::invalid_client_id},
        {"invalid_client", "invalid client credentials", oauth_errc::invalid_client_secret},
        {"invalid_client_credentials", "client secret invalid", oauth_errc::invalid_client_secret},
        {"unsupported_grant_type", "grant type not supported", oauth_errc::grant_not_enabled},
        {"invalid_grant", "IP restricted or invalid login hours", oauth_errc::ip_restricted},
        {"invalid_grant", "ip restricted", oauth_errc::ip_restricted},
        {"inactive_user", "User is inactive", oauth_errc::user_inactive},
        {"invalid_grant", "inactive user", oauth_errc::user_inactive},
        {"invalid_grant", "user is inactive", oauth_errc::user_inactive},
        {"inactive_org", "Org is locked, closed, or suspended", oauth_errc::org_inactive},
        {"rate_limit_exceeded", "Number of logins exceeded", oauth_errc::login_rate_exceeded},
        {"invalid_scope", "Requested scope is invalid, unknown, or malformed", oauth_errc::token_rejected},
        {"invalid_request", "HTTPS required", oauth_errc::token_rejected},
        {"invalid_grant", "authentication failure", oauth_errc::token_rejected},
        {"invalid_grant", "user hasn't approved this consumer", oauth_errc::user_not_approved},
        {"invalid_grant", "User Hasn't Approved This Consumer", oauth_errc::user_not_approved},
        {"invalid_grant", "invalid assertion", oauth_errc::invalid_assertion},
        {"invalid_grant", "Invalid Assertion", oauth_errc::invalid_assertion},
        {"invalid_grant", "audience is invalid", oauth_errc::invalid_audience},
        {"invalid_grant", "invalid user", oauth_errc::unknown_user},
        {"invalid_grant", "expired authorization code", oauth_errc::assertion_expired},
        {"invalid_grant", "login rate exceeded", oauth_errc::login_rate_exceeded},
        {"brand_new_error", "Something Salesforce added later", oauth_errc::token_rejected},
        // Case-insensitive matching of both parts.
        {"INVALID_GRANT", "Request Not Supported On This Domain", oauth_errc::unsupported_domain},
        {"invalid_grant", "No Client Credentials User Enabled.", oauth_errc::no_run_as_user},
        {"Invalid_Client", "Invalid Client Credentials", oauth_errc::invalid_client_secret},
        // The bad-secret codes do not depend on the description.
        {"invalid_client", "", oauth_errc::invalid_client_secret},
        {"invalid_client_credentials", "anything", oauth_errc::invalid_client_secret},
    };
    for (const auto& row : rows) {
        INFO(row.error << " / " << row.description);
        Diagnostics diag;
        diag.message = "stale";
        const error_code ec = map_token_error(400, "application/json;charset=UTF-8",
                                              oauth_body(row.error, row.description), diag);
        CHECK(ec == row.expected);
        CHECK(diag.http_status == 400);
        CHECK(diag.phase == Phase::token);
        CHECK(diag.server_error == row.error);
        CHECK(diag.server_message == row.description);
        CHECK_FALSE(diag.message.empty());
        CHECK(diag.message != "stale");
        check_hint(ec, diag);
    }
}

TEST_CASE("token-endpoint hints are specific", "[reply_errors]") {
    Diagnostics diag;
    CHECK(map_token_error(400, "application/json", oauth_body("invalid_client_id", "client identifier invalid"),
                          diag) == oauth_errc::invalid_client_id);
    CHECK(contains(diag.hint, "Consumer Key"));
    CHECK(contains(diag.hint, "changes can take up to 10 minutes to propagate"));

    map_token_error(400, "application/json", oauth_body("invalid_grant", "no client credentials user enabled"), diag);
    CHECK(contains(diag.hint, "Run As"));

    map_token_error(400, "application/json", oauth_body("invalid_grant", "request not supported on this domain"), diag);
    CHECK(contains(diag.hint, "My Domain"));
    CHECK(contains(diag.hint, "login.salesforce.com"));

    map_token_error(400, "application/json", oauth_body("unsupported_grant_type", "grant type not supported"), diag);
    CHECK(contains(diag.hint, "Enable Client Credentials Flow"));
    CHECK(contains(diag.hint, "redirect"));

    map_token_error(400, "application/json", oauth_body("invalid_client", "invalid client credentials"), diag);
    CHECK(contains(diag.hint, "Consumer Secret"));

    map_token_error(400, "application/json", oauth_body("invalid_grant", "ip restricted"), diag);
    CHECK(contains(diag.hint, "Login IP Ranges"));

    map_token_error(400, "application/json", oauth_body("invalid_grant", "authentication failure"), diag);
    CHECK(contains(diag.hint, "Login History"));

    map_token_error(400, "application/json", oauth_body("invalid_request", "HTTPS required"), diag);
    CHECK(contains(diag.hint, "https://"));
}

TEST_CASE("token endpoint: redirects, 5xx, non-JSON and odd JSON", "[reply_errors]") {
    Diagnostics diag;
    SECTION("3xx names the Location host") {
        for (int status : {301, 302, 303, 307, 308}) {
            INFO(status);
            const error_code ec = map_token_error(status, "text/html", "<html>Moved</html>", diag,
                                                  "https://user@new-name.my.salesforce.com:443/services/oauth2/token");
            CHECK(ec == errc::redirected);
            CHECK(diag.host == "new-name.my.salesforce.com");
            CHECK(diag.http_status == status);
            CHECK(contains(diag.message, "new-name.my.salesforce.com"));
            check_hint(ec, diag);
        }
        CHECK(map_token_error(302, "", "", diag) == errc::redirected);
        CHECK(diag.host.empty());
        CHECK(map_token_error(302, "", "", diag, "/services/oauth2/other") == errc::redirected);
        CHECK(diag.host.empty());
        CHECK(contains(diag.message, "same host"));
    }
    SECTION("5xx is server_error, with the server's fields when it sent some") {
        CHECK(map_token_error(503, "text/html", "<html><body>Service Unavailable</body></html>", diag) ==
              errc::server_error);
        CHECK(contains(diag.server_message, "Service Unavailable"));
        CHECK(diag.http_status == 503);
        CHECK(map_token_error(500, "application/json", oauth_body("server_error", "internal"), diag) ==
              errc::server_error);
        CHECK(diag.server_error == "server_error");
        CHECK(diag.server_message == "internal");
        CHECK(map_token_error(500, "", "", diag) == errc::server_error);
    }
    SECTION("a non-JSON 4xx is token_rejected with an excerpt and a word about proxies") {
        const std::string html = "<!DOCTYPE html>\n<html><head><title>Access Denied</title></head>\n<body>" +
                                 std::string(2000, 'x') + "</body></html>";
        const error_code ec = map_token_error(403, "text/html; charset=utf-8", html, diag);
        CHECK(ec == oauth_errc::token_rejected);
        CHECK(contains(diag.message, "not JSON"));
        CHECK(contains(diag.message, "proxy"));
        CHECK(contains(diag.message, "text/html"));
        CHECK(contains(diag.server_message, "Access Denied"));
        CHECK(diag.server_message.size() <= detail::max_body_excerpt + 3);
        CHECK_FALSE(contains(diag.server_message, "\n"));
        CHECK(diag.server_error.empty());
        check_hint(ec, diag);
    }
    SECTION("an empty body") {
        CHECK(map_token_error(400, "", "", diag) == oauth_errc::token_rejected);
        CHECK(contains(diag.message, "empty body"));
    }
    SECTION("JSON that is an array, or an object without error") {
        CHECK(map_token_error(400, "application/json", "[1,2,3]", diag) == oauth_errc::token_rejected);
        CHECK(contains(diag.message, "array"));
        CHECK(map_token_error(400, "application/json", R"({"foo":"bar"})", diag) == oauth_errc::token_rejected);
        CHECK(contains(diag.message, "no error code"));
        CHECK(map_token_error(400, "application/json", "null", diag) == oauth_errc::token_rejected);
        // A REST-shaped array at the token endpoint: the code is still kept verbatim.
        CHECK(map_token_error(400, "application/json", rest_body("SOME_CODE", "some text"), diag) ==
              oauth_errc::token_rejected);
        CHECK(diag.server_error == "SOME_CODE");
        CHECK(diag.server_message == "some text");
        // A non-string error is serialised rather than dropped.
        CHECK(map_token_error(400, "application/json", R"({"error":42})", diag) == oauth_errc::token_rejected);
        CHECK(diag.server_error == "42");
    }
    SECTION("2xx: with an error it is mapped, without one it is not an error reply") {
        CHECK(map_token_error(200, "application/json", oauth_body("inactive_org", "Org is locked"), diag) ==
              oauth_errc::org_inactive);
        CHECK(map_token_error(200, "application/json", R"({"access_token":"00Dx!abc"})", diag) == errc::bad_response);
        CHECK_FALSE(contains(diag.server_message, "abc"));
    }
}

TEST_CASE("server text is truncated and stripped of control characters", "[reply_errors]") {
    Diagnostics diag;
    const std::string long_text(5000, 'y');
    map_token_error(400, "application/json", oauth_body("invalid_grant", long_text), diag);
    CHECK(diag.server_message.size() <= detail::max_server_text + 3);
    CHECK(diag.server_message.size() >= detail::max_server_text);
    CHECK(diag.server_message.substr(diag.server_message.size() - 3) == "...");

    map_token_error(400, "application/json", R"({"error":"invalid_grant","error_description":"a\nb\u0000c\u001bd"})",
                    diag);
    CHECK(diag.server_message == std::string("a b c d"));

    // Truncation never splits a UTF-8 sequence.
    std::string accents;
    for (int i = 0; i < 400; ++i) accents += "\xC3\xA9";
    map_token_error(400, "application/json", oauth_body("invalid_grant", accents), diag);
    const auto body = diag.server_message.substr(0, diag.server_message.size() - 3);
    CHECK(body.size() % 2 == 0);
    CHECK(body.size() <= detail::max_server_text);
}

TEST_CASE("safe_text redacts secrets and anything that looks like a token", "[reply_errors]") {
    using detail::safe_text;
    CHECK(safe_text("x access_token=00Dabc!def&y=1", 300) == "x access_token=[redacted]&y=1");
    CHECK(safe_text(R"({"access_token" : "tok.en!1", "a":1})", 300) == R"({"access_token" : "[redacted]", "a":1})");
    CHECK(safe_text("Authorization: Bearer 00DS7000000oxzoMAA!AR8AQabc", 300) == "Authorization: Bearer [redacted]");
    CHECK(safe_text("Bearer authentication failed", 300) == "Bearer authentication failed");
    CHECK(safe_text("token 00DS7000000oxzoMAA!AR8AQ.x_y end", 300) == "token [redacted] end");
    CHECK(safe_text("token 00DS7000000oxzo!AR8AQ end", 300) == "token [redacted] end");
    CHECK(safe_text("Hello! 00D is an org prefix", 300) == "Hello! 00D is an org prefix");
    CHECK(safe_text("the secret is s3cr3t-value, really", 300, {"s3cr3t-value"}) == "the secret is [redacted], really");
    CHECK(safe_text("aaa", 300, {""}) == "aaa");
    // A secret that straddles the cut is removed before cutting, so no fragment survives.
    const std::string secret = "SECRETSECRETSECRET";
    const std::string text = std::string(295, 'a') + secret + "tail";
    const std::string out = safe_text(text, 300, {secret});
    CHECK_FALSE(contains(out, "SECRET"));
    CHECK(out.size() <= 303);
    CHECK(safe_text("a \n\n\t b", 300, {}, true) == "a b");
    CHECK(safe_text("a \n\n\t b", 300, {}, false) == "a     b");
}

// ---------------------------------------------------------------------------------------------
// REST API: every code of §4

TEST_CASE("every REST error code maps to its api_errc, keeping the server text verbatim", "[reply_errors]") {
    struct Row {
        int status;
        std::string code, message;
        error_code expected;
    };
    const std::vector<Row> rows = {
        {401, "INVALID_SESSION_ID", "Session expired or invalid", api_errc::invalid_session},
        {401, "INVALID_SESSION_ID", "This session is not valid for use with the REST API",
         api_errc::session_not_valid_for_api},
        {401, "", "This session is not valid for use with the REST API", api_errc::session_not_valid_for_api},
        {403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", api_errc::request_limit_exceeded},
        {403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentRequests (Concurrent API Requests) Limit exceeded.",
         api_errc::request_limit_exceeded},
        {403, "INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id", api_errc::insufficient_access},
        {400, "INSUFFICIENT_ACCESS", "any status", api_errc::insufficient_access},
        {403, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.", api_errc::api_disabled},
        {400, "URL_NOT_RESET", "Destination URL not reset. The URL returned from login must be set",
         api_errc::api_error},
        {400, "MALFORMED_QUERY", "unexpected token: FORM", api_errc::api_error},
        {404, "NOT_FOUND", "The requested resource does not exist", api_errc::api_error},
        {410, "GONE", "API version retired", api_errc::api_error},
        {400, "SOMETHING_NEW", "A code nobody has seen", api_errc::api_error},
        {401, "INVALID_SESSION_ID", "Connected app is not attached to Agent", api_errc::api_error},
    };
    for (const auto& row : rows) {
        INFO(row.status << " " << row.code << " / " << row.message);
        Diagnostics diag;
        const error_code ec = map_api_error(row.status, "application/json", rest_body(row.code, row.message), diag);
        CHECK(ec == row.expected);
        CHECK(diag.http_status == row.status);
        CHECK(diag.phase == Phase::api);
        CHECK(diag.server_error == row.code);
        CHECK(diag.server_message == row.message);
        CHECK_FALSE(diag.message.empty());
        check_hint(ec, diag);
        CHECK(is_refetchable_session_error(ec, diag) == (row.expected == api_errc::invalid_session));
    }
}

TEST_CASE("REST hints are specific", "[reply_errors]") {
    Diagnostics diag;
    map_api_error(403, "application/json", rest_body("INSUFFICIENT_ACCESS", "no"), diag);
    CHECK(contains(diag.hint, "Setup > Identity Verification > Session Security Level Policies"));
    CHECK(contains(diag.hint, "API Only"));
    map_api_error(403, "application/json", rest_body("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), diag);
    CHECK(contains(diag.hint, "new token does not help"));
    map_api_error(401, "application/json",
                  rest_body("INVALID_SESSION_ID", "This session is not valid for use with the REST API"), diag);
    CHECK(contains(diag.hint, "'api'"));
    map_api_error(400, "application/json", rest_body("URL_NOT_RESET", "Destination URL not reset."), diag);
    CHECK(contains(diag.hint, "instance_url"));
    map_api_error(403, "application/json", rest_body("API_DISABLED_FOR_ORG", "x"), diag);
    CHECK(contains(diag.hint, "API Enabled"));
}

TEST_CASE("REST: single objects, several errors, odd shapes, redirects, 5xx", "[reply_errors]") {
    Diagnostics diag;
    SECTION("a single object is accepted where an array is expected") {
        CHECK(map_api_error(401, "application/json",
                            R"({"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"})",
                            diag) == api_errc::invalid_session);
        CHECK(diag.server_error == "INVALID_SESSION_ID");
    }
    SECTION("several errors: the first decides, the count is mentioned") {
        const std::string body =
            R"([{"message":"first","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["A"]},)"
            R"({"message":"second","errorCode":"REQUIRED_FIELD_MISSING","fields":[]}])";
        CHECK(map_api_error(400, "application/json", body, diag) == api_errc::api_error);
        CHECK(diag.server_error == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
        CHECK(diag.server_message == "first");
        CHECK(contains(diag.message, "1 more error"));
    }
    SECTION("OAuth-shaped errors from REST endpoints keep their fields") {
        CHECK(map_api_error(403, "application/json", R"({"error":"insufficient_scope","error_description":"x"})",
                            diag) == api_errc::api_error);
        CHECK(diag.server_error == "insufficient_scope");
    }
    SECTION("non-JSON, empty, and JSON without error entries") {
        CHECK(map_api_error(404, "text/html", "<html><title>Not here</title></html>", diag) == api_errc::api_error);
        CHECK(contains(diag.message, "not JSON"));
        CHECK(contains(diag.server_message, "Not here"));
        CHECK(map_api_error(401, "text/plain", "", diag) == api_errc::api_error);
        CHECK(contains(diag.message, "empty body"));
        CHECK_FALSE(is_refetchable_session_error(api_errc::api_error, diag));
        CHECK(map_api_error(400, "application/json", "[]", diag) == api_errc::api_error);
        CHECK(map_api_error(400, "application/json", R"(["a","b"])", diag) == api_errc::api_error);
        CHECK(map_api_error(400, "application/json", R"({"unrelated":true})", diag) == api_errc::api_error);
        CHECK(map_api_error(400, "application/json", "[{\"message\":", diag) == api_errc::api_error);
    }
    SECTION("3xx is a redirect, except Salesforce's 300 listing records an external ID matched") {
        CHECK(map_api_error(302, "", "", diag, "https://other.example.com/x") == errc::redirected);
        CHECK(diag.host == "other.example.com");
        CHECK(diag.phase == Phase::api);
        CHECK(map_api_error(300, "application/json", R"(["/services/data/v65.0/sobjects/Account/001A"])", diag) ==
              api_errc::api_error);
        CHECK(contains(diag.message, "external ID"));
    }
    SECTION("5xx is server_error") {
        CHECK(map_api_error(500, "application/json", rest_body("UNKNOWN_EXCEPTION", "An unexpected error occurred"),
                            diag) == errc::server_error);
        CHECK(diag.server_error == "UNKNOWN_EXCEPTION");
        CHECK(map_api_error(503, "text/html", "<html>Maintenance</html>", diag) == errc::server_error);
        CHECK(contains(diag.server_message, "Maintenance"));
    }
    SECTION("2xx without an error is not an error reply") {
        CHECK(map_api_error(200, "application/json", R"({"totalSize":0})", diag) == errc::bad_response);
    }
    SECTION("HTTP 420 explains the edge's missing route") {
        CHECK(map_api_error(420, "text/plain", "", diag) == api_errc::api_error);
        CHECK(contains(diag.hint, "420"));
    }
}

TEST_CASE("only invalid_session is refetchable", "[reply_errors]") {
    Diagnostics diag;
    CHECK(is_refetchable_session_error(api_errc::invalid_session, diag));
    for (error_code ec : {error_code(api_errc::session_not_valid_for_api), error_code(api_errc::request_limit_exceeded),
                          error_code(api_errc::insufficient_access), error_code(api_errc::api_error),
                          error_code(errc::server_error), error_code(oauth_errc::invalid_client_id), error_code{}})
        CHECK_FALSE(is_refetchable_session_error(ec, diag));
    diag.server_message = "This session is not valid for use with the REST API";
    CHECK_FALSE(is_refetchable_session_error(api_errc::invalid_session, diag));
}

TEST_CASE("url_host extracts the host of absolute URLs only", "[reply_errors]") {
    using detail::url_host;
    CHECK(url_host("https://a.b.com/x") == "a.b.com");
    CHECK(url_host("https://a.b.com") == "a.b.com");
    CHECK(url_host("https://u:p@a.b.com:8443/x?y#z") == "a.b.com");
    CHECK(url_host("http://[::1]:80/") == "[::1]");
    CHECK(url_host("/relative/path").empty());
    CHECK(url_host("").empty());
    CHECK(url_host("://nohost").empty());
    CHECK(url_host("ht tp://x").empty());
}

TEST_CASE("hostile bodies never crash the mappings", "[reply_errors]") {
    std::mt19937 rng(2026);
    const std::string alphabet = "{}[]\":,error_descriptionmessageCodeINVALID_SESSION_ID 0123\\u\n\t\xc3\xa9\xff!";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<std::size_t> len(0, 120);
    std::uniform_int_distribution<int> status(100, 599);
    Diagnostics diag;
    for (int i = 0; i < 5000; ++i) {
        std::string body;
        const std::size_t n = len(rng);
        for (std::size_t j = 0; j < n; ++j) body += alphabet[pick(rng)];
        const int st = status(rng);
        CHECK(map_token_error(st, "application/json", body, diag, body));
        CHECK(diag.http_status == st);
        CHECK(map_api_error(st, "application/json", body, diag, body).failed());
        CHECK(diag.server_message.size() <= detail::max_server_text + 3);
    }
}

}  // namespace reply_errors_test
