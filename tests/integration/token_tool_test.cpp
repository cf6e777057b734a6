// sfconnect-token as a child process against the emulator: output, exit codes, errors, and a fleet
// of processes started at once sharing a token store (exactly one login).
#include <sfconnect/testing/emulator.hpp>

#include "catch.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

#ifdef SFCONNECT_TOKEN_EXE
#include <boost/json/parse.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace token_tool_test {

using sfconnect::testing::Emulator;

namespace {

constexpr const char* store_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

struct run_result {
    int status = -1;
    std::string out, err;
};

// Starts sfconnect-token with `args` and exactly `env`; stdout and stderr go to files under `dir`
// named after `tag`. Returns the pid.
pid_t start_tool(const std::vector<std::string>& args, const std::vector<std::string>& env,
                 const std::filesystem::path& dir, const std::string& tag) {
    const std::string out = (dir / (tag + ".out")).string(), err = (dir / (tag + ".err")).string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const pid_t pid = sfconnect::test::spawn_program(SFCONNECT_TOKEN_EXE, args, env, fa);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

run_result finish_tool(pid_t pid, const std::filesystem::path& dir, const std::string& tag) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    run_result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(dir / (tag + ".out"));
    r.err = read_file(dir / (tag + ".err"));
    return r;
}

struct tool_env {
    Emulator emu;
    sfconnect::test::TempDir work{"sfc-token"};
    std::filesystem::path store_dir;
    std::string ca;

    tool_env() {
        emu.start();
        ca = (work.path / "ca.pem").string();
        emu.write_ca_pem(ca);
        store_dir = work.path / "store";
    }

    std::vector<std::string> args(std::vector<std::string> extra = {}) const {
        std::vector<std::string> a{"--site", emu.site(),     "--consumer-key", emu.consumer_key(), "--ca-file",
                                   ca,       "--connect-to", emu.connect_to(), "--proxy",          ""};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    std::vector<std::string> env(bool with_key = true) const {
        std::vector<std::string> e{"SFCONNECT_CONSUMER_SECRET=" + emu.consumer_secret()};
        if (with_key) e.push_back(std::string("SFCONNECT_STORE_KEY=") + store_key);
        return e;
    }
    run_result run(std::vector<std::string> extra = {}, std::vector<std::string> env_override = {}, bool key = true) {
        static int n = 0;
        const std::string tag = "run" + std::to_string(++n);
        auto e = env(key);
        for (const auto& o : env_override) {  // an override replaces the variable of the same name
            const auto name = o.substr(0, o.find('=') + 1);
            e.erase(std::remove_if(e.begin(), e.end(), [&](const std::string& v) { return v.rfind(name, 0) == 0; }),
                    e.end());
            e.push_back(o);
        }
        return finish_tool(start_tool(args(std::move(extra)), e, work.path, tag), work.path, tag);
    }
    std::string file_store() const { return "file:" + store_dir.string(); }
};

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// N processes started at once against one emulator, sharing the store at `url`: exactly one login.
void fleet_makes_one_login(tool_env& t, const std::string& url, int processes) {
    std::vector<pid_t> pids;
    for (int i = 0; i < processes; ++i)
        pids.push_back(start_tool(t.args({"--store", url}), t.env(), t.work.path, "fleet" + std::to_string(i)));
    std::vector<run_result> results;
    for (int i = 0; i < processes; ++i)
        results.push_back(finish_tool(pids[static_cast<std::size_t>(i)], t.work.path, "fleet" + std::to_string(i)));
    for (const auto& r : results) {
        INFO(r.err);
        CHECK(r.status == 0);
        CHECK(r.out == results[0].out);
        CHECK_FALSE(r.out.empty());
    }
    CHECK(t.emu.stats().token_requests == 1);
}

}  // namespace

TEST_CASE("sfconnect-token prints the token alone, or JSON with its source", "[tool][store]") {
    tool_env t;
    auto r = t.run();
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto issued = t.emu.issued_tokens();
    REQUIRE(issued.size() == 1);
    CHECK(r.out == issued[0] + "\n");
    CHECK(r.err.empty());

    auto j = t.run({"--json", "--store", t.file_store()});
    REQUIRE(j.status == 0);
    auto doc = boost::json::parse(j.out).as_object();
    CHECK(doc.at("source").as_string() == "fetched");
    CHECK(doc.at("instance_url").as_string() == t.emu.instance_url());
    CHECK(doc.contains("issued_at"));
    CHECK(doc.contains("access_token"));

    auto again = t.run({"--json", "--store", t.file_store()});
    REQUIRE(again.status == 0);
    auto doc2 = boost::json::parse(again.out).as_object();
    CHECK(doc2.at("source").as_string() == "store");
    CHECK(doc2.at("access_token") == doc.at("access_token"));
    CHECK(t.emu.stats().token_requests == 2);  // the first run (memory:) and the first file run

    // the files hold neither the token nor the secret in clear
    std::string disk;
    for (const auto& e : std::filesystem::directory_iterator(t.store_dir)) disk += read_file(e.path());
    for (const auto& tok : t.emu.issued_tokens()) CHECK_FALSE(contains(disk, tok));
    CHECK_FALSE(contains(disk, t.emu.consumer_secret()));
}

TEST_CASE("sfconnect-token: 16 processes started at once with a file store log in once", "[tool][store][fleet]") {
    tool_env t;
    // Parametrised by the store URL: a Redis row runs the same check against redis://.
    fleet_makes_one_login(t, t.file_store(), 16);
}

TEST_CASE("sfconnect-token: the store is chosen by SFCONNECT_TOKEN_STORE too", "[tool][store]") {
    tool_env t;
    REQUIRE(t.run({}, {"SFCONNECT_TOKEN_STORE=" + t.file_store()}).status == 0);
    auto r = t.run({"--json"}, {"SFCONNECT_TOKEN_STORE=" + t.file_store()});
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "\"source\":\"store\""));
}

TEST_CASE("sfconnect-token: store problems are a refetch or a clear error, never a crash", "[tool][store]") {
    tool_env t;
    REQUIRE(t.run({"--store", t.file_store()}).status == 0);

    SECTION("a tampered entry is ignored and refetched") {
        for (const auto& e : std::filesystem::directory_iterator(t.store_dir)) {
            if (e.path().filename().string().rfind("token-", 0) != 0) continue;
            std::string text = read_file(e.path());
            text[text.size() - 2] = text[text.size() - 2] == '0' ? '1' : '0';
            std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << text;
        }
        auto r = t.run({"--json", "--store", t.file_store()});
        REQUIRE(r.status == 0);
        CHECK(contains(r.out, "\"source\":\"fetched\""));
        CHECK(t.emu.stats().token_requests == 2);
    }
    SECTION("a rotated key ignores the old entry") {
        auto r = t.run({"--json", "--store", t.file_store()},
                       {"SFCONNECT_STORE_KEY=ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"}, false);
        REQUIRE(r.status == 0);
        CHECK(contains(r.out, "\"source\":\"fetched\""));
    }
    SECTION("a wrong key is a usage error that never shows the key") {
        auto r = t.run({"--store", t.file_store()}, {"SFCONNECT_STORE_KEY=0123abcd-not-a-key"}, false);
        CHECK(r.status == 2);
        CHECK(contains(r.err, "64 hex digits"));
        CHECK_FALSE(contains(r.err, "0123abcd"));
        CHECK(r.out.empty());
    }
    SECTION("no key") {
        auto r = t.run({"--store", t.file_store()}, {}, false);
        CHECK(r.status == 2);
        CHECK(contains(r.err, "needs a store key"));
    }
    SECTION("a key on the command line is refused without echoing it") {
        auto r = t.run({"--store", t.file_store(), "--store-key", store_key});
        CHECK(r.status == 2);
        CHECK_FALSE(contains(r.err, store_key));
    }
    SECTION("an unusable directory: the tool logs in without the store and says so") {
        std::filesystem::permissions(t.store_dir,
                                     std::filesystem::perms::owner_all | std::filesystem::perms::others_write);
        auto r = t.run({"--store", t.file_store()});
        CHECK(r.status == 0);
        CHECK(contains(r.err, "writable by every user"));
        CHECK(t.emu.stats().token_requests == 2);
    }
    SECTION("an unknown store URL is a usage error") {
        auto r = t.run({"--store", "ftp://example.com"});
        CHECK(r.status == 2);
        CHECK(contains(r.err, "file:DIR"));
    }
}

TEST_CASE("sfconnect-token: errors carry sfconnect-check's ids and hints, exit 1; usage errors exit 2",
          "[tool][store]") {
    tool_env t;
    auto wrong = t.run({}, {"SFCONNECT_CONSUMER_SECRET=wrong-secret-value"});
    CHECK(wrong.status == 1);
    CHECK(wrong.out.empty());
    CHECK(contains(wrong.err, "invalid_client_secret"));
    CHECK(contains(wrong.err, "How to fix"));
    CHECK_FALSE(contains(wrong.err, "wrong-secret-value"));

    auto usage = t.run({"--no-such-option"});
    CHECK(usage.status == 2);
    auto secret_argv = t.run({"--consumer-secret", "abc"});
    CHECK(secret_argv.status == 2);
    CHECK(contains(secret_argv.err, "never accepted on the command line"));
}

#endif

}  // namespace token_tool_test
