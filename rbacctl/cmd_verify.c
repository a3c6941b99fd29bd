/*
 * cmd_verify.c - rbacctl verify: every check of a snapshot file, the ones
 * the readers leave out of their open (the whole-file checksum, every
 * record's checksum, every cross-check: rbac_snapshot_verify_full), and
 * what is wrong and where (rbacctl(8), VERIFY).
 *
 * It reads files only, never the configuration or the directory, and
 * judges their content, not their age, owner or mode (rbacctl status says
 * whether the readers use them). Exit codes: 0 every file passes, 1 one
 * does not, 2 usage, or a file that cannot be read.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rbac_snapshot.h"
#include "rbacctl.h"

/* The kind a file says it is, from its magic; false for neither. */
static bool kind_of(const unsigned char *p, size_t len, enum rbac_snapshot_kind *kind)
{
	if (len >= 8 && memcmp(p, "RBACGRPS", 8) == 0)
		*kind = RBAC_SNAPSHOT_GROUPS;
	else if (len >= 8 && memcmp(p, "RBACACCT", 8) == 0)
		*kind = RBAC_SNAPSHOT_ACCOUNTS;
	else
		return false;
	return true;
}

static void say_ok(const char *path, const struct rbac_snapshot *s)
{
	printf("%s: ok: version %u, generation %llu, ", path, (unsigned)s->version,
	       (unsigned long long)s->generation);
	if (s->kind == RBAC_SNAPSHOT_GROUPS)
		printf("%u groups\n", rbac_snapshot_group_count(s));
	else
		printf("%u accounts\n", rbac_snapshot_account_count(s));
}

/* The verdict on an image: EXIT_OK or EXIT_NO, said on stdout. */
static int judge(const char *path, const unsigned char *p, size_t len)
{
	enum rbac_snapshot_kind kind;
	enum rbac_snapshot_error e;
	struct rbac_snapshot s;
	char what[256] = "";

	if (!kind_of(p, len, &kind)) {
		printf("%s: not a snapshot (bad magic)\n", path);
		return EXIT_NO;
	}
	e = rbac_snapshot_parse_version(&s, p, len, kind, 0, RBAC_SNAPSHOT_ANY_TIME);
	if (e == RBAC_SNAPSHOT_OK)
		e = rbac_snapshot_verify_full(&s, what, sizeof(what));
	if (e == RBAC_SNAPSHOT_OK) {
		say_ok(path, &s);
		return EXIT_OK;
	}
	printf("%s: %s%s%s\n", path, rbac_snapshot_strerror(e), what[0] ? ": " : "", what);
	return EXIT_NO;
}

static int verify_file(const struct rbacctl *ctl, const char *path)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC), rc;

	if (fd < 0 || fstat(fd, &st) != 0) {
		ctl_error(ctl, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_ERROR;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		printf("%s: not a snapshot (%s)\n", path,
		       S_ISREG(st.st_mode) ? "empty" : "not a regular file");
		return EXIT_NO;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		ctl_error(ctl, "%s: %s", path, strerror(errno));
		return EXIT_ERROR;
	}
	rc = judge(path, map, (size_t)st.st_size);
	munmap(map, (size_t)st.st_size);
	return rc;
}

/* The worse of two exit codes: cannot tell over not, not over ok. */
static int worse(int a, int b)
{
	return a == EXIT_ERROR || b == EXIT_ERROR ? EXIT_ERROR : a > b ? a : b;
}

int cmd_verify(struct rbacctl *ctl, int argc, char **argv)
{
	const char *cache_dir = RBAC_CACHE_DIR;
	const struct ctl_option options[] = {
	    {"cache-dir", 'C', &cache_dir, NULL},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {
	    .options = options,
	    .help =
		"  --cache-dir DIR  the files to check without FILE (default " RBAC_CACHE_DIR
		")\n",
	};
	const char *names[] = {RBAC_SNAPSHOT_GROUPS_FILE, RBAC_SNAPSHOT_ACCOUNTS_FILE};
	char path[4096];
	int rc = ctl_parse_args(ctl, argc, argv, &a), worst = EXIT_OK;

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	for (int i = a.operand; i < argc; i++)
		worst = worse(worst, verify_file(ctl, argv[i]));
	for (size_t i = 0; a.operand == argc && i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", cache_dir, names[i]);
		worst = worse(worst, verify_file(ctl, path));
	}
	return worst;
}
