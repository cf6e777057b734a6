#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/error_with_diagnostics.hpp>
#include <sfconnect/secret.hpp>

#include "catch.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace credentials_test {

using namespace sfconnect;
using namespace std::string_literals;

namespace {

// Recognisable values: any appearance in output is a leak.
constexpr std::string_view test_key = "3MVG9TESTKEYabcdefghij.KLMNOPqrstuvwxyz0123456789";
constexpr std::string_view test_secret = "TEST-SECRET-9f8e7d6c5b4a3210";
constexpr std::string_view secret_marker = "TEST-SECRET";

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// Every text a failure can show: diagnostics fields, what(), to_string.
void check_no_secret(const error_code& ec, const Diagnostics& diag, std::string_view secret = secret_marker) {
    for (const std::string* field : {&diag.message, &diag.hint, &diag.server_error, &diag.server_message, &diag.host}) {
        INFO(*field);
        CHECK_FALSE(contains(*field, secret));
    }
    CHECK_FALSE(contains(to_string(ec, diag), secret));
    try {
        throw_on_error(ec, diag);
    } catch (const ErrorWithDiagnostics& e) {
        CHECK_FALSE(contains(e.what(), secret));
    }
}

std::string print(const auto& v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

// A temporary file removed at scope exit.
class TempFile {
public:
    explicit TempFile(std::string_view content) {
        static int counter = 0;
        path_ = (std::filesystem::temp_directory_path() /
                 ("sfconnect_cred_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter)))
                    .string();
        std::ofstream(path_, std::ios::binary) << content;
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Sets an environment variable for the scope, then restores "unset".
class EnvVar {
public:
    EnvVar(const char* name, const char* value) : name_(name) {
        if (value != nullptr) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    EnvVar(const EnvVar&) = delete;
    EnvVar& operator=(const EnvVar&) = delete;
    ~EnvVar() { ::unsetenv(name_); }

private:
    const char* name_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Secret

static_assert(!std::is_convertible_v<Secret, std::string>);
static_assert(!std::is_convertible_v<Secret, std::string_view>);
static_assert(!std::is_convertible_v<Secret, const char*>);
static_assert(!std::is_convertible_v<std::string_view, Secret>, "construction must be explicit");
static_assert(!std::is_convertible_v<std::string, Secret>, "construction must be explicit");
static_assert(std::is_constructible_v<Secret, std::string_view>);
static_assert(std::is_copy_constructible_v<Secret> && std::is_copy_assignable_v<Secret>);
static_assert(std::is_nothrow_move_constructible_v<Secret> && std::is_nothrow_move_assignable_v<Secret>);

TEST_CASE("Secret holds its value and reveals it only through reveal()", "[secret]") {
    const Secret s(test_secret);
    CHECK(s.reveal() == test_secret);
    CHECK(s.size() == test_secret.size());
    CHECK_FALSE(s.empty());
    CHECK(s.reveal().data() != test_secret.data());  // its own buffer

    const Secret e;
    CHECK(e.empty());
    CHECK(e.size() == 0);
    CHECK(e.reveal().empty());
    CHECK(Secret(std::string_view{}).empty());

    // Embedded NUL bytes are kept (the validators reject them, Secret itself does not judge).
    const Secret nul(std::string_view("a\0b", 3));
    CHECK(nul.size() == 3);
    CHECK(nul.reveal() == std::string_view("a\0b", 3));
}

TEST_CASE("Secret never prints its value", "[secret]") {
    const Secret s(test_secret);
    CHECK(print(s) == "[redacted]");
    CHECK(print(Secret{}) == "[redacted]");
}

TEST_CASE("Secret copies are deep and moves leave the source empty", "[secret]") {
    Secret a(test_secret);
    Secret b(a);
    CHECK(b.reveal() == test_secret);
    CHECK(b.reveal().data() != a.reveal().data());

    const char* buffer = a.reveal().data();
    Secret c(std::move(a));
    CHECK(c.reveal() == test_secret);
    CHECK(c.reveal().data() == buffer);  // handed over, not copied: no residue left behind
    // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move): the moved-from state is specified
    CHECK(a.empty());
    CHECK(a.reveal().empty());  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move): as above

    Secret d("other");
    d = std::move(c);
    CHECK(d.reveal() == test_secret);
    CHECK(c.empty());  // NOLINT(bugprone-use-after-move)

    Secret e("short");
    e = d;
    CHECK(e.reveal() == test_secret);
    CHECK(e.reveal().data() != d.reveal().data());

    Secret& self = e;
    e = self;  // self copy-assignment keeps the value
    CHECK(e.reveal() == test_secret);
    e = std::move(self);  // self move-assignment keeps the value
    CHECK(e.reveal() == test_secret);

    e.clear();
    CHECK(e.empty());
    e = Secret("again");
    CHECK(e.reveal() == "again");
}

TEST_CASE("Secret comparison", "[secret]") {
    CHECK(Secret("abc") == Secret("abc"));
    CHECK(Secret("abc") != Secret("abd"));
    CHECK(Secret("abc") != Secret("abcd"));
    CHECK(Secret("") == Secret());
    CHECK(Secret() != Secret("x"));
}

TEST_CASE("secure_wipe zeroes memory", "[secret]") {
    char buf[32];
    for (auto& c : buf) c = 'x';
    secure_wipe(buf, sizeof buf);
    for (char c : buf) CHECK(c == '\0');
    secure_wipe(nullptr, 10);  // tolerated
}

// ---------------------------------------------------------------------------------------------
// Validators

TEST_CASE("validators accept real and unusual but legal values", "[credentials]") {
    const std::vector<std::string> good = {
        std::string(test_key),
        std::string(test_secret),
        "3MVG9A2kN3Bn17hs8MIaQx1voVGy662rXlC37svtmLmt6wO_iik8Hnk3DlcYjKRvzVNGWLFlGRH1ryHwS04K",
        "E5C5A5C1F2D3B4A5968778695A4B3C2D1E0F1A2B3C4D5E6F7A8B9C0D1E2F3A4B",
        "a",
        "key with inner spaces",
        "inner\"quote'chars`",
        "\"starts-with-quote-only",
        "ends-with-quote-only'",
        "x\"",
        "sym+/=!@#$%^&*()[]{}<>?,.;:|~-_",
        "\xC3\xA9t\xC3\xA9",  // UTF-8 inside
        // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): split so \xA0 ends; no-break space inside
        "a\xC2\xA0"
        "b",
    };
    for (const auto& v : good) {
        INFO(v);
        CHECK(check_consumer_key(v) == CredentialProblem::none);
        CHECK(check_consumer_secret(v) == CredentialProblem::none);
    }
}

TEST_CASE("validators reject empty, surrounding whitespace or quotes and control characters", "[credentials]") {
    const std::vector<std::pair<std::string, CredentialProblem>> bad = {
        {"", CredentialProblem::empty},
        {" abc", CredentialProblem::surrounding_whitespace},
        {"abc ", CredentialProblem::surrounding_whitespace},
        {"\tabc", CredentialProblem::surrounding_whitespace},
        {"abc\n", CredentialProblem::surrounding_whitespace},
        {"abc\r\n", CredentialProblem::surrounding_whitespace},
        {"\nabc", CredentialProblem::surrounding_whitespace},
        {" ", CredentialProblem::surrounding_whitespace},
        {"\xC2\xA0"
         "abc",
         CredentialProblem::surrounding_whitespace},                     // no-break space
        {"abc\xE2\x80\x8B", CredentialProblem::surrounding_whitespace},  // zero-width space
        {"\xEF\xBB\xBF"
         "abc",
         CredentialProblem::surrounding_whitespace},  // byte order mark
        {"\"abc\"", CredentialProblem::surrounding_quotes},
        {"'abc'", CredentialProblem::surrounding_quotes},
        {"`abc`", CredentialProblem::surrounding_quotes},
        {"\"\"", CredentialProblem::surrounding_quotes},
        {"\xE2\x80\x9C"
         "abc"
         "\xE2\x80\x9D",
         CredentialProblem::surrounding_quotes},  // “abc”
        {"\xE2\x80\x98"
         "abc"
         "\xE2\x80\x99",
         CredentialProblem::surrounding_quotes},  // ‘abc’
        {"ab\ncd", CredentialProblem::control_character},
        {"ab\r\ncd", CredentialProblem::control_character},
        {"ab\tcd", CredentialProblem::control_character},
        {std::string("ab\0cd", 5), CredentialProblem::control_character},
        {"ab\x1B"
         "cd",
         CredentialProblem::control_character},
        {"ab\x7F"
         "cd",
         CredentialProblem::control_character},
    };
    for (const auto& [v, problem] : bad) {
        INFO(v);
        CHECK(check_consumer_key(v) == problem);
        CHECK(check_consumer_secret(v) == problem);
    }
    CHECK(to_string(CredentialProblem::surrounding_quotes) == "surrounding_quotes");
    CHECK(to_string(CredentialProblem::unreadable_file) == "unreadable_file");
}

// ---------------------------------------------------------------------------------------------
// ConsumerCredentials::create

TEST_CASE("create stores valid credentials", "[credentials]") {
    Diagnostics diag;
    diag.message = "stale";
    auto r = ConsumerCredentials::create(test_key, test_secret, diag);
    REQUIRE(r.has_value());
    CHECK(r->consumer_key() == test_key);
    CHECK(r->consumer_secret().reveal() == test_secret);
    CHECK(diag.empty());

    auto r2 = ConsumerCredentials::create(test_key, test_secret);
    REQUIRE(r2.has_value());
    CHECK(r2->consumer_secret() == r->consumer_secret());

    ConsumerCredentials copy = *r;  // copyable
    CHECK(copy.consumer_key() == test_key);
}

TEST_CASE("create explains which value is wrong and how to fix it", "[credentials]") {
    struct Row {
        std::string key;
        std::string secret;
        std::string names;  // which value the message must name
        std::string fix;    // what the message must say
    };
    const std::string s(test_secret);
    const std::vector<Row> rows = {
        {"", s, "Consumer Key", "is empty"},
        {" " + std::string(test_key), s, "Consumer Key", "remove the surrounding whitespace"},
        {"\"" + std::string(test_key) + "\"", s, "Consumer Key", "remove the surrounding quotes"},
        {"3MVG9\nabc", s, "Consumer Key", "paste it on one line"},
        {std::string(test_key), "", "Consumer Secret", "is empty"},
        {std::string(test_key), s + "\n", "Consumer Secret", "ends with a line break"},
        {std::string(test_key), " " + s, "Consumer Secret", "starts with a space"},
        {std::string(test_key), "\"" + s + "\"", "Consumer Secret", "remove the surrounding quotes"},
        {std::string(test_key), "'" + s + "'", "Consumer Secret", "remove the surrounding quotes"},
        {std::string(test_key), "TEST-SECRET\n2", "Consumer Secret", "contains a line break — paste it on one line"},
        {std::string(test_key), "TEST-SECRET\t2", "Consumer Secret", "tab"},
        {std::string(test_key),
         std::string("TEST-SECRET\0"
                     "2",
                     13),
         "Consumer Secret", "NUL"},
    };
    for (const auto& row : rows) {
        INFO(row.names << " / " << row.fix);
        Diagnostics diag;
        auto r = ConsumerCredentials::create(row.key, row.secret, diag);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::invalid_credentials);
        CHECK(diag.phase == Phase::credentials);
        CHECK(contains(diag.message, row.names));
        // "contains a line break — paste it on one line": the dash is ours, the parts must both be there.
        const auto dash = row.fix.find(" — ");
        if (dash == std::string::npos) {
            CHECK(contains(diag.message, row.fix));
        } else {
            CHECK(contains(diag.message, row.fix.substr(0, dash)));
            CHECK(contains(diag.message, row.fix.substr(dash + 5)));
        }
        CHECK(contains(diag.hint, "Manage Consumer Details"));
        CHECK_FALSE(diag.http_status.has_value());
        check_no_secret(r.error(), diag);
    }
}

TEST_CASE("a key problem is shown with a shortened key, never a secret pasted into it", "[credentials]") {
    Diagnostics diag;
    auto r = ConsumerCredentials::create(" " + std::string(test_secret), "whatever", diag);
    REQUIRE_FALSE(r.has_value());
    CHECK(contains(diag.message, "Consumer Key"));
    check_no_secret(r.error(), diag);
}

TEST_CASE("ConsumerCredentials prints the key and hides the secret", "[credentials]") {
    auto r = ConsumerCredentials::create(test_key, test_secret);
    REQUIRE(r.has_value());
    const std::string out = print(*r);
    CHECK(contains(out, test_key));
    CHECK(contains(out, "[redacted]"));
    CHECK_FALSE(contains(out, secret_marker));
    CHECK_FALSE(contains(print(r->consumer_secret()), secret_marker));
}

// ---------------------------------------------------------------------------------------------
// from_env

TEST_CASE("from_env reads the named variables", "[credentials]") {
    const std::string key(test_key), secret(test_secret);
    EnvVar k("SFCONNECT_TEST_ENV_KEY", key.c_str());
    EnvVar s("SFCONNECT_TEST_ENV_SECRET", secret.c_str());
    Diagnostics diag;
    auto r = ConsumerCredentials::from_env(diag, "SFCONNECT_TEST_ENV_KEY", "SFCONNECT_TEST_ENV_SECRET");
    REQUIRE(r.has_value());
    CHECK(r->consumer_key() == test_key);
    CHECK(r->consumer_secret().reveal() == test_secret);
}

TEST_CASE("from_env with the default names", "[credentials]") {
    const std::string key(test_key), secret(test_secret);
    {
        EnvVar k("SFCONNECT_CONSUMER_KEY", key.c_str());
        EnvVar s("SFCONNECT_CONSUMER_SECRET", secret.c_str());
        auto r = ConsumerCredentials::from_env();
        REQUIRE(r.has_value());
        CHECK(r->consumer_secret().reveal() == test_secret);
    }
    {
        EnvVar k("SFCONNECT_CONSUMER_KEY", key.c_str());
        EnvVar s("SFCONNECT_CONSUMER_SECRET", nullptr);
        Diagnostics diag;
        auto r = ConsumerCredentials::from_env(diag);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::invalid_credentials);
        CHECK(contains(diag.message, "set SFCONNECT_CONSUMER_SECRET"));
        CHECK(contains(diag.message, "Consumer Secret"));
        CHECK(ConsumerCredentials::from_env().error() == errc::invalid_credentials);
    }
}

TEST_CASE("from_env names the variable that is missing, empty or malformed", "[credentials]") {
    const std::string key(test_key), secret(test_secret), quoted = "\"" + secret + "\"";
    {
        EnvVar k("SFCONNECT_TEST_ENV_KEY", nullptr);
        EnvVar s("SFCONNECT_TEST_ENV_SECRET", nullptr);
        Diagnostics diag;
        auto r = ConsumerCredentials::from_env(diag, "SFCONNECT_TEST_ENV_KEY", "SFCONNECT_TEST_ENV_SECRET");
        REQUIRE_FALSE(r.has_value());
        CHECK(diag.phase == Phase::credentials);
        CHECK(contains(diag.message, "SFCONNECT_TEST_ENV_KEY"));
        CHECK(contains(diag.message, "SFCONNECT_TEST_ENV_SECRET"));  // both missing: both named
        CHECK(contains(diag.message, "not set"));
    }
    {
        EnvVar k("SFCONNECT_TEST_ENV_KEY", key.c_str());
        EnvVar s("SFCONNECT_TEST_ENV_SECRET", "");
        Diagnostics diag;
        auto r = ConsumerCredentials::from_env(diag, "SFCONNECT_TEST_ENV_KEY", "SFCONNECT_TEST_ENV_SECRET");
        REQUIRE_FALSE(r.has_value());
        CHECK(contains(diag.message, "SFCONNECT_TEST_ENV_SECRET"));
        CHECK(contains(diag.message, "is empty"));
        CHECK(contains(diag.message, "set SFCONNECT_TEST_ENV_SECRET"));
    }
    {
        EnvVar k("SFCONNECT_TEST_ENV_KEY", key.c_str());
        EnvVar s("SFCONNECT_TEST_ENV_SECRET", quoted.c_str());
        Diagnostics diag;
        auto r = ConsumerCredentials::from_env(diag, "SFCONNECT_TEST_ENV_KEY", "SFCONNECT_TEST_ENV_SECRET");
        REQUIRE_FALSE(r.has_value());
        CHECK(contains(diag.message, "SFCONNECT_TEST_ENV_SECRET"));
        CHECK(contains(diag.message, "remove the surrounding quotes"));
        check_no_secret(r.error(), diag);
    }
    {
        Diagnostics diag;
        auto r = ConsumerCredentials::from_env(diag, "BAD=NAME", "");
        REQUIRE_FALSE(r.has_value());
        CHECK(contains(diag.message, "BAD=NAME"));
    }
}

// ---------------------------------------------------------------------------------------------
// from_file

TEST_CASE("from_file reads the first line and strips its line ending", "[credentials]") {
    const std::string secret(test_secret);
    for (const std::string& content :
         {secret, secret + "\n", secret + "\r\n", secret + "\nsecond line\n", secret + "\r\nmore"}) {
        INFO(content.size());
        TempFile f(content);
        Diagnostics diag;
        auto r = ConsumerCredentials::from_file(test_key, f.path(), diag);
        REQUIRE(r.has_value());
        CHECK(r->consumer_key() == test_key);
        CHECK(r->consumer_secret().reveal() == test_secret);
    }
}

TEST_CASE("from_file explains unreadable or malformed files without echoing them", "[credentials]") {
    const std::string secret(test_secret);
    struct Row {
        std::string content;
        std::string fix;
    };
    const std::vector<Row> rows = {
        {"", "is empty"},
        {"\n" + secret + "\n", "is empty"},
        {"\"" + secret + "\"\n", "remove the surrounding quotes"},
        {" " + secret + "\n", "remove the surrounding whitespace"},
        {secret + "\r", "line break"},
        {secret + "\r\r\n", "line break"},
        {secret + "\tcomment\n", "tab"},
    };
    for (const auto& row : rows) {
        INFO(row.fix);
        TempFile f(row.content);
        Diagnostics diag;
        auto r = ConsumerCredentials::from_file(test_key, f.path(), diag);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::invalid_credentials);
        CHECK(diag.phase == Phase::credentials);
        CHECK(contains(diag.message, f.path()));
        CHECK(contains(diag.message, "Consumer Secret"));
        CHECK(contains(diag.message, row.fix));
        check_no_secret(r.error(), diag);
    }

    Diagnostics diag;
    const std::string missing = "/nonexistent/sfconnect/secret.txt";
    auto r = ConsumerCredentials::from_file(test_key, missing, diag);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::invalid_credentials);
    CHECK(contains(diag.message, missing));
    CHECK(contains(diag.message, "could not be read"));

    const std::string dir = std::filesystem::temp_directory_path().string();
    r = ConsumerCredentials::from_file(test_key, dir, diag);
    REQUIRE_FALSE(r.has_value());
    CHECK(contains(diag.message, dir));

    // A bad key is reported before the file is looked at.
    r = ConsumerCredentials::from_file("", missing, diag);
    REQUIRE_FALSE(r.has_value());
    CHECK(contains(diag.message, "Consumer Key"));
}

TEST_CASE("from_file refuses a file whose first line is absurdly long", "[credentials]") {
    TempFile f(std::string(70 * 1024, 'a'));
    Diagnostics diag;
    auto r = ConsumerCredentials::from_file(test_key, f.path(), diag);
    REQUIRE_FALSE(r.has_value());
    CHECK(contains(diag.message, "64 KiB"));

    TempFile ok(std::string(1000, 'b') + "\n" + std::string(70 * 1024, 'c'));
    auto r2 = ConsumerCredentials::from_file(test_key, ok.path(), diag);
    REQUIRE(r2.has_value());
    CHECK(r2->consumer_secret().size() == 1000);
}

}  // namespace credentials_test
