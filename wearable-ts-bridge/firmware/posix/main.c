/*
 * jarvis-wearable-posix: the wearable firmware core on a Linux host, with the POSIX HAL.
 *
 *   jarvis-wearable-posix --nvs FILE [--bundle FILE] [--console TTY] [--mic FILE.wav|-] [--loop]
 *                         [--gpio FILE] [--hub HOST:PORT] [--mqtt mqtt://HOST:PORT] [--wifi-ap SSID=PASSWORD]
 *                         [--codec pcm16|adpcm]
 *                         [--frame-ms 10|20|40] [--ring-ms N] [--debounce-ms N] [--keepalive-ms N]
 *
 * The device learns its identity and links from NVS, as on the board: `--bundle FILE` (the JSON
 * `jarvis device add` prints) writes them there first, or `--console TTY` takes them over a serial line
 * (jarvis_provision.h: Improv Wi-Fi and the JVP1 bundle line; `jarvis-wearable provision` speaks it).
 * The Improv join check has no radio to try here: --wifi-ap SSID=PASSWORD (up to 4) names the networks
 * that "join" (none given: any), and the MQTT login to the stored bundle's broker is tried for real.
 * SIGTERM / SIGINT power the device off cleanly (status offline); SIGKILL is a power cut (last will).
 * Exit codes: 0 stopped, 2 bad arguments / bundle / mic, 3 the core faulted (boot counter exhausted).
 * The key and the MQTT password are never printed.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "jarvis_bundle.h"
#include "jarvis_core.h"
#include "jarvis_posix_hal.h"
#include "jarvis_provision.h"


static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int usage(const char *why) {
  fprintf(stderr,
          "jarvis-posix: JARVIS_FW_BAD_OPTION: %s\n"
          "usage: jarvis-wearable-posix --nvs FILE [--bundle FILE] [--console TTY] [--mic FILE.wav|-] [--loop] [--gpio FILE]\n"
          "       [--hub HOST:PORT] [--mqtt mqtt://HOST:PORT] [--wifi-ap SSID=PASSWORD] [--codec pcm16|adpcm] [--frame-ms 10|20|40]\n"
          "       [--ring-ms N] [--debounce-ms N] [--keepalive-ms N]\n",
          why);
  return 2;
}

static int bad_bundle(const char *path, const char *why) {
  fprintf(stderr, "jarvis-posix: JARVIS_FW_BAD_BUNDLE: %s: %s\n", path, why);
  return 2;
}

/* Reads a bundle file and stores it in NVS exactly as the serial provisioning does. */
static int provision_from_file(jarvis_posix *p, const char *path) {
  static char text[JARVIS_BUNDLE_MAX_JSON + 1];
  jarvis_bundle b;
  const char *why = "";
  uint8_t id_key[JARVIS_CORE_BUNDLE_BYTES], stored[JARVIS_CORE_BUNDLE_BYTES];
  size_t n;
  int rc = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return bad_bundle(path, "cannot be opened");
  n = fread(text, 1, sizeof text, f);
  fclose(f);
  if (n > JARVIS_BUNDLE_MAX_JSON) return bad_bundle(path, "(bundle): larger than 4096 bytes");
  rc = jarvis_bundle_parse(text, n, &b, &why);
  memset(text, 0, sizeof text); /* the key was in it */
  if (rc != 0) return bad_bundle(path, why);
  id_key[0] = (uint8_t)b.device_id;
  id_key[1] = (uint8_t)(b.device_id >> 8);
  id_key[2] = (uint8_t)(b.device_id >> 16);
  id_key[3] = (uint8_t)(b.device_id >> 24);
  memcpy(id_key + 4, b.key, 32);
  if (jarvis_posix_nvs_set(p, JARVIS_PROV_NVS_MQTT_URL, b.mqtt_url, strlen(b.mqtt_url)) != 0 ||
      jarvis_posix_nvs_set(p, JARVIS_PROV_NVS_MQTT_USER, b.username, strlen(b.username)) != 0 ||
      jarvis_posix_nvs_set(p, JARVIS_PROV_NVS_MQTT_PASS, b.password, strlen(b.password)) != 0 ||
      jarvis_posix_nvs_set(p, JARVIS_PROV_NVS_HUB_UDP, b.hub_udp, strlen(b.hub_udp)) != 0 ||
      jarvis_posix_nvs_set(p, JARVIS_PROV_NVS_HUB_HTTP, b.hub_http, strlen(b.hub_http)) != 0)
    rc = -1;
  if (rc == 0 && (jarvis_posix_nvs_get(p, JARVIS_CORE_NVS_BUNDLE, stored, sizeof stored) != (int)sizeof stored ||
                  memcmp(stored, id_key, sizeof id_key) != 0))
    rc = jarvis_posix_nvs_set(p, JARVIS_CORE_NVS_BUNDLE, id_key, sizeof id_key);
  memset(id_key, 0, sizeof id_key);
  memset(stored, 0, sizeof stored);
  jarvis_bundle_wipe(&b);
  if (rc != 0) {
    fprintf(stderr, "jarvis-posix: JARVIS_FW_NVS: cannot write %s\n", p->nvs_path);
    return 2;
  }
  return 0;
}

/* A NUL-terminated string from NVS; 0 or -1 when absent or too long. */
static int nvs_text(jarvis_posix *p, const char *key, char *out, size_t cap) {
  int n = jarvis_posix_nvs_get(p, key, out, cap - 1);
  if (n < 0 || (size_t)n >= cap) return -1;
  out[n] = '\0';
  return 0;
}

static int number_arg(const char *text, long lo, long hi, long *out) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*end != '\0' || end == text || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

/* ---- the serial console (provisioning) ---- */

static int console_fd = -1;

static void console_write(void *ctx, const uint8_t *data, size_t len) {
  (void)ctx;
  while (len > 0 && console_fd >= 0) {
    ssize_t n = write(console_fd, data, len);
    if (n > 0) {
      data += n;
      len -= (size_t)n;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return;
    }
  }
}

static int open_console(const char *path) {
  struct termios t;
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  if (tcgetattr(fd, &t) == 0) { /* raw 8N1, as a UART: no echo, no line editing, no CR/LF mapping */
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag &= ~(tcflag_t)OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    (void)cfsetispeed(&t, B115200);
    (void)cfsetospeed(&t, B115200);
    (void)tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}

/* Loads the MQTT login and the hub address the provisioning stored; 0, or -1 when not provisioned yet. */
static int load_links(jarvis_posix *p, const char *mqtt_override, const char *hub_override, char *err, size_t cap) {
  char url[160], hub[96], host[256];
  uint8_t id_key[JARVIS_CORE_BUNDLE_BYTES];
  unsigned long id;
  int port = 0, rc;
  if (jarvis_posix_nvs_get(p, JARVIS_CORE_NVS_BUNDLE, id_key, sizeof id_key) != (int)sizeof id_key ||
      nvs_text(p, JARVIS_PROV_NVS_MQTT_URL, url, sizeof url) < 0 || nvs_text(p, JARVIS_PROV_NVS_MQTT_USER, p->username, sizeof p->username) < 0 ||
      nvs_text(p, JARVIS_PROV_NVS_MQTT_PASS, p->password, sizeof p->password) < 0 || nvs_text(p, JARVIS_PROV_NVS_HUB_UDP, hub, sizeof hub) < 0) {
    memset(id_key, 0, sizeof id_key);
    return -1;
  }
  id = (unsigned long)id_key[0] | (unsigned long)id_key[1] << 8 | (unsigned long)id_key[2] << 16 | (unsigned long)id_key[3] << 24;
  memset(id_key, 0, sizeof id_key);
  (void)snprintf(p->client_id, sizeof p->client_id, "jarvis-%08lx-wearable", id); /* [MQTT-6.9] */
  rc = jarvis_posix_parse_mqtt_url(mqtt_override != NULL ? mqtt_override : url, p->mqtt_host, sizeof p->mqtt_host, &p->mqtt_port);
  if (rc == -2) return snprintf(err, cap, "JARVIS_FW_BAD_BUNDLE: mqtt.url: mqtts:// is not supported by the POSIX HAL (the ESP-IDF HAL has TLS)"), -2;
  if (rc < 0) return snprintf(err, cap, "JARVIS_FW_BAD_BUNDLE: mqtt.url: must be mqtt://HOST[:PORT]"), -2;
  if (jarvis_split_host_port(hub_override != NULL ? hub_override : hub, host, sizeof host, &port) < 0)
    return snprintf(err, cap, "JARVIS_FW_BAD_BUNDLE: hub.udp: must be HOST:PORT with a port from 1 to 65535"), -2;
  if (jarvis_posix_open_udp(p, host, port, err, cap) < 0) return -2;
  {
    char line[1024];
    (void)snprintf(line, sizeof line, "links: device %08lx, mqtt %s:%d as %s, udp %s:%d", id, p->mqtt_host, p->mqtt_port, p->username, host, port);
    jarvis_posix_log(p, line);
  }
  return 0;
}

int main(int argc, char **argv) {
  static jarvis_posix p;
  static jarvis_hal hal;
  static jarvis_core core;
  static jarvis_prov prov;
  static int16_t ring[16000 * 10];
  const char *bundle_path = NULL, *mic = NULL, *hub = NULL, *mqtt = NULL, *console = NULL;
  char err[512];
  int i, rc, loop = 0, linked = 0;
  uint32_t seen_bundles = 0;
  long ring_ms = 1000, frame_ms = 20, v;
  jarvis_core_config cfg = {JARVIS_CODEC_PCM16LE, 16000, 320, 30, 200, 8000, 1000};
  struct sigaction sa;

  memset(&p, 0, sizeof p);
  p.udp_fd = -1;
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
    else if (strcmp(a, "--console") == 0) console = next;
    else if (strcmp(a, "--mic") == 0) mic = next;
    else if (strcmp(a, "--gpio") == 0) p.gpio_path = next;
    else if (strcmp(a, "--hub") == 0) hub = next;
    else if (strcmp(a, "--mqtt") == 0) mqtt = next;
    else if (strcmp(a, "--wifi-ap") == 0) {
      if (strchr(next, '=') == NULL || next[0] == '=' || p.wifi_ap_count == JARVIS_POSIX_MAX_APS)
        return usage("--wifi-ap must be SSID=PASSWORD (at most 4)");
      p.wifi_aps[p.wifi_ap_count++] = next;
    }
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
  if (p.nvs_path == NULL) return usage("--nvs is required");
  p.mqtt_override = mqtt;
  cfg.frame_samples = (uint16_t)(cfg.sample_rate * frame_ms / 1000);
  if (jarvis_posix_init(&p, &hal, err, sizeof err) < 0 || (mic != NULL && jarvis_posix_open_mic(&p, mic, loop, cfg.sample_rate, err, sizeof err) < 0)) {
    fprintf(stderr, "jarvis-posix: %s\n", err);
    return 2;
  }
  /* Provisioning from a file: the same NVS entries the serial protocol writes. */
  if (bundle_path != NULL && (rc = provision_from_file(&p, bundle_path)) != 0) return rc;
  rc = load_links(&p, mqtt, hub, err, sizeof err);
  if (rc == -2) {
    fprintf(stderr, "jarvis-posix: %s\n", err);
    return 2;
  }
  linked = rc == 0;
  if (!linked && console == NULL) return usage("not provisioned: give --bundle FILE, or --console TTY to provision over serial");
  if (console != NULL) {
    console_fd = open_console(console);
    if (console_fd < 0) {
      fprintf(stderr, "jarvis-posix: JARVIS_FW_CONSOLE: cannot open %s: %s\n", console, strerror(errno));
      return 2;
    }
    jarvis_prov_init(&prov, &hal, console_write, NULL, "posix-host");
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
    char line[200];
    (void)snprintf(line, sizeof line, "start: %s, %s %ld ms frames%s", linked ? "provisioned" : "waiting for provisioning on the console",
                   cfg.codec == JARVIS_CODEC_IMA_ADPCM ? "adpcm" : "pcm16", frame_ms, console != NULL ? ", console open" : "");
    jarvis_posix_log(&p, line);
  }
  while (!stop_requested) {
    struct timespec nap = {0, 2 * 1000 * 1000};
    if (console_fd >= 0) {
      uint8_t in[512];
      ssize_t n = read(console_fd, in, sizeof in);
      if (n > 0) jarvis_prov_feed(&prov, in, (size_t)n);
      (void)jarvis_prov_poll(&prov); /* drives an Improv trial join */
      if (prov.bundle_stored != seen_bundles) {
        seen_bundles = prov.bundle_stored;
        if (core.state == JARVIS_STATE_PROVISIONING) {
          if (p.udp_fd >= 0) close(p.udp_fd), p.udp_fd = -1;
          rc = load_links(&p, mqtt, hub, err, sizeof err);
          if (rc == -2) jarvis_posix_log(&p, err);
          linked = rc == 0;
        } else {
          jarvis_posix_log(&p, "provision: a new bundle is stored; it applies at the next boot");
        }
      }
    }
    /* Until the links are known the core stays in PROVISIONING (no jv_bundle) and touches no network. */
    jarvis_posix_service(&p, &core);
    if (linked || core.state == JARVIS_STATE_PROVISIONING) jarvis_core_poll(&core);
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
