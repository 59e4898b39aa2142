/* whisper.rn's ggml-cpu/ggml-cpu.c under another stem (see ggml-c.c). */
#include "ggml-cpu/ggml-cpu.c"
