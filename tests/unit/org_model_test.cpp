// The emulated org without a server: requests in, replies out, no sockets or threads. What the
// Emulator serves over TLS (tests/integration/emulator_test.cpp) is this model plus transport.
#include <sfconnect/testing/org_model.hpp>
// The model alone, compiled in this one TU of the unit-test binary (a program that also runs the
// server includes <sfconnect/testing/src.hpp> instead, which compiles both).
#include <sfconnect/testing/impl/org_model.ipp>

#include "catch.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace org_model_test {

namespace json = boost::json;
using namespace sfconnect::testing;

namespace {

constexpr const char* form_type = "application/x-www-form-urlencoded";

OrgRequest request(const OrgModel& org, std::string method, std::string target) {
    OrgRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = {{"Host", org.options().site}};
    return r;
}

OrgRequest form_post(const OrgModel& org, std::string target, std::string body) {
    OrgRequest r = request(org, "POST", std::move(target));
    r.headers.emplace_back("Content-Type", form_type);
    r.body = std::move(body);
    return r;
}

std::string client_auth(const OrgModel& org) {
    return "client_id=" + org.options().consumer_key + "&client_secret=" + org.options().consumer_secret;
}

OrgRequest token_request(const OrgModel& org) {
    return form_post(org, "/services/oauth2/token", "grant_type=client_credentials&" + client_auth(org));
}

OrgRequest api_get(const OrgModel& org, std::string target, const std::string& token) {
    OrgRequest r = request(org, "GET", std::move(target));
    r.headers.emplace_back("Authorization", "Bearer " + token);
    return r;
}

json::value body_of(const OrgReply& r) { return json::parse(r.body); }

std::string grant(OrgModel& org) {
    const OrgReply r = org.handle(token_request(org));
    REQUIRE(r.status == 200);
    return std::string(body_of(r).at("access_token").as_string());
}

void check_oauth_error(const OrgReply& r, int status, std::string_view error, std::string_view description) {
    CHECK(r.status == status);
    const json::value v = body_of(r);
    CHECK(v.at("error").as_string() == error);
    CHECK(v.at("error_description").as_string() == description);
}

void check_rest_error(const OrgReply& r, int status, std::string_view code, std::string_view message = {}) {
    CHECK(r.status == status);
    const json::value v = body_of(r);
    REQUIRE(v.is_array());
    REQUIRE(v.as_array().size() == 1);
    CHECK(v.as_array()[0].at("errorCode").as_string() == code);
    if (!message.empty()) CHECK(v.as_array()[0].at("message").as_string() == message);
}

// What a scenario does to a token request and to a REST call with a valid token.
struct Expected {
    int token_status;
    std::string_view token_error;
    std::string_view token_description;
    int api_status;
    std::string_view api_code;
    std::string_view api_message;
};

const std::map<Scenario, Expected>& expectations() {
    static const std::map<Scenario, Expected> m{
        {Scenario::healthy, {200, "", "", 200, "", ""}},
        {Scenario::wrong_domain, {400, "invalid_grant", "request not supported on this domain", 200, "", ""}},
        {Scenario::no_run_as_user, {400, "invalid_grant", "no client credentials user enabled", 200, "", ""}},
        {Scenario::flow_disabled, {400, "unsupported_grant_type", "grant type not supported", 200, "", ""}},
        {Scenario::propagation_delay, {400, "invalid_client_id", "client identifier invalid", 200, "", ""}},
        {Scenario::user_inactive, {400, "inactive_user", "User is inactive", 200, "", ""}},
        {Scenario::org_inactive, {400, "inactive_org", "Org is locked, closed, or suspended", 200, "", ""}},
        {Scenario::ip_restricted, {400, "invalid_grant", "ip restricted", 200, "", ""}},
        {Scenario::login_rate_exceeded, {400, "rate_limit_exceeded", "Number of logins exceeded", 200, "", ""}},
        {Scenario::insufficient_access, {200, "", "", 403, "INSUFFICIENT_ACCESS", ""}},
        {Scenario::api_disabled,
         {200, "", "", 403, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization."}},
        {Scenario::request_limit, {200, "", "", 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."}},
        {Scenario::session_not_valid_for_api,
         {200, "", "", 401, "INVALID_SESSION_ID", "This session is not valid for use with the REST API"}},
        {Scenario::token_unavailable, {503, "", "", 200, "", ""}},
        {Scenario::api_unavailable, {200, "", "", 503, "SERVER_UNAVAILABLE", "The server is temporarily unavailable"}},
        {Scenario::propagating, {400, "invalid_client_id", "client identifier invalid", 200, "", ""}},
        {Scenario::invalid_assertion, {400, "invalid_grant", "invalid assertion", 200, "", ""}},
        {Scenario::invalid_audience, {400, "invalid_grant", "audience is invalid", 200, "", ""}},
        {Scenario::user_not_approved, {400, "invalid_grant", "user hasn't approved this consumer", 200, "", ""}},
        {Scenario::unknown_user, {400, "invalid_grant", "invalid user", 200, "", ""}},
        {Scenario::assertion_expired, {400, "invalid_grant", "expired authorization code", 200, "", ""}},
    };
    return m;
}

}  // namespace

TEST_CASE("org model: a client-credentials grant has Salesforce's reply shape", "[org_model][token]") {
    OrgModel org;
    CHECK(org.options().consumer_secret.size() == 64);  // generated: 32 random bytes, hex
    const OrgReply r = org.handle(token_request(org));
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").starts_with("application/json"));
    CHECK(r.header("Cache-Control").find("no-store") != std::string_view::npos);
    const json::object o = body_of(r).as_object();
    const std::string token(o.at("access_token").as_string());
    CHECK(token.starts_with(org.options().organization_id.substr(0, 15) + "!"));
    CHECK(o.at("instance_url").as_string() == org.instance_url());
    CHECK(o.at("id").as_string() == org.identity_url());
    CHECK(o.at("token_type").as_string() == "Bearer");
    const std::string issued_at(o.at("issued_at").as_string());
    CHECK(issued_at.size() == 13);
    CHECK(o.at("signature").as_string() ==
          token_signature(org.options().consumer_secret, org.identity_url(), issued_at));
    CHECK_FALSE(o.contains("expires_in"));
    CHECK(org.tokens_issued() == 1);
    CHECK(org.issued_tokens() == std::vector<std::string>{token});

    SECTION("wrong credentials, method, grant type and host") {
        check_oauth_error(org.handle(form_post(org, "/services/oauth2/token",
                                               "grant_type=client_credentials&client_id=nope&client_secret=x")),
                          400, "invalid_client_id", "client identifier invalid");
        check_oauth_error(org.handle(form_post(org, "/services/oauth2/token",
                                               "grant_type=client_credentials&client_id=" + org.options().consumer_key +
                                                   "&client_secret=wrong")),
                          400, "invalid_client", "invalid client credentials");
        check_oauth_error(org.handle(request(org, "GET", "/services/oauth2/token")), 400, "invalid_request",
                          "must use HTTP POST");
        OrgRequest json_body = token_request(org);
        json_body.headers[1].second = "application/json";  // the form is not read: no grant type
        check_oauth_error(org.handle(json_body), 400, "unsupported_grant_type", "grant type not supported");
        OrgRequest login_host = token_request(org);
        login_host.headers[0].second = "login.salesforce.com";
        check_oauth_error(org.handle(login_host), 400, "invalid_grant", "request not supported on this domain");
        CHECK(org.tokens_issued() == 1);
    }
}

TEST_CASE("org model: every scenario's token reply and REST reply", "[org_model][scenario]") {
    REQUIRE(expectations().size() == all_scenarios().size());  // a new Scenario needs a row here
    OrgModel org;
    const std::string token = grant(org);
    for (const Scenario s : all_scenarios()) {
        INFO("scenario " << to_string(s));
        const Expected& want = expectations().at(s);
        org.set_scenario(s);
        const OrgReply t = org.handle(token_request(org));
        CHECK(t.status == want.token_status);
        if (!want.token_error.empty()) {
            check_oauth_error(t, want.token_status, want.token_error, want.token_description);
        } else if (want.token_status == 503) {
            CHECK(t.header("Content-Type").starts_with("text/html"));
        }
        org.set_scenario(s);  // propagating: the REST call must not depend on the token request above
        const OrgReply a = org.handle(api_get(org, "/services/data/v65.0/limits/", token));
        if (want.api_status == 200) {
            CHECK(a.status == 200);
        } else {
            check_rest_error(a, want.api_status, want.api_code, want.api_message);
        }
        CHECK(a.header("Sforce-Limit-Info").starts_with("api-usage="));
    }
}

TEST_CASE("org model: REST sessions: missing, expired, revoked", "[org_model][rest]") {
    OrgModel org;
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", "")), 401, "INVALID_SESSION_ID",
                     "Session expired or invalid");
    CHECK(org.handle(request(org, "GET", "/services/data/")).status == 200);  // versions: no session needed
    const std::string token = grant(org);
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", token)).status == 200);
    check_rest_error(org.handle(api_get(org, "/services/data/v59.0/", token)), 404, "NOT_FOUND");
    OrgRequest post = api_get(org, "/services/data/v65.0/limits/", token);
    post.method = "POST";
    check_rest_error(org.handle(post), 405, "METHOD_NOT_ALLOWED");
    CHECK(org.handle(request(org, "GET", "/nowhere")).status == 404);

    org.expire_all_tokens();
    CHECK(org.token_invalidations() == 1);
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", token)), 401, "INVALID_SESSION_ID",
                     "Session expired or invalid");
    const std::string fresh = grant(org);
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", fresh)).status == 200);
    org.reset_counters();
    CHECK(org.tokens_issued() == 0);
    CHECK(org.token_invalidations() == 0);
}

TEST_CASE("org model: propagating fails N token requests, then turns healthy", "[org_model][scenario]") {
    EmulatorOptions options;
    options.propagating_token_failures = 3;
    OrgModel org(options);
    org.set_scenario(Scenario::propagating);
    check_oauth_error(org.handle(token_request(org)), 400, "invalid_client_id", "client identifier invalid");
    // Introspection authenticates the client too: it fails while propagating but spends no attempt.
    check_oauth_error(org.handle(form_post(org, "/services/oauth2/introspect", client_auth(org) + "&token=x")), 400,
                      "invalid_client_id", "client identifier invalid");
    for (int i = 0; i < 2; ++i) {
        check_oauth_error(org.handle(token_request(org)), 400, "invalid_client_id", "client identifier invalid");
    }
    const std::string token = grant(org);  // the fourth token request
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", token)).status == 200);
    grant(org);
    CHECK(org.scenario() == Scenario::propagating);

    org.set_scenario(Scenario::propagating);  // set again: the countdown restarts
    check_oauth_error(org.handle(token_request(org)), 400, "invalid_client_id", "client identifier invalid");

    options.propagating_token_failures = 0;
    OrgModel settled(options);
    settled.set_scenario(Scenario::propagating);
    grant(settled);

    options.propagating_token_failures = -1;
    CHECK_THROWS_AS(OrgModel(options), std::invalid_argument);
}

TEST_CASE("org model: SOQL paging with nextRecordsUrl", "[org_model][rest][query]") {
    EmulatorOptions options;
    options.accounts = 25;
    options.query_batch_size = 10;
    OrgModel org(options);
    const std::string token = grant(org);
    std::set<std::string> ids;
    std::string target = "/services/data/v65.0/query/?q=SELECT+Id,+Name+FROM+Account";
    std::vector<std::size_t> pages;
    for (int guard = 0; guard < 10 && !target.empty(); ++guard) {
        const OrgReply r = org.handle(api_get(org, target, token));
        REQUIRE(r.status == 200);
        const json::object o = body_of(r).as_object();
        CHECK(o.at("totalSize").as_int64() == 25);
        pages.push_back(o.at("records").as_array().size());
        for (const auto& rec : o.at("records").as_array()) {
            ids.insert(std::string(rec.at("Id").as_string()));
            CHECK(rec.at("Name").as_string().starts_with("Emulator Account "));
        }
        const bool done = o.at("done").as_bool();
        CHECK(done != o.contains("nextRecordsUrl"));
        target = done ? "" : std::string(o.at("nextRecordsUrl").as_string());
    }
    CHECK(pages == std::vector<std::size_t>{10, 10, 5});
    CHECK(ids.size() == 25);
    for (const auto& id : ids) CHECK(id.size() == 18);

    OrgRequest hinted = api_get(org, "/services/data/v65.0/query/?q=SELECT+Id+FROM+Account", token);
    hinted.headers.emplace_back("Sforce-Query-Options", "batchSize=7");
    CHECK(body_of(org.handle(hinted)).at("records").as_array().size() == 7);
    const json::value limited = body_of(
        org.handle(api_get(org, "/services/data/v65.0/query/?q=SELECT+Id+FROM+Account+LIMIT+5", token)));
    CHECK(limited.at("done").as_bool());
    CHECK(limited.at("records").as_array().size() == 5);
    const json::value counted = body_of(
        org.handle(api_get(org, "/services/data/v65.0/query/?q=SELECT+COUNT()+FROM+Account", token)));
    CHECK(counted.at("totalSize").as_int64() == 25);
    CHECK(counted.at("records").as_array().empty());
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/query/?q=SELEC+Id", token)), 400, "MALFORMED_QUERY");
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/query/?q=SELECT+Id+FROM+Contact", token)), 400,
                     "INVALID_TYPE");
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/query/01gNOPE-10", token)), 400,
                     "INVALID_QUERY_LOCATOR", "invalid query locator");

    const std::string first = *ids.begin();
    const OrgReply account = org.handle(api_get(org, "/services/data/v65.0/sobjects/Account/" + first, token));
    REQUIRE(account.status == 200);
    CHECK(body_of(account).at("Id").as_string() == first);
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/sobjects/Account/001000000000000AAA", token)), 404,
                     "NOT_FOUND");
}

TEST_CASE("org model: introspect, revoke and userinfo", "[org_model][oauth]") {
    OrgModel org;
    const std::string token = grant(org);
    const auto introspect = [&](const std::string& t) {
        return org.handle(form_post(org, "/services/oauth2/introspect", client_auth(org) + "&token=" + t));
    };
    const OrgReply active = introspect(token);
    REQUIRE(active.status == 200);
    const json::object o = body_of(active).as_object();
    CHECK(o.at("active").as_bool());
    CHECK(o.at("client_id").as_string() == org.options().consumer_key);
    CHECK(o.at("username").as_string() == org.options().username);
    CHECK(o.at("exp").as_int64() - o.at("iat").as_int64() == 7200);
    check_oauth_error(org.handle(form_post(org, "/services/oauth2/introspect", "token=" + token)), 400,
                      "invalid_client_id", "client identifier invalid");
    check_oauth_error(org.handle(form_post(org, "/services/oauth2/introspect", client_auth(org))), 400,
                      "invalid_request", "token parameter is required");

    const OrgReply info = org.handle(api_get(org, "/services/oauth2/userinfo", token));
    REQUIRE(info.status == 200);
    CHECK(body_of(info).at("preferred_username").as_string() == org.options().username);

    CHECK(org.handle(form_post(org, "/services/oauth2/revoke", "token=" + token)).status == 200);
    check_oauth_error(org.handle(form_post(org, "/services/oauth2/revoke", "token=" + token)), 400, "invalid_token",
                      "Token was invalid");
    CHECK_FALSE(body_of(introspect(token)).at("active").as_bool());
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", token)), 401, "INVALID_SESSION_ID");
    const OrgReply refused = org.handle(api_get(org, "/services/oauth2/userinfo", token));
    CHECK(refused.status == 403);
    CHECK(refused.body == "Bad_OAuth_Token");
}

TEST_CASE("org model: routes and option validation", "[org_model]") {
    CHECK(route_of("/services/oauth2/token?x=1") == Route::token);
    CHECK(route_of("/services/data") == Route::api);
    CHECK(route_of("/services/data/v65.0/limits/") == Route::api);
    CHECK(route_of("/services/oauth2/revoke") == Route::revoke);
    CHECK_FALSE(route_of("/services/datax").has_value());
    EmulatorOptions bad;
    bad.site = "not a host";
    CHECK_THROWS_AS(OrgModel(bad), std::invalid_argument);
    bad = {};
    bad.organization_id = "00D";
    CHECK_THROWS_AS(OrgModel(bad), std::invalid_argument);
    OrgModel org;
    CHECK_THROWS_AS(org.set_token_lifetime(std::chrono::milliseconds(0)), std::invalid_argument);
}

// ---- issue 15: the Account table, queryAll and composite, socket-free ----------------------------

namespace {

OrgRequest api_call(const OrgModel& org, std::string method, std::string target, const std::string& token,
                    std::string body = {}) {
    OrgRequest r = api_get(org, std::move(target), token);
    r.method = std::move(method);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

std::string nth_account_id(OrgModel& org, const std::string& token, std::size_t n) {
    const OrgReply r = org.handle(api_get(org, "/services/data/v64.0/query/?q=SELECT+Id+FROM+Account", token));
    return std::string(body_of(r).at("records").at(n).at("Id").as_string());
}

}  // namespace

TEST_CASE("org model: up to 50,000 accounts, query skips deleted rows, queryAll keeps them", "[org][query]") {
    EmulatorOptions big;
    big.accounts = 50000;
    CHECK(OrgModel(big).options().accounts == 50000);
    big.accounts = 50001;
    CHECK_THROWS_AS(OrgModel(big), std::invalid_argument);

    EmulatorOptions options;
    options.accounts = 5;
    OrgModel org(options);
    const std::string token = grant(org);
    const std::string id = nth_account_id(org, token, 1);
    CHECK(org.handle(api_call(org, "DELETE", "/services/data/v64.0/sobjects/Account/" + id, token)).status == 204);
    check_rest_error(org.handle(api_call(org, "DELETE", "/services/data/v64.0/sobjects/Account/" + id, token)), 404,
                     "ENTITY_IS_DELETED");
    const auto count = [&](const std::string& resource) {
        return body_of(
                   org.handle(api_get(org, "/services/data/v64.0/" + resource + "/?q=SELECT+Id+FROM+Account", token)))
            .at("totalSize")
            .as_int64();
    };
    CHECK(count("query") == 4);
    CHECK(count("queryAll") == 5);
}

TEST_CASE("org model: composite counts once, checks its limits, rolls back with allOrNone", "[org][composite]") {
    OrgModel org;
    const std::string token = grant(org);
    const std::string id = nth_account_id(org, token, 0);
    const auto usage = [&] {
        const OrgReply r = org.handle(api_get(org, "/services/data/v64.0/limits/", token));
        return body_of(r).at("DailyApiRequests").at("Remaining").as_int64();
    };
    const std::string rename = R"({"method":"PATCH","url":"/services/data/v64.0/sobjects/Account/)" + id +
                               R"(","referenceId":"r)";
    std::string subs;
    for (int i = 0; i < 26; ++i) subs += (i ? "," : "") + rename + std::to_string(i) + R"(","body":{"Name":"x"}})";
    check_rest_error(org.handle(api_call(org, "POST", "/services/data/v64.0/composite", token,
                                         R"({"compositeRequest":[)" + subs + "]}")),
                     400, "LIMIT_EXCEEDED");

    const std::int64_t before = usage();
    const std::string body = R"({"allOrNone":true,"compositeRequest":[)" + rename + R"(a","body":{"Name":"Never"}},)" +
                             R"({"method":"POST","url":"/services/data/v64.0/sobjects/Account/","referenceId":"b",)" +
                             R"("body":{"Name":"New"}},)" + rename + R"(c","body":{"Bogus":"x"}}]})";
    const OrgReply r = org.handle(api_call(org, "POST", "/services/data/v64.0/composite", token, body));
    REQUIRE(r.status == 200);
    const json::value reply = body_of(r);
    const json::array& results = reply.at("compositeResponse").as_array();
    REQUIRE(results.size() == 3);
    CHECK(results[0].at("httpStatusCode") == 400);
    CHECK(results[0].at("body").at(0).at("errorCode") == "PROCESSING_HALTED");
    CHECK(results[1].at("body").at(0).at("errorCode") == "PROCESSING_HALTED");
    CHECK(results[2].at("body").at(0).at("errorCode") == "INVALID_FIELD");
    CHECK(usage() == before - 2);  // the composite call and this limits call
    const OrgReply after = org.handle(api_get(org, "/services/data/v64.0/sobjects/Account/" + id, token));
    CHECK(body_of(after).at("Name") != "Never");
    CHECK(body_of(org.handle(api_get(org, "/services/data/v64.0/query/?q=SELECT+COUNT()+FROM+Account", token)))
              .at("totalSize") == 25);
}

// ---- time is an input (EmulatorOptions::clock): driven explicitly, never slept through ------------

namespace {

// 2026-01-01T00:00:00.123Z on the wall clock; the steady clock starts at an arbitrary point.
constexpr std::int64_t start_unix_ms = 1767225600123;

struct ManualClock {
    OrgTime t{std::chrono::steady_clock::time_point{} + std::chrono::hours(1000),
              std::chrono::system_clock::time_point{} + std::chrono::milliseconds(start_unix_ms)};
    int reads = 0;
    void advance(std::chrono::milliseconds d) {
        t.steady += d;
        t.wall += d;
    }
};

EmulatorOptions on_clock(ManualClock& clock, EmulatorOptions options = {}) {
    options.clock = [&clock] {
        ++clock.reads;
        return clock.t;
    };
    return options;
}

json::object introspect(OrgModel& org, const std::string& token) {
    const OrgReply r = org.handle(form_post(org, "/services/oauth2/introspect", client_auth(org) + "&token=" + token));
    REQUIRE(r.status == 200);
    return body_of(r).as_object();
}

}  // namespace

TEST_CASE("org model clock: issued_at, signature and introspection times come from the clock", "[org_model][clock]") {
    ManualClock clock;
    OrgModel org(on_clock(clock));
    CHECK(org.now().wall == clock.t.wall);
    const OrgReply r = org.handle(token_request(org));
    REQUIRE(r.status == 200);
    const json::object o = body_of(r).as_object();
    CHECK(o.at("issued_at").as_string() == "1767225600123");
    CHECK(o.at("signature").as_string() ==
          token_signature(org.options().consumer_secret, org.identity_url(), "1767225600123"));
    const std::string token(o.at("access_token").as_string());
    clock.advance(std::chrono::minutes(30));  // introspection reports the issue time, not the asking time
    const json::object info = introspect(org, token);
    CHECK(info.at("active").as_bool());
    CHECK(info.at("iat").as_int64() == start_unix_ms / 1000);
    CHECK(info.at("exp").as_int64() == start_unix_ms / 1000 + 7200);

    ManualClock seconds_clock;
    EmulatorOptions options;
    options.issued_at_in_seconds = true;
    OrgModel in_seconds(on_clock(seconds_clock, options));
    CHECK(body_of(in_seconds.handle(token_request(in_seconds))).at("issued_at").as_string() == "1767225600");
}

TEST_CASE("org model clock: a session expires exactly one token lifetime after issue", "[org_model][clock]") {
    ManualClock clock;
    OrgModel org(on_clock(clock));
    const std::string token = grant(org);
    clock.advance(std::chrono::hours(2) - std::chrono::milliseconds(1));
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", token)).status == 200);
    const std::string younger = grant(org);
    clock.advance(std::chrono::milliseconds(1));
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", token)), 401, "INVALID_SESSION_ID",
                     "Session expired or invalid");
    CHECK_FALSE(introspect(org, token).at("active").as_bool());
    CHECK(org.handle(api_get(org, "/services/oauth2/userinfo", token)).status == 403);
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", younger)).status == 200);

    // A longer lifetime applies to tokens already issued: the expired one is valid again.
    org.set_token_lifetime(std::chrono::hours(3));
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", token)).status == 200);
    clock.advance(std::chrono::hours(1));
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", token)), 401, "INVALID_SESSION_ID");
    CHECK(org.token_invalidations() == 0);  // expiry by age is not an invalidation
}

TEST_CASE("org model clock: expire_all_tokens_every invalidates on schedule", "[org_model][clock]") {
    ManualClock clock;
    EmulatorOptions options;
    options.expire_all_tokens_every = std::chrono::minutes(10);
    OrgModel org(on_clock(clock, options));  // the schedule starts at construction
    const std::string first = grant(org);
    clock.advance(std::chrono::minutes(10) - std::chrono::milliseconds(1));
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", first)).status == 200);
    CHECK(org.token_invalidations() == 0);
    clock.advance(std::chrono::milliseconds(1));
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", first)), 401, "INVALID_SESSION_ID");
    CHECK(org.token_invalidations() == 1);

    const std::string second = grant(org);  // issued after the invalidation: fine until the next one
    clock.advance(std::chrono::minutes(9));
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", second)).status == 200);
    // A quiet org skips missed periods: one invalidation when the next request arrives.
    clock.advance(std::chrono::minutes(35));
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", second)), 401, "INVALID_SESSION_ID");
    CHECK(org.token_invalidations() == 2);
    // The schedule stays on its grid (every 10 minutes from construction): the next one is 6 minutes away.
    const std::string third = grant(org);
    clock.advance(std::chrono::minutes(5));
    org.apply_scheduled_expiry(org.now().steady);  // what the Emulator does for a request a Fault answers
    CHECK(org.token_invalidations() == 2);
    clock.advance(std::chrono::minutes(1));
    org.apply_scheduled_expiry(org.now().steady);
    CHECK(org.token_invalidations() == 3);
    check_rest_error(org.handle(api_get(org, "/services/data/v65.0/", third)), 401, "INVALID_SESSION_ID");
}

TEST_CASE("org model clock: read once at construction and once per request", "[org_model][clock]") {
    ManualClock clock;
    OrgModel org(on_clock(clock));
    CHECK(clock.reads == 1);
    const std::string token = grant(org);
    CHECK(clock.reads == 2);
    CHECK(org.handle(api_get(org, "/services/data/v65.0/", token)).status == 200);
    CHECK(org.handle(request(org, "GET", "/nowhere")).status == 404);
    CHECK(clock.reads == 4);
}

}  // namespace org_model_test
