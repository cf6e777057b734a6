// The query cursor over real TLS against the emulator: paging, batch size, queryAll, cancellation
// and a nextRecordsUrl that tries to leave the query path.
#include <sfconnect/query.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>

#include "catch.hpp"
#include "support/emulator_org.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <set>
#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace query_cursor_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;
using sfconnect::testing::Fault;
using sfconnect::testing::Route;

namespace {

using Org = test::EmulatorOrg;

template <class F>
void run(net::io_context& io, F f) {
    test::run_coroutine(io, std::move(f));
}

// The first page's outcome (the cursor's first request), as an error code.
error_code first_error(Org& org, QueryCursor<TokenClient>& cursor) {
    error_code ec;
    run(org.io, [&]() -> net::awaitable<void> {
        auto [e, p] = co_await cursor.async_next(net::as_tuple(net::use_awaitable));
        ec = e;
    });
    return ec;
}

struct Drained {
    std::size_t pages = 0;
    std::size_t records = 0;
    std::uint64_t total = 0;
    std::set<std::string> ids;
};

Drained drain(Org& org, QueryCursor<TokenClient>& cursor) {
    Drained out;
    run(org.io, [&]() -> net::awaitable<void> {
        while (!cursor.done()) {
            QueryPage page = co_await cursor.async_next(net::use_awaitable);
            ++out.pages;
            out.records += page.records.size();
            out.total = page.total_size;
            for (const auto& r : page.records) out.ids.insert(std::string(r.at("Id").as_string()));
        }
    });
    return out;
}

std::size_t api_requests(const Emulator& emu) {
    std::size_t n = 0;
    for (const auto& r : emu.recent_requests())
        if (r.target.starts_with("/services/data/")) ++n;
    return n;
}

}  // namespace

TEST_CASE("query cursor: 0 records, 1 page and 25 pages", "[query][cursor]") {
    SECTION("no records: one empty, final page") {
        Org org(0);
        auto cursor = org.client.async_query("64.0", "SELECT Id FROM Account");
        const Drained d = drain(org, cursor);
        CHECK(d.pages == 1);
        CHECK(d.records == 0);
        CHECK(d.total == 0);
        CHECK(cursor.done());
    }
    SECTION("one page") {
        Org org(7);
        auto cursor = org.client.async_query("64.0", "SELECT Id, Name FROM Account");
        const Drained d = drain(org, cursor);
        CHECK(d.pages == 1);
        CHECK(d.records == 7);
        CHECK(cursor.total_size() == 7);
    }
    SECTION("25 pages, every record once, one request per page") {
        Org org(25, 1);
        org.emu.reset_stats();
        auto cursor = org.client.async_query("64.0", "SELECT Id, Name FROM Account");
        const Drained d = drain(org, cursor);
        CHECK(d.pages == 25);
        CHECK(d.records == 25);
        CHECK(d.ids.size() == 25);
        CHECK(d.total == 25);
        CHECK(cursor.pages() == 25);
        CHECK(api_requests(org.emu) == 25);
        // After the last page: an empty page at once, no request.
        QueryPage after;
        run(org.io, [&]() -> net::awaitable<void> { after = co_await cursor.async_next(net::use_awaitable); });
        CHECK(after.records.empty());
        CHECK(api_requests(org.emu) == 25);
    }
}

TEST_CASE("query cursor: the SOQL is percent-encoded and batchSize is sent and honoured", "[query][cursor]") {
    Org org(1000);
    org.emu.reset_stats();
    QueryOptions options{.batch_size = 200};
    auto cursor = org.client.async_query("64.0", "SELECT Id, Name FROM Account", options);
    const Drained d = drain(org, cursor);
    CHECK(d.pages == 5);
    CHECK(d.records == 1000);
    const auto requests = org.emu.recent_requests();
    REQUIRE_FALSE(requests.empty());
    std::size_t with_header = 0;
    for (const auto& r : requests) {
        if (!r.target.starts_with("/services/data/")) continue;
        for (const auto& [name, value] : r.headers)
            if (name == "Sforce-Query-Options" && value == "batchSize=200") ++with_header;
    }
    CHECK(with_header == 5);
    const auto first = std::find_if(requests.begin(), requests.end(),
                                    [](const auto& r) { return r.target.starts_with("/services/data/"); });
    CHECK(first->target == "/services/data/v64.0/query/?q=SELECT%20Id%2C%20Name%20FROM%20Account");
    CHECK(first->target.find(' ') == std::string::npos);
}

TEST_CASE("query cursor: a bad batch size or blank SOQL fails locally, before any request", "[query][cursor]") {
    Org org(25);
    org.emu.reset_stats();
    for (int bad : {0, 199, 2001}) {
        QueryOptions options{.batch_size = bad};
        auto cursor = org.client.async_query("64.0", "SELECT Id FROM Account", options);
        CHECK(first_error(org, cursor) == boost::system::errc::invalid_argument);
        CHECK(cursor.diagnostics().message.find(std::to_string(bad)) != std::string::npos);
        CHECK(cursor.diagnostics().phase == Phase::setup);
        CHECK(cursor.done());
    }
    auto blank = org.client.async_query("64.0", "  ");
    CHECK_THROWS_AS(run(org.io,
                        [&]() -> net::awaitable<void> {
                            QueryPage page = co_await blank.async_next(net::use_awaitable);
                            (void)page;
                        }),
                    ErrorWithDiagnostics);
    CHECK(org.emu.stats().api_requests == 0);
}

TEST_CASE("query cursor: queryAll", "[query][cursor]") {
    Org org(30);
    org.emu.reset_stats();
    auto cursor = org.client.async_query_all("64.0", "SELECT Id FROM Account");
    const Drained d = drain(org, cursor);
    CHECK(d.records == 30);
    CHECK(d.pages == 3);
    bool saw_query_all = false;
    for (const auto& r : org.emu.recent_requests())
        saw_query_all |= r.target.starts_with("/services/data/v64.0/queryAll/?q=");
    CHECK(saw_query_all);
}

TEST_CASE("query cursor: cancelled half-way, no further request", "[query][cursor][cancel]") {
    Org org(25, 1);
    auto cursor = org.client.async_query("64.0", "SELECT Id FROM Account");
    run(org.io, [&]() -> net::awaitable<void> {
        for (int i = 0; i < 12; ++i) co_await cursor.async_next(net::use_awaitable);
    });
    org.emu.reset_stats();
    org.emu.push_fault(Route::api, Fault::never_reply());
    net::cancellation_signal signal;
    error_code result;
    cursor.async_next(net::bind_cancellation_slot(signal.slot(), [&](error_code ec, QueryPage) { result = ec; }));
    net::steady_timer timer(org.io, 100ms);
    timer.async_wait([&](error_code) { signal.emit(net::cancellation_type::terminal); });
    const auto t0 = std::chrono::steady_clock::now();
    org.io.restart();
    org.io.run();
    CHECK(result == net::error::operation_aborted);
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    CHECK(cursor.done());
    CHECK(cursor.pages() == 12);
    // The cursor is finished: asking again sends nothing.
    run(org.io, [&]() -> net::awaitable<void> {
        QueryPage page = co_await cursor.async_next(net::use_awaitable);
        CHECK(page.records.empty());
    });
    CHECK(org.emu.stats().api_requests == 1);
}

TEST_CASE("query cursor: close() and destruction stop the fetching", "[query][cursor]") {
    Org org(25, 1);
    org.emu.reset_stats();
    {
        auto cursor = org.client.async_query("64.0", "SELECT Id FROM Account");
        run(org.io, [&]() -> net::awaitable<void> {
            co_await cursor.async_next(net::use_awaitable);
            co_await cursor.async_next(net::use_awaitable);
        });
        cursor.close();
        CHECK(cursor.done());
        run(org.io, [&]() -> net::awaitable<void> { co_await cursor.async_next(net::use_awaitable); });
    }
    org.io.restart();
    org.io.run();
    CHECK(org.emu.stats().api_requests == 2);
}

TEST_CASE("query cursor: a nextRecordsUrl that leaves the query path is refused", "[query][cursor][security]") {
    for (const std::string next :
         {"/services/oauth2/revoke", "/services/apexrest/steal", "/services/data/v64.0/sobjects/Account",
          "/services/data/v64.0/query/../../oauth2/revoke", "https://evil.example/services/data/v64.0/query/01g-2",
          "//evil.example/x"}) {
        Org org(25);
        const std::string page = R"({"totalSize":50,"done":false,"nextRecordsUrl":")" + next + R"(","records":[]})";
        org.emu.push_fault(Route::api, Fault::reply_with(200, page));
        org.emu.reset_stats();
        auto cursor = org.client.async_query("64.0", "SELECT Id FROM Account");
        CHECK(first_error(org, cursor) == errc::bad_response);
        CHECK(cursor.done());
        CHECK(cursor.diagnostics().message.find("nextRecordsUrl") != std::string::npos);
        CHECK(org.emu.stats().api_requests == 1);
    }
}

TEST_CASE("query cursor: a server error ends the cursor with the REST error mapping", "[query][cursor]") {
    Org org(25);
    org.emu.push_fault(
        Route::api, Fault::reply_with(400, R"([{"message":"unexpected token: FORM","errorCode":"MALFORMED_QUERY"}])"));
    auto cursor = org.client.async_query("64.0", "SELECT Id FORM Account");
    CHECK(first_error(org, cursor) == api_errc::api_error);
    CHECK(cursor.diagnostics().server_error == "MALFORMED_QUERY");
    CHECK(cursor.done());
}

}  // namespace query_cursor_test
