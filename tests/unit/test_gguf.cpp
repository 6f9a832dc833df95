// GGUF reader on files the tests write themselves (no downloaded model: the real models' files are
// checked in integration.model_files): a tiny complete model parses with its structure, its F16
// and Q8_0 weights read back as written, and hostile or broken files are refused with a clear
// message instead of crashing.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "gguf.h"
#include "model.h"
#include "model_config.h"
#include "quant/dequant_row.h"
#include "test_support.h"
#include "tiny_gguf.h"

using namespace gleaner;

namespace {

// Builds a small GGUF file in memory, field by field, so tests can corrupt any part of it.
class GgufBuilder {
public:
    explicit GgufBuilder(uint32_t version = 3) { put(std::string("GGUF", 4)); put<uint32_t>(version); }
    template <typename T>
    void put(T v) {
        const char* p = reinterpret_cast<const char*>(&v);
        bytes.insert(bytes.end(), p, p + sizeof(T));
    }
    void put(const std::string& raw) { bytes.insert(bytes.end(), raw.begin(), raw.end()); }
    void str(const std::string& s) { put<uint64_t>(s.size()); put(s); }
    void pad_to(size_t align) { while (bytes.size() % align) bytes.push_back(0); }
    std::string write(const QTemporaryDir& dir, const char* name) const {
        const std::string path = (dir.path() + "/" + name).toStdString();
        std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return path;
    }
    std::vector<char> bytes;
};

// A valid file: 2 metadata keys, one F32 tensor "w" of shape {4, 2}.
GgufBuilder tiny_model(uint64_t tensor_offset = 0, int64_t ne0 = 4, uint32_t type = 0) {
    GgufBuilder b;
    b.put<uint64_t>(1);  // tensors
    b.put<uint64_t>(2);  // kv
    b.str("general.architecture"); b.put<uint32_t>(8); b.str("llama");
    b.str("llama.block_count"); b.put<uint32_t>(4); b.put<uint32_t>(30);
    b.str("w"); b.put<uint32_t>(2); b.put<int64_t>(ne0); b.put<int64_t>(2); b.put<uint32_t>(type);
    b.put<uint64_t>(tensor_offset);
    b.pad_to(32);
    for (int i = 0; i < 8; ++i) b.put<float>(static_cast<float>(i));
    return b;
}

}  // namespace

class TestGguf : public QObject {
    Q_OBJECT
private slots:
    // A complete model the tests wrote: the file's structure, the hyperparameters derived from
    // it, and a model that loads with its tokenizer.
    void tinyModelParsesWithItsStructure() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/tiny.gguf").toStdString();
        test::TinyGguf().layers(3).randomWeights(1, test::TinyGguf::WeightType::Q8_0).write(path);
        const GgufFile f = GgufFile::open(path);
        QCOMPARE(f.version(), 3u);
        QCOMPARE(f.get_string("general.architecture"), std::string("llama"));
        QCOMPARE(f.get_int("llama.block_count"), int64_t{3});
        QCOMPARE(f.tensors().size(), size_t{2 + 3 * 9});  // embedding, output norm, 9 per layer
        QVERIFY(f.tensor("output.weight") == nullptr);     // tied to the embedding
        const GgufTensor* emb = f.tensor("token_embd.weight");
        QVERIFY(emb);
        QCOMPARE(emb->type, DType::Q8_0);
        QCOMPARE(emb->ne, (std::vector<int64_t>{32, 300}));
        QCOMPARE(emb->nbytes, uint64_t{300 * 34});  // one 34-byte block per 32 values
        QCOMPARE(f.tensor("blk.2.ffn_norm.weight")->type, DType::F32);
        for (const GgufTensor& t : f.tensors()) QVERIFY(t.offset + t.nbytes <= f.file_size());

        const ModelConfig c = ModelConfig::from_gguf(f);
        QCOMPARE(c.n_layers, 3);
        QCOMPARE(c.n_embd, 32);
        QCOMPARE(c.n_heads, 4);
        QCOMPARE(c.n_kv_heads, 2);
        QCOMPARE(c.head_dim, 8);  // E / H without a key_length
        QCOMPARE(c.n_vocab, 300);
        QCOMPARE(c.n_ctx_train, 256);

        const auto model = Model::load(path);
        QCOMPARE(model->config().n_layers, 3);
        QCOMPARE(model->tokenizer().vocab().size(), 300);
    }

    // The same seed writes the same file; F16 and Q8_0 weights read back as the F32 ones within
    // their precision (a wrong block layout or scale would be far off).
    void weightTypesReadBackAsWritten() {
        using W = test::TinyGguf::WeightType;
        QTemporaryDir dir;
        auto write = [&](W type, uint64_t seed, const char* name) {
            const std::string path = (dir.path() + "/" + name).toStdString();
            test::TinyGguf().randomWeights(seed, type).write(path);
            return path;
        };
        const std::string f32 = write(W::F32, 5, "f32.gguf"), f16 = write(W::F16, 5, "f16.gguf"),
                          q8 = write(W::Q8_0, 5, "q8.gguf");
        QCOMPARE(test::fileBytes(write(W::F32, 5, "again.gguf")), test::fileBytes(f32));
        QVERIFY(test::fileBytes(write(W::F32, 6, "other.gguf")) != test::fileBytes(f32));
        const GgufFile a = GgufFile::open(f32), b = GgufFile::open(f16), q = GgufFile::open(q8);
        for (const char* name : {"token_embd.weight", "blk.0.attn_q.weight", "blk.0.ffn_down.weight"}) {
            const GgufTensor* ta = a.tensor(name);
            const int64_t n = ta->n_elements();
            std::vector<float> ref(static_cast<size_t>(n)), half(ref.size()), q8v(ref.size());
            std::memcpy(ref.data(), ta->data, size_t(n) * 4);
            dequantize_row(DType::F16, b.tensor(name)->data, half.data(), n);
            dequantize_row(DType::Q8_0, q.tensor(name)->data, q8v.data(), n);
            float amax = 0, err16 = 0, err8 = 0;
            for (int64_t i = 0; i < n; ++i) {
                amax = std::max(amax, std::abs(ref[size_t(i)]));
                err16 = std::max(err16, std::abs(half[size_t(i)] - ref[size_t(i)]));
                err8 = std::max(err8, std::abs(q8v[size_t(i)] - ref[size_t(i)]));
            }
            QVERIFY2(amax > 0.1f, name);  // random, not zero
            QVERIFY2(err16 <= amax / 1024, qPrintable(QString("%1: F16 off by %2").arg(name).arg(err16)));
            QVERIFY2(err8 <= amax / 127, qPrintable(QString("%1: Q8_0 off by %2").arg(name).arg(err8)));
        }
    }

    void parsesHandBuiltFile() {
        QTemporaryDir dir;
        const GgufFile f = GgufFile::open(tiny_model().write(dir, "ok.gguf"));
        QCOMPARE(f.get_int("llama.block_count"), int64_t{30});
        const GgufTensor* w = f.tensor("w");
        QVERIFY(w);
        QCOMPARE(w->nbytes, uint64_t{32});
        float v[8];
        std::memcpy(v, w->data, sizeof v);
        QCOMPARE(v[7], 7.0f);
        QCOMPARE(f.get_int_or("missing.key", -5), int64_t{-5});
        QVERIFY_THROWS_EXCEPTION(GgufError, f.get_string("llama.block_count"));
    }

    void rejectsBadInput_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        const auto good = tiny_model().bytes;
        const QByteArray goodBytes(good.data(), static_cast<int>(good.size()));
        QTest::newRow("empty") << QByteArray() << "not a GGUF model";
        QTest::newRow("text") << QByteArray("hello, this is not a model at all......") << "bad magic";
        QTest::newRow("truncated-header") << goodBytes.left(30) << "truncated";
        QTest::newRow("truncated-data") << goodBytes.left(goodBytes.size() - 4) << "outside the file";
        QByteArray v1 = goodBytes;
        v1[4] = 1;
        QTest::newRow("version-1") << v1 << "unsupported GGUF version 1";
        auto out_of_bounds = tiny_model(1u << 20).bytes;
        QTest::newRow("tensor-out-of-bounds") << QByteArray(out_of_bounds.data(), int(out_of_bounds.size()))
                                              << "outside the file";
        auto bad_type = tiny_model(0, 4, 77).bytes;
        QTest::newRow("unknown-type") << QByteArray(bad_type.data(), int(bad_type.size())) << "unsupported type id 77";
        auto bad_row = tiny_model(0, 4, 2).bytes;  // Q4_0 needs rows of 32
        QTest::newRow("row-not-block-multiple") << QByteArray(bad_row.data(), int(bad_row.size()))
                                                << "not a multiple";
        QByteArray huge_count = goodBytes;
        const uint64_t absurd = uint64_t{1} << 60;
        std::memcpy(huge_count.data() + 8, &absurd, 8);
        QTest::newRow("absurd-tensor-count") << huge_count << "absurd tensor count";
        QByteArray huge_string = goodBytes;
        std::memcpy(huge_string.data() + 24, &absurd, 8);  // length of the first key
        QTest::newRow("absurd-string-length") << huge_string << "truncated";
    }
    void rejectsBadInput() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/bad.gguf").toStdString();
        std::ofstream(path, std::ios::binary).write(content.data(), content.size());
        try {
            GgufFile::open(path);
            QFAIL("accepted a bad file");
        } catch (const GgufError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }

    void unsupportedArchitectureIsNamed() {
        GgufBuilder b;
        b.put<uint64_t>(0);
        b.put<uint64_t>(1);
        b.str("general.architecture"); b.put<uint32_t>(8); b.str("mamba");
        QTemporaryDir dir;
        const std::string path = b.write(dir, "mamba.gguf");
        try {
            Model::load(path);
            QFAIL("loaded an unsupported architecture");
        } catch (const GgufError& e) {
            QVERIFY2(QString(e.what()).contains("unsupported model architecture 'mamba'"), e.what());
        }
    }

    void missingFileNamesThePath() {
        try {
            GgufFile::open("/nonexistent/model.gguf");
            QFAIL("opened a missing file");
        } catch (const GgufError& e) {
            QVERIFY(QString(e.what()).contains("/nonexistent/model.gguf"));
        }
    }
};

QTEST_APPLESS_MAIN(TestGguf)
#include "test_gguf.moc"
