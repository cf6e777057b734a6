// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_EMULATOR_HPP
#define SFCONNECT_TESTING_EMULATOR_HPP

/// @file
/// A local HTTPS server that behaves like a Salesforce org for everything sfconnect touches: the
/// client-credentials token endpoint, userinfo, introspection, revocation and a small REST API.
/// Org-level failures (Scenario) reproduce Salesforce's replies; one-shot Faults script transport
/// misbehaviour for client tests. Independent of the sfconnect client code.
///
/// Typical use:
/// @code
///   sfconnect::testing::Emulator org;                 // site "demo.my.salesforce.com"
///   org.start();                                      // 127.0.0.1, free port, own thread
///   // connect to org.connect_to(), send SNI/Host org.site(), trust org.ca_certificate_pem(),
///   // authenticate with org.consumer_key() / org.consumer_secret().
///   org.set_scenario(sfconnect::testing::Scenario::no_run_as_user);
///   org.push_fault(sfconnect::testing::Route::token, sfconnect::testing::Fault::close_before_reply());
/// @endcode

#include <sfconnect/detail/config.hpp>
#include <sfconnect/testing/certificates.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
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
    propagating,                ///< the first EmulatorOptions::propagating_token_failures token requests fail like
                                ///< propagation_delay (counted from set_scenario), then healthy
};

/// The scenario's name as used on the command line ("healthy", "no_run_as_user", ...).
SFCONNECT_DECL std::string_view to_string(Scenario scenario) noexcept;

/// Parses a scenario name (the to_string() spelling; '-' is accepted for '_').
SFCONNECT_DECL std::optional<Scenario> scenario_from_string(std::string_view name) noexcept;

/// Every Scenario value, in declaration order.
SFCONNECT_DECL std::span<const Scenario> all_scenarios() noexcept;

/// Which requests a Fault applies to.
enum class Route {
    token,       ///< POST /services/oauth2/token
    api,         ///< everything under /services/data
    userinfo,    ///< /services/oauth2/userinfo
    introspect,  ///< POST /services/oauth2/introspect
    revoke,      ///< /services/oauth2/revoke
    any,         ///< any request, including unknown paths (used when no route-specific fault is queued)
};

/// What a Fault does to the request it is applied to.
enum class FaultKind {
    reply,               ///< answer `status`, `content_type`, `headers` and `body` verbatim
    close_before_reply,  ///< read the request, then close the TCP connection without answering
    close_mid_body,      ///< send the headers and half of the body, then close the connection
    never_reply,         ///< keep the connection open and answer nothing (until the client closes)
    delay,               ///< wait `delay`, then handle the request normally
    redirect,            ///< answer `status` (3xx) with `Location: location` and an empty body
};

/// A one-shot scripted misbehaviour for the next request to a Route (see Emulator::push_fault).
/// `delay` is waited before any kind acts, not only for FaultKind::delay.
struct Fault {
    /// What to do.
    FaultKind kind = FaultKind::reply;
    /// HTTP status for `reply` and `redirect` (200-999; 1xx interim replies are not supported).
    int status = 200;
    /// Content-Type for `reply` (omitted when empty).
    std::string content_type = "application/json";
    /// Body for `reply`; for `close_mid_body`, when set, the body that gets cut (else the normal reply's).
    std::string body;
    /// Extra header fields, sent verbatim. A Content-Length here replaces the computed one (it may
    /// deliberately lie); "Transfer-Encoding: chunked" sends the body as one chunk.
    std::vector<std::pair<std::string, std::string>> headers;
    /// Wait before acting.
    std::chrono::milliseconds delay{0};
    /// Location for `redirect`; empty means "https://login.salesforce.com" + the request target.
    std::string location;
    /// For `reply`: this many filler bytes follow `body`, sent chunked in 64 KiB pieces that are never
    /// held whole (large-reply tests and benchmarks; 0 = none).
    std::size_t filler_bytes = 0;

    /// Answer with this status and body verbatim.
    static Fault reply_with(int status, std::string body, std::string content_type = "application/json") {
        Fault f;
        f.kind = FaultKind::reply;
        f.status = status;
        f.body = std::move(body);
        f.content_type = std::move(content_type);
        return f;
    }
    /// Close the connection after reading the request, without answering.
    static Fault close_before_reply() {
        Fault f;
        f.kind = FaultKind::close_before_reply;
        return f;
    }
    /// Send the headers and half of the normal reply's body, then close.
    static Fault close_mid_body() {
        Fault f;
        f.kind = FaultKind::close_mid_body;
        return f;
    }
    /// Never answer; the connection stays open until the client gives up.
    static Fault never_reply() {
        Fault f;
        f.kind = FaultKind::never_reply;
        return f;
    }
    /// Handle the request normally after waiting `d`.
    static Fault delayed(std::chrono::milliseconds d) {
        Fault f;
        f.kind = FaultKind::delay;
        f.delay = d;
        return f;
    }
    /// Answer a redirect (302 by default) to `location`.
    static Fault redirect_to(std::string location, int status = 302) {
        Fault f;
        f.kind = FaultKind::redirect;
        f.status = status;
        f.location = std::move(location);
        f.content_type.clear();
        return f;
    }
};

/// Configuration of an Emulator. Ids are 18-character Salesforce ids.
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
    /// Whether token replies carry `signature`.
    bool send_signature = true;
    /// Whether `issued_at` has 10 digits (seconds) instead of the 13 (milliseconds) Salesforce sends.
    bool issued_at_in_seconds = false;
    /// The CA that issues the server certificate and that ca_certificate_pem() returns; default: a
    /// fresh TestCertificateAuthority.
    std::optional<TestCertificateAuthority> authority;
    /// Options for the certificate the emulator issues itself; default: DNS `site`, valid now.
    std::optional<LeafOptions> leaf;
    /// Serve exactly this certificate and key instead (e.g. make_self_signed()); wins over `leaf`.
    std::optional<KeyPairPem> certificate;
    /// Number of Account rows (Id, Name) the REST query and sobject resources serve (0-10000).
    int accounts = 25;
    /// Records per query page before nextRecordsUrl paging (1-2000); a request header
    /// "Sforce-Query-Options: batchSize=N" overrides it per query, as on Salesforce.
    int query_batch_size = 10;

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
    /// Under Scenario::propagating: how many token requests fail with invalid_client_id, counted from
    /// set_scenario(), before the org behaves as healthy (a setup change that has finished propagating).
    int propagating_token_failures = 3;
};

/// Counters since construction or the last Emulator::reset_stats().
struct EmulatorStats {
    std::uint64_t connections_accepted = 0;    ///< TCP connections accepted
    std::uint64_t active_connections = 0;      ///< connections currently open (not reset)
    std::uint64_t tls_handshakes = 0;          ///< successful TLS handshakes
    std::uint64_t tls_handshake_failures = 0;  ///< failed handshakes (e.g. the client rejected the certificate)
    std::uint64_t requests = 0;                ///< complete HTTP requests read, all paths
    std::uint64_t token_requests = 0;          ///< requests to /services/oauth2/token
    std::uint64_t tokens_issued = 0;           ///< successful token replies
    std::uint64_t api_requests = 0;            ///< requests under /services/data
    std::uint64_t userinfo_requests = 0;       ///< requests to /services/oauth2/userinfo
    std::uint64_t introspect_requests = 0;     ///< requests to /services/oauth2/introspect
    std::uint64_t revoke_requests = 0;         ///< requests to /services/oauth2/revoke
    std::uint64_t faults_applied = 0;          ///< pushed Faults consumed
    std::uint64_t bad_requests = 0;            ///< unparsable or oversized requests (answered 400/413/431)
    std::uint64_t internal_errors = 0;         ///< exceptions inside the server (a bug if non-zero)
    std::uint64_t random_unavailable = 0;      ///< 503s from EmulatorOptions::api_unavailable_probability
    std::uint64_t random_drops = 0;            ///< connections dropped by EmulatorOptions::drop_connection_probability
    std::uint64_t token_invalidations = 0;     ///< expire_all_tokens() calls, scheduled ones included
};

/// One request as the emulator saw it. Secrets are redacted: the Authorization value keeps only its
/// scheme ("Basic <redacted>"), and form values of client_secret and token read "<redacted>".
struct RecordedRequest {
    std::string method;                                         ///< "POST", "GET", ...
    std::string target;                                         ///< path and query as sent
    std::vector<std::pair<std::string, std::string>> headers;  ///< all header fields, in order
    std::string body;                                           ///< the body (form secrets redacted)
    int status = 0;               ///< status answered; 0 when the connection was closed or left unanswered
    std::uint64_t connection = 0;  ///< 1-based id of the connection it arrived on (keep-alive checks)
};

/// The `signature` of a token reply: Base64(HMAC-SHA256(key = consumer secret, message = id + issued_at)),
/// computed over the JSON string values exactly as sent.
SFCONNECT_DECL std::string token_signature(std::string_view consumer_secret, std::string_view id,
                                           std::string_view issued_at);

/// A Salesforce org on 127.0.0.1 over HTTPS (HTTP/1.1 keep-alive), running on its own thread.
/// Every member function is thread-safe and may be called while the server runs.
///
/// Endpoints: POST /services/oauth2/token (client_credentials; credentials in the form body or an
/// HTTP Basic header), GET|POST /services/oauth2/userinfo, POST /services/oauth2/introspect,
/// POST /services/oauth2/revoke, GET /services/data/ (no auth), and with a Bearer token
/// GET /services/data/vNN.0/ (60.0-66.0), .../limits/, .../query/?q=SELECT ... FROM Account [LIMIT n]
/// with nextRecordsUrl paging, and .../sobjects/Account/{id}. Every /services/data reply carries
/// `Sforce-Limit-Info: api-usage=<n>/15000`. Unknown paths answer 404 NOT_FOUND.
class Emulator {
public:
    /// Creates the org (CA, certificate, secret, data). Throws std::invalid_argument on bad options.
    SFCONNECT_DECL explicit Emulator(EmulatorOptions options = {});
    /// Stops the server if it runs.
    SFCONNECT_DECL ~Emulator();
    /// Not copyable: one Emulator owns one server, its thread and its sockets.
    Emulator(const Emulator&) = delete;
    /// Not copyable.
    Emulator& operator=(const Emulator&) = delete;

    /// Binds 127.0.0.1:port and starts serving on a new thread; no-op if already running.
    /// Throws std::system_error when the port cannot be bound.
    SFCONNECT_DECL void start();
    /// Stops serving and closes every connection; waits for the server thread. Org state (tokens,
    /// scenario, pending faults) is kept, so start() can be called again.
    SFCONNECT_DECL void stop() noexcept;
    /// Whether the server is running.
    SFCONNECT_DECL bool running() const noexcept;

    /// The bound port (0 before the first start()).
    SFCONNECT_DECL std::uint16_t port() const noexcept;
    /// "127.0.0.1:<port>": where to connect while using site() for SNI, Host and verification.
    SFCONNECT_DECL std::string connect_to() const;
    /// The org's My Domain host.
    SFCONNECT_DECL const std::string& site() const noexcept;
    /// "https://<site>", the instance_url the token endpoint returns.
    SFCONNECT_DECL std::string instance_url() const;
    /// The identity URL returned as `id`: "https://login.salesforce.com/id/<orgId>/<userId>".
    SFCONNECT_DECL const std::string& identity_url() const noexcept;
    /// The PEM certificate of the CA that issued the server certificate.
    SFCONNECT_DECL const std::string& ca_certificate_pem() const noexcept;
    /// Writes ca_certificate_pem() to `path`. Throws std::runtime_error on I/O failure.
    SFCONNECT_DECL void write_ca_pem(const std::string& path) const;
    /// The consumer key the token endpoint accepts.
    SFCONNECT_DECL const std::string& consumer_key() const noexcept;
    /// The consumer secret the token endpoint accepts. Never print it.
    SFCONNECT_DECL const std::string& consumer_secret() const noexcept;
    /// The options in effect (with the generated secret filled in).
    SFCONNECT_DECL const EmulatorOptions& options() const noexcept;

    /// Switches the org's state; applies to requests read from now on.
    SFCONNECT_DECL void set_scenario(Scenario scenario);
    /// The current scenario.
    SFCONNECT_DECL Scenario scenario() const;
    /// Changes the token lifetime; applies to tokens already issued too.
    SFCONNECT_DECL void set_token_lifetime(std::chrono::milliseconds lifetime);

    /// Queues a one-shot fault for the next request to `route`. Faults are consumed FIFO per route;
    /// a request uses its route's queue first, then the Route::any queue. Throws
    /// std::invalid_argument for a 1xx status, a body on 204/304, or CR/LF in a header.
    SFCONNECT_DECL void push_fault(Route route, Fault fault);
    /// Drops every queued fault.
    SFCONNECT_DECL void clear_faults();
    /// Number of queued faults over all routes.
    SFCONNECT_DECL std::size_t pending_faults() const;

    /// Every token issued so far now answers 401 INVALID_SESSION_ID (tokens issued later are fine).
    SFCONNECT_DECL void expire_all_tokens();
    /// The access tokens issued most recently (up to 4096), oldest first: what a test scans its
    /// captured output for. They are secrets: never print them.
    SFCONNECT_DECL std::vector<std::string> issued_tokens() const;
    /// Number of tokens the org currently remembers (expired ones are forgotten as new ones are issued).
    SFCONNECT_DECL std::size_t remembered_tokens() const;
    /// Closes (TCP, server side) every keep-alive connection that waits for its next request, as an
    /// idle timeout would; returns when done. A connection whose reply is still being written is
    /// closed right after that write, so a client that already read its reply never gets another one.
    SFCONNECT_DECL void close_idle_connections();

    /// A snapshot of the counters.
    SFCONNECT_DECL EmulatorStats stats() const;
    /// Zeroes the counters (except active_connections) and clears the request log.
    SFCONNECT_DECL void reset_stats();
    /// The last requests (up to 256), oldest first.
    SFCONNECT_DECL std::vector<RecordedRequest> recent_requests() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace testing
}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/testing/impl/emulator.ipp>
#endif

#endif
