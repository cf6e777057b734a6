// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_API_VERSION_HPP
#define SFCONNECT_API_VERSION_HPP

/// @file
/// ApiVersion: a Salesforce REST API version ("64.0"), checked at compile time for literals and
/// at run time for configuration text.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/system/result.hpp>

#include <compare>
#include <cstddef>
#include <string_view>

namespace sfconnect {

namespace detail {
// Reaching this during constant evaluation is the compile error for a bad ApiVersion literal;
// compilers print the function's name, which is the message. Never called at run time.
inline void api_version_literal_must_have_the_form_NN_dot_0() {}
}  // namespace detail

/// A Salesforce API version in its canonical form "NN.0" (sfdx-core validates `^[1-9]\d\.0$`).
/// In REST paths it appears as "v" + str(), e.g. "/services/data/v64.0/".
///
/// A string literal converts implicitly and is checked at compile time, in canonical form only:
/// `ApiVersion v = "64.0";` compiles, `ApiVersion v = "64";` does not. Text known only at run
/// time (configuration, command line) goes through parse(), which is more forgiving.
class ApiVersion {
public:
    /// Compile-time checked version from a literal of the exact form "NN.0" (first digit 1-9).
    /// Any other literal ("64", "v64.0", "64.1", "6.0") is a compile error naming
    /// `api_version_literal_must_have_the_form_NN_dot_0`.
    template <std::size_t N>
    consteval ApiVersion(const char (&literal)[N]) : text_{'0', '0', '.', '0'} {
        // A run-time style check (not `if constexpr`): g++ only names the error function when the
        // constructor is otherwise usable in constant expressions.
        const std::string_view s(literal, N - 1);
        if (literal[N - 1] != '\0' || s.size() != 4 || s[0] < '1' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
            s[2] != '.' || s[3] != '0')
            detail::api_version_literal_must_have_the_form_NN_dot_0();
        text_[0] = s[0];
        text_[1] = s[1];
    }

    /// Parses run-time text. Accepts "64.0" and normalises the common variants "64" and "v64.0"
    /// (and "v64") to "64.0". Anything else, including surrounding spaces, fails with
    /// boost::system::errc::invalid_argument; on failure `diag` is replaced by a message that names
    /// the value and shows the form NN.0, plus a hint. On success `diag` is left untouched.
    SFCONNECT_DECL static boost::system::result<ApiVersion> parse(std::string_view text, Diagnostics& diag);

    /// parse() without diagnostics (the error code alone).
    SFCONNECT_DECL static boost::system::result<ApiVersion> parse(std::string_view text);

    /// The canonical text, e.g. "64.0". Points into this object: do not keep it past its lifetime.
    constexpr std::string_view str() const noexcept { return {text_, sizeof text_}; }

    /// The major version number, e.g. 64.
    constexpr int major() const noexcept { return (text_[0] - '0') * 10 + (text_[1] - '0'); }

    /// The version sfconnect uses unless told otherwise: "64.0" (Summer '25), a generally available
    /// release that every production org supports; override it to use newer features. Salesforce
    /// supports each version for at least three years, and a retired one answers 410 GONE.
    static constexpr ApiVersion default_version() noexcept { return ApiVersion('6', '4'); }

    /// Equal when the numbers are equal.
    friend constexpr bool operator==(const ApiVersion&, const ApiVersion&) noexcept = default;
    /// Orders versions by number.
    friend constexpr std::strong_ordering operator<=>(const ApiVersion& a, const ApiVersion& b) noexcept {
        return a.major() <=> b.major();
    }

private:
    // Run-time construction from two already validated digits.
    constexpr ApiVersion(char tens, char ones) noexcept : text_{tens, ones, '.', '0'} {}

    char text_[4];  // "NN.0", not NUL-terminated
};

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/api_version.ipp>
#endif

#endif
