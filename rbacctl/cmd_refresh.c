/*
 * cmd_refresh.c - rbacctl refresh: read the directory as pam_rbac reads it
 * and write the local snapshot (groups.v3.db for libnss_rbac, accounts.v3.db
 * for pam_rbac's offline and local decisions, and the previous version's
 * files beside them; nss_rbac(8), RBACCTL REFRESH) through rbac_publish(),
 * under the writer lock that rbac-syncd holds while it runs.
 *
 * It runs from a timer, so its exit codes tell its journal more than the
 * read commands' do (rbacctl.h): 1 not written, 2 usage, 3 configuration,
 * 4 directory unavailable. The configuration is read, and errors are said,
 * as by every other command (ctl_config, ctl_error).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rbac_config.h"
#include "rbac_facts.h"
#include "rbac_ldap.h"
#include "rbac_log.h"
#include "rbac_publish.h"
#include "rbacctl.h"

struct refresh_opts {
	const char *cache_dir;
	bool quiet;
};

static int parse_refresh_args(struct rbacctl *ctl, int argc, char **argv,
			      struct refresh_opts *o)
{
	const struct ctl_option options[] = {
	    {"cache-dir", 'C', &o->cache_dir, NULL},
	    {"quiet", 'q', NULL, &o->quiet},
	    {"verbose", 'v', NULL, &ctl->lg.debug},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {
	    .options = options,
	    .in_order = true,
	    .help = "  --cache-dir DIR  where to write (default " RBAC_CACHE_DIR ")\n"
		    "  --quiet          print nothing on success\n"
		    "  --verbose        also say why users are members of nothing\n",
	};
	int rc;

	o->cache_dir = RBAC_CACHE_DIR;
	rc = ctl_parse_args(ctl, argc, argv, &a);
	if (rc != EXIT_OK)
		return rc;
	if (a.operand != argc)
		return ctl_usage(ctl, "refresh: unexpected argument '%s'", argv[a.operand]);
	return EXIT_OK;
}

/* The exit code for a directory result, with the message an admin needs. */
static int directory_failed(const struct rbacctl *ctl, enum rbac_dir_result r, const char *what,
			    const char *name)
{
	char quoted[RBAC_LOG_QUOTE_BUFSZ];

	rbac_log_quote(quoted, sizeof(quoted), name);
	if (r == RBAC_DIR_UNAVAILABLE) {
		ctl_error(ctl,
			  "directory unavailable while reading %s \"%s\"; "
			  "the previous snapshot is kept",
			  what, quoted);
		return EXIT_UNAVAILABLE;
	}
	if (r == RBAC_DIR_NOT_FOUND)
		ctl_error(ctl,
			  "%s \"%s\" not found in the directory; "
			  "the previous snapshot is kept",
			  what, quoted);
	else
		ctl_error(ctl,
			  "cannot read %s \"%s\" from the directory; "
			  "the previous snapshot is kept",
			  what, quoted);
	return EXIT_NO;
}

static void no_global_groups(void *ctx, const char *name)
{
	struct rbacctl *ctl = ctx;

	rbac_log(&ctl->lg, LOG_WARNING,
		 "global namespace \"%s\" not found; no global role groups", name);
}

/* What the snapshot is made of, read as pam_rbac and rbacctl check read it
 * (rbac_facts_read): every role of both namespaces, every account. */
static int read_directory(struct rbacctl *ctl, struct rbac_dir *dir, struct rbac_facts *d)
{
	struct rbac_facts_request rq = {
	    .cfg = &ctl->cfg,
	    .lg = &ctl->lg,
	    .roles = RBAC_FACTS_ALL_ROLES,
	    .all_accounts = true,
	    .global_missing = no_global_groups,
	    .ctx = ctl,
	};

	rbac_facts_read(d, &rq, dir);
	if (d->outcome == RBAC_FACTS_ANSWERED)
		return EXIT_OK;
	if (d->failed == RBAC_FACTS_READ_GLOBAL)
		return directory_failed(ctl, d->failed_result, "global namespace",
					ctl->cfg.global_namespace);
	if (d->failed == RBAC_FACTS_READ_ACCOUNTS)
		return directory_failed(ctl, d->failed_result, "accounts under",
					ctl->cfg.ldap.user_base);
	return directory_failed(ctl, d->failed_result, "namespace", ctl->cfg.namespace_name);
}

static void fill_options(const struct rbacctl *ctl, struct rbac_snapshot_options *o)
{
	memset(o, 0, sizeof(*o));
	o->group_format = ctl->cfg.nss.group_format;
	o->global_group_format = ctl->cfg.nss.global_group_format;
	o->gid_min = ctl->cfg.nss.gid_min;
	o->gid_max = ctl->cfg.nss.gid_max;
	o->expand_inherited = ctl->cfg.nss.expand_inherited;
	o->stale_after = ctl->cfg.cache.stale_after;
	o->now = time(NULL);
}

static int write_snapshot(struct rbacctl *ctl, const struct refresh_opts *ro,
			  const struct rbac_facts *d)
{
	struct rbac_snapshot_model m = {&d->ns, d->has_global ? &d->global : NULL, d->accounts,
					d->n_accounts};
	struct rbac_publish_result r;
	struct rbac_snapshot_options o;
	const char *perms[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	char err[RBAC_ERRLEN + 4096];

	fill_options(ctl, &o);
	o.permissions = perms;
	o.n_permissions = rbac_config_pam_permission_values(&ctl->cfg, perms,
							    RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	if (rbac_publish(ro->cache_dir, -1, &m, &o, ctl->cfg.cache.previous_versions, &ctl->lg,
			 &r, err, sizeof(err)) != 0) {
		ctl_error(ctl, "%s", err);
		return EXIT_NO;
	}
	rbac_log(
	    &ctl->lg, LOG_DEBUG,
	    "snapshot built in %.1f ms; written, read back, verified and renamed in %.1f ms",
	    r.build_ms, r.write_ms);
	if (!ro->quiet)
		printf("%s: wrote %s/%s (generation %llu): %zu groups, %zu roles skipped, "
		       "%zu members, %zu memberships; %s: %zu accounts\n",
		       PROG, ro->cache_dir, RBAC_SNAPSHOT_GROUPS_FILE,
		       (unsigned long long)r.generation, r.groups, r.skipped_roles, r.users,
		       r.memberships, RBAC_SNAPSHOT_ACCOUNTS_FILE, r.accounts);
	return EXIT_OK;
}

int cmd_refresh(struct rbacctl *ctl, int argc, char **argv)
{
	struct rbac_facts d;
	struct refresh_opts ro = {0};
	struct rbac_dir *dir;
	int rc = parse_refresh_args(ctl, argc, argv, &ro);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	/* Its lines end up in a journal beside its logger's "warning: " ones. */
	ctl->error_word = "error: ";
	ctl->takes_unconfigured = true;
	if (ctl_config(ctl, NULL) != EXIT_OK)
		return EXIT_CONFIG;
	if (ctl->config == RBAC_CONFIG_NOT_CONFIGURED) {
		char text[1024];

		/* Not an error word: nothing is wrong until an admin sets it up. */
		fprintf(stderr, "%s: %s\n", PROG,
			ctl_not_configured_text(ctl, text, sizeof(text)));
		return EXIT_NOT_CONFIGURED;
	}
	if (geteuid() != 0)
		rbac_log(&ctl->lg, LOG_WARNING,
			 "not running as root: libnss_rbac refuses a "
			 "snapshot that is not owned by root");
	dir = rbac_dir_new(&ctl->cfg, &ctl->lg);
	if (dir == NULL) {
		ctl_error(ctl, "out of memory");
		return EXIT_NO;
	}
	rbac_facts_init(&d);
	rc = read_directory(ctl, dir, &d);
	if (rc == EXIT_OK)
		rc = write_snapshot(ctl, &ro, &d);
	rbac_dir_free(dir);
	rbac_facts_free(&d);
	return rc;
}
