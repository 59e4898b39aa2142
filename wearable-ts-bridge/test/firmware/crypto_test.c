/*
 * Known-answer tests for the bare-metal SHA-256/HMAC-SHA256 (firmware/core/crypto/), run under QEMU:
 * FIPS 180-4 example messages and RFC 4231 test cases 1, 2, 4, 6 and 7 (the full HMAC, not truncated).
 * Prints "ok NAME" / "not ok NAME" and "done PASSED FAILED"; exits 1 on failure.
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/md.h"

static int passed, failed;

static void hex(const char *h, uint8_t *out, size_t *n) {
  size_t i, len = strlen(h) / 2u;
  for (i = 0; i < len; i++) {
    unsigned v;
    sscanf(h + 2 * i, "%2x", &v);
    out[i] = (uint8_t)v;
  }
  *n = len;
}

static void expect(const char *name, const uint8_t *got, const char *want_hex) {
  uint8_t want[32];
  size_t n;
  hex(want_hex, want, &n);
  if (n == 32 && memcmp(got, want, 32) == 0) {
    passed++;
    printf("ok %s\n", name);
  } else {
    failed++;
    printf("not ok %s\n", name);
  }
}

static uint8_t buf[1000];

int main(void) {
  const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  uint8_t out[32], key[200], data[200];
  size_t kn, dn;
  unsigned i;
  jarvis_sha256_ctx c;

  mbedtls_md(info, (const uint8_t *)"", 0, out);
  expect("sha256 empty", out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  mbedtls_md(info, (const uint8_t *)"abc", 3, out);
  expect("sha256 abc", out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  mbedtls_md(info, (const uint8_t *)"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
  expect("sha256 448 bits", out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  memset(buf, 'a', sizeof buf);
  jarvis_sha256_init(&c);
  for (i = 0; i < 1000; i++) jarvis_sha256_update(&c, buf, sizeof buf);
  jarvis_sha256_final(&c, out);
  expect("sha256 one million a", out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", key, &kn);
  mbedtls_md_hmac(info, key, kn, (const uint8_t *)"Hi There", 8, out);
  expect("rfc4231 case 1", out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  mbedtls_md_hmac(info, (const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28, out);
  expect("rfc4231 case 2", out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  hex("0102030405060708090a0b0c0d0e0f10111213141516171819", key, &kn);
  memset(data, 0xcd, 50);
  mbedtls_md_hmac(info, key, kn, data, 50, out);
  expect("rfc4231 case 4", out, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  memset(key, 0xaa, 131);
  kn = 131;
  mbedtls_md_hmac(info, key, kn, (const uint8_t *)"Test Using Larger Than Block-Size Key - Hash Key First", 54, out);
  expect("rfc4231 case 6", out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  {
    const char *m = "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
                    "to be hashed before being used by the HMAC algorithm.";
    mbedtls_md_context_t ctx;
    mbedtls_md_init(&ctx);
    mbedtls_md_setup(&ctx, info, 1);
    mbedtls_md_hmac_starts(&ctx, key, kn);
    /* Fed in pieces, after a reset that must not lose the key (as jarvis_signer_sign does). */
    mbedtls_md_hmac_update(&ctx, (const uint8_t *)"garbage", 7);
    mbedtls_md_hmac_reset(&ctx);
    mbedtls_md_hmac_update(&ctx, (const uint8_t *)m, 100);
    mbedtls_md_hmac_update(&ctx, (const uint8_t *)m + 100, strlen(m) - 100);
    mbedtls_md_hmac_finish(&ctx, out);
    mbedtls_md_free(&ctx);
    expect("rfc4231 case 7 (streamed, after reset)", out, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }
  (void)dn;
  printf("done %d %d\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
