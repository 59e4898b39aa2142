/*
 * Jarvis wire protocol for the wearable firmware (protocol/SPEC.md §2, §3): builds signed UDP audio
 * datagrams and IMA-ADPCM payloads. Portable C99 with no heap use and no I/O, so the same file builds on
 * the ESP32-S3 (ESP-IDF ships mbedTLS with the same md API) and on a host for the golden-vector test.
 *
 * Every function returns a non-negative result or one of the negative JARVIS_E_* codes below; the
 * codes mirror @jarvis/protocol's ProtocolError codes so logs on both sides use the same names.
 */
#ifndef JARVIS_PROTO_H
#define JARVIS_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/md.h"

#include "jarvis_proto_gen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes: negative, each named after the TypeScript code it mirrors (JARVIS_PROTO_<NAME>). */
#define JARVIS_OK 0
#define JARVIS_E_TRUNCATED (-1)        /* JARVIS_PROTO_TRUNCATED: output buffer or input too short */
#define JARVIS_E_BAD_MAGIC (-2)        /* JARVIS_PROTO_BAD_MAGIC */
#define JARVIS_E_BAD_VERSION (-3)      /* JARVIS_PROTO_BAD_VERSION */
#define JARVIS_E_BAD_TYPE (-4)         /* JARVIS_PROTO_BAD_TYPE */
#define JARVIS_E_BAD_FLAGS (-5)        /* JARVIS_PROTO_BAD_FLAGS: undefined flag bits set */
#define JARVIS_E_BAD_CODEC (-6)        /* JARVIS_PROTO_BAD_CODEC */
#define JARVIS_E_BAD_SAMPLE_RATE (-7)  /* JARVIS_PROTO_BAD_SAMPLE_RATE */
#define JARVIS_E_BAD_LENGTH (-8)       /* JARVIS_PROTO_BAD_LENGTH: payload length does not fit the codec */
#define JARVIS_E_RESERVED (-9)         /* JARVIS_PROTO_RESERVED */
#define JARVIS_E_TOO_LARGE (-10)       /* JARVIS_PROTO_TOO_LARGE: datagram would exceed the maximum */
#define JARVIS_E_BAD_TAG (-11)         /* JARVIS_PROTO_BAD_TAG */
#define JARVIS_E_BAD_KEY (-12)         /* JARVIS_PROTO_BAD_KEY: key missing or not DEVICE_KEY_BYTES long */
#define JARVIS_E_BAD_ADPCM (-13)       /* JARVIS_PROTO_BAD_ADPCM: odd sample count, bad state or payload */
#define JARVIS_E_CRYPTO (-14)          /* mbedTLS failed (no TypeScript twin: the host never sees it) */
#define JARVIS_E_BAD_ARGUMENT (-15)    /* NULL pointer where one is required (no TypeScript twin) */

/* The datagram header fields a sender chooses; magic, reserved and payload_len are filled in. */
typedef struct jarvis_frame_header {
  uint8_t version;      /* JARVIS_AUDIO_VERSION */
  uint8_t type;         /* JARVIS_MESSAGE_TYPE_* */
  uint32_t device_id;   /* assigned at provisioning */
  uint32_t stream_id;   /* random per boot, never 0 */
  uint32_t seq;         /* +1 per datagram, wraps */
  uint64_t timestamp;   /* capture time of the first sample, in samples since stream start (< 2^53) */
  uint16_t flags;       /* JARVIS_FRAME_FLAG_* */
  uint8_t codec;        /* JARVIS_CODEC_* */
  uint16_t sample_rate; /* one of JARVIS_SAMPLE_RATES */
} jarvis_frame_header;

/* IMA-ADPCM coder state carried from one frame to the next. */
typedef struct jarvis_adpcm_state {
  int16_t predictor;
  uint8_t step_index; /* 0 .. JARVIS_ADPCM_MAX_STEP_INDEX */
} jarvis_adpcm_state;

/*
 * Writes header + payload + a zero tag into out (out_cap bytes) and returns the datagram length, or a
 * negative code. payload may be NULL only when payload_len is 0. The tag is left zero: sign it with
 * jarvis_sign_frame / jarvis_signer_sign before sending.
 */
int jarvis_encode_frame(const jarvis_frame_header *header, const uint8_t *payload, size_t payload_len,
                        uint8_t *out, size_t out_cap);

/* Computes the tag of a whole datagram (len includes the tag) with a key and writes it in place. */
int jarvis_sign_frame(uint8_t *datagram, size_t len, const uint8_t *key, size_t key_len);

/* Computes the truncated HMAC-SHA256 (JARVIS_AUDIO_TAG_BYTES) of data into tag. */
int jarvis_compute_tag(const uint8_t *data, size_t len, const uint8_t *key, size_t key_len, uint8_t *tag);

/*
 * A keyed signer for a device that sends many frames with one key: the HMAC key schedule is done once
 * in jarvis_signer_init (which lets mbedTLS allocate its context), then each jarvis_signer_sign costs
 * only the hash of the frame.
 */
typedef struct jarvis_signer {
  mbedtls_md_context_t md;
  int ready;
} jarvis_signer;

int jarvis_signer_init(jarvis_signer *signer, const uint8_t *key, size_t key_len);
int jarvis_signer_sign(jarvis_signer *signer, uint8_t *datagram, size_t len);
void jarvis_signer_free(jarvis_signer *signer);

/* Returns the size of an ADPCM payload for n samples (n even): block header + n / 2 bytes. */
size_t jarvis_adpcm_payload_bytes(size_t n_samples);

/*
 * Encodes n_samples (even) into one self-contained ADPCM payload: a block header holding *state (the
 * state before the first sample), then low-nibble-first codes. Updates *state to the end state so the
 * next frame continues the signal without a jump. Returns the payload length or a negative code.
 */
int jarvis_adpcm_encode(jarvis_adpcm_state *state, const int16_t *samples, size_t n_samples, uint8_t *out,
                        size_t out_cap);

/* Decodes one ADPCM payload into out (out_cap samples); returns the sample count or a negative code. */
int jarvis_adpcm_decode(const uint8_t *payload, size_t len, int16_t *out, size_t out_cap);

/* Name of an error code as in TypeScript ("JARVIS_PROTO_BAD_CODEC"), or "JARVIS_OK" / "UNKNOWN". */
const char *jarvis_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_PROTO_H */
