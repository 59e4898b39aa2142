// @jarvis/whisper's binding: whisper.cpp 1.9.3 (whisper.rn's sources) for Node through node-addon-api.
// Every model load, pass, VAD run and free happens on the libuv pool. A model keeps a pool of whisper
// states, so a pass reuses the buffers of the one before instead of allocating ~130 MB each time; the
// model's memory lives until the last pass using it ends, whatever order JavaScript frees things in.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gbnf.h"
#include "model-check.h"
#include "whisper.h"

namespace {

// ---------------------------------------------------------------------------------------------------
// Logging: quiet unless JARVIS_WHISPER_LOG=1; the first error line of this thread's current operation (the
// cause; whisper.cpp's summary line follows it) goes into error messages.

thread_local std::string g_last_error;
bool                     g_verbose = false;

void log_callback(wsp_ggml_log_level level, const char * text, void *) {
    if (level == WSP_GGML_LOG_LEVEL_ERROR && text && g_last_error.empty()) {
        g_last_error = text;
        while (!g_last_error.empty() && (g_last_error.back() == '\n' || g_last_error.back() == ' ')) g_last_error.pop_back();
    }
    if (g_verbose && text) std::fputs(text, stderr);
}

Napi::Error coded_error(Napi::Env env, const char * code, const std::string & message) {
    Napi::Error e = Napi::Error::New(env, message);
    e.Set("code", Napi::String::New(env, code));
    return e;
}

/** The classes of this module instance (one per Node environment: the main thread and each worker thread). */
struct Classes {
    Napi::FunctionReference model, vad;
};

// ---------------------------------------------------------------------------------------------------
// Parameter reading: the TypeScript wrapper validates ranges; this only refuses wrong types.

template <typename T>
T get_num(const Napi::Object & o, const char * key, T fallback) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return fallback;
    if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a number");
    return (T) v.As<Napi::Number>().DoubleValue();
}

bool get_bool(const Napi::Object & o, const char * key, bool fallback) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return fallback;
    if (!v.IsBoolean()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
}

std::string get_str(const Napi::Object & o, const char * key, const std::string & fallback) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return fallback;
    if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a string");
    return v.As<Napi::String>().Utf8Value();
}

std::vector<float> get_pcm(const Napi::Value & v) {
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw Napi::TypeError::New(v.Env(), "audio must be a Float32Array");
    }
    auto a = v.As<Napi::Float32Array>();
    return std::vector<float>(a.Data(), a.Data() + a.ElementLength());
}

/** A cancel flag shared with JavaScript: element 0 of an Int32Array, non-zero = stop. */
struct CancelFlag {
    Napi::Reference<Napi::Int32Array> ref;
    int32_t *                         word = nullptr;

    void bind(const Napi::Value & v) {
        if (v.IsUndefined() || v.IsNull()) return;
        if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array || v.As<Napi::Int32Array>().ElementLength() < 1) {
            throw Napi::TypeError::New(v.Env(), "cancel flag must be an Int32Array of length >= 1");
        }
        auto a = v.As<Napi::Int32Array>();
        ref = Napi::Persistent(a);
        word = a.Data();
    }
    bool raised() const { return word != nullptr && __atomic_load_n(word, __ATOMIC_RELAXED) != 0; }
};

// ---------------------------------------------------------------------------------------------------
// Models

struct VadCore;
std::shared_ptr<VadCore> load_vad_core(const std::string & path, int threads, std::string & problem);

struct ModelCore {
    whisper_context *           ctx = nullptr;
    std::mutex                  vad_mu;
    std::string                 vad_path;
    std::shared_ptr<VadCore>    vad;  // the VAD model passes with `vadModelPath` use, loaded on first use

    std::shared_ptr<VadCore> vad_for(const std::string & path, int threads, std::string & problem) {
        std::lock_guard<std::mutex> lock(vad_mu);
        if (!vad || vad_path != path) {
            vad = load_vad_core(path, threads, problem);
            vad_path = vad ? path : "";
        }
        return vad;
    }
    std::mutex                  mu;
    std::vector<whisper_state *> idle;

    whisper_state * acquire() {
        {
            std::lock_guard<std::mutex> lock(mu);
            if (!idle.empty()) {
                whisper_state * s = idle.back();
                idle.pop_back();
                return s;
            }
        }
        return whisper_init_state(ctx);
    }
    void release(whisper_state * s) {
        std::lock_guard<std::mutex> lock(mu);
        idle.push_back(s);
    }
    ~ModelCore() {
        for (auto * s : idle) whisper_free_state(s);
        if (ctx) whisper_free(ctx);
    }
};

class NativeModel : public Napi::ObjectWrap<NativeModel> {
   public:
    std::shared_ptr<ModelCore> core;

    static Napi::Function Define(Napi::Env env) {
        return DefineClass(env, "NativeModel", {
            InstanceMethod<&NativeModel::Transcribe>("transcribe"),
            InstanceMethod<&NativeModel::Free>("free"),
            InstanceAccessor<&NativeModel::Freed>("freed"),
        });
    }
    NativeModel(const Napi::CallbackInfo & info) : Napi::ObjectWrap<NativeModel>(info) {}

    Napi::Value Transcribe(const Napi::CallbackInfo & info);
    Napi::Value Free(const Napi::CallbackInfo & info);
    Napi::Value Freed(const Napi::CallbackInfo & info) { return Napi::Boolean::New(info.Env(), core == nullptr); }
};

class LoadModelWorker : public Napi::AsyncWorker {
   public:
    LoadModelWorker(Napi::Env env, std::string path, whisper_context_params params)
        : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), path(std::move(path)), params(params) {}
    Napi::Promise Promise() { return deferred.Promise(); }

    void Execute() override {
        problem = jarvis::check_whisper_model_file(path);
        if (!problem.empty()) return;
        try {
            g_last_error.clear();
            auto c = std::make_shared<ModelCore>();
            c->ctx = whisper_init_from_file_with_params_no_state(path.c_str(), params);
            if (c->ctx == nullptr) {
                problem = g_last_error.empty() ? "whisper.cpp could not load it" : "whisper.cpp: " + g_last_error;
                return;
            }
            // One state up front: the first pass is then as fast as the rest, and memory problems show here.
            whisper_state * s = whisper_init_state(c->ctx);
            if (s == nullptr) {
                problem = "whisper.cpp could not allocate a decoding state" + (g_last_error.empty() ? std::string() : ": " + g_last_error);
                return;
            }
            c->idle.push_back(s);
            core = std::move(c);
        } catch (const std::exception & e) {
            problem = std::string("whisper.cpp failed while loading: ") + e.what();
        }
    }
    void OnOK() override {
        Napi::Env env = Env();
        if (!problem.empty()) {
            deferred.Reject(coded_error(env, "MODEL_BAD", path + ": " + problem).Value());
            return;
        }
        Napi::Object obj = Env().GetInstanceData<Classes>()->model.New({});
        NativeModel::Unwrap(obj)->core = std::move(core);
        deferred.Resolve(obj);
    }
    void OnError(const Napi::Error & e) override { deferred.Reject(coded_error(Env(), "MODEL_BAD", path + ": " + e.Message()).Value()); }

   private:
    Napi::Promise::Deferred    deferred;
    std::string                path;
    whisper_context_params     params;
    std::string                problem;
    std::shared_ptr<ModelCore> core;
};

class FreeWorker : public Napi::AsyncWorker {
   public:
    FreeWorker(Napi::Env env, std::shared_ptr<void> what) : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), what(std::move(what)) {}
    Napi::Promise Promise() { return deferred.Promise(); }
    // Drops this reference off the event loop; passes still running hold their own until they end.
    void Execute() override { what.reset(); }
    void OnOK() override { deferred.Resolve(Env().Undefined()); }
    void OnError(const Napi::Error & e) override { deferred.Reject(e.Value()); }

   private:
    Napi::Promise::Deferred deferred;
    std::shared_ptr<void>   what;
};

Napi::Value NativeModel::Free(const Napi::CallbackInfo & info) {
    auto * w = new FreeWorker(info.Env(), std::move(core));
    core.reset();
    w->Queue();
    return w->Promise();
}

struct Segment {
    int64_t     t0_ms, t1_ms;
    std::string text;
    float       confidence;
    float       no_speech_prob;
};

/** One whisper pass. */
class TranscribeWorker : public Napi::AsyncProgressQueueWorker<Segment> {
   public:
    TranscribeWorker(Napi::Env env, std::shared_ptr<ModelCore> core, std::vector<float> pcm, const Napi::Object & p, Napi::Function on_segment)
        : Napi::AsyncProgressQueueWorker<Segment>(env), deferred(Napi::Promise::Deferred::New(env)), core(std::move(core)), pcm(std::move(pcm)) {
        if (!on_segment.IsEmpty()) callback = Napi::Persistent(on_segment);
        language = get_str(p, "language", "en");
        prompt = get_str(p, "prompt", "");
        vad_model = get_str(p, "vadModelPath", "");
        wp = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
        wp.n_threads = get_num<int>(p, "threads", 2);
        wp.audio_ctx = get_num<int>(p, "audioCtx", 0);
        wp.single_segment = get_bool(p, "singleSegment", false);
        wp.no_context = get_bool(p, "noContext", true);
        wp.no_timestamps = get_bool(p, "noTimestamps", false);
        wp.temperature = get_num<float>(p, "temperature", 0.0f);
        wp.temperature_inc = get_num<float>(p, "temperatureIncrement", 0.0f);
        wp.max_tokens = get_num<int>(p, "maxTokens", 0);
        wp.suppress_blank = get_bool(p, "suppressBlank", true);
        wp.suppress_nst = get_bool(p, "suppressNonSpeech", true);
        wp.no_speech_thold = get_num<float>(p, "noSpeechThreshold", wp.no_speech_thold);
        wp.print_progress = wp.print_realtime = wp.print_timestamps = wp.print_special = false;
        std::string grammar_text = get_str(p, "grammar", "");
        if (!grammar_text.empty()) {
            grammar = jarvis::parse_gbnf(grammar_text, get_str(p, "grammarRoot", "root"));
            grammar_ptrs = grammar.pointers();
            wp.grammar_rules = grammar_ptrs.data();
            wp.n_grammar_rules = grammar_ptrs.size();
            wp.i_start_rule = grammar.root;
            wp.grammar_penalty = get_num<float>(p, "grammarPenalty", 100.0f);
        }
        if (!vad_model.empty()) {
            vad_params = whisper_vad_default_params();
            vad_params.threshold = get_num<float>(p, "vadThreshold", vad_params.threshold);
            vad_params.min_speech_duration_ms = get_num<int>(p, "vadMinSpeechMs", vad_params.min_speech_duration_ms);
            vad_params.min_silence_duration_ms = get_num<int>(p, "vadMinSilenceMs", vad_params.min_silence_duration_ms);
            vad_params.speech_pad_ms = get_num<int>(p, "vadSpeechPadMs", vad_params.speech_pad_ms);
        }
    }
    Napi::Promise Promise() { return deferred.Promise(); }
    CancelFlag    cancel;

    void Execute(const ExecutionProgress & progress) override {
        if (cancel.raised()) { aborted = true; return; }
        const auto t0 = std::chrono::steady_clock::now();
        whisper_state * state = nullptr;
        try {
            g_last_error.clear();
            state = core->acquire();
            if (state == nullptr) { problem = "could not allocate a decoding state"; return; }
            wp.language = language.c_str();
            wp.initial_prompt = prompt.empty() ? nullptr : prompt.c_str();
            wp.vad_model_path = vad_model.empty() ? nullptr : vad_model.c_str();
            wp.abort_callback = [](void * d) { return static_cast<CancelFlag *>(d)->raised(); };
            wp.abort_callback_user_data = &cancel;
            // Where the time of a pass goes (returned as `stages`): when each encoder window starts, and when the
            // first token is sampled (the encoder and the prompt's decode are done by then), and how many are.
            stages.t0 = t0;
            stages.cancel = &cancel;
            wp.encoder_begin_callback = [](whisper_context *, whisper_state *, void * d) {
                auto * st = static_cast<Stages *>(d);
                if (st->encodes++ == 0) st->encode_begin_ms = st->since_start();
                return !st->cancel->raised();
            };
            wp.encoder_begin_callback_user_data = &stages;
            wp.logits_filter_callback = [](whisper_context *, whisper_state *, const whisper_token_data *, int, float *, void * d) {
                auto * st = static_cast<Stages *>(d);
                if (st->samples++ == 0) st->first_token_ms = st->since_start();
            };
            wp.logits_filter_callback_user_data = &stages;
            if (!prompt.empty()) {
                std::vector<whisper_token> tokens(4096);
                const int n = whisper_tokenize(core->ctx, prompt.c_str(), tokens.data(), (int) tokens.size());
                stages.prompt_tokens = n < 0 ? -n : n;
            }
            Progress ctx{this, &progress};
            if (callback) {
                wp.new_segment_callback = [](whisper_context * c, whisper_state * s, int n_new, void * d) {
                    auto * pr = static_cast<Progress *>(d);
                    const int n = whisper_full_n_segments_from_state(s);
                    for (int i = n - n_new; i < n; i++) {
                        Segment seg = read_segment(c, s, i);
                        seg.t0_ms = pr->self->to_original_ms(seg.t0_ms);
                        seg.t1_ms = pr->self->to_original_ms(seg.t1_ms);
                        pr->progress->Send(&seg, 1);
                    }
                };
                wp.new_segment_callback_user_data = &ctx;
            }
            if (!vad_model.empty() && !apply_vad()) {
                core->release(state);
                state = nullptr;
                return;
            }
            const int rc = pcm.empty() ? 0 : whisper_full_with_state(core->ctx, state, wp, pcm.data(), (int) pcm.size());
            if (cancel.raised()) aborted = true;
            else if (rc != 0) problem = "whisper_full returned " + std::to_string(rc) + (g_last_error.empty() ? std::string() : ": " + g_last_error);
            else {
                const int n = whisper_full_n_segments_from_state(state);
                if (!pcm.empty()) {
                    for (int i = 0; i < n; i++) segments.push_back(read_segment(core->ctx, state, i));
                }
                for (auto & seg : segments) {
                    seg.t0_ms = to_original_ms(seg.t0_ms);
                    seg.t1_ms = to_original_ms(seg.t1_ms);
                }
            }
        } catch (const std::exception & e) {
            problem = std::string("whisper.cpp failed: ") + e.what();
        }
        if (state) core->release(state);
        elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }

    void OnProgress(const Segment * data, size_t count) override {
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        for (size_t i = 0; i < count; i++) {
            try {
                callback.Call({to_js(env, data[i])});
            } catch (const Napi::Error &) {
                // A throwing listener must not take the pass down; the segments still arrive with the result.
            }
        }
    }

    void OnOK() override {
        Napi::Env env = Env();
        if (!problem.empty()) {
            deferred.Reject(coded_error(env, "DECODE_FAILED", problem).Value());
            return;
        }
        Napi::Object out = Napi::Object::New(env);
        Napi::Array segs = Napi::Array::New(env, segments.size());
        for (size_t i = 0; i < segments.size(); i++) segs.Set((uint32_t) i, to_js(env, segments[i]));
        out.Set("segments", segs);
        out.Set("aborted", Napi::Boolean::New(env, aborted));
        out.Set("ms", Napi::Number::New(env, elapsed_ms));
        Napi::Object st = Napi::Object::New(env);
        st.Set("encodes", Napi::Number::New(env, stages.encodes));
        st.Set("sampled", Napi::Number::New(env, stages.samples));
        st.Set("promptTokens", Napi::Number::New(env, stages.prompt_tokens));
        st.Set("encodeBeginMs", Napi::Number::New(env, stages.encode_begin_ms));
        st.Set("firstTokenMs", Napi::Number::New(env, stages.first_token_ms));
        out.Set("stages", st);
        if (!vad_model.empty()) {
            Napi::Array v = Napi::Array::New(env, vad_segments.size());
            for (size_t i = 0; i < vad_segments.size(); i++) {
                Napi::Object o = Napi::Object::New(env);
                o.Set("startMs", Napi::Number::New(env, (double) vad_segments[i].first));
                o.Set("endMs", Napi::Number::New(env, (double) vad_segments[i].second));
                v.Set((uint32_t) i, o);
            }
            out.Set("vadSegments", v);
        }
        deferred.Resolve(out);
    }
    void OnError(const Napi::Error & e) override { deferred.Reject(coded_error(Env(), "DECODE_FAILED", e.Message()).Value()); }

   private:
    struct Progress {
        TranscribeWorker *         self;
        const ExecutionProgress *  progress;
    };

    /**
     * Keeps only the speech the model's VAD finds: spans joined with 100 ms of silence between them, as
     * whisper_full does (whisper_full_with_state, which a state pool needs, skips VAD). No speech leaves pcm
     * empty and the pass decodes nothing. Returns false (problem set) when the VAD fails.
     */
    bool apply_vad();
    /** A time in the VAD-filtered audio back to the audio passed in. */
    int64_t to_original_ms(int64_t t) const {
        if (span_map.empty()) return t;
        size_t i = 0;
        while (i + 1 < span_map.size() && span_map[i + 1].filtered_ms <= t) i++;
        const auto & m = span_map[i];
        return std::min(m.original_ms + std::max<int64_t>(0, t - m.filtered_ms), m.original_end_ms);
    }
    struct SpanMap {
        int64_t filtered_ms, original_ms, original_end_ms;
    };
    std::vector<SpanMap> span_map;
    whisper_vad_params   vad_params{};

    static Segment read_segment(whisper_context * c, whisper_state * s, int i) {
        Segment seg;
        seg.t0_ms = whisper_full_get_segment_t0_from_state(s, i) * 10;
        seg.t1_ms = whisper_full_get_segment_t1_from_state(s, i) * 10;
        seg.text = whisper_full_get_segment_text_from_state(s, i);
        seg.no_speech_prob = whisper_full_get_segment_no_speech_prob_from_state(s, i);
        const int n = whisper_full_n_tokens_from_state(s, i);
        const whisper_token eot = whisper_token_eot(c);
        double sum = 0;
        int    k = 0;
        for (int j = 0; j < n; j++) {
            whisper_token_data t = whisper_full_get_token_data_from_state(s, i, j);
            if (t.id >= eot) continue;  // special and timestamp tokens
            sum += t.p;
            k++;
        }
        seg.confidence = k > 0 ? (float) (sum / k) : 0.0f;
        return seg;
    }

    static Napi::Object to_js(Napi::Env env, const Segment & s) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("startMs", Napi::Number::New(env, (double) s.t0_ms));
        o.Set("endMs", Napi::Number::New(env, (double) s.t1_ms));
        o.Set("text", Napi::String::New(env, s.text));
        o.Set("confidence", Napi::Number::New(env, s.confidence));
        o.Set("noSpeechProb", Napi::Number::New(env, s.no_speech_prob));
        return o;
    }

    Napi::Promise::Deferred                    deferred;
    Napi::FunctionReference                    callback;
    std::shared_ptr<ModelCore>                 core;
    std::vector<float>                         pcm;
    whisper_full_params                        wp;
    std::string                                language, prompt, vad_model;
    jarvis::Grammar                            grammar;
    std::vector<const whisper_grammar_element *> grammar_ptrs;
    std::vector<Segment>                       segments;
    std::vector<std::pair<int64_t, int64_t>>   vad_segments;
    friend struct VadCore;
    std::string                                problem;
    bool                                       aborted = false;
    double                                     elapsed_ms = 0;
    /** Timings inside one pass, ms from the start of Execute. */
    struct Stages {
        std::chrono::steady_clock::time_point t0;
        const CancelFlag * cancel = nullptr;
        int    encodes = 0, samples = 0, prompt_tokens = 0;
        double encode_begin_ms = -1, first_token_ms = -1;
        double since_start() const { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); }
    } stages;
};

// transcribe(pcm: Float32Array, params: object, onSegment?: function, cancel?: Int32Array)
Napi::Value NativeModel::Transcribe(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!core) throw coded_error(env, "FREED", "the model was freed");
    if (info.Length() < 2 || !info[1].IsObject()) throw Napi::TypeError::New(env, "transcribe(pcm, params, onSegment?, cancel?)");
    Napi::Function on_segment = info.Length() > 2 && info[2].IsFunction() ? info[2].As<Napi::Function>() : Napi::Function();
    TranscribeWorker * w;
    try {
        w = new TranscribeWorker(env, core, get_pcm(info[0]), info[1].As<Napi::Object>(), on_segment);
    } catch (const jarvis::GrammarError & e) {
        throw coded_error(env, "BAD_GRAMMAR", e.what());
    }
    try {
        if (info.Length() > 3) w->cancel.bind(info[3]);
    } catch (...) {
        delete w;
        throw;
    }
    w->Queue();
    return w->Promise();
}

Napi::Value LoadModel(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "loadModel(path: string, options?: object)");
    whisper_context_params params = whisper_context_default_params();
    params.use_gpu = false;
    if (info.Length() > 1 && info[1].IsObject()) {
        Napi::Object o = info[1].As<Napi::Object>();
        params.flash_attn = get_bool(o, "flashAttn", params.flash_attn);
    }
    auto * w = new LoadModelWorker(env, info[0].As<Napi::String>().Utf8Value(), params);
    w->Queue();
    return w->Promise();
}

// ---------------------------------------------------------------------------------------------------
// Whisper's own VAD (Silero ggml) on its own, for callers that want speech segments without a pass.

struct VadCore {
    whisper_vad_context * ctx = nullptr;
    std::mutex            mu;  // a VAD context keeps LSTM state: one run at a time
    ~VadCore() {
        if (ctx) whisper_vad_free(ctx);
    }
};

std::shared_ptr<VadCore> load_vad_core(const std::string & path, int threads, std::string & problem) {
    problem = jarvis::check_vad_model_file(path);
    if (!problem.empty()) return nullptr;
    whisper_vad_context_params p = whisper_vad_default_context_params();
    p.n_threads = threads;
    p.use_gpu = false;
    auto c = std::make_shared<VadCore>();
    c->ctx = whisper_vad_init_from_file_with_params(path.c_str(), p);
    if (!c->ctx) {
        problem = g_last_error.empty() ? "whisper.cpp could not load it" : "whisper.cpp: " + g_last_error;
        return nullptr;
    }
    return c;
}

bool TranscribeWorker::apply_vad() {
    std::string problem_here;
    auto vad = core->vad_for(vad_model, 1, problem_here);
    if (!vad) {
        problem = "VAD model " + vad_model + ": " + problem_here;
        return false;
    }
    std::vector<std::pair<int64_t, int64_t>> spans;  // in samples
    {
        std::lock_guard<std::mutex> lock(vad->mu);
        whisper_vad_segments * segs = whisper_vad_segments_from_samples(vad->ctx, vad_params, pcm.data(), (int) pcm.size());
        if (!segs) {
            problem = "VAD failed" + (g_last_error.empty() ? std::string() : ": " + g_last_error);
            return false;
        }
        const int n = whisper_vad_segments_n_segments(segs);
        for (int i = 0; i < n; i++) {
            // centiseconds
            const int64_t a = (int64_t) (whisper_vad_segments_get_segment_t0(segs, i) * 160.0);
            const int64_t b = (int64_t) (whisper_vad_segments_get_segment_t1(segs, i) * 160.0);
            const int64_t s0 = std::max<int64_t>(0, a), s1 = std::min<int64_t>((int64_t) pcm.size(), b);
            if (s1 > s0) spans.emplace_back(s0, s1);
        }
        whisper_vad_free_segments(segs);
    }
    std::vector<float> kept;
    const int64_t gap = WHISPER_SAMPLE_RATE / 10;
    for (const auto & [s0, s1] : spans) {
        if (!kept.empty()) kept.insert(kept.end(), gap, 0.0f);
        span_map.push_back({(int64_t) kept.size() / 16, s0 / 16, s1 / 16});
        vad_segments.emplace_back(s0 / 16, s1 / 16);
        kept.insert(kept.end(), pcm.begin() + s0, pcm.begin() + s1);
    }
    // whisper needs about a second of input: pad a short command with silence.
    if (!kept.empty() && kept.size() < (size_t) WHISPER_SAMPLE_RATE + gap) kept.resize(WHISPER_SAMPLE_RATE + gap, 0.0f);
    pcm.swap(kept);
    return true;
}

class NativeVad : public Napi::ObjectWrap<NativeVad> {
   public:
    std::shared_ptr<VadCore> core;
    static Napi::Function Define(Napi::Env env) {
        return DefineClass(env, "NativeVad", {
            InstanceMethod<&NativeVad::Detect>("detect"),
            InstanceMethod<&NativeVad::Free>("free"),
            InstanceAccessor<&NativeVad::Freed>("freed"),
        });
    }
    NativeVad(const Napi::CallbackInfo & info) : Napi::ObjectWrap<NativeVad>(info) {}
    Napi::Value Detect(const Napi::CallbackInfo & info);
    Napi::Value Free(const Napi::CallbackInfo & info) {
        auto * w = new FreeWorker(info.Env(), std::move(core));
        core.reset();
        w->Queue();
        return w->Promise();
    }
    Napi::Value Freed(const Napi::CallbackInfo & info) { return Napi::Boolean::New(info.Env(), core == nullptr); }
};

class LoadVadWorker : public Napi::AsyncWorker {
   public:
    LoadVadWorker(Napi::Env env, std::string path, int threads) : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), path(std::move(path)), threads(threads) {}
    Napi::Promise Promise() { return deferred.Promise(); }
    void Execute() override {
        try {
            g_last_error.clear();
            core = load_vad_core(path, threads, problem);
        } catch (const std::exception & e) {
            problem = std::string("whisper.cpp failed while loading: ") + e.what();
        }
    }
    void OnOK() override {
        if (!problem.empty()) { deferred.Reject(coded_error(Env(), "MODEL_BAD", path + ": " + problem).Value()); return; }
        Napi::Object obj = Env().GetInstanceData<Classes>()->vad.New({});
        NativeVad::Unwrap(obj)->core = std::move(core);
        deferred.Resolve(obj);
    }
    void OnError(const Napi::Error & e) override { deferred.Reject(coded_error(Env(), "MODEL_BAD", path + ": " + e.Message()).Value()); }

   private:
    Napi::Promise::Deferred  deferred;
    std::string              path;
    int                      threads;
    std::string              problem;
    std::shared_ptr<VadCore> core;
};

class VadWorker : public Napi::AsyncWorker {
   public:
    VadWorker(Napi::Env env, std::shared_ptr<VadCore> core, std::vector<float> pcm, const Napi::Object & p)
        : Napi::AsyncWorker(env), deferred(Napi::Promise::Deferred::New(env)), core(std::move(core)), pcm(std::move(pcm)) {
        params = whisper_vad_default_params();
        params.threshold = get_num<float>(p, "threshold", params.threshold);
        params.min_speech_duration_ms = get_num<int>(p, "minSpeechMs", params.min_speech_duration_ms);
        params.min_silence_duration_ms = get_num<int>(p, "minSilenceMs", params.min_silence_duration_ms);
        params.speech_pad_ms = get_num<int>(p, "speechPadMs", params.speech_pad_ms);
        params.max_speech_duration_s = get_num<float>(p, "maxSpeechS", params.max_speech_duration_s);
    }
    Napi::Promise Promise() { return deferred.Promise(); }
    void Execute() override {
        const auto t0 = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(core->mu);
        g_last_error.clear();
        whisper_vad_segments * segs = whisper_vad_segments_from_samples(core->ctx, params, pcm.data(), (int) pcm.size());
        if (!segs) { problem = "VAD failed" + (g_last_error.empty() ? std::string() : ": " + g_last_error); return; }
        const int n = whisper_vad_segments_n_segments(segs);
        // whisper.cpp reports VAD segment times in centiseconds.
        for (int i = 0; i < n; i++) out.emplace_back(whisper_vad_segments_get_segment_t0(segs, i) * 10.0, whisper_vad_segments_get_segment_t1(segs, i) * 10.0);
        whisper_vad_free_segments(segs);
        elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    void OnOK() override {
        Napi::Env env = Env();
        if (!problem.empty()) { deferred.Reject(coded_error(env, "DECODE_FAILED", problem).Value()); return; }
        Napi::Object res = Napi::Object::New(env);
        Napi::Array a = Napi::Array::New(env, out.size());
        for (size_t i = 0; i < out.size(); i++) {
            Napi::Object o = Napi::Object::New(env);
            o.Set("startMs", Napi::Number::New(env, out[i].first));
            o.Set("endMs", Napi::Number::New(env, out[i].second));
            a.Set((uint32_t) i, o);
        }
        res.Set("segments", a);
        res.Set("ms", Napi::Number::New(env, elapsed_ms));
        deferred.Resolve(res);
    }
    void OnError(const Napi::Error & e) override { deferred.Reject(coded_error(Env(), "DECODE_FAILED", e.Message()).Value()); }

   private:
    Napi::Promise::Deferred          deferred;
    std::shared_ptr<VadCore>         core;
    std::vector<float>               pcm;
    whisper_vad_params               params;
    std::vector<std::pair<double, double>> out;
    std::string                      problem;
    double                           elapsed_ms = 0;
};

Napi::Value NativeVad::Detect(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!core) throw coded_error(env, "FREED", "the VAD model was freed");
    if (info.Length() < 2 || !info[1].IsObject()) throw Napi::TypeError::New(env, "detect(pcm, params)");
    auto * w = new VadWorker(env, core, get_pcm(info[0]), info[1].As<Napi::Object>());
    w->Queue();
    return w->Promise();
}

Napi::Value LoadVad(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "loadVad(path: string, options?: object)");
    int threads = 1;
    if (info.Length() > 1 && info[1].IsObject()) threads = get_num<int>(info[1].As<Napi::Object>(), "threads", 1);
    auto * w = new LoadVadWorker(env, info[0].As<Napi::String>().Utf8Value(), threads);
    w->Queue();
    return w->Promise();
}

// ---------------------------------------------------------------------------------------------------

// checkGrammar(text, root?) -> number of rules; throws {code: 'BAD_GRAMMAR'}.
Napi::Value CheckGrammar(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "checkGrammar(text: string, root?: string)");
    std::string root = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "root";
    try {
        return Napi::Number::New(env, (double) jarvis::parse_gbnf(info[0].As<Napi::String>().Utf8Value(), root).rules.size());
    } catch (const jarvis::GrammarError & e) {
        throw coded_error(env, "BAD_GRAMMAR", e.what());
    }
}

Napi::Value SystemInfo(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("whisperVersion", Napi::String::New(env, whisper_version()));
    o.Set("systemInfo", Napi::String::New(env, whisper_print_system_info()));
    return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    const char * v = std::getenv("JARVIS_WHISPER_LOG");
    g_verbose = v != nullptr && std::strcmp(v, "1") == 0;
    whisper_log_set(log_callback, nullptr);

    auto * classes = new Classes();
    classes->model = Napi::Persistent(NativeModel::Define(env));
    classes->vad = Napi::Persistent(NativeVad::Define(env));
    env.SetInstanceData<Classes>(classes);
    exports.Set("loadModel", Napi::Function::New<LoadModel>(env, "loadModel"));
    exports.Set("loadVad", Napi::Function::New<LoadVad>(env, "loadVad"));
    exports.Set("checkGrammar", Napi::Function::New<CheckGrammar>(env, "checkGrammar"));
    exports.Set("systemInfo", Napi::Function::New<SystemInfo>(env, "systemInfo"));
    return exports;
}

}  // namespace

NODE_API_MODULE(jarvis_whisper, Init)
