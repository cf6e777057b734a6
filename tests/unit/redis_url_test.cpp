// The Redis store URL (detail/redis_url.hpp): what is accepted, what each mistake says, and that
// the password never shows in a message or in describe(). Pure: no hiredis, no sockets.
#include <sfconnect/detail/percent_encode.hpp>
#include <sfconnect/detail/redis_url.hpp>

#include "catch.hpp"

#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace redis_url_test {

using sfconnect::detail::parse_redis_url;
using sfconnect::detail::RedisUrl;

namespace {
RedisUrl parse_ok(const std::string& url) {
    RedisUrl out;
    std::string message;
    INFO("url: " << url);
    REQUIRE(parse_redis_url(url, out, message));
    CHECK(message.empty());
    return out;
}

std::string parse_error(const std::string& url) {
    RedisUrl out;
    std::string message;
    INFO("url: " << url);
    REQUIRE_FALSE(parse_redis_url(url, out, message));
    REQUIRE_FALSE(message.empty());
    return message;
}
}  // namespace

TEST_CASE("redis URL: host, port, database and defaults") {
    const RedisUrl a = parse_ok("redis://127.0.0.1:6380/3");
    CHECK_FALSE(a.tls);
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == "6380");
    CHECK(a.db == 3);
    CHECK(a.user.empty());
    CHECK(a.password.empty());
    CHECK(a.describe() == "redis://127.0.0.1:6380/3");

    const RedisUrl b = parse_ok("redis://cache.internal");
    CHECK(b.port == "6379");
    CHECK(b.db == 0);
    CHECK(b.describe() == "redis://cache.internal:6379/0");
    CHECK(parse_ok("redis://h:1/").db == 0);

    const RedisUrl c = parse_ok("REDISS://[::1]:6390/15");
    CHECK(c.tls);
    CHECK(c.host == "::1");
    CHECK(c.describe() == "rediss://[::1]:6390/15");
}

TEST_CASE("redis URL: password and ACL user, percent-decoded, never described") {
    const RedisUrl a = parse_ok("redis://:s3cr%40t%2Fpw@h:6379/1");
    CHECK(a.user.empty());
    CHECK(a.password == "s3cr@t/pw");
    CHECK(a.describe() == "redis://:[redacted]@h:6379/1");

    const RedisUrl b = parse_ok("rediss://sf%20app:p%3Aw@h:7000");
    CHECK(b.user == "sf app");
    CHECK(b.password == "p:w");
    CHECK(b.describe().find("p:w") == std::string::npos);
    CHECK(b.describe() == "rediss://sf app:[redacted]@h:7000/0");

    // The last '@' ends the user information: an unescaped '@', '/' or '?' in a password still works.
    const RedisUrl c = parse_ok("redis://u:a@b/c?d@h:1/2");
    CHECK(c.password == "a@b/c?d");
    CHECK(c.host == "h");
    CHECK(c.db == 2);
}

TEST_CASE("redis URL: each mistake names the part and the fix, never the password") {
    CHECK(parse_error("").find("empty") != std::string::npos);
    CHECK(parse_error("http://h:6379").find("redis://") != std::string::npos);
    CHECK(parse_error("redis:/h").find("does not start") != std::string::npos);
    CHECK(parse_error("redis://").find("no host") != std::string::npos);
    CHECK(parse_error("redis:///0").find("no host") != std::string::npos);
    CHECK(parse_error("redis://h:0").find("port") != std::string::npos);
    CHECK(parse_error("redis://h:65536").find("port") != std::string::npos);
    CHECK(parse_error("redis://h:x").find("port") != std::string::npos);
    CHECK(parse_error("redis://h:1:2").find("':'") != std::string::npos);
    CHECK(parse_error("redis://h:1/db1").find("database number") != std::string::npos);
    CHECK(parse_error("redis://h:1/-1").find("database number") != std::string::npos);
    CHECK(parse_error("redis://h:1/99999999999999999999").find("database") != std::string::npos);
    CHECK(parse_error("redis://h:1/0?ssl=true").find("query") != std::string::npos);
    CHECK(parse_error("redis://h:1#x").find("query or fragment") != std::string::npos);
    CHECK(parse_error("redis://h st:1").find("host") != std::string::npos);

    const std::string no_colon = parse_error("redis://hunter2secret@h:1");
    CHECK(no_colon.find("no password") != std::string::npos);
    CHECK(no_colon.find("hunter2secret") == std::string::npos);

    const std::string bad_escape = parse_error("redis://:hunter2%zz@h:1");
    CHECK(bad_escape.find("%25") != std::string::npos);
    CHECK(bad_escape.find("hunter2") == std::string::npos);

    CHECK(parse_error("redis://u:@h:1").find("empty password") != std::string::npos);
    CHECK(parse_error("redis://u%0D%0A:pw@h:1").find("line break") != std::string::npos);

    // A malformed host after a password: the message names the host part, not the password.
    const std::string bad_host = parse_error("redis://:hunter2@h h:1");
    CHECK(bad_host.find("hunter2") == std::string::npos);
}

TEST_CASE("percent_decode") {
    std::string out;
    CHECK(sfconnect::detail::percent_decode("a%41%2f%2F+b", out));
    CHECK(out == "aA//+b");
    CHECK_FALSE(sfconnect::detail::percent_decode("%4", out));
    CHECK_FALSE(sfconnect::detail::percent_decode("%", out));
    CHECK_FALSE(sfconnect::detail::percent_decode("%g0", out));
}

}  // namespace redis_url_test
