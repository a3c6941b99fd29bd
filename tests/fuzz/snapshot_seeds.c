/*
 * snapshot_seeds.c - writes the seed corpus of the snapshot fuzz targets:
 * pairs of groups.db and accounts.db built by the real writer from three
 * small models.
 *
 *   basic    roles with inheritance, a global namespace, windows, inactive
 *            users (groups.db, accounts.db)
 *   windows  members whose windows open and close around the time the
 *            snapshot is written, so groups carry a short pre-packed
 *            interval and lookups walk the members outside it; a role
 *            without gidNumber and one whose name is no group name; role
 *            assignments (DESIGN.md §11) whose windows do the same
 *            (groups-windows.db, accounts-windows.db)
 *   empty    a namespace without roles or accounts
 *            (groups-empty.db, accounts-empty.db)
 *
 *   snapshot_seeds DIR
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_snapshot_write.h"
#include "rbac_time.h"

/* "Written at" of every seed; the fuzz targets parse them at this time. */
#define SEED_NOW     ((time_t)1700000000)
#define MAX_ACCOUNTS 16

struct seed_model {
	struct rbac_namespace eng, global;
	struct rbac_account acc[MAX_ACCOUNTS];
	size_t n_acc;
};

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

static void account(struct seed_model *m, const char *uid, const char *status, const char *from,
		    const char *until)
{
	struct rbac_account *a = &m->acc[m->n_acc++];

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

/* A window bound `minutes` from SEED_NOW, as GeneralizedTime. */
static const char *around(int minutes, char *buf)
{
	return rbac_time_format(SEED_NOW + minutes * 60, buf, 16);
}

static void model_init(struct seed_model *m)
{
	memset(m, 0, sizeof(*m));
	rbac_namespace_init(&m->eng);
	rbac_namespace_init(&m->global);
	m->eng.name = strdup("eng");
	m->global.name = strdup("global");
}

static void basic(struct seed_model *m)
{
	role(&m->eng, "user", "host.login", NULL, "heidi", "bob", 900001);
	role(&m->eng, "admin", "host.sudo", "user", "alice", NULL, 900010);
	role(&m->eng, "deployer", "app.deploy", "admin", "judy", "ghost", 0);
	role(&m->global, "platform-admin", "*", NULL, "oscar", NULL, 900100);
	account(m, "alice", "active", NULL, NULL);
	account(m, "bob", "suspended", NULL, NULL);
	account(m, "heidi", NULL, "20200101000000Z", "20991231235959Z");
	account(m, "judy", "active", NULL, NULL);
	account(m, "oscar", "active", NULL, "20230101000000Z");
	account(m, "trent", "active", "20990101000000Z", NULL);
}

/* An rbacAssignment of uid below the last role added to ns. */
static void assign(struct rbac_namespace *ns, const char *uid, const char *from,
		   const char *until)
{
	struct rbac_assignment *x =
	    rbac_role_add_assignment(&ns->roles[ns->n_roles - 1], uid, uid);

	if (x == NULL || rbac_time_bound_set(&x->valid_from, from) != 0 ||
	    rbac_time_bound_set(&x->valid_until, until) != 0)
		fail("out of memory");
}

static void windows(struct seed_model *m)
{
	char a[16], b[16], c[16], d[16], e[16], f[16], g[16];

	role(&m->eng, "oncall", "host.sudo", NULL, "ana", "ben", 900020);
	role(&m->eng, "contractor", "host.login", NULL, "cid", "dee", 0);
	role(&m->eng, "ops", "host.login", "oncall", "eve", "fay", 900021);
	assign(&m->eng, "dee", around(-3, f), around(3, g));
	assign(&m->eng, "ben", NULL, NULL);
	role(&m->eng, "Bad Name", "host.login", NULL, "ana", NULL, 900022);
	account(m, "ana", "active", around(-5, a), around(5, b));
	account(m, "ben", "active", around(2, c), NULL);
	account(m, "cid", "active", NULL, around(-1, d));
	account(m, "dee", "active", "19691231235959Z", around(60, e));
	account(m, "eve", "disabled", NULL, NULL);
	account(m, "fay", "active", "never", NULL); /* unreadable: not a member */
}

static void write_seed(const char *dir, const char *name, const struct rbac_snapshot_image *img)
{
	char err[512];

	if (rbac_snapshot_write_file(dir, name, 0644, img->data, img->len, err, sizeof(err)) !=
	    0)
		fail(err);
}

static void write_model(const char *dir, struct seed_model *m, const char *groups_name,
			const char *accounts_name)
{
	static const char *const perms[] = {"host.login", "host.sudo"};
	struct rbac_snapshot_options o = {
	    "rbac-%r", "rbac-global-%r", 900000, 999999, true, 259200,
	    1,	       SEED_NOW,	 perms,	 2,	 NULL, false};
	struct rbac_snapshot_model sm = {&m->eng, &m->global, m->acc, m->n_acc};
	struct rbac_snapshot_image g, a;

	if (rbac_namespace_resolve(&m->eng, NULL) < 0 ||
	    rbac_namespace_resolve(&m->global, NULL) < 0)
		fail("resolve");
	if (rbac_snapshot_build_groups(&sm, &o, NULL, &g) != 0 ||
	    rbac_snapshot_build_accounts(&sm, &o, NULL, &a) != 0)
		fail("build");
	write_seed(dir, groups_name, &g);
	write_seed(dir, accounts_name, &a);
	rbac_snapshot_image_free(&g);
	rbac_snapshot_image_free(&a);
	for (size_t i = 0; i < m->n_acc; i++)
		rbac_account_free(&m->acc[i]);
	rbac_namespace_free(&m->eng);
	rbac_namespace_free(&m->global);
}

int main(int argc, char **argv)
{
	struct seed_model m;

	if (argc != 2)
		fail("usage: snapshot_seeds DIR");
	model_init(&m);
	basic(&m);
	write_model(argv[1], &m, "groups.db", "accounts.db");
	model_init(&m);
	windows(&m);
	write_model(argv[1], &m, "groups-windows.db", "accounts-windows.db");
	model_init(&m);
	write_model(argv[1], &m, "groups-empty.db", "accounts-empty.db");
	return 0;
}
