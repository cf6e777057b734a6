// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_ENDPOINT_PARSER_HPP
#define SFCONNECT_DETAIL_ENDPOINT_PARSER_HPP

/// @file
/// The endpoint path-template parser: "/services/data/v{version}/sobjects/{sobject}/{id}".
///
/// parse_endpoint_template() is an ordinary constexpr function that returns an error value, so it
/// can also run (and be fuzzed) at run time. parse_endpoint_template_or_report() is the consteval
/// layer Endpoint uses: it turns an error into a call to a non-constexpr function whose name is the
/// message (the fmt technique), which g++ and clang both print. No std::string/std::vector is used
/// during constant evaluation: the tables are fixed-size arrays sized from the template's length.

#include <sfconnect/detail/fixed_string.hpp>
#include <sfconnect/detail/percent_encode.hpp>

#include <array>
#include <cstddef>
#include <string_view>

namespace sfconnect::detail {

/// Why a path template was rejected.
enum class TemplateError {
    none,
    missing_leading_slash,            ///< empty, or does not start with '/'
    query_or_fragment_in_path,        ///< '?' or '#' anywhere
    unbalanced_braces,                ///< '{' without '}', or '}' alone
    nested_braces,                    ///< '{' inside a placeholder
    empty_placeholder_name,           ///< "{}"
    placeholder_name_not_identifier,  ///< a name character outside [A-Za-z0-9_]
    duplicate_placeholder_name,       ///< the same name twice
    placeholder_spans_segments,       ///< '/' inside a placeholder
    adjacent_placeholders,            ///< "{a}{b}": no literal text between two placeholders
    character_not_allowed_in_path,    ///< outside RFC 3986 pchar and '/'
    bad_percent_escape,               ///< '%' not followed by two hex digits
    dot_segment_in_path,              ///< a literal "." or ".." segment
};

/// A piece of the template: offset and length into the template text.
struct TemplateSpan {
    std::size_t pos = 0;
    std::size_t len = 0;
};

/// Upper bound on placeholders in a template of n characters ("{x}" takes at least 3), plus one
/// so the arrays are never zero-sized.
constexpr std::size_t placeholder_capacity(std::size_t n) noexcept { return n / 3 + 1; }

/// The parsed template: literal[0] name[0] literal[1] name[1] ... literal[count]. Literal pieces may
/// be empty only at the end (after a trailing placeholder); the first always starts with '/'.
template <std::size_t Cap>
struct ParsedTemplate {
    TemplateError error = TemplateError::none;
    std::size_t error_pos = 0;  ///< offset of the offending character
    std::size_t count = 0;      ///< number of placeholders
    std::array<TemplateSpan, Cap> names{};
    std::array<TemplateSpan, Cap + 1> literals{};
};

/// Parses a path template; see TemplateError for what is rejected. `Cap` must be at least
/// placeholder_capacity(text.size()).
///
/// Decisions: placeholders may sit inside a segment ("v{version}", "{a}-{b}") but two placeholders
/// need literal text between them ("{a}{b}" is rejected: there would be no way to tell the values
/// apart). Names are [A-Za-z0-9_]+. '%' escapes in literal text must be complete. Literal "." and
/// ".." segments are rejected because servers collapse them.
template <std::size_t Cap>
constexpr ParsedTemplate<Cap> parse_endpoint_template(std::string_view t) noexcept {
    ParsedTemplate<Cap> r{};
    auto fail = [&r](TemplateError e, std::size_t pos) {
        r.error = e;
        r.error_pos = pos;
        r.count = 0;
        return r;
    };
    if (t.empty() || t[0] != '/') return fail(TemplateError::missing_leading_slash, 0);
    // Checked first so "{a?}" reports the query, which is the likelier mistake.
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i] == '?' || t[i] == '#') return fail(TemplateError::query_or_fragment_in_path, i);

    std::size_t literal_start = 0;
    std::size_t i = 0;
    while (i < t.size()) {
        const char c = t[i];
        if (c == '{') {
            if (r.count > 0 && i == literal_start) return fail(TemplateError::adjacent_placeholders, i);
            // Find where the placeholder ends first, so "{a/b" reads as unbalanced, "{a/b}" as spanning.
            std::size_t j = i + 1;
            while (j < t.size() && t[j] != '{' && t[j] != '}') ++j;
            if (j == t.size()) return fail(TemplateError::unbalanced_braces, i);
            if (t[j] == '{') return fail(TemplateError::nested_braces, j);
            if (j == i + 1) return fail(TemplateError::empty_placeholder_name, i);
            for (std::size_t k = i + 1; k < j; ++k) {
                if (t[k] == '/') return fail(TemplateError::placeholder_spans_segments, k);
                if (!is_alnum(t[k]) && t[k] != '_') return fail(TemplateError::placeholder_name_not_identifier, k);
            }
            const TemplateSpan name{i + 1, j - i - 1};
            for (std::size_t k = 0; k < r.count; ++k)
                if (t.substr(r.names[k].pos, r.names[k].len) == t.substr(name.pos, name.len))
                    return fail(TemplateError::duplicate_placeholder_name, i);
            if (r.count >= Cap) return fail(TemplateError::unbalanced_braces, i);  // unreachable: Cap > n/4
            r.literals[r.count] = {literal_start, i - literal_start};
            r.names[r.count] = name;
            ++r.count;
            i = j + 1;
            literal_start = i;
            continue;
        }
        if (c == '}') return fail(TemplateError::unbalanced_braces, i);
        if (c == '%') {
            if (!is_pct_encoded_at(t, i)) return fail(TemplateError::bad_percent_escape, i);
            i += 3;
            continue;
        }
        if (c != '/' && !is_pchar(c)) return fail(TemplateError::character_not_allowed_in_path, i);
        ++i;
    }
    r.literals[r.count] = {literal_start, t.size() - literal_start};

    // Dot-segments: only whole segments of literal text count ("v{x}." is not one).
    for (std::size_t start = 1; start <= t.size();) {
        // A hand-written scan: g++ -fsanitize=undefined cannot constant-evaluate string_view::find.
        std::size_t end = start;
        while (end < t.size() && t[end] != '/') ++end;
        if (is_dot_segment(t.substr(start, end - start))) return fail(TemplateError::dot_segment_in_path, start);
        start = end + 1;
    }
    return r;
}

// Each function below is the compile-time error message for one TemplateError: reaching one during
// constant evaluation stops compilation, and g++/clang print its name. Never called at run time.
inline void endpoint_template_error_missing_leading_slash() {}
inline void endpoint_template_error_query_or_fragment_in_path() {}
inline void endpoint_template_error_unbalanced_braces() {}
inline void endpoint_template_error_nested_braces() {}
inline void endpoint_template_error_empty_placeholder_name() {}
inline void endpoint_template_error_placeholder_name_not_identifier() {}
inline void endpoint_template_error_duplicate_placeholder_name() {}
inline void endpoint_template_error_placeholder_spans_segments() {}
inline void endpoint_template_error_adjacent_placeholders_need_literal_text_between() {}
inline void endpoint_template_error_character_not_allowed_in_path() {}
inline void endpoint_template_error_percent_not_followed_by_two_hex_digits() {}
inline void endpoint_template_error_dot_segment_in_path() {}

/// Stops compilation with a readable message when `e` is an error; true otherwise.
consteval bool report_endpoint_template_error(TemplateError e) {
    switch (e) {
        case TemplateError::none: return true;
        case TemplateError::missing_leading_slash: endpoint_template_error_missing_leading_slash(); break;
        case TemplateError::query_or_fragment_in_path: endpoint_template_error_query_or_fragment_in_path(); break;
        case TemplateError::unbalanced_braces: endpoint_template_error_unbalanced_braces(); break;
        case TemplateError::nested_braces: endpoint_template_error_nested_braces(); break;
        case TemplateError::empty_placeholder_name: endpoint_template_error_empty_placeholder_name(); break;
        case TemplateError::placeholder_name_not_identifier:
            endpoint_template_error_placeholder_name_not_identifier();
            break;
        case TemplateError::duplicate_placeholder_name: endpoint_template_error_duplicate_placeholder_name(); break;
        case TemplateError::placeholder_spans_segments: endpoint_template_error_placeholder_spans_segments(); break;
        case TemplateError::adjacent_placeholders:
            endpoint_template_error_adjacent_placeholders_need_literal_text_between();
            break;
        case TemplateError::character_not_allowed_in_path:
            endpoint_template_error_character_not_allowed_in_path();
            break;
        case TemplateError::bad_percent_escape: endpoint_template_error_percent_not_followed_by_two_hex_digits(); break;
        case TemplateError::dot_segment_in_path: endpoint_template_error_dot_segment_in_path(); break;
    }
    return false;
}

/// Parses `Path` at compile time; an invalid template is a compile error (see above).
template <fixed_string Path>
consteval ParsedTemplate<placeholder_capacity(Path.size())> parse_endpoint_template_or_report() {
    const auto r = parse_endpoint_template<placeholder_capacity(Path.size())>(Path.view());
    report_endpoint_template_error(r.error);
    return r;
}

/// True for a valid template; an invalid one does not compile. Used as Endpoint's constraint, so
/// merely naming `Endpoint<"bad">` is already an error.
template <fixed_string Path>
consteval bool endpoint_template_is_valid() {
    return parse_endpoint_template_or_report<Path>().error == TemplateError::none;
}

/// The parsed template as string views into `Path` (a template parameter object, so they are
/// constants with static storage).
template <fixed_string Path>
struct TemplateInfo {
    static constexpr auto parsed = parse_endpoint_template_or_report<Path>();
    static constexpr std::size_t count = parsed.count;
    static constexpr std::array<std::string_view, count> names = [] {
        std::array<std::string_view, count> out{};
        for (std::size_t i = 0; i < count; ++i) out[i] = Path.view().substr(parsed.names[i].pos, parsed.names[i].len);
        return out;
    }();
    static constexpr std::array<std::string_view, count + 1> literals = [] {
        std::array<std::string_view, count + 1> out{};
        for (std::size_t i = 0; i <= count; ++i)
            out[i] = Path.view().substr(parsed.literals[i].pos, parsed.literals[i].len);
        return out;
    }();
};

}  // namespace sfconnect::detail

#endif
