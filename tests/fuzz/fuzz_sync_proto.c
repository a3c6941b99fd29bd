/*
 * fuzz_sync_proto.c - libFuzzer target: the RFC 4533 values a server sends
 * (Sync State and Sync Done controls, Sync Info messages) and OpenLDAP's
 * sync cookie, through common/rbac_sync_proto.c.
 *
 * The whole input is read as each of the three BER values and as a cookie.
 * Checked: a parsed value's cookie lies inside the input; a syncIdSet holds
 * at most the allowed UUIDs and no more than its bytes can carry; a state
 * is one of the four. A cookie's vector is in strictly rising SID order,
 * each CSN parses again to itself; when the input holds a '|', the two
 * cookies on either side are compared both ways (the answers mirror each
 * other) and merged (the merge covers both and compares equal to itself).
 * Any input as the cookie of a Sync Request is encoded and found in it.
 *
 *   make fuzz FUZZ_TARGETS=fuzz_sync_proto        (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_sync_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small, so that the bound is reached by inputs of a few hundred bytes. */
#define MAX_UUIDS 8

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_sync_proto: %s\n", what);
	abort();
}

static void inside(const struct rbac_bytes *b, const struct rbac_bytes *in)
{
	if (b->p < in->p || b->len > in->len || b->p + b->len > in->p + in->len)
		fail("a cookie outside the input");
}

static void ber_values(const struct rbac_bytes *in)
{
	struct rbac_sync_state st;
	struct rbac_sync_done done;
	struct rbac_sync_info info;

	if (rbac_sync_parse_state(in, &st) == RBAC_SYNC_OK) {
		if (st.state < RBAC_SYNC_PRESENT || st.state > RBAC_SYNC_DELETE)
			fail("a state out of range");
		if (st.has_cookie)
			inside(&st.cookie, in);
	}
	if (rbac_sync_parse_done(in, &done) == RBAC_SYNC_OK && done.has_cookie)
		inside(&done.cookie, in);
	if (rbac_sync_parse_info(in, MAX_UUIDS, &info) == RBAC_SYNC_OK) {
		if (info.has_cookie)
			inside(&info.cookie, in);
		if (info.n_uuids > MAX_UUIDS || info.n_uuids * 18 > in->len)
			fail("more UUIDs than allowed or than the bytes hold");
		if (info.kind != RBAC_SYNC_INFO_ID_SET && info.n_uuids)
			fail("UUIDs outside a syncIdSet");
		rbac_sync_info_free(&info);
	} else if (info.uuids) {
		fail("UUIDs left after an error");
	}
}

static void check_vector(const struct rbac_csn_vector *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		struct rbac_csn again;

		if (i && v->csn[i - 1].sid >= v->csn[i].sid)
			fail("a vector out of SID order");
		if (rbac_csn_parse(v->csn[i].text, strlen(v->csn[i].text), &again) ||
		    again.sid != v->csn[i].sid || strcmp(again.text, v->csn[i].text))
			fail("a CSN that does not parse to itself");
	}
	if (rbac_csn_vector_compare(v, v) != 0)
		fail("a vector not equal to itself");
}

static int cookie(const char *p, size_t len, struct rbac_sync_cookie *c)
{
	struct rbac_bytes in = {p, len};
	int rc = rbac_sync_cookie_parse(&in, c);

	if (rc == RBAC_SYNC_OK)
		check_vector(&c->csns);
	else if (c->csns.csn)
		fail("a vector left after an error");
	return rc;
}

static void two_cookies(const char *p, size_t len)
{
	const char *bar = memchr(p, '|', len);
	struct rbac_sync_cookie a, b;
	unsigned ab, ba;

	if (!bar || cookie(p, (size_t)(bar - p), &a))
		return;
	if (cookie(bar + 1, len - (size_t)(bar - p) - 1, &b)) {
		rbac_sync_cookie_free(&a);
		return;
	}
	ab = rbac_csn_vector_compare(&a.csns, &b.csns);
	ba = rbac_csn_vector_compare(&b.csns, &a.csns);
	if (ba != (((ab & 1) << 1) | ((ab & 2) >> 1)))
		fail("compare(a, b) and compare(b, a) disagree");
	if (rbac_csn_vector_merge(&a.csns, &b.csns) == RBAC_SYNC_OK) {
		check_vector(&a.csns);
		if (!rbac_csn_vector_covers(&a.csns, &b.csns))
			fail("a merge that does not cover what it took in");
	}
	rbac_sync_cookie_free(&a);
	rbac_sync_cookie_free(&b);
}

static void request(const struct rbac_bytes *in)
{
	struct rbac_sync_request req = {RBAC_SYNC_REFRESH_AND_PERSIST, true, *in, true};
	struct rbac_sync_buf out;

	if (rbac_sync_request_encode(&req, &out) != RBAC_SYNC_OK)
		fail("a request not encoded");
	if (out.len < in->len + 8 || (in->len && !memmem(out.data, out.len, in->p, in->len)))
		fail("a request without its cookie");
	free(out.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rbac_bytes in = {(const char *)data, size};
	struct rbac_sync_cookie c;

	ber_values(&in);
	if (cookie(in.p, in.len, &c) == RBAC_SYNC_OK)
		rbac_sync_cookie_free(&c);
	two_cookies(in.p, in.len);
	request(&in);
	return 0;
}
