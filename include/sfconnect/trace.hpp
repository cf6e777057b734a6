// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TRACE_HPP
#define SFCONNECT_TRACE_HPP

/// @file
/// The debug/trace hook: a user-supplied sink (TokenClientOptions::trace) that receives one
/// TraceEvent at each key point of a connection and of the token and REST flows.
///
/// Redaction is by construction: sfconnect builds every event from header names/values, request
/// targets and form bodies only after passing them through the redactors below, and never puts a
/// raw request or reply body, a token or the consumer secret into an event. With no sink set,
/// tracing costs one branch per key point.
///
/// @code
///   sfconnect::TokenClientOptions options;
///   options.trace = [](const sfconnect::TraceEvent& e) {
///       std::clog << sfconnect::to_string(e.phase) << ' ' << e.method << ' ' << e.target << ' '
///                 << e.status << ' ' << e.message << '\n';
///   };
/// @endcode

#include <sfconnect/detail/config.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfconnect {

/// How much a TraceEvent matters.
enum class TraceLevel {
    debug,    ///< routine progress (connected, request sent, reply received)
    info,     ///< noteworthy progress (token fetched)
    warning,  ///< a failure sfconnect recovers from (retry, token refetch after 401)
    error,    ///< an operation failed (the caller gets this error)
};

/// Which key point a TraceEvent reports.
enum class TracePhase {
    connect,        ///< TCP connection established (message: peer address)
    tls_handshake,  ///< TLS handshake verified and complete (message: version and cipher)
    request_sent,   ///< a request was written (method, target, redacted headers and form)
    response,       ///< a reply was read (status, redacted headers, duration since the request)
    retry,          ///< a failed attempt is retried after a backoff (duration: the delay)
    token_fetched,  ///< an access token was obtained (message: instance_url host; never the token)
    token_refetch,  ///< the REST API answered 401 INVALID_SESSION_ID: the token is dropped and refetched
    error,          ///< an operation failed (error_id, message from Diagnostics)
    token_store,    ///< the shared token store: a token adopted from it, it failed (once), it answers again
    login_budget,   ///< the fleet passed the configured share of Salesforce's 3,600 logins per user and hour
};

/// "debug", "info", "warning" or "error".
SFCONNECT_DECL std::string_view to_string(TraceLevel level) noexcept;
/// The phase's name as spelled in the enumeration ("connect", "request_sent", ...).
SFCONNECT_DECL std::string_view to_string(TracePhase phase) noexcept;

/// One key point. Every text in it has been through the redactors: it is safe to log.
struct TraceEvent {
    TraceLevel level = TraceLevel::debug;   ///< severity
    TracePhase phase = TracePhase::error;   ///< which key point
    std::string message;                    ///< human-readable summary (no secrets)
    std::string method;                     ///< HTTP method ("POST"), when the event concerns a request
    std::string target;                     ///< request target, query values of sensitive names redacted
    int status = 0;                         ///< HTTP status of the reply (response, error), else 0
    std::chrono::microseconds duration{0};  ///< how long the phase took (or the retry delay)
    /// Header fields (request headers for request_sent, reply headers for response), each value
    /// passed through redact_header_value().
    std::vector<std::pair<std::string, std::string>> headers;
    /// A form-encoded request body passed through redact_form(); empty for any other body, which is
    /// never included (body_bytes gives its size).
    std::string form;
    std::size_t body_bytes = 0;  ///< size of the request or reply body
    std::string error_id;        ///< error_id() of the failure (error, retry), else empty
};

/// The sink type of TokenClientOptions::trace. Called synchronously on the client's threads: keep
/// it short and thread-safe, and do not throw (an exception escaping it is swallowed).
using TraceSink = std::function<void(const TraceEvent&)>;

/// The text every redacted value is replaced with: "[redacted]".
inline constexpr std::string_view redacted_text = "[redacted]";

/// True for header or parameter names whose values are credentials (case-insensitive):
/// Authorization, Proxy-Authorization, Cookie, Set-Cookie, client_secret, client_assertion,
/// access_token, refresh_token, id_token, token, oauth_token, password, code, assertion, sid.
SFCONNECT_DECL bool is_sensitive_name(std::string_view name) noexcept;

/// A header value as it may be shown: "[redacted]" for sensitive names (an Authorization value
/// keeps its scheme: "Bearer [redacted]"), else the value (CR/LF replaced, at most 500 bytes).
SFCONNECT_DECL std::string redact_header_value(std::string_view name, std::string_view value);

/// A form body (application/x-www-form-urlencoded) as it may be shown: only the values of
/// grant_type, token_type_hint and client_id are kept; every other value reads "[redacted]".
SFCONNECT_DECL std::string redact_form(std::string_view form);

/// A request target as it may be shown: the path as is, query values of sensitive names redacted.
SFCONNECT_DECL std::string redact_target(std::string_view target);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/trace.ipp>
#endif

#endif
