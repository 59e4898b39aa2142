/*
 * jarvis-wearable-posix: the wearable firmware core on a Linux host, with the POSIX HAL.
 *
 *   jarvis-wearable-posix --bundle FILE --nvs FILE [--mic FILE.wav|-] [--loop] [--gpio FILE]
 *                         [--hub HOST:PORT] [--mqtt mqtt://HOST:PORT] [--codec pcm16|adpcm] [--frame-ms 10|20|40]
 *                         [--ring-ms N] [--debounce-ms N] [--keepalive-ms N]
 *
 * The bundle is the JSON `jarvis device add` prints (version 1: deviceId, key, mqtt.url/username/
 * password, hub.udp). Its device id and key are provisioned into NVS "jv_bundle" (as the serial
 * provisioning does on the board); the MQTT login and the hub's UDP address stay in the process.
 * SIGTERM / SIGINT power the device off cleanly (status offline); SIGKILL is a power cut (last will).
 * Exit codes: 0 stopped, 2 bad arguments / bundle / mic, 3 the core faulted (boot counter exhausted).
 * The key is never printed.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis_core.h"
#include "jarvis_json.h"
#include "jarvis_posix_hal.h"

#define BUNDLE_MAX_BYTES 16384

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

typedef struct bundle {
  char device_id[9];
  uint8_t key[32];
  char kind[16];
  char mqtt_url[300];
  char username[128], password[128];
  char hub_udp[300];
} bundle;

static int usage(const char *why) {
  fprintf(stderr,
          "jarvis-posix: JARVIS_FW_BAD_OPTION: %s\n"
          "usage: jarvis-wearable-posix --bundle FILE --nvs FILE [--mic FILE.wav|-] [--loop] [--gpio FILE]\n"
          "       [--hub HOST:PORT] [--mqtt mqtt://HOST:PORT] [--codec pcm16|adpcm] [--frame-ms 10|20|40]\n"
          "       [--ring-ms N] [--debounce-ms N] [--keepalive-ms N]\n",
          why);
  return 2;
}

static int bad_bundle(const char *path, const char *why) {
  fprintf(stderr, "jarvis-posix: JARVIS_FW_BAD_BUNDLE: %s: %s\n", path, why);
  return 2;
}

static int is_lower_hex(const char *s, size_t n) {
  size_t i;
  if (strlen(s) != n) return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return 1;
}

/* Reads a string member; 1 found, 0 absent, -1 wrong type or too long. */
static int member_string(const char *obj, size_t n, const char *name, char *out, size_t cap) {
  jarvis_json_iter it;
  jarvis_json_span k, v;
  int rc, found = 0;
  if (jarvis_json_object_begin(&it, obj, n) < 0) return -1;
  while ((rc = jarvis_json_object_next(&it, &k, &v)) == 1) {
    if (!jarvis_json_key_is(&k, name)) continue;
    if (v.type != JARVIS_JSON_STRING || jarvis_json_string(&v, out, cap) < 0) return -1;
    found = 1;
  }
  return rc < 0 ? -1 : found;
}

static int member_span(const char *obj, size_t n, const char *name, jarvis_json_span *out) {
  jarvis_json_iter it;
  jarvis_json_span k, v;
  int rc, found = 0;
  if (jarvis_json_object_begin(&it, obj, n) < 0) return -1;
  while ((rc = jarvis_json_object_next(&it, &k, &v)) == 1)
    if (jarvis_json_key_is(&k, name)) *out = v, found = 1;
  return rc < 0 ? -1 : found;
}

static int read_bundle(const char *path, bundle *b) {
  static char text[BUNDLE_MAX_BYTES + 1];
  char key_hex[72];
  jarvis_json_span v, mqtt, hub;
  size_t n, i;
  int64_t version;
  int exact;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return bad_bundle(path, "cannot be opened");
  n = fread(text, 1, sizeof text, f);
  fclose(f);
  if (n > BUNDLE_MAX_BYTES) return bad_bundle(path, "larger than 16 KiB");
  if (jarvis_json_validate(text, n) != JARVIS_JSON_OBJECT) return bad_bundle(path, "not a JSON object");
  if (member_span(text, n, "version", &v) != 1 || jarvis_json_milli(&v, &version, &exact) < 0 || version != 1000 || !exact)
    return bad_bundle(path, "version: must be 1");
  if (member_string(text, n, "deviceId", b->device_id, sizeof b->device_id) != 1 || !is_lower_hex(b->device_id, 8))
    return bad_bundle(path, "deviceId: must be 8 lowercase hex digits");
  if (member_string(text, n, "key", key_hex, sizeof key_hex) != 1 || !is_lower_hex(key_hex, 64))
    return bad_bundle(path, "key: must be 64 lowercase hex digits (32 bytes)");
  for (i = 0; i < 32; i++) {
    unsigned byte;
    (void)sscanf(key_hex + 2 * i, "%2x", &byte);
    b->key[i] = (uint8_t)byte;
  }
  memset(key_hex, 0, sizeof key_hex);
  if (member_string(text, n, "kind", b->kind, sizeof b->kind) != 1 || strcmp(b->kind, "wearable") != 0)
    return bad_bundle(path, "kind: must be wearable (this is the wearable firmware)");
  if (member_span(text, n, "mqtt", &mqtt) != 1 || mqtt.type != JARVIS_JSON_OBJECT) return bad_bundle(path, "mqtt: must be an object");
  if (member_string(mqtt.p, mqtt.n, "url", b->mqtt_url, sizeof b->mqtt_url) != 1) return bad_bundle(path, "mqtt.url: must be a string");
  if (member_string(mqtt.p, mqtt.n, "username", b->username, sizeof b->username) != 1 || b->username[0] == '\0')
    return bad_bundle(path, "mqtt.username: must be a non-empty string of at most 127 bytes");
  if (member_string(mqtt.p, mqtt.n, "password", b->password, sizeof b->password) != 1 || b->password[0] == '\0')
    return bad_bundle(path, "mqtt.password: must be a non-empty string of at most 127 bytes");
  if (member_span(text, n, "hub", &hub) != 1 || hub.type != JARVIS_JSON_OBJECT) return bad_bundle(path, "hub: must be an object");
  if (member_string(hub.p, hub.n, "udp", b->hub_udp, sizeof b->hub_udp) != 1) return bad_bundle(path, "hub.udp: must be a string");
  memset(text, 0, sizeof text); /* the key was in it */
  return 0;
}

/* Splits HOST:PORT or [v6]:PORT. */
static int split_host_port(const char *text, char *host, size_t cap, int *port) {
  const char *colon;
  char *end;
  long value;
  size_t len;
  if (text[0] == '[') {
    const char *close = strchr(text, ']');
    if (close == NULL || close[1] != ':') return -1;
    len = (size_t)(close - text - 1);
    if (len == 0 || len >= cap) return -1;
    memcpy(host, text + 1, len);
    colon = close + 1;
  } else {
    colon = strrchr(text, ':');
    if (colon == NULL) return -1;
    len = (size_t)(colon - text);
    if (len == 0 || len >= cap || memchr(text, ':', len) != NULL) return -1;
    memcpy(host, text, len);
  }
  host[len] = '\0';
  value = strtol(colon + 1, &end, 10);
  if (*end != '\0' || end == colon + 1 || value < 1 || value > 65535) return -1;
  *port = (int)value;
  return 0;
}

static int parse_mqtt_url(const char *url, char *host, size_t cap, int *port) {
  const char *rest;
  char hp[300];
  size_t len;
  if (strncmp(url, "mqtts://", 8) == 0) return -2;
  if (strncmp(url, "mqtt://", 7) != 0) return -1;
  rest = url + 7;
  len = strcspn(rest, "/?#");
  if (len == 0 || len >= sizeof hp) return -1;
  memcpy(hp, rest, len);
  hp[len] = '\0';
  if (strchr(hp, '@') != NULL) return -1; /* the login comes from the bundle's fields */
  if (split_host_port(hp, host, cap, port) == 0) return 0;
  if (strchr(hp, ':') != NULL || len >= cap) return -1; /* no port: the default */
  memcpy(host, hp, len + 1);
  *port = 1883;
  return 0;
}

static int number_arg(const char *text, long lo, long hi, long *out) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*end != '\0' || end == text || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  static jarvis_posix p;
  static jarvis_hal hal;
  static jarvis_core core;
  static int16_t ring[16000 * 10];
  static bundle b;
  const char *bundle_path = NULL, *mic = NULL, *hub = NULL, *mqtt = NULL;
  char err[512], udp_host[256];
  int udp_port = 0, i, rc, loop = 0;
  long ring_ms = 1000, frame_ms = 20, v;
  jarvis_core_config cfg = {JARVIS_CODEC_PCM16LE, 16000, 320, 30, 200, 8000, 1000};
  uint8_t stored[JARVIS_CORE_BUNDLE_BYTES], want[JARVIS_CORE_BUNDLE_BYTES];
  struct sigaction sa;

  memset(&p, 0, sizeof p);
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--loop") == 0) {
      loop = 1;
      continue;
    }
    if (next == NULL) return usage("every option but --loop takes a value");
    i++;
    if (strcmp(a, "--bundle") == 0) bundle_path = next;
    else if (strcmp(a, "--nvs") == 0) p.nvs_path = next;
    else if (strcmp(a, "--mic") == 0) mic = next;
    else if (strcmp(a, "--gpio") == 0) p.gpio_path = next;
    else if (strcmp(a, "--hub") == 0) hub = next;
    else if (strcmp(a, "--mqtt") == 0) mqtt = next;
    else if (strcmp(a, "--codec") == 0) {
      if (strcmp(next, "pcm16") == 0) cfg.codec = JARVIS_CODEC_PCM16LE;
      else if (strcmp(next, "adpcm") == 0) cfg.codec = JARVIS_CODEC_IMA_ADPCM;
      else return usage("--codec must be pcm16 or adpcm");
    } else if (strcmp(a, "--frame-ms") == 0) {
      if (number_arg(next, 10, 40, &frame_ms) < 0 || (frame_ms != 10 && frame_ms != 20 && frame_ms != 40))
        return usage("--frame-ms must be 10, 20 or 40");
    } else if (strcmp(a, "--ring-ms") == 0) {
      if (number_arg(next, 40, 10000, &ring_ms) < 0) return usage("--ring-ms must be 40 to 10000");
    } else if (strcmp(a, "--debounce-ms") == 0) {
      if (number_arg(next, 0, 1000, &v) < 0) return usage("--debounce-ms must be 0 to 1000");
      cfg.debounce_ms = (uint32_t)v;
    } else if (strcmp(a, "--keepalive-ms") == 0) {
      if (number_arg(next, 100, 60000, &v) < 0) return usage("--keepalive-ms must be 100 to 60000");
      cfg.keepalive_ms = (uint32_t)v;
    } else {
      return usage("unknown option");
    }
  }
  if (bundle_path == NULL || p.nvs_path == NULL) return usage("--bundle and --nvs are required");
  if ((rc = read_bundle(bundle_path, &b)) != 0) return rc;
  cfg.frame_samples = (uint16_t)(cfg.sample_rate * frame_ms / 1000);
  rc = parse_mqtt_url(mqtt != NULL ? mqtt : b.mqtt_url, p.mqtt_host, sizeof p.mqtt_host, &p.mqtt_port);
  if (rc == -2) return bad_bundle(bundle_path, "mqtt.url: mqtts:// is not supported by the POSIX HAL (the ESP-IDF HAL has TLS)");
  if (rc < 0) return bad_bundle(bundle_path, "mqtt.url: must be mqtt://HOST[:PORT]");
  if (split_host_port(hub != NULL ? hub : b.hub_udp, udp_host, sizeof udp_host, &udp_port) < 0)
    return bad_bundle(bundle_path, "hub.udp: must be HOST:PORT with a port from 1 to 65535");
  (void)snprintf(p.username, sizeof p.username, "%s", b.username);
  (void)snprintf(p.password, sizeof p.password, "%s", b.password);
  (void)snprintf(p.client_id, sizeof p.client_id, "jarvis-%s-wearable", b.device_id); /* [MQTT-6.9] */

  if (jarvis_posix_init(&p, &hal, err, sizeof err) < 0 ||
      (mic != NULL && jarvis_posix_open_mic(&p, mic, loop, cfg.sample_rate, err, sizeof err) < 0) ||
      jarvis_posix_open_udp(&p, udp_host, udp_port, err, sizeof err) < 0) {
    fprintf(stderr, "jarvis-posix: %s\n", err);
    return 2;
  }

  /* Provisioning: the device id (u32 LE) and key into NVS, as the serial provisioning does on a board. */
  {
    unsigned long id = strtoul(b.device_id, NULL, 16);
    want[0] = (uint8_t)id;
    want[1] = (uint8_t)(id >> 8);
    want[2] = (uint8_t)(id >> 16);
    want[3] = (uint8_t)(id >> 24);
    memcpy(want + 4, b.key, 32);
    if (jarvis_posix_nvs_get(&p, JARVIS_CORE_NVS_BUNDLE, stored, sizeof stored) != (int)sizeof stored ||
        memcmp(stored, want, sizeof want) != 0) {
      if (jarvis_posix_nvs_set(&p, JARVIS_CORE_NVS_BUNDLE, want, sizeof want) != 0) {
        fprintf(stderr, "jarvis-posix: JARVIS_FW_NVS: cannot write %s\n", p.nvs_path);
        return 2;
      }
      jarvis_posix_log(&p, "provisioned: device bundle stored in NVS");
    }
    memset(want, 0, sizeof want);
    memset(stored, 0, sizeof stored);
    memset(b.key, 0, sizeof b.key);
  }

  rc = jarvis_core_init(&core, &hal, &cfg, ring, (size_t)(cfg.sample_rate * ring_ms / 1000));
  if (rc != JARVIS_OK) {
    fprintf(stderr, "jarvis-posix: core init failed: %s\n", jarvis_strerror(rc));
    return 2;
  }
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  {
    char line[800];
    (void)snprintf(line, sizeof line, "start: device %s, mqtt %s:%d as %s, udp %s:%d, %s %ld ms frames", b.device_id, p.mqtt_host,
                   p.mqtt_port, p.username, udp_host, udp_port, cfg.codec == JARVIS_CODEC_IMA_ADPCM ? "adpcm" : "pcm16", frame_ms);
    jarvis_posix_log(&p, line);
  }
  while (!stop_requested) {
    struct timespec nap = {0, 2 * 1000 * 1000};
    jarvis_posix_service(&p, &core);
    jarvis_core_poll(&core);
    if (core.state == JARVIS_STATE_FAULT) {
      fprintf(stderr, "jarvis-posix: the core faulted: %s\n", jarvis_strerror(core.last_error));
      return 3;
    }
    nanosleep(&nap, NULL);
  }
  {
    char line[200];
    (void)snprintf(line, sizeof line, "stop: %lu audio frames, %lu keep-alives, %lu udp errors, %lu samples dropped, %lu refused commands",
                   (unsigned long)core.frames_sent, (unsigned long)core.keepalives_sent, (unsigned long)core.udp_errors,
                   (unsigned long)core.ring.dropped, (unsigned long)core.commands_refused);
    jarvis_posix_log(&p, line);
  }
  jarvis_posix_shutdown(&p);
  jarvis_core_deinit(&core);
  return 0;
}
