/*
 * The Jarvis wearable on the ESP32-S3: one task runs the portable core (../../core) on the ESP-IDF HAL
 * (components/jarvis_hal_esp). Provisioning (Wi-Fi credentials and the device bundle) arrives over the
 * serial console and is stored in NVS; see README.md. Not compiled here (no ESP-IDF in CI).
 */
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "jarvis_core.h"
#include "driver/uart.h"
#include "esp_system.h"
#include "jarvis_hal_esp.h"
#include "jarvis_provision.h"
#include "nvs_flash.h"
#include "sdkconfig.h"

#define RING_SAMPLES (16 * CONFIG_JARVIS_RING_MS)

static jarvis_esp esp;
static jarvis_hal hal;
static jarvis_core core;
static int16_t ring[RING_SAMPLES]; /* static: the core allocates nothing */

static jarvis_prov prov;

static void console_write(void *ctx, const uint8_t *data, size_t len) {
  (void)ctx;
  (void)uart_write_bytes(CONFIG_ESP_CONSOLE_UART_NUM, data, len);
}

/*
 * Provisioning over the serial console (the JVP1 bundle line, then Improv Wi-Fi; jarvis_provision.h).
 * It shares the UART with the log: the host side skips log lines. Improv Wi-Fi settings are tried
 * first (the HAL's join check: the network and the bundle's MQTT login) and stored only if that works.
 * A stored bundle or new Wi-Fi settings take effect after a restart, once the console has been quiet
 * for a second and no join is being tried, so the core never sees its identity change under it.
 */
static void console_task(void *arg) {
  static uint8_t buf[256];
  static jarvis_hal prov_hal; /* NVS, log, clock and the join check */
  uint32_t bundles = 0, wifi = 0;
  TickType_t quiet_since = 0;
  int pending = 0;
  (void)arg;
  ESP_ERROR_CHECK(uart_driver_install(CONFIG_ESP_CONSOLE_UART_NUM, 2048, 0, 0, NULL, 0));
  while (hal.nvs_get == NULL) vTaskDelay(pdMS_TO_TICKS(50)); /* the core task opens NVS first */
  prov_hal = hal;
  jarvis_prov_init(&prov, &prov_hal, console_write, NULL, "ESP32-S3");
  for (;;) {
    int n = uart_read_bytes(CONFIG_ESP_CONSOLE_UART_NUM, buf, sizeof buf, pdMS_TO_TICKS(50));
    if (n > 0) {
      jarvis_prov_feed(&prov, buf, (size_t)n);
      quiet_since = xTaskGetTickCount();
    }
    if (jarvis_prov_poll(&prov)) quiet_since = xTaskGetTickCount(); /* a join is being tried */
    if (prov.bundle_stored != bundles || prov.wifi_stored != wifi) {
      bundles = prov.bundle_stored;
      wifi = prov.wifi_stored;
      pending = 1;
      quiet_since = xTaskGetTickCount();
      ESP_LOGI("jarvis", "provisioned: restarting once the console is quiet for 1 s");
    }
    if (pending && (TickType_t)(xTaskGetTickCount() - quiet_since) >= pdMS_TO_TICKS(1000)) esp_restart();
  }
}

static void core_task(void *arg) {
  const jarvis_esp_pins pins = {
      .i2s_bclk = CONFIG_JARVIS_I2S_BCLK, .i2s_ws = CONFIG_JARVIS_I2S_WS, .i2s_din = CONFIG_JARVIS_I2S_DIN,
      .mute = CONFIG_JARVIS_MUTE_GPIO, .button = CONFIG_JARVIS_BUTTON_GPIO, .ptt = CONFIG_JARVIS_PTT_GPIO,
      .led = CONFIG_JARVIS_LED_GPIO,
#ifdef CONFIG_JARVIS_INPUTS_ACTIVE_LOW
      .inputs_active_low = 1,
#endif
      .mic_shift = CONFIG_JARVIS_MIC_SHIFT,
  };
  const jarvis_core_config cfg = {
#ifdef CONFIG_JARVIS_CODEC_ADPCM
      .codec = JARVIS_CODEC_IMA_ADPCM,
#else
      .codec = JARVIS_CODEC_PCM16LE,
#endif
      .sample_rate = 16000, .frame_samples = 320, .debounce_ms = 30,
      .backoff_base_ms = 250, .backoff_cap_ms = 30000, .keepalive_ms = 1000,
  };
  int rc;
  (void)arg;
  ESP_ERROR_CHECK(jarvis_esp_init(&esp, &hal, &pins));
  rc = jarvis_core_init(&core, &hal, &cfg, ring, RING_SAMPLES);
  if (rc != JARVIS_OK) {
    ESP_LOGE("jarvis", "core init failed: %s", jarvis_strerror(rc));
    vTaskDelete(NULL);
  }
  for (;;) {
    jarvis_esp_service(&esp, &core);
    jarvis_core_poll(&core);
    if (core.state == JARVIS_STATE_FAULT) {
      ESP_LOGE("jarvis", "fault: %s (rotate the key with `jarvis device rotate-key` and provision again)", jarvis_strerror(core.last_error));
      vTaskDelay(portMAX_DELAY);
    }
    jarvis_esp_wait(&esp, 5); /* 5 ms, or at once on a switch edge */
  }
}

void app_main(void) {
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    /* Never erase silently: the boot counter lives here and the hub refuses a counter that goes back. */
    ESP_LOGE("jarvis", "NVS needs erasing (%s): provision again after `idf.py erase-flash` and rotate the key", esp_err_to_name(err));
    return;
  }
  ESP_ERROR_CHECK(err);
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  /* Core 1 for the audio path; Wi-Fi and lwIP run on core 0. */
  xTaskCreatePinnedToCore(core_task, "jarvis_core", 8192, NULL, 5, NULL, 1);
  xTaskCreatePinnedToCore(console_task, "jarvis_console", 6144, NULL, 3, NULL, 0);
}
