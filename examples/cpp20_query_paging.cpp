// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// Runs a SOQL query and follows nextRecordsUrl until every page is read.
#include "example_org.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string_view>

namespace net = boost::asio;

//[query_paging
net::awaitable<void> list_accounts(sfconnect::TokenClient& client) {
    // g++ 12: RequestOptions goes in its own statement, never as a braced temporary inside co_await.
    sfconnect::RequestOptions soql{.query = {{"q", "SELECT Id, Name FROM Account"}}};
    sfconnect::Response page = co_await client.request(sfconnect::endpoints::query.bind("64.0"), soql);
    for (int n = 1;; ++n) {
        const boost::json::object& result = page.json.as_object();
        const boost::json::array& records = result.at("records").as_array();
        std::cout << "page " << n << ": " << records.size() << " of " << result.at("totalSize") << " records, first "
                  << records.at(0).at("Name") << '\n';
        if (result.at("done").as_bool()) break;

        // The next page's path comes from the server; runtime_target checks it before it is used
        // (it must start with /services/, with no host, no "..", no control characters).
        const boost::json::string& next_url = result.at("nextRecordsUrl").as_string();
        sfconnect::Diagnostics diag;
        auto next = sfconnect::runtime_target(sfconnect::Method::get, {next_url.data(), next_url.size()}, diag);
        if (!next) throw sfconnect::ErrorWithDiagnostics(next.error(), diag);
        page = co_await client.request(*next);
    }
}
//]

int main(int argc, char** argv) try {
    example::Org org = example::org_from_args(argc, argv);
    net::io_context io;
    sfconnect::TokenClient client(io.get_executor(), org.site, org.credentials, org.options);
    net::co_spawn(io, list_accounts(client), [](std::exception_ptr e) {
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
