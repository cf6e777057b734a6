// Must not compile: a "{" without its "}".
// expect-error: endpoint_template_error_unbalanced_braces
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/data/v{version/"> e;
#else
    sfconnect::Endpoint<"/services/data/v{version}/"> e;
#endif
}
