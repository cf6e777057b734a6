// Must not compile: named and positional values in one call.
// expect-error: cannot mix named and positional values in one bind call
#include <sfconnect/endpoints.hpp>

using namespace sfconnect::literals;
int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    (void)sfconnect::endpoints::sobject_describe.bind("62.0", "sobject"_p = "Account");
#else
    (void)sfconnect::endpoints::sobject_describe.bind("62.0", "Account");
#endif
}
