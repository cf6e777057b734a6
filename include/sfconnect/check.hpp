// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_CHECK_HPP
#define SFCONNECT_CHECK_HPP

/// @file
/// Save & Check: validates what an admin entered (Site, Consumer Key, Consumer Secret) and proves the
/// whole path works, step by step: site, connect, tls, token, api, identity. The report says which
/// step failed, with the stable error code, our message, the server's own words and a remediation hint.

#include <sfconnect/api_version.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
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
    /// The connected app's Consumer Secret (client credentials flow). Never appears in the report.
    Secret consumer_secret;
    /// The OAuth flow to check: "client_credentials" (the default) or "jwt_bearer".
    std::string flow = "client_credentials";
    /// JWT bearer flow: the Salesforce username to log in as.
    std::string username{};
    /// JWT bearer flow: the PEM private key whose certificate is uploaded to the app. Never appears
    /// in the report.
    Secret private_key_pem{};
    /// JWT bearer flow: the audience override; empty derives it from the Site's kind.
    std::string audience{};
};

/// One run of the whole check while waiting out propagation (CheckOptions::wait).
struct CheckAttempt {
    /// 1 for the first run.
    int number = 1;
    /// When the attempt started, ISO-8601 UTC with milliseconds.
    std::string started_at;
    /// The step that failed; empty when the attempt passed.
    std::string step;
    /// The attempt's first failure; success when it passed.
    error_code code;
    /// Logins (token requests) the attempt sent, retries included.
    std::uint64_t logins = 0;
    /// The delay before the next attempt; nullopt when this attempt was the last.
    std::optional<std::chrono::milliseconds> next_delay;
};

/// What the check exercises beyond the connection options.
struct CheckOptions {
    /// The REST API version the api step requests (GET /services/data/vNN.0/).
    ApiVersion api_version = ApiVersion::default_version();
    /// Waiting out propagation ("changes can take up to 10 minutes to take effect"): when an attempt
    /// fails with an error a setup change still propagating can explain (check_error_may_be_propagating),
    /// the whole check runs again after a delay, until it passes or this much time is spent. 0: one attempt.
    std::chrono::milliseconds wait{0};
    /// The first delay between attempts; each next one doubles, up to max_delay.
    std::chrono::milliseconds first_delay{std::chrono::seconds(5)};
    /// The longest delay between attempts.
    std::chrono::milliseconds max_delay{std::chrono::seconds(60)};
    /// Called after each attempt (on the check's executor), e.g. to show progress while waiting.
    std::function<void(const CheckAttempt&)> on_attempt;
};

/// True for the errors a setup change that is still propagating can explain (invalid_client_id,
/// invalid_client_secret, no_run_as_user, grant_not_enabled, session_not_valid_for_api,
/// insufficient_access): the ones CheckOptions::wait retries. Everything else (unsupported_domain,
/// redirected, TLS, DNS, login_rate_exceeded, invalid_site, ...) stops at once.
SFCONNECT_DECL bool check_error_may_be_propagating(const error_code& ec) noexcept;

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
    /// The normalised Site host, or the input as given (without userinfo, query or fragment) when it
    /// is not a valid Site.
    std::string site;
    /// Set when the check ran against the built-in emulator (sfconnect-check --demo): its scenario.
    std::optional<std::string> demo;
    /// The OAuth flow checked: "client_credentials" or "jwt_bearer".
    std::string flow = "client_credentials";
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
    /// Every attempt, in order (one unless CheckOptions::wait is set); the report describes the last.
    std::vector<CheckAttempt> attempts;
    /// Logins (token requests) spent over all attempts, retries included.
    std::uint64_t logins = 0;

    /// The report as one JSON object (the schema of `sfconnect-check --json`):
    /// {"ok", "version", "site", "demo", "flow", "steps": [{"name", "ok", "skipped", "ms", "detail"}], "error",
    /// "token", "api", "identity", "attempts": [{"attempt", "started_at", "step", "code", "logins",
    /// "next_delay_s"}], "logins"}; absent parts are null. Numbers of milliseconds have three decimals.
    /// Always valid UTF-8: invalid byte sequences from input or servers become U+FFFD.
    SFCONNECT_DECL std::string to_json() const;
};

namespace detail {
/// The check as a coroutine on the caller's executor (async_check runs it).
SFCONNECT_DECL boost::asio::awaitable<std::pair<error_code, CheckReport>> run_check(CheckInput input,
                                                                                    TokenClientOptions options,
                                                                                    CheckOptions check_options);
/// Formats a time point as ISO-8601 UTC with milliseconds.
SFCONNECT_DECL std::string iso8601_utc(std::chrono::system_clock::time_point tp);
/// `text` as valid UTF-8: every invalid byte sequence becomes U+FFFD.
SFCONNECT_DECL std::string valid_utf8(std::string_view text);
/// `text` safe for a terminal: valid UTF-8 and every control character (C0, DEL, C1) and
/// bidirectional-override or line-separator character replaced by '?'.
SFCONNECT_DECL std::string terminal_text(std::string_view text);
/// The Site as entered, for display: userinfo ("user:password@"), query and fragment removed.
SFCONNECT_DECL std::string displayable_site_input(std::string_view input);
}  // namespace detail

/// Runs Save & Check: site → connect → tls → token → api → identity, stopping at the first failure.
///
/// - site: Site::parse, ConsumerCredentials::create and the connection options (CA file or PEM,
///   proxy URL, connect-to); no network happens when this fails;
/// - connect: DNS and TCP (or the connect-to address, or the proxy tunnel); tls: handshake and
///   certificate verification against the Site;
/// - token: the client-credentials grant, signature verified when present;
/// - api: GET /services/data/vNN.0/ (one token refetch on "Session expired or invalid" only);
/// - identity: GET /services/oauth2/userinfo (user id, org id, username).
///
/// Completion signature: void(error_code, CheckReport); the error_code is the first failure's code
/// (success when every step passed). Neither the consumer secret nor an access token ever appears
/// in the report. `options` configure the connection like TokenClient's (CA, connect-to, proxy,
/// timeouts, retries). With `check_options.wait` set, failures that propagation can explain run the
/// whole check again (see CheckOptions::wait); the report then lists every attempt and the logins spent.
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
