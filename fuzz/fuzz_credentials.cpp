// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: the Consumer Key / Consumer Secret validators (check_consumer_key/secret and
// ConsumerCredentials::create). Input: a key and a secret, split by FuzzedDataProvider.
#include <sfconnect/consumer_credentials.hpp>

#include "fuzz_support.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <sstream>

using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

bool is_known_problem(CredentialProblem p) {
    switch (p) {
        case CredentialProblem::none:
        case CredentialProblem::empty:
        case CredentialProblem::surrounding_whitespace:
        case CredentialProblem::surrounding_quotes:
        case CredentialProblem::control_character: return true;
        default: return false;  // not_set / unreadable_file never come from a value check
    }
}

// The same value with its inner letters and digits changed: the validator's verdict depends only
// on the first and last 3 bytes (spaces, quotes) and on control characters, so the verdict and
// the message must be the same, and a message that differs shows the value.
std::string scrambled(std::string_view v) {
    std::string out(v);
    for (std::size_t i = 3; i + 3 < out.size(); ++i) fuzz::rotate_alnum(out[i]);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::string key = in.ConsumeRandomLengthString(512);
    const std::string secret = in.ConsumeRemainingBytesAsString();

    const CredentialProblem kp = check_consumer_key(key);
    const CredentialProblem sp = check_consumer_secret(secret);
    check(is_known_problem(kp) && is_known_problem(sp), "a validator returned an unexpected problem");
    check(to_string(kp) != "unknown" && to_string(sp) != "unknown", "a problem has no name");
    check((kp == CredentialProblem::empty) == key.empty(), "empty is reported iff the key is empty", key);
    check(check_consumer_key(secret) == sp, "key and secret rules differ", secret);

    Diagnostics d;
    auto c = ConsumerCredentials::create(key, secret, d);
    const bool valid = kp == CredentialProblem::none && sp == CredentialProblem::none;
    check(c.has_value() == valid, "create() disagrees with the validators", key);
    if (c) {
        check(c->consumer_key() == key && c->consumer_secret().reveal() == secret, "create() changed a value");
        check(d.empty(), "diagnostics are filled on success", d.message);
        std::ostringstream os;
        os << *c;
        check(os.str() == "ConsumerCredentials{consumer_key=" + key + ", consumer_secret=[redacted]}",
              "operator<< prints more than the key", os.str());
        return 0;
    }
    check(c.error() == errc::invalid_credentials, "create() failed with another error", c.error().message());
    check(d.phase == Phase::credentials && !d.message.empty() && !d.hint.empty(), "incomplete credential diagnostics",
          d.message);
    fuzz::check_printable(d.message, "a credential message contains control characters");
    check(d.message.size() < 400, "a credential message grows with the input", d.message);

    // The secret's content never shapes the message (so it cannot be shown, in whole or in part).
    Diagnostics d2;
    auto c2 = ConsumerCredentials::create(key, scrambled(secret), d2);
    check(!c2.has_value(), "scrambling the secret's middle changed the verdict", secret);
    check(d2.message == d.message && d2.hint == d.hint, "the message depends on the secret's content",
          d.message + " | " + d2.message);
    // The key is shown by its first characters only.
    Diagnostics d3;
    auto c3 = ConsumerCredentials::create(key.size() > 12 ? key.substr(0, 6) + scrambled(key.substr(6)) : key, secret,
                                          d3);
    check(!c3.has_value(), "scrambling the key's tail changed the verdict", key);
    if (kp != CredentialProblem::none && key.size() > 12)
        check(d3.message == d.message, "the message shows more of the key than its first characters",
              d.message + " | " + d3.message);
    return 0;
}
