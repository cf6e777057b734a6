// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_REDIS_SRC_HPP
#define SFCONNECT_REDIS_SRC_HPP

/// @file
/// Separate compilation of the Redis token store (component sfconnect::redis): with
/// SFCONNECT_SEPARATE_COMPILATION defined, include this header in exactly one .cpp, next to
/// <sfconnect/src.hpp> (which leaves the Redis store out, so programs without hiredis build).

#ifndef SFCONNECT_SEPARATE_COMPILATION
#error "<sfconnect/redis_src.hpp> is only for builds that define SFCONNECT_SEPARATE_COMPILATION"
#endif

#include <sfconnect/redis_token_store.hpp>
#include <sfconnect/impl/redis_token_store.ipp>

#endif
