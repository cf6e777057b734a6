// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-bench composite: updating 25 records as ONE composite call (25 PATCH subrequests) vs 25
// single PATCH requests, interleaved round by round on one kept-alive connection. Reports the wall
// time of each and the API calls each consumed, read from Sforce-Limit-Info (the org's own counter:
// the emulator's or a real org's). Included by sfconnect_bench.cpp inside its anonymous namespace,
// after Run (it uses Run, TokenClient, Diagnostics, net and median()).
#pragma once

struct CompositeFigures {
    std::vector<double> composite_s;  // per round
    std::vector<double> singles_s;    // per round
    std::uint64_t composite_calls = 0;
    std::uint64_t singles_calls = 0;
};

inline constexpr std::size_t composite_batch = sfconnect::max_composite_subrequests;  // 25

inline sfconnect::ApiVersion composite_version(const Run& run) {
    auto v = sfconnect::ApiVersion::parse(run.args.api_version);
    return run.args.api_version.empty() || !v ? sfconnect::ApiVersion::default_version() : *v;
}

// The ids of the first 25 Accounts (one query page).
inline net::awaitable<std::vector<std::string>> composite_ids(TokenClient& client, Run& run) {
    std::vector<std::string> ids;
    auto cursor = client.async_query(composite_version(run), "SELECT Id FROM Account LIMIT 25");
    while (!cursor.done() && ids.size() < composite_batch) {
        auto op = cursor.async_next(net::as_tuple(net::use_awaitable));
        auto [ec, page] = co_await std::move(op);
        if (ec) {
            run.record(ec, cursor.diagnostics());
            break;
        }
        for (const auto& r : page.records) ids.emplace_back(r.at("Id").as_string());
    }
    co_return ids;
}

inline std::uint64_t used_calls(const std::optional<sfconnect::LimitInfo>& info, std::uint64_t fallback) {
    return info && info->api_usage ? info->api_usage->used : fallback;
}

inline boost::json::object bench_fields(std::uint64_t round, std::size_t i) {
    return {{"Name", "Bench " + std::to_string(round) + "-" + std::to_string(i)}};
}

// One round: the composite call, then the 25 single calls; adds to the figures.
inline net::awaitable<std::uint64_t> composite_round(TokenClient& client, Run& run, const std::vector<std::string>& ids,
                                                     std::uint64_t round, std::uint64_t used, CompositeFigures& fig) {
    const sfconnect::ApiVersion version = composite_version(run);
    sfconnect::CompositeRequest batch;
    for (std::size_t i = 0; i < ids.size(); ++i)
        batch.update(version, "Account", ids[i], "u" + std::to_string(i), bench_fields(round, i));
    auto t0 = Clock::now();
    Diagnostics diag;
    auto op = client.async_composite(version, batch, diag, net::as_tuple(net::use_awaitable));
    auto [ec, result] = co_await std::move(op);
    if (!ec && !result.all_ok()) ec = sfconnect::errc::bad_response;
    run.record(ec, diag);
    fig.composite_s.push_back(seconds_since(t0));
    const std::uint64_t after_composite = used_calls(result.limit_info, used);
    fig.composite_calls += after_composite - used;

    std::uint64_t after_singles = after_composite;
    t0 = Clock::now();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        sfconnect::RequestOptions body;
        body.json = bench_fields(round, i);
        Diagnostics d;
        auto single = client.async_request(sfconnect::endpoints::sobject_update.bind(version, "Account", ids[i]), body,
                                           d, net::as_tuple(net::use_awaitable));
        auto [sec, res] = co_await std::move(single);
        run.record(sec, d);
        after_singles = used_calls(res.limit_info, after_singles);
    }
    fig.singles_s.push_back(seconds_since(t0));
    fig.singles_calls += after_singles - after_composite;
    co_return after_singles;
}

inline net::awaitable<void> composite_mode(TokenClient& client, Run& run, bench::Stopwatch& sw, CompositeFigures& fig) {
    const std::vector<std::string> ids = co_await composite_ids(client, run);
    if (ids.size() != composite_batch) {
        if (run.first_error.empty()) run.first_error = "the org has fewer than 25 Accounts to update";
        ++run.result.errors;
        co_return;
    }
    // The counter before the first round, from an untimed request (which also warms the path).
    Diagnostics diag;
    auto limits = client.async_request(sfconnect::endpoints::limits.bind(composite_version(run)),
                                       sfconnect::RequestOptions{}, diag, net::as_tuple(net::use_awaitable));
    auto [lec, lres] = co_await std::move(limits);
    std::uint64_t used = used_calls(lres.limit_info, 0);
    run.result.ok = 0;
    sw.start();
    for (std::uint64_t round = 0; round < run.args.requests; ++round)
        used = co_await composite_round(client, run, ids, round, used, fig);
    sw.stop();
}

inline void report_composite(Run& run, const CompositeFigures& fig, bool human) {
    const double rounds = static_cast<double>(fig.composite_s.empty() ? 1 : fig.composite_s.size());
    const double composite_ms = median(fig.composite_s) * 1e3;
    const double singles_ms = median(fig.singles_s) * 1e3;
    const double composite_calls = static_cast<double>(fig.composite_calls) / rounds;
    const double singles_calls = static_cast<double>(fig.singles_calls) / rounds;
    if (!human) {  // the figures, for --json and the record
        run.result.extra.emplace_back("composite_round_ms_median", composite_ms);
        run.result.extra.emplace_back("singles_round_ms_median", singles_ms);
        run.result.extra.emplace_back("composite_api_calls_per_round", composite_calls);
        run.result.extra.emplace_back("singles_api_calls_per_round", singles_calls);
        return;
    }
    std::printf("  composite   25 records: 1 composite call %.2f ms (median), %.1f API calls counted\n", composite_ms,
                composite_calls);
    std::printf("              25 single PATCH calls %.2f ms (median), %.1f API calls counted; %.2fx the wall time\n",
                singles_ms, singles_calls, composite_ms > 0 ? singles_ms / composite_ms : 0.0);
}
