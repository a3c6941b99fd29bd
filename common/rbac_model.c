/*
 * rbac_model.c - permission matching and effective permissions (README.md, "The directory").
 *
 * Inheritance is a graph over the roles of one namespace. After
 * rbac_namespace_resolve() every role holds the indexes of the roles it
 * inherits through sound edges only: an edge to a missing role or into an
 * inheritance cycle is dropped (and logged), so every walk below terminates
 * and the broken path grants nothing.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbac_model.h"
#include "rbac_time.h"

/* ---------------------------------------------------------------- account */

static const char *const status_names[] = {
    [RBAC_STATUS_ACTIVE] = "active",	 [RBAC_STATUS_SUSPENDED] = "suspended",
    [RBAC_STATUS_DISABLED] = "disabled", [RBAC_STATUS_DELETED] = "deleted",
    [RBAC_STATUS_INVALID] = "invalid",
};

enum rbac_status rbac_status_parse(const char *value)
{
	if (value == NULL)
		return RBAC_STATUS_ACTIVE;
	for (int s = RBAC_STATUS_ACTIVE; s < RBAC_STATUS_INVALID; s++) {
		if (strcasecmp(value, status_names[s]) == 0)
			return (enum rbac_status)s;
	}
	return RBAC_STATUS_INVALID;
}

const char *rbac_status_name(enum rbac_status status)
{
	if ((unsigned)status > RBAC_STATUS_INVALID)
		return "invalid";
	return status_names[status];
}

int rbac_time_bound_set(struct rbac_time_bound *bound, const char *value)
{
	free(bound->raw);
	memset(bound, 0, sizeof(*bound));
	if (value == NULL)
		return 0;
	bound->raw = strdup(value);
	if (bound->raw == NULL)
		return -1;
	bound->present = true;
	bound->valid = rbac_time_parse(value, &bound->t) == 0;
	return 0;
}

void rbac_account_init(struct rbac_account *a)
{
	memset(a, 0, sizeof(*a));
	a->status = RBAC_STATUS_ACTIVE;
}

void rbac_account_free(struct rbac_account *a)
{
	free(a->uid);
	free(a->dn);
	free(a->status_raw);
	free(a->status_reason);
	free(a->valid_from.raw);
	free(a->valid_until.raw);
	free(a->locked_raw);
	rbac_account_init(a);
}

/* ------------------------------------------------------------ permissions */

bool rbac_perm_match(const char *pattern, const char *perm)
{
	size_t plen;

	if (pattern == NULL || perm == NULL)
		return false;
	if (strcmp(pattern, perm) == 0 || strcmp(pattern, "*") == 0)
		return true;
	plen = strlen(pattern);
	if (plen >= 2 && pattern[plen - 2] == '.' && pattern[plen - 1] == '*')
		return strncmp(pattern, perm, plen - 1) == 0;
	return false;
}

bool rbac_perm_list_match(const struct rbac_strlist *patterns, const char *perm,
			  const char **which)
{
	for (size_t i = 0; i < patterns->n; i++) {
		if (rbac_perm_match(patterns->v[i], perm)) {
			if (which != NULL)
				*which = patterns->v[i];
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------ namespace, roles */

void rbac_namespace_init(struct rbac_namespace *ns)
{
	memset(ns, 0, sizeof(*ns));
}

static void assignment_free(struct rbac_assignment *a)
{
	free(a->uid);
	free(a->dn);
	free(a->valid_from.raw);
	free(a->valid_until.raw);
	free(a->ticket);
}

void rbac_role_free_assignments(struct rbac_role *r);

static void role_free(struct rbac_role *r)
{
	free(r->name);
	free(r->dn);
	rbac_strlist_free(&r->permissions);
	rbac_strlist_free(&r->restrictions);
	rbac_strlist_free(&r->inherits);
	rbac_strlist_free(&r->members);
	rbac_role_free_assignments(r);
	free(r->parents);
}

void rbac_role_free_assignments(struct rbac_role *r)
{
	for (size_t i = 0; i < r->n_assignments; i++)
		assignment_free(&r->assignments[i]);
	free(r->assignments);
	r->assignments = NULL;
	r->n_assignments = 0;
}

void rbac_namespace_free(struct rbac_namespace *ns)
{
	for (size_t i = 0; i < ns->n_roles; i++)
		role_free(&ns->roles[i]);
	free(ns->roles);
	free(ns->name);
	free(ns->dn);
	rbac_strlist_free(&ns->master);
	rbac_namespace_init(ns);
}

struct rbac_role *rbac_namespace_add_role(struct rbac_namespace *ns, const char *name,
					  const char *dn)
{
	struct rbac_role *r;

	if (ns->n_roles == ns->cap_roles) {
		size_t cap = ns->cap_roles ? ns->cap_roles * 2 : 8;
		struct rbac_role *roles = reallocarray(ns->roles, cap, sizeof(*roles));

		if (roles == NULL)
			return NULL;
		ns->roles = roles;
		ns->cap_roles = cap;
	}
	r = &ns->roles[ns->n_roles];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	r->dn = strdup(dn != NULL ? dn : "");
	if (r->name == NULL || r->dn == NULL) {
		role_free(r);
		return NULL;
	}
	ns->n_roles++;
	ns->resolved = false;
	return r;
}

struct rbac_role *rbac_namespace_find_role(const struct rbac_namespace *ns, const char *name)
{
	for (size_t i = 0; i < ns->n_roles; i++) {
		if (strcasecmp(ns->roles[i].name, name) == 0)
			return &ns->roles[i];
	}
	return NULL;
}

bool rbac_role_has_member(const struct rbac_role *role, const char *uid)
{
	return rbac_strlist_contains(&role->members, uid);
}

static bool bound_readable(const struct rbac_time_bound *b)
{
	return !b->present || b->valid;
}

bool rbac_assignment_in_force(const struct rbac_assignment *a, time_t now)
{
	if (!bound_readable(&a->valid_from) || !bound_readable(&a->valid_until))
		return false;
	return (!a->valid_from.present || now >= a->valid_from.t) &&
	       (!a->valid_until.present || now <= a->valid_until.t);
}

/* Of two assignments in force, the one that lasts longer (no end: forever). */
static bool lasts_longer(const struct rbac_assignment *x, const struct rbac_assignment *y)
{
	if (!x->valid_until.present)
		return y->valid_until.present;
	return y->valid_until.present && x->valid_until.t > y->valid_until.t;
}

enum rbac_hold rbac_role_holds(const struct rbac_role *role, const char *uid, time_t now,
			       const struct rbac_assignment **a)
{
	const struct rbac_assignment *best = NULL, *bad = NULL;

	*a = NULL;
	if (rbac_strlist_contains(&role->members, uid))
		return RBAC_HOLD_MEMBER;
	for (size_t i = 0; i < role->n_assignments; i++) {
		const struct rbac_assignment *x = &role->assignments[i];

		if (strcmp(x->uid, uid) != 0)
			continue;
		if (!bound_readable(&x->valid_from) || !bound_readable(&x->valid_until))
			bad = bad != NULL ? bad : x;
		else if (rbac_assignment_in_force(x, now) &&
			 (best == NULL || lasts_longer(x, best)))
			best = x;
	}
	*a = best != NULL ? best : bad;
	return best != NULL  ? RBAC_HOLD_ASSIGNED
	       : bad != NULL ? RBAC_HOLD_UNREADABLE
			     : RBAC_HOLD_NONE;
}

struct rbac_assignment *rbac_role_add_assignment(struct rbac_role *role, const char *uid,
						 const char *dn)
{
	struct rbac_assignment *v, *a;

	v = reallocarray(role->assignments, role->n_assignments + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	role->assignments = v;
	a = &v[role->n_assignments];
	memset(a, 0, sizeof(*a));
	a->uid = strdup(uid);
	a->dn = strdup(dn != NULL ? dn : "");
	if (a->uid == NULL || a->dn == NULL) {
		assignment_free(a);
		return NULL;
	}
	role->n_assignments++;
	return a;
}

/* ------------------------------------------------------------ inheritance */

/* A breadth-first walk over sound inheritance edges, each role seen once,
 * so a diamond-shaped hierarchy costs one visit per role, not one per path. */
struct role_walk {
	bool *seen;
	size_t *queue;
	size_t head;
	size_t tail;
};

static int walk_start(struct role_walk *w, const struct rbac_namespace *ns)
{
	size_t n = ns->n_roles ? ns->n_roles : 1;

	w->seen = calloc(n, sizeof(*w->seen));
	w->queue = calloc(n, sizeof(*w->queue));
	w->head = 0;
	w->tail = 0;
	if (w->seen == NULL || w->queue == NULL) {
		free(w->seen);
		free(w->queue);
		return -1;
	}
	return 0;
}

static void walk_push(struct role_walk *w, size_t idx)
{
	if (!w->seen[idx]) {
		w->seen[idx] = true;
		w->queue[w->tail++] = idx;
	}
}

static void walk_push_parents(struct role_walk *w, const struct rbac_role *r)
{
	for (size_t i = 0; i < r->n_parents; i++)
		walk_push(w, r->parents[i]);
}

static void walk_end(struct role_walk *w)
{
	free(w->seen);
	free(w->queue);
}

static bool role_index(const struct rbac_namespace *ns, const struct rbac_role *r, size_t *idx)
{
	if (r < ns->roles || r >= ns->roles + ns->n_roles)
		return false;
	*idx = (size_t)(r - ns->roles);
	return true;
}

/* The roles by name for resolving rbacInherits: a scan per inherited name
 * was quadratic in the roles. Sorted case-insensitively, then by position,
 * so the first of equal names is the one rbac_namespace_find_role() finds. */
struct role_names {
	const struct rbac_namespace *ns;
	size_t *v;
};

static int cmp_role_names(const void *a, const void *b, void *ctx)
{
	const struct rbac_namespace *ns = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcasecmp(ns->roles[x].name, ns->roles[y].name);

	return c != 0 ? c : (x > y) - (x < y);
}

static int role_names_init(struct role_names *rn, const struct rbac_namespace *ns)
{
	rn->ns = ns;
	rn->v = calloc(ns->n_roles + 1, sizeof(*rn->v));
	if (rn->v == NULL)
		return -1;
	for (size_t i = 0; i < ns->n_roles; i++)
		rn->v[i] = i;
	qsort_r(rn->v, ns->n_roles, sizeof(*rn->v), cmp_role_names, (void *)ns);
	return 0;
}

static struct rbac_role *role_names_find(const struct role_names *rn, const char *name)
{
	struct rbac_role *roles = rn->ns->roles;
	size_t lo = 0, hi = rn->ns->n_roles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcasecmp(roles[rn->v[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rn->ns->n_roles && strcasecmp(roles[rn->v[lo]].name, name) == 0)
		return &roles[rn->v[lo]];
	return NULL;
}

/* Every inherited role that exists, by index; the unknown ones are logged. */
static int role_link_names(const struct role_names *rn, struct rbac_role *r,
			   const struct rbac_logger *lg)
{
	const struct rbac_namespace *ns = rn->ns;
	char dn[RBAC_LOG_QUOTE_BUFSZ], name[RBAC_LOG_QUOTE_BUFSZ];
	int errors = 0;

	free(r->parents);
	r->n_parents = 0;
	r->parents = calloc(r->inherits.n ? r->inherits.n : 1, sizeof(*r->parents));
	if (r->parents == NULL)
		return -1;
	for (size_t i = 0; i < r->inherits.n; i++) {
		struct rbac_role *p = role_names_find(rn, r->inherits.v[i]);

		if (p == NULL) {
			rbac_log(lg, LOG_ERR,
				 "directory error: %s inherits \"%s\", which is not a role of "
				 "this namespace; that inheritance grants nothing",
				 rbac_log_quote(dn, sizeof(dn), r->dn),
				 rbac_log_quote(name, sizeof(name), r->inherits.v[i]));
			errors++;
			continue;
		}
		r->parents[r->n_parents++] = (size_t)(p - ns->roles);
	}
	return errors;
}

/* True when role idx can reach itself through the edges linked so far. w's
 * arrays serve every role (a fresh one per role was quadratic); its seen
 * is all false again on return. */
static bool role_reaches_itself(const struct rbac_namespace *ns, size_t idx,
				struct role_walk *w)
{
	bool found = false;

	w->head = w->tail = 0;
	walk_push_parents(w, &ns->roles[idx]);
	while (w->head < w->tail && !found) {
		size_t cur = w->queue[w->head++];

		found = cur == idx;
		walk_push_parents(w, &ns->roles[cur]);
	}
	for (size_t i = 0; i < w->tail; i++)
		w->seen[w->queue[i]] = false;
	return found;
}

/* Drops every edge that leads into a role on a cycle. */
static void role_drop_cyclic_edges(struct rbac_namespace *ns, struct rbac_role *r)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->n_parents; i++) {
		if (!ns->roles[r->parents[i]].on_cycle)
			r->parents[kept++] = r->parents[i];
	}
	r->n_parents = kept;
}

static int namespace_mark_cycles(struct rbac_namespace *ns, const struct rbac_logger *lg)
{
	char dn[RBAC_LOG_QUOTE_BUFSZ];
	struct role_walk w;
	int errors = 0;

	if (walk_start(&w, ns) != 0)
		return -1;
	for (size_t i = 0; i < ns->n_roles; i++) {
		bool cyclic = role_reaches_itself(ns, i, &w);

		ns->roles[i].on_cycle = cyclic;
		if (cyclic) {
			rbac_log(
			    lg, LOG_ERR,
			    "directory error: %s is on an inheritance cycle (rbacInherits); "
			    "inheriting it grants nothing",
			    rbac_log_quote(dn, sizeof(dn), ns->roles[i].dn));
			errors++;
		}
	}
	walk_end(&w);
	for (size_t i = 0; i < ns->n_roles; i++)
		role_drop_cyclic_edges(ns, &ns->roles[i]);
	return errors;
}

/* An absent bound sorts first; an unreadable one after every readable one. */
static int cmp_bound(const struct rbac_time_bound *x, const struct rbac_time_bound *y)
{
	int kx = !x->present ? 0 : x->valid ? 1 : 2, ky = !y->present ? 0 : y->valid ? 1 : 2;

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return kx == 1 && x->t != y->t ? (x->t < y->t ? -1 : 1) : 0;
}

static int cmp_assignment(const void *a, const void *b)
{
	const struct rbac_assignment *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);

	if (c == 0)
		c = cmp_bound(&x->valid_from, &y->valid_from);
	if (c == 0)
		c = cmp_bound(&x->valid_until, &y->valid_until);
	return c != 0 ? c : strcmp(x->dn, y->dn);
}

int rbac_namespace_resolve(struct rbac_namespace *ns, const struct rbac_logger *lg)
{
	struct role_names rn;
	int errors = 0, e = 0;

	/* One order for the assignments whatever the order they were read
	 * in (a search's, the sync agent's): by user, then start. Whoever
	 * merges a user's windows (the snapshot writer) meets them in order
	 * of start, and rbacctl refresh and rbac-syncd write the same bytes. */
	for (size_t i = 0; i < ns->n_roles; i++)
		if (ns->roles[i].n_assignments > 1)
			qsort(ns->roles[i].assignments, ns->roles[i].n_assignments,
			      sizeof(*ns->roles[i].assignments), cmp_assignment);
	if (role_names_init(&rn, ns) != 0)
		return -1;
	for (size_t i = 0; i < ns->n_roles && e >= 0; i++) {
		e = role_link_names(&rn, &ns->roles[i], lg);
		errors += e;
	}
	free(rn.v);
	if (e < 0)
		return -1;
	e = namespace_mark_cycles(ns, lg);
	if (e < 0)
		return -1;
	ns->resolved = true;
	return errors + e;
}

/* rbac_role_grant_source() with the walk's arrays given (see
 * rbac_role_grants_reusing()); seen is all false again on return. */
static const struct rbac_role *grant_walk(const struct rbac_namespace *ns,
					  const struct rbac_role *role, const char *perm,
					  const char **pattern, bool *seen, size_t *queue)
{
	const struct rbac_role *source = NULL;
	struct role_walk w = {seen, queue, 0, 0};
	size_t idx;

	if (!ns->resolved || perm == NULL || !role_index(ns, role, &idx))
		return NULL;
	if (ns->has_master && !rbac_perm_list_match(&ns->master, perm, NULL))
		return NULL;
	walk_push(&w, idx);
	while (w.head < w.tail && source == NULL) {
		const struct rbac_role *cur = &ns->roles[w.queue[w.head++]];

		/* A restriction removes the grant from this role and from
		 * everything it inherits, but only as seen through this role. */
		if (rbac_perm_list_match(&cur->restrictions, perm, NULL))
			continue;
		if (rbac_perm_list_match(&cur->permissions, perm, pattern))
			source = cur;
		else
			walk_push_parents(&w, cur);
	}
	for (size_t i = 0; i < w.tail; i++)
		seen[queue[i]] = false;
	return source;
}

const struct rbac_role *rbac_role_grant_source(const struct rbac_namespace *ns,
					       const struct rbac_role *role, const char *perm,
					       const char **pattern)
{
	const struct rbac_role *source;
	struct role_walk w;

	if (walk_start(&w, ns) != 0)
		return NULL; /* out of memory: grant nothing */
	source = grant_walk(ns, role, perm, pattern, w.seen, w.queue);
	walk_end(&w);
	return source;
}

bool rbac_role_grants(const struct rbac_namespace *ns, const struct rbac_role *role,
		      const char *perm)
{
	return rbac_role_grant_source(ns, role, perm, NULL) != NULL;
}

bool rbac_role_grants_reusing(const struct rbac_namespace *ns, const struct rbac_role *role,
			      const char *perm, bool *seen, size_t *queue)
{
	return grant_walk(ns, role, perm, NULL, seen, queue) != NULL;
}

bool rbac_role_inherits(const struct rbac_namespace *ns, const struct rbac_role *x,
			const struct rbac_role *y)
{
	struct role_walk w;
	size_t xi, yi;
	bool found = false;

	if (!ns->resolved || !role_index(ns, x, &xi) || !role_index(ns, y, &yi) || xi == yi)
		return false;
	if (walk_start(&w, ns) != 0)
		return false;
	walk_push_parents(&w, x);
	while (w.head < w.tail && !found) {
		size_t cur = w.queue[w.head++];

		found = cur == yi;
		walk_push_parents(&w, &ns->roles[cur]);
	}
	walk_end(&w);
	return found;
}

size_t rbac_role_ancestors(const struct rbac_namespace *ns, const struct rbac_role *x,
			   bool *seen, size_t *out)
{
	struct role_walk w = {seen, out, 0, 0};
	size_t xi;

	if (!ns->resolved || !role_index(ns, x, &xi))
		return 0;
	/* As in rbac_role_inherits(), a role is not its own ancestor. */
	seen[xi] = true;
	walk_push_parents(&w, x);
	while (w.head < w.tail)
		walk_push_parents(&w, &ns->roles[w.queue[w.head++]]);
	seen[xi] = false;
	for (size_t i = 0; i < w.tail; i++)
		seen[out[i]] = false;
	return w.tail;
}

/* ---------------------------------------------------------- explanations */

/* The first role reachable from idx (itself included) whose own
 * rbacPermission matches perm, ignoring restrictions and the master list:
 * what would grant perm if nothing removed it. */
static const struct rbac_role *would_grant(const struct rbac_namespace *ns, size_t idx,
					   const char *perm, const char **pattern)
{
	const struct rbac_role *source = NULL;
	struct role_walk w;

	if (walk_start(&w, ns) != 0)
		return NULL;
	walk_push(&w, idx);
	while (w.head < w.tail && source == NULL) {
		const struct rbac_role *cur = &ns->roles[w.queue[w.head++]];

		if (rbac_perm_list_match(&cur->permissions, perm, pattern))
			source = cur;
		else
			walk_push_parents(&w, cur);
	}
	walk_end(&w);
	return source;
}

/* A role whose rbacInherits names more roles than it has sound edges to,
 * or that sits on a cycle, lost part of its inheritance. */
static bool role_lost_edges(const struct rbac_role *r)
{
	return r->on_cycle || r->n_parents < r->inherits.n;
}

/* Walks like rbac_role_grant_source() and stops at the first restriction
 * that hides a grant; also notes the first role with dropped edges. */
static void find_restriction(const struct rbac_namespace *ns, size_t idx, const char *perm,
			     struct rbac_denial_info *out)
{
	struct role_walk w;

	if (walk_start(&w, ns) != 0)
		return;
	walk_push(&w, idx);
	while (w.head < w.tail) {
		size_t ci = w.queue[w.head++];
		const struct rbac_role *cur = &ns->roles[ci];
		const char *restriction = NULL;

		if (out->broken == NULL && role_lost_edges(cur))
			out->broken = cur;
		if (rbac_perm_list_match(&cur->restrictions, perm, &restriction)) {
			if (out->restricted_by == NULL &&
			    would_grant(ns, ci, perm, NULL) != NULL) {
				out->restricted_by = cur;
				out->restriction = restriction;
			}
			continue;
		}
		walk_push_parents(&w, cur);
	}
	walk_end(&w);
}

enum rbac_denial rbac_role_explain(const struct rbac_namespace *ns,
				   const struct rbac_role *role, const char *perm,
				   struct rbac_denial_info *out)
{
	size_t idx;

	memset(out, 0, sizeof(*out));
	out->why = RBAC_DENIAL_MISSING;
	if (!ns->resolved || perm == NULL || !role_index(ns, role, &idx))
		return out->why;
	out->source = rbac_role_grant_source(ns, role, perm, &out->pattern);
	if (out->source != NULL)
		return out->why = RBAC_DENIAL_NONE;
	out->source = would_grant(ns, idx, perm, &out->pattern);
	find_restriction(ns, idx, perm, out);
	if (ns->has_master && !rbac_perm_list_match(&ns->master, perm, NULL))
		out->why = RBAC_DENIAL_MASTER;
	else if (out->restricted_by != NULL)
		out->why = RBAC_DENIAL_RESTRICTION;
	if (out->why != RBAC_DENIAL_RESTRICTION) {
		out->restricted_by = NULL;
		out->restriction = NULL;
	}
	if (out->why == RBAC_DENIAL_MISSING) {
		out->source = NULL;
		out->pattern = NULL;
	}
	return out->why;
}
