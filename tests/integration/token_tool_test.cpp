// sfconnect-token as a child process against the emulator: output, exit codes, errors, and a fleet
// of processes started at once sharing a token store (exactly one login).
#include "support/token_tool.hpp"

#include <sfconnect/testing/emulator.hpp>

#include "catch.hpp"

#ifdef SFCONNECT_TOKEN_EXE
#include <boost/json/parse.hpp>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace token_tool_test {

using namespace sfconnect::test;

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

TEST_CASE("sfconnect-token: errors carry sfconnect-check's ids and hints, exit 1, usage errors exit 2",
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

}  // namespace token_tool_test

#endif
