/*
 * rbac_entry.c - what the bytes of a directory entry mean to the model.
 *
 * Values arrive as the server sent them. A value is used as a C string only
 * when it holds no NUL byte (it could otherwise be cut short into another,
 * valid value); values meant for display or parsing have NUL shown as '?',
 * so they can never parse as something valid either.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbac_entry.h"

#define QBUF(name) char name[RBAC_LOG_QUOTE_BUFSZ]
#define Q(buf, s)  rbac_log_quote((buf), sizeof(buf), (s))

const struct rbac_entry_attr *rbac_entry_get(const struct rbac_entry *e, const char *attr)
{
	for (size_t i = 0; i < e->n_attrs; i++)
		if (e->attrs[i].n > 0 && strcasecmp(e->attrs[i].name, attr) == 0)
			return &e->attrs[i];
	return NULL;
}

static bool bytes_equal(const struct rbac_bytes *b, const char *s, bool nocase)
{
	size_t len = strlen(s);

	if (b->len != len)
		return false;
	return nocase ? strncasecmp(b->p, s, len) == 0 && memchr(b->p, '\0', len) == NULL
		      : memcmp(b->p, s, len) == 0;
}

bool rbac_entry_has_value(const struct rbac_entry *e, const char *attr, const char *s,
			  bool nocase)
{
	const struct rbac_entry_attr *a = rbac_entry_get(e, attr);

	for (size_t i = 0; a != NULL && i < a->n; i++)
		if (bytes_equal(&a->v[i], s, nocase))
			return true;
	return false;
}

/* A C string for display or parsing: NUL bytes become '?'. */
static char *dup_display(const struct rbac_bytes *b)
{
	char *s = malloc(b->len + 1);

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < b->len; i++)
		s[i] = b->p[i] != '\0' ? b->p[i] : '?';
	s[b->len] = '\0';
	return s;
}

int rbac_entry_values(const struct rbac_entry *e, const char *attr, const char *only,
		      const struct rbac_logger *lg, struct rbac_strlist *l)
{
	const struct rbac_entry_attr *a = rbac_entry_get(e, attr);
	QBUF(q);

	for (size_t i = 0; a != NULL && i < a->n; i++) {
		const struct rbac_bytes *b = &a->v[i];

		if (memchr(b->p, '\0', b->len) != NULL) {
			rbac_log(lg, LOG_ERR, "%s: a value of %s contains a NUL byte; ignored",
				 Q(q, e->dn), attr);
			continue;
		}
		if (only != NULL && !bytes_equal(b, only, false))
			continue;
		if (rbac_strlist_addn(l, b->p, b->len) != 0)
			return -1;
	}
	return 0;
}

bool rbac_entry_parse_gid(const struct rbac_bytes *b, unsigned long *gid)
{
	uint64_t v = 0;

	if (b->len == 0 || b->len > 10)
		return false;
	for (size_t i = 0; i < b->len; i++) {
		if (b->p[i] < '0' || b->p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(b->p[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*gid = (unsigned long)v;
	return true;
}

/* The first value of a single-valued attribute, for display or parsing, in
 * *out (NULL when absent). Several values where the schema allows one make
 * *several true. Returns -1 when out of memory. */
static int take_single(const struct rbac_entry *e, const char *attr, char **out, bool *several)
{
	const struct rbac_entry_attr *a = rbac_entry_get(e, attr);

	*out = NULL;
	if (several != NULL)
		*several = a != NULL && a->n > 1;
	if (a != NULL && (*out = dup_display(&a->v[0])) == NULL)
		return -1;
	return 0;
}

static int take_time(const struct rbac_entry *e, const char *attr,
		     struct rbac_time_bound *bound)
{
	bool several = false;
	char *value;
	int rc;

	if (take_single(e, attr, &value, &several) != 0)
		return -1;
	rc = rbac_time_bound_set(bound, value);
	if (several)
		bound->valid = false; /* which one would we believe? */
	free(value);
	return rc;
}

static int take_status(const struct rbac_entry *e, struct rbac_account *a)
{
	bool several = false;

	if (take_single(e, "rbacAccountStatus", &a->status_raw, &several) != 0)
		return -1;
	a->status = several ? RBAC_STATUS_INVALID : rbac_status_parse(a->status_raw);
	return 0;
}

int rbac_entry_account(const struct rbac_entry *e, const char *uid, struct rbac_account *a)
{
	a->uid = strdup(uid);
	a->dn = strdup(e->dn);
	if (a->uid == NULL || a->dn == NULL || take_status(e, a) != 0 ||
	    take_single(e, "rbacStatusReason", &a->status_reason, NULL) != 0 ||
	    take_time(e, "rbacValidFrom", &a->valid_from) != 0 ||
	    take_time(e, "rbacValidUntil", &a->valid_until) != 0 ||
	    take_single(e, "pwdAccountLockedTime", &a->locked_raw, NULL) != 0)
		return -1;
	a->locked = a->locked_raw != NULL;
	return 0;
}

static void take_gid(const struct rbac_entry *e, const struct rbac_logger *lg,
		     struct rbac_role *r)
{
	const struct rbac_entry_attr *a = rbac_entry_get(e, "gidNumber");
	char *s;
	QBUF(q);
	QBUF(val);

	if (a == NULL)
		return;
	if (a->n == 1 && rbac_entry_parse_gid(&a->v[0], &r->gid)) {
		r->has_gid = true;
		return;
	}
	s = dup_display(&a->v[0]);
	rbac_log(lg, LOG_ERR, "%s: gidNumber %s is not a number 0..4294967295; ignored",
		 Q(q, e->dn), Q(val, s != NULL ? s : "?"));
	free(s);
}

int rbac_entry_role(const struct rbac_entry *e, const char *only_member,
		    const struct rbac_logger *lg, struct rbac_role *r)
{
	if (rbac_entry_values(e, "rbacPermission", NULL, lg, &r->permissions) != 0 ||
	    rbac_entry_values(e, "rbacRestriction", NULL, lg, &r->restrictions) != 0 ||
	    rbac_entry_values(e, "rbacInherits", NULL, lg, &r->inherits) != 0 ||
	    rbac_entry_values(e, "memberUid", only_member, lg, &r->members) != 0)
		return -1;
	take_gid(e, lg, r);
	return 0;
}

/* The uid an assignment grants: its one value, NUL-free. */
static int assignment_uid(const struct rbac_entry *e, const struct rbac_logger *lg, char **uid)
{
	struct rbac_strlist v = RBAC_STRLIST_INIT;
	QBUF(q);

	*uid = NULL;
	if (rbac_entry_values(e, "uid", NULL, lg, &v) != 0)
		return -1;
	if (v.n == 1) {
		*uid = strdup(v.v[0]);
		if (*uid == NULL) {
			rbac_strlist_free(&v);
			return -1;
		}
	} else {
		rbac_log(lg, LOG_ERR,
			 "%s: an rbacAssignment needs exactly one uid, it has %zu; "
			 "it grants nothing",
			 Q(q, e->dn), v.n);
	}
	rbac_strlist_free(&v);
	return 0;
}

int rbac_entry_assignment(const struct rbac_entry *e, const struct rbac_logger *lg,
			  struct rbac_role *r)
{
	struct rbac_assignment *a;
	char *uid;

	if (assignment_uid(e, lg, &uid) != 0)
		return -1;
	if (uid == NULL)
		return 0;
	a = rbac_role_add_assignment(r, uid, e->dn);
	free(uid);
	if (a == NULL || take_time(e, "rbacValidFrom", &a->valid_from) != 0 ||
	    take_time(e, "rbacValidUntil", &a->valid_until) != 0 ||
	    take_single(e, "rbacTicket", &a->ticket, NULL) != 0)
		return -1;
	return 0;
}
