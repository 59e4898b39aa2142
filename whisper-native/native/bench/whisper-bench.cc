// The native side of `stt.whisper_vs_native`: the same whisper.cpp sources and compiler flags as the addon,
// as a plain C++ program with no Node in between. It runs the pass the binding runs (whisper_full_with_state
// on a reused state, greedy, no context, blank and non-speech tokens suppressed, temperature 0 without
// fallback) on the same audio, and prints one JSON line with the wall time of each pass.
//   whisper-bench MODEL AUDIO.f32 THREADS AUDIO_CTX REPS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "whisper.h"

static void quiet(wsp_ggml_log_level, const char *, void *) {}

int main(int argc, char ** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s MODEL AUDIO.f32 THREADS AUDIO_CTX REPS\n", argv[0]);
        return 2;
    }
    whisper_log_set(quiet, nullptr);
    const int threads = std::atoi(argv[3]), audio_ctx = std::atoi(argv[4]), reps = std::atoi(argv[5]);

    std::vector<float> pcm;
    if (FILE * f = std::fopen(argv[2], "rb")) {
        float buf[4096];
        size_t n;
        while ((n = std::fread(buf, sizeof(float), 4096, f)) > 0) pcm.insert(pcm.end(), buf, buf + n);
        std::fclose(f);
    }
    if (pcm.empty()) { std::fprintf(stderr, "cannot read audio %s\n", argv[2]); return 1; }

    whisper_context_params cp = whisper_context_default_params();
    cp.use_gpu = false;
    whisper_context * ctx = whisper_init_from_file_with_params_no_state(argv[1], cp);
    if (!ctx) { std::fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
    whisper_state * state = whisper_init_state(ctx);

    whisper_full_params p = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
    p.n_threads = threads;
    p.audio_ctx = audio_ctx;
    p.language = "en";
    p.no_context = true;
    p.suppress_blank = true;
    p.suppress_nst = true;
    p.temperature = 0.0f;
    p.temperature_inc = 0.0f;
    p.print_progress = p.print_realtime = p.print_timestamps = p.print_special = false;

    std::printf("{\"ms\":[");
    for (int r = 0; r < reps; r++) {
        const auto t0 = std::chrono::steady_clock::now();
        const int rc = whisper_full_with_state(ctx, state, p, pcm.data(), (int) pcm.size());
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (rc != 0) { std::fprintf(stderr, "whisper_full returned %d\n", rc); return 1; }
        std::printf("%s%.3f", r ? "," : "", ms);
        std::fflush(stdout);
    }
    std::printf("],\"system_info\":\"%s\"}\n", whisper_print_system_info());
    whisper_free_state(state);
    whisper_free(ctx);
    return 0;
}
