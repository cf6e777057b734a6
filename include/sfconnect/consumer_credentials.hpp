// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_CONSUMER_CREDENTIALS_HPP
#define SFCONNECT_CONSUMER_CREDENTIALS_HPP

/// @file
/// ConsumerCredentials: the connected app's Consumer Key and Consumer Secret, validated.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/system/result.hpp>

#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>

namespace sfconnect {

/// What is wrong with a Consumer Key or Consumer Secret value, as found by the validators.
enum class CredentialProblem {
    none,                    ///< the value is acceptable
    empty,                   ///< the value is empty
    surrounding_whitespace,  ///< spaces, tabs, line breaks or no-break spaces at the start or end
    surrounding_quotes,      ///< the value is wrapped in quotes ("…", '…', “…” or ‘…’)
    control_character,       ///< the value contains a line break, tab, NUL or other control character
    not_set,                 ///< the environment variable that should hold the value is not set
    unreadable_file,         ///< the file that should hold the value could not be read
};

/// The stable name of a problem ("none", "empty", "surrounding_whitespace", ...).
SFCONNECT_DECL std::string_view to_string(CredentialProblem p) noexcept;

/// Checks a Consumer Key. Only empty values, surrounding whitespace or quotes and control
/// characters are rejected: inner printable characters of any kind are left to Salesforce to judge.
SFCONNECT_DECL CredentialProblem check_consumer_key(std::string_view key) noexcept;
/// Checks a Consumer Secret with the same rules as check_consumer_key.
SFCONNECT_DECL CredentialProblem check_consumer_secret(std::string_view secret) noexcept;

/// A connected app's (or External Client App's) Consumer Key and Consumer Secret, both validated.
///
/// Failures are errc::invalid_credentials with Diagnostics (phase "credentials") naming the value,
/// what is wrong and how to fix it. The secret never appears in diagnostics or output; the key is
/// not secret and may be shown, shortened.
class ConsumerCredentials {
public:
    /// Validates and stores a key and a secret.
    SFCONNECT_DECL static boost::system::result<ConsumerCredentials> create(std::string_view consumer_key,
                                                                            std::string_view consumer_secret,
                                                                            Diagnostics& diag);
    /// Validates and stores a key and a secret, without diagnostics.
    SFCONNECT_DECL static boost::system::result<ConsumerCredentials> create(std::string_view consumer_key,
                                                                            std::string_view consumer_secret);

    /// Reads the key and secret from environment variables (SFCONNECT_CONSUMER_KEY and
    /// SFCONNECT_CONSUMER_SECRET unless other names are given). An unset variable is
    /// CredentialProblem::not_set; a set but empty one is CredentialProblem::empty.
    SFCONNECT_DECL static boost::system::result<ConsumerCredentials> from_env(
        Diagnostics& diag, std::string_view key_var = "SFCONNECT_CONSUMER_KEY",
        std::string_view secret_var = "SFCONNECT_CONSUMER_SECRET");
    /// Reads SFCONNECT_CONSUMER_KEY and SFCONNECT_CONSUMER_SECRET, without diagnostics.
    SFCONNECT_DECL static boost::system::result<ConsumerCredentials> from_env();

    /// Takes the key as given and reads the secret from the first line of a file. One trailing
    /// "\n" or "\r\n" ends the line and is not part of the secret (editors add it); anything after
    /// the first line is ignored. The file's bytes are wiped from memory after reading.
    SFCONNECT_DECL static boost::system::result<ConsumerCredentials> from_file(std::string_view consumer_key,
                                                                               const std::string& secret_path,
                                                                               Diagnostics& diag);

    /// The Consumer Key (also called client_id).
    const std::string& consumer_key() const noexcept { return key_; }
    /// The Consumer Secret (also called client_secret).
    const Secret& consumer_secret() const noexcept { return secret_; }

private:
    ConsumerCredentials(std::string key, Secret secret) : key_(std::move(key)), secret_(std::move(secret)) {}

    std::string key_;
    Secret secret_;
};

/// Writes "ConsumerCredentials{consumer_key=<key>, consumer_secret=[redacted]}".
SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const ConsumerCredentials& c);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/consumer_credentials.ipp>
#endif

#endif
