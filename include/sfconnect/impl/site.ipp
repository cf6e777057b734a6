// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_SITE_IPP
#define SFCONNECT_IMPL_SITE_IPP

#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/site.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <ostream>
#include <string>
#include <utility>

namespace sfconnect {
namespace detail {

inline constexpr std::size_t site_echo_limit = 100;  // characters of user input quoted in messages

// A value pasted into the wrong field. Not shown, since it may be a secret or a token.
// Query strings and fragments are masked separately, so only the part before them is judged.
inline bool looks_like_credential(std::string_view s) noexcept {
    s = trim_spaces(s.substr(0, s.find_first_of("?#")));
    if (s.starts_with("3MVG")) return true;                                          // consumer key
    if (s.starts_with("00D") && s.find('!') != std::string_view::npos) return true;  // "<org id>!<token>"
    if (s.find('.') != std::string_view::npos) return false;
    if (s.size() >= 32) return true;  // consumer secrets are 64 hex digits, keys ~85 characters
    bool digits = s.size() >= 16;     // older consumer secrets are 19 decimal digits
    for (char c : s) digits = digits && is_digit(c);
    return digits;
}

// Replaces everything from the first '?' or '#' by "***": query strings and fragments of pasted
// URLs can carry session ids or access tokens (frontdoor.jsp?sid=..., #access_token=...).
inline std::string mask_query(std::string_view s) {
    const std::size_t q = s.find_first_of("?#");
    if (q == std::string_view::npos) return std::string(s);
    std::string out(s.substr(0, q + 1));
    out += "***";
    return out;
}

// The input as quoted in messages: user-info (may hold a password), query and fragment masked,
// control characters escaped, length capped.
inline std::string quote_site_input(std::string_view in) {
    if (looks_like_credential(in)) return "(value not shown: it looks like a credential or token, not a host)";
    const std::size_t start = leading_space_length(in);
    const std::size_t authority = start + scheme_length(in.substr(start));
    std::size_t end = in.find_first_of("/?#", authority);
    if (end == std::string_view::npos) end = in.size();
    std::string masked;
    const std::size_t at = in.substr(0, end).rfind('@');
    if (at != std::string_view::npos && at >= authority) {
        masked.append(in.substr(0, authority));
        masked += "***";
        masked += mask_query(in.substr(at));
    } else {
        masked.append(in.substr(0, authority));
        masked += mask_query(in.substr(authority));
    }
    std::string out = quoted(masked, site_echo_limit);
    if (in.size() > site_echo_limit) out += " (" + std::to_string(in.size()) + " characters)";
    return out;
}

inline std::string quote(std::string_view s) { return quoted(mask_query(s), 70); }

inline std::string site_rejection_text(std::string_view in, const SiteCheck& c) {
    using R = SiteRejection;
    const std::string_view culprit = in.substr(c.offset < in.size() ? c.offset : in.size(), c.length);
    const std::string pos = std::to_string(c.offset + 1);
    switch (c.reason) {
        case R::none: return {};
        case R::empty: return "is empty: enter the org's My Domain host, e.g. 'acme.my.salesforce.com'";
        case R::whitespace:
            return "contains whitespace (a space, tab, line break or invisible space) at position " + pos +
                   ": remove it";
        case R::has_scheme:
            return "starts with a URL scheme: remove " + quote(culprit) + " and enter the host name only";
        case R::has_path:
            return "contains a path: remove " + quote(culprit) +
                   " (everything from the first '/') and enter the host "
                   "name only";
        case R::has_query: return "contains a query string: remove the '?' and everything after it";
        case R::has_fragment: return "contains a fragment: remove the '#' and everything after it";
        case R::has_port:
            return "contains a port: remove " + quote(culprit) + " (sfconnect always connects with HTTPS on port 443)";
        case R::has_userinfo:
            return "contains user information before '@': remove it and everything up to the '@' (credentials "
                   "never go in the Site)";
        case R::ip_address:
            return "is an IP address: use the org's My Domain host name, e.g. 'acme.my.salesforce.com' (Salesforce's "
                   "TLS certificates name hosts, not addresses)";
        case R::generic_login_host:
            return std::string("is a generic login host: the client credentials flow is refused there \xe2\x80\x94 "
                               "'request not supported on this domain' \xe2\x80\x94 use your My Domain, e.g. "
                               "<name>.my.salesforce.com") +
                   (iequals(in.substr(0, 5), "test.") ? " (for a sandbox <name>--<sandbox>.sandbox.my.salesforce.com)"
                                                      : "");
        case R::lightning_host:
            return "is a Lightning Experience host (the browser UI), not the API host: use the org's My Domain host, "
                   "which ends in .my.salesforce.com instead of .lightning.force.com";
        case R::experience_cloud_host:
            return "is an Experience Cloud or Salesforce Sites host (a public site), not the org's My Domain: use "
                   "<name>.my.salesforce.com";
        case R::setup_host:
            return "is a Setup host (.my.salesforce-setup.com), not the API host: use its .my.salesforce.com twin";
        case R::instance_host:
            return "is a Salesforce instance or service host, not the org's My Domain: use your My Domain, e.g. "
                   "<name>.my.salesforce.com";
        case R::empty_label:
            return "has an empty DNS label (two dots in a row, or a leading dot) at position " + pos +
                   ": remove the extra dot";
        case R::label_too_long:
            return "has a DNS label of " + std::to_string(c.length) + " characters (" + quote(culprit) +
                   "): a label (the text between dots) is at most 63 characters";
        case R::label_hyphen_edge:
            return "has a name that starts or ends with '-' (" + quote(culprit) +
                   "): check for a typo; names look like 'acme' or 'acme--uat'";
        case R::invalid_character:
            return "contains " + quote(culprit) + " at position " + pos + ", which is not allowed in a host name" +
                   (culprit == "_" ? " (underscores are not allowed)" : "") +
                   ": use only letters a-z, digits 0-9, '-' and '.'";
        case R::too_long:
            return "is " + std::to_string(c.length) + " characters long: a host name is at most 253 characters";
        case R::unknown_domain:
            return "is not under a known Salesforce My Domain suffix (.my.salesforce.com, .my.salesforce.mil, "
                   ".my.sfcrmproducts.cn): use the org's My Domain host, e.g. 'acme.my.salesforce.com'";
        case R::unknown_partition:
            return "has the unknown partition " + quote(culprit) +
                   ": known partitions are sandbox, develop, scratch, demo, patch and trailblaze "
                   "(e.g. acme--uat.sandbox.my.salesforce.com, acme-dev-ed.develop.my.salesforce.com)";
        case R::sandbox_name_missing:
            return "is a sandbox host without a sandbox name: a sandbox host looks like "
                   "<name>--<sandbox>.sandbox.my.salesforce.com, e.g. 'acme--uat.sandbox.my.salesforce.com'";
    }
    return "is not a valid My Domain host";
}

inline std::string site_message(std::string_view in, const SiteCheck& c) {
    std::string m = "Site ";
    if (c.reason != SiteRejection::empty) m += quote_site_input(in) + " ";
    // Reasons whose text quotes part of the input; for a hidden value that part is not shown either.
    const bool quotes_part = c.reason == SiteRejection::has_scheme || c.reason == SiteRejection::has_path ||
                             c.reason == SiteRejection::has_port || c.reason == SiteRejection::label_too_long ||
                             c.reason == SiteRejection::label_hyphen_edge ||
                             c.reason == SiteRejection::invalid_character ||
                             c.reason == SiteRejection::unknown_partition;
    if (quotes_part && looks_like_credential(in)) {
        m += "is not a host name: enter the org's My Domain host, e.g. 'acme.my.salesforce.com'";
    } else {
        m += site_rejection_text(in, c);
    }
    if (!c.suggestion().empty()) {
        m += "; did you mean '";
        m += c.suggestion();
        m += "'?";
    }
    return m;
}

inline std::string site_hint(SiteRejection r) {
    std::string hint =
        "The Site is the org's My Domain host, shown in Setup > My Domain (Current My Domain URL) without "
        "'https://': e.g. acme.my.salesforce.com, acme--uat.sandbox.my.salesforce.com for a sandbox, "
        "acme-dev-ed.develop.my.salesforce.com for a Developer Edition org.";
    if (r == SiteRejection::unknown_domain) {
        hint += " If this really is the org's endpoint (private connectivity, or a Salesforce domain sfconnect does "
                "not know yet), the application can opt in with Site::parse_allowing_unknown_domain().";
    }
    return hint;
}

}  // namespace detail

SFCONNECT_DECL boost::system::result<Site> Site::parse_impl(std::string_view input, SiteDomains domains,
                                                            Diagnostics* diag) {
    if (diag != nullptr) diag->clear();
    const SiteCheck c = check_site(input, domains);
    if (c.ok()) return Site(c.parts);
    if (diag != nullptr) {
        diag->phase = Phase::site;
        diag->message = detail::site_message(input, c);
        diag->hint = detail::site_hint(c.reason);
    }
    return error_code(errc::invalid_site);
}

SFCONNECT_DECL boost::system::result<Site> Site::parse(std::string_view input) {
    return parse_impl(input, SiteDomains::known_only, nullptr);
}

SFCONNECT_DECL boost::system::result<Site> Site::parse(std::string_view input, Diagnostics& diag) {
    return parse_impl(input, SiteDomains::known_only, &diag);
}

SFCONNECT_DECL boost::system::result<Site> Site::parse_allowing_unknown_domain(std::string_view input,
                                                                               Diagnostics& diag) {
    return parse_impl(input, SiteDomains::allow_unknown, &diag);
}

SFCONNECT_DECL Site Site::from(std::string_view input) {
    Diagnostics diag;
    auto r = parse(input, diag);
    if (!r) throw ErrorWithDiagnostics(r.error(), std::move(diag));
    return *r;
}

SFCONNECT_DECL std::string Site::base_url() const {
    std::string url = "https://";
    url += host();
    return url;
}

SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const Site& site) { return os << site.host(); }

}  // namespace sfconnect

#endif
