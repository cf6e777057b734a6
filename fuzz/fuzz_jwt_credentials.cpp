// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: the JWT bearer validators (check_jwt_username, check_private_key_pem, the
// audience check and JwtBearerCredentials::create), which hand the PEM to OpenSSL's parser.
// Input: a username, an audience and a PEM, split by FuzzedDataProvider.
#include <sfconnect/jwt_bearer_credentials.hpp>

#include "fuzz_support.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <sstream>

using namespace sfconnect;
using sfconnect::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::string username = in.ConsumeRandomLengthString(256);
    const std::string audience = in.ConsumeRandomLengthString(256);
    const std::string pem = in.ConsumeRemainingBytesAsString();

    const JwtCredentialProblem up = check_jwt_username(username);
    const JwtCredentialProblem kp = check_private_key_pem(pem);
    check(to_string(up) != "unknown" && to_string(kp) != "unknown", "a problem has no name");
    check((up == JwtCredentialProblem::empty) == username.empty(), "empty is reported iff the username is empty");
    check((kp == JwtCredentialProblem::empty) == pem.empty(), "empty is reported iff the PEM is empty");

    Diagnostics d;
    auto c = JwtBearerCredentials::create("3MVG9FuzzKey", username, pem, d);
    const bool valid = up == JwtCredentialProblem::none && kp == JwtCredentialProblem::none;
    check(c.has_value() == valid, "create() disagrees with the validators", username);
    if (!c) {
        check(c.error() == errc::invalid_credentials, "create() failed with another error", c.error().message());
        check(d.phase == Phase::credentials && !d.message.empty() && !d.hint.empty(), "incomplete diagnostics",
              d.message);
        fuzz::check_printable(d.message, "a credential message contains control characters");
        check(d.message.size() < 600, "a credential message grows with the input", d.message);
        return 0;
    }
    std::ostringstream os;
    os << *c;
    check(os.str().find("private_key=[redacted]") != std::string::npos, "operator<< does not redact the key");
    const std::string before = c->audience();
    const error_code aec = c->set_audience(audience, d);
    check(aec ? c->audience() == before : c->audience() == audience, "set_audience changed the value on failure");
    return 0;
}
