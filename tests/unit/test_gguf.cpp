// GGUF reader: the real default models parse with the expected structure, and hostile or broken
// files are refused with a clear message instead of crashing.
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "gguf.h"
#include "model.h"
#include "model_config.h"
#include "test_support.h"

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
    void defaultModelIsValidGgufV3() {
        const QString path = test::smollm2Path();
        GLEANER_REQUIRE_MODEL(path);
        const GgufFile f = GgufFile::open(path.toStdString());
        QCOMPARE(f.version(), 3u);
        QCOMPARE(f.get_string("general.architecture"), std::string("llama"));
        QCOMPARE(f.get_int("llama.block_count"), int64_t{30});
        QCOMPARE(f.get_int("llama.embedding_length"), int64_t{576});
        // 30 layers x 9 tensors + token_embd + output_norm (output tied to the embedding).
        QCOMPARE(f.tensors().size(), size_t{272});
        QVERIFY(f.tensor("output.weight") == nullptr);
        const GgufTensor* emb = f.tensor("token_embd.weight");
        QVERIFY(emb);
        QCOMPARE(emb->ne[0], int64_t{576});
        QCOMPARE(emb->ne[1], int64_t{49152});
        QCOMPARE(f.get_string_array("tokenizer.ggml.tokens").size(), size_t{49152});
        // Every tensor's bytes lie inside the file.
        for (const GgufTensor& t : f.tensors()) QVERIFY(t.offset + t.nbytes <= f.file_size());
    }

    void sentencePieceModelIsGemma3() {
        const QString path = test::gemma3Path();
        GLEANER_REQUIRE_MODEL(path);
        const GgufFile f = GgufFile::open(path.toStdString());
        QCOMPARE(f.get_string("general.architecture"), std::string("gemma3"));
        QCOMPARE(f.get_string("tokenizer.ggml.model"), std::string("llama"));
        QCOMPARE(f.get_int("gemma3.block_count"), int64_t{18});
        QCOMPARE(f.get_int("gemma3.attention.key_length"), int64_t{256});
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

    void defaultModelConfigComesFromMetadata() {
        GLEANER_REQUIRE_MODEL(test::gemma3Path());
        const GgufFile f = GgufFile::open(test::gemma3Path().toStdString());
        const ModelConfig c = ModelConfig::from_gguf(f);
        QCOMPARE(c.head_dim, 256);           // key_length, not E / H
        QCOMPARE(c.n_embd, 640);
        QVERIFY(c.embed_scale_sqrt);
        QCOMPARE(c.rope_style, RopeStyle::Neox);
        QVERIFY(c.layer_is_local[0] && !c.layer_is_local[5] && c.layer_is_local[6] && !c.layer_is_local[11]);
        QVERIFY(c.sliding_window > 0);
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
