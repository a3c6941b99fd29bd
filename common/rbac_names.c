/*
 * rbac_names.c - which names are acceptable, and how a role's group is
 * named and numbered (rbac_names.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rbac_names.h"
#include "rbac_snapshot.h"

/* ------------------------------------------------------------ user names */

/* What one use of a user name refuses besides the empty name and control
 * characters (rbac_names.h says why the uses differ). */
struct user_name_rule {
	size_t max;	    /* bytes */
	const char *refuse; /* printable characters refused anywhere */
	bool dash_first;    /* may start with '-' */
	bool utf8;	    /* must be UTF-8 */
};

static const struct user_name_rule user_name_rules[] = {
    [RBAC_USER_NAME_LOGIN] = {RBAC_LOGIN_NAME_MAX, "", true, true},
    [RBAC_USER_NAME_MEMBER] = {RBAC_USER_NAME_MAX, " :,", false, false},
    [RBAC_USER_NAME_EXEMPT] = {RBAC_USER_NAME_MAX, " :/", true, false},
};

/* Length of the UTF-8 sequence starting at s, or 0 when it is not one
 * (overlong forms, surrogates and values above U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

bool rbac_user_name_valid(const char *name, enum rbac_user_name_use use)
{
	const struct user_name_rule *rule = &user_name_rules[use];
	const unsigned char *s = (const unsigned char *)name;
	size_t n;

	if (name == NULL || *name == '\0' || strnlen(name, rule->max + 1) > rule->max ||
	    (!rule->dash_first && *name == '-'))
		return false;
	while (*s != '\0') {
		if (is_control(*s) || strchr(rule->refuse, *s) != NULL)
			return false;
		n = rule->utf8 ? utf8_sequence(s) : 1;
		if (n == 0)
			return false;
		s += n;
	}
	return true;
}

/* ------------------------------------------ namespaces and permissions */

static bool namespace_char(char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '.' || c == '_' || c == '-');
}

bool rbac_namespace_name_valid(const char *name)
{
	size_t i;

	if (name == NULL)
		return false;
	for (i = 0; name[i] != '\0' && namespace_char(name[i], i == 0); i++)
		;
	return i > 0 && name[i] == '\0' && i <= RBAC_NAMESPACE_NAME_MAX;
}

bool rbac_permission_valid(const char *permission)
{
	size_t n = strnlen(permission, RBAC_PERMISSION_MAX + 1);

	if (n == 0 || n > RBAC_PERMISSION_MAX)
		return false;
	for (const unsigned char *s = (const unsigned char *)permission; *s != '\0'; s++)
		if (*s == ' ' || is_control(*s))
			return false;
	return true;
}

/* ---------------------------------------------------------------- groups */

bool rbac_group_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > RBAC_GROUP_NAME_MAX)
		return false;
	if (name[n - 1] == '$')
		n--;
	if (n == 0 || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int append(char *buf, size_t bufsz, size_t *at, const char *s, size_t len)
{
	if (len >= bufsz - *at)
		return -1;
	memcpy(buf + *at, s, len);
	*at += len;
	buf[*at] = '\0';
	return 0;
}

static int expand_percent(char c, const char *ns, const char *role, char *buf, size_t bufsz,
			  size_t *at)
{
	switch (c) {
	case 'r':
		return append(buf, bufsz, at, role, strlen(role));
	case 'n':
		return append(buf, bufsz, at, ns, strlen(ns));
	case '%':
		return append(buf, bufsz, at, "%", 1);
	default:
		return -1;
	}
}

const char *rbac_group_format_bad_escape(const char *fmt, bool *has_role)
{
	*has_role = false;
	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p != 'r' && *p != 'n' && *p != '%')
			return p;
		*has_role = *has_role || *p == 'r';
	}
	return NULL;
}

int rbac_group_name_format(const char *fmt, const char *ns, const char *role, char *buf,
			   size_t bufsz)
{
	size_t at = 0;

	if (bufsz == 0)
		return -1;
	buf[0] = '\0';
	for (const char *p = fmt; *p != '\0'; p++) {
		int rc = *p == '%' ? expand_percent(*++p, ns, role, buf, bufsz, &at)
				   : append(buf, bufsz, &at, p, 1);

		if (rc != 0)
			return -1;
	}
	return 0;
}

bool rbac_role_group_name(const char *fmt, const char *ns, const char *role, char *buf,
			  size_t bufsz)
{
	return rbac_group_name_format(fmt, ns, role, buf, bufsz) == 0 &&
	       rbac_group_name_valid(buf);
}

uint32_t rbac_group_gid(const char *ns, const struct rbac_role *role, unsigned long gid_min,
			unsigned long gid_max)
{
	uint64_t h;

	if (role->has_gid && role->gid >= gid_min && role->gid <= gid_max)
		return (uint32_t)role->gid;
	h = rbac_fnv1a64(RBAC_FNV64_INIT, ns, strlen(ns));
	h = rbac_fnv1a64(h, "/", 1);
	h = rbac_fnv1a64(h, role->name, strlen(role->name));
	return (uint32_t)(gid_min + h % ((uint64_t)gid_max - gid_min + 1));
}

/* ------------------------------------------------------- the group plan */

static int cmp_role_ptr(const void *a, const void *b)
{
	const struct rbac_role *x = *(const struct rbac_role *const *)a;
	const struct rbac_role *y = *(const struct rbac_role *const *)b;

	return strcmp(x->name, y->name);
}

/* Which role of the plan gets a group is decided in plan order: the first
 * to claim a name or a gid keeps it. Scanning the earlier entries for each
 * role would be quadratic in the roles, so entries with equal names (and
 * equal gids) are numbered alike once, by sorting, and each number
 * remembers the group made with it so far; a made group's name and gid are
 * unique, so that is the one group an entry can clash with. */
struct clash_index {
	size_t *order;		    /* entry indexes, sorted by a key */
	size_t *name_key, *gid_key; /* per entry: number of its name, gid */
	const struct rbac_role_group **by_name, **by_gid; /* per number */
};

/* Plan entries (by index) in name or in gid order. */
struct entry_order {
	const struct rbac_role_group *v;
	bool by_gid;
};

static int cmp_entries(const void *a, const void *b, void *ctx)
{
	const struct entry_order *k = ctx;
	const struct rbac_role_group *x = &k->v[*(const size_t *)a];
	const struct rbac_role_group *y = &k->v[*(const size_t *)b];

	if (!k->by_gid)
		return strcmp(x->name, y->name);
	return (x->gid > y->gid) - (x->gid < y->gid);
}

/* key[i] = the same number for entries whose keys compare equal. */
static void number_keys(const struct rbac_group_plan *p, size_t *order, size_t *key,
			bool by_gid)
{
	struct entry_order k = {p->v, by_gid};

	for (size_t i = 0; i < p->n; i++)
		order[i] = i;
	qsort_r(order, p->n, sizeof(*order), cmp_entries, &k);
	for (size_t j = 0; j < p->n; j++)
		key[order[j]] = j > 0 && cmp_entries(&order[j - 1], &order[j], &k) == 0
				    ? key[order[j - 1]]
				    : j;
}

static void clash_index_free(struct clash_index *c)
{
	free(c->order);
	free(c->name_key);
	free(c->gid_key);
	free(c->by_name);
	free(c->by_gid);
}

static int clash_index_init(struct clash_index *c, const struct rbac_group_plan *p)
{
	size_t n = p->n + 1;

	c->order = calloc(n, sizeof(*c->order));
	c->name_key = calloc(n, sizeof(*c->name_key));
	c->gid_key = calloc(n, sizeof(*c->gid_key));
	c->by_name = calloc(n, sizeof(*c->by_name));
	c->by_gid = calloc(n, sizeof(*c->by_gid));
	if (!c->order || !c->name_key || !c->gid_key || !c->by_name || !c->by_gid) {
		clash_index_free(c);
		return -1;
	}
	number_keys(p, c->order, c->name_key, false);
	number_keys(p, c->order, c->gid_key, true);
	return 0;
}

/* Settles the fate of every entry with a valid name, in plan order. */
static int settle_clashes(struct rbac_group_plan *p)
{
	struct clash_index c;

	if (clash_index_init(&c, p) != 0)
		return -1;
	for (size_t i = 0; i < p->n; i++) {
		struct rbac_role_group *e = &p->v[i];

		if (e->fate == RBAC_GROUP_INVALID_NAME)
			continue;
		e->same_name = c.by_name[c.name_key[i]];
		e->same_gid = c.by_gid[c.gid_key[i]];
		e->fate = e->same_name != NULL	? RBAC_GROUP_NAME_TAKEN
			  : e->same_gid != NULL ? RBAC_GROUP_GID_TAKEN
						: RBAC_GROUP_MADE;
		if (e->fate == RBAC_GROUP_MADE)
			c.by_name[c.name_key[i]] = c.by_gid[c.gid_key[i]] = e;
	}
	clash_index_free(&c);
	return 0;
}

/* Names and numbers the role; settle_clashes() decides the rest. */
static void plan_role(struct rbac_group_plan *p, const struct rbac_namespace *ns,
		      const struct rbac_role *r, const char *fmt, unsigned long gid_min,
		      unsigned long gid_max)
{
	struct rbac_role_group *e = &p->v[p->n];

	memset(e, 0, sizeof(*e));
	e->ns = ns;
	e->role = r;
	e->gid = rbac_group_gid(ns->name, r, gid_min, gid_max);
	e->fate = rbac_role_group_name(fmt, ns->name, r->name, e->name, sizeof(e->name))
		      ? RBAC_GROUP_MADE
		      : RBAC_GROUP_INVALID_NAME;
	p->n++;
}

static int plan_namespace(struct rbac_group_plan *p, const struct rbac_namespace *ns,
			  const char *fmt, unsigned long gid_min, unsigned long gid_max)
{
	const struct rbac_role **sorted;

	if (ns == NULL)
		return 0;
	sorted = calloc(ns->n_roles + 1, sizeof(*sorted));
	if (sorted == NULL)
		return -1;
	for (size_t i = 0; i < ns->n_roles; i++)
		sorted[i] = &ns->roles[i];
	qsort(sorted, ns->n_roles, sizeof(*sorted), cmp_role_ptr);
	for (size_t i = 0; i < ns->n_roles; i++)
		plan_role(p, ns, sorted[i], fmt, gid_min, gid_max);
	free(sorted);
	return 0;
}

int rbac_group_plan(const struct rbac_namespace *ns, const char *fmt,
		    const struct rbac_namespace *global, const char *global_fmt,
		    unsigned long gid_min, unsigned long gid_max, struct rbac_group_plan *out)
{
	size_t total = (ns != NULL ? ns->n_roles : 0) + (global != NULL ? global->n_roles : 0);

	out->n = 0;
	out->v = calloc(total + 1, sizeof(*out->v));
	if (out->v == NULL || plan_namespace(out, ns, fmt, gid_min, gid_max) != 0 ||
	    plan_namespace(out, global, global_fmt, gid_min, gid_max) != 0 ||
	    settle_clashes(out) != 0) {
		rbac_group_plan_free(out);
		return -1;
	}
	return 0;
}

void rbac_group_plan_free(struct rbac_group_plan *plan)
{
	free(plan->v);
	plan->v = NULL;
	plan->n = 0;
}
