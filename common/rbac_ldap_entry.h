/*
 * rbac_ldap_entry.h - one search result entry of libldap as the plain
 * struct rbac_entry that rbac_entry.c (and rbac-syncd's model) reads: the
 * values of the attributes asked for, as the server sent them. Shared by
 * the queries (rbac_ldap.c) and rbac-syncd, so both see an entry alike.
 */
#ifndef RBAC_LDAP_ENTRY_H
#define RBAC_LDAP_ENTRY_H

#include <lber.h>
#include <ldap.h>

#include "rbac_entry.h"

#define RBAC_LDAP_ENTRY_ATTRS_MAX 16

/* The values point into libldap's memory until rbac_ldap_entry_free(). */
struct rbac_ldap_entry {
	struct rbac_entry e;
	struct rbac_entry_attr attrs[RBAC_LDAP_ENTRY_ATTRS_MAX];
	struct berval **bv[RBAC_LDAP_ENTRY_ATTRS_MAX];
};

/* The values of each attribute in names (NULL-terminated, at most
 * RBAC_LDAP_ENTRY_ATTRS_MAX; an attribute the entry lacks has none) of
 * entry m into b, with b->e.dn = dn (not copied). Returns 0, or -1 when out
 * of memory (b is then empty). */
int rbac_ldap_entry_read(LDAP *ld, LDAPMessage *m, const char *dn, const char *const *names,
			 struct rbac_ldap_entry *b);
void rbac_ldap_entry_free(struct rbac_ldap_entry *b);

#endif
