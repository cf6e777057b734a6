// The token cache's decisions, driven with a made-up clock: no sockets, no sleeps.
#include <sfconnect/detail/token_cache.hpp>

#include "catch.hpp"

#include <chrono>
#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace token_cache_test {

using namespace std::chrono_literals;
using sfconnect::Diagnostics;
using sfconnect::error_code;

namespace {
struct FakeToken {
    std::string value;
};
using time_point = std::chrono::steady_clock::time_point;
using Cache = sfconnect::detail::TokenCacheState<FakeToken, time_point>;
using Lookup = Cache::Lookup;
constexpr time_point t0{std::chrono::hours(1000)};
}  // namespace

TEST_CASE("cold cache: the first caller starts exactly one fetch, the others wait", "[cache]") {
    Cache c;
    auto l = c.lookup(t0);
    CHECK(l == Lookup::wait_for_fetch);
    CHECK(c.should_start_fetch(l));
    c.fetch_started();
    for (int i = 0; i < 1000; ++i) {
        auto li = c.lookup(t0);
        CHECK(li == Lookup::wait_for_fetch);
        CHECK_FALSE(c.should_start_fetch(li));  // single flight
    }
}

TEST_CASE("fresh, soft window, hard window", "[cache]") {
    Cache c;
    c.fetch_started();
    auto tok = std::make_shared<const FakeToken>(FakeToken{"a"});
    c.fetch_succeeded(tok, t0, 105min, 5min);
    CHECK(c.lookup(t0 + 1min) == Lookup::use_cached);
    CHECK(c.lookup(t0 + 99min) == Lookup::use_cached);
    auto soft = c.lookup(t0 + 101min);
    CHECK(soft == Lookup::use_cached_refresh);  // serve it, refresh in the background
    CHECK(c.should_start_fetch(soft));
    c.fetch_started();
    CHECK_FALSE(c.should_start_fetch(c.lookup(t0 + 102min)));  // one background refresh only
    CHECK(c.lookup(t0 + 105min) == Lookup::wait_for_fetch);    // hard window: wait
}

TEST_CASE("a failed background refresh keeps the working token until its end", "[cache]") {
    Cache c;
    auto tok = std::make_shared<const FakeToken>(FakeToken{"a"});
    c.fetch_succeeded(tok, t0, 105min, 5min);
    c.fetch_started();
    c.fetch_failed(sfconnect::errc::server_error, Diagnostics{}, t0 + 101min, 0ms);
    CHECK(c.token() == tok);
    CHECK(c.lookup(t0 + 102min) == Lookup::use_cached_refresh);
}

TEST_CASE("non-recoverable errors are held briefly for new callers", "[cache]") {
    Cache c;
    c.fetch_started();
    Diagnostics d;
    d.server_error = "invalid_client_id";
    c.fetch_failed(sfconnect::oauth_errc::invalid_client_id, d, t0, 2s);
    CHECK(c.lookup(t0 + 1s) == Lookup::use_held_error);
    CHECK(c.held_error() == sfconnect::oauth_errc::invalid_client_id);
    CHECK(c.held_diagnostics().server_error == "invalid_client_id");
    auto later = c.lookup(t0 + 3s);
    CHECK(later == Lookup::wait_for_fetch);  // hold over: try again
    CHECK(c.should_start_fetch(later));
}

TEST_CASE("transient errors are not held", "[cache]") {
    Cache c;
    c.fetch_started();
    c.fetch_failed(sfconnect::errc::connection_lost, Diagnostics{}, t0, 0ms);
    CHECK(c.lookup(t0) == Lookup::wait_for_fetch);
}

TEST_CASE("invalidation drops only the token that was rejected (stale 401s are ignored)", "[cache]") {
    Cache c;
    auto old_tok = std::make_shared<const FakeToken>(FakeToken{"old"});
    auto new_tok = std::make_shared<const FakeToken>(FakeToken{"new"});
    c.fetch_succeeded(old_tok, t0, 105min, 5min);
    CHECK(c.invalidate(old_tok.get()));
    CHECK(c.token() == nullptr);
    c.fetch_succeeded(new_tok, t0 + 1s, 105min, 5min);
    // A request that used the old token gets its 401 late: the fresh token must survive.
    CHECK_FALSE(c.invalidate(old_tok.get()));
    CHECK(c.token() == new_tok);
    CHECK(c.lookup(t0 + 2s) == Lookup::use_cached);
}

TEST_CASE("a learned expiry (introspection exp) moves both windows", "[cache]") {
    Cache c;
    auto tok = std::make_shared<const FakeToken>(FakeToken{"a"});
    c.fetch_succeeded(tok, t0, 105min, 5min);
    c.set_deadline(t0 + 20min, 5min);
    CHECK(c.lookup(t0 + 10min) == Lookup::use_cached);
    CHECK(c.lookup(t0 + 16min) == Lookup::use_cached_refresh);
    CHECK(c.lookup(t0 + 20min) == Lookup::wait_for_fetch);
}

TEST_CASE("refresh_ahead larger than the lifetime means always refresh in the background", "[cache]") {
    Cache c;
    auto tok = std::make_shared<const FakeToken>(FakeToken{"a"});
    c.fetch_succeeded(tok, t0, 1min, 5min);
    CHECK(c.lookup(t0 + 1s) == Lookup::use_cached_refresh);
    CHECK(c.lookup(t0 + 1min) == Lookup::wait_for_fetch);
}

}  // namespace token_cache_test
