// Hostile and broken inputs (issue 14, "nothing lost, nothing crashed"). Every input is built
// here, in a temporary directory, so each case shows exactly what is wrong with it.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zip.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "doctype_subset.h"
#include "document_limits.h"
#include "document_loader.h"
#include "gguf.h"
#include "html_charset.h"
#include "import.h"
#include "model_config.h"
#include "pdf_glyph_mapping.h"
#include "text_util.h"
#include "tiny_gguf.h"
#include "utf8_repair.h"

using namespace gleaner;

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

std::string write_file(const QTemporaryDir& dir, const char* name, const std::string& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

struct Outcome {
    bool imported = false;
    Document doc;
    ImportErrorKind kind = ImportErrorKind::Damaged;
    std::string message;
};

Outcome import_outcome(const std::string& path) {
    Outcome o;
    try {
        o.doc = import_document(path);
        o.imported = true;
    } catch (const ImportError& e) {
        o.kind = e.kind();
        o.message = e.what();
    }
    return o;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

bool any_warning_contains(const Document& d, const std::string& needle) {
    for (const std::string& w : d.warnings)
        if (contains(w, needle)) return true;
    return false;
}

size_t count_of(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + needle.size())) ++n;
    return n;
}

// A book in UTF-8 with accents, dashes and curly quotes on every line (as real books have).
std::string utf8_book() {
    std::string s;
    for (int i = 0; i < 20; ++i) s += "Caf\xC3\xA9 cr\xC3\xA8me, na\xC3\xAFve fa\xC3\xA7" "ade \xE2\x80\x94 \xE2\x80\x9Cquoted\xE2\x80\x9D.\n\n";
    return s;
}

// The same book with a stray 0xFF byte at the start of paragraph 5 (line 9).
std::string utf8_book_with_bad_byte() {
    std::string s = utf8_book();
    const size_t paragraph = s.find("\n\n") + 2;
    s.insert(4 * paragraph, "\xFF");
    return s;
}

// ---- EPUB -----------------------------------------------------------------------------------

void write_zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    QVERIFY(z);
    for (const auto& [name, data] : entries) {
        zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
        QVERIFY(src);
        const zip_int64_t index = zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
        QVERIFY(index >= 0);
        if (name == "mimetype") zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    QCOMPARE(zip_close(z), 0);  // the buffers above stay alive until here, where they are written
}

const std::string kContainer =
    "<?xml version=\"1.0\"?><container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
    "<rootfiles><rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles>"
    "</container>";

std::string opf(const std::string& manifest, const std::string& spine, const std::string& prolog = "",
                const std::string& title = "Fixture Title", const std::string& spine_attrs = "") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + prolog +
           "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"2.0\">"
           "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>" + title +
           "</dc:title><dc:creator>Secret Creator</dc:creator></metadata><manifest>" + manifest + "</manifest><spine" +
           spine_attrs + ">" + spine + "</spine></package>";
}

const std::string kChapterItem = "<item id=\"c1\" href=\"ch1.xhtml\" media-type=\"application/xhtml+xml\"/>";
const std::string kChapterRef = "<itemref idref=\"c1\"/>";

std::string xhtml(const std::string& body, const std::string& prolog = "") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + prolog +
           "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head><body>" + body + "</body></html>";
}

std::string write_epub(const QTemporaryDir& dir, const char* name, const std::string& opf_xml, const std::string& chapter,
                       std::vector<std::pair<std::string, std::string>> extra = {}) {
    const std::string path = dir.filePath(name).toStdString();
    std::vector<std::pair<std::string, std::string>> entries{{"mimetype", "application/epub+zip"},
                                                             {"META-INF/container.xml", kContainer},
                                                             {"OEBPS/content.opf", opf_xml},
                                                             {"OEBPS/ch1.xhtml", chapter}};
    entries.insert(entries.end(), extra.begin(), extra.end());
    write_zip(path, entries);
    return path;
}

std::string nested(int depth, const std::string& inner) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "<div>";
    s += inner;
    for (int i = 0; i < depth; ++i) s += "</div>";
    return s;
}

// Ten levels of ten references each: 10^10 copies if expanded (libxml2 stops it).
std::string entity_bomb_dtd(const std::string& root) {
    std::string dtd = "<!DOCTYPE " + root + " [<!ENTITY a \"lollollollollollollollollollol\">";
    for (char e = 'b'; e <= 'j'; ++e) {
        std::string refs;
        for (int k = 0; k < 10; ++k) refs += std::string("&") + static_cast<char>(e - 1) + ";";
        dtd += std::string("<!ENTITY ") + e + " \"" + refs + "\">";
    }
    return dtd + "]>";
}

// ---- PDF ------------------------------------------------------------------------------------

std::string pdf_file(const std::vector<std::string>& objects) {
    std::string out = "%PDF-1.4\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (size_t off : offsets) {
        char entry[21];
        std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
        out += entry;
    }
    return out + "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
}

std::string pdf_stream(const std::string& data, const std::string& dict = "") {
    return "<< /Length " + std::to_string(data.size()) + " " + dict + " >>\nstream\n" + data + "\nendstream";
}

std::string pdf_page(const std::string& resources, int contents) {
    return "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Resources << " + resources + " >> /Contents " +
           std::to_string(contents) + " 0 R >>";
}

// A Type 3 font whose glyphs are named /g1../g4 and which has no ToUnicode map: poppler can only
// pass the character codes through, as control characters U+0001..U+0004.
std::string unmapped_font(int glyph_object) {
    const std::string glyph = " " + std::to_string(glyph_object) + " 0 R";
    return "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 500 600] /FontMatrix [0.001 0 0 0.001 0 0] "
           "/CharProcs << /g1" + glyph + " /g2" + glyph + " /g3" + glyph + " /g4" + glyph + " >> "
           "/Encoding << /Type /Encoding /Differences [1 /g1 /g2 /g3 /g4] >> /FirstChar 1 /LastChar 4 "
           "/Widths [500 500 500 500] >>";
}
const std::string kGlyph = pdf_stream("500 0 0 0 400 600 d1 0 0 400 600 re f");
const std::string kUnmappedText =
    pdf_stream("BT /F1 24 Tf 20 100 Td (\x01\x02\x03\x04 \x02\x01\x03\x03\x04\x01 \x03\x04\x01\x02) Tj ET");

// ---- special files --------------------------------------------------------------------------

// Unblocks a reader stuck opening the FIFO (so a failing test ends instead of hanging).
void release_fifo_reader(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
}

// A bound UNIX socket in the file system, closed on destruction.
class SocketFile {
public:
    explicit SocketFile(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        bound_ = fd_ >= 0 && path.size() < sizeof addr.sun_path &&
                 ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~SocketFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool bound() const { return bound_; }

private:
    int fd_ = -1;
    bool bound_ = false;
};

// ---- documents over the text limit ---------------------------------------------------------

// A file of `size` bytes that starts like a book and takes no room on disk (the rest is a hole).
std::string sparse_book(const QTemporaryDir& dir, const char* name, off_t size) {
    const std::string path = write_file(dir, name, "CHAPTER I.\n\nIt was a dark and stormy night.\n\n");
    return ::truncate(path.c_str(), size) == 0 ? path : std::string();
}

// What a user is told about the 200 MB text of issue 14.
std::string too_large_message(const std::string& path) {
    return "'" + path + "' is 190.7 MiB, over Gleaner's limit of 32 MiB of text (about 8 million tokens, "
           "10 times War and Peace): reading its ~50 million tokens would take about 2 days on a CPU";
}

std::string tiny_model_path(const QTemporaryDir& dir, const test::TinyGguf& model, const char* name = "m.gguf") {
    const std::string path = dir.filePath(name).toStdString();
    model.write(path);
    return path;
}

}  // namespace

class TestHostileInputs : public QObject {
    Q_OBJECT

private slots:
    // ---- A: damaged UTF-8 -----------------------------------------------------------------
    void utf8BookWithABadByteKeepsItsCharacters() {
        QTemporaryDir dir;
        const Outcome o = import_outcome(write_file(dir, "book.txt", utf8_book_with_bad_byte()));
        QVERIFY(o.imported);
        // Every accented letter survives; only the bad byte became U+FFFD.
        QCOMPARE(count_of(o.doc.text, "Caf\xC3\xA9 cr"), size_t{20});
        QCOMPARE(count_of(o.doc.text, kReplacement), size_t{1});
        QVERIFY(!contains(o.doc.text, "\xC3\x83\xC2\xA9"));  // "Ã©", the Windows-1252 misreading
        QCOMPARE(o.doc.warnings.size(), size_t{1});
        QCOMPARE(o.doc.warnings[0], std::string("1 invalid UTF-8 sequence replaced with U+FFFD (first on line 9)"));
    }

    void truncatedCharacterIsOneReplacement() {
        // "\xE2\x80" is the start of a dash without its last byte: one error, not two, and the
        // letter after it is read normally.
        const DecodedText d = decode_text_bytes(utf8_book() + "A\xE2\x80" "B");
        QCOMPARE(d.encoding, std::string("UTF-8"));
        QCOMPARE(d.replaced, size_t{1});
        QVERIFY(contains(d.text, std::string("A") + kReplacement + "B"));
        QCOMPARE(d.first_replaced_line, size_t{41});
        QCOMPARE(ill_formed_length("\xE2\x80" "B", 0), size_t{2});
        QCOMPARE(ill_formed_length("\xF0\x9F\x98", 0), size_t{3});  // emoji cut at the end of the file
        QCOMPARE(ill_formed_length("\xC0\xAF", 0), size_t{1});      // overlong: C0 never starts a sequence
        QCOMPARE(ill_formed_length("\xED\xA0\x80", 0), size_t{1});  // surrogate: A0 is not allowed after ED
        QCOMPARE(replace_ill_formed_utf8("a\xFF\xFE" "b"), std::string("a") + kReplacement + kReplacement + "b");
    }

    void windows1252TextStillFallsBack() {
        // Latin-1 text with an accidental valid UTF-8 pair ("\xC9\x94": the last letter of
        // CAFÉ followed by a closing curly quote) is still read as Windows-1252: the rule
        // weighs that one pair against the many ill-formed accented letters.
        QTemporaryDir dir;
        std::string latin1;
        for (int i = 0; i < 5; ++i) latin1 += "Caf\xE9 cr\xE8me na\xEFve.\n";
        latin1 += "\x93" "CAF\xC9\x94\n";
        const Outcome o = import_outcome(write_file(dir, "latin1.txt", latin1));
        QVERIFY(o.imported);
        QVERIFY(contains(o.doc.text, "Caf\xC3\xA9 cr\xC3\xA8me"));
        QVERIFY(contains(o.doc.text, "\xE2\x80\x9C" "CAF\xC3\x89\xE2\x80\x9D"));
        QVERIFY(any_warning_contains(o.doc, "Windows-1252"));
        const Utf8Census c = take_utf8_census(latin1);
        QCOMPARE(c.multibyte, size_t{1});
        QVERIFY(!reads_as_utf8(c));
        // And the UTF-8 book with its bad byte passes the same rule.
        QVERIFY(reads_as_utf8(take_utf8_census(utf8_book_with_bad_byte())));
    }

    void htmlWithABadByteKeepsItsCharacters() {
        QTemporaryDir dir;
        const std::string book = utf8_book_with_bad_byte();
        for (const std::string& head : {std::string(), std::string("<head><meta charset=\"utf-8\"></head>")}) {
            const Outcome o = import_outcome(write_file(dir, "book.html", "<html>" + head + "<body><pre>" + book + "</pre></body></html>"));
            QVERIFY(o.imported);
            QCOMPARE(count_of(o.doc.text, "Caf\xC3\xA9 cr"), size_t{20});
            QCOMPARE(count_of(o.doc.text, kReplacement), size_t{1});
            QVERIFY(any_warning_contains(o.doc, "1 invalid UTF-8 sequence replaced with U+FFFD (first on line 9)"));
        }
        // A file that says it is Windows-1252 is converted from that, even when its bytes would
        // pass the UTF-8 rule (five "\xC3\xA9" pairs, read "Ã©" in Windows-1252, against two
        // ill-formed quotes): the declaration wins.
        const std::string cp1252 = "<html><head><meta charset=\"windows-1252\"></head><body><p>\x93"
                                   "\xC3\xA9 \xC3\xA9 \xC3\xA9 \xC3\xA9 \xC3\xA9\x94</p></body></html>";
        QVERIFY(reads_as_utf8(take_utf8_census(cp1252)));
        const Outcome w = import_outcome(write_file(dir, "cp1252.html", cp1252));
        QVERIFY(w.imported);
        QVERIFY(contains(w.doc.text, "\xE2\x80\x9C\xC3\x83\xC2\xA9 \xC3\x83\xC2\xA9"));
        QVERIFY(w.doc.warnings.empty());
    }

    void declaredCharsetIsRead() {
        QCOMPARE(declared_html_charset("<html><head><meta charset=\"Windows-1252\">"), std::string("windows-1252"));
        QCOMPARE(declared_html_charset("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=EUC-KR\">"),
                 std::string("euc-kr"));
        QCOMPARE(declared_html_charset("<?xml version='1.0' encoding='ISO-8859-1'?><html>"), std::string("iso-8859-1"));
        // A charset mentioned in the body is prose, not a declaration.
        QCOMPARE(declared_html_charset("<html><body><p>Use charset=latin1 here.</p>"), std::string());
        QVERIFY(!declares_other_charset_than_utf8("<meta charset=utf8>"));
        QVERIFY(declares_other_charset_than_utf8("<meta charset=shift_jis>"));
    }

    void epubWithABadByteSaysSo() {
        QTemporaryDir dir;
        std::string body;
        for (int i = 0; i < 10; ++i) body += "<p>Caf\xC3\xA9 cr\xC3\xA8me \xE2\x80\x94 \xE2\x80\x9Cquoted\xE2\x80\x9D.</p>";
        body.insert(body.find("cr", body.size() / 2) + 2, "\xFF");
        const Outcome o = import_outcome(write_epub(dir, "book.epub", opf(kChapterItem, kChapterRef), xhtml(body)));
        QVERIFY(o.imported);
        QCOMPARE(count_of(o.doc.text, "Caf\xC3\xA9 cr"), size_t{10});
        QCOMPARE(count_of(o.doc.text, kReplacement), size_t{1});
        QVERIFY(any_warning_contains(o.doc, "OEBPS/ch1.xhtml: 1 invalid UTF-8 sequence replaced with U+FFFD"));
    }

    // ---- B: special files -----------------------------------------------------------------
    void specialFilesAreRefusedByName() {
        QTemporaryDir dir;
        const std::string fifo = dir.filePath("pipe.txt").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        auto pending = std::async(std::launch::async, [&] { return import_outcome(fifo); });
        if (pending.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            release_fifo_reader(fifo);
            pending.wait();
            QFAIL("importing a FIFO blocked waiting for a writer");
        }
        const Outcome f = pending.get();
        QVERIFY(!f.imported);
        QCOMPARE(f.kind, ImportErrorKind::Unreadable);
        QCOMPARE(f.message, "'" + fifo + "' is a named pipe (FIFO), not a regular file");

        const std::string sock = dir.filePath("sock.txt").toStdString();
        const SocketFile socket(sock);
        QVERIFY(socket.bound());
        const Outcome s = import_outcome(sock);
        QCOMPARE(s.kind, ImportErrorKind::Unreadable);
        QCOMPARE(s.message, "'" + sock + "' is a socket, not a regular file");

        const Outcome d = import_outcome("/dev/null");
        QCOMPARE(d.kind, ImportErrorKind::Unreadable);
        QCOMPARE(d.message, std::string("'/dev/null' is a character device, not a regular file"));

        const std::string folder = dir.filePath("folder.epub").toStdString();
        QVERIFY(QDir().mkpath(QString::fromStdString(folder)));
        const Outcome g = import_outcome(folder);
        QCOMPARE(g.kind, ImportErrorKind::Unreadable);
        QCOMPARE(g.message, "'" + folder + "' is a directory, not a regular file");

        // A symbolic link to a regular file is still a book.
        const std::string target = write_file(dir, "real.txt", "Just text.\n");
        const std::string link = dir.filePath("link.txt").toStdString();
        QCOMPARE(::symlink(target.c_str(), link.c_str()), 0);
        QVERIFY(import_outcome(link).imported);
    }

    void desktopLoaderReportsAFifo() {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("pipe.txt");
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        app::DocumentLoader loader;
        QSignalSpy failed(&loader, &app::DocumentLoader::failed);
        QSignalSpy loaded(&loader, &app::DocumentLoader::loaded);
        loader.load(fifo);
        const bool reported = failed.wait(5000);
        if (!reported) release_fifo_reader(fifo.toStdString());  // let the pool thread finish
        QVERIFY2(reported, "the window would stay at \"Opening...\"");
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed.at(0).at(0).toString(), fifo);
        QCOMPARE(failed.at(0).at(1).toString(), "'" + fifo + "' is a named pipe (FIFO), not a regular file");
        QCOMPARE(failed.at(0).at(2).toBool(), false);
    }

    // ---- documents over the text limit ----------------------------------------------------
    void textAndMarkupOverTheLimitAreRefusedBySize() {
        QTemporaryDir dir;
        for (const char* name : {"book.txt", "notes.md", "page.html"}) {
            const std::string path = sparse_book(dir, name, 200'000'000);
            QVERIFY(!path.empty());
            const Outcome o = import_outcome(path);
            QVERIFY2(!o.imported, name);
            QCOMPARE(o.kind, ImportErrorKind::TooLarge);
            QCOMPARE(o.message, too_large_message(path));
        }
        // One byte over is over; the limit itself is what the message says.
        QCOMPARE(kMaxDocumentTextBytes, size_t{32} << 20);
        const Outcome over = import_outcome(sparse_book(dir, "over.txt", kMaxDocumentTextBytes + 1));
        QCOMPARE(over.kind, ImportErrorKind::TooLarge);
        QVERIFY2(contains(over.message, "over Gleaner's limit of 32 MiB of text"), over.message.c_str());
    }

    void textThatOutgrowsItsFileIsRefused() {
        // Windows-1252 curly quotes are one byte in the file and three in UTF-8: 14 MiB of them
        // pass the file-size check and make 36.4 MiB of text.
        QTemporaryDir dir;
        std::string quotes;
        for (size_t i = 0; i < (size_t{14} << 20) / 5; ++i) quotes += "\x93\x94\x93\x94 ";
        const std::string path = write_file(dir, "quotes.txt", quotes);
        QVERIFY(quotes.size() < kMaxDocumentTextBytes);
        const Outcome o = import_outcome(path);
        QVERIFY(!o.imported);
        QCOMPARE(o.kind, ImportErrorKind::TooLarge);
        QVERIFY2(o.message.rfind("'" + path + "' holds 36.4 MiB of text, over Gleaner's limit of 32 MiB of text", 0) == 0,
                 o.message.c_str());
    }

    void desktopLoaderSaysABookIsTooLarge() {
        QTemporaryDir dir;
        const QString path = QString::fromStdString(sparse_book(dir, "huge.txt", 200'000'000));
        QVERIFY(!path.isEmpty());
        app::DocumentLoader loader;
        QSignalSpy failed(&loader, &app::DocumentLoader::failed);
        QSignalSpy loaded(&loader, &app::DocumentLoader::loaded);
        loader.load(path);
        QVERIFY(failed.wait(5000));
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed.at(0).at(0).toString(), path);
        QCOMPARE(failed.at(0).at(1).toString(), QString::fromStdString(too_large_message(path.toStdString())));
        QCOMPARE(failed.at(0).at(2).toBool(), false);
    }

    // ---- B: model hyperparameters ---------------------------------------------------------
    void modelHyperparametersAreValidated_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("expected");
        const QVariant nan = QVariant::fromValue(std::numeric_limits<float>::quiet_NaN());
        const QString eps = "llama.attention.layer_norm_rms_epsilon";
        QTest::newRow("epsilon NaN") << eps << nan << "'" + eps + "' = nan";
        QTest::newRow("epsilon negative") << eps << QVariant::fromValue(-1e-5f) << "'" + eps + "' = -1e-05";
        QTest::newRow("epsilon zero") << eps << QVariant::fromValue(0.0f) << "'" + eps + "' = 0";
        QTest::newRow("epsilon huge") << eps << QVariant::fromValue(3.0f) << "'" + eps + "' = 3";
        // F64 values that only go wrong when narrowed to the engine's float.
        QTest::newRow("epsilon underflowing float") << eps << QVariant::fromValue(1e-50) << "'" + eps + "' = 1e-50";
        QTest::newRow("rope theta overflowing float") << "llama.rope.freq_base" << QVariant::fromValue(1e300)
                                                      << "'llama.rope.freq_base' = 1e+300";
        QTest::newRow("rope theta NaN") << "llama.rope.freq_base" << nan << "'llama.rope.freq_base' = nan";
        QTest::newRow("rope theta negative") << "llama.rope.freq_base" << QVariant::fromValue(-10000.0f)
                                             << "'llama.rope.freq_base' = -10000";
        QTest::newRow("rope theta infinite") << "llama.rope.freq_base"
                                             << QVariant::fromValue(std::numeric_limits<float>::infinity())
                                             << "'llama.rope.freq_base' = inf";
        QTest::newRow("zero layers") << "llama.block_count" << QVariant::fromValue(0u) << "'llama.block_count' = 0";
        // 2^32 + 2 used to be narrowed to 2 layers and accepted.
        QTest::newRow("layers past 32 bits") << "llama.block_count" << QVariant::fromValue(quint64{(1ull << 32) + 2})
                                             << "'llama.block_count' = 4294967298";
        QTest::newRow("context zero") << "llama.context_length" << QVariant::fromValue(0u) << "'llama.context_length' = 0";
        QTest::newRow("context absurd") << "llama.context_length" << QVariant::fromValue(0xFFFFFFFFu)
                                        << "'llama.context_length' = 4294967295";
        QTest::newRow("kv heads not dividing") << "llama.attention.head_count_kv" << QVariant::fromValue(3u)
                                               << "'llama.attention.head_count_kv' = 3 (expected a divisor of "
                                                  "'llama.attention.head_count' = 4)";
        QTest::newRow("more kv heads than heads") << "llama.attention.head_count_kv" << QVariant::fromValue(8u)
                                                  << "'llama.attention.head_count_kv' = 8";
        QTest::newRow("head dim zero") << "llama.attention.key_length" << QVariant::fromValue(0u)
                                       << "'llama.attention.key_length' = 0";
    }
    void modelHyperparametersAreValidated() {
        QFETCH(QString, key);
        QFETCH(QVariant, value);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        test::TinyGguf model;
        // The unchanged model is valid, so the one value set below is what gets refused.
        ModelConfig::from_gguf(GgufFile::open(tiny_model_path(dir, model, "valid.gguf")));
        if (value.typeId() == QMetaType::Float) model.set(key.toStdString(), value.toFloat());
        else if (value.typeId() == QMetaType::Double) model.set(key.toStdString(), value.toDouble());
        else if (value.typeId() == QMetaType::ULongLong) model.set(key.toStdString(), static_cast<uint64_t>(value.toULongLong()));
        else model.set(key.toStdString(), uint32_t{value.toUInt()});
        const GgufFile f = GgufFile::open(tiny_model_path(dir, model));
        try {
            ModelConfig::from_gguf(f);
            QFAIL("accepted a hostile hyperparameter");
        } catch (const GgufError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
            QVERIFY2(QString(e.what()).startsWith("invalid model hyperparameters: "), e.what());
        }
    }

    // ---- B: parser limits -----------------------------------------------------------------
    void htmlParserLimitsAreNamed() {
        QTemporaryDir dir;
        const Outcome deep = import_outcome(write_file(dir, "deep.html", "<html><body>" + nested(1000, "lost") + "</body></html>"));
        QVERIFY(!deep.imported);
        QCOMPARE(deep.kind, ImportErrorKind::TooLarge);
        QCOMPARE(deep.message, std::string("the HTML cannot be read: nesting deeper than 256 levels"));
        // Text before the limit is kept, and the warning says the rest is missing.
        const Outcome part = import_outcome(
            write_file(dir, "part.html", "<html><body><p>Kept paragraph.</p>" + nested(1000, "lost") + "</body></html>"));
        QVERIFY(part.imported);
        QCOMPARE(part.doc.text, std::string("Kept paragraph."));
        QVERIFY(any_warning_contains(part.doc, "cut short where the HTML hit a parser limit: nesting deeper than 256 levels"));
    }

    void epubParserLimitsAreNamed() {
        QTemporaryDir dir;
        const std::string chapter = xhtml("<p>Chapter text.</p>");
        const Outcome deep = import_outcome(write_epub(dir, "deep.epub", opf(kChapterItem, kChapterRef), xhtml(nested(1000, "x"))));
        QCOMPARE(deep.kind, ImportErrorKind::TooLarge);
        QCOMPARE(deep.message, std::string("the EPUB's text cannot be read (OEBPS/ch1.xhtml: nesting deeper than 256 levels)"));

        const Outcome bomb = import_outcome(
            write_epub(dir, "bomb.epub", opf(kChapterItem, kChapterRef), xhtml("<p>&j;</p>", entity_bomb_dtd("html"))));
        QCOMPARE(bomb.kind, ImportErrorKind::TooLarge);
        QCOMPARE(bomb.message, std::string("the EPUB's text cannot be read (OEBPS/ch1.xhtml: entity expansion limit exceeded)"));

        std::string deep_opf = opf(kChapterItem, kChapterRef);
        deep_opf.insert(deep_opf.find("<metadata"), nested(1000, ""));
        const Outcome no_spine = import_outcome(write_epub(dir, "deep-opf.epub", deep_opf, chapter));
        QCOMPARE(no_spine.kind, ImportErrorKind::TooLarge);
        QCOMPARE(no_spine.message, std::string("EPUB package document cannot be read: nesting deeper than 256 levels"));

        const Outcome opf_bomb = import_outcome(write_epub(
            dir, "bomb-opf.epub", opf(kChapterItem, kChapterRef, entity_bomb_dtd("package"), "&j;"), chapter));
        QCOMPARE(opf_bomb.kind, ImportErrorKind::TooLarge);
        QCOMPARE(opf_bomb.message, std::string("EPUB package document cannot be read: entity expansion limit exceeded"));
    }

    // ---- B: PDFs without usable text -------------------------------------------------------
    void blankPdfIsNotCalledScanned() {
        QTemporaryDir dir;
        const std::string catalog = "<< /Type /Catalog /Pages 2 0 R >>", pages = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
        const Outcome blank = import_outcome(write_file(dir, "blank.pdf", pdf_file({catalog, pages, pdf_page("", 4), pdf_stream("")})));
        QVERIFY(!blank.imported);
        QCOMPARE(blank.kind, ImportErrorKind::Empty);
        QCOMPARE(blank.message, std::string("the PDF has no text (its pages are blank)"));

        // The same page showing an 8x8 grey image: a scan.
        const std::string image(64, '\x40');
        const Outcome scan = import_outcome(write_file(
            dir, "scan.pdf",
            pdf_file({catalog, pages, pdf_page("/XObject << /Im1 5 0 R >>", 4), pdf_stream("q 180 0 0 180 10 10 cm /Im1 Do Q"),
                      pdf_stream(image, "/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
                                        "/BitsPerComponent 8")})));
        // It opens with its page to be viewed, no text, and the mark that OCR would give it text.
        QVERIFY(scan.imported);
        QVERIFY(scan.doc.needs_ocr);
        QVERIFY(scan.doc.text.empty());
        QCOMPARE(scan.doc.page_count(), 1);
        QVERIFY(any_warning_contains(scan.doc, "no text layer (scanned PDF; needs OCR)"));
    }

    void pdfFontsWithoutUnicodeMapWarn() {
        QTemporaryDir dir;
        // Page 1 in Helvetica, pages 2 and 3 in the Type 3 font without a Unicode map.
        const Outcome mixed = import_outcome(write_file(
            dir, "mixed.pdf",
            pdf_file({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 6 0 R 7 0 R] /Count 3 >>",
                      pdf_page("/Font << /F2 9 0 R >>", 4), pdf_stream("BT /F2 14 Tf 20 100 Td (Readable words.) Tj ET"),
                      unmapped_font(8), pdf_page("/Font << /F1 5 0 R >>", 10), pdf_page("/Font << /F1 5 0 R >>", 10),
                      kGlyph, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", kUnmappedText})));
        QVERIFY(mixed.imported);
        QCOMPARE(mixed.doc.text, std::string("Readable words."));
        QVERIFY(any_warning_contains(mixed.doc, "text of pages 2\xE2\x80\x93" "3 may be garbled (fonts without a Unicode map)"));
        // No page is called a scan: their text exists, it just cannot be decoded.
        QVERIFY(!any_warning_contains(mixed.doc, "no text layer"));

        const Outcome only = import_outcome(write_file(
            dir, "unmapped.pdf",
            pdf_file({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      pdf_page("/Font << /F1 5 0 R >>", 4), kUnmappedText, unmapped_font(6), kGlyph})));
        QCOMPARE(only.kind, ImportErrorKind::NoTextLayer);
        QCOMPARE(only.message, std::string("the PDF's text cannot be decoded: fonts without a Unicode map (page 1)"));
    }

    void unmappedGlyphCounting() {
        GlyphMappingCount bullets;  // a correctly mapped list with symbol-font bullets (U+F0B7)
        bullets.add("\xEF\x82\xB7 Apples \xEF\x82\xB7 Pears \xEF\x82\xB7 Plums and a longer line of ordinary text");
        QVERIFY(!bullets.looks_unmapped());
        GlyphMappingCount codes;
        codes.add("\x01\x02\x03 \x04\x05 ok");
        QCOMPARE(codes.unmapped, size_t{5});
        QCOMPARE(codes.characters, size_t{7});
        QVERIFY(codes.looks_unmapped());
        QCOMPARE(pages_phrase({1, 2, 3, 6}), std::string("pages 2\xE2\x80\x93" "4, 7"));
        QCOMPARE(pages_phrase({0}), std::string("page 1"));
    }

    // ---- B: DOCTYPE internal subsets -------------------------------------------------------
    void doctypeInternalSubsetStaysOutOfTheText() {
        QTemporaryDir dir;
        const std::string subset = "<!DOCTYPE html [ <!ENTITY x \"y\"> <!ENTITY q \"a ]> b\"> <!-- ] > --> ]>";
        const Outcome html = import_outcome(write_file(dir, "dtd.html", subset + "\n<html><body><p>Hello &x; world</p></body></html>"));
        QVERIFY(html.imported);
        // Nothing of the declaration, and the custom entity is not expanded.
        QCOMPARE(html.doc.text, std::string("Hello &x; world"));

        // An EPUB chapter that is not well-formed XML (&nbsp; is undeclared) goes through the
        // HTML parser, which must not read its internal subset as text either.
        const Outcome epub = import_outcome(write_epub(
            dir, "dtd.epub", opf(kChapterItem, kChapterRef),
            xhtml("<p>Hello&nbsp;world</p>", "<!DOCTYPE html [ <!ATTLIST p id ID #IMPLIED> ]>")));
        QVERIFY(epub.imported);
        QCOMPARE(epub.doc.text, std::string("Hello\xC2\xA0world"));

        const std::string page = "<?xml version=\"1.0\"?>\n<!-- c -->" + subset + "<html/>";
        const ByteSpan span = find_doctype_with_subset(page);
        QCOMPARE(page.substr(span.begin, span.end - span.begin), subset);
        QVERIFY(find_doctype_with_subset("<!DOCTYPE html><html/>").empty());
        QVERIFY(find_doctype_with_subset("<!DOCTYPE html [ <!ENTITY x \"y\">").empty());  // unterminated: left alone
    }

    // ---- B: spine items that are not chapters ----------------------------------------------
    void spineItemsThatAreNotContentAreSkipped() {
        QTemporaryDir dir;
        const std::string manifest = kChapterItem +
                                     "<item id=\"self\" href=\"content.opf\" media-type=\"application/oebps-package+xml\"/>"
                                     "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>"
                                     "<item id=\"pic\" href=\"cover.jpg\" media-type=\"image/jpeg\"/>";
        const std::string ncx = "<?xml version=\"1.0\"?><ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\"><navMap>"
                                "<navPoint id=\"p\"><navLabel><text>Navigation Label</text></navLabel>"
                                "<content src=\"ch1.xhtml\"/></navPoint></navMap></ncx>";
        const Outcome o = import_outcome(write_epub(
            dir, "spine.epub",
            opf(manifest, "<itemref idref=\"self\"/><itemref idref=\"ncx\"/>" + kChapterRef + "<itemref idref=\"pic\"/>", "",
                "Fixture Title", " toc=\"ncx\""),
            xhtml("<p>Chapter text.</p>"), {{"OEBPS/toc.ncx", ncx}, {"OEBPS/cover.jpg", "\xFF\xD8\xFF"}}));
        QVERIFY(o.imported);
        QCOMPARE(o.doc.text, std::string("Chapter text."));
        QCOMPARE(o.doc.sections.size(), size_t{1});
        QVERIFY(any_warning_contains(o.doc, "skipped 3 spine items that are not content documents: "
                                            "OEBPS/content.opf (the package document itself), "
                                            "OEBPS/toc.ncx (the NCX table of contents), "
                                            "OEBPS/cover.jpg (media type 'image/jpeg' is not a content document)"));
        QCOMPARE(o.doc.metadata.title, std::string("Fixture Title"));  // metadata still read, as metadata
    }
};

QTEST_GUILESS_MAIN(TestHostileInputs)
#include "test_hostile_inputs.moc"
