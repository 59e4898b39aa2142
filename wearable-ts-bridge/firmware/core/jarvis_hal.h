/*
 * The hardware abstraction the portable firmware core (jarvis_core.h) runs on. One struct of function
 * pointers plus an opaque context, so the same core links against the ESP-IDF HAL, a POSIX HAL or the
 * fake HAL of the host unit tests. Every call is non-blocking: the core is driven by jarvis_core_poll.
 */
#ifndef JARVIS_HAL_H
#define JARVIS_HAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum jarvis_gpio_in {
  JARVIS_GPIO_MUTE_SWITCH = 0, /* 1 = switch in the "muted" position (raw, undebounced) */
  JARVIS_GPIO_BUTTON = 1,      /* 1 = action button held down (raw, undebounced) */
  JARVIS_GPIO_PTT = 2          /* 1 = push-to-talk held down (raw, undebounced) */
} jarvis_gpio_in;

typedef struct jarvis_hal {
  void *ctx;
  /* Monotonic milliseconds since power-on; wraps at 2^32 (the core uses wrap-safe differences). */
  uint32_t (*now_ms)(void *ctx);
  /* Copies up to max captured mono samples into out; returns how many (0 when none are ready). */
  size_t (*mic_read)(void *ctx, int16_t *out, size_t max);
  int (*gpio_read)(void *ctx, jarvis_gpio_in pin);
  void (*led_set)(void *ctx, int on);
  /* One connection attempt: 0 when up, negative on failure. *_up reports whether the link still stands. */
  int (*wifi_connect)(void *ctx);
  int (*wifi_up)(void *ctx);
  /* Connects with the last will {"state":"offline"} retained QoS 1 on will_topic. */
  int (*mqtt_connect)(void *ctx, const char *will_topic);
  int (*mqtt_up)(void *ctx);
  int (*mqtt_publish)(void *ctx, const char *topic, const char *payload, int qos, int retain);
  /* Sends one datagram to the hub; 0 or negative. */
  int (*udp_send)(void *ctx, const uint8_t *data, size_t len);
  /* Non-volatile storage: get returns the stored length (copied up to cap) or negative when absent;
   * set stores and commits durably, returning 0 only once the value will survive a power cut. */
  int (*nvs_get)(void *ctx, const char *key, void *out, size_t cap);
  int (*nvs_set)(void *ctx, const char *key, const void *data, size_t len);
  uint32_t (*random_u32)(void *ctx);
  /* Subscribes on the current MQTT session (called right after each connect); 0 or negative. May be NULL
   * (a HAL without commands). Received messages go to jarvis_core_on_message FROM THE CORE'S TASK: a HAL
   * whose client calls back on another thread queues them and hands them over between polls. */
  int (*mqtt_subscribe)(void *ctx, const char *topic, int qos);
  /* One human-readable log line (no newline). May be NULL. Never receives key material. */
  void (*log)(void *ctx, const char *line);
  /*
   * The provisioning join check (Improv Wi-Fi, jarvis_provision.h): a TRIAL join with candidate Wi-Fi
   * credentials that leaves the stored ones and the running links alone. join_start begins it (0, or
   * negative when it cannot start): join the network ssid/password and, when the device holds a bundle
   * (NVS jv_bundle and its links), log in to that bundle's MQTT broker with its login and the client id
   * jarvis-<id>-check [MQTT-6.9], so a running jarvis-<id>-wearable session is never taken over.
   * join_poll: 0 still trying, 1 joined (Wi-Fi up and, with a bundle, the MQTT login accepted), negative
   * failed. join_end ends the trial after success, failure or the provisioning's timeout; the device's
   * own links are back as they were. Non-blocking like the rest. NULL on a HAL that cannot check a join:
   * Improv Wi-Fi settings are then refused with "unable to connect", never stored unchecked.
   */
  int (*join_start)(void *ctx, const char *ssid, const char *password);
  int (*join_poll)(void *ctx);
  void (*join_end)(void *ctx);
  /* The LED's colour (0xRRGGBB) while a cmd/led with a color runs, JARVIS_LED_DEFAULT_COLOR after it.
   * NULL on a single-colour LED (then the colour is only logged). */
  void (*led_color)(void *ctx, int32_t rgb);
} jarvis_hal;

#define JARVIS_LED_DEFAULT_COLOR (-1)

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_HAL_H */
