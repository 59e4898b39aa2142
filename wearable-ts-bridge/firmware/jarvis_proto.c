/* Jarvis wire protocol for the wearable firmware: see jarvis_proto.h and protocol/SPEC.md. */
#include "jarvis_proto.h"

#include <string.h>

/* The standard IMA-ADPCM tables, generated from @jarvis/protocol so both sides use the same numbers. */
static const int16_t k_step_table[JARVIS_ADPCM_STEP_TABLE_SIZE] = JARVIS_ADPCM_STEP_TABLE;
static const int8_t k_index_table[16] = JARVIS_ADPCM_INDEX_TABLE;
static const char *const k_error_names[JARVIS_ERROR_COUNT] = JARVIS_ERROR_NAMES;

/* The generated table must cover every step index the coder can reach. */
typedef char jarvis_step_table_covers_max_index[JARVIS_ADPCM_STEP_TABLE_SIZE == JARVIS_ADPCM_MAX_STEP_INDEX + 1 ? 1 : -1];

static const uint16_t k_sample_rates[JARVIS_SAMPLE_RATE_COUNT] = JARVIS_SAMPLE_RATES;

/* The datagram is little-endian on the wire whatever the CPU is [SPEC §2]. */
static void put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v & 0xffu);
  p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v) {
  put_u16(p, (uint16_t)(v & 0xffffu));
  put_u16(p + 2, (uint16_t)(v >> 16));
}

static void put_u64(uint8_t *p, uint64_t v) {
  put_u32(p, (uint32_t)(v & 0xffffffffu));
  put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Timestamps reach the hub as JavaScript numbers, so they must stay exact there [UDP-2.12]. */
#define JARVIS_MAX_TIMESTAMP ((((uint64_t)1) << 53) - 1u)

static int sample_rate_ok(uint16_t rate) {
  size_t i;
  for (i = 0; i < JARVIS_SAMPLE_RATE_COUNT; i++) {
    if (k_sample_rates[i] == rate) return 1;
  }
  return 0;
}

/*
 * The payload rules of SPEC §2.3 and §3, in the order @jarvis/protocol checks them, so the firmware
 * refuses on the device exactly what the hub would drop.
 */
static int check_payload(uint8_t type, uint8_t codec, const uint8_t *payload, size_t payload_len) {
  if (type == JARVIS_MESSAGE_TYPE_KEEPALIVE && codec != JARVIS_CODEC_NONE) return JARVIS_E_BAD_CODEC;
  switch (codec) {
    case JARVIS_CODEC_NONE:
      return payload_len == 0 ? JARVIS_OK : JARVIS_E_BAD_LENGTH;
    case JARVIS_CODEC_PCM16LE:
      return (payload_len != 0 && payload_len % 2u == 0) ? JARVIS_OK : JARVIS_E_BAD_LENGTH;
    default: /* JARVIS_CODEC_IMA_ADPCM; the header check already refused unknown codecs */
      if (payload_len <= JARVIS_ADPCM_BLOCK_HEADER_BYTES) return JARVIS_E_BAD_LENGTH;
      if (payload[2] > JARVIS_ADPCM_MAX_STEP_INDEX || payload[3] != 0) return JARVIS_E_BAD_ADPCM;
      return JARVIS_OK;
  }
}

int jarvis_encode_frame(const jarvis_frame_header *header, const uint8_t *payload, size_t payload_len,
                        uint8_t *out, size_t out_cap) {
  size_t total;
  int rc;
  if (header == NULL || out == NULL || (payload == NULL && payload_len != 0)) return JARVIS_E_BAD_ARGUMENT;
  if (header->version != JARVIS_AUDIO_VERSION) return JARVIS_E_BAD_VERSION;
  if (header->type != JARVIS_MESSAGE_TYPE_AUDIO && header->type != JARVIS_MESSAGE_TYPE_KEEPALIVE) {
    return JARVIS_E_BAD_TYPE;
  }
  if (header->stream_id == 0) return JARVIS_E_BAD_FIELD;
  if (header->timestamp > JARVIS_MAX_TIMESTAMP) return JARVIS_E_BAD_FIELD;
  if ((header->flags & (uint16_t)~JARVIS_FRAME_FLAGS_MASK) != 0) return JARVIS_E_BAD_FLAGS;
  if (header->codec != JARVIS_CODEC_NONE && header->codec != JARVIS_CODEC_PCM16LE &&
      header->codec != JARVIS_CODEC_IMA_ADPCM) {
    return JARVIS_E_BAD_CODEC;
  }
  if (!sample_rate_ok(header->sample_rate)) return JARVIS_E_BAD_SAMPLE_RATE;
  if (payload_len > JARVIS_AUDIO_MAX_PAYLOAD_BYTES) return JARVIS_E_TOO_LARGE;
  rc = check_payload(header->type, header->codec, payload, payload_len);
  if (rc != JARVIS_OK) return rc;
  total = JARVIS_AUDIO_HEADER_BYTES + payload_len + JARVIS_AUDIO_TAG_BYTES;
  if (out_cap < total) return JARVIS_E_TRUNCATED;

  out[0] = JARVIS_AUDIO_MAGIC_BYTE0;
  out[1] = JARVIS_AUDIO_MAGIC_BYTE1;
  out[2] = header->version;
  out[3] = header->type;
  put_u32(out + 4, header->device_id);
  put_u32(out + 8, header->stream_id);
  put_u32(out + 12, header->seq);
  put_u64(out + 16, header->timestamp);
  put_u16(out + 24, header->flags);
  out[26] = header->codec;
  out[27] = 0; /* reserved */
  put_u16(out + 28, header->sample_rate);
  put_u16(out + 30, (uint16_t)payload_len);
  /* The payload may already sit in place (encoded straight into out + header): then there is nothing to copy. */
  if (payload_len != 0 && payload != out + JARVIS_AUDIO_HEADER_BYTES) {
    memmove(out + JARVIS_AUDIO_HEADER_BYTES, payload, payload_len);
  }
  memset(out + JARVIS_AUDIO_HEADER_BYTES + payload_len, 0, JARVIS_AUDIO_TAG_BYTES);
  return (int)total;
}

int jarvis_compute_tag(const uint8_t *data, size_t len, const uint8_t *key, size_t key_len, uint8_t *tag) {
  unsigned char full[32];
  const mbedtls_md_info_t *info;
  if (data == NULL || tag == NULL) return JARVIS_E_BAD_ARGUMENT;
  if (key == NULL || key_len != JARVIS_DEVICE_KEY_BYTES) return JARVIS_E_BAD_KEY;
  info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  if (info == NULL) return JARVIS_E_CRYPTO;
  if (mbedtls_md_hmac(info, key, key_len, data, len, full) != 0) return JARVIS_E_CRYPTO;
  memcpy(tag, full, JARVIS_AUDIO_TAG_BYTES);
  return JARVIS_OK;
}

static int check_signable(const uint8_t *datagram, size_t len) {
  if (datagram == NULL) return JARVIS_E_BAD_ARGUMENT;
  if (len < JARVIS_AUDIO_HEADER_BYTES + JARVIS_AUDIO_TAG_BYTES) return JARVIS_E_TRUNCATED;
  if (len > JARVIS_AUDIO_MAX_DATAGRAM_BYTES) return JARVIS_E_TOO_LARGE;
  return JARVIS_OK;
}

int jarvis_sign_frame(uint8_t *datagram, size_t len, const uint8_t *key, size_t key_len) {
  size_t signed_len;
  int rc = check_signable(datagram, len);
  if (rc != JARVIS_OK) return rc;
  signed_len = len - JARVIS_AUDIO_TAG_BYTES;
  return jarvis_compute_tag(datagram, signed_len, key, key_len, datagram + signed_len);
}

int jarvis_signer_init(jarvis_signer *signer, const uint8_t *key, size_t key_len) {
  const mbedtls_md_info_t *info;
  if (signer == NULL) return JARVIS_E_BAD_ARGUMENT;
  signer->ready = 0;
  if (key == NULL || key_len != JARVIS_DEVICE_KEY_BYTES) return JARVIS_E_BAD_KEY;
  info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  if (info == NULL) return JARVIS_E_CRYPTO;
  mbedtls_md_init(&signer->md);
  if (mbedtls_md_setup(&signer->md, info, 1) != 0 || mbedtls_md_hmac_starts(&signer->md, key, key_len) != 0) {
    mbedtls_md_free(&signer->md);
    return JARVIS_E_CRYPTO;
  }
  signer->ready = 1;
  return JARVIS_OK;
}

int jarvis_signer_sign(jarvis_signer *signer, uint8_t *datagram, size_t len) {
  unsigned char full[32];
  size_t signed_len;
  int rc;
  if (signer == NULL || !signer->ready) return JARVIS_E_BAD_ARGUMENT;
  rc = check_signable(datagram, len);
  if (rc != JARVIS_OK) return rc;
  signed_len = len - JARVIS_AUDIO_TAG_BYTES;
  /* hmac_reset keeps the keyed inner/outer pads from init, so the key schedule is not redone per frame. */
  if (mbedtls_md_hmac_reset(&signer->md) != 0 || mbedtls_md_hmac_update(&signer->md, datagram, signed_len) != 0 ||
      mbedtls_md_hmac_finish(&signer->md, full) != 0) {
    return JARVIS_E_CRYPTO;
  }
  memcpy(datagram + signed_len, full, JARVIS_AUDIO_TAG_BYTES);
  return JARVIS_OK;
}

void jarvis_signer_free(jarvis_signer *signer) {
  if (signer == NULL || !signer->ready) return;
  mbedtls_md_free(&signer->md);
  signer->ready = 0;
}

size_t jarvis_adpcm_payload_bytes(size_t n_samples) {
  return JARVIS_ADPCM_BLOCK_HEADER_BYTES + n_samples / 2u;
}

/* One IMA-ADPCM step: the decoder's reconstruction, shared by encoder and decoder so they cannot drift. */
static void adpcm_apply(int32_t *predictor, int32_t *index, uint8_t code) {
  int32_t step = k_step_table[*index];
  int32_t diff = step >> 3;
  if (code & 4u) diff += step;
  if (code & 2u) diff += step >> 1;
  if (code & 1u) diff += step >> 2;
  *predictor += (code & 8u) ? -diff : diff;
  if (*predictor > 32767) *predictor = 32767;
  if (*predictor < -32768) *predictor = -32768;
  *index += k_index_table[code];
  if (*index < 0) *index = 0;
  if (*index > (int32_t)JARVIS_ADPCM_MAX_STEP_INDEX) *index = (int32_t)JARVIS_ADPCM_MAX_STEP_INDEX;
}

static uint8_t adpcm_quantise(int32_t predictor, int32_t index, int32_t sample) {
  int32_t step = k_step_table[index];
  int32_t diff = sample - predictor;
  uint8_t code = 0;
  if (diff < 0) {
    code = 8;
    diff = -diff;
  }
  if (diff >= step) {
    code |= 4;
    diff -= step;
  }
  step >>= 1;
  if (diff >= step) {
    code |= 2;
    diff -= step;
  }
  step >>= 1;
  if (diff >= step) code |= 1;
  return code;
}

int jarvis_adpcm_encode(jarvis_adpcm_state *state, const int16_t *samples, size_t n_samples, uint8_t *out,
                        size_t out_cap) {
  int32_t predictor;
  int32_t index;
  size_t i;
  size_t bytes;
  if (state == NULL || out == NULL || (samples == NULL && n_samples != 0)) return JARVIS_E_BAD_ARGUMENT;
  if (n_samples == 0 || (n_samples % 2u) != 0) return JARVIS_E_BAD_LENGTH;
  if (state->step_index > JARVIS_ADPCM_MAX_STEP_INDEX) return JARVIS_E_BAD_ADPCM;
  bytes = jarvis_adpcm_payload_bytes(n_samples);
  if (bytes > JARVIS_AUDIO_MAX_PAYLOAD_BYTES) return JARVIS_E_TOO_LARGE;
  if (out_cap < bytes) return JARVIS_E_TRUNCATED;

  predictor = state->predictor;
  index = state->step_index;
  put_u16(out, (uint16_t)state->predictor);
  out[2] = state->step_index;
  out[3] = 0; /* reserved */
  for (i = 0; i < n_samples; i++) {
    uint8_t code = adpcm_quantise(predictor, index, samples[i]);
    adpcm_apply(&predictor, &index, code);
    if ((i & 1u) == 0) {
      out[JARVIS_ADPCM_BLOCK_HEADER_BYTES + i / 2u] = code; /* low nibble first */
    } else {
      out[JARVIS_ADPCM_BLOCK_HEADER_BYTES + i / 2u] |= (uint8_t)(code << 4);
    }
  }
  state->predictor = (int16_t)predictor;
  state->step_index = (uint8_t)index;
  return (int)bytes;
}

int jarvis_adpcm_decode(const uint8_t *payload, size_t len, int16_t *out, size_t out_cap) {
  int32_t predictor;
  int32_t index;
  size_t n;
  size_t i;
  if (payload == NULL || (out == NULL && out_cap != 0)) return JARVIS_E_BAD_ARGUMENT;
  if (len <= JARVIS_ADPCM_BLOCK_HEADER_BYTES) return JARVIS_E_BAD_ADPCM;
  if (payload[2] > JARVIS_ADPCM_MAX_STEP_INDEX || payload[3] != 0) return JARVIS_E_BAD_ADPCM;
  n = 2u * (len - JARVIS_ADPCM_BLOCK_HEADER_BYTES);
  if (out_cap < n) return JARVIS_E_TRUNCATED;
  predictor = (int16_t)(uint16_t)(payload[0] | (payload[1] << 8));
  index = payload[2];
  for (i = 0; i < n; i++) {
    uint8_t byte = payload[JARVIS_ADPCM_BLOCK_HEADER_BYTES + i / 2u];
    uint8_t code = (i & 1u) ? (uint8_t)(byte >> 4) : (uint8_t)(byte & 0x0fu);
    adpcm_apply(&predictor, &index, code);
    out[i] = (int16_t)predictor;
  }
  return (int)n;
}

/* The fixed NVS layout: 8 fingerprint bytes then a u32, no padding on any ABI we build for. */
typedef char jarvis_boot_state_is_12_bytes[sizeof(jarvis_boot_state) == JARVIS_KEY_ID_BYTES + 4u ? 1 : -1];

int jarvis_key_id(const uint8_t *key, size_t key_len, uint8_t key_id[JARVIS_KEY_ID_BYTES]) {
  unsigned char digest[32];
  const mbedtls_md_info_t *info;
  if (key_id == NULL) return JARVIS_E_BAD_ARGUMENT;
  if (key == NULL || key_len != JARVIS_DEVICE_KEY_BYTES) return JARVIS_E_BAD_KEY;
  info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  if (info == NULL || mbedtls_md(info, key, key_len, digest) != 0) return JARVIS_E_CRYPTO;
  memcpy(key_id, digest, JARVIS_KEY_ID_BYTES);
  return JARVIS_OK;
}

int jarvis_boot_counter_next(const jarvis_boot_state *stored, const uint8_t *key, size_t key_len,
                             jarvis_boot_state *next) {
  uint8_t id[JARVIS_KEY_ID_BYTES];
  int rc;
  if (next == NULL) return JARVIS_E_BAD_ARGUMENT;
  rc = jarvis_key_id(key, key_len, id);
  if (rc != JARVIS_OK) return rc;
  if (stored == NULL || memcmp(stored->key_id, id, JARVIS_KEY_ID_BYTES) != 0) {
    /* A new key epoch [UDP-2.16]: the counter restarts from 0, so this boot is 1 (0 never goes on the wire). */
    memcpy(next->key_id, id, JARVIS_KEY_ID_BYTES);
    next->boot = 1;
    return JARVIS_OK;
  }
  if (stored->boot >= JARVIS_BOOT_COUNTER_MAX) return JARVIS_E_BOOT_EXHAUSTED;
  memcpy(next->key_id, id, JARVIS_KEY_ID_BYTES);
  next->boot = stored->boot + 1u;
  return JARVIS_OK;
}

const char *jarvis_strerror(int code) {
  if (code == JARVIS_OK) return "JARVIS_OK";
  if (code == JARVIS_E_CRYPTO) return "JARVIS_FW_CRYPTO";
  if (code == JARVIS_E_BAD_ARGUMENT) return "JARVIS_FW_BAD_ARGUMENT";
  if (code < 0 && code >= -JARVIS_ERROR_COUNT) return k_error_names[-code - 1];
  return "UNKNOWN";
}
