// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_COMPOSITE_IPP
#define SFCONNECT_IMPL_COMPOSITE_IPP

#include <sfconnect/composite.hpp>
#include <sfconnect/endpoints.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/percent_encode.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sfconnect {
namespace detail {

// A whole "@{ref.field}" reference (kept verbatim in URLs: Salesforce substitutes it).
constexpr bool is_composite_reference(std::string_view s) noexcept {
    return s.size() > 3 && s.starts_with("@{") && s.back() == '}' && s.find('}') == s.size() - 1;
}

// Appends `text` percent-encoded as one query component, keeping "@{...}" references as they are.
inline void append_component_with_references(std::string& out, std::string_view text) {
    while (!text.empty()) {
        const std::size_t at = text.find("@{");
        const std::size_t close = at == std::string_view::npos ? at : text.find('}', at);
        if (close == std::string_view::npos) {
            append_percent_encoded_component(out, text);
            return;
        }
        append_percent_encoded_component(out, text.substr(0, at));
        out += text.substr(at, close + 1 - at);
        text.remove_prefix(close + 1);
    }
}

inline std::string sobject_url(ApiVersion version, std::string_view sobject, std::string_view id) {
    if (sobject.empty()) throw std::invalid_argument("composite subrequest: the sObject name is empty");
    std::string url = "/services/data/v";
    url += version.str();
    url += "/sobjects/";
    append_percent_encoded_segment(url, sobject);
    url += '/';
    if (is_composite_reference(id)) url += id;
    else append_percent_encoded_segment(url, id);
    return url;
}

inline std::string_view require_id(std::string_view id) {
    if (id.empty() || id == "." || id == "..")
        throw std::invalid_argument("composite subrequest: the record id is empty or a dot-segment");
    return id;
}

// The referenceId a reference names: "@{NewAccount.id}" → "NewAccount", "@{Q.records[0].Id}" → "Q".
constexpr std::string_view referenced_id(std::string_view inner) noexcept {
    return inner.substr(0, std::min(inner.find('.'), inner.find('[')));
}

// Every reference in `text`; returns the first whose referenceId is not among `known`.
inline std::optional<std::string> unknown_reference(std::string_view text, const std::vector<std::string>& known) {
    for (std::size_t at = text.find("@{"); at != std::string_view::npos; at = text.find("@{", at + 2)) {
        const std::size_t close = text.find('}', at);
        if (close == std::string_view::npos) return std::string(text.substr(at, 40));
        const std::string_view id = referenced_id(text.substr(at + 2, close - at - 2));
        if (std::find(known.begin(), known.end(), id) == known.end())
            return std::string(text.substr(at, close + 1 - at));
    }
    return std::nullopt;
}

inline std::optional<std::string> unknown_reference(const boost::json::value& v, const std::vector<std::string>& known,
                                                    int depth = 0) {
    if (depth > 64) return std::nullopt;
    if (const auto* s = v.if_string()) return unknown_reference(std::string_view{*s}, known);
    if (const auto* a = v.if_array()) {
        for (const auto& e : *a)
            if (auto r = unknown_reference(e, known, depth + 1)) return r;
    } else if (const auto* o = v.if_object()) {
        for (const auto& kv : *o)
            if (auto r = unknown_reference(kv.value(), known, depth + 1)) return r;
    }
    return std::nullopt;
}

// Why a subrequest URL is refused, or nullptr.
inline const char* composite_url_problem(std::string_view url) noexcept {
    constexpr std::string_view prefix = "/services/data/v";
    if (!url.starts_with(prefix) || url.size() < prefix.size() + 5 || !is_digit(url[prefix.size()]) ||
        !is_digit(url[prefix.size() + 1]) || url.substr(prefix.size() + 2, 3) != ".0/")
        return "must start with /services/data/vNN.0/ (no scheme or host; composite subrequests stay in the REST "
               "data API)";
    for (char ch : url) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7F) return "contains a space, control character or non-ASCII byte (percent-encode it)";
        if (c == '#' || c == '\\' || c == '"') return "contains '#', '\\' or '\"'";
    }
    if (url.substr(0, url.find('?')).find("..") != std::string_view::npos) return "contains \"..\"";
    return nullptr;
}

inline bool is_valid_reference_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > 80 || !is_alpha(id[0])) return false;
    for (char c : id)
        if (!is_alnum(c) && c != '_') return false;
    return true;
}

inline bool is_query_url(std::string_view url) noexcept {
    const std::string_view rest = url.substr(std::min<std::size_t>(url.size(), 21));  // after /services/data/vNN.0/
    return rest.starts_with("query") || rest.starts_with("queryAll");
}

inline error_code composite_error(Diagnostics& diag, std::string message, std::string hint) {
    diag = Diagnostics{};
    diag.phase = Phase::setup;
    diag.message = std::move(message);
    diag.hint = std::move(hint);
    return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
}

inline std::string subrequest_name(std::size_t index, std::string_view reference_id) {
    return "composite subrequest " + std::to_string(index + 1) + " (referenceId " + quoted(reference_id, 80) + ")";
}

// The checks of one subrequest; `earlier` holds the referenceIds before it.
inline error_code check_subrequest(const CompositeSubrequest& sub, std::size_t i,
                                   const std::vector<std::string>& earlier, Diagnostics& diag) {
    const std::string name = subrequest_name(i, sub.reference_id);
    if (!is_valid_reference_id(sub.reference_id))
        return composite_error(diag,
                               name + ": the referenceId must start with a letter and hold only letters, digits "
                                      "and '_' (1 to 80 characters)",
                               "Give every subrequest a name such as \"NewAccount\" or \"update_3\".");
    if (std::find(earlier.begin(), earlier.end(), sub.reference_id) != earlier.end())
        return composite_error(diag, name + ": another subrequest already uses this referenceId",
                               "Make every referenceId unique within the call.");
    if (sub.method == Method::head)
        return composite_error(diag, name + ": HEAD is not allowed in a composite call",
                               "Use GET, POST, PUT, PATCH or DELETE.");
    if (const char* problem = composite_url_problem(sub.url))
        return composite_error(diag, name + ": the url " + quoted(sub.url, 120) + " " + problem,
                               "Use a path such as /services/data/v64.0/sobjects/Account/001..., or the typed "
                               "helpers (create, update, remove, get, query) that build it.");
    if (sub.body && (sub.method == Method::get || sub.method == Method::del))
        return composite_error(diag, name + ": a " + std::string(to_string(sub.method)) + " subrequest has a body",
                               "Only POST, PUT and PATCH subrequests carry a body; remove it.");
    for (const auto& [header, value] : sub.http_headers) {
        if (header.empty() || has_crlf_or_nul(header) || has_crlf_or_nul(value))
            return composite_error(diag, name + ": an httpHeaders name is empty or a name or value holds CR, LF or NUL",
                                   "Pass header names and values on one line.");
    }
    std::optional<std::string> bad = unknown_reference(sub.url, earlier);
    if (!bad && sub.body) bad = unknown_reference(*sub.body, earlier);
    if (bad)
        return composite_error(
            diag, name + " refers to " + quoted(*bad, 80) + ", but no EARLIER subrequest has that referenceId",
            "A reference @{referenceId.field} may only name a subrequest that comes before it; "
            "check the spelling and the order.");
    return {};
}

}  // namespace detail

SFCONNECT_DECL CompositeRequest& CompositeRequest::create(ApiVersion version, std::string_view sobject,
                                                          std::string reference_id, boost::json::object fields) {
    std::string url = detail::sobject_url(version, sobject, {});
    return add({Method::post, std::move(url), std::move(reference_id), boost::json::value(std::move(fields)), {}});
}

SFCONNECT_DECL CompositeRequest& CompositeRequest::update(ApiVersion version, std::string_view sobject,
                                                          std::string_view id, std::string reference_id,
                                                          boost::json::object fields) {
    std::string url = detail::sobject_url(version, sobject, detail::require_id(id));
    return add({Method::patch, std::move(url), std::move(reference_id), boost::json::value(std::move(fields)), {}});
}

SFCONNECT_DECL CompositeRequest& CompositeRequest::remove(ApiVersion version, std::string_view sobject,
                                                          std::string_view id, std::string reference_id) {
    return add({Method::del,
                detail::sobject_url(version, sobject, detail::require_id(id)),
                std::move(reference_id),
                std::nullopt,
                {}});
}

SFCONNECT_DECL CompositeRequest& CompositeRequest::get(ApiVersion version, std::string_view sobject,
                                                       std::string_view id, std::string reference_id) {
    return add({Method::get,
                detail::sobject_url(version, sobject, detail::require_id(id)),
                std::move(reference_id),
                std::nullopt,
                {}});
}

SFCONNECT_DECL CompositeRequest& CompositeRequest::query(ApiVersion version, std::string_view soql,
                                                         std::string reference_id) {
    std::string url = "/services/data/v";
    url += version.str();
    url += "/query/?q=";
    detail::append_component_with_references(url, soql);
    return add({Method::get, std::move(url), std::move(reference_id), std::nullopt, {}});
}

SFCONNECT_DECL error_code check_composite_request(const CompositeRequest& request, Diagnostics& diag) {
    const auto& subs = request.subrequests();
    if (subs.empty())
        return detail::composite_error(diag, "the composite call has no subrequests",
                                       "Add at least one subrequest (create, update, remove, get, query or add).");
    if (subs.size() > max_composite_subrequests)
        return detail::composite_error(
            diag,
            "the composite call has " + std::to_string(subs.size()) +
                " subrequests; Salesforce accepts at most 25 in one call (subrequest 26 and later were not sent)",
            "Split the work into calls of at most 25 subrequests (each call counts as one API call); for many "
            "records of one object, an sObject Collections subrequest handles up to 200.");
    std::vector<std::string> earlier;
    earlier.reserve(subs.size());
    std::size_t queries = 0;
    for (std::size_t i = 0; i < subs.size(); ++i) {
        if (error_code ec = detail::check_subrequest(subs[i], i, earlier, diag)) return ec;
        if (detail::is_query_url(subs[i].url) && ++queries > max_composite_queries)
            return detail::composite_error(diag,
                                           detail::subrequest_name(i, subs[i].reference_id) +
                                               " is the 6th query; Salesforce accepts at most 5 query or queryAll "
                                               "subrequests in one composite call",
                                           "Move the extra queries to another call or run them with async_query.");
        earlier.push_back(subs[i].reference_id);
    }
    return {};
}

SFCONNECT_DECL boost::json::value composite_body(const CompositeRequest& request) {
    boost::json::array subs;
    subs.reserve(request.subrequests().size());
    for (const auto& sub : request.subrequests()) {
        boost::json::object o;
        o["method"] = to_string(sub.method);
        o["url"] = sub.url;
        o["referenceId"] = sub.reference_id;
        if (sub.body) o["body"] = *sub.body;
        if (!sub.http_headers.empty()) {
            boost::json::object headers;
            for (const auto& [name, value] : sub.http_headers) headers[name] = value;
            o["httpHeaders"] = std::move(headers);
        }
        subs.emplace_back(std::move(o));
    }
    boost::json::object body;
    body["allOrNone"] = request.all_or_none();
    body["collateSubrequests"] = request.collate_subrequests();
    body["compositeRequest"] = std::move(subs);
    return body;
}

namespace detail {

inline error_code composite_reply_error(Diagnostics& diag, std::string message) {
    diag = Diagnostics{};
    diag.phase = Phase::api;
    diag.message = std::move(message);
    diag.hint = "The reply is not a Salesforce composite result: check that the site is the org's My Domain and "
                "that no proxy rewrites replies.";
    return errc::bad_response;
}

inline bool read_subresponse(const boost::json::value& v, CompositeSubresponse& out) {
    const auto* o = v.if_object();
    if (!o) return false;
    const auto* status = o->if_contains("httpStatusCode");
    const auto* ref = o->if_contains("referenceId");
    if (!status || !ref || !ref->is_string()) return false;
    boost::system::error_code ec;
    const auto code = status->to_number<std::int64_t>(ec);
    if (ec || code < 100 || code > 599) return false;
    out.http_status = static_cast<int>(code);
    out.reference_id.assign(ref->as_string().data(), ref->as_string().size());
    if (const auto* body = o->if_contains("body")) out.body = *body;
    if (const auto* headers = o->if_contains("httpHeaders")) {
        if (!headers->is_object() && !headers->is_null()) return false;
        if (headers->is_object()) out.http_headers = headers->as_object();
    }
    if (out.http_status >= 200 && out.http_status < 300) return true;
    const std::string text = out.body.is_null() ? std::string() : boost::json::serialize(out.body);
    out.ec = map_api_error(out.http_status, "application/json", text, out.diag);
    return true;
}

}  // namespace detail

SFCONNECT_DECL boost::system::result<CompositeResult> parse_composite_result(const boost::json::value& reply,
                                                                             Diagnostics& diag) {
    const auto* o = reply.if_object();
    const auto* list = o ? o->if_contains("compositeResponse") : nullptr;
    if (!list || !list->is_array())
        return detail::composite_reply_error(diag, "the composite reply has no \"compositeResponse\" array");
    CompositeResult result;
    result.subresponses.reserve(list->as_array().size());
    std::size_t index = 0;
    for (const auto& entry : list->as_array()) {
        ++index;
        if (!detail::read_subresponse(entry, result.subresponses.emplace_back()))
            return detail::composite_reply_error(diag, "entry " + std::to_string(index) +
                                                           " of the composite reply lacks a referenceId or a valid "
                                                           "httpStatusCode (100-599)");
    }
    return result;
}

namespace detail {
SFCONNECT_DECL Target make_composite_target(ApiVersion version) { return endpoints::composite.bind(version); }
}  // namespace detail

}  // namespace sfconnect

#endif
