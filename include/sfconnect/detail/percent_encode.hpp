// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_PERCENT_ENCODE_HPP
#define SFCONNECT_DETAIL_PERCENT_ENCODE_HPP

/// @file
/// RFC 3986 character classes and the path-segment percent-encoder used by Endpoint::bind.
/// Standard library only: the compile-time template parser uses the same character classes.

#include <sfconnect/detail/ascii.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace sfconnect::detail {

/// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
constexpr bool is_unreserved(char c) noexcept { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

/// RFC 3986 sub-delims: "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "=".
constexpr bool is_sub_delim(char c) noexcept {
    switch (c) {
        case '!':
        case '$':
        case '&':
        case '\'':
        case '(':
        case ')':
        case '*':
        case '+':
        case ',':
        case ';':
        case '=': return true;
        default: return false;
    }
}

/// RFC 3986 pchar without pct-encoded (checked separately): unreserved / sub-delims / ":" / "@".
constexpr bool is_pchar(char c) noexcept { return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@'; }

/// True when `s[i]` is '%' followed by two hex digits.
constexpr bool is_pct_encoded_at(std::string_view s, std::size_t i) noexcept {
    return i + 2 < s.size() && s[i] == '%' && is_hex_digit(s[i + 1]) && is_hex_digit(s[i + 2]);
}

/// True when every character of `value` is '.', i.e. the value would be a dot-segment ("." or
/// "..") or, longer, something a lenient server might still collapse.
constexpr bool is_all_dots(std::string_view value) noexcept {
    if (value.empty()) return false;
    for (char c : value)
        if (c != '.') return false;
    return true;
}

/// True when a path segment is a dot-segment ("." or ".."), also when its dots are percent-encoded
/// ("%2E", "%2e%2E", ".%2e"): servers that decode before normalising treat those as "." / "..".
constexpr bool is_dot_segment(std::string_view segment) noexcept {
    std::size_t dots = 0;
    for (std::size_t i = 0; i < segment.size();) {
        if (segment[i] == '.') {
            ++dots;
            ++i;
        } else if (is_pct_encoded_at(segment, i) && segment[i + 1] == '2' &&
                   (segment[i + 2] == 'E' || segment[i + 2] == 'e')) {
            ++dots;
            i += 3;
        } else {
            return false;
        }
    }
    return dots == 1 || dots == 2;
}

/// Appends `value` with every byte except unreserved characters percent-encoded (upper-case hex):
/// safe in a path segment or as a query name or value (a space becomes %20, '+' becomes %2B).
inline void append_percent_encoded_component(std::string& out, std::string_view value) {
    constexpr char hex[] = "0123456789ABCDEF";
    for (char c : value) {
        if (is_unreserved(c)) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
}

/// Appends `value` percent-encoded for use inside one path segment: every byte except unreserved
/// characters becomes %XX (upper-case hex). Sub-delims, ':' and '@' are encoded too, although pchar
/// allows them, because some servers and proxies treat them specially; encoding them is always
/// equivalent (RFC 3986 §2.2). A value made only of dots is fully encoded ("." -> "%2E",
/// ".." -> "%2E%2E") so it can never act as a dot-segment. The result never contains '/', '?', '#',
/// '%' (other than as an escape), spaces or control characters.
inline void append_percent_encoded_segment(std::string& out, std::string_view value) {
    if (!is_all_dots(value)) return append_percent_encoded_component(out, value);
    for (std::size_t i = 0; i < value.size(); ++i) out += "%2E";
}

/// Returns `value` percent-encoded for one path segment (see append_percent_encoded_segment).
inline std::string percent_encode_segment(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    append_percent_encoded_segment(out, value);
    return out;
}

/// Decodes %XX escapes of `value` into `out` (replacing its contents); every other byte is copied.
/// Returns false, leaving `out` unspecified, when a '%' is not followed by two hex digits.
inline bool percent_decode(std::string_view value, std::string& out) {
    out.clear();
    out.reserve(value.size());
    const auto nibble = [](char c) { return is_digit(c) ? c - '0' : ascii_lower(c) - 'a' + 10; };
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '%') {
            out += value[i];
            continue;
        }
        if (!is_pct_encoded_at(value, i)) return false;
        out += static_cast<char>(nibble(value[i + 1]) * 16 + nibble(value[i + 2]));
        i += 2;
    }
    return true;
}

}  // namespace sfconnect::detail

#endif
