/*
 * nss-load.c - libnss_rbac.so.2 under load, through glibc's real NSS
 * dispatch (__nss_configure_lookup, the module found on LD_LIBRARY_PATH):
 *
 *   nss-load load THREADS LOOKUPS REPLACEMENTS
 *	THREADS threads each make at least LOOKUPS calls, a mix of
 *	getgrnam_r, getgrgid_r, getgrouplist and setgrent/getgrent_r, while
 *	another thread replaces the snapshot REPLACEMENTS times the way the
 *	refresh does (the real writer: a new file renamed over the old one),
 *	spread over the run by the readers' progress; readers go on until
 *	the last replacement is done, so every one lands among lookups.
 *	guards CVE-2007-5794 class (another user's data returned under
 *	concurrency): every answer must be the answer to the question asked,
 *	whole, from one of the two files (tests/integration/big_snapshot.h);
 *	an enumeration must list the groups in order, all from one file, and
 *	may only be cut short by a replacement. Then the process must hold
 *	one mapping and at most one descriptor of the snapshot (none of the
 *	replaced files), and, without sanitizers, its VmRSS must have grown by
 *	less than 20 MB (each leaked mapping of a replaced file would add
 *	~0.4 MB: 100 of them are 40 MB).
 *
 *   nss-load fds
 *	guards CVE-2013-0288 class (a caller with more than FD_SETSIZE
 *	descriptors open): with 1,100 descriptors open, every kind of lookup
 *	still answers correctly, also after a replacement (the module's own
 *	descriptor is then above 1,024).
 *
 * Exit status: 0 passed, 1 failed (what failed is printed), 77 not root
 * (the module trusts only root-owned snapshots), 99 setup error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "big_snapshot.h"

/* glibc's, not in any header. */
extern int __nss_configure_lookup(const char *dbname, const char *service_line);

static char dir[64], path[128];
static struct rbac_snapshot_image images[2];
static atomic_long done_ops, errors;
static atomic_int writer_done;
static pthread_mutex_t enum_lock = PTHREAD_MUTEX_INITIALIZER;

static int held_count[2][BIG_USERS]; /* roles each user holds, per file */

/* Under ASan and TSan the process's RSS grows with their shadow memory and
 * quarantine, whatever the module does: there the exact check (no mapping
 * or descriptor of a replaced file left) stands alone. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
static const bool rss_meaningful = false;
#else
static const bool rss_meaningful = true;
#endif

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Counts an error; prints the first 20. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&errors, 1) >= 20)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "nss-load: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* ------------------------------------------------------------ answers */

/* "name:gid:m1,m2,m3" of a group. */
static void group_text(const struct group *g, char *buf, size_t len)
{
	size_t used =
	    (size_t)snprintf(buf, len, "%s:%lu:", g->gr_name, (unsigned long)g->gr_gid);

	for (char **m = g->gr_mem; *m != NULL && used < len; m++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 m == g->gr_mem ? "" : ",", *m);
}

static void expected_text(int v, int r, char *buf, size_t len)
{
	char members[256];

	big_members_text(v, r, members, sizeof(members));
	snprintf(buf, len, "rbac-r%04d:%d:%s", r, BIG_GID0 + r, members);
}

/* Which file (0 or 1) g is role r's answer from; -1: neither. */
static int answer_variant(const struct group *g, int r)
{
	char got[512], want[512];

	group_text(g, got, sizeof(got));
	for (int v = 0; v < 2; v++) {
		expected_text(v, r, want, sizeof(want));
		if (strcmp(got, want) == 0)
			return v;
	}
	fail("wrong answer: %s (asked for role r%04d)", got, r);
	return -1;
}

static void check_getgrnam(int r)
{
	static __thread char buf[4096];
	char name[32];
	struct group g, *res = NULL;
	int rc;

	snprintf(name, sizeof(name), "rbac-r%04d", r);
	rc = getgrnam_r(name, &g, buf, sizeof(buf), &res);
	if (rc != 0 || res == NULL)
		fail("getgrnam_r %s: %s", name, rc ? strerror(rc) : "not found");
	else
		(void)answer_variant(&g, r);
}

static void check_getgrgid(int r)
{
	static __thread char buf[4096];
	struct group g, *res = NULL;
	int rc = getgrgid_r((gid_t)(BIG_GID0 + r), &g, buf, sizeof(buf), &res);

	if (rc != 0 || res == NULL)
		fail("getgrgid_r %d: %s", BIG_GID0 + r, rc ? strerror(rc) : "not found");
	else
		(void)answer_variant(&g, r);
}

/* The user's groups are {100} and the roles it holds in one file. */
static void check_getgrouplist(int i)
{
	char user[64];
	gid_t gids[64];
	int n = 64;

	big_user_name(i, user, sizeof(user));
	if (getgrouplist(user, 100, gids, &n) < 0 || n < 1) {
		fail("getgrouplist %s: failed (n %d)", user, n);
		return;
	}
	for (int v = 0; v < 2; v++) {
		int ok = 1;

		for (int k = 0; k < n && ok; k++)
			ok = gids[k] == 100 ||
			     (gids[k] >= BIG_GID0 && gids[k] < BIG_GID0 + BIG_ROLES &&
			      big_holds(v, i, (int)(gids[k] - BIG_GID0)));
		if (ok && n == held_count[v][i] + 1)
			return;
	}
	fail("getgrouplist %s: groups of neither file (%d gids)", user, n);
}

/* Up to `count` groups from the start: in order, from one file; cut
 * short only by a replacement. Returns the calls made. */
static int check_enumeration(int count)
{
	static __thread char buf[4096];
	struct group g, *res;
	int k, v = -1;

	pthread_mutex_lock(&enum_lock);
	setgrent();
	for (k = 0; k < count; k++) {
		int w;

		res = NULL;
		if (getgrent_r(&g, buf, sizeof(buf), &res) != 0 || res == NULL)
			break; /* ended: a replacement (or the end) */
		w = answer_variant(&g, k);
		if (w >= 0 && v >= 0 && w != v)
			fail("enumeration mixes two files at %s", g.gr_name);
		v = w;
	}
	endgrent();
	pthread_mutex_unlock(&enum_lock);
	return k + 1;
}

/* --------------------------------------------------------------- load */

struct reader {
	unsigned seed;
	long min_ops;
};

static int one_op(struct reader *rd)
{
	unsigned x = (unsigned)rand_r(&rd->seed);
	int r = (int)(x % BIG_ROLES);

	switch (x / BIG_ROLES % 64) {
	case 0:
		return check_enumeration(8);
	case 1 ... 6:
		check_getgrouplist((int)(x % BIG_USERS));
		return 1;
	case 7 ... 20:
		check_getgrgid(r);
		return 1;
	default:
		check_getgrnam(r);
		return 1;
	}
}

static void *reader(void *arg)
{
	struct reader *rd = arg;
	long n = 0, batch = 0;

	while (n < rd->min_ops || !atomic_load(&writer_done)) {
		int k = one_op(rd);

		n += k;
		batch += k;
		if (batch >= 64) {
			atomic_fetch_add(&done_ops, batch);
			batch = 0;
		}
	}
	atomic_fetch_add(&done_ops, batch);
	return NULL;
}

static void replace(int v)
{
	char err[1024];

	if (rbac_snapshot_write_file(dir, "groups.v3.db", 0644, images[v].data, images[v].len,
				     err, sizeof(err)) != 0) {
		fprintf(stderr, "nss-load: %s\n", err);
		exit(99);
	}
}

struct writer {
	int replacements;
	long total;
};

/* Replacement k once the readers made k/(n+1) of their calls. */
static void *writer(void *arg)
{
	struct writer *w = arg;

	for (int k = 1; k <= w->replacements; k++) {
		while (atomic_load(&done_ops) < w->total / (w->replacements + 1) * k)
			usleep(200);
		replace(k % 2);
	}
	atomic_store(&writer_done, 1);
	return NULL;
}

static long vm_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kb;
}

/* Lines of /proc/self/maps naming a groups.v3.db (replaced ones show as
 * "(deleted)"). */
static int snapshot_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	int n = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, "groups.v3.db") != NULL;
	if (f != NULL)
		fclose(f);
	return n;
}

/* Descriptors open on a groups.v3.db; *highest gets the largest number. */
static int snapshot_fds(int *highest)
{
	char link[64], target[256];
	int n = 0;
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	*highest = -1;
	for (int fd = 0; fd < (int)rl.rlim_cur && fd < 65536; fd++) {
		ssize_t len;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strstr(target, "groups.v3.db") != NULL) {
			n++;
			*highest = fd;
		}
	}
	return n;
}

static int run_load(int threads, long lookups, int replacements)
{
	pthread_t *t = calloc((size_t)threads, sizeof(*t)), wt;
	struct reader *rd = calloc((size_t)threads, sizeof(*rd));
	struct writer w = {replacements, (long)threads * lookups};
	long rss0, rss1;
	struct timespec t0, t1;
	int maps, fds, high;

	check_getgrnam(0); /* load the module, map the file */
	rss0 = vm_rss_kb();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&wt, NULL, writer, &w);
	for (int i = 0; i < threads; i++) {
		rd[i] = (struct reader){(unsigned)i * 2654435761u + 1, lookups};
		pthread_create(&t[i], NULL, reader, &rd[i]);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	pthread_join(wt, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check_getgrnam(1); /* the last file, mapped */
	rss1 = vm_rss_kb();
	maps = snapshot_mappings();
	fds = snapshot_fds(&high);
	printf(
	    "nss-load: %d threads, %ld calls, %d replacements in %.2f s; VmRSS %ld -> %ld kB; "
	    "%d mapping(s), %d descriptor(s) of the snapshot; %ld error(s)\n",
	    threads, (long)atomic_load(&done_ops), replacements,
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, rss0,
	    rss1, maps, fds, (long)atomic_load(&errors));
	if (rss_meaningful && rss1 - rss0 >= 20 * 1024)
		fail("VmRSS grew by %ld kB (limit 20 MB)", rss1 - rss0);
	if (maps != 1 || fds > 1)
		fail("replaced snapshots still mapped (%d) or open (%d)", maps, fds);
	free(t);
	free(rd);
	return atomic_load(&errors) == 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- fds */

static int run_fds(void)
{
	struct rlimit rl;
	int opened = 0, high;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < 2048) {
		rl.rlim_cur = rl.rlim_max < 2048 ? rl.rlim_max : 2048;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	while (opened < 1100 && open("/dev/null", O_RDONLY) >= 0)
		opened++;
	if (opened < 1100) {
		fprintf(stderr, "nss-load: could open only %d descriptors\n", opened);
		return 99;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int r = 0; r < BIG_ROLES; r += 97) {
			check_getgrnam(r);
			check_getgrgid(r);
		}
		for (int i = 0; i < BIG_USERS; i += 101)
			check_getgrouplist(i);
		if (check_enumeration(BIG_ROLES) != BIG_ROLES + 1)
			fail("enumeration cut short (pass %d)", pass);
		replace(1); /* reopened: the module's descriptor is now above 1,024 */
	}
	check_getgrnam(5);
	if (snapshot_fds(&high) != 1 || high < 1024)
		fail("the module's descriptor (%d) is not above 1,024", high);
	printf("nss-load: %d extra descriptors open, module's at %d; %ld error(s)\n", opened,
	       high, (long)atomic_load(&errors));
	return atomic_load(&errors) == 0 ? 0 : 1;
}

/* ------------------------------------------------------------- setup */

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nss-load.XXXXXX");
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/groups.v3.db", dir);
	setenv("RBAC_SNAPSHOT", path, 1);
	for (int v = 0; v < 2; v++)
		for (int r = 0; r < BIG_ROLES; r++) {
			int m[3];

			big_members(v, r, m);
			for (int t = 0; t < 3; t++)
				held_count[v][m[t]]++;
		}
	big_snapshot_build(0, time(NULL), &images[0]);
	big_snapshot_build(1, time(NULL), &images[1]);
	replace(0);
	if (__nss_configure_lookup("group", "rbac") != 0 ||
	    __nss_configure_lookup("initgroups", "rbac") != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (geteuid() != 0) {
		printf("SKIP: nss-load needs root (the module trusts only root-owned "
		       "snapshots)\n");
		return 77;
	}
	if (argc < 2 || (strcmp(argv[1], "load") == 0 && argc != 5)) {
		fprintf(stderr,
			"usage: nss-load load THREADS LOOKUPS REPLACEMENTS | nss-load fds\n");
		return 99;
	}
	if (setup() != 0) {
		fprintf(stderr, "nss-load: setup: %s\n", strerror(errno));
		return 99;
	}
	if (strcmp(argv[1], "fds") == 0)
		rc = run_fds();
	else
		rc = run_load(atoi(argv[2]), atol(argv[3]), atoi(argv[4]));
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	rbac_snapshot_image_free(&images[0]);
	rbac_snapshot_image_free(&images[1]);
	return rc;
}
