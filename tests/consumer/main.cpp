// The snippet, as a user writes it against the installed package.
#include <sfconnect/sfconnect.hpp>

#include <cstdlib>
#include <iostream>

int main() {
    using namespace sfconnect::literals;
    constexpr sfconnect::Site site = "acme.my.salesforce.com"_site;
    auto parsed = sfconnect::Site::parse("https://acme.my.salesforce.com/");
    ::setenv("SFCONNECT_CONSUMER_KEY", "3MVG9consumerTestKey", 1);
    ::setenv("SFCONNECT_CONSUMER_SECRET", "consumer-test-secret", 1);
    auto creds = sfconnect::ConsumerCredentials::from_env();
    if (site.host() != "acme.my.salesforce.com" || parsed || !creds) return 1;
    std::cout << "consumer ok: " << site << ", sfconnect " << sfconnect::version_string << "\n";
    return 0;
}
