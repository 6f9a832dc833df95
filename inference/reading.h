#pragma once
// Gleaner's reading memory: a document is read once per (document, model, settings) and what
// later questions need is persisted, memory-mapped, under the cache directory, so that asking
// never reads the book again.
//
// Reading streams the document (in the chat frame of qa_prompt.h, without a question) through
// layers 0..r of the model, r being the filter layer (a quarter of the depth by default: layer 7
// of SmolLM2, where the needle evaluation found its retrieval heads), with InfLLM/Q-LLM block memory in
// layers 0..r-1: every token's attention is bounded (init tokens, local window, top-k blocks at
// one fixed distance), so no position the model was not trained for is ever used, however long
// the book. What is persisted:
//   keys.f16    the filter layer's raw (pre-RoPE) key of every token: Hkv*D halves (384 B/token
//               for SmolLM2) - GemFilter's selection needs nothing else;
//   tokens.bin  the token ids (pass 2 answers from the selected tokens);
//   tail.bin    the block memory of layers 0..r-1 without its blocks (init tokens and the
//               remainder, a few MB whatever the length), so that a question can continue the
//               reading as if it followed the book.
// During the read, the layers' full block memory lives in files next to these; it is checkpointed
// every `checkpoint_tokens` tokens (state file written atomically after the arrays are synced),
// so a killed read resumes where it stopped, losing at most one chunk; it is deleted once the
// read is complete.
//
// Faults (reading_files.h has the layout): tokens, state and tail are sealed files (sealed_file.h)
// and the state holds a hash per checkpoint chunk of keys.f16 and of the block-memory files, so
// every file is verified when opened, and its values range-checked (finite keys, token ids in
// the vocabulary); a damaged file is a DamagedFileError that names it and says how to recover.
// Every file's room is reserved before it is written (disk_space.h): a full disk stops a read
// with an error at its last checkpoint, from which it resumes. A complete memory is only read
// (it opens in a read-only cache); the process that reads a book holds the memory's lock file,
// and a second reader waits for it, then uses what it wrote.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chunk_hashes.h"
#include "content_hash.h"
#include "context_method.h"
#include "damaged_file.h"
#include "growable_array.h"
#include "memory_place.h"
#include "methods/infllm.h"
#include "model.h"

namespace gleaner {

struct ReadingSettings {
    int filter_layer = 0;        // r: keys of this layer are persisted; layers 0..r-1 run
    InfLlmConfig memory;         // the block memory of layers 0..r-1 while reading
    int checkpoint_tokens = 2048;  // a multiple of memory.exc_block
    std::string cache_key() const;  // the settings that change the persisted memory
};

// Defaults: GemFilter's filter layer scaled to depth; Q-LLM's block memory (no question: the
// reading memory is shared by every question). Keys: filter_layer, n_init, n_local, topk,
// block_size, repr_topk, max_cached_blocks, exc_block, checkpoint_tokens.
ReadingSettings reading_settings(const Model& model, const MethodSettings& s = {});

struct ReadingProgress {
    int64_t done = 0;      // tokens read (frame prefix + document)
    int64_t total = 0;
    int64_t resumed_from = 0;
    double elapsed_s = 0;  // in this process
    double tokens_per_s = 0;
    double eta_s = 0;
    // Another process is reading this book: this one waits for it (done: how far it got).
    bool waiting = false;
};

class ReadingMemory {
public:
    // The memory of `text` read by the model with these settings, in its place (memory_place.h):
    // opened when it exists (complete or not), created otherwise. Nothing is written until read().
    // Throws DamagedFileError naming the file when a file of the memory is damaged.
    static std::unique_ptr<ReadingMemory> open(const MemoryPlace& place, const Model& model, Backend& backend,
                                               const std::string& text, const ReadingSettings& settings);
    // The same for a document without an identity (named by its text), the model's identity
    // looked up or computed (model_identity.h).
    static std::unique_ptr<ReadingMemory> open(const std::string& cache_root, const std::string& model_path,
                                               const Model& model, Backend& backend, const std::string& text,
                                               const ReadingSettings& settings);
    ~ReadingMemory();

    bool complete() const { return saved_.done == total_; }
    int64_t done() const { return saved_.done; }
    int64_t total() const { return total_; }
    // Reads until complete (or until stop_at tokens, for tests; -1: to the end). Throws
    // CancelledError when cancel is set (the last checkpoint is kept). While another process (or
    // object) reads the same memory, waits for it (progress reports `waiting`), then continues
    // from what it left, often complete. Any error (a full disk) keeps the last checkpoint:
    // read() again resumes from it.
    void read(const std::function<void(const ReadingProgress&)>& progress = {},
              const std::atomic<bool>* cancel = nullptr, int64_t stop_at = -1);

    const ReadingSettings& settings() const { return settings_; }
    const std::string& dir() const { return dir_; }
    const std::vector<int32_t>& doc_ids() const { return doc_ids_; }
    int prefix_len() const { return prefix_len_; }  // frame tokens before the document
    // (n_doc, Hkv*D) raw filter-layer keys of the document's tokens, as f16 bits. Complete only.
    const uint16_t* doc_keys() const;
    // The document tokens read so far (0 .. n_doc; all of them once complete) and their
    // filter-layer keys, (n, Hkv*D) f16 bits, from the last checkpoint on disk: what a question
    // asked before the reading finished can use. keys is null when n is 0. Valid until the next
    // call or read(). Throws DamagedFileError when the keys file does not match the checkpoint.
    struct ReadKeys {
        const uint16_t* keys = nullptr;
        int64_t n = 0;
    };
    ReadKeys doc_keys_read_so_far() const;
    int key_row() const { return key_row_; }
    // Bytes the complete memory keeps on disk.
    uint64_t persisted_bytes() const;
    // The layers' memory without blocks, as the read left it (tail.bin, verified and parsed): for
    // a question continuing it. Per layer, the init and remainder tokens' raw keys and values as
    // stored (F16), their accumulated scores and the layer's counters. Throws std::logic_error
    // before the document is read to the end.
    struct Tail {
        std::vector<InfLlmLayerState> states;
        std::vector<std::vector<uint16_t>> k, v;  // (layer)(tokens, Hkv*D) f16 bits
        std::vector<std::vector<float>> acc;      // (layer)(tokens, n_heads)
    };
    const Tail& tail() const;

private:
    // A layer's block memory at a checkpoint: its counters, the scores of its init and remainder
    // tokens (the values it changes in place), and hashes of its append-only files.
    struct LayerCheckpoint {
        InfLlmLayerState state;
        std::vector<float> scores;
        ChunkHashes k, v, repr;
    };
    // What the state file holds.
    struct Checkpoint {
        int64_t done = 0;
        ChunkHashes keys;                     // keys.f16 up to done
        std::vector<LayerCheckpoint> layers;  // none once complete
    };
    ReadingMemory() = default;
    std::string path(const std::string& file) const { return dir_ + "/" + file; }
    void load();
    void load_tokens();
    void load_state();
    void load_complete();
    Checkpoint decode_state(const std::string& payload) const;
    void check_state(const Checkpoint& c) const;
    std::string encode_state(const Checkpoint& c) const;
    Tail decode_tail(const std::string& payload) const;
    std::string encode_tail(const InfLlmPolicy& policy) const;
    void save_tokens();
    void restore_layers(InfLlmPolicy& policy) const;
    Checkpoint checkpoint_of(const InfLlmPolicy& policy, const MappedBytes& keys, int64_t done) const;
    void read_locked(const std::function<void(const ReadingProgress&)>& progress, const std::atomic<bool>* cancel,
                     int64_t stop_at);
    uint64_t bytes_needed_to_read() const;
    void remove_block_memory(int n_layers) const;
    int64_t done_on_disk() const;
    [[noreturn]] void rethrow_with_recovery(const DamagedFileError& e) const;

    const Model* model_ = nullptr;
    Backend* backend_ = nullptr;
    ReadingSettings settings_;
    std::string dir_;
    std::string model_path_;
    std::vector<int32_t> read_ids_;  // prefix + document
    std::vector<int32_t> doc_ids_;
    int prefix_len_ = 0;
    bool tokens_saved_ = false;      // tokens.bin exists
    int64_t total_ = 0;
    int key_row_ = 0;
    Checkpoint saved_;               // the last checkpoint on disk
    std::unique_ptr<MappedFile> keys_;  // complete only
    mutable std::unique_ptr<MappedFile> partial_keys_;  // doc_keys_read_so_far() of an incomplete memory
    Tail tail_;                      // complete only
};

}  // namespace gleaner
