// Must not compile: a .sandbox. host without <name>--<sandbox>.
// expect-error: invalid_site_literal_sandbox_name_missing_use_name_dash_dash_sandbox
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "acme.sandbox.my.salesforce.com"_site;
#endif

int main() { return 0; }
