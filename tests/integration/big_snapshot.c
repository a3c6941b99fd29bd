/*
 * big_snapshot.c - the many-page groups.db of big_snapshot.h, built by the
 * real writer from model structs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "big_snapshot.h"
#include "rbac_model.h"

static void need(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "big_snapshot: %s\n", what);
		abort();
	}
}

void big_user_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, BIG_NAME, i);
}

void big_members(int v, int r, int out[3])
{
	for (int t = 0; t < 3; t++)
		out[t] = (3 * r + v + t) % BIG_USERS;
	/* Ascending: at most the wrap-around breaks the order. */
	for (int a = 0; a < 3; a++)
		for (int b = a + 1; b < 3; b++)
			if (out[b] < out[a]) {
				int x = out[a];

				out[a] = out[b];
				out[b] = x;
			}
}

void big_members_text(int v, int r, char *buf, size_t len)
{
	int m[3];
	size_t used = 0;

	big_members(v, r, m);
	buf[0] = '\0';
	for (int t = 0; t < 3; t++) {
		char name[64];

		big_user_name(m[t], name, sizeof(name));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", t ? "," : "", name);
	}
}

bool big_holds(int v, int i, int r)
{
	int m[3];

	big_members(v, r, m);
	return m[0] == i || m[1] == i || m[2] == i;
}

static void add_roles(struct rbac_namespace *ns, int v)
{
	char name[32], dn[128], user[64];

	for (int r = 0; r < BIG_ROLES; r++) {
		struct rbac_role *role;
		int m[3];

		snprintf(name, sizeof(name), "r%04d", r);
		snprintf(dn, sizeof(dn), "cn=%s,cn=eng,ou=rbac,dc=example,dc=org", name);
		role = rbac_namespace_add_role(ns, name, dn);
		need(role != NULL, "out of memory");
		need(rbac_strlist_add(&role->permissions, "host.login") == 0, "out of memory");
		big_members(v, r, m);
		for (int t = 0; t < 3; t++) {
			big_user_name(m[t], user, sizeof(user));
			need(rbac_strlist_add(&role->members, user) == 0, "out of memory");
		}
		role->has_gid = true;
		role->gid = BIG_GID0 + (unsigned long)r;
	}
}

static struct rbac_account *make_accounts(void)
{
	struct rbac_account *a = calloc(BIG_USERS, sizeof(*a));
	char name[64], dn[128];

	need(a != NULL, "out of memory");
	for (int i = 0; i < BIG_USERS; i++) {
		rbac_account_init(&a[i]);
		big_user_name(i, name, sizeof(name));
		snprintf(dn, sizeof(dn), "uid=%s,ou=people,dc=example,dc=org", name);
		a[i].uid = strdup(name);
		a[i].dn = strdup(dn);
		need(a[i].uid != NULL && a[i].dn != NULL, "out of memory");
		a[i].status = RBAC_STATUS_ACTIVE;
	}
	return a;
}

void big_snapshot_build(int v, time_t now, struct rbac_snapshot_image *img)
{
	struct rbac_logger quiet = {NULL, NULL, false};
	struct rbac_snapshot_options o = {
	    .group_format = "rbac-%r",
	    .global_group_format = "rbac-global-%r",
	    .gid_min = 900000,
	    .gid_max = 999999,
	    /* No role inherits another here. */
	    .expand_inherited = false,
	    .stale_after = 259200,
	    .generation = 1,
	    .now = now,
	};
	struct rbac_namespace ns;
	struct rbac_account *accounts = make_accounts();
	struct rbac_snapshot_model m = {&ns, NULL, accounts, BIG_USERS};

	rbac_namespace_init(&ns);
	ns.name = strdup("eng");
	ns.dn = strdup("cn=eng,ou=rbac,dc=example,dc=org");
	need(ns.name != NULL && ns.dn != NULL, "out of memory");
	add_roles(&ns, v);
	need(rbac_namespace_resolve(&ns, &quiet) == 0, "model does not resolve");
	need(rbac_snapshot_build_groups(&m, &o, &quiet, img) == 0, "build failed");
	for (int i = 0; i < BIG_USERS; i++)
		rbac_account_free(&accounts[i]);
	free(accounts);
	rbac_namespace_free(&ns);
}
