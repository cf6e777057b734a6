// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_CHECK_IPP
#define SFCONNECT_IMPL_CHECK_IPP

#include <sfconnect/check.hpp>
#include <sfconnect/version.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/impl/check_report.ipp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <initializer_list>

namespace sfconnect {

namespace detail {

// One check attempt: the state the steps share. Each step is one function over it, so a step (the
// JWT flow's, say) can be added without touching the others.
struct CheckRun {
    CheckInput input;
    TokenClientOptions options;
    CheckOptions check_options;
    CheckReport rep;
    Diagnostics diag;
    std::optional<Site> site;
    std::optional<ConsumerCredentials> creds;
    std::optional<JwtBearerCredentials> jwt_creds;  // flow "jwt_bearer" instead of creds
    std::optional<BasicTokenClient<>> client;
    std::vector<TokenPtr> tokens;  // every token seen, so that none can leak into the report
    bool verified_tls = true;
};

// Runs `op` (an awaitable of tuple<error_code, T>); g++ 12 can destroy temporaries of a
// full-expression that contains co_await twice (chriskohlhoff/asio#1007), so each operation is
// created in its own statement by the callers.
constexpr auto awaitable_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

inline std::uint64_t retries_of(const CheckRun& r) { return r.client ? r.client->stats().retries : 0; }

// The credentials of the flow checked: the client credentials' key and secret, or the JWT bearer
// flow's key, username, private key and audience (derived from the Site unless overridden).
inline error_code check_credentials(CheckRun& r) {
    if (r.input.flow == "jwt_bearer") {
        auto jwt = JwtBearerCredentials::create(r.input.consumer_key, r.input.username,
                                                r.input.private_key_pem.reveal(), r.diag);
        if (!jwt) return jwt.error();
        if (!r.input.audience.empty())
            if (auto ec = jwt->set_audience(r.input.audience, r.diag)) return ec;
        r.jwt_creds = std::move(*jwt);
        return {};
    }
    if (r.input.flow != "client_credentials") {
        r.diag.clear();
        r.diag.phase = Phase::credentials;
        r.diag.message = "flow '" + printable(r.input.flow, 40) +
                         "' is not one sfconnect checks: use "
                         "'client_credentials' or 'jwt_bearer'";
        r.diag.hint = std::string(default_hint(errc::invalid_credentials));
        return errc::invalid_credentials;
    }
    auto creds = ConsumerCredentials::create(r.input.consumer_key, r.input.consumer_secret.reveal(), r.diag);
    if (!creds) return creds.error();
    r.creds = std::move(*creds);
    return {};
}

// site: what was entered (Site, key, secret) and how to connect (CA, proxy, connect-to), no network.
SFCONNECT_DECL boost::asio::awaitable<error_code> check_site_step(CheckRun& r) {
    const auto t0 = std::chrono::steady_clock::now();
    r.diag.clear();
    auto site = Site::parse(r.input.site, r.diag);
    if (!site) {
        Diagnostics d = r.diag;
        const bool non_ascii = std::any_of(r.input.site.begin(), r.input.site.end(),
                                           [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        if (non_ascii) {
            d.hint += (d.hint.empty() ? "" : " ");
            d.hint += "The Site contains non-ASCII characters (often a look-alike letter or a typographic dash "
                      "from copied text): retype it in plain ASCII; an internationalised custom domain is "
                      "entered in its xn-- (punycode) form.";
        }
        co_return fail(r.rep, site_step, ms_since(t0), site.error(), d);
    }
    r.rep.site = std::string(site->host());
    if (auto ec = check_credentials(r)) co_return fail(r.rep, site_step, ms_since(t0), ec, r.diag);
    TransportSettings settings;
    if (auto ec = make_transport_settings(site->host(), r.options, settings, r.diag))
        co_return fail(r.rep, site_step, ms_since(t0), ec, r.diag);
    std::string kind(site_kind_text(site->kind()));
    const std::string_view host = site->host();
    if (host.size() > 4 && host.substr(host.size() - 4) == ".mil") kind += ", Government Cloud Plus (Defense)";
    r.site = std::move(*site);
    mark_passed(r.rep.steps[site_step], ms_since(t0), std::string(host) + " (" + kind + ")");
    co_return error_code{};
}

// connect + tls: one connection, split by the phase that failed.
SFCONNECT_DECL boost::asio::awaitable<error_code> check_connection_steps(CheckRun& r) {
    const boost::asio::any_io_executor ex = co_await boost::asio::this_coro::executor;
    r.verified_tls = !r.options.insecure_disable_tls_verification;
    if (r.jwt_creds) r.client.emplace(ex, *r.site, std::move(*r.jwt_creds), r.options);
    else r.client.emplace(ex, *r.site, std::move(*r.creds), r.options);
    const auto t0 = std::chrono::steady_clock::now();
    r.diag.clear();
    auto connect_op = r.client->async_connect(r.diag, awaitable_tuple);
    auto [cec, info] = co_await std::move(connect_op);
    const double connect_total = ms_since(t0);
    const double tcp_ms = to_ms(info.resolve + info.connect + info.proxy);
    const std::string peer = info.peer + (info.via_proxy ? " via proxy" : "");
    if (cec) {
        if (r.diag.phase == Phase::tls_handshake) {
            mark_passed(r.rep.steps[connect_step], tcp_ms, peer);
            co_return fail(r.rep, tls_step, std::max(0.0, connect_total - tcp_ms), cec, r.diag, retries_of(r));
        }
        co_return fail(r.rep, connect_step, connect_total, cec, r.diag, retries_of(r));
    }
    mark_passed(r.rep.steps[connect_step], tcp_ms, peer);
    mark_passed(r.rep.steps[tls_step], to_ms(info.tls_handshake),
                info.tls_version + (info.cipher.empty() ? "" : " " + info.cipher) +
                    (r.verified_tls ? ", certificate verified for " + r.rep.site
                                    : ", certificate NOT verified (insecure_disable_tls_verification)"));
    co_return error_code{};
}

inline std::string with_retries(std::string detail, std::uint64_t retries) {
    if (retries > 0) detail += " (after " + std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
    return detail;
}

// token: the client credentials grant, signature verified when present.
SFCONNECT_DECL boost::asio::awaitable<error_code> check_token_step(CheckRun& r) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t retries0 = retries_of(r);
    r.diag.clear();
    auto token_op = r.client->async_get_token(r.diag, awaitable_tuple);
    auto [tec, tok] = co_await std::move(token_op);
    if (tok) r.tokens.push_back(tok);
    if (tec || !tok) {
        if (!tec) tec = errc::bad_response;
        co_return fail(r.rep, token_step, ms_since(t0), tec, r.diag, retries_of(r) - retries0);
    }
    CheckTokenSummary ts;
    ts.instance_url = tok->instance_url;
    ts.issued_at = iso8601_utc(tok->issued_at);
    if (!tok->scope.empty()) ts.scope = tok->scope;
    ts.token_type = tok->token_type;
    ts.signature_verified = tok->signature_verified;
    r.rep.token = std::move(ts);
    mark_passed(r.rep.steps[token_step], ms_since(t0),
                with_retries(tok->token_type + " token for user " + tok->user_id + ", " +
                                 (tok->signature_verified ? std::string("signature verified")
                                                          : std::string("no signature in the reply (not verified)")),
                             retries_of(r) - retries0));
    co_return error_code{};
}

// api: the REST API answers for this user (one token refetch on "Session expired or invalid").
SFCONNECT_DECL boost::asio::awaitable<error_code> check_api_step(CheckRun& r) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t retries0 = retries_of(r);
    const std::string version(r.check_options.api_version.str());
    r.diag.clear();
    Target api_target = endpoints::version_root.bind(r.check_options.api_version);
    auto api_op = r.client->async_request(std::move(api_target), RequestOptions{}, r.diag, awaitable_tuple);
    auto [aec, api_res] = co_await std::move(api_op);
    if (TokenPtr latest = r.client->cached_token()) r.tokens.push_back(latest);  // a 401 refetch replaces it
    if (!aec && !api_res.json.is_object()) {
        aec = errc::bad_response;
        r.diag.clear();
        r.diag.phase = Phase::api;
        r.diag.http_status = api_res.status;
        r.diag.message = "GET /services/data/v" + version + "/ did not answer with a JSON object";
        r.diag.hint = std::string(default_hint(errc::bad_response));
    }
    if (aec == api_errc::api_error && r.diag.http_status &&
        (*r.diag.http_status == 404 || *r.diag.http_status == 410)) {
        // The generic api_error hint says nothing here; a missing version root means the version.
        r.diag.hint = "This org does not serve REST API version " + version +
                      ": it is newer than the org's release or has been retired. Choose a version the org lists "
                      "at GET /services/data/ (the check's API version option).";
    }
    if (aec) co_return fail(r.rep, api_step, ms_since(t0), aec, r.diag, retries_of(r) - retries0);
    std::string api_detail = "REST API v" + version + " answered";
    if (api_res.limit_info && api_res.limit_info->api_usage) {
        api_detail += ", API usage " + std::to_string(api_res.limit_info->api_usage->used) + "/" +
                      std::to_string(api_res.limit_info->api_usage->max);
    }
    r.rep.api = CheckApiSummary{version};
    mark_passed(r.rep.steps[api_step], ms_since(t0), with_retries(std::move(api_detail), retries_of(r) - retries0));
    co_return error_code{};
}

// identity: who the Run As user is.
SFCONNECT_DECL boost::asio::awaitable<error_code> check_identity_step(CheckRun& r) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t retries0 = retries_of(r);
    r.diag.clear();
    Target identity_target = endpoints::userinfo.bind();
    auto identity_op = r.client->async_request(std::move(identity_target), RequestOptions{}, r.diag, awaitable_tuple);
    auto [iec, id_res] = co_await std::move(identity_op);
    if (TokenPtr last = r.client->cached_token()) r.tokens.push_back(last);
    CheckIdentity who;
    if (!iec) {
        const auto* obj = id_res.json.if_object();
        if (obj) {
            who.user_id = string_field(*obj, "user_id");
            who.organization_id = string_field(*obj, "organization_id");
            who.username = string_field(*obj, "preferred_username");
        }
        if (!obj || who.user_id.empty() || who.organization_id.empty() || who.username.empty()) {
            iec = errc::bad_response;
            r.diag.clear();
            r.diag.phase = Phase::identity;
            r.diag.http_status = id_res.status;
            r.diag.message = obj ? "the userinfo reply lacks user_id, organization_id or preferred_username"
                                 : "GET /services/oauth2/userinfo did not answer with a JSON object";
            r.diag.hint = std::string(default_hint(errc::bad_response));
        }
    }
    if (iec) co_return fail(r.rep, identity_step, ms_since(t0), iec, r.diag, retries_of(r) - retries0);
    r.rep.identity = who;
    mark_passed(r.rep.steps[identity_step], ms_since(t0),
                with_retries((r.input.flow == "jwt_bearer" ? "user " : "Run As user ") + who.username,
                             retries_of(r) - retries0));
    co_return error_code{};
}

using check_step_fn = boost::asio::awaitable<error_code> (*)(CheckRun&);

// The steps in order; connect and tls share one function (one connection).
inline constexpr std::array<check_step_fn, 5> check_steps{check_site_step, check_connection_steps, check_token_step,
                                                          check_api_step, check_identity_step};

// One attempt: every step until the first failure; the report never carries the secret or a token.
SFCONNECT_DECL boost::asio::awaitable<std::pair<error_code, CheckReport>> run_check_once(
    const CheckInput& input, const TokenClientOptions& options, const CheckOptions& check_options) {
    CheckRun r{input, options, check_options, {}, {}, {}, {}, {}, {}, {}, true};
    r.rep.site = displayable_site_input(input.site);
    r.rep.flow = input.flow == "jwt_bearer" ? "jwt_bearer" : "client_credentials";
    for (std::string_view name : check_step_names)
        r.rep.steps.push_back(CheckStep{std::string(name), false, false, 0, {}});
    error_code ec;
    for (check_step_fn step : check_steps) {
        ec = co_await step(r);
        if (ec) break;
    }
    r.rep.ok = !ec;
    r.rep.logins = r.client ? r.client->stats().token_requests : 0;
    scrub_report(r.rep, {input.consumer_secret.reveal()});
    scrub_pem(r.rep, input.private_key_pem.reveal());
    for (const TokenPtr& t : r.tokens) scrub_report(r.rep, {t->access_token.reveal()});
    co_return std::pair<error_code, CheckReport>{ec, std::move(r.rep)};
}

}  // namespace detail

SFCONNECT_DECL boost::asio::awaitable<std::pair<error_code, CheckReport>> detail::run_check(
    CheckInput input, TokenClientOptions options, CheckOptions check_options) {
    namespace net = boost::asio;
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + check_options.wait;
    std::vector<CheckAttempt> attempts;
    std::uint64_t logins = 0;
    std::chrono::milliseconds delay = std::max(check_options.first_delay, std::chrono::milliseconds(1));
    for (int number = 1;; ++number) {
        CheckAttempt attempt;
        attempt.number = number;
        attempt.started_at = iso8601_utc(std::chrono::system_clock::now());
        auto once = detail::run_check_once(input, options, check_options);
        auto [ec, rep] = co_await std::move(once);
        attempt.code = ec;
        if (rep.error) attempt.step = rep.error->step;
        attempt.logins = rep.logins;
        logins += rep.logins;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        const bool again = ec && check_options.wait.count() > 0 && left.count() > 0 &&
                           check_error_may_be_propagating(ec);
        if (again) attempt.next_delay = std::min(delay, left);
        attempts.push_back(attempt);
        if (check_options.on_attempt) check_options.on_attempt(attempt);
        if (!again) {
            rep.attempts = std::move(attempts);
            rep.logins = logins;
            co_return std::pair<error_code, CheckReport>{ec, std::move(rep)};
        }
        net::steady_timer timer(co_await net::this_coro::executor, *attempt.next_delay);
        auto wait_op = timer.async_wait(detail::awaitable_tuple);
        auto [wec] = co_await std::move(wait_op);
        if (wec) {  // cancelled while waiting: the last attempt's report stands
            rep.attempts = std::move(attempts);
            rep.logins = logins;
            co_return std::pair<error_code, CheckReport>{ec, std::move(rep)};
        }
        delay = std::min(delay * 2, std::max(check_options.max_delay, std::chrono::milliseconds(1)));
    }
}

}  // namespace sfconnect

#endif
