// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_BASIC_TOKEN_CLIENT_HPP
#define SFCONNECT_BASIC_TOKEN_CLIENT_HPP

/// @file
/// BasicTokenClient<Transport, Clock>: co_await client-credentials tokens (cached, shared,
/// single-flight) and run authenticated REST requests against the org's My Domain, over a pluggable
/// transport. TokenClient (<sfconnect/token_client.hpp>) is the type-erased client built on the same core.

#include <sfconnect/access_token.hpp>
#include <sfconnect/client_operations.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/endpoints.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/https_transport.hpp>
#include <sfconnect/jwt_bearer_credentials.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/transport.hpp>
#include <sfconnect/detail/client_core.hpp>

#include <chrono>
#include <memory>
#include <utility>

namespace sfconnect {

/// The client. `Transport` is one connection (default: HttpsTransport over verified TLS); tests and
/// users can plug in their own (see the Transport concept). `Clock` decides token expiry (inject one
/// in tests: no real sleeps). Thread-safe: one client may be shared by coroutines on a
/// multi-threaded io_context. Destroying the client never revokes the cached token.
///
/// The operations (async_get_token, async_request, async_connect, async_revoke, async_introspect and
/// the throwing get_token() and request()) are shared with TokenClient: see ClientOperations.
template <class Transport = HttpsTransport, class Clock = std::chrono::steady_clock>
class BasicTokenClient : public ClientOperations<BasicTokenClient<Transport, Clock>,
                                                 std::shared_ptr<detail::client_core<Transport, Clock>>> {
    static_assert(sfconnect::Transport<Transport>, "Transport does not model sfconnect::Transport");

public:
    /// The executor given at construction.
    using executor_type = boost::asio::any_io_executor;
    /// The transport type (one connection).
    using transport_type = Transport;
    /// The clock type used for token expiry.
    using clock_type = Clock;

    /// Creates a client for `site` with `credentials`: ConsumerCredentials (client credentials flow)
    /// or JwtBearerCredentials (JWT bearer flow). No I/O happens until the first operation.
    /// Option problems (unreadable CA file, bad proxy URL) are reported by every operation, with
    /// Diagnostics::phase Phase::setup.
    template <detail::grant_credentials Credentials>
    BasicTokenClient(executor_type ex, Site site, Credentials credentials, TokenClientOptions options = {})
        : core_(std::make_shared<core_type>(std::move(ex), std::move(site), std::move(credentials),
                                            std::move(options))) {}

    /// Not copyable (nor movable): share one client by reference; it is thread-safe.
    BasicTokenClient(const BasicTokenClient&) = delete;
    /// Not copyable.
    BasicTokenClient& operator=(const BasicTokenClient&) = delete;

    /// Closes the connections. Operations still running complete (with operation_aborted or their result).
    ~BasicTokenClient() {
        // shutdown() posts to the strand, which may allocate; a destructor must not throw, and the
        // connections then close when the last operation releases the core.
        try {
            if (core_) core_->shutdown();
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing better to do in a destructor
        }
    }

    /// The executor given at construction.
    executor_type get_executor() const { return core_->executor(); }
    /// The Site this client talks to.
    const Site& site() const noexcept { return core_->site(); }
    /// The options in force.
    const TokenClientOptions& options() const noexcept { return core_->options(); }
    /// A snapshot of the counters.
    TokenClientStats stats() const { return core_->stats(); }

    /// The cached token, if any (without checking its age).
    TokenPtr cached_token() const { return core_->cached(); }

    /// Drops the cached token if it is still `rejected` (the token the server refused).
    void invalidate(const TokenPtr& rejected) { core_->invalidate(rejected.get()); }

private:
    using core_type = detail::client_core<Transport, Clock>;
    using handle_type = std::shared_ptr<core_type>;
    friend class ClientOperations<BasicTokenClient, handle_type>;

    // ---- the hooks of ClientOperations ----------------------------------------------------------------
    const handle_type& handle() const noexcept { return core_; }
    static TokenPtr try_cached(const handle_type& c) { return c->try_cached(); }
    static const executor_type& executor_of(const handle_type& c) noexcept { return c->executor(); }
    static void drop_cached(const handle_type& c) { c->invalidate(c->cached().get()); }

    template <class Handler>
    static void initiate_get_token(const handle_type& c, Handler&& handler, Diagnostics* diag) {
        c->get_token(std::forward<Handler>(handler), diag);
    }
    template <class Handler>
    static void initiate_request(const handle_type& c, Handler&& handler, Target target, RequestOptions ro,
                                 Diagnostics* diag) {
        c->launch_request(std::forward<Handler>(handler), std::move(target), std::move(ro), diag);
    }
    template <class Handler>
    static void initiate_connect(const handle_type& c, Handler&& handler, Diagnostics* diag) {
        c->template launch<ConnectInfo>(std::forward<Handler>(handler), [c, diag] { return c->connect_op(diag); });
    }
    template <class Handler>
    static void initiate_revoke(const handle_type& c, Handler&& handler, TokenPtr tok, Diagnostics* diag) {
        c->template launch<bool>(std::forward<Handler>(handler),
                                 [c, t = std::move(tok), diag]() mutable { return c->revoke_op(std::move(t), diag); });
    }
    template <class Handler>
    static void initiate_introspect(const handle_type& c, Handler&& handler, Diagnostics* diag) {
        c->template launch<Introspection>(std::forward<Handler>(handler), [c, diag] { return c->introspect_op(diag); });
    }

    handle_type core_;
};

}  // namespace sfconnect

#endif
