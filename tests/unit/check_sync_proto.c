/*
 * check_sync_proto.c - RFC 4533 values (rbac_sync_proto.c) without a server.
 *
 * The expected bytes are not made with lber (the code under test uses it):
 * they come either from a byte array written out by hand from the ASN.1 of
 * RFC 4533 section 2 under the BER/DER rules of X.690 (one tag byte, a
 * definite length, the content; a BOOLEAN TRUE is 0xff, an ENUMERATED one
 * content byte), with the derivation beside it, or from the small TLV
 * builder below, which applies the same rules and adds the long form of a
 * length (0x81 or 0x82 and the length bytes) for 128 bytes and more.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "rbac_sync_proto.h"

/* ---- the builder */

struct bld {
	unsigned char b[8192];
	size_t n;
	size_t open[8]; /* where each open element's content starts */
	int depth;
};

static void put_len(unsigned char *p, size_t *n, size_t len)
{
	if (len < 128) {
		p[(*n)++] = (unsigned char)len;
	} else if (len < 256) {
		p[(*n)++] = 0x81;
		p[(*n)++] = (unsigned char)len;
	} else {
		p[(*n)++] = 0x82;
		p[(*n)++] = (unsigned char)(len >> 8);
		p[(*n)++] = (unsigned char)len;
	}
}

static void b_prim(struct bld *b, unsigned char tag, const void *v, size_t len)
{
	b->b[b->n++] = tag;
	put_len(b->b, &b->n, len);
	memcpy(b->b + b->n, v, len);
	b->n += len;
}

static void b_str(struct bld *b, unsigned char tag, const char *s)
{
	b_prim(b, tag, s, strlen(s));
}

static void b_byte(struct bld *b, unsigned char tag, unsigned char v)
{
	b_prim(b, tag, &v, 1);
}

/* Constructed: the content is built after the tag, then moved right by the
 * size of its length. */
static void b_open(struct bld *b, unsigned char tag)
{
	b->b[b->n++] = tag;
	b->open[b->depth++] = b->n;
}

static void b_close(struct bld *b)
{
	size_t at = b->open[--b->depth], len = b->n - at, hn = 0;
	unsigned char h[3];

	put_len(h, &hn, len);
	memmove(b->b + at + hn, b->b + at, len);
	memcpy(b->b + at, h, hn);
	b->n += hn;
}

static struct rbac_bytes bytes_of(const struct bld *b)
{
	struct rbac_bytes r = {(const char *)b->b, b->n};

	return r;
}

static const unsigned char uuid_a[16] = {0xe4, 0x07, 0x0e, 0x6e, 0x1, 0x2, 0x3, 0x4,
					 0x5,  0x6,  0x7,  0x8,	 0x9, 0xa, 0xb, 0xff};
static const unsigned char uuid_b[16] = {0x32, 0xd4, 0x7d, 0xb4, 0, 0, 0, 0,
					 0,    0,    0,	   0,	 0, 0, 0, 1};
static const char cookie1[] = "rid=000,sid=001,csn=20261204211035.103640Z#000000#001#000000";

#define RBYTES(arr)                                                                            \
	{                                                                                      \
		(const char *)(arr), sizeof(arr)                                               \
	}

/* ---- Sync Request Control */

START_TEST(test_request_refresh_only)
{
	/* SEQUENCE (0x30, 3 bytes) { ENUMERATED (0x0a, 1 byte) refreshOnly (1) } */
	static const unsigned char want[] = {0x30, 0x03, 0x0a, 0x01, 0x01};
	struct rbac_sync_request req = {RBAC_SYNC_REFRESH_ONLY, false, {NULL, 0}, false};
	struct rbac_sync_buf out;

	ck_assert_int_eq(rbac_sync_request_encode(&req, &out), RBAC_SYNC_OK);
	ck_assert_uint_eq(out.len, sizeof(want));
	ck_assert_mem_eq(out.data, want, sizeof(want));
	free(out.data);
}
END_TEST

START_TEST(test_request_persist_cookie_hint)
{
	/* SEQUENCE (15 bytes) { ENUMERATED refreshAndPersist (3), OCTET STRING
	 * (0x04, 7 bytes) "rid=000", BOOLEAN (0x01, 1 byte) TRUE (0xff) } */
	static const unsigned char want[] = {0x30, 0x0f, 0x0a, 0x01, 0x03, 0x04, 0x07, 'r', 'i',
					     'd',  '=',	 '0',  '0',  '0',  0x01, 0x01, 0xff};
	struct rbac_sync_request req = {
	    RBAC_SYNC_REFRESH_AND_PERSIST, true, {"rid=000", 7}, true};
	struct rbac_sync_buf out;

	ck_assert_int_eq(rbac_sync_request_encode(&req, &out), RBAC_SYNC_OK);
	ck_assert_uint_eq(out.len, sizeof(want));
	ck_assert_mem_eq(out.data, want, sizeof(want));
	free(out.data);
}
END_TEST

/* A cookie of 200 bytes takes the long form of both lengths. */
START_TEST(test_request_long_cookie)
{
	char cookie[201];
	struct rbac_sync_request req = {
	    RBAC_SYNC_REFRESH_AND_PERSIST, true, {cookie, 200}, false};
	struct rbac_sync_buf out;
	struct bld b = {0};

	memset(cookie, 'c', 200);
	cookie[200] = '\0';
	b_open(&b, 0x30);
	b_byte(&b, 0x0a, 3);
	b_str(&b, 0x04, cookie);
	b_close(&b);
	ck_assert_int_eq(rbac_sync_request_encode(&req, &out), RBAC_SYNC_OK);
	ck_assert_uint_eq(out.len, b.n);
	ck_assert_mem_eq(out.data, b.b, b.n);
	ck_assert_uint_eq(out.data[1], 0x81); /* the builder agrees with X.690 */
	free(out.data);
}
END_TEST

START_TEST(test_request_bad_mode)
{
	struct rbac_sync_request req = {2, false, {NULL, 0}, false};
	struct rbac_sync_buf out;

	ck_assert_int_eq(rbac_sync_request_encode(&req, &out), RBAC_SYNC_EVALUE);
	ck_assert_ptr_null(out.data);
}
END_TEST

/* ---- Sync State Control */

static void state_value(struct bld *b, unsigned char state, const unsigned char *uuid,
			size_t uuid_len, const char *cookie)
{
	b_open(b, 0x30);
	b_byte(b, 0x0a, state);
	b_prim(b, 0x04, uuid, uuid_len);
	if (cookie)
		b_str(b, 0x04, cookie);
	b_close(b);
}

START_TEST(test_state_hand_bytes)
{
	/* SEQUENCE (21 = 3 + 18 bytes) { ENUMERATED modify (2), OCTET STRING
	 * (16 bytes) entryUUID } */
	unsigned char v[23] = {0x30, 0x15, 0x0a, 0x01, 0x02, 0x04, 0x10};
	struct rbac_bytes in = RBYTES(v);
	struct rbac_sync_state st;
	char text[RBAC_SYNC_UUID_TEXT];

	memcpy(v + 7, uuid_a, 16);
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_OK);
	ck_assert_int_eq(st.state, RBAC_SYNC_MODIFY);
	ck_assert_mem_eq(st.uuid.b, uuid_a, 16);
	ck_assert(!st.has_cookie);
	rbac_sync_uuid_format(&st.uuid, text);
	ck_assert_str_eq(text, "e4070e6e-0102-0304-0506-0708090a0bff");
}
END_TEST

START_TEST(test_state_every_kind)
{
	static const int kinds[] = {RBAC_SYNC_PRESENT, RBAC_SYNC_ADD, RBAC_SYNC_MODIFY,
				    RBAC_SYNC_DELETE};
	size_t i;

	for (i = 0; i < 4; i++) {
		struct bld b = {0};
		struct rbac_bytes in;
		struct rbac_sync_state st;

		state_value(&b, (unsigned char)kinds[i], uuid_b, 16, i % 2 ? cookie1 : NULL);
		in = bytes_of(&b);
		ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_OK);
		ck_assert_int_eq(st.state, kinds[i]);
		ck_assert_mem_eq(st.uuid.b, uuid_b, 16);
		ck_assert_int_eq(st.has_cookie, i % 2);
		if (st.has_cookie) {
			ck_assert_uint_eq(st.cookie.len, strlen(cookie1));
			ck_assert_mem_eq(st.cookie.p, cookie1, strlen(cookie1));
			/* in place: the cookie points into the input */
			ck_assert(st.cookie.p > in.p && st.cookie.p < in.p + in.len);
		}
	}
}
END_TEST

START_TEST(test_state_hostile)
{
	struct bld b = {0};
	struct rbac_bytes in;
	struct rbac_sync_state st;

	state_value(&b, 4, uuid_a, 16, NULL); /* no state 4 */
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_EVALUE);
	memset(&b, 0, sizeof(b));
	state_value(&b, 1, uuid_a, 15, NULL);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_EUUID);
	memset(&b, 0, sizeof(b));
	state_value(&b, 1, uuid_a, 0, NULL);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_EUUID);
	/* an INTEGER (0x02) where the ENUMERATED goes */
	memset(&b, 0, sizeof(b));
	state_value(&b, 1, uuid_a, 16, NULL);
	b.b[2] = 0x02;
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_ETAG);
	/* a SET where the SEQUENCE goes */
	b.b[2] = 0x0a;
	b.b[0] = 0x31;
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_ETAG);
	/* one byte after the SEQUENCE */
	b.b[0] = 0x30;
	b.b[b.n++] = 0;
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_ETRAILING);
	/* a field after the cookie, inside the SEQUENCE */
	memset(&b, 0, sizeof(b));
	b_open(&b, 0x30);
	b_byte(&b, 0x0a, 1);
	b_prim(&b, 0x04, uuid_a, 16);
	b_str(&b, 0x04, "c");
	b_byte(&b, 0x01, 0xff);
	b_close(&b);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_ETRAILING);
}
END_TEST

START_TEST(test_state_enum_length)
{
	/* ENUMERATED of 5 content bytes: more than a ber_int_t */
	static const unsigned char v[] = {0x30, 0x19, 0x0a, 0x05, 0,  0,  0,  0,  1,
					  0x04, 0x10, 1,    2,	  3,  4,  5,  6,  7,
					  8,	9,    10,   11,	  12, 13, 14, 15, 16};
	struct rbac_bytes in = RBYTES(v);
	struct rbac_sync_state st;

	ck_assert_int_eq(rbac_sync_parse_state(&in, &st), RBAC_SYNC_EVALUE);
}
END_TEST

/* ---- Sync Done Control */

START_TEST(test_done)
{
	/* SEQUENCE {} : no cookie, refreshDeletes FALSE (its DEFAULT) */
	static const unsigned char empty[] = {0x30, 0x00};
	/* SEQUENCE { BOOLEAN TRUE } */
	static const unsigned char deletes[] = {0x30, 0x03, 0x01, 0x01, 0xff};
	struct rbac_bytes in = RBYTES(empty);
	struct rbac_sync_done d;
	struct bld b = {0};

	ck_assert_int_eq(rbac_sync_parse_done(&in, &d), RBAC_SYNC_OK);
	ck_assert(!d.has_cookie && !d.refresh_deletes);
	in.p = (const char *)deletes;
	in.len = sizeof(deletes);
	ck_assert_int_eq(rbac_sync_parse_done(&in, &d), RBAC_SYNC_OK);
	ck_assert(!d.has_cookie && d.refresh_deletes);
	b_open(&b, 0x30);
	b_str(&b, 0x04, cookie1);
	b_byte(&b, 0x01, 0x00);
	b_close(&b);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_done(&in, &d), RBAC_SYNC_OK);
	ck_assert(d.has_cookie && !d.refresh_deletes);
	ck_assert_mem_eq(d.cookie.p, cookie1, strlen(cookie1));
	/* the BOOLEAN before the cookie: the cookie is then out of place */
	memset(&b, 0, sizeof(b));
	b_open(&b, 0x30);
	b_byte(&b, 0x01, 0xff);
	b_str(&b, 0x04, cookie1);
	b_close(&b);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_done(&in, &d), RBAC_SYNC_ETRAILING);
}
END_TEST

START_TEST(test_done_boolean_length)
{
	/* a BOOLEAN of two content bytes */
	static const unsigned char v[] = {0x30, 0x04, 0x01, 0x02, 0xff, 0xff};
	struct rbac_bytes in = RBYTES(v);
	struct rbac_sync_done d;

	ck_assert_int_eq(rbac_sync_parse_done(&in, &d), RBAC_SYNC_EVALUE);
}
END_TEST

/* ---- Sync Info Message */

START_TEST(test_info_new_cookie)
{
	/* [0] IMPLICIT OCTET STRING: tag 0x80, 7 bytes */
	static const unsigned char v[] = {0x80, 0x07, 'r', 'i', 'd', '=', '0', '0', '7'};
	struct rbac_bytes in = RBYTES(v);
	struct rbac_sync_info info;

	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_OK);
	ck_assert_int_eq(info.kind, RBAC_SYNC_INFO_NEW_COOKIE);
	ck_assert(info.has_cookie);
	ck_assert_uint_eq(info.cookie.len, 7);
	ck_assert_mem_eq(info.cookie.p, "rid=007", 7);
	rbac_sync_info_free(&info);
}
END_TEST

START_TEST(test_info_refresh_phases)
{
	/* [1] SEQUENCE {}: refreshDelete, refreshDone TRUE by DEFAULT */
	static const unsigned char del[] = {0xa1, 0x00};
	/* [2] SEQUENCE { BOOLEAN FALSE }: refreshPresent, not done */
	static const unsigned char pres[] = {0xa2, 0x03, 0x01, 0x01, 0x00};
	struct rbac_bytes in = RBYTES(del);
	struct rbac_sync_info info;
	struct bld b = {0};

	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_OK);
	ck_assert_int_eq(info.kind, RBAC_SYNC_INFO_REFRESH_DELETE);
	ck_assert(info.refresh_done && !info.has_cookie);
	in.p = (const char *)pres;
	in.len = sizeof(pres);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_OK);
	ck_assert_int_eq(info.kind, RBAC_SYNC_INFO_REFRESH_PRESENT);
	ck_assert(!info.refresh_done);
	/* with a cookie and an explicit TRUE */
	b_open(&b, 0xa2);
	b_str(&b, 0x04, cookie1);
	b_byte(&b, 0x01, 0xff);
	b_close(&b);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_OK);
	ck_assert(info.refresh_done && info.has_cookie);
	ck_assert_mem_eq(info.cookie.p, cookie1, strlen(cookie1));
}
END_TEST

static void id_set(struct bld *b, const char *cookie, int deletes, size_t n, size_t uuid_len)
{
	size_t i;

	b_open(b, 0xa3);
	if (cookie)
		b_str(b, 0x04, cookie);
	if (deletes >= 0)
		b_byte(b, 0x01, deletes ? 0xff : 0x00);
	b_open(b, 0x31);
	for (i = 0; i < n; i++) {
		unsigned char u[32];

		memcpy(u, uuid_a, 16);
		memcpy(u + 16, uuid_b, 16);
		u[0] = (unsigned char)i;
		b_prim(b, 0x04, u, uuid_len);
	}
	b_close(b);
	b_close(b);
}

START_TEST(test_info_id_set)
{
	struct bld b = {0};
	struct rbac_bytes in;
	struct rbac_sync_info info;
	size_t i;

	id_set(&b, cookie1, 1, 3, 16);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 3, &info), RBAC_SYNC_OK);
	ck_assert_int_eq(info.kind, RBAC_SYNC_INFO_ID_SET);
	ck_assert(info.has_cookie && info.refresh_deletes);
	ck_assert_uint_eq(info.n_uuids, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(info.uuids[i].b[0], i);
		ck_assert_mem_eq(info.uuids[i].b + 1, uuid_a + 1, 15);
	}
	rbac_sync_info_free(&info);
	ck_assert_ptr_null(info.uuids);
	/* refreshDeletes absent: FALSE; no cookie */
	memset(&b, 0, sizeof(b));
	id_set(&b, NULL, -1, 2, 16);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 3, &info), RBAC_SYNC_OK);
	ck_assert(!info.has_cookie && !info.refresh_deletes);
	ck_assert_uint_eq(info.n_uuids, 2);
	rbac_sync_info_free(&info);
	/* an empty SET OF is allowed by the ASN.1 */
	memset(&b, 0, sizeof(b));
	id_set(&b, NULL, 0, 0, 16);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 3, &info), RBAC_SYNC_OK);
	ck_assert_uint_eq(info.n_uuids, 0);
	rbac_sync_info_free(&info);
}
END_TEST

/* 300 UUIDs: lengths in the long form, 0x82 for the SET. */
START_TEST(test_info_id_set_large)
{
	static struct bld b;
	struct rbac_bytes in;
	struct rbac_sync_info info;

	memset(&b, 0, sizeof(b));
	id_set(&b, NULL, 0, 300, 16);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, RBAC_SYNC_UUIDS_MAX, &info), RBAC_SYNC_OK);
	ck_assert_uint_eq(info.n_uuids, 300);
	ck_assert_uint_eq(info.uuids[299].b[0], 299 & 0xff);
	rbac_sync_info_free(&info);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 299, &info), RBAC_SYNC_ETOOMANY);
	ck_assert_ptr_null(info.uuids);
}
END_TEST

START_TEST(test_info_hostile)
{
	struct bld b = {0};
	struct rbac_bytes in;
	struct rbac_sync_info info;
	static const unsigned char unknown[] = {0xa4, 0x00};  /* no [4] */
	static const unsigned char sequence[] = {0x30, 0x00}; /* a SEQUENCE, not a CHOICE */
	static const unsigned char no_set[] = {0xa3, 0x00};   /* syncUUIDs missing */
	static const unsigned char set_long[] = {0xa3, 0x04, 0x31, 0x7f, 0x04, 0x10}; /* 127 */

	id_set(&b, NULL, 1, 4, 16);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 3, &info), RBAC_SYNC_ETOOMANY);
	ck_assert_ptr_null(info.uuids);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 0, &info), RBAC_SYNC_ETOOMANY);
	memset(&b, 0, sizeof(b));
	id_set(&b, NULL, 1, 2, 17);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_EUUID);
	memset(&b, 0, sizeof(b));
	id_set(&b, NULL, 1, 2, 8);
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_EUUID);
	/* a SEQUENCE where the SET goes */
	memset(&b, 0, sizeof(b));
	id_set(&b, NULL, 1, 2, 16);
	b.b[5] = 0x30;
	ck_assert_uint_eq(b.b[2], 0x01); /* b.b[5] was the SET's tag */
	in = bytes_of(&b);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_ETAG);
	in.p = (const char *)unknown;
	in.len = sizeof(unknown);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_ETAG);
	in.p = (const char *)sequence;
	in.len = sizeof(sequence);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_ETAG);
	in.p = (const char *)no_set;
	in.len = sizeof(no_set);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_ETRUNCATED);
	in.p = (const char *)set_long;
	in.len = sizeof(set_long);
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_ETRUNCATED);
	in.len = 0;
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_ETRUNCATED);
	in.p = NULL;
	ck_assert_int_eq(rbac_sync_parse_info(&in, 10, &info), RBAC_SYNC_ETRUNCATED);
}
END_TEST

/* Every value cut short, and every byte of it changed: an error or a
 * result that stays in the input, never a read outside it (valgrind and
 * ASan runs of this suite see every read). */
static void mangle(const struct bld *b)
{
	unsigned char *copy;
	size_t cut, i;
	int x;

	for (cut = 0; cut < b->n; cut++) {
		struct rbac_bytes in;
		struct rbac_sync_state st;
		struct rbac_sync_done d;
		struct rbac_sync_info info;

		/* a heap copy of exactly cut bytes, so that a read past it is
		 * seen */
		copy = malloc(cut ? cut : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, b->b, cut);
		in.p = (const char *)copy;
		in.len = cut;
		ck_assert_int_ne(rbac_sync_parse_state(&in, &st), RBAC_SYNC_OK);
		ck_assert_int_ne(rbac_sync_parse_done(&in, &d), RBAC_SYNC_OK);
		ck_assert_int_ne(rbac_sync_parse_info(&in, 1000, &info), RBAC_SYNC_OK);
		free(copy);
	}
	copy = malloc(b->n);
	ck_assert_ptr_nonnull(copy);
	for (i = 0; i < b->n; i++) {
		for (x = 0; x < 256; x += 7) {
			struct rbac_bytes in = {(const char *)copy, b->n};
			struct rbac_sync_state st;
			struct rbac_sync_done d;
			struct rbac_sync_info info;

			memcpy(copy, b->b, b->n);
			copy[i] = (unsigned char)x;
			if (rbac_sync_parse_state(&in, &st) == RBAC_SYNC_OK && st.has_cookie)
				ck_assert(st.cookie.p >= in.p &&
					  st.cookie.p + st.cookie.len <= in.p + in.len);
			(void)rbac_sync_parse_done(&in, &d);
			if (rbac_sync_parse_info(&in, 1000, &info) == RBAC_SYNC_OK)
				ck_assert_uint_le(info.n_uuids * 18, in.len);
			rbac_sync_info_free(&info);
		}
	}
	free(copy);
}

START_TEST(test_truncated_and_mangled)
{
	struct bld b = {0};

	state_value(&b, 1, uuid_a, 16, cookie1);
	mangle(&b);
	memset(&b, 0, sizeof(b));
	id_set(&b, cookie1, 1, 3, 16);
	mangle(&b);
	memset(&b, 0, sizeof(b));
	b_open(&b, 0xa2);
	b_str(&b, 0x04, cookie1);
	b_byte(&b, 0x01, 0x00);
	b_close(&b);
	mangle(&b);
}
END_TEST

/* ---- cookies and CSN vectors */

#define CSN(t, sid) t ".000000Z#000000#" sid "#000000"

static void cookie_ok(const char *s, struct rbac_sync_cookie *c)
{
	struct rbac_bytes in = {s, strlen(s)};
	int rc = rbac_sync_cookie_parse(&in, c);

	ck_assert_msg(rc == RBAC_SYNC_OK, "%s: %s", s, rbac_sync_strerror(rc));
}

static int cookie_rc(const char *s, size_t len)
{
	struct rbac_bytes in = {s, len};
	struct rbac_sync_cookie c;
	int rc = rbac_sync_cookie_parse(&in, &c);

	rbac_sync_cookie_free(&c);
	return rc;
}

START_TEST(test_cookie_forms)
{
	struct rbac_sync_cookie c;

	cookie_ok("rid=000,csn=20261204211035.103640Z#000000#000#000000", &c);
	ck_assert_int_eq(c.rid, 0);
	ck_assert_int_eq(c.sid, -1);
	ck_assert_uint_eq(c.csns.n, 1);
	ck_assert_uint_eq(c.csns.csn[0].sid, 0);
	ck_assert_str_eq(c.csns.csn[0].text, "20261204211035.103640Z#000000#000#000000");
	rbac_sync_cookie_free(&c);
	/* two servers, written out of SID order, upper-case hex */
	cookie_ok("rid=123,sid=00A,csn=" CSN("20261204211035", "00B") ";" CSN("20200101000000",
									      "001"),
		  &c);
	ck_assert_int_eq(c.rid, 123);
	ck_assert_int_eq(c.sid, 10);
	ck_assert_uint_eq(c.csns.n, 2);
	ck_assert_uint_eq(c.csns.csn[0].sid, 1);
	ck_assert_uint_eq(c.csns.csn[1].sid, 11);
	ck_assert_str_eq(c.csns.csn[1].text, CSN("20261204211035", "00b"));
	rbac_sync_cookie_free(&c);
	cookie_ok(
	    "rid=001,csn=" CSN("20261204211035", "001") ",delcsn=" CSN("20261204211034", "001"),
	    &c);
	ck_assert(c.has_delcsn);
	ck_assert_uint_eq(c.csns.n, 1);
	ck_assert_str_eq(c.delcsn.text, CSN("20261204211034", "001"));
	rbac_sync_cookie_free(&c);
	cookie_ok("rid=7", &c); /* a first cookie: no CSN yet */
	ck_assert_int_eq(c.rid, 7);
	ck_assert_uint_eq(c.csns.n, 0);
	rbac_sync_cookie_free(&c);
}
END_TEST

START_TEST(test_cookie_bad)
{
	static const char *const bad[] = {
	    "",
	    "rid=1000",
	    "rid=",
	    "rid=0x1",
	    "rid=000,sid=1000",
	    "rid=000,sid=g",
	    "rid=000,",
	    ",rid=000",
	    "rid=000,rid=001",
	    "rid=000,foo=1",
	    "rid=000,csn=",
	    "rid=000,csn=" CSN("20261204211035", "001") ";",
	    "rid=000,csn=" CSN("20261204211035", "001") ",csn=" CSN("20261204211035", "002"),
	    "rid=000,csn=20261204211035Z#000000#001#000000",
	    "rid=000,csn=2026120421103x.000000Z#000000#001#000000",
	    "rid=000,csn=20261204211035.000000Z#00000g#001#000000",
	    "rid=000,csn=20261204211035.000000Z#000000#001#0000000",
	    "rid=000,delcsn=",
	};
	size_t i;
	static const char nul[] = "rid=000,csn=20261204211035.000000Z#000000#001\0"
				  "000000";

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cookie_rc(bad[i], strlen(bad[i])) != RBAC_SYNC_OK, "%s", bad[i]);
	ck_assert_int_eq(cookie_rc("rid=000,csn=" CSN("20261204211035",
						      "001") ";" CSN("20261204211036", "001"),
				   strlen("rid=000,csn=") + 81),
			 RBAC_SYNC_ESID);
	ck_assert_int_eq(cookie_rc(nul, sizeof(nul) - 1), RBAC_SYNC_ECSN);
}
END_TEST

static void vec(struct rbac_csn_vector *v, const char *const *csns)
{
	memset(v, 0, sizeof(*v));
	for (; *csns; csns++) {
		struct rbac_csn c;

		ck_assert_int_eq(rbac_csn_parse(*csns, strlen(*csns), &c), RBAC_SYNC_OK);
		ck_assert_int_eq(rbac_csn_vector_add(v, &c), RBAC_SYNC_OK);
	}
}

static unsigned cmp(const char *const *a, const char *const *b)
{
	struct rbac_csn_vector va, vb;
	unsigned r, back;

	vec(&va, a);
	vec(&vb, b);
	r = rbac_csn_vector_compare(&va, &vb);
	back = rbac_csn_vector_compare(&vb, &va);
	/* the same answer from the other side */
	ck_assert_uint_eq(back, ((r & 1) << 1) | ((r & 2) >> 1));
	ck_assert_int_eq(rbac_csn_vector_covers(&va, &vb), !(r & RBAC_CSN_B_NEWER));
	rbac_csn_vector_free(&va);
	rbac_csn_vector_free(&vb);
	return r;
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})
static const char *const none[] = {NULL};

START_TEST(test_vector_compare)
{
	const char *old1 = CSN("20261204211035", "001"), *new1 = CSN("20261204211036", "001");
	/* later as text than both, but of another server */
	const char *late2 = CSN("20991231235959", "002"),
		   *early2 = CSN("19700101000000", "002");
	const char *cnt1 = "20261204211035.000000Z#000001#001#000000";

	ck_assert_uint_eq(cmp(none, none), 0);
	ck_assert_uint_eq(cmp(L(old1), L(old1)), 0);
	ck_assert_uint_eq(cmp(L(new1), L(old1)), RBAC_CSN_A_NEWER);
	ck_assert_uint_eq(cmp(L(old1), L(new1)), RBAC_CSN_B_NEWER);
	ck_assert_uint_eq(cmp(L(cnt1), L(old1)), RBAC_CSN_A_NEWER); /* the change count */
	ck_assert_uint_eq(cmp(L(old1), none), RBAC_CSN_A_NEWER);
	/* never compared across servers: each holds what the other lacks */
	ck_assert_uint_eq(cmp(L(old1), L(late2)), RBAC_CSN_A_NEWER | RBAC_CSN_B_NEWER);
	ck_assert_uint_eq(cmp(L(late2), L(old1)), RBAC_CSN_A_NEWER | RBAC_CSN_B_NEWER);
	/* per SID: ahead on 1, equal on 2 */
	ck_assert_uint_eq(cmp(L(new1, early2), L(old1, early2)), RBAC_CSN_A_NEWER);
	/* ahead on 1, behind on 2 */
	ck_assert_uint_eq(cmp(L(new1, early2), L(old1, late2)),
			  RBAC_CSN_A_NEWER | RBAC_CSN_B_NEWER);
	/* a context that names a server the agent has not seen is not covered */
	ck_assert_uint_eq(cmp(L(new1), L(old1, early2)), RBAC_CSN_A_NEWER | RBAC_CSN_B_NEWER);
	ck_assert_uint_eq(cmp(L(late2, new1), L(early2, old1)), RBAC_CSN_A_NEWER);
}
END_TEST

START_TEST(test_vector_add_merge)
{
	struct rbac_csn_vector a, b;
	struct rbac_csn c;

	vec(&a, L(CSN("20261204211035", "003"), CSN("20261204211035", "001")));
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(a.csn[0].sid, 1); /* kept in SID order */
	ck_assert_int_eq(rbac_csn_parse(CSN("20261204211099", "001"), 40, &c), RBAC_SYNC_OK);
	ck_assert_int_eq(rbac_csn_vector_add(&a, &c), RBAC_SYNC_ESID);
	vec(&b, L(CSN("20261204211036", "001"), CSN("20200101000000", "003"),
		  CSN("20200101000000", "002")));
	ck_assert_int_eq(rbac_csn_vector_merge(&a, &b), RBAC_SYNC_OK);
	ck_assert_uint_eq(a.n, 3);
	ck_assert_str_eq(a.csn[0].text, CSN("20261204211036", "001")); /* b's later one */
	ck_assert_str_eq(a.csn[1].text, CSN("20200101000000", "002")); /* only in b */
	ck_assert_str_eq(a.csn[2].text, CSN("20261204211035", "003")); /* a's later one */
	ck_assert_uint_eq(rbac_csn_vector_compare(&a, &b), RBAC_CSN_A_NEWER);
	ck_assert(rbac_csn_vector_covers(&a, &b));
	rbac_csn_vector_free(&a);
	rbac_csn_vector_free(&b);
	ck_assert_int_eq(rbac_csn_parse("x", 1, &c), RBAC_SYNC_ECSN);
}
END_TEST

START_TEST(test_strerror)
{
	int e;

	for (e = RBAC_SYNC_ESID; e <= RBAC_SYNC_OK; e++)
		ck_assert_str_ne(rbac_sync_strerror(e), "unknown error");
	ck_assert_str_eq(rbac_sync_strerror(1), "unknown error");
}
END_TEST

static Suite *sync_proto_suite(void)
{
	Suite *s = suite_create("sync_proto");
	TCase *ber = tcase_create("ber");
	TCase *cookie = tcase_create("cookie");

	tcase_add_test(ber, test_request_refresh_only);
	tcase_add_test(ber, test_request_persist_cookie_hint);
	tcase_add_test(ber, test_request_long_cookie);
	tcase_add_test(ber, test_request_bad_mode);
	tcase_add_test(ber, test_state_hand_bytes);
	tcase_add_test(ber, test_state_every_kind);
	tcase_add_test(ber, test_state_hostile);
	tcase_add_test(ber, test_state_enum_length);
	tcase_add_test(ber, test_done);
	tcase_add_test(ber, test_done_boolean_length);
	tcase_add_test(ber, test_info_new_cookie);
	tcase_add_test(ber, test_info_refresh_phases);
	tcase_add_test(ber, test_info_id_set);
	tcase_add_test(ber, test_info_id_set_large);
	tcase_add_test(ber, test_info_hostile);
	tcase_add_test(ber, test_truncated_and_mangled);
	tcase_add_test(ber, test_strerror);
	suite_add_tcase(s, ber);
	tcase_add_test(cookie, test_cookie_forms);
	tcase_add_test(cookie, test_cookie_bad);
	tcase_add_test(cookie, test_vector_compare);
	tcase_add_test(cookie, test_vector_add_merge);
	suite_add_tcase(s, cookie);
	return s;
}

int main(void)
{
	return fx_run(sync_proto_suite());
}
