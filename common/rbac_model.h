/*
 * rbac_model.h - the RBAC model as plain structs, and its pure rules
 * (README.md, "The directory"): permission matching and effective permissions with
 * inheritance, restrictions and the namespace's master list.
 *
 * Nothing here does I/O: the directory layer (rbac_ldap.c) or a test builds
 * these structs, rbac_namespace_resolve() links the roles, and the rules
 * read them.
 */
#ifndef RBAC_MODEL_H
#define RBAC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rbac_log.h"
#include "rbac_strlist.h"

enum rbac_status {
	RBAC_STATUS_ACTIVE,
	RBAC_STATUS_SUSPENDED,
	RBAC_STATUS_DISABLED,
	RBAC_STATUS_DELETED,
	RBAC_STATUS_INVALID, /* a value that is none of the four */
};

/* rbacValidFrom / rbacValidUntil as read from the entry. */
struct rbac_time_bound {
	bool present;
	bool valid; /* false: present but not a GeneralizedTime we can read */
	time_t t;   /* when valid */
	char *raw;  /* the value as read, for messages; NULL when absent */
};

struct rbac_account {
	char *uid;
	char *dn;
	enum rbac_status status;
	char *status_raw;    /* rbacAccountStatus as read; NULL when absent */
	char *status_reason; /* rbacStatusReason; NULL when absent */
	struct rbac_time_bound valid_from;
	struct rbac_time_bound valid_until;
	bool locked;	  /* ppolicy pwdAccountLockedTime present */
	char *locked_raw; /* its value */
};

/* An rbacAssignment entry directly below a role (DESIGN.md §11): uid holds
 * the role while now is within the window; either bound is optional. */
struct rbac_assignment {
	char *uid;
	char *dn;
	struct rbac_time_bound valid_from;
	struct rbac_time_bound valid_until;
	char *ticket; /* rbacTicket; NULL when absent */
};

struct rbac_role {
	char *name; /* cn */
	char *dn;
	struct rbac_strlist permissions;  /* rbacPermission */
	struct rbac_strlist restrictions; /* rbacRestriction */
	struct rbac_strlist inherits;	  /* rbacInherits (role cns) */
	struct rbac_strlist members;	  /* memberUid */
	bool has_gid;
	unsigned long gid;		     /* gidNumber, when has_gid */
	struct rbac_assignment *assignments; /* the entries below the role */
	size_t n_assignments;

	/* Set by rbac_namespace_resolve(). */
	size_t *parents; /* indexes of the inherited roles whose path is sound */
	size_t n_parents;
	bool on_cycle; /* the role can reach itself through rbacInherits */
};

struct rbac_namespace {
	char *name; /* cn */
	char *dn;
	bool has_master;	    /* the entry carries a master list */
	struct rbac_strlist master; /* rbacPermission of the namespace entry */
	struct rbac_role *roles;
	size_t n_roles;
	size_t cap_roles;
	bool resolved;
};

/* ---- account ---- */

/* rbacAccountStatus, case-insensitive; NULL (absent) is active. */
enum rbac_status rbac_status_parse(const char *value);
const char *rbac_status_name(enum rbac_status status);
/* Sets bound from a GeneralizedTime value (NULL: absent). Returns -1 only
 * when out of memory. An unreadable value leaves bound->valid false. */
int rbac_time_bound_set(struct rbac_time_bound *bound, const char *value);
void rbac_account_init(struct rbac_account *a);
void rbac_account_free(struct rbac_account *a);

/* ---- permissions ---- */

/* A pattern P matches permission R when P == R, or P == "*", or P ends in
 * ".*" and R starts with P minus the "*". Nothing else is a wildcard. */
bool rbac_perm_match(const char *pattern, const char *perm);
/* True when any pattern of the list matches perm; *which gets that pattern. */
bool rbac_perm_list_match(const struct rbac_strlist *patterns, const char *perm,
			  const char **which);

/* ---- namespace and roles ---- */

void rbac_namespace_init(struct rbac_namespace *ns);
void rbac_namespace_free(struct rbac_namespace *ns);
/* Appends an empty role; the pointer stays valid until the next add.
 * Returns NULL when out of memory. */
struct rbac_role *rbac_namespace_add_role(struct rbac_namespace *ns, const char *name,
					  const char *dn);
/* Role names are LDAP cn values, so they compare case-insensitively. */
struct rbac_role *rbac_namespace_find_role(const struct rbac_namespace *ns, const char *name);

/* Links each role to the roles it inherits. An inherited role that does not
 * exist, or an inheritance cycle, is a directory error: it is logged with the
 * role's DN, and the broken edge grants nothing (every edge into a role on a
 * cycle is dropped, so the remaining graph is acyclic). Returns the number
 * of directory errors found, or -1 when out of memory. */
int rbac_namespace_resolve(struct rbac_namespace *ns, const struct rbac_logger *lg);

/* Effective permissions of role X, as a predicate on one permission:
 * (own rbacPermission of X, or an effective grant of a role X inherits)
 * and not matched by X's own rbacRestriction, and matched by the namespace's
 * master list when it has one. ns must be resolved. Returns the role whose
 * own rbacPermission pattern gave the grant (*pattern set), or NULL. */
const struct rbac_role *rbac_role_grant_source(const struct rbac_namespace *ns,
					       const struct rbac_role *role, const char *perm,
					       const char **pattern);
bool rbac_role_grants(const struct rbac_namespace *ns, const struct rbac_role *role,
		      const char *perm);
/* rbac_role_grants() on arrays the caller keeps for many calls, so that one
 * costs the roles it visits, not an allocation and clearing of ns->n_roles
 * entries (asking about every role was quadratic). seen and queue hold
 * ns->n_roles entries; seen is all false on entry and again on return. */
bool rbac_role_grants_reusing(const struct rbac_namespace *ns, const struct rbac_role *role,
			      const char *perm, bool *seen, size_t *queue);

/* Why a role does not grant a permission (rbacctl's "why not"). */
enum rbac_denial {
	RBAC_DENIAL_NONE,	 /* it is granted (source and pattern set) */
	RBAC_DENIAL_MASTER,	 /* the namespace's master list does not admit it */
	RBAC_DENIAL_RESTRICTION, /* every path to a grant crosses an rbacRestriction */
	RBAC_DENIAL_MISSING,	 /* neither the role nor one it inherits grants it */
};

struct rbac_denial_info {
	enum rbac_denial why;
	/* NONE: the granting role and pattern. MASTER, RESTRICTION: the role
	 * whose own rbacPermission would grant it but for the master list or
	 * the restriction, and that pattern (NULL for MASTER when none would). */
	const struct rbac_role *source;
	const char *pattern;
	/* RESTRICTION: the nearest role (the role itself or one it inherits)
	 * whose rbacRestriction removed the grant, and that pattern. */
	const struct rbac_role *restricted_by;
	const char *restriction;
	/* Any outcome but NONE: the nearest role of the walk (the role itself
	 * included) with an rbacInherits edge that was dropped as missing or
	 * cyclic, or NULL; a grant behind that edge would not count. */
	const struct rbac_role *broken;
};

/* Explains rbac_role_grant_source(): fills out and returns out->why. The
 * master list is reported first, as it limits everything after it. ns must
 * be resolved; an unresolved namespace or a foreign role is MISSING. */
enum rbac_denial rbac_role_explain(const struct rbac_namespace *ns,
				   const struct rbac_role *role, const char *perm,
				   struct rbac_denial_info *out);

/* memberUid holds uid (exact: Unix names are case-sensitive, and so is
 * memberUid's caseExactIA5Match). */
bool rbac_role_has_member(const struct rbac_role *role, const char *uid);

/* How uid holds a role at now. memberUid holds always; else an assignment
 * whose window contains now (from <= now <= until, as for accounts). An
 * assignment with an unreadable bound grants nothing. */
enum rbac_hold {
	RBAC_HOLD_NONE,
	RBAC_HOLD_MEMBER,     /* memberUid */
	RBAC_HOLD_ASSIGNED,   /* *a: the assignment in force (the latest end) */
	RBAC_HOLD_UNREADABLE, /* none in force, *a has an unreadable window */
};
enum rbac_hold rbac_role_holds(const struct rbac_role *role, const char *uid, time_t now,
			       const struct rbac_assignment **a);
/* The window of a contains now; false when a bound is unreadable. */
bool rbac_assignment_in_force(const struct rbac_assignment *a, time_t now);
/* Frees role's assignments and leaves it none. */
void rbac_role_free_assignments(struct rbac_role *role);
/* Appends an empty assignment of uid (its DN dn) to role. Returns NULL when
 * out of memory. Pointers to earlier ones are invalidated. */
struct rbac_assignment *rbac_role_add_assignment(struct rbac_role *role, const char *uid,
						 const char *dn);
/* X inherits Y directly or through other roles (sound edges only); a role
 * does not inherit itself. ns must be resolved. */
bool rbac_role_inherits(const struct rbac_namespace *ns, const struct rbac_role *x,
			const struct rbac_role *y);
/* Every role x inherits (each y of rbac_role_inherits(ns, x, y)) as indexes
 * into ns->roles, in no promised order; returns how many. One walk, so a
 * caller that needs the whole relation pays for its size, not for every
 * pair of roles. seen and out hold ns->n_roles entries; seen is all false
 * on entry and again on return. */
size_t rbac_role_ancestors(const struct rbac_namespace *ns, const struct rbac_role *x,
			   bool *seen, size_t *out);

#endif
