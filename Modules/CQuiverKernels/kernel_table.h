// The per-ISA function table behind the public entry points of quiver_kernels.h.
#ifndef QUIVER_KERNEL_TABLE_H
#define QUIVER_KERNEL_TABLE_H
#include "include/quiver_kernels.h"

typedef struct {
  float (*l2sq)(const float *, const float *, size_t);
  float (*dot)(const float *, const float *, size_t);
  float (*norm_sq)(const float *, size_t);
  void (*l2sq_batch)(const float *, const float *, size_t, size_t, float *);
  void (*dot_batch)(const float *, const float *, size_t, size_t, float *);
  void (*norm_sq_batch)(const float *, size_t, size_t, float *);
  void (*l2sq_block)(const float *, size_t, const float *, size_t, size_t, float *);
  void (*dot_block)(const float *, size_t, const float *, size_t, size_t, float *);
  void (*sq8_l2sq_batch)(const float *, const float *, const uint8_t *, size_t, size_t, float *);
  void (*sq8_weighted_sum_batch)(const float *, const uint8_t *, size_t, size_t, float *);
  void (*pq8_scan)(const float *, const uint8_t *, size_t, size_t, float *);
  void (*pq4_scan)(const float *, const uint8_t *, size_t, size_t, float *);
} qk_kernel_table;

/// Portable C, always available.
extern const qk_kernel_table qk_scalar_table;

#endif
