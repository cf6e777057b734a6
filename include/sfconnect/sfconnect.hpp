// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_SFCONNECT_HPP
#define SFCONNECT_SFCONNECT_HPP

/// @file
/// The one include: validation (Site, ConsumerCredentials, Endpoint), TokenClient and Save & Check.
/// A program that only validates input can include the light headers alone (site.hpp,
/// consumer_credentials.hpp, endpoint.hpp, error.hpp): they do not pull in Beast or TLS.

/// @namespace sfconnect
/// The SDK: input validation (Site, ConsumerCredentials, ApiVersion, Endpoint), the token client
/// (TokenClient), Save & Check (async_check) and the error vocabulary (errc, Diagnostics). Names in
/// the nested `detail` namespaces are private and may change without notice.

/// @namespace sfconnect::endpoints
/// The Salesforce endpoints the SDK uses, as compile-time checked Endpoint constants.

/// @namespace sfconnect::literals
/// User-defined literals: `"acme.my.salesforce.com"_site` and `"sobject"_p = "Account"`.

/// @namespace sfconnect::testing
/// Test support, not needed in production: the in-process Salesforce emulator (Emulator) and a
/// run-time test certificate authority. Include <sfconnect/testing/emulator.hpp>.

#include <sfconnect/access_token.hpp>
#include <sfconnect/api_version.hpp>
#include <sfconnect/check.hpp>
#include <sfconnect/composite.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/endpoints.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/jwt_bearer_credentials.hpp>
#include <sfconnect/limit_info.hpp>
#include <sfconnect/query.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/trace.hpp>
#include <sfconnect/version.hpp>

// The HTTPS transport and the client template behind TokenClient. Separate compilation leaves them
// out (include them explicitly to plug in a transport): TokenClient's users then never parse Beast's
// TLS stack.
#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/basic_token_client.hpp>
#include <sfconnect/https_transport.hpp>
#endif

#endif
