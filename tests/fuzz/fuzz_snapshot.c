/*
 * fuzz_snapshot.c - libFuzzer target for the snapshot reader core
 * (rbac_snapshot_parse and every lookup libnss_rbac makes after it).
 *
 * Each input is parsed as it is, as groups.db and as accounts.db, and once
 * more with its checksum made right, so that the fuzzer gets past the
 * checksum to the layout and content checks. Whatever parses must then
 * answer every lookup without reading outside the input (ASan) and keep
 * the invariants the checks promise: names and gids are unique, so looking
 * a record up by its own key finds that very record, and the pre-packed
 * member names of every group stay inside their block.
 *
 *   make fuzz FUZZ_TIME=60        (see nss_rbac/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                            \
	do {                                                                                   \
		if (!(cond))                                                                   \
			__builtin_trap();                                                      \
	} while (0)

static void exercise_user(const struct rbac_snapshot *s, const struct rbac_snapshot_user *u,
			  time_t now)
{
	struct rbac_snapshot_user again;
	struct rbac_snapshot_group g;

	CHECK(rbac_snapshot_user_by_name(s, u->name, &again));
	CHECK(again.index == u->index);
	(void)rbac_snapshot_user_current(u, now);
	for (uint32_t k = 0; k < u->n_groups; k++) {
		rbac_snapshot_user_group_at(s, u, k, &g);
		CHECK(strlen(g.name) > 0);
	}
}

/* The pre-packed names, copied to buffers of exactly their size: every
 * name lies inside and ends with its NUL. */
static void exercise_packed(const struct rbac_snapshot *s, const struct rbac_snapshot_group *g)
{
	char *names = malloc(g->packed_size ? g->packed_size : 1);
	char **mem = calloc((size_t)g->n_packed + 1, sizeof(char *));

	if (names == NULL || mem == NULL) {
		free(names);
		free(mem);
		return;
	}
	rbac_snapshot_group_unpack(s, g, names, mem);
	for (uint32_t k = 0; k < g->n_packed; k++)
		CHECK((size_t)(mem[k] - names) + strlen(mem[k]) < g->packed_size);
	CHECK(mem[g->n_packed] == NULL);
	CHECK(g->n_packed <= g->n_members && g->since < g->until);
	free(mem);
	free(names);
}

static void exercise_groups(const struct rbac_snapshot *s, time_t now)
{
	struct rbac_snapshot_group g, again;
	struct rbac_snapshot_user u;

	for (uint32_t i = 0; i < rbac_snapshot_group_count(s); i++) {
		rbac_snapshot_group_at(s, i, &g);
		CHECK(rbac_snapshot_group_by_name(s, g.name, &again) && again.index == i);
		CHECK(rbac_snapshot_group_by_gid(s, g.gid, &again) && again.index == i);
		exercise_packed(s, &g);
		(void)rbac_snapshot_group_packed_at(&g, now);
		for (uint32_t j = 0; j < g.n_members; j++) {
			rbac_snapshot_member_at(s, &g, j, &u);
			exercise_user(s, &u, now);
		}
	}
	(void)rbac_snapshot_group_by_name(s, "rbac-admin", &g);
	(void)rbac_snapshot_user_by_name(s, "alice", &u);
}

static void exercise_accounts(const struct rbac_snapshot *s)
{
	struct rbac_snapshot_account a, again;

	for (uint32_t i = 0; i < rbac_snapshot_account_count(s); i++) {
		rbac_snapshot_account_at(s, i, &a);
		CHECK(rbac_snapshot_account_by_uid(s, a.uid, &again));
		CHECK(strcmp(again.uid, a.uid) == 0);
		for (uint32_t j = 0; j < a.n_roles; j++)
			CHECK(rbac_snapshot_account_role(s, &a, j) != NULL);
		for (uint32_t j = 0; j < a.n_perms; j++)
			CHECK(rbac_snapshot_account_perm(s, &a, j) != NULL);
		if (a.reason != NULL)
			(void)strlen(a.reason);
	}
}

static void parse_both(const uint8_t *data, size_t size)
{
	struct rbac_snapshot s;
	/* Early enough that the seeds are not stale. */
	time_t now = 1700000000;

	if (rbac_snapshot_parse(&s, data, size, RBAC_SNAPSHOT_GROUPS, now) ==
	    RBAC_SNAPSHOT_OK) {
		CHECK(strlen(s.namespace_name) > 0);
		exercise_groups(&s, now);
		(void)rbac_snapshot_verify(&s); /* the writer's cross-checks */
	}
	if (rbac_snapshot_parse(&s, data, size, RBAC_SNAPSHOT_ACCOUNTS, now) ==
	    RBAC_SNAPSHOT_OK)
		exercise_accounts(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	uint64_t sum;

	parse_both(data, size);
	if (size < 32)
		return 0;
	/* An exact-size copy, so ASan sees any read past the end. */
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	sum = rbac_snapshot_checksum(copy, size);
	for (int i = 0; i < 8; i++)
		copy[24 + i] = (uint8_t)(sum >> (8 * i));
	parse_both(copy, size);
	free(copy);
	return 0;
}
