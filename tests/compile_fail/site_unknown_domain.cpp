// Must not compile: a host outside the known My Domain suffixes (literals have no opt-in).
// expect-error: invalid_site_literal_unknown_domain_not_a_my_domain
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "acme.example.com"_site;
#endif

int main() { return 0; }
