// Must not compile: run-time text for {version} must go through ApiVersion::parse.
// expect-error: the {version} placeholder takes an ApiVersion
#include <sfconnect/endpoints.hpp>

#include <string>
int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    std::string v = "62.0";
    (void)sfconnect::endpoints::limits.bind(v);
#else
    std::string v = "62.0";
    (void)sfconnect::endpoints::limits.bind(sfconnect::ApiVersion::parse(v).value());
#endif
}
