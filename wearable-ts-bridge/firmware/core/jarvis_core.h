/*
 * The portable firmware core of the Jarvis wearable: C99, no heap after jarvis_core_init (the only
 * allocation is the one mbedTLS makes in jarvis_signer_init, once, when the stream starts), driven by
 * jarvis_core_poll from one task. Built on the protocol library (../jarvis_proto.h) behind jarvis_hal.h.
 *
 * States: PROVISIONING (no device bundle in NVS "jv_bundle" yet) -> WIFI -> MQTT -> STREAMING; a lost
 * link falls back to WIFI or MQTT with capped exponential backoff and jitter. FAULT is terminal
 * (the boot counter is exhausted: the key must be rotated).
 *
 * Boot: on leaving PROVISIONING the boot counter is advanced with jarvis_boot_counter_next and stored in
 * NVS "jv_boot" (12-byte jarvis_boot_state); no datagram is built before that store succeeded. The
 * stream id (= boot) stays the same across Wi-Fi/MQTT reconnects and changes only with a reboot.
 *
 * Mute is decided on the device: the switch is debounced; while muted every captured sample is
 * discarded before encoding (the sample clock still advances), the ring is emptied, only KEEPALIVEs with
 * JARVIS_FRAME_FLAG_MUTED leave the device, and each transition publishes the retained state/mute.
 *
 * Audio is captured into a ring sized at init even while the links are down; on overflow the OLDEST
 * samples are dropped and counted (ring.dropped), and timestamps stay on the sample clock.
 */
#ifndef JARVIS_CORE_H
#define JARVIS_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "jarvis_hal.h"
#include "jarvis_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JARVIS_CORE_MAX_FRAME_SAMPLES 640u   /* 40 ms at 16 kHz; PCM16 payload 1280 bytes fits a datagram */
#define JARVIS_CORE_TOPIC_BYTES 48u
#define JARVIS_CORE_BUNDLE_BYTES 36u         /* NVS "jv_bundle": device id u32 LE, then the 32-byte key */
#define JARVIS_CORE_NVS_BUNDLE "jv_bundle"
#define JARVIS_CORE_NVS_BOOT "jv_boot"
#define JARVIS_CORE_MAX_FRAMES_PER_POLL 8u
#define JARVIS_CORE_NVS_CONFIG "jv_config"   /* the applied cmd/config, as its canonical JSON text */
#define JARVIS_CORE_CONFIG_TEXT_BYTES 128u
#define JARVIS_CORE_MQTT_MAX_PAYLOAD 4096u   /* [MQTT-6.6]: larger payloads are refused unparsed */
/* Core-only error code (last_error): the boot counter could not be stored, so nothing is sent yet. */
#define JARVIS_CORE_E_NVS (-110)

/* Sample ring: a caller-supplied array, never reallocated. */
typedef struct jarvis_ring {
  int16_t *buf;
  size_t cap;
  size_t head;        /* index of the oldest sample */
  size_t count;
  uint64_t end_clock; /* sample-clock index one past the newest sample ever captured (incl. discarded) */
  uint32_t dropped;   /* samples dropped as oldest on overflow */
} jarvis_ring;

void jarvis_ring_init(jarvis_ring *r, int16_t *storage, size_t cap);
/* Appends n samples; when full, drops the oldest ones and counts them. */
void jarvis_ring_push(jarvis_ring *r, const int16_t *samples, size_t n);
/* Pops exactly n samples into out when at least n are buffered (writing the sample-clock index of the
 * first one into *clock); returns 1, or 0 and leaves the ring untouched. */
int jarvis_ring_pop(jarvis_ring *r, int16_t *out, size_t n, uint64_t *clock);
/* Discards everything buffered (the sample clock is kept). */
void jarvis_ring_clear(jarvis_ring *r);
/* Advances the sample clock by n samples that were never buffered (captured while muted). */
void jarvis_ring_skip(jarvis_ring *r, size_t n);

/* Backoff before connection attempt number attempt (0-based): d = min(cap, base * 2^attempt), then
 * "equal jitter": d/2 + rnd % (d/2 + 1), so the result is in [d/2, d] and never above cap. */
uint32_t jarvis_backoff_delay(uint32_t base_ms, uint32_t cap_ms, uint32_t attempt, uint32_t rnd);

typedef enum jarvis_core_state {
  JARVIS_STATE_PROVISIONING = 0,
  JARVIS_STATE_WIFI = 1,
  JARVIS_STATE_MQTT = 2,
  JARVIS_STATE_STREAMING = 3,
  JARVIS_STATE_FAULT = 4
} jarvis_core_state;

typedef struct jarvis_core_config {
  uint8_t codec;            /* JARVIS_CODEC_PCM16LE or JARVIS_CODEC_IMA_ADPCM */
  uint16_t sample_rate;     /* one of JARVIS_SAMPLE_RATES */
  uint16_t frame_samples;   /* even, 2 .. JARVIS_CORE_MAX_FRAME_SAMPLES */
  uint32_t debounce_ms;     /* the switch must hold a new level this long */
  uint32_t backoff_base_ms; /* first retry delay */
  uint32_t backoff_cap_ms;  /* no retry delay exceeds this */
  uint32_t keepalive_ms;    /* nominal keep-alive period; sent 0.8x..1.2x apart [UDP-4.6] */
} jarvis_core_config;

/* The settings of cmd/config [MQTT-6.5.7] this device uses: codec and frame_ms drive the stream and are
 * stored. The schema's other fields belong to the hub or to hardware this wearable does not have, so
 * they are checked (a malformed one refuses the payload, as the schema says) but neither applied nor
 * stored: vadSensitivity and wakeWord (voice activity and wake-word detection run on the hub, on the
 * stream; the device sends every unmuted sample and has no detector of its own) and volume (reply
 * volume; this wearable has no speaker, cmd/say is ignored). See README.md "cmd/config fields". */
typedef struct jarvis_settings {
  uint8_t codec;          /* JARVIS_CODEC_PCM16LE or JARVIS_CODEC_IMA_ADPCM */
  uint16_t frame_ms;      /* 10, 20 or 40 */
  uint8_t not_used;       /* JARVIS_CONFIG_* bits of the valid fields the last parse saw and left alone */
} jarvis_settings;

#define JARVIS_CONFIG_VAD_SENSITIVITY 1u /* hub: its VAD on the stream */
#define JARVIS_CONFIG_VOLUME 2u          /* speaker volume: no speaker on this device */
#define JARVIS_CONFIG_WAKE_WORD 4u       /* hub: its wake-word detector on the stream */

typedef enum jarvis_led_pattern {
  JARVIS_LED_IDLE = 0, /* no command: the LED shows "streaming and not muted" */
  JARVIS_LED_OFF,
  JARVIS_LED_SOLID,
  JARVIS_LED_PULSE,
  JARVIS_LED_SPIN,
  JARVIS_LED_BLINK
} jarvis_led_pattern;

/* A parsed cmd/led [MQTT-6.5.6]. */
typedef struct jarvis_led_command {
  jarvis_led_pattern pattern;
  uint32_t rgb;          /* 0xRRGGBB; has_color 0 keeps the LED's own color */
  int has_color;
  uint32_t duration_ms;  /* 0 = until replaced */
} jarvis_led_command;

/*
 * Parses a cmd/config payload (len bytes, not NUL-terminated) over *inout: fields present replace those
 * in *inout, absent ones keep their value, unknown ones are ignored [MQTT-6.5]. All or nothing: on an
 * error *inout is untouched, the result is JARVIS_E_BAD_PAYLOAD or JARVIS_E_TOO_LARGE, and *why (if not
 * NULL) names the field. frameMs must also fit the frame buffer at sample_rate.
 */
int jarvis_config_parse(const char *json, size_t len, uint16_t sample_rate, jarvis_settings *inout, const char **why);
/* Writes the canonical JSON of s (codec, frameMs) into out (cap bytes, NUL-terminated); returns its length
 * or negative. */
int jarvis_config_format(const jarvis_settings *s, char *out, size_t cap);
/* Parses a cmd/led payload; JARVIS_OK or JARVIS_E_BAD_PAYLOAD / JARVIS_E_TOO_LARGE with *why. */
int jarvis_led_parse(const char *json, size_t len, jarvis_led_command *out, const char **why);

typedef struct jarvis_core {
  const jarvis_hal *hal;
  jarvis_core_config cfg;
  jarvis_core_state state;
  int last_error;             /* last negative JARVIS_E_* code, 0 if none */
  jarvis_ring ring;
  /* bundle and stream */
  uint32_t device_id;
  uint8_t key[JARVIS_DEVICE_KEY_BYTES];
  jarvis_boot_state boot;
  jarvis_signer signer;
  int capturing;              /* the stream id is stored: capture and stream may run */
  uint32_t seq;
  jarvis_adpcm_state adpcm;
  /* connection */
  uint32_t attempt;
  uint32_t next_attempt_ms;
  uint32_t last_delay_ms;
  /* inputs */
  int muted, mute_raw;
  uint32_t mute_since_ms;
  int button, button_raw;
  uint32_t button_since_ms;
  int ptt, ptt_raw;
  uint32_t ptt_since_ms;
  /* cmd/config and cmd/led */
  jarvis_settings settings;
  jarvis_led_command led_cmd;   /* pattern JARVIS_LED_IDLE when none runs */
  uint32_t led_cmd_start_ms;
  uint32_t config_applied, commands_refused;
  int mute_publish_pending;
  int led;
  int32_t led_rgb;              /* the colour last given to the HAL, JARVIS_LED_DEFAULT_COLOR at first */
  /* UDP */
  uint32_t next_keepalive_ms;
  /* counters */
  uint32_t frames_sent, keepalives_sent, udp_errors, muted_discarded;
  char topic_status[JARVIS_CORE_TOPIC_BYTES];
  char topic_mute[JARVIS_CORE_TOPIC_BYTES];
  char topic_button[JARVIS_CORE_TOPIC_BYTES];
  char topic_cmd[JARVIS_CORE_TOPIC_BYTES];      /* "jarvis/v1/device/<id>/cmd/#" */
  int16_t pcm[JARVIS_CORE_MAX_FRAME_SAMPLES];
  uint8_t datagram[JARVIS_AUDIO_MAX_DATAGRAM_BYTES];
} jarvis_core;

/* Checks the config (JARVIS_E_BAD_CODEC, JARVIS_E_BAD_SAMPLE_RATE, JARVIS_E_BAD_ARGUMENT) and binds the
 * ring storage (ring_cap samples, at least one frame). Touches no hardware. */
int jarvis_core_init(jarvis_core *core, const jarvis_hal *hal, const jarvis_core_config *cfg, int16_t *ring_storage,
                     size_t ring_cap);
/* Runs one step: inputs, capture, the state machine and sending. Call every few milliseconds. */
void jarvis_core_poll(jarvis_core *core);
/*
 * Hands the core one MQTT message of its session (call it from the core's task, between polls). Applies
 * cmd/config (then stores it in NVS "jv_config", read back at the next boot) and cmd/led; ignores
 * cmd/say (no speaker). A payload over JARVIS_CORE_MQTT_MAX_PAYLOAD, not JSON, or failing the topic's
 * schema is refused, counted and logged, and changes nothing. Returns JARVIS_OK or the negative code.
 */
int jarvis_core_on_message(jarvis_core *core, const char *topic, const uint8_t *payload, size_t len);
/* Releases the signer (a clean shutdown; a device normally never calls it). */
void jarvis_core_deinit(jarvis_core *core);

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_CORE_H */
