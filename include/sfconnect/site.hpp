// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_SITE_HPP
#define SFCONNECT_SITE_HPP

/// @file
/// Site: the org's validated, normalised My Domain host ("acme.my.salesforce.com"), checked at
/// compile time for literals and at run time for user input by the same validator.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/detail/config.hpp>
#include <sfconnect/detail/fixed_string.hpp>
#include <sfconnect/detail/site_validator.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace sfconnect {

namespace detail {

// Called only while compiling an invalid Site literal. They are deliberately not constexpr: the
// compiler stops at the call and prints the function's name, which reads as the reason.
inline void invalid_site_literal_empty() noexcept {}
inline void invalid_site_literal_remove_whitespace() noexcept {}
inline void invalid_site_literal_remove_scheme_like_https() noexcept {}
inline void invalid_site_literal_remove_path_host_only() noexcept {}
inline void invalid_site_literal_remove_query_host_only() noexcept {}
inline void invalid_site_literal_remove_fragment_host_only() noexcept {}
inline void invalid_site_literal_remove_port() noexcept {}
inline void invalid_site_literal_remove_userinfo() noexcept {}
inline void invalid_site_literal_ip_address_use_my_domain_host() noexcept {}
inline void invalid_site_literal_generic_login_host_use_my_domain() noexcept {}
inline void invalid_site_literal_lightning_host_use_my_salesforce_com() noexcept {}
inline void invalid_site_literal_experience_cloud_host_use_my_domain() noexcept {}
inline void invalid_site_literal_setup_host_use_my_salesforce_com() noexcept {}
inline void invalid_site_literal_instance_host_use_my_domain() noexcept {}
inline void invalid_site_literal_empty_dns_label() noexcept {}
inline void invalid_site_literal_dns_label_longer_than_63() noexcept {}
inline void invalid_site_literal_dns_label_starts_or_ends_with_hyphen() noexcept {}
inline void invalid_site_literal_invalid_character_use_a_z_0_9_hyphen_dot() noexcept {}
inline void invalid_site_literal_host_longer_than_253() noexcept {}
inline void invalid_site_literal_unknown_domain_not_a_my_domain() noexcept {}
inline void invalid_site_literal_unknown_partition_label() noexcept {}
inline void invalid_site_literal_sandbox_name_missing_use_name_dash_dash_sandbox() noexcept {}

consteval void report_invalid_site_literal(SiteRejection r) noexcept {
    using R = SiteRejection;
    switch (r) {
        case R::none: return;
        case R::empty: invalid_site_literal_empty(); return;
        case R::whitespace: invalid_site_literal_remove_whitespace(); return;
        case R::has_scheme: invalid_site_literal_remove_scheme_like_https(); return;
        case R::has_path: invalid_site_literal_remove_path_host_only(); return;
        case R::has_query: invalid_site_literal_remove_query_host_only(); return;
        case R::has_fragment: invalid_site_literal_remove_fragment_host_only(); return;
        case R::has_port: invalid_site_literal_remove_port(); return;
        case R::has_userinfo: invalid_site_literal_remove_userinfo(); return;
        case R::ip_address: invalid_site_literal_ip_address_use_my_domain_host(); return;
        case R::generic_login_host: invalid_site_literal_generic_login_host_use_my_domain(); return;
        case R::lightning_host: invalid_site_literal_lightning_host_use_my_salesforce_com(); return;
        case R::experience_cloud_host: invalid_site_literal_experience_cloud_host_use_my_domain(); return;
        case R::setup_host: invalid_site_literal_setup_host_use_my_salesforce_com(); return;
        case R::instance_host: invalid_site_literal_instance_host_use_my_domain(); return;
        case R::empty_label: invalid_site_literal_empty_dns_label(); return;
        case R::label_too_long: invalid_site_literal_dns_label_longer_than_63(); return;
        case R::label_hyphen_edge: invalid_site_literal_dns_label_starts_or_ends_with_hyphen(); return;
        case R::invalid_character: invalid_site_literal_invalid_character_use_a_z_0_9_hyphen_dot(); return;
        case R::too_long: invalid_site_literal_host_longer_than_253(); return;
        case R::unknown_domain: invalid_site_literal_unknown_domain_not_a_my_domain(); return;
        case R::unknown_partition: invalid_site_literal_unknown_partition_label(); return;
        case R::sandbox_name_missing: invalid_site_literal_sandbox_name_missing_use_name_dash_dash_sandbox(); return;
    }
}

}  // namespace detail

/// An org's My Domain host: validated, lower case, without a trailing dot. Always valid (there is no
/// default constructor); a literal type, so `constexpr Site s = "acme.my.salesforce.com";` is checked
/// while compiling, and user input goes through Site::parse with a message that says what to type.
class Site {
public:
    /// Validates a string literal at compile time; an invalid literal does not compile and the error
    /// names the reason (detail::invalid_site_literal_...).
    template <std::size_t N>
    consteval Site(const char (&literal)[N])  // NOLINT(google-explicit-constructor): literals convert
        : parts_(checked_literal(std::string_view(literal, (N > 0 && literal[N - 1] == '\0') ? N - 1 : N))) {}

    /// Validates user input; on failure the error is errc::invalid_site.
    SFCONNECT_DECL static boost::system::result<Site> parse(std::string_view input);
    /// Validates user input; on failure also fills diag (phase "site", message with the fix, hint).
    SFCONNECT_DECL static boost::system::result<Site> parse(std::string_view input, Diagnostics& diag);
    /// Validates user input and throws ErrorWithDiagnostics (errc::invalid_site) on failure.
    SFCONNECT_DECL static Site from(std::string_view input);
    /// Opt-in for hosts outside the known Salesforce suffixes (private connectivity, future domains):
    /// still rejects schemes, paths, ports, whitespace, IP addresses, malformed labels and known
    /// non-My-Domain Salesforce hosts. Unknown hosts get kind() == SiteKind::custom.
    SFCONNECT_DECL static boost::system::result<Site> parse_allowing_unknown_domain(std::string_view input,
                                                                                    Diagnostics& diag);

    /// The normalised host: lower case, no trailing dot ("acme--uat.sandbox.my.salesforce.com").
    constexpr std::string_view host() const noexcept { return parts_.host.view(); }
    /// The kind of org, from the host's shape.
    constexpr SiteKind kind() const noexcept { return parts_.kind; }
    /// The Salesforce cloud, from the host's suffix.
    constexpr SiteCloud cloud() const noexcept { return parts_.cloud; }
    /// The partition label ("sandbox", "develop", "scratch", ...), or "" for production hosts.
    constexpr std::string_view partition() const noexcept {
        return host().substr(parts_.partition_offset, parts_.partition_length);
    }
    /// The My Domain name: "acme" for acme--uat.sandbox.my.salesforce.com, "nango-dev-ed" for
    /// nango-dev-ed.develop.my.salesforce.com (the first label for custom hosts).
    constexpr std::string_view my_domain_name() const noexcept {
        return host().substr(parts_.name_offset, parts_.name_length);
    }
    /// The sandbox name ("uat" for acme--uat.sandbox.my.salesforce.com), or "".
    constexpr std::string_view sandbox_name() const noexcept {
        return host().substr(parts_.sandbox_offset, parts_.sandbox_length);
    }
    /// True for sandbox orgs (enhanced or legacy host form).
    constexpr bool is_sandbox() const noexcept { return parts_.sandbox_length > 0 || partition() == "sandbox"; }
    /// "https://" + host(), without a trailing slash.
    SFCONNECT_DECL std::string base_url() const;

    /// Sites are equal when their normalised hosts are.
    friend constexpr bool operator==(const Site& a, const Site& b) noexcept { return a.host() == b.host(); }
    /// Writes the host.
    friend SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const Site& site);

private:
    constexpr explicit Site(const detail::SiteParts& parts) noexcept : parts_(parts) {}

    SFCONNECT_DECL static boost::system::result<Site> parse_impl(std::string_view input, SiteDomains domains,
                                                                 Diagnostics* diag);

    static consteval detail::SiteParts checked_literal(std::string_view literal) noexcept {
        const SiteCheck c = check_site(literal);
        detail::report_invalid_site_literal(c.reason);
        return c.parts;
    }

    detail::SiteParts parts_;
};

namespace literals {
/// "acme.my.salesforce.com"_site: a Site validated at compile time.
template <fixed_string S>
consteval Site operator""_site() {
    return Site(S.data);
}
}  // namespace literals

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/site.ipp>
#endif

#endif
