// Node-API binding for PocketSphinx 0.8 (sphinxbase API). One Decoder object owns one ps_decoder_t.
// Searches (JSGF grammars, the phone loop) are registered by name; decode() runs one search over a
// 16 kHz mono int16 utterance on the libuv thread pool so the event loop never waits on it.
// The decoder is not thread-safe: the JavaScript wrapper serialises every call on one queue.
#include <napi.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fsg_model.h>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Every error the addon throws or rejects with carries its stable code twice: as `err.code`, which
// hub/src/stt/errors.ts reads, and in front of the message ("JARVIS_STT_...: what"), for logs and for the
// wrappers of builds older than the `code` property.
Napi::Error WithCode(Napi::Error err, const char* code) {
  err.Set("code", Napi::String::New(err.Env(), code));
  return err;
}

Napi::Error CodedError(Napi::Env env, const char* code, const std::string& what) {
  return WithCode(Napi::Error::New(env, std::string(code) + ": " + what), code);
}

Napi::Error CodedTypeError(Napi::Env env, const char* code, const std::string& what) {
  return WithCode(Napi::TypeError::New(env, std::string(code) + ": " + what), code);
}

class Decoder : public Napi::ObjectWrap<Decoder> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports) {
    Napi::Function fn = DefineClass(env, "Decoder", {
      InstanceMethod("setJsgf", &Decoder::SetJsgf),
      InstanceMethod("setFsg", &Decoder::SetFsg),
      InstanceMethod("loadFsg", &Decoder::LoadFsg),
      InstanceMethod("setAllphone", &Decoder::SetAllphone),
      InstanceMethod("lookupWord", &Decoder::LookupWord),
      InstanceMethod("addWord", &Decoder::AddWord),
      InstanceMethod("decode", &Decoder::Decode),
      InstanceMethod("free", &Decoder::Free),
    });
    exports.Set("Decoder", fn);
    return exports;
  }

  // new Decoder(["-hmm", path, "-dict", path, ...]) — arguments as for the pocketsphinx command line.
  explicit Decoder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Decoder>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsArray()) {
      throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "Decoder expects an array of strings");
    }
    Napi::Array args = info[0].As<Napi::Array>();
    std::vector<std::string> storage;
    for (uint32_t i = 0; i < args.Length(); i++) {
      Napi::Value v = args.Get(i);
      if (!v.IsString()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "Decoder arguments must be strings");
      storage.push_back(v.As<Napi::String>().Utf8Value());
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("pocketsphinx"));
    for (auto& s : storage) argv.push_back(const_cast<char*>(s.c_str()));
    err_set_logfp(nullptr);
    config_ = cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), FALSE);
    if (config_ == nullptr) throw CodedError(env, "JARVIS_STT_ENGINE_INIT", "pocketsphinx rejected its arguments");
    ps_ = ps_init(config_);
    if (ps_ == nullptr) {
      cmd_ln_free_r(config_);
      config_ = nullptr;
      throw CodedError(env, "JARVIS_STT_ENGINE_INIT", "pocketsphinx could not load its model (check -hmm and -dict)");
    }
  }

  ~Decoder() override { Release(); }

  ps_decoder_t* ps() const { return ps_; }

 private:
  void Release() {
    if (ps_ != nullptr) ps_free(ps_);
    if (config_ != nullptr) cmd_ln_free_r(config_);
    ps_ = nullptr;
    config_ = nullptr;
  }

  void CheckOpen(Napi::Env env) const {
    if (ps_ == nullptr) throw CodedError(env, "JARVIS_STT_ENGINE_CLOSED", "the decoder was freed");
  }

  // setJsgf(name, jsgfText): compiles a JSGF grammar into a named search. Throws when it does not parse
  // or uses words missing from the dictionary.
  Napi::Value SetJsgf(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckOpen(env);
    std::string name = info[0].As<Napi::String>().Utf8Value();
    std::string text = info[1].As<Napi::String>().Utf8Value();
    if (ps_set_jsgf_string(ps_, name.c_str(), text.c_str()) != 0) {
      throw CodedError(env, "JARVIS_STT_BAD_GRAMMAR", "pocketsphinx could not compile the JSGF grammar");
    }
    return env.Undefined();
  }

  // setFsg(name, { states, start, final, words: string[], arcs: Int32Array, probs: Float64Array }): a word
  // automaton as a named search; arcs are (from, to, word index) triples, probs one per arc. Throws on a
  // malformed automaton or a word missing from the dictionary.
  Napi::Value SetFsg(const Napi::CallbackInfo& info) {
    std::string name;
    fsg_model_t* fsg = BuildFsg(info, &name);
    int rc = ps_set_fsg(ps_, name.c_str(), fsg);
    fsg_model_free(fsg);
    if (rc != 0) throw CodedError(info.Env(), "JARVIS_STT_BAD_GRAMMAR", "pocketsphinx rejected the automaton (a word missing from the dictionary?)");
    return info.Env().Undefined();
  }

  // loadFsg(name, fsg) → Promise<void>: setFsg with the search built on the thread pool (for a large grammar
  // ps_set_fsg takes ~0.5–1.5 s, which would stall the event loop). Malformed input throws at once, as setFsg;
  // a word missing from the dictionary rejects. The caller must not decode on this decoder until it settles.
  Napi::Value LoadFsg(const Napi::CallbackInfo& info);

  // The automaton of setFsg/loadFsg's arguments, validated (throws a coded error); the caller frees it.
  fsg_model_t* BuildFsg(const Napi::CallbackInfo& info, std::string* outName) {
    Napi::Env env = info.Env();
    CheckOpen(env);
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsObject()) {
      throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "setFsg(name, fsg)");
    }
    std::string name = info[0].As<Napi::String>().Utf8Value();
    Napi::Object o = info[1].As<Napi::Object>();
    Napi::Value vStates = o.Get("states"), vStart = o.Get("start"), vFinal = o.Get("final");
    Napi::Value vWords = o.Get("words"), vArcs = o.Get("arcs"), vProbs = o.Get("probs");
    if (!vStates.IsNumber() || !vStart.IsNumber() || !vFinal.IsNumber() || !vWords.IsArray() || !vArcs.IsTypedArray() || !vProbs.IsTypedArray() ||
        vArcs.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array || vProbs.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "setFsg expects {states, start, final, words[], arcs: Int32Array, probs: Float64Array}");
    }
    int32_t states = vStates.As<Napi::Number>().Int32Value();
    int32_t start = vStart.As<Napi::Number>().Int32Value();
    int32_t final = vFinal.As<Napi::Number>().Int32Value();
    Napi::Array words = vWords.As<Napi::Array>();
    Napi::Int32Array arcs = vArcs.As<Napi::Int32Array>();
    Napi::Float64Array probs = vProbs.As<Napi::Float64Array>();
    uint32_t nWords = words.Length();
    size_t nArcs = arcs.ElementLength() / 3;
    if (states < 1 || start < 0 || start >= states || final < 0 || final >= states || arcs.ElementLength() % 3 != 0 || probs.ElementLength() != nArcs) {
      throw CodedError(env, "JARVIS_STT_BAD_GRAMMAR", "the automaton's states, arcs and probabilities do not agree");
    }
    for (size_t i = 0; i < nArcs; i++) {
      int32_t from = arcs[3 * i], to = arcs[3 * i + 1], w = arcs[3 * i + 2];
      double p = probs[i];
      if (from < 0 || from >= states || to < 0 || to >= states || w < 0 || static_cast<uint32_t>(w) >= nWords || !(p > 0 && p <= 1)) {
        throw CodedError(env, "JARVIS_STT_BAD_GRAMMAR", "arc " + std::to_string(i) + " of the automaton is out of range");
      }
    }
    std::vector<std::string> wordText;
    for (uint32_t i = 0; i < nWords; i++) {
      Napi::Value w = words.Get(i);
      if (!w.IsString()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "setFsg words must be strings");
      wordText.push_back(w.As<Napi::String>().Utf8Value());
    }
    logmath_t* lmath = ps_get_logmath(ps_);
    float32 lw = cmd_ln_float32_r(config_, "-lw");
    fsg_model_t* fsg = fsg_model_init(name.c_str(), lmath, lw, states);
    fsg->start_state = start;
    fsg->final_state = final;
    std::vector<int32> wid(nWords);
    for (uint32_t i = 0; i < nWords; i++) wid[i] = fsg_model_word_add(fsg, wordText[i].c_str());
    for (size_t i = 0; i < nArcs; i++) {
      int32 logp = static_cast<int32>(logmath_log(lmath, probs[i]) * lw);
      fsg_model_trans_add(fsg, arcs[3 * i], arcs[3 * i + 1], logp, wid[arcs[3 * i + 2]]);
    }
    *outName = std::move(name);
    return fsg;
  }

  // setAllphone(name, phoneLmPath): a phone-loop search, the garbage model that out-of-grammar speech is scored against.
  Napi::Value SetAllphone(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckOpen(env);
    std::string name = info[0].As<Napi::String>().Utf8Value();
    std::string path = info[1].As<Napi::String>().Utf8Value();
    if (ps_set_allphone_file(ps_, name.c_str(), path.c_str()) != 0) {
      throw CodedError(env, "JARVIS_STT_ENGINE_INIT", "pocketsphinx could not load the phone language model");
    }
    return env.Undefined();
  }

  // lookupWord(word): the word's phones ("HH EH L OW") or null when the dictionary lacks it.
  Napi::Value LookupWord(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckOpen(env);
    std::string word = info[0].As<Napi::String>().Utf8Value();
    char* phones = ps_lookup_word(ps_, word.c_str());
    if (phones == nullptr) return env.Null();
    Napi::String out = Napi::String::New(env, phones);
    ckd_free(phones);
    return out;
  }

  // addWord(word, phones): adds a pronunciation to the live dictionary.
  Napi::Value AddWord(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckOpen(env);
    std::string word = info[0].As<Napi::String>().Utf8Value();
    std::string phones = info[1].As<Napi::String>().Utf8Value();
    if (ps_add_word(ps_, word.c_str(), phones.c_str(), TRUE) < 0) {
      throw CodedError(env, "JARVIS_STT_BAD_PRONUNCIATION", "pocketsphinx rejected the phones for '" + word + "': " + phones);
    }
    return env.Undefined();
  }

  Napi::Value Decode(const Napi::CallbackInfo& info);

  Napi::Value Free(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  cmd_ln_t* config_ = nullptr;
  ps_decoder_t* ps_ = nullptr;
};

// A decoder job on the thread pool that settles a promise; a failure carries its JARVIS_* code to JavaScript.
class DecoderJob : public Napi::AsyncWorker {
 public:
  DecoderJob(Napi::Env env, Decoder* decoder, Napi::Object keepAlive)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), decoder_(decoder) {
    keep_.Reset(keepAlive, 1);
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void OnError(const Napi::Error& e) override {
    Napi::Object err = e.Value();
    if (code_ != nullptr) err.Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(err);
  }

 protected:
  // Runs on the thread pool: keeps the code for OnError, which builds the JavaScript error on the main thread.
  void Fail(const char* code, const std::string& what) {
    code_ = code;
    SetError(std::string(code) + ": " + what);
  }

  Napi::Promise::Deferred deferred_;
  Decoder* decoder_;

 private:
  const char* code_ = nullptr;
  Napi::ObjectReference keep_;
};

// Builds an FSG search on the thread pool (loadFsg).
class LoadFsgWorker : public DecoderJob {
 public:
  LoadFsgWorker(Napi::Env env, Decoder* decoder, Napi::Object keepAlive, std::string name, fsg_model_t* fsg)
      : DecoderJob(env, decoder, keepAlive), name_(std::move(name)), fsg_(fsg) {}
  ~LoadFsgWorker() override {
    if (fsg_ != nullptr) fsg_model_free(fsg_);
  }

  void Execute() override {
    ps_decoder_t* ps = decoder_->ps();
    if (ps == nullptr) return Fail("JARVIS_STT_ENGINE_CLOSED", "the decoder was freed");
    if (ps_set_fsg(ps, name_.c_str(), fsg_) != 0) return Fail("JARVIS_STT_BAD_GRAMMAR", "pocketsphinx rejected the automaton (a word missing from the dictionary?)");
  }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }

 private:
  std::string name_;
  fsg_model_t* fsg_;
};

Napi::Value Decoder::LoadFsg(const Napi::CallbackInfo& info) {
  std::string name;
  fsg_model_t* fsg = BuildFsg(info, &name);
  auto* worker = new LoadFsgWorker(info.Env(), this, Value(), std::move(name), fsg);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

class DecodeWorker : public DecoderJob {
 public:
  DecodeWorker(Napi::Env env, Decoder* decoder, Napi::Object keepAlive, std::string search, const int16_t* data, size_t n, bool fresh,
               uint32_t nbest)
      : DecoderJob(env, decoder, keepAlive), search_(std::move(search)), samples_(data, data + n), fresh_(fresh), nbest_(nbest) {}

  void Execute() override {
    ps_decoder_t* ps = decoder_->ps();
    if (ps == nullptr) return Fail("JARVIS_STT_ENGINE_CLOSED", "the decoder was freed");
    if (ps_set_search(ps, search_.c_str()) != 0) return Fail("JARVIS_STT_NO_SEARCH", "no search named '" + search_ + "'");
    if (fresh_ && ps_start_stream(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_start_stream failed");
    if (ps_start_utt(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_start_utt failed");
    if (!samples_.empty() && ps_process_raw(ps, samples_.data(), samples_.size(), FALSE, TRUE) < 0) {
      ps_end_utt(ps);
      return Fail("JARVIS_STT_DECODE_FAILED", "ps_process_raw failed");
    }
    if (ps_end_utt(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_end_utt failed");
    int32 score = 0;
    const char* hyp = ps_get_hyp(ps, &score);
    hasHyp_ = hyp != nullptr;
    if (hyp != nullptr) hyp_ = hyp;
    score_ = score;
    frames_ = ps_get_n_frames(ps);
    // Also when the search found no sentence: the lattice may still hold strings (the caller keeps whole sentences).
    if (nbest_ > 0) CollectNbest(ps);
    if (hyp == nullptr) return;
    // Per-word acoustic and language scores: rejection compares acoustic evidence only, so it does not
    // depend on how many sentences the grammar has (the language score does, through 1/N branch weights).
    for (ps_seg_t* seg = ps_seg_iter(ps); seg != nullptr; seg = ps_seg_next(seg)) {
      Segment s;
      s.word = ps_seg_word(seg);
      ps_seg_frames(seg, &s.start, &s.end);
      ps_seg_prob(seg, &s.ascr, &s.lscr, &s.lback);
      segments_.push_back(std::move(s));
    }
  }

  // The N best distinct word strings of the utterance's lattice (A* over the word graph the search left; for an
  // FSG search pocketsphinx builds it from the search history, whatever -bestpath says), best first, with their
  // path scores (acoustic + the grammar's transition scores, same log base as `score`). The lattice's end is any
  // word ending on the last frame, so a string may stop short of the grammar's final state: the caller checks.
  // A* yields paths, not strings (one string over several segmentations), so at most kPathsPerString × N paths
  // are walked.
  void CollectNbest(ps_decoder_t* ps) {
    static constexpr uint32_t kPathsPerString = 20;
    uint32_t paths = 0;
    ps_nbest_t* it = ps_nbest(ps);
    while (it != nullptr && nbestHyps_.size() < nbest_ && paths < kPathsPerString * nbest_) {
      int32 score = 0;
      const char* hyp = ps_nbest_hyp(it, &score);
      paths++;
      if (hyp != nullptr) {
        std::string text(hyp);
        bool seen = false;
        for (const auto& h : nbestHyps_) seen = seen || h.text == text;
        if (!seen) nbestHyps_.push_back(NbestHyp{std::move(text), score});
      }
      it = ps_nbest_next(it);  // frees the iterator when the list ends
    }
    if (it != nullptr) ps_nbest_free(it);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("hyp", hasHyp_ ? Napi::Value(Napi::String::New(env, hyp_)) : env.Null());
    out.Set("score", Napi::Number::New(env, score_));
    out.Set("frames", Napi::Number::New(env, frames_));
    Napi::Array segs = Napi::Array::New(env, segments_.size());
    for (size_t i = 0; i < segments_.size(); i++) {
      const Segment& s = segments_[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("word", Napi::String::New(env, s.word));
      o.Set("start", Napi::Number::New(env, s.start));
      o.Set("end", Napi::Number::New(env, s.end));
      o.Set("ascr", Napi::Number::New(env, s.ascr));
      o.Set("lscr", Napi::Number::New(env, s.lscr));
      segs.Set(static_cast<uint32_t>(i), o);
    }
    out.Set("segments", segs);
    if (nbest_ > 0) {
      Napi::Array list = Napi::Array::New(env, nbestHyps_.size());
      for (size_t i = 0; i < nbestHyps_.size(); i++) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("hyp", Napi::String::New(env, nbestHyps_[i].text));
        o.Set("score", Napi::Number::New(env, nbestHyps_[i].score));
        list.Set(static_cast<uint32_t>(i), o);
      }
      out.Set("nbest", list);
    }
    deferred_.Resolve(out);
  }

 private:
  struct NbestHyp { std::string text; int32 score; };
  struct Segment { std::string word; int start = 0; int end = 0; int32 ascr = 0; int32 lscr = 0; int32 lback = 0; };
  std::string search_;
  std::vector<int16_t> samples_;
  std::vector<Segment> segments_;
  bool hasHyp_ = false;
  std::string hyp_;
  int32 score_ = 0;
  int32 frames_ = 0;
  bool fresh_ = false;
  uint32_t nbest_ = 0;
  std::vector<NbestHyp> nbestHyps_;
};

// decode(searchName, Int16Array, fresh?, nbest?) → Promise<{ hyp: string | null, score, frames, segments, nbest? }>; with
// fresh = true the front end's stream state (noise and silence statistics, which otherwise carry over from
// the previous utterance) is reset first (ps_start_stream), so the same audio always decodes the same; score is the
// best path's acoustic+language log score in pocketsphinx's log base (larger is better); segments are the
// path's words and fillers (<sil>, [NOISE]) with start/end frames and their acoustic (ascr) and language
// (lscr) scores. With nbest = N (an integer 1..kMaxNbest) the result also has `nbest`: up to N distinct word strings
// of the lattice, best first, as { hyp, score } (see CollectNbest).
static constexpr uint32_t kMaxNbest = 200;

Napi::Value Decoder::Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env);
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsTypedArray()) {
    throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "decode(search, Int16Array)");
  }
  Napi::TypedArray ta = info[1].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_int16_array) {
    throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "decode expects an Int16Array of 16 kHz samples");
  }
  Napi::Int16Array pcm = ta.As<Napi::Int16Array>();
  bool fresh = false;
  if (info.Length() >= 3 && !info[2].IsUndefined()) {
    if (!info[2].IsBoolean()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "decode's third argument (fresh) must be a boolean");
    fresh = info[2].As<Napi::Boolean>().Value();
  }
  uint32_t nbest = 0;
  if (info.Length() >= 4 && !info[3].IsUndefined()) {
    if (!info[3].IsNumber()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "decode's fourth argument (nbest) must be a number");
    double n = info[3].As<Napi::Number>().DoubleValue();
    if (!(n >= 0 && n <= kMaxNbest) || n != static_cast<double>(static_cast<uint32_t>(n))) {
      throw CodedError(env, "JARVIS_STT_BAD_ARGUMENT", "decode's nbest must be an integer from 0 to " + std::to_string(kMaxNbest));
    }
    nbest = static_cast<uint32_t>(n);
  }
  auto* worker = new DecodeWorker(env, this, Value(), info[0].As<Napi::String>().Utf8Value(), pcm.Data(), pcm.ElementLength(), fresh, nbest);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return Decoder::Init(env, exports); }

}  // namespace

NODE_API_MODULE(jarvis_pocketsphinx, InitAll)
