// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_CONNECTION_POOL_HPP
#define SFCONNECT_DETAIL_CONNECTION_POOL_HPP

// The client's connections: idle ones kept for reuse, at most max_connections open, a waiter
// woken when one comes back. Strand-only (no locking).

#include <sfconnect/https_transport.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>
#include <vector>

namespace sfconnect::detail {

template <class Transport>
class connection_pool {
public:
    connection_pool(boost::asio::any_io_executor strand, std::shared_ptr<const TransportSettings> settings,
                    std::size_t max_connections)
        : strand_(std::move(strand)),
          settings_(std::move(settings)),
          max_(std::max<std::size_t>(1, max_connections)),
          wakeup_(strand_) {
        wakeup_.expires_at(boost::asio::steady_timer::time_point::max());
    }

    // An idle or new transport without suspending; null when the pool is full (then: acquire()).
    std::unique_ptr<Transport> try_acquire() {
        if (!idle_.empty()) {
            auto t = std::move(idle_.back());
            idle_.pop_back();
            return t;
        }
        if (open_ < max_) {
            ++open_;
            return std::make_unique<Transport>(strand_, settings_);
        }
        return nullptr;
    }

    // Waits for a transport; null once the pool is closed.
    boost::asio::awaitable<std::unique_ptr<Transport>> acquire() {
        for (;;) {
            if (auto t = try_acquire()) co_return t;
            // Redis-style condition variable: a timer that never expires; release() wakes one.
            error_code ec;
            co_await wakeup_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (closed_) co_return nullptr;
        }
    }

    void release(std::unique_ptr<Transport> t) {
        if (!t) return;
        if (closed_ || !t->is_open()) {
            t->close();
            --open_;
        } else {
            idle_.push_back(std::move(t));
        }
        wakeup_.cancel_one();
    }

    // Closes the idle connections; busy ones are closed when they come back.
    void close() {
        closed_ = true;
        for (auto& t : idle_) t->close();
        open_ -= idle_.size();
        idle_.clear();
        wakeup_.cancel();
    }

private:
    boost::asio::any_io_executor strand_;
    std::shared_ptr<const TransportSettings> settings_;
    std::size_t max_;
    std::vector<std::unique_ptr<Transport>> idle_;
    std::size_t open_ = 0;
    boost::asio::steady_timer wakeup_;
    bool closed_ = false;
};

}  // namespace sfconnect::detail

#endif
