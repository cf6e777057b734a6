// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TRANSPORT_HPP
#define SFCONNECT_TRANSPORT_HPP

/// @file
/// The Transport concept: what BasicTokenClient needs from one connection.

#include <sfconnect/connect_info.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/https_transport.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <concepts>
#include <memory>

namespace sfconnect {

/// One connection to the org, as BasicTokenClient drives it. The client creates transports with
/// `T(executor, shared_ptr<const TransportSettings>)` on its strand, never runs two operations on one
/// transport at once, and keeps idle ones for reuse while `is_open()`.
///
/// - `exchange(req, res, limits, diag)` sends one request and reads one reply (connecting first if
///   needed); on failure it returns an sfconnect error and sets `diag` (its phase among resolve,
///   connect, proxy, tls_handshake, request).
/// - `connect(diag)` opens the connection; `connect_info()` says how.
/// - `close()` drops the connection without a round trip.
template <class T>
concept Transport =
    std::constructible_from<T, boost::asio::any_io_executor, std::shared_ptr<const TransportSettings>> &&
    requires(T& t, const T& ct, HttpRequest& req, HttpResponse& res, const ExchangeLimits& limits, Diagnostics& diag) {
    { ct.is_open() } -> std::convertible_to<bool>;
    { ct.connect_info() } -> std::convertible_to<const ConnectInfo&>;
    { t.connect(diag) } -> std::same_as<boost::asio::awaitable<error_code>>;
    { t.exchange(req, res, limits, diag) } -> std::same_as<boost::asio::awaitable<error_code>>;
    t.close();
};

static_assert(Transport<HttpsTransport>);

}  // namespace sfconnect

#endif
