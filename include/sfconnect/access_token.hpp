// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_ACCESS_TOKEN_HPP
#define SFCONNECT_ACCESS_TOKEN_HPP

/// @file
/// AccessToken and the parser of the token endpoint's reply (no network: a pure function).

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

namespace sfconnect {

/// A token issued by /services/oauth2/token for the client credentials grant.
///
/// Salesforce returns no expiry: the token lives as long as the session timeout allows (see
/// docs/salesforce-oauth.md §5). Every string except access_token is as received.
struct AccessToken {
    /// The bearer token. Secret: never logged, never in diagnostics.
    Secret access_token;
    /// Base URL for REST calls, such as "https://acme.my.salesforce.com" (a trailing "/" is removed).
    /// Checked to be https on the Site's host or a Salesforce host, without port, user or path.
    std::string instance_url;
    /// Identity URL as received, e.g. "https://login.salesforce.com/id/00D.../005...".
    std::string id;
    /// The org id: the second-to-last path segment of id (id's host is ignored).
    std::string organization_id;
    /// The Run As user's id: the last path segment of id.
    std::string user_id;
    /// "Bearer".
    std::string token_type;
    /// When the token was issued (issued_at is milliseconds since the epoch; 10 digits are seconds).
    std::chrono::system_clock::time_point issued_at;
    /// issued_at exactly as received; the signature covers this text.
    std::string issued_at_raw;
    /// Space-separated OAuth scopes; may be empty.
    std::string scope;
    /// Base64 HMAC-SHA256 signature as received; may be empty.
    std::string signature;
    /// True when signature was present and matched HMAC-SHA256(consumer secret, id + issued_at).
    bool signature_verified = false;
};

/// Writes the token's non-secret fields; the token itself shows as "[redacted]".
SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const AccessToken& token);

/// How strictly parse_token_reply checks a successful reply.
struct TokenReplyOptions {
    /// Reject replies without a signature (errc::signature_mismatch). By default they are accepted
    /// with AccessToken::signature_verified == false.
    bool require_signature = false;
    /// The grant has no shared secret (the JWT bearer flow): a reply's `signature` is not checked
    /// (AccessToken::signature_verified stays false; require_signature does not apply), and
    /// `issued_at` may be missing (then the time the reply was parsed is used).
    bool unsigned_grant = false;
};

/// Turns the token endpoint's reply (status, Content-Type, body) into an AccessToken or an error.
///
/// - 2xx with a JSON object: access_token, instance_url, id, issued_at and token_type must be
///   strings (else errc::bad_response naming the field); unknown fields are ignored, a field that
///   occurs twice at the top level is refused (errc::bad_response). issued_at must
///   be 10 (seconds) or 13 (milliseconds) digits between 2000 and 2100. instance_url must be
///   "https://" + @p site_host, or + a host under salesforce.com, force.com, salesforce.mil,
///   sfcrmproducts.cn, cloudforce.com or database.com without port, user info or path (an optional
///   trailing "/" is allowed): the token is never sent anywhere else. A present signature is
///   verified in constant time (mismatch: errc::signature_mismatch).
/// - 2xx carrying "error", and any other status: map_token_error (with @p location for 3xx).
///
/// diag is cleared and, on error, filled with phase "token" and the HTTP status. Neither the
/// consumer secret nor the access token ever appears in it; body excerpts are redacted.
SFCONNECT_DECL boost::system::result<AccessToken> parse_token_reply(
    int http_status, std::string_view content_type, std::string_view body, const Secret& consumer_secret,
    std::string_view site_host, const TokenReplyOptions& options, Diagnostics& diag, std::string_view location = {});

/// Base64(HMAC-SHA256(key = consumer secret, message = id + issued_at)), the token reply's
/// `signature`; for the emulator and tests.
SFCONNECT_DECL std::string compute_token_signature(const Secret& consumer_secret, std::string_view id,
                                                   std::string_view issued_at);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/access_token.ipp>
#endif

#endif
