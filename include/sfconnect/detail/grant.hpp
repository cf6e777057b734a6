// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_GRANT_HPP
#define SFCONNECT_DETAIL_GRANT_HPP

// The OAuth grant as a policy of the client core: what the token request's body is, which rules the
// reply is held to, which secrets are redacted, and which parts identify the token in a cache.
// sansio::token_fetch asks the grant; nothing else in the core knows which flow it runs. A new grant
// type is one more class deriving from token_grant plus a make_grant() overload for its credentials
// (see docs/design.md, "Where a new grant type plugs in").

#include <sfconnect/access_token.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/http_message.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <boost/beast/http/field.hpp>

#include <chrono>
#include <concepts>
#include <memory>
#include <string>
#include <string_view>

namespace sfconnect::detail {

// What identifies a token besides the Site's host: the key of a shared token store is a hash of
// (host, consumer_key, flow, subject).
struct grant_identity {
    std::string_view consumer_key;
    std::string_view flow;     // "client_credentials" | "jwt_bearer"
    std::string_view subject;  // the username for jwt_bearer; empty for client_credentials
};

class token_grant {
public:
    token_grant() = default;
    token_grant(const token_grant&) = delete;
    token_grant& operator=(const token_grant&) = delete;
    virtual ~token_grant() = default;

    // The cache-key parts (see grant_identity).
    virtual grant_identity identity() const noexcept = 0;
    // Sets the token request's body (and an Authorization header if the grant uses one). `now` is
    // wall-clock time, given by the caller so that the algorithm stays sans-io.
    virtual error_code build_request(HttpRequest& req, std::chrono::system_clock::time_point now,
                                     const TokenClientOptions& options, Diagnostics& diag) const = 0;
    // The rules a successful reply is held to.
    virtual TokenReplyOptions reply_rules(const TokenClientOptions& options) const noexcept = 0;
    // The key of the reply's HMAC signature (the consumer secret); empty when the grant has none.
    virtual const Secret& reply_secret() const noexcept = 0;
    // Client authentication for revocation and introspection: "&client_id=...[&client_secret=...]"
    // form-encoded, and "Basic ..." (empty when the grant has no secret).
    virtual std::string_view client_form() const noexcept = 0;
    virtual std::string_view basic_authorization() const noexcept = 0;
    // Removes the grant's secrets from every text of a Diagnostics.
    virtual void redact_secrets(Diagnostics& diag) const = 0;
};

// ---- client credentials: grant_type=client_credentials with the consumer secret ----------------------
class client_credentials_grant final : public token_grant {
public:
    explicit client_credentials_grant(ConsumerCredentials creds)
        : creds_(std::move(creds)), client_form_(encode_client_form(creds_)), basic_(encode_basic(creds_)) {}

    grant_identity identity() const noexcept override { return {creds_.consumer_key(), "client_credentials", {}}; }

    error_code build_request(HttpRequest& req, std::chrono::system_clock::time_point /*now*/,
                             const TokenClientOptions& options, Diagnostics& /*diag*/) const override {
        constexpr std::string_view grant = "grant_type=client_credentials";
        std::string& body = req.body();
        if (options.use_basic_auth) {
            req.set(boost::beast::http::field::authorization, basic_.reveal());
            body = grant;
        } else {
            body.reserve(grant.size() + client_form_.size());
            body = grant;
            body += client_form_.reveal();
        }
        return {};
    }

    TokenReplyOptions reply_rules(const TokenClientOptions& options) const noexcept override {
        TokenReplyOptions r;
        r.require_signature = options.require_signature;
        return r;
    }
    const Secret& reply_secret() const noexcept override { return creds_.consumer_secret(); }
    std::string_view client_form() const noexcept override { return client_form_.reveal(); }
    std::string_view basic_authorization() const noexcept override { return basic_.reveal(); }
    void redact_secrets(Diagnostics& diag) const override { redact(diag, creds_.consumer_secret().reveal()); }

private:
    // The credentials are form-encoded once, not on every fetch; Secret wipes them on destruction.
    static Secret encode_client_form(const ConsumerCredentials& c) {
        std::string form = "&client_id=";
        append_form_encoded(form, c.consumer_key());
        form += "&client_secret=";
        append_form_encoded(form, c.consumer_secret().reveal());
        Secret s(form);
        wipe(form);
        return s;
    }

    static Secret encode_basic(const ConsumerCredentials& c) {
        std::string pair;
        append_form_encoded(pair, c.consumer_key());
        pair += ':';
        append_form_encoded(pair, c.consumer_secret().reveal());
        std::string basic = "Basic " + base64_encode(pair);
        Secret s(basic);
        wipe(pair);
        wipe(basic);
        return s;
    }

    ConsumerCredentials creds_;
    Secret client_form_;  // "&client_id=...&client_secret=..." form-encoded
    Secret basic_;        // "Basic base64(key:secret)" for use_basic_auth
};

inline std::unique_ptr<const token_grant> make_grant(ConsumerCredentials creds, const Site& /*site*/) {
    return std::make_unique<client_credentials_grant>(std::move(creds));
}

}  // namespace sfconnect::detail

#endif
