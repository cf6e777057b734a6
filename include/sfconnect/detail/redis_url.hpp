// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_REDIS_URL_HPP
#define SFCONNECT_DETAIL_REDIS_URL_HPP

// The Redis token store's URL, redis://[user:password@]host[:port][/db] and rediss://... (TLS).
// A pure function, unit-tested and fuzzed (fuzz/fuzz_redis_url.cpp). Light: standard library and
// the tree's text helpers only (no hiredis or Asio), so tools can validate a URL cheaply.
// The password never appears in a message or in describe().

#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/percent_encode.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sfconnect::detail {

/// Where and how to reach Redis, from parse_redis_url.
struct RedisUrl {
    bool tls = false;      ///< rediss://
    std::string host;      ///< without the brackets of an IPv6 address
    std::string port;      ///< decimal, 1-65535 (default 6379)
    std::uint32_t db = 0;  ///< the database index (SELECT), default 0
    std::string user;      ///< ACL user (percent-decoded); empty: the default user
    std::string password;  ///< percent-decoded; empty: no AUTH. A secret.

    /// "redis://host:6379/0", "rediss://user:[redacted]@[::1]:6380/2": never the password.
    std::string describe() const {
        std::string out = tls ? "rediss://" : "redis://";
        if (!password.empty()) {
            out += safe_text(user, 64);
            out += ":[redacted]@";
        }
        const bool ipv6 = host.find(':') != std::string::npos;
        out += ipv6 ? "[" + host + "]" : host;
        out += ':';
        out += port;
        out += '/';
        out += std::to_string(db);
        return out;
    }
};

/// The largest database index accepted in a URL (Redis' own limit is its `databases` setting).
inline constexpr std::uint32_t max_redis_db = 1'000'000;

namespace redis_url_detail {
inline bool fail(std::string& message, std::string_view what, std::string_view fix) {
    message = "the Redis store URL ";
    message += what;
    message += "; ";
    message += fix;
    return false;
}

inline bool parse_userinfo(std::string_view userinfo, RedisUrl& out, std::string& message) {
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos)
        return fail(message, "has a user name but no password before '@'",
                    "write redis://user:password@host:port for an ACL user, or redis://:password@host:port for "
                    "the default user");
    if (!percent_decode(userinfo.substr(0, colon), out.user))
        return fail(message, "has a '%' in the user name that is not followed by two hex digits", "write '%' as %25");
    if (!percent_decode(userinfo.substr(colon + 1), out.password))
        return fail(message, "has a '%' in the password that is not followed by two hex digits",
                    "write '%' as %25, ':' as %3A, '@' as %40 and '/' as %2F");
    if (out.password.empty())
        return fail(message, "has an empty password before '@'",
                    "leave out 'user:@' when Redis needs no password, or give the password");
    if (has_crlf_or_nul(out.user))
        return fail(message, "has a line break or NUL byte in the user name", "check the user name");
    return true;
}

inline bool parse_db(std::string_view path, RedisUrl& out, std::string& message) {
    if (path.empty() || path == "/") return true;
    path.remove_prefix(1);  // the '/'
    std::uint64_t value = 0;
    for (char c : path) {
        if (!is_digit(c) || value > max_redis_db) {
            return fail(message, "has a path that is not a database number",
                        "end the URL with /N, N from 0 to the server's `databases` setting minus one "
                        "(0 to 15 by default), or leave the path out for database 0");
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > max_redis_db)
        return fail(message, "has a database number that is too large",
                    "use a number from 0 to the server's `databases` setting minus one (0 to 15 by default)");
    out.db = static_cast<std::uint32_t>(value);
    return true;
}
}  // namespace redis_url_detail

/// Parses redis://[[user]:password@]host[:port][/db] or rediss://... (scheme case-insensitive).
/// user and password are percent-decoded; ":password@" alone authenticates the default user.
/// The default port is 6379, the default database 0. A query or fragment is refused (options go in
/// RedisStoreOptions). Returns false with `message` saying which part is wrong and how to fix it;
/// the message never contains the password (nor, since it may hold one, the URL itself).
inline bool parse_redis_url(std::string_view url, RedisUrl& out, std::string& message) {
    using redis_url_detail::fail;
    out = RedisUrl{};
    if (url.empty()) return fail(message, "is empty", "give redis://host:port[/db] or rediss://host:port[/db] (TLS)");
    std::string_view rest;
    if (istarts_with(url, "redis://")) {
        rest = url.substr(8);
    } else if (istarts_with(url, "rediss://")) {
        out.tls = true;
        rest = url.substr(9);
    } else {
        return fail(message, "does not start with redis:// or rediss://",
                    "give redis://[user:password@]host:port[/db], or rediss://... for TLS");
    }
    // The last '@' ends the user information, so an unescaped '/', '?' or '#' in a password still works.
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
        if (!redis_url_detail::parse_userinfo(rest.substr(0, at), out, message)) return false;
        rest.remove_prefix(at + 1);
    }
    if (rest.find_first_of("?#") != std::string_view::npos)
        return fail(message, "has a query or fragment ('?' or '#')",
                    "remove it: the TLS CA file, timeout and key prefix are store options, not URL parameters");
    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    if (authority.empty()) return fail(message, "has no host", "give redis://host:port, e.g. redis://127.0.0.1:6379");
    HostPort hp;
    if (const std::string_view why = parse_host_port(authority, hp, "6379"); !why.empty())
        return fail(message, std::string("host:port ") + std::string(why),
                    "give redis://host:port, e.g. redis://127.0.0.1:6379");
    out.host = std::move(hp.host);
    out.port = std::move(hp.port);
    return redis_url_detail::parse_db(slash == std::string_view::npos ? std::string_view{} : rest.substr(slash), out,
                                      message);
}

}  // namespace sfconnect::detail

#endif
