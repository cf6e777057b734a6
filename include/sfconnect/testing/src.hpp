// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_SRC_HPP
#define SFCONNECT_TESTING_SRC_HPP

/// @file
/// With SFCONNECT_SEPARATE_COMPILATION, include this in exactly one test .cpp to compile the test
/// CA and the emulator once (next to <sfconnect/src.hpp> for the SDK itself).

#ifndef SFCONNECT_SEPARATE_COMPILATION
#error "<sfconnect/testing/src.hpp> is only for builds that define SFCONNECT_SEPARATE_COMPILATION"
#endif

#include <sfconnect/testing/impl/certificates.ipp>
#include <sfconnect/testing/impl/emulator.ipp>

#endif
