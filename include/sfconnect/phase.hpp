// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_PHASE_HPP
#define SFCONNECT_PHASE_HPP

/// @file
/// Phase: which step of an operation failed (Diagnostics::phase), with its stable text name.

#include <string_view>

namespace sfconnect {

/// The step that failed. Each phase is set once, by the code that performs it. The text names
/// (to_string) are stable: sfconnect-check's output and logs use them.
enum class Phase {
    none,           ///< no phase recorded (""): no error, or an error outside any step
    site,           ///< validating the Site ("site")
    credentials,    ///< validating the consumer key and secret ("credentials")
    setup,          ///< the options, before any I/O: CA file or PEM, proxy URL, connect-to ("setup")
    resolve,        ///< DNS ("resolve")
    connect,        ///< TCP connect ("connect")
    proxy,          ///< HTTP CONNECT tunnel through the proxy ("proxy")
    tls_handshake,  ///< TLS handshake and certificate verification ("tls_handshake")
    request,        ///< sending a request and reading its reply ("request")
    token,          ///< the token endpoint's reply ("token")
    api,            ///< a REST API reply ("api")
    introspect,     ///< the introspection endpoint's reply ("introspect")
    identity,       ///< the userinfo reply checked by Save & Check ("identity")
};

/// The phase's stable name: "" for Phase::none, otherwise e.g. "tls_handshake".
constexpr std::string_view to_string(Phase p) noexcept {
    switch (p) {
        case Phase::none: return "";
        case Phase::site: return "site";
        case Phase::credentials: return "credentials";
        case Phase::setup: return "setup";
        case Phase::resolve: return "resolve";
        case Phase::connect: return "connect";
        case Phase::proxy: return "proxy";
        case Phase::tls_handshake: return "tls_handshake";
        case Phase::request: return "request";
        case Phase::token: return "token";
        case Phase::api: return "api";
        case Phase::introspect: return "introspect";
        case Phase::identity: return "identity";
    }
    return "";
}

}  // namespace sfconnect

#endif
