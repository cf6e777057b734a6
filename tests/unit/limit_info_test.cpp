#include <sfconnect/limit_info.hpp>

#include "catch.hpp"

#include <random>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace limit_info_test {

using namespace sfconnect;

TEST_CASE("Sforce-Limit-Info: the documented forms", "[limit_info]") {
    auto a = parse_limit_info("api-usage=10018/100000");
    REQUIRE(a.has_value());
    REQUIRE(a->api_usage.has_value());
    CHECK(a->api_usage->used == 10018);
    CHECK(a->api_usage->max == 100000);
    CHECK(a->api_usage->remaining() == 89982);
    CHECK_FALSE(a->api_bursts.has_value());
    CHECK_FALSE(a->per_app_api_usage.has_value());

    auto b = parse_limit_info("api-usage=10018/100000; api-bursts=1/750");
    REQUIRE(b.has_value());
    CHECK(b->api_usage == ApiUsage{10018, 100000});
    CHECK(b->api_bursts == ApiUsage{1, 750});

    auto c = parse_limit_info("per-app-api-usage=17/250(appName=sample-connected-app)");
    REQUIRE(c.has_value());
    CHECK_FALSE(c->api_usage.has_value());
    REQUIRE(c->per_app_api_usage.has_value());
    CHECK(c->per_app_api_usage->used == 17);
    CHECK(c->per_app_api_usage->max == 250);
    CHECK(c->per_app_api_usage->app_name == "sample-connected-app");

    auto d = parse_limit_info("api-usage=25/5000, per-app-api-usage=17/250(appName=My App; v2)");
    REQUIRE(d.has_value());
    CHECK(d->api_usage == ApiUsage{25, 5000});
    REQUIRE(d->per_app_api_usage.has_value());
    CHECK(d->per_app_api_usage->app_name == "My App; v2");
}

TEST_CASE("Sforce-Limit-Info: tolerant of spacing, case, order and unknown items", "[limit_info]") {
    auto a = parse_limit_info("  API-Usage = 5 / 10 ;api-bursts=0/750;  future-thing=1/2 ; ");
    REQUIRE(a.has_value());
    CHECK(a->api_usage == ApiUsage{5, 10});
    CHECK(a->api_bursts == ApiUsage{0, 750});

    auto b = parse_limit_info("api-bursts=3/750; api-usage=7/15000");
    REQUIRE(b.has_value());
    CHECK(b->api_usage == ApiUsage{7, 15000});

    auto c = parse_limit_info("per-app-api-usage=1/2");
    REQUIRE(c.has_value());
    CHECK(c->per_app_api_usage->app_name.empty());

    // Over the limit (Salesforce allows some overage): remaining() does not wrap.
    auto d = parse_limit_info("api-usage=100005/100000");
    REQUIRE(d.has_value());
    CHECK(d->api_usage->remaining() == 0);

    // The largest value that fits.
    auto e = parse_limit_info("api-usage=18446744073709551615/18446744073709551615");
    REQUIRE(e.has_value());
    CHECK(e->api_usage->used == 18446744073709551615ULL);
}

TEST_CASE("Sforce-Limit-Info: garbage gives nullopt or a partial result", "[limit_info]") {
    const std::vector<std::string> none = {
        "",
        ";",
        ",,,;;;",
        "api-usage",
        "api-usage=",
        "api-usage=/",
        "api-usage=1/",
        "api-usage=/2",
        "api-usage=1",
        "api-usage=a/b",
        "api-usage=1/2/3",
        "api-usage=-1/2",
        "api-usage=1/2x",
        "api-usage=18446744073709551616/1",  // overflow by one
        "api-usage=99999999999999999999999999999/1",
        "api-usage=1/99999999999999999999999999999",
        "per-app-api-usage=1/2(appName=x",
        "per-app-api-usage=1/2 junk",
        "per-app-api-usage=1/2(other=x)",
        "per-app-api-usage=1/2()",
        "=1/2",
        "hello world",
        std::string("api-usage=1\0/2", 14),
        "\xff\xfe\xfd",
        std::string(100000, '('),
        std::string(100000, '='),
    };
    for (const auto& h : none) {
        INFO(h.substr(0, 60));
        CHECK_FALSE(parse_limit_info(h).has_value());
    }

    auto p = parse_limit_info("api-usage=oops; api-bursts=1/750");
    REQUIRE(p.has_value());
    CHECK_FALSE(p->api_usage.has_value());
    CHECK(p->api_bursts == ApiUsage{1, 750});

    auto q = parse_limit_info("api-usage=1/99999999999999999999999; per-app-api-usage=1/2(appName=A)");
    REQUIRE(q.has_value());
    CHECK_FALSE(q->api_usage.has_value());
    CHECK(q->per_app_api_usage->app_name == "A");
}

TEST_CASE("Sforce-Limit-Info: random bytes never crash", "[limit_info]") {
    std::mt19937 rng(12345);
    const std::string alphabet = "api-usage=per-app-bursts0123456789/;,() \t\xff";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<std::size_t> len(0, 80);
    for (int i = 0; i < 20000; ++i) {
        std::string s;
        const std::size_t n = len(rng);
        for (std::size_t j = 0; j < n; ++j) s += alphabet[pick(rng)];
        const auto r = parse_limit_info(s);
        if (r && r->api_usage) CHECK(r->api_usage->remaining() <= r->api_usage->max);
    }
}

}  // namespace limit_info_test
