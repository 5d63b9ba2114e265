// Thin system-library wrapper: libsodium (Debian: libsodium-dev).
#include <sodium.h>
