/*
 * sync-probe.c - one RFC 4533 refreshOnly search against a real slapd,
 * every message parsed by common/rbac_sync_proto.c (for sync-proto.test).
 *
 *   sync-probe URI BASE [COOKIE]
 *
 * Sends the Sync Request Control (refreshOnly, COOKIE when given), reads
 * the search to its end one message at a time, then reads the contextCSN
 * of BASE. Prints one line of counts:
 *
 *   add=N modify=N delete=N present=N uuids=N idsets=N idset_uuids=N
 *   infos=N done=0|1 done_deletes=0|1 current=0|1 sent_current=0|1
 *
 * (uuids: distinct entryUUIDs among the entries; current: the CSN vector
 * of the last cookie received, or of COOKIE when none was, covers the
 * contextCSN; sent_current: COOKIE's does), then "cookie=" and that
 * cookie on a line of its own. Exit 0 when every message
 * parsed, 1 when one did not (the reason on stderr), 2 on a usage or LDAP error.
 */
#include "config.h"

#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_sync_proto.h"

#define UUIDS_MAX 100000

struct tally {
	unsigned kinds[4];
	unsigned idsets, idset_uuids, infos;
	bool done, done_deletes;
	struct rbac_sync_uuid *seen;
	size_t n_seen;
	char *cookie; /* the last one received, else the one sent */
};

static int bad(const char *what, int err)
{
	fprintf(stderr, "sync-probe: %s: %s\n", what, rbac_sync_strerror(err));
	return 1;
}

static void keep_cookie(struct tally *t, const struct rbac_bytes *c)
{
	free(t->cookie);
	t->cookie = strndup(c->p, c->len);
}

static void count_uuid(struct tally *t, const struct rbac_sync_uuid *u)
{
	size_t i;

	for (i = 0; i < t->n_seen; i++)
		if (!memcmp(&t->seen[i], u, sizeof(*u)))
			return;
	if (t->n_seen < UUIDS_MAX)
		t->seen[t->n_seen++] = *u;
}

static int on_entry(LDAP *ld, LDAPMessage *m, struct tally *t)
{
	LDAPControl **ctrls = NULL, *c;
	struct rbac_sync_state st;
	struct rbac_bytes in;
	int rc;

	if (ldap_get_entry_controls(ld, m, &ctrls) != LDAP_SUCCESS)
		return bad("entry controls", RBAC_SYNC_ETRUNCATED);
	c = ldap_control_find(LDAP_CONTROL_SYNC_STATE, ctrls, NULL);
	if (!c) {
		ldap_controls_free(ctrls);
		fprintf(stderr, "sync-probe: an entry without a Sync State Control\n");
		return 1;
	}
	in.p = c->ldctl_value.bv_val;
	in.len = c->ldctl_value.bv_len;
	rc = rbac_sync_parse_state(&in, &st);
	if (!rc) {
		t->kinds[st.state]++;
		count_uuid(t, &st.uuid);
		if (st.has_cookie)
			keep_cookie(t, &st.cookie);
	}
	ldap_controls_free(ctrls);
	return rc ? bad("Sync State Control", rc) : 0;
}

static int on_intermediate(LDAP *ld, LDAPMessage *m, struct tally *t)
{
	char *oid = NULL;
	struct berval *data = NULL;
	struct rbac_sync_info info;
	struct rbac_bytes in;
	int rc;

	if (ldap_parse_intermediate(ld, m, &oid, &data, NULL, 0) != LDAP_SUCCESS || !oid ||
	    strcmp(oid, LDAP_SYNC_INFO) || !data) {
		ldap_memfree(oid);
		ber_bvfree(data);
		fprintf(stderr,
			"sync-probe: an intermediate message that is not a Sync Info\n");
		return 1;
	}
	in.p = data->bv_val;
	in.len = data->bv_len;
	rc = rbac_sync_parse_info(&in, RBAC_SYNC_UUIDS_MAX, &info);
	if (!rc) {
		t->infos++;
		if (info.kind == RBAC_SYNC_INFO_ID_SET) {
			t->idsets++;
			t->idset_uuids += (unsigned)info.n_uuids;
		}
		if (info.has_cookie)
			keep_cookie(t, &info.cookie);
		rbac_sync_info_free(&info);
	}
	ldap_memfree(oid);
	ber_bvfree(data);
	return rc ? bad("Sync Info", rc) : 0;
}

static int on_done(LDAP *ld, LDAPMessage *m, struct tally *t)
{
	LDAPControl **ctrls = NULL, *c;
	struct rbac_sync_done d;
	struct rbac_bytes in;
	int err = 0, rc;

	if (ldap_parse_result(ld, m, &err, NULL, NULL, NULL, &ctrls, 0) != LDAP_SUCCESS ||
	    err != LDAP_SUCCESS) {
		fprintf(stderr, "sync-probe: search result %d (%s)\n", err,
			ldap_err2string(err));
		ldap_controls_free(ctrls);
		return 2;
	}
	c = ldap_control_find(LDAP_CONTROL_SYNC_DONE, ctrls, NULL);
	if (!c) {
		ldap_controls_free(ctrls);
		fprintf(stderr, "sync-probe: a search result without a Sync Done Control\n");
		return 1;
	}
	in.p = c->ldctl_value.bv_val;
	in.len = c->ldctl_value.bv_len;
	rc = rbac_sync_parse_done(&in, &d);
	if (!rc) {
		t->done = true;
		t->done_deletes = d.refresh_deletes;
		if (d.has_cookie)
			keep_cookie(t, &d.cookie);
	}
	ldap_controls_free(ctrls);
	return rc ? bad("Sync Done Control", rc) : 0;
}

static int start(LDAP *ld, const char *base, const char *cookie, int *msgid)
{
	struct rbac_sync_request req = {RBAC_SYNC_REFRESH_ONLY,
					cookie != NULL,
					{cookie, cookie ? strlen(cookie) : 0},
					false};
	struct rbac_sync_buf value;
	LDAPControl ctrl, *ctrls[2] = {&ctrl, NULL};
	int rc = rbac_sync_request_encode(&req, &value);

	if (rc)
		return bad("Sync Request Control", rc);
	ctrl.ldctl_oid = (char *)LDAP_CONTROL_SYNC;
	ctrl.ldctl_value.bv_val = (char *)value.data;
	ctrl.ldctl_value.bv_len = value.len;
	ctrl.ldctl_iscritical = 1;
	rc = ldap_search_ext(ld, base, LDAP_SCOPE_SUBTREE, "(objectClass=*)", NULL, 0, ctrls,
			     NULL, NULL, 0, msgid);
	free(value.data);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "sync-probe: search: %s\n", ldap_err2string(rc));
		return 2;
	}
	return 0;
}

/* Every message to the search's end; 10 s at most for each. */
static int refresh(LDAP *ld, const char *base, const char *cookie, struct tally *t)
{
	int msgid, rc = start(ld, base, cookie, &msgid);

	while (!rc && !t->done) {
		struct timeval tv = {10, 0};
		LDAPMessage *m = NULL;

		if (ldap_result(ld, msgid, LDAP_MSG_ONE, &tv, &m) <= 0) {
			fprintf(stderr, "sync-probe: no answer within 10 s\n");
			return 2;
		}
		switch (ldap_msgtype(m)) {
		case LDAP_RES_SEARCH_ENTRY:
			rc = on_entry(ld, m, t);
			break;
		case LDAP_RES_INTERMEDIATE:
			rc = on_intermediate(ld, m, t);
			break;
		case LDAP_RES_SEARCH_RESULT:
			rc = on_done(ld, m, t);
			break;
		}
		ldap_msgfree(m);
	}
	return rc;
}

/* The base's contextCSN values as a vector. */
static int context_csn(LDAP *ld, const char *base, struct rbac_csn_vector *v)
{
	char *attrs[] = {"contextCSN", NULL};
	struct timeval tv = {10, 0};
	LDAPMessage *res = NULL, *e;
	struct berval **vals = NULL;
	int rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL,
				   NULL, &tv, 1, &res);
	size_t i;

	e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
	if (e)
		vals = ldap_get_values_len(ld, e, "contextCSN");
	for (i = 0; vals && vals[i] && !rc; i++) {
		struct rbac_csn c;

		rc = rbac_csn_parse(vals[i]->bv_val, vals[i]->bv_len, &c);
		if (!rc)
			rc = rbac_csn_vector_add(v, &c);
	}
	ldap_value_free_len(vals);
	ldap_msgfree(res);
	if (!e || rc)
		fprintf(stderr, "sync-probe: contextCSN of %s: %s\n", base,
			e ? rbac_sync_strerror(rc) : "not read");
	return e && !rc ? 0 : 1;
}

/* Whether each cookie's CSN vector covers the contextCSN of base. */
static int current(LDAP *ld, const char *base, const char *const cookies[2], bool is[2])
{
	struct rbac_csn_vector ctx = {0, NULL};
	int rc = context_csn(ld, base, &ctx), i;

	for (i = 0; i < 2 && !rc; i++) {
		struct rbac_sync_cookie c;
		struct rbac_bytes in = {cookies[i], cookies[i] ? strlen(cookies[i]) : 0};

		is[i] = false;
		if (!cookies[i])
			continue;
		rc = rbac_sync_cookie_parse(&in, &c);
		if (rc) {
			rc = bad(cookies[i], rc);
			break;
		}
		is[i] = ctx.n && rbac_csn_vector_covers(&c.csns, &ctx);
		rbac_sync_cookie_free(&c);
	}
	rbac_csn_vector_free(&ctx);
	return rc;
}

static LDAP *connect_to(const char *uri)
{
	LDAP *ld = NULL;
	int v3 = LDAP_VERSION3;
	struct berval none = {0, NULL};

	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS)
		return NULL;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	if (ldap_sasl_bind_s(ld, NULL, LDAP_SASL_SIMPLE, &none, NULL, NULL, NULL) !=
	    LDAP_SUCCESS) {
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

int main(int argc, char **argv)
{
	struct tally t;
	bool is_current[2] = {false, false};
	LDAP *ld;
	int rc;

	memset(&t, 0, sizeof(t));
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: sync-probe URI BASE [COOKIE]\n");
		return 2;
	}
	ld = connect_to(argv[1]);
	t.seen = calloc(UUIDS_MAX, sizeof(*t.seen));
	if (!ld || !t.seen) {
		fprintf(stderr, "sync-probe: cannot connect to %s\n", argv[1]);
		return 2;
	}
	/* a server that has nothing new may send no cookie: the one sent
	 * stands */
	t.cookie = argc == 4 ? strdup(argv[3]) : NULL;
	rc = refresh(ld, argv[2], argc == 4 ? argv[3] : NULL, &t);
	if (!rc) {
		const char *cookies[2] = {t.cookie, argc == 4 ? argv[3] : NULL};

		rc = current(ld, argv[2], cookies, is_current);
	}
	if (!rc) {
		printf(
		    "add=%u modify=%u delete=%u present=%u uuids=%zu idsets=%u idset_uuids=%u "
		    "infos=%u done=%d done_deletes=%d current=%d sent_current=%d\n",
		    t.kinds[RBAC_SYNC_ADD], t.kinds[RBAC_SYNC_MODIFY],
		    t.kinds[RBAC_SYNC_DELETE], t.kinds[RBAC_SYNC_PRESENT], t.n_seen, t.idsets,
		    t.idset_uuids, t.infos, t.done, t.done_deletes, is_current[0],
		    is_current[1]);
		printf("cookie=%s\n", t.cookie ? t.cookie : "");
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	free(t.seen);
	free(t.cookie);
	return rc;
}
