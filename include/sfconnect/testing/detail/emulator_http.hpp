// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_EMULATOR_HTTP_HPP
#define SFCONNECT_TESTING_DETAIL_EMULATOR_HTTP_HPP

// Socket-free pieces of the emulator: text helpers, form parsing, reply building and
// serialization, the SOQL subset. Kept apart from the networking code so they stay readable.

#include <boost/beast/http/status.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <cstddef>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sfconnect {
namespace testing {
namespace detail {

using Params = std::vector<std::pair<std::string, std::string>>;

inline char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

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

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
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

inline bool is_secret_param(std::string_view key) noexcept {
    return key == "client_secret" || key == "token" || key == "access_token" || key == "oauth_token" ||
           key == "client_assertion" || key == "refresh_token";
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

// Salesforce's 18-character case-insensitive id: three checksum characters encode which of the
// 15 characters are upper case.
inline std::string to_18_char_id(std::string_view id15) {
    static constexpr char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    std::string out(id15);
    for (std::size_t chunk = 0; chunk < 3; ++chunk) {
        unsigned flags = 0;
        for (std::size_t i = 0; i < 5; ++i) {
            const char c = id15[chunk * 5 + i];
            if (c >= 'A' && c <= 'Z') {
                flags |= 1u << i;
            }
        }
        out.push_back(map[flags]);
    }
    return out;
}

inline std::string http_date() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

// A reply before serialization. Content-Length, Date and Connection are added when serialized.
struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

inline Reply json_reply(int status, std::string body) {
    Reply r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    r.body = std::move(body);
    return r;
}

inline Reply json_reply(int status, const boost::json::value& v) {
    return json_reply(status, boost::json::serialize(v));
}

// Token-endpoint error shape (Salesforce help "OAuth flow errors": 400, JSON, no-store).
inline Reply oauth_error(int status, std::string_view error, std::string_view description) {
    boost::json::object o;
    o["error"] = error;
    o["error_description"] = description;
    Reply r = json_reply(status, o);
    r.headers.emplace_back("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private");
    return r;
}

// REST error shape: a JSON array of {message, errorCode}.
inline Reply rest_error(int status, std::string_view code, std::string_view message) {
    boost::json::object o;
    o["message"] = message;
    o["errorCode"] = code;
    boost::json::array a;
    a.emplace_back(std::move(o));
    return json_reply(status, a);
}

inline Reply not_found() {
    return rest_error(404, "NOT_FOUND", "The requested resource does not exist");
}

inline std::string reason_phrase(int status) {
    const std::string_view r = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    return r.empty() || r.front() == '<' ? std::string("Unknown") : std::string(r);
}

inline bool header_is(const std::pair<std::string, std::string>& h, std::string_view name) noexcept {
    return iequals(h.first, name);
}

// HTTP/1.1 wire bytes. `head` omits the body (HEAD requests); `header_size` receives the size
// of the status line and header block (for the close_mid_body fault).
inline std::string serialize_reply(const Reply& r, bool keep_alive, bool head, std::size_t* header_size = nullptr) {
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) + "\r\n";
    out += "Date: " + http_date() + "\r\n";
    bool explicit_length = false;
    bool chunked = false;
    for (const auto& h : r.headers) {
        out += h.first + ": " + h.second + "\r\n";
        explicit_length = explicit_length || header_is(h, "Content-Length");
        chunked = chunked || (header_is(h, "Transfer-Encoding") && h.second.find("chunked") != std::string::npos);
    }
    const bool bodyless = r.status == 204 || r.status == 304;
    if (!explicit_length && !chunked && !bodyless) {
        out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    }
    if (!keep_alive) {
        out += "Connection: close\r\n";
    }
    out += "\r\n";
    if (header_size != nullptr) {
        *header_size = out.size();
    }
    if (head || bodyless) {
        return out;
    }
    if (chunked) {
        if (!r.body.empty()) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", r.body.size());
            out += size;
            out += r.body;
            out += "\r\n";
        }
        out += "0\r\n\r\n";
    } else {
        out += r.body;
    }
    return out;
}

// ---- SOQL subset: SELECT <fields | COUNT()> FROM <object> [LIMIT n] ----

struct Soql {
    std::vector<std::string> fields;  // canonical API names
    bool count = false;
    std::optional<std::size_t> limit;
};

inline std::vector<std::string> soql_tokens(std::string_view q) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < q.size() && out.size() < 1000) {
        const unsigned char c = static_cast<unsigned char>(q[i]);
        if (std::isspace(c)) {
            ++i;
        } else if (std::isalnum(c) || c == '_' || c == '.') {
            std::size_t j = i;
            while (j < q.size() && (std::isalnum(static_cast<unsigned char>(q[j])) || q[j] == '_' || q[j] == '.')) {
                ++j;
            }
            out.emplace_back(q.substr(i, j - i));
            i = j;
        } else {
            out.emplace_back(1, q[i]);
            ++i;
        }
    }
    return out;
}

// Either the parsed query or the error reply Salesforce would give.
inline std::variant<Soql, Reply> parse_soql(std::string_view q) {
    const std::vector<std::string> t = soql_tokens(q);
    std::size_t i = 0;
    const auto unexpected = [&](std::size_t at) {
        return Reply(rest_error(400, "MALFORMED_QUERY",
                                at < t.size() ? "unexpected token: '" + t[at] + "'" : "unexpected token: '<EOF>'"));
    };
    if (t.empty()) {
        return rest_error(400, "MALFORMED_QUERY", "A query string has to be specified");
    }
    if (!iequals(t[i], "SELECT")) {
        return unexpected(i);
    }
    ++i;
    Soql soql;
    std::vector<std::string> raw_fields;
    if (i + 2 < t.size() && iequals(t[i], "COUNT") && t[i + 1] == "(" && t[i + 2] == ")") {
        soql.count = true;
        i += 3;
    } else {
        for (;;) {
            if (i >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[i][0])) || t[i][0] == '_') ||
                iequals(t[i], "FROM")) {
                return unexpected(i);
            }
            raw_fields.push_back(t[i++]);
            if (i < t.size() && t[i] == ",") {
                ++i;
                continue;
            }
            break;
        }
    }
    if (i >= t.size() || !iequals(t[i], "FROM")) {
        return unexpected(i);
    }
    ++i;
    if (i >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[i][0])) || t[i][0] == '_')) {
        return unexpected(i);
    }
    const std::string object = t[i++];
    if (i < t.size() && iequals(t[i], "LIMIT")) {
        ++i;
        if (i >= t.size() || t[i].size() > 9 ||
            t[i].find_first_not_of("0123456789") != std::string::npos) {
            return unexpected(i);
        }
        soql.limit = static_cast<std::size_t>(std::stoul(t[i++]));
    }
    if (i < t.size()) {
        return unexpected(i);
    }
    if (!iequals(object, "Account")) {
        return rest_error(400, "INVALID_TYPE",
                          "sObject type '" + object +
                              "' is not supported. If you are attempting to use a custom object, be sure to "
                              "append the '__c' after the entity name. Please reference your WSDL or the "
                              "describe call for the appropriate names.");
    }
    for (const auto& f : raw_fields) {
        if (iequals(f, "Id")) {
            soql.fields.emplace_back("Id");
        } else if (iequals(f, "Name")) {
            soql.fields.emplace_back("Name");
        } else {
            return rest_error(400, "INVALID_FIELD",
                              "No such column '" + f +
                                  "' on entity 'Account'. If you are attempting to use a custom field, be sure "
                                  "to append the '__c' after the custom field name. Please reference your WSDL "
                                  "or the describe call for the appropriate names.");
        }
    }
    return soql;
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
