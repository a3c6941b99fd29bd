/*
 * snapshot-dump.c - what an accounts snapshot says, one line per account,
 * for the rbac-syncd tests: they compare the agent's accounts file with the
 * one `rbacctl refresh` writes from the same directory, and watch a change
 * (a suspension, a role's permissions) arrive in it.
 *
 *   snapshot-dump accounts FILE     "uid status flags roles=a,b perms=p,q"
 *   snapshot-dump generation FILE   the generation of a snapshot (either kind)
 *   snapshot-dump verify FILE       "verified", or what the complete check
 *                                   (rbac_snapshot_verify_full) found wrong
 *   snapshot-dump watch FILE GROUP...
 *                                   every groups snapshot renamed onto FILE
 *                                   from now on, opened at once (inotify on
 *                                   its directory): "G GROUP=yes|no ..." per
 *                                   generation, until killed. It prints
 *                                   "watching" once the watch is set. A
 *                                   publish every batch_ms (100 ms) leaves
 *                                   ample time to open each one.
 *
 * Exit status: 0 printed, 1 the file is unusable (the reader's reason on
 * stderr), 2 usage.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "rbac_file.h"
#include "rbac_model.h"
#include "rbac_snapshot.h"

typedef const char *(*ref_at)(const struct rbac_snapshot *,
			      const struct rbac_snapshot_account *, uint32_t);

static void print_refs(const struct rbac_snapshot *s, const struct rbac_snapshot_account *a,
		       const char *label, uint32_t n, ref_at at)
{
	printf(" %s=", label);
	for (uint32_t j = 0; j < n; j++)
		printf("%s%s", j == 0 ? "" : ",", at(s, a, j));
}

static void print_accounts(const struct rbac_snapshot *s)
{
	struct rbac_snapshot_account a;

	for (uint32_t i = 0; i < rbac_snapshot_account_count(s); i++) {
		if (!rbac_snapshot_account_at(s, i, &a)) {
			printf("account %u: unreadable\n", i);
			continue;
		}
		printf("%.*s %s %#x", (int)a.uid_len, a.uid, rbac_status_name(a.status),
		       a.flags);
		print_refs(s, &a, "roles", a.n_roles, rbac_snapshot_account_role);
		print_refs(s, &a, "perms", a.n_perms, rbac_snapshot_account_perm);
		printf("\n");
	}
}

static int open_snapshot(struct rbac_snapshot_file *f, const char *path)
{
	enum rbac_snapshot_kind kind;
	char err[512];

	/* The file's name tells its kind, as the writer names them. */
	kind = strstr(path, "accounts") != NULL ? RBAC_SNAPSHOT_ACCOUNTS : RBAC_SNAPSHOT_GROUPS;
	if (rbac_snapshot_open_mode(f, path, kind, 0,
				    kind == RBAC_SNAPSHOT_ACCOUNTS ? RBAC_FILE_PRIVATE : 0,
				    time(NULL), err, sizeof(err)) != RBAC_SNAPSHOT_OK) {
		fprintf(stderr, "snapshot-dump: %s\n", err);
		return -1;
	}
	return 0;
}

static void print_groups_present(const char *path, char **groups, int n)
{
	struct rbac_snapshot_file f = {.fd = -1};
	struct rbac_snapshot_group g;

	if (open_snapshot(&f, path) != 0) {
		printf("unusable\n");
		return;
	}
	printf("%llu", (unsigned long long)f.snap.generation);
	for (int i = 0; i < n; i++)
		printf(" %s=%s", groups[i],
		       rbac_snapshot_group_by_name(&f.snap, groups[i], &g) ? "yes" : "no");
	printf("\n");
	fflush(stdout);
	rbac_snapshot_close(&f);
}

/* Renames onto path are the writer's publishes: each is read once. */
static int watch(char *path, char **groups, int n)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char *copy = strdup(path), *slash = strrchr(path, '/');
	const char *name = slash != NULL ? slash + 1 : path;
	int fd = inotify_init1(IN_CLOEXEC);

	if (copy == NULL || fd < 0 || inotify_add_watch(fd, dirname(copy), IN_MOVED_TO) < 0) {
		perror("snapshot-dump: inotify");
		return 1;
	}
	printf("watching\n");
	fflush(stdout);
	for (;;) {
		ssize_t len = read(fd, buf, sizeof(buf));

		if (len <= 0)
			return 1;
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len > 0 && strcmp(ev->name, name) == 0)
				print_groups_present(path, groups, n);
			p += sizeof(*ev) + ev->len;
		}
	}
}

static int verify(const struct rbac_snapshot *s)
{
	char what[512];

	if (rbac_snapshot_verify_full(s, what, sizeof(what)) != RBAC_SNAPSHOT_OK) {
		printf("%s\n", what);
		return 1;
	}
	printf("verified\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct rbac_snapshot_file f = {.fd = -1};
	int rc = 0;

	if (argc >= 4 && strcmp(argv[1], "watch") == 0)
		return watch(argv[2], argv + 3, argc - 3);
	if (argc != 3 ||
	    (strcmp(argv[1], "accounts") != 0 && strcmp(argv[1], "generation") != 0 &&
	     strcmp(argv[1], "verify") != 0)) {
		fprintf(stderr, "usage: snapshot-dump accounts|generation|verify FILE\n"
				"       snapshot-dump watch FILE GROUP...\n");
		return 2;
	}
	if (open_snapshot(&f, argv[2]) != 0)
		return 1;
	if (strcmp(argv[1], "generation") == 0)
		printf("%llu\n", (unsigned long long)f.snap.generation);
	else if (strcmp(argv[1], "verify") == 0)
		rc = verify(&f.snap);
	else
		print_accounts(&f.snap);
	rbac_snapshot_close(&f);
	return rc;
}
