// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-bench's query modes: a whole query (the emulator's Account table, 50,000 rows by default
// with the built-in emulator, 2,000 records a page) paged through nextRecordsUrl with runtime_target,
// as examples/cpp20_query_paging.cpp does; `query` asks for compressed replies, `query-plain` does
// not. Each measured operation is one whole query. Included by sfconnect_bench.cpp after its Run.

#pragma once

#include <sfconnect/sfconnect.hpp>
#include <sfconnect/testing/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>

namespace query_bench {

inline constexpr int emulated_accounts = 50'000;
inline constexpr int page_size = 2'000;

inline bool is_query_mode(std::string_view mode) { return mode == "query" || mode == "query-plain"; }

/// The built-in emulator's options for `mode`: a 50,000-row table served 2,000 a page for the
/// query modes, the defaults otherwise.
inline sfconnect::testing::EmulatorOptions emulator_options(std::string_view mode) {
    sfconnect::testing::EmulatorOptions o;
    if (is_query_mode(mode)) {
        o.accounts = emulated_accounts;
        o.query_batch_size = page_size;
    }
    return o;
}

/// What one mode run saw, summed over all measured queries.
struct Figures {
    std::uint64_t records = 0;
    std::uint64_t pages = 0;
    std::uint64_t wire_body_bytes = 0;     // reply bodies as received (Content-Length: compressed or not)
    std::uint64_t decoded_body_bytes = 0;  // reply bodies after decoding
    std::uint64_t compressed_pages = 0;
};

inline std::uint64_t content_length(const sfconnect::Response& r) {
    const std::string_view v = r.header("Content-Length");
    std::uint64_t n = 0;
    std::from_chars(v.data(), v.data() + v.size(), n);
    return n;
}

/// One whole query, page after page; returns the first error.
template <class Client>
boost::asio::awaitable<sfconnect::error_code> one_query(Client& client, sfconnect::ApiVersion version, bool compress,
                                                        Figures& fig, sfconnect::Diagnostics& diag) {
    namespace net = boost::asio;
    sfconnect::RequestOptions first{.query = {{"q", "SELECT Id, Name FROM Account"}}};
    first.compress_reply = compress;
    sfconnect::Target target = sfconnect::endpoints::query.bind(version);
    sfconnect::RequestOptions options = std::move(first);
    for (;;) {
        auto op = client.async_request(target, options, diag, net::as_tuple(net::use_awaitable));
        auto [ec, page] = co_await std::move(op);
        if (ec) co_return ec;
        ++fig.pages;
        fig.wire_body_bytes += content_length(page);
        fig.decoded_body_bytes += page.body.size();
        if (!page.header("Content-Encoding").empty()) ++fig.compressed_pages;
        const boost::json::object* result = page.json.if_object();
        if (result == nullptr) co_return sfconnect::errc::bad_response;
        fig.records += result->at("records").as_array().size();
        if (result->at("done").as_bool()) co_return sfconnect::error_code{};
        const boost::json::string& next = result->at("nextRecordsUrl").as_string();
        auto t = sfconnect::runtime_target(sfconnect::Method::get, {next.data(), next.size()}, diag);
        if (!t) co_return t.error();
        target = std::move(*t);
        options = sfconnect::RequestOptions{};
        options.compress_reply = compress;
    }
}

/// The measured loop: run.args.requests whole queries (one untimed query first warms the path).
template <class Client, class Run, class Stopwatch>
boost::asio::awaitable<void> query_mode(Client& client, Run& run, Stopwatch& sw, Figures& fig,
                                        sfconnect::ApiVersion version) {
    const bool compress = run.args.mode == "query";
    Figures warm;
    sfconnect::Diagnostics diag;
    if (auto ec = co_await one_query(client, version, compress, warm, diag)) {
        run.record(ec, diag);
        co_return;
    }
    sw.start();
    for (std::uint64_t i = 0; i < run.args.requests; ++i) {
        sfconnect::Diagnostics d;
        const sfconnect::error_code ec = co_await one_query(client, version, compress, fig, d);
        run.record(ec, d);
    }
    sw.stop();
}

/// The figures as result extras (per whole query).
template <class Result>
void add_extras(Result& result, const Figures& fig, std::uint64_t queries) {
    const double n = static_cast<double>(queries ? queries : 1);
    result.extra.emplace_back("records_per_query", static_cast<double>(fig.records) / n);
    result.extra.emplace_back("pages_per_query", static_cast<double>(fig.pages) / n);
    result.extra.emplace_back("wire_body_bytes_per_query", static_cast<double>(fig.wire_body_bytes) / n);
    result.extra.emplace_back("decoded_body_bytes_per_query", static_cast<double>(fig.decoded_body_bytes) / n);
    result.extra.emplace_back("compressed_pages_per_query", static_cast<double>(fig.compressed_pages) / n);
}

/// The figures for the human summary.
inline void print_figures(const Figures& fig, std::uint64_t queries) {
    const double n = static_cast<double>(queries ? queries : 1);
    std::printf("  query       %.0f records in %.0f pages per query; reply bodies %.0f bytes on the wire, %.0f decoded"
                " (%.0f pages compressed)\n",
                static_cast<double>(fig.records) / n, static_cast<double>(fig.pages) / n,
                static_cast<double>(fig.wire_body_bytes) / n, static_cast<double>(fig.decoded_body_bytes) / n,
                static_cast<double>(fig.compressed_pages) / n);
}

}  // namespace query_bench
