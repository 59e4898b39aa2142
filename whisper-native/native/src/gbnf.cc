#include "gbnf.h"

#include <map>

namespace jarvis {

namespace {

class Parser {
   public:
    explicit Parser(const std::string & text) : s(text) {}

    Grammar run(const std::string & start) {
        skip_space(true);
        while (pos < s.size()) {
            parse_rule();
            skip_space(true);
        }
        for (const auto & [name, id] : ids) {
            if (!defined[id]) fail_at(first_use[id], "rule '" + name + "' is used but never defined");
        }
        auto it = ids.find(start);
        if (it == ids.end()) throw GrammarError("grammar has no rule '" + start + "' to start from");
        g.root = it->second;
        return std::move(g);
    }

   private:
    const std::string &  s;
    size_t               pos = 0;
    Grammar              g;
    std::map<std::string, uint32_t> ids;
    std::vector<bool>    defined;
    std::vector<size_t>  first_use;

    [[noreturn]] void fail_at(size_t at, const std::string & what) const {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < at && i < s.size(); i++) {
            if (s[i] == '\n') { line++; col = 1; } else col++;
        }
        throw GrammarError("GBNF " + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
    }
    [[noreturn]] void fail(const std::string & what) const { fail_at(pos, what); }

    uint32_t rule_id(const std::string & name, size_t at) {
        auto it = ids.find(name);
        if (it != ids.end()) return it->second;
        uint32_t id = (uint32_t) g.rules.size();
        ids.emplace(name, id);
        g.rules.emplace_back();
        g.names.push_back(name);
        defined.push_back(false);
        first_use.push_back(at);
        return id;
    }

    uint32_t generated_rule(const std::string & base) {
        std::string name;
        for (int n = (int) g.rules.size();; n++) {
            name = base + "_" + std::to_string(n);
            if (!ids.count(name)) break;
        }
        uint32_t id = rule_id(name, pos);
        defined[id] = true;
        return id;
    }

    static bool is_word(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

    // Spaces and comments; newlines only where a rule may continue (inside parentheses) or between rules.
    void skip_space(bool newlines) {
        while (pos < s.size()) {
            char c = s[pos];
            if (c == ' ' || c == '\t' || c == '\r') pos++;
            else if (c == '\n' && newlines) pos++;
            else if (c == '#') { while (pos < s.size() && s[pos] != '\n') pos++; }
            else break;
        }
    }

    std::string parse_name() {
        size_t start = pos;
        while (pos < s.size() && is_word(s[pos])) pos++;
        if (pos == start) fail("expected a rule name");
        return s.substr(start, pos - start);
    }

    // One UTF-8 code point, or an escape, inside a literal or class.
    uint32_t parse_char() {
        if (pos >= s.size()) fail("unexpected end of grammar");
        unsigned char c = (unsigned char) s[pos];
        if (c == '\\') {
            pos++;
            if (pos >= s.size()) fail("unfinished escape");
            char e = s[pos++];
            switch (e) {
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case '\\': case '"': case '\'': case '[': case ']': case '-': case '^': return (uint32_t) e;
                case 'x': return parse_hex(2);
                case 'u': return parse_hex(4);
                case 'U': return parse_hex(8);
                default: fail_at(pos - 1, std::string("unknown escape \\") + e);
            }
        }
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || pos + len > s.size()) fail("invalid UTF-8");
        uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (int i = 1; i < len; i++) {
            unsigned char k = (unsigned char) s[pos + i];
            if ((k & 0xC0) != 0x80) fail("invalid UTF-8");
            cp = (cp << 6) | (k & 0x3F);
        }
        pos += len;
        return cp;
    }

    uint32_t parse_hex(int digits) {
        uint32_t v = 0;
        for (int i = 0; i < digits; i++) {
            if (pos >= s.size()) fail("unfinished hex escape");
            char h = s[pos++];
            int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) fail_at(pos - 1, "bad hex digit");
            v = (v << 4) | (uint32_t) d;
        }
        if (v > 0x10FFFF) fail("code point out of range");
        return v;
    }

    void parse_rule() {
        size_t at = pos;
        std::string name = parse_name();
        uint32_t id = rule_id(name, at);
        if (defined[id]) fail_at(at, "rule '" + name + "' is defined twice");
        defined[id] = true;
        skip_space(false);
        if (s.compare(pos, 3, "::=") != 0) fail("expected ::= after '" + name + "'");
        pos += 3;
        skip_space(true);
        std::vector<whisper_grammar_element> out;
        parse_alternates(name, out, false);
        out.push_back({WHISPER_GRETYPE_END, 0});
        g.rules[id] = std::move(out);
        if (pos < s.size() && s[pos] != '\n' && s[pos] != '\r') fail("unexpected character");
    }

    // Alternatives separated by |, into `out` (without the final END).
    void parse_alternates(const std::string & base, std::vector<whisper_grammar_element> & out, bool nested) {
        parse_sequence(base, out, nested);
        while (pos < s.size() && s[pos] == '|') {
            pos++;
            skip_space(true);
            out.push_back({WHISPER_GRETYPE_ALT, 0});
            parse_sequence(base, out, nested);
        }
    }

    void parse_sequence(const std::string & base, std::vector<whisper_grammar_element> & out, bool nested) {
        size_t last_start = out.size();  // where the last symbol began, for * + ?
        bool   have_last = false;
        while (pos < s.size()) {
            char c = s[pos];
            size_t sym_start = out.size();
            if (c == '"') {
                pos++;
                while (pos < s.size() && s[pos] != '"') {
                    if (s[pos] == '\n') fail("newline in a string literal");
                    out.push_back({WHISPER_GRETYPE_CHAR, parse_char()});
                }
                if (pos >= s.size()) fail("unterminated string literal");
                pos++;
                // An empty literal matches nothing: emit no element.
                have_last = out.size() > sym_start;
            } else if (c == '[') {
                pos++;
                bool negate = pos < s.size() && s[pos] == '^';
                if (negate) pos++;
                bool first = true;
                while (pos < s.size() && s[pos] != ']') {
                    if (s[pos] == '\n') fail("newline in a character class");
                    uint32_t lo = parse_char();
                    out.push_back({first ? (negate ? WHISPER_GRETYPE_CHAR_NOT : WHISPER_GRETYPE_CHAR) : WHISPER_GRETYPE_CHAR_ALT, lo});
                    first = false;
                    if (pos + 1 < s.size() && s[pos] == '-' && s[pos + 1] != ']') {
                        pos++;
                        uint32_t hi = parse_char();
                        if (hi < lo) fail("character range is reversed");
                        out.push_back({WHISPER_GRETYPE_CHAR_RNG_UPPER, hi});
                    }
                }
                if (pos >= s.size()) fail("unterminated character class");
                if (first) fail("empty character class");
                pos++;
                have_last = true;
            } else if (is_word(c)) {
                size_t at = pos;
                std::string ref = parse_name();
                skip_space(nested);
                if (s.compare(pos, 3, "::=") == 0) { pos = at; return; }  // the next rule starts here
                out.push_back({WHISPER_GRETYPE_RULE_REF, rule_id(ref, at)});
                have_last = true;
                last_start = sym_start;
                continue;  // spaces already skipped
            } else if (c == '(') {
                pos++;
                skip_space(true);
                uint32_t sub = generated_rule(base);
                std::vector<whisper_grammar_element> body;
                parse_alternates(base, body, true);
                if (pos >= s.size() || s[pos] != ')') fail("expected )");
                pos++;
                body.push_back({WHISPER_GRETYPE_END, 0});
                g.rules[sub] = std::move(body);
                out.push_back({WHISPER_GRETYPE_RULE_REF, sub});
                have_last = true;
            } else if (c == '*' || c == '+' || c == '?') {
                if (!have_last) fail(std::string("nothing to repeat before ") + c);
                pos++;
                // x* -> R ::= x R | ε ;  x+ -> x R (R as for x*) ;  x? -> R ::= x | ε
                std::vector<whisper_grammar_element> x(out.begin() + (long) last_start, out.end());
                uint32_t sub = generated_rule(base);
                std::vector<whisper_grammar_element> body(x);
                if (c != '?') body.push_back({WHISPER_GRETYPE_RULE_REF, sub});
                body.push_back({WHISPER_GRETYPE_ALT, 0});
                body.push_back({WHISPER_GRETYPE_END, 0});
                g.rules[sub] = std::move(body);
                if (c != '+') out.resize(last_start);
                out.push_back({WHISPER_GRETYPE_RULE_REF, sub});
                have_last = false;
                skip_space(nested);
                continue;
            } else {
                break;
            }
            last_start = sym_start;
            skip_space(nested);
        }
    }
};

}  // namespace

std::vector<const whisper_grammar_element *> Grammar::pointers() const {
    std::vector<const whisper_grammar_element *> out;
    out.reserve(rules.size());
    for (const auto & r : rules) out.push_back(r.data());
    return out;
}

Grammar parse_gbnf(const std::string & text, const std::string & start) {
    if (text.size() > 1 << 20) throw GrammarError("grammar is larger than 1 MiB");
    return Parser(text).run(start);
}

}  // namespace jarvis
