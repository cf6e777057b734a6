// The validation headers must stay light: a user who only validates input pays only for that.
#include <sfconnect/api_version.hpp>
#include <sfconnect/consumer_credentials.hpp>
#include <sfconnect/diagnostics.hpp>
#include <sfconnect/endpoint.hpp>
#include <sfconnect/endpoints.hpp>
#include <sfconnect/error.hpp>
#include <sfconnect/secret.hpp>
#include <sfconnect/site.hpp>

#if defined(BOOST_BEAST_CORE_HPP) || defined(BOOST_BEAST_HTTP_HPP) || defined(BOOST_BEAST_CORE_TCP_STREAM_HPP)
#error "a validation header pulled in Beast"
#endif
#if defined(BOOST_ASIO_SSL_HPP) || defined(BOOST_ASIO_SSL_CONTEXT_HPP) || defined(OPENSSL_SSL_H) || \
    defined(HEADER_SSL_H)
#error "a validation header pulled in Asio SSL or OpenSSL's TLS"
#endif
#if defined(BOOST_JSON_HPP) || defined(BOOST_JSON_VALUE_HPP)
#error "a validation header pulled in Boost.JSON"
#endif

#include "catch.hpp"

TEST_CASE("the issue's snippet works with the light headers alone", "[light]") {
    using namespace sfconnect::literals;
    constexpr sfconnect::Site site = "acme.my.salesforce.com"_site;
    static_assert(site.host() == "acme.my.salesforce.com");
    auto parsed = sfconnect::Site::parse("https://acme.my.salesforce.com");
    CHECK_FALSE(parsed);
    CHECK(sfconnect::endpoints::query.bind("62.0").path() == "/services/data/v62.0/query/");
}
