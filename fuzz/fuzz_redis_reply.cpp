// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: the Redis store's reply reader (hiredis' redisReader with sfconnect's object
// hooks, detail/sansio/redis_protocol.hpp) and the reply checks, on bytes a hostile server could send,
// fed in pieces whose sizes come from the input. Nothing may crash, leak or accept an array; every
// failure has a message; a password never shows in an AUTH or SELECT message. Needs hiredis.
#include <sfconnect/detail/sansio/redis_protocol.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using sfconnect::fuzz::check;
namespace redis = sfconnect::detail::redis;

namespace {
void check_reply(const redis::reply& r) {
    std::string message;
    std::optional<std::string> value;
    bool flag = false;
    std::int64_t n = 0;
    for (const auto ec :
         {redis::read_get(r, value, message), redis::read_put(r, message), redis::read_try_lock(r, flag, message),
          redis::read_compare_and_delete(r, flag, message), redis::read_increment(r, n, message)}) {
        check(!ec || !message.empty(), "a failed reply check without a message");
    }
    sfconnect::detail::RedisUrl url;
    url.password = std::string(sfconnect::fuzz::planted_secret);
    url.db = 3;
    message.clear();
    if (redis::check_auth(r, url, message) || redis::check_select(r, url, message)) {
        check(!sfconnect::fuzz::contains(message, sfconnect::fuzz::planted_secret), "the password is in a message",
              message);
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    // The first byte chooses the piece size (1 to 256 bytes).
    const std::size_t piece = input.empty() ? 1 : static_cast<std::size_t>(static_cast<unsigned char>(input[0])) + 1;
    if (!input.empty()) input.remove_prefix(1);
    redis::reply_reader reader;
    std::string message;
    while (!input.empty()) {
        const std::string_view chunk = input.substr(0, piece);
        input.remove_prefix(chunk.size());
        if (!reader.feed(chunk, message)) {
            check(!message.empty(), "a refused feed without a message");
            return 0;
        }
        for (;;) {
            redis::reply r;
            const auto result = reader.next(r, message);
            if (result == redis::reply_reader::result::need_more) break;
            if (result == redis::reply_reader::result::error) {
                check(!message.empty(), "a reader error without a message");
                return 0;
            }
            check_reply(r);
        }
    }
    return 0;
}
