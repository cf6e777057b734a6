// Must not compile: a placeholder without a name.
// expect-error: endpoint_template_error_empty_placeholder_name
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/data/{}/"> e;
#else
    sfconnect::Endpoint<"/services/data/{x}/"> e;
#endif
}
