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

/* Header field offsets. */
#define H_MAGIC	      0
#define H_VERSION     8
#define H_HEADER_SIZE 12
#define H_FILE_SIZE   16
#define H_CHECKSUM    24
#define H_SUPERSEDED  32
#define H_COVERED     40 /* the checksum covers [0, 24) and [40, end) */
#define H_GENERATION  40
#define H_WRITTEN_AT  48
#define H_STALE_AFTER 56
#define H_NAMESPACE   64
#define H_SECTIONS    72 /* { u32 offset, u32 count } per section */

_Static_assert(H_SECTIONS + 8 * RBAC_SNAPSHOT_SECTIONS == RBAC_SNAPSHOT_HEADER_SIZE,
	       "the section table ends the header");

/* Record sizes. */
#define GROUP_REC   56
#define USER_REC    32
#define ACCOUNT_REC 56
#define REF_REC	    8

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
	SEC_PACKED_OFFS
};
/* Sections of accounts.db (0 is the strings, as above). */
enum { SEC_ACCOUNTS = 1, SEC_REFS };

/* Sections 0 to these - 1 have a place in the file even when empty; the
 * others are 0,0. */
#define GROUPS_SECTIONS	  (SEC_PACKED_OFFS + 1)
#define ACCOUNTS_SECTIONS (SEC_REFS + 1)

#endif
