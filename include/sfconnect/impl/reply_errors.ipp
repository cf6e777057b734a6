// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_REPLY_ERRORS_IPP
#define SFCONNECT_IMPL_REPLY_ERRORS_IPP

#include <sfconnect/reply_errors.hpp>
#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <optional>

namespace sfconnect {
namespace detail {
struct ServerFields {
    bool is_json = false;
    bool found = false;       // an error code or message was found
    std::string error;        // OAuth `error` or REST `errorCode`, raw
    std::string description;  // OAuth `error_description` or REST `message`, raw
    std::size_t count = 0;    // number of error entries (REST arrays)
    std::string_view shape;   // "object", "array", "string", ...
};

inline std::string text_of(const boost::json::value& v) {
    if (const auto* s = v.if_string()) return std::string(s->data(), s->size());
    if (v.is_null()) return {};
    return boost::json::serialize(v);
}

inline bool read_entry(const boost::json::value& v, ServerFields& out) {
    const auto* obj = v.if_object();
    if (obj == nullptr) return false;
    const auto take = [&](std::string_view code_key, std::string_view text_key) {
        const auto* code = obj->if_contains(code_key);
        const auto* text = obj->if_contains(text_key);
        if (code == nullptr && text == nullptr) return false;
        if (code != nullptr) out.error = text_of(*code);
        if (text != nullptr) out.description = text_of(*text);
        return true;
    };
    // OAuth shape first for the token endpoint, REST shape otherwise; each endpoint accepts both.
    return take("error", "error_description") || take("errorCode", "message");
}

inline ServerFields read_server_fields(std::string_view body) {
    ServerFields f;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(body, ec);
    if (ec) return f;
    f.is_json = true;
    if (v.is_object()) {
        f.shape = "object";
        f.found = read_entry(v, f);
        f.count = f.found ? 1 : 0;
    } else if (const auto* arr = v.if_array()) {
        f.shape = "array";
        for (const auto& e : *arr) {
            ServerFields entry;
            if (!read_entry(e, entry)) continue;
            if (!f.found) {
                f.error = std::move(entry.error);
                f.description = std::move(entry.description);
                f.found = true;
            }
            ++f.count;
        }
    } else {
        f.shape = v.is_string() ? "string" : v.is_null() ? "null" : "scalar";
    }
    return f;
}

inline std::string status_text(int status, std::string_view content_type,
                               std::initializer_list<std::string_view> redact = {}) {
    std::string s = "HTTP " + std::to_string(status);
    if (!content_type.empty()) {
        s += ", content type ";
        s += safe_text(content_type, 80, redact);
    }
    return s;
}

inline void append_hint(Diagnostics& diag, std::string_view extra) {
    if (extra.empty()) return;
    if (!diag.hint.empty()) diag.hint += ' ';
    diag.hint += extra;
}

// Statuses whose meaning is clear whatever the body says.
inline std::string_view status_hint(int status) noexcept {
    switch (status) {
        case 410: return "HTTP 410: the resource or API version is retired; use a current API version.";
        case 420:
            return "HTTP 420: Salesforce's edge has no route for this host: the My Domain does not exist (a deleted "
                   "scratch org?) or was renamed.";
        case 414:
        case 431: return "The request URI or headers exceed Salesforce's 16,384-byte limit.";
        default: return {};
    }
}

// Common handling of redirects, bodies that are not JSON, and JSON without an error entry.
// Returns the code when the reply was fully handled here.
inline std::optional<error_code> triage(int status, std::string_view content_type, std::string_view body,
                                        std::string_view location, std::string_view who, const ServerFields& f,
                                        error_code otherwise, Diagnostics& diag,
                                        std::initializer_list<std::string_view> redact) {
    if (status >= 300 && status < 400) {
        diag.host = std::string(url_host(location));
        diag.host = safe_text(diag.host, 255, redact);
        diag.message = std::string(who) + " answered with a redirect (HTTP " + std::to_string(status) + ")";
        if (!diag.host.empty()) diag.message += " to " + diag.host;
        else if (!location.empty()) diag.message += " to another path on the same host";
        diag.message += "; sfconnect never follows redirects, so nothing was sent there";
        if (f.found) {
            diag.server_error = safe_text(f.error, max_server_text, redact);
            diag.server_message = safe_text(f.description, max_server_text, redact);
        }
        diag.hint = std::string(default_hint(errc::redirected));
        return error_code(errc::redirected);
    }
    const bool is_5xx = status >= 500 && status < 600;
    if (!f.is_json || !f.found) {
        const error_code ec = is_5xx ? error_code(errc::server_error) : otherwise;
        diag.message = std::string(who) + " answered " + status_text(status, content_type, redact);
        if (body.empty()) {
            diag.message += " with an empty body";
        } else if (!f.is_json) {
            diag.message += ", and the reply is not JSON: likely a proxy, a firewall or the wrong host answered";
            diag.server_message = safe_text(body, max_body_excerpt, redact, true);
        } else {
            diag.message += ", and the reply (a JSON ";
            diag.message += f.shape;
            diag.message += ") carries no error code";
            diag.server_message = safe_text(body, max_body_excerpt, redact, true);
        }
        diag.hint = std::string(default_hint(ec));
        append_hint(diag, status_hint(status));
        if (!is_5xx && !f.is_json)
            append_hint(diag, "Check that the Site is the org's My Domain host and whether a proxy (HTTPS_PROXY) "
                              "or firewall answers in Salesforce's place.");
        return ec;
    }
    diag.server_error = safe_text(f.error, max_server_text, redact);
    diag.server_message = safe_text(f.description, max_server_text, redact);
    if (is_5xx) {
        diag.message = std::string(who) + " reported a server error (HTTP " + std::to_string(status) + ")";
        diag.hint = std::string(default_hint(errc::server_error));
        return error_code(errc::server_error);
    }
    return std::nullopt;
}

struct TokenRule {
    std::string_view error;        // OAuth `error`, compared case-insensitively
    std::string_view description;  // substring of `error_description` (case-insensitive); empty: any
    oauth_errc code;
    std::string_view message;
    std::string_view extra_hint;
};

inline constexpr TokenRule token_rules[] = {
    {"invalid_grant", "request not supported on this domain", oauth_errc::unsupported_domain,
     "Salesforce refused the client credentials grant on this host: it is served only on the org's My Domain", ""},
    {"invalid_grant", "no client credentials user enabled", oauth_errc::no_run_as_user,
     "the connected app has no Run As user for the Client Credentials Flow", ""},
    {"invalid_grant", "ip restricted", oauth_errc::ip_restricted,
     "Salesforce refused the Run As user's login: the caller's IP address or the time is outside what the user "
     "may use",
     ""},
    {"invalid_grant", "invalid login hours", oauth_errc::ip_restricted,
     "Salesforce refused the Run As user's login: outside the user's login hours", ""},
    {"invalid_grant", "inactive user", oauth_errc::user_inactive, "the Run As user is inactive or frozen", ""},
    {"invalid_grant", "user is inactive", oauth_errc::user_inactive, "the Run As user is inactive or frozen", ""},
    {"inactive_user", "", oauth_errc::user_inactive, "the Run As user is inactive or frozen", ""},
    {"invalid_client_id", "", oauth_errc::invalid_client_id, "Salesforce does not recognise the Consumer Key",
     "A deleted connected app gives the same error."},
    {"invalid_client", "", oauth_errc::invalid_client_secret, "Salesforce rejected the Consumer Secret",
     "The Consumer Key was recognised, so only the secret is wrong (or missing)."},
    {"invalid_client_credentials", "", oauth_errc::invalid_client_secret, "Salesforce rejected the Consumer Secret",
     "The Consumer Key was recognised, so only the secret is wrong (or missing)."},
    {"unsupported_grant_type", "", oauth_errc::grant_not_enabled,
     "Salesforce does not accept the client credentials grant for this app",
     "If the flow is already enabled, the request may have reached a host other than the My Domain or lost its "
     "body to an http-to-https redirect."},
    {"inactive_org", "", oauth_errc::org_inactive, "the org is locked, closed or suspended", ""},
    {"rate_limit_exceeded", "", oauth_errc::login_rate_exceeded, "too many logins for the Run As user", ""},
    // The JWT bearer flow: always invalid_grant, the description says which; its capitalisation varies.
    {"invalid_grant", "invalid assertion", oauth_errc::invalid_assertion,
     "Salesforce rejected the JWT assertion: its signature does not verify with the app's certificate, or its "
     "issuer is not the app's Consumer Key",
     ""},
    {"invalid_grant", "audience is invalid", oauth_errc::invalid_audience,
     "Salesforce rejected the JWT assertion's audience ('aud')", ""},
    {"invalid_grant", "hasn't approved this consumer", oauth_errc::user_not_approved,
     "the user has not approved this connected app (JWT bearer flow)", ""},
    {"invalid_grant", "has not approved this consumer", oauth_errc::user_not_approved,
     "the user has not approved this connected app (JWT bearer flow)", ""},
    {"invalid_grant", "invalid user", oauth_errc::unknown_user, "Salesforce does not know the assertion's username",
     ""},
    {"invalid_grant", "expired authorization code", oauth_errc::assertion_expired,
     "Salesforce found the JWT assertion expired", ""},
    {"invalid_grant", "login rate exceeded", oauth_errc::login_rate_exceeded, "too many logins for this user", ""},
};

inline error_code map_token(int status, std::string_view content_type, std::string_view body, Diagnostics& diag,
                            std::string_view location, std::initializer_list<std::string_view> redact) {
    diag.clear();
    diag.http_status = status;
    diag.phase = Phase::token;
    const ServerFields f = read_server_fields(body);
    constexpr std::string_view who = "the token endpoint";
    const bool is_2xx = status >= 200 && status < 300;
    if (is_2xx && (!f.found || !f.is_json)) {
        // A success reply passed here by mistake, or one we could not read: say so plainly.
        diag.message = "the token endpoint's reply (" + status_text(status, content_type, redact) +
                       ") is neither a token nor an error";
        diag.server_message = safe_text(body, max_body_excerpt, redact, true);
        diag.hint = std::string(default_hint(errc::bad_response));
        return errc::bad_response;
    }
    if (auto handled = triage(status, content_type, body, location, who, f, oauth_errc::token_rejected, diag, redact))
        return *handled;
    for (const auto& rule : token_rules) {
        if (!iequals(f.error, rule.error)) continue;
        if (!rule.description.empty() && !icontains(f.description, rule.description)) continue;
        diag.message = std::string(rule.message);
        diag.hint = std::string(default_hint(rule.code));
        append_hint(diag, rule.extra_hint);
        return rule.code;
    }
    diag.message = "the token endpoint rejected the request with '" + diag.server_error + "'";
    if (f.error.empty()) diag.message = "the token endpoint rejected the request";
    diag.hint = std::string(default_hint(oauth_errc::token_rejected));
    if (iequals(f.error, "invalid_scope")) append_hint(diag, "Check the OAuth scopes selected on the connected app.");
    else if (icontains(f.description, "https required"))
        append_hint(diag, "Send the request over https:// to the org's My Domain host.");
    else if (iequals(f.error, "invalid_request"))
        append_hint(diag, "The request was malformed: check that no proxy rewrites it.");
    else if (icontains(f.description, "hasn't approved this consumer"))
        append_hint(diag, "That error belongs to the JWT and username-password flows: check that the request uses "
                          "grant_type=client_credentials.");
    append_hint(diag, status_hint(status));
    return oauth_errc::token_rejected;
}

struct ApiRule {
    std::string_view error_code;  // REST errorCode, exact (Salesforce codes are upper case)
    api_errc code;
    std::string_view message;
};

inline constexpr ApiRule api_rules[] = {
    {"REQUEST_LIMIT_EXCEEDED", api_errc::request_limit_exceeded, "the org's API request limit is exhausted"},
    {"INSUFFICIENT_ACCESS", api_errc::insufficient_access, "the Run As user lacks access for this request"},
    {"API_DISABLED_FOR_ORG", api_errc::api_disabled, "API access is disabled for this org or the Run As user"},
};

inline error_code map_api(int status, std::string_view content_type, std::string_view body, Diagnostics& diag,
                          std::string_view location) {
    diag.clear();
    diag.http_status = status;
    diag.phase = Phase::api;
    const ServerFields f = read_server_fields(body);
    constexpr std::string_view who = "the REST API";
    const bool is_2xx = status >= 200 && status < 300;
    if (is_2xx && (!f.found || !f.is_json)) {
        diag.message = "the REST API's reply (" + status_text(status, content_type) + ") is not an error reply";
        diag.server_message = safe_text(body, max_body_excerpt, {}, true);
        diag.hint = std::string(default_hint(errc::bad_response));
        return errc::bad_response;
    }
    if (status == 300 && location.empty() && f.is_json) {
        // Not a redirect: Salesforce lists the records an external ID matched.
        diag.message = "the external ID matches several records (HTTP 300)";
        diag.server_message = safe_text(body, max_body_excerpt, {}, true);
        diag.hint = std::string(default_hint(api_errc::api_error));
        append_hint(diag, "Make the external ID field unique, or address the record by its Salesforce id.");
        return api_errc::api_error;
    }
    if (auto handled = triage(status, content_type, body, location, who, f, api_errc::api_error, diag, {}))
        return *handled;
    const std::string more =
        f.count > 1 ? " (and " + std::to_string(f.count - 1) + " more error" + (f.count > 2 ? "s" : "") + ")" : "";
    const auto done = [&](api_errc code, std::string message, std::string_view extra_hint = {}) {
        diag.message = std::move(message) + more;
        diag.hint = std::string(default_hint(code));
        append_hint(diag, extra_hint);
        return error_code(code);
    };
    // The text decides first: this variant comes as INVALID_SESSION_ID too, but a new token won't fix it.
    if (icontains(f.description, "not valid for use with the REST API"))
        return done(api_errc::session_not_valid_for_api, "the session is not valid for use with the REST API");
    if (f.error == "INVALID_SESSION_ID") {
        if (icontains(f.description, "connected app is not attached"))
            return done(api_errc::api_error, "the session cannot be used by this connected app");
        return done(api_errc::invalid_session, "the access token expired or was revoked");
    }
    for (const auto& rule : api_rules)
        if (f.error == rule.error_code) return done(rule.code, std::string(rule.message));
    std::string message = "the REST API rejected the request (HTTP " + std::to_string(status);
    if (!diag.server_error.empty()) message += ", " + diag.server_error;
    message += ")";
    if (f.error == "URL_NOT_RESET")
        return done(api_errc::api_error, std::move(message),
                    "Send REST calls to the instance_url from the token reply, not to the login host.");
    return done(api_errc::api_error, std::move(message), status_hint(status));
}

SFCONNECT_DECL error_code map_token_error_redacting(int http_status, std::string_view content_type,
                                                    std::string_view body, Diagnostics& diag, std::string_view location,
                                                    std::initializer_list<std::string_view> redact) {
    return map_token(http_status, content_type, body, diag, location, redact);
}

}  // namespace detail

SFCONNECT_DECL error_code map_token_error(int http_status, std::string_view content_type, std::string_view body,
                                          Diagnostics& diag, std::string_view location) {
    return detail::map_token(http_status, content_type, body, diag, location, {});
}

SFCONNECT_DECL error_code map_api_error(int http_status, std::string_view content_type, std::string_view body,
                                        Diagnostics& diag, std::string_view location) {
    return detail::map_api(http_status, content_type, body, diag, location);
}

SFCONNECT_DECL bool is_refetchable_session_error(const error_code& ec, const Diagnostics& diag) noexcept {
    // The text check guards against codes built elsewhere from a reply this mapping would not refetch.
    return ec == api_errc::invalid_session && !detail::icontains(diag.server_message, "not valid for use with the");
}

}  // namespace sfconnect

#endif
