// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_LIMIT_INFO_IPP
#define SFCONNECT_IMPL_LIMIT_INFO_IPP

#include <sfconnect/limit_info.hpp>

#include <limits>

namespace sfconnect {
namespace detail::limit_info {

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline bool name_is(std::string_view s, std::string_view name) noexcept {
    if (s.size() != name.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != name[i]) return false;
    }
    return true;
}

// Reads a decimal number at the start of s; rejects empty input and overflow.
inline std::optional<std::uint64_t> number(std::string_view& s) noexcept {
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
inline std::optional<ApiUsage> usage(std::string_view& s) noexcept {
    s = trim(s);
    const auto used = number(s);
    if (!used) return std::nullopt;
    s = trim(s);
    if (s.empty() || s.front() != '/') return std::nullopt;
    s.remove_prefix(1);
    s = trim(s);
    const auto max = number(s);
    if (!max) return std::nullopt;
    s = trim(s);
    return ApiUsage{*used, *max};
}

}  // namespace detail::limit_info

SFCONNECT_DECL std::optional<LimitInfo> parse_limit_info(std::string_view header) {
    using namespace detail::limit_info;
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
        std::string_view item = trim(header.substr(0, end));
        header.remove_prefix(end < header.size() ? end + 1 : end);

        const auto eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view name = trim(item.substr(0, eq));
        std::string_view value = item.substr(eq + 1);
        if (name_is(name, "api-usage") || name_is(name, "api-bursts")) {
            const auto u = usage(value);
            if (!u || !value.empty()) continue;
            (name_is(name, "api-usage") ? info.api_usage : info.api_bursts) = *u;
            any = true;
        } else if (name_is(name, "per-app-api-usage")) {
            const auto u = usage(value);
            if (!u) continue;
            PerAppApiUsage app{u->used, u->max, {}};
            if (!value.empty()) {
                // "(appName=X)": anything else after the numbers makes the item unreadable.
                if (value.front() != '(' || value.back() != ')') continue;
                std::string_view inner = trim(value.substr(1, value.size() - 2));
                const auto ieq = inner.find('=');
                if (ieq == std::string_view::npos || !name_is(trim(inner.substr(0, ieq)), "appname")) continue;
                app.app_name = std::string(trim(inner.substr(ieq + 1)));
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
