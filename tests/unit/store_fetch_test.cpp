// sansio::store_fetch, the fleet's fetch, driven by hand: every action and its order.
#include <sfconnect/token_store.hpp>
#include <sfconnect/detail/sansio/store_fetch.hpp>

#include "catch.hpp"

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace store_fetch_test {

using namespace sfconnect;
using namespace std::chrono_literals;
using detail::sansio::store_fetch;
using detail::sansio::store_fetch_config;
using detail::sansio::store_op;

namespace {

constexpr std::string_view key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr std::int64_t now = 1'700'000'000'000;

TokenPtr token(std::string_view value) {
    auto t = std::make_shared<AccessToken>();
    t->access_token = Secret(value);
    t->instance_url = "https://acme.my.salesforce.com";
    return t;
}

struct fixture {
    detail::store_codec codec;
    detail::store_names names = detail::store_names::for_hash("h");
    store_fetch_config cfg{60'000ms, 1'000ms, 10ms, 5'000ms, 7'200'000ms};
    fixture() {
        std::string why;
        REQUIRE(codec.set_key(key, why));
    }
    std::string entry(std::string_view tok, std::int64_t fetched_at = now) const {
        return codec.seal(*token(tok), fetched_at, names.entry);
    }
};

}  // namespace

TEST_CASE("store_fetch: a fresh entry is adopted without lock or login", "[store][sansio]") {
    fixture f;
    store_fetch algo(f.codec, f.names, f.cfg, "me", {}, {});
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::get);
    algo.set_value(f.entry("tok-1", now - 1000));
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::done);
    CHECK(algo.from_store());
    CHECK_FALSE(algo.fetched());
    CHECK(algo.token()->access_token.reveal() == "tok-1");
    CHECK(algo.fetched_at_ms() == now - 1000);
}

TEST_CASE("store_fetch: miss -> lock -> re-read -> login -> put -> unlock -> count", "[store][sansio]") {
    fixture f;
    store_fetch algo(f.codec, f.names, f.cfg, "me", {}, {});
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::get);
    algo.set_value(std::nullopt);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::try_lock);
    algo.set_flag(true);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::get);  // the re-read after acquiring
    algo.set_value(std::nullopt);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::fetch);
    algo.set_fetched({}, token("tok-2"), now);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::put);
    REQUIRE_FALSE(algo.put_value().empty());
    CHECK(algo.put_value().find("tok-2") == std::string::npos);
    CHECK(algo.put_ttl() == 60'000ms);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::unlock);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::increment);
    algo.set_count(7);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::done);
    CHECK_FALSE(algo.from_store());
    CHECK(algo.logins_this_hour() == 7);
    CHECK_FALSE(algo.degraded());
}

TEST_CASE("store_fetch: the re-read after the lock finds the previous holder's token", "[store][sansio]") {
    fixture f;
    store_fetch algo(f.codec, f.names, f.cfg, "me", {}, {});
    algo.resume({}, now, 0ms, 0.5);
    algo.set_value(std::nullopt);
    algo.resume({}, now, 0ms, 0.5);
    algo.set_flag(true);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::get);
    algo.set_value(f.entry("tok-3"));
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::unlock);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::done);
    CHECK(algo.from_store());
    CHECK_FALSE(algo.fetched());
}

TEST_CASE("store_fetch: a follower polls, and logs in alone when the bound passes", "[store][sansio]") {
    fixture f;
    store_fetch algo(f.codec, f.names, f.cfg, "me", {}, {});
    algo.resume({}, now, 0ms, 0.5);
    algo.set_value(std::nullopt);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::try_lock);
    algo.set_flag(false);
    auto a = algo.resume({}, now, 10ms, 0.5);
    CHECK(a.op == store_op::sleep);
    CHECK(a.delay == 10ms);
    CHECK(algo.resume({}, now, 20ms, 0.5).op == store_op::get);
    algo.set_value(std::nullopt);
    CHECK(algo.resume({}, now, 20ms, 0.5).op == store_op::try_lock);  // the holder may have died
    algo.set_flag(false);
    CHECK(algo.resume({}, now, 1'500ms, 0.5).op == store_op::fetch);
    CHECK(algo.waited_out());
}

TEST_CASE("store_fetch: after a 401 the rejected entry is deleted and never adopted", "[store][sansio]") {
    fixture f;
    const std::string old_entry = f.entry("tok-old");
    store_fetch algo(f.codec, f.names, f.cfg, "me", token("tok-old"), old_entry);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::erase_if_equal);
    CHECK(algo.rejected_entry() == old_entry);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::get);
    SECTION("a newer token stored meanwhile is adopted") {
        algo.set_value(f.entry("tok-new"));
        CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::done);
        CHECK(algo.token()->access_token.reveal() == "tok-new");
    }
    SECTION("the rejected token still stored is never adopted") {
        algo.set_value(f.entry("tok-old"));
        CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::try_lock);
    }
}

TEST_CASE("store_fetch: a store error means a plain login and nothing more from the store", "[store][sansio]") {
    fixture f;
    store_fetch algo(f.codec, f.names, f.cfg, "me", {}, {});
    algo.resume({}, now, 0ms, 0.5);
    CHECK(algo.resume(make_error_code(store_errc::unavailable), now, 0ms, 0.5).op == store_op::fetch);
    algo.set_fetched({}, token("tok-4"), now);
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::done);
    CHECK(algo.degraded());
    CHECK(algo.token()->access_token.reveal() == "tok-4");
}

TEST_CASE("store_fetch: an entry too old to use is a miss", "[store][sansio]") {
    fixture f;
    store_fetch algo(f.codec, f.names, f.cfg, "me", {}, {});
    algo.resume({}, now, 0ms, 0.5);
    algo.set_value(f.entry("tok-5", now - 61'000));
    CHECK(algo.resume({}, now, 0ms, 0.5).op == store_op::try_lock);
}

}  // namespace store_fetch_test
