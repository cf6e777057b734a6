// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_IMPL_EMULATOR_IPP
#define SFCONNECT_TESTING_IMPL_EMULATOR_IPP

// The emulator's TLS/HTTP server: connections, keep-alive, scripted Faults and random
// misbehaviour. What the org answers is OrgModel's business (impl/org_model.ipp).

#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/detail/compression.hpp>
#include <sfconnect/testing/detail/emulator_http.hpp>
#include <sfconnect/testing/detail/openssl.hpp>
#include <sfconnect/testing/detail/org_replies.hpp>
#include <sfconnect/testing/impl/org_model.ipp>

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
#include <unordered_set>

namespace sfconnect {
namespace testing {

namespace detail {

inline constexpr std::size_t max_header_bytes = 16 * 1024;  // Salesforce: 431 over 16,384 bytes
inline constexpr std::size_t max_body_bytes = 1024 * 1024;
inline constexpr std::size_t max_logged_requests = 256;

// What EmulatorOptions' probabilities decided for one request.
enum class RandomAction { none, drop_before_reply, drop_mid_body, drop_after_reply, unavailable };

inline OrgReply fault_reply(const Fault& f) {
    OrgReply r;
    r.status = f.status;
    if (!f.content_type.empty()) {
        r.headers.emplace_back("Content-Type", f.content_type);
    }
    r.headers.insert(r.headers.end(), f.headers.begin(), f.headers.end());
    r.body = f.body;
    return r;
}

inline OrgReply redirect_reply(const Fault& f, const OrgRequest& req) {
    OrgReply r = fault_reply(f);
    r.headers.emplace(r.headers.begin(), "Location",
                      f.location.empty() ? "https://login.salesforce.com" + req.target : f.location);
    return r;
}

inline void validate_fault(const Fault& fault) {
    const auto require = [](bool ok, const char* what) {
        if (!ok) throw std::invalid_argument(std::string("sfconnect::testing::Emulator::push_fault: ") + what);
    };
    require(fault.status >= 200 && fault.status <= 999, "status must be within 200..999");
    require(!((fault.status == 204 || fault.status == 304) && !fault.body.empty()), "204 and 304 replies have no body");
    require(fault.kind != FaultKind::redirect || (fault.status >= 300 && fault.status <= 399),
            "redirect needs a 3xx status");
    require(fault.delay.count() >= 0, "delay must not be negative");
    require(!has_crlf(fault.content_type) && !has_crlf(fault.location), "CR/LF in a header value");
    for (const auto& [name, value] : fault.headers) {
        require(!name.empty() && name.find(':') == std::string::npos && !has_crlf(name) && !has_crlf(value),
                "invalid header field");
    }
}

}  // namespace detail

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

    // One request on its way through the server.
    struct Exchange {
        OrgRequest request;
        std::optional<Route> route;
        std::optional<Fault> fault;
        detail::RandomAction chance = detail::RandomAction::none;
        bool keep_alive = true;
        bool head = false;
    };

    // Everything below `mutex` is guarded by it; the model is not thread-safe by itself.
    mutable std::mutex mutex;
    OrgModel model;
    std::array<std::deque<Fault>, 6> faults;
    std::mt19937_64 rng;
    EmulatorStats counters;
    std::deque<RecordedRequest> log;
    CompressionMode compression = CompressionMode::honour;
    std::size_t bomb_mib = 4096;

    // Fixed at construction.
    TestCertificateAuthority ca;
    KeyPairPem server_certificate;

    // Server lifetime, guarded by `run_mutex` (start/stop/close_idle_connections).
    std::mutex run_mutex;
    std::unique_ptr<Runtime> runtime;
    std::atomic<std::uint16_t> bound_port{0};

    explicit Impl(EmulatorOptions options)
        : model(std::move(options)),
          ca(model.options().authority ? *model.options().authority : TestCertificateAuthority{}),
          server_certificate(make_server_certificate(model.options(), ca)) {
        const std::uint64_t seed = model.options().random_seed;
        rng.seed(seed != 0 ? seed : std::random_device{}());
    }

    static KeyPairPem make_server_certificate(const EmulatorOptions& opts, const TestCertificateAuthority& ca) {
        if (opts.certificate) {
            return *opts.certificate;
        }
        LeafOptions leaf = opts.leaf ? *opts.leaf : LeafOptions{};
        if (leaf.dns_names.empty() && leaf.ip_addresses.empty()) {
            leaf.dns_names.push_back(opts.site);
        }
        return ca.issue(leaf);
    }

    const EmulatorOptions& opts() const noexcept { return model.options(); }

    // ---- request bookkeeping (server thread, under `mutex`) ----

    // Rolls EmulatorOptions' dice for a request that no scripted Fault handles. Called with `mutex` held.
    detail::RandomAction random_action(std::optional<Route> route) {
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        if (opts().drop_connection_probability > 0.0 && uniform(rng) < opts().drop_connection_probability) {
            ++counters.random_drops;
            switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
                case 0: return detail::RandomAction::drop_before_reply;
                case 1: return detail::RandomAction::drop_mid_body;
                default: return detail::RandomAction::drop_after_reply;
            }
        }
        if (route == Route::api && opts().api_unavailable_probability > 0.0 &&
            uniform(rng) < opts().api_unavailable_probability) {
            ++counters.random_unavailable;
            return detail::RandomAction::unavailable;
        }
        return detail::RandomAction::none;
    }

    void count_request(std::optional<Route> route) {
        ++counters.requests;
        switch (route.value_or(Route::any)) {
            case Route::token: ++counters.token_requests; break;
            case Route::api: ++counters.api_requests; break;
            case Route::userinfo: ++counters.userinfo_requests; break;
            case Route::introspect: ++counters.introspect_requests; break;
            case Route::revoke: ++counters.revoke_requests; break;
            case Route::any: break;
        }
    }

    // Counts the request and decides its fate: a queued Fault (its route's queue first, then
    // Route::any's), else the dice.
    Exchange begin_request(const detail::Request& req) {
        Exchange x;
        x.request = detail::to_org_request(req);
        x.route = route_of(x.request.target);
        x.keep_alive = req.keep_alive();
        x.head = req.method() == boost::beast::http::verb::head;
        std::lock_guard lock(mutex);
        count_request(x.route);
        model.apply_scheduled_expiry(model.now().steady);
        for (auto* queue : {x.route ? &faults[static_cast<std::size_t>(*x.route)] : nullptr,
                            &faults[static_cast<std::size_t>(Route::any)]}) {
            if (queue != nullptr && !queue->empty()) {
                x.fault = std::move(queue->front());
                queue->pop_front();
                ++counters.faults_applied;
                return x;
            }
        }
        x.chance = random_action(x.route);
        return x;
    }

    OrgReply respond(const OrgRequest& req) {
        std::lock_guard lock(mutex);
        return model.handle(req);
    }

    void record(const OrgRequest& req, int status, std::uint64_t connection) {
        RecordedRequest r = detail::record_of(req, status, connection);
        std::lock_guard lock(mutex);
        log.push_back(std::move(r));
        while (log.size() > detail::max_logged_requests) {
            log.pop_front();
        }
    }

    void count(std::uint64_t EmulatorStats::*counter, std::int64_t delta = 1) {
        std::lock_guard lock(mutex);
        counters.*counter += static_cast<std::uint64_t>(delta);
    }

    // The reply when the request is answered at all (nullopt: a transport fault acts instead).
    std::optional<OrgReply> planned_reply(const Exchange& x) {
        if (x.chance == detail::RandomAction::unavailable) {
            return detail::server_unavailable();
        }
        if (x.chance == detail::RandomAction::drop_before_reply || x.chance == detail::RandomAction::drop_mid_body) {
            return std::nullopt;
        }
        if (!x.fault) {
            return respond(x.request);
        }
        switch (x.fault->kind) {
            case FaultKind::reply:
                if (x.fault->filler_bytes > 0) return std::nullopt;
                return detail::fault_reply(*x.fault);
            case FaultKind::redirect: return detail::redirect_reply(*x.fault, x.request);
            case FaultKind::delay: return respond(x.request);
            default: return std::nullopt;
        }
    }

    // Applies the compression mode to a reply about to be written.
    void encode(OrgReply& reply, const OrgRequest& req) {
        std::unique_lock lock(mutex);
        const CompressionMode mode = compression;
        const std::size_t mib = bomb_mib;
        lock.unlock();
        const bool had_encoding = !reply.header("Content-Encoding").empty();
        detail::encode_reply(reply, req.header("Accept-Encoding"), mode, mib);
        if (!had_encoding && !reply.header("Content-Encoding").empty()) count(&EmulatorStats::compressed_replies);
    }

    // ---- networking (server thread; defined in impl/emulator_server.ipp) ----

    boost::asio::awaitable<void> accept_loop(Runtime& rt, tcp::acceptor acceptor);
    boost::asio::awaitable<void> session(Runtime& rt, tcp::socket socket, std::uint64_t connection);
    boost::asio::awaitable<std::optional<detail::Request>> read_request(tls_stream& stream,
                                                                        boost::beast::flat_buffer& buffer,
                                                                        ConnectionEntry& entry);
    boost::asio::awaitable<bool> serve(tls_stream& stream, ConnectionEntry& entry, const Exchange& x,
                                       std::uint64_t connection);
    boost::asio::awaitable<void> misbehave(tls_stream& stream, const Exchange& x, std::uint64_t connection);
    boost::asio::awaitable<void> reject(tls_stream& stream, int status);
    void start();
    void stop() noexcept;
    void close_idle_connections();

    // Completion for spawned coroutines: an escaped exception is a server bug, counted, never fatal.
    auto completion() {
        return [this](std::exception_ptr e) {
            if (e) count(&EmulatorStats::internal_errors);
        };
    }
};

}  // namespace testing
}  // namespace sfconnect

#include <sfconnect/testing/impl/emulator_server.ipp>

namespace sfconnect {
namespace testing {

// ---------------------------------------------------------------------------------------------
// Emulator

SFCONNECT_TESTING_DECL Emulator::Emulator(EmulatorOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

SFCONNECT_TESTING_DECL Emulator::~Emulator() { impl_->stop(); }

SFCONNECT_TESTING_DECL void Emulator::start() { impl_->start(); }

SFCONNECT_TESTING_DECL void Emulator::stop() noexcept { impl_->stop(); }

SFCONNECT_TESTING_DECL bool Emulator::running() const noexcept {
    std::lock_guard run(impl_->run_mutex);
    return impl_->runtime != nullptr;
}

SFCONNECT_TESTING_DECL std::uint16_t Emulator::port() const noexcept { return impl_->bound_port; }

SFCONNECT_TESTING_DECL std::string Emulator::connect_to() const { return "127.0.0.1:" + std::to_string(port()); }

// The model's identity never changes after construction, so these read it without the lock.
SFCONNECT_TESTING_DECL const std::string& Emulator::site() const noexcept { return impl_->opts().site; }

SFCONNECT_TESTING_DECL std::string Emulator::instance_url() const { return impl_->model.instance_url(); }

SFCONNECT_TESTING_DECL const std::string& Emulator::identity_url() const noexcept {
    return impl_->model.identity_url();
}

SFCONNECT_TESTING_DECL const std::string& Emulator::ca_certificate_pem() const noexcept {
    return impl_->ca.certificate_pem();
}

SFCONNECT_TESTING_DECL void Emulator::write_ca_pem(const std::string& path) const {
    impl_->ca.write_certificate_pem(path);
}

SFCONNECT_TESTING_DECL const std::string& Emulator::consumer_key() const noexcept { return impl_->opts().consumer_key; }

SFCONNECT_TESTING_DECL const std::string& Emulator::consumer_secret() const noexcept {
    return impl_->opts().consumer_secret;
}

SFCONNECT_TESTING_DECL const EmulatorOptions& Emulator::options() const noexcept { return impl_->opts(); }

SFCONNECT_TESTING_DECL void Emulator::set_scenario(Scenario scenario) {
    std::lock_guard lock(impl_->mutex);
    impl_->model.set_scenario(scenario);
}

SFCONNECT_TESTING_DECL Scenario Emulator::scenario() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->model.scenario();
}

SFCONNECT_TESTING_DECL void Emulator::set_token_lifetime(std::chrono::milliseconds lifetime) {
    std::lock_guard lock(impl_->mutex);
    impl_->model.set_token_lifetime(lifetime);
}

SFCONNECT_TESTING_DECL void Emulator::set_compression(CompressionMode mode, std::size_t bomb_mib) {
    std::lock_guard lock(impl_->mutex);
    impl_->compression = mode;
    impl_->bomb_mib = bomb_mib;
}

SFCONNECT_TESTING_DECL CompressionMode Emulator::compression() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->compression;
}

SFCONNECT_TESTING_DECL void Emulator::push_fault(Route route, Fault fault) {
    detail::validate_fault(fault);
    std::lock_guard lock(impl_->mutex);
    impl_->faults[static_cast<std::size_t>(route)].push_back(std::move(fault));
}

SFCONNECT_TESTING_DECL void Emulator::clear_faults() {
    std::lock_guard lock(impl_->mutex);
    for (auto& queue : impl_->faults) {
        queue.clear();
    }
}

SFCONNECT_TESTING_DECL std::size_t Emulator::pending_faults() const {
    std::lock_guard lock(impl_->mutex);
    std::size_t n = 0;
    for (const auto& queue : impl_->faults) {
        n += queue.size();
    }
    return n;
}

SFCONNECT_TESTING_DECL void Emulator::expire_all_tokens() {
    std::lock_guard lock(impl_->mutex);
    impl_->model.expire_all_tokens();
}

SFCONNECT_TESTING_DECL std::vector<std::string> Emulator::issued_tokens() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->model.issued_tokens();
}

SFCONNECT_TESTING_DECL std::size_t Emulator::remembered_tokens() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->model.remembered_tokens();
}

SFCONNECT_TESTING_DECL void Emulator::close_idle_connections() { impl_->close_idle_connections(); }

SFCONNECT_TESTING_DECL EmulatorStats Emulator::stats() const {
    std::lock_guard lock(impl_->mutex);
    EmulatorStats s = impl_->counters;
    s.tokens_issued = impl_->model.tokens_issued();
    s.token_invalidations = impl_->model.token_invalidations();
    return s;
}

SFCONNECT_TESTING_DECL void Emulator::reset_stats() {
    std::lock_guard lock(impl_->mutex);
    const std::uint64_t active = impl_->counters.active_connections;
    impl_->counters = EmulatorStats{};
    impl_->counters.active_connections = active;
    impl_->model.reset_counters();
    impl_->log.clear();
}

SFCONNECT_TESTING_DECL std::vector<RecordedRequest> Emulator::recent_requests() const {
    std::lock_guard lock(impl_->mutex);
    return std::vector<RecordedRequest>(impl_->log.begin(), impl_->log.end());
}

}  // namespace testing
}  // namespace sfconnect

#endif
