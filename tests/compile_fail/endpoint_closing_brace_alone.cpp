// Must not compile: a "}" without an opening "{" (naming the type alone is enough).
// expect-error: endpoint_template_error_unbalanced_braces
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    using E = sfconnect::Endpoint<"/services/data/version}/">;
#else
    using E = sfconnect::Endpoint<"/services/data/{version}/">;
#endif
}
