// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_PROXY_CONFIG_HPP
#define SFCONNECT_DETAIL_PROXY_CONFIG_HPP

// Proxy URL parsing and NO_PROXY matching: pure functions, no I/O.

#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/percent_encode.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace sfconnect::detail {

struct ProxyEndpoint {
    std::string host;
    std::string port = "8080";
    std::string basic_credentials;  // "user:pass" (percent-decoded); sent as Proxy-Authorization
    std::string source;             // where the setting came from, for messages: "the proxy option", "HTTPS_PROXY"
};

/// `s` with every %XX escape decoded (a '%' without two hex digits is kept as it is).
inline std::string percent_decode(std::string_view s) {
    const auto hex = [](char c) { return is_digit(c) ? c - '0' : ascii_lower(c) - 'a' + 10; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_pct_encoded_at(s, i)) {
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
            why = "only http:// proxies (HTTP CONNECT) are supported, got '" + printable(scheme, 40) + "://'";
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
    HostPort host_port;
    if (const std::string_view problem = parse_host_port(rest, host_port, "8080"); !problem.empty()) {
        why = "the proxy address '" + printable(rest, 100) + "' " + std::string(problem);
        return std::nullopt;
    }
    out.host = std::move(host_port.host);
    out.port = std::move(host_port.port);
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
inline std::optional<std::string> proxy_for_host(const std::optional<std::string>& configured, std::string_view host,
                                                 std::string* source = nullptr) {
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

}  // namespace sfconnect::detail

#endif
