/*
 * rbacctl.h - what the commands of rbacctl share: the context built by
 * main() (rbacctl.c), the exit codes, the directory as the read commands
 * see it (view.c) and the command entry points.
 */
#ifndef RBACCTL_H
#define RBACCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rbac_config.h"
#include "rbac_decision.h"
#include "rbac_ldap.h"
#include "rbac_log.h"
#include "rbac_model.h"

#define PROG "rbacctl"

/* The exit codes of every command (rbacctl(8), EXIT STATUS), one value
 * each. 1 is the answer "no"; the read commands report every error as 2,
 * while refresh, run by a timer whose logs benefit from it, tells a usage
 * error (2) from a configuration error (3) and an unavailable directory (4). */
enum {
	EXIT_OK = 0,	      /* success; check: not denied; lint: no finding */
	EXIT_NO = 1,	      /* check: denied; lint: findings; refresh: not written;
				 status: not usable, or not current */
	EXIT_ERROR = 2,	      /* usage, configuration, directory, unknown user/role, I/O;
				 status: cannot tell (a file absent or unreadable) */
	EXIT_CONFIG = 3,      /* refresh: rbac.conf unreadable, untrusted or invalid */
	EXIT_UNAVAILABLE = 4, /* refresh: no configured server answered */
	/* refresh: rbac.conf is not configured (the packages' default). 6 is
	 * LSB's "program is not configured", which systemd shows as
	 * status=6/NOTCONFIGURED; rbac-refresh.service counts it as success. */
	EXIT_NOT_CONFIGURED = 6,
};

/* What ctl_parse_args() returns after --help: the command then exits
 * EXIT_OK without doing anything else. */
#define CTL_HELP_SHOWN (-1)

struct rbacctl;

/* One command: a function and a line of the command table (rbacctl.c). */
struct ctl_command {
	const char *name;
	int (*run)(struct rbacctl *ctl, int argc, char **argv);
	const char *args; /* the synopsis after the name, for both helps */
	const char *summary;
};

struct rbacctl {
	const struct ctl_command *command; /* the one running */
	const char *config_path;
	struct rbac_config cfg;
	struct rbac_logger lg;
	bool json; /* --json: one JSON document on stdout (rbacctl(8), JSON OUTPUT) */
	/* Before every error line: "error: " for refresh, whose lines end up in
	 * a journal beside its logger's "warning: " lines; NULL for the read
	 * commands, which print the message alone. */
	const char *error_word;
	/* Set by a command before ctl_config() that answers for a host whose
	 * rbac.conf is not configured (check, status, refresh): ctl_config()
	 * then returns EXIT_OK, silent, with cfg at the defaults and config
	 * RBAC_CONFIG_NOT_CONFIGURED. Every other command says so and fails. */
	bool takes_unconfigured;
	enum rbac_config_result config; /* what ctl_config() read */
};

/* The directory as read for one command. */
struct ctl_view {
	struct rbac_dir *dir;
	struct rbac_namespace ns;     /* the host's namespace (or --namespace) */
	struct rbac_namespace global; /* valid when has_global */
	bool has_global;
	struct rbac_account *accounts; /* every rbacAccount, when asked for */
	size_t n_accounts;
	const struct rbac_account **by_uid; /* accounts sorted by uid (strcmp) */
	time_t now;
};

/* ---- rbacctl.c: the options of a command ---- */

/* An option of one command besides the shared ones. */
struct ctl_option {
	const char *name;   /* --NAME */
	int letter;	    /* -L */
	const char **value; /* takes a value, stored here ... */
	bool *flag;	    /* ... or takes none and sets this */
};

/* What a command accepts, and what its arguments said. */
struct ctl_args {
	const struct ctl_option *options; /* its own, up to {NULL}; or NULL */
	bool view;			  /* --json and --namespace NS, as every read command */
	bool in_order;			  /* options stop at the first operand (refresh) */
	const char *help;	    /* lines --help prints after the usage line, or NULL */
	const char *namespace_name; /* out: --namespace, or NULL */
	int operand;		    /* out: argv index of the first operand */
};

/* Parses a command's argv (argv[0] is its name) with getopt_long. --help
 * prints "usage: rbacctl [-c CONF] NAME ARGS" from the command table and
 * a->help, and returns CTL_HELP_SHOWN; an unknown option or a missing
 * value returns EXIT_ERROR after getopt's message; else EXIT_OK. */
int ctl_parse_args(struct rbacctl *ctl, int argc, char **argv, struct ctl_args *a);

/* ---- view.c ---- */

/* "rbacctl: <message>" on stderr, the message made safe for a terminal.
 * While the directory is read (ctl_view_load, ctl_view_capture_begin), the
 * directory layer's messages held back so far end the line. */
void ctl_error(const struct rbacctl *ctl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A usage error: the message and a pointer to --help; returns EXIT_ERROR. */
int ctl_usage(const struct rbacctl *ctl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reads and checks the configuration (a failure names file:line:key);
 * namespace, when not NULL, replaces the config's namespace the way the
 * PAM argument namespace= does. Returns EXIT_OK or EXIT_ERROR (see
 * takes_unconfigured for a file that is not configured). */
int ctl_config(struct rbacctl *ctl, const char *namespace_name);
/* One line for a host that is not configured: what pam_rbac, libnss_rbac
 * and the writers do about it (rbac.conf(5), NOT CONFIGURED). */
const char *ctl_not_configured_text(const struct rbacctl *ctl, char *buf, size_t bufsz);

/* Reads the host namespace, the global namespace (a missing one is a
 * warning, as in pam_rbac) and, with accounts, every rbacAccount entry.
 * On failure prints what the directory layer said and one line naming
 * what could not be read, and returns EXIT_ERROR. On success the directory
 * layer's complaints about the data go to logged when it is not NULL
 * (lint), else they are summed up in one warning. The caller always calls
 * ctl_view_free(). */
int ctl_view_load(struct rbacctl *ctl, struct ctl_view *v, bool accounts,
		  struct rbac_strlist *logged);
/* The same holding back of directory messages around reads of one's own
 * (check): every ctl_error() in between first prints what was held. */
struct ctl_view_capture {
	void *opaque;
};
void ctl_view_capture_begin(struct rbacctl *ctl, struct ctl_view_capture *c);
void ctl_view_capture_end(struct ctl_view_capture *c);
void ctl_view_free(struct ctl_view *v);

/* The accounts whose uid is exactly uid: returns the first, and *count
 * how many entries claim it (two or more is a directory error). */
const struct rbac_account *view_account(const struct ctl_view *v, const char *uid,
					size_t *count);

/* The word for an account's state now (rbac_account_state): "active", or
 * the reason keyword. */
const char *account_state_word(enum rbac_reason r);

/* "ns/role", as rbacctl names roles everywhere. buf holds 2 * 256 bytes. */
#define ROLE_REF_BUFSZ 520
const char *role_ref(const struct rbac_namespace *ns, const struct rbac_role *r, char *buf,
		     size_t bufsz);
/* "2026-12-04 11:00 UTC", the way an assignment's end is shown. */
const char *format_minute_time(time_t t, char *buf, size_t bufsz);
struct json;
/* "assignment": the rbacAssignment a role is held through (dn, valid_from,
 * valid_until, ticket), or null (memberUid, or held through a role). */
void json_assignment(struct json *j, const struct rbac_assignment *a);
/* How a role is held, for the HOW columns: "memberUid", or an assignment's
 * "until 2026-12-04 11:00 UTC (INC-4711)" / "assignment, no end". */
const char *hold_text(const struct rbac_assignment *a, char *buf, size_t bufsz);

/* "*" or a pattern ending in ".*" (rbac_perm_match's wildcards). */
bool perm_is_pattern(const char *p);
/* role itself, or a role it inherits through sound edges. */
bool role_in_walk(const struct rbac_namespace *ns, const struct rbac_role *role,
		  const struct rbac_role *r);
/* What to ask rbac_role_explain() about for role: every rbacPermission
 * value of its walk and, for a pattern under a master list, the master
 * values it covers. Appends to out (no duplicates); -1 when out of memory.
 * `rbacctl permissions` and `rbacctl graph` list the same permissions. */
int role_permission_candidates(const struct rbac_namespace *ns, const struct rbac_role *role,
			       struct rbac_strlist *out);

/* A role the delegated-administration ACLs (rbac-acl(7)) give directory
 * rights through: ns-admin and ns-auditor of any namespace, user-support of
 * the global one. */
bool view_delegation_role(const struct ctl_view *v, const struct rbac_namespace *ns,
			  const struct rbac_role *r);

/* Finds "ROLE" in the host namespace or "NS/ROLE" in either namespace;
 * NULL when there is none (*ns NULL: the namespace is neither). */
const struct rbac_role *view_lookup_role(const struct ctl_view *v, const char *ref,
					 const struct rbac_namespace **ns);
/* The same, printing why not when there is none. */
const struct rbac_role *view_find_role(const struct rbacctl *ctl, const struct ctl_view *v,
				       const char *ref, const struct rbac_namespace **ns);

/* The rbac.* permissions a full administrator of ns must hold
 * (rbacctl(8), LINT): every value that rbac.* matches among the pattern
 * "rbac.*" itself, the master list and the rbacPermission and
 * rbacRestriction values of the namespace's roles, keeping those the
 * master list (if any) admits. Appends them to out; -1 when out of memory.
 * The list may be empty: then nothing in ns can grant rbac.*. */
int admin_permissions(const struct rbac_namespace *ns, struct rbac_strlist *out);
/* A full administrator's role grants every one of them (at least one). */
bool role_is_full_admin(const struct rbac_namespace *ns, const struct rbac_role *role);
/* Appends to out those of them that role grants (privileged when any). */
int role_admin_grants(const struct rbac_namespace *ns, const struct rbac_role *role,
		      struct rbac_strlist *out);

/* The group libnss_rbac makes of a role (nss.group_format or
 * nss.global_group_format) and its gid; NULL when the name is not a valid
 * group name (the snapshot writer skips such a role). */
const char *role_group(const struct rbacctl *ctl, const struct ctl_view *v,
		       const struct rbac_namespace *ns, const struct rbac_role *r, char *buf,
		       size_t bufsz, unsigned long *gid);

/* JSON pieces shared by the commands (rbacctl(8), JSON OUTPUT): a role
 * reference {namespace, role, dn} and an account object; null for NULL. */
struct json;
void json_role_ref(struct json *j, const char *key, const struct rbac_namespace *ns,
		   const struct rbac_role *r);
void json_account(struct json *j, const char *key, const struct rbac_account *a, time_t now);

/* ---- the commands ---- */

int cmd_refresh(struct rbacctl *ctl, int argc, char **argv);
int cmd_check(struct rbacctl *ctl, int argc, char **argv);
int cmd_roles(struct rbacctl *ctl, int argc, char **argv);
int cmd_members(struct rbacctl *ctl, int argc, char **argv);
int cmd_permissions(struct rbacctl *ctl, int argc, char **argv);
int cmd_lint(struct rbacctl *ctl, int argc, char **argv);
/* cmd_graph.c: the roles as Graphviz DOT. */
int cmd_graph(struct rbacctl *ctl, int argc, char **argv);
int cmd_report(struct rbacctl *ctl, int argc, char **argv);
int cmd_status(struct rbacctl *ctl, int argc, char **argv);
/* cmd_verify.c: every check of snapshot files (rbac_snapshot_verify_full). */
int cmd_verify(struct rbacctl *ctl, int argc, char **argv);
/* cmd_import.c: a bulk CSV checked against the directory, its LDIF printed. */
int cmd_import(struct rbacctl *ctl, int argc, char **argv);
/* cmd_grant.c: the guarded writes (write.h). */
int cmd_grant(struct rbacctl *ctl, int argc, char **argv);
int cmd_revoke(struct rbacctl *ctl, int argc, char **argv);
int cmd_suspend(struct rbacctl *ctl, int argc, char **argv);
int cmd_activate(struct rbacctl *ctl, int argc, char **argv);
/* cmd_audit.c: the events of a period from the accesslog (audit.h);
 * report changes is the same as CSV (argv[0] "changes"). */
int cmd_audit(struct rbacctl *ctl, int argc, char **argv);
int cmd_report_changes(struct rbacctl *ctl, int argc, char **argv);

#endif
