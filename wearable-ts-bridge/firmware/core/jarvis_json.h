/*
 * A small strict JSON reader for the firmware: no heap, no recursion (nesting is tracked in a bit
 * stack, at most JARVIS_JSON_MAX_DEPTH levels), no floating point. It validates a whole text (RFC 8259
 * grammar, UTF-8, no control characters in strings) and walks the members of its top-level object, so
 * the core can read `cmd/config` / `cmd/led` payloads and the stored config, and the POSIX main the
 * device bundle. Values are spans into the caller's text; strings are unescaped on request.
 */
#ifndef JARVIS_JSON_H
#define JARVIS_JSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JARVIS_JSON_MAX_DEPTH 16

typedef enum jarvis_json_type {
  JARVIS_JSON_OBJECT = 1,
  JARVIS_JSON_ARRAY = 2,
  JARVIS_JSON_STRING = 3, /* span includes the quotes */
  JARVIS_JSON_NUMBER = 4,
  JARVIS_JSON_TRUE = 5,
  JARVIS_JSON_FALSE = 6,
  JARVIS_JSON_NULL = 7
} jarvis_json_type;

typedef struct jarvis_json_span {
  const char *p;
  size_t n;
  jarvis_json_type type;
} jarvis_json_span;

/* Iterator over the members of one object. */
typedef struct jarvis_json_iter {
  const char *s;
  size_t n;
  size_t i;
  int first;
} jarvis_json_iter;

/*
 * Checks that s[0..n) is exactly one JSON value (whitespace around it allowed), valid UTF-8, nested at
 * most JARVIS_JSON_MAX_DEPTH deep. Returns its type, or -1 when it is not.
 */
int jarvis_json_validate(const char *s, size_t n);

/* Starts iterating an object span (a validated text or a member value of type OBJECT); -1 if not an object. */
int jarvis_json_object_begin(jarvis_json_iter *it, const char *s, size_t n);
/* Next member: 1 with key (its span, quotes included) and value, 0 at the end, -1 on a syntax error. */
int jarvis_json_object_next(jarvis_json_iter *it, jarvis_json_span *key, jarvis_json_span *value);

/* 1 when a STRING span's unescaped text equals the NUL-terminated name. */
int jarvis_json_key_is(const jarvis_json_span *key, const char *name);
/* Unescapes a STRING span into out (NUL-terminated, cap bytes); returns the length, or -1 when it does not fit. */
int jarvis_json_string(const jarvis_json_span *v, char *out, size_t cap);
/*
 * Reads a NUMBER span as thousandths: *milli = trunc(value * 1000), clamped to +/- 2^62. *exact is 1
 * when nothing non-zero was cut off below 1/1000. Returns 0, or -1 for a span that is not a number.
 */
int jarvis_json_milli(const jarvis_json_span *v, int64_t *milli, int *exact);

#ifdef __cplusplus
}
#endif

#endif /* JARVIS_JSON_H */
