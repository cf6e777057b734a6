// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_IMPL_EMULATOR_IPP
#define SFCONNECT_TESTING_IMPL_EMULATOR_IPP

#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/detail/emulator_http.hpp>
#include <sfconnect/testing/detail/openssl.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <atomic>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <random>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace sfconnect {
namespace testing {

namespace detail {

inline constexpr std::array<std::pair<Scenario, std::string_view>, 16> scenario_names = {{
    {Scenario::healthy, "healthy"},
    {Scenario::wrong_domain, "wrong_domain"},
    {Scenario::no_run_as_user, "no_run_as_user"},
    {Scenario::flow_disabled, "flow_disabled"},
    {Scenario::propagation_delay, "propagation_delay"},
    {Scenario::user_inactive, "user_inactive"},
    {Scenario::org_inactive, "org_inactive"},
    {Scenario::ip_restricted, "ip_restricted"},
    {Scenario::login_rate_exceeded, "login_rate_exceeded"},
    {Scenario::insufficient_access, "insufficient_access"},
    {Scenario::api_disabled, "api_disabled"},
    {Scenario::request_limit, "request_limit"},
    {Scenario::session_not_valid_for_api, "session_not_valid_for_api"},
    {Scenario::token_unavailable, "token_unavailable"},
    {Scenario::api_unavailable, "api_unavailable"},
    {Scenario::propagating, "propagating"},
}};

inline constexpr std::array<Scenario, 16> scenario_values = {
    Scenario::healthy,           Scenario::wrong_domain,        Scenario::no_run_as_user,
    Scenario::flow_disabled,     Scenario::propagation_delay,   Scenario::user_inactive,
    Scenario::org_inactive,      Scenario::ip_restricted,       Scenario::login_rate_exceeded,
    Scenario::insufficient_access, Scenario::api_disabled,      Scenario::request_limit,
    Scenario::session_not_valid_for_api, Scenario::token_unavailable, Scenario::api_unavailable,
    Scenario::propagating,
};

// API versions served (Spring '24 .. Spring '26), with their release labels.
inline constexpr std::array<std::pair<int, std::string_view>, 7> api_versions = {{
    {60, "Spring '24"},
    {61, "Summer '24"},
    {62, "Winter '25"},
    {63, "Spring '25"},
    {64, "Summer '25"},
    {65, "Winter '26"},
    {66, "Spring '26"},
}};

inline constexpr std::uint64_t daily_api_limit = 15000;
inline constexpr std::size_t max_header_bytes = 16 * 1024;  // Salesforce: 431 over 16,384 bytes
inline constexpr std::size_t max_body_bytes = 1024 * 1024;
inline constexpr std::size_t max_logged_requests = 256;
inline constexpr std::size_t max_logged_body = 64 * 1024;
inline constexpr std::size_t max_cursors = 1000;
// Below this many remembered tokens nothing is forgotten, so that a test changing the lifetime
// back and forth sees the same tokens; above it, expired tokens are dropped oldest first.
inline constexpr std::size_t token_prune_threshold = 1024;
inline constexpr std::size_t max_issued_log = 4096;

struct Account {
    std::string id;
    std::string name;
};

struct TokenRecord {
    std::chrono::steady_clock::time_point issued;
    std::int64_t issued_unix = 0;  // seconds, for introspection
    std::uint64_t serial = 0;  // issue order; serials below Impl::expired_below are expired
    bool revoked = false;
};

// What EmulatorOptions' probabilities decided for one request.
enum class RandomAction { none, drop_before_reply, drop_mid_body, drop_after_reply, unavailable };

struct QueryCursor {
    int version = 0;
    std::vector<std::string> fields;
    std::size_t total = 0;
    std::size_t batch = 0;
};

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// Where a request goes; nullopt = a path no Route names (only Route::any faults apply).
inline std::optional<Route> classify(std::string_view target) {
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/services/oauth2/token") return Route::token;
    if (path == "/services/oauth2/userinfo") return Route::userinfo;
    if (path == "/services/oauth2/introspect") return Route::introspect;
    if (path == "/services/oauth2/revoke") return Route::revoke;
    if (path == "/services/data" || path.substr(0, 15) == "/services/data/") return Route::api;
    return std::nullopt;
}

inline bool has_crlf(std::string_view s) noexcept {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

inline bool is_form(const Request& req) {
    return istarts_with(trim(req[boost::beast::http::field::content_type]), "application/x-www-form-urlencoded");
}

// "Bearer <token>" (Salesforce also accepts the older "OAuth <token>").
inline std::string bearer_token(const Request& req) {
    const std::string_view auth = trim(req[boost::beast::http::field::authorization]);
    for (const std::string_view scheme : {std::string_view("Bearer "), std::string_view("OAuth ")}) {
        if (istarts_with(auth, scheme)) {
            return std::string(trim(auth.substr(scheme.size())));
        }
    }
    return {};
}

// "vNN.0" → NN, else 0.
inline int parse_version(std::string_view segment) {
    if (segment.size() < 4 || segment.size() > 6 || segment.front() != 'v' || segment.substr(segment.size() - 2) != ".0") {
        return 0;
    }
    const std::string_view digits = segment.substr(1, segment.size() - 3);
    int v = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') {
            return 0;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

inline std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty() && out.size() < 64) {
        const std::size_t slash = path.find('/');
        if (slash != 0) {
            out.push_back(path.substr(0, slash));
        }
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return out;
}

inline std::string version_path(int version) {
    return "/services/data/v" + std::to_string(version) + ".0";
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Free functions

SFCONNECT_DECL std::string_view to_string(Scenario scenario) noexcept {
    for (const auto& [value, name] : detail::scenario_names) {
        if (value == scenario) {
            return name;
        }
    }
    return "unknown";
}

SFCONNECT_DECL std::optional<Scenario> scenario_from_string(std::string_view name) noexcept {
    std::string normalized(name.substr(0, 64));
    std::replace(normalized.begin(), normalized.end(), '-', '_');
    for (const auto& [value, n] : detail::scenario_names) {
        if (n == normalized) {
            return value;
        }
    }
    return std::nullopt;
}

SFCONNECT_DECL std::span<const Scenario> all_scenarios() noexcept {
    return detail::scenario_values;
}

SFCONNECT_DECL std::string token_signature(std::string_view consumer_secret, std::string_view id,
                                           std::string_view issued_at) {
    std::string message;
    message.reserve(id.size() + issued_at.size());
    message.append(id).append(issued_at);
    return detail::base64_encode(detail::hmac_sha256(consumer_secret, message));
}

// ---------------------------------------------------------------------------------------------
// Implementation

struct Emulator::Impl {
    using tcp = boost::asio::ip::tcp;
    using tls_stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

    // A live connection as seen by close_idle_connections(); touched on the server thread only.
    // A connection still writing a reply counts as idle once that write ends: its client may
    // already hold the whole reply before the server thread sees the write complete.
    struct ConnectionEntry {
        enum State { handshake, waiting, busy, writing };
        boost::beast::tcp_stream* tcp = nullptr;
        State state = handshake;
        bool close_after_write = false;
    };

    // Everything that exists only while running. Member order matters: destroying the
    // io_context destroys suspended coroutines, which still use `connections` and `ssl`.
    struct Runtime {
        boost::asio::ssl::context ssl{boost::asio::ssl::context::tls_server};
        std::unordered_set<ConnectionEntry*> connections;
        std::uint64_t next_connection = 0;
        boost::asio::io_context ioc{1};
        std::thread thread;
    };

    EmulatorOptions opts;
    TestCertificateAuthority ca;
    KeyPairPem server_certificate;
    std::string identity;
    std::string instance;
    std::vector<detail::Account> accounts;

    // Org state, guarded by `mutex`.
    mutable std::mutex mutex;
    Scenario current_scenario = Scenario::healthy;
    int propagating_failures_left = 0;  // Scenario::propagating: token requests still to fail
    std::chrono::milliseconds token_lifetime;
    std::array<std::deque<Fault>, 6> faults;
    std::unordered_map<std::string, detail::TokenRecord> tokens;
    // Tokens in issue order, which is also expiry order (one lifetime applies to all): pruning
    // pops expired ones from the front, so issuing costs O(1) amortised however many are live.
    std::deque<std::pair<std::string, std::chrono::steady_clock::time_point>> token_order;
    std::uint64_t next_serial = 0;
    std::uint64_t expired_below = 0;
    std::deque<std::string> issued_log;
    std::mt19937_64 rng;
    std::chrono::steady_clock::time_point next_forced_expiry;
    std::unordered_map<std::string, detail::QueryCursor> cursors;
    std::deque<std::string> cursor_order;
    std::uint64_t api_usage = 0;
    EmulatorStats counters;
    std::deque<RecordedRequest> log;

    // Server lifetime, guarded by `run_mutex` (start/stop/close_idle_connections).
    std::mutex run_mutex;
    std::unique_ptr<Runtime> runtime;
    std::atomic<std::uint16_t> bound_port{0};

    static TestCertificateAuthority make_authority(const EmulatorOptions& o) {
        return o.authority ? *o.authority : TestCertificateAuthority{};
    }

    explicit Impl(EmulatorOptions options)
        : opts(validate(std::move(options))), ca(make_authority(opts)), token_lifetime(opts.token_lifetime) {
        if (opts.consumer_secret.empty()) {
            opts.consumer_secret = detail::upper_hex(detail::random_bytes(32));
        }
        if (opts.certificate) {
            server_certificate = *opts.certificate;
        } else {
            LeafOptions leaf = opts.leaf ? *opts.leaf : LeafOptions{};
            if (leaf.dns_names.empty() && leaf.ip_addresses.empty()) {
                leaf.dns_names.push_back(opts.site);
            }
            server_certificate = ca.issue(leaf);
        }
        rng.seed(opts.random_seed != 0 ? opts.random_seed : std::random_device{}());
        next_forced_expiry = std::chrono::steady_clock::now() + opts.expire_all_tokens_every;
        const bool sandbox = opts.site.find("--") != std::string::npos;
        identity = std::string("https://") + (sandbox ? "test" : "login") + ".salesforce.com/id/" +
                   opts.organization_id + "/" + opts.user_id;
        instance = "https://" + opts.site;
        for (int i = 1; i <= opts.accounts; ++i) {
            char id15[32];
            std::snprintf(id15, sizeof id15, "0015g%010d", i);
            char name[32];
            std::snprintf(name, sizeof name, "Emulator Account %03d", i);
            accounts.push_back({detail::to_18_char_id(id15), name});
        }
    }

    static EmulatorOptions validate(EmulatorOptions o) {
        const auto fail = [](const std::string& what) {
            throw std::invalid_argument("sfconnect::testing::Emulator: " + what);
        };
        if (o.site.empty() || o.site.size() > 253 ||
            o.site.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
                std::string::npos) {
            fail("site must be a host name");
        }
        if (o.consumer_key.empty() || detail::has_crlf(o.consumer_key)) {
            fail("consumer_key must not be empty");
        }
        const auto check_id = [&](const std::string& id, const char* what) {
            if ((id.size() != 15 && id.size() != 18) ||
                id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
                    std::string::npos) {
                fail(std::string(what) + " must be a 15- or 18-character id");
            }
        };
        check_id(o.organization_id, "organization_id");
        check_id(o.user_id, "user_id");
        if (o.token_lifetime.count() <= 0) fail("token_lifetime must be positive");
        if (o.idle_timeout.count() < 0) fail("idle_timeout must not be negative");
        if (o.accounts < 0 || o.accounts > 10000) fail("accounts must be within 0..10000");
        if (o.query_batch_size < 1 || o.query_batch_size > 2000) fail("query_batch_size must be within 1..2000");
        if (!(o.api_unavailable_probability >= 0.0 && o.api_unavailable_probability <= 1.0))
            fail("api_unavailable_probability must be within 0..1");
        if (!(o.drop_connection_probability >= 0.0 && o.drop_connection_probability <= 1.0))
            fail("drop_connection_probability must be within 0..1");
        if (o.expire_all_tokens_every.count() < 0) fail("expire_all_tokens_every must not be negative");
        return o;
    }

    // ---- request bookkeeping (any thread) ----

    // Called with `mutex` held.
    void expire_tokens_locked() {
        expired_below = next_serial;
        ++counters.token_invalidations;
    }

    // The scheduled invalidation is applied lazily, when a request arrives: no timer needed, and a
    // quiet org loses nothing by it. Called with `mutex` held.
    void apply_forced_expiry(std::chrono::steady_clock::time_point now) {
        if (opts.expire_all_tokens_every.count() <= 0 || now < next_forced_expiry) return;
        expire_tokens_locked();
        while (next_forced_expiry <= now) next_forced_expiry += opts.expire_all_tokens_every;
    }

    // Rolls EmulatorOptions' dice for a request that no scripted Fault handles.
    detail::RandomAction random_action(std::optional<Route> route) {
        std::lock_guard lock(mutex);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        if (opts.drop_connection_probability > 0.0 && uniform(rng) < opts.drop_connection_probability) {
            ++counters.random_drops;
            switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
                case 0: return detail::RandomAction::drop_before_reply;
                case 1: return detail::RandomAction::drop_mid_body;
                default: return detail::RandomAction::drop_after_reply;
            }
        }
        if (route == Route::api && opts.api_unavailable_probability > 0.0 &&
            uniform(rng) < opts.api_unavailable_probability) {
            ++counters.random_unavailable;
            return detail::RandomAction::unavailable;
        }
        return detail::RandomAction::none;
    }

    std::optional<Fault> begin_request(std::optional<Route> route) {
        std::lock_guard lock(mutex);
        ++counters.requests;
        apply_forced_expiry(std::chrono::steady_clock::now());
        if (route) {
            switch (*route) {
                case Route::token: ++counters.token_requests; break;
                case Route::api: ++counters.api_requests; break;
                case Route::userinfo: ++counters.userinfo_requests; break;
                case Route::introspect: ++counters.introspect_requests; break;
                case Route::revoke: ++counters.revoke_requests; break;
                case Route::any: break;
            }
        }
        for (auto* queue : {route ? &faults[static_cast<std::size_t>(*route)] : nullptr,
                            &faults[static_cast<std::size_t>(Route::any)]}) {
            if (queue != nullptr && !queue->empty()) {
                Fault f = std::move(queue->front());
                queue->pop_front();
                ++counters.faults_applied;
                return f;
            }
        }
        return std::nullopt;
    }

    void record(const detail::Request& req, int status, std::uint64_t connection) {
        RecordedRequest r;
        r.method = std::string(req.method_string());
        r.target = detail::redact_target(req.target());
        for (const auto& field : req.base()) {
            std::string value(field.value());
            if (detail::iequals(field.name_string(), "Authorization")) {
                const std::size_t space = value.find(' ');
                value = (space == std::string::npos ? std::string{} : value.substr(0, space + 1)) + "<redacted>";
            }
            r.headers.emplace_back(std::string(field.name_string()), std::move(value));
        }
        const std::string_view body = std::string_view(req.body()).substr(0, detail::max_logged_body);
        r.body = detail::is_form(req) ? detail::redact_form(body) : std::string(body);
        r.status = status;
        r.connection = connection;
        std::lock_guard lock(mutex);
        log.push_back(std::move(r));
        while (log.size() > detail::max_logged_requests) {
            log.pop_front();
        }
    }

    // ---- replies (called with `mutex` held) ----

    bool token_valid(const std::string& token) const {
        if (token.empty()) {
            return false;
        }
        const auto it = tokens.find(token);
        if (it == tokens.end() || it->second.revoked || it->second.serial < expired_below) {
            return false;
        }
        return std::chrono::steady_clock::now() - it->second.issued < token_lifetime;
    }

    // Scenario::propagating: consumes one of the failures left (the caller holds `mutex`).
    bool still_propagating() {
        if (current_scenario != Scenario::propagating || propagating_failures_left <= 0) return false;
        --propagating_failures_left;
        return true;
    }

    // Client authentication shared by the token and introspection endpoints: form fields win,
    // else an HTTP Basic header (values compared raw or form-decoded, per RFC 6749 §2.3.1).
    std::optional<detail::Reply> authenticate_client(const detail::Request& req, const detail::Params& form) const {
        std::optional<std::string> id = detail::param(form, "client_id");
        std::optional<std::string> secret = detail::param(form, "client_secret");
        std::string basic_id;
        std::string basic_secret;
        const std::string_view auth = detail::trim(req[boost::beast::http::field::authorization]);
        if (detail::istarts_with(auth, "Basic ")) {
            std::string decoded;
            if (detail::base64_decode(detail::trim(auth.substr(6)), decoded)) {
                const std::size_t colon = decoded.find(':');
                if (colon != std::string::npos) {
                    basic_id = decoded.substr(0, colon);
                    basic_secret = decoded.substr(colon + 1);
                }
            }
        }
        const auto matches = [](const std::string& given, const std::string& expected) {
            return detail::constant_time_equal(given, expected) ||
                   detail::constant_time_equal(detail::form_decode(given), expected);
        };
        const std::string client_id = id ? *id : basic_id;
        const std::string client_secret = id ? secret.value_or(std::string{}) : basic_secret;
        if (client_id.empty() || !matches(client_id, opts.consumer_key) ||
            current_scenario == Scenario::propagation_delay) {
            return detail::oauth_error(400, "invalid_client_id", "client identifier invalid");
        }
        if (client_secret.empty() || !matches(client_secret, opts.consumer_secret)) {
            return detail::oauth_error(400, "invalid_client", "invalid client credentials");
        }
        return std::nullopt;
    }

    static detail::Reply service_unavailable_page() {
        detail::Reply r;
        r.status = 503;
        r.headers.emplace_back("Content-Type", "text/html;charset=UTF-8");
        r.body =
            "<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>"
            "<p>The server is temporarily unable to service your request. Please try again later.</p>"
            "</body></html>";
        return r;
    }

    detail::Reply token_endpoint(const detail::Request& req) {
        namespace http = boost::beast::http;
        if (current_scenario == Scenario::token_unavailable) {
            return service_unavailable_page();
        }
        if (req.method() != http::verb::post) {
            return detail::oauth_error(400, "invalid_request", "must use HTTP POST");
        }
        // A body that is not a form is not read at all, which is how a lost/mistyped body
        // surfaces on Salesforce: the grant type is "missing".
        const detail::Params form = detail::is_form(req) ? detail::parse_form(req.body()) : detail::Params{};
        if (detail::param(form, "grant_type").value_or("") != "client_credentials") {
            return detail::oauth_error(400, "unsupported_grant_type", "grant type not supported");
        }
        std::string_view host = req[http::field::host];
        host = host.substr(0, host.rfind(':') == std::string_view::npos ? host.size() : host.rfind(':'));
        if (current_scenario == Scenario::wrong_domain || detail::iequals(host, "login.salesforce.com") ||
            detail::iequals(host, "test.salesforce.com")) {
            return detail::oauth_error(400, "invalid_grant", "request not supported on this domain");
        }
        if (still_propagating()) {
            return detail::oauth_error(400, "invalid_client_id", "client identifier invalid");
        }
        if (auto failure = authenticate_client(req, form)) {
            return *failure;
        }
        switch (current_scenario) {
            case Scenario::flow_disabled:
                return detail::oauth_error(400, "unsupported_grant_type", "grant type not supported");
            case Scenario::no_run_as_user:
                return detail::oauth_error(400, "invalid_grant", "no client credentials user enabled");
            case Scenario::user_inactive:
                return detail::oauth_error(400, "inactive_user", "User is inactive");
            case Scenario::org_inactive:
                return detail::oauth_error(400, "inactive_org", "Org is locked, closed, or suspended");
            case Scenario::ip_restricted:
                return detail::oauth_error(400, "invalid_grant", "ip restricted");
            case Scenario::login_rate_exceeded:
                return detail::oauth_error(400, "rate_limit_exceeded", "Number of logins exceeded");
            default:
                break;
        }
        return issue_token();
    }

    detail::Reply issue_token() {
        const auto now_steady = std::chrono::steady_clock::now();
        while (tokens.size() >= detail::token_prune_threshold && !token_order.empty()) {
            const auto& [oldest, issued] = token_order.front();
            const auto it = tokens.find(oldest);
            if (it != tokens.end() && it->second.serial >= expired_below && now_steady - issued < token_lifetime) {
                break;  // the oldest remembered token is still valid, so are all younger ones
            }
            if (it != tokens.end()) tokens.erase(it);
            token_order.pop_front();
        }
        // Real tokens: 15-character org id, '!', then an opaque part of letters, digits, '.' and '_'.
        const std::string token =
            opts.organization_id.substr(0, 15) + "!AQ" +
            detail::random_string(96, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._");
        const auto now = std::chrono::system_clock::now();
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
        detail::TokenRecord rec;
        rec.issued = now_steady;
        rec.issued_unix = ms / 1000;
        rec.serial = next_serial++;
        tokens[token] = rec;
        token_order.emplace_back(token, now_steady);
        issued_log.push_back(token);
        while (issued_log.size() > detail::max_issued_log) issued_log.pop_front();
        ++counters.tokens_issued;

        const std::string issued_at = std::to_string(opts.issued_at_in_seconds ? ms / 1000 : ms);
        boost::json::object o;
        o["access_token"] = token;
        if (opts.send_signature) {
            o["signature"] = token_signature(opts.consumer_secret, identity, issued_at);
        }
        o["token_format"] = "opaque";
        o["scope"] = "api";
        o["instance_url"] = instance;
        o["id"] = identity;
        o["token_type"] = "Bearer";
        o["issued_at"] = issued_at;
        o["api_instance_url"] = "https://api.salesforce.com";
        detail::Reply r = detail::json_reply(200, o);
        r.headers.emplace_back("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private");
        return r;
    }

    boost::json::object userinfo_json() const {
        const std::string rest = instance + "/services/data/v{version}/";
        boost::json::object urls;
        urls["enterprise"] = instance + "/services/Soap/c/{version}/" + opts.organization_id.substr(0, 15);
        urls["partner"] = instance + "/services/Soap/u/{version}/" + opts.organization_id.substr(0, 15);
        urls["rest"] = rest;
        urls["sobjects"] = rest + "sobjects/";
        urls["search"] = rest + "search/";
        urls["query"] = rest + "query/";
        urls["recent"] = rest + "recent/";
        urls["profile"] = instance + "/" + opts.user_id;
        urls["custom_domain"] = instance;
        boost::json::object o;
        o["sub"] = identity;
        o["user_id"] = opts.user_id;
        o["organization_id"] = opts.organization_id;
        o["preferred_username"] = opts.username;
        o["nickname"] = opts.username.substr(0, opts.username.find('@'));
        o["name"] = "Integration User";
        o["email"] = opts.username;
        o["email_verified"] = true;
        o["given_name"] = "Integration";
        o["family_name"] = "User";
        o["zoneinfo"] = "America/Los_Angeles";
        o["profile"] = instance + "/" + opts.user_id;
        o["urls"] = std::move(urls);
        o["active"] = true;
        o["user_type"] = "STANDARD";
        o["language"] = "en_US";
        o["locale"] = "en_US";
        o["utcOffset"] = -28800000;
        o["updated_at"] = "2024-01-01T00:00:00Z";
        o["is_app_installed"] = true;
        o["is_salesforce_integration_user"] = false;
        return o;
    }

    detail::Reply userinfo_endpoint(const detail::Request& req) {
        namespace http = boost::beast::http;
        if (current_scenario == Scenario::token_unavailable) {
            return service_unavailable_page();
        }
        if (req.method() != http::verb::get && req.method() != http::verb::post && req.method() != http::verb::head) {
            return detail::rest_error(405, "METHOD_NOT_ALLOWED",
                                      "HTTP Method '" + std::string(req.method_string()) +
                                          "' not allowed. Allowed are GET,POST");
        }
        std::string token = detail::bearer_token(req);
        if (token.empty()) {
            const std::string_view target = req.target();
            const std::size_t q = target.find('?');
            detail::Params params = q == std::string_view::npos ? detail::Params{} : detail::parse_form(target.substr(q + 1));
            if (detail::is_form(req)) {
                const detail::Params form = detail::parse_form(req.body());
                params.insert(params.end(), form.begin(), form.end());
            }
            token = detail::param(params, "access_token").value_or(detail::param(params, "oauth_token").value_or(""));
        }
        if (!token_valid(token)) {
            // What Salesforce's identity service answers for a missing, expired or revoked token.
            detail::Reply r;
            r.status = 403;
            r.headers.emplace_back("Content-Type", "text/plain;charset=UTF-8");
            r.body = "Bad_OAuth_Token";
            return r;
        }
        return detail::json_reply(200, userinfo_json());
    }

    detail::Reply introspect_endpoint(const detail::Request& req) {
        if (current_scenario == Scenario::token_unavailable) {
            return service_unavailable_page();
        }
        if (req.method() != boost::beast::http::verb::post) {
            return detail::oauth_error(400, "invalid_request", "must use HTTP POST");
        }
        const detail::Params form = detail::is_form(req) ? detail::parse_form(req.body()) : detail::Params{};
        if (auto failure = authenticate_client(req, form)) {
            return *failure;
        }
        const std::optional<std::string> token = detail::param(form, "token");
        if (!token || token->empty()) {
            return detail::oauth_error(400, "invalid_request", "token parameter is required");
        }
        boost::json::object o;
        if (!token_valid(*token)) {
            o["active"] = false;
            return detail::json_reply(200, o);
        }
        const std::int64_t iat = tokens.at(*token).issued_unix;
        o["active"] = true;
        o["scope"] = "api";
        o["client_id"] = opts.consumer_key;
        o["username"] = opts.username;
        o["sub"] = identity;
        o["token_type"] = "access_token";
        o["exp"] = iat + std::chrono::duration_cast<std::chrono::seconds>(token_lifetime).count();
        o["iat"] = iat;
        o["nbf"] = iat;
        return detail::json_reply(200, o);
    }

    detail::Reply revoke_endpoint(const detail::Request& req) {
        namespace http = boost::beast::http;
        if (current_scenario == Scenario::token_unavailable) {
            return service_unavailable_page();
        }
        detail::Params params;
        if (req.method() == http::verb::post) {
            if (detail::is_form(req)) {
                params = detail::parse_form(req.body());
            }
        } else if (req.method() == http::verb::get) {
            const std::string_view target = req.target();
            const std::size_t q = target.find('?');
            if (q != std::string_view::npos) {
                params = detail::parse_form(target.substr(q + 1));
            }
        } else {
            return detail::oauth_error(400, "invalid_request", "must use HTTP POST");
        }
        const std::string token = detail::param(params, "token").value_or("");
        if (!token_valid(token)) {
            return detail::oauth_error(400, "invalid_token", "Token was invalid");
        }
        tokens.at(token).revoked = true;
        detail::Reply r;
        r.status = 200;
        return r;
    }

    boost::json::object account_json(const detail::Account& a, int version, const std::vector<std::string>& fields) const {
        boost::json::object attributes;
        attributes["type"] = "Account";
        attributes["url"] = detail::version_path(version) + "/sobjects/Account/" + a.id;
        boost::json::object o;
        o["attributes"] = std::move(attributes);
        for (const auto& f : fields) {
            o[f] = f == "Id" ? a.id : a.name;
        }
        return o;
    }

    detail::Reply query_page(const std::string& locator, const detail::QueryCursor& c, std::size_t offset) {
        boost::json::array records;
        const std::size_t end = std::min(c.total, offset + c.batch);
        for (std::size_t i = offset; i < end; ++i) {
            records.emplace_back(account_json(accounts[i], c.version, c.fields));
        }
        boost::json::object o;
        o["totalSize"] = c.total;
        o["done"] = end >= c.total;
        if (end < c.total) {
            o["nextRecordsUrl"] = detail::version_path(c.version) + "/query/" + locator + "-" + std::to_string(end);
        }
        o["records"] = std::move(records);
        return detail::json_reply(200, o);
    }

    detail::Reply run_query(const detail::Request& req, int version, std::string_view query_string) {
        const std::optional<std::string> q = detail::param(detail::parse_form(query_string), "q");
        if (!q || detail::trim(*q).empty()) {
            return detail::rest_error(400, "MALFORMED_QUERY", "A query string has to be specified");
        }
        auto parsed = detail::parse_soql(*q);
        if (auto* error = std::get_if<detail::Reply>(&parsed)) {
            return std::move(*error);
        }
        const detail::Soql& soql = std::get<detail::Soql>(parsed);
        const std::size_t total = std::min(accounts.size(), soql.limit.value_or(accounts.size()));
        if (soql.count) {
            boost::json::object o;
            o["totalSize"] = total;
            o["done"] = true;
            o["records"] = boost::json::array{};
            return detail::json_reply(200, o);
        }
        detail::QueryCursor cursor;
        cursor.version = version;
        cursor.fields = soql.fields;
        cursor.total = total;
        cursor.batch = static_cast<std::size_t>(opts.query_batch_size);
        // Salesforce honours "Sforce-Query-Options: batchSize=N" as a hint.
        const std::string_view hint = req["Sforce-Query-Options"];
        const std::size_t at = hint.find("batchSize=");
        if (at != std::string_view::npos) {
            std::size_t n = 0;
            std::size_t i = at + 10;
            for (; i < hint.size() && i < at + 14 && hint[i] >= '0' && hint[i] <= '9'; ++i) {
                n = n * 10 + static_cast<std::size_t>(hint[i] - '0');
            }
            if (n >= 1 && n <= 2000) {
                cursor.batch = n;
            }
        }
        const std::string locator =
            detail::to_18_char_id("01g5g" + detail::random_string(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
        if (total > cursor.batch) {
            cursors[locator] = cursor;
            cursor_order.push_back(locator);
            while (cursor_order.size() > detail::max_cursors) {
                cursors.erase(cursor_order.front());
                cursor_order.pop_front();
            }
        }
        return query_page(locator, cursor, 0);
    }

    detail::Reply next_page(std::string_view locator_and_offset) {
        const std::size_t dash = locator_and_offset.rfind('-');
        if (dash != std::string_view::npos) {
            const std::string locator(locator_and_offset.substr(0, dash));
            const std::string_view digits = locator_and_offset.substr(dash + 1);
            const auto it = cursors.find(locator);
            if (it != cursors.end() && !digits.empty() && digits.size() <= 9 &&
                digits.find_first_not_of("0123456789") == std::string_view::npos) {
                const std::size_t offset = std::stoul(std::string(digits));
                if (offset < it->second.total) {
                    return query_page(locator, it->second, offset);
                }
            }
        }
        return detail::rest_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    }

    detail::Reply api_endpoint(const detail::Request& req) {
        namespace http = boost::beast::http;
        const std::string_view target = req.target();
        const std::size_t qmark = target.find('?');
        const std::string_view path = target.substr(0, qmark);
        const std::string_view query = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);
        const std::vector<std::string_view> seg = detail::split_path(path.substr(std::string_view("/services/data").size()));
        const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
        const auto method_not_allowed = [&] {
            return detail::rest_error(405, "METHOD_NOT_ALLOWED",
                                      "HTTP Method '" + std::string(req.method_string()) +
                                          "' not allowed. Allowed are GET,HEAD");
        };

        if (current_scenario == Scenario::api_unavailable) {
            return detail::rest_error(503, "SERVER_UNAVAILABLE", "The server is temporarily unavailable");
        }
        if (seg.empty()) {  // the versions list needs no session and does not count against limits
            if (!get) {
                return method_not_allowed();
            }
            boost::json::array versions;
            for (const auto& [v, label] : detail::api_versions) {
                boost::json::object o;
                o["label"] = label;
                o["url"] = detail::version_path(v);
                o["version"] = std::to_string(v) + ".0";
                versions.emplace_back(std::move(o));
            }
            return detail::json_reply(200, versions);
        }
        if (!token_valid(detail::bearer_token(req))) {
            return detail::rest_error(401, "INVALID_SESSION_ID", "Session expired or invalid");
        }
        switch (current_scenario) {
            case Scenario::session_not_valid_for_api:
                return detail::rest_error(401, "INVALID_SESSION_ID",
                                          "This session is not valid for use with the REST API");
            case Scenario::api_disabled:
                return detail::rest_error(403, "API_DISABLED_FOR_ORG",
                                          "The REST API is not enabled for this Organization.");
            case Scenario::request_limit:
                api_usage = std::max(api_usage, detail::daily_api_limit);
                return detail::rest_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
            case Scenario::insufficient_access:
                return detail::rest_error(403, "INSUFFICIENT_ACCESS",
                                          "insufficient access rights: the Run As user lacks a permission "
                                          "this resource requires");
            default:
                break;
        }
        ++api_usage;

        const int version = detail::parse_version(seg[0]);
        const bool known_version =
            std::any_of(detail::api_versions.begin(), detail::api_versions.end(),
                        [&](const auto& v) { return v.first == version; });
        if (!known_version) {
            return detail::not_found();
        }
        const std::string base = detail::version_path(version);
        if (seg.size() == 1) {
            if (!get) return method_not_allowed();
            boost::json::object o;
            for (const char* name : {"tooling", "metadata", "sobjects", "query", "queryAll", "search", "recent",
                                     "limits", "composite", "connect", "analytics", "ui-api"}) {
                o[name] = base + "/" + name;
            }
            o["identity"] = identity;
            return detail::json_reply(200, o);
        }
        if (seg.size() == 2 && seg[1] == "limits") {
            if (!get) return method_not_allowed();
            const auto limit = [](std::uint64_t max, std::uint64_t remaining) {
                boost::json::object o;
                o["Max"] = max;
                o["Remaining"] = remaining;
                return o;
            };
            boost::json::object o;
            o["ConcurrentAsyncGetReportInstances"] = limit(200, 200);
            o["DailyApiRequests"] = limit(detail::daily_api_limit,
                                          detail::daily_api_limit - std::min(api_usage, detail::daily_api_limit));
            o["DailyAsyncApexExecutions"] = limit(250000, 250000);
            o["DailyBulkApiBatches"] = limit(15000, 15000);
            o["DataStorageMB"] = limit(5, 5);
            o["FileStorageMB"] = limit(20, 20);
            o["HourlyPublishedPlatformEvents"] = limit(50000, 50000);
            o["SingleEmail"] = limit(15, 15);
            return detail::json_reply(200, o);
        }
        if ((seg.size() == 2 || seg.size() == 3) && (seg[1] == "query" || seg[1] == "queryAll")) {
            if (!get) return method_not_allowed();
            return seg.size() == 2 ? run_query(req, version, query) : next_page(seg[2]);
        }
        if (seg.size() == 4 && seg[1] == "sobjects" && detail::iequals(seg[2], "Account")) {
            if (!get) return method_not_allowed();
            for (const auto& a : accounts) {
                if (seg[3] == a.id || seg[3] == std::string_view(a.id).substr(0, 15)) {
                    boost::json::object o = account_json(a, version, {"Id", "Name"});
                    o["IsDeleted"] = false;
                    o["CreatedDate"] = "2024-01-01T00:00:00.000+0000";
                    o["OwnerId"] = opts.user_id;
                    return detail::json_reply(200, o);
                }
            }
            return detail::not_found();
        }
        return detail::not_found();
    }

    detail::Reply respond(const detail::Request& req, std::optional<Route> route) {
        std::lock_guard lock(mutex);
        if (!route) {
            return detail::not_found();
        }
        switch (*route) {
            case Route::token: return token_endpoint(req);
            case Route::userinfo: return userinfo_endpoint(req);
            case Route::introspect: return introspect_endpoint(req);
            case Route::revoke: return revoke_endpoint(req);
            case Route::api: {
                detail::Reply r = api_endpoint(req);
                r.headers.emplace_back("Sforce-Limit-Info", "api-usage=" + std::to_string(api_usage) + "/" +
                                                                std::to_string(detail::daily_api_limit));
                return r;
            }
            case Route::any: break;
        }
        return detail::not_found();
    }

    static detail::Reply fault_reply(const Fault& f) {
        detail::Reply r;
        r.status = f.status;
        if (!f.content_type.empty()) {
            r.headers.emplace_back("Content-Type", f.content_type);
        }
        r.headers.insert(r.headers.end(), f.headers.begin(), f.headers.end());
        r.body = f.body;
        return r;
    }

    static detail::Reply redirect_reply(const Fault& f, const detail::Request& req) {
        detail::Reply r = fault_reply(f);
        r.headers.emplace(r.headers.begin(), "Location",
                          f.location.empty() ? "https://login.salesforce.com" + std::string(req.target()) : f.location);
        return r;
    }

    // ---- networking (server thread) ----

    template <class Stream>
    static boost::asio::awaitable<void> write_all(Stream& stream, const std::string& bytes) {
        co_await boost::asio::async_write(stream, boost::asio::buffer(bytes),
                                          boost::asio::as_tuple(boost::asio::use_awaitable));
    }

    // `body` then `filler_bytes` of filler, chunked; stops at the first write error (the client gave up).
    template <class Stream>
    static boost::asio::awaitable<void> write_filler_reply(Stream& stream, const Fault& f) {
        namespace asio = boost::asio;
        std::string head = "HTTP/1.1 " + std::to_string(f.status) + " Filler\r\n";
        if (!f.content_type.empty()) head += "Content-Type: " + f.content_type + "\r\n";
        head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        if (!f.body.empty()) head += hex_size(f.body.size()) + "\r\n" + f.body + "\r\n";
        stream.next_layer().expires_after(std::chrono::seconds(30));
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), asio::as_tuple(asio::use_awaitable));
        (void)n;
        const std::string piece(64 * 1024, 'x');
        for (std::size_t left = f.filler_bytes; !ec && left > 0;) {
            const std::size_t k = std::min(left, piece.size());
            const std::string size_line = hex_size(k) + "\r\n";
            const std::array<asio::const_buffer, 3> bufs{asio::buffer(size_line), asio::buffer(piece.data(), k),
                                                         asio::buffer("\r\n", 2)};
            stream.next_layer().expires_after(std::chrono::seconds(30));
            std::tie(ec, n) = co_await asio::async_write(stream, bufs, asio::as_tuple(asio::use_awaitable));
            left -= k;
        }
        if (!ec) co_await write_all(stream, std::string("0\r\n\r\n"));
    }

    static std::string hex_size(std::size_t n) {
        char buf[24];
        const int len = std::snprintf(buf, sizeof buf, "%zx", n);
        return std::string(buf, static_cast<std::size_t>(len));
    }

    static void hard_close(tls_stream& stream) {
        boost::system::error_code ignored;
        stream.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.next_layer().close();
    }

    boost::asio::awaitable<void> graceful_close(tls_stream& stream) {
        stream.next_layer().expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(boost::asio::as_tuple(boost::asio::use_awaitable));
        hard_close(stream);
    }

    // Answers a request that could not be parsed, then closes.
    boost::asio::awaitable<void> reject(tls_stream& stream, int status) {
        {
            std::lock_guard lock(mutex);
            ++counters.bad_requests;
        }
        detail::Reply r;
        r.status = status;
        r.headers.emplace_back("Content-Type", "text/plain;charset=UTF-8");
        r.body = detail::reason_phrase(status);
        stream.next_layer().expires_after(std::chrono::seconds(5));
        co_await write_all(stream, detail::serialize_reply(r, false, false));
        co_await graceful_close(stream);
    }

    boost::asio::awaitable<void> session(Runtime& rt, tcp::socket socket, std::uint64_t connection) {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        using asio::as_tuple;
        using asio::use_awaitable;

        struct Active {
            Impl& self;
            explicit Active(Impl& s) : self(s) {
                std::lock_guard lock(self.mutex);
                ++self.counters.active_connections;
            }
            ~Active() {
                std::lock_guard lock(self.mutex);
                --self.counters.active_connections;
            }
            Active(const Active&) = delete;
            Active& operator=(const Active&) = delete;
        } active(*this);

        tls_stream stream(std::move(socket), rt.ssl);
        ConnectionEntry entry;
        entry.tcp = &stream.next_layer();
        rt.connections.insert(&entry);
        struct Unregister {
            Runtime& rt;
            ConnectionEntry* entry;
            ~Unregister() { rt.connections.erase(entry); }
        } unregister{rt, &entry};

        stream.next_layer().expires_after(std::chrono::seconds(30));
        auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, as_tuple(use_awaitable));
        {
            std::lock_guard lock(mutex);
            ++(handshake_error ? counters.tls_handshake_failures : counters.tls_handshakes);
        }
        if (handshake_error) {
            co_return;
        }

        boost::beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(detail::max_header_bytes));
            parser.body_limit(detail::max_body_bytes);
            entry.state = ConnectionEntry::waiting;
            if (opts.idle_timeout.count() > 0) {
                stream.next_layer().expires_after(opts.idle_timeout);
            } else {
                stream.next_layer().expires_never();
            }
            auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, as_tuple(use_awaitable));
            (void)read_bytes;
            entry.state = ConnectionEntry::busy;
            if (read_error) {
                if (read_error == http::error::header_limit) {
                    co_await reject(stream, 431);
                } else if (read_error == http::error::body_limit) {
                    co_await reject(stream, 413);
                } else if (read_error.category() == http::make_error_code(http::error::bad_target).category() &&
                           read_error != http::error::end_of_stream && read_error != http::error::partial_message) {
                    co_await reject(stream, 400);
                }
                co_return;  // closed by the client, timed out, or closed by close_idle_connections()
            }

            const detail::Request req = parser.release();
            const std::optional<Route> route = detail::classify(req.target());
            const std::optional<Fault> fault = begin_request(route);
            const bool keep_alive = req.keep_alive();
            const bool head = req.method() == http::verb::head;

            if (fault && fault->delay.count() > 0) {
                asio::steady_timer timer(stream.get_executor(), fault->delay);
                co_await timer.async_wait(as_tuple(use_awaitable));
            }
            const detail::RandomAction chance = fault ? detail::RandomAction::none : random_action(route);
            if (chance == detail::RandomAction::drop_before_reply) {
                record(req, 0, connection);
                hard_close(stream);
                co_return;
            }
            if (chance == detail::RandomAction::drop_mid_body) {
                const detail::Reply full = respond(req, route);
                record(req, full.status, connection);
                std::size_t header_size = 0;
                const std::string wire = detail::serialize_reply(full, true, false, &header_size);
                const std::size_t body_size = wire.size() - header_size;
                const std::size_t cut = body_size > 0 ? header_size + body_size / 2 : header_size / 2;
                stream.next_layer().expires_after(std::chrono::seconds(30));
                co_await write_all(stream, wire.substr(0, cut));
                hard_close(stream);
                co_return;
            }
            detail::Reply reply;
            if (chance == detail::RandomAction::unavailable) {
                reply = detail::rest_error(503, "SERVER_UNAVAILABLE", "The server is temporarily unavailable");
            } else if (fault) {
                switch (fault->kind) {
                    case FaultKind::close_before_reply:
                        record(req, 0, connection);
                        hard_close(stream);
                        co_return;
                    case FaultKind::never_reply: {
                        record(req, 0, connection);
                        stream.next_layer().expires_never();
                        char sink[512];
                        for (;;) {  // discard input until the client closes or the server stops
                            auto [e, n] = co_await stream.async_read_some(asio::buffer(sink), as_tuple(use_awaitable));
                            (void)n;
                            if (e) {
                                co_return;
                            }
                        }
                    }
                    case FaultKind::close_mid_body: {
                        const detail::Reply full = fault->body.empty() ? respond(req, route) : fault_reply(*fault);
                        record(req, full.status, connection);
                        std::size_t header_size = 0;
                        const std::string wire = detail::serialize_reply(full, true, false, &header_size);
                        const std::size_t body_size = wire.size() - header_size;
                        const std::size_t cut = body_size > 0 ? header_size + body_size / 2 : header_size / 2;
                        stream.next_layer().expires_after(std::chrono::seconds(30));
                        co_await write_all(stream, wire.substr(0, cut));
                        hard_close(stream);
                        co_return;
                    }
                    case FaultKind::reply:
                        if (fault->filler_bytes > 0) {
                            record(req, fault->status, connection);
                            co_await write_filler_reply(stream, *fault);
                            hard_close(stream);
                            co_return;
                        }
                        reply = fault_reply(*fault);
                        break;
                    case FaultKind::redirect: reply = redirect_reply(*fault, req); break;
                    case FaultKind::delay: reply = respond(req, route); break;
                }
            } else {
                reply = respond(req, route);
            }
            record(req, reply.status, connection);

            stream.next_layer().expires_after(std::chrono::seconds(30));
            const std::string wire = detail::serialize_reply(reply, keep_alive, head);
            entry.state = ConnectionEntry::writing;
            auto [write_error, written] =
                co_await asio::async_write(stream, asio::buffer(wire), as_tuple(use_awaitable));
            (void)written;
            entry.state = ConnectionEntry::busy;
            if (write_error) {
                co_return;
            }
            if (entry.close_after_write || chance == detail::RandomAction::drop_after_reply) {
                hard_close(stream);
                co_return;
            }
            if (!keep_alive) {
                co_await graceful_close(stream);
                co_return;
            }
        }
    }

    // Completion for spawned coroutines: an escaped exception is a server bug, counted, never fatal.
    auto completion() {
        return [this](std::exception_ptr e) {
            if (e) {
                std::lock_guard lock(mutex);
                ++counters.internal_errors;
            }
        };
    }

    boost::asio::awaitable<void> accept_loop(Runtime& rt, tcp::acceptor acceptor) {
        namespace asio = boost::asio;
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
                    co_return;
                }
                // e.g. out of file descriptors: back off instead of spinning
                asio::steady_timer timer(acceptor.get_executor(), std::chrono::milliseconds(50));
                co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            {
                std::lock_guard lock(mutex);
                ++counters.connections_accepted;
            }
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            asio::co_spawn(rt.ioc, session(rt, std::move(socket), ++rt.next_connection), completion());
        }
    }

    void start() {
        namespace asio = boost::asio;
        std::lock_guard run(run_mutex);
        if (runtime) {
            return;
        }
        auto rt = std::make_unique<Runtime>();
        rt->ssl.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                            asio::ssl::context::no_tlsv1_1);
        rt->ssl.use_certificate_chain(asio::buffer(server_certificate.certificate_pem));
        rt->ssl.use_private_key(asio::buffer(server_certificate.private_key_pem), asio::ssl::context::pem);

        tcp::acceptor acceptor(rt->ioc);
        const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), opts.port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);
        bound_port = acceptor.local_endpoint().port();

        asio::co_spawn(rt->ioc, accept_loop(*rt, std::move(acceptor)), completion());
        rt->thread = std::thread([ioc = &rt->ioc] {
            for (;;) {
                try {
                    ioc->run();
                    return;
                } catch (...) {
                    // Handlers do not throw by design; keep serving if one ever does.
                }
            }
        });
        runtime = std::move(rt);
    }

    void stop() noexcept {
        std::lock_guard run(run_mutex);
        if (!runtime) {
            return;
        }
        runtime->ioc.stop();
        if (runtime->thread.joinable()) {
            runtime->thread.join();
        }
        runtime.reset();  // destroys suspended coroutines, which closes their sockets
    }

    void close_idle_connections() {
        std::lock_guard run(run_mutex);
        if (!runtime) {
            return;
        }
        Runtime& rt = *runtime;
        const auto close_idle = [&rt] {
            for (ConnectionEntry* entry : rt.connections) {
                if (entry->state == ConnectionEntry::waiting) {
                    boost::system::error_code ignored;
                    entry->tcp->socket().shutdown(tcp::socket::shutdown_both, ignored);
                    entry->tcp->close();
                } else if (entry->state == ConnectionEntry::writing) {
                    entry->close_after_write = true;
                }
            }
        };
        if (rt.ioc.get_executor().running_in_this_thread()) {
            close_idle();
            return;
        }
        std::promise<void> done;
        std::future<void> finished = done.get_future();
        boost::asio::post(rt.ioc, [&] {
            close_idle();
            done.set_value();
        });
        finished.wait();
    }
};

// ---------------------------------------------------------------------------------------------
// Emulator

SFCONNECT_DECL Emulator::Emulator(EmulatorOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

SFCONNECT_DECL Emulator::~Emulator() {
    impl_->stop();
}

SFCONNECT_DECL void Emulator::start() {
    impl_->start();
}

SFCONNECT_DECL void Emulator::stop() noexcept {
    impl_->stop();
}

SFCONNECT_DECL bool Emulator::running() const noexcept {
    std::lock_guard run(impl_->run_mutex);
    return impl_->runtime != nullptr;
}

SFCONNECT_DECL std::uint16_t Emulator::port() const noexcept {
    return impl_->bound_port;
}

SFCONNECT_DECL std::string Emulator::connect_to() const {
    return "127.0.0.1:" + std::to_string(port());
}

SFCONNECT_DECL const std::string& Emulator::site() const noexcept {
    return impl_->opts.site;
}

SFCONNECT_DECL std::string Emulator::instance_url() const {
    return impl_->instance;
}

SFCONNECT_DECL const std::string& Emulator::identity_url() const noexcept {
    return impl_->identity;
}

SFCONNECT_DECL const std::string& Emulator::ca_certificate_pem() const noexcept {
    return impl_->ca.certificate_pem();
}

SFCONNECT_DECL void Emulator::write_ca_pem(const std::string& path) const {
    impl_->ca.write_certificate_pem(path);
}

SFCONNECT_DECL const std::string& Emulator::consumer_key() const noexcept {
    return impl_->opts.consumer_key;
}

SFCONNECT_DECL const std::string& Emulator::consumer_secret() const noexcept {
    return impl_->opts.consumer_secret;
}

SFCONNECT_DECL const EmulatorOptions& Emulator::options() const noexcept {
    return impl_->opts;
}

SFCONNECT_DECL void Emulator::set_scenario(Scenario scenario) {
    std::lock_guard lock(impl_->mutex);
    impl_->current_scenario = scenario;
    impl_->propagating_failures_left = impl_->opts.propagating_token_failures;
}

SFCONNECT_DECL Scenario Emulator::scenario() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->current_scenario;
}

SFCONNECT_DECL void Emulator::set_token_lifetime(std::chrono::milliseconds lifetime) {
    if (lifetime.count() <= 0) {
        throw std::invalid_argument("sfconnect::testing::Emulator: token lifetime must be positive");
    }
    std::lock_guard lock(impl_->mutex);
    impl_->token_lifetime = lifetime;
}

SFCONNECT_DECL void Emulator::push_fault(Route route, Fault fault) {
    const auto fail = [](const char* what) {
        throw std::invalid_argument(std::string("sfconnect::testing::Emulator::push_fault: ") + what);
    };
    if (fault.status < 200 || fault.status > 999) fail("status must be within 200..999");
    if ((fault.status == 204 || fault.status == 304) && !fault.body.empty()) fail("204 and 304 replies have no body");
    if (fault.kind == FaultKind::redirect && (fault.status < 300 || fault.status > 399)) fail("redirect needs a 3xx status");
    if (fault.delay.count() < 0) fail("delay must not be negative");
    if (detail::has_crlf(fault.content_type) || detail::has_crlf(fault.location)) fail("CR/LF in a header value");
    for (const auto& [name, value] : fault.headers) {
        if (name.empty() || name.find(':') != std::string::npos || detail::has_crlf(name) || detail::has_crlf(value)) {
            fail("invalid header field");
        }
    }
    std::lock_guard lock(impl_->mutex);
    impl_->faults[static_cast<std::size_t>(route)].push_back(std::move(fault));
}

SFCONNECT_DECL void Emulator::clear_faults() {
    std::lock_guard lock(impl_->mutex);
    for (auto& queue : impl_->faults) {
        queue.clear();
    }
}

SFCONNECT_DECL std::size_t Emulator::pending_faults() const {
    std::lock_guard lock(impl_->mutex);
    std::size_t n = 0;
    for (const auto& queue : impl_->faults) {
        n += queue.size();
    }
    return n;
}

SFCONNECT_DECL void Emulator::expire_all_tokens() {
    std::lock_guard lock(impl_->mutex);
    impl_->expire_tokens_locked();
}

SFCONNECT_DECL std::vector<std::string> Emulator::issued_tokens() const {
    std::lock_guard lock(impl_->mutex);
    return std::vector<std::string>(impl_->issued_log.begin(), impl_->issued_log.end());
}

SFCONNECT_DECL std::size_t Emulator::remembered_tokens() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->tokens.size();
}

SFCONNECT_DECL void Emulator::close_idle_connections() {
    impl_->close_idle_connections();
}

SFCONNECT_DECL EmulatorStats Emulator::stats() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->counters;
}

SFCONNECT_DECL void Emulator::reset_stats() {
    std::lock_guard lock(impl_->mutex);
    const std::uint64_t active = impl_->counters.active_connections;
    impl_->counters = EmulatorStats{};
    impl_->counters.active_connections = active;
    impl_->log.clear();
}

SFCONNECT_DECL std::vector<RecordedRequest> Emulator::recent_requests() const {
    std::lock_guard lock(impl_->mutex);
    return std::vector<RecordedRequest>(impl_->log.begin(), impl_->log.end());
}

}  // namespace testing
}  // namespace sfconnect

#endif
