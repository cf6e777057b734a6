// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_ASCII_HPP
#define SFCONNECT_DETAIL_ASCII_HPP

// ASCII character classes, case-insensitive comparison, lower-casing and trimming: the one copy of
// each, for the validators (constexpr: Site and Endpoint literals run them at compile time) and the
// reply parsers. Bytes >= 0x80 are never letters, digits or blanks here; HTTP header names, URL
// schemes, host names and OAuth error codes are ASCII. Standard library only (light headers use it).

#include <cstddef>
#include <string>
#include <string_view>

namespace sfconnect::detail {

/// '0'-'9'.
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
/// 'a'-'z' and 'A'-'Z'.
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/// RFC 3986 ALPHA / DIGIT.
constexpr bool is_alnum(char c) noexcept { return is_alpha(c) || is_digit(c); }
/// RFC 3986 HEXDIG (either case).
constexpr bool is_hex_digit(char c) noexcept { return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
/// Space or horizontal tab (HTTP's OWS).
constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

/// 'A'-'Z' lower-cased; every other byte unchanged.
constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// `s` with 'A'-'Z' lower-cased.
inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

/// ASCII case-insensitive equality.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/// ASCII case-insensitive search for `needle` in `hay` from `from`; npos when absent.
constexpr std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) noexcept {
    if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
    for (std::size_t i = from; i < hay.size() && needle.size() <= hay.size() - i; ++i)
        if (iequals(hay.substr(i, needle.size()), needle)) return i;
    return std::string_view::npos;
}

/// ASCII case-insensitive substring test.
constexpr bool icontains(std::string_view hay, std::string_view needle) noexcept {
    return ifind(hay, needle) != std::string_view::npos;
}

/// ASCII case-insensitive prefix test.
constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// ASCII case-insensitive suffix test.
constexpr bool iends_with(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

/// `s` without leading and trailing spaces and tabs (HTTP header values, list entries).
constexpr std::string_view trim_blanks(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace sfconnect::detail

#endif
