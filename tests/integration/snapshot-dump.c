/*
 * snapshot-dump.c - what an accounts snapshot says, one line per account,
 * for the rbac-syncd tests: they compare the agent's accounts file with the
 * one `rbacctl refresh` writes from the same directory, and watch a change
 * (a suspension, a role's permissions) arrive in it.
 *
 *   snapshot-dump accounts FILE     "uid status flags roles=a,b perms=p,q"
 *   snapshot-dump generation FILE   the generation of a snapshot (either kind)
 *
 * Exit status: 0 printed, 1 the file is unusable (the reader's reason on
 * stderr), 2 usage.
 */
#include <stdio.h>
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

int main(int argc, char **argv)
{
	struct rbac_snapshot_file f = {.fd = -1};
	enum rbac_snapshot_kind kind;
	char err[512];

	if (argc != 3 ||
	    (strcmp(argv[1], "accounts") != 0 && strcmp(argv[1], "generation") != 0)) {
		fprintf(stderr, "usage: snapshot-dump accounts|generation FILE\n");
		return 2;
	}
	/* The file's name tells its kind, as the writer names them. */
	kind =
	    strstr(argv[2], "accounts") != NULL ? RBAC_SNAPSHOT_ACCOUNTS : RBAC_SNAPSHOT_GROUPS;
	if (rbac_snapshot_open_mode(&f, argv[2], kind, 0,
				    kind == RBAC_SNAPSHOT_ACCOUNTS ? RBAC_FILE_PRIVATE : 0,
				    time(NULL), err, sizeof(err)) != RBAC_SNAPSHOT_OK) {
		fprintf(stderr, "snapshot-dump: %s\n", err);
		return 1;
	}
	if (strcmp(argv[1], "generation") == 0)
		printf("%llu\n", (unsigned long long)f.snap.generation);
	else
		print_accounts(&f.snap);
	rbac_snapshot_close(&f);
	return 0;
}
