// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_CLIENT_CONTEXT_HPP
#define SFCONNECT_DETAIL_SANSIO_CLIENT_CONTEXT_HPP

// What every algorithm of one client reads: the host, the options, the grant and its encoded credentials.
// Owned by the client core; the algorithms only hold a reference.

#include <sfconnect/http_message.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/detail/grant.hpp>

#include <boost/beast/http/field.hpp>

#include <string_view>

namespace sfconnect::detail::sansio {

struct client_context {
    std::string_view host;  // the Site: Host header, token reply's instance check
    std::string_view user_agent;
    const TokenClientOptions& options;
    const Secret& consumer_secret;         // for signature checks and redaction
    std::string_view client_form;          // "&client_id=...&client_secret=..." form-encoded
    std::string_view basic_authorization;  // "Basic base64(key:secret)" (use_basic_auth)
    std::string_view call_options;         // Sforce-Call-Options value on REST requests (empty: none)
    const token_grant& grant;              // the token request's body, the reply rules (detail/grant.hpp)

    ExchangeLimits token_limits() const noexcept {
        return ExchangeLimits{options.max_header_bytes, options.max_token_reply_bytes};
    }

    void base_headers(HttpRequest& req) const {
        namespace http = boost::beast::http;
        req.set(http::field::host, host);
        req.set(http::field::user_agent, user_agent);
        req.set(http::field::accept, "application/json");
    }
};

}  // namespace sfconnect::detail::sansio

#endif
