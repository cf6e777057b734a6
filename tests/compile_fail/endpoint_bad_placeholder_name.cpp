// Must not compile: a placeholder name with a character outside [A-Za-z0-9_].
// expect-error: endpoint_template_error_placeholder_name_not_identifier
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/{record-id}"> e;
#else
    sfconnect::Endpoint<"/services/{record_id}"> e;
#endif
}
