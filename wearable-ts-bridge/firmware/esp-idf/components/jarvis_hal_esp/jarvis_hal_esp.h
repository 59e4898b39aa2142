/*
 * The ESP-IDF HAL of the wearable firmware core (ESP-IDF v5.x, ESP32-S3): I2S standard-mode RX for an
 * INMP441-class microphone, GPIO inputs with edge interrupts that wake the core task, esp_wifi station,
 * esp_mqtt (MQTT 3.1.1, clean session, the bundle's login, last will), an lwIP UDP socket, NVS, and
 * esp_random / esp_timer. Thin on purpose: everything above it is the portable core, tested on the host
 * (POSIX HAL, real hub) and under QEMU (rv32imc). This file has NOT been compiled here (no ESP-IDF in the
 * test environment); it is written against the documented v5 APIs.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"
#include "jarvis_core.h"
#include "mqtt_client.h"

#define JARVIS_ESP_MSG_TOPIC 96
#define JARVIS_ESP_MSG_DATA 1024 /* cmd/config and cmd/led are far smaller; a larger command is refused */

/* Pins and settings (from menuconfig: main/Kconfig.projbuild). */
typedef struct jarvis_esp_pins {
  int i2s_bclk, i2s_ws, i2s_din;
  int mute, button, ptt, led; /* -1 = not fitted */
  int inputs_active_low;      /* switches and buttons pull to GND */
  int mic_shift;              /* right shift from the INMP441's 32-bit slot to int16 (gain) */
} jarvis_esp_pins;

/* The link settings the serial provisioning stored in NVS (namespace "jarvis"). */
typedef struct jarvis_esp_links {
  char wifi_ssid[33], wifi_pass[65];
  char mqtt_uri[128], mqtt_user[64], mqtt_pass[128], client_id[32];
  char hub_host[64];
  int hub_port;
} jarvis_esp_links;

typedef struct jarvis_esp_msg {
  char topic[JARVIS_ESP_MSG_TOPIC];
  size_t len;
  uint8_t data[JARVIS_ESP_MSG_DATA];
} jarvis_esp_msg;

typedef struct jarvis_esp {
  jarvis_esp_pins pins;
  jarvis_esp_links links;
  TaskHandle_t core_task;     /* woken by GPIO edges */
  QueueHandle_t inbox;        /* MQTT messages, handed to the core in its task */
  void *i2s_rx;               /* i2s_chan_handle_t */
  esp_mqtt_client_handle_t mqtt;
  volatile int wifi_started, wifi_up, mqtt_up;
  int udp_fd;
  uint32_t nvs;               /* nvs_handle_t */
  /* the provisioning join check (console task): while join_active the core's own connects wait */
  volatile int join_active, join_disconnects, join_mqtt; /* join_mqtt: 0 waiting, 1 CONNACK ok, -1 refused/failed */
  esp_mqtt_client_handle_t join_client;
  char join_client_id[32];
} jarvis_esp;

/* Opens NVS, reads the links, sets up I2S, GPIO (ISR service), Wi-Fi and the HAL table (with the Improv
 * join check: a trial station config and a jarvis-<id>-check MQTT login; led_color NULL, the LED is one
 * GPIO). ESP_OK or an error. */
int jarvis_esp_init(jarvis_esp *e, jarvis_hal *hal, const jarvis_esp_pins *pins);
/* Hands queued MQTT messages to the core; call from the core task before each poll. */
void jarvis_esp_service(jarvis_esp *e, jarvis_core *core);
/* Blocks the core task until a GPIO edge or ms milliseconds pass. */
void jarvis_esp_wait(jarvis_esp *e, uint32_t ms);
/* NVS blob access for the provisioning task (the same namespace as the core's). */
int jarvis_esp_nvs_get(void *ctx, const char *key, void *out, size_t cap);
int jarvis_esp_nvs_set(void *ctx, const char *key, const void *data, size_t len);
