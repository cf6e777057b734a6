// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_TOKEN_CLIENT_IPP
#define SFCONNECT_IMPL_TOKEN_CLIENT_IPP

#include <sfconnect/basic_token_client.hpp>
#include <sfconnect/token_client.hpp>

namespace sfconnect {

struct TokenClient::impl {
    impl(executor_type ex, Site site, ConsumerCredentials credentials, TokenClientOptions options)
        : client(std::move(ex), std::move(site), std::move(credentials), std::move(options)) {}

    BasicTokenClient<> client;
};

SFCONNECT_DECL TokenClient::TokenClient(executor_type ex, Site site, ConsumerCredentials credentials,
                                        TokenClientOptions options)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(site), std::move(credentials), std::move(options))) {}

// The BasicTokenClient closes its connections when the last owner goes: normally here; later only
// if a deferred operation that was never started still holds the client.
SFCONNECT_DECL TokenClient::~TokenClient() = default;

SFCONNECT_DECL TokenClient::executor_type TokenClient::get_executor() const { return impl_->client.get_executor(); }

SFCONNECT_DECL const Site& TokenClient::site() const noexcept { return impl_->client.site(); }

SFCONNECT_DECL const TokenClientOptions& TokenClient::options() const noexcept { return impl_->client.options(); }

SFCONNECT_DECL TokenClientStats TokenClient::stats() const { return impl_->client.stats(); }

SFCONNECT_DECL TokenPtr TokenClient::cached_token() const { return impl_->client.cached_token(); }

SFCONNECT_DECL void TokenClient::invalidate(const TokenPtr& rejected) { impl_->client.invalidate(rejected); }

SFCONNECT_DECL TokenPtr TokenClient::try_cached(impl& self) { return self.client.impl_->try_cached(); }

SFCONNECT_DECL const TokenClient::executor_type& TokenClient::executor_of(const impl& self) noexcept {
    return self.client.impl_->ex_;
}

SFCONNECT_DECL void TokenClient::start_get_token(const std::shared_ptr<impl>& self, Diagnostics* diag,
                                                 token_handler h) {
    if (diag)
        self->client.async_get_token(*diag, std::move(h));
    else
        self->client.async_get_token(std::move(h));
}

SFCONNECT_DECL void TokenClient::start_request(const std::shared_ptr<impl>& self, Target target,
                                               RequestOptions options, Diagnostics* diag, response_handler h) {
    if (diag)
        self->client.async_request(std::move(target), std::move(options), *diag, std::move(h));
    else
        self->client.async_request(std::move(target), std::move(options), std::move(h));
}

SFCONNECT_DECL void TokenClient::start_connect(const std::shared_ptr<impl>& self, Diagnostics& diag,
                                               connect_handler h) {
    self->client.async_connect(diag, std::move(h));
}

SFCONNECT_DECL void TokenClient::start_revoke(const std::shared_ptr<impl>& self, TokenPtr token, Diagnostics& diag,
                                              revoke_handler h) {
    self->client.async_revoke(std::move(token), diag, std::move(h));
}

SFCONNECT_DECL void TokenClient::start_introspect(const std::shared_ptr<impl>& self, Diagnostics& diag,
                                                  introspect_handler h) {
    self->client.async_introspect(diag, std::move(h));
}

SFCONNECT_DECL boost::asio::awaitable<TokenPtr> TokenClient::get_token() {
    if (TokenPtr tok = try_cached(*impl_)) co_return tok;
    Diagnostics diag;
    auto op = async_get_token(diag, boost::asio::as_tuple(boost::asio::use_awaitable));
    auto [ec, tok] = co_await std::move(op);
    throw_on_error(ec, diag);
    co_return tok;
}

SFCONNECT_DECL boost::asio::awaitable<Response> TokenClient::request(Target target, RequestOptions options) {
    Diagnostics diag;
    auto op = async_request(std::move(target), std::move(options), diag,
                            boost::asio::as_tuple(boost::asio::use_awaitable));
    auto [ec, res] = co_await std::move(op);
    throw_on_error(ec, diag);
    co_return std::move(res);
}

SFCONNECT_DECL boost::asio::awaitable<Response> TokenClient::request(Target target) {
    // The options are made here, not as a default argument: g++ 12 mis-compiles that temporary
    // inside the caller's co_await expression.
    RequestOptions options;
    return request(std::move(target), std::move(options));
}

}  // namespace sfconnect

#endif
