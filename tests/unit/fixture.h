/*
 * fixture.h - build model structs for unit tests from short strings.
 */
#ifndef RBAC_TEST_FIXTURE_H
#define RBAC_TEST_FIXTURE_H

#include "rbac_log.h"
#include "rbac_model.h"

/* Lists are space-separated words; NULL or "" is an empty list. */
void fx_namespace(struct rbac_namespace *ns, const char *name, const char *master);
struct rbac_role *fx_role(struct rbac_namespace *ns, const char *name, const char *perms,
			  const char *restrictions, const char *inherits, const char *members);
/* Resolves ns, logging into the capture below; returns the error count. */
int fx_resolve(struct rbac_namespace *ns);

/* The example chain of DESIGN §2 in namespace "eng":
 * user < manager < admin < super-admin, deployer = admin + app.restart -
 * host.sudo/host.su, contractor; master list as in etc/example. */
void fx_example_eng(struct rbac_namespace *ns);

/* A logger that keeps every line, joined by '\n'. */
extern struct rbac_logger fx_logger;
extern char fx_log[8192];
void fx_log_clear(void);

#endif
