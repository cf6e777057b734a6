// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_TRACE_HPP
#define SFCONNECT_DETAIL_TRACE_HPP

// The emitting side of the trace hook. Every event sfconnect sends is built here, and only from
// redacted parts (trace.hpp), so a call site cannot hand a raw header, body or token to the sink.
// Each helper returns at once when no sink is set; call sites are one line.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/trace.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace sfconnect::detail {

// Calls the sink; an exception from user code must not break the connection or the client.
inline void trace_deliver(const TraceSink& sink, const TraceEvent& e) noexcept {
    try {
        sink(e);
    } catch (...) {
    }
}

template <class Duration>
std::chrono::microseconds trace_us(Duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

// A progress note without request data (connect, tls_handshake, token_fetched, token_refetch).
// `make_message` runs only when a sink is set.
template <class MakeMessage>
void trace_note(const TraceSink& sink, TraceLevel level, TracePhase phase, MakeMessage&& make_message,
                std::chrono::microseconds duration = {}) {
    if (!sink) return;
    TraceEvent e;
    e.level = level;
    e.phase = phase;
    e.message = make_message();
    e.duration = duration;
    trace_deliver(sink, e);
}

template <class Fields>
void trace_headers(TraceEvent& e, const Fields& fields) {
    for (const auto& f : fields) {
        const std::string_view name(f.name_string().data(), f.name_string().size());
        const std::string_view value(f.value().data(), f.value().size());
        e.headers.emplace_back(std::string(name), redact_header_value(name, value));
    }
}

// request_sent: method, redacted target and headers; the body only as a redacted form.
inline void trace_request(const TraceSink& sink,
                          const boost::beast::http::request<boost::beast::http::string_body>& req) {
    if (!sink) return;
    TraceEvent e;
    e.phase = TracePhase::request_sent;
    e.method = std::string(req.method_string());
    e.target = redact_target(req.target());
    trace_headers(e, req.base());
    e.body_bytes = req.body().size();
    const auto ct = req[boost::beast::http::field::content_type];
    if (ct.substr(0, 33) == "application/x-www-form-urlencoded") e.form = redact_form(req.body());
    e.message = e.method + " " + e.target;
    trace_deliver(sink, e);
}

// response: status and redacted reply headers; the body never.
inline void trace_response(const TraceSink& sink,
                           const boost::beast::http::request<boost::beast::http::string_body>& req,
                           const boost::beast::http::response<boost::beast::http::string_body>& res,
                           std::chrono::microseconds duration) {
    if (!sink) return;
    TraceEvent e;
    e.phase = TracePhase::response;
    e.method = std::string(req.method_string());
    e.target = redact_target(req.target());
    e.status = static_cast<int>(res.result_int());
    e.duration = duration;
    trace_headers(e, res.base());
    e.body_bytes = res.body().size();
    e.message = "HTTP " + std::to_string(e.status) + " for " + e.method + " " + e.target;
    trace_deliver(sink, e);
}

// error: the error id and Diagnostics' message (Diagnostics never carry secrets: callers redact
// them before, as they do for the caller's copy).
inline void trace_error(const TraceSink& sink, const error_code& ec, const Diagnostics& diag) {
    if (!sink) return;
    TraceEvent e;
    e.level = TraceLevel::error;
    e.phase = TracePhase::error;
    e.error_id = std::string(error_id(ec));
    e.status = diag.http_status.value_or(0);
    e.message = (diag.phase == Phase::none ? std::string() : std::string(to_string(diag.phase)) + ": ") + diag.message;
    trace_deliver(sink, e);
}

// retry: what failed and how long the backoff is.
inline void trace_retry(const TraceSink& sink, std::string_view what, const error_code& ec, int attempt,
                        std::chrono::milliseconds delay) {
    if (!sink) return;
    TraceEvent e;
    e.level = TraceLevel::warning;
    e.phase = TracePhase::retry;
    e.error_id = std::string(error_id(ec));
    e.duration = trace_us(delay);
    e.message = std::string(what) + " attempt " + std::to_string(attempt) + " failed (" + e.error_id +
                "); retrying in " + std::to_string(delay.count()) + " ms";
    trace_deliver(sink, e);
}

}  // namespace sfconnect::detail

#endif
