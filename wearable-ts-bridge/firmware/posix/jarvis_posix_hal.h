/*
 * The POSIX HAL of the wearable firmware core: the same core as on the ESP32, on a Linux host.
 * - mic: a 16-bit mono PCM WAV file (optionally looped) or raw s16le on stdin, delivered in real time
 *   from the first read (as an I2S DMA would), ending at end of input;
 * - GPIO: a text file re-read every few ms (`mute=1`, `button=0`, `ptt=1`, `wifi=0`), missing = all off
 *   and Wi-Fi up; the LED is logged as `led 1` / `led 0`;
 * - clock: CLOCK_MONOTONIC; random: /dev/urandom;
 * - UDP: a real socket connected to the hub's audio port;
 * - MQTT: libmosquitto (Debian's libmosquitto-dev), MQTT 3.1.1, clean session, the bundle's login and
 *   client id jarvis-<id>-wearable; received messages are queued and handed to the core between polls;
 * - NVS: one file of `key=hex` lines, replaced atomically (write, fsync, rename, fsync the folder);
 * - the provisioning join check (Improv): the host has no radio, so the Wi-Fi part is simulated (the GPIO
 *   file's `wifi=0` fails it; with --wifi-ap SSID=PASSWORD only those networks join), and the MQTT part is
 *   real: a login to the stored bundle's broker as jarvis-<id>-check, CONNACK awaited (at most 5 s).
 * Host-only code: it may use the heap; the core it drives does not.
 */
#ifndef JARVIS_POSIX_HAL_H
#define JARVIS_POSIX_HAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "jarvis_core.h"

#define JARVIS_POSIX_QUEUE 32
#define JARVIS_POSIX_MAX_APS 4

struct mosquitto;

typedef struct jarvis_posix_msg {
  char *topic;
  uint8_t *payload;
  size_t len;
} jarvis_posix_msg;

typedef struct jarvis_posix {
  struct timespec t0;
  uint32_t sample_rate;
  /* mic */
  int16_t *wav;         /* the WAV's samples (NULL with stdin) */
  size_t wav_len, wav_pos;
  int mic_loop, mic_stdin, mic_eof, mic_started;
  struct timespec mic_t0;
  uint64_t mic_delivered;
  int stdin_odd;        /* a byte of a half-read sample is pending */
  uint8_t stdin_byte;
  /* GPIO double */
  const char *gpio_path;
  uint32_t gpio_read_ms;
  int gpio_loaded, gpio_warned;
  int mute, button, ptt, wifi;
  /* UDP */
  int udp_fd;
  /* MQTT */
  struct mosquitto *mosq;
  char mqtt_host[256];
  int mqtt_port;
  char username[128], password[128], client_id[48];
  int mqtt_connected, connack_rc;
  jarvis_posix_msg queue[JARVIS_POSIX_QUEUE];
  unsigned q_head, q_count, q_dropped;
  /* NVS */
  const char *nvs_path;
  int urandom_fd;
  /* provisioning join check */
  const char *wifi_aps[JARVIS_POSIX_MAX_APS]; /* "SSID=PASSWORD"; none = any network joins */
  unsigned wifi_ap_count;
  const char *mqtt_override;                  /* --mqtt: used instead of the bundle's URL */
  struct mosquitto *join_mosq;
  int join_state;                             /* 0 idle, 1 MQTT login under way, 2 joined, -1 failed */
  int join_connack;
  struct timespec join_t0;
} jarvis_posix;

/* Opens the mic (path "-" = stdin raw s16le). Returns 0, or -1 with a message in err. */
int jarvis_posix_open_mic(jarvis_posix *p, const char *path, int loop, uint32_t sample_rate, char *err, size_t cap);
/* Resolves and connects the UDP socket to host:port. Returns 0 or -1 with a message. */
int jarvis_posix_open_udp(jarvis_posix *p, const char *host, int port, char *err, size_t cap);
/* Fills the rest (clock, /dev/urandom, libmosquitto) and the HAL table. Returns 0 or -1. */
int jarvis_posix_init(jarvis_posix *p, jarvis_hal *hal, char *err, size_t cap);
/* Runs the MQTT client's network step and hands queued messages to the core. Call once per loop. */
void jarvis_posix_service(jarvis_posix *p, jarvis_core *core);
/* Publishes status offline and disconnects (a clean power-off; a killed process leaves the last will). */
void jarvis_posix_shutdown(jarvis_posix *p);

/* NVS file access, also used by main to provision the bundle. */
int jarvis_posix_nvs_get(void *ctx, const char *key, void *out, size_t cap);
int jarvis_posix_nvs_set(void *ctx, const char *key, const void *data, size_t len);

/* mqtt://HOST[:PORT] (no login in the URL) into host and port: 0, -2 for mqtts:// (no TLS here), -1 otherwise. */
int jarvis_posix_parse_mqtt_url(const char *url, char *host, size_t cap, int *port);

/* One log line on stderr with the monotonic time. */
void jarvis_posix_log(void *ctx, const char *line);

#endif /* JARVIS_POSIX_HAL_H */
