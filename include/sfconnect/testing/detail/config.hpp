// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_CONFIG_HPP
#define SFCONNECT_TESTING_DETAIL_CONFIG_HPP

// The org model and the emulator's server are compiled in ONE translation unit per program, the
// one that includes <sfconnect/testing/src.hpp>, whatever the SDK's own mode: the server is the
// heaviest code in the tree and would otherwise be compiled again in every TU that includes
// <sfconnect/testing/emulator.hpp>. SFCONNECT_TESTING_HEADER_ONLY (defined before the first
// sfconnect include) restores header-only behaviour for one-file programs.

#include <sfconnect/detail/config.hpp>

#ifdef SFCONNECT_TESTING_HEADER_ONLY
#define SFCONNECT_TESTING_DECL inline
#else
#define SFCONNECT_TESTING_DECL
#endif

#endif
