/* The POSIX HAL; see jarvis_posix_hal.h. */
#define _POSIX_C_SOURCE 200809L
#include "jarvis_posix_hal.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libgen.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <mosquitto.h>

#include "jarvis_bundle.h"
#include "jarvis_provision.h"

#define NVS_MAX_KEYS 32
#define NVS_MAX_VALUE 1024
#define NVS_KEY_BYTES 16

/* ---- clock and log ---- */

static uint32_t ms_since(const struct timespec *t0) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint32_t)((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

static uint32_t hal_now(void *ctx) { return ms_since(&((jarvis_posix *)ctx)->t0); }

void jarvis_posix_log(void *ctx, const char *line) {
  jarvis_posix *p = ctx;
  uint32_t t = p ? hal_now(p) : 0;
  fprintf(stderr, "[%5lu.%03lu] %s\n", (unsigned long)(t / 1000u), (unsigned long)(t % 1000u), line);
  fflush(stderr);
}

static void plog(jarvis_posix *p, const char *fmt, ...) {
  char line[320];
  va_list ap;
  va_start(ap, fmt);
  (void)vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  jarvis_posix_log(p, line);
}

/* ---- mic ---- */

static uint32_t rd32(const uint8_t *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static uint16_t rd16(const uint8_t *b) { return (uint16_t)(b[0] | b[1] << 8); }

int jarvis_posix_open_mic(jarvis_posix *p, const char *path, int loop, uint32_t sample_rate, char *err, size_t cap) {
  FILE *f;
  uint8_t *buf;
  long size;
  size_t pos = 12, data_at = 0, data_len = 0, i;
  int have_fmt = 0;
  p->sample_rate = sample_rate;
  p->mic_loop = loop;
  if (strcmp(path, "-") == 0) {
    int fl = fcntl(STDIN_FILENO, F_GETFL);
    p->mic_stdin = 1;
    if (fl < 0 || fcntl(STDIN_FILENO, F_SETFL, fl | O_NONBLOCK) < 0) {
      (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: stdin cannot be made non-blocking: %s", strerror(errno));
      return -1;
    }
    return 0;
  }
  f = fopen(path, "rb");
  if (f == NULL) {
    (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 || size > 256L * 1024 * 1024) {
    fclose(f);
    (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: %s is not a readable file of at most 256 MiB", path);
    return -1;
  }
  buf = malloc((size_t)size + 1);
  if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
    fclose(f);
    free(buf);
    (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: cannot read %s", path);
    return -1;
  }
  fclose(f);
  if (size < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
    free(buf);
    (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: %s is not a RIFF/WAVE file", path);
    return -1;
  }
  while (pos + 8 <= (size_t)size) {
    uint32_t len = rd32(buf + pos + 4);
    size_t body = pos + 8;
    if (memcmp(buf + pos, "fmt ", 4) == 0) {
      if (len < 16 || body + 16 > (size_t)size) break;
      if (rd16(buf + body) != 1 || rd16(buf + body + 2) != 1 || rd32(buf + body + 4) != sample_rate || rd16(buf + body + 14) != 16) {
        free(buf);
        (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: %s must be PCM, mono, 16-bit at %lu Hz", path, (unsigned long)sample_rate);
        return -1;
      }
      have_fmt = 1;
    } else if (memcmp(buf + pos, "data", 4) == 0) {
      data_at = body;
      data_len = len > (size_t)size - body ? (size_t)size - body : len; /* a streamed WAV may say more than it has */
      break;
    }
    if (len > (size_t)size - body) break;
    pos = body + len + (len & 1u);
  }
  if (!have_fmt || data_at == 0) {
    free(buf);
    (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: %s has no fmt chunk before its data chunk", path);
    return -1;
  }
  p->wav_len = data_len / 2;
  if (p->wav_len == 0) {
    free(buf);
    (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: %s has no samples", path);
    return -1;
  }
  p->wav = malloc(p->wav_len * sizeof(int16_t));
  if (p->wav == NULL) {
    free(buf);
    (void)snprintf(err, cap, "JARVIS_FW_BAD_MIC: out of memory");
    return -1;
  }
  for (i = 0; i < p->wav_len; i++) p->wav[i] = (int16_t)rd16(buf + data_at + 2 * i);
  free(buf);
  return 0;
}

static size_t hal_mic(void *ctx, int16_t *out, size_t max) {
  jarvis_posix *p = ctx;
  uint64_t due;
  size_t n = 0;
  if (p->mic_eof) return 0;
  if (!p->mic_started) { /* the I2S clock starts with the first read */
    clock_gettime(CLOCK_MONOTONIC, &p->mic_t0);
    p->mic_started = 1;
  }
  due = (uint64_t)ms_since(&p->mic_t0) * p->sample_rate / 1000u;
  if (due <= p->mic_delivered) return 0;
  if (due - p->mic_delivered < max) max = (size_t)(due - p->mic_delivered);
  if (p->wav != NULL) {
    while (n < max) {
      if (p->wav_pos >= p->wav_len) {
        if (!p->mic_loop) {
          p->mic_eof = 1;
          plog(p, "mic: end of input after %lu samples", (unsigned long)(p->mic_delivered + n));
          break;
        }
        p->wav_pos = 0;
      }
      out[n++] = p->wav[p->wav_pos++];
    }
  } else {
    uint8_t raw[2 * JARVIS_CORE_MAX_FRAME_SAMPLES];
    size_t want = max > JARVIS_CORE_MAX_FRAME_SAMPLES ? JARVIS_CORE_MAX_FRAME_SAMPLES : max, have = 0, k;
    ssize_t r;
    if (p->stdin_odd) raw[have++] = p->stdin_byte;
    r = read(STDIN_FILENO, raw + have, 2 * want - have);
    if (r == 0) {
      p->mic_eof = 1;
      plog(p, "mic: end of stdin after %lu samples", (unsigned long)p->mic_delivered);
    }
    if (r > 0) have += (size_t)r;
    for (k = 0; k + 1 < have; k += 2) out[n++] = (int16_t)rd16(raw + k);
    p->stdin_odd = (have & 1u) != 0;
    if (p->stdin_odd) p->stdin_byte = raw[have - 1];
  }
  p->mic_delivered += n;
  return n;
}

/* ---- GPIO double ---- */

static void gpio_load(jarvis_posix *p) {
  FILE *f;
  char line[128];
  uint32_t now = hal_now(p);
  if (p->gpio_loaded && (uint32_t)(now - p->gpio_read_ms) < 5u) return;
  p->gpio_loaded = 1;
  p->gpio_read_ms = now;
  p->mute = p->button = p->ptt = 0;
  p->wifi = 1;
  if (p->gpio_path == NULL || (f = fopen(p->gpio_path, "r")) == NULL) return;
  while (fgets(line, sizeof line, f) != NULL) {
    char name[16];
    int *pin = NULL;
    size_t len = strcspn(line, "\r\n");
    line[len] = '\0';
    if (len == 0 || line[0] == '#') continue;
    if (sscanf(line, "%15[a-z]=", name) == 1) {
      if (strcmp(name, "mute") == 0) pin = &p->mute;
      else if (strcmp(name, "button") == 0) pin = &p->button;
      else if (strcmp(name, "ptt") == 0) pin = &p->ptt;
      else if (strcmp(name, "wifi") == 0) pin = &p->wifi;
    }
    {
      const char *eq = strchr(line, '=');
      if (pin != NULL && eq != NULL && (strcmp(eq + 1, "0") == 0 || strcmp(eq + 1, "1") == 0)) {
        *pin = eq[1] == '1';
      } else if (!p->gpio_warned) {
        p->gpio_warned = 1;
        plog(p, "gpio: ignored a line of %s that is not mute|button|ptt|wifi=0|1 (further ones silently)", p->gpio_path);
      }
    }
  }
  fclose(f);
}

static int hal_gpio(void *ctx, jarvis_gpio_in pin) {
  jarvis_posix *p = ctx;
  gpio_load(p);
  return pin == JARVIS_GPIO_MUTE_SWITCH ? p->mute : pin == JARVIS_GPIO_PTT ? p->ptt : p->button;
}

static void hal_led(void *ctx, int on) { jarvis_posix_log(ctx, on ? "led 1" : "led 0"); }

static int hal_wifi_up(void *ctx) {
  jarvis_posix *p = ctx;
  gpio_load(p);
  return p->wifi;
}
static int hal_wifi_connect(void *ctx) { return hal_wifi_up(ctx) ? 0 : -1; }

/* ---- UDP ---- */

int jarvis_posix_open_udp(jarvis_posix *p, const char *host, int port, char *err, size_t cap) {
  struct addrinfo hints, *res = NULL, *ai;
  char service[8];
  int rc;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  (void)snprintf(service, sizeof service, "%d", port);
  rc = getaddrinfo(host, service, &hints, &res);
  if (rc != 0) {
    (void)snprintf(err, cap, "JARVIS_FW_UDP: cannot resolve %s: %s", host, gai_strerror(rc));
    return -1;
  }
  p->udp_fd = -1;
  for (ai = res; ai != NULL && p->udp_fd < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) p->udp_fd = fd;
    else close(fd);
  }
  freeaddrinfo(res);
  if (p->udp_fd < 0) {
    (void)snprintf(err, cap, "JARVIS_FW_UDP: cannot open a socket to %s:%d", host, port);
    return -1;
  }
  return 0;
}

static int hal_udp(void *ctx, const uint8_t *data, size_t len) {
  jarvis_posix *p = ctx;
  ssize_t n = send(p->udp_fd, data, len, MSG_DONTWAIT);
  return n == (ssize_t)len ? 0 : -1; /* ECONNREFUSED while the hub is down: counted by the core */
}

/* ---- MQTT (libmosquitto) ---- */

static void on_connect(struct mosquitto *m, void *obj, int rc) {
  jarvis_posix *p = obj;
  (void)m;
  p->connack_rc = rc;
  p->mqtt_connected = rc == 0;
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc) {
  jarvis_posix *p = obj;
  (void)m;
  if (p->mqtt_connected) plog(p, "mqtt: disconnected (%s)", mosquitto_strerror(rc));
  p->mqtt_connected = 0;
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg) {
  jarvis_posix *p = obj;
  jarvis_posix_msg *slot;
  (void)m;
  if (p->q_count == JARVIS_POSIX_QUEUE) {
    p->q_dropped++;
    plog(p, "mqtt: command queue full; dropped a message on %.64s", msg->topic);
    return;
  }
  slot = &p->queue[(p->q_head + p->q_count) % JARVIS_POSIX_QUEUE];
  slot->topic = strdup(msg->topic);
  slot->len = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0;
  slot->payload = malloc(slot->len + 1);
  if (slot->topic == NULL || slot->payload == NULL) {
    free(slot->topic);
    free(slot->payload);
    p->q_dropped++;
    return;
  }
  if (slot->len) memcpy(slot->payload, msg->payload, slot->len);
  p->q_count++;
}

static int hal_mqtt_connect(void *ctx, const char *will_topic) {
  static const char will[] = "{\"state\":\"offline\"}";
  jarvis_posix *p = ctx;
  struct timespec t0;
  int rc;
  if (p->mosq != NULL) mosquitto_destroy(p->mosq);
  p->mqtt_connected = 0;
  p->connack_rc = -1;
  p->mosq = mosquitto_new(p->client_id, true, p);
  if (p->mosq == NULL) return -1;
  mosquitto_connect_callback_set(p->mosq, on_connect);
  mosquitto_disconnect_callback_set(p->mosq, on_disconnect);
  mosquitto_message_callback_set(p->mosq, on_message);
  if (mosquitto_username_pw_set(p->mosq, p->username, p->password) != MOSQ_ERR_SUCCESS ||
      mosquitto_will_set(p->mosq, will_topic, (int)strlen(will), will, 1, true) != MOSQ_ERR_SUCCESS)
    return -1;
  rc = mosquitto_connect(p->mosq, p->mqtt_host, p->mqtt_port, 10);
  if (rc != MOSQ_ERR_SUCCESS) {
    plog(p, "mqtt: cannot connect to %s:%d: %s", p->mqtt_host, p->mqtt_port, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
    return -1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (p->connack_rc < 0 && ms_since(&t0) < 3000u) {
    if (mosquitto_loop(p->mosq, 50, 1) != MOSQ_ERR_SUCCESS) break;
  }
  if (!p->mqtt_connected) {
    plog(p, "mqtt: login refused or no answer: %s", p->connack_rc > 0 ? mosquitto_connack_string(p->connack_rc) : "no CONNACK");
    return -1;
  }
  plog(p, "mqtt: connected to %s:%d", p->mqtt_host, p->mqtt_port);
  return 0;
}

static int hal_mqtt_up(void *ctx) { return ((jarvis_posix *)ctx)->mqtt_connected; }

static int hal_publish(void *ctx, const char *topic, const char *payload, int qos, int retain) {
  jarvis_posix *p = ctx;
  if (p->mosq == NULL || !p->mqtt_connected) return -1;
  return mosquitto_publish(p->mosq, NULL, topic, (int)strlen(payload), payload, qos, retain != 0) == MOSQ_ERR_SUCCESS ? 0 : -1;
}

static int hal_subscribe(void *ctx, const char *topic, int qos) {
  jarvis_posix *p = ctx;
  if (p->mosq == NULL || !p->mqtt_connected) return -1;
  return mosquitto_subscribe(p->mosq, NULL, topic, qos) == MOSQ_ERR_SUCCESS ? 0 : -1;
}

void jarvis_posix_service(jarvis_posix *p, jarvis_core *core) {
  if (p->mosq != NULL && p->mqtt_connected) {
    int rc = mosquitto_loop(p->mosq, 0, 1);
    if (rc != MOSQ_ERR_SUCCESS && p->mqtt_connected) {
      plog(p, "mqtt: connection lost (%s)", mosquitto_strerror(rc));
      p->mqtt_connected = 0;
    }
  }
  while (p->q_count > 0) {
    jarvis_posix_msg *m = &p->queue[p->q_head];
    p->q_head = (p->q_head + 1) % JARVIS_POSIX_QUEUE;
    p->q_count--;
    (void)jarvis_core_on_message(core, m->topic, m->payload, m->len);
    free(m->topic);
    free(m->payload);
  }
}

void jarvis_posix_shutdown(jarvis_posix *p) {
  if (p->mosq != NULL && p->mqtt_connected) {
    struct timespec t0;
    char topic[64];
    (void)snprintf(topic, sizeof topic, "jarvis/v1/device/%.8s/status", p->client_id + 7);
    (void)mosquitto_publish(p->mosq, NULL, topic, 19, "{\"state\":\"offline\"}", 1, true);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (ms_since(&t0) < 300u && mosquitto_want_write(p->mosq)) (void)mosquitto_loop(p->mosq, 20, 1);
    (void)mosquitto_disconnect(p->mosq);
  }
  if (p->mosq != NULL) mosquitto_destroy(p->mosq);
  p->mosq = NULL;
  mosquitto_lib_cleanup();
}

/* ---- NVS: a file of key=hex lines ---- */

typedef struct nvs_entry {
  char key[NVS_KEY_BYTES];
  uint8_t value[NVS_MAX_VALUE];
  size_t len;
} nvs_entry;

static int hex_nibble(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Reads every entry; a malformed line is skipped (the file is only ever written whole by nvs_save). */
static int nvs_load(const char *path, nvs_entry *e, int max) {
  FILE *f = fopen(path, "r");
  char line[NVS_KEY_BYTES + 2 * NVS_MAX_VALUE + 8];
  int n = 0;
  if (f == NULL) return 0;
  while (n < max && fgets(line, sizeof line, f) != NULL) {
    char *eq = strchr(line, '=');
    size_t hex, i;
    int ok = 1;
    line[strcspn(line, "\r\n")] = '\0';
    if (eq == NULL || eq == line || (size_t)(eq - line) >= NVS_KEY_BYTES) continue;
    hex = strlen(eq + 1);
    if (hex % 2 != 0 || hex / 2 > NVS_MAX_VALUE) continue;
    for (i = 0; i < hex / 2 && ok; i++) {
      int hi = hex_nibble(eq[1 + 2 * i]), lo = hex_nibble(eq[2 + 2 * i]);
      if (hi < 0 || lo < 0) ok = 0;
      else e[n].value[i] = (uint8_t)(hi << 4 | lo);
    }
    if (!ok) continue;
    memcpy(e[n].key, line, (size_t)(eq - line));
    e[n].key[eq - line] = '\0';
    e[n].len = hex / 2;
    n++;
  }
  fclose(f);
  return n;
}

static int nvs_save(const char *path, const nvs_entry *e, int n) {
  char tmp[4096], dir[4096];
  FILE *f;
  int i, fd;
  size_t k;
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) return -1;
  f = fopen(tmp, "w");
  if (f == NULL) return -1;
  for (i = 0; i < n; i++) {
    fprintf(f, "%s=", e[i].key);
    for (k = 0; k < e[i].len; k++) fprintf(f, "%02x", e[i].value[k]);
    fputc('\n', f);
  }
  if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
    fclose(f);
    return -1;
  }
  if (fclose(f) != 0 || rename(tmp, path) != 0) return -1;
  (void)snprintf(dir, sizeof dir, "%s", path);
  fd = open(dirname(dir), O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  return 0;
}

static nvs_entry nvs_entries[NVS_MAX_KEYS];

int jarvis_posix_nvs_get(void *ctx, const char *key, void *out, size_t cap) {
  jarvis_posix *p = ctx;
  int n = nvs_load(p->nvs_path, nvs_entries, NVS_MAX_KEYS), i;
  for (i = 0; i < n; i++)
    if (strcmp(nvs_entries[i].key, key) == 0) {
      memcpy(out, nvs_entries[i].value, nvs_entries[i].len < cap ? nvs_entries[i].len : cap);
      return (int)nvs_entries[i].len;
    }
  return -1;
}

int jarvis_posix_nvs_set(void *ctx, const char *key, const void *data, size_t len) {
  jarvis_posix *p = ctx;
  int n = nvs_load(p->nvs_path, nvs_entries, NVS_MAX_KEYS), i;
  if (len > NVS_MAX_VALUE || strlen(key) >= NVS_KEY_BYTES || strchr(key, '=') != NULL) return -1;
  for (i = 0; i < n; i++)
    if (strcmp(nvs_entries[i].key, key) == 0) break;
  if (i == n) {
    if (n == NVS_MAX_KEYS) return -1;
    n++;
    (void)snprintf(nvs_entries[i].key, NVS_KEY_BYTES, "%s", key);
  }
  memcpy(nvs_entries[i].value, data, len);
  nvs_entries[i].len = len;
  return nvs_save(p->nvs_path, nvs_entries, n);
}

/* ---- the provisioning join check ---- */

int jarvis_posix_parse_mqtt_url(const char *url, char *host, size_t cap, int *port) {
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
  if (jarvis_split_host_port(hp, host, cap, port) == 0) return 0;
  if (strchr(hp, ':') != NULL || len >= cap) return -1; /* no port: the default */
  memcpy(host, hp, len + 1);
  *port = 1883;
  return 0;
}

static void on_join_connect(struct mosquitto *m, void *obj, int rc) {
  (void)m;
  ((jarvis_posix *)obj)->join_connack = rc;
}

/* A NUL-terminated NVS string; 0, or -1 when absent or too long. */
static int nvs_string(jarvis_posix *p, const char *key, char *out, size_t cap) {
  int n = jarvis_posix_nvs_get(p, key, out, cap - 1);
  if (n < 0 || (size_t)n >= cap) return -1;
  out[n] = '\0';
  return 0;
}

static int join_fail(jarvis_posix *p, const char *why) {
  plog(p, "join: %s", why);
  p->join_state = -1;
  return 0; /* started; join_poll reports the failure */
}

static int hal_join_start(void *ctx, const char *ssid, const char *password) {
  jarvis_posix *p = ctx;
  uint8_t id_key[JARVIS_CORE_BUNDLE_BYTES];
  char url[160], user[128], pass[128], host[256], client_id[48];
  unsigned long id;
  int port = 0, rc;
  p->join_state = 0;
  p->join_connack = -1;
  clock_gettime(CLOCK_MONOTONIC, &p->join_t0);
  gpio_load(p);
  if (!p->wifi) return join_fail(p, "Wi-Fi is down (the GPIO double says wifi=0)");
  if (p->wifi_ap_count > 0) {
    unsigned i;
    size_t sl = strlen(ssid);
    int found = 0;
    for (i = 0; i < p->wifi_ap_count && !found; i++) {
      const char *ap = p->wifi_aps[i];
      found = strncmp(ap, ssid, sl) == 0 && ap[sl] == '=' && strcmp(ap + sl + 1, password) == 0;
    }
    if (!found) return join_fail(p, "no simulated access point (--wifi-ap) has that SSID and password");
  }
  if (jarvis_posix_nvs_get(p, JARVIS_CORE_NVS_BUNDLE, id_key, sizeof id_key) != (int)sizeof id_key) {
    plog(p, "join: Wi-Fi joined (simulated); no bundle stored yet, so no MQTT login to check");
    p->join_state = 2;
    return 0;
  }
  id = (unsigned long)id_key[0] | (unsigned long)id_key[1] << 8 | (unsigned long)id_key[2] << 16 | (unsigned long)id_key[3] << 24;
  memset(id_key, 0, sizeof id_key);
  if (nvs_string(p, JARVIS_PROV_NVS_MQTT_URL, url, sizeof url) < 0 || nvs_string(p, JARVIS_PROV_NVS_MQTT_USER, user, sizeof user) < 0 ||
      nvs_string(p, JARVIS_PROV_NVS_MQTT_PASS, pass, sizeof pass) < 0)
    return join_fail(p, "the stored bundle has no MQTT login");
  rc = jarvis_posix_parse_mqtt_url(p->mqtt_override != NULL ? p->mqtt_override : url, host, sizeof host, &port);
  if (rc < 0) {
    memset(pass, 0, sizeof pass);
    return join_fail(p, rc == -2 ? "mqtts:// is not supported by the POSIX HAL" : "the stored MQTT URL is not mqtt://HOST[:PORT]");
  }
  (void)snprintf(client_id, sizeof client_id, "jarvis-%08lx-check", id); /* never the running -wearable session [MQTT-6.9] */
  p->join_mosq = mosquitto_new(client_id, true, p);
  if (p->join_mosq == NULL || mosquitto_username_pw_set(p->join_mosq, user, pass) != MOSQ_ERR_SUCCESS) {
    memset(pass, 0, sizeof pass);
    return join_fail(p, "libmosquitto could not make a client");
  }
  memset(pass, 0, sizeof pass);
  mosquitto_connect_callback_set(p->join_mosq, on_join_connect);
  rc = mosquitto_connect(p->join_mosq, host, port, 10);
  if (rc != MOSQ_ERR_SUCCESS) {
    char why[640];
    (void)snprintf(why, sizeof why, "Wi-Fi joined (simulated), but the hub's MQTT broker %s:%d cannot be reached: %s", host, port,
                   rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
    return join_fail(p, why);
  }
  plog(p, "join: Wi-Fi joined (simulated); logging in to %s:%d as %s to check the bundle's login", host, port, client_id);
  p->join_state = 1;
  return 0;
}

static int hal_join_poll(void *ctx) {
  jarvis_posix *p = ctx;
  if (p->join_state == 1) {
    int rc = mosquitto_loop(p->join_mosq, 0, 1);
    if (p->join_connack == 0) {
      plog(p, "join: the hub's MQTT broker accepted the login");
      p->join_state = 2;
    } else if (p->join_connack > 0) {
      char why[160];
      (void)snprintf(why, sizeof why, "the hub's MQTT broker refused the login: %s", mosquitto_connack_string(p->join_connack));
      (void)join_fail(p, why);
    } else if (rc != MOSQ_ERR_SUCCESS) {
      char why[160];
      (void)snprintf(why, sizeof why, "the connection to the hub's MQTT broker failed: %s", rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
      (void)join_fail(p, why);
    } else if (ms_since(&p->join_t0) > 5000u) {
      (void)join_fail(p, "the hub's MQTT broker did not answer the login within 5 s");
    }
  }
  return p->join_state == 2 ? 1 : p->join_state < 0 ? -1 : 0;
}

static void hal_join_end(void *ctx) {
  jarvis_posix *p = ctx;
  if (p->join_mosq != NULL) {
    if (p->join_connack == 0) {
      (void)mosquitto_disconnect(p->join_mosq);
      (void)mosquitto_loop(p->join_mosq, 0, 1);
    }
    mosquitto_destroy(p->join_mosq);
    p->join_mosq = NULL;
  }
  p->join_state = 0;
}

static void hal_led_color(void *ctx, int32_t rgb) {
  if (rgb < 0) jarvis_posix_log(ctx, "led color default");
  else plog(ctx, "led color #%06lx", (unsigned long)rgb);
}

/* ---- random and the table ---- */

static uint32_t hal_random(void *ctx) {
  jarvis_posix *p = ctx;
  uint32_t v = 0;
  if (read(p->urandom_fd, &v, sizeof v) != (ssize_t)sizeof v) v = (uint32_t)rand();
  return v;
}

int jarvis_posix_init(jarvis_posix *p, jarvis_hal *hal, char *err, size_t cap) {
  clock_gettime(CLOCK_MONOTONIC, &p->t0);
  p->urandom_fd = open("/dev/urandom", O_RDONLY);
  if (p->urandom_fd < 0) {
    (void)snprintf(err, cap, "JARVIS_FW_RANDOM: cannot open /dev/urandom: %s", strerror(errno));
    return -1;
  }
  if (mosquitto_lib_init() != MOSQ_ERR_SUCCESS) {
    (void)snprintf(err, cap, "JARVIS_FW_MQTT: libmosquitto failed to initialise");
    return -1;
  }
  memset(hal, 0, sizeof *hal);
  hal->ctx = p;
  hal->now_ms = hal_now;
  hal->mic_read = hal_mic;
  hal->gpio_read = hal_gpio;
  hal->led_set = hal_led;
  hal->wifi_connect = hal_wifi_connect;
  hal->wifi_up = hal_wifi_up;
  hal->mqtt_connect = hal_mqtt_connect;
  hal->mqtt_up = hal_mqtt_up;
  hal->mqtt_publish = hal_publish;
  hal->udp_send = hal_udp;
  hal->nvs_get = jarvis_posix_nvs_get;
  hal->nvs_set = jarvis_posix_nvs_set;
  hal->random_u32 = hal_random;
  hal->mqtt_subscribe = hal_subscribe;
  hal->log = jarvis_posix_log;
  hal->join_start = hal_join_start;
  hal->join_poll = hal_join_poll;
  hal->join_end = hal_join_end;
  hal->led_color = hal_led_color;
  return 0;
}
