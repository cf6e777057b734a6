// Must not compile: the generic login host, where the client credentials flow is refused.
// expect-error: invalid_site_literal_generic_login_host_use_my_domain
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "login.salesforce.com"_site;
#endif

int main() { return 0; }
