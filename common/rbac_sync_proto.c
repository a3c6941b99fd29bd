/*
 * rbac_sync_proto.c - RFC 4533 values to and from plain structs (see
 * rbac_sync_proto.h), with liblber.
 *
 * Decoding reads a copy (see reader_open) in place (ber_init2, strings
 * with LBER_BV_NOTERM), and nothing is written into the input. lber's
 * ber_scanf trusts the caller about tags and does not stop at the end of a
 * SEQUENCE, so each field's tag is peeked and checked here, and the outer
 * element must fill the input exactly: every field read is then bounded by
 * it.
 */
#include "config.h"

#include <lber.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_sync_proto.h"

/* Tags of RFC 4533's ASN.1 (section 2.2 to 2.5). */
#define TAG_BOOLEAN	   0x01UL
#define TAG_ENUMERATED	   0x0aUL
#define TAG_OCTETS	   0x04UL
#define TAG_SEQUENCE	   0x30UL
#define TAG_SET		   0x31UL
#define TAG_NEW_COOKIE	   0x80UL /* [0] IMPLICIT OCTET STRING */
#define TAG_REFRESH_DELETE 0xa1UL /* [1] SEQUENCE */
#define TAG_REFRESH_PRES   0xa2UL /* [2] SEQUENCE */
#define TAG_ID_SET	   0xa3UL /* [3] SEQUENCE */

/* The smallest syncUUID element: tag, one length byte, 16 bytes. */
#define UUID_ELEMENT_MIN (2 + RBAC_SYNC_UUID_LEN)

const char *rbac_sync_strerror(int err)
{
	switch (err) {
	case RBAC_SYNC_OK:
		return "no error";
	case RBAC_SYNC_ETRUNCATED:
		return "truncated (a length runs past the end, or a field is missing)";
	case RBAC_SYNC_ETAG:
		return "unexpected tag";
	case RBAC_SYNC_ETRAILING:
		return "bytes after the end of the value";
	case RBAC_SYNC_EVALUE:
		return "enumerated or boolean value out of range";
	case RBAC_SYNC_EUUID:
		return "entryUUID is not 16 bytes";
	case RBAC_SYNC_ETOOMANY:
		return "more syncUUIDs than allowed";
	case RBAC_SYNC_ENOMEM:
		return "out of memory";
	case RBAC_SYNC_ECOOKIE:
		return "cookie is not rid=NNN[,sid=XXX][,csn=CSN;...][,delcsn=CSN]";
	case RBAC_SYNC_ECSN:
		return "CSN is not YYYYmmddHHMMSS.uuuuuuZ#xxxxxx#xxx#xxxxxx";
	case RBAC_SYNC_ESID:
		return "two CSNs of one serverID";
	}
	return "unknown error";
}

/* ---- encoding */

int rbac_sync_request_encode(const struct rbac_sync_request *req, struct rbac_sync_buf *out)
{
	BerElement *ber;
	struct berval bv;
	int rc = RBAC_SYNC_ENOMEM;

	out->data = NULL;
	out->len = 0;
	if (req->mode != RBAC_SYNC_REFRESH_ONLY && req->mode != RBAC_SYNC_REFRESH_AND_PERSIST)
		return RBAC_SYNC_EVALUE;
	ber = ber_alloc_t(LBER_USE_DER);
	if (!ber)
		return RBAC_SYNC_ENOMEM;
	if (ber_printf(ber, "{e", (ber_int_t)req->mode) < 0)
		goto out;
	if (req->has_cookie && ber_printf(ber, "o", req->cookie.p ? req->cookie.p : "",
					  (ber_len_t)req->cookie.len) < 0)
		goto out;
	if (req->reload_hint && ber_printf(ber, "b", (ber_int_t)1) < 0)
		goto out;
	if (ber_printf(ber, "N}") < 0 || ber_flatten2(ber, &bv, 0) < 0)
		goto out;
	out->data = malloc(bv.bv_len ? bv.bv_len : 1);
	if (!out->data)
		goto out;
	memcpy(out->data, bv.bv_val, bv.bv_len);
	out->len = bv.bv_len;
	rc = RBAC_SYNC_OK;
out:
	ber_free(ber, 1);
	return rc;
}

/* ---- decoding: a BerElement over a copy of the caller's bytes */

/* lber's ber_skip_tag and ber_skip_element read the byte after what they
 * skip (to keep the next tag at hand): one byte past the end when the
 * element is the last. In libldap's own buffers that byte exists; in the
 * caller's it may not, so lber reads a copy with one guard byte, and the
 * strings found in it are turned back into pointers into the input
 * (rebase). */
static BerElement *reader_open(const struct rbac_bytes *in, char **copy)
{
	struct berval bv;
	BerElement *ber;

	*copy = malloc(in->len + 1);
	if (!*copy)
		return NULL;
	if (in->len)
		memcpy(*copy, in->p, in->len);
	(*copy)[in->len] = '\0';
	ber = ber_alloc_t(0);
	if (!ber) {
		free(*copy);
		return NULL;
	}
	bv.bv_val = *copy;
	bv.bv_len = in->len;
	ber_init2(ber, &bv, 0);
	return ber;
}

static void reader_close(BerElement *ber, char *copy)
{
	ber_free(ber, 0); /* the buffer is copy */
	free(copy);
}

static void rebase(struct rbac_bytes *b, const char *copy, const struct rbac_bytes *in)
{
	if (b->p)
		b->p = in->p + (b->p - copy);
}

static size_t remaining(BerElement *ber)
{
	int n = ber_remaining(ber);

	return n > 0 ? (size_t)n : 0;
}

/* The tag and length of the next field, or LBER_DEFAULT at the end. */
static int peek(BerElement *ber, ber_tag_t *tag, ber_len_t *len)
{
	*tag = LBER_DEFAULT;
	*len = 0;
	if (remaining(ber) == 0)
		return RBAC_SYNC_OK;
	*tag = ber_peek_tag(ber, len);
	if (*tag == LBER_DEFAULT || *len > remaining(ber))
		return RBAC_SYNC_ETRUNCATED;
	return RBAC_SYNC_OK;
}

/* One of syncInfoValue's CHOICE. */
static bool is_info_tag(ber_tag_t tag)
{
	return tag == TAG_NEW_COOKIE || tag == TAG_REFRESH_DELETE || tag == TAG_REFRESH_PRES ||
	       tag == TAG_ID_SET;
}

/* Enters the outer element, which must have tag want (any of the three
 * [1]..[3] when want is 0, returned in *got) and fill what is left. */
static int enter(BerElement *ber, ber_tag_t want, ber_tag_t *got)
{
	ber_tag_t tag;
	ber_len_t len;
	int rc = peek(ber, &tag, &len);

	if (rc)
		return rc;
	if (tag == LBER_DEFAULT)
		return RBAC_SYNC_ETRUNCATED;
	if (want ? tag != want : !is_info_tag(tag))
		return RBAC_SYNC_ETAG;
	if (got)
		*got = tag;
	if (tag == TAG_NEW_COOKIE)
		return RBAC_SYNC_OK; /* primitive: read whole by the caller */
	if (ber_skip_tag(ber, &len) == LBER_DEFAULT)
		return RBAC_SYNC_ETRUNCATED;
	return len == remaining(ber) ? RBAC_SYNC_OK : RBAC_SYNC_ETRAILING;
}

static int expect_end(BerElement *ber)
{
	return remaining(ber) == 0 ? RBAC_SYNC_OK : RBAC_SYNC_ETRAILING;
}

/* A field of the given tag; RBAC_SYNC_ETRUNCATED when the value ends
 * first. */
static int expect(BerElement *ber, ber_tag_t want, ber_len_t *len)
{
	ber_tag_t tag;
	int rc = peek(ber, &tag, len);

	if (rc)
		return rc;
	if (tag == LBER_DEFAULT)
		return RBAC_SYNC_ETRUNCATED;
	return tag == want ? RBAC_SYNC_OK : RBAC_SYNC_ETAG;
}

static int get_octets(BerElement *ber, ber_tag_t tag, struct rbac_bytes *out)
{
	struct berval bv;
	ber_len_t len;
	int rc = expect(ber, tag, &len);

	if (rc)
		return rc;
	/* in place and unterminated: nothing is allocated or written */
	if (ber_get_stringbv(ber, &bv, LBER_BV_NOTERM) == LBER_DEFAULT)
		return RBAC_SYNC_ETRUNCATED;
	out->p = bv.bv_val;
	out->len = bv.bv_len;
	return RBAC_SYNC_OK;
}

/* BER TRUE is any non-zero octet (DER's 0xff reads as -1 through lber). */
static int get_boolean(BerElement *ber, bool *out)
{
	ber_int_t v;
	ber_len_t len;
	int rc = expect(ber, TAG_BOOLEAN, &len);

	if (rc)
		return rc;
	if (len != 1)
		return RBAC_SYNC_EVALUE;
	if (ber_get_boolean(ber, &v) == LBER_DEFAULT)
		return RBAC_SYNC_ETRUNCATED;
	*out = v != 0;
	return RBAC_SYNC_OK;
}

static int get_enum(BerElement *ber, ber_int_t lo, ber_int_t hi, ber_int_t *out)
{
	ber_len_t len;
	int rc = expect(ber, TAG_ENUMERATED, &len);

	if (rc)
		return rc;
	if (len < 1 || len > sizeof(ber_int_t))
		return RBAC_SYNC_EVALUE;
	if (ber_get_enum(ber, out) == LBER_DEFAULT)
		return RBAC_SYNC_ETRUNCATED;
	return *out < lo || *out > hi ? RBAC_SYNC_EVALUE : RBAC_SYNC_OK;
}

static int get_uuid(BerElement *ber, struct rbac_sync_uuid *out)
{
	struct rbac_bytes b;
	int rc = get_octets(ber, TAG_OCTETS, &b);

	if (rc)
		return rc;
	if (b.len != RBAC_SYNC_UUID_LEN)
		return RBAC_SYNC_EUUID;
	memcpy(out->b, b.p, RBAC_SYNC_UUID_LEN);
	return RBAC_SYNC_OK;
}

/* An OPTIONAL syncCookie: present when the next field is an OCTET STRING. */
static int get_opt_cookie(BerElement *ber, bool *has, struct rbac_bytes *out)
{
	ber_tag_t tag;
	ber_len_t len;
	int rc = peek(ber, &tag, &len);

	if (rc || tag != TAG_OCTETS)
		return rc;
	*has = true;
	return get_octets(ber, TAG_OCTETS, out);
}

/* A BOOLEAN with a DEFAULT: present when the next field is a BOOLEAN. */
static int get_opt_boolean(BerElement *ber, bool *out)
{
	ber_tag_t tag;
	ber_len_t len;
	int rc = peek(ber, &tag, &len);

	if (rc || tag != TAG_BOOLEAN)
		return rc;
	return get_boolean(ber, out);
}

/* syncStateValue ::= SEQUENCE { state ENUMERATED { present (0), add (1),
 * modify (2), delete (3) }, entryUUID syncUUID, cookie syncCookie
 * OPTIONAL } */
int rbac_sync_parse_state(const struct rbac_bytes *in, struct rbac_sync_state *out)
{
	BerElement *ber;
	ber_int_t state = 0;
	char *copy;
	int rc;

	memset(out, 0, sizeof(*out));
	ber = reader_open(in, &copy);
	if (!ber)
		return RBAC_SYNC_ENOMEM;
	rc = enter(ber, TAG_SEQUENCE, NULL);
	if (!rc)
		rc = get_enum(ber, RBAC_SYNC_PRESENT, RBAC_SYNC_DELETE, &state);
	if (!rc)
		rc = get_uuid(ber, &out->uuid);
	if (!rc)
		rc = get_opt_cookie(ber, &out->has_cookie, &out->cookie);
	if (!rc)
		rc = expect_end(ber);
	rebase(&out->cookie, copy, in);
	reader_close(ber, copy);
	out->state = (enum rbac_sync_state_kind)state;
	return rc;
}

/* syncDoneValue ::= SEQUENCE { cookie syncCookie OPTIONAL, refreshDeletes
 * BOOLEAN DEFAULT FALSE } */
int rbac_sync_parse_done(const struct rbac_bytes *in, struct rbac_sync_done *out)
{
	BerElement *ber;
	char *copy;
	int rc;

	memset(out, 0, sizeof(*out));
	ber = reader_open(in, &copy);
	if (!ber)
		return RBAC_SYNC_ENOMEM;
	rc = enter(ber, TAG_SEQUENCE, NULL);
	if (!rc)
		rc = get_opt_cookie(ber, &out->has_cookie, &out->cookie);
	if (!rc)
		rc = get_opt_boolean(ber, &out->refresh_deletes);
	if (!rc)
		rc = expect_end(ber);
	rebase(&out->cookie, copy, in);
	reader_close(ber, copy);
	return rc;
}

/* syncUUIDs SET OF syncUUID, the last field of a syncIdSet. Room for the
 * most UUIDs the set's length can hold, so the copy is never larger than
 * the input. */
static int get_uuid_set(BerElement *ber, size_t max, struct rbac_sync_info *out)
{
	ber_len_t len;
	size_t room;
	int rc = expect(ber, TAG_SET, &len);

	if (rc)
		return rc;
	if (ber_skip_tag(ber, &len) == LBER_DEFAULT)
		return RBAC_SYNC_ETRUNCATED;
	if (len != remaining(ber))
		return RBAC_SYNC_ETRAILING;
	room = len / UUID_ELEMENT_MIN;
	if (room > max)
		room = max + 1; /* enough to see that there are too many */
	if (room) {
		out->uuids = calloc(room, sizeof(*out->uuids));
		if (!out->uuids)
			return RBAC_SYNC_ENOMEM;
	}
	while (remaining(ber)) {
		if (out->n_uuids == room)
			return out->n_uuids > max ? RBAC_SYNC_ETOOMANY : RBAC_SYNC_EUUID;
		rc = get_uuid(ber, &out->uuids[out->n_uuids]);
		if (rc)
			return rc;
		if (++out->n_uuids > max)
			return RBAC_SYNC_ETOOMANY;
	}
	return RBAC_SYNC_OK;
}

/* syncInfoValue ::= CHOICE {
 *   newcookie      [0] syncCookie,
 *   refreshDelete  [1] SEQUENCE { cookie syncCookie OPTIONAL,
 *                                 refreshDone BOOLEAN DEFAULT TRUE },
 *   refreshPresent [2] SEQUENCE { (the same) },
 *   syncIdSet      [3] SEQUENCE { cookie syncCookie OPTIONAL,
 *                                 refreshDeletes BOOLEAN DEFAULT FALSE,
 *                                 syncUUIDs SET OF syncUUID } } */
static int parse_info_body(BerElement *ber, ber_tag_t tag, size_t max,
			   struct rbac_sync_info *out)
{
	int rc;

	if (tag == TAG_NEW_COOKIE) {
		out->kind = RBAC_SYNC_INFO_NEW_COOKIE;
		out->has_cookie = true;
		return get_octets(ber, TAG_NEW_COOKIE, &out->cookie);
	}
	rc = get_opt_cookie(ber, &out->has_cookie, &out->cookie);
	if (rc)
		return rc;
	if (tag == TAG_ID_SET) {
		out->kind = RBAC_SYNC_INFO_ID_SET;
		rc = get_opt_boolean(ber, &out->refresh_deletes);
		return rc ? rc : get_uuid_set(ber, max, out);
	}
	out->kind = tag == TAG_REFRESH_DELETE ? RBAC_SYNC_INFO_REFRESH_DELETE
					      : RBAC_SYNC_INFO_REFRESH_PRESENT;
	out->refresh_done = true;
	return get_opt_boolean(ber, &out->refresh_done);
}

int rbac_sync_parse_info(const struct rbac_bytes *in, size_t max_uuids,
			 struct rbac_sync_info *out)
{
	BerElement *ber;
	ber_tag_t tag = LBER_DEFAULT;
	char *copy;
	int rc;

	memset(out, 0, sizeof(*out));
	ber = reader_open(in, &copy);
	if (!ber)
		return RBAC_SYNC_ENOMEM;
	rc = enter(ber, 0, &tag);
	if (!rc)
		rc = parse_info_body(ber, tag, max_uuids, out);
	if (!rc)
		rc = expect_end(ber);
	rebase(&out->cookie, copy, in);
	reader_close(ber, copy);
	if (rc)
		rbac_sync_info_free(out);
	return rc;
}

void rbac_sync_info_free(struct rbac_sync_info *info)
{
	free(info->uuids);
	info->uuids = NULL;
	info->n_uuids = 0;
}

void rbac_sync_uuid_format(const struct rbac_sync_uuid *u, char out[RBAC_SYNC_UUID_TEXT])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < RBAC_SYNC_UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u->b[i] >> 4];
		out[o++] = hex[u->b[i] & 15];
	}
	out[o] = '\0';
}

/* ---- CSNs */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Each position of "YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm": d a decimal
 * digit, x a hex digit, anything else itself. */
static const char csn_shape[] = "dddddddddddddd.ddddddZ#xxxxxx#xxx#xxxxxx";
#define CSN_SID_AT 30 /* where "sss" starts */

static bool csn_char_ok(char shape, char c)
{
	if (shape == 'd')
		return c >= '0' && c <= '9';
	if (shape == 'x')
		return hex_value(c) >= 0;
	return c == shape;
}

int rbac_csn_parse(const char *s, size_t len, struct rbac_csn *out)
{
	size_t i;

	if (len != RBAC_CSN_LEN)
		return RBAC_SYNC_ECSN;
	for (i = 0; i < RBAC_CSN_LEN; i++) {
		char c = s[i];

		if (!csn_char_ok(csn_shape[i], c))
			return RBAC_SYNC_ECSN;
		/* lower case, so that one server's CSNs order as text */
		out->text[i] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
	}
	out->text[RBAC_CSN_LEN] = '\0';
	out->sid = 0;
	for (i = CSN_SID_AT; i < CSN_SID_AT + 3; i++)
		out->sid = out->sid * 16 + (unsigned)hex_value(out->text[i]);
	return RBAC_SYNC_OK;
}

/* Index of sid in v, or where it would go (*found false). */
static size_t vector_find(const struct rbac_csn_vector *v, unsigned sid, bool *found)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->csn[mid].sid < sid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < v->n && v->csn[lo].sid == sid;
	return lo;
}

static int vector_insert(struct rbac_csn_vector *v, size_t at, const struct rbac_csn *c)
{
	struct rbac_csn *grown;

	/* at most one per SID, so never more than RBAC_CSN_SID_MAX + 1 */
	grown = realloc(v->csn, (v->n + 1) * sizeof(*v->csn));
	if (!grown)
		return RBAC_SYNC_ENOMEM;
	v->csn = grown;
	memmove(&v->csn[at + 1], &v->csn[at], (v->n - at) * sizeof(*v->csn));
	v->csn[at] = *c;
	v->n++;
	return RBAC_SYNC_OK;
}

int rbac_csn_vector_add(struct rbac_csn_vector *v, const struct rbac_csn *c)
{
	bool found;
	size_t at = vector_find(v, c->sid, &found);

	return found ? RBAC_SYNC_ESID : vector_insert(v, at, c);
}

int rbac_csn_vector_merge(struct rbac_csn_vector *dst, const struct rbac_csn_vector *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		bool found;
		size_t at = vector_find(dst, src->csn[i].sid, &found);
		int rc = RBAC_SYNC_OK;

		if (!found)
			rc = vector_insert(dst, at, &src->csn[i]);
		else if (strcmp(src->csn[i].text, dst->csn[at].text) > 0)
			dst->csn[at] = src->csn[i];
		if (rc)
			return rc;
	}
	return RBAC_SYNC_OK;
}

void rbac_csn_vector_free(struct rbac_csn_vector *v)
{
	free(v->csn);
	v->csn = NULL;
	v->n = 0;
}

/* A walk of both sorted vectors; a SID on one side only is a change the
 * other side has not seen. */
unsigned rbac_csn_vector_compare(const struct rbac_csn_vector *a,
				 const struct rbac_csn_vector *b)
{
	size_t i = 0, j = 0;
	unsigned bits = 0;

	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->csn[i].sid < b->csn[j].sid)) {
			bits |= RBAC_CSN_A_NEWER;
			i++;
		} else if (i == a->n || b->csn[j].sid < a->csn[i].sid) {
			bits |= RBAC_CSN_B_NEWER;
			j++;
		} else {
			int c = strcmp(a->csn[i].text, b->csn[j].text);

			bits |= c > 0 ? RBAC_CSN_A_NEWER : c < 0 ? RBAC_CSN_B_NEWER : 0;
			i++;
			j++;
		}
	}
	return bits;
}

bool rbac_csn_vector_covers(const struct rbac_csn_vector *applied,
			    const struct rbac_csn_vector *context)
{
	return !(rbac_csn_vector_compare(applied, context) & RBAC_CSN_B_NEWER);
}

/* ---- the cookie */

/* 1 to digits characters of base (10 or 16) worth at most max, or -1. */
static int parse_number(const char *s, size_t len, size_t digits, int base, int max)
{
	int v = 0;
	size_t i;

	if (len < 1 || len > digits)
		return -1;
	for (i = 0; i < len; i++) {
		int d = hex_value(s[i]);

		if (d < 0 || d >= base)
			return -1;
		v = v * base + d;
	}
	return v <= max ? v : -1;
}

/* csn=CSN[;CSN...]: one CSN per serverID. */
static int parse_csn_list(const char *s, size_t len, struct rbac_csn_vector *v)
{
	while (len) {
		const char *semi = memchr(s, ';', len);
		size_t n = semi ? (size_t)(semi - s) : len;
		struct rbac_csn c;
		int rc = rbac_csn_parse(s, n, &c);

		if (!rc)
			rc = rbac_csn_vector_add(v, &c);
		if (rc)
			return rc;
		if (!semi)
			return RBAC_SYNC_OK;
		s += n + 1;
		len -= n + 1;
		if (!len)
			return RBAC_SYNC_ECSN; /* a trailing ';' */
	}
	return RBAC_SYNC_ECOOKIE; /* "csn=" with nothing */
}

static bool field_is(const char *s, size_t len, const char *name, size_t *skip)
{
	size_t n = strlen(name);

	*skip = n;
	return len >= n && memcmp(s, name, n) == 0;
}

/* One name=value field of the cookie, each name at most once. */
static int parse_cookie_field(const char *s, size_t len, struct rbac_sync_cookie *out,
			      unsigned *seen)
{
	size_t k;

	if (field_is(s, len, "rid=", &k) && !(*seen & 1)) {
		*seen |= 1;
		out->rid = parse_number(s + k, len - k, 3, 10, 999);
		return out->rid < 0 ? RBAC_SYNC_ECOOKIE : RBAC_SYNC_OK;
	}
	if (field_is(s, len, "sid=", &k) && !(*seen & 2)) {
		*seen |= 2;
		out->sid = parse_number(s + k, len - k, 3, 16, RBAC_CSN_SID_MAX);
		return out->sid < 0 ? RBAC_SYNC_ECOOKIE : RBAC_SYNC_OK;
	}
	if (field_is(s, len, "csn=", &k) && !(*seen & 4)) {
		*seen |= 4;
		return parse_csn_list(s + k, len - k, &out->csns);
	}
	if (field_is(s, len, "delcsn=", &k) && !(*seen & 8)) {
		*seen |= 8;
		out->has_delcsn = true;
		return rbac_csn_parse(s + k, len - k, &out->delcsn);
	}
	return RBAC_SYNC_ECOOKIE;
}

int rbac_sync_cookie_parse(const struct rbac_bytes *in, struct rbac_sync_cookie *out)
{
	const char *s = in->p;
	size_t len = in->len;
	unsigned seen = 0;
	int rc = RBAC_SYNC_ECOOKIE;

	memset(out, 0, sizeof(*out));
	out->rid = out->sid = -1;
	while (len) {
		const char *comma = memchr(s, ',', len);
		size_t n = comma ? (size_t)(comma - s) : len;

		rc = parse_cookie_field(s, n, out, &seen);
		if (rc || !comma)
			break;
		s += n + 1;
		len -= n + 1;
		rc = RBAC_SYNC_ECOOKIE; /* a trailing ',' */
	}
	if (rc)
		rbac_sync_cookie_free(out);
	return rc;
}

void rbac_sync_cookie_free(struct rbac_sync_cookie *c)
{
	rbac_csn_vector_free(&c->csns);
}
