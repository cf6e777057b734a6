// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_IMPL_CONSUMER_CREDENTIALS_IPP
#define SFCONNECT_IMPL_CONSUMER_CREDENTIALS_IPP

#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/detail/untrusted_text.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <system_error>

namespace sfconnect {
namespace detail {

// What the validator found, with enough detail to say it precisely in a message.
struct Finding {
    CredentialProblem problem = CredentialProblem::none;
    std::string_view what;  // "starts with a space", "contains a line break", ...
    std::string_view fix;   // "remove the surrounding whitespace", "paste it on one line", ...
};

// Multi-byte (UTF-8) characters that copy/paste from web pages, chat and word processors adds.
inline constexpr std::string_view utf8_spaces[] = {
    "\xC2\xA0",      // U+00A0 no-break space
    "\xE2\x80\x8B",  // U+200B zero-width space
    "\xEF\xBB\xBF",  // U+FEFF byte order mark
};
inline constexpr std::string_view quotes[] = {
    "\"",           "'", "`", "\xE2\x80\x9C",
    "\xE2\x80\x9D",  // U+201C, U+201D double quotation marks
    "\xE2\x80\x98",
    "\xE2\x80\x99",  // U+2018, U+2019 single quotation marks
};

inline bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

inline std::string_view describe_space(std::string_view v, bool at_start) noexcept {
    const unsigned char c = static_cast<unsigned char>(at_start ? v.front() : v.back());
    switch (c) {
        case ' ': return at_start ? "starts with a space" : "ends with a space";
        case '\t': return at_start ? "starts with a tab" : "ends with a tab";
        case '\n':
        case '\r': return at_start ? "starts with a line break" : "ends with a line break";
        case '\v':
        case '\f': return at_start ? "starts with a page or line feed" : "ends with a page or line feed";
        default: return at_start ? "starts with an invisible space" : "ends with an invisible space";
    }
}

inline bool space_at_edge(std::string_view v, bool at_start) noexcept {
    const unsigned char c = static_cast<unsigned char>(at_start ? v.front() : v.back());
    if (c == ' ' || (c >= '\t' && c <= '\r')) return true;
    for (auto s : utf8_spaces)
        if (at_start ? v.substr(0, s.size()) == s : (v.size() >= s.size() && v.substr(v.size() - s.size()) == s))
            return true;
    return false;
}

inline std::size_t quote_len(std::string_view v, bool at_start) noexcept {
    for (auto q : quotes) {
        if (v.size() < q.size()) continue;
        if ((at_start ? v.substr(0, q.size()) : v.substr(v.size() - q.size())) == q) return q.size();
    }
    return 0;
}

inline Finding inspect(std::string_view v) noexcept {
    if (v.empty()) return {CredentialProblem::empty, "is empty", "paste the value from the connected app"};
    for (bool at_start : {true, false})
        if (space_at_edge(v, at_start))
            return {CredentialProblem::surrounding_whitespace, describe_space(v, at_start),
                    "remove the surrounding whitespace"};
    const std::size_t open = quote_len(v, true);
    if (open != 0 && v.size() > open && quote_len(v.substr(open), false) != 0)
        return {CredentialProblem::surrounding_quotes, "is wrapped in quotes", "remove the surrounding quotes"};
    for (char ch : v) {
        const auto c = static_cast<unsigned char>(ch);
        if (!is_control(c)) continue;
        if (c == '\n' || c == '\r')
            return {CredentialProblem::control_character, "contains a line break", "paste it on one line"};
        if (c == '\t') return {CredentialProblem::control_character, "contains a tab character", "remove the tab"};
        if (c == 0) return {CredentialProblem::control_character, "contains a NUL byte", "copy the value again"};
        return {CredentialProblem::control_character, "contains an invisible control character",
                "copy the value again"};
    }
    return {};
}

// Configuration text (variable names, file paths) quoted in messages: at most this many bytes.
inline constexpr std::size_t max_config_text = 256;

// Where a value came from, for messages: "Consumer Key", "Consumer Secret (environment variable X)".
struct Source {
    std::string_view name;       // "Consumer Key" / "Consumer Secret"
    std::string where;           // "" / " (environment variable X)" / " (first line of file P)"
    std::string empty_fix = {};  // how to fix an empty value when pasting is not the way
};

inline error_code fail(Diagnostics& diag, std::string message, std::string_view extra_hint = {}) {
    diag.clear();
    diag.phase = Phase::credentials;
    diag.message = std::move(message);
    diag.hint = std::string(default_hint(errc::invalid_credentials));
    if (!extra_hint.empty()) {
        diag.hint += ' ';
        diag.hint += extra_hint;
    }
    return errc::invalid_credentials;
}

inline error_code report(Diagnostics& diag, const Source& src, const Finding& f, std::string_view key_value) {
    std::string m(src.name);
    m += src.where;
    m += ' ';
    m += f.what;
    if (!key_value.empty()) {
        m += " (it begins with '";
        // The first few characters only, for recognising which key was meant: keys are not secret,
        // but a secret pasted into the key field must not be echoed whole.
        m += printable(key_value.substr(0, 6), 24);
        m += "', " + std::to_string(key_value.size()) + " characters)";
    }
    m += ": ";
    if (f.problem == CredentialProblem::empty && !src.empty_fix.empty()) {
        m += src.empty_fix;
    } else if (f.problem == CredentialProblem::empty) {
        m += "paste the ";
        m += src.name;
        m += " from the connected app";
    } else {
        m += f.fix;
    }
    return fail(diag, std::move(m));
}

inline boost::system::result<ConsumerCredentials> validate(
    std::string_view key, const Source& key_src, std::string_view secret, const Source& secret_src, Diagnostics& diag,
    ConsumerCredentials (*make)(std::string_view, std::string_view)) {
    if (const auto f = inspect(key); f.problem != CredentialProblem::none)
        return report(diag, key_src, f, f.problem == CredentialProblem::empty ? std::string_view{} : key);
    if (const auto f = inspect(secret); f.problem != CredentialProblem::none)
        return report(diag, secret_src, f, {});  // never echo any part of the secret
    diag.clear();
    return make(key, secret);
}

// Reads the first line of a file into a wiped buffer; the line ends at the first "\n".
class LineReader {
public:
    static constexpr std::size_t max_size = 64 * 1024;  // far above any secret; stops /dev/zero & co.

    LineReader() : buf_(new char[max_size]) {}
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;
    ~LineReader() { secure_wipe(buf_.get(), max_size); }

    // Returns an empty error string on success. With whole_file, reads up to max_size bytes
    // (a PEM key) instead of stopping after the first line.
    std::string read(const std::string& path, bool whole_file = false) {
        if (path.find('\0') != std::string::npos) return "the path contains a NUL byte";
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) return std::generic_category().message(errno);
        std::string error;
        for (;;) {
            const std::size_t room = max_size - size_;
            if (room == 0) {
                error = whole_file ? "it is longer than 64 KiB, so it is not a PEM key file"
                                   : "its first line is longer than 64 KiB, so it is not a Consumer Secret file";
                break;
            }
            const std::size_t got = std::fread(buf_.get() + size_, 1, room, f);
            const std::string_view chunk(buf_.get() + size_, got);
            size_ += got;
            if (!whole_file && chunk.find('\n') != std::string_view::npos) break;
            if (got < room) {
                if (std::ferror(f) != 0) error = std::generic_category().message(errno != 0 ? errno : EIO);
                break;
            }
        }
        std::fclose(f);
        return error;
    }

    // Everything read.
    std::string_view all() const noexcept { return {buf_.get(), size_}; }

    // The first line without its "\n" or "\r\n" terminator.
    std::string_view first_line() const noexcept {
        std::string_view all(buf_.get(), size_);
        const auto nl = all.find('\n');
        if (nl == std::string_view::npos) return all;
        all = all.substr(0, nl);
        if (!all.empty() && all.back() == '\r') all.remove_suffix(1);
        return all;
    }

private:
    std::unique_ptr<char[]> buf_;
    std::size_t size_ = 0;
};

}  // namespace detail

SFCONNECT_DECL std::string_view to_string(CredentialProblem p) noexcept {
    switch (p) {
        case CredentialProblem::none: return "none";
        case CredentialProblem::empty: return "empty";
        case CredentialProblem::surrounding_whitespace: return "surrounding_whitespace";
        case CredentialProblem::surrounding_quotes: return "surrounding_quotes";
        case CredentialProblem::control_character: return "control_character";
        case CredentialProblem::not_set: return "not_set";
        case CredentialProblem::unreadable_file: return "unreadable_file";
    }
    return "unknown";
}

SFCONNECT_DECL CredentialProblem check_consumer_key(std::string_view key) noexcept {
    return detail::inspect(key).problem;
}

SFCONNECT_DECL CredentialProblem check_consumer_secret(std::string_view secret) noexcept {
    return detail::inspect(secret).problem;
}

SFCONNECT_DECL boost::system::result<ConsumerCredentials> ConsumerCredentials::create(std::string_view consumer_key,
                                                                                      std::string_view consumer_secret,
                                                                                      Diagnostics& diag) {
    using namespace detail;
    return validate(consumer_key, Source{"Consumer Key", {}}, consumer_secret, Source{"Consumer Secret", {}}, diag,
                    [](std::string_view k, std::string_view s) {
                        return ConsumerCredentials(std::string(k), Secret(s));
                    });
}

SFCONNECT_DECL boost::system::result<ConsumerCredentials> ConsumerCredentials::create(
    std::string_view consumer_key, std::string_view consumer_secret) {
    Diagnostics diag;
    return create(consumer_key, consumer_secret, diag);
}

SFCONNECT_DECL boost::system::result<ConsumerCredentials> ConsumerCredentials::from_env(Diagnostics& diag,
                                                                                        std::string_view key_var,
                                                                                        std::string_view secret_var) {
    using namespace detail;
    // getenv needs NUL-terminated names; a name with '=' or NUL can never be set.
    const auto lookup = [](std::string_view name) -> const char* {
        if (name.empty() || name.find('=') != std::string_view::npos || name.find('\0') != std::string_view::npos)
            return nullptr;
        return std::getenv(std::string(name).c_str());
    };
    const char* key = lookup(key_var);
    const char* secret = lookup(secret_var);
    if (key == nullptr || secret == nullptr) {
        const std::string_view missing_var = key == nullptr ? key_var : secret_var;
        const std::string_view what = key == nullptr ? "Consumer Key" : "Consumer Secret";
        std::string m = "environment variable " + printable(missing_var, max_config_text) + " (" + std::string(what) +
                        ") is not set";
        if (key == nullptr && secret == nullptr)
            m += " (nor is " + printable(secret_var, max_config_text) + " for the Consumer Secret)";
        m += ": set " + printable(missing_var, max_config_text) + " to the app's " + std::string(what);
        if (key == nullptr && secret == nullptr)
            m += " and " + printable(secret_var, max_config_text) + " to its Consumer Secret";
        const auto ec = fail(diag, std::move(m), "Make sure the variables are exported to this process's environment.");
        return ec;
    }
    return validate(key,
                    Source{"Consumer Key", " (environment variable " + printable(key_var, max_config_text) + ")",
                           "set " + printable(key_var, max_config_text) + " to the app's Consumer Key"},
                    secret,
                    Source{"Consumer Secret", " (environment variable " + printable(secret_var, max_config_text) + ")",
                           "set " + printable(secret_var, max_config_text) + " to the app's Consumer Secret"},
                    diag, [](std::string_view k, std::string_view s) {
                        return ConsumerCredentials(std::string(k), Secret(s));
                    });
}

SFCONNECT_DECL boost::system::result<ConsumerCredentials> ConsumerCredentials::from_env() {
    Diagnostics diag;
    return from_env(diag);
}

SFCONNECT_DECL boost::system::result<ConsumerCredentials> ConsumerCredentials::from_file(std::string_view consumer_key,
                                                                                         const std::string& secret_path,
                                                                                         Diagnostics& diag) {
    using namespace detail;
    // Check the key first so a bad key is reported even when the file is fine.
    if (const auto f = inspect(consumer_key); f.problem != CredentialProblem::none)
        return report(diag, Source{"Consumer Key", {}}, f,
                      f.problem == CredentialProblem::empty ? std::string_view{} : consumer_key);
    LineReader reader;
    if (auto error = reader.read(secret_path); !error.empty()) {
        return fail(diag,
                    "Consumer Secret file '" + printable(secret_path, max_config_text) + "' could not be read (" +
                        error + "): check the path and that this process may read it",
                    "Save the Consumer Secret as the first line of that file.");
    }
    return validate(consumer_key, Source{"Consumer Key", {}}, reader.first_line(),
                    Source{"Consumer Secret", " (first line of file '" + printable(secret_path, max_config_text) + "')",
                           "put the Consumer Secret on the first line of the file"},
                    diag, [](std::string_view k, std::string_view s) {
                        return ConsumerCredentials(std::string(k), Secret(s));
                    });
}

SFCONNECT_DECL std::ostream& operator<<(std::ostream& os, const ConsumerCredentials& c) {
    return os << "ConsumerCredentials{consumer_key=" << c.consumer_key() << ", consumer_secret=[redacted]}";
}

}  // namespace sfconnect

#endif
