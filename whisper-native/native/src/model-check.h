// Checks a ggml whisper model file before whisper.cpp reads it. whisper.cpp's loader trusts the file:
// a corrupt header makes it allocate absurd sizes, index arrays out of range or hit a GGML_ASSERT, which
// ends the process. This walks the same layout with bounds checks and says what is wrong and where.
#pragma once
#include <string>

namespace jarvis {

/** "" when the file is a plausible ggml whisper model, else what is wrong and at which byte. */
std::string check_whisper_model_file(const std::string & path);

/** The same for whisper.cpp's ggml Silero VAD model. */
std::string check_vad_model_file(const std::string & path);

}  // namespace jarvis
