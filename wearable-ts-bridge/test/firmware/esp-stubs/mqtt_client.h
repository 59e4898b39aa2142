#pragma once
#include "esp_event.h"
#include <stdbool.h>
typedef struct esp_mqtt_client *esp_mqtt_client_handle_t;
typedef enum { MQTT_EVENT_ERROR, MQTT_EVENT_CONNECTED, MQTT_EVENT_DISCONNECTED, MQTT_EVENT_DATA } esp_mqtt_event_id_t;
typedef struct { char *topic; int topic_len; char *data; int data_len; int total_data_len; int current_data_offset; } esp_mqtt_event_t;
typedef esp_mqtt_event_t *esp_mqtt_event_handle_t;
typedef struct {
  struct { struct { const char *uri; } address; } broker;
  struct { const char *username; const char *client_id; struct { const char *password; } authentication; } credentials;
  struct { struct { const char *topic; const char *msg; int msg_len; int qos; int retain; } last_will; int keepalive; } session;
  struct { bool disable_auto_reconnect; } network;
  struct { int size; } buffer;
} esp_mqtt_client_config_t;
esp_mqtt_client_handle_t esp_mqtt_client_init(const esp_mqtt_client_config_t *);
esp_err_t esp_mqtt_client_register_event(esp_mqtt_client_handle_t, esp_mqtt_event_id_t, esp_event_handler_t, void *);
esp_err_t esp_mqtt_client_start(esp_mqtt_client_handle_t); esp_err_t esp_mqtt_client_reconnect(esp_mqtt_client_handle_t);
int esp_mqtt_client_publish(esp_mqtt_client_handle_t, const char *, const char *, int, int, int);
int esp_mqtt_client_subscribe(esp_mqtt_client_handle_t, const char *, int);
esp_err_t esp_mqtt_client_destroy(esp_mqtt_client_handle_t);
