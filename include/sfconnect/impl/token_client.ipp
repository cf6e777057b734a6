// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_TOKEN_CLIENT_IPP
#define SFCONNECT_IMPL_TOKEN_CLIENT_IPP

#include <sfconnect/basic_token_client.hpp>  // the core, and for check.ipp (Save & Check runs on BasicTokenClient<>)
#include <sfconnect/token_client.hpp>
#include <sfconnect/detail/client_core.hpp>

#include <chrono>

namespace sfconnect {

namespace detail {
// Owns the core; closes its connections when the last owner goes: normally with the TokenClient,
// later only if a deferred operation that was never started still holds it.
struct token_client_state {
    using core_type = client_core<HttpsTransport, std::chrono::steady_clock>;

    template <class Credentials>
    token_client_state(boost::asio::any_io_executor ex, Site site, Credentials credentials, TokenClientOptions options)
        : core(std::make_shared<core_type>(std::move(ex), std::move(site), std::move(credentials),
                                           std::move(options))) {}
    ~token_client_state() {
        // As ~BasicTokenClient: shutdown() may allocate; a destructor must not throw.
        try {
            core->shutdown();
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing better to do in a destructor
        }
    }

    std::shared_ptr<core_type> core;
};
}  // namespace detail

SFCONNECT_DECL TokenClient::TokenClient(executor_type ex, Site site, ConsumerCredentials credentials,
                                        TokenClientOptions options)
    : state_(std::make_shared<detail::token_client_state>(std::move(ex), std::move(site), std::move(credentials),
                                                          std::move(options))) {}

SFCONNECT_DECL TokenClient::TokenClient(executor_type ex, Site site, JwtBearerCredentials credentials,
                                        TokenClientOptions options)
    : state_(std::make_shared<detail::token_client_state>(std::move(ex), std::move(site), std::move(credentials),
                                                          std::move(options))) {}

SFCONNECT_DECL TokenClient::~TokenClient() = default;

SFCONNECT_DECL TokenClient::executor_type TokenClient::get_executor() const { return state_->core->executor(); }

SFCONNECT_DECL const Site& TokenClient::site() const noexcept { return state_->core->site(); }

SFCONNECT_DECL const TokenClientOptions& TokenClient::options() const noexcept { return state_->core->options(); }

SFCONNECT_DECL TokenClientStats TokenClient::stats() const { return state_->core->stats(); }

SFCONNECT_DECL TokenPtr TokenClient::cached_token() const { return state_->core->cached(); }

SFCONNECT_DECL void TokenClient::invalidate(const TokenPtr& rejected) { state_->core->invalidate(rejected.get()); }

SFCONNECT_DECL TokenPtr TokenClient::try_cached(const handle_type& s) { return s->core->try_cached(); }

SFCONNECT_DECL const TokenClient::executor_type& TokenClient::executor_of(const handle_type& s) noexcept {
    return s->core->executor();
}

SFCONNECT_DECL void TokenClient::drop_cached(const handle_type& s) { s->core->invalidate(s->core->cached().get()); }

SFCONNECT_DECL void TokenClient::get_token_erased(const handle_type& s, token_handler h, Diagnostics* diag) {
    s->core->get_token(std::move(h), diag);
}

SFCONNECT_DECL void TokenClient::request_erased(const handle_type& s, response_handler h, Target target,
                                                RequestOptions options, Diagnostics* diag) {
    s->core->launch_request(std::move(h), std::move(target), std::move(options), diag);
}

SFCONNECT_DECL void TokenClient::connect_erased(const handle_type& s, connect_handler h, Diagnostics* diag) {
    auto c = s->core;
    c->launch<ConnectInfo>(std::move(h), [c, diag] { return c->connect_op(diag); });
}

SFCONNECT_DECL void TokenClient::revoke_erased(const handle_type& s, revoke_handler h, TokenPtr token,
                                               Diagnostics* diag) {
    auto c = s->core;
    c->launch<bool>(std::move(h),
                    [c, t = std::move(token), diag]() mutable { return c->revoke_op(std::move(t), diag); });
}

SFCONNECT_DECL void TokenClient::introspect_erased(const handle_type& s, introspect_handler h, Diagnostics* diag) {
    auto c = s->core;
    c->launch<Introspection>(std::move(h), [c, diag] { return c->introspect_op(diag); });
}

SFCONNECT_DECL boost::asio::awaitable<TokenPtr> TokenClient::compiled_get_token() { return get_token_member(); }

SFCONNECT_DECL boost::asio::awaitable<TokenPtr> TokenClient::compiled_token_coro(handle_type s, Diagnostics* diag,
                                                                                 bool refresh) {
    return get_token_coro<boost::asio::any_io_executor>(std::move(s), diag, refresh);
}

SFCONNECT_DECL boost::asio::awaitable<std::tuple<error_code, TokenPtr>> TokenClient::compiled_token_tuple_coro(
    handle_type s, Diagnostics* diag, bool refresh) {
    return get_token_tuple_coro<boost::asio::any_io_executor>(std::move(s), diag, refresh);
}

SFCONNECT_DECL boost::asio::awaitable<Response> TokenClient::compiled_request(handle_type s, Target target,
                                                                              RequestOptions options,
                                                                              Diagnostics* diag) {
    return request_coro(std::move(s), std::move(target), std::move(options), diag);
}

}  // namespace sfconnect

#endif
