/*
 * status-fixture.c - snapshots with known sync fields for
 * rbacctl-status.test, written through the writers' own API
 * (rbac_publish, rbac_publish_proof, rbac_writer_lock):
 *
 *   status-fixture publish DIR SOURCE WRITTEN_AGO STALE_AFTER SYNCED_AGO
 *                  [APPLIED CONTEXT SERVER]
 *       the example directory as a snapshot of SOURCE (refresh|syncd),
 *       written WRITTEN_AGO seconds ago, stale after STALE_AFTER seconds,
 *       proven SYNCED_AGO seconds ago ("never": not proven), with the
 *       CSN vectors and the server URI ("-": absent)
 *   status-fixture proof DIR SYNCED_AGO
 *       the proof block of both files updated in place
 *   status-fixture hold DIR NAME
 *       takes the writer lock as a process named NAME (its comm and what
 *       it writes into the lock file), prints "held" and waits for a
 *       signal
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "rbac_publish.h"

/* A small directory: namespace eng, roles admin (alice) and user (alice,
 * bob), accounts alice and bob, active. */
struct small {
	struct rbac_namespace ns;
	struct rbac_account accounts[2];
	struct rbac_snapshot_model model;
};

static void need(bool ok)
{
	if (!ok) {
		fprintf(stderr, "status-fixture: cannot build the model\n");
		exit(99);
	}
}

static void add_role(struct rbac_namespace *ns, const char *name, const char *members)
{
	char dn[128], list[64], *save = NULL;
	struct rbac_role *r;

	snprintf(dn, sizeof(dn), "cn=%s,cn=eng,ou=rbac,dc=example,dc=org", name);
	r = rbac_namespace_add_role(ns, name, dn);
	need(r != NULL && rbac_strlist_add(&r->permissions, "host.login") == 0);
	snprintf(list, sizeof(list), "%s", members);
	for (char *m = strtok_r(list, " ", &save); m != NULL; m = strtok_r(NULL, " ", &save))
		need(rbac_strlist_add(&r->members, m) == 0);
}

static void small_build(struct small *d)
{
	static const char *const uids[] = {"alice", "bob"};
	struct rbac_logger quiet = {NULL, NULL, false};

	rbac_namespace_init(&d->ns);
	d->ns.name = strdup("eng");
	d->ns.dn = strdup("cn=eng,ou=rbac,dc=example,dc=org");
	need(d->ns.name != NULL && d->ns.dn != NULL);
	add_role(&d->ns, "admin", "alice");
	add_role(&d->ns, "user", "alice bob");
	need(rbac_namespace_resolve(&d->ns, &quiet) == 0);
	for (size_t i = 0; i < 2; i++) {
		char dn[128];

		rbac_account_init(&d->accounts[i]);
		snprintf(dn, sizeof(dn), "uid=%s,ou=people,dc=example,dc=org", uids[i]);
		d->accounts[i].uid = strdup(uids[i]);
		d->accounts[i].dn = strdup(dn);
		need(d->accounts[i].uid != NULL && d->accounts[i].dn != NULL);
		d->accounts[i].status = RBAC_STATUS_ACTIVE;
	}
	d->model = (struct rbac_snapshot_model){&d->ns, NULL, d->accounts, 2};
}

static void small_free(struct small *d)
{
	for (size_t i = 0; i < 2; i++)
		rbac_account_free(&d->accounts[i]);
	rbac_namespace_free(&d->ns);
}

static int64_t ago(const char *s)
{
	return strcmp(s, "never") == 0 ? INT64_MIN : (int64_t)time(NULL) - atoll(s);
}

static const char *absent_or(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

static int publish(char **argv, int argc)
{
	static const char *const permissions[] = {"host.login"};
	struct rbac_snapshot_sync sync = {0};
	struct rbac_snapshot_options o = {
	    .group_format = "rbac-%r",
	    .global_group_format = "rbac-global-%r",
	    .gid_min = 900000,
	    .gid_max = 999999,
	    .expand_inherited = true,
	    .permissions = permissions,
	    .n_permissions = 1,
	    .sync = &sync,
	};
	struct rbac_publish_result r;
	char err[8192];
	struct small d;
	int rc;

	small_build(&d);
	o.now = time(NULL) - atol(argv[3]);
	o.stale_after = atol(argv[4]);
	sync.source = strcmp(argv[2], "syncd") == 0 ? RBAC_SNAPSHOT_SOURCE_SYNCD
						    : RBAC_SNAPSHOT_SOURCE_REFRESH;
	sync.synced_at = ago(argv[5]);
	sync.probe_interval = sync.source == RBAC_SNAPSHOT_SOURCE_SYNCD ? 5 : 0;
	if (argc == 9) {
		sync.applied_csn = absent_or(argv[6]);
		sync.context_csn = absent_or(argv[7]);
		sync.server = absent_or(argv[8]);
	}
	rc = rbac_publish(argv[1], -1, &d.model, &o, 1, NULL, &r, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "status-fixture: %s\n", err);
	else
		printf("generation %llu\n", (unsigned long long)r.generation);
	small_free(&d);
	return rc == 0 ? 0 : 1;
}

static int proof(char **argv)
{
	char err[8192];

	if (rbac_publish_proof(argv[1], ago(argv[2]), err, sizeof(err)) != 0) {
		fprintf(stderr, "status-fixture: %s\n", err);
		return 1;
	}
	return 0;
}

static int hold(char **argv)
{
	char err[8192];
	int fd;

	/* What rbac_writer_lock writes into the file, and /proc/PID/comm. */
	program_invocation_short_name = argv[2];
	prctl(PR_SET_NAME, argv[2], 0, 0, 0);
	fd = rbac_writer_lock(argv[1], err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "status-fixture: %s\n", err);
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	pause();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 7 && strcmp(argv[1], "publish") == 0 && (argc == 7 || argc == 10))
		return publish(argv + 1, argc - 1);
	if (argc == 4 && strcmp(argv[1], "proof") == 0)
		return proof(argv + 1);
	if (argc == 4 && strcmp(argv[1], "hold") == 0)
		return hold(argv + 1);
	fprintf(stderr, "usage: status-fixture publish|proof|hold DIR ... (see the source)\n");
	return 2;
}
