/*
 * fixture.h - build model structs for unit tests from short strings.
 */
#ifndef RBAC_TEST_FIXTURE_H
#define RBAC_TEST_FIXTURE_H

#include <check.h>

#include "rbac_log.h"
#include "rbac_model.h"

/* Lists are space-separated words; NULL or "" is an empty list. */
void fx_namespace(struct rbac_namespace *ns, const char *name, const char *master);
struct rbac_role *fx_role(struct rbac_namespace *ns, const char *name, const char *perms,
			  const char *restrictions, const char *inherits, const char *members);
/* Resolves ns, logging into the capture below; returns the error count. */
int fx_resolve(struct rbac_namespace *ns);

/* The example chain of README.md ("The directory") in namespace "eng":
 * user < manager < admin < super-admin, deployer = admin + app.restart -
 * host.sudo/host.su, contractor; master list as in etc/example. */
void fx_example_eng(struct rbac_namespace *ns);

/* A logger that keeps every line, joined by '\n'. */
extern struct rbac_logger fx_logger;
extern char fx_log[8192];
void fx_log_clear(void);

/* Adds test to tc when missing is NULL. Otherwise the test cannot run on
 * this machine: missing says what it lacks ("needs root"), the test is
 * listed as skipped, and fx_run() reports the run as a skip (77). */
void fx_add_test_unless(TCase *tc, const TTest *test, const char *missing);
/* NULL as root, else the reason for fx_add_test_unless(). */
const char *fx_needs_root(void);
/* Runs s; the exit status for automake: 0 all passed, 1 some failed,
 * 77 none failed but some were skipped, 99 some were skipped while
 * RBAC_TEST_NO_SKIP is set (CI, where every test must run). */
int fx_run(Suite *s);

/* rm -rf of a test's private directory. */
void fx_remove_tree(const char *top);

/* The path of rel (e.g. "etc/rbac.conf.example") in the source tree: make
 * check exports abs_top_srcdir and srcdir; a manual run from the build tree
 * falls back to where the compiler found fixture.c. */
void fx_source_path(const char *rel, char *buf, size_t len);

#endif
