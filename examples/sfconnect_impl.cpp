// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// Separate compilation for the examples: sfconnect's and the emulator's non-template code, compiled
// once here (SFCONNECT_SEPARATE_COMPILATION is defined for this file and every example).
#include <sfconnect/src.hpp>
#include <sfconnect/testing/src.hpp>
