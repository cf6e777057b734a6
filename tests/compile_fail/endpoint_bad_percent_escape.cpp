// Must not compile: a "%" that does not start a %XX escape.
// expect-error: endpoint_template_error_percent_not_followed_by_two_hex_digits
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/data/100%"> e;
#else
    sfconnect::Endpoint<"/services/data/100%25"> e;
#endif
}
