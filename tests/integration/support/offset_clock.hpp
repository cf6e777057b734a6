// A steady clock that a test moves: now() is steady_clock::now() plus `offset`, which the test sets
// behind or ahead (a skewed host) or advances (a token ageing without sleeping). Each Tag has its own
// offset, so test files do not share one.
#pragma once

#include <chrono>

namespace sfconnect::test {

template <class Tag>
struct OffsetClock {
    using duration = std::chrono::steady_clock::duration;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<OffsetClock>;
    [[maybe_unused]] static constexpr bool is_steady = true;
    static inline duration offset{};
    static time_point now() { return time_point(std::chrono::steady_clock::now().time_since_epoch() + offset); }
    static void advance(duration d) { offset += d; }
};

}  // namespace sfconnect::test
