// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_SECRET_HPP
#define SFCONNECT_SECRET_HPP

/// @file
/// Secret: a string that is wiped from memory when no longer needed and never prints.

#include <sfconnect/detail/config.hpp>

#include <cstddef>
#include <iosfwd>
#include <string_view>

namespace sfconnect {

/// A secret value (consumer secret, access token) in its own heap buffer.
///
/// The buffer is wiped with OPENSSL_cleanse when the Secret is destroyed or assigned to. A move
/// hands the buffer over, so the moved-from Secret is empty and owns no copy. Copies are deep
/// (each copy is one more place the secret lives; copy only when needed). It never prints:
/// operator<< writes "[redacted]", there is no conversion to string, and the only accessor is
/// reveal(). std::string is deliberately not used: its small-string buffer and reallocations leave
/// copies behind that nobody wipes.
class Secret {
public:
    /// An empty secret.
    Secret() noexcept = default;
    /// Copies value into a fresh buffer. The caller remains responsible for wiping its own copy.
    SFCONNECT_DECL explicit Secret(std::string_view value);
    /// Deep copy.
    SFCONNECT_DECL Secret(const Secret& other);
    /// Takes over other's buffer; other becomes empty.
    SFCONNECT_DECL Secret(Secret&& other) noexcept;
    /// Wipes the current value, then deep-copies other.
    SFCONNECT_DECL Secret& operator=(const Secret& other);
    /// Wipes the current value, then takes over other's buffer; other becomes empty.
    SFCONNECT_DECL Secret& operator=(Secret&& other) noexcept;
    /// Wipes the value.
    SFCONNECT_DECL ~Secret();

    /// The secret itself. Loudly named so that every use is easy to find and review; the view is
    /// valid until this Secret is modified or destroyed.
    std::string_view reveal() const noexcept { return {data_ == nullptr ? "" : data_, size_}; }
    /// True if the secret has no characters.
    bool empty() const noexcept { return size_ == 0; }
    /// Number of characters (bytes).
    std::size_t size() const noexcept { return size_; }

    /// Wipes the value and makes the secret empty.
    SFCONNECT_DECL void clear() noexcept;

    /// Compares in constant time for equal lengths (CRYPTO_memcmp); only the length can leak.
    SFCONNECT_DECL friend bool operator==(const Secret& a, const Secret& b) noexcept;
    /// Writes "[redacted]", never the value.
    SFCONNECT_DECL friend std::ostream& operator<<(std::ostream& os, const Secret& s);

private:
    char* data_ = nullptr;  // size_ bytes plus a NUL, or null when empty
    std::size_t size_ = 0;
};

/// Wipes size bytes at p with OPENSSL_cleanse (which the optimiser cannot remove).
SFCONNECT_DECL void secure_wipe(void* p, std::size_t size) noexcept;

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/secret.ipp>
#endif

#endif
