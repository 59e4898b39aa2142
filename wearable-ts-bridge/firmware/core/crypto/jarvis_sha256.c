/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) behind the mbedTLS md subset of mbedtls/md.h. */
#include "mbedtls/md.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32u - (n))))

static void compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
  unsigned i;
  for (i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
  for (i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; k = h[7];
  for (i = 0; i < 64; i++) {
    t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

void jarvis_sha256_init(jarvis_sha256_ctx *c) {
  static const uint32_t iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
  memcpy(c->h, iv, sizeof iv);
  c->total = 0;
  c->used = 0;
}

void jarvis_sha256_update(jarvis_sha256_ctx *c, const uint8_t *data, size_t len) {
  c->total += len;
  while (len > 0) {
    size_t n = 64u - c->used;
    if (n > len) n = len;
    memcpy(c->block + c->used, data, n);
    c->used += n;
    data += n;
    len -= n;
    if (c->used == 64u) {
      compress(c->h, c->block);
      c->used = 0;
    }
  }
}

void jarvis_sha256_final(jarvis_sha256_ctx *c, uint8_t out[32]) {
  uint64_t bits = c->total * 8u;
  unsigned i;
  uint8_t pad = 0x80;
  uint8_t len_be[8];
  jarvis_sha256_update(c, &pad, 1);
  pad = 0;
  while (c->used != 56u) jarvis_sha256_update(c, &pad, 1);
  for (i = 0; i < 8; i++) len_be[i] = (uint8_t)(bits >> (56u - 8u * i));
  jarvis_sha256_update(c, len_be, 8);
  for (i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(c->h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
    out[4 * i + 3] = (uint8_t)c->h[i];
  }
}

static const mbedtls_md_info_t SHA256_INFO = {MBEDTLS_MD_SHA256};

const mbedtls_md_info_t *mbedtls_md_info_from_type(mbedtls_md_type_t type) {
  return type == MBEDTLS_MD_SHA256 ? &SHA256_INFO : NULL;
}

void mbedtls_md_init(mbedtls_md_context_t *ctx) { memset(ctx, 0, sizeof *ctx); }

void mbedtls_md_free(mbedtls_md_context_t *ctx) {
  if (ctx != NULL) memset(ctx, 0, sizeof *ctx); /* wipes the keyed pads */
}

int mbedtls_md_setup(mbedtls_md_context_t *ctx, const mbedtls_md_info_t *info, int hmac) {
  (void)hmac;
  if (ctx == NULL || info != &SHA256_INFO) return -1;
  ctx->info = info;
  return 0;
}

int mbedtls_md(const mbedtls_md_info_t *info, const unsigned char *input, size_t ilen, unsigned char *output) {
  jarvis_sha256_ctx c;
  if (info != &SHA256_INFO) return -1;
  jarvis_sha256_init(&c);
  jarvis_sha256_update(&c, input, ilen);
  jarvis_sha256_final(&c, output);
  return 0;
}

int mbedtls_md_hmac_starts(mbedtls_md_context_t *ctx, const unsigned char *key, size_t keylen) {
  uint8_t k[64];
  unsigned i;
  if (ctx == NULL || ctx->info != &SHA256_INFO) return -1;
  memset(k, 0, sizeof k);
  if (keylen > 64u) {
    mbedtls_md(&SHA256_INFO, key, keylen, k);
  } else if (keylen > 0) {
    memcpy(k, key, keylen);
  }
  for (i = 0; i < 64; i++) {
    ctx->ipad[i] = (uint8_t)(k[i] ^ 0x36u);
    ctx->opad[i] = (uint8_t)(k[i] ^ 0x5cu);
  }
  memset(k, 0, sizeof k);
  return mbedtls_md_hmac_reset(ctx);
}

int mbedtls_md_hmac_reset(mbedtls_md_context_t *ctx) {
  if (ctx == NULL || ctx->info != &SHA256_INFO) return -1;
  jarvis_sha256_init(&ctx->sha);
  jarvis_sha256_update(&ctx->sha, ctx->ipad, 64);
  return 0;
}

int mbedtls_md_hmac_update(mbedtls_md_context_t *ctx, const unsigned char *input, size_t ilen) {
  if (ctx == NULL || ctx->info != &SHA256_INFO) return -1;
  jarvis_sha256_update(&ctx->sha, input, ilen);
  return 0;
}

int mbedtls_md_hmac_finish(mbedtls_md_context_t *ctx, unsigned char *output) {
  uint8_t inner[32];
  if (ctx == NULL || ctx->info != &SHA256_INFO) return -1;
  jarvis_sha256_final(&ctx->sha, inner);
  jarvis_sha256_init(&ctx->sha);
  jarvis_sha256_update(&ctx->sha, ctx->opad, 64);
  jarvis_sha256_update(&ctx->sha, inner, 32);
  jarvis_sha256_final(&ctx->sha, output);
  return 0;
}

int mbedtls_md_hmac(const mbedtls_md_info_t *info, const unsigned char *key, size_t keylen, const unsigned char *input,
                    size_t ilen, unsigned char *output) {
  mbedtls_md_context_t ctx;
  int rc;
  mbedtls_md_init(&ctx);
  rc = mbedtls_md_setup(&ctx, info, 1);
  if (rc == 0) rc = mbedtls_md_hmac_starts(&ctx, key, keylen);
  if (rc == 0) rc = mbedtls_md_hmac_update(&ctx, input, ilen);
  if (rc == 0) rc = mbedtls_md_hmac_finish(&ctx, output);
  mbedtls_md_free(&ctx);
  return rc;
}
