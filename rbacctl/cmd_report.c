/*
 * cmd_report.c - `rbacctl report users|privileged|inactive`: CSV (RFC 4180)
 * for an access review, or the same rows as JSON with --json.
 *
 *   users       every rbacAccount: state, roles held, and whether pam_rbac
 *               grants a login (the sshd permission) and sudo (the sudo
 *               permission) right now
 *   privileged  every holder of a role that grants the sudo permission
 *               (host.sudo by default) or any rbac.* permission, in the host
 *               or the global namespace, active or not
 *   inactive    every account that is not active now, with since/until
 *               and the reason when the directory knows them
 *
 * Rows are sorted by uid, then DN, so two reports of the same directory
 * are byte-identical and diff well from one quarter to the next.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/_pam_types.h>

#include "output.h"
#include "rbac_facts.h"
#include "rbac_time.h"
#include "rbacctl.h"

#define CELL_MAX 2048

struct report {
	const char *name;
	const char *const *columns;
	size_t ncols;
	char **cells; /* nrows * ncols */
	size_t nrows, cap;
	bool oom;
};

static void report_add(struct report *rp, const char *const *cells)
{
	if (rp->oom)
		return;
	if (rp->nrows == rp->cap) {
		size_t cap = rp->cap ? rp->cap * 2 : 64;
		char **c = reallocarray(rp->cells, cap * rp->ncols, sizeof(*c));

		if (c == NULL) {
			rp->oom = true;
			return;
		}
		rp->cells = c;
		rp->cap = cap;
	}
	for (size_t i = 0; i < rp->ncols; i++) {
		rp->cells[rp->nrows * rp->ncols + i] = strdup(cells[i] != NULL ? cells[i] : "");
		rp->oom = rp->oom || rp->cells[rp->nrows * rp->ncols + i] == NULL;
	}
	rp->nrows++;
}

static void report_free(struct report *rp)
{
	for (size_t i = 0; i < rp->nrows * rp->ncols; i++)
		free(rp->cells[i]);
	free(rp->cells);
}

/* Rows compare field by field; ctx is the number of fields. */
static int cmp_rows(const void *a, const void *b, void *ctx)
{
	char *const *x = a, *const *y = b;
	size_t ncols = *(const size_t *)ctx;

	for (size_t i = 0; i < ncols; i++) {
		int c = strcmp(x[i], y[i]);

		if (c != 0)
			return c;
	}
	return 0;
}

/* A row is ncols consecutive pointers: qsort_r() moves it as one element. */
static void report_sort(struct report *rp)
{
	if (rp->nrows > 0)
		qsort_r(rp->cells, rp->nrows, rp->ncols * sizeof(char *), cmp_rows, &rp->ncols);
}

static int report_write(const struct report *rp, FILE *out, bool json)
{
	struct json j;

	if (!json) {
		csv_row(out, rp->columns, rp->ncols);
		for (size_t r = 0; r < rp->nrows; r++)
			csv_row(out, (const char *const *)rp->cells + r * rp->ncols, rp->ncols);
		return ferror(out) ? -1 : 0;
	}
	json_begin(&j, out);
	json_object(&j, NULL);
	json_string(&j, "command", "report");
	json_int(&j, "version", 1);
	json_string(&j, "report", rp->name);
	json_array(&j, "rows");
	for (size_t r = 0; r < rp->nrows; r++) {
		json_object(&j, NULL);
		for (size_t c = 0; c < rp->ncols; c++) {
			const char *v = rp->cells[r * rp->ncols + c];

			json_string(&j, rp->columns[c], v[0] != '\0' ? v : NULL);
		}
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
	return json_finish(&j);
}

/* ------------------------------------------------------------ the facts */

/* The account's state now, "invalid_entry" when its uid is claimed twice
 * (as pam_rbac decides). */
static bool holds_now(const struct rbac_role *r, const char *uid, time_t now)
{
	const struct rbac_assignment *a;
	enum rbac_hold h = rbac_role_holds(r, uid, now, &a);

	return h == RBAC_HOLD_MEMBER || h == RBAC_HOLD_ASSIGNED;
}

static const char *state_of(const struct ctl_view *v, const struct rbac_account *a)
{
	const char *attr;
	size_t count;

	view_account(v, a->uid, &count);
	if (count > 1)
		return rbac_reason_name(RBAC_REASON_INVALID_ENTRY);
	return account_state_word(rbac_account_state(a, v->now, &attr));
}

/* The roles uid holds now (memberUid, or an assignment in force), as
 * "ns/role" joined by ';'. */
static void roles_of(const struct ctl_view *v, const char *uid, char *buf, size_t bufsz)
{
	const struct rbac_namespace *spaces[2] = {&v->ns, v->has_global ? &v->global : NULL};
	char ref[ROLE_REF_BUFSZ];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t s = 0; s < 2 && spaces[s] != NULL; s++)
		for (size_t i = 0; i < spaces[s]->n_roles && used < bufsz; i++)
			if (holds_now(&spaces[s]->roles[i], uid, v->now))
				used += (size_t)snprintf(
				    buf + used, bufsz - used, "%s%s", used ? ";" : "",
				    role_ref(spaces[s], &spaces[s]->roles[i], ref,
					     sizeof(ref)));
}

/* pam_rbac's answer for this account and a service, now: the input
 * pam_rbac would build had it read this account (rbac_facts.h). */
static bool may(const struct rbacctl *ctl, const struct ctl_view *v,
		const struct rbac_account *a, const char *service)
{
	struct rbac_decision_input in;
	struct rbac_decision d;
	size_t count;

	view_account(v, a->uid, &count);
	if (rbac_config_is_exempt(&ctl->cfg, a->uid))
		return false; /* an exempt user is not decided by pam_rbac */
	rbac_facts_account_input(&v->ns, v->has_global ? &v->global : NULL, a, count > 1,
				 &ctl->cfg, rbac_config_permission_for(&ctl->cfg, service),
				 v->now, &in);
	rbac_decide(&in, &d);
	return d.pam_code == PAM_SUCCESS;
}

static const char *iso(const struct rbac_time_bound *b, char *buf, size_t bufsz)
{
	if (!b->present)
		return "";
	return b->valid ? format_iso_time(b->t, buf, bufsz) : b->raw;
}

/* ----------------------------------------------------------------- users */

static const char *const users_columns[] = {
    "uid",	     "dn",	   "state",	  "roles", "login", "sudo",
    "status_reason", "valid_from", "valid_until",
};

static void report_users(const struct rbacctl *ctl, const struct ctl_view *v, struct report *rp)
{
	char roles[CELL_MAX], from[32], until[32];

	for (size_t i = 0; i < v->n_accounts; i++) {
		const struct rbac_account *a = &v->accounts[i];
		const char *row[9];

		roles_of(v, a->uid, roles, sizeof(roles));
		row[0] = a->uid;
		row[1] = a->dn;
		row[2] = state_of(v, a);
		row[3] = roles;
		row[4] = may(ctl, v, a, "sshd") ? "yes" : "no";
		row[5] = may(ctl, v, a, "sudo") ? "yes" : "no";
		row[6] = a->status_reason;
		row[7] = iso(&a->valid_from, from, sizeof(from));
		row[8] = iso(&a->valid_until, until, sizeof(until));
		report_add(rp, row);
	}
}

/* ------------------------------------------------------------ privileged */

static const char *const privileged_columns[] = {
    "uid", "dn", "state", "namespace", "role", "privileges", "until", "ticket",
};

/* The privileged permissions role grants, joined by ';'; "" when none. */
static int privileges(const struct rbacctl *ctl, const struct rbac_namespace *ns,
		      const struct rbac_role *r, char *buf, size_t bufsz)
{
	struct rbac_strlist p = RBAC_STRLIST_INIT;
	const char *sudo = rbac_config_permission_for(&ctl->cfg, "sudo");
	size_t used = 0;

	if ((rbac_role_grants(ns, r, sudo) && rbac_strlist_add(&p, sudo) != 0) ||
	    role_admin_grants(ns, r, &p) != 0) {
		rbac_strlist_free(&p);
		return -1;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < p.n && used < bufsz; i++)
		used +=
		    (size_t)snprintf(buf + used, bufsz - used, "%s%s", i ? ";" : "", p.v[i]);
	rbac_strlist_free(&p);
	return 0;
}

/* One holder's row; as is the assignment it holds the role through (its
 * end and ticket), NULL for memberUid. */
static void privileged_row(const struct ctl_view *v, const struct rbac_namespace *ns,
			   const struct rbac_role *r, const char *privs, const char *uid,
			   const struct rbac_assignment *as, struct report *rp)
{
	size_t count;
	const struct rbac_account *a = view_account(v, uid, &count);
	const char *row[8];
	char until[32];

	row[0] = uid;
	row[1] = a != NULL ? a->dn : "";
	row[2] = a != NULL ? state_of(v, a) : rbac_reason_name(RBAC_REASON_UNKNOWN_USER);
	row[3] = ns->name;
	row[4] = r->name;
	row[5] = privs;
	row[6] = as != NULL ? iso(&as->valid_until, until, sizeof(until)) : "";
	row[7] = as != NULL && as->ticket != NULL ? as->ticket : "";
	report_add(rp, row);
}

/* memberUid holders, then the time-bound ones (DESIGN.md §11): each user
 * holding through an assignment in force now, once, with the end of the
 * one rbac_role_holds names. */
static void privileged_holders(const struct ctl_view *v, const struct rbac_namespace *ns,
			       const struct rbac_role *r, const char *privs, struct report *rp)
{
	const struct rbac_assignment *as;

	for (size_t m = 0; m < r->members.n; m++)
		privileged_row(v, ns, r, privs, r->members.v[m], NULL, rp);
	for (size_t k = 0; k < r->n_assignments; k++) {
		const char *uid = r->assignments[k].uid;

		if (rbac_role_holds(r, uid, v->now, &as) == RBAC_HOLD_ASSIGNED &&
		    as == &r->assignments[k])
			privileged_row(v, ns, r, privs, uid, as, rp);
	}
}

static void report_privileged(const struct rbacctl *ctl, const struct ctl_view *v,
			      struct report *rp)
{
	const struct rbac_namespace *spaces[2] = {&v->ns, v->has_global ? &v->global : NULL};
	char privs[CELL_MAX];

	for (size_t s = 0; s < 2 && spaces[s] != NULL; s++)
		for (size_t i = 0; i < spaces[s]->n_roles; i++) {
			const struct rbac_role *r = &spaces[s]->roles[i];

			if (privileges(ctl, spaces[s], r, privs, sizeof(privs)) != 0)
				rp->oom = true;
			else if (privs[0] != '\0')
				privileged_holders(v, spaces[s], r, privs, rp);
		}
}

/* -------------------------------------------------------------- inactive */

static const char *const inactive_columns[] = {
    "uid", "dn", "state", "since", "until", "reason", "roles",
};

/* When the account stopped (or starts) being active, as far as the
 * directory records it: the window's end, its start, the ppolicy lock
 * time. A status change has no date in the entry. */
static void inactive_times(const struct rbac_account *a, enum rbac_reason r, char *since,
			   char *until, size_t bufsz)
{
	time_t t;

	since[0] = until[0] = '\0';
	if (r == RBAC_REASON_EXPIRED && a->valid_until.valid)
		format_iso_time(a->valid_until.t, since, bufsz);
	else if (r == RBAC_REASON_NOT_YET_VALID && a->valid_from.valid)
		format_iso_time(a->valid_from.t, until, bufsz);
	else if (r == RBAC_REASON_LOCKED && a->locked_raw != NULL)
		snprintf(since, bufsz, "%s",
			 rbac_time_parse(a->locked_raw, &t) == 0
			     ? format_iso_time(t, since, bufsz)
			     : a->locked_raw);
}

static const char *inactive_reason(const struct rbac_account *a, enum rbac_reason r,
				   const char *attr, char *buf, size_t bufsz)
{
	if (r == RBAC_REASON_INVALID_ENTRY && attr != NULL)
		snprintf(buf, bufsz, "%s cannot be read", attr);
	else if (r == RBAC_REASON_LOCKED)
		snprintf(buf, bufsz, "locked by the password policy (pwdAccountLockedTime)");
	else
		snprintf(buf, bufsz, "%s", a->status_reason != NULL ? a->status_reason : "");
	return buf;
}

static void report_inactive(const struct ctl_view *v, struct report *rp)
{
	char since[32], until[32], reason[CELL_MAX], roles[CELL_MAX];

	for (size_t i = 0; i < v->n_accounts; i++) {
		const struct rbac_account *a = &v->accounts[i];
		const char *attr = NULL;
		enum rbac_reason r = rbac_account_state(a, v->now, &attr);
		const char *row[7];
		size_t count;

		view_account(v, a->uid, &count);
		if (count > 1 && r == RBAC_REASON_GRANTED) {
			r = RBAC_REASON_INVALID_ENTRY;
			attr = "uid (claimed by two entries)";
		}
		if (r == RBAC_REASON_GRANTED)
			continue;
		inactive_times(a, r, since, until, sizeof(since));
		roles_of(v, a->uid, roles, sizeof(roles));
		row[0] = a->uid;
		row[1] = a->dn;
		row[2] = rbac_reason_name(r);
		row[3] = since;
		row[4] = until;
		row[5] = inactive_reason(a, r, attr, reason, sizeof(reason));
		row[6] = roles;
		report_add(rp, row);
	}
}

/* ------------------------------------------------------------- the command */

struct report_opts {
	const char *which;
	const char *output;
	const char *namespace_name;
};

static int parse_report_args(struct rbacctl *ctl, int argc, char **argv, struct report_opts *o)
{
	const struct ctl_option options[] = {
	    {"output", 'o', &o->output, NULL},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {.options = options, .view = true};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc;
	o->namespace_name = a.namespace_name;
	if (a.operand + 1 != argc)
		return ctl_usage(ctl, "report: one of users, privileged, inactive expected");
	o->which = argv[a.operand];
	if (strcmp(o->which, "users") != 0 && strcmp(o->which, "privileged") != 0 &&
	    strcmp(o->which, "inactive") != 0)
		return ctl_usage(
		    ctl, "report: unknown report '%s' (users, privileged, inactive)", o->which);
	return EXIT_OK;
}

static void report_build(const struct rbacctl *ctl, const struct ctl_view *v, const char *which,
			 struct report *rp)
{
	memset(rp, 0, sizeof(*rp));
	rp->name = which;
	if (strcmp(which, "users") == 0) {
		rp->columns = users_columns;
		rp->ncols = sizeof(users_columns) / sizeof(users_columns[0]);
		report_users(ctl, v, rp);
	} else if (strcmp(which, "privileged") == 0) {
		rp->columns = privileged_columns;
		rp->ncols = sizeof(privileged_columns) / sizeof(privileged_columns[0]);
		report_privileged(ctl, v, rp);
	} else {
		rp->columns = inactive_columns;
		rp->ncols = sizeof(inactive_columns) / sizeof(inactive_columns[0]);
		report_inactive(v, rp);
	}
}

/* ---------------------------------------------------------- the output */

/* A report names people and their rights, so --output FILE always gets a
 * new file: a temporary one in FILE's directory (the rename must not cross
 * file systems), created 0600 with O_EXCL and O_NOFOLLOW by whoever runs
 * rbacctl, written, synced and renamed over FILE. Whatever stood at FILE
 * lends nothing: not the mode and owner of an old file, not the target of
 * a symbolic link (the link itself is replaced). Until the rename FILE is
 * untouched, and a failure removes the temporary file. */
struct output {
	const struct rbacctl *ctl; /* who says what went wrong */
	FILE *f;
	const char *path; /* NULL: standard output */
	char tmp[PATH_MAX];
};

/* FILE's directory and ".NAME.XXXXXX" in it; -1 when too long. */
static int temp_name(const char *path, char *tmp, size_t tmpsz)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (slash == NULL)
		n = snprintf(tmp, tmpsz, ".%s.XXXXXX", path);
	else
		n = snprintf(tmp, tmpsz, "%.*s/.%s.XXXXXX", (int)(slash - path), path,
			     slash + 1);
	return n > 0 && (size_t)n < tmpsz ? 0 : -1;
}

static int output_open(const struct rbacctl *ctl, struct output *o, const char *path)
{
	int fd;

	memset(o, 0, sizeof(*o));
	o->ctl = ctl;
	if (path == NULL || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	o->path = path;
	if (temp_name(path, o->tmp, sizeof(o->tmp)) != 0) {
		ctl_error(ctl, "cannot write %s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	/* mkostemp() creates the file 0600 with O_CREAT | O_EXCL. */
	fd = mkostemp(o->tmp, O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ctl_error(ctl, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		ctl_error(ctl, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		return -1;
	}
	return 0;
}

/* Syncs the directory that holds path, so the rename outlives a crash. */
static int sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd, rc;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Ends the output: flushes standard output, or syncs the temporary file
 * and renames it over FILE. written is false when the report could not be
 * written whole (errno says why). Returns 0, or -1 after saying why. */
static int output_close(struct output *o, bool written)
{
	const struct rbacctl *ctl = o->ctl;
	int err = written ? 0 : (errno != 0 ? errno : EIO);

	if (o->path == NULL) {
		if (fflush(stdout) != 0 || err != 0) {
			ctl_error(ctl, "cannot write the output");
			return -1;
		}
		return 0;
	}
	if ((fflush(o->f) != 0 || fsync(fileno(o->f)) != 0) && err == 0)
		err = errno;
	if (fclose(o->f) != 0 && err == 0)
		err = errno;
	if (err == 0 && rename(o->tmp, o->path) != 0)
		err = errno;
	if (err != 0) {
		ctl_error(ctl, "cannot write %s: %s", o->path, strerror(err));
		unlink(o->tmp);
		return -1;
	}
	if (sync_parent(o->path) != 0) {
		ctl_error(ctl, "wrote %s, but cannot sync its directory: %s", o->path,
			  strerror(errno));
		return -1;
	}
	return 0;
}

static int report_emit(const struct rbacctl *ctl, const struct report_opts *o,
		       const struct report *rp)
{
	struct output out;
	bool written;

	if (output_open(ctl, &out, o->output) != 0)
		return EXIT_ERROR;
	errno = 0;
	written = report_write(rp, out.f, ctl->json) == 0;
	return output_close(&out, written) == 0 ? EXIT_OK : EXIT_ERROR;
}

int cmd_report(struct rbacctl *ctl, int argc, char **argv)
{
	struct report_opts o = {0};
	struct ctl_view v = {0};
	struct report rp = {0};
	int rc;

	if (argc > 1 && strcmp(argv[1], "changes") == 0)
		return cmd_report_changes(ctl, argc - 1, argv + 1);
	rc = parse_report_args(ctl, argc, argv, &o);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	rc = ctl_config(ctl, o.namespace_name);
	if (rc == EXIT_OK)
		rc = ctl_view_load(ctl, &v, true, NULL);
	if (rc == EXIT_OK) {
		report_build(ctl, &v, o.which, &rp);
		if (rp.oom) {
			ctl_error(ctl, "out of memory");
			rc = EXIT_ERROR;
		} else {
			report_sort(&rp);
			rc = report_emit(ctl, &o, &rp);
		}
	}
	report_free(&rp);
	ctl_view_free(&v);
	return rc;
}
