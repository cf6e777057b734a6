// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_API_VERSION_IPP
#define SFCONNECT_IMPL_API_VERSION_IPP

#include <sfconnect/api_version.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <boost/system/errc.hpp>

#include <string>

namespace sfconnect {

SFCONNECT_DECL boost::system::result<ApiVersion> ApiVersion::parse(std::string_view text, Diagnostics& diag) {
    // Accepted: [v]NN[.0] with the first digit 1-9; normalised to "NN.0".
    std::string_view rest = text;
    if (!rest.empty() && rest.front() == 'v') rest.remove_prefix(1);
    const bool digits_ok = rest.size() >= 2 && rest[0] >= '1' && rest[0] <= '9' && rest[1] >= '0' && rest[1] <= '9';
    if (digits_ok) {
        const std::string_view tail = rest.substr(2);
        if (tail.empty() || tail == ".0") return ApiVersion(rest[0], rest[1]);
    }

    diag = Diagnostics{};
    if (text.empty()) {
        diag.message = "API version is empty; expected the form NN.0, e.g. \"64.0\"";
    } else {
        diag.message = "API version " + detail::quoted(text, 40, '"') +
                       " is not valid; expected the form NN.0 (two digits, then \".0\"), e.g. \"64.0\"";
    }
    diag.hint = "Give the API version as two digits followed by \".0\" (\"v64.0\" and \"64\" are accepted too); "
                "GET /services/data/ on the org lists the versions it supports.";
    return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
}

SFCONNECT_DECL boost::system::result<ApiVersion> ApiVersion::parse(std::string_view text) {
    Diagnostics ignored;
    return parse(text, ignored);
}

}  // namespace sfconnect

#endif
