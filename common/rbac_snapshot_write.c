/*
 * rbac_snapshot_write.c - groups.db and accounts.db from the model, and the
 * atomic write of a file. The layout is described in rbac_snapshot.h; the
 * rules for names, gids and members in rbac_snapshot_write.h.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rbac_decision.h"
#include "rbac_names.h"
#include "rbac_snapshot_format.h"
#include "rbac_snapshot_write.h"

/* ------------------------------------------------------ growable buffer */

struct wbuf {
	unsigned char *p;
	size_t len, cap;
	bool oom;
};

static void wb_put(struct wbuf *b, const void *data, size_t len)
{
	if (b->oom || len == 0)
		return;
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		unsigned char *p;

		while (cap - b->len < len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void put32_at(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Most of an image is 32-bit fields: stored in place while there is room,
 * without wb_put's call and checks per field. */
static void wb_u32(struct wbuf *b, uint32_t v)
{
	unsigned char x[4];

	if (b->cap - b->len >= sizeof(x) && !b->oom) {
		put32_at(b->p + b->len, v);
		b->len += sizeof(x);
		return;
	}
	put32_at(x, v);
	wb_put(b, x, sizeof(x));
}

static void wb_u64(struct wbuf *b, uint64_t v)
{
	wb_u32(b, (uint32_t)v);
	wb_u32(b, (uint32_t)(v >> 32));
}

static void wb_s64(struct wbuf *b, int64_t v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	wb_u64(b, u);
}

static void wb_align(struct wbuf *b, size_t align)
{
	static const unsigned char zero[8];

	wb_put(b, zero, (align - b->len % align) % align);
}

/* Appends s and its NUL to a strings section; sets *off and *len. */
static void wb_string_len(struct wbuf *b, const char *s, size_t n, uint32_t *off, uint32_t *len)
{
	*off = (uint32_t)b->len;
	*len = (uint32_t)n;
	wb_put(b, s, n + 1);
}

static void wb_string(struct wbuf *b, const char *s, uint32_t *off, uint32_t *len)
{
	wb_string_len(b, s, strlen(s), off, len);
}

static void wb_free(struct wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put64_at(unsigned char *p, uint64_t v)
{
	put32_at(p, (uint32_t)v);
	put32_at(p + 4, (uint32_t)(v >> 32));
}

void rbac_snapshot_image_free(struct rbac_snapshot_image *img)
{
	free(img->data);
	memset(img, 0, sizeof(*img));
}

/* ------------------------------------------------------------- accounts */

/* The accounts sorted by uid; a uid claimed by two entries is unusable.
 * Every memberUid of every role is looked up here, so by hash, not by a
 * binary search of strcmp calls. */
struct member_ids {
	const struct rbac_namespace *ns;
	size_t *first; /* role i's memberUids are acc[first[i] .. first[i] + members.n) */
	int32_t *acc;  /* each one's account (its uid's first entry), or -1 */
};

struct account_table {
	const struct rbac_account **v;
	bool *usable; /* may be a group member */
	size_t n;
	uint32_t *slot; /* open addressing: index + 1 of a uid's first entry, 0 free */
	size_t mask;
	/* every memberUid of the host's and the global namespace, looked up
	 * once for both images */
	struct member_ids ids[2];
};

static int cmp_account_uid(const void *a, const void *b)
{
	const struct rbac_account *x = *(const struct rbac_account *const *)a;
	const struct rbac_account *y = *(const struct rbac_account *const *)b;

	return strcmp(x->uid, y->uid);
}

static bool account_usable(const struct rbac_account *a, const struct rbac_logger *lg)
{
	char q[RBAC_LOG_QUOTE_BUFSZ], dn[RBAC_LOG_QUOTE_BUFSZ];
	const char *attr = "";
	enum rbac_reason r = rbac_account_standing(a, &attr);

	if (r == RBAC_REASON_INVALID_ENTRY) {
		rbac_log(lg, LOG_WARNING,
			 "directory error: %s: unreadable %s; not a member of "
			 "any group",
			 rbac_log_quote(dn, sizeof(dn), a->dn), attr);
		return false;
	}
	if (r != RBAC_REASON_GRANTED) {
		rbac_log(lg, LOG_DEBUG, "user \"%s\" is %s: not a member of any group",
			 rbac_log_quote(q, sizeof(q), a->uid), rbac_reason_name(r));
		return false;
	}
	if (!rbac_user_name_valid(a->uid, RBAC_USER_NAME_MEMBER)) {
		rbac_log(lg, LOG_WARNING,
			 "%s: uid \"%s\" cannot appear in a group file; "
			 "not a member of any group",
			 rbac_log_quote(dn, sizeof(dn), a->dn),
			 rbac_log_quote(q, sizeof(q), a->uid));
		return false;
	}
	return true;
}

/* Marks both entries of a duplicated uid unusable, and logs it. */
static void mark_duplicates(struct account_table *t, const struct rbac_logger *lg)
{
	char q[RBAC_LOG_QUOTE_BUFSZ], a[RBAC_LOG_QUOTE_BUFSZ], b[RBAC_LOG_QUOTE_BUFSZ];

	for (size_t i = 1; i < t->n; i++) {
		if (strcmp(t->v[i - 1]->uid, t->v[i]->uid) != 0)
			continue;
		rbac_log(lg, LOG_WARNING,
			 "directory error: uid \"%s\" is claimed by %s and %s; "
			 "neither is used",
			 rbac_log_quote(q, sizeof(q), t->v[i]->uid),
			 rbac_log_quote(a, sizeof(a), t->v[i - 1]->dn),
			 rbac_log_quote(b, sizeof(b), t->v[i]->dn));
		t->usable[i - 1] = t->usable[i] = false;
	}
}

/* FNV-1a, here so that it is inlined and needs no strlen first. */
static size_t uid_hash(const char *uid)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)uid; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (size_t)h;
}

static bool same_uid(const struct account_table *t, size_t i, size_t j)
{
	return j < t->n && strcmp(t->v[i]->uid, t->v[j]->uid) == 0;
}

/* Indexes the first entry of each uid (the table is sorted). */
static int account_hash_init(struct account_table *t)
{
	size_t size = 16;

	while (size < 2 * t->n)
		size *= 2;
	t->slot = calloc(size, sizeof(*t->slot));
	if (t->slot == NULL)
		return -1;
	t->mask = size - 1;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = uid_hash(t->v[i]->uid) & t->mask;

		if (i > 0 && same_uid(t, i, i - 1))
			continue;
		while (t->slot[h] != 0)
			h = (h + 1) & t->mask;
		t->slot[h] = (uint32_t)i + 1;
	}
	return 0;
}

static long account_find(const struct account_table *t, const char *uid);

static int member_ids_init(struct member_ids *d, const struct rbac_namespace *ns,
			   const struct account_table *t)
{
	size_t k = 0;

	d->ns = ns;
	if (ns == NULL)
		return 0;
	d->first = calloc(ns->n_roles + 1, sizeof(*d->first));
	for (size_t i = 0; d->first != NULL && i < ns->n_roles; i++)
		d->first[i + 1] = d->first[i] + ns->roles[i].members.n;
	d->acc = d->first ? calloc(d->first[ns->n_roles] + 1, sizeof(*d->acc)) : NULL;
	if (d->acc == NULL)
		return -1;
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];

		for (size_t j = 0; j < r->members.n; j++)
			d->acc[k++] = (int32_t)account_find(t, r->members.v[j]);
	}
	return 0;
}

static const struct member_ids *ids_of(const struct account_table *t,
				       const struct rbac_namespace *ns)
{
	return t->ids[0].ns == ns ? &t->ids[0] : &t->ids[1];
}

/* members: also find which accounts may be group members (logged through
 * lg), which only the groups need. */
static int account_table_init(struct account_table *t, const struct rbac_snapshot_model *m,
			      bool members, const struct rbac_logger *lg)
{
	size_t n = 0;

	t->v = calloc(m->n_accounts + 1, sizeof(*t->v));
	t->usable = calloc(m->n_accounts + 1, sizeof(*t->usable));
	if (t->v == NULL || t->usable == NULL)
		return -1;
	for (size_t i = 0; i < m->n_accounts; i++) {
		if (m->accounts[i].uid != NULL)
			t->v[n++] = &m->accounts[i];
	}
	t->n = n;
	qsort(t->v, n, sizeof(*t->v), cmp_account_uid);
	if (members) {
		for (size_t i = 0; i < n; i++)
			t->usable[i] = account_usable(t->v[i], lg);
		mark_duplicates(t, lg);
	}
	if (account_hash_init(t) != 0 || member_ids_init(&t->ids[0], m->ns, t) != 0 ||
	    member_ids_init(&t->ids[1], m->global, t) != 0)
		return -1;
	return 0;
}

static void account_table_free(struct account_table *t)
{
	free(t->v);
	free(t->usable);
	free(t->slot);
	for (int i = 0; i < 2; i++) {
		free(t->ids[i].first);
		free(t->ids[i].acc);
	}
}

/* Index of the first entry of uid in the table, or -1. */
static long account_find(const struct account_table *t, const char *uid)
{
	for (size_t h = uid_hash(uid) & t->mask; t->slot[h] != 0; h = (h + 1) & t->mask) {
		size_t i = t->slot[h] - 1;

		if (strcmp(t->v[i]->uid, uid) == 0)
			return (long)i;
	}
	return -1;
}

/* ------------------------------------------------------------ the groups */

struct wgroup {
	char name[RBAC_GROUP_NAME_MAX + 1];
	uint32_t gid;
	uint32_t flags;
	size_t *members; /* account table indexes, ascending */
	size_t n_members;
	int64_t *window; /* from, until of each membership (2 per member) */
};

/* For each role of a namespace, the roles that inherit it: those whose
 * holders join its group with expand_inherited. Built from one ancestor
 * walk per role, so its cost is the relation's size; asking
 * rbac_role_inherits() about every pair of roles was cubic. */
struct inheritors {
	const struct rbac_namespace *ns;
	size_t *first; /* role y's inheritors are v[first[y] .. first[y + 1]) */
	size_t *v;
};

struct group_builder {
	const struct rbac_snapshot_options *o;
	const struct rbac_logger *lg;
	const struct account_table *accounts; /* with members found */
	struct inheritors inh[2];	      /* the host's namespace, the global one */
	bool *mark;	 /* per account: already a member of the group being built */
	int64_t *window; /* per account: from, until of that membership */
	struct wgroup *groups;
	size_t n_groups, cap_groups;
	size_t skipped;
};

/* Why a role of the plan has no group. The clash named is the earlier of
 * the two groups it may clash with, as the log has always said. */
static void log_skipped(const struct rbac_logger *lg, const struct rbac_role_group *e)
{
	char dn[RBAC_LOG_QUOTE_BUFSZ], q[RBAC_LOG_QUOTE_BUFSZ];
	const struct rbac_role_group *other = e->same_name;

	rbac_log_quote(dn, sizeof(dn), e->role->dn);
	if (e->fate == RBAC_GROUP_INVALID_NAME) {
		rbac_log(lg, LOG_WARNING,
			 "%s: \"%s\" is not a valid group name (lowercase letters, "
			 "digits, '_' and '-', at most %d characters); role skipped",
			 dn, rbac_log_quote(q, sizeof(q), e->name), RBAC_GROUP_NAME_MAX);
		return;
	}
	if (other == NULL || (e->same_gid != NULL && e->same_gid < other))
		other = e->same_gid;
	if (strcmp(other->name, e->name) == 0)
		rbac_log(lg, LOG_WARNING, "%s: group name %s is already taken; role skipped",
			 dn, e->name);
	else
		rbac_log(lg, LOG_WARNING,
			 "%s: gid %lu of group %s is already taken by group "
			 "%s; role skipped",
			 dn, (unsigned long)e->gid, e->name, other->name);
}

/* A second way into the same group: memberUid (open) makes the membership
 * open; two windows that overlap or touch become their hull. Two apart
 * cannot be one window: the one in force at the write, else the next to
 * start, is kept (the other comes with a later write). */
static void merge_window(int64_t *w, int64_t from, int64_t until, int64_t now)
{
	bool apart =
	    (until < INT64_MAX && until + 1 < w[0]) || (w[1] < INT64_MAX && w[1] + 1 < from);

	if (!apart) {
		w[0] = from < w[0] ? from : w[0];
		w[1] = until > w[1] ? until : w[1];
	} else if (w[1] < now || (until >= now && from < w[0])) {
		w[0] = from;
		w[1] = until;
	}
}

static int add_member(struct group_builder *b, struct wgroup *g, int32_t idx, int64_t from,
		      int64_t until, size_t *cap)
{
	if (idx < 0 || !b->accounts->usable[idx])
		return 0;
	if (b->mark[idx]) {
		merge_window(&b->window[2 * idx], from, until, (int64_t)b->o->now);
		return 0;
	}
	if (g->n_members == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		size_t *p = reallocarray(g->members, ncap, sizeof(*p));

		if (p == NULL)
			return -1;
		g->members = p;
		*cap = ncap;
	}
	b->mark[idx] = true;
	b->window[2 * idx] = from;
	b->window[2 * idx + 1] = until;
	g->members[g->n_members++] = (size_t)idx;
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void inheritors_free(struct inheritors *h)
{
	free(h->first);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* Walks every role's ancestors; fill false counts them into first[], fill
 * true lists each role under its ancestors (first[] then points past each
 * list, and is shifted back by the caller). */
static void inheritors_walk(struct inheritors *h, bool *seen, size_t *anc, bool fill)
{
	const struct rbac_namespace *ns = h->ns;

	for (size_t x = 0; x < ns->n_roles; x++) {
		size_t n = rbac_role_ancestors(ns, &ns->roles[x], seen, anc);

		for (size_t k = 0; k < n; k++) {
			if (fill)
				h->v[h->first[anc[k]]++] = x;
			else
				h->first[anc[k] + 1]++;
		}
	}
}

static int inheritors_init(struct inheritors *h, const struct rbac_namespace *ns)
{
	size_t n = ns->n_roles;
	bool *seen = calloc(n + 1, sizeof(*seen));
	size_t *anc = calloc(n + 1, sizeof(*anc));
	int rc = -1;

	h->ns = ns;
	h->first = calloc(n + 2, sizeof(*h->first));
	if (seen == NULL || anc == NULL || h->first == NULL)
		goto done;
	inheritors_walk(h, seen, anc, false);
	for (size_t y = 0; y < n; y++)
		h->first[y + 1] += h->first[y];
	h->v = calloc(h->first[n] + 1, sizeof(*h->v));
	if (h->v == NULL)
		goto done;
	inheritors_walk(h, seen, anc, true);
	/* Each first[y] now holds where y's list ends: y + 1's start. */
	memmove(h->first + 1, h->first, n * sizeof(*h->first));
	h->first[0] = 0;
	rc = 0;
done:
	free(seen);
	free(anc);
	return rc;
}

/* An assignment that can still grant: its window readable, not inverted
 * and not over at the write (DESIGN.md §11). */
static bool assignment_lasting(const struct rbac_assignment *a, int64_t now, int64_t *w)
{
	if ((a->valid_from.present && !a->valid_from.valid) ||
	    (a->valid_until.present && !a->valid_until.valid))
		return false;
	w[0] = a->valid_from.present ? (int64_t)a->valid_from.t : INT64_MIN;
	w[1] = a->valid_until.present ? (int64_t)a->valid_until.t : INT64_MAX;
	return w[0] <= w[1] && w[1] >= now;
}

/* The holders of role x of ns: by memberUid, and (unless the options
 * leave them out) by an assignment, with its window. */
static int add_holders(struct group_builder *b, struct wgroup *g,
		       const struct rbac_namespace *ns, size_t x, size_t *cap)
{
	const struct member_ids *d = ids_of(b->accounts, ns);
	const struct rbac_role *r = &ns->roles[x];
	int64_t w[2];

	for (size_t j = d->first[x]; j < d->first[x + 1]; j++) {
		if (add_member(b, g, d->acc[j], INT64_MIN, INT64_MAX, cap) != 0)
			return -1;
	}
	for (size_t j = 0; !b->o->without_assignments && j < r->n_assignments; j++) {
		const struct rbac_assignment *a = &r->assignments[j];

		if (assignment_lasting(a, (int64_t)b->o->now, w) &&
		    add_member(b, g, (int32_t)account_find(b->accounts, a->uid), w[0], w[1],
			       cap) != 0)
			return -1;
	}
	return 0;
}

/* Each member's window, in member order. */
static int take_windows(struct group_builder *b, struct wgroup *g)
{
	g->window = calloc(2 * g->n_members + 1, sizeof(*g->window));
	if (g->window == NULL)
		return -1;
	for (size_t j = 0; j < g->n_members; j++) {
		g->window[2 * j] = b->window[2 * g->members[j]];
		g->window[2 * j + 1] = b->window[2 * g->members[j] + 1];
	}
	return 0;
}

/* Ascending, and the marks cleared. A group of a good part of all accounts
 * (the "everyone" role) is read off the marks in one pass instead of
 * sorted. */
static void sort_members(struct group_builder *b, struct wgroup *g)
{
	size_t k = 0;

	if (g->n_members * 16 < b->accounts->n) {
		for (size_t i = 0; i < g->n_members; i++)
			b->mark[g->members[i]] = false;
		if (g->n_members > 1)
			qsort(g->members, g->n_members, sizeof(*g->members), cmp_size);
		return;
	}
	for (size_t a = 0; a < b->accounts->n; a++) {
		if (b->mark[a]) {
			b->mark[a] = false;
			g->members[k++] = a;
		}
	}
}

/* Holders of y, and with expand_inherited holders of roles inheriting y;
 * the order they are met in does not matter, as the list is sorted. */
static int collect_members(struct group_builder *b, const struct rbac_namespace *ns,
			   const struct rbac_role *y, struct wgroup *g)
{
	const struct inheritors *h = ns == b->inh[0].ns ? &b->inh[0] : &b->inh[1];
	size_t cap = 0, yi = (size_t)(y - ns->roles);

	if (add_holders(b, g, ns, yi, &cap) != 0)
		return -1;
	for (size_t k = h->first ? h->first[yi] : 0; h->first && k < h->first[yi + 1]; k++) {
		if (add_holders(b, g, ns, h->v[k], &cap) != 0)
			return -1;
	}
	sort_members(b, g);
	return take_windows(b, g);
}

static struct wgroup *new_group(struct group_builder *b)
{
	if (b->n_groups == b->cap_groups) {
		size_t cap = b->cap_groups ? b->cap_groups * 2 : 16;
		struct wgroup *p = reallocarray(b->groups, cap, sizeof(*p));

		if (p == NULL)
			return NULL;
		b->groups = p;
		b->cap_groups = cap;
	}
	memset(&b->groups[b->n_groups], 0, sizeof(b->groups[0]));
	return &b->groups[b->n_groups];
}

static int add_role(struct group_builder *b, const struct rbac_role_group *e, uint32_t flags)
{
	struct wgroup *g;

	if (e->fate != RBAC_GROUP_MADE) {
		log_skipped(b->lg, e);
		b->skipped++;
		return 0;
	}
	g = new_group(b);
	if (g == NULL)
		return -1;
	memcpy(g->name, e->name, strlen(e->name) + 1);
	g->gid = e->gid;
	g->flags = flags;
	if (collect_members(b, e->ns, e->role, g) != 0) {
		free(g->members);
		free(g->window);
		return -1;
	}
	b->n_groups++;
	return 0;
}

/* Every role's group as rbac_group_plan() assigns them. */
static int add_roles(struct group_builder *b, const struct rbac_snapshot_model *m)
{
	const struct rbac_snapshot_options *o = b->o;
	struct rbac_group_plan plan;
	int rc = 0;

	if (o->expand_inherited &&
	    (inheritors_init(&b->inh[0], m->ns) != 0 ||
	     (m->global != NULL && inheritors_init(&b->inh[1], m->global) != 0)))
		return -1;
	if (rbac_group_plan(m->ns, o->group_format, m->global, o->global_group_format,
			    o->gid_min, o->gid_max, &plan) != 0)
		return -1;
	for (size_t i = 0; i < plan.n && rc == 0; i++)
		rc = add_role(b, &plan.v[i],
			      plan.v[i].ns == m->global ? RBAC_SNAPSHOT_GROUP_GLOBAL : 0);
	rbac_group_plan_free(&plan);
	return rc;
}

static void group_builder_free(struct group_builder *b)
{
	for (size_t i = 0; i < b->n_groups; i++) {
		free(b->groups[i].members);
		free(b->groups[i].window);
	}
	free(b->groups);
	free(b->mark);
	free(b->window);
	inheritors_free(&b->inh[0]);
	inheritors_free(&b->inh[1]);
}

/* ------------------------------------------------------------- assembly */

/* The strings the header refers to: namespace, applied CSN, context CSN,
 * server (offset, length; 0, 0 when absent). */
enum { HS_NAMESPACE, HS_APPLIED, HS_CONTEXT, HS_SERVER, HS_COUNT };

struct sections {
	struct wbuf sec[RBAC_SNAPSHOT_SECTIONS];
	uint32_t count[RBAC_SNAPSHOT_SECTIONS];
	uint32_t hs_off[HS_COUNT], hs_len[HS_COUNT];
};

/* The header's strings, first in the strings section. */
static void put_header_strings(struct sections *s, const struct rbac_snapshot_model *m,
			       const struct rbac_snapshot_options *o)
{
	const struct rbac_snapshot_sync *y = o->sync;
	const char *v[HS_COUNT] = {m->ns->name, y ? y->applied_csn : NULL,
				   y ? y->context_csn : NULL, y ? y->server : NULL};

	for (int i = 0; i < HS_COUNT; i++) {
		if (v[i] != NULL && v[i][0] != '\0')
			wb_string(&s->sec[0], v[i], &s->hs_off[i], &s->hs_len[i]);
	}
}

static void sections_free(struct sections *s)
{
	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++)
		wb_free(&s->sec[i]);
}

static void put_header(struct wbuf *out, const char *magic, const struct sections *s,
		       const struct rbac_snapshot_options *o)
{
	const struct rbac_snapshot_sync *y = o->sync;
	int64_t synced_at = y ? y->synced_at : INT64_MIN;

	wb_put(out, magic, MAGIC_LEN);
	wb_u32(out, RBAC_SNAPSHOT_VERSION);
	wb_u32(out, RBAC_SNAPSHOT_HEADER_SIZE);
	wb_u64(out, 0); /* file size, patched */
	wb_u64(out, 0); /* checksum, patched */
	wb_u64(out, 0); /* superseded: not yet */
	wb_u64(out, 0); /* header checksum, patched */
	wb_s64(out, synced_at);
	wb_s64(out, ~synced_at);
	wb_u64(out, o->generation);
	wb_s64(out, (int64_t)o->now);
	wb_s64(out, (int64_t)o->stale_after);
	wb_u32(out, s->hs_off[HS_NAMESPACE]);
	wb_u32(out, s->hs_len[HS_NAMESPACE]);
	wb_u32(out, y ? (uint32_t)y->source : RBAC_SNAPSHOT_SOURCE_REFRESH);
	wb_u32(out, y ? y->probe_interval : 0);
	for (int i = HS_APPLIED; i < HS_COUNT; i++) {
		wb_u32(out, s->hs_off[i]);
		wb_u32(out, s->hs_len[i]);
	}
	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++) {
		wb_u32(out, 0); /* offset, patched */
		wb_u32(out, s->count[i]);
	}
}

/* Room for n record checksums in section sec, filled by
 * rbac_snapshot_seal() once the image is assembled. */
static void put_sums(struct sections *s, int sec, uint32_t n)
{
	static const unsigned char zero[64];

	for (uint32_t left = n; left > 0;) {
		uint32_t k = left < 16 ? left : 16;

		wb_put(&s->sec[sec], zero, (size_t)k * 4);
		left -= k;
	}
	s->count[sec] = n;
}

/* See GROUPS_SECTIONS. */
static bool section_used(const char *magic, int i)
{
	return i < (strcmp(magic, MAGIC_GROUPS) == 0 ? GROUPS_SECTIONS : ACCOUNTS_SECTIONS);
}

static bool section_skipped(const char *magic, const struct sections *s, int i)
{
	return s->sec[i].len == 0 && s->count[i] == 0 && !section_used(magic, i);
}

/* The image's size: the header, then each section aligned to 8 bytes. */
static size_t image_size(const char *magic, const struct sections *s)
{
	size_t len = RBAC_SNAPSHOT_HEADER_SIZE;

	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++)
		if (!section_skipped(magic, s, i))
			len = (len + 7) / 8 * 8 + s->sec[i].len;
	return len;
}

/* Header, then each section aligned to 8 bytes. The image is allocated
 * once at its size, and each section freed once copied: the build's peak
 * is about the sections plus one image, not twice the image grown by
 * doubling on top of them. */
static int assemble(const char *magic, struct sections *s,
		    const struct rbac_snapshot_options *o, const struct rbac_logger *lg,
		    struct rbac_snapshot_image *img)
{
	struct wbuf out = {0};

	out.cap = image_size(magic, s);
	out.p = malloc(out.cap);
	out.oom = out.p == NULL;
	put_header(&out, magic, s, o);
	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++) {
		if (s->sec[i].oom)
			out.oom = true;
		if (section_skipped(magic, s, i))
			continue;
		wb_align(&out, 8);
		if (!out.oom)
			put32_at(out.p + H3_SECTIONS + 8 * i, (uint32_t)out.len);
		wb_put(&out, s->sec[i].p, s->sec[i].len);
		wb_free(&s->sec[i]);
	}
	if (out.oom || out.len > RBAC_SNAPSHOT_MAX_SIZE) {
		rbac_log(lg, LOG_ERR, "snapshot: %s", out.oom ? "out of memory" : "too large");
		wb_free(&out);
		return -1;
	}
	put64_at(out.p + H_FILE_SIZE, out.len);
	rbac_snapshot_seal(out.p, out.len);
	img->data = out.p;
	img->len = out.len;
	return 0;
}

static int cmp_group_name(const void *a, const void *b, void *ctx)
{
	const struct wgroup *g = ctx;

	return strcmp(g[*(const uint32_t *)a].name, g[*(const uint32_t *)b].name);
}

static int cmp_group_gid(const void *a, const void *b, void *ctx)
{
	const struct wgroup *g = ctx;
	uint32_t x = g[*(const uint32_t *)a].gid, y = g[*(const uint32_t *)b].gid;

	return x < y ? -1 : x > y;
}

static int put_index(struct wbuf *w, const struct group_builder *b,
		     int (*cmp)(const void *, const void *, void *))
{
	uint32_t *idx = calloc(b->n_groups + 1, sizeof(*idx));

	if (idx == NULL)
		return -1;
	for (size_t i = 0; i < b->n_groups; i++)
		idx[i] = (uint32_t)i;
	qsort_r(idx, b->n_groups, sizeof(*idx), cmp, b->groups);
	for (size_t i = 0; i < b->n_groups; i++)
		wb_u32(w, idx[i]);
	free(idx);
	return 0;
}

/* user_of[account index] = user number + 1 (0: not a member anywhere). */
static uint32_t number_users(const struct group_builder *b, uint32_t *user_of)
{
	uint32_t n = 0;

	for (size_t i = 0; i < b->n_groups; i++) {
		for (size_t j = 0; j < b->groups[i].n_members; j++)
			user_of[b->groups[i].members[j]] = 1;
	}
	for (size_t a = 0; a < b->accounts->n; a++) {
		if (user_of[a])
			user_of[a] = ++n;
	}
	return n;
}

static int64_t window_from(const struct rbac_account *a)
{
	return a->valid_from.present ? (int64_t)a->valid_from.t : INT64_MIN;
}

static int64_t window_until(const struct rbac_account *a)
{
	return a->valid_until.present ? (int64_t)a->valid_until.t : INT64_MAX;
}

/* Moves since or until to a boundary (a time a member's window starts, or
 * the second after it ends) when it lies closer to now. */
static void narrow(int64_t boundary, int64_t now, int64_t *since, int64_t *until)
{
	if (boundary <= now && boundary > *since)
		*since = boundary;
	else if (boundary > now && boundary < *until)
		*until = boundary;
}

/* Member j's window: its account's and its membership's, intersected. */
static void member_window(const struct group_builder *b, const struct wgroup *g, size_t j,
			  int64_t *from, int64_t *until)
{
	const struct rbac_account *a = b->accounts->v[g->members[j]];

	*from = window_from(a) > g->window[2 * j] ? window_from(a) : g->window[2 * j];
	*until =
	    window_until(a) < g->window[2 * j + 1] ? window_until(a) : g->window[2 * j + 1];
}

/* The interval [since, until) around now in which no member of g starts
 * or stops being valid: the members valid now are valid all through it. */
static void group_interval(const struct group_builder *b, const struct wgroup *g, int64_t now,
			   int64_t *since, int64_t *until)
{
	int64_t from, to;

	*since = INT64_MIN;
	*until = INT64_MAX;
	for (size_t j = 0; j < g->n_members; j++) {
		member_window(b, g, j, &from, &to);
		if (from != INT64_MIN)
			narrow(from, now, since, until);
		if (to != INT64_MAX)
			narrow(to + 1, now, since, until);
	}
}

/* The packed names of g (sections 7 and 8) and the record fields that
 * point at them. */
static void put_packed(struct sections *s, const struct group_builder *b,
		       const struct wgroup *g, int64_t now)
{
	uint32_t start = (uint32_t)s->sec[7].len, first = s->count[8], n = 0;
	int64_t since, until;

	group_interval(b, g, now, &since, &until);
	for (size_t j = 0; j < g->n_members; j++) {
		const struct rbac_account *a = b->accounts->v[g->members[j]];
		int64_t from, to;

		member_window(b, g, j, &from, &to);
		if (from > now || to < now)
			continue;
		wb_u32(&s->sec[8], (uint32_t)s->sec[7].len - start);
		wb_put(&s->sec[7], a->uid, strlen(a->uid) + 1);
		n++;
	}
	s->count[8] += n;
	wb_u32(&s->sec[1], start);
	wb_u32(&s->sec[1], (uint32_t)s->sec[7].len - start);
	wb_u32(&s->sec[1], first);
	wb_u32(&s->sec[1], n);
	wb_s64(&s->sec[1], since);
	wb_s64(&s->sec[1], until);
}

static void put_groups_and_members(struct sections *s, const struct group_builder *b,
				   const uint32_t *user_of, int64_t now)
{
	uint32_t first = 0, off, len;

	for (size_t i = 0; i < b->n_groups; i++) {
		const struct wgroup *g = &b->groups[i];

		wb_string(&s->sec[0], g->name, &off, &len);
		wb_u32(&s->sec[1], off);
		wb_u32(&s->sec[1], len);
		wb_u32(&s->sec[1], g->gid);
		wb_u32(&s->sec[1], first);
		wb_u32(&s->sec[1], (uint32_t)g->n_members);
		wb_u32(&s->sec[1], g->flags);
		put_packed(s, b, g, now);
		for (size_t j = 0; j < g->n_members; j++) {
			wb_u32(&s->sec[4], user_of[g->members[j]] - 1);
			wb_s64(&s->sec[SEC_MEMBER_WINDOWS], g->window[2 * j]);
			wb_s64(&s->sec[SEC_MEMBER_WINDOWS], g->window[2 * j + 1]);
		}
		first += (uint32_t)g->n_members;
	}
	s->count[4] = s->count[SEC_MEMBER_WINDOWS] = first;
	s->count[7] = (uint32_t)s->sec[7].len;
}

/* The groups of every member, ascending: ug[first[a] .. first[a + 1]) for
 * account a. Returns ug, or NULL when out of memory. */
static uint32_t *user_groups(const struct group_builder *b, size_t *first)
{
	size_t *fill = calloc(b->accounts->n + 1, sizeof(*fill));
	uint32_t *ug;

	for (size_t i = 0; i < b->n_groups; i++) {
		for (size_t j = 0; j < b->groups[i].n_members; j++)
			first[b->groups[i].members[j] + 1]++;
	}
	for (size_t a = 0; a < b->accounts->n; a++)
		first[a + 1] += first[a];
	ug = calloc(first[b->accounts->n] + 1, sizeof(*ug));
	if (ug == NULL || fill == NULL) {
		free(fill);
		free(ug);
		return NULL;
	}
	for (size_t i = 0; i < b->n_groups; i++) {
		for (size_t j = 0; j < b->groups[i].n_members; j++) {
			size_t a = b->groups[i].members[j];

			ug[first[a] + fill[a]++] = (uint32_t)i;
		}
	}
	free(fill);
	return ug;
}

/* Users in uid order, each with the groups it is a member of. */
static int put_users(struct sections *s, const struct group_builder *b, const uint32_t *user_of)
{
	size_t *first = calloc(b->accounts->n + 2, sizeof(*first));
	uint32_t *ug = first ? user_groups(b, first) : NULL;
	uint32_t off, len;

	if (ug == NULL) {
		free(first);
		return -1;
	}
	for (size_t a = 0; a < b->accounts->n; a++) {
		if (!user_of[a])
			continue;
		for (size_t k = first[a]; k < first[a + 1]; k++)
			wb_u32(&s->sec[6], ug[k]);
		wb_string(&s->sec[0], b->accounts->v[a]->uid, &off, &len);
		wb_u32(&s->sec[5], off);
		wb_u32(&s->sec[5], len);
		wb_s64(&s->sec[5], window_from(b->accounts->v[a]));
		wb_s64(&s->sec[5], window_until(b->accounts->v[a]));
		wb_u32(&s->sec[5], (uint32_t)first[a]);
		wb_u32(&s->sec[5], (uint32_t)(first[a + 1] - first[a]));
	}
	s->count[6] = (uint32_t)first[b->accounts->n];
	free(ug);
	free(first);
	return 0;
}

static int serialize_groups(const struct group_builder *b, const struct rbac_snapshot_model *m,
			    const struct rbac_snapshot_options *o, const struct rbac_logger *lg,
			    struct rbac_snapshot_image *img)
{
	struct sections s = {0};
	uint32_t *user_of = calloc(b->accounts->n + 1, sizeof(*user_of));
	int rc = -1;

	if (user_of == NULL)
		return -1;
	put_header_strings(&s, m, o);
	s.count[5] = number_users(b, user_of);
	s.count[1] = s.count[2] = s.count[3] = (uint32_t)b->n_groups;
	put_groups_and_members(&s, b, user_of, (int64_t)o->now);
	if (put_users(&s, b, user_of) == 0 && put_index(&s.sec[2], b, cmp_group_name) == 0 &&
	    put_index(&s.sec[3], b, cmp_group_gid) == 0) {
		put_sums(&s, SEC_GROUP_SUMS, s.count[SEC_GROUPS]);
		put_sums(&s, SEC_USER_SUMS, s.count[SEC_USERS]);
		s.count[0] = (uint32_t)s.sec[0].len;
		rc = assemble(MAGIC_GROUPS, &s, o, lg, img);
	}
	if (rc == 0) {
		img->users = s.count[5];
		img->memberships = s.count[4];
	}
	sections_free(&s);
	free(user_of);
	return rc;
}

static int check_fits(const struct rbac_snapshot_model *m, const struct rbac_logger *lg)
{
	/* Strings, records and indexes all count in 32 bits. */
	size_t roles = m->ns->n_roles + (m->global ? m->global->n_roles : 0);

	if (m->n_accounts < (1UL << 24) && roles < (1UL << 20))
		return 0;
	rbac_log(lg, LOG_ERR, "snapshot: too many accounts or roles for the format");
	return -1;
}

static int build_groups(const struct rbac_snapshot_model *m,
			const struct rbac_snapshot_options *o, const struct rbac_logger *lg,
			const struct account_table *t, struct rbac_snapshot_image *out)
{
	struct group_builder b = {.o = o, .lg = lg, .accounts = t};
	int rc = -1;

	b.mark = calloc(t->n + 1, sizeof(*b.mark));
	b.window = calloc(2 * t->n + 2, sizeof(*b.window));
	if (b.mark == NULL || b.window == NULL || add_roles(&b, m) != 0)
		goto done;
	rc = serialize_groups(&b, m, o, lg, out);
	out->groups = b.n_groups;
	out->skipped_roles = b.skipped;
done:
	if (rc != 0 && out->data == NULL)
		rbac_log(lg, LOG_ERR, "snapshot: out of memory");
	group_builder_free(&b);
	return rc;
}

static int build_accounts(const struct rbac_snapshot_model *m,
			  const struct rbac_snapshot_options *o, const struct rbac_logger *lg,
			  const struct account_table *t, struct rbac_snapshot_image *out);

/* One image alone, with its own table of the accounts: only the groups
 * need to know (and log) which accounts may be members. */
static int build_one(const struct rbac_snapshot_model *m, const struct rbac_snapshot_options *o,
		     const struct rbac_logger *lg, enum rbac_snapshot_kind kind,
		     struct rbac_snapshot_image *out)
{
	struct account_table t = {0};
	bool groups = kind == RBAC_SNAPSHOT_GROUPS;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (check_fits(m, lg) != 0)
		return -1;
	if (account_table_init(&t, m, groups, groups ? lg : NULL) != 0)
		rbac_log(lg, LOG_ERR, "snapshot: out of memory");
	else if (groups)
		rc = build_groups(m, o, lg, &t, out);
	else
		rc = build_accounts(m, o, lg, &t, out);
	account_table_free(&t);
	return rc;
}

int rbac_snapshot_build_groups(const struct rbac_snapshot_model *m,
			       const struct rbac_snapshot_options *o,
			       const struct rbac_logger *lg, struct rbac_snapshot_image *out)
{
	return build_one(m, o, lg, RBAC_SNAPSHOT_GROUPS, out);
}

/* ------------------------------------------------------------ version 2 */

/* Section i of s as stored: its bytes, and where it goes in version 2. */
static size_t section_bytes(const struct rbac_snapshot *s, int i)
{
	return (size_t)s->sec[i].count * rbac_snapshot_rec_size(s->kind, s->version, i);
}

static void put_v2_header(struct wbuf *out, const struct rbac_snapshot *s, int used)
{
	const unsigned char *ns = (const unsigned char *)s->namespace_name;

	wb_put(out, s->data + H_MAGIC, MAGIC_LEN);
	wb_u32(out, RBAC_SNAPSHOT_V2_VERSION);
	wb_u32(out, RBAC_SNAPSHOT_V2_HEADER_SIZE);
	wb_u64(out, 0); /* file size, patched */
	wb_u64(out, 0); /* checksum, patched */
	wb_u64(out, 0); /* superseded: not yet */
	wb_u64(out, s->generation);
	wb_s64(out, s->written_at);
	wb_s64(out, s->stale_after);
	wb_u32(out, (uint32_t)(ns - (s->data + s->sec[SEC_STRINGS].offset)));
	wb_u32(out, (uint32_t)strlen(s->namespace_name));
	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++) {
		wb_u32(out, 0); /* offset, patched */
		wb_u32(out, i < used ? s->sec[i].count : 0);
	}
}

int rbac_snapshot_image_v2(const struct rbac_snapshot_image *img, enum rbac_snapshot_kind kind,
			   struct rbac_snapshot_image *out)
{
	struct rbac_snapshot s;
	struct wbuf w = {0};
	int used = kind == RBAC_SNAPSHOT_GROUPS ? GROUPS_SECTIONS_V2 : ACCOUNTS_SECTIONS_V2;

	memset(out, 0, sizeof(*out));
	if (rbac_snapshot_parse(&s, img->data, img->len, kind, RBAC_SNAPSHOT_ANY_TIME) !=
	    RBAC_SNAPSHOT_OK)
		return -1;
	put_v2_header(&w, &s, used);
	/* The same sections, each aligned to 8 as version 3 has them, but for
	 * the record checksums: their records refer to each other by number
	 * and to strings by offset in the strings section, never by file
	 * offset, so they move unchanged. */
	for (int i = 0; i < used; i++) {
		wb_align(&w, 8);
		if (!w.oom)
			put32_at(w.p + H2_SECTIONS + 8 * i, (uint32_t)w.len);
		wb_put(&w, s.data + s.sec[i].offset, section_bytes(&s, i));
	}
	if (w.oom) {
		wb_free(&w);
		return -1;
	}
	put64_at(w.p + H_FILE_SIZE, w.len);
	rbac_snapshot_seal(w.p, w.len);
	*out = *img;
	out->data = w.p;
	out->len = w.len;
	return 0;
}

int rbac_snapshot_image_v2_check(const struct rbac_snapshot_image *v3,
				 const struct rbac_snapshot_image *v2,
				 enum rbac_snapshot_kind kind)
{
	struct rbac_snapshot a, b;
	/* The parse of a version 2 image checks its whole-file checksum and
	 * every record, as version 2's readers did. */
	int used = kind == RBAC_SNAPSHOT_GROUPS ? GROUPS_SECTIONS_V2 : ACCOUNTS_SECTIONS_V2;

	if (rbac_snapshot_parse_version(&a, v3->data, v3->len, kind, RBAC_SNAPSHOT_VERSION,
					RBAC_SNAPSHOT_ANY_TIME) != RBAC_SNAPSHOT_OK ||
	    rbac_snapshot_parse_version(&b, v2->data, v2->len, kind, RBAC_SNAPSHOT_V2_VERSION,
					RBAC_SNAPSHOT_ANY_TIME) != RBAC_SNAPSHOT_OK ||
	    a.generation != b.generation || a.written_at != b.written_at ||
	    a.stale_after != b.stale_after || strcmp(a.namespace_name, b.namespace_name) != 0)
		return -1;
	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++) {
		if (i >= used ? b.sec[i].count != 0
			      : a.sec[i].count != b.sec[i].count ||
				    memcmp(a.data + a.sec[i].offset, b.data + b.sec[i].offset,
					   section_bytes(&a, i)) != 0)
			return -1;
	}
	return 0;
}

/* ----------------------------------------------------------- accounts.db */

static uint32_t account_flags(const struct rbac_account *a)
{
	uint32_t f = 0;

	if (a->locked)
		f |= RBAC_SNAPSHOT_ACCOUNT_LOCKED;
	if (a->valid_from.present)
		f |= RBAC_SNAPSHOT_ACCOUNT_FROM;
	if (a->valid_until.present)
		f |= RBAC_SNAPSHOT_ACCOUNT_UNTIL;
	if ((a->valid_from.present && !a->valid_from.valid) ||
	    (a->valid_until.present && !a->valid_until.valid))
		f |= RBAC_SNAPSHOT_ACCOUNT_BAD_TIME;
	if (a->status_reason != NULL)
		f |= RBAC_SNAPSHOT_ACCOUNT_REASON;
	return f;
}

/* A string reference and its window (section 4, parallel). */
static void put_ref(struct sections *s, const char *str, size_t n, const int64_t *w)
{
	uint32_t off, len;

	wb_string_len(&s->sec[0], str, n, &off, &len);
	wb_u32(&s->sec[2], off);
	wb_u32(&s->sec[2], len);
	wb_s64(&s->sec[SEC_REF_WINDOWS], w[0]);
	wb_s64(&s->sec[SEC_REF_WINDOWS], w[1]);
	s->count[2]++;
	s->count[SEC_REF_WINDOWS]++;
}

/* Who holds what, indexed once per namespace: for each account of the
 * table (the first entry of its uid), the roles it holds in role order, a
 * memberUid listed twice in one role counted once; which of the refresh's
 * permissions each role grants; and each role's reference string. Each
 * memberUid is looked up once, by hash, and each account's roles are then
 * a slice, not a search. */
struct held_index {
	const struct rbac_namespace *ns;
	size_t *first; /* account a's roles: role[first[a] .. first[a] + n[a]) */
	uint32_t *n;
	uint32_t *role;
	int64_t *win; /* per (account, role) pair: the holding's window, 2 each */
	bool *grants; /* [role * n_permissions + permission] */
	char **ref;   /* per role, "namespace/role" */
	size_t *ref_len;
};

static void held_index_free(struct held_index *h)
{
	for (size_t i = 0; h->ref != NULL && i < h->ns->n_roles; i++)
		free(h->ref[i]);
	free(h->first);
	free(h->n);
	free(h->role);
	free(h->win);
	free(h->grants);
	free(h->ref);
	free(h->ref_len);
	memset(h, 0, sizeof(*h));
}

/* Which of the refresh's permissions each role grants. The walk's arrays
 * serve every question, so each costs the roles it visits. */
static int held_grants(struct held_index *h, const struct rbac_namespace *ns,
		       const struct rbac_snapshot_options *o)
{
	bool *seen = calloc(ns->n_roles + 1, sizeof(*seen));
	size_t *queue = calloc(ns->n_roles + 1, sizeof(*queue));
	bool ok;

	h->grants = calloc(ns->n_roles * o->n_permissions + 1, sizeof(*h->grants));
	ok = seen != NULL && queue != NULL && h->grants != NULL;
	if (ok) {
		for (size_t i = 0; i < ns->n_roles; i++)
			for (size_t p = 0; p < o->n_permissions; p++)
				h->grants[i * o->n_permissions + p] = rbac_role_grants_reusing(
				    ns, &ns->roles[i], o->permissions[p], seen, queue);
	}
	free(seen);
	free(queue);
	return ok ? 0 : -1;
}

/* "namespace/role" of each role, cut where the records have always cut it. */
static int held_refs(struct held_index *h, const struct rbac_namespace *ns)
{
	char buf[1024];

	h->ref = calloc(ns->n_roles + 1, sizeof(*h->ref));
	h->ref_len = calloc(ns->n_roles + 1, sizeof(*h->ref_len));
	if (h->ref == NULL || h->ref_len == NULL)
		return -1;
	for (size_t i = 0; i < ns->n_roles; i++) {
		snprintf(buf, sizeof(buf), "%s/%s", ns->name, ns->roles[i].name);
		h->ref_len[i] = strlen(buf);
		if ((h->ref[i] = strdup(buf)) == NULL)
			return -1;
	}
	return 0;
}

/* One (account a, role i) pair with its window: counted into first[]
 * (fill false), or listed after a's earlier pairs; the same role again
 * (memberUid listed twice, memberUid and an assignment, two assignments)
 * merges into the pair's window. */
static void held_pair(struct held_index *h, int32_t a, size_t i, const int64_t *w, bool fill,
		      int64_t now)
{
	size_t last = h->first[a] + h->n[a] - 1;

	if (!fill)
		h->first[a + 1]++;
	else if (h->n[a] > 0 && h->role[last] == i)
		merge_window(&h->win[2 * last], w[0], w[1], now);
	else {
		last = h->first[a] + h->n[a]++;
		h->role[last] = (uint32_t)i;
		h->win[2 * last] = w[0];
		h->win[2 * last + 1] = w[1];
	}
}

/* Every pair: memberUid values (always), then the role's assignments that
 * can still grant (DESIGN.md §11), role by role. */
static void held_walk(struct held_index *h, const struct account_table *t,
		      const struct rbac_snapshot_options *o, bool fill)
{
	const int32_t *found = ids_of(t, h->ns)->acc;
	const int64_t open[2] = {INT64_MIN, INT64_MAX};
	int64_t w[2];
	size_t k = 0;

	for (size_t i = 0; i < h->ns->n_roles; i++) {
		const struct rbac_role *r = &h->ns->roles[i];

		for (size_t j = 0; j < r->members.n; j++, k++)
			if (found[k] >= 0)
				held_pair(h, found[k], i, open, fill, (int64_t)o->now);
		for (size_t j = 0; !o->without_assignments && j < r->n_assignments; j++) {
			long a = account_find(t, r->assignments[j].uid);

			if (a >= 0 &&
			    assignment_lasting(&r->assignments[j], (int64_t)o->now, w))
				held_pair(h, (int32_t)a, i, w, fill, (int64_t)o->now);
		}
	}
}

static int held_pairs(struct held_index *h, const struct account_table *t,
		      const struct rbac_snapshot_options *o)
{
	h->first = calloc(t->n + 2, sizeof(*h->first));
	h->n = calloc(t->n + 1, sizeof(*h->n));
	if (h->first == NULL || h->n == NULL)
		return -1;
	held_walk(h, t, o, false);
	for (size_t a = 0; a < t->n; a++)
		h->first[a + 1] += h->first[a];
	h->role = calloc(h->first[t->n] + 1, sizeof(*h->role));
	h->win = calloc(2 * h->first[t->n] + 2, sizeof(*h->win));
	if (h->role != NULL && h->win != NULL)
		held_walk(h, t, o, true);
	return h->role != NULL && h->win != NULL ? 0 : -1;
}

/* Returns -1 when out of memory (h is left empty). */
static int held_index_init(struct held_index *h, const struct rbac_namespace *ns,
			   const struct rbac_snapshot_options *o, const struct account_table *t)
{
	memset(h, 0, sizeof(*h));
	h->ns = ns;
	if (ns == NULL)
		return 0;
	if (held_pairs(h, t, o) != 0 || held_grants(h, ns, o) != 0 || held_refs(h, ns) != 0) {
		held_index_free(h);
		return -1;
	}
	return 0;
}

/* "namespace/role" of every role of the namespace that account a holds, in
 * role order; returns the count. */
static uint32_t put_held_roles(struct sections *s, const struct held_index *h, size_t a)
{
	if (h->ns == NULL)
		return 0;
	for (uint32_t k = 0; k < h->n[a]; k++) {
		uint32_t r = h->role[h->first[a] + k];

		put_ref(s, h->ref[r], h->ref_len[r], &h->win[2 * (h->first[a] + k)]);
	}
	return h->n[a];
}

/* The windows of a's held roles of h that grant permission perm, into w
 * (2 per window, *n of them, an identical one once); true as soon as one
 * is open at both ends (then it alone counts). */
static bool granting_windows(const struct held_index *h, const struct rbac_snapshot_options *o,
			     size_t a, size_t perm, int64_t *w, size_t *n)
{
	for (uint32_t k = 0; h->ns != NULL && k < h->n[a]; k++) {
		const int64_t *x = &h->win[2 * (h->first[a] + k)];
		bool seen = false;

		if (!h->grants[h->role[h->first[a] + k] * o->n_permissions + perm])
			continue;
		if (x[0] == INT64_MIN && x[1] == INT64_MAX)
			return true;
		for (size_t j = 0; j < *n && !seen; j++)
			seen = w[2 * j] == x[0] && w[2 * j + 1] == x[1];
		if (!seen) {
			w[2 * *n] = x[0];
			w[2 * (*n)++ + 1] = x[1];
		}
	}
	return false;
}

/* Each permission of the refresh's list that a's roles grant: one open
 * reference when a role held always grants it, else one per distinct
 * window of the time-bound roles that do. Returns the count, or -1. */
static int put_granted(struct sections *s, const struct held_index held[2],
		       const struct rbac_snapshot_options *o, size_t a)
{
	static const int64_t open[2] = {INT64_MIN, INT64_MAX};
	size_t cap =
	    2 * ((held[0].ns ? held[0].n[a] : 0) + (held[1].ns ? held[1].n[a] : 0)) + 2;
	int64_t *w = malloc(cap * sizeof(*w));
	int n = 0;

	if (w == NULL)
		return -1;
	for (size_t i = 0; i < o->n_permissions; i++) {
		size_t nw = 0;
		const char *p = o->permissions[i];

		if (granting_windows(&held[0], o, a, i, w, &nw) ||
		    granting_windows(&held[1], o, a, i, w, &nw)) {
			put_ref(s, p, strlen(p), open);
			n++;
			continue;
		}
		for (size_t j = 0; j < nw; j++, n++)
			put_ref(s, p, strlen(p), &w[2 * j]);
	}
	free(w);
	return n;
}

/* Account a's record (a: its uid's first entry in the table). */
static void put_account(struct sections *s, const struct held_index held[2],
			const struct rbac_snapshot_options *o, const struct rbac_account *acc,
			size_t a)
{
	uint32_t off, len, first_role = s->count[2], n_roles, first_perm, n_perms;
	int granted;
	uint32_t roff = 0, rlen = 0;

	n_roles = put_held_roles(s, &held[0], a) + put_held_roles(s, &held[1], a);
	first_perm = s->count[2];
	granted = put_granted(s, held, o, a);
	if (granted < 0) {
		s->sec[0].oom = true; /* assemble() reports it */
		granted = 0;
	}
	n_perms = (uint32_t)granted;
	if (acc->status_reason != NULL)
		wb_string(&s->sec[0], acc->status_reason, &roff, &rlen);
	wb_string(&s->sec[0], acc->uid, &off, &len);
	wb_u32(&s->sec[1], off);
	wb_u32(&s->sec[1], len);
	wb_u32(&s->sec[1], (uint32_t)acc->status);
	wb_u32(&s->sec[1], account_flags(acc));
	wb_s64(&s->sec[1], acc->valid_from.valid ? (int64_t)acc->valid_from.t : INT64_MIN);
	wb_s64(&s->sec[1], acc->valid_until.valid ? (int64_t)acc->valid_until.t : INT64_MAX);
	wb_u32(&s->sec[1], roff);
	wb_u32(&s->sec[1], rlen);
	wb_u32(&s->sec[1], first_role);
	wb_u32(&s->sec[1], n_roles);
	wb_u32(&s->sec[1], first_perm);
	wb_u32(&s->sec[1], n_perms);
	s->count[1]++;
}

/* One record per uid. A uid that several entries claim is stored once with
 * an invalid status, so an offline decision denies it (invalid_entry) as
 * an online one does, instead of finding no account, which
 * pam.unknown_user = "ignore" would let pass. */
static void put_account_once(struct sections *s, const struct held_index held[2],
			     const struct rbac_snapshot_options *o,
			     const struct account_table *t, size_t i)
{
	struct rbac_account claimed;

	if (i > 0 && same_uid(t, i, i - 1))
		return;
	if (!same_uid(t, i, i + 1)) {
		put_account(s, held, o, t->v[i], i);
		return;
	}
	claimed = *t->v[i];
	claimed.status = RBAC_STATUS_INVALID;
	put_account(s, held, o, &claimed, i);
}

static int build_accounts(const struct rbac_snapshot_model *m,
			  const struct rbac_snapshot_options *o, const struct rbac_logger *lg,
			  const struct account_table *t, struct rbac_snapshot_image *out)
{
	struct held_index held[2] = {{0}, {0}};
	struct sections s = {0};
	int rc = -1;

	if (held_index_init(&held[0], m->ns, o, t) == 0 &&
	    held_index_init(&held[1], m->global, o, t) == 0) {
		put_header_strings(&s, m, o);
		for (size_t i = 0; i < t->n; i++)
			put_account_once(&s, held, o, t, i);
		put_sums(&s, SEC_ACCOUNT_SUMS, s.count[SEC_ACCOUNTS]);
		s.count[0] = (uint32_t)s.sec[0].len;
		rc = assemble(MAGIC_ACCOUNTS, &s, o, lg, out);
		out->users = s.count[1];
	} else {
		rbac_log(lg, LOG_ERR, "snapshot: out of memory");
	}
	sections_free(&s);
	held_index_free(&held[0]);
	held_index_free(&held[1]);
	return rc;
}

int rbac_snapshot_build_accounts(const struct rbac_snapshot_model *m,
				 const struct rbac_snapshot_options *o,
				 const struct rbac_logger *lg, struct rbac_snapshot_image *out)
{
	return build_one(m, o, lg, RBAC_SNAPSHOT_ACCOUNTS, out);
}

int rbac_snapshot_build(const struct rbac_snapshot_model *m,
			const struct rbac_snapshot_options *o, const struct rbac_logger *lg,
			struct rbac_snapshot_image *groups,
			struct rbac_snapshot_image *accounts)
{
	struct account_table t = {0};
	int rc = -1;

	memset(groups, 0, sizeof(*groups));
	memset(accounts, 0, sizeof(*accounts));
	if (check_fits(m, lg) != 0)
		return -1;
	if (account_table_init(&t, m, true, lg) != 0)
		rbac_log(lg, LOG_ERR, "snapshot: out of memory");
	else if (build_groups(m, o, lg, &t, groups) == 0)
		rc = build_accounts(m, o, lg, &t, accounts);
	account_table_free(&t);
	return rc;
}

/* ------------------------------------------------------------ the files */

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Creates the temporary file from tmpl (replaced by its name), fills it and
 * asks the disk to start writing it, without waiting: the writer checks
 * the file and prepares the next one meanwhile, and the fsync before the
 * rename finds less to wait for. Returns its descriptor; on failure it is
 * removed again and errno says why. */
static int write_temp(char *tmpl, mode_t mode, const void *data, size_t len)
{
	int fd = mkostemp(tmpl, O_CLOEXEC);
	int saved;

	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) == 0 && write_all(fd, data, len) == 0) {
		/* only a hint: the fsync in commit is what counts */
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		return fd;
	}
	saved = errno;
	close(fd);
	unlink(tmpl);
	errno = saved;
	return -1;
}

/* Version and header size of a version this writer writes (both keep the
 * superseded word at the same place). */
static bool known_header(const unsigned char *h)
{
	uint32_t v = le32(h + H_VERSION), size = le32(h + H_HEADER_SIZE);

	return (v == RBAC_SNAPSHOT_VERSION && size == RBAC_SNAPSHOT_HEADER_SIZE) ||
	       (v == RBAC_SNAPSHOT_V2_VERSION && size == RBAC_SNAPSHOT_V2_HEADER_SIZE);
}

/* The file a rename over path is about to replace, opened for the
 * superseded word, when it is a snapshot of this format written by us;
 * else -1. Opened before the rename: afterwards path names the new one. */
static int open_previous(const char *path)
{
	unsigned char h[H_FILE_SIZE]; /* magic, version, header size */
	struct stat st;
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_size < RBAC_SNAPSHOT_V2_HEADER_SIZE ||
	    pread(fd, h, sizeof(h), 0) != sizeof(h) || memcmp(h, "RBAC", 4) != 0 ||
	    !known_header(h)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Tells the readers that still map the replaced file to look again (a
 * reader that misses it still notices within a second, by stat). */
static void mark_superseded(int fd)
{
	unsigned char word[8];

	put64_at(word, RBAC_SNAPSHOT_SUPERSEDED);
	if (pwrite(fd, word, sizeof(word), H_SUPERSEDED) != (ssize_t)sizeof(word)) {
		/* nothing to do: see above */
	}
	close(fd);
}

/* The image passes every check of a snapshot of this kind and version
 * (the whole-file checksum and every cross-check), checked in memory
 * before anything is written. */
int rbac_snapshot_image_check(const void *data, size_t len, enum rbac_snapshot_kind kind,
			      const char *name, char *err, size_t errlen)
{
	struct rbac_snapshot s;
	char what[256] = "";
	enum rbac_snapshot_error e =
	    rbac_snapshot_parse_version(&s, data, len, kind, 0, RBAC_SNAPSHOT_ANY_TIME);

	if (e == RBAC_SNAPSHOT_OK)
		e = rbac_snapshot_verify_full(&s, what, sizeof(what));
	if (e == RBAC_SNAPSHOT_OK)
		return 0;
	snprintf(err, errlen, "the new %s fails its check (%s%s%s); not installed", name,
		 rbac_snapshot_strerror(e), what[0] ? ": " : "", what);
	return -1;
}

/* The temporary file holds exactly the image: what the disk gave back,
 * not what we meant to write. Read in pieces, so the check costs a
 * buffer, not a second image or a mapping of the file. */
static int same_as_image(int fd, const unsigned char *data, size_t len)
{
	enum { PIECE = 1 << 20 };
	unsigned char *buf = malloc(PIECE);
	struct stat st;
	size_t off = 0;
	bool same = buf != NULL && fstat(fd, &st) == 0 && (size_t)st.st_size == len;

	while (same && off < len) {
		size_t want = len - off < PIECE ? len - off : PIECE;
		ssize_t n = pread(fd, buf, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		same = n > 0 && memcmp(buf, data + off, (size_t)n) == 0;
		off += n > 0 ? (size_t)n : 0;
	}
	free(buf);
	return same ? 0 : -1;
}

static int pending_paths(struct rbac_snapshot_pending *p, const char *dir, const char *name,
			 char *err, size_t errlen)
{
	char why[4096 + 128];
	int dfd;

	/* Readers refuse a snapshot in a directory others may write (they
	 * could swap the file): refuse to write one there, saying which. */
	dfd = rbac_file_open_dir_trusted(dir, geteuid(), why, sizeof(why));
	if (dfd < 0) {
		snprintf(err, errlen,
			 "refusing to write %s: %s: the cache directory and those above it "
			 "must be owned by root and writable by root alone",
			 name, why);
		return -1;
	}
	close(dfd);
	if ((size_t)snprintf(p->final, sizeof(p->final), "%s/%s", dir, name) >=
		sizeof(p->final) ||
	    (size_t)snprintf(p->tmp, sizeof(p->tmp), "%s/.%s.XXXXXX", dir, name) >=
		sizeof(p->tmp)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	return 0;
}

int rbac_snapshot_write_begin(const char *dir, const char *name, mode_t mode, const void *data,
			      size_t len, enum rbac_snapshot_write_check check, int verify_kind,
			      struct rbac_snapshot_pending *p, char *err, size_t errlen)
{
	p->fd = -1;
	p->dir = dir;
	p->name = name;
	if (check == RBAC_SNAPSHOT_WRITE_VERIFIED &&
	    rbac_snapshot_image_check(data, len, (enum rbac_snapshot_kind)verify_kind, name,
				      err, errlen) != 0)
		return -1;
	if (pending_paths(p, dir, name, err, errlen) != 0)
		return -1;
	p->fd = write_temp(p->tmp, mode, data, len);
	if (p->fd < 0) {
		snprintf(err, errlen, "cannot write a new %s in %s: %s", name, dir,
			 strerror(errno));
		return -1;
	}
	if (check != RBAC_SNAPSHOT_WRITE_PLAIN && same_as_image(p->fd, data, len) != 0) {
		snprintf(err, errlen,
			 "%s, read back before the rename, differs from the image that was "
			 "written; not installed",
			 p->tmp);
		rbac_snapshot_write_abort(p);
		return -1;
	}
	return 0;
}

void rbac_snapshot_write_abort(struct rbac_snapshot_pending *p)
{
	if (p->fd < 0)
		return;
	close(p->fd);
	unlink(p->tmp);
	p->fd = -1;
}

/* The temporary file on disk and closed; else removed, errno saying why. */
static int pending_sync(struct rbac_snapshot_pending *p)
{
	int rc = fsync(p->fd), saved = errno;

	if (close(p->fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	p->fd = -1;
	if (rc != 0) {
		unlink(p->tmp);
		errno = saved;
	}
	return rc;
}

int rbac_snapshot_write_commit(struct rbac_snapshot_pending *p, char *err, size_t errlen)
{
	int saved, previous;

	if (pending_sync(p) != 0) {
		snprintf(err, errlen, "cannot write a new %s in %s: %s", p->name, p->dir,
			 strerror(errno));
		return -1;
	}
	previous = open_previous(p->final);
	if (rename(p->tmp, p->final) != 0) {
		saved = errno;
		unlink(p->tmp);
		if (previous >= 0)
			close(previous);
		snprintf(err, errlen, "cannot rename %s to %s: %s", p->tmp, p->final,
			 strerror(saved));
		return -1;
	}
	if (previous >= 0)
		mark_superseded(previous);
	if (fsync_dir(p->dir) != 0) {
		snprintf(err, errlen, "cannot sync %s: %s", p->dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_file(const char *dir, const char *name, mode_t mode, const void *data,
		      size_t len, enum rbac_snapshot_write_check check, int verify_kind,
		      char *err, size_t errlen)
{
	struct rbac_snapshot_pending p;

	if (rbac_snapshot_write_begin(dir, name, mode, data, len, check, verify_kind, &p, err,
				      errlen) != 0)
		return -1;
	return rbac_snapshot_write_commit(&p, err, errlen);
}

int rbac_snapshot_write_file(const char *dir, const char *name, mode_t mode, const void *data,
			     size_t len, char *err, size_t errlen)
{
	return write_file(dir, name, mode, data, len, RBAC_SNAPSHOT_WRITE_PLAIN, -1, err,
			  errlen);
}

int rbac_snapshot_write_verified(const char *dir, const char *name, mode_t mode,
				 const void *data, size_t len, int verify_kind, char *err,
				 size_t errlen)
{
	return write_file(dir, name, mode, data, len,
			  verify_kind >= 0 ? RBAC_SNAPSHOT_WRITE_VERIFIED
					   : RBAC_SNAPSHOT_WRITE_PLAIN,
			  verify_kind, err, errlen);
}

int rbac_snapshot_write_compared(const char *dir, const char *name, mode_t mode,
				 const void *data, size_t len, char *err, size_t errlen)
{
	return write_file(dir, name, mode, data, len, RBAC_SNAPSHOT_WRITE_COMPARED, -1, err,
			  errlen);
}

uint64_t rbac_snapshot_previous_generation(const char *path, enum rbac_snapshot_kind kind)
{
	struct rbac_snapshot_file f;
	uint64_t gen = 0;

	/* A snapshot's age does not matter here, nor its version. */
	if (rbac_snapshot_open_version(&f, path, kind, geteuid(), RBAC_FILE_NO_WRITE_OTHERS, 0,
				       RBAC_SNAPSHOT_ANY_TIME, NULL, 0) == RBAC_SNAPSHOT_OK)
		gen = f.snap.generation;
	rbac_snapshot_close(&f);
	return gen;
}

/* The header of a version 3 snapshot of ours, mapped shared for writing
 * its proof block in place; MAP_FAILED (errno EINVAL when it is not one). */
static unsigned char *map_v3_header(const char *path)
{
	struct stat st;
	unsigned char *h = MAP_FAILED;
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    st.st_size >= RBAC_SNAPSHOT_HEADER_SIZE)
		h = mmap(NULL, RBAC_SNAPSHOT_HEADER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
	else
		errno = EINVAL;
	close(fd);
	if (h != MAP_FAILED &&
	    (memcmp(h, "RBAC", 4) != 0 || le32(h + H_VERSION) != RBAC_SNAPSHOT_VERSION ||
	     le32(h + H_HEADER_SIZE) != RBAC_SNAPSHOT_HEADER_SIZE)) {
		munmap(h, RBAC_SNAPSHOT_HEADER_SIZE);
		errno = EINVAL;
		h = MAP_FAILED;
	}
	return h;
}

int rbac_snapshot_write_proof(const char *path, int64_t synced_at, char *err, size_t errlen)
{
	unsigned char *h = map_v3_header(path);
	uint64_t *w;

	if (h == MAP_FAILED) {
		snprintf(err, errlen, "%s: %s", path,
			 errno == EINVAL ? "not a version 3 snapshot of ours"
					 : strerror(errno));
		return -1;
	}
	/* Readers map this page and load each word once, whole. A store of
	 * an aligned word through the same page is atomic, where a write(2)
	 * may copy bytewise: so a reader sees each word old or new, and a
	 * pair of one old and one new word disagrees (rbac_snapshot_proof
	 * takes it for "not proven"). A word torn within itself could pair
	 * with one torn the same way and pass. */
	w = (uint64_t *)(void *)(h + H3_PROOF);
	__atomic_store_n(&w[0], htole64((uint64_t)synced_at), __ATOMIC_RELEASE);
	__atomic_store_n(&w[1], htole64(~(uint64_t)synced_at), __ATOMIC_RELEASE);
	munmap(h, RBAC_SNAPSHOT_HEADER_SIZE);
	return 0;
}
