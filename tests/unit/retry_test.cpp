// Retry policy and proxy configuration: pure functions.
#include <sfconnect/detail/proxy_config.hpp>
#include <sfconnect/detail/retry.hpp>

#include "catch.hpp"

#include <cstdlib>

// Everything in a namespace of its own: the test binary is built in unity batches (tests/CMakeLists.txt),
// where file-local names of different files would otherwise meet.
namespace retry_test {

using namespace std::chrono_literals;
using namespace sfconnect;
using namespace sfconnect::detail;

TEST_CASE("backoff doubles, is capped and jittered into [0.5, 1.0] of the raw delay", "[retry]") {
    RetryPolicy p{5, 200ms, 1000ms};
    CHECK(backoff_delay(p, 1, 1.0) == 200ms);
    CHECK(backoff_delay(p, 2, 1.0) == 400ms);
    CHECK(backoff_delay(p, 3, 1.0) == 800ms);
    CHECK(backoff_delay(p, 4, 1.0) == 1000ms);   // capped
    CHECK(backoff_delay(p, 40, 1.0) == 1000ms);  // no overflow
    CHECK(backoff_delay(p, 1, 0.0) == 100ms);
    CHECK(backoff_delay(p, 2, 0.5) == 300ms);
    CHECK(backoff_delay(p, 1, 7.0) == 200ms);  // jitter clamped
}

TEST_CASE("the token grant is retried only on connection problems and 5xx, never on 4xx", "[retry]") {
    RetryPolicy p{3, 1ms, 1ms};
    CHECK(should_retry_token_fetch(errc::connect_failed, 1, p));
    CHECK(should_retry_token_fetch(errc::connection_lost, 1, p));
    CHECK(should_retry_token_fetch(errc::server_error, 2, p));
    CHECK(should_retry_token_fetch(errc::dns_failed, 1, p));
    CHECK_FALSE(should_retry_token_fetch(errc::server_error, 3, p));  // bounded
    CHECK_FALSE(should_retry_token_fetch(oauth_errc::invalid_client_secret, 1, p));
    CHECK_FALSE(should_retry_token_fetch(oauth_errc::invalid_client_id, 1, p));
    CHECK_FALSE(should_retry_token_fetch(errc::tls_failed, 1, p));
    CHECK_FALSE(should_retry_token_fetch(errc::timeout, 1, p));
    CHECK_FALSE(should_retry_token_fetch(errc::redirected, 1, p));
}

TEST_CASE("REST requests retry only idempotent methods on 502/503/504 or connection loss", "[retry]") {
    RetryPolicy p{3, 1ms, 1ms};
    CHECK(should_retry_request(errc::server_error, true, 503, 1, p));
    CHECK(should_retry_request(errc::server_error, true, 502, 1, p));
    CHECK(should_retry_request(errc::server_error, true, 504, 2, p));
    CHECK_FALSE(should_retry_request(errc::server_error, true, 500, 1, p));
    CHECK_FALSE(should_retry_request(errc::server_error, false, 503, 1, p));  // POST/PATCH never
    CHECK(should_retry_request(errc::connection_lost, true, 0, 1, p));
    CHECK_FALSE(should_retry_request(errc::connection_lost, false, 0, 1, p));
    CHECK_FALSE(should_retry_request(errc::server_error, true, 503, 3, p));
    CHECK_FALSE(should_retry_request(api_errc::request_limit_exceeded, true, 403, 1, p));
    CHECK_FALSE(should_retry_request(errc::timeout, true, 0, 1, p));
}

TEST_CASE("proxy URLs", "[proxy]") {
    std::string why;
    auto p = parse_proxy_url("http://user:p%40ss@proxy.corp:3128/", why);
    REQUIRE(p);
    CHECK(p->host == "proxy.corp");
    CHECK(p->port == "3128");
    CHECK(p->basic_credentials == "user:p@ss");
    auto q = parse_proxy_url("proxy.corp", why);
    REQUIRE(q);
    CHECK(q->port == "8080");
    auto v6 = parse_proxy_url("http://[::1]:8888", why);
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == "8888");
    CHECK_FALSE(parse_proxy_url("https://proxy.corp:443", why));
    CHECK(why.find("only http://") != std::string::npos);
    CHECK_FALSE(parse_proxy_url("http://proxy.corp:99999", why));
    CHECK_FALSE(parse_proxy_url("http://proxy.corp:80/path", why));
    CHECK_FALSE(parse_proxy_url("http://:80", why));
}

TEST_CASE("NO_PROXY matching is curl-like", "[proxy]") {
    CHECK(no_proxy_matches("localhost,.salesforce.com", "acme.my.salesforce.com"));
    CHECK(no_proxy_matches("salesforce.com", "acme.my.salesforce.com"));
    CHECK(no_proxy_matches("salesforce.com", "SALESFORCE.COM"));
    CHECK_FALSE(no_proxy_matches("force.com", "acme.my.salesforce.com"));
    CHECK(no_proxy_matches("*", "anything"));
    CHECK(no_proxy_matches("a.example, 127.0.0.1", "127.0.0.1"));
    CHECK(no_proxy_matches("127.0.0.1:8443", "127.0.0.1"));
    CHECK_FALSE(no_proxy_matches("", "acme.my.salesforce.com"));
}

TEST_CASE("proxy selection: explicit setting, empty disables, environment with NO_PROXY", "[proxy]") {
    CHECK(proxy_for_host(std::string("http://p:1"), "h") == std::optional<std::string>("http://p:1"));
    CHECK_FALSE(proxy_for_host(std::string(""), "h"));
    ::setenv("HTTPS_PROXY", "http://envproxy:3128", 1);
    ::setenv("NO_PROXY", ".internal", 1);
    CHECK(proxy_for_host(std::nullopt, "acme.my.salesforce.com") == std::optional<std::string>("http://envproxy:3128"));
    CHECK_FALSE(proxy_for_host(std::nullopt, "api.internal"));
    CHECK_FALSE(proxy_for_host(std::string(""), "acme.my.salesforce.com"));
    ::unsetenv("HTTPS_PROXY");
    ::unsetenv("NO_PROXY");
    CHECK_FALSE(proxy_for_host(std::nullopt, "acme.my.salesforce.com"));
}

}  // namespace retry_test
