/*
 * view.c - what the read commands of rbacctl share: configuration, the
 * directory as read once per command, and small questions about it that
 * every command asks the same way (account state, role names, the "full
 * administrator" rule).
 *
 * The rules themselves stay in common/: an account's state comes from
 * rbac_account_state(), grants from rbac_role_grants().
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output.h"
#include "rbac_facts.h"
#include "rbac_names.h"
#include "rbacctl.h"

/* ------------------------------------------------- directory messages */

/* While the directory is read, what the directory layer logs at warning
 * level or worse is held back: when the read fails it explains why and
 * ends rbacctl's own one-line error, in parentheses; when the read succeeds
 * it is about the data (a broken inheritance, a bad gidNumber), and one
 * line pointing to `rbacctl lint` replaces it -- lint lists it all.
 * The capture is the command's logger for that time (ctl->lg), which is
 * how ctl_error() finds the lines it holds. */
struct capture {
	struct rbacctl *ctl;
	struct rbac_logger saved;
	struct rbac_strlist lines;
};

static void capture_log(void *ctx, int priority, const char *message)
{
	struct capture *c = ctx;

	if (priority > LOG_WARNING) {
		rbac_log(&c->saved, priority, "%s", message);
		return;
	}
	if (rbac_strlist_add(&c->lines, message) != 0)
		c->saved.fn(c->saved.ctx, priority, message); /* no memory: say it now */
}

static void capture_begin(struct rbacctl *ctl, struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->ctl = ctl;
	c->saved = ctl->lg;
	ctl->lg.fn = capture_log;
	ctl->lg.ctx = c;
}

/* The capture under way, or NULL. */
static struct capture *capture_of(const struct rbacctl *ctl)
{
	return ctl->lg.fn == capture_log ? ctl->lg.ctx : NULL;
}

/* The held-back lines, joined, for the end of rbacctl's one error line. */
static void capture_take(struct capture *c, char *buf, size_t bufsz)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->lines.n && used < bufsz; i++)
		used += (size_t)snprintf(buf + used, bufsz - used, "%s%s", i ? "; " : " (",
					 c->lines.v[i]);
	if (c->lines.n > 0 && used < bufsz)
		snprintf(buf + used, bufsz - used, ")");
	rbac_strlist_free(&c->lines);
}

/* keep: when not NULL, the held-back lines go there instead (lint). */
static void capture_end(struct capture *c, struct rbac_strlist *keep)
{
	c->ctl->lg = c->saved;
	if (keep != NULL) {
		rbac_strlist_free(keep);
		*keep = c->lines;
		return;
	}
	if (c->lines.n > 0)
		fprintf(stderr,
			"%s: warning: the directory data has %zu problem%s that the "
			"modules work around; run '%s lint' to see them\n",
			PROG, c->lines.n, c->lines.n == 1 ? "" : "s", PROG);
	rbac_strlist_free(&c->lines);
}

/* ---------------------------------------------------------------- errors */

/* word: "error: " or nothing, before the message. */
static void vsay(const struct rbacctl *ctl, const char *word, const char *fmt, va_list ap)
{
	struct capture *c = capture_of(ctl);
	char msg[4096], why[2048] = "";
	char *clean;

	if (c != NULL)
		capture_take(c, why, sizeof(why));
	vsnprintf(msg, sizeof(msg), fmt, ap);
	strncat(msg, why, sizeof(msg) - strlen(msg) - 1);
	clean = text_clean(msg);
	fprintf(stderr, "%s: %s%s\n", PROG, word, clean != NULL ? clean : msg);
	free(clean);
}

void ctl_error(const struct rbacctl *ctl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(ctl, ctl->error_word != NULL ? ctl->error_word : "", fmt, ap);
	va_end(ap);
}

int ctl_usage(const struct rbacctl *ctl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(ctl, "", fmt, ap); /* a command line is not a failure to report */
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", PROG);
	return EXIT_ERROR;
}

/* ---------------------------------------------------------- configuration */

int ctl_config(struct rbacctl *ctl, const char *namespace_name)
{
	char err[RBAC_ERRLEN];

	rbac_config_init(&ctl->cfg);
	ctl->config = rbac_config_load(ctl->config_path, &ctl->cfg, err, sizeof(err));
	if (ctl->config == RBAC_CONFIG_NOT_CONFIGURED && ctl->takes_unconfigured)
		return EXIT_OK;
	if (ctl->config == RBAC_CONFIG_NOT_CONFIGURED) {
		ctl_error(ctl, "%s; set them first (rbac.conf(5))", err);
		return EXIT_ERROR;
	}
	if (ctl->config != RBAC_CONFIG_LOADED ||
	    (namespace_name != NULL && rbac_config_set(&ctl->cfg, "namespace", namespace_name,
						       "--namespace", err, sizeof(err)) != 0) ||
	    rbac_config_validate(&ctl->cfg, err, sizeof(err)) != 0) {
		ctl_error(ctl, "%s", err);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

const char *ctl_not_configured_text(const struct rbacctl *ctl, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz,
		 "not configured: %s sets none of namespace, ldap.uri and ldap.base; "
		 "pam_rbac steps aside for every user (PAM_IGNORE), libnss_rbac has no "
		 "groups, nothing writes a snapshot (rbac.conf(5))",
		 ctl->config_path);
	return buf;
}

/* -------------------------------------------------------------- directory */

/* One line an admin can act on: what was being read, and why it failed.
 * The directory layer has already logged the details (URI, LDAP error). */
static int load_failed(const struct rbacctl *ctl, enum rbac_dir_result r, const char *what,
		       const char *name)
{
	if (r == RBAC_DIR_UNAVAILABLE)
		ctl_error(ctl,
			  "directory unavailable: no server in ldap.uri answered within "
			  "ldap.timeout (%.1f s) while reading %s \"%s\"",
			  ctl->cfg.ldap.timeout, what, name);
	else if (r == RBAC_DIR_NOT_FOUND)
		ctl_error(ctl,
			  "%s \"%s\" not found: there is no rbacNamespace entry cn=%s,%s "
			  "(check namespace and ldap.base in %s)",
			  what, name, name, ctl->cfg.ldap.base, ctl->config_path);
	else
		ctl_error(ctl,
			  "cannot read %s \"%s\" from the directory (see the message above)",
			  what, name);
	return EXIT_ERROR;
}

static int cmp_account_ptr(const void *a, const void *b)
{
	const struct rbac_account *x = *(const struct rbac_account *const *)a;
	const struct rbac_account *y = *(const struct rbac_account *const *)b;

	return strcmp(x->uid, y->uid);
}

/* Every command looks accounts up by uid, once per memberUid value: a
 * sorted index keeps a directory of many thousand users fast. */
static int index_accounts(struct ctl_view *v)
{
	v->by_uid = calloc(v->n_accounts ? v->n_accounts : 1, sizeof(*v->by_uid));
	if (v->by_uid == NULL)
		return -1;
	for (size_t i = 0; i < v->n_accounts; i++)
		v->by_uid[i] = &v->accounts[i];
	qsort(v->by_uid, v->n_accounts, sizeof(*v->by_uid), cmp_account_ptr);
	return 0;
}

static void global_missing(void *ctx, const char *name)
{
	const struct rbacctl *ctl = ctx;

	ctl_error(ctl,
		  "warning: global namespace \"%s\" not found (no entry cn=%s,%s); "
		  "going on without it, as pam_rbac does",
		  name, name, ctl->cfg.ldap.base);
}

/* The read that failed, named for the admin. */
static int read_failed(const struct rbacctl *ctl, const struct rbac_facts *f)
{
	enum rbac_dir_result r = f->failed_result;

	if (f->failed == RBAC_FACTS_READ_GLOBAL)
		return load_failed(ctl, r, "global namespace", ctl->cfg.global_namespace);
	if (f->failed != RBAC_FACTS_READ_ACCOUNTS)
		return load_failed(ctl, r, "namespace", ctl->cfg.namespace_name);
	if (r == RBAC_DIR_UNAVAILABLE)
		return load_failed(ctl, r, "the accounts under", ctl->cfg.ldap.user_base);
	ctl_error(ctl, "cannot read the accounts under \"%s\" (ldap.user_base)",
		  ctl->cfg.ldap.user_base);
	return EXIT_ERROR;
}

/* What was read becomes the view's: the commands keep their names. */
static void take_facts(struct ctl_view *v, struct rbac_facts *f)
{
	v->ns = f->ns;
	v->global = f->global;
	v->has_global = f->has_global;
	v->accounts = f->accounts;
	v->n_accounts = f->n_accounts;
	rbac_facts_init(f);
}

/* The reads of pam_rbac and rbacctl check (rbac_facts_read) without a
 * user: every role of the host and global namespaces, and with accounts
 * every rbacAccount. */
static int view_read(struct rbacctl *ctl, struct ctl_view *v, bool accounts)
{
	struct rbac_facts_request rq = {
	    .cfg = &ctl->cfg,
	    .lg = &ctl->lg,
	    .roles = RBAC_FACTS_ALL_ROLES,
	    .all_accounts = accounts,
	    .global_missing = global_missing,
	    .ctx = ctl,
	};
	struct rbac_facts f;
	int rc;

	memset(v, 0, sizeof(*v));
	rbac_namespace_init(&v->ns);
	rbac_namespace_init(&v->global);
	v->now = time(NULL);
	v->dir = rbac_dir_new(&ctl->cfg, &ctl->lg);
	if (v->dir == NULL) {
		ctl_error(ctl, "out of memory");
		return EXIT_ERROR;
	}
	rbac_facts_init(&f);
	rbac_facts_read(&f, &rq, v->dir);
	rc = f.outcome == RBAC_FACTS_ANSWERED ? EXIT_OK : read_failed(ctl, &f);
	take_facts(v, &f);
	if (rc == EXIT_OK && accounts && index_accounts(v) != 0) {
		ctl_error(ctl, "out of memory");
		return EXIT_ERROR;
	}
	return rc;
}

int ctl_view_load(struct rbacctl *ctl, struct ctl_view *v, bool accounts,
		  struct rbac_strlist *logged)
{
	struct capture c;
	int rc;

	capture_begin(ctl, &c);
	rc = view_read(ctl, v, accounts);
	capture_end(&c, rc == EXIT_OK ? logged : NULL);
	return rc;
}

void ctl_view_capture_begin(struct rbacctl *ctl, struct ctl_view_capture *c)
{
	c->opaque = malloc(sizeof(struct capture));
	if (c->opaque != NULL)
		capture_begin(ctl, c->opaque);
}

void ctl_view_capture_end(struct ctl_view_capture *c)
{
	if (c->opaque != NULL)
		capture_end(c->opaque, NULL);
	free(c->opaque);
	c->opaque = NULL;
}

void ctl_view_free(struct ctl_view *v)
{
	rbac_namespace_free(&v->ns);
	rbac_namespace_free(&v->global);
	rbac_accounts_free(v->accounts, v->n_accounts);
	free(v->by_uid);
	rbac_dir_free(v->dir);
	memset(v, 0, sizeof(*v));
}

const struct rbac_account *view_account(const struct ctl_view *v, const char *uid,
					size_t *count)
{
	size_t lo = 0, hi = v->n_accounts, first;

	*count = 0;
	while (lo < hi) { /* the first entry whose uid is not below uid */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v->by_uid[mid]->uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < v->n_accounts && strcmp(v->by_uid[lo]->uid, uid) == 0)
		lo++;
	*count = lo - first;
	return *count > 0 ? v->by_uid[first] : NULL;
}

/* ---------------------------------------------------------- account state */

/* rbac_decide() over an empty namespace stops at rule 12 (no_roles) for
 * an account that passes rules 5-11, so the one decision table also
 * answers "is this account active now?". */
const char *account_state_word(enum rbac_reason r)
{
	return r == RBAC_REASON_GRANTED ? "active" : rbac_reason_name(r);
}

/* ------------------------------------------------------------------ roles */

const char *role_ref(const struct rbac_namespace *ns, const struct rbac_role *r, char *buf,
		     size_t bufsz)
{
	snprintf(buf, bufsz, "%.255s/%.255s", ns->name, r->name);
	return buf;
}

bool perm_is_pattern(const char *p)
{
	size_t n = strlen(p);

	return strcmp(p, "*") == 0 || (n >= 2 && p[n - 2] == '.' && p[n - 1] == '*');
}

/* The role itself, then every role it inherits (sound edges). */
bool role_in_walk(const struct rbac_namespace *ns, const struct rbac_role *role,
		  const struct rbac_role *r)
{
	return r == role || rbac_role_inherits(ns, role, r);
}

/* What to ask rbac_role_explain() about: every rbacPermission value of
 * the walk, and, for a pattern under a master list, the master values it
 * covers (so "rbac.*" shows as the rbac permissions the list admits). */
int role_permission_candidates(const struct rbac_namespace *ns, const struct rbac_role *role,
			       struct rbac_strlist *out)
{
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];

		for (size_t k = 0; role_in_walk(ns, role, r) && k < r->permissions.n; k++) {
			const char *p = r->permissions.v[k];

			if (!rbac_strlist_contains(out, p) && rbac_strlist_add(out, p) != 0)
				return -1;
			for (size_t m = 0;
			     ns->has_master && perm_is_pattern(p) && m < ns->master.n; m++)
				if (rbac_perm_match(p, ns->master.v[m]) &&
				    !rbac_strlist_contains(out, ns->master.v[m]) &&
				    rbac_strlist_add(out, ns->master.v[m]) != 0)
					return -1;
		}
	}
	return 0;
}

bool view_delegation_role(const struct ctl_view *v, const struct rbac_namespace *ns,
			  const struct rbac_role *r)
{
	if (strcasecmp(r->name, "ns-admin") == 0 || strcasecmp(r->name, "ns-auditor") == 0)
		return true;
	return v->has_global && ns == &v->global && strcasecmp(r->name, "user-support") == 0;
}

const struct rbac_role *view_lookup_role(const struct ctl_view *v, const char *ref,
					 const struct rbac_namespace **ns)
{
	const char *slash = strchr(ref, '/');

	*ns = &v->ns;
	if (slash != NULL) {
		size_t len = (size_t)(slash - ref);

		if (v->has_global && strlen(v->global.name) == len &&
		    strncasecmp(v->global.name, ref, len) == 0)
			*ns = &v->global;
		else if (strlen(v->ns.name) != len || strncasecmp(v->ns.name, ref, len) != 0) {
			*ns = NULL;
			return NULL;
		}
		ref = slash + 1;
	}
	return rbac_namespace_find_role(*ns, ref);
}

const struct rbac_role *view_find_role(const struct rbacctl *ctl, const struct ctl_view *v,
				       const char *ref, const struct rbac_namespace **ns)
{
	const struct rbac_role *r = view_lookup_role(v, ref, ns);
	const char *slash = strchr(ref, '/');

	if (*ns == NULL)
		ctl_error(ctl, "unknown namespace in \"%s\": this host knows %s%s%s", ref,
			  v->ns.name, v->has_global ? " and " : "",
			  v->has_global ? v->global.name : "");
	else if (r == NULL)
		ctl_error(ctl, "no role \"%s\" in namespace %s (no rbacRole entry cn=%s,%s)",
			  slash ? slash + 1 : ref, (*ns)->name, slash ? slash + 1 : ref,
			  (*ns)->dn);
	return r;
}

/* ------------------------------------------------- full administrators */

/* A candidate counts when rbac.* matches it and the master list, if any,
 * admits it: a permission nobody may hold cannot be asked of an admin. */
static int admin_candidate(const struct rbac_namespace *ns, const char *c,
			   struct rbac_strlist *out)
{
	if (!rbac_perm_match("rbac.*", c) || rbac_strlist_contains(out, c))
		return 0;
	if (ns->has_master && !rbac_perm_list_match(&ns->master, c, NULL))
		return 0;
	return rbac_strlist_add(out, c);
}

static int admin_candidates(const struct rbac_namespace *ns, const struct rbac_strlist *l,
			    struct rbac_strlist *out)
{
	for (size_t i = 0; i < l->n; i++)
		if (admin_candidate(ns, l->v[i], out) != 0)
			return -1;
	return 0;
}

int admin_permissions(const struct rbac_namespace *ns, struct rbac_strlist *out)
{
	if (admin_candidate(ns, "rbac.*", out) != 0 ||
	    admin_candidates(ns, &ns->master, out) != 0)
		return -1;
	for (size_t i = 0; i < ns->n_roles; i++)
		if (admin_candidates(ns, &ns->roles[i].permissions, out) != 0 ||
		    admin_candidates(ns, &ns->roles[i].restrictions, out) != 0)
			return -1;
	return 0;
}

bool role_is_full_admin(const struct rbac_namespace *ns, const struct rbac_role *role)
{
	struct rbac_strlist need = RBAC_STRLIST_INIT;
	bool all = admin_permissions(ns, &need) == 0 && need.n > 0;

	for (size_t i = 0; all && i < need.n; i++)
		all = rbac_role_grants(ns, role, need.v[i]);
	rbac_strlist_free(&need);
	return all;
}

int role_admin_grants(const struct rbac_namespace *ns, const struct rbac_role *role,
		      struct rbac_strlist *out)
{
	struct rbac_strlist all = RBAC_STRLIST_INIT;
	int rc = admin_permissions(ns, &all);

	for (size_t i = 0; rc == 0 && i < all.n; i++)
		if (rbac_role_grants(ns, role, all.v[i]))
			rc = rbac_strlist_add(out, all.v[i]);
	rbac_strlist_free(&all);
	return rc;
}

/* ------------------------------------------------------------ NSS groups */

const char *role_group(const struct rbacctl *ctl, const struct ctl_view *v,
		       const struct rbac_namespace *ns, const struct rbac_role *r, char *buf,
		       size_t bufsz, unsigned long *gid)
{
	const char *fmt =
	    ns == &v->ns ? ctl->cfg.nss.group_format : ctl->cfg.nss.global_group_format;

	*gid = rbac_group_gid(ns->name, r, ctl->cfg.nss.gid_min, ctl->cfg.nss.gid_max);
	return rbac_role_group_name(fmt, ns->name, r->name, buf, bufsz) ? buf : NULL;
}

/* ------------------------------------------------------------------ JSON */

void json_role_ref(struct json *j, const char *key, const struct rbac_namespace *ns,
		   const struct rbac_role *r)
{
	if (r == NULL) {
		json_string(j, key, NULL);
		return;
	}
	json_object(j, key);
	json_string(j, "namespace", ns->name);
	json_string(j, "role", r->name);
	json_string(j, "dn", r->dn);
	json_end(j);
}

void json_account(struct json *j, const char *key, const struct rbac_account *a, time_t now)
{
	const char *attr = NULL;

	if (a == NULL) {
		json_string(j, key, NULL);
		return;
	}
	json_object(j, key);
	json_string(j, "uid", a->uid);
	json_string(j, "dn", a->dn);
	json_string(j, "state", account_state_word(rbac_account_state(a, now, &attr)));
	json_string(j, "status", rbac_status_name(a->status));
	json_string(j, "status_raw", a->status_raw);
	json_string(j, "status_reason", a->status_reason);
	json_time(j, "valid_from", a->valid_from.valid, a->valid_from.t);
	json_string(j, "valid_from_raw", a->valid_from.raw);
	json_time(j, "valid_until", a->valid_until.valid, a->valid_until.t);
	json_string(j, "valid_until_raw", a->valid_until.raw);
	json_bool(j, "locked", a->locked);
	json_string(j, "locked_raw", a->locked_raw);
	json_end(j);
}

const char *format_minute_time(time_t t, char *buf, size_t bufsz)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, bufsz, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, bufsz, "?");
	return buf;
}

void json_assignment(struct json *j, const struct rbac_assignment *a)
{
	if (a == NULL) {
		json_string(j, "assignment", NULL);
		return;
	}
	json_object(j, "assignment");
	json_string(j, "dn", a->dn);
	json_time(j, "valid_from", a->valid_from.present, a->valid_from.t);
	json_time(j, "valid_until", a->valid_until.present, a->valid_until.t);
	json_string(j, "ticket", a->ticket);
	json_end(j);
}

const char *hold_text(const struct rbac_assignment *a, char *buf, size_t bufsz)
{
	char when[64];

	if (a == NULL)
		snprintf(buf, bufsz, "memberUid");
	else if (a->valid_until.present)
		snprintf(buf, bufsz, "until %s%s%s%s",
			 format_minute_time(a->valid_until.t, when, sizeof(when)),
			 a->ticket ? " (" : "", a->ticket ? a->ticket : "",
			 a->ticket ? ")" : "");
	else
		snprintf(buf, bufsz, "assignment, no end%s%s%s", a->ticket ? " (" : "",
			 a->ticket ? a->ticket : "", a->ticket ? ")" : "");
	return buf;
}
