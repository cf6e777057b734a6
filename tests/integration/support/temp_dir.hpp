// A private temporary directory (mkdtemp, mode 0700), removed with everything in it at the end.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace sfconnect::test {

struct TempDir {
    std::filesystem::path path;

    explicit TempDir(const char* prefix = "sfconnect-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        // Tests make directories unreadable or world-writable on purpose: give them back first.
        std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
        for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec))
            std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all, ec);
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

}  // namespace sfconnect::test
