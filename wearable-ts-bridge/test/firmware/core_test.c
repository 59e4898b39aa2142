/*
 * Unit tests of the portable firmware core (firmware/core/) against a fake HAL: a scripted clock, a
 * counting microphone (sample i has the value sample_value(i), so a frame's payload shows which samples
 * it carries), GPIO levels, links that fail on demand, and NVS that survives "reboots" (a new core on the
 * same fake). Prints "ok NAME" / "not ok NAME: where" lines, "datagram HEX" lines for the TypeScript
 * side to verify with @jarvis/protocol, "size jarvis_core BYTES", then "done PASSED FAILED"; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis_core.h"
#include "jarvis_json.h"
#include "jarvis_bundle.h"
#include "jarvis_provision.h"

/* ---- fake HAL ---- */

#define MAX_UDP 512
#define MAX_PUB 64
#define NVS_SLOTS 12

typedef struct fake {
  uint32_t now;
  uint64_t mic_next;      /* index of the next sample the mic produces */
  uint64_t mic_ready_end; /* samples produced up to here are readable */
  uint32_t rate_per_ms;   /* samples per ms the mic produces as time advances */
  int mute_level, button_level, ptt_level, led;
  unsigned led_changes;
  unsigned sub_count;
  char sub_topic[64];
  unsigned log_count;
  char last_log[200];
  int wifi_fail, wifi_link, mqtt_fail, mqtt_link;
  unsigned wifi_attempts, mqtt_attempts;
  uint32_t wifi_attempt_at[64];
  unsigned events; /* order of nvs writes and udp sends */
  unsigned udp_count;
  unsigned udp_event[MAX_UDP];
  size_t udp_len[MAX_UDP];
  uint8_t udp[MAX_UDP][JARVIS_AUDIO_MAX_DATAGRAM_BYTES];
  unsigned pub_count;
  char pub_topic[MAX_PUB][64];
  char pub_payload[MAX_PUB][160];
  int pub_retain[MAX_PUB];
  char nvs_key[NVS_SLOTS][16];
  uint8_t nvs_val[NVS_SLOTS][160];
  size_t nvs_len[NVS_SLOTS];
  int nvs_fail;
  unsigned boot_saved_event; /* event index of the last jv_boot write */
  uint32_t rng;
  /* the provisioning join check: answers join_answer after join_polls polls (0 = never answers) */
  int join_answer, join_active;
  unsigned join_polls, join_polled, join_starts, join_ends;
  char join_ssid[40], join_pass[70];
  int32_t led_rgb;
  unsigned led_color_calls;
} fake;

static int16_t sample_value(uint64_t i) { return (int16_t)(uint16_t)((i * 7u + 3u) & 0xFFFFu); }

static uint32_t f_now(void *ctx) { return ((fake *)ctx)->now; }
static size_t f_mic(void *ctx, int16_t *out, size_t max) {
  fake *f = ctx;
  size_t n = 0;
  while (n < max && f->mic_next < f->mic_ready_end) out[n++] = sample_value(f->mic_next++);
  return n;
}
static int f_gpio(void *ctx, jarvis_gpio_in pin) {
  fake *f = ctx;
  return pin == JARVIS_GPIO_MUTE_SWITCH ? f->mute_level : pin == JARVIS_GPIO_PTT ? f->ptt_level : f->button_level;
}
static void f_led(void *ctx, int on) {
  ((fake *)ctx)->led = on;
  ((fake *)ctx)->led_changes++;
}
static int f_subscribe(void *ctx, const char *topic, int qos) {
  fake *f = ctx;
  (void)qos;
  if (!f->mqtt_link) return -1;
  f->sub_count++;
  snprintf(f->sub_topic, sizeof f->sub_topic, "%s", topic);
  return 0;
}
static void f_log(void *ctx, const char *line) {
  fake *f = ctx;
  f->log_count++;
  snprintf(f->last_log, sizeof f->last_log, "%s", line);
}
static int f_wifi_connect(void *ctx) {
  fake *f = ctx;
  if (f->wifi_attempts < 64) f->wifi_attempt_at[f->wifi_attempts] = f->now;
  f->wifi_attempts++;
  if (f->wifi_fail) return -1;
  f->wifi_link = 1;
  return 0;
}
static int f_wifi_up(void *ctx) { return ((fake *)ctx)->wifi_link; }
static int f_mqtt_connect(void *ctx, const char *will) {
  fake *f = ctx;
  (void)will;
  f->mqtt_attempts++;
  if (f->mqtt_fail || !f->wifi_link) return -1;
  f->mqtt_link = 1;
  return 0;
}
static int f_mqtt_up(void *ctx) { return ((fake *)ctx)->mqtt_link; }
static int f_publish(void *ctx, const char *topic, const char *payload, int qos, int retain) {
  fake *f = ctx;
  (void)qos;
  if (!f->mqtt_link) return -1;
  if (f->pub_count < MAX_PUB) {
    snprintf(f->pub_topic[f->pub_count], 64, "%s", topic);
    snprintf(f->pub_payload[f->pub_count], 160, "%s", payload);
    f->pub_retain[f->pub_count] = retain;
  }
  f->pub_count++;
  return 0;
}
static int f_udp(void *ctx, const uint8_t *data, size_t len) {
  fake *f = ctx;
  if (f->udp_count < MAX_UDP) {
    memcpy(f->udp[f->udp_count], data, len);
    f->udp_len[f->udp_count] = len;
    f->udp_event[f->udp_count] = f->events;
  }
  f->udp_count++;
  f->events++;
  return 0;
}
static int nvs_slot(fake *f, const char *key, int create) {
  int i;
  for (i = 0; i < NVS_SLOTS; i++)
    if (f->nvs_key[i][0] && strcmp(f->nvs_key[i], key) == 0) return i;
  if (!create) return -1;
  for (i = 0; i < NVS_SLOTS; i++)
    if (!f->nvs_key[i][0]) {
      snprintf(f->nvs_key[i], 16, "%s", key);
      return i;
    }
  return -1;
}
static int f_nvs_get(void *ctx, const char *key, void *out, size_t cap) {
  fake *f = ctx;
  int i = nvs_slot(f, key, 0);
  if (i < 0) return -1;
  memcpy(out, f->nvs_val[i], f->nvs_len[i] < cap ? f->nvs_len[i] : cap);
  return (int)f->nvs_len[i];
}
static int f_nvs_set(void *ctx, const char *key, const void *data, size_t len) {
  fake *f = ctx;
  int i;
  if (f->nvs_fail) return -1;
  i = nvs_slot(f, key, 1);
  if (i < 0 || len > 160) return -1;
  memcpy(f->nvs_val[i], data, len);
  f->nvs_len[i] = len;
  if (strcmp(key, JARVIS_CORE_NVS_BOOT) == 0) f->boot_saved_event = f->events;
  f->events++;
  return 0;
}
static uint32_t f_random(void *ctx) {
  fake *f = ctx;
  f->rng = f->rng * 1664525u + 1013904223u;
  return f->rng >> 8;
}

static int f_join_start(void *ctx, const char *ssid, const char *password) {
  fake *f = ctx;
  f->join_starts++;
  f->join_active = 1;
  f->join_polled = 0;
  snprintf(f->join_ssid, sizeof f->join_ssid, "%s", ssid);
  snprintf(f->join_pass, sizeof f->join_pass, "%s", password);
  return 0;
}
static int f_join_poll(void *ctx) {
  fake *f = ctx;
  if (!f->join_active) return -99; /* polled outside a trial: a core bug */
  if (f->join_answer == 0 || ++f->join_polled < f->join_polls) return 0;
  return f->join_answer;
}
static void f_join_end(void *ctx) {
  fake *f = ctx;
  f->join_ends++;
  f->join_active = 0;
}
static void f_led_color(void *ctx, int32_t rgb) {
  fake *f = ctx;
  f->led_rgb = rgb;
  f->led_color_calls++;
}

static jarvis_hal make_hal(fake *f) {
  jarvis_hal h;
  memset(&h, 0, sizeof h);
  h.ctx = f;
  h.now_ms = f_now;
  h.mic_read = f_mic;
  h.gpio_read = f_gpio;
  h.led_set = f_led;
  h.wifi_connect = f_wifi_connect;
  h.wifi_up = f_wifi_up;
  h.mqtt_connect = f_mqtt_connect;
  h.mqtt_up = f_mqtt_up;
  h.mqtt_publish = f_publish;
  h.udp_send = f_udp;
  h.nvs_get = f_nvs_get;
  h.nvs_set = f_nvs_set;
  h.random_u32 = f_random;
  h.mqtt_subscribe = f_subscribe;
  h.log = f_log;
  h.join_start = f_join_start;
  h.join_poll = f_join_poll;
  h.join_end = f_join_end;
  h.led_color = f_led_color;
  return h;
}

static const uint8_t KEY[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
#define DEVICE_ID 0x2au

static void fake_init(fake *f, int provisioned) {
  memset(f, 0, sizeof *f);
  f->rate_per_ms = 16;
  f->rng = 12345u;
  f->join_answer = 1;
  f->join_polls = 3;
  f->led_rgb = JARVIS_LED_DEFAULT_COLOR;
  if (provisioned) {
    uint8_t bundle[JARVIS_CORE_BUNDLE_BYTES];
    bundle[0] = DEVICE_ID;
    bundle[1] = bundle[2] = bundle[3] = 0;
    memcpy(bundle + 4, KEY, 32);
    f_nvs_set(f, JARVIS_CORE_NVS_BUNDLE, bundle, sizeof bundle);
    f->events = 0;
  }
}

/* A "reboot": links drop, RAM is lost, NVS stays. */
static void fake_reboot(fake *f) {
  f->wifi_link = f->mqtt_link = 0;
  f->udp_count = 0;
  f->pub_count = 0;
  f->events = 0;
  f->mic_next = f->mic_ready_end;
}

static const jarvis_core_config CFG = {JARVIS_CODEC_PCM16LE, 16000, 320, 30, 100, 8000, 1000};

static int16_t ring_mem[16000];
static jarvis_core core;
static fake fk;
static jarvis_hal hal;

static void step(fake *f, jarvis_core *c, uint32_t ms) {
  uint32_t i;
  for (i = 0; i < ms; i++) {
    f->now++;
    f->mic_ready_end += f->rate_per_ms;
    jarvis_core_poll(c);
  }
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static unsigned type_of(unsigned i) { return fk.udp[i][3]; }
static uint32_t stream_of(unsigned i) { return rd32(fk.udp[i] + 8); }
static uint32_t seq_of(unsigned i) { return rd32(fk.udp[i] + 12); }
static uint64_t ts_of(unsigned i) { return rd64(fk.udp[i] + 16); }
static unsigned flags_of(unsigned i) { return (unsigned)(fk.udp[i][24] | fk.udp[i][25] << 8); }
static unsigned plen_of(unsigned i) { return (unsigned)(fk.udp[i][30] | fk.udp[i][31] << 8); }
static int16_t pcm_of(unsigned i, unsigned k) { return (int16_t)(uint16_t)(fk.udp[i][32 + 2 * k] | fk.udp[i][33 + 2 * k] << 8); }

static int passed, failed, cur_failed;
#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      if (!cur_failed) printf("not ok %s: %s:%d %s\n", cur_name, __FILE__, __LINE__, #cond); \
      cur_failed = 1;                                                                \
    }                                                                                \
  } while (0)
static const char *cur_name;
static void begin(const char *name) {
  cur_name = name;
  cur_failed = 0;
}
static void end(void) {
  if (cur_failed) failed++;
  else {
    passed++;
    printf("ok %s\n", cur_name);
  }
}

static void start_core(const jarvis_core_config *cfg, size_t ring_cap) {
  hal = make_hal(&fk);
  if (jarvis_core_init(&core, &hal, cfg, ring_mem, ring_cap) != JARVIS_OK) {
    printf("not ok init\n");
    exit(1);
  }
}

static unsigned count_mute_pubs(int muted) {
  unsigned i, n = 0;
  for (i = 0; i < fk.pub_count && i < MAX_PUB; i++)
    if (strstr(fk.pub_topic[i], "/state/mute") && fk.pub_retain[i] &&
        strstr(fk.pub_payload[i], muted ? "\"muted\":true" : "\"muted\":false"))
      n++;
  return n;
}

static void dump(unsigned from, unsigned to) {
  unsigned i, k;
  for (i = from; i < to && i < MAX_UDP; i++) {
    printf("datagram ");
    for (k = 0; k < fk.udp_len[i]; k++) printf("%02x", fk.udp[i][k]);
    printf("\n");
  }
}

/* ---- tests ---- */

static void test_config(void) {
  jarvis_core_config c = CFG;
  begin("config is validated");
  hal = make_hal(&fk);
  c.codec = 9;
  CHECK(jarvis_core_init(&core, &hal, &c, ring_mem, 16000) == JARVIS_E_BAD_CODEC);
  c = CFG;
  c.sample_rate = 11025;
  CHECK(jarvis_core_init(&core, &hal, &c, ring_mem, 16000) == JARVIS_E_BAD_SAMPLE_RATE);
  c = CFG;
  c.frame_samples = 321;
  CHECK(jarvis_core_init(&core, &hal, &c, ring_mem, 16000) == JARVIS_E_BAD_ARGUMENT);
  c = CFG;
  c.frame_samples = JARVIS_CORE_MAX_FRAME_SAMPLES + 2;
  CHECK(jarvis_core_init(&core, &hal, &c, ring_mem, 16000) == JARVIS_E_BAD_ARGUMENT);
  CHECK(jarvis_core_init(&core, &hal, &CFG, ring_mem, 100) == JARVIS_E_BAD_ARGUMENT); /* ring < one frame */
  CHECK(jarvis_core_init(&core, &hal, &CFG, NULL, 16000) == JARVIS_E_BAD_ARGUMENT);
  CHECK(jarvis_core_init(&core, &hal, &CFG, ring_mem, 16000) == JARVIS_OK);
  end();
}

static void test_ring(void) {
  int16_t mem[10], in[25], out[10];
  jarvis_ring r;
  uint64_t clock = 99;
  int i;
  begin("ring drops the oldest samples on overflow and counts them");
  for (i = 0; i < 25; i++) in[i] = (int16_t)(i + 1);
  jarvis_ring_init(&r, mem, 10);
  jarvis_ring_push(&r, in, 7);
  CHECK(jarvis_ring_pop(&r, out, 3, &clock) == 1 && clock == 0 && out[0] == 1 && out[2] == 3);
  jarvis_ring_push(&r, in + 7, 8); /* 4 + 8 = 12 > 10: samples 4 and 5 go */
  CHECK(r.dropped == 2 && r.count == 10);
  CHECK(jarvis_ring_pop(&r, out, 11, &clock) == 0 && r.count == 10); /* not enough: untouched */
  CHECK(jarvis_ring_pop(&r, out, 10, &clock) == 1 && clock == 5);
  for (i = 0; i < 10; i++) CHECK(out[i] == i + 6);
  jarvis_ring_push(&r, in, 25); /* more than the capacity at once: the newest 10 survive */
  CHECK(r.dropped == 17 && r.count == 10);
  CHECK(jarvis_ring_pop(&r, out, 10, &clock) == 1 && clock == 30 && out[0] == 16 && out[9] == 25);
  jarvis_ring_skip(&r, 5);
  jarvis_ring_push(&r, in, 2);
  CHECK(jarvis_ring_pop(&r, out, 2, &clock) == 1 && clock == 45);
  end();
}

static void test_backoff(void) {
  uint32_t a, prev_gap = 0;
  unsigned i;
  int grew = 1;
  begin("backoff doubles with jitter and never passes the cap");
  for (a = 0; a < 40; a++) {
    uint32_t d = 100u;
    uint32_t k;
    for (k = 0; k < a && d < 8000u; k++) d = d * 2u > 8000u ? 8000u : d * 2u;
    CHECK(jarvis_backoff_delay(100, 8000, a, 0) == d / 2u);
    CHECK(jarvis_backoff_delay(100, 8000, a, 0xFFFFFFFFu) <= 8000u);
    CHECK(jarvis_backoff_delay(100, 8000, a, d / 2u) == d);
  }
  CHECK(jarvis_backoff_delay(100, 8000, 0xFFFFFFFFu, 7) <= 8000u);
  /* In the core: Wi-Fi keeps failing; the gaps between attempts grow, then stay within [cap/2, cap]. */
  fake_init(&fk, 1);
  fk.wifi_fail = 1;
  start_core(&CFG, 16000);
  step(&fk, &core, 120000);
  CHECK(core.state == JARVIS_STATE_WIFI);
  CHECK(fk.wifi_attempts >= 18 && fk.wifi_attempts < 40);
  for (i = 1; i < fk.wifi_attempts && i < 64; i++) {
    uint32_t gap = fk.wifi_attempt_at[i] - fk.wifi_attempt_at[i - 1];
    CHECK(gap <= 8000u + 1u);
    if (i == 1) CHECK(gap >= 50u && gap <= 101u);
    if (i >= 8) CHECK(gap >= 4000u);
    if (i < 6 && gap + 1u < prev_gap / 2u) grew = 0;
    prev_gap = gap;
  }
  CHECK(grew);
  CHECK(fk.udp_count == 0);
  /* Jitter: the capped gaps are not all equal. */
  CHECK(fk.wifi_attempt_at[12] - fk.wifi_attempt_at[11] != fk.wifi_attempt_at[13] - fk.wifi_attempt_at[12] ||
        fk.wifi_attempt_at[13] - fk.wifi_attempt_at[12] != fk.wifi_attempt_at[14] - fk.wifi_attempt_at[13]);
  end();
}

static void test_provisioning(void) {
  begin("an unprovisioned device waits in PROVISIONING and sends nothing");
  fake_init(&fk, 0);
  start_core(&CFG, 16000);
  step(&fk, &core, 5000);
  CHECK(core.state == JARVIS_STATE_PROVISIONING);
  CHECK(fk.wifi_attempts == 0 && fk.udp_count == 0 && fk.pub_count == 0);
  CHECK(nvs_slot(&fk, JARVIS_CORE_NVS_BOOT, 0) < 0);
  end();
}

static void test_boot_counter(void) {
  unsigned i;
  uint32_t boot;
  begin("boot counter is stored before the first frame and rises across reboots");
  fake_init(&fk, 1);
  for (boot = 1; boot <= 3; boot++) {
    jarvis_boot_state st;
    start_core(&CFG, 16000);
    step(&fk, &core, 500);
    CHECK(core.state == JARVIS_STATE_STREAMING);
    CHECK(fk.udp_count > 5);
    CHECK(f_nvs_get(&fk, JARVIS_CORE_NVS_BOOT, &st, sizeof st) == (int)sizeof st && st.boot == boot);
    CHECK(fk.boot_saved_event < fk.udp_event[0]);
    for (i = 0; i < fk.udp_count && i < MAX_UDP; i++) CHECK(stream_of(i) == boot && seq_of(i) == i);
    if (boot == 1) CHECK(strstr(fk.pub_payload[0], "\"streamId\":1") != NULL && fk.pub_retain[0]);
    jarvis_core_deinit(&core);
    fake_reboot(&fk);
  }
  /* The store fails: no datagram leaves until it succeeds. */
  fk.nvs_fail = 1;
  i = fk.wifi_attempts;
  start_core(&CFG, 16000);
  step(&fk, &core, 3000);
  CHECK(core.state == JARVIS_STATE_PROVISIONING && fk.udp_count == 0 && fk.wifi_attempts == i);
  CHECK(core.last_error == JARVIS_CORE_E_NVS);
  fk.nvs_fail = 0;
  step(&fk, &core, 10000);
  CHECK(core.state == JARVIS_STATE_STREAMING && fk.udp_count > 0 && stream_of(0) == 4);
  jarvis_core_deinit(&core);
  end();
}

static void test_boot_exhausted(void) {
  jarvis_boot_state st;
  begin("an exhausted boot counter is a FAULT and nothing is sent");
  fake_init(&fk, 1);
  CHECK(jarvis_key_id(KEY, 32, st.key_id) == JARVIS_OK);
  st.boot = JARVIS_BOOT_COUNTER_MAX;
  f_nvs_set(&fk, JARVIS_CORE_NVS_BOOT, &st, sizeof st);
  start_core(&CFG, 16000);
  step(&fk, &core, 3000);
  CHECK(core.state == JARVIS_STATE_FAULT && core.last_error == JARVIS_E_BOOT_EXHAUSTED);
  CHECK(fk.udp_count == 0 && fk.wifi_attempts == 0);
  end();
}

static void test_mute(void) {
  unsigned i, first_muted, last_audio_before = 0, unmute_from, ka = 0;
  uint32_t prev_ka_ts = 0;
  int bounced;
  begin("mute switch is debounced, stops every sample at the device, and is published retained");
  fake_init(&fk, 1);
  start_core(&CFG, 16000);
  step(&fk, &core, 300);
  CHECK(core.state == JARVIS_STATE_STREAMING && fk.led == 1);
  CHECK(count_mute_pubs(0) == 1 && count_mute_pubs(1) == 0);
  /* Contact bounce shorter than the debounce: no transition. */
  for (bounced = 0; bounced < 10; bounced++) {
    fk.mute_level = !fk.mute_level;
    step(&fk, &core, 2);
  }
  fk.mute_level = 0;
  step(&fk, &core, 100);
  CHECK(!core.muted && count_mute_pubs(1) == 0);
  for (i = 0; i < fk.udp_count; i++) CHECK((flags_of(i) & JARVIS_FRAME_FLAG_MUTED) == 0);
  /* A real press: muted after the debounce time. */
  fk.mute_level = 1;
  i = fk.udp_count;
  step(&fk, &core, 29);
  CHECK(!core.muted);
  for (; i < fk.udp_count; i++) CHECK(type_of(i) != JARVIS_MESSAGE_TYPE_AUDIO); /* held while settling */
  for (i = 0; i < fk.udp_count; i++)
    if (type_of(i) == JARVIS_MESSAGE_TYPE_AUDIO) last_audio_before = i;
  first_muted = fk.udp_count; /* from the poll that sees the switch settle, only MUTED keep-alives */
  step(&fk, &core, 2);
  CHECK(core.muted && count_mute_pubs(1) == 1 && fk.led == 0);
  CHECK(fk.udp_count == first_muted + 1); /* the gate is told at once */
  step(&fk, &core, 5000);
  CHECK(fk.udp_count > first_muted);
  for (i = first_muted; i < fk.udp_count && i < MAX_UDP; i++) {
    CHECK(type_of(i) == JARVIS_MESSAGE_TYPE_KEEPALIVE);
    CHECK(flags_of(i) & JARVIS_FRAME_FLAG_MUTED);
    CHECK(plen_of(i) == 0 && fk.udp[i][26] == JARVIS_CODEC_NONE);
    CHECK(ts_of(i) >= prev_ka_ts); /* the sample clock keeps running while muted */
    prev_ka_ts = (uint32_t)ts_of(i);
    ka++;
  }
  CHECK(ka >= 5 && ka <= 7); /* one at once, then every 0.8-1.2 s over 5 s */
  CHECK(core.muted_discarded >= 5000u * 16u);
  CHECK(fk.mic_next + 16 >= fk.mic_ready_end); /* the mic is drained (read and dropped), not left to overflow */
  CHECK(core.ring.count == 0);
  /* Unmute: audio resumes on the sample clock, with the samples captured after the unmute. */
  fk.mute_level = 0;
  step(&fk, &core, 31);
  CHECK(!core.muted && count_mute_pubs(0) == 2);
  unmute_from = fk.udp_count;
  step(&fk, &core, 200);
  for (i = unmute_from; i < fk.udp_count; i++)
    if (type_of(i) == JARVIS_MESSAGE_TYPE_AUDIO) break;
  CHECK(i < fk.udp_count);
  if (i < fk.udp_count) {
    CHECK(ts_of(i) > ts_of(last_audio_before) + 5000u * 16u);
    CHECK(pcm_of(i, 0) == sample_value(ts_of(i)) && pcm_of(i, 319) == sample_value(ts_of(i) + 319));
    CHECK((flags_of(i) & JARVIS_FRAME_FLAG_MUTED) == 0);
  }
  dump(first_muted - 2, first_muted + 2);
  dump(i, i + 1);
  jarvis_core_deinit(&core);
  end();
}

static void test_boot_muted(void) {
  unsigned i;
  begin("a device powered on with the switch on never sends audio");
  fake_init(&fk, 1);
  fk.mute_level = 1;
  start_core(&CFG, 16000);
  step(&fk, &core, 3000);
  CHECK(core.state == JARVIS_STATE_STREAMING && core.muted && fk.udp_count >= 3);
  for (i = 0; i < fk.udp_count; i++) CHECK(type_of(i) == JARVIS_MESSAGE_TYPE_KEEPALIVE && (flags_of(i) & JARVIS_FRAME_FLAG_MUTED));
  CHECK(count_mute_pubs(1) == 1 && count_mute_pubs(0) == 0 && fk.led == 0);
  jarvis_core_deinit(&core);
  end();
}

static void test_overflow_across_outage(void) {
  unsigned i, k, audio = 0;
  uint64_t expect;
  begin("a Wi-Fi outage fills the ring; the oldest audio is dropped and counted; the stream id stays");
  fake_init(&fk, 1);
  start_core(&CFG, 4800); /* 300 ms at 16 kHz */
  step(&fk, &core, 200);
  CHECK(core.state == JARVIS_STATE_STREAMING);
  fk.udp_count = 0;
  fk.wifi_link = fk.mqtt_link = 0;
  fk.wifi_fail = 1;
  step(&fk, &core, 1000); /* 16000 samples into a 4800-sample ring */
  CHECK(core.state == JARVIS_STATE_WIFI && fk.udp_count == 0);
  CHECK(core.ring.count == 4800 && core.ring.dropped >= 16000u - 4800u - 320u);
  fk.wifi_fail = 0;
  step(&fk, &core, 20000);
  CHECK(core.state == JARVIS_STATE_STREAMING && fk.udp_count > 0);
  expect = ts_of(0);
  for (i = 0; i < fk.udp_count && i < 40; i++) {
    CHECK(stream_of(i) == 1);
    if (type_of(i) != JARVIS_MESSAGE_TYPE_AUDIO) continue;
    CHECK(ts_of(i) == expect); /* the oldest survivors first, then contiguous */
    for (k = 0; k < 320; k += 53) CHECK(pcm_of(i, k) == sample_value(ts_of(i) + k));
    expect += 320;
    audio++;
  }
  CHECK(audio > 10);
  /* What was dropped is exactly the gap: samples before the first frame sent after the outage. */
  CHECK(seq_of(0) > 0);
  end();
  jarvis_core_deinit(&core);
}

static void test_adpcm_and_button(void) {
  jarvis_core_config c = CFG;
  unsigned i, n = 0;
  begin("ADPCM frames and button events");
  c.codec = JARVIS_CODEC_IMA_ADPCM;
  fake_init(&fk, 1);
  start_core(&c, 16000);
  step(&fk, &core, 300);
  for (i = 0; i < fk.udp_count; i++)
    if (type_of(i) == JARVIS_MESSAGE_TYPE_AUDIO) {
      CHECK(fk.udp[i][26] == JARVIS_CODEC_IMA_ADPCM && plen_of(i) == 4 + 160);
      n++;
    }
  CHECK(n >= 10);
  fk.button_level = 1;
  step(&fk, &core, 40);
  fk.button_level = 0;
  step(&fk, &core, 40);
  n = 0;
  for (i = 0; i < fk.pub_count; i++)
    if (strstr(fk.pub_topic[i], "jarvis/v1/device/0000002a/event/button") && !fk.pub_retain[i]) n++;
  CHECK(n == 2);
  dump(1, 3);
  jarvis_core_deinit(&core);
  end();
}


/* ---- commands, PTT and the JSON reader ---- */

static int cfg_ok(const char *json, jarvis_settings *s) { return jarvis_config_parse(json, strlen(json), 16000, s, NULL); }

static void test_json_malformed(void) {
  static const char *const bad[] = {
    "", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,\"a\":1}", "{\"a\":1 \"b\":2}", "{'a':1}", "{a:1}",
    "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":nul}",
    "{\"a\":\"x}", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}", "{\"a\":[1,2}", "{\"a\":[1,,2]}",
    "{\"a\":1}}", "{\"a\":1} x", "{\"a\":1}{}", "[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]", "\"\xff\"", "{\"a\":\"\xc0\xaf\"}",
    "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xe2\x82\"}", "nul", "{\"a\":NaN}", "{\"a\":Infinity}"};
  static const char deep_ok[] = "[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]";
  unsigned i;
  jarvis_json_iter it;
  jarvis_json_span k, v;
  char out[8];
  int64_t m;
  int exact;
  begin("the JSON reader refuses malformed input and reads valid input exactly");
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (jarvis_json_validate(bad[i], strlen(bad[i])) != -1) printf("# accepted: %s\n", bad[i]);
    CHECK(jarvis_json_validate(bad[i], strlen(bad[i])) == -1);
  }
  CHECK(jarvis_json_validate(deep_ok, strlen(deep_ok)) == JARVIS_JSON_ARRAY); /* 16 levels: the limit */
  CHECK(jarvis_json_validate(" {\"a\" : [1, {\"b\": null}, \"\\u00e9\\ud83d\\ude00\"], \"c\": -0.5e+1 } ", 62) == JARVIS_JSON_OBJECT);
  CHECK(jarvis_json_validate("{\"a\":1}", 4) == -1); /* the length counts, not a NUL */
  CHECK(jarvis_json_object_begin(&it, "{\"k\":\"\\u00e9\\\"x\",\"n\":12.5e-1}", 30) == 0);
  CHECK(jarvis_json_object_next(&it, &k, &v) == 1 && jarvis_json_key_is(&k, "k") && v.type == JARVIS_JSON_STRING);
  CHECK(jarvis_json_string(&v, out, sizeof out) == 4 && memcmp(out, "\xc3\xa9\"x", 4) == 0);
  CHECK(jarvis_json_string(&v, out, 4) == -1); /* does not fit */
  CHECK(jarvis_json_object_next(&it, &k, &v) == 1 && jarvis_json_milli(&v, &m, &exact) == 0 && m == 1250 && exact);
  CHECK(jarvis_json_object_next(&it, &k, &v) == 0);
  v.p = "0.0015"; v.n = 6; v.type = JARVIS_JSON_NUMBER;
  CHECK(jarvis_json_milli(&v, &m, &exact) == 0 && m == 1 && !exact);
  v.p = "1e999999999"; v.n = 11;
  CHECK(jarvis_json_milli(&v, &m, &exact) == 0 && m == ((int64_t)1 << 62));
  v.p = "12x"; v.n = 3;
  CHECK(jarvis_json_milli(&v, &m, &exact) == -1);
  end();
}

static void test_cmd_config(void) {
  static const char *const refused[] = {
    "{\"frameMs\":30}", "{\"frameMs\":20.5}", "{\"frameMs\":\"20\"}", "{\"codec\":\"opus\"}", "{\"codec\":1}",
    "{\"vadSensitivity\":1.0001}", "{\"vadSensitivity\":-0.1}", "{\"volume\":2}", "{\"volume\":null}", "{\"wakeWord\":1}",
    "[]", "\"codec\"", "{\"codec\":\"adpcm\"", "{\"codec\":\"adpcm\",\"frameMs\":30}", "not json"};
  jarvis_settings s;
  char big[JARVIS_CORE_MQTT_MAX_PAYLOAD + 2], text[JARVIS_CORE_CONFIG_TEXT_BYTES];
  const char *why = NULL;
  unsigned i, refused_before;
  uint32_t stream;
  int n;
  begin("cmd/config is applied and stored; bad and oversized payloads are refused, logged and change nothing");
  memset(&s, 0, sizeof s);
  s.codec = JARVIS_CODEC_PCM16LE;
  s.frame_ms = 20;
  CHECK(cfg_ok("{\"codec\":\"adpcm\",\"frameMs\":40,\"vadSensitivity\":0.25,\"volume\":1,\"wakeWord\":true,\"future\":{\"x\":[1]}}", &s) == 0);
  /* The hub's fields (and the speaker's) are checked and flagged, never kept. */
  CHECK(s.codec == JARVIS_CODEC_IMA_ADPCM && s.frame_ms == 40 &&
        s.not_used == (JARVIS_CONFIG_VAD_SENSITIVITY | JARVIS_CONFIG_VOLUME | JARVIS_CONFIG_WAKE_WORD));
  CHECK(cfg_ok("{\"wakeWord\":false}", &s) == 0 && s.not_used == JARVIS_CONFIG_WAKE_WORD && s.codec == JARVIS_CODEC_IMA_ADPCM);
  CHECK(cfg_ok("{}", &s) == 0 && s.frame_ms == 40 && s.not_used == 0); /* absent fields keep their value */
  for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    jarvis_settings before = s;
    CHECK(jarvis_config_parse(refused[i], strlen(refused[i]), 16000, &s, &why) == JARVIS_E_BAD_PAYLOAD);
    CHECK(memcmp(&before, &s, sizeof s) == 0);
  }
  CHECK(jarvis_config_parse("{\"frameMs\":40}", 14, 48000, &s, &why) == JARVIS_E_BAD_PAYLOAD && strstr(why, "frameMs"));
  memset(big, ' ', sizeof big);
  big[0] = '{';
  big[sizeof big - 1] = '}';
  CHECK(jarvis_config_parse(big, sizeof big, 16000, &s, &why) == JARVIS_E_TOO_LARGE);
  CHECK(jarvis_config_parse(big, JARVIS_CORE_MQTT_MAX_PAYLOAD, 16000, &s, &why) == JARVIS_E_BAD_PAYLOAD); /* cut: not an object */
  n = jarvis_config_format(&s, text, sizeof text);
  CHECK(n > 0 && strcmp(text, "{\"codec\":\"adpcm\",\"frameMs\":40}") == 0);

  /* In the core: a streaming device gets commands on its own cmd/# subscription. */
  fake_init(&fk, 1);
  start_core(&CFG, 16000);
  step(&fk, &core, 200);
  CHECK(core.state == JARVIS_STATE_STREAMING && fk.sub_count == 1 && strcmp(fk.sub_topic, "jarvis/v1/device/0000002a/cmd/#") == 0);
  stream = core.boot.boot;
#define MSG(topic, json) jarvis_core_on_message(&core, topic, (const uint8_t *)(json), strlen(json))
  refused_before = core.commands_refused;
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/config", "{\"frameMs\":\"forty\"}") == JARVIS_E_BAD_PAYLOAD);
  CHECK(strstr(fk.last_log, "cmd/config refused: JARVIS_PROTO_BAD_PAYLOAD: frameMs") != NULL);
  CHECK(jarvis_core_on_message(&core, "jarvis/v1/device/0000002a/cmd/config", (const uint8_t *)big, sizeof big) == JARVIS_E_TOO_LARGE);
  CHECK(strstr(fk.last_log, "JARVIS_PROTO_TOO_LARGE") != NULL);
  CHECK(MSG("jarvis/v1/device/0000002b/cmd/config", "{\"frameMs\":40}") == JARVIS_E_BAD_TOPIC);
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/reboot", "{}") == JARVIS_E_BAD_TOPIC);
  CHECK(core.commands_refused == refused_before + 4 && core.cfg.frame_samples == 320 && core.cfg.codec == JARVIS_CODEC_PCM16LE);
  CHECK(f_nvs_get(&fk, JARVIS_CORE_NVS_CONFIG, text, sizeof text) < 0); /* nothing stored by a refusal */
  step(&fk, &core, 100);
  CHECK(core.state == JARVIS_STATE_STREAMING); /* still running */
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/config", "{\"codec\":\"adpcm\",\"frameMs\":40,\"vadSensitivity\":0.9,\"volume\":0.1}") == JARVIS_OK);
  CHECK(core.cfg.frame_samples == 640 && core.cfg.codec == JARVIS_CODEC_IMA_ADPCM && core.config_applied == 1);
  n = f_nvs_get(&fk, JARVIS_CORE_NVS_CONFIG, text, sizeof text);
  CHECK(n == 30 && memcmp(text, "{\"codec\":\"adpcm\",\"frameMs\":40}", 30) == 0); /* only what the device uses */
  fk.udp_count = 0;
  step(&fk, &core, 200);
  for (i = 0; i < fk.udp_count; i++)
    if (type_of(i) == JARVIS_MESSAGE_TYPE_AUDIO) CHECK(fk.udp[i][26] == JARVIS_CODEC_IMA_ADPCM && plen_of(i) == 4 + 320);
  CHECK(fk.udp_count >= 3);
  jarvis_core_deinit(&core);
  /* A reboot reads the stored config back; a stream id rises as ever. */
  fake_reboot(&fk);
  start_core(&CFG, 16000);
  step(&fk, &core, 200);
  CHECK(core.boot.boot == stream + 1 && core.cfg.frame_samples == 640 && core.cfg.codec == JARVIS_CODEC_IMA_ADPCM);
  jarvis_core_deinit(&core);
  /* A config stored by the earlier firmware (with the hub's fields) still loads. */
  fake_reboot(&fk);
  {
    static const char old_cfg[] = "{\"codec\":\"pcm16\",\"frameMs\":10,\"vadSensitivity\":0.500,\"volume\":0.800,\"wakeWord\":false}";
    f_nvs_set(&fk, JARVIS_CORE_NVS_CONFIG, old_cfg, strlen(old_cfg));
  }
  start_core(&CFG, 16000);
  step(&fk, &core, 200);
  CHECK(core.cfg.frame_samples == 160 && core.cfg.codec == JARVIS_CODEC_PCM16LE && core.state == JARVIS_STATE_STREAMING);
  jarvis_core_deinit(&core);
  /* A corrupt stored config is ignored (logged), the defaults stay. */
  fake_reboot(&fk);
  f_nvs_set(&fk, JARVIS_CORE_NVS_CONFIG, "{\"frameMs\":", 11);
  start_core(&CFG, 16000);
  step(&fk, &core, 200);
  CHECK(core.cfg.frame_samples == 320 && core.state == JARVIS_STATE_STREAMING);
  jarvis_core_deinit(&core);
  end();
}

static void test_cmd_led(void) {
  static const char *const refused[] = {"{}", "{\"pattern\":\"rainbow\"}", "{\"pattern\":1}", "{\"pattern\":\"blink\",\"color\":\"#00FF00\"}",
                                        "{\"pattern\":\"blink\",\"color\":\"00ff00\"}", "{\"pattern\":\"blink\",\"durationMs\":0}",
                                        "{\"pattern\":\"blink\",\"durationMs\":600001}", "{\"pattern\":\"blink\",\"durationMs\":1.5}", "{\"pattern\":"};
  jarvis_led_command cmd;
  unsigned i, changes;
  begin("cmd/led patterns drive the LED, end after their duration, and bad ones are refused");
  for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
    CHECK(jarvis_led_parse(refused[i], strlen(refused[i]), &cmd, NULL) == JARVIS_E_BAD_PAYLOAD);
  {
    static const char ok[] = "{\"pattern\":\"pulse\",\"color\":\"#00ff7f\",\"durationMs\":600000}";
    CHECK(jarvis_led_parse(ok, strlen(ok), &cmd, NULL) == JARVIS_OK);
  }
  CHECK(cmd.pattern == JARVIS_LED_PULSE && cmd.has_color && cmd.rgb == 0x00ff7fu && cmd.duration_ms == 600000u);
  fake_init(&fk, 1);
  start_core(&CFG, 16000);
  step(&fk, &core, 200);
  CHECK(fk.led == 1); /* streaming, not muted */
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/led", "{\"pattern\":\"off\"}") == JARVIS_OK && fk.led == 0);
  step(&fk, &core, 3000);
  CHECK(fk.led == 0); /* until replaced */
  changes = fk.led_changes;
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/led", "{\"pattern\":\"blink\",\"durationMs\":2000}") == JARVIS_OK);
  CHECK(strstr(fk.last_log, "cmd/led: blink for 2000 ms") != NULL);
  CHECK(fk.led_color_calls == 0); /* no colour asked: the LED keeps its own */
  step(&fk, &core, 1990);
  CHECK(fk.led_changes - changes >= 7 && fk.led_changes - changes <= 9); /* 2 Hz for 2 s */
  step(&fk, &core, 20);
  CHECK(fk.led == 1 && strstr(fk.last_log, "back to the status LED") != NULL);
  /* A colour goes to an RGB LED through the HAL, and back to the default when the pattern ends. */
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/led", "{\"pattern\":\"solid\",\"color\":\"#00ff7f\",\"durationMs\":500}") == JARVIS_OK);
  CHECK(fk.led_rgb == 0x00ff7f && fk.led_color_calls == 1 && fk.led == 1);
  step(&fk, &core, 510);
  CHECK(fk.led_rgb == JARVIS_LED_DEFAULT_COLOR && fk.led_color_calls == 2);
  /* A single-colour LED (no led_color in the HAL) shows the pattern and says the colour is not shown. */
  hal.led_color = NULL;
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/led", "{\"pattern\":\"solid\",\"color\":\"#ff0000\",\"durationMs\":100}") == JARVIS_OK);
  CHECK(strstr(fk.last_log, "color #ff0000 (single-colour LED: not shown)") != NULL && fk.led_color_calls == 2);
  step(&fk, &core, 110);
  hal.led_color = f_led_color;
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/led", "{\"pattern\":\"solid\",\"color\":\"#zzzzzz\"}") == JARVIS_E_BAD_PAYLOAD);
  CHECK(fk.led == 1);
  CHECK(MSG("jarvis/v1/device/0000002a/cmd/say", "{\"text\":\"hi\"}") == JARVIS_OK && strstr(fk.last_log, "no speaker"));
  jarvis_core_deinit(&core);
  end();
}

static void test_ptt(void) {
  unsigned i, press = 0, release = 0, flagged = 0, plain = 0;
  begin("push-to-talk is published as press/release events and flags the audio it covers");
  fake_init(&fk, 1);
  start_core(&CFG, 16000);
  step(&fk, &core, 200);
  fk.udp_count = 0;
  fk.ptt_level = 1;
  step(&fk, &core, 300);
  fk.ptt_level = 0;
  step(&fk, &core, 300);
  for (i = 0; i < fk.pub_count && i < MAX_PUB; i++) {
    if (strstr(fk.pub_topic[i], "/event/button") && strstr(fk.pub_payload[i], "\"button\":\"ptt\",\"action\":\"press\"") && !fk.pub_retain[i]) press++;
    if (strstr(fk.pub_topic[i], "/event/button") && strstr(fk.pub_payload[i], "\"button\":\"ptt\",\"action\":\"release\"")) release++;
  }
  CHECK(press == 1 && release == 1);
  for (i = 0; i < fk.udp_count; i++)
    if (type_of(i) == JARVIS_MESSAGE_TYPE_AUDIO) {
      if (flags_of(i) & JARVIS_FRAME_FLAG_PTT) flagged++;
      else plain++;
    }
  CHECK(flagged >= 10 && plain >= 10);
  jarvis_core_deinit(&core);
  end();
}

/* ---- bundle and serial provisioning ---- */

#define GOOD_BUNDLE \
  "{\"version\":1,\"deviceId\":\"0000002a\",\"name\":\"w\",\"area\":\"Lab\",\"kind\":\"wearable\"," \
  "\"key\":\"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\"," \
  "\"mqtt\":{\"url\":\"mqtt://192.168.1.10:1883\",\"username\":\"device-0000002a\",\"password\":\"pw-secret\"}," \
  "\"hub\":{\"udp\":\"192.168.1.10:7000\",\"http\":\"http://192.168.1.10:8080\"}}"

static void test_bundle(void) {
  static const char *const bad[] = {
    "{}", "[]", "{\"version\":1}", GOOD_BUNDLE "x",
    "{\"version\":2,\"deviceId\":\"0000002a\"}",
    "{\"version\":1,\"deviceId\":\"0000002A\",\"kind\":\"wearable\"}",
    "{\"version\":1,\"deviceId\":\"0000002a\",\"kind\":\"wearable\",\"key\":\"0102\"}"};
  jarvis_bundle b;
  const char *why = NULL;
  char host[32];
  int port = 0;
  unsigned i;
  begin("the device bundle is read and checked field by field");
  CHECK(jarvis_bundle_parse(GOOD_BUNDLE, strlen(GOOD_BUNDLE), &b, &why) == 0);
  CHECK(b.device_id == 0x2au && strcmp(b.device_id_text, "0000002a") == 0 && memcmp(b.key, KEY, 32) == 0);
  CHECK(strcmp(b.mqtt_url, "mqtt://192.168.1.10:1883") == 0 && strcmp(b.username, "device-0000002a") == 0 && strcmp(b.hub_udp, "192.168.1.10:7000") == 0);
  jarvis_bundle_wipe(&b);
  CHECK(b.key[0] == 0 && b.password[0] == 0);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK(jarvis_bundle_parse(bad[i], strlen(bad[i]), &b, &why) == -1 && why != NULL);
  {
    static const char sat[] = "{\"version\":1,\"deviceId\":\"0000002a\",\"kind\":\"satellite\",\"key\":\"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\"}";
    CHECK(jarvis_bundle_parse(sat, strlen(sat), &b, &why) == -1 && strstr(why, "kind") != NULL);
  }
  {
    /* hub.http (the Improv redirect URL's base) must be an http(s) URL. */
    static char no_http[sizeof GOOD_BUNDLE + 8];
    char *at;
    snprintf(no_http, sizeof no_http, "%s", GOOD_BUNDLE);
    at = strstr(no_http, "http://192");
    memcpy(at, "ftp:", 4);
    CHECK(jarvis_bundle_parse(no_http, strlen(no_http), &b, &why) == -1 && strstr(why, "hub.http") != NULL);
    CHECK(jarvis_bundle_parse(GOOD_BUNDLE, strlen(GOOD_BUNDLE), &b, &why) == 0 && strcmp(b.hub_http, "http://192.168.1.10:8080") == 0);
    jarvis_bundle_wipe(&b);
  }
  CHECK(jarvis_split_host_port("[fe80::1]:7000", host, sizeof host, &port) == 0 && strcmp(host, "fe80::1") == 0 && port == 7000);
  CHECK(jarvis_split_host_port("h:0", host, sizeof host, &port) == -1 && jarvis_split_host_port("h:65536", host, sizeof host, &port) == -1);
  CHECK(jarvis_split_host_port("a:b:1", host, sizeof host, &port) == -1 && jarvis_split_host_port(":1", host, sizeof host, &port) == -1);
  CHECK(jarvis_split_host_port("h:1x", host, sizeof host, &port) == -1 && jarvis_split_host_port("h:", host, sizeof host, &port) == -1);
  end();
}

static char prov_out[4096];
static size_t prov_out_len;
static void prov_write(void *ctx, const uint8_t *data, size_t len) {
  (void)ctx;
  if (prov_out_len + len < sizeof prov_out) {
    memcpy(prov_out + prov_out_len, data, len);
    prov_out_len += len;
    prov_out[prov_out_len] = '\0';
  }
}
static jarvis_prov prov;

/* Sends "JVP1 <body> *<crc>\n" (crc_delta != 0 damages the checksum). */
static void prov_line(const char *body, uint32_t crc_delta) {
  static char line[JARVIS_PROV_LINE_MAX + 32];
  int n = snprintf(line, sizeof line, "%s *%08lx\n", body, (unsigned long)(jarvis_crc32((const uint8_t *)body, strlen(body)) ^ crc_delta));
  prov_out_len = 0;
  prov_out[0] = '\0';
  jarvis_prov_feed(&prov, (const uint8_t *)line, (size_t)n);
}

static size_t improv_packet(uint8_t *out, uint8_t type, const uint8_t *data, uint8_t len) {
  size_t n = 0, i;
  uint8_t sum = 0;
  memcpy(out, "IMPROV", 6);
  n = 6;
  out[n++] = 1;
  out[n++] = type;
  out[n++] = len;
  memcpy(out + n, data, len);
  n += len;
  for (i = 0; i < n; i++) sum = (uint8_t)(sum + out[i]);
  out[n++] = sum;
  return n;
}

static void test_serial_provisioning(void) {
  static char hexline[2 * sizeof GOOD_BUNDLE + 32];
  uint8_t pkt[300], stored[64];
  const uint8_t wifi[] = {1, 14, 6, 'j', 'a', 'r', 'v', 'i', 's', 6, 's', '3', 'c', 'r', '3', 't'};
  const uint8_t bad_rpc[] = {9, 0};
  const char *p;
  size_t i, n;
  int got;
  begin("serial provisioning: JVP1 lines with CRC-32 and Improv Wi-Fi; damaged, unknown and overlong input refused; no key echoed");
  CHECK(jarvis_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u); /* the standard check value */
  fake_init(&fk, 0);
  hal = make_hal(&fk);
  jarvis_prov_init(&prov, &hal, prov_write, NULL, "test-chip");
  prov_line("JVP1 HELLO", 0);
  CHECK(strcmp(prov_out, "JVP1 READY jarvis-core/0.2 bundle=0 wifi=0\n") == 0);
  prov_line("JVP1 HELLO", 1);
  CHECK(strncmp(prov_out, "JVP1 ERR JARVIS_FW_PROV_CHECKSUM", 32) == 0);
  prov_out_len = 0;
  jarvis_prov_feed(&prov, (const uint8_t *)"JVP1 HELLO\n", 11);
  CHECK(strncmp(prov_out, "JVP1 ERR JARVIS_FW_PROV_CHECKSUM", 32) == 0);
  prov_line("JVP1 REBOOT", 0);
  CHECK(strncmp(prov_out, "JVP1 ERR JARVIS_FW_PROV_SYNTAX", 30) == 0);
  prov_line("JVP1 BUNDLE 7b7", 0);
  CHECK(strncmp(prov_out, "JVP1 ERR JARVIS_FW_PROV_SYNTAX", 30) == 0);
  prov_line("JVP1 BUNDLE 7B7D", 0);
  CHECK(strncmp(prov_out, "JVP1 ERR JARVIS_FW_PROV_SYNTAX", 30) == 0);
  prov_line("JVP1 BUNDLE 7b7d", 0); /* "{}" */
  CHECK(strncmp(prov_out, "JVP1 ERR JARVIS_FW_BAD_BUNDLE version", 37) == 0);
  prov_out_len = 0;
  jarvis_prov_feed(&prov, (const uint8_t *)"random console noise\n", 21);
  CHECK(prov_out_len == 0);
  /* An overlong line is refused once, and the next line works. */
  prov_out_len = 0;
  for (i = 0; i < JARVIS_PROV_LINE_MAX + 10; i++) jarvis_prov_feed(&prov, (const uint8_t *)"a", 1);
  jarvis_prov_feed(&prov, (const uint8_t *)"\n", 1);
  CHECK(strncmp(prov_out, "JVP1 ERR JARVIS_FW_PROV_TOO_LONG", 32) == 0);
  CHECK(f_nvs_get(&fk, JARVIS_CORE_NVS_BUNDLE, stored, sizeof stored) < 0);
  /* The bundle, as the CLI sends it: hex of the JSON. */
  n = (size_t)snprintf(hexline, sizeof hexline, "JVP1 BUNDLE ");
  for (p = GOOD_BUNDLE; *p; p++) n += (size_t)snprintf(hexline + n, sizeof hexline - n, "%02x", (unsigned)(uint8_t)*p);
  prov_line(hexline, 0);
  CHECK(strcmp(prov_out, "JVP1 OK BUNDLE 0000002a\n") == 0);
  CHECK(prov.bundle_stored == 1);
  got = f_nvs_get(&fk, JARVIS_CORE_NVS_BUNDLE, stored, sizeof stored);
  CHECK(got == JARVIS_CORE_BUNDLE_BYTES && stored[0] == 0x2a && memcmp(stored + 4, KEY, 32) == 0);
  got = f_nvs_get(&fk, JARVIS_PROV_NVS_HUB_UDP, stored, sizeof stored);
  CHECK(got == 17 && memcmp(stored, "192.168.1.10:7000", 17) == 0);
  CHECK(strstr(fk.last_log, "0000002a stored") != NULL && strstr(fk.last_log, "pw-secret") == NULL && strstr(fk.last_log, "0102030405") == NULL);
  got = f_nvs_get(&fk, JARVIS_PROV_NVS_HUB_HTTP, stored, sizeof stored);
  CHECK(got == 24 && memcmp(stored, "http://192.168.1.10:8080", 24) == 0);
  /* Improv Wi-Fi: error cleared, Provisioning, a trial join through the HAL; stored and Provisioned (with
   * the dashboard as the redirect URL) only once the join answered yes. */
  prov_out_len = 0;
  n = improv_packet(pkt, 3, wifi, sizeof wifi);
  jarvis_prov_feed(&prov, pkt, n);
  CHECK(prov.joining && fk.join_starts == 1 && strcmp(fk.join_ssid, "jarvis") == 0 && strcmp(fk.join_pass, "s3cr3t") == 0);
  CHECK(prov.wifi_stored == 0 && f_nvs_get(&fk, JARVIS_PROV_NVS_WIFI_SSID, stored, sizeof stored) < 0); /* not before the join */
  CHECK(prov_out_len == 2 * 12 && memcmp(prov_out, "IMPROV\x01\x02\x01\x00", 10) == 0); /* error: none */
  CHECK(memcmp(prov_out + 12, "IMPROV\x01\x01\x01\x03", 10) == 0);                     /* state: provisioning */
  CHECK(jarvis_prov_poll(&prov) == 1 && prov.wifi_stored == 0);
  CHECK(jarvis_prov_poll(&prov) == 0 && !prov.joining && fk.join_ends == 1 && !fk.join_active);
  CHECK(prov.wifi_stored == 1);
  got = f_nvs_get(&fk, JARVIS_PROV_NVS_WIFI_SSID, stored, sizeof stored);
  CHECK(got == 6 && memcmp(stored, "jarvis", 6) == 0);
  CHECK(memcmp(prov_out + 24, "IMPROV\x01\x01\x01\x04", 10) == 0); /* state: provisioned */
  CHECK(prov_out_len == 3 * 12 + 9 + 37 + 2 && memcmp(prov_out + 36, "IMPROV\x01\x04\x25\x01\x23\x22" "http://192.168.1.10:8080/#/devices", 46) == 0);
  CHECK(strstr(fk.last_log, "MQTT login accepted") != NULL && strstr(fk.last_log, "s3cr3t") == NULL);
  /* A damaged checksum, a bad length and an unknown RPC get Improv error states; nothing is stored. */
  prov_out_len = 0;
  n = improv_packet(pkt, 3, wifi, sizeof wifi);
  pkt[n - 1] ^= 0x55;
  jarvis_prov_feed(&prov, pkt, n);
  CHECK(memcmp(prov_out, "IMPROV\x01\x02\x01\x01", 10) == 0 && prov.wifi_stored == 1);
  prov_out_len = 0;
  {
    uint8_t short_ssid[] = {1, 3, 40, 'a', 0}; /* ssid length 40 > 32 */
    n = improv_packet(pkt, 3, short_ssid, sizeof short_ssid);
    jarvis_prov_feed(&prov, pkt, n);
  }
  CHECK(memcmp(prov_out + 12, "IMPROV\x01\x02\x01\x01", 10) == 0 && prov.wifi_stored == 1 && fk.join_starts == 1);
  prov_out_len = 0;
  n = improv_packet(pkt, 3, bad_rpc, sizeof bad_rpc);
  jarvis_prov_feed(&prov, pkt, n);
  CHECK(memcmp(prov_out + 12, "IMPROV\x01\x02\x01\x02", 10) == 0);
  /* Device info: four strings. */
  prov_out_len = 0;
  {
    const uint8_t info[] = {3, 0};
    n = improv_packet(pkt, 3, info, sizeof info);
    jarvis_prov_feed(&prov, pkt, n);
  }
  CHECK(prov_out_len > 23 && prov_out[19] == 4 && prov_out[21] == 3 && memcmp(prov_out + 24, "jarvis-wearable", 15) == 0 &&
        strstr(prov_out + 24, "test-chip") != NULL);
  prov_line("JVP1 HELLO", 0);
  CHECK(strcmp(prov_out, "JVP1 READY jarvis-core/0.2 bundle=1 wifi=1\n") == 0);
  /* Provisioned: the core now starts. */
  start_core(&CFG, 16000);
  step(&fk, &core, 1200);
  CHECK(core.state == JARVIS_STATE_STREAMING && core.device_id == 0x2au);
  jarvis_core_deinit(&core);
  end();
}

static void improv_rpc(const uint8_t *data, uint8_t len) {
  uint8_t pkt[300];
  size_t n = improv_packet(pkt, 3, data, len);
  prov_out_len = 0;
  prov_out[0] = '\0';
  jarvis_prov_feed(&prov, pkt, n);
}

static void test_improv_join(void) {
  const uint8_t wifi[] = {1, 11, 3, 'n', 'e', 'w', 6, 'n', 'e', 'w', '-', 'p', 'w'};
  const uint8_t state[] = {2, 0};
  uint8_t stored[64];
  int got;
  begin("Improv Wi-Fi: Provisioned only after the HAL's trial join; a failed or timed-out join is \"unable to connect\" and keeps the stored settings");
  fake_init(&fk, 0);
  hal = make_hal(&fk);
  jarvis_prov_init(&prov, &hal, prov_write, NULL, "test-chip");
  f_nvs_set(&fk, JARVIS_PROV_NVS_WIFI_SSID, "old-net", 7);
  f_nvs_set(&fk, JARVIS_PROV_NVS_WIFI_PASS, "old-pw", 6);
  /* The join fails: error 3, back to Ready (Authorized), the old settings stay. */
  fk.join_answer = -1;
  fk.join_polls = 1;
  improv_rpc(wifi, sizeof wifi);
  CHECK(!prov.joining && fk.join_starts == 1 && fk.join_ends == 1 && prov.wifi_stored == 0 && prov.joins_failed == 1);
  CHECK(prov_out_len == 4 * 12 && memcmp(prov_out + 12, "IMPROV\x01\x01\x01\x03", 10) == 0);
  CHECK(memcmp(prov_out + 24, "IMPROV\x01\x02\x01\x03", 10) == 0 && memcmp(prov_out + 36, "IMPROV\x01\x01\x01\x02", 10) == 0);
  got = f_nvs_get(&fk, JARVIS_PROV_NVS_WIFI_SSID, stored, sizeof stored);
  CHECK(got == 7 && memcmp(stored, "old-net", 7) == 0);
  got = f_nvs_get(&fk, JARVIS_PROV_NVS_WIFI_PASS, stored, sizeof stored);
  CHECK(got == 6 && memcmp(stored, "old-pw", 6) == 0);
  CHECK(strstr(fk.last_log, "failed") != NULL && strstr(fk.last_log, "kept") != NULL && strstr(fk.last_log, "new-pw") == NULL);
  CHECK(prov.cand_pass[0] == '\0'); /* the candidate password is wiped from RAM */
  /* A join that never answers times out the same way; "current state" says Provisioning meanwhile, and a
   * second Wi-Fi RPC is refused while the first one runs. */
  fk.join_answer = 0;
  improv_rpc(wifi, sizeof wifi);
  CHECK(prov.joining && fk.join_starts == 2);
  improv_rpc(state, sizeof state);
  CHECK(memcmp(prov_out + 12, "IMPROV\x01\x01\x01\x03", 10) == 0);
  improv_rpc(wifi, sizeof wifi);
  CHECK(memcmp(prov_out + 12, "IMPROV\x01\x02\x01\xff", 10) == 0 && fk.join_starts == 2 && prov.joining);
  fk.now += JARVIS_PROV_JOIN_TIMEOUT_MS - 1;
  CHECK(jarvis_prov_poll(&prov) == 1);
  prov_out_len = 0;
  fk.now += 2;
  CHECK(jarvis_prov_poll(&prov) == 0 && !prov.joining && fk.join_ends == 2);
  CHECK(memcmp(prov_out, "IMPROV\x01\x02\x01\x03", 10) == 0 && strstr(fk.last_log, "timed out") != NULL);
  got = f_nvs_get(&fk, JARVIS_PROV_NVS_WIFI_SSID, stored, sizeof stored);
  CHECK(got == 7 && memcmp(stored, "old-net", 7) == 0);
  /* A HAL that cannot check a join never stores unchecked settings. */
  hal.join_start = NULL;
  improv_rpc(wifi, sizeof wifi);
  CHECK(memcmp(prov_out + 24, "IMPROV\x01\x02\x01\x03", 10) == 0 && fk.join_starts == 2 && prov.wifi_stored == 0);
  CHECK(strstr(fk.last_log, "cannot check a join") != NULL);
  hal.join_start = f_join_start;
  /* Success without a bundle: stored; Provisioned with an RPC result and no URL (no hub known yet). */
  fk.join_answer = 1;
  improv_rpc(wifi, sizeof wifi);
  CHECK(prov.wifi_stored == 1 && !prov.joining);
  got = f_nvs_get(&fk, JARVIS_PROV_NVS_WIFI_PASS, stored, sizeof stored);
  CHECK(got == 6 && memcmp(stored, "new-pw", 6) == 0);
  CHECK(memcmp(prov_out + 24, "IMPROV\x01\x01\x01\x04", 10) == 0 && memcmp(prov_out + 36, "IMPROV\x01\x04\x02\x01\x00", 11) == 0);
  /* "Current state" once provisioned: Provisioned, and the same result again (the spec). */
  improv_rpc(state, sizeof state);
  CHECK(memcmp(prov_out + 12, "IMPROV\x01\x01\x01\x04", 10) == 0 && memcmp(prov_out + 24, "IMPROV\x01\x04\x02\x01\x00", 11) == 0);
  end();
}

int main(void) {
  printf("size jarvis_core %u\n", (unsigned)sizeof(jarvis_core)); /* the core's RAM besides its ring */
  test_config();
  test_ring();
  test_backoff();
  test_provisioning();
  test_boot_counter();
  test_boot_exhausted();
  test_mute();
  test_boot_muted();
  test_overflow_across_outage();
  test_adpcm_and_button();
  test_json_malformed();
  test_cmd_config();
  test_cmd_led();
  test_ptt();
  test_bundle();
  test_serial_provisioning();
  test_improv_join();
  printf("done %d %d\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
