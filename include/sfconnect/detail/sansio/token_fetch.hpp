// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_TOKEN_FETCH_HPP
#define SFCONNECT_DETAIL_SANSIO_TOKEN_FETCH_HPP

// The client-credentials grant as a sans-io algorithm: build the POST, classify the reply (redirect,
// token, error), retry what Salesforce did not decide (connection failures, 5xx) with backoff.

#include <sfconnect/access_token.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/random.hpp>
#include <sfconnect/detail/retry.hpp>
#include <sfconnect/detail/sansio/action.hpp>
#include <sfconnect/detail/sansio/client_context.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace sfconnect::detail::sansio {

// Wipes and removes the Authorization header (Basic credentials or a bearer token).
inline void wipe_authorization(HttpRequest& req) {
    auto it = req.find(boost::beast::http::field::authorization);
    if (it == req.end()) return;
    auto v = it->value();
    OPENSSL_cleanse(const_cast<char*>(v.data()), v.size());
    req.erase(boost::beast::http::field::authorization);
}

class token_fetch {
public:
    explicit token_fetch(const client_context& ctx) : ctx_(ctx) {}

    HttpRequest& request() noexcept { return req_; }
    HttpResponse& response() noexcept { return res_; }
    // The token, once resume() returned done without error.
    TokenPtr& token() noexcept { return token_; }

    // `io` is the outcome of the last exchange (ignored otherwise); `jitter01` in [0, 1] scales a backoff.
    action resume(error_code io, double jitter01, Diagnostics& diag) {
        switch (state_) {
            case state::start: break;
            case state::exchanged: {
                error_code ec = on_reply(io, diag);
                if (!ec || !should_retry_token_fetch(ec, attempt_, ctx_.options.retry)) return action::done(ec);
                state_ = state::slept;
                return action::sleep(exchange_kind::token_request,
                                     backoff_delay(ctx_.options.retry, attempt_, jitter01), ec, attempt_);
            }
            case state::slept: ++attempt_; break;
        }
        diag.clear();
        build_request();
        state_ = state::exchanged;
        return action::exchange(exchange_kind::token_request, ctx_.token_limits());
    }

private:
    enum class state { start, exchanged, slept };

    void build_request() {
        namespace http = boost::beast::http;
        req_ = HttpRequest{http::verb::post, "/services/oauth2/token", 11};
        ctx_.base_headers(req_);
        req_.set(http::field::content_type, "application/x-www-form-urlencoded");
        std::string& body = req_.body();
        constexpr std::string_view grant = "grant_type=client_credentials";
        if (ctx_.options.use_basic_auth) {
            req_.set(http::field::authorization, ctx_.basic_authorization);
            body = grant;
        } else {
            body.reserve(grant.size() + ctx_.client_form.size());
            body = grant;
            body += ctx_.client_form;
        }
        req_.prepare_payload();
    }

    error_code on_reply(error_code io, Diagnostics& diag) {
        namespace http = boost::beast::http;
        wipe(req_.body());
        wipe_authorization(req_);
        if (io) return io;  // with the transport's phase (resolve ... request)
        const int status = static_cast<int>(res_.result_int());
        auto parsed = parse_token_reply(status, res_[http::field::content_type], res_.body(), ctx_.consumer_secret,
                                        ctx_.host, TokenReplyOptions{ctx_.options.require_signature}, diag,
                                        res_[http::field::location]);  // a 3xx names its Location's host
        wipe(res_.body());
        if (!parsed) return parsed.error();  // parse_token_reply sets phase token
        token_ = std::make_shared<const AccessToken>(std::move(*parsed));
        return {};
    }

    const client_context& ctx_;
    state state_ = state::start;
    int attempt_ = 1;
    HttpRequest req_;
    HttpResponse res_;
    TokenPtr token_;
};

}  // namespace sfconnect::detail::sansio

#endif
