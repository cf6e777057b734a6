// Must not compile: a template that does not start with "/".
// expect-error: endpoint_template_error_missing_leading_slash
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"services/data/"> e;
#else
    sfconnect::Endpoint<"/services/data/"> e;
#endif
}
