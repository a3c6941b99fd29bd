/*
 * cmd_show.c - `rbacctl roles USER`, `rbacctl members ROLE` and
 * `rbacctl permissions ROLE`: the model as the rules see it.
 *
 * A role is named ROLE (the host's namespace) or NS/ROLE. Grants and
 * their origins come from rbac_role_explain() (common/rbac_model.c), so
 * what these commands print is what pam_rbac and libnss_rbac act on.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "rbacctl.h"

#define TEXT_MAX 1024

/* ------------------------------------------------------------- arguments */

/* [--json] [--namespace NS] and one operand. Returns EXIT_OK, EXIT_ERROR,
 * or CTL_HELP_SHOWN. */
static int parse_show_args(struct rbacctl *ctl, int argc, char **argv, const char *what,
			   const char **operand, const char **ns)
{
	struct ctl_args a = {.view = true};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc;
	*ns = a.namespace_name;
	if (a.operand + 1 != argc)
		return ctl_usage(ctl, "%s: exactly one %s expected", argv[0], what);
	*operand = argv[a.operand];
	return EXIT_OK;
}

/* Parses, reads the config and the directory; the command then prints. */
static int show_setup(struct rbacctl *ctl, int argc, char **argv, const char *what,
		      const char **operand, struct ctl_view *v, bool accounts)
{
	const char *ns = NULL;
	int rc = parse_show_args(ctl, argc, argv, what, operand, &ns);

	if (rc != EXIT_OK)
		return rc;
	rc = ctl_config(ctl, ns);
	if (rc != EXIT_OK)
		return rc;
	return ctl_view_load(ctl, v, accounts, NULL);
}

static int output_done(const struct rbacctl *ctl, int rc)
{
	if (rc != 0 || fflush(stdout) != 0) {
		ctl_error(ctl, "cannot write the output");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static const char *group_text(const struct rbacctl *ctl, const struct ctl_view *v,
			      const struct rbac_namespace *ns, const struct rbac_role *r,
			      char *buf, size_t bufsz)
{
	char name[256];
	unsigned long gid;

	if (role_group(ctl, v, ns, r, name, sizeof(name), &gid) == NULL)
		snprintf(buf, bufsz, "(no group: invalid name)");
	else
		snprintf(buf, bufsz, "%s (%lu)", name, gid);
	return buf;
}

static const char *state_text(const struct rbac_account *a, size_t count, time_t now, char *buf,
			      size_t bufsz)
{
	const char *attr = NULL;
	enum rbac_reason r;

	if (a == NULL)
		return "unknown_user (no rbacAccount entry)";
	if (count > 1) {
		snprintf(buf, bufsz, "invalid_entry (%zu entries claim this uid)", count);
		return buf;
	}
	r = rbac_account_state(a, now, &attr);
	if (attr != NULL)
		snprintf(buf, bufsz, "%s (%s)", account_state_word(r), attr);
	else
		snprintf(buf, bufsz, "%s", account_state_word(r));
	return buf;
}

/* ----------------------------------------------------------------- roles */

/* uid holds r directly now: by memberUid (*as NULL), or through the
 * assignment *as in force (DESIGN.md §11). */
static bool holds_now(const struct rbac_role *r, const char *uid, time_t now,
		      const struct rbac_assignment **as)
{
	enum rbac_hold h = rbac_role_holds(r, uid, now, as);

	if (h != RBAC_HOLD_ASSIGNED)
		*as = NULL;
	return h == RBAC_HOLD_MEMBER || h == RBAC_HOLD_ASSIGNED;
}

/* The first role held directly that inherits r, or NULL. */
static const struct rbac_role *held_heir(const struct rbac_namespace *ns,
					 const struct rbac_role *r, const char *uid, time_t now)
{
	const struct rbac_assignment *as;

	for (size_t i = 0; i < ns->n_roles; i++)
		if (holds_now(&ns->roles[i], uid, now, &as) &&
		    rbac_role_inherits(ns, &ns->roles[i], r))
			return &ns->roles[i];
	return NULL;
}

struct user_roles {
	struct rbacctl *ctl;
	struct ctl_view *v;
	const char *uid;
	size_t n;
};

static void user_roles_table(struct user_roles *u, const struct rbac_namespace *ns,
			     struct table *t)
{
	char ref[ROLE_REF_BUFSZ], via[TEXT_MAX], group[300];
	const struct rbac_assignment *as;

	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];
		const struct rbac_role *heir = NULL;

		if (!holds_now(r, u->uid, u->v->now, &as) &&
		    (heir = held_heir(ns, r, u->uid, u->v->now)) == NULL)
			continue;
		u->n++;
		if (heir != NULL)
			snprintf(via, sizeof(via), "via %s",
				 role_ref(ns, heir, ref, sizeof(ref)));
		else
			hold_text(as, via, sizeof(via));
		table_add(t, role_ref(ns, r, ref, sizeof(ref)), via,
			  group_text(u->ctl, u->v, ns, r, group, sizeof(group)));
	}
}

static void user_roles_json(struct user_roles *u, const struct rbac_namespace *ns,
			    struct json *j)
{
	char group[256];
	unsigned long gid;

	const struct rbac_assignment *as;

	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];
		const struct rbac_role *heir = NULL;
		bool direct = holds_now(r, u->uid, u->v->now, &as);

		if (!direct && (heir = held_heir(ns, r, u->uid, u->v->now)) == NULL)
			continue;
		u->n++;
		json_object(j, NULL);
		json_string(j, "namespace", ns->name);
		json_string(j, "role", r->name);
		json_string(j, "dn", r->dn);
		json_bool(j, "direct", direct);
		json_role_ref(j, "via", ns, heir);
		json_string(j, "group",
			    role_group(u->ctl, u->v, ns, r, group, sizeof(group), &gid));
		json_int(j, "gid", (long long)gid);
		json_assignment(j, direct ? as : NULL);
		json_end(j);
	}
}

static int roles_print(struct user_roles *u, const struct rbac_account *a)
{
	char buf[TEXT_MAX];
	struct table t;
	int rc;

	table_init(&t, 2);
	table_add(&t, "user", u->uid);
	table_add(&t, "entry", a != NULL ? a->dn : "(no rbacAccount entry)");
	table_add(&t, "state", state_text(a, 1, u->v->now, buf, sizeof(buf)));
	rc = table_print(&t, stdout, 0);
	table_free(&t);
	table_init(&t, 3);
	table_add(&t, "ROLE", "HOW", "GROUP (GID)");
	user_roles_table(u, &u->v->ns, &t);
	if (u->v->has_global)
		user_roles_table(u, &u->v->global, &t);
	printf("\nroles: %zu\n", u->n);
	if (u->n > 0 && table_print(&t, stdout, 2) != 0)
		rc = -1;
	table_free(&t);
	return rc;
}

static int roles_json(struct user_roles *u, const struct rbac_account *a)
{
	struct json j;

	json_begin(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "command", "roles");
	json_int(&j, "version", 1);
	json_string(&j, "user", u->uid);
	json_account(&j, "account", a, u->v->now);
	json_array(&j, "roles");
	user_roles_json(u, &u->v->ns, &j);
	if (u->v->has_global)
		user_roles_json(u, &u->v->global, &j);
	json_end(&j);
	json_end(&j);
	return json_finish(&j);
}

static bool listed_anywhere(const struct ctl_view *v, const char *uid)
{
	const struct rbac_assignment *as;

	for (size_t i = 0; i < v->ns.n_roles; i++)
		if (holds_now(&v->ns.roles[i], uid, v->now, &as))
			return true;
	for (size_t i = 0; v->has_global && i < v->global.n_roles; i++)
		if (holds_now(&v->global.roles[i], uid, v->now, &as))
			return true;
	return false;
}

int cmd_roles(struct rbacctl *ctl, int argc, char **argv)
{
	struct ctl_view v = {0};
	struct rbac_account a;
	struct user_roles u = {ctl, &v, NULL, 0};
	enum rbac_dir_result r = RBAC_DIR_ERROR;
	int rc = show_setup(ctl, argc, argv, "USER", &u.uid, &v, false);

	rbac_account_init(&a);
	if (rc == EXIT_OK) {
		r = rbac_dir_load_account(v.dir, u.uid, &a);
		if (r == RBAC_DIR_UNAVAILABLE || r == RBAC_DIR_ERROR) {
			ctl_error(ctl, "cannot read the account \"%s\" (see the message above)",
				  u.uid);
			rc = EXIT_ERROR;
		} else if (r == RBAC_DIR_NOT_FOUND && !listed_anywhere(&v, u.uid)) {
			ctl_error(
			    ctl,
			    "unknown user \"%s\": no rbacAccount entry with that uid under %s, "
			    "and no role lists it in memberUid",
			    u.uid, ctl->cfg.ldap.user_base);
			rc = EXIT_ERROR;
		}
	}
	if (rc == EXIT_OK) {
		const struct rbac_account *ap = r == RBAC_DIR_OK ? &a : NULL;

		rc = output_done(ctl, ctl->json ? roles_json(&u, ap) : roles_print(&u, ap));
	}
	rbac_account_free(&a);
	ctl_view_free(&v);
	return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
}

/* --------------------------------------------------------------- members */

struct member_row {
	const char *uid;
	const struct rbac_role *via;	  /* NULL: a holder of the role itself */
	const struct rbac_assignment *as; /* the holding's assignment, NULL: memberUid */
};

struct member_list {
	struct member_row *rows;
	size_t n, cap;
};

/* Adds uid unless it is there already (the first way found is kept). */
static int member_add(struct member_list *l, const char *uid, const struct rbac_role *via,
		      const struct rbac_assignment *as)
{
	for (size_t k = 0; k < l->n; k++)
		if (strcmp(l->rows[k].uid, uid) == 0)
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct member_row *g = reallocarray(l->rows, cap, sizeof(*g));

		if (g == NULL)
			return -1;
		l->rows = g;
		l->cap = cap;
	}
	l->rows[l->n].uid = uid;
	l->rows[l->n].as = as;
	l->rows[l->n++].via = via;
	return 0;
}

/* The holders of r now: memberUid, then the assignments in force. */
static int add_holders(struct member_list *l, const struct rbac_role *r,
		       const struct rbac_role *via, time_t now)
{
	const struct rbac_assignment *as;

	for (size_t m = 0; m < r->members.n; m++)
		if (member_add(l, r->members.v[m], via, NULL) != 0)
			return -1;
	for (size_t k = 0; k < r->n_assignments; k++)
		if (rbac_role_holds(r, r->assignments[k].uid, now, &as) == RBAC_HOLD_ASSIGNED &&
		    member_add(l, r->assignments[k].uid, via, via != NULL ? NULL : as) != 0)
			return -1;
	return 0;
}

/* Direct holders first, then the holders of each role that inherits it. */
static int collect_members(const struct rbac_namespace *ns, const struct rbac_role *role,
			   time_t now, struct member_list *l)
{
	if (add_holders(l, role, NULL, now) != 0)
		return -1;
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];

		if (rbac_role_inherits(ns, r, role) && add_holders(l, r, r, now) != 0)
			return -1;
	}
	return 0;
}

static int members_print(const struct rbacctl *ctl, const struct ctl_view *v,
			 const struct rbac_namespace *ns, const struct rbac_role *role,
			 const struct member_row *rows, size_t n)
{
	char ref[ROLE_REF_BUFSZ], via[TEXT_MAX], buf[TEXT_MAX];
	struct table t;
	int rc;

	table_init(&t, 2);
	table_add(&t, "role", role_ref(ns, role, ref, sizeof(ref)));
	table_add(&t, "entry", role->dn);
	table_add(&t, "group", group_text(ctl, v, ns, role, buf, sizeof(buf)));
	rc = table_print(&t, stdout, 0);
	table_free(&t);
	printf("\nmembers: %zu\n", n);
	table_init(&t, 3);
	table_add(&t, "USER", "HOW", "STATE");
	for (size_t i = 0; i < n; i++) {
		size_t count;
		const struct rbac_account *a = view_account(v, rows[i].uid, &count);

		if (rows[i].via != NULL)
			snprintf(via, sizeof(via), "via %s",
				 role_ref(ns, rows[i].via, ref, sizeof(ref)));
		else
			hold_text(rows[i].as, via, sizeof(via));
		table_add(&t, rows[i].uid, via, state_text(a, count, v->now, buf, sizeof(buf)));
	}
	if (n > 0 && table_print(&t, stdout, 2) != 0)
		rc = -1;
	table_free(&t);
	return rc;
}

static int members_json(const struct rbacctl *ctl, const struct ctl_view *v,
			const struct rbac_namespace *ns, const struct rbac_role *role,
			const struct member_row *rows, size_t n)
{
	char group[256];
	unsigned long gid;
	struct json j;

	json_begin(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "command", "members");
	json_int(&j, "version", 1);
	json_role_ref(&j, "role", ns, role);
	json_string(&j, "group", role_group(ctl, v, ns, role, group, sizeof(group), &gid));
	json_int(&j, "gid", (long long)gid);
	json_array(&j, "members");
	for (size_t i = 0; i < n; i++) {
		size_t count;
		const struct rbac_account *a = view_account(v, rows[i].uid, &count);
		const char *attr = NULL;

		json_object(&j, NULL);
		json_string(&j, "uid", rows[i].uid);
		json_bool(&j, "direct", rows[i].via == NULL);
		json_role_ref(&j, "via", ns, rows[i].via);
		json_assignment(&j, rows[i].as);
		json_string(&j, "dn", a != NULL ? a->dn : NULL);
		if (a == NULL)
			json_string(&j, "state", "unknown_user");
		else if (count > 1)
			json_string(&j, "state", "invalid_entry");
		else
			json_string(&j, "state",
				    account_state_word(rbac_account_state(a, v->now, &attr)));
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
	return json_finish(&j);
}

int cmd_members(struct rbacctl *ctl, int argc, char **argv)
{
	struct ctl_view v = {0};
	const struct rbac_namespace *ns;
	const struct rbac_role *role;
	struct member_list l = {NULL, 0, 0};
	const char *ref = NULL;
	int rc = show_setup(ctl, argc, argv, "ROLE", &ref, &v, true);

	if (rc == EXIT_OK && (role = view_find_role(ctl, &v, ref, &ns)) == NULL)
		rc = EXIT_ERROR;
	if (rc == EXIT_OK && collect_members(ns, role, v.now, &l) != 0) {
		ctl_error(ctl, "out of memory");
		rc = EXIT_ERROR;
	}
	if (rc == EXIT_OK)
		rc =
		    output_done(ctl, ctl->json ? members_json(ctl, &v, ns, role, l.rows, l.n)
					       : members_print(ctl, &v, ns, role, l.rows, l.n));
	free(l.rows);
	ctl_view_free(&v);
	return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
}

/* ----------------------------------------------------------- permissions */

/* Restrictions of the walk that carve permissions out of a granted
 * pattern: "host.* except host.sudo". */
static void pattern_exceptions(const struct rbac_namespace *ns, const struct rbac_role *role,
			       const char *pattern, char *buf, size_t bufsz)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];

		for (size_t k = 0; role_in_walk(ns, role, r) && k < r->restrictions.n; k++) {
			const char *x = r->restrictions.v[k];

			if (!rbac_perm_match(pattern, x) || rbac_role_grants(ns, role, x) ||
			    strstr(buf, x) != NULL || used >= bufsz)
				continue;
			used += (size_t)snprintf(buf + used, bufsz - used, "%s%s",
						 used ? ", " : "", x);
		}
	}
}

/* The master values a pattern covers, joined; empty when none. */
static void master_covered(const struct rbac_namespace *ns, const char *pattern, char *buf,
			   size_t bufsz)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t m = 0; perm_is_pattern(pattern) && m < ns->master.n && used < bufsz; m++)
		if (rbac_perm_match(pattern, ns->master.v[m]))
			used += (size_t)snprintf(buf + used, bufsz - used, "%s%s",
						 used ? ", " : "", ns->master.v[m]);
}

/* One line of explanation for a permission of the candidate list. */
static const char *origin_text(const struct rbac_namespace *ns, const struct rbac_role *role,
			       const char *perm, const struct rbac_denial_info *e, char *buf,
			       size_t bufsz)
{
	char a[ROLE_REF_BUFSZ], b[ROLE_REF_BUFSZ], more[TEXT_MAX];
	size_t n = 0;

	if (e->why == RBAC_DENIAL_NONE) {
		n = (size_t)snprintf(buf, bufsz, "%s",
				     e->source == role ? "own" : "inherited from ");
		if (e->source != role && n < bufsz)
			n += (size_t)snprintf(buf + n, bufsz - n, "%s",
					      role_ref(ns, e->source, a, sizeof(a)));
		if (strcmp(e->pattern, perm) != 0 && n < bufsz)
			n += (size_t)snprintf(buf + n, bufsz - n, " (rbacPermission %s)",
					      e->pattern);
		pattern_exceptions(ns, role, perm, more, sizeof(more));
		if (more[0] != '\0' && n < bufsz)
			snprintf(buf + n, bufsz - n, ", except %s", more);
	} else if (e->why == RBAC_DENIAL_RESTRICTION) {
		snprintf(buf, bufsz, "rbacRestriction %s of %s (granted by %s)", e->restriction,
			 role_ref(ns, e->restricted_by, a, sizeof(a)),
			 role_ref(ns, e->source, b, sizeof(b)));
	} else if (e->why == RBAC_DENIAL_MASTER) {
		master_covered(ns, perm, more, sizeof(more));
		if (more[0] != '\0')
			snprintf(buf, bufsz,
				 "beyond the master list of %s, which admits only %s", ns->name,
				 more);
		else
			snprintf(buf, bufsz, "not in the master list of %s (granted by %s)",
				 ns->name,
				 e->source ? role_ref(ns, e->source, a, sizeof(a)) : "nobody");
	} else {
		snprintf(buf, bufsz, "not granted%s",
			 e->broken ? ": inheritance is broken (run rbacctl lint)" : "");
	}
	return buf;
}

struct perm_view {
	const struct rbac_namespace *ns;
	const struct rbac_role *role;
	struct rbac_strlist cand;
};

static void inherits_text(const struct perm_view *p, char *buf, size_t bufsz)
{
	char ref[ROLE_REF_BUFSZ];
	size_t used = 0;

	snprintf(buf, bufsz, "(nothing)");
	for (size_t i = 0; i < p->ns->n_roles && used < bufsz; i++)
		if (rbac_role_inherits(p->ns, p->role, &p->ns->roles[i]))
			used += (size_t)snprintf(
			    buf + used, bufsz - used, "%s%s", used ? ", " : "",
			    role_ref(p->ns, &p->ns->roles[i], ref, sizeof(ref)));
}

static void perm_rows(const struct perm_view *p, bool granted, struct table *t)
{
	char buf[TEXT_MAX];
	struct rbac_denial_info e;

	for (size_t i = 0; i < p->cand.n; i++) {
		rbac_role_explain(p->ns, p->role, p->cand.v[i], &e);
		if ((e.why == RBAC_DENIAL_NONE) == granted)
			table_add(
			    t, p->cand.v[i],
			    origin_text(p->ns, p->role, p->cand.v[i], &e, buf, sizeof(buf)));
	}
}

static int permissions_print(const struct perm_view *p)
{
	char buf[TEXT_MAX], ref[ROLE_REF_BUFSZ];
	struct table t;
	int rc;

	table_init(&t, 2);
	table_add(&t, "role", role_ref(p->ns, p->role, ref, sizeof(ref)));
	table_add(&t, "entry", p->role->dn);
	inherits_text(p, buf, sizeof(buf));
	table_add(&t, "inherits", buf);
	table_add(&t, "master list", p->ns->has_master ? "yes (limits the grants)" : "none");
	rc = table_print(&t, stdout, 0);
	table_free(&t);
	table_init(&t, 2);
	perm_rows(p, true, &t);
	printf("\neffective permissions: %zu\n", t.nrows);
	if (table_print(&t, stdout, 2) != 0)
		rc = -1;
	table_free(&t);
	table_init(&t, 2);
	perm_rows(p, false, &t);
	if (t.nrows > 0) {
		printf("\nremoved: %zu\n", t.nrows);
		if (table_print(&t, stdout, 2) != 0)
			rc = -1;
	}
	table_free(&t);
	return rc;
}

static const char *denial_word(enum rbac_denial why)
{
	switch (why) {
	case RBAC_DENIAL_MASTER:
		return "master_list";
	case RBAC_DENIAL_RESTRICTION:
		return "restriction";
	case RBAC_DENIAL_MISSING:
		return "missing";
	default:
		return NULL;
	}
}

static void perm_json(const struct perm_view *p, bool granted, struct json *j)
{
	char buf[TEXT_MAX];
	struct rbac_denial_info e;

	json_array(j, granted ? "effective" : "removed");
	for (size_t i = 0; i < p->cand.n; i++) {
		rbac_role_explain(p->ns, p->role, p->cand.v[i], &e);
		if ((e.why == RBAC_DENIAL_NONE) != granted)
			continue;
		json_object(j, NULL);
		json_string(j, "permission", p->cand.v[i]);
		json_string(j, "denial", denial_word(e.why));
		json_role_ref(j, "source", p->ns, e.source);
		json_string(j, "pattern", e.pattern);
		json_role_ref(j, "restricted_by", p->ns, e.restricted_by);
		json_string(j, "restriction", e.restriction);
		json_string(j, "explanation",
			    origin_text(p->ns, p->role, p->cand.v[i], &e, buf, sizeof(buf)));
		json_end(j);
	}
	json_end(j);
}

static int permissions_json(const struct perm_view *p)
{
	struct json j;

	json_begin(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "command", "permissions");
	json_int(&j, "version", 1);
	json_role_ref(&j, "role", p->ns, p->role);
	json_array(&j, "inherits");
	for (size_t i = 0; i < p->ns->n_roles; i++)
		if (rbac_role_inherits(p->ns, p->role, &p->ns->roles[i]))
			json_role_ref(&j, NULL, p->ns, &p->ns->roles[i]);
	json_end(&j);
	if (p->ns->has_master) {
		json_array(&j, "master_list");
		for (size_t i = 0; i < p->ns->master.n; i++)
			json_string(&j, NULL, p->ns->master.v[i]);
		json_end(&j);
	} else {
		json_string(&j, "master_list", NULL);
	}
	perm_json(p, true, &j);
	perm_json(p, false, &j);
	json_end(&j);
	return json_finish(&j);
}

int cmd_permissions(struct rbacctl *ctl, int argc, char **argv)
{
	struct ctl_view v = {0};
	struct perm_view p = {NULL, NULL, RBAC_STRLIST_INIT};
	const char *ref = NULL;
	int rc = show_setup(ctl, argc, argv, "ROLE", &ref, &v, false);

	if (rc == EXIT_OK && (p.role = view_find_role(ctl, &v, ref, &p.ns)) == NULL)
		rc = EXIT_ERROR;
	if (rc == EXIT_OK && role_permission_candidates(p.ns, p.role, &p.cand) != 0) {
		ctl_error(ctl, "out of memory");
		rc = EXIT_ERROR;
	}
	if (rc == EXIT_OK)
		rc = output_done(ctl, ctl->json ? permissions_json(&p) : permissions_print(&p));
	rbac_strlist_free(&p.cand);
	ctl_view_free(&v);
	return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
}
