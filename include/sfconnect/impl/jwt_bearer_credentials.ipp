// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_JWT_BEARER_CREDENTIALS_IPP
#define SFCONNECT_IMPL_JWT_BEARER_CREDENTIALS_IPP

#include <sfconnect/jwt_bearer_credentials.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/impl/consumer_credentials.ipp>  // inspect(), fail(), LineReader: one rule set for both

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <ostream>

namespace sfconnect {
namespace detail {

inline JwtCredentialProblem from_credential_problem(CredentialProblem p) noexcept {
    switch (p) {
        case CredentialProblem::none: return JwtCredentialProblem::none;
        case CredentialProblem::empty: return JwtCredentialProblem::empty;
        case CredentialProblem::surrounding_whitespace: return JwtCredentialProblem::surrounding_whitespace;
        case CredentialProblem::surrounding_quotes: return JwtCredentialProblem::surrounding_quotes;
        default: return JwtCredentialProblem::control_character;
    }
}

inline bool email_shaped(std::string_view u) noexcept {
    const auto at = u.find('@');
    if (at == 0 || at == std::string_view::npos || u.find('@', at + 1) != std::string_view::npos) return false;
    const std::string_view domain = u.substr(at + 1);
    const auto dot = domain.find('.');
    if (dot == 0 || dot == std::string_view::npos || domain.back() == '.') return false;
    for (char c : u)
        if (static_cast<unsigned char>(c) <= 0x20) return false;
    return true;
}

// Does not wipe anything itself: the callers pass views of Secrets or wiped buffers.
inline JwtCredentialProblem inspect_pem(std::string_view pem) noexcept {
    if (pem.empty()) return JwtCredentialProblem::empty;
    const auto has = [&](std::string_view s) { return pem.find(s) != std::string_view::npos; };
    if (!has("-----BEGIN ")) return JwtCredentialProblem::not_pem;
    if (has("ENCRYPTED PRIVATE KEY-----") || has("Proc-Type: 4,ENCRYPTED")) return JwtCredentialProblem::encrypted_key;
    if (!has("PRIVATE KEY-----")) {
        if (has("CERTIFICATE-----")) return JwtCredentialProblem::certificate_not_key;
        if (has("PUBLIC KEY-----")) return JwtCredentialProblem::public_key_not_private;
        return JwtCredentialProblem::not_pem;
    }
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (bio == nullptr) return JwtCredentialProblem::unreadable_key;
    // A passphrase callback that gives none: an encrypted key fails instead of prompting on the terminal.
    pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
    BIO_free(bio);
    ERR_clear_error();
    if (key == nullptr) return JwtCredentialProblem::unreadable_key;
    JwtCredentialProblem p = JwtCredentialProblem::none;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) p = JwtCredentialProblem::not_rsa;
    else if (EVP_PKEY_get_bits(key) < 2048) p = JwtCredentialProblem::key_too_short;
    EVP_PKEY_free(key);
    return p;
}

inline JwtCredentialProblem inspect_audience(std::string_view a) noexcept {
    if (a.empty()) return JwtCredentialProblem::empty;
    if (const auto f = inspect(a); f.problem != CredentialProblem::none) return from_credential_problem(f.problem);
    constexpr std::string_view scheme = "https://";
    if (a.substr(0, scheme.size()) != scheme) return JwtCredentialProblem::bad_audience;
    const std::string_view rest = a.substr(scheme.size());
    const std::string_view host = rest.substr(0, rest.find('/'));
    if (host.empty() || rest.find_first_of("?#@ \\") != std::string_view::npos)
        return JwtCredentialProblem::bad_audience;
    return JwtCredentialProblem::none;
}

inline std::string_view pem_fix(JwtCredentialProblem p) noexcept {
    switch (p) {
        case JwtCredentialProblem::empty:
            return "is empty: give the PEM private key whose certificate is uploaded to the app";
        case JwtCredentialProblem::not_pem:
            return "is not a PEM key (no '-----BEGIN ... PRIVATE KEY-----' block): give the server.key made with "
                   "openssl, not a .p12/.jks store or a DER file";
        case JwtCredentialProblem::certificate_not_key:
            return "is a certificate, not a private key: the certificate (server.crt) goes to the connected app; "
                   "sfconnect needs the matching private key (server.key)";
        case JwtCredentialProblem::public_key_not_private:
            return "is a public key: give the private key (server.key) the certificate was made from";
        case JwtCredentialProblem::encrypted_key:
            return "is encrypted with a passphrase: write an unencrypted copy with 'openssl pkey -in server.key "
                   "-out server-plain.key' and protect that file with file permissions";
        case JwtCredentialProblem::not_rsa:
            return "is not an RSA key: Salesforce verifies RS256 only; make one with 'openssl genrsa -out server.key "
                   "2048' and upload a certificate made from it";
        case JwtCredentialProblem::key_too_short:
            return "is an RSA key shorter than 2048 bits: make a 2048-bit (or longer) key and upload its certificate";
        default: return "cannot be read by OpenSSL: copy the whole PEM file again, BEGIN and END lines included";
    }
}

// What the JWT bearer flow's credentials are, for every hint about them (the default hint of
// errc::invalid_credentials speaks of the Consumer Secret, which this flow does not use).
inline constexpr std::string_view jwt_hint =
    "Check the JWT bearer credentials: the Consumer Key (App Manager > your app > View > Manage Consumer "
    "Details), the Salesforce username to log in as, and the PEM private key whose certificate is uploaded "
    "to the connected app (Use digital signatures).";

inline error_code jwt_fail(Diagnostics& diag, std::string message, std::string_view extra_hint = {}) {
    const error_code ec = fail(diag, std::move(message));
    diag.hint = std::string(jwt_hint);
    if (!extra_hint.empty()) {
        diag.hint += ' ';
        diag.hint += extra_hint;
    }
    return ec;
}

inline error_code report_username(Diagnostics& diag, std::string_view u, JwtCredentialProblem p,
                                  std::string_view where) {
    if (p == JwtCredentialProblem::not_email)
        return jwt_fail(diag, "Username" + std::string(where) + " '" + printable(u, 120) +
                                  "' is not a Salesforce username: usernames are shaped like email addresses "
                                  "(name@company.com; sandbox usernames end in .<sandbox name>)");
    const error_code ec = report(diag, Source{"Username", std::string(where)}, inspect(u), {});
    diag.hint = std::string(jwt_hint);
    return ec;
}

inline JwtCredentialProblem username_problem(std::string_view u) noexcept {
    if (const auto f = inspect(u); f.problem != CredentialProblem::none) return from_credential_problem(f.problem);
    return email_shaped(u) ? JwtCredentialProblem::none : JwtCredentialProblem::not_email;
}

// Key, username and PEM in that order; the PEM is never echoed.
inline error_code validate_jwt(std::string_view key, std::string_view user, std::string_view pem,
                               std::string_view pem_where, Diagnostics& diag) {
    if (const auto f = inspect(key); f.problem != CredentialProblem::none)
        return report(diag, Source{"Consumer Key", {}}, f,
                      f.problem == CredentialProblem::empty ? std::string_view{} : key);
    if (const auto p = username_problem(user); p != JwtCredentialProblem::none)
        return report_username(diag, user, p, {});
    if (const auto p = inspect_pem(pem); p != JwtCredentialProblem::none)
        return jwt_fail(diag, "Private key" + std::string(pem_where) + " " + std::string(pem_fix(p)),
                        "The key must be the one whose certificate is uploaded to the connected app.");
    diag.clear();
    return {};
}

}  // namespace detail

SFCONNECT_DECL std::string_view to_string(JwtCredentialProblem p) noexcept {
    switch (p) {
        case JwtCredentialProblem::none: return "none";
        case JwtCredentialProblem::empty: return "empty";
        case JwtCredentialProblem::surrounding_whitespace: return "surrounding_whitespace";
        case JwtCredentialProblem::surrounding_quotes: return "surrounding_quotes";
        case JwtCredentialProblem::control_character: return "control_character";
        case JwtCredentialProblem::not_email: return "not_email";
        case JwtCredentialProblem::not_pem: return "not_pem";
        case JwtCredentialProblem::certificate_not_key: return "certificate_not_key";
        case JwtCredentialProblem::public_key_not_private: return "public_key_not_private";
        case JwtCredentialProblem::encrypted_key: return "encrypted_key";
        case JwtCredentialProblem::not_rsa: return "not_rsa";
        case JwtCredentialProblem::key_too_short: return "key_too_short";
        case JwtCredentialProblem::unreadable_key: return "unreadable_key";
        case JwtCredentialProblem::bad_audience: return "bad_audience";
    }
    return "unknown";
}

SFCONNECT_DECL JwtCredentialProblem check_jwt_username(std::string_view username) noexcept {
    return detail::username_problem(username);
}

SFCONNECT_DECL JwtCredentialProblem check_private_key_pem(std::string_view pem) noexcept {
    return detail::inspect_pem(pem);
}

SFCONNECT_DECL std::string_view default_audience(const Site& site) noexcept {
    switch (site.kind()) {
        case SiteKind::sandbox:
        case SiteKind::legacy_sandbox:
        case SiteKind::scratch: return "https://test.salesforce.com";
        default: return "https://login.salesforce.com";
    }
}

SFCONNECT_DECL boost::system::result<JwtBearerCredentials> JwtBearerCredentials::create(
    std::string_view consumer_key, std::string_view username, std::string_view private_key_pem, Diagnostics& diag) {
    if (auto ec = detail::validate_jwt(consumer_key, username, private_key_pem, "", diag)) return ec;
    return JwtBearerCredentials(std::string(consumer_key), std::string(username), Secret(private_key_pem));
}

SFCONNECT_DECL boost::system::result<JwtBearerCredentials> JwtBearerCredentials::create(
    std::string_view consumer_key, std::string_view username, std::string_view private_key_pem) {
    Diagnostics diag;
    return create(consumer_key, username, private_key_pem, diag);
}

SFCONNECT_DECL boost::system::result<JwtBearerCredentials> JwtBearerCredentials::from_file(
    std::string_view consumer_key, std::string_view username, const std::string& private_key_path, Diagnostics& diag) {
    using namespace detail;
    LineReader reader;  // wipes what it read
    const std::string where = " (file '" + printable(private_key_path, max_config_text) + "')";
    if (auto error = reader.read(private_key_path, true); !error.empty())
        return jwt_fail(diag,
                        "Private key file '" + printable(private_key_path, max_config_text) + "' could not be read (" +
                            error + "): check the path and that this process may read it",
                        "Give the PEM file made with 'openssl genrsa' (server.key), not the certificate.");
    if (auto ec = validate_jwt(consumer_key, username, reader.all(), where, diag)) return ec;
    return JwtBearerCredentials(std::string(consumer_key), std::string(username), Secret(reader.all()));
}

SFCONNECT_DECL boost::system::result<JwtBearerCredentials> JwtBearerCredentials::from_env(
    Diagnostics& diag, std::string_view key_var, std::string_view username_var, std::string_view private_key_var) {
    using namespace detail;
    const auto lookup = [](std::string_view name) -> const char* {
        if (name.empty() || name.find('=') != std::string_view::npos || name.find('\0') != std::string_view::npos)
            return nullptr;
        return std::getenv(std::string(name).c_str());
    };
    const std::pair<std::string_view, std::string_view> vars[] = {{key_var, "Consumer Key"},
                                                                  {username_var, "username"},
                                                                  {private_key_var, "PEM private key"}};
    for (const auto& [var, what] : vars)
        if (lookup(var) == nullptr)
            return jwt_fail(diag,
                            "environment variable " + printable(var, max_config_text) + " (" + std::string(what) +
                                ") is not set: set it to the " + std::string(what),
                            "Make sure the variables are exported to this process's environment.");
    const std::string where = " (environment variable " + printable(private_key_var, max_config_text) + ")";
    const char* pem = lookup(private_key_var);
    if (auto ec = validate_jwt(lookup(key_var), lookup(username_var), pem, where, diag)) return ec;
    return JwtBearerCredentials(lookup(key_var), lookup(username_var), Secret(pem));
}

SFCONNECT_DECL error_code JwtBearerCredentials::set_audience(std::string_view audience_url, Diagnostics& diag) {
    using namespace detail;
    if (inspect_audience(audience_url) != JwtCredentialProblem::none)
        return jwt_fail(diag,
                        "Audience '" + printable(audience_url, 200) +
                            "' is not an https:// URL without query or user info: use https://login.salesforce.com, "
                            "https://test.salesforce.com or the Experience Cloud site's URL");
    audience_ = std::string(audience_url);
    diag.clear();
    return {};
}

SFCONNECT_DECL error_code JwtBearerCredentials::set_assertion_lifetime(std::chrono::seconds lifetime,
                                                                       Diagnostics& diag) {
    if (lifetime.count() < 1 || lifetime > max_assertion_lifetime)
        return detail::jwt_fail(diag,
                                "Assertion lifetime " + std::to_string(lifetime.count()) +
                                    " s is outside 1..180 s: Salesforce refuses an 'exp' more than 3 minutes ahead");
    lifetime_ = lifetime;
    diag.clear();
    return {};
}

SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const JwtBearerCredentials& c) {
    os << "JwtBearerCredentials{consumer_key=" << c.consumer_key() << ", username=" << c.username()
       << ", private_key=[redacted]";
    if (!c.audience().empty()) os << ", audience=" << c.audience();
    return os << '}';
}

}  // namespace sfconnect

#endif
