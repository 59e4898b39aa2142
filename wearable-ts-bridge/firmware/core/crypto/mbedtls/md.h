/*
 * A heap-free stand-in for the subset of mbedTLS's md API that jarvis_proto.c uses (SHA-256 and
 * HMAC-SHA256 only), for targets where mbedTLS is not available to cross-compile (the rv32 QEMU build).
 * Implemented in jarvis_sha256.c from FIPS 180-4 and RFC 2104; the QEMU test checks it against the
 * FIPS 180-4 / RFC 4231 vectors and the hub verifies the tags it produces. ESP-IDF and host builds use
 * the real mbedTLS: put this folder on the include path only for bare-metal builds.
 */
#ifndef JARVIS_MBEDTLS_MD_SHIM_H
#define JARVIS_MBEDTLS_MD_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { MBEDTLS_MD_NONE = 0, MBEDTLS_MD_SHA256 = 9 } mbedtls_md_type_t;

typedef struct mbedtls_md_info_t {
  mbedtls_md_type_t type;
} mbedtls_md_info_t;

typedef struct jarvis_sha256_ctx {
  uint32_t h[8];
  uint64_t total; /* bytes hashed */
  uint8_t block[64];
  size_t used;
} jarvis_sha256_ctx;

typedef struct mbedtls_md_context_t {
  const mbedtls_md_info_t *info;
  jarvis_sha256_ctx sha;
  uint8_t ipad[64];
  uint8_t opad[64];
} mbedtls_md_context_t;

void jarvis_sha256_init(jarvis_sha256_ctx *c);
void jarvis_sha256_update(jarvis_sha256_ctx *c, const uint8_t *data, size_t len);
void jarvis_sha256_final(jarvis_sha256_ctx *c, uint8_t out[32]);

const mbedtls_md_info_t *mbedtls_md_info_from_type(mbedtls_md_type_t type);
void mbedtls_md_init(mbedtls_md_context_t *ctx);
void mbedtls_md_free(mbedtls_md_context_t *ctx);
int mbedtls_md_setup(mbedtls_md_context_t *ctx, const mbedtls_md_info_t *info, int hmac);
int mbedtls_md(const mbedtls_md_info_t *info, const unsigned char *input, size_t ilen, unsigned char *output);
int mbedtls_md_hmac_starts(mbedtls_md_context_t *ctx, const unsigned char *key, size_t keylen);
int mbedtls_md_hmac_update(mbedtls_md_context_t *ctx, const unsigned char *input, size_t ilen);
int mbedtls_md_hmac_finish(mbedtls_md_context_t *ctx, unsigned char *output);
int mbedtls_md_hmac_reset(mbedtls_md_context_t *ctx);
int mbedtls_md_hmac(const mbedtls_md_info_t *info, const unsigned char *key, size_t keylen, const unsigned char *input,
                    size_t ilen, unsigned char *output);

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_MBEDTLS_MD_SHIM_H */
