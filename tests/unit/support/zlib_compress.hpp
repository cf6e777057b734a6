// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// The unit tests' compressor (zlib directly, independent of the decoder under test).
#pragma once

#include "catch.hpp"

#include <zlib.h>

#include <string>

namespace sfconnect::test {

/// `text` compressed; window_bits: 15 + 16 gzip, 15 zlib-wrapped deflate, -15 raw deflate.
inline std::string zlib_compress(const std::string& text, int window_bits, int level = Z_DEFAULT_COMPRESSION) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));  // NOLINT: zlib's API
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());  // NOLINT: zlib's API
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

}  // namespace sfconnect::test
