/*
 * local-agree.c - for rbacctl-local.test: every account of the directory,
 * every permission of pam.permissions and its default, decided from the
 * directory and from the local state, must agree.
 *
 *   local-agree CONF ACCOUNTS_DB
 *
 * The directory's answer is rbac_decide() on one read of the whole
 * directory (the host and global namespaces with every role, every
 * account: rbac_facts_account_input, as `rbacctl report` decides each
 * account); the local one is rbac_facts_local_from() on ACCOUNTS_DB, the
 * call pam_rbac and `rbacctl check` make, which must answer for every
 * account (the state is proven current by the caller). Prints one line per
 * disagreement or unanswered question and a summary; exits 0 when all
 * agree, 1 when not, 99 when it cannot run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rbac_config.h"
#include "rbac_facts.h"
#include "rbac_ldap.h"
#include "rbac_snapshot.h"

struct directory {
	struct rbac_namespace ns, global;
	bool has_global;
	struct rbac_account *accounts;
	size_t n_accounts;
};

static void die(const char *what)
{
	fprintf(stderr, "local-agree: %s\n", what);
	exit(99);
}

static void read_directory(const struct rbac_config *cfg, const struct rbac_logger *lg,
			   struct directory *d)
{
	struct rbac_dir *dir = rbac_dir_new(cfg, lg);
	enum rbac_dir_result r;

	rbac_namespace_init(&d->ns);
	rbac_namespace_init(&d->global);
	d->has_global = false; /* no global_namespace configured */
	if (dir == NULL)
		die("out of memory");
	if (rbac_dir_load_namespace(dir, cfg->namespace_name, NULL, &d->ns) != RBAC_DIR_OK)
		die("cannot read the namespace");
	if (cfg->global_namespace != NULL) {
		r = rbac_dir_load_namespace(dir, cfg->global_namespace, NULL, &d->global);
		if (r != RBAC_DIR_OK && r != RBAC_DIR_NOT_FOUND)
			die("cannot read the global namespace");
		d->has_global = r == RBAC_DIR_OK;
	}
	if (rbac_dir_load_accounts(dir, &d->accounts, &d->n_accounts) != RBAC_DIR_OK)
		die("cannot read the accounts");
	rbac_dir_free(dir);
}

/* Two entries claim the uid: the directory's answer is invalid_entry. */
static bool claimed_twice(const struct directory *d, size_t i)
{
	for (size_t j = 0; j < d->n_accounts; j++)
		if (j != i && strcmp(d->accounts[j].uid, d->accounts[i].uid) == 0)
			return true;
	return false;
}

static void directory_decides(const struct directory *d, size_t i, bool twice,
			      const struct rbac_config *cfg, const char *perm, time_t now,
			      struct rbac_decision *out)
{
	struct rbac_decision_input in;

	rbac_facts_account_input(&d->ns, d->has_global ? &d->global : NULL, &d->accounts[i],
				 twice, cfg, perm, now, &in);
	rbac_decide(&in, out);
}

/* 0 when the two agree, 1 when not (said on stdout). */
static int compare(const struct directory *d, size_t i, bool twice,
		   const struct rbac_config *cfg, const struct rbac_snapshot *snap,
		   const char *path, const char *perm, time_t now)
{
	const char *uid = d->accounts[i].uid;
	struct rbac_facts_request rq = {.cfg = cfg, .user = uid};
	struct rbac_decision dd, ld;
	struct rbac_facts_local why;
	struct rbac_facts f;
	int bad = 0;

	rbac_facts_init(&f);
	directory_decides(d, i, twice, cfg, perm, now, &dd);
	if (!rbac_facts_screen(&f, cfg, uid, RBAC_CONFIG_LOADED)) {
		rbac_facts_free(&f);
		return 0; /* exempt or no login name: decided before either source */
	}
	if (!rbac_facts_local_from(&f, &rq, snap, path, perm, now, &why)) {
		printf("%s %s: the local state does not answer: %s\n", uid, perm, why.text);
		bad = 1;
	} else {
		rbac_facts_decide(&f, cfg, perm, now, &ld);
		if (ld.reason != dd.reason || ld.pam_code != dd.pam_code) {
			printf("%s %s: directory %s (%d), local %s (%d)\n", uid, perm,
			       rbac_reason_name(dd.reason), dd.pam_code,
			       rbac_reason_name(ld.reason), ld.pam_code);
			bad = 1;
		}
	}
	rbac_facts_free(&f);
	return bad;
}

int main(int argc, char **argv)
{
	const char *perms[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	struct rbac_logger lg = {NULL, NULL, false};
	struct rbac_snapshot_file sf;
	struct rbac_config cfg;
	struct directory d = {0};
	char err[RBAC_ERRLEN + 64];
	size_t n_perms, bad = 0, asked = 0;
	time_t now = time(NULL);

	if (argc != 3)
		die("usage: local-agree CONF ACCOUNTS_DB");
	rbac_config_init(&cfg);
	if (rbac_config_load(argv[1], &cfg, err, sizeof(err)) < 0)
		die(err);
	if (rbac_snapshot_open_mode(&sf, argv[2], RBAC_SNAPSHOT_ACCOUNTS, getuid(),
				    RBAC_FILE_PRIVATE, now, err,
				    sizeof(err)) != RBAC_SNAPSHOT_OK)
		die(err);
	read_directory(&cfg, &lg, &d);
	n_perms =
	    rbac_config_pam_permission_values(&cfg, perms, RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	for (size_t i = 0; i < d.n_accounts; i++) {
		bool twice = claimed_twice(&d, i);

		for (size_t p = 0; p < n_perms; p++, asked++)
			bad += (size_t)compare(&d, i, twice, &cfg, &sf.snap, argv[2], perms[p],
					       now);
	}
	printf("%zu accounts, %zu permissions, %zu decisions, %zu disagree\n", d.n_accounts,
	       n_perms, asked, bad);
	rbac_snapshot_close(&sf);
	rbac_accounts_free(d.accounts, d.n_accounts);
	rbac_namespace_free(&d.ns);
	rbac_namespace_free(&d.global);
	rbac_config_free(&cfg);
	return bad == 0 && asked > 0 ? 0 : 1;
}
