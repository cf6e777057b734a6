// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_ORG_REPLIES_HPP
#define SFCONNECT_TESTING_DETAIL_ORG_REPLIES_HPP

// The reply shapes Salesforce uses (OAuth errors, REST errors, JSON bodies) and the reading of
// form bodies, shared by the org model and the server (its own answers, its request log).

#include <sfconnect/testing/org_model.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace sfconnect {
namespace testing {
namespace detail {

inline bool is_form(const OrgRequest& req) {
    return istarts_with(trim(req.header("Content-Type")), "application/x-www-form-urlencoded");
}

// A body that is not a form is not read at all, which is how a lost or mistyped body surfaces on
// Salesforce: its parameters are "missing".
inline Params form_of(const OrgRequest& req) { return is_form(req) ? parse_form(req.body) : Params{}; }

inline constexpr std::string_view no_store = "no-cache,must-revalidate,max-age=0,no-store,private";

inline OrgReply json_reply(int status, std::string body) {
    OrgReply r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    r.body = std::move(body);
    return r;
}

inline OrgReply json_reply(int status, const boost::json::value& v) {
    return json_reply(status, boost::json::serialize(v));
}

inline OrgReply text_reply(int status, std::string_view content_type, std::string body) {
    OrgReply r;
    r.status = status;
    r.headers.emplace_back("Content-Type", std::string(content_type));
    r.body = std::move(body);
    return r;
}

// Token-endpoint error shape (Salesforce help "OAuth flow errors": 400, JSON, no-store).
inline OrgReply oauth_error(int status, std::string_view error, std::string_view description) {
    boost::json::object o;
    o["error"] = error;
    o["error_description"] = description;
    OrgReply r = json_reply(status, o);
    r.headers.emplace_back("Cache-Control", std::string(no_store));
    return r;
}

// REST error shape: a JSON array of {message, errorCode}.
inline OrgReply rest_error(int status, std::string_view code, std::string_view message) {
    boost::json::object o;
    o["message"] = message;
    o["errorCode"] = code;
    boost::json::array a;
    a.emplace_back(std::move(o));
    return json_reply(status, a);
}

inline OrgReply not_found() { return rest_error(404, "NOT_FOUND", "The requested resource does not exist"); }

inline OrgReply server_unavailable() {
    return rest_error(503, "SERVER_UNAVAILABLE", "The server is temporarily unavailable");
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
