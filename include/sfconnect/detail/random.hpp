// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_RANDOM_HPP
#define SFCONNECT_DETAIL_RANDOM_HPP

// Jitter for retry backoff and error holds. Not for anything secret.

#include <random>

namespace sfconnect::detail {

/// A uniformly distributed number in [0, 1), from a per-thread generator seeded once.
inline double jitter01() {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace sfconnect::detail

#endif
