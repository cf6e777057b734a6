// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_LIMIT_INFO_IPP
#define SFCONNECT_IMPL_LIMIT_INFO_IPP

#include <sfconnect/limit_info.hpp>
#include <sfconnect/detail/ascii.hpp>

#include <limits>

namespace sfconnect {
namespace detail {

// Reads a decimal number at the start of s; rejects empty input and overflow.
inline std::optional<std::uint64_t> parse_decimal(std::string_view& s) noexcept {
    std::uint64_t v = 0;
    std::size_t i = 0;
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        const auto d = static_cast<std::uint64_t>(s[i] - '0');
        if (v > (max - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    if (i == 0) return std::nullopt;
    s.remove_prefix(i);
    return v;
}

// "used/max" followed by the rest of the item, which is returned in s.
inline std::optional<ApiUsage> parse_usage(std::string_view& s) noexcept {
    s = trim_blanks(s);
    const auto used = parse_decimal(s);
    if (!used) return std::nullopt;
    s = trim_blanks(s);
    if (s.empty() || s.front() != '/') return std::nullopt;
    s.remove_prefix(1);
    s = trim_blanks(s);
    const auto max = parse_decimal(s);
    if (!max) return std::nullopt;
    s = trim_blanks(s);
    return ApiUsage{*used, *max};
}

}  // namespace detail

SFCONNECT_DECL std::optional<LimitInfo> parse_limit_info(std::string_view header) {
    using detail::iequals;
    using detail::parse_usage;
    using detail::trim_blanks;
    LimitInfo info;
    bool any = false;
    while (!header.empty()) {
        // Split at the next ';' or ',' outside parentheses (an appName could contain either).
        std::size_t end = 0;
        int depth = 0;
        for (; end < header.size(); ++end) {
            const char c = header[end];
            if (c == '(') ++depth;
            else if (c == ')' && depth > 0) --depth;
            else if ((c == ';' || c == ',') && depth == 0) break;
        }
        std::string_view item = trim_blanks(header.substr(0, end));
        header.remove_prefix(end < header.size() ? end + 1 : end);

        const auto eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view name = trim_blanks(item.substr(0, eq));
        std::string_view value = item.substr(eq + 1);
        if (iequals(name, "api-usage") || iequals(name, "api-bursts")) {
            const auto u = parse_usage(value);
            if (!u || !value.empty()) continue;
            (iequals(name, "api-usage") ? info.api_usage : info.api_bursts) = *u;
            any = true;
        } else if (iequals(name, "per-app-api-usage")) {
            const auto u = parse_usage(value);
            if (!u) continue;
            PerAppApiUsage app{u->used, u->max, {}};
            if (!value.empty()) {
                // "(appName=X)": anything else after the numbers makes the item unreadable.
                if (value.front() != '(' || value.back() != ')') continue;
                std::string_view inner = trim_blanks(value.substr(1, value.size() - 2));
                const auto ieq = inner.find('=');
                if (ieq == std::string_view::npos || !iequals(trim_blanks(inner.substr(0, ieq)), "appname")) continue;
                app.app_name = std::string(trim_blanks(inner.substr(ieq + 1)));
            }
            info.per_app_api_usage = std::move(app);
            any = true;
        }
    }
    if (!any) return std::nullopt;
    return info;
}

}  // namespace sfconnect

#endif
