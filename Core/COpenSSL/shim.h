// Thin system-library wrapper: OpenSSL's libcrypto (Debian: libssl-dev).
#include <openssl/evp.h>
