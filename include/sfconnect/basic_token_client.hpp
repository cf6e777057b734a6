// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_BASIC_TOKEN_CLIENT_HPP
#define SFCONNECT_BASIC_TOKEN_CLIENT_HPP

/// @file
/// BasicTokenClient<Transport, Clock>: co_await client-credentials tokens (cached, shared,
/// single-flight) and run authenticated REST requests against the org's My Domain, over a pluggable
/// transport. TokenClient (<sfconnect/token_client.hpp>) is the type-erased client built on it.

#include <sfconnect/access_token.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/endpoints.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/https_transport.hpp>
#include <sfconnect/limit_info.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/version.hpp>
#include <sfconnect/detail/retry.hpp>
#include <sfconnect/detail/token_cache.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include <openssl/crypto.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace sfconnect {

namespace detail {

// Appends `s` form-encoded (application/x-www-form-urlencoded; RFC 3986 unreserved kept).
inline void append_form_encoded(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

inline void wipe(std::string& s) noexcept {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

// Replaces every occurrence of `needle` in the diagnostics' texts (defence in depth: a hostile
// server could echo the secret or the token back to us).
inline void redact(Diagnostics& d, std::string_view needle) {
    if (needle.size() < 4) return;
    for (std::string* s : {&d.message, &d.hint, &d.server_error, &d.server_message, &d.host}) {
        for (auto pos = s->find(needle); pos != std::string::npos; pos = s->find(needle, pos))
            s->replace(pos, needle.size(), "[redacted]");
    }
}

// The redirect target's host, for diagnostics: untrusted text, so anything token-shaped is
// redacted and control characters replaced (found by fuzz_http_reply: a token in the Location).
inline std::string location_host(std::string_view location) {
    auto p = location.find("://");
    if (p == std::string_view::npos) return {};
    location.remove_prefix(p + 3);
    location = location.substr(0, location.find_first_of("/?#"));
    if (auto at = location.rfind('@'); at != std::string_view::npos) location.remove_prefix(at + 1);
    return reply_text::safe_text(location.substr(0, 253), 253);
}

inline double jitter01() {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

inline bool has_crlf_or_nul(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

}  // namespace detail
}  // namespace sfconnect

namespace sfconnect {

/// The client. `Transport` is one connection (default: HttpsTransport over verified TLS); tests and
/// users can plug in their own. `Clock` decides token expiry (inject one in tests: no real sleeps).
/// Thread-safe: one client may be shared by coroutines on a multi-threaded io_context.
/// Destroying the client never revokes the cached token.
template <class Transport = HttpsTransport, class Clock = std::chrono::steady_clock>
class BasicTokenClient {
public:
    /// The executor given at construction.
    using executor_type = boost::asio::any_io_executor;
    /// The transport type (one connection).
    using transport_type = Transport;
    /// The clock type used for token expiry.
    using clock_type = Clock;

    /// Creates a client for `site` with `credentials`. No I/O happens until the first operation.
    /// Option problems (unreadable CA file, bad proxy URL) are reported by every operation.
    BasicTokenClient(executor_type ex, Site site, ConsumerCredentials credentials, TokenClientOptions options = {})
        : impl_(std::make_shared<impl>(std::move(ex), std::move(site), std::move(credentials), std::move(options))) {}

    /// Not copyable (nor movable): share one client by reference; it is thread-safe.
    BasicTokenClient(const BasicTokenClient&) = delete;
    /// Not copyable.
    BasicTokenClient& operator=(const BasicTokenClient&) = delete;

    /// Closes the connections. Operations still running complete (with operation_aborted or their result).
    ~BasicTokenClient() {
        if (impl_) impl_->shutdown();
    }

    /// The executor given at construction.
    executor_type get_executor() const { return impl_->ex_; }
    /// The Site this client talks to.
    const Site& site() const noexcept { return impl_->site_; }
    /// The options in force.
    const TokenClientOptions& options() const noexcept { return impl_->options_; }
    /// A snapshot of the counters.
    TokenClientStats stats() const { return impl_->stats(); }

    /// Gets an access token: the cached one while fresh; otherwise one shared fetch for all callers.
    /// Completion signature: void(error_code, TokenPtr). With `use_awaitable` or
    /// `as_tuple(use_awaitable)` a fresh cached token is returned without suspending the coroutine
    /// (no post, no heap allocation); other tokens complete through the executor.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_get_token(CompletionToken&& token = {}) {
        return async_get_token_impl(nullptr, std::forward<CompletionToken>(token));
    }
    /// As above; on failure `diag` receives the details. `diag` must outlive the operation.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_get_token(Diagnostics& diag, CompletionToken&& token = {}) {
        return async_get_token_impl(&diag, std::forward<CompletionToken>(token));
    }

    /// Fetches a new token now, even if the cached one is fresh (joins a fetch already in flight).
    /// Completion signature: void(error_code, TokenPtr).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_refresh_token(Diagnostics& diag, CompletionToken&& token = {}) {
        invalidate(cached_token());
        return async_get_token_impl(&diag, std::forward<CompletionToken>(token));
    }

    /// The cached token, if any (without checking its age).
    TokenPtr cached_token() const { return impl_->cached(); }

    /// Drops the cached token if it is still `rejected` (the token the server refused).
    void invalidate(const TokenPtr& rejected) { impl_->invalidate(rejected.get()); }

    /// Runs an authenticated request on `target` (from Endpoint::bind or runtime_target).
    /// Completion signature: void(error_code, Response). Non-2xx replies are errors; the Response
    /// still carries their status and body.
    ///
    /// g++ 12 note: a RequestOptions (or any object holding an empty std::string) written as a braced
    /// temporary inside a `co_await` expression is mis-compiled by g++ 12 (fixed in later releases);
    /// declare it in its own statement there, or use the overload without options.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, RequestOptions request, CompletionToken&& token = {}) {
        return async_request_impl(std::move(target), std::move(request), nullptr,
                                  std::forward<CompletionToken>(token));
    }
    /// async_request without options (a GET or DELETE needs none).
    template <boost::asio::completion_token_for<void(error_code, Response)> CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, CompletionToken&& token = {}) {
        return async_request_impl(std::move(target), RequestOptions{}, nullptr, std::forward<CompletionToken>(token));
    }
    /// As above; on failure `diag` receives the details. `diag` must outlive the operation.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_request(Target target, RequestOptions request, Diagnostics& diag, CompletionToken&& token = {}) {
        return async_request_impl(std::move(target), std::move(request), &diag,
                                  std::forward<CompletionToken>(token));
    }

    /// Opens (or reuses) a connection: resolve, TCP, proxy, verified TLS. Completion signature:
    /// void(error_code, ConnectInfo); `diag.phase` says which phase failed.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_connect(Diagnostics& diag, CompletionToken&& token = {}) {
        auto self = impl_;
        return launch<ConnectInfo>(std::forward<CompletionToken>(token),
                                   [self, d = &diag]() { return self->connect_op(d); });
    }

    /// Revokes `token` at /services/oauth2/revoke and drops it from the cache. Explicit only: the
    /// client never revokes on its own. Completion signature: void(error_code, bool).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_revoke(TokenPtr token_to_revoke, Diagnostics& diag, CompletionToken&& token = {}) {
        auto self = impl_;
        return launch<bool>(std::forward<CompletionToken>(token), [self, t = std::move(token_to_revoke), d = &diag]() {
            return self->revoke_op(t, d);
        });
    }

    /// Asks /services/oauth2/introspect about the cached (or a newly fetched) token; when active,
    /// its `exp` becomes the cache's expiry. Completion signature: void(error_code, Introspection).
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_introspect(Diagnostics& diag, CompletionToken&& token = {}) {
        auto self = impl_;
        return launch<Introspection>(std::forward<CompletionToken>(token),
                                     [self, d = &diag]() { return self->introspect_op(d); });
    }

    /// Coroutine convenience: the token, or ErrorWithDiagnostics thrown. A fresh cached token is
    /// returned without suspending.
    boost::asio::awaitable<TokenPtr> get_token() {
        if (TokenPtr tok = impl_->try_cached()) co_return tok;
        Diagnostics diag;
        auto op = async_get_token(diag, boost::asio::as_tuple(boost::asio::use_awaitable));
        auto [ec, tok] = co_await std::move(op);
        throw_on_error(ec, diag);
        co_return tok;
    }
    /// Coroutine convenience: the reply, or ErrorWithDiagnostics thrown.
    boost::asio::awaitable<Response> request(Target target, RequestOptions options) {
        return request_throwing(std::move(target), std::move(options));
    }
    /// Coroutine convenience without options: the reply, or ErrorWithDiagnostics thrown.
    boost::asio::awaitable<Response> request(Target target) {
        // The options are made here, not as a default argument: g++ 12 mis-compiles that temporary
        // inside the caller's co_await expression.
        return request_throwing(std::move(target), RequestOptions{});
    }

private:
    boost::asio::awaitable<Response> request_throwing(Target target, RequestOptions options) {
        Diagnostics diag;
        auto op = async_request(std::move(target), std::move(options), diag,
                                boost::asio::as_tuple(boost::asio::use_awaitable));
        auto [ec, res] = co_await std::move(op);
        throw_on_error(ec, diag);
        co_return std::move(res);
    }

    using time_point = typename Clock::time_point;
    using token_handler = boost::asio::any_completion_handler<void(error_code, TokenPtr)>;

    struct waiter {
        std::uint64_t id;
        token_handler handler;
        Diagnostics* diag;
    };

    struct lease_deleter;

    class impl : public std::enable_shared_from_this<impl> {
    public:
        impl(executor_type ex, Site site, ConsumerCredentials creds, TokenClientOptions options)
            : ex_(std::move(ex)),
              strand_(make_client_strand(ex_)),
              site_(std::move(site)),
              creds_(std::move(creds)),
              options_(std::move(options)),
              pool_cv_(strand_) {
            pool_cv_.expires_at(boost::asio::steady_timer::time_point::max());
            auto settings = std::make_shared<TransportSettings>();
            setup_ec_ = make_transport_settings(site_.host(), options_, *settings, setup_diag_);
            settings_ = std::move(settings);
            user_agent_ = "sfconnect/" + std::string(version_string) + " (Boost.Beast)";
            // The credentials are form-encoded once, not on every fetch; Secret wipes them on destruction.
            std::string form = "&client_id=";
            detail::append_form_encoded(form, creds_.consumer_key());
            form += "&client_secret=";
            detail::append_form_encoded(form, creds_.consumer_secret().reveal());
            client_form_ = Secret(form);
            detail::wipe(form);
            std::string pair;
            detail::append_form_encoded(pair, creds_.consumer_key());
            pair += ':';
            detail::append_form_encoded(pair, creds_.consumer_secret().reveal());
            std::string basic = "Basic " + detail::base64_encode(pair);
            basic_authorization_ = Secret(basic);
            detail::wipe(pair);
            detail::wipe(basic);
        }

        // A strand over the io_context's own executor when the client was given one: strand<any_io_executor>
        // re-wraps (and allocates) its inner executor on every dispatch, this one fits any_io_executor's
        // small buffer, so copying and dispatching never allocate.
        static executor_type make_client_strand(const executor_type& ex) {
            if (const auto* io = ex.template target<boost::asio::io_context::executor_type>())
                return boost::asio::make_strand(*io);
            return boost::asio::make_strand(ex);
        }

        // ---- token cache (any thread; guarded by mutex_) ------------------------------------------
        TokenPtr cached() const {
            std::lock_guard lock(mutex_);
            return cache_.token();
        }

        void invalidate(const AccessToken* rejected) {
            std::lock_guard lock(mutex_);
            cache_.invalidate(rejected);
        }

        // The cached token when it can be used now (fresh, or in the soft window: then the background
        // refresh starts here); null when the caller has to wait or fail. Never completes a handler.
        TokenPtr try_cached() {
            using cache_t = detail::TokenCacheState<AccessToken, time_point>;
            if (setup_ec_) return {};
            std::unique_lock lock(mutex_);
            const auto l = cache_.lookup(Clock::now());
            if (l != cache_t::Lookup::use_cached && l != cache_t::Lookup::use_cached_refresh) return {};
            const bool start = cache_.should_start_fetch(l);
            if (start) cache_.fetch_started();
            TokenPtr tok = cache_.token();
            lock.unlock();
            if (start) start_fetch();
            return tok;
        }

        // Completes at once with the cached token or a held error; otherwise the handler waits for
        // the single in-flight fetch (started here if none runs).
        template <class Handler>
        void get_token(Handler&& handler, Diagnostics* diag) {
            using cache_t = detail::TokenCacheState<AccessToken, time_point>;
            std::unique_lock lock(mutex_);
            if (setup_ec_) {
                lock.unlock();
                if (diag) *diag = setup_diag_;
                complete(std::forward<Handler>(handler), setup_ec_, TokenPtr{});
                return;
            }
            const auto now = Clock::now();
            const auto l = cache_.lookup(now);
            bool start = cache_.should_start_fetch(l);
            if (start) cache_.fetch_started();
            if (l == cache_t::Lookup::use_cached || l == cache_t::Lookup::use_cached_refresh) {
                TokenPtr tok = cache_.token();
                lock.unlock();
                if (start) start_fetch();
                complete(std::forward<Handler>(handler), error_code{}, std::move(tok));
                return;
            }
            if (l == cache_t::Lookup::use_held_error) {
                error_code ec = cache_.held_error();
                if (diag) *diag = cache_.held_diagnostics();
                lock.unlock();
                complete(std::forward<Handler>(handler), ec, TokenPtr{});
                return;
            }
            // Wait for the single in-flight fetch; cancellation removes just this waiter.
            const std::uint64_t id = ++next_waiter_id_;
            // Type-erase first: any_completion_handler installs its own proxy in the caller's slot, so
            // our cancellation handler goes into the erased handler's slot.
            token_handler erased(std::forward<Handler>(handler));
            auto slot = boost::asio::get_associated_cancellation_slot(erased);
            if (slot.is_connected()) {
                slot.assign([weak = this->weak_from_this(), id](boost::asio::cancellation_type type) {
                    if (type == boost::asio::cancellation_type::none) return;
                    if (auto self = weak.lock()) self->cancel_waiter(id);
                });
            }
            waiters_.push_back(waiter{id, std::move(erased), diag});
            lock.unlock();
            if (start) start_fetch();
        }

        void cancel_waiter(std::uint64_t id) {
            std::unique_lock lock(mutex_);
            for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
                if (it->id != id) continue;
                waiter w = std::move(*it);
                waiters_.erase(it);
                lock.unlock();
                if (w.diag) w.diag->message = "waiting for the access token was cancelled";
                // No slot.clear() here: we run inside the slot's handler, which clear() would destroy.
                complete(std::move(w.handler), boost::asio::error::operation_aborted, TokenPtr{});
                return;
            }
        }

        template <class Handler, class... Args>
        void complete(Handler&& h, Args&&... args) {
            // Never call a handler from inside its initiating function: post to its executor.
            // post() runs it through the handler's own associated executor.
            boost::asio::post(ex_, boost::asio::append(std::forward<Handler>(h), std::forward<Args>(args)...));
        }

        void start_fetch() {
            ++stats_.token_fetches;
            boost::asio::co_spawn(strand_, fetch_coro(this->shared_from_this()), boost::asio::detached);
        }

        static boost::asio::awaitable<void> fetch_coro(std::shared_ptr<impl> self) {
            error_code ec;
            Diagnostics diag;
            TokenPtr tok;
            time_point requested_at = Clock::now();
            try {
                for (int attempt = 1;; ++attempt) {
                    diag.clear();
                    requested_at = Clock::now();
                    tok = co_await self->fetch_once(ec, diag);
                    if (!ec || !detail::should_retry_token_fetch(ec, attempt, self->options_.retry)) break;
                    ++self->stats_.retries;
                    const auto delay = detail::backoff_delay(self->options_.retry, attempt, detail::jitter01());
                    detail::trace_retry(self->options_.trace, "token request", ec, attempt, delay);
                    co_await self->sleep(delay);
                }
            } catch (const std::exception& e) {
                ec = errc::bad_response;
                diag.message = std::string("unexpected failure while fetching the token: ") + e.what();
            }
            self->finish_fetch(ec, std::move(diag), std::move(tok), requested_at);
        }

        void finish_fetch(error_code ec, Diagnostics diag, TokenPtr tok, time_point requested_at) {
            detail::redact(diag, creds_.consumer_secret().reveal());
            if (ec) detail::trace_error(options_.trace, ec, diag);
            else detail::trace_note(options_.trace, TraceLevel::info, TracePhase::token_fetched, [&] {
                return "access token fetched for " + tok->instance_url +
                       (tok->signature_verified ? " (signature verified)" : " (no signature)");
            });
            std::deque<waiter> ready;
            {
                std::lock_guard lock(mutex_);
                if (!ec) {
                    cache_.fetch_succeeded(tok, requested_at, options_.assumed_token_lifetime, options_.refresh_ahead);
                } else {
                    // Errors only a change in Salesforce can fix are held briefly (jittered) so that
                    // retry loops in callers do not hammer the token endpoint.
                    const bool hold = !is_transient(ec) && ec != boost::asio::error::operation_aborted;
                    auto span = std::chrono::duration_cast<typename time_point::duration>(
                        options_.error_hold * (0.5 + detail::jitter01()));
                    cache_.fetch_failed(ec, diag, Clock::now(), hold ? span : time_point::duration::zero());
                    if (cache_.token() && Clock::now() >= cache_.hard_deadline()) cache_.clear();
                }
                ready.swap(waiters_);
            }
            for (auto& w : ready) {
                boost::asio::get_associated_cancellation_slot(w.handler).clear();
                if (ec && w.diag) *w.diag = diag;
                complete(std::move(w.handler), ec, ec ? TokenPtr{} : tok);
            }
        }

        // One POST to the token endpoint.
        boost::asio::awaitable<TokenPtr> fetch_once(error_code& ec, Diagnostics& diag) {
            namespace http = boost::beast::http;
            HttpRequest req{http::verb::post, "/services/oauth2/token", 11};
            base_headers(req);
            req.set(http::field::content_type, "application/x-www-form-urlencoded");
            std::string& body = req.body();
            constexpr std::string_view grant = "grant_type=client_credentials";
            if (options_.use_basic_auth) {
                req.set(http::field::authorization, basic_authorization_.reveal());
                body = grant;
            } else {
                body.reserve(grant.size() + client_form_.reveal().size());
                body = grant;
                body += client_form_.reveal();
            }
            req.prepare_payload();
            HttpResponse res;
            ++stats_.token_requests;
            ec = co_await exchange(req, res, ExchangeLimits{options_.max_header_bytes, options_.max_token_reply_bytes}, diag);
            detail::wipe(req.body());
            if (options_.use_basic_auth) wipe_authorization(req);
            if (ec) {
                if (diag.phase == Phase::none) diag.phase = Phase::token;
                co_return TokenPtr{};
            }
            const int status = static_cast<int>(res.result_int());
            if (status >= 300 && status < 400) {
                ec = errc::redirected;
                diag.http_status = status;
                diag.host = detail::location_host(res[http::field::location]);
                diag.phase = Phase::token;
                diag.message = "the token endpoint redirected to '" + (diag.host.empty() ? std::string("?") : diag.host) +
                               "'; sfconnect never sends credentials to another host";
                diag.hint = std::string(default_hint(errc::redirected));
                co_return TokenPtr{};
            }
            auto parsed = parse_token_reply(status, res[http::field::content_type], res.body(), creds_.consumer_secret(),
                                            site_.host(), TokenReplyOptions{options_.require_signature}, diag);
            detail::wipe(res.body());
            if (!parsed) {
                ec = parsed.error();
                if (diag.phase == Phase::none) diag.phase = Phase::token;
                co_return TokenPtr{};
            }
            ec = {};
            co_return std::make_shared<const AccessToken>(std::move(*parsed));
        }

        void base_headers(HttpRequest& req) const {
            namespace http = boost::beast::http;
            req.set(http::field::host, site_.host());
            req.set(http::field::user_agent, user_agent_);
            req.set(http::field::accept, "application/json");
        }

        // ---- connection pool (strand only) ---------------------------------------------------------
        // An idle or new transport without suspending; null when the pool is full (then: acquire()).
        std::unique_ptr<Transport> try_acquire() {
            if (!idle_.empty()) {
                auto t = std::move(idle_.back());
                idle_.pop_back();
                return t;
            }
            if (open_ < std::max<std::size_t>(1, options_.max_connections)) {
                ++open_;
                return std::make_unique<Transport>(strand_, settings_);
            }
            return nullptr;
        }

        boost::asio::awaitable<std::unique_ptr<Transport>> acquire() {
            for (;;) {
                if (!idle_.empty()) {
                    auto t = std::move(idle_.back());
                    idle_.pop_back();
                    co_return t;
                }
                if (open_ < std::max<std::size_t>(1, options_.max_connections)) {
                    ++open_;
                    co_return std::make_unique<Transport>(strand_, settings_);
                }
                // Redis-style condition variable: a timer that never expires; release() wakes one.
                error_code ec;
                co_await pool_cv_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
                if (closed_) co_return nullptr;
            }
        }

        void release(std::unique_ptr<Transport> t) {
            if (!t) return;
            if (closed_ || !t->is_open()) {
                t->close();
                --open_;
            } else {
                idle_.push_back(std::move(t));
            }
            pool_cv_.cancel_one();
        }

        boost::asio::awaitable<error_code> exchange(HttpRequest& req, HttpResponse& res, ExchangeLimits limits,
                                                    Diagnostics& diag) {
            if (setup_ec_) {
                diag = setup_diag_;
                co_return setup_ec_;
            }
            auto t = try_acquire();  // the usual case needs no coroutine frame of its own
            if (!t) t = co_await acquire();
            if (!t) {
                diag.message = "the client was shut down";
                co_return boost::asio::error::operation_aborted;
            }
            if (!t->is_open()) ++stats_.connections;
            error_code ec = co_await t->exchange(req, res, limits, diag);
            release(std::move(t));
            co_return ec;
        }

        boost::asio::awaitable<void> sleep(std::chrono::milliseconds d) {
            boost::asio::steady_timer timer(strand_, d);
            error_code ignored;
            co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
        }

        // ---- REST requests (strand) ------------------------------------------------------------------
        boost::asio::awaitable<std::pair<error_code, Response>> request_op(Target target, RequestOptions ro,
                                                                          Diagnostics* out_diag) {
            namespace http = boost::beast::http;
            Diagnostics diag;
            Response out;
            error_code ec;
            try {
                ec = co_await request_loop(target, ro, diag, out);
            } catch (const std::exception& e) {
                ec = errc::bad_response;
                diag.message = std::string("unexpected failure during the request: ") + e.what();
            }
            if (ec) {
                detail::redact(diag, creds_.consumer_secret().reveal());
                detail::trace_error(options_.trace, ec, diag);
                if (out_diag) *out_diag = std::move(diag);
            }
            co_return std::pair<error_code, Response>{ec, std::move(out)};
        }

        boost::asio::awaitable<error_code> request_loop(const Target& target, const RequestOptions& ro,
                                                        Diagnostics& diag, Response& out) {
            namespace http = boost::beast::http;
            namespace net = boost::asio;
            std::string path = target.path();
            if (!ro.query.empty()) {
                char sep = path.find('?') == std::string::npos ? '?' : '&';
                for (const auto& [k, v] : ro.query) {
                    path += sep;
                    sep = '&';
                    detail::append_form_encoded(path, k);
                    path += '=';
                    detail::append_form_encoded(path, v);
                }
            }
            for (const auto& [k, v] : ro.headers) {
                if (k.empty() || detail::has_crlf_or_nul(k) || detail::has_crlf_or_nul(v)) {
                    diag.message = "request header '" + k.substr(0, 60) +
                                   "' contains CR, LF or NUL (or an empty name) and was not sent";
                    diag.phase = Phase::api;
                    co_return make_error_code(boost::system::errc::invalid_argument);
                }
            }
            const bool idempotent = is_idempotent(target.method());
            const ExchangeLimits limits{options_.max_header_bytes, ro.max_response_bytes.value_or(options_.max_response_bytes)};
            bool refetched = false;
            for (int attempt = 1;; ++attempt) {
                diag.clear();
                // A fresh token is read synchronously (we are on the strand already): no post, no hop.
                TokenPtr tok = try_cached();
                if (!tok) {
                    auto [tec, fetched] = co_await get_token_awaitable(diag);
                    if (tec) co_return tec;
                    tok = std::move(fetched);
                }

                HttpRequest req{to_verb(target.method()), path, 11};
                base_headers(req);
                std::string bearer = "Bearer ";
                bearer += tok->access_token.reveal();
                req.set(http::field::authorization, bearer);
                detail::wipe(bearer);
                for (const auto& [k, v] : ro.headers) req.set(k, v);
                if (ro.json) {
                    req.set(http::field::content_type, "application/json");
                    req.body() = boost::json::serialize(*ro.json);
                } else if (!ro.body.empty()) {
                    req.set(http::field::content_type, ro.content_type);
                    req.body() = ro.body;
                }
                req.prepare_payload();
                HttpResponse res;
                ++stats_.api_requests;
                error_code ec = co_await exchange(req, res, limits, diag);
                wipe_authorization(req);
                int status = 0;
                if (!ec) {
                    status = static_cast<int>(res.result_int());
                    out.status = status;
                    out.headers = std::move(res.base());
                    out.body = std::move(res.body());
                    out.json = nullptr;
                    out.limit_info.reset();
                    if (auto li = out.header("Sforce-Limit-Info"); !li.empty()) out.limit_info = parse_limit_info(li);
                    const auto ct = out.header("Content-Type");
                    if (status >= 200 && status < 300) {
                        if (ct.find("json") != std::string_view::npos && !out.body.empty()) {
                            error_code jec;
                            out.json = boost::json::parse(out.body, jec);
                            if (jec) {
                                diag.http_status = status;
                                diag.phase = Phase::api;
                                diag.message = "the reply says it is JSON but does not parse (" + jec.message() + ")";
                                diag.hint = std::string(default_hint(errc::bad_response));
                                co_return errc::bad_response;
                            }
                        }
                        co_return error_code{};
                    }
                    ec = map_api_error(status, ct, out.body, diag);
                    detail::redact(diag, tok->access_token.reveal());  // a hostile server may echo it
                    if (status >= 300 && status < 400) {
                        diag.host = detail::location_host(out.header("Location"));
                        diag.message = "the API redirected to '" + diag.host +
                                       "'; sfconnect never sends the token to another host";
                        detail::redact(diag, tok->access_token.reveal());  // whatever shape the token has
                    }
                    if (ec == api_errc::invalid_session && !refetched) {
                        // The token expired or was revoked: drop exactly that token, fetch once, replay once.
                        refetched = true;
                        ++stats_.refetches;
                        detail::trace_note(options_.trace, TraceLevel::warning, TracePhase::token_refetch, [] {
                            return std::string("401 INVALID_SESSION_ID: token dropped, fetching a new one, replaying once");
                        });
                        invalidate(tok.get());
                        --attempt;
                        continue;
                    }
                }
                if (detail::should_retry_request(ec, idempotent, status, attempt, options_.retry)) {
                    ++stats_.retries;
                    const auto delay = detail::backoff_delay(options_.retry, attempt, detail::jitter01());
                    detail::trace_retry(options_.trace, "request", ec, attempt, delay);
                    co_await sleep(delay);
                    continue;
                }
                // Transport failures keep the phase the transport named ("request": timeouts, lost
                // connections, size limits), as Timeouts and the troubleshooting table document.
                if (diag.phase == Phase::none) diag.phase = Phase::api;
                co_return ec;
            }
        }

        static void wipe_authorization(HttpRequest& req) {
            auto it = req.find(boost::beast::http::field::authorization);
            if (it == req.end()) return;
            auto v = it->value();
            OPENSSL_cleanse(const_cast<char*>(v.data()), v.size());
            req.erase(boost::beast::http::field::authorization);
        }

        static boost::beast::http::verb to_verb(Method m) {
            namespace http = boost::beast::http;
            switch (m) {
                case Method::get: return http::verb::get;
                case Method::post: return http::verb::post;
                case Method::put: return http::verb::put;
                case Method::patch: return http::verb::patch;
                case Method::del: return http::verb::delete_;
                case Method::head: return http::verb::head;
            }
            return http::verb::get;
        }

        boost::asio::awaitable<std::pair<error_code, TokenPtr>> get_token_awaitable(Diagnostics& diag) {
            namespace net = boost::asio;
            // Built in separate statements: g++ 12 destroys a lambda temporary twice when it sits inside
            // the co_await expression (chriskohlhoff/asio#1007), freeing `self` early.
            auto completion = net::as_tuple(net::use_awaitable);
            auto init = [self = this->shared_from_this(), d = &diag](auto handler) {
                self->get_token(std::move(handler), d);
            };
            auto op = net::async_initiate<decltype(completion), void(error_code, TokenPtr)>(std::move(init), completion);
            auto [ec, tok] = co_await std::move(op);
            co_return std::pair<error_code, TokenPtr>{ec, std::move(tok)};
        }

        // ---- connect / revoke / introspect (strand) -------------------------------------------------
        boost::asio::awaitable<std::pair<error_code, ConnectInfo>> connect_op(Diagnostics* diag) {
            if (setup_ec_) {
                *diag = setup_diag_;
                co_return std::pair<error_code, ConnectInfo>{setup_ec_, {}};
            }
            auto t = co_await acquire();
            if (!t) co_return std::pair<error_code, ConnectInfo>{boost::asio::error::operation_aborted, {}};
            error_code ec;
            if (!t->is_open()) {
                ++stats_.connections;
                ec = co_await t->connect(*diag);
            }
            ConnectInfo info = t->connect_info();
            release(std::move(t));
            co_return std::pair<error_code, ConnectInfo>{ec, std::move(info)};
        }

        boost::asio::awaitable<std::pair<error_code, std::string>> post_form(std::string_view path, std::string body,
                                                                            Diagnostics& diag, int& status) {
            namespace http = boost::beast::http;
            HttpRequest req{http::verb::post, path, 11};
            base_headers(req);
            req.set(http::field::content_type, "application/x-www-form-urlencoded");
            req.body() = std::move(body);
            req.prepare_payload();
            HttpResponse res;
            error_code ec = co_await exchange(req, res, ExchangeLimits{options_.max_header_bytes, options_.max_token_reply_bytes}, diag);
            detail::wipe(req.body());
            status = ec ? 0 : static_cast<int>(res.result_int());
            co_return std::pair<error_code, std::string>{ec, std::move(res.body())};
        }

        std::string_view client_auth_form() const { return client_form_.reveal(); }

        boost::asio::awaitable<std::pair<error_code, bool>> revoke_op(TokenPtr tok, Diagnostics* diag) {
            if (!tok) {
                diag->message = "there is no token to revoke";
                co_return std::pair<error_code, bool>{make_error_code(boost::system::errc::invalid_argument), false};
            }
            std::string body = "token=";
            detail::append_form_encoded(body, tok->access_token.reveal());
            int status = 0;
            auto [ec, reply] = co_await post_form("/services/oauth2/revoke", std::move(body), *diag, status);
            if (!ec && status != 200) ec = map_token_error(status, "application/json", reply, *diag);
            detail::redact(*diag, tok->access_token.reveal());
            detail::redact(*diag, creds_.consumer_secret().reveal());  // a hostile server may echo it
            if (ec) detail::trace_error(options_.trace, ec, *diag);
            if (!ec) invalidate(tok.get());
            co_return std::pair<error_code, bool>{ec, !ec};
        }

        boost::asio::awaitable<std::pair<error_code, Introspection>> introspect_op(Diagnostics* diag) {
            Introspection out;
            auto [tec, tok] = co_await get_token_awaitable(*diag);
            if (tec) co_return std::pair<error_code, Introspection>{tec, out};
            std::string body = "token=";
            detail::append_form_encoded(body, tok->access_token.reveal());
            body += "&token_type_hint=access_token";
            body += client_auth_form();
            int status = 0;
            auto [ec, reply] = co_await post_form("/services/oauth2/introspect", std::move(body), *diag, status);
            if (!ec && status != 200) ec = map_token_error(status, "application/json", reply, *diag);
            if (!ec) {
                error_code jec;
                auto v = boost::json::parse(reply, jec);
                const auto* obj = jec ? nullptr : v.if_object();
                if (!obj) {
                    diag->message = "the introspection reply is not a JSON object";
                    diag->phase = Phase::introspect;
                    ec = errc::bad_response;
                } else {
                    auto str = [&](const char* k) {
                        auto* p = obj->if_contains(k);
                        return p && p->is_string() ? std::string(p->get_string()) : std::string();
                    };
                    auto num = [&](const char* k) -> std::optional<std::int64_t> {
                        auto* p = obj->if_contains(k);
                        if (p && p->is_int64()) return p->get_int64();
                        if (p && p->is_uint64()) return static_cast<std::int64_t>(p->get_uint64());
                        return std::nullopt;
                    };
                    auto* active = obj->if_contains("active");
                    out.active = active && active->is_bool() && active->get_bool();
                    out.scope = str("scope");
                    out.client_id = str("client_id");
                    out.username = str("username");
                    out.subject = str("sub");
                    out.expires_at = num("exp");
                    out.issued_at = num("iat");
                    if (out.active && out.expires_at) learn_expiry(tok.get(), *out.expires_at);
                }
            }
            detail::redact(*diag, tok->access_token.reveal());
            detail::redact(*diag, creds_.consumer_secret().reveal());
            if (ec) detail::trace_error(options_.trace, ec, *diag);
            co_return std::pair<error_code, Introspection>{ec, std::move(out)};
        }

        void learn_expiry(const AccessToken* tok, std::int64_t exp_epoch_s) {
            const auto remaining = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(exp_epoch_s)) -
                                   std::chrono::system_clock::now();
            std::lock_guard lock(mutex_);
            if (cache_.token().get() != tok) return;
            cache_.set_deadline(Clock::now() + std::chrono::duration_cast<typename time_point::duration>(remaining),
                                std::chrono::duration_cast<typename time_point::duration>(options_.refresh_ahead));
        }

        TokenClientStats stats() const {
            TokenClientStats s;
            s.token_requests = stats_.token_requests;
            s.token_fetches = stats_.token_fetches;
            s.api_requests = stats_.api_requests;
            s.retries = stats_.retries;
            s.refetches = stats_.refetches;
            s.connections = stats_.connections;
            return s;
        }

        void shutdown() {
            boost::asio::dispatch(strand_, [self = this->shared_from_this()] {
                self->closed_ = true;
                for (auto& t : self->idle_) t->close();
                self->open_ -= self->idle_.size();
                self->idle_.clear();
                self->pool_cv_.cancel();
            });
        }

        executor_type ex_;
        executor_type strand_;  // a strand (see make_client_strand)
        Site site_;
        ConsumerCredentials creds_;
        TokenClientOptions options_;
        std::shared_ptr<const TransportSettings> settings_;
        error_code setup_ec_;
        Diagnostics setup_diag_;
        std::string user_agent_;
        Secret client_form_;           // "&client_id=...&client_secret=..." form-encoded
        Secret basic_authorization_;   // "Basic base64(key:secret)" for use_basic_auth

        mutable std::mutex mutex_;  // guards cache_, waiters_, next_waiter_id_; never held across co_await
        detail::TokenCacheState<AccessToken, time_point> cache_;
        std::deque<waiter> waiters_;
        std::uint64_t next_waiter_id_ = 0;

        // strand-only state
        std::vector<std::unique_ptr<Transport>> idle_;
        std::size_t open_ = 0;
        boost::asio::steady_timer pool_cv_;
        bool closed_ = false;

        struct atomic_stats {
            std::atomic<std::uint64_t> token_requests{0}, token_fetches{0}, api_requests{0}, retries{0},
                refetches{0}, connections{0};
        } stats_;
    };

    template <class CompletionToken>
    auto async_get_token_impl(Diagnostics* diag, CompletionToken&& token) {
        using traits = detail::awaitable_token<std::decay_t<CompletionToken>>;
        if constexpr (traits::plain) {
            return get_token_coro<typename traits::executor_type>(impl_, diag);
        } else if constexpr (traits::tuple) {
            return get_token_tuple_coro<typename traits::executor_type>(impl_, diag);
        } else {
            return async_get_token_erased(impl_, diag, std::forward<CompletionToken>(token));
        }
    }

    // The use_awaitable fast paths: a coroutine that returns a fresh cached token at once (its frame
    // comes from Asio's per-thread recycling allocator) and otherwise waits like any other caller.
    template <class Executor>
    static boost::asio::awaitable<TokenPtr, Executor> get_token_coro(std::shared_ptr<impl> self, Diagnostics* diag) {
        if (TokenPtr tok = self->try_cached()) co_return tok;
        auto op = async_get_token_erased(self, diag, boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{}));
        auto [ec, tok] = co_await std::move(op);
        if (ec) throw boost::system::system_error(ec);  // what use_awaitable itself throws
        co_return tok;
    }
    template <class Executor>
    static boost::asio::awaitable<std::tuple<error_code, TokenPtr>, Executor> get_token_tuple_coro(
        std::shared_ptr<impl> self, Diagnostics* diag) {
        if (TokenPtr tok = self->try_cached()) co_return std::tuple<error_code, TokenPtr>{error_code{}, std::move(tok)};
        auto op = async_get_token_erased(self, diag, boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{}));
        co_return co_await std::move(op);
    }

    template <class CompletionToken>
    static auto async_get_token_erased(const std::shared_ptr<impl>& self, Diagnostics* diag, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, TokenPtr)>(
            [](auto handler, std::shared_ptr<impl> self, Diagnostics* d) { self->get_token(std::move(handler), d); },
            token, self, diag);
    }

    template <class CompletionToken>
    auto async_request_impl(Target target, RequestOptions ro, Diagnostics* diag, CompletionToken&& token) {
        auto self = impl_;
        return launch<Response>(std::forward<CompletionToken>(token),
                                [self, t = std::move(target), r = std::move(ro), diag]() mutable {
                                    return self->request_op(std::move(t), std::move(r), diag);
                                });
    }

    // Runs the coroutine made by `make` on the client's strand and completes `token` with its
    // (error_code, T) result.
    template <class T, class CompletionToken, class MakeCoro>
    auto launch(CompletionToken&& token, MakeCoro&& make) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, T)>(
            [](auto handler, std::shared_ptr<impl> self, auto make_coro) {
                using handler_t = std::decay_t<decltype(handler)>;
                boost::asio::co_spawn(self->strand_, make_coro(),
                                      detail::spawn_completion<handler_t, T>{std::move(handler)});
            },
            token, impl_, std::forward<MakeCoro>(make));
    }

    friend class TokenClient;  // the type-erased client reads the cache directly (its fast path)
    std::shared_ptr<impl> impl_;
};

}  // namespace sfconnect

#endif
