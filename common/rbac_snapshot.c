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

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "rbac_file.h"
#include "rbac_model.h"
#include "rbac_snapshot.h"
#include "rbac_snapshot_format.h"

/* Where a version keeps the header fields that moved. */
struct layout {
	uint32_t version, header_size, covered;
	uint32_t generation, written_at, stale_after, namespace_ref, sections;
};

static const struct layout layout_v3 = {RBAC_SNAPSHOT_VERSION,
					RBAC_SNAPSHOT_HEADER_SIZE,
					H3_COVERED,
					H3_GENERATION,
					H3_WRITTEN_AT,
					H3_STALE_AFTER,
					H3_NAMESPACE,
					H3_SECTIONS};
static const struct layout layout_v2 = {RBAC_SNAPSHOT_V2_VERSION,
					RBAC_SNAPSHOT_V2_HEADER_SIZE,
					H2_COVERED,
					H2_GENERATION,
					H2_WRITTEN_AT,
					H2_STALE_AFTER,
					H2_NAMESPACE,
					H2_SECTIONS};

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
    [RBAC_SNAPSHOT_E_FUTURE] = "dated in the future (written more than 300 s after now: "
			       "was the clock set back?)",
};

const char *rbac_snapshot_strerror(enum rbac_snapshot_error e)
{
	if ((unsigned)e > RBAC_SNAPSHOT_E_FUTURE)
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

/* The layout of the version an image says it is; NULL for another. */
static const struct layout *layout_of(const unsigned char *p, size_t len)
{
	if (len < H_HEADER_SIZE)
		return NULL;
	if (get32(p + H_VERSION) == RBAC_SNAPSHOT_VERSION)
		return &layout_v3;
	if (get32(p + H_VERSION) == RBAC_SNAPSHOT_V2_VERSION)
		return &layout_v2;
	return NULL;
}

/* One link of a checksum chain: XXH3-64 of len bytes seeded with h. */
static uint64_t chain(uint64_t h, const void *p, size_t len)
{
	return XXH3_64bits_withSeed(p, len, h);
}

/* XXH3-64 of [covered, end), seeded with that of [0, 24). */
static uint64_t sum_from(const unsigned char *p, size_t covered, size_t end)
{
	return XXH3_64bits_withSeed(p + covered, end - covered, XXH3_64bits(p, H_CHECKSUM));
}

uint64_t rbac_snapshot_checksum(const void *data, size_t len)
{
	const struct layout *l = layout_of(data, len);

	if (l == NULL || len < l->covered)
		return XXH3_64bits(data, len);
	return sum_from(data, l->covered, len);
}

static void seal_records(unsigned char *p, size_t len);
static void seal_header(unsigned char *p, size_t len);

void rbac_snapshot_seal(void *data, size_t len)
{
	unsigned char *p = data;
	const struct layout *l = layout_of(p, len);
	uint64_t sum;

	if (l == NULL || len < l->header_size)
		return;
	if (l == &layout_v3) {
		seal_records(p, len);
		seal_header(p, len);
	}
	sum = rbac_snapshot_checksum(p, len);
	for (int i = 0; i < 8; i++)
		p[H_CHECKSUM + i] = (unsigned char)(sum >> (8 * i));
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

/* off/len lie inside the strings section (whose bounds the parse checked
 * and keeps in s: they are never read from the file again). Says nothing
 * about the bytes, which a file rewritten in place may change at any time:
 * users of a string go by its length, never by its NUL. */
static bool string_in_range(const struct rbac_snapshot *s, uint32_t off, uint32_t len)
{
	uint32_t size = s->sec[SEC_STRINGS].count;

	return off < size && len < size - off;
}

/* strcmp of the caller's C string a with the len bytes at b, without
 * reading b past len (b's NUL is not trusted to be there). */
static int name_cmp(const char *a, size_t alen, const char *b, uint32_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* off/len name a non-empty (unless allow_empty) string followed by its NUL
 * and holding no other. */
static bool string_ok(const struct rbac_snapshot *s, uint32_t off, uint32_t len,
		      bool allow_empty)
{
	const char *p;

	if (!string_in_range(s, off, len) || (len == 0 && !allow_empty))
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

/* The version this parse accepts (0: either) and the image's. */
static const struct layout *accepted_layout(const struct rbac_snapshot *s, uint32_t version)
{
	const struct layout *l = layout_of(s->data, s->size);

	if (l == NULL || (version != 0 && l->version != version))
		return NULL;
	return l;
}

static enum rbac_snapshot_error check_header(struct rbac_snapshot *s,
					     enum rbac_snapshot_kind kind,
					     const struct layout **lp, uint32_t version)
{
	const unsigned char *d = s->data;
	const char *magic = kind == RBAC_SNAPSHOT_GROUPS ? MAGIC_GROUPS : MAGIC_ACCOUNTS;
	const struct layout *l;

	if (s->size < RBAC_SNAPSHOT_V2_HEADER_SIZE)
		return RBAC_SNAPSHOT_E_SIZE;
	if (memcmp(d + H_MAGIC, magic, MAGIC_LEN) != 0)
		return RBAC_SNAPSHOT_E_MAGIC;
	l = *lp = accepted_layout(s, version);
	if (l == NULL)
		return RBAC_SNAPSHOT_E_VERSION;
	if (get32(d + H_HEADER_SIZE) != l->header_size)
		return RBAC_SNAPSHOT_E_LAYOUT;
	if (s->size < l->header_size)
		return RBAC_SNAPSHOT_E_SIZE;
	if (get64(d + H_FILE_SIZE) != s->size || s->size > RBAC_SNAPSHOT_MAX_SIZE)
		return RBAC_SNAPSHOT_E_SIZE;
	s->version = l->version;
	s->generation = get64(d + l->generation);
	s->written_at = gets64(d + l->written_at);
	s->stale_after = gets64(d + l->stale_after);
	if (s->stale_after <= 0)
		return RBAC_SNAPSHOT_E_CONTENT;
	return RBAC_SNAPSHOT_OK;
}

static bool section_ok(const struct rbac_snapshot *s, int i, uint32_t recsize, uint32_t hsize)
{
	uint32_t off = s->sec[i].offset, count = s->sec[i].count;

	if (recsize == 0)
		return off == 0 && count == 0;
	if (off < hsize || off > s->size)
		return false;
	return (uint64_t)count * recsize <= s->size - off;
}

static enum rbac_snapshot_error
check_sections(struct rbac_snapshot *s, enum rbac_snapshot_kind kind, const struct layout *l)
{
	for (int i = 0; i < RBAC_SNAPSHOT_SECTIONS; i++) {
		s->sec[i].offset = get32(s->data + l->sections + 8 * i);
		s->sec[i].count = get32(s->data + l->sections + 8 * i + 4);
		if (!section_ok(s, i, rbac_snapshot_rec_size(kind, l->version, i),
				l->header_size))
			return RBAC_SNAPSHOT_E_LAYOUT;
	}
	return RBAC_SNAPSHOT_OK;
}

/* The string the header refers to at field h: NULL when absent (0, 0 and
 * allowed), false when it is not a whole string of the strings section. */
static bool header_string(const struct rbac_snapshot *s, uint32_t h, bool optional,
			  const char **p, uint32_t *lenp)
{
	uint32_t off = get32(s->data + h), len = get32(s->data + h + 4);

	*p = NULL;
	*lenp = len;
	if (optional && off == 0 && len == 0)
		return true;
	if (!string_ok(s, off, len, false))
		return false;
	*p = str_at(s, off);
	return true;
}

/* The header's strings, in header order (version 3 has four). */
enum { HS_NAMESPACE, HS_APPLIED, HS_CONTEXT, HS_SERVER, HS_COUNT };

/* The header checksum: the header from byte 64 on (seeded with bytes
 * 0-23), then each string it names with its NUL: all a reader takes from
 * the header is covered, at a cost independent of the file's size. */
static uint64_t header_sum(const struct rbac_snapshot *s, const uint32_t *len)
{
	const char *v[HS_COUNT] = {s->namespace_name, s->applied_csn, s->context_csn,
				   s->server};
	uint64_t h = sum_from(s->data, H3_COVERED, RBAC_SNAPSHOT_HEADER_SIZE);

	for (int i = 0; i < HS_COUNT; i++) {
		if (v[i] != NULL)
			h = chain(h, v[i], (size_t)len[i] + 1);
	}
	return h;
}

/* The header's strings into s, their lengths into len. */
static enum rbac_snapshot_error header_strings(struct rbac_snapshot *s, const struct layout *l,
					       uint32_t *len)
{
	if (!header_string(s, l->namespace_ref, false, &s->namespace_name, &len[HS_NAMESPACE]))
		return RBAC_SNAPSHOT_E_LAYOUT;
	if (l != &layout_v3)
		return RBAC_SNAPSHOT_OK;
	s->source = get32(s->data + H3_SOURCE);
	s->probe_interval = get32(s->data + H3_PROBE_INTERVAL);
	if (!header_string(s, H3_APPLIED_CSN, true, &s->applied_csn, &len[HS_APPLIED]) ||
	    !header_string(s, H3_CONTEXT_CSN, true, &s->context_csn, &len[HS_CONTEXT]) ||
	    !header_string(s, H3_SERVER, true, &s->server, &len[HS_SERVER]))
		return RBAC_SNAPSHOT_E_LAYOUT;
	return RBAC_SNAPSHOT_OK;
}

static enum rbac_snapshot_error check_namespace(struct rbac_snapshot *s, const struct layout *l)
{
	uint32_t len[HS_COUNT] = {0};
	enum rbac_snapshot_error e = header_strings(s, l, len);

	if (e != RBAC_SNAPSHOT_OK || l != &layout_v3)
		return e;
	if (get64(s->data + H3_HEADER_SUM) != header_sum(s, len))
		return RBAC_SNAPSHOT_E_CHECKSUM;
	return RBAC_SNAPSHOT_OK;
}

bool rbac_snapshot_proof(const struct rbac_snapshot *s, int64_t *synced_at)
{
	const uint64_t *w;
	uint64_t a, b;

	*synced_at = INT64_MIN;
	if (s->data == NULL || s->version != RBAC_SNAPSHOT_VERSION)
		return false;
	/* The agent rewrites the block in place while readers map the file:
	 * each word is loaded once, whole (the mapping is page-aligned, the
	 * block 16-aligned), and a pair that disagrees is a torn read. A
	 * buffer that is not a mapping (a fuzzer's) may be unaligned: read
	 * it bytewise then. */
	if (((uintptr_t)(s->data + H3_PROOF) & 7) == 0) {
		w = (const uint64_t *)(const void *)(s->data + H3_PROOF);
		a = le64toh(__atomic_load_n(&w[0], __ATOMIC_RELAXED));
		b = le64toh(__atomic_load_n(&w[1], __ATOMIC_RELAXED));
	} else {
		a = get64(s->data + H3_PROOF);
		b = get64(s->data + H3_PROOF + 8);
	}
	if (a != ~b || (int64_t)a == INT64_MIN)
		return false;
	memcpy(synced_at, &a, sizeof(a));
	return true;
}

/* ------------------------------------------------------------- groups.db */

/* A string of the strings section, checked where it is used: in range, and
 * its NUL where the length says. Users of it still go by the length: the
 * bytes may change after this check in a file rewritten in place. */
static bool string_at(const struct rbac_snapshot *s, uint32_t off, uint32_t len, const char **p)
{
	if (!string_in_range(s, off, len) || str_at(s, off)[len] != '\0')
		return false;
	*p = str_at(s, off);
	return true;
}

/* Entry i of a section of u32 numbers when i is in range and the number
 * below limit, else UINT32_MAX (which no record number reaches). */
static uint32_t u32_checked(const struct rbac_snapshot *s, int sec, uint32_t i, uint32_t limit)
{
	uint32_t v;

	if (i >= s->sec[sec].count)
		return UINT32_MAX;
	v = u32_at(s, sec, i);
	return v < limit ? v : UINT32_MAX;
}

/* Record i of section sec when s is of this kind (the section numbers
 * mean other sections in the other kind) and i is in range, else NULL:
 * the first check of each record a lookup reads. */
static inline const unsigned char *record(const struct rbac_snapshot *s,
					  enum rbac_snapshot_kind kind, int sec, uint32_t size,
					  uint32_t i)
{
	if (s->kind != kind || i >= s->sec[sec].count)
		return NULL;
	return rec(s, sec, size, i);
}

/* The string record r starts with (offset, length), checked as string_at
 * does: groups and users are named so. */
static inline bool leading_string(const struct rbac_snapshot *s, const unsigned char *r,
				  const char **p, uint32_t *len)
{
	*len = get32(r + 4);
	return string_at(s, get32(r), *len, p);
}

/* ------------------------------------------------------ record checksums
 *
 * Version 3 keeps a checksum per group, user and account record (sections
 * SEC_GROUP_SUMS, SEC_USER_SUMS, SEC_ACCOUNT_SUMS, entry i for record i):
 * the low 32 bits of a chain of seeded XXH3-64 over the record's bytes
 * (seeded with its number, so records cannot trade places) and each slice
 * it owns, in order. A lookup checks the records it uses, so opening a
 * file costs nothing in its size; the whole-file checksum is
 * rbac_snapshot_verify_full()'s. Version 2 has none: its parse checks the
 * whole file. */

/* Where the cache of checked records keeps record i of a section. */
static size_t seen_slot(const struct rbac_snapshot *s, int sec, uint32_t i)
{
	return sec == SEC_GROUPS ? i : (size_t)s->sec[SEC_GROUPS].count + i;
}

/* The stored checksum of record i matches sum (version 3), or the file
 * has none (version 2, checked whole). Caches the match: a mapped file
 * does not change without rbac_snapshot_changed() noticing, and a large
 * group's checksum costs as much as copying its members. */
static bool sum_matches(const struct rbac_snapshot *s, int sums, int sec, uint32_t i,
			uint32_t sum)
{
	if (s->version != RBAC_SNAPSHOT_VERSION)
		return true;
	if (i >= s->sec[sums].count || u32_at(s, sums, i) != sum)
		return false;
	/* (SEC_ACCOUNTS is SEC_GROUPS' number: the kind tells them apart) */
	if (s->seen != NULL && s->kind == RBAC_SNAPSHOT_GROUPS)
		__atomic_store_n(&s->seen[seen_slot(s, sec, i)], 1, __ATOMIC_RELAXED);
	return true;
}

/* Record i passed its checksum before (see sum_matches). */
static bool seen_before(const struct rbac_snapshot *s, int sec, uint32_t i)
{
	return s->seen != NULL && s->kind == RBAC_SNAPSHOT_GROUPS &&
	       __atomic_load_n(&s->seen[seen_slot(s, sec, i)], __ATOMIC_RELAXED) != 0;
}

/* Group r (number g->index), over the slices its checked fields name. */
static uint32_t group_sum(const struct rbac_snapshot *s, const unsigned char *r,
			  const struct rbac_snapshot_group *g)
{
	uint64_t h = chain(g->index, r, GROUP_REC);

	h = chain(h, g->name, (size_t)g->name_len + 1);
	h = chain(h, rec(s, SEC_MEMBERS, 4, g->first_member), (size_t)g->n_members * 4);
	if (s->version == RBAC_SNAPSHOT_VERSION) /* no sums in version 2 */
		h = chain(h, rec(s, SEC_MEMBER_WINDOWS, WINDOW_REC, g->first_member),
			  (size_t)g->n_members * WINDOW_REC);
	h = chain(h, g->packed, g->packed_size);
	return (uint32_t)chain(h, rec(s, SEC_PACKED_OFFS, 4, g->first_packed),
			       (size_t)g->n_packed * 4);
}

static uint32_t user_sum(const struct rbac_snapshot *s, const unsigned char *r,
			 const struct rbac_snapshot_user *u)
{
	uint64_t h = chain(u->index, r, USER_REC);

	h = chain(h, u->name, (size_t)u->name_len + 1);
	return (uint32_t)chain(h, rec(s, SEC_USER_GROUPS, 4, u->first_group),
			       (size_t)u->n_groups * 4);
}

/* The references first .. first + n and their strings; false when one
 * is out of range. */
static bool chain_refs(const struct rbac_snapshot *s, uint32_t first, uint32_t n, uint64_t *h)
{
	*h = chain(*h, rec(s, SEC_REFS, REF_REC, first), (size_t)n * REF_REC);
	for (uint32_t j = 0; j < n; j++) {
		const unsigned char *r = rec(s, SEC_REFS, REF_REC, first + j);
		uint32_t off = get32(r), len = get32(r + 4);

		if (!string_in_range(s, off, len))
			return false;
		*h = chain(*h, str_at(s, off), (size_t)len + 1);
	}
	return true;
}

static bool account_sum(const struct rbac_snapshot *s, const unsigned char *r, uint32_t i,
			const struct rbac_snapshot_account *a, uint32_t reason_len,
			uint32_t *sum)
{
	uint64_t h = chain(i, r, ACCOUNT_REC);

	h = chain(h, a->uid, (size_t)a->uid_len + 1);
	if (a->reason != NULL)
		h = chain(h, a->reason, (size_t)reason_len + 1);
	if (!chain_refs(s, a->first_role, a->n_roles, &h) ||
	    !chain_refs(s, a->first_perm, a->n_perms, &h))
		return false;
	if (s->version == RBAC_SNAPSHOT_VERSION) { /* no sums in version 2 */
		h = chain(h, rec(s, SEC_REF_WINDOWS, WINDOW_REC, a->first_role),
			  (size_t)a->n_roles * WINDOW_REC);
		h = chain(h, rec(s, SEC_REF_WINDOWS, WINDOW_REC, a->first_perm),
			  (size_t)a->n_perms * WINDOW_REC);
	}
	*sum = (uint32_t)h;
	return true;
}

/* What a caller gets in place of a record that fails its check. */
static void group_clear(struct rbac_snapshot_group *g, uint32_t i)
{
	memset(g, 0, sizeof(*g));
	g->index = i;
	g->name = "";
	g->packed = "";
}

/* Group record i, each field read once into g and checked against the
 * sections (whose bounds s keeps) before anything follows it, then its
 * checksum over what those fields name. The parse checks none of it (it
 * costs nothing in the file's size), and a file rewritten in place
 * changes under the processes that map it, so this check is the one a
 * lookup relies on. A record that passes writes every field of g, so g is
 * cleared only for one that fails (an enumeration reads every group, a
 * search a dozen). */
static const unsigned char *group_fields(const struct rbac_snapshot *s, uint32_t i,
					 struct rbac_snapshot_group *g)
{
	const unsigned char *r;
	uint32_t packed_off;

	r = record(s, RBAC_SNAPSHOT_GROUPS, SEC_GROUPS, GROUP_REC, i);
	if (r == NULL || !leading_string(s, r, &g->name, &g->name_len))
		return NULL;
	g->index = i;
	g->gid = get32(r + 8);
	g->first_member = get32(r + 12);
	g->n_members = get32(r + 16);
	g->flags = get32(r + 20);
	packed_off = get32(r + 24);
	g->packed_size = get32(r + 28);
	g->first_packed = get32(r + 32);
	g->n_packed = get32(r + 36);
	g->since = gets64(r + 40);
	g->until = gets64(r + 48);
	if (!range_ok(g->first_member, g->n_members, s->sec[SEC_MEMBERS].count) ||
	    (s->version == RBAC_SNAPSHOT_VERSION &&
	     !range_ok(g->first_member, g->n_members, s->sec[SEC_MEMBER_WINDOWS].count)) ||
	    !range_ok(packed_off, g->packed_size, s->sec[SEC_PACKED].count) ||
	    !range_ok(g->first_packed, g->n_packed, s->sec[SEC_PACKED_OFFS].count))
		return NULL;
	g->packed = (const char *)rec(s, SEC_PACKED, 1, packed_off);
	return r;
}

static bool read_group(const struct rbac_snapshot *s, uint32_t i, struct rbac_snapshot_group *g)
{
	const unsigned char *r = group_fields(s, i, g);

	if (r != NULL && (seen_before(s, SEC_GROUPS, i) ||
			  sum_matches(s, SEC_GROUP_SUMS, SEC_GROUPS, i, group_sum(s, r, g))))
		return true;
	group_clear(g, i);
	return false;
}

static void user_clear(struct rbac_snapshot_user *u, uint32_t i)
{
	memset(u, 0, sizeof(*u));
	u->index = i;
	u->name = "";
	u->valid_from = INT64_MAX; /* current at no time */
	u->valid_until = INT64_MIN;
}

/* User record i, read and checked as read_group does (and, like it,
 * cleared only when it fails: a walk of a large group reads thousands). */
static const unsigned char *user_fields(const struct rbac_snapshot *s, uint32_t i,
					struct rbac_snapshot_user *u)
{
	const unsigned char *r;

	r = record(s, RBAC_SNAPSHOT_GROUPS, SEC_USERS, USER_REC, i);
	if (r == NULL || !leading_string(s, r, &u->name, &u->name_len))
		return NULL;
	u->index = i;
	u->valid_from = gets64(r + 8);
	u->valid_until = gets64(r + 16);
	u->first_group = get32(r + 24);
	u->n_groups = get32(r + 28);
	if (!range_ok(u->first_group, u->n_groups, s->sec[SEC_USER_GROUPS].count))
		return NULL;
	return r;
}

static bool read_user(const struct rbac_snapshot *s, uint32_t i, struct rbac_snapshot_user *u)
{
	const unsigned char *r = user_fields(s, i, u);

	if (r != NULL && (seen_before(s, SEC_USERS, i) ||
			  sum_matches(s, SEC_USER_SUMS, SEC_USERS, i, user_sum(s, r, u))))
		return true;
	user_clear(u, i);
	return false;
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

/* The name of record i of a section whose records start with a string
 * offset and length (groups, users), checked in range: the sort checks
 * need nothing else, and a full read_group is several times dearer. */
static bool record_name(const struct rbac_snapshot *s, int sec, uint32_t recsize, uint32_t i,
			const char **p, uint32_t *len)
{
	const unsigned char *r;
	uint32_t off;

	if (i >= s->sec[sec].count)
		return false;
	r = rec(s, sec, recsize, i);
	off = get32(r);
	*len = get32(r + 4);
	if (!string_in_range(s, off, *len))
		return false;
	*p = str_at(s, off);
	return true;
}

/* Both indexes hold every group once, in strictly increasing key order
 * (strictly increasing keys of distinct records make a permutation). Each
 * index entry is read once, and checked where it is followed. */
static bool group_indexes_ok(const struct rbac_snapshot *s)
{
	uint32_t n = s->sec[SEC_GROUPS].count, prev_gid = 0, len, prev_len = 0;
	const char *name, *prev_name = NULL;

	if (s->sec[SEC_NAME_IDX].count != n || s->sec[SEC_GID_IDX].count != n)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t by_name = u32_checked(s, SEC_NAME_IDX, i, n);
		uint32_t by_gid = u32_checked(s, SEC_GID_IDX, i, n), gid;

		if (by_name == UINT32_MAX || by_gid == UINT32_MAX ||
		    !record_name(s, SEC_GROUPS, GROUP_REC, by_name, &name, &len))
			return false;
		gid = get32(rec(s, SEC_GROUPS, GROUP_REC, by_gid) + 8);
		if (i > 0 && (name_cmp(prev_name, prev_len, name, len) >= 0 || prev_gid >= gid))
			return false;
		prev_name = name;
		prev_len = len;
		prev_gid = gid;
	}
	return true;
}

/* Users sorted by name; adds up their group counts. */
static bool users_sorted(const struct rbac_snapshot *s, uint64_t *pairs)
{
	const char *name, *prev = NULL;
	uint32_t len, prev_len = 0;

	*pairs = 0;
	for (uint32_t i = 0; i < s->sec[SEC_USERS].count; i++) {
		if (!record_name(s, SEC_USERS, USER_REC, i, &name, &len) ||
		    (i > 0 && name_cmp(prev, prev_len, name, len) >= 0))
			return false;
		*pairs += get32(rec(s, SEC_USERS, USER_REC, i) + 28);
		prev = name;
		prev_len = len;
	}
	return true;
}

/* The member u of group g is in the packed names, next at *at as the
 * *k-th: u's name and its NUL. Moves past it. */
static bool packed_next(const struct rbac_snapshot *s, const struct rbac_snapshot_group *g,
			const struct rbac_snapshot_user *u, uint32_t *k, uint32_t *at)
{
	uint32_t len = u->name_len;

	if (*k >= g->n_packed || rbac_snapshot_packed_offset(s, g, *k) != *at ||
	    *at > g->packed_size || len >= g->packed_size - *at ||
	    memcmp(g->packed + *at, u->name, len) != 0 || g->packed[*at + len] != '\0')
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

	if (!read_group(s, i, &g))
		return false;
	for (uint32_t j = 0; j < g.n_members; j++) {
		struct rbac_snapshot_user u;

		int64_t from, until;

		if (!rbac_snapshot_member_at(s, &g, j, &u) ||
		    !slice_has(s, SEC_USER_GROUPS, u.first_group, u.n_groups, i))
			return false;
		rbac_snapshot_membership_window(s, &g, j, &from, &until);
		from = from > u.valid_from ? from : u.valid_from;
		until = until < u.valid_until ? until : u.valid_until;
		if (from <= g.since && g.until - 1 <= until) {
			if (!packed_next(s, &g, &u, &k, &at))
				return false;
		} else if (!(until < g.since || from > g.until - 1)) {
			return false;
		}
	}
	return k == g.n_packed && at == g.packed_size;
}

/* Every group's packed names can be handed out as C strings: offsets
 * strictly increasing from 0 inside the block, each name ending with the
 * NUL just before the next one starts, the block ending with a NUL. */
static bool packed_names_safe(const struct rbac_snapshot *s)
{
	struct rbac_snapshot_group g;

	for (uint32_t i = 0; i < s->sec[SEC_GROUPS].count; i++) {
		uint32_t prev = 0;

		if (group_fields(s, i, &g) == NULL)
			return false;
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
/* Says what is wrong (rbac_snapshot_verify_full); returns e. */
static enum rbac_snapshot_error say(enum rbac_snapshot_error e, char *what, size_t whatlen,
				    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum rbac_snapshot_error say(enum rbac_snapshot_error e, char *what, size_t whatlen,
				    const char *fmt, ...)
{
	va_list ap;

	if (whatlen > 0) {
		va_start(ap, fmt);
		vsnprintf(what, whatlen, fmt, ap);
		va_end(ap);
	}
	return e;
}

/* Where record i of section sec starts in the file. */
static size_t at_of(const struct rbac_snapshot *s, int sec, uint32_t size, uint32_t i)
{
	return s->sec[sec].offset + (size_t)i * size;
}

/* Every record in range, every slice in range and sorted, both indexes
 * and the users sorted, every string and packed name terminated. Linear
 * in the file. */
static enum rbac_snapshot_error check_groups(const struct rbac_snapshot *s, char *what,
					     size_t whatlen)
{
	uint64_t pairs;

	for (uint32_t i = 0; i < s->sec[SEC_GROUPS].count; i++) {
		if (!group_record_ok(s, i))
			return say(
			    RBAC_SNAPSHOT_E_LAYOUT, what, whatlen,
			    "group %u (offset %zu): a field out of range, or its members "
			    "unsorted",
			    i, at_of(s, SEC_GROUPS, GROUP_REC, i));
	}
	for (uint32_t i = 0; i < s->sec[SEC_USERS].count; i++) {
		if (!user_record_ok(s, i))
			return say(RBAC_SNAPSHOT_E_LAYOUT, what, whatlen,
				   "user %u (offset %zu): a field out of range, or its groups "
				   "unsorted",
				   i, at_of(s, SEC_USERS, USER_REC, i));
	}
	if (!group_indexes_ok(s))
		return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen,
			   "the name or gid index is not every group once in key order");
	if (!users_sorted(s, &pairs))
		return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen, "users not sorted by name");
	if (!packed_names_safe(s))
		return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen,
			   "a group's packed names are not NUL-separated in its block");
	return RBAC_SNAPSHOT_OK;
}

/* Each record's own checksum (version 3), checked afresh. */
static enum rbac_snapshot_error check_record_sums(const struct rbac_snapshot *s, char *what,
						  size_t whatlen)
{
	struct rbac_snapshot t = *s;
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;
	struct rbac_snapshot_account a;

	t.seen = NULL;
	if (s->version != RBAC_SNAPSHOT_VERSION)
		return RBAC_SNAPSHOT_OK;
	for (uint32_t i = 0; i < rbac_snapshot_group_count(&t); i++) {
		if (!read_group(&t, i, &g))
			return say(RBAC_SNAPSHOT_E_CHECKSUM, what, whatlen,
				   "group %u (offset %zu): record checksum mismatch", i,
				   at_of(s, SEC_GROUPS, GROUP_REC, i));
	}
	for (uint32_t i = 0; s->kind == RBAC_SNAPSHOT_GROUPS && i < s->sec[SEC_USERS].count;
	     i++) {
		if (!read_user(&t, i, &u))
			return say(RBAC_SNAPSHOT_E_CHECKSUM, what, whatlen,
				   "user %u (offset %zu): record checksum mismatch", i,
				   at_of(s, SEC_USERS, USER_REC, i));
	}
	for (uint32_t i = 0; i < rbac_snapshot_account_count(&t); i++) {
		if (!rbac_snapshot_account_at(&t, i, &a))
			return say(RBAC_SNAPSHOT_E_CHECKSUM, what, whatlen,
				   "account %u (offset %zu): record checksum mismatch", i,
				   at_of(s, SEC_ACCOUNTS, ACCOUNT_REC, i));
	}
	return RBAC_SNAPSHOT_OK;
}

/* Each group's members and each user's groups agree both ways, and the
 * packed names are the members valid all through the group's interval. */
static enum rbac_snapshot_error check_memberships(const struct rbac_snapshot *s, char *what,
						  size_t whatlen)
{
	uint64_t user_pairs, group_pairs = 0;

	if (!users_sorted(s, &user_pairs))
		return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen, "users not sorted by name");
	for (uint32_t i = 0; i < s->sec[SEC_GROUPS].count; i++) {
		if (!group_members_ok(s, i))
			return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen,
				   "group %u (offset %zu): its members disagree with their "
				   "groups or with its packed names",
				   i, at_of(s, SEC_GROUPS, GROUP_REC, i));
		group_pairs += get32(rec(s, SEC_GROUPS, GROUP_REC, i) + 16);
	}
	if (group_pairs != user_pairs)
		return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen,
			   "%llu memberships listed by groups, %llu by users",
			   (unsigned long long)group_pairs, (unsigned long long)user_pairs);
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

static enum rbac_snapshot_error check_accounts(const struct rbac_snapshot *s, char *what,
					       size_t whatlen)
{
	for (uint32_t i = 0; i < s->sec[SEC_ACCOUNTS].count; i++) {
		if (!account_record_ok(s, i))
			return say(RBAC_SNAPSHOT_E_LAYOUT, what, whatlen,
				   "account %u (offset %zu): a field out of range", i,
				   at_of(s, SEC_ACCOUNTS, ACCOUNT_REC, i));
	}
	for (uint32_t i = 1; i < s->sec[SEC_ACCOUNTS].count; i++) {
		const char *a, *b;
		uint32_t alen, blen;

		if (!record_name(s, SEC_ACCOUNTS, ACCOUNT_REC, i - 1, &a, &alen) ||
		    !record_name(s, SEC_ACCOUNTS, ACCOUNT_REC, i, &b, &blen) ||
		    name_cmp(a, alen, b, blen) >= 0)
			return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen,
				   "account %u (offset %zu): uids not sorted or not unique", i,
				   at_of(s, SEC_ACCOUNTS, ACCOUNT_REC, i));
	}
	return RBAC_SNAPSHOT_OK;
}

/* The version 3 sum sections hold one entry per record: O(1). */
static enum rbac_snapshot_error check_sum_counts(const struct rbac_snapshot *s)
{
	bool ok;

	if (s->version != RBAC_SNAPSHOT_VERSION)
		return RBAC_SNAPSHOT_OK;
	if (s->kind == RBAC_SNAPSHOT_GROUPS)
		ok = s->sec[SEC_GROUP_SUMS].count == s->sec[SEC_GROUPS].count &&
		     s->sec[SEC_USER_SUMS].count == s->sec[SEC_USERS].count &&
		     s->sec[SEC_MEMBER_WINDOWS].count == s->sec[SEC_MEMBERS].count;
	else
		ok = s->sec[SEC_ACCOUNT_SUMS].count == s->sec[SEC_ACCOUNTS].count &&
		     s->sec[SEC_REF_WINDOWS].count == s->sec[SEC_REFS].count;
	return ok ? RBAC_SNAPSHOT_OK : RBAC_SNAPSHOT_E_LAYOUT;
}

static bool file_sum_ok(const struct rbac_snapshot *s)
{
	return get64(s->data + H_CHECKSUM) == rbac_snapshot_checksum(s->data, s->size);
}

/* The linear checks of every version: layout, orders, record checksums. */
static enum rbac_snapshot_error check_records(const struct rbac_snapshot *s, char *what,
					      size_t whatlen)
{
	enum rbac_snapshot_error e;

	e = s->kind == RBAC_SNAPSHOT_GROUPS ? check_groups(s, what, whatlen)
					    : check_accounts(s, what, whatlen);
	if (e == RBAC_SNAPSHOT_OK)
		e = check_record_sums(s, what, whatlen);
	return e;
}

enum rbac_snapshot_error rbac_snapshot_verify_full(const struct rbac_snapshot *s, char *what,
						   size_t whatlen)
{
	enum rbac_snapshot_error e;

	if (whatlen > 0)
		what[0] = '\0';
	if (s->data == NULL)
		return say(RBAC_SNAPSHOT_E_CONTENT, what, whatlen, "not parsed");
	/* The records first, so that damage inside one is named; the
	 * whole-file checksum last, for what no record covers (the indexes,
	 * the padding). */
	e = check_records(s, what, whatlen);
	if (e == RBAC_SNAPSHOT_OK && s->kind == RBAC_SNAPSHOT_GROUPS)
		e = check_memberships(s, what, whatlen);
	if (e == RBAC_SNAPSHOT_OK && !file_sum_ok(s))
		e = say(RBAC_SNAPSHOT_E_CHECKSUM, what, whatlen,
			"the file checksum (bytes 24-31) does not match the content");
	return e;
}

enum rbac_snapshot_error rbac_snapshot_verify(const struct rbac_snapshot *s)
{
	return rbac_snapshot_verify_full(s, NULL, 0);
}

/* ----------------------------------------------------------------- parse */

/* Written more than RBAC_SNAPSHOT_MAX_SKEW after now. */
static bool from_the_future(const struct rbac_snapshot *s, time_t now)
{
	if ((int64_t)now > INT64_MAX - RBAC_SNAPSHOT_MAX_SKEW)
		return false;
	return s->written_at > (int64_t)now + RBAC_SNAPSHOT_MAX_SKEW;
}

bool rbac_snapshot_fresh(const struct rbac_snapshot *s, time_t now)
{
	/* A date ahead of the clock would count the stale-after time from a
	 * moment that has not come yet (a clock set back after the write):
	 * beyond the skew, the file is not used at all. */
	if (from_the_future(s, now))
		return false;
	/* Both are checked > 0 / from the file; compare without overflow. */
	if (s->written_at > INT64_MAX - s->stale_after)
		return true;
	return (int64_t)now <= s->written_at + s->stale_after;
}

enum rbac_snapshot_error rbac_snapshot_parse(struct rbac_snapshot *s, const void *data,
					     size_t len, enum rbac_snapshot_kind kind,
					     time_t now)
{
	return rbac_snapshot_parse_version(s, data, len, kind, RBAC_SNAPSHOT_VERSION, now);
}

enum rbac_snapshot_error rbac_snapshot_parse_version(struct rbac_snapshot *s, const void *data,
						     size_t len, enum rbac_snapshot_kind kind,
						     uint32_t version, time_t now)
{
	const struct layout *l = NULL;
	enum rbac_snapshot_error e;

	memset(s, 0, sizeof(*s));
	s->data = data;
	s->size = len;
	s->kind = kind;
	e = check_header(s, kind, &l, version);
	if (e == RBAC_SNAPSHOT_OK)
		e = check_sections(s, kind, l);
	if (e == RBAC_SNAPSHOT_OK)
		e = check_namespace(s, l);
	if (e == RBAC_SNAPSHOT_OK)
		e = check_sum_counts(s);
	/* Version 3 stops here: O(1) in the file's size, each record checked
	 * when it is used. Version 2 has no record checksums: the file is
	 * checked whole, as its readers did. */
	if (e == RBAC_SNAPSHOT_OK && s->version != RBAC_SNAPSHOT_VERSION)
		e = file_sum_ok(s) ? check_records(s, NULL, 0) : RBAC_SNAPSHOT_E_CHECKSUM;
	if (e == RBAC_SNAPSHOT_OK && now != RBAC_SNAPSHOT_ANY_TIME &&
	    !rbac_snapshot_fresh(s, now))
		e = from_the_future(s, now) ? RBAC_SNAPSHOT_E_FUTURE : RBAC_SNAPSHOT_E_STALE;
	if (e != RBAC_SNAPSHOT_OK)
		memset(s, 0, sizeof(*s));
	return e;
}

/* --------------------------------------------------------- group lookups */

uint32_t rbac_snapshot_group_count(const struct rbac_snapshot *s)
{
	return s->kind == RBAC_SNAPSHOT_GROUPS ? s->sec[SEC_GROUPS].count : 0;
}

bool rbac_snapshot_group_at(const struct rbac_snapshot *s, uint32_t i,
			    struct rbac_snapshot_group *g)
{
	return read_group(s, i, g);
}

/*
 * The binary searches probe only the key of each record they pass (a
 * name: its offset and length checked in range; a gid: the record
 * number checked), not the whole record: read_group and read_user, with
 * all their checks, run once, on the record found, whose key is then
 * compared again as read by them (the file may have changed in between).
 * A search stops at the first probe that fails its check: the order of a
 * file that changed under it means nothing any more.
 */

/* Record number of name among the n records of section sec, sorted by
 * name through the index section idx (or in place when idx is -1);
 * UINT32_MAX when it is not there. */
static uint32_t find_name(const struct rbac_snapshot *s, int sec, uint32_t recsize, int idx,
			  uint32_t n, const char *name, size_t len)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, i, plen;
		const char *p;
		int c;

		i = idx < 0 ? mid : u32_checked(s, idx, mid, n);
		if (!record_name(s, sec, recsize, i, &p, &plen))
			return UINT32_MAX;
		c = name_cmp(name, len, p, plen);
		if (c == 0)
			return i;
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return UINT32_MAX;
}

bool rbac_snapshot_group_by_name(const struct rbac_snapshot *s, const char *name,
				 struct rbac_snapshot_group *g)
{
	size_t len = strlen(name);
	uint32_t i = find_name(s, SEC_GROUPS, GROUP_REC, SEC_NAME_IDX,
			       rbac_snapshot_group_count(s), name, len);

	if (read_group(s, i, g) && name_cmp(name, len, g->name, g->name_len) == 0)
		return true;
	group_clear(g, 0);
	return false;
}

/* Record number of the group of gid, as find_name. */
static uint32_t find_gid(const struct rbac_snapshot *s, uint32_t gid)
{
	uint32_t n = rbac_snapshot_group_count(s), lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, i = u32_checked(s, SEC_GID_IDX, mid, n), v;

		if (i == UINT32_MAX)
			return UINT32_MAX;
		v = get32(rec(s, SEC_GROUPS, GROUP_REC, i) + 8);
		if (v == gid)
			return i;
		if (v < gid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return UINT32_MAX;
}

bool rbac_snapshot_group_by_gid(const struct rbac_snapshot *s, uint32_t gid,
				struct rbac_snapshot_group *g)
{
	if (read_group(s, find_gid(s, gid), g) && g->gid == gid)
		return true;
	group_clear(g, 0);
	return false;
}

bool rbac_snapshot_member_at(const struct rbac_snapshot *s, const struct rbac_snapshot_group *g,
			     uint32_t j, struct rbac_snapshot_user *u)
{
	if (j >= g->n_members) {
		user_clear(u, 0);
		return false;
	}
	return read_user(
	    s, u32_checked(s, SEC_MEMBERS, g->first_member + j, s->sec[SEC_USERS].count), u);
}

void rbac_snapshot_membership_window(const struct rbac_snapshot *s,
				     const struct rbac_snapshot_group *g, uint32_t j,
				     int64_t *from, int64_t *until)
{
	const unsigned char *r;

	*from = INT64_MIN;
	*until = INT64_MAX;
	/* g passed group_fields: its member range is inside the windows */
	if (s->version != RBAC_SNAPSHOT_VERSION || j >= g->n_members)
		return;
	r = rec(s, SEC_MEMBER_WINDOWS, WINDOW_REC, g->first_member + j);
	*from = gets64(r);
	*until = gets64(r + 8);
}

bool rbac_snapshot_membership_current(const struct rbac_snapshot *s,
				      const struct rbac_snapshot_group *g, uint32_t j,
				      time_t now)
{
	int64_t from, until;

	rbac_snapshot_membership_window(s, g, j, &from, &until);
	return from <= (int64_t)now && (int64_t)now <= until;
}

int rbac_snapshot_member_current(const struct rbac_snapshot *s,
				 const struct rbac_snapshot_group *g, uint32_t j, time_t now)
{
	struct rbac_snapshot_user u;

	if (s->kind != RBAC_SNAPSHOT_GROUPS || j >= g->n_members ||
	    !rbac_snapshot_member_at(s, g, j, &u))
		return -1;
	return rbac_snapshot_user_current(&u, now) &&
	       rbac_snapshot_membership_current(s, g, j, now);
}

/* Binary search of u's number in g's members (ascending, checked by
 * rbac_snapshot_verify_full; out of order, it misses and says no). */
int rbac_snapshot_user_in_group_current(const struct rbac_snapshot *s,
					const struct rbac_snapshot_user *u,
					const struct rbac_snapshot_group *g, time_t now)
{
	uint32_t lo = 0, hi = g->n_members;

	if (s->kind != RBAC_SNAPSHOT_GROUPS)
		return -1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		uint32_t v = u32_checked(s, SEC_MEMBERS, g->first_member + mid, UINT32_MAX);

		if (v == u->index)
			return rbac_snapshot_membership_current(s, g, mid, now);
		if (v < u->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

bool rbac_snapshot_user_by_name(const struct rbac_snapshot *s, const char *name,
				struct rbac_snapshot_user *u)
{
	uint32_t n = s->kind == RBAC_SNAPSHOT_GROUPS ? s->sec[SEC_USERS].count : 0;
	size_t len = strlen(name);
	uint32_t i = find_name(s, SEC_USERS, USER_REC, -1, n, name, len);

	if (read_user(s, i, u) && name_cmp(name, len, u->name, u->name_len) == 0)
		return true;
	user_clear(u, 0);
	return false;
}

bool rbac_snapshot_user_group_at(const struct rbac_snapshot *s,
				 const struct rbac_snapshot_user *u, uint32_t j,
				 struct rbac_snapshot_group *g)
{
	if (j >= u->n_groups) {
		group_clear(g, 0);
		return false;
	}
	return read_group(
	    s,
	    u32_checked(s, SEC_USER_GROUPS, u->first_group + j, rbac_snapshot_group_count(s)),
	    g);
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
	if (k >= g->n_packed)
		return UINT32_MAX;
	return u32_checked(s, SEC_PACKED_OFFS, g->first_packed + k, g->packed_size);
}

/* The block's last byte is written here, not copied: every name handed
 * out ends inside dst whatever the file holds by now. The slice of
 * offsets is checked in range once; then a loop without a call or a
 * branch (a large group hands out thousands) reads each offset once and
 * keeps the largest, checked at the end: one outside the block refuses
 * the whole copy, and mem[0] NULL hands out none of the pointers. They
 * are summed as integers, as dst plus an offset past the block would be
 * undefined arithmetic on a pointer. */
bool rbac_snapshot_group_unpack(const struct rbac_snapshot *s,
				const struct rbac_snapshot_group *g, char *dst, char **mem)
{
	const uint32_t size = g->packed_size, n = g->n_packed;
	const unsigned char *offs;
	uint32_t top = 0;

	mem[0] = NULL;
	if (size == 0)
		return n == 0;
	if (!range_ok(g->first_packed, n, s->sec[SEC_PACKED_OFFS].count))
		return false;
	offs = rec(s, SEC_PACKED_OFFS, 4, g->first_packed);
	memcpy(dst, g->packed, size);
	dst[size - 1] = '\0';
	for (uint32_t k = 0; k < n; k++) {
		uint32_t off = get32(offs + 4 * (size_t)k);

		top = off > top ? off : top;
		mem[k] = (char *)((uintptr_t)dst + off);
	}
	mem[top >= size ? 0 : n] = NULL;
	return top < size;
}

/* ------------------------------------------------------- account lookups */

static void account_clear(struct rbac_snapshot_account *a)
{
	memset(a, 0, sizeof(*a));
	a->uid = "";
	a->status = RBAC_STATUS_INVALID;
}

/* Account record i, read and checked as read_group does. */
/* Account record i's fields, checked as group_fields does, and the
 * checksum of what they name in *sum; false when a field fails. */
static bool account_fields(const struct rbac_snapshot *s, uint32_t i,
			   struct rbac_snapshot_account *a, uint32_t *sum)
{
	const unsigned char *r;
	uint32_t uid_off, reason_off, reason_len;

	account_clear(a);
	r = record(s, RBAC_SNAPSHOT_ACCOUNTS, SEC_ACCOUNTS, ACCOUNT_REC, i);
	if (r == NULL)
		return false;
	uid_off = get32(r);
	a->uid_len = get32(r + 4);
	a->status = get32(r + 8);
	a->flags = get32(r + 12);
	a->valid_from = gets64(r + 16);
	a->valid_until = gets64(r + 24);
	reason_off = get32(r + 32);
	reason_len = get32(r + 36);
	a->first_role = get32(r + 40);
	a->n_roles = get32(r + 44);
	a->first_perm = get32(r + 48);
	a->n_perms = get32(r + 52);
	if (!string_at(s, uid_off, a->uid_len, &a->uid) ||
	    ((a->flags & RBAC_SNAPSHOT_ACCOUNT_REASON) &&
	     !string_at(s, reason_off, reason_len, &a->reason)) ||
	    !range_ok(a->first_role, a->n_roles, s->sec[SEC_REFS].count) ||
	    !range_ok(a->first_perm, a->n_perms, s->sec[SEC_REFS].count))
		return false;
	if (s->version == RBAC_SNAPSHOT_VERSION && /* windows are parallel to refs */
	    (!range_ok(a->first_role, a->n_roles, s->sec[SEC_REF_WINDOWS].count) ||
	     !range_ok(a->first_perm, a->n_perms, s->sec[SEC_REF_WINDOWS].count)))
		return false;
	return account_sum(s, r, i, a, reason_len, sum);
}

static bool read_account(const struct rbac_snapshot *s, uint32_t i,
			 struct rbac_snapshot_account *a)
{
	uint32_t sum;

	if (account_fields(s, i, a, &sum) &&
	    sum_matches(s, SEC_ACCOUNT_SUMS, SEC_ACCOUNTS, i, sum))
		return true;
	account_clear(a);
	return false;
}

uint32_t rbac_snapshot_account_count(const struct rbac_snapshot *s)
{
	return s->kind == RBAC_SNAPSHOT_ACCOUNTS ? s->sec[SEC_ACCOUNTS].count : 0;
}

bool rbac_snapshot_account_at(const struct rbac_snapshot *s, uint32_t i,
			      struct rbac_snapshot_account *a)
{
	return read_account(s, i, a);
}

/* Every record the search passes is checked whole: an account whose
 * record is damaged must read as "cannot tell", never as "no such
 * account", which pam.unknown_user = "ignore" would let pass. About 17
 * small records at 100,000 accounts. */
enum rbac_snapshot_lookup rbac_snapshot_account_find(const struct rbac_snapshot *s,
						     const char *uid,
						     struct rbac_snapshot_account *a)
{
	uint32_t lo = 0, hi = rbac_snapshot_account_count(s);
	size_t len = strlen(uid);

	account_clear(a);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c;

		if (!read_account(s, mid, a))
			return RBAC_SNAPSHOT_DAMAGED;
		c = name_cmp(uid, len, a->uid, a->uid_len);
		if (c == 0)
			return RBAC_SNAPSHOT_FOUND;
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	account_clear(a);
	return RBAC_SNAPSHOT_ABSENT;
}

bool rbac_snapshot_account_by_uid(const struct rbac_snapshot *s, const char *uid,
				  struct rbac_snapshot_account *a)
{
	return rbac_snapshot_account_find(s, uid, a) == RBAC_SNAPSHOT_FOUND;
}

/* String reference i; "" when it fails its check (no role, no grant). */
static const char *ref_at(const struct rbac_snapshot *s, uint32_t i)
{
	const unsigned char *r;
	const char *p;

	if (i >= s->sec[SEC_REFS].count)
		return "";
	r = rec(s, SEC_REFS, REF_REC, i);
	return string_at(s, get32(r), get32(r + 4), &p) ? p : "";
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

/* Reference k of a (a role: k < n_roles; else permission k - n_roles):
 * its window, open at both ends in version 2. a comes from a lookup, so
 * its slices are inside the windows section. */
static void ref_window(const struct rbac_snapshot *s, uint32_t k, int64_t *from, int64_t *until)
{
	const unsigned char *r;

	*from = INT64_MIN;
	*until = INT64_MAX;
	if (s->version != RBAC_SNAPSHOT_VERSION || k >= s->sec[SEC_REF_WINDOWS].count)
		return;
	r = rec(s, SEC_REF_WINDOWS, WINDOW_REC, k);
	*from = gets64(r);
	*until = gets64(r + 8);
}

bool rbac_snapshot_account_role_current(const struct rbac_snapshot *s,
					const struct rbac_snapshot_account *a, uint32_t j,
					time_t now)
{
	int64_t from, until;

	if (j >= a->n_roles)
		return false;
	ref_window(s, a->first_role + j, &from, &until);
	return from <= (int64_t)now && (int64_t)now <= until;
}

void rbac_snapshot_account_perm_window(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j,
				       int64_t *from, int64_t *until)
{
	*from = INT64_MAX; /* empty: no such permission */
	*until = INT64_MIN;
	if (j < a->n_perms)
		ref_window(s, a->first_perm + j, from, until);
}

void rbac_snapshot_account_role_window(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j,
				       int64_t *from, int64_t *until)
{
	*from = INT64_MAX;
	*until = INT64_MIN;
	if (j < a->n_roles)
		ref_window(s, a->first_role + j, from, until);
}

/* --------------------------------------------------------------- sealing */

static void put_sum(unsigned char *p, const struct rbac_snapshot *s, int sec, uint32_t i,
		    uint32_t v)
{
	unsigned char *q = p + s->sec[sec].offset + (size_t)i * 4;

	for (int k = 0; k < 4; k++)
		q[k] = (unsigned char)(v >> (8 * k));
}

/* The checksum of every record of a version 3 image whose sections lie
 * inside it (0 for a record whose fields do not: it is refused anyway). */
static void seal_records(unsigned char *p, size_t len)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;
	struct rbac_snapshot_account a;
	const unsigned char *r;
	uint32_t sum;

	memset(&s, 0, sizeof(s));
	s.data = p;
	s.size = len;
	s.version = RBAC_SNAPSHOT_VERSION;
	s.kind = memcmp(p + H_MAGIC, MAGIC_ACCOUNTS, MAGIC_LEN) == 0 ? RBAC_SNAPSHOT_ACCOUNTS
								     : RBAC_SNAPSHOT_GROUPS;
	if (check_sections(&s, s.kind, &layout_v3) != RBAC_SNAPSHOT_OK ||
	    check_sum_counts(&s) != RBAC_SNAPSHOT_OK)
		return;
	for (uint32_t i = 0; i < rbac_snapshot_group_count(&s); i++) {
		r = group_fields(&s, i, &g);
		put_sum(p, &s, SEC_GROUP_SUMS, i, r != NULL ? group_sum(&s, r, &g) : 0);
	}
	for (uint32_t i = 0; s.kind == RBAC_SNAPSHOT_GROUPS && i < s.sec[SEC_USERS].count;
	     i++) {
		r = user_fields(&s, i, &u);
		put_sum(p, &s, SEC_USER_SUMS, i, r != NULL ? user_sum(&s, r, &u) : 0);
	}
	for (uint32_t i = 0; i < rbac_snapshot_account_count(&s); i++)
		put_sum(p, &s, SEC_ACCOUNT_SUMS, i, account_fields(&s, i, &a, &sum) ? sum : 0);
}

/* The header checksum of a version 3 image whose header strings lie in
 * its strings section (else the parse refuses it anyway). */
static void seal_header(unsigned char *p, size_t len)
{
	struct rbac_snapshot s;
	uint32_t lens[HS_COUNT] = {0};
	uint64_t sum;

	memset(&s, 0, sizeof(s));
	s.data = p;
	s.size = len;
	s.version = RBAC_SNAPSHOT_VERSION;
	s.kind = memcmp(p + H_MAGIC, MAGIC_ACCOUNTS, MAGIC_LEN) == 0 ? RBAC_SNAPSHOT_ACCOUNTS
								     : RBAC_SNAPSHOT_GROUPS;
	if (check_sections(&s, s.kind, &layout_v3) != RBAC_SNAPSHOT_OK ||
	    header_strings(&s, &layout_v3, lens) != RBAC_SNAPSHOT_OK)
		return;
	sum = header_sum(&s, lens);
	for (int i = 0; i < 8; i++)
		p[H3_HEADER_SUM + i] = (unsigned char)(sum >> (8 * i));
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
	/* First, before any byte of the mapping is read: a file truncated in
	 * place (a shorter one copied over it) leaves pages past its end that
	 * raise SIGBUS when touched. What remains is a truncation between
	 * this fstat and the end of the lookup (see nss_rbac(8)). */
	if (!rbac_file_fd_same(&f->id, f->fd))
		return true;
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
	return rbac_snapshot_open_version(f, path, kind, owner, forbidden,
					  RBAC_SNAPSHOT_VERSION, now, err, errlen);
}

enum rbac_snapshot_error rbac_snapshot_open_version(struct rbac_snapshot_file *f,
						    const char *path,
						    enum rbac_snapshot_kind kind, uid_t owner,
						    mode_t forbidden, uint32_t version,
						    time_t now, char *err, size_t errlen)
{
	enum rbac_snapshot_error e;
	struct stat st;
	void *map;
	int fd;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	fd = rbac_file_open_trusted_in_dir(path, owner, forbidden | RBAC_FILE_NO_WRITE_OTHERS,
					   &st, err, errlen);
	if (fd < 0)
		return RBAC_SNAPSHOT_E_FILE;
	rbac_file_id_set(&f->id, &st);
	if (st.st_size < RBAC_SNAPSHOT_V2_HEADER_SIZE ||
	    (uintmax_t)st.st_size > RBAC_SNAPSHOT_MAX_SIZE) {
		close(fd);
		return open_failed(RBAC_SNAPSHOT_E_SIZE, path, err, errlen);
	}
	/* Shared, so that the superseded word the writer sets in this file
	 * shows. Not populated: the open reads the header and the lookup a
	 * few records, and MAP_POPULATE would map every page of the file
	 * (160 us at 1.5 MB, 1.6 ms at 15 MB, and again to unmap them). */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		e = errno == ENOMEM ? RBAC_SNAPSHOT_E_NOMEM : RBAC_SNAPSHOT_E_FILE;
		close(fd);
		return open_failed(e, path, err, errlen);
	}
	e = rbac_snapshot_parse_version(&f->snap, map, (size_t)st.st_size, kind, version, now);
	if (e != RBAC_SNAPSHOT_OK) {
		munmap(map, (size_t)st.st_size);
		close(fd);
		return open_failed(e, path, err, errlen);
	}
	f->fd = fd;
	f->map = map;
	f->map_size = (size_t)st.st_size;
	/* The cache of records whose checksum matched (read_group): zero
	 * pages until used. Without it every lookup checks again. */
	if (kind == RBAC_SNAPSHOT_GROUPS && f->snap.version == RBAC_SNAPSHOT_VERSION)
		f->snap.seen = calloc((size_t)f->snap.sec[SEC_GROUPS].count +
					  f->snap.sec[SEC_USERS].count + 1,
				      1);
	f->watch_superseded = !rbac_snapshot_superseded(f);
	f->next_stat = coarse_now_ns() + STAT_INTERVAL_NS;
	return RBAC_SNAPSHOT_OK;
}

/* The descriptor is closed only while it still names the file mapped: a
 * program that closed it (closefrom() in a daemon) may have opened
 * something else under the same number since. */
void rbac_snapshot_close(struct rbac_snapshot_file *f)
{
	struct stat st;

	if (f->map != NULL) {
		free(f->snap.seen);
		munmap(f->map, f->map_size);
		if (f->fd >= 0 && fstat(f->fd, &st) == 0 && st.st_dev == f->id.dev &&
		    st.st_ino == f->id.ino)
			close(f->fd);
	}
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
