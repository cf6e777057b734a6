// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_SFCONNECT_HPP
#define SFCONNECT_SFCONNECT_HPP

/// @file
/// The one include: validation (Site, ConsumerCredentials, Endpoint), TokenClient and Save & Check.
/// A program that only validates input can include the light headers alone (site.hpp,
/// consumer_credentials.hpp, endpoint.hpp, error.hpp): they do not pull in Beast or TLS.

#include <sfconnect/access_token.hpp>
#include <sfconnect/api_version.hpp>
#include <sfconnect/check.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/endpoints.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/https_transport.hpp>
#include <sfconnect/limit_info.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/trace.hpp>
#include <sfconnect/version.hpp>

#endif
