/*
 * check_decision.c - the decision table of pam_rbac(8), row by row, in order,
 * with the PAM code of each reason, and the messages the user is shown.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/_pam_types.h>

#include "fixture.h"
#include "rbac_decision.h"

#define NOW 1798761599 /* 2026-12-31 23:59:59 UTC */

static struct rbac_namespace eng, global;

static void setup(void)
{
	fx_example_eng(&eng);
	fx_namespace(&global, "global", NULL);
	fx_role(&global, "platform-admin", "*", NULL, NULL, "oscar");
	fx_role(&global, "auditor", "audit.read", NULL, NULL, "heidi");
	ck_assert_int_eq(fx_resolve(&global), 0);
}

static void teardown(void)
{
	rbac_namespace_free(&eng);
	rbac_namespace_free(&global);
}

/* An account: status NULL = attribute absent; from/until NULL = absent. */
static void account(struct rbac_account *a, const char *uid, const char *status,
		    const char *from, const char *until, bool locked)
{
	rbac_account_init(a);
	a->uid = strdup(uid);
	a->status = rbac_status_parse(status);
	a->status_raw = status != NULL ? strdup(status) : NULL;
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_from, from), 0);
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_until, until), 0);
	a->locked = locked;
}

struct row {
	const char *name;
	bool exempt, config_error, unavailable, no_ns, no_account, ignore;
	const char *uid, *status, *from, *until;
	bool locked;
	const char *permission;
	enum rbac_reason reason;
	int pam;
};

/* clang-format off */
static const struct row rows[] = {
	/* 1-4: before any account is looked at; earlier rows win */
	{ "exempt beats a broken config", true, true, true, true, true, false, "root", NULL,
	  NULL, NULL, false, "host.login", RBAC_REASON_EXEMPT, PAM_IGNORE },
	{ "config_error", false, true, true, true, true, false, "alice", NULL, NULL, NULL,
	  false, "host.login", RBAC_REASON_CONFIG_ERROR, PAM_SERVICE_ERR },
	{ "directory_unavailable", false, false, true, true, true, false, "alice", NULL, NULL,
	  NULL, false, "host.login", RBAC_REASON_DIRECTORY_UNAVAILABLE, PAM_AUTHINFO_UNAVAIL },
	{ "no_namespace", false, false, false, true, true, false, "alice", NULL, NULL, NULL,
	  false, "host.login", RBAC_REASON_NO_NAMESPACE, PAM_SERVICE_ERR },
	/* 5 */
	{ "unknown_user", false, false, false, false, true, false, "mallory", NULL, NULL, NULL,
	  false, "host.login", RBAC_REASON_UNKNOWN_USER, PAM_USER_UNKNOWN },
	{ "unknown_user ignored", false, false, false, false, true, true, "mallory", NULL, NULL,
	  NULL, false, "host.login", RBAC_REASON_UNKNOWN_USER, PAM_IGNORE },
	/* 6-9: account state, before the window and the roles */
	{ "deleted", false, false, false, false, false, false, "dave", "deleted", NULL,
	  "20250101000000Z", true, "host.login", RBAC_REASON_DELETED, PAM_USER_UNKNOWN },
	{ "deleted, case-insensitive", false, false, false, false, false, true, "dave",
	  "DELETED", NULL, NULL, false, "host.login", RBAC_REASON_DELETED, PAM_USER_UNKNOWN },
	{ "disabled", false, false, false, false, false, false, "carol", "disabled", NULL,
	  NULL, true, "host.login", RBAC_REASON_DISABLED, PAM_PERM_DENIED },
	{ "suspended beats expired", false, false, false, false, false, false, "bob",
	  "suspended", NULL, "20250101000000Z", false, "host.login", RBAC_REASON_SUSPENDED,
	  PAM_PERM_DENIED },
	{ "locked beats not yet valid", false, false, false, false, false, false, "frank",
	  "active", "20990101000000Z", NULL, true, "host.login", RBAC_REASON_LOCKED,
	  PAM_PERM_DENIED },
	{ "locked without status", false, false, false, false, false, false, "frank", NULL,
	  NULL, NULL, true, "host.login", RBAC_REASON_LOCKED, PAM_PERM_DENIED },
	/* 10-11 */
	{ "not_yet_valid", false, false, false, false, false, false, "trent", NULL,
	  "20990101000000Z", NULL, false, "host.login", RBAC_REASON_NOT_YET_VALID,
	  PAM_PERM_DENIED },
	{ "not_yet_valid, one second early", false, false, false, false, false, false, "erin",
	  NULL, "20270101000000Z", "20991231235959Z", false, "host.login",
	  RBAC_REASON_NOT_YET_VALID, PAM_PERM_DENIED },
	{ "valid from exactly now", false, false, false, false, false, false, "erin", NULL,
	  "20261231235959Z", "20991231235959Z", false, "host.login", RBAC_REASON_GRANTED,
	  PAM_SUCCESS },
	{ "expired", false, false, false, false, false, false, "peggy", NULL, NULL,
	  "20250101000000Z", false, "host.login", RBAC_REASON_EXPIRED, PAM_ACCT_EXPIRED },
	{ "expired one second ago", false, false, false, false, false, false, "erin", NULL,
	  NULL, "20261231235958Z", false, "host.login", RBAC_REASON_EXPIRED, PAM_ACCT_EXPIRED },
	{ "valid until exactly now", false, false, false, false, false, false, "erin", NULL,
	  NULL, "20261231235959Z", false, "host.login", RBAC_REASON_GRANTED, PAM_SUCCESS },
	/* 12-14 */
	{ "no_roles", false, false, false, false, false, false, "grace", "active", NULL, NULL,
	  false, "host.login", RBAC_REASON_NO_ROLES, PAM_PERM_DENIED },
	{ "no_permission", false, false, false, false, false, false, "heidi", NULL, NULL, NULL,
	  false, "host.sudo", RBAC_REASON_NO_PERMISSION, PAM_PERM_DENIED },
	{ "no_permission: restricted custom role", false, false, false, false, false, false,
	  "judy", NULL, NULL, NULL, false, "host.sudo", RBAC_REASON_NO_PERMISSION,
	  PAM_PERM_DENIED },
	{ "no_permission: grant outside the master list", false, false, false, false, false,
	  false, "judy", NULL, NULL, NULL, false, "db.admin", RBAC_REASON_NO_PERMISSION,
	  PAM_PERM_DENIED },
	{ "no_permission: no permission asked", false, false, false, false, false, false,
	  "alice", NULL, NULL, NULL, false, NULL, RBAC_REASON_NO_PERMISSION, PAM_PERM_DENIED },
	{ "granted", false, false, false, false, false, false, "alice", "active", NULL, NULL,
	  false, "host.sudo", RBAC_REASON_GRANTED, PAM_SUCCESS },
	{ "granted through inheritance", false, false, false, false, false, false, "victor",
	  NULL, NULL, NULL, false, "host.login", RBAC_REASON_GRANTED, PAM_SUCCESS },
	{ "granted from the global namespace only", false, false, false, false, false, false,
	  "oscar", NULL, NULL, NULL, false, "host.sudo", RBAC_REASON_GRANTED, PAM_SUCCESS },
	{ "global role held, no grant", false, false, false, false, false, false, "heidi", NULL,
	  NULL, NULL, false, "app.deploy", RBAC_REASON_NO_PERMISSION, PAM_PERM_DENIED },
	{ "contractor inside the window", false, false, false, false, false, false, "erin",
	  NULL, "20260101000000Z", "20991231235959Z", false, "host.login",
	  RBAC_REASON_GRANTED, PAM_SUCCESS },
	/* bad entry data never grants */
	{ "invalid status", false, false, false, false, false, false, "alice", "enabled", NULL,
	  NULL, false, "host.login", RBAC_REASON_INVALID_ENTRY, PAM_PERM_DENIED },
	{ "invalid status beats expired", false, false, false, false, false, false, "alice",
	  "", NULL, "20250101000000Z", false, "host.login", RBAC_REASON_INVALID_ENTRY,
	  PAM_PERM_DENIED },
	{ "invalid validFrom", false, false, false, false, false, false, "alice", NULL, "soon",
	  NULL, false, "host.login", RBAC_REASON_INVALID_ENTRY, PAM_PERM_DENIED },
	{ "invalid validUntil", false, false, false, false, false, false, "alice", NULL,
	  "20200101000000Z", "20261331000000Z", false, "host.login",
	  RBAC_REASON_INVALID_ENTRY, PAM_PERM_DENIED },
	{ "suspended beats invalid time", false, false, false, false, false, false, "bob",
	  "suspended", "garbage", NULL, false, "host.login", RBAC_REASON_SUSPENDED,
	  PAM_PERM_DENIED },
};
/* clang-format on */

START_TEST(test_row)
{
	const struct row *r = &rows[_i];
	struct rbac_decision_input in = {0};
	struct rbac_decision d;
	struct rbac_account a;

	account(&a, r->uid, r->status, r->from, r->until, r->locked);
	in.exempt = r->exempt;
	in.config_error = r->config_error;
	in.directory_unavailable = r->unavailable;
	in.ns = r->no_ns ? NULL : &eng;
	in.global = &global;
	in.account = r->no_account ? NULL : &a;
	in.permission = r->permission;
	in.now = NOW;
	in.unknown_user_ignore = r->ignore;
	rbac_decide(&in, &d);
	ck_assert_msg(d.reason == r->reason, "%s: got %s, want %s", r->name,
		      rbac_reason_name(d.reason), rbac_reason_name(r->reason));
	ck_assert_msg(d.pam_code == r->pam, "%s: pam %d, want %d", r->name, d.pam_code, r->pam);
	ck_assert_msg((d.grant_role != NULL) == (d.reason == RBAC_REASON_GRANTED), "%s",
		      r->name);
	rbac_account_free(&a);
}
END_TEST

/* The rows from here on reach the account (rules 1-4 are about the host). */
#define FIRST_ACCOUNT_ROW 4

/* An account's state now is the decision's rules 5-11: for every row that
 * reaches the account, the row's reason when it is one of those rules,
 * else active (granted); the same unreadable attribute as the decision. */
START_TEST(test_account_state_row)
{
	const struct row *r = &rows[_i];
	enum rbac_reason want = r->reason, got;
	const char *attr = "unset";
	struct rbac_account a;

	ck_assert_msg(!r->exempt && !r->config_error && !r->unavailable && !r->no_ns,
		      "%s: FIRST_ACCOUNT_ROW is out of step with the table", r->name);
	if (want == RBAC_REASON_NO_ROLES || want == RBAC_REASON_NO_PERMISSION)
		want = RBAC_REASON_GRANTED;
	account(&a, r->uid, r->status, r->from, r->until, r->locked);
	got = rbac_account_state(r->no_account ? NULL : &a, NOW, &attr);
	ck_assert_msg(got == want, "%s: got %s, want %s", r->name, rbac_reason_name(got),
		      rbac_reason_name(want));
	if (got == RBAC_REASON_INVALID_ENTRY)
		ck_assert_ptr_nonnull(attr);
	else
		ck_assert_ptr_null(attr);
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_account_state_attribute)
{
	struct rbac_account a;
	const char *attr = NULL;

	account(&a, "alice", NULL, "soon", NULL, false);
	ck_assert_int_eq(rbac_account_state(&a, NOW, &attr), RBAC_REASON_INVALID_ENTRY);
	ck_assert_str_eq(attr, "rbacValidFrom");
	rbac_account_free(&a);
	account(&a, "alice", "enabled", NULL, NULL, false);
	ck_assert_int_eq(rbac_account_state(&a, NOW, &attr), RBAC_REASON_INVALID_ENTRY);
	ck_assert_str_eq(attr, "rbacAccountStatus");
	rbac_account_free(&a);
}
END_TEST

static void decide_for(const char *uid, const char *perm, struct rbac_account *a,
		       struct rbac_decision *d)
{
	struct rbac_decision_input in = {0};

	account(a, uid, NULL, NULL, NULL, false);
	in.ns = &eng;
	in.global = &global;
	in.account = a;
	in.permission = perm;
	in.now = NOW;
	rbac_decide(&in, d);
}

START_TEST(test_grant_explains_itself)
{
	struct rbac_account a;
	struct rbac_decision d;

	decide_for("alice", "host.login", &a, &d);
	ck_assert_int_eq(d.reason, RBAC_REASON_GRANTED);
	ck_assert_ptr_eq(d.grant_ns, &eng);
	ck_assert_str_eq(d.grant_role->name, "admin");
	ck_assert_str_eq(d.grant_source->name, "user");
	ck_assert_str_eq(d.grant_pattern, "host.login");
	ck_assert_uint_eq(d.roles_held, 1);
	rbac_account_free(&a);

	decide_for("oscar", "rbac.roles.manage", &a, &d);
	ck_assert_ptr_eq(d.grant_ns, &global);
	ck_assert_str_eq(d.grant_role->name, "platform-admin");
	ck_assert_str_eq(d.grant_pattern, "*");
	rbac_account_free(&a);

	decide_for("heidi", "host.login", &a, &d); /* user in eng, auditor in global */
	ck_assert_uint_eq(d.roles_held, 2);
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_no_global_namespace)
{
	struct rbac_decision_input in = {0};
	struct rbac_decision d;
	struct rbac_account a;

	account(&a, "oscar", NULL, NULL, NULL, false);
	in.ns = &eng;
	in.account = &a;
	in.permission = "host.login";
	in.now = NOW;
	rbac_decide(&in, &d);
	ck_assert_int_eq(d.reason, RBAC_REASON_NO_ROLES);
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_invalid_attribute_named)
{
	struct rbac_decision_input in = {0};
	struct rbac_decision d;
	struct rbac_account a;

	account(&a, "alice", "frozen", NULL, NULL, false);
	in.ns = &eng;
	in.account = &a;
	in.permission = "host.login";
	rbac_decide(&in, &d);
	ck_assert_str_eq(d.invalid_attribute, "rbacAccountStatus");
	rbac_account_free(&a);
	account(&a, "alice", NULL, NULL, "x", false);
	rbac_decide(&in, &d);
	ck_assert_str_eq(d.invalid_attribute, "rbacValidUntil");
	rbac_account_free(&a);
}
END_TEST

/* Two entries claim the uid: never a guess, and never waved through by
 * unknown_user = ignore. */
START_TEST(test_ambiguous_account)
{
	struct rbac_decision_input in = {0};
	struct rbac_decision d;

	in.ns = &eng;
	in.account_ambiguous = true;
	in.unknown_user_ignore = true;
	in.permission = "host.login";
	rbac_decide(&in, &d);
	ck_assert_int_eq(d.reason, RBAC_REASON_INVALID_ENTRY);
	ck_assert_int_eq(d.pam_code, PAM_PERM_DENIED);
	ck_assert_str_eq(d.invalid_attribute, "uid");
	in.directory_unavailable = true; /* earlier rows still win */
	rbac_decide(&in, &d);
	ck_assert_int_eq(d.reason, RBAC_REASON_DIRECTORY_UNAVAILABLE);
}
END_TEST

/* Rule 0: without a user name nothing else can be decided, and it is the
 * application's error -- a service error, never an unknown user that
 * unknown_user=ignore would turn into PAM_IGNORE. */
START_TEST(test_no_user)
{
	struct rbac_decision_input in = {.no_user = true,
					 .exempt = true,
					 .config_error = true,
					 .directory_unavailable = true,
					 .unknown_user_ignore = true,
					 .permission = "host.login",
					 .now = NOW};
	struct rbac_decision d;

	rbac_decide(&in, &d);
	ck_assert_int_eq(d.reason, RBAC_REASON_NO_USER);
	ck_assert_int_eq(d.pam_code, PAM_SERVICE_ERR);
	ck_assert_str_eq(rbac_reason_name(d.reason), "no_user");
}
END_TEST

/* A host whose rbac.conf names no directory steps aside before every
 * rule: no name, exempt and broken alike. */
START_TEST(test_not_configured)
{
	struct rbac_decision_input in = {.not_configured = true,
					 .no_user = true,
					 .exempt = true,
					 .config_error = true,
					 .permission = "host.login",
					 .now = NOW};
	struct rbac_decision d;

	rbac_decide(&in, &d);
	ck_assert_int_eq(d.reason, RBAC_REASON_NOT_CONFIGURED);
	ck_assert_int_eq(d.pam_code, PAM_IGNORE);
	ck_assert_str_eq(rbac_reason_name(d.reason), "not_configured");
	ck_assert_str_eq(rbac_decision_word(d.pam_code), "ignore");
}
END_TEST

START_TEST(test_reason_keywords)
{
	static const char *const want[RBAC_REASON_COUNT] = {
	    "exempt",	     "config_error",   "directory_unavailable",
	    "no_namespace",  "unknown_user",   "deleted",
	    "disabled",	     "suspended",      "locked",
	    "not_yet_valid", "expired",	       "no_roles",
	    "no_permission", "granted",	       "invalid_entry",
	    "no_user",	     "not_configured",
	};

	for (int r = 0; r < RBAC_REASON_COUNT; r++)
		ck_assert_str_eq(rbac_reason_name((enum rbac_reason)r), want[r]);
	ck_assert_str_eq(rbac_reason_name((enum rbac_reason)RBAC_REASON_COUNT),
			 "invalid_reason");
	ck_assert_int_eq(rbac_reason_pam_code((enum rbac_reason)99, false), PAM_PERM_DENIED);
}
END_TEST

/* decision= of the log line and of rbacctl check: every reason's PAM code. */
START_TEST(test_decision_words)
{
	ck_assert_str_eq(rbac_decision_word(PAM_SUCCESS), "allow");
	ck_assert_str_eq(rbac_decision_word(PAM_IGNORE), "ignore");
	ck_assert_str_eq(rbac_decision_word(PAM_PERM_DENIED), "deny");
	ck_assert_str_eq(rbac_decision_word(PAM_USER_UNKNOWN), "deny");
	ck_assert_str_eq(rbac_decision_word(PAM_ACCT_EXPIRED), "deny");
	ck_assert_str_eq(rbac_decision_word(PAM_SERVICE_ERR), "deny");
	ck_assert_str_eq(rbac_decision_word(PAM_AUTHINFO_UNAVAIL), "deny");
	ck_assert_str_eq(
	    rbac_decision_word(rbac_reason_pam_code(RBAC_REASON_UNKNOWN_USER, true)), "ignore");
}
END_TEST

static const char *message_for(enum rbac_reason reason, const char *perm,
			       const struct rbac_account *a, char *buf, size_t bufsz)
{
	struct rbac_decision d = {0};

	d.reason = reason;
	d.permission = perm;
	return rbac_decision_message(&d, a, buf, bufsz);
}

START_TEST(test_messages)
{
	struct rbac_account a;
	char buf[512];

	account(&a, "bob", "suspended", "20990101000000Z", "20250101000000Z", false);
	a.status_reason = strdup("password reset pending");
	ck_assert_str_eq(message_for(RBAC_REASON_SUSPENDED, NULL, &a, buf, sizeof(buf)),
			 "Access denied: your account is suspended (password reset pending).");
	ck_assert_str_eq(message_for(RBAC_REASON_NOT_YET_VALID, NULL, &a, buf, sizeof(buf)),
			 "Access denied: your access starts on 2099-01-01 00:00 UTC.");
	ck_assert_str_eq(message_for(RBAC_REASON_EXPIRED, NULL, &a, buf, sizeof(buf)),
			 "Access denied: your access expired on 2025-01-01 00:00 UTC.");
	ck_assert_str_eq(
	    message_for(RBAC_REASON_NO_PERMISSION, "host.sudo", &a, buf, sizeof(buf)),
	    "Access denied: your roles do not grant host.sudo on this host.");
	ck_assert_str_eq(message_for(RBAC_REASON_DISABLED, NULL, &a, buf, sizeof(buf)),
			 "Access denied: your account is disabled.");
	ck_assert_str_eq(message_for(RBAC_REASON_LOCKED, NULL, &a, buf, sizeof(buf)),
			 "Access denied: your account is locked.");
	ck_assert_str_eq(message_for(RBAC_REASON_NO_ROLES, NULL, &a, buf, sizeof(buf)),
			 "Access denied: you hold no role on this host.");
	ck_assert_ptr_null(message_for(RBAC_REASON_GRANTED, NULL, &a, buf, sizeof(buf)));
	ck_assert_ptr_null(message_for(RBAC_REASON_EXEMPT, NULL, &a, buf, sizeof(buf)));
	/* PAM_IGNORE: the stack goes on, nobody was refused */
	ck_assert_ptr_null(message_for(RBAC_REASON_NOT_CONFIGURED, NULL, &a, buf, sizeof(buf)));
	for (int r = RBAC_REASON_CONFIG_ERROR; r < RBAC_REASON_COUNT; r++) {
		if (r != RBAC_REASON_GRANTED && r != RBAC_REASON_NOT_CONFIGURED)
			ck_assert_ptr_nonnull(
			    message_for((enum rbac_reason)r, "p", &a, buf, sizeof(buf)));
	}
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_message_sanitises_status_reason)
{
	struct rbac_account a;
	char buf[512], want[512];

	account(&a, "bob", "suspended", NULL, NULL, false);
	a.status_reason = strdup("evil\033[2J\nreason\xff");
	ck_assert_str_eq(message_for(RBAC_REASON_SUSPENDED, NULL, &a, buf, sizeof(buf)),
			 "Access denied: your account is suspended (evil?[2J?reason?).");
	free(a.status_reason);
	a.status_reason = malloc(1001);
	memset(a.status_reason, 'x', 1000);
	a.status_reason[1000] = '\0';
	snprintf(want, sizeof(want), "Access denied: your account is suspended (%.120s).",
		 a.status_reason);
	ck_assert_str_eq(message_for(RBAC_REASON_SUSPENDED, NULL, &a, buf, sizeof(buf)), want);
	free(a.status_reason);
	a.status_reason = NULL;
	ck_assert_str_eq(message_for(RBAC_REASON_SUSPENDED, NULL, &a, buf, sizeof(buf)),
			 "Access denied: your account is suspended.");
	/* a small buffer cuts, never overflows */
	ck_assert_str_eq(message_for(RBAC_REASON_SUSPENDED, NULL, &a, buf, 10), "Access de");
	rbac_account_free(&a);
}
END_TEST

/* ---- rbacAssignment windows (DESIGN.md §11) at a test clock */

/* An assignment of uid to eng's role; from/until NULL = absent. */
static void assign(const char *role, const char *uid, const char *from, const char *until,
		   const char *ticket)
{
	struct rbac_role *r = rbac_namespace_find_role(&eng, role);
	struct rbac_assignment *a;

	ck_assert_ptr_nonnull(r);
	a = rbac_role_add_assignment(r, uid, "uid=x,cn=role,cn=eng");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_from, from), 0);
	ck_assert_int_eq(rbac_time_bound_set(&a->valid_until, until), 0);
	a->ticket = ticket != NULL ? strdup(ticket) : NULL;
}

static enum rbac_reason decide_at(const char *uid, const char *perm, time_t now,
				  struct rbac_decision *d)
{
	struct rbac_decision_input in = {0};
	struct rbac_account a;

	account(&a, uid, NULL, NULL, NULL, false);
	in.ns = &eng;
	in.global = &global;
	in.account = &a;
	in.permission = perm;
	in.now = now;
	rbac_decide(&in, d);
	rbac_account_free(&a);
	return d->reason;
}

/* NOW is 2026-12-31 23:59:59; a window of that day, 09:00-11:00. */
#define DAY_9  1798707600 /* 2026-12-31 09:00:00 UTC */
#define DAY_11 1798714800 /* 2026-12-31 11:00:00 UTC */

START_TEST(test_assignment_window)
{
	struct rbac_decision d;

	assign("admin", "zoe", "20261231090000Z", "20261231110000Z", "INC-4711");
	ck_assert_int_eq(decide_at("zoe", "host.sudo", DAY_9 - 1, &d), RBAC_REASON_NO_ROLES);
	ck_assert_int_eq(decide_at("zoe", "host.sudo", DAY_9, &d), RBAC_REASON_GRANTED);
	ck_assert_str_eq(d.grant_role->name, "admin");
	ck_assert_ptr_nonnull(d.grant_assignment);
	ck_assert_str_eq(d.grant_assignment->ticket, "INC-4711");
	ck_assert_int_eq(d.grant_assignment->valid_until.t, DAY_11);
	ck_assert_uint_eq(d.roles_held, 1);
	/* inherited permissions come with the assigned role */
	ck_assert_int_eq(decide_at("zoe", "host.login", DAY_11, &d), RBAC_REASON_GRANTED);
	ck_assert_int_eq(decide_at("zoe", "host.sudo", DAY_11 + 1, &d), RBAC_REASON_NO_ROLES);
	ck_assert_uint_eq(d.roles_held, 0);
	/* the role held, the permission not in it */
	ck_assert_int_eq(decide_at("zoe", "app.restart", DAY_9, &d), RBAC_REASON_NO_PERMISSION);
	/* an assignment is one user's */
	ck_assert_int_eq(decide_at("zoey", "host.sudo", DAY_9, &d), RBAC_REASON_NO_ROLES);
}
END_TEST

START_TEST(test_assignment_open_bounds)
{
	struct rbac_decision d;

	assign("admin", "zoe", NULL, "20261231110000Z", NULL);	 /* until 11:00 */
	assign("manager", "yan", "20261231090000Z", NULL, NULL); /* from 9:00 on */
	assign("user", "xia", NULL, NULL, NULL);		 /* always */
	ck_assert_int_eq(decide_at("zoe", "host.sudo", 0, &d), RBAC_REASON_GRANTED);
	ck_assert_ptr_null(d.grant_assignment->ticket);
	ck_assert_int_eq(decide_at("zoe", "host.sudo", DAY_11 + 60, &d), RBAC_REASON_NO_ROLES);
	ck_assert_int_eq(decide_at("yan", "host.login", DAY_9 - 60, &d), RBAC_REASON_NO_ROLES);
	ck_assert_int_eq(decide_at("yan", "host.login", NOW, &d), RBAC_REASON_GRANTED);
	ck_assert_int_eq(decide_at("xia", "host.login", 0, &d), RBAC_REASON_GRANTED);
	ck_assert_int_eq(decide_at("xia", "host.login", NOW, &d), RBAC_REASON_GRANTED);
}
END_TEST

/* memberUid holds always: an ended assignment beside it takes nothing
 * away, and the grant names no assignment. */
START_TEST(test_assignment_member_wins)
{
	struct rbac_decision d;

	assign("admin", "alice", NULL, "20200101000000Z", NULL);
	ck_assert_int_eq(decide_at("alice", "host.sudo", NOW, &d), RBAC_REASON_GRANTED);
	ck_assert_ptr_null(d.grant_assignment);
}
END_TEST

/* Of two assignments in force, the one that lasts longer is named. */
START_TEST(test_assignment_latest_end)
{
	struct rbac_decision d;

	assign("admin", "zoe", NULL, "20261231100000Z", "short");
	assign("admin", "zoe", NULL, "20261231110000Z", "long");
	assign("admin", "zoe", NULL, "20261230110000Z", "ended");
	ck_assert_int_eq(decide_at("zoe", "host.sudo", DAY_9, &d), RBAC_REASON_GRANTED);
	ck_assert_str_eq(d.grant_assignment->ticket, "long");
	ck_assert_uint_eq(d.roles_held, 1);
}
END_TEST

/* An unreadable window grants nothing; when nothing else grants, the
 * reason is invalid_entry naming the attribute, not no_roles. */
START_TEST(test_assignment_unreadable)
{
	struct rbac_decision d;

	assign("admin", "zoe", "20261231090000.5Z", NULL, "A");
	ck_assert_int_eq(decide_at("zoe", "host.sudo", NOW, &d), RBAC_REASON_INVALID_ENTRY);
	ck_assert_str_eq(d.invalid_attribute, "rbacValidFrom");
	ck_assert_str_eq(d.invalid_assignment->ticket, "A");
	ck_assert_int_eq(d.pam_code, PAM_PERM_DENIED);
	ck_assert_uint_eq(d.roles_held, 0);

	assign("manager", "yan", NULL, "friday", NULL);
	ck_assert_int_eq(decide_at("yan", "host.login", NOW, &d), RBAC_REASON_INVALID_ENTRY);
	ck_assert_str_eq(d.invalid_attribute, "rbacValidUntil");

	/* another role that grants: granted, never through the unreadable one */
	assign("user", "yan", NULL, NULL, NULL);
	ck_assert_int_eq(decide_at("yan", "host.login", NOW, &d), RBAC_REASON_GRANTED);
	ck_assert_str_eq(d.grant_role->name, "user");
	/* ... and one that does not: still invalid_entry (it might have) */
	ck_assert_int_eq(decide_at("yan", "host.sudo", NOW, &d), RBAC_REASON_INVALID_ENTRY);
}
END_TEST

static Suite *decision_suite(void)
{
	Suite *s = suite_create("decision");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_row, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_loop_test(tc, test_account_state_row, FIRST_ACCOUNT_ROW,
			    sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, test_account_state_attribute);
	tcase_add_test(tc, test_grant_explains_itself);
	tcase_add_test(tc, test_no_global_namespace);
	tcase_add_test(tc, test_invalid_attribute_named);
	tcase_add_test(tc, test_ambiguous_account);
	tcase_add_test(tc, test_no_user);
	tcase_add_test(tc, test_not_configured);
	tcase_add_test(tc, test_reason_keywords);
	tcase_add_test(tc, test_decision_words);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_message_sanitises_status_reason);
	tcase_add_test(tc, test_assignment_window);
	tcase_add_test(tc, test_assignment_open_bounds);
	tcase_add_test(tc, test_assignment_member_wins);
	tcase_add_test(tc, test_assignment_latest_end);
	tcase_add_test(tc, test_assignment_unreadable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(decision_suite());
}
