/*
 * import.c - the CSV of `rbacctl import` (import.h): libcsv does the
 * RFC 4180 quoting; this file keeps the place of every field, checks the
 * rows against the directory (struct imp_dir) and writes the LDIF.
 */
#include "config.h"

#include "import.h"

#include <csv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbac_names.h"

enum imp_col { COL_EMAIL, COL_NAME, COL_ROLE, COL_GROUPS, COL_STATUS, COL_UID, N_COLS };
static const char *const col_names[N_COLS] = {"Email",	"Name",	  "Role",
					      "Groups", "Status", "Uid"};
static const bool col_required[N_COLS] = {true, true, true, false, true, false};

struct field {
	char *v;
	unsigned line, col; /* of its first byte, its opening quote if quoted */
	bool quoted;
};

struct pstate {
	struct imp_file *f;
	const struct imp_dir *dir;
	unsigned line, col;   /* of the byte being fed */
	unsigned fline, fcol; /* where the current field started */
	bool fopen, fquoted;
	struct field *fields;
	size_t n, cap;
	bool header_done, header_bad;
	int at[N_COLS]; /* the header's index of each column, -1 if absent */
	size_t n_header;
	bool oom;
};

/* ------------------------------------------------------------ messages */

static int msg_vadd(struct imp_msg **v, size_t *n, size_t *cap, unsigned line, unsigned col,
		    const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static int msg_vadd(struct imp_msg **v, size_t *n, size_t *cap, unsigned line, unsigned col,
		    const char *fmt, va_list ap)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct imp_msg *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	char *text;
	if (vasprintf(&text, fmt, ap) < 0)
		return -1;
	(*v)[(*n)++] = (struct imp_msg){line, col, text};
	return 0;
}

static void error_at(struct pstate *ps, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(struct pstate *ps, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (msg_vadd(&ps->f->errors, &ps->f->n_errors, &ps->f->cap_errors, line, col, fmt, ap))
		ps->oom = true;
	va_end(ap);
}

static void warn_at(struct pstate *ps, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn_at(struct pstate *ps, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (msg_vadd(&ps->f->warnings, &ps->f->n_warnings, &ps->f->cap_warnings, line, col, fmt,
		     ap))
		ps->oom = true;
	va_end(ap);
}

static int msg_cmp(const void *a, const void *b)
{
	const struct imp_msg *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->text, y->text);
}

void imp_print_msgs(const struct imp_file *f, const struct imp_msg *m, size_t n,
		    const char *prefix, FILE *out)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s:%u:%u: %s", f->path, m[i].line, m[i].col, prefix);
		/* The values quoted come from the file: nothing reaches the
		 * terminal that could drive it. */
		for (const unsigned char *p = (const unsigned char *)m[i].text; *p; p++)
			fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
		fputc('\n', out);
	}
}

/* ---------------------------------------------------------- validation */

static bool email_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

static bool email_domain_valid(const char *d)
{
	size_t len = strlen(d);
	if (len == 0 || len > 253 || !strchr(d, '.') || d[0] == '.' || d[len - 1] == '.' ||
	    strstr(d, ".."))
		return false;
	for (const char *p = d; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return false;
	return true;
}

/* A plain addr-spec (no comments, no quoted local part): what a bulk
 * export of users holds, and what the uid is taken from. */
static bool email_valid(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || at - e > 64)
		return false;
	if (e[0] == '.' || at[-1] == '.')
		return false;
	for (const char *p = e; p < at; p++)
		if (!email_local_char((unsigned char)*p) || (p[0] == '.' && p[1] == '.'))
			return false;
	return email_domain_valid(at + 1);
}

/* The uid becomes the RDN uid=UID and a memberUid: besides what a member
 * name may hold (rbac_user_name_valid), it keeps to the portable user
 * name set, so the DN needs no escaping and useradd-like tools agree. */
static bool uid_valid(const char *u)
{
	if (!rbac_user_name_valid(u, RBAC_USER_NAME_MEMBER) || u[0] == '-' || u[0] == '.')
		return false;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

static bool text_valid(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Status of the bulk format to rbacAccountStatus (DESIGN §3). */
static const char *status_map(const char *s)
{
	if (!strcasecmp(s, "ACTIVE"))
		return "active";
	if (!strcasecmp(s, "INACTIVE"))
		return "disabled";
	if (!strcasecmp(s, "SUSPENDED"))
		return "suspended";
	return NULL;
}

/* ---------------------------------------------------------------- rows */

static const struct field *col_field(const struct pstate *ps, enum imp_col c)
{
	return ps->at[c] < 0 ? NULL : &ps->fields[ps->at[c]];
}

static void header_take(struct pstate *ps)
{
	for (int c = 0; c < N_COLS; c++)
		ps->at[c] = -1;
	for (size_t i = 0; i < ps->n; i++) {
		const struct field *fl = &ps->fields[i];
		int c = 0;
		while (c < N_COLS && strcasecmp(fl->v, col_names[c]) != 0)
			c++;
		if (c == N_COLS) {
			error_at(
			    ps, fl->line, fl->col,
			    "unknown column \"%.64s\" (Email, Name, Role, Groups, Status, Uid)",
			    fl->v);
			ps->header_bad = true;
		} else if (ps->at[c] >= 0) {
			error_at(ps, fl->line, fl->col, "column %s given twice", col_names[c]);
			ps->header_bad = true;
		} else {
			ps->at[c] = (int)i;
		}
	}
	for (int c = 0; c < N_COLS; c++)
		if (col_required[c] && ps->at[c] < 0) {
			error_at(ps, ps->fields[0].line, ps->fields[0].col,
				 "the header has no %s column", col_names[c]);
			ps->header_bad = true;
		}
	ps->n_header = ps->n;
}

static int grant_add(struct imp_row *r, const char *canon, const char *dn, unsigned line,
		     unsigned col)
{
	for (size_t i = 0; i < r->n_grants; i++)
		if (!strcmp(r->grants[i].canon, canon))
			return 0;
	struct imp_grant *g = realloc(r->grants, (r->n_grants + 1) * sizeof(*g));
	if (!g)
		return -1;
	r->grants = g;
	g = &g[r->n_grants];
	*g = (struct imp_grant){strdup(canon), strdup(dn), 0, line, col};
	if (!g->canon || !g->role_dn) {
		free(g->canon);
		free(g->role_dn);
		return -1;
	}
	r->n_grants++;
	return 0;
}

/* The place in the file of byte off of a field's value: a quoted field
 * starts one byte later, its quotes are doubled, its line breaks kept. */
static void field_place(const struct field *fl, size_t off, unsigned *line, unsigned *col)
{
	*line = fl->line;
	*col = fl->col + fl->quoted;
	for (size_t i = 0; i < off; i++) {
		if (fl->v[i] == '\n')
			++*line, *col = 1;
		else
			*col += fl->quoted && fl->v[i] == '"' ? 2 : 1;
	}
}

/* Groups: a list separated by ',' or ';' (a quoted field may hold
 * either); those naming a role are grants, the others are reported. */
static void groups_take(struct pstate *ps, const struct field *fl, struct imp_row *r)
{
	char *copy = strdup(fl->v), *save = NULL;
	if (!copy) {
		ps->oom = true;
		return;
	}
	for (char *g = strtok_r(copy, ",;", &save); g; g = strtok_r(NULL, ",;", &save)) {
		g += strspn(g, " \t\r\n");
		size_t len = strlen(g);
		while (len && strchr(" \t\r\n", g[len - 1]))
			g[--len] = '\0';
		if (!len)
			continue;
		const char *canon = NULL;
		const char *dn = ps->dir->role_dn(ps->dir->data, g, &canon);
		unsigned line, col;
		field_place(fl, (size_t)(g - copy), &line, &col);
		if (!dn)
			warn_at(ps, line, col, "Groups: \"%.64s\" names no role: ignored", g);
		else if (grant_add(r, canon, dn, line, col))
			ps->oom = true;
	}
	free(copy);
}

static void row_free(struct imp_row *r)
{
	free(r->email);
	free(r->name);
	free(r->uid);
	free(r->account_dn);
	for (size_t i = 0; i < r->n_grants; i++) {
		free(r->grants[i].canon);
		free(r->grants[i].role_dn);
	}
	free(r->grants);
}

/* The uid: the Uid column when given and not empty, else the address's
 * local part. Returns NULL (and says why) when not usable. */
static char *row_uid(struct pstate *ps, const struct field *email, const struct field **where)
{
	const struct field *u = col_field(ps, COL_UID);
	char *uid;
	if (u && u->v[0]) {
		*where = u;
		uid = strdup(u->v);
	} else {
		*where = email;
		uid = strndup(email->v, strcspn(email->v, "@"));
	}
	if (!uid) {
		ps->oom = true;
		return NULL;
	}
	if (!uid_valid(uid)) {
		error_at(ps, (*where)->line, (*where)->col,
			 "%s: \"%.64s\" is not a usable uid (letters, digits, '.', '_', '-', "
			 "at most 32 bytes, not starting with '-' or '.')",
			 u && u->v[0] ? "Uid" : "Email", uid);
		free(uid);
		return NULL;
	}
	return uid;
}

static bool row_fields_check(struct pstate *ps, struct imp_row *r)
{
	const struct field *email = col_field(ps, COL_EMAIL), *name = col_field(ps, COL_NAME);
	const struct field *status = col_field(ps, COL_STATUS), *role = col_field(ps, COL_ROLE);
	bool ok = true;
	if (!email_valid(email->v)) {
		error_at(ps, email->line, email->col, "Email: \"%.64s\" is not an address",
			 email->v);
		ok = false;
	} else {
		const struct field *where;
		r->uid = row_uid(ps, email, &where);
		r->email = strdup(email->v);
		ok = r->uid != NULL;
		ps->oom = ps->oom || !r->email;
	}
	if (!name->v[0] || !text_valid(name->v)) {
		error_at(ps, name->line, name->col, "Name: empty or holds a control character");
		ok = false;
	}
	r->name = strdup(name->v);
	ps->oom = ps->oom || !r->name;
	r->status_col = status->col;
	if (!(r->status = status_map(status->v))) {
		error_at(ps, status->line, status->col,
			 "Status: \"%.64s\" is not ACTIVE, INACTIVE or SUSPENDED", status->v);
		ok = false;
	}
	const char *canon = NULL;
	const char *dn = role->v[0] ? ps->dir->role_dn(ps->dir->data, role->v, &canon) : NULL;
	if (!dn) {
		error_at(ps, role->line, role->col, "Role: \"%.64s\" is no role", role->v);
		ok = false;
	} else if (grant_add(r, canon, dn, role->line, role->col)) {
		ps->oom = true;
	}
	if (col_field(ps, COL_GROUPS))
		groups_take(ps, col_field(ps, COL_GROUPS), r);
	return ok;
}

static int row_keep(struct pstate *ps, struct imp_row *r)
{
	struct imp_file *f = ps->f;
	const char *status = NULL;
	const char *adn = ps->dir->account_dn(ps->dir->data, r->uid, &status);
	if (adn && !(r->account_dn = strdup(adn)))
		return -1;
	r->unchanged = adn && status && !strcasecmp(status, r->status);
	for (size_t i = 0; i < r->n_grants; i++)
		r->grants[i].held = ps->dir->holds(ps->dir->data, r->grants[i].canon, r->uid);
	if (f->n_rows == f->cap_rows) {
		size_t nc = f->cap_rows ? f->cap_rows * 2 : 64;
		struct imp_row *nv = realloc(f->rows, nc * sizeof(*nv));
		if (!nv)
			return -1;
		f->rows = nv;
		f->cap_rows = nc;
	}
	f->rows[f->n_rows++] = *r;
	return 0;
}

static void row_take(struct pstate *ps)
{
	const struct field *first = &ps->fields[0];
	if (ps->n != ps->n_header) {
		error_at(ps, first->line, first->col, "%zu field%s where the header has %zu",
			 ps->n, ps->n == 1 ? "" : "s", ps->n_header);
		return;
	}
	struct imp_row r = {.line = first->line};
	if (!row_fields_check(ps, &r) || ps->oom) {
		row_free(&r);
		return;
	}
	if (row_keep(ps, &r)) {
		ps->oom = true;
		row_free(&r);
	}
}

/* ---------------------------------------------------- libcsv callbacks */

static void fields_clear(struct pstate *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->fields[i].v);
	ps->n = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct pstate *ps = data;
	if (!ps->fopen) { /* an empty field ended by the byte being fed */
		ps->fline = ps->line;
		ps->fcol = ps->col;
		ps->fquoted = false;
	}
	ps->fopen = false;
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 8;
		struct field *nv = realloc(ps->fields, nc * sizeof(*nv));
		if (!nv) {
			ps->oom = true;
			return;
		}
		ps->fields = nv;
		ps->cap = nc;
	}
	char *v = malloc(len + 1);
	if (!v) {
		ps->oom = true;
		return;
	}
	if (len)
		memcpy(v, s, len);
	v[len] = '\0';
	if (strlen(v) != len)
		error_at(ps, ps->fline, ps->fcol, "a NUL byte in a field");
	ps->fields[ps->n++] = (struct field){v, ps->fline, ps->fcol, ps->fquoted};
}

static void on_row(int c, void *data)
{
	struct pstate *ps = data;
	(void)c;
	ps->fopen = false;
	if (ps->oom || ps->n == 0)
		return;
	if (!ps->header_done) {
		header_take(ps);
		ps->header_done = true;
	} else if (!ps->header_bad) {
		row_take(ps);
	}
	fields_clear(ps);
}

/* ---------------------------------------------------------- the file */

static int uid_cmp(const void *a, const void *b)
{
	const struct imp_row *x = *(const struct imp_row *const *)a;
	const struct imp_row *y = *(const struct imp_row *const *)b;
	int c = strcmp(x->uid, y->uid);
	return c ? c : (x->line < y->line ? -1 : x->line > y->line);
}

/* A uid twice is an error at the later row (a repeated row is one). */
static void duplicates_find(struct pstate *ps)
{
	struct imp_file *f = ps->f;
	if (f->n_rows < 2)
		return;
	const struct imp_row **ix = malloc(f->n_rows * sizeof(*ix));
	if (!ix) {
		ps->oom = true;
		return;
	}
	for (size_t i = 0; i < f->n_rows; i++)
		ix[i] = &f->rows[i];
	qsort(ix, f->n_rows, sizeof(*ix), uid_cmp);
	for (size_t i = 1; i < f->n_rows; i++)
		if (!strcmp(ix[i]->uid, ix[i - 1]->uid)) {
			size_t j = i - 1;
			while (j > 0 && !strcmp(ix[j - 1]->uid, ix[i]->uid))
				j--;
			error_at(ps, ix[i]->line, 1, "duplicate uid \"%s\" (first on line %u)",
				 ix[i]->uid, ix[j]->line);
		}
	free(ix);
}

static void feed(struct pstate *ps, struct csv_parser *p, const char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		i = 3, ps->col = 4; /* a spreadsheet's byte order mark */
	for (; i < len && !ps->oom; i++) {
		unsigned char c = (unsigned char)data[i];
		/* libcsv drops the blanks before a field: so does its place */
		if (!ps->fopen && !strchr(" \t\r\n", c)) {
			ps->fline = ps->line;
			ps->fcol = ps->col;
			ps->fopen = true;
			ps->fquoted = c == '"';
		}
		/* One byte at a time: the callbacks then know the place of the
		 * byte that ended a field, and a refused byte is named exactly. */
		if (csv_parse(p, &c, 1, on_field, on_row, ps) != 1) {
			if (csv_error(p) == CSV_EPARSE)
				error_at(
				    ps, ps->line, ps->col,
				    "broken quote: a field holding '\"' must be quoted whole, "
				    "its quotes doubled (RFC 4180; field from %u:%u)",
				    ps->fline, ps->fcol);
			else
				ps->oom = true;
			return;
		}
		if (c == '\n')
			ps->line++, ps->col = 1;
		else
			ps->col++;
	}
	if (!ps->oom && csv_fini(p, on_field, on_row, ps) != 0)
		error_at(ps, ps->fline, ps->fcol,
			 "broken quote: the quote opened here never closes");
}

int imp_parse(struct imp_file *f, const char *path, const char *data, size_t len,
	      const struct imp_dir *dir)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	struct pstate ps = {.f = f, .dir = dir, .line = 1, .col = 1};
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	feed(&ps, &p, data, len);
	csv_free(&p);
	fields_clear(&ps);
	free(ps.fields);
	if (!ps.oom && !ps.header_done)
		error_at(&ps, 1, 1, "no header line (Email,Name,Role,Groups,Status)");
	if (!ps.oom)
		duplicates_find(&ps);
	if (ps.oom)
		return -1;
	if (f->n_errors) /* qsort of NULL, even for 0, is undefined */
		qsort(f->errors, f->n_errors, sizeof(*f->errors), msg_cmp);
	if (f->n_warnings)
		qsort(f->warnings, f->n_warnings, sizeof(*f->warnings), msg_cmp);
	return f->n_errors ? 1 : 0;
}

void imp_file_free(struct imp_file *f)
{
	for (size_t i = 0; i < f->n_rows; i++)
		row_free(&f->rows[i]);
	for (size_t i = 0; i < f->n_errors; i++)
		free(f->errors[i].text);
	for (size_t i = 0; i < f->n_warnings; i++)
		free(f->warnings[i].text);
	free(f->rows);
	free(f->errors);
	free(f->warnings);
	memset(f, 0, sizeof(*f));
}

/* ---------------------------------------------------------------- LDIF */

/* RFC 2849 SAFE-STRING: else the value is written base64 (attr:: ...). */
static bool ldif_safe(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	if (*p == ' ' || *p == ':' || *p == '<')
		return false;
	for (; *p; p++)
		if (*p == '\n' || *p == '\r' || *p >= 0x80)
			return false;
	return p == (const unsigned char *)v || p[-1] != ' ';
}

static void ldif_attr(FILE *out, const char *attr, const char *v)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (ldif_safe(v)) {
		fprintf(out, "%s: %s\n", attr, v);
		return;
	}
	fprintf(out, "%s:: ", attr);
	const unsigned char *p = (const unsigned char *)v;
	size_t len = strlen(v);
	for (size_t i = 0; i < len; i += 3) {
		uint32_t n = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			n |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			n |= p[i + 2];
		fputc(b64[n >> 18 & 63], out);
		fputc(b64[n >> 12 & 63], out);
		fputc(i + 1 < len ? b64[n >> 6 & 63] : '=', out);
		fputc(i + 2 < len ? b64[n & 63] : '=', out);
	}
	fputc('\n', out);
}

static int ldif_account(const struct imp_row *r, const char *user_base, FILE *out)
{
	fprintf(out, "# line %u: %s\n", r->line,
		r->account_dn ? "account status" : "new account");
	if (r->account_dn) {
		ldif_attr(out, "dn", r->account_dn);
		fputs("changetype: modify\nreplace: rbacAccountStatus\n", out);
		fprintf(out, "rbacAccountStatus: %s\n-\n\n", r->status);
		return 0;
	}
	char *dn;
	if (asprintf(&dn, "uid=%s,%s", r->uid, user_base) < 0)
		return -1;
	ldif_attr(out, "dn", dn);
	free(dn);
	fputs("changetype: add\nobjectClass: inetOrgPerson\nobjectClass: rbacAccount\n", out);
	fprintf(out, "uid: %s\n", r->uid);
	ldif_attr(out, "cn", r->name);
	ldif_attr(out, "sn", r->name);
	ldif_attr(out, "mail", r->email);
	fprintf(out, "rbacAccountStatus: %s\n\n", r->status);
	return 0;
}

static int role_adds_push(struct imp_role_adds **out, size_t *n, const struct imp_grant *g,
			  const char *uid)
{
	size_t i = 0;
	while (i < *n && strcmp((*out)[i].canon, g->canon) != 0)
		i++;
	if (i == *n) {
		struct imp_role_adds *nv = realloc(*out, (*n + 1) * sizeof(*nv));
		if (!nv)
			return -1;
		*out = nv;
		nv[(*n)++] = (struct imp_role_adds){g->canon, g->role_dn, NULL, 0};
	}
	struct imp_role_adds *r = &(*out)[i];
	const char **nu = realloc(r->uids, (r->n + 1) * sizeof(*nu));
	if (!nu)
		return -1;
	r->uids = nu;
	r->uids[r->n++] = uid;
	return 0;
}

int imp_role_adds(const struct imp_file *f, struct imp_role_adds **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < f->n_rows; i++)
		for (size_t g = 0; g < f->rows[i].n_grants; g++)
			if (!f->rows[i].grants[g].held &&
			    role_adds_push(out, n, &f->rows[i].grants[g], f->rows[i].uid)) {
				imp_role_adds_free(*out, *n);
				*out = NULL;
				*n = 0;
				return -1;
			}
	return 0;
}

void imp_role_adds_free(struct imp_role_adds *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].uids);
	free(a);
}

long imp_write_ldif(const struct imp_file *f, const char *user_base, FILE *out)
{
	struct imp_role_adds *adds;
	size_t n_adds;
	long changes = 0;

	if (imp_role_adds(f, &adds, &n_adds))
		return -1;
	for (size_t i = 0; i < f->n_rows; i++) {
		if (f->rows[i].unchanged)
			continue;
		if (ldif_account(&f->rows[i], user_base, out))
			goto fail;
		changes++;
	}
	for (size_t i = 0; i < n_adds; i++, changes++) {
		fprintf(out, "# grant %s: %zu user%s\n", adds[i].canon, adds[i].n,
			adds[i].n == 1 ? "" : "s");
		ldif_attr(out, "dn", adds[i].role_dn);
		fputs("changetype: modify\nadd: memberUid\n", out);
		for (size_t u = 0; u < adds[i].n; u++)
			fprintf(out, "memberUid: %s\n", adds[i].uids[u]);
		fputs("-\n\n", out);
	}
	imp_role_adds_free(adds, n_adds);
	return ferror(out) ? -1 : changes;
fail:
	imp_role_adds_free(adds, n_adds);
	return -1;
}
