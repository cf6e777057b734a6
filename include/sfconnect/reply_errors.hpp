// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_REPLY_ERRORS_HPP
#define SFCONNECT_REPLY_ERRORS_HPP

/// @file
/// Maps error replies of the token endpoint and of the REST API to error codes and Diagnostics.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/detail/config.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace sfconnect {

/// Maps a token-endpoint error reply (`{"error": ..., "error_description": ...}`, any status, also a
/// 2xx that carries `error`) to an oauth_errc (or errc::redirected / server_error / bad_response).
///
/// Fills diag completely (it is cleared first): http_status, phase "token", server_error and
/// server_message verbatim from the reply (truncated to ~500 bytes, control characters replaced),
/// our message and a specific hint. A 3xx names the host of @p location (the Location header) in
/// diag.host. A body that is not JSON (an HTML page from a proxy) is quoted as an excerpt.
SFCONNECT_DECL error_code map_token_error(int http_status, std::string_view content_type, std::string_view body,
                                          Diagnostics& diag, std::string_view location = {});

/// Maps a REST API error reply (`[{"message": ..., "errorCode": ...}, ...]` or a single such object)
/// to an api_errc (or errc::redirected / server_error / bad_response), filling diag like
/// map_token_error does, with phase "api".
SFCONNECT_DECL error_code map_api_error(int http_status, std::string_view content_type, std::string_view body,
                                        Diagnostics& diag, std::string_view location = {});

/// True only when fetching a new token and replaying the request once may fix the error: an
/// expired or revoked session (api_errc::invalid_session). Never true for
/// "not valid for use with the REST API", which a new token does not fix.
SFCONNECT_DECL bool is_refetchable_session_error(const error_code& ec, const Diagnostics& diag) noexcept;

namespace detail {

/// map_token_error that also removes @p redact (the consumer secret, a token) from every text it keeps.
SFCONNECT_DECL error_code map_token_error_redacting(int http_status, std::string_view content_type,
                                                    std::string_view body, Diagnostics& diag, std::string_view location,
                                                    std::initializer_list<std::string_view> redact);

}  // namespace detail
}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/reply_errors.ipp>
#endif

#endif
