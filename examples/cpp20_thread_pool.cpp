// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// One client shared by many coroutines on a 4-thread pool: one token request for all of them, and
// at most options.max_connections connections to the org.
#include "example_org.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <iostream>
#include <string>
#include <vector>

namespace net = boost::asio;

//[thread_pool
net::awaitable<void> worker(sfconnect::TokenClient& client, int id) {
    sfconnect::Target soql =
        sfconnect::endpoints::query.bind("64.0").with_query("q", "SELECT Id, Name FROM Account LIMIT 5");
    sfconnect::Response reply = co_await client.request(soql);  // each waits for the one shared token
    if (id % 8 == 0) {
        const auto accounts = reply.json.at("records").as_array().size();
        std::cout << "worker " + std::to_string(id) + ": " + std::to_string(accounts) + " accounts\n";
    }
}

int run_workers(example::Org& org) {
    net::thread_pool pool(4);
    sfconnect::TokenClient client(pool.get_executor(), org.site, org.credentials, org.options);  // thread-safe
    std::vector<std::future<void>> done;
    done.reserve(32);
    for (int id = 0; id < 32; ++id) done.push_back(net::co_spawn(pool, worker(client, id), net::use_future));
    for (auto& f : done) f.get();  // rethrows a worker's ErrorWithDiagnostics
    sfconnect::TokenClientStats stats = client.stats();
    std::cout << "32 requests, " << stats.token_requests << " token request(s), " << stats.connections
              << " connection(s)\n";
    return 0;
}
//]

int main(int argc, char** argv) try {
    example::Org org = example::org_from_args(argc, argv);
    try {
        return run_workers(org);
    } catch (const sfconnect::ErrorWithDiagnostics& e) {
        std::cerr << e.what() << "\nHow to fix: " << e.diagnostics().hint << '\n';
        return 1;
    }
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
