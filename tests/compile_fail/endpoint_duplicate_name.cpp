// Must not compile: the same placeholder name twice.
// expect-error: endpoint_template_error_duplicate_placeholder_name
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/{id}/x/{id}"> e;
#else
    sfconnect::Endpoint<"/services/{id}/x/{id2}"> e;
#endif
}
