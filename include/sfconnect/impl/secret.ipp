// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_SECRET_IPP
#define SFCONNECT_IMPL_SECRET_IPP

#include <sfconnect/secret.hpp>

#include <openssl/crypto.h>

#include <cstring>
#include <ostream>
#include <utility>

namespace sfconnect {

SFCONNECT_DECL void secure_wipe(void* p, std::size_t size) noexcept {
    if (p != nullptr && size != 0) OPENSSL_cleanse(p, size);
}

SFCONNECT_DECL Secret::Secret(std::string_view value) {
    if (value.empty()) return;
    data_ = new char[value.size() + 1];
    std::memcpy(data_, value.data(), value.size());
    data_[value.size()] = '\0';
    size_ = value.size();
}

SFCONNECT_DECL Secret::Secret(const Secret& other) : Secret(other.reveal()) {}

SFCONNECT_DECL Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SFCONNECT_DECL Secret& Secret::operator=(const Secret& other) {
    if (this != &other) {
        Secret copy(other);  // allocate first: if it throws, *this is unchanged
        *this = std::move(copy);
    }
    return *this;
}

SFCONNECT_DECL Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        clear();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

SFCONNECT_DECL Secret::~Secret() { clear(); }

SFCONNECT_DECL void Secret::clear() noexcept {
    if (data_ != nullptr) {
        secure_wipe(data_, size_ + 1);
        delete[] data_;
    }
    data_ = nullptr;
    size_ = 0;
}

SFCONNECT_DECL bool operator==(const Secret& a, const Secret& b) noexcept {
    if (a.size_ != b.size_) return false;
    if (a.size_ == 0) return true;
    return CRYPTO_memcmp(a.data_, b.data_, a.size_) == 0;
}

SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "[redacted]"; }

}  // namespace sfconnect

#endif
