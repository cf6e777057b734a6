// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: binding arbitrary values into compile-time endpoints (Endpoint::bind,
// Target::with_query), ApiVersion::parse, and runtime_target on arbitrary paths. The produced
// target must stay inside the template's path: the literal prefix, the same segments, no dot
// segment, no CR/LF, no '?' or '#' smuggled in by a value.
#include <sfconnect/endpoints.hpp>

#include "fuzz_support.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Percent-decodes; returns false for a '%' without two hex digits.
bool decode(std::string_view s, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return false;
        out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
        i += 2;
    }
    return true;
}

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    for (std::size_t start = 1; start <= path.size();) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool is_dot_segment_decoded(std::string_view raw) {
    std::string d;
    return decode(raw, d) && (d == "." || d == "..");
}

// The checks every bound target passes, whatever the values.
template <class E>
void check_bound(const E& endpoint, const Target& t, std::span<const std::string_view> values) {
    const std::string& p = t.path();
    check(t.method() == E::method, "bind changed the method");
    check(p.starts_with(E::literal_pieces.front()), "the target leaves the literal prefix", p);
    check(p.ends_with(E::literal_pieces.back()), "the target does not end with the literal suffix", p);
    for (char c : p) {
        const auto b = static_cast<unsigned char>(c);
        check(b > 0x20 && b < 0x7f, "a control, space or non-ASCII byte in a bound target", p);
        check(c != '?' && c != '#', "a value smuggled a query or fragment into the path", p);
        check(c != '\\', "a backslash in a bound target", p);
    }
    std::string decoded;
    check(decode(p, decoded), "a '%' without two hex digits in a bound target", p);
    // Exactly the template's segments: a value never adds one (no raw '/').
    const auto segs = segments(p);
    const auto tmpl = segments(E::path_template);
    check(segs.size() == tmpl.size(), "a value added or removed a path segment", p);
    for (std::size_t i = 0; i < segs.size(); ++i) {
        check(!is_dot_segment_decoded(segs[i]), "a value produced a '.' or '..' segment (also when decoded)", p);
        check(!segs[i].empty() || i + 1 == segs.size(), "a value produced an empty segment", p);
        // ".." only inside a segment that also has other characters ("a..b"), never as a segment.
        if (segs[i].find("..") != std::string_view::npos)
            check(segs[i].find_first_not_of('.') != std::string_view::npos, "a '..' segment", p);
    }
    // Segments that are a whole placeholder decode back to exactly the value.
    std::size_t v = 0;
    for (std::size_t i = 0; i < tmpl.size() && v < values.size(); ++i) {
        if (tmpl[i].find('{') == std::string_view::npos) continue;
        if (tmpl[i].front() == '{' && tmpl[i].back() == '}' && tmpl[i].find('}') == tmpl[i].size() - 1) {
            check(decode(segs[i], decoded) && decoded == values[v], "a value does not round-trip", p);
        }
        v += static_cast<std::size_t>(std::count(tmpl[i].begin(), tmpl[i].end(), '{'));
    }
    (void)endpoint;
}

template <class E, class... Values>
void bind_and_check(const E& endpoint, const Values&... values) {
    const std::array<std::string_view, sizeof...(Values)> texts{detail::value_text(values)...};
    bool any_empty = false;  // empty, "." or "..": bind must refuse them
    for (auto t : texts) any_empty = any_empty || t.empty() || t == "." || t == "..";
    try {
        const Target t = endpoint.bind(values...);
        check(!any_empty, "an empty, '.' or '..' value was accepted");
        check_bound(endpoint, t, texts);
    } catch (const std::invalid_argument& e) {
        check(any_empty, "bind threw for an acceptable value", e.what());
    }
}

// A custom template with two placeholders in one segment and literal text around them.
inline constexpr Endpoint<"/services/apexrest/v{version}/x-{a}_{b}/tail", Method::patch> composite{};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::string version_text = in.ConsumeRandomLengthString(16);
    const std::string a = in.ConsumeRandomLengthString(256);
    const std::string b = in.ConsumeRandomLengthString(256);
    const std::string c = in.ConsumeRandomLengthString(256);
    const std::string path = in.ConsumeRemainingBytesAsString();

    // ApiVersion::parse: canonical "NN.0" or an error naming the value.
    Diagnostics vd;
    auto version = ApiVersion::parse(version_text, vd);
    if (version) {
        const std::string_view s = version->str();
        check(s.size() == 4 && s[0] >= '1' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s.substr(2) == ".0",
              "ApiVersion::parse accepted a non-canonical version", s);
    } else {
        check(version.error() == boost::system::errc::invalid_argument, "ApiVersion::parse: unexpected error");
        fuzz::check_printable(vd.message, "an ApiVersion message contains control characters");
    }
    const ApiVersion v = version ? *version : ApiVersion("64.0");

    bind_and_check(endpoints::sobject, v, std::string_view(a), std::string_view(b));
    bind_and_check(endpoints::sobject_describe, v, std::string_view(a));
    bind_and_check(endpoints::sobject_delete, v, std::string_view(b), std::string_view(c));
    bind_and_check(composite, v, std::string_view(a), std::string_view(b));
    {
        using namespace sfconnect::literals;
        try {
            const Target named = endpoints::sobject.bind("id"_p = c, "sobject"_p = a, "version"_p = v);
            check(named == endpoints::sobject.bind(v, a, c), "named and positional binding differ", named.path());
        } catch (const std::invalid_argument&) {
            check(a.empty() || c.empty() || a == "." || a == ".." || c == "." || c == "..",
                  "named bind threw for acceptable values");
        }
    }

    // with_query: one '?', then name=value pairs; the values never end the query or add a fragment.
    try {
        const Target q = endpoints::query.bind(v).with_query(a, b).with_query("q", c);
        check(!a.empty(), "with_query accepted an empty name");
        const std::string& p = q.path();
        check(p.starts_with("/services/data/v") && std::count(p.begin(), p.end(), '?') == 1,
              "with_query produced other than one '?'", p);
        check(p.find_first_of(std::string_view("#\r\n \0", 5)) == std::string::npos,
              "with_query let a '#', CR/LF, space or NUL through", p);
        check(std::count(p.begin(), p.end(), '&') == 1 && std::count(p.begin(), p.end(), '=') == 2,
              "a query value added a parameter", p);
    } catch (const std::invalid_argument&) {
        check(a.empty(), "with_query threw for a non-empty name");
    }

    // runtime_target: the escape hatch validates instead of encoding.
    Diagnostics rd;
    auto rt = runtime_target(Method::get, path, rd);
    if (!rt) {
        check(rt.error() == boost::system::errc::invalid_argument, "runtime_target: unexpected error");
        check(!rd.message.empty() && !rd.hint.empty(), "runtime_target without message or hint");
        fuzz::check_printable(rd.message, "a runtime_target message contains control characters");
        check(rd.message.size() < 600, "a runtime_target message grows with the input", rd.message);
        return 0;
    }
    const std::string& p = rt->path();
    check(p == path, "runtime_target changed the path", p);
    check(p.starts_with("/services/"), "runtime_target accepted a path outside /services/", p);
    for (char ch : p) {
        const auto byte = static_cast<unsigned char>(ch);
        check(byte > 0x20 && byte < 0x7f && ch != '#' && ch != '\\', "runtime_target accepted a forbidden byte", p);
    }
    const std::string_view path_part = std::string_view(p).substr(0, p.find('?'));
    std::string decoded;
    check(decode(path_part, decoded), "runtime_target accepted a bad %-escape", p);
    // No ".." anywhere in the path part, also not once %2E is decoded (servers that decode before
    // normalising see "%2E%2E%2F" as "../").
    check(decoded.find("..") == std::string::npos, "runtime_target accepted '..' in the path", p);
    for (auto seg : segments(path_part))
        check(!is_dot_segment_decoded(seg), "runtime_target accepted a dot segment", p);
    return 0;
}
