/* The portable firmware core; see jarvis_core.h. */
#include "jarvis_core.h"

#include <stdio.h>
#include <string.h>

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

static void set_led(jarvis_core *c) {
  int on = c->state == JARVIS_STATE_STREAMING && !c->muted;
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
  jarvis_ring_init(&core->ring, ring_storage, ring_cap);
  return JARVIS_OK;
}

void jarvis_core_deinit(jarvis_core *core) {
  if (core->capturing) jarvis_signer_free(&core->signer);
  core->capturing = 0;
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
  /* The switch's position at boot is authoritative at once: a device powered on muted never sends audio. */
  c->muted = c->mute_raw = h->gpio_read(h->ctx, JARVIS_GPIO_MUTE_SWITCH) ? 1 : 0;
  c->mute_since_ms = now;
  c->capturing = 1;
  c->mute_publish_pending = 1;
  (void)snprintf(c->topic_status, sizeof c->topic_status, "jarvis/v1/device/%08lx/status", (unsigned long)c->device_id);
  (void)snprintf(c->topic_mute, sizeof c->topic_mute, "jarvis/v1/device/%08lx/state/mute", (unsigned long)c->device_id);
  (void)snprintf(c->topic_button, sizeof c->topic_button, "jarvis/v1/device/%08lx/event/button", (unsigned long)c->device_id);
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
  if (mute != c->muted) {
    c->muted = mute;
    c->mute_publish_pending = 1;
    if (mute) {
      /* Audio captured before the switch but not yet sent never leaves the device either. */
      c->muted_discarded += (uint32_t)c->ring.count;
      jarvis_ring_clear(&c->ring);
    }
    c->next_keepalive_ms = now; /* tell the gate at once */
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
                 "{\"state\":\"online\",\"kind\":\"wearable\",\"firmware\":\"jarvis-core/0.1\",\"streamId\":%lu}",
                 (unsigned long)c->boot.boot);
  if (h->mqtt_publish(h->ctx, c->topic_status, status, 1, 1) != 0) return -1;
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
    if (plen < 0 || (plen = send_frame(c, JARVIS_MESSAGE_TYPE_AUDIO, 0, c->cfg.codec, (size_t)plen, clock)) < 0) {
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
  set_led(c);
}
