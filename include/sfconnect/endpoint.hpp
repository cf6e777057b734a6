// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_ENDPOINT_HPP
#define SFCONNECT_ENDPOINT_HPP

/// @file
/// Compile-time checked REST endpoints: `Endpoint<"/services/data/v{version}/sobjects/{sobject}/{id}">`.
///
/// The path template is parsed when the Endpoint type is named, so a malformed template is a compile
/// error. bind() checks the number (or the names) of the values at compile time and percent-encodes
/// each value at run time, so a value can never add a path segment, a query or a fragment.
/// runtime_target() is the named escape hatch for paths known only at run time (fmt::runtime style).
///
/// Light on purpose: standard library, Boost.System and sfconnect's own error/diagnostics headers.

#include <sfconnect/api_version.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/detail/config.hpp>
#include <sfconnect/detail/endpoint_parser.hpp>
#include <sfconnect/detail/fixed_string.hpp>
#include <sfconnect/detail/percent_encode.hpp>

#include <boost/system/result.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace sfconnect {

/// HTTP request method. `del` is DELETE (`delete` is a keyword).
enum class Method {
    get,    ///< GET
    post,   ///< POST
    put,    ///< PUT
    patch,  ///< PATCH
    del,    ///< DELETE
    head    ///< HEAD
};

/// The method as it appears on the request line: "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD".
constexpr std::string_view to_string(Method m) noexcept {
    switch (m) {
        case Method::get: return "GET";
        case Method::post: return "POST";
        case Method::put: return "PUT";
        case Method::patch: return "PATCH";
        case Method::del: return "DELETE";
        case Method::head: return "HEAD";
    }
    return {};
}

/// True for methods that may be retried safely after a lost reply (RFC 9110 §9.2.2): GET, HEAD,
/// PUT, DELETE. POST and PATCH are not idempotent.
constexpr bool is_idempotent(Method m) noexcept {
    return m == Method::get || m == Method::head || m == Method::put || m == Method::del;
}

namespace detail {
struct TargetAccess;
}  // namespace detail

/// What the HTTP layer needs to send a request: the method and the percent-encoded request target.
/// Only Endpoint::bind() and runtime_target() make one, so a Target's path is always valid.
class Target {
public:
    /// The request method.
    Method method() const noexcept { return method_; }
    /// The percent-encoded origin-form target; always starts with '/'. Carries a query part only
    /// when it came from runtime_target() or with_query().
    const std::string& path() const noexcept { return path_; }

    /// A copy with the query parameter `name=value` appended ('?' first, then '&'). Both are
    /// percent-encoded (everything but unreserved characters, so a space becomes %20), as in
    /// `endpoints::query.bind("64.0").with_query("q", "SELECT Id FROM Account")`. Throws
    /// std::invalid_argument for an empty name.
    SFCONNECT_DECL Target with_query(std::string_view name, std::string_view value) const;

    /// Same method and same path.
    friend bool operator==(const Target&, const Target&) = default;

private:
    friend struct detail::TargetAccess;
    Target(Method m, std::string path) : method_(m), path_(std::move(path)) {}

    Method method_;
    std::string path_;
};

namespace detail {

// The one way into Target's private constructor (used by make_target and runtime_target).
struct TargetAccess {
    static Target make(Method m, std::string path) { return Target(m, std::move(path)); }
};

/// Builds literals[0] + enc(values[0]) + literals[1] + ... + literals[n]. Throws
/// std::invalid_argument ("value for {id} is empty") for an empty value, which would otherwise
/// produce an empty segment ("/sobjects/Account/") and silently address a different resource, and
/// for "." and ".." (dot-segments even when encoded as %2E).
SFCONNECT_DECL Target make_target(Method m, std::span<const std::string_view> literals,
                                  std::span<const std::string_view> names, std::span<const std::string_view> values);

}  // namespace detail

/// The escape hatch for a request target known only at run time, such as the `nextRecordsUrl` a query
/// returns ("/services/data/v64.0/query/01gxx-2000"). The text is used as given (not re-encoded),
/// so it is validated: it must start with "/services/" (no scheme, no host), contain only RFC 3986
/// path/query characters with complete percent escapes (no spaces, CR/LF or other control characters,
/// no raw non-ASCII bytes, no backslash), no '#', no empty segment and no "." / ".." segment or
/// ".." anywhere in the path part. A '?' query part is kept. On failure returns
/// boost::system::errc::invalid_argument and replaces `diag` with a message naming the value.
SFCONNECT_DECL boost::system::result<Target> runtime_target(Method m, std::string_view path, Diagnostics& diag);

/// runtime_target() without diagnostics (the error code alone).
SFCONNECT_DECL boost::system::result<Target> runtime_target(Method m, std::string_view path);

/// A value bound to a placeholder by name: what `"sobject"_p = "Account"` produces. It refers to
/// the caller's text, so use it only inside the bind() call it is written in.
template <fixed_string Name, class Value>
struct NamedValue {
    /// Marks the type for Endpoint::bind's overload selection.
    using named_value_tag = void;
    /// The placeholder name.
    static constexpr std::string_view name = Name.view();
    /// The value (std::string_view, or ApiVersion for "version").
    Value value;
};

/// A placeholder name, `"sobject"_p`; assign a value to it to get a NamedValue.
template <fixed_string Name>
struct PlaceholderName {
    /// The placeholder name.
    static constexpr std::string_view name = Name.view();

    /// Names a text value. The text is percent-encoded by bind().
    constexpr NamedValue<Name, std::string_view> operator=(std::string_view value) const noexcept
        requires(Name.view() != "version") {
        return {value};
    }

    /// Names the API version; a literal ("64.0") is checked at compile time by ApiVersion.
    constexpr NamedValue<Name, ApiVersion> operator=(ApiVersion value) const noexcept
        requires(Name.view() == "version") {
        return {value};
    }
};

namespace detail {
// Compile-time error message for `"not a name"_p`. Never called at run time.
inline void placeholder_name_literal_error_not_an_identifier() {}
}  // namespace detail

/// User-defined literals of sfconnect; `using namespace sfconnect::literals;` to use them.
namespace literals {

/// `"sobject"_p = "Account"`: a named value for Endpoint::bind. The name must be [A-Za-z0-9_]+.
template <fixed_string Name>
consteval PlaceholderName<Name> operator""_p() {
    if (Name.size() == 0) detail::placeholder_name_literal_error_not_an_identifier();
    for (char c : Name.view())
        if (!detail::is_alnum(c) && c != '_') detail::placeholder_name_literal_error_not_an_identifier();
    return {};
}

}  // namespace literals

namespace detail {

/// The parameter type of positional bind() for placeholder I: ApiVersion for "version" (so a
/// literal is checked at compile time and run-time text must go through ApiVersion::parse),
/// std::string_view otherwise.
template <fixed_string Path, std::size_t I>
using bind_param_t =
    std::conditional_t<TemplateInfo<Path>::names[I] == std::string_view("version"), ApiVersion, std::string_view>;

/// The text of a bound value.
constexpr std::string_view value_text(std::string_view v) noexcept { return v; }
/// The text of a bound API version ("64.0").
constexpr std::string_view value_text(const ApiVersion& v) noexcept { return v.str(); }

/// Holds the positional bind(): one non-deduced parameter per placeholder (fmt's type_identity
/// trick), so a "NN.0" literal converts to ApiVersion at the call site, in a constant expression.
template <fixed_string Path, Method M, class Seq = std::make_index_sequence<TemplateInfo<Path>::count>>
class PositionalBind;

/// Specialisation that spells out the parameters.
template <fixed_string Path, Method M, std::size_t... I>
class PositionalBind<Path, M, std::index_sequence<I...>> {
public:
    /// Binds one value per placeholder, in template order. Throws std::invalid_argument for an
    /// empty value and for "." or "..".
    Target bind(bind_param_t<Path, I>... values) const {
        const std::array<std::string_view, sizeof...(I)> texts{value_text(values)...};
        return make_target(M, TemplateInfo<Path>::literals, TemplateInfo<Path>::names, texts);
    }
};

/// True for NamedValue (after removing references and cv).
template <class T>
concept named_value = requires {
    typename std::remove_cvref_t<T>::named_value_tag;
};

/// Every argument is a NamedValue (and there is at least one).
template <class... Args>
concept all_named_values = sizeof...(Args) > 0 && (named_value<Args> && ...);

/// The positional bind() accepts these arguments (without evaluating any conversion).
template <class Binder, class... Args>
concept positional_bind_viable = requires(const Binder& b, Args&&... args) {
    b.bind(std::forward<Args>(args)...);
};

/// True when the template has a placeholder called Named::name.
template <fixed_string Path, class Named>
constexpr bool has_placeholder_named() {
    for (std::string_view n : TemplateInfo<Path>::names)
        if (n == Named::name) return true;
    return false;
}

/// Compile-time check for one named value; the instantiation shows the offending name.
template <fixed_string Path, class Named>
constexpr bool check_placeholder_exists() {
    static_assert(has_placeholder_named<Path, Named>(), "endpoint has no placeholder with this name");
    return has_placeholder_named<Path, Named>();
}

/// How many of the named values are for placeholder I.
template <fixed_string Path, std::size_t I, class... Named>
constexpr std::size_t count_values_for() {
    return ((Named::name == TemplateInfo<Path>::names[I] ? std::size_t{1} : std::size_t{0}) + ... + std::size_t{0});
}

/// Index (among the named values) of the one for placeholder I.
template <fixed_string Path, std::size_t I, class... Named>
constexpr std::size_t index_of_value_for() {
    constexpr std::array<std::string_view, sizeof...(Named)> names{Named::name...};
    for (std::size_t k = 0; k < names.size(); ++k)
        if (names[k] == TemplateInfo<Path>::names[I]) return k;
    return names.size();
}

/// Placeholder I's name as a fixed_string, so a diagnostic can show it as a template argument.
template <fixed_string Path, std::size_t I>
constexpr auto placeholder_name_string() {
    constexpr std::string_view name = TemplateInfo<Path>::names[I];
    fixed_string<name.size()> out{};
    for (std::size_t k = 0; k < name.size(); ++k) out.data[k] = name[k];
    return out;
}

/// Compile-time check that placeholder `Placeholder` got exactly one named value.
template <fixed_string Placeholder, std::size_t Count>
constexpr bool check_named_once() {
    static_assert(Count != 0, "missing value for this endpoint placeholder: name every placeholder exactly once");
    static_assert(Count < 2, "duplicate value for this endpoint placeholder: name every placeholder exactly once");
    return Count == 1;
}

/// All named-value checks; each failing one reports through its own static_assert.
template <fixed_string Path, class... Named>
constexpr bool named_values_match() {
    const bool known = (check_placeholder_exists<Path, Named>() && ...);
    const bool once = []<std::size_t... I>(std::index_sequence<I...>) {
        return (check_named_once<placeholder_name_string<Path, I>(), count_values_for<Path, I, Named...>()>() && ...);
    }
    (std::make_index_sequence<TemplateInfo<Path>::count>{});
    return known && once;
}

/// Calls the positional bind() with the named values reordered into template order.
template <fixed_string Path, class Binder, std::size_t... I, class... Named>
Target bind_by_name(const Binder& binder, std::index_sequence<I...>, const Named&... named) {
    const auto values = std::forward_as_tuple(named...);
    return binder.bind(std::get<index_of_value_for<Path, I, Named...>()>(values).value...);
}

}  // namespace detail

/// A REST endpoint: a method and a path template checked at compile time.
///
/// Template syntax: a literal path that starts with '/', made of RFC 3986 pchar characters, '/'
/// and complete percent escapes ("%" and two hex digits), with placeholders `{name}` (name:
/// [A-Za-z0-9_]+, unique). A placeholder may share a segment with literal text ("v{version}",
/// "{a}-{b}") but never spans '/', and two placeholders need literal text between them. No '?' or
/// '#' (queries are not part of endpoint templates), no literal "." / ".." segment. Anything else
/// does not compile; the error names the rule, e.g. `endpoint_template_error_unbalanced_braces`.
///
/// Binding (see bind()): the placeholder named "version" takes an ApiVersion, every other one text.
/// Each text value is percent-encoded for a single path segment and must not be empty.
///
/// Positional binding, `bind(v1, v2, ...)`, comes from a detail base class through a
/// using-declaration, so the reference does not list it among the members: exactly one value per
/// placeholder in template order, as in `endpoints::sobject.bind("64.0", "Account", id)`.
template <fixed_string Path, Method M = Method::get>
    requires(detail::endpoint_template_is_valid<Path>())
class Endpoint : public detail::PositionalBind<Path, M> {
    using Info = detail::TemplateInfo<Path>;
    using Positional = detail::PositionalBind<Path, M>;

public:
    /// The template text, e.g. "/services/data/v{version}/sobjects/{sobject}/{id}".
    static constexpr std::string_view path_template = Path.view();
    /// The request method.
    static constexpr Method method = M;
    /// Number of placeholders.
    static constexpr std::size_t placeholder_count = Info::count;
    /// Placeholder names in template order, e.g. {"version", "sobject", "id"}.
    static constexpr std::array<std::string_view, placeholder_count> placeholder_names = Info::names;
    /// The literal text around the placeholders: placeholder_count + 1 pieces, such as
    /// {"/services/data/v", "/sobjects/", "/", ""}.
    static constexpr std::array<std::string_view, placeholder_count + 1> literal_pieces = Info::literals;

    /// Positional binding: `bind(v1, v2, ...)`, exactly one value per placeholder, in template
    /// order. The "version" placeholder takes an ApiVersion (a "NN.0" literal is checked at compile
    /// time; run-time text goes through ApiVersion::parse); the others take anything convertible to
    /// std::string_view. Throws std::invalid_argument ("value for {id} is empty") for an empty value,
    /// and for "." or ".." (a dot-segment, even percent-encoded).
    using Positional::bind;

    /// Named binding, in any order: `bind("sobject"_p = "Account", "id"_p = id, "version"_p = "64.0")`.
    /// Every placeholder must be named exactly once, and only placeholders of this endpoint may be
    /// named; otherwise a static_assert fails ("endpoint has no placeholder with this name",
    /// "missing value ...", "duplicate value ..."). Throws std::invalid_argument for an empty value
    /// and for "." or "..".
    template <class... Args>
        requires detail::all_named_values<Args...> Target bind(Args&&... args)
    const {
        if constexpr (detail::named_values_match<Path, std::remove_cvref_t<Args>...>()) {
            return detail::bind_by_name<Path>(static_cast<const Positional&>(*this),
                                              std::make_index_sequence<placeholder_count>{}, args...);
        } else {
            throw std::logic_error("unreachable: rejected at compile time");
        }
    }

    /// Rejects every other call at compile time with a readable static_assert message.
    template <class... Args>
        requires(!detail::all_named_values<Args...> && !detail::positional_bind_viable<Positional, Args...>)
    Target bind(Args&&...)
    const {
        constexpr bool any_named = (detail::named_value<Args> || ...);
        static_assert(!any_named, "cannot mix named and positional values in one bind call");
        static_assert(any_named || sizeof...(Args) == placeholder_count,
                      "wrong number of values for this endpoint's placeholders");
        static_assert(any_named || sizeof...(Args) != placeholder_count,
                      "a value does not convert to std::string_view; the {version} placeholder takes an "
                      "ApiVersion: a \"NN.0\" literal, or ApiVersion::parse(text) for run-time text");
        throw std::logic_error("unreachable: rejected at compile time");
    }
};

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/endpoint.ipp>
#endif

#endif
