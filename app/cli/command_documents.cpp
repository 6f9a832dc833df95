// gleaner-cli import / text / library: documents without a window.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json_writer.h"
#include "import.h"
#include "cli/method_args.h"
#include "library_store.h"
#include "memory_place.h"
#include "model_paths.h"

namespace gleaner::cli {

namespace {

int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

LibraryStore open_library() {
    const std::string path = library_path();
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    return LibraryStore(path);
}

// Adds (or refreshes) the document in the library; returns its id.
int64_t remember(LibraryStore& lib, const std::string& path, const Document& doc) {
    const std::string& hash = doc.id;
    if (auto known = lib.document_by_hash(hash)) {
        lib.mark_opened(known->id, now_s());
        return known->id;
    }
    LibraryDocument d;
    d.path = std::filesystem::absolute(path).string();
    d.content_hash = hash;
    d.format = doc.format;
    d.title = doc.metadata.title.empty() ? std::filesystem::path(path).filename().string() : doc.metadata.title;
    d.author = doc.metadata.author;
    d.pages = doc.page_count();
    d.characters = static_cast<int64_t>(doc.text.size());
    d.added_at = d.last_opened_at = now_s();
    return lib.add_document(d);
}

}  // namespace

int cmd_import(const CommandArgs& argv) {
    Args args(argv, {"password"}, {"json", "no-library"});
    if (args.positionals().size() != 1) throw UsageError("expected one FILE");
    const std::string path = args.positionals()[0];
    const Document doc = load_document(path, args);
    int64_t id = 0;
    if (!args.flag("no-library")) {
        LibraryStore lib = open_library();
        id = remember(lib, path, doc);
    }
    if (args.flag("json")) {
        JsonWriter j;
        j.begin_object().key("format").value(doc.format).key("title").value(doc.metadata.title);
        j.key("author").value(doc.metadata.author);
        j.key("pages");
        if (doc.is_paginated()) j.value(doc.page_count());
        else j.null();
        j.key("chars").value(static_cast<int64_t>(doc.text.size()));
        if (id) j.key("library_id").value(id);
        j.key("toc").begin_array();
        for (const TocEntry& e : doc.toc) {
            j.begin_object().key("title").value(e.title).key("level").value(e.level);
            if (doc.is_paginated()) j.key("page").value(e.page + 1);  // 1-based, as readers show it
            else j.key("char").value(static_cast<int64_t>(e.offset));
            j.end_object();
        }
        j.end_array().key("warnings").array(doc.warnings).end_object();
        std::printf("%s\n", j.str().c_str());
        return 0;
    }
    std::printf("%s: %s%s%s, %s, %zu characters, %zu table-of-contents entries\n", path.c_str(),
                doc.metadata.title.empty() ? "(untitled)" : doc.metadata.title.c_str(),
                doc.metadata.author.empty() ? "" : " by ", doc.metadata.author.c_str(), doc.format.c_str(),
                doc.text.size(), doc.toc.size());
    if (doc.is_paginated()) std::printf("%d pages\n", doc.page_count());
    for (const std::string& w : doc.warnings) std::printf("warning: %s\n", w.c_str());
    return 0;
}

int cmd_text(const CommandArgs& argv) {
    Args args(argv, {"password", "page"}, {});
    if (args.positionals().size() != 1) throw UsageError("expected one FILE");
    const Document doc = load_document(args.positionals()[0], args);
    std::string_view out = doc.text;
    if (auto page = args.get("page")) {
        if (!doc.is_paginated()) throw std::runtime_error("--page: this " + doc.format + " document has no pages");
        const long long n = args.get_int_or("page", 1, 1, doc.page_count());
        out = doc.slice(doc.pages[n - 1].range);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (!out.empty() && out.back() != '\n') std::fputc('\n', stdout);
    return 0;
}

int cmd_library(const CommandArgs& argv) {
    Args args(argv, {"cache-dir"}, {"json", "keep-memory"});
    const auto& pos = args.positionals();
    const std::string action = pos.empty() ? "list" : pos[0];
    LibraryStore lib = open_library();
    if (action == "remove") {
        if (pos.size() != 2) throw UsageError("library remove ID [--keep-memory]");
        const long long id = std::atoll(pos[1].c_str());
        const auto doc = id > 0 ? lib.document(id) : std::nullopt;
        if (!doc) throw std::runtime_error("no document with id " + pos[1] + " in the library");
        lib.remove_document(id);
        // The book's reading memories go with it unless asked to stay (memory_place.h).
        const std::string root = reading_cache_root(args);
        if (args.flag("keep-memory")) {
            const StoredMemories kept = document_memories(root, doc->content_hash);
            std::printf("removed %lld; its reading memory (%d, %.1f MB) stays in %s\n", id, kept.count, kept.bytes / 1e6,
                        root.c_str());
        } else {
            const StoredMemories removed = remove_document_memories(root, doc->content_hash);
            std::printf("removed %lld and its reading memory (%d, %.1f MB)\n", id, removed.count, removed.bytes / 1e6);
        }
        return 0;
    }
    if (action != "list") throw UsageError("unknown action '" + action + "' (list or remove ID)");
    const auto docs = lib.documents();
    if (args.flag("json")) {
        JsonWriter j;
        j.begin_array();
        for (const LibraryDocument& d : docs) {
            j.begin_object().key("id").value(d.id).key("title").value(d.title).key("author").value(d.author);
            j.key("format").value(d.format).key("pages").value(d.pages).key("chars").value(d.characters);
            j.key("path").value(d.path).end_object();
        }
        j.end_array();
        std::printf("%s\n", j.str().c_str());
        return 0;
    }
    if (docs.empty()) std::printf("the library is empty (add books with: gleaner-cli import FILE)\n");
    for (const LibraryDocument& d : docs)
        std::printf("%4lld  %-40s %-20s %-8s %s\n", static_cast<long long>(d.id), d.title.c_str(), d.author.c_str(),
                    d.format.c_str(), d.path.c_str());
    return 0;
}

}  // namespace gleaner::cli
