#include "model-check.h"

#include <cstdint>
#include <cstdio>
#include <memory>

#include "ggml.h"

namespace jarvis {

namespace {

constexpr uint32_t GGML_MAGIC = 0x67676d6c;  // "ggml"

/** Bounded little-endian reads from a file; every failure names the byte offset. */
class Reader {
   public:
    explicit Reader(const std::string & path) : f(std::fopen(path.c_str(), "rb"), &std::fclose) {
        if (f && std::fseek(f.get(), 0, SEEK_END) == 0) {
            size = std::ftell(f.get());
            std::fseek(f.get(), 0, SEEK_SET);
        }
    }
    bool ok() const { return f != nullptr && size >= 0; }
    long offset() const { return pos; }
    long remaining() const { return size - pos; }

    bool i32(int32_t & v, std::string & err, const char * what) {
        if (remaining() < 4) { err = std::string("file ends in ") + what + " at byte " + std::to_string(pos); return false; }
        if (std::fread(&v, 4, 1, f.get()) != 1) { err = std::string("cannot read ") + what + " at byte " + std::to_string(pos); return false; }
        pos += 4;
        return true;
    }
    bool skip(long n, std::string & err, const char * what) {
        if (n < 0 || remaining() < n) {
            err = std::string(what) + " at byte " + std::to_string(pos) + " needs " + std::to_string(n) + " bytes but " + std::to_string(remaining()) + " remain";
            return false;
        }
        std::fseek(f.get(), n, SEEK_CUR);
        pos += n;
        return true;
    }
    bool bytes(std::string & out, long n, std::string & err, const char * what) {
        if (n < 0 || remaining() < n) return skip(n, err, what);
        out.resize((size_t) n);
        if (n > 0 && std::fread(&out[0], 1, (size_t) n, f.get()) != (size_t) n) { err = std::string("cannot read ") + what; return false; }
        pos += n;
        return true;
    }

   private:
    std::unique_ptr<FILE, int (*)(FILE *)> f;
    long size = -1;
    long pos = 0;
};

std::string range_error(const char * what, int32_t v, long at, const char * expected) {
    return std::string(what) + " is " + std::to_string(v) + " at byte " + std::to_string(at) + " (expected " + expected + ")";
}

/** The tensor table that ends both file formats: header, shape, name, data. Returns the tensor count or -1. */
long check_tensors(Reader & r, std::string & err) {
    long count = 0;
    while (r.remaining() > 0) {
        long at = r.offset();
        int32_t n_dims, length, ttype;
        if (!r.i32(n_dims, err, "tensor n_dims") || !r.i32(length, err, "tensor name length") || !r.i32(ttype, err, "tensor type")) return -1;
        if (n_dims < 0 || n_dims > 4) { err = range_error("tensor n_dims", n_dims, at, "0..4"); return -1; }
        if (length < 1 || length > 256) { err = range_error("tensor name length", length, at + 4, "1..256"); return -1; }
        if (ttype < 0 || ttype >= WSP_GGML_TYPE_COUNT || wsp_ggml_type_size((wsp_ggml_type) ttype) == 0 || wsp_ggml_blck_size((wsp_ggml_type) ttype) <= 0) {
            err = range_error("tensor type", ttype, at + 8, "a ggml type");
            return -1;
        }
        int64_t nelements = 1;
        for (int i = 0; i < n_dims; i++) {
            int32_t ne;
            if (!r.i32(ne, err, "tensor dimension")) return -1;
            if (ne < 1) { err = range_error("tensor dimension", ne, r.offset() - 4, ">= 1"); return -1; }
            nelements *= ne;
            if (nelements > INT32_MAX) { err = "tensor at byte " + std::to_string(at) + " has more than 2^31 elements"; return -1; }
        }
        std::string name;
        if (!r.bytes(name, length, err, "tensor name")) return -1;
        const int64_t blck = wsp_ggml_blck_size((wsp_ggml_type) ttype);
        if (nelements % blck != 0) { err = "tensor '" + name + "' has " + std::to_string(nelements) + " elements, not a multiple of its type's block"; return -1; }
        const int64_t nbytes = nelements / blck * (int64_t) wsp_ggml_type_size((wsp_ggml_type) ttype);
        if (!r.skip((long) nbytes, err, ("data of tensor '" + name + "'").c_str())) return -1;
        count++;
    }
    return count;
}

}  // namespace

std::string check_whisper_model_file(const std::string & path) {
    Reader r(path);
    if (!r.ok()) return "cannot open the file";
    std::string err;
    int32_t magic;
    if (!r.i32(magic, err, "the magic number")) return err;
    if ((uint32_t) magic != GGML_MAGIC) return "not a ggml file (bad magic number at byte 0)";

    // Hyper-parameters: whisper.cpp derives token ids, buffer sizes and graph shapes from them unchecked.
    int32_t hp[11];
    const char * names[11] = {"n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype"};
    for (int i = 0; i < 11; i++) if (!r.i32(hp[i], err, names[i])) return err;
    auto at = [](int i) { return 4L + 4L * i; };
    // Special and timestamp token ids are fixed offsets from 50256: every released vocabulary is 51864..51866.
    if (hp[0] < 51864 || hp[0] > 51866) return range_error("n_vocab", hp[0], at(0), "51864..51866");
    if (hp[1] != 1500) return range_error("n_audio_ctx", hp[1], at(1), "1500");
    if (hp[2] < 64 || hp[2] > 8192) return range_error("n_audio_state", hp[2], at(2), "64..8192");
    if (hp[3] < 1 || hp[3] > 128 || hp[2] % hp[3] != 0) return range_error("n_audio_head", hp[3], at(3), "1..128 dividing n_audio_state");
    if (hp[4] < 1 || hp[4] > 128) return range_error("n_audio_layer", hp[4], at(4), "1..128");
    if (hp[5] != 448) return range_error("n_text_ctx", hp[5], at(5), "448");
    if (hp[6] != hp[2]) return range_error("n_text_state", hp[6], at(6), "n_audio_state");
    if (hp[7] < 1 || hp[7] > 128 || hp[6] % hp[7] != 0) return range_error("n_text_head", hp[7], at(7), "1..128 dividing n_text_state");
    if (hp[8] < 1 || hp[8] > 128) return range_error("n_text_layer", hp[8], at(8), "1..128");
    if (hp[9] != 80 && hp[9] != 128) return range_error("n_mels", hp[9], at(9), "80 or 128");
    if (hp[10] < 0) return range_error("ftype", hp[10], at(10), ">= 0");

    long mel_at = r.offset();
    int32_t n_mel, n_fft;
    if (!r.i32(n_mel, err, "mel filter count") || !r.i32(n_fft, err, "mel filter width")) return err;
    if (n_mel != hp[9]) return range_error("mel filter count", n_mel, mel_at, "n_mels");
    if (n_fft != 201) return range_error("mel filter width", n_fft, mel_at + 4, "201");
    if (!r.skip(4L * n_mel * n_fft, err, "mel filters")) return err;

    long vocab_at = r.offset();
    int32_t n_tokens;
    if (!r.i32(n_tokens, err, "vocabulary size")) return err;
    if (n_tokens < 0 || n_tokens > hp[0]) return range_error("vocabulary size", n_tokens, vocab_at, "0..n_vocab");
    for (int32_t i = 0; i < n_tokens; i++) {
        int32_t len;
        if (!r.i32(len, err, "token length")) return err;
        if (len < 0 || len > 1024) return range_error("token length", len, r.offset() - 4, "0..1024");
        if (!r.skip(len, err, "token")) return err;
    }
    // No tensors at all is whisper.cpp's own "empty model for testing"; whisper.cpp checks names and shapes.
    if (check_tensors(r, err) < 0) return err;
    return "";
}

std::string check_vad_model_file(const std::string & path) {
    Reader r(path);
    if (!r.ok()) return "cannot open the file";
    std::string err;
    int32_t magic;
    if (!r.i32(magic, err, "the magic number")) return err;
    if ((uint32_t) magic != GGML_MAGIC) return "not a ggml file (bad magic number at byte 0)";
    int32_t type_len;
    if (!r.i32(type_len, err, "model type length")) return err;
    if (type_len < 0 || type_len > 64) return range_error("model type length", type_len, 4, "0..64");
    std::string type;
    if (!r.bytes(type, type_len, err, "model type")) return err;
    int32_t v;
    for (const char * what : {"major version", "minor version", "patch version"}) if (!r.i32(v, err, what)) return err;
    int32_t n_window, n_context, n_layers;
    if (!r.i32(n_window, err, "n_window") || !r.i32(n_context, err, "n_context")) return err;
    if (n_window < 1 || n_window > 4096) return range_error("n_window", n_window, r.offset() - 8, "1..4096");
    if (n_context < 0 || n_context > 4096) return range_error("n_context", n_context, r.offset() - 4, "0..4096");
    if (!r.i32(n_layers, err, "n_encoder_layers")) return err;
    if (n_layers < 1 || n_layers > 16) return range_error("n_encoder_layers", n_layers, r.offset() - 4, "1..16");
    int32_t prev_out = -1;
    for (int32_t i = 0; i < n_layers; i++) {
        int32_t in, out, k;
        if (!r.i32(in, err, "encoder in channels") || !r.i32(out, err, "encoder out channels") || !r.i32(k, err, "kernel size")) return err;
        if (in < 1 || in > 4096 || out < 1 || out > 4096 || k < 1 || k > 64) return "encoder layer " + std::to_string(i) + " has channels " + std::to_string(in) + "->" + std::to_string(out) + ", kernel " + std::to_string(k) + " at byte " + std::to_string(r.offset() - 12);
        if (prev_out >= 0 && in != prev_out) return "encoder layer " + std::to_string(i) + " takes " + std::to_string(in) + " channels but the layer before gives " + std::to_string(prev_out);
        prev_out = out;
    }
    int32_t lstm_in, lstm_hidden, final_in, final_out;
    if (!r.i32(lstm_in, err, "lstm_input_size") || !r.i32(lstm_hidden, err, "lstm_hidden_size") || !r.i32(final_in, err, "final_conv_in") || !r.i32(final_out, err, "final_conv_out")) return err;
    if (lstm_in != prev_out) return range_error("lstm_input_size", lstm_in, r.offset() - 16, "the last encoder layer's channels");
    if (lstm_hidden < 1 || lstm_hidden > 4096) return range_error("lstm_hidden_size", lstm_hidden, r.offset() - 12, "1..4096");
    if (final_in != lstm_hidden) return range_error("final_conv_in", final_in, r.offset() - 8, "lstm_hidden_size");
    if (final_out != 1) return range_error("final_conv_out", final_out, r.offset() - 4, "1");
    long tensors = check_tensors(r, err);
    if (tensors < 0) return err;
    // Unlike the whisper model, a VAD model without all its weights is never meant for use.
    const long expected = 2L * n_layers + 4 + 2 + 1;
    if (tensors != expected) return "the file has " + std::to_string(tensors) + " tensors, a Silero VAD model has " + std::to_string(expected);
    return "";
}

}  // namespace jarvis
