// The system's zlib (gzip streams), as one header for Swift (Debian: zlib1g-dev).
#include <zlib.h>
