// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_COMPOSITE_HPP
#define SFCONNECT_COMPOSITE_HPP

/// @file
/// Composite requests: up to 25 subrequests in one call to /services/data/vNN.0/composite, which
/// counts as ONE call against the org's daily API limit.
///
/// @code
///   sfconnect::CompositeRequest batch;
///   batch.all_or_none(true)
///       .create("64.0", "Account", "NewAccount", {{"Name", "Acme"}})
///       .get("64.0", "Account", "@{NewAccount.id}", "ReadBack");
///   sfconnect::CompositeResult result = co_await client.async_composite("64.0", batch, net::use_awaitable);
///   for (const auto& sub : result.subresponses) if (sub.ec) std::cerr << sub.diag.message;
/// @endcode
///
/// The limits are checked before anything is sent (check_composite_request): more than 25
/// subrequests, a missing, malformed or duplicate referenceId, a reference to a later or unknown
/// subrequest, an unsupported method, a URL outside /services/data/vNN.0/, a body on GET or DELETE,
/// or more than 5 query subrequests are local errors naming the subrequest and the fix.
/// parse_composite_result is pure (fuzzed in fuzz/fuzz_composite_result.cpp); each subrequest's
/// error is mapped by map_api_error, so it carries the same error ids and hints as a single request.

#include <sfconnect/api_version.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/limit_info.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace sfconnect {

/// The most subrequests one composite call may carry.
inline constexpr std::size_t max_composite_subrequests = 25;
/// The most query (query/ and queryAll/) subrequests one composite call may carry.
inline constexpr std::size_t max_composite_queries = 5;

/// One subrequest of a composite call.
struct CompositeSubrequest {
    /// GET, POST, PUT, PATCH or DELETE.
    Method method = Method::get;
    /// The resource, starting with /services/data/vNN.0/; may contain references such as
    /// `@{NewAccount.id}` to earlier subrequests' results.
    std::string url;
    /// The name later subrequests and the result use for this one: a letter, then letters, digits
    /// or '_' (at most 80 characters), unique within the call.
    std::string reference_id;
    /// The JSON body (POST, PUT, PATCH only); string values may hold references.
    std::optional<boost::json::value> body{};
    /// Extra headers for this subrequest (`httpHeaders`), e.g. {"If-Match", etag}.
    std::vector<std::pair<std::string, std::string>> http_headers{};
};

/// A composite call under construction: subrequests in order plus the `allOrNone` and
/// `collateSubrequests` flags. The typed helpers build the URL from checked parts (each value
/// percent-encoded, except a whole `@{ref.field}` reference, which is kept as it is).
class CompositeRequest {
public:
    /// `allOrNone`: when true, any failing subrequest rolls back every one (default false).
    CompositeRequest& all_or_none(bool value) noexcept {
        all_or_none_ = value;
        return *this;
    }
    /// `collateSubrequests`: lets Salesforce group independent subrequests (default false).
    CompositeRequest& collate_subrequests(bool value) noexcept {
        collate_ = value;
        return *this;
    }
    /// Adds a subrequest as it is (checked when sent, or by check_composite_request).
    CompositeRequest& add(CompositeSubrequest subrequest) {
        subrequests_.push_back(std::move(subrequest));
        return *this;
    }
    /// POST .../sobjects/{sobject}/ with `fields`: creates a record (its id is `@{ref.id}`).
    SFCONNECT_DECL CompositeRequest& create(ApiVersion version, std::string_view sobject, std::string reference_id,
                                            boost::json::object fields);
    /// PATCH .../sobjects/{sobject}/{id} with `fields`: updates a record.
    SFCONNECT_DECL CompositeRequest& update(ApiVersion version, std::string_view sobject, std::string_view id,
                                            std::string reference_id, boost::json::object fields);
    /// DELETE .../sobjects/{sobject}/{id}.
    SFCONNECT_DECL CompositeRequest& remove(ApiVersion version, std::string_view sobject, std::string_view id,
                                            std::string reference_id);
    /// GET .../sobjects/{sobject}/{id}.
    SFCONNECT_DECL CompositeRequest& get(ApiVersion version, std::string_view sobject, std::string_view id,
                                         std::string reference_id);
    /// GET .../query/?q={soql} (references in the SOQL are kept as they are).
    SFCONNECT_DECL CompositeRequest& query(ApiVersion version, std::string_view soql, std::string reference_id);

    /// The subrequests, in order.
    const std::vector<CompositeSubrequest>& subrequests() const noexcept { return subrequests_; }
    /// The `allOrNone` flag.
    bool all_or_none() const noexcept { return all_or_none_; }
    /// The `collateSubrequests` flag.
    bool collate_subrequests() const noexcept { return collate_; }

private:
    std::vector<CompositeSubrequest> subrequests_;
    bool all_or_none_ = false;
    bool collate_ = false;
};

/// Checks a composite call before it is sent (see the file comment for the rules). On failure
/// returns boost::system::errc::invalid_argument and fills `diag` (phase setup) with a message
/// naming the subrequest (its position and referenceId) and a hint with the fix.
SFCONNECT_DECL error_code check_composite_request(const CompositeRequest& request, Diagnostics& diag);

/// The JSON body of the composite call: {"allOrNone", "collateSubrequests", "compositeRequest": [...]}.
SFCONNECT_DECL boost::json::value composite_body(const CompositeRequest& request);

/// One subrequest's result.
struct CompositeSubresponse {
    /// The subrequest's referenceId.
    std::string reference_id;
    /// Its HTTP status (`httpStatusCode`).
    int http_status = 0;
    /// Its body as JSON (null when it had none, e.g. 204).
    boost::json::value body;
    /// Its `httpHeaders` (e.g. Location), as sent.
    boost::json::object http_headers;
    /// Success, or the error a single request with this status and body would give (map_api_error).
    error_code ec;
    /// The error's details (message, hint, server errorCode and message), empty on success.
    Diagnostics diag;
    /// True for a 2xx subresult.
    bool ok() const noexcept { return !ec; }
};

/// The result of a composite call: one entry per subrequest, in order.
struct CompositeResult {
    /// The subresults.
    std::vector<CompositeSubresponse> subresponses;
    /// `Sforce-Limit-Info` of the reply (the call counts once).
    std::optional<LimitInfo> limit_info;
    /// True when every subrequest succeeded.
    bool all_ok() const noexcept {
        for (const auto& s : subresponses)
            if (s.ec) return false;
        return !subresponses.empty();
    }
    /// The subresult with this referenceId, or nullptr.
    const CompositeSubresponse* find(std::string_view reference_id) const noexcept {
        for (const auto& s : subresponses)
            if (s.reference_id == reference_id) return &s;
        return nullptr;
    }
};

/// Parses a composite reply body (pure, no I/O): {"compositeResponse": [{"body", "httpHeaders",
/// "httpStatusCode", "referenceId"}, ...]}. Each non-2xx subresult gets its ec and diag from
/// map_api_error. A reply of another shape is errc::bad_response with `diag` naming the field.
SFCONNECT_DECL boost::system::result<CompositeResult> parse_composite_result(const boost::json::value& reply,
                                                                             Diagnostics& diag);

namespace detail {

/// POST /services/data/vNN.0/composite.
SFCONNECT_DECL Target make_composite_target(ApiVersion version);

// The composite call on any client with async_request(Target, RequestOptions, Diagnostics&, token)
// and get_executor(). The request is checked first; a local error completes (posted) without I/O.
template <class Client>
struct composite_op {
    struct State {
        Client* client = nullptr;
        Diagnostics owned;            // used when the caller passed no Diagnostics
        Diagnostics* diag = nullptr;  // the caller's or `owned`
        std::optional<Target> target;
        RequestOptions request;
        error_code setup_error;
    };
    std::shared_ptr<State> st;
    bool started = false;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, Response reply = {}) {
        if (!started) {
            started = true;
            if (st->setup_error) {
                auto ex = st->client->get_executor();
                boost::asio::post(ex, std::move(self));  // never complete inside the initiation
                return;
            }
            st->client->async_request(*st->target, std::move(st->request), *st->diag, std::move(self));
            return;
        }
        if (st->setup_error) return self.complete(st->setup_error, CompositeResult{});
        if (ec) return self.complete(ec, CompositeResult{});
        auto result = parse_composite_result(reply.json, *st->diag);
        if (!result) return self.complete(result.error(), CompositeResult{});
        result->limit_info = std::move(reply.limit_info);
        self.complete(error_code{}, std::move(*result));
    }
};

template <class Client>
std::shared_ptr<typename composite_op<Client>::State> composite_state(Client& client, ApiVersion version,
                                                                      const CompositeRequest& request,
                                                                      Diagnostics* diag) {
    auto st = std::make_shared<typename composite_op<Client>::State>();
    st->client = &client;
    st->diag = diag ? diag : &st->owned;
    st->setup_error = check_composite_request(request, *st->diag);
    if (!st->setup_error) {
        st->target = make_composite_target(version);
        st->request.json = composite_body(request);
    }
    return st;
}

template <class Executor, class Client>
boost::asio::awaitable<CompositeResult, Executor> composite_throwing(
    std::shared_ptr<typename composite_op<Client>::State> st) {
    auto completion = boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{});
    auto op = boost::asio::async_compose<decltype(completion), void(error_code, CompositeResult)>(
        composite_op<Client>{st}, completion, st->client->get_executor());
    auto [ec, result] = co_await std::move(op);
    throw_on_error(ec, *st->diag);
    co_return std::move(result);
}

template <class Client, class CompletionToken>
auto composite_dispatch(Client& client, ApiVersion version, const CompositeRequest& request, Diagnostics* diag,
                        CompletionToken&& token) {
    auto st = composite_state(client, version, request, diag);
    using traits = awaitable_token<std::decay_t<CompletionToken>>;
    if constexpr (traits::plain) {
        return composite_throwing<typename traits::executor_type, Client>(std::move(st));
    } else {
        return boost::asio::async_compose<CompletionToken, void(error_code, CompositeResult)>(
            composite_op<Client>{std::move(st)}, token, client.get_executor());
    }
}

}  // namespace detail

/// Sends `request` as one composite call on `client` (TokenClient, BasicTokenClient or anything with
/// their async_request and get_executor). Completion signature: void(error_code, CompositeResult).
/// The call succeeds when the composite reply arrives, even if subrequests failed: check each
/// CompositeSubresponse::ec. A local check failure (see check_composite_request) completes with
/// invalid_argument and sends nothing. `diag` receives the details of a failure of the call
/// itself and must outlive the operation. With `use_awaitable` a failure throws ErrorWithDiagnostics.
template <class Client, class CompletionToken = boost::asio::deferred_t>
auto async_composite(Client& client, ApiVersion version, const CompositeRequest& request, Diagnostics& diag,
                     CompletionToken&& token = {}) {
    return detail::composite_dispatch(client, version, request, &diag, std::forward<CompletionToken>(token));
}

/// async_composite() without a Diagnostics argument (a use_awaitable failure still throws
/// ErrorWithDiagnostics with the details).
template <class Client, class CompletionToken = boost::asio::deferred_t>
    requires(!std::is_same_v<std::remove_cvref_t<CompletionToken>, Diagnostics>)
auto async_composite(Client& client, ApiVersion version, const CompositeRequest& request,
                     CompletionToken&& token = {}) {
    return detail::composite_dispatch(client, version, request, nullptr, std::forward<CompletionToken>(token));
}

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/composite.ipp>
#endif

#endif
