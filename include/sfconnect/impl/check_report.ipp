// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_CHECK_REPORT_IPP
#define SFCONNECT_IMPL_CHECK_REPORT_IPP

// Save & Check's report: the helpers that fill in steps and failures, the text forms (valid UTF-8 for
// JSON, safe for a terminal) and CheckReport::to_json. The steps themselves are in impl/check.ipp.

#include <sfconnect/check.hpp>
#include <sfconnect/version.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

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

// The report's two text forms, on the one UTF-8 decoder and unsafe-character set of
// detail/untrusted_text.hpp: JSON keeps every character but replaces broken UTF-8 with U+FFFD; the
// terminal form also shows controls, bidirectional overrides and line separators as '?'.
inline std::string sanitise_text(std::string_view s, bool for_terminal) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = static_cast<unsigned char>(s[i]);
        const std::size_t n = cp < 0x80 ? 1 : utf8_sequence_at(s, i, cp);
        if (n == 0) {
            out += for_terminal ? "?" : "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
            ++i;
            continue;
        }
        if (for_terminal && (cp < 0x20 || cp == 0x7f || is_unsafe_code_point(cp))) {
            out += '?';
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

enum step_index : std::size_t { site_step, connect_step, tls_step, token_step, api_step, identity_step };

inline double to_ms(std::chrono::steady_clock::duration d) {
    // Microsecond resolution is all a person (or a script) needs; it also keeps the JSON short.
    return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) / 1000.0;
}

inline double ms_since(std::chrono::steady_clock::time_point t0) {
    return to_ms(std::chrono::steady_clock::now() - t0);
}

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

// A server body quoted as the server's words: an HTML page (a maintenance page, a proxy's error page)
// is reduced to its text, and anything long is cut, so the report stays readable.
inline std::string server_words(std::string_view body) {
    std::string out;
    const bool html = body.find('<') != std::string_view::npos && body.find('>') != std::string_view::npos;
    bool in_tag = false;
    bool space = false;
    for (char c : body) {
        if (html && c == '<') {
            in_tag = true;
            space = !out.empty();
            continue;
        }
        if (html && c == '>') {
            in_tag = false;
            continue;
        }
        if (in_tag) continue;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    constexpr std::size_t max_chars = 300;
    if (out.size() > max_chars) {
        std::size_t cut = max_chars;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;  // not inside a character
        out.resize(cut);
        out += " [...]";
    }
    return out;
}

// Records the first failure: the step, the code, our message, the server's words and a hint written
// for the admin (the mapping's specific one, else the code's general one), in words that agree with
// each other and with what the check offers.
inline error_code fail(CheckReport& rep, std::size_t step, double ms, const error_code& ec, const Diagnostics& d,
                       std::uint64_t retries = 0) {
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
    if (ec == errc::server_error && f.message.find("not JSON") != std::string::npos) {
        // An error page instead of Salesforce's JSON: Salesforce's maintenance page or a proxy's.
        f.hint = "An error page answered instead of Salesforce's JSON: Salesforce may be down for maintenance "
                 "(check status.salesforce.com for the org's instance), or a proxy or firewall between here "
                 "and the Site answered (check the proxy setting, HTTPS_PROXY); retry later.";
    }
    if (ec == errc::bad_response && f.hint.find("response size limit") != std::string::npos) {
        f.hint = "The reply was far larger than any Salesforce reply to this request: something other than "
                 "Salesforce answered (a proxy, or the wrong host); check the Site and the proxy setting.";
    }
    if (retries > 0) {
        f.message += " (after " + std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
    }
    f.http_status = d.http_status;
    if (!d.server_error.empty()) f.server_error = d.server_error;
    if (!d.server_message.empty()) f.server_message = server_words(d.server_message);
    rep.error = std::move(f);
    return ec;
}

// Defence in depth: whatever a hostile server echoed, or whatever the admin pasted into the wrong
// field, neither the consumer secret nor an access token leaves the check.
inline void scrub_report(CheckReport& rep, std::initializer_list<std::string_view> needles) {
    std::vector<std::string*> fields{&rep.site};
    if (rep.demo) fields.push_back(&*rep.demo);
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
        for (std::string_view n : needles) redact_secret(*f, n);
}

// Every base64 line of a PEM private key (its material), scrubbed like a secret.
inline void scrub_pem(CheckReport& rep, std::string_view pem) {
    for_each_pem_body_line(pem, [&](std::string_view line) { scrub_report(rep, {line}); });
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
                out += boost::json::serialize(kv.key());
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
        case boost::json::kind::string:
            out += boost::json::serialize(boost::json::string_view(valid_utf8(v.get_string())));
            return;
        default: out += boost::json::serialize(v); return;
    }
}

}  // namespace detail

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

SFCONNECT_DECL std::string detail::valid_utf8(std::string_view text) { return detail::sanitise_text(text, false); }

SFCONNECT_DECL std::string detail::terminal_text(std::string_view text) { return detail::sanitise_text(text, true); }

SFCONNECT_DECL std::string detail::displayable_site_input(std::string_view input) {
    // Credentials typed into the Site field ("https://admin:pw@host/?token=...") never reach any output.
    std::string out(input.substr(0, input.find_first_of("?#")));
    const std::size_t scheme = out.find("://");
    const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
    const std::size_t path = out.find('/', authority);
    const std::size_t at = out.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at >= authority) out.erase(authority, at + 1 - authority);
    return out;
}

SFCONNECT_DECL bool check_error_may_be_propagating(const error_code& ec) noexcept {
    return ec == oauth_errc::invalid_client_id || ec == oauth_errc::invalid_client_secret ||
           ec == oauth_errc::no_run_as_user || ec == oauth_errc::grant_not_enabled ||
           ec == api_errc::session_not_valid_for_api || ec == api_errc::insufficient_access;
}

SFCONNECT_DECL std::string CheckReport::to_json() const {
    namespace json = boost::json;
    json::object o;
    o["ok"] = ok;
    o["version"] = version_string;
    o["site"] = site;
    o["demo"] = demo ? json::value(*demo) : json::value(nullptr);
    o["flow"] = flow;
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
    json::array attempts_json;
    for (const auto& a : attempts) {
        json::object j;
        j["attempt"] = a.number;
        j["started_at"] = a.started_at;
        j["step"] = a.step.empty() ? json::value(nullptr) : json::value(a.step);
        j["code"] = a.code ? json::value(error_id(a.code)) : json::value(nullptr);
        j["logins"] = a.logins;
        j["next_delay_s"] = a.next_delay ? json::value(static_cast<double>(a.next_delay->count()) / 1000.0)
                                         : json::value(nullptr);
        attempts_json.emplace_back(std::move(j));
    }
    o["attempts"] = std::move(attempts_json);
    o["logins"] = logins;
    std::string out;
    detail::write_json(out, o);
    return out;
}

}  // namespace sfconnect

#endif
