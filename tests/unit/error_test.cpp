#include <sfconnect/diagnostics.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/error_with_diagnostics.hpp>

#include "catch.hpp"

#include <boost/asio/error.hpp>

#include <set>
#include <string>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace error_test {

using namespace sfconnect;

TEST_CASE("every error code has the stable identifier the reports use", "[error]") {
    // The exact vocabulary is a public contract (Save & Check JSON "error.code").
    const std::vector<std::pair<error_code, std::string>> expected = {
        {errc::invalid_site, "invalid_site"},
        {errc::invalid_credentials, "invalid_credentials"},
        {errc::dns_failed, "dns_failed"},
        {errc::connect_failed, "connect_failed"},
        {errc::proxy_failed, "proxy_failed"},
        {errc::tls_failed, "tls_failed"},
        {errc::timeout, "timeout"},
        {errc::connection_lost, "connection_lost"},
        {errc::redirected, "redirected"},
        {errc::bad_response, "bad_response"},
        {oauth_errc::unsupported_domain, "unsupported_domain"},
        {oauth_errc::invalid_client_id, "invalid_client_id"},
        {oauth_errc::invalid_client_secret, "invalid_client_secret"},
        {oauth_errc::no_run_as_user, "no_run_as_user"},
        {oauth_errc::grant_not_enabled, "grant_not_enabled"},
        {oauth_errc::user_inactive, "user_inactive"},
        {oauth_errc::org_inactive, "org_inactive"},
        {oauth_errc::ip_restricted, "ip_restricted"},
        {oauth_errc::login_rate_exceeded, "login_rate_exceeded"},
        {oauth_errc::token_rejected, "token_rejected"},
        {oauth_errc::invalid_assertion, "invalid_assertion"},
        {oauth_errc::invalid_audience, "invalid_audience"},
        {oauth_errc::user_not_approved, "user_not_approved"},
        {oauth_errc::unknown_user, "unknown_user"},
        {oauth_errc::assertion_expired, "assertion_expired"},
        {errc::signature_mismatch, "signature_mismatch"},
        {api_errc::invalid_session, "invalid_session"},
        {api_errc::session_not_valid_for_api, "session_not_valid_for_api"},
        {api_errc::insufficient_access, "insufficient_access"},
        {api_errc::api_disabled, "api_disabled"},
        {api_errc::request_limit_exceeded, "request_limit_exceeded"},
        {errc::server_error, "server_error"},
        {api_errc::api_error, "api_error"},
    };
    std::set<std::string> seen;
    for (const auto& [ec, id] : expected) {
        CHECK(error_id(ec) == id);
        CHECK(!ec.message().empty());
        CHECK(!default_hint(ec).empty());
        seen.insert(id);
    }
    CHECK(seen.size() == 33);
    CHECK(error_id(error_code{}) == "ok");
    CHECK(error_id(boost::asio::error::operation_aborted) == "operation_aborted");
    CHECK(error_id(boost::asio::error::host_not_found) == "unknown");
    CHECK(error_id(make_error_code(boost::system::errc::invalid_argument)) == "invalid_argument");
}

TEST_CASE("categories have stable dotted names and convert to std::error_code", "[error]") {
    CHECK(std::string(client_category().name()) == "sfconnect.client");
    CHECK(std::string(oauth_category().name()) == "sfconnect.oauth");
    CHECK(std::string(api_category().name()) == "sfconnect.api");
    error_code ec = oauth_errc::no_run_as_user;
    std::error_code sec = ec;
    CHECK(sec.value() == static_cast<int>(oauth_errc::no_run_as_user));
    CHECK(sec.message() == ec.message());
    std::error_code direct = api_errc::api_error;
    CHECK(direct.value() == static_cast<int>(api_errc::api_error));
    CHECK(ec == oauth_errc::no_run_as_user);
    CHECK(ec != errc::invalid_site);
}

TEST_CASE("hints name the setup screens admins need", "[error]") {
    CHECK(std::string(default_hint(oauth_errc::no_run_as_user)).find("Run As") != std::string::npos);
    CHECK(std::string(default_hint(oauth_errc::invalid_client_id)).find("10 minutes") != std::string::npos);
    CHECK(std::string(default_hint(oauth_errc::grant_not_enabled)).find("Enable Client Credentials Flow") !=
          std::string::npos);
    CHECK(std::string(default_hint(api_errc::insufficient_access)).find("Session Security Level Policies") !=
          std::string::npos);
    CHECK(std::string(default_hint(api_errc::insufficient_access)).find("API Only") != std::string::npos);
}

TEST_CASE("transient errors are the ones a retry may fix", "[error]") {
    CHECK(is_transient(errc::connection_lost));
    CHECK(is_transient(errc::server_error));
    CHECK(is_transient(errc::timeout));
    CHECK_FALSE(is_transient(oauth_errc::invalid_client_secret));
    CHECK_FALSE(is_transient(api_errc::request_limit_exceeded));
    CHECK_FALSE(is_transient(errc::tls_failed));
}

TEST_CASE("ErrorWithDiagnostics carries code, diagnostics and a one-line what()", "[error]") {
    Diagnostics d;
    d.message = "the token endpoint refused the request";
    d.server_error = "invalid_grant";
    d.server_message = "no client credentials user enabled";
    d.http_status = 400;
    d.hint = std::string(default_hint(oauth_errc::no_run_as_user));
    try {
        throw_on_error(oauth_errc::no_run_as_user, d);
        FAIL("must throw");
    } catch (const ErrorWithDiagnostics& e) {
        CHECK(e.boost_code() == oauth_errc::no_run_as_user);
        CHECK(e.diagnostics().server_error == "invalid_grant");
        const std::string what = e.what();
        CHECK(what.find("no_run_as_user") != std::string::npos);
        CHECK(what.find("no client credentials user enabled") != std::string::npos);
        CHECK(what.find("HTTP 400") != std::string::npos);
    }
    CHECK_NOTHROW(throw_on_error(error_code{}));
}

}  // namespace error_test
