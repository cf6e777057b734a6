// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_FUZZ_SUPPORT_HPP
#define SFCONNECT_FUZZ_SUPPORT_HPP

// Shared by the libFuzzer targets: invariant checks that abort() with a readable reason (libFuzzer
// then saves the input as a crash), and the line-oriented input format of the reply targets.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace sfconnect::fuzz {

/// The consumer secret the targets hand to the parsers; the corpora and the dictionary contain it,
/// so the fuzzer plants it in replies. Nothing may ever echo it (or a long piece of it).
inline constexpr std::string_view planted_secret = "FUZZ-SECRET-5b0c7e2d91a84f36aa71";

/// Reports a broken invariant and aborts, so that libFuzzer records the input.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "\n*** sfconnect fuzz invariant violated: %.*s\n", static_cast<int>(what.size()), what.data());
    if (!detail.empty()) {
        std::fprintf(stderr, "*** detail (%zu bytes): ", detail.size());
        for (unsigned char c : detail.substr(0, 2000)) {
            if (c >= 0x20 && c < 0x7f) std::fputc(c, stderr);
            else std::fprintf(stderr, "\\x%02x", c);
        }
        std::fputc('\n', stderr);
    }
    std::abort();
}

/// Checks an invariant.
inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
    if (!ok) fail(what, detail);
}

// Replaces a letter or digit by the next one of its kind (z -> a, Z -> A, 9 -> 0); anything else
// stays. Differential checks use it to change a value while keeping its shape.
inline void rotate_alnum(char& c) {
    if (c == 'z') c = 'a';
    else if (c == 'Z') c = 'A';
    else if (c == '9') c = '0';
    else if ((c >= 'a' && c < 'z') || (c >= 'A' && c < 'Z') || (c >= '0' && c < '9')) ++c;
}

inline bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

inline std::size_t count(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = hay.find(needle); pos != std::string_view::npos; pos = hay.find(needle, pos + 1)) ++n;
    return n;
}

/// True when `text` shows `secret` whole, or, where it was cut ("..." at its end), a piece of at
/// least 8 bytes of it that the input (`source`) holds only as part of the whole secret.
inline bool shows(std::string_view text, std::string_view secret, std::string_view source) {
    if (secret.empty()) return false;
    if (contains(text, secret)) return true;
    if (text.size() < 3 || text.substr(text.size() - 3) != "...") return false;
    text.remove_suffix(3);
    for (std::size_t k = 8; k < secret.size(); ++k) {
        const std::string_view piece = secret.substr(0, k);
        if (text.size() >= k && text.substr(text.size() - k) == piece && count(source, piece) == count(source, secret))
            return true;
    }
    return false;
}

/// Every text field of the diagnostics, for leak checks.
inline std::array<const std::string*, 5> text_fields(const Diagnostics& d) {
    return {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host};
}

/// `secret` is shown in no field of `diag` (see shows()), nor in the one-line error text.
inline void check_not_leaked(const error_code& ec, const Diagnostics& diag, std::string_view secret,
                             std::string_view source, std::string_view what) {
    for (const std::string* f : text_fields(diag))
        if (shows(*f, secret, source)) fail(what, *f);
    const std::string line = to_string(ec, diag);
    if (contains(line, secret)) fail(what, line);
}

/// No control characters (server text is sanitised before it is kept).
inline void check_printable(std::string_view s, std::string_view what) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) fail(what, s);
}

/// The error is one of sfconnect's own codes (a known enumerator of one of its three categories).
inline bool is_known_code(const error_code& ec) {
    if (ec.category() == client_category())
        return ec.value() >= 1 && ec.value() <= static_cast<int>(errc::server_error);
    if (ec.category() == oauth_category())
        return ec.value() >= 1 && ec.value() <= static_cast<int>(oauth_errc::token_rejected);
    if (ec.category() == api_category()) return ec.value() >= 1 && ec.value() <= static_cast<int>(api_errc::api_error);
    return false;
}

/// Reads the reply targets' input: "<status>\n<content type>\n<location>\n<body>". Missing lines
/// are empty; a status line that is not 1-3 digits is hashed to 0-999, so every input means something.
struct ReplyInput {
    int status = 200;
    std::string_view content_type;
    std::string_view location;
    std::string_view body;
};

inline std::string_view take_line(std::string_view& in) {
    const auto nl = in.find('\n');
    const std::string_view line = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    return line;
}

inline ReplyInput split_reply(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    ReplyInput r;
    const std::string_view status = take_line(in);
    int v = 0;
    bool digits = !status.empty() && status.size() <= 3;
    for (char c : status) digits = digits && c >= '0' && c <= '9';
    if (digits) {
        for (char c : status) v = v * 10 + (c - '0');
    } else {
        for (unsigned char c : status) v = (v * 31 + c) % 1000;
    }
    r.status = v;
    r.content_type = take_line(in);
    r.location = take_line(in);
    r.body = in;
    return r;
}

}  // namespace sfconnect::fuzz

#endif
