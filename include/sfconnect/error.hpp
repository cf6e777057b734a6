// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_ERROR_HPP
#define SFCONNECT_ERROR_HPP

/// @file
/// Error codes: one enum per error source, each with its own category, plus stable identifiers.

#include <sfconnect/detail/config.hpp>

#include <boost/system/error_code.hpp>

#include <string_view>
#include <system_error>
#include <type_traits>

namespace sfconnect {

/// The error code type used by every sfconnect operation (convertible to std::error_code).
using error_code = boost::system::error_code;

/// Errors detected on the client side: validation, transport, TLS and reply checks.
/// Category name "sfconnect.client".
enum class errc {
    invalid_site = 1,     ///< the Site value is not a valid My Domain host
    invalid_credentials,  ///< the consumer key or secret is malformed (empty, whitespace, quotes, ...)
    dns_failed,           ///< the host name could not be resolved
    connect_failed,       ///< TCP connection refused or unreachable
    proxy_failed,         ///< the HTTP CONNECT proxy refused or failed the tunnel
    tls_failed,           ///< TLS handshake or certificate verification failed
    timeout,              ///< a phase took longer than its configured timeout (see Diagnostics::phase)
    connection_lost,      ///< the server closed or reset the connection before a full reply
    redirected,           ///< the server answered 3xx; sfconnect never follows redirects
    bad_response,         ///< the reply is malformed, too large, or points at an unexpected host
    signature_mismatch,   ///< the token reply's HMAC signature does not match the consumer secret
    server_error,         ///< the server answered 5xx (Salesforce or an intermediary is unavailable)
};

/// Errors reported by the OAuth token endpoint (/services/oauth2/token).
/// Category name "sfconnect.oauth".
enum class oauth_errc {
    unsupported_domain = 1,  ///< "request not supported on this domain": not the org's My Domain
    invalid_client_id,       ///< "client identifier invalid": wrong key, or app not yet propagated
    invalid_client_secret,   ///< "invalid client credentials" / "client secret invalid"
    no_run_as_user,          ///< "no client credentials user enabled": no Run As user set
    grant_not_enabled,       ///< "grant type not supported": Client Credentials Flow not enabled
    user_inactive,           ///< the Run As user is inactive or frozen
    org_inactive,            ///< the org is locked, closed or suspended
    ip_restricted,           ///< caller IP outside the user's Login IP Ranges / login hours
    login_rate_exceeded,     ///< too many logins for the Run As user
    token_rejected,          ///< any other token-endpoint error (server text kept verbatim)
    // JWT bearer flow (appended: the values above never change)
    invalid_assertion,  ///< "invalid assertion": wrong key or certificate, or `iss` is not the Consumer Key
    invalid_audience,   ///< "audience is invalid": `aud` is not login/test.salesforce.com (or the site's URL)
    user_not_approved,  ///< "user hasn't approved this consumer": not pre-authorized, or a wrong host/audience pair
    unknown_user,       ///< "invalid user": no such username (sandbox usernames end in the sandbox name)
    assertion_expired,  ///< "expired authorization code": `exp` is past (clock skew) or too far ahead
};

/// Errors reported by the REST API after a token was obtained.
/// Category name "sfconnect.api".
enum class api_errc {
    invalid_session = 1,        ///< 401 INVALID_SESSION_ID "Session expired or invalid"
    session_not_valid_for_api,  ///< 401 "This session is not valid for use with the REST API"
    insufficient_access,        ///< 403 INSUFFICIENT_ACCESS (session security level, permissions)
    api_disabled,               ///< API_DISABLED_FOR_ORG: edition or user without API access
    request_limit_exceeded,     ///< 403 REQUEST_LIMIT_EXCEEDED: org API limit exhausted
    api_error,                  ///< any other REST error (errorCode and message kept verbatim)
};

/// The category of sfconnect::errc ("sfconnect.client").
SFCONNECT_DECL const boost::system::error_category& client_category() noexcept;
/// The category of sfconnect::oauth_errc ("sfconnect.oauth").
SFCONNECT_DECL const boost::system::error_category& oauth_category() noexcept;
/// The category of sfconnect::api_errc ("sfconnect.api").
SFCONNECT_DECL const boost::system::error_category& api_category() noexcept;

/// Makes an error_code from a client error.
inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), client_category()}; }
/// Makes an error_code from a token-endpoint error.
inline error_code make_error_code(oauth_errc e) noexcept { return {static_cast<int>(e), oauth_category()}; }
/// Makes an error_code from a REST API error.
inline error_code make_error_code(api_errc e) noexcept { return {static_cast<int>(e), api_category()}; }

/// The stable identifier of an sfconnect error ("invalid_site", "no_run_as_user", ...), used
/// verbatim in Save & Check reports. Success gives "ok"; Asio's operation_aborted gives
/// "operation_aborted"; boost::system::errc::invalid_argument (bad endpoint value, API version or
/// header) gives "invalid_argument"; any other foreign code gives "unknown".
SFCONNECT_DECL std::string_view error_id(const error_code& ec) noexcept;

/// The general remediation hint for an error (Diagnostics::hint usually carries a more specific one).
SFCONNECT_DECL std::string_view default_hint(const error_code& ec) noexcept;

/// True for errors that a later retry may fix without any change on either side
/// (connection problems, timeouts, 5xx). Used by the retry policies.
SFCONNECT_DECL bool is_transient(const error_code& ec) noexcept;

}  // namespace sfconnect

namespace boost::system {
/// Lets sfconnect::errc convert implicitly to boost::system::error_code and compare with one.
template <>
struct is_error_code_enum<sfconnect::errc> : std::true_type {};
/// Lets sfconnect::oauth_errc convert implicitly to boost::system::error_code and compare with one.
template <>
struct is_error_code_enum<sfconnect::oauth_errc> : std::true_type {};
/// Lets sfconnect::api_errc convert implicitly to boost::system::error_code and compare with one.
template <>
struct is_error_code_enum<sfconnect::api_errc> : std::true_type {};
}  // namespace boost::system

namespace std {
/// Lets sfconnect::errc convert implicitly to std::error_code and compare with one.
template <>
struct is_error_code_enum<sfconnect::errc> : true_type {};
/// Lets sfconnect::oauth_errc convert implicitly to std::error_code and compare with one.
template <>
struct is_error_code_enum<sfconnect::oauth_errc> : true_type {};
/// Lets sfconnect::api_errc convert implicitly to std::error_code and compare with one.
template <>
struct is_error_code_enum<sfconnect::api_errc> : true_type {};
}  // namespace std

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/error.ipp>
#endif

#endif
