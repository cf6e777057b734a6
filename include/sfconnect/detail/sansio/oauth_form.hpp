// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_OAUTH_FORM_HPP
#define SFCONNECT_DETAIL_SANSIO_OAUTH_FORM_HPP

// The OAuth form calls as sans-io algorithms: revoke (one POST) and introspect (a token, then one
// POST whose reply parse_introspection reads). Neither is retried: both are explicit user actions.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/random.hpp>
#include <sfconnect/detail/sansio/action.hpp>
#include <sfconnect/detail/sansio/client_context.hpp>
#include <sfconnect/detail/sansio/introspection.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <string>
#include <string_view>

namespace sfconnect::detail::sansio {

// One form POST to an OAuth endpoint: the request, and the reply mapped to an error when not 200.
class oauth_form_exchange {
public:
    HttpRequest& request() noexcept { return req_; }
    HttpResponse& response() noexcept { return res_; }

protected:
    action send(const client_context& ctx, std::string_view path, std::string body) {
        namespace http = boost::beast::http;
        req_ = HttpRequest{http::verb::post, path, 11};
        ctx.base_headers(req_);
        req_.set(http::field::content_type, "application/x-www-form-urlencoded");
        req_.body() = std::move(body);
        req_.prepare_payload();
        return action::exchange(exchange_kind::oauth_form, ctx.token_limits());
    }

    // The transport's error, or the endpoint's when it did not answer 200; the body stays in response().
    error_code received(error_code io, Diagnostics& diag) {
        wipe(req_.body());
        if (io) return io;
        const int status = static_cast<int>(res_.result_int());
        if (status != 200) return map_token_error(status, "application/json", res_.body(), diag);
        return {};
    }

    static std::string token_form(const TokenPtr& tok) {
        std::string body = "token=";
        append_form_encoded(body, tok->access_token.reveal());
        return body;
    }

private:
    HttpRequest req_;
    HttpResponse res_;
};

// POST /services/oauth2/revoke with the token; done(ec). The runner drops the token from the cache on success.
class revoke : public oauth_form_exchange {
public:
    revoke(const client_context& ctx, TokenPtr tok) : ctx_(ctx), token_(std::move(tok)) {}

    const TokenPtr& token() const noexcept { return token_; }

    action resume(error_code io, double /*jitter01*/, Diagnostics& diag) {
        if (!sent_) {
            if (!token_) {
                diag.message = "there is no token to revoke";
                return action::done(make_error_code(boost::system::errc::invalid_argument));
            }
            sent_ = true;
            return send(ctx_, "/services/oauth2/revoke", token_form(token_));
        }
        const error_code ec = received(io, diag);
        redact(diag, token_->access_token.reveal());
        return action::done(ec);
    }

private:
    const client_context& ctx_;
    TokenPtr token_;
    bool sent_ = false;
};

// need_token, then POST /services/oauth2/introspect; done(ec) with result(). The runner moves the
// cache's expiry to `exp` when the token is active.
class introspect : public oauth_form_exchange {
public:
    explicit introspect(const client_context& ctx) : ctx_(ctx) {}

    const TokenPtr& token() const noexcept { return token_; }
    void set_token(TokenPtr t) noexcept { token_ = std::move(t); }
    Introspection& result() noexcept { return out_; }

    action resume(error_code io, double /*jitter01*/, Diagnostics& diag) {
        switch (state_) {
            case state::start: state_ = state::got_token; return action::need_token(false);
            case state::got_token: {
                if (io) return action::done(io);
                std::string body = token_form(token_);
                body += "&token_type_hint=access_token";
                body += ctx_.client_form;
                state_ = state::exchanged;
                return send(ctx_, "/services/oauth2/introspect", std::move(body));
            }
            case state::exchanged: break;
        }
        error_code ec = received(io, diag);
        if (!ec) ec = parse_introspection(response().body(), out_, diag);
        redact(diag, token_->access_token.reveal());
        return action::done(ec);
    }

private:
    enum class state { start, got_token, exchanged };
    const client_context& ctx_;
    state state_ = state::start;
    TokenPtr token_;
    Introspection out_;
};

}  // namespace sfconnect::detail::sansio

#endif
