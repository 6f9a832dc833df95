#include "reading.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "methods/gemfilter.h"
#include "qa_prompt.h"
#include "quant/fp16.h"

namespace gleaner {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kStateMagic = 0x53524c47;  // "GLRS"
constexpr uint32_t kTailMagic = 0x54524c47;   // "GLRT"
constexpr uint32_t kVersion = 2;

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

template <typename T>
void put(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T get(const std::string& in, size_t& at) {
    if (at + sizeof(T) > in.size()) throw std::runtime_error("truncated reading-memory file");
    T v;
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
    return v;
}

// Captures the filter layer's keys straight into the key file, as f16.
class KeyWriter final : public QkSink {
public:
    KeyWriter(MappedBytes& keys, int row) : keys_(keys), row_(row) {}
    void on_qk(int, const float*, const float* k, int T, const int32_t* pos) override {
        uint16_t* dst = reinterpret_cast<uint16_t*>(keys_.data());
        for (int t = 0; t < T; ++t) {
            uint16_t* d = dst + static_cast<size_t>(pos[t]) * row_;
            const float* s = k + static_cast<size_t>(t) * row_;
            for (int i = 0; i < row_; ++i) d[i] = fp32_to_fp16(s[i]);
        }
    }

private:
    MappedBytes& keys_;
    int row_;
};

}  // namespace

uint64_t content_hash(const void* data, size_t n, uint64_t seed) {
    // 8 bytes at a time, multiply-xorshift mixing (not cryptographic: a cache key).
    const auto* p = static_cast<const uint8_t*>(data);
    uint64_t h = seed ^ (0x9E3779B97F4A7C15ull * (n + 1));
    auto mix = [](uint64_t x) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53ull;
        x ^= x >> 33;
        return x;
    };
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ mix(w)) * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, p + i, n - i);
    h ^= mix(tail ^ (n - i));
    return mix(h);
}

uint64_t file_content_hash(const std::string& path) {
    MappedFile f(path);
    return content_hash(f.data(), f.size());
}

std::string ReadingSettings::cache_key() const {
    std::ostringstream s;
    s << "v" << kVersion << " r=" << filter_layer << " " << memory.describe() << " ckpt=" << checkpoint_tokens;
    return s.str();
}

ReadingSettings reading_settings(const Model& model, const MethodSettings& s) {
    const ModelConfig& c = model.config();
    ReadingSettings r;
    // A quarter of the depth (layer 7 of SmolLM2's 30): chosen with the needle evaluation, where
    // GemFilter's 13/32 (layer 12) retrieved nothing; see gleaner_default_layer.
    r.filter_layer = s.get_int("filter_layer", std::max(1, c.n_layers / 4));
    if (r.filter_layer < 1 || r.filter_layer >= c.n_layers)
        throw std::invalid_argument("gleaner: filter_layer must be in 1.." + std::to_string(c.n_layers - 1));
    InfLlmConfig d = qllm_defaults(c);
    d.question_weight = 0.0f;
    MethodSettings mem = s;
    mem.set("question_weight", "0");
    mem.set("reference_mask", "0");
    r.memory = infllm_config_from(mem, d);
    r.checkpoint_tokens = s.get_int("checkpoint_tokens", 2048);
    if (r.checkpoint_tokens < r.memory.exc_block || r.checkpoint_tokens % r.memory.exc_block != 0)
        throw std::invalid_argument("gleaner: checkpoint_tokens must be a multiple of exc_block");
    return r;
}

std::unique_ptr<ReadingMemory> ReadingMemory::open(const std::string& cache_root, const std::string& model_path,
                                                   const Model& model, Backend& backend, const std::string& text,
                                                   const ReadingSettings& settings) {
    std::unique_ptr<ReadingMemory> m(new ReadingMemory());
    m->model_ = &model;
    m->backend_ = &backend;
    m->settings_ = settings;
    const ModelConfig& c = model.config();
    m->key_row_ = c.n_kv_heads * c.head_dim;
    const std::string key = hex64(content_hash(text.data(), text.size())) + "-" + hex64(file_content_hash(model_path)) +
                            "-" + hex64(content_hash(settings.cache_key().data(), settings.cache_key().size())).substr(0, 8);
    m->dir_ = (fs::path(cache_root) / key).string();
    fs::create_directories(m->dir_);

    // A memory that exists already has the tokens (tokenizing a whole book takes seconds).
    std::string old_meta, tokens;
    const bool known = read_whole_file(m->dir_ + "/meta", old_meta) && read_whole_file(m->dir_ + "/tokens.bin", tokens);
    if (known) {
        const size_t at = old_meta.find("\nprefix ");
        if (at == std::string::npos || tokens.size() % 4 != 0)
            throw std::runtime_error("reading memory " + m->dir_ + " is damaged; delete it");
        m->prefix_len_ = std::atoi(old_meta.c_str() + at + 8);
        m->read_ids_.resize(tokens.size() / 4);
        std::memcpy(m->read_ids_.data(), tokens.data(), tokens.size());
        if (m->prefix_len_ < 0 || m->prefix_len_ > static_cast<int>(m->read_ids_.size()))
            throw std::runtime_error("reading memory " + m->dir_ + " is damaged; delete it");
        m->doc_ids_.assign(m->read_ids_.begin() + m->prefix_len_, m->read_ids_.end());
    } else {
        m->doc_ids_ = tokenize_document(model.tokenizer(), text);
        const PromptFrame frame = qa_prompt_frame(model, "");
        m->read_ids_ = frame.before;
        m->prefix_len_ = static_cast<int>(frame.before.size());
        m->read_ids_.insert(m->read_ids_.end(), m->doc_ids_.begin(), m->doc_ids_.end());
    }
    m->total_ = static_cast<int64_t>(m->read_ids_.size());
    if (!known) {
        // tokens first: a memory with a meta file always has its tokens
        write_file_atomic(m->dir_ + "/tokens.bin",
                          std::string(reinterpret_cast<const char*>(m->read_ids_.data()), m->read_ids_.size() * 4));
        const std::string meta = "gleaner reading memory\nversion " + std::to_string(kVersion) + "\nmodel " +
                                 model_path + "\nsettings " + settings.cache_key() + "\ntokens " +
                                 std::to_string(m->total_) + "\nprefix " + std::to_string(m->prefix_len_) + "\n";
        write_file_atomic(m->dir_ + "/meta", meta);
    }

    std::string st;
    if (read_whole_file(m->dir_ + "/state", st)) {
        size_t at = 0;
        if (get<uint32_t>(st, at) != kStateMagic || get<uint32_t>(st, at) != kVersion)
            throw std::runtime_error("reading memory " + m->dir_ + ": unknown state file; delete the directory");
        m->done_ = get<int64_t>(st, at);
        const uint32_t n = get<uint32_t>(st, at);
        for (uint32_t i = 0; i < n; ++i) {
            InfLlmLayerState s;
            s.n_tokens = get<int64_t>(st, at);
            s.init_len = get<int64_t>(st, at);
            s.n_blocks = get<int64_t>(st, at);
            s.rem_start = get<int64_t>(st, at);
            m->saved_layers_.push_back(s);
            const uint64_t n_scores = get<uint64_t>(st, at);
            std::vector<float> sc(n_scores);
            for (auto& x : sc) x = get<float>(st, at);
            m->saved_scores_.push_back(std::move(sc));
        }
    }
    m->keys_ = std::make_unique<MappedBytes>(m->dir_ + "/keys.f16");
    if (m->complete() && m->keys_->size() < static_cast<size_t>(m->total_) * m->key_row_ * 2)
        throw std::runtime_error("reading memory " + m->dir_ + ": key file too short; delete the directory");
    return m;
}

ReadingMemory::~ReadingMemory() = default;

// The counters of every layer, and the scores of its remainder tokens: the only values of the
// memory that change in place (k/v/representatives are append-only), so they are saved here
// rather than trusted from the mapped file, which a killed process may have left half-updated.
void ReadingMemory::write_state(const InfLlmPolicy* policy) {
    std::string out;
    put(out, kStateMagic);
    put(out, kVersion);
    put(out, done_);
    const int n = policy && !complete() ? policy->n_layers() : 0;
    put(out, static_cast<uint32_t>(n));
    saved_layers_.clear();
    saved_scores_.clear();
    for (int l = 0; l < n; ++l) {
        const InfLlmLayer& L = policy->layer(l);
        const InfLlmLayerState& s = L.state();
        put(out, s.n_tokens);
        put(out, s.init_len);
        put(out, s.n_blocks);
        put(out, s.rem_start);
        // scores of the init tokens and of the remainder (the tail keeps both)
        const int H = L.geometry().n_heads;
        const uint64_t n_scores = static_cast<uint64_t>(s.init_len + s.n_tokens - s.rem_start) * H;
        put(out, n_scores);
        std::vector<float> sc(L.score(0), L.score(0) + s.init_len * H);
        sc.insert(sc.end(), L.score(s.rem_start), L.score(s.rem_start) + (s.n_tokens - s.rem_start) * H);
        out.append(reinterpret_cast<const char*>(sc.data()), sc.size() * sizeof(float));
        saved_layers_.push_back(s);
        saved_scores_.push_back(std::move(sc));
    }
    write_file_atomic(dir_ + "/state", out);
}

void ReadingMemory::read(const std::function<void(const ReadingProgress&)>& progress, const std::atomic<bool>* cancel,
                         int64_t stop_at) {
    if (complete()) return;
    using clock = std::chrono::steady_clock;
    const int r = settings_.filter_layer;
    Transformer tf(*model_, *backend_, 1, settings_.memory.exc_block);
    const std::string dir = dir_;
    InfLlmPolicy policy(
        tf, settings_.memory,
        [dir](int layer, const std::string& what) {
            if (what == "acc") return make_heap_array();  // checkpointed through the state file
            char name[64];
            std::snprintf(name, sizeof name, "/layer%02d_%s.f32", layer, what.c_str());
            return make_mapped_array(dir + name);
        },
        r);
    if (done_ > 0) {
        if (static_cast<int>(saved_layers_.size()) != policy.n_layers())
            throw std::runtime_error("reading memory " + dir_ + ": state does not match the settings");
        for (int l = 0; l < policy.n_layers(); ++l) {
            InfLlmLayer& L = policy.layer(l);
            L.restore(saved_layers_[l]);
            const InfLlmLayerState& st = saved_layers_[l];
            const int64_t rows = st.n_tokens - st.rem_start, H = L.geometry().n_heads;
            if (static_cast<int64_t>(saved_scores_[l].size()) != (st.init_len + rows) * H)
                throw std::runtime_error("reading memory " + dir_ + ": damaged state file; delete the directory");
            L.set_scores(0, saved_scores_[l].data(), st.init_len);
            L.set_scores(st.rem_start, saved_scores_[l].data() + st.init_len * H, rows);
        }
    }
    keys_->resize(static_cast<size_t>(total_) * key_row_ * 2);
    KeyWriter writer(*keys_, key_row_);
    tf.set_attention_policy(&policy);
    tf.set_layer_limit(r + 1, &writer);

    const int64_t resumed_from = done_;
    const auto t0 = clock::now();
    const int64_t end = stop_at >= 0 ? std::min(stop_at, total_) : total_;
    std::vector<int32_t> pos;
    while (done_ < end) {
        if (cancel && cancel->load()) throw CancelledError();
        const int64_t len = std::min<int64_t>(settings_.checkpoint_tokens, total_ - done_);
        pos.resize(len);
        for (int64_t i = 0; i < len; ++i) pos[i] = static_cast<int32_t>(done_ + i);
        tf.forward(std::span<const int32_t>(read_ids_.data() + done_, len), Logits::None, pos.data());
        // checkpoint: arrays first, then the state that points into them
        policy.flush();
        keys_->flush();
        done_ += len;
        if (done_ == total_) finish(policy);
        write_state(&policy);
        if (done_ == total_) {
            for (int l = 0; l < policy.n_layers(); ++l)
                for (const char* what : {"k", "v", "repr"}) {
                    char name[64];
                    std::snprintf(name, sizeof name, "/layer%02d_%s.f32", l, what);
                    std::error_code ec;
                    fs::remove(dir_ + name, ec);
                }
        }
        if (progress) {
            ReadingProgress p;
            p.done = done_;
            p.total = total_;
            p.resumed_from = resumed_from;
            p.elapsed_s = std::chrono::duration<double>(clock::now() - t0).count();
            p.tokens_per_s = (done_ - resumed_from) / std::max(1e-9, p.elapsed_s);
            p.eta_s = (total_ - done_) / std::max(1e-9, p.tokens_per_s);
            progress(p);
        }
    }
}

// The block memory without its blocks: init tokens and the remainder, per layer.
void ReadingMemory::finish(const InfLlmPolicy& policy) {
    std::string out;
    put(out, kTailMagic);
    put(out, kVersion);
    put(out, static_cast<uint32_t>(policy.n_layers()));
    for (int l = 0; l < policy.n_layers(); ++l) {
        const InfLlmLayer& L = policy.layer(l);
        const int64_t init = L.init_len(), rem = L.n_tokens() - L.rem_start();
        const int H = L.geometry().n_heads;
        put(out, init);
        put(out, rem);
        auto rows = [&](int64_t first, int64_t n, bool is_k) {
            for (int64_t t = first; t < first + n; ++t) {
                const float* src = is_k ? L.raw_k(t) : L.raw_v(t);
                for (int i = 0; i < key_row_; ++i) put(out, fp32_to_fp16(src[i]));
            }
        };
        rows(0, init, true);
        rows(L.rem_start(), rem, true);
        rows(0, init, false);
        rows(L.rem_start(), rem, false);
        for (int64_t t = 0; t < init; ++t) out.append(reinterpret_cast<const char*>(L.score(t)), H * sizeof(float));
        for (int64_t t = L.rem_start(); t < L.n_tokens(); ++t)
            out.append(reinterpret_cast<const char*>(L.score(t)), H * sizeof(float));
    }
    write_file_atomic(dir_ + "/tail.bin", out);
    keys_->finalize();
}

std::vector<InfLlmLayerState> ReadingMemory::load_tail(std::vector<std::vector<float>>& k,
                                                       std::vector<std::vector<float>>& v,
                                                       std::vector<std::vector<float>>& acc) const {
    std::string in;
    if (!read_whole_file(dir_ + "/tail.bin", in)) throw std::runtime_error("reading memory " + dir_ + " is not complete");
    size_t at = 0;
    if (get<uint32_t>(in, at) != kTailMagic || get<uint32_t>(in, at) != kVersion)
        throw std::runtime_error("reading memory " + dir_ + ": unknown tail file");
    const uint32_t n = get<uint32_t>(in, at);
    const int H = model_->config().n_heads;
    std::vector<InfLlmLayerState> states;
    k.assign(n, {});
    v.assign(n, {});
    acc.assign(n, {});
    for (uint32_t l = 0; l < n; ++l) {
        const int64_t init = get<int64_t>(in, at), rem = get<int64_t>(in, at);
        const int64_t rows = init + rem;
        for (auto* dst : {&k[l], &v[l]}) {
            dst->resize(static_cast<size_t>(rows) * key_row_);
            for (auto& x : *dst) x = fp16_to_fp32(get<uint16_t>(in, at));
        }
        acc[l].resize(static_cast<size_t>(rows) * H);
        for (auto& x : acc[l]) x = get<float>(in, at);
        InfLlmLayerState s;
        s.n_tokens = rows;
        s.init_len = init;
        s.n_blocks = 0;
        s.rem_start = init;
        states.push_back(s);
    }
    return states;
}

const uint16_t* ReadingMemory::doc_keys() const {
    if (!complete()) throw std::logic_error("the document has not been read yet");
    return reinterpret_cast<const uint16_t*>(keys_->data()) + static_cast<size_t>(prefix_len_) * key_row_;
}

uint64_t ReadingMemory::persisted_bytes() const {
    uint64_t b = 0;
    for (const char* f : {"/keys.f16", "/tokens.bin", "/tail.bin", "/state", "/meta"}) {
        std::error_code ec;
        const auto s = fs::file_size(dir_ + f, ec);
        if (!ec) b += s;
    }
    return b;
}

}  // namespace gleaner
