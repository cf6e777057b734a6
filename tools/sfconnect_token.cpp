// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// sfconnect-token: prints an access token for scripts (like `gcloud auth print-access-token`),
// optionally sharing it with a fleet through a token store so that many short-lived invocations log
// in once. The interface (options, environment, output, exit status) is public; see --help and
// docs/fleets.md.

#include <sfconnect/check.hpp>
#include <sfconnect/file_token_store.hpp>
#include <sfconnect/token_client.hpp>
#include <sfconnect/detail/store_codec.hpp>
#if SFCONNECT_WITH_REDIS
#include <sfconnect/redis_token_store.hpp>
#endif

#include "tool_common.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace {

using namespace sfconnect::tools;

void print_help() {
    std::cout << R"HELP(Usage: sfconnect-token [options]

Prints an access token for a Salesforce connected app (OAuth 2.0 client credentials flow) on
standard output, for scripts:
  curl -H "Authorization: Bearer $(sfconnect-token --store file:/var/cache/sfconnect)" ...
With a shared token store, many invocations (processes, machines) log in once and share the token.

Options:
)HELP" << connection_options_help
              << R"HELP(  --connect-to HOST:PORT       connect there directly instead of resolving the site
  --proxy URL                  HTTP CONNECT proxy, http://[user:password@]host:port; '' for none
  --timeout SECONDS            limit for every phase: DNS, connect, proxy, TLS and each request
  --store URL                  memory: (default: no sharing), file:DIR (one machine),
                               redis://[user:password@]host:port[/db] or rediss://... (many
                               machines) (default: env SFCONNECT_TOKEN_STORE)
  --store-key-file PATH        the key that encrypts stored tokens: a file whose first line is 64
                               hex digits (`openssl rand -hex 32`); the same for the whole fleet
                               (default: env SFCONNECT_STORE_KEY; never a command-line value)
  --store-ca-file PEM          CA of a rediss:// store
  --json                       print {"access_token","instance_url","issued_at","source"} where
                               source is "fetched" or "store"
  --help                       show this help
  --version                    show the version

Exit status: 0 the token was printed; 1 it could not be obtained (error id, message and how to fix
on standard error, as sfconnect-check prints them); 2 usage error.

A store that is down or slow never stops the tool: it then logs in itself and says so on stderr.
The consumer secret and the store key never appear in any output.
)HELP";
}

struct Args : ConnectionArgs {
    std::string timeout, store, store_key_file, store_ca_file;
    bool has_timeout = false, has_store = false, has_store_key_file = false, has_store_ca_file = false;
    bool json = false;
};

Args parse_args(int argc, char** argv) {
    Args a;
    std::vector<OptionAlias> aliases = common_aliases();
    aliases.insert(aliases.end(), {{"--token-store", "--store"}, {"--key-file", "--store-key-file"}});
    // The store key is a secret too: never a command-line value.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const std::string_view name = arg.substr(0, arg.find('='));
        if (name == "--store-key" || name == "--key" || name == "--encryption-key")
            usage_error(std::string(name) +
                        ": the store key is never accepted on the command line (it would show in ps and shell "
                        "history); use --store-key-file PATH or SFCONNECT_STORE_KEY");
    }
    std::vector<ValueOption> values = connection_options(a);
    values.insert(values.end(), {{"--timeout", &a.timeout, &a.has_timeout},
                                 {"--store", &a.store, &a.has_store},
                                 {"--store-key-file", &a.store_key_file, &a.has_store_key_file},
                                 {"--store-ca-file", &a.store_ca_file, &a.has_store_ca_file}});
    std::vector<FlagOption> flags = connection_flags(a);
    flags.push_back({"--json", &a.json});
    parse_command_line(argc, argv, values, flags, aliases, print_help);
    return a;
}

// The store key from --store-key-file or SFCONNECT_STORE_KEY, checked (never shown).
sfconnect::Secret read_store_key(const Args& a) {
    sfconnect::Secret key;
    std::string source;
    if (a.has_store_key_file) {
        const std::string why = unusable_file(a.store_key_file);
        if (!why.empty())
            usage_error("cannot read the file given to --store-key-file, " + value_of(a.store_key_file) + ": " + why +
                        "; expected a file whose first line is 64 hex digits (openssl rand -hex 32)");
        std::ifstream f(a.store_key_file, std::ios::binary);
        key = first_line(f, "the file given to --store-key-file");
        source = "the file given to --store-key-file";
    } else if (const auto e = env("SFCONNECT_STORE_KEY"); e && !e->empty()) {
        key = sfconnect::Secret(*e);
        source = "SFCONNECT_STORE_KEY";
    } else {
        usage_error("a token store needs a store key so that stored tokens are encrypted: give --store-key-file PATH "
                    "or set SFCONNECT_STORE_KEY (create one with `openssl rand -hex 32`, the same for every process)");
    }
    sfconnect::detail::store_codec probe;
    std::string why;
    if (!probe.set_key(key.reveal(), why)) usage_error("the store key from " + source + ": " + why);
    return key;
}

// The store the URL names, or null (memory:, or a store that cannot be used now: then the tool
// logs in itself, as the library does when a store fails).
std::shared_ptr<sfconnect::TokenStore> open_store(const Args& a, const std::string& url,
                                                  const boost::asio::any_io_executor& ex) {
    sfconnect::error_code ec;
    std::string message;
    std::shared_ptr<sfconnect::TokenStore> store;
    const bool redis = url.rfind("redis://", 0) == 0 || url.rfind("rediss://", 0) == 0;
    if (a.has_store_ca_file && !redis) usage_error("--store-ca-file is only for rediss:// stores");
    if (redis) {
#if SFCONNECT_WITH_REDIS
        sfconnect::RedisStoreOptions ro;
        if (a.has_store_ca_file) {
            check_ca_file(a.store_ca_file);
            ro.ca_file = a.store_ca_file;
        }
        store = sfconnect::make_redis_token_store(ex, url, ro, ec, message);
#else
        usage_error("--store: this sfconnect-token was built without Redis support (hiredis was not found); use "
                    "file:DIR or memory:");
#endif
    } else {
        store = sfconnect::make_token_store(ex, url, ec, message);
    }
    if (ec == sfconnect::store_errc::invalid_url) usage_error("--store: " + message);
    if (ec) std::cerr << program << ": warning: " << printable(message) << "; fetching without the store\n";
    return store;
}

void print_failure(const sfconnect::error_code& ec, const sfconnect::Diagnostics& d) {
    std::cerr << program << ": FAILED: " << sfconnect::error_id(ec) << '\n';
    std::cerr << "  What happened  " << printable(d.message.empty() ? ec.message() : d.message) << '\n';
    std::string server = d.server_error;
    if (!d.server_message.empty()) server += (server.empty() ? "" : ": ") + d.server_message;
    if (!server.empty()) std::cerr << "  Server said    " << printable(server) << '\n';
    const std::string hint = d.hint.empty() ? std::string(sfconnect::default_hint(ec)) : d.hint;
    std::cerr << "  How to fix     " << printable(hint) << '\n';
}

int run(int argc, char** argv) {
    const Args a = parse_args(argc, argv);
    sfconnect::TokenClientOptions options;
    if (a.has_timeout) apply_timeout(a.timeout, options);
    const std::string store_url = a.has_store ? a.store
                                              : given_or_env(false, {}, "SFCONNECT_TOKEN_STORE").value_or("memory:");
    Connection conn = resolve_connection(a, options);
    // The library's own validation messages and hints, as sfconnect-check's "site" step prints them.
    sfconnect::Diagnostics setup;
    auto site = sfconnect::Site::parse(conn.site, setup);
    if (!site) {
        print_failure(site.error(), setup);
        return exit_failed;
    }
    auto creds = sfconnect::ConsumerCredentials::create(conn.consumer_key, conn.consumer_secret.reveal(), setup);
    if (!creds) {
        print_failure(creds.error(), setup);
        return exit_failed;
    }

    boost::asio::io_context io;
    if (store_url != "memory:") {
        options.store_key = read_store_key(a);
        options.token_store = open_store(a, store_url, io.get_executor());
    }
    sfconnect::TokenClient client(io.get_executor(), std::move(*site), std::move(*creds), std::move(options));
    sfconnect::Diagnostics diag;
    sfconnect::error_code ec;
    sfconnect::TokenPtr token;
    client.async_get_token(diag, [&](sfconnect::error_code e, sfconnect::TokenPtr t) {
        ec = e;
        token = std::move(t);
    });
    io.run();
    if (ec || !token) {
        print_failure(ec ? ec : make_error_code(sfconnect::errc::bad_response), diag);
        return exit_failed;
    }
    const auto stats = client.stats();
    if (stats.store_fallbacks > 0)
        std::cerr << program << ": warning: the token store did not answer in time or failed; logged in without it\n";
    if (a.json) {
        boost::json::object o;
        o["access_token"] = token->access_token.reveal();
        o["instance_url"] = token->instance_url;
        o["issued_at"] = sfconnect::detail::iso8601_utc(token->issued_at);
        o["source"] = stats.store_hits > 0 ? "store" : "fetched";
        std::cout << boost::json::serialize(o) << '\n';
    } else {
        std::cout << token->access_token.reveal() << '\n';
    }
    std::cout.flush();
    if (!std::cout) {
        std::cerr << program << ": could not write the token to standard output (" << std::strerror(errno) << ")\n";
        return exit_failed;
    }
    return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    sfconnect::tools::program = "sfconnect-token";
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << sfconnect::tools::program << ": " << sfconnect::tools::printable(e.what()) << '\n';
        return exit_failed;
    }
}
