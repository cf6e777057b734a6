// Client options the integration tests use against the in-process emulator.
#pragma once

#include <sfconnect/testing/client_setup.hpp>

#include <chrono>

namespace sfconnect::test {

/// client_options_for(emu) with fast, deterministic retries and no held errors, so that failure
/// paths finish in milliseconds; a generous request timeout so a loaded CI machine never flakes.
inline TokenClientOptions fast_options_for(const testing::Emulator& emu) {
    using namespace std::chrono_literals;
    TokenClientOptions o = testing::client_options_for(emu);
    o.retry.base_delay = 5ms;
    o.retry.max_delay = 20ms;
    o.error_hold = 0ms;
    o.timeouts.request = 5s;
    return o;
}

}  // namespace sfconnect::test
