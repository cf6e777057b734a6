// One async_get_token run to completion, for tests that drive a client synchronously.
#pragma once

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/token_client_types.hpp>

#include <utility>

namespace sfconnect::test {

/// What one async_get_token gave: the error, the diagnostics and the token.
struct Outcome {
    error_code ec;
    Diagnostics diag;
    TokenPtr token;
};

/// Runs one async_get_token on `io` (restarted) to completion; any client with the operations.
template <class Client, class IoContext>
Outcome get_token(Client& client, IoContext& io) {
    Outcome out;
    client.async_get_token(out.diag, [&](error_code ec, TokenPtr t) {
        out.ec = ec;
        out.token = std::move(t);
    });
    io.restart();
    io.run();
    return out;
}

}  // namespace sfconnect::test
