/*
 * nss_rbac.c - libnss_rbac.so.2: the roles of this host as Unix groups
 * (nss_rbac(8)), read from the local snapshot and nothing else.
 *
 * It runs inside every process that looks a group up, so: no network, no
 * output, no allocation a lookup does not hand back to its caller, one
 * mutex around all state, descriptors O_CLOEXEC, and no environment
 * influence except RBAC_SNAPSHOT (secure_getenv, so setuid programs ignore
 * it). Each public function takes the lock and calls a _locked worker.
 *
 * The snapshot is mapped once and kept, with its descriptor. Each lookup
 * first fstat()s the mapped file (a file rewritten or truncated in place:
 * see nss_rbac(8)), then notices a file that `rbacctl refresh` replaced by
 * one memory load (the superseded word the writer sets in the old file),
 * and a path renamed over by hand by a stat(2) made at most once a second
 * (rbac_snapshot_changed); then the age check. A file that was refused is
 * not read again until it changes, which is checked each call. Every
 * record is checked again where it is used (rbac_snapshot.h): one that
 * fails makes the lookup NOTFOUND or UNAVAIL, never garbage.
 *
 * A group is copied from its pre-packed member names when the time lies in
 * the interval the refresh packed them for: the buffer is checked once
 * against the known size (an ERANGE costs no walk), then one memcpy.
 * Outside it, each member's window is checked as it is walked.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rbac_snapshot.h"

#define DEFAULT_SNAPSHOT RBAC_CACHE_DIR "/" RBAC_SNAPSHOT_GROUPS_FILE

/* The public entry points; everything else is hidden by nss_rbac.map. */
enum nss_status _nss_rbac_setgrent(int stayopen);
enum nss_status _nss_rbac_endgrent(void);
enum nss_status _nss_rbac_getgrent_r(struct group *result, char *buffer, size_t buflen,
				     int *errnop);
enum nss_status _nss_rbac_getgrnam_r(const char *name, struct group *result, char *buffer,
				     size_t buflen, int *errnop);
enum nss_status _nss_rbac_getgrgid_r(gid_t gid, struct group *result, char *buffer,
				     size_t buflen, int *errnop);
enum nss_status _nss_rbac_initgroups_dyn(const char *user, gid_t skipgroup, long *start,
					 long *size, gid_t **groupsp, long limit, int *errnop);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static struct rbac_snapshot_file snapshot; /* .map NULL: nothing usable */
/* Counts the times the snapshot was opened again: an enumeration belongs
 * to the file it began on (enum_epoch; 0: none under way). */
static uint64_t epoch = 1, enum_epoch;
static uint32_t next_group; /* getgrent position */

/* ------------------------------------------------------- lock and fork */

/* The lock is taken around fork(), so a child never inherits it held by a
 * thread that does not exist in the child. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&lock);
}

static void fork_release(void)
{
	pthread_mutex_unlock(&lock);
}

static void register_atfork(void)
{
	pthread_atfork(fork_prepare, fork_release, fork_release);
}

static void nss_lock(void)
{
	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&lock);
}

static void nss_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

/* ------------------------------------------------------------ snapshot */

static const char *snapshot_path(void)
{
	const char *p = secure_getenv(RBAC_SNAPSHOT_ENV);

	return p != NULL && *p != '\0' ? p : DEFAULT_SNAPSHOT;
}

/* Makes `snapshot` the current file, valid at `now`; false when there is
 * no usable one. */
static bool snapshot_ready_locked(time_t now)
{
	const char *path = snapshot_path();

	if (!rbac_snapshot_changed(&snapshot, path))
		return snapshot.map != NULL && rbac_snapshot_fresh(&snapshot.snap, now);
	rbac_snapshot_close(&snapshot);
	epoch++;
	return rbac_snapshot_open(&snapshot, path, RBAC_SNAPSHOT_GROUPS, 0, now, NULL, 0) ==
	       RBAC_SNAPSHOT_OK;
}

static enum nss_status unavailable(int *errnop)
{
	*errnop = ENOENT;
	return NSS_STATUS_UNAVAIL;
}

static enum nss_status not_found(int *errnop)
{
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

/* How filling the caller's buffer went. */
enum fill {
	FILLED,
	TOO_SMALL, /* ERANGE */
	BAD_RECORD /* the file changed under the lookup: nothing is handed out */
};

/* ------------------------------------------------------------- packing */

/* The caller's buffer, handed out front to back. */
struct pack {
	char *at;
	size_t left;
};

/* size bytes aligned to align, or NULL when the buffer is too small. */
static void *pack_reserve(struct pack *p, size_t size, size_t align)
{
	size_t pad = (align - (uintptr_t)p->at % align) % align;
	void *r;

	if (p->at == NULL || pad > p->left || size > p->left - pad)
		return NULL;
	r = p->at + pad;
	p->at += pad + size;
	p->left -= pad + size;
	return r;
}

/* n bytes of s (its NUL included). */
static char *pack_bytes(struct pack *p, const char *s, size_t n)
{
	char *d = pack_reserve(p, n, 1);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

/* len bytes of a name from the snapshot, and a NUL of our own: the
 * file's bytes may have changed since the record was checked. */
static char *pack_name(struct pack *p, const char *s, size_t len)
{
	char *d = pack_reserve(p, len + 1, 1);

	if (d != NULL) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* The pre-packed members of g, valid now, into mem[]; the block's size
 * is checked before anything is copied. */
static enum fill pack_packed(struct pack *p, const struct rbac_snapshot *s,
			     const struct rbac_snapshot_group *g, char **mem)
{
	char *d = pack_reserve(p, g->packed_size, 1);

	if (d == NULL)
		return TOO_SMALL;
	return rbac_snapshot_group_unpack(s, g, d, mem) ? FILLED : BAD_RECORD;
}

/* How many members of g are current at now; UINT32_MAX when a member's
 * number fails its check. Only the windows are read: the names, and the
 * rest of each record's checks, are for the walk that copies them. */
static uint32_t current_members(const struct rbac_snapshot *s,
				const struct rbac_snapshot_group *g, time_t now)
{
	uint32_t n = 0;

	for (uint32_t j = 0; j < g->n_members; j++) {
		int c = rbac_snapshot_member_current(s, g, j, now);

		if (c < 0)
			return UINT32_MAX;
		n += (uint32_t)c;
	}
	return n;
}

/* The members whose windows (the account's, and the membership's for a
 * role held through an assignment) hold now, into mem[] of room for n (the
 * count made by a first walk: a second walk that finds more read a file
 * that changed between the two, and stops before overflowing). */
static enum fill pack_members(struct pack *p, const struct rbac_snapshot *s,
			      const struct rbac_snapshot_group *g, time_t now, char **mem,
			      size_t n)
{
	struct rbac_snapshot_user u;
	size_t k = 0;

	for (uint32_t j = 0; j < g->n_members; j++) {
		if (!rbac_snapshot_member_at(s, g, j, &u))
			return BAD_RECORD;
		if (!rbac_snapshot_user_current(&u, now) ||
		    !rbac_snapshot_membership_current(s, g, j, now))
			continue;
		if (k == n)
			return BAD_RECORD;
		mem[k] = pack_name(p, u.name, u.name_len);
		if (mem[k++] == NULL)
			return TOO_SMALL;
	}
	mem[k] = NULL;
	return FILLED;
}

static enum fill pack_group_members(struct pack *p, const struct rbac_snapshot_group *g,
				    bool packed, time_t now, char **mem, size_t n)
{
	if (packed)
		return pack_packed(p, &snapshot.snap, g, mem);
	return pack_members(p, &snapshot.snap, g, now, mem, n);
}

/* The one place a buffer is found too small: glibc retries with a larger
 * one on TRYAGAIN + ERANGE. */
static enum nss_status fill_group(const struct rbac_snapshot_group *g, time_t now,
				  struct group *gr, char *buffer, size_t buflen, int *errnop)
{
	struct pack p = {buffer, buflen};
	bool packed = rbac_snapshot_group_packed_at(g, now);
	uint32_t n = packed ? g->n_packed : current_members(&snapshot.snap, g, now);
	char **mem, *name, *passwd;
	enum fill r;

	if (n == UINT32_MAX)
		return unavailable(errnop);
	mem = pack_reserve(&p, ((size_t)n + 1) * sizeof(char *), alignof(char *));
	name = pack_name(&p, g->name, g->name_len);
	passwd = pack_bytes(&p, "x", 2);
	r = mem == NULL || name == NULL || passwd == NULL
		? TOO_SMALL
		: pack_group_members(&p, g, packed, now, mem, n);
	if (r == BAD_RECORD)
		return unavailable(errnop);
	if (r == TOO_SMALL) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	gr->gr_name = name;
	gr->gr_passwd = passwd;
	gr->gr_gid = (gid_t)g->gid;
	gr->gr_mem = mem;
	return NSS_STATUS_SUCCESS;
}

/* -------------------------------------------------------------- lookups */

static enum nss_status getgrnam_locked(const char *name, struct group *gr, char *buffer,
				       size_t buflen, int *errnop)
{
	time_t now = time(NULL);
	struct rbac_snapshot_group g;

	if (!snapshot_ready_locked(now))
		return unavailable(errnop);
	if (name == NULL || !rbac_snapshot_group_by_name(&snapshot.snap, name, &g))
		return not_found(errnop);
	return fill_group(&g, now, gr, buffer, buflen, errnop);
}

static enum nss_status getgrgid_locked(gid_t gid, struct group *gr, char *buffer, size_t buflen,
				       int *errnop)
{
	time_t now = time(NULL);
	struct rbac_snapshot_group g;

	if (!snapshot_ready_locked(now))
		return unavailable(errnop);
	if (!rbac_snapshot_group_by_gid(&snapshot.snap, (uint32_t)gid, &g))
		return not_found(errnop);
	return fill_group(&g, now, gr, buffer, buflen, errnop);
}

static enum nss_status setgrent_locked(void)
{
	bool ready = snapshot_ready_locked(time(NULL));

	next_group = 0;
	enum_epoch = epoch;
	return ready ? NSS_STATUS_SUCCESS : NSS_STATUS_UNAVAIL;
}

/* The whole check of snapshot_ready_locked costs an fstat(2), about ten
 * times the work of handing out one group: made for every getgrent, it
 * multiplied the cost of an enumeration by ten. So an enumeration makes it
 * every ENUM_CHECK_EVERY groups and whenever the coarse clock ticked
 * (every few milliseconds) since the last one, and in between only looks
 * at the superseded word (one load: a refresh is still noticed at once)
 * and the age. The price: a file truncated in place during an enumeration
 * may go unnoticed for up to that many groups or one tick (nss_rbac(8)). */
#define ENUM_CHECK_EVERY 64

static int64_t coarse_tick(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
		return -1; /* no clock: check every time */
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool enum_file_ready_locked(time_t now)
{
	static int64_t checked_tick;
	static unsigned unchecked;
	int64_t tick = coarse_tick();

	if (snapshot.map == NULL || unchecked >= ENUM_CHECK_EVERY || tick != checked_tick ||
	    tick < 0 || (snapshot.watch_superseded && rbac_snapshot_superseded(&snapshot))) {
		checked_tick = tick;
		unchecked = 0;
		return snapshot_ready_locked(now);
	}
	unchecked++;
	return rbac_snapshot_fresh(&snapshot.snap, now);
}

/* The position moves on only when the group was handed out, so a retry
 * after ERANGE returns the same group. Group numbers mean nothing in
 * another file, so a snapshot opened again since setgrent (replaced,
 * found changed, by this call or another thread's lookup) ends the
 * enumeration: NOTFOUND, as at its end, until the next setgrent starts
 * one on the new file. The caller sees a list cut short, never a group
 * twice or a mix of two files (nss_rbac(8)). */
static enum nss_status getgrent_locked(struct group *gr, char *buffer, size_t buflen,
				       int *errnop)
{
	time_t now = time(NULL);
	struct rbac_snapshot_group g;
	enum nss_status st;

	if (!enum_file_ready_locked(now))
		return unavailable(errnop);
	if (enum_epoch == 0) /* no setgrent: begin on the file in use */
		enum_epoch = epoch;
	if (enum_epoch != epoch || next_group >= rbac_snapshot_group_count(&snapshot.snap))
		return not_found(errnop);
	if (!rbac_snapshot_group_at(&snapshot.snap, next_group, &g))
		return unavailable(errnop);
	st = fill_group(&g, now, gr, buffer, buflen, errnop);
	if (st == NSS_STATUS_SUCCESS)
		next_group++;
	return st;
}

/* ----------------------------------------------------------- initgroups */

struct gid_list {
	long *start, *size;
	gid_t **groups;
	long limit; /* <= 0: none */
};

static bool gid_listed(const struct gid_list *l, gid_t gid)
{
	for (long i = 0; i < *l->start; i++) {
		if ((*l->groups)[i] == gid)
			return true;
	}
	return false;
}

/* Appends gid, growing the caller's array. Returns 0, 1 when the limit is
 * reached, -1 when out of memory. */
static int gid_append(struct gid_list *l, gid_t gid)
{
	if (*l->start >= *l->size) {
		long n = *l->size > 0 ? 2 * *l->size : 16;
		gid_t *p;

		if (l->limit > 0 && *l->size >= l->limit)
			return 1;
		if (l->limit > 0 && n > l->limit)
			n = l->limit;
		p = realloc(*l->groups, (size_t)n * sizeof(gid_t));
		if (p == NULL)
			return -1;
		*l->groups = p;
		*l->size = n;
	}
	(*l->groups)[(*l->start)++] = gid;
	return 0;
}

static enum nss_status initgroups_locked(const char *user, gid_t skipgroup, struct gid_list *l,
					 int *errnop)
{
	time_t now = time(NULL);
	struct rbac_snapshot_user u;
	struct rbac_snapshot_group g;
	long first = *l->start;
	int rc = 0;

	if (!snapshot_ready_locked(now))
		return unavailable(errnop);
	if (user == NULL || !rbac_snapshot_user_by_name(&snapshot.snap, user, &u) ||
	    !rbac_snapshot_user_current(&u, now))
		return not_found(errnop);
	for (uint32_t j = 0; j < u.n_groups && rc == 0; j++) {
		if (!rbac_snapshot_user_group_at(&snapshot.snap, &u, j, &g)) {
			*l->start = first; /* nothing from a file that changed */
			return unavailable(errnop);
		}
		if ((gid_t)g.gid == skipgroup || gid_listed(l, (gid_t)g.gid) ||
		    rbac_snapshot_user_in_group_current(&snapshot.snap, &u, &g, now) != 1)
			continue;
		rc = gid_append(l, (gid_t)g.gid);
	}
	if (rc < 0) {
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	}
	return NSS_STATUS_SUCCESS;
}

/* ---------------------------------------------------------- entry points */

enum nss_status _nss_rbac_setgrent(int stayopen)
{
	enum nss_status st;

	nss_lock();
	st = setgrent_locked();
	nss_unlock();
	return st;
}

enum nss_status _nss_rbac_endgrent(void)
{
	nss_lock();
	next_group = 0;
	enum_epoch = 0;
	nss_unlock();
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_rbac_getgrent_r(struct group *result, char *buffer, size_t buflen,
				     int *errnop)
{
	enum nss_status st;

	nss_lock();
	st = getgrent_locked(result, buffer, buflen, errnop);
	nss_unlock();
	return st;
}

enum nss_status _nss_rbac_getgrnam_r(const char *name, struct group *result, char *buffer,
				     size_t buflen, int *errnop)
{
	enum nss_status st;

	nss_lock();
	st = getgrnam_locked(name, result, buffer, buflen, errnop);
	nss_unlock();
	return st;
}

enum nss_status _nss_rbac_getgrgid_r(gid_t gid, struct group *result, char *buffer,
				     size_t buflen, int *errnop)
{
	enum nss_status st;

	nss_lock();
	st = getgrgid_locked(gid, result, buffer, buflen, errnop);
	nss_unlock();
	return st;
}

enum nss_status _nss_rbac_initgroups_dyn(const char *user, gid_t skipgroup, long *start,
					 long *size, gid_t **groupsp, long limit, int *errnop)
{
	struct gid_list l = {start, size, groupsp, limit};
	enum nss_status st;

	nss_lock();
	st = initgroups_locked(user, skipgroup, &l, errnop);
	nss_unlock();
	return st;
}
