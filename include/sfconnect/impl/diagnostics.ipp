// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_DIAGNOSTICS_IPP
#define SFCONNECT_IMPL_DIAGNOSTICS_IPP

#include <sfconnect/diagnostics.hpp>

namespace sfconnect {

SFCONNECT_DECL std::string to_string(const error_code& ec, const Diagnostics& diag) {
    std::string out = std::string(error_id(ec));
    out += ": ";
    out += diag.message.empty() ? ec.message() : diag.message;
    if (!diag.server_error.empty() || !diag.server_message.empty() || diag.http_status) {
        out += " (server:";
        if (!diag.server_error.empty()) {
            out += ' ';
            out += diag.server_error;
        }
        if (!diag.server_message.empty()) {
            out += diag.server_error.empty() ? " " : ": ";
            out += diag.server_message;
        }
        if (diag.http_status) {
            if (!diag.server_error.empty() || !diag.server_message.empty()) out += ',';
            out += " HTTP ";
            out += std::to_string(*diag.http_status);
        }
        out += ')';
    }
    return out;
}

}  // namespace sfconnect

#endif
