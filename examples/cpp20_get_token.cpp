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
    return example::run_with_client(org, run);
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
