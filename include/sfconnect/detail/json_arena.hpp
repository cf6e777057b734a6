// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
#ifndef SFCONNECT_DETAIL_JSON_ARENA_HPP
#define SFCONNECT_DETAIL_JSON_ARENA_HPP

// The memory of one reply's JSON tree (Response::json): a bump allocator over chunks of at most
// 64 KiB, freed all at once with the last value that uses it. A query page of 2,000 records is about
// 20,000 nodes, which the default resource allocated and freed one by one. Boost.JSON's own
// monotonic_resource doubles its blocks, and blocks past glibc's mmap threshold (128 KiB) are
// mapped and unmapped for every reply: page faults cost more system time than the allocations saved
// (docs/benchmarks.md, "Where the time goes"). Returning 64 KiB chunks to malloc did the same (glibc
// trims the top of the heap), so each thread keeps up to 32 freed chunks (2 MiB) for the next reply.

#include <boost/json/memory_resource.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <new>

namespace sfconnect::detail {

// Freed full-size chunks of json_arena kept per thread for the next reply (at most max_chunks).
class json_chunk_cache {
public:
    static constexpr std::size_t max_chunks = 32;
    json_chunk_cache() = default;
    json_chunk_cache(const json_chunk_cache&) = delete;
    json_chunk_cache& operator=(const json_chunk_cache&) = delete;
    json_chunk_cache(json_chunk_cache&&) = delete;
    json_chunk_cache& operator=(json_chunk_cache&&) = delete;
    ~json_chunk_cache() {
        gone() = true;
        for (std::size_t i = 0; i < count_; ++i) ::operator delete(chunks_[i]);
    }

    // The calling thread's cache; null once it was destroyed (a reply freed at thread exit).
    static json_chunk_cache* local() noexcept {
        if (gone()) return nullptr;
        thread_local json_chunk_cache cache;
        return &cache;
    }
    void* take() noexcept { return count_ == 0 ? nullptr : chunks_[--count_]; }
    bool give(void* chunk) noexcept {
        if (count_ == max_chunks) return false;
        chunks_[count_++] = chunk;
        return true;
    }

private:
    static bool& gone() noexcept {
        thread_local bool value = false;  // trivially destructible: valid for the thread's whole life
        return value;
    }
    std::array<void*, max_chunks> chunks_{};
    std::size_t count_ = 0;
};

class json_arena final : public boost::json::memory_resource {
public:
    static constexpr std::size_t max_chunk = 64 * 1024;

    // `expected` is a hint (the body's size): the first chunk is about twice that, within [1 KiB, 64 KiB].
    explicit json_arena(std::size_t expected) noexcept
        : next_chunk_(std::clamp<std::size_t>(expected * 2, 1024, max_chunk)) {}
    json_arena(const json_arena&) = delete;
    json_arena& operator=(const json_arena&) = delete;
    json_arena(json_arena&&) = delete;
    json_arena& operator=(json_arena&&) = delete;
    ~json_arena() override {
        json_chunk_cache* cache = json_chunk_cache::local();
        while (head_ != nullptr) {
            chunk* prev = head_->prev;
            if (head_->size != max_chunk || cache == nullptr || !cache->give(head_))
                ::operator delete(static_cast<void*>(head_));
            head_ = prev;
        }
    }

private:
    struct chunk {
        chunk* prev;
        std::size_t size;
    };

    void* do_allocate(std::size_t n, std::size_t align) override {
        if (void* p = carve(n, align)) return p;
        // A new chunk: the usual size, or one that fits a single large node (a long array's elements).
        const std::size_t size = std::max(next_chunk_, n + align + sizeof(chunk));
        void* raw = nullptr;
        if (size == max_chunk)
            if (json_chunk_cache* cache = json_chunk_cache::local()) raw = cache->take();
        if (raw == nullptr) raw = ::operator new(size);
        head_ = ::new (raw) chunk{head_, size};
        cur_ = static_cast<void*>(head_ + 1);
        left_ = size - sizeof(chunk);
        next_chunk_ = max_chunk;
        void* p = carve(n, align);
        if (p == nullptr) throw std::bad_alloc();  // cannot happen: the chunk was sized for it
        return p;
    }

    void do_deallocate(void* /*p*/, std::size_t /*n*/, std::size_t /*align*/) override {}  // all at once

    bool do_is_equal(const boost::json::memory_resource& other) const noexcept override { return this == &other; }

    void* carve(std::size_t n, std::size_t align) noexcept {
        if (cur_ == nullptr || std::align(align, n, cur_, left_) == nullptr) return nullptr;
        void* p = cur_;
        cur_ = static_cast<std::byte*>(cur_) + n;
        left_ -= n;
        return p;
    }

    chunk* head_ = nullptr;
    void* cur_ = nullptr;
    std::size_t left_ = 0;
    std::size_t next_chunk_;
};

}  // namespace sfconnect::detail

// Nothing in the arena needs freeing one by one: Boost.JSON then skips walking a tree to destroy it.
template <>
struct boost::json::is_deallocate_trivial<sfconnect::detail::json_arena> : std::true_type {};

#endif
