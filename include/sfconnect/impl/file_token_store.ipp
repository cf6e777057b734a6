// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_FILE_TOKEN_STORE_IPP
#define SFCONNECT_IMPL_FILE_TOKEN_STORE_IPP

#include <sfconnect/file_token_store.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

namespace sfconnect {
namespace detail {

inline std::int64_t store_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// An open file descriptor, closed on destruction.
class unique_fd {
public:
    explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        reset();
        fd_ = std::exchange(o.fd_, -1);
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }
    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    void reset() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

// One file per key under a directory. Every operation runs synchronously on the initiating thread
// (local files: microseconds; the fsync of a write is the slowest part) and completes through a post.
class file_token_store final : public TokenStore, public std::enable_shared_from_this<file_token_store> {
public:
    file_token_store(boost::asio::any_io_executor ex, std::string dir) : ex_(std::move(ex)), dir_(std::move(dir)) {}

    std::string describe() const override { return "file:" + dir_; }

    void async_get(std::string key, get_handler handler) override {
        error_code ec;
        std::optional<std::string> value;
        if (valid_name(key, ec)) value = read_entry(path(key), ec);
        finish(std::move(handler), ec, std::move(value));
    }

    void async_put(std::string key, std::string value, std::chrono::milliseconds ttl, done_handler handler) override {
        error_code ec;
        if (valid_name(key, ec)) write_entry(key, value, ttl, ec);
        wipe(value);
        finish(std::move(handler), ec);
    }

    void async_erase_if_equal(std::string key, std::string expected, bool_handler handler) override {
        error_code ec;
        bool erased = false;
        if (valid_name(key, ec)) {
            unique_fd guard = lock_guard_file(key, ec);
            if (!ec) {
                auto current = read_entry(path(key), ec);
                if (!ec && current && *current == expected) {
                    erased = ::unlink(path(key).c_str()) == 0;
                    if (!erased && errno != ENOENT) ec = errno_code();
                }
                if (current) wipe(*current);
            }
        }
        finish(std::move(handler), ec, erased);
    }

    void async_try_lock(std::string key, std::string owner, std::chrono::milliseconds, bool_handler handler) override {
        error_code ec;
        bool taken = false;
        if (valid_name(key, ec)) {
            unique_fd fd(::open(path(key + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
            const bool locked = fd && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0;
            if (locked) {
                taken = true;
                std::lock_guard lock(mutex_);
                locks_[key + '\n' + owner] = std::move(fd);
            } else if (!fd || errno != EWOULDBLOCK) {
                ec = errno_code();  // EWOULDBLOCK: another process holds it, not an error
            }
        }
        finish(std::move(handler), ec, taken);
    }

    void async_unlock(std::string key, std::string owner, done_handler handler) override {
        unique_fd fd;
        {
            std::lock_guard lock(mutex_);
            auto it = locks_.find(key + '\n' + owner);
            if (it != locks_.end()) {
                fd = std::move(it->second);
                locks_.erase(it);
            }
        }
        if (fd) ::flock(fd.get(), LOCK_UN);
        finish(std::move(handler), error_code{});
    }

    void async_increment(std::string key, std::chrono::milliseconds ttl, count_handler handler) override {
        error_code ec;
        std::int64_t value = 0;
        if (valid_name(key, ec)) {
            unique_fd guard = lock_guard_file(key, ec);
            if (!ec) {
                std::int64_t expires = 0;
                auto current = read_entry(path(key), ec, &expires);
                if (!ec && current) value = std::strtoll(current->c_str(), nullptr, 10);
                ++value;
                if (!ec) {
                    const auto left = current ? std::chrono::milliseconds(expires - store_now_ms()) : ttl;
                    write_file(key, std::to_string(value), left, false, ec);
                }
            }
        }
        finish(std::move(handler), ec, value);
    }

private:
    template <class Handler, class... Args>
    void finish(Handler&& h, Args&&... args) {
        boost::asio::post(ex_, boost::asio::append(std::forward<Handler>(h), std::forward<Args>(args)...));
    }

    static error_code errno_code() {
        return errno == ENOENT || errno == ENOTDIR ? make_error_code(store_errc::unavailable)
                                                   : make_error_code(store_errc::io_error);
    }

    // Keys are the client's own names; anything that could leave the directory is refused.
    static bool valid_name(const std::string& key, error_code& ec) {
        bool ok = !key.empty() && key.size() <= 200 && key.front() != '.';
        for (char c : key) ok = ok && (is_alnum(c) || c == '-' || c == '_' || c == '.');
        if (!ok) ec = store_errc::invalid_url;
        return ok;
    }

    std::string path(const std::string& name) const { return dir_ + "/" + name; }

    // "<expiry in ms since the epoch>\n<value>"; nullopt when absent or expired.
    static std::optional<std::string> read_entry(const std::string& file, error_code& ec,
                                                 std::int64_t* expires_out = nullptr) {
        unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) {
            if (errno != ENOENT) ec = make_error_code(store_errc::io_error);
            return std::nullopt;
        }
        std::string text;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                ec = store_errc::io_error;
                wipe(text);
                return std::nullopt;
            }
            if (n == 0) break;
            text.append(buf, static_cast<std::size_t>(n));
            if (text.size() > 1024 * 1024) break;  // not ours
        }
        secure_wipe(buf, sizeof buf);
        const auto nl = text.find('\n');
        const std::int64_t expires = nl == std::string::npos ? 0 : std::strtoll(text.c_str(), nullptr, 10);
        if (nl == std::string::npos || expires <= store_now_ms()) {
            wipe(text);
            return std::nullopt;
        }
        if (expires_out) *expires_out = expires;
        std::string value = text.substr(nl + 1);
        wipe(text);
        return value;
    }

    void write_entry(const std::string& key, const std::string& value, std::chrono::milliseconds ttl, error_code& ec) {
        write_file(key, value, ttl, true, ec);
    }

    // Writes a temporary file (0600), syncs it, then renames it over `key` under the key's guard so
    // that a compare-and-delete never removes a value written after its comparison.
    void write_file(const std::string& key, const std::string& value, std::chrono::milliseconds ttl, bool guarded,
                    error_code& ec) {
        const std::string tmp = path("." + key + ".tmp." + std::to_string(::getpid()) + "." + random_suffix());
        std::string text = std::to_string(store_now_ms() + std::max<std::int64_t>(ttl.count(), 1)) + "\n" + value;
        {
            unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
            if (!fd) {
                ec = errno_code();
                wipe(text);
                return;
            }
            const bool ok = write_all(fd.get(), text) && ::fsync(fd.get()) == 0;
            wipe(text);
            if (!ok) {
                ec = store_errc::io_error;
                ::unlink(tmp.c_str());
                return;
            }
        }
        unique_fd guard;
        if (guarded) guard = lock_guard_file(key, ec);
        if (!ec && ::rename(tmp.c_str(), path(key).c_str()) != 0) ec = errno_code();
        if (ec) ::unlink(tmp.c_str());
    }

    static bool write_all(int fd, std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::write(fd, data.data(), data.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // The key's guard: a short exclusive flock around read-compare-write sequences, polled with
    // LOCK_NB (holders keep it for microseconds; a stuck holder makes this a timeout, not a hang).
    unique_fd lock_guard_file(const std::string& key, error_code& ec) const {
        unique_fd fd(::open(path("." + key + ".guard").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!fd) {
            ec = errno_code();
            return fd;
        }
        for (int i = 0; i < 2000; ++i) {
            if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return fd;
            if (errno != EWOULDBLOCK && errno != EINTR) break;
            std::this_thread::sleep_for(std::chrono::microseconds(250));
        }
        ec = store_errc::timeout;
        return unique_fd{};
    }

    static std::string random_suffix() {
        thread_local std::mt19937_64 rng{std::random_device{}()};
        return std::to_string(rng());
    }

    boost::asio::any_io_executor ex_;
    std::string dir_;
    std::mutex mutex_;
    std::map<std::string, unique_fd> locks_;  // "key\nowner" -> the flocked lock file
};

// Clients of one process sharing entries: a map under a mutex, expiring on read.
class memory_token_store final : public TokenStore {
public:
    explicit memory_token_store(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

    std::string describe() const override { return "memory:"; }

    void async_get(std::string key, get_handler handler) override {
        std::optional<std::string> out;
        {
            std::lock_guard lock(mutex_);
            if (auto* e = live(key)) out = e->value;
        }
        finish(std::move(handler), error_code{}, std::move(out));
    }
    void async_put(std::string key, std::string value, std::chrono::milliseconds ttl, done_handler handler) override {
        {
            std::lock_guard lock(mutex_);
            entries_[key] = entry{std::move(value), clock::now() + ttl};
        }
        finish(std::move(handler), error_code{});
    }
    void async_erase_if_equal(std::string key, std::string expected, bool_handler handler) override {
        bool erased = false;
        {
            std::lock_guard lock(mutex_);
            if (auto* e = live(key); e && e->value == expected) erased = entries_.erase(key) == 1;
        }
        finish(std::move(handler), error_code{}, erased);
    }
    void async_try_lock(std::string key, std::string owner, std::chrono::milliseconds ttl,
                        bool_handler handler) override {
        bool taken = false;
        {
            std::lock_guard lock(mutex_);
            if (!live(key)) {
                entries_[key] = entry{std::move(owner), clock::now() + ttl};
                taken = true;
            }
        }
        finish(std::move(handler), error_code{}, taken);
    }
    void async_unlock(std::string key, std::string owner, done_handler handler) override {
        {
            std::lock_guard lock(mutex_);
            if (auto* e = live(key); e && e->value == owner) entries_.erase(key);
        }
        finish(std::move(handler), error_code{});
    }
    void async_increment(std::string key, std::chrono::milliseconds ttl, count_handler handler) override {
        std::int64_t value = 0;
        {
            std::lock_guard lock(mutex_);
            entry* e = live(key);
            if (!e) e = &(entries_[key] = entry{"0", clock::now() + ttl});
            value = std::strtoll(e->value.c_str(), nullptr, 10) + 1;
            e->value = std::to_string(value);
        }
        finish(std::move(handler), error_code{}, value);
    }

private:
    using clock = std::chrono::steady_clock;
    struct entry {
        std::string value;
        clock::time_point expires;
    };

    entry* live(const std::string& key) {
        auto it = entries_.find(key);
        if (it == entries_.end()) return nullptr;
        if (clock::now() < it->second.expires) return &it->second;
        entries_.erase(it);
        return nullptr;
    }

    template <class Handler, class... Args>
    void finish(Handler&& h, Args&&... args) {
        boost::asio::post(ex_, boost::asio::append(std::forward<Handler>(h), std::forward<Args>(args)...));
    }

    boost::asio::any_io_executor ex_;
    std::mutex mutex_;
    std::map<std::string, entry> entries_;
};

// Creates `dir` (0700) when missing; refuses a non-directory, another user's or a world-writable one.
inline bool prepare_store_directory(const std::string& dir, error_code& ec, std::string& message) {
    const std::string shown = quoted(dir, 200);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        // Another process of the fleet may create it at the same moment: EEXIST is success.
        const bool made = errno == ENOENT && (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST);
        if (!made || ::stat(dir.c_str(), &st) != 0) {
            ec = store_errc::io_error;
            message = "file store: cannot create the directory " + shown + ": " + std::strerror(errno) +
                      "; create it (mode 0700) or choose a directory you can write to";
            return false;
        }
    }
    if (!S_ISDIR(st.st_mode)) {
        ec = store_errc::invalid_url;
        message = "file store: " + shown + " is not a directory; give file:DIR with a directory (created if missing)";
        return false;
    }
    if (st.st_uid != ::geteuid()) {
        ec = store_errc::io_error;
        message = "file store: the directory " + shown +
                  " belongs to another user; use a directory of your own (mode 0700) for tokens";
        return false;
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        ec = store_errc::io_error;
        message = "file store: the directory " + shown +
                  " is writable by every user, who could replace or read entries; run `chmod 700` on it or use "
                  "another directory";
        return false;
    }
    if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0) {
        ec = store_errc::io_error;
        message = "file store: cannot read and write the directory " + shown + ": " + std::strerror(errno) +
                  "; fix its permissions (mode 0700, owned by this user)";
        return false;
    }
    return true;
}

}  // namespace detail

SFCONNECT_DECL std::shared_ptr<TokenStore> make_file_token_store(boost::asio::any_io_executor ex, std::string directory,
                                                                 error_code& ec, std::string& message) {
    ec = {};
    message.clear();
    while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
    if (directory.empty()) {
        ec = store_errc::invalid_url;
        message = "file store: no directory; give file:DIR, e.g. file:/var/cache/sfconnect";
        return nullptr;
    }
    if (!detail::prepare_store_directory(directory, ec, message)) return nullptr;
    return std::make_shared<detail::file_token_store>(std::move(ex), std::move(directory));
}

SFCONNECT_DECL std::shared_ptr<TokenStore> make_memory_token_store(boost::asio::any_io_executor ex) {
    return std::make_shared<detail::memory_token_store>(std::move(ex));
}

SFCONNECT_DECL std::shared_ptr<TokenStore> make_token_store(boost::asio::any_io_executor ex, std::string_view url,
                                                            error_code& ec, std::string& message) {
    ec = {};
    message.clear();
    if (url == "memory:" || url.empty()) return nullptr;
    if (url.substr(0, 5) == "file:")
        return make_file_token_store(std::move(ex), std::string(url.substr(5)), ec, message);
    ec = store_errc::invalid_url;
    message = "token store " +
              detail::quoted(url.substr(0, url.find('@') == std::string_view::npos ? url.size() : 0), 100) +
              ": expected memory:, file:DIR, redis://[user:password@]host:port[/db] or rediss://...";
    if (url.substr(0, 8) == "redis://" || url.substr(0, 9) == "rediss://")
        message = "token store: Redis URLs need <sfconnect/redis_token_store.hpp> (CMake component sfconnect::redis)";
    return nullptr;
}

}  // namespace sfconnect

#endif
