// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// The same operations without coroutines: plain callbacks (and cancelling a wait), then use_future
// from plain threads while the client's io_context runs on its own thread.
#include "example_org.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <exception>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
using sfconnect::error_code;

int main(int argc, char** argv) try {
    example::Org org = example::org_from_args(argc, argv);
    net::io_context io;
    sfconnect::TokenClient client(io.get_executor(), org.site, org.credentials, org.options);
    std::atomic<int> failures{0};

    //[callbacks
    sfconnect::Diagnostics diag;  // filled on failure; must outlive the operation
    client.async_get_token(diag, [&](error_code ec, sfconnect::TokenPtr token) {
        if (ec) {
            std::cerr << sfconnect::to_string(ec, diag) << "\nHow to fix: " << diag.hint << '\n';
            ++failures;
            return;
        }
        std::cout << "callback: token for user " << token->user_id << '\n';
        auto target = sfconnect::endpoints::version_root.bind("64.0");
        client.async_request(target, [&](error_code ec, sfconnect::Response reply) {
            if (ec) ++failures;
            std::cout << "callback: GET /services/data/v64.0/ -> HTTP " << reply.status << '\n';
        });
    });
    //]

    //[cancellation
    // A second caller waits for the same (single) token fetch, then gives up: its handler completes
    // at once with operation_aborted while the fetch goes on for the first caller.
    net::cancellation_signal give_up;
    client.async_get_token(net::bind_cancellation_slot(give_up.slot(), [&](error_code ec, sfconnect::TokenPtr) {
        std::cout << "cancelled wait: " << (ec == net::error::operation_aborted ? "operation_aborted" : ec.message())
                  << '\n';
    }));
    give_up.emit(net::cancellation_type::terminal);
    //]
    io.run();

    //[futures
    // The io_context runs on its own thread; plain threads block on futures. An error arrives as an
    // exception from get(): boost::system::system_error, without the Diagnostics.
    io.restart();
    auto work = net::make_work_guard(io);
    std::thread runner([&] { io.run(); });

    std::vector<std::thread> callers;
    callers.reserve(3);
    for (int i = 0; i < 3; ++i) {
        callers.emplace_back([&client, &failures, i] {
            std::future<sfconnect::Response> reply = client.async_request(sfconnect::endpoints::limits.bind("64.0"),
                                                                          net::use_future);
            try {
                std::cout << "future " + std::to_string(i) + ": GET limits -> HTTP " +
                                 std::to_string(reply.get().status) + "\n";
            } catch (const std::exception& e) {  // boost::system::system_error
                std::cerr << "future " + std::to_string(i) + ": " + e.what() + "\n";
                ++failures;
            }
        });
    }
    for (auto& t : callers) t.join();
    work.reset();
    runner.join();
    //]
    std::cout << "token requests sent: " << client.stats().token_requests << '\n';
    return failures == 0 ? 0 : 1;
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
