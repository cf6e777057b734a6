// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TOKEN_CLIENT_HPP
#define SFCONNECT_TOKEN_CLIENT_HPP

/// @file
/// TokenClient: co_await client-credentials tokens (cached, shared, single-flight) and run
/// authenticated REST requests against the org's My Domain.
///
/// TokenClient is type-erased (any_io_executor, any_completion_handler), Boost.Redis style: with
/// SFCONNECT_SEPARATE_COMPILATION this header includes neither Beast's TLS stack nor OpenSSL, and the
/// HTTPS client is compiled once, in the TU that includes <sfconnect/src.hpp>. The template behind
/// it, BasicTokenClient<Transport, Clock> (<sfconnect/basic_token_client.hpp>), takes custom transports.

#include <sfconnect/access_token.hpp>
#include <sfconnect/connect_info.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace sfconnect {

/// The client: verified HTTPS to the org, the steady clock, type-erased handlers and executor.
/// Thread-safe: one client may be shared by coroutines on a multi-threaded io_context.
/// Destroying the client never revokes the cached token.
class TokenClient {
public:
    /// The executor given at construction.
    using executor_type = boost::asio::any_io_executor;

    /// Creates a client for `site` with `credentials`. No I/O happens until the first operation.
    /// Option problems (unreadable CA file, bad proxy URL) are reported by every operation.
    SFCONNECT_DECL TokenClient(executor_type ex, Site site, ConsumerCredentials credentials,
                               TokenClientOptions options = {});

    /// Not copyable (nor movable): share one client by reference; it is thread-safe.
    TokenClient(const TokenClient&) = delete;
    /// Not copyable.
    TokenClient& operator=(const TokenClient&) = delete;

    /// Closes the connections. Operations still running complete (with operation_aborted or their result).
    SFCONNECT_DECL ~TokenClient();

    /// The executor given at construction.
    SFCONNECT_DECL executor_type get_executor() const;
    /// The Site this client talks to.
    SFCONNECT_DECL const Site& site() const noexcept;
    /// The options in force.
    SFCONNECT_DECL const TokenClientOptions& options() const noexcept;
    /// A snapshot of the counters.
    SFCONNECT_DECL TokenClientStats stats() const;

    /// Gets an access token: the cached one while fresh; otherwise one shared fetch for all callers.
    /// Completion signature: void(error_code, TokenPtr). With `use_awaitable` or
    /// `as_tuple(use_awaitable)` a fresh cached token is returned without suspending the coroutine
    /// (no post, no heap allocation); other tokens complete through the executor.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_get_token(CompletionToken&& token = {}) {
        return get_token_impl(impl_, nullptr, std::forward<CompletionToken>(token));
    }
    /// As above; on failure `diag` receives the details. `diag` must outlive the operation.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_get_token(Diagnostics& diag, CompletionToken&& token = {}) {
        return get_token_impl(impl_, &diag, std::forward<CompletionToken>(token));
    }

    /// Fetches a new token now, even if the cached one is fresh (joins a fetch already in flight).
    /// Completion signature: void(error_code, TokenPtr).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_refresh_token(Diagnostics& diag, CompletionToken&& token = {}) {
        invalidate(cached_token());
        return get_token_impl(impl_, &diag, std::forward<CompletionToken>(token));
    }

    /// The cached token, if any (without checking its age).
    SFCONNECT_DECL TokenPtr cached_token() const;

    /// Drops the cached token if it is still `rejected` (the token the server refused).
    SFCONNECT_DECL void invalidate(const TokenPtr& rejected);

    /// Runs an authenticated request on `target` (from Endpoint::bind or runtime_target).
    /// Completion signature: void(error_code, Response). Non-2xx replies are errors; the Response
    /// still carries their status and body.
    ///
    /// g++ 12 note: a RequestOptions (or any object holding an empty std::string) written as a braced
    /// temporary inside a `co_await` expression is mis-compiled by g++ 12 (fixed in later releases);
    /// declare it in its own statement there, or use the overload without options.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, RequestOptions request, CompletionToken&& token = {}) {
        return request_impl(std::move(target), std::move(request), nullptr, std::forward<CompletionToken>(token));
    }
    /// async_request without options (a GET or DELETE needs none).
    template <boost::asio::completion_token_for<void(error_code, Response)> CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, CompletionToken&& token = {}) {
        return request_impl(std::move(target), RequestOptions{}, nullptr, std::forward<CompletionToken>(token));
    }
    /// As above; on failure `diag` receives the details. `diag` must outlive the operation.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, RequestOptions request, Diagnostics& diag, CompletionToken&& token = {}) {
        return request_impl(std::move(target), std::move(request), &diag, std::forward<CompletionToken>(token));
    }

    /// Opens (or reuses) a connection: resolve, TCP, proxy, verified TLS. Completion signature:
    /// void(error_code, ConnectInfo); `diag.phase` says which phase failed.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_connect(Diagnostics& diag, CompletionToken&& token = {}) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, ConnectInfo)>(
            [](auto handler, std::shared_ptr<impl> self, Diagnostics* d) {
                start_connect(self, *d, connect_handler(std::move(handler)));
            },
            token, impl_, &diag);
    }

    /// Revokes `token` at /services/oauth2/revoke and drops it from the cache. Explicit only: the
    /// client never revokes on its own. Completion signature: void(error_code, bool).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_revoke(TokenPtr token_to_revoke, Diagnostics& diag, CompletionToken&& token = {}) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, bool)>(
            [](auto handler, std::shared_ptr<impl> self, TokenPtr t, Diagnostics* d) {
                start_revoke(self, std::move(t), *d, revoke_handler(std::move(handler)));
            },
            token, impl_, std::move(token_to_revoke), &diag);
    }

    /// Asks /services/oauth2/introspect about the cached (or a newly fetched) token; when active,
    /// its `exp` becomes the cache's expiry. Completion signature: void(error_code, Introspection).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_introspect(Diagnostics& diag, CompletionToken&& token = {}) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, Introspection)>(
            [](auto handler, std::shared_ptr<impl> self, Diagnostics* d) {
                start_introspect(self, *d, introspect_handler(std::move(handler)));
            },
            token, impl_, &diag);
    }

    /// Coroutine convenience: the token, or ErrorWithDiagnostics thrown. A fresh cached token is
    /// returned without suspending.
    SFCONNECT_DECL boost::asio::awaitable<TokenPtr> get_token();
    /// Coroutine convenience: the reply, or ErrorWithDiagnostics thrown.
    SFCONNECT_DECL boost::asio::awaitable<Response> request(Target target, RequestOptions options);
    /// Coroutine convenience without options: the reply, or ErrorWithDiagnostics thrown.
    SFCONNECT_DECL boost::asio::awaitable<Response> request(Target target);

private:
    struct impl;  // owns the BasicTokenClient<> (impl/token_client.ipp)

    using token_handler = boost::asio::any_completion_handler<void(error_code, TokenPtr)>;
    using response_handler = boost::asio::any_completion_handler<void(error_code, Response)>;
    using connect_handler = boost::asio::any_completion_handler<void(error_code, ConnectInfo)>;
    using revoke_handler = boost::asio::any_completion_handler<void(error_code, bool)>;
    using introspect_handler = boost::asio::any_completion_handler<void(error_code, Introspection)>;

    // The compiled-once parts (in src.hpp's TU with SFCONNECT_SEPARATE_COMPILATION).
    SFCONNECT_DECL static TokenPtr try_cached(impl& self);
    SFCONNECT_DECL static const executor_type& executor_of(const impl& self) noexcept;
    SFCONNECT_DECL static void start_get_token(const std::shared_ptr<impl>& self, Diagnostics* diag, token_handler h);
    SFCONNECT_DECL static void start_request(const std::shared_ptr<impl>& self, Target target, RequestOptions options,
                                             Diagnostics* diag, response_handler h);
    SFCONNECT_DECL static void start_connect(const std::shared_ptr<impl>& self, Diagnostics& diag, connect_handler h);
    SFCONNECT_DECL static void start_revoke(const std::shared_ptr<impl>& self, TokenPtr token, Diagnostics& diag,
                                            revoke_handler h);
    SFCONNECT_DECL static void start_introspect(const std::shared_ptr<impl>& self, Diagnostics& diag,
                                                introspect_handler h);

    template <class CompletionToken>
    static auto get_token_impl(const std::shared_ptr<impl>& self, Diagnostics* diag, CompletionToken&& token) {
        using traits = detail::awaitable_token<std::decay_t<CompletionToken>>;
        if constexpr (traits::plain) {
            return get_token_coro<typename traits::executor_type>(self, diag);
        } else if constexpr (traits::tuple) {
            return get_token_tuple_coro<typename traits::executor_type>(self, diag);
        } else {
            return get_token_erased(self, diag, std::forward<CompletionToken>(token));
        }
    }

    // A fresh hit is posted to the handler's executor as it is (no type erasure, no allocation
    // beyond Asio's recycled operation); everything else goes to the compiled code.
    template <class CompletionToken>
    static auto get_token_erased(const std::shared_ptr<impl>& self, Diagnostics* diag, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, TokenPtr)>(
            [](auto handler, std::shared_ptr<impl> s, Diagnostics* d) {
                if (TokenPtr tok = try_cached(*s)) {
                    // Never call a handler from inside its initiating function: post it.
                    boost::asio::post(executor_of(*s),
                                      boost::asio::append(std::move(handler), error_code{}, std::move(tok)));
                    return;
                }
                start_get_token(s, d, token_handler(std::move(handler)));
            },
            token, self, diag);
    }

    // The use_awaitable fast paths: a coroutine that returns a fresh cached token at once (its frame
    // comes from Asio's per-thread recycling allocator) and otherwise waits like any other caller.
    template <class Executor>
    static boost::asio::awaitable<TokenPtr, Executor> get_token_coro(std::shared_ptr<impl> self, Diagnostics* diag) {
        if (TokenPtr tok = try_cached(*self)) co_return tok;
        auto op = get_token_erased(self, diag, boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{}));
        auto [ec, tok] = co_await std::move(op);
        if (ec) throw boost::system::system_error(ec);  // what use_awaitable itself throws
        co_return tok;
    }
    template <class Executor>
    static boost::asio::awaitable<std::tuple<error_code, TokenPtr>, Executor> get_token_tuple_coro(
        std::shared_ptr<impl> self, Diagnostics* diag) {
        if (TokenPtr tok = try_cached(*self)) co_return std::tuple<error_code, TokenPtr>{error_code{}, std::move(tok)};
        auto op = get_token_erased(self, diag, boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{}));
        co_return co_await std::move(op);
    }

    template <class CompletionToken>
    auto request_impl(Target target, RequestOptions options, Diagnostics* diag, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, Response)>(
            [](auto handler, std::shared_ptr<impl> self, Target t, RequestOptions o, Diagnostics* d) {
                start_request(self, std::move(t), std::move(o), d, response_handler(std::move(handler)));
            },
            token, impl_, std::move(target), std::move(options), diag);
    }

    std::shared_ptr<impl> impl_;
};

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/token_client.ipp>
#endif

#endif
