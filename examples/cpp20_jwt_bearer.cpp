// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// The OAuth 2.0 JWT bearer flow: no consumer secret; each token fetch signs a short-lived RS256
// assertion with the private key whose certificate is uploaded to the connected app.
//
//   cpp20_jwt_bearer                          the built-in emulator, with a key pair made at run time
//   cpp20_jwt_bearer acme.my.salesforce.com   a real org: SFCONNECT_CONSUMER_KEY, SFCONNECT_USERNAME
//                                             and SFCONNECT_PRIVATE_KEY_FILE (the PEM key) give the rest
// The private key and the access token are never printed.
#include <sfconnect/testing/certificates.hpp>

#include "example_org.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>

namespace net = boost::asio;

net::awaitable<void> run(sfconnect::TokenClient& client) {
    sfconnect::TokenPtr token = co_await client.get_token();  // throws ErrorWithDiagnostics
    std::cout << "JWT bearer token for user " << token->user_id << " in org " << token->organization_id
              << (token->signature_verified ? " (signed reply)" : " (no reply signature: none in this flow)") << '\n';
    sfconnect::Response reply = co_await client.request(sfconnect::endpoints::limits.bind("64.0"));
    std::cout << "GET limits: HTTP " << reply.status << '\n';
}

int main(int argc, char** argv) try {
    std::string site_text = argc > 1 ? argv[1] : "";
    if (const char* env = std::getenv("SFCONNECT_SITE"); site_text.empty() && env != nullptr) site_text = env;

    std::optional<sfconnect::testing::Emulator> emulator;
    sfconnect::TokenClientOptions options;
    sfconnect::Diagnostics diag;
    std::optional<sfconnect::Site> site;
    std::optional<sfconnect::JwtBearerCredentials> credentials;
    if (site_text.empty()) {
        // The admin's setup, played by the emulator: a key pair, its certificate uploaded to the app.
        const sfconnect::testing::KeyPairPem app = sfconnect::testing::make_jwt_signing_pair();
        sfconnect::testing::EmulatorOptions org;
        org.jwt_certificate_pem = app.certificate_pem;
        emulator.emplace(org);
        emulator->start();
        options = example::emulator_org_options(*emulator);
        site = sfconnect::Site::parse(emulator->site()).value();
        credentials = sfconnect::JwtBearerCredentials::create(emulator->consumer_key(), emulator->options().username,
                                                              app.private_key_pem, diag)
                          .value();
        std::cerr << "(no Site given: using the built-in emulator at " << emulator->connect_to() << ")\n";
    } else {
        auto parsed = sfconnect::Site::parse(site_text, diag);
        if (!parsed) example::exit_on_bad_input(parsed.error(), diag);
        site = *parsed;
        //[jwt_credentials
        const char* key = std::getenv("SFCONNECT_CONSUMER_KEY");
        const char* user = std::getenv("SFCONNECT_USERNAME");
        const char* key_file = std::getenv("SFCONNECT_PRIVATE_KEY_FILE");
        auto creds = sfconnect::JwtBearerCredentials::from_file(key ? key : "", user ? user : "",
                                                                key_file ? key_file : "", diag);
        if (!creds) example::exit_on_bad_input(creds.error(), diag);
        // The audience follows the Site: https://test.salesforce.com for sandboxes, else login.
        //]
        credentials = std::move(*creds);
    }
    net::io_context io;
    sfconnect::TokenClient client(io.get_executor(), *site, std::move(*credentials), options);
    return example::run_to_completion(io, run(client));
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
