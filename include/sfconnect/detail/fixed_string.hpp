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
    char data[N + 1]{};  // NUL-terminated copy; public so the type is structural

    constexpr fixed_string() = default;
    constexpr fixed_string(const char (&s)[N + 1]) noexcept {
        for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
        data[N] = '\0';
    }
    static constexpr std::size_t size() noexcept { return N; }
    constexpr std::string_view view() const noexcept { return {data, N}; }
    constexpr operator std::string_view() const noexcept { return view(); }
    constexpr char operator[](std::size_t i) const noexcept { return data[i]; }
};

template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

}  // namespace sfconnect

#endif
