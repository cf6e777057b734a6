// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_JWT_GRANT_HPP
#define SFCONNECT_DETAIL_JWT_GRANT_HPP

// The OAuth 2.0 JWT bearer grant (RFC 7523) as Salesforce runs it: a fresh RS256 assertion per
// fetch, signed with the app's private key; no client secret, and replies carry no signature.

#include <sfconnect/jwt_bearer_credentials.hpp>
#include <sfconnect/detail/grant.hpp>
#include <sfconnect/detail/random.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

namespace sfconnect::detail {

// The claims of one assertion as compact JSON; string values JSON-escaped.
inline std::string jwt_claims(std::string_view iss, std::string_view sub, std::string_view aud,
                              std::int64_t exp_seconds, std::string_view jti) {
    const auto str = [](std::string_view v) { return boost::json::serialize(boost::json::string(v)); };
    return "{\"iss\":" + str(iss) + ",\"sub\":" + str(sub) + ",\"aud\":" + str(aud) +
           ",\"exp\":" + std::to_string(exp_seconds) + ",\"jti\":" + str(jti) + "}";
}

class jwt_bearer_grant final : public token_grant {
public:
    // Throws ErrorWithDiagnostics-free std::runtime_error only if OpenSSL cannot read a key that
    // JwtBearerCredentials already validated (out of memory).
    jwt_bearer_grant(JwtBearerCredentials creds, const Site& site)
        : creds_(std::move(creds)),
          audience_(creds_.audience().empty() ? std::string(default_audience(site)) : creds_.audience()),
          key_(read_key(creds_.private_key_pem().reveal())) {
        client_form_ = "&client_id=";
        append_form_encoded(client_form_, creds_.consumer_key());
    }
    ~jwt_bearer_grant() override { EVP_PKEY_free(key_); }

    grant_identity identity() const noexcept override {
        return {creds_.consumer_key(), "jwt_bearer", creds_.username()};
    }

    error_code build_request(HttpRequest& req, std::chrono::system_clock::time_point now,
                             const TokenClientOptions& /*options*/, Diagnostics& diag) const override {
        const auto exp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()) +
                         creds_.assertion_lifetime();
        std::string assertion = sign(exp.count());
        if (assertion.empty()) {
            diag.phase = Phase::credentials;
            diag.message = "OpenSSL could not sign the JWT assertion with the private key";
            diag.hint = std::string(default_hint(errc::invalid_credentials));
            return errc::invalid_credentials;
        }
        constexpr std::string_view grant =
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
        std::string& body = req.body();
        body.reserve(grant.size() + assertion.size());
        body = grant;
        body += assertion;  // base64url and '.': form-safe as is
        wipe(assertion);
        return {};
    }

    // No shared secret: the reply's signature cannot be checked and Salesforce sends none;
    // issued_at may be missing too.
    TokenReplyOptions reply_rules(const TokenClientOptions& /*options*/) const noexcept override {
        TokenReplyOptions r;
        r.unsigned_grant = true;
        return r;
    }
    const Secret& reply_secret() const noexcept override { return no_secret_; }
    std::string_view client_form() const noexcept override { return client_form_; }
    std::string_view basic_authorization() const noexcept override { return {}; }
    void redact_secrets(Diagnostics& diag) const override {
        // Every base64 line of the PEM body (a server echoing the key is absurd, but cheap to rule out).
        for_each_pem_body_line(creds_.private_key_pem().reveal(), [&](std::string_view line) { redact(diag, line); });
    }

    const std::string& audience() const noexcept { return audience_; }

    // header.claims.signature for the given `exp`; empty if OpenSSL fails.
    std::string sign(std::int64_t exp_seconds) const {
        unsigned char nonce[16];
        if (RAND_bytes(nonce, sizeof nonce) != 1) return {};
        const std::string jti = base64url_encode(std::string_view(reinterpret_cast<const char*>(nonce), sizeof nonce));
        std::string input = base64url_encode(R"({"alg":"RS256"})");
        input += '.';
        input += base64url_encode(jwt_claims(creds_.consumer_key(), creds_.username(), audience_, exp_seconds, jti));
        EVP_MD_CTX* md = EVP_MD_CTX_new();
        if (md == nullptr) return {};
        std::size_t len = 0;
        std::string sig;
        bool ok = EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_) == 1 &&
                  EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                                 input.size()) == 1;
        if (ok) {
            sig.resize(len);
            ok = EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                                reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
            sig.resize(len);
        }
        EVP_MD_CTX_free(md);
        if (!ok) {
            ERR_clear_error();
            return {};
        }
        input += '.';
        input += base64url_encode(sig);
        return input;
    }

private:
    static EVP_PKEY* read_key(std::string_view pem) {
        BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
        if (bio == nullptr) throw std::bad_alloc();
        pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
        EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
        BIO_free(bio);
        ERR_clear_error();
        return key;  // null only if validation was bypassed; sign() then fails with a clear error
    }

    JwtBearerCredentials creds_;
    std::string audience_;
    EVP_PKEY* key_;
    std::string client_form_;  // "&client_id=..." (no secret in this flow)
    Secret no_secret_;
};

inline std::unique_ptr<const token_grant> make_grant(JwtBearerCredentials creds, const Site& site) {
    return std::make_unique<jwt_bearer_grant>(std::move(creds), site);
}

// Credentials the clients accept: those a make_grant() overload turns into a grant.
template <class C>
concept grant_credentials = requires(C c, const Site& s) {
    { make_grant(std::move(c), s) } -> std::convertible_to<std::unique_ptr<const token_grant>>;
};

}  // namespace sfconnect::detail

#endif
