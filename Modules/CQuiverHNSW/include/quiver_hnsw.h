// CQuiverHNSW: what the HNSW graph walk and build need from C that Swift cannot express: a
// software prefetch and a spin lock (static inline, so Swift inlines them into its loops) and the
// 8-bit code distances of the build's beam search (quiver_hnsw.c: AVX-512BW, AVX2, NEON and
// scalar, chosen once from the CPU's features).
#ifndef QUIVER_HNSW_H
#define QUIVER_HNSW_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

/// Asks the CPU to start loading the cache line at `address` for reading (no fault if the
/// address is invalid). The walk prefetches the vectors of a node's unvisited neighbours before
/// computing their distances, so that their cache misses overlap.
static inline void qh_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 0, 3);
#else
  (void)address;
#endif
}

/// Takes the one-byte spin lock at `lock` (0 free, 1 held), acquiring what its last holder
/// wrote. For locks held a few dozen instructions, as the build's node locks are: one
/// uncontended atomic exchange, where a mutex costs a call and 40 bytes a node. Yields the
/// processor after a while, so a holder that lost its core can run.
static inline void qh_spin_lock(uint8_t *lock) {
  unsigned spins = 0;
  while (__atomic_exchange_n(lock, (uint8_t)1, __ATOMIC_ACQUIRE)) {
    while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
      if (++spins < 64) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ __volatile__("yield");
#endif
      } else {
        sched_yield();
        spins = 0;
      }
    }
  }
}

/// Releases a lock taken by `qh_spin_lock`, publishing what its holder wrote.
static inline void qh_spin_unlock(uint8_t *lock) {
  __atomic_store_n(lock, (uint8_t)0, __ATOMIC_RELEASE);
}

/// The largest dimension the 8-bit code kernels accept: their sums stay below 2³¹.
#define QH_CODE_MAXIMUM_DIMENSION 16384

/// Σ (a[i] − b[i])² over `dimension` byte codes. Exact integer arithmetic, so every ISA
/// returns the same value. Precondition: dimension ≤ QH_CODE_MAXIMUM_DIMENSION.
uint32_t qh_code_l2sq(const uint8_t *a, const uint8_t *b, size_t dimension);

/// Σ a[i] · b[i] over `dimension` byte codes, exact as `qh_code_l2sq`.
/// Precondition: dimension ≤ QH_CODE_MAXIMUM_DIMENSION.
uint32_t qh_code_dot(const uint8_t *a, const uint8_t *b, size_t dimension);

/// The kernel path in use: 0 scalar, 1 AVX2, 2 AVX-512BW, 3 NEON.
int qh_code_kernel_path(void);

/// Forces a kernel path for the whole process (tests compare every path with the scalar one);
/// returns 0, or -1 when this CPU cannot run it. Other threads computing distances meanwhile
/// get the same sums, since every path returns the same integers, only at another speed.
int qh_code_force_kernel_path(int path);

#endif
