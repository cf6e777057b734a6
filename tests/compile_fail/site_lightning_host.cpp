// Must not compile: a Lightning Experience host instead of the My Domain host.
// expect-error: invalid_site_literal_lightning_host_use_my_salesforce_com
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "acme.lightning.force.com"_site;
#endif

int main() { return 0; }
