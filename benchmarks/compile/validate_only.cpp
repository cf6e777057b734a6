// Compile-time benchmark (a): a program that only validates a Site and credentials. It includes the
// light headers alone, so it must not parse Beast, Asio's TLS or Boost.JSON.
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/site.hpp>

#include <iostream>

int main(int argc, char** argv) {
    sfconnect::Diagnostics diag;
    auto site = sfconnect::Site::parse(argc > 1 ? argv[1] : "", diag);
    if (!site) {
        std::cerr << diag.message << "\n";
        return 1;
    }
    auto creds = sfconnect::ConsumerCredentials::from_env(diag);
    if (!creds) {
        std::cerr << diag.message << "\n";
        return 1;
    }
    std::cout << "ok: " << site->host() << ", " << *creds << "\n";
}
