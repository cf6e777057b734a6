// Must not compile: named binding that names a placeholder twice.
// expect-error: duplicate value for this endpoint placeholder
#include <sfconnect/endpoints.hpp>

using namespace sfconnect::literals;
int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    (void)sfconnect::endpoints::limits.bind("version"_p = "62.0", "version"_p = "63.0");
#else
    (void)sfconnect::endpoints::limits.bind("version"_p = "62.0");
#endif
}
