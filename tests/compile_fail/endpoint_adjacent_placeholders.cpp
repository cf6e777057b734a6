// Must not compile: two placeholders with no literal text between them.
// expect-error: endpoint_template_error_adjacent_placeholders_need_literal_text_between
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/{a}{b}"> e;
#else
    sfconnect::Endpoint<"/services/{a}-{b}"> e;
#endif
}
