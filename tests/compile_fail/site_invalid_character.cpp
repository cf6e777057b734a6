// Must not compile: an underscore, which host names do not allow.
// expect-error: invalid_site_literal_invalid_character_use_a_z_0_9_hyphen_dot
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "acme_corp.my.salesforce.com"_site;
#endif

int main() { return 0; }
