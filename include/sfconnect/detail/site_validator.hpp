// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SITE_VALIDATOR_HPP
#define SFCONNECT_DETAIL_SITE_VALIDATOR_HPP

/// @file
/// The one Site validator. Everything here is constexpr and allocation-free so that
/// Site::parse (run time), the consteval Site constructor and the _site literal (compile time)
/// all run the same code and can never disagree. Included by <sfconnect/site.hpp>.

#include <sfconnect/detail/ascii.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sfconnect {

/// The kind of org a Site belongs to, derived from the host's shape.
enum class SiteKind {
    production,      ///< `<name>.my.salesforce.com`
    sandbox,         ///< `<name>--<sandbox>.sandbox.my.salesforce.com` (enhanced domains)
    legacy_sandbox,  ///< `<name>--<sandbox>.my.salesforce.com` (before enhanced domains)
    developer,       ///< `<name>.develop.my.salesforce.com` (Developer Edition; older patch orgs)
    scratch,         ///< `<name>.scratch.my.salesforce.com`
    demo,            ///< `<name>.demo.my.salesforce.com`
    patch,           ///< `<name>.patch.my.salesforce.com`
    trailblaze,      ///< `<name>.trailblaze.my.salesforce.com` (Trailblazer Playground)
    internal,        ///< partitions reserved for Salesforce: free, sfdctest, bt, sfdcdot
    legacy_domain,   ///< *.cloudforce.com, *.database.com, *.my-salesforce.com
    custom,          ///< a host outside the known suffixes, accepted by explicit opt-in only
};

/// The Salesforce cloud a Site belongs to, from its My Domain suffix.
enum class SiteCloud {
    commercial,  ///< .my.salesforce.com (and the legacy suffixes)
    government,  ///< .my.salesforce.mil (Government Cloud)
    china,       ///< .my.sfcrmproducts.cn (Salesforce on Alibaba Cloud)
    custom,      ///< unknown suffix, accepted by explicit opt-in only
};

/// Why an input is not a valid Site. The enumerator names are stable (see to_string).
enum class SiteRejection {
    none,                   ///< valid
    empty,                  ///< nothing was entered
    whitespace,             ///< spaces, tabs, line breaks or no-break/zero-width spaces anywhere
    has_scheme,             ///< starts with "https://" (or another scheme, or "//")
    has_path,               ///< contains '/' (a path, or just a trailing slash)
    has_query,              ///< contains '?'
    has_fragment,           ///< contains '#'
    has_port,               ///< contains ":<port>"
    has_userinfo,           ///< contains "user@" or "user:password@"
    ip_address,             ///< an IPv4 or IPv6 literal
    generic_login_host,     ///< login/test/welcome.salesforce.com: the CC flow is refused there
    lightning_host,         ///< *.lightning.force.com: the browser UI, not the API host
    experience_cloud_host,  ///< *.my.site.com / *.my.salesforce-sites.com: public sites
    setup_host,             ///< *.my.salesforce-setup.com: the Setup UI host
    instance_host,          ///< na44.salesforce.com and other Salesforce hosts that are not a My Domain
    empty_label,            ///< two dots in a row, or a leading dot
    label_too_long,         ///< a DNS label longer than 63 characters
    label_hyphen_edge,      ///< a DNS label (or a My Domain/sandbox name) starting or ending with '-'
    invalid_character,      ///< a character other than a-z, 0-9, '-' and '.' (after lower-casing)
    too_long,               ///< more than 253 characters (not counting one trailing dot)
    unknown_domain,         ///< not under a known Salesforce My Domain suffix
    unknown_partition,      ///< an unknown label between the name and .my.salesforce.com
    sandbox_name_missing,   ///< a .sandbox. host without "<name>--<sandbox>"
};

/// The stable snake_case identifier of a rejection ("none", "has_scheme", ...).
constexpr std::string_view to_string(SiteRejection r) noexcept {
    switch (r) {
        case SiteRejection::none: return "none";
        case SiteRejection::empty: return "empty";
        case SiteRejection::whitespace: return "whitespace";
        case SiteRejection::has_scheme: return "has_scheme";
        case SiteRejection::has_path: return "has_path";
        case SiteRejection::has_query: return "has_query";
        case SiteRejection::has_fragment: return "has_fragment";
        case SiteRejection::has_port: return "has_port";
        case SiteRejection::has_userinfo: return "has_userinfo";
        case SiteRejection::ip_address: return "ip_address";
        case SiteRejection::generic_login_host: return "generic_login_host";
        case SiteRejection::lightning_host: return "lightning_host";
        case SiteRejection::experience_cloud_host: return "experience_cloud_host";
        case SiteRejection::setup_host: return "setup_host";
        case SiteRejection::instance_host: return "instance_host";
        case SiteRejection::empty_label: return "empty_label";
        case SiteRejection::label_too_long: return "label_too_long";
        case SiteRejection::label_hyphen_edge: return "label_hyphen_edge";
        case SiteRejection::invalid_character: return "invalid_character";
        case SiteRejection::too_long: return "too_long";
        case SiteRejection::unknown_domain: return "unknown_domain";
        case SiteRejection::unknown_partition: return "unknown_partition";
        case SiteRejection::sandbox_name_missing: return "sandbox_name_missing";
    }
    return "unknown";
}

/// Which hosts check_site accepts.
enum class SiteDomains {
    known_only,     ///< only the known Salesforce My Domain suffixes (the default everywhere)
    allow_unknown,  ///< also any other well-formed host name, as SiteKind::custom (explicit opt-in)
};

namespace detail {

inline constexpr std::size_t max_host_length = 253;  // RFC 1035, without the trailing dot
inline constexpr std::size_t max_label_length = 63;  // RFC 1035

/// Fixed storage for a normalised host name, so Site and SiteCheck are literal types.
struct HostBuffer {
    char data[max_host_length + 1]{};
    std::uint8_t size = 0;

    constexpr std::string_view view() const noexcept { return {data, size}; }
};

/// A validated host and the positions of its parts (offsets into host).
struct SiteParts {
    HostBuffer host{};
    SiteKind kind = SiteKind::production;
    SiteCloud cloud = SiteCloud::commercial;
    std::uint8_t name_offset = 0;
    std::uint8_t name_length = 0;
    std::uint8_t sandbox_offset = 0;
    std::uint8_t sandbox_length = 0;
    std::uint8_t partition_offset = 0;
    std::uint8_t partition_length = 0;
};

}  // namespace detail

/// The verdict of check_site: why the input is rejected (and where), or the normalised host and
/// its parts; for some rejections also a derived, valid host to suggest.
struct SiteCheck {
    /// SiteRejection::none when the input is a valid Site.
    SiteRejection reason = SiteRejection::none;
    /// Where in the input the problem starts (0 when it concerns the whole input).
    std::size_t offset = 0;
    /// How many input characters the problem spans (e.g. 8 for "https://").
    std::size_t length = 0;
    /// The normalised host and its parts; meaningful only when ok().
    detail::SiteParts parts{};
    /// A valid host derived from a rejected input ("did you mean"); empty when none.
    detail::HostBuffer suggested{};

    /// True when the input is a valid Site.
    constexpr bool ok() const noexcept { return reason == SiteRejection::none; }
    /// The normalised host (lower case, no trailing dot); empty unless ok().
    constexpr std::string_view host() const noexcept { return parts.host.view(); }
    /// The suggested host for a rejected input, or "" when none can be derived.
    constexpr std::string_view suggestion() const noexcept { return suggested.view(); }
};

// The rules (ASCII classes and case folding come from detail/ascii.hpp).
namespace detail {

constexpr bool is_host_char(char lower) noexcept {
    return (lower >= 'a' && lower <= 'z') || is_digit(lower) || lower == '-' || lower == '.';
}

// Bytes in the UTF-8 sequence that starts with `lead` (1 for ASCII and stray bytes).
constexpr std::size_t utf8_sequence_length(char lead) noexcept {
    const auto b = static_cast<unsigned char>(lead);
    if (b >= 0xF0 && b <= 0xF7) return 4;
    if (b >= 0xE0) return b <= 0xEF ? 3 : 1;
    if (b >= 0xC2) return 2;
    return 1;
}

// Length of the whitespace at s[i], or 0. Besides ASCII blanks this covers what copy-paste from
// web pages and documents brings along: no-break, zero-width and other Unicode spaces, and the BOM.
constexpr std::size_t space_at(std::string_view s, std::size_t i) noexcept {
    if (i >= s.size()) return 0;
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
    const auto byte = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    const unsigned b0 = byte(0), b1 = byte(1), b2 = byte(2);
    if (b0 == 0xC2 && b1 == 0xA0) return 2;  // U+00A0
    if (b0 == 0xE2 && b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8F) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF))
        return 3;                                                          // U+2000-200F, 2028/9, 202F
    if (b0 == 0xE2 && b1 == 0x81 && (b2 == 0x9F || b2 == 0xA0)) return 3;  // U+205F, U+2060
    if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;                  // U+3000
    if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) return 3;                  // U+FEFF (BOM)
    return 0;
}

// Length of the run of whitespace at the start of s.
constexpr std::size_t leading_space_length(std::string_view s) noexcept {
    std::size_t i = 0;
    while (const std::size_t n = space_at(s, i)) i += n;
    return i;
}

// Length of the run of whitespace at the end of s.
constexpr std::size_t trailing_space_length(std::string_view s) noexcept {
    std::size_t end = s.size();
    for (bool found = true; found && end > 0;) {
        found = false;
        for (std::size_t n = 1; n <= 3 && n <= end; ++n) {
            if (space_at(s.substr(0, end), end - n) == n) {
                end -= n;
                found = true;
                break;
            }
        }
    }
    return s.size() - end;
}

constexpr std::string_view trim_spaces(std::string_view s) noexcept {
    s.remove_prefix(leading_space_length(s));
    s.remove_suffix(trailing_space_length(s));
    return s;
}

// Index-based searches. libstdc++'s string_view::find compares pointers with null, which g++ 12
// refuses in constant expressions under -fsanitize=undefined; these loops keep sanitizer builds working.
inline constexpr std::size_t npos = std::string_view::npos;

constexpr std::size_t find_char(std::string_view s, char c, std::size_t pos = 0) noexcept {
    for (std::size_t i = pos; i < s.size(); ++i)
        if (s[i] == c) return i;
    return npos;
}

constexpr std::size_t rfind_char(std::string_view s, char c) noexcept {
    for (std::size_t i = s.size(); i > 0; --i)
        if (s[i - 1] == c) return i - 1;
    return npos;
}

constexpr std::size_t find_any(std::string_view s, std::string_view set) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i)
        if (find_char(set, s[i]) != npos) return i;
    return npos;
}

constexpr std::size_t find_text(std::string_view s, std::string_view text, std::size_t pos = 0) noexcept {
    for (std::size_t i = pos; i + text.size() <= s.size(); ++i)
        if (s.substr(i, text.size()) == text) return i;
    return npos;
}

// Length of a leading URL scheme: "https://", "http:/", "HTTPS:", "ftp://", "//"; 0 when none.
// "host:443" is not a scheme (no slash after the colon and not http/https).
constexpr std::size_t scheme_length(std::string_view s) noexcept {
    if (s.starts_with("//") || s.starts_with("\\\\")) return 2;
    if (s.empty() || !is_alpha(s[0])) return 0;
    std::size_t i = 1;
    while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
    if (i >= s.size() || s[i] != ':') return 0;
    std::size_t j = i + 1;
    while (j < s.size() && (s[j] == '/' || s[j] == '\\')) ++j;
    if (j > i + 1) return j;
    const std::string_view name = s.substr(0, i);
    return (iequals(name, "http") || iequals(name, "https")) ? i + 1 : 0;
}

// True when host is `suffix` itself or ends with "." + suffix.
constexpr bool is_or_under(std::string_view host, std::string_view suffix) noexcept {
    if (host == suffix) return true;
    return host.size() > suffix.size() && host.ends_with(suffix) && host[host.size() - suffix.size() - 1] == '.';
}

// True when host ends with "." + suffix and has a non-empty name in front of it.
constexpr bool is_strictly_under(std::string_view host, std::string_view suffix) noexcept {
    return host.size() > suffix.size() + 1 && is_or_under(host, suffix);
}

struct CloudSuffix {
    std::string_view suffix;
    SiteCloud cloud;
};
// The My Domain suffixes, per cloud (salesforce-oauth.md §6).
inline constexpr CloudSuffix my_domain_suffixes[] = {
    {"my.salesforce.com", SiteCloud::commercial},
    {"my.salesforce.mil", SiteCloud::government},
    {"my.sfcrmproducts.cn", SiteCloud::china},
};
// Pre-enhanced-domain suffixes still listed by Salesforce (OrgDomainLog.ProdSuffixType).
inline constexpr std::string_view legacy_suffixes[] = {"cloudforce.com", "database.com", "my-salesforce.com"};

struct PartitionLabel {
    std::string_view label;
    SiteKind kind;
};
// The labels between the name and the suffix (OrgDomainLog DomainPartition, sfdx-core tests).
inline constexpr PartitionLabel partitions[] = {
    {"sandbox", SiteKind::sandbox},  {"develop", SiteKind::developer}, {"scratch", SiteKind::scratch},
    {"demo", SiteKind::demo},        {"patch", SiteKind::patch},       {"trailblaze", SiteKind::trailblaze},
    {"free", SiteKind::internal},    {"sfdctest", SiteKind::internal}, {"bt", SiteKind::internal},
    {"sfdcdot", SiteKind::internal},
};

// Index into partitions, or npos (an index, not a pointer: see find_char).
constexpr std::size_t find_partition(std::string_view label) noexcept {
    for (std::size_t i = 0; i < sizeof(partitions) / sizeof(partitions[0]); ++i)
        if (partitions[i].label == label) return i;
    return npos;
}

// Generic login hosts: the client credentials grant answers "request not supported on this domain".
inline constexpr std::string_view generic_login_hosts[] = {"login.salesforce.com", "test.salesforce.com",
                                                           "welcome.salesforce.com"};

struct SuffixTwin {
    std::string_view from;
    std::string_view to;
};
// Browser-facing hosts whose My Domain twin differs only in the suffix (used for suggestions).
inline constexpr SuffixTwin lightning_suffixes[] = {
    {"lightning.force.com", "my.salesforce.com"},
    {"lightning.crmforce.mil", "my.salesforce.mil"},
    {"lightning.sfcrmapps.cn", "my.sfcrmproducts.cn"},
};
inline constexpr SuffixTwin setup_suffixes[] = {{"my.salesforce-setup.com", "my.salesforce.com"}};
// With enhanced domains a site host carries the org's My Domain name.
inline constexpr SuffixTwin experience_suffixes[] = {
    {"my.site.com", "my.salesforce.com"},
    {"my.salesforce-sites.com", "my.salesforce.com"},
};
// Salesforce-owned domains: any host under them that is not a My Domain is an instance,
// UI or service host. Rejected even with SiteDomains::allow_unknown.
inline constexpr std::string_view salesforce_domains[] = {
    "salesforce.com",   "force.com",    "salesforce.mil",       "crmforce.mil",
    "sfcrmproducts.cn", "sfcrmapps.cn", "salesforce-setup.com", "salesforce-sites.com",
    "cloudforce.com",   "database.com", "my-salesforce.com",    "documentforce.com",
};

constexpr SiteCheck reject(SiteRejection r, std::size_t offset, std::size_t length) noexcept {
    SiteCheck c{};
    c.reason = r;
    c.offset = offset;
    c.length = length;
    return c;
}

constexpr std::uint8_t u8(std::size_t v) noexcept { return static_cast<std::uint8_t>(v); }

// Position of the "--" joining My Domain name and sandbox name, or npos. The "--" of an IDNA
// label ("xn--...") is not one.
constexpr std::size_t sandbox_separator(std::string_view label) noexcept {
    return find_text(label, "--", label.starts_with("xn--") ? 4 : 0);
}

// Splits a "<name>--<sandbox>" label starting at host offset `at`. False when a part would start or
// end with '-' (e.g. "acme---uat").
constexpr bool split_sandbox_label(SiteParts& p, std::string_view label, std::size_t at) noexcept {
    const std::size_t dd = sandbox_separator(label);
    const std::string_view sandbox = label.substr(dd + 2);
    if (sandbox.empty() || sandbox.front() == '-' || sandbox.back() == '-') return false;
    p.name_offset = u8(at);
    p.name_length = u8(dd);
    p.sandbox_offset = u8(at + dd + 2);
    p.sandbox_length = u8(sandbox.size());
    return true;
}

// <prefix>.<my domain suffix>: production, legacy sandbox or <name>.<partition>.
constexpr SiteCheck classify_my_domain(SiteCheck c, std::string_view prefix, SiteCloud cloud) noexcept {
    using R = SiteRejection;
    c.parts.cloud = cloud;
    const std::size_t dot = find_char(prefix, '.');
    const std::string_view name = prefix.substr(0, dot);
    if (dot == npos) {
        if (name == "sandbox") return reject(R::sandbox_name_missing, 0, name.size());
        if (sandbox_separator(name) != npos) {
            c.parts.kind = SiteKind::legacy_sandbox;
            if (!split_sandbox_label(c.parts, name, 0)) return reject(R::label_hyphen_edge, 0, name.size());
            return c;
        }
        c.parts.kind = SiteKind::production;
        c.parts.name_length = u8(name.size());
        return c;
    }
    const std::string_view partition = prefix.substr(dot + 1);
    const std::size_t rule = find_char(partition, '.') == npos ? find_partition(partition) : npos;
    if (rule == npos) return reject(R::unknown_partition, dot + 1, partition.size());
    c.parts.kind = partitions[rule].kind;
    c.parts.partition_offset = u8(dot + 1);
    c.parts.partition_length = u8(partition.size());
    if (partitions[rule].kind == SiteKind::sandbox) {
        if (sandbox_separator(name) == npos) return reject(R::sandbox_name_missing, 0, name.size());
        if (!split_sandbox_label(c.parts, name, 0)) return reject(R::label_hyphen_edge, 0, name.size());
        return c;
    }
    c.parts.name_length = u8(name.size());
    return c;
}

// <prefix>.cloudforce.com / database.com / my-salesforce.com: shapes vary, so only the name,
// an optional "--<sandbox>" and a known partition label right before the suffix are read.
constexpr SiteCheck classify_legacy(SiteCheck c, std::string_view prefix) noexcept {
    c.parts.kind = SiteKind::legacy_domain;
    c.parts.cloud = SiteCloud::commercial;
    const std::string_view name = prefix.substr(0, find_char(prefix, '.'));
    if (sandbox_separator(name) != npos) {
        if (!split_sandbox_label(c.parts, name, 0)) return reject(SiteRejection::label_hyphen_edge, 0, name.size());
    } else {
        c.parts.name_length = u8(name.size());
    }
    const std::size_t last_dot = rfind_char(prefix, '.');
    if (last_dot != npos && find_partition(prefix.substr(last_dot + 1)) != npos) {
        c.parts.partition_offset = u8(last_dot + 1);
        c.parts.partition_length = u8(prefix.size() - last_dot - 1);
    }
    return c;
}

// Which family a well-formed, lower-case host belongs to. Order matters: the specific
// rejections (login, Lightning, Setup, sites) come before the catch-all for Salesforce domains.
constexpr SiteCheck classify_host(SiteCheck c, std::string_view h, SiteDomains domains) noexcept {
    using R = SiteRejection;
    for (std::string_view login : generic_login_hosts)
        if (h == login) return reject(R::generic_login_host, 0, h.size());
    for (const auto& twin : lightning_suffixes)
        if (is_or_under(h, twin.from)) return reject(R::lightning_host, 0, h.size());
    for (const auto& twin : setup_suffixes)
        if (is_or_under(h, twin.from)) return reject(R::setup_host, 0, h.size());
    for (const auto& twin : experience_suffixes)
        if (is_or_under(h, twin.from)) return reject(R::experience_cloud_host, 0, h.size());
    for (const auto& s : my_domain_suffixes)
        if (is_strictly_under(h, s.suffix))
            return classify_my_domain(c, h.substr(0, h.size() - s.suffix.size() - 1), s.cloud);
    for (std::string_view s : legacy_suffixes)
        if (is_strictly_under(h, s)) return classify_legacy(c, h.substr(0, h.size() - s.size() - 1));
    for (std::string_view s : salesforce_domains)
        if (is_or_under(h, s)) return reject(R::instance_host, 0, h.size());
    if (domains != SiteDomains::allow_unknown) return reject(R::unknown_domain, 0, h.size());
    c.parts.kind = SiteKind::custom;
    c.parts.cloud = SiteCloud::custom;
    c.parts.name_length = u8(find_char(h, '.') == npos ? h.size() : find_char(h, '.'));
    return c;
}

// The validator proper, without suggestions. Checks run in the order that gives the most useful
// message for what people paste: surrounding whitespace, then URL parts from left to right
// (scheme first, so a pasted URL says "remove 'https://'"), then DNS syntax, then the domain.
constexpr SiteCheck validate_site(std::string_view in, SiteDomains domains) noexcept {
    using R = SiteRejection;
    if (in.empty()) return reject(R::empty, 0, 0);
    if (const std::size_t n = leading_space_length(in)) return reject(R::whitespace, 0, n);
    if (const std::size_t n = trailing_space_length(in)) return reject(R::whitespace, in.size() - n, n);
    if (const std::size_t n = scheme_length(in)) return reject(R::has_scheme, 0, n);
    if (const std::size_t p = find_any(in, "/?#"); p != npos) {
        const R r = in[p] == '/' ? R::has_path : in[p] == '?' ? R::has_query : R::has_fragment;
        return reject(r, p, in.size() - p);
    }
    if (const std::size_t at = rfind_char(in, '@'); at != npos) return reject(R::has_userinfo, 0, at + 1);
    if (in.front() == '[') return reject(R::ip_address, 0, in.size());
    if (const std::size_t colon = find_char(in, ':'); colon != npos) {
        if (find_char(in, ':', colon + 1) != npos) return reject(R::ip_address, 0, in.size());  // IPv6
        return reject(R::has_port, colon, in.size() - colon);
    }
    for (std::size_t i = 0; i < in.size(); ++i)
        if (const std::size_t n = space_at(in, i)) return reject(R::whitespace, i, n);

    std::string_view host = in;
    if (host.back() == '.') host.remove_suffix(1);  // one trailing dot: the DNS root
    if (host.size() > max_host_length) return reject(R::too_long, 0, host.size());
    for (std::size_t i = 0; i < host.size(); ++i) {
        if (!is_host_char(ascii_lower(host[i]))) {
            const std::size_t n = utf8_sequence_length(host[i]);
            return reject(R::invalid_character, i, n < host.size() - i ? n : host.size() - i);
        }
    }
    for (std::size_t start = 0;;) {
        const std::size_t dot = find_char(host, '.', start);
        const std::size_t end = dot == npos ? host.size() : dot;
        if (end == start) return reject(R::empty_label, start, dot == npos ? 0 : 1);
        if (end - start > max_label_length) return reject(R::label_too_long, start, end - start);
        if (host[start] == '-' || host[end - 1] == '-') return reject(R::label_hyphen_edge, start, end - start);
        if (dot == npos) break;
        start = dot + 1;
    }
    // A numeric last label makes resolvers read the whole name as an IPv4 address (WHATWG URL).
    const std::size_t last = rfind_char(host, '.') == npos ? 0 : rfind_char(host, '.') + 1;
    bool numeric = true;
    for (std::size_t i = last; i < host.size(); ++i) numeric = numeric && is_digit(host[i]);
    if (numeric) return reject(R::ip_address, 0, host.size());

    SiteCheck c{};
    for (std::size_t i = 0; i < host.size(); ++i) c.parts.host.data[i] = ascii_lower(host[i]);
    c.parts.host.size = u8(host.size());
    return classify_host(c, c.parts.host.view(), domains);
}

// Derives the host the user most likely meant and keeps it only if the validator accepts it.
constexpr void suggest_site(std::string_view in, SiteDomains domains, SiteCheck& out) noexcept {
    std::string_view s = trim_spaces(in);
    s.remove_prefix(scheme_length(s));
    s = s.substr(0, find_any(s, "/?#"));
    if (const std::size_t at = rfind_char(s, '@'); at != npos) s.remove_prefix(at + 1);
    s = trim_spaces(s);
    if (s.empty() || s.front() == '[') return;
    if (const std::size_t colon = find_char(s, ':'); colon != npos) {
        if (find_char(s, ':', colon + 1) != npos) return;
        s = s.substr(0, colon);
    }
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    if (s.empty() || s.size() > max_host_length) return;

    constexpr std::size_t capacity = max_host_length + 32;  // room for the longest rewrite below
    char buf[capacity]{};
    std::size_t n = 0;
    for (char ch : s) buf[n++] = ascii_lower(ch);
    // Replaces buf[from, n) by `text`.
    const auto replace_tail = [&](std::size_t from, std::string_view text) {
        if (from + text.size() > capacity) return false;
        for (std::size_t i = 0; i < text.size(); ++i) buf[from + i] = text[i];
        n = from + text.size();
        return true;
    };
    const auto rewrite_twin = [&](const auto& twins) {
        for (const auto& twin : twins) {
            const std::string_view h(buf, n);
            if (is_strictly_under(h, twin.from)) return replace_tail(n - twin.from.size(), twin.to);
        }
        return false;
    };
    if (!rewrite_twin(lightning_suffixes) && !rewrite_twin(setup_suffixes)) rewrite_twin(experience_suffixes);

    SiteCheck c = validate_site(std::string_view(buf, n), domains);
    const std::string_view h(buf, n);
    if (c.reason == SiteRejection::unknown_domain && find_char(h, '.') == npos && h != "localhost") {
        // Only the My Domain name was entered: "acme" or "acme--uat".
        const bool sandbox = sandbox_separator(h) != npos;
        if (replace_tail(n, sandbox ? ".sandbox.my.salesforce.com" : ".my.salesforce.com"))
            c = validate_site(std::string_view(buf, n), domains);
    } else if (c.reason == SiteRejection::unknown_partition && sandbox_separator(h.substr(0, c.offset)) != npos &&
               find_char(h.substr(c.offset, c.length), '.') == npos) {
        // Instanced sandbox host from before enhanced domains: acme--uat.cs42.my.salesforce.com.
        const std::string_view suffix = h.substr(c.offset + c.length);
        char tail[capacity]{};
        for (std::size_t i = 0; i < suffix.size(); ++i) tail[i] = suffix[i];
        if (replace_tail(c.offset, "sandbox") && replace_tail(n, std::string_view(tail, suffix.size())))
            c = validate_site(std::string_view(buf, n), domains);
    }
    if (c.ok()) out.suggested = c.parts.host;
}

}  // namespace detail

/// Validates a Site input: the one validator behind Site::parse, the consteval Site constructor and
/// the _site literal. Known Salesforce My Domain suffixes only.
constexpr SiteCheck check_site(std::string_view input) noexcept {
    SiteCheck c = detail::validate_site(input, SiteDomains::known_only);
    if (!c.ok()) detail::suggest_site(input, SiteDomains::known_only, c);
    return c;
}

/// Validates a Site input with an explicit domain policy (allow_unknown backs
/// Site::parse_allowing_unknown_domain).
constexpr SiteCheck check_site(std::string_view input, SiteDomains domains) noexcept {
    SiteCheck c = detail::validate_site(input, domains);
    if (!c.ok()) detail::suggest_site(input, domains, c);
    return c;
}

}  // namespace sfconnect

#endif
