// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// The emulator (org model and TLS/HTTP server), compiled once for every test binary that uses it.
#include <sfconnect/testing/src.hpp>
