// The system's libzstd, as one header for Swift (Debian: libzstd-dev).
#include <zstd.h>
#include <zstd_errors.h>
