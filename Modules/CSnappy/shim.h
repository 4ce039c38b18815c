// The system's libsnappy through its C interface, as one header for Swift (Debian: libsnappy-dev).
#include <snappy-c.h>
