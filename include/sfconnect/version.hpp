// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_VERSION_HPP
#define SFCONNECT_VERSION_HPP

/// @file
/// The library version: the one place it is written (CMake reads it from here).

#include <string_view>

/// Major version, for preprocessor checks (`#if SFCONNECT_VERSION_MAJOR >= 1`); incompatible API changes.
#define SFCONNECT_VERSION_MAJOR 0
/// Minor version, for preprocessor checks; added functionality.
#define SFCONNECT_VERSION_MINOR 1
/// Patch version, for preprocessor checks; fixes only.
#define SFCONNECT_VERSION_PATCH 0

namespace sfconnect {

/// Semantic version of this sfconnect release.
struct Version {
    int major;  ///< incompatible API changes
    int minor;  ///< added functionality
    int patch;  ///< fixes
};

/// The version of the headers being compiled.
inline constexpr Version version{SFCONNECT_VERSION_MAJOR, SFCONNECT_VERSION_MINOR, SFCONNECT_VERSION_PATCH};

/// The version as "MAJOR.MINOR.PATCH".
inline constexpr std::string_view version_string = "0.1.0";

static_assert(SFCONNECT_VERSION_MAJOR == 0 && SFCONNECT_VERSION_MINOR == 1 && SFCONNECT_VERSION_PATCH == 0,
              "keep version_string in step with the version macros");

}  // namespace sfconnect

#endif
