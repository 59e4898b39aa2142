/*
 * The device bundle `jarvis device add` prints (JSON, version 1), read on the device: by the serial
 * provisioning (jarvis_provision.h) and by the POSIX main. Validates like @jarvis/protocol's
 * deviceBundleSchema for the fields the firmware uses, and keeps what the device stores. No heap.
 */
#ifndef JARVIS_BUNDLE_H
#define JARVIS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JARVIS_BUNDLE_MAX_JSON 4096u
#define JARVIS_BUNDLE_HTTP_BYTES 128u

typedef struct jarvis_bundle {
  uint32_t device_id;
  char device_id_text[9];
  uint8_t key[32];
  char mqtt_url[128];
  char username[64];
  char password[128];
  char hub_udp[80]; /* HOST:PORT */
  char hub_http[JARVIS_BUNDLE_HTTP_BYTES]; /* the hub's HTTP base URL (its dashboard), http:// or https:// */
} jarvis_bundle;

/*
 * Parses a bundle (len bytes, not NUL-terminated). Returns 0, or -1 with *why naming the field
 * ("key: must be 64 lowercase hex digits (32 bytes)"). kind must be "wearable". *why never holds key bytes.
 */
int jarvis_bundle_parse(const char *json, size_t len, jarvis_bundle *out, const char **why);

/* Splits HOST:PORT or [v6]:PORT into host (cap bytes) and port 1..65535; 0 or -1. */
int jarvis_split_host_port(const char *text, char *host, size_t cap, int *port);

/* Wipes the key (and the password) from a bundle in RAM. */
void jarvis_bundle_wipe(jarvis_bundle *b);

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_BUNDLE_H */
