#pragma once
#include "FreeRTOS.h"
TaskHandle_t xTaskGetCurrentTaskHandle(void); void vTaskNotifyGiveFromISR(TaskHandle_t, BaseType_t *); BaseType_t xTaskNotifyGive(TaskHandle_t);
uint32_t ulTaskNotifyTake(BaseType_t, TickType_t); void vTaskDelay(TickType_t); void vTaskDelete(TaskHandle_t);
BaseType_t xTaskCreatePinnedToCore(void (*)(void *), const char *, uint32_t, void *, int, TaskHandle_t *, int);
TickType_t xTaskGetTickCount(void);
