/*
 * audit.c - accesslog records to RBAC events (audit.h).
 *
 * Why deltas rather than "before" and "after" states: the overlay logs the
 * old values of the attributes a modify touched (logold), never the whole
 * entry, and a modify may add, delete and replace the same attribute in
 * turn. So each attribute's change is replayed over its old values as the
 * record lists them, giving what was taken away and what was put in; where
 * the old values were not logged (a logold filter that leaves the entry
 * out), "+" and "-" still say exactly what changed.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "rbac_time.h"

static const char *const kind_names[] = {
    [AUDIT_ROLE_GRANTED] = "ROLE_GRANTED",
    [AUDIT_ROLE_REVOKED] = "ROLE_REVOKED",
    [AUDIT_ASSIGNMENT_CHANGED] = "ASSIGNMENT_CHANGED",
    [AUDIT_ASSIGNMENT_EXPIRED] = "ASSIGNMENT_EXPIRED",
    [AUDIT_ACCOUNT_STATUS_CHANGED] = "ACCOUNT_STATUS_CHANGED",
    [AUDIT_ACCOUNT_VALIDITY_CHANGED] = "ACCOUNT_VALIDITY_CHANGED",
    [AUDIT_ACCOUNT_DELETED] = "ACCOUNT_DELETED",
    [AUDIT_ROLE_DEFINITION_CHANGED] = "ROLE_DEFINITION_CHANGED",
    [AUDIT_ROLE_CREATED] = "ROLE_CREATED",
    [AUDIT_ROLE_DELETED] = "ROLE_DELETED",
    [AUDIT_MASTER_LIST_CHANGED] = "MASTER_LIST_CHANGED",
    [AUDIT_ACCOUNT_EXPIRED] = "ACCOUNT_EXPIRED",
};

const char *audit_kind_name(enum audit_kind k)
{
	return (size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

/* ------------------------------------------------------------------ DNs */

#define DN_MAX_RDNS 32

/* A DN split into its RDNs' attribute types and (unescaped) values. */
struct dn {
	char *types[DN_MAX_RDNS];
	char *values[DN_MAX_RDNS];
	size_t n;
};

static void dn_free(struct dn *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->types[i]);
		free(d->values[i]);
	}
	d->n = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One RDN's value from *p up to an unescaped ',' (RFC 4514 escapes
 * undone, spaces around it dropped); *p is left on the ',' or the end.
 * NULL when out of memory. */
static char *rdn_value(const char **p)
{
	const char *s = *p;
	size_t len = strlen(s), n = 0, keep = 0;
	char *out = malloc(len + 1);

	if (out == NULL)
		return NULL;
	while (*s == ' ')
		s++;
	while (*s != '\0' && *s != ',') {
		if (*s == '\\' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			out[n++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 3;
			keep = n;
		} else if (*s == '\\' && s[1] != '\0') {
			out[n++] = s[1];
			s += 2;
			keep = n;
		} else {
			out[n++] = *s++;
			if (out[n - 1] != ' ')
				keep = n;
		}
	}
	out[keep] = '\0';
	*p = s;
	return out;
}

/* 0, -1 when out of memory, 1 when s is not a DN this file understands
 * (an RDN without '=', too many RDNs). */
static int dn_parse(const char *s, struct dn *d)
{
	d->n = 0;
	while (*s != '\0') {
		const char *eq = strchr(s, '=');
		const char *t = s;
		size_t tl;

		if (eq == NULL || d->n == DN_MAX_RDNS)
			return 1;
		while (*t == ' ')
			t++;
		for (tl = (size_t)(eq - t); tl > 0 && t[tl - 1] == ' '; tl--)
			;
		if (tl == 0 || memchr(t, ',', tl) != NULL)
			return 1;
		s = eq + 1;
		d->types[d->n] = strndup(t, tl);
		d->values[d->n] = rdn_value(&s);
		d->n++;
		if (d->types[d->n - 1] == NULL || d->values[d->n - 1] == NULL)
			return -1;
		if (*s == ',')
			s++;
	}
	return d->n > 0 ? 0 : 1;
}

/* How many RDNs d has below base (which d ends with), or -1. */
static int depth_below(const struct dn *d, const struct dn *base)
{
	size_t k;

	if (base->n == 0 || d->n <= base->n)
		return -1;
	k = d->n - base->n;
	for (size_t i = 0; i < base->n; i++)
		if (strcasecmp(d->types[k + i], base->types[i]) != 0 ||
		    strcasecmp(d->values[k + i], base->values[i]) != 0)
			return -1;
	return (int)k;
}

static bool rdn_is(const struct dn *d, size_t i, const char *type)
{
	return strcasecmp(d->types[i], type) == 0;
}

/* What an entry is, from its DN. */
enum target { T_NONE, T_NAMESPACE, T_ROLE, T_ASSIGNMENT, T_ACCOUNT };

struct where {
	enum target t;
	const char *ns, *role, *uid; /* pointing into d */
	struct dn d;
};

/* 0, -1 when out of memory. An entry RBAC does not know is T_NONE. */
static int locate(const struct audit_layout *lay, const char *dn, struct where *w)
{
	struct dn base = {0}, users = {0};
	int rc, k;

	memset(w, 0, sizeof(*w));
	rc = dn_parse(dn, &w->d);
	if (rc == 0 && (rc = dn_parse(lay->base, &base)) == 0) {
		k = depth_below(&w->d, &base);
		if (k == 1 && rdn_is(&w->d, 0, "cn"))
			*w = (struct where){T_NAMESPACE, w->d.values[0], NULL, NULL, w->d};
		else if (k == 2 && rdn_is(&w->d, 0, "cn") && rdn_is(&w->d, 1, "cn"))
			*w = (struct where){T_ROLE, w->d.values[1], w->d.values[0], NULL, w->d};
		else if (k == 3 && rdn_is(&w->d, 0, "uid") && rdn_is(&w->d, 1, "cn") &&
			 rdn_is(&w->d, 2, "cn"))
			*w = (struct where){T_ASSIGNMENT, w->d.values[2], w->d.values[1],
					    w->d.values[0], w->d};
	}
	if (rc == 0 && w->t == T_NONE && lay->user_base != NULL &&
	    (rc = dn_parse(lay->user_base, &users)) == 0 && depth_below(&w->d, &users) >= 1) {
		w->t = T_ACCOUNT;
		w->uid = rdn_is(&w->d, 0, "uid") ? w->d.values[0] : NULL;
	}
	dn_free(&base);
	dn_free(&users);
	return rc < 0 ? -1 : 0;
}

/* -------------------------------------------------------- values, deltas */

/* "attr:OP value" (a reqMod value) or "attr: value" (reqOld): whether s is
 * about attr; *op the character after ':' and *value what follows the
 * space (NULL when nothing does). */
static bool attr_value(const char *s, const char *attr, char *op, const char **value)
{
	size_t n = strlen(attr);

	if (strncasecmp(s, attr, n) != 0 || s[n] != ':')
		return false;
	*op = s[n + 1];
	if (*op == ' ')
		*value = s + n + 2;
	else if (*op != '\0' && s[n + 2] == ' ')
		*value = s + n + 3;
	else
		*value = NULL;
	return true;
}

static bool same(const char *a, const char *b, bool icase)
{
	return icase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static bool list_has(const struct rbac_strlist *l, const char *s, bool icase)
{
	for (size_t i = 0; i < l->n; i++)
		if (same(l->v[i], s, icase))
			return true;
	return false;
}

static bool list_drop(struct rbac_strlist *l, const char *s, bool icase)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!same(l->v[i], s, icase))
			continue;
		free(l->v[i]);
		memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
		l->n--;
		return true;
	}
	return false;
}

/* What one attribute's change took away and put in. */
struct delta {
	struct rbac_strlist old; /* the values before, as logged (may be partial) */
	struct rbac_strlist added, removed;
	bool icase;
};

static void delta_free(struct delta *d)
{
	rbac_strlist_free(&d->old);
	rbac_strlist_free(&d->added);
	rbac_strlist_free(&d->removed);
}

static int delta_add(struct delta *d, const char *v)
{
	if (list_drop(&d->removed, v, d->icase))
		return 0;
	if (list_has(&d->added, v, d->icase) ||
	    (list_has(&d->old, v, d->icase) && !list_has(&d->removed, v, d->icase)))
		return 0;
	return rbac_strlist_add(&d->added, v);
}

static int delta_del(struct delta *d, const char *v)
{
	if (list_drop(&d->added, v, d->icase))
		return 0;
	if (list_has(&d->removed, v, d->icase))
		return 0;
	return rbac_strlist_add(&d->removed, v);
}

/* The values now: the old ones not removed, and the added ones. */
static int delta_current(const struct delta *d, struct rbac_strlist *now)
{
	for (size_t i = 0; i < d->old.n; i++)
		if (!list_has(&d->removed, d->old.v[i], d->icase) &&
		    rbac_strlist_add(now, d->old.v[i]) != 0)
			return -1;
	for (size_t i = 0; i < d->added.n; i++)
		if (rbac_strlist_add(now, d->added.v[i]) != 0)
			return -1;
	return 0;
}

/* A "-" with no value, or the first part of a "=": every value goes,
 * except those in keep. */
static int delta_clear(struct delta *d, const struct rbac_strlist *keep)
{
	struct rbac_strlist now = RBAC_STRLIST_INIT;
	int rc = delta_current(d, &now);

	for (size_t i = 0; rc == 0 && i < now.n; i++)
		if (keep == NULL || !list_has(keep, now.v[i], d->icase))
			rc = delta_del(d, now.v[i]);
	rbac_strlist_free(&now);
	return rc;
}

/* The values of "attr:= v" mods that follow mods[i], up to the next mod of
 * another kind or attribute (one replace is logged as consecutive values). */
static int replace_values(const struct audit_record *r, size_t *i, const char *attr,
			  struct rbac_strlist *vals)
{
	for (; *i < r->n_mods; (*i)++) {
		char op;
		const char *v;

		if (!attr_value(r->mods[*i], attr, &op, &v) || op != '=')
			break;
		if (v != NULL && rbac_strlist_add(vals, v) != 0)
			return -1;
	}
	(*i)--;
	return 0;
}

/* One mod of attr (mods[*i]) applied to d. */
static int delta_apply(struct delta *d, const struct audit_record *r, size_t *i,
		       const char *attr, char op, const char *v)
{
	struct rbac_strlist vals = RBAC_STRLIST_INIT;
	int rc = 0;

	if (op == '+' && v != NULL)
		return delta_add(d, v);
	if (op == '-')
		return v != NULL ? delta_del(d, v) : delta_clear(d, NULL);
	if (op != '=')
		return 0; /* '#' (increment) does not occur on RBAC attributes */
	if (replace_values(r, i, attr, &vals) != 0 || delta_clear(d, &vals) != 0)
		rc = -1;
	for (size_t k = 0; rc == 0 && k < vals.n; k++)
		rc = delta_add(d, vals.v[k]);
	rbac_strlist_free(&vals);
	return rc;
}

/* attr's change in r: for a modify its mods over its reqOld values; for an
 * add every value is added; for a delete every old value is removed. */
static int attr_delta(const struct audit_record *r, const char *attr, bool icase,
		      struct delta *d)
{
	bool is_add = strcasecmp(r->req_type, "add") == 0;
	bool is_delete = strcasecmp(r->req_type, "delete") == 0;
	char op;
	const char *v;

	*d = (struct delta){.icase = icase};
	for (size_t i = 0; i < r->n_old; i++)
		if (attr_value(r->old[i], attr, &op, &v) && op == ' ' && v != NULL &&
		    !list_has(&d->old, v, icase) && rbac_strlist_add(&d->old, v) != 0)
			return -1;
	if (is_delete)
		return delta_clear(d, NULL);
	for (size_t i = 0; i < r->n_mods; i++) {
		if (!attr_value(r->mods[i], attr, &op, &v))
			continue;
		if (is_add)
			op = '+';
		if (delta_apply(d, r, &i, attr, op, v) != 0)
			return -1;
	}
	return 0;
}

/* The single value attr has in r after it (the added one), or before it
 * (the old one); NULL when none. */
static const char *value_after(const struct audit_record *r, const char *attr)
{
	const char *found = NULL;
	char op;
	const char *v;

	if (strcasecmp(r->req_type, "delete") == 0)
		return NULL;
	for (size_t i = 0; i < r->n_mods; i++)
		if (attr_value(r->mods[i], attr, &op, &v))
			found = (op == '+' || op == '=') ? v : NULL;
	return found;
}

static const char *value_before(const struct audit_record *r, const char *attr)
{
	char op;
	const char *v;

	for (size_t i = 0; i < r->n_old; i++)
		if (attr_value(r->old[i], attr, &op, &v) && op == ' ')
			return v;
	return NULL;
}

/* -------------------------------------------------------------- events */

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void event_free(struct audit_event *e)
{
	free(e->stamp);
	free(e->actor);
	free(e->namespace_name);
	free(e->role);
	free(e->user);
	free(e->dn);
	free(e->attribute);
	rbac_strlist_free(&e->before);
	rbac_strlist_free(&e->after);
	free(e->reason);
	free(e->ticket);
	free(e->valid_from);
	free(e->valid_until);
}

void audit_events_truncate(struct audit_events *e, size_t n)
{
	while (e->n > n)
		event_free(&e->v[--e->n]);
}

void audit_events_free(struct audit_events *e)
{
	for (size_t i = 0; i < e->n; i++)
		event_free(&e->v[i]);
	free(e->v);
	memset(e, 0, sizeof(*e));
}

static int by_stamp(const void *a, const void *b)
{
	const struct audit_event *x = a, *y = b;

	return strcmp(x->stamp, y->stamp);
}

/* Insertion sort of the indexes, stable; the log comes in reqStart order
 * already, so it costs about one step per event. */
static void sort_order(const struct audit_events *e, size_t *order)
{
	for (size_t i = 0; i < e->n; i++)
		order[i] = i;
	for (size_t i = 1; i < e->n; i++) {
		size_t k = order[i], j = i;

		while (j > 0 && strcmp(e->v[order[j - 1]].stamp, e->v[k].stamp) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
}

void audit_events_sort(struct audit_events *e)
{
	struct audit_event *copy;
	size_t *order;

	if (e->n < 2)
		return;
	copy = malloc(e->n * sizeof(*copy));
	order = malloc(e->n * sizeof(*order));
	if (copy == NULL || order == NULL) {
		/* out of memory: in order still, if not stably */
		free(copy);
		free(order);
		qsort(e->v, e->n, sizeof(e->v[0]), by_stamp);
		return;
	}
	sort_order(e, order);
	for (size_t i = 0; i < e->n; i++)
		copy[i] = e->v[order[i]];
	memcpy(e->v, copy, e->n * sizeof(*copy));
	free(copy);
	free(order);
}

/* A new event at the end of out, its common fields from r and w; NULL when
 * out of memory. */
static struct audit_event *event_new(struct audit_events *out, enum audit_kind kind,
				     const struct audit_record *r, time_t t,
				     const struct where *w, const char *user)
{
	struct audit_event *e;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct audit_event *v = realloc(out->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		out->v = v;
		out->cap = cap;
	}
	e = &out->v[out->n];
	*e = (struct audit_event){.kind = kind, .time = t};
	e->stamp = strdup(r->req_start);
	e->actor = dup_or_null(r->authz);
	e->namespace_name = dup_or_null(w->ns);
	e->role = dup_or_null(w->role);
	e->user = dup_or_null(user);
	e->dn = strdup(r->dn);
	out->n++;
	if (e->stamp == NULL || (r->authz != NULL && e->actor == NULL) ||
	    (w->ns != NULL && e->namespace_name == NULL) ||
	    (w->role != NULL && e->role == NULL) || (user != NULL && e->user == NULL) ||
	    e->dn == NULL)
		return NULL;
	return e;
}

/* Context of one record while its events are made. */
struct rec {
	const struct audit_record *r;
	const struct where *w;
	time_t t;
	struct audit_events *out;
};

/* An event carrying an attribute's delta; skipped when nothing changed. */
static int delta_event(const struct rec *c, enum audit_kind kind, const char *attr,
		       struct delta *d, const char *user, struct audit_event **made)
{
	struct audit_event *e;

	*made = NULL;
	if (d->added.n == 0 && d->removed.n == 0)
		return 0;
	e = event_new(c->out, kind, c->r, c->t, c->w, user);
	if (e == NULL || (e->attribute = strdup(attr)) == NULL)
		return -1;
	e->before = d->removed;
	e->after = d->added;
	d->removed = (struct rbac_strlist)RBAC_STRLIST_INIT;
	d->added = (struct rbac_strlist)RBAC_STRLIST_INIT;
	*made = e;
	return 0;
}

/* One event per attribute of attrs whose values r changed. */
static int attrs_events(const struct rec *c, enum audit_kind kind, const char *const *attrs,
			bool icase, const char *user)
{
	for (; *attrs != NULL; attrs++) {
		struct delta d;
		struct audit_event *e;
		int rc = attr_delta(c->r, *attrs, icase, &d);

		if (rc == 0)
			rc = delta_event(c, kind, *attrs, &d, user, &e);
		delta_free(&d);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* ROLE_GRANTED per uid a role's memberUid gained, ROLE_REVOKED per uid it
 * lost. */
static int member_events(const struct rec *c)
{
	struct delta d;
	int rc = attr_delta(c->r, "memberUid", false, &d);

	for (size_t i = 0; rc == 0 && i < d.removed.n; i++) {
		struct audit_event *e =
		    event_new(c->out, AUDIT_ROLE_REVOKED, c->r, c->t, c->w, d.removed.v[i]);

		rc = e != NULL && (e->attribute = strdup("memberUid")) != NULL
			 ? rbac_strlist_add(&e->before, d.removed.v[i])
			 : -1;
	}
	for (size_t i = 0; rc == 0 && i < d.added.n; i++) {
		struct audit_event *e =
		    event_new(c->out, AUDIT_ROLE_GRANTED, c->r, c->t, c->w, d.added.v[i]);

		rc = e != NULL && (e->attribute = strdup("memberUid")) != NULL
			 ? rbac_strlist_add(&e->after, d.added.v[i])
			 : -1;
	}
	delta_free(&d);
	return rc;
}

static const char *const definition_attrs[] = {"rbacPermission", "rbacRestriction",
					       "rbacInherits", NULL};

static int role_events(const struct rec *c)
{
	const char *type = c->r->req_type;
	struct audit_event *e;

	if (strcasecmp(type, "add") == 0 &&
	    event_new(c->out, AUDIT_ROLE_CREATED, c->r, c->t, c->w, NULL) == NULL)
		return -1;
	if (member_events(c) != 0 ||
	    attrs_events(c, AUDIT_ROLE_DEFINITION_CHANGED, definition_attrs, false, NULL) != 0)
		return -1;
	if (strcasecmp(type, "delete") == 0) {
		e = event_new(c->out, AUDIT_ROLE_DELETED, c->r, c->t, c->w, NULL);
		if (e == NULL)
			return -1;
	}
	return 0;
}

/* The uid of an assignment or account: its RDN's, else its uid value. */
static const char *entry_uid(const struct rec *c)
{
	const char *v;

	if (c->w->uid != NULL)
		return c->w->uid;
	v = value_after(c->r, "uid");
	return v != NULL ? v : value_before(c->r, "uid");
}

static int set_window(const struct rec *c, struct audit_event *e)
{
	bool gone = strcasecmp(c->r->req_type, "delete") == 0;
	const char *from =
	    gone ? value_before(c->r, "rbacValidFrom") : value_after(c->r, "rbacValidFrom");
	const char *until =
	    gone ? value_before(c->r, "rbacValidUntil") : value_after(c->r, "rbacValidUntil");
	const char *ticket =
	    gone ? value_before(c->r, "rbacTicket") : value_after(c->r, "rbacTicket");

	e->valid_from = dup_or_null(from);
	e->valid_until = dup_or_null(until);
	e->ticket = dup_or_null(ticket);
	return (from != NULL && e->valid_from == NULL) ||
		       (until != NULL && e->valid_until == NULL) ||
		       (ticket != NULL && e->ticket == NULL)
		   ? -1
		   : 0;
}

static const char *const window_attrs[] = {"rbacValidFrom", "rbacValidUntil", "rbacTicket",
					   NULL};

/* An assignment entry: added, ROLE_GRANTED; deleted, ROLE_REVOKED; its
 * window or ticket changed, ASSIGNMENT_CHANGED. */
static int assignment_events(const struct rec *c)
{
	const char *type = c->r->req_type, *uid = entry_uid(c);
	bool add = strcasecmp(type, "add") == 0, del = strcasecmp(type, "delete") == 0;
	struct audit_event *e;

	if (!add && !del)
		return attrs_events(c, AUDIT_ASSIGNMENT_CHANGED, window_attrs, false, uid);
	e = event_new(c->out, add ? AUDIT_ROLE_GRANTED : AUDIT_ROLE_REVOKED, c->r, c->t, c->w,
		      uid);
	if (e == NULL || (e->attribute = strdup("rbacAssignment")) == NULL ||
	    (uid != NULL && rbac_strlist_add(add ? &e->after : &e->before, uid) != 0))
		return -1;
	return set_window(c, e);
}

static bool was_account(const struct audit_record *r)
{
	char op;
	const char *v;

	for (size_t i = 0; i < r->n_old; i++)
		if (attr_value(r->old[i], "objectClass", &op, &v) && op == ' ' && v != NULL &&
		    strcasecmp(v, "rbacAccount") == 0)
			return true;
	return false;
}

static int status_events(const struct rec *c, const char *uid)
{
	struct delta d;
	struct audit_event *e;
	int rc = attr_delta(c->r, "rbacAccountStatus", true, &d);
	const char *reason = value_after(c->r, "rbacStatusReason");

	if (rc == 0)
		rc = delta_event(c, AUDIT_ACCOUNT_STATUS_CHANGED, "rbacAccountStatus", &d, uid,
				 &e);
	if (rc == 0 && e != NULL && reason != NULL && (e->reason = strdup(reason)) == NULL)
		rc = -1;
	delta_free(&d);
	if (rc != 0 || e != NULL)
		return rc;
	/* the reason alone (a suspension's reason corrected) */
	rc = attr_delta(c->r, "rbacStatusReason", false, &d);
	if (rc == 0)
		rc = delta_event(c, AUDIT_ACCOUNT_STATUS_CHANGED, "rbacStatusReason", &d, uid,
				 &e);
	if (rc == 0 && e != NULL && reason != NULL && (e->reason = strdup(reason)) == NULL)
		rc = -1;
	delta_free(&d);
	return rc;
}

static const char *const validity_attrs[] = {"rbacValidFrom", "rbacValidUntil", NULL};

/* An account: deleted (it was an rbacAccount), ACCOUNT_DELETED; else its
 * status, reason and validity window. A new account is not an event: what
 * it may do comes from the roles it is given, which are. */
static int account_events(const struct rec *c)
{
	const char *type = c->r->req_type, *uid = entry_uid(c);
	struct audit_event *e;

	if (strcasecmp(type, "delete") == 0) {
		const char *status = value_before(c->r, "rbacAccountStatus");

		if (!was_account(c->r))
			return 0;
		e = event_new(c->out, AUDIT_ACCOUNT_DELETED, c->r, c->t, c->w, uid);
		if (e == NULL || (status != NULL && rbac_strlist_add(&e->before, status) != 0))
			return -1;
		return 0;
	}
	if (strcasecmp(type, "modify") != 0)
		return 0;
	if (status_events(c, uid) != 0)
		return -1;
	return attrs_events(c, AUDIT_ACCOUNT_VALIDITY_CHANGED, validity_attrs, false, uid);
}

static const char *const master_attrs[] = {"rbacPermission", NULL};

/* reqStart "20261205025117.564664Z": the second it names. */
static int stamp_time(const char *s, time_t *t)
{
	char g[16];

	if (strlen(s) < 15 || (s[14] != '.' && s[14] != 'Z'))
		return -1;
	memcpy(g, s, 14);
	g[14] = 'Z';
	g[15] = '\0';
	return rbac_time_parse(g, t);
}

/* Who made the change: the modifiersName slapd set (on the provider the
 * change was made on, the DN bound there), which a replicated copy keeps,
 * while its reqAuthzID is the replication identity; else reqAuthzID (a
 * delete carries no modifiersName). */
static const char *actor_of(const struct audit_record *r)
{
	const char *v, *found = NULL;
	char op;

	for (size_t i = 0; i < r->n_mods; i++)
		if (attr_value(r->mods[i], "modifiersName", &op, &v) && v != NULL &&
		    (op == '=' || op == '+'))
			found = v;
	return found != NULL ? found : r->authz;
}

int audit_record_events(const struct audit_layout *lay, const struct audit_record *in,
			struct audit_events *out)
{
	struct audit_record rec = *in, *r = &rec;
	struct where w;
	struct rec c = {r, &w, 0, out};
	int rc = 0;

	if (r->req_start == NULL || r->req_type == NULL || r->dn == NULL ||
	    stamp_time(r->req_start, &c.t) != 0)
		return 1;
	r->authz = actor_of(in);
	if (strcasecmp(r->req_type, "modrdn") == 0)
		return 0; /* rbac entries are not renamed; a rename is logged by slapd only */
	if (locate(lay, r->dn, &w) != 0) {
		dn_free(&w.d);
		return -1;
	}
	switch (w.t) {
	case T_NAMESPACE:
		rc = attrs_events(&c, AUDIT_MASTER_LIST_CHANGED, master_attrs, false, NULL);
		break;
	case T_ROLE:
		rc = role_events(&c);
		break;
	case T_ASSIGNMENT:
		rc = assignment_events(&c);
		break;
	case T_ACCOUNT:
		rc = account_events(&c);
		break;
	case T_NONE:
		break;
	}
	dn_free(&w.d);
	return rc;
}

int audit_expired_event(const struct audit_layout *lay, const char *dn, const char *uid,
			const char *valid_from, const char *valid_until, const char *ticket,
			struct audit_events *out)
{
	struct where w = {0};
	struct audit_record r = {NULL, "derived", NULL, dn, NULL, 0, NULL, 0};
	struct audit_event *e = NULL;
	char stamp[24];
	time_t t;

	if (valid_until == NULL || rbac_time_parse(valid_until, &t) != 0)
		return 1;
	if (locate(lay, dn, &w) != 0 || (w.t != T_ASSIGNMENT && w.t != T_ACCOUNT)) {
		dn_free(&w.d);
		return w.t != T_ASSIGNMENT && w.t != T_ACCOUNT ? 1 : -1;
	}
	/* its stamp in reqStart's form ("YYYYMMDDHHMMSSZ" sorts after the
	 * records of the same second), so it sorts among the records */
	rbac_time_format(t, stamp, sizeof(stamp));
	r.req_start = stamp;
	e = event_new(out, w.t == T_ACCOUNT ? AUDIT_ACCOUNT_EXPIRED : AUDIT_ASSIGNMENT_EXPIRED,
		      &r, t, &w, uid != NULL ? uid : w.uid);
	if (e == NULL || (e->attribute = strdup("rbacValidUntil")) == NULL ||
	    (w.t == T_ASSIGNMENT && e->user != NULL &&
	     rbac_strlist_add(&e->before, e->user) != 0)) {
		dn_free(&w.d);
		return -1;
	}
	dn_free(&w.d);
	e->valid_from = dup_or_null(valid_from);
	e->valid_until = strdup(valid_until);
	e->ticket = dup_or_null(ticket);
	return e->valid_until == NULL ? -1 : 0;
}

/* ------------------------------------------------------------ as cells */

const char *const audit_columns[AUDIT_NCOLS] = {
    "time",	 "event",  "actor", "namespace", "role",   "user",	 "dn",
    "attribute", "before", "after", "reason",	 "ticket", "valid_from", "valid_until",
};

static char *joined(const struct rbac_strlist *l)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 1;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, l->v[i]);
	}
	return s;
}

/* A GeneralizedTime as "2026-12-04T11:00:00Z"; as it is when unreadable. */
static char *iso_or_raw(const char *g)
{
	char buf[32];
	struct tm tm;
	time_t t;

	if (g == NULL)
		return strdup("");
	if (rbac_time_parse(g, &t) != 0 || gmtime_r(&t, &tm) == NULL)
		return strdup(g);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strdup(buf);
}

int audit_cells(const struct audit_event *e, char *cells[AUDIT_NCOLS])
{
	char t[32];
	struct tm tm;
	const char *plain[AUDIT_NCOLS] = {
	    NULL,	   audit_kind_name(e->kind),
	    e->actor,	   e->namespace_name,
	    e->role,	   e->user,
	    e->dn,	   e->attribute,
	    NULL,	   NULL,
	    e->reason,	   e->ticket,
	    e->valid_from, e->valid_until,
	};
	int rc = 0;

	gmtime_r(&e->time, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	plain[0] = t;
	for (size_t i = 0; i < AUDIT_NCOLS; i++) {
		if (i >= 12)
			cells[i] = iso_or_raw(plain[i]);
		else if (i == 8 || i == 9)
			cells[i] = joined(i == 8 ? &e->before : &e->after);
		else
			cells[i] = strdup(plain[i] != NULL ? plain[i] : "");
		if (cells[i] == NULL)
			rc = -1;
	}
	return rc;
}

void audit_cells_free(char *cells[AUDIT_NCOLS])
{
	for (size_t i = 0; i < AUDIT_NCOLS; i++) {
		free(cells[i]);
		cells[i] = NULL;
	}
}
