/*
 * Host test driver for the firmware protocol library: reads one command per line on stdin, answers on
 * stdout, so the vitest test can feed it golden vectors and random signals. Commands:
 *   frame KEY VERSION TYPE DEVICE STREAM SEQ TIMESTAMP FLAGS CODEC RATE PAYLOAD  -> ok DATAGRAM | err CODE
 *   adpcm PREDICTOR STEP_INDEX SAMPLES                                           -> ok PAYLOAD PREDICTOR STEP_INDEX | err CODE
 *   adpcm-decode PAYLOAD                                                         -> ok SAMPLES | err CODE
 *   stream CODEC KEY DEVICE STREAM RATE FRAME_SAMPLES SAMPLES -> one "frame DATAGRAM" line per frame, then "end N" | err CODE
 *   bench N                                                   -> ok NS_PER_FRAME (20 ms ADPCM at 16 kHz: encode + sign)
 *   boot KEY STORED_KEY_ID|- STORED_BOOT                      -> ok KEY_ID BOOT | err CODE (STORED "-": nothing stored)
 * Byte strings are lowercase hex ("-" for empty; KEY "-" leaves the tag zero); SAMPLES are int16 LE hex.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis_proto.h"

#define MAX_LINE (1u << 22)
#define MAX_SAMPLES (1u << 20)

static char line[MAX_LINE];
static uint8_t bytes_a[MAX_LINE / 2];
static int16_t samples_a[MAX_SAMPLES];
static int16_t samples_b[MAX_SAMPLES];
static uint8_t datagram[JARVIS_AUDIO_MAX_DATAGRAM_BYTES];
static uint8_t payload[JARVIS_AUDIO_MAX_DATAGRAM_BYTES];

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Returns the byte count, or -1 on bad hex. "-" is the empty string. */
static long parse_hex(const char *text, uint8_t *out, size_t cap) {
  size_t n = strlen(text);
  size_t i;
  if (strcmp(text, "-") == 0) return 0;
  if (n % 2u != 0 || n / 2u > cap) return -1;
  for (i = 0; i < n / 2u; i++) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi * 16 + lo);
  }
  return (long)(n / 2u);
}

static long parse_samples(const char *text, int16_t *out, size_t cap) {
  long n = parse_hex(text, bytes_a, sizeof bytes_a);
  long i;
  if (n < 0 || n % 2 != 0 || (size_t)(n / 2) > cap) return -1;
  for (i = 0; i < n / 2; i++) out[i] = (int16_t)(uint16_t)(bytes_a[2 * i] | (bytes_a[2 * i + 1] << 8));
  return n / 2;
}

static void print_hex(const uint8_t *p, size_t n) {
  size_t i;
  if (n == 0) fputc('-', stdout);
  for (i = 0; i < n; i++) printf("%02x", p[i]);
}

static void print_samples(const int16_t *s, size_t n) {
  size_t i;
  if (n == 0) fputc('-', stdout);
  for (i = 0; i < n; i++) printf("%02x%02x", (unsigned)((uint16_t)s[i] & 0xffu), (unsigned)((uint16_t)s[i] >> 8));
}

static char *next_token(void) { return strtok(NULL, " \t\r\n"); }

/* Reads n tokens into argv; returns 0 when one is missing. */
static int tokens(char **argv, int n) {
  int i;
  for (i = 0; i < n; i++) {
    argv[i] = next_token();
    if (argv[i] == NULL) return 0;
  }
  return 1;
}

static void cmd_frame(void) {
  char *a[11];
  uint8_t key[JARVIS_DEVICE_KEY_BYTES];
  jarvis_frame_header h;
  long key_len;
  long payload_len;
  int rc;
  if (!tokens(a, 11)) {
    puts("err USAGE");
    return;
  }
  key_len = parse_hex(a[0], key, sizeof key);
  payload_len = parse_hex(a[10], payload, sizeof payload);
  if (key_len < 0 || payload_len < 0) {
    puts("err USAGE");
    return;
  }
  h.version = (uint8_t)strtoul(a[1], NULL, 10);
  h.type = (uint8_t)strtoul(a[2], NULL, 10);
  h.device_id = (uint32_t)strtoul(a[3], NULL, 10);
  h.stream_id = (uint32_t)strtoul(a[4], NULL, 10);
  h.seq = (uint32_t)strtoul(a[5], NULL, 10);
  h.timestamp = (uint64_t)strtoull(a[6], NULL, 10);
  h.flags = (uint16_t)strtoul(a[7], NULL, 10);
  h.codec = (uint8_t)strtoul(a[8], NULL, 10);
  h.sample_rate = (uint16_t)strtoul(a[9], NULL, 10);
  rc = jarvis_encode_frame(&h, payload_len ? payload : NULL, (size_t)payload_len, datagram, sizeof datagram);
  if (rc >= 0 && key_len > 0) {
    int sign_rc = jarvis_sign_frame(datagram, (size_t)rc, key, (size_t)key_len);
    if (sign_rc < 0) rc = sign_rc;
  }
  if (rc < 0) {
    printf("err %s\n", jarvis_strerror(rc));
    return;
  }
  fputs("ok ", stdout);
  print_hex(datagram, (size_t)rc);
  fputc('\n', stdout);
}

static void cmd_adpcm(void) {
  char *a[3];
  jarvis_adpcm_state st;
  long n;
  int rc;
  if (!tokens(a, 3) || (n = parse_samples(a[2], samples_a, MAX_SAMPLES)) < 0) {
    puts("err USAGE");
    return;
  }
  st.predictor = (int16_t)strtol(a[0], NULL, 10);
  st.step_index = (uint8_t)strtoul(a[1], NULL, 10);
  rc = jarvis_adpcm_encode(&st, samples_a, (size_t)n, payload, sizeof payload);
  if (rc < 0) {
    printf("err %s\n", jarvis_strerror(rc));
    return;
  }
  fputs("ok ", stdout);
  print_hex(payload, (size_t)rc);
  printf(" %d %u\n", st.predictor, (unsigned)st.step_index);
}

static void cmd_adpcm_decode(void) {
  char *a[1];
  long n;
  int rc;
  if (!tokens(a, 1) || (n = parse_hex(a[0], payload, sizeof payload)) < 0) {
    puts("err USAGE");
    return;
  }
  rc = jarvis_adpcm_decode(payload, (size_t)n, samples_b, MAX_SAMPLES);
  if (rc < 0) {
    printf("err %s\n", jarvis_strerror(rc));
    return;
  }
  fputs("ok ", stdout);
  print_samples(samples_b, (size_t)rc);
  fputc('\n', stdout);
}

/* Frames a whole signal the way the firmware's capture loop does: one signer, ADPCM state carried over. */
static void cmd_stream(void) {
  char *a[7];
  uint8_t key[JARVIS_DEVICE_KEY_BYTES];
  jarvis_signer signer;
  jarvis_adpcm_state st = {0, 0};
  jarvis_frame_header h;
  long n;
  size_t frame_samples;
  size_t off;
  uint32_t frames = 0;
  int rc;
  if (!tokens(a, 7) || parse_hex(a[1], key, sizeof key) != (long)sizeof key ||
      (n = parse_samples(a[6], samples_a, MAX_SAMPLES)) < 0) {
    puts("err USAGE");
    return;
  }
  frame_samples = (size_t)strtoul(a[5], NULL, 10);
  if (frame_samples == 0) {
    puts("err USAGE");
    return;
  }
  rc = jarvis_signer_init(&signer, key, sizeof key);
  if (rc < 0) {
    printf("err %s\n", jarvis_strerror(rc));
    return;
  }
  h.version = JARVIS_AUDIO_VERSION;
  h.type = JARVIS_MESSAGE_TYPE_AUDIO;
  h.device_id = (uint32_t)strtoul(a[2], NULL, 10);
  h.stream_id = (uint32_t)strtoul(a[3], NULL, 10);
  h.sample_rate = (uint16_t)strtoul(a[4], NULL, 10);
  h.codec = (uint8_t)strtoul(a[0], NULL, 10);
  for (off = 0; off < (size_t)n; off += frame_samples) {
    size_t count = (size_t)n - off < frame_samples ? (size_t)n - off : frame_samples;
    int plen;
    size_t i;
    h.seq = frames;
    h.timestamp = off;
    h.flags = off + count >= (size_t)n ? JARVIS_FRAME_FLAG_END : 0;
    if (h.codec == JARVIS_CODEC_IMA_ADPCM) {
      /* The zero-copy path the firmware uses: encode straight into the datagram after the header. */
      plen = jarvis_adpcm_encode(&st, samples_a + off, count, datagram + JARVIS_AUDIO_HEADER_BYTES,
                                 sizeof datagram - JARVIS_AUDIO_HEADER_BYTES - JARVIS_AUDIO_TAG_BYTES);
    } else {
      for (i = 0; i < count; i++) {
        payload[2 * i] = (uint8_t)((uint16_t)samples_a[off + i] & 0xffu);
        payload[2 * i + 1] = (uint8_t)((uint16_t)samples_a[off + i] >> 8);
      }
      plen = (int)(2 * count);
    }
    rc = plen < 0 ? plen
                  : jarvis_encode_frame(&h, h.codec == JARVIS_CODEC_IMA_ADPCM ? datagram + JARVIS_AUDIO_HEADER_BYTES : payload,
                                        (size_t)plen, datagram, sizeof datagram);
    if (rc >= 0) {
      int sign_rc = jarvis_signer_sign(&signer, datagram, (size_t)rc);
      if (sign_rc < 0) rc = sign_rc;
    }
    if (rc < 0) {
      jarvis_signer_free(&signer);
      printf("err %s\n", jarvis_strerror(rc));
      return;
    }
    fputs("frame ", stdout);
    print_hex(datagram, (size_t)rc);
    fputc('\n', stdout);
    frames++;
  }
  jarvis_signer_free(&signer);
  printf("end %u\n", (unsigned)frames);
}

static void cmd_bench(void) {
  char *a[1];
  uint8_t key[JARVIS_DEVICE_KEY_BYTES];
  jarvis_signer signer;
  jarvis_adpcm_state st = {0, 0};
  jarvis_frame_header h = {JARVIS_AUDIO_VERSION, JARVIS_MESSAGE_TYPE_AUDIO, 42, 7, 0, 0, 0, JARVIS_CODEC_IMA_ADPCM, 16000};
  struct timespec t0;
  struct timespec t1;
  unsigned long n;
  unsigned long i;
  volatile uint8_t sink = 0;
  if (!tokens(a, 1) || (n = strtoul(a[0], NULL, 10)) == 0) {
    puts("err USAGE");
    return;
  }
  for (i = 0; i < sizeof key; i++) key[i] = (uint8_t)i;
  for (i = 0; i < 320; i++) samples_a[i] = (int16_t)((i * 2654435761u) >> 18);
  if (jarvis_signer_init(&signer, key, sizeof key) < 0) {
    puts("err JARVIS_FW_CRYPTO");
    return;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (i = 0; i < n; i++) {
    int plen = jarvis_adpcm_encode(&st, samples_a, 320, payload, sizeof payload);
    int len;
    h.seq = (uint32_t)i;
    h.timestamp = (uint64_t)i * 320u;
    len = jarvis_encode_frame(&h, payload, (size_t)plen, datagram, sizeof datagram);
    jarvis_signer_sign(&signer, datagram, (size_t)len);
    sink ^= datagram[len - 1];
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  jarvis_signer_free(&signer);
  printf("ok %.1f\n", ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)n);
  (void)sink;
}

static void cmd_boot(void) {
  char *a[3];
  uint8_t key[64];
  jarvis_boot_state stored;
  jarvis_boot_state next;
  long key_len;
  int have;
  int rc;
  if (!tokens(a, 3) || (key_len = parse_hex(a[0], key, sizeof key)) < 0) {
    puts("err USAGE");
    return;
  }
  have = strcmp(a[1], "-") != 0;
  if (have && parse_hex(a[1], stored.key_id, sizeof stored.key_id) != (long)JARVIS_KEY_ID_BYTES) {
    puts("err USAGE");
    return;
  }
  stored.boot = (uint32_t)strtoul(a[2], NULL, 10);
  rc = jarvis_boot_counter_next(have ? &stored : NULL, key, (size_t)key_len, &next);
  if (rc < 0) {
    printf("err %s\n", jarvis_strerror(rc));
    return;
  }
  fputs("ok ", stdout);
  print_hex(next.key_id, sizeof next.key_id);
  printf(" %lu\n", (unsigned long)next.boot);
}

int main(void) {
  while (fgets(line, sizeof line, stdin) != NULL) {
    char *cmd;
    if (strchr(line, '\n') == NULL && !feof(stdin)) {
      puts("err LINE_TOO_LONG");
      return 1;
    }
    cmd = strtok(line, " \t\r\n");
    if (cmd == NULL) continue;
    if (strcmp(cmd, "frame") == 0) cmd_frame();
    else if (strcmp(cmd, "adpcm") == 0) cmd_adpcm();
    else if (strcmp(cmd, "adpcm-decode") == 0) cmd_adpcm_decode();
    else if (strcmp(cmd, "stream") == 0) cmd_stream();
    else if (strcmp(cmd, "bench") == 0) cmd_bench();
    else if (strcmp(cmd, "boot") == 0) cmd_boot();
    else puts("err UNKNOWN_COMMAND");
    fflush(stdout);
  }
  return 0;
}
