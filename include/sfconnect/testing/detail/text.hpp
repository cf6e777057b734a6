// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_TEXT_HPP
#define SFCONNECT_TESTING_DETAIL_TEXT_HPP

// The emulator's text and form helpers, one copy each for everything under testing/. They are
// deliberately not the SDK's own (sfconnect/detail/...): the emulator is an independent oracle, so
// a bug in the client's helpers must not be mirrored by the server it is tested against.

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfconnect {
namespace testing {
namespace detail {

/// Decoded form or query parameters, in the order sent.
using Params = std::vector<std::pair<std::string, std::string>>;

inline char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Optional whitespace around HTTP field values (RFC 9110 §5.5).
inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline bool has_crlf(std::string_view s) noexcept { return s.find_first_of("\r\n") != std::string_view::npos; }

inline bool all_of_set(std::string_view s, std::string_view allowed) noexcept {
    return s.find_first_not_of(allowed) == std::string_view::npos;
}

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Lower-case hex without leading zeros: a chunk-size line of chunked transfer coding.
inline std::string hex_size(std::size_t n) {
    char buf[24];
    const int len = std::snprintf(buf, sizeof buf, "%zx", n);
    return std::string(buf, static_cast<std::size_t>(len));
}

// application/x-www-form-urlencoded decoding; malformed escapes are kept literally.
inline std::string form_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// At most 256 pairs: enough for any real form, bounded for garbage.
inline Params parse_form(std::string_view s) {
    Params out;
    while (!s.empty() && out.size() < 256) {
        const std::size_t amp = s.find('&');
        const std::string_view pair = s.substr(0, amp);
        s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) {
            out.emplace_back(form_decode(pair), std::string{});
        } else {
            out.emplace_back(form_decode(pair.substr(0, eq)), form_decode(pair.substr(eq + 1)));
        }
    }
    return out;
}

inline std::optional<std::string> param(const Params& params, std::string_view key) {
    for (const auto& [k, v] : params) {
        if (k == key) {
            return v;
        }
    }
    return std::nullopt;
}

// The query string of a request target ("" when there is none).
inline std::string_view query_of(std::string_view target) noexcept {
    const std::size_t q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

inline bool is_secret_param(std::string_view key) noexcept {
    return key == "client_secret" || key == "token" || key == "access_token" || key == "oauth_token" ||
           key == "client_assertion" || key == "assertion" || key == "refresh_token";
}

// Re-encodes a form with secret values replaced; other values are kept as sent.
inline std::string redact_form(std::string_view s) {
    std::string out;
    while (!s.empty()) {
        const std::size_t amp = s.find('&');
        std::string_view pair = s.substr(0, amp);
        s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        if (!out.empty()) {
            out.push_back('&');
        }
        if (eq != std::string_view::npos && is_secret_param(form_decode(pair.substr(0, eq)))) {
            out.append(pair.substr(0, eq)).append("=<redacted>");
        } else {
            out.append(pair);
        }
    }
    return out;
}

inline std::string redact_target(std::string_view target) {
    const std::size_t q = target.find('?');
    if (q == std::string_view::npos) {
        return std::string(target);
    }
    return std::string(target.substr(0, q + 1)) + redact_form(target.substr(q + 1));
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
