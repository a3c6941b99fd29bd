/*
 * rbac_publish.c - the writer lock and the installation of a snapshot, for
 * both writers (rbac_publish.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rbac_nscd.h"
#include "rbac_publish.h"

/* ------------------------------------------------------------ the lock */

/* "PID NAME" of the lock's holder, as it wrote it, into pid and name
 * (printable characters only: the file could hold anything). */
static void read_holder(int fd, long *pid, char *name, size_t namelen)
{
	char buf[96];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	size_t k = 0;

	*pid = 0;
	snprintf(name, namelen, "another writer");
	if (n <= 0)
		return;
	buf[n] = '\0';
	*pid = strtol(buf, &end, 10);
	while (*end == ' ')
		end++;
	for (; k + 1 < namelen && isgraph((unsigned char)end[k]); k++)
		name[k] = end[k];
	if (k > 0)
		name[k] = '\0';
}

static void say_held(int fd, const char *path, char *err, size_t errlen)
{
	char name[32];
	long pid;

	read_holder(fd, &pid, name, sizeof(name));
	if (strcmp(name, "rbac-syncd") == 0)
		snprintf(err, errlen,
			 "rbac-syncd (pid %ld) holds %s and keeps the snapshot current; "
			 "stop it first",
			 pid, path);
	else
		snprintf(err, errlen,
			 "%s (pid %ld) holds %s and is writing the snapshot; "
			 "try again when it is done",
			 name, pid, path);
}

/* Who holds the lock now, for the next writer's message. */
static void write_holder(int fd)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), "%ld %s\n", (long)getpid(),
			 program_invocation_short_name);

	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		/* only the message of a refused writer suffers */
	}
}

int rbac_writer_lock(const char *cache_dir, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cache_dir, RBAC_WRITER_LOCK_FILE) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", cache_dir);
		return -1;
	}
	if (mkdir(cache_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", cache_dir, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			say_held(fd, path, err, errlen);
		else
			snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	write_holder(fd);
	return fd;
}

/* ---------------------------------------------------------- the publish */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The current groups file's generation, else the version 2 one's. */
static uint64_t previous_generation(const char *dir)
{
	char path[4096];
	uint64_t gen;

	snprintf(path, sizeof(path), "%s/%s", dir, RBAC_SNAPSHOT_GROUPS_V3_FILE);
	gen = rbac_snapshot_previous_generation(path, RBAC_SNAPSHOT_GROUPS);
	if (gen != 0)
		return gen;
	snprintf(path, sizeof(path), "%s/%s", dir, RBAC_SNAPSHOT_GROUPS_V2_FILE);
	return rbac_snapshot_previous_generation(path, RBAC_SNAPSHOT_GROUPS);
}

/* The images of one publish: version 3. Each version 2 image is made from
 * its version 3 one when it is written, and freed after: never all four
 * at once. */
struct images {
	struct rbac_snapshot_image groups, accounts;
	/* When roles are held through assignments, groups.db and accounts.db
	 * are made from these, without them: their readers know no window of
	 * a membership or a held role (DESIGN.md §11), so they see only
	 * memberUid holders. */
	struct rbac_snapshot_image groups_v2, accounts_v2;
};

static void images_free(struct images *im)
{
	rbac_snapshot_image_free(&im->groups);
	rbac_snapshot_image_free(&im->accounts);
	rbac_snapshot_image_free(&im->groups_v2);
	rbac_snapshot_image_free(&im->accounts_v2);
}

static bool has_assignments(const struct rbac_namespace *ns)
{
	for (size_t i = 0; ns != NULL && i < ns->n_roles; i++)
		if (ns->roles[i].n_assignments > 0)
			return true;
	return false;
}

/* The images without assignments, checked as completely as the others
 * (rbac_snapshot_image_v2_check relies on it); their log lines are the
 * first build's, so this build logs nothing. */
static int build_v2(const struct rbac_snapshot_model *m, const struct rbac_snapshot_options *o,
		    struct images *im, char *err, size_t errlen)
{
	struct rbac_snapshot_options o2 = *o;

	o2.without_assignments = true;
	if (rbac_snapshot_build(m, &o2, NULL, &im->groups_v2, &im->accounts_v2) != 0) {
		snprintf(err, errlen, "cannot build the version 2 images");
		return -1;
	}
	if (rbac_snapshot_image_check(im->groups_v2.data, im->groups_v2.len,
				      RBAC_SNAPSHOT_GROUPS, RBAC_SNAPSHOT_GROUPS_V2_FILE, err,
				      errlen) != 0)
		return -1;
	return rbac_snapshot_image_check(im->accounts_v2.data, im->accounts_v2.len,
					 RBAC_SNAPSHOT_ACCOUNTS, RBAC_SNAPSHOT_ACCOUNTS_V2_FILE,
					 err, errlen);
}

static int build(const struct rbac_snapshot_model *m, const struct rbac_snapshot_options *o,
		 const struct rbac_logger *lg, struct images *im, char *err, size_t errlen)
{
	if (rbac_snapshot_build(m, o, lg, &im->groups, &im->accounts) != 0) {
		snprintf(err, errlen, "cannot build the snapshot (see the log above)");
		return -1;
	}
	return 0;
}

/* Version 3: the image checked completely in memory, then written and the
 * file read back and compared with it (rbac_snapshot_write_begin). */
static int begin_v3(const char *dir, const char *name, mode_t mode,
		    const struct rbac_snapshot_image *img, enum rbac_snapshot_kind kind,
		    struct rbac_snapshot_pending *p, char *err, size_t errlen)
{
	return rbac_snapshot_write_begin(dir, name, mode, img->data, img->len,
					 RBAC_SNAPSHOT_WRITE_VERIFIED, (int)kind, p, err,
					 errlen);
}

/* Version 2: the version 3 image's checked content under the old header
 * (rbac_snapshot_image_v2_check), written and compared likewise; the image
 * is freed once written. */
static int begin_v2(const char *dir, const char *name, mode_t mode,
		    const struct rbac_snapshot_image *v3, enum rbac_snapshot_kind kind,
		    struct rbac_snapshot_pending *p, char *err, size_t errlen)
{
	struct rbac_snapshot_image v2;
	int rc = -1;

	if (rbac_snapshot_image_v2(v3, kind, &v2) != 0)
		snprintf(err, errlen, "out of memory");
	else if (rbac_snapshot_image_v2_check(v3, &v2, kind) != 0)
		snprintf(err, errlen,
			 "the new %s does not match its version 3 image; not installed", name);
	else
		rc =
		    rbac_snapshot_write_begin(dir, name, mode, v2.data, v2.len,
					      RBAC_SNAPSHOT_WRITE_COMPARED, -1, p, err, errlen);
	rbac_snapshot_image_free(&v2);
	return rc;
}

/* Installs a pair in order, accounts before groups: the groups file is
 * checked and written while the disk writes the accounts file. Neither is
 * renamed unless both were written. */
static int install_pair(struct rbac_snapshot_pending *acc, struct rbac_snapshot_pending *grp,
			char *err, size_t errlen)
{
	if (rbac_snapshot_write_commit(acc, err, errlen) != 0) {
		rbac_snapshot_write_abort(grp);
		return -1;
	}
	return rbac_snapshot_write_commit(grp, err, errlen);
}

/* Without previous versions, a version 2 file left from before would be
 * served to old readers until it goes stale: take it away. */
static int remove_v2(const char *dir, char *err, size_t errlen)
{
	const char *names[] = {RBAC_SNAPSHOT_GROUPS_V2_FILE, RBAC_SNAPSHOT_ACCOUNTS_V2_FILE};
	char path[4096];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (unlink(path) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* accounts before groups, as before: a reader of groups never finds a
 * generation whose accounts are missing. */
static int install_all(const char *dir, const struct images *im, int previous_versions,
		       char *err, size_t errlen)
{
	struct rbac_snapshot_pending acc, grp;

	if (begin_v3(dir, RBAC_SNAPSHOT_ACCOUNTS_V3_FILE, 0600, &im->accounts,
		     RBAC_SNAPSHOT_ACCOUNTS, &acc, err, errlen) != 0)
		return -1;
	if (begin_v3(dir, RBAC_SNAPSHOT_GROUPS_V3_FILE, 0644, &im->groups, RBAC_SNAPSHOT_GROUPS,
		     &grp, err, errlen) != 0) {
		rbac_snapshot_write_abort(&acc);
		return -1;
	}
	if (install_pair(&acc, &grp, err, errlen) != 0)
		return -1;
	if (previous_versions <= 0)
		return remove_v2(dir, err, errlen);
	if (begin_v2(dir, RBAC_SNAPSHOT_ACCOUNTS_V2_FILE, 0600,
		     im->accounts_v2.data != NULL ? &im->accounts_v2 : &im->accounts,
		     RBAC_SNAPSHOT_ACCOUNTS, &acc, err, errlen) != 0)
		return -1;
	if (begin_v2(dir, RBAC_SNAPSHOT_GROUPS_V2_FILE, 0644,
		     im->groups_v2.data != NULL ? &im->groups_v2 : &im->groups,
		     RBAC_SNAPSHOT_GROUPS, &grp, err, errlen) != 0) {
		rbac_snapshot_write_abort(&acc);
		return -1;
	}
	return install_pair(&acc, &grp, err, errlen);
}

static void fill_result(struct rbac_publish_result *out, const struct images *im,
			uint64_t generation)
{
	out->generation = generation;
	out->groups = im->groups.groups;
	out->skipped_roles = im->groups.skipped_roles;
	out->users = im->groups.users;
	out->memberships = im->groups.memberships;
	out->accounts = im->accounts.users;
}

/* The new files are in place: a name-service cache must not go on
 * answering the old groups for its time to live (rbac_nscd.h). It never
 * fails the publish; what it could not do is logged. */
static void invalidate_group_cache(const struct rbac_logger *lg)
{
	char err[512];

	if (rbac_nscd_invalidate_group(NULL, RBAC_NSCD_TIMEOUT_MS, err, sizeof(err)) ==
	    RBAC_NSCD_FAILED)
		rbac_log(lg, LOG_WARNING,
			 "%s; cached groups stay stale until their time to live", err);
}

int rbac_publish(const char *cache_dir, int lock_fd, const struct rbac_snapshot_model *m,
		 struct rbac_snapshot_options *o, int previous_versions,
		 const struct rbac_logger *lg, struct rbac_publish_result *out, char *err,
		 size_t errlen)
{
	struct images im;
	int fd = lock_fd, rc = -1;
	double t0, t1;

	memset(out, 0, sizeof(*out));
	memset(&im, 0, sizeof(im));
	if (fd < 0 && (fd = rbac_writer_lock(cache_dir, err, errlen)) < 0)
		return -1;
	/* Read under the lock: two writers never hand out one generation. */
	o->generation = previous_generation(cache_dir) + 1;
	t0 = now_ms();
	if (build(m, o, lg, &im, err, errlen) != 0)
		goto done;
	if (previous_versions > 0 && (has_assignments(m->ns) || has_assignments(m->global)) &&
	    build_v2(m, o, &im, err, errlen) != 0)
		goto done;
	t1 = now_ms();
	out->build_ms = t1 - t0;
	if (install_all(cache_dir, &im, previous_versions, err, errlen) != 0) {
		invalidate_group_cache(lg); /* a file renamed before the failure is served */
		goto done;
	}
	out->write_ms = now_ms() - t1;
	invalidate_group_cache(lg);
	fill_result(out, &im, o->generation);
	rc = 0;
done:
	images_free(&im);
	if (lock_fd < 0)
		close(fd);
	return rc;
}

int rbac_publish_proof(const char *cache_dir, int64_t synced_at, char *err, size_t errlen)
{
	const char *names[] = {RBAC_SNAPSHOT_ACCOUNTS_V3_FILE, RBAC_SNAPSHOT_GROUPS_V3_FILE};
	char path[4096];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", cache_dir, names[i]);
		if (rbac_snapshot_write_proof(path, synced_at, err, errlen) != 0)
			return -1;
	}
	return 0;
}
