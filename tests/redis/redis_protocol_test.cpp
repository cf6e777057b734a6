// The Redis store's protocol layer without sockets (detail/sansio/redis_protocol.hpp): the exact
// bytes of each command, the handshake, the reply reader over split and hostile input, and what each
// reply means, including that no message repeats the password.
#include <sfconnect/detail/sansio/redis_protocol.hpp>

#include "catch.hpp"

#include <string>

using namespace sfconnect;
namespace redis = sfconnect::detail::redis;
using redis::reply;
using redis::reply_reader;

namespace {
reply parse_one(std::string_view bytes) {
    reply_reader reader;
    std::string message;
    REQUIRE(reader.feed(bytes, message));
    reply r;
    REQUIRE(reader.next(r, message) == reply_reader::result::reply);
    return r;
}

std::string parse_failure(std::string_view bytes) {
    reply_reader reader;
    std::string message;
    reply r;
    if (!reader.feed(bytes, message)) return message;
    REQUIRE(reader.next(r, message) == reply_reader::result::error);
    REQUIRE_FALSE(message.empty());
    return message;
}

reply error_reply(std::string text) {
    reply r;
    r.type = reply::kind::error;
    r.text = std::move(text);
    return r;
}
}  // namespace

TEST_CASE("redis protocol: commands are binary-safe RESP arrays of bulk strings") {
    using namespace std::chrono_literals;
    CHECK(redis::get_command("sfconnect:k") == "*2\r\n$3\r\nGET\r\n$11\r\nsfconnect:k\r\n");
    using namespace std::string_literals;
    CHECK(redis::put_command("k", "v\r\n\0x"s, 1500ms) ==
          "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\n\0x\r\n$2\r\nPX\r\n$4\r\n1500\r\n"s);
    CHECK(redis::try_lock_command("l", "owner", 0ms) ==
          "*6\r\n$3\r\nSET\r\n$1\r\nl\r\n$5\r\nowner\r\n$2\r\nNX\r\n$2\r\nPX\r\n$1\r\n1\r\n");  // at least 1 ms
    const std::string cad = redis::compare_and_delete_command("k", "v");
    CHECK(cad.find(std::string(redis::compare_and_delete_script)) != std::string::npos);
    CHECK(cad.rfind("$1\r\n1\r\n$1\r\nk\r\n$1\r\nv\r\n") == cad.size() - 21);
    CHECK(redis::increment_command("c", 3600000ms).find("$7\r\n3600000\r\n") != std::string::npos);
}

TEST_CASE("redis protocol: the handshake is AUTH and SELECT only when needed") {
    detail::RedisUrl url;
    CHECK(redis::make_handshake(url).count == 0);
    CHECK(redis::make_handshake(url).wire.empty());

    url.password = "pw";
    auto h = redis::make_handshake(url);
    CHECK(h.count == 1);
    CHECK(h.has_auth);
    CHECK(h.wire == "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n");

    url.user = "app";
    url.db = 3;
    h = redis::make_handshake(url);
    CHECK(h.count == 2);
    CHECK(h.has_select);
    CHECK(h.wire == "*3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$2\r\npw\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n");
}

TEST_CASE("redis protocol: replies, whole and split at every byte") {
    CHECK(parse_one("+OK\r\n").type == reply::kind::status);
    CHECK(parse_one("+OK\r\n").text == "OK");
    CHECK(parse_one("$-1\r\n").type == reply::kind::nil);
    CHECK(parse_one(":42\r\n").integer == 42);
    CHECK(parse_one("-ERR no\r\n").text == "ERR no");
    const reply s = parse_one(std::string("$5\r\na\0\r\nb\r\n", 11));
    CHECK(s.type == reply::kind::string);
    CHECK(s.text == std::string("a\0\r\nb", 5));

    const std::string two = "$3\r\nabc\r\n:7\r\n";
    for (std::size_t cut = 0; cut <= two.size(); ++cut) {
        reply_reader reader;
        std::string message;
        reply r;
        REQUIRE(reader.feed(std::string_view(two).substr(0, cut), message));
        const auto first = reader.next(r, message);
        REQUIRE(reader.feed(std::string_view(two).substr(cut), message));
        if (first == reply_reader::result::need_more) REQUIRE(reader.next(r, message) == reply_reader::result::reply);
        CHECK(r.text == "abc");
        REQUIRE(reader.next(r, message) == reply_reader::result::reply);
        CHECK(r.integer == 7);
        CHECK(reader.next(r, message) == reply_reader::result::need_more);
    }
}

TEST_CASE("redis protocol: hostile replies fail cleanly") {
    CHECK(parse_failure("!garbage\r\n").find("not valid RESP") != std::string::npos);
    CHECK(parse_failure("HTTP/1.1 400 Bad Request\r\n").find("not valid RESP") != std::string::npos);
    CHECK(parse_failure("*2\r\n$1\r\na\r\n$1\r\nb\r\n").find("array") != std::string::npos);
    const std::string huge = parse_failure("*99999999999999\r\n");  // hiredis refuses the count itself
    CHECK((huge.find("array") != std::string::npos || huge.find("out of range") != std::string::npos));
    CHECK(parse_failure(":12x\r\n").find("RESP") != std::string::npos);
    CHECK(parse_failure(std::string(redis::max_reply_bytes + 1, '$')).find("larger than") != std::string::npos);

    // A failed reader stays failed until reset.
    reply_reader reader;
    std::string message;
    reply r;
    REQUIRE(reader.feed("?\r\n", message));
    CHECK(reader.next(r, message) == reply_reader::result::error);
    CHECK_FALSE(reader.feed("+OK\r\n", message));
    reader.reset();
    REQUIRE(reader.feed("+OK\r\n", message));
    CHECK(reader.next(r, message) == reply_reader::result::reply);
}

TEST_CASE("redis protocol: what each reply means") {
    std::string message;
    std::optional<std::string> value;
    CHECK_FALSE(redis::read_get(parse_one("$1\r\nv\r\n"), value, message));
    CHECK(value == "v");
    CHECK_FALSE(redis::read_get(parse_one("$-1\r\n"), value, message));
    CHECK_FALSE(value.has_value());
    CHECK(redis::read_get(parse_one(":1\r\n"), value, message) == store_errc::protocol_error);
    CHECK(redis::read_get(error_reply("WRONGTYPE Operation against a key"), value, message) ==
          store_errc::protocol_error);
    CHECK(redis::read_get(error_reply("NOPERM this user has no permissions"), value, message) ==
          store_errc::auth_failed);
    CHECK(message.find("GET SET DEL EVAL INCR PEXPIRE") != std::string::npos);
    CHECK(redis::read_get(error_reply("LOADING Redis is loading"), value, message) == store_errc::unavailable);
    CHECK(redis::read_get(error_reply("MOVED 3999 127.0.0.1:6381"), value, message) == store_errc::protocol_error);
    CHECK(message.find("Cluster") != std::string::npos);

    CHECK_FALSE(redis::read_put(parse_one("+OK\r\n"), message));
    CHECK(redis::read_put(parse_one("$-1\r\n"), message) == store_errc::protocol_error);

    bool flag = false;
    CHECK_FALSE(redis::read_try_lock(parse_one("+OK\r\n"), flag, message));
    CHECK(flag);
    CHECK_FALSE(redis::read_try_lock(parse_one("$-1\r\n"), flag, message));
    CHECK_FALSE(flag);
    CHECK_FALSE(redis::read_compare_and_delete(parse_one(":1\r\n"), flag, message));
    CHECK(flag);
    CHECK_FALSE(redis::read_compare_and_delete(parse_one(":0\r\n"), flag, message));
    CHECK_FALSE(flag);
    CHECK(redis::read_compare_and_delete(parse_one(":2\r\n"), flag, message) == store_errc::protocol_error);

    std::int64_t n = 0;
    CHECK_FALSE(redis::read_increment(parse_one(":3\r\n"), n, message));
    CHECK(n == 3);
    CHECK(redis::read_increment(parse_one(":0\r\n"), n, message) == store_errc::protocol_error);
}

TEST_CASE("redis protocol: AUTH and SELECT failures, without the password") {
    detail::RedisUrl url;
    url.password = "hunter2-very-secret";
    std::string message;
    CHECK_FALSE(redis::check_auth(parse_one("+OK\r\n"), url, message));
    CHECK(redis::check_auth(error_reply("WRONGPASS invalid username-password pair or user is disabled."), url,
                            message) == store_errc::auth_failed);
    CHECK(message.find("WRONGPASS") != std::string::npos);
    CHECK(message.find("check the password") != std::string::npos);
    CHECK(message.find("hunter2") == std::string::npos);
    // A server that echoes the password does not get it into the message.
    CHECK(redis::check_auth(error_reply("ERR bad password hunter2-very-secret"), url, message) ==
          store_errc::auth_failed);
    CHECK(message.find("hunter2-very-secret") == std::string::npos);

    url.db = 40;
    CHECK(redis::check_select(error_reply("ERR DB index is out of range"), url, message) == store_errc::invalid_url);
    CHECK(message.find("database 40") != std::string::npos);
    CHECK(message.find("databases") != std::string::npos);
}
