// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: parse_composite_result on an arbitrary composite reply body (and, on the same
// input, parse_query_page), checking that every subresult error is mapped like a single request's.
#include <sfconnect/composite.hpp>
#include <sfconnect/query.hpp>
#include <sfconnect/reply_errors.hpp>

#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

using namespace sfconnect;
using sfconnect::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    boost::system::error_code jec;
    boost::json::value reply = boost::json::parse(body, jec);
    if (jec) return 0;

    Diagnostics diag;
    auto result = parse_composite_result(reply, diag);
    if (!result) {
        check(result.error() == errc::bad_response, "an error other than bad_response", result.error().message());
        check(diag.phase == Phase::api, "a failure without phase 'api'", to_string(diag.phase));
        check(!diag.message.empty(), "a failure without a message");
    } else {
        check(diag.empty(), "diagnostics set on success", diag.message);
        const auto& list = reply.at("compositeResponse").as_array();
        check(result->subresponses.size() == list.size(), "a subresult lost or invented");
        for (const auto& sub : result->subresponses) {
            check(sub.http_status >= 100 && sub.http_status <= 599, "a status out of range");
            const bool success = sub.http_status >= 200 && sub.http_status < 300;
            check(success == !sub.ec, "a 2xx with an error or a failure without one", sub.ec.message());
            check(success == sub.diag.empty(), "diagnostics on success or none on failure");
            fuzz::check_printable(sub.diag.server_error, "server_error keeps control characters");
            fuzz::check_printable(sub.diag.server_message, "server_message keeps control characters");
            if (!success) {
                // The same verdict a single request with this status and body gets.
                Diagnostics single;
                const std::string text = sub.body.is_null() ? std::string() : boost::json::serialize(sub.body);
                const error_code ec = map_api_error(sub.http_status, "application/json", text, single);
                check(ec == sub.ec, "a subresult mapped unlike a single request", ec.message());
                check(single.hint == sub.diag.hint, "a subresult's hint differs from a single request's");
            }
        }
    }

    Diagnostics qdiag;
    auto page = parse_query_page(std::move(reply), qdiag);
    if (page) {
        check(page->done || !page->next_records_url.empty(), "a page that is not done has no nextRecordsUrl");
        if (!page->done) {
            Diagnostics ndiag;
            auto next = next_query_target(page->next_records_url, ndiag);
            if (next) check(next->path().starts_with("/services/data/v"), "a next page outside the data path");
        }
    } else {
        check(page.error() == errc::bad_response, "a page error other than bad_response");
    }
    return 0;
}
