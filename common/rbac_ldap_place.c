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

#include <lber.h>
#include <ldap.h>

#include "rbac_conn.h"
#include "rbac_ldap.h"

struct place_query {
	const char *base;
	struct rbac_strlist roles;	 /* role DNs, re-serialised */
	struct rbac_strlist assignments; /* assignment DNs as the server sent them */
	struct rbac_strlist parents;	 /* ... and each one's parent, re-serialised */
};

static const char *const place_attrs[] = {"objectClass", NULL};

static bool entry_is(LDAP *ld, LDAPMessage *e, const char *oc)
{
	struct berval **v = ldap_get_values_len(ld, e, "objectClass");
	bool found = false;

	for (size_t i = 0; v != NULL && v[i] != NULL && !found; i++)
		found = v[i]->bv_len == strlen(oc) &&
			strncasecmp(v[i]->bv_val, oc, v[i]->bv_len) == 0;
	ldap_value_free_len(v);
	return found;
}

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

static int take_place_entry(LDAP *ld, struct place_query *q, LDAPMessage *e)
{
	char *dn = ldap_get_dn(ld, e);
	int rc = 0;

	if (dn == NULL)
		return -1;
	if (entry_is(ld, e, "rbacRole"))
		rc = add_owned(&q->roles, dn_tail(dn, 0));
	if (rc == 0 && entry_is(ld, e, "rbacAssignment") &&
	    !rbac_strlist_contains(&q->assignments, dn)) {
		rc = rbac_strlist_add(&q->assignments, dn);
		if (rc == 0)
			rc = add_owned(&q->parents, dn_tail(dn, 1));
	}
	ldap_memfree(dn);
	return rc;
}

static enum rbac_dir_result place_page(struct rbac_dir *dir, struct place_query *q,
				       struct berval *cookie, bool *lost)
{
	LDAP *ld = rbac_dir_ld(dir);
	LDAPControl *ctrls[2] = {NULL, NULL}, **sctrls = NULL;
	LDAPMessage *res = NULL, *e;
	enum rbac_dir_result out = RBAC_DIR_OK;
	int rc, err;

	if (rbac_dir_page_begin(dir, cookie, &ctrls[0]) != 0)
		return RBAC_DIR_ERROR;
	rc = ldap_search_ext_s(ld, q->base, LDAP_SCOPE_SUBTREE,
			       "(|(objectClass=rbacAssignment)(objectClass=rbacRole))",
			       (char **)place_attrs, 0, ctrls, NULL, NULL, LDAP_NO_LIMIT, &res);
	if (res != NULL &&
	    ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &sctrls, 0) == LDAP_SUCCESS)
		rc = err;
	if (rbac_dir_has_referral(dir, res, q->base))
		out = RBAC_DIR_ERROR;
	else if (rc == LDAP_NO_SUCH_OBJECT)
		cookie->bv_len = 0; /* nothing there, nothing misplaced */
	else if (rc != LDAP_SUCCESS)
		out = rbac_dir_search_failed(dir, rc, q->base, lost);
	for (e = ldap_first_entry(ld, res); out == RBAC_DIR_OK && e != NULL;
	     e = ldap_next_entry(ld, e))
		if (take_place_entry(ld, q, e) != 0)
			out = RBAC_DIR_ERROR;
	if (out == RBAC_DIR_OK && rc == LDAP_SUCCESS &&
	    rbac_dir_next_cookie(dir, sctrls, cookie))
		out = RBAC_DIR_ERROR;
	ldap_msgfree(res);
	ldap_control_free(ctrls[0]);
	ldap_controls_free(sctrls);
	return out;
}

static enum rbac_dir_result place_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct berval cookie = {0, NULL};
	enum rbac_dir_result res = RBAC_DIR_OK;

	for (bool more = true; more && res == RBAC_DIR_OK; more = cookie.bv_len > 0)
		res = place_page(dir, arg, &cookie, lost);
	ber_memfree(cookie.bv_val);
	return res;
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
		q.base = bases[i];
		if (q.base != NULL)
			res = rbac_dir_run(dir, place_search, &q, true);
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
