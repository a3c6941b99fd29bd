/*
 * rbac_snapshot.h - the local snapshot (nss_rbac(8), THE SNAPSHOT): groups.v3.db
 * (read by libnss_rbac) and accounts.v3.db (for pam_rbac's offline and local
 * decisions). The writer keeps the previous major version, groups.db and
 * accounts.db (version 2), beside them while cache.previous_versions says
 * so: a process that loaded an older libnss_rbac keeps reading those.
 *
 * A snapshot is one binary, versioned, mmap-able file. Every integer is
 * little-endian; every string is a byte range of the string section that is
 * followed by a NUL and holds none.
 *
 *   offset size  header field (version 3)
 *   0      8     magic: "RBACGRPS" (groups) or "RBACACCT" (accounts)
 *   8      4     version (RBAC_SNAPSHOT_VERSION)
 *   12     4     header size (RBAC_SNAPSHOT_HEADER_SIZE)
 *   16     8     file size: the file holds exactly this many bytes
 *   24     8     file checksum: XXH3-64 of bytes 64 to the end, seeded
 *                with the XXH3-64 of bytes 0-23 (rbac_snapshot_verify_full)
 *   32     8     superseded: 0 while the file is current; the writer sets
 *                it to RBAC_SNAPSHOT_SUPERSEDED once a newer file replaced
 *                this one, so a reader that keeps it mapped notices with one
 *                memory load. It only ever makes a reader look again (any
 *                value but 0 counts as set); the parse ignores it.
 *   40     8     header checksum: XXH3-64 of bytes 64 to the end of the
 *                header, seeded with the XXH3-64 of bytes 0-23, then of
 *                each string the header names (with its NUL), each seeded
 *                with the previous result
 *   48     16    proof block: synced_at (s64, INT64_MIN: never proven),
 *                then its bitwise complement. Rewritten in place by the
 *                sync agent (two aligned 8-byte stores through a shared
 *                mapping) each time it proves its state current; covered
 *                by no checksum. A reader loads each word once, whole, and
 *                takes two that disagree (read between the stores) as not
 *                proven.
 *   64     8     generation (previous snapshot's + 1)
 *   72     8     written at (signed seconds since the epoch)
 *   80     8     stale after (seconds, > 0): ignored once now is later than
 *                written at + stale after
 *   88     4+4   namespace: string offset, length
 *   96     4     source (enum rbac_snapshot_source)
 *   100    4     probe interval (seconds; 0 for rbacctl refresh)
 *   104    4+4   applied CSN vector ("csn;csn;..."): string offset, length;
 *                0, 0 when absent
 *   112    4+4   the last probe's contextCSN vector, likewise
 *   120    4+4   the directory URI the state came from, likewise
 *   128    12x8  section table: { u32 offset, u32 count } for sections 0-11
 *
 * Version 2 (groups.db, accounts.db) has the same sections and records
 * after a 168-byte header: magic, version (2), header size, file size,
 * checksum (bytes 40 to the end seeded with bytes 0-23), superseded, then
 * generation (40), written at (48), stale after (56), namespace (64) and
 * the section table (72).
 *
 * Sections of groups.db (entries of `count` records each; unused ones 0,0):
 *   0 strings      count bytes
 *   1 groups       56-byte records: name off, name len, gid, first member,
 *                  member count, flags (RBAC_SNAPSHOT_GROUP_GLOBAL), packed
 *                  off, packed size, first packed name, packed count,
 *                  since (s64), until (s64)
 *   2 name index   u32 group numbers, sorted by name (strcmp), no duplicates
 *   3 gid index    u32 group numbers, sorted by gid, no duplicates
 *   4 members      u32 user numbers; each group's range is sorted, unique
 *   5 users        32-byte records sorted by name: name off, name len,
 *                  valid from (s64, INT64_MIN: none), valid until (s64,
 *                  INT64_MAX: none), first group, group count
 *   6 user groups  u32 group numbers; each user's range is sorted, unique,
 *                  and agrees with the members section both ways
 *   7 packed names count bytes: per group, the names of the members whose
 *                  windows (account's and membership's) hold all of
 *                  [since, until), in member order, each
 *                  followed by its NUL (packed off, packed size)
 *   8 packed offs  u32 per packed name: where it starts in its group's
 *                  packed names (first packed name, packed count)
 *   9 group sums   (version 3) u32 per group: its record checksum, the low
 *                  32 bits of XXH3-64 seeded with the group number over
 *                  the record, then chained (each seeded with the last
 *                  result) over its name with its NUL, its members, its
 *                  member windows (section 11), its packed names and its
 *                  packed offsets
 *  10 user sums    (version 3) u32 per user, likewise: the record, its
 *                  name with its NUL, its groups
 *  11 member windows (version 3) 16 bytes per entry of the members
 *                  section: from (s64, INT64_MIN: none), until (s64,
 *                  INT64_MAX: none) of that membership; a memberUid holder's
 *                  is open at both ends, a role assignment's is its window
 *                  (DESIGN.md §11). A member is listed while both its
 *                  account's window and this one hold now; the group sums
 *                  cover the group's windows after its members.
 *
 * [since, until) of a group is the interval around the refresh time in
 * which no member's window begins or ends, so inside it the packed names
 * are exactly the members a walk checking each window finds: a lookup then
 * copies them in one piece; outside the interval it walks. The writer's
 * check (rbac_snapshot_verify_full) proves that equality for every group.
 *
 * Sections of accounts.db:
 *   0 strings
 *   1 accounts     56-byte records sorted by uid: uid off, uid len, status
 *                  (enum rbac_status), flags (RBAC_SNAPSHOT_ACCOUNT_*),
 *                  valid from (s64), valid until (s64), reason off, reason
 *                  len, first role, role count, first permission, count
 *   2 string refs  8-byte records: string off, len ("namespace/role" for
 *                  held roles; permission names for granted permissions)
 *   3 account sums (version 3) u32 per account, likewise: the record, its
 *                  uid and reason with their NULs, its role and permission
 *                  references, then each one's string with its NUL, then
 *                  the windows of its roles and of its permissions
 *   4 ref windows  (version 3) 16 bytes per string reference: from, until
 *                  (s64; INT64_MIN / INT64_MAX: none) in which the role is
 *                  held or the permission granted; open but for roles held
 *                  through an rbacAssignment (DESIGN.md §11). A permission
 *                  granted in several windows has one reference per window.
 *
 * rbac_snapshot_parse() (version 3) costs the same for any size of file:
 * it checks the header (its checksum covers the header and the strings it
 * names), the section table's bounds, and age. The lookups check every
 * offset, length and index they read from the image, right where they
 * follow it, against the section bounds the parse kept in struct
 * rbac_snapshot, and each record's checksum before they use the record:
 * a file rewritten in place (a `cp` over it) changes the bytes under
 * every process that maps it, and a record that fails its check is never
 * used (the lookup returns false and hands out an empty record). An index
 * or a user table out of order can make a binary search miss, never read
 * outside the image. The whole-file checksum and every cross-check are
 * rbac_snapshot_verify_full()'s: the writer runs it on each image before
 * it writes it (and compares the file it reads back with the image before
 * the rename), rbacctl verify on demand. Each field is read once: the
 * pointers the records carry point into the image, and a caller that must
 * not trust its bytes goes by the lengths (name_len), as libnss_rbac does.
 */
#ifndef RBAC_SNAPSHOT_H
#define RBAC_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "rbac_file.h"

#define RBAC_SNAPSHOT_VERSION	     3
#define RBAC_SNAPSHOT_HEADER_SIZE    224
#define RBAC_SNAPSHOT_V2_VERSION     2
#define RBAC_SNAPSHOT_V2_HEADER_SIZE 168
#define RBAC_SNAPSHOT_SECTIONS	     12
/* The header's superseded word once a newer file replaced this one. */
#define RBAC_SNAPSHOT_SUPERSEDED 0x4445535245505553ULL /* "SUPERSED" */
/* Files larger than this are refused (offsets are 32 bits). */
#define RBAC_SNAPSHOT_MAX_SIZE	       (1024UL * 1024 * 1024)

#define RBAC_SNAPSHOT_GROUPS_V3_FILE   "groups.v3.db"
#define RBAC_SNAPSHOT_ACCOUNTS_V3_FILE "accounts.v3.db"
#define RBAC_SNAPSHOT_GROUPS_V2_FILE   "groups.db"
#define RBAC_SNAPSHOT_ACCOUNTS_V2_FILE "accounts.db"
/* The files this build's readers read: the current major version's. */
#define RBAC_SNAPSHOT_GROUPS_FILE   RBAC_SNAPSHOT_GROUPS_V3_FILE
#define RBAC_SNAPSHOT_ACCOUNTS_FILE RBAC_SNAPSHOT_ACCOUNTS_V3_FILE
/* The path libnss_rbac reads unless RBAC_SNAPSHOT says otherwise. */
#define RBAC_SNAPSHOT_ENV "RBAC_SNAPSHOT"

enum rbac_snapshot_kind {
	RBAC_SNAPSHOT_GROUPS,
	RBAC_SNAPSHOT_ACCOUNTS,
};

/* Who wrote the snapshot (header field "source"). */
enum rbac_snapshot_source {
	RBAC_SNAPSHOT_SOURCE_REFRESH = 1, /* rbacctl refresh */
	RBAC_SNAPSHOT_SOURCE_SYNCD = 2,	  /* rbac-syncd */
};

enum rbac_snapshot_error {
	RBAC_SNAPSHOT_OK = 0,
	RBAC_SNAPSHOT_E_FILE,	  /* cannot open, wrong owner or mode, not regular */
	RBAC_SNAPSHOT_E_SIZE,	  /* shorter than its header says, or too large */
	RBAC_SNAPSHOT_E_MAGIC,	  /* not a snapshot of this kind */
	RBAC_SNAPSHOT_E_VERSION,  /* a version this reader does not know */
	RBAC_SNAPSHOT_E_CHECKSUM, /* the content does not match its checksum */
	RBAC_SNAPSHOT_E_LAYOUT,	  /* an offset, length or count outside the file */
	RBAC_SNAPSHOT_E_CONTENT,  /* unsorted index, bad string, dangling reference */
	RBAC_SNAPSHOT_E_STALE,	  /* older than written at + stale after */
	RBAC_SNAPSHOT_E_NOMEM,
	RBAC_SNAPSHOT_E_FUTURE, /* written more than RBAC_SNAPSHOT_MAX_SKEW after now */
};

/* How far a snapshot's written-at may lie ahead of the reader's clock.
 * Writer and readers share the host's clock, so a date ahead of it means
 * the clock was set back after the write (or the file came from another
 * host): within this skew (NTP's corrections, a few seconds between
 * hosts) the file is used and its life stretched by at most the skew;
 * beyond it, the stale-after time would count from a moment that has not
 * come yet, so the file is refused (RBAC_SNAPSHOT_E_FUTURE) until the
 * next refresh writes one dated by the corrected clock. */
#define RBAC_SNAPSHOT_MAX_SKEW 300
/* The `now` that skips the age checks: the writer reading the generation
 * of the file it replaces. */
#define RBAC_SNAPSHOT_ANY_TIME	       ((time_t)INT64_MIN)

#define RBAC_SNAPSHOT_GROUP_GLOBAL     0x1u /* a role of the global namespace */

#define RBAC_SNAPSHOT_ACCOUNT_LOCKED   0x1u  /* ppolicy lock */
#define RBAC_SNAPSHOT_ACCOUNT_FROM     0x2u  /* valid from present */
#define RBAC_SNAPSHOT_ACCOUNT_UNTIL    0x4u  /* valid until present */
#define RBAC_SNAPSHOT_ACCOUNT_BAD_TIME 0x8u  /* a window value was unreadable */
#define RBAC_SNAPSHOT_ACCOUNT_REASON   0x10u /* a status reason is present */
#define RBAC_SNAPSHOT_ACCOUNT_FLAGS    0x1fu

/* A parsed snapshot: pointers into the caller's buffer, which must stay
 * mapped while it is used. */
struct rbac_snapshot {
	const unsigned char *data;
	size_t size;
	enum rbac_snapshot_kind kind;
	uint32_t version; /* RBAC_SNAPSHOT_VERSION, or 2 through parse_version */
	uint64_t generation;
	int64_t written_at;
	int64_t stale_after;
	const char *namespace_name;
	/* The sync state (version 3; 0 and NULL in version 2). The strings
	 * point into the image: NUL-terminated when parsed, but a file
	 * rewritten in place may change them, so copy them once. */
	uint32_t source; /* enum rbac_snapshot_source; 0 when unknown */
	uint32_t probe_interval;
	const char *applied_csn, *context_csn, *server; /* NULL when absent */
	/* Per group, then per user: 1 once its record checksum matched, so a
	 * large group is hashed once per mapping, not per lookup. Set by
	 * rbac_snapshot_open (NULL after a bare parse: every use checks). */
	unsigned char *seen;
	struct {
		uint32_t offset, count;
	} sec[RBAC_SNAPSHOT_SECTIONS];
};

struct rbac_snapshot_group {
	uint32_t index; /* group number, in enumeration order */
	const char *name;
	uint32_t gid;
	uint32_t flags;
	uint32_t first_member, n_members;
	uint32_t name_len;
	/* The members valid all through [since, until), pre-packed: n_packed
	 * names, each followed by its NUL, packed_size bytes in all. */
	const char *packed;
	uint32_t packed_size, n_packed, first_packed;
	int64_t since, until;
};

struct rbac_snapshot_user {
	uint32_t index;
	const char *name;
	uint32_t name_len;
	int64_t valid_from, valid_until;
	uint32_t first_group, n_groups;
};

struct rbac_snapshot_account {
	const char *uid;
	uint32_t uid_len;
	uint32_t status; /* enum rbac_status */
	uint32_t flags;
	int64_t valid_from, valid_until;
	const char *reason; /* NULL when absent */
	uint32_t first_role, n_roles;
	uint32_t first_perm, n_perms;
};

const char *rbac_snapshot_strerror(enum rbac_snapshot_error e);

/* FNV-1a 64 of len bytes, continuing from h (start with RBAC_FNV64_INIT). */
#define RBAC_FNV64_INIT 0xcbf29ce484222325ULL
uint64_t rbac_fnv1a64(uint64_t h, const void *data, size_t len);
/* The checksum of a whole snapshot image (see the header layout above),
 * of the version the image says it is. */
uint64_t rbac_snapshot_checksum(const void *data, size_t len);
/* Stores the checksums of the image, as the writer does: for tests and
 * fuzzers that change an image and want the change judged on its own. */
void rbac_snapshot_seal(void *data, size_t len);

/* Opens the image of len bytes for lookups, at a cost that does not grow
 * with it: magic, version, header size, file size, the header checksum,
 * the section table's bounds, the header's strings, age (against now,
 * unless RBAC_SNAPSHOT_ANY_TIME). Each lookup then checks the records it
 * uses (see the top of this file). On success s describes the image. */
enum rbac_snapshot_error rbac_snapshot_parse(struct rbac_snapshot *s, const void *data,
					     size_t len, enum rbac_snapshot_kind kind,
					     time_t now);
/* The same for an image of the given version: RBAC_SNAPSHOT_VERSION, or
 * RBAC_SNAPSHOT_V2_VERSION (the previous major version, which the writer
 * keeps beside the current one: rbacctl verify and the tests read it), or 0
 * for either. Readers use rbac_snapshot_parse: they read one version only. */
enum rbac_snapshot_error rbac_snapshot_parse_version(struct rbac_snapshot *s, const void *data,
						     size_t len, enum rbac_snapshot_kind kind,
						     uint32_t version, time_t now);
/* The proof block, read once: true with *synced_at when the agent proved
 * the state current at that time; false when never proven, torn (its two
 * words disagree: being rewritten right now) or a version 2 image. */
bool rbac_snapshot_proof(const struct rbac_snapshot *s, int64_t *synced_at);
/* Everything the open leaves to the use of each record, and more, for
 * the writer (which runs it on each image it writes; the file read back
 * before the rename must then equal the image byte for byte) and rbacctl
 * verify: the whole-file checksum; every record's own
 * checksum; every offset, length and count; every string and packed name
 * terminated; both indexes and the users sorted and unique; each group's
 * members and each user's groups agreeing both ways; each group's packed
 * names exactly its members valid all through the group's interval.
 * Linear in the file. On failure what (if whatlen > 0) says what is wrong
 * and where, e.g. "group 12 (offset 4242): record checksum mismatch". */
enum rbac_snapshot_error rbac_snapshot_verify_full(const struct rbac_snapshot *s, char *what,
						   size_t whatlen);
/* rbac_snapshot_verify_full without the words. */
enum rbac_snapshot_error rbac_snapshot_verify(const struct rbac_snapshot *s);
/* Usable at now: now <= written at + stale after, and written at <= now +
 * RBAC_SNAPSHOT_MAX_SKEW. */
bool rbac_snapshot_fresh(const struct rbac_snapshot *s, time_t now);

/* ---- groups.db ---- */

uint32_t rbac_snapshot_group_count(const struct rbac_snapshot *s);
/* Each lookup below returns false, and fills its result with an empty
 * record, when the record fails its check (see the top of this file). */

/* Group number i (0 <= i < count), in enumeration order. */
bool rbac_snapshot_group_at(const struct rbac_snapshot *s, uint32_t i,
			    struct rbac_snapshot_group *g);
bool rbac_snapshot_group_by_name(const struct rbac_snapshot *s, const char *name,
				 struct rbac_snapshot_group *g);
bool rbac_snapshot_group_by_gid(const struct rbac_snapshot *s, uint32_t gid,
				struct rbac_snapshot_group *g);
/* The j-th stored member of g (j < g->n_members). */
bool rbac_snapshot_member_at(const struct rbac_snapshot *s, const struct rbac_snapshot_group *g,
			     uint32_t j, struct rbac_snapshot_user *u);
/* Whether the j-th stored member of g is current at now (1 or 0: its
 * account's window and its membership's window both hold now). -1 when j
 * is out of range or the member's record fails its check. */
int rbac_snapshot_member_current(const struct rbac_snapshot *s,
				 const struct rbac_snapshot_group *g, uint32_t j, time_t now);
/* The window of the j-th membership of g (a time-bound role assignment,
 * DESIGN.md §11): [*from, *until], INT64_MIN / INT64_MAX where open. A
 * memberUid membership, and every one of a version 2 file, is open at
 * both ends. g must come from a lookup (its member range is checked). */
void rbac_snapshot_membership_window(const struct rbac_snapshot *s,
				     const struct rbac_snapshot_group *g, uint32_t j,
				     int64_t *from, int64_t *until);
/* That window holds now (the account's own window is checked apart). */
bool rbac_snapshot_membership_current(const struct rbac_snapshot *s,
				      const struct rbac_snapshot_group *g, uint32_t j,
				      time_t now);
/* u (from a lookup) is a member of g whose membership window holds now:
 * 1, else 0 (also when the file does not list u in g); -1 for a file of
 * the other kind. For initgroups, which walks a user's groups. */
int rbac_snapshot_user_in_group_current(const struct rbac_snapshot *s,
					const struct rbac_snapshot_user *u,
					const struct rbac_snapshot_group *g, time_t now);
bool rbac_snapshot_user_by_name(const struct rbac_snapshot *s, const char *name,
				struct rbac_snapshot_user *u);
/* The j-th group of u (j < u->n_groups). */
bool rbac_snapshot_user_group_at(const struct rbac_snapshot *s,
				 const struct rbac_snapshot_user *u, uint32_t j,
				 struct rbac_snapshot_group *g);
/* The validity window holds now: valid_from <= now <= valid_until. */
bool rbac_snapshot_user_current(const struct rbac_snapshot_user *u, time_t now);
/* now lies in [since, until) of g: its packed names are its members whose
 * window holds now, the same as walking them with
 * rbac_snapshot_user_current. */
bool rbac_snapshot_group_packed_at(const struct rbac_snapshot_group *g, time_t now);
/* Where the k-th packed name of g starts in g->packed (k < g->n_packed);
 * UINT32_MAX when k or the stored offset is out of range. */
uint32_t rbac_snapshot_packed_offset(const struct rbac_snapshot *s,
				     const struct rbac_snapshot_group *g, uint32_t k);
/* Copies the packed names of g (g->packed_size bytes) to dst and points
 * mem[0 .. n_packed) at them, mem[n_packed] at NULL; every name ends
 * inside dst. False (mem[0] NULL) when an offset fails its check. */
bool rbac_snapshot_group_unpack(const struct rbac_snapshot *s,
				const struct rbac_snapshot_group *g, char *dst, char **mem);

/* ---- accounts.db ---- */

uint32_t rbac_snapshot_account_count(const struct rbac_snapshot *s);
/* Account i (0 <= i < count), in uid order. */
bool rbac_snapshot_account_at(const struct rbac_snapshot *s, uint32_t i,
			      struct rbac_snapshot_account *a);
bool rbac_snapshot_account_by_uid(const struct rbac_snapshot *s, const char *uid,
				  struct rbac_snapshot_account *a);
/* The same, telling a uid that is not there from one that cannot be
 * found because a record on the way fails its check. */
enum rbac_snapshot_lookup {
	RBAC_SNAPSHOT_FOUND,
	RBAC_SNAPSHOT_ABSENT,
	RBAC_SNAPSHOT_DAMAGED,
};
enum rbac_snapshot_lookup rbac_snapshot_account_find(const struct rbac_snapshot *s,
						     const char *uid,
						     struct rbac_snapshot_account *a);
/* The j-th held role ("namespace/role") or granted permission of a; NULL
 * when j is out of range, "" when the stored reference fails its check. */
const char *rbac_snapshot_account_role(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j);
const char *rbac_snapshot_account_perm(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j);
/* The window of a's j-th held role or granted permission (DESIGN.md §11:
 * a role held through an assignment, a permission granted only through
 * such roles): [*from, *until], open ends INT64_MIN / INT64_MAX; every
 * reference of a version 2 file is open. Out of range: an empty window. */
void rbac_snapshot_account_role_window(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j,
				       int64_t *from, int64_t *until);
void rbac_snapshot_account_perm_window(const struct rbac_snapshot *s,
				       const struct rbac_snapshot_account *a, uint32_t j,
				       int64_t *from, int64_t *until);
/* a's j-th held role's window holds now. */
bool rbac_snapshot_account_role_current(const struct rbac_snapshot *s,
					const struct rbac_snapshot_account *a, uint32_t j,
					time_t now);

/* ---- a snapshot file, mapped ---- */

struct rbac_snapshot_file {
	void *map; /* NULL: nothing usable is open */
	size_t map_size;
	int fd; /* of the mapped file, kept to notice it shrink; -1 without a map */
	struct rbac_file_id id; /* of the file opened */
	struct rbac_snapshot snap;
	bool watch_superseded; /* the superseded word was 0 when opened */
	int64_t next_stat;     /* CLOCK_MONOTONIC_COARSE ns of the next stat */
};

/* Opens path (O_CLOEXEC, no symlink), refuses a file not owned by `owner`
 * or writable by group or others, or in a directory that is not trusted
 * (rbac_file_open_trusted_in_dir: the directory and those above it owned
 * by root or `owner`, the directory writable by nobody else), maps it
 * read-only and parses it. The descriptor stays open with the mapping
 * (O_CLOEXEC), for rbac_snapshot_changed's fstat. On error
 * nothing stays mapped and err (if errlen > 0) says why, naming the path;
 * f->id is still set when the file was opened but its content refused, so
 * a caller can skip re-checking the same bad file (rbac_file_same). */
enum rbac_snapshot_error rbac_snapshot_open(struct rbac_snapshot_file *f, const char *path,
					    enum rbac_snapshot_kind kind, uid_t owner,
					    time_t now, char *err, size_t errlen);
/* The same, refusing a file with any of the `forbidden` mode bits instead
 * of group/other write only: accounts.db, written 0600, is refused when
 * anybody but its owner may read it; group/other write is always refused (RBAC_FILE_PRIVATE of
 * rbac_file.h). */
enum rbac_snapshot_error rbac_snapshot_open_mode(struct rbac_snapshot_file *f, const char *path,
						 enum rbac_snapshot_kind kind, uid_t owner,
						 mode_t forbidden, time_t now, char *err,
						 size_t errlen);
/* The same for a file of the given version (see rbac_snapshot_parse_version). */
enum rbac_snapshot_error rbac_snapshot_open_version(struct rbac_snapshot_file *f,
						    const char *path,
						    enum rbac_snapshot_kind kind, uid_t owner,
						    mode_t forbidden, uint32_t version,
						    time_t now, char *err, size_t errlen);
void rbac_snapshot_close(struct rbac_snapshot_file *f);
/* True when f should be opened again from path. With a usable file
 * mapped: when an fstat(2) of the mapped file finds it changed (size,
 * mtime, ctime: rewritten in place, truncated, chmod, chown; or the
 * descriptor no longer names it), which is checked first, on every call,
 * before anything in the mapping is read, so a file truncated in place
 * is not touched (SIGBUS); when its superseded word is set (the writer
 * replaced it; one memory load); or when the lstat(2) of path made at
 * most once a second (CLOCK_MONOTONIC_COARSE) finds path naming another
 * file (renamed over by other means). With nothing usable mapped: when
 * path changed since the last attempt, one lstat(2) each call, so a fixed
 * file is used at once. */
bool rbac_snapshot_changed(struct rbac_snapshot_file *f, const char *path);
/* The superseded word of a mapped file is set. */
bool rbac_snapshot_superseded(const struct rbac_snapshot_file *f);

#endif
