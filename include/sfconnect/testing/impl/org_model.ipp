// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_IMPL_ORG_MODEL_IPP
#define SFCONNECT_TESTING_IMPL_ORG_MODEL_IPP

#include <sfconnect/testing/org_model.hpp>
#include <sfconnect/testing/detail/account_table.hpp>
#include <sfconnect/testing/detail/composite.hpp>
#include <sfconnect/testing/detail/jwt_check.hpp>
#include <sfconnect/testing/detail/openssl.hpp>
#include <sfconnect/testing/detail/org_replies.hpp>
#include <sfconnect/testing/detail/soql.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <deque>
#include <stdexcept>
#include <unordered_map>
#include <variant>

namespace sfconnect {
namespace testing {

namespace detail {

inline constexpr std::array<std::pair<Scenario, std::string_view>, 21> scenario_names = {{
    {Scenario::healthy, "healthy"},
    {Scenario::wrong_domain, "wrong_domain"},
    {Scenario::no_run_as_user, "no_run_as_user"},
    {Scenario::flow_disabled, "flow_disabled"},
    {Scenario::propagation_delay, "propagation_delay"},
    {Scenario::user_inactive, "user_inactive"},
    {Scenario::org_inactive, "org_inactive"},
    {Scenario::ip_restricted, "ip_restricted"},
    {Scenario::login_rate_exceeded, "login_rate_exceeded"},
    {Scenario::insufficient_access, "insufficient_access"},
    {Scenario::api_disabled, "api_disabled"},
    {Scenario::request_limit, "request_limit"},
    {Scenario::session_not_valid_for_api, "session_not_valid_for_api"},
    {Scenario::token_unavailable, "token_unavailable"},
    {Scenario::api_unavailable, "api_unavailable"},
    {Scenario::propagating, "propagating"},
    {Scenario::invalid_assertion, "invalid_assertion"},
    {Scenario::invalid_audience, "invalid_audience"},
    {Scenario::user_not_approved, "user_not_approved"},
    {Scenario::unknown_user, "unknown_user"},
    {Scenario::assertion_expired, "assertion_expired"},
}};

inline constexpr std::array<Scenario, scenario_names.size()> scenario_values = [] {
    std::array<Scenario, scenario_names.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = scenario_names[i].first;
    return out;
}();

// API versions served (Spring '24 .. Spring '26), with their release labels.
inline constexpr std::array<std::pair<int, std::string_view>, 7> api_versions = {{
    {60, "Spring '24"},
    {61, "Summer '24"},
    {62, "Winter '25"},
    {63, "Spring '25"},
    {64, "Summer '25"},
    {65, "Winter '26"},
    {66, "Spring '26"},
}};

inline constexpr std::uint64_t daily_api_limit = 15000;
inline constexpr std::size_t max_cursors = 1000;
// Below this many remembered tokens nothing is forgotten, so that a test changing the lifetime
// back and forth sees the same tokens; above it, expired tokens are dropped oldest first.
inline constexpr std::size_t token_prune_threshold = 1024;
inline constexpr std::size_t max_issued_log = 4096;
inline constexpr std::string_view alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

struct TokenRecord {
    std::chrono::steady_clock::time_point issued;
    std::int64_t issued_unix = 0;  // seconds, for introspection
    std::uint64_t serial = 0;      // issue order; serials below Org::expired_below are expired
    bool revoked = false;
};

struct QueryCursor {
    int version = 0;
    std::vector<std::string> fields;
    std::size_t total = 0;
    std::size_t batch = 0;
    std::shared_ptr<const std::vector<std::size_t>> rows;  // the matching rows; null: rows 0..total-1
};

// "Bearer <token>" (Salesforce also accepts the older "OAuth <token>").
inline std::string bearer_token(const OrgRequest& req) {
    const std::string_view auth = trim(req.header("Authorization"));
    for (const std::string_view scheme : {std::string_view("Bearer "), std::string_view("OAuth ")}) {
        if (istarts_with(auth, scheme)) {
            return std::string(trim(auth.substr(scheme.size())));
        }
    }
    return {};
}

// "vNN.0" → NN, else 0.
inline int parse_version(std::string_view segment) {
    if (segment.size() < 4 || segment.size() > 6 || segment.front() != 'v' ||
        segment.substr(segment.size() - 2) != ".0") {
        return 0;
    }
    const std::string_view digits = segment.substr(1, segment.size() - 3);
    return all_of_set(digits, "0123456789") ? std::stoi(std::string(digits)) : 0;
}

inline std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty() && out.size() < 64) {
        const std::size_t slash = path.find('/');
        if (slash != 0) {
            out.push_back(path.substr(0, slash));
        }
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return out;
}

inline std::string version_path(int version) { return "/services/data/v" + std::to_string(version) + ".0"; }

inline OrgReply service_unavailable_page() {
    return text_reply(503, "text/html;charset=UTF-8",
                      "<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>"
                      "<p>The server is temporarily unable to service your request. Please try again later.</p>"
                      "</body></html>");
}

// The token endpoint's answer for the scenarios that refuse an authenticated client; nullopt for
// the others.
inline std::optional<OrgReply> token_refusal(Scenario s) {
    switch (s) {
        case Scenario::flow_disabled: return oauth_error(400, "unsupported_grant_type", "grant type not supported");
        case Scenario::no_run_as_user: return oauth_error(400, "invalid_grant", "no client credentials user enabled");
        case Scenario::user_inactive: return oauth_error(400, "inactive_user", "User is inactive");
        case Scenario::org_inactive: return oauth_error(400, "inactive_org", "Org is locked, closed, or suspended");
        case Scenario::ip_restricted: return oauth_error(400, "invalid_grant", "ip restricted");
        case Scenario::login_rate_exceeded: return oauth_error(400, "rate_limit_exceeded", "Number of logins exceeded");
        case Scenario::invalid_assertion: return oauth_error(400, "invalid_grant", "invalid assertion");
        case Scenario::invalid_audience: return oauth_error(400, "invalid_grant", "audience is invalid");
        case Scenario::user_not_approved:
            return oauth_error(400, "invalid_grant", "user hasn't approved this consumer");
        case Scenario::unknown_user: return oauth_error(400, "invalid_grant", "invalid user");
        case Scenario::assertion_expired: return oauth_error(400, "invalid_grant", "expired authorization code");
        default: return std::nullopt;
    }
}

// The REST API's answer for the scenarios that refuse a valid session; nullopt for the others.
inline std::optional<OrgReply> api_refusal(Scenario s) {
    switch (s) {
        case Scenario::session_not_valid_for_api:
            return rest_error(401, "INVALID_SESSION_ID", "This session is not valid for use with the REST API");
        case Scenario::api_disabled:
            return rest_error(403, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.");
        case Scenario::request_limit: return rest_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
        case Scenario::insufficient_access:
            return rest_error(403, "INSUFFICIENT_ACCESS",
                              "insufficient access rights: the Run As user lacks a permission this resource requires");
        default: return std::nullopt;
    }
}

inline OrgReply method_not_allowed(const OrgRequest& req, std::string_view allowed) {
    return rest_error(405, "METHOD_NOT_ALLOWED",
                      "HTTP Method '" + req.method + "' not allowed. Allowed are " + std::string(allowed));
}

inline OrgReply versions_reply() {
    boost::json::array versions;
    for (const auto& [v, label] : api_versions) {
        boost::json::object o;
        o["label"] = label;
        o["url"] = version_path(v);
        o["version"] = std::to_string(v) + ".0";
        versions.emplace_back(std::move(o));
    }
    return json_reply(200, versions);
}

inline OrgReply resources_reply(int version, const std::string& identity) {
    const std::string base = version_path(version);
    boost::json::object o;
    for (const char* name : {"tooling", "metadata", "sobjects", "query", "queryAll", "search", "recent", "limits",
                             "composite", "connect", "analytics", "ui-api"}) {
        o[name] = base + "/" + name;
    }
    o["identity"] = identity;
    return json_reply(200, o);
}

inline OrgReply limits_reply(std::uint64_t api_usage) {
    const auto limit = [](std::uint64_t max, std::uint64_t remaining) {
        boost::json::object o;
        o["Max"] = max;
        o["Remaining"] = remaining;
        return o;
    };
    boost::json::object o;
    o["ConcurrentAsyncGetReportInstances"] = limit(200, 200);
    o["DailyApiRequests"] = limit(daily_api_limit, daily_api_limit - std::min(api_usage, daily_api_limit));
    o["DailyAsyncApexExecutions"] = limit(250000, 250000);
    o["DailyBulkApiBatches"] = limit(15000, 15000);
    o["DataStorageMB"] = limit(5, 5);
    o["FileStorageMB"] = limit(20, 20);
    o["HourlyPublishedPlatformEvents"] = limit(50000, 50000);
    o["SingleEmail"] = limit(15, 15);
    return json_reply(200, o);
}

// Salesforce honours "Sforce-Query-Options: batchSize=N" (1-2000) as a hint.
inline std::size_t batch_size_hint(std::string_view options, std::size_t fallback) {
    const std::size_t at = options.find("batchSize=");
    if (at == std::string_view::npos) {
        return fallback;
    }
    std::size_t n = 0;
    for (std::size_t i = at + 10; i < options.size() && i < at + 14 && options[i] >= '0' && options[i] <= '9'; ++i) {
        n = n * 10 + static_cast<std::size_t>(options[i] - '0');
    }
    return n >= 1 && n <= 2000 ? n : fallback;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Free functions

SFCONNECT_TESTING_DECL std::string_view to_string(Scenario scenario) noexcept {
    for (const auto& [value, name] : detail::scenario_names) {
        if (value == scenario) {
            return name;
        }
    }
    return "unknown";
}

SFCONNECT_TESTING_DECL std::optional<Scenario> scenario_from_string(std::string_view name) noexcept {
    std::string normalized(name.substr(0, 64));
    std::replace(normalized.begin(), normalized.end(), '-', '_');
    for (const auto& [value, n] : detail::scenario_names) {
        if (n == normalized) {
            return value;
        }
    }
    return std::nullopt;
}

SFCONNECT_TESTING_DECL std::span<const Scenario> all_scenarios() noexcept { return detail::scenario_values; }

SFCONNECT_TESTING_DECL std::optional<Route> route_of(std::string_view target) noexcept {
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/services/oauth2/token") return Route::token;
    if (path == "/services/oauth2/userinfo") return Route::userinfo;
    if (path == "/services/oauth2/introspect") return Route::introspect;
    if (path == "/services/oauth2/revoke") return Route::revoke;
    if (path == "/services/data" || path.starts_with("/services/data/")) return Route::api;
    return std::nullopt;
}

SFCONNECT_TESTING_DECL OrgTime OrgTime::now() {
    return OrgTime{std::chrono::steady_clock::now(), std::chrono::system_clock::now()};
}

SFCONNECT_TESTING_DECL std::string token_signature(std::string_view consumer_secret, std::string_view id,
                                                   std::string_view issued_at) {
    std::string message;
    message.reserve(id.size() + issued_at.size());
    message.append(id).append(issued_at);
    return detail::base64_encode(detail::hmac_sha256(consumer_secret, message));
}

namespace detail {
inline std::string_view header_value(const std::vector<std::pair<std::string, std::string>>& headers,
                                     std::string_view name) noexcept {
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) {
            return v;
        }
    }
    return {};
}
}  // namespace detail

SFCONNECT_TESTING_DECL std::string_view OrgRequest::header(std::string_view name) const noexcept {
    return detail::header_value(headers, name);
}

SFCONNECT_TESTING_DECL std::string_view OrgReply::header(std::string_view name) const noexcept {
    return detail::header_value(headers, name);
}

}  // namespace testing
}  // namespace sfconnect

#include <sfconnect/testing/impl/org_state.ipp>

#endif
