// Fleet semantics of the shared token store, in one process: several TokenClients (each with its own
// in-process cache, like separate processes) share one file store against the emulator.
#include <sfconnect/file_token_store.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/detail/store_codec.hpp>

#include "catch.hpp"
#include "support/emulator_client.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>

#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace token_store_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;

namespace {

constexpr const char* test_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// A store that counts every operation and can be switched to fail, around a real one.
class counting_store final : public TokenStore {
public:
    explicit counting_store(std::shared_ptr<TokenStore> inner, net::any_io_executor ex)
        : inner_(std::move(inner)), ex_(std::move(ex)) {}
    std::atomic<int> ops{0};
    std::atomic<bool> down{false};

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
        net::post(ex_,
                  [h = std::move(h), a...]() mutable { std::move(h)(make_error_code(store_errc::unavailable), a...); });
        return true;
    }
    std::shared_ptr<TokenStore> inner_;
    net::any_io_executor ex_;
};

struct fleet {
    Emulator emu;
    test::TempDir dir{"sfc-fleet"};
    net::io_context io;
    std::shared_ptr<TokenStore> file_store;
    std::vector<std::string> traces;
    std::mutex trace_mutex;

    fleet() {
        emu.start();
        error_code ec;
        std::string message;
        file_store = make_file_token_store(io.get_executor(), dir.path.string(), ec, message);
        REQUIRE(file_store);
    }

    TokenClientOptions options(std::shared_ptr<TokenStore> store = {}) {
        TokenClientOptions o = test::fast_options_for(emu);
        o.token_store = store ? store : file_store;
        o.store_key = Secret(test_key);
        o.store_poll = 5ms;
        o.trace = [this](const TraceEvent& e) {
            std::lock_guard lock(trace_mutex);
            traces.push_back(std::string(to_string(e.phase)) + ": " + e.message);
        };
        return o;
    }

    std::unique_ptr<TokenClient> client(TokenClientOptions o) {
        return std::make_unique<TokenClient>(io.get_executor(), sfconnect::testing::site_of(emu),
                                             sfconnect::testing::credentials_for(emu), std::move(o));
    }

    std::pair<error_code, TokenPtr> get(TokenClient& c, Diagnostics* diag = nullptr) {
        std::pair<error_code, TokenPtr> out;
        Diagnostics d;
        c.async_get_token(diag ? *diag : d, [&](error_code ec, TokenPtr t) { out = {ec, std::move(t)}; });
        io.restart();
        io.run();
        return out;
    }

    error_code request(TokenClient& c) {
        error_code out;
        c.async_request(endpoints::version_root.bind("62.0"), [&](error_code ec, Response) { out = ec; });
        io.restart();
        io.run();
        return out;
    }

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

    std::size_t count_traces(std::string_view needle) {
        std::lock_guard lock(trace_mutex);
        std::size_t n = 0;
        for (auto& t : traces) n += t.find(needle) != std::string::npos;
        return n;
    }
};

}  // namespace

TEST_CASE("fleet: a second client finds the token in the store and does not log in", "[store][fleet]") {
    fleet f;
    auto a = f.client(f.options());
    auto b = f.client(f.options());
    auto ta = f.get(*a);
    REQUIRE_FALSE(ta.first);
    auto tb = f.get(*b);
    REQUIRE_FALSE(tb.first);
    CHECK(tb.second->access_token == ta.second->access_token);
    CHECK(tb.second->instance_url == f.emu.instance_url());
    CHECK(f.emu.stats().token_requests == 1);
    CHECK(a->stats().store_hits == 0);
    CHECK(b->stats().store_hits == 1);
    CHECK(b->stats().token_requests == 0);
    CHECK(a->stats().fleet_logins_this_hour == 1);
    CHECK(f.count_traces("taken from the shared token store") == 1);
    // on disk: neither the token nor the secret in clear
    const std::string disk = f.disk();
    CHECK(disk.find(std::string(ta.second->access_token.reveal())) == std::string::npos);
    CHECK(disk.find(f.emu.consumer_secret()) == std::string::npos);
    for (const auto& t : f.emu.issued_tokens()) CHECK(disk.find(t) == std::string::npos);
}

TEST_CASE("fleet: a cached hit never touches the store", "[store][fleet]") {
    fleet f;
    auto counting = std::make_shared<counting_store>(f.file_store, f.io.get_executor());
    auto c = f.client(f.options(counting));
    REQUIRE_FALSE(f.get(*c).first);
    const int after_fetch = counting->ops;
    CHECK(after_fetch > 0);
    for (int i = 0; i < 5; ++i) REQUIRE_FALSE(f.get(*c).first);
    REQUIRE_FALSE(f.request(*c));
    CHECK(counting->ops == after_fetch);
}

TEST_CASE("fleet: eight cold clients started together make exactly one token request", "[store][fleet]") {
    fleet f;
    std::vector<std::unique_ptr<TokenClient>> clients;
    for (int i = 0; i < 8; ++i) clients.push_back(f.client(f.options()));
    std::vector<std::pair<error_code, TokenPtr>> got(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i)
        clients[i]->async_get_token([&, i](error_code ec, TokenPtr t) { got[i] = {ec, std::move(t)}; });
    f.io.run();
    for (auto& g : got) {
        REQUIRE_FALSE(g.first);
        REQUIRE(g.second);
        CHECK(g.second->access_token == got[0].second->access_token);
    }
    CHECK(f.emu.stats().token_requests == 1);
}

TEST_CASE("fleet: a 401 leads to exactly one refetch for all clients", "[store][fleet]") {
    fleet f;
    auto a = f.client(f.options());
    auto b = f.client(f.options());
    auto c = f.client(f.options());
    REQUIRE_FALSE(f.request(*a));
    REQUIRE_FALSE(f.request(*b));
    REQUIRE_FALSE(f.request(*c));
    CHECK(f.emu.stats().token_requests == 1);
    f.emu.expire_all_tokens();
    REQUIRE_FALSE(f.request(*a));  // 401, drops the entry, fetches, stores
    CHECK(f.emu.stats().token_requests == 2);
    REQUIRE_FALSE(f.request(*b));  // 401, reads the store, adopts a's new token
    REQUIRE_FALSE(f.request(*c));
    CHECK(f.emu.stats().token_requests == 2);
    CHECK(b->stats().refetches == 1);
    CHECK(b->stats().store_hits == 2);
    CHECK(f.emu.stats().revoke_requests == 0);  // nothing ever revokes implicitly
}

TEST_CASE("fleet: a store that fails costs a plain fetch, said once, and is used again when back", "[store][fleet]") {
    fleet f;
    auto counting = std::make_shared<counting_store>(f.file_store, f.io.get_executor());
    counting->down = true;
    auto a = f.client(f.options(counting));
    auto ta = f.get(*a);
    REQUIRE_FALSE(ta.first);
    CHECK(a->stats().store_fallbacks == 1);
    auto b = f.client(f.options(counting));
    REQUIRE_FALSE(f.get(*b).first);
    CHECK(f.emu.stats().token_requests == 2);
    CHECK(f.count_traces("failed or did not answer") == 2);  // once per client
    counting->down = false;
    auto c = f.client(f.options(counting));
    auto d = f.client(f.options(counting));
    REQUIRE_FALSE(f.get(*c).first);
    REQUIRE_FALSE(f.get(*d).first);
    CHECK(f.emu.stats().token_requests == 3);
    CHECK(d->stats().store_hits == 1);
}

TEST_CASE("fleet: a store that never answers is bounded by store_timeout", "[store][fleet]") {
    struct silent_store final : TokenStore {
        std::vector<std::shared_ptr<void>> kept;
        std::string describe() const override { return "silent:"; }
        void async_get(std::string, get_handler h) override {
            kept.push_back(std::make_shared<get_handler>(std::move(h)));
        }
        void async_put(std::string, std::string, std::chrono::milliseconds, done_handler h) override {
            kept.push_back(std::make_shared<done_handler>(std::move(h)));
        }
        void async_erase_if_equal(std::string, std::string, bool_handler h) override {
            kept.push_back(std::make_shared<bool_handler>(std::move(h)));
        }
        void async_try_lock(std::string, std::string, std::chrono::milliseconds, bool_handler h) override {
            kept.push_back(std::make_shared<bool_handler>(std::move(h)));
        }
        void async_unlock(std::string, std::string, done_handler h) override {
            kept.push_back(std::make_shared<done_handler>(std::move(h)));
        }
        void async_increment(std::string, std::chrono::milliseconds, count_handler h) override {
            kept.push_back(std::make_shared<count_handler>(std::move(h)));
        }
    };
    fleet f;
    auto silent = std::make_shared<silent_store>();
    auto o = f.options(silent);
    o.store_timeout = 50ms;
    auto c = f.client(o);
    const auto start = std::chrono::steady_clock::now();
    REQUIRE_FALSE(f.get(*c).first);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    CHECK(c->stats().store_fallbacks == 1);
    silent->kept.clear();
}

TEST_CASE("fleet: tampered, foreign and other-key entries are ignored and refetched", "[store][fleet]") {
    fleet f;
    auto a = f.client(f.options());
    REQUIRE_FALSE(f.get(*a).first);
    std::filesystem::path entry;
    for (const auto& e : std::filesystem::directory_iterator(f.dir.path))
        if (e.path().filename().string().rfind("token-", 0) == 0) entry = e.path();
    REQUIRE_FALSE(entry.empty());

    SECTION("tampered") {
        std::string text;
        {
            std::ifstream in(entry, std::ios::binary);
            std::ostringstream s;
            s << in.rdbuf();
            text = s.str();
        }
        text[text.size() - 3] = text[text.size() - 3] == 'a' ? 'b' : 'a';
        std::ofstream(entry, std::ios::binary | std::ios::trunc) << text;
        auto b = f.client(f.options());
        REQUIRE_FALSE(f.get(*b).first);
        CHECK(b->stats().store_hits == 0);
        CHECK(f.emu.stats().token_requests == 2);
    }
    SECTION("rotated key") {
        auto o = f.options();
        o.store_key = Secret("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        auto b = f.client(o);
        REQUIRE_FALSE(f.get(*b).first);
        CHECK(b->stats().store_hits == 0);
        CHECK(f.emu.stats().token_requests == 2);
        // the old key's clients now ignore the new entry too (and refetch), never fail
        auto c = f.client(f.options());
        REQUIRE_FALSE(f.get(*c).first);
        CHECK(c->stats().store_hits == 0);
    }
    SECTION("garbage") {
        std::ofstream(entry, std::ios::binary | std::ios::trunc) << "99999999999999\nnot an entry";
        auto b = f.client(f.options());
        REQUIRE_FALSE(f.get(*b).first);
        CHECK(f.emu.stats().token_requests == 2);
    }
}

TEST_CASE("fleet: a bad or missing store key is a setup error naming the fix", "[store][fleet]") {
    fleet f;
    auto o = f.options();
    o.store_key = Secret("not-a-key");
    auto c = f.client(o);
    Diagnostics diag;
    auto out = f.get(*c, &diag);
    CHECK(out.first == errc::invalid_credentials);
    CHECK(diag.phase == Phase::setup);
    CHECK(diag.message.find("64 hex digits") != std::string::npos);
    CHECK(diag.message.find("not-a-key") == std::string::npos);
    CHECK(f.emu.stats().token_requests == 0);

    auto o2 = f.options();
    o2.store_key = Secret();
    auto c2 = f.client(o2);
    CHECK(f.get(*c2, &diag).first == errc::invalid_credentials);
    CHECK(diag.message.find("needs a store key") != std::string::npos);

    auto o3 = f.options();
    o3.store_key = Secret();
    o3.store_tokens_in_plaintext_insecure = true;
    auto c3 = f.client(o3);
    REQUIRE_FALSE(f.get(*c3).first);
}

TEST_CASE("fleet: a waiting client fetches alone when the lock holder never stores", "[store][fleet]") {
    fleet f;
    // Another "process" holds the lock and never finishes.
    bool taken = false;
    f.file_store->async_try_lock(
        detail::store_names::for_hash(detail::store_cache_hash(f.emu.site(), f.emu.consumer_key())).lock, "stuck", 10s,
        [&](error_code, bool t) { taken = t; });
    f.io.run();
    REQUIRE(taken);
    auto o = f.options();
    o.store_wait = 100ms;
    auto c = f.client(o);
    REQUIRE_FALSE(f.get(*c).first);
    CHECK(c->stats().store_fallbacks == 1);
    CHECK(f.emu.stats().token_requests == 1);
}

}  // namespace token_store_test
