/*
 * rbac_entry.h - a directory entry as plain data, and its conversion into
 * the structs of rbac_model.h.
 *
 * The directory layer (rbac_ldap.c) reads the attributes of an entry into a
 * struct rbac_entry, values as the server sent them (byte strings that may
 * hold NUL bytes or anything else); every decision about what those bytes
 * mean is made here, without libldap, so that it can be tested and fuzzed
 * with any input.
 */
#ifndef RBAC_ENTRY_H
#define RBAC_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "rbac_log.h"
#include "rbac_model.h"
#include "rbac_strlist.h"

struct rbac_bytes {
	const char *p;
	size_t len;
};

struct rbac_entry_attr {
	const char *name; /* the attribute type, matched ignoring ASCII case */
	const struct rbac_bytes *v;
	size_t n;
};

struct rbac_entry {
	const char *dn; /* for the log */
	const struct rbac_entry_attr *attrs;
	size_t n_attrs;
};

/* The values of attr (NULL when the entry has none). */
const struct rbac_entry_attr *rbac_entry_get(const struct rbac_entry *e, const char *attr);

/* Whether some value of attr equals s byte for byte (with `nocase`,
 * ignoring ASCII case). */
bool rbac_entry_has_value(const struct rbac_entry *e, const char *attr, const char *s,
			  bool nocase);

/* Appends the values of attr to l; with `only`, just the values equal to
 * it. A value holding a NUL byte is skipped and logged: as a C string it
 * would read as a shorter, different value ("alice\0x" as "alice").
 * Returns -1 when out of memory. */
int rbac_entry_values(const struct rbac_entry *e, const char *attr, const char *only,
		      const struct rbac_logger *lg, struct rbac_strlist *l);

/* gidNumber: an unsigned decimal that fits 32 bits, nothing else. */
bool rbac_entry_parse_gid(const struct rbac_bytes *b, unsigned long *gid);

/* An rbacAccount entry into *a (initialised by the caller; uid and dn are
 * copied): status (several values, or an unknown one, is
 * RBAC_STATUS_INVALID), reason, validity window (several values: invalid),
 * ppolicy lock. Returns -1 when out of memory. */
int rbac_entry_account(const struct rbac_entry *e, const char *uid, struct rbac_account *a);

/* An rbacRole entry's permissions, restrictions, inherited roles,
 * memberUid (with only_member, only that value) and gidNumber (logged and
 * left out when it is not one number in range) into *r. Returns -1 when
 * out of memory. */
int rbac_entry_role(const struct rbac_entry *e, const char *only_member,
		    const struct rbac_logger *lg, struct rbac_role *r);

/* An rbacAssignment entry below role r, appended to r's assignments: its one
 * uid (none or several: logged, nothing appended), window (several values
 * or an unreadable one: the bound is invalid, so the assignment grants
 * nothing) and rbacTicket. Returns -1 when out of memory. */
int rbac_entry_assignment(const struct rbac_entry *e, const struct rbac_logger *lg,
			  struct rbac_role *r);

#endif
