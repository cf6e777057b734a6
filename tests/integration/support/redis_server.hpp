// A real redis-server for tests: started on 127.0.0.1 with a free port, in its own temporary
// directory, without persistence (save "", no AOF), optionally with a password (requirepass), an ACL
// user or TLS (tls-port with a certificate from a TestCertificateAuthority); stopped (and its
// directory removed) at the end. kill() and start() stop it hard and bring it back on the same port;
// pause() and resume() freeze and thaw it.
// Also: a listener that never answers (a stalled server) and one that answers with garbage.
#pragma once

#include <sfconnect/testing/certificates.hpp>

#include "temp_dir.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sfconnect::test {

#ifdef SFCONNECT_REDIS_SERVER
inline constexpr const char* redis_server_program = SFCONNECT_REDIS_SERVER;
#else
inline constexpr const char* redis_server_program = "redis-server";
#endif

/// A free TCP port on 127.0.0.1 (bound to port 0, read back, released).
inline unsigned short free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("could not find a free port on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// A listening socket on 127.0.0.1 (a free port), or -1.
inline int listen_loopback(unsigned short& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        return -1;
    }
    port = ntohs(addr.sin_port);
    return fd;
}

/// How to configure the test redis-server.
struct RedisServerOptions {
    std::string password;      ///< requirepass (the default user's password); empty: none
    std::string acl_user;      ///< an extra ACL user (the default user is then disabled)
    std::string acl_password;  ///< its password
    std::string acl_rules = "~sfconnect:* -@all +get +set +del +eval +incr +pexpire";  ///< its permissions
    bool tls = false;  ///< serve TLS only (tls-port), with a certificate for 127.0.0.1
    const sfconnect::testing::TestCertificateAuthority* ca = nullptr;  ///< issuer of that certificate
    int databases = 16;                                                ///< the `databases` setting
};

/// A redis-server child process on 127.0.0.1.
class RedisServer {
public:
    explicit RedisServer(RedisServerOptions options = {}) : options_(std::move(options)) {
        if (temp_.path.empty()) throw std::runtime_error("mkdtemp failed");
        port_ = free_loopback_port();
        write_config();
        start();
    }
    ~RedisServer() { stop(SIGTERM); }  // then temp_ removes the directory
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    unsigned short port() const noexcept { return port_; }
    const std::string& dir() const noexcept { return dir_; }
    /// "redis://127.0.0.1:PORT" or "rediss://127.0.0.1:PORT" (no credentials, no database).
    std::string url() const {
        return (options_.tls ? "rediss://127.0.0.1:" : "redis://127.0.0.1:") + std::to_string(port_);
    }
    /// The PEM file of the CA that issued the server's certificate (TLS only).
    std::string ca_file() const { return dir_ + "/ca.pem"; }
    /// The server's log (for failure messages).
    std::string log() const {
        std::ifstream in(dir_ + "/redis.log");
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    /// Stops the server at once (SIGKILL), as a crash would.
    void kill() { stop(SIGKILL); }

    /// Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a stuck host.
    void pause() {
        if (pid_ > 0) ::kill(pid_, SIGSTOP);
    }
    /// Lets a paused server run again (SIGCONT).
    void resume() {
        if (pid_ > 0) ::kill(pid_, SIGCONT);
    }

    /// Starts the server (again) on the same port and waits until it accepts connections.
    void start() {
        if (pid_ > 0) return;
        const std::string config = dir_ + "/redis.conf";
        std::vector<std::string> args{redis_server_program, config};
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        const std::string out = dir_ + "/stdout.log";
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error(std::string("could not start ") + redis_server_program +
                                     " (install redis-server: scripts/deps)");
        }
        wait_until_listening();
    }

private:
    void write_config() const {
        std::ofstream conf(dir_ + "/redis.conf");
        conf << "bind 127.0.0.1\n"
             << "dir " << dir_ << "\n"
             << "logfile " << dir_ << "/redis.log\n"
             << "save \"\"\nappendonly no\ndaemonize no\n"
             << "databases " << options_.databases << "\n";
        if (options_.tls) {
            if (options_.ca == nullptr) throw std::invalid_argument("RedisServerOptions::tls needs a ca");
            sfconnect::testing::LeafOptions leaf;
            leaf.ip_addresses = {"127.0.0.1"};
            leaf.dns_names = {"localhost"};
            const auto pair = options_.ca->issue(leaf);
            std::ofstream(dir_ + "/server.pem") << pair.certificate_pem;
            std::ofstream(dir_ + "/server.key") << pair.private_key_pem;
            options_.ca->write_certificate_pem(ca_file());
            conf << "port 0\ntls-port " << port_ << "\n"
                 << "tls-cert-file " << dir_ << "/server.pem\n"
                 << "tls-key-file " << dir_ << "/server.key\n"
                 << "tls-ca-cert-file " << ca_file() << "\n"
                 << "tls-auth-clients no\n";
        } else {
            conf << "port " << port_ << "\n";
        }
        if (!options_.password.empty()) conf << "requirepass " << options_.password << "\n";
        if (!options_.acl_user.empty()) {
            conf << "user default off\n"
                 << "user " << options_.acl_user << " on >" << options_.acl_password << " " << options_.acl_rules
                 << "\n";
        }
    }

    void wait_until_listening() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("redis-server exited at start; its log:\n" + log());
            }
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(port_);
            const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
            ::close(fd);
            if (up) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        stop(SIGKILL);
        throw std::runtime_error("redis-server did not listen within 10 s; its log:\n" + log());
    }

    void stop(int signal) {
        if (pid_ <= 0) return;
        ::kill(pid_, signal);
        ::kill(pid_, SIGCONT);  // a paused server acts on SIGTERM only once it runs
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    RedisServerOptions options_;
    TempDir temp_{"sfconnect-redis"};  // redis.conf, logs, the TLS files
    std::string dir_ = temp_.path.string();
    unsigned short port_ = 0;
    pid_t pid_ = -1;
};

/// A TCP listener on 127.0.0.1 that accepts nothing and answers nothing: connections complete
/// (the kernel's backlog) and then stall.
class StalledServer {
public:
    StalledServer() : fd_(listen_loopback(port_)) {
        if (fd_ < 0) throw std::runtime_error("could not listen on 127.0.0.1");
    }
    ~StalledServer() { ::close(fd_); }
    StalledServer(const StalledServer&) = delete;
    StalledServer& operator=(const StalledServer&) = delete;
    unsigned short port() const noexcept { return port_; }

private:
    unsigned short port_ = 0;
    int fd_;
};

/// A hostile "Redis": accepts each connection, reads what arrives, answers with `reply` (any bytes)
/// and keeps the connection open until the server is destroyed. Runs on its own thread.
class GarbageServer {
public:
    explicit GarbageServer(std::string reply) : reply_(std::move(reply)), fd_(listen_loopback(port_)) {
        if (fd_ < 0) throw std::runtime_error("could not listen on 127.0.0.1");
        thread_ = std::thread([this] { serve(); });
    }
    ~GarbageServer() {
        stop_ = true;
        thread_.join();
        for (int c : clients_) ::close(c);
        ::close(fd_);
    }
    GarbageServer(const GarbageServer&) = delete;
    GarbageServer& operator=(const GarbageServer&) = delete;
    unsigned short port() const noexcept { return port_; }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            clients_.push_back(c);
            pollfd in{c, POLLIN, 0};
            char buf[4096];
            if (::poll(&in, 1, 2000) > 0) (void)::recv(c, buf, sizeof(buf), 0);
            (void)::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
        }
    }

    std::string reply_;
    unsigned short port_ = 0;
    int fd_;
    std::atomic<bool> stop_{false};
    std::vector<int> clients_;
    std::thread thread_;
};

}  // namespace sfconnect::test
