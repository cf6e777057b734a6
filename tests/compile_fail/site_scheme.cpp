// Must not compile: a Site literal with a URL scheme (the consteval constructor).
// expect-error: invalid_site_literal_remove_scheme_like_https
#include <sfconnect/site.hpp>

using namespace sfconnect::literals;

constexpr sfconnect::Site valid = "acme.my.salesforce.com"_site;
static_assert(valid.host() == "acme.my.salesforce.com");

#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
constexpr sfconnect::Site bad = "https://acme.my.salesforce.com";
#endif

int main() { return 0; }
