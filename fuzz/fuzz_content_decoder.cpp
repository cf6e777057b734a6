// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: the streaming Content-Encoding decoder on arbitrary compressed input. The first
// byte picks the coding, the output limit and where the input is split; the rest is the body.
// Invariants: the decoded output never exceeds the limit, produced() counts it, a failure is final,
// and the split never changes the outcome.
#include <sfconnect/detail/content_decoder.hpp>

#include "fuzz_support.hpp"

#include <string>

using namespace sfconnect::detail;
using sfconnect::fuzz::check;

namespace {

struct result {
    decode_status fed = decode_status::ok;
    decode_status finished = decode_status::ok;
    std::string out;
};

result decode(content_coding coding, decode_limits limits, std::string_view body, std::size_t split) {
    content_decoder d(coding, limits);
    result r;
    r.fed = d.feed(body.substr(0, split), r.out);
    check(r.out.size() <= limits.max_output, "output beyond the limit after the first piece");
    if (r.fed == decode_status::ok || r.fed == decode_status::done) r.fed = d.feed(body.substr(split), r.out);
    check(r.out.size() <= limits.max_output, "output beyond the limit");
    check(d.produced() == r.out.size(), "produced() differs from the output");
    check(d.consumed() <= body.size(), "consumed() counts more than was fed");
    r.finished = d.finish();
    const bool failed = r.fed != decode_status::ok && r.fed != decode_status::done;
    if (failed) check(r.finished == r.fed, "a failure is not final");
    if (r.fed == decode_status::done) check(r.finished == decode_status::ok, "a finished stream fails at finish()");
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const unsigned selector = data[0];
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    constexpr content_coding codings[] = {content_coding::gzip, content_coding::deflate, content_coding::identity,
                                          content_coding::unknown};
    const content_coding coding = codings[selector & 3u];
    decode_limits limits;
    limits.max_output = (selector & 4u) != 0 ? 64 * 1024 : 1000;
    limits.max_ratio = (selector & 8u) != 0 ? 20 : 0;
    limits.ratio_floor = (selector & 8u) != 0 ? 512 : 0;
    const std::size_t split = body.empty() ? 0 : (selector >> 4u) * body.size() / 15;

    const result whole = decode(coding, limits, body, body.size());
    const result parts = decode(coding, limits, body, std::min(split, body.size()));
    // The ratio is checked against the input fed so far, so splitting may stop a bomb sooner;
    // without a ratio limit the outcome does not depend on the split.
    if (limits.max_ratio == 0) {
        check(whole.finished == parts.finished, "the split changes the outcome");
        if (whole.finished == decode_status::ok) check(whole.out == parts.out, "the split changes the output");
    }
    return 0;
}
