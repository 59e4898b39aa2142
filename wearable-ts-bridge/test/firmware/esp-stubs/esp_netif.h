#pragma once
#include "esp_err.h"
void *esp_netif_create_default_wifi_sta(void); esp_err_t esp_netif_init(void);
