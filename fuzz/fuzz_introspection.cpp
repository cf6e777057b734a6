// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: detail::parse_introspection on an arbitrary /services/oauth2/introspect body.
#include <sfconnect/detail/sansio/introspection.hpp>

#include "fuzz_support.hpp"

#include <string>

using namespace sfconnect;
using sfconnect::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    Introspection out;
    out.active = true;  // must be reset by the parser
    Diagnostics diag;
    const error_code ec = detail::parse_introspection(body, out, diag);
    if (ec) {
        check(ec == errc::bad_response, "an error other than bad_response", ec.message());
        check(diag.phase == Phase::introspect, "a failure without phase 'introspect'", to_string(diag.phase));
        check(!diag.message.empty(), "a failure without a message");
        check(!out.active, "a failure that reports an active token");
        return 0;
    }
    check(diag.empty(), "diagnostics set on success", diag.message);
    // Every string field is text the body contained (JSON escapes aside, so only its size is bounded).
    for (const std::string* s : {&out.scope, &out.client_id, &out.username, &out.subject})
        check(s->size() <= body.size(), "a field longer than the body", *s);
    if (out.active) check(fuzz::contains(body, "true"), "active without a JSON true in the body", body);
    return 0;
}
