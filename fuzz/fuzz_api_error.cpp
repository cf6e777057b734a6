// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: the REST and token-endpoint error parsers (map_api_error, map_token_error and
// its redacting form) on an arbitrary status, Content-Type, Location and body (fuzz::split_reply).
#include <sfconnect/reply_errors.hpp>

#include "fuzz_support.hpp"

using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

void check_common(const error_code& ec, const Diagnostics& d, const fuzz::ReplyInput& in, std::string_view phase) {
    check(fuzz::is_known_code(ec), "an error parser returned an unknown code", ec.message());
    check(to_string(d.phase) == phase, "wrong phase", to_string(d.phase));
    check(d.http_status == in.status, "diagnostics without the HTTP status");
    check(!d.message.empty(), "no message");
    // The hint starts with the code's general hint (then may refine it).
    const std::string_view general = default_hint(ec);
    check(!d.hint.empty() && d.hint.compare(0, general.size(), general) == 0,
          "the hint does not start with the "
          "code's general hint",
          d.hint);
    fuzz::check_printable(d.server_error, "server_error keeps control characters");
    fuzz::check_printable(d.server_message, "server_message keeps control characters");
    fuzz::check_printable(d.host, "the redirect host keeps control characters");
    check(d.server_error.size() <= 503 && d.server_message.size() <= 503, "server text is not truncated",
          d.server_message);
    check(d.host.size() <= 258, "the redirect host is not truncated", d.host);
    if (in.status >= 500 && in.status < 600) check(ec == errc::server_error, "a 5xx is not a server error");
    if (in.status >= 300 && in.status < 400 && !(phase == "api" && in.status == 300 && in.location.empty()))
        check(ec == errc::redirected, "a 3xx is not reported as a redirect");
    if (in.status >= 200 && in.status < 300)
        check(ec.category() != client_category() || ec == errc::bad_response, "a 2xx maps to a transport error");
    check(!(in.status >= 200 && in.status < 300) || ec != errc::server_error, "a 2xx maps to server_error");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = fuzz::split_reply(data, size);

    Diagnostics api;
    const error_code aec = map_api_error(in.status, in.content_type, in.body, api, in.location);
    check_common(aec, api, in, "api");
    check(aec.category() != oauth_category(), "a REST reply mapped to an OAuth error", aec.message());
    check(!is_refetchable_session_error(aec, api) || aec == api_errc::invalid_session,
          "only invalid_session may trigger a token refetch");
    check(aec != api_errc::session_not_valid_for_api || !is_refetchable_session_error(aec, api),
          "a session 'not valid for use with the REST API' would be refetched");

    Diagnostics tok;
    const error_code tec = map_token_error(in.status, in.content_type, in.body, tok, in.location);
    check_common(tec, tok, in, "token");
    check(tec.category() != api_category(), "a token reply mapped to a REST API error", tec.message());

    // The redacting form: same verdict, and the planted secret is never shown.
    Diagnostics red;
    const error_code rec = detail::map_token_error_redacting(in.status, in.content_type, in.body, red, in.location,
                                                             {fuzz::planted_secret});
    check(rec == tec, "redaction changed the error code");
    check_common(rec, red, in, "token");
    const std::string all = std::string(in.content_type) + "\n" + std::string(in.location) + "\n" +
                            std::string(in.body);
    fuzz::check_not_leaked(rec, red, fuzz::planted_secret, all, "the consumer secret leaks into diagnostics");
    return 0;
}
