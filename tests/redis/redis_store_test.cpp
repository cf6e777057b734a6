// The Redis token store against real redis-server processes started by the tests
// (tests/integration/support/redis_server.hpp): every TokenStore operation, store-owned TTLs, lock
// contention, compare-and-delete, the counter; AUTH (password, ACL user), SELECT, TLS; and the
// failures: wrong password or CA, Redis killed and restarted, a stalled server, a hostile one.
#include <sfconnect/redis_token_store.hpp>
#include <sfconnect/testing/certificates.hpp>

#include "catch.hpp"
#include "integration/support/redis_server.hpp"
#include "redis/redis_store_client.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

using namespace sfconnect;
using namespace std::chrono_literals;
using sfconnect::test::RedisServer;
using sfconnect::test::RedisServerOptions;
using sfconnect::test::Store;
using sfconnect::test::with_password;

namespace {

constexpr std::string_view password = "Pw-For-Redis-Tests-7d1f";  // must never show in any message

void check_no_secret(const Store& s) {
    CHECK(s.last_error().find(password) == std::string::npos);
    CHECK(s.store->describe().find(password) == std::string::npos);
}

}  // namespace

TEST_CASE("redis store: get, put, compare-and-delete, locks and the counter") {
    RedisServer server;
    Store a(server.url());
    CHECK(a.store->describe() == server.url() + "/0");

    auto [ec, value] = a.get("missing");
    CHECK_FALSE(ec);
    CHECK_FALSE(value.has_value());

    const std::string binary("tok\0en\r\n\xff", 9);
    CHECK_FALSE(a.put("k", binary));
    std::tie(ec, value) = a.get("k");
    CHECK_FALSE(ec);
    CHECK(value == binary);

    // Compare-and-delete: only the expected value is deleted.
    auto [ec2, deleted] = a.erase_if_equal("k", "another token");
    CHECK_FALSE(ec2);
    CHECK_FALSE(deleted);
    CHECK(std::get<1>(a.get("k")) == binary);
    std::tie(ec2, deleted) = a.erase_if_equal("k", binary);
    CHECK_FALSE(ec2);
    CHECK(deleted);
    CHECK_FALSE(std::get<1>(a.get("k")).has_value());
    CHECK_FALSE(std::get<1>(a.erase_if_equal("k", binary)));

    // The lock: two stores (two processes) contend; only the owner releases it.
    Store b(server.url());
    CHECK(std::get<1>(a.try_lock("lock", "owner-a")));
    auto [ec3, taken] = b.try_lock("lock", "owner-b");
    CHECK_FALSE(ec3);
    CHECK_FALSE(taken);
    CHECK_FALSE(b.unlock("lock", "owner-b"));  // not the owner: no effect
    CHECK_FALSE(std::get<1>(b.try_lock("lock", "owner-b")));
    CHECK_FALSE(a.unlock("lock", "owner-a"));
    CHECK(std::get<1>(b.try_lock("lock", "owner-b")));

    // The counter.
    CHECK(std::get<1>(a.increment("logins")) == 1);
    CHECK(std::get<1>(b.increment("logins")) == 2);
    CHECK(std::get<1>(a.increment("logins")) == 3);
}

TEST_CASE("redis store: TTLs belong to the store (entries, locks, counters expire)") {
    RedisServer server;
    Store s(server.url());
    CHECK_FALSE(s.put("short", "v", 150ms));
    CHECK(std::get<1>(s.try_lock("lock", "me", 150ms)));
    CHECK(std::get<1>(s.increment("count", 150ms)) == 1);
    CHECK(std::get<1>(s.increment("count", 150ms)) == 2);  // a second increment keeps the first expiry
    CHECK(std::get<1>(s.get("short")) == "v");
    std::this_thread::sleep_for(400ms);
    CHECK_FALSE(std::get<1>(s.get("short")).has_value());
    CHECK(std::get<1>(s.try_lock("lock", "someone else")));  // the holder's lock expired
    CHECK(std::get<1>(s.increment("count", 150ms)) == 1);    // a new counter
}

TEST_CASE("redis store: the key prefix and the database keep stores apart") {
    RedisServer server;
    Store mine(server.url());
    RedisStoreOptions other_prefix;
    other_prefix.key_prefix = "other:";
    Store other(server.url(), other_prefix);
    RedisStoreOptions no_prefix;
    no_prefix.key_prefix = "";
    Store raw(server.url(), no_prefix);
    Store db3(server.url() + "/3");

    CHECK_FALSE(mine.put("k", "mine"));
    CHECK_FALSE(std::get<1>(other.get("k")).has_value());
    CHECK(std::get<1>(raw.get("sfconnect:k")) == "mine");
    CHECK_FALSE(std::get<1>(db3.get("k")).has_value());
    CHECK_FALSE(db3.put("k", "three"));
    CHECK(std::get<1>(mine.get("k")) == "mine");
    CHECK(std::get<1>(db3.get("k")) == "three");
    CHECK(db3.store->describe() == server.url() + "/3");

    Store out_of_range(server.url() + "/16");
    auto [ec, value] = out_of_range.get("k");
    CHECK(ec == store_errc::invalid_url);
    CHECK(out_of_range.last_error().find("database 16") != std::string::npos);
}

TEST_CASE("redis store: AUTH with a password, wrong password is auth_failed without the password") {
    RedisServerOptions options;
    options.password = std::string(password);
    RedisServer server(options);

    Store good(with_password(server, "", password, "/1"));
    CHECK_FALSE(good.put("k", "v"));
    CHECK(std::get<1>(good.get("k")) == "v");
    check_no_secret(good);

    Store wrong(with_password(server, "", "not-the-password"));
    const auto started = std::chrono::steady_clock::now();
    auto [ec, value] = wrong.get("k");
    CHECK(ec == store_errc::auth_failed);
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(wrong.last_error().find("check the password") != std::string::npos);
    CHECK(wrong.last_error().find("not-the-password") == std::string::npos);
    INFO(wrong.last_error());
    CHECK(ec.message().find("credentials") != std::string::npos);

    Store none(server.url());  // no password at all
    CHECK(std::get<0>(none.get("k")) == store_errc::auth_failed);
}

TEST_CASE("redis store: ACL user with only the store's commands") {
    RedisServerOptions options;
    options.acl_user = "sfapp";
    options.acl_password = std::string(password);
    RedisServer server(options);

    Store s(with_password(server, "sfapp", password));
    CHECK_FALSE(s.put("k", "v"));
    CHECK(std::get<1>(s.get("k")) == "v");
    CHECK(std::get<1>(s.erase_if_equal("k", "v")));
    CHECK(std::get<1>(s.try_lock("l", "o")));
    CHECK_FALSE(s.unlock("l", "o"));
    CHECK(std::get<1>(s.increment("c")) == 1);
    check_no_secret(s);

    RedisStoreOptions outside;
    outside.key_prefix = "elsewhere:";  // outside the user's ~sfconnect:* key pattern
    Store denied(with_password(server, "sfapp", password), outside);
    CHECK(std::get<0>(denied.get("k")) == store_errc::auth_failed);
    CHECK(denied.last_error().find("NOPERM") != std::string::npos);

    Store wrong(with_password(server, "sfapp", "nope-wrong"));
    CHECK(std::get<0>(wrong.get("k")) == store_errc::auth_failed);
    CHECK(wrong.last_error().find("check the user name and the password") != std::string::npos);
    Store default_user(with_password(server, "", password));  // the default user is off
    CHECK(std::get<0>(default_user.get("k")) == store_errc::auth_failed);
}

TEST_CASE("redis store: rediss:// with the right CA, tls_failed with a wrong one") {
    const testing::TestCertificateAuthority ca("redis test CA");
    RedisServerOptions options;
    options.tls = true;
    options.ca = &ca;
    options.password = std::string(password);
    RedisServer server(options);

    RedisStoreOptions trust;
    trust.ca_file = server.ca_file();
    Store s(with_password(server, "", password), trust);
    CHECK_FALSE(s.put("k", "over tls"));
    CHECK(std::get<1>(s.get("k")) == "over tls");
    CHECK(s.store->describe().rfind("rediss://", 0) == 0);

    const testing::TestCertificateAuthority other("another CA");
    const std::string other_file = server.dir() + "/other-ca.pem";
    other.write_certificate_pem(other_file);
    RedisStoreOptions wrong_trust;
    wrong_trust.ca_file = other_file;
    Store wrong(with_password(server, "", password), wrong_trust);
    auto [ec, value] = wrong.get("k");
    CHECK(ec == store_errc::tls_failed);
    CHECK(wrong.last_error().find("CA file") != std::string::npos);
    check_no_secret(wrong);

    // Plain redis:// to the TLS port: the server drops the connection; a clear failure, no hang.
    Store plain(with_password(server, "", password).replace(0, 6, "redis"));
    const auto plain_ec = std::get<0>(plain.get("k"));
    CHECK((plain_ec == store_errc::unavailable || plain_ec == store_errc::protocol_error));

    RedisStoreOptions missing;
    missing.ca_file = server.dir() + "/no-such-ca.pem";
    error_code ec2;
    std::string message;
    boost::asio::io_context ioc;
    CHECK(make_redis_token_store(ioc.get_executor(), server.url(), missing, ec2, message) == nullptr);
    CHECK(ec2 == store_errc::invalid_url);
    CHECK(message.find("no-such-ca.pem") != std::string::npos);
}

TEST_CASE("redis store: Redis killed mid-run fails each op in bounded time, a restart is used again") {
    RedisServer server;
    RedisStoreOptions options;
    options.timeout = 500ms;
    Store s(server.url(), options);
    CHECK_FALSE(s.put("k", "v"));

    server.kill();
    for (int i = 0; i < 3; ++i) {
        const auto started = std::chrono::steady_clock::now();
        auto [ec, value] = s.get("k");
        CHECK((ec == store_errc::unavailable || ec == store_errc::timeout));
        CHECK(std::chrono::steady_clock::now() - started < 2s);
        CHECK_FALSE(value.has_value());
    }
    CHECK(s.last_error().find("could not connect") != std::string::npos);

    server.start();  // empty again: no persistence
    auto [ec, value] = s.get("k");
    CHECK_FALSE(ec);
    CHECK_FALSE(value.has_value());
    CHECK_FALSE(s.put("k", "again"));

    // Restarted while the connection is idle: the next op reconnects transparently.
    server.kill();
    server.start();
    CHECK_FALSE(std::get<0>(s.get("k")));
}

TEST_CASE("redis store: killed while a command waits, frozen, thawed") {
    RedisServer server;
    RedisStoreOptions options;
    options.timeout = 1500ms;
    Store s(server.url(), options);
    CHECK_FALSE(s.put("k", "v"));

    // Frozen: the command times out, bounded by the timeout; thawed: the next one works again.
    options.timeout = 300ms;
    Store quick(server.url(), options);
    CHECK_FALSE(std::get<0>(quick.get("k")));
    server.pause();
    auto started = std::chrono::steady_clock::now();
    CHECK(std::get<0>(quick.get("k")) == store_errc::timeout);
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    server.resume();
    CHECK(std::get<1>(quick.get("k")) == "v");

    // Killed while a GET waits for its reply: it fails at once with unavailable, not at the timeout.
    server.pause();
    std::thread killer([&] {
        std::this_thread::sleep_for(200ms);
        server.kill();
    });
    started = std::chrono::steady_clock::now();
    const auto ec = std::get<0>(s.get("k"));
    killer.join();
    CHECK(ec == store_errc::unavailable);
    CHECK(std::chrono::steady_clock::now() - started < 1400ms);
    server.start();
    CHECK_FALSE(std::get<0>(s.get("k")));
}

TEST_CASE("redis store: a server that never answers is a timeout") {
    sfconnect::test::StalledServer stalled;
    RedisStoreOptions options;
    options.timeout = 300ms;
    Store s("redis://127.0.0.1:" + std::to_string(stalled.port()), options);
    const auto started = std::chrono::steady_clock::now();
    auto [ec, value] = s.get("k");
    CHECK(ec == store_errc::timeout);
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(s.last_error().find("did not answer within 300 ms") != std::string::npos);

    Store tls("rediss://127.0.0.1:" + std::to_string(stalled.port()), options);
    CHECK(std::get<0>(tls.get("k")) == store_errc::timeout);
}

TEST_CASE("redis store: a hostile server's garbage is a protocol_error, never a crash") {
    for (const std::string& garbage :
         {std::string("!garbage\r\n"), std::string("HTTP/1.1 200 OK\r\n\r\n"),
          std::string("*2\r\n$1\r\na\r\n$1\r\nb\r\n"), std::string(":1\r\n"), std::string("*999999999999\r\n")}) {
        sfconnect::test::GarbageServer hostile(garbage);
        RedisStoreOptions options;
        options.timeout = 500ms;
        Store s("redis://127.0.0.1:" + std::to_string(hostile.port()), options);
        auto [ec, value] = s.get("k");
        INFO(garbage);
        CHECK(ec == store_errc::protocol_error);
        CHECK_FALSE(s.last_error().empty());
    }
}

TEST_CASE("redis store: bad URLs and options are invalid_url, without the password") {
    boost::asio::io_context ioc;
    error_code ec;
    std::string message;
    CHECK(make_redis_token_store(ioc.get_executor(), "http://:Pw-For-Redis-Tests-7d1f@h", {}, ec, message) == nullptr);
    CHECK(ec == store_errc::invalid_url);
    CHECK(message.find(password) == std::string::npos);
    CHECK(message.find("redis://") != std::string::npos);

    RedisStoreOptions zero;
    zero.timeout = 0ms;
    CHECK(make_redis_token_store(ioc.get_executor(), "redis://h", zero, ec, message) == nullptr);
    CHECK(message.find("timeout") != std::string::npos);

    RedisStoreOptions ca;
    ca.ca_file = "/etc/ssl/certs/ca-certificates.crt";
    CHECK(make_redis_token_store(ioc.get_executor(), "redis://h", ca, ec, message) == nullptr);
    CHECK(message.find("rediss://") != std::string::npos);
}

TEST_CASE("redis store: many operations from several threads are serialized") {
    RedisServer server;
    Store s(server.url());
    std::atomic<int> done{0};
    std::atomic<int> failed{0};
    constexpr int per_thread = 50;
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < per_thread; ++i) {
                s.store->async_increment("parallel", 60s, [&](error_code ec, std::int64_t) {
                    if (ec) ++failed;
                    ++done;
                });
            }
        });
    }
    for (auto& t : threads) t.join();
    auto guard = boost::asio::make_work_guard(s.ioc);
    std::vector<std::thread> runners;
    runners.reserve(2);
    s.ioc.restart();
    for (int t = 0; t < 2; ++t) runners.emplace_back([&] { s.ioc.run_for(15s); });
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (done < 4 * per_thread && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    guard.reset();
    for (auto& t : runners) t.join();
    CHECK(done == 4 * per_thread);
    CHECK(failed == 0);
    CHECK(std::get<1>(s.increment("parallel")) == 4 * per_thread + 1);
}

TEST_CASE("redis store: round trip of one async_get (figure, not a check)", "[.bench]") {
    RedisServer server;
    Store s(server.url());
    CHECK_FALSE(s.put("k", std::string(600, 'x')));
    constexpr int n = 5000;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) REQUIRE_FALSE(std::get<0>(s.get("k")));
    const auto us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
    WARN("async_get round trip against a local redis-server: " << us / n << " us (mean of " << n << ")");
}
