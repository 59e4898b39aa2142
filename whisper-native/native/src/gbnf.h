// A small GBNF (GGML BNF) parser for whisper.cpp's grammar-constrained decoding. whisper.cpp's core takes
// a grammar as rules of whisper_grammar_element; upstream parses GBNF in examples/, which whisper.rn does not
// ship, so this is our own parser of the same notation.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "whisper.h"

namespace jarvis {

/** A GBNF syntax error; `what()` says what was wrong and where (line:column). */
struct GrammarError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** A parsed grammar: rules[i] is rule i as elements ending with WHISPER_GRETYPE_END. */
struct Grammar {
    std::vector<std::vector<whisper_grammar_element>> rules;
    std::vector<std::string>                          names;  // rule names by id (generated rules: name_N)
    size_t                                            root = 0;

    /** Pointers for whisper_full_params.grammar_rules (valid while this Grammar lives unchanged). */
    std::vector<const whisper_grammar_element *> pointers() const;
};

/**
 * Parses GBNF: `name ::= alternatives` rules; "literals" with \n \t \\ \" \xHH \uHHHH escapes; [a-z] and
 * [^...] classes; rule references; ( groups ); * + ? repetition; # comments. Every referenced rule must be
 * defined and `start` must exist. Throws GrammarError.
 */
Grammar parse_gbnf(const std::string & text, const std::string & start = "root");

}  // namespace jarvis
