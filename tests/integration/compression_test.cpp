// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// Compressed replies and client identification over real TLS against the emulator: gzip, deflate
// (zlib-wrapped and raw), a truncated stream, a decompression bomb, a server that ignores
// Accept-Encoding, the per-request switch, Sforce-Call-Options, lower-case Sforce-Limit-Info.
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>

#include "catch.hpp"
#include "support/emulator_client.hpp"

#include <boost/asio/io_context.hpp>

#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace compression_test {

namespace net = boost::asio;
using namespace sfconnect;
using sfconnect::testing::CompressionMode;
using sfconnect::testing::Emulator;
using sfconnect::testing::Fault;
using sfconnect::testing::RecordedRequest;
using sfconnect::testing::Route;

namespace {

struct Outcome {
    error_code ec;
    Diagnostics diag;
    Response response;
};

// One query for `limit` accounts through a fresh client.
Outcome query(Emulator& emu, int limit, RequestOptions ro = {}, TokenClientOptions options = {}, bool custom = false) {
    net::io_context io;
    TokenClientOptions o = custom ? options : test::fast_options_for(emu);
    TokenClient client(io.get_executor(), sfconnect::testing::site_of(emu), sfconnect::testing::credentials_for(emu),
                       std::move(o));
    ro.query = {{"q", "SELECT Id, Name FROM Account LIMIT " + std::to_string(limit)}};
    Outcome out;
    client.async_request(endpoints::query.bind("62.0"), std::move(ro), out.diag, [&](error_code ec, Response r) {
        out.ec = ec;
        out.response = std::move(r);
    });
    io.run();
    return out;
}

std::string sent_header(const Emulator& emu, std::string_view name) {
    const auto log = emu.recent_requests();
    for (auto it = log.rbegin(); it != log.rend(); ++it) {
        if (it->target.find("/services/data/") != 0) continue;
        for (const auto& [k, v] : it->headers) {
            if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                }))
                return v;
        }
        return "<absent>";
    }
    return "<no REST request>";
}

std::size_t records_of(const Outcome& out) { return out.response.json.as_object().at("records").as_array().size(); }

Emulator started(int accounts = 500) {
    sfconnect::testing::EmulatorOptions eo;
    eo.accounts = accounts;
    eo.query_batch_size = 2000;
    return Emulator(eo);
}

}  // namespace

TEST_CASE("a gzip reply is asked for, decoded and parsed", "[compression][integration]") {
    Emulator emu = started();
    emu.start();
    const Outcome out = query(emu, 300);
    REQUIRE_FALSE(out.ec);
    CHECK(out.response.header("Content-Encoding") == "gzip");
    CHECK(records_of(out) == 300);
    CHECK(sent_header(emu, "Accept-Encoding") == "gzip, deflate");
    CHECK(emu.stats().compressed_replies == 1);
}

TEST_CASE("a deflate reply, zlib-wrapped or raw, is decoded", "[compression][integration]") {
    Emulator emu = started();
    emu.start();
    const RequestOptions only_deflate{.headers = {{"Accept-Encoding", "deflate"}}};
    const Outcome wrapped = query(emu, 250, only_deflate);
    REQUIRE_FALSE(wrapped.ec);
    CHECK(wrapped.response.header("Content-Encoding") == "deflate");
    CHECK(records_of(wrapped) == 250);

    emu.set_compression(CompressionMode::raw_deflate);
    const Outcome raw = query(emu, 250, only_deflate);
    REQUIRE_FALSE(raw.ec);
    CHECK(raw.response.header("Content-Encoding") == "deflate");
    CHECK(records_of(raw) == 250);
    CHECK(emu.stats().compressed_replies == 2);
}

TEST_CASE("a server that ignores Accept-Encoding works, the per-request switch turns it off",
          "[compression][integration]") {
    Emulator emu = started();
    emu.start();
    emu.set_compression(CompressionMode::ignore);
    const Outcome ignored = query(emu, 40);
    REQUIRE_FALSE(ignored.ec);
    CHECK(sent_header(emu, "Accept-Encoding") == "gzip, deflate");
    CHECK(ignored.response.header("Content-Encoding").empty());
    CHECK(records_of(ignored) == 40);

    emu.set_compression(CompressionMode::honour);
    const Outcome off = query(emu, 40, RequestOptions{.compress_reply = false});
    REQUIRE_FALSE(off.ec);
    CHECK(sent_header(emu, "Accept-Encoding") == "<absent>");
    CHECK(off.response.header("Content-Encoding").empty());
    CHECK(records_of(off) == 40);

    TokenClientOptions client_off = test::fast_options_for(emu);
    client_off.compress_replies = false;
    const Outcome off_for_client = query(emu, 40, {}, client_off, true);
    REQUIRE_FALSE(off_for_client.ec);
    CHECK(sent_header(emu, "Accept-Encoding") == "<absent>");
    CHECK(emu.stats().compressed_replies == 0);
}

TEST_CASE("a truncated gzip stream is bad_response, at once and without a retry", "[compression][integration]") {
    Emulator emu = started();
    emu.start();
    emu.set_compression(CompressionMode::truncated);
    const Outcome out = query(emu, 300);
    CHECK(out.ec == errc::bad_response);
    CHECK(out.diag.phase == Phase::api);
    CHECK(out.diag.message.find("truncated") != std::string::npos);
    CHECK(emu.stats().api_requests == 1);
}

TEST_CASE("a decompression bomb is refused by the ratio limit, else by the decoded-size limit",
          "[compression][integration][bomb]") {
    Emulator emu = started();
    emu.start();
    emu.set_compression(CompressionMode::bomb, 4096);  // about 4 MiB on the wire, 4 GiB decoded
    const Outcome ratio = query(emu, 10);
    CHECK(ratio.ec == errc::bad_response);
    CHECK(ratio.diag.message.find("200 times its compressed size") != std::string::npos);
    CHECK(ratio.diag.hint.find("max_decompression_ratio") != std::string::npos);

    TokenClientOptions no_ratio = test::fast_options_for(emu);
    no_ratio.max_decompression_ratio = 0;
    const Outcome size = query(emu, 10, {}, no_ratio, true);
    CHECK(size.ec == errc::bad_response);
    // the decoder stopped exactly at the (default 8 MiB) limit
    CHECK(size.diag.message.find("decoding stopped at 8388608 bytes") != std::string::npos);
    CHECK(size.diag.hint.find("max_response_bytes") != std::string::npos);

    const Outcome small = query(emu, 10, RequestOptions{.max_response_bytes = 100000}, no_ratio, true);
    CHECK(small.ec == errc::bad_response);  // the compressed body itself passes the limit first
}

TEST_CASE("Sforce-Call-Options names sfconnect by default, the app when told, bad names fail at setup",
          "[headers][integration]") {
    Emulator emu = started();
    emu.start();
    REQUIRE_FALSE(query(emu, 1).ec);
    CHECK(sent_header(emu, "Sforce-Call-Options") == "client=sfconnect/" + std::string(version_string));

    TokenClientOptions named = test::fast_options_for(emu);
    named.client_name = "acme-billing/2.1";
    REQUIRE_FALSE(query(emu, 1, {}, named, true).ec);
    CHECK(sent_header(emu, "Sforce-Call-Options") == "client=acme-billing/2.1");

    named.client_name = "";
    REQUIRE_FALSE(query(emu, 1, {}, named, true).ec);
    CHECK(sent_header(emu, "Sforce-Call-Options") == "<absent>");

    named.client_name = "my app, v2";
    emu.reset_stats();
    const Outcome bad = query(emu, 1, {}, named, true);
    CHECK(bad.ec == make_error_code(boost::system::errc::invalid_argument));
    CHECK(bad.diag.phase == Phase::setup);
    CHECK(bad.diag.message.find("client_name") != std::string::npos);
    CHECK(emu.stats().requests == 0);
}

TEST_CASE("a lower-case sforce-limit-info header is read", "[headers][integration][limit_info]") {
    Emulator emu = started();
    emu.start();
    Fault f = Fault::reply_with(200, R"({"totalSize":0,"done":true,"records":[]})");
    f.headers = {{"sforce-limit-info", "api-usage=7/15000"}};
    emu.push_fault(Route::api, f);
    const Outcome out = query(emu, 1);
    REQUIRE_FALSE(out.ec);
    REQUIRE(out.response.limit_info);
    REQUIRE(out.response.limit_info->api_usage);
    CHECK(out.response.limit_info->api_usage->used == 7);
}

}  // namespace compression_test
