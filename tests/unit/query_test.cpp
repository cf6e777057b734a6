// The query cursor's pure pieces: options check, first target, page parser, next-target decision.
#include <sfconnect/query.hpp>

#include "catch.hpp"

#include <boost/json/parse.hpp>

#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace query_test {

using namespace sfconnect;

namespace {
boost::json::value json(std::string_view text) { return boost::json::parse(text); }
}  // namespace

TEST_CASE("query options: batch size within 200..2000", "[query]") {
    Diagnostics diag;
    CHECK_FALSE(check_query_options({}, diag));
    CHECK_FALSE(check_query_options({.batch_size = 200}, diag));
    CHECK_FALSE(check_query_options({.batch_size = 2000}, diag));
    for (int bad : {-1, 0, 199, 2001}) {
        CHECK(check_query_options({.batch_size = bad}, diag) == boost::system::errc::invalid_argument);
        CHECK(diag.message.find(std::to_string(bad)) != std::string::npos);
        CHECK(diag.phase == Phase::setup);
        CHECK_FALSE(diag.hint.empty());
    }
    const RequestOptions ro = query_request_options({.batch_size = 500});
    REQUIRE(ro.headers.size() == 1);
    CHECK(ro.headers[0].first == "Sforce-Query-Options");
    CHECK(ro.headers[0].second == "batchSize=500");
    CHECK(query_request_options({}).headers.empty());
}

TEST_CASE("query: the first target percent-encodes the SOQL as one component", "[query]") {
    Diagnostics diag;
    auto t = first_query_target("64.0", "SELECT Id FROM Account WHERE Name = 'a&b=c+d#e'", false, diag);
    REQUIRE(t.has_value());
    CHECK(t->method() == Method::get);
    CHECK(t->path() ==
          "/services/data/v64.0/query/?q=SELECT%20Id%20FROM%20Account%20WHERE%20Name%20%3D%20%27a%26b%3Dc%2Bd%23e%27");
    auto all = first_query_target("62.0", "SELECT Id FROM Account", true, diag);
    REQUIRE(all.has_value());
    CHECK(all->path().starts_with("/services/data/v62.0/queryAll/?q="));
    for (std::string_view blank : {"", "   ", "\r\n\t"}) {
        auto bad = first_query_target("64.0", blank, false, diag);
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error() == boost::system::errc::invalid_argument);
        CHECK(diag.phase == Phase::setup);
    }
}

TEST_CASE("query: a page is parsed and its records moved out", "[query]") {
    Diagnostics diag;
    auto last = parse_query_page(json(R"({"totalSize":2,"done":true,"records":[{"Id":"a"},{"Id":"b"}]})"), diag);
    REQUIRE(last.has_value());
    CHECK(last->done);
    CHECK(last->total_size == 2);
    CHECK(last->records.size() == 2);
    CHECK(last->next_records_url.empty());

    auto more = parse_query_page(
        json(R"({"totalSize":4000,"done":false,"nextRecordsUrl":"/services/data/v64.0/query/01gRO0000016PIAYA2-2000",
                 "records":[]})"),
        diag);
    REQUIRE(more.has_value());
    CHECK_FALSE(more->done);
    CHECK(more->next_records_url == "/services/data/v64.0/query/01gRO0000016PIAYA2-2000");

    auto big = parse_query_page(json(R"({"totalSize":5e3,"done":true,"records":[]})"), diag);
    REQUIRE(big.has_value());
    CHECK(big->total_size == 5000);
}

TEST_CASE("query: malformed pages are bad_response naming the field", "[query]") {
    const std::pair<const char*, const char*> cases[] = {
        {R"([1,2])", "not a JSON object"},
        {R"({"totalSize":1,"done":true})", "records"},
        {R"({"totalSize":1,"done":true,"records":{}})", "records"},
        {R"({"done":true,"records":[]})", "totalSize"},
        {R"({"totalSize":-1,"done":true,"records":[]})", "totalSize"},
        {R"({"totalSize":1.5,"done":true,"records":[]})", "totalSize"},
        {R"({"totalSize":"1","done":true,"records":[]})", "totalSize"},
        {R"({"totalSize":1,"records":[]})", "done"},
        {R"({"totalSize":1,"done":"false","records":[]})", "done"},
        {R"({"totalSize":1,"done":false,"records":[]})", "nextRecordsUrl"},
        {R"({"totalSize":1,"done":false,"nextRecordsUrl":7,"records":[]})", "nextRecordsUrl"},
    };
    for (const auto& [text, field] : cases) {
        Diagnostics diag;
        auto page = parse_query_page(json(text), diag);
        REQUIRE_FALSE(page.has_value());
        CHECK(page.error() == errc::bad_response);
        CHECK(diag.phase == Phase::api);
        CHECK(diag.message.find(field) != std::string::npos);
    }
}

TEST_CASE("query: the next target must stay a query locator", "[query][security]") {
    Diagnostics diag;
    for (std::string_view good : {"/services/data/v64.0/query/01gRO0000016PIAYA2-2000",
                                  "/services/data/v58.0/queryAll/01gRO0000016PIAYA2-200"}) {
        auto t = next_query_target(good, diag);
        REQUIRE(t.has_value());
        CHECK(t->path() == good);
        CHECK(t->method() == Method::get);
    }
    for (std::string_view bad :
         {"", "/services/oauth2/revoke", "/services/apexrest/x", "/services/data/v64.0/sobjects/Account",
          "/services/data/v64.0/query/", "/services/data/v64.0/query/01g/../../x", "/services/data/v64.0/query/01g/x",
          "/services/data/v64/query/01g-2", "/services/data/64.0/query/01g-2",
          "https://evil.example/services/data/v64.0/query/01g-2", "//evil.example/services/data/v64.0/query/01g-2",
          "/services/data/v64.0/query/01g%2F..%2Fx", "/services/data/v64.0/query/01g-2\r\nX: y",
          "/services/data/v64.0/limits/"}) {
        auto t = next_query_target(bad, diag);
        REQUIRE_FALSE(t.has_value());
        CHECK(t.error() == errc::bad_response);
        CHECK(diag.message.find("nextRecordsUrl") != std::string::npos);
        CHECK(diag.message.find('\r') == std::string::npos);
    }
}

}  // namespace query_test
