// Fleet semantics of the shared token store, in one process: several TokenClients (each with its own
// in-process cache, like separate processes) share one file store against the emulator.
#include <sfconnect/detail/store_codec.hpp>

#include "catch.hpp"
#include "support/store_fleet.hpp"

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

using fleet = sfconnect::test::StoreFleet;
using counting_store = sfconnect::test::CountingStore;

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
    auto counting = std::make_shared<counting_store>(f.store, f.io.get_executor());
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
    f.cold_start_together(8);
    CHECK(f.emu.stats().token_requests == 1);
}

TEST_CASE("fleet: a 401 leads to exactly one refetch for all clients", "[store][fleet]") {
    fleet f;
    f.check_one_refetch_after_401();
}

TEST_CASE("fleet: a store that fails costs a plain fetch, said once, and is used again when back", "[store][fleet]") {
    fleet f;
    auto counting = std::make_shared<counting_store>(f.store, f.io.get_executor());
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
        sfconnect::test::flip_byte(text);
        std::ofstream(entry, std::ios::binary | std::ios::trunc) << text;
        f.check_new_client_refetches(2);
    }
    SECTION("rotated key") { f.check_rotated_key_refetches(); }
    SECTION("garbage") {
        std::ofstream(entry, std::ios::binary | std::ios::trunc) << "99999999999999\nnot an entry";
        f.check_new_client_refetches(2);
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
    f.store->async_try_lock(f.names().lock, "stuck", 10s, [&](error_code, bool t) { taken = t; });
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
