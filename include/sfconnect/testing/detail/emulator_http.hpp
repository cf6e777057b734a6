// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_EMULATOR_HTTP_HPP
#define SFCONNECT_TESTING_DETAIL_EMULATOR_HTTP_HPP

// The server's side of HTTP/1.1, free of sockets: Beast requests to OrgRequests, OrgReplies to
// wire bytes, and the record of a request with its secrets redacted.

#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/detail/org_replies.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>

namespace sfconnect {
namespace testing {
namespace detail {

inline constexpr std::size_t max_logged_body = 64 * 1024;

using Request = boost::beast::http::request<boost::beast::http::string_body>;

inline OrgRequest to_org_request(const Request& req) {
    OrgRequest out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    for (const auto& field : req.base()) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = req.body();
    return out;
}

// What the request log keeps: the Authorization value only as its scheme, form secrets replaced.
inline RecordedRequest record_of(const OrgRequest& req, int status, std::uint64_t connection) {
    RecordedRequest r;
    r.method = req.method;
    r.target = redact_target(req.target);
    for (const auto& [name, value] : req.headers) {
        if (iequals(name, "Authorization")) {
            const std::size_t space = value.find(' ');
            r.headers.emplace_back(name, (space == std::string::npos ? std::string{} : value.substr(0, space + 1)) +
                                             "<redacted>");
        } else {
            r.headers.emplace_back(name, value);
        }
    }
    const std::string_view body = std::string_view{req.body}.substr(0, max_logged_body);
    r.body = is_form(req) ? redact_form(body) : std::string(body);
    r.status = status;
    r.connection = connection;
    return r;
}

inline std::string http_date() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

inline std::string reason_phrase(int status) {
    const std::string_view r = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    return r.empty() || r.front() == '<' ? std::string("Unknown") : std::string(r);
}

// HTTP/1.1 wire bytes. `head` omits the body (HEAD requests); `header_size` receives the size
// of the status line and header block (for the close_mid_body fault).
inline std::string serialize_reply(const OrgReply& r, bool keep_alive, bool head, std::size_t* header_size = nullptr) {
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) + "\r\n";
    out += "Date: " + http_date() + "\r\n";
    bool explicit_length = false;
    bool chunked = false;
    for (const auto& [name, value] : r.headers) {
        out.append(name).append(": ").append(value).append("\r\n");
        explicit_length = explicit_length || iequals(name, "Content-Length");
        chunked = chunked || (iequals(name, "Transfer-Encoding") && value.find("chunked") != std::string::npos);
    }
    const bool bodyless = r.status == 204 || r.status == 304;
    if (!explicit_length && !chunked && !bodyless) {
        out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    }
    if (!keep_alive) {
        out += "Connection: close\r\n";
    }
    out += "\r\n";
    if (header_size != nullptr) {
        *header_size = out.size();
    }
    if (head || bodyless) {
        return out;
    }
    if (chunked) {
        if (!r.body.empty()) {
            out += hex_size(r.body.size()) + "\r\n" + r.body + "\r\n";
        }
        out += "0\r\n\r\n";
    } else {
        out += r.body;
    }
    return out;
}

// The first half of a reply's wire bytes (half its body, or half its header block when it has
// none): what the close_mid_body fault and random mid-body drops send before closing.
inline std::string first_half_of(const OrgReply& r) {
    std::size_t header_size = 0;
    const std::string wire = serialize_reply(r, true, false, &header_size);
    const std::size_t body_size = wire.size() - header_size;
    return wire.substr(0, body_size > 0 ? header_size + body_size / 2 : header_size / 2);
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
