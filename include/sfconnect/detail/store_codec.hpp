// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_STORE_CODEC_HPP
#define SFCONNECT_DETAIL_STORE_CODEC_HPP

// What a shared token store holds and under which names: the cache key (a SHA-256 of host, consumer
// key, flow and subject — never the token, never the secret) and the entry, sealed with AES-256-GCM
// under the user's key (its key id in clear so keys rotate; the entry's store key as associated
// data so an entry copied under another key is refused). Pure functions over OpenSSL EVP; no I/O.

#include <sfconnect/access_token.hpp>
#include <sfconnect/detail/encoding.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sfconnect::detail {

// SHA-256 of `data`, raw bytes.
inline std::string sha256_bytes(std::string_view data) {
    std::string out(32, '\0');
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, EVP_sha256(),
                   nullptr) != 1)
        out.clear();
    return out;
}

// The one place the parts of a shared cache key are chosen. Each part is length-prefixed so that no
// two tuples hash alike. Never the token, never the secret.
inline std::string store_cache_hash(std::string_view host, std::string_view consumer_key,
                                    std::string_view flow = "client_credentials", std::string_view subject = "") {
    std::string material = "sfconnect-store-v1";
    for (std::string_view part : {host, consumer_key, flow, subject}) {
        material += '\n';
        material += std::to_string(part.size());
        material += ':';
        material += part;
    }
    return hex_encode(sha256_bytes(material));
}

// The store's names for one identity: its token entry, its fetch lock, its per-hour login counter.
struct store_names {
    std::string entry;
    std::string lock;
    std::string logins_prefix;  // + the hour number since the epoch

    static store_names for_hash(const std::string& hash) {
        return store_names{"token-" + hash, "lock-" + hash, "logins-" + hash + "-"};
    }
    std::string logins(std::chrono::system_clock::time_point now) const {
        const auto hour = std::chrono::duration_cast<std::chrono::hours>(now.time_since_epoch()).count();
        return logins_prefix + std::to_string(hour);
    }
};

// A token read back from a store, with when it was fetched (wall clock, milliseconds since the epoch).
struct stored_token {
    std::shared_ptr<const AccessToken> token;
    std::int64_t fetched_at_ms = 0;
};

// Seals and opens entries. Without a key it writes plaintext entries (only with the loud opt-in).
class store_codec {
public:
    static constexpr std::size_t key_bytes = 32;
    static constexpr std::size_t nonce_bytes = 12;
    static constexpr std::size_t tag_bytes = 16;

    store_codec() = default;
    store_codec(const store_codec&) = delete;
    store_codec& operator=(const store_codec&) = delete;
    ~store_codec() { OPENSSL_cleanse(key_.data(), key_.size()); }

    // Takes the user's key: exactly 64 hex digits (surrounding blanks and one trailing newline are
    // ignored). On failure `why` says what is wrong, never the value.
    bool set_key(std::string_view hex, std::string& why) {
        while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ' || hex.back() == '\t'))
            hex.remove_suffix(1);
        while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t')) hex.remove_prefix(1);
        std::string raw;
        if (hex.size() != key_bytes * 2 || !hex_decode(hex, raw)) {
            why = "the store key must be exactly 64 hex digits (32 random bytes, as `openssl rand -hex 32` prints "
                  "them); got " +
                  std::to_string(hex.size()) + " characters" +
                  (hex.size() == key_bytes * 2 ? " with a character that is not a hex digit" : "");
            wipe(raw);
            return false;
        }
        std::copy(raw.begin(), raw.end(), key_.begin());
        wipe(raw);
        // The key id: the first 8 bytes of SHA-256("sfconnect key id" + key), in clear in every entry.
        std::string material = "sfconnect key id\n";
        material.append(reinterpret_cast<const char*>(key_.data()), key_.size());
        key_id_ = hex_encode(sha256_bytes(material).substr(0, 8));
        wipe(material);
        has_key_ = true;
        return true;
    }

    bool has_key() const noexcept { return has_key_; }
    const std::string& key_id() const noexcept { return key_id_; }

    // The entry for `tok`, fetched at `fetched_at_ms`, stored under `name`. Empty on a crypto failure.
    std::string seal(const AccessToken& tok, std::int64_t fetched_at_ms, std::string_view name) const {
        std::string plain = serialize_token(tok, fetched_at_ms);
        if (!has_key_) return std::string(plain_prefix) + plain;
        std::string out;
        std::array<unsigned char, nonce_bytes> nonce{};
        if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) == 1) {
            std::string sealed(reinterpret_cast<const char*>(nonce.data()), nonce.size());
            if (gcm(true, nonce.data(), name, plain, sealed))
                out = std::string(sealed_prefix) + key_id_ + "." + hex_encode(sealed);
        }
        wipe(plain);
        return out;
    }

    // The token in `entry` stored under `name`, or nullopt for anything not to be trusted: another
    // key id (rotated key), a tampered or foreign entry, a plaintext entry while a key is set, junk.
    std::optional<stored_token> open(std::string_view entry, std::string_view name) const {
        std::string plain;
        if (entry.substr(0, plain_prefix.size()) == plain_prefix) {
            if (has_key_) return std::nullopt;  // a key is configured: plaintext is never trusted
            plain.assign(entry.substr(plain_prefix.size()));
        } else {
            if (!has_key_ || entry.substr(0, sealed_prefix.size()) != sealed_prefix) return std::nullopt;
            entry.remove_prefix(sealed_prefix.size());
            if (entry.size() < key_id_.size() + 1 || entry.substr(0, key_id_.size()) != key_id_ ||
                entry[key_id_.size()] != '.')
                return std::nullopt;
            std::string sealed;
            if (!hex_decode(entry.substr(key_id_.size() + 1), sealed) || sealed.size() < nonce_bytes + tag_bytes)
                return std::nullopt;
            const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
            if (!gcm(false, nonce, name, std::string_view{sealed}.substr(nonce_bytes), plain)) return std::nullopt;
        }
        auto out = parse_token(plain);
        wipe(plain);
        return out;
    }

private:
    static constexpr std::string_view sealed_prefix = "sfc1.";
    static constexpr std::string_view plain_prefix = "sfc1-plaintext.";

    // AES-256-GCM. Seal: appends ciphertext and tag to `out`. Open: `in` is ciphertext + tag, `out`
    // receives the plaintext; false when the tag does not verify.
    bool gcm(bool seal, const unsigned char* nonce, std::string_view aad, std::string_view in, std::string& out) const {
        std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
        if (!ctx) return false;
        const std::size_t body = seal ? in.size() : in.size() - tag_bytes;
        int len = 0;
        const auto* inp = reinterpret_cast<const unsigned char*>(in.data());
        const auto init = seal ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
        const auto update = seal ? EVP_EncryptUpdate : EVP_DecryptUpdate;
        if (init(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) != 1) return false;
        if (update(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                   static_cast<int>(aad.size())) != 1)
            return false;
        const std::size_t start = out.size();
        out.resize(start + body + tag_bytes);
        auto* outp = reinterpret_cast<unsigned char*>(out.data()) + start;
        if (update(ctx.get(), outp, &len, inp, static_cast<int>(body)) != 1) return false;
        if (seal) {
            if (EVP_EncryptFinal_ex(ctx.get(), outp + len, &len) != 1) return false;
            return EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_bytes, outp + body) == 1;
        }
        std::array<unsigned char, tag_bytes> tag{};
        std::copy(inp + body, inp + body + tag_bytes, tag.begin());
        const bool ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_bytes, tag.data()) == 1 &&
                        EVP_DecryptFinal_ex(ctx.get(), outp + len, &len) == 1;
        out.resize(ok ? start + body : start);
        return ok;
    }

    static std::string serialize_token(const AccessToken& t, std::int64_t fetched_at_ms) {
        boost::json::object o;
        o["access_token"] = t.access_token.reveal();
        o["instance_url"] = t.instance_url;
        o["id"] = t.id;
        o["organization_id"] = t.organization_id;
        o["user_id"] = t.user_id;
        o["token_type"] = t.token_type;
        o["issued_at"] = t.issued_at_raw;
        o["issued_at_ms"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(t.issued_at.time_since_epoch()).count();
        o["scope"] = t.scope;
        o["signature"] = t.signature;
        o["signature_verified"] = t.signature_verified;
        o["fetched_at_ms"] = fetched_at_ms;
        std::string s = boost::json::serialize(o);
        if (auto* v = o.if_contains("access_token")) {
            auto& str = v->as_string();
            OPENSSL_cleanse(str.data(), str.size());
        }
        return s;
    }

    static std::optional<stored_token> parse_token(std::string_view text) {
        boost::system::error_code ec;
        boost::json::value v = boost::json::parse(text, ec);
        const auto* o = ec ? nullptr : v.if_object();
        if (!o) return std::nullopt;
        const auto str = [&](const char* k) -> std::optional<std::string> {
            const auto* f = o->if_contains(k);
            if (!f || !f->is_string()) return std::nullopt;
            return std::string(f->get_string());
        };
        const auto num = [&](const char* k) -> std::optional<std::int64_t> {
            const auto* f = o->if_contains(k);
            if (!f || !f->is_int64()) return std::nullopt;
            return f->get_int64();
        };
        auto token = str("access_token");
        auto instance = str("instance_url");
        auto issued_ms = num("issued_at_ms");
        auto fetched = num("fetched_at_ms");
        if (!token || token->empty() || !instance || !issued_ms || !fetched) return std::nullopt;
        auto t = std::make_shared<AccessToken>();
        t->access_token = Secret(*token);
        wipe(*token);
        t->instance_url = std::move(*instance);
        t->id = str("id").value_or("");
        t->organization_id = str("organization_id").value_or("");
        t->user_id = str("user_id").value_or("");
        t->token_type = str("token_type").value_or("Bearer");
        t->issued_at_raw = str("issued_at").value_or("");
        t->issued_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(*issued_ms));
        t->scope = str("scope").value_or("");
        t->signature = str("signature").value_or("");
        const auto* verified = o->if_contains("signature_verified");
        t->signature_verified = verified && verified->is_bool() && verified->get_bool();
        if (auto* f = v.as_object().if_contains("access_token")) {
            auto& s = f->as_string();
            OPENSSL_cleanse(s.data(), s.size());
        }
        return stored_token{std::move(t), *fetched};
    }

    std::array<unsigned char, key_bytes> key_{};
    std::string key_id_;
    bool has_key_ = false;
};

}  // namespace sfconnect::detail

#endif
