// Must not compile: a space (outside RFC 3986 pchar) in the template.
// expect-error: endpoint_template_error_character_not_allowed_in_path
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/data/my path"> e;
#else
    sfconnect::Endpoint<"/services/data/my%20path"> e;
#endif
}
