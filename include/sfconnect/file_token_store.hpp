// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_FILE_TOKEN_STORE_HPP
#define SFCONNECT_FILE_TOKEN_STORE_HPP

/// @file
/// The token stores that need no server: the file store (many processes on one machine) and the
/// in-memory store (clients of one process), and make_token_store(), which picks one from a URL.
/// The Redis store is in <sfconnect/redis_token_store.hpp> (CMake component sfconnect::redis).

#include <sfconnect/error.hpp>
#include <sfconnect/token_store.hpp>
#include <sfconnect/detail/config.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace sfconnect {

/// The file store: a directory (created with mode 0700 when missing; refused when another user owns
/// it or anyone may write to it), one file per key, mode 0600. A write goes to a temporary file
/// that is synced and renamed over the entry, so a reader sees the old or the new entry, never half
/// of one. The fetch lock is a `flock` on a lock file, taken with LOCK_NB (never waiting): the
/// kernel releases it when the process dies. TTLs are stored in the entry and enforced on read
/// (one machine: one clock). Completion handlers run through their associated executor (else `ex`).
///
/// On failure returns null and sets `ec` (store_errc::invalid_url, io_error) and `message` (which
/// directory, what is wrong, how to fix it).
SFCONNECT_DECL std::shared_ptr<TokenStore> make_file_token_store(boost::asio::any_io_executor ex, std::string directory,
                                                                 error_code& ec, std::string& message);

/// An in-memory store shared by the clients of one process that are given the same pointer (tests,
/// several clients for one org in one service). Entries expire by their TTL.
SFCONNECT_DECL std::shared_ptr<TokenStore> make_memory_token_store(boost::asio::any_io_executor ex);

/// The store a URL names: `file:DIR` (make_file_token_store) or `memory:` (no shared store: the
/// client's own in-process cache, today's behaviour; returns null without error). Anything else,
/// Redis URLs included (see <sfconnect/redis_token_store.hpp>), is store_errc::invalid_url with a
/// message saying what is accepted.
SFCONNECT_DECL std::shared_ptr<TokenStore> make_token_store(boost::asio::any_io_executor ex, std::string_view url,
                                                            error_code& ec, std::string& message);

}  // namespace sfconnect

#ifdef SFCONNECT_HEADER_ONLY
#include <sfconnect/impl/file_token_store.ipp>
#endif

#endif
