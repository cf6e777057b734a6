// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_INTROSPECTION_HPP
#define SFCONNECT_DETAIL_SANSIO_INTROSPECTION_HPP

// The introspection reply as a pure function: body in, Introspection or bad_response out. No I/O;
// fuzzed by fuzz/fuzz_introspection.cpp.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/token_client_types.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfconnect::detail {

// Parses a 200 reply of /services/oauth2/introspect. Fields of the wrong type are left empty; a body
// that is not a JSON object is bad_response (phase introspect). `active` is true only for JSON true.
inline error_code parse_introspection(std::string_view body, Introspection& out, Diagnostics& diag) {
    out = Introspection{};
    error_code jec;
    const boost::json::value v = boost::json::parse(body, jec);
    const auto* obj = jec ? nullptr : v.if_object();
    if (!obj) {
        diag.message = "the introspection reply is not a JSON object";
        diag.phase = Phase::introspect;
        return errc::bad_response;
    }
    auto str = [&](const char* k) {
        const auto* p = obj->if_contains(k);
        return p && p->is_string() ? std::string(p->get_string()) : std::string();
    };
    auto num = [&](const char* k) -> std::optional<std::int64_t> {
        const auto* p = obj->if_contains(k);
        if (p && p->is_int64()) return p->get_int64();
        if (p && p->is_uint64()) return static_cast<std::int64_t>(p->get_uint64());
        return std::nullopt;
    };
    const auto* active = obj->if_contains("active");
    out.active = active && active->is_bool() && active->get_bool();
    out.scope = str("scope");
    out.client_id = str("client_id");
    out.username = str("username");
    out.subject = str("sub");
    out.expires_at = num("exp");
    out.issued_at = num("iat");
    return {};
}

}  // namespace sfconnect::detail

#endif
