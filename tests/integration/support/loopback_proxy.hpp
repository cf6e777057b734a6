// A minimal HTTP CONNECT proxy on 127.0.0.1 for tests: records the CONNECT target, then pipes bytes
// both ways (or refuses every tunnel with a fixed status).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sfconnect::test {

class LoopbackProxy {
public:
    /// refuse_status 0: open tunnels; otherwise answer that status to every CONNECT.
    explicit LoopbackProxy(int refuse_status = 0)
        : refuse_status_(refuse_status), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~LoopbackProxy() {
        io_.stop();
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    int tunnels() const { return tunnels_; }
    std::string last_connect_target() const {
        std::lock_guard lock(mutex_);
        return last_target_;
    }

private:
    using tcp = boost::asio::ip::tcp;

    boost::asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, sock] = co_await acceptor_.async_accept(boost::asio::as_tuple(boost::asio::use_awaitable));
            if (ec) co_return;
            boost::asio::co_spawn(io_, serve(std::make_shared<tcp::socket>(std::move(sock))), boost::asio::detached);
        }
    }

    static boost::asio::awaitable<void> pipe(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
        char buf[16384];
        for (;;) {
            auto [ec, n] = co_await from->async_read_some(boost::asio::buffer(buf),
                                                          boost::asio::as_tuple(boost::asio::use_awaitable));
            if (ec) break;
            auto [wec, wn] = co_await boost::asio::async_write(*to, boost::asio::buffer(buf, n),
                                                               boost::asio::as_tuple(boost::asio::use_awaitable));
            (void)wn;
            if (wec) break;
        }
        boost::system::error_code ignored;
        to->shutdown(tcp::socket::shutdown_send, ignored);
    }

    boost::asio::awaitable<void> serve(std::shared_ptr<tcp::socket> client) {
        boost::asio::streambuf head;
        auto [ec, n] = co_await boost::asio::async_read_until(*client, head, "\r\n\r\n",
                                                              boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
        std::string text(boost::asio::buffers_begin(head.data()), boost::asio::buffers_begin(head.data()) + n);
        head.consume(n);
        // "CONNECT host:port HTTP/1.1"
        const auto sp1 = text.find(' ');
        const auto sp2 = text.find(' ', sp1 + 1);
        const std::string target = text.substr(sp1 + 1, sp2 - sp1 - 1);
        {
            std::lock_guard lock(mutex_);
            last_target_ = target;
        }
        if (text.rfind("CONNECT ", 0) != 0 || refuse_status_ != 0) {
            std::string reply = "HTTP/1.1 " + std::to_string(refuse_status_ ? refuse_status_ : 405) +
                                " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            co_await boost::asio::async_write(*client, boost::asio::buffer(reply),
                                              boost::asio::as_tuple(boost::asio::use_awaitable));
            co_return;
        }
        const auto colon = target.rfind(':');
        tcp::resolver resolver(io_);
        auto [rec, results] = co_await resolver.async_resolve(target.substr(0, colon), target.substr(colon + 1),
                                                              boost::asio::as_tuple(boost::asio::use_awaitable));
        if (rec) co_return;
        auto upstream = std::make_shared<tcp::socket>(io_);
        auto [cec, ep] = co_await boost::asio::async_connect(*upstream, results,
                                                             boost::asio::as_tuple(boost::asio::use_awaitable));
        (void)ep;
        if (cec) co_return;
        ++tunnels_;
        static const std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
        co_await boost::asio::async_write(*client, boost::asio::buffer(ok),
                                          boost::asio::as_tuple(boost::asio::use_awaitable));
        boost::asio::co_spawn(io_, pipe(client, upstream), boost::asio::detached);
        boost::asio::co_spawn(io_, pipe(upstream, client), boost::asio::detached);
    }

    int refuse_status_;
    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<int> tunnels_{0};
    mutable std::mutex mutex_;
    std::string last_target_;
};

}  // namespace sfconnect::test
