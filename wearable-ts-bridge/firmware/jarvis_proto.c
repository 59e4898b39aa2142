/* Jarvis wire protocol for the wearable firmware: see jarvis_proto.h and protocol/SPEC.md. */
#include "jarvis_proto.h"

#include <string.h>

/* Standard IMA-ADPCM tables (IMA Digital Audio Focus and Technical Working Groups, 1992). */
static const int16_t k_step_table[JARVIS_ADPCM_MAX_STEP_INDEX + 1] = {
    7,     8,     9,     10,    11,    12,    13,    14,    16,    17,    19,    21,    23,    25,    28,
    31,    34,    37,    41,    45,    50,    55,    60,    66,    73,    80,    88,    97,    107,   118,
    130,   143,   157,   173,   190,   209,   230,   253,   279,   307,   337,   371,   408,   449,   494,
    544,   598,   658,   724,   796,   876,   963,   1060,  1166,  1282,  1411,  1552,  1707,  1878,  2066,
    2272,  2499,  2749,  3024,  3327,  3660,  4026,  4428,  4871,  5358,  5894,  6484,  7132,  7845,  8630,
    9493,  10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794, 32767};

static const int8_t k_index_table[16] = {-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8};

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

static int sample_rate_ok(uint16_t rate) {
  size_t i;
  for (i = 0; i < JARVIS_SAMPLE_RATE_COUNT; i++) {
    if (k_sample_rates[i] == rate) return 1;
  }
  return 0;
}

/* Refuses what the hub's decoder would refuse, so a firmware bug shows up on the device, not as drops. */
static int check_payload_for_codec(uint8_t codec, size_t payload_len) {
  switch (codec) {
    case JARVIS_CODEC_NONE:
      return payload_len == 0 ? JARVIS_OK : JARVIS_E_BAD_LENGTH;
    case JARVIS_CODEC_PCM16LE:
      return (payload_len % 2u) == 0 ? JARVIS_OK : JARVIS_E_BAD_LENGTH;
    case JARVIS_CODEC_IMA_ADPCM:
      return payload_len >= JARVIS_ADPCM_BLOCK_HEADER_BYTES ? JARVIS_OK : JARVIS_E_BAD_LENGTH;
    default:
      return JARVIS_E_BAD_CODEC;
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
  if ((header->flags & (uint16_t)~JARVIS_FRAME_FLAGS_MASK) != 0) return JARVIS_E_BAD_FLAGS;
  if (!sample_rate_ok(header->sample_rate)) return JARVIS_E_BAD_SAMPLE_RATE;
  rc = check_payload_for_codec(header->codec, payload_len);
  if (rc != JARVIS_OK) return rc;
  if (payload_len > JARVIS_AUDIO_MAX_PAYLOAD_BYTES) return JARVIS_E_TOO_LARGE;
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
  if (payload_len != 0) memcpy(out + JARVIS_AUDIO_HEADER_BYTES, payload, payload_len);
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
  if ((n_samples % 2u) != 0 || state->step_index > JARVIS_ADPCM_MAX_STEP_INDEX) return JARVIS_E_BAD_ADPCM;
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
  if (len < JARVIS_ADPCM_BLOCK_HEADER_BYTES) return JARVIS_E_TRUNCATED;
  if (payload[2] > JARVIS_ADPCM_MAX_STEP_INDEX) return JARVIS_E_BAD_ADPCM;
  if (payload[3] != 0) return JARVIS_E_RESERVED;
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

const char *jarvis_strerror(int code) {
  switch (code) {
    case JARVIS_OK: return "JARVIS_OK";
    case JARVIS_E_TRUNCATED: return "JARVIS_PROTO_TRUNCATED";
    case JARVIS_E_BAD_MAGIC: return "JARVIS_PROTO_BAD_MAGIC";
    case JARVIS_E_BAD_VERSION: return "JARVIS_PROTO_BAD_VERSION";
    case JARVIS_E_BAD_TYPE: return "JARVIS_PROTO_BAD_TYPE";
    case JARVIS_E_BAD_FLAGS: return "JARVIS_PROTO_BAD_FLAGS";
    case JARVIS_E_BAD_CODEC: return "JARVIS_PROTO_BAD_CODEC";
    case JARVIS_E_BAD_SAMPLE_RATE: return "JARVIS_PROTO_BAD_SAMPLE_RATE";
    case JARVIS_E_BAD_LENGTH: return "JARVIS_PROTO_BAD_LENGTH";
    case JARVIS_E_RESERVED: return "JARVIS_PROTO_RESERVED";
    case JARVIS_E_TOO_LARGE: return "JARVIS_PROTO_TOO_LARGE";
    case JARVIS_E_BAD_TAG: return "JARVIS_PROTO_BAD_TAG";
    case JARVIS_E_BAD_KEY: return "JARVIS_PROTO_BAD_KEY";
    case JARVIS_E_BAD_ADPCM: return "JARVIS_PROTO_BAD_ADPCM";
    case JARVIS_E_CRYPTO: return "JARVIS_FW_CRYPTO";
    case JARVIS_E_BAD_ARGUMENT: return "JARVIS_FW_BAD_ARGUMENT";
    default: return "UNKNOWN";
  }
}
