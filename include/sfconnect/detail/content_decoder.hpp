// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_CONTENT_DECODER_HPP
#define SFCONNECT_DETAIL_CONTENT_DECODER_HPP

// Decoding of compressed HTTP bodies (Content-Encoding gzip and deflate) with zlib, socket-free and
// streaming: feed() takes compressed bytes in any split, appends what they decode to, and stops
// as soon as the decoded size would pass the output limit or the decoded/compressed ratio passes
// the ratio limit. Memory is the output limit plus zlib's fixed 32 KiB window, whatever the input.
//
// "deflate" is meant to be the zlib format (RFC 1950), but servers also send raw deflate
// (RFC 1951): the first two bytes decide (a zlib header is CM=8 with a FCHECK that divides by 31).
// "gzip" may be several concatenated members (RFC 1952), which decode one after the other.

#include <sfconnect/detail/ascii.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace sfconnect::detail {

enum class content_coding { identity, gzip, deflate, unknown };

// A Content-Encoding value: empty or "identity" is identity; "gzip", "x-gzip" and "deflate" are
// decoded; anything else (br, zstd, a list of several codings) is unknown.
constexpr content_coding parse_content_coding(std::string_view value) noexcept {
    const std::string_view v = trim_blanks(value);
    if (v.empty() || iequals(v, "identity")) return content_coding::identity;
    if (iequals(v, "gzip") || iequals(v, "x-gzip")) return content_coding::gzip;
    if (iequals(v, "deflate")) return content_coding::deflate;
    return content_coding::unknown;
}

enum class decode_status {
    ok,              // all input consumed; more may follow
    done,            // the compressed stream ended (finish() reports ok after this)
    too_large,       // the decoded size would exceed max_output
    ratio_exceeded,  // decoded / compressed passed max_ratio (after ratio_floor decoded bytes)
    corrupt,         // not a valid stream, or bytes after its end
    truncated,       // finish(): the stream did not end
};

struct decode_limits {
    std::size_t max_output = 8 * 1024 * 1024;  // decoded bytes
    std::size_t max_ratio = 0;                 // decoded bytes per compressed byte; 0 = no ratio limit
    std::size_t ratio_floor = 1024 * 1024;     // the ratio limit applies once this much is decoded
};

class content_decoder {
public:
    content_decoder(content_coding coding, decode_limits limits) noexcept : coding_(coding), limits_(limits) {}
    ~content_decoder() {
        if (initialised_) inflateEnd(&zs_);
    }
    content_decoder(const content_decoder&) = delete;
    content_decoder& operator=(const content_decoder&) = delete;

    // Decodes `in`, appending to `out` (never past limits.max_output bytes of decoded output in total).
    decode_status feed(std::string_view in, std::string& out) {
        if (failed_ != decode_status::ok) return failed_;
        consumed_ += in.size();
        if (coding_ == content_coding::identity) return fail_or(append(in.data(), in.size(), out));
        if (coding_ == content_coding::unknown) return fail_or(decode_status::corrupt);
        if (!initialised_) {
            // deflate: wait for two bytes to tell the zlib wrapper from raw deflate
            while (!in.empty() && pending_size_ < pending_.size()) {
                pending_[pending_size_++] = in.front();
                in.remove_prefix(1);
            }
            if (coding_ == content_coding::deflate && pending_size_ < pending_.size()) return decode_status::ok;
            if (!start()) return fail_or(decode_status::corrupt);
            const decode_status s = inflate_some(std::string_view(pending_.data(), pending_size_), out);
            if (s != decode_status::ok && s != decode_status::done) return fail_or(s);
        }
        return fail_or(inflate_some(in, out));
    }

    // The end of the compressed input: ok when the stream ended (or was empty), else truncated.
    decode_status finish() {
        if (failed_ != decode_status::ok) return failed_;
        if (coding_ == content_coding::identity || ended_) return decode_status::ok;
        if (coding_ == content_coding::unknown) return fail_or(decode_status::corrupt);
        return fail_or(decode_status::truncated);
    }

    std::size_t consumed() const noexcept { return consumed_; }  // compressed bytes fed
    std::size_t produced() const noexcept { return produced_; }  // decoded bytes appended
    const decode_limits& limits() const noexcept { return limits_; }

private:
    decode_status fail_or(decode_status s) noexcept {
        if (s != decode_status::ok && s != decode_status::done) failed_ = s;
        return s;
    }

    // Whether the first two bytes are a zlib header (CM 8, window <= 32 KiB, FCHECK).
    bool zlib_wrapped() const noexcept {
        const auto cmf = static_cast<unsigned char>(pending_[0]);
        const auto flg = static_cast<unsigned char>(pending_[1]);
        return (cmf & 0x0Fu) == 8u && (cmf >> 4u) <= 7u && ((cmf * 256u) + flg) % 31u == 0u;
    }

    bool start() noexcept {
        int window_bits = 15 + 16;  // gzip
        if (coding_ == content_coding::deflate) window_bits = zlib_wrapped() ? 15 : -15;
        zs_ = z_stream{};
        if (inflateInit2(&zs_, window_bits) != Z_OK) return false;
        initialised_ = true;
        return true;
    }

    decode_status append(const char* data, std::size_t n, std::string& out) {
        if (n > limits_.max_output - produced_) {
            const std::size_t room = limits_.max_output - produced_;
            out.append(data, room);
            produced_ += room;
            return decode_status::too_large;
        }
        out.append(data, n);
        produced_ += n;
        if (limits_.max_ratio != 0 && produced_ > limits_.ratio_floor && produced_ / limits_.max_ratio > consumed_)
            return decode_status::ratio_exceeded;
        return decode_status::ok;
    }

    decode_status inflate_some(std::string_view in, std::string& out) {
        std::array<char, 16 * 1024> chunk;  // NOLINT(cppcoreguidelines-pro-type-member-init): inflate fills it first
        while (!in.empty()) {
            if (ended_) {
                // gzip allows further members; anything else after the end is garbage
                if (coding_ != content_coding::gzip || inflateReset(&zs_) != Z_OK) return decode_status::corrupt;
                ended_ = false;
            }
            // zlib counts in uInt; feed at most 1 GiB per round
            const std::size_t take = std::min<std::size_t>(in.size(), std::size_t{1} << 30u);
            zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));  // NOLINT: zlib's API
            zs_.avail_in = static_cast<uInt>(take);
            int rc = Z_OK;
            do {
                zs_.next_out = reinterpret_cast<Bytef*>(chunk.data());  // NOLINT: zlib's API
                zs_.avail_out = static_cast<uInt>(chunk.size());
                rc = inflate(&zs_, Z_NO_FLUSH);
                // what was decoded before an error counts first, so the outcome never depends on the split
                const std::size_t n = chunk.size() - zs_.avail_out;
                if (const decode_status s = append(chunk.data(), n, out); s != decode_status::ok) return s;
                if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return decode_status::corrupt;
                if (rc == Z_BUF_ERROR && n == 0) {
                    if (zs_.avail_in > 0) return decode_status::corrupt;  // no progress with input left
                    break;                                                // needs more input
                }
            } while (rc != Z_STREAM_END && (zs_.avail_in > 0 || zs_.avail_out == 0));
            in.remove_prefix(take - zs_.avail_in);
            if (rc == Z_STREAM_END) ended_ = true;
        }
        return ended_ ? decode_status::done : decode_status::ok;
    }

    content_coding coding_;
    decode_limits limits_;
    z_stream zs_{};
    bool initialised_ = false;
    bool ended_ = false;
    decode_status failed_ = decode_status::ok;
    std::array<char, 2> pending_{};
    std::size_t pending_size_ = 0;
    std::size_t consumed_ = 0;
    std::size_t produced_ = 0;
};

}  // namespace sfconnect::detail

#endif
