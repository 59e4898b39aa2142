/*
 * Jarvis wire protocol for the wearable firmware (protocol/SPEC.md §2, §3): builds signed UDP audio
 * datagrams (version 2) and IMA-ADPCM payloads, and advances the boot counter. Portable C99 with no
 * heap use and no I/O, so the same file builds on the ESP32-S3 (ESP-IDF ships mbedTLS with the same md
 * API) and on a host for the golden-vector test.
 *
 * Every function returns a non-negative result or one of the negative JARVIS_E_* codes below; the
 * codes mirror @jarvis/protocol's ProtocolError codes so logs on both sides use the same names.
 *
 * How the firmware uses it, at every boot (or restart of the audio stream) [UDP-2.16]:
 *
 *   jarvis_boot_state stored, next;            // kept in NVS as one blob, e.g. key "jv_boot"
 *   int have = nvs_get_blob(...) == ESP_OK;    // absent on a freshly provisioned device
 *   rc = jarvis_boot_counter_next(have ? &stored : NULL, key, 32, &next);
 *   if (rc < 0) stop: JARVIS_E_BOOT_EXHAUSTED means "rotate the key"; do not stream.
 *   nvs_set_blob(..., &next, sizeof next); nvs_commit(...);   // MUST succeed before the first datagram
 *   header.stream_id = next.boot;             // the same value for every datagram of this stream
 *   jarvis_signer_init(&signer, key, 32); then per frame: jarvis_encode_frame + jarvis_signer_sign.
 *
 * Provisioning a new key (jarvis device rotate-key) needs nothing else: the stored key_id no longer
 * matches, so the next boot starts the new epoch at 1. Never reset the blob by hand: the hub refuses a
 * counter below the highest it has seen, for ever, until the key changes.
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

/*
 * Error codes: JARVIS_OK, the negative JARVIS_E_* codes generated from @jarvis/protocol's
 * PROTOCOL_ERROR_CODES (jarvis_proto_gen.h: JARVIS_E_BAD_CODEC mirrors JARVIS_PROTO_BAD_CODEC), and two
 * firmware-only codes the TypeScript side never sees.
 */
#define JARVIS_OK 0
#define JARVIS_E_CRYPTO (-100)       /* mbedTLS failed */
#define JARVIS_E_BAD_ARGUMENT (-101) /* NULL pointer where one is required */

/* The datagram header fields a sender chooses; magic, reserved and payload_len are filled in. */
typedef struct jarvis_frame_header {
  uint8_t version;      /* JARVIS_AUDIO_VERSION */
  uint8_t type;         /* JARVIS_MESSAGE_TYPE_* */
  uint32_t device_id;   /* assigned at provisioning */
  uint32_t stream_id;   /* the boot counter (jarvis_boot_state.boot), never 0 (JARVIS_E_BAD_FIELD) */
  uint32_t seq;         /* +1 per datagram, wraps */
  uint64_t timestamp;   /* capture time of the first sample, in samples since stream start; < 2^53 */
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
 * negative code. payload may be NULL only when payload_len is 0. To avoid a copy, encode the payload
 * straight into out + JARVIS_AUDIO_HEADER_BYTES and pass that pointer. The tag is left zero: sign it
 * with jarvis_sign_frame / jarvis_signer_sign before sending.
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

/* Returns the size of an ADPCM payload for n samples (n even, non-zero): block header + n / 2 bytes. */
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

/* Bytes of the key fingerprint kept next to the boot counter: the first bytes of SHA-256(key). */
#define JARVIS_KEY_ID_BYTES 8u

/*
 * What the firmware keeps in non-volatile storage [UDP-2.16]: the last boot counter it used and the
 * fingerprint of the key it belongs to. A fixed 12-byte layout with no padding; store it as one blob.
 */
typedef struct jarvis_boot_state {
  uint8_t key_id[JARVIS_KEY_ID_BYTES]; /* jarvis_key_id(key) */
  uint32_t boot;                       /* last value sent as stream_id; 0 = none yet under this key */
} jarvis_boot_state;

/* Writes the key's fingerprint (first JARVIS_KEY_ID_BYTES of SHA-256(key)); the key must be 32 bytes. */
int jarvis_key_id(const uint8_t *key, size_t key_len, uint8_t key_id[JARVIS_KEY_ID_BYTES]);

/*
 * Computes the state for this boot into *next: stored->boot + 1 when stored (may be NULL: nothing in
 * storage) belongs to this key, else a new key epoch starting at 1. Returns JARVIS_OK,
 * JARVIS_E_BOOT_EXHAUSTED at JARVIS_BOOT_COUNTER_MAX (rotate the key), JARVIS_E_BAD_KEY or
 * JARVIS_E_CRYPTO. *next is written only on success. The caller stores *next durably, then streams
 * with stream_id = next->boot. Matches advanceBootCounter in @jarvis/protocol (boot-counter vectors).
 */
int jarvis_boot_counter_next(const jarvis_boot_state *stored, const uint8_t *key, size_t key_len,
                             jarvis_boot_state *next);

/* Name of a code as in TypeScript ("JARVIS_PROTO_BAD_CODEC"), "JARVIS_OK", "JARVIS_FW_*" or "UNKNOWN". */
const char *jarvis_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_PROTO_H */
