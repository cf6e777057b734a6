// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_TOKEN_FETCH_HPP
#define SFCONNECT_DETAIL_SANSIO_TOKEN_FETCH_HPP

// The token fetch as a sans-io algorithm: build the POST (its body is the grant's, detail/grant.hpp),
// classify the reply (redirect, token, error), retry what Salesforce did not decide (connection
// failures, 5xx) with backoff. Wall-clock time is an input (`now`, advanced by each backoff), so a
// JWT assertion's `exp` is deterministic under a test clock.

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

#include <chrono>
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
    explicit token_fetch(const client_context& ctx,
                         std::chrono::system_clock::time_point now = std::chrono::system_clock::now())
        : ctx_(ctx), now_(now) {}

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
                const auto delay = backoff_delay(ctx_.options.retry, attempt_, jitter01);
                now_ += delay;
                return action::sleep(exchange_kind::token_request, delay, ec, attempt_);
            }
            case state::slept: ++attempt_; break;
        }
        diag.clear();
        if (error_code ec = build_request(diag)) return action::done(ec);
        state_ = state::exchanged;
        return action::exchange(exchange_kind::token_request, ctx_.token_limits());
    }

private:
    enum class state { start, exchanged, slept };

    error_code build_request(Diagnostics& diag) {
        namespace http = boost::beast::http;
        req_ = HttpRequest{http::verb::post, "/services/oauth2/token", 11};
        ctx_.base_headers(req_);
        req_.set(http::field::content_type, "application/x-www-form-urlencoded");
        if (error_code ec = ctx_.grant.build_request(req_, now_, ctx_.options, diag)) return ec;
        req_.prepare_payload();
        return {};
    }

    error_code on_reply(error_code io, Diagnostics& diag) {
        namespace http = boost::beast::http;
        wipe(req_.body());
        wipe_authorization(req_);
        if (io) return io;  // with the transport's phase (resolve ... request)
        const int status = static_cast<int>(res_.result_int());
        auto parsed = parse_token_reply(status, res_[http::field::content_type], res_.body(), ctx_.consumer_secret,
                                        ctx_.host, ctx_.grant.reply_rules(ctx_.options), diag,
                                        res_[http::field::location]);  // a 3xx names its Location's host
        wipe(res_.body());
        if (!parsed) return parsed.error();  // parse_token_reply sets phase token
        token_ = std::make_shared<const AccessToken>(std::move(*parsed));
        return {};
    }

    const client_context& ctx_;
    std::chrono::system_clock::time_point now_;  // wall-clock time of the next request
    state state_ = state::start;
    int attempt_ = 1;
    HttpRequest req_;
    HttpResponse res_;
    TokenPtr token_;
};

}  // namespace sfconnect::detail::sansio

#endif
