/*
 * session.c - one RFC 4533 refreshAndPersist session on one connection:
 * rbac_dir_session()'s op. We drive the protocol ourselves with
 * common/rbac_sync_proto (libldap's ldap_sync_* would block forever in its
 * refresh loop on a server that stopped answering, and would own the
 * handle): one sync search, read one message at a time with a short wait,
 * so that the batch timer, the contextCSN probe and the stop flag are
 * looked at between messages.
 *
 * Every wait for an answer has a deadline (rbac_dir_expect): each message
 * of a refresh phase within ldap.timeout of the last, the probe's answer
 * within ldap.timeout. The persist phase between changes has none, since
 * an idle directory is silent; the probe, every sync.probe_interval, is
 * what tells "quiet" from "hung". A session that fails returns *lost, and
 * rbac_dir_session runs it again on the next URI, resuming from the
 * cookie in memory.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lber.h>
#include <ldap.h>

#include "agent.h"
#include "rbac_conn.h"
#include "rbac_ldap_entry.h"

struct session {
	struct agent *a;
	struct rbac_dir *dir;
	LDAP *ld;
	const char *uri;
	int sync_id;	  /* the sync search; -1: none */
	bool cookie_sent; /* ... was sent with a cookie */
	bool accepted;	  /* ... has brought a message other than its end */
	bool restarted;	  /* the message being read restarted the refresh */
	int probe_id;	  /* the contextCSN probe; -1: none */
	int64_t probe_sent;
	struct rbac_csn_vector probe_v;
	double next_probe; /* monotonic */
};

/* The session cannot go on here: why goes into the "lost" line. */
static int lost(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int lost(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->a->why, sizeof(s->a->why), fmt, ap);
	va_end(ap);
	return -1;
}

static void expect_answer(struct session *s)
{
	(void)rbac_dir_expect(s->dir, s->a->cfg.ldap.timeout);
}

/* ---- the cookie */

int agent_set_cookie(struct agent *a, const unsigned char *p, size_t len)
{
	struct rbac_bytes in = {(const char *)p, len};
	struct rbac_sync_cookie c;
	unsigned char *copy = NULL;

	if (p != NULL && len > 0) {
		copy = malloc(len);
		if (copy == NULL)
			return -1;
		memcpy(copy, p, len);
	}
	free(a->cookie);
	a->cookie = copy;
	a->cookie_len = copy != NULL ? len : 0;
	if (copy == NULL) {
		rbac_csn_vector_free(&a->applied);
		return 0;
	}
	/* A cookie we cannot read still resumes the session; it only cannot
	 * prove currency. */
	if (rbac_sync_cookie_parse(&in, &c) != RBAC_SYNC_OK)
		return 0;
	if (rbac_csn_vector_merge(&a->applied, &c.csns) == RBAC_SYNC_OK)
		agent_applied_moved(a);
	rbac_sync_cookie_free(&c);
	return 0;
}

static int adopt_cookie(struct session *s, bool has, const struct rbac_bytes *c)
{
	if (has && agent_set_cookie(s->a, (const unsigned char *)c->p, c->len) != 0)
		return lost(s, "out of memory");
	return 0;
}

/* ---- the sync search */

static int sync_start(struct session *s)
{
	struct agent *a = s->a;
	struct rbac_sync_request req = {RBAC_SYNC_REFRESH_AND_PERSIST,
					a->cookie != NULL,
					{(const char *)a->cookie, a->cookie_len},
					false};
	struct rbac_sync_buf v = {NULL, 0};
	LDAPControl c, *ctrls[2] = {&c, NULL};
	int rc;

	if (rbac_sync_request_encode(&req, &v) != RBAC_SYNC_OK)
		return lost(s, "out of memory");
	c.ldctl_oid = (char *)LDAP_CONTROL_SYNC;
	c.ldctl_value.bv_val = (char *)v.data;
	c.ldctl_value.bv_len = v.len;
	c.ldctl_iscritical = 1;
	syncd_model_refresh_begin(a->model, req.has_cookie);
	a->refreshing = true;
	memset(&a->counts, 0, sizeof(a->counts));
	a->refresh_started = agent_now();
	s->cookie_sent = req.has_cookie;
	expect_answer(s);
	rc = ldap_search_ext(s->ld, a->base, LDAP_SCOPE_SUBTREE, SYNCD_MODEL_FILTER,
			     (char **)syncd_model_attrs, 0, ctrls, NULL, NULL, 0, &s->sync_id);
	free(v.data);
	if (rc != LDAP_SUCCESS)
		return lost(s, "%s: sync search not sent: %s", s->uri, ldap_err2string(rc));
	return 0;
}

/* A new refresh without a cookie on this connection: the old snapshot
 * stays served until it is done. The model starts empty: the server may
 * have been reloaded with new entryUUIDs under the same DNs, and an entry
 * must never be linked to a parent that only the old model knew. */
static int full_refresh(struct session *s)
{
	if (s->sync_id >= 0)
		(void)ldap_abandon_ext(s->ld, s->sync_id, NULL, NULL);
	s->sync_id = -1;
	syncd_model_reset(s->a->model);
	if (agent_set_cookie(s->a, NULL, 0) != 0)
		return lost(s, "out of memory");
	return sync_start(s);
}

static void first_answer(struct session *s)
{
	if (s->accepted)
		return;
	s->accepted = true;
	agent_state(s->a, LOG_INFO, "connected to %s (%s)", s->uri,
		    s->cookie_sent ? "resuming from the cookie" : "full refresh");
}

static int model_said(struct session *s, int rc);

static int refresh_done(struct session *s)
{
	struct agent *a = s->a;
	double ms = (agent_now() - a->refresh_started) * 1e3;

	if (syncd_model_refresh_done(a->model) == SYNCD_MODEL_UNKNOWN)
		return model_said(s, SYNCD_MODEL_UNKNOWN);
	a->refreshing = false;
	a->healthy = true;
	agent_state(a, LOG_INFO, "%s: refresh done: %zu entries in %.0f ms", s->uri,
		    a->counts.entries, ms);
	agent_state_forget(a);
	if (a->verbose)
		fprintf(stderr,
			SYNCD_PROG
			": refresh done: entries=%zu deletes=%zu present=%zu cookie=%s\n",
			a->counts.entries, a->counts.deletes, a->counts.present,
			s->cookie_sent ? "yes" : "no");
	(void)rbac_dir_expect(s->dir, s->probe_id >= 0 ? a->cfg.ldap.timeout : 0);
	s->next_probe = agent_now();
	agent_applied_moved(a);
	if (syncd_model_dirty(a->model) || !a->published)
		(void)agent_publish(a);
	return 0;
}

/* After each message: a refresh must keep coming; a change in the persist
 * phase is batched. */
static void after_message(struct session *s)
{
	if (s->a->refreshing)
		expect_answer(s);
	else
		agent_changed(s->a);
}

/* What the model said of a message. UNKNOWN: a present names an entry the
 * model lacks, so model and cookie disagree. */
static int model_said(struct session *s, int rc)
{
	if (rc == SYNCD_MODEL_UNKNOWN) {
		agent_state(s->a, LOG_WARNING,
			    "%s: the server names entries the saved state lacks: full refresh",
			    s->uri);
		s->restarted = true;
		return full_refresh(s);
	}
	return rc < 0 ? lost(s, "the model refused a message (%d)", rc) : 0;
}

static int read_state(struct session *s, LDAPMessage *m, LDAPControl ***ctrls,
		      struct rbac_sync_state *st)
{
	LDAPControl *c;
	struct rbac_bytes in;
	int rc;

	*ctrls = NULL;
	if (ldap_get_entry_controls(s->ld, m, ctrls) != LDAP_SUCCESS)
		return lost(s, "%s: unreadable entry controls", s->uri);
	c = ldap_control_find(LDAP_CONTROL_SYNC_STATE, *ctrls, NULL);
	if (c == NULL)
		return lost(s, "%s: an entry without a Sync State Control", s->uri);
	in.p = c->ldctl_value.bv_val;
	in.len = c->ldctl_value.bv_len;
	rc = rbac_sync_parse_state(&in, st);
	if (rc != RBAC_SYNC_OK)
		return lost(s, "%s: Sync State Control: %s", s->uri, rbac_sync_strerror(rc));
	return 0;
}

static int apply_entry(struct session *s, LDAPMessage *m, const struct rbac_sync_state *st)
{
	struct agent *a = s->a;
	struct rbac_ldap_entry b;
	char *dn = ldap_get_dn(s->ld, m);
	int rc;

	if (st->state != RBAC_SYNC_ADD && st->state != RBAC_SYNC_MODIFY) {
		if (st->state == RBAC_SYNC_DELETE)
			a->counts.deletes++;
		else
			a->counts.present++;
		rc = syncd_model_apply(a->model, st->state, &st->uuid, dn, NULL);
	} else if (dn == NULL ||
		   rbac_ldap_entry_read(s->ld, m, dn, syncd_model_attrs, &b) != 0) {
		rc = SYNCD_MODEL_ENOMEM;
	} else {
		a->counts.entries++;
		rc = syncd_model_apply(a->model, st->state, &st->uuid, dn, &b.e);
		rbac_ldap_entry_free(&b);
	}
	ldap_memfree(dn);
	return model_said(s, rc);
}

static int on_entry(struct session *s, LDAPMessage *m)
{
	LDAPControl **ctrls = NULL;
	struct rbac_sync_state st;
	int rc = read_state(s, m, &ctrls, &st);

	first_answer(s);
	s->restarted = false;
	if (rc == 0)
		rc = apply_entry(s, m, &st);
	if (rc == 0 && !s->restarted)
		rc = adopt_cookie(s, st.has_cookie, &st.cookie);
	ldap_controls_free(ctrls);
	if (rc == 0)
		after_message(s);
	return rc;
}

static int apply_info(struct session *s, const struct rbac_sync_info *info, bool *done)
{
	struct agent *a = s->a;
	int rc = 0;

	*done = false;
	switch (info->kind) {
	case RBAC_SYNC_INFO_NEW_COOKIE:
		break;
	case RBAC_SYNC_INFO_REFRESH_PRESENT:
		syncd_model_present_end(a->model);
		*done = info->refresh_done;
		break;
	case RBAC_SYNC_INFO_REFRESH_DELETE:
		*done = info->refresh_done;
		break;
	case RBAC_SYNC_INFO_ID_SET:
		if (info->refresh_deletes)
			a->counts.deletes += info->n_uuids;
		else
			a->counts.present += info->n_uuids;
		rc = model_said(s, syncd_model_idset(a->model, info->uuids, info->n_uuids,
						     info->refresh_deletes));
		break;
	}
	return rc;
}

static int on_info(struct session *s, LDAPMessage *m)
{
	char *oid = NULL;
	struct berval *data = NULL;
	struct rbac_sync_info info;
	struct rbac_bytes in;
	bool done = false;
	int rc;

	first_answer(s);
	s->restarted = false;
	if (ldap_parse_intermediate(s->ld, m, &oid, &data, NULL, 0) != LDAP_SUCCESS ||
	    oid == NULL || strcmp(oid, LDAP_SYNC_INFO) != 0 || data == NULL) {
		ldap_memfree(oid);
		ber_bvfree(data);
		return 0; /* not ours to read */
	}
	in.p = data->bv_val;
	in.len = data->bv_len;
	rc = rbac_sync_parse_info(&in, RBAC_SYNC_UUIDS_MAX, &info);
	if (rc != RBAC_SYNC_OK) {
		rc = lost(s, "%s: Sync Info: %s", s->uri, rbac_sync_strerror(rc));
	} else {
		rc = apply_info(s, &info, &done);
		if (rc == 0 && !s->restarted)
			rc = adopt_cookie(s, info.has_cookie, &info.cookie);
		rbac_sync_info_free(&info);
	}
	ldap_memfree(oid);
	ber_bvfree(data);
	if (rc == 0 && done && !s->restarted && s->a->refreshing)
		rc = refresh_done(s);
	else if (rc == 0)
		after_message(s);
	return rc;
}

/* The sync search ended: the server refused it or stopped. */
static int on_result(struct session *s, LDAPMessage *m)
{
	char *diag = NULL;
	int err = LDAP_OTHER, rc;

	(void)ldap_parse_result(s->ld, m, &err, NULL, &diag, NULL, NULL, 0);
	s->sync_id = -1;
	if (err == LDAP_SYNC_REFRESH_REQUIRED ||
	    (err == LDAP_UNWILLING_TO_PERFORM && s->cookie_sent)) {
		agent_state(s->a, LOG_NOTICE, "%s: cookie refused (%d, %s): full refresh",
			    s->uri, err, ldap_err2string(err));
		ldap_memfree(diag);
		return full_refresh(s);
	}
	if (err == LDAP_UNAVAILABLE_CRITICAL_EXTENSION)
		rc = lost(s,
			  "%s: the server has no syncprov overlay (the sync search: %s); "
			  "rbac-refresh.timer is the alternative",
			  s->uri, ldap_err2string(err));
	else
		rc = lost(s, "%s: the sync search ended: %s%s%s", s->uri, ldap_err2string(err),
			  diag != NULL && *diag != '\0' ? ": " : "", diag != NULL ? diag : "");
	ldap_memfree(diag);
	return rc;
}

/* ---- the contextCSN probe */

static int probe_send(struct session *s)
{
	struct agent *a = s->a;
	char *attrs[] = {"contextCSN", NULL};
	int rc;

	if (s->probe_id >= 0 || a->refreshing || agent_now() < s->next_probe)
		return 0;
	expect_answer(s);
	s->probe_sent = (int64_t)time(NULL);
	s->next_probe = agent_now() + (double)a->cfg.sync.probe_interval;
	rc = ldap_search_ext(s->ld, a->suffix, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0,
			     NULL, NULL, NULL, 1, &s->probe_id);
	if (rc != LDAP_SUCCESS)
		return lost(s, "%s: probe not sent: %s", s->uri, ldap_err2string(rc));
	return 0;
}

static void probe_values(struct session *s, LDAPMessage *m)
{
	struct berval **vals = ldap_get_values_len(s->ld, m, "contextCSN");
	struct rbac_csn c;

	for (size_t i = 0; vals != NULL && vals[i] != NULL; i++)
		if (rbac_csn_parse(vals[i]->bv_val, vals[i]->bv_len, &c) == RBAC_SYNC_OK)
			(void)rbac_csn_vector_add(&s->probe_v, &c);
	ldap_value_free_len(vals);
}

static int on_probe(struct session *s, LDAPMessage *m)
{
	int err = LDAP_OTHER;

	if (ldap_msgtype(m) == LDAP_RES_SEARCH_ENTRY) {
		probe_values(s, m);
		return 0;
	}
	if (ldap_msgtype(m) != LDAP_RES_SEARCH_RESULT)
		return 0;
	s->probe_id = -1;
	(void)rbac_dir_expect(s->dir, s->a->refreshing ? s->a->cfg.ldap.timeout : 0);
	(void)ldap_parse_result(s->ld, m, &err, NULL, NULL, NULL, NULL, 0);
	if (err != LDAP_SUCCESS)
		agent_state(s->a, LOG_WARNING, "%s: contextCSN of %s not read: %s", s->uri,
			    s->a->suffix, ldap_err2string(err));
	else
		agent_probe_answer(s->a, s->probe_sent, &s->probe_v);
	rbac_csn_vector_free(&s->probe_v);
	return 0;
}

/* ---- the naming context: where contextCSN is */

static void suffix_from(struct session *s, LDAPMessage *m)
{
	struct berval **vals = ldap_get_values_len(s->ld, m, "namingContexts");
	struct agent *a = s->a;
	size_t best = 0;
	char *nc;

	for (size_t i = 0; vals != NULL && vals[i] != NULL; i++) {
		nc = strndup(vals[i]->bv_val, vals[i]->bv_len);
		if (nc != NULL && strlen(nc) > best && syncd_dn_within(a->base, nc)) {
			free(a->suffix);
			a->suffix = nc;
			best = strlen(nc);
			nc = NULL;
		}
		free(nc);
	}
	ldap_value_free_len(vals);
}

static int find_suffix(struct session *s)
{
	char *attrs[] = {"namingContexts", NULL};
	LDAPMessage *m = NULL;
	int id = -1, rc, type = -1;

	expect_answer(s);
	rc = ldap_search_ext(s->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL,
			     NULL, NULL, 1, &id);
	if (rc != LDAP_SUCCESS)
		return lost(s, "%s: root DSE not read: %s", s->uri, ldap_err2string(rc));
	while (type != LDAP_RES_SEARCH_RESULT) {
		rc = rbac_dir_next_message(s->dir, id, SYNCD_TICK, &m);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			type = ldap_msgtype(m);
			if (type == LDAP_RES_SEARCH_ENTRY)
				suffix_from(s, m);
			ldap_msgfree(m);
		}
		if (*s->a->stop)
			return 0;
	}
	if (s->a->suffix == NULL && (s->a->suffix = strdup(s->a->base)) == NULL)
		return lost(s, "out of memory");
	return 0;
}

/* ---- the loop */

static int dispatch(struct session *s, LDAPMessage *m)
{
	int id = ldap_msgid(m);

	if (id == s->probe_id)
		return on_probe(s, m);
	if (id != s->sync_id)
		return 0; /* what an abandoned search still sent */
	switch (ldap_msgtype(m)) {
	case LDAP_RES_SEARCH_ENTRY:
		return on_entry(s, m);
	case LDAP_RES_INTERMEDIATE:
		return on_info(s, m);
	case LDAP_RES_SEARCH_RESULT:
		return on_result(s, m);
	case LDAP_RES_SEARCH_REFERENCE:
		/* a model without the referred part would be wrong, not smaller
		 * (referrals are never followed, as for every other search) */
		return lost(s,
			    "%s: the directory refers part of %s to another server "
			    "(a referral, not followed)",
			    s->uri, s->a->base);
	default:
		return 0;
	}
}

/* How long to wait for a message: until the next timer, at most a tick. */
static double wait_time(const struct session *s)
{
	const struct agent *a = s->a;
	double now = agent_now(), w = SYNCD_TICK;

	if (a->publish_at > 0 && a->publish_at - now < w)
		w = a->publish_at - now;
	if (!a->refreshing && s->probe_id < 0 && s->next_probe - now < w)
		w = s->next_probe - now;
	return w > 0.001 ? w : 0.001;
}

static int step(struct session *s)
{
	LDAPMessage *m = NULL;
	int rc = rbac_dir_next_message(s->dir, LDAP_RES_ANY, wait_time(s), &m);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		rc = dispatch(s, m);
		ldap_msgfree(m);
		if (rc != 0)
			return rc;
	}
	agent_timers(s->a);
	return probe_send(s);
}

/* The reason, without the URI it already names. */
static const char *why_here(const struct session *s)
{
	const char *why = s->a->why;
	size_t n = strlen(s->uri);

	if (strncmp(why, s->uri, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		why += n + 2;
	return *why != '\0' ? why : "connection failed";
}

enum rbac_dir_result session_run(struct rbac_dir *dir, void *arg, bool *lost_conn)
{
	struct session s = {arg,
			    dir,
			    rbac_dir_ld(dir),
			    rbac_dir_current_uri(dir),
			    -1,
			    false,
			    false,
			    false,
			    -1,
			    0,
			    {0, NULL},
			    0};
	struct agent *a = s.a;
	int rc;

	a->why[0] = '\0';
	rbac_log(&a->lg, LOG_DEBUG, "%s: bound, starting the session", s.uri);
	a->server = s.uri;
	rc = find_suffix(&s);
	if (rc == 0 && !*a->stop)
		rc = sync_start(&s);
	while (rc == 0 && !*a->stop)
		rc = step(&s);
	rbac_csn_vector_free(&s.probe_v);
	if (rc == 0)
		return RBAC_DIR_OK;
	if (!*a->stop)
		agent_state(a, LOG_WARNING, "lost %s: %s", s.uri, why_here(&s));
	*lost_conn = true;
	return RBAC_DIR_UNAVAILABLE;
}
