// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_UNTRUSTED_TEXT_HPP
#define SFCONNECT_DETAIL_UNTRUSTED_TEXT_HPP

// Untrusted text (user input, server replies) on its way into messages, diagnostics, logs and
// terminals: the one rule that makes it printable, the one redaction loop, and the server-text
// cleaner built on both. Included by impl/ files only; standard library plus the light Diagnostics
// and Secret headers.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/detail/ascii.hpp>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace sfconnect::detail {

// ---- printable ----------------------------------------------------------------------------------

/// Length (2-4) of the well-formed UTF-8 sequence starting at s[i] and its code point, or 0 when the
/// bytes there are not one (stray continuation bytes, overlong forms, surrogates, cut sequences).
constexpr std::size_t utf8_sequence_at(std::string_view s, std::size_t i, char32_t& code_point) noexcept {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    char32_t smallest = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2, code_point = lead & 0x1Fu, smallest = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3, code_point = lead & 0x0Fu, smallest = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4, code_point = lead & 0x07u, smallest = 0x10000;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0u) != 0x80u) return 0;
        code_point = (code_point << 6) | (b & 0x3Fu);
    }
    if (code_point < smallest || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
    return n;
}

/// Code points that must not reach a terminal or a log line as themselves: C1 controls, the
/// bidirectional formatting characters (they reorder what is shown: "Trojan Source") and the
/// Unicode line and paragraph separators.
constexpr bool is_unsafe_code_point(char32_t c) noexcept {
    return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

/// Appends printable(text, max_bytes) to `out` (see printable); true when something was left out.
inline bool append_printable(std::string& out, std::string_view text, std::size_t max_bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    const std::size_t limit = out.size() + max_bytes;
    char escaped[16];
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<unsigned char>(text[i]);
        std::string_view piece;
        std::size_t consumed = 1;
        std::size_t escape_bytes = 0;  // how many input bytes become \xNN
        char32_t code_point = 0;
        if (b >= 0x20 && b < 0x7F) {
            piece = text.substr(i, 1);
        } else if (b == '\t' || b == '\n' || b == '\r') {
            piece = b == '\t' ? "\\t" : b == '\n' ? "\\n" : "\\r";
        } else if (const std::size_t n = b < 0x80 ? 0 : utf8_sequence_at(text, i, code_point); n != 0) {
            consumed = n;
            if (is_unsafe_code_point(code_point)) escape_bytes = n;
            else piece = text.substr(i, n);
        } else {
            escape_bytes = 1;
        }
        if (escape_bytes != 0) {
            for (std::size_t k = 0; k < escape_bytes; ++k) {
                const auto e = static_cast<unsigned char>(text[i + k]);
                escaped[4 * k] = '\\';
                escaped[4 * k + 1] = 'x';
                escaped[4 * k + 2] = hex[e >> 4];
                escaped[4 * k + 3] = hex[e & 0x0F];
            }
            piece = std::string_view(escaped, 4 * escape_bytes);
        }
        if (out.size() + piece.size() > limit) break;
        out += piece;
        i += consumed;
    }
    if (i == text.size()) return false;
    out += "...";
    return true;
}

/// Makes untrusted text printable on one line, for messages, diagnostics, logs and terminals. The
/// one rule set:
/// - printable ASCII (0x20-0x7E) and well-formed UTF-8 text are kept as they are;
/// - tab, line feed and carriage return become `\t`, `\n`, `\r`; every other C0 control and DEL
///   becomes `\xNN`;
/// - C1 controls (U+0080-U+009F), the bidirectional formatting characters (U+061C, U+200E, U+200F,
///   U+202A-U+202E, U+2066-U+2069), U+2028, U+2029 and bytes that are not well-formed UTF-8 become
///   `\xNN` per byte: nothing can move the cursor, recolour a terminal, reorder or split a line;
/// - length cap: the result keeps at most `max_bytes` bytes of that text, never cutting an escape or
///   a UTF-8 sequence, and ends in "..." when anything was left out (at most `max_bytes` + 3 bytes).
inline std::string printable(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve((text.size() < max_bytes ? text.size() : max_bytes) + 3);
    append_printable(out, text, max_bytes);
    return out;
}

/// printable(text, max_bytes) between two `quote` characters: a value quoted in a message.
inline std::string quoted(std::string_view text, std::size_t max_bytes, char quote = '\'') {
    std::string out(1, quote);
    append_printable(out, text, max_bytes);
    out += quote;
    return out;
}

// ---- redaction ----------------------------------------------------------------------------------

/// What every redacted value is replaced with (the public trace::redacted_text is the same text).
inline constexpr std::string_view redaction_placeholder = "[redacted]";

/// Secrets shorter than this are not searched for in diagnostics: such a needle would shred
/// ordinary words, and real consumer secrets and tokens are far longer.
inline constexpr std::size_t min_redaction_needle = 4;

/// Replaces every occurrence of `needle` in `text` by redaction_placeholder, leftmost first, each
/// search resuming after the placeholder just inserted: it always terminates, also when the needle
/// occurs inside the placeholder ("dact", "[redacted]"). No occurrence of `needle` is left that does
/// not overlap a placeholder, and the text grows at most by the factor placeholder / needle size.
/// The buffer that held the needle is wiped before it is released. Returns the number replaced; an
/// empty needle replaces nothing.
inline std::size_t redact_all(std::string& text, std::string_view needle) {
    if (needle.empty()) return 0;
    std::size_t pos = text.find(needle);
    if (pos == std::string::npos) return 0;
    std::string out;
    out.reserve(text.size() + redaction_placeholder.size());
    std::size_t from = 0;
    std::size_t count = 0;
    do {
        out.append(text, from, pos - from);
        out += redaction_placeholder;
        from = pos + needle.size();
        ++count;
        pos = text.find(needle, from);
    } while (pos != std::string::npos);
    out.append(text, from);
    secure_wipe(text.data(), text.size());
    text.swap(out);
    return count;
}

/// redact_all for a secret (consumer secret, access token), unless it is shorter than
/// min_redaction_needle.
inline void redact_secret(std::string& text, std::string_view secret) {
    if (secret.size() >= min_redaction_needle) redact_all(text, secret);
}

/// Removes `needle` (a secret or a token) from every text of the diagnostics: defence in depth,
/// since a hostile server could echo the secret or the token back to us.
/// Calls f(line) for every line of a PEM block's base64 body (16 characters or more, no "-----"
/// marker): the needles that redact a private key wherever a part of it shows up.
template <class F>
void for_each_pem_body_line(std::string_view pem, F&& f) {
    while (!pem.empty()) {
        const auto nl = pem.find('\n');
        std::string_view line = pem.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() >= 16 && line.find("-----") == std::string_view::npos) f(line);
        if (nl == std::string_view::npos) break;
        pem.remove_prefix(nl + 1);
    }
}

inline void redact(Diagnostics& d, std::string_view needle) {
    for (std::string* s : {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host}) redact_secret(*s, needle);
}

// Characters that end a token value in free text, query strings, JSON and HTML.
constexpr bool ends_token(char c) noexcept {
    return c == '"' || c == '\'' || c == ',' || c == '&' || c == ';' || c == '}' || c == '<' || c == '>' || c == ')' ||
           static_cast<unsigned char>(c) <= ' ' || c == 0x7F;
}

/// Replaces the value after `key` + ':' or '=' (quotes and JSON whitespace allowed around them).
inline void redact_after_key(std::string& s, std::string_view key) {
    for (std::size_t pos = ifind(s, key); pos != std::string::npos; pos = ifind(s, key, pos + 1)) {
        std::size_t j = pos + key.size();
        const auto skip = [&] {
            while (j < s.size() &&
                   (s[j] == '"' || s[j] == '\'' || s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
                ++j;
        };
        skip();
        if (j >= s.size() || (s[j] != ':' && s[j] != '=')) continue;
        ++j;
        skip();
        std::size_t k = j;
        while (k < s.size() && !ends_token(s[k])) ++k;
        if (k > j) s.replace(j, k - j, redaction_placeholder);
    }
}

/// "Bearer <token>": only runs of 20 or more characters, so that prose such as "Bearer
/// authentication failed" survives.
inline void redact_bearer(std::string& s) {
    constexpr std::string_view key = "bearer ";
    for (std::size_t pos = ifind(s, key); pos != std::string::npos; pos = ifind(s, key, pos + 1)) {
        const std::size_t j = pos + key.size();
        std::size_t k = j;
        while (k < s.size() && !ends_token(s[k])) ++k;
        if (k - j >= 20) s.replace(j, k - j, redaction_placeholder);
    }
}

/// Opaque Salesforce tokens: a 15/18-character org id (00D...), '!', then [.\w]*.
inline void redact_opaque_tokens(std::string& s) {
    for (std::size_t bang = s.find('!'); bang != std::string::npos; bang = s.find('!', bang + 1)) {
        std::size_t start = bang;
        while (start > 0 && is_alnum(s[start - 1])) --start;
        const std::size_t id_len = bang - start;
        if ((id_len != 15 && id_len != 18) || s.compare(start, 3, "00D") != 0) continue;
        std::size_t end = bang + 1;
        while (end < s.size() && (is_alnum(s[end]) || s[end] == '.' || s[end] == '_')) ++end;
        s.replace(start, end - start, redaction_placeholder);
        bang = start + redaction_placeholder.size() - 1;
    }
}

// ---- server text --------------------------------------------------------------------------------

/// Largest server_error / server_message kept, in bytes.
inline constexpr std::size_t max_server_text = 500;
/// Largest excerpt of a reply body kept in diagnostics, in bytes.
inline constexpr std::size_t max_body_excerpt = 300;

/// Makes untrusted server text safe for diagnostics: removes every occurrence of the @p redact
/// strings and anything that looks like an access token (`access_token=...`, `"access_token":"..."`,
/// `Bearer ...`, `00D...!...`), turns control characters into spaces (collapsing runs of whitespace
/// when @p collapse_spaces, for excerpts of HTML pages), then applies printable() with @p max_bytes.
inline std::string safe_text(std::string_view text, std::size_t max_bytes,
                             std::initializer_list<std::string_view> redact = {}, bool collapse_spaces = false) {
    // Work on a window just large enough that a secret or token starting inside the kept part is
    // seen whole, so no fragment of it survives the cut.
    std::size_t window = max_bytes + 256;
    for (auto r : redact) window += r.size();
    const bool input_cut = text.size() > window;
    std::string s(text.substr(0, input_cut ? window : text.size()));
    for (auto r : redact) redact_all(s, r);
    // A secret cut by the window's end is not whole, so redact_all missed it; as collapsing spaces and
    // redactions shorten the text, that piece could still reach the kept part: drop it too.
    if (input_cut) {
        for (auto r : redact) {
            for (std::size_t k = std::min(r.size(), s.size()); k > 0; --k) {
                if (s.compare(s.size() - k, k, r.substr(0, k)) == 0) {
                    s.resize(s.size() - k);
                    break;
                }
            }
        }
    }
    redact_after_key(s, "access_token");
    redact_bearer(s);
    redact_opaque_tokens(s);

    std::string spaced;
    spaced.reserve(s.size());
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7F && c != ' ') {
            spaced += ch;
        } else if (!collapse_spaces || (!spaced.empty() && spaced.back() != ' ')) {
            spaced += ' ';
        }
    }
    if (collapse_spaces)
        while (!spaced.empty() && spaced.back() == ' ') spaced.pop_back();
    std::string out;
    out.reserve(std::min(spaced.size(), max_bytes) + 3);
    if (!append_printable(out, spaced, max_bytes) && input_cut) out += "...";
    secure_wipe(s.data(), s.size());
    return out;
}

}  // namespace sfconnect::detail

#endif
