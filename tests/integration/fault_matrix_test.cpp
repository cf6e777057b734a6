// The fault-injection matrix (issue 6, part 3): one table row per fault, each against a scripted
// loopback server (support/fault_server.hpp). Every row must end with its documented error code and
// Diagnostics::phase, within a wall-clock guard (no hang), with no connection left open once the
// client is gone (no leak), and without the consumer secret or the token in any text.
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/token_client.hpp>

#include "catch.hpp"
#include "support/fault_server.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace fault_matrix_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::test::FaultBehaviour;
using sfconnect::test::FaultReply;
using sfconnect::test::FaultRequest;
using sfconnect::test::FaultServer;
using sfconnect::test::FaultTls;
using sfconnect::test::OnAccept;
using sfconnect::testing::KeyPairPem;
using sfconnect::testing::LeafOptions;
using sfconnect::testing::TestCertificateAuthority;

namespace {

const std::string site_host = "acme.my.salesforce.com";
const std::string consumer_key = "3MVG9FaultMatrixConsumerKey.0123456789";
const std::string consumer_secret = "FaultMatrixSecret7C1D9E4B2A0F6583D1C2B3A4F5E6D7C8B9A0";
const std::string access_token = "00D000000000001!AQFaultMatrixAccessToken.0123456789abcdefghijklmnopqrstuvwxyz";
const std::string token_path = "/services/oauth2/token";
const std::string rest_path = "/services/data/v62.0/";

// Every row's wall-clock bound: far above the slowest legitimate row (the 1 s request timeout).
constexpr auto row_guard = 15s;

struct Pki {
    TestCertificateAuthority ca{"sfconnect fault-matrix CA"};
    KeyPairPem site = ca.issue(LeafOptions{{site_host}, {}, -1h, 24h});
};

const Pki& pki() {
    static const Pki p;
    return p;
}

FaultTls tls_with(KeyPairPem cert) {
    FaultTls t;
    t.certificate = std::move(cert);
    return t;
}

std::string reply_bytes(int status, std::string_view reason, std::string_view content_type, std::string_view body,
                        std::string_view extra_headers = {}) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    if (!content_type.empty()) r += "Content-Type: " + std::string(content_type) + "\r\n";
    r += extra_headers;
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    r += body;
    return r;
}

std::string now_ms() {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return std::to_string(ms.count());
}

// A token reply body in Salesforce's shape; `access_token_json` and `issued_at_json` are raw JSON.
std::string token_body(const std::string& access_token_json, const std::string& issued_at_json) {
    return R"({"access_token":)" + access_token_json + R"(,"scope":"api","instance_url":"https://)" + site_host +
           R"(","id":"https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA","token_type":"Bearer",)"
           R"("issued_at":)" +
           issued_at_json + "}";
}

std::string good_token_reply() {
    return reply_bytes(200, "OK", "application/json;charset=UTF-8",
                       token_body("\"" + access_token + "\"", "\"" + now_ms() + "\""));
}

// The token endpoint answers normally; the REST request gets `fault`.
FaultBehaviour rest_fault(FaultReply fault) {
    FaultBehaviour b;
    b.reply = [fault](const FaultRequest& req) {
        if (req.target == token_path) return FaultReply{good_token_reply()};
        return fault;
    };
    return b;
}

// Every request gets `fault` (the token grant is the first and only request).
FaultBehaviour token_fault(FaultReply fault) {
    FaultBehaviour b;
    b.reply = [fault](const FaultRequest&) { return fault; };
    return b;
}

FaultBehaviour on_accept(OnAccept what) {
    FaultBehaviour b;
    b.on_accept = what;
    return b;
}

// 200 with `body` split after its first third, then a reset.
FaultReply reset_mid_body() {
    const std::string body = token_body("\"" + access_token + "\"", "\"" + now_ms() + "\"");
    FaultReply r{reply_bytes(200, "OK", "application/json", body)};
    r.reset_after = r.bytes.size() - body.size() + body.size() / 3;
    return r;
}

FaultReply reset_mid_headers() {
    FaultReply r{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Le"};
    r.reset_after = r.bytes.size();
    return r;
}

FaultReply truncated_chunked() {
    FaultReply r{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "10\r\n{\"access_token\":\r\n40\r\n\"00D0"};
    r.close_after = true;
    return r;
}

FaultReply slow_drip(std::string bytes) {
    FaultReply r{std::move(bytes)};
    r.piece = 1;
    r.delay = 1s;
    return r;
}

FaultReply header_flood() {
    std::string r = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    for (int i = 0; i < 4000; ++i) r += "X-Flood-" + std::to_string(i) + ": aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    r += "Content-Length: 2\r\n\r\n{}";
    return FaultReply{r};
}

FaultReply declared_body_over_limit() {
    // Declares 100 MB; the client must refuse before buffering (only a little is ever sent).
    return FaultReply{
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"a\":\"" +
        std::string(1000, 'x')};
}

FaultReply chunked_body_over_limit() {
    // No length announced: 1 MiB in 16 KiB chunks against the 256 KiB limit of the matrix's options.
    std::string r = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(16 * 1024, 'x');
    for (int i = 0; i < 64; ++i) r += "4000\r\n" + chunk + "\r\n";
    r += "0\r\n\r\n";
    return FaultReply{r};
}

FaultReply json_reply(const std::string& body) { return FaultReply{reply_bytes(200, "OK", "application/json", body)}; }

// A hostile server echoes the secret and the token into a body that is not valid UTF-8.
std::string invalid_utf8_body() {
    return R"({"access_token":")" + access_token + R"(","echo":")" + consumer_secret + "\xff\xfe\xc3\x28\"}";
}

// Far deeper than any parser stack should follow; 10,000 levels fit the token reply's 64 KiB limit.
std::string deeply_nested_body(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string duplicate_keys_body() {
    // The first instance_url is the Site; the second, which a last-wins parser keeps, is not.
    return R"({"access_token":")" + access_token + R"(","instance_url":"https://)" + site_host +
           R"(","id":"https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA","token_type":"Bearer",)"
           R"("issued_at":")" +
           now_ms() + R"(","instance_url":"https://eu1.salesforce.com"})";
}

enum class Operation { token_fetch, rest_get };

struct ServerSpec {
    FaultBehaviour behaviour;
    std::optional<FaultTls> tls;  // nullopt: plain TCP
    bool refused = false;         // no server: connect to a port nothing listens on
};

// What a row's server may use: the PKI and the address of a second host (the redirect target).
struct Env {
    const Pki& pki;
    std::string other_host;  // "127.0.0.1:<port>" of a server that must never be contacted
};

struct FaultCase {
    std::string name;                              // the fault
    std::function<ServerSpec(const Env&)> server;  // the loopback server's behaviour
    Operation operation;                           // token fetch or REST GET
    error_code code;                               // the documented error code
    std::string_view phase;                        // the expected Diagnostics::phase
    std::string_view message_contains = {};        // a word our message must contain
};

ServerSpec serve(FaultBehaviour b) { return ServerSpec{std::move(b), tls_with(pki().site), false}; }

std::vector<FaultCase> fault_matrix() {
    using O = Operation;
    std::vector<FaultCase> rows;
    rows.push_back({"connection refused",
                    [](const Env&) {
                        return ServerSpec{{}, std::nullopt, true};
                    },
                    O::token_fetch, errc::connect_failed, "connect", "could not connect"});
    rows.push_back({"reset during the TLS handshake",
                    [](const Env&) {
                        return ServerSpec{on_accept(OnAccept::reset_in_handshake), std::nullopt};
                    },
                    O::token_fetch, errc::tls_failed, "tls_handshake", "TLS"});
    rows.push_back({"reset mid-headers (token)", [](const Env&) { return serve(token_fault(reset_mid_headers())); },
                    O::token_fetch, errc::connection_lost, "request"});
    rows.push_back({"reset mid-headers (REST)", [](const Env&) { return serve(rest_fault(reset_mid_headers())); },
                    O::rest_get, errc::connection_lost, "request"});
    rows.push_back({"reset mid-body (token)", [](const Env&) { return serve(token_fault(reset_mid_body())); },
                    O::token_fetch, errc::connection_lost, "request"});
    rows.push_back({"reset mid-body (REST)", [](const Env&) { return serve(rest_fault(reset_mid_body())); },
                    O::rest_get, errc::connection_lost, "request"});
    rows.push_back({"truncated chunked encoding (token)",
                    [](const Env&) { return serve(token_fault(truncated_chunked())); }, O::token_fetch,
                    errc::connection_lost, "request"});
    rows.push_back({"truncated chunked encoding (REST)",
                    [](const Env&) { return serve(rest_fault(truncated_chunked())); }, O::rest_get,
                    errc::connection_lost, "request"});
    rows.push_back({"slow drip, one byte per second (token)",
                    [](const Env&) { return serve(token_fault(slow_drip(good_token_reply()))); }, O::token_fetch,
                    errc::timeout, "request", "timeout"});
    rows.push_back(
        {"slow drip, one byte per second (REST)",
         [](const Env&) { return serve(rest_fault(slow_drip(reply_bytes(200, "OK", "application/json", "{}")))); },
         O::rest_get, errc::timeout, "request", "timeout"});
    rows.push_back({"header flood (token)", [](const Env&) { return serve(token_fault(header_flood())); },
                    O::token_fetch, errc::bad_response, "request", "headers"});
    rows.push_back({"header flood (REST)", [](const Env&) { return serve(rest_fault(header_flood())); }, O::rest_get,
                    errc::bad_response, "request", "headers"});
    rows.push_back({"body over the limit, declared (token)",
                    [](const Env&) { return serve(token_fault(declared_body_over_limit())); }, O::token_fetch,
                    errc::bad_response, "request", "limit"});
    rows.push_back({"body over the limit, chunked (REST)",
                    [](const Env&) { return serve(rest_fault(chunked_body_over_limit())); }, O::rest_get,
                    errc::bad_response, "request", "limit"});
    rows.push_back({"invalid UTF-8 JSON (token)",
                    [](const Env&) { return serve(token_fault(json_reply(invalid_utf8_body()))); }, O::token_fetch,
                    errc::bad_response, "token", "not JSON"});
    rows.push_back({"invalid UTF-8 JSON (REST)",
                    [](const Env&) { return serve(rest_fault(json_reply(invalid_utf8_body()))); }, O::rest_get,
                    errc::bad_response, "api", "does not parse"});
    rows.push_back({"deeply nested JSON (token)",
                    [](const Env&) { return serve(token_fault(json_reply(deeply_nested_body(10000)))); },
                    O::token_fetch, errc::bad_response, "token", "not JSON"});
    rows.push_back({"deeply nested JSON (REST)",
                    [](const Env&) { return serve(rest_fault(json_reply(deeply_nested_body(100000)))); }, O::rest_get,
                    errc::bad_response, "api", "does not parse"});
    rows.push_back({"duplicate JSON keys",
                    [](const Env&) { return serve(token_fault(json_reply(duplicate_keys_body()))); }, O::token_fetch,
                    errc::bad_response, "token", "instance_url"});
    rows.push_back(
        {"a number where a string belongs",
         [](const Env&) { return serve(token_fault(json_reply(token_body("1234567890123", "\"" + now_ms() + "\"")))); },
         O::token_fetch, errc::bad_response, "token", "not a string"});
    rows.push_back({"issued_at out of range",
                    [](const Env&) {
                        return serve(
                            token_fault(json_reply(token_body("\"" + access_token + "\"", "\"4102444800000\""))));
                    },
                    O::token_fetch, errc::bad_response, "token", "issued_at"});
    rows.push_back({"TLS 1.0/1.1-only server",
                    [](const Env& env) {
                        FaultTls t = tls_with(env.pki.site);
                        t.min_version = TLS1_VERSION;
                        t.max_version = TLS1_1_VERSION;
                        t.legacy_security_level = true;
                        return ServerSpec{token_fault(FaultReply{good_token_reply()}), t};
                    },
                    O::token_fetch, errc::tls_failed, "tls_handshake", "TLS"});
    rows.push_back({"certificate for another host",
                    [](const Env& env) {
                        return ServerSpec{token_fault(FaultReply{good_token_reply()}),
                                          tls_with(env.pki.ca.issue(LeafOptions{{"other.my.salesforce.com"}, {}}))};
                    },
                    O::token_fetch, errc::tls_failed, "tls_handshake", "not valid for host"});
    rows.push_back({"expired certificate",
                    [](const Env& env) {
                        return ServerSpec{token_fault(FaultReply{good_token_reply()}),
                                          tls_with(env.pki.ca.issue(LeafOptions{{site_host}, {}, -48h, -24h}))};
                    },
                    O::token_fetch, errc::tls_failed, "tls_handshake", "expired"});
    rows.push_back({"certificate not yet valid",
                    [](const Env& env) {
                        return ServerSpec{token_fault(FaultReply{good_token_reply()}),
                                          tls_with(env.pki.ca.issue(LeafOptions{{site_host}, {}, 24h, 48h}))};
                    },
                    O::token_fetch, errc::tls_failed, "tls_handshake", "not yet valid"});
    rows.push_back({"self-signed certificate",
                    [](const Env&) {
                        return ServerSpec{token_fault(FaultReply{good_token_reply()}),
                                          tls_with(sfconnect::testing::make_self_signed({site_host}))};
                    },
                    O::token_fetch, errc::tls_failed, "tls_handshake", "self"});
    rows.push_back({"redirect to another host with the credentials (token)",
                    [](const Env& env) {
                        return serve(token_fault(
                            FaultReply{reply_bytes(307, "Temporary Redirect", "", "",
                                                   "Location: https://" + env.other_host + token_path + "\r\n")}));
                    },
                    O::token_fetch, errc::redirected, "token", "never"});
    rows.push_back({"redirect to another host with the token (REST)",
                    [](const Env& env) {
                        return serve(rest_fault(FaultReply{reply_bytes(
                            302, "Found", "", "", "Location: https://" + env.other_host + rest_path + "\r\n")}));
                    },
                    O::rest_get, errc::redirected, "api", "never"});
    return rows;
}

TokenClientOptions matrix_options(const std::string& connect_to) {
    TokenClientOptions o;
    o.ca_pem = pki().ca.certificate_pem();
    o.use_system_trust_store = false;
    o.connect_to = connect_to;
    o.proxy = "";  // never pick up a proxy from the CI environment
    o.retry.base_delay = 5ms;
    o.retry.max_delay = 20ms;
    o.error_hold = 0ms;
    o.timeouts.resolve = 2s;
    o.timeouts.connect = 2s;
    o.timeouts.tls_handshake = 2s;
    o.timeouts.request = 1s;  // short, so the slow drip row is fast
    o.max_response_bytes = 256 * 1024;
    return o;
}

// Every text a caller could log or show for this failure.
std::string all_texts(const error_code& ec, const Diagnostics& d) {
    return d.message + '|' + d.hint + '|' + d.server_error + '|' + d.server_message + '|' + d.host + '|' +
           std::string(to_string(d.phase)) + '|' + to_string(ec, d) + '|' + ErrorWithDiagnostics(ec, d).what() + '|' +
           ec.message();
}

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

// Runs `op` with a fresh client against `connect_to` under the row guard, then lets the client's
// shutdown run. The code, or nullopt when the operation hung until the guard expired.
std::optional<error_code> run_operation(Operation op, const std::string& connect_to, Diagnostics& diag) {
    bool done = false;
    error_code ec;
    net::io_context io;  // after the results: a hung operation's handler is destroyed with it
    {
        TokenClient client(io.get_executor(), Site::parse(site_host).value(),
                           ConsumerCredentials::create(consumer_key, consumer_secret).value(),
                           matrix_options(connect_to));
        if (op == Operation::token_fetch) {
            client.async_get_token(diag, [&](error_code e, TokenPtr) {
                ec = e;
                done = true;
            });
        } else {
            RequestOptions ro;
            client.async_request(endpoints::version_root.bind("62.0"), std::move(ro), diag,
                                 [&](error_code e, Response) {
                                     ec = e;
                                     done = true;
                                 });
        }
        // The wall-clock guard: a hang fails the row instead of blocking the run.
        const auto t0 = std::chrono::steady_clock::now();
        while (!done && std::chrono::steady_clock::now() - t0 < row_guard) io.run_for(100ms);
        UNSCOPED_INFO(
            "took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
            << " ms");
        if (!done) return std::nullopt;
    }
    // The client is gone: let its shutdown run, then no connection may stay open (no leaked socket).
    io.restart();
    io.run_for(200ms);
    return ec;
}

}  // namespace

TEST_CASE("fault matrix: every fault ends with its documented error, without hang, leak or secret",
          "[client][faults]") {
    for (const auto& row : fault_matrix()) {
        INFO("fault: " << row.name);
        // The redirect target: a working TLS server for 127.0.0.1 that must never hear from the client.
        FaultServer other(token_fault(FaultReply{good_token_reply()}),
                          tls_with(pki().ca.issue(LeafOptions{{}, {"127.0.0.1"}})));
        const Env env{pki(), other.connect_to()};
        ServerSpec spec = row.server(env);
        std::optional<FaultServer> server;
        std::string connect_to = "127.0.0.1:" + std::to_string(FaultServer::unused_port());
        if (!spec.refused) {
            server.emplace(spec.behaviour, spec.tls);
            connect_to = server->connect_to();
        }

        Diagnostics diag;
        const std::optional<error_code> result = run_operation(row.operation, connect_to, diag);
        CHECK(result.has_value());  // false: the row hung until the guard expired
        if (!result) continue;
        const error_code ec = *result;

        INFO("got " << error_id(ec) << " in phase '" << to_string(diag.phase) << "': " << diag.message);
        CHECK(ec == row.code);
        CHECK(error_id(ec) == error_id(row.code));
        CHECK(to_string(diag.phase) == row.phase);
        if (!row.message_contains.empty()) CHECK(contains(diag.message, row.message_contains));
        CHECK_FALSE(diag.hint.empty());

        const std::string texts = all_texts(ec, diag);
        CHECK_FALSE(contains(texts, consumer_secret));
        CHECK_FALSE(contains(texts, access_token));

        if (server) {
            CHECK(server->wait_until_idle(5s));
            const auto reqs = server->requests();
            if (spec.behaviour.on_accept == OnAccept::serve && !spec.tls->legacy_security_level &&
                row.phase != "tls_handshake") {
                // The fault hit the operation the row names (REST rows: after a good token).
                const bool reached = std::any_of(reqs.begin(), reqs.end(), [&](const FaultRequest& r) {
                    return row.operation == Operation::token_fetch ? r.target == token_path
                                                                   : r.method == "GET" && r.target == rest_path;
                });
                CHECK(reached);
            }
        }
        // Nothing was ever sent to the redirect target: no connection, no credential, no token.
        CHECK(other.connections() == 0);
        CHECK_FALSE(contains(other.received(), consumer_secret));
        CHECK_FALSE(contains(other.received(), access_token));
    }
}

TEST_CASE("fault matrix: the TLS 1.0/1.1-only server really speaks TLS 1.1", "[client][faults]") {
    // The matrix row expects a refusal; this proves the server works for a client that allows TLS 1.1,
    // so the refusal is the client's floor and not a broken server.
    namespace ssl = boost::asio::ssl;
    FaultTls t = tls_with(pki().site);
    t.min_version = TLS1_VERSION;
    t.max_version = TLS1_1_VERSION;
    t.legacy_security_level = true;
    FaultServer server(token_fault(FaultReply{good_token_reply()}), t);

    net::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    ctx.set_verify_mode(ssl::verify_none);
    ssl::stream<net::ip::tcp::socket> stream(io, ctx);
    stream.lowest_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::client, ec);
    INFO(ec.message());
    REQUIRE_FALSE(ec);
    const std::string version = SSL_get_version(stream.native_handle());
    CHECK((version == "TLSv1.1" || version == "TLSv1"));
    stream.lowest_layer().close(ec);
}

TEST_CASE("a hostile token endpoint issuing a token found inside '[redacted]' cannot hang the client",
          "[client][faults][redact]") {
    // The server issues a token that occurs in the redaction placeholder, then quotes it in a REST
    // error. The old redaction loop searched again at the placeholder it had just inserted, found the
    // token there and never ended (the string grew until memory ran out).
    for (const std::string token : {"dact", "redacted", "[redacted]", "acted]"}) {
        INFO("token: " << token);
        const std::string quoted = "bad token " + token + " (" + token + token + ")";
        FaultBehaviour b;
        b.reply = [&](const FaultRequest& req) {
            if (req.target == token_path)
                return FaultReply{reply_bytes(200, "OK", "application/json",
                                              token_body("\"" + token + "\"", "\"" + now_ms() + "\""))};
            return FaultReply{reply_bytes(400, "Bad Request", "application/json",
                                          R"([{"message":")" + quoted + R"(","errorCode":"MALFORMED_QUERY"}])")};
        };
        FaultServer server(b, tls_with(pki().site));
        Diagnostics diag;
        const std::optional<error_code> result = run_operation(Operation::rest_get, server.connect_to(), diag);
        REQUIRE(result.has_value());
        const error_code ec = *result;
        INFO("got " << error_id(ec) << ": " << diag.message << " / " << diag.server_message);
        CHECK(ec == api_errc::api_error);
        CHECK(diag.server_error == "MALFORMED_QUERY");
        CHECK(contains(diag.server_message, "bad token [redacted]"));
        CHECK(diag.server_message.size() <= quoted.size() * 10 / 4 + 3);
    }
}

}  // namespace fault_matrix_test
