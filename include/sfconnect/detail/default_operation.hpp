// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_DEFAULT_OPERATION_HPP
#define SFCONNECT_DETAIL_DEFAULT_OPERATION_HPP

// The default completion token of the token operations (docs/async-models.md, "The default
// completion token"). `co_await client.async_get_token()` is the spelling the README teaches, so it
// must be the fast one. Boost 1.81 has no default-token mechanism to hook, and co_await of an Asio
// async operation (e.g. a `deferred` one) always suspends and completes through the scheduler
// (≈ 400 ns for a cached token). So the default token makes the operation return a
// default_operation: an awaitable<T> (co_await it: a fresh cached token comes back without
// suspending) that can also be started like a deferred operation, with any completion token:
// `std::move(op)(token)`.
//
// It must not look like an Asio async operation to awaitable's await_transform (that overload would
// win over the awaitable one and take the slow path), so its call operator refuses Asio's
// async-operation probe (and the frame pointer that awaitable's other await_transform tries).

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <type_traits>
#include <utility>

namespace sfconnect::detail {

// The type of the default completion token argument (users never name it).
struct default_token {};

template <class Token>
inline constexpr bool is_default_token = std::is_same_v<std::decay_t<Token>, default_token>;

// Asio's probe (is_async_operation) calls operations with this type; see the note above.
template <class Token>
inline constexpr bool is_async_operation_probe =
    std::is_same_v<std::decay_t<Token>, boost::asio::detail::async_operation_probe>;

// A completion token or handler for void(error_code, T): a class (Asio's tokens, function objects)
// or something callable such as a function pointer; not awaitable's frame pointer.
template <class Token, class T>
inline constexpr bool is_token_for = !is_async_operation_probe<Token> &&
                                     (std::is_class_v<std::remove_cvref_t<Token>> ||
                                      std::is_invocable_v<Token&, boost::system::error_code, T>);

// An awaitable<T> (any_io_executor) that can also be started with a completion token. `Launch` is
// called once, with that token, and returns what the operation returns for it.
template <class T, class Launch>
class default_operation : public boost::asio::awaitable<T> {
public:
    default_operation(boost::asio::awaitable<T> awaitable, Launch launch)
        : boost::asio::awaitable<T>(std::move(awaitable)), launch_(std::move(launch)) {}

    // Starts the operation with `token` instead (as a deferred operation would): the awaitable part
    // is then never run.
    template <class CompletionToken>
        requires is_token_for<CompletionToken, T>
    auto operator()(CompletionToken&& token) && { return std::move(launch_)(std::forward<CompletionToken>(token)); }

private:
    Launch launch_;
};

}  // namespace sfconnect::detail

#endif
