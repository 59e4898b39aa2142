/* The portable firmware core; see jarvis_core.h. */
#include "jarvis_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jarvis_json.h"

/* ---- ring ---- */

void jarvis_ring_init(jarvis_ring *r, int16_t *storage, size_t cap) {
  r->buf = storage;
  r->cap = cap;
  r->head = 0;
  r->count = 0;
  r->end_clock = 0;
  r->dropped = 0;
}

void jarvis_ring_push(jarvis_ring *r, const int16_t *samples, size_t n) {
  size_t i;
  if (n > r->cap) { /* more than fits: only the newest cap samples can survive */
    size_t skip = n - r->cap;
    r->dropped += (uint32_t)(r->count + skip);
    r->end_clock += skip;
    r->head = 0;
    r->count = 0;
    samples += skip;
    n = r->cap;
  }
  if (r->count + n > r->cap) {
    size_t drop = r->count + n - r->cap;
    r->head = (r->head + drop) % r->cap;
    r->count -= drop;
    r->dropped += (uint32_t)drop;
  }
  for (i = 0; i < n; i++) r->buf[(r->head + r->count + i) % r->cap] = samples[i];
  r->count += n;
  r->end_clock += n;
}

int jarvis_ring_pop(jarvis_ring *r, int16_t *out, size_t n, uint64_t *clock) {
  size_t i;
  if (r->count < n) return 0;
  *clock = r->end_clock - r->count;
  for (i = 0; i < n; i++) out[i] = r->buf[(r->head + i) % r->cap];
  r->head = (r->head + n) % r->cap;
  r->count -= n;
  return 1;
}

void jarvis_ring_clear(jarvis_ring *r) {
  r->head = 0;
  r->count = 0;
}

void jarvis_ring_skip(jarvis_ring *r, size_t n) { r->end_clock += n; }

/* ---- backoff ---- */

uint32_t jarvis_backoff_delay(uint32_t base_ms, uint32_t cap_ms, uint32_t attempt, uint32_t rnd) {
  uint32_t d = base_ms;
  uint32_t i;
  for (i = 0; i < attempt && d < cap_ms; i++) d = d > cap_ms / 2u ? cap_ms : d * 2u;
  if (d > cap_ms) d = cap_ms;
  return d / 2u + rnd % (d / 2u + 1u);
}

/* ---- helpers ---- */

static int due(uint32_t now, uint32_t at) { return (int32_t)(now - at) >= 0; }

static int rate_ok(uint16_t rate) {
  static const uint16_t rates[] = JARVIS_SAMPLE_RATES;
  size_t i;
  for (i = 0; i < JARVIS_SAMPLE_RATE_COUNT; i++)
    if (rates[i] == rate) return 1;
  return 0;
}

static void fail(jarvis_core *c, int code) { c->last_error = code; }

static void core_log(jarvis_core *c, const char *fmt, ...) {
  char line[160];
  va_list ap;
  if (c->hal->log == NULL) return;
  va_start(ap, fmt);
  (void)vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  c->hal->log(c->hal->ctx, line);
}

/* ---- cmd/config and cmd/led payloads ---- */

/* A number 0..1 (checked to the schema; the value itself is the hub's). */
static int unit_check(const jarvis_json_span *v) {
  int64_t m;
  int exact;
  if (v->type != JARVIS_JSON_NUMBER || jarvis_json_milli(v, &m, &exact) < 0) return -1;
  if (m < 0 || m > 1000 || (m == 1000 && !exact) || (m == 0 && !exact && v->p[0] == '-')) return -1;
  return 0;
}

static int refuse(const char **why, const char *text) {
  if (why != NULL) *why = text;
  return JARVIS_E_BAD_PAYLOAD;
}

static int open_object(const char *json, size_t len, jarvis_json_iter *it, const char **why) {
  if (json == NULL && len > 0) return refuse(why, "(payload): missing");
  if (len > JARVIS_CORE_MQTT_MAX_PAYLOAD) {
    if (why != NULL) *why = "(payload): exceeds 4096 bytes";
    return JARVIS_E_TOO_LARGE;
  }
  if (json == NULL || jarvis_json_validate(json, len) != JARVIS_JSON_OBJECT || jarvis_json_object_begin(it, json, len) < 0)
    return refuse(why, "(payload): not a JSON object");
  return JARVIS_OK;
}

int jarvis_config_parse(const char *json, size_t len, uint16_t sample_rate, jarvis_settings *inout, const char **why) {
  jarvis_json_iter it;
  jarvis_json_span k, v;
  jarvis_settings next;
  int rc = open_object(json, len, &it, why);
  if (rc != JARVIS_OK) return rc;
  if (inout == NULL) return JARVIS_E_BAD_ARGUMENT;
  next = *inout;
  next.not_used = 0;
  while ((rc = jarvis_json_object_next(&it, &k, &v)) == 1) {
    if (jarvis_json_key_is(&k, "vadSensitivity")) {
      if (unit_check(&v) < 0) return refuse(why, "vadSensitivity: must be a number from 0 to 1");
      next.not_used |= JARVIS_CONFIG_VAD_SENSITIVITY;
    } else if (jarvis_json_key_is(&k, "volume")) {
      if (unit_check(&v) < 0) return refuse(why, "volume: must be a number from 0 to 1");
      next.not_used |= JARVIS_CONFIG_VOLUME;
    } else if (jarvis_json_key_is(&k, "frameMs")) {
      int64_t m;
      int exact;
      if (v.type != JARVIS_JSON_NUMBER || jarvis_json_milli(&v, &m, &exact) < 0 || !exact ||
          (m != 10000 && m != 20000 && m != 40000))
        return refuse(why, "frameMs: must be 10, 20 or 40");
      if ((uint32_t)sample_rate * (uint32_t)(m / 1000) / 1000u > JARVIS_CORE_MAX_FRAME_SAMPLES)
        return refuse(why, "frameMs: too long for the frame buffer at this sample rate");
      next.frame_ms = (uint16_t)(m / 1000);
    } else if (jarvis_json_key_is(&k, "codec")) {
      char name[8];
      if (v.type != JARVIS_JSON_STRING || jarvis_json_string(&v, name, sizeof name) < 0) return refuse(why, "codec: must be pcm16 or adpcm");
      if (strcmp(name, "pcm16") == 0) next.codec = JARVIS_CODEC_PCM16LE;
      else if (strcmp(name, "adpcm") == 0) next.codec = JARVIS_CODEC_IMA_ADPCM;
      else return refuse(why, "codec: must be pcm16 or adpcm");
    } else if (jarvis_json_key_is(&k, "wakeWord")) {
      if (v.type != JARVIS_JSON_TRUE && v.type != JARVIS_JSON_FALSE) return refuse(why, "wakeWord: must be true or false");
      next.not_used |= JARVIS_CONFIG_WAKE_WORD;
    } /* unknown fields are ignored [MQTT-6.5] */
  }
  if (rc < 0) return refuse(why, "(payload): not a JSON object");
  *inout = next;
  return JARVIS_OK;
}

int jarvis_config_format(const jarvis_settings *s, char *out, size_t cap) {
  int n = snprintf(out, cap, "{\"codec\":\"%s\",\"frameMs\":%u}", s->codec == JARVIS_CODEC_IMA_ADPCM ? "adpcm" : "pcm16",
                   (unsigned)s->frame_ms);
  return n < 0 || (size_t)n >= cap ? JARVIS_E_TOO_LARGE : n;
}

static const char *const LED_NAMES[] = {"idle", "off", "solid", "pulse", "spin", "blink"};

int jarvis_led_parse(const char *json, size_t len, jarvis_led_command *out, const char **why) {
  jarvis_json_iter it;
  jarvis_json_span k, v;
  jarvis_led_command cmd;
  int rc = open_object(json, len, &it, why), have_pattern = 0;
  if (rc != JARVIS_OK) return rc;
  if (out == NULL) return JARVIS_E_BAD_ARGUMENT;
  memset(&cmd, 0, sizeof cmd);
  while ((rc = jarvis_json_object_next(&it, &k, &v)) == 1) {
    if (jarvis_json_key_is(&k, "pattern")) {
      char name[8];
      unsigned i;
      cmd.pattern = JARVIS_LED_IDLE;
      if (v.type == JARVIS_JSON_STRING && jarvis_json_string(&v, name, sizeof name) >= 0)
        for (i = JARVIS_LED_OFF; i <= JARVIS_LED_BLINK; i++)
          if (strcmp(name, LED_NAMES[i]) == 0) cmd.pattern = (jarvis_led_pattern)i;
      if (cmd.pattern == JARVIS_LED_IDLE) return refuse(why, "pattern: must be off, solid, pulse, spin or blink");
      have_pattern = 1;
    } else if (jarvis_json_key_is(&k, "color")) {
      char text[8];
      unsigned i;
      uint32_t rgb = 0;
      if (v.type != JARVIS_JSON_STRING || jarvis_json_string(&v, text, sizeof text) != 7 || text[0] != '#')
        return refuse(why, "color: must be #rrggbb in lowercase hex");
      for (i = 1; i < 7; i++) {
        char ch = text[i];
        if (ch >= '0' && ch <= '9') rgb = rgb << 4 | (uint32_t)(ch - '0');
        else if (ch >= 'a' && ch <= 'f') rgb = rgb << 4 | (uint32_t)(ch - 'a' + 10);
        else return refuse(why, "color: must be #rrggbb in lowercase hex");
      }
      cmd.rgb = rgb;
      cmd.has_color = 1;
    } else if (jarvis_json_key_is(&k, "durationMs")) {
      int64_t m;
      int exact;
      if (v.type != JARVIS_JSON_NUMBER || jarvis_json_milli(&v, &m, &exact) < 0 || !exact || m % 1000 != 0 || m <= 0 ||
          m > (int64_t)600000 * 1000)
        return refuse(why, "durationMs: must be a whole number from 1 to 600000");
      cmd.duration_ms = (uint32_t)(m / 1000);
    }
  }
  if (rc < 0) return refuse(why, "(payload): not a JSON object");
  if (!have_pattern) return refuse(why, "pattern: required");
  *out = cmd;
  return JARVIS_OK;
}

static void schedule_retry(jarvis_core *c, uint32_t now) {
  const jarvis_hal *h = c->hal;
  c->last_delay_ms = jarvis_backoff_delay(c->cfg.backoff_base_ms, c->cfg.backoff_cap_ms, c->attempt, h->random_u32(h->ctx));
  if (c->attempt < 31u) c->attempt++;
  c->next_attempt_ms = now + c->last_delay_ms;
}

static void enter(jarvis_core *c, jarvis_core_state s, uint32_t now) {
  c->state = s;
  c->attempt = 0;
  c->next_attempt_ms = now;
}

/* The colour goes to an RGB LED through the HAL; a single-colour LED (led_color NULL) shows only the pattern. */
static void led_color(jarvis_core *c, int32_t rgb) {
  if (c->hal->led_color != NULL && rgb != c->led_rgb) c->hal->led_color(c->hal->ctx, rgb);
  c->led_rgb = rgb;
}

/* The LED: a cmd/led pattern while one runs, else on = streaming and not muted. A single LED shows the
 * patterns as blink (2 Hz), pulse (150 ms each second) and spin (one of four 100 ms steps). */
static void set_led(jarvis_core *c, uint32_t now) {
  int on = c->state == JARVIS_STATE_STREAMING && !c->muted;
  if (c->led_cmd.pattern != JARVIS_LED_IDLE && c->led_cmd.duration_ms != 0 &&
      (uint32_t)(now - c->led_cmd_start_ms) >= c->led_cmd.duration_ms) {
    core_log(c, "led: %s ended; back to the status LED", LED_NAMES[c->led_cmd.pattern]);
    c->led_cmd.pattern = JARVIS_LED_IDLE;
    led_color(c, JARVIS_LED_DEFAULT_COLOR);
  }
  if (c->led_cmd.pattern != JARVIS_LED_IDLE) {
    uint32_t t = now - c->led_cmd_start_ms;
    switch (c->led_cmd.pattern) {
      case JARVIS_LED_OFF: on = 0; break;
      case JARVIS_LED_SOLID: on = 1; break;
      case JARVIS_LED_BLINK: on = t / 250u % 2u == 0; break;
      case JARVIS_LED_PULSE: on = t % 1000u < 150u; break;
      default: on = t / 100u % 4u == 0; break; /* spin */
    }
  }
  if (on != c->led) {
    c->led = on;
    c->hal->led_set(c->hal->ctx, on);
  }
}

/* ---- init ---- */

int jarvis_core_init(jarvis_core *core, const jarvis_hal *hal, const jarvis_core_config *cfg, int16_t *ring_storage,
                     size_t ring_cap) {
  if (core == NULL || hal == NULL || cfg == NULL || ring_storage == NULL) return JARVIS_E_BAD_ARGUMENT;
  memset(core, 0, sizeof *core);
  if (cfg->codec != JARVIS_CODEC_PCM16LE && cfg->codec != JARVIS_CODEC_IMA_ADPCM) return JARVIS_E_BAD_CODEC;
  if (!rate_ok(cfg->sample_rate)) return JARVIS_E_BAD_SAMPLE_RATE;
  if (cfg->frame_samples < 2u || cfg->frame_samples % 2u != 0 || cfg->frame_samples > JARVIS_CORE_MAX_FRAME_SAMPLES ||
      ring_cap < cfg->frame_samples || cfg->backoff_base_ms == 0 || cfg->backoff_cap_ms < cfg->backoff_base_ms ||
      cfg->keepalive_ms < 5u)
    return JARVIS_E_BAD_ARGUMENT;
  core->hal = hal;
  core->cfg = *cfg;
  core->state = JARVIS_STATE_PROVISIONING;
  core->led = -1;
  core->led_rgb = JARVIS_LED_DEFAULT_COLOR;
  core->settings.codec = cfg->codec;
  core->settings.frame_ms = (uint16_t)((uint32_t)cfg->frame_samples * 1000u / cfg->sample_rate);
  jarvis_ring_init(&core->ring, ring_storage, ring_cap);
  return JARVIS_OK;
}

void jarvis_core_deinit(jarvis_core *core) {
  if (core->capturing) jarvis_signer_free(&core->signer);
  core->capturing = 0;
}

/* ---- settings ---- */

static void apply_settings(jarvis_core *c, const jarvis_settings *s) {
  c->settings = *s;
  c->cfg.codec = s->codec;
  c->cfg.frame_samples = (uint16_t)((uint32_t)c->cfg.sample_rate * s->frame_ms / 1000u);
  if (c->cfg.frame_samples % 2u != 0) c->cfg.frame_samples++; /* ADPCM needs an even count */
  if (c->cfg.frame_samples > c->ring.cap) c->cfg.frame_samples = (uint16_t)(c->ring.cap - c->ring.cap % 2u);
}

static void load_settings(jarvis_core *c) {
  const jarvis_hal *h = c->hal;
  char text[JARVIS_CORE_CONFIG_TEXT_BYTES];
  jarvis_settings s = c->settings;
  const char *why = "";
  int n = h->nvs_get(h->ctx, JARVIS_CORE_NVS_CONFIG, text, sizeof text);
  if (n < 0) return;
  if (n > (int)sizeof text || jarvis_config_parse(text, (size_t)n, c->cfg.sample_rate, &s, &why) != JARVIS_OK) {
    core_log(c, "config: the stored config is unreadable (%s); defaults kept", why);
    return;
  }
  apply_settings(c, &s);
  core_log(c, "config: stored config loaded: %.*s", n, text);
}

/* ---- provisioning and the boot counter ---- */

static void try_start(jarvis_core *c, uint32_t now) {
  const jarvis_hal *h = c->hal;
  uint8_t bundle[JARVIS_CORE_BUNDLE_BYTES];
  jarvis_boot_state stored, next;
  int have, rc;
  if (h->nvs_get(h->ctx, JARVIS_CORE_NVS_BUNDLE, bundle, sizeof bundle) != (int)sizeof bundle) {
    c->next_attempt_ms = now + 1000u; /* not provisioned yet: look again in a second */
    return;
  }
  c->device_id = (uint32_t)bundle[0] | (uint32_t)bundle[1] << 8 | (uint32_t)bundle[2] << 16 | (uint32_t)bundle[3] << 24;
  memcpy(c->key, bundle + 4, JARVIS_DEVICE_KEY_BYTES);
  have = h->nvs_get(h->ctx, JARVIS_CORE_NVS_BOOT, &stored, sizeof stored) == (int)sizeof stored;
  rc = jarvis_boot_counter_next(have ? &stored : NULL, c->key, sizeof c->key, &next);
  if (rc == JARVIS_E_BOOT_EXHAUSTED || rc == JARVIS_E_BAD_KEY) {
    fail(c, rc);
    c->state = JARVIS_STATE_FAULT;
    return;
  }
  if (rc != JARVIS_OK) {
    fail(c, rc);
    schedule_retry(c, now);
    return;
  }
  /* [UDP-2.16]: the new counter MUST be durable before any datagram carries it. */
  if (h->nvs_set(h->ctx, JARVIS_CORE_NVS_BOOT, &next, sizeof next) != 0) {
    fail(c, JARVIS_CORE_E_NVS);
    schedule_retry(c, now);
    return;
  }
  rc = jarvis_signer_init(&c->signer, c->key, sizeof c->key);
  if (rc != JARVIS_OK) {
    fail(c, rc);
    schedule_retry(c, now);
    return;
  }
  c->boot = next;
  c->seq = 0;
  load_settings(c);
  /* The switch's position at boot is authoritative at once: a device powered on muted never sends audio. */
  c->muted = c->mute_raw = h->gpio_read(h->ctx, JARVIS_GPIO_MUTE_SWITCH) ? 1 : 0;
  c->mute_since_ms = now;
  c->capturing = 1;
  c->mute_publish_pending = 1;
  (void)snprintf(c->topic_status, sizeof c->topic_status, "jarvis/v1/device/%08lx/status", (unsigned long)c->device_id);
  (void)snprintf(c->topic_mute, sizeof c->topic_mute, "jarvis/v1/device/%08lx/state/mute", (unsigned long)c->device_id);
  (void)snprintf(c->topic_button, sizeof c->topic_button, "jarvis/v1/device/%08lx/event/button", (unsigned long)c->device_id);
  (void)snprintf(c->topic_cmd, sizeof c->topic_cmd, "jarvis/v1/device/%08lx/cmd/#", (unsigned long)c->device_id);
  c->ptt = c->ptt_raw = h->gpio_read(h->ctx, JARVIS_GPIO_PTT) ? 1 : 0;
  c->ptt_since_ms = now;
  core_log(c, "boot: device %08lx stream %lu%s", (unsigned long)c->device_id, (unsigned long)c->boot.boot, c->muted ? " (switch on mute)" : "");
  enter(c, JARVIS_STATE_WIFI, now);
}

/* ---- inputs and capture ---- */

static int debounce(int raw, int *candidate, uint32_t *since, int stable, uint32_t now, uint32_t hold_ms) {
  if (raw != *candidate) {
    *candidate = raw;
    *since = now;
  }
  if (*candidate != stable && (uint32_t)(now - *since) >= hold_ms) return *candidate;
  return stable;
}

static void read_inputs(jarvis_core *c, uint32_t now) {
  const jarvis_hal *h = c->hal;
  int mute = debounce(h->gpio_read(h->ctx, JARVIS_GPIO_MUTE_SWITCH) ? 1 : 0, &c->mute_raw, &c->mute_since_ms, c->muted,
                      now, c->cfg.debounce_ms);
  int button = debounce(h->gpio_read(h->ctx, JARVIS_GPIO_BUTTON) ? 1 : 0, &c->button_raw, &c->button_since_ms,
                        c->button, now, c->cfg.debounce_ms);
  int ptt = debounce(h->gpio_read(h->ctx, JARVIS_GPIO_PTT) ? 1 : 0, &c->ptt_raw, &c->ptt_since_ms, c->ptt, now,
                     c->cfg.debounce_ms);
  if (mute != c->muted) {
    c->muted = mute;
    c->mute_publish_pending = 1;
    if (mute) {
      /* Audio captured before the switch but not yet sent never leaves the device either. */
      c->muted_discarded += (uint32_t)c->ring.count;
      jarvis_ring_clear(&c->ring);
    }
    c->next_keepalive_ms = now; /* tell the gate at once */
    core_log(c, "switch: %s", mute ? "muted" : "unmuted");
  }
  if (button != c->button) {
    c->button = button;
    if (c->state == JARVIS_STATE_STREAMING) { /* events are never retained: dropped while offline */
      (void)h->mqtt_publish(h->ctx, c->topic_button,
                            button ? "{\"button\":\"action\",\"action\":\"press\"}"
                                   : "{\"button\":\"action\",\"action\":\"release\"}",
                            1, 0);
    }
  }
  if (ptt != c->ptt) {
    c->ptt = ptt;
    if (c->state == JARVIS_STATE_STREAMING) {
      (void)h->mqtt_publish(h->ctx, c->topic_button,
                            ptt ? "{\"button\":\"ptt\",\"action\":\"press\"}" : "{\"button\":\"ptt\",\"action\":\"release\"}", 1, 0);
    }
    core_log(c, "ptt: %s", ptt ? "press" : "release");
  }
}

static void capture(jarvis_core *c) {
  const jarvis_hal *h = c->hal;
  size_t rounds = c->ring.cap / c->cfg.frame_samples + 2u; /* bounded: never spin on a chatty mic */
  while (rounds-- > 0) {
    size_t n = h->mic_read(h->ctx, c->pcm, c->cfg.frame_samples);
    if (n == 0) break;
    if (n > c->cfg.frame_samples) n = c->cfg.frame_samples;
    if (c->muted) {
      memset(c->pcm, 0, sizeof c->pcm); /* the samples are gone; only the clock moves */
      jarvis_ring_skip(&c->ring, n);
      c->muted_discarded += (uint32_t)n;
    } else {
      jarvis_ring_push(&c->ring, c->pcm, n);
    }
  }
}

/* ---- MQTT and UDP ---- */

static int publish_mute(jarvis_core *c) {
  const jarvis_hal *h = c->hal;
  int rc = h->mqtt_publish(h->ctx, c->topic_mute, c->muted ? "{\"muted\":true,\"source\":\"switch\"}" : "{\"muted\":false,\"source\":\"switch\"}", 1, 1);
  if (rc == 0) c->mute_publish_pending = 0;
  return rc;
}

static int on_mqtt_up(jarvis_core *c) {
  const jarvis_hal *h = c->hal;
  char status[128];
  (void)snprintf(status, sizeof status,
                 "{\"state\":\"online\",\"kind\":\"wearable\",\"firmware\":\"jarvis-core/0.2\",\"streamId\":%lu}",
                 (unsigned long)c->boot.boot);
  if (h->mqtt_publish(h->ctx, c->topic_status, status, 1, 1) != 0) return -1;
  if (h->mqtt_subscribe != NULL && h->mqtt_subscribe(h->ctx, c->topic_cmd, 1) != 0) return -1;
  core_log(c, "mqtt: online, stream %lu", (unsigned long)c->boot.boot);
  c->mute_publish_pending = 1; /* always restate the retained mute after a (re)connect */
  return publish_mute(c);
}

static int send_frame(jarvis_core *c, uint8_t type, uint16_t flags, uint8_t codec, size_t payload_len, uint64_t clock) {
  const jarvis_hal *h = c->hal;
  jarvis_frame_header hdr;
  int len, rc;
  hdr.version = JARVIS_AUDIO_VERSION;
  hdr.type = type;
  hdr.device_id = c->device_id;
  hdr.stream_id = c->boot.boot;
  hdr.seq = c->seq;
  hdr.timestamp = clock;
  hdr.flags = flags;
  hdr.codec = codec;
  hdr.sample_rate = c->cfg.sample_rate;
  /* The payload is already at datagram + header: encode_frame copies it onto itself (memmove-safe). */
  len = jarvis_encode_frame(&hdr, payload_len ? c->datagram + JARVIS_AUDIO_HEADER_BYTES : NULL, payload_len, c->datagram,
                            sizeof c->datagram);
  if (len < 0) return len;
  rc = jarvis_signer_sign(&c->signer, c->datagram, (size_t)len);
  if (rc < 0) return rc;
  c->seq++;
  if (h->udp_send(h->ctx, c->datagram, (size_t)len) != 0) {
    c->udp_errors++;
    return 0;
  }
  return 1;
}

static void send_audio(jarvis_core *c) {
  unsigned frames = 0;
  uint64_t clock;
  size_t n = c->cfg.frame_samples;
  /* While the switch reads "muted" but has not settled yet (mute_raw), audio is held in the ring: if the
   * mute is confirmed it is discarded with the ring, if it was a bounce it goes out late but whole. */
  while (!c->muted && !c->mute_raw && frames < JARVIS_CORE_MAX_FRAMES_PER_POLL && jarvis_ring_pop(&c->ring, c->pcm, n, &clock)) {
    uint8_t *payload = c->datagram + JARVIS_AUDIO_HEADER_BYTES;
    size_t cap = JARVIS_AUDIO_MAX_PAYLOAD_BYTES;
    int plen;
    if (c->cfg.codec == JARVIS_CODEC_IMA_ADPCM) {
      plen = jarvis_adpcm_encode(&c->adpcm, c->pcm, n, payload, cap);
    } else {
      size_t i;
      for (i = 0; i < n; i++) {
        payload[2 * i] = (uint8_t)((uint16_t)c->pcm[i] & 0xFFu);
        payload[2 * i + 1] = (uint8_t)((uint16_t)c->pcm[i] >> 8);
      }
      plen = (int)(2u * n);
    }
    if (plen < 0 || (plen = send_frame(c, JARVIS_MESSAGE_TYPE_AUDIO, c->ptt ? JARVIS_FRAME_FLAG_PTT : 0, c->cfg.codec,
                                       (size_t)plen, clock)) < 0) {
      fail(c, plen);
      return;
    }
    if (plen == 1) c->frames_sent++;
    frames++;
  }
  if (frames > 0 && !c->muted) c->next_keepalive_ms = c->hal->now_ms(c->hal->ctx) + c->cfg.keepalive_ms;
}

static void send_keepalive(jarvis_core *c, uint32_t now) {
  const jarvis_hal *h = c->hal;
  uint32_t span = c->cfg.keepalive_ms * 2u / 5u; /* 0.8x .. 1.2x */
  int rc;
  if (!due(now, c->next_keepalive_ms)) return;
  rc = send_frame(c, JARVIS_MESSAGE_TYPE_KEEPALIVE, c->muted ? JARVIS_FRAME_FLAG_MUTED : 0, JARVIS_CODEC_NONE, 0,
                  c->ring.end_clock);
  if (rc < 0) fail(c, rc);
  if (rc == 1) c->keepalives_sent++;
  c->next_keepalive_ms = now + c->cfg.keepalive_ms * 4u / 5u + h->random_u32(h->ctx) % (span + 1u);
}

/* ---- the step ---- */

void jarvis_core_poll(jarvis_core *c) {
  const jarvis_hal *h = c->hal;
  uint32_t now = h->now_ms(h->ctx);
  if (c->state == JARVIS_STATE_FAULT) return;
  if (c->state == JARVIS_STATE_PROVISIONING) {
    if (due(now, c->next_attempt_ms)) try_start(c, now);
    if (c->state == JARVIS_STATE_PROVISIONING || c->state == JARVIS_STATE_FAULT) return;
  }
  read_inputs(c, now);
  capture(c);
  if (c->state == JARVIS_STATE_STREAMING && !h->wifi_up(h->ctx)) enter(c, JARVIS_STATE_WIFI, now);
  if (c->state == JARVIS_STATE_STREAMING && !h->mqtt_up(h->ctx)) enter(c, JARVIS_STATE_MQTT, now);
  if (c->state == JARVIS_STATE_MQTT && !h->wifi_up(h->ctx)) enter(c, JARVIS_STATE_WIFI, now);
  if (c->state == JARVIS_STATE_WIFI && due(now, c->next_attempt_ms)) {
    if (h->wifi_connect(h->ctx) == 0) enter(c, JARVIS_STATE_MQTT, now);
    else schedule_retry(c, now);
  }
  if (c->state == JARVIS_STATE_MQTT && due(now, c->next_attempt_ms)) {
    if (h->mqtt_connect(h->ctx, c->topic_status) == 0 && on_mqtt_up(c) == 0) {
      enter(c, JARVIS_STATE_STREAMING, now);
      c->next_keepalive_ms = now;
    } else {
      schedule_retry(c, now);
    }
  }
  if (c->state == JARVIS_STATE_STREAMING) {
    if (c->mute_publish_pending) (void)publish_mute(c);
    send_audio(c);
    send_keepalive(c, now);
  }
  set_led(c, now);
}

/* ---- commands from the hub ---- */

int jarvis_core_on_message(jarvis_core *c, const char *topic, const uint8_t *payload, size_t len) {
  const jarvis_hal *h = c->hal;
  const char *json = (const char *)payload;
  const char *why = "";
  size_t prefix = strlen(c->topic_cmd) - 5u; /* "jarvis/v1/device/<id>/" */
  const char *name;
  int rc;
  if (!c->capturing || topic == NULL) return JARVIS_E_BAD_ARGUMENT;
  if (strncmp(topic, c->topic_cmd, prefix) != 0) {
    c->commands_refused++;
    core_log(c, "mqtt: refused a message on a topic not this device's: %.64s", topic);
    return JARVIS_E_BAD_TOPIC;
  }
  name = topic + prefix;
  if (strcmp(name, "cmd/config") == 0) {
    jarvis_settings s = c->settings;
    char text[JARVIS_CORE_CONFIG_TEXT_BYTES], stored[JARVIS_CORE_CONFIG_TEXT_BYTES];
    int n, have;
    if (len == 0) return JARVIS_OK; /* a cleared retained config: keep the settings */
    rc = jarvis_config_parse(json, len, c->cfg.sample_rate, &s, &why);
    if (rc != JARVIS_OK) {
      c->commands_refused++;
      core_log(c, "cmd/config refused: %s: %s (%lu bytes); settings unchanged", jarvis_strerror(rc), why, (unsigned long)len);
      return rc;
    }
    apply_settings(c, &s);
    c->config_applied++;
    if (s.not_used != 0)
      core_log(c, "cmd/config: left to the hub / not on this device (valid, not stored):%s%s%s",
               s.not_used & JARVIS_CONFIG_VAD_SENSITIVITY ? " vadSensitivity (hub VAD)" : "",
               s.not_used & JARVIS_CONFIG_WAKE_WORD ? " wakeWord (hub wake detector)" : "",
               s.not_used & JARVIS_CONFIG_VOLUME ? " volume (no speaker)" : "");
    n = jarvis_config_format(&c->settings, text, sizeof text);
    if (n < 0) return n;
    have = h->nvs_get(h->ctx, JARVIS_CORE_NVS_CONFIG, stored, sizeof stored);
    if (have == n && memcmp(stored, text, (size_t)n) == 0) {
      core_log(c, "cmd/config applied (unchanged): %s", text);
    } else if (h->nvs_set(h->ctx, JARVIS_CORE_NVS_CONFIG, text, (size_t)n) != 0) {
      fail(c, JARVIS_CORE_E_NVS);
      core_log(c, "cmd/config applied but NOT stored (NVS write failed): %s", text);
    } else {
      core_log(c, "cmd/config applied and stored: %s", text);
    }
    return JARVIS_OK;
  }
  if (strcmp(name, "cmd/led") == 0) {
    jarvis_led_command cmd;
    rc = jarvis_led_parse(json, len, &cmd, &why);
    if (rc != JARVIS_OK) {
      c->commands_refused++;
      core_log(c, "cmd/led refused: %s: %s (%lu bytes)", jarvis_strerror(rc), why, (unsigned long)len);
      return rc;
    }
    c->led_cmd = cmd;
    c->led_cmd_start_ms = h->now_ms(h->ctx);
    led_color(c, cmd.has_color ? (int32_t)(cmd.rgb & 0xFFFFFFu) : JARVIS_LED_DEFAULT_COLOR);
    {
      char color[48] = "", dur[24] = "until replaced";
      if (cmd.has_color)
        (void)snprintf(color, sizeof color, " color #%06lx%s", (unsigned long)(cmd.rgb & 0xFFFFFFu),
                       h->led_color == NULL ? " (single-colour LED: not shown)" : "");
      if (cmd.duration_ms) (void)snprintf(dur, sizeof dur, "for %lu ms", (unsigned long)cmd.duration_ms);
      core_log(c, "cmd/led: %s%s %s", LED_NAMES[cmd.pattern], color, dur);
    }
    set_led(c, c->led_cmd_start_ms);
    return JARVIS_OK;
  }
  if (strcmp(name, "cmd/say") == 0) {
    core_log(c, "cmd/say ignored: this device has no speaker");
    return JARVIS_OK;
  }
  c->commands_refused++;
  core_log(c, "mqtt: refused a message on unknown topic %.64s", topic);
  return JARVIS_E_BAD_TOPIC;
}
