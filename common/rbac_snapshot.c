/*
 * rbac_snapshot.c - the snapshot reader: one complete check of an image,
 * then binary searches that can trust what was checked.
 *
 * The core (rbac_snapshot_parse and the lookups) works on a byte buffer and
 * a length only, so a fuzzer drives exactly the code libnss_rbac runs.
 * Integers are read byte by byte: the image needs no alignment and reads
 * the same on any host.
 *
 * The checksum is XXH3-64 from libxxhash, compiled in here (XXH_INLINE_ALL):
 * nothing of it is linked or exported, so libnss_rbac needs no new library.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "rbac_file.h"
#include "rbac_model.h"
#include "rbac_snapshot.h"

/* Header field offsets (see rbac_snapshot.h). */
#define H_MAGIC	      0
#define H_VERSION     8
#define H_HEADER_SIZE 12
#define H_FILE_SIZE   16
#define H_CHECKSUM    24
#define H_SUPERSEDED  32
#define H_COVERED     40 /* the checksum covers [0, 24) and [40, end) */
#define H_GENERATION  40
#define H_WRITTEN_AT  48
#define H_STALE_AFTER 56
#define H_NAMESPACE   64
#define H_SECTIONS    72

#define GROUP_REC     56
#define USER_REC      32
#define ACCOUNT_REC   56
#define REF_REC	      8

enum {
	SEC_STRINGS = 0,
	SEC_GROUPS,
	SEC_NAME_IDX,
	SEC_GID_IDX,
	SEC_MEMBERS,
	SEC_USERS,
	SEC_USER_GROUPS,
	SEC_PACKED,
	SEC_PACKED_OFFS
};
enum { SEC_ACCOUNTS = 1, SEC_REFS };

static const char magic_groups[8] = {'R', 'B', 'A', 'C', 'G', 'R', 'P', 'S'};
static const char magic_accounts[8] = {'R', 'B', 'A', 'C', 'A', 'C', 'C', 'T'};

/* Record size of each section, per kind; 0: the section must be empty. */
static const uint32_t groups_rec[RBAC_SNAPSHOT_SECTIONS] = {1, GROUP_REC, 4, 4, 4, USER_REC,
							    4, 1,	  4, 0, 0, 0};
static const uint32_t accounts_rec[RBAC_SNAPSHOT_SECTIONS] = {1, ACCOUNT_REC, REF_REC};

static const char *const error_names[] = {
    [RBAC_SNAPSHOT_OK] = "ok",
    [RBAC_SNAPSHOT_E_FILE] = "cannot be trusted or opened",
    [RBAC_SNAPSHOT_E_SIZE] = "truncated or too large",
    [RBAC_SNAPSHOT_E_MAGIC] = "not a snapshot of this kind (bad magic)",
    [RBAC_SNAPSHOT_E_VERSION] = "unknown snapshot version",
    [RBAC_SNAPSHOT_E_CHECKSUM] = "checksum mismatch",
    [RBAC_SNAPSHOT_E_LAYOUT] = "offset or length outside the file",
    [RBAC_SNAPSHOT_E_CONTENT] = "inconsistent content",
    [RBAC_SNAPSHOT_E_STALE] = "stale (older than its stale-after time)",
    [RBAC_SNAPSHOT_E_NOMEM] = "out of memory",
};

const char *rbac_snapshot_strerror(enum rbac_snapshot_error e)
{
	if ((unsigned)e > RBAC_SNAPSHOT_E_NOMEM)
		return "unknown error";
	return error_names[e];
}

/* ------------------------------------------------------------ primitives */

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static int64_t gets64(const unsigned char *p)
{
	uint64_t u = get64(p);
	int64_t v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

uint64_t rbac_fnv1a64(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t rbac_snapshot_checksum(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len < H_COVERED)
		return XXH3_64bits(data, len);
	return XXH3_64bits_withSeed(p + H_COVERED, len - H_COVERED, XXH3_64bits(p, H_CHECKSUM));
}

/* Start of record i of section sec (the layout check made it in range). */
static const unsigned char *rec(const struct rbac_snapshot *s, int sec, uint32_t size,
				uint32_t i)
{
	return s->data + s->sec[sec].offset + (size_t)i * size;
}

static uint32_t u32_at(const struct rbac_snapshot *s, int sec, uint32_t i)
{
	return get32(rec(s, sec, 4, i));
}

/* A string the layout check proved NUL-terminated inside the strings. */
static const char *str_at(const struct rbac_snapshot *s, uint32_t off)
{
	return (const char *)s->data + s->sec[SEC_STRINGS].offset + off;
}

/* off/len name a non-empty (unless allow_empty) string followed by its NUL
 * and holding no other. */
static bool string_ok(const struct rbac_snapshot *s, uint32_t off, uint32_t len,
		      bool allow_empty)
{
	uint32_t size = s->sec[SEC_STRINGS].count;
	const char *p;

	if (off >= size || len >= size - off || (len == 0 && !allow_empty))
		return false;
	p = str_at(s, off);
	return p[len] == '\0' && memchr(p, '\0', len) == NULL;
}

/* [first, first + n) lies inside a section of `count` entries. */
static bool range_ok(uint32_t first, uint32_t n, uint32_t count)
{
	return first <= count && n <= count - first;
}

/* ---------------------------------------------------------------- header */

static enum rbac_snapshot_error check_header(struct rbac_snapshot *s,
					     enum rbac_snapshot_kind kind)
{
	const unsigned char *d = s->data;
	const char *magic = kind == RBAC_SNAPSHOT_GROUPS ? magic_groups : magic_accounts;

	if (s->size < RBAC_SNAPSHOT_HEADER_SIZE)
		return RBAC_SNAPSHOT_E_SIZE;
	if (memcmp(d + H_MAGIC, magic, 8) != 0)
		return RBAC_SNAPSHOT_E_MAGIC;
	if (get32(d + H_VERSION) != RBAC_SNAPSHOT_VERSION)
		return RBAC_SNAPSHOT_E_VERSION;
	if (get32(d + H_HEADER_SIZE) != RBAC_SNAPSHOT_HEADER_SIZE)
		return RBAC_SNAPSHOT_E_LAYOUT;
	if (get64(d + H_FILE_SIZE) != s->size || s->size > RBAC_SNAPSHOT_MAX_SIZE)
		return RBAC_SNAPSHOT_E_SIZE;
	if (get64(d + H_CHECKSUM) != rbac_snapshot_checksum(d, s->size))
		return RBAC_SNAPSHOT_E_CHECKSUM;
	s->generation = get64(d + H_GENERATION);
	s->written_at = gets64(d + H_WRITTEN_AT);
	s->stale_after = gets64(d + H_STALE_AFTER);
	if (s->stale_after <= 0)
		return RBAC_SNAPSHOT_E_CONTENT;
	return RBAC_SNAPSHOT_OK;
}

static bool section_ok(const struct rbac_snapshot *s, int i, uint32_t recsize)
{
	uint32_t off = s->sec[i].offset, count = s->sec[i].count;

	if (recsize == 0)
		return off == 0 && count == 0;
	if (off < RBAC_SNAPSHOT_HEADER_SIZE || off > s->size)
		return false;
	return (uint64_t)count * recsize <= s->size - off;
}

static enum rbac_snapshot_error check_sections(struct rbac_snapshot *s,
					       enum rbac_snapshot_kind kind)
{
	const uint32_t *recs = kind == RBAC_SNAPSHOT_GROUPS ? groups_rec : accounts_rec;

	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++) {
		s->sec[i].offset = get32(s->data + H_SECTIONS + 8 * i);
		s->sec[i].count = get32(s->data + H_SECTIONS + 8 * i + 4);
		if (!section_ok(s, i, recs[i]))
			return RBAC_SNAPSHOT_E_LAYOUT;
	}
	return RBAC_SNAPSHOT_OK;
}

static enum rbac_snapshot_error check_namespace(struct rbac_snapshot *s)
{
	uint32_t off = get32(s->data + H_NAMESPACE), len = get32(s->data + H_NAMESPACE + 4);

	if (!string_ok(s, off, len, false))
		return RBAC_SNAPSHOT_E_LAYOUT;
	s->namespace_name = str_at(s, off);
	return RBAC_SNAPSHOT_OK;
}

/* ------------------------------------------------------------- groups.db */

static void read_group(const struct rbac_snapshot *s, uint32_t i, struct rbac_snapshot_group *g)
{
	const unsigned char *r = rec(s, SEC_GROUPS, GROUP_REC, i);

	g->index = i;
	g->name = str_at(s, get32(r));
	g->name_len = get32(r + 4);
	g->gid = get32(r + 8);
	g->first_member = get32(r + 12);
	g->n_members = get32(r + 16);
	g->flags = get32(r + 20);
	g->packed = (const char *)rec(s, SEC_PACKED, 1, get32(r + 24));
	g->packed_size = get32(r + 28);
	g->first_packed = get32(r + 32);
	g->n_packed = get32(r + 36);
	g->since = gets64(r + 40);
	g->until = gets64(r + 48);
}

static void read_user(const struct rbac_snapshot *s, uint32_t i, struct rbac_snapshot_user *u)
{
	const unsigned char *r = rec(s, SEC_USERS, USER_REC, i);

	u->index = i;
	u->name = str_at(s, get32(r));
	u->valid_from = gets64(r + 8);
	u->valid_until = gets64(r + 16);
	u->first_group = get32(r + 24);
	u->n_groups = get32(r + 28);
}

/* A slice of u32 numbers, each below limit, strictly increasing. */
static bool slice_ok(const struct rbac_snapshot *s, int sec, uint32_t first, uint32_t n,
		     uint32_t limit)
{
	if (!range_ok(first, n, s->sec[sec].count))
		return false;
	for (uint32_t j = 0; j < n; j++) {
		uint32_t v = u32_at(s, sec, first + j);

		if (v >= limit || (j > 0 && v <= u32_at(s, sec, first + j - 1)))
			return false;
	}
	return true;
}

/* Binary search of a checked (sorted) slice of u32 numbers. */
static bool slice_has(const struct rbac_snapshot *s, int sec, uint32_t first, uint32_t n,
		      uint32_t want)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, v = u32_at(s, sec, first + mid);

		if (v == want)
			return true;
		if (v < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool group_record_ok(const struct rbac_snapshot *s, uint32_t i)
{
	const unsigned char *r = rec(s, SEC_GROUPS, GROUP_REC, i);

	if (!string_ok(s, get32(r), get32(r + 4), false))
		return false;
	if ((get32(r + 20) & ~RBAC_SNAPSHOT_GROUP_GLOBAL) != 0)
		return false;
	if (!range_ok(get32(r + 24), get32(r + 28), s->sec[SEC_PACKED].count) ||
	    !range_ok(get32(r + 32), get32(r + 36), s->sec[SEC_PACKED_OFFS].count) ||
	    get32(r + 36) > get32(r + 16) || gets64(r + 40) >= gets64(r + 48))
		return false;
	return slice_ok(s, SEC_MEMBERS, get32(r + 12), get32(r + 16), s->sec[SEC_USERS].count);
}

static bool user_record_ok(const struct rbac_snapshot *s, uint32_t i)
{
	const unsigned char *r = rec(s, SEC_USERS, USER_REC, i);

	if (!string_ok(s, get32(r), get32(r + 4), false))
		return false;
	return slice_ok(s, SEC_USER_GROUPS, get32(r + 24), get32(r + 28),
			s->sec[SEC_GROUPS].count);
}

/* Both indexes hold every group once, in strictly increasing key order
 * (strictly increasing keys of distinct records make a permutation). */
static bool group_indexes_ok(const struct rbac_snapshot *s)
{
	uint32_t n = s->sec[SEC_GROUPS].count;
	struct rbac_snapshot_group a, b;

	if (s->sec[SEC_NAME_IDX].count != n || s->sec[SEC_GID_IDX].count != n)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (u32_at(s, SEC_NAME_IDX, i) >= n || u32_at(s, SEC_GID_IDX, i) >= n)
			return false;
	}
	for (uint32_t i = 1; i < n; i++) {
		read_group(s, u32_at(s, SEC_NAME_IDX, i - 1), &a);
		read_group(s, u32_at(s, SEC_NAME_IDX, i), &b);
		if (strcmp(a.name, b.name) >= 0)
			return false;
		read_group(s, u32_at(s, SEC_GID_IDX, i - 1), &a);
		read_group(s, u32_at(s, SEC_GID_IDX, i), &b);
		if (a.gid >= b.gid)
			return false;
	}
	return true;
}

/* Users sorted by name; adds up their group counts. */
static bool users_sorted(const struct rbac_snapshot *s, uint64_t *pairs)
{
	const char *prev = NULL;

	*pairs = 0;
	for (uint32_t i = 0; i < s->sec[SEC_USERS].count; i++) {
		const unsigned char *r = rec(s, SEC_USERS, USER_REC, i);
		const char *name = str_at(s, get32(r));

		if (prev != NULL && strcmp(prev, name) >= 0)
			return false;
		*pairs += get32(r + 28);
		prev = name;
	}
	return true;
}

/* The member u of group g (user record r) is in the packed names, next at
 * *at as the *k-th: u's name and its NUL. Moves past it. */
static bool packed_next(const struct rbac_snapshot *s, const struct rbac_snapshot_group *g,
			const unsigned char *r, uint32_t *k, uint32_t *at)
{
	uint32_t len = get32(r + 4);

	if (*k >= g->n_packed || rbac_snapshot_packed_offset(s, g, *k) != *at ||
	    len >= g->packed_size - *at ||
	    memcmp(g->packed + *at, str_at(s, get32(r)), (size_t)len + 1) != 0)
		return false;
	*at += len + 1;
	(*k)++;
	return true;
}

/* Group i's members: each lists group i among its own groups, and the
 * packed names are exactly the members whose window holds all of
 * [since, until), while every other member's window misses all of it. */
static bool group_members_ok(const struct rbac_snapshot *s, uint32_t i)
{
	struct rbac_snapshot_group g;
	uint32_t k = 0, at = 0;

	read_group(s, i, &g);
	for (uint32_t j = 0; j < g.n_members; j++) {
		const unsigned char *r =
		    rec(s, SEC_USERS, USER_REC, u32_at(s, SEC_MEMBERS, g.first_member + j));
		int64_t from = gets64(r + 8), until = gets64(r + 16);

		if (!slice_has(s, SEC_USER_GROUPS, get32(r + 24), get32(r + 28), i))
			return false;
		if (from <= g.since && g.until - 1 <= until) {
			if (!packed_next(s, &g, r, &k, &at))
				return false;
		} else if (!(until < g.since || from > g.until - 1)) {
			return false;
		}
	}
	return k == g.n_packed && at == g.packed_size;
}

/* Every (group, member) pair is also a (user, group) pair, and there are
 * as many of each. Both sides list distinct pairs (sorted, unique slices
 * of distinct records), so the two sets are the same: every user's list
 * agrees with the members section both ways. */
static bool memberships_agree(const struct rbac_snapshot *s)
{
	uint64_t user_pairs, group_pairs = 0;

	if (!users_sorted(s, &user_pairs))
		return false;
	for (uint32_t i = 0; i < s->sec[SEC_GROUPS].count; i++) {
		if (!group_members_ok(s, i))
			return false;
		group_pairs += get32(rec(s, SEC_GROUPS, GROUP_REC, i) + 16);
	}
	return group_pairs == user_pairs;
}

/* Every group's packed names can be handed out as C strings: offsets
 * strictly increasing from 0 inside the block, each name ending with the
 * NUL just before the next one starts, the block ending with a NUL. */
static bool packed_names_safe(const struct rbac_snapshot *s)
{
	struct rbac_snapshot_group g;

	for (uint32_t i = 0; i < s->sec[SEC_GROUPS].count; i++) {
		uint32_t prev = 0;

		read_group(s, i, &g);
		if (g.n_packed == 0) {
			if (g.packed_size != 0)
				return false;
			continue;
		}
		if (g.packed_size == 0 || g.packed[g.packed_size - 1] != '\0' ||
		    rbac_snapshot_packed_offset(s, &g, 0) != 0)
			return false;
		for (uint32_t k = 1; k < g.n_packed; k++) {
			uint32_t off = rbac_snapshot_packed_offset(s, &g, k);

			if (off <= prev || off >= g.packed_size || g.packed[off - 1] != '\0')
				return false;
			prev = off;
		}
	}
	return true;
}

/* What a reader must know before it looks anything up: every record in
 * range, every slice in range and sorted, both indexes and the users
 * sorted (the binary searches rely on it), every string and packed name
 * terminated. Linear in the file. */
static enum rbac_snapshot_error check_groups(const struct rbac_snapshot *s)
{
	uint64_t pairs;

	for (uint32_t i = 0; i < s->sec[SEC_GROUPS].count; i++) {
		if (!group_record_ok(s, i))
			return RBAC_SNAPSHOT_E_LAYOUT;
	}
	for (uint32_t i = 0; i < s->sec[SEC_USERS].count; i++) {
		if (!user_record_ok(s, i))
			return RBAC_SNAPSHOT_E_LAYOUT;
	}
	if (!group_indexes_ok(s) || !users_sorted(s, &pairs) || !packed_names_safe(s))
		return RBAC_SNAPSHOT_E_CONTENT;
	return RBAC_SNAPSHOT_OK;
}

enum rbac_snapshot_error rbac_snapshot_verify(const struct rbac_snapshot *s)
{
	if (s->data == NULL)
		return RBAC_SNAPSHOT_E_CONTENT;
	if (s->kind == RBAC_SNAPSHOT_GROUPS && !memberships_agree(s))
		return RBAC_SNAPSHOT_E_CONTENT;
	return RBAC_SNAPSHOT_OK;
}

/* ----------------------------------------------------------- accounts.db */

static bool refs_ok(const struct rbac_snapshot *s, uint32_t first, uint32_t n)
{
	if (!range_ok(first, n, s->sec[SEC_REFS].count))
		return false;
	for (uint32_t j = 0; j < n; j++) {
		const unsigned char *r = rec(s, SEC_REFS, REF_REC, first + j);

		if (!string_ok(s, get32(r), get32(r + 4), false))
			return false;
	}
	return true;
}

static bool account_record_ok(const struct rbac_snapshot *s, uint32_t i)
{
	const unsigned char *r = rec(s, SEC_ACCOUNTS, ACCOUNT_REC, i);
	uint32_t flags = get32(r + 12);

	if (!string_ok(s, get32(r), get32(r + 4), false))
		return false;
	if (get32(r + 8) > RBAC_STATUS_INVALID || (flags & ~RBAC_SNAPSHOT_ACCOUNT_FLAGS) != 0)
		return false;
	if ((flags & RBAC_SNAPSHOT_ACCOUNT_REASON) &&
	    !string_ok(s, get32(r + 32), get32(r + 36), true))
		return false;
	return refs_ok(s, get32(r + 40), get32(r + 44)) &&
	       refs_ok(s, get32(r + 48), get32(r + 52));
}

static enum rbac_snapshot_error check_accounts(const struct rbac_snapshot *s)
{
	for (uint32_t i = 0; i < s->sec[SEC_ACCOUNTS].count; i++) {
		if (!account_record_ok(s, i))
			return RBAC_SNAPSHOT_E_LAYOUT;
	}
	for (uint32_t i = 1; i < s->sec[SEC_ACCOUNTS].count; i++) {
		const char *a = str_at(s, get32(rec(s, SEC_ACCOUNTS, ACCOUNT_REC, i - 1)));
		const char *b = str_at(s, get32(rec(s, SEC_ACCOUNTS, ACCOUNT_REC, i)));

		if (strcmp(a, b) >= 0)
			return RBAC_SNAPSHOT_E_CONTENT;
	}
	return RBAC_SNAPSHOT_OK;
}

/* ----------------------------------------------------------------- parse */

bool rbac_snapshot_fresh(const struct rbac_snapshot *s, time_t now)
{
	/* Both are checked > 0 / from the file; compare without overflow. */
	if (s->written_at > INT64_MAX - s->stale_after)
		return true;
	return (int64_t)now <= s->written_at + s->stale_after;
}

enum rbac_snapshot_error rbac_snapshot_parse(struct rbac_snapshot *s, const void *data,
					     size_t len, enum rbac_snapshot_kind kind,
					     time_t now)
{
	enum rbac_snapshot_error e;

	memset(s, 0, sizeof(*s));
	s->data = data;
	s->size = len;
	s->kind = kind;
	e = check_header(s, kind);
	if (e == RBAC_SNAPSHOT_OK)
		e = check_sections(s, kind);
	if (e == RBAC_SNAPSHOT_OK)
		e = check_namespace(s);
	if (e == RBAC_SNAPSHOT_OK)
		e = kind == RBAC_SNAPSHOT_GROUPS ? check_groups(s) : check_accounts(s);
	if (e == RBAC_SNAPSHOT_OK && !rbac_snapshot_fresh(s, now))
		e = RBAC_SNAPSHOT_E_STALE;
	if (e != RBAC_SNAPSHOT_OK)
		memset(s, 0, sizeof(*s));
	return e;
}

/* --------------------------------------------------------- group lookups */

uint32_t rbac_snapshot_group_count(const struct rbac_snapshot *s)
{
	return s->kind == RBAC_SNAPSHOT_GROUPS ? s->sec[SEC_GROUPS].count : 0;
}

void rbac_snapshot_group_at(const struct rbac_snapshot *s, uint32_t i,
			    struct rbac_snapshot_group *g)
{
	read_group(s, i, g);
}

bool rbac_snapshot_group_by_name(const struct rbac_snapshot *s, const char *name,
				 struct rbac_snapshot_group *g)
{
	uint32_t lo = 0, hi = rbac_snapshot_group_count(s);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c;

		read_group(s, u32_at(s, SEC_NAME_IDX, mid), g);
		c = strcmp(name, g->name);
		if (c == 0)
			return true;
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool rbac_snapshot_group_by_gid(const struct rbac_snapshot *s, uint32_t gid,
				struct rbac_snapshot_group *g)
{
	uint32_t lo = 0, hi = rbac_snapshot_group_count(s);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		read_group(s, u32_at(s, SEC_GID_IDX, mid), g);
		if (g->gid == gid)
			return true;
		if (g->gid < gid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void rbac_snapshot_member_at(const struct rbac_snapshot *s, const struct rbac_snapshot_group *g,
			     uint32_t j, struct rbac_snapshot_user *u)
{
	read_user(s, u32_at(s, SEC_MEMBERS, g->first_member + j), u);
}

bool rbac_snapshot_user_by_name(const struct rbac_snapshot *s, const char *name,
				struct rbac_snapshot_user *u)
{
	uint32_t lo = 0, hi = s->kind == RBAC_SNAPSHOT_GROUPS ? s->sec[SEC_USERS].count : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c;

		read_user(s, mid, u);
		c = strcmp(name, u->name);
		if (c == 0)
			return true;
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void rbac_snapshot_user_group_at(const struct rbac_snapshot *s,
				 const struct rbac_snapshot_user *u, uint32_t j,
				 struct rbac_snapshot_group *g)
{
	read_group(s, u32_at(s, SEC_USER_GROUPS, u->first_group + j), g);
}

bool rbac_snapshot_user_current(const struct rbac_snapshot_user *u, time_t now)
{
	return u->valid_from <= (int64_t)now && (int64_t)now <= u->valid_until;
}

bool rbac_snapshot_group_packed_at(const struct rbac_snapshot_group *g, time_t now)
{
	return g->since <= (int64_t)now && (int64_t)now < g->until;
}

uint32_t rbac_snapshot_packed_offset(const struct rbac_snapshot *s,
				     const struct rbac_snapshot_group *g, uint32_t k)
{
	return u32_at(s, SEC_PACKED_OFFS, g->first_packed + k);
}

void rbac_snapshot_group_unpack(const struct rbac_snapshot *s,
				const struct rbac_snapshot_group *g, char *dst, char **mem)
{
	const unsigned char *off = rec(s, SEC_PACKED_OFFS, 4, g->first_packed);

	memcpy(dst, g->packed, g->packed_size);
	for (uint32_t k = 0; k < g->n_packed; k++)
		mem[k] = dst + get32(off + 4 * (size_t)k);
	mem[g->n_packed] = NULL;
}

/* ------------------------------------------------------- account lookups */

static void read_account(const struct rbac_snapshot *s, uint32_t i,
			 struct rbac_snapshot_account *a)
{
	const unsigned char *r = rec(s, SEC_ACCOUNTS, ACCOUNT_REC, i);

	a->uid = str_at(s, get32(r));
	a->status = get32(r + 8);
	a->flags = get32(r + 12);
	a->valid_from = gets64(r + 16);
	a->valid_until = gets64(r + 24);
	a->reason = (a->flags & RBAC_SNAPSHOT_ACCOUNT_REASON) ? str_at(s, get32(r + 32)) : NULL;
	a->first_role = get32(r + 40);
	a->n_roles = get32(r + 44);
	a->first_perm = get32(r + 48);
	a->n_perms = get32(r + 52);
}

uint32_t rbac_snapshot_account_count(const struct rbac_snapshot *s)
{
	return s->kind == RBAC_SNAPSHOT_ACCOUNTS ? s->sec[SEC_ACCOUNTS].count : 0;
}

void rbac_snapshot_account_at(const struct rbac_snapshot *s, uint32_t i,
			      struct rbac_snapshot_account *a)
{
	read_account(s, i, a);
}

bool rbac_snapshot_account_by_uid(const struct rbac_snapshot *s, const char *uid,
				  struct rbac_snapshot_account *a)
{
	uint32_t lo = 0,
		 hi = s->kind == RBAC_SNAPSHOT_ACCOUNTS ? s->sec[SEC_ACCOUNTS].count : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c;

		read_account(s, mid, a);
		c = strcmp(uid, a->uid);
		if (c == 0)
			return true;
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static const char *ref_at(const struct rbac_snapshot *s, uint32_t i)
{
	return str_at(s, get32(rec(s, SEC_REFS, REF_REC, i)));
}

const char *rbac_snapshot_account_role(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j)
{
	return j < a->n_roles ? ref_at(s, a->first_role + j) : NULL;
}

const char *rbac_snapshot_account_perm(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j)
{
	return j < a->n_perms ? ref_at(s, a->first_perm + j) : NULL;
}

/* ------------------------------------------------------------------ file */

/* How often a mapped file is compared with its path by stat(2). */
#define STAT_INTERVAL_NS 1000000000LL

/* A clock read from the vDSO, without a system call. */
static int64_t coarse_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
		return INT64_MAX; /* no clock: stat every time */
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool rbac_snapshot_superseded(const struct rbac_snapshot_file *f)
{
	/* The writer may set the word at any time (another process, one
	 * pwrite): read it once, whole. The mapping is page-aligned. */
	const uint64_t *word;

	if (f->map == NULL)
		return false;
	word = (const uint64_t *)((const unsigned char *)f->map + H_SUPERSEDED);
	return __atomic_load_n(word, __ATOMIC_RELAXED) != 0;
}

bool rbac_snapshot_changed(struct rbac_snapshot_file *f, const char *path)
{
	int64_t now;

	if (f->map == NULL)
		return !rbac_file_same(&f->id, path);
	if (f->watch_superseded && rbac_snapshot_superseded(f))
		return true;
	now = coarse_now_ns();
	if (now < f->next_stat)
		return false;
	f->next_stat = now > INT64_MAX - STAT_INTERVAL_NS ? now : now + STAT_INTERVAL_NS;
	return !rbac_file_same(&f->id, path);
}

static enum rbac_snapshot_error open_failed(enum rbac_snapshot_error e, const char *path,
					    char *err, size_t errlen)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s: %s", path, rbac_snapshot_strerror(e));
	return e;
}

enum rbac_snapshot_error rbac_snapshot_open(struct rbac_snapshot_file *f, const char *path,
					    enum rbac_snapshot_kind kind, uid_t owner,
					    time_t now, char *err, size_t errlen)
{
	return rbac_snapshot_open_mode(f, path, kind, owner, RBAC_FILE_NO_WRITE_OTHERS, now,
				       err, errlen);
}

enum rbac_snapshot_error rbac_snapshot_open_mode(struct rbac_snapshot_file *f, const char *path,
						 enum rbac_snapshot_kind kind, uid_t owner,
						 mode_t forbidden, time_t now, char *err,
						 size_t errlen)
{
	enum rbac_snapshot_error e;
	struct stat st;
	void *map;
	int fd;

	memset(f, 0, sizeof(*f));
	fd = rbac_file_open_trusted(path, owner, forbidden | RBAC_FILE_NO_WRITE_OTHERS, &st,
				    err, errlen);
	if (fd < 0)
		return RBAC_SNAPSHOT_E_FILE;
	rbac_file_id_set(&f->id, &st);
	if (st.st_size < RBAC_SNAPSHOT_HEADER_SIZE ||
	    (uintmax_t)st.st_size > RBAC_SNAPSHOT_MAX_SIZE) {
		close(fd);
		return open_failed(RBAC_SNAPSHOT_E_SIZE, path, err, errlen);
	}
	/* Shared, so that the superseded word the writer sets in this file
	 * shows; populated, so the parse does not fault page by page. */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return open_failed(errno == ENOMEM ? RBAC_SNAPSHOT_E_NOMEM
						   : RBAC_SNAPSHOT_E_FILE,
				   path, err, errlen);
	e = rbac_snapshot_parse(&f->snap, map, (size_t)st.st_size, kind, now);
	if (e != RBAC_SNAPSHOT_OK) {
		munmap(map, (size_t)st.st_size);
		return open_failed(e, path, err, errlen);
	}
	f->map = map;
	f->map_size = (size_t)st.st_size;
	f->watch_superseded = !rbac_snapshot_superseded(f);
	f->next_stat = coarse_now_ns() + STAT_INTERVAL_NS;
	return RBAC_SNAPSHOT_OK;
}

void rbac_snapshot_close(struct rbac_snapshot_file *f)
{
	if (f->map != NULL)
		munmap(f->map, f->map_size);
	memset(f, 0, sizeof(*f));
}
