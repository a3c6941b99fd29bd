/*
 * check_offline.c - pam_rbac's offline decision (accounts.db) against the
 * online one (rbac_decide() on the directory's model), for thousands of
 * random directories: they agree whenever the snapshot answers, and the
 * snapshot never grants what the directory denies.
 *
 * Each case: a random namespace and global namespace (roles with random
 * permissions and patterns, "*" and "x.*" among them, restrictions,
 * inheritance with missing roles and cycles, master lists), random
 * accounts (every status, ppolicy locks, validity windows before, around
 * and after the decision time, unreadable window values, a uid claimed
 * twice), a random pam.permissions map with wildcard values, and random
 * requests (a mapped service, an unmapped one, a permission= override).
 * The offline side is the real writer, the real reader and the real
 * offline functions of common/rbac_offline.c, as pam_rbac.so calls them.
 *
 * RBAC_OFFLINE_SEED sets the seed (printed on failure, default fixed);
 * RBAC_OFFLINE_CASES the number of random directories (default 2000).
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "rbac_config.h"
#include "rbac_decision.h"
#include "rbac_offline.h"
#include "rbac_snapshot.h"
#include "rbac_snapshot_write.h"
#include "rbac_time.h"

#define NOW	      1798761599 /* 2026-12-31 23:59:59 UTC */
#define DEFAULT_SEED  0x5eed0f0ff11e5ULL
#define DEFAULT_CASES 2000
#define MAX_USERS     8
#define MAX_ACCOUNTS  (MAX_USERS + 2)
#define MAX_SERVICES  4
#define REQUESTS      24
#define LIST_BUFSZ    512

/* ---- a deterministic generator (xorshift64*) ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

static bool rng_percent(unsigned p)
{
	return rng_below(100) < p;
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	uint64_t x;

	if (v == NULL || *v == '\0')
		return dflt;
	x = strtoull(v, &end, 0);
	ck_assert_msg(*end == '\0', "%s: not a number: %s", name, v);
	return x;
}

/* ---- random model pieces ---- */

/* Permissions and patterns; the patterns overlap the permissions and each
 * other, so restrictions and master lists cut across grants. */
static const char *const perm_words[] = {
    "host.login",    "host.sudo",  "host.su",		"host.*", "*",	  "app.deploy", "app.*",
    "app.logs.read", "app.logs.*", "rbac.roles.manage", "rbac.*", "host",
};
#define N_PERM_WORDS (sizeof(perm_words) / sizeof(perm_words[0]))

static const char *const role_names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "ghost"};

static const char *const user_names[MAX_USERS] = {"u0", "u1", "u2", "u3",
						  "u4", "u5", "u6", "u7"};

/* Appends up to max random words of v to buf (space-separated). */
static const char *random_words(char *buf, const char *const *v, size_t n, unsigned max)
{
	unsigned k = rng_below(max + 1);

	buf[0] = '\0';
	for (unsigned i = 0; i < k; i++) {
		strcat(buf, v[rng_below((unsigned)n)]);
		strcat(buf, " ");
	}
	return buf;
}

/* n_roles roles r0.. of which each may inherit any of r0..r5 or "ghost"
 * (missing), so cycles and broken edges happen. */
static void random_namespace(struct rbac_namespace *ns, const char *name)
{
	char master[LIST_BUFSZ], perms[LIST_BUFSZ], restr[LIST_BUFSZ], inh[LIST_BUFSZ],
	    members[LIST_BUFSZ];
	unsigned n_roles = 1 + rng_below(6);

	fx_namespace(ns, name,
		     rng_percent(50) ? random_words(master, perm_words, N_PERM_WORDS, 4)
				     : NULL);
	for (unsigned i = 0; i < n_roles; i++) {
		random_words(perms, perm_words, N_PERM_WORDS, 3);
		random_words(restr, perm_words, N_PERM_WORDS, rng_percent(50) ? 2 : 0);
		random_words(inh, role_names, 7, rng_percent(60) ? 2 : 0);
		random_words(members, user_names, MAX_USERS, 3);
		fx_role(ns, role_names[i], perms, restr, inh, members);
	}
	ck_assert_int_ge(fx_resolve(ns), 0);
}

static void random_bound(struct rbac_time_bound *b, time_t now)
{
	static const long offsets[] = {-86400 * 400, -3600, -1, 0, 1, 3600, 86400 * 400};
	char buf[32];

	if (rng_percent(75)) {
		ck_assert_int_eq(rbac_time_bound_set(b, NULL), 0);
	} else if (rng_percent(8)) {
		ck_assert_int_eq(rbac_time_bound_set(b, "never"), 0);
	} else {
		rbac_time_format(now + offsets[rng_below(7)], buf, sizeof(buf));
		ck_assert_int_eq(rbac_time_bound_set(b, buf), 0);
	}
}

static const char *const statuses[] = {NULL,	   "active",  "suspended",
				       "disabled", "deleted", "retired"};

static void random_account(struct rbac_account *a, const char *uid)
{
	const char *st = statuses[rng_percent(70) ? rng_below(2) : rng_below(6)];

	rbac_account_init(a);
	a->uid = strdup(uid);
	a->status = rbac_status_parse(st);
	a->status_raw = st != NULL ? strdup(st) : NULL;
	if (rng_percent(20))
		a->status_reason = strdup("held");
	a->locked = rng_percent(8);
	random_bound(&a->valid_from, NOW);
	random_bound(&a->valid_until, NOW);
}

/* ---- a random pam.permissions map in a real struct rbac_config ---- */

static const char *const service_names[MAX_SERVICES] = {"sshd", "sudo", "su", "cron"};

static void set_permission_map(struct rbac_config *cfg)
{
	size_t n = 1 + rng_below(MAX_SERVICES);

	for (size_t i = 0; i < cfg->pam.n_permissions; i++) {
		free(cfg->pam.permissions[i].service);
		free(cfg->pam.permissions[i].permission);
	}
	cfg->pam.permissions = realloc(cfg->pam.permissions, n * sizeof(*cfg->pam.permissions));
	ck_assert_ptr_nonnull(cfg->pam.permissions);
	for (size_t i = 0; i < n; i++) {
		cfg->pam.permissions[i].service = strdup(service_names[i]);
		cfg->pam.permissions[i].permission =
		    strdup(perm_words[rng_below(N_PERM_WORDS)]);
	}
	cfg->pam.n_permissions = n;
	free(cfg->pam.default_permission);
	cfg->pam.default_permission = strdup(perm_words[rng_below(N_PERM_WORDS)]);
}

/* ---- one random directory ---- */

struct world {
	struct rbac_namespace ns, global;
	bool has_global;
	struct rbac_account accounts[MAX_ACCOUNTS];
	size_t n_accounts;
	struct rbac_config cfg;
	const char *stored[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	size_t n_stored;
	struct rbac_snapshot_image img;
	struct rbac_snapshot snap;
};

static void world_accounts(struct world *w)
{
	for (size_t u = 0; u < MAX_USERS; u++)
		if (rng_percent(85))
			random_account(&w->accounts[w->n_accounts++], user_names[u]);
	/* Now and then a uid that two entries claim. */
	if (w->n_accounts > 0 && w->n_accounts < MAX_ACCOUNTS && rng_percent(10)) {
		const char *uid = w->accounts[rng_below((unsigned)w->n_accounts)].uid;

		random_account(&w->accounts[w->n_accounts++], uid);
	}
}

static void world_snapshot(struct world *w)
{
	struct rbac_snapshot_model m = {&w->ns, w->has_global ? &w->global : NULL, w->accounts,
					w->n_accounts};
	struct rbac_snapshot_options o = {.group_format = "rbac-%r",
					  .global_group_format = "rbac-global-%r",
					  .gid_min = 900000,
					  .gid_max = 999999,
					  .expand_inherited = true,
					  .stale_after = 259200,
					  .generation = 1,
					  .now = NOW - 60};

	w->n_stored = rbac_config_pam_permission_values(&w->cfg, w->stored,
							RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	o.permissions = w->stored;
	o.n_permissions = w->n_stored;
	ck_assert_int_eq(rbac_snapshot_build_accounts(&m, &o, &fx_logger, &w->img), 0);
	ck_assert_int_eq(
	    rbac_snapshot_parse(&w->snap, w->img.data, w->img.len, RBAC_SNAPSHOT_ACCOUNTS, NOW),
	    RBAC_SNAPSHOT_OK);
}

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	random_namespace(&w->ns, "eng");
	w->has_global = rng_percent(50);
	if (w->has_global)
		random_namespace(&w->global, "global");
	world_accounts(w);
	rbac_config_init(&w->cfg);
	set_permission_map(&w->cfg);
	world_snapshot(w);
}

static void world_free(struct world *w)
{
	rbac_namespace_free(&w->ns);
	if (w->has_global)
		rbac_namespace_free(&w->global);
	for (size_t i = 0; i < w->n_accounts; i++)
		rbac_account_free(&w->accounts[i]);
	rbac_config_free(&w->cfg);
	rbac_snapshot_image_free(&w->img);
}

/* ---- the two decisions ---- */

struct request {
	const char *user, *permission;
	time_t now;
	bool ignore;
};

/* What the directory answers: the account of that uid, none, or a uid two
 * entries claim (rbac_dir_load_member's ERROR, pam_rbac's
 * account_ambiguous). */
static void decide_online(const struct world *w, const struct request *rq,
			  struct rbac_decision *d)
{
	struct rbac_decision_input in = {.ns = &w->ns,
					 .global = w->has_global ? &w->global : NULL,
					 .permission = rq->permission,
					 .now = rq->now,
					 .unknown_user_ignore = rq->ignore};
	size_t claims = 0;

	for (size_t i = 0; i < w->n_accounts; i++)
		if (strcmp(w->accounts[i].uid, rq->user) == 0) {
			in.account = &w->accounts[i];
			claims++;
		}
	if (claims > 1) {
		in.account = NULL;
		in.account_ambiguous = true;
	}
	rbac_decide(&in, d);
}

/* What pam_rbac.so decides from accounts.db; false when the snapshot has
 * no answer (the module then says directory_unavailable). */
static bool decide_offline(const struct world *w, const struct request *rq,
			   struct rbac_decision *d)
{
	struct rbac_account account;
	struct rbac_namespace ns;
	enum rbac_offline_result r;

	rbac_account_init(&account);
	rbac_namespace_init(&ns);
	r = rbac_offline_lookup(&w->snap, w->stored, w->n_stored, rq->user, rq->permission,
				&account, &ns);
	ck_assert_int_ne(r, RBAC_OFFLINE_NOMEM);
	if (r == RBAC_OFFLINE_ANSWERED)
		rbac_offline_decide(&ns, &account, rq->permission, rq->now, rq->ignore, d);
	rbac_account_free(&account);
	rbac_namespace_free(&ns);
	return r == RBAC_OFFLINE_ANSWERED;
}

/* A service of the map, one outside it (the default), or permission=. */
static void random_request(const struct world *w, struct request *rq)
{
	static const long offsets[] = {0, -3600, 3600, -86400 * 400, 86400 * 400, -1, 1};
	unsigned pick = rng_below(10);

	rq->user = rng_percent(90) ? user_names[rng_below(MAX_USERS)] : "nobody";
	if (pick < 6)
		rq->permission =
		    rbac_config_permission_for(&w->cfg, service_names[rng_below(MAX_SERVICES)]);
	else if (pick < 7)
		rq->permission = rbac_config_permission_for(&w->cfg, "login");
	else
		rq->permission = perm_words[rng_below(N_PERM_WORDS)];
	rq->now = NOW + offsets[rng_below(7)];
	rq->ignore = rng_percent(30);
}

static bool stored(const struct world *w, const char *perm)
{
	for (size_t i = 0; i < w->n_stored; i++)
		if (strcmp(w->stored[i], perm) == 0)
			return true;
	return false;
}

struct tally {
	unsigned long answered, unanswered;
	unsigned long reasons[RBAC_REASON_COUNT]; /* of the answered */
};

static void check_request(const struct world *w, const struct request *rq, uint64_t seed,
			  unsigned long c, struct tally *t)
{
	struct rbac_decision on, off;
	bool answered;

	decide_online(w, rq, &on);
	answered = decide_offline(w, rq, &off);
	/* The snapshot answers exactly for what the writer evaluated. */
	ck_assert_msg(answered == stored(w, rq->permission),
		      "seed 0x%" PRIx64 " case %lu: %s %s: answered=%d, stored=%d", seed, c,
		      rq->user, rq->permission, answered, stored(w, rq->permission));
	if (!answered) {
		t->unanswered++;
		return;
	}
	t->answered++;
	ck_assert_msg(on.reason == off.reason && on.pam_code == off.pam_code,
		      "seed 0x%" PRIx64 " case %lu: user %s permission %s at %lld "
		      "(ignore=%d): directory %s, snapshot %s",
		      seed, c, rq->user, rq->permission, (long long)rq->now, rq->ignore,
		      rbac_reason_name(on.reason), rbac_reason_name(off.reason));
	t->reasons[on.reason]++;
}

START_TEST(test_offline_agrees_with_directory)
{
	uint64_t seed = env_u64("RBAC_OFFLINE_SEED", DEFAULT_SEED);
	unsigned long cases = (unsigned long)env_u64("RBAC_OFFLINE_CASES", DEFAULT_CASES);
	struct tally t = {0};

	rng_state = seed != 0 ? seed : 1;
	for (unsigned long c = 0; c < cases; c++) {
		struct world w;

		world_init(&w);
		for (unsigned i = 0; i < REQUESTS; i++) {
			struct request rq;

			random_request(&w, &rq);
			check_request(&w, &rq, seed, c, &t);
		}
		world_free(&w);
	}
	printf("check_offline: seed 0x%" PRIx64 ", %lu directories: %lu answered, %lu "
	       "without an offline answer;",
	       seed, cases, t.answered, t.unanswered);
	for (int r = RBAC_REASON_UNKNOWN_USER; r <= RBAC_REASON_INVALID_ENTRY; r++)
		printf(" %s=%lu", rbac_reason_name(r), t.reasons[r]);
	printf("\n");
	/* The generator reaches every reason the snapshot can give, and both
	 * sides of "answers". */
	ck_assert_uint_gt(t.unanswered, cases / 2);
	for (int r = RBAC_REASON_UNKNOWN_USER; r <= RBAC_REASON_INVALID_ENTRY; r++)
		ck_assert_msg(t.reasons[r] > cases / 100, "%s reached only %lu times",
			      rbac_reason_name(r), t.reasons[r]);
}
END_TEST

/* The case of issue #10: role host.* minus host.sudo, and pam.permissions
 * naming "host.*" for one service. accounts.db records that "host.*" is
 * granted; that must not grant host.sudo offline, which the directory
 * denies. */
START_TEST(test_wildcard_value_does_not_widen)
{
	struct world w;
	struct request rq = {.user = "u0", .permission = "host.sudo", .now = NOW};
	struct rbac_decision on, off;

	memset(&w, 0, sizeof(w));
	fx_namespace(&w.ns, "eng", NULL);
	fx_role(&w.ns, "ops", "host.*", "host.sudo", NULL, "u0");
	ck_assert_int_eq(fx_resolve(&w.ns), 0);
	random_account(&w.accounts[0], "u0");
	w.accounts[0].status = RBAC_STATUS_ACTIVE;
	w.accounts[0].locked = false;
	ck_assert_int_eq(rbac_time_bound_set(&w.accounts[0].valid_from, NULL), 0);
	ck_assert_int_eq(rbac_time_bound_set(&w.accounts[0].valid_until, NULL), 0);
	w.n_accounts = 1;
	rbac_config_init(&w.cfg);
	free(w.cfg.pam.default_permission);
	w.cfg.pam.default_permission = strdup("host.*");
	world_snapshot(&w);

	decide_online(&w, &rq, &on);
	ck_assert_str_eq(rbac_reason_name(on.reason), "no_permission");
	ck_assert(decide_offline(&w, &rq, &off));
	ck_assert_str_eq(rbac_reason_name(off.reason), "no_permission");
	/* host.* itself, as a required permission, is granted both ways. */
	rq.permission = "host.*";
	decide_online(&w, &rq, &on);
	ck_assert(decide_offline(&w, &rq, &off));
	ck_assert_str_eq(rbac_reason_name(on.reason), "granted");
	ck_assert_str_eq(rbac_reason_name(off.reason), "granted");
	world_free(&w);
}
END_TEST

/* The offline fallback's own checks: namespace, pam.offline_max_age, and
 * no date after now (issue #10: a snapshot dated in the future passed every
 * age check, so a clock set back extended offline grants). */
START_TEST(test_offline_usable)
{
	struct rbac_snapshot s;

	memset(&s, 0, sizeof(s));
	s.namespace_name = "eng";
	s.written_at = NOW - 100;
	ck_assert_int_eq(rbac_offline_usable(&s, "eng", 100, NOW), RBAC_OFFLINE_USABLE);
	ck_assert_int_eq(rbac_offline_usable(&s, "ENG", 100, NOW), RBAC_OFFLINE_USABLE);
	ck_assert_int_eq(rbac_offline_usable(&s, "eng", 99, NOW), RBAC_OFFLINE_TOO_OLD);
	ck_assert_int_eq(rbac_offline_usable(&s, "ops", 100, NOW),
			 RBAC_OFFLINE_OTHER_NAMESPACE);
	s.written_at = NOW;
	ck_assert_int_eq(rbac_offline_usable(&s, "eng", 0, NOW), RBAC_OFFLINE_USABLE);
	s.written_at = NOW + 1;
	ck_assert_int_eq(rbac_offline_usable(&s, "eng", 3600, NOW), RBAC_OFFLINE_FUTURE);
	s.written_at = INT64_MAX;
	ck_assert_int_eq(rbac_offline_usable(&s, "eng", 3600, NOW), RBAC_OFFLINE_FUTURE);
	s.written_at = INT64_MIN;
	ck_assert_int_eq(rbac_offline_usable(&s, "eng", 31536000, NOW), RBAC_OFFLINE_TOO_OLD);
}
END_TEST

/* A record that says a window value was unreadable, with neither bound
 * marked so (fuzz_accounts found it granted): unreadable, so invalid_entry,
 * never a window without bounds. The writer never makes one; a damaged or
 * forged file may. */
START_TEST(test_bad_time_without_bounds_denies)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_account rec;
	struct rbac_account a;
	struct rbac_namespace ns;
	struct rbac_decision d;

	memset(&s, 0, sizeof(s));
	s.namespace_name = "eng";
	memset(&rec, 0, sizeof(rec));
	rec.uid = "u0";
	rec.uid_len = 2;
	rec.status = RBAC_STATUS_ACTIVE;
	rec.valid_from = INT64_MIN;
	rec.valid_until = INT64_MAX;
	rec.n_roles = 1;
	for (int variant = 0; variant < 3; variant++) {
		rec.flags = RBAC_SNAPSHOT_ACCOUNT_BAD_TIME;
		if (variant == 1) /* both bounds present and readable */
			rec.flags |= RBAC_SNAPSHOT_ACCOUNT_FROM | RBAC_SNAPSHOT_ACCOUNT_UNTIL;
		if (variant >= 1) {
			rec.valid_from = NOW - 10;
			rec.valid_until = NOW + 10;
		}
		if (variant == 2) /* only from, readable */
			rec.flags |= RBAC_SNAPSHOT_ACCOUNT_FROM;
		rbac_account_init(&a);
		rbac_namespace_init(&ns);
		ck_assert_int_eq(rbac_snapshot_account_to_model(&s, &rec, NULL, &a, &ns), 0);
		rbac_offline_decide(&ns, &a, "host.login", NOW, false, &d);
		ck_assert_msg(d.reason == RBAC_REASON_INVALID_ENTRY, "variant %d: %s", variant,
			      rbac_reason_name(d.reason));
		rbac_account_free(&a);
		rbac_namespace_free(&ns);
	}
}
END_TEST

static Suite *offline_suite(void)
{
	Suite *s = suite_create("offline");
	TCase *tc = tcase_create("agreement");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_offline_usable);
	tcase_add_test(tc, test_bad_time_without_bounds_denies);
	tcase_add_test(tc, test_wildcard_value_does_not_widen);
	tcase_add_test(tc, test_offline_agrees_with_directory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(offline_suite());
}
