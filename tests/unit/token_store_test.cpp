// Token stores (file, memory) and the store codec (cache key, AES-256-GCM entries, key rotation).
#include <sfconnect/file_token_store.hpp>
#include <sfconnect/detail/store_codec.hpp>

#include "catch.hpp"
#include "integration/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace token_store_test {

using namespace sfconnect;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

constexpr std::string_view key_a = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr std::string_view key_b = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

AccessToken sample_token() {
    AccessToken t;
    t.access_token = Secret("00Dxx0000000001!AQ.secret-token-value-for-tests");
    t.instance_url = "https://acme.my.salesforce.com";
    t.id = "https://login.salesforce.com/id/00Dxx0000000001/005xx0000000001";
    t.organization_id = "00Dxx0000000001";
    t.user_id = "005xx0000000001";
    t.token_type = "Bearer";
    t.issued_at_raw = "1700000000000";
    t.issued_at = std::chrono::system_clock::time_point(1700000000000ms);
    t.signature_verified = true;
    return t;
}

std::string slurp_dir(const std::filesystem::path& dir) {
    std::string all;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        std::ifstream f(e.path(), std::ios::binary);
        std::ostringstream s;
        s << f.rdbuf();
        all += s.str();
    }
    return all;
}

// Synchronous wrappers over one store, for tests.
struct sync_store {
    net::io_context& io;
    std::shared_ptr<TokenStore> s;

    template <class T, class Start>
    std::pair<error_code, T> call(Start start) {
        std::pair<error_code, T> out;
        bool done = false;
        start([&](error_code ec, T v) {
            out = {ec, std::move(v)};
            done = true;
        });
        io.restart();
        io.run();
        REQUIRE(done);
        return out;
    }
    std::pair<error_code, std::optional<std::string>> get(const std::string& k) {
        return call<std::optional<std::string>>([&](auto h) { s->async_get(k, std::move(h)); });
    }
    error_code put(const std::string& k, const std::string& v, std::chrono::milliseconds ttl = 60s) {
        error_code out;
        bool done = false;
        s->async_put(k, v, ttl, [&](error_code ec) {
            out = ec;
            done = true;
        });
        io.restart();
        io.run();
        REQUIRE(done);
        return out;
    }
    std::pair<error_code, bool> erase_if_equal(const std::string& k, const std::string& v) {
        return call<bool>([&](auto h) { s->async_erase_if_equal(k, v, std::move(h)); });
    }
    std::pair<error_code, bool> try_lock(const std::string& k, const std::string& owner) {
        return call<bool>([&](auto h) { s->async_try_lock(k, owner, 10s, std::move(h)); });
    }
    void unlock(const std::string& k, const std::string& owner) {
        bool done = false;
        s->async_unlock(k, owner, [&](error_code) { done = true; });
        io.restart();
        io.run();
        REQUIRE(done);
    }
    std::pair<error_code, std::int64_t> increment(const std::string& k) {
        return call<std::int64_t>([&](auto h) { s->async_increment(k, 3600s, std::move(h)); });
    }
};

void exercise_store(net::io_context& io, std::shared_ptr<TokenStore> store) {
    sync_store s{io, std::move(store)};
    CHECK(s.get("token-a").second == std::nullopt);
    CHECK_FALSE(s.put("token-a", "v1"));
    CHECK(s.get("token-a").second == std::optional<std::string>("v1"));
    // compare-and-delete drops only the expected value
    CHECK(s.erase_if_equal("token-a", "other").second == false);
    CHECK(s.get("token-a").second == std::optional<std::string>("v1"));
    CHECK(s.erase_if_equal("token-a", "v1").second == true);
    CHECK(s.get("token-a").second == std::nullopt);
    // TTL enforced on read
    CHECK_FALSE(s.put("token-b", "short", 30ms));
    std::this_thread::sleep_for(60ms);
    CHECK(s.get("token-b").second == std::nullopt);
    // one lock holder at a time; released by its owner only
    CHECK(s.try_lock("lock-a", "one").second == true);
    CHECK(s.try_lock("lock-a", "two").second == false);
    s.unlock("lock-a", "two");
    CHECK(s.try_lock("lock-a", "two").second == false);
    s.unlock("lock-a", "one");
    CHECK(s.try_lock("lock-a", "two").second == true);
    s.unlock("lock-a", "two");
    // the per-hour counter
    CHECK(s.increment("logins-a-1").second == 1);
    CHECK(s.increment("logins-a-1").second == 2);
    CHECK(s.increment("logins-a-2").second == 1);
}

}  // namespace

TEST_CASE("store codec: the cache key is a hash of host, consumer key, flow and subject only", "[store]") {
    const auto h = detail::store_cache_hash("acme.my.salesforce.com", "3MVG9key");
    CHECK(h.size() == 64);
    CHECK(h == detail::store_cache_hash("acme.my.salesforce.com", "3MVG9key", "client_credentials", ""));
    CHECK(h != detail::store_cache_hash("acme.my.salesforce.com", "3MVG9kez"));
    CHECK(h != detail::store_cache_hash("acme.my.salesforce.co", "m3MVG9key"));
    CHECK(h != detail::store_cache_hash("acme.my.salesforce.com", "3MVG9key", "jwt_bearer", "user@example.com"));
    CHECK(h.find("3MVG9key") == std::string::npos);
}

TEST_CASE("store codec: entries are sealed, authenticated and bound to their name and key", "[store]") {
    detail::store_codec codec;
    std::string why;
    REQUIRE(codec.set_key(key_a, why));
    CHECK(codec.key_id().size() == 16);
    const AccessToken t = sample_token();
    const std::string entry = codec.seal(t, 1234, "token-x");
    REQUIRE_FALSE(entry.empty());
    CHECK(entry.find("secret-token-value") == std::string::npos);
    CHECK(entry.find("acme") == std::string::npos);

    auto back = codec.open(entry, "token-x");
    REQUIRE(back);
    CHECK(back->token->access_token == t.access_token);
    CHECK(back->token->instance_url == t.instance_url);
    CHECK(back->token->organization_id == t.organization_id);
    CHECK(back->token->issued_at == t.issued_at);
    CHECK(back->token->signature_verified);
    CHECK(back->fetched_at_ms == 1234);

    SECTION("an entry under another name (copied) is refused") { CHECK_FALSE(codec.open(entry, "token-y")); }
    SECTION("any flipped character is refused") {
        for (std::size_t i = 5; i < entry.size(); i += 7) {
            std::string bad = entry;
            bad[i] = bad[i] == 'a' ? 'b' : 'a';
            CHECK_FALSE(codec.open(bad, "token-x"));
        }
        CHECK_FALSE(codec.open(entry.substr(0, entry.size() - 2), "token-x"));
        CHECK_FALSE(codec.open("", "token-x"));
        CHECK_FALSE(codec.open("sfc1.", "token-x"));
        CHECK_FALSE(codec.open("junk", "token-x"));
    }
    SECTION("a rotated key ignores entries of the old key") {
        detail::store_codec other;
        REQUIRE(other.set_key(key_b, why));
        CHECK(other.key_id() != codec.key_id());
        CHECK_FALSE(other.open(entry, "token-x"));
    }
    SECTION("plaintext entries are never trusted while a key is set") {
        detail::store_codec plain;
        const std::string p = plain.seal(t, 1, "token-x");
        CHECK(p.find("secret-token-value") != std::string::npos);  // the loud opt-in stores it in clear
        REQUIRE(plain.open(p, "token-x"));
        CHECK_FALSE(codec.open(p, "token-x"));
        CHECK_FALSE(plain.open(entry, "token-x"));
    }
}

TEST_CASE("store codec: a bad key is refused with a message that never shows it", "[store]") {
    detail::store_codec codec;
    std::string why;
    CHECK_FALSE(codec.set_key("abc", why));
    CHECK(why.find("64 hex digits") != std::string::npos);
    CHECK(why.find("abc") == std::string::npos);
    const std::string bad = "zz" + std::string(key_a.substr(2));
    CHECK_FALSE(codec.set_key(bad, why));
    CHECK(why.find("not a hex digit") != std::string::npos);
    CHECK(why.find(bad) == std::string::npos);
    CHECK(codec.set_key(std::string(key_a) + "\n", why));  // as `openssl rand -hex 32 > file` writes it
}

TEST_CASE("memory store: get, put with TTL, compare-and-delete, lock, counter", "[store]") {
    net::io_context io;
    exercise_store(io, make_memory_token_store(io.get_executor()));
}

TEST_CASE("file store: get, put with TTL, compare-and-delete, lock, counter", "[store]") {
    sfconnect::test::TempDir dir{"sfc-store"};
    net::io_context io;
    error_code ec;
    std::string message;
    auto store = make_token_store(io.get_executor(), "file:" + dir.path.string(), ec, message);
    REQUIRE_FALSE(ec);
    REQUIRE(store);
    CHECK(store->describe() == "file:" + dir.path.string());
    exercise_store(io, store);
    // every file is private to the user
    for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
        struct stat st {};
        REQUIRE(::stat(e.path().c_str(), &st) == 0);
        CHECK((st.st_mode & 077) == 0);
    }
}

TEST_CASE("file store: the lock is shared by two stores over one directory (two processes)", "[store]") {
    sfconnect::test::TempDir dir{"sfc-store"};
    net::io_context io;
    error_code ec;
    std::string message;
    sync_store a{io, make_file_token_store(io.get_executor(), dir.path.string(), ec, message)};
    sync_store b{io, make_file_token_store(io.get_executor(), dir.path.string(), ec, message)};
    CHECK(a.try_lock("lock-x", "a").second);
    CHECK_FALSE(b.try_lock("lock-x", "b").second);
    CHECK_FALSE(a.put("token-x", "value"));
    CHECK(b.get("token-x").second == std::optional<std::string>("value"));
    a.unlock("lock-x", "a");
    CHECK(b.try_lock("lock-x", "b").second);
    b.unlock("lock-x", "b");
}

TEST_CASE("file store: directories that are not safe are refused with a clear message", "[store]") {
    sfconnect::test::TempDir dir{"sfc-store"};
    net::io_context io;
    error_code ec;
    std::string message;

    SECTION("missing: created with mode 0700") {
        const auto sub = dir.path / "new";
        REQUIRE(make_file_token_store(io.get_executor(), sub.string(), ec, message));
        struct stat st {};
        REQUIRE(::stat(sub.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
    }
    SECTION("world-writable") {
        std::filesystem::permissions(dir.path, std::filesystem::perms::all);
        CHECK_FALSE(make_file_token_store(io.get_executor(), dir.path.string(), ec, message));
        CHECK(ec == store_errc::io_error);
        CHECK(message.find("writable by every user") != std::string::npos);
    }
    SECTION("a file, not a directory") {
        const auto f = dir.path / "file";
        std::ofstream(f) << "x";
        CHECK_FALSE(make_file_token_store(io.get_executor(), f.string(), ec, message));
        CHECK(ec == store_errc::invalid_url);
        CHECK(message.find("not a directory") != std::string::npos);
    }
    SECTION("unknown URLs") {
        CHECK_FALSE(make_token_store(io.get_executor(), "ftp://x", ec, message));
        CHECK(ec == store_errc::invalid_url);
        CHECK_FALSE(make_token_store(io.get_executor(), "redis://user:pw@host:1", ec, message));
        CHECK(message.find("pw") == std::string::npos);
        CHECK_FALSE(make_token_store(io.get_executor(), "memory:", ec, message));
        CHECK_FALSE(ec);
    }
}

TEST_CASE("file store: a sealed entry on disk holds neither the token nor the host in clear", "[store]") {
    sfconnect::test::TempDir dir{"sfc-store"};
    net::io_context io;
    error_code ec;
    std::string message;
    sync_store s{io, make_file_token_store(io.get_executor(), dir.path.string(), ec, message)};
    detail::store_codec codec;
    std::string why;
    REQUIRE(codec.set_key(key_a, why));
    const auto names = detail::store_names::for_hash(detail::store_cache_hash("acme.my.salesforce.com", "k"));
    CHECK_FALSE(s.put(names.entry, codec.seal(sample_token(), 1, names.entry)));
    const std::string disk = slurp_dir(dir.path);
    CHECK(disk.find("secret-token-value") == std::string::npos);
    CHECK(disk.find("acme") == std::string::npos);
    auto got = s.get(names.entry).second;
    REQUIRE(got);
    CHECK(codec.open(*got, names.entry));
}

}  // namespace token_store_test
