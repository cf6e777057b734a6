// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_CLIENT_OPERATIONS_HPP
#define SFCONNECT_CLIENT_OPERATIONS_HPP

/// @file
/// ClientOperations: the operations of TokenClient and BasicTokenClient, written and documented once.

// The derived client supplies the initiations (CRTP); this base owns the completion-token dispatch:
// the use_awaitable fast path for a fresh cached token, the throwing use_awaitable spelling (always
// ErrorWithDiagnostics) and the throwing conveniences.
//
// Derived provides (the base is its friend) `const Handle& handle() const`: a shared pointer to its state,
// which every operation holds (a deferred operation or a coroutine keeps the state alive), and
// static hooks on it (handle_type is Handle):
//   static TokenPtr try_cached(const handle_type&);   // a usable cached token, never completes anything
//   static const executor_type& executor_of(const handle_type&);
//   static void drop_cached(const handle_type&);      // drops the cached token (a refresh starting)
//   template <class H> static void initiate_get_token(const handle_type&, H&&, Diagnostics*);
//   template <class H> static void initiate_request(const handle_type&, H&&, Target, RequestOptions, Diagnostics*);
//   template <class H> static void initiate_connect(const handle_type&, H&&, Diagnostics*);
//   template <class H> static void initiate_revoke(const handle_type&, H&&, TokenPtr, Diagnostics*);
//   template <class H> static void initiate_introspect(const handle_type&, H&&, Diagnostics*);

#include <sfconnect/composite.hpp>
#include <sfconnect/connect_info.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/query.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/detail/default_operation.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <tuple>
#include <type_traits>
#include <utility>

namespace sfconnect {

/// The operations shared by TokenClient and BasicTokenClient (their common base; not used on its
/// own). `Derived` is the client, `Handle` the shared pointer to its state that every operation holds.
template <class Derived, class Handle>
class ClientOperations {
public:
    /// Gets an access token: the cached one while fresh; otherwise one shared fetch for all callers.
    /// Completion signature: void(error_code, TokenPtr). Without a completion token, and with
    /// `use_awaitable` or `as_tuple(use_awaitable)`, a fresh cached token is returned to the
    /// awaiting coroutine without suspending it (no post, no heap allocation); other tokens complete
    /// through the executor. Without a token the result is an `awaitable<TokenPtr>` (co_await it in
    /// an `awaitable<..., any_io_executor>` coroutine) that can also be started like a deferred
    /// operation, `std::move(op)(token)`; see docs/async-models.md. Without a token and with
    /// `use_awaitable` a failure throws ErrorWithDiagnostics.
    template <class CompletionToken = detail::default_token>
    auto async_get_token(CompletionToken&& token = {}) {
        return get_token_dispatch(self(), nullptr, false, std::forward<CompletionToken>(token));
    }
    /// As above; on failure `diag` receives the details. `diag` must outlive the operation.
    template <class CompletionToken = detail::default_token>
    auto async_get_token(Diagnostics& diag, CompletionToken&& token = {}) {
        return get_token_dispatch(self(), &diag, false, std::forward<CompletionToken>(token));
    }

    /// Fetches a new token now, even if the cached one is fresh (joins a fetch already in flight).
    /// The cached token is dropped when the operation starts, not before: a deferred operation
    /// that is never run leaves the cache alone. Completion signature: void(error_code, TokenPtr).
    /// The default completion token is the one of async_get_token.
    template <class CompletionToken = detail::default_token>
    auto async_refresh_token(Diagnostics& diag, CompletionToken&& token = {}) {
        return get_token_dispatch(self(), &diag, true, std::forward<CompletionToken>(token));
    }

    /// Runs an authenticated request on `target` (from Endpoint::bind or runtime_target).
    /// Completion signature: void(error_code, Response). Non-2xx replies are errors; the Response
    /// still carries their status and body. With `use_awaitable` a failure throws ErrorWithDiagnostics.
    ///
    /// g++ 12 note: a RequestOptions (or any object holding an empty std::string) written as a braced
    /// temporary inside a `co_await` expression is mis-compiled by g++ 12 (fixed in later releases);
    /// declare it in its own statement there, or use the overload without options.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, RequestOptions request, CompletionToken&& token = {}) {
        return request_dispatch(std::move(target), std::move(request), nullptr, std::forward<CompletionToken>(token));
    }
    /// async_request without options (a GET or DELETE needs none).
    template <boost::asio::completion_token_for<void(error_code, Response)> CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, CompletionToken&& token = {}) {
        return request_dispatch(std::move(target), RequestOptions{}, nullptr, std::forward<CompletionToken>(token));
    }
    /// As above; on failure `diag` receives the details. `diag` must outlive the operation.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, RequestOptions request, Diagnostics& diag, CompletionToken&& token = {}) {
        return request_dispatch(std::move(target), std::move(request), &diag, std::forward<CompletionToken>(token));
    }

    /// Opens (or reuses) a connection: resolve, TCP, proxy, verified TLS. Completion signature:
    /// void(error_code, ConnectInfo); `diag.phase` says which phase failed (Phase::setup: the
    /// options themselves, before any I/O).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_connect(Diagnostics& diag, CompletionToken&& token = {}) {
        return dispatch<ConnectInfo>([](auto handler, handle_type self,
                                        Diagnostics* d) { Derived::initiate_connect(self, std::move(handler), d); },
                                     &diag, std::forward<CompletionToken>(token));
    }

    /// Revokes `token` at /services/oauth2/revoke and drops it from the cache. Explicit only: the
    /// client never revokes on its own. Completion signature: void(error_code, bool).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_revoke(TokenPtr token_to_revoke, Diagnostics& diag, CompletionToken&& token = {}) {
        return dispatch<bool>(
            [t = std::move(token_to_revoke)](auto handler, handle_type self, Diagnostics* d) mutable {
                Derived::initiate_revoke(self, std::move(handler), std::move(t), d);
            },
            &diag, std::forward<CompletionToken>(token));
    }

    /// Asks /services/oauth2/introspect about the cached (or a newly fetched) token; when active,
    /// its `exp` becomes the cache's expiry. Completion signature: void(error_code, Introspection).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_introspect(Diagnostics& diag, CompletionToken&& token = {}) {
        return dispatch<Introspection>(
            [](auto handler, handle_type self, Diagnostics* d) {
                Derived::initiate_introspect(self, std::move(handler), d);
            },
            &diag, std::forward<CompletionToken>(token));
    }

    /// A cursor over the SOQL query `soql` (GET .../query/), read one page at a time with
    /// QueryCursor::async_next(); nothing is sent before the first async_next(). The client must
    /// outlive the cursor's operations. See <sfconnect/query.hpp>.
    QueryCursor<Derived> async_query(ApiVersion version, std::string_view soql, QueryOptions options = {}) {
        return QueryCursor<Derived>(static_cast<Derived&>(*this), version, soql, options, false);
    }
    /// async_query() over queryAll/: deleted and archived records are included.
    QueryCursor<Derived> async_query_all(ApiVersion version, std::string_view soql, QueryOptions options = {}) {
        return QueryCursor<Derived>(static_cast<Derived&>(*this), version, soql, options, true);
    }

    /// Sends `request` as one composite call (at most 25 subrequests, checked before sending).
    /// Completion signature: void(error_code, CompositeResult). See <sfconnect/composite.hpp>.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_composite(ApiVersion version, const CompositeRequest& request, Diagnostics& diag,
                         CompletionToken&& token = {}) {
        return sfconnect::async_composite(static_cast<Derived&>(*this), version, request, diag,
                                          std::forward<CompletionToken>(token));
    }
    /// async_composite() without a Diagnostics argument.
    template <class CompletionToken = boost::asio::deferred_t>
        requires(!std::is_same_v<std::remove_cvref_t<CompletionToken>, Diagnostics>)
    auto async_composite(ApiVersion version, const CompositeRequest& request, CompletionToken&& token = {}) {
        return sfconnect::async_composite(static_cast<Derived&>(*this), version, request,
                                          std::forward<CompletionToken>(token));
    }

    /// Coroutine convenience: the token, or ErrorWithDiagnostics thrown. A fresh cached token is
    /// returned without suspending. The client must outlive the returned awaitable.
    boost::asio::awaitable<TokenPtr> get_token() {
        if constexpr (compiled_awaitables()) {
            return static_cast<Derived&>(*this).compiled_get_token();
        } else {
            return get_token_member();
        }
    }
    /// Coroutine convenience: the reply, or ErrorWithDiagnostics thrown.
    boost::asio::awaitable<Response> request(Target target, RequestOptions options) {
        if constexpr (compiled_awaitables()) {
            return Derived::compiled_request(self(), std::move(target), std::move(options), nullptr);
        } else {
            return async_request(std::move(target), std::move(options), boost::asio::use_awaitable);
        }
    }
    /// Coroutine convenience without options: the reply, or ErrorWithDiagnostics thrown.
    boost::asio::awaitable<Response> request(Target target) {
        // The options are made here, not as a default argument: g++ 12 mis-compiles that temporary
        // inside the caller's co_await expression.
        RequestOptions options;
        return request(std::move(target), std::move(options));
    }

protected:
    /// Only the clients derive from it.
    ClientOperations() = default;
    /// Not deleted through the base.
    ~ClientOperations() = default;

private:
    friend Derived;  // its compiled_* hooks are defined with the members below (TokenClient: in src.hpp)
    using handle_type = Handle;

    // A Derived that declares `static constexpr bool awaitables_compiled_once = true` (TokenClient) has the
    // awaitable spellings compiled once, out of line (src.hpp), so that a user TU co_awaiting them
    // instantiates none of the operation's machinery: it provides
    //   awaitable<TokenPtr> compiled_get_token();                      // returns get_token_member()
    //   static awaitable<TokenPtr> compiled_token_coro(handle_type, Diagnostics*, bool refresh);
    //   static awaitable<tuple<error_code, TokenPtr>> compiled_token_tuple_coro(handle_type, Diagnostics*, bool);
    //   static awaitable<Response> compiled_request(handle_type, Target, RequestOptions, Diagnostics*);
    // each defined with the private members below.
    static constexpr bool compiled_awaitables() {
        return requires { requires Derived::awaitables_compiled_once; };
    }

    // Whether `CompletionToken` is use_awaitable (or, with `tuple`, as_tuple(use_awaitable)) on
    // any_io_executor and Derived has that spelling compiled.
    template <class CompletionToken>
    static constexpr bool compiled_for(bool tuple) {
        using traits = detail::awaitable_token<std::decay_t<CompletionToken>>;
        if constexpr (traits::plain || traits::tuple) {
            return compiled_awaitables() && (tuple ? traits::tuple : traits::plain) &&
                   std::is_same_v<typename traits::executor_type, boost::asio::any_io_executor>;
        } else {
            return false;
        }
    }

    boost::asio::awaitable<TokenPtr> get_token_member() {
        // A member coroutine: its frame holds `this`, so a hit copies no handle (two atomic updates).
        if (TokenPtr tok = Derived::try_cached(static_cast<const Derived&>(*this).handle())) co_return tok;
        co_return co_await get_token_coro<boost::asio::any_io_executor>(self(), nullptr, false);
    }

    struct request_init {
        Target target;
        RequestOptions options;
        template <class Handler>
        void operator()(Handler&& handler, const handle_type& self, Diagnostics* d) {
            Derived::initiate_request(self, std::forward<Handler>(handler), std::move(target), std::move(options), d);
        }
    };

    static boost::asio::awaitable<Response> request_coro(handle_type self, Target target, RequestOptions ro,
                                                         Diagnostics* diag) {
        return throwing<Response, boost::asio::any_io_executor>(request_init{std::move(target), std::move(ro)},
                                                                std::move(self), diag);
    }

    handle_type self() const { return static_cast<const Derived&>(*this).handle(); }

    // use_awaitable: the operation completes as_tuple and failures are thrown as ErrorWithDiagnostics
    // (so `catch (system_error&)` still works, and the diagnostics are not lost). Every other token
    // goes to async_initiate as it is.
    template <class T, class Init, class CompletionToken>
    auto dispatch(Init init, Diagnostics* diag, CompletionToken&& token) {
        using traits = detail::awaitable_token<std::decay_t<CompletionToken>>;
        if constexpr (traits::plain) {
            return throwing<T, typename traits::executor_type>(std::move(init), self(), diag);
        } else {
            return boost::asio::async_initiate<CompletionToken, void(error_code, T)>(std::move(init), token, self(),
                                                                                     diag);
        }
    }

    template <class T, class Executor, class Init>
    static boost::asio::awaitable<T, Executor> throwing(Init init, handle_type self, Diagnostics* user_diag) {
        Diagnostics local;
        Diagnostics* diag = user_diag ? user_diag : &local;
        // Built in its own statement: g++ 12 mis-handles temporaries inside a co_await expression.
        auto completion = boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{});
        auto op = boost::asio::async_initiate<decltype(completion), void(error_code, T)>(std::move(init), completion,
                                                                                         self, diag);
        auto [ec, value] = co_await std::move(op);
        throw_on_error(ec, *diag);
        co_return std::move(value);
    }

    template <class CompletionToken>
    auto request_dispatch(Target target, RequestOptions ro, Diagnostics* diag, CompletionToken&& token) {
        if constexpr (compiled_for<CompletionToken>(false)) {
            return Derived::compiled_request(self(), std::move(target), std::move(ro), diag);
        } else {
            return dispatch<Response>(request_init{std::move(target), std::move(ro)}, diag,
                                      std::forward<CompletionToken>(token));
        }
    }

    // The token operations. A fresh cached token is posted to the handler as it is (no type erasure);
    // with use_awaitable it is returned without suspending. A refresh drops the cached token in its
    // initiation, i.e. when the operation starts.
    struct get_token_init {
        bool refresh;
        template <class Handler>
        void operator()(Handler&& handler, const handle_type& self, Diagnostics* d) const {
            if (refresh) {
                Derived::drop_cached(self);
            } else if (TokenPtr tok = Derived::try_cached(self)) {
                // Never call a handler from inside its initiating function: post it.
                boost::asio::post(Derived::executor_of(self),
                                  boost::asio::append(std::forward<Handler>(handler), error_code{}, std::move(tok)));
                return;
            }
            Derived::initiate_get_token(self, std::forward<Handler>(handler), d);
        }
    };

    // Starts a token operation returned for the default completion token with another token.
    struct get_token_launch {
        handle_type self;
        Diagnostics* diag;
        bool refresh;
        template <class CompletionToken>
        auto operator()(CompletionToken&& token) && {
            return get_token_dispatch(std::move(self), diag, refresh, std::forward<CompletionToken>(token));
        }
    };

    template <class CompletionToken>
    static auto get_token_dispatch(handle_type self, Diagnostics* diag, bool refresh, CompletionToken&& token) {
        using traits = detail::awaitable_token<std::decay_t<CompletionToken>>;
        if constexpr (detail::is_default_token<CompletionToken>) {
            auto awaitable = token_coro<boost::asio::any_io_executor>(self, diag, refresh);
            return detail::default_operation<TokenPtr, get_token_launch>(
                std::move(awaitable), get_token_launch{std::move(self), diag, refresh});
        } else if constexpr (traits::plain) {
            return token_coro<typename traits::executor_type>(std::move(self), diag, refresh);
        } else if constexpr (compiled_for<CompletionToken>(true)) {
            return Derived::compiled_token_tuple_coro(std::move(self), diag, refresh);
        } else if constexpr (traits::tuple) {
            return get_token_tuple_coro<typename traits::executor_type>(std::move(self), diag, refresh);
        } else {
            return boost::asio::async_initiate<CompletionToken, void(error_code, TokenPtr)>(get_token_init{refresh},
                                                                                            token, self, diag);
        }
    }

    // The compiled one when Derived has it (see compiled_awaitables()), else get_token_coro.
    template <class Executor>
    static boost::asio::awaitable<TokenPtr, Executor> token_coro(handle_type self, Diagnostics* diag, bool refresh) {
        if constexpr (compiled_awaitables() && std::is_same_v<Executor, boost::asio::any_io_executor>) {
            return Derived::compiled_token_coro(std::move(self), diag, refresh);
        } else {
            return get_token_coro<Executor>(std::move(self), diag, refresh);
        }
    }

    // The use_awaitable fast paths: a coroutine that returns a fresh cached token at once (its frame
    // comes from Asio's per-thread recycling allocator) and otherwise waits like any other caller.
    template <class Executor>
    static boost::asio::awaitable<TokenPtr, Executor> get_token_coro(handle_type self, Diagnostics* diag,
                                                                     bool refresh) {
        if (!refresh) {
            if (TokenPtr tok = Derived::try_cached(self)) co_return tok;
        }
        Diagnostics local;
        Diagnostics* d = diag ? diag : &local;
        auto completion = boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{});
        auto op = boost::asio::async_initiate<decltype(completion), void(error_code, TokenPtr)>(get_token_init{refresh},
                                                                                                completion, self, d);
        auto [ec, tok] = co_await std::move(op);
        throw_on_error(ec, *d);
        co_return tok;
    }
    template <class Executor>
    static boost::asio::awaitable<std::tuple<error_code, TokenPtr>, Executor> get_token_tuple_coro(handle_type self,
                                                                                                   Diagnostics* diag,
                                                                                                   bool refresh) {
        if (!refresh) {
            if (TokenPtr tok = Derived::try_cached(self))
                co_return std::tuple<error_code, TokenPtr>{error_code{}, std::move(tok)};
        }
        auto completion = boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{});
        auto op = boost::asio::async_initiate<decltype(completion), void(error_code, TokenPtr)>(get_token_init{refresh},
                                                                                                completion, self, diag);
        co_return co_await std::move(op);
    }
};

}  // namespace sfconnect

#endif
