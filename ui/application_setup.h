#pragma once
// What the desktop program sets up on its QApplication before the first window: names (which
// also place QSettings), the icon, and an icon theme when the desktop provides none; and, on the
// first start without a model, the offer to download the default one.
class QWidget;

namespace gleaner::ui {

// Call after constructing the QApplication.
void configureApplication();

// When no model is installed (shouldOfferDefaultModel()), asks whether to download the default
// model and downloads it with progress. "Not now" is remembered; the program runs either way
// (reading works without a model). Returns whether a model was installed.
bool offerDefaultModel(QWidget* parent = nullptr);

}  // namespace gleaner::ui
