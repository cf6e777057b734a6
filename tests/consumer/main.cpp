// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// An outside program, written as a user writes it, built against sfconnect by each consumer path
// (find_package, add_subdirectory, FetchContent, pkg-config flags; see run.cmake). It validates a
// Site and credentials; with SFCONNECT_CONSUMER_FETCH_TOKEN it also fetches a token from the
// in-process emulator over real TLS, which proves the path links OpenSSL, Boost.JSON and threads.
#include <sfconnect/sfconnect.hpp>
#ifdef SFCONNECT_CONSUMER_FETCH_TOKEN
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/src.hpp>  // the emulator's implementation, in this one TU

#include <boost/asio/io_context.hpp>
#endif

#include <cstdlib>
#include <iostream>

namespace {

#ifdef SFCONNECT_CONSUMER_FETCH_TOKEN
// A token from the emulator on 127.0.0.1, with a plain callback (no coroutine needed).
bool fetch_token() {
    sfconnect::testing::Emulator emulator;
    emulator.start();
    sfconnect::TokenClientOptions options;
    options.ca_pem = emulator.ca_certificate_pem();
    options.use_system_trust_store = false;
    options.connect_to = emulator.connect_to();
    options.proxy = "";  // loopback: an HTTPS_PROXY from the environment must not capture it
    auto site = sfconnect::Site::parse(emulator.site());
    auto credentials = sfconnect::ConsumerCredentials::create(emulator.consumer_key(), emulator.consumer_secret());
    if (!site || !credentials) return false;

    boost::asio::io_context io;
    sfconnect::TokenClient client(io.get_executor(), *site, *credentials, options);
    sfconnect::Diagnostics diag;
    bool ok = false;
    client.async_get_token(diag, [&](sfconnect::error_code ec, sfconnect::TokenPtr token) {
        if (ec) {
            std::cerr << "token: " << sfconnect::to_string(ec, diag) << '\n';  // never the secret
            return;
        }
        ok = token && !token->user_id.empty() && token->signature_verified;
        if (ok) std::cout << "token for user " << token->user_id << " (signature verified)\n";
    });
    io.run();
    return ok;
}
#endif

}  // namespace

int main() {
    using namespace sfconnect::literals;
    constexpr sfconnect::Site site = "acme.my.salesforce.com"_site;
    static_assert(sfconnect::version.major == SFCONNECT_VERSION_MAJOR);

    // What an admin pastes is checked before any network: a URL is rejected with a reason.
    sfconnect::Diagnostics diag;
    auto pasted = sfconnect::Site::parse("https://acme.my.salesforce.com/", diag);
    if (site.host() != "acme.my.salesforce.com" || pasted || diag.message.empty()) return 1;

    ::setenv("SFCONNECT_CONSUMER_KEY", "3MVG9consumerTestKey", 1);
    ::setenv("SFCONNECT_CONSUMER_SECRET", "consumer-test-secret", 1);
    if (!sfconnect::ConsumerCredentials::from_env()) return 1;

#ifdef SFCONNECT_CONSUMER_FETCH_TOKEN
    if (!fetch_token()) return 1;
#endif
    std::cout << "consumer ok: " << site << ", sfconnect " << sfconnect::version_string << '\n';
    return 0;
}
