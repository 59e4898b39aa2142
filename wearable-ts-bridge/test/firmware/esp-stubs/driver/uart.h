#pragma once
#include "esp_err.h"
#include <stddef.h>
#include <stdint.h>
esp_err_t uart_driver_install(int, int, int, int, void *, int); int uart_read_bytes(int, void *, uint32_t, uint32_t); int uart_write_bytes(int, const void *, size_t);
