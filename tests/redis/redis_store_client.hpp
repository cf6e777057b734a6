// A Redis token store driven one operation at a time from a test (each run to completion on its own
// io_context, bounded so that a hang fails the test), and URLs with credentials for a test server.
#pragma once

#include <sfconnect/redis_token_store.hpp>

#include "catch.hpp"
#include "integration/support/redis_server.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace sfconnect::test {

/// One Redis store and its own io_context; each call runs one operation to completion.
struct Store {
    boost::asio::io_context ioc;
    std::shared_ptr<TokenStore> store;
    std::string message;

    explicit Store(const std::string& url, RedisStoreOptions options = {}) {
        error_code ec;
        store = make_redis_token_store(ioc.get_executor(), url, std::move(options), ec, message);
        INFO(message);
        REQUIRE_FALSE(ec);
        REQUIRE(store);
    }

    // Runs one operation to completion (bounded: a hang fails the test instead of blocking it).
    template <class... R, class Start>
    std::tuple<error_code, R...> call(Start start) {
        std::optional<std::tuple<error_code, R...>> out;
        start([&out](error_code ec, R... r) { out.emplace(ec, std::move(r)...); });
        ioc.restart();
        ioc.run_for(std::chrono::seconds(15));
        REQUIRE(out.has_value());
        return *out;
    }

    std::tuple<error_code, std::optional<std::string>> get(std::string key) {
        return call<std::optional<std::string>>([&](auto h) { store->async_get(std::move(key), std::move(h)); });
    }
    error_code put(std::string key, std::string value, std::chrono::milliseconds ttl = std::chrono::seconds(60)) {
        return std::get<0>(
            call([&](auto h) { store->async_put(std::move(key), std::move(value), ttl, std::move(h)); }));
    }
    std::tuple<error_code, bool> erase_if_equal(std::string key, std::string expected) {
        return call<bool>(
            [&](auto h) { store->async_erase_if_equal(std::move(key), std::move(expected), std::move(h)); });
    }
    std::tuple<error_code, bool> try_lock(std::string key, std::string owner,
                                          std::chrono::milliseconds ttl = std::chrono::seconds(10)) {
        return call<bool>([&](auto h) { store->async_try_lock(std::move(key), std::move(owner), ttl, std::move(h)); });
    }
    error_code unlock(std::string key, std::string owner) {
        return std::get<0>(call([&](auto h) { store->async_unlock(std::move(key), std::move(owner), std::move(h)); }));
    }
    std::tuple<error_code, std::int64_t> increment(std::string key,
                                                   std::chrono::milliseconds ttl = std::chrono::seconds(60)) {
        return call<std::int64_t>([&](auto h) { store->async_increment(std::move(key), ttl, std::move(h)); });
    }
    std::string last_error() const { return static_cast<const RedisTokenStore&>(*store).last_error(); }
};

inline std::string with_password(const RedisServer& server, std::string_view user, std::string_view pw,
                                 std::string_view path = "") {
    std::string url = server.url();
    url.insert(url.find("//") + 2, std::string(user) + ":" + std::string(pw) + "@");
    return url + std::string(path);
}

}  // namespace sfconnect::test
