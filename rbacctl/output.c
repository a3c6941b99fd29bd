/*
 * output.c - aligned tables, JSON and CSV for rbacctl (see output.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* ------------------------------------------------------------------ text */

char *text_clean(const char *s)
{
	char *copy = strdup(s != NULL ? s : "");

	for (char *p = copy; p != NULL && *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			*p = '?';
	}
	return copy;
}

/* strftime's %Y writes year 1 as "1": the year is padded here, so a
 * GeneralizedTime before year 1000 still reads as a date. */
const char *format_iso_time(time_t t, char *buf, size_t bufsz)
{
	struct tm tm;
	int n = -1;

	if (gmtime_r(&t, &tm) != NULL && tm.tm_year >= -1900 && tm.tm_year <= 9999 - 1900)
		n = snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n < 0 || (size_t)n >= bufsz)
		snprintf(buf, bufsz, "%s", "?");
	return buf;
}

/* Terminal columns of a UTF-8 string: one per character (continuation
 * bytes do not count). Wide East Asian characters are rare in role names
 * and not worth a wcwidth() table. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* ----------------------------------------------------------------- table */

void table_init(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
}

static bool table_grow(struct table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 16;
	char **cells;

	if (t->nrows < t->cap)
		return true;
	cells = reallocarray(t->cells, cap * t->ncols, sizeof(*cells));
	if (cells == NULL)
		return false;
	t->cells = cells;
	t->cap = cap;
	return true;
}

void table_add(struct table *t, ...)
{
	char **row;
	va_list ap;

	if (t->oom || !table_grow(t)) {
		t->oom = true;
		return;
	}
	row = t->cells + t->nrows * t->ncols;
	va_start(ap, t);
	for (size_t c = 0; c < t->ncols; c++) {
		row[c] = text_clean(va_arg(ap, const char *));
		t->oom = t->oom || row[c] == NULL;
	}
	va_end(ap);
	t->nrows++;
}

static void put_padding(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

int table_print(const struct table *t, FILE *out, int indent)
{
	size_t width[TABLE_MAX_COLS] = {0};

	if (t->oom)
		return -1;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = text_width(t->cells[r * t->ncols + c]);

			width[c] = w > width[c] ? w : width[c];
		}
	for (size_t r = 0; r < t->nrows; r++) {
		const char *const *row = (const char *const *)t->cells + r * t->ncols;
		size_t last = t->ncols;

		while (last > 1 && row[last - 1][0] == '\0')
			last--; /* no trailing blanks for empty trailing cells */
		put_padding(out, (size_t)indent);
		for (size_t c = 0; c < last; c++) {
			fputs(row[c], out);
			if (c + 1 < last)
				put_padding(out, width[c] - text_width(row[c]) + 2);
		}
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------------ JSON */

/* Length of the UTF-8 sequence at s, or 0 when it is not a valid one
 * (overlong forms, surrogates and values above U+10FFFF included). */
static size_t utf8_length(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void json_quoted(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p != '\0') {
		size_t n = utf8_length(p);

		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fprintf(out, "\\%c", *p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	fputc('"', out);
}

static void json_indent(struct json *j)
{
	if (j->one_line)
		return;
	fputc('\n', j->out);
	put_padding(j->out, (size_t)j->depth * 2);
}

/* The comma, line break and member name before a value. */
static void json_item(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			fputc(',', j->out);
		json_indent(j);
	}
	j->has_items[j->depth] = true;
	if (key != NULL) {
		json_quoted(j->out, key);
		fputs(": ", j->out);
	}
}

void json_begin(struct json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* Deeper nesting than JSON_MAX_DEPTH is a bug of the caller; the output
 * stays well-formed only up to it, which every command keeps well within. */
static void json_open(struct json *j, const char *key, char open, char close)
{
	json_item(j, key);
	fputc(open, j->out);
	if (j->depth < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
	j->closer[j->depth] = close;
}

void json_object(struct json *j, const char *key)
{
	json_open(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
	json_open(j, key, '[', ']');
}

void json_end(struct json *j)
{
	bool had = j->has_items[j->depth];
	char closer = j->closer[j->depth];

	if (j->depth == 0)
		return;
	j->depth--;
	if (had)
		json_indent(j);
	fputc(closer, j->out);
}

void json_string(struct json *j, const char *key, const char *value)
{
	json_item(j, key);
	if (value == NULL)
		fputs("null", j->out);
	else
		json_quoted(j->out, value);
}

void json_int(struct json *j, const char *key, long long value)
{
	json_item(j, key);
	fprintf(j->out, "%lld", value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	json_item(j, key);
	fputs(value ? "true" : "false", j->out);
}

void json_time(struct json *j, const char *key, bool present, time_t t)
{
	char buf[32];

	json_string(j, key, present ? format_iso_time(t, buf, sizeof(buf)) : NULL);
}

int json_finish(struct json *j)
{
	fputc('\n', j->out);
	return ferror(j->out) ? -1 : 0;
}

/* ------------------------------------------------------------------- CSV */

/* A field is written as is unless it holds a comma, a double quote, CR or
 * LF. Other control characters become '?': a report is also read with
 * cat and less, where an escape sequence from a directory value would
 * reach the terminal. */
static void csv_char(FILE *out, char c)
{
	unsigned char u = (unsigned char)c;

	if ((u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7f)
		c = '?';
	fputc(c, out);
}

static void csv_field(FILE *out, const char *s)
{
	bool quote;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		csv_char(out, *s);
	}
	if (quote)
		fputc('"', out);
}

void csv_row(FILE *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		csv_field(out, fields[i]);
	}
	fputs("\r\n", out);
}
