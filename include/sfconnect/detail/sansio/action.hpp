// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_ACTION_HPP
#define SFCONNECT_DETAIL_SANSIO_ACTION_HPP

// What a sans-io algorithm asks its runner to do next (Boost.MySQL's next_action). The algorithms
// hold no sockets, clocks or random generators: the runner performs the action and resumes them
// with its outcome (an error code; for need_token the token), the jitter they may need and nothing else.

#include <sfconnect/error.hpp>
#include <sfconnect/http_message.hpp>

#include <chrono>

namespace sfconnect::detail::sansio {

enum class action_kind {
    exchange,    // send request() and read response() with `limits`; resume with the transport's error
    sleep,       // wait `delay` (a backoff before retry number `attempt`); resume with no error
    need_token,  // get a token (after_rejection: first drop the one the server refused); resume with it
    done,        // finished with `ec`
};

// Which counter an exchange feeds (TokenClientStats) and what a retry trace calls it.
enum class exchange_kind { token_request, api_request, oauth_form };

struct action {
    action_kind kind = action_kind::done;
    error_code ec;          // done: the result; sleep: the error being retried
    ExchangeLimits limits;  // exchange
    exchange_kind what = exchange_kind::api_request;
    std::chrono::milliseconds delay{0};  // sleep
    int attempt = 0;                     // sleep: attempts made so far
    bool after_rejection = false;        // need_token

    static action exchange(exchange_kind what, ExchangeLimits limits) {
        action a;
        a.kind = action_kind::exchange;
        a.what = what;
        a.limits = limits;
        return a;
    }
    static action sleep(exchange_kind what, std::chrono::milliseconds delay, error_code retried, int attempt) {
        action a;
        a.kind = action_kind::sleep;
        a.what = what;
        a.delay = delay;
        a.ec = retried;
        a.attempt = attempt;
        return a;
    }
    static action need_token(bool after_rejection) {
        action a;
        a.kind = action_kind::need_token;
        a.after_rejection = after_rejection;
        return a;
    }
    static action done(error_code ec) {
        action a;
        a.ec = ec;
        return a;
    }
};

}  // namespace sfconnect::detail::sansio

#endif
