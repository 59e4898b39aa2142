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
} jarvis_hal;

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_HAL_H */
