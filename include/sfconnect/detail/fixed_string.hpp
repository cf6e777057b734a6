// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_FIXED_STRING_HPP
#define SFCONNECT_DETAIL_FIXED_STRING_HPP

#include <cstddef>
#include <string_view>

namespace sfconnect {

/// A string usable as a class-type non-type template parameter (CTRE / fitoria style):
/// `Endpoint<"/services/data/v{version}/">`, `"acme.my.salesforce.com"_site`.
template <std::size_t N>
struct fixed_string {
    /// The characters and a terminating NUL; public because a structural type (usable as a template
    /// argument) must have only public members.
    char data[N + 1]{};  // NUL-terminated copy; public so the type is structural

    /// An all-NUL string of N characters (the start of a compile-time built name).
    constexpr fixed_string() = default;
    /// Copies a string literal of N characters (implicit, so `Endpoint<"/path">` works).
    constexpr fixed_string(const char (&s)[N + 1]) noexcept {
        for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
        data[N] = '\0';
    }
    /// Number of characters, without the NUL.
    static constexpr std::size_t size() noexcept { return N; }
    /// The characters, without the NUL.
    constexpr std::string_view view() const noexcept { return {data, N}; }
    /// Same as view().
    constexpr operator std::string_view() const noexcept { return view(); }
    /// Character i (unchecked; i == N gives the NUL).
    constexpr char operator[](std::size_t i) const noexcept { return data[i]; }
};

/// Deduces N from a string literal: its length without the NUL.
template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

}  // namespace sfconnect

#endif
