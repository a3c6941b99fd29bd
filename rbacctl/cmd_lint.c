/*
 * cmd_lint.c - `rbacctl lint`: the directory mistakes that make pam_rbac
 * or libnss_rbac do something other than what the admin meant. Each
 * finding names the entry (DN) and what to change; rbacctl(8) lists the
 * codes.
 *
 * Lint reads what the modules read (the host namespace, the global
 * namespace, every rbacAccount under ldap.user_base) and asks the rules in
 * common/ the questions; it never decides anything by a rule of its own.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output.h"
#include "rbac_names.h"
#include "rbacctl.h"

#define TEXT_MAX 2048

struct finding {
	const char *code;
	char *dn;
	char *message;
};

struct lint {
	struct rbacctl *ctl;
	struct ctl_view v;
	struct finding *f;
	size_t n, cap;
	bool oom;
	bool dir_failed; /* the search for misplaced assignments failed */
	/* What the directory layer said about the data while loading. */
	struct rbac_strlist logged;
};

static void add_finding(struct lint *l, const char *code, const char *dn, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_finding(struct lint *l, const char *code, const char *dn, const char *fmt, ...)
{
	char msg[TEXT_MAX];
	va_list ap;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct finding *f = reallocarray(l->f, cap, sizeof(*f));

		if (f == NULL) {
			l->oom = true;
			return;
		}
		l->f = f;
		l->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->f[l->n].code = code;
	l->f[l->n].dn = strdup(dn != NULL ? dn : "");
	l->f[l->n].message = strdup(msg);
	if (l->f[l->n].dn == NULL || l->f[l->n].message == NULL) {
		free(l->f[l->n].dn);
		free(l->f[l->n].message);
		l->oom = true;
		return;
	}
	l->n++;
}

/* ---------------------------------------------------------------- roles */

static void lint_inherits(struct lint *l, const struct rbac_namespace *ns,
			  const struct rbac_role *r)
{
	for (size_t i = 0; i < r->inherits.n; i++) {
		const struct rbac_role *p = rbac_namespace_find_role(ns, r->inherits.v[i]);

		if (p == NULL)
			add_finding(
			    l, "unknown_inherited_role", r->dn,
			    "rbacInherits \"%s\" names no role of namespace %s, so it grants "
			    "nothing: correct the name or delete the value",
			    r->inherits.v[i], ns->name);
		else if (r->on_cycle && p->on_cycle)
			add_finding(
			    l, "inheritance_cycle", r->dn,
			    "rbacInherits \"%s\" is part of an inheritance cycle, which grants "
			    "nothing: delete one rbacInherits value of the cycle",
			    r->inherits.v[i]);
		else if (p->on_cycle)
			add_finding(
			    l, "inheritance_cycle", r->dn,
			    "rbacInherits \"%s\" names a role on an inheritance cycle (%s), so "
			    "it grants nothing: break the cycle",
			    r->inherits.v[i], p->dn);
	}
}

/* A grant the master list does not admit at all. A pattern the list admits
 * in part ("host.*" under "host.login") is what the list is for: it is
 * trimmed, not reported (rbacctl(8), LINT). */
static bool outside_master(const struct rbac_namespace *ns, const char *grant)
{
	if (!ns->has_master || rbac_perm_list_match(&ns->master, grant, NULL))
		return false;
	for (size_t m = 0; m < ns->master.n; m++)
		if (rbac_perm_match(grant, ns->master.v[m]))
			return false;
	return true;
}

static void lint_grants(struct lint *l, const struct rbac_namespace *ns,
			const struct rbac_role *r)
{
	for (size_t i = 0; i < r->permissions.n; i++)
		if (outside_master(ns, r->permissions.v[i]))
			add_finding(
			    l, "grant_outside_master", r->dn,
			    "rbacPermission \"%s\" is outside the master list of namespace %s "
			    "(%s), so it grants nothing: add it to the namespace's "
			    "rbacPermission values or delete it from the role",
			    r->permissions.v[i], ns->name, ns->dn);
}

static void lint_gid_range(struct lint *l, const struct rbac_namespace *ns,
			   const struct rbac_role *r)
{
	const struct rbac_config *cfg = &l->ctl->cfg;

	if (!r->has_gid || (r->gid >= cfg->nss.gid_min && r->gid <= cfg->nss.gid_max))
		return;
	add_finding(
	    l, "gid_out_of_range", r->dn,
	    "gidNumber %lu is outside nss.gid_min..nss.gid_max (%lu..%lu), so "
	    "libnss_rbac gives the group the hashed gid %lu instead: set a gidNumber "
	    "in the range",
	    r->gid, cfg->nss.gid_min, cfg->nss.gid_max,
	    (unsigned long)rbac_group_gid(ns->name, r, cfg->nss.gid_min, cfg->nss.gid_max));
}

static void lint_members(struct lint *l, const struct rbac_role *r)
{
	size_t count;

	for (size_t i = 0; i < r->members.n; i++)
		if (view_account(&l->v, r->members.v[i], &count) == NULL)
			add_finding(
			    l, "member_without_account", r->dn,
			    "memberUid \"%s\" has no rbacAccount entry under %s, so it "
			    "grants nobody anything: delete the value or create the account",
			    r->members.v[i], l->ctl->cfg.ldap.user_base);
}

/* ---------------------------------------------------- groups (libnss_rbac) */

/* A role that gets no group, as the snapshot writer decides it. */
static void lint_group(struct lint *l, const struct rbac_role_group *e, const char *fmt)
{
	const struct rbac_config *cfg = &l->ctl->cfg;
	const struct rbac_role *r = e->role;

	if (e->fate == RBAC_GROUP_INVALID_NAME)
		add_finding(
		    l, "invalid_group_name", r->dn,
		    "its group name \"%s\" (from \"%s\") is not a valid group name "
		    "(1-%d characters: lowercase letters, digits, '_' and '-', starting "
		    "with a letter or '_'), so libnss_rbac has no group for the role: "
		    "rename the role",
		    e->name, fmt, RBAC_GROUP_NAME_MAX);
	else if (e->fate == RBAC_GROUP_NAME_TAKEN)
		add_finding(l, "group_name_collision", r->dn,
			    "its group name \"%s\" is already the group of %s, so libnss_rbac "
			    "skips this role: rename one of them",
			    e->name, e->same_name->role->dn);
	else if (e->fate == RBAC_GROUP_GID_TAKEN)
		add_finding(
		    l, "gid_collision", r->dn,
		    "its gid %lu (%s) is already the gid of %s (group %s), so libnss_rbac "
		    "skips this role: give one of them another gidNumber in %lu..%lu",
		    (unsigned long)e->gid,
		    r->has_gid && e->gid == r->gid ? "gidNumber" : "hashed",
		    e->same_gid->role->dn, e->same_gid->name, cfg->nss.gid_min,
		    cfg->nss.gid_max);
}

static void lint_groups(struct lint *l)
{
	const struct rbac_config *cfg = &l->ctl->cfg;
	struct rbac_group_plan plan;

	if (rbac_group_plan(&l->v.ns, cfg->nss.group_format,
			    l->v.has_global ? &l->v.global : NULL, cfg->nss.global_group_format,
			    cfg->nss.gid_min, cfg->nss.gid_max, &plan) != 0) {
		l->oom = true;
		return;
	}
	for (size_t i = 0; i < plan.n; i++)
		lint_group(l, &plan.v[i],
			   plan.v[i].ns == &l->v.ns ? cfg->nss.group_format
						    : cfg->nss.global_group_format);
	rbac_group_plan_free(&plan);
}

/* ------------------------------------------------------ administrators */

static bool role_has_active_holder(const struct lint *l, const struct rbac_role *r)
{
	const char *attr;
	size_t count;

	for (size_t i = 0; i < r->members.n; i++) {
		const struct rbac_account *a = view_account(&l->v, r->members.v[i], &count);

		if (a != NULL && count == 1 &&
		    rbac_account_state(a, l->v.now, &attr) == RBAC_REASON_GRANTED)
			return true;
	}
	/* or one holding it through an assignment in force now (DESIGN §11) */
	for (size_t i = 0; i < r->n_assignments; i++) {
		const struct rbac_account *a =
		    view_account(&l->v, r->assignments[i].uid, &count);

		if (a != NULL && count == 1 &&
		    rbac_assignment_in_force(&r->assignments[i], l->v.now) &&
		    rbac_account_state(a, l->v.now, &attr) == RBAC_REASON_GRANTED)
			return true;
	}
	return false;
}

/* Names the roles that would qualify, so the admin knows whom to give
 * which role. */
static void full_admin_roles(const struct rbac_namespace *ns, char *buf, size_t bufsz)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ns->n_roles && used < bufsz; i++)
		if (role_is_full_admin(ns, &ns->roles[i]))
			used += (size_t)snprintf(buf + used, bufsz - used, "%s%s",
						 used ? ", " : "", ns->roles[i].name);
}

static void lint_admins(struct lint *l, const struct rbac_namespace *ns)
{
	struct rbac_strlist need = RBAC_STRLIST_INIT;
	char roles[TEXT_MAX / 2], perms[TEXT_MAX / 2];
	size_t used = 0;

	for (size_t i = 0; i < ns->n_roles; i++)
		if (role_is_full_admin(ns, &ns->roles[i]) &&
		    role_has_active_holder(l, &ns->roles[i]))
			return;
	if (admin_permissions(ns, &need) != 0) {
		l->oom = true;
		return;
	}
	perms[0] = '\0';
	for (size_t i = 0; i < need.n && used < sizeof(perms); i++)
		used += (size_t)snprintf(perms + used, sizeof(perms) - used, "%s%s",
					 used ? ", " : "", need.v[i]);
	full_admin_roles(ns, roles, sizeof(roles));
	if (need.n == 0)
		add_finding(
		    l, "no_full_admin", ns->dn,
		    "the master list admits no rbac.* permission, so nobody can administer "
		    "namespace %s: add the rbac permissions to its rbacPermission values",
		    ns->name);
	else
		add_finding(l, "no_full_admin", ns->dn,
			    "no active user holds a role granting rbac.* (%s) in namespace %s: "
			    "%s%s%s",
			    perms, ns->name,
			    roles[0] ? "add an active user to the memberUid of one of: " : "",
			    roles,
			    roles[0] ? ""
				     : "no role grants all of them; give one role "
				       "rbacPermission rbac.* and an active holder");
	rbac_strlist_free(&need);
}

/* -------------------------------------------------------------- accounts */

static void lint_time(struct lint *l, const struct rbac_account *a, const char *attr,
		      const struct rbac_time_bound *b)
{
	if (b->present && !b->valid)
		add_finding(
		    l, "unreadable_time", a->dn,
		    "%s \"%s\" cannot be read (a GeneralizedTime in whole seconds, such "
		    "as 20261231235959Z, is expected), so pam_rbac denies the user "
		    "(invalid_entry): correct the value",
		    attr, b->raw);
}

static void lint_account(struct lint *l, const struct rbac_account *a)
{
	const struct rbac_account *first;
	char f[32], u[32];
	size_t count;

	if (a->status == RBAC_STATUS_INVALID)
		add_finding(
		    l, "invalid_status", a->dn,
		    "rbacAccountStatus \"%s\" is not one of active, suspended, disabled, "
		    "deleted, so pam_rbac denies the user (invalid_entry): set one of them",
		    a->status_raw);
	lint_time(l, a, "rbacValidFrom", &a->valid_from);
	lint_time(l, a, "rbacValidUntil", &a->valid_until);
	if (a->valid_from.valid && a->valid_until.valid && a->valid_from.t > a->valid_until.t)
		add_finding(
		    l, "inverted_window", a->dn,
		    "rbacValidFrom %s is after rbacValidUntil %s, so the user can never "
		    "log in: correct one of them",
		    format_iso_time(a->valid_from.t, f, sizeof(f)),
		    format_iso_time(a->valid_until.t, u, sizeof(u)));
	first = view_account(&l->v, a->uid, &count);
	if (count > 1 && first != a)
		add_finding(l, "duplicate_uid", a->dn,
			    "uid \"%s\" is also claimed by %s, so pam_rbac denies the user "
			    "(invalid_entry) and libnss_rbac leaves them out: keep one "
			    "rbacAccount entry per uid",
			    a->uid, first->dn);
}

/* ----------------------------------------------------------- assignments */

static void lint_assignment_time(struct lint *l, const struct rbac_assignment *a,
				 const char *attr, const struct rbac_time_bound *b)
{
	if (b->present && !b->valid)
		add_finding(l, "unreadable_time", a->dn,
			    "%s \"%s\" cannot be read (a GeneralizedTime in whole seconds, "
			    "such as 20261231235959Z, is expected), so the assignment grants "
			    "nothing (invalid_entry): correct the value",
			    attr, b->raw);
}

/* An rbacAssignment below a role (DESIGN.md §11): its user, its window. */
static void lint_assignments(struct lint *l, const struct rbac_role *r)
{
	char f[32], u[32];
	size_t count;

	for (size_t i = 0; i < r->n_assignments; i++) {
		const struct rbac_assignment *a = &r->assignments[i];

		if (view_account(&l->v, a->uid, &count) == NULL)
			add_finding(l, "member_without_account", a->dn,
				    "uid \"%s\" has no rbacAccount entry under %s, so the "
				    "assignment grants nobody anything: delete it or create "
				    "the account",
				    a->uid, l->ctl->cfg.ldap.user_base);
		lint_assignment_time(l, a, "rbacValidFrom", &a->valid_from);
		lint_assignment_time(l, a, "rbacValidUntil", &a->valid_until);
		if (a->valid_from.valid && a->valid_until.valid &&
		    a->valid_from.t > a->valid_until.t)
			add_finding(l, "inverted_window", a->dn,
				    "rbacValidFrom %s is after rbacValidUntil %s, so the "
				    "assignment never grants the role: correct one of them",
				    format_iso_time(a->valid_from.t, f, sizeof(f)),
				    format_iso_time(a->valid_until.t, u, sizeof(u)));
	}
}

/* ------------------------------------------- delegated administration */

/* The roles of etc/slapd/rbac-acl.conf (rbac-acl(7)): slapd's access rules
 * give their holders rights in the directory itself, and those rules can
 * only compare strings: a holder counts by memberUid alone, and only when
 * their account says rbacAccountStatus: active. */
static void lint_delegation(struct lint *l, const struct rbac_namespace *ns,
			    const struct rbac_role *r)
{
	const struct rbac_account *a;
	size_t count;

	if (!view_delegation_role(&l->v, ns, r))
		return;
	for (size_t i = 0; i < r->n_assignments; i++)
		add_finding(l, "delegation_assignment", r->assignments[i].dn,
			    "an rbacAssignment below a delegated-administration role "
			    "(rbac-acl(7)) gives \"%s\" no right in the directory: slapd's "
			    "access rules count memberUid only (they cannot compare times): "
			    "add the memberUid value and remove it when the delegation ends, "
			    "or delete this entry",
			    r->assignments[i].uid);
	for (size_t i = 0; i < r->members.n; i++) {
		a = view_account(&l->v, r->members.v[i], &count);
		if (a != NULL && a->status_raw == NULL)
			add_finding(
			    l, "delegate_status_unset", r->dn,
			    "memberUid \"%s\" holds a delegated-administration role "
			    "(rbac-acl(7)), but the account has no rbacAccountStatus, and "
			    "slapd's access rules give rights only to an account that says "
			    "active: set rbacAccountStatus: active on %s",
			    r->members.v[i], a->dn);
	}
}

/* ------------------------------------------------------------- the run */

static void lint_namespace(struct lint *l, const struct rbac_namespace *ns)
{
	for (size_t i = 0; i < ns->n_roles; i++) {
		lint_inherits(l, ns, &ns->roles[i]);
		lint_grants(l, ns, &ns->roles[i]);
		lint_gid_range(l, ns, &ns->roles[i]);
		lint_members(l, &ns->roles[i]);
		lint_assignments(l, &ns->roles[i]);
		lint_delegation(l, ns, &ns->roles[i]);
	}
	lint_admins(l, ns);
}

/* The directory layer's own complaints about entries it read (a gidNumber
 * that is not a number, a value with a NUL byte, two roles with one name)
 * are findings too. Those starting "directory error: " come from
 * rbac_namespace_resolve() and are reported above with advice. */
static void lint_logged(struct lint *l)
{
	for (size_t i = 0; i < l->logged.n; i++) {
		char *m = l->logged.v[i], *sep = strstr(m, ": ");

		if (strncmp(m, "directory error: ", 17) == 0)
			continue;
		/* The loader starts a message about an entry with its DN. */
		if (sep != NULL && memchr(m, '=', (size_t)(sep - m)) != NULL) {
			*sep = '\0';
			add_finding(l, "directory_error", m, "%s", sep + 2);
		} else {
			add_finding(l, "directory_error", "", "%s", m);
		}
	}
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->dn, y->dn);

	if (c == 0)
		c = strcmp(x->code, y->code);
	return c != 0 ? c : strcmp(x->message, y->message);
}

/* slapd accepts an rbacAssignment anywhere (no DIT structure rules); only
 * one directly below an rbacRole grants that role. Lint looks where it
 * reads: the namespaces and ldap.user_base. Returns -1 when the
 * directory could not be asked. */
static int lint_assignment_place(struct lint *l)
{
	const char *bases[3] = {l->v.ns.dn, l->v.has_global ? l->v.global.dn : NULL,
				l->ctl->cfg.ldap.user_base};
	struct rbac_strlist dns = RBAC_STRLIST_INIT;
	enum rbac_dir_result res = rbac_dir_misplaced_assignments(l->v.dir, bases, 3, &dns);

	for (size_t i = 0; res == RBAC_DIR_OK && i < dns.n; i++)
		add_finding(l, "misplaced_assignment", dns.v[i],
			    "an rbacAssignment grants the role it is directly below, and this "
			    "entry's parent is not an rbacRole, so it grants nothing: move it "
			    "below the role (uid=USER,cn=ROLE,cn=NAMESPACE,%s)",
			    l->ctl->cfg.ldap.base);
	rbac_strlist_free(&dns);
	return res == RBAC_DIR_OK ? 0 : -1;
}

static void lint_run(struct lint *l)
{
	lint_namespace(l, &l->v.ns);
	if (l->v.has_global)
		lint_namespace(l, &l->v.global);
	lint_groups(l);
	for (size_t i = 0; i < l->v.n_accounts; i++)
		lint_account(l, &l->v.accounts[i]);
	l->dir_failed = lint_assignment_place(l) != 0;
	lint_logged(l);
	if (l->n > 0) /* l->f is NULL when there is nothing to sort */
		qsort(l->f, l->n, sizeof(*l->f), cmp_finding);
}

/* ---------------------------------------------------------------- output */

static int lint_print(const struct lint *l)
{
	const char *last = NULL;

	for (size_t i = 0; i < l->n; i++) {
		char *dn = text_clean(l->f[i].dn), *msg = text_clean(l->f[i].message);

		if (last == NULL || strcmp(last, l->f[i].dn) != 0)
			printf("%s%s\n", i > 0 ? "\n" : "", dn && dn[0] ? dn : "(directory)");
		printf("  %s: %s\n", l->f[i].code, msg ? msg : "?");
		last = l->f[i].dn;
		free(dn);
		free(msg);
	}
	printf("%s%zu finding%s (namespace %s%s%s, %zu accounts)\n", l->n ? "\n" : "", l->n,
	       l->n == 1 ? "" : "s", l->v.ns.name, l->v.has_global ? ", global namespace " : "",
	       l->v.has_global ? l->v.global.name : "", l->v.n_accounts);
	return ferror(stdout) ? -1 : 0;
}

static int lint_json(const struct lint *l)
{
	struct json j;

	json_begin(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "command", "lint");
	json_int(&j, "version", 1);
	json_string(&j, "namespace", l->v.ns.name);
	json_string(&j, "global_namespace", l->v.has_global ? l->v.global.name : NULL);
	json_int(&j, "accounts", (long long)l->v.n_accounts);
	json_array(&j, "findings");
	for (size_t i = 0; i < l->n; i++) {
		json_object(&j, NULL);
		json_string(&j, "code", l->f[i].code);
		json_string(&j, "dn", l->f[i].dn[0] ? l->f[i].dn : NULL);
		json_string(&j, "message", l->f[i].message);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
	return json_finish(&j);
}

/* ------------------------------------------------------------- the command */

static int parse_lint_args(struct rbacctl *ctl, int argc, char **argv, const char **ns)
{
	struct ctl_args a = {.view = true};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc;
	*ns = a.namespace_name;
	if (a.operand != argc)
		return ctl_usage(ctl, "lint: unexpected argument '%s'", argv[a.operand]);
	return EXIT_OK;
}

static void lint_free(struct lint *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->f[i].dn);
		free(l->f[i].message);
	}
	free(l->f);
	rbac_strlist_free(&l->logged);
	ctl_view_free(&l->v);
}

int cmd_lint(struct rbacctl *ctl, int argc, char **argv)
{
	struct lint l;
	const char *ns = NULL;
	int rc = parse_lint_args(ctl, argc, argv, &ns);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	rc = ctl_config(ctl, ns);
	if (rc != EXIT_OK)
		return rc;
	memset(&l, 0, sizeof(l));
	l.ctl = ctl;
	rc = ctl_view_load(ctl, &l.v, true, &l.logged);
	if (rc == EXIT_OK) {
		lint_run(&l);
		if (l.dir_failed) {
			ctl_error(ctl,
				  "cannot search the directory for rbacAssignment entries");
			rc = EXIT_ERROR;
		} else if (l.oom) {
			ctl_error(ctl, "out of memory");
			rc = EXIT_ERROR;
		} else if ((ctl->json ? lint_json(&l) : lint_print(&l)) != 0 ||
			   fflush(stdout) != 0) {
			ctl_error(ctl, "cannot write the output");
			rc = EXIT_ERROR;
		} else {
			rc = l.n > 0 ? EXIT_NO : EXIT_OK;
		}
	}
	lint_free(&l);
	return rc;
}
