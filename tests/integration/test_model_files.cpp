// The downloaded models' GGUF files (label `model`: installer/fetch-models.sh installs them):
// SmolLM2 and Gemma 3 parse with the structure and hyperparameters their publishers state.
// The reader itself is tested on files the tests write (unit.gguf).
#include <QtTest>

#include "gguf.h"
#include "model_config.h"
#include "test_support.h"

using namespace gleaner;

class TestModelFiles : public QObject {
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
};

QTEST_APPLESS_MAIN(TestModelFiles)
#include "test_model_files.moc"
