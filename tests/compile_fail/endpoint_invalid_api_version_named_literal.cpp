// Must not compile: a named version literal not of the form NN.0.
// expect-error: api_version_literal_must_have_the_form_NN_dot_0
#include <sfconnect/endpoints.hpp>

using namespace sfconnect::literals;
int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    (void)sfconnect::endpoints::limits.bind("version"_p = "v62.0");
#else
    (void)sfconnect::endpoints::limits.bind("version"_p = "62.0");
#endif
}
