/*
 * rbac_ldap_place.c - rbacAssignment entries that are not directly below an
 * rbacRole. OpenLDAP has no DIT structure rules, so slapd accepts such an
 * entry anywhere; no reader takes it as a grant (it has no parent role), and
 * rbacctl lint names it so that the admin learns the grant they meant does
 * not exist.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "rbac_ldap.h"

struct place_query {
	struct rbac_strlist roles;	 /* role DNs, re-serialised */
	struct rbac_strlist assignments; /* assignment DNs as the server sent them */
	struct rbac_strlist parents;	 /* ... and each one's parent, re-serialised */
};

static const char *const place_attrs[] = {"objectClass", NULL};

/* DN without its first `skip` RDNs, in one spelling (so that "cn=a, dc=b"
 * and "cn=a,dc=b" compare equal; case is compared by the caller). NULL for
 * an unparsable DN, or one with no parent. */
static char *dn_tail(const char *dn, size_t skip)
{
	LDAPDN parsed = NULL;
	char *out = NULL;
	size_t n = 0;

	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
		return NULL;
	while (parsed != NULL && parsed[n] != NULL)
		n++;
	if (n > skip && ldap_dn2str(parsed + skip, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		out = NULL;
	ldap_dnfree(parsed);
	return out;
}

static int add_owned(struct rbac_strlist *l, char *s)
{
	int rc = rbac_strlist_add(l, s != NULL ? s : "");

	ldap_memfree(s);
	return rc;
}

static bool is_a(const struct rbac_dir_values *oc, const char *name)
{
	for (size_t i = 0; i < oc->values.n; i++)
		if (strcasecmp(oc->values.v[i], name) == 0)
			return true;
	return false;
}

/* An entry of rbac_dir_search_each (v[0]: its objectClass values). A
 * search started over on another server (dn NULL) needs no reset: the
 * assignments are kept once each, and a role listed twice is still one. */
static int take_place_entry(void *arg, const char *dn, const struct rbac_dir_values *v,
			    size_t n)
{
	struct place_query *q = arg;
	int rc = 0;

	if (dn == NULL || n < 1)
		return 0;
	if (is_a(&v[0], "rbacRole"))
		rc = add_owned(&q->roles, dn_tail(dn, 0));
	if (rc == 0 && is_a(&v[0], "rbacAssignment") &&
	    !rbac_strlist_contains(&q->assignments, dn)) {
		rc = rbac_strlist_add(&q->assignments, dn);
		if (rc == 0)
			rc = add_owned(&q->parents, dn_tail(dn, 1));
	}
	return rc;
}

static bool is_role(const struct place_query *q, const char *dn)
{
	for (size_t i = 0; dn[0] != '\0' && i < q->roles.n; i++)
		if (strcasecmp(q->roles.v[i], dn) == 0)
			return true;
	return false;
}

enum rbac_dir_result rbac_dir_misplaced_assignments(struct rbac_dir *dir,
						    const char *const *bases, size_t n_bases,
						    struct rbac_strlist *out)
{
	struct place_query q;
	enum rbac_dir_result res = RBAC_DIR_OK;

	memset(&q, 0, sizeof(q));
	for (size_t i = 0; i < n_bases && res == RBAC_DIR_OK; i++) {
		if (bases[i] == NULL)
			continue;
		res = rbac_dir_search_each(
		    dir, bases[i], "(|(objectClass=rbacAssignment)(objectClass=rbacRole))",
		    place_attrs, take_place_entry, &q);
		if (res == RBAC_DIR_NOT_FOUND)
			res = RBAC_DIR_OK; /* nothing there, nothing misplaced */
	}
	for (size_t i = 0; res == RBAC_DIR_OK && i < q.assignments.n; i++)
		if (!is_role(&q, q.parents.v[i]) &&
		    rbac_strlist_add(out, q.assignments.v[i]) != 0)
			res = RBAC_DIR_ERROR;
	rbac_strlist_free(&q.roles);
	rbac_strlist_free(&q.assignments);
	rbac_strlist_free(&q.parents);
	return res;
}
