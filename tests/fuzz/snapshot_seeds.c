/*
 * snapshot_seeds.c - writes a seed corpus for fuzz_snapshot: a groups.db
 * and an accounts.db built by the real writer from a small model (roles
 * with inheritance, a global namespace, windows, inactive users).
 *
 *   snapshot_seeds DIR
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_snapshot_write.h"

static void fail(const char *what)
{
	fprintf(stderr, "snapshot_seeds: %s\n", what);
	exit(1);
}

static void role(struct rbac_namespace *ns, const char *name, const char *perm,
		 const char *inherits, const char *m1, const char *m2, unsigned long gid)
{
	struct rbac_role *r = rbac_namespace_add_role(ns, name, name);

	if (r == NULL || rbac_strlist_add(&r->permissions, perm) != 0 ||
	    (inherits && rbac_strlist_add(&r->inherits, inherits) != 0) ||
	    (m1 && rbac_strlist_add(&r->members, m1) != 0) ||
	    (m2 && rbac_strlist_add(&r->members, m2) != 0))
		fail("out of memory");
	r->has_gid = gid != 0;
	r->gid = gid;
}

static void account(struct rbac_account *a, const char *uid, const char *status,
		    const char *from, const char *until)
{
	rbac_account_init(a);
	a->uid = strdup(uid);
	a->dn = strdup(uid);
	a->status = rbac_status_parse(status);
	if (status != NULL && strcmp(status, "suspended") == 0)
		a->status_reason = strdup("on hold");
	if (rbac_time_bound_set(&a->valid_from, from) != 0 ||
	    rbac_time_bound_set(&a->valid_until, until) != 0)
		fail("out of memory");
}

static void write_seed(const char *dir, const char *name, const struct rbac_snapshot_image *img)
{
	char err[512];

	if (rbac_snapshot_write_file(dir, name, 0644, img->data, img->len, err, sizeof(err)) !=
	    0)
		fail(err);
}

int main(int argc, char **argv)
{
	static const char *const perms[] = {"host.login", "host.sudo"};
	struct rbac_namespace eng, global;
	struct rbac_account acc[6];
	struct rbac_snapshot_options o = {
	    "rbac-%r", "rbac-global-%r", 900000, 999999, true, 259200, 1, 1700000000, perms, 2};
	struct rbac_snapshot_model m = {&eng, &global, acc, 6};
	struct rbac_snapshot_image g, a;

	if (argc != 2)
		fail("usage: snapshot_seeds DIR");
	rbac_namespace_init(&eng);
	rbac_namespace_init(&global);
	eng.name = strdup("eng");
	global.name = strdup("global");
	role(&eng, "user", "host.login", NULL, "heidi", "bob", 900001);
	role(&eng, "admin", "host.sudo", "user", "alice", NULL, 900010);
	role(&eng, "deployer", "app.deploy", "admin", "judy", "ghost", 0);
	role(&global, "platform-admin", "*", NULL, "oscar", NULL, 900100);
	if (rbac_namespace_resolve(&eng, NULL) != 0 ||
	    rbac_namespace_resolve(&global, NULL) != 0)
		fail("resolve");
	account(&acc[0], "alice", "active", NULL, NULL);
	account(&acc[1], "bob", "suspended", NULL, NULL);
	account(&acc[2], "heidi", NULL, "20200101000000Z", "20991231235959Z");
	account(&acc[3], "judy", "active", NULL, NULL);
	account(&acc[4], "oscar", "active", NULL, "20230101000000Z");
	account(&acc[5], "trent", "active", "20990101000000Z", NULL);
	if (rbac_snapshot_build_groups(&m, &o, NULL, &g) != 0 ||
	    rbac_snapshot_build_accounts(&m, &o, NULL, &a) != 0)
		fail("build");
	write_seed(argv[1], "groups.db", &g);
	write_seed(argv[1], "accounts.db", &a);
	rbac_snapshot_image_free(&g);
	rbac_snapshot_image_free(&a);
	for (int i = 0; i < 6; i++)
		rbac_account_free(&acc[i]);
	rbac_namespace_free(&eng);
	rbac_namespace_free(&global);
	return 0;
}
