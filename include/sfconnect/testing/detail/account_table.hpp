// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_ACCOUNT_TABLE_HPP
#define SFCONNECT_TESTING_DETAIL_ACCOUNT_TABLE_HPP

// The emulated org's Account rows: lookup by 15- or 18-character id, create / update / delete with
// Salesforce's replies and errors, and an undo journal for composite allOrNone rollback.

#include <sfconnect/testing/detail/org_replies.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sfconnect {
namespace testing {
namespace detail {

struct Account {
    std::string id;
    std::string name;
    bool deleted = false;
};

// Salesforce's 18-character case-insensitive id: three checksum characters encode which of the
// 15 characters are upper case.
inline std::string to_18_char_id(std::string_view id15) {
    static constexpr char map[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    std::string out(id15);
    for (std::size_t chunk = 0; chunk < 3; ++chunk) {
        unsigned flags = 0;
        for (std::size_t i = 0; i < 5; ++i) {
            const char c = id15[chunk * 5 + i];
            if (c >= 'A' && c <= 'Z') {
                flags |= 1u << i;
            }
        }
        out.push_back(map[flags]);
    }
    return out;
}

class AccountTable {
public:
    explicit AccountTable(int count) {
        rows_.reserve(static_cast<std::size_t>(count));
        for (int i = 0; i < count; ++i) append_new();
    }

    const std::vector<Account>& rows() const noexcept { return rows_; }
    std::size_t deleted_count() const noexcept { return deleted_; }

    // Index of a live or deleted row by 15- or 18-character id.
    std::optional<std::size_t> find(std::string_view id) const {
        const auto it = index_.find(std::string(id.substr(0, 15)));
        if (it == index_.end() || (id.size() != 15 && id != rows_[it->second].id)) return std::nullopt;
        return it->second;
    }

    // POST sobjects/Account: {"Name": "..."} → 201 {"id", "success", "errors"}.
    OrgReply create(std::string_view body, const std::string& version_path) {
        std::optional<std::string> name;
        if (auto failure = read_fields(body, name)) return *failure;
        if (!name || trim(*name).empty()) return required_name();
        const std::size_t i = append_new();
        rows_[i].name = *name;
        if (journaling_) journal_.emplace_back(i, std::nullopt);
        boost::json::object o;
        o["id"] = rows_[i].id;
        o["success"] = true;
        o["errors"] = boost::json::array{};
        OrgReply r = json_reply(201, o);
        r.headers.emplace_back("Location", version_path + "/sobjects/Account/" + rows_[i].id);
        return r;
    }

    // PATCH sobjects/Account/{id}: 204.
    OrgReply update(std::string_view id, std::string_view body) {
        const auto i = live(id);
        if (!i) return missing(id);
        std::optional<std::string> name;
        if (auto failure = read_fields(body, name)) return *failure;
        if (name && trim(*name).empty()) return required_name();
        remember(*i);
        if (name) rows_[*i].name = *name;
        return OrgReply{204, {}, {}};
    }

    // DELETE sobjects/Account/{id}: 204 (the row stays, for queryAll).
    OrgReply remove(std::string_view id) {
        const auto i = live(id);
        if (!i) return missing(id);
        remember(*i);
        rows_[*i].deleted = true;
        ++deleted_;
        return OrgReply{204, {}, {}};
    }

    // Composite allOrNone: record changes from now on, then undo them or keep them.
    void begin() {
        journaling_ = true;
        journal_.clear();
    }
    void commit() {
        journaling_ = false;
        journal_.clear();
    }
    void rollback() {
        // NOLINTNEXTLINE(modernize-loop-convert): undone newest first
        for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
            if (it->second) {
                deleted_ += static_cast<std::size_t>(it->second->deleted) -
                            static_cast<std::size_t>(rows_[it->first].deleted);
                rows_[it->first] = std::move(*it->second);
            } else {  // a created row: always the last one
                index_.erase(rows_.back().id.substr(0, 15));
                rows_.pop_back();
            }
        }
        commit();
    }

private:
    std::size_t append_new() {
        char id15[32];
        std::snprintf(id15, sizeof id15, "0015g%010zu", rows_.size() + 1);
        char name[40];
        std::snprintf(name, sizeof name, "Emulator Account %03zu", rows_.size() + 1);
        rows_.push_back({to_18_char_id(id15), name, false});
        index_.emplace(std::string(id15), rows_.size() - 1);
        return rows_.size() - 1;
    }

    std::optional<std::size_t> live(std::string_view id) const {
        const auto i = find(id);
        return i && !rows_[*i].deleted ? i : std::nullopt;
    }

    OrgReply missing(std::string_view id) const {
        const auto i = find(id);
        if (i) return rest_error(404, "ENTITY_IS_DELETED", "entity is deleted");
        return not_found();
    }

    void remember(std::size_t i) {
        if (journaling_) journal_.emplace_back(i, rows_[i]);
    }

    static OrgReply required_name() {
        return rest_error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]");
    }

    // The fields this org knows on Account: Name (text). Anything else is INVALID_FIELD.
    static std::optional<OrgReply> read_fields(std::string_view body, std::optional<std::string>& name) {
        boost::system::error_code ec;
        const boost::json::value v = boost::json::parse(body, ec);
        if (ec || !v.is_object()) {
            return rest_error(400, "JSON_PARSER_ERROR", "The request body is not a JSON object");
        }
        for (const auto& kv : v.as_object()) {
            if (iequals(kv.key(), "Name") && kv.value().is_string()) {
                name = std::string(kv.value().as_string());
            } else if (iequals(kv.key(), "Name")) {
                return rest_error(400, "JSON_PARSER_ERROR",
                                  "Cannot deserialize instance of string from a non-string value");
            } else {
                return rest_error(400, "INVALID_FIELD",
                                  "No such column '" + std::string(kv.key()) + "' on sobject of type Account");
            }
        }
        if (name && name->size() > 255) {
            return rest_error(400, "STRING_TOO_LONG", "Account Name: data value too large (max length=255)");
        }
        return std::nullopt;
    }

    std::vector<Account> rows_;
    std::unordered_map<std::string, std::size_t> index_;  // 15-character id → row
    std::size_t deleted_ = 0;
    bool journaling_ = false;
    std::vector<std::pair<std::size_t, std::optional<Account>>> journal_;
};

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
