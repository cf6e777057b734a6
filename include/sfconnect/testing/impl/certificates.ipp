// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_IMPL_CERTIFICATES_IPP
#define SFCONNECT_TESTING_IMPL_CERTIFICATES_IPP

#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/detail/openssl.hpp>

#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace sfconnect {
namespace testing {
namespace detail {

inline pkey_ptr generate_p256_key() {
    pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1) {
        throw_openssl_error("EC key generation setup");
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
        throw_openssl_error("EC key generation");
    }
    return pkey_ptr{raw};
}

inline std::string bio_to_string(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

inline std::string to_pem(X509* cert) {
    bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
        throw_openssl_error("PEM_write_bio_X509");
    }
    return bio_to_string(bio.get());
}

inline std::string to_pem(EVP_PKEY* key) {
    bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw_openssl_error("PEM_write_bio_PrivateKey");
    }
    return bio_to_string(bio.get());
}

inline x509_ptr parse_certificate(const std::string& pem) {
    bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    x509_ptr cert{bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr};
    if (!cert) {
        throw_openssl_error("PEM_read_bio_X509");
    }
    return cert;
}

inline pkey_ptr parse_private_key(const std::string& pem) {
    bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    pkey_ptr key{bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr};
    if (!key) {
        throw_openssl_error("PEM_read_bio_PrivateKey");
    }
    return key;
}

// Names end up inside an OpenSSL config string ("DNS:a,DNS:b"), so separators must not get in.
inline void check_san(const std::string& value, bool ip) {
    if (value.empty() || value.size() > 253) {
        throw std::invalid_argument("sfconnect::testing: empty or overlong subject alternative name");
    }
    for (const char c : value) {
        const bool ok = ip ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
                              c == ':')
                           : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
                              c == '-' || c == '_' || c == '*');
        if (!ok) {
            throw std::invalid_argument("sfconnect::testing: invalid character in subject alternative name '" + value +
                                        "'");
        }
    }
}

inline void add_extension(X509* cert, X509V3_CTX& ctx, int nid, const std::string& value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) {
        throw_openssl_error("X509V3_EXT_conf_nid");
    }
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (ok != 1) {
        throw_openssl_error("X509_add_ext");
    }
}

inline void add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                   -1, -1, 0) != 1) {
        throw_openssl_error("X509_NAME_add_entry_by_txt");
    }
}

struct CertificateSpec {
    std::string common_name;
    std::chrono::seconds not_before_offset{};
    std::chrono::seconds not_after_offset{};
    bool is_ca = false;
    std::string subject_alt_names;  // OpenSSL config syntax; empty for a CA
};

// Builds and signs one certificate. With no issuer it is self-signed by `key`.
inline x509_ptr make_certificate(const CertificateSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    if (spec.not_after_offset <= spec.not_before_offset) {
        throw std::invalid_argument("sfconnect::testing: certificate validity window is empty");
    }
    x509_ptr cert{X509_new()};
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
        throw_openssl_error("X509_new");
    }
    // Random positive 127-bit serial: distinct certificates from one CA must not share serials.
    bignum_ptr serial{BN_new()};
    if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
        throw_openssl_error("certificate serial");
    }
    if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(spec.not_before_offset.count())) ==
            nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(spec.not_after_offset.count())) == nullptr) {
        throw_openssl_error("certificate validity");
    }
    X509_NAME* subject = X509_get_subject_name(cert.get());
    add_name_entry(subject, "O", "sfconnect testing");
    add_name_entry(subject, "CN", spec.common_name);
    if (X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : subject) != 1 ||
        X509_set_pubkey(cert.get(), key) != 1) {
        throw_openssl_error("certificate names");
    }

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    if (spec.is_ca) {
        add_extension(cert.get(), ctx, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), ctx, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert.get(), ctx, NID_key_usage, "critical,digitalSignature");
        add_extension(cert.get(), ctx, NID_ext_key_usage, "serverAuth");
        add_extension(cert.get(), ctx, NID_subject_alt_name, spec.subject_alt_names);
    }
    add_extension(cert.get(), ctx, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), ctx, NID_authority_key_identifier, "keyid:always");

    if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
        throw_openssl_error("X509_sign");
    }
    return cert;
}

inline CertificateSpec leaf_spec(const LeafOptions& options) {
    if (options.dns_names.empty() && options.ip_addresses.empty()) {
        throw std::invalid_argument("sfconnect::testing: a server certificate needs at least one DNS name or IP");
    }
    CertificateSpec spec;
    for (const auto& name : options.dns_names) {
        check_san(name, false);
        spec.subject_alt_names += (spec.subject_alt_names.empty() ? "DNS:" : ",DNS:") + name;
    }
    for (const auto& ip : options.ip_addresses) {
        check_san(ip, true);
        spec.subject_alt_names += (spec.subject_alt_names.empty() ? "IP:" : ",IP:") + ip;
    }
    // X.509 caps the CN at 64 characters; the SAN is what clients check anyway.
    const std::string& first = options.dns_names.empty() ? options.ip_addresses.front() : options.dns_names.front();
    spec.common_name = first.size() <= 64 ? first : "sfconnect test server";
    spec.not_before_offset = options.not_before_offset;
    spec.not_after_offset = options.not_after_offset;
    return spec;
}

inline pkey_ptr generate_rsa_key(int bits) {
    pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) {
        throw_openssl_error("RSA key generation setup");
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
        throw_openssl_error("RSA key generation");
    }
    return pkey_ptr{raw};
}

}  // namespace detail

SFCONNECT_DECL TestCertificateAuthority::TestCertificateAuthority(std::string common_name)
    : common_name_(std::move(common_name)) {
    if (common_name_.empty() || common_name_.size() > 64) {
        throw std::invalid_argument("sfconnect::testing: CA common name must have 1 to 64 characters");
    }
    detail::pkey_ptr key = detail::generate_p256_key();
    detail::CertificateSpec spec;
    spec.common_name = common_name_;
    spec.not_before_offset = std::chrono::hours(-1);
    spec.not_after_offset = std::chrono::hours(24 * 10);
    spec.is_ca = true;
    detail::x509_ptr cert = detail::make_certificate(spec, key.get(), nullptr, nullptr);
    certificate_pem_ = detail::to_pem(cert.get());
    private_key_pem_ = detail::to_pem(key.get());
}

SFCONNECT_DECL KeyPairPem TestCertificateAuthority::issue(const LeafOptions& options) const {
    const detail::CertificateSpec spec = detail::leaf_spec(options);
    detail::x509_ptr ca_cert = detail::parse_certificate(certificate_pem_);
    detail::pkey_ptr ca_key = detail::parse_private_key(private_key_pem_);
    detail::pkey_ptr key = detail::generate_p256_key();
    detail::x509_ptr cert = detail::make_certificate(spec, key.get(), ca_cert.get(), ca_key.get());
    return KeyPairPem{detail::to_pem(cert.get()), detail::to_pem(key.get())};
}

SFCONNECT_DECL void TestCertificateAuthority::write_certificate_pem(const std::string& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << certificate_pem_;
    out.close();
    if (!out) {
        throw std::runtime_error("sfconnect::testing: cannot write the CA certificate to '" + path + "'");
    }
}

SFCONNECT_DECL KeyPairPem make_self_signed(const std::vector<std::string>& dns_names) {
    LeafOptions options;
    options.dns_names = dns_names;
    const detail::CertificateSpec spec = detail::leaf_spec(options);
    detail::pkey_ptr key = detail::generate_p256_key();
    detail::x509_ptr cert = detail::make_certificate(spec, key.get(), nullptr, nullptr);
    return KeyPairPem{detail::to_pem(cert.get()), detail::to_pem(key.get())};
}

SFCONNECT_DECL KeyPairPem make_jwt_signing_pair(int rsa_bits) {
    if (rsa_bits < 1024 || rsa_bits > 4096) {
        throw std::invalid_argument("sfconnect::testing: rsa_bits must be within 1024..4096");
    }
    detail::pkey_ptr key = detail::generate_rsa_key(rsa_bits);
    detail::CertificateSpec spec;
    spec.common_name = "sfconnect JWT app";
    spec.not_before_offset = std::chrono::hours(-1);
    spec.not_after_offset = std::chrono::hours(24 * 10);
    spec.subject_alt_names = "DNS:jwt-app.sfconnect.example";
    detail::x509_ptr cert = detail::make_certificate(spec, key.get(), nullptr, nullptr);
    return KeyPairPem{detail::to_pem(cert.get()), detail::to_pem(key.get())};
}

}  // namespace testing
}  // namespace sfconnect

#endif
