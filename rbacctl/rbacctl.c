/*
 * rbacctl.c - the admin's command-line tool (rbacctl(8)).
 *
 *   rbacctl [-c CONF] [--json] COMMAND [ARGS]
 *
 * Global options come before the command; each command's own go through
 * one parser, ctl_parse_args(), which also knows the read commands' shared
 * --json and --namespace and prints every command's --help from the table.
 * A command is one entry of `commands` below: adding one is adding a
 * function (cmd_*.c, rbacctl.h) and a line there.
 *
 * Exit codes: one set for every command, in rbacctl.h (rbacctl(8), EXIT
 * STATUS).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "rbac_config.h"
#include "rbac_log.h"
#include "rbacctl.h"

static const struct ctl_command commands[] = {
    {"refresh", cmd_refresh, "[--cache-dir DIR] [--quiet] [--verbose]",
     "read the directory and write the local snapshot (groups.v3.db, accounts.v3.db)"},
    {"check", cmd_check,
     "USER [--service S | --permission P] [--source directory|local] [--namespace NS] [--json]",
     "what pam_rbac would decide for USER now, and why"},
    {"roles", cmd_roles, "USER [--namespace NS] [--json]",
     "the roles USER holds, directly or inherited, and their groups"},
    {"members", cmd_members, "ROLE [--namespace NS] [--json]",
     "who holds ROLE (or NS/ROLE), directly or through a role that inherits it"},
    {"permissions", cmd_permissions, "ROLE [--namespace NS] [--json]",
     "the effective permissions of ROLE, their origin, and what was removed"},
    {"lint", cmd_lint, "[--namespace NS] [--json]",
     "report mistakes in the directory (exit 1 when there are any)"},
    {"graph", cmd_graph, "[--namespace NS]",
     "the roles as Graphviz DOT: inheritance, effective permissions, holders, broken "
     "edges in red (rbacctl graph | dot -Tsvg > roles.svg)"},
    {"status", cmd_status, "[--max-lag SECONDS] [--cache-dir DIR] [--json]",
     "the snapshot's age, generation, sync state and lag; 0 usable and current, 1 not"},
    {"verify", cmd_verify, "[--cache-dir DIR] [FILE...]",
     "check snapshot files completely (default: the cache's groups and accounts) and say "
     "what is wrong"},
    {"report", cmd_report,
     "users|privileged|inactive [--output FILE] [--namespace NS] [--json] | "
     "changes --since TIME [--until TIME] [audit's options]",
     "CSV (RFC 4180) for an access review; changes: audit's events of a period"},
    {"import", cmd_import,
     "FILE.csv [--apply] [-D DN (-y FILE | -W) | -Y EXTERNAL] [-H URI] [--dry-run] "
     "[--namespace NS]",
     "check a bulk file (Email,Name,Role,Groups,Status), print its LDIF; --apply: all or "
     "nothing"},
    {"grant", cmd_grant,
     "USER ROLE [--for DURATION | --until TIME] [--ticket TEXT] ADMIN "
     "[--dry-run]",
     "USER holds ROLE: a memberUid, or for a while an rbacAssignment entry; unless a rule "
     "refuses it (rbacctl(8), grant)"},
    {"revoke", cmd_revoke, "USER ROLE ADMIN [--dry-run]",
     "USER no longer holds ROLE (memberUid and assignment entry), unless a rule refuses it"},
    {"suspend", cmd_suspend, "USER --reason TEXT ADMIN [--dry-run]",
     "set USER's rbacAccountStatus to suspended, unless a rule refuses it"},
    {"activate", cmd_activate, "USER ADMIN [--dry-run]",
     "set USER's rbacAccountStatus to active"},
    {"audit", cmd_audit,
     "[--since TIME] [--until TIME] [--json] [--log-base DN] [-D DN (-y FILE | -W) | -Y "
     "EXTERNAL] [-H URI]",
     "the role and account changes of a period, from slapd's accesslog (rbacctl(8), AUDIT)"},
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
	fprintf(out,
		"\nexit codes: 0 ok; 1 check: denied, lint: findings; 2 error.\n"
		"refresh: 0 ok, 1 failed, 2 usage, 3 configuration error, "
		"4 directory unavailable, 6 not configured\n"
		"status: 0 usable (and current), 1 not (or not configured), 2 cannot tell\n"
		"verify: 0 every file passes, 1 one does not, 2 usage or unreadable\n"
		"import: 0 printed or applied, 1 refused by last-admin, 2 bad row or error, "
		"4 no answer\n"
		"ADMIN: -D DN (-y FILE | -W) | -Y EXTERNAL, and -H URI for another server\n"
		"grant, revoke, suspend, activate: 0 done (or nothing to do), 1 refused "
		"by a rule, 2 error, 4 no answer to the write\n");
}

/* ------------------------------------------------------- a command's options */

/* A command's own options at most (suspend has five); the tables below
 * leave room for the shared ones. One beyond it would be refused as
 * unknown, which that command's tests would show at once. */
#define OPTIONS_MAX 12

static void add_option(struct option *lo, char *so, size_t *n, size_t *at, const char *name,
		       int letter, bool value)
{
	lo[*n] = (struct option){name, value ? required_argument : no_argument, NULL, letter};
	(*n)++;
	so[(*at)++] = (char)letter;
	if (value)
		so[(*at)++] = ':';
	so[*at] = '\0';
}

/* A command's own option, when c is one. */
static bool take_option(const struct ctl_option *options, int c)
{
	for (const struct ctl_option *o = options; o != NULL && o->name != NULL; o++) {
		if (o->letter != c)
			continue;
		if (o->value != NULL)
			*o->value = optarg;
		else
			*o->flag = true;
		return true;
	}
	return false;
}

static int show_help(const struct rbacctl *ctl, const struct ctl_args *a)
{
	printf("usage: %s [-c CONF] %s %s\n", PROG, ctl->command->name, ctl->command->args);
	if (a->help != NULL)
		fputs(a->help, stdout);
	return CTL_HELP_SHOWN;
}

int ctl_parse_args(struct rbacctl *ctl, int argc, char **argv, struct ctl_args *a)
{
	struct option lo[OPTIONS_MAX + 4];
	char so[2 * (OPTIONS_MAX + 3) + 2] = "+";
	size_t n = 0, at = a->in_order ? 1 : 0;
	int c;

	for (const struct ctl_option *o = a->options; o != NULL && o->name != NULL; o++)
		if (n < OPTIONS_MAX)
			add_option(lo, so, &n, &at, o->name, o->letter, o->value != NULL);
	if (a->view) {
		add_option(lo, so, &n, &at, "json", 'j', false);
		add_option(lo, so, &n, &at, "namespace", 'n', true);
	}
	add_option(lo, so, &n, &at, "help", 'h', false);
	lo[n] = (struct option){NULL, 0, NULL, 0};
	optind = 0; /* a full restart: main() parsed in "+" mode */
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h')
			return show_help(ctl, a);
		if (a->view && c == 'j')
			ctl->json = true;
		else if (a->view && c == 'n')
			a->namespace_name = optarg;
		else if (!take_option(a->options, c))
			return EXIT_ERROR;
	}
	a->operand = optind;
	return EXIT_OK;
}

/* ------------------------------------------------------------------ main */

static const struct ctl_command *find_command(const char *name)
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
		*rc = ctl_usage(ctl, "no command given");
		return -1;
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct rbacctl ctl = {.lg = {rbac_log_stderr, (void *)PROG, false}};
	const struct ctl_command *cmd;
	int rc, at;

	at = parse_global_args(&ctl, argc, argv, &rc);
	if (at < 0)
		return rc;
	if (ctl.config_path == NULL)
		ctl.config_path = rbac_config_default_path();
	cmd = find_command(argv[at]);
	if (cmd == NULL)
		return ctl_usage(&ctl, "unknown command '%s'", argv[at]);
	ctl.command = cmd;
	rc = cmd->run(&ctl, argc - at, argv + at);
	rbac_config_free(&ctl.cfg);
	return rc;
}
