// CQuiverHNSW: the one thing the HNSW graph walk needs from C that Swift cannot express, a
// software prefetch. Header-only (static inline), so Swift inlines it into the walk.
#ifndef QUIVER_HNSW_H
#define QUIVER_HNSW_H

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

#endif
