/*
 * model.c - rbac-syncd's directory in memory (model.h).
 *
 * Entries live in an array of slots in the order they first came, which in
 * a full refresh is the server's order, the order rbacctl refresh reads
 * them in (it decides which of two roles named alike is kept, and so the
 * snapshot's bytes). A delete leaves a dead slot; the array is compacted
 * when the dead outnumber the living. Two hash indexes point into it: by
 * entryUUID, and by "key", which finds a parent: a namespace by its
 * normalized DN, a role linked to its namespace by "#<namespace uuid>/<its
 * normalized RDN>", so that the role keeps its key when the namespace is
 * renamed (slapd sends no message for the role then), and a role or
 * assignment whose parent is not there (an orphan) by "?<the normalized DN
 * it waits for>", so that a parent's arrival finds its orphans at once.
 *
 * An entry's values are kept serialized (attribute index, values), so that
 * "did this message change anything" is one memcmp, and viewed as a
 * struct rbac_entry for rbac_entry.c when derived.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "model.h"
#include "rbac_names.h"
#include "rbac_snapshot.h" /* rbac_fnv1a64 */

#define QBUF(name) char name[RBAC_LOG_QUOTE_BUFSZ]
#define Q(buf, s)  rbac_log_quote((buf), sizeof(buf), (s))

/* Keep in step with rbac_ldap.c's ns_attrs and account_attrs (the model
 * must read all they read); at most 255. The order is that of the bits of
 * kept_attrs(). */
const char *const syncd_model_attrs[] = {"objectClass",
					 "cn",
					 "uid",
					 "rbacPermission",
					 "rbacRestriction",
					 "rbacInherits",
					 "memberUid",
					 "gidNumber",
					 "rbacAccountStatus",
					 "rbacStatusReason",
					 "rbacValidFrom",
					 "rbacValidUntil",
					 "rbacTicket",
					 "pwdAccountLockedTime",
					 NULL};
#define N_ATTRS	   14
#define ATTR_CLASS 0

/* Of objectClass, only these are kept: the others never change what the
 * model does, and a change to them must not count as a change. */
static const char *const kept_classes[] = {"rbacNamespace", "rbacRole", "rbacAssignment",
					   "rbacAccount"};
enum { C_NAMESPACE = 1, C_ROLE = 2, C_ASSIGNMENT = 4, C_ACCOUNT = 8 };

enum kind { K_OTHER, K_NAMESPACE, K_ROLE, K_ASSIGNMENT };

struct entry {
	struct rbac_sync_uuid uuid;
	struct rbac_sync_uuid parent; /* when has_parent */
	uint64_t seen;		      /* refresh generation it was last sent or named in */
	char *dn;		      /* as the server sent it */
	char *norm;		      /* normalized DN, NULL when it does not parse */
	char *key;		      /* in the key index, or NULL */
	char *pending;		      /* normalized parent DN while no parent is linked */
	unsigned char *vals;	      /* serialized values */
	size_t vals_len;
	/* An account entry's accounts (one per uid value), built by the first
	 * derive after the entry last changed, and kept: the derive of the
	 * next change takes them as they are. */
	struct rbac_account *acc;
	size_t n_acc;
	bool acc_built;
	/* A role entry's role, built likewise (NULL when built: no usable
	 * name); its DN names the namespace DN it was built below. */
	struct rbac_role *role;
	bool role_built;
	unsigned char kind; /* enum kind */
	bool account;	    /* rbacAccount under ldap.user_base */
	bool has_parent;
	bool live;
};

/* Open addressing over slot numbers + 1 (0 empty, TOMB removed). */
#define TOMB UINT32_MAX
struct index {
	uint32_t *t;
	size_t cap, used; /* used counts tombstones too */
};

struct syncd_model {
	const struct rbac_logger *lg;
	char *users_norm;  /* ldap.user_base */
	char *host_norm;   /* cn=NAMESPACE,ldap.base */
	char *global_norm; /* cn=GLOBAL,ldap.base, or NULL */
	char *host_name, *global_name;

	struct entry *slots;
	size_t n_slots, cap_slots, n_dead;
	struct index by_uuid, by_key;

	uint64_t gen;
	bool refresh_with_cookie;
	/* Named present in this refresh but not held: slapd names an entry
	 * added since the cookie present before it sends it. Each must have
	 * arrived by refreshDone. */
	struct rbac_sync_uuid *awaited;
	size_t n_awaited, cap_awaited;
	bool dirty;
	bool parent_gone; /* a namespace or role was removed: see relink() */

	/* The view of one entry for rbac_entry.c. */
	struct rbac_entry_attr view_attrs[N_ATTRS];
	struct rbac_bytes *view_bytes;
	size_t cap_view_bytes;

	/* What derive built. */
	struct rbac_namespace d_ns, d_global;
	struct rbac_account *d_accounts;
	size_t n_d_accounts, cap_d_accounts;
};

static void derived_free(struct syncd_model *m);

/* ------------------------------------------------------------------------
 * DNs: ldap_str2dn undoes escaping and spacing; each RDN is then written
 * back with types and values in lower case and every byte outside
 * [a-z0-9 ._-] as \HH, so that ',' and '+' only ever separate, and two DNs
 * are equal when their normal forms are (see model.h for what this
 * supports).
 */

static void put_lower_escaped(FILE *f, const struct berval *bv)
{
	for (size_t i = 0; i < bv->bv_len; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)bv->bv_val[i]);

		if (isalnum(c) || c == ' ' || c == '.' || c == '_' || c == '-')
			fputc(c, f);
		else
			fprintf(f, "\\%02x", c);
	}
}

/* A malloc'd normal form of dn, or NULL when it does not parse (or out of
 * memory; the caller cannot tell, and treats both as an unusable DN). */
static char *dn_normalize(const char *dn)
{
	LDAPDN parsed = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (dn == NULL || ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
		return NULL;
	f = open_memstream(&buf, &len);
	for (size_t r = 0; f != NULL && parsed != NULL && parsed[r] != NULL; r++) {
		if (r > 0)
			fputc(',', f);
		for (size_t a = 0; parsed[r][a] != NULL; a++) {
			if (a > 0)
				fputc('+', f);
			put_lower_escaped(f, &parsed[r][a]->la_attr);
			fputc('=', f);
			put_lower_escaped(f, &parsed[r][a]->la_value);
		}
	}
	ldap_dnfree(parsed);
	if (f == NULL || fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The normal form's parent ("" for a one-RDN DN), inside norm. */
static const char *norm_parent(const char *norm)
{
	const char *c = strchr(norm, ',');

	return c != NULL ? c + 1 : norm + strlen(norm);
}

/* norm is base or lies below it. */
static bool norm_under(const char *norm, const char *base)
{
	size_t n = strlen(norm), b = strlen(base);

	if (b == 0 || n == b)
		return strcmp(norm, base) == 0 || b == 0;
	return n > b && norm[n - b - 1] == ',' && strcmp(norm + n - b, base) == 0;
}

/* Length of dn's first RDN as the server spelled it (up to the first ','
 * that no backslash escapes). */
static size_t raw_rdn_len(const char *dn)
{
	size_t i = 0;

	while (dn[i] != '\0' && dn[i] != ',')
		i += dn[i] == '\\' && dn[i + 1] != '\0' ? 2 : 1;
	return i;
}

/* The cn value of dn's first RDN (malloc'd, NUL bytes kept, *len set), or
 * NULL when it has none; *oom when out of memory. */
static char *dn_first_cn(const char *dn, size_t *len, bool *oom)
{
	LDAPDN parsed = NULL;
	char *out = NULL;

	*oom = false;
	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
		return NULL;
	for (size_t a = 0; parsed != NULL && parsed[0] != NULL && parsed[0][a] != NULL; a++) {
		const struct berval *t = &parsed[0][a]->la_attr, *v = &parsed[0][a]->la_value;

		if (t->bv_len != 2 || strncasecmp(t->bv_val, "cn", 2) != 0)
			continue;
		out = malloc(v->bv_len + 1);
		if (out != NULL) {
			memcpy(out, v->bv_val, v->bv_len);
			out[v->bv_len] = '\0';
			*len = v->bv_len;
		}
		*oom = out == NULL;
		break;
	}
	ldap_dnfree(parsed);
	return out;
}

/* Room for one more element in the array *pv of *cap elements of size
 * bytes holding n. Returns -1 when out of memory (the array kept). */
static int grow(void *pv, size_t *cap, size_t n, size_t size)
{
	void **v = pv, *p;
	size_t want = *cap ? *cap * 2 : 64;

	if (n < *cap)
		return 0;
	if ((p = reallocarray(*v, want, size)) == NULL)
		return -1;
	*v = p;
	*cap = want;
	return 0;
}

/* ------------------------------------------------------------------------
 * The indexes
 */

static uint64_t hash_uuid(const struct rbac_sync_uuid *u)
{
	return rbac_fnv1a64(RBAC_FNV64_INIT, u->b, sizeof(u->b));
}

static uint64_t hash_key(const char *key)
{
	return rbac_fnv1a64(RBAC_FNV64_INIT, key, strlen(key));
}

typedef bool (*index_match)(const struct syncd_model *m, size_t slot, const void *key);

static bool match_uuid(const struct syncd_model *m, size_t slot, const void *key)
{
	return memcmp(m->slots[slot].uuid.b, key, RBAC_SYNC_UUID_LEN) == 0;
}

static bool match_key(const struct syncd_model *m, size_t slot, const void *key)
{
	return m->slots[slot].key != NULL && strcmp(m->slots[slot].key, key) == 0;
}

/* The lowest slot that matches (one key may be claimed twice while a
 * refresh is a mixture; the earlier entry wins, as in a search), or -1. */
static long index_find(const struct syncd_model *m, const struct index *x, uint64_t h,
		       index_match match, const void *key)
{
	long best = -1;

	if (x->cap == 0)
		return -1;
	for (size_t i = h & (x->cap - 1);; i = (i + 1) & (x->cap - 1)) {
		uint32_t v = x->t[i];

		if (v == 0)
			return best;
		if (v != TOMB && match(m, v - 1, key) && (best < 0 || (long)(v - 1) < best))
			best = (long)(v - 1);
	}
}

static void index_put(struct index *x, uint64_t h, size_t slot)
{
	size_t i = h & (x->cap - 1);

	while (x->t[i] != 0 && x->t[i] != TOMB)
		i = (i + 1) & (x->cap - 1);
	if (x->t[i] == 0)
		x->used++;
	x->t[i] = (uint32_t)slot + 1;
}

static void index_del(struct index *x, uint64_t h, size_t slot)
{
	if (x->cap == 0)
		return;
	for (size_t i = h & (x->cap - 1); x->t[i] != 0; i = (i + 1) & (x->cap - 1))
		if (x->t[i] == slot + 1) {
			x->t[i] = TOMB;
			return;
		}
}

static uint32_t *index_alloc(size_t want, size_t *cap)
{
	*cap = 64;
	while (*cap < want * 2)
		*cap *= 2;
	return calloc(*cap, sizeof(uint32_t));
}

/* Both indexes rebuilt from the live slots, with room for `more`; with
 * `drop_dead`, the dead slots are dropped first (the order kept). Nothing
 * changes when out of memory. */
static int reindex(struct syncd_model *m, size_t more, bool drop_dead)
{
	size_t live = m->n_slots - m->n_dead + more, cap_u, cap_k;
	uint32_t *tu = index_alloc(live, &cap_u), *tk = index_alloc(live, &cap_k);

	if (tu == NULL || tk == NULL) {
		free(tu);
		free(tk);
		return -1;
	}
	if (drop_dead) {
		size_t n = 0;

		for (size_t s = 0; s < m->n_slots; s++)
			if (m->slots[s].live)
				m->slots[n++] = m->slots[s];
		m->n_slots = n;
		m->n_dead = 0;
	}
	free(m->by_uuid.t);
	free(m->by_key.t);
	m->by_uuid = (struct index){tu, cap_u, 0};
	m->by_key = (struct index){tk, cap_k, 0};
	for (size_t s = 0; s < m->n_slots; s++) {
		if (!m->slots[s].live)
			continue;
		index_put(&m->by_uuid, hash_uuid(&m->slots[s].uuid), s);
		if (m->slots[s].key != NULL)
			index_put(&m->by_key, hash_key(m->slots[s].key), s);
	}
	return 0;
}

static int index_room(struct syncd_model *m)
{
	size_t need = (m->by_uuid.used > m->by_key.used ? m->by_uuid.used : m->by_key.used) + 1;

	if (m->by_uuid.cap != 0 && need * 4 < m->by_uuid.cap * 3)
		return 0;
	return reindex(m, 64, false);
}

static long find_uuid(const struct syncd_model *m, const struct rbac_sync_uuid *u)
{
	return index_find(m, &m->by_uuid, hash_uuid(u), match_uuid, u->b);
}

static long find_key(const struct syncd_model *m, const char *key)
{
	return index_find(m, &m->by_key, hash_key(key), match_key, key);
}

/* Every slot whose key is key, into *out (malloc'd); returns how many, or
 * -1 when out of memory. */
static long find_key_all(const struct syncd_model *m, const char *key, size_t **out)
{
	const struct index *x = &m->by_key;
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t i = hash_key(key) & (x->cap - 1); x->t[i] != 0;
	     i = (i + 1) & (x->cap - 1)) {
		if (x->t[i] == TOMB || !match_key(m, x->t[i] - 1, key))
			continue;
		if (grow(out, &cap, n, sizeof(**out)) != 0) {
			free(*out);
			return -1;
		}
		(*out)[n++] = x->t[i] - 1;
	}
	return (long)n;
}

/* Slot s's key becomes key (taken; NULL: none). Returns -1 when out of
 * memory (key freed, the old one kept). */
static int set_key(struct syncd_model *m, size_t s, char *key)
{
	struct entry *e = &m->slots[s];

	if (key != NULL && index_room(m) != 0) {
		free(key);
		return -1;
	}
	if (e->key != NULL)
		index_del(&m->by_key, hash_key(e->key), s);
	free(e->key);
	e->key = key;
	if (key != NULL)
		index_put(&m->by_key, hash_key(key), s);
	return 0;
}

/* ------------------------------------------------------------------------
 * Values: for each attribute of syncd_model_attrs the entry has, its index
 * (1 byte), the count of values (4) and each value's length (4) and bytes.
 */

static void put_u32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The C_ bit of a kept objectClass value, or 0. */
static unsigned class_bit(const struct rbac_bytes *b)
{
	for (size_t i = 0; i < sizeof(kept_classes) / sizeof(kept_classes[0]); i++)
		if (b->len == strlen(kept_classes[i]) &&
		    strncasecmp(b->p, kept_classes[i], b->len) == 0)
			return 1u << i;
	return 0;
}

static unsigned classes_of(const struct rbac_entry *e)
{
	const struct rbac_entry_attr *a = rbac_entry_get(e, "objectClass");
	unsigned c = 0;

	for (size_t j = 0; a != NULL && j < a->n; j++)
		c |= class_bit(&a->v[j]);
	return c;
}

/* The attributes (bits: indexes into syncd_model_attrs) that what an entry
 * of each class is made into reads (rbac_ldap.c's ns_attrs and
 * account_attrs, rbac_entry.c); only those are kept, so that a change to
 * any other (an account's cn, a posixAccount's gidNumber) is no change. */
static uint32_t kept_attrs(unsigned classes)
{
	static const uint32_t of_class[] = {
	    /* rbacNamespace: objectClass cn rbacPermission */
	    0x000b,
	    /* rbacRole: ... rbacRestriction rbacInherits memberUid gidNumber */
	    0x00fb,
	    /* rbacAssignment: objectClass uid rbacValidFrom/Until rbacTicket */
	    0x1c05,
	    /* rbacAccount: objectClass uid rbacAccountStatus rbacStatusReason
	     * rbacValidFrom/Until pwdAccountLockedTime */
	    0x2f05,
	};
	uint32_t mask = 1; /* objectClass */

	for (size_t i = 0; i < sizeof(of_class) / sizeof(of_class[0]); i++)
		if (classes & (1u << i))
			mask |= of_class[i];
	return mask;
}

/* The values of attribute i that the model keeps, serialized at out (NULL:
 * only measured). Returns the bytes written. */
static size_t put_attr(const struct rbac_entry *e, size_t i, unsigned char *out)
{
	const struct rbac_entry_attr *a = rbac_entry_get(e, syncd_model_attrs[i]);
	size_t len = 5, n = 0;

	for (size_t j = 0; a != NULL && j < a->n; j++) {
		if (i == ATTR_CLASS && class_bit(&a->v[j]) == 0)
			continue;
		if (out != NULL) {
			put_u32(out + len, (uint32_t)a->v[j].len);
			memcpy(out + len + 4, a->v[j].p, a->v[j].len);
		}
		len += 4 + a->v[j].len;
		n++;
	}
	if (n == 0)
		return 0;
	if (out != NULL) {
		out[0] = (unsigned char)i;
		put_u32(out + 1, (uint32_t)n);
	}
	return len;
}

static unsigned char *serialize(const struct rbac_entry *e, size_t *len)
{
	uint32_t mask = kept_attrs(classes_of(e));
	unsigned char *buf;
	size_t n = 0;

	for (size_t i = 0; i < N_ATTRS; i++)
		n += mask & (1u << i) ? put_attr(e, i, NULL) : 0;
	buf = malloc(n > 0 ? n : 1);
	if (buf == NULL)
		return NULL;
	*len = 0;
	for (size_t i = 0; i < N_ATTRS; i++)
		*len += mask & (1u << i) ? put_attr(e, i, buf + *len) : 0;
	return buf;
}

static size_t count_values(const unsigned char *p, size_t len)
{
	size_t n = 0;

	for (size_t off = 0; off < len;) {
		uint32_t k = get_u32(p + off + 1);

		n += k;
		off += 5;
		for (uint32_t j = 0; j < k; j++)
			off += 4 + get_u32(p + off);
	}
	return n;
}

/* A struct rbac_entry over slot s's values, valid until the next view.
 * Returns -1 when out of memory. */
static int view(struct syncd_model *m, const struct entry *en, const char *dn,
		struct rbac_entry *e)
{
	size_t nv = count_values(en->vals, en->vals_len), b = 0, na = 0;

	if (nv > m->cap_view_bytes) {
		struct rbac_bytes *v = reallocarray(m->view_bytes, nv, sizeof(*v));

		if (v == NULL)
			return -1;
		m->view_bytes = v;
		m->cap_view_bytes = nv;
	}
	for (size_t off = 0; off < en->vals_len; na++) {
		uint32_t k = get_u32(en->vals + off + 1);

		m->view_attrs[na].name = syncd_model_attrs[en->vals[off]];
		m->view_attrs[na].v = m->view_bytes + b;
		m->view_attrs[na].n = k;
		off += 5;
		for (uint32_t j = 0; j < k; j++, b++) {
			m->view_bytes[b].len = get_u32(en->vals + off);
			m->view_bytes[b].p = (const char *)en->vals + off + 4;
			off += 4 + m->view_bytes[b].len;
		}
	}
	e->dn = dn;
	e->attrs = m->view_attrs;
	e->n_attrs = na;
	return 0;
}

/* ------------------------------------------------------------------------
 * Entries: classification, parents, orphans
 */

static bool is_namespace_at(const struct syncd_model *m, long s, const char *norm)
{
	return s >= 0 && m->slots[s].kind == K_NAMESPACE && norm != NULL &&
	       m->slots[s].norm != NULL && strcmp(m->slots[s].norm, norm) == 0;
}

/* The namespace entry at normalized DN norm, or -1. */
static long find_namespace(const struct syncd_model *m, const char *norm)
{
	long s = norm != NULL ? find_key(m, norm) : -1;

	return is_namespace_at(m, s, norm) ? s : -1;
}

static bool is_shown_namespace(const struct syncd_model *m, long s)
{
	return is_namespace_at(m, s, m->host_norm) || is_namespace_at(m, s, m->global_norm);
}

/* Something a snapshot shows: an account, the host or global namespace,
 * or a role linked to one of them. */
static bool shown(const struct syncd_model *m, size_t s)
{
	const struct entry *e = &m->slots[s];

	if (!e->live)
		return false;
	if (e->account || is_shown_namespace(m, (long)s))
		return true;
	if (e->kind == K_ASSIGNMENT && e->has_parent) { /* below a shown role? */
		long p = find_uuid(m, &e->parent);

		e = p >= 0 ? &m->slots[p] : NULL;
		if (e == NULL || !e->live || e->kind != K_ROLE)
			return false;
	}
	return e->kind == K_ROLE && e->has_parent &&
	       is_shown_namespace(m, find_uuid(m, &e->parent));
}

/* "#<parent uuid in hex>/<normalized first RDN>": a linked role's key. */
static char *child_key(const struct rbac_sync_uuid *parent, const char *norm)
{
	size_t rdn = strcspn(norm, ",");
	char *key = malloc(1 + 2 * RBAC_SYNC_UUID_LEN + 1 + rdn + 1);

	if (key == NULL)
		return NULL;
	key[0] = '#';
	for (size_t i = 0; i < RBAC_SYNC_UUID_LEN; i++)
		snprintf(key + 1 + 2 * i, 3, "%02x", parent->b[i]);
	key[1 + 2 * RBAC_SYNC_UUID_LEN] = '/';
	memcpy(key + 2 + 2 * RBAC_SYNC_UUID_LEN, norm, rdn);
	key[2 + 2 * RBAC_SYNC_UUID_LEN + rdn] = '\0';
	return key;
}

/* The entry a child at normalized parent DN pnorm hangs below: a
 * namespace (for a role) or a role (for an assignment), or -1. */
static long resolve_parent(const struct syncd_model *m, const char *pnorm, enum kind want)
{
	long ns, s;
	char *key;

	if (want == K_NAMESPACE)
		return find_namespace(m, pnorm);
	ns = find_namespace(m, norm_parent(pnorm));
	if (ns < 0 || (key = child_key(&m->slots[ns].uuid, pnorm)) == NULL)
		return -1;
	s = find_key(m, key);
	free(key);
	return s >= 0 && m->slots[s].kind == K_ROLE ? s : -1;
}

/* Links slot s below parent p (a role gets its key), or leaves it an
 * orphan waiting for pnorm. Returns -1 when out of memory. */
static int set_parent(struct syncd_model *m, size_t s, long p, const char *pnorm)
{
	struct entry *e = &m->slots[s];
	char *key = NULL;

	free(e->pending);
	e->pending = NULL;
	e->has_parent = p >= 0;
	if (p < 0) {
		if ((e->pending = strdup(pnorm)) == NULL || asprintf(&key, "?%s", pnorm) < 0)
			return -1;
		return set_key(m, s, key);
	}
	e->parent = m->slots[p].uuid;
	if (e->kind == K_ROLE && (key = child_key(&e->parent, e->norm)) == NULL)
		return -1;
	return set_key(m, s, key);
}

/* Kind, account flag, parent and key of slot s from its DN and classes. */
static int classify(struct syncd_model *m, size_t s, unsigned classes)
{
	struct entry *e = &m->slots[s];
	char *key = NULL;

	e->kind = K_OTHER;
	if (e->norm != NULL && (classes & C_NAMESPACE))
		e->kind = K_NAMESPACE;
	else if (e->norm != NULL && (classes & C_ROLE))
		e->kind = K_ROLE;
	else if (e->norm != NULL && (classes & C_ASSIGNMENT))
		e->kind = K_ASSIGNMENT;
	e->account =
	    (classes & C_ACCOUNT) && e->norm != NULL && norm_under(e->norm, m->users_norm);
	e->has_parent = false;
	free(e->pending);
	e->pending = NULL;
	if (e->kind == K_ROLE || e->kind == K_ASSIGNMENT) {
		const char *pnorm = norm_parent(e->norm);

		return set_parent(
		    m, s, resolve_parent(m, pnorm, e->kind == K_ROLE ? K_NAMESPACE : K_ROLE),
		    pnorm);
	}
	if (e->kind == K_NAMESPACE && (key = strdup(e->norm)) == NULL)
		return -1;
	return set_key(m, s, key);
}

/* The normalized DN slot p has now as a parent: a namespace's own; a
 * linked role's RDN below its namespace's DN now. */
static char *parent_norm(const struct syncd_model *m, size_t p)
{
	const struct entry *e = &m->slots[p];
	long ns = e->kind == K_ROLE && e->has_parent ? find_uuid(m, &e->parent) : -1;
	char *dn;

	if (ns < 0 || m->slots[ns].norm == NULL)
		return strdup(e->norm);
	if (asprintf(&dn, "%.*s,%s", (int)strcspn(e->norm, ","), e->norm, m->slots[ns].norm) <
	    0)
		return NULL;
	return dn;
}

/* The orphans waiting for slot p's DN are linked below it (and theirs
 * below them, when they are roles). */
static int adopt(struct syncd_model *m, size_t p)
{
	enum kind want = m->slots[p].kind == K_NAMESPACE ? K_ROLE : K_ASSIGNMENT;
	char *dn = parent_norm(m, p), *key = NULL;
	size_t *kids = NULL;
	long n = -1;
	int rc = 0;

	if (dn != NULL && asprintf(&key, "?%s", dn) >= 0)
		n = find_key_all(m, key, &kids);
	for (long i = 0; i < n && rc == 0; i++) {
		if (m->slots[kids[i]].kind != want)
			continue;
		rc = set_parent(m, kids[i], (long)p, NULL);
		m->dirty |= shown(m, kids[i]);
		if (rc == 0 && want == K_ROLE)
			rc = adopt(m, kids[i]);
	}
	free(kids);
	free(key);
	free(dn);
	return n < 0 ? -1 : rc;
}

/* ------------------------------------------------------------------------
 * Messages
 */

static void role_drop(struct entry *e)
{
	if (e->role != NULL) {
		free(e->role->name);
		free(e->role->dn);
		rbac_strlist_free(&e->role->permissions);
		rbac_strlist_free(&e->role->restrictions);
		rbac_strlist_free(&e->role->inherits);
		rbac_strlist_free(&e->role->members);
		free(e->role);
	}
	e->role = NULL;
	e->role_built = false;
}

static void entry_clear(struct syncd_model *m, size_t s)
{
	struct entry *e = &m->slots[s];

	(void)set_key(m, s, NULL);
	free(e->dn);
	free(e->norm);
	free(e->pending);
	free(e->vals);
	for (size_t i = 0; i < e->n_acc; i++)
		rbac_account_free(&e->acc[i]);
	free(e->acc);
	e->acc = NULL;
	e->n_acc = 0;
	e->acc_built = false;
	role_drop(e);
	e->dn = e->norm = e->pending = NULL;
	e->vals = NULL;
	e->vals_len = 0;
}

/* The slots in order with the dead ones dropped, once they are most. */
static int compact(struct syncd_model *m)
{
	if (m->n_dead < 1024 || m->n_dead * 2 < m->n_slots)
		return 0;
	return reindex(m, 64, true);
}

static void remove_slot(struct syncd_model *m, size_t s)
{
	m->dirty |= shown(m, s);
	m->parent_gone |= m->slots[s].kind == K_NAMESPACE || m->slots[s].kind == K_ROLE;
	index_del(&m->by_uuid, hash_uuid(&m->slots[s].uuid), s);
	entry_clear(m, s);
	m->slots[s].live = false;
	m->n_dead++;
}

/* Children whose parent is gone wait for whatever entry next holds their
 * parent's DN: the same one back (it left the filter and returned), or a
 * new one (a server reloaded from LDIF sends every entry under a new
 * entryUUID in a full refresh, and the old ones go at its end). */
static int relink(struct syncd_model *m)
{
	if (!m->parent_gone)
		return 0;
	m->parent_gone = false;
	for (size_t s = 0; s < m->n_slots; s++) {
		struct entry *e = &m->slots[s];

		const char *pnorm;
		long p;

		if (!e->live || !e->has_parent || find_uuid(m, &e->parent) >= 0)
			continue;
		/* A new entry may hold that DN already (in a reload's refresh, the
		 * new namespace came before the old one went). */
		pnorm = norm_parent(e->norm);
		p = resolve_parent(m, pnorm, e->kind == K_ROLE ? K_NAMESPACE : K_ROLE);
		if (set_parent(m, s, p, pnorm) != 0 ||
		    (p >= 0 && e->kind == K_ROLE && adopt(m, s) != 0))
			return -1;
		m->dirty |= shown(m, s);
	}
	return 0;
}

static long new_slot(struct syncd_model *m, const struct rbac_sync_uuid *u)
{
	if (index_room(m) != 0)
		return -1;
	if (grow(&m->slots, &m->cap_slots, m->n_slots, sizeof(*m->slots)) != 0)
		return -1;
	memset(&m->slots[m->n_slots], 0, sizeof(m->slots[0]));
	m->slots[m->n_slots].uuid = *u;
	m->slots[m->n_slots].live = true;
	index_put(&m->by_uuid, hash_uuid(u), m->n_slots);
	return (long)m->n_slots++;
}

/* Slot s takes dn and e's values (vals, already serialized, is taken). */
static int fill_slot(struct syncd_model *m, size_t s, const char *dn,
		     const struct rbac_entry *e, unsigned char *vals, size_t vals_len)
{
	struct entry *en = &m->slots[s];
	QBUF(q);

	entry_clear(m, s);
	en->vals = vals;
	en->vals_len = vals_len;
	en->seen = m->gen;
	if ((en->dn = strdup(dn)) == NULL)
		return -1;
	en->norm = dn_normalize(dn);
	if (en->norm == NULL)
		rbac_log(m->lg, LOG_ERR, "%s: unparsable DN; ignored", Q(q, dn));
	if (classify(m, s, classes_of(e)) != 0)
		return -1;
	if (en->kind == K_OTHER) {
		/* only namespaces, roles and assignments are found or linked by
		 * DN later (60 bytes an account) */
		free(en->norm);
		en->norm = NULL;
	}
	if (en->kind == K_NAMESPACE || (en->kind == K_ROLE && en->has_parent))
		return adopt(m, s);
	return 0;
}

static int apply_entry(struct syncd_model *m, const struct rbac_sync_uuid *u, const char *dn,
		       const struct rbac_entry *e)
{
	long s = find_uuid(m, u);
	unsigned char *vals;
	size_t len = 0;
	bool was_shown;
	int rc;

	if ((vals = serialize(e, &len)) == NULL)
		return SYNCD_MODEL_ENOMEM;
	if (s >= 0 && strcmp(m->slots[s].dn, dn) == 0 && m->slots[s].vals_len == len &&
	    memcmp(m->slots[s].vals, vals, len) == 0) {
		m->slots[s].seen = m->gen; /* nothing it held changed */
		free(vals);
		return SYNCD_MODEL_OK;
	}
	was_shown = s >= 0 && shown(m, (size_t)s);
	if (s < 0 && (s = new_slot(m, u)) < 0) {
		free(vals);
		return SYNCD_MODEL_ENOMEM;
	}
	rc = fill_slot(m, (size_t)s, dn, e, vals, len);
	m->dirty |= was_shown || shown(m, (size_t)s);
	return rc == 0 ? SYNCD_MODEL_OK : SYNCD_MODEL_ENOMEM;
}

static int mark_present(struct syncd_model *m, const struct rbac_sync_uuid *u)
{
	long s = find_uuid(m, u);

	if (s >= 0) {
		m->slots[s].seen = m->gen;
		return SYNCD_MODEL_OK;
	}
	if (m->n_awaited == m->cap_awaited) {
		size_t cap = m->cap_awaited ? 2 * m->cap_awaited : 16;
		struct rbac_sync_uuid *p = reallocarray(m->awaited, cap, sizeof(*p));

		if (p == NULL)
			return SYNCD_MODEL_ENOMEM;
		m->awaited = p;
		m->cap_awaited = cap;
	}
	m->awaited[m->n_awaited++] = *u;
	return SYNCD_MODEL_OK;
}

static void delete_uuid(struct syncd_model *m, const struct rbac_sync_uuid *u)
{
	long s = find_uuid(m, u);

	if (s >= 0)
		remove_slot(m, (size_t)s);
}

static void log_unknown(const struct syncd_model *m, size_t n)
{
	rbac_log(m->lg, LOG_WARNING,
		 "sync: the server named %zu entr%s present that this agent does not hold; "
		 "its state and cookie disagree",
		 n, n == 1 ? "y" : "ies");
}

int syncd_model_apply(struct syncd_model *m, enum rbac_sync_state_kind kind,
		      const struct rbac_sync_uuid *uuid, const char *dn,
		      const struct rbac_entry *e)
{
	switch (kind) {
	case RBAC_SYNC_ADD:
	case RBAC_SYNC_MODIFY:
		if (dn == NULL || e == NULL)
			return SYNCD_MODEL_EINVAL;
		return apply_entry(m, uuid, dn, e);
	case RBAC_SYNC_DELETE:
		delete_uuid(m, uuid);
		return relink(m) == 0 && compact(m) == 0 ? SYNCD_MODEL_OK : SYNCD_MODEL_ENOMEM;
	case RBAC_SYNC_PRESENT:
		return mark_present(m, uuid);
	}
	return SYNCD_MODEL_EINVAL;
}

int syncd_model_idset(struct syncd_model *m, const struct rbac_sync_uuid *uuids, size_t n,
		      bool deletes)
{
	int rc = SYNCD_MODEL_OK;

	for (size_t i = 0; i < n; i++) {
		if (deletes)
			delete_uuid(m, &uuids[i]);
		else if (mark_present(m, &uuids[i]) != SYNCD_MODEL_OK)
			rc = SYNCD_MODEL_ENOMEM;
	}
	if (relink(m) != 0 || compact(m) != 0)
		return SYNCD_MODEL_ENOMEM;
	return rc;
}

void syncd_model_refresh_begin(struct syncd_model *m, bool with_cookie)
{
	m->gen++;
	m->refresh_with_cookie = with_cookie;
	m->n_awaited = 0;
}

void syncd_model_present_end(struct syncd_model *m)
{
	for (size_t s = 0; s < m->n_slots; s++)
		if (m->slots[s].live && m->slots[s].seen != m->gen)
			remove_slot(m, s);
	/* Out of memory: the model is less than it should be, and the next
	 * full refresh makes it whole; it stays uncompacted, and works. */
	if (relink(m) != 0)
		rbac_log(m->lg, LOG_ERR, "out of memory linking roles to their namespaces");
	(void)compact(m);
}

int syncd_model_refresh_done(struct syncd_model *m)
{
	size_t missing = 0;

	if (!m->refresh_with_cookie)
		syncd_model_present_end(m);
	for (size_t i = 0; i < m->n_awaited; i++)
		if (find_uuid(m, &m->awaited[i]) < 0)
			missing++;
	m->n_awaited = 0;
	if (missing == 0)
		return SYNCD_MODEL_OK;
	log_unknown(m, missing);
	return SYNCD_MODEL_UNKNOWN;
}

bool syncd_model_dirty(const struct syncd_model *m)
{
	return m->dirty;
}

void syncd_model_clean(struct syncd_model *m)
{
	m->dirty = false;
	/* What the publish used is not needed until the next derive (13 MB
	 * of account copies at 100k). */
	derived_free(m);
	free(m->d_accounts);
	m->d_accounts = NULL;
	m->cap_d_accounts = 0;
}

size_t syncd_model_count(const struct syncd_model *m)
{
	return m->n_slots - m->n_dead;
}

/* ------------------------------------------------------------------------
 * Derive: what rbacctl refresh's reads give (rbac_ldap.c), from the model
 */

/* The derived accounts are copies of the entries' (their strings stay the
 * entries'): only the array goes. */
static void derived_ns_free(struct rbac_namespace *ns)
{
	/* the roles are copies of the entries' but for their links */
	for (size_t i = 0; i < ns->n_roles; i++) {
		free(ns->roles[i].parents);
		rbac_role_free_assignments(&ns->roles[i]); /* the derive's own */
	}
	free(ns->roles);
	free(ns->name);
	free(ns->dn);
	rbac_strlist_free(&ns->master);
}

static void derived_free(struct syncd_model *m)
{
	derived_ns_free(&m->d_ns);
	derived_ns_free(&m->d_global);
	rbac_namespace_init(&m->d_ns);
	rbac_namespace_init(&m->d_global);
	m->n_d_accounts = 0;
}

/* A linked role's DN now: its own RDN as sent, below its namespace's DN as
 * sent (the namespace may have been renamed since the role was). */
static char *role_dn(const struct entry *role, const struct entry *ns)
{
	size_t rdn = raw_rdn_len(role->dn);
	char *dn;

	if (asprintf(&dn, "%.*s,%s", (int)rdn, role->dn, ns->dn) < 0)
		return NULL;
	return dn;
}

/* The role's name: the cn of its RDN, else its only cn value; NULL (and
 * logged) when neither is usable. *oom when out of memory. */
static char *role_name(struct syncd_model *m, const char *dn, const struct rbac_entry *e,
		       bool *oom)
{
	const struct rbac_entry_attr *cn;
	size_t len = 0;
	char *name = dn_first_cn(dn, &len, oom);
	QBUF(q);

	if (name == NULL && !*oom && (cn = rbac_entry_get(e, "cn")) != NULL && cn->n == 1) {
		len = cn->v[0].len;
		if ((name = strndup(cn->v[0].p, len)) == NULL)
			*oom = true;
	}
	if (*oom)
		return NULL;
	if (name == NULL || len == 0 || strlen(name) != len) {
		rbac_log(m->lg, LOG_ERR, "%s: role without a usable cn; skipped", Q(q, dn));
		free(name);
		return NULL;
	}
	return name;
}

/* Slot s's role below namespace ns, built into the entry. */
static int build_role(struct syncd_model *m, size_t s, const struct entry *ns)
{
	struct entry *en = &m->slots[s];
	struct rbac_entry e;
	char *dn = role_dn(en, ns), *name = NULL;
	bool oom = dn == NULL;

	if (oom || view(m, en, dn, &e) != 0 ||
	    ((name = role_name(m, dn, &e, &oom)) == NULL && oom))
		goto fail;
	en->role_built = true;
	if (name == NULL) {
		free(dn);
		return 0;
	}
	if ((en->role = calloc(1, sizeof(*en->role))) == NULL)
		goto fail;
	en->role->name = name;
	en->role->dn = dn;
	return rbac_entry_role(&e, NULL, m->lg, en->role);
fail:
	free(name);
	free(dn);
	return -1;
}

/* A copy of slot s's role into out (built first if need be, or again when
 * its namespace was renamed since); a name already taken (ignoring case)
 * is skipped, as the first of two is kept by a search. */
static int derive_role(struct syncd_model *m, size_t s, const struct entry *ns,
		       struct rbac_namespace *out)
{
	struct entry *en = &m->slots[s];
	const struct rbac_role *dup;
	QBUF(a);
	QBUF(b);

	if (en->role != NULL && strcmp(en->role->dn + raw_rdn_len(en->dn) + 1, ns->dn) != 0)
		role_drop(en);
	if (!en->role_built && build_role(m, s, ns) != 0)
		return -1;
	if (en->role == NULL)
		return 0;
	if ((dup = rbac_namespace_find_role(out, en->role->name)) != NULL) {
		rbac_log(m->lg, LOG_ERR, "%s: role name already used by %s; skipped",
			 Q(a, en->role->dn), Q(b, dup->dn));
		return 0;
	}
	if (grow(&out->roles, &out->cap_roles, out->n_roles, sizeof(*out->roles)) != 0)
		return -1;
	out->roles[out->n_roles] = *en->role;
	out->roles[out->n_roles].parents = NULL; /* set by the resolve */
	out->roles[out->n_roles].n_parents = 0;
	out->roles[out->n_roles].on_cycle = false;
	out->roles[out->n_roles].assignments = NULL; /* derive_assignments */
	out->roles[out->n_roles].n_assignments = 0;
	out->n_roles++;
	return 0;
}

/* The role slot p derived into out (namespace slot ns), or NULL: not below
 * ns, not built, or skipped as a second role of its name. */
static struct rbac_role *derived_role(const struct syncd_model *m, long p, size_t ns,
				      struct rbac_namespace *out)
{
	const struct entry *r = p >= 0 ? &m->slots[p] : NULL;
	struct rbac_role *d;

	if (r == NULL || !r->live || r->kind != K_ROLE || !r->has_parent || r->role == NULL ||
	    memcmp(r->parent.b, m->slots[ns].uuid.b, RBAC_SYNC_UUID_LEN) != 0)
		return NULL;
	d = rbac_namespace_find_role(out, r->role->name);
	return d != NULL && d->dn == r->role->dn ? d : NULL;
}

/* Each rbacAssignment linked below a derived role of out, given to that
 * role (DESIGN.md §11), as rbac_ldap.c gives them: one pass over the
 * entries, as for the roles. */
static int derive_assignments(struct syncd_model *m, size_t ns, struct rbac_namespace *out)
{
	for (size_t s = 0; s < m->n_slots; s++) {
		const struct entry *a = &m->slots[s];
		struct rbac_role *r;
		struct rbac_entry e;

		if (!a->live || a->kind != K_ASSIGNMENT || !a->has_parent)
			continue;
		r = derived_role(m, find_uuid(m, &a->parent), ns, out);
		if (r != NULL &&
		    (view(m, a, a->dn, &e) != 0 || rbac_entry_assignment(&e, m->lg, r) != 0))
			return -1;
	}
	return 0;
}

/* The namespace at slot ns with its roles, resolved. */
static int derive_namespace(struct syncd_model *m, size_t ns, const char *fallback_name,
			    struct rbac_namespace *out)
{
	const struct entry *en = &m->slots[ns];
	struct rbac_entry e;
	size_t len = 0;
	bool oom;

	out->dn = strdup(en->dn);
	out->name = dn_first_cn(en->dn, &len, &oom);
	if (out->name == NULL && !oom)
		out->name = strdup(fallback_name);
	if (out->dn == NULL || out->name == NULL || view(m, en, en->dn, &e) != 0 ||
	    rbac_entry_values(&e, "rbacPermission", NULL, m->lg, &out->master) != 0)
		return -1;
	out->has_master = out->master.n > 0;
	for (size_t s = 0; s < m->n_slots; s++) {
		const struct entry *r = &m->slots[s];

		if (r->live && r->kind == K_ROLE && r->has_parent &&
		    memcmp(r->parent.b, en->uuid.b, RBAC_SYNC_UUID_LEN) == 0 &&
		    derive_role(m, s, &m->slots[ns], out) != 0)
			return -1;
	}
	if (derive_assignments(m, ns, out) != 0)
		return -1;
	return rbac_namespace_resolve(out, m->lg) < 0 ? -1 : 0;
}

/* Slot s's accounts, one per uid value: the entry answers to each. */
static int build_accounts(struct syncd_model *m, size_t s)
{
	struct entry *en = &m->slots[s];
	const struct rbac_entry_attr *uid;
	struct rbac_entry e;
	QBUF(q);

	if (view(m, en, en->dn, &e) != 0)
		return -1;
	uid = rbac_entry_get(&e, "uid");
	/* Exactly as many as it has uids: a hundred thousand entries keep
	 * theirs for good. */
	if (uid != NULL && (en->acc = calloc(uid->n, sizeof(*en->acc))) == NULL)
		return -1;
	for (size_t i = 0; uid != NULL && i < uid->n; i++) {
		const struct rbac_bytes *v = &uid->v[i];
		struct rbac_account *a = &en->acc[en->n_acc];
		char *name;
		int rc;

		if (v->len == 0 || memchr(v->p, '\0', v->len) != NULL) {
			rbac_log(m->lg, LOG_ERR,
				 "%s: an empty uid or one with a NUL byte; ignored",
				 Q(q, en->dn));
			continue;
		}
		rbac_account_init(a);
		if ((name = strndup(v->p, v->len)) == NULL)
			return -1;
		rc = rbac_entry_account(&e, name, a);
		free(name);
		en->n_acc++; /* freed with the others, even half filled */
		if (rc != 0)
			return -1;
	}
	en->acc_built = true;
	return 0;
}

/* Slot s's accounts appended to the derived ones. */
static int derive_accounts(struct syncd_model *m, size_t s)
{
	struct entry *en = &m->slots[s];
	size_t need;

	if (!en->acc_built && build_accounts(m, s) != 0)
		return -1;
	if (en->n_acc == 0)
		return 0; /* no usable uid */
	need = m->n_d_accounts + en->n_acc;
	if (need > m->cap_d_accounts) {
		size_t cap = need * 2;
		struct rbac_account *v = reallocarray(m->d_accounts, cap, sizeof(*v));

		if (v == NULL)
			return -1;
		m->d_accounts = v;
		m->cap_d_accounts = cap;
	}
	memcpy(m->d_accounts + m->n_d_accounts, en->acc, en->n_acc * sizeof(*en->acc));
	m->n_d_accounts = need;
	return 0;
}

static int derive_all(struct syncd_model *m, long host, long global)
{
	if (derive_namespace(m, (size_t)host, m->host_name, &m->d_ns) != 0)
		return -1;
	if (global >= 0 &&
	    derive_namespace(m, (size_t)global, m->global_name, &m->d_global) != 0)
		return -1;
	for (size_t s = 0; s < m->n_slots; s++)
		if (m->slots[s].live && m->slots[s].account && derive_accounts(m, s) != 0)
			return -1;
	return 0;
}

int syncd_model_derive(struct syncd_model *m, struct rbac_snapshot_model *out)
{
	long host = find_namespace(m, m->host_norm), global = find_namespace(m, m->global_norm);
	QBUF(q);

	memset(out, 0, sizeof(*out));
	derived_free(m);
	if (host < 0) {
		rbac_log(m->lg, LOG_ERR,
			 "namespace \"%s\" not found in the directory (no rbacNamespace entry "
			 "cn=NAMESPACE,ldap.base); nothing to publish",
			 Q(q, m->host_name != NULL ? m->host_name : ""));
		return SYNCD_MODEL_NO_NAMESPACE;
	}
	if (global < 0 && m->global_name != NULL)
		rbac_log(m->lg, LOG_WARNING,
			 "global namespace \"%s\" not found; no global role groups",
			 Q(q, m->global_name));
	if (derive_all(m, host, global) != 0) {
		derived_free(m);
		return SYNCD_MODEL_ENOMEM;
	}
	out->ns = &m->d_ns;
	out->global = global >= 0 ? &m->d_global : NULL;
	out->accounts = m->d_accounts;
	out->n_accounts = m->n_d_accounts;
	return SYNCD_MODEL_OK;
}

/* ------------------------------------------------------------------------
 * syncd.state, and the model's life
 */

int syncd_model_walk(const struct syncd_model *m, syncd_model_entry_fn fn, void *ctx)
{
	struct syncd_model *mm = (struct syncd_model *)m; /* the view is scratch only */

	for (size_t s = 0; s < m->n_slots; s++) {
		const struct entry *en = &m->slots[s];
		struct rbac_entry e;
		int rc;

		if (!en->live)
			continue;
		if (view(mm, en, en->dn, &e) != 0)
			return SYNCD_MODEL_ENOMEM;
		rc = fn(ctx, &en->uuid, en->dn, en->has_parent ? &en->parent : NULL, &e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int syncd_model_restore(struct syncd_model *m, const struct rbac_sync_uuid *uuid,
			const char *dn, const struct rbac_sync_uuid *parent,
			const struct rbac_entry *e)
{
	int rc = syncd_model_apply(m, RBAC_SYNC_ADD, uuid, dn, e);
	long s = find_uuid(m, uuid);
	struct entry *en;
	char *key = NULL;

	if (rc != SYNCD_MODEL_OK || parent == NULL || s < 0)
		return rc;
	en = &m->slots[s];
	if (en->kind != K_ROLE && en->kind != K_ASSIGNMENT)
		return SYNCD_MODEL_OK;
	/* The link the state file says, found by UUID when it was made, even
	 * if the parent has since moved where the DN no longer leads. */
	free(en->pending);
	en->pending = NULL;
	en->has_parent = true;
	en->parent = *parent;
	if (en->kind == K_ROLE && (key = child_key(parent, en->norm)) == NULL)
		return SYNCD_MODEL_ENOMEM;
	if (set_key(m, (size_t)s, key) != 0 || (en->kind == K_ROLE && adopt(m, (size_t)s) != 0))
		return SYNCD_MODEL_ENOMEM;
	return SYNCD_MODEL_OK;
}

static char *namespace_dn(const char *name, const char *base)
{
	char *dn, *norm;

	if (name == NULL || !rbac_namespace_name_valid(name) ||
	    asprintf(&dn, "cn=%s,%s", name, base) < 0)
		return NULL;
	norm = dn_normalize(dn);
	free(dn);
	return norm;
}

static int model_config(struct syncd_model *m, const struct rbac_config *cfg)
{
	const char *users = cfg->ldap.user_base != NULL ? cfg->ldap.user_base : cfg->ldap.base;
	QBUF(q);

	if (cfg->ldap.base == NULL || (m->users_norm = dn_normalize(users)) == NULL) {
		rbac_log(m->lg, LOG_ERR, "ldap.base or ldap.user_base %s: not a DN",
			 Q(q, users != NULL ? users : "(unset)"));
		return -1;
	}
	m->host_norm = namespace_dn(cfg->namespace_name, cfg->ldap.base);
	m->global_norm = namespace_dn(cfg->global_namespace, cfg->ldap.base);
	if (cfg->namespace_name != NULL && (m->host_name = strdup(cfg->namespace_name)) == NULL)
		return -1;
	if (cfg->global_namespace != NULL &&
	    (m->global_name = strdup(cfg->global_namespace)) == NULL)
		return -1;
	return 0;
}

struct syncd_model *syncd_model_new(const struct rbac_config *cfg, const struct rbac_logger *lg)
{
	struct syncd_model *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->lg = lg;
	m->gen = 1;
	/* Never published by this process: the snapshot on disk may have been
	 * written with other settings (group_format, gid range). */
	m->dirty = true;
	rbac_namespace_init(&m->d_ns);
	rbac_namespace_init(&m->d_global);
	if (model_config(m, cfg) != 0 || reindex(m, 0, false) != 0) {
		syncd_model_free(m);
		return NULL;
	}
	return m;
}

void syncd_model_reset(struct syncd_model *m)
{
	derived_free(m);
	for (size_t s = 0; s < m->n_slots; s++)
		if (m->slots[s].live)
			entry_clear(m, s);
	m->n_slots = m->n_dead = 0;
	m->n_awaited = 0;
	m->dirty = true;
	(void)reindex(m, 0, false); /* out of memory: the old, emptied tables serve */
}

void syncd_model_free(struct syncd_model *m)
{
	if (m == NULL)
		return;
	syncd_model_reset(m);
	free(m->d_accounts);
	free(m->awaited);
	free(m->slots);
	free(m->by_uuid.t);
	free(m->by_key.t);
	free(m->view_bytes);
	free(m->users_norm);
	free(m->host_norm);
	free(m->global_norm);
	free(m->host_name);
	free(m->global_name);
	free(m);
}
