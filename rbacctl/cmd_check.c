/*
 * cmd_check.c - `rbacctl check USER`: what pam_rbac would decide for USER
 * on this host, and why (like `doas -C`: the decision without the login).
 *
 * It gathers the facts with the functions pam_rbac.c calls (rbac_facts.h:
 * exempt list, host namespace, the account by exact uid, the global
 * namespace, the same mapping of every outcome, the same input of
 * rbac_decide()), so the two agree by construction. Like the module it
 * first lets the local state answer when pam.local_max_lag allows it
 * (rbac_facts_local, the same checks), and says which source it used and
 * why; --source asks one of them. It reads every role, not only the
 * user's, to explain them; it never falls back to accounts.db when the
 * directory is down. What it adds is the explanation: the account as
 * read, every role held, and for each why it does or does not grant the
 * permission (rbac_role_explain()).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/_pam_types.h>

#include "output.h"
#include "rbac_facts.h"
#include "rbacctl.h"

#define TEXT_MAX 1024

/* --source: which source to ask. */
enum check_source {
	CHECK_AS_THE_MODULE, /* the local state when it answers, else the directory */
	CHECK_DIRECTORY,
	CHECK_LOCAL,
};

struct check_opts {
	const char *user;
	const char *service;
	const char *permission;
	const char *namespace_name;
	enum check_source source;
};

/* What was read (rbac_facts.h), and what the decision was asked. */
struct check_facts {
	struct rbac_facts facts;
	struct rbac_facts_local local; /* why the local state answered or not */
	struct rbac_dir *dir;
	const struct rbac_account *account; /* the account found, or NULL */
	const char *permission;
	time_t now;
	enum rbac_config_result config; /* NOT_CONFIGURED: decided before any read */
};

static const struct {
	int code;
	const char *name;
} pam_names[] = {
    {PAM_SUCCESS, "PAM_SUCCESS"},
    {PAM_IGNORE, "PAM_IGNORE"},
    {PAM_PERM_DENIED, "PAM_PERM_DENIED"},
    {PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN"},
    {PAM_ACCT_EXPIRED, "PAM_ACCT_EXPIRED"},
    {PAM_SERVICE_ERR, "PAM_SERVICE_ERR"},
    {PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL"},
};

static const char *pam_code_name(int code)
{
	for (size_t i = 0; i < sizeof(pam_names) / sizeof(pam_names[0]); i++)
		if (pam_names[i].code == code)
			return pam_names[i].name;
	return "PAM_?";
}

/* 0 when pam_rbac lets the stack go on, 1 when it denies, 2 when it fails
 * (rbacctl(8), EXIT STATUS). */
static int check_exit(int pam_code)
{
	if (pam_code == PAM_SUCCESS || pam_code == PAM_IGNORE)
		return EXIT_OK;
	if (pam_code == PAM_SERVICE_ERR || pam_code == PAM_AUTHINFO_UNAVAIL)
		return EXIT_ERROR;
	return EXIT_NO;
}

/* ---------------------------------------------------------------- options */

/* Without --service, the question is the usual one: may USER log in. */
static const char *check_service(const struct check_opts *o)
{
	return o->service != NULL ? o->service : "sshd";
}

static int parse_check_args(struct rbacctl *ctl, int argc, char **argv, struct check_opts *o)
{
	const char *source = NULL;
	const struct ctl_option options[] = {
	    {"service", 's', &o->service, NULL},
	    {"permission", 'p', &o->permission, NULL},
	    {"source", 'S', &source, NULL},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {.options = options, .view = true};
	int rc = ctl_parse_args(ctl, argc, argv, &a);

	if (rc != EXIT_OK)
		return rc;
	o->namespace_name = a.namespace_name;
	if (o->service != NULL && o->permission != NULL)
		return ctl_usage(ctl, "check: --service and --permission exclude each other");
	if (source == NULL)
		o->source = CHECK_AS_THE_MODULE;
	else if (strcmp(source, "directory") == 0)
		o->source = CHECK_DIRECTORY;
	else if (strcmp(source, "local") == 0)
		o->source = CHECK_LOCAL;
	else
		return ctl_usage(ctl, "check: --source is directory or local");
	if (a.operand + 1 != argc)
		return ctl_usage(ctl, "check: exactly one USER expected");
	o->user = argv[a.operand];
	return EXIT_OK;
}

/* ------------------------------------------------------------- gathering */

/* pam_rbac counts any failure to read as directory_unavailable. */
static int unavailable(const struct rbacctl *ctl, enum rbac_dir_result r, const char *what)
{
	if (r == RBAC_DIR_UNAVAILABLE)
		ctl_error(ctl,
			  "directory unavailable while reading %s: no server in ldap.uri "
			  "answered within ldap.timeout (%.1f s); pam_rbac would deny "
			  "(directory_unavailable)",
			  what, ctl->cfg.ldap.timeout);
	else
		ctl_error(ctl,
			  "cannot read %s from the directory (see the message above); pam_rbac "
			  "would deny (directory_unavailable)",
			  what);
	return EXIT_ERROR;
}

static void global_missing(void *ctx, const char *name)
{
	const struct rbacctl *ctl = ctx;

	ctl_error(ctl,
		  "warning: global namespace \"%s\" not found (no entry cn=%s,%s); "
		  "deciding without it, as pam_rbac does",
		  name, name, ctl->cfg.ldap.base);
}

/* pam_rbac's reads (rbac_facts_read), with every role of each namespace. */
static int gather(struct rbacctl *ctl, const struct check_opts *o, struct check_facts *f)
{
	static const char *const what[] = {
	    [RBAC_FACTS_READ_NAMESPACE] = "the namespace",
	    [RBAC_FACTS_READ_ACCOUNT] = "the account",
	    [RBAC_FACTS_READ_GLOBAL] = "the global namespace",
	};
	struct rbac_facts_request rq = {
	    .cfg = &ctl->cfg,
	    .lg = &ctl->lg,
	    .user = o->user,
	    .roles = RBAC_FACTS_ALL_ROLES,
	    .global_missing = global_missing,
	    .ctx = ctl,
	};

	f->dir = rbac_dir_new(&ctl->cfg, &ctl->lg);
	if (f->dir == NULL) {
		ctl_error(ctl, "out of memory");
		return EXIT_ERROR;
	}
	rbac_facts_read(&f->facts, &rq, f->dir);
	if (f->facts.outcome == RBAC_FACTS_NO_NAMESPACE) {
		ctl_error(
		    ctl,
		    "namespace \"%s\" not found: there is no rbacNamespace entry cn=%s,%s; "
		    "pam_rbac denies every user (no_namespace)",
		    ctl->cfg.namespace_name, ctl->cfg.namespace_name, ctl->cfg.ldap.base);
		return EXIT_ERROR;
	}
	if (f->facts.outcome == RBAC_FACTS_DOWN || f->facts.outcome == RBAC_FACTS_FAILED)
		return unavailable(ctl, f->facts.failed_result, what[f->facts.failed]);
	return EXIT_OK;
}

/* pam_rbac's first step (rbac_facts_local): the local state answers when
 * the sync agent proved it current within pam.local_max_lag. With
 * --source local, a state that does not answer is an error: the module
 * would ask the directory. */
static int gather_local(struct rbacctl *ctl, const struct check_opts *o, struct check_facts *f)
{
	struct rbac_facts_request rq = {.cfg = &ctl->cfg, .lg = &ctl->lg, .user = o->user};

	if (o->source == CHECK_DIRECTORY)
		return EXIT_OK;
	if (rbac_facts_local(&f->facts, &rq, RBAC_FACTS_ACCOUNTS_PATH, f->permission, f->now,
			     &f->local) ||
	    o->source != CHECK_LOCAL)
		return EXIT_OK;
	ctl_error(ctl, "the local state does not answer: %s; pam_rbac would ask the directory",
		  f->local.text);
	return EXIT_ERROR;
}

/* Which source answered, and why, in words. */
static const char *source_text(const struct check_opts *o, const struct check_facts *f,
			       char *buf, size_t bufsz)
{
	if (f->facts.source == RBAC_FACTS_LOCAL)
		snprintf(buf, bufsz, "local: %s", f->local.text);
	else if (f->facts.outcome == RBAC_FACTS_EXEMPT)
		snprintf(buf, bufsz, "none: in pam.exempt_users, nothing is read");
	else if (f->facts.source != RBAC_FACTS_DIRECTORY)
		snprintf(buf, bufsz, "none: decided before any read");
	else if (o->source == CHECK_DIRECTORY)
		snprintf(buf, bufsz, "directory (--source directory)");
	else
		snprintf(buf, bufsz, "directory: %s", f->local.text);
	return buf;
}

static const char *source_word(const struct rbac_facts *f)
{
	if (f->source == RBAC_FACTS_LOCAL)
		return "local";
	return f->source == RBAC_FACTS_DIRECTORY ? "directory" : NULL;
}

/* ------------------------------------------------------------ explaining */

/* Why one held role does or does not grant the permission, in words. */
static const char *role_verdict(const struct rbac_namespace *ns, const struct rbac_role *r,
				const char *perm, char *buf, size_t bufsz)
{
	char a[ROLE_REF_BUFSZ], b[ROLE_REF_BUFSZ];
	struct rbac_denial_info e;
	size_t n;

	switch (rbac_role_explain(ns, r, perm, &e)) {
	case RBAC_DENIAL_NONE:
		if (e.source == r)
			snprintf(buf, bufsz, "grants %s: own rbacPermission %s", perm,
				 e.pattern);
		else
			snprintf(buf, bufsz, "grants %s: inherited from %s (rbacPermission %s)",
				 perm, role_ref(ns, e.source, a, sizeof(a)), e.pattern);
		return buf;
	case RBAC_DENIAL_RESTRICTION:
		n = (size_t)snprintf(buf, bufsz,
				     "does not grant %s: removed by rbacRestriction %s "
				     "of %s (%s grants it)",
				     perm, e.restriction,
				     role_ref(ns, e.restricted_by, a, sizeof(a)),
				     role_ref(ns, e.source, b, sizeof(b)));
		break;
	case RBAC_DENIAL_MASTER:
		n = (size_t)snprintf(buf, bufsz,
				     "does not grant %s: not in the master list of "
				     "namespace %s",
				     perm, ns->name);
		if (e.source != NULL && n < bufsz)
			n += (size_t)snprintf(buf + n, bufsz - n, " (%s grants it: %s)",
					      role_ref(ns, e.source, a, sizeof(a)), e.pattern);
		break;
	default:
		n = (size_t)snprintf(buf, bufsz,
				     "does not grant %s: neither the role nor a role "
				     "it inherits has it in rbacPermission",
				     perm);
		break;
	}
	if (e.broken != NULL && n < bufsz)
		snprintf(buf + n, bufsz - n, "; inheritance of %s is broken (run rbacctl lint)",
			 role_ref(ns, e.broken, a, sizeof(a)));
	return buf;
}

static const char *denial_word(enum rbac_denial why)
{
	static const char *const words[] = {NULL, "master_list", "restriction", "missing"};

	return (unsigned)why < sizeof(words) / sizeof(words[0]) ? words[why] : "missing";
}

static const char *validity_text(const struct rbac_account *a, char *buf, size_t bufsz)
{
	char f[32], u[32];
	const struct rbac_time_bound *from = &a->valid_from, *until = &a->valid_until;

	if ((from->present && !from->valid) || (until->present && !until->valid))
		snprintf(buf, bufsz, "unreadable: rbacValidFrom %s, rbacValidUntil %s",
			 from->raw != NULL ? from->raw : "(none)",
			 until->raw != NULL ? until->raw : "(none)");
	else if (from->present && until->present)
		snprintf(buf, bufsz, "from %s until %s", format_iso_time(from->t, f, sizeof(f)),
			 format_iso_time(until->t, u, sizeof(u)));
	else if (from->present)
		snprintf(buf, bufsz, "from %s", format_iso_time(from->t, f, sizeof(f)));
	else if (until->present)
		snprintf(buf, bufsz, "until %s", format_iso_time(until->t, u, sizeof(u)));
	else
		snprintf(buf, bufsz, "always");
	return buf;
}

static const char *status_text(const struct rbac_account *a, char *buf, size_t bufsz)
{
	const char *word =
	    a->status == RBAC_STATUS_INVALID ? "invalid" : rbac_status_name(a->status);

	if (a->status == RBAC_STATUS_INVALID && a->status_raw == NULL)
		snprintf(buf, bufsz, "invalid");
	else if (a->status == RBAC_STATUS_INVALID)
		snprintf(buf, bufsz, "invalid (rbacAccountStatus \"%s\")", a->status_raw);
	else if (a->status_reason != NULL)
		snprintf(buf, bufsz, "%s (%s)", word, a->status_reason);
	else
		snprintf(buf, bufsz, "%s%s", word,
			 a->status_raw == NULL && a->dn != NULL ? " (by default)" : "");
	return buf;
}

/* ------------------------------------------------------------ human text */

static void table_account(struct table *t, const struct check_facts *f)
{
	const struct rbac_account *a = f->account;
	char buf[TEXT_MAX];

	if (a == NULL) {
		table_add(t, "account",
			  f->facts.account_state == RBAC_FACTS_ACCOUNT_AMBIGUOUS
			      ? "two or more entries claim this uid "
				"(rbacctl lint names them)"
			      : "no rbacAccount entry with this uid");
		return;
	}
	/* The local state records no DN and no raw values. */
	if (a->dn != NULL)
		table_add(t, "entry", a->dn);
	table_add(t, "status", status_text(a, buf, sizeof(buf)));
	table_add(t, "validity", validity_text(a, buf, sizeof(buf)));
	if (a->locked && a->locked_raw != NULL)
		snprintf(buf, sizeof(buf), "yes (pwdAccountLockedTime %s)", a->locked_raw);
	else if (a->locked)
		snprintf(buf, sizeof(buf), "yes");
	table_add(t, "locked", a->locked ? buf : "no");
}

static void table_decision(struct table *t, const struct rbacctl *ctl,
			   const struct check_opts *o, const struct check_facts *f,
			   const struct rbac_decision *d)
{
	char buf[TEXT_MAX], msg[TEXT_MAX];

	snprintf(buf, sizeof(buf), "%s (%s)", rbac_decision_word(d->pam_code),
		 pam_code_name(d->pam_code));
	table_add(t, "decision", buf);
	if (d->invalid_attribute != NULL)
		snprintf(buf, sizeof(buf), "%s (attribute %s)", rbac_reason_name(d->reason),
			 d->invalid_attribute);
	table_add(t, "reason",
		  d->invalid_attribute != NULL ? buf : rbac_reason_name(d->reason));
	if (rbac_decision_message(d, f->account, msg, sizeof(msg)))
		table_add(t, "message", msg);
	table_add(t, "user", o->user);
	if (o->permission != NULL)
		snprintf(buf, sizeof(buf), "%s (--permission)", f->permission);
	else
		snprintf(buf, sizeof(buf), "%s (service %s)", f->permission, check_service(o));
	table_add(t, "permission", buf);
	snprintf(buf, sizeof(buf), "%s%s%s%s",
		 ctl->cfg.namespace_name != NULL ? ctl->cfg.namespace_name : "(none)",
		 ctl->cfg.global_namespace != NULL ? " (global: " : "",
		 ctl->cfg.global_namespace != NULL ? ctl->cfg.global_namespace : "",
		 ctl->cfg.global_namespace != NULL ? ")" : "");
	table_add(t, "namespace", buf);
	table_add(t, "source", source_text(o, f, buf, sizeof(buf)));
}

/* "holds eng/admin until 2026-12-04 11:00 UTC (INC-4711)" for a role held
 * through an assignment; for one whose window cannot be read, which value. */
static void print_assignment(const struct rbac_namespace *ns, const struct rbac_role *r,
			     enum rbac_hold h, const struct rbac_assignment *a)
{
	const struct rbac_time_bound *bad =
	    a->valid_from.present && !a->valid_from.valid ? &a->valid_from : &a->valid_until;
	char ref[ROLE_REF_BUFSZ], when[64];
	char *ticket = a->ticket != NULL ? text_clean(a->ticket) : NULL;
	char *raw = h == RBAC_HOLD_UNREADABLE ? text_clean(bad->raw) : NULL;

	role_ref(ns, r, ref, sizeof(ref));
	if (h == RBAC_HOLD_UNREADABLE)
		printf("does not hold %s: %s \"%s\" of %s cannot be read (invalid_entry)", ref,
		       bad == &a->valid_from ? "rbacValidFrom" : "rbacValidUntil",
		       raw != NULL ? raw : "?", a->dn);
	else if (a->valid_until.present)
		printf("holds %s until %s", ref,
		       format_minute_time(a->valid_until.t, when, sizeof(when)));
	else
		printf("holds %s with no end", ref);
	printf("%s%s%s\n", ticket != NULL ? " (" : "", ticket != NULL ? ticket : "",
	       ticket != NULL ? ")" : "");
	free(ticket);
	free(raw);
}

static void roles_of(struct table *t, const struct rbac_namespace *ns, const char *uid,
		     const char *perm, time_t now, size_t *held)
{
	char ref[ROLE_REF_BUFSZ], verdict[TEXT_MAX];
	const struct rbac_assignment *a;

	for (size_t i = 0; i < ns->n_roles; i++) {
		enum rbac_hold h = rbac_role_holds(&ns->roles[i], uid, now, &a);

		if (h != RBAC_HOLD_MEMBER && h != RBAC_HOLD_ASSIGNED)
			continue;
		(*held)++;
		table_add(t, role_ref(ns, &ns->roles[i], ref, sizeof(ref)),
			  role_verdict(ns, &ns->roles[i], perm, verdict, sizeof(verdict)));
	}
}

/* The assignments behind the roles above, and those that cannot count. */
static void assignments_of(const struct rbac_namespace *ns, const char *uid, time_t now)
{
	const struct rbac_assignment *a;

	for (size_t i = 0; i < ns->n_roles; i++) {
		enum rbac_hold h = rbac_role_holds(&ns->roles[i], uid, now, &a);

		if (h == RBAC_HOLD_ASSIGNED || h == RBAC_HOLD_UNREADABLE)
			print_assignment(ns, &ns->roles[i], h, a);
	}
}

/* The local state records whether the account held a role and whether
 * its roles granted the permission, not which role. */
static int print_local_roles(const struct check_facts *f)
{
	const struct rbac_assignment *a;
	bool held = false, grants = false;

	/* the synthetic roles of rbac_snapshot_account_to_model(), at now */
	for (size_t i = 0; i < f->facts.ns.n_roles; i++) {
		const struct rbac_role *r = &f->facts.ns.roles[i];
		enum rbac_hold h = rbac_role_holds(r, f->account->uid, f->now, &a);
		bool now = h == RBAC_HOLD_MEMBER || h == RBAC_HOLD_ASSIGNED;

		held = held || now;
		grants = grants || (now && r->permissions.n > 0);
	}

	return printf("\nroles held: %s; they grant %s: %s (the local state records no more; "
		      "--source directory names them)\n",
		      held ? "yes" : "none", f->permission, grants ? "yes" : "no");
}

static int print_human(const struct rbacctl *ctl, const struct check_opts *o,
		       const struct check_facts *f, const struct rbac_decision *d)
{
	struct table t;
	size_t held = 0;
	int rc;

	table_init(&t, 2);
	table_decision(&t, ctl, o, f, d);
	if (f->facts.outcome != RBAC_FACTS_EXEMPT &&
	    f->facts.outcome != RBAC_FACTS_NAME_REJECTED &&
	    f->facts.outcome != RBAC_FACTS_NOT_CONFIGURED)
		table_account(&t, f);
	rc = table_print(&t, stdout, 0);
	table_free(&t);
	if (f->facts.outcome == RBAC_FACTS_NOT_CONFIGURED) {
		char text[TEXT_MAX];

		printf("\n%s.\n", ctl_not_configured_text(ctl, text, sizeof(text)));
		return rc;
	}
	if (f->facts.outcome == RBAC_FACTS_EXEMPT) {
		printf("\n%s is in pam.exempt_users: pam_rbac steps aside without asking the "
		       "directory.\n",
		       o->user);
		return rc;
	}
	if (f->account == NULL)
		return rc;
	if (f->facts.source == RBAC_FACTS_LOCAL)
		return print_local_roles(f) < 0 ? -1 : rc;
	table_init(&t, 2);
	roles_of(&t, &f->facts.ns, f->account->uid, f->permission, f->now, &held);
	if (f->facts.has_global)
		roles_of(&t, &f->facts.global, f->account->uid, f->permission, f->now, &held);
	printf("\nroles held: %zu\n", held);
	if (table_print(&t, stdout, 2) != 0)
		rc = -1;
	table_free(&t);
	assignments_of(&f->facts.ns, f->account->uid, f->now);
	if (f->facts.has_global)
		assignments_of(&f->facts.global, f->account->uid, f->now);
	return rc;
}

/* ------------------------------------------------------------------ JSON */

static void json_roles_of(struct json *j, const struct rbac_namespace *ns, const char *uid,
			  const char *perm, time_t now)
{
	struct rbac_denial_info e;
	const struct rbac_assignment *a;

	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];
		enum rbac_hold h = rbac_role_holds(r, uid, now, &a);

		if (h != RBAC_HOLD_MEMBER && h != RBAC_HOLD_ASSIGNED)
			continue;
		rbac_role_explain(ns, r, perm, &e);
		json_object(j, NULL);
		json_string(j, "namespace", ns->name);
		json_string(j, "role", r->name);
		json_string(j, "dn", r->dn);
		json_bool(j, "grants", e.why == RBAC_DENIAL_NONE);
		json_string(j, "denial", denial_word(e.why));
		json_role_ref(j, "source", ns, e.source);
		json_string(j, "pattern", e.pattern);
		json_role_ref(j, "restricted_by", ns, e.restricted_by);
		json_string(j, "restriction", e.restriction);
		json_role_ref(j, "broken_inheritance", ns, e.broken);
		json_assignment(j, a);
		json_end(j);
	}
}

static int print_json(const struct rbacctl *ctl, const struct check_opts *o,
		      const struct check_facts *f, const struct rbac_decision *d)
{
	char msg[TEXT_MAX];
	struct json j;

	json_begin(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "command", "check");
	json_int(&j, "version", 1);
	json_string(&j, "user", o->user);
	json_string(&j, "service", o->permission != NULL ? NULL : check_service(o));
	json_string(&j, "permission", f->permission);
	json_string(&j, "namespace", ctl->cfg.namespace_name);
	json_string(&j, "global_namespace", f->facts.has_global ? f->facts.global.name : NULL);
	json_string(&j, "decision", rbac_decision_word(d->pam_code));
	json_string(&j, "reason", rbac_reason_name(d->reason));
	json_string(&j, "pam_code", pam_code_name(d->pam_code));
	json_string(&j, "invalid_attribute", d->invalid_attribute);
	json_string(&j, "message", rbac_decision_message(d, f->account, msg, sizeof(msg)));
	json_string(&j, "source", source_word(&f->facts));
	json_string(&j, "source_reason", source_text(o, f, msg, sizeof(msg)));
	if (f->facts.source == RBAC_FACTS_LOCAL)
		json_int(&j, "lag", f->facts.local_lag);
	else
		json_string(&j, "lag", NULL);
	json_account(&j, "account", f->account, f->now);
	json_array(&j, "roles");
	if (f->account != NULL && f->facts.source != RBAC_FACTS_LOCAL) {
		json_roles_of(&j, &f->facts.ns, f->account->uid, f->permission, f->now);
		if (f->facts.has_global)
			json_roles_of(&j, &f->facts.global, f->account->uid, f->permission,
				      f->now);
	}
	json_end(&j);
	if (d->grant_role != NULL) {
		json_object(&j, "granted_by");
		json_role_ref(&j, "role", d->grant_ns, d->grant_role);
		json_role_ref(&j, "source", d->grant_ns, d->grant_source);
		json_string(&j, "pattern", d->grant_pattern);
		json_end(&j);
	} else {
		json_string(&j, "granted_by", NULL);
	}
	json_end(&j);
	return json_finish(&j);
}

/* ------------------------------------------------------------------ main */

static int check_run(struct rbacctl *ctl, const struct check_opts *o, struct check_facts *f)
{
	struct rbac_decision d;
	int rc;

	f->permission = o->permission != NULL
			    ? o->permission
			    : rbac_config_permission_for(&ctl->cfg, check_service(o));
	f->now = time(NULL);
	if (rbac_facts_screen(&f->facts, &ctl->cfg, o->user, f->config)) {
		struct ctl_view_capture cap;

		rc = gather_local(ctl, o, f);
		if (rc != EXIT_OK)
			return rc;
		if (f->facts.source != RBAC_FACTS_LOCAL) {
			ctl_view_capture_begin(ctl, &cap);
			rc = gather(ctl, o, f);
			ctl_view_capture_end(&cap);
			if (rc != EXIT_OK)
				return rc;
		}
	}
	rbac_facts_decide(&f->facts, &ctl->cfg, f->permission, f->now, &d);
	f->account = rbac_facts_account(&f->facts);
	rc = ctl->json ? print_json(ctl, o, f, &d) : print_human(ctl, o, f, &d);
	if (rc != 0 || fflush(stdout) != 0) {
		ctl_error(ctl, "cannot write the output");
		return EXIT_ERROR;
	}
	return check_exit(d.pam_code);
}

int cmd_check(struct rbacctl *ctl, int argc, char **argv)
{
	struct check_opts o = {0};
	struct check_facts f = {0};
	int rc = parse_check_args(ctl, argc, argv, &o);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	/* What pam_rbac decides on a host that is not configured. */
	ctl->takes_unconfigured = true;
	rc = ctl_config(ctl, o.namespace_name);
	if (rc != EXIT_OK)
		return rc;
	f.config = ctl->config;
	rbac_facts_init(&f.facts);
	rc = check_run(ctl, &o, &f);
	rbac_facts_free(&f.facts);
	rbac_dir_free(f.dir);
	return rc;
}
