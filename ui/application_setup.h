#pragma once
// What the desktop program sets up on its QApplication before the first window: names (which
// also place QSettings), the icon, and an icon theme when the desktop provides none.
namespace gleaner::ui {

// Call after constructing the QApplication.
void configureApplication();

}  // namespace gleaner::ui
