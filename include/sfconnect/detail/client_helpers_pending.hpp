// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_CLIENT_HELPERS_PENDING_HPP
#define SFCONNECT_DETAIL_CLIENT_HELPERS_PENDING_HPP

// The client's text helpers, moved verbatim out of basic_token_client.hpp. Temporary: the helper
// families (issue 11 item 5) replace this file at merge with the same names and signatures.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/reply_errors.hpp>

#include <openssl/crypto.h>

#include <random>
#include <string>
#include <string_view>

namespace sfconnect {

namespace detail {

// Appends `s` form-encoded (application/x-www-form-urlencoded; RFC 3986 unreserved kept).
inline void append_form_encoded(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

inline void wipe(std::string& s) noexcept {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

// Replaces every occurrence of `needle` in the diagnostics' texts (defence in depth: a hostile
// server could echo the secret or the token back to us).
inline void redact(Diagnostics& d, std::string_view needle) {
    if (needle.size() < 4) return;
    for (std::string* s : {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host}) {
        for (auto pos = s->find(needle); pos != std::string::npos; pos = s->find(needle, pos))
            s->replace(pos, needle.size(), "[redacted]");
    }
}

// The redirect target's host, for diagnostics: untrusted text, so anything token-shaped is
// redacted and control characters replaced (found by fuzz_http_reply: a token in the Location).
inline std::string location_host(std::string_view location) {
    auto p = location.find("://");
    if (p == std::string_view::npos) return {};
    location.remove_prefix(p + 3);
    location = location.substr(0, location.find_first_of("/?#"));
    if (auto at = location.rfind('@'); at != std::string_view::npos) location.remove_prefix(at + 1);
    return reply_text::safe_text(location.substr(0, 253), 253);
}

inline double jitter01() {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

inline bool has_crlf_or_nul(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

}  // namespace detail
}  // namespace sfconnect

#endif
