// The method registry, the one list of ways to ask a document: every method described, its
// settings documented, gleaner registered (and the default) like the others, and each factory
// making the method it is registered under and reading the settings the registry lists for it.
#include <QTemporaryDir>
#include <QtTest>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.h"
#include "method_registry.h"
#include "model.h"
#include "tiny_gguf.h"

using namespace gleaner;

class TestMethodRegistry : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const std::string path = dir_.filePath("tiny.gguf").toStdString();
        test::TinyGguf().write(path);
        model_ = Model::load(path);
        backend_ = make_cpu_backend(1);
    }

    void namesAreUnique() {
        std::set<std::string> names;
        for (const MethodEntry& m : method_registry()) QVERIFY2(names.insert(m.name).second, m.name.c_str());
        QVERIFY(names.size() >= 7);
    }

    void gleanerIsRegisteredFirstAndIsTheDefault() {
        QCOMPARE(std::string(kDefaultAnswerMethod), std::string("gleaner"));
        QCOMPARE(method_registry().front().name, std::string(kDefaultAnswerMethod));
        const MethodEntry* gleaner = find_method("gleaner");
        QVERIFY(gleaner);
        QVERIFY(gleaner->factory);
        QVERIFY(gleaner->keeps_reading_memory);
        QCOMPARE(gleaner->cost, MethodCost::ReadsOnce);
    }

    // Gleaner's reading is the one the program makes; GemFilter over the reading answers from it too.
    void theReadingMemoryIsGleanersAndGemFilterOverTheReadingSharesIt() {
        for (const MethodEntry& m : method_registry())
            QCOMPARE(m.keeps_reading_memory, m.name == "gleaner" || m.name == "gemfilter-read");
        QCOMPARE(reading_memory_method().name, std::string("gleaner"));
        // its own settings are GemFilter's choices; the reading's are Gleaner's (the same memory)
        auto default_of = [](const MethodEntry& m, const std::string& key) -> const std::string* {
            for (const MethodSetting& s : m.settings)
                if (s.key == key) return &s.default_value;
            return nullptr;
        };
        const MethodEntry& g = *find_method("gleaner");
        const MethodEntry& gf = *find_method("gemfilter-read");
        QVERIFY(default_of(gf, "span") && default_of(gf, "select") && default_of(gf, "k"));
        QCOMPARE(*default_of(gf, "span"), std::string("0"));
        QCOMPARE(*default_of(gf, "select"), std::string("attention"));
        QCOMPARE(*default_of(gf, "k"), std::string("1024"));
        for (const char* memory_key : {"filter_layer", "checkpoint_tokens", "n_local"}) {
            QVERIFY(default_of(gf, memory_key) && default_of(g, memory_key));
            QCOMPARE(*default_of(gf, memory_key), *default_of(g, memory_key));
        }
    }

    void unknownNamesAreNotFound() {
        QVERIFY(!find_method("nope"));
        QVERIFY(!find_method(""));
        QVERIFY(!find_method("Gleaner"));  // the display name is not the id
    }

    void everyMethodDescribesItselfAndItsCost() {
        for (const MethodEntry& m : method_registry()) {
            QVERIFY2(!m.display_name.empty(), m.name.c_str());
            QVERIFY2(!m.description.empty(), m.name.c_str());
            QVERIFY2(!describe_cost(m.cost).empty(), m.name.c_str());
        }
        QVERIFY(describe_cost(MethodCost::ReadsOnce) != describe_cost(MethodCost::RereadsPerQuestion));
    }

    // The excerpt method is answered by the desktop program (app/core/excerpt_answer.h); every other
    // method is made by its factory.
    void everyMethodButTheDesktopOnlyOneHasAFactory() {
        std::vector<std::string> desktop_only;
        for (const MethodEntry& m : method_registry()) {
            QVERIFY2(bool(m.factory) != m.desktop_only, m.name.c_str());
            if (m.desktop_only) desktop_only.push_back(m.name);
        }
        QCOMPARE(desktop_only, std::vector<std::string>{"excerpt"});
    }

    void everySettingHasADefaultAndHelp() {
        for (const MethodEntry& m : method_registry()) {
            if (m.factory) QVERIFY2(!m.settings.empty(), m.name.c_str());
            std::set<std::string> keys;
            for (const MethodSetting& s : m.settings) {
                const std::string where = m.name + "." + s.key;
                QVERIFY2(keys.insert(s.key).second, where.c_str());
                QVERIFY2(!s.key.empty() && s.key.find_first_of("- =:") == std::string::npos, where.c_str());
                QVERIFY2(!s.default_value.empty(), where.c_str());
                QVERIFY2(!s.help.empty(), where.c_str());
            }
        }
    }

    void factoriesMakeTheMethodTheyAreRegisteredUnder() {
        for (const MethodEntry& m : method_registry()) {
            if (!m.factory || m.keeps_reading_memory) continue;
            const auto method = make_method(m, *model_, *backend_, nullptr, {});
            QVERIFY(method);
            QCOMPARE(method->name(), m.name);
            QCOMPARE(make_context_method(m.name, *model_, *backend_)->name(), m.name);
        }
    }

    // Each listed setting is one the method reads: a value it cannot parse is refused when the
    // method is made (a key the method ignored would be accepted).
    void factoriesReadTheSettingsTheRegistryLists() {
        for (const MethodEntry& m : method_registry()) {
            if (!m.factory || m.keeps_reading_memory) continue;
            for (const MethodSetting& s : m.settings) {
                MethodSettings bad;
                bad.set(s.key, "not-a-value");
                bool refused = false;
                try {
                    make_method(m, *model_, *backend_, nullptr, bad);
                } catch (const std::invalid_argument&) {
                    refused = true;
                }
                QVERIFY2(refused, (m.name + " ignores " + s.key).c_str());
            }
        }
    }

    void gleanerNeedsItsReadingMemory() {
        const MethodEntry& gleaner = *find_method("gleaner");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_method(gleaner, *model_, *backend_, nullptr, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_context_method("gleaner", *model_, *backend_));
    }

    void desktopOnlyAndUnknownMethodsAreNotMade() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 make_method(*find_method("excerpt"), *model_, *backend_, nullptr, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_context_method("nope", *model_, *backend_));
    }

    void namesTextListsEveryMethod() {
        const std::string text = method_names_text();
        for (const MethodEntry& m : method_registry()) QVERIFY2(text.find(m.name) != std::string::npos, m.name.c_str());
    }

private:
    QTemporaryDir dir_;
    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
};

QTEST_GUILESS_MAIN(TestMethodRegistry)
#include "test_method_registry.moc"
