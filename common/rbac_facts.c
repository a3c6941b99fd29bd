/*
 * rbac_facts.c - the facts a decision goes by, read once, the same way for
 * pam_rbac and rbacctl (rbac_facts.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rbac_facts.h"
#include "rbac_file.h"
#include "rbac_names.h"
#include "rbac_offline.h"

void rbac_facts_init(struct rbac_facts *f)
{
	memset(f, 0, sizeof(*f));
	rbac_namespace_init(&f->ns);
	rbac_namespace_init(&f->global);
	rbac_account_init(&f->account);
}

/* What was read, forgotten; the outcome stays. */
static void drop_answers(struct rbac_facts *f)
{
	rbac_namespace_free(&f->ns);
	rbac_namespace_free(&f->global);
	rbac_account_free(&f->account);
	rbac_accounts_free(f->accounts, f->n_accounts);
	f->accounts = NULL;
	f->n_accounts = 0;
	f->account_state = RBAC_FACTS_ACCOUNT_UNREAD;
	f->has_global = false;
}

void rbac_facts_free(struct rbac_facts *f)
{
	drop_answers(f);
	rbac_facts_init(f);
}

bool rbac_facts_screen(struct rbac_facts *f, const struct rbac_config *cfg, const char *user,
		       enum rbac_config_result config)
{
	if (config == RBAC_CONFIG_NOT_CONFIGURED)
		f->outcome = RBAC_FACTS_NOT_CONFIGURED;
	else if (user == NULL)
		f->outcome = RBAC_FACTS_NO_USER;
	else if (rbac_config_is_exempt(cfg, user))
		f->outcome = RBAC_FACTS_EXEMPT;
	else if (config != RBAC_CONFIG_LOADED)
		f->outcome = RBAC_FACTS_CONFIG_ERROR;
	else if (!rbac_user_name_valid(user, RBAC_USER_NAME_LOGIN))
		f->outcome = RBAC_FACTS_NAME_REJECTED;
	else
		f->outcome = RBAC_FACTS_UNREAD;
	return f->outcome == RBAC_FACTS_UNREAD;
}

/* ---- the directory ---- */

/* A read that did not answer: the gathering stops here. */
static void read_failed(struct rbac_facts *f, enum rbac_facts_read what, enum rbac_dir_result r)
{
	f->failed = what;
	f->failed_result = r;
	if (r == RBAC_DIR_UNAVAILABLE)
		f->outcome = RBAC_FACTS_DOWN;
	else if (r == RBAC_DIR_NOT_FOUND && what == RBAC_FACTS_READ_NAMESPACE)
		f->outcome = RBAC_FACTS_NO_NAMESPACE;
	else
		f->outcome = RBAC_FACTS_FAILED;
}

/* Returns whether the roles matter: the account was found. */
static bool account_read(struct rbac_facts *f, enum rbac_dir_result r)
{
	if (r == RBAC_DIR_OK)
		f->account_state = RBAC_FACTS_ACCOUNT_FOUND;
	else if (r == RBAC_DIR_NOT_FOUND)
		f->account_state = RBAC_FACTS_ACCOUNT_NONE;
	else if (r == RBAC_DIR_ERROR)
		f->account_state = RBAC_FACTS_ACCOUNT_AMBIGUOUS;
	else
		read_failed(f, RBAC_FACTS_READ_ACCOUNT, r);
	return r == RBAC_DIR_OK;
}

/* The host namespace, and the account when there is a user: ANSWERED once
 * the namespace is read. Returns whether to go on (the roles matter). */
static bool read_host(struct rbac_facts *f, const struct rbac_facts_request *rq,
		      struct rbac_dir *dir)
{
	const char *name = rq->cfg->namespace_name;
	enum rbac_dir_result rn, ra;

	if (rq->user != NULL && rq->roles == RBAC_FACTS_MEMBER_ROLES) {
		rbac_dir_load_member(dir, name, rq->user, &f->ns, &rn, &f->account, &ra);
		if (rn != RBAC_DIR_OK) {
			/* Without the namespace the account decides nothing. */
			rbac_account_free(&f->account);
			read_failed(f, RBAC_FACTS_READ_NAMESPACE, rn);
			return false;
		}
		f->outcome = RBAC_FACTS_ANSWERED;
		return account_read(f, ra);
	}
	rn = rbac_dir_load_namespace(dir, name, NULL, &f->ns);
	if (rn != RBAC_DIR_OK) {
		read_failed(f, RBAC_FACTS_READ_NAMESPACE, rn);
		return false;
	}
	f->outcome = RBAC_FACTS_ANSWERED;
	if (rq->user == NULL)
		return true;
	return account_read(f, rbac_dir_load_account(dir, rq->user, &f->account));
}

/* A configured global namespace that is missing is a directory mistake
 * that must not lock everybody out: the caller says so, and the decision
 * is made without it. */
static bool read_global(struct rbac_facts *f, const struct rbac_facts_request *rq,
			struct rbac_dir *dir)
{
	const char *name = rq->cfg->global_namespace;
	const char *only = rq->roles == RBAC_FACTS_MEMBER_ROLES ? rq->user : NULL;
	enum rbac_dir_result r;

	if (name == NULL)
		return true;
	r = rbac_dir_load_namespace(dir, name, only, &f->global);
	f->has_global = r == RBAC_DIR_OK;
	if (r == RBAC_DIR_NOT_FOUND && rq->global_missing != NULL)
		rq->global_missing(rq->ctx, name);
	else if (r != RBAC_DIR_OK && r != RBAC_DIR_NOT_FOUND) {
		read_failed(f, RBAC_FACTS_READ_GLOBAL, r);
		return false;
	}
	return true;
}

static void read_accounts(struct rbac_facts *f, struct rbac_dir *dir)
{
	enum rbac_dir_result r = rbac_dir_load_accounts(dir, &f->accounts, &f->n_accounts);

	if (r != RBAC_DIR_OK)
		read_failed(f, RBAC_FACTS_READ_ACCOUNTS, r);
}

void rbac_facts_read(struct rbac_facts *f, const struct rbac_facts_request *rq,
		     struct rbac_dir *dir)
{
	f->source = RBAC_FACTS_DIRECTORY;
	if (dir == NULL) {
		read_failed(f, RBAC_FACTS_READ_NAMESPACE, RBAC_DIR_ERROR);
		return;
	}
	if (!read_host(f, rq, dir) || !read_global(f, rq, dir))
		return;
	if (rq->all_accounts)
		read_accounts(f, dir);
}

/* ---- accounts.db: the answers it holds ---- */

/* now - t for the log, saturated: t is a word of the file and may be
 * anything. */
static long long seconds_since(int64_t t, time_t now)
{
	if (t < (int64_t)now - INT32_MAX)
		return INT32_MAX;
	if (t > (int64_t)now + INT32_MAX)
		return -(long long)INT32_MAX;
	return (long long)((int64_t)now - t);
}

static long long snapshot_age(const struct rbac_snapshot *snap, time_t now)
{
	return seconds_since(snap->written_at, now);
}

/* The directory's answers, replaced by the snapshot's (rbac_offline_lookup):
 * the namespace holds the account's stored grant of exactly this
 * permission as one role, and an uid absent from the snapshot is no account
 * (uid NULL). NO_ANSWER: the writer did not evaluate this permission. */
static enum rbac_offline_result snapshot_lookup(struct rbac_facts *f,
						const struct rbac_facts_request *rq,
						const struct rbac_snapshot *snap,
						const char *permission)
{
	const char *evaluated[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	size_t n = rbac_config_pam_permission_values(rq->cfg, evaluated,
						     RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	enum rbac_offline_result r;

	drop_answers(f);
	r = rbac_offline_lookup(snap, evaluated, n, rq->user, permission, &f->account, &f->ns);
	if (r != RBAC_OFFLINE_ANSWERED)
		drop_answers(f);
	return r;
}

/* ---- the local state, proven current by rbac-syncd ---- */

__attribute__((format(printf, 3, 4))) static void
local_says(struct rbac_facts_local *out, enum rbac_local_why why, const char *fmt, ...)
{
	va_list ap;

	out->why = why;
	va_start(ap, fmt);
	vsnprintf(out->text, sizeof(out->text), fmt, ap);
	va_end(ap);
}

/* The checks the reader cannot make: this host's namespace, and the
 * agent's proof, read once, no older than pam.local_max_lag. A proof dated
 * after now is refused outright rather than within the reader's skew:
 * counting the lag from a time to come would stretch it by that much. */
static bool local_current(const struct rbac_facts_request *rq, const struct rbac_snapshot *snap,
			  const char *path, time_t now, struct rbac_facts_local *out)
{
	long max_lag = rq->cfg->pam.local_max_lag;
	char q[RBAC_LOG_QUOTE_BUFSZ];
	int64_t synced_at;

	if (strcasecmp(snap->namespace_name, rq->cfg->namespace_name) != 0) {
		local_says(out, RBAC_LOCAL_OTHER_NAMESPACE,
			   "%s is a snapshot of namespace \"%s\", not of this host's", path,
			   rbac_log_quote(q, sizeof(q), snap->namespace_name));
		return false;
	}
	if (!rbac_snapshot_proof(snap, &synced_at)) {
		local_says(out, RBAC_LOCAL_NOT_PROVEN,
			   "%s holds no proof of currency (written by rbacctl refresh, or "
			   "rbac-syncd is storing one right now)",
			   path);
		return false;
	}
	out->lag = seconds_since(synced_at, now);
	if (synced_at > (int64_t)now) {
		local_says(out, RBAC_LOCAL_FUTURE,
			   "%s was proven current %lld s in the future (was the clock set "
			   "back?)",
			   path, -out->lag);
		return false;
	}
	/* Compared this way round so that no synced_at can overflow. */
	if (synced_at < (int64_t)now - max_lag) {
		local_says(out, RBAC_LOCAL_LAGGING,
			   "%s was proven current %lld s ago, more than pam.local_max_lag "
			   "(%ld s)",
			   path, out->lag, max_lag);
		return false;
	}
	return true;
}

static bool local_answer(struct rbac_facts *f, const struct rbac_facts_request *rq,
			 const struct rbac_snapshot *snap, const char *path,
			 const char *permission, struct rbac_facts_local *out)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	switch (snapshot_lookup(f, rq, snap, permission)) {
	case RBAC_OFFLINE_NOMEM:
		local_says(out, RBAC_LOCAL_NOMEM, "out of memory");
		return false;
	case RBAC_OFFLINE_NO_ANSWER:
		local_says(out, RBAC_LOCAL_NOT_RECORDED,
			   "%s records no grants of \"%s\" (not a pam.permissions value)", path,
			   rbac_log_quote(q, sizeof(q), permission));
		return false;
	case RBAC_OFFLINE_DAMAGED:
		local_says(out, RBAC_LOCAL_DAMAGED,
			   "%s: a record on the way to \"%s\" fails its check", path,
			   rbac_log_quote(q, sizeof(q), rq->user));
		return false;
	case RBAC_OFFLINE_ANSWERED:
		break;
	}
	if (f->account.uid == NULL) {
		drop_answers(f);
		local_says(out, RBAC_LOCAL_UNKNOWN_USER, "%s has no account \"%s\"", path,
			   rbac_log_quote(q, sizeof(q), rq->user));
		return false;
	}
	f->outcome = RBAC_FACTS_ANSWERED;
	f->source = RBAC_FACTS_LOCAL;
	f->account_state = RBAC_FACTS_ACCOUNT_FOUND;
	f->local_lag = out->lag;
	local_says(out, RBAC_LOCAL_ANSWERED,
		   "%s was proven current %lld s ago, within pam.local_max_lag (%ld s)", path,
		   out->lag, rq->cfg->pam.local_max_lag);
	return true;
}

bool rbac_facts_local_from(struct rbac_facts *f, const struct rbac_facts_request *rq,
			   const struct rbac_snapshot *snap, const char *path,
			   const char *permission, time_t now, struct rbac_facts_local *out)
{
	memset(out, 0, sizeof(*out));
	if (f->outcome != RBAC_FACTS_UNREAD || rq->cfg->pam.local_max_lag <= 0) {
		local_says(out, RBAC_LOCAL_OFF, "pam.local_max_lag is 0");
		return false;
	}
	return local_current(rq, snap, path, now, out) &&
	       local_answer(f, rq, snap, path, permission, out);
}

/* A kept file is used again only while it is the very file checked when
 * it was opened, unchanged (one fstat; the writer's superseded word; an
 * lstat of path at most once a second) and not stale; else every check
 * of an open is made again. */
static bool local_open(struct rbac_snapshot_file *sf, const char *path, time_t now,
		       struct rbac_facts_local *out)
{
	char err[RBAC_ERRLEN + 64];

	if (sf->map != NULL && !rbac_snapshot_changed(sf, path) &&
	    rbac_snapshot_fresh(&sf->snap, now))
		return true;
	rbac_snapshot_close(sf);
	if (rbac_snapshot_open_mode(sf, path, RBAC_SNAPSHOT_ACCOUNTS, 0, RBAC_FILE_PRIVATE, now,
				    err, sizeof(err)) == RBAC_SNAPSHOT_OK)
		return true;
	local_says(out, RBAC_LOCAL_REFUSED, "%s", err);
	return false;
}

bool rbac_facts_local_kept(struct rbac_facts *f, const struct rbac_facts_request *rq,
			   struct rbac_snapshot_file *sf, const char *path,
			   const char *permission, time_t now, struct rbac_facts_local *out)
{
	memset(out, 0, sizeof(*out));
	if (f->outcome != RBAC_FACTS_UNREAD || rq->cfg->pam.local_max_lag <= 0) {
		local_says(out, RBAC_LOCAL_OFF, "pam.local_max_lag is 0");
		return false;
	}
	if (!local_open(sf, path, now, out))
		return false;
	return rbac_facts_local_from(f, rq, &sf->snap, path, permission, now, out);
}

bool rbac_facts_local(struct rbac_facts *f, const struct rbac_facts_request *rq,
		      const char *path, const char *permission, time_t now,
		      struct rbac_facts_local *out)
{
	struct rbac_snapshot_file sf = {.fd = -1};
	bool ok = rbac_facts_local_kept(f, rq, &sf, path, permission, now, out);

	rbac_snapshot_close(&sf);
	return ok;
}

/* ---- accounts.db, when no server answered ---- */

/* The checks the reader cannot make (rbac_offline_usable): this host's
 * namespace, pam.offline_max_age, and no date after now. */
static bool snapshot_usable(const struct rbac_facts_request *rq,
			    const struct rbac_snapshot *snap, const char *path, time_t now)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];
	long long age = snapshot_age(snap, now);
	long max_age = rq->cfg->pam.offline_max_age;

	switch (rbac_offline_usable(snap, rq->cfg->namespace_name, max_age, now)) {
	case RBAC_OFFLINE_OTHER_NAMESPACE:
		rbac_log(rq->lg, LOG_WARNING,
			 "offline: %s is a snapshot of namespace \"%s\", not of this host's; "
			 "not used",
			 path, rbac_log_quote(q, sizeof(q), snap->namespace_name));
		return false;
	case RBAC_OFFLINE_FUTURE:
		rbac_log(rq->lg, LOG_WARNING,
			 "offline: %s is dated %lld s in the future (was the clock set "
			 "back?); not used",
			 path, -age);
		return false;
	case RBAC_OFFLINE_TOO_OLD:
		rbac_log(rq->lg, LOG_WARNING,
			 "offline: %s was written %lld s ago, more than pam.offline_max_age "
			 "(%ld s); not used",
			 path, age, max_age);
		return false;
	case RBAC_OFFLINE_USABLE:
		break;
	}
	rbac_log(rq->lg, LOG_DEBUG, "offline: deciding from %s (generation %llu, %lld s old)",
		 path, (unsigned long long)snap->generation, age);
	return true;
}

/* The snapshot's answers (snapshot_lookup) in place of the directory's;
 * an uid absent from the snapshot is no account at all. A permission the
 * writer did not evaluate gets no answer, and the facts keep saying that
 * no server answered. */
static void take_snapshot_answer(struct rbac_facts *f, const struct rbac_facts_request *rq,
				 const struct rbac_snapshot *snap, const char *path,
				 const char *permission)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];
	enum rbac_offline_result r = snapshot_lookup(f, rq, snap, permission);

	if (r == RBAC_OFFLINE_NO_ANSWER)
		rbac_log(rq->lg, LOG_WARNING,
			 "offline: %s records no grants of \"%s\" (not a pam.permissions "
			 "value); not used",
			 path, rbac_log_quote(q, sizeof(q), permission));
	else if (r == RBAC_OFFLINE_DAMAGED)
		rbac_log(rq->lg, LOG_WARNING,
			 "offline: %s: a record on the way to \"%s\" fails its check; not used",
			 path, rbac_log_quote(q, sizeof(q), rq->user));
	else if (r == RBAC_OFFLINE_NOMEM)
		rbac_log(rq->lg, LOG_CRIT, "out of memory");
	if (r != RBAC_OFFLINE_ANSWERED)
		return; /* still DOWN */
	f->outcome = RBAC_FACTS_ANSWERED;
	f->source = RBAC_FACTS_SNAPSHOT;
	f->account_state =
	    f->account.uid != NULL ? RBAC_FACTS_ACCOUNT_FOUND : RBAC_FACTS_ACCOUNT_NONE;
}

void rbac_facts_offline_from(struct rbac_facts *f, const struct rbac_facts_request *rq,
			     const struct rbac_snapshot *snap, const char *path,
			     const char *permission, time_t now)
{
	if (snapshot_usable(rq, snap, path, now))
		take_snapshot_answer(f, rq, snap, path, permission);
}

void rbac_facts_offline(struct rbac_facts *f, const struct rbac_facts_request *rq,
			const char *path, const char *permission)
{
	struct rbac_snapshot_file sf;
	char err[RBAC_ERRLEN + 64];
	time_t now;

	if (f->outcome != RBAC_FACTS_DOWN || rq->cfg->pam.offline_max_age <= 0)
		return;
	now = time(NULL);
	if (rbac_snapshot_open_mode(&sf, path, RBAC_SNAPSHOT_ACCOUNTS, 0, RBAC_FILE_PRIVATE,
				    now, err, sizeof(err)) != RBAC_SNAPSHOT_OK) {
		rbac_log(rq->lg, LOG_WARNING, "offline: %s; not used", err);
		return;
	}
	rbac_facts_offline_from(f, rq, &sf.snap, path, permission, now);
	rbac_snapshot_close(&sf);
}

/* ---- the decision ---- */

const struct rbac_account *rbac_facts_account(const struct rbac_facts *f)
{
	return f->account_state == RBAC_FACTS_ACCOUNT_FOUND ? &f->account : NULL;
}

void rbac_facts_account_input(const struct rbac_namespace *ns,
			      const struct rbac_namespace *global,
			      const struct rbac_account *account, bool ambiguous,
			      const struct rbac_config *cfg, const char *permission, time_t now,
			      struct rbac_decision_input *in)
{
	memset(in, 0, sizeof(*in));
	in->ns = ns;
	in->global = global;
	in->account = account;
	in->account_ambiguous = ambiguous;
	in->permission = permission;
	in->now = now;
	in->unknown_user_ignore = cfg->pam.unknown_user == RBAC_UNKNOWN_USER_IGNORE;
}

void rbac_facts_decision_input(const struct rbac_facts *f, const struct rbac_config *cfg,
			       const char *permission, time_t now,
			       struct rbac_decision_input *in)
{
	/* A rejected name is decided at rule 5 without a search, so the
	 * namespace stands in as present: the answer is unknown_user. */
	bool ns = f->outcome == RBAC_FACTS_ANSWERED || f->outcome == RBAC_FACTS_NAME_REJECTED;

	rbac_facts_account_input(
	    ns ? &f->ns : NULL, f->has_global ? &f->global : NULL, rbac_facts_account(f),
	    f->account_state == RBAC_FACTS_ACCOUNT_AMBIGUOUS, cfg, permission, now, in);
	in->not_configured = f->outcome == RBAC_FACTS_NOT_CONFIGURED;
	in->no_user = f->outcome == RBAC_FACTS_NO_USER;
	in->exempt = f->outcome == RBAC_FACTS_EXEMPT;
	in->config_error = f->outcome == RBAC_FACTS_CONFIG_ERROR;
	in->directory_unavailable =
	    f->outcome == RBAC_FACTS_DOWN || f->outcome == RBAC_FACTS_FAILED;
}

void rbac_facts_decide(const struct rbac_facts *f, const struct rbac_config *cfg,
		       const char *permission, time_t now, struct rbac_decision *d)
{
	struct rbac_decision_input in;

	if (f->source == RBAC_FACTS_SNAPSHOT || f->source == RBAC_FACTS_LOCAL) {
		rbac_offline_decide(&f->ns, &f->account, permission, now,
				    cfg->pam.unknown_user == RBAC_UNKNOWN_USER_IGNORE, d);
		return;
	}
	rbac_facts_decision_input(f, cfg, permission, now, &in);
	rbac_decide(&in, d);
}
