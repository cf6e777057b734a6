// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_CLIENT_SETUP_HPP
#define SFCONNECT_TESTING_CLIENT_SETUP_HPP

/// @file
/// What a client needs to reach a running Emulator: its Site, its credentials and options that
/// trust only its run-time CA. Light: no Beast, no Asio SSL.

#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/jwt_bearer_credentials.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client_options.hpp>

namespace sfconnect::testing {

/// Options that reach `emulator`: trust its run-time CA and nothing else, connect to its loopback
/// port while the Site stays the TLS name and Host, and never go through a proxy from the environment.
inline TokenClientOptions client_options_for(const Emulator& emulator) {
    TokenClientOptions options;
    options.ca_pem = emulator.ca_certificate_pem();
    options.use_system_trust_store = false;
    options.connect_to = emulator.connect_to();
    options.proxy = "";  // loopback: an HTTPS_PROXY from the environment must not capture it
    return options;
}

/// The emulator's Site (its site() is always a valid My Domain host).
inline Site site_of(const Emulator& emulator) { return Site::parse(emulator.site()).value(); }

/// The emulator's consumer key and secret as validated credentials.
inline ConsumerCredentials credentials_for(const Emulator& emulator) {
    return ConsumerCredentials::create(emulator.consumer_key(), emulator.consumer_secret()).value();
}

/// JWT bearer credentials for `emulator`: its consumer key and user, signed with `private_key_pem`
/// (the key of EmulatorOptions::jwt_certificate_pem, or another one to test a wrong key pair).
inline JwtBearerCredentials jwt_credentials_for(const Emulator& emulator, std::string_view private_key_pem) {
    return JwtBearerCredentials::create(emulator.consumer_key(), emulator.options().username, private_key_pem).value();
}

}  // namespace sfconnect::testing

#endif
