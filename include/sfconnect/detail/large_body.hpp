// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_LARGE_BODY_HPP
#define SFCONNECT_DETAIL_LARGE_BODY_HPP

// co_spawn's completion for a request (client_core::launch_request): a small reply goes to the
// user's handler as it is; a 2xx body of Core::off_strand_parse_bytes or more, which the request
// coroutine left unparsed, is parsed off the client's strand first (docs/design.md, "Strand policy").

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/response.hpp>

#include <boost/asio/associator.hpp>

#include <exception>
#include <memory>
#include <utility>

namespace sfconnect::detail {

template <class Core, class Handler>
struct large_body_completion {
    Handler handler;
    std::shared_ptr<Core> core;  // the client's state until the reply is delivered
    Diagnostics* out_diag;

    void operator()(std::exception_ptr ep, std::pair<error_code, Response> r) {
        if (ep) r.first = errc::bad_response;  // coroutines catch their own exceptions; belt and braces
        if (Core::parse_off_strand(r.first, r.second)) {
            core->parse_then_complete(std::move(handler), out_diag, std::move(r.second));
        } else {
            std::move(handler)(r.first, std::move(r.second));
        }
    }
};

}  // namespace sfconnect::detail

namespace boost::asio {
// The user's handler keeps its associated executor, allocator and cancellation slot.
template <template <class, class> class Associator, class Core, class Handler, class DefaultCandidate>
struct associator<Associator, sfconnect::detail::large_body_completion<Core, Handler>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
    static typename Associator<Handler, DefaultCandidate>::type get(
        const sfconnect::detail::large_body_completion<Core, Handler>& h) noexcept {
        return Associator<Handler, DefaultCandidate>::get(h.handler);
    }
    static auto get(const sfconnect::detail::large_body_completion<Core, Handler>& h,
                    const DefaultCandidate& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
        return Associator<Handler, DefaultCandidate>::get(h.handler, c);
    }
};
}  // namespace boost::asio

#endif
