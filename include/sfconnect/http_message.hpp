// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_HTTP_MESSAGE_HPP
#define SFCONNECT_HTTP_MESSAGE_HPP

/// @file
/// The HTTP messages and limits a transport exchanges (Beast's HTTP types; no TLS, no sockets).

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>

namespace sfconnect {

/// The request type the transports send.
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
/// The reply type the transports return.
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// Size limits for one reply; exceeding either fails with errc::bad_response.
struct ExchangeLimits {
    std::size_t header_bytes = 16 * 1024;      ///< status line + headers
    std::size_t body_bytes = 8 * 1024 * 1024;  ///< body (checked before buffering the excess)
};

}  // namespace sfconnect

#endif
