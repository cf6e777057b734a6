// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_ERROR_IPP
#define SFCONNECT_IMPL_ERROR_IPP

#include <sfconnect/error.hpp>

#include <boost/asio/error.hpp>

#include <string>

namespace sfconnect {
namespace detail {

struct error_info {
    std::string_view id;
    std::string_view message;
    std::string_view hint;
};

// One table per category; index = enum value. Messages say what happened, hints say what to change.
inline constexpr error_info client_errors[] = {
    {"ok", "success", ""},
    {"invalid_site", "the Site is not a valid Salesforce My Domain host",
     "Enter the org's My Domain host only, e.g. 'acme.my.salesforce.com' (Setup > My Domain shows it): "
     "no 'https://', no path, no port."},
    {"invalid_credentials", "the consumer key or consumer secret is malformed",
     "Copy the Consumer Key and Consumer Secret again from App Manager > your connected app > View > "
     "Manage Consumer Details, without surrounding spaces, quotes or line breaks."},
    {"dns_failed", "the host name could not be resolved",
     "Check the Site spelling against Setup > My Domain, and that this machine's DNS resolves it "
     "(a new My Domain can take a few minutes to appear in DNS)."},
    {"connect_failed", "the TCP connection could not be established",
     "Check outbound HTTPS (port 443) from this machine, firewalls, and the proxy setting "
     "(HTTPS_PROXY / NO_PROXY or --proxy)."},
    {"proxy_failed", "the HTTP proxy refused or failed the CONNECT tunnel",
     "Check the proxy URL, its credentials, and that it allows CONNECT to the Site on port 443."},
    {"tls_failed", "the TLS handshake or certificate verification failed",
     "Check that the Site is the org's real My Domain host and that the system trust store "
     "(ca-certificates) or --ca-file contains the issuing CA; a TLS-intercepting proxy needs its CA added."},
    {"timeout", "the operation timed out",
     "The server or network did not answer in time; retry later, check connectivity and proxy, or raise "
     "the timeout."},
    {"connection_lost", "the connection was closed before a complete reply arrived",
     "A transient network problem or an intermediary closed the connection; retry. If it persists, "
     "check proxies and firewalls between this machine and Salesforce."},
    {"redirected", "the server answered with a redirect, which sfconnect never follows",
     "Use the org's current My Domain host as the Site (a renamed My Domain redirects from the old name); "
     "credentials are never sent to another host."},
    {"bad_response", "the server's reply is malformed, too large, or points at an unexpected host",
     "Make sure the Site is a Salesforce My Domain host and no proxy rewrites replies; if it persists, "
     "report it with the diagnostics."},
    {"signature_mismatch", "the token reply's signature does not match the consumer secret",
     "The reply was altered in transit or the Consumer Secret does not belong to this app: copy the "
     "secret again from Manage Consumer Details, and check for TLS-intercepting proxies."},
    {"server_error", "the server answered with a 5xx error",
     "Salesforce or an intermediary is temporarily unavailable; retry later and check "
     "status.salesforce.com for the org's instance."},
};

inline constexpr error_info oauth_errors[] = {
    {"ok", "success", ""},
    {"unsupported_domain", "the token request was refused on this domain",
     "The Client Credentials Flow only works on the org's own My Domain host: use "
     "'<mydomain>.my.salesforce.com' (Setup > My Domain), not login.salesforce.com or test.salesforce.com."},
    {"invalid_client_id", "the consumer key was not recognised",
     "Check the Consumer Key (App Manager > your app > View > Manage Consumer Details). If the app was "
     "just created or edited, wait: changes can take up to 10 minutes to propagate."},
    {"invalid_client_secret", "the consumer secret was rejected",
     "Copy the Consumer Secret again from App Manager > your app > View > Manage Consumer Details; "
     "if it was regenerated, use the new one."},
    {"no_run_as_user", "no Run As user is set for the Client Credentials Flow",
     "In App Manager > your app > Manage > Edit Policies > Client Credentials Flow, set 'Run As' to an "
     "integration user (ideally one with the API Only User permission); changes can take up to 10 minutes to "
     "propagate."},
    {"grant_not_enabled", "the client credentials grant is not enabled for this app",
     "In App Manager > your app > Edit > API (Enable OAuth Settings), check 'Enable Client Credentials "
     "Flow' and save; changes can take up to 10 minutes to propagate."},
    {"user_inactive", "the Run As user is inactive or frozen",
     "Reactivate or unfreeze the Run As user (Setup > Users), or choose another Run As user under "
     "Manage > Edit Policies."},
    {"org_inactive", "the org is locked, closed or suspended",
     "The org itself cannot be used; contact the org's Salesforce administrator or Salesforce support."},
    {"ip_restricted", "the login was refused because of IP restrictions or login hours",
     "Add this machine's public IP to the Run As user's profile Login IP Ranges, or set the app's IP "
     "Relaxation (Manage > Edit Policies), and check login hours; a proxy changes the IP Salesforce sees. "
     "Changes can take up to 10 minutes to propagate."},
    {"login_rate_exceeded", "too many logins for the Run As user",
     "The Run As user exceeded the hourly login limit: cache tokens (sfconnect does), stop other clients "
     "that log in repeatedly, and retry later."},
    {"token_rejected", "the token endpoint rejected the request",
     "See the server's error and description; the org's Login History for the Run As user records the "
     "precise reason."},
    {"invalid_assertion", "the JWT assertion was rejected (signature, certificate or issuer)",
     "The assertion must be signed with the private key of the certificate uploaded to the connected app "
     "(Edit > API > Use digital signatures), and its issuer must be that app's Consumer Key: upload the "
     "certificate made from this key, or use the key that belongs to the uploaded certificate."},
    {"invalid_audience", "the JWT assertion's audience is invalid",
     "The audience must be https://login.salesforce.com (production, Developer Edition), "
     "https://test.salesforce.com (sandboxes, scratch orgs) or the Experience Cloud site's URL, never the My "
     "Domain host; leave the audience override empty to derive it from the Site."},
    {"user_not_approved", "the user has not approved this connected app",
     "Either the user is not pre-authorized: in App Manager > your app > Manage > Edit Policies set 'Permitted "
     "Users' to 'Admin approved users are pre-authorized' and add the user's profile or a permission set under "
     "Manage Profiles / Manage Permission Sets; or the host and audience do not belong together (a sandbox "
     "Site needs https://test.salesforce.com). Changes can take up to 10 minutes to propagate."},
    {"unknown_user", "the JWT assertion names a user Salesforce does not know",
     "Check the username (Setup > Users): it must be the exact Salesforce username of an active user in this "
     "org; sandbox usernames carry the sandbox name as a suffix (name@company.com.uat)."},
    {"assertion_expired", "the JWT assertion has expired",
     "The assertion's 'exp' was already past when Salesforce checked it: this machine's clock is behind or "
     "ahead; synchronise it (NTP). The assertion lifetime may be at most 3 minutes."},
};

inline constexpr error_info api_errors[] = {
    {"ok", "success", ""},
    {"invalid_session", "the access token expired or was revoked",
     "sfconnect fetches a new token and retries once; if this persists, check the app's session policies "
     "(Manage > Edit Policies > Timeout Value)."},
    {"session_not_valid_for_api", "the session is not valid for use with the REST API",
     "Add the 'api' OAuth scope to the connected app, check IP restrictions ('Relax IP restrictions'), "
     "and that no High Assurance session is required; a new token will not fix this, but after such a "
     "change the next token does (changes can take up to 10 minutes to propagate)."},
    {"insufficient_access", "the Run As user lacks access for this request",
     "Review Setup > Identity Verification > Session Security Level Policies and the Run As user's "
     "permissions; a dedicated API Only integration user is recommended."},
    {"api_disabled", "API access is disabled for this org or user",
     "Give the Run As user the 'API Enabled' permission (profile or permission set); some editions do not "
     "include API access."},
    {"request_limit_exceeded", "the org's API request limit is exhausted",
     "Wait for the 24-hour window to free up, reduce call volume, or ask Salesforce for a higher limit; "
     "a new token does not help."},
    {"api_error", "the REST API returned an error", "See the server's errorCode and message."},
};

template <class Enum, std::size_t N>
class table_category final : public boost::system::error_category {
public:
    constexpr table_category(const char* name, const error_info (&table)[N]) noexcept : name_(name), table_(table) {}
    const char* name() const noexcept override { return name_; }
    std::string message(int ev) const override {
        if (ev > 0 && static_cast<std::size_t>(ev) < N) return std::string(table_[ev].message);
        std::string unknown = name_;
        unknown += ": unknown error " + std::to_string(ev);
        return unknown;
    }
    const error_info* lookup(int ev) const noexcept {
        return (ev > 0 && static_cast<std::size_t>(ev) < N) ? &table_[ev] : nullptr;
    }

private:
    const char* name_;
    const error_info (&table_)[N];
};

inline const auto& client_cat() noexcept {
    static const table_category<errc, std::size(client_errors)> c("sfconnect.client", client_errors);
    return c;
}
inline const auto& oauth_cat() noexcept {
    static const table_category<oauth_errc, std::size(oauth_errors)> c("sfconnect.oauth", oauth_errors);
    return c;
}
inline const auto& api_cat() noexcept {
    static const table_category<api_errc, std::size(api_errors)> c("sfconnect.api", api_errors);
    return c;
}

inline const error_info* find_info(const error_code& ec) noexcept {
    if (ec.category() == client_cat()) return client_cat().lookup(ec.value());
    if (ec.category() == oauth_cat()) return oauth_cat().lookup(ec.value());
    if (ec.category() == api_cat()) return api_cat().lookup(ec.value());
    return nullptr;
}

}  // namespace detail

SFCONNECT_DECL const boost::system::error_category& client_category() noexcept { return detail::client_cat(); }
SFCONNECT_DECL const boost::system::error_category& oauth_category() noexcept { return detail::oauth_cat(); }
SFCONNECT_DECL const boost::system::error_category& api_category() noexcept { return detail::api_cat(); }

SFCONNECT_DECL std::string_view error_id(const error_code& ec) noexcept {
    if (!ec) return "ok";
    if (const auto* info = detail::find_info(ec)) return info->id;
    if (ec == boost::asio::error::operation_aborted) return "operation_aborted";
    // Endpoint values, API versions and request headers are checked with the generic code.
    if (ec == boost::system::errc::invalid_argument) return "invalid_argument";
    return "unknown";
}

SFCONNECT_DECL std::string_view default_hint(const error_code& ec) noexcept {
    if (const auto* info = detail::find_info(ec)) return info->hint;
    return {};
}

SFCONNECT_DECL bool is_transient(const error_code& ec) noexcept {
    return ec == errc::dns_failed || ec == errc::connect_failed || ec == errc::timeout || ec == errc::connection_lost ||
           ec == errc::server_error;
}

}  // namespace sfconnect

#endif
