// Starting a tool under test as a child process: exactly the given arguments and environment
// (nothing inherited), with the caller's file actions (pipes or files for its standard streams).
#pragma once

#include "catch.hpp"

#include <spawn.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace sfconnect::test {

inline pid_t spawn_program(const char* exe, const std::vector<std::string>& args, const std::vector<std::string>& env,
                           const posix_spawn_file_actions_t& fa) {
    std::vector<std::string> argv_s{exe};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = env;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, exe, &fa, nullptr, argv.data(), envp.data()) == 0);
    return pid;
}

}  // namespace sfconnect::test
