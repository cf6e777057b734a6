// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TOKEN_CLIENT_OPTIONS_HPP
#define SFCONNECT_TOKEN_CLIENT_OPTIONS_HPP

/// @file
/// Everything a TokenClient can be told: trust, routing, timeouts, token lifetime, limits, retries.

#include <sfconnect/secret.hpp>
#include <sfconnect/trace.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace sfconnect {

class TokenStore;

/// Named timeouts; each expiry is reported as errc::timeout with Diagnostics::phase naming it.
struct Timeouts {
    std::chrono::milliseconds resolve{10'000};        ///< DNS resolution ("resolve")
    std::chrono::milliseconds connect{10'000};        ///< TCP connect, incl. proxy CONNECT ("connect", "proxy")
    std::chrono::milliseconds tls_handshake{10'000};  ///< TLS handshake and verification ("tls_handshake")
    std::chrono::milliseconds request{30'000};        ///< writing a request and reading the whole reply ("request")
};

/// Bounded retries with jittered exponential backoff (only where a retry is safe).
struct RetryPolicy {
    int max_attempts = 3;                        ///< total tries, including the first
    std::chrono::milliseconds base_delay{200};   ///< delay before the 2nd try (then doubled)
    std::chrono::milliseconds max_delay{5'000};  ///< cap for one delay
};

/// How a TokenClient reaches the org, whom it trusts and how it caches tokens.
struct TokenClientOptions {
    // --- trust ---------------------------------------------------------------------------------
    /// Extra CA certificate file (PEM) trusted in addition to the system store.
    std::string ca_file;
    /// Extra CA certificates given as PEM text, trusted in addition to the system store.
    std::string ca_pem;
    /// Load the system trust store (set_default_verify_paths). Turn off only with ca_file/ca_pem.
    bool use_system_trust_store = true;
    /// DANGER: disables certificate and host-name verification. Anyone on the network path can then
    /// read the consumer secret and tokens. Never set this outside throw-away local experiments.
    bool insecure_disable_tls_verification = false;

    // --- routing ---------------------------------------------------------------------------------
    /// "host:port" to connect to instead of resolving the Site (like curl --connect-to); SNI, the
    /// Host header and certificate verification still use the Site.
    std::string connect_to;
    /// HTTP CONNECT proxy URL ("http://[user:pass@]host:port"). Unset: HTTPS_PROXY / https_proxy
    /// honouring NO_PROXY / no_proxy (matched against the Site), except with connect_to, which is
    /// then reached directly. Empty string: never use a proxy.
    std::optional<std::string> proxy;
    /// Keep-alive connections the client may open at once to the org.
    std::size_t max_connections = 4;

    // --- timeouts and retries ----------------------------------------------------------------------
    Timeouts timeouts;  ///< per-phase timeouts
    RetryPolicy retry;  ///< retries of the token grant and of idempotent requests

    // --- token cache -----------------------------------------------------------------------------
    /// Salesforce sends no expires_in; the token lives as long as the org's session timeout
    /// (typically 2 h, idle-based). Assume 2 h minus 15 min so a token is never used near its end;
    /// a 401 "Session expired or invalid" still triggers one refetch when the org is stricter.
    std::chrono::seconds assumed_token_lifetime{std::chrono::minutes(105)};
    /// Inside this window before the assumed end, callers get the cached token and one
    /// background refresh starts (soft window). After the end, callers wait (hard window).
    std::chrono::seconds refresh_ahead{std::chrono::minutes(5)};
    /// After a non-recoverable token error (wrong key, no Run As user, ...) new callers get the
    /// same error for about this long (jittered ±50%) instead of hammering the token endpoint.
    std::chrono::milliseconds error_hold{2'000};
    /// Send client_id/client_secret as HTTP Basic authentication instead of form fields.
    bool use_basic_auth = false;
    /// Fail with signature_mismatch when the token reply carries no signature.
    bool require_signature = false;

    // --- shared token store (fleets; docs/fleets.md) ---------------------------------------------
    /// A store shared by many processes (<sfconnect/file_token_store.hpp>, <sfconnect/redis_token_store.hpp>)
    /// so that a fleet logs in once. Null (default): the in-process cache only. A cached hit never
    /// touches the store; a store that is down, slow or wrong only costs a plain fetch.
    std::shared_ptr<TokenStore> token_store;
    /// The key that encrypts and authenticates stored entries (AES-256-GCM): 64 hex digits, as
    /// `openssl rand -hex 32` prints them. Required with token_store unless
    /// store_tokens_in_plaintext_insecure is set. Entries under another key are ignored (key rotation).
    Secret store_key;
    /// DANGER: store access tokens in the shared store in clear (no store_key). Anyone who can read
    /// the store can then call Salesforce as the Run As user.
    bool store_tokens_in_plaintext_insecure = false;
    /// Bound on every single store operation; past it the client fetches without the store.
    std::chrono::milliseconds store_timeout{3'000};
    /// How long a process waits for another process's fetch (polling the store) before fetching itself.
    std::chrono::milliseconds store_wait{15'000};
    /// Interval between two polls of a waiting process (jittered ±50%).
    std::chrono::milliseconds store_poll{50};

    // --- login budget ----------------------------------------------------------------------------
    /// Every token request is a login of the Run As user: Salesforce allows 3,600 per user and hour.
    /// With a token_store the fleet counts them per hour; past this share of 3,600 the trace warns.
    double login_budget_warning_share = 0.5;
    /// After "login rate exceeded" new callers get that error for about this long (jittered ±50%)
    /// instead of error_hold, so that a fleet stops spending a budget that is already exhausted.
    std::chrono::milliseconds login_rate_exceeded_hold{std::chrono::minutes(5)};

    // --- limits ----------------------------------------------------------------------------------
    std::size_t max_header_bytes = 16 * 1024;          ///< reply header size limit
    std::size_t max_token_reply_bytes = 64 * 1024;     ///< token/identity reply body limit
    std::size_t max_response_bytes = 8 * 1024 * 1024;  ///< REST reply body limit (per request overridable)

    // --- requests --------------------------------------------------------------------------------
    /// Ask for compressed REST replies (`Accept-Encoding: gzip, deflate`) and decode them, streaming,
    /// within max_response_bytes of DECODED body and max_decompression_ratio (per request:
    /// RequestOptions::compress_reply). Replies a server compresses unasked are decoded either way.
    bool compress_replies = true;
    /// A compressed reply whose decoded size passes this many times its compressed size (once 1 MiB
    /// is decoded) is refused with errc::bad_response: a decompression bomb. 0 turns the check off.
    std::size_t max_decompression_ratio = 200;
    /// The client name sent as `Sforce-Call-Options: client=<name>` on every REST request, which
    /// Salesforce shows in the org's event logs. Unset: "sfconnect/<version>"; empty: the header is
    /// not sent. At most 128 visible ASCII characters without spaces, commas, semicolons, quotes or
    /// backslashes (e.g. "acme-billing/2.1"); anything else fails every operation (phase setup).
    std::optional<std::string> client_name;

    // --- debugging -------------------------------------------------------------------------------
    /// Receives a TraceEvent at each key point (connect, TLS handshake, request sent, reply, retry,
    /// token fetched, refetch after 401, errors), redacted by construction (see trace.hpp). Unset: off.
    TraceSink trace;
};

}  // namespace sfconnect

#endif
