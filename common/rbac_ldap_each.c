/*
 * rbac_ldap_each.c - a paged subtree search whose entries go to a callback
 * as plain strings (rbac_ldap.h, rbac_dir_search_each): for readers outside
 * the model, such as rbacctl audit over the accesslog database, that should
 * not need libldap's types.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <lber.h>
#include <ldap.h>

#include "rbac_conn.h"
#include "rbac_ldap.h"

struct each_query {
	const char *base;
	const char *filter;
	const char *const *attrs;
	rbac_dir_entry_fn take;
	void *arg;
};

static void values_free(struct rbac_dir_values *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rbac_strlist_free(&v[i].values);
	free(v);
}

/* Each asked-for attribute's values, NUL-terminated; a value holding a NUL
 * byte is left out (no RBAC value or accesslog field holds one). */
static struct rbac_dir_values *entry_values(LDAP *ld, LDAPMessage *e, const char *const *attrs,
					    size_t *n)
{
	struct rbac_dir_values *v;

	for (*n = 0; attrs[*n] != NULL; (*n)++)
		;
	v = calloc(*n + 1, sizeof(*v));
	for (size_t i = 0; v != NULL && i < *n; i++) {
		struct berval **bv = ldap_get_values_len(ld, e, attrs[i]);

		v[i].name = attrs[i];
		for (size_t k = 0; bv != NULL && bv[k] != NULL; k++) {
			if (memchr(bv[k]->bv_val, '\0', bv[k]->bv_len) != NULL)
				continue;
			if (rbac_strlist_addn(&v[i].values, bv[k]->bv_val, bv[k]->bv_len) !=
			    0) {
				ldap_value_free_len(bv);
				values_free(v, *n);
				return NULL;
			}
		}
		ldap_value_free_len(bv);
	}
	return v;
}

static enum rbac_dir_result take_entries(LDAP *ld, struct each_query *q, LDAPMessage *res)
{
	for (LDAPMessage *e = ldap_first_entry(ld, res); e != NULL;
	     e = ldap_next_entry(ld, e)) {
		char *dn = ldap_get_dn(ld, e);
		size_t n = 0;
		struct rbac_dir_values *v =
		    dn != NULL ? entry_values(ld, e, q->attrs, &n) : NULL;
		int rc = v != NULL ? q->take(q->arg, dn, v, n) : -1;

		values_free(v, n);
		ldap_memfree(dn);
		if (rc != 0) {
			return RBAC_DIR_ERROR;
		}
	}
	return RBAC_DIR_OK;
}

static enum rbac_dir_result each_page(struct rbac_dir *dir, struct each_query *q,
				      struct berval *cookie, bool *lost)
{
	LDAP *ld = rbac_dir_ld(dir);
	LDAPControl *ctrls[2] = {NULL, NULL}, **sctrls = NULL;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out = RBAC_DIR_OK;
	int rc, err;

	if (rbac_dir_page_begin(dir, cookie, &ctrls[0]) != 0)
		return RBAC_DIR_ERROR;
	rc = ldap_search_ext_s(ld, q->base, LDAP_SCOPE_SUBTREE, q->filter, (char **)q->attrs, 0,
			       ctrls, NULL, NULL, LDAP_NO_LIMIT, &res);
	if (res != NULL &&
	    ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &sctrls, 0) == LDAP_SUCCESS)
		rc = err;
	if (rbac_dir_has_referral(dir, res, q->base))
		out = RBAC_DIR_ERROR;
	else if (rc == LDAP_NO_SUCH_OBJECT)
		out = RBAC_DIR_NOT_FOUND;
	else if (rc != LDAP_SUCCESS)
		out = rbac_dir_search_failed(dir, rc, q->base, lost);
	if (out == RBAC_DIR_OK)
		out = take_entries(ld, q, res);
	if (out == RBAC_DIR_OK && rbac_dir_next_cookie(dir, sctrls, cookie) != 0)
		out = RBAC_DIR_ERROR;
	ldap_msgfree(res);
	ldap_control_free(ctrls[0]);
	ldap_controls_free(sctrls);
	return out;
}

static enum rbac_dir_result each_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct each_query *q = arg;
	struct berval cookie = {0, NULL};
	enum rbac_dir_result res = RBAC_DIR_OK;

	/* on this server from the start: forget what another one gave */
	if (q->take(q->arg, NULL, NULL, 0) != 0)
		return RBAC_DIR_ERROR;
	for (bool more = true; more && res == RBAC_DIR_OK; more = cookie.bv_len > 0)
		res = each_page(dir, q, &cookie, lost);
	ber_memfree(cookie.bv_val);
	return res;
}

enum rbac_dir_result rbac_dir_search_each(struct rbac_dir *dir, const char *base,
					  const char *filter, const char *const *attrs,
					  rbac_dir_entry_fn take, void *arg)
{
	struct each_query q = {base, filter, attrs, take, arg};

	return rbac_dir_run(dir, each_search, &q, true);
}
