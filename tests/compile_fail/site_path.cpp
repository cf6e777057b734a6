// Must not compile: a Site literal with a path.
// expect-error: invalid_site_literal_remove_path_host_only
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr auto bad = "acme.my.salesforce.com/lightning/page/home"_site;
#endif

int main() { return 0; }
