/*
 * cmd_grant.c - rbacctl grant, revoke, suspend and activate (rbacctl(8),
 * "grant"; DESIGN 12): each plans one change to one entry on the directory
 * as read by the administrator, refuses it when it would break a rule, and
 * leaves the write, its assertion and the second look to write.c.
 *
 * The rules, by the names the refusals print:
 *   user-exists     the user of a grant or status change is an rbacAccount
 *   master-list     a granted role's permissions are all in the namespace's
 *                   master list (when it has one)
 *   last-admin      the namespace keeps at least one active user holding a
 *                   role that grants rbac.* (a full administrator, as lint's
 *                   no_full_admin finding has it)
 *   own-last-role   the administrator bound as USER's own entry cannot
 *                   revoke USER's last role
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "rbac_decision.h"
#include "rbac_time.h"
#include "write.h"

struct change {
	const char *uid;
	const char *role_ref;
	const char *reason; /* suspend */
	const char *ticket; /* grant --ticket */
	time_t until;	    /* grant --for/--until; 0: not time-bound */
	char until_text[16];
	char *assignment_dn[CTL_WRITES_MAX]; /* the plan's, freed by the command */
	const char *values[2];
	const char *values2[2];
	const char *values3[2];
	const char *values4[2];
	bool reduces[2]; /* suspend takes a full administrator out of: the
			    host's namespace, the global one */
	/* What puts a revoke or suspend back (write.h, undo). */
	const char *undo_vals[CTL_WRITES_MAX][CTL_MODS_MAX][2];
};

static const char *const assignment_class[] = {"rbacAssignment", NULL};

/* ------------------------------------------------------------- helpers */

static const struct rbac_account *find_user(const struct rbacctl *ctl, const struct ctl_view *v,
					    const char *uid)
{
	size_t count;
	const struct rbac_account *a = view_account(v, uid, &count);

	if (a == NULL)
		ctl_refuse(ctl, "user-exists", "no rbacAccount entry with uid \"%s\" under %s",
			   uid, ctl->cfg.ldap.user_base);
	else if (count > 1) {
		ctl_refuse(ctl, "user-exists", "%zu rbacAccount entries claim uid \"%s\"",
			   count, uid);
		a = NULL;
	}
	return a;
}

static bool active(const struct ctl_view *v, const char *uid)
{
	const char *attr;
	size_t count;
	const struct rbac_account *a = view_account(v, uid, &count);

	return a != NULL && count == 1 &&
	       rbac_account_state(a, v->now, &attr) == RBAC_REASON_GRANTED;
}

/* Whether who stops holding r as a full administrator with the change:
 * made inactive (in gone), or uid taken out of role `without`. */
static bool taken_out(const struct ctl_change_set *cs, const struct rbac_role *r,
		      const char *who)
{
	return (cs->gone != NULL && rbac_strlist_contains(cs->gone, who)) ||
	       (cs->uid != NULL && r == cs->without && strcmp(who, cs->uid) == 0);
}

static int add_admin(const struct ctl_view *v, const char *who, struct rbac_strlist *out)
{
	if (!active(v, who) || rbac_strlist_contains(out, who))
		return 0;
	return rbac_strlist_add(out, who);
}

int ctl_admins_after(const struct ctl_view *v, const struct rbac_namespace *ns,
		     const struct ctl_change_set *cs, struct rbac_strlist *out)
{
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];

		if (!role_is_full_admin(ns, r))
			continue;
		for (size_t m = 0; m < r->members.n; m++)
			if (!taken_out(cs, r, r->members.v[m]) &&
			    add_admin(v, r->members.v[m], out) != 0)
				return -1;
		for (size_t k = 0; k < r->n_assignments; k++) {
			const struct rbac_assignment *as = &r->assignments[k];

			if (rbac_assignment_in_force(as, v->now) &&
			    !taken_out(cs, r, as->uid) && add_admin(v, as->uid, out) != 0)
				return -1;
		}
	}
	return 0;
}

int ctl_last_admin(const struct ctl_view *v, const struct rbac_namespace *ns,
		   const struct ctl_change_set *cs, struct rbac_strlist *out_before,
		   struct rbac_strlist *out_after)
{
	const struct ctl_change_set none = {NULL, NULL, NULL};

	if (ctl_admins_after(v, ns, &none, out_before) != 0 ||
	    ctl_admins_after(v, ns, cs, out_after) != 0)
		return -1;
	return out_after->n == 0 && out_before->n > 0;
}

static void join(const struct rbac_strlist *l, char *buf, size_t bufsz)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n && used < bufsz; i++)
		used +=
		    (size_t)snprintf(buf + used, bufsz - used, "%s%s", i ? ", " : "", l->v[i]);
}

/* The last-admin rule in ns for a change that takes uid out of role
 * `without` (or makes uid inactive): refused only when it would end the
 * last one. *reduces: uid was one of them and is no more. A namespace
 * with none before is named in the checks only when always_say. */
static int check_last_admin_ns(const struct rbacctl *ctl, const struct ctl_view *v,
			       const struct rbac_namespace *ns, const struct ctl_change_set *cs,
			       bool always_say, struct ctl_plan *p, bool *reduces)
{
	struct rbac_strlist before = RBAC_STRLIST_INIT, after = RBAC_STRLIST_INIT;
	char names[512];
	int last = ctl_last_admin(v, ns, cs, &before, &after), rc = EXIT_OK;

	if (last < 0)
		rc = EXIT_ERROR;
	else if (last)
		rc =
		    ctl_refuse(ctl, "last-admin",
			       "%s is the last active user of namespace %s holding a role that "
			       "grants rbac.*; grant such a role to another active user first",
			       cs->uid, ns->name);
	else if (always_say || before.n > 0) {
		join(&after, names, sizeof(names));
		if (ctl_plan_check(p, "last-admin",
				   "%zu active full administrator(s) of %s remain: %s", after.n,
				   ns->name, after.n ? names : "(none before either)") != 0)
			rc = EXIT_ERROR;
	}
	if (rc == EXIT_ERROR)
		ctl_error(ctl, "out of memory");
	*reduces =
	    rbac_strlist_contains(&before, cs->uid) && !rbac_strlist_contains(&after, cs->uid);
	rbac_strlist_free(&before);
	rbac_strlist_free(&after);
	return rc;
}

/* write.h's recheck: the namespace of the change still has an active full
 * administrator; EXIT_NO when not. */
static int still_administered(const struct rbac_namespace *ns, const struct ctl_view *v)
{
	const struct ctl_change_set none = {NULL, NULL, NULL};
	struct rbac_strlist l = RBAC_STRLIST_INIT;
	int rc = ctl_admins_after(v, ns, &none, &l) != 0 ? EXIT_ERROR
		 : l.n > 0				 ? EXIT_OK
							 : EXIT_NO;

	rbac_strlist_free(&l);
	return rc;
}

/* As lint's grant_outside_master: a pattern the list admits in part
 * ("rbac.*" under "rbac.users.manage") is trimmed by the list, not outside. */
static bool admitted(const struct rbac_namespace *ns, const char *grant)
{
	if (rbac_perm_list_match(&ns->master, grant, NULL))
		return true;
	for (size_t m = 0; m < ns->master.n; m++)
		if (rbac_perm_match(grant, ns->master.v[m]))
			return true;
	return false;
}

/* Permissions of role and of the roles it inherits (sound paths only)
 * outside the master list, appended to out. */
static int outside_master(const struct rbac_namespace *ns, const struct rbac_role *r,
			  size_t depth, struct rbac_strlist *out)
{
	if (!ns->has_master || depth > ns->n_roles)
		return 0;
	for (size_t i = 0; i < r->permissions.n; i++) {
		const char *perm = r->permissions.v[i];

		if (!admitted(ns, perm) && !rbac_strlist_contains(out, perm) &&
		    rbac_strlist_add(out, perm) != 0)
			return -1;
	}
	for (size_t i = 0; i < r->n_parents; i++)
		if (outside_master(ns, &ns->roles[r->parents[i]], depth + 1, out) != 0)
			return -1;
	return 0;
}

int ctl_master_list_refusal(const struct rbac_namespace *ns, const struct rbac_role *r,
			    char *msg, size_t msgsz)
{
	struct rbac_strlist out = RBAC_STRLIST_INIT;
	char names[512];
	int rc = outside_master(ns, r, 0, &out) != 0 ? -1 : out.n > 0;

	if (rc > 0) {
		join(&out, names, sizeof(names));
		snprintf(msg, msgsz,
			 "role %s/%s grants permissions outside the master list of namespace "
			 "%s: %s",
			 ns->name, r->name, ns->name, names);
	}
	rbac_strlist_free(&out);
	return rc;
}

static int check_master_list(const struct rbacctl *ctl, const struct rbac_namespace *ns,
			     const struct rbac_role *r, struct ctl_plan *p)
{
	char msg[1024];
	int rc = ctl_master_list_refusal(ns, r, msg, sizeof(msg));

	if (rc > 0)
		return ctl_refuse(ctl, "master-list", "%s", msg);
	if (rc == 0 && ctl_plan_check(p, "master-list", "%s",
				      ns->has_master ? "every permission of the role is in the "
						       "namespace's master list"
						     : "the namespace has no master list") == 0)
		return EXIT_OK;
	ctl_error(ctl, "out of memory");
	return EXIT_ERROR;
}

static size_t roles_held(const struct rbac_namespace *ns, const char *uid,
			 const struct rbac_role *without, time_t now)
{
	const struct rbac_assignment *a;
	size_t n = 0;

	for (size_t i = 0; i < ns->n_roles; i++) {
		enum rbac_hold h = rbac_role_holds(&ns->roles[i], uid, now, &a);

		if (&ns->roles[i] != without &&
		    (h == RBAC_HOLD_MEMBER || h == RBAC_HOLD_ASSIGNED))
			n++;
	}
	return n;
}

static int check_own_last_role(const struct rbacctl *ctl, const struct ctl_view *v,
			       const struct rbac_account *a, const struct rbac_role *r,
			       struct ctl_plan *p)
{
	char me[1024];
	size_t left;

	if (rbac_dir_whoami(v->dir, me, sizeof(me)) != RBAC_DIR_OK) {
		ctl_error(ctl, "cannot ask the directory who the administrator is");
		return EXIT_ERROR;
	}
	left = roles_held(&v->ns, a->uid, r, v->now) +
	       (v->has_global ? roles_held(&v->global, a->uid, r, v->now) : 0);
	if (rbac_dn_equal(me, a->dn) && left == 0)
		return ctl_refuse(ctl, "own-last-role",
				  "%s is bound as %s and would remove their own last role", me,
				  a->uid);
	return ctl_plan_check(p, "own-last-role", "%s (%zu other role(s) left to %s)",
			      rbac_dn_equal(me, a->dn) ? "the administrator is the user"
						       : "the administrator is not the user",
			      left, a->uid) == 0
		   ? EXIT_OK
		   : EXIT_ERROR;
}

/* --------------------------------------------------------------- grant */

/* The assignment entry of c->uid below r: "uid=USER,<role>" (DESIGN 11).
 * Stored in c->assignment_dn[slot]; NULL when out of memory. */
static const char *assignment_dn(struct change *c, const struct rbac_role *r, size_t slot)
{
	free(c->assignment_dn[slot]);
	c->assignment_dn[slot] = rbac_dn_child("uid", c->uid, r->dn);
	return c->assignment_dn[slot];
}

/* Does the entry dn exist (a base search as the admin)? -1: cannot tell. */
static int entry_exists(const struct rbacctl *ctl, const struct ctl_view *v, const char *dn)
{
	char csn[RBAC_CSN_MAX];
	enum rbac_dir_result r = rbac_dir_read_csn(v->dir, dn, csn, sizeof(csn));

	if (r == RBAC_DIR_OK || r == RBAC_DIR_NOT_FOUND)
		return r == RBAC_DIR_OK;
	ctl_error(ctl, "cannot read %s", dn);
	return -1;
}

/* The assignment entry dn of r as the directory layer read it, or NULL. */
static const struct rbac_assignment *assignment_read(const struct rbac_role *r, const char *dn)
{
	for (size_t i = 0; i < r->n_assignments; i++)
		if (rbac_dn_equal(r->assignments[i].dn, dn))
			return &r->assignments[i];
	return NULL;
}

/* grant --for/--until: the rbacAssignment entry uid=USER,<role>, added;
 * when it exists, its window replaced by [now, the end] (a start it had
 * is removed: a grant is from now) and its ticket by --ticket when given
 * (else kept). One entry per user and role is grant's: other windows of
 * the same user and role are entries of another RDN (rbacctl(8)). */
static int plan_assignment(struct rbacctl *ctl, const struct ctl_view *v, struct change *c,
			   const struct rbac_role *r, const char *ref, struct ctl_plan *p)
{
	const char *dn = assignment_dn(c, r, 0);
	const struct rbac_assignment *old;
	struct rbac_write *w;
	int exists;

	if (dn == NULL || (exists = entry_exists(ctl, v, dn)) < 0)
		return EXIT_ERROR;
	old = exists ? assignment_read(r, dn) : NULL;
	c->values[0] = c->uid;
	c->values2[0] = c->until_text;
	c->values3[0] = c->ticket;
	w = ctl_plan_write(p, exists ? RBAC_WRITE_MODIFY : RBAC_WRITE_ADD, dn);
	if (!exists) {
		ctl_plan_mod(p, w, LDAP_MOD_ADD, "objectClass", assignment_class);
		ctl_plan_mod(p, w, LDAP_MOD_ADD, "uid", c->values);
	}
	ctl_plan_mod(p, w, LDAP_MOD_REPLACE, "rbacValidUntil", c->values2);
	if (old != NULL && old->valid_from.raw != NULL)
		ctl_plan_mod(p, w, LDAP_MOD_DELETE, "rbacValidFrom", NULL);
	if (c->ticket != NULL)
		ctl_plan_mod(p, w, LDAP_MOD_REPLACE, "rbacTicket", c->values3);
	snprintf(p->done, sizeof(p->done), "granted %s to %s until %s%s%s%s%s", ref, c->uid,
		 c->until_text, c->ticket != NULL ? " (" : "",
		 c->ticket != NULL ? c->ticket : "", c->ticket != NULL ? ")" : "",
		 exists ? ": its assignment entry's window replaced, from now" : "");
	return EXIT_OK;
}

static int plan_grant(struct rbacctl *ctl, const struct ctl_view *v, void *arg,
		      struct ctl_plan *p)
{
	struct change *c = arg;
	const struct rbac_namespace *ns;
	const struct rbac_account *a = find_user(ctl, v, c->uid);
	const struct rbac_role *r;
	struct rbac_write *w;
	char ref[ROLE_REF_BUFSZ];
	int rc;

	if (a == NULL)
		return EXIT_ERROR;
	if ((r = view_find_role(ctl, v, c->role_ref, &ns)) == NULL)
		return EXIT_ERROR;
	role_ref(ns, r, ref, sizeof(ref));
	if (ctl_plan_check(p, "user-exists", "%s is %s", c->uid, a->dn) != 0)
		return EXIT_ERROR;
	rc = check_master_list(ctl, ns, r, p);
	if (rc != EXIT_OK)
		return rc;
	if (rbac_role_has_member(r, c->uid)) {
		snprintf(p->done, sizeof(p->done), "%s already holds %s (memberUid)", c->uid,
			 ref);
		return EXIT_OK;
	}
	if (c->until != 0 && view_delegation_role(v, ns, r))
		return ctl_refuse(
		    ctl, "delegation-window",
		    "%s is a delegated-administration role (rbac-acl(7)): slapd's "
		    "access rules count its memberUid values only and cannot compare "
		    "times, so a time-bound grant would give %s no right in the "
		    "directory; grant it without --for/--until and revoke it when the "
		    "delegation ends",
		    ref, c->uid);
	if (c->until != 0)
		return plan_assignment(ctl, v, c, r, ref, p);
	c->values[0] = c->uid;
	w = ctl_plan_write(p, RBAC_WRITE_MODIFY, r->dn);
	ctl_plan_mod(p, w, LDAP_MOD_ADD, "memberUid", c->values);
	snprintf(p->done, sizeof(p->done), "granted %s to %s", ref, c->uid);
	return EXIT_OK;
}

/* -------------------------------------------------------------- revoke */

/* The assignment entries of c->uid below r: the canonical one when it
 * exists, and any other the directory layer read. Each becomes a delete. */
static int plan_unassign(struct rbacctl *ctl, const struct ctl_view *v, struct change *c,
			 const struct rbac_role *r, struct ctl_plan *p)
{
	const char *dn = assignment_dn(c, r, 0);
	int exists;

	if (dn == NULL || (exists = entry_exists(ctl, v, dn)) < 0)
		return EXIT_ERROR;
	if (exists && ctl_plan_write(p, RBAC_WRITE_DELETE, dn) == NULL)
		return EXIT_ERROR;
	for (size_t i = 0; i < r->n_assignments; i++) {
		const struct rbac_assignment *as = &r->assignments[i];

		if (strcmp(as->uid, c->uid) != 0 || (exists && rbac_dn_equal(as->dn, dn)))
			continue;
		if (ctl_plan_write(p, RBAC_WRITE_DELETE, as->dn) == NULL) {
			ctl_error(ctl, "%s holds %s by more entries than one revoke removes",
				  c->uid, r->dn);
			return EXIT_ERROR;
		}
	}
	return EXIT_OK;
}

static int recheck_revoke(struct rbacctl *ctl, const struct ctl_view *v, void *arg)
{
	struct change *c = arg;
	const struct rbac_namespace *ns = NULL;

	(void)ctl;
	if (view_lookup_role(v, c->role_ref, &ns) == NULL || ns == NULL)
		return EXIT_ERROR;
	return still_administered(ns, v);
}

/* One value, kept in c for the undo write's lifetime. */
static const char *const *undo_value(struct change *c, size_t w, size_t m, const char *value)
{
	c->undo_vals[w][m][0] = value;
	c->undo_vals[w][m][1] = NULL;
	return c->undo_vals[w][m];
}

/* The assignment entry dn as it was read, added back. */
static void undo_assignment(struct change *c, const struct rbac_assignment *as,
			    struct ctl_plan *p)
{
	size_t k = p->n_undo;
	struct rbac_write *w = ctl_plan_undo(p, RBAC_WRITE_ADD, as->dn);

	if (w == NULL)
		return;
	ctl_plan_mod(p, w, LDAP_MOD_ADD, "objectClass", assignment_class);
	ctl_plan_mod(p, w, LDAP_MOD_ADD, "uid", undo_value(c, k, 1, as->uid));
	if (as->valid_from.raw != NULL)
		ctl_plan_mod(p, w, LDAP_MOD_ADD, "rbacValidFrom",
			     undo_value(c, k, 2, as->valid_from.raw));
	if (as->valid_until.raw != NULL)
		ctl_plan_mod(p, w, LDAP_MOD_ADD, "rbacValidUntil",
			     undo_value(c, k, 3, as->valid_until.raw));
	if (as->ticket != NULL)
		ctl_plan_mod(p, w, LDAP_MOD_ADD, "rbacTicket", undo_value(c, k, 4, as->ticket));
}

/* A revoke that takes away a full administrator is checked again once
 * written, and put back when that finds none left (write.h). */
static void plan_revoke_undo(struct change *c, const struct rbac_role *r, struct ctl_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct rbac_write *w = &p->w[i];
		struct rbac_write *u;

		if (w->kind == RBAC_WRITE_MODIFY) {
			u = ctl_plan_undo(p, RBAC_WRITE_MODIFY, w->dn);
			if (u != NULL)
				ctl_plan_mod(p, u, LDAP_MOD_ADD, "memberUid", c->values);
			continue;
		}
		for (size_t j = 0; j < r->n_assignments; j++)
			if (rbac_dn_equal(r->assignments[j].dn, w->dn))
				undo_assignment(c, &r->assignments[j], p);
	}
	p->recheck = recheck_revoke;
}

static int plan_revoke(struct rbacctl *ctl, const struct ctl_view *v, void *arg,
		       struct ctl_plan *p)
{
	bool reduces = false;
	struct change *c = arg;
	const struct rbac_namespace *ns;
	const struct rbac_role *r;
	const struct rbac_account *a;
	struct rbac_write *w;
	char ref[ROLE_REF_BUFSZ];
	size_t count;
	int rc;

	if ((r = view_find_role(ctl, v, c->role_ref, &ns)) == NULL)
		return EXIT_ERROR;
	role_ref(ns, r, ref, sizeof(ref));
	if (rbac_role_has_member(r, c->uid)) {
		c->values[0] = c->uid;
		w = ctl_plan_write(p, RBAC_WRITE_MODIFY, r->dn);
		ctl_plan_mod(p, w, LDAP_MOD_DELETE, "memberUid", c->values);
	}
	rc = plan_unassign(ctl, v, c, r, p);
	if (rc != EXIT_OK)
		return rc;
	if (p->n == 0) {
		snprintf(p->done, sizeof(p->done),
			 "%s does not hold %s (no memberUid %s, no assignment entry)", c->uid,
			 ref, c->uid);
		return EXIT_OK;
	}
	const struct ctl_change_set cs = {NULL, c->uid, r};
	rc = check_last_admin_ns(ctl, v, ns, &cs, true, p, &reduces);
	a = view_account(v, c->uid, &count);
	if (rc == EXIT_OK && a != NULL && count == 1)
		rc = check_own_last_role(ctl, v, a, r, p);
	if (rc != EXIT_OK) {
		p->n = 0;
		return rc;
	}
	if (reduces)
		plan_revoke_undo(c, r, p);
	snprintf(p->done, sizeof(p->done), "revoked %s from %s", ref, c->uid);
	return EXIT_OK;
}

/* ------------------------------------------------------ suspend/activate */

/* The namespaces in which the suspended user was a full administrator
 * (the host's, the global one) each still have one. */
static int recheck_suspend(struct rbacctl *ctl, const struct ctl_view *v, void *arg)
{
	const struct change *c = arg;
	int rc = EXIT_OK;

	(void)ctl;
	if (c->reduces[0])
		rc = still_administered(&v->ns, v);
	if (rc == EXIT_OK && c->reduces[1] && v->has_global)
		rc = still_administered(&v->global, v);
	return rc;
}

/* suspend's last-admin rule, in the host's namespace and the global one:
 * c->reduces[] says where the user was a full administrator. */
static int check_suspend_admins(const struct rbacctl *ctl, const struct ctl_view *v,
				struct change *c, struct ctl_plan *p)
{
	struct rbac_strlist gone = RBAC_STRLIST_INIT;
	int rc = rbac_strlist_add(&gone, c->uid) == 0 ? EXIT_OK : EXIT_ERROR;
	const struct ctl_change_set cs = {&gone, c->uid, NULL};

	if (rc == EXIT_OK)
		rc = check_last_admin_ns(ctl, v, &v->ns, &cs, true, p, &c->reduces[0]);
	if (rc == EXIT_OK && v->has_global)
		rc = check_last_admin_ns(ctl, v, &v->global, &cs, false, p, &c->reduces[1]);
	if (rc == EXIT_ERROR && gone.n == 0)
		ctl_error(ctl, "out of memory");
	rbac_strlist_free(&gone);
	return rc;
}

/* The account's status and reason as they were (absent: deleted). */
static void plan_suspend_undo(struct change *c, const struct rbac_account *a,
			      struct ctl_plan *p)
{
	size_t k = p->n_undo;
	struct rbac_write *u = ctl_plan_undo(p, RBAC_WRITE_MODIFY, a->dn);

	if (u == NULL)
		return;
	if (a->status_raw != NULL)
		ctl_plan_mod(p, u, LDAP_MOD_REPLACE, "rbacAccountStatus",
			     undo_value(c, k, 0, a->status_raw));
	else
		ctl_plan_mod(p, u, LDAP_MOD_DELETE, "rbacAccountStatus", NULL);
	if (a->status_reason != NULL)
		ctl_plan_mod(p, u, LDAP_MOD_REPLACE, "rbacStatusReason",
			     undo_value(c, k, 1, a->status_reason));
	else
		ctl_plan_mod(p, u, LDAP_MOD_DELETE, "rbacStatusReason", NULL);
	p->recheck = recheck_suspend;
}

static int plan_status(struct rbacctl *ctl, const struct ctl_view *v, struct change *c,
		       struct ctl_plan *p, bool suspend)
{
	const struct rbac_account *a = find_user(ctl, v, c->uid);
	struct rbac_write *w;
	int rc;

	if (a == NULL)
		return EXIT_ERROR;
	if (ctl_plan_check(p, "user-exists", "%s is %s", c->uid, a->dn) != 0)
		return EXIT_ERROR;
	c->reduces[0] = c->reduces[1] = false;
	if (suspend && (rc = check_suspend_admins(ctl, v, c, p)) != EXIT_OK)
		return rc;
	c->values[0] = suspend ? "suspended" : "active";
	w = ctl_plan_write(p, RBAC_WRITE_MODIFY, a->dn);
	ctl_plan_mod(p, w, LDAP_MOD_REPLACE, "rbacAccountStatus", c->values);
	if (suspend) {
		c->values2[0] = c->reason;
		ctl_plan_mod(p, w, LDAP_MOD_REPLACE, "rbacStatusReason", c->values2);
	} else if (a->status_reason != NULL)
		ctl_plan_mod(p, w, LDAP_MOD_DELETE, "rbacStatusReason", NULL);
	if (c->reduces[0] || c->reduces[1])
		plan_suspend_undo(c, a, p);
	snprintf(p->done, sizeof(p->done), "%s is now %s", c->uid, c->values[0]);
	return EXIT_OK;
}

static int plan_suspend(struct rbacctl *ctl, const struct ctl_view *v, void *arg,
			struct ctl_plan *p)
{
	return plan_status(ctl, v, arg, p, true);
}

static int plan_activate(struct rbacctl *ctl, const struct ctl_view *v, void *arg,
			 struct ctl_plan *p)
{
	return plan_status(ctl, v, arg, p, false);
}

/* ------------------------------------------------------------ commands */

/* The admin options, maybe --reason, and `operands` operands. */
static int write_args(struct rbacctl *ctl, int argc, char **argv, struct ctl_admin *adm,
		      const char **reason, int operands, char ***ops)
{
	const struct ctl_option with_reason[] = {
	    CTL_ADMIN_OPTIONS(adm), {"reason", 'r', reason, NULL}, {NULL, 0, NULL, NULL}};
	const struct ctl_option plain[] = {CTL_ADMIN_OPTIONS(adm), {NULL, 0, NULL, NULL}};
	struct ctl_args a = {.options = reason != NULL ? with_reason : plain,
			     .help = reason != NULL ? CTL_ADMIN_HELP
					 "  -r, --reason TEXT         why "
					 "(rbacStatusReason), required\n"
						    : CTL_ADMIN_HELP};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	if (argc - a.operand != operands)
		return ctl_usage(ctl, "%s takes %s", ctl->command->name, ctl->command->args);
	if (reason != NULL && (*reason == NULL || (*reason)[0] == '\0'))
		return ctl_usage(ctl, "suspend needs --reason TEXT (kept as rbacStatusReason)");
	*ops = argv + a.operand;
	return ctl_admin_config(ctl, adm);
}

static void change_free(struct change *c)
{
	for (size_t i = 0; i < CTL_WRITES_MAX; i++)
		free(c->assignment_dn[i]);
}

static int run_change(struct rbacctl *ctl, int argc, char **argv, ctl_plan_fn plan, bool two,
		      bool reason)
{
	struct ctl_admin adm = {0};
	struct change c = {0};
	char **ops = NULL;
	int rc =
	    write_args(ctl, argc, argv, &adm, reason ? &c.reason : NULL, two ? 2 : 1, &ops);

	if (rc != EXIT_OK || ops == NULL)
		return rc;
	c.uid = ops[0];
	c.role_ref = two ? ops[1] : NULL;
	rc = ctl_guarded_write(ctl, &adm, plan, &c);
	change_free(&c);
	return rc;
}

#define GRANT_HELP                                                                             \
	"  -f, --for DURATION        for this long from now: a number and a unit,\n"           \
	"                            s m h d w, summed (2h, 90m, 1d12h)\n"                     \
	"  -u, --until TIME          until TIME (UTC): 20261204110000Z or\n"                   \
	"                            2026-12-04T11:00[:00]Z\n"                                 \
	"  -t, --ticket TEXT         why (rbacTicket of the assignment)\n"

/* The end of a time-bound grant: c->until and its GeneralizedTime. */
static int grant_window(struct rbacctl *ctl, const char *dur, const char *until,
			struct change *c)
{
	time_t now = time(NULL), end;

	if (dur != NULL && until != NULL)
		return ctl_usage(ctl, "give --for or --until, not both");
	if (dur == NULL && until == NULL)
		return EXIT_OK;
	if (dur != NULL && ctl_parse_duration(dur, now, &end) != 0)
		return ctl_usage(ctl, "--for \"%s\": not a duration (2h, 90m, 1d12h, 1w)", dur);
	if (until != NULL && ctl_parse_when(until, &end) != 0)
		return ctl_usage(
		    ctl, "--until \"%s\": not a time (20261204110000Z, 2026-12-04T11:00Z)",
		    until);
	if (end <= now)
		return ctl_usage(
		    ctl, "the window ends (%s) before it starts (now): nothing to grant",
		    rbac_time_format(end, c->until_text, sizeof(c->until_text)));
	c->until = end;
	rbac_time_format(end, c->until_text, sizeof(c->until_text));
	return EXIT_OK;
}

int cmd_grant(struct rbacctl *ctl, int argc, char **argv)
{
	struct ctl_admin adm = {0};
	struct change c = {0};
	const char *dur = NULL, *until = NULL;
	const struct ctl_option options[] = {CTL_ADMIN_OPTIONS(&adm),
					     {"for", 'f', &dur, NULL},
					     {"until", 'u', &until, NULL},
					     {"ticket", 't', &c.ticket, NULL},
					     {NULL, 0, NULL, NULL}};
	struct ctl_args a = {.options = options, .help = CTL_ADMIN_HELP GRANT_HELP};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	if (argc - a.operand != 2)
		return ctl_usage(ctl, "grant takes %s", ctl->command->args);
	if ((rc = grant_window(ctl, dur, until, &c)) != EXIT_OK)
		return rc;
	if (c.ticket != NULL && c.until == 0)
		return ctl_usage(ctl,
				 "--ticket goes with --for or --until (a memberUid has none)");
	if ((rc = ctl_admin_config(ctl, &adm)) != EXIT_OK)
		return rc;
	c.uid = argv[a.operand];
	c.role_ref = argv[a.operand + 1];
	rc = ctl_guarded_write(ctl, &adm, plan_grant, &c);
	change_free(&c);
	return rc;
}

int cmd_revoke(struct rbacctl *ctl, int argc, char **argv)
{
	return run_change(ctl, argc, argv, plan_revoke, true, false);
}

int cmd_suspend(struct rbacctl *ctl, int argc, char **argv)
{
	return run_change(ctl, argc, argv, plan_suspend, false, true);
}

int cmd_activate(struct rbacctl *ctl, int argc, char **argv)
{
	return run_change(ctl, argc, argv, plan_activate, false, false);
}
