// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TOKEN_CLIENT_HPP
#define SFCONNECT_TOKEN_CLIENT_HPP

/// @file
/// TokenClient: co_await client-credentials tokens (cached, shared, single-flight) and run
/// authenticated REST requests against the org's My Domain.
///
/// TokenClient is type-erased (any_io_executor, any_completion_handler), Boost.Redis style: with
/// SFCONNECT_SEPARATE_COMPILATION this header includes neither Beast's TLS stack nor OpenSSL, and the
/// HTTPS client is compiled once, in the TU that includes <sfconnect/src.hpp>. Its template sibling,
/// BasicTokenClient<Transport, Clock> (<sfconnect/basic_token_client.hpp>), has the same operations
/// and core and takes custom transports.

#include <sfconnect/access_token.hpp>
#include <sfconnect/client_operations.hpp>
#include <sfconnect/connect_info.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/jwt_bearer_credentials.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <tuple>
#include <utility>

namespace sfconnect {

namespace detail {
struct token_client_state;  // the client core over HttpsTransport (impl/token_client.ipp)
}  // namespace detail

/// The client: verified HTTPS to the org, the steady clock, type-erased handlers and executor.
/// Thread-safe: one client may be shared by coroutines on a multi-threaded io_context.
/// Destroying the client never revokes the cached token.
///
/// The operations (async_get_token, async_refresh_token, async_request, async_connect, async_revoke,
/// async_introspect and the throwing get_token() and request()) are shared with BasicTokenClient:
/// see ClientOperations. Every throwing spelling throws ErrorWithDiagnostics.
class TokenClient : public ClientOperations<TokenClient, std::shared_ptr<detail::token_client_state>> {
public:
    /// The executor given at construction.
    using executor_type = boost::asio::any_io_executor;

    /// Creates a client for `site` with `credentials`. No I/O happens until the first operation.
    /// Option problems (unreadable CA file, bad proxy URL) are reported by every operation, with
    /// Diagnostics::phase Phase::setup.
    SFCONNECT_DECL TokenClient(executor_type ex, Site site, ConsumerCredentials credentials,
                               TokenClientOptions options = {});

    /// Creates a client for the OAuth 2.0 JWT bearer flow: each token fetch signs a fresh RS256
    /// assertion (iss = Consumer Key, sub = username, aud = the credentials' audience or the Site's
    /// default_audience()) with the credentials' private key. Everything else (cache, single flight,
    /// retries, REST calls) works as with ConsumerCredentials.
    SFCONNECT_DECL TokenClient(executor_type ex, Site site, JwtBearerCredentials credentials,
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

    /// The cached token, if any (without checking its age).
    SFCONNECT_DECL TokenPtr cached_token() const;

    /// Drops the cached token if it is still `rejected` (the token the server refused).
    SFCONNECT_DECL void invalidate(const TokenPtr& rejected);

private:
    using handle_type = std::shared_ptr<detail::token_client_state>;
    friend class ClientOperations<TokenClient, handle_type>;

    using token_handler = boost::asio::any_completion_handler<void(error_code, TokenPtr)>;
    using response_handler = boost::asio::any_completion_handler<void(error_code, Response)>;
    using connect_handler = boost::asio::any_completion_handler<void(error_code, ConnectInfo)>;
    using revoke_handler = boost::asio::any_completion_handler<void(error_code, bool)>;
    using introspect_handler = boost::asio::any_completion_handler<void(error_code, Introspection)>;

    // ---- the hooks of ClientOperations: handlers are type-erased here and the HTTPS client behind
    // them is compiled once (in src.hpp's TU with SFCONNECT_SEPARATE_COMPILATION) ----------------------
    const handle_type& handle() const noexcept { return state_; }
    SFCONNECT_DECL static TokenPtr try_cached(const handle_type& s);
    SFCONNECT_DECL static const executor_type& executor_of(const handle_type& s) noexcept;
    SFCONNECT_DECL static void drop_cached(const handle_type& s);
    SFCONNECT_DECL static void get_token_erased(const handle_type& s, token_handler h, Diagnostics* diag);
    SFCONNECT_DECL static void request_erased(const handle_type& s, response_handler h, Target target,
                                              RequestOptions options, Diagnostics* diag);
    SFCONNECT_DECL static void connect_erased(const handle_type& s, connect_handler h, Diagnostics* diag);
    SFCONNECT_DECL static void revoke_erased(const handle_type& s, revoke_handler h, TokenPtr token, Diagnostics* diag);
    SFCONNECT_DECL static void introspect_erased(const handle_type& s, introspect_handler h, Diagnostics* diag);

    template <class Handler>
    static void initiate_get_token(const handle_type& s, Handler&& h, Diagnostics* diag) {
        get_token_erased(s, token_handler(std::forward<Handler>(h)), diag);
    }
    template <class Handler>
    static void initiate_request(const handle_type& s, Handler&& h, Target t, RequestOptions o, Diagnostics* diag) {
        request_erased(s, response_handler(std::forward<Handler>(h)), std::move(t), std::move(o), diag);
    }
    template <class Handler>
    static void initiate_connect(const handle_type& s, Handler&& h, Diagnostics* diag) {
        connect_erased(s, connect_handler(std::forward<Handler>(h)), diag);
    }
    template <class Handler>
    static void initiate_revoke(const handle_type& s, Handler&& h, TokenPtr tok, Diagnostics* diag) {
        revoke_erased(s, revoke_handler(std::forward<Handler>(h)), std::move(tok), diag);
    }
    template <class Handler>
    static void initiate_introspect(const handle_type& s, Handler&& h, Diagnostics* diag) {
        introspect_erased(s, introspect_handler(std::forward<Handler>(h)), diag);
    }

    // The awaitable spellings (get_token(), request(), use_awaitable and as_tuple(use_awaitable) on
    // any_io_executor, the default token) compiled once too: see ClientOperations::compiled_awaitables().
    static constexpr bool awaitables_compiled_once = true;
    SFCONNECT_DECL boost::asio::awaitable<TokenPtr> compiled_get_token();
    SFCONNECT_DECL static boost::asio::awaitable<TokenPtr> compiled_token_coro(handle_type s, Diagnostics* diag,
                                                                               bool refresh);
    SFCONNECT_DECL static boost::asio::awaitable<std::tuple<error_code, TokenPtr>> compiled_token_tuple_coro(
        handle_type s, Diagnostics* diag, bool refresh);
    SFCONNECT_DECL static boost::asio::awaitable<Response> compiled_request(handle_type s, Target target,
                                                                            RequestOptions options, Diagnostics* diag);

    handle_type state_;
};

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/token_client.ipp>
#endif

#endif
