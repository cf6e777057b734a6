// The emulator's soak knobs: random 503s, dropped connections, scheduled token invalidation, seeded
// dice, and token pruning that keeps the remembered set bounded.
#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>

#include "catch.hpp"
#include "support/emulator_client.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <thread>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace emulator_chaos_test {

namespace net = boost::asio;
using namespace std::chrono_literals;
using namespace sfconnect;
using sfconnect::testing::Emulator;
using sfconnect::testing::EmulatorOptions;

namespace {

TokenClientOptions options_for(const Emulator& emu) {
    TokenClientOptions o = test::fast_options_for(emu);
    o.retry.base_delay = 1ms;  // the soak-like tests retry many 503s: keep them quick
    o.retry.max_delay = 2ms;
    return o;
}

struct Client {
    net::io_context io;
    TokenClient client;
    Client(const Emulator& emu, TokenClientOptions o)
        : client(io.get_executor(), Site::parse(emu.site()).value(),
                 ConsumerCredentials::create(emu.consumer_key(), emu.consumer_secret()).value(), std::move(o)) {}
    error_code request() {
        error_code out;
        Diagnostics d;
        client.async_request(endpoints::version_root.bind(ApiVersion::default_version()), RequestOptions{}, d,
                             [&](error_code ec, Response) { out = ec; });
        io.restart();
        io.run();
        return out;
    }
    error_code refresh() {
        error_code out;
        Diagnostics d;
        client.async_refresh_token(d, [&](error_code ec, TokenPtr) { out = ec; });
        io.restart();
        io.run();
        return out;
    }
};

}  // namespace

TEST_CASE("emulator chaos: every REST request answers 503 at probability 1, tokens still work", "[emulator][chaos]") {
    EmulatorOptions eo;
    eo.api_unavailable_probability = 1.0;
    Emulator org(eo);
    org.start();
    Client c(org, options_for(org));
    CHECK(c.request() == errc::server_error);
    const auto s = org.stats();
    CHECK(s.tokens_issued == 1);
    CHECK(s.random_unavailable == 3);  // the GET was tried max_attempts times
    CHECK(s.random_drops == 0);
}

TEST_CASE("emulator chaos: at probability 1 every connection is dropped", "[emulator][chaos]") {
    EmulatorOptions eo;
    eo.drop_connection_probability = 1.0;
    Emulator org(eo);
    org.start();
    Client c(org, options_for(org));
    for (int i = 0; i < 10; ++i) {
        // A drop right after a complete reply still delivers it; the other two kinds lose it.
        const error_code ec = c.request();
        CHECK((!ec || ec == errc::connection_lost));
    }
    const auto s = org.stats();
    CHECK(s.requests >= 10);
    CHECK(s.random_drops == s.requests);
    CHECK(s.internal_errors == 0);
}

TEST_CASE("emulator chaos: the same seed rolls the same dice for the same request sequence", "[emulator][chaos]") {
    const auto outcomes = [] {
        EmulatorOptions eo;
        eo.api_unavailable_probability = 0.5;
        eo.random_seed = 7;
        Emulator org(eo);
        org.start();
        TokenClientOptions o = options_for(org);
        o.retry.max_attempts = 1;
        Client c(org, o);
        std::vector<bool> ok;
        for (int i = 0; i < 24; ++i) ok.push_back(!c.request());
        return ok;
    };
    const auto first = outcomes();
    CHECK(first == outcomes());
    CHECK(std::count(first.begin(), first.end(), true) > 0);
    CHECK(std::count(first.begin(), first.end(), false) > 0);
}

TEST_CASE("emulator chaos: scheduled invalidation makes the client refetch once", "[emulator][chaos]") {
    EmulatorOptions eo;
    eo.expire_all_tokens_every = 200ms;
    Emulator org(eo);
    org.start();
    Client c(org, options_for(org));
    REQUIRE_FALSE(c.request());
    std::this_thread::sleep_for(250ms);  // past the invalidation (behaviour only; no timing asserted)
    CHECK_FALSE(c.request());
    CHECK(org.stats().token_invalidations >= 1);
    CHECK(c.client.stats().refetches >= 1);
    CHECK(org.stats().tokens_issued >= 2);
}

TEST_CASE("emulator chaos: expired tokens are forgotten, so the remembered set stays bounded", "[emulator][chaos]") {
    EmulatorOptions eo;
    eo.token_lifetime = 1ms;
    Emulator org(eo);
    org.start();
    Client c(org, options_for(org));
    for (int i = 0; i < 1100; ++i) REQUIRE_FALSE(c.refresh());
    CHECK(org.stats().tokens_issued == 1100);
    CHECK(org.remembered_tokens() <= 1025);
    CHECK(org.issued_tokens().size() == 1100);

    // Below the threshold nothing is forgotten, expired or not (tests may extend the lifetime again).
    Emulator quiet(eo);
    quiet.start();
    Client q(quiet, options_for(quiet));
    for (int i = 0; i < 20; ++i) REQUIRE_FALSE(q.refresh());
    CHECK(quiet.remembered_tokens() == 20);
}

}  // namespace emulator_chaos_test
