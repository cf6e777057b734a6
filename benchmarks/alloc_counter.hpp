// Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
//
// Counts heap allocations: replaces the global operator new/delete of the program that includes it
// (include it in exactly one TU per program). Counted per thread, so a client running on the main
// thread is not charged for a server thread in the same process. OpenSSL and libc allocate with
// malloc directly; those calls are not counted.
#ifndef SFCONNECT_BENCHMARKS_ALLOC_COUNTER_HPP
#define SFCONNECT_BENCHMARKS_ALLOC_COUNTER_HPP

#include <cstdint>
#include <cstdlib>
#include <new>

namespace bench {
/// operator new calls made by this thread so far.
inline thread_local std::uint64_t t_allocations = 0;

inline void* counted_alloc(std::size_t n) {
    ++t_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
inline void* counted_alloc_aligned(std::size_t n, std::align_val_t al) {
    ++t_allocations;
    const auto a = static_cast<std::size_t>(al);
    if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a)) return p;
    throw std::bad_alloc();
}
}  // namespace bench

void* operator new(std::size_t n) { return bench::counted_alloc(n); }
void* operator new[](std::size_t n) { return bench::counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++bench::t_allocations;
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    ++bench::t_allocations;
    return std::malloc(n ? n : 1);
}
void* operator new(std::size_t n, std::align_val_t a) { return bench::counted_alloc_aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return bench::counted_alloc_aligned(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

#endif
