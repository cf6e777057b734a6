// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_CONNECT_INFO_HPP
#define SFCONNECT_CONNECT_INFO_HPP

/// @file
/// ConnectInfo: how a connection was made (no Beast, no OpenSSL: TokenClient's header needs it).

#include <chrono>
#include <string>

namespace sfconnect {

/// How the last connection was made and how long each phase took.
struct ConnectInfo {
    std::chrono::microseconds resolve{0};        ///< DNS (or connect-to/proxy lookup)
    std::chrono::microseconds connect{0};        ///< TCP connect
    std::chrono::microseconds proxy{0};          ///< HTTP CONNECT tunnel (0 without a proxy)
    std::chrono::microseconds tls_handshake{0};  ///< TLS handshake and verification
    std::string peer;                            ///< "address:port" the TCP connection went to
    std::string tls_version;                     ///< e.g. "TLSv1.3"
    std::string cipher;                          ///< negotiated cipher suite
    bool via_proxy = false;                      ///< true when tunnelled through a proxy
};

}  // namespace sfconnect

#endif
