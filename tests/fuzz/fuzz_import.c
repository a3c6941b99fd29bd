/*
 * fuzz_import.c - libFuzzer target: the bulk CSV of `rbacctl import`
 * (rbacctl/import.c over libcsv) on arbitrary bytes, against a directory
 * of two roles and one existing account.
 *
 * Checked on every input: an error or a warning is placed inside the input
 * (line from 1 to its line count, column from 1); a refused file has an
 * error to show; a good file's rows have a uid that is unique, portable and
 * non-empty, a known status and at least one grant; its LDIF is well
 * formed (every line a comment, an "attr: value" or "attr:: base64" line,
 * "-" or empty, so no value can smuggle a line of its own).
 *
 *   make fuzz FUZZ_TARGETS=fuzz_import       (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *f_role_dn(void *d, const char *ref, const char **canon)
{
	(void)d;
	if (!strcmp(ref, "admin") || !strcmp(ref, "eng/admin")) {
		*canon = "eng/admin";
		return "cn=admin,cn=eng,ou=rbac,dc=example,dc=org";
	}
	if (!strcmp(ref, "user")) {
		*canon = "eng/user";
		return "cn=user,cn=eng,ou=rbac,dc=example,dc=org";
	}
	return NULL;
}

static int f_holds(void *d, const char *canon, const char *uid)
{
	(void)d;
	return !strcmp(canon, "eng/user") && !strcmp(uid, "alice");
}

static const char *f_account_dn(void *d, const char *uid, const char **status)
{
	(void)d;
	*status = "suspended";
	return strcmp(uid, "carol") ? NULL : "uid=carol,ou=people,dc=example,dc=org";
}

static const struct imp_dir dir = {NULL, f_role_dn, f_holds, f_account_dn};

static void places_inside(const struct imp_msg *m, size_t n, unsigned lines)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].line < 1 || m[i].line > lines || m[i].col < 1 || !m[i].text)
			abort();
}

static void rows_sound(const struct imp_file *f)
{
	for (size_t i = 0; i < f->n_rows; i++) {
		const struct imp_row *r = &f->rows[i];
		if (!r->uid[0] ||
		    strspn(r->uid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789._-") != strlen(r->uid))
			abort();
		if (strcmp(r->status, "active") && strcmp(r->status, "disabled") &&
		    strcmp(r->status, "suspended"))
			abort();
		if (r->n_grants == 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(f->rows[j].uid, r->uid))
				abort();
	}
}

/* Each line: "", "-", "# ...", or an attribute name then ": " or ":: ". */
static void ldif_sound(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			abort(); /* every line ends */
		size_t n = (size_t)(nl - p);
		if (n > 0 && !(n == 1 && *p == '-') && *p != '#') {
			size_t a =
			    strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
			if (a == 0 || a >= n || p[a] != ':')
				abort();
			if (memchr(p, '\r', n))
				abort();
		}
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imp_file f;
	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	int rc = imp_parse(&f, "fuzz.csv", (const char *)data, size, &dir);
	if (rc < 0)
		abort(); /* no allocation fails here */
	places_inside(f.errors, f.n_errors, lines);
	places_inside(f.warnings, f.n_warnings, lines);
	if (rc == 1 && f.n_errors == 0)
		abort();
	if (rc == 0) {
		if (f.n_errors)
			abort();
		rows_sound(&f);
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		if (!out || imp_write_ldif(&f, "ou=people,dc=example,dc=org", out) < 0)
			abort();
		fclose(out);
		ldif_sound(buf, len);
		free(buf);
	}
	imp_file_free(&f);
	return 0;
}
