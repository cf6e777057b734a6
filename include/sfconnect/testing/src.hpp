// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_SRC_HPP
#define SFCONNECT_TESTING_SRC_HPP

/// @file
/// Include this in exactly one .cpp of each program that uses the emulator (next to
/// <sfconnect/src.hpp> when the SDK is separately compiled): it compiles the org model
/// (OrgModel) and the emulator's TLS/HTTP server (Emulator) there, once, in header-only and
/// separate-compilation builds alike. The test CA is compiled here too in separate-compilation
/// builds (header-only builds compile it inline, as before).

#include <sfconnect/testing/impl/certificates.ipp>
#include <sfconnect/testing/impl/emulator.ipp>
#include <sfconnect/testing/impl/org_model.ipp>

#endif
