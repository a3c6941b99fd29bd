/*
 * rbac_ldap_entry.c - a libldap entry as a struct rbac_entry
 * (rbac_ldap_entry.h). The bytes stay libldap's until rbac_ldap_entry_free.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rbac_ldap_entry.h"

void rbac_ldap_entry_free(struct rbac_ldap_entry *b)
{
	for (size_t i = 0; i < b->e.n_attrs; i++) {
		free((void *)b->attrs[i].v);
		ldap_value_free_len(b->bv[i]);
	}
	b->e.n_attrs = 0;
}

int rbac_ldap_entry_read(LDAP *ld, LDAPMessage *m, const char *dn, const char *const *names,
			 struct rbac_ldap_entry *b)
{
	memset(b, 0, sizeof(*b));
	b->e.dn = dn;
	b->e.attrs = b->attrs;
	for (size_t i = 0; names[i] != NULL && i < RBAC_LDAP_ENTRY_ATTRS_MAX; i++) {
		struct berval **v = ldap_get_values_len(ld, m, names[i]);
		struct rbac_bytes *bytes;
		size_t n = 0;

		while (v != NULL && v[n] != NULL)
			n++;
		bytes = calloc(n > 0 ? n : 1, sizeof(*bytes));
		b->bv[i] = v;
		b->attrs[i].name = names[i];
		b->attrs[i].v = bytes;
		b->attrs[i].n = bytes != NULL ? n : 0;
		b->e.n_attrs = i + 1;
		if (bytes == NULL) {
			rbac_ldap_entry_free(b);
			return -1;
		}
		for (size_t j = 0; j < n; j++) {
			bytes[j].p = v[j]->bv_val;
			bytes[j].len = v[j]->bv_len;
		}
	}
	return 0;
}
