/*
 * rbac_write.c - guarded writes (rbac_write.h): an entry's entryCSN, one
 * modify/add/delete under the assertion control, who the server thinks we
 * are, and the same change as LDIF for --dry-run.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lber.h>
#include <ldap.h>

#include "rbac_conn.h"
#include "rbac_write.h"

/* ------------------------------------------------------------- entryCSN */

struct csn_query {
	const char *dn;
	char *csn;
	size_t csnsz;
};

static enum rbac_dir_result csn_take(LDAP *ld, LDAPMessage *res, struct csn_query *q)
{
	LDAPMessage *e = ldap_first_entry(ld, res);
	struct berval **v;
	enum rbac_dir_result out = RBAC_DIR_ERROR;

	if (e == NULL)
		return RBAC_DIR_NOT_FOUND;
	v = ldap_get_values_len(ld, e, "entryCSN");
	if (v != NULL && v[0] != NULL && v[0]->bv_len < q->csnsz &&
	    memchr(v[0]->bv_val, '\0', v[0]->bv_len) == NULL) {
		memcpy(q->csn, v[0]->bv_val, v[0]->bv_len);
		q->csn[v[0]->bv_len] = '\0';
		out = RBAC_DIR_OK;
	}
	ldap_value_free_len(v);
	return out;
}

static enum rbac_dir_result csn_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	static const char *const attrs[] = {"entryCSN", NULL};
	struct csn_query *q = arg;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out;
	int rc;

	rc = ldap_search_ext_s(rbac_dir_ld(dir), q->dn, LDAP_SCOPE_BASE, "(objectClass=*)",
			       (char **)attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT)
		out = RBAC_DIR_NOT_FOUND;
	else if (rc != LDAP_SUCCESS)
		out = rbac_dir_search_failed(dir, rc, q->dn, lost);
	else if ((out = csn_take(rbac_dir_ld(dir), res, q)) == RBAC_DIR_ERROR)
		rbac_log(rbac_dir_logger(dir), LOG_ERR,
			 "%s: no entryCSN: the guarded writes need a backend that keeps it",
			 q->dn);
	ldap_msgfree(res);
	return out;
}

enum rbac_dir_result rbac_dir_read_csn(struct rbac_dir *dir, const char *dn, char *csn,
				       size_t csnsz)
{
	struct csn_query q = {dn, csn, csnsz};

	csn[0] = '\0';
	return rbac_dir_run(dir, csn_search, &q, false);
}

/* ---------------------------------------------------------------- writes */

struct write_op {
	const struct rbac_write *w;
	char *msg;
	size_t msgsz;
	enum rbac_write_result result;
};

static void free_mods(LDAPMod **mods, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(mods[i]);
	free(mods);
}

/* libldap's form of w's mods; NULL when out of memory. */
static LDAPMod **make_mods(const struct rbac_write *w)
{
	LDAPMod **mods = calloc(w->n_mods + 1, sizeof(*mods));

	if (mods == NULL)
		return NULL;
	for (size_t i = 0; i < w->n_mods; i++) {
		mods[i] = calloc(1, sizeof(**mods));
		if (mods[i] == NULL) {
			free_mods(mods, i);
			return NULL;
		}
		mods[i]->mod_op = w->kind == RBAC_WRITE_ADD ? LDAP_MOD_ADD : w->mods[i].op;
		mods[i]->mod_type = (char *)w->mods[i].attr;
		mods[i]->mod_values = (char **)w->mods[i].values;
	}
	return mods;
}

/* The assertion "(entryCSN=<csn>)" as a critical control, or NULL (none
 * asked for, or *rc set to the failure). */
static LDAPControl *assertion(LDAP *ld, const char *csn, int *rc)
{
	LDAPControl *ctrl = NULL;
	char *esc, *filter = NULL;

	*rc = LDAP_SUCCESS;
	if (csn == NULL)
		return NULL;
	esc = rbac_ldap_escape_filter(csn, strlen(csn));
	if (esc == NULL || asprintf(&filter, "(entryCSN=%s)", esc) < 0)
		filter = NULL;
	free(esc);
	*rc = filter != NULL ? ldap_create_assertion_control(ld, filter, 1, &ctrl)
			     : LDAP_NO_MEMORY;
	free(filter);
	return ctrl;
}

static int send_write(LDAP *ld, const struct rbac_write *w, LDAPControl **sctrls)
{
	LDAPMod **mods;
	int rc;

	if (w->kind == RBAC_WRITE_DELETE)
		return ldap_delete_ext_s(ld, w->dn, sctrls, NULL);
	mods = make_mods(w);
	if (mods == NULL)
		return LDAP_NO_MEMORY;
	if (w->kind == RBAC_WRITE_ADD)
		rc = ldap_add_ext_s(ld, w->dn, mods, sctrls, NULL);
	else
		rc = ldap_modify_ext_s(ld, w->dn, mods, sctrls, NULL);
	free_mods(mods, w->n_mods);
	return rc;
}

static void refusal(LDAP *ld, int rc, char *msg, size_t msgsz)
{
	char *diag = NULL;

	if (msgsz == 0)
		return;
	ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	snprintf(msg, msgsz, "%s%s%s", ldap_err2string(rc),
		 diag != NULL && diag[0] != '\0' ? ": " : "", diag != NULL ? diag : "");
	ldap_memfree(diag);
}

static enum rbac_dir_result write_run(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct write_op *op = arg;
	LDAP *ld = rbac_dir_ld(dir);
	LDAPControl *ctrl, *sctrls[2] = {NULL, NULL};
	int rc;

	(void)lost; /* never resent elsewhere: the first may have been applied */
	ctrl = assertion(ld, op->w->assert_csn, &rc);
	if (rc == LDAP_SUCCESS) {
		sctrls[0] = ctrl;
		rc = send_write(ld, op->w, sctrls);
	}
	ldap_control_free(ctrl);
	if (rc == LDAP_SUCCESS)
		op->result = RBAC_WRITE_OK;
	else if (rc == LDAP_ASSERTION_FAILED || rc == LDAP_NO_SUCH_OBJECT)
		op->result = RBAC_WRITE_CHANGED;
	else if (rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE ||
		 rc == LDAP_BUSY || rc == LDAP_CONNECT_ERROR)
		op->result = RBAC_WRITE_UNAVAILABLE;
	else
		op->result = RBAC_WRITE_REFUSED;
	if (op->result != RBAC_WRITE_OK)
		refusal(ld, rc, op->msg, op->msgsz);
	return RBAC_DIR_OK;
}

enum rbac_write_result rbac_dir_write(struct rbac_dir *dir, const struct rbac_write *w,
				      char *msg, size_t msgsz)
{
	struct write_op op = {w, msg, msgsz, RBAC_WRITE_UNAVAILABLE};
	enum rbac_dir_result r;

	if (msgsz > 0)
		msg[0] = '\0';
	r = rbac_dir_run(dir, write_run, &op, false);
	if (r == RBAC_DIR_OK)
		return op.result;
	if (msgsz > 0 && msg[0] == '\0')
		snprintf(msg, msgsz, "%s",
			 r == RBAC_DIR_UNAVAILABLE ? "no server answered"
						   : "cannot connect and bind");
	return r == RBAC_DIR_UNAVAILABLE ? RBAC_WRITE_UNAVAILABLE : RBAC_WRITE_REFUSED;
}

/* ------------------------------------------------------------ who am I */

struct whoami_query {
	char *out;
	size_t outsz;
};

static enum rbac_dir_result whoami_run(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct whoami_query *q = arg;
	struct berval *id = NULL;
	int rc = ldap_whoami_s(rbac_dir_ld(dir), &id, NULL, NULL);

	if (rc != LDAP_SUCCESS)
		return rbac_dir_search_failed(dir, rc, "(who am I?)", lost);
	q->out[0] = '\0';
	if (id != NULL && id->bv_len > 3 && strncasecmp(id->bv_val, "dn:", 3) == 0 &&
	    id->bv_len - 3 < q->outsz && memchr(id->bv_val, '\0', id->bv_len) == NULL) {
		memcpy(q->out, id->bv_val + 3, id->bv_len - 3);
		q->out[id->bv_len - 3] = '\0';
	}
	ber_bvfree(id);
	return RBAC_DIR_OK;
}

enum rbac_dir_result rbac_dir_whoami(struct rbac_dir *dir, char *out, size_t outsz)
{
	struct whoami_query q = {out, outsz};

	out[0] = '\0';
	return rbac_dir_run(dir, whoami_run, &q, false);
}

/* A DN's string with the spaces around ',', '=' and '+' taken out. */
static void dn_squeeze(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	for (const char *p = in; *p != '\0' && n + 1 < outsz; p++) {
		if (*p == ' ' && (n == 0 || strchr(",=+", out[n - 1]) != NULL ||
				  strchr(",=+ ", p[1]) != NULL || p[1] == '\0'))
			continue;
		out[n++] = *p;
	}
	out[n] = '\0';
}

bool rbac_dn_equal(const char *a, const char *b)
{
	char x[1024], y[1024];

	if (a == NULL || b == NULL || strlen(a) >= sizeof(x) || strlen(b) >= sizeof(y))
		return false;
	dn_squeeze(a, x, sizeof(x));
	dn_squeeze(b, y, sizeof(y));
	return strcasecmp(x, y) == 0;
}

char *rbac_dn_child(const char *attr, const char *value, const char *parent)
{
	LDAPAVA ava = {{strlen(attr), (char *)attr},
		       {strlen(value), (char *)value},
		       LDAP_AVA_STRING,
		       NULL};
	LDAPAVA *rdn[2] = {&ava, NULL};
	LDAPRDN dn[2] = {rdn, NULL};
	char *first = NULL, *out = NULL;

	if (ldap_dn2str(dn, &first, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	if (asprintf(&out, "%s,%s", first, parent) < 0)
		out = NULL;
	ldap_memfree(first);
	return out;
}

/* ----------------------------------------------------------------- LDIF */

/* RFC 2849 SAFE-STRING: no NUL, CR, LF or non-ASCII; no leading space,
 * ':' or '<'; and (our choice) no trailing space, which would not survive
 * editing. */
static bool ldif_safe(const char *s)
{
	size_t len = strlen(s);

	if (len > 0 && (s[0] == ' ' || s[0] == ':' || s[0] == '<' || s[len - 1] == ' '))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p > 126)
			return false;
	return true;
}

static void base64_put(FILE *out, const unsigned char *s, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		fputc(b64[(v >> 18) & 63], out);
		fputc(b64[(v >> 12) & 63], out);
		fputc(i + 1 < len ? b64[(v >> 6) & 63] : '=', out);
		fputc(i + 2 < len ? b64[v & 63] : '=', out);
	}
}

static void ldif_line(FILE *out, const char *attr, const char *value)
{
	if (ldif_safe(value)) {
		fprintf(out, "%s: %s\n", attr, value);
		return;
	}
	fprintf(out, "%s:: ", attr);
	base64_put(out, (const unsigned char *)value, strlen(value));
	fputc('\n', out);
}

static const char *mod_word(int op)
{
	return op == LDAP_MOD_ADD ? "add" : op == LDAP_MOD_DELETE ? "delete" : "replace";
}

static void ldif_values(FILE *out, const struct rbac_write_mod *m)
{
	for (const char *const *v = m->values; v != NULL && *v != NULL; v++)
		ldif_line(out, m->attr, *v);
}

void rbac_write_ldif(FILE *out, const struct rbac_write *w)
{
	ldif_line(out, "dn", w->dn);
	if (w->kind == RBAC_WRITE_DELETE) {
		fputs("changetype: delete\n\n", out);
		return;
	}
	if (w->kind == RBAC_WRITE_ADD) {
		fputs("changetype: add\n", out);
		for (size_t i = 0; i < w->n_mods; i++)
			ldif_values(out, &w->mods[i]);
		fputc('\n', out);
		return;
	}
	fputs("changetype: modify\n", out);
	for (size_t i = 0; i < w->n_mods; i++) {
		fprintf(out, "%s: %s\n", mod_word(w->mods[i].op), w->mods[i].attr);
		ldif_values(out, &w->mods[i]);
		fputs("-\n", out);
	}
	fputc('\n', out);
}
