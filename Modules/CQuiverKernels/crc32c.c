// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): table-driven fallback (slicing by
// eight, table built once under pthread_once) and the SSE4.2 crc32 instruction where the CPU has
// it.
#include "include/quiver_kernels.h"
#include <pthread.h>

static uint32_t crc_table[8][256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void build_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = crc_table[0][i];
    for (int t = 1; t < 8; t++) {
      c = crc_table[0][c & 0xFF] ^ (c >> 8);
      crc_table[t][i] = c;
    }
  }
}

uint32_t qk_crc32c_portable(uint32_t crc, const void *data, size_t n) {
  pthread_once(&crc_table_once, build_table);
  const uint8_t *p = (const uint8_t *)data;
  crc = ~crc;
  while (n >= 8) {
    uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                  (uint32_t)p[3] << 24;
    uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                  (uint32_t)p[7] << 24;
    lo ^= crc;
    crc = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
          crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xFF] ^
          crc_table[2][(hi >> 8) & 0xFF] ^ crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) crc = crc_table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *p,
                                                                size_t n) {
  uint64_t c = ~crc;
  while (n >= 8) {
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = (uint32_t)c;
  while (n--) c32 = __builtin_ia32_crc32qi(c32, *p++);
  return ~c32;
}
#endif

static int has_hardware = -1;  // racing initialisers store the same value

int qk_crc32c_hardware_available(void) {
#if defined(__x86_64__)
  int known = __atomic_load_n(&has_hardware, __ATOMIC_RELAXED);
  if (known < 0) {
    __builtin_cpu_init();
    known = __builtin_cpu_supports("sse4.2") ? 1 : 0;
    __atomic_store_n(&has_hardware, known, __ATOMIC_RELAXED);
  }
  return known;
#else
  return 0;
#endif
}

uint32_t qk_crc32c(uint32_t crc, const void *data, size_t length) {
#if defined(__x86_64__)
  if (qk_crc32c_hardware_available()) return crc32c_sse42(crc, (const uint8_t *)data, length);
#endif
  return qk_crc32c_portable(crc, data, length);
}
