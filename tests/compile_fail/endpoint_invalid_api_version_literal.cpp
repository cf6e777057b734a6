// Must not compile: a version literal not of the form NN.0 ("62" is accepted by ApiVersion::parse at run time, never as
// a literal).
// expect-error: api_version_literal_must_have_the_form_NN_dot_0
#include <sfconnect/endpoints.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    (void)sfconnect::endpoints::limits.bind("62");
#else
    (void)sfconnect::endpoints::limits.bind("62.0");
#endif
}
