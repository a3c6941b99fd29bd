/*
 * rbac_conn.h - what the queries (rbac_ldap.c) use of the connection
 * (rbac_conn.c). Private to those two files: pam_rbac, nss_rbac and rbacctl
 * use rbac_ldap.h only.
 *
 * A query is an operation (rbac_dir_op) that rbac_dir_run() runs on a
 * bound connection, on the kept one or on each URI in turn, within the
 * call's time; on the handle it is given it may use the LDAP handle, the
 * config and the logger, and it reports a failed search through
 * rbac_dir_search_failed() so that a server that did not answer hands over
 * to the next URI.
 */
#ifndef RBAC_CONN_H
#define RBAC_CONN_H

#include <stdbool.h>

#include <lber.h>
#include <ldap.h>

#include "rbac_ldap.h"

/* An operation run on a connected handle; *lost is set when the connection
 * failed under it (server down, timeout) rather than the server answering. */
typedef enum rbac_dir_result (*rbac_dir_op)(struct rbac_dir *dir, void *arg, bool *lost);

/* Runs op on a connection: the kept one if any, else the first URI that
 * answers; everything fits in ldap.timeout x URIs. A bulk read (every
 * role, every account) gives each page ldap.timeout of its own, see
 * rbac_dir_page_begin(). */
enum rbac_dir_result rbac_dir_run(struct rbac_dir *dir, rbac_dir_op op, void *arg, bool bulk);

/* Runs op as a session: a long-lived operation (a persistent search) with
 * no deadline for the whole call. Connect and bind take at most
 * ldap.timeout per URI as in rbac_dir_run(); the op starts with an answer
 * expected within ldap.timeout and arms its own deadlines after that. When
 * the op reports *lost, the walk goes on to the next URI and runs the op
 * again there (it resumes from whatever state arg holds). Each URI is tried
 * at most once per call, from the first (or the kept connection's): when
 * all failed, UNAVAILABLE, and the caller decides when to call again. The
 * socket has TCP keepalive. */
enum rbac_dir_result rbac_dir_session(struct rbac_dir *dir, rbac_dir_op op, void *arg);

/* Within a session op, before sending a request or waiting for an answer:
 * the server must answer within `seconds`, or the connection counts as lost
 * (rbac_dir_next_message). 0: an idle wait with no deadline (a persistent
 * search between changes); a message that has begun must still arrive whole
 * within ldap.timeout. Returns 0, or -1 when the handle's timeouts could not
 * be set. */
int rbac_dir_expect(struct rbac_dir *dir, double seconds);

/* Within a session op: waits up to `wait` seconds (never past the expected
 * answer's deadline) for one message of msgid (LDAP_RES_ANY: any). 1 with
 * *msg (ldap_msgfree it), 0 when nothing came, -1 when the connection is
 * lost: failed, or silent past rbac_dir_expect's deadline (logged; the op
 * sets *lost). */
int rbac_dir_next_message(struct rbac_dir *dir, int msgid, double wait, LDAPMessage **msg);

/* Within an operation: the connected handle, and what the handle was given. */
LDAP *rbac_dir_ld(const struct rbac_dir *dir);
const struct rbac_config *rbac_dir_cfg(const struct rbac_dir *dir);
const struct rbac_logger *rbac_dir_logger(const struct rbac_dir *dir);

/* A search's LDAP result code rc (not LDAP_SUCCESS) at base, logged and
 * mapped to ours; *lost is set when the server did not answer. */
enum rbac_dir_result rbac_dir_search_failed(struct rbac_dir *dir, int rc, const char *base,
					    bool *lost);
/* res (a search result, or NULL) holds a referral: logged; never followed
 * and the answer is not to be used. */
bool rbac_dir_has_referral(struct rbac_dir *dir, LDAPMessage *res, const char *base);

/* Paged results: before each page, the request control for the page after
 * cookie (and, for a bulk read, the page's own time). Returns 0, or -1. */
int rbac_dir_page_begin(struct rbac_dir *dir, struct berval *cookie, LDAPControl **ctrl);
/* After it, the next cookie from the response's controls: empty when that
 * was the last page. Returns 0, or -1. */
int rbac_dir_next_cookie(struct rbac_dir *dir, LDAPControl **sctrls, struct berval *cookie);

/* libldap kept away from ldap.conf and LDAP* variables, once per process:
 * before the first libldap call that may read them. */
void rbac_dir_isolate(void);

#endif
