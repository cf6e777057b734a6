// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_SANSIO_REST_REQUEST_HPP
#define SFCONNECT_DETAIL_SANSIO_REST_REQUEST_HPP

// An authenticated REST request as a sans-io algorithm: prepare (query, header checks), ask for a
// token, send, classify the reply (redirect with its Location, API errors), fetch a new token and
// replay once after "Session expired or invalid", retry idempotent methods on connection failures
// and 502/503/504. Parsing a 2xx JSON body is a separate step (parse_json_body) the runner performs
// after the connection is back in the pool.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/limit_info.hpp>
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/response.hpp>
#include <sfconnect/token_client_types.hpp>
#include <sfconnect/version.hpp>
#include <sfconnect/detail/content_decoder.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/json_arena.hpp>
#include <sfconnect/detail/random.hpp>
#include <sfconnect/detail/retry.hpp>
#include <sfconnect/detail/sansio/action.hpp>
#include <sfconnect/detail/sansio/client_context.hpp>
#include <sfconnect/detail/sansio/token_fetch.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sfconnect::detail::sansio {

inline boost::beast::http::verb to_verb(Method m) noexcept {
    namespace http = boost::beast::http;
    switch (m) {
        case Method::get: return http::verb::get;
        case Method::post: return http::verb::post;
        case Method::put: return http::verb::put;
        case Method::patch: return http::verb::patch;
        case Method::del: return http::verb::delete_;
        case Method::head: return http::verb::head;
    }
    return http::verb::get;
}

// The body of a 2xx reply that says it is JSON, parsed into out.json (bad_response if it does not parse).
// The tree is allocated from one arena owned by the value (detail/json_arena.hpp), released with the
// last value that uses it.
inline error_code parse_json_body(Response& out, Diagnostics& diag) {
    if (out.body.empty() || out.header("Content-Type").find("json") == std::string_view::npos) return {};
    error_code jec;
    auto storage = boost::json::make_shared_resource<json_arena>(out.body.size());
    boost::json::value parsed = boost::json::parse(out.body, jec, std::move(storage));
    if (!jec) {
        // Assigning would copy the tree into out.json's own (default) resource: a value's resource is
        // fixed at construction, so out.json is constructed anew, taking the tree and its resource.
        std::destroy_at(&out.json);
        std::construct_at(&out.json, std::move(parsed));
        return {};
    }
    diag.http_status = out.status;
    diag.phase = Phase::api;
    diag.message = "the reply says it is JSON but does not parse (" + jec.message() + ")";
    diag.hint = std::string(default_hint(errc::bad_response));
    return errc::bad_response;
}

// TokenClientOptions::client_name checked once at setup: visible ASCII without separators.
inline error_code check_client_name(const TokenClientOptions& o, Diagnostics& diag) {
    if (!o.client_name) return {};
    const std::string& name = *o.client_name;
    bool ok = name.size() <= 128;
    for (const char c : name)
        ok = ok && c > ' ' && c < 0x7F && std::string_view(",;\"\\").find(c) == std::string_view::npos;
    if (ok) return {};
    diag.phase = Phase::setup;
    diag.message = "TokenClientOptions::client_name " + quoted(name, 60) +
                   " cannot be sent in Sforce-Call-Options: it must be at most 128 visible ASCII characters "
                   "without spaces, commas, semicolons, quotes or backslashes";
    diag.hint = "use a name like \"my-app/1.2\" (letters, digits, - _ . / :), or an empty string to send no header";
    return make_error_code(boost::system::errc::invalid_argument);
}

// The Sforce-Call-Options value every REST request carries (empty: none).
inline std::string call_options_value(const TokenClientOptions& o) {
    if (!o.client_name) return "client=sfconnect/" + std::string(version_string);
    return o.client_name->empty() ? std::string{} : "client=" + *o.client_name;
}

inline std::string_view decode_failure(decode_status s) noexcept {
    switch (s) {
        case decode_status::corrupt: return "is not a valid compressed stream";
        case decode_status::truncated: return "ends before its compressed stream does (truncated)";
        default: return "could not be decoded";
    }
}

// The reply headers on_reply reads, found in one pass over the fields (the first occurrence of each,
// as Response::header finds it): four case-insensitive tree look-ups cost about 3k instructions a
// request (docs/benchmarks.md, "Where the time goes").
struct reply_header_values {
    std::string_view content_encoding, content_type, location, limit_info;
};

inline reply_header_values scan_reply_headers(const boost::beast::http::fields& headers) {
    namespace http = boost::beast::http;
    reply_header_values v;
    bool encoding = false, type = false, location = false, limit = false;
    const auto take = [](bool& seen, std::string_view& out, std::string_view value) {
        if (!seen) out = value;
        seen = true;
    };
    for (const auto& f : headers) {
        const std::string_view value(f.value().data(), f.value().size());
        switch (f.name()) {
            case http::field::content_encoding: take(encoding, v.content_encoding, value); break;
            case http::field::content_type: take(type, v.content_type, value); break;
            case http::field::location: take(location, v.location, value); break;
            case http::field::unknown:
                if (iequals(std::string_view(f.name_string().data(), f.name_string().size()), "Sforce-Limit-Info"))
                    take(limit, v.limit_info, value);
                break;
            default: break;
        }
    }
    return v;
}

// How much to reserve for a decoded body, so that it is not grown by doubling (each step a copy, and
// for large pages an mmap/munmap: system time). gzip's trailer states the size (ISIZE, mod 2^32);
// zlib and raw deflate do not, so they get a typical JSON ratio. Never more than the limits allow:
// a hostile trailer reserves no more than the reply may decode to anyway.
inline std::size_t decoded_size_hint(content_coding coding, std::string_view body, const decode_limits& limits) {
    std::size_t hint = body.size() * 8;
    if (coding == content_coding::gzip && body.size() >= 18) {  // 10-byte header + 8-byte trailer
        const auto byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(body[i])); };
        const std::size_t n = body.size();
        hint = byte(n - 4) | (byte(n - 3) << 8) | (byte(n - 2) << 16) | (byte(n - 1) << 24);
    }
    if (limits.max_ratio != 0) hint = std::min(hint, std::max(limits.ratio_floor, body.size() * limits.max_ratio));
    return std::min(hint, limits.max_output);
}

// A reply body sent with Content-Encoding gzip or deflate, decoded in place within the decoded-size
// and ratio limits (bad_response naming the limit otherwise). Identity bodies are left alone.
inline error_code decode_body(Response& out, std::string_view encoding, const decode_limits& limits,
                              Diagnostics& diag) {
    const content_coding coding = parse_content_coding(encoding);
    if (coding == content_coding::identity || out.body.empty()) return {};
    std::string decoded;
    decoded.reserve(decoded_size_hint(coding, out.body, limits));
    content_decoder decoder(coding, limits);
    // Fed in small pieces, so the ratio limit compares the output with the input that produced it.
    decode_status s = decode_status::ok;
    for (std::string_view rest = out.body; !rest.empty() && (s == decode_status::ok || s == decode_status::done);) {
        const std::string_view piece = rest.substr(0, 4096);
        rest.remove_prefix(piece.size());
        s = decoder.feed(piece, decoded);
    }
    if (s == decode_status::ok || s == decode_status::done) s = decoder.finish();
    if (s == decode_status::ok) {
        out.body = std::move(decoded);
        return {};
    }
    diag.http_status = out.status;
    diag.phase = Phase::api;
    diag.hint = std::string(default_hint(errc::bad_response));
    const std::string coded = quoted(encoding, 40);
    if (coding == content_coding::unknown) {
        diag.message = "the reply uses Content-Encoding " + coded +
                       ", which sfconnect does not decode (it asks for gzip and deflate only)";
    } else if (s == decode_status::too_large) {
        diag.message = "the " + coded + " reply inflates past the body limit of " + std::to_string(limits.max_output) +
                       " bytes (after " + std::to_string(decoder.consumed()) +
                       " compressed bytes); decoding stopped at " + std::to_string(decoder.produced()) + " bytes";
        diag.hint = "Raise the response size limit (RequestOptions::max_response_bytes or "
                    "TokenClientOptions::max_response_bytes) if replies this large are expected.";
    } else if (s == decode_status::ratio_exceeded) {
        diag.message = "the " + coded + " reply inflates more than " + std::to_string(limits.max_ratio) +
                       " times its compressed size (a decompression bomb?); decoding stopped after " +
                       std::to_string(decoder.produced()) + " bytes";
        diag.hint = "if such replies are expected, raise TokenClientOptions::max_decompression_ratio (0 turns it off)";
    } else {
        diag.message = "the " + coded + " reply body " + std::string(decode_failure(s));
    }
    return errc::bad_response;
}

// decode_body with the Content-Encoding looked up in `out`.
inline error_code decode_body(Response& out, const decode_limits& limits, Diagnostics& diag) {
    return decode_body(out, out.header("Content-Encoding"), limits, diag);
}

class rest_request {
public:
    rest_request(const client_context& ctx, const Target& target, const RequestOptions& ro, Response& out)
        : ctx_(ctx), target_(target), ro_(ro), out_(out) {}

    HttpRequest& request() noexcept { return req_; }
    HttpResponse& response() noexcept { return res_; }
    // The token the last request carried (the one to drop when need_token says after_rejection).
    const TokenPtr& token() const noexcept { return token_; }
    // The outcome of need_token.
    void set_token(TokenPtr t) noexcept { token_ = std::move(t); }

    action resume(error_code io, double jitter01, Diagnostics& diag) {
        switch (state_) {
            case state::start:
                if (error_code ec = prepare(diag)) return action::done(ec);
                break;
            case state::got_token:
                if (io) return action::done(io);
                build_request();
                state_ = state::exchanged;
                return action::exchange(exchange_kind::api_request, limits_);
            case state::exchanged: {
                const error_code ec = on_reply(io, diag);
                if (!ec) return action::done(ec);
                if (is_refetchable_session_error(ec, diag) && !refetched_) {
                    // The token expired or was revoked: drop exactly that token, fetch once, replay once.
                    refetched_ = true;
                    --attempt_;
                    return next_attempt(diag, true);
                }
                if (should_retry_request(ec, idempotent_, status_, attempt_, ctx_.options.retry)) {
                    state_ = state::slept;
                    return action::sleep(exchange_kind::api_request,
                                         backoff_delay(ctx_.options.retry, attempt_, jitter01), ec, attempt_);
                }
                // Transport failures keep the phase the transport named ("request": timeouts, lost
                // connections, size limits), as Timeouts and the troubleshooting table document.
                return action::done(ec);
            }
            case state::slept: break;
        }
        return next_attempt(diag, false);
    }

private:
    enum class state { start, got_token, exchanged, slept };

    action next_attempt(Diagnostics& diag, bool after_rejection) {
        ++attempt_;
        diag.clear();
        state_ = state::got_token;
        return action::need_token(after_rejection);
    }

    error_code prepare(Diagnostics& diag) {
        path_ = target_.path();
        if (!ro_.query.empty()) {
            char sep = path_.find('?') == std::string::npos ? '?' : '&';
            for (const auto& [k, v] : ro_.query) {
                path_ += sep;
                sep = '&';
                append_form_encoded(path_, k);
                path_ += '=';
                append_form_encoded(path_, v);
            }
        }
        for (const auto& [k, v] : ro_.headers) {
            if (k.empty() || has_crlf_or_nul(k) || has_crlf_or_nul(v)) {
                diag.message = "request header '" + k.substr(0, 60) +
                               "' contains CR, LF or NUL (or an empty name) and was not sent";
                diag.phase = Phase::api;
                return make_error_code(boost::system::errc::invalid_argument);
            }
        }
        compress_ = ro_.compress_reply.value_or(ctx_.options.compress_replies);
        idempotent_ = is_idempotent(target_.method());
        limits_ = ExchangeLimits{ctx_.options.max_header_bytes,
                                 ro_.max_response_bytes.value_or(ctx_.options.max_response_bytes)};
        attempt_ = 0;
        return {};
    }

    void build_request() {
        namespace http = boost::beast::http;
        req_ = HttpRequest{to_verb(target_.method()), path_, 11};
        ctx_.base_headers(req_);
        set_bearer(token_->access_token.reveal());
        if (compress_) req_.set(http::field::accept_encoding, "gzip, deflate");
        if (!ctx_.call_options.empty()) req_.set("Sforce-Call-Options", ctx_.call_options);
        for (const auto& [k, v] : ro_.headers) req_.set(k, v);
        if (ro_.json) {
            req_.set(http::field::content_type, "application/json");
            req_.body() = boost::json::serialize(*ro_.json);
        } else if (!ro_.body.empty()) {
            req_.set(http::field::content_type, ro_.content_type);
            req_.body() = ro_.body;
        }
        req_.prepare_payload();
        res_ = HttpResponse{};
    }

    // Authorization: Bearer <token>, composed on the stack (no heap copy of the token) and wiped.
    void set_bearer(std::string_view token) {
        namespace http = boost::beast::http;
        constexpr std::string_view scheme = "Bearer ";
        std::array<char, 1024> buf;  // NOLINT(cppcoreguidelines-pro-type-member-init): written before use
        if (token.size() > buf.size() - scheme.size()) {
            std::string bearer(scheme);
            bearer += token;
            req_.set(http::field::authorization, bearer);
            wipe(bearer);
            return;
        }
        std::copy(scheme.begin(), scheme.end(), buf.begin());
        std::copy(token.begin(), token.end(), buf.begin() + static_cast<std::ptrdiff_t>(scheme.size()));
        const std::size_t n = scheme.size() + token.size();
        req_.set(http::field::authorization, std::string_view(buf.data(), n));
        secure_wipe(buf.data(), n);
    }

    error_code on_reply(error_code io, Diagnostics& diag) {
        wipe_authorization(req_);
        status_ = 0;
        if (io) return io;
        status_ = static_cast<int>(res_.result_int());
        out_.status = status_;
        out_.headers = std::move(res_.base());
        out_.body = std::move(res_.body());
        out_.json = nullptr;
        out_.limit_info.reset();
        const decode_limits dl{limits_.body_bytes, ctx_.options.max_decompression_ratio};
        const reply_header_values h = scan_reply_headers(out_.headers);
        if (error_code ec = decode_body(out_, h.content_encoding, dl, diag)) return ec;
        if (!h.limit_info.empty()) out_.limit_info = parse_limit_info(h.limit_info);
        if (status_ >= 200 && status_ < 300) return {};
        // A 3xx is classified by the parser, with the host of its Location (never followed).
        const error_code ec = map_api_error(status_, h.content_type, out_.body, diag, h.location);
        redact(diag, token_->access_token.reveal());  // a hostile server may echo it
        return ec;
    }

    const client_context& ctx_;
    const Target& target_;
    const RequestOptions& ro_;
    Response& out_;
    state state_ = state::start;
    std::string path_;
    bool idempotent_ = false;
    bool compress_ = true;
    bool refetched_ = false;
    int attempt_ = 0;
    int status_ = 0;
    ExchangeLimits limits_;
    TokenPtr token_;
    HttpRequest req_;
    HttpResponse res_;
};

}  // namespace sfconnect::detail::sansio

#endif
