#include <sfconnect/endpoint.hpp>
#include <sfconnect/endpoints.hpp>

#include "catch.hpp"

#include <boost/system/errc.hpp>

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace endpoint_test {

using namespace sfconnect;
using namespace sfconnect::literals;

namespace {

// ---- Parsed structure, checked at compile time -------------------------------------------------

using Sobject = Endpoint<"/services/data/v{version}/sobjects/{sobject}/{id}">;
static_assert(Sobject::path_template == "/services/data/v{version}/sobjects/{sobject}/{id}");
static_assert(Sobject::method == Method::get);
static_assert(Sobject::placeholder_count == 3);
static_assert(Sobject::placeholder_names == std::array<std::string_view, 3>{"version", "sobject", "id"});
static_assert(Sobject::literal_pieces == std::array<std::string_view, 4>{"/services/data/v", "/sobjects/", "/", ""});

using NoPlaceholders = Endpoint<"/services/oauth2/token", Method::post>;
static_assert(NoPlaceholders::placeholder_count == 0);
static_assert(NoPlaceholders::literal_pieces == std::array<std::string_view, 1>{"/services/oauth2/token"});
static_assert(NoPlaceholders::method == Method::post);

// Several placeholders in one segment are fine when literal text separates them.
using InSegment = Endpoint<"/x/{a}-{b}.json/v{c}", Method::put>;
static_assert(InSegment::placeholder_names == std::array<std::string_view, 3>{"a", "b", "c"});
static_assert(InSegment::literal_pieces == std::array<std::string_view, 4>{"/x/", "-", ".json/v", ""});

// Every pchar class is allowed in literal text, and complete %XX escapes.
using AllPchars = Endpoint<"/az-AZ_09.~/!$&'()*+,;=:@/%2f%C3%A9/{Name_1}">;
static_assert(AllPchars::placeholder_names[0] == "Name_1");

// Naming a type with a bad template is already an error, so validity is observable as a constraint.
template <fixed_string P>
concept ValidTemplate = requires {
    typename Endpoint<P>;
};
static_assert(ValidTemplate<"/">);
static_assert(ValidTemplate<"/services/data/">);

// The parser itself is constexpr: every rejection, by reason.
template <std::size_t N>
constexpr detail::TemplateError parse_error(const char (&text)[N]) {
    return detail::parse_endpoint_template<detail::placeholder_capacity(N - 1)>(std::string_view(text, N - 1)).error;
}
using TE = detail::TemplateError;
static_assert(parse_error("/services/data/v{version}/") == TE::none);
static_assert(parse_error("") == TE::missing_leading_slash);
static_assert(parse_error("services/data") == TE::missing_leading_slash);
static_assert(parse_error("{a}/b") == TE::missing_leading_slash);
static_assert(parse_error("/query?q={soql}") == TE::query_or_fragment_in_path);
static_assert(parse_error("/query/{a?}") == TE::query_or_fragment_in_path);
static_assert(parse_error("/a#b") == TE::query_or_fragment_in_path);
static_assert(parse_error("/a/{b") == TE::unbalanced_braces);
static_assert(parse_error("/a/{b/c") == TE::unbalanced_braces);
static_assert(parse_error("/a/b}") == TE::unbalanced_braces);
static_assert(parse_error("/a/{b}}") == TE::unbalanced_braces);
static_assert(parse_error("/a/{b{c}}") == TE::nested_braces);
static_assert(parse_error("/a/{{b}}") == TE::nested_braces);
static_assert(parse_error("/a/{}") == TE::empty_placeholder_name);
static_assert(parse_error("/a/{b c}") == TE::placeholder_name_not_identifier);
static_assert(parse_error("/a/{b-c}") == TE::placeholder_name_not_identifier);
static_assert(parse_error("/a/{b.c}") == TE::placeholder_name_not_identifier);
static_assert(parse_error("/a/{id}/{id}") == TE::duplicate_placeholder_name);
static_assert(parse_error("/a/{b/c}") == TE::placeholder_spans_segments);
static_assert(parse_error("/a/{b}{c}") == TE::adjacent_placeholders);
static_assert(parse_error("/a b") == TE::character_not_allowed_in_path);
static_assert(parse_error("/a\"b") == TE::character_not_allowed_in_path);
static_assert(parse_error("/a<b>") == TE::character_not_allowed_in_path);
static_assert(parse_error("/a\\b") == TE::character_not_allowed_in_path);
static_assert(parse_error("/a|b") == TE::character_not_allowed_in_path);
static_assert(parse_error("/a[b]") == TE::character_not_allowed_in_path);
static_assert(parse_error("/a\r\n") == TE::character_not_allowed_in_path);
static_assert(parse_error("/caf\xC3\xA9") == TE::character_not_allowed_in_path);
static_assert(parse_error("/100%") == TE::bad_percent_escape);
static_assert(parse_error("/100%2") == TE::bad_percent_escape);
static_assert(parse_error("/100%zz") == TE::bad_percent_escape);
static_assert(parse_error("/a/../b") == TE::dot_segment_in_path);
static_assert(parse_error("/a/./b") == TE::dot_segment_in_path);
static_assert(parse_error("/a/..") == TE::dot_segment_in_path);
static_assert(parse_error("/a/%2e%2E/b") == TE::dot_segment_in_path);
static_assert(parse_error("/a/.../b") == TE::none);
static_assert(parse_error("/a/v{x}./b") == TE::none);
static_assert(parse_error("/a//b") == TE::none);

// Only the "version" placeholder takes an ApiVersion; the others take text.
static_assert(std::is_same_v<detail::bind_param_t<"/v{version}/{id}", 0>, ApiVersion>);
static_assert(std::is_same_v<detail::bind_param_t<"/v{version}/{id}", 1>, std::string_view>);

// A placeholder-name literal takes text, except "version", which takes only an ApiVersion.
template <class Name, class Value>
concept Assignable = requires(Name n, Value v) {
    n = v;
};
static_assert(Assignable<decltype("id"_p), std::string>);
static_assert(Assignable<decltype("id"_p), const char*>);
static_assert(!Assignable<decltype("id"_p), int>);
static_assert(!Assignable<decltype("id"_p), ApiVersion>);
static_assert(Assignable<decltype("version"_p), ApiVersion>);
static_assert(!Assignable<decltype("version"_p), std::string>);
static_assert(!Assignable<decltype("version"_p), std::string_view>);

// Methods.
static_assert(to_string(Method::get) == "GET");
static_assert(to_string(Method::post) == "POST");
static_assert(to_string(Method::put) == "PUT");
static_assert(to_string(Method::patch) == "PATCH");
static_assert(to_string(Method::del) == "DELETE");
static_assert(to_string(Method::head) == "HEAD");
static_assert(is_idempotent(Method::get) && is_idempotent(Method::head) && is_idempotent(Method::put) &&
              is_idempotent(Method::del));
static_assert(!is_idempotent(Method::post) && !is_idempotent(Method::patch));

// Returns what() of the std::invalid_argument `f` throws, or "" when it does not throw.
template <class F>
std::string invalid_argument_message(F&& f) {
    try {
        (void)f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("endpoint: positional bind fills the template in order", "[endpoint]") {
    const std::string id = "001xx000003DGb2AAG";
    const Target t = endpoints::sobject.bind("62.0", "Account", id);
    CHECK(t.path() == "/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG");
    CHECK(t.method() == Method::get);

    CHECK(endpoints::query.bind("62.0").path() == "/services/data/v62.0/query/");
    CHECK(endpoints::token.bind().path() == "/services/oauth2/token");
    CHECK(endpoints::limits.bind(ApiVersion::default_version()).path() == "/services/data/v64.0/limits/");
    const auto parsed = ApiVersion::parse("v63");
    REQUIRE(parsed.has_value());
    CHECK(endpoints::version_root.bind(*parsed).path() == "/services/data/v63.0/");
    CHECK(InSegment{}.bind("1", "2", "3").path() == "/x/1-2.json/v3");
    CHECK(InSegment{}.bind("1", "2", "3").method() == Method::put);
}

TEST_CASE("endpoint: every value is percent-encoded for one path segment", "[endpoint]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Account", "Account"},
        {"My_Object__c", "My_Object__c"},
        {"a-b.c_d~e", "a-b.c_d~e"},
        {"a/b", "a%2Fb"},
        {"...", "%2E%2E%2E"},
        {"a..b", "a..b"},
        {"../../oauth2/token", "..%2F..%2Foauth2%2Ftoken"},
        {"x\r\nHost: evil", "x%0D%0AHost%3A%20evil"},
        {"a?b=c", "a%3Fb%3Dc"},
        {"a#b", "a%23b"},
        {"a b", "a%20b"},
        {"100%", "100%25"},
        {"%2F", "%252F"},
        {"a+b", "a%2Bb"},
        {"a@b:c", "a%40b%3Ac"},
        {"!$&'()*,;=", "%21%24%26%27%28%29%2A%2C%3B%3D"},
        {"\"<>\\^`{|}[]", "%22%3C%3E%5C%5E%60%7B%7C%7D%5B%5D"},
        {"caf\xC3\xA9", "caf%C3%A9"},
        {"\xE6\x97\xA5\xE6\x9C\xAC", "%E6%97%A5%E6%9C%AC"},
        {std::string("a\0b", 3), "a%00b"},
        {"\x7F\x01\t", "%7F%01%09"},
    };
    for (const auto& [value, encoded] : cases) {
        INFO("value: " << value);
        const Target t = endpoints::sobject.bind("62.0", "Account", value);
        CHECK(t.path() == "/services/data/v62.0/sobjects/Account/" + encoded);
        CHECK(detail::percent_encode_segment(value) == encoded);
    }
}

TEST_CASE("endpoint: an empty value throws and names the placeholder", "[endpoint]") {
    CHECK(invalid_argument_message([] { return endpoints::sobject.bind("62.0", "Account", ""); }) ==
          "value for {id} is empty");
    CHECK(invalid_argument_message([] { return endpoints::sobject.bind("62.0", "", "001"); }) ==
          "value for {sobject} is empty");
    CHECK(invalid_argument_message([] {
              return endpoints::sobject_describe.bind("sobject"_p = "", "version"_p = "62.0");
          }) == "value for {sobject} is empty");
}

TEST_CASE("endpoint: '.' and '..' throw: encoded, they are still dot-segments (found by fuzz_endpoint)", "[endpoint]") {
    // RFC 3986 §6.2.2.2 normalisers decode %2E before removing dot-segments, so
    // "/sobjects/%2E%2E/x" would address "/services/data/v62.0/x".
    CHECK(invalid_argument_message([] { return endpoints::sobject.bind("62.0", "Account", ".."); }) ==
          "value for {id} is '..', a dot-segment");
    CHECK(invalid_argument_message([] { return endpoints::sobject.bind("62.0", ".", "001"); }) ==
          "value for {sobject} is '.', a dot-segment");
    CHECK(invalid_argument_message([] {
              return endpoints::sobject_update.bind("id"_p = "a", "sobject"_p = "..", "version"_p = "62.0");
          }) == "value for {sobject} is '..', a dot-segment");
    // The encoder itself still encodes them fully; only binding refuses them.
    CHECK(detail::percent_encode_segment("..") == "%2E%2E");
    CHECK(detail::percent_encode_segment(".") == "%2E");
    CHECK(endpoints::sobject.bind("62.0", "Account", "a..b").path() == "/services/data/v62.0/sobjects/Account/a..b");
}

TEST_CASE("endpoint: named binding works in any order", "[endpoint]") {
    const std::string id = "001xx000003DGb2AAG";
    const std::string expected = "/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG";
    CHECK(endpoints::sobject.bind("version"_p = ApiVersion("62.0"), "sobject"_p = "Account", "id"_p = id).path() ==
          expected);
    CHECK(endpoints::sobject.bind("version"_p = "62.0", "id"_p = id, "sobject"_p = "Account").path() == expected);
    CHECK(endpoints::sobject.bind("sobject"_p = "Account", "version"_p = "62.0", "id"_p = id).path() == expected);
    CHECK(endpoints::sobject.bind("sobject"_p = "Account", "id"_p = id, "version"_p = "62.0").path() == expected);
    CHECK(endpoints::sobject.bind("id"_p = id, "version"_p = "62.0", "sobject"_p = "Account").path() == expected);
    CHECK(endpoints::sobject
              .bind("id"_p = std::string(id), "sobject"_p = std::string_view("Account"), "version"_p = "62.0")
              .path() == expected);
    // Named values are encoded exactly like positional ones.
    CHECK(endpoints::sobject_update.bind("id"_p = "a/b", "sobject"_p = "...", "version"_p = "62.0").path() ==
          "/services/data/v62.0/sobjects/%2E%2E%2E/a%2Fb");
    CHECK(endpoints::sobject_update.bind("id"_p = "a/b", "sobject"_p = "...", "version"_p = "62.0").method() ==
          Method::patch);
    const auto v = ApiVersion::parse("63");
    REQUIRE(v.has_value());
    CHECK(endpoints::limits.bind("version"_p = *v).path() == "/services/data/v63.0/limits/");
}

TEST_CASE("endpoint: with_query appends encoded query parameters", "[endpoint]") {
    const Target q = endpoints::query.bind("64.0").with_query("q", "SELECT Id, Name FROM Account WHERE Name = 'a&b'");
    CHECK(q.path() ==
          "/services/data/v64.0/query/?q=SELECT%20Id%2C%20Name%20FROM%20Account%20WHERE%20Name%20%3D%20%27a%26b%27");
    CHECK(q.method() == Method::get);
    CHECK(q.with_query("x y", "#1+1").path() == q.path() + "&x%20y=%231%2B1");
    CHECK(q.with_query("empty", "").path() == q.path() + "&empty=");
    CHECK(invalid_argument_message([&] { return q.with_query("", "v"); }) == "query parameter name is empty");
}

TEST_CASE("endpoint: runtime_target accepts server-relative /services/ paths", "[endpoint]") {
    const std::vector<std::string> accepted = {
        "/services/",
        "/services/data/v62.0/query/01gxx0000000001AAA-2000",
        "/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG",
        "/services/data/v62.0/query/?q=SELECT+Id+FROM+Account",
        "/services/data/v62.0/query?q=SELECT%20Id%20FROM%20Account%20WHERE%20Name%3D%27a..b%27",
        "/services/data/v62.0/x?a=1&b=2/3?c",
        "/services/data/v62.0/sobjects/Account/a%2Fb",
        "/services/apexrest/My:Service@v1/!$&'()*+,;=",
        "/services/data/v62.0/a.b/.x/x.",
    };
    for (const auto& path : accepted) {
        INFO("path: " << path);
        Diagnostics diag;
        const auto t = runtime_target(Method::get, path, diag);
        REQUIRE(t.has_value());
        CHECK(t->path() == path);
        CHECK(t->method() == Method::get);
        CHECK(diag.empty());
    }
    const auto del = runtime_target(Method::del, "/services/data/v62.0/sobjects/Account/001");
    REQUIRE(del.has_value());
    CHECK(del->method() == Method::del);
    CHECK(*del == endpoints::sobject_delete.bind("62.0", "Account", "001"));
}

TEST_CASE("endpoint: runtime_target rejects unsafe or foreign paths with a message", "[endpoint]") {
    const std::vector<std::pair<std::string, std::string>> rejected = {
        {"", "is empty"},
        {"services/data/", "must start with /services/"},
        {"/Services/data/", "must start with /services/"},
        {"/services", "must start with /services/"},
        {"/oauth2/token", "must start with /services/"},
        {"https://evil.example.com/services/data/", "remove the scheme and host"},
        {"http://x/services/", "remove the scheme and host"},
        {"//evil.example.com/services/", "remove the scheme and host"},
        {"/services/data/\r\nHost: evil", "CR or LF"},
        {"/services/data/\n", "CR or LF"},
        {"/services/data/a\tb", "control character"},
        {std::string("/services/data/a\0b", 18), "control character"},
        {"/services/data/a\x7F", "control character"},
        {"/services/data/a b", "space"},
        {"/services/data/caf\xC3\xA9", "non-ASCII"},
        {"/services/data/#frag", "'#'"},
        {"/services/data/x?q=1#frag", "'#'"},
        {"/services/data\\..\\oauth2", "backslash"},
        {"/services/data/100%", "'%' not followed by two hex digits"},
        {"/services/data/%zz", "'%' not followed by two hex digits"},
        {"/services/data/a\"b", "must be percent-encoded"},
        {"/services/data/<b>", "must be percent-encoded"},
        {"/services/data/{id}", "must be percent-encoded"},
        {"/services/data/x?q=a|b", "must be percent-encoded"},
        {"/services/../oauth2/token", "\"..\""},
        {"/services/data/a..b", "\"..\""},
        {"/services/data/./x", "\".\" or \"..\" segment"},
        {"/services/data/%2e%2e/x", "\".\" or \"..\" segment"},
        {"/services/data/.%2E", "\".\" or \"..\" segment"},
        {"/services//data", "empty path segment"},
    };
    for (const auto& [path, why] : rejected) {
        INFO("path: " << path);
        Diagnostics diag;
        diag.server_error = "stale";
        const auto t = runtime_target(Method::get, path, diag);
        REQUIRE(t.has_error());
        CHECK(t.error() == boost::system::errc::invalid_argument);
        CHECK(diag.message.find(why) != std::string::npos);
        CHECK(diag.message.rfind("run-time path \"", 0) == 0);
        CHECK(diag.message.find('\n') == std::string::npos);  // control bytes are shown escaped
        CHECK(diag.message.find('\r') == std::string::npos);
        CHECK(!diag.hint.empty());
        CHECK(diag.server_error.empty());
        CHECK(runtime_target(Method::get, path).error() == boost::system::errc::invalid_argument);
    }
    Diagnostics diag;
    REQUIRE(runtime_target(Method::get, "/oauth2/token", diag).has_error());
    CHECK(diag.message == "run-time path \"/oauth2/token\" must start with /services/");
}

TEST_CASE("endpoint: the SDK's endpoint table", "[endpoint]") {
    using Row = std::tuple<std::string_view, Method, std::string>;
    const std::string id = "001xx000003DGb2AAG";
    const std::vector<Row> rows = {
        {endpoints::token.path_template, endpoints::token.method, endpoints::token.bind().path()},
        {endpoints::revoke.path_template, endpoints::revoke.method, endpoints::revoke.bind().path()},
        {endpoints::introspect.path_template, endpoints::introspect.method, endpoints::introspect.bind().path()},
        {endpoints::userinfo.path_template, endpoints::userinfo.method, endpoints::userinfo.bind().path()},
        {endpoints::versions.path_template, endpoints::versions.method, endpoints::versions.bind().path()},
        {endpoints::version_root.path_template, endpoints::version_root.method,
         endpoints::version_root.bind("62.0").path()},
        {endpoints::limits.path_template, endpoints::limits.method, endpoints::limits.bind("62.0").path()},
        {endpoints::sobject_describe.path_template, endpoints::sobject_describe.method,
         endpoints::sobject_describe.bind("62.0", "Account").path()},
        {endpoints::sobject.path_template, endpoints::sobject.method,
         endpoints::sobject.bind("62.0", "Account", id).path()},
        {endpoints::sobject_create.path_template, endpoints::sobject_create.method,
         endpoints::sobject_create.bind("62.0", "Account").path()},
        {endpoints::sobject_update.path_template, endpoints::sobject_update.method,
         endpoints::sobject_update.bind("62.0", "Account", id).path()},
        {endpoints::sobject_delete.path_template, endpoints::sobject_delete.method,
         endpoints::sobject_delete.bind("62.0", "Account", id).path()},
        {endpoints::query.path_template, endpoints::query.method, endpoints::query.bind("62.0").path()},
    };
    const std::vector<Row> expected = {
        {"/services/oauth2/token", Method::post, "/services/oauth2/token"},
        {"/services/oauth2/revoke", Method::post, "/services/oauth2/revoke"},
        {"/services/oauth2/introspect", Method::post, "/services/oauth2/introspect"},
        {"/services/oauth2/userinfo", Method::get, "/services/oauth2/userinfo"},
        {"/services/data/", Method::get, "/services/data/"},
        {"/services/data/v{version}/", Method::get, "/services/data/v62.0/"},
        {"/services/data/v{version}/limits/", Method::get, "/services/data/v62.0/limits/"},
        {"/services/data/v{version}/sobjects/{sobject}/describe/", Method::get,
         "/services/data/v62.0/sobjects/Account/describe/"},
        {"/services/data/v{version}/sobjects/{sobject}/{id}", Method::get,
         "/services/data/v62.0/sobjects/Account/" + id},
        {"/services/data/v{version}/sobjects/{sobject}/", Method::post, "/services/data/v62.0/sobjects/Account/"},
        {"/services/data/v{version}/sobjects/{sobject}/{id}", Method::patch,
         "/services/data/v62.0/sobjects/Account/" + id},
        {"/services/data/v{version}/sobjects/{sobject}/{id}", Method::del,
         "/services/data/v62.0/sobjects/Account/" + id},
        {"/services/data/v{version}/query/", Method::get, "/services/data/v62.0/query/"},
    };
    REQUIRE(rows.size() == expected.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i << ": " << std::get<0>(expected[i]));
        CHECK(std::get<0>(rows[i]) == std::get<0>(expected[i]));
        CHECK(std::get<1>(rows[i]) == std::get<1>(expected[i]));
        CHECK(std::get<2>(rows[i]) == std::get<2>(expected[i]));
    }
    // Every run-time target built by the table is also accepted by the escape hatch.
    for (const auto& row : rows) CHECK(runtime_target(std::get<1>(row), std::get<2>(row)).has_value());
}

TEST_CASE("endpoint: the parser also runs at run time", "[endpoint]") {
    // Same function as the compile-time check; usable by a fuzzer.
    const std::string text = "/services/data/v{version}/sobjects/{sobject}/{id}";
    const auto r = detail::parse_endpoint_template<detail::placeholder_capacity(49)>(text);
    REQUIRE(r.error == detail::TemplateError::none);
    REQUIRE(r.count == 3);
    CHECK(text.substr(r.names[2].pos, r.names[2].len) == "id");
    const auto bad = detail::parse_endpoint_template<detail::placeholder_capacity(8)>(std::string_view("/a/{b/c}"));
    CHECK(bad.error == detail::TemplateError::placeholder_spans_segments);
    CHECK(bad.error_pos == 5);
}

}  // namespace endpoint_test
