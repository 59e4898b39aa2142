#pragma once
#include "esp_err.h"
#include <stdint.h>
typedef struct { int x; } wifi_init_config_t;
#define WIFI_INIT_CONFIG_DEFAULT() {0}
typedef enum { WIFI_AUTH_OPEN, WIFI_AUTH_WPA2_PSK = 3 } wifi_auth_mode_t;
typedef union { struct { uint8_t ssid[32]; uint8_t password[64]; struct { wifi_auth_mode_t authmode; } threshold; } sta; } wifi_config_t;
#define WIFI_MODE_STA 1
#define WIFI_IF_STA 0
#define WIFI_EVENT_STA_DISCONNECTED 5
#define IP_EVENT_STA_GOT_IP 0
esp_err_t esp_wifi_init(const wifi_init_config_t *); esp_err_t esp_wifi_set_mode(int); esp_err_t esp_wifi_set_config(int, wifi_config_t *);
esp_err_t esp_wifi_start(void); esp_err_t esp_wifi_connect(void);
esp_err_t esp_wifi_disconnect(void);
