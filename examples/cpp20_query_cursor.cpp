// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// Reads a SOQL query one page at a time with the query cursor (memory bounded by one page).
#include "example_org.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace net = boost::asio;

//[query_cursor
net::awaitable<void> list_accounts(sfconnect::TokenClient& client) {
    // Nothing is sent yet: the cursor fetches a page per async_next() and follows nextRecordsUrl,
    // refusing one that leaves /services/data/vNN.0/query/. batch_size (200-2000) is a hint.
    sfconnect::QueryOptions options{.batch_size = 200};
    auto cursor = client.async_query("64.0", "SELECT Id, Name FROM Account", options);
    std::size_t seen = 0;
    while (!cursor.done()) {
        sfconnect::QueryPage page = co_await cursor.async_next(net::use_awaitable);
        seen += page.records.size();
        std::cout << "page " << cursor.pages() << ": " << page.records.size() << " records (" << seen << " of "
                  << page.total_size << ")";
        if (!page.records.empty()) std::cout << ", first " << page.records.front().at("Name");
        std::cout << '\n';
    }
}
//]

int main(int argc, char** argv) try {
    sfconnect::testing::EmulatorOptions demo;
    demo.accounts = 1000;  // the emulator's data: five pages of 200
    example::Org org = example::org_from_args(argc, argv, demo);
    return example::run_with_client(org, list_accounts);
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
