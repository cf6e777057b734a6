// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: the Redis store URL parser (detail/redis_url.hpp) on arbitrary input. A password
// planted in the user information never shows in a message or in describe(); an accepted URL's
// description parses again to the same host, port, database and scheme.
#include <sfconnect/detail/redis_url.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using sfconnect::detail::parse_redis_url;
using sfconnect::detail::RedisUrl;
using sfconnect::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (sfconnect::fuzz::contains(input, sfconnect::fuzz::planted_secret)) return 0;  // the secret would show as a host
    // Once as given, once with the planted secret as the password.
    for (const std::string& url :
         {std::string(input), "redis://u:" + std::string(sfconnect::fuzz::planted_secret) + "@" + std::string(input)}) {
        RedisUrl out;
        std::string message;
        if (!parse_redis_url(url, out, message)) {
            check(!message.empty(), "a rejected Redis URL without a message", url);
            check(!sfconnect::fuzz::contains(message, sfconnect::fuzz::planted_secret), "the password is in a message",
                  message);
            continue;
        }
        check(message.empty(), "an accepted Redis URL with a message", message);
        check(!out.host.empty() && !out.port.empty(), "an accepted Redis URL without host or port", url);
        const std::string described = out.describe();
        check(!sfconnect::fuzz::contains(described, sfconnect::fuzz::planted_secret), "the password is described",
              described);
        if (out.password.empty()) {  // without user information the description is itself a URL
            RedisUrl again;
            check(parse_redis_url(described, again, message), "describe() of an accepted URL is rejected", described);
            check(again.host == out.host && again.port == out.port && again.db == out.db && again.tls == out.tls,
                  "describe() parses to another endpoint", described);
        }
    }
    return 0;
}
