// Node-API binding for PocketSphinx 0.8 (sphinxbase API). One Decoder object owns one ps_decoder_t.
// Searches (JSGF grammars, the phone loop) are registered by name; decode() runs one search over a
// 16 kHz mono int16 utterance on the libuv thread pool so the event loop never waits on it; or an utterance is
// decoded as it arrives (startUtt, feed in order, endUtt or abortUtt), each step on the pool.
// The decoder is not thread-safe: the JavaScript wrapper serialises every call on one queue, and the binding refuses
// (JARVIS_STT_DECODER_BUSY) a pool job while another one of the same decoder is still running.
#include <napi.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/fsg_model.h>
#include <algorithm>
#include <cmath>
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
      InstanceMethod("startUtt", &Decoder::StartUtt),
      InstanceMethod("feed", &Decoder::Feed),
      InstanceMethod("endUtt", &Decoder::EndUtt),
      InstanceMethod("abortUtt", &Decoder::AbortUtt),
      InstanceMethod("cmnMean", &Decoder::CmnMean),
      InstanceMethod("cepMean", &Decoder::CepMean),
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
    // The model's own CMN (feat.params: batch for en-us). An utterance fed in pieces switches the feature computer
    // to live CMN, and sphinxbase 5prealpha leaves it switched: a whole-utterance decode puts the model's back.
    feat_t* feat = ps_get_feat(ps_);
    cmnType_ = feat != nullptr ? feat->cmn : CMN_NONE;
  }

  ~Decoder() override { Release(); }

  ps_decoder_t* ps() const { return ps_; }
  int cmnType() const { return cmnType_; }
  /** A pool job of this decoder is running (main thread only: set when queued, cleared when settled). */
  bool busy = false;

 private:
  void Release() {
    if (meanFe_ != nullptr) fe_free(meanFe_);
    meanFe_ = nullptr;
    if (streamFe_ != nullptr) fe_free(streamFe_);
    streamFe_ = nullptr;
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
    CheckIdle(env);
    if (uttOpen_) throw CodedError(env, "JARVIS_STT_UTTERANCE_OPEN", "an utterance is open on this decoder; end or abort it before changing its grammars or words");
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
    CheckIdle(env);
    // Replacing a search while an utterance runs on it would free it under the decoder.
    if (uttOpen_) throw CodedError(env, "JARVIS_STT_UTTERANCE_OPEN", "an utterance is open on this decoder; end or abort it before changing its grammars");
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
    CheckIdle(env);
    if (uttOpen_) throw CodedError(env, "JARVIS_STT_UTTERANCE_OPEN", "an utterance is open on this decoder; end or abort it before changing its grammars or words");
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
    CheckIdle(env);
    if (uttOpen_) throw CodedError(env, "JARVIS_STT_UTTERANCE_OPEN", "an utterance is open on this decoder; end or abort it before changing its grammars or words");
    std::string word = info[0].As<Napi::String>().Utf8Value();
    std::string phones = info[1].As<Napi::String>().Utf8Value();
    if (ps_add_word(ps_, word.c_str(), phones.c_str(), TRUE) < 0) {
      throw CodedError(env, "JARVIS_STT_BAD_PRONUNCIATION", "pocketsphinx rejected the phones for '" + word + "': " + phones);
    }
    return env.Undefined();
  }

  Napi::Value Decode(const Napi::CallbackInfo& info);
  Napi::Value StartUtt(const Napi::CallbackInfo& info);
  Napi::Value Feed(const Napi::CallbackInfo& info);
  Napi::Value EndUtt(const Napi::CallbackInfo& info);
  Napi::Value AbortUtt(const Napi::CallbackInfo& info);

  // cmnMean(): the live cepstral mean the next fed utterance starts from (Float32Array), or null without CMN.
  Napi::Value CmnMean(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckOpen(env);
    feat_t* feat = ps_get_feat(ps_);
    if (feat == nullptr || feat->cmn_struct == nullptr) return env.Null();
    cmn_t* c = feat->cmn_struct;
    Napi::Float32Array out = Napi::Float32Array::New(env, c->veclen);
    for (int32 i = 0; i < c->veclen; i++) out[i] = c->cmn_mean[i];
    return out;
  }

  // cepMean(Int16Array) → Float32Array | null: the cepstral mean batch CMN would take of this audio (frames of
  // non-negative c0, as sphinxbase's cmn()), from a front end of the decoder's configuration that is not the
  // decoder's own (that one carries the stream's noise statistics). Null when the audio gives no such frame.
  Napi::Value CepMean(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckOpen(env);
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array) {
      throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "cepMean expects an Int16Array of 16 kHz samples");
    }
    Napi::Int16Array pcm = info[0].As<Napi::Int16Array>();
    if (meanFe_ == nullptr) meanFe_ = fe_init_auto_r(ps_get_config(ps_));
    if (meanFe_ == nullptr) throw CodedError(env, "JARVIS_STT_ENGINE_INIT", "pocketsphinx could not make a front end");
    fe_start_stream(meanFe_);
    fe_start_utt(meanFe_);
    int len = fe_get_output_size(meanFe_);
    std::vector<double> sum(len, 0.0);
    int32 n = 0;
    auto add = [&](mfcc_t* c) {
      if (c[0] < 0) return;
      for (int i = 0; i < len; i++) sum[i] += c[i];
      n++;
    };
    mfcc_t** cep = nullptr;
    int32 nframes = 0;
    if (fe_process_utt(meanFe_, pcm.Data(), pcm.ElementLength(), &cep, &nframes) >= 0 && cep != nullptr) {
      for (int32 f = 0; f < nframes; f++) add(cep[f]);
    }
    if (cep != nullptr) fe_free_2d(cep);
    std::vector<mfcc_t> last(len);
    int32 nlast = 0;
    fe_end_utt(meanFe_, last.data(), &nlast);
    if (nlast > 0) add(last.data());
    if (n == 0) return env.Null();
    Napi::Float32Array out = Napi::Float32Array::New(env, len);
    for (int i = 0; i < len; i++) out[i] = static_cast<float>(sum[i] / n);
    return out;
  }

  Napi::Value Free(const Napi::CallbackInfo& info) {
    if (busy) throw CodedError(info.Env(), "JARVIS_STT_DECODER_BUSY", "the decoder is decoding; free it once that settles");
    Release();
    uttOpen_ = false;
    return info.Env().Undefined();
  }

  // Checks shared by the pool jobs: open decoder, nothing else running on it.
  void CheckIdle(Napi::Env env) const {
    CheckOpen(env);
    if (busy) throw CodedError(env, "JARVIS_STT_DECODER_BUSY", "another decode of this decoder is still running (calls must wait for each other)");
  }

  /** Live CMN state at startUtt, put back by abortUtt so an abandoned utterance leaves nothing behind. */
  struct CmnSnapshot { std::vector<mfcc_t> mean, sum; int32 nframe = 0; bool valid = false; };

  cmd_ln_t* config_ = nullptr;
  ps_decoder_t* ps_ = nullptr;
  int cmnType_ = 0;
  /** The mean subtracted from the open fed utterance's frames (empty: pocketsphinx's live CMN), and its front end. */
  std::vector<mfcc_t> fixedMean_;
  fe_t* streamFe_ = nullptr;
  bool streamFeStarted_ = false;
  /** cepMean's own front end (made on first use). */
  fe_t* meanFe_ = nullptr;
  /** An utterance started with startUtt and not yet ended (main thread only). */
  bool uttOpen_ = false;
  CmnSnapshot cmnAtStart_;

  friend class StreamJob;
};

// A decoder job on the thread pool that settles a promise; a failure carries its JARVIS_* code to JavaScript.
class DecoderJob : public Napi::AsyncWorker {
 public:
  DecoderJob(Napi::Env env, Decoder* decoder, Napi::Object keepAlive)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), decoder_(decoder) {
    keep_.Reset(keepAlive, 1);
    decoder_->busy = true;
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void OnError(const Napi::Error& e) override {
    decoder_->busy = false;
    Napi::Object err = e.Value();
    if (code_ != nullptr) err.Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(err);
  }

  void OnOK() override {
    decoder_->busy = false;
    Settle();
  }

 protected:
  // Resolves the promise (main thread) once the job succeeded.
  virtual void Settle() = 0;

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

  void Settle() override { deferred_.Resolve(Env().Undefined()); }

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

// What an ended utterance yields: best path, score, frames, the path's segments and (when asked) the N-best strings.
class UttResult {
 public:
  // Reads the ended utterance's result (thread pool).
  void Collect(ps_decoder_t* ps, uint32_t nbest) {
    nbest_ = nbest;
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

  // The result as JavaScript sees it (main thread).
  Napi::Object ToJs(Napi::Env env) const {
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
    return out;
  }

 private:
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

  struct NbestHyp { std::string text; int32 score; };
  struct Segment { std::string word; int start = 0; int end = 0; int32 ascr = 0; int32 lscr = 0; int32 lback = 0; };
  std::vector<Segment> segments_;
  bool hasHyp_ = false;
  std::string hyp_;
  int32 score_ = 0;
  int32 frames_ = 0;
  uint32_t nbest_ = 0;
  std::vector<NbestHyp> nbestHyps_;
};

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
    // The model's CMN for a whole utterance (a fed utterance before may have left the feature computer in live CMN).
    feat_t* feat = ps_get_feat(ps);
    if (feat != nullptr) feat->cmn = static_cast<cmn_type_t>(decoder_->cmnType());
    if (ps_start_utt(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_start_utt failed");
    if (!samples_.empty() && ps_process_raw(ps, samples_.data(), samples_.size(), FALSE, TRUE) < 0) {
      ps_end_utt(ps);
      return Fail("JARVIS_STT_DECODE_FAILED", "ps_process_raw failed");
    }
    if (ps_end_utt(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_end_utt failed");
    result_.Collect(ps, nbest_);
  }

  void Settle() override { deferred_.Resolve(result_.ToJs(Env())); }

 private:
  std::string search_;
  std::vector<int16_t> samples_;
  bool fresh_ = false;
  uint32_t nbest_ = 0;
  UttResult result_;
};

// decode(searchName, Int16Array, fresh?, nbest?) → Promise<{ hyp: string | null, score, frames, segments, nbest? }>; with
// fresh = true the front end's stream state (noise and silence statistics, which otherwise carry over from
// the previous utterance) is reset first (ps_start_stream), so the same audio always decodes the same; score is the
// best path's acoustic+language log score in pocketsphinx's log base (larger is better); segments are the
// path's words and fillers (<sil>, [NOISE]) with start/end frames and their acoustic (ascr) and language
// (lscr) scores. With nbest = N (an integer 1..kMaxNbest) the result also has `nbest`: up to N distinct word strings
// of the lattice, best first, as { hyp, score } (see UttResult::CollectNbest). The whole utterance gets the model's
// CMN (batch for en-us).
static constexpr uint32_t kMaxNbest = 200;

// The optional nbest argument at `index` (0 when absent); throws a coded error when it is not an integer 0..kMaxNbest.
uint32_t NbestArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || info[index].IsUndefined()) return 0;
  if (!info[index].IsNumber()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", std::string(what) + " (nbest) must be a number");
  double n = info[index].As<Napi::Number>().DoubleValue();
  if (!(n >= 0 && n <= kMaxNbest) || n != static_cast<double>(static_cast<uint32_t>(n))) {
    throw CodedError(env, "JARVIS_STT_BAD_ARGUMENT", std::string(what) + "'s nbest must be an integer from 0 to " + std::to_string(kMaxNbest));
  }
  return static_cast<uint32_t>(n);
}

// The Int16Array of 16 kHz samples at `index`; a coded TypeError for anything else (Float32Array included).
Napi::Int16Array SamplesArg(const Napi::CallbackInfo& info, size_t index, const char* call) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array) {
    throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", std::string(call) + " expects an Int16Array of 16 kHz samples");
  }
  return info[index].As<Napi::Int16Array>();
}

Napi::Value Decoder::Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env);
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsTypedArray()) {
    throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "decode(search, Int16Array)");
  }
  Napi::Int16Array pcm = SamplesArg(info, 1, "decode");
  bool fresh = false;
  if (info.Length() >= 3 && !info[2].IsUndefined()) {
    if (!info[2].IsBoolean()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "decode's third argument (fresh) must be a boolean");
    fresh = info[2].As<Napi::Boolean>().Value();
  }
  uint32_t nbest = NbestArg(info, 3, "decode's fourth argument");
  CheckIdle(env);
  if (uttOpen_) throw CodedError(env, "JARVIS_STT_UTTERANCE_OPEN", "an utterance fed with startUtt is open on this decoder; end or abort it first");
  auto* worker = new DecodeWorker(env, this, Value(), info[0].As<Napi::String>().Utf8Value(), pcm.Data(), pcm.ElementLength(), fresh, nbest);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// Samples per ps_process_raw call of a fed utterance (100 ms); feed's pieces should be whole multiples of it.
static constexpr size_t kFeedBlock = 1600;

// One step of an utterance fed as it arrives (thread pool): start, feed a piece, end (with the result) or abort.
class StreamJob : public DecoderJob {
 public:
  enum class Kind { Start, Feed, End, Abort };
  StreamJob(Napi::Env env, Decoder* decoder, Napi::Object keepAlive, Kind kind)
      : DecoderJob(env, decoder, keepAlive), kind_(kind) {}

  std::string search;
  bool fresh = false;
  std::vector<mfcc_t> prior;
  std::vector<int16_t> samples;
  uint32_t nbest = 0;

  void Execute() override {
    ps_decoder_t* ps = decoder_->ps();
    if (ps == nullptr) return Fail("JARVIS_STT_ENGINE_CLOSED", "the decoder was freed");
    feat_t* feat = ps_get_feat(ps);
    cmn_t* cmn = feat != nullptr ? feat->cmn_struct : nullptr;
    switch (kind_) {
      case Kind::Start: {
        if (ps_set_search(ps, search.c_str()) != 0) return Fail("JARVIS_STT_NO_SEARCH", "no search named '" + search + "'");
        if (fresh && ps_start_stream(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_start_stream failed");
        Decoder::CmnSnapshot& snap = decoder_->cmnAtStart_;
        snap.valid = cmn != nullptr;
        if (cmn != nullptr) {
          snap.mean.assign(cmn->cmn_mean, cmn->cmn_mean + cmn->veclen);
          snap.sum.assign(cmn->sum, cmn->sum + cmn->veclen);
          snap.nframe = cmn->nframe;
        }
        decoder_->fixedMean_ = prior;
        if (!prior.empty()) {
          // A given mean is applied as batch CMN applies its own: subtracted from every frame's cepstrum, which this
          // job computes with a front end of the decoder's configuration and hands over with pocketsphinx's CMN off.
          if (decoder_->streamFe_ == nullptr) decoder_->streamFe_ = fe_init_auto_r(ps_get_config(ps));
          if (decoder_->streamFe_ == nullptr) return Fail("JARVIS_STT_DECODE_FAILED", "could not make a front end");
          if (fresh || !decoder_->streamFeStarted_) fe_start_stream(decoder_->streamFe_);
          decoder_->streamFeStarted_ = true;
          fe_start_utt(decoder_->streamFe_);
          if (feat != nullptr) feat->cmn = CMN_NONE;
        }
        if (ps_start_utt(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_start_utt failed");
        return;
      }
      case Kind::Feed:
        if (!ProcessBlocks(ps)) return Fail("JARVIS_STT_DECODE_FAILED", "ps_process_raw failed");
        return;
      case Kind::End:
        if (!ProcessBlocks(ps)) {
          ps_end_utt(ps);
          return Fail("JARVIS_STT_DECODE_FAILED", "ps_process_raw failed");
        }
        if (ps_end_utt(ps) < 0) return Fail("JARVIS_STT_DECODE_FAILED", "ps_end_utt failed");
        result_.Collect(ps, nbest);
        return;
      case Kind::Abort: {
        if (!decoder_->fixedMean_.empty()) {
          std::vector<mfcc_t> last(fe_get_output_size(decoder_->streamFe_));
          int32 nlast = 0;
          fe_end_utt(decoder_->streamFe_, last.data(), &nlast);
          // Its noise statistics heard the abandoned audio: the next utterance restarts them.
          decoder_->streamFeStarted_ = false;
        }
        ps_end_utt(ps);
        // Nothing of an abandoned utterance carries over: the live CMN goes back to where it was at its start.
        const Decoder::CmnSnapshot& snap = decoder_->cmnAtStart_;
        if (snap.valid && cmn != nullptr && static_cast<int32>(snap.mean.size()) == cmn->veclen) {
          std::copy(snap.mean.begin(), snap.mean.end(), cmn->cmn_mean);
          std::copy(snap.sum.begin(), snap.sum.end(), cmn->sum);
          cmn->nframe = snap.nframe;
        }
        return;
      }
    }
  }

  void Settle() override {
    if (kind_ == Kind::End) deferred_.Resolve(result_.ToJs(Env()));
    else deferred_.Resolve(Env().Undefined());
  }

  void OnError(const Napi::Error& e) override {
    // A start that failed leaves no utterance open; a failed feed or end ends it (the caller starts again).
    if (kind_ != Kind::Abort) decoder_->uttOpen_ = false;
    DecoderJob::OnError(e);
  }

 private:
  // The samples in blocks of kFeedBlock (the last one shorter): live CMN moves its mean once per call after enough
  // frames, so the same audio must reach pocketsphinx in the same calls however it was cut into pieces.
  bool ProcessBlocks(ps_decoder_t* ps) {
    const std::vector<mfcc_t>& mean = decoder_->fixedMean_;
    if (!mean.empty()) return ProcessCepstra(ps, kind_ == Kind::End);
    for (size_t at = 0; at < samples.size(); at += kFeedBlock) {
      size_t n = std::min(kFeedBlock, samples.size() - at);
      if (ps_process_raw(ps, samples.data() + at, n, FALSE, FALSE) < 0) return false;
    }
    return true;
  }

  // With a fixed mean: the samples through the job's front end, each frame less the mean, to the search. At the
  // end, the front end's last partial frame too.
  bool ProcessCepstra(ps_decoder_t* ps, bool last) {
    fe_t* fe = decoder_->streamFe_;
    const std::vector<mfcc_t>& mean = decoder_->fixedMean_;
    int ncep = fe_get_output_size(fe);
    if (static_cast<size_t>(ncep) != mean.size()) return false;
    // Room for the piece's frames plus what the front end's voice activity detector may release at once (its
    // pre-speech buffer, -vad_prespeech frames) and the end's last frame.
    size_t cap = samples.size() / 160 + 256;
    std::vector<mfcc_t> flat(cap * ncep);
    std::vector<mfcc_t*> rows(cap);
    for (size_t i = 0; i < cap; i++) rows[i] = flat.data() + i * ncep;
    const int16* p = samples.data();
    size_t left = samples.size();
    // At most kCepBlock frames per call: sphinxbase's live feature buffer holds 256 frames, and a larger call can
    // run past it when pocketsphinx has grown its feature buffer.
    static constexpr int32 kCepBlock = 64;
    auto submit = [&](int32 nfr) -> bool {
      for (int32 f = 0; f < nfr; f++) for (int c = 0; c < ncep; c++) rows[f][c] -= mean[c];
      for (int32 at = 0; at < nfr; at += kCepBlock) {
        if (ps_process_cep(ps, rows.data() + at, std::min(kCepBlock, nfr - at), FALSE, FALSE) < 0) return false;
      }
      return true;
    };
    while (left > 0) {
      int32 nfr = static_cast<int32>(cap);
      size_t before = left;
      if (fe_process_frames(fe, &p, &left, rows.data(), &nfr, nullptr) < 0) return false;
      if (!submit(nfr)) return false;
      if (left == before && nfr == 0) break;
    }
    if (last) {
      int32 nlast = 0;
      fe_end_utt(fe, rows[0], &nlast);
      if (!submit(nlast)) return false;
    }
    return true;
  }

  Kind kind_;
  UttResult result_;
};

// startUtt(search, fresh?, cmnPrior?) → Promise<void>: opens an utterance that is fed in pieces (feed) and ended with
// endUtt (its result) or abortUtt. Pieces get live CMN, which starts from the decoder's running cepstral mean, or
// from `cmnPrior` (a Float32Array of the model's cepstrum length) when given; `fresh` resets the front end's stream
// state first, as for decode.
Napi::Value Decoder::StartUtt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env);
  if (info.Length() < 1 || !info[0].IsString()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "startUtt(search, fresh?, cmnPrior?)");
  bool fresh = false;
  if (info.Length() >= 2 && !info[1].IsUndefined()) {
    if (!info[1].IsBoolean()) throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "startUtt's second argument (fresh) must be a boolean");
    fresh = info[1].As<Napi::Boolean>().Value();
  }
  std::vector<mfcc_t> prior;
  if (info.Length() >= 3 && !info[2].IsUndefined() && !info[2].IsNull()) {
    feat_t* feat = ps_get_feat(ps_);
    int32 veclen = feat != nullptr && feat->cmn_struct != nullptr ? feat->cmn_struct->veclen : 0;
    if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array ||
        static_cast<int32>(info[2].As<Napi::Float32Array>().ElementLength()) != veclen || veclen == 0) {
      throw CodedTypeError(env, "JARVIS_STT_BAD_ARGUMENT", "startUtt's cmnPrior must be a Float32Array of " + std::to_string(veclen) + " values");
    }
    Napi::Float32Array a = info[2].As<Napi::Float32Array>();
    for (size_t i = 0; i < a.ElementLength(); i++) {
      if (!std::isfinite(a[i])) throw CodedError(env, "JARVIS_STT_BAD_ARGUMENT", "startUtt's cmnPrior must be finite");
      prior.push_back(a[i]);
    }
  }
  CheckIdle(env);
  if (uttOpen_) throw CodedError(env, "JARVIS_STT_UTTERANCE_OPEN", "an utterance is already open on this decoder; end or abort it first");
  auto* job = new StreamJob(env, this, Value(), StreamJob::Kind::Start);
  job->search = info[0].As<Napi::String>().Utf8Value();
  job->fresh = fresh;
  job->prior = std::move(prior);
  uttOpen_ = true;
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

// feed(Int16Array) → Promise<void>: the next piece of the open utterance, decoded on the pool in blocks of 1,600
// samples. Pieces must be fed one after the other (the next once the previous settled); a piece that is a whole
// number of blocks keeps the result independent of how the audio was cut (see StreamJob::ProcessBlocks).
Napi::Value Decoder::Feed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env);
  Napi::Int16Array pcm = SamplesArg(info, 0, "feed");
  if (!uttOpen_) throw CodedError(env, "JARVIS_STT_NO_UTTERANCE", "feed without an open utterance (startUtt first; after endUtt or abortUtt it is closed)");
  CheckIdle(env);
  auto* job = new StreamJob(env, this, Value(), StreamJob::Kind::Feed);
  job->samples.assign(pcm.Data(), pcm.Data() + pcm.ElementLength());
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

// endUtt(tail?: Int16Array, nbest?) → Promise<result as decode's>: feeds the last piece, ends the utterance and reads
// its result.
Napi::Value Decoder::EndUtt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env);
  std::vector<int16_t> tail;
  if (info.Length() >= 1 && !info[0].IsUndefined() && !info[0].IsNull()) {
    Napi::Int16Array pcm = SamplesArg(info, 0, "endUtt");
    tail.assign(pcm.Data(), pcm.Data() + pcm.ElementLength());
  }
  uint32_t nbest = NbestArg(info, 1, "endUtt's second argument");
  if (!uttOpen_) throw CodedError(env, "JARVIS_STT_NO_UTTERANCE", "endUtt without an open utterance (startUtt first; it may have ended already)");
  CheckIdle(env);
  auto* job = new StreamJob(env, this, Value(), StreamJob::Kind::End);
  job->samples = std::move(tail);
  job->nbest = nbest;
  uttOpen_ = false;
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

// abortUtt() → Promise<void>: ends the open utterance without a result and puts the live CMN back where it was at
// startUtt. Without an open utterance it does nothing.
Napi::Value Decoder::AbortUtt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env);
  if (!uttOpen_) {
    Napi::Promise::Deferred done = Napi::Promise::Deferred::New(env);
    done.Resolve(env.Undefined());
    return done.Promise();
  }
  CheckIdle(env);
  auto* job = new StreamJob(env, this, Value(), StreamJob::Kind::Abort);
  uttOpen_ = false;
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return Decoder::Init(env, exports); }

}  // namespace

NODE_API_MODULE(jarvis_pocketsphinx, InitAll)
