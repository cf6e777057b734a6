// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_LIMIT_INFO_HPP
#define SFCONNECT_LIMIT_INFO_HPP

/// @file
/// Parser of the REST API's Sforce-Limit-Info response header.

#include <sfconnect/detail/config.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfconnect {

/// A "used/max" pair such as api-usage=10018/100000.
struct ApiUsage {
    /// Calls counted so far in the window (may exceed max: Salesforce allows some overage).
    std::uint64_t used = 0;
    /// The limit for the window.
    std::uint64_t max = 0;

    /// max - used, or 0 when the limit is reached or exceeded.
    constexpr std::uint64_t remaining() const noexcept { return used < max ? max - used : 0; }
    /// Equal when both numbers are.
    friend constexpr bool operator==(const ApiUsage&, const ApiUsage&) = default;
};

/// The per-connected-app usage of older replies: per-app-api-usage=17/250(appName=X).
struct PerAppApiUsage {
    /// Calls counted so far for this app.
    std::uint64_t used = 0;
    /// The app's limit.
    std::uint64_t max = 0;
    /// The appName given in parentheses; empty when absent.
    std::string app_name;

    /// Equal when every field is.
    friend bool operator==(const PerAppApiUsage&, const PerAppApiUsage&) = default;
};

/// What a Sforce-Limit-Info header says. Items that are missing or malformed stay empty.
struct LimitInfo {
    /// Org-wide API requests in the rolling 24-hour window ("api-usage").
    std::optional<ApiUsage> api_usage;
    /// Short-term burst usage ("api-bursts"), when sent.
    std::optional<ApiUsage> api_bursts;
    /// Per-app usage of older API versions ("per-app-api-usage").
    std::optional<PerAppApiUsage> per_app_api_usage;
};

/// Parses "api-usage=10018/100000", "api-usage=10018/100000; api-bursts=1/750" or
/// "per-app-api-usage=17/250(appName=X)" (items separated by ';' or ','; names case-insensitive;
/// unknown items ignored). Returns nullopt when no item could be read; a malformed or overflowing
/// item is skipped, so a partly readable header gives a partial LimitInfo. Never throws on hostile
/// input except std::bad_alloc.
SFCONNECT_DECL std::optional<LimitInfo> parse_limit_info(std::string_view header);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/limit_info.ipp>
#endif

#endif
