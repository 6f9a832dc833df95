#include "reading.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "binary_io.h"
#include "disk_space.h"
#include "file_lock.h"
#include "methods/gemfilter.h"
#include "methods/method_steps.h"
#include "qa_prompt.h"
#include "quant/fp16.h"
#include "model_identity.h"
#include "reading_files.h"
#include "sealed_file.h"
#include "value_checks.h"

namespace gleaner {

namespace fs = std::filesystem;
using namespace reading_files;

namespace {

// Memories read before books had one identity sit directly under the cache root, by the same
// key: moved to their place under the book instead of read again (a book takes minutes to hours).
void adopt_legacy_memory(const std::string& cache_root, const std::string& key, const std::string& dir) {
    std::error_code ec;
    const fs::path legacy = fs::path(cache_root) / key;
    if (!fs::is_directory(legacy, ec) || fs::exists(dir, ec)) return;
    fs::create_directories(fs::path(dir).parent_path(), ec);
    fs::rename(legacy, dir, ec);  // on failure the memory is read again: nothing is lost
}

// A block-memory file of a layer: keys and values as elements of the memory's kv_type,
// representatives as f32 (the suffix names the elements).
std::string layer_file(int layer, const std::string& what, DType kv_type) {
    const std::string elements = what == "k" || what == "v" ? kv_type_name(kv_type) : "f32";
    char name[64];
    std::snprintf(name, sizeof name, "layer%02d_%s.%s", layer, what.c_str(), elements.c_str());
    return name;
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

const uint8_t* bytes_of(const void* p) { return static_cast<const uint8_t*>(p); }

// Runs fn, reporting a value that runs past the end of a verified payload (a format mismatch)
// as damage of the file it came from.
template <typename F>
auto parsing(const std::string& path, F&& fn) {
    try {
        return fn();
    } catch (const DamagedFileError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw damaged_file(path, e.what());
    }
}

}  // namespace

std::string ReadingSettings::cache_key() const {
    std::ostringstream s;
    s << "v" << reading_files::kVersion << " r=" << filter_layer << " " << memory.describe() << " ckpt=" << checkpoint_tokens;
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
    MemoryPlace place;
    place.cache_root = cache_root;
    place.model_path = model_path;
    place.model_id = model_file_identity(model_path, cache_root);
    return open(place, model, backend, text, settings);
}

std::unique_ptr<ReadingMemory> ReadingMemory::open(const MemoryPlace& place, const Model& model, Backend& backend,
                                                   const std::string& text, const ReadingSettings& settings) {
    std::unique_ptr<ReadingMemory> m(new ReadingMemory());
    m->model_ = &model;
    m->backend_ = &backend;
    m->settings_ = settings;
    const ModelConfig& c = model.config();
    m->key_row_ = c.n_kv_heads * c.head_dim;
    const uint64_t text_hash = content_hash(text.data(), text.size());
    const std::string key = hash_hex(text_hash) + "-" + place.model_id + "-" +
                            hash_hex(content_hash(settings.cache_key().data(), settings.cache_key().size())).substr(0, 8);
    m->dir_ = (fs::path(document_memory_dir(place.cache_root, place.document_id, text_hash)) / key).string();
    adopt_legacy_memory(place.cache_root, key, m->dir_);
    m->model_path_ = place.model_path;
    m->load();
    if (!m->tokens_saved_) {
        // A new memory: the tokens of the chat frame without a question, then the document.
        m->doc_ids_ = tokenize_document(model.tokenizer(), text);
        const PromptFrame frame = qa_prompt_frame(model, "");
        m->read_ids_ = frame.before;
        m->prefix_len_ = static_cast<int>(frame.before.size());
        m->read_ids_.insert(m->read_ids_.end(), m->doc_ids_.begin(), m->doc_ids_.end());
        m->total_ = static_cast<int64_t>(m->read_ids_.size());
    }
    return m;
}

ReadingMemory::~ReadingMemory() = default;

[[noreturn]] void ReadingMemory::rethrow_with_recovery(const DamagedFileError& e) const {
    throw DamagedFileError(e.path(), std::string(e.what()) + ". The reading memory " + dir_ +
                                         " cannot be used: delete that directory (rm -r '" + dir_ +
                                         "') and the book will be read again");
}

// Whatever of the memory is on disk: the tokens (tokenizing a whole book takes seconds), the
// last checkpoint, and once complete the keys and the tail. Only reads.
void ReadingMemory::load() {
    try {
        load_tokens();
        load_state();
        if (saved_.done > 0 && complete()) load_complete();
    } catch (const DamagedFileError& e) {
        rethrow_with_recovery(e);
    }
}

void ReadingMemory::load_tokens() {
    const std::string file = path(kTokens);
    std::string payload;
    tokens_saved_ = read_sealed_file(file, kTokensKind, kVersion, payload);
    if (!tokens_saved_) return;
    parsing(file, [&] {
        ByteReader in(payload);
        const uint32_t prefix = in.get<uint32_t>();
        if (in.left() % sizeof(int32_t) != 0) throw std::runtime_error("a token id is cut short");
        read_ids_.resize(in.left() / sizeof(int32_t));
        std::memcpy(read_ids_.data(), in.bytes(in.left()), read_ids_.size() * sizeof(int32_t));
        if (prefix > read_ids_.size()) throw std::runtime_error("the frame is longer than the tokens");
        prefix_len_ = static_cast<int>(prefix);
        return 0;
    });
    check_token_ids(read_ids_.data(), read_ids_.size(), model_->config().n_vocab, file);
    doc_ids_.assign(read_ids_.begin() + prefix_len_, read_ids_.end());
    total_ = static_cast<int64_t>(read_ids_.size());
}

void ReadingMemory::load_state() {
    const std::string file = path(kState);
    std::string payload;
    saved_ = {};
    if (!read_sealed_file(file, kStateKind, kVersion, payload)) return;
    if (!tokens_saved_) throw damaged_file(path(kTokens), "missing, but the state file exists");
    Checkpoint c = parsing(file, [&] { return decode_state(payload); });
    parsing(file, [&] {
        check_state(c);
        return 0;
    });
    saved_ = std::move(c);
}

// The keys (mapped read-only, so that a complete memory works in a read-only cache) and the
// tail, both verified.
void ReadingMemory::load_complete() {
    const std::string file = path(kKeys);
    if (std::error_code ec; !fs::exists(file, ec) && !ec) throw damaged_file(file, "missing from a complete memory");
    keys_ = std::make_unique<MappedFile>(file);
    const size_t want = static_cast<size_t>(total_) * key_row_ * sizeof(uint16_t);
    if (keys_->size() != want)
        throw damaged_file(file, std::to_string(keys_->size()) + " bytes, expected " + std::to_string(want));
    saved_.keys.verify(keys_->data(), keys_->size(), file);
    check_finite_f16(reinterpret_cast<const uint16_t*>(keys_->data()), want / sizeof(uint16_t), file);
    std::string payload;
    if (!read_sealed_file(path(kTail), kTailKind, kVersion, payload))
        throw damaged_file(path(kTail), "missing from a complete memory");
    tail_ = parsing(path(kTail), [&] { return decode_tail(payload); });
}

std::string ReadingMemory::encode_state(const Checkpoint& c) const {
    std::string out;
    put(out, c.done);
    put(out, total_);
    c.keys.write_to(out);
    put(out, static_cast<uint32_t>(c.layers.size()));
    for (const LayerCheckpoint& l : c.layers) {
        put(out, l.state.n_tokens);
        put(out, l.state.init_len);
        put(out, l.state.n_blocks);
        put(out, l.state.rem_start);
        l.k.write_to(out);
        l.v.write_to(out);
        l.repr.write_to(out);
        put(out, static_cast<uint64_t>(l.scores.size()));
        out.append(reinterpret_cast<const char*>(l.scores.data()), l.scores.size() * sizeof(float));
    }
    return out;
}

ReadingMemory::Checkpoint ReadingMemory::decode_state(const std::string& payload) const {
    ByteReader in(payload);
    Checkpoint c;
    c.done = in.get<int64_t>();
    if (in.get<int64_t>() != total_) throw std::runtime_error("its token count differs from " + std::string(kTokens));
    c.keys = ChunkHashes::read_from(in);
    const uint32_t n = in.get<uint32_t>();
    if (n > static_cast<uint32_t>(model_->config().n_layers)) throw std::runtime_error("too many layers");
    for (uint32_t i = 0; i < n; ++i) {
        LayerCheckpoint l;
        l.state.n_tokens = in.get<int64_t>();
        l.state.init_len = in.get<int64_t>();
        l.state.n_blocks = in.get<int64_t>();
        l.state.rem_start = in.get<int64_t>();
        l.k = ChunkHashes::read_from(in);
        l.v = ChunkHashes::read_from(in);
        l.repr = ChunkHashes::read_from(in);
        const uint64_t n_scores = in.get<uint64_t>();
        if (n_scores > in.left() / sizeof(float)) throw std::runtime_error("scores past the end");
        l.scores.resize(n_scores);
        std::memcpy(l.scores.data(), in.bytes(n_scores * sizeof(float)), n_scores * sizeof(float));
        c.layers.push_back(std::move(l));
    }
    if (in.left() != 0) throw std::runtime_error("bytes after the last layer");
    return c;
}

// Sizes that agree with each other and with the settings: a state that passed its checksum can
// still come from a writer with a bug, and the arrays are indexed by these numbers.
void ReadingMemory::check_state(const Checkpoint& c) const {
    const ModelConfig& mc = model_->config();
    const auto fail = [](const std::string& why) { throw std::runtime_error(why); };
    if (c.done <= 0 || c.done > total_) fail("its token count is out of range");
    if (c.keys.end() != static_cast<uint64_t>(c.done) * key_row_ * sizeof(uint16_t))
        fail("its key hashes do not cover the tokens read");
    const size_t want_layers = c.done == total_ ? 0 : static_cast<size_t>(settings_.filter_layer);
    if (c.layers.size() != want_layers) fail("it has the block memory of a different number of layers");
    const uint64_t row_bytes = dtype_row_bytes(settings_.memory.kv_type, key_row_);
    for (const LayerCheckpoint& l : c.layers) {
        const InfLlmLayerState& s = l.state;
        if (s.n_tokens != c.done || s.init_len < 0 || s.init_len > s.rem_start || s.rem_start > s.n_tokens ||
            s.n_blocks < 0 || s.n_blocks > s.n_tokens)
            fail("a layer's counters are inconsistent");
        if (l.k.end() != s.n_tokens * row_bytes || l.v.end() != s.n_tokens * row_bytes ||
            l.repr.end() != static_cast<uint64_t>(s.n_blocks) * mc.n_heads * mc.head_dim * sizeof(float))
            fail("a layer's hashes do not cover its memory");
        if (l.scores.size() != static_cast<size_t>(s.init_len + s.n_tokens - s.rem_start) * mc.n_heads)
            fail("a layer's scores have the wrong size");
        check_finite(l.scores.data(), l.scores.size(), path(kState));
    }
}

// Another process's progress on this memory, while waiting for it (0 when unknown).
int64_t ReadingMemory::done_on_disk() const {
    std::string payload;
    try {
        if (!read_sealed_file(path(kState), kStateKind, kVersion, payload)) return 0;
        return ByteReader(payload).get<int64_t>();
    } catch (const std::exception&) {
        return 0;  // being replaced, or damaged: the reader that takes the lock will say so
    }
}

void ReadingMemory::save_tokens() {
    std::string payload;
    put(payload, static_cast<uint32_t>(prefix_len_));
    payload.append(reinterpret_cast<const char*>(read_ids_.data()), read_ids_.size() * sizeof(int32_t));
    // tokens first: a memory with a meta file always has its tokens
    write_sealed_file(path(kTokens), kTokensKind, kVersion, payload);
    const std::string meta = "gleaner reading memory\nversion " + std::to_string(kVersion) + "\nmodel " +
                             model_path_ + "\nsettings " +
                             settings_.cache_key() + "\ntokens " + std::to_string(total_) + "\nprefix " +
                             std::to_string(prefix_len_) + "\n";
    write_file_atomic(path(kMeta), meta);
    tokens_saved_ = true;
}

// The layers as the last checkpoint left them, after verifying their files against its hashes.
void ReadingMemory::restore_layers(InfLlmPolicy& policy) const {
    if (saved_.done == 0) return;
    for (int l = 0; l < policy.n_layers(); ++l) {
        InfLlmLayer& L = policy.layer(l);
        const LayerCheckpoint& c = saved_.layers[l];
        const InfLlmLayerState& st = c.state;
        const int64_t H = L.geometry().n_heads, row = key_row_;
        // each file at least as long as the checkpoint says (restore() would refuse it unnamed)
        const DType kv = settings_.memory.kv_type;
        for (const auto& [what, bytes] : {std::pair{"k", c.k.end()}, {"v", c.v.end()}, {"repr", c.repr.end()}}) {
            const std::string file = path(layer_file(l, what, kv));
            std::error_code ec;
            const uint64_t size = fs::file_size(file, ec);
            if (ec || size < bytes)
                throw damaged_file(file, ec ? "missing" : "truncated: " + std::to_string(size) +
                                                              " bytes, the checkpoint covers " + std::to_string(bytes));
        }
        L.restore(st);
        // n elements of `type` at data: their hashes, then no infinity or NaN among them
        const auto verify = [&](const ChunkHashes& h, const void* data, DType type, size_t n, const char* what) {
            const std::string file = path(layer_file(l, what, kv));
            h.verify(bytes_of(data), dtype_row_bytes(type, static_cast<int64_t>(n)), file);
            if (type == DType::F16)
                check_finite_f16(static_cast<const uint16_t*>(data), n, file);
            else
                check_finite(static_cast<const float*>(data), n, file);
        };
        verify(c.k, L.raw_k(0), kv, static_cast<size_t>(st.n_tokens * row), "k");
        verify(c.v, L.raw_v(0), kv, static_cast<size_t>(st.n_tokens * row), "v");
        verify(c.repr, L.representative(0), DType::F32, static_cast<size_t>(st.n_blocks * H * L.geometry().head_dim),
               "repr");
        const int64_t rows = st.n_tokens - st.rem_start;
        L.set_scores(0, c.scores.data(), st.init_len);
        L.set_scores(st.rem_start, c.scores.data() + st.init_len * H, rows);
    }
}

// The checkpoint after `done` tokens: the last one's hashes extended by what was added since.
ReadingMemory::Checkpoint ReadingMemory::checkpoint_of(const InfLlmPolicy& policy, const MappedBytes& keys,
                                                       int64_t done) const {
    Checkpoint c;
    c.done = done;
    c.keys = saved_.keys;
    c.keys.append(keys.data(), static_cast<uint64_t>(done) * key_row_ * sizeof(uint16_t));
    if (done == total_) return c;  // complete: the block memory is not needed any more
    for (int l = 0; l < policy.n_layers(); ++l) {
        const InfLlmLayer& L = policy.layer(l);
        const InfLlmLayerState& s = L.state();
        LayerCheckpoint lc;
        if (static_cast<size_t>(l) < saved_.layers.size()) {
            lc.k = saved_.layers[l].k;
            lc.v = saved_.layers[l].v;
            lc.repr = saved_.layers[l].repr;
        }
        const uint64_t row_bytes = L.kv_row_bytes();
        const int H = L.geometry().n_heads;
        lc.k.append(bytes_of(L.raw_k(0)), s.n_tokens * row_bytes);
        lc.v.append(bytes_of(L.raw_v(0)), s.n_tokens * row_bytes);
        lc.repr.append(bytes_of(L.representative(0)),
                       static_cast<uint64_t>(s.n_blocks) * H * L.geometry().head_dim * sizeof(float));
        lc.state = s;
        // scores of the init tokens and of the remainder (the tail keeps both)
        lc.scores.assign(L.score(0), L.score(0) + s.init_len * H);
        lc.scores.insert(lc.scores.end(), L.score(s.rem_start), L.score(s.rem_start) + (s.n_tokens - s.rem_start) * H);
        c.layers.push_back(std::move(lc));
    }
    return c;
}

void ReadingMemory::remove_block_memory(int n_layers) const {
    for (int l = 0; l < n_layers; ++l)
        for (const char* what : {"k", "v", "repr"}) {
            std::error_code ec;
            fs::remove(path(layer_file(l, what, settings_.memory.kv_type)), ec);
        }
}

namespace {

// The lock of the memory's writer. Polls (rather than blocking in flock) so that a cancel is
// honoured while waiting; reports the wait about once a second.
std::unique_ptr<FileLock> wait_for_writer(const std::string& lock_path, const std::atomic<bool>* cancel,
                                          const std::function<void()>& report_wait) {
    using clock = std::chrono::steady_clock;
    auto last_report = clock::now() - std::chrono::seconds(2);
    for (;;) {
        if (auto lock = FileLock::try_acquire(lock_path)) return lock;
        if (cancel && cancel->load()) throw CancelledError();
        if (report_wait && clock::now() - last_report >= std::chrono::seconds(1)) {
            last_report = clock::now();
            report_wait();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace

void ReadingMemory::read(const std::function<void(const ReadingProgress&)>& progress, const std::atomic<bool>* cancel,
                         int64_t stop_at) {
    if (complete()) return;
    try {
        fs::create_directories(dir_);
    } catch (const fs::filesystem_error& e) {
        throw std::runtime_error("cannot create the reading memory " + dir_ + ": " + e.code().message());
    }
    const auto lock = wait_for_writer(path(kLock), cancel, [&] {
        if (!progress) return;
        ReadingProgress p;
        p.waiting = true;
        p.done = done_on_disk();
        p.total = total_;
        progress(p);
    });
    // Another process may have read (part of) the book since this memory was opened.
    load();
    if (complete()) return;
    try {
        read_locked(progress, cancel, stop_at);
    } catch (const OutOfSpaceError& e) {
        const std::string where = saved_.done == 0 ? "nothing was read yet"
                                                   : "the read stopped at its last checkpoint (" +
                                                         std::to_string(saved_.done) + "/" + std::to_string(total_) +
                                                         " tokens) and resumes from it when run again";
        throw OutOfSpaceError(std::string(e.what()) + ". Reading this book needs about " +
                              megabytes(bytes_needed_to_read()) + " there until it is read (most of it is freed " +
                              "at the end); " + where);
    }
}

// The estimate of the room a read takes at its peak: the keys, and the block memory of layers
// 0..r-1 (every token's key and value as kv_type elements, the blocks' representatives) that is deleted when
// the read is complete.
uint64_t ReadingMemory::bytes_needed_to_read() const {
    const ModelConfig& c = model_->config();
    const uint64_t n = static_cast<uint64_t>(total_), row = static_cast<uint64_t>(key_row_);
    const uint64_t per_layer = dtype_row_bytes(settings_.memory.kv_type, static_cast<int64_t>(row)) * n * 2 +
                               n / settings_.memory.block_size * c.n_heads * c.head_dim * sizeof(float);
    return n * row * sizeof(uint16_t) + n * sizeof(int32_t) + per_layer * settings_.filter_layer;
}

void ReadingMemory::read_locked(const std::function<void(const ReadingProgress&)>& progress,
                                const std::atomic<bool>* cancel, int64_t stop_at) {
    using clock = std::chrono::steady_clock;
    if (!tokens_saved_) save_tokens();

    const int r = settings_.filter_layer;
    Transformer tf(*model_, *backend_, 1, settings_.memory.exc_block);
    const std::string dir = dir_;
    const DType kv = settings_.memory.kv_type;
    InfLlmPolicy policy(
        tf, settings_.memory,
        [dir, kv](int layer, const std::string& what) {
            if (what == "acc") return make_heap_bytes();  // checkpointed through the state file
            return make_mapped_bytes(dir + "/" + layer_file(layer, what, kv));
        },
        r);
    MappedBytes keys(path(kKeys));
    try {
        restore_layers(policy);
        saved_.keys.verify(keys.data(), keys.size(), path(kKeys));
    } catch (const DamagedFileError& e) {
        rethrow_with_recovery(e);
    }
    keys.resize(static_cast<size_t>(total_) * key_row_ * sizeof(uint16_t));
    KeyWriter writer(keys, key_row_);
    tf.set_attention_policy(&policy);
    tf.set_layer_limit(r + 1, &writer);

    const int64_t resumed_from = saved_.done;
    const auto t0 = clock::now();
    // Whole checkpoints from where the last one left off: stop_at ends at the checkpoint holding it.
    const int64_t ckpt = settings_.checkpoint_tokens;
    const int64_t want = stop_at >= 0 ? std::min(stop_at, total_) : total_;
    if (resumed_from >= want) return;
    const int64_t end = std::min(total_, resumed_from + (want - resumed_from + ckpt - 1) / ckpt * ckpt);
    std::vector<int32_t> pos(static_cast<size_t>(end - resumed_from));
    for (size_t i = 0; i < pos.size(); ++i) pos[i] = static_cast<int32_t>(resumed_from + static_cast<int64_t>(i));
    // After each chunk (one checkpoint's worth of tokens): arrays first, then the state that
    // points into them; the new checkpoint becomes this object's only once its state file is
    // written (an error keeps the last).
    PrefillProgress chunks;
    chunks.cancel = cancel;
    chunks.on_progress = [&](int64_t read_here, int64_t) {
        policy.flush();
        keys.flush();
        Checkpoint next = checkpoint_of(policy, keys, resumed_from + read_here);
        if (next.done == total_) {
            write_sealed_file(path(kTail), kTailKind, kVersion, encode_tail(policy));
            keys.finalize();
        }
        write_sealed_file(path(kState), kStateKind, kVersion, encode_state(next));
        saved_ = std::move(next);
        if (complete()) {
            remove_block_memory(policy.n_layers());
            load();
        }
        if (progress) {
            ReadingProgress p;
            p.done = saved_.done;
            p.total = total_;
            p.resumed_from = resumed_from;
            p.elapsed_s = std::chrono::duration<double>(clock::now() - t0).count();
            p.tokens_per_s = (saved_.done - resumed_from) / std::max(1e-9, p.elapsed_s);
            p.eta_s = (total_ - saved_.done) / std::max(1e-9, p.tokens_per_s);
            progress(p);
        }
    };
    prefill_in_chunks(tf, std::span<const int32_t>(read_ids_.data() + resumed_from, pos.size()), static_cast<int>(ckpt),
                      Logits::None, chunks, -1, pos.data());
}

// The block memory without its blocks: init tokens and the remainder, per layer.
std::string ReadingMemory::encode_tail(const InfLlmPolicy& policy) const {
    std::string out;
    put(out, static_cast<uint32_t>(policy.n_layers()));
    for (int l = 0; l < policy.n_layers(); ++l) {
        const InfLlmLayer& L = policy.layer(l);
        const int64_t init = L.init_len(), rem = L.n_tokens() - L.rem_start();
        const int H = L.geometry().n_heads;
        put(out, init);
        put(out, rem);
        std::vector<float> row(static_cast<size_t>(key_row_));
        auto rows = [&](int64_t first, int64_t n, bool is_k) {
            for (int64_t t = first; t < first + n; ++t) {
                is_k ? L.raw_k_f32(t, row.data()) : L.raw_v_f32(t, row.data());
                for (float x : row) put(out, fp32_to_fp16(x));
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
    return out;
}

ReadingMemory::Tail ReadingMemory::decode_tail(const std::string& payload) const {
    const std::string file = path(kTail);
    ByteReader in(payload);
    const uint32_t n = in.get<uint32_t>();
    if (n != static_cast<uint32_t>(settings_.filter_layer)) throw std::runtime_error("wrong number of layers");
    const int H = model_->config().n_heads;
    Tail t;
    t.k.assign(n, {});
    t.v.assign(n, {});
    t.acc.assign(n, {});
    for (uint32_t l = 0; l < n; ++l) {
        const int64_t init = in.get<int64_t>(), rem = in.get<int64_t>();
        if (init < 0 || rem < 0 || init + rem > total_) throw std::runtime_error("a layer's token counts are out of range");
        const size_t rows = static_cast<size_t>(init + rem);
        for (auto* dst : {&t.k[l], &t.v[l]}) {
            const size_t n_values = rows * key_row_;
            dst->resize(n_values);
            std::memcpy(dst->data(), in.bytes(n_values * sizeof(uint16_t)), n_values * sizeof(uint16_t));
            check_finite_f16(dst->data(), n_values, file);
        }
        const size_t n_scores = rows * H;
        t.acc[l].resize(n_scores);
        std::memcpy(t.acc[l].data(), in.bytes(n_scores * sizeof(float)), n_scores * sizeof(float));
        check_finite(t.acc[l].data(), n_scores, file);
        InfLlmLayerState s;
        s.n_tokens = static_cast<int64_t>(rows);
        s.init_len = init;
        s.n_blocks = 0;
        s.rem_start = init;
        t.states.push_back(s);
    }
    if (in.left() != 0) throw std::runtime_error("bytes after the last layer");
    return t;
}

const ReadingMemory::Tail& ReadingMemory::tail() const {
    if (!complete()) throw std::logic_error("the document has not been read yet");
    return tail_;
}

const uint16_t* ReadingMemory::doc_keys() const {
    if (!complete()) throw std::logic_error("the document has not been read yet");
    return reinterpret_cast<const uint16_t*>(keys_->data()) + static_cast<size_t>(prefix_len_) * key_row_;
}

ReadingMemory::ReadKeys ReadingMemory::doc_keys_read_so_far() const {
    if (complete()) return {doc_keys(), static_cast<int64_t>(doc_ids_.size())};
    const int64_t n = saved_.done - prefix_len_;
    if (n <= 0) return {};
    const std::string file = path(kKeys);
    partial_keys_.reset();
    try {
        partial_keys_ = std::make_unique<MappedFile>(file);
        const size_t rows = static_cast<size_t>(saved_.done) * key_row_ * sizeof(uint16_t);
        if (partial_keys_->size() < rows)
            throw damaged_file(file, std::to_string(partial_keys_->size()) + " bytes, the checkpoint needs " + std::to_string(rows));
        saved_.keys.verify(partial_keys_->data(), rows, file);
        check_finite_f16(reinterpret_cast<const uint16_t*>(partial_keys_->data()), rows / sizeof(uint16_t), file);
    } catch (const DamagedFileError& e) {
        partial_keys_.reset();
        rethrow_with_recovery(e);
    }
    return {reinterpret_cast<const uint16_t*>(partial_keys_->data()) + static_cast<size_t>(prefix_len_) * key_row_, n};
}

uint64_t ReadingMemory::persisted_bytes() const {
    uint64_t b = 0;
    for (const char* f : {kKeys, kTokens, kTail, kState, kMeta}) {
        std::error_code ec;
        const auto s = fs::file_size(path(f), ec);
        if (!ec) b += s;
    }
    return b;
}

}  // namespace gleaner
