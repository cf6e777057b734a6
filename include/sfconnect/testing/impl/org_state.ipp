// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_IMPL_ORG_STATE_IPP
#define SFCONNECT_TESTING_IMPL_ORG_STATE_IPP

// OrgModel's state and endpoints (included by impl/org_model.ipp, after the reply helpers).

#include <sfconnect/testing/impl/org_model.ipp>

namespace sfconnect {
namespace testing {

struct OrgModel::Org {
    EmulatorOptions opts;
    std::string identity;
    std::string instance;
    detail::AccountTable accounts;

    Scenario current_scenario = Scenario::healthy;
    int propagating_failures_left = 0;
    std::chrono::milliseconds token_lifetime;
    std::unordered_map<std::string, detail::TokenRecord> tokens;
    // Tokens in issue order, which is also expiry order (one lifetime applies to all): pruning
    // pops expired ones from the front, so issuing costs O(1) amortised however many are live.
    std::deque<std::pair<std::string, std::chrono::steady_clock::time_point>> token_order;
    std::uint64_t next_serial = 0;
    std::uint64_t expired_below = 0;
    std::deque<std::string> issued_log;
    std::chrono::steady_clock::time_point next_forced_expiry;
    std::unordered_map<std::string, detail::QueryCursor> cursors;
    std::deque<std::string> cursor_order;
    std::uint64_t api_usage = 0;
    std::uint64_t tokens_issued = 0;
    std::uint64_t token_invalidations = 0;
    OrgTime request_time;  // the clock read when the request being handled arrived

    explicit Org(EmulatorOptions options)
        : opts(validate(std::move(options))), accounts(opts.accounts), token_lifetime(opts.token_lifetime) {
        if (opts.consumer_secret.empty()) {
            opts.consumer_secret = detail::upper_hex(detail::random_bytes(32));
        }
        request_time = now();
        next_forced_expiry = request_time.steady + opts.expire_all_tokens_every;
        const bool sandbox = opts.site.find("--") != std::string::npos;
        identity = std::string("https://") + (sandbox ? "test" : "login") + ".salesforce.com/id/" +
                   opts.organization_id + "/" + opts.user_id;
        instance = "https://" + opts.site;
    }

    static EmulatorOptions validate(EmulatorOptions o) {
        const auto require = [](bool ok, const std::string& what) {
            if (!ok) throw std::invalid_argument("sfconnect::testing::Emulator: " + what);
        };
        const std::string_view alnum = detail::alphanumerics;
        const std::string host_chars = std::string(alnum) + ".-";
        require(!o.site.empty() && o.site.size() <= 253 && detail::all_of_set(o.site, host_chars),
                "site must be a host name");
        require(!o.consumer_key.empty() && !detail::has_crlf(o.consumer_key), "consumer_key must not be empty");
        for (const auto& [id, what] :
             {std::pair{&o.organization_id, "organization_id"}, std::pair{&o.user_id, "user_id"}}) {
            require((id->size() == 15 || id->size() == 18) && detail::all_of_set(*id, alnum),
                    std::string(what) + " must be a 15- or 18-character id");
        }
        require(o.token_lifetime.count() > 0, "token_lifetime must be positive");
        require(o.idle_timeout.count() >= 0, "idle_timeout must not be negative");
        require(o.accounts >= 0 && o.accounts <= 50000, "accounts must be within 0..50000");
        require(o.query_batch_size >= 1 && o.query_batch_size <= 2000, "query_batch_size must be within 1..2000");
        require(o.propagating_token_failures >= 0 && o.propagating_token_failures <= 1000000,
                "propagating_token_failures must be within 0..1000000");
        require(o.api_unavailable_probability >= 0.0 && o.api_unavailable_probability <= 1.0,
                "api_unavailable_probability must be within 0..1");
        require(o.drop_connection_probability >= 0.0 && o.drop_connection_probability <= 1.0,
                "drop_connection_probability must be within 0..1");
        require(o.expire_all_tokens_every.count() >= 0, "expire_all_tokens_every must not be negative");
        return o;
    }

    // ---- state ----

    OrgTime now() const { return opts.clock ? opts.clock() : OrgTime::now(); }

    void expire_all() {
        expired_below = next_serial;
        ++token_invalidations;
    }

    // The scheduled invalidation is applied lazily, when a request arrives: no timer needed, and a
    // quiet org loses nothing by it.
    void apply_scheduled_expiry(std::chrono::steady_clock::time_point now) {
        if (opts.expire_all_tokens_every.count() <= 0 || now < next_forced_expiry) return;
        expire_all();
        while (next_forced_expiry <= now) next_forced_expiry += opts.expire_all_tokens_every;
    }

    // The scenario a request meets. Under `propagating`, a token request spends one of the
    // remaining failures; other requests see the state without changing it.
    Scenario scenario_for(std::optional<Route> route) {
        if (current_scenario != Scenario::propagating) {
            return current_scenario;
        }
        if (propagating_failures_left <= 0) {
            return Scenario::healthy;
        }
        if (route == Route::token) {
            --propagating_failures_left;
        }
        return Scenario::propagation_delay;
    }

    bool token_valid(const std::string& token) const {
        if (token.empty()) {
            return false;
        }
        const auto it = tokens.find(token);
        if (it == tokens.end() || it->second.revoked || it->second.serial < expired_below) {
            return false;
        }
        return request_time.steady - it->second.issued < token_lifetime;
    }

    // ---- OAuth endpoints ----

    // Client authentication shared by the token and introspection endpoints: form fields win,
    // else an HTTP Basic header (values compared raw or form-decoded, per RFC 6749 §2.3.1).
    std::optional<OrgReply> authenticate_client(const OrgRequest& req, const detail::Params& form, Scenario s) const {
        const std::optional<std::string> id = detail::param(form, "client_id");
        std::string basic_id;
        std::string basic_secret;
        const std::string_view auth = detail::trim(req.header("Authorization"));
        std::string decoded;
        if (detail::istarts_with(auth, "Basic ") && detail::base64_decode(detail::trim(auth.substr(6)), decoded)) {
            const std::size_t colon = decoded.find(':');
            if (colon != std::string::npos) {
                basic_id = decoded.substr(0, colon);
                basic_secret = decoded.substr(colon + 1);
            }
        }
        const auto matches = [](const std::string& given, const std::string& expected) {
            return detail::constant_time_equal(given, expected) ||
                   detail::constant_time_equal(detail::form_decode(given), expected);
        };
        const std::string client_id = id ? *id : basic_id;
        const std::string client_secret = id ? detail::param(form, "client_secret").value_or("") : basic_secret;
        if (client_id.empty() || !matches(client_id, opts.consumer_key) || s == Scenario::propagation_delay) {
            return detail::oauth_error(400, "invalid_client_id", "client identifier invalid");
        }
        if (client_secret.empty() || !matches(client_secret, opts.consumer_secret)) {
            return detail::oauth_error(400, "invalid_client", "invalid client credentials");
        }
        return std::nullopt;
    }

    OrgReply token_endpoint(const OrgRequest& req, Scenario s) {
        if (req.method != "POST") {
            return detail::oauth_error(400, "invalid_request", "must use HTTP POST");
        }
        const detail::Params form = detail::form_of(req);
        if (detail::param(form, "grant_type").value_or("") == detail::jwt_bearer_grant_type) {
            return jwt_token_endpoint(form, s);
        }
        if (detail::param(form, "grant_type").value_or("") != "client_credentials") {
            return detail::oauth_error(400, "unsupported_grant_type", "grant type not supported");
        }
        std::string_view host = req.header("Host");
        host = host.substr(0, host.rfind(':') == std::string_view::npos ? host.size() : host.rfind(':'));
        if (s == Scenario::wrong_domain || detail::iequals(host, "login.salesforce.com") ||
            detail::iequals(host, "test.salesforce.com")) {
            return detail::oauth_error(400, "invalid_grant", "request not supported on this domain");
        }
        if (auto failure = authenticate_client(req, form, s)) {
            return *failure;
        }
        if (auto refusal = detail::token_refusal(s)) {
            return *refusal;
        }
        return issue_token();
    }

    // The JWT bearer grant: no client secret; the assertion is checked for real (detail/jwt_check.hpp),
    // and any host of the org serves it. Replies carry no signature.
    OrgReply jwt_token_endpoint(const detail::Params& form, Scenario s) {
        if (s == Scenario::propagation_delay) {
            return detail::oauth_error(400, "invalid_client_id", "client identifier invalid");
        }
        if (auto refusal = detail::token_refusal(s)) {
            return *refusal;
        }
        const bool test_login = opts.site.find("--") != std::string::npos ||
                                opts.site.find(".scratch.") != std::string::npos;
        detail::JwtExpectations e;
        e.certificate_pem = opts.jwt_certificate_pem;
        e.consumer_key = opts.consumer_key;
        e.username = opts.username;
        e.audience = test_login ? "https://test.salesforce.com" : "https://login.salesforce.com";
        e.other_audience = test_login ? "https://login.salesforce.com" : "https://test.salesforce.com";
        e.preauthorized = opts.jwt_user_preauthorized;
        e.now_seconds = std::chrono::duration_cast<std::chrono::seconds>(request_time.wall.time_since_epoch()).count();
        const std::string_view refused = detail::check_assertion(detail::param(form, "assertion").value_or(""), e);
        if (!refused.empty()) {
            return detail::oauth_error(400, "invalid_grant", refused);
        }
        return issue_token(false);
    }

    // Remembers a new token, forgetting expired ones once many are remembered.
    std::string new_token(std::chrono::steady_clock::time_point now, std::int64_t issued_unix) {
        while (tokens.size() >= detail::token_prune_threshold && !token_order.empty()) {
            const auto& [oldest, issued] = token_order.front();
            const auto it = tokens.find(oldest);
            if (it != tokens.end() && it->second.serial >= expired_below && now - issued < token_lifetime) {
                break;  // the oldest remembered token is still valid, so are all younger ones
            }
            if (it != tokens.end()) tokens.erase(it);
            token_order.pop_front();
        }
        // Real tokens: 15-character org id, '!', then an opaque part of letters, digits, '.' and '_'.
        std::string token = opts.organization_id.substr(0, 15) + "!AQ" +
                            detail::random_string(96, std::string(detail::alphanumerics) + "._");
        tokens[token] = detail::TokenRecord{now, issued_unix, next_serial++, false};
        token_order.emplace_back(token, now);
        issued_log.push_back(token);
        while (issued_log.size() > detail::max_issued_log) issued_log.pop_front();
        ++tokens_issued;
        return token;
    }

    OrgReply issue_token(bool signed_reply = true) {
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(request_time.wall.time_since_epoch()).count();
        const std::string token = new_token(request_time.steady, ms / 1000);
        const std::string issued_at = std::to_string(opts.issued_at_in_seconds ? ms / 1000 : ms);
        boost::json::object o;
        o["access_token"] = token;
        if (signed_reply && opts.send_signature) {
            o["signature"] = token_signature(opts.consumer_secret, identity, issued_at);
        }
        o["token_format"] = "opaque";
        o["scope"] = "api";
        o["instance_url"] = instance;
        o["id"] = identity;
        o["token_type"] = "Bearer";
        o["issued_at"] = issued_at;
        o["api_instance_url"] = "https://api.salesforce.com";
        OrgReply r = detail::json_reply(200, o);
        r.headers.emplace_back("Cache-Control", std::string(detail::no_store));
        return r;
    }

    boost::json::object userinfo_json() const {
        const std::string rest = instance + "/services/data/v{version}/";
        const std::string org15 = opts.organization_id.substr(0, 15);
        boost::json::object urls;
        urls["enterprise"] = instance + "/services/Soap/c/{version}/" + org15;
        urls["partner"] = instance + "/services/Soap/u/{version}/" + org15;
        urls["rest"] = rest;
        for (const char* name : {"sobjects", "search", "query", "recent"}) {
            urls[name] = rest + name + "/";
        }
        urls["profile"] = instance + "/" + opts.user_id;
        urls["custom_domain"] = instance;
        boost::json::object o;
        o["sub"] = identity;
        o["user_id"] = opts.user_id;
        o["organization_id"] = opts.organization_id;
        o["preferred_username"] = opts.username;
        o["nickname"] = opts.username.substr(0, opts.username.find('@'));
        o["name"] = "Integration User";
        o["email"] = opts.username;
        o["email_verified"] = true;
        o["given_name"] = "Integration";
        o["family_name"] = "User";
        o["zoneinfo"] = "America/Los_Angeles";
        o["profile"] = instance + "/" + opts.user_id;
        o["urls"] = std::move(urls);
        o["active"] = true;
        o["user_type"] = "STANDARD";
        o["language"] = "en_US";
        o["locale"] = "en_US";
        o["utcOffset"] = -28800000;
        o["updated_at"] = "2024-01-01T00:00:00Z";
        o["is_app_installed"] = true;
        o["is_salesforce_integration_user"] = false;
        return o;
    }

    OrgReply userinfo_endpoint(const OrgRequest& req) const {
        if (req.method != "GET" && req.method != "POST" && req.method != "HEAD") {
            return detail::method_not_allowed(req, "GET,POST");
        }
        std::string token = detail::bearer_token(req);
        if (token.empty()) {
            detail::Params params = detail::parse_form(detail::query_of(req.target));
            const detail::Params form = detail::form_of(req);
            params.insert(params.end(), form.begin(), form.end());
            token = detail::param(params, "access_token").value_or(detail::param(params, "oauth_token").value_or(""));
        }
        if (!token_valid(token)) {
            // What Salesforce's identity service answers for a missing, expired or revoked token.
            return detail::text_reply(403, "text/plain;charset=UTF-8", "Bad_OAuth_Token");
        }
        return detail::json_reply(200, userinfo_json());
    }

    OrgReply introspect_endpoint(const OrgRequest& req, Scenario s) const {
        if (req.method != "POST") {
            return detail::oauth_error(400, "invalid_request", "must use HTTP POST");
        }
        const detail::Params form = detail::form_of(req);
        if (auto failure = authenticate_client(req, form, s)) {
            return *failure;
        }
        const std::optional<std::string> token = detail::param(form, "token");
        if (!token || token->empty()) {
            return detail::oauth_error(400, "invalid_request", "token parameter is required");
        }
        boost::json::object o;
        if (!token_valid(*token)) {
            o["active"] = false;
            return detail::json_reply(200, o);
        }
        const std::int64_t iat = tokens.at(*token).issued_unix;
        o["active"] = true;
        o["scope"] = "api";
        o["client_id"] = opts.consumer_key;
        o["username"] = opts.username;
        o["sub"] = identity;
        o["token_type"] = "access_token";
        o["exp"] = iat + std::chrono::duration_cast<std::chrono::seconds>(token_lifetime).count();
        o["iat"] = iat;
        o["nbf"] = iat;
        return detail::json_reply(200, o);
    }

    OrgReply revoke_endpoint(const OrgRequest& req) {
        detail::Params params;
        if (req.method == "POST") {
            params = detail::form_of(req);
        } else if (req.method == "GET") {
            params = detail::parse_form(detail::query_of(req.target));
        } else {
            return detail::oauth_error(400, "invalid_request", "must use HTTP POST");
        }
        const std::string token = detail::param(params, "token").value_or("");
        if (!token_valid(token)) {
            return detail::oauth_error(400, "invalid_token", "Token was invalid");
        }
        tokens.at(token).revoked = true;
        return OrgReply{};
    }

    // ---- REST API ----

    boost::json::object account_json(const detail::Account& a, int version,
                                     const std::vector<std::string>& fields) const {
        boost::json::object attributes;
        attributes["type"] = "Account";
        attributes["url"] = detail::version_path(version) + "/sobjects/Account/" + a.id;
        boost::json::object o;
        o["attributes"] = std::move(attributes);
        for (const auto& f : fields) {
            o[f] = f == "Id" ? a.id : a.name;
        }
        return o;
    }

    OrgReply query_page(const std::string& locator, const detail::QueryCursor& c, std::size_t offset) const {
        boost::json::array records;
        const std::size_t end = std::min(c.total, offset + c.batch);
        for (std::size_t i = offset; i < end; ++i) {
            records.emplace_back(account_json(accounts.rows()[c.rows ? (*c.rows)[i] : i], c.version, c.fields));
        }
        boost::json::object o;
        o["totalSize"] = c.total;
        o["done"] = end >= c.total;
        if (end < c.total) {
            o["nextRecordsUrl"] = detail::version_path(c.version) + "/query/" + locator + "-" + std::to_string(end);
        }
        o["records"] = std::move(records);
        return detail::json_reply(200, o);
    }

    OrgReply run_query(const OrgRequest& req, int version, bool include_deleted) {
        const std::optional<std::string> q = detail::param(detail::parse_form(detail::query_of(req.target)), "q");
        if (!q || detail::trim(*q).empty()) {
            return detail::rest_error(400, "MALFORMED_QUERY", "A query string has to be specified");
        }
        auto parsed = detail::parse_soql(*q);
        if (auto* error = std::get_if<OrgReply>(&parsed)) {
            return std::move(*error);
        }
        const detail::Soql& soql = std::get<detail::Soql>(parsed);
        // query/ skips deleted rows, queryAll/ includes them (Salesforce's IsDeleted rows).
        std::shared_ptr<std::vector<std::size_t>> rows;
        std::size_t matching = accounts.rows().size();
        if (!include_deleted && accounts.deleted_count() > 0) {
            rows = std::make_shared<std::vector<std::size_t>>();
            for (std::size_t i = 0; i < accounts.rows().size(); ++i)
                if (!accounts.rows()[i].deleted) rows->push_back(i);
            matching = rows->size();
        }
        const std::size_t total = std::min(matching, soql.limit.value_or(matching));
        if (soql.count) {
            boost::json::object o;
            o["totalSize"] = total;
            o["done"] = true;
            o["records"] = boost::json::array{};
            return detail::json_reply(200, o);
        }
        const detail::QueryCursor cursor{version, soql.fields, total,
                                         detail::batch_size_hint(req.header("Sforce-Query-Options"),
                                                                 static_cast<std::size_t>(opts.query_batch_size)),
                                         std::move(rows)};
        const std::string locator = detail::to_18_char_id(
            "01g5g" + detail::random_string(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
        if (total > cursor.batch) {
            cursors[locator] = cursor;
            cursor_order.push_back(locator);
            while (cursor_order.size() > detail::max_cursors) {
                cursors.erase(cursor_order.front());
                cursor_order.pop_front();
            }
        }
        return query_page(locator, cursor, 0);
    }

    OrgReply next_page(std::string_view locator_and_offset) const {
        const std::size_t dash = locator_and_offset.rfind('-');
        if (dash != std::string_view::npos) {
            const auto it = cursors.find(std::string(locator_and_offset.substr(0, dash)));
            const std::string_view digits = locator_and_offset.substr(dash + 1);
            if (it != cursors.end() && !digits.empty() && digits.size() <= 9 &&
                detail::all_of_set(digits, "0123456789")) {
                const std::size_t offset = std::stoul(std::string(digits));
                if (offset < it->second.total) {
                    return query_page(it->first, it->second, offset);
                }
            }
        }
        return detail::rest_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    }

    OrgReply account_by_id(std::string_view id, int version) const {
        const auto i = accounts.find(id);
        if (!i || accounts.rows()[*i].deleted) return detail::not_found();
        boost::json::object o = account_json(accounts.rows()[*i], version, {"Id", "Name"});
        o["IsDeleted"] = false;
        o["CreatedDate"] = "2024-01-01T00:00:00.000+0000";
        o["OwnerId"] = opts.user_id;
        return detail::json_reply(200, o);
    }

    OrgReply api_endpoint(const OrgRequest& req, Scenario s) {
        const std::string_view path = std::string_view{req.target}.substr(0, req.target.find('?'));
        const bool get = req.method == "GET" || req.method == "HEAD";
        if (s == Scenario::api_unavailable) {
            return detail::server_unavailable();
        }
        if (detail::split_path(path.substr(std::string_view("/services/data").size())).empty()) {
            // the versions list needs no session and does not count against limits
            return get ? detail::versions_reply() : detail::method_not_allowed(req, "GET,HEAD");
        }
        if (!token_valid(detail::bearer_token(req))) {
            return detail::rest_error(401, "INVALID_SESSION_ID", "Session expired or invalid");
        }
        if (auto refusal = detail::api_refusal(s)) {
            if (s == Scenario::request_limit) api_usage = std::max(api_usage, detail::daily_api_limit);
            return *refusal;
        }
        ++api_usage;  // one API call, whatever it is (a composite call with its subrequests included)
        return api_resource(req, false);
    }

    // A resource under /services/data/vNN.0/, after authentication. `in_composite`: a subrequest.
    OrgReply api_resource(const OrgRequest& req, bool in_composite) {
        const std::string_view path = std::string_view{req.target}.substr(0, req.target.find('?'));
        if (!path.starts_with("/services/data/")) return detail::not_found();
        const std::vector<std::string_view> seg = detail::split_path(
            path.substr(std::string_view("/services/data").size()));
        const bool get = req.method == "GET" || req.method == "HEAD";
        const int version = seg.empty() ? 0 : detail::parse_version(seg[0]);
        const bool known_version = std::any_of(detail::api_versions.begin(), detail::api_versions.end(),
                                               [&](const auto& v) { return v.first == version; });
        const bool query = (seg.size() == 2 || seg.size() == 3) && (seg[1] == "query" || seg[1] == "queryAll");
        const bool account = (seg.size() == 3 || seg.size() == 4) && seg[1] == "sobjects" &&
                             detail::iequals(seg[2], "Account");
        const bool limits = seg.size() == 2 && seg[1] == "limits";
        const bool composite = seg.size() == 2 && seg[1] == "composite" && !in_composite;
        if (!known_version || !(seg.size() == 1 || query || account || limits || composite)) {
            return detail::not_found();
        }
        if (composite) {
            if (req.method != "POST") return detail::method_not_allowed(req, "POST");
            return detail::run_composite(req, accounts, [&](const OrgRequest& sub) { return api_resource(sub, true); });
        }
        if (account) return account_resource(req, seg, version);
        if (!get) {
            return detail::method_not_allowed(req, "GET,HEAD");
        }
        if (seg.size() == 1) return detail::resources_reply(version, identity);
        if (limits) return detail::limits_reply(api_usage);
        if (query) return seg.size() == 2 ? run_query(req, version, seg[1] == "queryAll") : next_page(seg[2]);
        return detail::not_found();
    }

    // sobjects/Account/ (POST creates) and sobjects/Account/{id} (GET, PATCH, DELETE).
    OrgReply account_resource(const OrgRequest& req, const std::vector<std::string_view>& seg, int version) {
        if (seg.size() == 3) {
            if (req.method != "POST") return detail::method_not_allowed(req, "POST");
            return accounts.create(req.body, detail::version_path(version));
        }
        if (req.method == "GET" || req.method == "HEAD") return account_by_id(seg[3], version);
        if (req.method == "PATCH") return accounts.update(seg[3], req.body);
        if (req.method == "DELETE") return accounts.remove(seg[3]);
        return detail::method_not_allowed(req, "GET,HEAD,PATCH,DELETE");
    }

    OrgReply handle(const OrgRequest& req) {
        request_time = now();
        apply_scheduled_expiry(request_time.steady);
        const std::optional<Route> route = route_of(req.target);
        const Scenario s = scenario_for(route);
        if (!route) {
            return detail::not_found();
        }
        if (s == Scenario::token_unavailable && *route != Route::api) {
            return detail::service_unavailable_page();
        }
        switch (*route) {
            case Route::token: return token_endpoint(req, s);
            case Route::userinfo: return userinfo_endpoint(req);
            case Route::introspect: return introspect_endpoint(req, s);
            case Route::revoke: return revoke_endpoint(req);
            case Route::api: {
                OrgReply r = api_endpoint(req, s);
                r.headers.emplace_back("Sforce-Limit-Info", "api-usage=" + std::to_string(api_usage) + "/" +
                                                                std::to_string(detail::daily_api_limit));
                return r;
            }
            case Route::any: break;
        }
        return detail::not_found();
    }
};

// ---------------------------------------------------------------------------------------------
// OrgModel

SFCONNECT_TESTING_DECL OrgModel::OrgModel(EmulatorOptions options) : org_(std::make_unique<Org>(std::move(options))) {}
SFCONNECT_TESTING_DECL OrgModel::~OrgModel() = default;
SFCONNECT_TESTING_DECL OrgModel::OrgModel(OrgModel&&) noexcept = default;
SFCONNECT_TESTING_DECL OrgModel& OrgModel::operator=(OrgModel&&) noexcept = default;

SFCONNECT_TESTING_DECL OrgReply OrgModel::handle(const OrgRequest& request) { return org_->handle(request); }

SFCONNECT_TESTING_DECL const EmulatorOptions& OrgModel::options() const noexcept { return org_->opts; }
SFCONNECT_TESTING_DECL const std::string& OrgModel::instance_url() const noexcept { return org_->instance; }
SFCONNECT_TESTING_DECL const std::string& OrgModel::identity_url() const noexcept { return org_->identity; }

SFCONNECT_TESTING_DECL void OrgModel::set_scenario(Scenario scenario) {
    org_->current_scenario = scenario;
    org_->propagating_failures_left = scenario == Scenario::propagating ? org_->opts.propagating_token_failures : 0;
}

SFCONNECT_TESTING_DECL Scenario OrgModel::scenario() const noexcept { return org_->current_scenario; }

SFCONNECT_TESTING_DECL void OrgModel::set_token_lifetime(std::chrono::milliseconds lifetime) {
    if (lifetime.count() <= 0) {
        throw std::invalid_argument("sfconnect::testing::Emulator: token lifetime must be positive");
    }
    org_->token_lifetime = lifetime;
}

SFCONNECT_TESTING_DECL void OrgModel::expire_all_tokens() { org_->expire_all(); }

SFCONNECT_TESTING_DECL void OrgModel::apply_scheduled_expiry(std::chrono::steady_clock::time_point now) {
    org_->apply_scheduled_expiry(now);
}

SFCONNECT_TESTING_DECL OrgTime OrgModel::now() const { return org_->now(); }

SFCONNECT_TESTING_DECL std::vector<std::string> OrgModel::issued_tokens() const {
    return std::vector<std::string>(org_->issued_log.begin(), org_->issued_log.end());
}

SFCONNECT_TESTING_DECL std::size_t OrgModel::remembered_tokens() const noexcept { return org_->tokens.size(); }
SFCONNECT_TESTING_DECL std::uint64_t OrgModel::tokens_issued() const noexcept { return org_->tokens_issued; }
SFCONNECT_TESTING_DECL std::uint64_t OrgModel::token_invalidations() const noexcept {
    return org_->token_invalidations;
}

SFCONNECT_TESTING_DECL void OrgModel::reset_counters() noexcept {
    org_->tokens_issued = 0;
    org_->token_invalidations = 0;
}

}  // namespace testing
}  // namespace sfconnect

#endif
