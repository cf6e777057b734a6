// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// The REST request algorithm's side of compression and client identification, without sockets:
// Accept-Encoding and Sforce-Call-Options on the request, gzip/deflate bodies decoded, limits,
// unknown encodings, lower-case Sforce-Limit-Info.

#include <sfconnect/endpoints.hpp>
#include <sfconnect/detail/sansio/rest_request.hpp>

#include "catch.hpp"
#include "support/zlib_compress.hpp"

#include <zlib.h>

#include <string>
#include <utility>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace rest_compression_test {

using namespace sfconnect;
namespace sansio = sfconnect::detail::sansio;
using sansio::action_kind;

namespace {

std::string gzip(const std::string& text, int window_bits = 31) {
    return sfconnect::test::zlib_compress(text, window_bits, 9);
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// One request through the algorithm: the request as sent, and the outcome of the scripted reply.
struct OneExchange {
    TokenClientOptions options;
    Secret secret{"TEST-SECRET-0123456789"};
    std::string call_options;
    detail::client_credentials_grant grant{ConsumerCredentials::create("KEY", "TEST-SECRET-0123456789").value()};
    HttpRequest sent;
    Response out;
    Diagnostics diag;

    error_code run(const RequestOptions& ro, const Fields& reply_headers, std::string body) {
        call_options = sansio::call_options_value(options);
        const sansio::client_context ctx{"acme.my.salesforce.com", "ua", options, secret, "", "", call_options, grant};
        const Target target = endpoints::version_root.bind("62.0");
        sansio::rest_request algo(ctx, target, ro, out);
        sansio::action a = algo.resume({}, 0.5, diag);
        REQUIRE(a.kind == action_kind::need_token);
        AccessToken t;
        t.access_token = Secret("00DTESTTOKEN0123456789");
        algo.set_token(std::make_shared<const AccessToken>(std::move(t)));
        a = algo.resume({}, 0.5, diag);
        REQUIRE(a.kind == action_kind::exchange);
        sent = algo.request();
        HttpResponse& res = algo.response();
        res.result(200);
        for (const auto& [k, v] : reply_headers) res.set(k, v);
        res.body() = std::move(body);
        a = algo.resume({}, 0.5, diag);
        REQUIRE(a.kind == action_kind::done);
        return a.ec;
    }
    std::string field(std::string_view name) const {
        auto it = sent.find(name);
        return it == sent.end() ? std::string("<absent>") : std::string(it->value());
    }
};

std::string json_text() { return R"({"records":[)" + std::string(5000, ' ') + R"(],"done":true})"; }

}  // namespace

TEST_CASE("REST requests ask for gzip and deflate and name the client by default", "[compression][headers]") {
    OneExchange x;
    CHECK_FALSE(x.run({}, {{"Content-Type", "application/json"}}, "{}"));
    CHECK(x.field("Accept-Encoding") == "gzip, deflate");
    CHECK(x.field("Sforce-Call-Options") == "client=sfconnect/" + std::string(version_string));
}

TEST_CASE("the per-client and per-request switches, the client name override", "[compression][headers]") {
    OneExchange off;
    off.options.compress_replies = false;
    off.options.client_name = "acme-billing/2.1";
    CHECK_FALSE(off.run({}, {}, ""));
    CHECK(off.field("Accept-Encoding") == "<absent>");
    CHECK(off.field("Sforce-Call-Options") == "client=acme-billing/2.1");

    OneExchange on_again;
    on_again.options.compress_replies = false;
    CHECK_FALSE(on_again.run(RequestOptions{.compress_reply = true}, {}, ""));
    CHECK(on_again.field("Accept-Encoding") == "gzip, deflate");

    OneExchange per_request;
    per_request.options.client_name = "";
    CHECK_FALSE(per_request.run(RequestOptions{.compress_reply = false}, {}, ""));
    CHECK(per_request.field("Accept-Encoding") == "<absent>");
    CHECK(per_request.field("Sforce-Call-Options") == "<absent>");
}

TEST_CASE("client names that cannot go in a header are refused at setup", "[compression][headers]") {
    for (const char* bad : {"my app", "a,b", "a;b", "quote\"", "tab\t", "new\nline", "caf\xc3\xa9"}) {
        TokenClientOptions o;
        o.client_name = bad;
        Diagnostics d;
        CHECK(sansio::check_client_name(o, d) == make_error_code(boost::system::errc::invalid_argument));
        CHECK(d.phase == Phase::setup);
        CHECK(d.message.find("client_name") != std::string::npos);
    }
    TokenClientOptions o;
    o.client_name = std::string(129, 'a');
    Diagnostics d;
    CHECK(sansio::check_client_name(o, d));
    for (const char* good : {"", "acme", "acme-billing/2.1", "a.b_c:d"}) {
        o.client_name = good;
        CHECK_FALSE(sansio::check_client_name(o, d));
    }
}

TEST_CASE("gzip and deflate bodies are decoded, identity and absent encodings pass", "[compression]") {
    for (const auto& [encoding, bits] :
         std::vector<std::pair<std::string, int>>{{"gzip", 31}, {"deflate", 15}, {"deflate", -15}, {"GZIP", 31}}) {
        OneExchange x;
        INFO(encoding << " " << bits);
        CHECK_FALSE(
            x.run({}, {{"Content-Type", "application/json"}, {"Content-Encoding", encoding}}, gzip(json_text(), bits)));
        CHECK(x.out.body == json_text());
        Diagnostics d;
        CHECK_FALSE(sansio::parse_json_body(x.out, d));
        CHECK(x.out.json.as_object().at("done").as_bool());
    }
    OneExchange plain;  // a server that ignores Accept-Encoding
    CHECK_FALSE(plain.run({}, {{"Content-Encoding", "identity"}}, json_text()));
    CHECK(plain.out.body == json_text());
}

TEST_CASE("the decoded body is reserved from gzip's stated size, within the limits", "[compression]") {
    const std::string text(100'000, 'x');
    const std::string gz = gzip(text);
    detail::decode_limits limits;  // 8 MiB, no ratio limit
    CHECK(sansio::decoded_size_hint(detail::content_coding::gzip, gz, limits) == text.size());
    CHECK(sansio::decoded_size_hint(detail::content_coding::deflate, gzip(text, 15), limits) ==
          gzip(text, 15).size() * 8);  // no stated size: a typical JSON ratio
    std::string hostile = gz;          // a trailer claiming 4 GiB - 1 reserves no more than the output limit
    hostile.replace(hostile.size() - 4, 4, std::string(4, '\xff'));
    CHECK(sansio::decoded_size_hint(detail::content_coding::gzip, hostile, limits) == limits.max_output);
    limits.max_ratio = 10;
    limits.ratio_floor = 1000;
    CHECK(sansio::decoded_size_hint(detail::content_coding::gzip, hostile, limits) == gz.size() * 10);
    CHECK(sansio::decoded_size_hint(detail::content_coding::gzip, "short", limits) ==
          5 * 8);   // too short for a trailer
    OneExchange x;  // and the body decodes whole
    CHECK_FALSE(x.run({}, {{"Content-Encoding", "gzip"}}, gz));
    CHECK(x.out.body == text);
}

TEST_CASE("decoding failures are bad_response naming what went wrong", "[compression]") {
    OneExchange unknown;
    CHECK(unknown.run({}, {{"Content-Encoding", "br"}}, "xyz") == errc::bad_response);
    CHECK(unknown.diag.message.find("'br'") != std::string::npos);
    CHECK(unknown.diag.phase == Phase::api);

    const std::string wire = gzip(json_text());
    OneExchange truncated;
    CHECK(truncated.run({}, {{"Content-Encoding", "gzip"}}, wire.substr(0, wire.size() - 5)) == errc::bad_response);
    CHECK(truncated.diag.message.find("truncated") != std::string::npos);

    OneExchange corrupt;
    CHECK(corrupt.run({}, {{"Content-Encoding", "gzip"}}, "definitely not gzip") == errc::bad_response);

    OneExchange too_large;  // the limit applies to the decoded size
    const RequestOptions small{.max_response_bytes = 1000};
    CHECK(too_large.run(small, {{"Content-Encoding", "gzip"}}, wire) == errc::bad_response);
    CHECK(too_large.diag.message.find("1000 bytes") != std::string::npos);
    CHECK(too_large.diag.hint.find("max_response_bytes") != std::string::npos);

    OneExchange bomb;
    bomb.options.max_decompression_ratio = 10;
    const std::string zeros(4 << 20, '\0');
    CHECK(bomb.run({}, {{"Content-Encoding", "gzip"}}, gzip(zeros)) == errc::bad_response);
    CHECK(bomb.diag.hint.find("max_decompression_ratio") != std::string::npos);
}

TEST_CASE("Sforce-Limit-Info is read whatever the case of its name", "[compression][headers][limit_info]") {
    for (const char* name : {"Sforce-Limit-Info", "sforce-limit-info", "SFORCE-LIMIT-INFO"}) {
        OneExchange x;
        CHECK_FALSE(x.run({}, {{name, "api-usage=18/15000"}}, ""));
        REQUIRE(x.out.limit_info.has_value());
        REQUIRE(x.out.limit_info->api_usage.has_value());
        CHECK(x.out.limit_info->api_usage->used == 18);
        CHECK(x.out.header("sforce-limit-info") == "api-usage=18/15000");
    }
}

}  // namespace rest_compression_test
