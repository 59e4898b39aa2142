/* The firmware's strict JSON reader; see jarvis_json.h. */
#include "jarvis_json.h"

#include <string.h>

#define MILLI_LIMIT ((int64_t)1 << 62)

static size_t skip_ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  return i;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when it is not one (overlong, surrogate, > U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t len, k;
  uint32_t cp;
  if (c < 0x80u) return 1;
  if (c >= 0xC2u && c <= 0xDFu) len = 2, cp = c & 0x1Fu;
  else if (c >= 0xE0u && c <= 0xEFu) len = 3, cp = c & 0x0Fu;
  else if (c >= 0xF0u && c <= 0xF4u) len = 4, cp = c & 0x07u;
  else return 0;
  if (i + len > n) return 0;
  for (k = 1; k < len; k++) {
    if ((s[i + k] & 0xC0u) != 0x80u) return 0;
    cp = cp << 6 | (s[i + k] & 0x3Fu);
  }
  if ((len == 3 && (cp < 0x800u || (cp >= 0xD800u && cp <= 0xDFFFu))) || (len == 4 && (cp < 0x10000u || cp > 0x10FFFFu)))
    return 0;
  return len;
}

/* s[*i] is the opening quote; moves *i past the closing one. */
static int scan_string(const char *s, size_t n, size_t *pi) {
  size_t i = *pi + 1;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"') {
      *pi = i + 1;
      return 0;
    }
    if (c < 0x20u) return -1;
    if (c == '\\') {
      if (i + 1 >= n) return -1;
      switch (s[i + 1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          i += 2;
          break;
        case 'u':
          if (i + 5 >= n || hex_value(s[i + 2]) < 0 || hex_value(s[i + 3]) < 0 || hex_value(s[i + 4]) < 0 || hex_value(s[i + 5]) < 0)
            return -1;
          i += 6;
          break;
        default:
          return -1;
      }
      continue;
    }
    {
      size_t len = utf8_len((const unsigned char *)s, n, i);
      if (len == 0) return -1;
      i += len;
    }
  }
  return -1;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int scan_number(const char *s, size_t n, size_t *pi) {
  size_t i = *pi;
  if (i < n && s[i] == '-') i++;
  if (i >= n) return -1;
  if (s[i] == '0') i++;
  else if (s[i] >= '1' && s[i] <= '9') while (i < n && is_digit(s[i])) i++;
  else return -1;
  if (i < n && s[i] == '.') {
    i++;
    if (i >= n || !is_digit(s[i])) return -1;
    while (i < n && is_digit(s[i])) i++;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= n || !is_digit(s[i])) return -1;
    while (i < n && is_digit(s[i])) i++;
  }
  *pi = i;
  return 0;
}

static int scan_literal(const char *s, size_t n, size_t *pi, const char *word) {
  size_t len = strlen(word);
  if (*pi + len > n || memcmp(s + *pi, word, len) != 0) return -1;
  *pi += len;
  return 0;
}

/* Scans an object key and its colon at s[*pi] (after whitespace). */
static int scan_key(const char *s, size_t n, size_t *pi) {
  size_t i = skip_ws(s, n, *pi);
  if (i >= n || s[i] != '"' || scan_string(s, n, &i) < 0) return -1;
  i = skip_ws(s, n, i);
  if (i >= n || s[i] != ':') return -1;
  *pi = i + 1;
  return 0;
}

/*
 * Scans one whole value starting at s[*pi] (whitespace first allowed): iterative, nesting tracked in a
 * bit stack. Returns its type and sets *start / *pi to its first byte / one past its last byte.
 */
static int scan_value(const char *s, size_t n, size_t *pi, size_t *start) {
  uint32_t objects = 0; /* bit d set: level d is an object */
  int depth = 0;
  int type = -1;
  size_t i = *pi;
  for (;;) {
    int t;
    char c;
    i = skip_ws(s, n, i);
    if (i >= n) return -1;
    c = s[i];
    if (depth == 0) *start = i;
    if (c == '{' || c == '[') {
      if (depth >= JARVIS_JSON_MAX_DEPTH) return -1;
      if (depth == 0) type = c == '{' ? JARVIS_JSON_OBJECT : JARVIS_JSON_ARRAY;
      if (c == '{') objects |= 1u << depth;
      else objects &= ~(1u << depth);
      depth++;
      i = skip_ws(s, n, i + 1);
      if (i < n && s[i] == (c == '{' ? '}' : ']')) {
        i++;
        depth--;
      } else {
        if (c == '{' && scan_key(s, n, &i) < 0) return -1;
        continue; /* the first member's value */
      }
    } else {
      if (c == '"') t = JARVIS_JSON_STRING, c = (char)scan_string(s, n, &i);
      else if (c == '-' || is_digit(c)) t = JARVIS_JSON_NUMBER, c = (char)scan_number(s, n, &i);
      else if (c == 't') t = JARVIS_JSON_TRUE, c = (char)scan_literal(s, n, &i, "true");
      else if (c == 'f') t = JARVIS_JSON_FALSE, c = (char)scan_literal(s, n, &i, "false");
      else if (c == 'n') t = JARVIS_JSON_NULL, c = (char)scan_literal(s, n, &i, "null");
      else return -1;
      if (c != 0) return -1;
      if (depth == 0) type = t;
    }
    /* After a complete value: close containers or move to the next element. */
    for (;;) {
      int in_object;
      if (depth == 0) {
        *pi = i;
        return type;
      }
      in_object = (int)(objects >> (depth - 1) & 1u);
      i = skip_ws(s, n, i);
      if (i >= n) return -1;
      if (s[i] == ',') {
        i++;
        if (in_object && scan_key(s, n, &i) < 0) return -1;
        break;
      }
      if (s[i] != (in_object ? '}' : ']')) return -1;
      i++;
      depth--;
    }
  }
}

static int text_is_utf8(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t len = utf8_len((const unsigned char *)s, n, i);
    if (len == 0) return 0;
    i += len;
  }
  return 1;
}

int jarvis_json_validate(const char *s, size_t n) {
  size_t i = 0, start = 0;
  int type;
  if (s == NULL || !text_is_utf8(s, n)) return -1;
  type = scan_value(s, n, &i, &start);
  if (type < 0 || skip_ws(s, n, i) != n) return -1;
  return type;
}

int jarvis_json_object_begin(jarvis_json_iter *it, const char *s, size_t n) {
  size_t i = skip_ws(s, n, 0);
  if (s == NULL || i >= n || s[i] != '{') return -1;
  it->s = s;
  it->n = n;
  it->i = i + 1;
  it->first = 1;
  return 0;
}

int jarvis_json_object_next(jarvis_json_iter *it, jarvis_json_span *key, jarvis_json_span *value) {
  size_t i = skip_ws(it->s, it->n, it->i), k, start = 0;
  int type;
  if (i >= it->n) return -1;
  if (it->s[i] == '}') {
    it->i = i + 1;
    return 0;
  }
  if (!it->first) {
    if (it->s[i] != ',') return -1;
    i = skip_ws(it->s, it->n, i + 1);
  }
  if (i >= it->n || it->s[i] != '"') return -1;
  k = i;
  if (scan_string(it->s, it->n, &i) < 0) return -1;
  key->p = it->s + k;
  key->n = i - k;
  key->type = JARVIS_JSON_STRING;
  i = skip_ws(it->s, it->n, i);
  if (i >= it->n || it->s[i] != ':') return -1;
  i++;
  type = scan_value(it->s, it->n, &i, &start);
  if (type < 0) return -1;
  value->p = it->s + start;
  value->n = i - start;
  value->type = (jarvis_json_type)type;
  it->i = i;
  it->first = 0;
  return 1;
}

static size_t put_utf8(uint32_t cp, char *out) {
  if (cp < 0x80u) return out[0] = (char)cp, 1;
  if (cp < 0x800u) return out[0] = (char)(0xC0u | cp >> 6), out[1] = (char)(0x80u | (cp & 0x3Fu)), 2;
  if (cp < 0x10000u)
    return out[0] = (char)(0xE0u | cp >> 12), out[1] = (char)(0x80u | (cp >> 6 & 0x3Fu)), out[2] = (char)(0x80u | (cp & 0x3Fu)), 3;
  out[0] = (char)(0xF0u | cp >> 18);
  out[1] = (char)(0x80u | (cp >> 12 & 0x3Fu));
  out[2] = (char)(0x80u | (cp >> 6 & 0x3Fu));
  out[3] = (char)(0x80u | (cp & 0x3Fu));
  return 4;
}

static uint32_t hex4(const char *p) {
  return (uint32_t)(hex_value(p[0]) << 12 | hex_value(p[1]) << 8 | hex_value(p[2]) << 4 | hex_value(p[3]));
}

int jarvis_json_string(const jarvis_json_span *v, char *out, size_t cap) {
  size_t i, o = 0;
  if (v->type != JARVIS_JSON_STRING || v->n < 2 || cap == 0) return -1;
  for (i = 1; i + 1 < v->n;) {
    char tmp[4];
    size_t len = 1;
    char c = v->p[i];
    if (c != '\\') {
      tmp[0] = c;
      i++;
    } else {
      char e = v->p[i + 1];
      i += 2;
      switch (e) {
        case 'b': tmp[0] = '\b'; break;
        case 'f': tmp[0] = '\f'; break;
        case 'n': tmp[0] = '\n'; break;
        case 'r': tmp[0] = '\r'; break;
        case 't': tmp[0] = '\t'; break;
        case 'u': {
          uint32_t cp = hex4(v->p + i);
          i += 4;
          if (cp >= 0xD800u && cp <= 0xDBFFu && i + 6 <= v->n - 1 && v->p[i] == '\\' && v->p[i + 1] == 'u') {
            uint32_t lo = hex4(v->p + i + 2);
            if (lo >= 0xDC00u && lo <= 0xDFFFu) {
              cp = 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u);
              i += 6;
            }
          }
          if (cp >= 0xD800u && cp <= 0xDFFFu) cp = 0xFFFDu; /* a lone surrogate */
          len = put_utf8(cp, tmp);
          break;
        }
        default: tmp[0] = e; break; /* '"', '\\', '/' */
      }
    }
    if (o + len + 1 > cap) return -1;
    memcpy(out + o, tmp, len);
    o += len;
  }
  out[o] = '\0';
  return (int)o;
}

int jarvis_json_key_is(const jarvis_json_span *key, const char *name) {
  char buf[32];
  int len = jarvis_json_string(key, buf, sizeof buf);
  return len >= 0 && strcmp(buf, name) == 0;
}

int jarvis_json_milli(const jarvis_json_span *v, int64_t *milli, int *exact) {
  const char *s = v->p;
  size_t n = v->n, i = 0, end = 0;
  int neg = 0;
  long exp10 = 0;
  int64_t acc = 0;
  int overflow = 0, is_exact = 1;
  size_t digits_start, digits_end, k;
  long frac_digits = 0;
  if (v->type != JARVIS_JSON_NUMBER) return -1;
  if (scan_number(s, n, &end) < 0 || end != n) return -1;
  if (s[0] == '-') neg = 1, i = 1;
  digits_start = i;
  while (i < n && (is_digit(s[i]) || s[i] == '.')) {
    if (s[i] == '.') frac_digits = -1; /* counted below */
    i++;
  }
  digits_end = i;
  if (frac_digits != 0) {
    const char *dot = memchr(s + digits_start, '.', digits_end - digits_start);
    frac_digits = (long)(digits_end - (size_t)(dot - s) - 1);
  }
  if (i < n) { /* exponent */
    int eneg = 0;
    i++;
    if (s[i] == '+' || s[i] == '-') eneg = s[i] == '-', i++;
    for (; i < n; i++)
      if (exp10 < 100000L) exp10 = exp10 * 10 + (s[i] - '0');
    if (eneg) exp10 = -exp10;
  }
  /* value = digits * 10^(exp10 - frac_digits); milli = value * 1000 */
  {
    long sh = exp10 - frac_digits + 3;
    long total = 0, keep;
    for (k = digits_start; k < digits_end; k++)
      if (s[k] != '.') total++;
    keep = sh >= 0 ? total : total + sh; /* how many leading digits survive */
    for (k = digits_start; k < digits_end; k++) {
      if (s[k] == '.') continue;
      if (keep > 0) {
        if (acc > (MILLI_LIMIT - 9) / 10) overflow = 1;
        else acc = acc * 10 + (s[k] - '0');
        keep--;
      } else if (s[k] != '0') {
        is_exact = 0;
      }
    }
    if (sh > 0) {
      for (; sh > 0 && acc != 0; sh--) {
        if (acc > MILLI_LIMIT / 10) {
          overflow = 1;
          break;
        }
        acc *= 10;
      }
    }
  }
  if (overflow) acc = MILLI_LIMIT;
  *milli = neg ? -acc : acc;
  *exact = is_exact;
  return 0;
}
