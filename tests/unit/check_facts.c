/*
 * check_facts.c - common/rbac_facts.c without a directory: the screen
 * (rules decided before any read), the mapping of each outcome to the input
 * of rbac_decide(), the offline policy -- when accounts.db may stand in
 * for a directory that did not answer, and what is logged when it may not --
 * and the local policy: when accounts.db, proven current by rbac-syncd,
 * answers a login instead of the directory, and that it answers as the
 * directory would.
 *
 * The snapshot is the example directory (snapshot_fixture.c) written by the
 * real writer at SFX_NOW and parsed by the real reader.
 */
#include "config.h"

#include <check.h>
#include <security/_pam_types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "rbac_config.h"
#include "rbac_facts.h"
#include "rbac_snapshot.h"
#include "snapshot_fixture.h"

#define PATH	"/test/accounts.db"
#define MAX_AGE 86400

struct env {
	struct rbac_config cfg;
	struct rbac_facts_request rq;
	struct rbac_facts f;
	struct sfx sfx;
	struct rbac_snapshot_image img;
	struct rbac_snapshot snap;
	struct rbac_decision d;
};

static void env_init(struct env *e, const char *namespace_name, const char *user)
{
	char err[RBAC_ERRLEN];

	memset(e, 0, sizeof(*e));
	rbac_config_init(&e->cfg);
	ck_assert_int_eq(
	    rbac_config_set(&e->cfg, "namespace", namespace_name, "test", err, sizeof(err)), 0);
	e->cfg.pam.offline_max_age = MAX_AGE;
	e->rq.cfg = &e->cfg;
	e->rq.lg = &fx_logger;
	e->rq.user = user;
	e->rq.roles = RBAC_FACTS_MEMBER_ROLES;
	rbac_facts_init(&e->f);
	sfx_example(&e->sfx);
	sfx_build(&e->sfx, RBAC_SNAPSHOT_ACCOUNTS, &e->img);
	ck_assert_int_eq(rbac_snapshot_parse(&e->snap, e->img.data, e->img.len,
					     RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW),
			 RBAC_SNAPSHOT_OK);
	fx_log_clear();
}

static void env_free(struct env *e)
{
	rbac_facts_free(&e->f);
	rbac_snapshot_image_free(&e->img);
	sfx_free(&e->sfx);
	rbac_config_free(&e->cfg);
}

/* The facts as a login finds them when no server answered. */
static void down(struct env *e)
{
	e->f.outcome = RBAC_FACTS_DOWN;
	e->f.source = RBAC_FACTS_DIRECTORY;
	e->f.failed = RBAC_FACTS_READ_NAMESPACE;
	e->f.failed_result = RBAC_DIR_UNAVAILABLE;
}

static void offline(struct env *e, const char *permission, time_t now)
{
	rbac_facts_offline_from(&e->f, &e->rq, &e->snap, PATH, permission, now);
	rbac_facts_decide(&e->f, &e->cfg, permission, now, &e->d);
}

static void assert_still_down(const struct env *e)
{
	ck_assert_int_eq(e->f.outcome, RBAC_FACTS_DOWN);
	ck_assert_int_eq(e->f.source, RBAC_FACTS_DIRECTORY);
	ck_assert_int_eq(e->d.reason, RBAC_REASON_DIRECTORY_UNAVAILABLE);
	ck_assert_int_eq(e->d.pam_code, PAM_AUTHINFO_UNAVAIL);
	ck_assert_ptr_null(rbac_facts_account(&e->f));
}

/* ------------------------------------------------------ the offline policy */

START_TEST(test_offline_answers_a_granted_login)
{
	struct env e;

	env_init(&e, "eng", "alice");
	down(&e);
	offline(&e, "host.login", SFX_NOW + 60);
	ck_assert_int_eq(e.f.outcome, RBAC_FACTS_ANSWERED);
	ck_assert_int_eq(e.f.source, RBAC_FACTS_SNAPSHOT);
	ck_assert_int_eq(e.f.account_state, RBAC_FACTS_ACCOUNT_FOUND);
	ck_assert_str_eq(rbac_facts_account(&e.f)->uid, "alice");
	ck_assert_int_eq(e.d.reason, RBAC_REASON_GRANTED);
	ck_assert_int_eq(e.d.pam_code, PAM_SUCCESS);
	ck_assert_ptr_nonnull(
	    strstr(fx_log, "offline: deciding from " PATH " (generation 7, 60 s old)"));
	env_free(&e);
}
END_TEST

START_TEST(test_offline_answers_denials_as_the_directory)
{
	static const struct {
		const char *user, *permission;
		enum rbac_reason reason;
	} cases[] = {
	    {"bob", "host.login", RBAC_REASON_SUSPENDED},
	    {"carol", "host.login", RBAC_REASON_DISABLED},
	    {"frank", "host.login", RBAC_REASON_LOCKED},
	    {"grace", "host.login", RBAC_REASON_NO_ROLES},
	    {"bob", "host.sudo", RBAC_REASON_SUSPENDED},
	    {"heidi", "host.sudo", RBAC_REASON_NO_PERMISSION},
	    {"mallory", "host.login", RBAC_REASON_UNKNOWN_USER},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env e;

		env_init(&e, "eng", cases[i].user);
		down(&e);
		offline(&e, cases[i].permission, SFX_NOW);
		ck_assert_msg(e.d.reason == cases[i].reason, "%s %s: got %s", cases[i].user,
			      cases[i].permission, rbac_reason_name(e.d.reason));
		ck_assert_int_eq(e.f.source, RBAC_FACTS_SNAPSHOT);
		ck_assert_int_eq(e.f.account_state, strcmp(cases[i].user, "mallory") == 0
							? RBAC_FACTS_ACCOUNT_NONE
							: RBAC_FACTS_ACCOUNT_FOUND);
		env_free(&e);
	}
}
END_TEST

/* The snapshot's namespace is a cn: compared without case. */
START_TEST(test_offline_namespace_case)
{
	struct env e;

	env_init(&e, "ENG", "alice");
	down(&e);
	offline(&e, "host.login", SFX_NOW);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_GRANTED);
	env_free(&e);
}
END_TEST

START_TEST(test_offline_other_namespace_not_used)
{
	struct env e;

	env_init(&e, "ops", "alice");
	down(&e);
	offline(&e, "host.login", SFX_NOW);
	assert_still_down(&e);
	ck_assert_ptr_nonnull(strstr(fx_log, "offline: " PATH " is a snapshot of namespace "
					     "\"eng\", not of this host's; not used"));
	env_free(&e);
}
END_TEST

START_TEST(test_offline_too_old_not_used)
{
	struct env e;

	env_init(&e, "eng", "alice");
	down(&e);
	offline(&e, "host.login", SFX_NOW + MAX_AGE);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_GRANTED); /* exactly max_age: still used */
	rbac_facts_free(&e.f);
	down(&e);
	fx_log_clear();
	offline(&e, "host.login", SFX_NOW + MAX_AGE + 1);
	assert_still_down(&e);
	ck_assert_ptr_nonnull(strstr(fx_log, "offline: " PATH " was written 86401 s ago, "
					     "more than pam.offline_max_age (86400 s); "
					     "not used"));
	env_free(&e);
}
END_TEST

START_TEST(test_offline_future_not_used)
{
	struct env e;

	env_init(&e, "eng", "alice");
	down(&e);
	offline(&e, "host.login", SFX_NOW - 5);
	assert_still_down(&e);
	ck_assert_ptr_nonnull(strstr(fx_log, "offline: " PATH " is dated 5 s in the future "
					     "(was the clock set back?); not used"));
	env_free(&e);
}
END_TEST

/* app.deploy is no pam.permissions value: the writer stored no grants of
 * it, so the snapshot has no answer, and nothing of the directory's
 * earlier answers is kept either. */
START_TEST(test_offline_unevaluated_permission_not_used)
{
	struct env e;

	env_init(&e, "eng", "alice");
	down(&e);
	offline(&e, "app.deploy", SFX_NOW);
	assert_still_down(&e);
	ck_assert_int_eq(e.f.failed, RBAC_FACTS_READ_NAMESPACE);
	ck_assert_int_eq(e.f.failed_result, RBAC_DIR_UNAVAILABLE);
	ck_assert_ptr_null(e.f.ns.name);
	ck_assert_ptr_nonnull(strstr(fx_log, "offline: " PATH " records no grants of "
					     "\"app.deploy\" (not a pam.permissions value); "
					     "not used"));
	env_free(&e);
}
END_TEST

/* The snapshot stands in only for a directory that did not answer, and
 * only when pam.offline_max_age allows it: a nonexistent file shows whether
 * it was opened. */
START_TEST(test_offline_only_when_down_and_allowed)
{
	static const enum rbac_facts_outcome not_down[] = {
	    RBAC_FACTS_FAILED,	      RBAC_FACTS_NO_NAMESPACE, RBAC_FACTS_ANSWERED,
	    RBAC_FACTS_EXEMPT,	      RBAC_FACTS_NO_USER,      RBAC_FACTS_CONFIG_ERROR,
	    RBAC_FACTS_NAME_REJECTED,
	};
	struct env e;

	env_init(&e, "eng", "alice");
	for (size_t i = 0; i < sizeof(not_down) / sizeof(not_down[0]); i++) {
		e.f.outcome = not_down[i];
		rbac_facts_offline(&e.f, &e.rq, "/nonexistent/accounts.db", "host.login");
		ck_assert_int_eq(e.f.outcome, not_down[i]);
	}
	ck_assert_str_eq(fx_log, "");
	down(&e);
	e.cfg.pam.offline_max_age = 0;
	rbac_facts_offline(&e.f, &e.rq, "/nonexistent/accounts.db", "host.login");
	ck_assert_str_eq(fx_log, "");
	e.cfg.pam.offline_max_age = MAX_AGE;
	rbac_facts_offline(&e.f, &e.rq, "/nonexistent/accounts.db", "host.login");
	ck_assert_int_eq(e.f.outcome, RBAC_FACTS_DOWN);
	ck_assert_msg(strncmp(fx_log, "offline: /nonexistent", 21) == 0, "log: %s", fx_log);
	ck_assert_ptr_nonnull(strstr(fx_log, "; not used"));
	env_free(&e);
}
END_TEST

/* ------------------------------------------------------ the local state */

#define LAG 5

/* The example snapshot as rbac-syncd writes it: proven current at
 * synced_at (INT64_MIN: never), pam.local_max_lag = LAG. */
static void local_env(struct env *e, const char *namespace_name, const char *user,
		      int64_t synced_at)
{
	struct rbac_snapshot_sync sync = {
	    .source = RBAC_SNAPSHOT_SOURCE_SYNCD,
	    .synced_at = synced_at,
	    .probe_interval = 1,
	};

	env_init(e, namespace_name, user);
	e->cfg.pam.local_max_lag = LAG;
	rbac_snapshot_image_free(&e->img);
	e->sfx.opts.sync = &sync;
	sfx_build(&e->sfx, RBAC_SNAPSHOT_ACCOUNTS, &e->img);
	e->sfx.opts.sync = NULL;
	ck_assert_int_eq(rbac_snapshot_parse(&e->snap, e->img.data, e->img.len,
					     RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW),
			 RBAC_SNAPSHOT_OK);
	fx_log_clear();
}

/* A login screened in, then the local state asked at now. */
static bool local(struct env *e, const char *permission, time_t now,
		  struct rbac_facts_local *why)
{
	bool answered;

	rbac_facts_free(&e->f);
	ck_assert(rbac_facts_screen(&e->f, &e->cfg, e->rq.user, RBAC_CONFIG_LOADED));
	answered = rbac_facts_local_from(&e->f, &e->rq, &e->snap, PATH, permission, now, why);
	ck_assert_int_eq(answered, why->why == RBAC_LOCAL_ANSWERED);
	if (answered)
		rbac_facts_decide(&e->f, &e->cfg, permission, now, &e->d);
	return answered;
}

/* Not answered: the facts are left as the screen left them, for the
 * directory, holding nothing. */
static void assert_left_to_directory(const struct env *e, const struct rbac_facts_local *why,
				     enum rbac_local_why expected, const char *text)
{
	ck_assert_int_eq(why->why, expected);
	ck_assert_int_eq(e->f.outcome, RBAC_FACTS_UNREAD);
	ck_assert_int_eq(e->f.source, RBAC_FACTS_NOWHERE);
	ck_assert_ptr_null(e->f.ns.name);
	ck_assert_ptr_null(e->f.account.uid);
	ck_assert_msg(strstr(why->text, text) != NULL, "text: %s", why->text);
	ck_assert_str_eq(fx_log, ""); /* the caller logs */
}

START_TEST(test_local_answers_within_the_lag)
{
	struct rbac_facts_local why;
	struct env e;

	local_env(&e, "eng", "alice", SFX_NOW);
	for (int lag = 0; lag <= LAG; lag++) {
		ck_assert(local(&e, "host.login", SFX_NOW + lag, &why));
		ck_assert_int_eq(e.f.outcome, RBAC_FACTS_ANSWERED);
		ck_assert_int_eq(e.f.source, RBAC_FACTS_LOCAL);
		ck_assert_int_eq(e.f.local_lag, lag);
		ck_assert_int_eq(why.lag, lag);
		ck_assert_int_eq(e.d.reason, RBAC_REASON_GRANTED);
		ck_assert_int_eq(e.d.pam_code, PAM_SUCCESS);
	}
	ck_assert_ptr_nonnull(strstr(
	    why.text, PATH " was proven current 5 s ago, within pam.local_max_lag (5 s)"));
	ck_assert(!local(&e, "host.login", SFX_NOW + LAG + 1, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_LAGGING,
				 PATH " was proven current 6 s ago, more than "
				      "pam.local_max_lag (5 s)");
	env_free(&e);
}
END_TEST

START_TEST(test_local_refuses)
{
	struct rbac_facts_local why;
	struct env e;

	local_env(&e, "eng", "alice", INT64_MIN); /* as rbacctl refresh writes it */
	ck_assert(!local(&e, "host.login", SFX_NOW, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_NOT_PROVEN, "holds no proof of currency");
	env_free(&e);

	local_env(&e, "eng", "alice", SFX_NOW + 1);
	ck_assert(!local(&e, "host.login", SFX_NOW, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_FUTURE,
				 "proven current 1 s in the future (was the clock set back?)");
	env_free(&e);

	local_env(&e, "ops", "alice", SFX_NOW);
	ck_assert(!local(&e, "host.login", SFX_NOW, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_OTHER_NAMESPACE,
				 PATH
				 " is a snapshot of namespace \"eng\", not of this host's");
	env_free(&e);

	/* A new account the agent has not written yet: the directory knows. */
	local_env(&e, "eng", "mallory", SFX_NOW);
	ck_assert(!local(&e, "host.login", SFX_NOW, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_UNKNOWN_USER,
				 PATH " has no account \"mallory\"");
	env_free(&e);

	local_env(&e, "eng", "alice", SFX_NOW);
	ck_assert(!local(&e, "app.deploy", SFX_NOW, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_NOT_RECORDED,
				 "records no grants of \"app.deploy\"");
	e.cfg.pam.local_max_lag = 0;
	ck_assert(!local(&e, "host.login", SFX_NOW, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_OFF, "pam.local_max_lag is 0");
	env_free(&e);
}
END_TEST

/* A record changed in place (its own check fails at use): never "no such
 * account", never the changed facts; the directory is asked. */
START_TEST(test_local_damaged_record)
{
	static const char reason[] = "password reset pending";
	struct rbac_facts_local why;
	unsigned char *at;
	struct env e;

	local_env(&e, "eng", "bob", SFX_NOW);
	at = memmem(e.img.data, e.img.len, reason, sizeof(reason) - 1);
	ck_assert_ptr_nonnull(at);
	at[0] = 'P';
	ck_assert_int_eq(rbac_snapshot_parse(&e.snap, e.img.data, e.img.len,
					     RBAC_SNAPSHOT_ACCOUNTS, SFX_NOW),
			 RBAC_SNAPSHOT_OK);
	ck_assert(!local(&e, "host.login", SFX_NOW, &why));
	assert_left_to_directory(&e, &why, RBAC_LOCAL_DAMAGED,
				 PATH ": a record on the way to \"bob\" fails its check");
	env_free(&e);
}
END_TEST

/* The file is opened only when pam.local_max_lag allows it, and only for
 * a request the screen let through. */
START_TEST(test_local_file)
{
	struct rbac_facts_local why;
	struct env e;

	local_env(&e, "eng", "alice", SFX_NOW);
	e.f.outcome = RBAC_FACTS_EXEMPT;
	ck_assert(
	    !rbac_facts_local(&e.f, &e.rq, "/nonexistent/a.db", "host.login", SFX_NOW, &why));
	ck_assert_int_eq(why.why, RBAC_LOCAL_OFF);
	ck_assert_int_eq(e.f.outcome, RBAC_FACTS_EXEMPT);
	e.f.outcome = RBAC_FACTS_UNREAD;
	ck_assert(
	    !rbac_facts_local(&e.f, &e.rq, "/nonexistent/a.db", "host.login", SFX_NOW, &why));
	ck_assert_int_eq(why.why, RBAC_LOCAL_REFUSED);
	ck_assert_ptr_nonnull(strstr(why.text, "/nonexistent"));
	ck_assert_int_eq(e.f.outcome, RBAC_FACTS_UNREAD);
	env_free(&e);
}
END_TEST

/* Every example account, every evaluated permission, at times around the
 * validity windows: the local state decides as rbac_decide() does on the
 * directory's facts (the same namespaces the snapshot was written from). */
START_TEST(test_local_agrees_with_the_directory)
{
	static const char *const perms[] = {"host.login", "host.sudo", "host.su"};
	static const time_t times[] = {SFX_NOW, SFX_NOW + 3, 1735689600 /* 2025-01-01 */,
				       1735689599, 1893456000 /* 2030-01-01 */};
	struct env e;
	size_t checked = 0;

	env_init(&e, "eng", NULL);
	for (size_t i = 0; i < e.sfx.n_accounts; i++) {
		const struct rbac_account *a = &e.sfx.accounts[i];

		for (size_t t = 0; t < sizeof(times) / sizeof(times[0]); t++) {
			struct rbac_facts_local why;
			struct env l;

			local_env(&l, "eng", a->uid, times[t]);
			for (size_t p = 0; p < sizeof(perms) / sizeof(perms[0]); p++) {
				struct rbac_decision_input in;
				struct rbac_decision dir;

				rbac_facts_account_input(&e.sfx.eng, &e.sfx.global, a, false,
							 &e.cfg, perms[p], times[t], &in);
				rbac_decide(&in, &dir);
				ck_assert_msg(local(&l, perms[p], times[t], &why), "%s: %s",
					      a->uid, why.text);
				ck_assert_msg(
				    l.d.reason == dir.reason && l.d.pam_code == dir.pam_code,
				    "%s %s at %lld: local %s, directory %s", a->uid, perms[p],
				    (long long)times[t], rbac_reason_name(l.d.reason),
				    rbac_reason_name(dir.reason));
				checked++;
			}
			env_free(&l);
		}
	}
	ck_assert_uint_ge(checked, 10 * 5 * 3);
	env_free(&e);
}
END_TEST

/* --------------------------------------------- screen and decision input */

static enum rbac_reason screened(struct env *e, const char *user,
				 enum rbac_config_result config, bool *read)
{
	rbac_facts_free(&e->f);
	*read = rbac_facts_screen(&e->f, &e->cfg, user, config);
	rbac_facts_decide(&e->f, &e->cfg, "host.login", SFX_NOW, &e->d);
	return e->d.reason;
}

START_TEST(test_screen)
{
	struct env e;
	bool read;

	env_init(&e, "eng", "alice");
	/* Not configured comes first: anyone, named or not, exempt or not. */
	ck_assert_int_eq(screened(&e, NULL, RBAC_CONFIG_NOT_CONFIGURED, &read),
			 RBAC_REASON_NOT_CONFIGURED);
	ck_assert(!read);
	ck_assert_int_eq(screened(&e, "root", RBAC_CONFIG_NOT_CONFIGURED, &read),
			 RBAC_REASON_NOT_CONFIGURED);
	ck_assert_int_eq(screened(&e, "alice", RBAC_CONFIG_NOT_CONFIGURED, &read),
			 RBAC_REASON_NOT_CONFIGURED);
	ck_assert(!read);
	ck_assert_int_eq(e.d.pam_code, PAM_IGNORE);
	/* Then the table's order: no name, then exempt, then the config. */
	ck_assert_int_eq(screened(&e, NULL, RBAC_CONFIG_INVALID, &read), RBAC_REASON_NO_USER);
	ck_assert(!read);
	ck_assert_int_eq(screened(&e, "root", RBAC_CONFIG_INVALID, &read), RBAC_REASON_EXEMPT);
	ck_assert(!read);
	ck_assert_int_eq(e.d.pam_code, PAM_IGNORE);
	ck_assert_int_eq(screened(&e, "alice", RBAC_CONFIG_INVALID, &read),
			 RBAC_REASON_CONFIG_ERROR);
	ck_assert(!read);
	/* A name no uid can equal is an unknown user, without a search. */
	ck_assert_int_eq(screened(&e, "bad\nname", RBAC_CONFIG_LOADED, &read),
			 RBAC_REASON_UNKNOWN_USER);
	ck_assert(!read);
	ck_assert_int_eq(e.f.outcome, RBAC_FACTS_NAME_REJECTED);
	e.cfg.pam.unknown_user = RBAC_UNKNOWN_USER_IGNORE;
	ck_assert_int_eq(screened(&e, "bad\nname", RBAC_CONFIG_LOADED, &read),
			 RBAC_REASON_UNKNOWN_USER);
	ck_assert_int_eq(e.d.pam_code, PAM_IGNORE);
	screened(&e, "alice", RBAC_CONFIG_LOADED, &read);
	ck_assert(read);
	ck_assert_int_eq(e.f.outcome, RBAC_FACTS_UNREAD);
	env_free(&e);
}
END_TEST

/* No handle (no memory for one): a failed read, never a guess. */
START_TEST(test_read_without_handle)
{
	struct env e;

	env_init(&e, "eng", "alice");
	rbac_facts_read(&e.f, &e.rq, NULL);
	ck_assert_int_eq(e.f.outcome, RBAC_FACTS_FAILED);
	ck_assert_int_eq(e.f.source, RBAC_FACTS_DIRECTORY);
	rbac_facts_decide(&e.f, &e.cfg, "host.login", SFX_NOW, &e.d);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_DIRECTORY_UNAVAILABLE);
	/* And no snapshot for it: a server may have answered. */
	rbac_facts_offline(&e.f, &e.rq, "/nonexistent/accounts.db", "host.login");
	ck_assert_str_eq(fx_log, "");
	env_free(&e);
}
END_TEST

/* What the directory answered, as rbac_decide() reads it. */
START_TEST(test_decision_input)
{
	struct rbac_decision_input in;
	struct env e;

	env_init(&e, "eng", "alice");
	e.f.source = RBAC_FACTS_DIRECTORY;
	e.f.outcome = RBAC_FACTS_NO_NAMESPACE;
	rbac_facts_decision_input(&e.f, &e.cfg, "host.login", SFX_NOW, &in);
	ck_assert_ptr_null(in.ns);
	ck_assert(!in.directory_unavailable);
	e.f.outcome = RBAC_FACTS_FAILED;
	rbac_facts_decision_input(&e.f, &e.cfg, "host.login", SFX_NOW, &in);
	ck_assert(in.directory_unavailable);
	/* Two entries claim the uid: invalid_entry (uid), whatever the map. */
	e.f.outcome = RBAC_FACTS_ANSWERED;
	e.f.account_state = RBAC_FACTS_ACCOUNT_AMBIGUOUS;
	e.cfg.pam.unknown_user = RBAC_UNKNOWN_USER_IGNORE;
	rbac_facts_decide(&e.f, &e.cfg, "host.login", SFX_NOW, &e.d);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_INVALID_ENTRY);
	ck_assert_str_eq(e.d.invalid_attribute, "uid");
	ck_assert_ptr_null(rbac_facts_account(&e.f));
	/* The account found, its roles in the global namespace only when it
	 * was found: oscar holds platform-admin there. */
	rbac_namespace_free(&e.f.ns);
	rbac_namespace_free(&e.f.global);
	e.f.ns = e.sfx.eng;
	e.f.global = e.sfx.global;
	e.f.account = e.sfx.accounts[10];
	ck_assert_str_eq(e.f.account.uid, "oscar");
	e.f.account_state = RBAC_FACTS_ACCOUNT_FOUND;
	rbac_facts_decide(&e.f, &e.cfg, "host.sudo", SFX_NOW, &e.d);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_NO_ROLES);
	e.f.has_global = true;
	rbac_facts_decide(&e.f, &e.cfg, "host.sudo", SFX_NOW, &e.d);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_GRANTED);
	ck_assert_str_eq(e.d.grant_role->name, "platform-admin");
	/* The same account among accounts read at once (reports). */
	rbac_facts_account_input(&e.sfx.eng, &e.sfx.global, &e.sfx.accounts[10], false, &e.cfg,
				 "host.sudo", SFX_NOW, &in);
	rbac_decide(&in, &e.d);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_GRANTED);
	rbac_facts_account_input(&e.sfx.eng, &e.sfx.global, &e.sfx.accounts[10], true, &e.cfg,
				 "host.sudo", SFX_NOW, &in);
	rbac_decide(&in, &e.d);
	ck_assert_int_eq(e.d.reason, RBAC_REASON_INVALID_ENTRY);
	/* The fixture owns them. */
	rbac_namespace_init(&e.f.ns);
	rbac_namespace_init(&e.f.global);
	rbac_account_init(&e.f.account);
	env_free(&e);
}
END_TEST

static Suite *facts_suite(void)
{
	Suite *s = suite_create("facts");
	TCase *tc = tcase_create("offline");

	tcase_add_test(tc, test_offline_answers_a_granted_login);
	tcase_add_test(tc, test_offline_answers_denials_as_the_directory);
	tcase_add_test(tc, test_offline_namespace_case);
	tcase_add_test(tc, test_offline_other_namespace_not_used);
	tcase_add_test(tc, test_offline_too_old_not_used);
	tcase_add_test(tc, test_offline_future_not_used);
	tcase_add_test(tc, test_offline_unevaluated_permission_not_used);
	tcase_add_test(tc, test_offline_only_when_down_and_allowed);
	suite_add_tcase(s, tc);
	tc = tcase_create("local");
	tcase_add_test(tc, test_local_answers_within_the_lag);
	tcase_add_test(tc, test_local_refuses);
	tcase_add_test(tc, test_local_damaged_record);
	tcase_add_test(tc, test_local_file);
	tcase_add_test(tc, test_local_agrees_with_the_directory);
	suite_add_tcase(s, tc);
	tc = tcase_create("decision");
	tcase_add_test(tc, test_screen);
	tcase_add_test(tc, test_read_without_handle);
	tcase_add_test(tc, test_decision_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(facts_suite());
}
