// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_CHECK_HPP
#define SFCONNECT_CHECK_HPP

/// @file
/// Save & Check: validates what an admin entered (Site, Consumer Key, Consumer Secret) and proves the
/// whole path works, step by step: site, connect, tls, token, api, identity. The report says which
/// step failed, with the stable error code, our message, the server's own words and a remediation hint.

#include <sfconnect/api_version.hpp>
#include <sfconnect/detail/config.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/token_client_options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace sfconnect {

/// What the admin entered, unvalidated (the check's first step validates it).
struct CheckInput {
    /// The Site: the org's My Domain host, e.g. "acme.my.salesforce.com".
    std::string site;
    /// The connected app's Consumer Key.
    std::string consumer_key;
    /// The connected app's Consumer Secret. Never appears in the report.
    Secret consumer_secret;
};

/// What the check exercises beyond the connection options.
struct CheckOptions {
    /// The REST API version the api step requests (GET /services/data/vNN.0/).
    ApiVersion api_version = ApiVersion::default_version();
};

/// The names of the check's steps, in the order they run.
inline constexpr std::array<std::string_view, 6> check_step_names{"site", "connect", "tls", "token", "api", "identity"};

/// The outcome of one step.
struct CheckStep {
    /// "site", "connect", "tls", "token", "api" or "identity".
    std::string name;
    /// True when the step ran and passed.
    bool ok = false;
    /// False when the step was skipped because an earlier one failed.
    bool ran = false;
    /// How long the step took, in milliseconds (0 when skipped).
    double ms = 0;
    /// One line for people: what was checked or found (e.g. the peer address, the TLS version).
    std::string detail;
};

/// The first failure of a check.
struct CheckFailure {
    /// The step that failed ("site" ... "identity").
    std::string step;
    /// The error; error_id(code) is its stable name.
    error_code code;
    /// Our message: what failed and why.
    std::string message;
    /// What the admin should change (which setup screen, which checkbox).
    std::string hint;
    /// HTTP status of the reply that failed, when there was one.
    std::optional<int> http_status;
    /// The server's error identifier (OAuth `error` or REST `errorCode`), verbatim.
    std::optional<std::string> server_error;
    /// The server's text (OAuth `error_description` or REST `message`), verbatim.
    std::optional<std::string> server_message;
};

/// What the token step learned (the access token itself is never kept).
struct CheckTokenSummary {
    /// Base URL for REST calls from the token reply.
    std::string instance_url;
    /// When the token was issued, ISO-8601 UTC with milliseconds ("2026-01-31T12:00:00.123Z").
    std::string issued_at;
    /// The granted scopes; nullopt when the reply had none.
    std::optional<std::string> scope;
    /// "Bearer".
    std::string token_type;
    /// True when the reply's signature matched the consumer secret.
    bool signature_verified = false;
};

/// What the api step learned.
struct CheckApiSummary {
    /// The REST API version that answered, e.g. "64.0".
    std::string version;
};

/// Who the Run As user is, from /services/oauth2/userinfo.
struct CheckIdentity {
    /// The user id (005...).
    std::string user_id;
    /// The org id (00D...).
    std::string organization_id;
    /// The username (`preferred_username`).
    std::string username;
};

/// The result of a check: every step (always all six, in order), the first failure and what was learned.
struct CheckReport {
    /// True when every step passed.
    bool ok = false;
    /// The normalised Site host, or the input as given when it is not a valid Site.
    std::string site;
    /// The six steps in order; the ones after a failure have ran == false.
    std::vector<CheckStep> steps;
    /// The first failure, when there was one.
    std::optional<CheckFailure> error;
    /// Filled once the token step passed.
    std::optional<CheckTokenSummary> token;
    /// Filled once the api step passed.
    std::optional<CheckApiSummary> api;
    /// Filled once the identity step passed.
    std::optional<CheckIdentity> identity;

    /// The report as one JSON object (the schema of `sfconnect-check --json`):
    /// {"ok", "site", "steps": [{"name", "ok", "skipped", "ms", "detail"}], "error", "token", "api",
    /// "identity"}; absent parts are null. Numbers of milliseconds have three decimals.
    SFCONNECT_DECL std::string to_json() const;
};

namespace detail {
/// The check as a coroutine on the caller's executor (async_check runs it).
SFCONNECT_DECL boost::asio::awaitable<std::pair<error_code, CheckReport>> run_check(CheckInput input,
                                                                                   TokenClientOptions options,
                                                                                   CheckOptions check_options);
/// Formats a time point as ISO-8601 UTC with milliseconds.
SFCONNECT_DECL std::string iso8601_utc(std::chrono::system_clock::time_point tp);
}  // namespace detail

/// Runs Save & Check: site → connect → tls → token → api → identity, stopping at the first failure.
///
/// - site: Site::parse and ConsumerCredentials::create (no network happens when this fails);
/// - connect: DNS and TCP (or the connect-to address, or the proxy tunnel); tls: handshake and
///   certificate verification against the Site;
/// - token: the client-credentials grant, signature verified when present;
/// - api: GET /services/data/vNN.0/ (one token refetch on "Session expired or invalid" only);
/// - identity: GET /services/oauth2/userinfo (user id, org id, username).
///
/// Completion signature: void(error_code, CheckReport); the error_code is the first failure's code
/// (success when every step passed). Neither the consumer secret nor an access token ever appears
/// in the report. `options` configure the connection like TokenClient's (CA, connect-to, proxy,
/// timeouts, retries).
template <class CompletionToken = boost::asio::deferred_t>
auto async_check(boost::asio::any_io_executor ex, CheckInput input, TokenClientOptions options,
                 CheckOptions check_options, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, void(error_code, CheckReport)>(
        [](auto handler, boost::asio::any_io_executor e, CheckInput in, TokenClientOptions o, CheckOptions c) {
            using handler_t = std::decay_t<decltype(handler)>;
            boost::asio::co_spawn(e, detail::run_check(std::move(in), std::move(o), c),
                                  detail::spawn_completion<handler_t, CheckReport>{std::move(handler)});
        },
        token, std::move(ex), std::move(input), std::move(options), check_options);
}

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/check.ipp>
#endif

#endif
