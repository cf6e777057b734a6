// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_REDIS_PROTOCOL_HPP
#define SFCONNECT_DETAIL_SANSIO_REDIS_PROTOCOL_HPP

// The Redis token store's protocol, without sockets: the commands it sends (formatted by hiredis'
// redisFormatCommandArgv), the reply reader (hiredis' redisReader with our own object functions, so
// an array or an oversized reply is refused before anything is allocated for it) and what each
// reply means (an error_code of sfconnect::store_errc with a message, or the operation's value).
// The connection (detail/redis_connection.hpp) only moves bytes; every decision is here and unit-tested.

#include <sfconnect/token_store.hpp>
#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/redis_url.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfconnect::detail::redis {

/// The Lua compare-and-delete the store runs for async_erase_if_equal and async_unlock.
inline constexpr std::string_view compare_and_delete_script =
    "if redis.call('get',KEYS[1])==ARGV[1] then return redis.call('del',KEYS[1]) else return 0 end";
/// INCR and, when the counter is new, PEXPIRE, in one atomic step (a crash between the two can
/// never leave a counter without expiry).
inline constexpr std::string_view increment_script =
    "local v=redis.call('incr',KEYS[1]) if v==1 then redis.call('pexpire',KEYS[1],ARGV[1]) end return v";

/// The largest reply the store accepts (values are encrypted tokens of a few KiB).
inline constexpr std::size_t max_reply_bytes = 1024 * 1024;
/// How much of a server's error text goes into a message.
inline constexpr std::size_t max_server_error = 200;

/// Formats one command as RESP (binary-safe: every argument is a bulk string).
inline std::string format_command(std::initializer_list<std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (std::string_view a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    char* formatted = nullptr;
    const int n = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), argv.data(), lengths.data());
    if (n < 0 || formatted == nullptr) throw std::bad_alloc();
    std::string out(formatted, static_cast<std::size_t>(n));
    redisFreeCommand(formatted);
    return out;
}

inline std::string millis(std::chrono::milliseconds ttl) { return std::to_string(ttl.count() < 1 ? 1 : ttl.count()); }

inline std::string get_command(std::string_view key) { return format_command({"GET", key}); }
inline std::string put_command(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
    return format_command({"SET", key, value, "PX", millis(ttl)});
}
inline std::string compare_and_delete_command(std::string_view key, std::string_view expected) {
    return format_command({"EVAL", compare_and_delete_script, "1", key, expected});
}
inline std::string try_lock_command(std::string_view key, std::string_view owner, std::chrono::milliseconds ttl) {
    return format_command({"SET", key, owner, "NX", "PX", millis(ttl)});
}
inline std::string increment_command(std::string_view key, std::chrono::milliseconds ttl) {
    return format_command({"EVAL", increment_script, "1", key, millis(ttl)});
}

/// What a connection sends before its first command: AUTH (password, or ACL user and password)
/// when the URL has a password, SELECT when the database is not 0. `count` is the number of replies.
struct handshake {
    std::string wire;
    int count = 0;
    bool has_auth = false;
    bool has_select = false;
};

inline handshake make_handshake(const RedisUrl& url) {
    handshake h;
    if (!url.password.empty()) {
        h.wire += url.user.empty() ? format_command({"AUTH", url.password})
                                   : format_command({"AUTH", url.user, url.password});
        h.has_auth = true;
        ++h.count;
    }
    if (url.db != 0) {
        h.wire += format_command({"SELECT", std::to_string(url.db)});
        h.has_select = true;
        ++h.count;
    }
    return h;
}

/// One reply, as the store needs it (no command it sends returns an array).
struct reply {
    enum class kind { status, error, integer, nil, string };
    kind type = kind::nil;
    std::string text;          // status, error, string
    std::int64_t integer = 0;  // integer
};

namespace reader_detail {
// Set by the array hook: the reader reports an allocation failure, which next() turns into a clear message.
inline thread_local bool array_refused = false;

inline void* make_string(const redisReadTask* task, char* str, std::size_t len) {
    auto* r = new (std::nothrow) reply;
    if (r == nullptr) return nullptr;
    r->type = task->type == REDIS_REPLY_ERROR    ? reply::kind::error
              : task->type == REDIS_REPLY_STATUS ? reply::kind::status
                                                 : reply::kind::string;
    r->text.assign(str, len);
    return r;
}
inline void* make_integer(const redisReadTask*, long long value) {
    auto* r = new (std::nothrow) reply;
    if (r == nullptr) return nullptr;
    r->type = reply::kind::integer;
    r->integer = value;
    return r;
}
inline void* make_nil(const redisReadTask*) { return new (std::nothrow) reply; }
inline void free_reply(void* r) { delete static_cast<reply*>(r); }

// Designated, so that hiredis 1.x (which adds createDouble and createBool, and counts array elements
// in size_t) builds too; the array hook is generic for the same reason.
inline redisReplyObjectFunctions functions = {
    .createString = make_string,
    .createArray = [](const redisReadTask*, auto) -> void* {
        array_refused = true;
        return nullptr;
    },
    .createInteger = make_integer,
    .createNil = make_nil,
    .freeObject = free_reply,
};
}  // namespace reader_detail

/// hiredis' reply parser (redisReader) fed with the bytes a connection reads. Refuses arrays,
/// nesting and more than max_reply_bytes of unparsed input; after an error it stays failed until reset().
class reply_reader {
public:
    enum class result { reply, need_more, error };

    reply_reader() { reset(); }
    reply_reader(const reply_reader&) = delete;
    reply_reader& operator=(const reply_reader&) = delete;

    /// A fresh parser, for a new connection.
    void reset() {
        reader_.reset(redisReaderCreateWithFunctions(&reader_detail::functions));
        if (!reader_) throw std::bad_alloc();
        failed_ = false;
    }

    /// Adds bytes read from the server. Returns false (and fails the reader) when more than
    /// max_reply_bytes would wait unparsed.
    bool feed(std::string_view bytes, std::string& message) {
        if (failed_) return false;
        if (buffered() + bytes.size() > max_reply_bytes) {
            failed_ = true;
            message = "the Redis server sent a reply larger than " + std::to_string(max_reply_bytes / 1024) +
                      " KiB; sfconnect stores only small values (is this a Redis server?)";
            return false;
        }
        if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK) {
            failed_ = true;
            message = "the Redis reply parser failed: " + safe_text(reader_->errstr, 120);
            return false;
        }
        return true;
    }

    /// The next complete reply, if any.
    result next(reply& out, std::string& message) {
        if (failed_) return result::error;
        void* raw = nullptr;
        reader_detail::array_refused = false;
        const int rc = redisReaderGetReply(reader_.get(), &raw);
        if (rc != REDIS_OK) {
            failed_ = true;
            message = reader_detail::array_refused
                          ? std::string("the Redis server answered with an array where a single value was expected")
                          : "the Redis server's reply is not valid RESP: " + safe_text(reader_->errstr, 120) +
                                " (is this a Redis server, and TLS used on both sides or neither?)";
            return result::error;
        }
        if (raw == nullptr) return result::need_more;
        // hiredis 1.x, for a RESP3 double or boolean without a hook, returns the reply type number
        // itself as the object: never a pointer to dereference or free.
        if (reinterpret_cast<std::uintptr_t>(raw) < 4096) {
            failed_ = true;
            message = "the Redis server answered with a RESP3 value where a RESP2 reply was expected";
            return result::error;
        }
        std::unique_ptr<reply> r(static_cast<reply*>(raw));
        out = std::move(*r);
        return result::reply;
    }

    /// Bytes fed but not yet parsed.
    std::size_t buffered() const noexcept { return reader_->len - reader_->pos; }

private:
    struct deleter {
        void operator()(redisReader* r) const noexcept { redisReaderFree(r); }
    };
    std::unique_ptr<redisReader, deleter> reader_;
    bool failed_ = false;
};

/// The error code and message for a server error reply (RESP "-PREFIX text"). The password is
/// redacted from the server's text, which is untrusted and cut short.
inline error_code server_error(const reply& r, std::string_view command, std::string& message,
                               std::string_view password = {}) {
    const std::string_view text = r.text;
    const std::string_view prefix = text.substr(0, text.find(' '));
    const std::string shown = safe_text(text, max_server_error, {password});
    message = "Redis refused " + std::string(command) + ": " + shown;
    if (prefix == "NOAUTH" || prefix == "WRONGPASS" || prefix == "NOPERM") {
        message += prefix == "NOPERM" ? " (give the store's ACL user GET SET DEL EVAL INCR PEXPIRE on the key prefix)"
                                      : " (check the password, and the user name for an ACL user, in the store URL)";
        return store_errc::auth_failed;
    }
    if (prefix == "LOADING" || prefix == "READONLY" || prefix == "MASTERDOWN" || prefix == "BUSY" || prefix == "OOM" ||
        prefix == "TRYAGAIN" || prefix == "CLUSTERDOWN" || prefix == "MISCONF") {
        return store_errc::unavailable;
    }
    if (prefix == "MOVED" || prefix == "ASK") message += " (Redis Cluster is not supported: use a single primary)";
    return store_errc::protocol_error;
}

inline error_code unexpected(std::string_view command, std::string_view expected, std::string& message) {
    message = "the Redis server answered " + std::string(command) + " with something other than " +
              std::string(expected) + " (is this a Redis server?)";
    return store_errc::protocol_error;
}

/// Checks the reply to AUTH: OK, or auth_failed with the server's reason (any error reply to AUTH
/// is a credentials problem, including "AUTH called without any password configured").
inline error_code check_auth(const reply& r, const RedisUrl& url, std::string& message) {
    if (r.type == reply::kind::status && r.text == "OK") return {};
    if (r.type != reply::kind::error) return unexpected("AUTH", "OK", message);
    message = url.user.empty() ? "Redis refused the password (AUTH): "
                               : "Redis refused the ACL user and password (AUTH): ";
    message += safe_text(r.text, max_server_error, {url.password});
    message += url.user.empty()
                   ? " (check the password in the store URL, or give an ACL user as redis://user:password@host)"
                   : " (check the user name and the password in the store URL)";
    return store_errc::auth_failed;
}

/// Checks the reply to SELECT: a refused database number is a URL mistake.
inline error_code check_select(const reply& r, const RedisUrl& url, std::string& message) {
    if (r.type == reply::kind::status && r.text == "OK") return {};
    if (r.type != reply::kind::error) return unexpected("SELECT", "OK", message);
    const error_code ec = server_error(r, "database " + std::to_string(url.db) + " (SELECT)", message, url.password);
    if (ec != store_errc::protocol_error) return ec;
    message += " (the URL's /N must be below the server's `databases` setting, 16 by default)";
    return store_errc::invalid_url;
}

/// GET: a string, or nil when the key is absent or expired.
inline error_code read_get(const reply& r, std::optional<std::string>& value, std::string& message) {
    if (r.type == reply::kind::string) {
        value = r.text;
        return {};
    }
    if (r.type == reply::kind::nil) {
        value.reset();
        return {};
    }
    if (r.type == reply::kind::error) return server_error(r, "GET", message);
    return unexpected("GET", "a string or nil", message);
}

/// SET ... PX: OK.
inline error_code read_put(const reply& r, std::string& message) {
    if (r.type == reply::kind::status && r.text == "OK") return {};
    if (r.type == reply::kind::error) return server_error(r, "SET", message);
    return unexpected("SET", "OK", message);
}

/// SET ... NX PX: OK when taken, nil when another owner holds the lock.
inline error_code read_try_lock(const reply& r, bool& taken, std::string& message) {
    taken = r.type == reply::kind::status && r.text == "OK";
    if (taken || r.type == reply::kind::nil) return {};
    if (r.type == reply::kind::error) return server_error(r, "SET NX", message);
    return unexpected("SET NX", "OK or nil", message);
}

/// The compare-and-delete script: 1 when deleted, 0 when the key held something else or nothing.
inline error_code read_compare_and_delete(const reply& r, bool& deleted, std::string& message) {
    if (r.type == reply::kind::integer && (r.integer == 0 || r.integer == 1)) {
        deleted = r.integer == 1;
        return {};
    }
    if (r.type == reply::kind::error) return server_error(r, "EVAL (compare-and-delete)", message);
    return unexpected("EVAL (compare-and-delete)", "0 or 1", message);
}

/// The increment script: the counter's new value, at least 1.
inline error_code read_increment(const reply& r, std::int64_t& value, std::string& message) {
    if (r.type == reply::kind::integer && r.integer >= 1) {
        value = r.integer;
        return {};
    }
    if (r.type == reply::kind::error) return server_error(r, "EVAL (INCR)", message);
    return unexpected("EVAL (INCR)", "a positive integer", message);
}

}  // namespace sfconnect::detail::redis

#endif
