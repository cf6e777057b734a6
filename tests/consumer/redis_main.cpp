// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// An outside program using the optional component sfconnect::redis (find_package(sfconnect
// COMPONENTS redis)): the component must bring hiredis and SFCONNECT_WITH_REDIS=1. It creates a
// Redis token store and runs one operation against a closed port on 127.0.0.1, which must fail
// cleanly with store_errc::unavailable (no redis-server needed).
#include <sfconnect/redis_token_store.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>

#if !defined(SFCONNECT_WITH_REDIS) || SFCONNECT_WITH_REDIS != 1
#error "sfconnect::redis must define SFCONNECT_WITH_REDIS=1"
#endif

int main() {
    boost::asio::io_context ioc;
    sfconnect::error_code ec;
    std::string message;
    sfconnect::RedisStoreOptions options;
    options.timeout = std::chrono::milliseconds(1000);
    auto store = sfconnect::make_redis_token_store(ioc.get_executor(), "redis://127.0.0.1:1/0", options, ec, message);
    if (!store) {
        std::cerr << "make_redis_token_store: " << message << "\n";
        return EXIT_FAILURE;
    }
    sfconnect::error_code result;
    store->async_get("k", [&](sfconnect::error_code e, std::optional<std::string>) { result = e; });
    ioc.run();
    if (result != sfconnect::store_errc::unavailable) {
        std::cerr << "expected unavailable, got: " << result.message() << "\n";
        return EXIT_FAILURE;
    }
    std::cout << "redis component: " << store->describe() << " -> " << result.message() << "\n";
    return EXIT_SUCCESS;
}
