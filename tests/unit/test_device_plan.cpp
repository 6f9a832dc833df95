// The CUDA backend's host-side logic, which is plain C++ and runs here without a GPU: device
// strings and the CPU fallback, the memory plan, the kernels' launch shapes, and the transformer's
// use of the Backend memory API (shared buffers, ordered copies, synchronize before host reads).
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <map>
#include <set>

#include "backend.h"
#include "backend_factory.h"
#include "cuda/launch_plan.h"
#include "device_select.h"
#include "memory_plan.h"
#include "model.h"
#include "test_support.h"
#include "tiny_gguf.h"
#include "transformer.h"

using namespace gleaner;

namespace {

constexpr size_t MiB = size_t{1} << 20;
constexpr size_t GiB = size_t{1} << 30;

// The CPU backend, recording which memory the transformer hands to each op.
class RecordingBackend final : public Backend {
public:
    std::unique_ptr<Backend> cpu = make_cpu_backend(2);
    std::map<const void*, size_t> shared;  // live alloc_shared blocks
    int copies = 0, stores = 0, syncs = 0, plans = 0;
    std::set<std::string> non_shared_ops;  // ops given an activation outside shared memory

    bool in_shared(const void* p) const {
        auto it = shared.upper_bound(p);
        if (it == shared.begin()) return false;
        --it;
        return static_cast<const uint8_t*>(p) < static_cast<const uint8_t*>(it->first) + it->second;
    }
    void need(const char* op, const void* p) {
        if (!in_shared(p)) non_shared_ops.insert(op);
    }

    std::string name() const override { return "recording"; }
    int threads() const override { return cpu->threads(); }
    void* alloc_shared(size_t bytes) override {
        void* p = Backend::alloc_shared(bytes);
        shared[p] = bytes;
        return p;
    }
    void free_shared(void* p) override {
        shared.erase(p);
        Backend::free_shared(p);
    }
    void synchronize() override { ++syncs; }
    void copy(void* dst, const void* src, size_t bytes) override {
        ++copies;
        Backend::copy(dst, src, bytes);
    }
    void store_as(void* dst, DType type, const float* src, size_t n) override {
        ++stores;
        need("store_as.dst", dst);
        need("store_as.src", src);
        cpu->store_as(dst, type, src, n);
    }
    std::string plan_model(const ModelFootprint& f) override {
        ++plans;
        footprint = f;
        return "planned";
    }
    ModelFootprint footprint;

    void matmul(const WeightView& w, const float* x, int T, float* y) override {
        need("matmul.x", x);
        cpu->matmul(w, x, T, y);
    }
    void matmul_same_input(const WeightView* ws, float* const* ys, int n, const float* x, int T) override {
        need("matmul_same_input.x", x);
        for (int i = 0; i < n; ++i) need("matmul_same_input.y", ys[i]);
        cpu->matmul_same_input(ws, ys, n, x, T);
    }
    void get_rows(const WeightView& t, const int32_t* ids, int T, float* out) override {
        need("get_rows.out", out);
        cpu->get_rows(t, ids, T, out);
    }
    void rms_norm(const float* x, const float* w, int r, int n, float eps, float* y) override {
        need("rms_norm.x", x);
        need("rms_norm.y", y);
        cpu->rms_norm(x, w, r, n, eps, y);
    }
    void rope(float* x, int T, int H, int D, const int32_t* pos, const RopeParams& p) override {
        need("rope.x", x);
        cpu->rope(x, T, H, D, pos, p);
    }
    void attention(const float* q, const void* k, const void* v, const AttentionParams& p, float* out) override {
        need("attention.q", q);
        need("attention.k", k);
        need("attention.v", v);
        need("attention.kv_pos", p.kv_pos);
        need("attention.out", out);
        cpu->attention(q, k, v, p, out);
    }
    void silu_mul(const float* g, const float* u, size_t n, float* o) override {
        need("silu_mul", g);
        cpu->silu_mul(g, u, n, o);
    }
    void gelu_tanh_mul(const float* g, const float* u, size_t n, float* o) override { cpu->gelu_tanh_mul(g, u, n, o); }
    void add(float* y, const float* x, size_t n) override {
        need("add.y", y);
        need("add.x", x);
        cpu->add(y, x, n);
    }
    void add_bias(float* x, const float* b, int r, int n) override { cpu->add_bias(x, b, r, n); }
    void scale(float* x, size_t n, float s) override { cpu->scale(x, n, s); }
};

}  // namespace

class TestDevicePlan : public QObject {
    Q_OBJECT

private slots:
    void parsesDeviceStrings() {
        QCOMPARE(int(parse_device("cpu")->kind), int(DeviceRequest::Kind::Cpu));
        QCOMPARE(int(parse_device("auto")->kind), int(DeviceRequest::Kind::Auto));
        QCOMPARE(int(parse_device("cuda")->kind), int(DeviceRequest::Kind::Cuda));
        QCOMPARE(parse_device("cuda")->index, 0);
        QCOMPARE(parse_device("cuda:3")->index, 3);
        std::string err;
        for (const char* bad : {"cuda:", "cuda:-1", "cuda:1x", "gpu0", "CUDA", "cuda:99999"}) {
            QVERIFY2(!parse_device(bad, &err), bad);
            QVERIFY(err.find("unknown device") != std::string::npos);
        }
    }

    void fallsBackToTheCpuWithOneNote() {
        const DeviceRequest cuda1{DeviceRequest::Kind::Cuda, 1}, autoreq{DeviceRequest::Kind::Auto, 0};
        // no driver / no device: CPU with a note naming the reason
        DeviceChoice c = choose_device(cuda1, true, 0, "no usable CUDA driver (x)");
        QVERIFY(!c.cuda);
        QVERIFY(c.error.empty());
        QCOMPARE(c.note, std::string("no usable CUDA driver (x): running on the CPU"));
        c = choose_device(autoreq, true, 0, "");
        QVERIFY(!c.cuda && c.note == "no CUDA device: running on the CPU");
        // CPU-only build: cuda asks get a note, auto is silent
        QVERIFY(!choose_device(cuda1, false, 2, "").cuda);
        QVERIFY(!choose_device(cuda1, false, 2, "").note.empty());
        QVERIFY(choose_device(autoreq, false, 2, "").note.empty());
        // a device that exists / one that does not
        c = choose_device(cuda1, true, 2, "");
        QVERIFY(c.cuda && c.index == 1 && c.note.empty());
        c = choose_device(DeviceRequest{DeviceRequest::Kind::Cuda, 2}, true, 2, "");
        QVERIFY(!c.cuda);
        QVERIFY(c.error.find("cuda:2 does not exist") != std::string::npos);
        QVERIFY(!choose_device(DeviceRequest{DeviceRequest::Kind::Cpu, 0}, true, 4, "").cuda);
    }

    void makeBackendFallsBackOnThisMachine() {
        // This machine has no GPU: whatever was asked for, a working CPU backend comes back.
        for (const char* d : {"cpu", "auto", "cuda", "cuda:0"}) {
            const auto be = make_backend(d, 1);
            QVERIFY(be != nullptr);
            if (std::string(d) == "cpu") QVERIFY(be->name().rfind("cpu", 0) == 0);
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_backend("tpu", 1));
    }

    void memoryPlanFitsSplitsOrRefuses() {
        ModelFootprint f;
        f.layer_bytes.assign(32, 140 * MiB);  // ~ Llama-3-8B Q4_K_M layers
        f.other_bytes = 700 * MiB;
        f.kv_bytes = 1 * GiB;
        f.scratch_bytes = 200 * MiB;
        f.largest_weight_elems = 14336ull * 4096;  // 112 MiB of fp16 scratch
        const size_t reserve = 768 * MiB;

        MemoryPlan p = plan_memory(f, 24 * GiB, reserve);
        QCOMPARE(int(p.kind), int(PlanKind::Fits));
        QCOMPARE(p.gpu_layers, 32);
        QCOMPARE(p.weight_budget, 32 * 140 * MiB + 700 * MiB);
        QVERIFY(p.message.find("all 32 layers") != std::string::npos);

        p = plan_memory(f, 4 * GiB, reserve);  // 3.25 GiB usable - 2.0 GiB fixed = 1.25 GiB -> 9 layers
        QCOMPARE(int(p.kind), int(PlanKind::Split));
        const size_t fixed = 700 * MiB + 1 * GiB + 200 * MiB + 14336ull * 4096 * 2;
        QCOMPARE(p.gpu_layers, int((4 * GiB - reserve - fixed) / (140 * MiB)));
        QCOMPARE(p.weight_budget, 700 * MiB + size_t(p.gpu_layers) * 140 * MiB);
        QVERIFY(p.message.find("layers on the GPU") != std::string::npos);
        QVERIFY(p.message.find("on the CPU") != std::string::npos);

        p = plan_memory(f, 2 * GiB, reserve);
        QCOMPARE(int(p.kind), int(PlanKind::DoesNotFit));
        QCOMPARE(p.gpu_layers, 0);
        QVERIFY2(p.message.find("KV cache 1.0 GiB") != std::string::npos, p.message.c_str());
        QVERIFY(p.message.find("--device cpu") != std::string::npos);

        p = plan_memory(f, 100 * MiB, reserve);  // less free than the reserve
        QCOMPARE(int(p.kind), int(PlanKind::DoesNotFit));

        // A huge LM head does not need a huge fp16 scratch: it is converted in row chunks.
        ModelFootprint g = f;
        g.largest_weight_elems = 128256ull * 4096;
        QCOMPARE(plan_memory(g, 24 * GiB, reserve).needed_bytes,
                 plan_memory(f, 24 * GiB, reserve).needed_bytes + size_t(gpu::kGemmScratchElems) * 2 -
                     14336ull * 4096 * 2);
        QCOMPARE(format_bytes(1536 * MiB), std::string("1.5 GiB"));
        QCOMPARE(format_bytes(300 * MiB), std::string("300.0 MiB"));
    }

    void attentionLaunchShapes_data() {
        QTest::addColumn<int>("T");
        QTest::addColumn<int>("H");
        QTest::addColumn<int>("n_kv");
        QTest::addColumn<int>("D");
        QTest::newRow("decode-100k") << 1 << 32 << 100000 << 128;
        QTest::newRow("decode-short") << 1 << 9 << 5 << 64;
        QTest::newRow("prefill-512") << 512 << 32 << 4608 << 128;
        QTest::newRow("gemma-256") << 37 << 4 << 2000 << 256;
        QTest::newRow("one-key") << 3 << 2 << 1 << 64;
    }
    void attentionLaunchShapes() {
        QFETCH(int, T);
        QFETCH(int, H);
        QFETCH(int, n_kv);
        QFETCH(int, D);
        const int n_sm = 132;
        const gpu::AttentionShape s = gpu::plan_attention(T, H, n_kv, D, n_sm);
        QVERIFY(s.supported);
        QCOMPARE(s.query_tile, gpu::kAttnWarps * s.queries_per_warp);
        QVERIFY(s.q_tiles * s.query_tile >= T);
        QVERIFY((s.q_tiles - 1) * s.query_tile < T);
        QCOMPARE(s.heads, H);
        QVERIFY(s.splits >= 1);
        QCOMPARE(s.keys_per_split % s.key_tile, 0);
        QVERIFY(static_cast<long long>(s.splits) * s.keys_per_split >= n_kv);      // every key covered
        QVERIFY(static_cast<long long>(s.splits - 1) * s.keys_per_split < n_kv);   // no empty split
        QVERIFY(s.smem_bytes <= 48 * 1024);  // no opt-in needed, sm_75 included
        QVERIFY(s.splits <= 65535);
        if (s.splits > 1) {
            QCOMPARE(s.partial_floats, size_t(s.splits) * T * H * (D + 2));
            QVERIFY(s.keys_per_split >= 8 * s.key_tile);
        }
        if (T == 1 && n_kv == 100000) QVERIFY(s.splits * H >= n_sm);  // decode still fills the GPU
        QVERIFY(!gpu::plan_attention(T, H, n_kv, 80, n_sm).supported);
    }

    void matmulLaunchShapes() {
        QCOMPARE(int(gpu::matmul_path(1)), int(gpu::MatmulPath::MatVec));
        QCOMPARE(int(gpu::matmul_path(gpu::kGemmMinTokens - 1)), int(gpu::MatmulPath::MatVec));
        QCOMPARE(int(gpu::matmul_path(gpu::kGemmMinTokens)), int(gpu::MatmulPath::Gemm));
        QCOMPARE(gpu::gemm_chunk_rows(4096, 14336), int64_t{14336});       // one chunk
        QCOMPARE(gpu::gemm_chunk_rows(4096, 128256), int64_t{16384});      // LM head: 8 chunks
        QCOMPARE(gpu::gemm_chunk_rows(int64_t{1} << 27, 10), int64_t{1});  // never zero
        QCOMPARE(gpu::matvec_blocks(4096), int64_t{1024});
        QCOMPARE(gpu::matvec_blocks(4097), int64_t{1025});
        QCOMPARE(gpu::elementwise_blocks(0), 1u);
        QCOMPARE(gpu::elementwise_blocks(257), 2u);
        QCOMPARE(gpu::elementwise_blocks(size_t{1} << 40), 65535u);
    }

    void transformerKeepsActivationsInSharedMemory() {
        // A tiny llama the test writes (random Q8_0 weights): the plan is about where activations
        // live, not about what the model says.
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/tiny.gguf").toStdString();
        test::TinyGguf().layers(3).randomWeights(2, test::TinyGguf::WeightType::Q8_0).write(path);
        const auto model = Model::load(path);
        RecordingBackend rec;
        const auto cpu = make_cpu_backend(2);
        Transformer a(*model, rec, 64), b(*model, *cpu, 64);
        QCOMPARE(rec.plans, 1);
        QCOMPARE(a.memory_plan(), std::string("planned"));
        QCOMPARE(int(rec.footprint.layer_bytes.size()), model->config().n_layers);
        // The default F16 cache: 2 bytes per element.
        QVERIFY(rec.footprint.kv_bytes >= size_t(64) * model->config().n_layers * 2 * model->config().n_kv_heads *
                                               model->config().head_dim * sizeof(uint16_t));
        QVERIFY(rec.footprint.other_bytes > 0);
        const std::vector<int32_t> toks = {1, 104, 203, 114, 253, 145, 30, 28};
        const auto la = a.forward(toks, Logits::Last);
        const auto lb = b.forward(toks, Logits::Last);
        QCOMPARE(la, lb);  // the same CPU ops on the same values
        const int32_t one[1] = {42};
        QCOMPARE(a.forward(one, Logits::Last), b.forward(one, Logits::Last));
        QVERIFY2(rec.non_shared_ops.empty(), qPrintable(QString::fromStdString(*rec.non_shared_ops.begin())));
        QCOMPARE(rec.stores, 2 * (2 * model->config().n_layers));  // k, v per layer, per call
        QCOMPARE(rec.copies, 2);                                     // pos once per call
        QVERIFY(rec.syncs >= 2);                                  // before returning logits
    }
};

QTEST_GUILESS_MAIN(TestDevicePlan)
#include "test_device_plan.moc"
