#include <QtTest>
class TestCorpusImport : public QObject { Q_OBJECT };
QTEST_APPLESS_MAIN(TestCorpusImport)
#include "test_corpus_import.moc"
