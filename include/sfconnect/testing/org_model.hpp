// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_ORG_MODEL_HPP
#define SFCONNECT_TESTING_ORG_MODEL_HPP

/// @file
/// The emulated Salesforce org without any network: OrgModel takes one HTTP request (method,
/// target, header fields, body) and returns the reply Salesforce would give, keeping the org's
/// state (issued tokens, scenario, query cursors, API usage) between calls. The Emulator serves it
/// over TLS; tests of the org's behaviour can call it directly, with no sockets or threads.
///
/// @code
///   sfconnect::testing::OrgModel org;
///   sfconnect::testing::OrgRequest request;
///   request.method = "POST";
///   request.target = "/services/oauth2/token";
///   request.headers = {{"Host", org.options().site}, {"Content-Type", "application/x-www-form-urlencoded"}};
///   request.body = "grant_type=client_credentials&client_id=...&client_secret=...";
///   const sfconnect::testing::OrgReply reply = org.handle(request);  // 200 and a token, as JSON
/// @endcode

#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/detail/config.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfconnect {
namespace testing {

/// The emulated org's state. Each value other than `healthy` reproduces one real failure with the
/// reply Salesforce gives for it (status, error code and text), as documented in
/// docs/salesforce-oauth.md.
enum class Scenario {
    healthy,                    ///< everything works
    wrong_domain,               ///< token: 400 invalid_grant "request not supported on this domain"
    no_run_as_user,             ///< token: 400 invalid_grant "no client credentials user enabled"
    flow_disabled,              ///< token: 400 unsupported_grant_type "grant type not supported"
    propagation_delay,          ///< token: 400 invalid_client_id "client identifier invalid" (even for the right key)
    user_inactive,              ///< token: 400 inactive_user "User is inactive"
    org_inactive,               ///< token: 400 inactive_org "Org is locked, closed, or suspended"
    ip_restricted,              ///< token: 400 invalid_grant "ip restricted"
    login_rate_exceeded,        ///< token: 400 rate_limit_exceeded "Number of logins exceeded"
    insufficient_access,        ///< REST: 403 INSUFFICIENT_ACCESS
    api_disabled,               ///< REST: 403 API_DISABLED_FOR_ORG "The REST API is not enabled for this Organization."
    request_limit,              ///< REST: 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded."
    session_not_valid_for_api,  ///< REST: 401 INVALID_SESSION_ID "This session is not valid for use with the REST API"
    token_unavailable,          ///< /services/oauth2/*: 503 with an HTML maintenance page
    api_unavailable,            ///< /services/data/*: 503 SERVER_UNAVAILABLE
    /// A new or changed connected app still propagating: the first
    /// EmulatorOptions::propagating_token_failures token requests after set_scenario() answer as
    /// `propagation_delay` does, then the org is healthy (what `sfconnect-check --wait` waits out).
    propagating,
    // The JWT bearer flow's refusals (token requests of any grant answer them while set; the JWT
    // grant also meets each for real when its assertion has that fault):
    invalid_assertion,  ///< token: 400 invalid_grant "invalid assertion"
    invalid_audience,   ///< token: 400 invalid_grant "audience is invalid"
    user_not_approved,  ///< token: 400 invalid_grant "user hasn't approved this consumer"
    unknown_user,       ///< token: 400 invalid_grant "invalid user"
    assertion_expired,  ///< token: 400 invalid_grant "expired authorization code"
};

/// The scenario's name as used on the command line ("healthy", "no_run_as_user", ...).
SFCONNECT_TESTING_DECL std::string_view to_string(Scenario scenario) noexcept;

/// Parses a scenario name (the to_string() spelling; '-' is accepted for '_').
SFCONNECT_TESTING_DECL std::optional<Scenario> scenario_from_string(std::string_view name) noexcept;

/// Every Scenario value, in declaration order.
SFCONNECT_TESTING_DECL std::span<const Scenario> all_scenarios() noexcept;

/// Which requests a Fault applies to.
enum class Route {
    token,       ///< POST /services/oauth2/token
    api,         ///< everything under /services/data
    userinfo,    ///< /services/oauth2/userinfo
    introspect,  ///< POST /services/oauth2/introspect
    revoke,      ///< /services/oauth2/revoke
    any,         ///< any request, including unknown paths (used when no route-specific fault is queued)
};

/// The Route a request target belongs to; nullopt for a path no Route names (only Route::any
/// faults apply to it, and the org answers 404).
SFCONNECT_TESTING_DECL std::optional<Route> route_of(std::string_view target) noexcept;

/// The time as OrgModel sees it (EmulatorOptions::clock): `steady` measures token lifetimes and the
/// scheduled invalidation, `wall` gives `issued_at`, introspection's `iat` and the JWT `exp` check.
struct OrgTime {
    std::chrono::steady_clock::time_point steady{};  ///< for durations
    std::chrono::system_clock::time_point wall{};    ///< calendar time
    /// The real clocks, now (the default clock).
    SFCONNECT_TESTING_DECL static OrgTime now();
};

/// Configuration of an Emulator (and of an OrgModel, which ignores the TLS and transport fields).
/// Ids are 18-character Salesforce ids.
struct EmulatorOptions {
    /// The org's My Domain host: the certificate's name and the host of instance_url. A host
    /// containing "--" is a sandbox (identity URLs then use test.salesforce.com).
    std::string site = "demo.my.salesforce.com";
    /// The connected app's consumer key (client_id).
    std::string consumer_key = "3MVG9sfconnectEmulatorDemoKey";
    /// The consumer secret; empty means 32 random bytes, upper-case hex, generated at construction.
    std::string consumer_secret;
    /// The Run As user's username.
    std::string username = "integration@demo.sfconnect.example";
    /// The org id (starts with 00D).
    std::string organization_id = "00D5g000004sfcAEAQ";
    /// The Run As user's id (starts with 005).
    std::string user_id = "0055g00000AbCdEAAY";
    /// Port on 127.0.0.1; 0 picks a free one (see Emulator::port()).
    std::uint16_t port = 0;
    /// Access-token lifetime from issue; afterwards REST answers 401 INVALID_SESSION_ID.
    std::chrono::milliseconds token_lifetime{std::chrono::hours(2)};
    /// A keep-alive connection must deliver its next full request within this time or is closed
    /// (0 = never). Salesforce's front ends close idle connections too.
    std::chrono::seconds idle_timeout{120};
    /// Whether token replies carry `signature` (JWT bearer replies never do: there is no shared secret).
    bool send_signature = true;
    /// The certificate uploaded to the connected app for the JWT bearer flow ("Use digital
    /// signatures"; see make_jwt_signing_pair()). Empty: the app has none, and every assertion is
    /// refused as "invalid assertion". The assertion's `sub` must be `username`.
    std::string jwt_certificate_pem;
    /// Whether `username` is pre-authorized for the app (Admin approved users are pre-authorized,
    /// plus the user's profile or a permission set); false: "user hasn't approved this consumer".
    bool jwt_user_preauthorized = true;
    /// Whether `issued_at` has 10 digits (seconds) instead of the 13 (milliseconds) Salesforce sends.
    bool issued_at_in_seconds = false;
    /// The CA that issues the server certificate and that ca_certificate_pem() returns; default: a
    /// fresh TestCertificateAuthority.
    std::optional<TestCertificateAuthority> authority;
    /// Options for the certificate the emulator issues itself; default: DNS `site`, valid now.
    std::optional<LeafOptions> leaf;
    /// Serve exactly this certificate and key instead (e.g. make_self_signed()); wins over `leaf`.
    std::optional<KeyPairPem> certificate;
    /// Number of Account rows (Id, Name) the REST query and sobject resources serve (0-50000).
    int accounts = 25;
    /// Records per query page before nextRecordsUrl paging (1-2000); a request header
    /// "Sforce-Query-Options: batchSize=N" overrides it per query, as on Salesforce.
    int query_batch_size = 10;
    /// Under Scenario::propagating, how many token requests fail (counted from set_scenario())
    /// before the org turns healthy (0-1000000).
    int propagating_token_failures = 3;

    // --- random misbehaviour for soak and load runs (all off by default) ----------------------------
    /// Probability (0-1) that a request under /services/data answers 503 SERVER_UNAVAILABLE, as
    /// during a Salesforce instance failover, before the session is even checked.
    double api_unavailable_probability = 0.0;
    /// Probability (0-1) that the connection of any request is dropped: with equal chance before
    /// replying (request read, TCP closed), in the middle of the reply body, or right after a
    /// complete reply (the next request on that keep-alive connection then finds it closed).
    double drop_connection_probability = 0.0;
    /// Every this long the org invalidates every token issued so far, as expire_all_tokens() does
    /// (an admin revoking sessions); 0 = never.
    std::chrono::milliseconds expire_all_tokens_every{0};
    /// Seed of the generator behind the probabilities above; 0 = a random seed. The outcome of a
    /// seeded run still depends on the order in which concurrent requests arrive.
    std::uint64_t random_seed = 0;

    /// Where the org reads the time, once per request (and at construction, to start
    /// expire_all_tokens_every); empty = OrgTime::now(). Tests drive time with it instead of sleeping.
    std::function<OrgTime()> clock;
};

/// The `signature` of a token reply: Base64(HMAC-SHA256(key = consumer secret, message = id + issued_at)),
/// computed over the JSON string values exactly as sent.
SFCONNECT_TESTING_DECL std::string token_signature(std::string_view consumer_secret, std::string_view id,
                                                   std::string_view issued_at);

/// An HTTP request as the org receives it.
struct OrgRequest {
    std::string method = "GET";                                ///< "GET", "POST", "HEAD", ...
    std::string target = "/";                                  ///< path and query, as sent
    std::vector<std::pair<std::string, std::string>> headers;  ///< header fields, in order
    std::string body;                                          ///< the body, as sent

    /// The value of the first field named `name` (ASCII case-insensitive), or "" when absent.
    SFCONNECT_TESTING_DECL std::string_view header(std::string_view name) const noexcept;
};

/// The org's answer: status, header fields and body. Date, Content-Length and Connection are the
/// transport's business and are not included.
struct OrgReply {
    int status = 200;                                          ///< HTTP status
    std::vector<std::pair<std::string, std::string>> headers;  ///< header fields, in order
    std::string body;                                          ///< the body

    /// The value of the first field named `name` (ASCII case-insensitive), or "" when absent.
    SFCONNECT_TESTING_DECL std::string_view header(std::string_view name) const noexcept;
};

/// A Salesforce org as a function from request to reply: the token, userinfo, introspection and
/// revocation endpoints and the REST API the Emulator serves, with every Scenario. No sockets, no
/// threads; not thread-safe (the Emulator guards its model with a mutex). Time is an input:
/// EmulatorOptions::clock, read once per request.
class OrgModel {
public:
    /// Creates the org (secret, identity, Account data). Throws std::invalid_argument on bad options
    /// (the TLS and transport fields are not used here).
    SFCONNECT_TESTING_DECL explicit OrgModel(EmulatorOptions options = {});
    /// Releases the org's state.
    SFCONNECT_TESTING_DECL ~OrgModel();
    /// Movable: the org's state moves with it.
    SFCONNECT_TESTING_DECL OrgModel(OrgModel&&) noexcept;
    /// Movable.
    SFCONNECT_TESTING_DECL OrgModel& operator=(OrgModel&&) noexcept;

    /// Answers one request as the org in its current scenario does, updating its state (tokens
    /// issued or revoked, query cursors, API usage, the propagating countdown).
    SFCONNECT_TESTING_DECL OrgReply handle(const OrgRequest& request);

    /// The options in effect (with the generated secret filled in).
    SFCONNECT_TESTING_DECL const EmulatorOptions& options() const noexcept;
    /// "https://<site>", the instance_url the token endpoint returns.
    SFCONNECT_TESTING_DECL const std::string& instance_url() const noexcept;
    /// The identity URL returned as `id`: "https://login.salesforce.com/id/<orgId>/<userId>".
    SFCONNECT_TESTING_DECL const std::string& identity_url() const noexcept;

    /// Switches the org's state for the requests handled from now on; setting
    /// Scenario::propagating (again) restarts its countdown.
    SFCONNECT_TESTING_DECL void set_scenario(Scenario scenario);
    /// The current scenario (`propagating` stays `propagating` after its countdown ends).
    SFCONNECT_TESTING_DECL Scenario scenario() const noexcept;
    /// Changes the token lifetime; applies to tokens already issued too. Throws
    /// std::invalid_argument unless positive.
    SFCONNECT_TESTING_DECL void set_token_lifetime(std::chrono::milliseconds lifetime);

    /// Every token issued so far now answers 401 INVALID_SESSION_ID (tokens issued later are fine).
    SFCONNECT_TESTING_DECL void expire_all_tokens();
    /// Applies EmulatorOptions::expire_all_tokens_every if its time has come. handle() calls it;
    /// the Emulator also calls it for requests a Fault answers instead of the org.
    SFCONNECT_TESTING_DECL void apply_scheduled_expiry(std::chrono::steady_clock::time_point now);
    /// The time on the org's clock (EmulatorOptions::clock), now.
    SFCONNECT_TESTING_DECL OrgTime now() const;
    /// The access tokens issued most recently (up to 4096), oldest first. Secrets: never print them.
    SFCONNECT_TESTING_DECL std::vector<std::string> issued_tokens() const;
    /// Number of tokens the org currently remembers (expired ones are forgotten as new ones are issued).
    SFCONNECT_TESTING_DECL std::size_t remembered_tokens() const noexcept;

    /// Successful token replies since construction or reset_counters().
    SFCONNECT_TESTING_DECL std::uint64_t tokens_issued() const noexcept;
    /// expire_all_tokens() calls, scheduled ones included, since construction or reset_counters().
    SFCONNECT_TESTING_DECL std::uint64_t token_invalidations() const noexcept;
    /// Zeroes tokens_issued() and token_invalidations().
    SFCONNECT_TESTING_DECL void reset_counters() noexcept;

private:
    struct Org;
    std::unique_ptr<Org> org_;
};

}  // namespace testing
}  // namespace sfconnect

#ifdef SFCONNECT_TESTING_HEADER_ONLY
#include <sfconnect/testing/impl/org_model.ipp>
#endif

#endif
