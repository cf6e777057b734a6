// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// The libcurl row of the comparison: what a C/C++ user would write without sfconnect. One easy
// handle, reused, so libcurl keeps the verified TLS connection alive; CURLOPT_CONNECT_TO routes to
// the loopback server while SNI and verification use the site. Replies are parsed with Boost.JSON,
// as in the other clients, so that the comparison is about the HTTP/TLS client and not the parser.
//
//   curl-client token|request|query|query-plain --site HOST --consumer-key KEY --ca-file PEM --connect-to HOST:PORT
//               [--requests N] [--api-version NN.0] [--json]
//   (secret from SFCONNECT_CONSUMER_SECRET; prints the same result format as sfconnect-bench)

#include "bench_common.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include <memory>

namespace {

namespace json = boost::json;

constexpr std::string_view program = "curl-client";
constexpr std::string_view help_text =
    "Usage: curl-client token|request|query|query-plain --site HOST --consumer-key KEY --ca-file PEM\n"
    "                   --connect-to HOST:PORT [--requests N] [--api-version NN.0] [--json]\n"
    "query: N whole queries of the Account table paged through nextRecordsUrl with\n"
    "CURLOPT_ACCEPT_ENCODING (compressed replies); query-plain: the same without it.\n"
    "The libcurl row of the sfconnect comparison (benchmarks/compare). Secret from SFCONNECT_CONSUMER_SECRET.\n";

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user);

struct SlistDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct EasyDeleter {
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};

class Client {
public:
    Client(const bench::Args& args, const std::string& form) : form_(form), easy_(curl_easy_init()) {
        if (!easy_) throw std::runtime_error("curl_easy_init failed");
        std::string host, port;
        bench::split_host_port(args.connect_to, host, port);
        connect_to_.reset(curl_slist_append(nullptr, (args.site + ":443:" + host + ":" + port).c_str()));
        base_ = "https://" + args.site;
        CURL* h = easy_.get();
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to_.get());
        curl_easy_setopt(h, CURLOPT_CAINFO, args.ca_file.c_str());
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(h, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "curl-client");
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    }

    /// The negotiated protocol and cipher (seen during the first transfer; OpenSSL backend only).
    const std::string& tls() const { return tls_; }

    /// Appends reply bytes (the write callback).
    void append(const char* data, std::size_t n) {
        if (tls_.empty()) {
            // The TLS session is only reachable while a transfer runs.
            curl_tlssessioninfo* info = nullptr;
            if (curl_easy_getinfo(easy_.get(), CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info &&
                info->backend == CURLSSLBACKEND_OPENSSL && info->internals) {
                auto* ssl = static_cast<SSL*>(info->internals);
                tls_ = std::string(SSL_get_version(ssl)) + " " + SSL_get_cipher_name(ssl);
            } else {
                tls_ = "libcurl " + std::string(curl_version_info(CURLVERSION_NOW)->version);
            }
        }
        body_.append(data, n);
    }

    bool fetch_token() {
        CURL* h = easy_.get();
        Slist headers(curl_slist_append(nullptr, "Accept: application/json"));
        curl_easy_setopt(h, CURLOPT_URL, (base_ + "/services/oauth2/token").c_str());
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, form_.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(form_.size()));
        json::value v;
        if (!perform(v)) return false;
        const auto* obj = v.if_object();
        const auto* tok = obj ? obj->if_contains("access_token") : nullptr;
        const auto* url = obj ? obj->if_contains("instance_url") : nullptr;
        if (!tok || !tok->is_string() || !url || !url->is_string()) return false;
        bearer_ = "Authorization: Bearer ";
        bearer_ += tok->get_string();
        return true;
    }

    bool get_resource(const std::string& path) {
        json::value v;
        return get_resource(path, v);
    }

    /// One whole query of the Account table, following nextRecordsUrl; adds to the counters.
    bool query_all(const std::string& version, bool compress, std::uint64_t& records, std::uint64_t& pages,
                   std::uint64_t& wire_bytes) {
        CURL* h = easy_.get();
        // "" lets libcurl offer every encoding it decodes (gzip, deflate); nullptr turns it off.
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, compress ? "" : nullptr);
        std::string path = "/services/data/v" + version + "/query/?q=SELECT%20Id%2C%20Name%20FROM%20Account";
        for (;;) {
            json::value v;
            if (!get_resource(path, v)) return false;
            curl_off_t n = 0;
            curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &n);
            wire_bytes += static_cast<std::uint64_t>(n);
            ++pages;
            const auto& o = v.as_object();
            records += o.at("records").as_array().size();
            if (o.at("done").as_bool()) return true;
            path = std::string(o.at("nextRecordsUrl").as_string());
        }
    }

    bool get_resource(const std::string& path, json::value& v) {
        CURL* h = easy_.get();
        Slist headers(curl_slist_append(nullptr, "Accept: application/json"));
        curl_slist_append(headers.get(), bearer_.c_str());
        curl_easy_setopt(h, CURLOPT_URL, (base_ + path).c_str());
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        return perform(v);
    }

private:
    bool perform(json::value& out) {
        body_.clear();
        if (curl_easy_perform(easy_.get()) != CURLE_OK) return false;
        long status = 0;
        curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) return false;
        boost::system::error_code ec;
        out = json::parse(body_, ec);
        return !ec;
    }

    const std::string& form_;
    std::unique_ptr<CURL, EasyDeleter> easy_;
    Slist connect_to_;
    std::string base_;
    std::string body_;
    std::string bearer_;
    std::string tls_;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<Client*>(user)->append(data, size * count);
    return size * count;
}

std::string form_encode(CURL* h, const std::string& s) {
    char* e = curl_easy_escape(h, s.c_str(), static_cast<int>(s.size()));
    std::string out = e ? e : "";
    curl_free(e);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const long rss_start = bench::current_rss_kb();
    auto args = bench::parse_args(argc, argv, program, help_text, {"token", "request", "query", "query-plain"});
    std::string h, p;
    if (args.site.empty() || args.consumer_key.empty() || args.ca_file.empty() ||
        !bench::split_host_port(args.connect_to, h, p))
        bench::usage_error(program, "--site, --consumer-key, --ca-file and --connect-to HOST:PORT are required");
    auto secret = bench::secret_from_env();
    if (!secret) bench::usage_error(program, "set SFCONNECT_CONSUMER_SECRET to the consumer secret");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        std::cerr << program << ": curl_global_init failed\n";
        return bench::exit_failure;
    }
    bench::Result result;
    result.client = "libcurl";
    result.mode = args.mode;
    result.requests = args.requests;
    result.server = "external";
    result.rss_before_kb = rss_start;
    {
        std::unique_ptr<CURL, EasyDeleter> escaper(curl_easy_init());
        const std::string form = "grant_type=client_credentials&client_id=" +
                                 form_encode(escaper.get(), args.consumer_key) +
                                 "&client_secret=" + form_encode(escaper.get(), *secret);
        const std::string version = args.api_version.empty() ? std::string("64.0") : args.api_version;
        const std::string path = "/services/data/v" + version + "/";
        const bool query_mode = args.mode == "query" || args.mode == "query-plain";
        const bool compress = args.mode == "query";
        std::uint64_t records = 0, pages = 0, wire_bytes = 0;
        Client client(args, form);
        // Warm-up: connection, TLS handshake, first token (and first request).
        std::uint64_t r0 = 0, p0 = 0, w0 = 0;
        if (!client.fetch_token() || (args.mode == "request" && !client.get_resource(path)) ||
            (query_mode && !client.query_all(version, compress, r0, p0, w0))) {
            std::cerr << program << ": warm-up failed\n";
            return bench::exit_failure;
        }
        result.tls = client.tls();
        const bool token_mode = args.mode == "token";
        bench::Stopwatch sw;
        sw.start();
        for (std::uint64_t i = 0; i < args.requests; ++i) {
            const bool ok = token_mode   ? client.fetch_token()
                            : query_mode ? client.query_all(version, compress, records, pages, wire_bytes)
                                         : client.get_resource(path);
            if (ok) ++result.ok;
            else ++result.errors;
        }
        sw.stop();
        result.wall_s = sw.wall_s();
        result.cpu = sw.cpu();
        if (token_mode) result.token_requests = args.requests;
        if (query_mode) {
            const double n = static_cast<double>(args.requests ? args.requests : 1);
            result.extra.emplace_back("records_per_query", static_cast<double>(records) / n);
            result.extra.emplace_back("pages_per_query", static_cast<double>(pages) / n);
            result.extra.emplace_back("wire_body_bytes_per_query", static_cast<double>(wire_bytes) / n);
        }
    }
    result.max_rss_kb = bench::max_rss_kb();
    result.rss_after_kb = bench::current_rss_kb();
    curl_global_cleanup();
    if (args.json) bench::print_json(result);
    else bench::print_human(result);
    return result.errors == 0 ? 0 : bench::exit_failure;
}
