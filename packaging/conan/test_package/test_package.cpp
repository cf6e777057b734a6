// Conan test_package: the package's headers compile, and Site validation works at compile and run time.
#include <sfconnect/sfconnect.hpp>

#include <iostream>

int main() {
    using namespace sfconnect::literals;
    constexpr sfconnect::Site site = "acme.my.salesforce.com"_site;
    sfconnect::Diagnostics diag;
    auto pasted = sfconnect::Site::parse("https://acme.my.salesforce.com/", diag);
    if (pasted || diag.message.empty()) return 1;
    std::cout << "sfconnect " << sfconnect::version_string << ": " << site << " ok; rejected a URL: " << diag.message
              << '\n';
    return 0;
}
