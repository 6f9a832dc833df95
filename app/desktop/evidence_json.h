#pragma once
// Evidence and timings as the library stores them (QuestionRecord::evidence_json,
// timings_json): [{"begin":..,"end":..,"score":..,"page":..}, ...] and {"prompt_tokens":..}.
// Per-layer selections are entries of the same list with a "layer" field, as the store's schema
// describes; the answer's own evidence has none.
#include <string>
#include <vector>

#include "answer_engine.h"

namespace gleaner::app {

std::string evidenceToJson(const std::vector<EvidencePassage>& passages, const std::vector<LayerEvidence>& layers = {});
// Malformed JSON gives an empty list (an old or hand-edited database must not break the panel).
std::vector<EvidencePassage> evidenceFromJson(const std::string& json);
// The per-layer entries, grouped by layer in ascending order.
std::vector<LayerEvidence> layersFromJson(const std::string& json);

std::string timingsToJson(const Answer& answer);
// The share of the book that had been read when an answer's evidence was chosen (timingsToJson's
// "read_fraction"; 1 when it was all read or the method reads no memory).
double readFractionOf(const std::string& timings_json);

}  // namespace gleaner::app
