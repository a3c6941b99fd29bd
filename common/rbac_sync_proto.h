/*
 * rbac_sync_proto.h - the values of RFC 4533 (LDAP Content Synchronization)
 * as plain structs: the Sync Request Control we send, the Sync State and
 * Sync Done controls and the Sync Info message we receive, and the CSN
 * vector inside OpenLDAP's sync cookie.
 *
 * Pure functions over bytes: no LDAP handle, no I/O. The caller passes a
 * control's or intermediate message's value (ldctl_value, the berval of
 * ldap_parse_intermediate) as it came from the server. Every parser reads
 * only inside its input, rejects a value that does not match the ASN.1 of
 * RFC 4533 section 2 exactly (trailing bytes included), and returns one of
 * enum rbac_sync_err. Strings in a parsed struct point into the input.
 */
#ifndef RBAC_SYNC_PROTO_H
#define RBAC_SYNC_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "rbac_entry.h" /* struct rbac_bytes */

enum rbac_sync_err {
	RBAC_SYNC_OK = 0,
	RBAC_SYNC_ETRUNCATED = -1, /* a length runs past the end, or a field is missing */
	RBAC_SYNC_ETAG = -2,	   /* a field has a tag the ASN.1 does not allow there */
	RBAC_SYNC_ETRAILING = -3,  /* bytes after the value or after its last field */
	RBAC_SYNC_EVALUE = -4,	   /* an ENUMERATED or BOOLEAN out of range or malformed */
	RBAC_SYNC_EUUID = -5,	   /* an entryUUID that is not 16 bytes */
	RBAC_SYNC_ETOOMANY = -6,   /* a syncUUIDs set larger than the caller allows */
	RBAC_SYNC_ENOMEM = -7,
	RBAC_SYNC_ECOOKIE = -8, /* a cookie not in OpenLDAP's rid=,sid=,csn= syntax */
	RBAC_SYNC_ECSN = -9,	/* a CSN not in the YYYYmmddHHMMSS.uuuuuuZ#cnt#sid#mod form */
	RBAC_SYNC_ESID = -10,	/* two CSNs of one serverID in one vector */
};

/* What the error means, for a log line ("sync state control: ..."). */
const char *rbac_sync_strerror(int err);

/* ---- Sync Request Control (1.3.6.1.4.1.4203.1.9.1.1), sent by us. */
enum rbac_sync_mode {
	RBAC_SYNC_REFRESH_ONLY = 1,
	RBAC_SYNC_REFRESH_AND_PERSIST = 3,
};

struct rbac_sync_request {
	enum rbac_sync_mode mode;
	bool has_cookie;
	struct rbac_bytes cookie;
	bool reload_hint;
};

/* A value that owns its bytes (malloc); free(data). */
struct rbac_sync_buf {
	unsigned char *data;
	size_t len;
};

/* The DER of syncRequestValue for req (reloadHint FALSE is left out, as
 * DER wants a DEFAULT value to be). */
int rbac_sync_request_encode(const struct rbac_sync_request *req, struct rbac_sync_buf *out);

/* ---- Sync State Control (...1.9.1.2), one per search result entry. */
enum rbac_sync_state_kind {
	RBAC_SYNC_PRESENT = 0,
	RBAC_SYNC_ADD = 1,
	RBAC_SYNC_MODIFY = 2,
	RBAC_SYNC_DELETE = 3,
};

#define RBAC_SYNC_UUID_LEN 16

struct rbac_sync_uuid {
	unsigned char b[RBAC_SYNC_UUID_LEN];
};

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", NUL included. */
#define RBAC_SYNC_UUID_TEXT 37
void rbac_sync_uuid_format(const struct rbac_sync_uuid *u, char out[RBAC_SYNC_UUID_TEXT]);

struct rbac_sync_state {
	enum rbac_sync_state_kind state;
	struct rbac_sync_uuid uuid;
	bool has_cookie;
	struct rbac_bytes cookie;
};

int rbac_sync_parse_state(const struct rbac_bytes *in, struct rbac_sync_state *out);

/* ---- Sync Done Control (...1.9.1.3), on the SearchResultDone. */
struct rbac_sync_done {
	bool has_cookie;
	struct rbac_bytes cookie;
	bool refresh_deletes; /* FALSE when absent */
};

int rbac_sync_parse_done(const struct rbac_bytes *in, struct rbac_sync_done *out);

/* ---- Sync Info Message (intermediate response ...1.9.1.4). */
enum rbac_sync_info_kind {
	RBAC_SYNC_INFO_NEW_COOKIE,
	RBAC_SYNC_INFO_REFRESH_DELETE,
	RBAC_SYNC_INFO_REFRESH_PRESENT,
	RBAC_SYNC_INFO_ID_SET,
};

/* A bound on the syncUUIDs of one syncIdSet, for the caller that has no
 * better one: slapd sends present UUIDs 256 to a set, and deleted ones
 * from its session log, one set per log. A million is 16 MB. */
#define RBAC_SYNC_UUIDS_MAX 1000000

struct rbac_sync_info {
	enum rbac_sync_info_kind kind;
	bool has_cookie; /* always true for a newcookie */
	struct rbac_bytes cookie;
	bool refresh_done;	      /* refreshDelete/refreshPresent; TRUE when absent */
	bool refresh_deletes;	      /* syncIdSet; FALSE when absent */
	size_t n_uuids;		      /* syncIdSet */
	struct rbac_sync_uuid *uuids; /* malloc'd copy; rbac_sync_info_free() */
};

/* At most max_uuids syncUUIDs are accepted (RBAC_SYNC_ETOOMANY beyond). On
 * error nothing is left to free. */
int rbac_sync_parse_info(const struct rbac_bytes *in, size_t max_uuids,
			 struct rbac_sync_info *out);
void rbac_sync_info_free(struct rbac_sync_info *info);

/* ---- OpenLDAP's cookie and the CSNs in it.
 *
 * A CSN is "YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm": time, change count,
 * serverID (3 hex digits), modification number. Only CSNs of one serverID
 * are ordered (by that text, fixed-width, hex kept lower case); CSNs of two
 * servers are not comparable, so a state is a vector of CSNs, one per SID.
 */
#define RBAC_CSN_LEN	 40
#define RBAC_CSN_SID_MAX 0xfff

struct rbac_csn {
	unsigned sid;
	char text[RBAC_CSN_LEN + 1];
};

/* Sorted by sid, at most one CSN per sid. {0, NULL} is the empty vector. */
struct rbac_csn_vector {
	size_t n;
	struct rbac_csn *csn;
};

int rbac_csn_parse(const char *s, size_t len, struct rbac_csn *out);
/* Adds c; RBAC_SYNC_ESID when v already holds a CSN of c's serverID. */
int rbac_csn_vector_add(struct rbac_csn_vector *v, const struct rbac_csn *c);
/* dst takes, per serverID, the later of its CSN and src's. */
int rbac_csn_vector_merge(struct rbac_csn_vector *dst, const struct rbac_csn_vector *src);
void rbac_csn_vector_free(struct rbac_csn_vector *v);

/* Bits of rbac_csn_vector_compare(a, b), 0 when equal: a holds a change b
 * has not seen (a later CSN for some SID, or a SID b lacks), and the
 * reverse. Both bits: each has seen something the other has not. */
#define RBAC_CSN_A_NEWER 1u
#define RBAC_CSN_B_NEWER 2u
unsigned rbac_csn_vector_compare(const struct rbac_csn_vector *a,
				 const struct rbac_csn_vector *b);
/* applied has seen everything context has (a suffix's contextCSN): the
 * proof of currency. */
bool rbac_csn_vector_covers(const struct rbac_csn_vector *applied,
			    const struct rbac_csn_vector *context);

/* "rid=NNN[,sid=XXX][,csn=CSN[;CSN...]][,delcsn=CSN]", as slapd's syncprov
 * writes it. rid and sid are -1 when absent. The vector holds the csn=
 * list; delcsn (the CSN of a delete, 2.5+) is kept apart. */
struct rbac_sync_cookie {
	int rid;
	int sid;
	struct rbac_csn_vector csns;
	bool has_delcsn;
	struct rbac_csn delcsn;
};

/* On error nothing is left to free. */
int rbac_sync_cookie_parse(const struct rbac_bytes *in, struct rbac_sync_cookie *out);
void rbac_sync_cookie_free(struct rbac_sync_cookie *c);

#endif
