// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TOKEN_CLIENT_TYPES_HPP
#define SFCONNECT_TOKEN_CLIENT_TYPES_HPP

/// @file
/// The small types TokenClient and BasicTokenClient share: TokenPtr, TokenClientStats, Introspection.
/// No Beast, no OpenSSL.

#include <sfconnect/access_token.hpp>
#include <sfconnect/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace sfconnect {

/// A shared, immutable access token as handed out by the cache (copying it never allocates).
using TokenPtr = std::shared_ptr<const AccessToken>;

/// Counters for tests, benchmarks and monitoring.
struct TokenClientStats {
    std::uint64_t token_requests = 0;          ///< token-endpoint POSTs sent (including retries)
    std::uint64_t token_fetches = 0;           ///< single-flight fetches started
    std::uint64_t api_requests = 0;            ///< REST requests sent (including retries and replays)
    std::uint64_t retries = 0;                 ///< retries after transient failures
    std::uint64_t refetches = 0;               ///< token refetches after 401 "Session expired or invalid"
    std::uint64_t connections = 0;             ///< connections opened
    std::uint64_t store_hits = 0;              ///< fetches answered by the shared token store (no login)
    std::uint64_t store_fallbacks = 0;         ///< fetches made without the store's coordination (store failed or slow)
    std::uint64_t fleet_logins_this_hour = 0;  ///< the fleet's login counter after this client's last login
};

/// Result of token introspection (/services/oauth2/introspect).
struct Introspection {
    bool active = false;                     ///< whether Salesforce still accepts the token
    std::string scope;                       ///< granted scopes
    std::string client_id;                   ///< the consumer key the token belongs to
    std::string username;                    ///< the Run As user's username
    std::string subject;                     ///< `sub`
    std::optional<std::int64_t> expires_at;  ///< `exp`, seconds since the epoch
    std::optional<std::int64_t> issued_at;   ///< `iat`, seconds since the epoch
};

namespace detail {

// Recognises the use_awaitable tokens that get a coroutine fast path (a fresh cached token is
// returned without suspending, so without a post and without recursion into Asio's pump).
template <class Token>
struct awaitable_token {
    static constexpr bool plain = false;
    static constexpr bool tuple = false;
};
template <class Executor>
struct awaitable_token<boost::asio::use_awaitable_t<Executor>> {
    static constexpr bool plain = true;
    static constexpr bool tuple = false;
    using executor_type = Executor;
};
template <class Executor>
struct awaitable_token<boost::asio::as_tuple_t<boost::asio::use_awaitable_t<Executor>>> {
    static constexpr bool plain = false;
    static constexpr bool tuple = true;
    using executor_type = Executor;
};

// Completion adapter for co_spawn: turns (exception_ptr, pair<error_code, T>) into the user's
// (error_code, T) while keeping the user's associated executor, allocator and cancellation slot.
template <class Handler, class T>
struct spawn_completion {
    Handler handler;
    void operator()(std::exception_ptr ep, std::pair<error_code, T> r) {
        if (ep) r.first = errc::bad_response;  // coroutines catch their own exceptions; belt and braces
        std::move(handler)(r.first, std::move(r.second));
    }
};

}  // namespace detail
}  // namespace sfconnect

namespace boost::asio {
template <template <class, class> class Associator, class Handler, class T, class DefaultCandidate>
struct associator<Associator, sfconnect::detail::spawn_completion<Handler, T>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
    static typename Associator<Handler, DefaultCandidate>::type get(
        const sfconnect::detail::spawn_completion<Handler, T>& h) noexcept {
        return Associator<Handler, DefaultCandidate>::get(h.handler);
    }
    static auto get(const sfconnect::detail::spawn_completion<Handler, T>& h, const DefaultCandidate& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
        return Associator<Handler, DefaultCandidate>::get(h.handler, c);
    }
};
}  // namespace boost::asio

#endif
