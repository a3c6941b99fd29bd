/*
 * state.h - syncd.state: what rbac-syncd needs to resume after a restart
 * with the changes only: the sync cookie and the model it describes (a
 * cookie alone is useless: a resumed session sends only what changed, and
 * a role's change needs every account's state).
 *
 * One file, so that cookie and model cannot disagree. Written atomically
 * (a temporary file in the same directory, mode 0600, fsync, rename, fsync
 * of the directory). It carries a format version, a fingerprint of the
 * configuration the model depends on (ldap.base, ldap.user_base,
 * namespace, global_namespace, the sync filter and the attributes the
 * model reads; not the URIs, so a failover or a new server list keeps it)
 * and a checksum (XXH3-64) over everything.
 *
 * Layout (integers little-endian):
 *   0   8  magic "RBSYNCST"
 *   8   4  format version (SYNCD_STATE_VERSION)
 *   12  4  reserved, 0
 *   16  8  configuration fingerprint (XXH3-64)
 *   24  8  checksum: XXH3-64 of bytes 32 to the end, seeded with the
 *          XXH3-64 of bytes 0-23
 *   32  8  total file length
 *   40  4  entry count
 *   44  4  cookie length, then the cookie bytes
 *   then per entry: 16 uuid, 1 has-parent, [16 parent uuid], 4 DN length,
 *   DN, 1 attribute count, per attribute: 1 attribute index into
 *   syncd_model_attrs, 4 value count, per value 4 length and the bytes.
 */
#ifndef SYNCD_STATE_H
#define SYNCD_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "rbac_config.h"
#include "rbac_entry.h"
#include "rbac_log.h"

#define SYNCD_STATE_FILE    "syncd.state"
#define SYNCD_STATE_VERSION 1

/* What came of a load. Every value but OK means: no cookie, full refresh
 * (the caller logs why, with syncd_state_strerror). */
enum syncd_state_result {
	SYNCD_STATE_OK = 0,
	SYNCD_STATE_MISSING,	      /* no such file */
	SYNCD_STATE_UNREADABLE,	      /* open/read failed, or not a regular file */
	SYNCD_STATE_TRUNCATED,	      /* shorter than its header says */
	SYNCD_STATE_CORRUPT,	      /* bad magic, checksum or content */
	SYNCD_STATE_VERSION_MISMATCH, /* written by another format version */
	SYNCD_STATE_OTHER_CONFIG,     /* written for another configuration */
	SYNCD_STATE_NOMEM,
};

const char *syncd_state_strerror(enum syncd_state_result r);

/* The fingerprint of what in cfg the model depends on. */
uint64_t syncd_state_fingerprint(const struct rbac_config *cfg);

/* Writes m and cookie (cookie->p may be NULL when len is 0) to path
 * atomically. Returns 0, or -1 with err saying what failed (the old file
 * is then untouched). */
int syncd_state_save(const char *path, const struct syncd_model *m,
		     const struct rbac_bytes *cookie, const struct rbac_config *cfg, char *err,
		     size_t errlen);

/* Reads path into m, which must be new (as syncd_model_new() returns it),
 * and the cookie into *cookie (malloc'd, free() it; NULL and 0 when the
 * file has none). On any result but OK, m is emptied again and *cookie is
 * NULL; err says why (file and reason), for the log line "...: full
 * refresh". */
enum syncd_state_result syncd_state_load(const char *path, const struct rbac_config *cfg,
					 struct syncd_model *m, unsigned char **cookie,
					 size_t *cookie_len, char *err, size_t errlen);

/* The file's bytes for m and cookie, malloc'd into *data (for the tests
 * and the fuzzer). Returns -1 when out of memory. */
int syncd_state_serialize(const struct syncd_model *m, const struct rbac_bytes *cookie,
			  const struct rbac_config *cfg, unsigned char **data, size_t *len);

/* The same as syncd_state_load on bytes already read (for the fuzzer and
 * the tests). */
enum syncd_state_result syncd_state_parse(const unsigned char *data, size_t len,
					  const struct rbac_config *cfg, struct syncd_model *m,
					  unsigned char **cookie, size_t *cookie_len);

#endif
