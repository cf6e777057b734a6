// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_ERROR_WITH_DIAGNOSTICS_HPP
#define SFCONNECT_ERROR_WITH_DIAGNOSTICS_HPP

/// @file
/// The exception thrown by sfconnect's throwing APIs.

#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>

#include <system_error>
#include <utility>

namespace sfconnect {

/// A std::system_error that also carries the Diagnostics (server text, remediation hint).
/// what() is the one-line to_string(code, diagnostics); it never contains secrets.
class ErrorWithDiagnostics : public std::system_error {
public:
    /// Wraps an error code and its diagnostics.
    ErrorWithDiagnostics(const error_code& ec, Diagnostics diag)
        : std::system_error(static_cast<std::error_code>(ec), to_string(ec, diag)), code_(ec), diag_(std::move(diag)) {}

    /// The diagnostics that came with the error.
    const Diagnostics& diagnostics() const noexcept { return diag_; }
    /// The original Boost error code (std::system_error::code() holds its std:: conversion).
    const error_code& boost_code() const noexcept { return code_; }

private:
    error_code code_;
    Diagnostics diag_;
};

/// Throws ErrorWithDiagnostics if ec is an error.
inline void throw_on_error(const error_code& ec, const Diagnostics& diag = {}) {
    if (ec) throw ErrorWithDiagnostics(ec, diag);
}

}  // namespace sfconnect

#endif
