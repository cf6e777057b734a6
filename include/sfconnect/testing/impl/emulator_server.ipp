// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_TESTING_IMPL_EMULATOR_SERVER_IPP
#define SFCONNECT_TESTING_IMPL_EMULATOR_SERVER_IPP

// The emulator's networking: accepting, TLS, reading requests, writing replies and acting out
// transport Faults. Member functions of Emulator::Impl (declared in impl/emulator.ipp); `inline`
// because SFCONNECT_TESTING_HEADER_ONLY may compile them in several TUs.

#include <sfconnect/testing/impl/emulator.ipp>

namespace sfconnect {
namespace testing {

namespace detail {

template <class Stream>
boost::asio::awaitable<void> write_all(Stream& stream, const std::string& bytes) {
    co_await boost::asio::async_write(stream, boost::asio::buffer(bytes),
                                      boost::asio::as_tuple(boost::asio::use_awaitable));
}

// `body` then `filler_bytes` of filler, chunked; stops at the first write error (the client gave up).
template <class Stream>
boost::asio::awaitable<void> write_filler_reply(Stream& stream, const Fault& f) {
    namespace asio = boost::asio;
    std::string head = "HTTP/1.1 " + std::to_string(f.status) + " Filler\r\n";
    if (!f.content_type.empty()) head += "Content-Type: " + f.content_type + "\r\n";
    head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if (!f.body.empty()) head += hex_size(f.body.size()) + "\r\n" + f.body + "\r\n";
    stream.next_layer().expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), asio::as_tuple(asio::use_awaitable));
    const std::string piece(64 * 1024, 'x');
    for (std::size_t left = f.filler_bytes; !ec && left > 0;) {
        const std::size_t k = std::min(left, piece.size());
        const std::string size_line = hex_size(k) + "\r\n";
        const std::array<asio::const_buffer, 3> bufs{asio::buffer(size_line), asio::buffer(piece.data(), k),
                                                     asio::buffer("\r\n", 2)};
        stream.next_layer().expires_after(std::chrono::seconds(30));
        std::tie(ec, n) = co_await asio::async_write(stream, bufs, asio::as_tuple(asio::use_awaitable));
        left -= k;
    }
    if (!ec) co_await write_all(stream, std::string("0\r\n\r\n"));
}

template <class TlsStream>
void hard_close(TlsStream& stream) {
    boost::system::error_code ignored;
    stream.next_layer().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream.next_layer().close();
}

template <class TlsStream>
boost::asio::awaitable<void> graceful_close(TlsStream& stream) {
    stream.next_layer().expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(boost::asio::as_tuple(boost::asio::use_awaitable));
    hard_close(stream);
}

// Reads and discards until the client closes or the server stops (the never_reply fault).
template <class TlsStream>
boost::asio::awaitable<void> discard_until_closed(TlsStream& stream) {
    stream.next_layer().expires_never();
    char sink[512];
    for (;;) {
        auto [e, n] = co_await stream.async_read_some(boost::asio::buffer(sink),
                                                      boost::asio::as_tuple(boost::asio::use_awaitable));
        if (e) co_return;
    }
}

}  // namespace detail

// Answers a request that could not be parsed, then closes.
inline boost::asio::awaitable<void> Emulator::Impl::reject(tls_stream& stream, int status) {
    count(&EmulatorStats::bad_requests);
    const OrgReply r = detail::text_reply(status, "text/plain;charset=UTF-8", detail::reason_phrase(status));
    stream.next_layer().expires_after(std::chrono::seconds(5));
    co_await detail::write_all(stream, detail::serialize_reply(r, false, false));
    co_await detail::graceful_close(stream);
}

// The next request on a connection; nullopt when the connection is done (closed by the client,
// idle too long, closed by close_idle_connections(), or a bad request that was answered).
inline boost::asio::awaitable<std::optional<detail::Request>> Emulator::Impl::read_request(
    tls_stream& stream, boost::beast::flat_buffer& buffer, ConnectionEntry& entry) {
    namespace http = boost::beast::http;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(detail::max_header_bytes));
    parser.body_limit(detail::max_body_bytes);
    entry.state = ConnectionEntry::waiting;
    if (opts().idle_timeout.count() > 0) {
        stream.next_layer().expires_after(opts().idle_timeout);
    } else {
        stream.next_layer().expires_never();
    }
    auto [error, bytes] = co_await http::async_read(stream, buffer, parser,
                                                    boost::asio::as_tuple(boost::asio::use_awaitable));
    entry.state = ConnectionEntry::busy;
    if (!error) {
        co_return parser.release();
    }
    if (error == http::error::header_limit) {
        co_await reject(stream, 431);
    } else if (error == http::error::body_limit) {
        co_await reject(stream, 413);
    } else if (error.category() == http::make_error_code(http::error::bad_target).category() &&
               error != http::error::end_of_stream && error != http::error::partial_message) {
        co_await reject(stream, 400);
    }
    co_return std::nullopt;
}

// Acts out a transport failure (a Fault or a random drop) instead of a normal reply; the
// connection always ends.
inline boost::asio::awaitable<void> Emulator::Impl::misbehave(tls_stream& stream, const Exchange& x,
                                                              std::uint64_t connection) {
    const bool cut_body = x.chance == detail::RandomAction::drop_mid_body ||
                          (x.fault && x.fault->kind == FaultKind::close_mid_body);
    if (cut_body) {
        const OrgReply full = x.fault && !x.fault->body.empty() ? detail::fault_reply(*x.fault) : respond(x.request);
        record(x.request, full.status, connection);
        stream.next_layer().expires_after(std::chrono::seconds(30));
        co_await detail::write_all(stream, detail::first_half_of(full));
    } else if (x.fault && x.fault->kind == FaultKind::reply) {  // a reply with filler_bytes
        record(x.request, x.fault->status, connection);
        co_await detail::write_filler_reply(stream, *x.fault);
    } else if (x.fault && x.fault->kind == FaultKind::never_reply) {
        record(x.request, 0, connection);
        co_await detail::discard_until_closed(stream);
        co_return;
    } else {  // close_before_reply, or a random drop before replying
        record(x.request, 0, connection);
    }
    detail::hard_close(stream);
}

// Answers one request; false when the connection is done.
inline boost::asio::awaitable<bool> Emulator::Impl::serve(tls_stream& stream, ConnectionEntry& entry, const Exchange& x,
                                                          std::uint64_t connection) {
    namespace asio = boost::asio;
    if (x.fault && x.fault->delay.count() > 0) {
        asio::steady_timer timer(stream.get_executor(), x.fault->delay);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    std::optional<OrgReply> reply = planned_reply(x);
    if (!reply) {
        co_await misbehave(stream, x, connection);
        co_return false;
    }
    if (!x.fault || x.fault->kind == FaultKind::delay) encode(*reply, x.request);  // Faults answer verbatim
    record(x.request, reply->status, connection);
    stream.next_layer().expires_after(std::chrono::seconds(30));
    const std::string wire = detail::serialize_reply(*reply, x.keep_alive, x.head);
    count(&EmulatorStats::reply_bytes, static_cast<std::int64_t>(wire.size()));
    entry.state = ConnectionEntry::writing;
    auto [error, written] = co_await asio::async_write(stream, asio::buffer(wire), asio::as_tuple(asio::use_awaitable));
    entry.state = ConnectionEntry::busy;
    if (error) {
        co_return false;
    }
    if (entry.close_after_write || x.chance == detail::RandomAction::drop_after_reply) {
        detail::hard_close(stream);
        co_return false;
    }
    if (!x.keep_alive) {
        co_await detail::graceful_close(stream);
        co_return false;
    }
    co_return true;
}

inline boost::asio::awaitable<void> Emulator::Impl::session(Runtime& rt, tcp::socket socket, std::uint64_t connection) {
    namespace asio = boost::asio;
    struct Active {  // counts the connection while its coroutine lives
        Impl& self;
        explicit Active(Impl& s) : self(s) { self.count(&EmulatorStats::active_connections); }
        ~Active() { self.count(&EmulatorStats::active_connections, -1); }
        Active(const Active&) = delete;
        Active& operator=(const Active&) = delete;
    } active(*this);

    tls_stream stream(std::move(socket), rt.ssl);
    ConnectionEntry entry;
    entry.tcp = &stream.next_layer();
    rt.connections.insert(&entry);
    struct Unregister {
        Runtime& rt;
        ConnectionEntry* entry;
        ~Unregister() { rt.connections.erase(entry); }
    } unregister{rt, &entry};

    stream.next_layer().expires_after(std::chrono::seconds(30));
    auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                             asio::as_tuple(asio::use_awaitable));
    count(handshake_error ? &EmulatorStats::tls_handshake_failures : &EmulatorStats::tls_handshakes);
    if (handshake_error) {
        co_return;
    }
    boost::beast::flat_buffer buffer;
    for (;;) {
        const std::optional<detail::Request> req = co_await read_request(stream, buffer, entry);
        if (!req) {
            co_return;
        }
        const Exchange x = begin_request(*req);
        if (!co_await serve(stream, entry, x, connection)) {
            co_return;
        }
    }
}

inline boost::asio::awaitable<void> Emulator::Impl::accept_loop(Runtime& rt, tcp::acceptor acceptor) {
    namespace asio = boost::asio;
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
                co_return;
            }
            // e.g. out of file descriptors: back off instead of spinning
            asio::steady_timer timer(acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        count(&EmulatorStats::connections_accepted);
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        asio::co_spawn(rt.ioc, session(rt, std::move(socket), ++rt.next_connection), completion());
    }
}

inline void Emulator::Impl::start() {
    namespace asio = boost::asio;
    std::lock_guard run(run_mutex);
    if (runtime) {
        return;
    }
    auto rt = std::make_unique<Runtime>();
    rt->ssl.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    rt->ssl.use_certificate_chain(asio::buffer(server_certificate.certificate_pem));
    rt->ssl.use_private_key(asio::buffer(server_certificate.private_key_pem), asio::ssl::context::pem);

    tcp::acceptor acceptor(rt->ioc);
    const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), opts().port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    bound_port = acceptor.local_endpoint().port();

    asio::co_spawn(rt->ioc, accept_loop(*rt, std::move(acceptor)), completion());
    rt->thread = std::thread([ioc = &rt->ioc] {
        for (;;) {
            try {
                ioc->run();
                return;
            } catch (...) {
                // Handlers do not throw by design; keep serving if one ever does.
            }
        }
    });
    runtime = std::move(rt);
}

inline void Emulator::Impl::stop() noexcept {
    std::lock_guard run(run_mutex);
    if (!runtime) {
        return;
    }
    runtime->ioc.stop();
    if (runtime->thread.joinable()) {
        runtime->thread.join();
    }
    runtime.reset();  // destroys suspended coroutines, which closes their sockets
}

inline void Emulator::Impl::close_idle_connections() {
    std::lock_guard run(run_mutex);
    if (!runtime) {
        return;
    }
    Runtime& rt = *runtime;
    const auto close_idle = [&rt] {
        for (ConnectionEntry* entry : rt.connections) {
            if (entry->state == ConnectionEntry::waiting) {
                boost::system::error_code ignored;
                entry->tcp->socket().shutdown(tcp::socket::shutdown_both, ignored);
                entry->tcp->close();
            } else if (entry->state == ConnectionEntry::writing) {
                entry->close_after_write = true;
            }
        }
    };
    if (rt.ioc.get_executor().running_in_this_thread()) {
        close_idle();
        return;
    }
    std::promise<void> done;
    std::future<void> finished = done.get_future();
    boost::asio::post(rt.ioc, [&] {
        close_idle();
        done.set_value();
    });
    finished.wait();
}

}  // namespace testing
}  // namespace sfconnect

#endif
