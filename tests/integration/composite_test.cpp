// Composite calls over real TLS against the emulator: success with references, partial failure
// (allOrNone=false), rollback (allOrNone=true), one API call per composite, 26 refused locally.
#include <sfconnect/composite.hpp>
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>

#include "catch.hpp"
#include "support/emulator_org.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace composite_test {

namespace net = boost::asio;
using namespace sfconnect;
using sfconnect::testing::Emulator;

namespace {

struct Org : test::EmulatorOrg {
    Org() : test::EmulatorOrg(30) {}

    struct Outcome {
        error_code ec;
        Diagnostics diag;
        CompositeResult result;
    };
    Outcome send(const CompositeRequest& request) {
        Outcome out;
        client.async_composite("64.0", request, out.diag, [&](error_code ec, CompositeResult r) {
            out.ec = ec;
            out.result = std::move(r);
        });
        io.restart();
        io.run();
        return out;
    }
    Response get(Target target) {
        Response out;
        client.async_request(std::move(target), [&](error_code, Response r) { out = std::move(r); });
        io.restart();
        io.run();
        return out;
    }
    std::string name_of(std::string_view id) {
        const Response r = get(endpoints::sobject.bind("64.0", "Account", id));
        return r.status == 200 ? std::string(r.json.at("Name").as_string())
                               : std::string("<" + std::to_string(r.status) + ">");
    }
    std::uint64_t usage() {
        const Response r = get(endpoints::limits.bind("64.0"));
        REQUIRE(r.limit_info);
        REQUIRE(r.limit_info->api_usage);
        return r.limit_info->api_usage->used;
    }
};

// The emulator's Account ids: "0015g" + 10 digits, 18-character form.
std::string account_id(Org& org, int n) {
    auto cursor = org.client.async_query("64.0", "SELECT Id FROM Account LIMIT " + std::to_string(n));
    std::string id;
    std::exception_ptr error;
    net::co_spawn(
        org.io,
        [&]() -> net::awaitable<void> {
            while (!cursor.done()) {
                QueryPage page = co_await cursor.async_next(net::use_awaitable);
                if (!page.records.empty()) id = std::string(page.records.back().at("Id").as_string());
            }
        },
        [&](std::exception_ptr e) { error = e; });
    org.io.restart();
    org.io.run();
    if (error) std::rethrow_exception(error);
    return id;
}

}  // namespace

TEST_CASE("composite: success with references, one API call", "[composite]") {
    Org org;
    const std::string first = account_id(org, 1);
    const std::uint64_t before = org.usage();
    CompositeRequest batch;
    batch.create("64.0", "Account", "NewAccount", {{"Name", "Composite Co"}})
        .get("64.0", "Account", "@{NewAccount.id}", "ReadBack")
        .update("64.0", "Account", first, "Rename", {{"Name", "Renamed"}})
        .query("64.0", "SELECT Id, Name FROM Account LIMIT 2", "Two")
        .get("64.0", "Account", "@{Two.records[1].Id}", "Second");
    org.emu.reset_stats();
    auto out = org.send(batch);
    REQUIRE_FALSE(out.ec);
    CHECK(org.emu.stats().api_requests == 1);
    const auto& s = out.result.subresponses;
    REQUIRE(s.size() == 5);
    CHECK(out.result.all_ok());
    CHECK(s[0].http_status == 201);
    const std::string new_id(s[0].body.at("id").as_string());
    CHECK(s[0].http_headers.at("Location").as_string().ends_with(new_id));
    CHECK(s[1].http_status == 200);
    CHECK(s[1].body.at("Id").as_string() == new_id);
    CHECK(s[1].body.at("Name").as_string() == "Composite Co");
    CHECK(s[2].http_status == 204);
    CHECK(s[3].body.at("records").as_array().size() == 2);
    CHECK(s[4].http_status == 200);
    CHECK(s[4].body.at("Id") == s[3].body.at("records").at(1).at("Id"));
    REQUIRE(out.result.limit_info);
    CHECK(out.result.limit_info->api_usage->used == before + 1);  // five subrequests, one call
    CHECK(org.name_of(first) == "Renamed");
    CHECK(org.name_of(new_id) == "Composite Co");
}

TEST_CASE("composite: partial failure with allOrNone=false keeps the successes", "[composite]") {
    Org org;
    const std::string first = account_id(org, 1);
    const std::string second = account_id(org, 2);
    CompositeRequest batch;
    batch.update("64.0", "Account", first, "Good", {{"Name", "Kept"}})
        .update("64.0", "Account", second, "BadField", {{"NoSuchField__c", "x"}})
        .get("64.0", "Account", "001000000000000AAA", "Missing")
        .create("64.0", "Account", "NoName", {{"Name", ""}})
        .remove("64.0", "Account", second, "Deleted");
    auto out = org.send(batch);
    REQUIRE_FALSE(out.ec);
    const auto& s = out.result.subresponses;
    REQUIRE(s.size() == 5);
    CHECK(s[0].ok());
    CHECK(s[1].ec == api_errc::api_error);
    CHECK(s[1].diag.server_error == "INVALID_FIELD");
    CHECK(s[1].diag.http_status == 400);
    CHECK_FALSE(s[1].diag.hint.empty());
    CHECK(s[2].diag.server_error == "NOT_FOUND");
    CHECK(s[2].http_status == 404);
    CHECK(s[3].diag.server_error == "REQUIRED_FIELD_MISSING");
    CHECK(s[4].http_status == 204);
    CHECK_FALSE(out.result.all_ok());
    CHECK(org.name_of(first) == "Kept");
    CHECK(org.name_of(second) == "<404>");
    // The error is the one a single request gets.
    RequestOptions bad{.json = boost::json::object{{"NoSuchField__c", "x"}}};
    Diagnostics single;
    error_code single_ec;
    org.client.async_request(endpoints::sobject_update.bind("64.0", "Account", first), bad, single,
                             [&](error_code ec, Response) { single_ec = ec; });
    org.io.restart();
    org.io.run();
    CHECK(single_ec == s[1].ec);
    CHECK(error_id(single_ec) == error_id(s[1].ec));
    CHECK(single.hint == s[1].diag.hint);
    CHECK(single.server_error == s[1].diag.server_error);
}

TEST_CASE("composite: allOrNone=true rolls everything back", "[composite]") {
    Org org;
    const std::string first = account_id(org, 1);
    const std::string second = account_id(org, 2);
    const std::string first_name = org.name_of(first);
    CompositeRequest batch;
    batch.all_or_none(true)
        .create("64.0", "Account", "NewAccount", {{"Name", "Rolled Back Co"}})
        .update("64.0", "Account", first, "Rename", {{"Name", "Never"}})
        .remove("64.0", "Account", second, "Delete")
        .update("64.0", "Account", first, "Fails", {{"NoSuchField__c", "x"}})
        .get("64.0", "Account", "@{NewAccount.id}", "After");
    auto out = org.send(batch);
    REQUIRE_FALSE(out.ec);
    const auto& s = out.result.subresponses;
    REQUIRE(s.size() == 5);
    CHECK(s[3].diag.server_error == "INVALID_FIELD");
    for (std::size_t i : {0u, 1u, 2u, 4u}) {
        CHECK(s[i].http_status == 400);
        CHECK(s[i].diag.server_error == "PROCESSING_HALTED");
        CHECK(s[i].ec == api_errc::api_error);
    }
    CHECK(s[4].reference_id == "After");
    CHECK(org.name_of(first) == first_name);
    CHECK(org.name_of(second) != "<404>");
    // Nothing was created: the query still counts 30 accounts.
    auto cursor = org.client.async_query("64.0", "SELECT COUNT() FROM Account");
    std::uint64_t total = 0;
    net::co_spawn(
        org.io, [&]() -> net::awaitable<void> { total = (co_await cursor.async_next(net::use_awaitable)).total_size; },
        [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    org.io.restart();
    org.io.run();
    CHECK(total == 30);
}

TEST_CASE("composite: 26 subrequests are refused locally, nothing is sent", "[composite][limits]") {
    Org org;
    CompositeRequest batch;
    for (int i = 0; i < 26; ++i)
        batch.update("64.0", "Account", "0015g0000000001AAA", "u" + std::to_string(i), {{"Name", "x"}});
    org.emu.reset_stats();
    auto out = org.send(batch);
    CHECK(out.ec == boost::system::errc::invalid_argument);
    CHECK(out.diag.phase == Phase::setup);
    CHECK(out.diag.message.find("26") != std::string::npos);
    CHECK(org.emu.stats().requests == 0);

    // With use_awaitable the failure is thrown with its diagnostics.
    std::string message;
    net::co_spawn(
        org.io,
        [&]() -> net::awaitable<void> {
            try {
                co_await org.client.async_composite("64.0", batch, net::use_awaitable);
            } catch (const ErrorWithDiagnostics& e) {
                message = e.diagnostics().message;
            }
        },
        [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    org.io.restart();
    org.io.run();
    CHECK(message.find("at most 25") != std::string::npos);
    CHECK(org.emu.stats().requests == 0);
}

TEST_CASE("composite: a failed reference halts only its dependants", "[composite]") {
    Org org;
    CompositeRequest batch;
    batch.create("64.0", "Account", "Broken", {{"Name", ""}})
        .get("64.0", "Account", "@{Broken.id}", "Dependant")
        .query("64.0", "SELECT Id FROM Account LIMIT 1", "Independent");
    auto out = org.send(batch);
    REQUIRE_FALSE(out.ec);
    const auto& s = out.result.subresponses;
    REQUIRE(s.size() == 3);
    CHECK(s[0].diag.server_error == "REQUIRED_FIELD_MISSING");
    CHECK(s[1].diag.server_error == "PROCESSING_HALTED");
    CHECK(s[1].diag.server_message.find("Broken.id") != std::string::npos);
    CHECK(s[2].ok());
}

}  // namespace composite_test
