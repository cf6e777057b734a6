// Must not compile: a query part in the template.
// expect-error: endpoint_template_error_query_or_fragment_in_path
#include <sfconnect/endpoint.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::Endpoint<"/services/data/v{version}/query/?q={soql}"> e;
#else
    sfconnect::Endpoint<"/services/data/v{version}/query/"> e;
#endif
}
