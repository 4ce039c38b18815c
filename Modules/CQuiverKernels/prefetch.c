// Software prefetch of vectors a scan is about to read out of order (refine's re-rank of
// candidates by row id): the hardware prefetcher follows only linear streams.
#include "include/quiver_kernels.h"

void qk_prefetch_f32(const float *vector, size_t dim) {
  const char *bytes = (const char *)vector;
  size_t length = dim * sizeof(float);
  for (size_t offset = 0; offset < length; offset += 64) __builtin_prefetch(bytes + offset, 0, 3);
  __builtin_prefetch(bytes + length - 1, 0, 3);
}
