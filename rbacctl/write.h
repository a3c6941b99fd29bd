/*
 * write.h - what rbacctl's writing commands (grant, revoke, suspend,
 * activate; import) share (rbacctl(8), "grant"): the administrator's
 * identity options, and one guarded change: read, check, write under the
 * assertion control (common/rbac_write.h), and on a concurrent change
 * read and check once more.
 */
#ifndef RBACCTL_WRITE_H
#define RBACCTL_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rbac_strlist.h"
#include "rbac_write.h"
#include "rbacctl.h"

/* -D DN with -y FILE or -W, or -Y EXTERNAL; [-H URI] [--dry-run], as in
 * ldapmodify: the write binds as DN with the password in FILE (trusted as
 * ldap.bind_password_file is: owned by root or the caller, not readable by
 * others) or typed at the terminal, or with SASL EXTERNAL (ldapi://: the
 * directory maps the caller's uid); never with the host's read identity
 * of rbac.conf. */
struct ctl_admin {
	const char *bind_dn;
	const char *password_file;
	bool prompt;
	const char *sasl_mech;
	const char *uri;
	bool dry_run;
};

/* The lines of a command's option table for the identity (-D, -y, -W,
 * -Y, -H), before its {NULL}: the guarded writes' and audit's. */
#define CTL_BIND_OPTIONS(a)                                                                    \
	{"bind-dn", 'D', &(a)->bind_dn, NULL},                                                 \
	    {"password-file", 'y', &(a)->password_file, NULL},                                 \
	    {"prompt", 'W', NULL, &(a)->prompt}, {"sasl-mech", 'Y', &(a)->sasl_mech, NULL},    \
	{                                                                                      \
		"uri", 'H', &(a)->uri, NULL                                                    \
	}
/* The guarded writes': those and --dry-run. */
#define CTL_ADMIN_OPTIONS(a)                                                                   \
	CTL_BIND_OPTIONS(a),                                                                   \
	{                                                                                      \
		"dry-run", 'N', NULL, &(a)->dry_run                                            \
	}
/* Their lines of --help. */
#define CTL_ADMIN_HELP                                                                         \
	"  -D, --bind-dn DN          bind as DN (the administrator), as ldapmodify -D\n"       \
	"  -y, --password-file FILE  DN's password (mode 0600, owned by root or you)\n"        \
	"  -W, --prompt              ask for DN's password on the terminal instead\n"          \
	"  -Y, --sasl-mech EXTERNAL  bind with SASL EXTERNAL (ldapi://) instead of -D\n"       \
	"  -H, --uri URI             this server instead of ldap.uri\n"                        \
	"  -N, --dry-run             print the checks and the LDIF, write nothing\n"

/* Reads rbac.conf and puts the administrator's identity in place of its
 * bind settings. EXIT_OK, or EXIT_ERROR after saying why. */
int ctl_admin_config(struct rbacctl *ctl, const struct ctl_admin *a);

/* For a reading command (audit): the administrator's identity when -D,
 * -y, -W or -Y is given (as ctl_admin_config), else rbac.conf's own; -H
 * in either case. EXIT_OK, or EXIT_ERROR after saying why. */
int ctl_identity_config(struct rbacctl *ctl, const struct ctl_admin *a);

/* The writes one change makes, and what its checks found. */
#define CTL_WRITES_MAX 8
#define CTL_MODS_MAX   6
struct ctl_plan {
	struct rbac_write w[CTL_WRITES_MAX];
	struct rbac_write_mod mods[CTL_WRITES_MAX][CTL_MODS_MAX];
	size_t n;
	/* For a change the last-admin rule allowed: what puts it back, and
	 * the check run on the directory read again once it is written. The
	 * assertion covers only the entries written; another admin's change
	 * to another entry (another role, an account) in between is seen
	 * here, and then the change is undone (write.c). Not one LDAP
	 * transaction (RFC 5805): slapd 2.5 dies when it refuses a commit,
	 * which is the case that matters (rbacctl(8), BUGS). */
	struct rbac_write undo[CTL_WRITES_MAX];
	struct rbac_write_mod undo_mods[CTL_WRITES_MAX][CTL_MODS_MAX];
	size_t n_undo;
	int (*recheck)(struct rbacctl *ctl, const struct ctl_view *v, void *arg);
	struct rbac_strlist checks; /* "RULE: what was found", printed by --dry-run */
	char done[1024];	    /* what stdout says once written */
};

/* Looks at the directory as read and plans the change into p: returns
 * EXIT_OK (p->n may be 0: nothing to do, p->done says why), or the exit
 * code after printing which rule refused it (ctl_refuse). */
typedef int (*ctl_plan_fn)(struct rbacctl *ctl, const struct ctl_view *v, void *arg,
			   struct ctl_plan *p);

/* "refused by RULE: ..." on stderr; returns EXIT_NO. */
int ctl_refuse(const struct rbacctl *ctl, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends "RULE: ..." to p->checks; -1 when out of memory. */
int ctl_plan_check(struct ctl_plan *p, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The next write of p (NULL when CTL_WRITES_MAX are planned already). */
struct rbac_write *ctl_plan_write(struct ctl_plan *p, enum rbac_write_kind kind,
				  const char *dn);
/* The next undo write of p (NULL when CTL_WRITES_MAX are planned). */
struct rbac_write *ctl_plan_undo(struct ctl_plan *p, enum rbac_write_kind kind, const char *dn);
/* Adds one attribute change to w (at most CTL_MODS_MAX). */
void ctl_plan_mod(struct ctl_plan *p, struct rbac_write *w, int op, const char *attr,
		  const char *const *values);

/* What a change takes away, for the last-admin rule: the users in gone
 * made inactive (suspend, import), and uid out of role `without`
 * (revoke). Any may be NULL. */
struct ctl_change_set {
	const struct rbac_strlist *gone;
	const char *uid;
	const struct rbac_role *without;
};
/* The active users holding a full administrator's role of ns (one that
 * grants rbac.*, by memberUid or an assignment in force, as lint's
 * no_full_admin counts them) once cs is made, appended to out. 0, or -1
 * when out of memory. */
int ctl_admins_after(const struct ctl_view *v, const struct rbac_namespace *ns,
		     const struct ctl_change_set *cs, struct rbac_strlist *out);
/* The last-admin rule in ns: 1 when cs takes out the last active full
 * administrator it had, 0 when not, -1 when out of memory; the lists
 * before and after the change are appended to out_before, out_after. */
int ctl_last_admin(const struct ctl_view *v, const struct rbac_namespace *ns,
		   const struct ctl_change_set *cs, struct rbac_strlist *out_before,
		   struct rbac_strlist *out_after);
/* The master-list rule for a grant of r: 1 with msg set to the refusal
 * ("role NS/ROLE grants permissions outside ..."), 0 when r is admitted,
 * -1 when out of memory. */
int ctl_master_list_refusal(const struct rbac_namespace *ns, const struct rbac_role *r,
			    char *msg, size_t msgsz);

/* grant --for: now plus DURATION, a sum of a number and a unit each
 * (s, m, h, d, w: "2h", "90m", "1d12h"), at most 10 years. 0, or -1. */
int ctl_parse_duration(const char *s, time_t now, time_t *end);
/* grant --until: GeneralizedTime (rbac_time_parse: "20261204110000Z") or
 * the ISO 8601 form "2026-12-04T11:00[:SS](Z|+hh:mm|-hh:mm)". 0, or -1. */
int ctl_parse_when(const char *s, time_t *out);

/* A test-only hook (rbacctl-write.test's and rbacctl-import.test's forced
 * interleavings): with RBACCTL_TEST_PAUSE=PATH, before write number
 * write_no (counted from 1) equal to RBACCTL_TEST_PAUSE_BEFORE (default
 * 1), the first time, creates PATH.reached and waits until PATH.go exists
 * (at most 60 s). Without it, nothing. */
void ctl_test_pause_at(size_t write_no);

/* Runs one guarded change: reads the directory as the administrator (the
 * view with every account) and plans; with --dry-run prints the checks as
 * LDIF comments and the LDIF, and stops. Else reads the entryCSN of every
 * entry the plan writes, reads and plans again, and writes each with the
 * assertion that its entryCSN is unchanged. When one changed meanwhile
 * (another admin), reads, checks and writes once more; a second
 * concurrent change refuses. Returns the command's exit code. */
int ctl_guarded_write(struct rbacctl *ctl, const struct ctl_admin *a, ctl_plan_fn plan,
		      void *arg);

#endif
