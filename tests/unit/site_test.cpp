#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/site.hpp>

#include "catch.hpp"

#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace site_test {

using namespace sfconnect;
using namespace sfconnect::literals;

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

struct Accepted {
    std::string_view input;
    std::string_view host;
    SiteKind kind;
    SiteCloud cloud;
    std::string_view partition;
    std::string_view my_domain_name;
    std::string_view sandbox_name;
    bool is_sandbox;
};

// Every host form from salesforce-oauth.md §6.
constexpr Accepted accepted[] = {
    {"acme.my.salesforce.com", "acme.my.salesforce.com", SiteKind::production, SiteCloud::commercial, "", "acme", "",
     false},
    {"acme--uat.sandbox.my.salesforce.com", "acme--uat.sandbox.my.salesforce.com", SiteKind::sandbox,
     SiteCloud::commercial, "sandbox", "acme", "uat", true},
    {"acme--uat.my.salesforce.com", "acme--uat.my.salesforce.com", SiteKind::legacy_sandbox, SiteCloud::commercial, "",
     "acme", "uat", true},
    {"nango-dev-ed.develop.my.salesforce.com", "nango-dev-ed.develop.my.salesforce.com", SiteKind::developer,
     SiteCloud::commercial, "develop", "nango-dev-ed", "", false},
    {"enterprise-ruby-3909-dev-ed.scratch.my.salesforce.com", "enterprise-ruby-3909-dev-ed.scratch.my.salesforce.com",
     SiteKind::scratch, SiteCloud::commercial, "scratch", "enterprise-ruby-3909-dev-ed", "", false},
    {"customer-connect-6379-dev-ed.scratch.my.salesforce.com", "customer-connect-6379-dev-ed.scratch.my.salesforce.com",
     SiteKind::scratch, SiteCloud::commercial, "scratch", "customer-connect-6379-dev-ed", "", false},
    {"storm-16a17dc388fbe6.demo.my.salesforce.com", "storm-16a17dc388fbe6.demo.my.salesforce.com", SiteKind::demo,
     SiteCloud::commercial, "demo", "storm-16a17dc388fbe6", "", false},
    {"acme.patch.my.salesforce.com", "acme.patch.my.salesforce.com", SiteKind::patch, SiteCloud::commercial, "patch",
     "acme", "", false},
    {"acme.trailblaze.my.salesforce.com", "acme.trailblaze.my.salesforce.com", SiteKind::trailblaze,
     SiteCloud::commercial, "trailblaze", "acme", "", false},
    {"acme.free.my.salesforce.com", "acme.free.my.salesforce.com", SiteKind::internal, SiteCloud::commercial, "free",
     "acme", "", false},
    {"acme.sfdctest.my.salesforce.com", "acme.sfdctest.my.salesforce.com", SiteKind::internal, SiteCloud::commercial,
     "sfdctest", "acme", "", false},
    {"acme.bt.my.salesforce.com", "acme.bt.my.salesforce.com", SiteKind::internal, SiteCloud::commercial, "bt", "acme",
     "", false},
    {"acme.sfdcdot.my.salesforce.com", "acme.sfdcdot.my.salesforce.com", SiteKind::internal, SiteCloud::commercial,
     "sfdcdot", "acme", "", false},
    {"acme.my.salesforce.mil", "acme.my.salesforce.mil", SiteKind::production, SiteCloud::government, "", "acme", "",
     false},
    {"acme--sbx.sandbox.my.salesforce.mil", "acme--sbx.sandbox.my.salesforce.mil", SiteKind::sandbox,
     SiteCloud::government, "sandbox", "acme", "sbx", true},
    {"acme.my.sfcrmproducts.cn", "acme.my.sfcrmproducts.cn", SiteKind::production, SiteCloud::china, "", "acme", "",
     false},
    {"acme--sbx.sandbox.my.sfcrmproducts.cn", "acme--sbx.sandbox.my.sfcrmproducts.cn", SiteKind::sandbox,
     SiteCloud::china, "sandbox", "acme", "sbx", true},
    {"acme.cloudforce.com", "acme.cloudforce.com", SiteKind::legacy_domain, SiteCloud::commercial, "", "acme", "",
     false},
    {"acme.database.com", "acme.database.com", SiteKind::legacy_domain, SiteCloud::commercial, "", "acme", "", false},
    {"org62.my-salesforce.com", "org62.my-salesforce.com", SiteKind::legacy_domain, SiteCloud::commercial, "", "org62",
     "", false},
    {"sbox1.org62.sandbox.my-salesforce.com", "sbox1.org62.sandbox.my-salesforce.com", SiteKind::legacy_domain,
     SiteCloud::commercial, "sandbox", "sbox1", "", true},
    {"acme--uat.my-salesforce.com", "acme--uat.my-salesforce.com", SiteKind::legacy_domain, SiteCloud::commercial, "",
     "acme", "uat", true},
    // Normalisation: case and one trailing dot.
    {"ACME.My.SalesForce.COM", "acme.my.salesforce.com", SiteKind::production, SiteCloud::commercial, "", "acme", "",
     false},
    {"acme.my.salesforce.com.", "acme.my.salesforce.com", SiteKind::production, SiteCloud::commercial, "", "acme", "",
     false},
    {"Acme--UAT.SANDBOX.my.salesforce.com.", "acme--uat.sandbox.my.salesforce.com", SiteKind::sandbox,
     SiteCloud::commercial, "sandbox", "acme", "uat", true},
    // Digits, hyphens inside names, IDNA labels (whose "--" is not a sandbox separator).
    {"a1-b2-c3.my.salesforce.com", "a1-b2-c3.my.salesforce.com", SiteKind::production, SiteCloud::commercial, "",
     "a1-b2-c3", "", false},
    {"xn--bcher-kva.my.salesforce.com", "xn--bcher-kva.my.salesforce.com", SiteKind::production, SiteCloud::commercial,
     "", "xn--bcher-kva", "", false},
};

struct Rejected {
    std::string_view input;
    SiteRejection reason;
    std::string_view message_part;  // must appear in Diagnostics::message
    std::string_view suggestion;    // "" = no suggestion
};

const Rejected rejected[] = {
    {"", SiteRejection::empty, "Site is empty", ""},
    {" acme.my.salesforce.com", SiteRejection::whitespace, "contains whitespace", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com ", SiteRejection::whitespace, "at position 23", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com\n", SiteRejection::whitespace, "remove it", "acme.my.salesforce.com"},
    {"\tacme.my.salesforce.com", SiteRejection::whitespace, "contains whitespace", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com\r\n", SiteRejection::whitespace, "contains whitespace", "acme.my.salesforce.com"},
    {"acme .my.salesforce.com", SiteRejection::whitespace, "at position 5", ""},
    {"acme.my\t.salesforce.com", SiteRejection::whitespace, "contains whitespace", ""},
    {"\xc2\xa0"
     "acme.my.salesforce.com",
     SiteRejection::whitespace, "contains whitespace", "acme.my.salesforce.com"},  // no-break space
    {"acme.my.salesforce.com\xe2\x80\x8b", SiteRejection::whitespace, "contains whitespace",
     "acme.my.salesforce.com"},  // zero-width space
    {"https://acme.my.salesforce.com", SiteRejection::has_scheme, "remove 'https://'", "acme.my.salesforce.com"},
    {"https://acme.my.salesforce.com/", SiteRejection::has_scheme, "remove 'https://'", "acme.my.salesforce.com"},
    {"https://acme.my.salesforce.com/lightning/page/home", SiteRejection::has_scheme, "remove 'https://'",
     "acme.my.salesforce.com"},
    {"http://acme.my.salesforce.com", SiteRejection::has_scheme, "remove 'http://'", "acme.my.salesforce.com"},
    {"HTTPS://ACME.MY.SALESFORCE.COM", SiteRejection::has_scheme, "remove 'HTTPS://'", "acme.my.salesforce.com"},
    {"https:acme.my.salesforce.com", SiteRejection::has_scheme, "remove 'https:'", "acme.my.salesforce.com"},
    {"//acme.my.salesforce.com", SiteRejection::has_scheme, "remove '//'", "acme.my.salesforce.com"},
    {"https://acme.lightning.force.com/lightning/setup/SetupOneHome/home", SiteRejection::has_scheme,
     "remove 'https://'", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com/", SiteRejection::has_path, "remove '/'", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com/services/oauth2/token", SiteRejection::has_path, "remove '/services/oauth2/token'",
     "acme.my.salesforce.com"},
    {"acme.my.salesforce.com?x=1", SiteRejection::has_query, "query string", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com#top", SiteRejection::has_fragment, "fragment", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com:443", SiteRejection::has_port, "remove ':443'", "acme.my.salesforce.com"},
    {"acme.my.salesforce.com:", SiteRejection::has_port, "remove ':'", "acme.my.salesforce.com"},
    {"user@acme.my.salesforce.com", SiteRejection::has_userinfo, "before '@'", "acme.my.salesforce.com"},
    {"user:pass@acme.my.salesforce.com", SiteRejection::has_userinfo, "before '@'", "acme.my.salesforce.com"},
    {"10.0.0.1", SiteRejection::ip_address, "is an IP address", ""},
    {"136.146.1.1.", SiteRejection::ip_address, "is an IP address", ""},
    {"[2001:db8::1]", SiteRejection::ip_address, "is an IP address", ""},
    {"2001:db8::1", SiteRejection::ip_address, "is an IP address", ""},
    {"::1", SiteRejection::ip_address, "is an IP address", ""},
    {"login.salesforce.com", SiteRejection::generic_login_host,
     "the client credentials flow is refused there \xe2\x80\x94 'request not supported on this domain' "
     "\xe2\x80\x94 use your My Domain, e.g. <name>.my.salesforce.com",
     ""},
    {"test.salesforce.com", SiteRejection::generic_login_host, "<name>--<sandbox>.sandbox.my.salesforce.com", ""},
    {"welcome.salesforce.com", SiteRejection::generic_login_host, "request not supported on this domain", ""},
    {"LOGIN.SALESFORCE.COM.", SiteRejection::generic_login_host, "generic login host", ""},
    {"acme.lightning.force.com", SiteRejection::lightning_host, "Lightning Experience", "acme.my.salesforce.com"},
    {"acme--uat.sandbox.lightning.force.com", SiteRejection::lightning_host, ".lightning.force.com",
     "acme--uat.sandbox.my.salesforce.com"},
    {"acme-dev-ed.develop.lightning.force.com", SiteRejection::lightning_host, "Lightning",
     "acme-dev-ed.develop.my.salesforce.com"},
    {"acme.lightning.crmforce.mil", SiteRejection::lightning_host, "Lightning", "acme.my.salesforce.mil"},
    {"acme.lightning.sfcrmapps.cn", SiteRejection::lightning_host, "Lightning", "acme.my.sfcrmproducts.cn"},
    {"lightning.force.com", SiteRejection::lightning_host, "Lightning", ""},
    {"acme.my.site.com", SiteRejection::experience_cloud_host, "Experience Cloud", "acme.my.salesforce.com"},
    {"acme--uat.sandbox.my.site.com", SiteRejection::experience_cloud_host, "Experience Cloud",
     "acme--uat.sandbox.my.salesforce.com"},
    {"acme.my.salesforce-sites.com", SiteRejection::experience_cloud_host, "Salesforce Sites",
     "acme.my.salesforce.com"},
    {"acme.my.salesforce-setup.com", SiteRejection::setup_host, "Setup host", "acme.my.salesforce.com"},
    {"acme--uat.sandbox.my.salesforce-setup.com", SiteRejection::setup_host, ".my.salesforce.com twin",
     "acme--uat.sandbox.my.salesforce.com"},
    {"na44.salesforce.com", SiteRejection::instance_host, "not the org's My Domain", ""},
    {"cs42.salesforce.com", SiteRejection::instance_host, "instance", ""},
    {"acme.salesforce.com", SiteRejection::instance_host, "instance", ""},
    {"salesforce.com", SiteRejection::instance_host, "instance", ""},
    {"my.salesforce.com", SiteRejection::instance_host, "instance", ""},
    {"api.salesforce.com", SiteRejection::instance_host, "instance", ""},
    {"acme--c.vf.force.com", SiteRejection::instance_host, "instance", ""},
    {"acme..my.salesforce.com", SiteRejection::empty_label, "at position 6", ""},
    {".acme.my.salesforce.com", SiteRejection::empty_label, "empty DNS label", ""},
    {"acme.my.salesforce.com..", SiteRejection::empty_label, "empty DNS label", "acme.my.salesforce.com"},
    {".", SiteRejection::empty_label, "empty DNS label", ""},
    {"-acme.my.salesforce.com", SiteRejection::label_hyphen_edge, "starts or ends with '-' ('-acme')", ""},
    {"acme-.my.salesforce.com", SiteRejection::label_hyphen_edge, "'acme-'", ""},
    {"acme---uat.sandbox.my.salesforce.com", SiteRejection::label_hyphen_edge, "'acme---uat'", ""},
    {"acme_corp.my.salesforce.com", SiteRejection::invalid_character, "underscores are not allowed", ""},
    {"acme!.my.salesforce.com", SiteRejection::invalid_character, "contains '!' at position 5", ""},
    {"acme\\.my.salesforce.com", SiteRejection::invalid_character, "a-z, digits 0-9", ""},
    {"acm\xc3\xa9.my.salesforce.com", SiteRejection::invalid_character, "contains '\xc3\xa9' at position 4", ""},
    {"acme.example.com", SiteRejection::unknown_domain, "not under a known Salesforce My Domain suffix", ""},
    {"acme", SiteRejection::unknown_domain, "known Salesforce My Domain suffix", "acme.my.salesforce.com"},
    {"acme--uat", SiteRejection::unknown_domain, "known Salesforce My Domain suffix",
     "acme--uat.sandbox.my.salesforce.com"},
    {"localhost", SiteRejection::unknown_domain, "known Salesforce My Domain suffix", ""},
    {"acme.my.salesforce.com.evil.example", SiteRejection::unknown_domain, "suffix", ""},
    {"acme.foo.my.salesforce.com", SiteRejection::unknown_partition, "unknown partition 'foo'", ""},
    {"acme.x.y.my.salesforce.com", SiteRejection::unknown_partition, "unknown partition 'x.y'", ""},
    {"acme--uat.cs42.my.salesforce.com", SiteRejection::unknown_partition, "unknown partition 'cs42'",
     "acme--uat.sandbox.my.salesforce.com"},
    {"acme.sandbox.my.salesforce.com", SiteRejection::sandbox_name_missing,
     "<name>--<sandbox>.sandbox.my.salesforce.com", ""},
    {"sandbox.my.salesforce.com", SiteRejection::sandbox_name_missing, "without a sandbox name", ""},
    {"acme.sandbox.my.salesforce.mil", SiteRejection::sandbox_name_missing, "without a sandbox name", ""},
};

std::string label(std::size_t n, char c = 'a') { return std::string(n, c); }

}  // namespace

TEST_CASE("Site accepts every documented My Domain form", "[site]") {
    for (const auto& a : accepted) {
        INFO("input: " << a.input);
        Diagnostics diag;
        diag.message = "stale";
        const auto r = Site::parse(a.input, diag);
        REQUIRE(r.has_value());
        CHECK(diag.empty());
        const Site& s = *r;
        CHECK(s.host() == a.host);
        CHECK(s.kind() == a.kind);
        CHECK(s.cloud() == a.cloud);
        CHECK(s.partition() == a.partition);
        CHECK(s.my_domain_name() == a.my_domain_name);
        CHECK(s.sandbox_name() == a.sandbox_name);
        CHECK(s.is_sandbox() == a.is_sandbox);
        CHECK(s.base_url() == "https://" + std::string(a.host));
        CHECK(Site::parse(a.input).value() == s);
        CHECK(Site::from(a.input) == s);
        const SiteCheck c = check_site(a.input);
        CHECK(c.ok());
        CHECK(c.reason == SiteRejection::none);
        CHECK(c.host() == a.host);
        CHECK(c.suggestion().empty());
    }
}

TEST_CASE("Site rejects each mistake with its own reason, a fix and a suggestion where derivable", "[site]") {
    for (const auto& x : rejected) {
        INFO("input: " << x.input);
        Diagnostics diag;
        const auto r = Site::parse(x.input, diag);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::invalid_site);
        CHECK(error_id(r.error()) == "invalid_site");
        const SiteCheck c = check_site(x.input);
        CHECK(to_string(c.reason) == to_string(x.reason));
        CHECK(c.host().empty());
        CHECK(c.suggestion() == x.suggestion);
        INFO("message: " << diag.message);
        CHECK(diag.message.rfind("Site ", 0) == 0);
        CHECK(contains(diag.message, x.message_part));
        if (x.suggestion.empty()) {
            CHECK_FALSE(contains(diag.message, "did you mean"));
        } else {
            CHECK(contains(diag.message, "did you mean '" + std::string(x.suggestion) + "'?"));
            // Suggestions are themselves valid Sites.
            CHECK(Site::parse(x.suggestion).has_value());
        }
        CHECK(diag.phase == Phase::site);
        CHECK(contains(diag.hint, "Setup > My Domain"));
        CHECK(diag.server_error.empty());
        CHECK_FALSE(diag.http_status.has_value());
        // parse without diagnostics gives the same verdict.
        CHECK(Site::parse(x.input).error() == errc::invalid_site);
    }
}

TEST_CASE("Site messages quote the input and the culprit", "[site]") {
    Diagnostics diag;
    REQUIRE_FALSE(Site::parse("https://acme.my.salesforce.com/lightning/page/home", diag));
    CHECK(diag.message ==
          "Site 'https://acme.my.salesforce.com/lightning/page/home' starts with a URL scheme: remove 'https://' and "
          "enter the host name only; did you mean 'acme.my.salesforce.com'?");

    REQUIRE_FALSE(Site::parse("acme.lightning.force.com", diag));
    CHECK(contains(diag.message, "Site 'acme.lightning.force.com' is a Lightning Experience host"));
    CHECK(contains(diag.message, "did you mean 'acme.my.salesforce.com'?"));

    REQUIRE_FALSE(Site::parse("acme.my.salesforce.com:443", diag));
    CHECK(contains(diag.message, "remove ':443'"));
    CHECK(contains(diag.message, "did you mean 'acme.my.salesforce.com'?"));

    REQUIRE_FALSE(Site::parse("login.salesforce.com", diag));
    CHECK(diag.message ==
          "Site 'login.salesforce.com' is a generic login host: the client credentials flow is refused there "
          "\xe2\x80\x94 'request not supported on this domain' \xe2\x80\x94 use your My Domain, e.g. "
          "<name>.my.salesforce.com");

    REQUIRE_FALSE(Site::parse(label(64) + ".my.salesforce.com", diag));
    CHECK(contains(diag.message, "DNS label of 64 characters"));
    CHECK(contains(diag.message, "at most 63"));
}

TEST_CASE("check order: a pasted URL reports the scheme first", "[site]") {
    static_assert(check_site("https://acme.my.salesforce.com/x?y#z").reason == SiteRejection::has_scheme);
    static_assert(check_site("acme.my.salesforce.com/x?y#z").reason == SiteRejection::has_path);
    static_assert(check_site("acme.my.salesforce.com?y/x#z").reason == SiteRejection::has_query);
    static_assert(check_site("acme.my.salesforce.com#z/x?y").reason == SiteRejection::has_fragment);
    static_assert(check_site("user@acme.my.salesforce.com:443").reason == SiteRejection::has_userinfo);
    static_assert(check_site(" https://acme.my.salesforce.com").reason == SiteRejection::whitespace);
    static_assert(check_site("https://login.salesforce.com").reason == SiteRejection::has_scheme);
    static_assert(check_site("acme .my.salesforce.com:443").reason == SiteRejection::has_port);
    static_assert(check_site("acme_x..my.salesforce.com").reason == SiteRejection::invalid_character);
    static_assert(check_site("acme..my_x.salesforce.com").reason == SiteRejection::invalid_character);
    static_assert(check_site("acme..my-.salesforce.com").reason == SiteRejection::empty_label);
    CHECK(check_site("https://acme.my.salesforce.com").offset == 0);
    CHECK(check_site("https://acme.my.salesforce.com").length == 8);
    CHECK(check_site("acme.my.salesforce.com:443").offset == 22);
    CHECK(check_site("acme.my.salesforce.com:443").length == 4);
    CHECK(check_site("acme_corp.my.salesforce.com").offset == 4);
    CHECK(check_site("acme.foo.my.salesforce.com").offset == 5);
    CHECK(check_site("acme.foo.my.salesforce.com").length == 3);
}

TEST_CASE("DNS length limits: 63 per label, 253 in total", "[site]") {
    CHECK(Site::parse(label(63) + ".my.salesforce.com").has_value());
    CHECK(check_site(label(64) + ".my.salesforce.com").reason == SiteRejection::label_too_long);
    CHECK(Site::parse("acme." + label(63) + ".my.salesforce.com").error() == errc::invalid_site);  // unknown partition
    CHECK(check_site("acme--" + label(57) + ".sandbox.my.salesforce.com").ok());
    CHECK(check_site("acme--" + label(58) + ".sandbox.my.salesforce.com").reason == SiteRejection::label_too_long);

    // Only custom hosts can reach 253 characters: 3 * (63 + 1) + 61.
    const std::string h253 = label(63, 'a') + "." + label(63, 'b') + "." + label(63, 'c') + "." + label(61, 'd');
    const std::string h254 = label(63, 'a') + "." + label(63, 'b') + "." + label(63, 'c') + "." + label(62, 'd');
    REQUIRE(h253.size() == 253);
    REQUIRE(h254.size() == 254);
    Diagnostics diag;
    const auto ok = Site::parse_allowing_unknown_domain(h253, diag);
    REQUIRE(ok.has_value());
    CHECK(ok->host() == h253);
    CHECK(ok->kind() == SiteKind::custom);
    CHECK(Site::parse_allowing_unknown_domain(h253 + ".", diag).has_value());  // trailing dot not counted
    CHECK(Site::parse_allowing_unknown_domain(h253 + "..", diag).error() == errc::invalid_site);
    CHECK_FALSE(Site::parse_allowing_unknown_domain(h254, diag).has_value());
    CHECK(check_site(h254, SiteDomains::allow_unknown).reason == SiteRejection::too_long);
    CHECK(check_site(h254).reason == SiteRejection::too_long);
    CHECK(contains(diag.message, "is 254 characters long"));
    CHECK(contains(diag.message, "(254 characters)"));  // long inputs are quoted shortened
}

namespace {

// The same table is checked at compile time (static_assert) and at run time (Site::parse).
struct Verdict {
    std::string_view input;
    SiteRejection reason;
};
constexpr Verdict verdicts[] = {
    {"acme.my.salesforce.com", SiteRejection::none},
    {"acme--uat.sandbox.my.salesforce.com", SiteRejection::none},
    {"nango-dev-ed.develop.my.salesforce.com", SiteRejection::none},
    {"acme.my.salesforce.mil", SiteRejection::none},
    {"acme.my.sfcrmproducts.cn", SiteRejection::none},
    {"org62.my-salesforce.com", SiteRejection::none},
    {"ACME.MY.SALESFORCE.COM.", SiteRejection::none},
    {"", SiteRejection::empty},
    {"acme.my.salesforce.com\n", SiteRejection::whitespace},
    {"https://acme.my.salesforce.com", SiteRejection::has_scheme},
    {"acme.my.salesforce.com/", SiteRejection::has_path},
    {"acme.my.salesforce.com?a", SiteRejection::has_query},
    {"acme.my.salesforce.com#a", SiteRejection::has_fragment},
    {"acme.my.salesforce.com:443", SiteRejection::has_port},
    {"u@acme.my.salesforce.com", SiteRejection::has_userinfo},
    {"192.168.0.1", SiteRejection::ip_address},
    {"[::1]", SiteRejection::ip_address},
    {"login.salesforce.com", SiteRejection::generic_login_host},
    {"test.salesforce.com", SiteRejection::generic_login_host},
    {"welcome.salesforce.com", SiteRejection::generic_login_host},
    {"acme.lightning.force.com", SiteRejection::lightning_host},
    {"acme.my.site.com", SiteRejection::experience_cloud_host},
    {"acme.my.salesforce-setup.com", SiteRejection::setup_host},
    {"na44.salesforce.com", SiteRejection::instance_host},
    {"acme..my.salesforce.com", SiteRejection::empty_label},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.my.salesforce.com",
     SiteRejection::label_too_long},                                                                             // 64
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.my.salesforce.com", SiteRejection::none},  // 63
    {"-acme.my.salesforce.com", SiteRejection::label_hyphen_edge},
    {"acme_x.my.salesforce.com", SiteRejection::invalid_character},
    {"acme.example.com", SiteRejection::unknown_domain},
    {"acme.foo.my.salesforce.com", SiteRejection::unknown_partition},
    {"acme.sandbox.my.salesforce.com", SiteRejection::sandbox_name_missing},
};

constexpr bool verdicts_hold_at_compile_time() {
    for (const auto& v : verdicts)
        if (check_site(v.input).reason != v.reason) return false;
    return true;
}

}  // namespace

static_assert(verdicts_hold_at_compile_time());

TEST_CASE("compile-time and run-time checks agree", "[site]") {
    static_assert(check_site("https://acme.my.salesforce.com").reason == SiteRejection::has_scheme);
    static_assert(check_site("https://acme.my.salesforce.com").suggestion() == "acme.my.salesforce.com");
    static_assert(check_site("login.salesforce.com").reason == SiteRejection::generic_login_host);
    static_assert(check_site("acme.lightning.force.com").suggestion() == "acme.my.salesforce.com");
    static_assert(check_site("x.example.com", SiteDomains::allow_unknown).ok());
    for (const auto& v : verdicts) {
        INFO("input: " << v.input);
        const auto r = Site::parse(v.input);
        CHECK(r.has_value() == (v.reason == SiteRejection::none));
        CHECK(to_string(check_site(v.input).reason) == to_string(v.reason));
    }
}

TEST_CASE("constexpr Site literals", "[site]") {
    constexpr Site prod = "acme.my.salesforce.com";
    constexpr Site sbx = "ACME--UAT.sandbox.my.salesforce.com."_site;
    constexpr auto dev = "nango-dev-ed.develop.my.salesforce.com"_site;
    static_assert(prod.host() == "acme.my.salesforce.com");
    static_assert(prod.kind() == SiteKind::production && prod.cloud() == SiteCloud::commercial);
    static_assert(!prod.is_sandbox());
    static_assert(sbx.host() == "acme--uat.sandbox.my.salesforce.com");
    static_assert(sbx.kind() == SiteKind::sandbox && sbx.is_sandbox());
    static_assert(sbx.my_domain_name() == "acme" && sbx.sandbox_name() == "uat" && sbx.partition() == "sandbox");
    static_assert(dev.kind() == SiteKind::developer && dev.my_domain_name() == "nango-dev-ed");
    static_assert(prod == "acme.my.salesforce.com"_site);
    static_assert(!(prod == sbx));
    static_assert("acme.my.salesforce.mil"_site.cloud() == SiteCloud::government);
    static_assert(std::is_trivially_copyable_v<Site>);
    static_assert(!std::is_default_constructible_v<Site>);
    static_assert(!std::is_constructible_v<Site, std::string_view>);
    static_assert(!std::is_constructible_v<Site, const std::string&>);
    CHECK(prod == Site::from("ACME.my.salesforce.com"));
    CHECK(sbx.base_url() == "https://acme--uat.sandbox.my.salesforce.com");
}

TEST_CASE("parse_allowing_unknown_domain is an explicit, still strict opt-in", "[site]") {
    Diagnostics diag;
    const auto custom = Site::parse_allowing_unknown_domain("SFC.Private.Example.com.", diag);
    REQUIRE(custom.has_value());
    CHECK(diag.empty());
    CHECK(custom->host() == "sfc.private.example.com");
    CHECK(custom->kind() == SiteKind::custom);
    CHECK(custom->cloud() == SiteCloud::custom);
    CHECK(custom->my_domain_name() == "sfc");
    CHECK(custom->partition().empty());
    CHECK_FALSE(custom->is_sandbox());

    // Known hosts keep their normal classification and rules.
    const auto known = Site::parse_allowing_unknown_domain("acme--uat.sandbox.my.salesforce.com", diag);
    REQUIRE(known.has_value());
    CHECK(known->kind() == SiteKind::sandbox);

    const std::pair<std::string_view, SiteRejection> still_rejected[] = {
        {"https://sfc.private.example.com", SiteRejection::has_scheme},
        {"sfc.private.example.com/x", SiteRejection::has_path},
        {"sfc.private.example.com:8443", SiteRejection::has_port},
        {"sfc.private.example.com ", SiteRejection::whitespace},
        {"10.1.2.3", SiteRejection::ip_address},
        {"[fe80::1]", SiteRejection::ip_address},
        {"sfc_private.example.com", SiteRejection::invalid_character},
        {"sfc..example.com", SiteRejection::empty_label},
        {"login.salesforce.com", SiteRejection::generic_login_host},
        {"acme.lightning.force.com", SiteRejection::lightning_host},
        {"acme.my.salesforce-setup.com", SiteRejection::setup_host},
        {"acme.my.site.com", SiteRejection::experience_cloud_host},
        {"na44.salesforce.com", SiteRejection::instance_host},
        {"acme.foo.my.salesforce.com", SiteRejection::unknown_partition},
    };
    for (const auto& [input, reason] : still_rejected) {
        INFO("input: " << input);
        CHECK_FALSE(Site::parse_allowing_unknown_domain(input, diag).has_value());
        CHECK(to_string(check_site(input, SiteDomains::allow_unknown).reason) == to_string(reason));
        CHECK(diag.phase == Phase::site);
    }
    Site::parse_allowing_unknown_domain("https://sfc.private.example.com", diag);
    CHECK(contains(diag.message, "did you mean 'sfc.private.example.com'?"));

    // The default path refuses the same host and points at the opt-in.
    REQUIRE_FALSE(Site::parse("sfc.private.example.com", diag));
    CHECK(contains(diag.message, "not under a known Salesforce My Domain suffix"));
    CHECK(contains(diag.hint, "parse_allowing_unknown_domain"));
    CHECK(contains(diag.hint, "Setup > My Domain"));
}

TEST_CASE("Site::from throws ErrorWithDiagnostics", "[site]") {
    CHECK_THROWS_AS(Site::from("https://acme.my.salesforce.com"), ErrorWithDiagnostics);
    try {
        (void)Site::from("https://acme.my.salesforce.com");
        FAIL("no exception");
    } catch (const ErrorWithDiagnostics& e) {
        CHECK(e.boost_code() == errc::invalid_site);
        CHECK(e.diagnostics().phase == Phase::site);
        CHECK(contains(e.diagnostics().message, "remove 'https://'"));
        CHECK(contains(e.what(), "invalid_site"));
        CHECK(contains(e.what(), "did you mean 'acme.my.salesforce.com'?"));
    }
    CHECK(Site::from("acme.my.salesforce.com").host() == "acme.my.salesforce.com");
}

TEST_CASE("operator<< prints the host", "[site]") {
    std::ostringstream os;
    os << "acme--uat.sandbox.my.salesforce.com"_site << '|' << Site::from("ACME.MY.SALESFORCE.COM.");
    CHECK(os.str() == "acme--uat.sandbox.my.salesforce.com|acme.my.salesforce.com");
}

TEST_CASE("messages are safe to print: no control characters, no secrets, bounded length", "[site]") {
    Diagnostics diag;
    const auto no_controls = [](const std::string& s) {
        for (unsigned char c : s)
            if (c < 0x20 || c == 0x7f) return false;
        return true;
    };

    REQUIRE_FALSE(Site::parse("acme\x1b[31m.my.salesforce.com", diag));
    CHECK(no_controls(diag.message));
    CHECK(contains(diag.message, "'acme\\x1b[31m.my.salesforce.com'"));

    REQUIRE_FALSE(Site::parse("acme.my.salesforce.com\r\n", diag));
    CHECK(no_controls(diag.message));
    CHECK(contains(diag.message, "acme.my.salesforce.com\\r\\n"));

    // Query strings and fragments of pasted URLs may carry session ids or tokens.
    REQUIRE_FALSE(
        Site::parse("https://acme.my.salesforce.com/secur/frontdoor.jsp?sid=00D5g000004XyZ!AQ4AQSeCrEt", diag));
    CHECK_FALSE(contains(diag.message, "SeCrEt"));
    CHECK(contains(diag.message, "frontdoor.jsp?***"));
    CHECK(contains(diag.message, "did you mean 'acme.my.salesforce.com'?"));
    REQUIRE_FALSE(Site::parse("acme.my.salesforce.com/x#access_token=00D5g!SeCrEt", diag));
    CHECK_FALSE(contains(diag.message, "SeCrEt"));

    // User-info may hold a password.
    REQUIRE_FALSE(Site::parse("https://admin:hunter2@acme.my.salesforce.com", diag));
    CHECK_FALSE(contains(diag.message, "hunter2"));
    CHECK_FALSE(contains(diag.message, "admin"));
    CHECK(contains(diag.message, "***@acme.my.salesforce.com"));
    REQUIRE_FALSE(Site::parse("admin:hunter2@acme.my.salesforce.com", diag));
    CHECK_FALSE(contains(diag.message, "hunter2"));

    // A token, consumer key or secret pasted into the Site field is not echoed.
    const std::string pasted[] = {
        "00D5g000004XyZa!AQ4AQFakeTokenValue.abc",
        "3MVG9fakeConsumerKey.ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
        "1234567890123456789",
    };
    for (const auto& value : pasted) {
        INFO("input: " << value);
        REQUIRE_FALSE(Site::parse(value, diag));
        CHECK_FALSE(contains(diag.message, value));
        CHECK_FALSE(contains(diag.message, value.substr(0, 12)));
        CHECK(contains(diag.message, "value not shown"));
    }

    // Long input is capped.
    std::string long_input;
    for (int i = 0; i < 100; ++i) long_input += "ab.";
    long_input += "com";
    REQUIRE_FALSE(Site::parse(long_input, diag));
    CHECK(diag.message.size() < 450);
    CHECK(contains(diag.message, "(303 characters)"));
}

TEST_CASE("SiteRejection identifiers are stable", "[site]") {
    const std::vector<std::pair<SiteRejection, std::string_view>> ids = {
        {SiteRejection::none, "none"},
        {SiteRejection::empty, "empty"},
        {SiteRejection::whitespace, "whitespace"},
        {SiteRejection::has_scheme, "has_scheme"},
        {SiteRejection::has_path, "has_path"},
        {SiteRejection::has_query, "has_query"},
        {SiteRejection::has_fragment, "has_fragment"},
        {SiteRejection::has_port, "has_port"},
        {SiteRejection::has_userinfo, "has_userinfo"},
        {SiteRejection::ip_address, "ip_address"},
        {SiteRejection::generic_login_host, "generic_login_host"},
        {SiteRejection::lightning_host, "lightning_host"},
        {SiteRejection::experience_cloud_host, "experience_cloud_host"},
        {SiteRejection::setup_host, "setup_host"},
        {SiteRejection::instance_host, "instance_host"},
        {SiteRejection::empty_label, "empty_label"},
        {SiteRejection::label_too_long, "label_too_long"},
        {SiteRejection::label_hyphen_edge, "label_hyphen_edge"},
        {SiteRejection::invalid_character, "invalid_character"},
        {SiteRejection::too_long, "too_long"},
        {SiteRejection::unknown_domain, "unknown_domain"},
        {SiteRejection::unknown_partition, "unknown_partition"},
        {SiteRejection::sandbox_name_missing, "sandbox_name_missing"},
    };
    for (const auto& [r, id] : ids) CHECK(to_string(r) == id);
    static_assert(to_string(SiteRejection::has_scheme) == "has_scheme");
}

}  // namespace site_test
