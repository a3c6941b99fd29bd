/*
 * rbac_snapshot_format.h - the numbers of the on-disk layout described in
 * rbac_snapshot.h, in one place for the reader (rbac_snapshot.c) and the
 * writer (rbac_snapshot_write.c), so the two cannot drift apart.
 *
 * Private to those two units, and constants only: including it links
 * nothing, so libnss_rbac still carries the reader alone.
 */
#ifndef RBAC_SNAPSHOT_FORMAT_H
#define RBAC_SNAPSHOT_FORMAT_H

#include "rbac_snapshot.h"

/* The magic of each kind: 8 bytes, no NUL in the file. */
#define MAGIC_GROUPS   "RBACGRPS"
#define MAGIC_ACCOUNTS "RBACACCT"
#define MAGIC_LEN      8

/* Header fields both versions keep in place: an old writer marks an old
 * file superseded, and the writer recognises either by these. */
#define H_MAGIC	      0
#define H_VERSION     8
#define H_HEADER_SIZE 12
#define H_FILE_SIZE   16
#define H_CHECKSUM    24 /* whole file: [0, 24) seeds [covered, end) */
#define H_SUPERSEDED  32

/* Version 3. */
#define H3_HEADER_SUM	  40 /* XXH3-64 of [0, 24) seeding [H3_COVERED, header end) */
#define H3_PROOF	  48 /* synced_at (s64), then its complement: 16 bytes */
#define H3_COVERED	  64 /* both checksums cover [0, 24) and [64, ...) */
#define H3_GENERATION	  64
#define H3_WRITTEN_AT	  72
#define H3_STALE_AFTER	  80
#define H3_NAMESPACE	  88 /* string offset, length */
#define H3_SOURCE	  96 /* enum rbac_snapshot_source */
#define H3_PROBE_INTERVAL 100
#define H3_APPLIED_CSN	  104 /* string offset, length; 0, 0: absent */
#define H3_CONTEXT_CSN	  112
#define H3_SERVER	  120
#define H3_SECTIONS	  128 /* { u32 offset, u32 count } per section */

_Static_assert(H3_SECTIONS + 8 * RBAC_SNAPSHOT_SECTIONS == RBAC_SNAPSHOT_HEADER_SIZE,
	       "the section table ends the v3 header");
_Static_assert(H3_PROOF % 16 == 0,
	       "the proof block is two aligned words, stored one at a time");

/* Version 2 (groups.db, accounts.db), still written beside version 3. */
#define H2_COVERED     40
#define H2_GENERATION  40
#define H2_WRITTEN_AT  48
#define H2_STALE_AFTER 56
#define H2_NAMESPACE   64
#define H2_SECTIONS    72

_Static_assert(H2_SECTIONS + 8 * RBAC_SNAPSHOT_SECTIONS == RBAC_SNAPSHOT_V2_HEADER_SIZE,
	       "the section table ends the v2 header");

/* Record sizes. */
#define GROUP_REC   56
#define USER_REC    32
#define ACCOUNT_REC 56
#define REF_REC	    8
#define WINDOW_REC  16 /* from (s64), until (s64) */

/* Sections of groups.db. */
enum {
	SEC_STRINGS = 0,
	SEC_GROUPS,
	SEC_NAME_IDX,
	SEC_GID_IDX,
	SEC_MEMBERS,
	SEC_USERS,
	SEC_USER_GROUPS,
	SEC_PACKED,
	SEC_PACKED_OFFS,
	SEC_GROUP_SUMS,	    /* version 3: u32 checksum of each group record */
	SEC_USER_SUMS,	    /* version 3: u32 checksum of each user record */
	SEC_MEMBER_WINDOWS, /* version 3: the window of each membership */
};
/* Sections of accounts.db (0 is the strings, as above). */
enum {
	SEC_ACCOUNTS = 1,
	SEC_REFS,
	SEC_ACCOUNT_SUMS, /* version 3 */
	SEC_REF_WINDOWS	  /* version 3: the window of each reference */
};

/* Sections 0 to these - 1 have a place in the file even when empty; the
 * others are 0,0. */
#define GROUPS_SECTIONS_V2   (SEC_PACKED_OFFS + 1)
#define ACCOUNTS_SECTIONS_V2 (SEC_REFS + 1)
#define GROUPS_SECTIONS	     (SEC_MEMBER_WINDOWS + 1)
#define ACCOUNTS_SECTIONS    (SEC_REF_WINDOWS + 1)

/* Bytes per entry of section i of a file of this kind and version; 0: the
 * section must be empty (offset and count 0). */
static inline uint32_t rbac_snapshot_rec_size(enum rbac_snapshot_kind kind, uint32_t version,
					      int i)
{
	static const uint32_t groups[RBAC_SNAPSHOT_SECTIONS] = {
	    1, GROUP_REC, 4, 4, 4, USER_REC, 4, 1, 4, 4, 4, WINDOW_REC};
	static const uint32_t accounts[RBAC_SNAPSHOT_SECTIONS] = {1, ACCOUNT_REC, REF_REC, 4,
								  WINDOW_REC};
	bool groups_kind = kind == RBAC_SNAPSHOT_GROUPS;

	if (i < 0 || i >= RBAC_SNAPSHOT_SECTIONS)
		return 0;
	if (version == RBAC_SNAPSHOT_V2_VERSION &&
	    i >= (groups_kind ? GROUPS_SECTIONS_V2 : ACCOUNTS_SECTIONS_V2))
		return 0;
	return groups_kind ? groups[i] : accounts[i];
}

#endif
