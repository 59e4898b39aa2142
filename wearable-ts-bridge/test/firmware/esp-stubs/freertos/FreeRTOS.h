#pragma once
#include <stdint.h>
typedef int BaseType_t; typedef uint32_t TickType_t; typedef void *TaskHandle_t; typedef void *QueueHandle_t;
#define pdFALSE 0
#define pdTRUE 1
#define pdMS_TO_TICKS(x) (x)
#define portMAX_DELAY 0xffffffffu
#define portYIELD_FROM_ISR(x) (void)(x)
