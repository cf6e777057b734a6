// Save & Check: async_check against the in-process emulator, and sfconnect-check as a child process.
#include <sfconnect/check.hpp>
#include <sfconnect/testing/emulator.hpp>

#include "catch.hpp"
#include "support/child_process.hpp"
#include "support/emulator_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#ifdef SFCONNECT_CHECK_EXE
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#endif

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace check_test {

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;
using sfconnect::testing::EmulatorOptions;
using sfconnect::testing::Fault;
using sfconnect::testing::Route;
using sfconnect::testing::Scenario;

namespace {

TokenClientOptions check_options_for(const Emulator& emu) { return test::fast_options_for(emu); }

CheckInput input_for(const Emulator& emu) {
    return CheckInput{emu.site(), emu.consumer_key(), Secret(emu.consumer_secret())};
}

struct Checked {
    error_code ec;
    CheckReport report;
};

Checked run_check(CheckInput input, TokenClientOptions options, CheckOptions check_options = {}) {
    net::io_context io;
    Checked out;
    bool done = false;
    async_check(io.get_executor(), std::move(input), std::move(options), check_options,
                [&](error_code ec, CheckReport r) {
                    out.ec = ec;
                    out.report = std::move(r);
                    done = true;
                });
    io.run();
    REQUIRE(done);
    return out;
}

// The first characters of every access token the emulator issues: the 15-character org id and '!'.
std::string token_prefix(const Emulator& emu) { return emu.options().organization_id.substr(0, 15) + "!"; }

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::size_t step_index(std::string_view name) {
    const auto it = std::find(check_step_names.begin(), check_step_names.end(), name);
    REQUIRE(it != check_step_names.end());
    return static_cast<std::size_t>(it - check_step_names.begin());
}

// Steps before `failed` passed, `failed` ran and failed, the rest were skipped.
void require_failed_at(const CheckReport& r, std::string_view failed) {
    REQUIRE(r.steps.size() == 6);
    const std::size_t f = step_index(failed);
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
        INFO("step " << r.steps[i].name);
        CHECK(r.steps[i].name == check_step_names[i]);
        CHECK(r.steps[i].ran == (i <= f));
        CHECK(r.steps[i].ok == (i < f));
    }
    CHECK_FALSE(r.ok);
    REQUIRE(r.error);
    CHECK(r.error->step == failed);
    CHECK_FALSE(r.error->message.empty());
    CHECK_FALSE(r.error->hint.empty());
}

struct Expected {
    std::string_view code;
    std::string_view step;
    std::string_view hint_mentions;  // a phrase the admin-facing hint must contain
};

// Every failure the emulator can reproduce: its stable code, the step it fails, and the hint.
const std::map<Scenario, Expected>& expected_failures() {
    static const std::map<Scenario, Expected> m{
        {Scenario::wrong_domain, {"unsupported_domain", "token", "My Domain"}},
        {Scenario::no_run_as_user, {"no_run_as_user", "token", "Edit Policies"}},
        {Scenario::flow_disabled, {"grant_not_enabled", "token", "Enable Client Credentials Flow"}},
        {Scenario::propagation_delay, {"invalid_client_id", "token", "10 minutes"}},
        {Scenario::user_inactive, {"user_inactive", "token", "Run As user"}},
        {Scenario::org_inactive, {"org_inactive", "token", "org"}},
        {Scenario::ip_restricted, {"ip_restricted", "token", "IP"}},
        {Scenario::login_rate_exceeded, {"login_rate_exceeded", "token", "login"}},
        {Scenario::insufficient_access, {"insufficient_access", "api", "Session Security Level Policies"}},
        {Scenario::api_disabled, {"api_disabled", "api", "API Enabled"}},
        {Scenario::request_limit, {"request_limit_exceeded", "api", "limit"}},
        {Scenario::session_not_valid_for_api, {"session_not_valid_for_api", "api", "new token will not fix"}},
        {Scenario::token_unavailable, {"server_error", "token", "status.salesforce.com"}},
        {Scenario::api_unavailable, {"server_error", "api", "status.salesforce.com"}},
        {Scenario::propagating, {"invalid_client_id", "token", "10 minutes"}},  // its first token requests
        {Scenario::invalid_assertion, {"invalid_assertion", "token", "Use digital signatures"}},
        {Scenario::invalid_audience, {"invalid_audience", "token", "test.salesforce.com"}},
        {Scenario::user_not_approved, {"user_not_approved", "token", "10 minutes"}},
        {Scenario::unknown_user, {"unknown_user", "token", "sandbox"}},
        {Scenario::assertion_expired, {"assertion_expired", "token", "clock"}},
    };
    return m;
}

std::set<std::string> keys_of(const json::object& o) {
    std::set<std::string> k;
    for (const auto& kv : o) k.emplace(kv.key());
    return k;
}

bool is_string_or_null(const json::value& v) { return v.is_string() || v.is_null(); }

// The --json schema, exactly: keys, types and null-ness.
void require_schema(const json::value& doc) {
    REQUIRE(doc.is_object());
    const auto& o = doc.get_object();
    REQUIRE(keys_of(o) == std::set<std::string>{"ok", "version", "site", "demo", "flow", "steps", "error", "token",
                                                "api", "identity", "attempts", "logins"});
    CHECK((o.at("flow") == json::value("client_credentials") || o.at("flow") == json::value("jwt_bearer")));
    REQUIRE(o.at("ok").is_bool());
    REQUIRE(o.at("site").is_string());
    CHECK(o.at("version").is_string());
    CHECK(is_string_or_null(o.at("demo")));
    CHECK(o.at("logins").is_number());
    REQUIRE(o.at("attempts").is_array());
    for (const auto& a : o.at("attempts").get_array()) {
        REQUIRE(a.is_object());
        CHECK(keys_of(a.get_object()) ==
              std::set<std::string>{"attempt", "started_at", "step", "code", "logins", "next_delay_s"});
        CHECK(a.at("attempt").is_number());
        CHECK(a.at("started_at").is_string());
        CHECK(is_string_or_null(a.at("step")));
        CHECK(is_string_or_null(a.at("code")));
        CHECK((a.at("next_delay_s").is_number() || a.at("next_delay_s").is_null()));
    }
    REQUIRE(o.at("steps").is_array());
    const auto& steps = o.at("steps").get_array();
    REQUIRE(steps.size() == 6);
    bool failed_before = false;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        REQUIRE(steps[i].is_object());
        const auto& s = steps[i].get_object();
        CHECK(keys_of(s) == std::set<std::string>{"name", "ok", "skipped", "ms", "detail"});
        CHECK(s.at("name") == json::value(check_step_names[i]));
        CHECK(s.at("ok").is_bool());
        CHECK(s.at("skipped").is_bool());
        CHECK(s.at("ms").is_double());
        CHECK(s.at("ms").get_double() >= 0);
        CHECK(s.at("detail").is_string());
        if (s.at("skipped").get_bool()) CHECK_FALSE(s.at("ok").get_bool());
        // A step is skipped exactly when an earlier one failed (or, for a usage error, all are).
        if (failed_before) CHECK(s.at("skipped").get_bool());
        if (!s.at("skipped").get_bool() && !s.at("ok").get_bool()) failed_before = true;
    }
    const bool ok = o.at("ok").get_bool();
    if (ok) {
        CHECK(o.at("error").is_null());
    } else {
        REQUIRE(o.at("error").is_object());
        const auto& e = o.at("error").get_object();
        CHECK(keys_of(e) == std::set<std::string>{"step", "code", "message", "hint", "http_status", "server_error",
                                                  "server_message"});
        CHECK(e.at("step").is_string());
        CHECK(e.at("code").is_string());
        CHECK(e.at("message").is_string());
        CHECK(e.at("hint").is_string());
        CHECK((e.at("http_status").is_int64() || e.at("http_status").is_null()));
        CHECK(is_string_or_null(e.at("server_error")));
        CHECK(is_string_or_null(e.at("server_message")));
    }
    if (o.at("token").is_object()) {
        const auto& t = o.at("token").get_object();
        CHECK(keys_of(t) ==
              std::set<std::string>{"instance_url", "issued_at", "scope", "token_type", "signature_verified"});
        CHECK(t.at("instance_url").is_string());
        REQUIRE(t.at("issued_at").is_string());
        const std::string issued(t.at("issued_at").get_string());
        CHECK(issued.size() == 24);  // 2026-01-31T12:00:00.123Z
        CHECK(issued.back() == 'Z');
        CHECK(issued[10] == 'T');
        CHECK(is_string_or_null(t.at("scope")));
        CHECK(t.at("token_type").is_string());
        CHECK(t.at("signature_verified").is_bool());
    } else {
        CHECK(o.at("token").is_null());
    }
    if (o.at("api").is_object()) {
        CHECK(keys_of(o.at("api").get_object()) == std::set<std::string>{"version"});
        CHECK(o.at("api").at("version").is_string());
    } else {
        CHECK(o.at("api").is_null());
    }
    if (o.at("identity").is_object()) {
        const auto& i = o.at("identity").get_object();
        CHECK(keys_of(i) == std::set<std::string>{"user_id", "organization_id", "username"});
        CHECK(i.at("user_id").is_string());
        CHECK(i.at("organization_id").is_string());
        CHECK(i.at("username").is_string());
    } else {
        CHECK(o.at("identity").is_null());
    }
}

}  // namespace

// ---- (a) the library operation ------------------------------------------------------------------------

TEST_CASE("check: a healthy org passes all six steps and reports who the Run As user is", "[check]") {
    Emulator emu;
    emu.start();
    auto [ec, r] = run_check(input_for(emu), check_options_for(emu));
    CHECK_FALSE(ec);
    CHECK(r.ok);
    CHECK_FALSE(r.error);
    CHECK(r.site == emu.site());
    REQUIRE(r.steps.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) {
        INFO("step " << r.steps[i].name);
        CHECK(r.steps[i].name == check_step_names[i]);
        CHECK(r.steps[i].ok);
        CHECK(r.steps[i].ran);
        CHECK(r.steps[i].ms >= 0);
        CHECK_FALSE(r.steps[i].detail.empty());
    }
    CHECK(contains(r.steps[1].detail, emu.connect_to()));
    CHECK(contains(r.steps[2].detail, "TLS"));
    REQUIRE(r.token);
    CHECK(r.token->instance_url == emu.instance_url());
    CHECK(r.token->token_type == "Bearer");
    CHECK(r.token->signature_verified);
    CHECK(r.token->scope == std::optional<std::string>("api"));
    CHECK(r.token->issued_at.size() == 24);
    REQUIRE(r.api);
    CHECK(r.api->version == ApiVersion::default_version().str());
    REQUIRE(r.identity);
    CHECK(r.identity->user_id == emu.options().user_id);
    CHECK(r.identity->organization_id == emu.options().organization_id);
    CHECK(r.identity->username == emu.options().username);
    CHECK(emu.stats().tokens_issued == 1);
    CHECK(emu.stats().connections_accepted == 1);  // connect, token, api and identity share one connection

    const std::string j = r.to_json();
    CHECK_FALSE(contains(j, emu.consumer_secret()));
    CHECK_FALSE(contains(j, token_prefix(emu)));
    require_schema(json::parse(j));
}

TEST_CASE("check: the requested API version is the one probed", "[check]") {
    Emulator emu;
    emu.start();
    CheckOptions co;
    co.api_version = "60.0";
    auto [ec, r] = run_check(input_for(emu), check_options_for(emu), co);
    CHECK_FALSE(ec);
    REQUIRE(r.api);
    CHECK(r.api->version == "60.0");
    const auto reqs = emu.recent_requests();
    CHECK(std::any_of(reqs.begin(), reqs.end(), [](const auto& q) { return q.target == "/services/data/v60.0/"; }));

    SECTION("a version the org does not serve fails at api with a hint about the version") {
        co.api_version = "99.0";
        auto [ec2, r2] = run_check(input_for(emu), check_options_for(emu), co);
        CHECK(ec2 == api_errc::api_error);
        require_failed_at(r2, "api");
        CHECK(r2.error->http_status == std::optional<int>(404));
        CHECK(contains(r2.error->hint, "99.0"));
    }
}

TEST_CASE("check: every emulated failure gives its stable code, its step and an admin hint", "[check][errors]") {
    Emulator emu;
    emu.start();
    const auto scenarios = sfconnect::testing::all_scenarios();
    for (Scenario s : scenarios) {
        if (s == Scenario::healthy) continue;
        INFO("scenario " << sfconnect::testing::to_string(s));
        const auto it = expected_failures().find(s);
        REQUIRE(it != expected_failures().end());  // a new Scenario needs an expectation here
        emu.set_scenario(s);
        auto [ec, r] = run_check(input_for(emu), check_options_for(emu));
        CHECK(error_id(ec) == it->second.code);
        require_failed_at(r, it->second.step);
        CHECK(r.error->code == ec);
        CHECK(contains(r.error->hint, it->second.hint_mentions));
        REQUIRE(r.error->http_status);
        if (it->second.step == "token") {
            CHECK_FALSE(r.token);
        } else {
            CHECK(r.token);  // the token step passed and was summarised
        }
        CHECK_FALSE(r.api);
        CHECK_FALSE(r.identity);
        if (s != Scenario::token_unavailable) CHECK(r.error->server_error);  // the server's own words
        const std::string j = r.to_json();
        CHECK_FALSE(contains(j, emu.consumer_secret()));
        CHECK_FALSE(contains(j, token_prefix(emu)));
        const auto doc = json::parse(j);
        require_schema(doc);
        CHECK(doc.at("error").at("code") == json::value(it->second.code));
    }
    CHECK(expected_failures().size() + 1 == scenarios.size());
}

TEST_CASE("check: a wrong key or a wrong secret fails at token", "[check][errors]") {
    Emulator emu;
    emu.start();
    SECTION("wrong key") {
        auto in = input_for(emu);
        in.consumer_key = "3MVG9WrongKey";
        auto [ec, r] = run_check(std::move(in), check_options_for(emu));
        CHECK(ec == oauth_errc::invalid_client_id);
        require_failed_at(r, "token");
        CHECK(contains(r.error->hint, "10 minutes"));
    }
    SECTION("wrong secret") {
        const std::string wrong = "WRONG" + emu.consumer_secret();
        auto [ec, r] = run_check(CheckInput{emu.site(), emu.consumer_key(), Secret(wrong)}, check_options_for(emu));
        CHECK(ec == oauth_errc::invalid_client_secret);
        require_failed_at(r, "token");
        CHECK(r.error->server_error == std::optional<std::string>("invalid_client"));
        CHECK_FALSE(contains(r.to_json(), wrong));
    }
}

TEST_CASE("check: invalid input fails at site without any network", "[check]") {
    Emulator emu;
    emu.start();
    SECTION("a URL instead of a host") {
        auto in = input_for(emu);
        in.site = "https://acme.my.salesforce.com/";
        auto [ec, r] = run_check(std::move(in), check_options_for(emu));
        CHECK(ec == errc::invalid_site);
        require_failed_at(r, "site");
        CHECK(r.site == "https://acme.my.salesforce.com/");  // as given: it is not a Site
        CHECK(contains(r.error->message, "acme.my.salesforce.com"));
        CHECK_FALSE(r.error->http_status);
    }
    SECTION("the generic login host") {
        auto in = input_for(emu);
        in.site = "login.salesforce.com";
        auto [ec, r] = run_check(std::move(in), check_options_for(emu));
        CHECK(ec == errc::invalid_site);
        require_failed_at(r, "site");
        CHECK(contains(r.error->hint, "My Domain"));
    }
    SECTION("a key with surrounding whitespace") {
        auto in = input_for(emu);
        in.consumer_key = " " + emu.consumer_key();
        auto [ec, r] = run_check(std::move(in), check_options_for(emu));
        CHECK(ec == errc::invalid_credentials);
        require_failed_at(r, "site");
    }
    SECTION("a quoted secret, which never shows in the report") {
        const std::string quoted = "\"" + emu.consumer_secret() + "\"";
        auto [ec, r] = run_check(CheckInput{emu.site(), emu.consumer_key(), Secret(quoted)}, check_options_for(emu));
        CHECK(ec == errc::invalid_credentials);
        require_failed_at(r, "site");
        CHECK_FALSE(contains(r.to_json(), emu.consumer_secret()));
    }
    SECTION("the secret pasted into the Site field is not echoed") {
        auto in = input_for(emu);
        in.site = emu.consumer_secret();
        auto [ec, r] = run_check(std::move(in), check_options_for(emu));
        CHECK(ec == errc::invalid_site);
        CHECK_FALSE(contains(r.to_json(), emu.consumer_secret()));
    }
    const auto st = emu.stats();
    CHECK(st.connections_accepted == 0);
    CHECK(st.requests == 0);
}

TEST_CASE("check: an untrusted certificate fails at tls after connect passed", "[check][tls]") {
    Emulator emu;
    emu.start();
    auto o = check_options_for(emu);
    o.ca_pem.clear();
    o.use_system_trust_store = true;
    auto [ec, r] = run_check(input_for(emu), o);
    CHECK(ec == errc::tls_failed);
    require_failed_at(r, "tls");
    CHECK(contains(r.steps[1].detail, emu.connect_to()));
    CHECK(contains(r.error->message, "certificate"));
    CHECK(emu.stats().token_requests == 0);
}

TEST_CASE("check: unusable TLS settings fail the site step without connecting", "[check][tls]") {
    Emulator emu;
    emu.start();
    auto o = check_options_for(emu);
    o.ca_file = "/nonexistent/sfconnect-check-test-ca.pem";
    auto [ec, r] = run_check(input_for(emu), o);
    CHECK(ec == errc::tls_failed);
    // The input and settings are checked before any network: later steps are skipped, none is
    // "skipped" before the failed one (the JSON schema's rule).
    require_failed_at(r, "site");
    CHECK(contains(r.error->message, "CA file"));
    require_schema(json::parse(r.to_json()));
    CHECK(emu.stats().connections_accepted == 0);
}

TEST_CASE("check: a refused connection fails at connect", "[check]") {
    Emulator emu;
    auto o = check_options_for(emu);
    o.connect_to = "127.0.0.1:1";
    auto [ec, r] = run_check(input_for(emu), o);
    CHECK(ec == errc::connect_failed);
    require_failed_at(r, "connect");
    CHECK(contains(r.error->message, "127.0.0.1:1"));
    require_schema(json::parse(r.to_json()));
}

TEST_CASE("check: to_json matches the schema for skipped steps and nulls", "[check]") {
    CheckReport r;
    r.site = "acme.my.salesforce.com";
    for (auto n : check_step_names) r.steps.push_back(CheckStep{std::string(n), false, false, 0, {}});
    r.steps[0] = CheckStep{"site", true, true, 0.25, "acme.my.salesforce.com (production org)"};
    r.steps[1] = CheckStep{"connect", false, true, 1.5, "dns_failed"};
    r.error = CheckFailure{"connect",    errc::dns_failed, "could not resolve", "Check the Site",
                           std::nullopt, std::nullopt,     std::nullopt};
    const auto doc = json::parse(r.to_json());
    require_schema(doc);
    CHECK(doc.at("ok") == json::value(false));
    CHECK(doc.at("error").at("code") == json::value("dns_failed"));
    CHECK(doc.at("error").at("http_status").is_null());
    CHECK(doc.at("steps").at(0).at("ms").get_double() == 0.25);
    CHECK(doc.at("steps").at(1).at("skipped") == json::value(false));
    CHECK(doc.at("steps").at(2).at("skipped") == json::value(true));
    CHECK(contains(r.to_json(), "\"ms\":0.250"));  // fixed notation, not 2.5E-1
    CHECK(detail::iso8601_utc(std::chrono::system_clock::time_point(std::chrono::milliseconds(1676372418560))) ==
          "2023-02-14T11:00:18.560Z");
}

// ---- (a2) second pass (issue 12): waiting out propagation, safe text, setup problems, proxy rule ---------

namespace {

// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF), as a strict JSON reader wants.
bool is_strict_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
        for (std::size_t k = 1; k < n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3f);
        }
        const char32_t min = n == 1 ? 0 : n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n;
    }
    return true;
}

CheckOptions waiting(std::chrono::milliseconds wait, std::chrono::milliseconds first_delay = 20ms) {
    CheckOptions co;
    co.wait = wait;
    co.first_delay = first_delay;
    co.max_delay = first_delay * 4;
    return co;
}

}  // namespace

TEST_CASE("check --wait: a propagating setup change passes on attempt N+1", "[check][wait]") {
    EmulatorOptions eo;
    eo.propagating_token_failures = 3;
    Emulator emu(eo);
    emu.set_scenario(Scenario::propagating);
    emu.start();
    std::vector<CheckAttempt> seen;
    auto co = waiting(10s);
    co.on_attempt = [&](const CheckAttempt& a) { seen.push_back(a); };
    auto [ec, r] = run_check(input_for(emu), check_options_for(emu), co);
    CHECK_FALSE(ec);
    CHECK(r.ok);
    REQUIRE(r.attempts.size() == 4);
    REQUIRE(seen.size() == 4);
    for (std::size_t i = 0; i < 3; ++i) {
        INFO("attempt " << i + 1);
        CHECK(r.attempts[i].number == static_cast<int>(i + 1));
        CHECK(r.attempts[i].code == oauth_errc::invalid_client_id);
        CHECK(r.attempts[i].step == "token");
        CHECK(r.attempts[i].logins == 1);
        REQUIRE(r.attempts[i].next_delay);
    }
    // The delay doubles from the first one up to the maximum.
    CHECK(*r.attempts[0].next_delay == 20ms);
    CHECK(*r.attempts[1].next_delay == 40ms);
    CHECK(*r.attempts[2].next_delay == 80ms);
    CHECK_FALSE(r.attempts[3].code);
    CHECK_FALSE(r.attempts[3].next_delay);
    CHECK(r.logins == 4);  // every attempt is a login
    CHECK(emu.stats().token_requests == 4);
    const auto doc = json::parse(r.to_json());
    require_schema(doc);
    CHECK(doc.at("attempts").get_array().size() == 4);
    CHECK(doc.at("logins") == json::value(4));
    CHECK(doc.at("attempts").at(0).at("code") == json::value("invalid_client_id"));
    CHECK(doc.at("attempts").at(3).at("code").is_null());
}

TEST_CASE("check --wait: errors waiting cannot fix stop at once", "[check][wait]") {
    Emulator emu;
    emu.start();
    for (Scenario s : {Scenario::wrong_domain, Scenario::login_rate_exceeded, Scenario::user_inactive}) {
        INFO("scenario " << sfconnect::testing::to_string(s));
        emu.set_scenario(s);
        emu.reset_stats();
        auto [ec, r] = run_check(input_for(emu), check_options_for(emu), waiting(10s));
        CHECK(ec);
        CHECK_FALSE(check_error_may_be_propagating(ec));
        REQUIRE(r.attempts.size() == 1);
        CHECK_FALSE(r.attempts[0].next_delay);
        CHECK(emu.stats().token_requests == 1);
    }
    SECTION("an invalid Site stops at once without a login") {
        auto in = input_for(emu);
        in.site = "login.salesforce.com";
        auto [ec, r] = run_check(std::move(in), check_options_for(emu), waiting(10s));
        CHECK(ec == errc::invalid_site);
        CHECK(r.attempts.size() == 1);
        CHECK(r.logins == 0);
    }
}

TEST_CASE("check --wait: the duration bounds the attempts", "[check][wait]") {
    Emulator emu;
    emu.set_scenario(Scenario::propagation_delay);  // never heals
    emu.start();
    const auto t0 = std::chrono::steady_clock::now();
    auto [ec, r] = run_check(input_for(emu), check_options_for(emu), waiting(600ms, 50ms));
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(ec == oauth_errc::invalid_client_id);
    CHECK(r.attempts.size() >= 3);
    CHECK(r.attempts.size() <= 6);
    CHECK_FALSE(r.attempts.back().next_delay);
    CHECK(r.logins == r.attempts.size());
    CHECK(took < 5s);
    for (Scenario s : {Scenario::no_run_as_user, Scenario::flow_disabled, Scenario::insufficient_access,
                       Scenario::session_not_valid_for_api}) {
        INFO("scenario " << sfconnect::testing::to_string(s));
        emu.set_scenario(s);
        auto [ec2, r2] = run_check(input_for(emu), check_options_for(emu), waiting(500ms, 20ms));
        CHECK(check_error_may_be_propagating(ec2));
        CHECK(r2.attempts.size() >= 2);  // waited
    }
}

TEST_CASE("check: the JSON report is valid UTF-8 whatever the input or server sent", "[check][json]") {
    Emulator emu;
    emu.start();
    SECTION("a Site with invalid UTF-8 bytes") {
        auto in = input_for(emu);
        in.site = "\xff\xfe.my.salesforce.com\xc3";
        auto [ec, r] = run_check(std::move(in), check_options_for(emu));
        CHECK(ec == errc::invalid_site);
        const std::string j = r.to_json();
        CHECK(is_strict_utf8(j));
        require_schema(json::parse(j));
        CHECK(contains(detail::terminal_text(r.site), "?"));
        CHECK(is_strict_utf8(detail::terminal_text(in.site)));
    }
    SECTION("a server body in ISO-8859-1") {
        emu.push_fault(Route::token, Fault::reply_with(503, "<html><body><h1>Maintenance \xe9t\xe9</h1></body></html>",
                                                       "text/html; charset=ISO-8859-1"));
        auto o = check_options_for(emu);
        o.retry.max_attempts = 1;
        auto [ec, r] = run_check(input_for(emu), o);
        CHECK(ec == errc::server_error);
        REQUIRE(r.error);
        REQUIRE(r.error->server_message);
        CHECK_FALSE(contains(*r.error->server_message, "<html>"));  // the page's text, not its markup
        const std::string j = r.to_json();
        CHECK(is_strict_utf8(j));
        require_schema(json::parse(j));
    }
}

TEST_CASE("check: an oversized reply's hint names what the check user can change", "[check][hints]") {
    Emulator emu;
    emu.start();
    emu.push_fault(Route::api, Fault::reply_with(200, std::string(9 * 1024 * 1024, 'x')));
    auto [ec, r] = run_check(input_for(emu), check_options_for(emu));
    CHECK(ec == errc::bad_response);
    require_failed_at(r, "api");
    CHECK_FALSE(contains(r.error->hint, "response size limit"));  // the tool has no such option
    CHECK(contains(r.error->hint, "proxy"));
}

TEST_CASE("check: terminal text drops control, C1 and bidi characters", "[check]") {
    CHECK(detail::terminal_text("a\x1b[31mb") == "a?[31mb");
    CHECK(detail::terminal_text("evil\xe2\x80\xae"
                                "txt") == "evil?txt");  // U+202E RIGHT-TO-LEFT OVERRIDE
    CHECK(detail::terminal_text("c1\xc2\x9b"
                                "x") == "c1?x");  // U+009B CSI
    CHECK(detail::terminal_text("raw\x9b"
                                "x") == "raw?x");                  // a raw C1 byte: invalid UTF-8
    CHECK(detail::terminal_text("caf\xc3\xa9") == "caf\xc3\xa9");  // ordinary text stays
    CHECK(detail::valid_utf8("a\xff"
                             "b") == "a\xef\xbf\xbd"
                                     "b");
}

TEST_CASE("check: userinfo and query typed into the Site never reach the report", "[check]") {
    Emulator emu;
    emu.start();
    auto in = input_for(emu);
    in.site = "https://admin:Hunter2PW@acme.my.salesforce.com/?token=QueryTok3n#frag";
    auto [ec, r] = run_check(std::move(in), check_options_for(emu));
    CHECK(ec == errc::invalid_site);
    const std::string j = r.to_json();
    CHECK_FALSE(contains(j, "Hunter2PW"));
    CHECK_FALSE(contains(j, "QueryTok3n"));
    CHECK_FALSE(contains(j, "admin"));
    CHECK(r.site == "https://acme.my.salesforce.com/");
    CHECK(detail::displayable_site_input("user@acme.my.salesforce.com") == "acme.my.salesforce.com");
}

TEST_CASE("check: site step notes Government Cloud and non-ASCII input", "[check]") {
    SECTION(".mil") {
        auto o = TokenClientOptions{};
        o.connect_to = "127.0.0.1:1";
        o.proxy = "";
        o.timeouts.connect = 2s;
        auto [ec, r] = run_check(CheckInput{"acme.my.salesforce.mil", "3MVG9key", Secret("secret-value-1234")}, o);
        REQUIRE(r.steps[0].ok);
        CHECK(contains(r.steps[0].detail, "Government Cloud"));
    }
    SECTION("non-ASCII") {
        auto [ec, r] = run_check(CheckInput{"acme\xe2\x80\x93"
                                            "corp.my.salesforce.com",
                                            "3MVG9key", Secret("secret-value-1234")},
                                 TokenClientOptions{});
        CHECK(ec == errc::invalid_site);
        REQUIRE(r.error);
        CHECK(contains(r.error->hint, "non-ASCII"));
    }
}

TEST_CASE("check: proxy and connect-to failures name the proxy or the connect-to host", "[check][proxy]") {
    Emulator emu;
    emu.start();
    // The check with `proxy` as the proxy option (nullopt: from the environment) and `connect_to`.
    const auto check_routed = [&](std::optional<std::string> proxy, std::string connect_to) {
        auto o = check_options_for(emu);
        o.connect_to = std::move(connect_to);
        o.proxy = std::move(proxy);
        return run_check(input_for(emu), o);
    };
    SECTION("an unresolvable proxy") {
        auto [ec, r] = check_routed("http://sfconnect-no-such-proxy.invalid:3128", "");
        CHECK(ec == errc::proxy_failed);
        require_failed_at(r, "connect");
        CHECK(contains(r.error->message, "proxy host 'sfconnect-no-such-proxy.invalid'"));
        CHECK(contains(r.error->message, "the proxy option"));
        CHECK_FALSE(contains(r.error->hint, "My Domain"));
    }
    SECTION("an unresolvable proxy from HTTPS_PROXY") {
        ::setenv("HTTPS_PROXY", "http://sfconnect-no-such-proxy.invalid:3128", 1);
        auto [ec, r] = check_routed(std::nullopt, "");
        ::unsetenv("HTTPS_PROXY");
        CHECK(ec == errc::proxy_failed);
        CHECK(contains(r.error->message, "HTTPS_PROXY"));
        CHECK(contains(r.error->hint, "HTTPS_PROXY"));
    }
    SECTION("an unresolvable connect-to host") {
        auto [ec, r] = check_routed("", "sfconnect-no-such-host.invalid:443");
        CHECK(ec == errc::dns_failed);
        require_failed_at(r, "connect");
        CHECK(contains(r.error->message, "connect-to host 'sfconnect-no-such-host.invalid'"));
        CHECK(contains(r.error->hint, "connect-to"));
        CHECK_FALSE(contains(r.error->hint, "My Domain"));
    }
    SECTION("HTTPS_PROXY does not capture connect-to traffic") {
        ::setenv("HTTPS_PROXY", "http://127.0.0.1:1", 1);
        auto [ec, r] = check_routed(std::nullopt, emu.connect_to());  // the proxy as from the environment
        ::unsetenv("HTTPS_PROXY");
        CHECK_FALSE(ec);
        CHECK(r.ok);
    }
    SECTION("NO_PROXY is matched against the Site") {
        ::setenv("HTTPS_PROXY", "http://127.0.0.1:1", 1);
        ::setenv("NO_PROXY", emu.site().c_str(), 1);
        TransportSettings ts;
        Diagnostics d;
        TokenClientOptions o;
        CHECK_FALSE(make_transport_settings(emu.site(), o, ts, d));
        CHECK_FALSE(ts.proxy);
        ::setenv("NO_PROXY", "127.0.0.1", 1);  // the connect-to address is not what NO_PROXY matches
        CHECK_FALSE(make_transport_settings(emu.site(), o, ts, d));
        CHECK(ts.proxy);
        ::unsetenv("HTTPS_PROXY");
        ::unsetenv("NO_PROXY");
    }
}

TEST_CASE("check: a timeout message states the limit that was hit", "[check][timeout]") {
    net::io_context server_io;
    net::ip::tcp::acceptor silent(server_io, net::ip::tcp::endpoint(net::ip::address_v4::loopback(), 0));
    // The kernel completes TCP handshakes for the backlog; nobody ever answers TLS.
    Emulator emu;
    auto o = check_options_for(emu);
    o.connect_to = "127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    o.timeouts.tls_handshake = 300ms;
    o.retry.max_attempts = 1;
    auto [ec, r] = run_check(input_for(emu), o);
    CHECK(ec == errc::timeout);
    require_failed_at(r, "tls");
    CHECK(contains(r.error->message, "(300 ms)"));
}

// ---- (b) sfconnect-check as a child process ---------------------------------------------------------------

#ifdef SFCONNECT_CHECK_EXE
namespace {

struct ToolResult {
    int status = -1;  // exit status, or -1 when it did not exit normally
    std::string out;
    std::string err;
};

// Starts the tool with `args`, exactly `env` as its environment and the file actions `fa`.
pid_t spawn_tool(const std::vector<std::string>& args, const std::vector<std::string>& env,
                 const posix_spawn_file_actions_t& fa) {
    return test::spawn_program(SFCONNECT_CHECK_EXE, args, env, fa);
}

// Runs the tool with exactly `env` as its environment (nothing inherited: no proxy variables from CI)
// and `input` on its standard input. Secrets travel by environment, file or pipe, never argv.
ToolResult run_tool(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    const std::string& input = {}) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    REQUIRE(pipe(in_pipe) == 0);
    REQUIRE(pipe(out_pipe) == 0);
    REQUIRE(pipe(err_pipe) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
        posix_spawn_file_actions_addclose(&fa, fd);
    const pid_t pid = spawn_tool(args, env, fa);
    posix_spawn_file_actions_destroy(&fa);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);

    // A full pipe must not block the child: write stdin and read both outputs in one poll loop.
    ToolResult res;
    std::size_t written = 0;
    int in_fd = in_pipe[1];
    if (input.empty()) {
        close(in_fd);
        in_fd = -1;
    }
    int out_fd = out_pipe[0], err_fd = err_pipe[0];
    ::signal(SIGPIPE, SIG_IGN);
    while (out_fd >= 0 || err_fd >= 0) {
        pollfd fds[3];
        nfds_t n = 0;
        if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
        if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
        if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
        REQUIRE(poll(fds, n, 60'000) > 0);
        for (nfds_t i = 0; i < n; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == in_fd) {
                const ssize_t w = write(in_fd, input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                if (w <= 0 || written == input.size()) {
                    close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            char buf[4096];
            const ssize_t r = read(fds[i].fd, buf, sizeof buf);
            std::string& sink = fds[i].fd == out_fd ? res.out : res.err;
            if (r > 0) {
                sink.append(buf, static_cast<std::size_t>(r));
            } else {
                close(fds[i].fd);
                (fds[i].fd == out_fd ? out_fd : err_fd) = -1;
            }
        }
    }
    if (in_fd >= 0) close(in_fd);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    res.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return res;
}

// A scratch directory for the CA and secret files, removed at the end.
struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        path = std::filesystem::temp_directory_path() /
               ("sfconnect-check-test-" + std::to_string(getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        std::filesystem::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::string file(const std::string& name, const std::string& content) const {
        const auto p = path / name;
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
};

struct ToolSetup {
    Emulator emu;
    ScratchDir dir;
    std::string ca_file;
    ToolSetup() {
        emu.start();
        ca_file = (dir.path / "ca.pem").string();
        emu.write_ca_pem(ca_file);
    }
    std::vector<std::string> args(std::vector<std::string> extra = {}) const {
        std::vector<std::string> a{"--site", emu.site(),     "--consumer-key", emu.consumer_key(), "--ca-file",
                                   ca_file,  "--connect-to", emu.connect_to(), "--timeout",        "10"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    std::vector<std::string> env_with_secret(const std::string& secret) const {
        return {"SFCONNECT_CONSUMER_SECRET=" + secret, "NO_COLOR=1"};
    }
    // Neither the secret nor any token the emulator issued appears in any output.
    void require_no_leak(const ToolResult& r, const std::string& secret) const {
        for (const std::string* s : {&r.out, &r.err}) {
            CHECK_FALSE(contains(*s, secret));
            CHECK_FALSE(contains(*s, emu.consumer_secret()));
            CHECK_FALSE(contains(*s, token_prefix(emu)));
        }
    }
};

json::value parse_single_object(const std::string& out) {
    // Exactly one JSON object followed by one newline: nothing else on stdout.
    REQUIRE_FALSE(out.empty());
    CHECK(out.back() == '\n');
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
    error_code ec;
    auto v = json::parse(out, ec);
    REQUIRE_FALSE(ec);
    require_schema(v);
    return v;
}

std::size_t count_of(std::string_view s, std::string_view needle) {
    std::size_t n = 0;
    for (auto p = s.find(needle); p != std::string_view::npos; p = s.find(needle, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("sfconnect-check: a healthy org exits 0 with one JSON object", "[check][tool]") {
    ToolSetup t;
    const auto r = run_tool(t.args({"--json"}), t.env_with_secret(t.emu.consumer_secret()));
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    const auto doc = parse_single_object(r.out);
    CHECK(doc.at("ok") == json::value(true));
    CHECK(doc.at("identity").at("username") == json::value(t.emu.options().username));
    t.require_no_leak(r, t.emu.consumer_secret());
}

TEST_CASE("sfconnect-check: every emulated error code, its step, exit 1 and no leak", "[check][tool][errors]") {
    ToolSetup t;
    const std::string secret_file = t.dir.file("secret.txt", t.emu.consumer_secret() + "\n");
    bool use_file = false;
    for (Scenario s : sfconnect::testing::all_scenarios()) {
        if (s == Scenario::healthy) continue;
        INFO("scenario " << sfconnect::testing::to_string(s) << (use_file ? " (secret file)" : " (secret env)"));
        const Expected& want = expected_failures().at(s);
        t.emu.set_scenario(s);
        // Alternate the two secret sources so that both are covered on every path.
        const auto r = use_file ? run_tool(t.args({"--json", "--consumer-secret-file", secret_file}), {"NO_COLOR=1"})
                                : run_tool(t.args({"--json"}), t.env_with_secret(t.emu.consumer_secret()));
        use_file = !use_file;
        CHECK(r.status == 1);
        const auto doc = parse_single_object(r.out);
        CHECK(doc.at("error").at("code") == json::value(want.code));
        CHECK(doc.at("error").at("step") == json::value(want.step));
        t.require_no_leak(r, t.emu.consumer_secret());
    }
}

TEST_CASE("sfconnect-check: a wrong key or secret fails at token, exit 1 and no leak", "[check][tool][errors]") {
    ToolSetup t;
    SECTION("wrong key") {
        auto args = t.args({"--json"});
        args[3] = "3MVG9WrongKey";  // the --consumer-key value
        const auto r = run_tool(args, t.env_with_secret(t.emu.consumer_secret()));
        CHECK(r.status == 1);
        const auto doc = parse_single_object(r.out);
        CHECK(doc.at("error").at("code") == json::value("invalid_client_id"));
        CHECK(doc.at("error").at("step") == json::value("token"));
        t.require_no_leak(r, t.emu.consumer_secret());
    }
    SECTION("wrong secret") {
        const std::string wrong = "NotTheSecret" + t.emu.consumer_secret().substr(12);
        const auto r = run_tool(t.args({"--json"}), t.env_with_secret(wrong));
        CHECK(r.status == 1);
        const auto doc = parse_single_object(r.out);
        CHECK(doc.at("error").at("code") == json::value("invalid_client_secret"));
        CHECK(doc.at("error").at("step") == json::value("token"));
        t.require_no_leak(r, wrong);
    }
    SECTION("wrong secret, human output") {
        const std::string wrong = "NotTheSecret" + t.emu.consumer_secret().substr(12);
        const auto r = run_tool(t.args(), t.env_with_secret(wrong));
        CHECK(r.status == 1);
        CHECK(contains(r.out, "[FAIL] token"));
        CHECK(contains(r.out, "invalid_client_secret"));
        CHECK(contains(r.out, "invalid client credentials"));  // the server's words
        t.require_no_leak(r, wrong);
    }
}

TEST_CASE("sfconnect-check: malformed values fail the site step, not the command line", "[check][tool]") {
    ToolSetup t;
    SECTION("a URL as the Site") {
        auto args = t.args({"--json"});
        args[1] = "https://" + t.emu.site() + "/";
        const auto r = run_tool(args, t.env_with_secret(t.emu.consumer_secret()));
        CHECK(r.status == 1);
        const auto doc = parse_single_object(r.out);
        CHECK(doc.at("error").at("code") == json::value("invalid_site"));
        CHECK(doc.at("error").at("step") == json::value("site"));
    }
    SECTION("a secret with a trailing space") {
        const auto r = run_tool(t.args({"--json"}), t.env_with_secret(t.emu.consumer_secret() + " "));
        CHECK(r.status == 1);
        const auto doc = parse_single_object(r.out);
        CHECK(doc.at("error").at("code") == json::value("invalid_credentials"));
        CHECK(doc.at("error").at("step") == json::value("site"));
        t.require_no_leak(r, t.emu.consumer_secret());
    }
    CHECK(t.emu.stats().connections_accepted == 0);
}

TEST_CASE("sfconnect-check: the secret can come from standard input", "[check][tool]") {
    ToolSetup t;
    const auto r = run_tool(t.args({"--consumer-secret-stdin"}), {"NO_COLOR=1"}, t.emu.consumer_secret() + "\n");
    CHECK(r.status == 0);
    CHECK(count_of(r.out, "[ OK ]") == 6);
    t.require_no_leak(r, t.emu.consumer_secret());
}

TEST_CASE("sfconnect-check: usage errors exit 2 with one line on stderr", "[check][tool][usage]") {
    ToolSetup t;
    const std::string secret = t.emu.consumer_secret();
    const auto env = t.env_with_secret(secret);
    const std::string secret_file = t.dir.file("secret.txt", secret);
    struct Case {
        std::string what;
        std::vector<std::string> args;
        std::vector<std::string> env;
    };
    const std::vector<std::string> base{"--site", t.emu.site(), "--consumer-key", t.emu.consumer_key()};
    const auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const std::vector<Case> cases{
        {"unknown flag", t.args({"--frobnicate"}), env},
        {"missing site", {"--consumer-key", "k"}, env},
        {"missing key", {"--site", t.emu.site()}, env},
        {"missing secret", t.args(), {"NO_COLOR=1"}},
        {"both secret sources", t.args({"--consumer-secret-file", secret_file, "--consumer-secret-stdin"}), {}},
        {"secret as a flag value", t.args({"--consumer-secret=" + secret}), {}},
        {"secret as the next argument", t.args({"--consumer-secret", secret}), {}},
        {"secret as a stray argument", t.args({secret}), {}},
        {"bad timeout", with({"--timeout", "soon"}), env},
        {"zero timeout", with({"--timeout", "0"}), env},
        {"api version not NN.0", with({"--api-version", "64"}), env},
        {"bad connect-to", with({"--connect-to", "nohostport"}), env},
        {"option given twice", with({"--site", t.emu.site()}), env},
        {"value missing", {"--site"}, env},
        {"unknown demo scenario", {"--demo", "--demo-scenario", "nope"}, {}},
        {"demo with a site", {"--demo", "--site", t.emu.site()}, {}},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        const auto r = run_tool(c.args, c.env);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(count_of(r.err, "\n") == 1);
        CHECK(contains(r.err, "see sfconnect-check --help"));
        CHECK_FALSE(contains(r.err, secret));
        // With --json the same error is also the JSON error object on stdout, strictly valid UTF-8.
        std::vector<std::string> json_args = c.args;
        json_args.push_back("--json");
        const auto j = run_tool(json_args, c.env);
        CHECK(j.status == 2);
        CHECK(is_strict_utf8(j.out));
        const auto doc = parse_single_object(j.out);
        CHECK(doc.at("error").at("code") == json::value("usage_error"));
        CHECK_FALSE(contains(j.out, secret));
    }
    CHECK(t.emu.stats().connections_accepted == 0);
}

TEST_CASE("sfconnect-check: --help, --version", "[check][tool]") {
    const auto v = run_tool({"--version"}, {});
    CHECK(v.status == 0);
    CHECK(v.out == "sfconnect-check " + std::string(version_string) + "\n");
    const auto h = run_tool({"--help"}, {});
    CHECK(h.status == 0);
    for (const char* opt :
         {"--site", "--consumer-key", "--consumer-secret-file", "--consumer-secret-stdin", "--ca-file", "--connect-to",
          "--api-version", "--timeout", "--proxy", "--json", "--demo", "--demo-scenario", "Exit status"})
        CHECK(contains(h.out, opt));
}

TEST_CASE("sfconnect-check --demo passes all six steps, without colour off a terminal", "[check][tool][demo]") {
    for (const std::vector<std::string>& env : {std::vector<std::string>{}, std::vector<std::string>{"NO_COLOR=1"},
                                                std::vector<std::string>{"TERM=xterm-256color"}}) {
        const auto r = run_tool({"--demo"}, env);
        CHECK(r.status == 0);
        CHECK(count_of(r.out, "[ OK ]") == 6);
        CHECK_FALSE(contains(r.out, "[FAIL]"));
        CHECK(contains(r.out, "(demo: built-in emulator on 127.0.0.1:"));
        CHECK(contains(r.out, "PASSED"));
        CHECK(r.out.find('\x1b') == std::string::npos);
        CHECK(r.err.empty());
    }
}

TEST_CASE("sfconnect-check --demo-scenario and --demo --json", "[check][tool][demo]") {
    SECTION("a demo scenario fails with its code and the hint") {
        const auto r = run_tool({"--demo", "--demo-scenario", "no-run-as-user"}, {});
        CHECK(r.status == 1);
        CHECK(contains(r.out, "[FAIL] token"));
        CHECK(contains(r.out, "no_run_as_user"));
        CHECK(contains(r.out, "Run As"));
        CHECK(count_of(r.out, "[SKIP]") == 2);
    }
    SECTION("--demo --json") {
        const auto r = run_tool({"--demo", "--json"}, {});
        CHECK(r.status == 0);
        CHECK(parse_single_object(r.out).at("ok") == json::value(true));
    }
}

// ---- second pass (issue 12): sfconnect-check as a new user and a hostile user would use it ------------

namespace {

// Runs the tool with its standard output on `stdout_path` (e.g. /dev/full); returns the exit status.
int run_tool_to(const std::vector<std::string>& args, const std::vector<std::string>& env, const char* stdout_path) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, stdout_path, O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    const pid_t pid = spawn_tool(args, env, fa);
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// stdout is one JSON object, strictly valid UTF-8, in the report's schema.
json::value parse_strict_report(const std::string& out) {
    REQUIRE(is_strict_utf8(out));
    return parse_single_object(out);
}

const std::string wait_test_delay = "SFCONNECT_CHECK_TEST_WAIT_DELAY_MS=20";

}  // namespace

TEST_CASE("sfconnect-check: no option's value is ever echoed", "[check][tool][hygiene]") {
    ToolSetup t;
    // A value shaped like a real secret, given where every option's value goes.
    const std::string secret = t.emu.consumer_secret();
    const std::vector<std::string> site_key{"--site", t.emu.site(), "--consumer-key", t.emu.consumer_key()};
    const auto with = [&](std::vector<std::string> extra, bool base = true) {
        std::vector<std::string> a = base ? site_key : std::vector<std::string>{};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const std::vector<std::vector<std::string>> cases{
        with({"--consumer-secret-file", secret}),
        with({"--consumer-secret-file=" + secret}),
        with({"--ca-file", secret}),
        with({"--connect-to", secret}),
        with({"--connect-to", secret + ":443"}),
        with({"--timeout", secret}),
        with({"--wait", secret}),
        with({"--api-version", secret}),
        with({"--proxy", "http://user:" + secret + "@"}),
        with({"--proxy", secret + "/path"}),
        with({"--demo", "--demo-scenario", secret}, false),
        with({"--" + secret}),
        with({"--" + secret + "=x"}),
        with({secret}),
        {"--site", secret, "--consumer-key", t.emu.consumer_key(), "--connect-to", t.emu.connect_to(), "--ca-file",
         t.ca_file},
        {"--site", t.emu.site(), "--consumer-key", secret, "--connect-to", t.emu.connect_to(), "--ca-file", t.ca_file},
        t.args({"--proxy", secret}),  // a host name: the proxy is named, the secret scrubbed
    };
    for (const auto& c : cases) {
        for (bool json_mode : {false, true}) {
            std::vector<std::string> args = c;
            if (json_mode) args.push_back("--json");
            INFO("case " << (&c - cases.data()) << (json_mode ? " --json" : ""));
            const auto r = run_tool(args, t.env_with_secret(secret));
            CHECK(r.status != 0);
            t.require_no_leak(r, secret);
            if (json_mode) parse_strict_report(r.out);
        }
    }
}

TEST_CASE("sfconnect-check --json: every demo scenario and input error gives strict UTF-8 JSON",
          "[check][tool][json]") {
    ToolSetup t;
    for (Scenario s : sfconnect::testing::all_scenarios()) {
        const std::string name(sfconnect::testing::to_string(s));
        INFO("scenario " << name);
        const auto r = run_tool({"--demo", "--json", "--demo-scenario", name}, {});
        CHECK(r.status == (s == Scenario::healthy ? 0 : 1));
        const auto doc = parse_strict_report(r.out);
        CHECK(doc.at("demo") == json::value(name));
        CHECK(doc.at("version") == json::value(version_string));
    }
    const std::string secret = t.emu.consumer_secret();
    const auto env = t.env_with_secret(secret);
    const std::string big = t.dir.file("big.txt", std::string(70 * 1024, 'A') + "\n");
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> input_errors{
        {t.args({"--frobnicate"}), env},
        {{"--consumer-key", "k"}, env},
        {t.args({"--consumer-secret=" + secret}), {}},
        {t.args({"--timeout", "soon"}), env},
        {t.args({"--wait", "\xff\xfe"}), env},
        {t.args({"--connect-to", "[]:443"}), env},
        {t.args({"--consumer-secret-file", big}), {}},
        {t.args({"--site", "x"}), env},
        {{"--site", "\xff.my.salesforce.com\xc2", "--consumer-key", "k"}, env},
        {{"--site", "https://a:b@acme.my.salesforce.com/?t=\xe9", "--consumer-key", "k"}, env},
        {{"--site", "acme\xe2\x80\xae.my.salesforce.com", "--consumer-key", "k\x9b"}, env},
    };
    for (const auto& [args, e] : input_errors) {
        INFO("input error case " << (&args - &input_errors.front().first));
        std::vector<std::string> json_args = args;
        json_args.push_back("--json");
        const auto r = run_tool(json_args, e);
        CHECK((r.status == 1 || r.status == 2));
        const auto doc = parse_strict_report(r.out);
        CHECK(doc.at("ok") == json::value(false));
        if (r.status == 2) CHECK(doc.at("error").at("code") == json::value("usage_error"));
        CHECK(is_strict_utf8(r.err));
    }
}

TEST_CASE("sfconnect-check: the exit-code table", "[check][tool][usage]") {
    ToolSetup t;
    const std::string secret = t.emu.consumer_secret();
    const auto env = t.env_with_secret(secret);
    const std::string not_pem = t.dir.file("not-a-ca.pem", "hello\n");
    const std::string big = t.dir.file("big.txt", std::string(70 * 1024, 'A') + "\n");
    struct Case {
        std::string what;
        std::vector<std::string> args;
        std::vector<std::string> env;
        int status;
        std::string_view step;  // the failed step for exit 1
        std::string_view stderr_mentions;
    };
    const std::vector<std::string> site_key{"--site", t.emu.site(), "--consumer-key", t.emu.consumer_key()};
    const auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = site_key;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const std::vector<Case> cases{
        {"malformed --proxy", with({"--proxy", "https://proxy:443"}), env, 2, "", "--proxy"},
        {"malformed HTTPS_PROXY",
         with({}),
         {"SFCONNECT_CONSUMER_SECRET=" + secret, "HTTPS_PROXY=http://p:99999"},
         2,
         "",
         "HTTPS_PROXY"},
        // NO_PROXY bypasses a malformed HTTPS_PROXY for this Site: the next problem (no secret) is reported.
        {"malformed HTTPS_PROXY bypassed by NO_PROXY",
         with({}),
         {"HTTPS_PROXY=http://p:99999", "NO_PROXY=" + t.emu.site()},
         2,
         "",
         "no Consumer Secret"},
        {"--connect-to []:443", with({"--connect-to", "[]:443"}), env, 2, "", "--connect-to"},
        {"--connect-to with a tab", with({"--connect-to", "127.0.0.1\t:443"}), env, 2, "", "--connect-to"},
        {"--ca-file a directory", with({"--ca-file", t.dir.path.string()}), env, 2, "", "directory"},
        {"--ca-file not PEM", with({"--ca-file", not_pem}), env, 2, "", "PEM"},
        {"--consumer-secret-file a directory",
         with({"--consumer-secret-file", t.dir.path.string()}),
         {},
         2,
         "",
         "directory"},
        {"secret over 64 KiB", with({"--consumer-secret-file", big}), {}, 2, "", "64 KiB"},
        {"empty key variable",
         {"--site", t.emu.site()},
         {"SFCONNECT_CONSUMER_KEY=", "SFCONNECT_CONSUMER_SECRET=x"},
         2,
         "",
         "Consumer Key"},
        {"empty secret variable", with({}), {"SFCONNECT_CONSUMER_SECRET="}, 2, "", "Consumer Secret"},
        {"bad --wait", with({"--wait", "forever"}), env, 2, "", "--wait"},
        {"malformed key", t.args(), {"SFCONNECT_CONSUMER_SECRET=" + secret + " "}, 1, "site", ""},
        {"option given twice", with({"--site", "login.salesforce.com"}), env, 2, "", "more than once"},
        {"invalid Site", {"--site", "login.salesforce.com", "--consumer-key", "k"}, env, 1, "site", ""},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        const auto r = run_tool(c.args, c.env);
        CHECK(r.status == c.status);
        if (c.status == 2) {
            CHECK(count_of(r.err, "\n") == 1);
            CHECK(contains(r.err, "(see sfconnect-check --help)"));
            CHECK(contains(r.err, c.stderr_mentions));
        } else {
            CHECK(contains(r.out, "FAILED at step \"" + std::string(c.step) + "\""));
        }
        t.require_no_leak(r, secret);
        std::vector<std::string> json_args = c.args;
        json_args.push_back("--json");
        const auto j = run_tool(json_args, c.env);
        CHECK(j.status == c.status);
        const auto doc = parse_strict_report(j.out);
        CHECK(doc.at("error").at("step") == json::value(c.status == 2 ? "usage" : c.step));
        t.require_no_leak(j, secret);
    }
    CHECK(t.emu.stats().connections_accepted == 0);
}

TEST_CASE("sfconnect-check: secret files, '-' for stdin and the world-readable warning", "[check][tool]") {
    ToolSetup t;
    const std::string secret = t.emu.consumer_secret();
    SECTION("--consumer-secret-file - reads standard input") {
        const auto r = run_tool(t.args({"--consumer-secret-file", "-"}), {"NO_COLOR=1"}, secret + "\n");
        CHECK(r.status == 0);
        CHECK(count_of(r.out, "[ OK ]") == 6);
    }
    SECTION("a world-readable secret file is warned about, a private one is not") {
        const std::string path = t.dir.file("secret.txt", secret + "\n");
        ::chmod(path.c_str(), 0644);
        auto r = run_tool(t.args({"--consumer-secret-file", path}), {"NO_COLOR=1"});
        CHECK(r.status == 0);
        CHECK(contains(r.err, "readable by other users"));
        CHECK(contains(r.err, "chmod 600"));
        ::chmod(path.c_str(), 0600);
        r = run_tool(t.args({"--consumer-secret-file", path}), {"NO_COLOR=1"});
        CHECK(r.status == 0);
        CHECK(r.err.empty());
        t.require_no_leak(r, secret);
    }
}

TEST_CASE("sfconnect-check: messages and hints agree and stay readable", "[check][tool][hints]") {
    const auto r = run_tool({"--demo", "--demo-scenario", "token_unavailable"}, {"NO_COLOR=1"});
    CHECK(r.status == 1);
    CHECK(count_of(r.out, "HTTP 503") == 1);      // once, not in the message and again after the server's words
    CHECK_FALSE(contains(r.out, "<html>"));       // the maintenance page's text, not its markup
    CHECK(contains(r.out, "(after 2 retries)"));  // retries that happened are shown
    // The message suspects a proxy or the wrong host; the hint covers that too, not only an outage.
    CHECK(contains(r.out, "proxy"));
    const auto hint_at = r.out.find("How to fix");
    REQUIRE(hint_at != std::string::npos);
    CHECK(contains(r.out.substr(hint_at), "proxy"));
    CHECK(contains(r.out.substr(hint_at), "status.salesforce.com"));
    for (const char* scenario : {"no_run_as_user", "session_not_valid_for_api", "ip_restricted"}) {
        INFO(scenario);
        const auto s = run_tool({"--demo", "--demo-scenario", scenario}, {"NO_COLOR=1"});
        CHECK(contains(s.out, "10 minutes"));
    }
}

TEST_CASE("sfconnect-check: a report that cannot be written exits non-zero", "[check][tool]") {
    CHECK(run_tool_to({"--demo", "--json"}, {}, "/dev/full") == 1);
    CHECK(run_tool_to({"--demo"}, {}, "/dev/full") == 1);
    CHECK(run_tool_to({"--demo", "--json"}, {}, "/dev/null") == 0);
}

TEST_CASE("sfconnect-check: did you mean, --help and scenario names", "[check][tool][usage]") {
    auto r = run_tool({"--client-id", "x"}, {});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "did you mean --consumer-key?"));
    r = run_tool({"--sitte", "x"}, {});
    CHECK(contains(r.err, "did you mean --site?"));
    r = run_tool({"--demo", "--demo-scenario", "no-run-as-usr"}, {});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "did you mean no_run_as_user?"));
    CHECK_FALSE(contains(r.err, "no-run-as-usr"));
    const auto h = run_tool({"--help"}, {});
    for (const char* text : {"--wait", "NO_COLOR", "local failure", "HTTPS_PROXY", "'-': standard input"})
        CHECK(contains(h.out, text));
}

TEST_CASE("sfconnect-check: credentials and control characters in --site reach no output", "[check][tool]") {
    ToolSetup t;
    const auto env = t.env_with_secret(t.emu.consumer_secret());
    for (bool json_mode : {false, true}) {
        std::vector<std::string> args{"--site", "https://admin:Hunter2PW@acme.my.salesforce.com/?token=QueryTok3n",
                                      "--consumer-key", "k"};
        if (json_mode) args.push_back("--json");
        auto r = run_tool(args, env);
        CHECK(r.status == 1);
        CHECK_FALSE(contains(r.out + r.err, "Hunter2PW"));
        CHECK_FALSE(contains(r.out + r.err, "QueryTok3n"));
        args[1] = "acme\xe2\x80\xae\xc2\x9b\x1b[2J.my.salesforce.com";
        r = run_tool(args, env);
        CHECK(r.status == 1);
        if (!json_mode) {
            CHECK_FALSE(contains(r.out, "\xe2\x80\xae"));
            CHECK_FALSE(contains(r.out, "\xc2\x9b"));
            CHECK_FALSE(contains(r.out, "\x1b"));
        }
    }
}

TEST_CASE("sfconnect-check: HTTPS_PROXY does not capture --connect-to, a bad proxy is named", "[check][tool][proxy]") {
    ToolSetup t;
    const std::string secret = t.emu.consumer_secret();
    auto r = run_tool(t.args(),
                      {"SFCONNECT_CONSUMER_SECRET=" + secret, "HTTPS_PROXY=http://127.0.0.1:1", "NO_COLOR=1"});
    CHECK(r.status == 0);
    r = run_tool(t.args({"--json", "--proxy", "http://sfconnect-no-such-proxy.invalid:3128"}),
                 t.env_with_secret(secret));
    CHECK(r.status == 1);
    const auto doc = parse_strict_report(r.out);
    CHECK(doc.at("error").at("code") == json::value("proxy_failed"));
    CHECK(contains(std::string(doc.at("error").at("message").get_string()), "proxy host"));
}

TEST_CASE("sfconnect-check --wait against the emulator", "[check][tool][wait]") {
    SECTION("propagating: passes on attempt 4, one line per attempt, logins counted") {
        const auto r = run_tool({"--demo", "--demo-scenario", "propagating", "--wait", "1m"}, {wait_test_delay});
        CHECK(r.status == 0);
        CHECK(count_of(r.out, "Attempt ") == 4);
        CHECK(count_of(r.out, "invalid_client_id at step \"token\"; trying again in") == 3);
        CHECK(contains(r.out, "trying again in 20 ms"));
        CHECK(contains(r.out, "trying again in 40 ms"));
        CHECK(contains(r.out, "4 attempts, 4 logins spent"));
        CHECK(contains(r.out, "PASSED"));
    }
    SECTION("propagating --json: the attempts array") {
        const auto r = run_tool({"--demo", "--json", "--demo-scenario", "propagating", "--wait", "1m"},
                                {wait_test_delay});
        CHECK(r.status == 0);
        const auto doc = parse_strict_report(r.out);
        REQUIRE(doc.at("attempts").get_array().size() == 4);
        CHECK(doc.at("logins") == json::value(4));
        CHECK(doc.at("attempts").at(0).at("code") == json::value("invalid_client_id"));
        CHECK(doc.at("attempts").at(3).at("code").is_null());
    }
    SECTION("an error waiting cannot fix stops at once") {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = run_tool({"--demo", "--json", "--demo-scenario", "wrong_domain", "--wait", "10m"}, {});
        CHECK(std::chrono::steady_clock::now() - t0 < 20s);
        CHECK(r.status == 1);
        const auto doc = parse_strict_report(r.out);
        CHECK(doc.at("attempts").get_array().size() == 1);
        CHECK(doc.at("error").at("code") == json::value("unsupported_domain"));
    }
    SECTION("without --wait, one attempt") {
        const auto r = run_tool({"--demo", "--json", "--demo-scenario", "propagating"}, {});
        CHECK(r.status == 1);
        CHECK(parse_strict_report(r.out).at("attempts").get_array().size() == 1);
    }
}

TEST_CASE("sfconnect-check: the hidden prompt restores the terminal on SIGINT and SIGTERM", "[check][tool][pty]") {
    ToolSetup t;
    for (int sig : {SIGINT, SIGTERM}) {
        INFO("signal " << sig);
        int master = -1;
        std::vector<std::string> argv_s{SFCONNECT_CHECK_EXE};
        for (const auto& a : t.args({"--consumer-secret-stdin"})) argv_s.push_back(a);
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
        REQUIRE(pid >= 0);
        if (pid == 0) {
            char no_colour[] = "NO_COLOR=1";
            char* envp[] = {no_colour, nullptr};
            execve(SFCONNECT_CHECK_EXE, argv.data(), envp);
            _exit(127);
        }
        // Wait for the prompt.
        std::string seen;
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (!contains(seen, "Consumer Secret") && std::chrono::steady_clock::now() < deadline) {
            pollfd p{master, POLLIN, 0};
            if (poll(&p, 1, 1000) > 0) {
                char buf[256];
                const ssize_t n = read(master, buf, sizeof buf);
                if (n <= 0) break;
                seen.append(buf, static_cast<std::size_t>(n));
            }
        }
        REQUIRE(contains(seen, "Consumer Secret"));
        termios during{};
        REQUIRE(tcgetattr(master, &during) == 0);
        CHECK((during.c_lflag & ECHO) == 0);  // the secret is not echoed
        REQUIRE(kill(pid, sig) == 0);
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == sig);
        termios after{};
        REQUIRE(tcgetattr(master, &after) == 0);
        CHECK((after.c_lflag & ECHO) != 0);  // echo is back for the shell
        close(master);
    }
}
#endif

// ---- the JWT bearer flow ----------------------------------------------------------------------------------

TEST_CASE("check: the JWT bearer flow passes every step, its failures have their ids", "[check][jwt]") {
    const auto pair = sfconnect::testing::make_jwt_signing_pair();
    sfconnect::testing::EmulatorOptions o;
    o.jwt_certificate_pem = pair.certificate_pem;
    Emulator emu(o);
    emu.start();
    CheckInput in;
    in.site = emu.site();
    in.consumer_key = emu.consumer_key();
    in.flow = "jwt_bearer";
    in.username = emu.options().username;
    in.private_key_pem = Secret(pair.private_key_pem);
    auto [ec, r] = run_check(in, check_options_for(emu));
    CHECK_FALSE(ec);
    CHECK(r.ok);
    CHECK(r.flow == "jwt_bearer");
    REQUIRE(r.token);
    CHECK_FALSE(r.token->signature_verified);
    const auto doc = json::parse(r.to_json());
    require_schema(doc);
    CHECK(doc.at("flow") == json::value("jwt_bearer"));

    in.username = "someone.else@demo.sfconnect.example";
    auto [uec, ur] = run_check(in, check_options_for(emu));
    CHECK(error_id(uec) == "unknown_user");
    require_failed_at(ur, "token");

    in.username = "not-an-email";
    auto [vec, vr] = run_check(in, check_options_for(emu));
    CHECK(error_id(vec) == "invalid_credentials");
    require_failed_at(vr, "site");
    CHECK(contains(vr.error->message, "name@company.com"));

    in.username = emu.options().username;
    in.private_key_pem = Secret(pair.certificate_pem);
    auto [kec, kr] = run_check(in, check_options_for(emu));
    CHECK(error_id(kec) == "invalid_credentials");
    CHECK(contains(kr.error->message, "is a certificate"));
    const std::string j = kr.to_json();
    const std::string& pem = pair.private_key_pem;
    CHECK_FALSE(contains(j, pem.substr(pem.find('\n') + 1, 32)));
}

TEST_CASE("sfconnect-check --demo --flow jwt: passes, and each JWT scenario gives its id", "[check][tool][jwt]") {
    const auto ok = run_tool({"--demo", "--flow", "jwt", "--json"}, {});
    CHECK(ok.status == 0);
    const auto doc = parse_single_object(ok.out);
    CHECK(doc.at("flow") == json::value("jwt_bearer"));
    CHECK(doc.at("ok") == json::value(true));
    const std::pair<std::string, std::string> cases[] = {{"invalid_assertion", "invalid_assertion"},
                                                         {"invalid_audience", "invalid_audience"},
                                                         {"user_not_approved", "user_not_approved"},
                                                         {"unknown_user", "unknown_user"},
                                                         {"assertion_expired", "assertion_expired"}};
    for (const auto& [scenario, code] : cases) {
        INFO(scenario);
        const auto r = run_tool({"--demo", "--flow", "jwt", "--json", "--demo-scenario", scenario}, {});
        CHECK(r.status == 1);
        const auto d = parse_single_object(r.out);
        CHECK(d.at("error").at("code") == json::value(code));
        CHECK(d.at("error").at("step") == json::value("token"));
    }
    const auto wrong_aud =
        run_tool({"--demo", "--flow", "jwt", "--json", "--audience", "https://demo.my.salesforce.com"}, {});
    CHECK(wrong_aud.status == 1);
    CHECK(parse_single_object(wrong_aud.out).at("error").at("code") == json::value("invalid_audience"));
    const auto cc = run_tool({"--demo", "--json"}, {});
    CHECK(parse_single_object(cc.out).at("flow") == json::value("client_credentials"));
}

TEST_CASE("sfconnect-check --flow jwt: key file and env, never key material on argv", "[check][tool][jwt]") {
    const auto pair = sfconnect::testing::make_jwt_signing_pair();
    sfconnect::testing::EmulatorOptions o;
    o.jwt_certificate_pem = pair.certificate_pem;
    Emulator emu(o);
    emu.start();
    ScratchDir dir;
    const std::string ca = (dir.path / "ca.pem").string();
    emu.write_ca_pem(ca);
    const std::string key_file = dir.file("server.key", pair.private_key_pem);
    const std::vector<std::string> base{"--site",    emu.site(), "--consumer-key", emu.consumer_key(),
                                        "--ca-file", ca,         "--connect-to",   emu.connect_to(),
                                        "--flow",    "jwt",      "--username",     emu.options().username,
                                        "--json"};
    auto with_key = base;
    with_key.insert(with_key.end(), {"--private-key-file", key_file});
    const auto r = run_tool(with_key, {"NO_COLOR=1"});
    CHECK(r.status == 0);
    CHECK(parse_single_object(r.out).at("flow") == json::value("jwt_bearer"));
    const auto from_env = run_tool(base, {"NO_COLOR=1", "SFCONNECT_PRIVATE_KEY_FILE=" + key_file});
    CHECK(from_env.status == 0);
    const std::string marker = pair.private_key_pem.substr(pair.private_key_pem.find('\n') + 1, 32);
    for (const auto* res : {&r, &from_env}) {
        CHECK_FALSE(contains(res->out, marker));
        CHECK_FALSE(contains(res->err, marker));
    }
    auto on_argv = base;
    on_argv.push_back("--private-key=" + marker);
    const auto refused = run_tool(on_argv, {"NO_COLOR=1"});
    CHECK(refused.status == 2);
    CHECK_FALSE(contains(refused.out + refused.err, marker));
    const auto missing = run_tool(base, {"NO_COLOR=1"});
    CHECK(missing.status == 2);
    const auto no_flow = run_tool({"--demo", "--username", "a@b.co"}, {});
    CHECK(no_flow.status == 2);
    const auto bad_flow = run_tool({"--demo", "--flow", "password"}, {});
    CHECK(bad_flow.status == 2);
}

}  // namespace check_test
