// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_CLIENT_CORE_HPP
#define SFCONNECT_DETAIL_CLIENT_CORE_HPP

// The state of one client and the runner: the only code that co_awaits I/O. Every operation is a
// sans-io algorithm (detail/sansio/) that run() drives over the connection pool; the token cache's
// decisions are sansio::token_cache's, taken under the mutex.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/https_transport.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/token_client_options.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/version.hpp>
#include <sfconnect/detail/connection_pool.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/grant.hpp>
#include <sfconnect/detail/jwt_grant.hpp>
#include <sfconnect/detail/large_body.hpp>
#include <sfconnect/detail/random.hpp>
#include <sfconnect/detail/sansio/oauth_form.hpp>
#include <sfconnect/detail/sansio/rest_request.hpp>
#include <sfconnect/detail/sansio/token_cache.hpp>
#include <sfconnect/detail/sansio/token_fetch.hpp>
#include <sfconnect/detail/store_runner.hpp>
#include <sfconnect/detail/trace.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

namespace sfconnect::detail {

template <class Transport, class Clock>
class client_core : public std::enable_shared_from_this<client_core<Transport, Clock>> {
public:
    using executor_type = boost::asio::any_io_executor;
    using time_point = typename Clock::time_point;
    using token_handler = boost::asio::any_completion_handler<void(error_code, TokenPtr)>;

    // Any credentials a make_grant() overload takes (ConsumerCredentials, JwtBearerCredentials).
    template <grant_credentials Credentials>
    client_core(executor_type ex, Site site, Credentials creds, TokenClientOptions options)
        : ex_(std::move(ex)),
          strand_(make_client_strand(ex_)),
          site_(std::move(site)),
          grant_(make_grant(std::move(creds), site_)),
          options_(std::move(options)),
          settings_(make_settings(site_, options_, setup_ec_, setup_diag_)),
          user_agent_("sfconnect/" + std::string(version_string) + " (Boost.Beast)"),
          call_options_(sansio::call_options_value(options_)),
          ctx_{site_.host(),
               user_agent_,
               options_,
               grant_->reply_secret(),
               grant_->client_form(),
               grant_->basic_authorization(),
               call_options_,
               *grant_},
          pool_(strand_, settings_, options_.max_connections) {
        if (!setup_ec_ && options_.token_store &&
            !fleet_.setup(site_.host(), grant_->identity(), options_, setup_diag_))
            setup_ec_ = errc::invalid_credentials;
    }

    // ---- token cache (any thread; guarded by mutex_) ----------------------------------------------
    TokenPtr cached() const {
        std::lock_guard lock(mutex_);
        return cache_.token();
    }

    void invalidate(const AccessToken* rejected) {
        std::lock_guard lock(mutex_);
        cache_.invalidate(rejected);
    }

    // The cached token when it can be used now (the background refresh starts here when the cache
    // says so); null when the caller has to wait or fail. Never completes a handler.
    TokenPtr try_cached() {
        if (setup_ec_) return {};
        bool start = false;
        std::unique_lock lock(mutex_);
        TokenPtr tok = cache_.try_use(Clock::now(), start);
        lock.unlock();
        if (start) start_fetch();
        return tok;
    }

    // Completes at once with the cached token or a held error; otherwise the handler waits for the
    // single in-flight fetch (started here if the cache says so).
    template <class Handler>
    void get_token(Handler&& handler, Diagnostics* diag) {
        if (setup_ec_) {
            if (diag) *diag = setup_diag_;
            complete(std::forward<Handler>(handler), setup_ec_, TokenPtr{});
            return;
        }
        std::unique_lock lock(mutex_);
        auto found = cache_.acquire(Clock::now());
        if (found.kind != cache_type::outcome::wait) {
            lock.unlock();
            if (found.start_fetch) start_fetch();
            if (diag && found.ec) *diag = std::move(found.diag);
            complete(std::forward<Handler>(handler), found.ec, std::move(found.token));
            return;
        }
        // Type-erase first: any_completion_handler installs its own proxy in the caller's slot, so
        // our cancellation handler goes into the erased handler's slot.
        token_handler erased(std::forward<Handler>(handler));
        auto slot = boost::asio::get_associated_cancellation_slot(erased);
        const std::uint64_t id = cache_.add_waiter(waiter{std::move(erased), diag});
        if (slot.is_connected()) {
            slot.assign([weak = this->weak_from_this(), id](boost::asio::cancellation_type type) {
                if (type == boost::asio::cancellation_type::none) return;
                if (auto self = weak.lock()) self->cancel_waiter(id);
            });
        }
        lock.unlock();
        if (found.start_fetch) start_fetch();
    }

    // ---- operations (each runs on the strand, launched by launch()) ------------------------------
    boost::asio::awaitable<std::pair<error_code, Response>> request_op(Target target, RequestOptions ro,
                                                                       Diagnostics* out_diag) {
        Diagnostics diag;
        Response out;
        error_code ec;
        try {
            sansio::rest_request algo(ctx_, target, ro, out);
            ec = co_await run(algo, diag);
            // After the connection is back in the pool: a large body never holds a connection. A
            // large one is parsed off the strand, by launch_request's completion.
            if (!ec && !parse_off_strand(ec, out)) ec = sansio::parse_json_body(out, diag);
        } catch (const std::exception& e) {
            ec = errc::bad_response;
            diag.message = std::string("unexpected failure during the request: ") + e.what();
        }
        if (ec) {
            finish_diagnostics(ec, diag);
            if (out_diag) *out_diag = std::move(diag);
        }
        co_return std::pair<error_code, Response>{ec, std::move(out)};
    }

    boost::asio::awaitable<std::pair<error_code, ConnectInfo>> connect_op(Diagnostics* diag) {
        if (setup_ec_) {
            *diag = setup_diag_;
            co_return std::pair<error_code, ConnectInfo>{setup_ec_, {}};
        }
        auto t = co_await pool_.acquire();
        if (!t) co_return std::pair<error_code, ConnectInfo>{boost::asio::error::operation_aborted, {}};
        error_code ec;
        if (!t->is_open()) {
            ++stats_.connections;
            ec = co_await t->connect(*diag);
        }
        ConnectInfo info = t->connect_info();
        pool_.release(std::move(t));
        co_return std::pair<error_code, ConnectInfo>{ec, std::move(info)};
    }

    boost::asio::awaitable<std::pair<error_code, bool>> revoke_op(TokenPtr tok, Diagnostics* diag) {
        sansio::revoke algo(ctx_, std::move(tok));
        const error_code ec = co_await run(algo, *diag);
        if (algo.token()) finish_diagnostics(ec, *diag);  // not for "there is no token to revoke"
        if (!ec) invalidate(algo.token().get());
        co_return std::pair<error_code, bool>{ec, !ec};
    }

    boost::asio::awaitable<std::pair<error_code, Introspection>> introspect_op(Diagnostics* diag) {
        sansio::introspect algo(ctx_);
        const error_code ec = co_await run(algo, *diag);
        if (algo.token()) finish_diagnostics(ec, *diag);
        Introspection& out = algo.result();
        if (!ec && out.active && out.expires_at) learn_expiry(algo.token().get(), *out.expires_at);
        co_return std::pair<error_code, Introspection>{ec, std::move(out)};
    }

    // Runs the coroutine made by `make` on the strand and completes `handler` with its (error_code, T).
    template <class T, class Handler, class MakeCoro>
    void launch(Handler&& handler, MakeCoro&& make) {
        using handler_t = std::decay_t<Handler>;
        boost::asio::co_spawn(strand_, std::forward<MakeCoro>(make)(),
                              spawn_completion<handler_t, T>{std::forward<Handler>(handler)});
    }

    // launch() for request_op: a 2xx body of off_strand_parse_bytes or more is parsed (and the caller
    // resumed) after a post to the client's executor, off the strand (docs/design.md, "Strand policy").
    template <class Handler>
    void launch_request(Handler&& handler, Target target, RequestOptions ro, Diagnostics* diag) {
        using handler_t = std::decay_t<Handler>;
        boost::asio::co_spawn(strand_, request_op(std::move(target), std::move(ro), diag),
                              large_body_completion<client_core, handler_t>{std::forward<Handler>(handler),
                                                                            this->shared_from_this(), diag});
    }

    // Bodies at least this large are parsed off the strand (measured: sfconnect-strand-bench).
    static constexpr std::size_t off_strand_parse_bytes = 64 * 1024;

    // request_op leaves a large 2xx body unparsed; large_body_completion parses it (the same test).
    static bool parse_off_strand(const error_code& ec, const Response& out) noexcept {
        return !ec && out.body.size() >= off_strand_parse_bytes;
    }

    // Parses `res` in a handler posted to the client's executor (not the strand), then dispatches
    // `handler` (through its associated executor) from there.
    template <class Handler>
    void parse_then_complete(Handler&& handler, Diagnostics* out_diag, Response res) {
        auto work = [self = this->shared_from_this(), h = std::forward<Handler>(handler), d = out_diag,
                     r = std::move(res)]() mutable {
            Diagnostics diag;
            const error_code ec = sansio::parse_json_body(r, diag);
            if (ec) {
                self->finish_diagnostics(ec, diag);
                if (d) *d = std::move(diag);
            }
            boost::asio::dispatch(boost::asio::append(std::move(h), ec, std::move(r)));
        };
        boost::asio::post(ex_, std::move(work));
    }

    TokenClientStats stats() const {
        TokenClientStats s;
        s.token_requests = stats_.token_requests;
        s.token_fetches = stats_.token_fetches;
        s.api_requests = stats_.api_requests;
        s.retries = stats_.retries;
        s.refetches = stats_.refetches;
        s.connections = stats_.connections;
        s.store_hits = stats_.store_hits;
        s.store_fallbacks = stats_.store_fallbacks;
        s.fleet_logins_this_hour = stats_.fleet_logins;
        return s;
    }

    void shutdown() {
        boost::asio::dispatch(strand_, [self = this->shared_from_this()] { self->pool_.close(); });
    }

    const executor_type& executor() const noexcept { return ex_; }
    const Site& site() const noexcept { return site_; }
    const TokenClientOptions& options() const noexcept { return options_; }
    // What identifies this client's tokens: (host, consumer key, flow, subject), for a shared store.
    std::pair<std::string_view, grant_identity> token_identity() const noexcept {
        return {site_.host(), grant_->identity()};
    }

private:
    struct waiter {
        token_handler handler;
        Diagnostics* diag = nullptr;
    };
    using cache_type = sansio::token_cache<AccessToken, time_point, waiter>;

    // ---- the runner ---------------------------------------------------------------------------------
    // Executes the algorithm's actions until it is done: the only place I/O is awaited.
    template <class Algo>
    boost::asio::awaitable<error_code> run(Algo& algo, Diagnostics& diag, time_point* sent_at = nullptr) {
        error_code io;
        for (;;) {
            const sansio::action act = algo.resume(io, jitter01(), diag);
            switch (act.kind) {
                case sansio::action_kind::done: co_return act.ec;
                case sansio::action_kind::exchange:
                    count_exchange(act.what);
                    if (sent_at) *sent_at = Clock::now();
                    io = co_await exchange(algo.request(), algo.response(), act.limits, diag);
                    if (io && diag.phase == Phase::none) diag.phase = phase_of(act.what);
                    break;
                case sansio::action_kind::sleep:
                    ++stats_.retries;
                    trace_retry(options_.trace,
                                act.what == sansio::exchange_kind::token_request ? "token request" : "request", act.ec,
                                act.attempt, act.delay);
                    co_await sleep(act.delay);
                    io = {};
                    break;
                case sansio::action_kind::need_token:
                    if constexpr (requires { algo.set_token(TokenPtr{}); }) {
                        if (act.after_rejection) drop_rejected(algo.token());
                        io = co_await obtain_token(algo, diag);
                    }
                    break;
            }
        }
    }

    template <class Algo>
    boost::asio::awaitable<error_code> obtain_token(Algo& algo, Diagnostics& diag) {
        // A fresh token is read synchronously (we are on the strand already): no post, no hop.
        if (TokenPtr tok = try_cached()) {
            algo.set_token(std::move(tok));
            co_return error_code{};
        }
        auto [ec, tok] = co_await get_token_awaitable(diag);
        algo.set_token(std::move(tok));
        co_return ec;
    }

    void drop_rejected(const TokenPtr& tok) {
        ++stats_.refetches;
        trace_note(options_.trace, TraceLevel::warning, TracePhase::token_refetch, [] {
            return std::string("401 INVALID_SESSION_ID: token dropped, fetching a new one, replaying once");
        });
        invalidate(tok.get());
        // With a shared store the next fetch deletes this token's entry (compare-and-delete) and never
        // adopts it again; a newer entry another process stored meanwhile is adopted instead.
        if (options_.token_store && tok) fleet_.reject(tok);
    }

    // The phase of a failed exchange that no transport phase covers (a custom transport that names
    // none, a client shut down while waiting for a connection): what the runner was doing.
    static Phase phase_of(sansio::exchange_kind what) noexcept {
        switch (what) {
            case sansio::exchange_kind::token_request: return Phase::token;
            case sansio::exchange_kind::api_request: return Phase::api;
            case sansio::exchange_kind::oauth_form: return Phase::none;
        }
        return Phase::none;
    }

    void count_exchange(sansio::exchange_kind what) {
        if (what == sansio::exchange_kind::token_request) ++stats_.token_requests;
        else if (what == sansio::exchange_kind::api_request) ++stats_.api_requests;
    }

    boost::asio::awaitable<error_code> exchange(HttpRequest& req, HttpResponse& res, ExchangeLimits limits,
                                                Diagnostics& diag) {
        if (setup_ec_) {
            diag = setup_diag_;
            co_return setup_ec_;
        }
        auto t = pool_.try_acquire();  // the usual case needs no coroutine frame of its own
        if (!t) t = co_await pool_.acquire();
        if (!t) {
            diag.message = "the client was shut down";
            co_return boost::asio::error::operation_aborted;
        }
        if (!t->is_open()) ++stats_.connections;
        error_code ec = co_await t->exchange(req, res, limits, diag);
        pool_.release(std::move(t));
        co_return ec;
    }

    boost::asio::awaitable<void> sleep(std::chrono::milliseconds d) {
        boost::asio::steady_timer timer(strand_, d);
        error_code ignored;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
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

    // Secrets out of every text (a hostile server may echo the consumer secret), then the trace.
    void finish_diagnostics(const error_code& ec, Diagnostics& diag) {
        grant_->redact_secrets(diag);
        if (ec) trace_error(options_.trace, ec, diag);
    }

    // ---- the single fetch ----------------------------------------------------------------------------
    void start_fetch() {
        ++stats_.token_fetches;
        boost::asio::co_spawn(strand_, fetch_coro(this->shared_from_this()), boost::asio::detached);
    }

    static boost::asio::awaitable<void> fetch_coro(std::shared_ptr<client_core> self) {
        if (self->options_.token_store && !self->setup_ec_) {
            auto op = store_fetch_coro(std::move(self));
            co_await std::move(op);
            co_return;
        }
        error_code ec;
        Diagnostics diag;
        sansio::token_fetch algo(self->ctx_, self->wall_now());
        time_point requested_at = Clock::now();
        try {
            ec = co_await self->run(algo, diag, &requested_at);
        } catch (const std::exception& e) {
            ec = errc::bad_response;
            diag.message = std::string("unexpected failure while fetching the token: ") + e.what();
        }
        self->finish_fetch(ec, std::move(diag), std::move(algo.token()), requested_at);
    }

    // The fleet's fetch (sansio::store_fetch): L2 read, lock, re-read, grant, put, unlock, count.
    static boost::asio::awaitable<void> store_fetch_coro(std::shared_ptr<client_core> self) {
        error_code ec;
        Diagnostics diag;
        time_point requested_at = Clock::now();
        sansio::store_fetch algo = self->fleet_.make_fetch(self->options_);
        auto grant = [&]() -> boost::asio::awaitable<void> {
            sansio::token_fetch f(self->ctx_, self->wall_now());
            error_code fec;
            try {
                fec = co_await self->run(f, diag, &requested_at);
            } catch (const std::exception& e) {
                fec = errc::bad_response;
                diag.message = std::string("unexpected failure while fetching the token: ") + e.what();
            }
            algo.set_fetched(fec, std::move(f.token()), wall_now_ms());
        };
        try {
            auto op = run_store_fetch(algo, *self->options_.token_store, self->strand_, self->options_, grant);
            co_await std::move(op);
            ec = algo.result();
        } catch (const std::exception& e) {
            ec = errc::bad_response;
            diag.message = std::string("unexpected failure while fetching the token: ") + e.what();
        }
        const fleet_outcome out = self->fleet_.finish(algo, self->options_);
        if (out.store_hit) {
            ++self->stats_.store_hits;
            requested_at = Clock::now() - std::chrono::duration_cast<typename time_point::duration>(out.age);
        }
        if (out.fallback) ++self->stats_.store_fallbacks;
        if (out.fleet_logins) self->stats_.fleet_logins = static_cast<std::uint64_t>(*out.fleet_logins);
        self->finish_fetch(ec, std::move(diag), std::move(algo.token()), requested_at);
    }

    void finish_fetch(error_code ec, Diagnostics diag, TokenPtr tok, time_point requested_at) {
        grant_->redact_secrets(diag);
        if (ec) trace_error(options_.trace, ec, diag);
        else
            trace_note(options_.trace, TraceLevel::info, TracePhase::token_fetched, [&] {
                return "access token fetched for " + tok->instance_url +
                       (tok->signature_verified ? " (signature verified)" : " (no signature)");
            });
        std::unique_lock lock(mutex_);
        auto ready = cache_.fetch_finished(ec, diag, tok, requested_at, Clock::now(), options_, jitter01());
        lock.unlock();
        for (auto& entry : ready) {
            waiter& w = entry.second;
            boost::asio::get_associated_cancellation_slot(w.handler).clear();
            if (ec && w.diag) *w.diag = diag;
            complete(std::move(w.handler), ec, ec ? TokenPtr{} : tok);
        }
    }

    void cancel_waiter(std::uint64_t id) {
        std::unique_lock lock(mutex_);
        auto w = cache_.remove_waiter(id);
        lock.unlock();
        if (!w) return;
        if (w->diag) w->diag->message = "waiting for the access token was cancelled";
        // No slot.clear() here: we run inside the slot's handler, which clear() would destroy.
        complete(std::move(w->handler), boost::asio::error::operation_aborted, TokenPtr{});
    }

    template <class Handler, class... Args>
    void complete(Handler&& h, Args&&... args) {
        // Never call a handler from inside its initiating function: post to its executor.
        // post() runs it through the handler's own associated executor.
        boost::asio::post(ex_, boost::asio::append(std::forward<Handler>(h), std::forward<Args>(args)...));
    }

    void learn_expiry(const AccessToken* tok, std::int64_t exp_epoch_s) {
        const auto remaining = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(exp_epoch_s)) -
                               std::chrono::system_clock::now();
        const auto hard = Clock::now() + std::chrono::duration_cast<typename time_point::duration>(remaining);
        std::lock_guard lock(mutex_);
        cache_.learn_expiry(tok, hard,
                            std::chrono::duration_cast<typename time_point::duration>(options_.refresh_ahead));
    }

    // ---- construction helpers ------------------------------------------------------------------------
    // A strand over the io_context's own executor when the client was given one: strand<any_io_executor>
    // re-wraps (and allocates) its inner executor on every dispatch, this one fits any_io_executor's
    // small buffer, so copying and dispatching never allocate.
    static executor_type make_client_strand(const executor_type& ex) {
        if (const auto* io = ex.template target<boost::asio::io_context::executor_type>())
            return boost::asio::make_strand(*io);
        return boost::asio::make_strand(ex);
    }

    // Option problems are found here, once, and reported (phase setup) by every operation.
    static std::shared_ptr<const TransportSettings> make_settings(const Site& site, const TokenClientOptions& o,
                                                                  error_code& ec, Diagnostics& diag) {
        auto settings = std::make_shared<TransportSettings>();
        ec = make_transport_settings(site.host(), o, *settings, diag);
        if (!ec) ec = sansio::check_client_name(o, diag);
        return settings;
    }

    // Wall-clock time for the grant (a JWT's `exp`). A standard clock's answer is system time; a test
    // clock's is system time at construction plus how far the test clock moved since, so a test can skew it.
    std::chrono::system_clock::time_point wall_now() const {
        if constexpr (std::is_same_v<Clock, std::chrono::steady_clock> ||
                      std::is_same_v<Clock, std::chrono::system_clock>) {
            return std::chrono::system_clock::now();
        } else {
            return wall_origin_ +
                   std::chrono::duration_cast<std::chrono::system_clock::duration>(Clock::now() - clock_origin_);
        }
    }

    executor_type ex_;
    executor_type strand_;  // a strand (see make_client_strand)
    Site site_;
    std::unique_ptr<const token_grant> grant_;  // the OAuth flow (detail/grant.hpp)
    TokenClientOptions options_;
    error_code setup_ec_;
    Diagnostics setup_diag_;
    std::shared_ptr<const TransportSettings> settings_;  // after setup_ec_/setup_diag_: it fills them
    std::string user_agent_;
    std::string call_options_;                      // Sforce-Call-Options value (TokenClientOptions::client_name)
    sansio::client_context ctx_;                    // views of the above, for the algorithms
    const time_point clock_origin_ = Clock::now();  // see wall_now()
    const std::chrono::system_clock::time_point wall_origin_ = std::chrono::system_clock::now();

    mutable std::mutex mutex_;  // guards cache_; never held across co_await
    cache_type cache_;

    connection_pool<Transport> pool_;  // strand only

    fleet_state fleet_;  // the shared store (options_.token_store), strand only after construction

    struct atomic_stats {
        std::atomic<std::uint64_t> token_requests{0}, token_fetches{0}, api_requests{0}, retries{0}, refetches{0},
            connections{0}, store_hits{0}, store_fallbacks{0}, fleet_logins{0};
    } stats_;
};

}  // namespace sfconnect::detail

#endif
