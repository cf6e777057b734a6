// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_TRACE_IPP
#define SFCONNECT_IMPL_TRACE_IPP

#include <sfconnect/trace.hpp>
#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <algorithm>
#include <array>

namespace sfconnect {

namespace detail {

// Header values, names and targets are shown made printable (detail/untrusted_text.hpp): a value
// can never forge log lines, and the public constant is the one placeholder.
static_assert(redacted_text == redaction_placeholder);

// Redacts the values of a '&'-separated name=value list; `keep` decides which values survive.
template <class Keep>
std::string redact_pairs(std::string_view list, Keep keep) {
    std::string out;
    while (!list.empty()) {
        const std::size_t amp = list.find('&');
        const std::string_view pair = list.substr(0, amp);
        const std::size_t eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        if (!out.empty()) out += '&';
        out += printable(name, 100);
        if (eq != std::string_view::npos) {
            out += '=';
            out += keep(name) ? printable(pair.substr(eq + 1), 200) : std::string(redacted_text);
        }
        if (amp == std::string_view::npos) break;
        list.remove_prefix(amp + 1);
    }
    return out;
}

}  // namespace detail

SFCONNECT_DECL std::string_view to_string(TraceLevel level) noexcept {
    switch (level) {
        case TraceLevel::debug: return "debug";
        case TraceLevel::info: return "info";
        case TraceLevel::warning: return "warning";
        case TraceLevel::error: return "error";
    }
    return "unknown";
}

SFCONNECT_DECL std::string_view to_string(TracePhase phase) noexcept {
    switch (phase) {
        case TracePhase::connect: return "connect";
        case TracePhase::tls_handshake: return "tls_handshake";
        case TracePhase::request_sent: return "request_sent";
        case TracePhase::response: return "response";
        case TracePhase::retry: return "retry";
        case TracePhase::token_fetched: return "token_fetched";
        case TracePhase::token_refetch: return "token_refetch";
        case TracePhase::error: return "error";
        case TracePhase::token_store: return "token_store";
        case TracePhase::login_budget: return "login_budget";
    }
    return "unknown";
}

SFCONNECT_DECL bool is_sensitive_name(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 15> names = {
        "authorization", "proxy-authorization", "cookie",   "set-cookie", "client_secret", "client_assertion",
        "access_token",  "refresh_token",       "id_token", "token",      "oauth_token",   "password",
        "code",          "assertion",           "sid"};
    for (const auto n : names)
        if (detail::iequals(name, n)) return true;
    return false;
}

SFCONNECT_DECL std::string redact_header_value(std::string_view name, std::string_view value) {
    if (!is_sensitive_name(name)) return detail::printable(value, 500);
    if (detail::iequals(name, "authorization") || detail::iequals(name, "proxy-authorization")) {
        // The scheme says which kind of credential was sent (Basic, Bearer) without revealing it.
        const std::size_t space = value.find(' ');
        const std::string_view scheme = value.substr(0, space == std::string_view::npos ? 0 : space);
        if (!scheme.empty() && scheme.size() <= 20 &&
            scheme.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == std::string_view::npos)
            return std::string(scheme) + " " + std::string(redacted_text);
    }
    return std::string(redacted_text);
}

SFCONNECT_DECL std::string redact_form(std::string_view form) {
    // An allow-list, not a deny-list: a value is shown only when known to be harmless.
    return detail::redact_pairs(form, [](std::string_view name) {
        return detail::iequals(name, "grant_type") || detail::iequals(name, "token_type_hint") ||
               detail::iequals(name, "client_id");
    });
}

SFCONNECT_DECL std::string redact_target(std::string_view target) {
    const std::size_t q = target.find('?');
    if (q == std::string_view::npos) return detail::printable(target, 2000);
    return detail::printable(target.substr(0, q + 1), 2000) +
           detail::redact_pairs(target.substr(q + 1), [](std::string_view name) { return !is_sensitive_name(name); });
}

}  // namespace sfconnect

#endif
