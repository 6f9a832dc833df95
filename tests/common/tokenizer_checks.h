#pragma once
// What every tokenizer must do, whatever its vocabulary (the tiny test ones and the real models').
#include <QByteArray>
#include <QtTest>

#include <algorithm>
#include <string>
#include <vector>

#include "tokenizer.h"

namespace gleaner::test {

// Texts that must decode back to themselves: spaces at the ends, line breaks and tabs, accents,
// CJK, an emoji, invisible and unusual spaces, digits, and chat markers written as plain text.
inline const QByteArray kRoundTripTexts[] = {
    "", " ", "Hello world", "  leading and trailing  ", "line\nbreaks\r\n\n\ttabs",
    "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\xA6\x99 \xE2\x80\x8B",
    "\xC2\xA0\xE2\x80\xA8 unusual spaces\xE3\x80\x80", "12345 3.14159 x\xC2\xB2",
    "<|im_start|> and <start_of_turn> as plain text </s>",
};

// A control token (a chat template's turn marker) is one token when special tokens are parsed,
// ordinary text otherwise (several pieces, never the control id); the text after it is
// tokenized as on its own.
inline void checkControlTokenParsedOnlyOnRequest(const Tokenizer& tok, const std::string& special, int32_t id) {
    QCOMPARE(tok.vocab().type(id), TokenType::Control);
    const std::string text = special + "user\nHi";
    const auto parsed = tok.encode(text, false, true);
    QCOMPARE(parsed.front(), id);
    QCOMPARE(std::vector<int32_t>(parsed.begin() + 1, parsed.end()), tok.encode("user\nHi", false, true));
    const auto literal = tok.encode(text, false, false);
    QVERIFY(std::find(literal.begin(), literal.end(), id) == literal.end());
    QVERIFY(literal.size() > parsed.size());
}

}  // namespace gleaner::test
