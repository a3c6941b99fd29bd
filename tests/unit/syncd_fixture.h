/*
 * syncd_fixture.h - entries, configuration and snapshot images for the
 * tests of rbac-syncd's model and state file.
 */
#ifndef SYNCD_FIXTURE_H
#define SYNCD_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "rbac_config.h"
#include "rbac_entry.h"
#include "rbac_snapshot_write.h"

#define SFX_ATTRS_MAX  16
#define SFX_VALUES_MAX 256

/* An entry built from "attr=value attr=value ..." (values without spaces;
 * repeated attributes collect their values in order). */
struct sfx_entry {
	struct rbac_entry e;
	struct rbac_entry_attr attrs[SFX_ATTRS_MAX];
	struct rbac_bytes v[SFX_VALUES_MAX];
	char buf[8192];
};
void sfx_entry(struct sfx_entry *t, const char *dn, const char *spec);

/* An entryUUID made from a number. */
struct rbac_sync_uuid sfx_uuid(unsigned n);

/* ldap.base ou=rbac,dc=example,dc=org, user_base ou=people,dc=example,dc=org,
 * namespace eng, global_namespace global (NULL: none). */
void sfx_config(struct rbac_config *cfg, const char *global);

/* add/modify of entry n (asserted to succeed). */
void sfx_put(struct syncd_model *m, unsigned n, const char *dn, const char *spec);

/* One LDIF record (no base64, no continuation lines: the example has none;
 * both are refused by an assertion). */
struct sfx_record {
	char *dn;
	size_t n;
	char **attr, **value;
};
/* The records of etc/example/directory.ldif of the source tree. */
size_t sfx_example_ldif(struct sfx_record **out);
void sfx_records_free(struct sfx_record *r, size_t n);
/* A record as an entry, with only the attributes in attrs (NULL: all). */
void sfx_record_entry(const struct sfx_record *r, const char *const *attrs,
		      struct rbac_entry *e, struct rbac_entry_attr *a, struct rbac_bytes *v);
bool sfx_record_has(const struct sfx_record *r, const char *attr, const char *value);

/* Both images built from sm with fixed options (generation 7, written at a
 * fixed time, the default formats and permissions). */
void sfx_images(const struct rbac_snapshot_model *sm, struct rbac_snapshot_image *groups,
		struct rbac_snapshot_image *accounts);

#endif
