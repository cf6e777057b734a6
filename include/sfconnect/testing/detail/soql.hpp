// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_SOQL_HPP
#define SFCONNECT_TESTING_DETAIL_SOQL_HPP

// The SOQL the emulated org understands, with Salesforce's error replies for everything else.

#include <sfconnect/testing/detail/org_replies.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sfconnect {
namespace testing {
namespace detail {

// ---- SOQL subset: SELECT <fields | COUNT()> FROM <object> [LIMIT n] ----

struct Soql {
    std::vector<std::string> fields;  // canonical API names
    bool count = false;
    std::optional<std::size_t> limit;
};

inline std::vector<std::string> soql_tokens(std::string_view q) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < q.size() && out.size() < 1000) {
        const unsigned char c = static_cast<unsigned char>(q[i]);
        if (std::isspace(c)) {
            ++i;
        } else if (std::isalnum(c) || c == '_' || c == '.') {
            std::size_t j = i;
            while (j < q.size() && (std::isalnum(static_cast<unsigned char>(q[j])) || q[j] == '_' || q[j] == '.')) {
                ++j;
            }
            out.emplace_back(q.substr(i, j - i));
            i = j;
        } else {
            out.emplace_back(1, q[i]);
            ++i;
        }
    }
    return out;
}

// Either the parsed query or the error reply Salesforce would give.
inline std::variant<Soql, OrgReply> parse_soql(std::string_view q) {
    const std::vector<std::string> t = soql_tokens(q);
    std::size_t i = 0;
    const auto unexpected = [&](std::size_t at) {
        return OrgReply(rest_error(400, "MALFORMED_QUERY",
                                   at < t.size() ? "unexpected token: '" + t[at] + "'" : "unexpected token: '<EOF>'"));
    };
    if (t.empty()) {
        return rest_error(400, "MALFORMED_QUERY", "A query string has to be specified");
    }
    if (!iequals(t[i], "SELECT")) {
        return unexpected(i);
    }
    ++i;
    Soql soql;
    std::vector<std::string> raw_fields;
    if (i + 2 < t.size() && iequals(t[i], "COUNT") && t[i + 1] == "(" && t[i + 2] == ")") {
        soql.count = true;
        i += 3;
    } else {
        for (;;) {
            if (i >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[i][0])) || t[i][0] == '_') ||
                iequals(t[i], "FROM")) {
                return unexpected(i);
            }
            raw_fields.push_back(t[i++]);
            if (i < t.size() && t[i] == ",") {
                ++i;
                continue;
            }
            break;
        }
    }
    if (i >= t.size() || !iequals(t[i], "FROM")) {
        return unexpected(i);
    }
    ++i;
    if (i >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[i][0])) || t[i][0] == '_')) {
        return unexpected(i);
    }
    const std::string object = t[i++];
    if (i < t.size() && iequals(t[i], "LIMIT")) {
        ++i;
        if (i >= t.size() || t[i].size() > 9 || t[i].find_first_not_of("0123456789") != std::string::npos) {
            return unexpected(i);
        }
        soql.limit = static_cast<std::size_t>(std::stoul(t[i++]));
    }
    if (i < t.size()) {
        return unexpected(i);
    }
    if (!iequals(object, "Account")) {
        return rest_error(400, "INVALID_TYPE",
                          "sObject type '" + object +
                              "' is not supported. If you are attempting to use a custom object, be sure to "
                              "append the '__c' after the entity name. Please reference your WSDL or the "
                              "describe call for the appropriate names.");
    }
    for (const auto& f : raw_fields) {
        if (iequals(f, "Id")) {
            soql.fields.emplace_back("Id");
        } else if (iequals(f, "Name")) {
            soql.fields.emplace_back("Name");
        } else {
            return rest_error(400, "INVALID_FIELD",
                              "No such column '" + f +
                                  "' on entity 'Account'. If you are attempting to use a custom field, be sure "
                                  "to append the '__c' after the custom field name. Please reference your WSDL "
                                  "or the describe call for the appropriate names.");
        }
    }
    return soql;
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
