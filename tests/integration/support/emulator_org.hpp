// A started emulator, an io_context and a TokenClient for it, plus a helper that runs a coroutine
// to completion: the fixture of the request-helper tests (query cursor, composite).
#pragma once

#include <sfconnect/testing/emulator.hpp>
#include <sfconnect/token_client.hpp>

#include "emulator_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <utility>

namespace sfconnect::test {

/// Runs a coroutine to completion on `io`, rethrowing what it throws.
template <class F>
void run_coroutine(boost::asio::io_context& io, F f) {
    std::exception_ptr error;
    boost::asio::co_spawn(io, std::move(f), [&](std::exception_ptr e) { error = e; });
    io.restart();
    io.run();
    if (error) std::rethrow_exception(error);
}

/// An emulated org with `accounts` Accounts served `batch` per query page, and a client for it.
struct EmulatorOrg {
    explicit EmulatorOrg(int accounts = 25, int batch = 10) : emu(make_options(accounts, batch)) {}
    static testing::EmulatorOptions make_options(int accounts, int batch) {
        testing::EmulatorOptions o;
        o.accounts = accounts;
        o.query_batch_size = batch;
        return o;
    }
    testing::Emulator emu;               ///< the org
    bool started = (emu.start(), true);  ///< started before the client reads the port
    boost::asio::io_context io;          ///< the client's context
    TokenClient client{io.get_executor(), Site::parse(emu.site()).value(), testing::credentials_for(emu),
                       fast_options_for(emu)};  ///< the client under test
};

}  // namespace sfconnect::test
