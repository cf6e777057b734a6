// Must not compile: a Site literal with a port.
// expect-error: invalid_site_literal_remove_port
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "acme.my.salesforce.com:443"_site;
#endif

int main() { return 0; }
