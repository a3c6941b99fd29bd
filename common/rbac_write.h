/*
 * rbac_write.h - the guarded write layer under rbacctl grant, revoke,
 * suspend, activate and import (DESIGN 12): one change to one entry, sent
 * with the LDAP assertion control (RFC 4528) on the entryCSN read before
 * the checks, so a change someone else made in between makes the write fail
 * rather than land on a state nobody checked. It runs on an rbac_dir handle
 * (rbac_ldap.h) whose cfg carries the administrator's identity.
 */
#ifndef RBAC_WRITE_H
#define RBAC_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include "rbac_ldap.h"

/* entryCSN values are about 40 bytes ("20261205003012.123456Z#000000#000#000000"). */
#define RBAC_CSN_MAX 64

enum rbac_write_kind {
	RBAC_WRITE_MODIFY,
	RBAC_WRITE_ADD,
	RBAC_WRITE_DELETE,
};

/* One attribute change: op is LDAP_MOD_ADD, LDAP_MOD_DELETE or
 * LDAP_MOD_REPLACE; values ends at NULL (none: the whole attribute, for
 * delete and replace). For an add, every mod is an attribute of the entry. */
struct rbac_write_mod {
	int op;
	const char *attr;
	const char *const *values;
};

struct rbac_write {
	enum rbac_write_kind kind;
	const char *dn;
	/* The entry's entryCSN when it was read (rbac_dir_read_csn); the
	 * server refuses the write when it has changed since. NULL: no
	 * assertion (an add, whose target cannot exist yet: the server refuses
	 * that on its own). */
	const char *assert_csn;
	const struct rbac_write_mod *mods;
	size_t n_mods;
};

enum rbac_write_result {
	RBAC_WRITE_OK = 0,
	RBAC_WRITE_CHANGED = 1,	    /* the entry changed since its CSN was read
				       (LDAP_ASSERTION_FAILED), or is gone */
	RBAC_WRITE_REFUSED = 2,	    /* the server refused it otherwise (ACL, schema,
				       value exists...): msg says why */
	RBAC_WRITE_UNAVAILABLE = 3, /* no server answered */
};

/* The entryCSN of dn (a base search). NOT_FOUND when there is no entry;
 * ERROR when the entry has no entryCSN (the backend keeps none). */
enum rbac_dir_result rbac_dir_read_csn(struct rbac_dir *dir, const char *dn, char *csn,
				       size_t csnsz);

/* Sends w and waits for its result. msg (msgsz bytes, may be 0) gets the
 * server's error and diagnostic on REFUSED. A write whose answer never came
 * is not sent again to another server: UNAVAILABLE, and the caller says
 * that it may or may not have been applied. */
enum rbac_write_result rbac_dir_write(struct rbac_dir *dir, const struct rbac_write *w,
				      char *msg, size_t msgsz);

/* The bound identity as the server sees it (RFC 4532 Who am I?), without
 * the "dn:" prefix: "" when anonymous or not a DN (SASL authzid u:...). */
enum rbac_dir_result rbac_dir_whoami(struct rbac_dir *dir, char *out, size_t outsz);

/* Whether two DNs name the same entry, as far as their string forms tell
 * (attribute types and values compared case-insensitively, spaces around
 * separators ignored). */
bool rbac_dn_equal(const char *a, const char *b);

/* "ATTR=VALUE,PARENT" with VALUE escaped as RFC 4514 requires: a
 * malloc()ed string, or NULL when out of memory. */
char *rbac_dn_child(const char *attr, const char *value, const char *parent);

/* w as an LDIF change record (RFC 2849), values base64-encoded where LDIF
 * requires it, followed by an empty line. */
void rbac_write_ldif(FILE *out, const struct rbac_write *w);

#endif
