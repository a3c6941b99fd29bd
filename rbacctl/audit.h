/*
 * audit.h - what a record of slapd's accesslog (slapo-accesslog(5)) means
 * for RBAC: the events of `rbacctl audit` and `rbacctl report changes`
 * (rbacctl(8), AUDIT). Pure: no directory access, so every record shape is
 * tested (check_audit) and fuzzed (fuzz_audit) without a server.
 *
 * A record is one successful write: reqType (add, delete, modify, modrdn),
 * reqDN, reqAuthzID (who was bound), reqStart, its reqMod values
 * ("attr:+ value", "attr:- value", "attr:-", "attr:= value") and, where the
 * overlay's logold filter matched the entry, reqOld ("attr: value": the
 * old values of the attributes a modify touched, all of a deleted entry).
 * The actor is the record's modifiersName (set by slapd on the provider
 * the change was made on, and kept by a replicated copy, whose reqAuthzID
 * is the replication identity), else its reqAuthzID (a delete).
 * The DN says what the entry is: cn=NS,<ldap.base> a namespace,
 * cn=ROLE,cn=NS,<ldap.base> a role, uid=U,cn=ROLE,cn=NS,<ldap.base> an
 * assignment (DESIGN 11), anything below ldap.user_base an account.
 */
#ifndef RBACCTL_AUDIT_H
#define RBACCTL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rbac_strlist.h"

/* The event kinds; their names are what the output prints (a public
 * interface: rbacctl(8), AUDIT). */
enum audit_kind {
	AUDIT_ROLE_GRANTED,
	AUDIT_ROLE_REVOKED,
	AUDIT_ASSIGNMENT_CHANGED,
	AUDIT_ASSIGNMENT_EXPIRED,
	AUDIT_ACCOUNT_STATUS_CHANGED,
	AUDIT_ACCOUNT_VALIDITY_CHANGED,
	AUDIT_ACCOUNT_DELETED,
	AUDIT_ROLE_DEFINITION_CHANGED,
	AUDIT_ROLE_CREATED,
	AUDIT_ROLE_DELETED,
	AUDIT_MASTER_LIST_CHANGED,
	AUDIT_ACCOUNT_EXPIRED,
};

const char *audit_kind_name(enum audit_kind k);

/* One event. Strings are owned (NULL: not applicable). before and after
 * are the values the change took away and put in: a status's old and new
 * value, the permissions a role lost and gained, the uid granted (after)
 * or revoked (before). */
struct audit_event {
	enum audit_kind kind;
	time_t time;
	char *stamp; /* the record's reqStart (its order), or the derived time */
	char *actor; /* the bound DN (reqAuthzID); NULL for a derived event */
	char *namespace_name;
	char *role;
	char *user;
	char *dn; /* the entry written */
	char *attribute;
	struct rbac_strlist before;
	struct rbac_strlist after;
	char *reason; /* ACCOUNT_STATUS_CHANGED: the rbacStatusReason it set */
	char *ticket; /* an assignment's rbacTicket */
	char *valid_from, *valid_until; /* an assignment's window (GeneralizedTime) */
};

struct audit_events {
	struct audit_event *v;
	size_t n, cap;
};

void audit_events_free(struct audit_events *e);
/* Frees the events after the first n. */
void audit_events_truncate(struct audit_events *e, size_t n);
/* Sorts by stamp, then by the order they were added (a stable sort). */
void audit_events_sort(struct audit_events *e);

/* Where the entries live: ldap.base and ldap.user_base. */
struct audit_layout {
	const char *base;
	const char *user_base;
};

/* One accesslog record (strings NUL-terminated). */
struct audit_record {
	const char *req_start;
	const char *req_type;
	const char *authz;
	const char *dn;
	const char *const *mods;
	size_t n_mods;
	const char *const *old;
	size_t n_old;
};

/* Appends r's events to out (none for a write that touches nothing RBAC
 * knows). Returns 0, -1 when out of memory (out keeps the events added
 * before), 1 when r is not a readable record (no reqStart time, no type,
 * no DN): nothing added. */
int audit_record_events(const struct audit_layout *lay, const struct audit_record *r,
			struct audit_events *out);

/* An entry whose window ended at valid_until: an assignment's
 * (ASSIGNMENT_EXPIRED, its holder in before) or an account's
 * (ACCOUNT_EXPIRED). 0; 1 when dn is neither an assignment's DN under
 * lay->base nor an account's under lay->user_base, or valid_until is not a
 * time (nothing added); -1 when out of memory. */
int audit_expired_event(const struct audit_layout *lay, const char *dn, const char *uid,
			const char *valid_from, const char *valid_until, const char *ticket,
			struct audit_events *out);

/* The comma-separated columns of report changes, and the cells of an
 * event in that order (before and after joined by spaces, times as
 * "2026-12-04T11:00:00Z"; a valid_from/valid_until that is not a
 * GeneralizedTime as it is); the strings
 * are malloc()ed into cells[], free them with audit_cells_free. -1 when
 * out of memory. */
#define AUDIT_NCOLS 14
extern const char *const audit_columns[AUDIT_NCOLS];
int audit_cells(const struct audit_event *e, char *cells[AUDIT_NCOLS]);
void audit_cells_free(char *cells[AUDIT_NCOLS]);

#endif
