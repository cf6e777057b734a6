// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_ACCESS_TOKEN_IPP
#define SFCONNECT_IMPL_ACCESS_TOKEN_IPP

#include <sfconnect/access_token.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <optional>
#include <ostream>

namespace sfconnect {
namespace detail::token_reply {
using namespace reply_text;

inline constexpr std::string_view salesforce_suffixes[] = {
    ".salesforce.com", ".force.com", ".salesforce.mil", ".sfcrmproducts.cn", ".cloudforce.com", ".database.com",
};

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_alnum(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline bool ends_with_ci(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// A DNS name: labels of letters, digits and '-', separated by single dots.
inline bool is_dns_name(std::string_view host) noexcept {
    if (host.empty() || host.front() == '.' || host.back() == '.') return false;
    char prev = '.';
    for (char c : host) {
        if (c == '.' && prev == '.') return false;
        if (c != '.' && c != '-' && !is_alnum(c)) return false;
        prev = c;
    }
    return true;
}

// Why instance_url is unacceptable, or empty when it is fine. The token goes to this host, so it
// must be the Site itself or a Salesforce host, over https, with nothing that could redirect it.
inline std::string_view check_instance_url(std::string_view url, std::string_view site_host) noexcept {
    constexpr std::string_view https = "https://";
    if (url.size() < https.size() || !iequals(url.substr(0, https.size()), https)) return "is not an https:// URL";
    std::string_view authority = url.substr(https.size());
    if (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
    if (authority.empty()) return "has no host";
    if (authority.find('@') != std::string_view::npos) return "contains user information";
    if (authority.find_first_of("/?#\\") != std::string_view::npos) return "has a path, query or fragment";
    // The Site's own authority is always acceptable (it may carry a port in tests and emulators).
    if (!site_host.empty() && iequals(authority, site_host)) return {};
    if (authority.find(':') != std::string_view::npos) return "has a port";
    if (!is_dns_name(authority)) return "has an invalid host name";
    for (auto suffix : salesforce_suffixes)
        if (authority.size() > suffix.size() && ends_with_ci(authority, suffix)) return {};
    return "points at a host that is neither the Site nor a Salesforce host";
}

struct IdParts {
    std::string_view org;
    std::string_view user;
};

// ".../id/<orgId>/<userId>" with 15- or 18-character ids; the host is ignored (login., test. or
// the My Domain all occur).
inline std::optional<IdParts> split_identity_url(std::string_view id) noexcept {
    const auto scheme = id.find("://");
    if (scheme == std::string_view::npos) return std::nullopt;
    const auto path_start = id.find('/', scheme + 3);
    if (path_start == std::string_view::npos) return std::nullopt;
    std::string_view path = id.substr(path_start);
    path = path.substr(0, std::min(path.find_first_of("?#"), path.size()));
    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    const auto last = [&]() -> std::string_view {
        const auto slash = path.rfind('/');
        if (slash == std::string_view::npos) return std::string_view{};
        const auto seg = path.substr(slash + 1);
        path = path.substr(0, slash);
        return seg;
    };
    const auto user = last();
    const auto org = last();
    const auto marker = last();
    const auto is_sf_id = [](std::string_view s) {
        if (s.size() != 15 && s.size() != 18) return false;
        for (char c : s)
            if (!is_alnum(c)) return false;
        return true;
    };
    if (marker != "id" || !is_sf_id(org) || !is_sf_id(user)) return std::nullopt;
    return IdParts{org, user};
}

// issued_at: 13 digits are milliseconds (every real sample), 10 digits are seconds (the docs).
inline std::optional<std::chrono::system_clock::time_point> parse_issued_at(std::string_view s) noexcept {
    if (s.size() != 10 && s.size() != 13) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');  // at most 13 digits: no overflow
    }
    const std::uint64_t ms = s.size() == 10 ? v * 1000 : v;
    constexpr std::uint64_t year_2000_ms = 946684800000ULL;
    constexpr std::uint64_t year_2100_ms = 4102444800000ULL;
    if (ms < year_2000_ms || ms >= year_2100_ms) return std::nullopt;
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(ms)));
}

// Bytes that can go into "Authorization: Bearer <token>" without breaking the header.
inline bool is_header_safe_token(std::string_view t) noexcept {
    for (char c : t) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) return false;
    }
    return !t.empty();
}

class Parser {
public:
    Parser(int status, std::string_view body, const Secret& secret, Diagnostics& diag)
        : status_(status), body_(body), secret_(secret), diag_(diag) {}

    error_code fail(error_code ec, std::string message, bool with_excerpt = false) {
        diag_.clear();
        diag_.http_status = status_;
        diag_.phase = "token";
        diag_.message = std::move(message);
        diag_.hint = std::string(default_hint(ec));
        if (with_excerpt)
            diag_.server_message = safe_text(body_, max_body_excerpt, {secret_.reveal(), token_}, true);
        return ec;
    }

    // A required string field, or an error naming it.
    std::optional<std::string_view> required(const boost::json::object& obj, std::string_view name, error_code& ec) {
        const auto* v = obj.if_contains(name);
        if (v == nullptr || v->is_null()) {
            ec = fail(errc::bad_response, "the token reply has no '" + std::string(name) + "' field");
            return std::nullopt;
        }
        const auto* s = v->if_string();
        if (s == nullptr) {
            ec = fail(errc::bad_response,
                      "the token reply's '" + std::string(name) + "' is a " + kind(*v) + ", not a string");
            return std::nullopt;
        }
        return std::string_view(s->data(), s->size());
    }

    // An optional string field: absent or null gives "".
    std::optional<std::string_view> optional(const boost::json::object& obj, std::string_view name, error_code& ec) {
        const auto* v = obj.if_contains(name);
        if (v == nullptr || v->is_null()) return std::string_view{};
        const auto* s = v->if_string();
        if (s == nullptr) {
            ec = fail(errc::bad_response,
                      "the token reply's '" + std::string(name) + "' is a " + kind(*v) + ", not a string");
            return std::nullopt;
        }
        return std::string_view(s->data(), s->size());
    }

    void remember_token(std::string_view t) noexcept { token_ = t; }
    // Reply text for a message: the secret and the token are removed even from other fields (a
    // broken or hostile server may put them anywhere).
    std::string quote(std::string_view text, std::size_t max_bytes) const {
        return safe_text(text, max_bytes, {secret_.reveal(), token_});
    }
    std::string_view token() const noexcept { return token_; }

private:
    static std::string kind(const boost::json::value& v) {
        switch (v.kind()) {
        case boost::json::kind::bool_: return "boolean";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return "number";
        case boost::json::kind::array: return "array";
        case boost::json::kind::object: return "object";
        case boost::json::kind::string: return "string";
        case boost::json::kind::null: return "null";
        }
        return "value";
    }

    int status_;
    std::string_view body_;
    const Secret& secret_;
    std::string_view token_;
    Diagnostics& diag_;
};

}  // namespace detail::token_reply

SFCONNECT_DECL std::string compute_token_signature(const Secret& consumer_secret, std::string_view id,
                                                   std::string_view issued_at) {
    std::string message;
    message.reserve(id.size() + issued_at.size());
    message.append(id).append(issued_at);
    const std::string_view key = consumer_secret.reveal();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    // OpenSSL 3 rejects a null key pointer even with length 0, hence data() of a non-null view.
    const unsigned char* key_ptr = reinterpret_cast<const unsigned char*>(key.empty() ? "" : key.data());
    if (HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len) == nullptr)
        return {};
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(b64, mac, static_cast<int>(mac_len));
    OPENSSL_cleanse(mac, sizeof mac);
    return std::string(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(n));
}

SFCONNECT_DECL boost::system::result<AccessToken> parse_token_reply(int http_status, std::string_view content_type,
                                                                    std::string_view body,
                                                                    const Secret& consumer_secret,
                                                                    std::string_view site_host,
                                                                    const TokenReplyOptions& options, Diagnostics& diag,
                                                                    std::string_view location) {
    using namespace detail::token_reply;
    diag.clear();
    if (http_status < 200 || http_status >= 300) {
        // An error reply may still carry a token (a broken proxy, a hostile server): it is redacted
        // wherever it appears, as in a 2xx reply.
        boost::system::error_code jec;
        const boost::json::value v = boost::json::parse(body, jec);
        std::string_view token;
        if (const auto* o = jec ? nullptr : v.if_object())
            if (const auto* at = o->if_contains("access_token"); at != nullptr && at->is_string()) token = at->get_string();
        return detail::map_token_error_redacting(http_status, content_type, body, diag, location,
                                                 {consumer_secret.reveal(), token});
    }

    Parser p(http_status, body, consumer_secret, diag);
    boost::system::error_code json_ec;
    const boost::json::value root = boost::json::parse(body, json_ec);
    std::string where = "HTTP " + std::to_string(http_status);
    if (!content_type.empty()) where += ", content type " + safe_text(content_type, 80, {consumer_secret.reveal()});
    if (json_ec) {
        if (body.empty()) return p.fail(errc::bad_response, "the token reply (" + where + ") has an empty body");
        return p.fail(errc::bad_response,
                      "the token reply (" + where + ") is not JSON: likely a proxy or the wrong host answered", true);
    }
    const auto* obj = root.if_object();
    if (obj == nullptr) return p.fail(errc::bad_response, "the token reply (" + where + ") is not a JSON object", true);
    if (const auto* at = obj->if_contains("access_token"); at != nullptr && at->is_string())
        p.remember_token(at->get_string());  // redacted from any excerpt below
    if (const auto* err = obj->if_contains("error"); err != nullptr && !err->is_null())
        return detail::map_token_error_redacting(http_status, content_type, body, diag, location,
                                                 {consumer_secret.reveal(), p.token()});

    error_code ec;
    const auto access_token = p.required(*obj, "access_token", ec);
    if (!access_token) return ec;
    const auto instance_url = p.required(*obj, "instance_url", ec);
    if (!instance_url) return ec;
    const auto id = p.required(*obj, "id", ec);
    if (!id) return ec;
    const auto issued_at = p.required(*obj, "issued_at", ec);
    if (!issued_at) return ec;
    const auto token_type = p.required(*obj, "token_type", ec);
    if (!token_type) return ec;
    const auto scope = p.optional(*obj, "scope", ec);
    if (!scope) return ec;
    const auto signature = p.optional(*obj, "signature", ec);
    if (!signature) return ec;

    if (!is_header_safe_token(*access_token))
        return p.fail(errc::bad_response, access_token->empty()
                                              ? "the token reply's 'access_token' is empty"
                                              : "the token reply's 'access_token' contains characters that cannot "
                                                "be sent in an HTTP header");
    if (!iequals(*token_type, "Bearer"))
        return p.fail(errc::bad_response, "the token reply's 'token_type' is '" + p.quote(*token_type, 40) +
                                              "', expected 'Bearer'");
    const auto issued = parse_issued_at(*issued_at);
    if (!issued)
        return p.fail(errc::bad_response, "the token reply's 'issued_at' ('" + p.quote(*issued_at, 40) +
                                              "') is not a time between 2000 and 2100 in seconds (10 digits) or "
                                              "milliseconds (13 digits)");
    const auto id_parts = split_identity_url(*id);
    if (!id_parts)
        return p.fail(errc::bad_response, "the token reply's 'id' ('" + p.quote(*id, 200) +
                                              "') is not an identity URL ending in /id/<org id>/<user id>");
    if (const auto problem = check_instance_url(*instance_url, site_host); !problem.empty()) {
        const auto ec2 = p.fail(errc::bad_response, "the token reply's 'instance_url' ('" +
                                                        p.quote(*instance_url, 200) + "') " +
                                                        std::string(problem) + "; the token is not sent there");
        diag.host = p.quote(url_host(*instance_url), 255);
        return ec2;
    }

    bool verified = false;
    if (!signature->empty()) {
        const std::string expected = compute_token_signature(consumer_secret, *id, *issued_at);
        verified = expected.size() == signature->size() &&
                   CRYPTO_memcmp(expected.data(), signature->data(), expected.size()) == 0;
        if (!verified)
            return p.fail(errc::signature_mismatch,
                          "the token reply's signature does not match HMAC-SHA256(Consumer Secret, id + issued_at): "
                          "the reply was altered on the way, or the Consumer Secret does not belong to this app");
    } else if (options.require_signature) {
        return p.fail(errc::signature_mismatch,
                      "the token reply had no signature, and a signed reply is required (require_signature)");
    }

    AccessToken t;
    t.access_token = Secret(*access_token);
    std::string_view url = *instance_url;
    if (!url.empty() && url.back() == '/') url.remove_suffix(1);
    t.instance_url = std::string(url);
    t.id = std::string(*id);
    t.organization_id = std::string(id_parts->org);
    t.user_id = std::string(id_parts->user);
    t.token_type = std::string(*token_type);
    t.issued_at = *issued;
    t.issued_at_raw = std::string(*issued_at);
    t.scope = std::string(*scope);
    t.signature = std::string(*signature);
    t.signature_verified = verified;
    diag.clear();
    return t;
}

SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const AccessToken& t) {
    return os << "AccessToken{access_token=[redacted], instance_url=" << t.instance_url
              << ", organization_id=" << t.organization_id << ", user_id=" << t.user_id
              << ", token_type=" << t.token_type << ", issued_at=" << t.issued_at_raw << ", scope=" << t.scope
              << ", signature_verified=" << (t.signature_verified ? "true" : "false") << '}';
}

}  // namespace sfconnect

#endif
