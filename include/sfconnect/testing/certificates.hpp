// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_CERTIFICATES_HPP
#define SFCONNECT_TESTING_CERTIFICATES_HPP

/// @file
/// Run-time test PKI: a throw-away certificate authority and server certificates, generated in
/// memory with OpenSSL (EC P-256 keys, SHA-256 signatures). For tests and local emulators only.

#include <sfconnect/detail/config.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace sfconnect {
namespace testing {

/// What a server (leaf) certificate issued by TestCertificateAuthority contains.
struct LeafOptions {
    /// DNS subject alternative names, such as {"demo.my.salesforce.com"}; the first one (if it fits)
    /// is also the subject CN. Allowed characters: letters, digits, '.', '-', '_' and '*'.
    std::vector<std::string> dns_names;
    /// IP-address subject alternative names, e.g. {"127.0.0.1"}.
    std::vector<std::string> ip_addresses;
    /// Start of validity relative to now (negative = in the past; the default tolerates clock skew).
    std::chrono::seconds not_before_offset{-3600};
    /// End of validity relative to now; a negative value gives an already expired certificate.
    std::chrono::seconds not_after_offset{86400};
};

/// A certificate and its private key, both PEM-encoded (the key as unencrypted PKCS#8).
struct KeyPairPem {
    /// "-----BEGIN CERTIFICATE-----" ...
    std::string certificate_pem;
    /// "-----BEGIN PRIVATE KEY-----" ...
    std::string private_key_pem;
};

/// A self-signed root CA (CA:TRUE, keyCertSign) created at construction, which issues server
/// certificates with the serverAuth extended key usage. Copyable; copies share the same CA identity.
/// Failures of the underlying OpenSSL calls throw std::runtime_error.
class TestCertificateAuthority {
public:
    /// Generates a new CA key and a self-signed CA certificate valid from one hour ago for 10 days.
    SFCONNECT_DECL explicit TestCertificateAuthority(std::string common_name = "sfconnect test CA");

    /// The CA certificate, PEM-encoded: what a client adds to its trust store.
    const std::string& certificate_pem() const noexcept { return certificate_pem_; }

    /// The CA's subject common name.
    const std::string& common_name() const noexcept { return common_name_; }

    /// Issues a server certificate signed by this CA. Throws std::invalid_argument when no SAN is
    /// given, a name contains characters outside the allowed set, or the validity window is empty.
    SFCONNECT_DECL KeyPairPem issue(const LeafOptions& options) const;

    /// Writes certificate_pem() to `path` (overwritten). Throws std::runtime_error on I/O failure.
    SFCONNECT_DECL void write_certificate_pem(const std::string& path) const;

private:
    std::string common_name_;
    std::string certificate_pem_;
    std::string private_key_pem_;
};

/// A self-signed server certificate for `dns_names`, not issued by any CA: clients that verify the
/// chain must reject it. Throws std::invalid_argument for an empty list or invalid names.
SFCONNECT_DECL KeyPairPem make_self_signed(const std::vector<std::string>& dns_names);

/// A connected app's signing pair for the JWT bearer flow, as an admin makes it with openssl: an
/// RSA private key of `rsa_bits` bits (unencrypted PKCS#8) and a self-signed certificate for it
/// (the one uploaded under "Use digital signatures"), valid from one hour ago for 10 days. Key
/// generation takes tens of milliseconds. Throws std::invalid_argument for rsa_bits outside 1024..4096.
SFCONNECT_DECL KeyPairPem make_jwt_signing_pair(int rsa_bits = 2048);

}  // namespace testing
}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/testing/impl/certificates.ipp>
#endif

#endif
