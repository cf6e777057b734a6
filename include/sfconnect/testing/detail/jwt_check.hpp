// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_JWT_CHECK_HPP
#define SFCONNECT_TESTING_DETAIL_JWT_CHECK_HPP

// The emulator's own check of a JWT bearer assertion, written independently of the library's
// signer (an oracle): decode, verify RS256 against the app's certificate, then iss, aud, exp, sub
// and pre-authorisation, answering with the error_description Salesforce gives for each fault.

#include <sfconnect/testing/detail/openssl.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sfconnect {
namespace testing {
namespace detail {

struct JwtExpectations {
    std::string_view certificate_pem;  // the app's certificate; empty: none uploaded
    std::string_view consumer_key;     // iss
    std::string_view username;         // sub
    std::string_view audience;         // the aud this org's login host expects
    std::string_view other_audience;   // the other login host: a wrong host/audience pair
    bool preauthorized = true;
    std::int64_t now_seconds = 0;
};

// Salesforce refuses an `exp` more than 3 minutes ahead; a few seconds' leeway for slow machines.
inline constexpr std::int64_t jwt_max_lifetime_seconds = 180 + 5;

inline constexpr std::string_view jwt_bearer_grant_type = "urn:ietf:params:oauth:grant-type:jwt-bearer";

inline bool base64url_decode(std::string_view in, std::string& out) {
    std::string s(in);
    for (char& c : s) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (c == '+' || c == '/' || c == '=') return false;
    }
    return base64_decode(s, out);
}

inline bool rs256_verifies(std::string_view certificate_pem, std::string_view signed_part, const std::string& sig) {
    if (certificate_pem.empty()) return false;
    bio_ptr bio{BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size()))};
    x509_ptr cert{bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr};
    EVP_PKEY* key = cert ? X509_get0_pubkey(cert.get()) : nullptr;
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    const bool ok = key != nullptr && md != nullptr &&
                    EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                    EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                     reinterpret_cast<const unsigned char*>(signed_part.data()),
                                     signed_part.size()) == 1;
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}

inline std::string claim_string(const boost::json::object& o, std::string_view name) {
    const auto* v = o.if_contains(name);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The error_description for a refused assertion, or "" when it is accepted.
inline std::string_view check_assertion(std::string_view assertion, const JwtExpectations& e) {
    constexpr std::string_view invalid = "invalid assertion";
    const std::size_t dot1 = assertion.find('.');
    const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : assertion.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || assertion.find('.', dot2 + 1) != std::string_view::npos) return invalid;
    std::string header, claims, sig;
    if (!base64url_decode(assertion.substr(0, dot1), header) ||
        !base64url_decode(assertion.substr(dot1 + 1, dot2 - dot1 - 1), claims) ||
        !base64url_decode(assertion.substr(dot2 + 1), sig))
        return invalid;
    boost::system::error_code ec;
    const boost::json::value h = boost::json::parse(header, ec);
    if (ec || !h.is_object() || claim_string(h.get_object(), "alg") != "RS256") return invalid;
    const boost::json::value c = boost::json::parse(claims, ec);
    if (ec || !c.is_object()) return invalid;
    const boost::json::object& o = c.get_object();
    if (!rs256_verifies(e.certificate_pem, assertion.substr(0, dot2), sig)) return invalid;
    if (claim_string(o, "iss") != e.consumer_key) return invalid;
    std::string aud = claim_string(o, "aud");
    if (!aud.empty() && aud.back() == '/') aud.pop_back();
    if (aud == e.other_audience) return "user hasn't approved this consumer";  // a wrong host/audience pair
    if (aud != e.audience) return "audience is invalid";
    const auto* exp_v = o.if_contains("exp");
    if (exp_v == nullptr || !exp_v->is_number()) return invalid;
    std::int64_t exp = exp_v->is_int64() ? exp_v->get_int64() : static_cast<std::int64_t>(exp_v->to_number<double>());
    if (exp > 100000000000) exp /= 1000;  // milliseconds, as some clients send: Salesforce accepts them
    if (exp <= e.now_seconds || exp > e.now_seconds + jwt_max_lifetime_seconds) return "expired authorization code";
    std::string sub = claim_string(o, "prn");  // the older name wins when both are present
    if (sub.empty()) sub = claim_string(o, "sub");
    if (!iequals(sub, e.username)) return "invalid user";
    if (!e.preauthorized) return "user hasn't approved this consumer";
    return {};
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
