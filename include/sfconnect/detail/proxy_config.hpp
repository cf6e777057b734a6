// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_PROXY_CONFIG_HPP
#define SFCONNECT_DETAIL_PROXY_CONFIG_HPP

// Proxy URL parsing and NO_PROXY matching: pure functions, no I/O.

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace sfconnect::detail::proxy {

struct ProxyEndpoint {
    std::string host;
    std::string port = "8080";
    std::string basic_credentials;  // "user:pass" (percent-decoded); sent as Proxy-Authorization
    std::string source;             // where the setting came from, for messages: "the proxy option", "HTTPS_PROXY"
};

inline char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = ascii_lower(c);
    return out;
}

inline std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            c = ascii_lower(c);
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// Parses "http://[user:pass@]host[:port][/]" (scheme optional). Returns nullopt and an
/// explanation for anything else (https:// proxies, paths, empty host, bad port).
inline std::optional<ProxyEndpoint> parse_proxy_url(std::string_view url, std::string& why) {
    std::string_view rest = url;
    if (auto p = rest.find("://"); p != std::string_view::npos) {
        const auto scheme = to_lower(rest.substr(0, p));
        if (scheme != "http") {
            why = "only http:// proxies (HTTP CONNECT) are supported, got '" + scheme + "://'";
            return std::nullopt;
        }
        rest.remove_prefix(p + 3);
    }
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos) {
        why = "the proxy URL must not contain a path";
        return std::nullopt;
    }
    ProxyEndpoint out;
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        out.basic_credentials = percent_decode(rest.substr(0, at));
        rest.remove_prefix(at + 1);
    }
    std::string_view host = rest;
    if (!rest.empty() && rest.front() == '[') {  // [v6]:port
        auto close = rest.find(']');
        if (close == std::string_view::npos) {
            why = "unbalanced '[' in the proxy host";
            return std::nullopt;
        }
        host = rest.substr(1, close - 1);
        rest.remove_prefix(close + 1);
        if (!rest.empty() && rest.front() == ':') out.port = std::string(rest.substr(1));
        else if (!rest.empty()) { why = "unexpected text after the proxy host"; return std::nullopt; }
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        out.port = std::string(rest.substr(colon + 1));
    }
    if (host.empty()) {
        why = "the proxy URL has no host";
        return std::nullopt;
    }
    if (out.port.empty() || out.port.size() > 5 ||
        out.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(out.port) == 0 ||
        std::stoi(out.port) > 65535) {
        why = "the proxy port must be a number from 1 to 65535";
        return std::nullopt;
    }
    out.host = std::string(host);
    return out;
}

/// curl-style NO_PROXY: comma/space separated host suffixes; "*" matches everything; a leading
/// dot is optional ("example.com" matches "a.example.com" and "example.com").
inline bool no_proxy_matches(std::string_view no_proxy, std::string_view host) {
    const std::string h = to_lower(host);
    std::size_t i = 0;
    while (i < no_proxy.size()) {
        std::size_t j = no_proxy.find_first_of(", ", i);
        if (j == std::string_view::npos) j = no_proxy.size();
        std::string entry = to_lower(no_proxy.substr(i, j - i));
        i = j + 1;
        if (entry.empty()) continue;
        if (entry == "*") return true;
        if (auto colon = entry.find(':'); colon != std::string::npos && entry.find(']') == std::string::npos)
            entry.resize(colon);  // a port in NO_PROXY is ignored for matching
        if (entry.front() == '.') entry.erase(0, 1);
        if (h == entry) return true;
        if (h.size() > entry.size() && h.compare(h.size() - entry.size(), entry.size(), entry) == 0 &&
            h[h.size() - entry.size() - 1] == '.')
            return true;
    }
    return false;
}

/// The proxy to use for `host`: the explicit setting (empty string = none) or the environment.
/// `source`, when given, receives where it came from ("the proxy option", "HTTPS_PROXY", "https_proxy").
inline std::optional<std::string> proxy_for_host(const std::optional<std::string>& configured,
                                                 std::string_view host, std::string* source = nullptr) {
    if (configured) {
        if (configured->empty()) return std::nullopt;
        if (source) *source = "the proxy option";
        return *configured;
    }
    const char* name = "HTTPS_PROXY";
    const char* env = std::getenv(name);
    if (!env || !*env) env = std::getenv(name = "https_proxy");
    if (!env || !*env) return std::nullopt;
    if (source) *source = name;
    const char* no = std::getenv("NO_PROXY");
    if (!no || !*no) no = std::getenv("no_proxy");
    if (no && no_proxy_matches(no, host)) return std::nullopt;
    return std::string(env);
}

}  // namespace sfconnect::detail::proxy

namespace sfconnect::detail {
using proxy::ProxyEndpoint;
using proxy::parse_proxy_url;
using proxy::no_proxy_matches;
using proxy::proxy_for_host;
}  // namespace sfconnect::detail

#endif
