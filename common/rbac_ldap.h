/*
 * rbac_ldap.h - the only place that talks to the directory (libldap): the
 * queries are rbac_ldap.c, the connection under them rbac_conn.c.
 *
 * Loads a namespace with its roles and an account by uid into the plain
 * structs of rbac_model.h. Walks ldap.uri itself (libldap only fails over on
 * a refused connect), bounds every connect and operation by ldap.timeout,
 * ignores ldap.conf/.ldaprc/LDAP* environment, and never sends a filter
 * value that did not go through rbac_ldap_escape_filter().
 */
#ifndef RBAC_LDAP_H
#define RBAC_LDAP_H

#include <stdbool.h>
#include <stddef.h>

#include "rbac_config.h"
#include "rbac_log.h"
#include "rbac_model.h"

enum rbac_dir_result {
	RBAC_DIR_OK = 0,
	RBAC_DIR_NOT_FOUND = 1,	  /* the entry does not exist */
	RBAC_DIR_UNAVAILABLE = 2, /* no configured server answered in time */
	RBAC_DIR_ERROR = 3,	  /* anything else: bind refused, bad config, OOM */
};

struct rbac_dir; /* one connection (opened lazily, reopened after fork) */

/* cfg and lg must outlive the handle; cfg is read when the handle connects,
 * so later changes take effect only at the next reconnect. A handle is for
 * one thread at a time. Returns NULL when out of memory.
 * The load functions initialise `out` themselves and leave it empty on
 * failure; the caller always frees it (rbac_namespace_free,
 * rbac_account_free). */
struct rbac_dir *rbac_dir_new(const struct rbac_config *cfg, const struct rbac_logger *lg);
void rbac_dir_free(struct rbac_dir *dir);

/* Loads cn=NAME,ldap.base (objectClass rbacNamespace) and its roles, the
 * rbacRole entries exactly one level below it, paging past size limits, and
 * resolves inheritance. NOT_FOUND when the namespace entry does not exist.
 * When only_member is not NULL, this is what one member's decision needs:
 * only the roles whose memberUid lists only_member (one indexed search,
 * together with the namespace entry), then the roles those inherit, one
 * search per level of inheritance, and of memberUid only only_member's own
 * value. Every other role is left out, so inheritance errors are reported
 * only where they touch the member's roles. */
enum rbac_dir_result rbac_dir_load_namespace(struct rbac_dir *dir, const char *name,
					     const char *only_member,
					     struct rbac_namespace *out);

/* Loads the rbacAccount entry under ldap.user_base whose uid equals `uid`
 * exactly (LDAP matching is case-insensitive, Unix names are not), with the
 * operational pwdAccountLockedTime. NOT_FOUND when there is none; ERROR
 * (logged with both DNs) when two entries claim the uid. */
enum rbac_dir_result rbac_dir_load_account(struct rbac_dir *dir, const char *uid,
					   struct rbac_account *out);

/* Both loads a member's decision needs, in one round trip: the account
 * search goes out first, the namespace searches run while its answer
 * travels, then that answer is read. *ns_res and *account_res are what
 * rbac_dir_load_namespace(dir, name, uid, ns) and
 * rbac_dir_load_account(dir, uid, account) would return. */
void rbac_dir_load_member(struct rbac_dir *dir, const char *name, const char *uid,
			  struct rbac_namespace *ns, enum rbac_dir_result *ns_res,
			  struct rbac_account *account, enum rbac_dir_result *account_res);

/* Loads every rbacAccount entry under ldap.user_base (subtree) in one
 * search, paged (RFC 2696) past server size limits, into a malloc()ed array
 * of *n accounts, one per uid value of each entry. For rbacctl refresh,
 * which needs all of them. A uid claimed by two entries appears twice: the
 * caller decides (the snapshot writer uses neither). Free the result with
 * rbac_accounts_free(). */
enum rbac_dir_result rbac_dir_load_accounts(struct rbac_dir *dir, struct rbac_account **out,
					    size_t *n);
void rbac_accounts_free(struct rbac_account *v, size_t n);

/* Keeping a connection between callers whose cfg does not live as long as
 * the handle (pam_rbac keeps one across PAM handles of a process):
 * rbac_dir_release() makes the handle forget cfg and lg, which may then be
 * freed; the connection stays open. rbac_dir_reuse() gives it the next
 * caller's cfg and lg and keeps the connection only when it was made with
 * the same connection settings (ldap.uri, bind DN, bind password file, TLS,
 * timeouts), the password file is unchanged since (same inode, size, mtime
 * and ctime), it was released at most max_idle seconds ago, and it belongs
 * to this process; otherwise it is closed, and the next load connects anew.
 * Returns whether it was kept. A kept connection that the server has closed
 * meanwhile costs one transparent reconnect (as within one caller). */
void rbac_dir_release(struct rbac_dir *dir);
bool rbac_dir_reuse(struct rbac_dir *dir, const struct rbac_config *cfg,
		    const struct rbac_logger *lg, double max_idle);

/* DNs of the rbacAssignment entries in the subtrees of bases (NULL ones
 * skipped; an entry under two counts once) that are not directly below an
 * rbacRole: slapd cannot refuse them, and they grant nothing. Appended to
 * out. Paged; for rbacctl lint. */
enum rbac_dir_result rbac_dir_misplaced_assignments(struct rbac_dir *dir,
						    const char *const *bases, size_t n_bases,
						    struct rbac_strlist *out);

/* One entry of rbac_dir_search_each: each attribute asked for, with its
 * values (none when the entry has none). */
struct rbac_dir_values {
	const char *name;
	struct rbac_strlist values;
};
/* Called per entry; returns 0 to go on, non-zero to stop (the search then
 * returns ERROR). The strings are valid during the call only. Called with
 * dn NULL before the first entry, and again when a server failed and the
 * search starts over on the next URI: forget every entry taken so far. */
typedef int (*rbac_dir_entry_fn)(void *arg, const char *dn, const struct rbac_dir_values *v,
				 size_t n);
/* A subtree search at base with filter (its values escaped by the caller,
 * rbac_ldap_escape_filter), paged, each entry's attrs (NULL-terminated)
 * given to take. NOT_FOUND when the server answers noSuchObject for base:
 * no such entry, or one the bound identity may not see. */
enum rbac_dir_result rbac_dir_search_each(struct rbac_dir *dir, const char *base,
					  const char *filter, const char *const *attrs,
					  rbac_dir_entry_fn take, void *arg);

/* The URI that answered last, or NULL. */
const char *rbac_dir_current_uri(const struct rbac_dir *dir);

/* Escapes len bytes of value for an RFC 4515 filter (ldap_bv2escaped_filter_value).
 * Returns a malloc()ed string, or NULL when out of memory or len exceeds
 * RBAC_LDAP_VALUE_MAX. Embedded NUL bytes are escaped, never truncate. */
#define RBAC_LDAP_VALUE_MAX 1024
char *rbac_ldap_escape_filter(const char *value, size_t len);

#endif
