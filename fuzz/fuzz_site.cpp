// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: Site::parse and Site::parse_allowing_unknown_domain on arbitrary user input.
#include <sfconnect/site.hpp>

#include "fuzz_support.hpp"

using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

bool is_normalised_host(std::string_view h) {
    if (h.empty() || h.size() > 253 || h.front() == '.' || h.back() == '.') return false;
    for (char c : h)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
    return h.find("..") == std::string_view::npos;
}

void check_accepted(const Site& s, std::string_view input, bool known_only) {
    const std::string_view h = s.host();
    check(is_normalised_host(h), "an accepted Site's host is not a normalised host name", h);
    check(s.base_url() == "https://" + std::string(h), "base_url is not https:// + host", s.base_url());
    // The parts are pieces of the host.
    for (std::string_view part : {s.my_domain_name(), s.partition(), s.sandbox_name()})
        check(part.empty() || h.find(part) != std::string_view::npos, "a Site part is not in its host", part);
    check(!s.my_domain_name().empty(), "an accepted Site has no My Domain name", input);
    // Normalising is idempotent: the host parses again, to the same Site.
    Diagnostics d;
    auto again = known_only ? Site::parse(h, d) : Site::parse_allowing_unknown_domain(h, d);
    check(again.has_value(), "the normalised host of an accepted Site is rejected", h);
    check(*again == s && again->kind() == s.kind() && again->cloud() == s.cloud(),
          "re-parsing the normalised host gives another Site", h);
    check(d.empty(), "diagnostics are filled on success", d.message);
}

void check_rejected(const error_code& ec, const Diagnostics& d, std::string_view input, bool known_only) {
    check(ec == errc::invalid_site, "Site::parse failed with another error than invalid_site", ec.message());
    check(d.phase == Phase::site, "Site diagnostics without phase 'site'", to_string(d.phase));
    check(!d.message.empty() && !d.hint.empty(), "Site diagnostics without message or hint", input);
    fuzz::check_printable(d.message, "a Site message contains control characters");
    // Quoting is capped: the message never grows with the input.
    check(d.message.size() < 1200, "a Site message grows with the input", d.message);
    // A pasted URL's query or fragment may carry a session id or token: its content never shapes
    // the message (apart from a "did you mean" host, which is a valid host name, not a token).
    const auto q = input.find_first_of("?#");
    if (q != std::string_view::npos && q + 1 < input.size()) {
        std::string other(input);
        for (std::size_t i = q + 1; i < other.size(); ++i) fuzz::rotate_alnum(other[i]);
        Diagnostics od;
        auto r = known_only ? Site::parse(other, od) : Site::parse_allowing_unknown_domain(other, od);
        const auto without_suggestion = [](const std::string& m) { return m.substr(0, m.rfind("; did you mean '")); };
        check(!r.has_value() && without_suggestion(od.message) == without_suggestion(d.message),
              "the message depends on the query or fragment", d.message + " | " + od.message);
    }
    // A "did you mean" suggestion (always last: "...; did you mean '<host>'?") is itself a valid Site.
    const auto dym = d.message.rfind("; did you mean '");
    if (dym != std::string::npos && d.message.ends_with("'?")) {
        const auto start = dym + 16;
        const std::string_view suggestion = std::string_view{d.message}.substr(start, d.message.size() - 2 - start);
        Diagnostics sd;
        const bool ok = known_only ? Site::parse(suggestion).has_value()
                                   : Site::parse_allowing_unknown_domain(suggestion, sd).has_value();
        check(ok, "the suggested Site does not parse", suggestion);
    }
    // A secret pasted into the Site field (alone, maybe with spaces or a query) is never shown.
    std::string_view pasted = input.substr(0, input.find_first_of("?#"));
    while (!pasted.empty() && (pasted.front() == ' ' || pasted.front() == '\t')) pasted.remove_prefix(1);
    while (!pasted.empty() && (pasted.back() == ' ' || pasted.back() == '\t')) pasted.remove_suffix(1);
    if (pasted == fuzz::planted_secret)
        check(!fuzz::contains(d.message, fuzz::planted_secret.substr(0, 16)), "a pasted secret is echoed", d.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    Diagnostics d;
    auto known = Site::parse(input, d);
    if (known) check_accepted(*known, input, true);
    else check_rejected(known.error(), d, input, true);
    check(Site::parse(input).has_value() == known.has_value(), "parse with and without diagnostics disagree", input);

    Diagnostics du;
    auto any = Site::parse_allowing_unknown_domain(input, du);
    if (known) {
        check(any.has_value() && *any == *known, "the opt-in parser rejects or changes a known Site", input);
    }
    if (any) check_accepted(*any, input, false);
    else check_rejected(any.error(), du, input, false);
    return 0;
}
