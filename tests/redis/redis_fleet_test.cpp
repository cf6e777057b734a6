// The Redis rows of the fleet (issue 13, "Must show"): TokenClients and sfconnect-token processes
// sharing one Redis store (a redis-server the test starts on 127.0.0.1) against the emulator. The same
// properties as the file store's rows (tests/integration/token_store_test.cpp, token_tool_test.cpp),
// with the fixtures shared through tests/integration/support/; plus what only Redis has: the server
// killed and restarted mid-run, a wrong password, a wrong TLS CA.
#include <sfconnect/redis_token_store.hpp>
#include <sfconnect/testing/certificates.hpp>
#include <sfconnect/detail/store_codec.hpp>

#include "catch.hpp"
#include "integration/support/redis_server.hpp"
#include "integration/support/store_fleet.hpp"
#include "integration/support/token_tool.hpp"
#include "redis/redis_store_client.hpp"

#include <chrono>
#include <string>

using namespace sfconnect;
using namespace std::chrono_literals;
using sfconnect::test::RedisServer;
using sfconnect::test::RedisServerOptions;
using sfconnect::test::StoreFleet;

namespace {

constexpr std::string_view password = "Fleet-Redis-Pw-93c2";  // must never show in any message

// A fleet whose store is the Redis store at `url`.
StoreFleet::store_factory redis_at(std::string url, RedisStoreOptions options = {}) {
    return [url = std::move(url), options](boost::asio::any_io_executor ex) {
        error_code ec;
        std::string message;
        auto store = make_redis_token_store(std::move(ex), url, options, ec, message);
        if (!store) FAIL("make_redis_token_store: " << message);
        return store;
    };
}

// The store's entry for the emulator's app, read directly from Redis (empty: none).
std::string stored_entry(const std::string& url, const testing::Emulator& emu, RedisStoreOptions options = {}) {
    sfconnect::test::Store raw(url, std::move(options));
    const auto names = detail::store_names::for_hash(detail::store_cache_hash(emu.site(), emu.consumer_key()));
    auto [ec, value] = raw.get(names.entry);
    REQUIRE_FALSE(ec);
    return value.value_or("");
}

void check_nothing_in_clear(const std::string& entry, const testing::Emulator& emu) {
    CHECK_FALSE(entry.empty());
    for (const auto& t : emu.issued_tokens()) CHECK(entry.find(t) == std::string::npos);
    CHECK(entry.find(emu.consumer_secret()) == std::string::npos);
}

}  // namespace

TEST_CASE("redis fleet: eight cold clients make one token request and Redis holds no token in clear",
          "[redis][store][fleet]") {
    RedisServer server;
    StoreFleet f(redis_at(server.url()));
    f.cold_start_together(8);
    CHECK(f.emu.stats().token_requests == 1);
    CHECK(f.count_traces("taken from the shared token store") >= 1);
    check_nothing_in_clear(stored_entry(server.url(), f.emu), f.emu);

    // A later client finds it too; its stats say so.
    auto late = f.client(f.options());
    REQUIRE_FALSE(f.get(*late).first);
    CHECK(late->stats().store_hits == 1);
    CHECK(late->stats().token_requests == 0);
    CHECK(f.emu.stats().token_requests == 1);

    // Only the loud opt-in stores plaintext (and then the check above would see it).
    RedisStoreOptions plain_prefix;
    plain_prefix.key_prefix = "sfconnect:plain:";
    auto o = f.options(redis_at(server.url(), plain_prefix)(f.io.get_executor()));
    o.store_key = Secret();
    o.store_tokens_in_plaintext_insecure = true;
    auto plain = f.client(o);
    auto tok = f.get(*plain);
    REQUIRE_FALSE(tok.first);
    const std::string entry = stored_entry(server.url(), f.emu, plain_prefix);
    CHECK(entry.find(std::string(tok.second->access_token.reveal())) != std::string::npos);
    CHECK(entry.find(f.emu.consumer_secret()) == std::string::npos);  // the secret never
}

TEST_CASE("redis fleet: a 401 leads to exactly one refetch for all clients", "[redis][store][fleet]") {
    RedisServer server;
    StoreFleet f(redis_at(server.url()));
    f.check_one_refetch_after_401();
}

TEST_CASE("redis fleet: Redis killed mid-run loses no request, is said once, and is used again after a restart",
          "[redis][store][fleet]") {
    RedisServer server;
    RedisStoreOptions quick;
    quick.timeout = 500ms;
    StoreFleet f(redis_at(server.url(), quick));
    auto a = f.client(f.options());
    auto b = f.client(f.options());
    REQUIRE_FALSE(f.request(*a));
    REQUIRE_FALSE(f.request(*b));
    CHECK(f.emu.stats().token_requests == 1);

    server.kill();
    const auto started = std::chrono::steady_clock::now();
    f.emu.expire_all_tokens();
    REQUIRE_FALSE(f.request(*a));  // 401, Redis down: a plain fetch, the request still succeeds
    CHECK(f.emu.stats().token_requests == 2);
    CHECK(a->stats().store_fallbacks == 1);
    auto c = f.client(f.options());
    REQUIRE_FALSE(f.get(*c).first);  // a new client while Redis is down: a plain fetch
    CHECK(c->stats().store_fallbacks == 1);
    f.emu.expire_all_tokens();
    REQUIRE_FALSE(f.request(*a));  // down still: another plain fetch, not said again
    CHECK(a->stats().store_fallbacks == 2);
    CHECK(f.count_traces("failed or did not answer") == 2);  // once per client, not once per fetch
    CHECK(std::chrono::steady_clock::now() - started < 10s);

    server.start();  // empty again (no persistence)
    f.emu.expire_all_tokens();
    REQUIRE_FALSE(f.request(*a));  // 401: a fetches through the store again and stores the token
    const auto after_restart = f.emu.stats().token_requests;
    CHECK(f.count_traces("/0 answers again") == 1);  // "<store> answers again", said once
    REQUIRE_FALSE(f.request(*b));                    // 401 on b's old token: adopts a's from Redis
    auto d = f.client(f.options());
    REQUIRE_FALSE(f.get(*d).first);
    CHECK(d->stats().store_hits == 1);
    CHECK(b->stats().store_hits >= 1);
    CHECK(f.emu.stats().token_requests == after_restart);
    CHECK(f.count_traces("failed or did not answer") == 2);
}

TEST_CASE("redis fleet: a wrong password or a wrong TLS CA costs a plain fetch, never the password",
          "[redis][store][fleet]") {
    const testing::TestCertificateAuthority ca("redis fleet CA");
    RedisServerOptions options;
    options.password = std::string(password);
    SECTION("plain TCP, wrong password") {}
    SECTION("TLS, right password, another CA") {
        options.tls = true;
        options.ca = &ca;
    }
    RedisServer server(options);
    RedisStoreOptions trust;
    const testing::TestCertificateAuthority other("another CA");
    if (options.tls) {
        trust.ca_file = server.dir() + "/other-ca.pem";
        other.write_certificate_pem(trust.ca_file);
    }
    const std::string url = sfconnect::test::with_password(server, "", options.tls ? password : "wrong-pw-5a1e");
    StoreFleet f(redis_at(url, trust));
    const auto started = std::chrono::steady_clock::now();
    auto a = f.client(f.options());
    auto b = f.client(f.options());
    REQUIRE_FALSE(f.get(*a).first);
    REQUIRE_FALSE(f.get(*b).first);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(a->stats().store_fallbacks == 1);
    CHECK(b->stats().store_fallbacks == 1);
    CHECK(f.emu.stats().token_requests == 2);
    const std::string traces = f.all_traces();
    INFO(traces);
    CHECK(f.count_traces("failed or did not answer") == 2);
    CHECK(traces.find(password) == std::string::npos);
    CHECK(traces.find("wrong-pw-5a1e") == std::string::npos);
    const std::string why = static_cast<const RedisTokenStore&>(*f.store).last_error();
    CHECK(why.find(options.tls ? "CA file" : "check the password") != std::string::npos);
    CHECK(why.find(password) == std::string::npos);
}

TEST_CASE("redis fleet: a tampered entry and a rotated key read from Redis are ignored and refetched",
          "[redis][store][fleet]") {
    RedisServer server;
    StoreFleet f(redis_at(server.url()));
    auto a = f.client(f.options());
    REQUIRE_FALSE(f.get(*a).first);
    CHECK(f.emu.stats().token_requests == 1);

    SECTION("tampered") {
        sfconnect::test::Store raw(server.url());
        std::string entry = std::get<1>(raw.get(f.names().entry)).value_or("");
        REQUIRE(entry.size() > 8);
        sfconnect::test::flip_byte(entry);
        REQUIRE_FALSE(raw.put(f.names().entry, entry));
        f.check_new_client_refetches(2);
    }
    SECTION("rotated key") { f.check_rotated_key_refetches(); }
    check_nothing_in_clear(stored_entry(server.url(), f.emu), f.emu);
}

#ifdef SFCONNECT_TOKEN_EXE
TEST_CASE("redis fleet: 16 sfconnect-token processes started at once with a Redis store log in once",
          "[redis][tool][store][fleet]") {
    RedisServerOptions options;
    options.password = std::string(password);
    RedisServer server(options);
    sfconnect::test::tool_env t;
    const std::string url = sfconnect::test::with_password(server, "", password);
    sfconnect::test::fleet_makes_one_login(t, url, 16);
    check_nothing_in_clear(stored_entry(url, t.emu), t.emu);

    // Through SFCONNECT_TOKEN_STORE, the token comes from Redis; a wrong password is a plain login, said
    // on stderr without the password.
    auto again = t.run({"--json"}, {"SFCONNECT_TOKEN_STORE=" + url});
    REQUIRE(again.status == 0);
    CHECK(sfconnect::test::contains(again.out, "\"source\":\"store\""));
    auto wrong = t.run({"--json"}, {"SFCONNECT_TOKEN_STORE=" + sfconnect::test::with_password(server, "", "nope-3f9")});
    INFO(wrong.err);
    CHECK(wrong.status == 0);
    CHECK(sfconnect::test::contains(wrong.out, "\"source\":\"fetched\""));
    CHECK_FALSE(wrong.err.empty());
    CHECK_FALSE(sfconnect::test::contains(wrong.err, "nope-3f9"));
    CHECK_FALSE(sfconnect::test::contains(wrong.err + again.err, std::string(password)));
    CHECK(t.emu.stats().token_requests == 2);
}
#endif
