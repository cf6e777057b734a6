// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_ACCESS_TOKEN_IPP
#define SFCONNECT_IMPL_ACCESS_TOKEN_IPP

#include <sfconnect/access_token.hpp>
#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <vector>

namespace sfconnect {
namespace detail {

// Hosts that may serve an org's instance_url besides the Site itself.
inline constexpr std::string_view instance_url_suffixes[] = {
    ".salesforce.com", ".force.com", ".salesforce.mil", ".sfcrmproducts.cn", ".cloudforce.com", ".database.com",
};

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
    for (auto suffix : instance_url_suffixes)
        if (authority.size() > suffix.size() && iends_with(authority, suffix)) return {};
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

// basic_parser handler that stops at the first key occurring twice in the top-level object. The DOM
// parser keeps the last duplicate silently, so a reply read one way by an intermediary and another
// way by us (e.g. two instance_url fields) would otherwise be accepted.
struct DuplicateKeyFinder {
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    int depth = 0;
    std::string key;
    std::vector<std::string> keys;
    std::string duplicate;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_array_begin(error_code&) { return ++depth, true; }
    bool on_array_end(std::size_t, error_code&) { return --depth, true; }
    bool on_object_begin(error_code&) { return ++depth, true; }
    bool on_object_end(std::size_t, error_code&) { return --depth, true; }
    bool on_string_part(boost::json::string_view, std::size_t, error_code&) { return true; }
    bool on_string(boost::json::string_view, std::size_t, error_code&) { return true; }
    bool on_key_part(boost::json::string_view s, std::size_t, error_code&) {
        if (depth == 1) key.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, error_code& ec) {
        if (depth != 1) return true;
        key.append(s.data(), s.size());
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
            duplicate = std::move(key);
            ec = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);  // stops the parser
            return false;
        }
        keys.push_back(std::move(key));
        key.clear();
        return true;
    }
    bool on_number_part(boost::json::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t, boost::json::string_view, error_code&) { return true; }
    bool on_uint64(std::uint64_t, boost::json::string_view, error_code&) { return true; }
    bool on_double(double, boost::json::string_view, error_code&) { return true; }
    bool on_bool(bool, error_code&) { return true; }
    bool on_null(error_code&) { return true; }
    bool on_comment_part(boost::json::string_view, error_code&) { return true; }
    bool on_comment(boost::json::string_view, error_code&) { return true; }
};

// The first top-level key that occurs twice in `json` (valid JSON), or "".
inline std::string duplicate_top_level_key(std::string_view json) {
    boost::json::basic_parser<DuplicateKeyFinder> parser{boost::json::parse_options{}};
    parser.handler().keys.reserve(16);  // a token reply has about 8 top-level keys: one allocation
    error_code ec;
    parser.write_some(false, json.data(), json.size(), ec);
    return std::move(parser.handler().duplicate);
}

class Parser {
public:
    Parser(int status, std::string_view body, const Secret& secret, Diagnostics& diag)
        : status_(status), body_(body), secret_(secret), diag_(diag) {}

    error_code fail(error_code ec, std::string message, bool with_excerpt = false) {
        diag_.clear();
        diag_.http_status = status_;
        diag_.phase = Phase::token;
        diag_.message = std::move(message);
        diag_.hint = std::string(default_hint(ec));
        if (with_excerpt) diag_.server_message = safe_text(body_, max_body_excerpt, {secret_.reveal(), token_}, true);
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

// OpenSSL 3's one-shot HMAC() fetches the HMAC and SHA-256 implementations from the provider on
// every call (half the cost of a check). This HMAC-SHA256 context, made once per process and never
// keyed, is duplicated per signature instead: the copy shares the fetched implementations.
inline const EVP_MAC_CTX* hmac_sha256_template() {
    static const EVP_MAC_CTX* const ctx = []() -> EVP_MAC_CTX* {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (mac == nullptr) return nullptr;
        EVP_MAC_CTX* c = EVP_MAC_CTX_new(mac);
        EVP_MAC_free(mac);  // the context keeps its own reference
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                     OSSL_PARAM_construct_end()};
        if (c != nullptr && EVP_MAC_CTX_set_params(c, params) != 1) {
            EVP_MAC_CTX_free(c);
            c = nullptr;
        }
        return c;  // lives as long as the process (intentionally never freed: no exit-order hazards)
    }();
    return ctx;
}

// HMAC-SHA256 through the template; false if OpenSSL refuses.
inline bool hmac_sha256(std::string_view key, std::string_view message, unsigned char* out, std::size_t& out_len) {
    const EVP_MAC_CTX* tmpl = hmac_sha256_template();
    if (tmpl == nullptr) return false;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(tmpl);
    if (ctx == nullptr) return false;
    const auto* key_ptr = reinterpret_cast<const unsigned char*>(key.empty() ? "" : key.data());
    const bool ok = EVP_MAC_init(ctx, key_ptr, key.size(), nullptr) == 1 &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1 &&
                    EVP_MAC_final(ctx, out, &out_len, EVP_MAX_MD_SIZE) == 1;
    EVP_MAC_CTX_free(ctx);  // also wipes the keyed state
    return ok;
}

}  // namespace detail

SFCONNECT_DECL std::string compute_token_signature(const Secret& consumer_secret, std::string_view id,
                                                   std::string_view issued_at) {
    std::string message;
    message.reserve(id.size() + issued_at.size());
    message.append(id).append(issued_at);
    const std::string_view key = consumer_secret.reveal();
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t mac_size = 0;
    if (!detail::hmac_sha256(key, message, mac, mac_size)) return {};  // OpenSSL refused
    std::string signature = detail::base64_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_size));
    OPENSSL_cleanse(mac, sizeof mac);
    return signature;
}

namespace detail {

// The fields of a token reply, as strings still to be checked.
struct TokenReplyFields {
    std::string_view access_token, instance_url, id, issued_at, token_type, scope, signature;
};

// An error reply (non-2xx) may still carry a token (a broken proxy, a hostile server): it is redacted
// wherever it appears, as in a 2xx reply.
inline error_code map_token_error_reply(int http_status, std::string_view content_type, std::string_view body,
                                        const Secret& consumer_secret, Diagnostics& diag, std::string_view location) {
    boost::system::error_code jec;
    const boost::json::value v = boost::json::parse(body, jec);
    std::string_view token;
    if (const auto* o = jec ? nullptr : v.if_object())
        if (const auto* at = o->if_contains("access_token"); at != nullptr && at->is_string()) token = at->get_string();
    return map_token_error_redacting(http_status, content_type, body, diag, location,
                                     {consumer_secret.reveal(), token});
}

// Reads the required and optional fields; a missing or non-string one fails through `p`.
inline error_code read_token_fields(Parser& p, const boost::json::object& obj, TokenReplyFields& f,
                                    bool issued_at_optional) {
    error_code ec;
    const auto read = [&](std::string_view name, std::string_view& out, bool required) {
        if (ec) return;
        const auto v = required ? p.required(obj, name, ec) : p.optional(obj, name, ec);
        if (v) out = *v;
    };
    read("access_token", f.access_token, true);
    read("instance_url", f.instance_url, true);
    read("id", f.id, true);
    read("issued_at", f.issued_at, !issued_at_optional);
    read("token_type", f.token_type, true);
    read("scope", f.scope, false);
    read("signature", f.signature, false);
    return ec;
}

// The signature, when present, must be HMAC-SHA256(consumer secret, id + issued_at); `verified` says
// whether one was checked.
inline error_code check_token_signature(Parser& p, const TokenReplyFields& f, const Secret& consumer_secret,
                                        const TokenReplyOptions& options, bool& verified) {
    verified = false;
    if (options.unsigned_grant) return {};  // no shared secret to check a signature with
    if (f.signature.empty()) {
        if (!options.require_signature) return {};
        return p.fail(errc::signature_mismatch,
                      "the token reply had no signature, and a signed reply is required (require_signature)");
    }
    const std::string expected = compute_token_signature(consumer_secret, f.id, f.issued_at);
    verified = expected.size() == f.signature.size() &&
               CRYPTO_memcmp(expected.data(), f.signature.data(), expected.size()) == 0;
    if (verified) return {};
    return p.fail(errc::signature_mismatch,
                  "the token reply's signature does not match HMAC-SHA256(Consumer Secret, id + issued_at): "
                  "the reply was altered on the way, or the Consumer Secret does not belong to this app");
}

// Checks the field values and, when they are good, fills `t` (all but the signature check).
inline error_code check_token_fields(Parser& p, const TokenReplyFields& f, std::string_view site_host,
                                     bool issued_at_optional, Diagnostics& diag, AccessToken& t) {
    if (!is_header_safe_token(f.access_token))
        return p.fail(errc::bad_response, f.access_token.empty()
                                              ? "the token reply's 'access_token' is empty"
                                              : "the token reply's 'access_token' contains characters that cannot "
                                                "be sent in an HTTP header");
    if (!iequals(f.token_type, "Bearer"))
        return p.fail(errc::bad_response,
                      "the token reply's 'token_type' is '" + p.quote(f.token_type, 40) + "', expected 'Bearer'");
    const auto issued = f.issued_at.empty() && issued_at_optional ? std::optional(std::chrono::system_clock::now())
                                                                  : parse_issued_at(f.issued_at);
    if (!issued)
        return p.fail(errc::bad_response, "the token reply's 'issued_at' ('" + p.quote(f.issued_at, 40) +
                                              "') is not a time between 2000 and 2100 in seconds (10 digits) or "
                                              "milliseconds (13 digits)");
    const auto id_parts = split_identity_url(f.id);
    if (!id_parts)
        return p.fail(errc::bad_response, "the token reply's 'id' ('" + p.quote(f.id, 200) +
                                              "') is not an identity URL ending in /id/<org id>/<user id>");
    if (const auto problem = check_instance_url(f.instance_url, site_host); !problem.empty()) {
        const auto ec = p.fail(errc::bad_response, "the token reply's 'instance_url' ('" +
                                                       p.quote(f.instance_url, 200) + "') " + std::string(problem) +
                                                       "; the token is not sent there");
        diag.host = p.quote(url_host(f.instance_url), 255);
        return ec;
    }
    std::string_view url = f.instance_url;
    if (!url.empty() && url.back() == '/') url.remove_suffix(1);
    t.instance_url = std::string(url);
    t.id = std::string(f.id);
    t.organization_id = std::string(id_parts->org);
    t.user_id = std::string(id_parts->user);
    t.token_type = std::string(f.token_type);
    t.issued_at = *issued;
    t.issued_at_raw = std::string(f.issued_at);
    t.scope = std::string(f.scope);
    t.signature = std::string(f.signature);
    return {};
}

}  // namespace detail

SFCONNECT_DECL boost::system::result<AccessToken> parse_token_reply(
    int http_status, std::string_view content_type, std::string_view body, const Secret& consumer_secret,
    std::string_view site_host, const TokenReplyOptions& options, Diagnostics& diag, std::string_view location) {
    using namespace detail;
    diag.clear();
    if (http_status < 200 || http_status >= 300)
        return map_token_error_reply(http_status, content_type, body, consumer_secret, diag, location);

    Parser p(http_status, body, consumer_secret, diag);
    boost::system::error_code json_ec;
    // The tree of a token reply (about 1 KiB) fits this buffer: no heap allocation per field. Declared
    // before `root`, which is destroyed (and its token wiped) first.
    std::array<unsigned char, 4096> tree_buffer;  // NOLINT(cppcoreguidelines-pro-type-member-init): the parser fills it
    boost::json::monotonic_resource tree_memory(tree_buffer.data(), tree_buffer.size());
    boost::json::value root = boost::json::parse(body, json_ec, &tree_memory);
    // The parse tree holds its own copy of the token: wipe it whichever way this function returns.
    struct WipeParsedToken {
        boost::json::value& v;
        ~WipeParsedToken() {
            auto* o = v.if_object();
            auto* t = o != nullptr ? o->if_contains("access_token") : nullptr;
            if (t != nullptr && t->is_string()) secure_wipe(t->get_string().data(), t->get_string().size());
        }
    } wipe_parsed_token{root};
    // Built only on the failure paths: a good reply pays for no message.
    const auto where = [&] {
        std::string w = "HTTP " + std::to_string(http_status);
        if (!content_type.empty()) w += ", content type " + safe_text(content_type, 80, {consumer_secret.reveal()});
        return w;
    };
    if (json_ec) {
        if (body.empty()) return p.fail(errc::bad_response, "the token reply (" + where() + ") has an empty body");
        return p.fail(errc::bad_response,
                      "the token reply (" + where() + ") is not JSON: likely a proxy or the wrong host answered", true);
    }
    const auto* obj = root.if_object();
    if (obj == nullptr)
        return p.fail(errc::bad_response, "the token reply (" + where() + ") is not a JSON object", true);
    if (const auto* at = obj->if_contains("access_token"); at != nullptr && at->is_string())
        p.remember_token(at->get_string());  // redacted from any excerpt below
    if (const auto* err = obj->if_contains("error"); err != nullptr && !err->is_null())
        return map_token_error_redacting(http_status, content_type, body, diag, location,
                                         {consumer_secret.reveal(), p.token()});
    if (const std::string dup = duplicate_top_level_key(body); !dup.empty())
        return p.fail(errc::bad_response, "the token reply has the field '" + safe_text(dup, 40) +
                                              "' more than once; an ambiguous reply is refused");

    TokenReplyFields fields;
    AccessToken t;
    bool verified = false;
    if (auto ec = read_token_fields(p, *obj, fields, options.unsigned_grant)) return ec;
    if (auto ec = check_token_fields(p, fields, site_host, options.unsigned_grant, diag, t)) return ec;
    if (auto ec = check_token_signature(p, fields, consumer_secret, options, verified)) return ec;
    t.access_token = Secret(fields.access_token);
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
