/*
 * snapwrite.c - times the snapshot writer on a synthetic model, and dumps
 * what it wrote, so two builds of the writer can be compared byte for byte.
 *
 *   snapwrite SHAPE ROLES ACCOUNTS OUTDIR
 *
 * SHAPE is "plain" (host namespace only, expand_inherited off), "mixed"
 * (host and global namespaces with clashing names and gids, inheritance
 * with missing roles and cycles, expand_inherited on) or "samename" (a
 * group_format without %r: every role but one clashes). The model is a
 * pure function of the arguments. Writes OUTDIR/groups.db, accounts.db and
 * log (every log line, debug included) and prints "ROLES SECONDS" for the
 * resolve-free part: both builds in one call, as rbac_publish() makes them.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rbac_snapshot_write.h"

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

static void need(bool ok)
{
	if (!ok) {
		fprintf(stderr, "snapwrite: out of memory\n");
		exit(1);
	}
}

static void log_line(void *ctx, int priority, const char *msg)
{
	fprintf(ctx, "%d %s\n", priority, msg);
}

static void user_name(unsigned i, char *buf, size_t len)
{
	if (i % 97 == 13)
		snprintf(buf, len, "bad:user%05u", i); /* not a member name */
	else
		snprintf(buf, len, "user%05u", i);
}

static void make_accounts(struct rbac_account *a, unsigned n)
{
	static const char *const status[] = {NULL, "suspended", "bogus"};
	char name[64], dn[128];

	for (unsigned i = 0; i < n; i++) {
		rbac_account_init(&a[i]);
		/* 1 in 50 claims the uid of the account before it. */
		user_name(i % 50 == 49 ? i - 1 : i, name, sizeof(name));
		snprintf(dn, sizeof(dn), "uid=%s,ou=people%u,dc=example,dc=org", name, i);
		a[i].uid = strdup(name);
		a[i].dn = strdup(dn);
		need(a[i].uid && a[i].dn);
		a[i].status = rbac_status_parse(status[i % 41 == 7 ? 1 + i % 2 : 0]);
		if (i % 23 == 5)
			need(rbac_time_bound_set(&a[i].valid_until, "20300101000000Z") == 0);
		if (i % 29 == 3)
			need(rbac_time_bound_set(&a[i].valid_from, "20200101000000Z") == 0);
		if (i % 31 == 9)
			need(rbac_time_bound_set(&a[i].valid_from, "not-a-time") == 0);
		a[i].locked = i % 37 == 11;
	}
}

static void add_members(struct rbac_role *r, unsigned accounts)
{
	char name[64];
	unsigned k = 2 + rnd(4);

	for (unsigned j = 0; j < k; j++) {
		user_name(rnd(accounts + accounts / 20 + 1), name,
			  sizeof(name)); /* some unknown */
		need(rbac_strlist_add(&r->members, name) == 0);
		if (rnd(30) == 0)
			need(rbac_strlist_add(&r->members, name) == 0); /* listed twice */
	}
}

static void add_perms(struct rbac_role *r)
{
	static const char *const perms[] = {"host.login", "sudo.*", "sudo.all", "ssh.x", "*"};

	need(rbac_strlist_add(&r->permissions, perms[rnd(5)]) == 0);
	if (rnd(4) == 0)
		need(rbac_strlist_add(&r->permissions, perms[rnd(5)]) == 0);
	if (rnd(10) == 0)
		need(rbac_strlist_add(&r->restrictions, perms[rnd(4)]) == 0);
}

/* Clusters of ten roles: each inherits one or two earlier roles of its
 * cluster; now and then a missing role, or a cycle through the cluster. */
static void add_inherits(struct rbac_role *r, unsigned i, char names[][64])
{
	unsigned pos = i % 10;

	if (pos > 0 && rnd(20) == 0) {
		char upper[64];
		const char *from = names[i - 1 - rnd(pos)];
		size_t k;

		for (k = 0; from[k] != '\0' && k + 1 < sizeof(upper); k++)
			upper[k] = (char)toupper((unsigned char)from[k]);
		upper[k] = '\0';
		need(rbac_strlist_add(&r->inherits, upper) == 0); /* cn is case-blind */
	} else if (pos > 0) {
		need(rbac_strlist_add(&r->inherits, names[i - 1 - rnd(pos)]) == 0);
	}
	if (pos > 2 && rnd(2) == 0)
		need(rbac_strlist_add(&r->inherits, names[i - 1 - rnd(pos)]) == 0);
	if (rnd(100) == 0)
		need(rbac_strlist_add(&r->inherits, "no-such-role") == 0);
	if (pos == 0 && rnd(50) == 0)
		need(rbac_strlist_add(&r->inherits, names[i + 5]) == 0);
}

/* Names are not in creation order, so the plan's sort matters; some are
 * not valid group names, some differ only in case. */
static void role_name(unsigned i, char *buf, size_t len)
{
	unsigned h = (i * 2654435761u) >> 8;

	if (i % 307 == 100) /* the role before it, in another case */
		snprintf(buf, len, "ROLE-%06X", ((i - 1) * 2654435761u) >> 8);
	else if (i % 211 == 17)
		snprintf(buf, len, "Role-%06x", h);
	else if (i % 173 == 5)
		snprintf(buf, len, "role-%06x-with-a-name-much-too-long-for-a-group", h);
	else
		snprintf(buf, len, "role-%06x", h);
}

static void make_namespace(struct rbac_namespace *ns, const char *name, unsigned n,
			   unsigned accounts, bool inherit, unsigned gid_span,
			   const struct rbac_logger *lg)
{
	char(*names)[64] = calloc(n + 10, sizeof(*names));
	char dn[128];

	need(names != NULL);
	rbac_namespace_init(ns);
	ns->name = strdup(name);
	ns->dn = strdup("cn=ns,ou=rbac,dc=example,dc=org");
	need(ns->name && ns->dn);
	for (unsigned i = 0; i < n + 10; i++)
		role_name(i, names[i], sizeof(names[i]));
	for (unsigned i = 0; i < n; i++) {
		struct rbac_role *r;

		snprintf(dn, sizeof(dn), "cn=%s,cn=%s,ou=rbac,dc=example,dc=org", names[i],
			 name);
		r = rbac_namespace_add_role(ns, names[i], dn);
		need(r != NULL);
		add_members(r, accounts);
		add_perms(r);
		if (inherit)
			add_inherits(r, i, names);
		if (rnd(2) == 0) {
			r->has_gid = true;
			r->gid = 900000 + rnd(gid_span + gid_span / 10); /* some out of range */
		}
	}
	if (inherit && rnd(2) == 0) {
		ns->has_master = true;
		need(rbac_strlist_add(&ns->master, "host.*") == 0);
		need(rbac_strlist_add(&ns->master, "sudo.all") == 0);
	}
	free(names);
	need(rbac_namespace_resolve(ns, lg) >= 0);
}

static int write_image(const char *dir, const char *name, const struct rbac_snapshot_image *img)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(img->data, 1, img->len, f) != img->len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char *const perms[] = {"host.login", "sudo.all", "ssh.x", "db.read"};
	struct rbac_namespace ns, global;
	struct rbac_snapshot_image groups, accounts;
	struct rbac_account *acc;
	struct rbac_logger lg = {log_line, NULL, true};
	char path[4096];
	unsigned roles, n_acc;
	bool mixed, same;
	double t0, t1;
	int rc;

	if (argc != 5) {
		fprintf(stderr,
			"usage: snapwrite plain|mixed|samename ROLES ACCOUNTS OUTDIR\n");
		return 2;
	}
	mixed = strcmp(argv[1], "mixed") == 0;
	same = strcmp(argv[1], "samename") == 0;
	roles = (unsigned)strtoul(argv[2], NULL, 10);
	n_acc = (unsigned)strtoul(argv[3], NULL, 10);
	snprintf(path, sizeof(path), "%s/log", argv[4]);
	lg.ctx = fopen(path, "w");
	need(lg.ctx != NULL);
	rng_state = roles * 1000003ULL + n_acc;
	acc = calloc(n_acc + 1, sizeof(*acc));
	need(acc != NULL);
	make_accounts(acc, n_acc);
	/* mixed: gids drawn from a range of 4 per role, so some clash. */
	make_namespace(&ns, "eng", roles, n_acc, mixed || same, mixed ? 4 * roles + 4 : 99999,
		       &lg);
	make_namespace(&global, "global", roles / 10 + 1, n_acc, mixed,
		       mixed ? 4 * roles + 4 : 99999, &lg);

	struct rbac_snapshot_options o = {
	    .group_format = same ? "g-%n" : "rbac-%r",
	    .global_group_format = mixed ? "rbac-%r" : "rbac-global-%r",
	    .gid_min = 900000,
	    .gid_max = mixed ? 900000 + 4 * roles + 4 : 999999,
	    .expand_inherited = mixed || same,
	    .stale_after = 259200,
	    .generation = 7,
	    .now = 1798761599,
	    .permissions = perms,
	    .n_permissions = 4,
	};
	struct rbac_snapshot_model m = {&ns, mixed ? &global : NULL, acc, n_acc};

	t0 = seconds();
	rc = rbac_snapshot_build(&m, &o, &lg, &groups, &accounts);
	t1 = seconds();
	if (rc != 0)
		return 1;
	printf("%u %.3f\n", roles, t1 - t0);
	if (write_image(argv[4], "groups.db", &groups) != 0 ||
	    write_image(argv[4], "accounts.db", &accounts) != 0)
		return 1;
	fclose(lg.ctx);
	rbac_snapshot_image_free(&groups);
	rbac_snapshot_image_free(&accounts);
	for (unsigned i = 0; i < n_acc; i++)
		rbac_account_free(&acc[i]);
	free(acc);
	rbac_namespace_free(&ns);
	rbac_namespace_free(&global);
	return 0;
}
