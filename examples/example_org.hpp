// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_EXAMPLES_EXAMPLE_ORG_HPP
#define SFCONNECT_EXAMPLES_EXAMPLE_ORG_HPP

// Shared by the examples so that each stays short. Which org an example talks to:
//   no argument, SFCONNECT_SITE unset  the built-in emulator (sfconnect::testing::Emulator), in-process
//   example acme.my.salesforce.com     a real org; the Consumer Key and Secret come from
//   SFCONNECT_SITE=acme.my.salesforce.com  SFCONNECT_CONSUMER_KEY and SFCONNECT_CONSUMER_SECRET
// The secret and the access token are never printed.

#include <sfconnect/sfconnect.hpp>
#include <sfconnect/testing/client_setup.hpp>
#include <sfconnect/testing/emulator.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

namespace example {

/// What a TokenClient needs, plus the emulator when the example runs against it.
struct Org {
    std::unique_ptr<sfconnect::testing::Emulator> emulator;  ///< null for a real org
    sfconnect::Site site;                                    ///< the org's My Domain host
    sfconnect::ConsumerCredentials credentials;              ///< Consumer Key and Secret
    sfconnect::TokenClientOptions options;                   ///< trust and routing
};

/// Prints an input error with its hint and exits with status 2.
[[noreturn]] inline void exit_on_bad_input(const sfconnect::error_code& ec, const sfconnect::Diagnostics& diag) {
    std::cerr << sfconnect::to_string(ec, diag) << "\nHow to fix: " << diag.hint << '\n';
    std::exit(2);
}

/// Options that reach a running emulator: trust its run-time CA, connect to its port, and keep the
/// Site for SNI, the Host header and certificate checks.
inline sfconnect::TokenClientOptions emulator_org_options(const sfconnect::testing::Emulator& emulator) {
    return sfconnect::testing::client_options_for(emulator);
}

/// Starts the emulator on 127.0.0.1 and returns options that reach it: trust its run-time CA,
/// connect to its port, and keep the Site for SNI, the Host header and certificate checks.
inline Org emulator_org(sfconnect::testing::EmulatorOptions emulator_options = {}) {
    auto emulator = std::make_unique<sfconnect::testing::Emulator>(std::move(emulator_options));
    emulator->start();
    //[emulator_options
    sfconnect::TokenClientOptions options;
    options.ca_pem = emulator->ca_certificate_pem();  // trust the emulator's run-time CA ...
    options.use_system_trust_store = false;           // ... and nothing else
    options.connect_to = emulator->connect_to();      // "127.0.0.1:<port>"; the Site stays the TLS name
    options.proxy = "";  // loopback: an HTTPS_PROXY from the environment must not capture it
    //]
    auto site = sfconnect::Site::parse(emulator->site()).value();
    auto credentials =
        sfconnect::ConsumerCredentials::create(emulator->consumer_key(), emulator->consumer_secret()).value();
    std::cerr << "(no Site given: using the built-in emulator, " << site << " at " << emulator->connect_to() << ")\n";
    return Org{std::move(emulator), site, std::move(credentials), std::move(options)};
}

/// Runs the coroutine `op` on `io` to completion. Returns 0, or 1 after printing an
/// ErrorWithDiagnostics it threw with its hint (never a secret).
inline int run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<void> op) {
    boost::asio::co_spawn(io, std::move(op), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    try {
        io.run();
    } catch (const sfconnect::ErrorWithDiagnostics& e) {
        std::cerr << e.what() << "\nHow to fix: " << e.diagnostics().hint << '\n';
        return 1;
    }
    return 0;
}

/// The org named by argv[1] or SFCONNECT_SITE, else the emulator (made with `emulator_options`).
inline Org org_from_args(int argc, char** argv, sfconnect::testing::EmulatorOptions emulator_options = {}) {
    std::string site_text = argc > 1 ? argv[1] : "";
    if (const char* env = std::getenv("SFCONNECT_SITE"); site_text.empty() && env != nullptr) site_text = env;
    if (site_text.empty()) return emulator_org(std::move(emulator_options));

    sfconnect::Diagnostics diag;
    auto site = sfconnect::Site::parse(site_text, diag);
    if (!site) exit_on_bad_input(site.error(), diag);
    auto credentials = sfconnect::ConsumerCredentials::from_env(diag);
    if (!credentials) exit_on_bad_input(credentials.error(), diag);
    return Org{nullptr, *site, std::move(*credentials), {}};
}

/// Runs `coroutine(client)` to completion with a TokenClient for `org`. An ErrorWithDiagnostics it
/// throws is printed with its hint and gives 1; success gives 0.
template <class Coroutine>
int run_with_client(const Org& org, Coroutine coroutine) {
    boost::asio::io_context io;
    sfconnect::TokenClient client(io.get_executor(), org.site, org.credentials, org.options);
    return run_to_completion(io, coroutine(client));
}

}  // namespace example

#endif
