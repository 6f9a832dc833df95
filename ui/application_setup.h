#pragma once
// What the desktop program sets up on its QApplication before the first window: names (which
// also place QSettings), the icon, and an icon theme when the desktop provides none; and, on the
// first start without a model, the offer to download the default one; and one program per library.
#include <QStringList>

#include <memory>

class QWidget;

namespace gleaner::ui {

// Call after constructing the QApplication.
void configureApplication();

// When no model is installed (shouldOfferDefaultModel()), asks whether to download the default
// model and downloads it with progress. "Not now" is remembered; the program runs either way
// (reading works without a model). Returns whether a model was installed.
bool offerDefaultModel(QWidget* parent = nullptr);

class SingleInstance;

// Hands `files` to a Gleaner already running on this library (single_instance.h) and returns true
// once it took them: the caller exits. Otherwise `server` is this program's listening server
// (null in the rare case that an instance holds the name but does not answer: this one then runs
// alone, as with --new-instance). Files that are not readable regular files are named on stderr.
bool handToRunningInstance(const QStringList& files, std::unique_ptr<SingleInstance>& server);

}  // namespace gleaner::ui
