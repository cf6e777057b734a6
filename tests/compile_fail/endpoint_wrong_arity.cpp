// Must not compile: bind() with fewer values than placeholders.
// expect-error: wrong number of values for this endpoint's placeholders
#include <sfconnect/endpoints.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    (void)sfconnect::endpoints::sobject.bind("62.0", "Account");
#else
    (void)sfconnect::endpoints::sobject.bind("62.0", "Account", "001xx0000000001AAA");
#endif
}
