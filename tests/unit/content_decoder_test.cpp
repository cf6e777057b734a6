// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// The streaming Content-Encoding decoder: gzip, zlib-wrapped and raw deflate, split at every byte,
// truncated and corrupt streams, the output limit and the ratio limit.

#include <sfconnect/detail/content_decoder.hpp>

#include "catch.hpp"
#include "support/zlib_compress.hpp"

#include <zlib.h>

#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace content_decoder_test {

using sfconnect::detail::content_coding;
using sfconnect::detail::content_decoder;
using sfconnect::detail::decode_limits;
using sfconnect::detail::decode_status;
using sfconnect::detail::parse_content_coding;

namespace {

std::string compress(const std::string& text, int window_bits, int level = Z_DEFAULT_COMPRESSION) {
    return sfconnect::test::zlib_compress(text, window_bits, level);
}

std::string sample_json() {
    std::string s = R"({"totalSize":300,"done":true,"records":[)";
    for (int i = 0; i < 300; ++i) {
        if (i) s += ',';
        s += R"({"attributes":{"type":"Account"},"Id":"001000000000)" + std::to_string(1000 + i) +
             R"(AAA","Name":"Account )" + std::to_string(i) + "\"}";
    }
    return s + "]}";
}

struct decoded {
    decode_status fed = decode_status::ok;
    decode_status finished = decode_status::ok;
    std::string text;
};

decoded decode_in_two(content_coding coding, const std::string& wire, std::size_t split, decode_limits lim = {}) {
    content_decoder d(coding, lim);
    decoded r;
    r.fed = d.feed(std::string_view{wire}.substr(0, split), r.text);
    if (r.fed == decode_status::ok || r.fed == decode_status::done) {
        r.fed = d.feed(std::string_view{wire}.substr(split), r.text);
    }
    r.finished = d.finish();
    return r;
}

}  // namespace

TEST_CASE("content coding names", "[content_decoder]") {
    CHECK(parse_content_coding("") == content_coding::identity);
    CHECK(parse_content_coding("identity") == content_coding::identity);
    CHECK(parse_content_coding(" GZIP ") == content_coding::gzip);
    CHECK(parse_content_coding("x-gzip") == content_coding::gzip);
    CHECK(parse_content_coding("Deflate") == content_coding::deflate);
    CHECK(parse_content_coding("br") == content_coding::unknown);
    CHECK(parse_content_coding("gzip, gzip") == content_coding::unknown);
}

TEST_CASE("gzip, zlib deflate and raw deflate decode whatever the split", "[content_decoder]") {
    const std::string text = sample_json();
    struct form {
        content_coding coding;
        int window_bits;
    };
    for (const form f :
         {form{content_coding::gzip, 31}, form{content_coding::deflate, 15}, form{content_coding::deflate, -15}}) {
        const std::string wire = compress(text, f.window_bits);
        REQUIRE(wire.size() < text.size() / 4);
        for (std::size_t split = 0; split <= wire.size(); ++split) {
            const decoded r = decode_in_two(f.coding, wire, split);
            INFO("window bits " << f.window_bits << ", split at " << split);
            REQUIRE(r.fed == decode_status::done);
            REQUIRE(r.finished == decode_status::ok);
            REQUIRE(r.text == text);
        }
        // one byte at a time
        content_decoder d(f.coding, {});
        std::string out;
        for (const char c : wire) REQUIRE(d.feed(std::string_view(&c, 1), out) != decode_status::corrupt);
        CHECK(d.finish() == decode_status::ok);
        CHECK(out == text);
        CHECK(d.consumed() == wire.size());
        CHECK(d.produced() == text.size());
    }
}

TEST_CASE("concatenated gzip members decode one after the other", "[content_decoder]") {
    const std::string wire = compress("first,", 31) + compress("second", 31);
    const decoded r = decode_in_two(content_coding::gzip, wire, 7);
    CHECK(r.finished == decode_status::ok);
    CHECK(r.text == "first,second");
}

TEST_CASE("a truncated stream is reported at finish, at every cut", "[content_decoder]") {
    const std::string text = sample_json();
    for (const int bits : {31, 15, -15}) {
        const std::string wire = compress(text, bits);
        for (std::size_t cut = 1; cut < wire.size(); cut += 7) {
            content_decoder d(bits == 31 ? content_coding::gzip : content_coding::deflate, {});
            std::string out;
            const decode_status fed = d.feed(std::string_view{wire}.substr(0, cut), out);
            INFO("window bits " << bits << ", cut at " << cut);
            CHECK((fed == decode_status::ok || fed == decode_status::corrupt));
            const decode_status end = d.finish();
            CHECK((end == decode_status::truncated || end == decode_status::corrupt));
        }
    }
}

TEST_CASE("corrupt input and garbage after the end are refused", "[content_decoder]") {
    std::string out;
    content_decoder a(content_coding::gzip, {});
    CHECK(a.feed("this is not gzip at all", out) == decode_status::corrupt);
    CHECK(a.finish() == decode_status::corrupt);

    const std::string wire = compress("payload", 15) + "junk";
    content_decoder b(content_coding::deflate, {});
    CHECK(b.feed(wire, out) == decode_status::corrupt);

    content_decoder c(content_coding::unknown, {});
    CHECK(c.feed("x", out) == decode_status::corrupt);
}

TEST_CASE("the decoded size never passes the output limit", "[content_decoder]") {
    const std::string text(1 << 20, 'a');
    const std::string wire = compress(text, 31, 9);
    REQUIRE(wire.size() < 4096);
    for (std::size_t limit : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{65536}}) {
        content_decoder d(content_coding::gzip, decode_limits{limit, 0, 0});
        std::string out;
        CHECK(d.feed(wire, out) == decode_status::too_large);
        CHECK(out.size() == limit);
        CHECK(d.produced() == limit);
        CHECK(d.finish() == decode_status::too_large);  // sticky
    }
    content_decoder exact(content_coding::gzip, decode_limits{text.size(), 0, 0});
    std::string out;
    CHECK(exact.feed(wire, out) == decode_status::done);
    CHECK(exact.finish() == decode_status::ok);
    CHECK(out.size() == text.size());

    content_decoder identity(content_coding::identity, decode_limits{3, 0, 0});
    CHECK(identity.feed("abcd", out) == decode_status::too_large);
}

TEST_CASE("the ratio limit stops a bomb long before the output limit", "[content_decoder]") {
    const std::string text(16 << 20, '\0');
    const std::string wire = compress(text, 31, 9);  // about 16 KiB inflating to 16 MiB
    content_decoder d(content_coding::gzip, decode_limits{std::size_t{1} << 30, 100, 64 * 1024});
    std::string out;
    CHECK(d.feed(wire, out) == decode_status::ratio_exceeded);
    CHECK(out.size() <= 100 * wire.size() + 64 * 1024);
    // fed in small pieces, the ratio is checked against what arrived so far
    content_decoder e(content_coding::gzip, decode_limits{std::size_t{1} << 30, 100, 64 * 1024});
    std::string out2;
    decode_status s = decode_status::ok;
    for (std::size_t i = 0; i < wire.size() && s == decode_status::ok; i += 100) {
        s = e.feed(std::string_view{wire}.substr(i, 100), out2);
    }
    CHECK(s == decode_status::ratio_exceeded);
    CHECK(out2.size() <= 100 * e.consumed() + 64 * 1024 + 16 * 1024);
}

TEST_CASE("output decoded before an error counts first, whatever the split (fuzz_content_decoder)",
          "[content_decoder][fuzz]") {
    std::string wire = compress(std::string(5000, 'a'), 31);
    wire[wire.size() - 8] = static_cast<char>(wire[wire.size() - 8] ^ 0x55);  // break the CRC-32
    for (std::size_t split = 0; split <= wire.size(); ++split) {
        INFO("split at " << split);
        CHECK(decode_in_two(content_coding::gzip, wire, split, decode_limits{1000, 0, 0}).finished ==
              decode_status::too_large);
        CHECK(decode_in_two(content_coding::gzip, wire, split, decode_limits{10000, 0, 0}).finished ==
              decode_status::corrupt);
    }
}

}  // namespace content_decoder_test
