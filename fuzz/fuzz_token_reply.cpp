// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: parse_token_reply on an arbitrary status, Content-Type, Location and body
// (input format: see fuzz::split_reply).
#include <sfconnect/access_token.hpp>

#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>

#include <sstream>

using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

constexpr std::string_view site_host = "acme.my.salesforce.com";

bool is_salesforce_or_site_url(std::string_view url) {
    constexpr std::string_view https = "https://";
    if (url.size() <= https.size()) return false;
    for (std::size_t i = 0; i < https.size(); ++i)
        if ((url[i] | 0x20) != https[i] && url[i] != https[i]) return false;
    const std::string_view host = url.substr(https.size());
    if (host.find_first_of("/?#@\\ ") != std::string_view::npos) return false;
    if (host.size() == site_host.size()) return true;  // the Site itself (case-insensitively)
    for (std::string_view suffix : {".salesforce.com", ".force.com", ".salesforce.mil", ".sfcrmproducts.cn",
                                    ".cloudforce.com", ".database.com"}) {
        if (host.size() <= suffix.size()) continue;
        std::string tail(host.substr(host.size() - suffix.size()));
        for (char& c : tail) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
        if (tail == suffix) return host.find(':') == std::string_view::npos;
    }
    return false;
}

// The access_token string of the body, when it is a JSON object that has one.
std::string access_token_of(std::string_view body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    const auto* t = v.as_object().if_contains("access_token");
    return t != nullptr && t->is_string() ? std::string(t->get_string()) : std::string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool require_signature = (data[0] & 1) != 0;
    const auto in = fuzz::split_reply(data + 1, size - 1);
    static const Secret secret(fuzz::planted_secret);

    Diagnostics diag;
    diag.message = "stale";
    auto r = parse_token_reply(in.status, in.content_type, in.body, secret, site_host,
                               TokenReplyOptions{require_signature}, diag, in.location);
    if (r) {
        const AccessToken& t = *r;
        check(in.status >= 200 && in.status < 300, "a token was accepted from a non-2xx reply");
        check(diag.empty(), "diagnostics are filled on success", diag.message);
        check(!t.access_token.empty(), "an accepted token is empty");
        for (unsigned char c : t.access_token.reveal())
            check(c > 0x20 && c < 0x7f, "an accepted token cannot go into an Authorization header");
        check(t.token_type == "Bearer" || t.token_type.size() == 6, "an accepted token is not a Bearer token",
              t.token_type);
        check(is_salesforce_or_site_url(t.instance_url), "the token would be sent to an unexpected host",
              t.instance_url);
        check(t.instance_url.back() != '/', "instance_url keeps its trailing slash", t.instance_url);
        check(t.organization_id.size() == 15 || t.organization_id.size() == 18, "bad organization id",
              t.organization_id);
        check(t.user_id.size() == 15 || t.user_id.size() == 18, "bad user id", t.user_id);
        check(!require_signature || t.signature_verified, "an unsigned token passed require_signature");
        check(t.signature_verified == !t.signature.empty(), "a present signature was not verified", t.signature);
        if (t.signature_verified)
            check(compute_token_signature(secret, t.id, t.issued_at_raw) == t.signature, "a wrong signature verified");
        std::ostringstream os;
        os << t;
        if (t.access_token.size() >= 12 && !fuzz::contains(t.instance_url + t.id + t.scope + t.token_type +
                                                               t.organization_id + t.user_id + t.issued_at_raw,
                                                           t.access_token.reveal()))
            check(!fuzz::contains(os.str(), t.access_token.reveal()), "operator<< prints the token", os.str());
        return 0;
    }
    const error_code ec = r.error();
    check(fuzz::is_known_code(ec), "parse_token_reply returned an unknown error", ec.message());
    check(ec.category() != api_category(), "a token reply mapped to a REST API error", ec.message());
    check(diag.phase == Phase::token, "token diagnostics without phase 'token'", to_string(diag.phase));
    check(diag.http_status == in.status, "token diagnostics without the HTTP status");
    check(!diag.message.empty() && diag.message != "stale" && !diag.hint.empty(), "incomplete token diagnostics",
          diag.message);
    fuzz::check_printable(diag.server_error, "server_error keeps control characters");
    fuzz::check_printable(diag.server_message, "server_message keeps control characters");
    check(diag.server_error.size() <= 503 && diag.server_message.size() <= 503, "server text is not truncated");
    if (in.status >= 300 && in.status < 400) check(ec == errc::redirected, "a 3xx is not reported as a redirect");
    // Neither the consumer secret nor the access token of the reply is ever shown.
    const std::string all = std::string(in.content_type) + "\n" + std::string(in.location) + "\n" +
                            std::string(in.body);
    fuzz::check_not_leaked(ec, diag, secret.reveal(), all, "the consumer secret leaks into diagnostics");
    const std::string token = access_token_of(in.body);
    // 32+ bytes without spaces: longer than any space-free run of sfconnect's own texts.
    if (token.size() >= 32 && token.find(' ') == std::string::npos)
        fuzz::check_not_leaked(ec, diag, token, all, "the access token leaks into diagnostics");
    return 0;
}
