/*
 * dn.c - the two DN questions of the session: the one search base that
 * covers both ldap.base and ldap.user_base, and which naming context
 * (where syncprov keeps contextCSN) holds it. DNs are compared RDN by RDN
 * from the root, attribute types and values ignoring ASCII case: the
 * naming attributes of our layout (dc, ou, o, cn, uid) all match that way.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "agent.h"

static size_t rdn_count(LDAPDN dn)
{
	size_t n = 0;

	while (dn != NULL && dn[n] != NULL)
		n++;
	return n;
}

static bool bv_equal_nocase(const struct berval *a, const struct berval *b)
{
	return a->bv_len == b->bv_len && strncasecmp(a->bv_val, b->bv_val, a->bv_len) == 0;
}

/* A multi-valued RDN matches only with its AVAs in the same order: our
 * DNs have single-valued RDNs, and a false "differ" only makes the base
 * one level higher. */
static bool rdn_equal(LDAPRDN a, LDAPRDN b)
{
	size_t i;

	for (i = 0; a[i] != NULL && b[i] != NULL; i++)
		if (!bv_equal_nocase(&a[i]->la_attr, &b[i]->la_attr) ||
		    !bv_equal_nocase(&a[i]->la_value, &b[i]->la_value))
			return false;
	return a[i] == NULL && b[i] == NULL;
}

/* How many RDNs, counted from the root, a and b share. */
static size_t shared_tail(LDAPDN a, LDAPDN b)
{
	size_t na = rdn_count(a), nb = rdn_count(b), k = 0;

	while (k < na && k < nb && rdn_equal(a[na - 1 - k], b[nb - 1 - k]))
		k++;
	return k;
}

static int parse(const char *s, LDAPDN *dn)
{
	*dn = NULL;
	return ldap_str2dn(s, dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS ? 0 : -1;
}

char *syncd_dn_common(const char *a, const char *b)
{
	LDAPDN da = NULL, db = NULL;
	char *out = NULL, *s = NULL;
	size_t k;

	if (parse(a, &da) == 0 && parse(b, &db) == 0) {
		k = shared_tail(da, db);
		if (k == 0)
			out = strdup("");
		else if (ldap_dn2str(&da[rdn_count(da) - k], &s, LDAP_DN_FORMAT_LDAPV3) ==
			 LDAP_SUCCESS) {
			out = strdup(s);
			ldap_memfree(s);
		}
	}
	ldap_dnfree(da);
	ldap_dnfree(db);
	return out;
}

bool syncd_dn_within(const char *dn, const char *ancestor)
{
	LDAPDN d = NULL, anc = NULL;
	bool within = false;

	if (parse(dn, &d) == 0 && parse(ancestor, &anc) == 0)
		within = shared_tail(d, anc) == rdn_count(anc);
	ldap_dnfree(d);
	ldap_dnfree(anc);
	return within;
}
