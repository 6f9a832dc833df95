#pragma once
// A minimal PNG encoder (8-bit RGB, zlib via the system library) and a heat-map helper, so the
// command line can draw the needle-in-a-haystack pictures without a GUI toolkit.
#include <cstdint>
#include <string>
#include <vector>

namespace gleaner::cli {

// Writes an RGB image (w*h*3 bytes, rows top to bottom). Throws std::runtime_error on failure.
void write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgb);

// The usual NIAH picture: one cell per (column, row), red (0) - yellow (0.5) - green (1); NaN cells
// (not run) grey. Axis labels are drawn with a small built-in digit font: column labels under
// the grid, row labels to its left.
void write_heat_map(const std::string& path, const std::vector<std::string>& col_labels,
                    const std::vector<std::string>& row_labels, const std::vector<std::vector<double>>& values);

}  // namespace gleaner::cli
