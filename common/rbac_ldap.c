/*
 * rbac_ldap.c - the queries: what is asked of the directory, and how the
 * answers become the plain structs of rbac_model.h before any rule looks at
 * them (a namespace with its roles and their inheritance, one account, both
 * for one member's decision, every account). The connection they run on,
 * its failover and its time limits are rbac_conn.c's.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lber.h>
#include <ldap.h>

#include "rbac_conn.h"
#include "rbac_entry.h"
#include "rbac_ldap.h"
#include "rbac_ldap_entry.h"
#include "rbac_names.h"

/* Entries an account search may return. uid matches case-insensitively, so
 * "zed", "Zed" and "ZED" all answer a search for any of them; the limit must
 * leave room for such variants (a limit of 2 would hide the exact entry
 * behind two others). More than this many is an error, never a guess. */
#define RBAC_ACCOUNT_MATCH_MAX 16

#define QBUF(name)	       char name[RBAC_LOG_QUOTE_BUFSZ]
#define Q(buf, s)	       rbac_log_quote((buf), sizeof(buf), (s))

static bool bv_has_nul(const struct berval *bv)
{
	return memchr(bv->bv_val, '\0', bv->bv_len) != NULL;
}

static bool bv_equals(const struct berval *bv, const char *s)
{
	size_t len = strlen(s);

	return bv->bv_len == len && memcmp(bv->bv_val, s, len) == 0;
}

char *rbac_ldap_escape_filter(const char *value, size_t len)
{
	struct berval in, out = {0, NULL};
	char *copy;

	if (value == NULL || len > RBAC_LDAP_VALUE_MAX)
		return NULL;
	rbac_dir_isolate();
	in.bv_val = (char *)value;
	in.bv_len = len;
	if (ldap_bv2escaped_filter_value(&in, &out) != LDAP_SUCCESS)
		return NULL;
	/* libldap returns no buffer at all for an empty value. */
	copy = strdup(out.bv_val != NULL ? out.bv_val : "");
	ber_memfree(out.bv_val);
	return copy;
}

/* ------------------------------------------------------------------------
 * DNs. Entry DNs come back as stored in the directory, which need not be
 * spelled like ldap.base ("CN=eng, ou=RBAC,..."). Both sides are parsed
 * with ldap_str2dn (which removes escaping and spacing differences) and
 * compared RDN by RDN, attribute types and values ignoring ASCII case: the
 * naming attributes of this layout (cn, ou, dc, o) all match case-
 * insensitively.
 */

static bool bv_equal_nocase(const struct berval *a, const struct berval *b)
{
	size_t i;

	if (a->bv_len != b->bv_len)
		return false;
	for (i = 0; i < a->bv_len; i++)
		if (tolower((unsigned char)a->bv_val[i]) !=
		    tolower((unsigned char)b->bv_val[i]))
			return false;
	return true;
}

static bool rdn_equal(LDAPRDN a, LDAPRDN b)
{
	size_t i;

	for (i = 0; a[i] != NULL && b[i] != NULL; i++) {
		if (!bv_equal_nocase(&a[i]->la_attr, &b[i]->la_attr) ||
		    !bv_equal_nocase(&a[i]->la_value, &b[i]->la_value))
			return false;
	}
	return a[i] == NULL && b[i] == NULL;
}

static size_t dn_depth(LDAPDN dn)
{
	size_t n = 0;

	while (dn != NULL && dn[n] != NULL)
		n++;
	return n;
}

/* dn minus its first `skip` RDNs equals base. */
static bool dn_tail_equals(LDAPDN dn, size_t skip, LDAPDN base)
{
	size_t n = dn_depth(dn), nb = dn_depth(base), i;

	if (n != nb + skip)
		return false;
	for (i = 0; i < nb; i++)
		if (!rdn_equal(dn[skip + i], base[i]))
			return false;
	return true;
}

/* The value of the cn AVA of the first RDN, or NULL. */
static const struct berval *dn_first_cn(LDAPDN dn)
{
	static const struct berval cn = {2, (char *)"cn"};
	size_t i;

	if (dn == NULL || dn[0] == NULL)
		return NULL;
	for (i = 0; dn[0][i] != NULL; i++)
		if (bv_equal_nocase(&dn[0][i]->la_attr, &cn))
			return &dn[0][i]->la_value;
	return NULL;
}

/* An RFC 3876 ValuesReturnFilter that keeps one memberUid value, so that a
 * PAM decision does not transfer every member of every role. slapd 2.5
 * returns only the values some item of the filter matches and drops every
 * attribute the filter does not name, so each other attribute we read is
 * named with a presence item, which keeps all its values (both behaviours
 * are checked in tests/integration/check_directory.c). The control is not
 * critical and the values are filtered here anyway: a server without it
 * just sends more. NULL when the value cannot be expressed (too long). */
#define RBAC_VRFILTER_KEEP                                                                     \
	"(objectClass=*)(cn=*)(rbacPermission=*)(rbacRestriction=*)(rbacInherits=*)"           \
	"(gidNumber=*)(uid=*)(rbacValidFrom=*)(rbacValidUntil=*)(rbacTicket=*)"

static LDAPControl *member_filter_control(const char *uid)
{
	char *esc = rbac_ldap_escape_filter(uid, strlen(uid));
	BerElement *ber = NULL;
	struct berval value = {0, NULL};
	LDAPControl *ctrl = NULL;
	char *vrf = NULL;

	if (esc == NULL || asprintf(&vrf, "((memberUid=%s)" RBAC_VRFILTER_KEEP ")", esc) < 0) {
		vrf = NULL;
		goto out;
	}
	ber = ber_alloc_t(LBER_USE_DER);
	if (ber == NULL || ldap_put_vrFilter(ber, vrf) == -1 ||
	    ber_flatten2(ber, &value, 0) == -1)
		goto out;
	if (ldap_control_create(LDAP_CONTROL_VALUESRETURNFILTER, 0, &value, 1, &ctrl) !=
	    LDAP_SUCCESS)
		ctrl = NULL;
out:
	if (ber != NULL)
		ber_free(ber, 1);
	free(vrf);
	free(esc);
	return ctrl;
}

/* ------------------------------------------------------------------------
 * Namespace
 */

struct ns_query {
	const char *name;
	const char *only_member;
	char *filter;	     /* the first search: the namespace and its (held) roles */
	bool every_role;     /* ... which is every role of the namespace */
	char *dn;	     /* cn=NAME,ldap.base */
	LDAPDN parsed;	     /* dn, parsed */
	LDAPControl *vrctrl; /* memberUid filter, or NULL */
	struct rbac_namespace *out;
	/* Assignments as they come, each below a role of the same name here;
	 * given to the loaded roles by ns_finish (a role may come later, or,
	 * for a member's decision, only with the inherited roles). */
	struct rbac_namespace pending;
	bool found;	    /* the namespace entry was seen */
	bool not_namespace; /* ... but it is not an rbacNamespace */
};

/* Keep in step with RBAC_VRFILTER_KEEP. */
static const char *const ns_attrs[] = {
    "objectClass", "cn",  "rbacPermission", "rbacRestriction", "rbacInherits", "memberUid",
    "gidNumber",   "uid", "rbacValidFrom",  "rbacValidUntil",  "rbacTicket",   NULL};

static bool has_object_class(LDAP *ld, LDAPMessage *e, const char *oc)
{
	struct berval **v = ldap_get_values_len(ld, e, "objectClass");
	bool found = false;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL && !found; i++)
		found = v[i]->bv_len == strlen(oc) &&
			strncasecmp(v[i]->bv_val, oc, v[i]->bv_len) == 0;
	ldap_value_free_len(v);
	return found;
}

static int take_namespace(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e,
			  const char *dn, LDAPDN parsed)
{
	LDAP *ld = rbac_dir_ld(dir);
	const struct berval *cn = dn_first_cn(parsed);
	struct rbac_namespace *ns = q->out;
	struct rbac_ldap_entry b;
	int rc;
	QBUF(qd);

	q->found = true;
	if (!has_object_class(ld, e, "rbacNamespace")) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "%s: not an rbacNamespace entry",
			 Q(qd, dn));
		q->not_namespace = true;
		return 0;
	}
	ns->dn = strdup(dn);
	ns->name = cn != NULL ? strndup(cn->bv_val, cn->bv_len) : strdup(q->name);
	if (ns->dn == NULL || ns->name == NULL ||
	    rbac_ldap_entry_read(ld, e, dn, ns_attrs, &b) != 0)
		return -1;
	rc = rbac_entry_values(&b.e, "rbacPermission", NULL, rbac_dir_logger(dir), &ns->master);
	rbac_ldap_entry_free(&b);
	if (rc != 0)
		return -1;
	ns->has_master = ns->master.n > 0;
	return 0;
}

/* The role's name in *name: the cn of its RDN, else its only cn value;
 * NULL (logged) when it has none or several. Returns -1 on OOM. */
static int role_name(struct rbac_dir *dir, LDAPMessage *e, const char *dn, LDAPDN parsed,
		     char **name)
{
	const struct berval *cn = dn_first_cn(parsed);
	struct berval **v = NULL;
	int rc = 0;
	QBUF(q);

	*name = NULL;
	if (cn == NULL) {
		v = ldap_get_values_len(rbac_dir_ld(dir), e, "cn");
		if (v != NULL && v[0] != NULL && v[1] == NULL)
			cn = v[0];
	}
	if (cn == NULL || cn->bv_len == 0 || bv_has_nul(cn))
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "%s: role without a usable cn; skipped",
			 Q(q, dn));
	else if ((*name = strndup(cn->bv_val, cn->bv_len)) == NULL)
		rc = -1;
	ldap_value_free_len(v);
	return rc;
}

static int fill_role(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e, const char *dn,
		     struct rbac_role *r)
{
	struct rbac_ldap_entry b;
	int rc;

	if (rbac_ldap_entry_read(rbac_dir_ld(dir), e, dn, ns_attrs, &b) != 0)
		return -1;
	rc = rbac_entry_role(&b.e, q->only_member, rbac_dir_logger(dir), r);
	rbac_ldap_entry_free(&b);
	return rc;
}

static int take_role(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e, const char *dn,
		     LDAPDN parsed)
{
	const struct rbac_role *dup;
	struct rbac_role *r;
	char *name;
	QBUF(a);
	QBUF(b);

	if (!has_object_class(rbac_dir_ld(dir), e, "rbacRole")) {
		rbac_log(rbac_dir_logger(dir), LOG_DEBUG, "%s: not an rbacRole; ignored",
			 Q(a, dn));
		return 0;
	}
	if (role_name(dir, e, dn, parsed, &name) != 0)
		return -1;
	if (name == NULL)
		return 0;
	dup = rbac_namespace_find_role(q->out, name);
	if (dup != NULL) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR,
			 "%s: role name already used by %s; skipped", Q(a, dn), Q(b, dup->dn));
		free(name);
		return 0;
	}
	r = rbac_namespace_add_role(q->out, name, dn);
	free(name);
	return r != NULL ? fill_role(dir, q, e, dn, r) : -1;
}

/* An rbacAssignment two levels below the namespace: kept in q->pending
 * under the cn of its parent's RDN. Anything else that deep is ignored. */
static int take_assignment(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e,
			   const char *dn, LDAPDN parsed)
{
	const struct berval *cn = dn_first_cn(parsed + 1);
	struct rbac_role *r;
	struct rbac_ldap_entry b;
	char *name;
	int rc;
	QBUF(a);

	if (!has_object_class(rbac_dir_ld(dir), e, "rbacAssignment") || cn == NULL ||
	    cn->bv_len == 0 || bv_has_nul(cn)) {
		rbac_log(rbac_dir_logger(dir), LOG_DEBUG,
			 "%s: not an rbacAssignment below a role; ignored", Q(a, dn));
		return 0;
	}
	if ((name = strndup(cn->bv_val, cn->bv_len)) == NULL)
		return -1;
	r = rbac_namespace_find_role(&q->pending, name);
	if (r == NULL)
		r = rbac_namespace_add_role(&q->pending, name, NULL);
	free(name);
	if (r == NULL || rbac_ldap_entry_read(rbac_dir_ld(dir), e, dn, ns_attrs, &b) != 0)
		return -1;
	rc = rbac_entry_assignment(&b.e, rbac_dir_logger(dir), r);
	rbac_ldap_entry_free(&b);
	return rc;
}

/* Sorts one entry of the namespace subtree: the namespace itself, one of
 * its roles (exactly one level below), an assignment below a role, or
 * something else (ignored). */
static int take_ns_entry(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e)
{
	char *dn = ldap_get_dn(rbac_dir_ld(dir), e);
	LDAPDN parsed = NULL;
	int rc = 0;
	QBUF(a);

	if (dn == NULL)
		return -1;
	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "%s: unparsable DN; ignored", Q(a, dn));
	} else if (dn_tail_equals(parsed, 0, q->parsed)) {
		rc = take_namespace(dir, q, e, dn, parsed);
	} else if (dn_tail_equals(parsed, 1, q->parsed)) {
		rc = take_role(dir, q, e, dn, parsed);
	} else if (dn_tail_equals(parsed, 2, q->parsed)) {
		rc = take_assignment(dir, q, e, dn, parsed);
	} else {
		rbac_log(rbac_dir_logger(dir), LOG_DEBUG,
			 "%s: not directly below the namespace; ignored", Q(a, dn));
	}
	ldap_dnfree(parsed);
	ldap_memfree(dn);
	return rc;
}

static int take_ns_page(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *res)
{
	LDAP *ld = rbac_dir_ld(dir);
	LDAPMessage *e;

	for (e = ldap_first_entry(ld, res); e != NULL; e = ldap_next_entry(ld, e))
		if (take_ns_entry(dir, q, e) != 0)
			return -1;
	return 0;
}

/* One page: send the request with the cookie, take its entries, and leave
 * the next cookie in *cookie. */
static enum rbac_dir_result ns_page(struct rbac_dir *dir, struct ns_query *q, int scope,
				    const char *filter, struct berval *cookie, bool *lost)
{
	LDAP *ld = rbac_dir_ld(dir);
	LDAPControl *ctrls[3] = {NULL, NULL, NULL};
	LDAPControl **sctrls = NULL;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out = RBAC_DIR_ERROR;
	int rc, err;

	if (rbac_dir_page_begin(dir, cookie, &ctrls[0]) != 0)
		return RBAC_DIR_ERROR;
	ctrls[1] = q->vrctrl;
	rc = ldap_search_ext_s(ld, q->dn, scope, filter, (char **)ns_attrs, 0, ctrls, NULL,
			       NULL, LDAP_NO_LIMIT, &res);
	if (res != NULL &&
	    ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &sctrls, 0) == LDAP_SUCCESS)
		rc = err;
	if (rbac_dir_has_referral(dir, res, q->dn))
		out = RBAC_DIR_ERROR;
	else if (rc == LDAP_NO_SUCH_OBJECT)
		out = RBAC_DIR_NOT_FOUND;
	else if (rc != LDAP_SUCCESS)
		out = rbac_dir_search_failed(dir, rc, q->dn, lost);
	else if (take_ns_page(dir, q, res) == 0 &&
		 rbac_dir_next_cookie(dir, sctrls, cookie) == 0)
		out = RBAC_DIR_OK;
	ldap_controls_free(sctrls);
	ldap_control_free(ctrls[0]);
	ldap_msgfree(res);
	return out;
}

/* Every page of one search. */
static enum rbac_dir_result ns_search_all(struct rbac_dir *dir, struct ns_query *q, int scope,
					  const char *filter, bool *lost)
{
	struct berval cookie = {0, NULL};
	enum rbac_dir_result res;

	do {
		res = ns_page(dir, q, scope, filter, &cookie, lost);
	} while (res == RBAC_DIR_OK && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return res;
}

/* Names of roles that loaded roles inherit and that are neither loaded nor
 * asked for yet: added to `want` and `asked`. Names compare as cn values,
 * case-insensitively. Returns -1 when out of memory. */
static bool name_listed(const struct rbac_strlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], name) == 0)
			return true;
	return false;
}

static int want_name(const struct rbac_namespace *ns, const char *name,
		     struct rbac_strlist *asked, struct rbac_strlist *want)
{
	if (rbac_namespace_find_role(ns, name) != NULL || name_listed(asked, name))
		return 0;
	return rbac_strlist_add(asked, name) != 0 || rbac_strlist_add(want, name) != 0 ? -1 : 0;
}

/* Roles held by an assignment only (memberUid did not bring them) are asked
 * for with the first round of inherited roles, and what they inherit in the
 * rounds after: a member's decision takes at most one search more than if
 * memberUid listed the user in those roles, and none for memberUid holders. */
static int inherited_names(const struct rbac_namespace *ns,
			   const struct rbac_namespace *pending, struct rbac_strlist *asked,
			   struct rbac_strlist *want)
{
	for (size_t i = 0; i < pending->n_roles; i++)
		if (want_name(ns, pending->roles[i].name, asked, want) != 0)
			return -1;
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_strlist *in = &ns->roles[i].inherits;

		for (size_t j = 0; j < in->n; j++)
			if (want_name(ns, in->v[j], asked, want) != 0)
				return -1;
	}
	return 0;
}

/* "(&(objectClass=rbacRole)(|(cn=A)(cn=B)...))" for want[first..first+n). */
static char *roles_by_name_filter(const struct rbac_strlist *want, size_t first, size_t n)
{
	char *buf = NULL, *esc;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok = f != NULL;

	if (f != NULL)
		fputs("(&(objectClass=rbacRole)(|", f);
	for (size_t i = first; ok && i < first + n; i++) {
		esc = rbac_ldap_escape_filter(want->v[i], strlen(want->v[i]));
		ok = esc != NULL && fprintf(f, "(cn=%s)", esc) > 0;
		free(esc);
	}
	if (f != NULL) {
		fputs("))", f);
		ok = fclose(f) == 0 && ok;
	}
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Roles asked for by name in one search; more than this many names take
 * several (a filter stays a few KiB). */
#define RBAC_ROLES_PER_SEARCH 64

/* For a member's decision: the roles the first search did not bring (the
 * user does not hold them) but a loaded role inherits, one level of
 * inheritance per round, until nothing new is named. Each name is asked
 * for once, so a cycle or a missing role ends the walk; what is missing
 * stays missing and rbac_namespace_resolve() reports it. */
static enum rbac_dir_result ns_inherited(struct rbac_dir *dir, struct ns_query *q, bool *lost)
{
	struct rbac_strlist asked = RBAC_STRLIST_INIT, want = RBAC_STRLIST_INIT;
	enum rbac_dir_result res = RBAC_DIR_OK;

	while (res == RBAC_DIR_OK) {
		rbac_strlist_free(&want);
		if (inherited_names(q->out, &q->pending, &asked, &want) != 0) {
			res = RBAC_DIR_ERROR;
			break;
		}
		if (want.n == 0)
			break;
		for (size_t i = 0; res == RBAC_DIR_OK && i < want.n;
		     i += RBAC_ROLES_PER_SEARCH) {
			size_t n = want.n - i < RBAC_ROLES_PER_SEARCH ? want.n - i
								      : RBAC_ROLES_PER_SEARCH;
			char *filter = roles_by_name_filter(&want, i, n);

			res = filter != NULL
				  ? ns_search_all(dir, q, LDAP_SCOPE_ONELEVEL, filter, lost)
				  : RBAC_DIR_ERROR;
			free(filter);
		}
	}
	rbac_strlist_free(&want);
	rbac_strlist_free(&asked);
	/* The namespace was found by the first search: a role search that
	 * finds no base is the namespace vanishing between the two. */
	return res == RBAC_DIR_NOT_FOUND ? RBAC_DIR_ERROR : res;
}

static enum rbac_dir_result ns_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct ns_query *q = arg;
	enum rbac_dir_result res;

	/* A retry after a lost connection starts from nothing. */
	rbac_namespace_free(q->out);
	rbac_namespace_init(q->out);
	rbac_namespace_free(&q->pending);
	q->found = q->not_namespace = false;
	res = ns_search_all(dir, q, LDAP_SCOPE_SUBTREE, q->filter, lost);
	if (res == RBAC_DIR_OK && !q->every_role && q->found && !q->not_namespace)
		res = ns_inherited(dir, q, lost);
	return res;
}

/* The namespace's DN and its parsed form; ERROR (logged) for a bad name or
 * an unparsable ldap.base. */
static enum rbac_dir_result ns_query_init(struct rbac_dir *dir, struct ns_query *q,
					  const char *name)
{
	QBUF(a);

	if (!rbac_namespace_name_valid(name)) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR,
			 "namespace name %s: only letters, digits, '.', '_' "
			 "and '-' may be used, starting with a letter or digit",
			 Q(a, name));
		return RBAC_DIR_ERROR;
	}
	if (rbac_dir_cfg(dir)->ldap.base == NULL) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "ldap.base is not set");
		return RBAC_DIR_ERROR;
	}
	if (asprintf(&q->dn, "cn=%s,%s", name, rbac_dir_cfg(dir)->ldap.base) < 0) {
		q->dn = NULL;
		return RBAC_DIR_ERROR;
	}
	if (ldap_str2dn(q->dn, &q->parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "ldap.base %s: not a valid DN",
			 Q(a, rbac_dir_cfg(dir)->ldap.base));
		return RBAC_DIR_ERROR;
	}
	return RBAC_DIR_OK;
}

/* Every role, or for a member's decision only the roles that list the
 * member (an indexed equality search: a host with a thousand roles does
 * not send a thousand entries per login); ns_inherited() then adds what
 * those inherit. Returns -1 when out of memory. */
static int ns_filter(struct ns_query *q)
{
	char *esc;
	int rc;

	/* A value too long for a filter cannot be asked for: then every
	 * role comes, and rbac_entry_values() keeps only its own memberUid. */
	if (q->only_member == NULL || strlen(q->only_member) > RBAC_LDAP_VALUE_MAX) {
		q->every_role = true;
		q->filter = strdup("(|(objectClass=rbacNamespace)(objectClass=rbacRole)"
				   "(objectClass=rbacAssignment))");
		return q->filter != NULL ? 0 : -1;
	}
	esc = rbac_ldap_escape_filter(q->only_member, strlen(q->only_member));
	if (esc == NULL)
		return -1;
	rc = asprintf(&q->filter,
		      "(|(objectClass=rbacNamespace)(&(objectClass=rbacRole)(memberUid=%s))"
		      "(&(objectClass=rbacAssignment)(uid=%s)))",
		      esc, esc);
	free(esc);
	if (rc < 0) {
		q->filter = NULL;
		return -1;
	}
	return 0;
}

/* Each pending assignment to the loaded role of its parent's name; one
 * whose role is not there (not an rbacRole, or a role without a usable cn)
 * grants nothing. */
static void give_assignments(struct rbac_dir *dir, struct ns_query *q)
{
	for (size_t i = 0; i < q->pending.n_roles; i++) {
		struct rbac_role *p = &q->pending.roles[i];
		struct rbac_role *r = rbac_namespace_find_role(q->out, p->name);
		QBUF(a);

		if (r == NULL) {
			rbac_log(rbac_dir_logger(dir), LOG_DEBUG,
				 "%s: below no loaded role; ignored",
				 Q(a, p->n_assignments ? p->assignments[0].dn : p->name));
			continue;
		}
		/* moved whole: the pending role keeps nothing to free */
		free(r->assignments);
		r->assignments = p->assignments;
		r->n_assignments = p->n_assignments;
		p->assignments = NULL;
		p->n_assignments = 0;
	}
}

static enum rbac_dir_result ns_finish(struct rbac_dir *dir, struct ns_query *q)
{
	QBUF(a);

	if (!q->found || q->not_namespace) {
		if (!q->found)
			rbac_log(rbac_dir_logger(dir), LOG_DEBUG,
				 "%s: no such rbacNamespace entry", Q(a, q->dn));
		return RBAC_DIR_NOT_FOUND;
	}
	give_assignments(dir, q);
	if (rbac_namespace_resolve(q->out, rbac_dir_logger(dir)) < 0)
		return RBAC_DIR_ERROR;
	return RBAC_DIR_OK;
}

/* Everything a namespace search needs, set up; ERROR (logged) for a bad
 * name or base, or out of memory. Free it with ns_query_free. */
static enum rbac_dir_result ns_query_prepare(struct rbac_dir *dir, struct ns_query *q,
					     const char *name, const char *only_member,
					     struct rbac_namespace *out)
{
	enum rbac_dir_result res;

	rbac_namespace_init(out);
	memset(q, 0, sizeof(*q));
	q->name = name;
	q->only_member = only_member;
	q->out = out;
	res = ns_query_init(dir, q, name);
	if (res == RBAC_DIR_OK && ns_filter(q) != 0)
		res = RBAC_DIR_ERROR;
	if (res == RBAC_DIR_OK && only_member != NULL)
		q->vrctrl = member_filter_control(only_member);
	return res;
}

static void ns_query_free(struct ns_query *q)
{
	rbac_namespace_free(&q->pending);
	ldap_control_free(q->vrctrl);
	ldap_dnfree(q->parsed);
	free(q->filter);
	free(q->dn);
}

enum rbac_dir_result rbac_dir_load_namespace(struct rbac_dir *dir, const char *name,
					     const char *only_member,
					     struct rbac_namespace *out)
{
	struct ns_query q;
	enum rbac_dir_result res;

	res = ns_query_prepare(dir, &q, name, only_member, out);
	if (res == RBAC_DIR_OK) /* every role is a bulk read */
		res = rbac_dir_run(dir, ns_search, &q, only_member == NULL);
	if (res == RBAC_DIR_OK)
		res = ns_finish(dir, &q);
	if (res != RBAC_DIR_OK) {
		rbac_namespace_free(out);
		rbac_namespace_init(out);
	}
	ns_query_free(&q);
	return res;
}

/* ------------------------------------------------------------------------
 * Account
 */

struct account_query {
	const char *uid;
	char *filter;
	struct rbac_account *out;
};

static const char *const account_attrs[] = {"uid", "rbacAccountStatus", "rbacValidFrom",
					    "rbacValidUntil", "rbacStatusReason",
					    /* operational: only returned when named */
					    "pwdAccountLockedTime", NULL};

static bool entry_has_uid(LDAP *ld, LDAPMessage *e, const char *uid)
{
	struct berval **v = ldap_get_values_len(ld, e, "uid");
	bool found = false;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL && !found; i++)
		found = bv_equals(v[i], uid);
	ldap_value_free_len(v);
	return found;
}

static int fill_account(struct rbac_dir *dir, struct account_query *q, LDAPMessage *e,
			const char *dn)
{
	struct rbac_ldap_entry b;
	int rc;

	if (rbac_ldap_entry_read(rbac_dir_ld(dir), e, dn, account_attrs, &b) != 0)
		return -1;
	rc = rbac_entry_account(&b.e, q->uid, q->out);
	rbac_ldap_entry_free(&b);
	return rc;
}

static void log_duplicate(struct rbac_dir *dir, const char *uid, LDAPMessage *e1,
			  LDAPMessage *e2)
{
	LDAP *ld = rbac_dir_ld(dir);
	char *dn1 = ldap_get_dn(ld, e1), *dn2 = ldap_get_dn(ld, e2);
	QBUF(a);
	QBUF(b);
	QBUF(u);

	rbac_log(rbac_dir_logger(dir), LOG_ERR, "uid %s is claimed by two entries: %s and %s",
		 Q(u, uid), Q(a, dn1), Q(b, dn2));
	ldap_memfree(dn1);
	ldap_memfree(dn2);
}

/* Walks the answer: exactly one entry whose uid equals the asked one,
 * byte for byte, is the account; two are an error, never a choice. */
static enum rbac_dir_result take_account(struct rbac_dir *dir, struct account_query *q,
					 LDAPMessage *res, bool truncated)
{
	LDAP *ld = rbac_dir_ld(dir);
	LDAPMessage *e, *match = NULL;
	enum rbac_dir_result out;
	char *dn;
	QBUF(a);
	QBUF(u);

	for (e = ldap_first_entry(ld, res); e != NULL; e = ldap_next_entry(ld, e)) {
		if (!entry_has_uid(ld, e, q->uid))
			continue;
		if (match != NULL) {
			log_duplicate(dir, q->uid, match, e);
			return RBAC_DIR_ERROR;
		}
		match = e;
	}
	if (truncated) {
		/* More entries match case-insensitively than were returned:
		 * the exact one, or a second one, may be among those we did not
		 * see. */
		rbac_log(rbac_dir_logger(dir), LOG_ERR,
			 "uid %s: more than %d entries match under %s", Q(u, q->uid),
			 RBAC_ACCOUNT_MATCH_MAX, Q(a, rbac_dir_cfg(dir)->ldap.user_base));
		return RBAC_DIR_ERROR;
	}
	if (match == NULL)
		return RBAC_DIR_NOT_FOUND;
	dn = ldap_get_dn(ld, match);
	out = dn != NULL && fill_account(dir, q, match, dn) == 0 ? RBAC_DIR_OK : RBAC_DIR_ERROR;
	ldap_memfree(dn);
	return out;
}

static enum rbac_dir_result account_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	const char *base = rbac_dir_cfg(dir)->ldap.user_base;
	struct account_query *q = arg;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out;
	int rc;

	rbac_account_free(q->out);
	rbac_account_init(q->out);
	rc = ldap_search_ext_s(rbac_dir_ld(dir), base, LDAP_SCOPE_SUBTREE, q->filter,
			       (char **)account_attrs, 0, NULL, NULL, NULL,
			       RBAC_ACCOUNT_MATCH_MAX, &res);
	if (rbac_dir_has_referral(dir, res, base))
		out = RBAC_DIR_ERROR;
	else if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED)
		out = take_account(dir, q, res, rc == LDAP_SIZELIMIT_EXCEEDED);
	else
		out = rbac_dir_search_failed(dir, rc, base, lost);
	ldap_msgfree(res);
	return out;
}

static enum rbac_dir_result account_query_init(struct rbac_dir *dir, struct account_query *q,
					       const char *uid)
{
	size_t len = uid != NULL ? strlen(uid) : 0;
	char *esc;
	QBUF(u);

	if (len == 0)
		return RBAC_DIR_NOT_FOUND;
	if (len > RBAC_LDAP_VALUE_MAX) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "uid %s: too long (%zu bytes)",
			 Q(u, uid), len);
		return RBAC_DIR_ERROR;
	}
	if (rbac_dir_cfg(dir)->ldap.user_base == NULL) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "ldap.user_base is not set");
		return RBAC_DIR_ERROR;
	}
	esc = rbac_ldap_escape_filter(uid, len);
	if (esc == NULL)
		return RBAC_DIR_ERROR;
	if (asprintf(&q->filter, "(&(objectClass=rbacAccount)(uid=%s))", esc) < 0)
		q->filter = NULL;
	free(esc);
	return q->filter != NULL ? RBAC_DIR_OK : RBAC_DIR_ERROR;
}

enum rbac_dir_result rbac_dir_load_account(struct rbac_dir *dir, const char *uid,
					   struct rbac_account *out)
{
	struct account_query q = {uid, NULL, out};
	enum rbac_dir_result res;

	rbac_account_init(out);
	res = account_query_init(dir, &q, uid);
	if (res == RBAC_DIR_OK)
		res = rbac_dir_run(dir, account_search, &q, false);
	if (res != RBAC_DIR_OK) {
		rbac_account_free(out);
		rbac_account_init(out);
	}
	free(q.filter);
	return res;
}

/* ------------------------------------------------------------------------
 * One member's decision: the namespace and the account in one round trip
 */

struct member_query {
	struct ns_query *ns;
	struct account_query *account;
	enum rbac_dir_result ns_res, account_res;
	bool answered; /* the last run ended with the connection alive */
};

/* The answer to the account search sent as msgid. */
static enum rbac_dir_result account_collect(struct rbac_dir *dir, struct account_query *q,
					    int msgid, bool *lost)
{
	LDAP *ld = rbac_dir_ld(dir);
	const char *base = rbac_dir_cfg(dir)->ldap.user_base;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out;
	int rc, err = LDAP_OTHER;

	/* No timeout given: LDAP_OPT_TIMEOUT, as for the synchronous calls. */
	rc = ldap_result(ld, msgid, LDAP_MSG_ALL, NULL, &res);
	if (rc == 0) {
		(void)ldap_abandon_ext(ld, msgid, NULL, NULL);
		err = LDAP_TIMEOUT;
	} else if (rc == -1) {
		(void)ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &err);
	} else if (ldap_parse_result(ld, res, &err, NULL, NULL, NULL, NULL, 0) !=
		   LDAP_SUCCESS) {
		err = LDAP_OTHER;
	}
	if (rc > 0 && rbac_dir_has_referral(dir, res, base))
		out = RBAC_DIR_ERROR;
	else if (err == LDAP_SUCCESS || err == LDAP_SIZELIMIT_EXCEEDED)
		out = take_account(dir, q, res, err == LDAP_SIZELIMIT_EXCEEDED);
	else
		out = rbac_dir_search_failed(dir, err, base, lost);
	ldap_msgfree(res);
	return out;
}

/* Sends the account search, runs the namespace searches while its answer
 * travels, then reads that answer: one round trip for both, and the server
 * works on them at once. */
static enum rbac_dir_result member_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	const char *base = rbac_dir_cfg(dir)->ldap.user_base;
	struct member_query *m = arg;
	int rc, msgid = -1;

	rbac_account_free(m->account->out);
	rbac_account_init(m->account->out);
	m->ns_res = m->account_res = RBAC_DIR_ERROR;
	m->answered = false;
	rc = ldap_search_ext(rbac_dir_ld(dir), base, LDAP_SCOPE_SUBTREE, m->account->filter,
			     (char **)account_attrs, 0, NULL, NULL, NULL,
			     RBAC_ACCOUNT_MATCH_MAX, &msgid);
	if (rc != LDAP_SUCCESS) {
		m->account_res = rbac_dir_search_failed(dir, rc, base, lost);
		m->answered = !*lost;
		return m->account_res;
	}
	m->ns_res = ns_search(dir, m->ns, lost);
	if (*lost)
		return m->ns_res; /* the account request went down with the connection */
	m->account_res = account_collect(dir, m->account, msgid, lost);
	m->answered = !*lost;
	return m->ns_res != RBAC_DIR_OK ? m->ns_res : m->account_res;
}

void rbac_dir_load_member(struct rbac_dir *dir, const char *name, const char *uid,
			  struct rbac_namespace *ns, enum rbac_dir_result *ns_res,
			  struct rbac_account *account, enum rbac_dir_result *account_res)
{
	struct account_query aq = {uid, NULL, account};
	struct ns_query nq;
	struct member_query m = {&nq, &aq, RBAC_DIR_ERROR, RBAC_DIR_ERROR, false};
	enum rbac_dir_result ns_ready, account_ready, run;

	rbac_account_init(account);
	ns_ready = ns_query_prepare(dir, &nq, name, uid, ns);
	account_ready = account_query_init(dir, &aq, uid);
	if (ns_ready == RBAC_DIR_OK && account_ready == RBAC_DIR_OK) {
		run = rbac_dir_run(dir, member_search, &m, false);
		/* Not answered: no connection, or it failed under the last
		 * try; then that is the answer to both. */
		if (!m.answered)
			m.ns_res = m.account_res = run;
		if (m.ns_res == RBAC_DIR_OK)
			m.ns_res = ns_finish(dir, &nq);
	} else {
		/* One of them cannot be asked: ask the other alone. */
		if (ns_ready == RBAC_DIR_OK)
			ns_ready = rbac_dir_run(dir, ns_search, &nq, false);
		if (ns_ready == RBAC_DIR_OK)
			ns_ready = ns_finish(dir, &nq);
		if (account_ready == RBAC_DIR_OK)
			account_ready = rbac_dir_run(dir, account_search, &aq, false);
		m.ns_res = ns_ready;
		m.account_res = account_ready;
	}
	if (m.ns_res != RBAC_DIR_OK) {
		rbac_namespace_free(ns);
		rbac_namespace_init(ns);
	}
	if (m.account_res != RBAC_DIR_OK) {
		rbac_account_free(account);
		rbac_account_init(account);
	}
	*ns_res = m.ns_res;
	*account_res = m.account_res;
	ns_query_free(&nq);
	free(aq.filter);
}

/* ------------------------------------------------------------------------
 * Every account (rbacctl refresh): one paged search, not one per user
 */

struct accounts_query {
	struct rbac_account *v;
	size_t n, cap;
};

void rbac_accounts_free(struct rbac_account *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rbac_account_free(&v[i]);
	free(v);
}

static struct rbac_account *accounts_next(struct accounts_query *q)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct rbac_account *v = reallocarray(q->v, cap, sizeof(*v));

		if (v == NULL)
			return NULL;
		q->v = v;
		q->cap = cap;
	}
	rbac_account_init(&q->v[q->n]);
	return &q->v[q->n];
}

/* One account per uid value: uid is multi-valued, and the entry answers to
 * each of its values exactly as rbac_dir_load_account would find it. */
static int take_bulk_entry(struct rbac_dir *dir, struct accounts_query *q, LDAPMessage *e)
{
	LDAP *ld = rbac_dir_ld(dir);
	struct berval **v = ldap_get_values_len(ld, e, "uid");
	char *dn = ldap_get_dn(ld, e);
	int rc = dn != NULL ? 0 : -1;
	size_t i;
	QBUF(a);

	for (i = 0; rc == 0 && v != NULL && v[i] != NULL; i++) {
		struct account_query aq = {NULL, NULL, accounts_next(q)};
		char *uid;

		if (bv_has_nul(v[i]) || v[i]->bv_len == 0) {
			rbac_log(rbac_dir_logger(dir), LOG_ERR,
				 "%s: an empty uid or one with a NUL byte; ignored", Q(a, dn));
			continue;
		}
		uid = strndup(v[i]->bv_val, v[i]->bv_len);
		aq.uid = uid;
		if (uid == NULL || aq.out == NULL || fill_account(dir, &aq, e, dn) != 0) {
			if (aq.out != NULL)
				rbac_account_free(aq.out);
			rc = -1;
		} else {
			q->n++;
		}
		free(uid);
	}
	ldap_value_free_len(v);
	ldap_memfree(dn);
	return rc;
}

static enum rbac_dir_result accounts_page(struct rbac_dir *dir, struct accounts_query *q,
					  struct berval *cookie, bool *lost)
{
	LDAP *ld = rbac_dir_ld(dir);
	const char *base = rbac_dir_cfg(dir)->ldap.user_base;
	LDAPControl *ctrls[2] = {NULL, NULL};
	LDAPControl **sctrls = NULL;
	LDAPMessage *res = NULL, *e;
	enum rbac_dir_result out = RBAC_DIR_ERROR;
	int rc, err, taken = 0;

	if (rbac_dir_page_begin(dir, cookie, &ctrls[0]) != 0)
		return RBAC_DIR_ERROR;
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, "(objectClass=rbacAccount)",
			       (char **)account_attrs, 0, ctrls, NULL, NULL, LDAP_NO_LIMIT,
			       &res);
	if (res != NULL &&
	    ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &sctrls, 0) == LDAP_SUCCESS)
		rc = err;
	if (rbac_dir_has_referral(dir, res, base)) {
		out = RBAC_DIR_ERROR;
	} else if (rc != LDAP_SUCCESS) {
		out = rbac_dir_search_failed(dir, rc, base, lost);
	} else {
		for (e = ldap_first_entry(ld, res); e != NULL && taken == 0;
		     e = ldap_next_entry(ld, e))
			taken = take_bulk_entry(dir, q, e);
		if (taken == 0 && rbac_dir_next_cookie(dir, sctrls, cookie) == 0)
			out = RBAC_DIR_OK;
	}
	ldap_controls_free(sctrls);
	ldap_control_free(ctrls[0]);
	ldap_msgfree(res);
	return out;
}

static enum rbac_dir_result accounts_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct accounts_query *q = arg;
	struct berval cookie = {0, NULL};
	enum rbac_dir_result res;

	/* A retry after a lost connection starts from nothing. */
	rbac_accounts_free(q->v, q->n);
	memset(q, 0, sizeof(*q));
	do {
		res = accounts_page(dir, q, &cookie, lost);
	} while (res == RBAC_DIR_OK && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return res;
}

enum rbac_dir_result rbac_dir_load_accounts(struct rbac_dir *dir, struct rbac_account **out,
					    size_t *n)
{
	struct accounts_query q = {NULL, 0, 0};
	enum rbac_dir_result res;

	*out = NULL;
	*n = 0;
	if (rbac_dir_cfg(dir)->ldap.user_base == NULL) {
		rbac_log(rbac_dir_logger(dir), LOG_ERR, "ldap.user_base is not set");
		return RBAC_DIR_ERROR;
	}
	res = rbac_dir_run(dir, accounts_search, &q, true);
	if (res != RBAC_DIR_OK) {
		rbac_accounts_free(q.v, q.n);
		return res;
	}
	*out = q.v;
	*n = q.n;
	return RBAC_DIR_OK;
}
