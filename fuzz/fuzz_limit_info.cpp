// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: parse_limit_info on an arbitrary Sforce-Limit-Info header value.
#include <sfconnect/limit_info.hpp>

#include "fuzz_support.hpp"

#include <string>

using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

std::string usage_text(std::uint64_t used, std::uint64_t max) {
    return std::to_string(used) + "/" + std::to_string(max);
}

void check_usage(const ApiUsage& u, std::string_view header) {
    check(u.remaining() <= u.max, "remaining() exceeds max");
    check(u.remaining() == (u.used < u.max ? u.max - u.used : 0), "remaining() is not max - used");
    // Both numbers come from the header's digits (leading zeros aside).
    check(fuzz::contains(header, std::to_string(u.used).substr(std::to_string(u.used).size() - 1)),
          "a number that is not in the header", header);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view header(reinterpret_cast<const char*>(data), size);
    const auto info = parse_limit_info(header);
    if (!info) return 0;
    check(info->api_usage || info->api_bursts || info->per_app_api_usage, "an empty LimitInfo instead of nullopt",
          header);
    if (info->api_usage) check_usage(*info->api_usage, header);
    if (info->api_bursts) check_usage(*info->api_bursts, header);
    if (const auto& app = info->per_app_api_usage) {
        check_usage(ApiUsage{app->used, app->max}, header);
        check(fuzz::contains(header, app->app_name), "an appName that is not in the header", app->app_name);
        if (!app->app_name.empty()) {
            const char f = app->app_name.front(), b = app->app_name.back();
            check(f != ' ' && f != '\t' && b != ' ' && b != '\t', "appName is not trimmed", app->app_name);
        }
    }
    // Writing what was read and parsing it again gives the same values (appNames with parentheses,
    // separators or '=' cannot be written back unambiguously, so those are left out).
    std::string again;
    if (info->api_usage) again += "api-usage=" + usage_text(info->api_usage->used, info->api_usage->max) + "; ";
    if (info->api_bursts) again += "api-bursts=" + usage_text(info->api_bursts->used, info->api_bursts->max) + "; ";
    bool writable_app = false;
    if (const auto& app = info->per_app_api_usage) {
        writable_app = app->app_name.find_first_of("();,") == std::string::npos;
        if (writable_app) {
            again += "per-app-api-usage=" + usage_text(app->used, app->max);
            if (!app->app_name.empty()) again += "(appName=" + app->app_name + ")";
        }
    }
    const auto reparsed = parse_limit_info(again);
    if (!info->api_usage && !info->api_bursts && !writable_app) return 0;
    check(reparsed.has_value(), "what was read does not parse again", again);
    check(reparsed->api_usage == info->api_usage && reparsed->api_bursts == info->api_bursts,
          "api-usage / api-bursts change on a round trip", again);
    if (writable_app) check(reparsed->per_app_api_usage == info->per_app_api_usage, "per-app usage changes", again);
    return 0;
}
