// Must not compile: a client takes credentials only of a type with a grant (ConsumerCredentials,
// JwtBearerCredentials); a raw string (say, a secret) is refused by the grant_credentials concept.
// expect-error: grant_credentials
#include <sfconnect/basic_token_client.hpp>

#include <boost/asio/io_context.hpp>

#include <string>

int main() {
    boost::asio::io_context io;
    const sfconnect::Site site = sfconnect::Site::from("acme.my.salesforce.com");
#ifndef SFCONNECT_COMPILE_FAIL_CONTROL
    sfconnect::BasicTokenClient<> client(io.get_executor(), site, std::string("a secret"));
#else
    auto jwt = sfconnect::JwtBearerCredentials::create("key", "a@b.co", "pem");  // validated at run time
    if (jwt) sfconnect::BasicTokenClient<> client(io.get_executor(), site, std::move(*jwt));
#endif
}
