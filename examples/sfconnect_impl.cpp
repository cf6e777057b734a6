// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// The examples' one implementation TU: the emulator's implementation always (its header only
// declares it), and with SFCONNECT_SEPARATE_COMPILATION (defined for this file and every example
// when SFCONNECT_EXAMPLES_SEPARATE_COMPILATION is ON) sfconnect's non-template code too.
#ifdef SFCONNECT_SEPARATE_COMPILATION
#include <sfconnect/src.hpp>
#endif
#include <sfconnect/testing/src.hpp>
