/* whisper.rn's ggml.c under another stem: gyp's make rules name objects by stem, and ggml.c beside ggml.cpp
   would share one object built from whichever source make picks first. */
#include "ggml.c"
