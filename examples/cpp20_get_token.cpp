// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// Fetches an access token with co_await, then makes one REST request with it.
#include "example_org.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>

namespace net = boost::asio;

//[get_token_coroutine
net::awaitable<void> run(sfconnect::TokenClient& client) {
    // Cached and shared: concurrent callers cause one token request. Throws ErrorWithDiagnostics.
    sfconnect::TokenPtr token = co_await client.get_token();
    std::cout << "token for user " << token->user_id << " in org " << token->organization_id << '\n';

    sfconnect::Response reply = co_await client.request(sfconnect::endpoints::limits.bind("64.0"));
    std::cout << "GET limits: HTTP " << reply.status << ", DailyApiRequests remaining "
              << reply.json.at("DailyApiRequests").at("Remaining") << '\n';
}
//]

int main(int argc, char** argv) try {
    example::Org org = example::org_from_args(argc, argv);
    net::io_context io;
    sfconnect::TokenClient client(io.get_executor(), org.site, org.credentials, org.options);
    net::co_spawn(io, run(client), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    try {
        io.run();
    } catch (const sfconnect::ErrorWithDiagnostics& e) {
        std::cerr << e.what() << "\nHow to fix: " << e.diagnostics().hint << '\n';
        return 1;
    }
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
