/* The device bundle reader; see jarvis_bundle.h. */
#include "jarvis_bundle.h"

#include <string.h>

#include "jarvis_json.h"

static int is_lower_hex(const char *s, size_t n) {
  size_t i;
  if (strlen(s) != n) return 0;
  for (i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return 1;
}

static unsigned hexval(char c) { return c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10); }

/* The last member of an object with this name: 1 found, 0 absent, -1 malformed. */
static int member(const char *obj, size_t n, const char *name, jarvis_json_span *out) {
  jarvis_json_iter it;
  jarvis_json_span k, v;
  int rc, found = 0;
  if (jarvis_json_object_begin(&it, obj, n) < 0) return -1;
  while ((rc = jarvis_json_object_next(&it, &k, &v)) == 1)
    if (jarvis_json_key_is(&k, name)) *out = v, found = 1;
  return rc < 0 ? -1 : found;
}

static int member_string(const char *obj, size_t n, const char *name, char *out, size_t cap) {
  jarvis_json_span v;
  if (member(obj, n, name, &v) != 1 || v.type != JARVIS_JSON_STRING) return -1;
  return jarvis_json_string(&v, out, cap) < 0 ? -1 : 0;
}

static int fail(const char **why, const char *text) {
  if (why != NULL) *why = text;
  return -1;
}

int jarvis_split_host_port(const char *text, char *host, size_t cap, int *port) {
  const char *colon, *p;
  size_t len;
  long value = 0;
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
  if (colon[1] == '\0' || strlen(colon + 1) > 5) return -1;
  for (p = colon + 1; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    value = value * 10 + (*p - '0');
  }
  if (value < 1 || value > 65535) return -1;
  *port = (int)value;
  return 0;
}

int jarvis_bundle_parse(const char *json, size_t len, jarvis_bundle *out, const char **why) {
  char key_hex[72], kind[16], host[80];
  jarvis_json_span v, mqtt, hub;
  int64_t version;
  int exact, port, i;
  jarvis_bundle b;
  if (json == NULL || out == NULL) return fail(why, "(bundle): missing");
  if (len > JARVIS_BUNDLE_MAX_JSON) return fail(why, "(bundle): larger than 4096 bytes");
  if (jarvis_json_validate(json, len) != JARVIS_JSON_OBJECT) return fail(why, "(bundle): not a JSON object");
  memset(&b, 0, sizeof b);
  if (member(json, len, "version", &v) != 1 || v.type != JARVIS_JSON_NUMBER || jarvis_json_milli(&v, &version, &exact) < 0 ||
      version != 1000 || !exact)
    return fail(why, "version: must be 1");
  if (member_string(json, len, "deviceId", b.device_id_text, sizeof b.device_id_text) < 0 || !is_lower_hex(b.device_id_text, 8))
    return fail(why, "deviceId: must be 8 lowercase hex digits");
  for (i = 0; i < 8; i++) b.device_id = b.device_id << 4 | hexval(b.device_id_text[i]);
  if (member_string(json, len, "key", key_hex, sizeof key_hex) < 0 || !is_lower_hex(key_hex, 64)) {
    memset(key_hex, 0, sizeof key_hex);
    return fail(why, "key: must be 64 lowercase hex digits (32 bytes)");
  }
  for (i = 0; i < 32; i++) b.key[i] = (uint8_t)(hexval(key_hex[2 * i]) << 4 | hexval(key_hex[2 * i + 1]));
  memset(key_hex, 0, sizeof key_hex);
  if (member_string(json, len, "kind", kind, sizeof kind) < 0 || strcmp(kind, "wearable") != 0)
    return jarvis_bundle_wipe(&b), fail(why, "kind: must be wearable (this is the wearable firmware)");
  if (member(json, len, "mqtt", &mqtt) != 1 || mqtt.type != JARVIS_JSON_OBJECT) return jarvis_bundle_wipe(&b), fail(why, "mqtt: must be an object");
  if (member_string(mqtt.p, mqtt.n, "url", b.mqtt_url, sizeof b.mqtt_url) < 0 ||
      (strncmp(b.mqtt_url, "mqtt://", 7) != 0 && strncmp(b.mqtt_url, "mqtts://", 8) != 0))
    return jarvis_bundle_wipe(&b), fail(why, "mqtt.url: must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT] of at most 127 bytes");
  if (member_string(mqtt.p, mqtt.n, "username", b.username, sizeof b.username) < 0 || b.username[0] == '\0')
    return jarvis_bundle_wipe(&b), fail(why, "mqtt.username: must be a non-empty string of at most 63 bytes");
  if (member_string(mqtt.p, mqtt.n, "password", b.password, sizeof b.password) < 0 || b.password[0] == '\0')
    return jarvis_bundle_wipe(&b), fail(why, "mqtt.password: must be a non-empty string of at most 127 bytes");
  if (member(json, len, "hub", &hub) != 1 || hub.type != JARVIS_JSON_OBJECT) return jarvis_bundle_wipe(&b), fail(why, "hub: must be an object");
  if (member_string(hub.p, hub.n, "udp", b.hub_udp, sizeof b.hub_udp) < 0 || jarvis_split_host_port(b.hub_udp, host, sizeof host, &port) < 0)
    return jarvis_bundle_wipe(&b), fail(why, "hub.udp: must be HOST:PORT with a port from 1 to 65535");
  if (member_string(hub.p, hub.n, "http", b.hub_http, sizeof b.hub_http) < 0 ||
      (strncmp(b.hub_http, "http://", 7) != 0 && strncmp(b.hub_http, "https://", 8) != 0) || strlen(b.hub_http) < 9)
    return jarvis_bundle_wipe(&b), fail(why, "hub.http: must be an http:// or https:// URL of at most 127 bytes");
  *out = b;
  jarvis_bundle_wipe(&b);
  return 0;
}

void jarvis_bundle_wipe(jarvis_bundle *b) {
  volatile uint8_t *p = (volatile uint8_t *)b->key;
  size_t i;
  for (i = 0; i < sizeof b->key; i++) p[i] = 0;
  p = (volatile uint8_t *)b->password;
  for (i = 0; i < sizeof b->password; i++) p[i] = 0;
}
