// Must not compile: a Setup host passed where a Site is expected (implicit consteval conversion).
// expect-error: invalid_site_literal_setup_host_use_my_salesforce_com
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
void takes_site(sfconnect::Site) {}
void call() { takes_site("acme.my.salesforce-setup.com"); }
#endif

int main() { return 0; }
