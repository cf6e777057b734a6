// Must not compile: a placeholder-name literal that is not an identifier.
// expect-error: placeholder_name_literal_error_not_an_identifier
#include <sfconnect/endpoint.hpp>

using namespace sfconnect::literals;
int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    auto n = "record id"_p;
    (void)n;
#else
    auto n = "record_id"_p;
    (void)n;
#endif
}
