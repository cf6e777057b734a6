// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_RESPONSE_HPP
#define SFCONNECT_RESPONSE_HPP

/// @file
/// What an authenticated REST request sends (RequestOptions) and what it returns (Response).

#include <sfconnect/limit_info.hpp>

#include <boost/beast/http/fields.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfconnect {

/// Optional parts of a REST request, designed for designated initializers:
/// `{.query = {{"q", "SELECT Id FROM Account"}}}`.
struct RequestOptions {
    /// Query parameters, percent-encoded and appended to the target.
    std::vector<std::pair<std::string, std::string>> query{};
    /// JSON body (sent as application/json). Takes precedence over `body`.
    std::optional<boost::json::value> json{};
    /// Raw body, sent with `content_type`.
    std::string body{};
    /// Content type of `body`.
    std::string content_type = "application/json";
    /// Extra request headers (names and values must not contain CR, LF or NUL).
    std::vector<std::pair<std::string, std::string>> headers{};
    /// Body size limit for this reply (default: TokenClientOptions::max_response_bytes).
    std::optional<std::size_t> max_response_bytes{};
    /// Ask for a compressed reply for this request (default: TokenClientOptions::compress_replies).
    std::optional<bool> compress_reply{};
};

/// A REST reply. On errors it is still filled with what arrived (status, headers, body).
struct Response {  // NOLINT(bugprone-exception-escape): the implicit move of json::value may copy
    /// HTTP status.
    int status = 0;
    /// Reply headers.
    boost::beast::http::fields headers;
    /// The body, decoded when the reply came with `Content-Encoding: gzip` or `deflate` (the
    /// Content-Encoding header is kept as received).
    std::string body;
    /// The body parsed as JSON when the reply is JSON (null otherwise). Its tree lives in one
    /// monotonic memory resource of its own, released with the last value that uses it: move-construct
    /// to keep it (`auto doc = std::move(res.json);`); assigning it into an existing value copies it.
    boost::json::value json;
    /// Parsed `Sforce-Limit-Info` (API usage), when the reply carried it.
    std::optional<LimitInfo> limit_info;

    /// A header's value, or empty when absent.
    std::string_view header(std::string_view name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string_view{} : std::string_view(it->value().data(), it->value().size());
    }
};

}  // namespace sfconnect

#endif
