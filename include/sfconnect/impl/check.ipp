// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_CHECK_IPP
#define SFCONNECT_IMPL_CHECK_IPP

#include <sfconnect/check.hpp>

#include <boost/asio/as_tuple.hpp>
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
namespace detail::check_impl {

enum step_index : std::size_t { site_step, connect_step, tls_step, token_step, api_step, identity_step };

inline double to_ms(std::chrono::steady_clock::duration d) {
    // Microsecond resolution is all a person (or a script) needs; it also keeps the JSON short.
    return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) / 1000.0;
}

inline double ms_since(std::chrono::steady_clock::time_point t0) { return to_ms(std::chrono::steady_clock::now() - t0); }

inline std::string_view site_kind_text(SiteKind k) noexcept {
    switch (k) {
        case SiteKind::production: return "production org";
        case SiteKind::sandbox: return "sandbox";
        case SiteKind::legacy_sandbox: return "sandbox, legacy host form";
        case SiteKind::developer: return "Developer Edition org";
        case SiteKind::scratch: return "scratch org";
        case SiteKind::demo: return "demo org";
        case SiteKind::patch: return "patch org";
        case SiteKind::trailblaze: return "Trailblazer Playground";
        case SiteKind::internal: return "Salesforce-internal org";
        case SiteKind::legacy_domain: return "legacy domain";
        case SiteKind::custom: return "custom domain";
    }
    return "org";
}

inline void mark_passed(CheckStep& s, double ms, std::string detail) {
    s.ran = true;
    s.ok = true;
    s.ms = ms;
    s.detail = std::move(detail);
}

// Records the first failure: the step, the code, our message, the server's words and a hint written
// for the admin (the mapping's specific one, else the code's general one).
inline error_code fail(CheckReport& rep, std::size_t step, double ms, const error_code& ec, const Diagnostics& d) {
    CheckStep& s = rep.steps[step];
    s.ran = true;
    s.ok = false;
    s.ms = ms;
    s.detail = std::string(error_id(ec));
    CheckFailure f;
    f.step = s.name;
    f.code = ec;
    f.message = d.message.empty() ? ec.message() : d.message;
    f.hint = !d.hint.empty() ? d.hint : std::string(default_hint(ec));
    if (f.hint.empty()) {
        f.hint = ec == boost::asio::error::operation_aborted
                     ? "The check was cancelled before it finished; run it again."
                     : "No specific remedy is known for this error; the message says what failed.";
    }
    f.http_status = d.http_status;
    if (!d.server_error.empty()) f.server_error = d.server_error;
    if (!d.server_message.empty()) f.server_message = d.server_message;
    rep.error = std::move(f);
    return ec;
}

inline void scrub(std::string& s, std::string_view needle) {
    // Same threshold as the client's own redaction: shorter needles would shred ordinary words.
    if (needle.size() < 4) return;
    for (auto pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + 10))
        s.replace(pos, needle.size(), "[redacted]");
}

// Defence in depth: whatever a hostile server echoed, or whatever the admin pasted into the wrong
// field, neither the consumer secret nor an access token leaves the check.
inline void scrub_report(CheckReport& rep, std::initializer_list<std::string_view> needles) {
    std::vector<std::string*> fields{&rep.site};
    for (auto& s : rep.steps) fields.push_back(&s.detail);
    if (rep.error) {
        fields.push_back(&rep.error->message);
        fields.push_back(&rep.error->hint);
        if (rep.error->server_error) fields.push_back(&*rep.error->server_error);
        if (rep.error->server_message) fields.push_back(&*rep.error->server_message);
    }
    if (rep.token) {
        fields.push_back(&rep.token->instance_url);
        fields.push_back(&rep.token->token_type);
        if (rep.token->scope) fields.push_back(&*rep.token->scope);
    }
    if (rep.identity) {
        fields.push_back(&rep.identity->user_id);
        fields.push_back(&rep.identity->organization_id);
        fields.push_back(&rep.identity->username);
    }
    for (std::string* f : fields)
        for (std::string_view n : needles) scrub(*f, n);
}

inline std::string string_field(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Boost.JSON (1.81) writes every double in exponent form ("1.5E0"); milliseconds read better fixed.
inline void write_json(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += boost::json::serialize(boost::json::string_view(kv.key()));
                out += ':';
                write_json(out, kv.value());
            }
            out += '}';
            return;
        }
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) out += ',';
                first = false;
                write_json(out, e);
            }
            out += ']';
            return;
        }
        case boost::json::kind::double_: {
            const double d = v.get_double();
            if (std::isfinite(d)) {
                char buf[64];
                auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 3);
                if (ec == std::errc{}) {
                    out.append(buf, end);
                    return;
                }
            }
            out += "0.000";
            return;
        }
        default: out += boost::json::serialize(v); return;
    }
}

}  // namespace detail::check_impl

SFCONNECT_DECL std::string detail::iso8601_utc(std::chrono::system_clock::time_point tp) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    long long frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        --secs;
    }
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &secs);
#else
    gmtime_r(&secs, &tm);
#endif
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char fbuf[8];
    std::snprintf(fbuf, sizeof fbuf, ".%03lldZ", frac);
    return std::string(buf, n) + fbuf;
}

SFCONNECT_DECL std::string CheckReport::to_json() const {
    namespace json = boost::json;
    json::object o;
    o["ok"] = ok;
    o["site"] = site;
    json::array steps_json;
    for (const auto& s : steps) {
        json::object j;
        j["name"] = s.name;
        j["ok"] = s.ok;
        j["skipped"] = !s.ran;
        j["ms"] = s.ms;  // always a double, so it always prints with a decimal point
        j["detail"] = s.detail;
        steps_json.emplace_back(std::move(j));
    }
    o["steps"] = std::move(steps_json);
    if (error) {
        json::object e;
        e["step"] = error->step;
        e["code"] = error_id(error->code);
        e["message"] = error->message;
        e["hint"] = error->hint;
        e["http_status"] = error->http_status ? json::value(*error->http_status) : json::value(nullptr);
        e["server_error"] = error->server_error ? json::value(*error->server_error) : json::value(nullptr);
        e["server_message"] = error->server_message ? json::value(*error->server_message) : json::value(nullptr);
        o["error"] = std::move(e);
    } else {
        o["error"] = nullptr;
    }
    if (token) {
        json::object t;
        t["instance_url"] = token->instance_url;
        t["issued_at"] = token->issued_at;
        t["scope"] = token->scope ? json::value(*token->scope) : json::value(nullptr);
        t["token_type"] = token->token_type;
        t["signature_verified"] = token->signature_verified;
        o["token"] = std::move(t);
    } else {
        o["token"] = nullptr;
    }
    if (api) {
        json::object a;
        a["version"] = api->version;
        o["api"] = std::move(a);
    } else {
        o["api"] = nullptr;
    }
    if (identity) {
        json::object i;
        i["user_id"] = identity->user_id;
        i["organization_id"] = identity->organization_id;
        i["username"] = identity->username;
        o["identity"] = std::move(i);
    } else {
        o["identity"] = nullptr;
    }
    std::string out;
    detail::check_impl::write_json(out, o);
    return out;
}

namespace detail::check_impl {
// A named function, not a lambda: a lambda inside the coroutine has no linkage, which g++ rejects
// (-Wsubobject-linkage) when run_check is compiled out of line (SFCONNECT_SEPARATE_COMPILATION).
SFCONNECT_DECL std::pair<error_code, CheckReport> finish_report(CheckReport& rep, const Secret& secret, error_code ec,
                                                               std::initializer_list<std::string_view> tokens = {}) {
    scrub_report(rep, {secret.reveal()});
    for (std::string_view t : tokens) scrub_report(rep, {t});
    return {ec, std::move(rep)};
}
}  // namespace detail::check_impl

SFCONNECT_DECL boost::asio::awaitable<std::pair<error_code, CheckReport>> detail::run_check(
    CheckInput input, TokenClientOptions options, CheckOptions check_options) {
    namespace net = boost::asio;
    using namespace detail::check_impl;
    using clock = std::chrono::steady_clock;
    constexpr auto awaitable_tuple = net::as_tuple(net::use_awaitable);

    CheckReport rep;
    rep.site = input.site;
    for (std::string_view name : check_step_names) rep.steps.push_back(CheckStep{std::string(name), false, false, 0, {}});
    const Secret secret = std::move(input.consumer_secret);

    // ---- site: the Site and the credentials, validated without any network ----------------------
    auto t0 = clock::now();
    Diagnostics diag;
    auto site = Site::parse(input.site, diag);
    if (!site) co_return finish_report(rep, secret, fail(rep, site_step, ms_since(t0), site.error(), diag));
    rep.site = std::string(site->host());
    auto creds = ConsumerCredentials::create(input.consumer_key, secret.reveal(), diag);
    if (!creds) co_return finish_report(rep, secret, fail(rep, site_step, ms_since(t0), creds.error(), diag));
    mark_passed(rep.steps[site_step], ms_since(t0),
                std::string(site->host()) + " (" + std::string(site_kind_text(site->kind())) + ")");

    const bool verified_tls = !options.insecure_disable_tls_verification;
    const net::any_io_executor ex = co_await net::this_coro::executor;
    BasicTokenClient<> client(ex, *site, std::move(*creds), std::move(options));

    // ---- connect + tls: one connection, split by the phase that failed ----------------------------
    t0 = clock::now();
    diag.clear();
    // Every operation is created in its own statement and then awaited: g++ 12 can destroy
    // temporaries of a full-expression that contains co_await twice (chriskohlhoff/asio#1007).
    auto connect_op = client.async_connect(diag, awaitable_tuple);
    auto [cec, info] = co_await std::move(connect_op);
    const double connect_total = ms_since(t0);
    const double tcp_ms = to_ms(info.resolve + info.connect + info.proxy);
    if (cec) {
        if (diag.phase == Phase::setup && cec == errc::tls_failed) {
            // The TLS settings themselves are unusable (CA file, PEM): nothing was connected.
            rep.steps[connect_step].detail = "not attempted: the TLS settings are invalid";
            co_return finish_report(rep, secret, fail(rep, tls_step, connect_total, cec, diag));
        }
        if (diag.phase == Phase::tls_handshake) {
            mark_passed(rep.steps[connect_step], tcp_ms, info.peer + (info.via_proxy ? " via proxy" : ""));
            co_return finish_report(rep, secret, fail(rep, tls_step, std::max(0.0, connect_total - tcp_ms), cec, diag));
        }
        co_return finish_report(rep, secret, fail(rep, connect_step, connect_total, cec, diag));
    }
    mark_passed(rep.steps[connect_step], tcp_ms, info.peer + (info.via_proxy ? " via proxy" : ""));
    mark_passed(rep.steps[tls_step], to_ms(info.tls_handshake),
                info.tls_version + (info.cipher.empty() ? "" : " " + info.cipher) +
                    (verified_tls ? ", certificate verified for " + rep.site
                                  : ", certificate NOT verified (insecure_disable_tls_verification)"));

    // ---- token -----------------------------------------------------------------------------------
    t0 = clock::now();
    diag.clear();
    auto token_op = client.async_get_token(diag, awaitable_tuple);
    auto [tec, tok] = co_await std::move(token_op);
    if (tec || !tok) {
        if (!tec) tec = errc::bad_response;
        co_return finish_report(rep, secret, fail(rep, token_step, ms_since(t0), tec, diag));
    }
    CheckTokenSummary ts;
    ts.instance_url = tok->instance_url;
    ts.issued_at = iso8601_utc(tok->issued_at);
    if (!tok->scope.empty()) ts.scope = tok->scope;
    ts.token_type = tok->token_type;
    ts.signature_verified = tok->signature_verified;
    rep.token = std::move(ts);
    mark_passed(rep.steps[token_step], ms_since(t0),
                tok->token_type + " token for user " + tok->user_id + ", " +
                    (tok->signature_verified ? std::string("signature verified")
                                             : std::string("no signature in the reply (not verified)")));

    // ---- api: the REST API answers for this user ---------------------------------------------------
    t0 = clock::now();
    diag.clear();
    Target api_target = endpoints::version_root.bind(check_options.api_version);
    auto api_op = client.async_request(std::move(api_target), RequestOptions{}, diag, awaitable_tuple);
    auto [aec, api_res] = co_await std::move(api_op);
    if (!aec && !api_res.json.is_object()) {
        aec = errc::bad_response;
        diag.clear();
        diag.phase = Phase::api;
        diag.http_status = api_res.status;
        diag.message = "GET /services/data/v" + std::string(check_options.api_version.str()) +
                       "/ did not answer with a JSON object";
        diag.hint = std::string(default_hint(errc::bad_response));
    }
    const TokenPtr latest = client.cached_token();  // a 401 refetch may have replaced the first token
    const std::string_view tok_text = tok->access_token.reveal();
    const std::string_view latest_text = latest ? latest->access_token.reveal() : std::string_view{};
    if (aec == api_errc::api_error && diag.http_status && (*diag.http_status == 404 || *diag.http_status == 410)) {
        // The generic api_error hint says nothing here; a missing version root means the version.
        diag.hint = "This org does not serve REST API version " + std::string(check_options.api_version.str()) +
                    ": it is newer than the org's release or has been retired. Choose a version the org lists at "
                    "GET /services/data/ (the check's API version option).";
    }
    if (aec) co_return finish_report(rep, secret, fail(rep, api_step, ms_since(t0), aec, diag), {tok_text, latest_text});
    std::string api_detail = "REST API v" + std::string(check_options.api_version.str()) + " answered";
    if (api_res.limit_info && api_res.limit_info->api_usage) {
        api_detail += ", API usage " + std::to_string(api_res.limit_info->api_usage->used) + "/" +
                      std::to_string(api_res.limit_info->api_usage->max);
    }
    rep.api = CheckApiSummary{std::string(check_options.api_version.str())};
    mark_passed(rep.steps[api_step], ms_since(t0), std::move(api_detail));

    // ---- identity: who the Run As user is ------------------------------------------------------------
    t0 = clock::now();
    diag.clear();
    Target identity_target = endpoints::userinfo.bind();
    auto identity_op = client.async_request(std::move(identity_target), RequestOptions{}, diag, awaitable_tuple);
    auto [iec, id_res] = co_await std::move(identity_op);
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
            diag.clear();
            diag.phase = Phase::identity;
            diag.http_status = id_res.status;
            diag.message = obj ? "the userinfo reply lacks user_id, organization_id or preferred_username"
                               : "GET /services/oauth2/userinfo did not answer with a JSON object";
            diag.hint = std::string(default_hint(errc::bad_response));
        }
    }
    const TokenPtr last = client.cached_token();
    const std::string_view last_text = last ? last->access_token.reveal() : std::string_view{};
    if (iec) co_return finish_report(rep, secret, fail(rep, identity_step, ms_since(t0), iec, diag), {tok_text, latest_text, last_text});
    rep.identity = who;
    mark_passed(rep.steps[identity_step], ms_since(t0), "Run As user " + who.username);
    rep.ok = true;
    co_return finish_report(rep, secret, error_code{}, {tok_text, latest_text, last_text});
}

}  // namespace sfconnect

#endif
