// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_DETAIL_COMPRESSION_HPP
#define SFCONNECT_TESTING_DETAIL_COMPRESSION_HPP

// The emulator's reply compression (server side, zlib directly; an oracle independent of the
// client's decoder): gzip or deflate when the request's Accept-Encoding asks, and the
// CompressionMode misbehaviours (ignore the header, a decompression bomb, a truncated stream,
// raw deflate).

#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/testing/detail/text.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sfconnect {
namespace testing {
namespace detail {

enum class wire_coding { none, gzip, deflate };

// The coding the server picks from Accept-Encoding: gzip before deflate; "q=0" refuses one.
inline wire_coding pick_coding(std::string_view accept_encoding) {
    bool gzip = false;
    bool deflate = false;
    std::size_t start = 0;
    while (start <= accept_encoding.size()) {
        const std::size_t comma = std::min(accept_encoding.find(',', start), accept_encoding.size());
        std::string_view item = accept_encoding.substr(start, comma - start);
        const std::size_t semi = item.find(';');
        const bool refused = semi != std::string_view::npos && trim(item.substr(semi + 1)).starts_with("q=0") &&
                             trim(item.substr(semi + 1)).find_first_of("123456789") == std::string_view::npos;
        const std::string_view name = trim(item.substr(0, semi));
        gzip = gzip || (!refused && (iequals(name, "gzip") || iequals(name, "x-gzip")));
        deflate = deflate || (!refused && iequals(name, "deflate"));
        start = comma + 1;
    }
    return gzip ? wire_coding::gzip : deflate ? wire_coding::deflate : wire_coding::none;
}

// window_bits: 15 + 16 gzip, 15 zlib-wrapped deflate, -15 raw deflate.
inline std::string zlib_compress(std::string_view text, int window_bits, int level = 6) {
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("emulator: deflateInit2 failed");
    }
    std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));  // NOLINT: zlib's API
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT: zlib's API
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("emulator: deflate failed");
    return out;
}

// A gzip body of concatenated members, each 1 MiB of zeros (about 1 KiB compressed):
// `decoded_mib` MiB once inflated, about a thousandth of that on the wire. Built once per size.
inline std::string gzip_bomb(std::size_t decoded_mib) {
    static std::mutex mutex;
    static const std::string member = zlib_compress(std::string(1024 * 1024, '\0'), 15 + 16, 9);
    static std::string bomb;
    static std::size_t built_for = 0;
    std::lock_guard lock(mutex);
    if (built_for != decoded_mib) {
        bomb.clear();
        bomb.reserve(member.size() * decoded_mib);
        for (std::size_t i = 0; i < decoded_mib; ++i) bomb += member;
        built_for = decoded_mib;
    }
    return bomb;
}

inline void set_header(OrgReply& r, std::string_view name, std::string value) {
    for (auto& [n, v] : r.headers) {
        if (iequals(n, name)) {
            v = std::move(value);
            return;
        }
    }
    r.headers.emplace_back(std::string(name), std::move(value));
}

// Compresses `r` for a request that sent `accept_encoding`, as `mode` says. Replies that already
// carry a Content-Encoding, have no body, or are explicitly framed (Content-Length,
// Transfer-Encoding set by a Fault) are left alone.
inline void encode_reply(OrgReply& r, std::string_view accept_encoding, CompressionMode mode, std::size_t bomb_mib) {
    const wire_coding coding = pick_coding(accept_encoding);
    if (coding == wire_coding::none || mode == CompressionMode::ignore || r.body.empty() ||
        !r.header("Content-Encoding").empty() || !r.header("Content-Length").empty() ||
        !r.header("Transfer-Encoding").empty()) {
        return;
    }
    if (mode == CompressionMode::bomb) {
        r.body = gzip_bomb(bomb_mib);
        set_header(r, "Content-Encoding", "gzip");
        return;
    }
    const bool gzip = coding == wire_coding::gzip;
    const int bits = gzip ? 15 + 16 : mode == CompressionMode::raw_deflate ? -15 : 15;
    r.body = zlib_compress(r.body, bits);
    if (mode == CompressionMode::truncated) r.body.resize(r.body.size() / 2);
    set_header(r, "Content-Encoding", gzip ? "gzip" : "deflate");
    set_header(r, "Vary", "Accept-Encoding");
}

}  // namespace detail
}  // namespace testing
}  // namespace sfconnect

#endif
