// The composite builder's checks and the composite result parser (pure, no I/O).
#include <sfconnect/composite.hpp>

#include "catch.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace composite_test {

using namespace sfconnect;

namespace {

error_code check(const CompositeRequest& r, Diagnostics& diag) { return check_composite_request(r, diag); }

CompositeRequest updates(std::size_t n) {
    CompositeRequest r;
    for (std::size_t i = 0; i < n; ++i)
        r.update("64.0", "Account", "001000000000001AAA", "u" + std::to_string(i), {{"Name", "x"}});
    return r;
}

}  // namespace

TEST_CASE("composite: the typed helpers build checked URLs and the body", "[composite]") {
    CompositeRequest r;
    r.all_or_none(true)
        .create("64.0", "Account", "NewAccount", {{"Name", "Acme"}})
        .get("64.0", "Account", "@{NewAccount.id}", "ReadBack")
        .update("64.0", "Account", "@{NewAccount.id}", "Rename", {{"Name", "Acme 2"}})
        .query("64.0", "SELECT Id FROM Account WHERE Id = '@{NewAccount.id}'", "Q")
        .remove("64.0", "Account", "001/x y", "Gone");
    const auto& s = r.subrequests();
    REQUIRE(s.size() == 5);
    CHECK(s[0].url == "/services/data/v64.0/sobjects/Account/");
    CHECK(s[0].method == Method::post);
    CHECK(s[1].url == "/services/data/v64.0/sobjects/Account/@{NewAccount.id}");
    CHECK(s[2].method == Method::patch);
    CHECK(s[3].url ==
          "/services/data/v64.0/query/?q=SELECT%20Id%20FROM%20Account%20WHERE%20Id%20%3D%20%27@{NewAccount.id}%27");
    CHECK(s[4].url == "/services/data/v64.0/sobjects/Account/001%2Fx%20y");
    Diagnostics diag;
    CHECK_FALSE(check(r, diag));

    const boost::json::value body = composite_body(r);
    CHECK(body.at("allOrNone").as_bool());
    CHECK_FALSE(body.at("collateSubrequests").as_bool());
    const auto& subs = body.at("compositeRequest").as_array();
    REQUIRE(subs.size() == 5);
    CHECK(subs[0].at("method") == "POST");
    CHECK(subs[0].at("referenceId") == "NewAccount");
    CHECK(subs[0].at("body").at("Name") == "Acme");
    CHECK(subs[1].as_object().if_contains("body") == nullptr);
    CHECK(subs[4].at("method") == "DELETE");
    CHECK_THROWS_AS(CompositeRequest().get("64.0", "Account", "", "x"), std::invalid_argument);
    CHECK_THROWS_AS(CompositeRequest().get("64.0", "", "001", "x"), std::invalid_argument);
}

TEST_CASE("composite: 25 subrequests pass, 26 are refused locally with the fix", "[composite][limits]") {
    Diagnostics diag;
    CHECK_FALSE(check(updates(25), diag));
    const error_code ec = check(updates(26), diag);
    CHECK(ec == boost::system::errc::invalid_argument);
    CHECK(diag.phase == Phase::setup);
    CHECK(diag.message.find("26") != std::string::npos);
    CHECK(diag.message.find("25") != std::string::npos);
    CHECK(diag.hint.find("Split") != std::string::npos);
    CHECK(check(CompositeRequest{}, diag) == boost::system::errc::invalid_argument);
}

TEST_CASE("composite: each bad subrequest is named with the fix", "[composite][limits]") {
    const auto refused = [](CompositeSubrequest bad, std::string_view expect) {
        CompositeRequest r;
        r.get("64.0", "Account", "001000000000001AAA", "First");
        r.add(std::move(bad));
        Diagnostics diag;
        const error_code ec = check_composite_request(r, diag);
        CHECK(ec == boost::system::errc::invalid_argument);
        CHECK(diag.message.find("composite subrequest 2") != std::string::npos);
        CHECK(diag.message.find(expect) != std::string::npos);
        CHECK_FALSE(diag.hint.empty());
    };
    const std::string ok_url = "/services/data/v64.0/sobjects/Account/001000000000001AAA";
    refused({Method::get, ok_url, "First"}, "already uses");
    refused({Method::get, ok_url, ""}, "must start with a letter");
    refused({Method::get, ok_url, "1abc"}, "must start with a letter");
    refused({Method::get, ok_url, "has space"}, "must start with a letter");
    refused({Method::get, ok_url, std::string(81, 'a')}, "must start with a letter");
    refused({Method::head, ok_url, "H"}, "HEAD");
    refused({Method::get, "/services/oauth2/revoke", "R"}, "/services/data/vNN.0/");
    refused({Method::get, "https://evil.example/services/data/v64.0/limits", "R"}, "/services/data/vNN.0/");
    refused({Method::get, "/services/data/v64.0/../../oauth2/revoke", "R"}, "..");
    refused({Method::get, "/services/data/v64.0/query/?q=SELECT Id", "R"}, "space");
    refused({Method::get, ok_url, "R", boost::json::object{{"Name", "x"}}}, "has a body");
    refused({Method::del, ok_url, "R", boost::json::object{{"Name", "x"}}}, "has a body");
    refused({Method::get, "/services/data/v64.0/sobjects/Account/@{Later.id}", "R"}, "@{Later.id}");
    refused({Method::patch, ok_url, "R", boost::json::object{{"ParentId", "@{Nope.id}"}}}, "@{Nope.id}");
    refused({Method::get, ok_url, "R", std::nullopt, {{"X-A", "b\r\nc"}}}, "CR");

    // A reference to an earlier subrequest is fine, in the URL and in the body.
    CompositeRequest r;
    r.create("64.0", "Account", "Parent", {{"Name", "P"}});
    r.create("64.0", "Account", "Child", {{"Name", "C"}, {"ParentId", "@{Parent.id}"}});
    r.query("64.0", "SELECT Id FROM Account", "Q");
    r.get("64.0", "Account", "@{Q.records[0].Id}", "First");
    Diagnostics diag;
    CHECK_FALSE(check_composite_request(r, diag));
}

TEST_CASE("composite: at most 5 query subrequests", "[composite][limits]") {
    CompositeRequest r;
    for (int i = 0; i < 5; ++i) r.query("64.0", "SELECT Id FROM Account", "q" + std::to_string(i));
    Diagnostics diag;
    CHECK_FALSE(check_composite_request(r, diag));
    r.query("64.0", "SELECT Id FROM Account", "q5");
    CHECK(check_composite_request(r, diag) == boost::system::errc::invalid_argument);
    CHECK(diag.message.find("\"q5\"") == std::string::npos);
    CHECK(diag.message.find("at most 5") != std::string::npos);
}

TEST_CASE("composite: results are parsed and errors mapped as for a single request", "[composite]") {
    const auto reply = boost::json::parse(R"({"compositeResponse":[
        {"body":{"id":"001000000000001AAA","success":true,"errors":[]},"httpHeaders":{"Location":"/services/data/v64.0/sobjects/Account/001000000000001AAA"},"httpStatusCode":201,"referenceId":"NewAccount"},
        {"body":null,"httpHeaders":{},"httpStatusCode":204,"referenceId":"Update"},
        {"body":[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}],"httpHeaders":{},"httpStatusCode":404,"referenceId":"Missing"},
        {"body":[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"Halted"},
        {"body":[{"errorCode":"INSUFFICIENT_ACCESS","message":"insufficient access rights on object id"}],"httpHeaders":{},"httpStatusCode":403,"referenceId":"Denied"}
    ]})");
    Diagnostics diag;
    auto result = parse_composite_result(reply, diag);
    REQUIRE(result.has_value());
    const auto& s = result->subresponses;
    REQUIRE(s.size() == 5);
    CHECK(s[0].ok());
    CHECK(s[0].http_status == 201);
    CHECK(s[0].body.at("id") == "001000000000001AAA");
    CHECK(s[0].http_headers.at("Location").as_string().starts_with("/services/data/"));
    CHECK(s[1].ok());
    CHECK(s[1].body.is_null());
    CHECK(s[2].ec == api_errc::api_error);
    CHECK(s[2].diag.server_error == "NOT_FOUND");
    CHECK(s[2].diag.http_status == 404);
    CHECK(s[3].diag.server_error == "PROCESSING_HALTED");
    CHECK(s[4].ec == api_errc::insufficient_access);
    CHECK(error_id(s[4].ec) == error_id(make_error_code(api_errc::insufficient_access)));
    CHECK_FALSE(result->all_ok());
    REQUIRE(result->find("Missing") != nullptr);
    CHECK(result->find("Missing")->http_status == 404);
    CHECK(result->find("nope") == nullptr);

    // The same error a single request gets, hint included.
    Diagnostics single;
    const error_code ec = map_api_error(403, "application/json",
                                        boost::json::serialize(reply.at("compositeResponse").at(4).at("body")), single);
    CHECK(ec == s[4].ec);
    CHECK(single.hint == s[4].diag.hint);
    CHECK(single.message == s[4].diag.message);
}

TEST_CASE("composite: malformed results are bad_response", "[composite]") {
    for (const char* text : {R"([])", R"({})", R"({"compositeResponse":{}})", R"({"compositeResponse":[1]})",
                             R"({"compositeResponse":[{"httpStatusCode":200}]})",
                             R"({"compositeResponse":[{"httpStatusCode":"200","referenceId":"a"}]})",
                             R"({"compositeResponse":[{"httpStatusCode":99,"referenceId":"a"}]})",
                             R"({"compositeResponse":[{"httpStatusCode":600,"referenceId":"a"}]})",
                             R"({"compositeResponse":[{"httpStatusCode":200,"referenceId":7}]})",
                             R"({"compositeResponse":[{"httpStatusCode":200,"referenceId":"a","httpHeaders":[]}]})"}) {
        Diagnostics diag;
        auto result = parse_composite_result(boost::json::parse(text), diag);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error() == errc::bad_response);
        CHECK(diag.phase == Phase::api);
        CHECK_FALSE(diag.message.empty());
    }
}

}  // namespace composite_test
