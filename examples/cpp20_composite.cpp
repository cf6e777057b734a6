// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// Creates, reads and updates records in ONE composite call (one API call against the daily limit),
// with a reference from one subrequest to another's result, and reports each subrequest's outcome.
#include "example_org.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace net = boost::asio;

//[composite
net::awaitable<void> create_and_read(sfconnect::TokenClient& client) {
    sfconnect::CompositeRequest batch;
    batch
        .all_or_none(true)  // any failure rolls every subrequest back
        .create("64.0", "Account", "NewAccount", {{"Name", "Composite Example Co"}})
        .get("64.0", "Account", "@{NewAccount.id}", "ReadBack")  // the id the first subrequest created
        .update("64.0", "Account", "@{NewAccount.id}", "Rename", {{"Name", "Composite Example Ltd"}});
    // Limits (25 subrequests, unique referenceIds, URLs under /services/data) are checked here,
    // before anything is sent; a violation throws ErrorWithDiagnostics naming the subrequest.
    sfconnect::CompositeResult result = co_await client.async_composite("64.0", batch, net::use_awaitable);
    for (const sfconnect::CompositeSubresponse& sub : result.subresponses) {
        std::cout << sub.reference_id << ": HTTP " << sub.http_status;
        if (sub.ec) std::cout << " " << sfconnect::error_id(sub.ec) << ": " << sub.diag.message;
        std::cout << '\n';
    }
    if (result.limit_info && result.limit_info->api_usage)
        std::cout << "API calls used today: " << result.limit_info->api_usage->used
                  << " (the whole batch counted once)\n";
}
//]

int main(int argc, char** argv) try {
    example::Org org = example::org_from_args(argc, argv);
    return example::run_with_client(org, create_and_read);
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
