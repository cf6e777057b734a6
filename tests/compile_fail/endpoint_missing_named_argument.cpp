// Must not compile: named binding that leaves a placeholder out.
// expect-error: missing value for this endpoint placeholder
#include <sfconnect/endpoints.hpp>

using namespace sfconnect::literals;
int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    (void)sfconnect::endpoints::sobject.bind("version"_p = "62.0", "sobject"_p = "Account");
#else
    (void)sfconnect::endpoints::sobject.bind("version"_p = "62.0", "sobject"_p = "Account",
                                             "id"_p = "001xx0000000001AAA");
#endif
}
