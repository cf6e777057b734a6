// The trace hook's redactors and event builders: sensitive values never reach a TraceEvent.
#include <sfconnect/trace.hpp>
#include <sfconnect/detail/trace.hpp>

#include "catch.hpp"

#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace trace_test {

using namespace sfconnect;
namespace http = boost::beast::http;

TEST_CASE("trace: sensitive header values are redacted, the scheme of Authorization is kept", "[trace]") {
    CHECK(redact_header_value("Authorization", "Bearer 00Dxx!AQ.secret") == "Bearer [redacted]");
    CHECK(redact_header_value("authorization", "Basic Zm9vOmJhcg==") == "Basic [redacted]");
    CHECK(redact_header_value("Authorization", "00Dxx!AQ.secret") == "[redacted]");
    CHECK(redact_header_value("Proxy-Authorization", "Basic dXNlcjpwYXNz") == "Basic [redacted]");
    CHECK(redact_header_value("Cookie", "sid=00Dxx!AQ.secret") == "[redacted]");
    CHECK(redact_header_value("Set-Cookie", "sid=abc") == "[redacted]");
    CHECK(redact_header_value("Content-Type", "application/json") == "application/json");
    // A value is shown on one line, whatever it carries.
    CHECK(redact_header_value("X-Note", "a\r\nInjected: yes") == "a\\r\\nInjected: yes");
}

TEST_CASE("trace: form bodies keep only harmless values", "[trace]") {
    CHECK(redact_form("grant_type=client_credentials&client_id=3MVG9key&client_secret=S3CR3T") ==
          "grant_type=client_credentials&client_id=3MVG9key&client_secret=[redacted]");
    CHECK(redact_form("token=00Dxx%21AQ.secret&token_type_hint=access_token&client_secret=S") ==
          "token=[redacted]&token_type_hint=access_token&client_secret=[redacted]");
    CHECK(redact_form("access_token=a&refresh_token=b&unknown=c") ==
          "access_token=[redacted]&refresh_token=[redacted]&unknown=[redacted]");
    CHECK(redact_form("").empty());
}

TEST_CASE("trace: query values of sensitive names are redacted in targets", "[trace]") {
    CHECK(redact_target("/services/data/v64.0/") == "/services/data/v64.0/");
    CHECK(redact_target("/services/oauth2/userinfo?access_token=00Dxx!AQ.s&x=1") ==
          "/services/oauth2/userinfo?access_token=[redacted]&x=1");
    CHECK(redact_target("/revoke?token=abc") == "/revoke?token=[redacted]");
    CHECK(is_sensitive_name("CLIENT_SECRET"));
    CHECK_FALSE(is_sensitive_name("grant_type"));
}

TEST_CASE("trace: events built from a token request carry no secret", "[trace]") {
    std::vector<TraceEvent> events;
    const TraceSink sink = [&](const TraceEvent& e) { events.push_back(e); };
    http::request<http::string_body> req{http::verb::post, "/services/oauth2/token", 11};
    req.set(http::field::authorization, "Basic c2VjcmV0S2V5OnNlY3JldFNlY3JldA==");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = "grant_type=client_credentials&client_id=key&client_secret=TopSecretValue123";
    req.prepare_payload();
    detail::trace_request(sink, req);

    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::set_cookie, "sid=00Dxx!AQ.tokenvalue");
    res.body() = R"({"access_token":"00Dxx!AQ.tokenvalue"})";
    detail::trace_response(sink, req, res, std::chrono::microseconds(1500));

    REQUIRE(events.size() == 2);
    CHECK(events[0].phase == TracePhase::request_sent);
    CHECK(events[0].method == "POST");
    CHECK(events[0].target == "/services/oauth2/token");
    CHECK(events[0].form == "grant_type=client_credentials&client_id=key&client_secret=[redacted]");
    CHECK(events[0].body_bytes == req.body().size());
    CHECK(events[1].phase == TracePhase::response);
    CHECK(events[1].status == 200);
    CHECK(events[1].duration == std::chrono::microseconds(1500));
    CHECK(events[1].form.empty());
    for (const auto& e : events) {
        std::string all = e.message + e.target + e.form;
        for (const auto& [name, value] : e.headers) all += name + value;
        CHECK(all.find("TopSecretValue123") == std::string::npos);
        CHECK(all.find("c2VjcmV0S2V5OnNlY3JldFNlY3JldA==") == std::string::npos);
        CHECK(all.find("tokenvalue") == std::string::npos);
    }
}

TEST_CASE("trace: nothing is built without a sink, and a throwing sink is contained", "[trace]") {
    bool built = false;
    detail::trace_note(TraceSink{}, TraceLevel::info, TracePhase::connect, [&] {
        built = true;
        return std::string("x");
    });
    CHECK_FALSE(built);
    const TraceSink throwing = [](const TraceEvent&) { throw std::runtime_error("sink failed"); };
    CHECK_NOTHROW(detail::trace_note(throwing, TraceLevel::info, TracePhase::connect, [] { return std::string("x"); }));
    detail::trace_error(TraceSink{}, make_error_code(errc::timeout), Diagnostics{});
    CHECK(to_string(TracePhase::token_refetch) == "token_refetch");
    CHECK(to_string(TraceLevel::warning) == "warning");
}

}  // namespace trace_test
