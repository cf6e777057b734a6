// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// What a failure looks like and how to report it: the stable error id, our message, the server's
// own words and the hint that says what to change. Against the emulator, the org is switched to
// "no Run As user" so that a real Salesforce failure is shown.
#include "example_org.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <iostream>

namespace net = boost::asio;

//[print_failure
void print_failure(const sfconnect::error_code& ec, const sfconnect::Diagnostics& diag) {
    std::cout << "error id:    " << sfconnect::error_id(ec) << '\n'  // stable, e.g. "no_run_as_user"
              << "message:     " << diag.message << '\n';            // ours: what failed and why
    if (!diag.server_error.empty() || diag.http_status)              // the server's words, verbatim
        std::cout << "server said: " << diag.server_error << ": " << diag.server_message << " (HTTP "
                  << diag.http_status.value_or(0) << ")\n";
    std::cout << "how to fix:  " << diag.hint << '\n';  // for the admin: which screen
}
//]

//[error_codes
net::awaitable<bool> fetch_with_error_codes(sfconnect::TokenClient& client) {
    sfconnect::Diagnostics diag;  // filled on failure
    auto [ec, token] = co_await client.async_get_token(diag, net::as_tuple(net::use_awaitable));
    if (ec) print_failure(ec, diag);
    co_return !ec;
}
//]

//[exceptions
net::awaitable<bool> fetch_with_exceptions(sfconnect::TokenClient& client) {
    try {
        sfconnect::Response reply = co_await client.request(sfconnect::endpoints::version_root.bind("64.0"));
        std::cout << "the API answered HTTP " << reply.status << '\n';
        co_return true;
    } catch (const sfconnect::ErrorWithDiagnostics& e) {
        std::cout << "caught:      " << e.what() << '\n';  // one line, never a secret
        print_failure(e.boost_code(), e.diagnostics());
        co_return false;
    }
}
//]

int main(int argc, char** argv) try {
    // Input is validated before any network: a pasted Lightning URL is rejected with the fix.
    //[site_validation
    sfconnect::Diagnostics input_diag;
    auto site = sfconnect::Site::parse("https://acme.lightning.force.com/", input_diag);
    if (!site) print_failure(site.error(), input_diag);
    //]

    example::Org org = example::org_from_args(argc, argv);
    if (org.emulator) org.emulator->set_scenario(sfconnect::testing::Scenario::no_run_as_user);
    net::io_context io;
    sfconnect::TokenClient client(io.get_executor(), org.site, org.credentials, org.options);
    bool codes_ok = false, exceptions_ok = false;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            codes_ok = co_await fetch_with_error_codes(client);
            exceptions_ok = co_await fetch_with_exceptions(client);
        },
        [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    io.run();
    std::cout << "error codes: " << (codes_ok ? "ok" : "failed")
              << ", exceptions: " << (exceptions_ok ? "ok" : "failed") << '\n';
    // Against the emulator both calls must fail (that is the demonstration); against a real org, pass.
    return (org.emulator ? !codes_ok && !exceptions_ok : codes_ok && exceptions_ok) ? 0 : 1;
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
