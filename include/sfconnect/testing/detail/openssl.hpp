// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_OPENSSL_HPP
#define SFCONNECT_TESTING_DETAIL_OPENSSL_HPP

// Small RAII and encoding helpers over OpenSSL's C API, shared by the test CA and the emulator.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sfconnect {
namespace testing {
namespace detail {

template <class T, void (*Free)(T*)>
struct openssl_deleter {
    void operator()(T* p) const noexcept { Free(p); }
};

using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY, &EVP_PKEY_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<EVP_PKEY_CTX, &EVP_PKEY_CTX_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509, &X509_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO, &BIO_free_all>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BIGNUM, &BN_free>>;

// Throws with OpenSSL's first queued error; the queue is cleared so later calls start clean.
[[noreturn]] inline void throw_openssl_error(const char* what) {
    const unsigned long code = ERR_get_error();
    char text[256] = "unknown OpenSSL error";
    if (code != 0) {
        ERR_error_string_n(code, text, sizeof text);
    }
    ERR_clear_error();
    throw std::runtime_error(std::string("sfconnect::testing: ") + what + ": " + text);
}

inline std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (n != 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw_openssl_error("RAND_bytes");
    }
    return out;
}

// `n` random characters from `alphabet` (one random byte each; the modulo bias is irrelevant here).
inline std::string random_string(std::size_t n, std::string_view alphabet) {
    std::string out = random_bytes(n);
    for (char& c : out) {
        c = alphabet[static_cast<unsigned char>(c) % alphabet.size()];
    }
    return out;
}

inline std::string upper_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

inline std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// Strict standard-alphabet decoder (padding optional); false on any other character.
inline bool base64_decode(std::string_view in, std::string& out) {
    out.clear();
    unsigned value = 0;
    int bits = 0;
    std::size_t i = 0;
    for (; i < in.size() && in[i] != '='; ++i) {
        const char c = in[i];
        int d = -1;
        if (c >= 'A' && c <= 'Z') d = c - 'A';
        else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
        else if (c >= '0' && c <= '9') d = c - '0' + 52;
        else if (c == '+') d = 62;
        else if (c == '/') d = 63;
        if (d < 0) {
            return false;
        }
        value = (value << 6) | static_cast<unsigned>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((value >> bits) & 0xff));
        }
    }
    for (; i < in.size(); ++i) {
        if (in[i] != '=') {
            return false;
        }
    }
    return true;
}

inline std::string hmac_sha256(std::string_view key, std::string_view message) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len) == nullptr) {
        throw_openssl_error("HMAC");
    }
    return std::string(reinterpret_cast<const char*>(mac), len);
}

// Comparison whose time does not depend on where the inputs differ (secrets, tokens).
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
