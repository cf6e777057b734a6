// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_RETRY_HPP
#define SFCONNECT_DETAIL_RETRY_HPP

// Retry decisions as pure functions, so the policy is tested without sockets or sleeps.

#include <sfconnect/error.hpp>
#include <sfconnect/token_client_options.hpp>

#include <algorithm>
#include <chrono>

namespace sfconnect::detail {

/// Delay before retry number `retry` (1 = the first retry): base * 2^(retry-1), capped, scaled by a
/// jitter factor in [0.5, 1.0] (`jitter01` in [0, 1]) so that many clients do not retry in lockstep.
inline std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int retry, double jitter01) noexcept {
    const int shift = std::clamp(retry - 1, 0, 20);
    auto raw = p.base_delay.count() * (static_cast<long long>(1) << shift);
    raw = std::min<long long>(raw, p.max_delay.count());
    jitter01 = std::clamp(jitter01, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(raw) * (0.5 + 0.5 * jitter01)));
}

/// The token grant is retried only where nothing was decided by Salesforce: the connection could not
/// be made or was lost, or the server answered 5xx. Never on 4xx (a wrong secret stays wrong), never on
/// a timeout (the caller's deadline is spent).
inline bool should_retry_token_fetch(const error_code& ec, int attempts_made, const RetryPolicy& p) noexcept {
    if (attempts_made >= p.max_attempts) return false;
    return ec == errc::dns_failed || ec == errc::connect_failed || ec == errc::connection_lost ||
           ec == errc::server_error;
}

/// REST requests: only idempotent methods, only on connection loss/failure or 502/503/504.
inline bool should_retry_request(const error_code& ec, bool idempotent, int http_status, int attempts_made,
                                 const RetryPolicy& p) noexcept {
    if (!idempotent || attempts_made >= p.max_attempts) return false;
    if (ec == errc::connect_failed || ec == errc::connection_lost || ec == errc::dns_failed) return true;
    return ec == errc::server_error && (http_status == 502 || http_status == 503 || http_status == 504);
}

}  // namespace sfconnect::detail

#endif
