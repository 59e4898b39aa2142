/*
 * Serial provisioning of the wearable, parsed on the device from the console byte stream (no heap):
 *
 * 1. Improv Wi-Fi serial (https://www.improv-wifi.com/serial/), so ESPHome-style tools can set Wi-Fi:
 *    "IMPROV" 0x01 type len data... checksum (sum of the bytes before it). Every RPC first clears the
 *    error state (0x00). RPC 0x01 (Wi-Fi settings): state Provisioning, then a trial join through the HAL
 *    (join_start / join_poll / join_end: the network and, once a bundle is stored, an MQTT login to its
 *    broker). Only when it succeeds are the SSID and password stored (NVS jv_wifi_ssid / jv_wifi_pass)
 *    and answered with state Provisioned and an RPC result whose one string is the redirect URL (the
 *    hub's dashboard, from the bundle's hub.http; no string before a bundle). On failure or after
 *    JARVIS_PROV_JOIN_TIMEOUT_MS: error 0x03 "unable to connect", state back to Ready (Authorized), and
 *    the previously stored settings are kept. 0x02 answers the current state (and, when provisioned,
 *    the same RPC result), 0x03 the device info. Call jarvis_prov_poll regularly: it drives the join.
 * 2. The Jarvis line protocol for the device bundle, one line per command, CRC-32 checked:
 *      JVP1 HELLO *<crc>                 -> JVP1 READY <firmware> bundle=<0|1> wifi=<0|1>
 *      JVP1 BUNDLE <hex of the bundle JSON> *<crc>
 *                                        -> JVP1 OK BUNDLE <deviceId>   | JVP1 ERR <CODE> <why>
 *    <crc> is 8 lowercase hex digits of the CRC-32 (IEEE, as zlib) of every byte before " *". The bundle
 *    is validated (jarvis_bundle.h) and stored: jv_bundle (id + key), jv_mqtt_url, jv_mqtt_user,
 *    jv_mqtt_pass, jv_hub_udp, jv_hub_http. Send it BEFORE the Improv Wi-Fi settings, so the join check
 *    includes the MQTT login (`jarvis-wearable provision` does). Neither answers nor logs ever carry the key or the MQTT password.
 *    Error codes: JARVIS_FW_PROV_CHECKSUM, JARVIS_FW_PROV_SYNTAX, JARVIS_FW_PROV_TOO_LONG,
 *    JARVIS_FW_BAD_BUNDLE, JARVIS_FW_NVS.
 * Other console lines are ignored.
 */
#ifndef JARVIS_PROVISION_H
#define JARVIS_PROVISION_H

#include <stddef.h>
#include <stdint.h>

#include "jarvis_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JARVIS_PROV_BUNDLE_MAX 2048u /* bytes of bundle JSON a BUNDLE line may carry */
#define JARVIS_PROV_LINE_MAX (2u * JARVIS_PROV_BUNDLE_MAX + 32u)

#define JARVIS_PROV_NVS_WIFI_SSID "jv_wifi_ssid"
#define JARVIS_PROV_NVS_WIFI_PASS "jv_wifi_pass"
#define JARVIS_PROV_NVS_MQTT_URL "jv_mqtt_url"
#define JARVIS_PROV_NVS_MQTT_USER "jv_mqtt_user"
#define JARVIS_PROV_NVS_MQTT_PASS "jv_mqtt_pass"
#define JARVIS_PROV_NVS_HUB_UDP "jv_hub_udp"
#define JARVIS_PROV_NVS_HUB_HTTP "jv_hub_http"
#define JARVIS_PROV_JOIN_TIMEOUT_MS 30000u /* a trial join not done by then is "unable to connect" */

typedef void (*jarvis_prov_write)(void *ctx, const uint8_t *data, size_t len);

typedef struct jarvis_prov {
  const jarvis_hal *hal; /* nvs_get / nvs_set / log */
  jarvis_prov_write write;
  void *write_ctx;
  const char *chip;      /* for Improv device info, e.g. "ESP32-S3" */
  uint8_t buf[JARVIS_PROV_LINE_MAX];
  size_t len;
  int overflow;
  uint32_t bundle_stored, wifi_stored; /* count of successful stores (the caller reloads its links) */
  /* the Improv trial join in progress (candidate settings in RAM only, wiped after) */
  int joining;
  uint32_t join_started_ms;
  uint8_t cand_ssid_len, cand_pass_len;
  char cand_ssid[33], cand_pass[65];
  uint32_t joins_failed;
} jarvis_prov;

void jarvis_prov_init(jarvis_prov *p, const jarvis_hal *hal, jarvis_prov_write write, void *write_ctx, const char *chip);
/* Feeds console bytes; answers go out through write. */
void jarvis_prov_feed(jarvis_prov *p, const uint8_t *data, size_t n);
/* Drives a trial join (Improv Wi-Fi settings) to its answer; call every few ms. Returns 1 while a join
 * runs (the caller must not restart the device then), else 0. */
int jarvis_prov_poll(jarvis_prov *p);
/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32). */
uint32_t jarvis_crc32(const uint8_t *data, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_PROVISION_H */
