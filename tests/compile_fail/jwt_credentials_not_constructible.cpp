// Must not compile: JwtBearerCredentials come only from the validating factories (create,
// from_file, from_env), never from a constructor that would skip the checks.
// expect-error: private
// (g++ says "is private within this context", clang "calling a private constructor")
#include <sfconnect/jwt_bearer_credentials.hpp>

int main() {
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::JwtBearerCredentials c("key", "a@b.co", sfconnect::Secret("pem"));
    (void)c;
#else
    auto c = sfconnect::JwtBearerCredentials::create("key", "a@b.co", "pem");
    (void)c;
#endif
}
