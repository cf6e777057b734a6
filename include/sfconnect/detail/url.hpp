// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_URL_HPP
#define SFCONNECT_DETAIL_URL_HPP

// The host of a URL and HOST:PORT splitting: one rule set for the library (connect-to, proxy URLs,
// redirect targets) and sfconnect-check. Light: no Beast, Asio, OpenSSL or Boost.JSON.

#include <sfconnect/detail/ascii.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace sfconnect::detail {

/// The host of an absolute URL ("https://user@host:443/p" gives "host", "http://[::1]:80/" gives
/// "[::1]"); empty for relative URLs and for a scheme that is not letters, digits, '+', '-', '.'.
inline std::string_view url_host(std::string_view url) noexcept {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
    for (char c : url.substr(0, scheme_end))
        if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return {};
    std::string_view authority = url.substr(scheme_end + 3);
    authority = authority.substr(0, std::min(authority.find_first_of("/?#"), authority.size()));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
        const auto close = authority.find(']');
        return close == std::string_view::npos ? std::string_view{} : authority.substr(0, close + 1);
    }
    return authority.substr(0, std::min(authority.find(':'), authority.size()));
}

/// A host and a port, split by parse_host_port.
struct HostPort {
    std::string host;  ///< without the brackets of an IPv6 address
    std::string port;  ///< decimal, 1-65535
};

/// Splits HOST:PORT, the one rule set for every HOST:PORT sfconnect reads (connect-to, the proxy
/// URL's authority, sfconnect-check --connect-to):
/// - an IPv6 address goes in brackets, "[::1]:8443" (host "::1"): hex digits, ':' and '.' only, at
///   least one ':'; "[]:443" is refused;
/// - any other host is everything before the ':' and contains no ':';
/// - a host has no spaces, tabs or other control characters, no bytes >= 0x80 and none of "/?#@[]\\";
/// - the port is 1 to 5 decimal digits with a value from 1 to 65535;
/// - the ":PORT" part may be left out only when `default_port` is given, which is then used.
/// Returns an empty view and fills `out` when `text` is acceptable, else a reason for a message.
inline std::string_view parse_host_port(std::string_view text, HostPort& out, std::string_view default_port = {}) {
    std::string_view host = text;
    std::string_view port = default_port;
    bool has_port = false;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) return "has '[' without ']'";
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return "has text after the ']' of the IPv6 address";
        has_port = !rest.empty();
        if (has_port) port = rest.substr(1);
        if (host.empty() || host.find(':') == std::string_view::npos) return "has no IPv6 address inside '[' ']'";
        for (char c : host)
            if (!is_hex_digit(c) && c != ':' && c != '.') return "has an invalid IPv6 address inside '[' ']'";
    } else {
        const std::size_t colon = text.find(':');
        if (colon != std::string_view::npos) {
            host = text.substr(0, colon);
            port = text.substr(colon + 1);
            has_port = true;
            if (port.find(':') != std::string_view::npos)
                return "has more than one ':' (an IPv6 address goes in '[' ']')";
        }
        if (host.empty()) return "has no host";
        for (char c : host) {
            const auto b = static_cast<unsigned char>(c);
            if (b <= 0x20 || b >= 0x7F) return "has a space, control character or non-ASCII byte in the host";
            if (std::string_view("/?#@[]\\").find(c) != std::string_view::npos)
                return "has a character that does not belong in a host name ('/', '?', '#', '@', '[', ']' or '\\')";
        }
    }
    if (!has_port && default_port.empty()) return "has no port";
    unsigned value = 0;
    for (char c : port) {
        if (!is_digit(c)) return "has a port that is not a number from 1 to 65535";
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 65535) break;
    }
    if (port.empty() || port.size() > 5 || value == 0 || value > 65535)
        return "has a port that is not a number from 1 to 65535";
    out.host = std::string(host);
    out.port = std::string(port);
    return {};
}

}  // namespace sfconnect::detail

#endif
