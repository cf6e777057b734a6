// Must not compile: a placeholder that contains "/".
// expect-error: endpoint_template_error_placeholder_spans_segments
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/{a/b}"> e;
#else
    sfconnect::Endpoint<"/services/{a}/{b}"> e;
#endif
}
