void esp_restart(void);
