// whisper.rn's ggml-cpu/ggml-cpu.cpp under another stem (see ggml-cpu-c.c).
#include "ggml-cpu/ggml-cpu.cpp"
