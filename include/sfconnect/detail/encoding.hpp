// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_ENCODING_HPP
#define SFCONNECT_DETAIL_ENCODING_HPP

// Form encoding, base64, header-safety checks and wiping of request buffers. Light: the standard
// library, percent_encode.hpp and secret.hpp (whose secure_wipe is OPENSSL_cleanse).

#include <sfconnect/secret.hpp>
#include <sfconnect/detail/percent_encode.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace sfconnect::detail {

/// Appends `s` form-encoded (application/x-www-form-urlencoded): RFC 3986 unreserved characters are
/// kept, every other byte becomes %XX (a space too, which every server reads as '+' would be).
inline void append_form_encoded(std::string& out, std::string_view s) { append_percent_encoded_component(out, s); }

/// Standard base64 with padding (RFC 4648 §4): Basic authentication, the token signature.
inline std::string base64_encode(std::string_view in) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
    for (; i + 3 <= in.size(); i += 3) {
        const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    if (const std::size_t rest = in.size() - i; rest != 0) {
        const unsigned v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0u);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += rest == 2 ? alphabet[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

/// Base64url without padding (RFC 4648 §5, RFC 7515): the parts of a JWT.
inline std::string base64url_encode(std::string_view in) {
    std::string out = base64_encode(in);
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return out;
}

/// True when `s` holds CR, LF or NUL: such a value would split or cut an HTTP header.
constexpr bool has_crlf_or_nul(std::string_view s) noexcept {
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return true;
    return false;
}

/// Wipes `s` (OPENSSL_cleanse, which the optimiser cannot remove) and empties it: request bodies and
/// headers that carried a secret or a token.
inline void wipe(std::string& s) noexcept {
    secure_wipe(s.data(), s.size());
    s.clear();
}

/// Lower-case hex of every byte of `in`: cache keys, key ids, stored ciphertexts.
inline std::string hex_encode(std::string_view in) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(in.size() * 2);
    for (char c : in) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

/// The bytes `in` spells in hex (either case); false (and `out` empty) when `in` has an odd length
/// or a character that is not a hex digit.
inline bool hex_decode(std::string_view in, std::string& out) {
    out.clear();
    if (in.size() % 2 != 0) return false;
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    out.reserve(in.size() / 2);
    for (std::size_t i = 0; i < in.size(); i += 2) {
        const int hi = nibble(in[i]), lo = nibble(in[i + 1]);
        if (hi < 0 || lo < 0) {
            wipe(out);
            return false;
        }
        out += static_cast<char>(hi << 4 | lo);
    }
    return true;
}

}  // namespace sfconnect::detail

#endif
