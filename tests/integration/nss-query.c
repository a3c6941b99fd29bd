/*
 * nss-query.c - group lookups through glibc's real NSS dispatch, with the
 * "group" database pointed at one module (default "rbac") by
 * __nss_configure_lookup(), so glibc dlopen()s libnss_rbac.so.2 from
 * LD_LIBRARY_PATH exactly as it would from /etc/nsswitch.conf.
 *
 *   nss-query [-s SERVICE] group NAME      getgrnam_r  -> "name:x:gid:m1,m2"
 *   nss-query [-s SERVICE] gid GID         getgrgid_r
 *   nss-query [-s SERVICE] enum            setgrent/getgrent_r/endgrent, a line each
 *   nss-query [-s SERVICE] groups USER GID getgrouplist -> the gids, one per line,
 *                                          in the order glibc returns them
 *   nss-query [-s SERVICE] erange NAME     getgrnam_r with buffers of 0, 1, 2 ...
 *                                          bytes: prints the smallest size that
 *                                          worked; every smaller one must have
 *                                          failed with ERANGE
 *
 * Exit status: 0 found, 2 not found, 1 anything else (printed).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's, not in any header. */
extern int __nss_configure_lookup(const char *dbname, const char *service_line);

static void print_group(const struct group *g)
{
	printf("%s:%s:%lu:", g->gr_name, g->gr_passwd, (unsigned long)g->gr_gid);
	for (char **m = g->gr_mem; *m != NULL; m++)
		printf("%s%s", m == g->gr_mem ? "" : ",", *m);
	printf("\n");
}

static int result(int rc, const struct group *found, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "nss-query: %s: %s\n", what, strerror(rc));
		return 1;
	}
	if (found == NULL)
		return 2;
	print_group(found);
	return 0;
}

static int by_name(const char *name)
{
	struct group g, *found = NULL;
	static char buf[1 << 20];

	int rc = getgrnam_r(name, &g, buf, sizeof(buf), &found);

	return result(rc, found, "getgrnam_r");
}

static int by_gid(const char *arg)
{
	struct group g, *found = NULL;
	static char buf[1 << 20];

	int rc = getgrgid_r((gid_t)strtoul(arg, NULL, 10), &g, buf, sizeof(buf), &found);

	return result(rc, found, "getgrgid_r");
}

static int enumerate(void)
{
	struct group g, *found;
	static char buf[1 << 20];
	int rc, n = 0;

	setgrent();
	while ((rc = getgrent_r(&g, buf, sizeof(buf), &found)) == 0) {
		print_group(found);
		n++;
	}
	endgrent();
	if (rc != ENOENT) {
		fprintf(stderr, "nss-query: getgrent_r: %s\n", strerror(rc));
		return 1;
	}
	return n > 0 ? 0 : 2;
}

static int grouplist(const char *user, const char *base)
{
	int n = 1;
	gid_t *gids = malloc(sizeof(gid_t));

	/* The first call tells how many there are. */
	if (getgrouplist(user, (gid_t)strtoul(base, NULL, 10), gids, &n) < 0) {
		gids = realloc(gids, (size_t)n * sizeof(gid_t));
		if (getgrouplist(user, (gid_t)strtoul(base, NULL, 10), gids, &n) < 0) {
			fprintf(stderr, "nss-query: getgrouplist failed twice\n");
			return 1;
		}
	}
	for (int i = 0; i < n; i++)
		printf("%lu\n", (unsigned long)gids[i]);
	free(gids);
	return 0;
}

static int smallest_buffer(const char *name)
{
	struct group g, *found = NULL;

	for (size_t len = 0; len < (1 << 20); len++) {
		char *buf = malloc(len ? len : 1);
		int rc = getgrnam_r(name, &g, len ? buf : NULL, len, &found);

		free(buf);
		if (rc == 0 && found != NULL) {
			printf("%zu\n", len);
			return 0;
		}
		if (rc != ERANGE) {
			fprintf(stderr, "nss-query: buffer of %zu bytes: %s (result %s)\n", len,
				strerror(rc), found ? "set" : "NULL");
			return rc == 0 ? 2 : 1;
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *service = "rbac";

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		service = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || __nss_configure_lookup("group", service) != 0 ||
	    __nss_configure_lookup("initgroups", service) != 0) {
		fprintf(stderr,
			"usage: nss-query [-s SERVICE] group|gid|enum|groups|erange ...\n");
		return 1;
	}
	if (strcmp(argv[1], "group") == 0 && argc == 3)
		return by_name(argv[2]);
	if (strcmp(argv[1], "gid") == 0 && argc == 3)
		return by_gid(argv[2]);
	if (strcmp(argv[1], "enum") == 0 && argc == 2)
		return enumerate();
	if (strcmp(argv[1], "groups") == 0 && argc == 4)
		return grouplist(argv[2], argv[3]);
	if (strcmp(argv[1], "erange") == 0 && argc == 3)
		return smallest_buffer(argv[2]);
	fprintf(stderr, "nss-query: bad arguments\n");
	return 1;
}
