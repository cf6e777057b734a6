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
///
/// The org's behaviour itself (request in, reply out) is OrgModel, in <sfconnect/testing/org_model.hpp>.
/// This header only declares the server: its implementation is compiled where a program includes
/// <sfconnect/testing/src.hpp>, in exactly one .cpp of each program (test binary, tool, example),
/// in header-only and separate-compilation builds alike. A one-file program may instead define
/// SFCONNECT_TESTING_HEADER_ONLY before its first sfconnect include.

#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/testing/org_model.hpp>
#include <sfconnect/testing/detail/config.hpp>

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

/// How the emulator answers a request's `Accept-Encoding` (Emulator::set_compression). Only the
/// org's own replies with a body are compressed; Fault replies are always sent verbatim.
enum class CompressionMode {
    honour,       ///< gzip or (zlib-wrapped) deflate as asked, gzip preferred; `q=0` refuses a coding
    ignore,       ///< never compress: a server that ignores Accept-Encoding
    raw_deflate,  ///< as honour, but "deflate" bodies are raw deflate (RFC 1951), as some servers send
    truncated,    ///< compress, then send only the first half of the compressed body (framed correctly)
    bomb,         ///< answer with a gzip body that inflates to `bomb_mib` MiB of zeros (about 1/1000 on the wire)
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
    std::uint64_t compressed_replies = 0;      ///< replies sent with a Content-Encoding the emulator applied
    std::uint64_t reply_bytes = 0;             ///< bytes of normal replies written (head + body, before TLS)
};

/// One request as the emulator saw it. Secrets are redacted: the Authorization value keeps only its
/// scheme ("Basic <redacted>"), and form values of client_secret and token read "<redacted>".
struct RecordedRequest {
    std::string method;                                        ///< "POST", "GET", ...
    std::string target;                                        ///< path and query as sent
    std::vector<std::pair<std::string, std::string>> headers;  ///< all header fields, in order
    std::string body;                                          ///< the body (form secrets redacted)
    int status = 0;                ///< status answered; 0 when the connection was closed or left unanswered
    std::uint64_t connection = 0;  ///< 1-based id of the connection it arrived on (keep-alive checks)
};

/// A Salesforce org on 127.0.0.1 over HTTPS (HTTP/1.1 keep-alive), running on its own thread.
/// Every member function is thread-safe and may be called while the server runs.
///
/// Endpoints: POST /services/oauth2/token (client_credentials; credentials in the form body or an
/// HTTP Basic header), GET|POST /services/oauth2/userinfo, POST /services/oauth2/introspect,
/// POST /services/oauth2/revoke, GET /services/data/ (no auth), and with a Bearer token
/// GET /services/data/vNN.0/ (60.0-66.0), .../limits/, .../query/?q=SELECT ... FROM Account [LIMIT n]
/// with nextRecordsUrl paging (queryAll/ too), .../sobjects/Account/ (POST) and .../sobjects/Account/{id}
/// (GET, PATCH, DELETE), and .../composite (up to 25 subrequests with references and allOrNone
/// rollback; one API call). Every /services/data reply carries
/// `Sforce-Limit-Info: api-usage=<n>/15000`. Unknown paths answer 404 NOT_FOUND.
class Emulator {
public:
    /// Creates the org (CA, certificate, secret, data). Throws std::invalid_argument on bad options.
    SFCONNECT_TESTING_DECL explicit Emulator(EmulatorOptions options = {});
    /// Stops the server if it runs.
    SFCONNECT_TESTING_DECL ~Emulator();
    /// Not copyable: one Emulator owns one server, its thread and its sockets.
    Emulator(const Emulator&) = delete;
    /// Not copyable.
    Emulator& operator=(const Emulator&) = delete;

    /// Binds 127.0.0.1:port and starts serving on a new thread; no-op if already running.
    /// Throws std::system_error when the port cannot be bound.
    SFCONNECT_TESTING_DECL void start();
    /// Stops serving and closes every connection; waits for the server thread. Org state (tokens,
    /// scenario, pending faults) is kept, so start() can be called again.
    SFCONNECT_TESTING_DECL void stop() noexcept;
    /// Whether the server is running.
    SFCONNECT_TESTING_DECL bool running() const noexcept;

    /// The bound port (0 before the first start()).
    SFCONNECT_TESTING_DECL std::uint16_t port() const noexcept;
    /// "127.0.0.1:<port>": where to connect while using site() for SNI, Host and verification.
    SFCONNECT_TESTING_DECL std::string connect_to() const;
    /// The org's My Domain host.
    SFCONNECT_TESTING_DECL const std::string& site() const noexcept;
    /// "https://<site>", the instance_url the token endpoint returns.
    SFCONNECT_TESTING_DECL std::string instance_url() const;
    /// The identity URL returned as `id`: "https://login.salesforce.com/id/<orgId>/<userId>".
    SFCONNECT_TESTING_DECL const std::string& identity_url() const noexcept;
    /// The PEM certificate of the CA that issued the server certificate.
    SFCONNECT_TESTING_DECL const std::string& ca_certificate_pem() const noexcept;
    /// Writes ca_certificate_pem() to `path`. Throws std::runtime_error on I/O failure.
    SFCONNECT_TESTING_DECL void write_ca_pem(const std::string& path) const;
    /// The consumer key the token endpoint accepts.
    SFCONNECT_TESTING_DECL const std::string& consumer_key() const noexcept;
    /// The consumer secret the token endpoint accepts. Never print it.
    SFCONNECT_TESTING_DECL const std::string& consumer_secret() const noexcept;
    /// The options in effect (with the generated secret filled in).
    SFCONNECT_TESTING_DECL const EmulatorOptions& options() const noexcept;

    /// Switches the org's state; applies to requests read from now on. Setting
    /// Scenario::propagating (again) restarts its countdown of failing token requests.
    SFCONNECT_TESTING_DECL void set_scenario(Scenario scenario);
    /// The current scenario.
    SFCONNECT_TESTING_DECL Scenario scenario() const;
    /// Changes the token lifetime; applies to tokens already issued too.
    SFCONNECT_TESTING_DECL void set_token_lifetime(std::chrono::milliseconds lifetime);

    /// How replies honour Accept-Encoding from now on (default CompressionMode::honour); `bomb_mib`
    /// is the decoded size of CompressionMode::bomb's body in MiB (its wire size is about 1 KiB each).
    SFCONNECT_TESTING_DECL void set_compression(CompressionMode mode, std::size_t bomb_mib = 4096);
    /// The current compression mode.
    SFCONNECT_TESTING_DECL CompressionMode compression() const;
    /// Queues a one-shot fault for the next request to `route`. Faults are consumed FIFO per route;
    /// a request uses its route's queue first, then the Route::any queue. Throws
    /// std::invalid_argument for a 1xx status, a body on 204/304, or CR/LF in a header.
    SFCONNECT_TESTING_DECL void push_fault(Route route, Fault fault);
    /// Drops every queued fault.
    SFCONNECT_TESTING_DECL void clear_faults();
    /// Number of queued faults over all routes.
    SFCONNECT_TESTING_DECL std::size_t pending_faults() const;

    /// Every token issued so far now answers 401 INVALID_SESSION_ID (tokens issued later are fine).
    SFCONNECT_TESTING_DECL void expire_all_tokens();
    /// The access tokens issued most recently (up to 4096), oldest first: what a test scans its
    /// captured output for. They are secrets: never print them.
    SFCONNECT_TESTING_DECL std::vector<std::string> issued_tokens() const;
    /// Number of tokens the org currently remembers (expired ones are forgotten as new ones are issued).
    SFCONNECT_TESTING_DECL std::size_t remembered_tokens() const;
    /// Closes (TCP, server side) every keep-alive connection that waits for its next request, as an
    /// idle timeout would; returns when done. A connection whose reply is still being written is
    /// closed right after that write, so a client that already read its reply never gets another one.
    SFCONNECT_TESTING_DECL void close_idle_connections();

    /// A snapshot of the counters.
    SFCONNECT_TESTING_DECL EmulatorStats stats() const;
    /// Zeroes the counters (except active_connections) and clears the request log.
    SFCONNECT_TESTING_DECL void reset_stats();
    /// The last requests (up to 256), oldest first.
    SFCONNECT_TESTING_DECL std::vector<RecordedRequest> recent_requests() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace testing
}  // namespace sfconnect

#ifdef SFCONNECT_TESTING_HEADER_ONLY
#include <sfconnect/testing/impl/emulator.ipp>
#endif

#endif
