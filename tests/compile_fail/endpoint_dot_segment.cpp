// Must not compile: a literal ".." segment.
// expect-error: endpoint_template_error_dot_segment_in_path
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/data/../oauth2/token"> e;
#else
    sfconnect::Endpoint<"/services/data/v.1/oauth2/token"> e;
#endif
}
