/* Serial provisioning: Improv Wi-Fi and the JVP1 line protocol; see jarvis_provision.h. */
#include "jarvis_provision.h"

#include <stdio.h>
#include <string.h>

#include "jarvis_bundle.h"
#include "jarvis_core.h"

#define IMPROV_HEADER "IMPROV"
#define IMPROV_VERSION 1u
enum { IMPROV_CURRENT_STATE = 1, IMPROV_ERROR_STATE = 2, IMPROV_RPC = 3, IMPROV_RPC_RESULT = 4 };
enum { IMPROV_READY = 2, IMPROV_PROVISIONING = 3, IMPROV_PROVISIONED = 4 };
enum { IMPROV_ERR_NONE = 0, IMPROV_ERR_INVALID = 1, IMPROV_ERR_UNKNOWN_RPC = 2, IMPROV_ERR_UNABLE_TO_CONNECT = 3, IMPROV_ERR_UNKNOWN = 0xFF };

uint32_t jarvis_crc32(const uint8_t *data, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  size_t i;
  int k;
  for (i = 0; i < n; i++) {
    crc ^= data[i];
    for (k = 0; k < 8; k++) crc = crc & 1u ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

void jarvis_prov_init(jarvis_prov *p, const jarvis_hal *hal, jarvis_prov_write write, void *write_ctx, const char *chip) {
  memset(p, 0, sizeof *p);
  p->hal = hal;
  p->write = write;
  p->write_ctx = write_ctx;
  p->chip = chip != NULL ? chip : "unknown";
}

static void prov_log(jarvis_prov *p, const char *line) {
  if (p->hal->log != NULL) p->hal->log(p->hal->ctx, line);
}

static void answer(jarvis_prov *p, const char *text) {
  p->write(p->write_ctx, (const uint8_t *)text, strlen(text));
  p->write(p->write_ctx, (const uint8_t *)"\n", 1);
}

static void answer_error(jarvis_prov *p, const char *code, const char *why) {
  char line[200];
  (void)snprintf(line, sizeof line, "JVP1 ERR %s %s", code, why);
  answer(p, line);
  prov_log(p, line);
}

/* ---- Improv ---- */

static void improv_send(jarvis_prov *p, uint8_t type, const uint8_t *data, uint8_t len) {
  uint8_t pkt[9 + 255 + 2];
  uint8_t sum = 0;
  size_t i, n = 0;
  memcpy(pkt, IMPROV_HEADER, 6);
  n = 6;
  pkt[n++] = IMPROV_VERSION;
  pkt[n++] = type;
  pkt[n++] = len;
  memcpy(pkt + n, data, len);
  n += len;
  for (i = 0; i < n; i++) sum = (uint8_t)(sum + pkt[i]);
  pkt[n++] = sum;
  pkt[n++] = '\n';
  p->write(p->write_ctx, pkt, n);
}

static void improv_state(jarvis_prov *p, uint8_t state) { improv_send(p, IMPROV_CURRENT_STATE, &state, 1); }
static void improv_error(jarvis_prov *p, uint8_t err) { improv_send(p, IMPROV_ERROR_STATE, &err, 1); }

/* RPC result: command, total length, then length-prefixed strings. */
static void improv_result(jarvis_prov *p, uint8_t cmd, const char *const *strings, unsigned count) {
  uint8_t data[255];
  size_t n = 2;
  unsigned i;
  for (i = 0; i < count; i++) {
    size_t len = strlen(strings[i]);
    if (n + 1 + len > sizeof data) break;
    data[n++] = (uint8_t)len;
    memcpy(data + n, strings[i], len);
    n += len;
  }
  data[0] = cmd;
  data[1] = (uint8_t)(n - 2);
  improv_send(p, IMPROV_RPC_RESULT, data, (uint8_t)n);
}

static int have(jarvis_prov *p, const char *key) {
  uint8_t probe[4];
  return p->hal->nvs_get(p->hal->ctx, key, probe, sizeof probe) >= 0;
}

/* The answer to a successful Wi-Fi RPC (and to "current state" once provisioned): the redirect URL, the
 * hub's dashboard from the stored bundle's hub.http, or no string before a bundle is stored. */
static void improv_provisioned_result(jarvis_prov *p) {
  char url[JARVIS_BUNDLE_HTTP_BYTES + 16];
  const char *strings[1];
  int n = p->hal->nvs_get(p->hal->ctx, JARVIS_PROV_NVS_HUB_HTTP, url, JARVIS_BUNDLE_HTTP_BYTES - 1);
  if (n <= 0 || n >= (int)JARVIS_BUNDLE_HTTP_BYTES - 1) {
    improv_result(p, 1, NULL, 0);
    return;
  }
  if (url[n - 1] == '/') n--;
  memcpy(url + n, "/#/devices", 11);
  strings[0] = url;
  improv_result(p, 1, strings, 1);
}

static void wipe_candidate(jarvis_prov *p) {
  volatile char *q = p->cand_pass;
  size_t i;
  for (i = 0; i < sizeof p->cand_pass; i++) q[i] = 0;
  memset(p->cand_ssid, 0, sizeof p->cand_ssid);
  p->cand_ssid_len = p->cand_pass_len = 0;
}

static void join_failed(jarvis_prov *p, const char *why) {
  char line[160];
  if (p->joining && p->hal->join_end != NULL) p->hal->join_end(p->hal->ctx);
  p->joining = 0;
  p->joins_failed++;
  (void)snprintf(line, sizeof line, "provision: Wi-Fi join (SSID of %u bytes) failed: %s; the stored Wi-Fi settings are kept",
                 (unsigned)p->cand_ssid_len, why);
  prov_log(p, line);
  wipe_candidate(p);
  improv_error(p, IMPROV_ERR_UNABLE_TO_CONNECT);
  improv_state(p, IMPROV_READY);
}

int jarvis_prov_poll(jarvis_prov *p) {
  int rc;
  if (!p->joining) return 0;
  rc = p->hal->join_poll(p->hal->ctx);
  if (rc == 0) {
    if ((uint32_t)(p->hal->now_ms(p->hal->ctx) - p->join_started_ms) < JARVIS_PROV_JOIN_TIMEOUT_MS) return 1;
    join_failed(p, "timed out");
    return 0;
  }
  if (rc < 0) {
    join_failed(p, have(p, JARVIS_CORE_NVS_BUNDLE) ? "the network or the hub's MQTT login did not answer yes" : "the network did not answer yes");
    return 0;
  }
  p->hal->join_end(p->hal->ctx);
  p->joining = 0;
  if (p->hal->nvs_set(p->hal->ctx, JARVIS_PROV_NVS_WIFI_SSID, p->cand_ssid, p->cand_ssid_len) != 0 ||
      p->hal->nvs_set(p->hal->ctx, JARVIS_PROV_NVS_WIFI_PASS, p->cand_pass, p->cand_pass_len) != 0) {
    prov_log(p, "provision: JARVIS_FW_NVS: the Wi-Fi settings could not be stored");
    wipe_candidate(p);
    improv_error(p, IMPROV_ERR_UNKNOWN);
    improv_state(p, IMPROV_READY);
    return 0;
  }
  p->wifi_stored++;
  {
    char line[120];
    (void)snprintf(line, sizeof line, "provision: Wi-Fi joined%s; settings stored (SSID of %u bytes)",
                   have(p, JARVIS_CORE_NVS_BUNDLE) ? " and the hub's MQTT login accepted" : "", (unsigned)p->cand_ssid_len);
    prov_log(p, line);
  }
  wipe_candidate(p);
  improv_state(p, IMPROV_PROVISIONED);
  improv_provisioned_result(p);
  return 0;
}

static void improv_packet(jarvis_prov *p, const uint8_t *pkt, size_t len) {
  uint8_t sum = 0;
  size_t i;
  uint8_t type = pkt[7], dlen = pkt[8];
  const uint8_t *d = pkt + 9;
  for (i = 0; i + 1 < len; i++) sum = (uint8_t)(sum + pkt[i]);
  if (pkt[6] != IMPROV_VERSION || sum != pkt[len - 1]) {
    prov_log(p, "provision: refused an Improv packet (bad version or checksum)");
    improv_error(p, IMPROV_ERR_INVALID);
    return;
  }
  if (type != IMPROV_RPC) return; /* states and results only flow device -> host */
  if (dlen < 2 || (size_t)d[1] + 2u != dlen) {
    improv_error(p, IMPROV_ERR_INVALID);
    return;
  }
  improv_error(p, IMPROV_ERR_NONE); /* the spec: each RPC command clears the error state first */
  switch (d[0]) {
    case 1: { /* send Wi-Fi settings: ssid_len ssid pass_len pass */
      const uint8_t *q = d + 2;
      size_t rest = d[1], ssid_len, pass_len;
      if (rest < 2 || (ssid_len = q[0]) == 0 || ssid_len > 32 || 1 + ssid_len + 1 > rest ||
          (pass_len = q[1 + ssid_len]) > 64 || 2 + ssid_len + pass_len != rest) {
        prov_log(p, "provision: refused Improv Wi-Fi settings (SSID 1-32 bytes, password 0-64)");
        improv_error(p, IMPROV_ERR_INVALID);
        return;
      }
      if (p->joining) { /* one trial at a time; the running one answers first */
        prov_log(p, "provision: refused Improv Wi-Fi settings: a join is already being tried");
        improv_error(p, IMPROV_ERR_UNKNOWN);
        return;
      }
      improv_state(p, IMPROV_PROVISIONING);
      memcpy(p->cand_ssid, q + 1, ssid_len);
      p->cand_ssid[ssid_len] = '\0';
      memcpy(p->cand_pass, q + 2 + ssid_len, pass_len);
      p->cand_pass[pass_len] = '\0';
      p->cand_ssid_len = (uint8_t)ssid_len;
      p->cand_pass_len = (uint8_t)pass_len;
      if (memchr(p->cand_ssid, 0, ssid_len) != NULL || memchr(p->cand_pass, 0, pass_len) != NULL) {
        prov_log(p, "provision: refused Improv Wi-Fi settings (a NUL byte in the SSID or password)");
        wipe_candidate(p);
        improv_error(p, IMPROV_ERR_INVALID);
        improv_state(p, IMPROV_READY);
        return;
      }
      if (p->hal->join_start == NULL || p->hal->join_poll == NULL || p->hal->join_end == NULL) {
        join_failed(p, "this HAL cannot check a join, and unchecked settings are never stored");
        return;
      }
      if (p->hal->join_start(p->hal->ctx, p->cand_ssid, p->cand_pass) != 0) {
        join_failed(p, "the trial join could not start");
        return;
      }
      p->joining = 1;
      p->join_started_ms = p->hal->now_ms(p->hal->ctx);
      prov_log(p, "provision: Wi-Fi settings received; trying the join before storing them");
      (void)jarvis_prov_poll(p);
      return;
    }
    case 2: /* request current state (and, when provisioned, the provisioning result again) */
      if (p->joining) improv_state(p, IMPROV_PROVISIONING);
      else if (!have(p, JARVIS_PROV_NVS_WIFI_SSID)) improv_state(p, IMPROV_READY);
      else {
        improv_state(p, IMPROV_PROVISIONED);
        improv_provisioned_result(p);
      }
      return;
    case 3: { /* request device info: firmware name, version, chip, device name */
      const char *info[4];
      info[0] = "jarvis-wearable";
      info[1] = "0.2";
      info[2] = p->chip;
      info[3] = "Jarvis wearable";
      improv_result(p, 3, info, 4);
      return;
    }
    default:
      improv_error(p, IMPROV_ERR_UNKNOWN_RPC);
      return;
  }
}

/* ---- JVP1 lines ---- */

static int hex_nibble(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static int store(jarvis_prov *p, const char *key, const void *data, size_t len) {
  return p->hal->nvs_set(p->hal->ctx, key, data, len);
}

static void line_bundle(jarvis_prov *p, uint8_t *hex, size_t n) {
  jarvis_bundle b;
  const char *why = "";
  uint8_t id_key[JARVIS_CORE_BUNDLE_BYTES];
  size_t i;
  char line[128];
  if (n == 0 || n % 2 != 0 || n / 2 > JARVIS_PROV_BUNDLE_MAX) {
    answer_error(p, "JARVIS_FW_PROV_SYNTAX", "BUNDLE needs an even number of hex digits for at most 2048 bytes");
    return;
  }
  for (i = 0; i < n / 2; i++) { /* in place: the output never overtakes the input */
    int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      answer_error(p, "JARVIS_FW_PROV_SYNTAX", "BUNDLE is not lowercase hex");
      return;
    }
    hex[i] = (uint8_t)(hi << 4 | lo);
  }
  if (jarvis_bundle_parse((const char *)hex, n / 2, &b, &why) != 0) {
    memset(hex, 0, n);
    answer_error(p, "JARVIS_FW_BAD_BUNDLE", why);
    return;
  }
  memset(hex, 0, n); /* the key was in it */
  id_key[0] = (uint8_t)b.device_id;
  id_key[1] = (uint8_t)(b.device_id >> 8);
  id_key[2] = (uint8_t)(b.device_id >> 16);
  id_key[3] = (uint8_t)(b.device_id >> 24);
  memcpy(id_key + 4, b.key, 32);
  /* The links first, the identity last: a device with jv_bundle always has its links. */
  if (store(p, JARVIS_PROV_NVS_MQTT_URL, b.mqtt_url, strlen(b.mqtt_url)) != 0 ||
      store(p, JARVIS_PROV_NVS_MQTT_USER, b.username, strlen(b.username)) != 0 ||
      store(p, JARVIS_PROV_NVS_MQTT_PASS, b.password, strlen(b.password)) != 0 ||
      store(p, JARVIS_PROV_NVS_HUB_UDP, b.hub_udp, strlen(b.hub_udp)) != 0 ||
      store(p, JARVIS_PROV_NVS_HUB_HTTP, b.hub_http, strlen(b.hub_http)) != 0 ||
      store(p, JARVIS_CORE_NVS_BUNDLE, id_key, sizeof id_key) != 0) {
    memset(id_key, 0, sizeof id_key);
    jarvis_bundle_wipe(&b);
    answer_error(p, "JARVIS_FW_NVS", "the bundle could not be stored");
    return;
  }
  memset(id_key, 0, sizeof id_key);
  p->bundle_stored++;
  (void)snprintf(line, sizeof line, "JVP1 OK BUNDLE %s", b.device_id_text);
  answer(p, line);
  (void)snprintf(line, sizeof line, "provision: bundle for device %s stored (mqtt user %.40s)", b.device_id_text, b.username);
  prov_log(p, line);
  jarvis_bundle_wipe(&b);
}

static void jvp_line(jarvis_prov *p, uint8_t *s, size_t n) {
  uint8_t *star;
  uint32_t want = 0;
  size_t body, i;
  while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ')) n--;
  if (n < 5 || memcmp(s, "JVP1 ", 5) != 0) return; /* console noise */
  if (n < 5 + 10 || s[n - 10] != ' ' || s[n - 9] != '*') {
    answer_error(p, "JARVIS_FW_PROV_CHECKSUM", "the line does not end with \" *\" and an 8-digit CRC-32");
    return;
  }
  star = s + n - 9;
  for (i = 1; i <= 8; i++) {
    int v = hex_nibble(star[i]);
    if (v < 0) {
      answer_error(p, "JARVIS_FW_PROV_CHECKSUM", "the CRC-32 is not 8 lowercase hex digits");
      return;
    }
    want = want << 4 | (uint32_t)v;
  }
  body = (size_t)(star - 1 - s);
  if (jarvis_crc32(s, body) != want) {
    answer_error(p, "JARVIS_FW_PROV_CHECKSUM", "CRC-32 mismatch: the line was damaged on the way");
    return;
  }
  if (body == 10 && memcmp(s, "JVP1 HELLO", 10) == 0) {
    char line[96];
    (void)snprintf(line, sizeof line, "JVP1 READY jarvis-core/0.2 bundle=%d wifi=%d", have(p, JARVIS_CORE_NVS_BUNDLE),
                   have(p, JARVIS_PROV_NVS_WIFI_SSID));
    answer(p, line);
    return;
  }
  if (body > 12 && memcmp(s, "JVP1 BUNDLE ", 12) == 0) {
    line_bundle(p, s + 12, body - 12);
    return;
  }
  answer_error(p, "JARVIS_FW_PROV_SYNTAX", "unknown command (HELLO or BUNDLE)");
}

void jarvis_prov_feed(jarvis_prov *p, const uint8_t *data, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    uint8_t c = data[i];
    int improv;
    if (p->len == 0 && (c == '\n' || c == '\r')) continue;
    if (p->len < sizeof p->buf) p->buf[p->len++] = c;
    else p->overflow = 1;
    /* An Improv packet: the header, then exactly 9 + len + 1 bytes (newlines inside are data). */
    improv = p->len >= 6 && memcmp(p->buf, IMPROV_HEADER, 6) == 0;
    if (improv) {
      if (p->len >= 9 && p->len == 9u + p->buf[8] + 1u) {
        improv_packet(p, p->buf, p->len);
        p->len = 0;
      }
      continue;
    }
    if (c != '\n') continue;
    if (p->overflow) answer_error(p, "JARVIS_FW_PROV_TOO_LONG", "the line is longer than the provisioning buffer");
    else jvp_line(p, p->buf, p->len - 1);
    memset(p->buf, 0, p->len);
    p->len = 0;
    p->overflow = 0;
  }
}
