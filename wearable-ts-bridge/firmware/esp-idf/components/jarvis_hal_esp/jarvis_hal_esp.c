/* The ESP-IDF HAL; see jarvis_hal_esp.h. Not compiled in this repository's CI (no ESP-IDF there). */
#include "jarvis_hal_esp.h"
#include "jarvis_bundle.h"
#include "jarvis_provision.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "driver/gpio.h"
#include "esp_attr.h"
#include "driver/i2s_std.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"
#include "nvs.h"

static const char *TAG = "jarvis";
#define NVS_NAMESPACE "jarvis"

/* ---- clock, random, log ---- */

static uint32_t hal_now(void *ctx) {
  (void)ctx;
  return (uint32_t)(esp_timer_get_time() / 1000);
}

static uint32_t hal_random(void *ctx) {
  (void)ctx;
  return esp_random(); /* true random while Wi-Fi (RF) is on */
}

static void hal_log(void *ctx, const char *line) {
  (void)ctx;
  ESP_LOGI(TAG, "%s", line);
}

/* ---- microphone: I2S standard mode, Philips, 32-bit slots, left channel (INMP441 L/R to GND) ---- */

static esp_err_t mic_init(jarvis_esp *e) {
  i2s_chan_handle_t rx = NULL;
  i2s_chan_config_t chan = I2S_CHANNEL_DEFAULT_CONFIG(I2S_NUM_0, I2S_ROLE_MASTER);
  chan.dma_desc_num = 6;
  chan.dma_frame_num = 240; /* 6 x 15 ms of DMA: the core drains it every few ms */
  esp_err_t err = i2s_new_channel(&chan, NULL, &rx);
  if (err != ESP_OK) return err;
  i2s_std_config_t std = {
      .clk_cfg = I2S_STD_CLK_DEFAULT_CONFIG(16000),
      .slot_cfg = I2S_STD_PHILIPS_SLOT_DEFAULT_CONFIG(I2S_DATA_BIT_WIDTH_32BIT, I2S_SLOT_MODE_MONO),
      .gpio_cfg = {.mclk = I2S_GPIO_UNUSED, .bclk = e->pins.i2s_bclk, .ws = e->pins.i2s_ws, .dout = I2S_GPIO_UNUSED, .din = e->pins.i2s_din},
  };
  std.slot_cfg.slot_mask = I2S_STD_SLOT_LEFT;
  if ((err = i2s_channel_init_std_mode(rx, &std)) != ESP_OK || (err = i2s_channel_enable(rx)) != ESP_OK) return err;
  e->i2s_rx = rx;
  return ESP_OK;
}

static size_t hal_mic(void *ctx, int16_t *out, size_t max) {
  jarvis_esp *e = ctx;
  int32_t raw[JARVIS_CORE_MAX_FRAME_SAMPLES];
  size_t bytes = 0, n, i;
  if (max > JARVIS_CORE_MAX_FRAME_SAMPLES) max = JARVIS_CORE_MAX_FRAME_SAMPLES;
  /* Timeout 0: take what the DMA has, never block the core task. */
  if (i2s_channel_read((i2s_chan_handle_t)e->i2s_rx, raw, max * sizeof raw[0], &bytes, 0) != ESP_OK && bytes == 0) return 0;
  n = bytes / sizeof raw[0];
  for (i = 0; i < n; i++) {
    int32_t v = raw[i] >> e->pins.mic_shift; /* 24-bit sample in the top of a 32-bit slot */
    out[i] = (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
  }
  return n;
}

/* ---- GPIO: levels read by the core (it debounces); edges wake the core task at once ---- */

static void IRAM_ATTR gpio_edge(void *arg) {
  jarvis_esp *e = arg;
  BaseType_t woken = pdFALSE;
  if (e->core_task != NULL) vTaskNotifyGiveFromISR(e->core_task, &woken);
  portYIELD_FROM_ISR(woken);
}

static esp_err_t gpio_init(jarvis_esp *e) {
  const int inputs[3] = {e->pins.mute, e->pins.button, e->pins.ptt};
  esp_err_t err = gpio_install_isr_service(0);
  int i;
  if (err != ESP_OK && err != ESP_ERR_INVALID_STATE) return err; /* already installed is fine */
  for (i = 0; i < 3; i++) {
    gpio_config_t io = {
        .mode = GPIO_MODE_INPUT,
        .pull_up_en = e->pins.inputs_active_low ? GPIO_PULLUP_ENABLE : GPIO_PULLUP_DISABLE,
        .pull_down_en = e->pins.inputs_active_low ? GPIO_PULLDOWN_DISABLE : GPIO_PULLDOWN_ENABLE,
        .intr_type = GPIO_INTR_ANYEDGE,
    };
    if (inputs[i] < 0) continue;
    io.pin_bit_mask = 1ULL << inputs[i];
    if ((err = gpio_config(&io)) != ESP_OK || (err = gpio_isr_handler_add(inputs[i], gpio_edge, e)) != ESP_OK) return err;
  }
  if (e->pins.led >= 0) {
    gpio_config_t led = {.pin_bit_mask = 1ULL << e->pins.led, .mode = GPIO_MODE_OUTPUT};
    if ((err = gpio_config(&led)) != ESP_OK) return err;
  }
  return ESP_OK;
}

static int hal_gpio(void *ctx, jarvis_gpio_in pin) {
  jarvis_esp *e = ctx;
  int gpio = pin == JARVIS_GPIO_MUTE_SWITCH ? e->pins.mute : pin == JARVIS_GPIO_PTT ? e->pins.ptt : e->pins.button;
  int level;
  if (gpio < 0) return 0;
  level = gpio_get_level(gpio);
  return e->pins.inputs_active_low ? !level : level;
}

static void hal_led(void *ctx, int on) {
  jarvis_esp *e = ctx;
  if (e->pins.led >= 0) gpio_set_level(e->pins.led, on ? 1 : 0);
}

/* ---- Wi-Fi station ---- */

static void wifi_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
  jarvis_esp *e = arg;
  (void)data;
  if (base == WIFI_EVENT && id == WIFI_EVENT_STA_DISCONNECTED) {
    e->wifi_up = 0; /* the core reconnects with backoff */
    if (e->join_active) e->join_disconnects++;
  }
  if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) e->wifi_up = 1;
}

/* Station config for ssid/password (WPA2 or open), started on first use. */
static int wifi_configure(jarvis_esp *e, const char *ssid, const char *password) {
  wifi_config_t wc = {0};
  memcpy(wc.sta.ssid, ssid, strnlen(ssid, sizeof wc.sta.ssid));
  memcpy(wc.sta.password, password, strnlen(password, sizeof wc.sta.password));
  wc.sta.threshold.authmode = password[0] ? WIFI_AUTH_WPA2_PSK : WIFI_AUTH_OPEN;
  if (esp_wifi_set_mode(WIFI_MODE_STA) != ESP_OK || esp_wifi_set_config(WIFI_IF_STA, &wc) != ESP_OK) return -1;
  if (!e->wifi_started) {
    if (esp_wifi_start() != ESP_OK) return -1;
    e->wifi_started = 1;
  }
  return 0;
}

static int hal_wifi_connect(void *ctx) {
  jarvis_esp *e = ctx;
  if (e->join_active) return -1;                 /* a provisioning trial owns the radio; back off */
  if (e->links.wifi_ssid[0] == '\0') return -1; /* not provisioned with Wi-Fi yet (Improv over serial) */
  if (!e->wifi_started && wifi_configure(e, e->links.wifi_ssid, e->links.wifi_pass) != 0) return -1;
  if (e->wifi_up) return 0;
  (void)esp_wifi_connect(); /* non-blocking: GOT_IP arrives as an event; the core asks again after its backoff */
  return -1;
}

static int hal_wifi_up(void *ctx) { return ((jarvis_esp *)ctx)->wifi_up; }

/* ---- MQTT (esp_mqtt); received messages are queued for the core task ---- */

static void mqtt_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
  jarvis_esp *e = arg;
  esp_mqtt_event_handle_t ev = data;
  (void)base;
  switch ((esp_mqtt_event_id_t)id) {
    case MQTT_EVENT_CONNECTED:
      e->mqtt_up = 1;
      break;
    case MQTT_EVENT_DISCONNECTED:
      e->mqtt_up = 0;
      break;
    case MQTT_EVENT_DATA: {
      static jarvis_esp_msg m; /* the MQTT task's scratch; copied into the queue */
      if (ev->current_data_offset != 0) return; /* later fragments of a long message: already refused */
      if (ev->topic_len <= 0 || ev->topic_len >= (int)sizeof m.topic) return;
      memcpy(m.topic, ev->topic, (size_t)ev->topic_len);
      m.topic[ev->topic_len] = '\0';
      if (ev->total_data_len > ev->data_len || ev->data_len > (int)sizeof m.data) {
        /* Larger than this device takes (esp_mqtt delivers it in fragments): refuse it, never half-parse it. */
        ESP_LOGW(TAG, "mqtt: refused %d bytes on %s: larger than the %u-byte command buffer", ev->total_data_len, m.topic,
                 (unsigned)sizeof m.data);
        return;
      }
      m.len = (size_t)ev->data_len;
      memcpy(m.data, ev->data, m.len);
      if (xQueueSend(e->inbox, &m, 0) != pdTRUE) ESP_LOGW(TAG, "mqtt: command queue full; dropped a message on %s", m.topic);
      if (e->core_task != NULL) xTaskNotifyGive(e->core_task);
      break;
    }
    default:
      break;
  }
}

static int hal_mqtt_connect(void *ctx, const char *will_topic) {
  jarvis_esp *e = ctx;
  if (e->join_active) return -1; /* a provisioning trial owns the links; back off */
  if (e->mqtt == NULL) {
    esp_mqtt_client_config_t cfg = {0};
    cfg.broker.address.uri = e->links.mqtt_uri; /* mqtt:// or mqtts:// (add the CA with broker.verification) */
    cfg.credentials.username = e->links.mqtt_user;
    cfg.credentials.authentication.password = e->links.mqtt_pass;
    cfg.credentials.client_id = e->links.client_id; /* jarvis-<id>-wearable [MQTT-6.9] */
    cfg.session.last_will.topic = will_topic;       /* the core's status topic; it outlives the client */
    cfg.session.last_will.msg = "{\"state\":\"offline\"}";
    cfg.session.last_will.qos = 1;
    cfg.session.last_will.retain = 1;
    cfg.session.keepalive = 15;
    cfg.network.disable_auto_reconnect = true; /* the core owns reconnects (capped backoff with jitter) */
    cfg.buffer.size = 2048;
    e->mqtt = esp_mqtt_client_init(&cfg);
    if (e->mqtt == NULL) return -1;
    if (esp_mqtt_client_register_event(e->mqtt, ESP_EVENT_ANY_ID, mqtt_event, e) != ESP_OK || esp_mqtt_client_start(e->mqtt) != ESP_OK)
      return -1;
    return -1; /* CONNECTED arrives as an event; the core's next attempt sees it */
  }
  if (e->mqtt_up) return 0;
  (void)esp_mqtt_client_reconnect(e->mqtt);
  return -1;
}

static int hal_mqtt_up(void *ctx) { return ((jarvis_esp *)ctx)->mqtt_up; }

static int hal_publish(void *ctx, const char *topic, const char *payload, int qos, int retain) {
  jarvis_esp *e = ctx;
  if (e->mqtt == NULL || !e->mqtt_up) return -1;
  return esp_mqtt_client_publish(e->mqtt, topic, payload, 0, qos, retain) >= 0 ? 0 : -1;
}

static int hal_subscribe(void *ctx, const char *topic, int qos) {
  jarvis_esp *e = ctx;
  if (e->mqtt == NULL || !e->mqtt_up) return -1;
  return esp_mqtt_client_subscribe(e->mqtt, topic, qos) >= 0 ? 0 : -1;
}

void jarvis_esp_service(jarvis_esp *e, jarvis_core *core) {
  static jarvis_esp_msg m;
  while (xQueueReceive(e->inbox, &m, 0) == pdTRUE) (void)jarvis_core_on_message(core, m.topic, m.data, m.len);
}

void jarvis_esp_wait(jarvis_esp *e, uint32_t ms) {
  (void)e;
  (void)ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(ms));
}

/* ---- UDP (lwIP sockets) ---- */

static int hal_udp(void *ctx, const uint8_t *data, size_t len) {
  jarvis_esp *e = ctx;
  if (e->udp_fd < 0) {
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM}, *res = NULL;
    char port[8];
    snprintf(port, sizeof port, "%d", e->links.hub_port);
    if (getaddrinfo(e->links.hub_host, port, &hints, &res) != 0 || res == NULL) return -1;
    e->udp_fd = socket(res->ai_family, res->ai_socktype, 0);
    if (e->udp_fd >= 0 && connect(e->udp_fd, res->ai_addr, res->ai_addrlen) != 0) {
      close(e->udp_fd);
      e->udp_fd = -1;
    }
    freeaddrinfo(res);
    if (e->udp_fd < 0) return -1;
  }
  return send(e->udp_fd, data, len, MSG_DONTWAIT) == (ssize_t)len ? 0 : -1;
}

/* ---- NVS (namespace "jarvis"): blobs for the core, strings for the links ---- */

static int hal_nvs_get(void *ctx, const char *key, void *out, size_t cap) {
  jarvis_esp *e = ctx;
  size_t len = 0;
  if (nvs_get_blob((nvs_handle_t)e->nvs, key, NULL, &len) != ESP_OK) return -1;
  if (len > cap) return (int)len; /* the core treats a wrong length as absent */
  if (nvs_get_blob((nvs_handle_t)e->nvs, key, out, &len) != ESP_OK) return -1;
  return (int)len;
}

static int hal_nvs_set(void *ctx, const char *key, const void *data, size_t len) {
  jarvis_esp *e = ctx;
  /* nvs_commit returns once the page is written: the value survives a power cut [UDP-2.16]. */
  if (nvs_set_blob((nvs_handle_t)e->nvs, key, data, len) != ESP_OK) return -1;
  return nvs_commit((nvs_handle_t)e->nvs) == ESP_OK ? 0 : -1;
}

/* A string the provisioning stored as a blob (jarvis_provision.h); empty when absent. */
static void nvs_text(jarvis_esp *e, const char *key, char *out, size_t cap) {
  int n = hal_nvs_get(e, key, out, cap - 1);
  out[n >= 0 && (size_t)n < cap ? n : 0] = '\0';
}

static void read_links(jarvis_esp *e) {
  char hub[80];
  uint8_t bundle[JARVIS_CORE_BUNDLE_BYTES];
  jarvis_esp_links *l = &e->links;
  nvs_text(e, JARVIS_PROV_NVS_WIFI_SSID, l->wifi_ssid, sizeof l->wifi_ssid);
  nvs_text(e, JARVIS_PROV_NVS_WIFI_PASS, l->wifi_pass, sizeof l->wifi_pass);
  nvs_text(e, JARVIS_PROV_NVS_MQTT_URL, l->mqtt_uri, sizeof l->mqtt_uri);
  nvs_text(e, JARVIS_PROV_NVS_MQTT_USER, l->mqtt_user, sizeof l->mqtt_user);
  nvs_text(e, JARVIS_PROV_NVS_MQTT_PASS, l->mqtt_pass, sizeof l->mqtt_pass);
  nvs_text(e, JARVIS_PROV_NVS_HUB_UDP, hub, sizeof hub);
  if (jarvis_split_host_port(hub, l->hub_host, sizeof l->hub_host, &l->hub_port) != 0) l->hub_port = 0;
  if (hal_nvs_get(e, JARVIS_CORE_NVS_BUNDLE, bundle, sizeof bundle) == (int)sizeof bundle) {
    unsigned long id = (unsigned long)bundle[0] | (unsigned long)bundle[1] << 8 | (unsigned long)bundle[2] << 16 | (unsigned long)bundle[3] << 24;
    snprintf(l->client_id, sizeof l->client_id, "jarvis-%08lx-wearable", id);
  }
  memset(bundle, 0, sizeof bundle);
}

int jarvis_esp_nvs_get(void *ctx, const char *key, void *out, size_t cap) { return hal_nvs_get(ctx, key, out, cap); }
int jarvis_esp_nvs_set(void *ctx, const char *key, const void *data, size_t len) { return hal_nvs_set(ctx, key, data, len); }

/* ---- the provisioning join check (Improv; called from the console task) ---- */

static void join_mqtt_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
  jarvis_esp *e = arg;
  (void)base;
  (void)data;
  if ((esp_mqtt_event_id_t)id == MQTT_EVENT_CONNECTED) e->join_mqtt = 1;
  else if (((esp_mqtt_event_id_t)id == MQTT_EVENT_ERROR || (esp_mqtt_event_id_t)id == MQTT_EVENT_DISCONNECTED) && e->join_mqtt == 0)
    e->join_mqtt = -1; /* refused login (CONNACK) or no broker */
}

static int hal_join_start(void *ctx, const char *ssid, const char *password) {
  jarvis_esp *e = ctx;
  e->join_active = 1; /* from here the core's connects wait */
  e->join_disconnects = 0;
  e->join_mqtt = 0;
  read_links(e); /* the bundle may have been stored just before (JVP1 BUNDLE goes first) */
  /* The core's own MQTT client is left alone: the trial's Wi-Fi change drops its connection, and with
   * auto-reconnect off it waits for the core, whose connects wait for join_end. */
  (void)esp_wifi_disconnect();
  e->wifi_up = 0;
  if (wifi_configure(e, ssid, password) != 0 || esp_wifi_connect() != ESP_OK) return -1;
  return 0;
}

static int hal_join_poll(void *ctx) {
  jarvis_esp *e = ctx;
  if (!e->wifi_up) {
    if (e->join_disconnects >= 3) return -1; /* wrong password or no such network: three tries */
    if (e->join_disconnects > 0) (void)esp_wifi_connect();
    return 0;
  }
  if (e->links.client_id[0] == '\0' || e->links.mqtt_uri[0] == '\0') return 1; /* no bundle yet: Wi-Fi is the whole check */
  if (e->join_client == NULL) {
    esp_mqtt_client_config_t cfg = {0};
    unsigned long id = 0;
    (void)sscanf(e->links.client_id, "jarvis-%8lx-", &id);
    snprintf(e->join_client_id, sizeof e->join_client_id, "jarvis-%08lx-check", id); /* never the running session [MQTT-6.9] */
    cfg.broker.address.uri = e->links.mqtt_uri;
    cfg.credentials.username = e->links.mqtt_user;
    cfg.credentials.authentication.password = e->links.mqtt_pass;
    cfg.credentials.client_id = e->join_client_id;
    cfg.network.disable_auto_reconnect = true;
    e->join_client = esp_mqtt_client_init(&cfg);
    if (e->join_client == NULL || esp_mqtt_client_register_event(e->join_client, ESP_EVENT_ANY_ID, join_mqtt_event, e) != ESP_OK ||
        esp_mqtt_client_start(e->join_client) != ESP_OK)
      return -1;
    return 0;
  }
  return e->join_mqtt; /* the provisioning's own timeout covers a broker that never answers */
}

static void hal_join_end(void *ctx) {
  jarvis_esp *e = ctx;
  if (e->join_client != NULL) {
    (void)esp_mqtt_client_destroy(e->join_client);
    e->join_client = NULL;
  }
  /* Back to the stored network (the device restarts after a success anyway). */
  (void)esp_wifi_disconnect();
  e->wifi_up = 0;
  read_links(e);
  if (e->links.wifi_ssid[0] != '\0') (void)wifi_configure(e, e->links.wifi_ssid, e->links.wifi_pass);
  e->join_active = 0;
}

/* ---- the table ---- */

int jarvis_esp_init(jarvis_esp *e, jarvis_hal *hal, const jarvis_esp_pins *pins) {
  nvs_handle_t h;
  esp_err_t err;
  memset(e, 0, sizeof *e);
  e->pins = *pins;
  e->udp_fd = -1;
  e->core_task = xTaskGetCurrentTaskHandle();
  e->inbox = xQueueCreate(4, sizeof(jarvis_esp_msg));
  if (e->inbox == NULL) return ESP_ERR_NO_MEM;
  if ((err = nvs_open(NVS_NAMESPACE, NVS_READWRITE, &h)) != ESP_OK) return err;
  e->nvs = (uint32_t)h;
  read_links(e);
  if ((err = mic_init(e)) != ESP_OK || (err = gpio_init(e)) != ESP_OK) return err;
  {
    wifi_init_config_t wcfg = WIFI_INIT_CONFIG_DEFAULT();
    esp_netif_create_default_wifi_sta();
    if ((err = esp_wifi_init(&wcfg)) != ESP_OK) return err;
    if ((err = esp_event_handler_instance_register(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, wifi_event, e, NULL)) != ESP_OK ||
        (err = esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP, wifi_event, e, NULL)) != ESP_OK)
      return err;
  }
  memset(hal, 0, sizeof *hal);
  hal->ctx = e;
  hal->now_ms = hal_now;
  hal->mic_read = hal_mic;
  hal->gpio_read = hal_gpio;
  hal->led_set = hal_led;
  hal->wifi_connect = hal_wifi_connect;
  hal->wifi_up = hal_wifi_up;
  hal->mqtt_connect = hal_mqtt_connect;
  hal->mqtt_up = hal_mqtt_up;
  hal->mqtt_publish = hal_publish;
  hal->udp_send = hal_udp;
  hal->nvs_get = hal_nvs_get;
  hal->nvs_set = hal_nvs_set;
  hal->random_u32 = hal_random;
  hal->mqtt_subscribe = hal_subscribe;
  hal->log = hal_log;
  hal->join_start = hal_join_start;
  hal->join_poll = hal_join_poll;
  hal->join_end = hal_join_end;
  hal->led_color = NULL; /* the status LED is one GPIO (README wiring): a cmd/led colour is logged, not shown */
  return ESP_OK;
}
