#include <sfconnect/api_version.hpp>

#include "catch.hpp"

#include <boost/system/errc.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace api_version_test {

using sfconnect::ApiVersion;
using sfconnect::Diagnostics;

// Literals are checked at compile time (bad ones are in tests/compile_fail/endpoint_invalid_api_*.cpp).
static_assert(ApiVersion("62.0").str() == "62.0");
static_assert(ApiVersion("62.0").major() == 62);
static_assert(ApiVersion("10.0").major() == 10);
static_assert(ApiVersion("99.0").major() == 99);
static_assert(ApiVersion::default_version().str() == "64.0");
static_assert(ApiVersion::default_version() == ApiVersion("64.0"));
static_assert(ApiVersion("62.0") < ApiVersion("64.0"));
static_assert(ApiVersion("64.0") != ApiVersion("62.0"));
// Only literals convert implicitly; run-time text must go through parse().
static_assert(std::is_convertible_v<const char (&)[5], ApiVersion>);
static_assert(!std::is_constructible_v<ApiVersion, std::string>);
static_assert(!std::is_constructible_v<ApiVersion, std::string_view>);
static_assert(!std::is_constructible_v<ApiVersion, const char*>);

TEST_CASE("ApiVersion::parse accepts NN.0 and normalises v-prefixed and bare majors", "[api_version]") {
    const std::vector<std::pair<std::string, std::string>> accepted = {
        {"62.0", "62.0"}, {"64.0", "64.0"},  {"10.0", "10.0"}, {"99.0", "99.0"},
        {"62", "62.0"},   {"v62.0", "62.0"}, {"v62", "62.0"},  {"v10", "10.0"},
    };
    for (const auto& [text, canonical] : accepted) {
        INFO("input: " << text);
        Diagnostics diag;
        diag.message = "left alone on success";
        const auto v = ApiVersion::parse(text, diag);
        REQUIRE(v.has_value());
        CHECK(v->str() == canonical);
        CHECK(v->major() == std::stoi(canonical));
        CHECK(diag.message == "left alone on success");
        CHECK(ApiVersion::parse(text).value() == *v);
    }
}

TEST_CASE("ApiVersion::parse rejects everything else with a message naming the value", "[api_version]") {
    const std::vector<std::string> rejected = {
        "6.0",    "06.0", "6",   "100.0", "100",    "62.1",  "62.00", "62.",   "62.0.0", "62,0",
        "V62.0",  "vv62", "v",   ".0",    "-62.0",  "+62.0", "6a.0",  "abc",   " 62.0",  "62.0 ",
        "62.0\n", "62\r", "0.0", "00.0",  "v062.0", "62.0a", "६२.0",  "62.0/", "v 62.0", "62 .0",
    };
    for (const auto& text : rejected) {
        INFO("input: " << text);
        Diagnostics diag;
        diag.server_message = "stale";
        const auto v = ApiVersion::parse(text, diag);
        REQUIRE(v.has_error());
        CHECK(v.error() == boost::system::errc::invalid_argument);
        CHECK(diag.message.find("NN.0") != std::string::npos);
        CHECK(diag.message.find("\"64.0\"") != std::string::npos);
        CHECK(!diag.hint.empty());
        CHECK(diag.server_message.empty());  // diag is replaced, not appended to
        CHECK(ApiVersion::parse(text).error() == boost::system::errc::invalid_argument);
    }
}

TEST_CASE("ApiVersion::parse messages quote the value safely", "[api_version]") {
    Diagnostics diag;
    REQUIRE(ApiVersion::parse("62.1", diag).has_error());
    CHECK(diag.message == "API version \"62.1\" is not valid; expected the form NN.0 (two digits, then \".0\"), "
                          "e.g. \"64.0\"");

    REQUIRE(ApiVersion::parse("", diag).has_error());
    CHECK(diag.message == "API version is empty; expected the form NN.0, e.g. \"64.0\"");

    // A newline in configuration text is shown escaped, so the message stays on one line.
    REQUIRE(ApiVersion::parse("62.0\r\n", diag).has_error());
    CHECK(diag.message.find("\"62.0\\r\\n\"") != std::string::npos);
    CHECK(diag.message.find('\n') == std::string::npos);

    // Long input is cut short.
    REQUIRE(ApiVersion::parse(std::string(500, '6'), diag).has_error());
    CHECK(diag.message.size() < 200);
    CHECK(diag.message.find("...\"") != std::string::npos);
}

}  // namespace api_version_test
