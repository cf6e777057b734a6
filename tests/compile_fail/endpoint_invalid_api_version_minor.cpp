// Must not compile: an ApiVersion literal with a minor version other than 0.
// expect-error: api_version_literal_must_have_the_form_NN_dot_0
#include <sfconnect/api_version.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    constexpr sfconnect::ApiVersion v("62.1");
    (void)v;
#else
    constexpr sfconnect::ApiVersion v("62.0");
    (void)v;
#endif
}
