#pragma once
// The colours of the reader's highlight sets, kept apart so they read at a glance: the user's
// search hits in the usual marker yellow, the model's evidence in teal, each with a stronger
// variant for "this one" (the current hit, the passage clicked in the evidence panel), and in
// compare mode the second method's evidence in violet.
// Page overlays sit on white paper whatever the theme; text backgrounds follow the palette.
#include <QColor>
#include <QPalette>

#include <algorithm>

namespace gleaner::ui {

struct HighlightColors {
    QColor search;          // every hit
    QColor searchCurrent;   // the hit Next/Previous is on
    QColor evidence;        // evidence at full score (lower scores fade towards transparent)
    QColor evidenceFocus;   // the passage the user picked
    QColor evidenceOutline;
    QColor comparison;      // the compared method's evidence at full score
    QColor comparisonMark;  // its marks on the heat strip
};

// For translucent overlays on rendered PDF pages (always white paper).
inline HighlightColors pageOverlayColors() {
    return {QColor(255, 212, 0, 110), QColor(255, 140, 0, 150), QColor(0, 160, 140, 90), QColor(0, 150, 130, 105),
            QColor(0, 110, 95, 230),   QColor(140, 70, 200, 80),  QColor(120, 60, 190)};
}

// For opaque text backgrounds in the reflowed view, readable on the palette's base colour.
inline HighlightColors textBackgroundColors(const QPalette& palette) {
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    if (dark)
        return {QColor(110, 95, 20),  QColor(160, 95, 10), QColor(20, 95, 85), QColor(25, 130, 115), QColor(70, 200, 180),
                QColor(80, 50, 115), QColor(170, 130, 230)};
    return {QColor(255, 236, 130), QColor(255, 180, 80),  QColor(190, 235, 225), QColor(120, 215, 195),
            QColor(0, 120, 105),   QColor(225, 205, 245), QColor(120, 60, 190)};
}

// The reader's own highlights (Bookmarks › Highlight Selection): marker pink, apart from the
// search yellow, the evidence teal and the comparison violet, so a passage the user marked stays
// recognisable under the model's marks.
inline QColor userHighlightOverlayColor() { return QColor(255, 60, 140, 85); }
inline QColor userHighlightTextColor(const QPalette& palette) {
    return palette.color(QPalette::Base).lightness() < 128 ? QColor(120, 40, 75) : QColor(255, 196, 218);
}

// Blends an evidence colour by the passage's score so the strongest selections stand out.
inline QColor scaledEvidence(QColor full, double score, const QColor& base) {
    const double s = 0.35 + 0.65 * std::clamp(score, 0.0, 1.0);
    if (full.alpha() < 255) {
        full.setAlphaF(full.alphaF() * s);
        return full;
    }
    return QColor::fromRgbF(base.redF() + (full.redF() - base.redF()) * s, base.greenF() + (full.greenF() - base.greenF()) * s,
                            base.blueF() + (full.blueF() - base.blueF()) * s);
}

}  // namespace gleaner::ui
