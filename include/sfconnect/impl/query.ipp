// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_QUERY_IPP
#define SFCONNECT_IMPL_QUERY_IPP

#include <sfconnect/endpoints.hpp>
#include <sfconnect/query.hpp>
#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <boost/json/object.hpp>

#include <memory>
#include <string>

namespace sfconnect {
namespace detail {

inline error_code query_reply_error(Diagnostics& diag, std::string message) {
    diag = Diagnostics{};
    diag.phase = Phase::api;
    diag.message = std::move(message);
    diag.hint = "The reply is not a Salesforce query page: check that the site is the org's My Domain and that no "
                "proxy rewrites replies.";
    return errc::bad_response;
}

// "vNN.0" with two digits, the form every Salesforce data path has.
constexpr bool is_version_segment(std::string_view s) noexcept {
    return s.size() == 5 && s[0] == 'v' && is_digit(s[1]) && is_digit(s[2]) && s[3] == '.' && s[4] == '0';
}

// The locator segment: letters, digits and '-' only (e.g. "01gRO0000016PIAYA2-2000").
constexpr bool is_query_locator(std::string_view s) noexcept {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (!is_alnum(c) && c != '-') return false;
    return true;
}

// True for /services/data/vNN.0/query/<locator> and .../queryAll/<locator>.
constexpr bool is_query_locator_path(std::string_view path) noexcept {
    constexpr std::string_view prefix = "/services/data/";
    if (!path.starts_with(prefix)) return false;
    path.remove_prefix(prefix.size());
    const std::size_t slash = path.find('/');
    if (slash == std::string_view::npos || !is_version_segment(path.substr(0, slash))) return false;
    path.remove_prefix(slash + 1);
    for (std::string_view resource : {std::string_view("query/"), std::string_view("queryAll/")}) {
        if (path.starts_with(resource)) return is_query_locator(path.substr(resource.size()));
    }
    return false;
}

}  // namespace detail

SFCONNECT_DECL error_code check_query_options(const QueryOptions& options, Diagnostics& diag) {
    if (options.batch_size &&
        (*options.batch_size < min_query_batch_size || *options.batch_size > max_query_batch_size)) {
        diag = Diagnostics{};
        diag.phase = Phase::setup;
        diag.message = "QueryOptions::batch_size is " + std::to_string(*options.batch_size) +
                       "; Salesforce accepts 200 to 2000 records per page";
        diag.hint = "Set batch_size within 200..2000, or leave it unset for the server's default (2000).";
        return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    }
    return {};
}

SFCONNECT_DECL boost::system::result<Target> first_query_target(ApiVersion version, std::string_view soql,
                                                                bool include_deleted, Diagnostics& diag) {
    bool blank = true;
    for (char c : soql) blank = blank && (detail::is_blank(c) || c == '\r' || c == '\n');
    if (blank) {
        diag = Diagnostics{};
        diag.phase = Phase::setup;
        diag.message = "the SOQL query text is empty";
        diag.hint = "Pass a SOQL statement such as \"SELECT Id, Name FROM Account\".";
        return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    }
    const Target base = include_deleted ? endpoints::query_all.bind(version) : endpoints::query.bind(version);
    return base.with_query("q", soql);
}

SFCONNECT_DECL RequestOptions query_request_options(const QueryOptions& options) {
    RequestOptions ro;
    if (options.batch_size)
        ro.headers.emplace_back("Sforce-Query-Options", "batchSize=" + std::to_string(*options.batch_size));
    ro.max_response_bytes = options.max_response_bytes;
    return ro;
}

SFCONNECT_DECL boost::system::result<QueryPage> parse_query_page(boost::json::value&& reply, Diagnostics& diag) {
    boost::json::object* o = reply.if_object();
    if (!o) return detail::query_reply_error(diag, "the query reply is not a JSON object");
    boost::json::value* records = o->if_contains("records");
    if (!records || !records->is_array())
        return detail::query_reply_error(diag, "the query reply has no \"records\" array");
    const boost::json::value* total = o->if_contains("totalSize");
    boost::system::error_code number_ec;
    std::int64_t total_value = -1;
    if (total) {
        total_value = total->to_number<std::int64_t>(number_ec);
        if (number_ec || (total->is_double() && static_cast<double>(total_value) != total->as_double()))
            total_value = -1;
    }
    if (total_value < 0)
        return detail::query_reply_error(diag,
                                         "the query reply's \"totalSize\" is missing or not a non-negative integer");
    const boost::json::value* done = o->if_contains("done");
    if (!done || !done->is_bool())
        return detail::query_reply_error(diag, "the query reply's \"done\" is missing or not true/false");
    QueryPage page;
    page.total_size = static_cast<std::uint64_t>(total_value);
    page.done = done->as_bool();
    if (!page.done) {
        const boost::json::value* next = o->if_contains("nextRecordsUrl");
        if (!next || !next->is_string() || next->as_string().empty())
            return detail::query_reply_error(diag,
                                             "the query reply says more pages follow (\"done\": false) but has no "
                                             "\"nextRecordsUrl\"");
        page.next_records_url.assign(next->as_string().data(), next->as_string().size());
    }
    // Move-constructed, not assigned: the array keeps the reply's memory resource (assigning would
    // copy every record into page.records' default resource).
    std::destroy_at(&page.records);
    std::construct_at(&page.records, std::move(records->as_array()));
    return page;
}

SFCONNECT_DECL boost::system::result<Target> next_query_target(std::string_view next_records_url, Diagnostics& diag) {
    auto target = runtime_target(Method::get, next_records_url, diag);
    const std::string_view path = next_records_url.substr(0, next_records_url.find('?'));
    if (target && detail::is_query_locator_path(path)) return target;
    diag = Diagnostics{};
    diag.phase = Phase::api;
    diag.message = "refused to follow the query reply's nextRecordsUrl " + detail::quoted(next_records_url, 120, '"') +
                   ": it is not a query locator under /services/data/vNN.0/query/";
    diag.hint = "A query's next page is always /services/data/vNN.0/query/<locator>; a reply pointing elsewhere was "
                "altered (proxy, wrong host) and is not followed. Check the site and any proxy in between.";
    return errc::bad_response;
}

}  // namespace sfconnect

#endif
