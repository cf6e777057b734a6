// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_JWT_BEARER_CREDENTIALS_HPP
#define SFCONNECT_JWT_BEARER_CREDENTIALS_HPP

/// @file
/// JwtBearerCredentials: what the OAuth 2.0 JWT bearer flow needs (Consumer Key, username, the RSA
/// private key whose certificate is uploaded to the connected app), validated.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>

namespace sfconnect {

/// What is wrong with a JWT bearer value (username, private key PEM, audience), as found by the validators.
enum class JwtCredentialProblem {
    none,                    ///< the value is acceptable
    empty,                   ///< the value is empty
    surrounding_whitespace,  ///< spaces, tabs, line breaks or no-break spaces at the start or end
    surrounding_quotes,      ///< the value is wrapped in quotes
    control_character,       ///< the value contains a line break, tab, NUL or other control character
    not_email,               ///< the username is not shaped like an email address (name@domain.tld)
    not_pem,                 ///< the key is not PEM text ("-----BEGIN ... PRIVATE KEY-----")
    certificate_not_key,     ///< a certificate was given where the private key belongs
    public_key_not_private,  ///< a public key was given where the private key belongs
    encrypted_key,           ///< the key is encrypted with a passphrase
    not_rsa,                 ///< the key is not an RSA key (Salesforce signs and verifies RS256 only)
    key_too_short,           ///< an RSA key shorter than 2048 bits
    unreadable_key,          ///< PEM markers are there, but OpenSSL cannot read the key
    bad_audience,            ///< the audience override is not an https:// URL without path or query
};

/// The stable name of a problem ("none", "not_email", "encrypted_key", ...).
SFCONNECT_DECL std::string_view to_string(JwtCredentialProblem p) noexcept;

/// Checks a Salesforce username: no surrounding whitespace or quotes, no control characters, and
/// email-shaped (one '@', a dot in the domain part).
SFCONNECT_DECL JwtCredentialProblem check_jwt_username(std::string_view username) noexcept;
/// Checks a PEM private key: an unencrypted RSA private key (PKCS#1 or PKCS#8) of at least 2048 bits.
SFCONNECT_DECL JwtCredentialProblem check_private_key_pem(std::string_view pem) noexcept;

/// The `aud` claim Salesforce expects for a Site: "https://test.salesforce.com" for sandboxes and
/// scratch orgs, "https://login.salesforce.com" for every other kind (production, Developer Edition, ...).
SFCONNECT_DECL std::string_view default_audience(const Site& site) noexcept;

/// Credentials of the OAuth 2.0 JWT bearer flow: the connected app's Consumer Key (the `iss` claim),
/// the Salesforce username to log in as (`sub`), and the RSA private key whose certificate is
/// uploaded to the app ("Use digital signatures"), plus an optional audience override.
///
/// Failures are errc::invalid_credentials with Diagnostics (phase "credentials") naming the value,
/// what is wrong and how to fix it. The private key is held as a Secret: wiped when no longer
/// needed, never printed, never in diagnostics.
class JwtBearerCredentials {
public:
    /// The longest assertion lifetime Salesforce accepts (`exp` at most 3 minutes ahead).
    static constexpr std::chrono::seconds max_assertion_lifetime{180};

    /// Validates and stores a Consumer Key, a username and a PEM private key given as a value.
    SFCONNECT_DECL static boost::system::result<JwtBearerCredentials> create(std::string_view consumer_key,
                                                                             std::string_view username,
                                                                             std::string_view private_key_pem,
                                                                             Diagnostics& diag);
    /// Same, without diagnostics.
    SFCONNECT_DECL static boost::system::result<JwtBearerCredentials> create(std::string_view consumer_key,
                                                                             std::string_view username,
                                                                             std::string_view private_key_pem);
    /// Reads the PEM private key from a file (at most 64 KiB; the bytes read are wiped afterwards).
    SFCONNECT_DECL static boost::system::result<JwtBearerCredentials> from_file(std::string_view consumer_key,
                                                                                std::string_view username,
                                                                                const std::string& private_key_path,
                                                                                Diagnostics& diag);
    /// Reads the key, the username and the PEM private key from environment variables. An unset
    /// variable is reported by name.
    SFCONNECT_DECL static boost::system::result<JwtBearerCredentials> from_env(
        Diagnostics& diag, std::string_view key_var = "SFCONNECT_CONSUMER_KEY",
        std::string_view username_var = "SFCONNECT_USERNAME",
        std::string_view private_key_var = "SFCONNECT_PRIVATE_KEY");

    /// Overrides the `aud` claim (an Experience Cloud site, or a login host the Site's kind does not
    /// imply): an https:// URL without path, query or user info. On failure nothing changes and diag
    /// says why (errc::invalid_credentials).
    SFCONNECT_DECL error_code set_audience(std::string_view audience_url, Diagnostics& diag);
    /// Sets how far ahead of now each assertion's `exp` lies: 1 to 180 seconds (default 180).
    /// Anything else is errc::invalid_credentials and changes nothing.
    SFCONNECT_DECL error_code set_assertion_lifetime(std::chrono::seconds lifetime, Diagnostics& diag);

    /// The Consumer Key (the `iss` claim).
    const std::string& consumer_key() const noexcept { return key_; }
    /// The Salesforce username (the `sub` claim).
    const std::string& username() const noexcept { return username_; }
    /// The PEM private key.
    const Secret& private_key_pem() const noexcept { return pem_; }
    /// The audience override; empty means "from the Site's kind" (default_audience()).
    const std::string& audience() const noexcept { return audience_; }
    /// The `exp` distance of each assertion.
    std::chrono::seconds assertion_lifetime() const noexcept { return lifetime_; }

private:
    JwtBearerCredentials(std::string key, std::string username, Secret pem)
        : key_(std::move(key)), username_(std::move(username)), pem_(std::move(pem)) {}

    std::string key_;
    std::string username_;
    Secret pem_;
    std::string audience_;
    std::chrono::seconds lifetime_ = max_assertion_lifetime;
};

/// Writes "JwtBearerCredentials{consumer_key=<key>, username=<user>, private_key=[redacted]}".
SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const JwtBearerCredentials& c);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/jwt_bearer_credentials.ipp>
#endif

#endif
