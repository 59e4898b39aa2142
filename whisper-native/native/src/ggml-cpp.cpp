// whisper.rn's ggml.cpp under another stem: gyp's make rules name objects by stem, so ggml.cpp beside ggml.c
// would be built from whichever source make's pattern rules pick first (see ggml-c.c).
#include "ggml.cpp"
