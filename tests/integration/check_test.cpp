// Save & Check: async_check against the in-process emulator, and sfconnect-check as a child process.
#include <sfconnect/check.hpp>
#include <sfconnect/testing/emulator.hpp>

#include "catch.hpp"
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
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#endif

namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;
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
    REQUIRE(keys_of(o) == std::set<std::string>{"ok", "site", "steps", "error", "token", "api", "identity"});
    REQUIRE(o.at("ok").is_bool());
    REQUIRE(o.at("site").is_string());
    REQUIRE(o.at("steps").is_array());
    const auto& steps = o.at("steps").get_array();
    REQUIRE(steps.size() == 6);
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

TEST_CASE("check: unusable TLS settings fail at tls without connecting", "[check][tls]") {
    Emulator emu;
    emu.start();
    auto o = check_options_for(emu);
    o.ca_file = "/nonexistent/sfconnect-check-test-ca.pem";
    auto [ec, r] = run_check(input_for(emu), o);
    CHECK(ec == errc::tls_failed);
    REQUIRE(r.error);
    CHECK(r.error->step == "tls");
    CHECK_FALSE(r.steps[1].ran);
    CHECK(r.steps[2].ran);
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
    r.error = CheckFailure{"connect", errc::dns_failed, "could not resolve", "Check the Site", std::nullopt,
                           std::nullopt, std::nullopt};
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

// ---- (b) sfconnect-check as a child process ---------------------------------------------------------------

#ifdef SFCONNECT_CHECK_EXE
namespace {

struct ToolResult {
    int status = -1;  // exit status, or -1 when it did not exit normally
    std::string out;
    std::string err;
};

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
    std::vector<std::string> argv_s{SFCONNECT_CHECK_EXE};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = env;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, SFCONNECT_CHECK_EXE, &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    REQUIRE(rc == 0);

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
        std::vector<std::string> a{"--site", emu.site(), "--consumer-key", emu.consumer_key(), "--ca-file", ca_file,
                                   "--connect-to", emu.connect_to(), "--timeout", "10"};
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
    }
    CHECK(t.emu.stats().connections_accepted == 0);
}

TEST_CASE("sfconnect-check: --help, --version", "[check][tool]") {
    const auto v = run_tool({"--version"}, {});
    CHECK(v.status == 0);
    CHECK(v.out == "sfconnect-check " + std::string(version_string) + "\n");
    const auto h = run_tool({"--help"}, {});
    CHECK(h.status == 0);
    for (const char* opt : {"--site", "--consumer-key", "--consumer-secret-file", "--consumer-secret-stdin", "--ca-file",
                            "--connect-to", "--api-version", "--timeout", "--proxy", "--json", "--demo",
                            "--demo-scenario", "Exit status"})
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
#endif
