/*
 * output.h - rbacctl's three output forms: aligned tables for a terminal,
 * JSON for scripts (--json), CSV for reports (RFC 4180).
 *
 * Directory strings are untrusted: a cn or a status reason can hold
 * control characters. Tables show them as '?', JSON escapes them, CSV
 * quotes them; nothing reaches the terminal raw.
 */
#ifndef RBACCTL_OUTPUT_H
#define RBACCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* ---- tables ---- */

#define TABLE_MAX_COLS 8

struct table {
	size_t ncols;
	char **cells; /* nrows * ncols, row-major; NULL cells print as "" */
	size_t nrows;
	size_t cap;
	bool oom; /* an add failed: table_print reports it */
};

void table_init(struct table *t, size_t ncols);
/* Appends one row of t->ncols cells (NULL allowed); copies them. */
void table_add(struct table *t, ...);
/* Prints every row with its columns padded to the widest cell, two spaces
 * apart, each line prefixed by indent spaces; the last column is not
 * padded. Returns -1 when out of memory or the write fails. */
int table_print(const struct table *t, FILE *out, int indent);
void table_free(struct table *t);

/* ---- JSON (RFC 8259), indented by two spaces ---- */

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int depth;
	bool has_items[JSON_MAX_DEPTH + 1]; /* a comma is due before the next */
	char closer[JSON_MAX_DEPTH + 1];    /* '}' or ']' for each open level */
	bool one_line; /* no line breaks or indentation (JSON lines: audit --json) */
};

/* key is the member name inside an object, NULL inside an array or at the
 * top. Strings that are not valid UTF-8 are written with U+FFFD in place of
 * each bad byte, so the document always parses. */
void json_begin(struct json *j, FILE *out);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_end(struct json *j); /* closes the innermost object or array */
void json_string(struct json *j, const char *key, const char *value); /* NULL: null */
void json_int(struct json *j, const char *key, long long value);
void json_bool(struct json *j, const char *key, bool value);
/* A time as "YYYY-MM-DDTHH:MM:SSZ"; null when !present. */
void json_time(struct json *j, const char *key, bool present, time_t t);
/* Ends the document with a newline. Returns -1 when a write failed. */
int json_finish(struct json *j);

/* ---- CSV (RFC 4180): CRLF line ends, fields quoted when they hold a
 * comma, a double quote, CR or LF; a double quote is doubled; control
 * characters other than TAB, CR and LF are written as '?'. ---- */

void csv_row(FILE *out, const char *const *fields, size_t n);

/* ---- small formatting helpers ---- */

/* "2025-01-01T00:00:00Z"; buf must hold 21 bytes. */
const char *format_iso_time(time_t t, char *buf, size_t bufsz);
/* A copy of s with control characters (and DEL) replaced by '?', for
 * terminal output; NULL when out of memory. s NULL gives "". */
char *text_clean(const char *s);

#endif
