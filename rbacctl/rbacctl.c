/*
 * rbacctl.c - the admin's command-line tool (DESIGN.md §9).
 *
 *   rbacctl [-c CONF] [--json] COMMAND [ARGS]
 *
 * Global options come before the command; each command parses its own
 * options with getopt_long. A command is one entry of `commands` below:
 * adding one is adding a function and a line there. The read commands
 * live in cmd_*.c (rbacctl.h); refresh is here.
 *
 * Exit codes: one set for every command, in rbacctl.h (rbacctl(8), EXIT
 * STATUS).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rbac_config.h"
#include "rbac_facts.h"
#include "rbac_ldap.h"
#include "rbac_log.h"
#include "rbac_snapshot_write.h"
#include "rbacctl.h"

struct command {
	const char *name;
	int (*run)(struct rbacctl *ctl, int argc, char **argv);
	const char *args;
	const char *summary;
};

static int cmd_refresh(struct rbacctl *ctl, int argc, char **argv);

static const struct command commands[] = {
    {"refresh", cmd_refresh, "[--cache-dir DIR] [--quiet] [--verbose]",
     "read the directory and write the local snapshot (groups.db, accounts.db)"},
    {"check", cmd_check, "USER [--service S | --permission P] [--namespace NS] [--json]",
     "what pam_rbac would decide for USER now, and why"},
    {"roles", cmd_roles, "USER [--namespace NS] [--json]",
     "the roles USER holds, directly or inherited, and their groups"},
    {"members", cmd_members, "ROLE [--namespace NS] [--json]",
     "who holds ROLE (or NS/ROLE), directly or through a role that inherits it"},
    {"permissions", cmd_permissions, "ROLE [--namespace NS] [--json]",
     "the effective permissions of ROLE, their origin, and what was removed"},
    {"lint", cmd_lint, "[--namespace NS] [--json]",
     "report mistakes in the directory (exit 1 when there are any)"},
    {"report", cmd_report,
     "users|privileged|inactive [--output FILE] [--namespace NS] [--json]",
     "CSV (RFC 4180) for an access review"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: %s [-c CONF] [--json] COMMAND [ARGS]\n\n", PROG);
	fprintf(out, "options:\n  -c, --config CONF  configuration file (default %s)\n",
		rbac_config_default_path());
	fprintf(out, "  -j, --json         JSON output from the read commands\n");
	fprintf(out, "  -h, --help         this help\n  -V, --version      the version\n\n");
	fprintf(out, "commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %s %s\n      %s\n", commands[i].name, commands[i].args,
			commands[i].summary);
	fprintf(out, "\nexit codes: 0 ok; 1 check: denied, lint: findings; 2 error.\n"
		     "refresh: 0 ok, 1 failed, 2 usage, 3 configuration error, "
		     "4 directory unavailable\n");
}

/* "rbacctl: WHAT 'ARG'" (or just WHAT) and a hint; the usage exit code. */
static int usage_error(const char *what, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "%s: %s '%s'\nTry '%s --help'.\n", PROG, what, arg, PROG);
	else
		fprintf(stderr, "%s: %s\nTry '%s --help'.\n", PROG, what, PROG);
	return EXIT_ERROR;
}

static void say_error(const char *message)
{
	rbac_log_stderr((void *)PROG, LOG_ERR, message);
}

/* Reads and checks the configuration: the file must be root-owned and
 * not writable by others (rbac_config_load). */
static int load_config(struct rbacctl *ctl)
{
	char err[RBAC_ERRLEN];

	rbac_config_init(&ctl->cfg);
	if (rbac_config_load(ctl->config_path, &ctl->cfg, err, sizeof(err)) != 0 ||
	    rbac_config_validate(&ctl->cfg, err, sizeof(err)) != 0) {
		say_error(err);
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

/* ---------------------------------------------------------------- refresh */

struct refresh_opts {
	const char *cache_dir;
	bool quiet;
};

static int parse_refresh_args(struct rbacctl *ctl, int argc, char **argv,
			      struct refresh_opts *o)
{
	static const struct option longopts[] = {
	    {"cache-dir", required_argument, NULL, 'C'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	o->cache_dir = RBAC_CACHE_DIR;
	optind = 1;
	while ((c = getopt_long(argc, argv, "C:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			o->cache_dir = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			ctl->lg.debug = true;
			break;
		case 'h':
			printf("usage: %s [-c CONF] refresh %s\n", PROG, commands[0].args);
			printf("  --cache-dir DIR  where to write (default %s)\n",
			       RBAC_CACHE_DIR);
			printf("  --quiet          print nothing on success\n");
			printf(
			    "  --verbose        also say why users are members of nothing\n");
			return -1;
		default:
			return EXIT_ERROR;
		}
	}
	if (optind != argc)
		return usage_error("refresh: unexpected argument", argv[optind]);
	return EXIT_OK;
}

/* The exit code for a directory result, with the message an admin needs. */
static int directory_failed(enum rbac_dir_result r, const char *what, const char *name)
{
	char quoted[RBAC_LOG_QUOTE_BUFSZ], msg[2 * RBAC_LOG_QUOTE_BUFSZ];

	rbac_log_quote(quoted, sizeof(quoted), name);
	if (r == RBAC_DIR_UNAVAILABLE) {
		snprintf(msg, sizeof(msg),
			 "directory unavailable while reading %s \"%s\"; "
			 "the previous snapshot is kept",
			 what, quoted);
		say_error(msg);
		return EXIT_UNAVAILABLE;
	}
	if (r == RBAC_DIR_NOT_FOUND)
		snprintf(msg, sizeof(msg),
			 "%s \"%s\" not found in the directory; "
			 "the previous snapshot is kept",
			 what, quoted);
	else
		snprintf(msg, sizeof(msg),
			 "cannot read %s \"%s\" from the directory; "
			 "the previous snapshot is kept",
			 what, quoted);
	say_error(msg);
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
		return directory_failed(d->failed_result, "global namespace",
					ctl->cfg.global_namespace);
	if (d->failed == RBAC_FACTS_READ_ACCOUNTS)
		return directory_failed(d->failed_result, "accounts under",
					ctl->cfg.ldap.user_base);
	return directory_failed(d->failed_result, "namespace", ctl->cfg.namespace_name);
}

static int write_image(const char *dir, const char *name, mode_t mode,
		       const struct rbac_snapshot_image *img)
{
	char err[RBAC_ERRLEN + 64];

	if (rbac_snapshot_write_file(dir, name, mode, img->data, img->len, err, sizeof(err)) ==
	    0)
		return EXIT_OK;
	say_error(err);
	return EXIT_NO;
}

static int ensure_cache_dir(const char *dir)
{
	char msg[RBAC_ERRLEN];

	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return EXIT_OK;
	snprintf(msg, sizeof(msg), "cannot create %s: %s", dir, strerror(errno));
	say_error(msg);
	return EXIT_NO;
}

static void fill_options(const struct rbacctl *ctl, const struct refresh_opts *ro,
			 struct rbac_snapshot_options *o)
{
	char path[4096];

	memset(o, 0, sizeof(*o));
	o->group_format = ctl->cfg.nss.group_format;
	o->global_group_format = ctl->cfg.nss.global_group_format;
	o->gid_min = ctl->cfg.nss.gid_min;
	o->gid_max = ctl->cfg.nss.gid_max;
	o->expand_inherited = ctl->cfg.nss.expand_inherited;
	o->stale_after = ctl->cfg.cache.stale_after;
	o->now = time(NULL);
	snprintf(path, sizeof(path), "%s/%s", ro->cache_dir, RBAC_SNAPSHOT_GROUPS_FILE);
	o->generation = rbac_snapshot_previous_generation(path, RBAC_SNAPSHOT_GROUPS) + 1;
}

static int write_snapshot(struct rbacctl *ctl, const struct refresh_opts *ro,
			  const struct rbac_facts *d)
{
	struct rbac_snapshot_model m = {&d->ns, d->has_global ? &d->global : NULL, d->accounts,
					d->n_accounts};
	struct rbac_snapshot_image groups = {0}, accounts = {0};
	struct rbac_snapshot_options o;
	const char *perms[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	int rc = EXIT_NO;

	fill_options(ctl, ro, &o);
	o.permissions = perms;
	o.n_permissions = rbac_config_pam_permission_values(&ctl->cfg, perms,
							    RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	if (rbac_snapshot_build_groups(&m, &o, &ctl->lg, &groups) == 0 &&
	    rbac_snapshot_build_accounts(&m, &o, &ctl->lg, &accounts) == 0 &&
	    ensure_cache_dir(ro->cache_dir) == EXIT_OK &&
	    write_image(ro->cache_dir, RBAC_SNAPSHOT_ACCOUNTS_FILE, 0600, &accounts) ==
		EXIT_OK &&
	    write_image(ro->cache_dir, RBAC_SNAPSHOT_GROUPS_FILE, 0644, &groups) == EXIT_OK)
		rc = EXIT_OK;
	if (rc == EXIT_OK && !ro->quiet)
		printf("%s: wrote %s/%s (generation %llu): %zu groups, %zu roles skipped, "
		       "%zu members, %zu memberships; %s: %zu accounts\n",
		       PROG, ro->cache_dir, RBAC_SNAPSHOT_GROUPS_FILE,
		       (unsigned long long)o.generation, groups.groups, groups.skipped_roles,
		       groups.users, groups.memberships, RBAC_SNAPSHOT_ACCOUNTS_FILE,
		       accounts.users);
	rbac_snapshot_image_free(&groups);
	rbac_snapshot_image_free(&accounts);
	return rc;
}

static int cmd_refresh(struct rbacctl *ctl, int argc, char **argv)
{
	struct rbac_facts d;
	struct refresh_opts ro = {0};
	struct rbac_dir *dir;
	int rc = parse_refresh_args(ctl, argc, argv, &ro);

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	rc = load_config(ctl);
	if (rc != EXIT_OK)
		return rc;
	if (geteuid() != 0)
		rbac_log(&ctl->lg, LOG_WARNING,
			 "not running as root: libnss_rbac refuses a "
			 "snapshot that is not owned by root");
	dir = rbac_dir_new(&ctl->cfg, &ctl->lg);
	if (dir == NULL) {
		say_error("out of memory");
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

/* ------------------------------------------------------------------ main */

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* Global options; returns the index of the command word, or -1 (done,
 * *rc set). */
static int parse_global_args(struct rbacctl *ctl, int argc, char **argv, int *rc)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*rc = EXIT_OK;
	while ((c = getopt_long(argc, argv, "+c:jhV", longopts, NULL)) != -1) {
		if (c == 'c') {
			ctl->config_path = optarg;
			continue;
		}
		if (c == 'j') {
			ctl->json = true;
			continue;
		}
		if (c == 'h')
			usage(stdout);
		else if (c == 'V')
			printf("%s %s\n", PROG, PACKAGE_VERSION);
		else
			*rc = EXIT_ERROR;
		return -1;
	}
	if (optind >= argc) {
		*rc = usage_error("no command given", NULL);
		return -1;
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct rbacctl ctl = {.lg = {rbac_log_stderr, (void *)PROG, false}};
	const struct command *cmd;
	int rc, at;

	at = parse_global_args(&ctl, argc, argv, &rc);
	if (at < 0)
		return rc;
	if (ctl.config_path == NULL)
		ctl.config_path = rbac_config_default_path();
	cmd = find_command(argv[at]);
	if (cmd == NULL)
		return usage_error("unknown command", argv[at]);
	rc = cmd->run(&ctl, argc - at, argv + at);
	rbac_config_free(&ctl.cfg);
	return rc;
}
