/*
 * snapshot_fixture.c - the example directory as model structs.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "snapshot_fixture.h"

static const char *const example_permissions[] = {"host.login", "host.sudo", "host.su"};

static void set_gid(struct rbac_namespace *ns, const char *role, unsigned long gid)
{
	struct rbac_role *r = rbac_namespace_find_role(ns, role);

	ck_assert_ptr_nonnull(r);
	r->has_gid = true;
	r->gid = gid;
}

/* The roles of etc/example/directory.ldif. */
static void example_eng(struct rbac_namespace *ns)
{
	fx_namespace(ns, "eng",
		     "host.login host.sudo host.su app.deploy app.logs.read "
		     "rbac.roles.manage rbac.users.manage");
	fx_role(ns, "user", "host.login", NULL, NULL, "bob dave frank heidi");
	fx_role(ns, "manager", "app.logs.read app.deploy", NULL, "user", "carol ivan");
	fx_role(ns, "admin", "host.sudo host.su rbac.users.manage", NULL, "manager", "alice");
	fx_role(ns, "super-admin", "rbac.*", NULL, "admin", "victor");
	fx_role(ns, "deployer", "db.admin", "host.sudo host.su", "admin", "judy");
	fx_role(ns, "contractor", "host.login app.logs.read", NULL, NULL, "erin peggy trent");
	fx_role(ns, "auditor", "app.logs.read", NULL, NULL, NULL);
	set_gid(ns, "user", 900001);
	set_gid(ns, "manager", 900005);
	set_gid(ns, "admin", 900010);
	set_gid(ns, "super-admin", 900020);
	set_gid(ns, "contractor", 900040);
	set_gid(ns, "auditor", 900050);
	ck_assert_int_eq(fx_resolve(ns), 0);
}

static void example_global(struct rbac_namespace *ns)
{
	fx_namespace(ns, "global", "*");
	fx_role(ns, "platform-admin", "*", NULL, NULL, "oscar");
	set_gid(ns, "platform-admin", 900100);
	ck_assert_int_eq(fx_resolve(ns), 0);
}

struct rbac_account *sfx_account(struct sfx *f, const char *uid, const char *status,
				 const char *from, const char *until, bool locked)
{
	struct rbac_account *a = &f->accounts[f->n_accounts++];
	char dn[256];

	ck_assert_uint_le(f->n_accounts, SFX_MAX_ACCOUNTS);
	snprintf(dn, sizeof(dn), "uid=%s,ou=people,dc=example,dc=org", uid);
	rbac_account_init(a);
	a->uid = strdup(uid);
	a->dn = strdup(dn);
	a->status = rbac_status_parse(status);
	a->status_raw = status != NULL ? strdup(status) : NULL;
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_from, from), 0);
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_until, until), 0);
	a->locked = locked;
	f->model.accounts = f->accounts;
	f->model.n_accounts = f->n_accounts;
	return a;
}

void sfx_example(struct sfx *f)
{
	memset(f, 0, sizeof(*f));
	example_eng(&f->eng);
	example_global(&f->global);
	f->model.ns = &f->eng;
	f->model.global = &f->global;
	sfx_account(f, "alice", "active", NULL, NULL, false);
	sfx_account(f, "bob", "suspended", NULL, NULL, false)->status_reason =
	    strdup("password reset pending");
	sfx_account(f, "carol", "disabled", NULL, NULL, false);
	sfx_account(f, "dave", "deleted", NULL, NULL, false);
	sfx_account(f, "erin", "active", "20260101000000Z", "20991231235959Z", false);
	sfx_account(f, "frank", "active", NULL, NULL, true);
	sfx_account(f, "grace", "active", NULL, NULL, false);
	sfx_account(f, "heidi", NULL, NULL, NULL, false);
	sfx_account(f, "ivan", NULL, NULL, NULL, false);
	sfx_account(f, "judy", "active", NULL, NULL, false);
	sfx_account(f, "oscar", "active", NULL, NULL, false);
	sfx_account(f, "peggy", "active", "20240101000000Z", "20250101000000Z", false);
	sfx_account(f, "trent", "active", "20990101000000Z", NULL, false);
	sfx_account(f, "victor", "active", NULL, NULL, false);
	f->opts.group_format = "rbac-%r";
	f->opts.global_group_format = "rbac-global-%r";
	f->opts.gid_min = 900000;
	f->opts.gid_max = 999999;
	f->opts.expand_inherited = true;
	f->opts.stale_after = 259200;
	f->opts.generation = 7;
	f->opts.now = SFX_NOW;
	f->opts.permissions = example_permissions;
	f->opts.n_permissions = 3;
}

void sfx_free(struct sfx *f)
{
	rbac_namespace_free(&f->eng);
	rbac_namespace_free(&f->global);
	for (size_t i = 0; i < f->n_accounts; i++)
		rbac_account_free(&f->accounts[i]);
	memset(f, 0, sizeof(*f));
}

void sfx_build(struct sfx *f, enum rbac_snapshot_kind kind, struct rbac_snapshot_image *img)
{
	int rc;

	fx_log_clear();
	if (kind == RBAC_SNAPSHOT_GROUPS)
		rc = rbac_snapshot_build_groups(&f->model, &f->opts, &fx_logger, img);
	else
		rc = rbac_snapshot_build_accounts(&f->model, &f->opts, &fx_logger, img);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(img->data);
}
