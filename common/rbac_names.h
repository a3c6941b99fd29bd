/*
 * rbac_names.h - one home for the names and numbers the modules agree on:
 * which user, namespace, permission and group names are acceptable, how a
 * role's group is named and which gid it gets.
 *
 * No I/O and nothing but libc and the snapshot reader's hash: the config
 * loader, pam_rbac, the snapshot writer and rbacctl all ask here, so a
 * name is judged the same way wherever it comes from. libnss_rbac needs
 * none of it (the writer only stores valid names), so this unit is not
 * part of the reader.
 */
#ifndef RBAC_NAMES_H
#define RBAC_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbac_model.h"

/* Longest namespace name (config namespace and global_namespace, and the
 * name the directory layer will look up). */
#define RBAC_NAMESPACE_NAME_MAX 64
/* Longest permission (pam.permissions values, the PAM argument permission=). */
#define RBAC_PERMISSION_MAX 255
/* Longest group name: the limit of shadow's useradd/groupadd. */
#define RBAC_GROUP_NAME_MAX 32
/* Longest login name looked up; a longer one cannot be ours. */
#define RBAC_LOGIN_NAME_MAX 256
/* Longest user name stored as a group member or listed in pam.exempt_users. */
#define RBAC_USER_NAME_MAX 255

/*
 * A user name is judged by what it will be used for; the three uses
 * differ on purpose and each set is pinned by tests/unit/check_names.c.
 * Every use refuses the empty name and control characters (< 0x20, 0x7f).
 *
 * RBAC_USER_NAME_LOGIN: the name PAM or `rbacctl check` was given. The
 *   question is only whether a directory uid can equal it: at most
 *   RBAC_LOGIN_NAME_MAX bytes of UTF-8 (LDAP strings are UTF-8), spaces and
 *   any punctuation allowed. A name refused here is an unknown user and
 *   never reaches a search filter.
 * RBAC_USER_NAME_MEMBER: a member written to groups.db. It must fit the
 *   group(5) line getent prints: at most RBAC_USER_NAME_MAX bytes, no
 *   space, ':' or ',', not starting with '-'; other bytes are copied as
 *   the directory gave them.
 * RBAC_USER_NAME_EXEMPT: an entry of pam.exempt_users (a local account):
 *   at most RBAC_USER_NAME_MAX bytes, no space, ':' or '/'.
 */
enum rbac_user_name_use {
	RBAC_USER_NAME_LOGIN,
	RBAC_USER_NAME_MEMBER,
	RBAC_USER_NAME_EXEMPT,
};
bool rbac_user_name_valid(const char *name, enum rbac_user_name_use use);

/* 1 to RBAC_NAMESPACE_NAME_MAX letters, digits, '.', '_' or '-', starting
 * with a letter or a digit: the name is pasted into "cn=<namespace>,<base>"
 * and into group names, so it holds nothing that needs escaping in either. */
bool rbac_namespace_name_valid(const char *name);

/* 1 to RBAC_PERMISSION_MAX bytes, no space or control character. */
bool rbac_permission_valid(const char *permission);

/* A group name is valid when it has 1 to RBAC_GROUP_NAME_MAX bytes, starts
 * with [a-z_], continues with [a-z0-9_-] and may end in '$' (the rule of
 * shadow's groupadd without --badname, which Debian applies too). */
bool rbac_group_name_valid(const char *name);
/* The first escape of fmt that is not %r, %n or %%: a pointer to the
 * character after its '%' (the terminating NUL for a lone '%' at the end),
 * or NULL when there is none; *has_role tells whether fmt holds %r. */
const char *rbac_group_format_bad_escape(const char *fmt, bool *has_role);
/* Expands %r (role), %n (namespace) and %% in fmt. Returns 0, or -1 when
 * the result does not fit bufsz or fmt holds another % sequence. */
int rbac_group_name_format(const char *fmt, const char *ns, const char *role, char *buf,
			   size_t bufsz);
/* The group of role r of namespace ns under fmt (nss.group_format or
 * nss.global_group_format) into buf: true when it is a valid group name,
 * false when it is not (buf then holds what could be formatted, for the
 * message) -- the snapshot writer skips such a role. */
bool rbac_role_group_name(const char *fmt, const char *ns, const char *role, char *buf,
			  size_t bufsz);
/* The gid of a role: its gidNumber when it lies in [gid_min, gid_max], else
 *   gid_min + FNV-1a-64("<namespace>/<role>") mod (gid_max - gid_min + 1)
 * over the bytes of the namespace and role names as stored in the directory. */
uint32_t rbac_group_gid(const char *ns, const struct rbac_role *role, unsigned long gid_min,
			unsigned long gid_max);

/* Room for a formatted group name that may be too long to be valid. */
#define RBAC_GROUP_NAME_BUFSZ (RBAC_GROUP_NAME_MAX * 8)

/* What becomes of one role: a group, or why not. */
enum rbac_group_fate {
	RBAC_GROUP_MADE,
	RBAC_GROUP_INVALID_NAME, /* the formatted name is not a valid group name */
	RBAC_GROUP_NAME_TAKEN,	 /* an earlier role's group has that name */
	RBAC_GROUP_GID_TAKEN,	 /* ... or (only) that gid */
};

struct rbac_role_group {
	const struct rbac_namespace *ns;
	const struct rbac_role *role;
	char name[RBAC_GROUP_NAME_BUFSZ]; /* as formatted (valid when made) */
	uint32_t gid;
	enum rbac_group_fate fate;
	/* The earlier groups with the same name and with the same gid, each
	 * NULL when there is none; at least one is set when the role was
	 * skipped for a clash. */
	const struct rbac_role_group *same_name, *same_gid;
};

/* Which role of ns and global becomes which group (nss_rbac(8), GROUPS): the roles
 * of ns in name order (strcmp) under fmt, then those of global (NULL: none)
 * under global_fmt; a role whose name is invalid, or whose name or gid an
 * earlier group already has, is skipped. One entry a role, in that order.
 * The snapshot writer builds groups.db from it and `rbacctl lint` reports
 * it, so the two agree by construction. Returns 0, or -1 out of memory. */
struct rbac_group_plan {
	struct rbac_role_group *v;
	size_t n;
};
int rbac_group_plan(const struct rbac_namespace *ns, const char *fmt,
		    const struct rbac_namespace *global, const char *global_fmt,
		    unsigned long gid_min, unsigned long gid_max, struct rbac_group_plan *out);
void rbac_group_plan_free(struct rbac_group_plan *plan);

#endif
