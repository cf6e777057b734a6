// sfconnect-token as a child process against the emulator (the tool tests, and the Redis rows of the
// fleet run in tests/redis/): start it with exact arguments and environment, collect its exit status
// and output, and run a fleet of processes sharing one token store. Needs SFCONNECT_TOKEN_EXE.
#pragma once

#include <sfconnect/testing/emulator.hpp>

#include "catch.hpp"
#include "child_process.hpp"
#include "temp_dir.hpp"

#ifdef SFCONNECT_TOKEN_EXE
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

namespace sfconnect::test {

using testing::Emulator;

inline constexpr const char* store_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

inline std::string read_file(const std::filesystem::path& p) {
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
inline pid_t start_tool(const std::vector<std::string>& args, const std::vector<std::string>& env,
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

inline run_result finish_tool(pid_t pid, const std::filesystem::path& dir, const std::string& tag) {
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

inline bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

// N processes started at once against one emulator, sharing the store at `url`: exactly one login.
inline void fleet_makes_one_login(tool_env& t, const std::string& url, int processes) {
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

}  // namespace sfconnect::test

#endif
