// The detail helper families, one header each: ASCII (detail/ascii.hpp), untrusted text and
// redaction (detail/untrusted_text.hpp), URL and HOST:PORT (detail/url.hpp), encoding and wiping
// (detail/encoding.hpp), jitter (detail/random.hpp). Includes the redaction hang regressions.
#include <sfconnect/reply_errors.hpp>
#include <sfconnect/detail/ascii.hpp>
#include <sfconnect/detail/encoding.hpp>
#include <sfconnect/detail/random.hpp>
#include <sfconnect/detail/untrusted_text.hpp>
#include <sfconnect/detail/url.hpp>

#include "catch.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace text_helpers_test {

using namespace sfconnect;
using namespace sfconnect::detail;

namespace {

// Runs `f` and aborts the whole test binary if it has not returned within `limit`: a hang (the old
// redaction loop never ended and grew the string until memory ran out) must fail fast, not stall CI.
template <class F>
void within(std::chrono::seconds limit, F&& f) {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock lock(m);
        if (!cv.wait_for(lock, limit, [&] { return done; })) {
            std::fputs("text_helpers_test: a redaction did not finish in time (hang)\n", stderr);
            std::abort();
        }
    });
    f();
    {
        std::lock_guard lock(m);
        done = true;
    }
    cv.notify_one();
    watchdog.join();
}

// Every occurrence of `needle` in `text` overlaps a "[redacted]" placeholder.
bool every_occurrence_overlaps_a_placeholder(const std::string& text, std::string_view needle) {
    for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) {
        bool covered = false;
        for (std::size_t q = text.find(redaction_placeholder); q != std::string::npos && !covered;
             q = text.find(redaction_placeholder, q + 1))
            covered = q < p + needle.size() && p < q + redaction_placeholder.size();
        if (!covered) return false;
    }
    return true;
}

}  // namespace

// ---- ascii ------------------------------------------------------------------------------------------

static_assert(iequals("Content-Type", "content-type"));
static_assert(!iequals("abc", "abd"));
static_assert(!iequals("abc", "abcd"));
static_assert(ascii_lower('Q') == 'q' && ascii_lower('q') == 'q' && ascii_lower('[') == '[');
static_assert(is_alnum('a') && is_alnum('Z') && is_alnum('7') && !is_alnum('_') && !is_alnum('\xc3'));
static_assert(is_hex_digit('f') && is_hex_digit('F') && !is_hex_digit('g'));
static_assert(ifind("xxBearer y", "bearer ") == 2);
static_assert(ifind("abc", "") == 0);
static_assert(ifind("ab", "abc") == std::string_view::npos);
static_assert(icontains("Session expired OR invalid", "or INVALID"));
static_assert(istarts_with("HTTPS://x", "https://") && !istarts_with("http", "https://"));
static_assert(iends_with("na1.SALESFORCE.com", ".salesforce.com") && !iends_with("com", ".com"));
static_assert(trim_blanks(" \t a b \t") == "a b");
static_assert(trim_blanks(" \t ").empty());

TEST_CASE("ascii: lower-casing leaves every byte but A-Z alone", "[text_helpers]") {
    CHECK(to_lower("MiXeD-Case_123") == "mixed-case_123");
    CHECK(to_lower("\xC3\x89T\xC3\x89") == "\xC3\x89t\xC3\x89");  // only ASCII letters change
    CHECK(ifind("aAaA", "aa", 1) == 1);
    CHECK(ifind("aAaA", "aa", 3) == std::string_view::npos);
    CHECK(ifind("", "") == 0);
    CHECK(ifind("", "", 1) == std::string_view::npos);
}

// ---- printable ----------------------------------------------------------------------------------------

TEST_CASE("printable: one rule for untrusted text", "[text_helpers]") {
    CHECK(printable("plain text", 100) == "plain text");
    // Line breaks and tabs are shown, not acted upon; other C0 controls and DEL as \xNN.
    CHECK(printable("a\r\nb\tc", 100) == "a\\r\\nb\\tc");
    CHECK(printable(std::string("x\0y", 3), 100) == "x\\x00y");
    CHECK(printable("\x1b[31mred\x7f", 100) == "\\x1b[31mred\\x7f");
    // Well-formed UTF-8 text stays readable.
    CHECK(printable("Ung\xC3\xBCltig \xE2\x80\x94 \xF0\x9F\x94\x91", 100) ==
          "Ung\xC3\xBCltig \xE2\x80\x94 \xF0\x9F\x94\x91");
    // C1 controls, bidirectional overrides and line separators are escaped byte by byte.
    CHECK(printable("a\xC2\x9B"
                    "b",
                    100) == "a\\xc2\\x9bb");
    // NOLINTNEXTLINE(misc-misleading-bidirectional): the bidirectional controls are the input under test
    CHECK(printable("a\xE2\x80\xAE"
                    "b",
                    100) == "a\\xe2\\x80\\xaeb");  // U+202E RIGHT-TO-LEFT OVERRIDE
    // NOLINTNEXTLINE(misc-misleading-bidirectional): the bidirectional controls are the input under test
    CHECK(printable("a\xE2\x81\xA6"
                    "b",
                    100) == "a\\xe2\\x81\\xa6b");  // U+2066
    CHECK(printable("a\xE2\x80\xA8"
                    "b",
                    100) == "a\\xe2\\x80\\xa8b");  // U+2028 LINE SEPARATOR
    // Bytes that are not well-formed UTF-8.
    CHECK(printable("\xC3", 100) == "\\xc3");  // cut sequence
    CHECK(printable("\x80"
                    "a",
                    100) == "\\x80a");                                    // stray continuation byte
    CHECK(printable("\xC0\xAF", 100) == "\\xc0\\xaf");                    // overlong '/'
    CHECK(printable("\xED\xA0\x80", 100) == "\\xed\\xa0\\x80");           // a surrogate
    CHECK(printable("\xF4\x90\x80\x80", 100) == "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST_CASE("printable: the cap counts output bytes and never cuts an escape or a character", "[text_helpers]") {
    CHECK(printable("abcdef", 6) == "abcdef");
    CHECK(printable("abcdefg", 6) == "abcdef...");
    CHECK(printable("abc\n", 4) == "abc...");  // "\n" would need 2 bytes
    CHECK(printable("ab\xC3\xA9", 3) == "ab...");
    CHECK(printable("anything", 0) == "...");
    CHECK(printable("", 0).empty());
    const std::string controls(1000, '\x01');
    const std::string out = printable(controls, 100);
    CHECK(out.size() <= 103);
    CHECK(out.substr(0, 8) == "\\x01\\x01");
    CHECK(quoted("a'b", 10) == "'a'b'");
    CHECK(quoted("62.0\r\n", 40, '"') == "\"62.0\\r\\n\"");
}

// ---- redaction ----------------------------------------------------------------------------------------

TEST_CASE("redact_all: needles inside the placeholder terminate (the hang)", "[text_helpers][redact]") {
    // Each needle occurs inside "[redacted]"; the old loop searched again at the text it had just
    // inserted, found the needle there and never ended.
    for (const std::string_view needle : {"dact", "redacted", "[redacted]", "acted]", "[red", "d]"}) {
        INFO(needle);
        std::string text = "a " + std::string(needle) + " b " + std::string(needle) + std::string(needle) + " c";
        std::size_t n = 0;
        within(std::chrono::seconds(10), [&] { n = redact_all(text, needle); });
        CHECK(n == 3);
        CHECK(text == "a [redacted] b [redacted][redacted] c");
        CHECK(every_occurrence_overlaps_a_placeholder(text, needle));
    }
}

TEST_CASE("redact_all: overlapping occurrences are replaced leftmost first", "[text_helpers][redact]") {
    std::string text(9, 'a');
    std::size_t n = 0;
    within(std::chrono::seconds(10), [&] { n = redact_all(text, "aaaa"); });
    CHECK(n == 2);
    CHECK(text == "[redacted][redacted]a");
    CHECK(text.find("aaaa") == std::string::npos);

    std::string abab = "abababab";
    CHECK(redact_all(abab, "abab") == 2);
    CHECK(abab == "[redacted][redacted]");

    // A needle that the placeholder and the following text form again: it overlaps the placeholder,
    // and what is left outside the placeholder is no secret text.
    std::string tail = "d]zzzz";
    CHECK(redact_all(tail, "d]zz") == 1);
    CHECK(tail == "[redacted]zz");
    CHECK(every_occurrence_overlaps_a_placeholder(tail, "d]zz"));
}

TEST_CASE("redact_all: edge cases and the growth bound", "[text_helpers][redact]") {
    std::string text = "nothing to see";
    CHECK(redact_all(text, "") == 0);
    CHECK(redact_all(text, "secret") == 0);
    CHECK(text == "nothing to see");

    std::string all = "tokentokentoken";
    CHECK(redact_all(all, "token") == 3);
    CHECK(all == "[redacted][redacted][redacted]");

    // Worst case growth: a text made only of a 4-byte needle grows by 10/4, never more.
    std::string dense;
    for (int i = 0; i < 1000; ++i) dense += "dact";
    const std::size_t before = dense.size();
    within(std::chrono::seconds(10), [&] { redact_all(dense, "dact"); });
    CHECK(dense.size() * 4 <= before * redaction_placeholder.size());
    CHECK(every_occurrence_overlaps_a_placeholder(dense, "dact"));
}

TEST_CASE("redact: secrets shorter than 4 characters are left alone, the rest go everywhere",
          "[text_helpers][redact]") {
    Diagnostics d;
    d.message = "the server said dact";
    d.hint = "abc dact";
    d.server_error = "dact";
    d.server_message = "[redacted] dact [redacted]";
    d.host = "dact.example.com";
    within(std::chrono::seconds(10), [&] { redact(d, "dact"); });
    CHECK(d.message == "the server said [redacted]");
    CHECK(d.hint == "abc [redacted]");
    CHECK(d.server_error == "[redacted]");
    // A placeholder already in the text is text like any other: its "dact" goes too.
    CHECK(d.server_message == "[re[redacted]ed] [redacted] [re[redacted]ed]");
    CHECK(d.host == "[redacted].example.com");

    redact(d, "abc");  // too short: it would shred ordinary words
    CHECK(d.hint == "abc [redacted]");
    std::string s = "xyz";
    redact_secret(s, "xyz");
    CHECK(s == "xyz");
    redact_secret(s = "wxyz wxyz", "wxyz");
    CHECK(s == "[redacted] [redacted]");
}

TEST_CASE("safe_text: redaction, spaces and the printable rule", "[text_helpers][redact]") {
    CHECK(safe_text("the token is dact, dact", 100, {"dact"}) == "the token is [redacted], [redacted]");
    CHECK(safe_text("line\r\nbreak\x1b!", 100) == "line  break !");
    CHECK(safe_text("a\n\n b", 100, {}, true) == "a b");
    // C1 and bidirectional controls are escaped (printable), UTF-8 text kept.
    // NOLINTNEXTLINE(misc-misleading-bidirectional): the bidirectional controls are the input under test
    CHECK(safe_text("caf\xC3\xA9 \xE2\x80\xAE", 100) == "caf\xC3\xA9 \\xe2\\x80\\xae");
    CHECK(safe_text(std::string(600, 'x'), 500).size() == 503);
}

// ---- url -------------------------------------------------------------------------------------------------

TEST_CASE("url_host, a redirect's Location host in diagnostics is untrusted text", "[text_helpers][url]") {
    CHECK(url_host("https://u:p@a.b.com:8443/x?y#z") == "a.b.com");
    CHECK(url_host("http://[::1]:80/") == "[::1]");
    CHECK(url_host("/relative").empty());
    // The parsers name the Location's host (the REST reply's and the token reply's alike).
    const auto host_of = [](std::string_view location) {
        Diagnostics api;
        CHECK(sfconnect::map_api_error(302, "text/html", "", api, location) == sfconnect::errc::redirected);
        Diagnostics token;
        CHECK(sfconnect::map_token_error(302, "text/html", "", token, location) == sfconnect::errc::redirected);
        CHECK(api.host == token.host);
        return api.host;
    };
    CHECK(host_of("https://evil.example.com/path") == "evil.example.com");
    CHECK(host_of("https://user:00DS7000000oxzoMAA!AR8AQabc@evil.example.com/") == "evil.example.com");
    CHECK(host_of("https://00DS7000000oxzoMAA!AR8AQabc/x") == "[redacted]");
    CHECK(host_of("https://a\x1b"
                  "b/x") == "a b");
    CHECK(host_of("https://" + std::string(400, 'h')).size() <= 258);
    CHECK(host_of("no scheme").empty());
}

TEST_CASE("parse_host_port: one rule set for connect-to, proxies and the tool", "[text_helpers][url]") {
    HostPort hp;
    CHECK(parse_host_port("127.0.0.1:8443", hp).empty());
    CHECK(hp.host == "127.0.0.1");
    CHECK(hp.port == "8443");
    CHECK(parse_host_port("[::1]:443", hp).empty());
    CHECK(hp.host == "::1");
    CHECK(parse_host_port("[2001:db8::1]:65535", hp).empty());
    CHECK(hp.host == "2001:db8::1");
    CHECK(hp.port == "65535");
    CHECK(parse_host_port("proxy.corp:1", hp).empty());

    for (std::string_view bad : {"",           "host",       "host:",      ":443",          "host:0",
                                 "host:65536", "host:99999", "host:+443",  "host:44 3",     "host:443 ",
                                 "ho st:443",  "ho\tst:443", "host\n:443", "a/b:443",       "user@host:443",
                                 "h#:1",       "::1:443",    "[::1]",      "[::1]443",      "[]:443",
                                 "[::1:443",   "[host]:443", "[::1]:0",    "h\xC3\xA9:443", "host:000001",
                                 "host:-1"}) {
        INFO(printable(bad, 40));
        CHECK_FALSE(parse_host_port(bad, hp).empty());
    }

    // With a default port (proxy URLs), the port may be left out.
    CHECK(parse_host_port("proxy.corp", hp, "8080").empty());
    CHECK(hp.port == "8080");
    CHECK(parse_host_port("[::1]", hp, "8080").empty());
    CHECK(hp.host == "::1");
    CHECK(hp.port == "8080");
    CHECK_FALSE(parse_host_port("", hp, "8080").empty());
    CHECK_FALSE(parse_host_port("proxy.corp:", hp, "8080").empty());
}

// ---- encoding -------------------------------------------------------------------------------------------

TEST_CASE("append_form_encoded keeps unreserved characters only", "[text_helpers][encoding]") {
    std::string out = "x=";
    append_form_encoded(out, "a b+c&d=e/f~g-h.i_j%\xC3\xA9");
    CHECK(out == "x=a%20b%2Bc%26d%3De%2Ff~g-h.i_j%25%C3%A9");
}

TEST_CASE("base64_encode: RFC 4648 test vectors", "[text_helpers][encoding]") {
    CHECK(base64_encode("").empty());
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode(std::string_view("\xff\xfe\x00", 3)) == "//4A");
    CHECK(base64_encode("user:p@ss") == "dXNlcjpwQHNz");
}

TEST_CASE("has_crlf_or_nul and wipe", "[text_helpers][encoding]") {
    static_assert(has_crlf_or_nul("a\rb") && has_crlf_or_nul("a\nb") && !has_crlf_or_nul("a b\t"));
    CHECK(has_crlf_or_nul(std::string_view("a\0b", 3)));
    std::string s = "client_secret=S3CR3T";
    wipe(s);
    CHECK(s.empty());
    std::string empty;
    wipe(empty);
    CHECK(empty.empty());
}

TEST_CASE("jitter01 stays at or above 0 and below 1", "[text_helpers]") {
    for (int i = 0; i < 1000; ++i) {
        const double j = jitter01();
        REQUIRE(j >= 0.0);
        REQUIRE(j < 1.0);
    }
}

}  // namespace text_helpers_test
