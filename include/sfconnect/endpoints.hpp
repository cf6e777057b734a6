// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_ENDPOINTS_HPP
#define SFCONNECT_ENDPOINTS_HPP

/// @file
/// The Salesforce endpoints the SDK uses, as compile-time checked Endpoint objects.
///
/// Usage: `endpoints::query.bind("64.0")`, `endpoints::sobject.bind("64.0", "Account", id)`, or by
/// name: `endpoints::sobject.bind("version"_p = "64.0", "sobject"_p = "Account", "id"_p = id)`.

#include <sfconnect/endpoint.hpp>

namespace sfconnect::endpoints {

/// POST /services/oauth2/token: the OAuth 2.0 token endpoint (client-credentials grant).
inline constexpr Endpoint<"/services/oauth2/token", Method::post> token{};
/// POST /services/oauth2/revoke: revokes an access or refresh token.
inline constexpr Endpoint<"/services/oauth2/revoke", Method::post> revoke{};
/// POST /services/oauth2/introspect: token introspection (RFC 7662).
inline constexpr Endpoint<"/services/oauth2/introspect", Method::post> introspect{};
/// GET /services/oauth2/userinfo: the OpenID Connect user info of the token's user.
inline constexpr Endpoint<"/services/oauth2/userinfo"> userinfo{};
/// GET /services/data/: the API versions the org supports (no authentication needed).
inline constexpr Endpoint<"/services/data/"> versions{};
/// GET /services/data/v{version}/: the resources available in one API version.
inline constexpr Endpoint<"/services/data/v{version}/"> version_root{};
/// GET /services/data/v{version}/limits/: the org's limits and what is left of them.
inline constexpr Endpoint<"/services/data/v{version}/limits/"> limits{};
/// GET /services/data/v{version}/sobjects/{sobject}/describe/: an object's metadata.
inline constexpr Endpoint<"/services/data/v{version}/sobjects/{sobject}/describe/"> sobject_describe{};
/// GET /services/data/v{version}/sobjects/{sobject}/{id}: one record.
inline constexpr Endpoint<"/services/data/v{version}/sobjects/{sobject}/{id}"> sobject{};
/// POST /services/data/v{version}/sobjects/{sobject}/: creates a record.
inline constexpr Endpoint<"/services/data/v{version}/sobjects/{sobject}/", Method::post> sobject_create{};
/// PATCH /services/data/v{version}/sobjects/{sobject}/{id}: updates a record.
inline constexpr Endpoint<"/services/data/v{version}/sobjects/{sobject}/{id}", Method::patch> sobject_update{};
/// DELETE /services/data/v{version}/sobjects/{sobject}/{id}: deletes a record.
inline constexpr Endpoint<"/services/data/v{version}/sobjects/{sobject}/{id}", Method::del> sobject_delete{};
/// GET /services/data/v{version}/query/: runs a SOQL query. Templates have no query part; add the
/// SOQL with `query.bind(v).with_query("q", soql)`. Further pages: runtime_target(nextRecordsUrl).
inline constexpr Endpoint<"/services/data/v{version}/query/"> query{};

/// GET /services/data/v{version}/queryAll/: a SOQL query that also returns deleted and archived
/// records. Add the SOQL with `with_query("q", soql)`.
inline constexpr Endpoint<"/services/data/v{version}/queryAll/"> query_all{};

/// POST /services/data/v{version}/composite: up to 25 subrequests in one call (see composite.hpp).
inline constexpr Endpoint<"/services/data/v{version}/composite", Method::post> composite{};

}  // namespace sfconnect::endpoints

#endif
