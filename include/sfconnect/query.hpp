// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_QUERY_HPP
#define SFCONNECT_QUERY_HPP

/// @file
/// The query cursor: a SOQL query read one page at a time, following `nextRecordsUrl`.
///
/// @code
///   auto cursor = client.async_query("64.0", "SELECT Id, Name FROM Account");
///   while (!cursor.done()) {
///       sfconnect::QueryPage page = co_await cursor.async_next(net::use_awaitable);
///       for (const auto& record : page.records) use(record);
///   }
/// @endcode
///
/// The paging decisions are pure functions (parse_query_page, next_query_target) with no I/O; the
/// cursor only runs them around the client's async_request. Memory is bounded by one page: a page's
/// records are moved into the QueryPage the caller receives and nothing else is kept.

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
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sfconnect {

/// The smallest `batchSize` Salesforce accepts in `Sforce-Query-Options`.
inline constexpr int min_query_batch_size = 200;
/// The largest `batchSize` (and the default page size) of a Salesforce query.
inline constexpr int max_query_batch_size = 2000;

/// Options of a query cursor (designated initializers: `{.batch_size = 500}`).
struct QueryOptions {
    /// Records per page asked for with `Sforce-Query-Options: batchSize=N`; 200-2000. Salesforce
    /// treats it as a hint (a page may hold fewer). Unset: the server's default (2,000).
    std::optional<int> batch_size{};
    /// Body size limit of each page's reply (default: TokenClientOptions::max_response_bytes).
    std::optional<std::size_t> max_response_bytes{};
};

/// One page of query results.
struct QueryPage {
    /// The page's records, as the server sent them (each with its `attributes`). They keep the
    /// reply's memory resource (see Response::json): move-construct to keep them; assigning copies.
    boost::json::array records;
    /// `totalSize`: the number of records the whole query matches.
    std::uint64_t total_size = 0;
    /// `done`: true on the last page.
    bool done = true;
    /// `nextRecordsUrl` of a page that is not the last (checked by next_query_target); empty on the last.
    std::string next_records_url;
    /// `Sforce-Limit-Info` of the page's reply, when it carried one (filled by the cursor).
    std::optional<LimitInfo> limit_info;
};

/// Checks QueryOptions before anything is sent: batch_size within 200-2000. On failure returns
/// boost::system::errc::invalid_argument and fills `diag` (phase setup, the value, the fix).
SFCONNECT_DECL error_code check_query_options(const QueryOptions& options, Diagnostics& diag);

/// The first request of a query: GET /services/data/vNN.0/query/?q={soql} (or queryAll/ when
/// `include_deleted`), the SOQL percent-encoded as one query component. Empty or blank SOQL fails
/// with boost::system::errc::invalid_argument and fills `diag` (phase setup).
SFCONNECT_DECL boost::system::result<Target> first_query_target(ApiVersion version, std::string_view soql,
                                                                bool include_deleted, Diagnostics& diag);

/// Parses one page of a query reply (pure, no I/O). Requires an object with `records` (array),
/// `totalSize` (non-negative integer) and `done` (bool), and `nextRecordsUrl` (string) when not
/// done. The records are moved out of `reply`. On failure returns errc::bad_response and fills
/// `diag` (phase api) naming the field.
SFCONNECT_DECL boost::system::result<QueryPage> parse_query_page(boost::json::value&& reply, Diagnostics& diag);

/// Decides the next page's request from a `nextRecordsUrl` (pure). The text must pass
/// runtime_target()'s checks and stay a query locator: /services/data/vNN.0/query/{locator} or
/// /services/data/vNN.0/queryAll/{locator}, nothing more. Anything else (another path under
/// /services/, a host, "..") fails with errc::bad_response and `diag` saying the reply was refused.
SFCONNECT_DECL boost::system::result<Target> next_query_target(std::string_view next_records_url, Diagnostics& diag);

/// The request options of every page: the batch size header and the body limit.
SFCONNECT_DECL RequestOptions query_request_options(const QueryOptions& options);

/// A SOQL query read page by page. Made by `client.async_query()` / `client.async_query_all()`
/// (or directly over any client with async_request and get_executor). No request is sent before
/// the first async_next(). The client must outlive the cursor's operations. Destroying the cursor
/// (or close()) stops the fetching: no further page is requested; a page already in flight still
/// completes its handler. Not thread-safe: one async_next() at a time.
template <class Client>
class QueryCursor {
public:
    /// A cursor over `soql` on `client`: GET .../query/ (or .../queryAll/ when `include_deleted`:
    /// deleted and archived records too). Bad input (blank SOQL, a batch size outside 200-2000) is
    /// reported by the first async_next(), before anything is sent.
    QueryCursor(Client& client, ApiVersion version, std::string_view soql, QueryOptions options = {},
                bool include_deleted = false)
        : state_(std::make_shared<State>(client, version, soql, options, include_deleted)) {}

    /// True once the last page was delivered, after close(), or after an error.
    bool done() const noexcept { return state_->done; }
    /// `totalSize` from the first page (0 before it arrives).
    std::uint64_t total_size() const noexcept { return state_->total; }
    /// Pages delivered so far.
    std::size_t pages() const noexcept { return state_->pages; }
    /// Details of the last failure.
    const Diagnostics& diagnostics() const noexcept { return state_->diag; }
    /// Stops the cursor: done() becomes true and no further page is requested.
    void close() noexcept { state_->done = true; }

    /// Fetches the next page. Completion signature: void(error_code, QueryPage). After the last
    /// page (done()) it completes at once with an empty page. Any error (the server's, a reply
    /// that is not a query page, a nextRecordsUrl leaving the query path) ends the cursor; its
    /// details are in diagnostics(). Cancellation through the token's cancellation slot stops the
    /// request in flight (operation_aborted) and ends the cursor. With `use_awaitable` a failure
    /// throws ErrorWithDiagnostics.
    template <class CompletionToken = boost::asio::deferred_t>
    auto async_next(CompletionToken&& token = {}) {
        using traits = detail::awaitable_token<std::decay_t<CompletionToken>>;
        if constexpr (traits::plain) {
            return next_throwing<typename traits::executor_type>(state_);
        } else {
            return boost::asio::async_compose<CompletionToken, void(error_code, QueryPage)>(
                next_op{state_}, token, state_->client->get_executor());
        }
    }

private:
    struct State {
        State(Client& c, ApiVersion version, std::string_view soql, const QueryOptions& options, bool all)
            : client(&c), request(query_request_options(options)) {
            auto first = first_query_target(version, soql, all, setup_diag);
            if (!first) {
                setup_error = first.error();
                return;
            }
            next = std::move(*first);
            setup_error = check_query_options(options, setup_diag);
        }
        Client* client;
        std::optional<Target> next;
        RequestOptions request;
        Diagnostics diag;
        Diagnostics setup_diag;
        error_code setup_error;
        std::uint64_t total = 0;
        std::size_t pages = 0;
        bool done = false;
        bool in_flight = false;
    };

    struct next_op {
        std::shared_ptr<State> st;
        int step = 0;
        error_code early{};

        template <class Self>
        void operator()(Self& self, error_code ec = {}, Response reply = {}) {
            if (step == 0) return start(self);
            if (step == 2) return self.complete(early, QueryPage{});
            st->in_flight = false;
            if (!ec && st->done) ec = boost::asio::error::operation_aborted;  // closed meanwhile
            if (ec) {
                st->done = true;
                return self.complete(ec, QueryPage{});
            }
            auto page = parse_query_page(std::move(reply.json), st->diag);
            if (!page) return fail(self, page.error());
            if (!page->done) {
                auto target = next_query_target(page->next_records_url, st->diag);
                if (!target) return fail(self, target.error());
                st->next = std::move(*target);
            }
            st->done = page->done;
            if (st->pages++ == 0) st->total = page->total_size;
            page->limit_info = std::move(reply.limit_info);
            self.complete(error_code{}, std::move(*page));
        }

        template <class Self>
        void start(Self& self) {
            step = 1;
            if (st->setup_error || st->in_flight || st->done) {
                if (st->setup_error) {
                    early = st->setup_error;
                    st->diag = st->setup_diag;
                    st->done = true;
                } else if (st->in_flight) {
                    early = boost::system::errc::make_error_code(boost::system::errc::operation_in_progress);
                }
                step = 2;
                auto ex = st->client->get_executor();
                boost::asio::post(ex, std::move(self));  // never complete inside the initiation
                return;
            }
            st->in_flight = true;
            st->diag.clear();
            st->client->async_request(*st->next, st->request, st->diag, std::move(self));
        }

        template <class Self>
        void fail(Self& self, error_code ec) {
            st->done = true;
            self.complete(ec, QueryPage{});
        }
    };

    template <class Executor>
    static boost::asio::awaitable<QueryPage, Executor> next_throwing(std::shared_ptr<State> st) {
        auto completion = boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{});
        auto op = boost::asio::async_compose<decltype(completion), void(error_code, QueryPage)>(
            next_op{st}, completion, st->client->get_executor());
        auto [ec, page] = co_await std::move(op);
        throw_on_error(ec, st->diag);
        co_return std::move(page);
    }

    std::shared_ptr<State> state_;
};

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/query.ipp>
#endif

#endif
