/*
 * fixture.c - model builders, a capturing logger, and the runner of the
 * Check suites (skips, exit status) for the unit and integration tests.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

char fx_log[8192];

static void fx_capture(void *ctx, int priority, const char *message)
{
	size_t used = strlen(fx_log);

	snprintf(fx_log + used, sizeof(fx_log) - used, "%s\n", message);
}

struct rbac_logger fx_logger = {fx_capture, NULL, true};

void fx_log_clear(void)
{
	fx_log[0] = '\0';
}

static void fx_words(struct rbac_strlist *l, const char *words)
{
	const char *p = words;

	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, " ");

		if (len > 0)
			ck_assert_int_eq(rbac_strlist_addn(l, p, len), 0);
		p += len;
		p += strspn(p, " ");
	}
}

void fx_namespace(struct rbac_namespace *ns, const char *name, const char *master)
{
	char dn[256];

	rbac_namespace_init(ns);
	snprintf(dn, sizeof(dn), "cn=%s,ou=rbac,dc=example,dc=org", name);
	ns->name = strdup(name);
	ns->dn = strdup(dn);
	ck_assert_ptr_nonnull(ns->name);
	ck_assert_ptr_nonnull(ns->dn);
	fx_words(&ns->master, master);
	ns->has_master = ns->master.n > 0;
}

struct rbac_role *fx_role(struct rbac_namespace *ns, const char *name, const char *perms,
			  const char *restrictions, const char *inherits, const char *members)
{
	char dn[256];
	struct rbac_role *r;

	snprintf(dn, sizeof(dn), "cn=%s,%s", name, ns->dn);
	r = rbac_namespace_add_role(ns, name, dn);
	ck_assert_ptr_nonnull(r);
	fx_words(&r->permissions, perms);
	fx_words(&r->restrictions, restrictions);
	fx_words(&r->inherits, inherits);
	fx_words(&r->members, members);
	return r;
}

int fx_resolve(struct rbac_namespace *ns)
{
	fx_log_clear();
	return rbac_namespace_resolve(ns, &fx_logger);
}

void fx_example_eng(struct rbac_namespace *ns)
{
	fx_namespace(ns, "eng",
		     "host.login host.sudo host.su app.deploy app.logs.read app.restart "
		     "rbac.roles.manage rbac.users.manage");
	fx_role(ns, "user", "host.login", NULL, NULL, "heidi bob dave frank");
	fx_role(ns, "manager", "app.logs.read app.deploy", NULL, "user", "ivan carol");
	fx_role(ns, "admin", "host.sudo host.su rbac.users.manage", NULL, "manager", "alice");
	fx_role(ns, "super-admin", "rbac.*", NULL, "admin", "victor");
	fx_role(ns, "deployer", "app.restart db.admin", "host.sudo host.su", "admin", "judy");
	fx_role(ns, "contractor", "host.login app.logs.read", NULL, NULL, "erin peggy trent");
	ck_assert_int_eq(fx_resolve(ns), 0);
}

static unsigned fx_skipped;

void fx_add_test_unless(TCase *tc, const TTest *test, const char *missing)
{
	if (missing == NULL) {
		tcase_add_test(tc, test);
		return;
	}
	printf("SKIP: %s: %s: %s\n", program_invocation_short_name, test->name, missing);
	fx_skipped++;
}

const char *fx_needs_root(void)
{
	return geteuid() == 0 ? NULL : "needs root";
}

int fx_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed > 0)
		return EXIT_FAILURE;
	if (fx_skipped == 0)
		return EXIT_SUCCESS;
	printf("SKIP: %s: %u test(s) did not run (listed above)\n",
	       program_invocation_short_name, fx_skipped);
	if (getenv("RBAC_TEST_NO_SKIP") != NULL) {
		printf("FAIL: RBAC_TEST_NO_SKIP is set: every test must run here\n");
		return 99;
	}
	return 77;
}

static int fx_remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void fx_remove_tree(const char *top)
{
	ck_assert_int_eq(nftw(top, fx_remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

void fx_source_path(const char *rel, char *buf, size_t len)
{
	const char *top = getenv("abs_top_srcdir");
	const char *me = __FILE__;
	const char *cut;

	if (top == NULL || *top == '\0')
		top = getenv("srcdir");
	if (top != NULL && *top != '\0') {
		snprintf(buf, len, "%s/%s", top, rel);
		return;
	}
	cut = strstr(me, "tests/unit/fixture.c");
	snprintf(buf, len, "%.*s%s", cut != NULL ? (int)(cut - me) : 0, me, rel);
}
