// Compile-time benchmark (b): the shortest co_await token program with sfconnect. Same behaviour as
// token_raw.cpp: site and credentials from the environment (SFCONNECT_SITE, SFCONNECT_CONSUMER_KEY,
// SFCONNECT_CONSUMER_SECRET; optional SFCONNECT_CA_FILE and SFCONNECT_CONNECT_TO), verified TLS,
// one client-credentials POST, the reply's instance_url printed.
#include <sfconnect/sfconnect.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>

namespace {
std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

boost::asio::awaitable<void> run(sfconnect::TokenClient& client) {
    try {
        auto token = co_await client.get_token();
        std::cout << "token for " << token->instance_url << "\n";
    } catch (const sfconnect::ErrorWithDiagnostics& e) {
        std::cerr << e.what() << "\n";
    }
}
}  // namespace

int main() {
    boost::asio::io_context io;
    sfconnect::TokenClientOptions options;
    options.ca_file = env("SFCONNECT_CA_FILE");
    options.connect_to = env("SFCONNECT_CONNECT_TO");
    sfconnect::TokenClient client(io.get_executor(), sfconnect::Site::from(env("SFCONNECT_SITE")),
                                  sfconnect::ConsumerCredentials::from_env().value(), options);
    boost::asio::co_spawn(io, run(client), boost::asio::detached);
    io.run();
}
