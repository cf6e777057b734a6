// Must not compile: a named value for a placeholder the endpoint does not have.
// expect-error: endpoint has no placeholder with this name
#include <sfconnect/endpoints.hpp>

using namespace sfconnect::literals;
int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    (void)sfconnect::endpoints::sobject.bind("version"_p = "62.0", "sobjct"_p = "Account",
                                             "id"_p = "001xx0000000001AAA");
#else
    (void)sfconnect::endpoints::sobject.bind("version"_p = "62.0", "sobject"_p = "Account",
                                             "id"_p = "001xx0000000001AAA");
#endif
}
