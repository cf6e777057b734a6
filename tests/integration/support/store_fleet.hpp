// Fleet fixtures shared by the token store tests (tests/integration/token_store_test.cpp for the file
// store, tests/redis/redis_fleet_test.cpp for Redis): several TokenClients in one process, each with
// its own in-process cache like separate processes, sharing one store against the emulator; and a
// store wrapper that counts every operation and can be switched to fail.
#pragma once

#include <sfconnect/file_token_store.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/detail/store_codec.hpp>

#include "catch.hpp"
#include "emulator_client.hpp"
#include "temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace sfconnect::test {

/// Changes one byte near the end of a stored entry (inside its authentication tag or ciphertext).
inline void flip_byte(std::string& entry) {
    auto& c = entry[entry.size() - 3];
    c = c == 'a' ? 'b' : 'a';
}

/// The store key every fleet test client uses (64 hex digits).
inline constexpr const char* fleet_store_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A store that counts every operation and can be switched to fail, around a real one.
class CountingStore final : public TokenStore {
public:
    CountingStore(std::shared_ptr<TokenStore> inner, boost::asio::any_io_executor ex)
        : inner_(std::move(inner)), ex_(std::move(ex)) {}
    std::atomic<int> ops{0};        ///< operations started
    std::atomic<bool> down{false};  ///< fail every operation with store_errc::unavailable

    std::string describe() const override { return "counting:" + inner_->describe(); }
    void async_get(std::string key, get_handler h) override {
        if (fail(h, std::optional<std::string>{})) return;
        inner_->async_get(std::move(key), std::move(h));
    }
    void async_put(std::string key, std::string value, std::chrono::milliseconds ttl, done_handler h) override {
        if (fail(h)) return;
        inner_->async_put(std::move(key), std::move(value), ttl, std::move(h));
    }
    void async_erase_if_equal(std::string key, std::string expected, bool_handler h) override {
        if (fail(h, false)) return;
        inner_->async_erase_if_equal(std::move(key), std::move(expected), std::move(h));
    }
    void async_try_lock(std::string key, std::string owner, std::chrono::milliseconds ttl, bool_handler h) override {
        if (fail(h, false)) return;
        inner_->async_try_lock(std::move(key), std::move(owner), ttl, std::move(h));
    }
    void async_unlock(std::string key, std::string owner, done_handler h) override {
        if (fail(h)) return;
        inner_->async_unlock(std::move(key), std::move(owner), std::move(h));
    }
    void async_increment(std::string key, std::chrono::milliseconds ttl, count_handler h) override {
        if (fail(h, std::int64_t{0})) return;
        inner_->async_increment(std::move(key), ttl, std::move(h));
    }

private:
    template <class H, class... A>
    bool fail(H& h, A... a) {
        ++ops;
        if (!down) return false;
        boost::asio::post(ex_, [h = std::move(h), a...]() mutable {
            std::move(h)(make_error_code(store_errc::unavailable), a...);
        });
        return true;
    }
    std::shared_ptr<TokenStore> inner_;
    boost::asio::any_io_executor ex_;
};

/// Clients sharing one store against one emulator, all on one io_context. The store is a file store
/// in a temporary directory unless `make_store` builds another one (for example a Redis store).
struct StoreFleet {
    using store_factory = std::function<std::shared_ptr<TokenStore>(boost::asio::any_io_executor)>;

    testing::Emulator emu;
    TempDir dir{"sfc-fleet"};
    boost::asio::io_context io;
    std::shared_ptr<TokenStore> store;
    std::vector<std::string> traces;
    std::mutex trace_mutex;

    explicit StoreFleet(const store_factory& make_store = {}) {
        emu.start();
        if (make_store) {
            store = make_store(io.get_executor());
        } else {
            error_code ec;
            std::string message;
            store = make_file_token_store(io.get_executor(), dir.path.string(), ec, message);
        }
        REQUIRE(store);
    }

    /// Fast client options with `s` (default: the fleet's store), the test key and a trace recorder.
    TokenClientOptions options(std::shared_ptr<TokenStore> s = {}) {
        using namespace std::chrono_literals;
        TokenClientOptions o = fast_options_for(emu);
        o.token_store = s ? std::move(s) : store;
        o.store_key = Secret(fleet_store_key);
        o.store_poll = 5ms;
        o.trace = [this](const TraceEvent& e) {
            std::lock_guard lock(trace_mutex);
            traces.push_back(std::string(to_string(e.phase)) + ": " + e.message);
        };
        return o;
    }

    std::unique_ptr<TokenClient> client(TokenClientOptions o) {
        return std::make_unique<TokenClient>(io.get_executor(), testing::site_of(emu), testing::credentials_for(emu),
                                             std::move(o));
    }

    /// One async_get_token, run to completion.
    std::pair<error_code, TokenPtr> get(TokenClient& c, Diagnostics* diag = nullptr) {
        std::pair<error_code, TokenPtr> out;
        Diagnostics d;
        c.async_get_token(diag ? *diag : d, [&](error_code ec, TokenPtr t) { out = {ec, std::move(t)}; });
        io.restart();
        io.run();
        return out;
    }

    /// One REST request (the version root), run to completion.
    error_code request(TokenClient& c) {
        error_code out;
        c.async_request(endpoints::version_root.bind("62.0"), [&](error_code ec, Response) { out = ec; });
        io.restart();
        io.run();
        return out;
    }

    /// `n` clients started together, each getting one token; all must succeed with the same token.
    void cold_start_together(std::size_t n) {
        std::vector<std::unique_ptr<TokenClient>> clients;
        for (std::size_t i = 0; i < n; ++i) clients.push_back(client(options()));
        std::vector<std::pair<error_code, TokenPtr>> got(clients.size());
        for (std::size_t i = 0; i < clients.size(); ++i)
            clients[i]->async_get_token([&, i](error_code ec, TokenPtr t) { got[i] = {ec, std::move(t)}; });
        io.restart();
        io.run();
        for (auto& g : got) {
            REQUIRE_FALSE(g.first);
            REQUIRE(g.second);
            CHECK(g.second->access_token == got[0].second->access_token);
        }
    }

    /// Three clients share one token; it expires; the first to see the 401 drops the entry
    /// (compare-and-delete) and logs in, the others adopt its token from the store: one refetch in all.
    void check_one_refetch_after_401() {
        auto a = client(options());
        auto b = client(options());
        auto c = client(options());
        REQUIRE_FALSE(request(*a));
        REQUIRE_FALSE(request(*b));
        REQUIRE_FALSE(request(*c));
        CHECK(emu.stats().token_requests == 1);
        emu.expire_all_tokens();
        REQUIRE_FALSE(request(*a));  // 401: drops the entry, fetches, stores
        CHECK(emu.stats().token_requests == 2);
        REQUIRE_FALSE(request(*b));  // 401: reads the store, adopts a's new token
        REQUIRE_FALSE(request(*c));
        CHECK(emu.stats().token_requests == 2);
        CHECK(b->stats().refetches == 1);
        CHECK(b->stats().store_hits == 2);
        CHECK(c->stats().store_hits == 2);
        CHECK(emu.stats().revoke_requests == 0);  // nothing ever revokes implicitly
    }

    /// The store's names (entry, lock, login counter) for the emulator's app.
    detail::store_names names() const {
        return detail::store_names::for_hash(detail::store_cache_hash(emu.site(), emu.consumer_key()));
    }

    /// A new client ignores what the store holds (tampered, foreign) and logs in: `requests` in all.
    void check_new_client_refetches(std::uint64_t requests) {
        auto b = client(options());
        REQUIRE_FALSE(get(*b).first);
        CHECK(b->stats().store_hits == 0);
        CHECK(emu.stats().token_requests == requests);
    }

    /// After one login: a client with another (rotated) key ignores the entry and logs in; the old key's
    /// clients then ignore the new entry too and log in again, never fail.
    void check_rotated_key_refetches() {
        auto o = options();
        o.store_key = Secret("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        auto b = client(o);
        REQUIRE_FALSE(get(*b).first);
        CHECK(b->stats().store_hits == 0);
        CHECK(emu.stats().token_requests == 2);
        check_new_client_refetches(3);
    }

    /// Every file of the store directory, concatenated (the file store's bytes on disk).
    std::string disk() const {
        std::string all;
        for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
            std::ifstream f(e.path(), std::ios::binary);
            std::ostringstream s;
            s << f.rdbuf();
            all += s.str();
        }
        return all;
    }

    /// How many traces so far contain `needle`.
    std::size_t count_traces(std::string_view needle) {
        std::lock_guard lock(trace_mutex);
        std::size_t n = 0;
        for (auto& t : traces) n += t.find(needle) != std::string::npos;
        return n;
    }

    /// All traces so far, one per line (for INFO and for checking that no secret shows).
    std::string all_traces() {
        std::lock_guard lock(trace_mutex);
        std::string all;
        for (auto& t : traces) all += t + "\n";
        return all;
    }
};

}  // namespace sfconnect::test
