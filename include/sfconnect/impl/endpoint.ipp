// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_ENDPOINT_IPP
#define SFCONNECT_IMPL_ENDPOINT_IPP

#include <sfconnect/endpoint.hpp>
#include <sfconnect/detail/percent_encode.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <boost/system/errc.hpp>

#include <stdexcept>
#include <string>

namespace sfconnect {

namespace detail {

SFCONNECT_DECL Target make_target(Method m, std::span<const std::string_view> literals,
                                  std::span<const std::string_view> names, std::span<const std::string_view> values) {
    std::size_t size = 0;
    for (std::string_view l : literals) size += l.size();
    for (std::size_t i = 0; i < values.size(); ++i) {
        // An empty value would collapse into "//" or a trailing "/" and address another resource.
        if (values[i].empty()) throw std::invalid_argument("value for {" + std::string(names[i]) + "} is empty");
        // Encoded or not, "." and ".." are dot-segments to servers that decode before normalising
        // (RFC 3986 §6.2.2.2 decodes %2E): "/sobjects/%2E%2E/x" would address "/x".
        if (values[i] == "." || values[i] == "..")
            throw std::invalid_argument("value for {" + std::string(names[i]) + "} is '" + std::string(values[i]) +
                                        "', a dot-segment");
        size += values[i].size();
    }
    std::string path;
    path.reserve(size + size / 2);
    path += literals[0];
    for (std::size_t i = 0; i < values.size(); ++i) {
        append_percent_encoded_segment(path, values[i]);
        path += literals[i + 1];
    }
    return TargetAccess::make(m, std::move(path));
}

// Why a run-time path is rejected, or nullptr when it is acceptable.
inline const char* runtime_path_problem(std::string_view path) noexcept {
    if (path.empty()) return "is empty; expected a path that starts with /services/";
    if (path.starts_with("http:") || path.starts_with("https:") || path.starts_with("//"))
        return "must be server-relative: remove the scheme and host and start with /services/";
    if (!path.starts_with("/services/")) return "must start with /services/";

    const std::size_t query = path.find('?');
    const std::string_view path_part = path.substr(0, query);
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto byte = static_cast<unsigned char>(path[i]);
        const bool in_query = query != std::string_view::npos && i > query;
        if (byte == '\r' || byte == '\n') return "contains CR or LF";
        if (byte < 0x20 || byte == 0x7F) return "contains a control character";
        if (byte == ' ') return "contains a space (percent-encode it as %20)";
        if (byte >= 0x80) return "contains a non-ASCII byte (percent-encode it)";
        if (byte == '#') return "contains '#' (a fragment is never sent to the server)";
        if (byte == '\\') return "contains a backslash";
        if (byte == '%') {
            if (!is_pct_encoded_at(path, i)) return "contains '%' not followed by two hex digits";
            i += 2;
            continue;
        }
        const char c = path[i];
        const bool allowed = is_pchar(c) || c == '/' || (in_query && c == '?') || i == query;
        if (!allowed) return "contains a character that must be percent-encoded";
    }
    if (path_part.find("..") != std::string_view::npos) return "contains \"..\" in its path";
    for (std::size_t start = 1; start <= path_part.size();) {
        std::size_t end = path_part.find('/', start);
        if (end == std::string_view::npos) end = path_part.size();
        const std::string_view segment = path_part.substr(start, end - start);
        if (segment.empty() && end < path_part.size()) return "contains an empty path segment (\"//\")";
        if (is_dot_segment(segment)) return "contains a \".\" or \"..\" segment";
        start = end + 1;
    }
    // Also with %2E decoded: "%2E%2E%2F" is "../" to servers that decode before normalising.
    bool after_dot = false;
    for (std::size_t i = 0; i < path_part.size(); ++i) {
        const bool pct_dot = path_part[i] == '%' && i + 2 < path_part.size() && path_part[i + 1] == '2' &&
                             (path_part[i + 2] == 'E' || path_part[i + 2] == 'e');
        const bool dot = pct_dot || path_part[i] == '.';
        if (dot && after_dot) return "contains \"..\" in its path (as %2E%2E, .%2E or %2E.)";
        after_dot = dot;
        if (pct_dot) i += 2;
    }
    return nullptr;
}

}  // namespace detail

SFCONNECT_DECL Target Target::with_query(std::string_view name, std::string_view value) const {
    if (name.empty()) throw std::invalid_argument("query parameter name is empty");
    std::string path = path_;
    path.reserve(path.size() + 2 + (name.size() + value.size()) * 3);
    path += path.find('?') == std::string::npos ? '?' : '&';
    detail::append_percent_encoded_component(path, name);
    path += '=';
    detail::append_percent_encoded_component(path, value);
    return Target(method_, std::move(path));
}

SFCONNECT_DECL boost::system::result<Target> runtime_target(Method m, std::string_view path, Diagnostics& diag) {
    if (const char* problem = detail::runtime_path_problem(path)) {
        diag = Diagnostics{};
        diag.message = "run-time path " + detail::quoted(path, 120, '"') + " " + problem;
        diag.hint = "Pass a server-relative path such as the nextRecordsUrl a query returns "
                    "(\"/services/data/v64.0/query/01g...-2000\"); sfconnect adds the https://<My Domain> part. "
                    "For paths built from values, use an Endpoint: bind() percent-encodes each value.";
        return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    }
    return detail::TargetAccess::make(m, std::string(path));
}

SFCONNECT_DECL boost::system::result<Target> runtime_target(Method m, std::string_view path) {
    Diagnostics ignored;
    return runtime_target(m, path, ignored);
}

}  // namespace sfconnect

#endif
