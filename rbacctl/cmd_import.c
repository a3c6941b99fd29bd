/*
 * cmd_import.c - `rbacctl import FILE.csv [--apply] [-D DN -y FILE | -W |
 * -Y EXTERNAL] [-H URI] [--namespace NS]`: validates every row of the bulk file against the
 * directory and prints the LDIF that applies it; with --apply writes it as
 * the administrator (the guarded write layer, write.h), all or nothing:
 * a write that fails has the ones before it undone, in reverse. The rules
 * are grant's and suspend's (cmd_grant.c, through write.h): master-list
 * for every role granted, last-admin for the rows' status changes at once.
 */
#include "config.h"

#include <errno.h>
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "rbacctl.h"
#include "write.h"

/* A bulk file larger than this is not a list of users. */
#define IMPORT_MAX_BYTES (64u << 20)

struct import_dir {
	const struct ctl_view *v;
	char canon[ROLE_REF_BUFSZ];
};

static const char *dir_role_dn(void *data, const char *ref, const char **canon)
{
	struct import_dir *d = data;
	const struct rbac_namespace *ns;
	const struct rbac_role *r = view_lookup_role(d->v, ref, &ns);

	if (r == NULL)
		return NULL;
	*canon = role_ref(ns, r, d->canon, sizeof(d->canon));
	return r->dn;
}

static int dir_holds(void *data, const char *canon, const char *uid)
{
	struct import_dir *d = data;
	const struct rbac_namespace *ns;
	const struct rbac_role *r = view_lookup_role(d->v, canon, &ns);

	return r != NULL && rbac_strlist_contains(&r->members, uid);
}

static const char *dir_account_dn(void *data, const char *uid, const char **status)
{
	struct import_dir *d = data;
	size_t count;
	const struct rbac_account *a = view_account(d->v, uid, &count);

	*status = a != NULL ? a->status_raw : NULL;
	return a != NULL ? a->dn : NULL;
}

static char *read_all(const struct rbacctl *ctl, const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (fp == NULL) {
		ctl_error(ctl, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - *len < 65536) {
			char *nb =
			    cap + 65536 > IMPORT_MAX_BYTES ? NULL : realloc(buf, cap + 65536);
			if (nb == NULL) {
				ctl_error(ctl, "%s: larger than %u MiB, or out of memory", path,
					  IMPORT_MAX_BYTES >> 20);
				goto fail;
			}
			buf = nb;
			cap += 65536;
		}
		size_t n = fread(buf + *len, 1, cap - *len, fp);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		ctl_error(ctl, "%s: cannot read", path);
		goto fail;
	}
	fclose(fp);
	return buf;
fail:
	fclose(fp);
	free(buf);
	return NULL;
}

struct import_args {
	struct ctl_admin admin;
	bool apply;
	const char *file, *ns;
};

static int parse_import_args(struct rbacctl *ctl, int argc, char **argv, struct import_args *ia)
{
	const struct ctl_option options[] = {
	    CTL_ADMIN_OPTIONS(&ia->admin),
	    {"apply", 'a', NULL, &ia->apply},
	    {"namespace", 'n', &ia->ns, NULL},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {
	    .options = options,
	    .help =
		"  checks every row first (an error: FILE:LINE:COLUMN, nothing printed or\n"
		"  written), then prints the LDIF that applies FILE\n" CTL_ADMIN_HELP
		"  -a, --apply               write it as the administrator: all or nothing\n"
		"  -n, --namespace NS        the namespace of a Role without NS/\n",
	};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc;
	if (ctl->json)
		return ctl_usage(ctl, "import: no --json output");
	if (a.operand + 1 != argc)
		return ctl_usage(ctl, "import: exactly one FILE.csv expected");
	if (ia->apply && ia->admin.dry_run)
		return ctl_usage(ctl, "import: --apply and --dry-run exclude each other");
	ia->file = argv[a.operand];
	return EXIT_OK;
}

/* The administrator's identity when given (always for --apply), else the
 * configuration's, which only reads. */
static int import_config(struct rbacctl *ctl, const struct import_args *ia)
{
	char err[RBAC_ERRLEN];
	int rc;

	if (!ia->apply && ia->admin.bind_dn == NULL && ia->admin.password_file == NULL &&
	    !ia->admin.prompt && ia->admin.sasl_mech == NULL)
		return ctl_config(ctl, ia->ns);
	rc = ctl_admin_config(ctl, &ia->admin);
	if (rc == EXIT_OK && ia->ns != NULL &&
	    (rbac_config_set(&ctl->cfg, "namespace", ia->ns, "--namespace", err, sizeof(err)) ||
	     rbac_config_validate(&ctl->cfg, err, sizeof(err)))) {
		ctl_error(ctl, "%s", err);
		rc = EXIT_ERROR;
	}
	return rc;
}

/* ------------------------------------------------------------ the rules */

/* The master-list rule for every role a row grants, as rbacctl grant has
 * it. Prints each refusal; returns how many, or -1 when out of memory. */
static long refuse_outside_master(const struct ctl_view *v, const struct imp_file *f)
{
	char msg[1024];
	long n = 0;

	for (size_t i = 0; i < f->n_rows; i++)
		for (size_t k = 0; k < f->rows[i].n_grants; k++) {
			const struct imp_grant *g = &f->rows[i].grants[k];
			const struct rbac_namespace *ns;
			const struct rbac_role *r = view_lookup_role(v, g->canon, &ns);
			int rc =
			    r != NULL ? ctl_master_list_refusal(ns, r, msg, sizeof(msg)) : 0;

			if (rc < 0)
				return -1;
			if (rc > 0) {
				fprintf(stderr, "%s:%u:%u: refused by master-list: %s\n",
					f->path, g->line, g->col, msg);
				n++;
			}
		}
	return n;
}

/* The uids of the rows that make an existing account inactive. */
static int rows_gone(const struct imp_file *f, struct rbac_strlist *gone)
{
	for (size_t i = 0; i < f->n_rows; i++) {
		const struct imp_row *r = &f->rows[i];

		if (r->account_dn != NULL && !r->unchanged &&
		    strcmp(r->status, "active") != 0 && rbac_strlist_add(gone, r->uid) != 0)
			return -1;
	}
	return 0;
}

/* Each row taking out one of the last full administrators of ns. */
static void print_admins_out(const struct imp_file *f, const struct rbac_namespace *ns,
			     const struct rbac_strlist *before)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n_rows; i++)
		k += rbac_strlist_contains(before, f->rows[i].uid);
	for (size_t i = 0; i < f->n_rows; i++) {
		const struct imp_row *r = &f->rows[i];

		if (!rbac_strlist_contains(before, r->uid))
			continue;
		fprintf(stderr, "%s:%u:%u: refused by last-admin: ", f->path, r->line,
			r->status_col);
		if (k == 1)
			fprintf(stderr, "%s is the last active user", r->uid);
		else
			fprintf(stderr, "%s is one of the %zu last active users", r->uid, k);
		fprintf(
		    stderr,
		    " of namespace %s holding a role that grants rbac.*%s; grant such a role "
		    "to another active user first\n",
		    ns->name, k == 1 ? "" : ", all taken out by this file");
	}
}

/* The last-admin rule as rbacctl suspend has it, for all the rows at once:
 * the host's namespace and the global one each keep an active full
 * administrator when they had one. Prints the refusals; returns how many
 * namespaces refuse, -1 when out of memory. reduces[k]: the file takes a
 * full administrator out of namespace k (then it is checked again once
 * written). */
static long refuse_admins_out(const struct ctl_view *v, const struct imp_file *f,
			      bool reduces[2])
{
	const struct rbac_namespace *nss[2] = {&v->ns, v->has_global ? &v->global : NULL};
	struct rbac_strlist gone = RBAC_STRLIST_INIT;
	const struct ctl_change_set cs = {&gone, NULL, NULL};
	long n = rows_gone(f, &gone);

	for (size_t k = 0; k < 2 && n >= 0; k++) {
		struct rbac_strlist before = RBAC_STRLIST_INIT, after = RBAC_STRLIST_INIT;
		int last = nss[k] != NULL ? ctl_last_admin(v, nss[k], &cs, &before, &after) : 0;

		reduces[k] = false;
		for (size_t i = 0; i < gone.n; i++)
			reduces[k] = reduces[k] || (rbac_strlist_contains(&before, gone.v[i]) &&
						    !rbac_strlist_contains(&after, gone.v[i]));
		if (last < 0)
			n = -1;
		else if (last > 0) {
			print_admins_out(f, nss[k], &before);
			n++;
		}
		rbac_strlist_free(&before);
		rbac_strlist_free(&after);
	}
	rbac_strlist_free(&gone);
	return n;
}

/* ---------------------------------------------------------- the plan */

/* A file checked against the directory as read once, and its LDIF. */
struct import_plan {
	struct ctl_view v;
	struct imp_file f;
	struct import_dir d;
	char *ldif;
	size_t ldif_len;
	long changes;
	bool reduces[2]; /* refuse_admins_out's */
};

static void plan_free(struct import_plan *p)
{
	imp_file_free(&p->f);
	ctl_view_free(&p->v);
	free(p->ldif);
}

/* Reads the directory and checks the file; prints the refusals. EXIT_OK
 * with p->ldif set, or the exit code. */
static int plan_make(struct rbacctl *ctl, const char *path, const char *data, size_t len,
		     struct import_plan *p, bool warn)
{
	FILE *out;
	int rc = ctl_view_load(ctl, &p->v, true, NULL);

	if (rc != EXIT_OK)
		return rc;
	p->d.v = &p->v;
	const struct imp_dir dir = {&p->d, dir_role_dn, dir_holds, dir_account_dn};
	rc = imp_parse(&p->f, path, data, len, &dir);
	if (warn)
		imp_print_msgs(&p->f, p->f.warnings, p->f.n_warnings, "warning: ", stderr);
	if (rc > 0) {
		imp_print_msgs(&p->f, p->f.errors, p->f.n_errors, "", stderr);
		ctl_error(ctl, "%s: %zu error%s: nothing %s", path, p->f.n_errors,
			  p->f.n_errors == 1 ? "" : "s", warn ? "to apply" : "written");
		return EXIT_ERROR;
	}
	if (rc == 0) {
		long refused = refuse_outside_master(&p->v, &p->f), r2 = 0;

		if (refused >= 0)
			r2 = refuse_admins_out(&p->v, &p->f, p->reduces);
		if (refused < 0 || r2 < 0)
			rc = -1;
		else if (refused + r2 > 0) {
			ctl_error(ctl, "%s: refused: nothing %s", path,
				  warn ? "to apply" : "written");
			return EXIT_NO;
		}
	}
	out = rc == 0 ? open_memstream(&p->ldif, &p->ldif_len) : NULL;
	if (out != NULL) {
		p->changes = imp_write_ldif(&p->f, ctl->cfg.ldap.user_base, out);
		if (fclose(out) == 0 && p->changes >= 0)
			return EXIT_OK;
	}
	ctl_error(ctl, "out of memory");
	return EXIT_ERROR;
}

/* ------------------------------------------------------------- writing */

/* What one write did, and the write that takes it back. */
struct undo {
	struct rbac_write w;
	struct rbac_write_mod mod;
	const char *vals[2];
	const char *did; /* "added", "status set", "members added" */
};

struct applier {
	struct rbacctl *ctl;
	struct rbac_dir *dir;
	struct import_plan *p;
	struct undo *undo;
	size_t n_undo;
	char **csn_rows;  /* per row: the account's entryCSN (modified ones) */
	char **csn_roles; /* per role of adds */
	struct imp_role_adds *adds;
	size_t n_adds;
	const char ***uids; /* per role: its NULL-terminated memberUid values */
	char **dns;	    /* per row: the DN written */
};

static int csn_read(struct applier *a, const char *dn, char **out)
{
	char csn[RBAC_CSN_MAX];

	if (rbac_dir_read_csn(a->dir, dn, csn, sizeof(csn)) != RBAC_DIR_OK ||
	    (*out = strdup(csn)) == NULL) {
		ctl_error(a->ctl, "cannot read the entryCSN of %s; nothing was written", dn);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* The entryCSN of every entry the import modifies, read before the
 * directory is read and checked again: a change made after it fails the
 * write that meets it (RFC 4528) instead of landing unchecked. */
static int csns_read(struct applier *a)
{
	const struct imp_file *f = &a->p->f;

	for (size_t i = 0; i < f->n_rows; i++)
		if (f->rows[i].account_dn != NULL &&
		    csn_read(a, f->rows[i].account_dn, &a->csn_rows[i]) != EXIT_OK)
			return EXIT_ERROR;
	for (size_t i = 0; i < a->n_adds; i++)
		if (csn_read(a, a->adds[i].role_dn, &a->csn_roles[i]) != EXIT_OK)
			return EXIT_ERROR;
	return EXIT_OK;
}

/* Puts back every write made, in reverse; `which` says which they were
 * ("made before it" for a write that failed, "of the import" after the
 * last-admin recheck). */
static void undo_all(struct applier *a, const char *which)
{
	char msg[512];
	size_t failed = 0;

	for (size_t i = a->n_undo; i-- > 0;) {
		struct undo *u = &a->undo[i];
		enum rbac_write_result r = rbac_dir_write(a->dir, &u->w, msg, sizeof(msg));

		if (r == RBAC_WRITE_OK) {
			fprintf(stderr, "%s: %s: undone\n", PROG, u->w.dn);
			continue;
		}
		failed++;
		ctl_error(a->ctl, "%s: %s, and could not be undone: %s", u->w.dn, u->did,
			  r == RBAC_WRITE_UNAVAILABLE ? "no answer" : msg);
	}
	if (failed)
		ctl_error(a->ctl,
			  "%zu of the %zu writes made could not be undone: the directory "
			  "holds part of the import (listed above)",
			  failed, a->n_undo);
	else
		ctl_error(a->ctl, "the %zu write%s %s %s undone: the directory is as it was",
			  a->n_undo, a->n_undo == 1 ? "" : "s", which,
			  a->n_undo == 1 ? "was" : "were");
}

/* Sends w; on success records u as its undo. EXIT_OK, or after undoing
 * everything written so far the exit code. */
static int write_one(struct applier *a, const struct rbac_write *w, const struct undo *u)
{
	char msg[512];
	enum rbac_write_result r = rbac_dir_write(a->dir, w, msg, sizeof(msg));

	if (r == RBAC_WRITE_OK) {
		a->undo[a->n_undo] = *u;
		a->undo[a->n_undo].w.mods = &a->undo[a->n_undo].mod;
		if (u->mod.values == u->vals)
			a->undo[a->n_undo].mod.values = a->undo[a->n_undo].vals;
		a->n_undo++;
		return EXIT_OK;
	}
	ctl_error(a->ctl, "%s: %s", w->dn,
		  r == RBAC_WRITE_CHANGED ? "changed by someone else since it was checked"
		  : r == RBAC_WRITE_UNAVAILABLE
		      ? "no answer to the write (it may or may not have "
			"been applied)"
		      : msg);
	undo_all(a, "made before it");
	return r == RBAC_WRITE_UNAVAILABLE ? EXIT_UNAVAILABLE : EXIT_ERROR;
}

static int write_account(struct applier *a, size_t i)
{
	const struct imp_row *r = &a->p->f.rows[i];
	const char *oc[] = {"inetOrgPerson", "rbacAccount", NULL}, *uid[] = {r->uid, NULL};
	const char *cn[] = {r->name, NULL}, *mail[] = {r->email, NULL};
	const char *st[] = {r->status, NULL};
	struct undo u = {.did = r->account_dn ? "its status set" : "added"};

	if (r->account_dn != NULL) {
		size_t count;
		const struct rbac_account *acc = view_account(&a->p->v, r->uid, &count);
		const struct rbac_write_mod mod = {LDAP_MOD_REPLACE, "rbacAccountStatus", st};
		const struct rbac_write w = {RBAC_WRITE_MODIFY, r->account_dn, a->csn_rows[i],
					     &mod, 1};

		u.vals[0] = acc != NULL ? acc->status_raw : NULL;
		u.mod = (struct rbac_write_mod){u.vals[0] ? LDAP_MOD_REPLACE : LDAP_MOD_DELETE,
						"rbacAccountStatus", u.vals};
		u.w = (struct rbac_write){RBAC_WRITE_MODIFY, r->account_dn, NULL, NULL, 1};
		return write_one(a, &w, &u);
	}
	if (asprintf(&a->dns[i], "uid=%s,%s", r->uid, a->ctl->cfg.ldap.user_base) < 0) {
		a->dns[i] = NULL;
		ctl_error(a->ctl, "out of memory");
		undo_all(a, "made before it");
		return EXIT_ERROR;
	}
	const struct rbac_write_mod mods[] = {
	    {LDAP_MOD_ADD, "objectClass", oc}, {LDAP_MOD_ADD, "uid", uid},
	    {LDAP_MOD_ADD, "cn", cn},	       {LDAP_MOD_ADD, "sn", cn},
	    {LDAP_MOD_ADD, "mail", mail},      {LDAP_MOD_ADD, "rbacAccountStatus", st},
	};
	const struct rbac_write w = {RBAC_WRITE_ADD, a->dns[i], NULL, mods, 6};

	u.w = (struct rbac_write){RBAC_WRITE_DELETE, a->dns[i], NULL, NULL, 0};
	return write_one(a, &w, &u);
}

static int write_role(struct applier *a, size_t i)
{
	const struct imp_role_adds *ra = &a->adds[i];
	const char **v = calloc(ra->n + 1, sizeof(*v));
	struct undo u = {.did = "members added"};

	if (v == NULL) {
		ctl_error(a->ctl, "out of memory");
		undo_all(a, "made before it");
		return EXIT_ERROR;
	}
	memcpy(v, ra->uids, ra->n * sizeof(*v));
	a->uids[i] = v;
	const struct rbac_write_mod mod = {LDAP_MOD_ADD, "memberUid", v};
	const struct rbac_write w = {RBAC_WRITE_MODIFY, ra->role_dn, a->csn_roles[i], &mod, 1};

	u.mod = (struct rbac_write_mod){LDAP_MOD_DELETE, "memberUid", v};
	u.w = (struct rbac_write){RBAC_WRITE_MODIFY, ra->role_dn, NULL, NULL, 1};
	return write_one(a, &w, &u);
}

static int writes_run(struct applier *a)
{
	const struct imp_file *f = &a->p->f;
	int rc = EXIT_OK;

	for (size_t i = 0; rc == EXIT_OK && i < f->n_rows; i++)
		if (!f->rows[i].unchanged)
			rc = write_account(a, i);
	for (size_t i = 0; rc == EXIT_OK && i < a->n_adds; i++)
		rc = write_role(a, i);
	return rc;
}

static void applier_free(struct applier *a)
{
	for (size_t i = 0; a->csn_rows && i < a->p->f.n_rows; i++) {
		free(a->csn_rows[i]);
		free(a->dns[i]);
	}
	for (size_t i = 0; a->csn_roles && i < a->n_adds; i++) {
		free(a->csn_roles[i]);
		free(a->uids[i]);
	}
	free(a->csn_rows);
	free(a->dns);
	free(a->csn_roles);
	free(a->uids);
	free(a->undo);
	imp_role_adds_free(a->adds, a->n_adds);
}

static int applier_init(struct applier *a)
{
	size_t rows = a->p->f.n_rows;

	if (imp_role_adds(&a->p->f, &a->adds, &a->n_adds) != 0)
		return -1;
	a->csn_rows = calloc(rows + 1, sizeof(*a->csn_rows));
	a->dns = calloc(rows + 1, sizeof(*a->dns));
	a->csn_roles = calloc(a->n_adds + 1, sizeof(*a->csn_roles));
	a->uids = calloc(a->n_adds + 1, sizeof(*a->uids));
	a->undo = calloc(rows + a->n_adds + 1, sizeof(*a->undo));
	return a->csn_rows && a->dns && a->csn_roles && a->uids && a->undo ? 0 : -1;
}

/* Once written, when the file took out a full administrator: the
 * directory read again, and each namespace it took one out of still has
 * one; when another administrator's change to another entry (not covered
 * by the assertions) together with this import left none, the import is
 * undone, as rbacctl suspend does. */
static int recheck_admins(struct applier *a)
{
	struct ctl_view v;
	const struct ctl_change_set none = {NULL, NULL, NULL};
	const char *left_none = NULL;
	int rc = ctl_view_load(a->ctl, &v, true, NULL);

	for (size_t k = 0; rc == EXIT_OK && k < 2 && left_none == NULL; k++) {
		const struct rbac_namespace *ns = k == 0	 ? &v.ns
						  : v.has_global ? &v.global
								 : NULL;
		struct rbac_strlist l = RBAC_STRLIST_INIT;

		if (ns == NULL || !a->p->reduces[k])
			continue;
		if (ctl_admins_after(&v, ns, &none, &l) != 0)
			rc = EXIT_ERROR;
		else if (l.n == 0)
			left_none = ns->name;
		rbac_strlist_free(&l);
	}
	if (rc != EXIT_OK)
		ctl_error(a->ctl, "warning: the import was written but could not be checked "
				  "again: run rbacctl lint");
	if (left_none != NULL) {
		ctl_error(a->ctl,
			  "refused by rule last-admin: another administrator's concurrent "
			  "change, with this import, left namespace %s without an active full "
			  "administrator",
			  left_none);
		undo_all(a, "of the import");
	}
	ctl_view_free(&v);
	return left_none != NULL ? EXIT_NO : EXIT_OK;
}

/* --apply: the CSNs, the directory read and checked again (the same LDIF,
 * or nothing is written), then every write under its assertion. */
static int import_apply(struct rbacctl *ctl, struct import_plan *p, const char *path,
			const char *data, size_t len)
{
	struct applier a = {.ctl = ctl, .dir = p->v.dir, .p = p};
	struct import_plan again = {0};
	int rc = applier_init(&a) == 0 ? EXIT_OK : EXIT_ERROR;

	if (rc != EXIT_OK)
		ctl_error(ctl, "out of memory");
	if (rc == EXIT_OK)
		rc = csns_read(&a);
	if (rc == EXIT_OK)
		rc = plan_make(ctl, path, data, len, &again, false);
	if (rc == EXIT_OK &&
	    (again.ldif_len != p->ldif_len || memcmp(again.ldif, p->ldif, p->ldif_len) != 0)) {
		ctl_error(ctl,
			  "%s: the directory changed while it was read; nothing was "
			  "written (run the import again)",
			  path);
		rc = EXIT_ERROR;
	}
	if (rc == EXIT_OK) {
		ctl_test_pause_at(1);
		rc = writes_run(&a);
	}
	if (rc == EXIT_OK && (p->reduces[0] || p->reduces[1]))
		rc = recheck_admins(&a);
	if (rc == EXIT_OK)
		fprintf(stderr, "%s: %zu rows, %zu changes applied\n", path, p->f.n_rows,
			a.n_undo);
	plan_free(&again);
	applier_free(&a);
	return rc;
}

int cmd_import(struct rbacctl *ctl, int argc, char **argv)
{
	struct import_args ia = {0};
	struct import_plan p = {0};
	size_t len;
	char *data;
	int rc = parse_import_args(ctl, argc, argv, &ia);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	if ((data = read_all(ctl, ia.file, &len)) == NULL)
		return EXIT_ERROR;
	rc = import_config(ctl, &ia);
	if (rc == EXIT_OK)
		rc = plan_make(ctl, ia.file, data, len, &p, true);
	if (rc == EXIT_OK && !ia.apply) {
		if (fwrite(p.ldif, 1, p.ldif_len, stdout) != p.ldif_len ||
		    fflush(stdout) != 0) {
			ctl_error(ctl, "cannot write the output");
			rc = EXIT_ERROR;
		} else {
			fprintf(stderr, "%s: %zu row%s, %ld change%s (not applied)\n", ia.file,
				p.f.n_rows, p.f.n_rows == 1 ? "" : "s", p.changes,
				p.changes == 1 ? "" : "s");
		}
	} else if (rc == EXIT_OK) {
		rc = import_apply(ctl, &p, ia.file, data, len);
	}
	plan_free(&p);
	free(data);
	return rc;
}
