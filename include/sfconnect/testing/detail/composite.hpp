// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_COMPOSITE_HPP
#define SFCONNECT_TESTING_DETAIL_COMPOSITE_HPP

// The emulated org's /composite resource: up to 25 subrequests run in order, "@{ref.path}"
// references resolved from earlier results, allOrNone rollback (the failing subrequest keeps its
// error, every other one answers PROCESSING_HALTED), partial success otherwise. The whole call is
// one API call; the subrequests do not count.

#include <sfconnect/testing/detail/account_table.hpp>
#include <sfconnect/testing/detail/org_replies.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfconnect {
namespace testing {
namespace detail {

inline constexpr std::size_t composite_limit = 25;

struct SubResult {
    std::string reference_id;
    int status = 0;
    boost::json::value body;
    boost::json::object headers;
};

inline boost::json::value rest_error_body(std::string_view code, std::string_view message) {
    return boost::json::parse(rest_error(400, code, message).body);
}

// The value "@{ref.a.b[0].c}" names among the earlier results, or nullopt.
inline std::optional<boost::json::value> reference_value(std::string_view inner, const std::vector<SubResult>& done) {
    const std::size_t stop = std::min(inner.find('.'), inner.find('['));
    const std::string_view ref = inner.substr(0, stop);
    const boost::json::value* v = nullptr;
    for (const auto& r : done) {
        if (r.reference_id == ref && r.status >= 200 && r.status < 300) v = &r.body;
    }
    std::string_view path = stop == std::string_view::npos ? std::string_view{} : inner.substr(stop);
    while (v && !path.empty()) {
        if (path.front() == '.') {
            path.remove_prefix(1);
            const std::size_t end = std::min(path.find('.'), path.find('['));
            const auto* o = v->if_object();
            v = o ? o->if_contains(path.substr(0, end)) : nullptr;
            path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
        } else if (path.front() == '[') {
            const std::size_t close = path.find(']');
            if (close == std::string_view::npos || close == 1 || close > 6) return std::nullopt;
            const std::string_view digits = path.substr(1, close - 1);
            if (!all_of_set(digits, "0123456789")) return std::nullopt;
            const auto* a = v->if_array();
            const std::size_t n = std::stoul(std::string(digits));
            v = a && n < a->size() ? &(*a)[n] : nullptr;
            path.remove_prefix(close + 1);
        } else {
            return std::nullopt;
        }
    }
    if (!v || v->is_null()) return std::nullopt;
    return *v;
}

// Substitutes every reference in `text`; sets `missing` to the first one that has no value.
inline std::string substitute(std::string_view text, const std::vector<SubResult>& done, std::string& missing) {
    std::string out;
    while (!text.empty()) {
        const std::size_t at = text.find("@{");
        const std::size_t close = at == std::string_view::npos ? at : text.find('}', at);
        if (close == std::string_view::npos) break;
        out += text.substr(0, at);
        const std::string_view inner = text.substr(at + 2, close - at - 2);
        const auto value = reference_value(inner, done);
        if (!value) {
            if (missing.empty()) missing = std::string(inner);
        } else if (const auto* s = value->if_string()) {
            out += std::string_view{*s};
        } else {
            out += boost::json::serialize(*value);
        }
        text.remove_prefix(close + 1);
    }
    out += text;
    return out;
}

inline void substitute_in(boost::json::value& v, const std::vector<SubResult>& done, std::string& missing) {
    if (auto* s = v.if_string()) {
        const std::string_view text(*s);
        if (text.starts_with("@{") && text.find('}') == text.size() - 1) {  // a whole value keeps its type
            if (auto value = reference_value(text.substr(2, text.size() - 3), done)) {
                v = std::move(*value);
                return;
            }
        }
        v = substitute(text, done, missing);
    } else if (auto* a = v.if_array()) {
        for (auto& e : *a) substitute_in(e, done, missing);
    } else if (auto* o = v.if_object()) {
        for (auto& kv : *o) substitute_in(kv.value(), done, missing);
    }
}

inline bool valid_reference_id(std::string_view id) {
    return !id.empty() && id.size() <= 80 && ((id[0] >= 'A' && id[0] <= 'Z') || (id[0] >= 'a' && id[0] <= 'z')) &&
           all_of_set(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
}

// The request-level checks: shape, limit, methods, unique referenceIds. nullopt when acceptable.
inline std::optional<OrgReply> check_composite(const boost::json::value& v) {
    const auto* o = v.if_object();
    const auto* list = o ? o->if_contains("compositeRequest") : nullptr;
    if (!list || !list->is_array()) {
        return rest_error(400, "JSON_PARSER_ERROR", "The composite request body needs a compositeRequest array");
    }
    const auto& subs = list->as_array();
    if (subs.empty() || subs.size() > composite_limit) {
        return rest_error(400, "LIMIT_EXCEEDED",
                          "A composite request holds 1 to 25 subrequests; this one has " + std::to_string(subs.size()));
    }
    std::vector<std::string_view> ids;
    for (const auto& s : subs) {
        const auto* so = s.if_object();
        const auto* method = so ? so->if_contains("method") : nullptr;
        const auto* url = so ? so->if_contains("url") : nullptr;
        const auto* ref = so ? so->if_contains("referenceId") : nullptr;
        if (!method || !method->is_string() || !url || !url->is_string() || !ref || !ref->is_string()) {
            return rest_error(400, "JSON_PARSER_ERROR", "Each subrequest needs method, url and referenceId strings");
        }
        const std::string_view m(method->as_string());
        if (m != "GET" && m != "POST" && m != "PUT" && m != "PATCH" && m != "DELETE") {
            return rest_error(400, "JSON_PARSER_ERROR", "Unsupported subrequest method: " + std::string(m));
        }
        const std::string_view id(ref->as_string());
        if (!valid_reference_id(id)) {
            return rest_error(400, "INVALID_INPUT", "Invalid referenceId: " + std::string(id));
        }
        for (const auto& seen : ids) {
            if (seen == id) return rest_error(400, "INVALID_INPUT", "Duplicate ReferenceId provided in the request");
        }
        ids.push_back(id);
    }
    return std::nullopt;
}

inline boost::json::object sub_result_json(const SubResult& r) {
    boost::json::object o;
    o["body"] = r.body;
    o["httpHeaders"] = r.headers;
    o["httpStatusCode"] = r.status;
    o["referenceId"] = r.reference_id;
    return o;
}

// Runs the composite call; `run(OrgRequest)` answers one subrequest (never another composite).
template <class Run>
OrgReply run_composite(const OrgRequest& outer, AccountTable& table, Run&& run) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(outer.body, ec);
    if (ec) return rest_error(400, "JSON_PARSER_ERROR", "The composite request body is not JSON");
    if (auto refusal = check_composite(v)) return *refusal;
    const auto* all_flag = v.as_object().if_contains("allOrNone");
    const bool all_or_none = all_flag && all_flag->is_bool() && all_flag->as_bool();
    if (all_or_none) table.begin();
    std::vector<SubResult> done;
    std::optional<std::size_t> failed;
    for (const auto& s : v.at("compositeRequest").as_array()) {
        const auto& so = s.as_object();
        SubResult r;
        r.reference_id = std::string(so.at("referenceId").as_string());
        std::string missing;
        OrgRequest sub;
        sub.method = std::string(so.at("method").as_string());
        sub.target = substitute(std::string_view(so.at("url").as_string()), done, missing);
        sub.headers = {{"Authorization", std::string(outer.header("Authorization"))},
                       {"Content-Type", "application/json"}};
        if (const auto* headers = so.if_contains("httpHeaders"); headers && headers->is_object()) {
            for (const auto& kv : headers->as_object()) {
                if (kv.value().is_string()) sub.headers.emplace_back(kv.key(), std::string(kv.value().as_string()));
            }
        }
        if (const auto* body = so.if_contains("body")) {
            boost::json::value b = *body;
            substitute_in(b, done, missing);
            sub.body = boost::json::serialize(b);
        }
        if (!missing.empty()) {
            r.status = 400;
            r.body = rest_error_body("PROCESSING_HALTED",
                                     "Invalid reference specified. No value for " + missing + " found in " +
                                         missing.substr(0, missing.find('.')) + ". Provided referenceId ('" +
                                         missing.substr(0, missing.find('.')) + "') is case-sensitive.");
        } else {
            OrgReply reply = run(sub);
            r.status = reply.status;
            if (!reply.body.empty()) r.body = boost::json::parse(reply.body, ec);
            if (ec) r.body = boost::json::string(reply.body);
            if (const std::string_view loc = reply.header("Location"); !loc.empty()) r.headers["Location"] = loc;
        }
        done.push_back(std::move(r));
        if (done.back().status >= 400 && all_or_none) {
            failed = done.size() - 1;
            break;
        }
    }
    if (failed) {
        table.rollback();
        const boost::json::value halted =
            rest_error_body("PROCESSING_HALTED",
                            "The transaction was rolled back since another operation in the same transaction failed.");
        const auto& subs = v.at("compositeRequest").as_array();
        for (std::size_t i = 0; i < subs.size(); ++i) {
            if (i == *failed) continue;
            if (i >= done.size()) done.push_back({std::string(subs[i].at("referenceId").as_string()), 0, {}, {}});
            done[i].status = 400;
            done[i].body = halted;
            done[i].headers.clear();
        }
    } else if (all_or_none) {
        table.commit();
    }
    boost::json::array out;
    for (const auto& r : done) out.emplace_back(sub_result_json(r));
    boost::json::object o;
    o["compositeResponse"] = std::move(out);
    return json_reply(200, o);
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
