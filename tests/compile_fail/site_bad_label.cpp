// Must not compile: a DNS label that ends with a hyphen.
// expect-error: invalid_site_literal_dns_label_starts_or_ends_with_hyphen
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "acme-.my.salesforce.com"_site;
#endif

int main() { return 0; }
