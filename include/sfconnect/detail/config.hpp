// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_CONFIG_HPP
#define SFCONNECT_DETAIL_CONFIG_HPP

// Header-only by default. Define SFCONNECT_SEPARATE_COMPILATION in every TU and include
// <sfconnect/src.hpp> in exactly one .cpp to compile the non-template parts once (Boost.MySQL style).
#ifdef SFCONNECT_SEPARATE_COMPILATION
#define SFCONNECT_DECL
#else
#define SFCONNECT_HEADER_ONLY 1
#define SFCONNECT_DECL inline
#endif

#if __cplusplus < 202002L && !defined(_MSVC_LANG)
#error "sfconnect needs C++20 (coroutines, class-type template parameters, consteval)"
#endif

#endif
