// Must not compile: a placeholder inside a placeholder.
// expect-error: endpoint_template_error_nested_braces
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/{a{b}}/"> e;
#else
    sfconnect::Endpoint<"/services/{ab}/"> e;
#endif
}
