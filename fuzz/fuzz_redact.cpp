// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
// libFuzzer target: redaction (detail::redact_all, redact_secret, redact) and the printable rule.
// Input: one byte giving the needle's length, the needle, then the text. Invariants: redaction
// terminates (libFuzzer's -timeout), equals a one-pass reference built independently, leaves no
// occurrence of the needle that does not overlap a placeholder, and never grows the text beyond
// the factor placeholder / needle size; printable output has no control bytes and respects its cap.
#include <sfconnect/detail/untrusted_text.hpp>

#include "fuzz_support.hpp"

#include <algorithm>
#include <vector>

using namespace sfconnect;
using sfconnect::fuzz::check;

namespace {

constexpr std::string_view placeholder = detail::redaction_placeholder;

struct Reference {
    std::string text;
    std::vector<std::size_t> spans;  // where each placeholder starts in `text`
};

// Left to right over the ORIGINAL text, non-overlapping matches: obviously terminating.
Reference reference_redaction(std::string_view text, std::string_view needle) {
    Reference r;
    std::size_t from = 0;
    for (std::size_t pos = text.find(needle); !needle.empty() && pos != std::string_view::npos;
         pos = text.find(needle, from)) {
        r.text.append(text.substr(from, pos - from));
        r.spans.push_back(r.text.size());
        r.text.append(placeholder);
        from = pos + needle.size();
    }
    r.text.append(text.substr(from));
    return r;
}

void check_redaction(std::string_view text, std::string_view needle) {
    std::string out(text);
    const std::size_t n = detail::redact_all(out, needle);
    const Reference ref = reference_redaction(text, needle);
    check(out == ref.text, "redact_all differs from the one-pass reference", out);
    check(n == ref.spans.size(), "redact_all miscounted");
    if (needle.empty()) return;
    // No occurrence of the needle outside the placeholders.
    for (std::size_t p = out.find(needle); p != std::string::npos; p = out.find(needle, p + 1)) {
        const bool overlaps = std::any_of(ref.spans.begin(), ref.spans.end(), [&](std::size_t q) {
            return q < p + needle.size() && p < q + placeholder.size();
        });
        check(overlaps, "a needle occurrence survives outside every placeholder", out);
    }
    // Bounded growth: each replaced needle of n bytes becomes 10 bytes.
    check(out.size() * needle.size() <= text.size() * std::max(needle.size(), placeholder.size()),
          "redaction grew the text beyond placeholder/needle", out);

    // The secret form: the same as redact_all from 4 bytes on, nothing below.
    std::string secret_form(text);
    detail::redact_secret(secret_form, needle);
    check(secret_form == (needle.size() >= detail::min_redaction_needle ? out : std::string(text)),
          "redact_secret disagrees with redact_all and its minimum");
    Diagnostics d;
    d.message = d.hint = d.server_error = d.server_message = d.host = std::string(text);
    detail::redact(d, needle);
    for (const std::string* f : fuzz::text_fields(d)) check(*f == secret_form, "redact missed a field", *f);
}

void check_printable_rule(std::string_view text, std::size_t max_bytes) {
    const std::string out = detail::printable(text, max_bytes);
    fuzz::check_printable(out, "printable kept a control byte");
    check(out.size() <= max_bytes + 3, "printable exceeded its cap", out);
    if (text.size() <= max_bytes && std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; }))
        check(out == text, "printable changed printable ASCII text", out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::size_t needle_size = std::min<std::size_t>(data[0] % 48, in.size());
    const std::string_view needle = in.substr(0, needle_size);
    const std::string_view text = in.substr(needle_size);
    check_redaction(text, needle);
    // The needle cut from the placeholder too: the shapes that hung the old loop.
    if (!needle.empty()) check_redaction(text, placeholder.substr(data[0] % placeholder.size()));
    check_printable_rule(text, data[0]);
    return 0;
}
