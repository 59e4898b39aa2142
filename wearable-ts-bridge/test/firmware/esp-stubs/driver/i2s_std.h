#pragma once
#include "esp_err.h"
#include <stddef.h>
#include <stdint.h>
typedef struct i2s_channel *i2s_chan_handle_t;
typedef struct { int id; int role; uint32_t dma_desc_num; uint32_t dma_frame_num; } i2s_chan_config_t;
#define I2S_NUM_0 0
#define I2S_ROLE_MASTER 0
#define I2S_GPIO_UNUSED (-1)
#define I2S_DATA_BIT_WIDTH_32BIT 32
#define I2S_SLOT_MODE_MONO 1
#define I2S_STD_SLOT_LEFT 1
#define I2S_CHANNEL_DEFAULT_CONFIG(a, b) {a, b, 6, 240}
typedef struct { uint32_t sample_rate_hz; } i2s_std_clk_config_t;
typedef struct { int data_bit_width; int slot_mode; int slot_mask; } i2s_std_slot_config_t;
typedef struct { int mclk, bclk, ws, dout, din; } i2s_std_gpio_config_t;
typedef struct { i2s_std_clk_config_t clk_cfg; i2s_std_slot_config_t slot_cfg; i2s_std_gpio_config_t gpio_cfg; } i2s_std_config_t;
#define I2S_STD_CLK_DEFAULT_CONFIG(r) {r}
#define I2S_STD_PHILIPS_SLOT_DEFAULT_CONFIG(w, m) {w, m, 3}
esp_err_t i2s_new_channel(const i2s_chan_config_t *, i2s_chan_handle_t *, i2s_chan_handle_t *);
esp_err_t i2s_channel_init_std_mode(i2s_chan_handle_t, const i2s_std_config_t *); esp_err_t i2s_channel_enable(i2s_chan_handle_t);
esp_err_t i2s_channel_read(i2s_chan_handle_t, void *, size_t, size_t *, uint32_t);
