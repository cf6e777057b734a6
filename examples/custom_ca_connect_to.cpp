// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// Trusts an extra CA from a PEM file and connects to a chosen address while SNI, the Host header and
// certificate verification still use the Site (like curl --connect-to): how private connectivity,
// TLS-intercepting proxies and test servers are reached. Then runs Save & Check with those options.
//
//   custom_ca_connect_to                                  against the built-in emulator
//   custom_ca_connect_to SITE CA_FILE [HOST:PORT]         against a real org (key and secret from
//                                                         SFCONNECT_CONSUMER_KEY / _SECRET)
#include "example_org.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace net = boost::asio;

int main(int argc, char** argv) try {
    example::Org org = example::org_from_args(argc, argv);
    std::string ca_file = argc > 2 ? argv[2] : "";
    std::string connect_to = argc > 3 ? argv[3] : "";
    if (org.emulator) {  // the emulator's CA as a file, and its loopback address
        const std::string name = "sfconnect-example-ca-" + std::to_string(org.emulator->port()) + ".pem";
        ca_file = (std::filesystem::temp_directory_path() / name).string();
        org.emulator->write_ca_pem(ca_file);
        connect_to = org.emulator->connect_to();
    }

    //[custom_ca_connect_to
    sfconnect::TokenClientOptions options;
    options.ca_file = ca_file;        // PEM, trusted in addition to the system store
    options.connect_to = connect_to;  // "host:port" or empty to resolve the Site
    options.timeouts.connect = std::chrono::seconds(5);
    //]
    if (org.emulator) options.proxy = "";  // loopback: never through an HTTPS_PROXY

    net::io_context io;
    sfconnect::TokenClient client(io.get_executor(), org.site, org.credentials, options);
    sfconnect::Diagnostics diag;
    client.async_connect(diag, [&](sfconnect::error_code ec, sfconnect::ConnectInfo info) {
        if (ec) {
            std::cerr << "connect failed in phase " << sfconnect::to_string(diag.phase) << ": "
                      << sfconnect::to_string(ec, diag) << "\nHow to fix: " << diag.hint << '\n';
            return;
        }
        std::cout << "connected to " << info.peer << " as " << org.site << ", " << info.tls_version << ' '
                  << info.cipher << ", handshake " << info.tls_handshake.count() << " us\n";
    });
    io.run();

    //[save_and_check
    sfconnect::CheckInput input{std::string(org.site.host()), org.credentials.consumer_key(),
                                org.credentials.consumer_secret()};
    sfconnect::CheckReport report;
    sfconnect::async_check(io.get_executor(), input, options, sfconnect::CheckOptions{},
                           [&](sfconnect::error_code, sfconnect::CheckReport r) { report = std::move(r); });
    io.restart();
    io.run();
    for (const sfconnect::CheckStep& step : report.steps) {
        const char* mark = !step.ran ? "[SKIP] " : step.ok ? "[ OK ] " : "[FAIL] ";
        std::cout << mark << step.name << ": " << step.detail << '\n';
    }
    if (report.error) std::cout << sfconnect::error_id(report.error->code) << ": " << report.error->hint << '\n';
    //]
    if (org.emulator) std::remove(ca_file.c_str());
    return report.ok ? 0 : 1;
} catch (const std::exception& e) {  // e.g. out of memory, or an emulator that cannot start
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
