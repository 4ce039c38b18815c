// CQuiverHNSW is header-only (include/quiver_hnsw.h); SwiftPM needs one source file per C target.
#include "quiver_hnsw.h"
