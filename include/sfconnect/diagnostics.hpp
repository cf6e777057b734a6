// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DIAGNOSTICS_HPP
#define SFCONNECT_DIAGNOSTICS_HPP

/// @file
/// Diagnostics: what went wrong, in our words and in the server's, and how to fix it.

#include <sfconnect/error.hpp>
#include <sfconnect/phase.hpp>
#include <sfconnect/detail/config.hpp>

#include <optional>
#include <string>

namespace sfconnect {

/// Details that accompany an error_code. Our own text (message, hint) is kept apart from what the
/// server said (server_error, server_message), which is untrusted input and is kept verbatim
/// (truncated). Never contains the consumer secret or an access token.
struct Diagnostics {
    /// Our message: which value or step failed and why, e.g. "Site: remove 'https://'".
    std::string message;
    /// Remediation for the admin or integrator: which setup screen, which checkbox, what to type.
    std::string hint;
    /// Server's error identifier: OAuth `error` (token endpoint) or REST `errorCode`.
    std::string server_error;
    /// Server's text: OAuth `error_description` or REST `message`; for non-JSON bodies an excerpt.
    std::string server_message;
    /// HTTP status of the reply that caused the error, when there was one.
    std::optional<int> http_status;
    /// The phase that failed (Phase::none when none applies); to_string(phase) gives its stable name.
    Phase phase = Phase::none;
    /// The host involved where it matters (the redirect's Location host, the proxy, the peer).
    std::string host;

    /// Resets every field.
    void clear() { *this = Diagnostics{}; }
    /// True when no field is set.
    bool empty() const noexcept {
        return message.empty() && hint.empty() && server_error.empty() && server_message.empty() && !http_status &&
               phase == Phase::none && host.empty();
    }
};

/// One line for logs and exceptions: "<error message>: <our message> (server: <error>: <text>,
/// HTTP <status>)". The hint is not included; print it separately for people.
SFCONNECT_DECL std::string to_string(const error_code& ec, const Diagnostics& diag);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/diagnostics.ipp>
#endif

#endif
