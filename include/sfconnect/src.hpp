// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_SRC_HPP
#define SFCONNECT_SRC_HPP

/// @file
/// Separate compilation (Boost.MySQL style): define SFCONNECT_SEPARATE_COMPILATION for every TU and
/// include this header in exactly one .cpp; the non-template code is then compiled once there.

#ifndef SFCONNECT_SEPARATE_COMPILATION
#error "<sfconnect/src.hpp> is only for builds that define SFCONNECT_SEPARATE_COMPILATION"
#endif

#include <sfconnect/basic_token_client.hpp>
#include <sfconnect/file_token_store.hpp>
#include <sfconnect/sfconnect.hpp>
#include <sfconnect/impl/access_token.ipp>
#include <sfconnect/impl/api_version.ipp>
#include <sfconnect/impl/check.ipp>
#include <sfconnect/impl/composite.ipp>
#include <sfconnect/impl/consumer_credentials.ipp>
#include <sfconnect/impl/diagnostics.ipp>
#include <sfconnect/impl/endpoint.ipp>
#include <sfconnect/impl/error.ipp>
#include <sfconnect/impl/file_token_store.ipp>
#include <sfconnect/impl/https_transport.ipp>
#include <sfconnect/impl/jwt_bearer_credentials.ipp>
#include <sfconnect/impl/limit_info.ipp>
#include <sfconnect/impl/query.ipp>
#include <sfconnect/impl/reply_errors.ipp>
#include <sfconnect/impl/secret.ipp>
#include <sfconnect/impl/site.ipp>
#include <sfconnect/impl/token_client.ipp>
#include <sfconnect/impl/trace.ipp>

#endif
