/*
 * pam_rbac.c - PAM account module: may this user use this service on this
 * host? (DESIGN.md §4 and §6)
 *
 * The module only gathers facts -- the user, the service, the config, what
 * the directory says -- and hands them to rbac_decide(), the one copy of
 * the rules. It then writes one key=value line to the log, tells a denied
 * user why, and returns the PAM code of the decision.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "rbac_config.h"
#include "rbac_decision.h"
#include "rbac_file.h"
#include "rbac_ldap.h"
#include "rbac_log.h"
#include "rbac_model.h"
#include "rbac_offline.h"
#include "rbac_snapshot.h"

#define PERMISSION_MAX 255
#define MESSAGE_MAX    512

/* ---- options: defaults, then config=, then argv through the same setters */

struct options {
	struct rbac_config cfg;
	bool config_ok;		/* false: rule 2, config_error */
	bool debug;		/* pass LOG_DEBUG lines to syslog */
	bool quiet;		/* never tell the user */
	const char *permission; /* permission=, overrides pam.permissions */
	const char *config_path;
	struct rbac_logger lg;
};

static void log_to_pam(void *ctx, int priority, const char *message)
{
	pam_syslog((pam_handle_t *)ctx, priority, "%s", message);
}

static bool valid_permission(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PERMISSION_MAX)
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}

/* The config file: the last config= wins, else RBAC_CONFIG/SYSCONFDIR. On
 * failure the struct keeps every default, so root stays exempt. */
static void load_config(struct options *o, int argc, const char **argv)
{
	const char *path = rbac_config_default_path();
	char err[RBAC_ERRLEN];
	int i;

	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], "config=", 7) == 0)
			path = argv[i] + 7;
	o->config_path = path;
	if (rbac_config_load(path, &o->cfg, err, sizeof(err)) < 0) {
		rbac_log(&o->lg, LOG_ERR, "%s", err);
		o->config_ok = false;
	}
}

/* One argument; returns -1 when its value is wrong (a config error). */
static int parse_arg(struct options *o, const char *arg)
{
	char err[RBAC_ERRLEN];
	char q[RBAC_LOG_QUOTE_BUFSZ];
	int rc = 0;

	if (strcmp(arg, "debug") == 0 || strncmp(arg, "config=", 7) == 0)
		return 0; /* handled before the file was read */
	if (strcmp(arg, "quiet") == 0) {
		o->quiet = true;
	} else if (strncmp(arg, "namespace=", 10) == 0) {
		rc = rbac_config_set(&o->cfg, "namespace", arg + 10, "argument", err,
				     sizeof(err));
	} else if (strncmp(arg, "unknown_user=", 13) == 0) {
		rc = rbac_config_set(&o->cfg, "pam.unknown_user", arg + 13, "argument", err,
				     sizeof(err));
	} else if (strncmp(arg, "permission=", 11) == 0) {
		o->permission = arg + 11;
		if (!valid_permission(o->permission)) {
			snprintf(err, sizeof(err),
				 "argument: permission: not a permission (got \"%s\")",
				 rbac_log_quote(q, sizeof(q), o->permission));
			rc = -1;
		}
	} else {
		rbac_log(&o->lg, LOG_ERR, "unknown argument ignored: \"%s\"",
			 rbac_log_quote(q, sizeof(q), arg));
	}
	if (rc < 0)
		rbac_log(&o->lg, LOG_ERR, "%s", err);
	return rc;
}

/* With `debug`: what the module will go by, to explain a surprise. */
static void log_options(const struct options *o)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	rbac_log(&o->lg, LOG_DEBUG,
		 "options: config=\"%s\" valid=%s namespace=%s global_namespace=%s "
		 "unknown_user=%s messages=%s quiet=%s permission=%s",
		 rbac_log_quote(q, sizeof(q), o->config_path), o->config_ok ? "yes" : "no",
		 o->cfg.namespace_name != NULL ? o->cfg.namespace_name : "(none)",
		 o->cfg.global_namespace != NULL ? o->cfg.global_namespace : "(none)",
		 o->cfg.pam.unknown_user == RBAC_UNKNOWN_USER_IGNORE ? "ignore" : "deny",
		 o->cfg.pam.messages ? "yes" : "no", o->quiet ? "yes" : "no",
		 o->permission != NULL ? o->permission : "(service map)");
}

static void parse_options(pam_handle_t *pamh, struct options *o, int argc, const char **argv)
{
	char err[RBAC_ERRLEN];
	int i;

	memset(o, 0, sizeof(*o));
	rbac_config_init(&o->cfg);
	o->config_ok = true;
	o->lg.fn = log_to_pam;
	o->lg.ctx = pamh;
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "debug") == 0)
			o->lg.debug = o->debug = true;
	load_config(o, argc, argv);
	for (i = 0; i < argc; i++)
		if (parse_arg(o, argv[i]) < 0)
			o->config_ok = false;
	/* An argument may break a rule across keys (namespace = global). */
	if (o->config_ok && rbac_config_validate(&o->cfg, err, sizeof(err)) < 0) {
		rbac_log(&o->lg, LOG_ERR, "%s", err);
		o->config_ok = false;
	}
	log_options(o);
}

/* ---- the request ---- */

struct request {
	const char *user;
	const char *service;
	const char *rhost;
	const char *permission;
};

/* The user name: PAM_USER, or -- when the application set none -- the one
 * pam_get_user() asks for through the conversation. NULL when there is no
 * usable name (rule 0, no_user): failing to get one is the application's
 * error, never an unknown user that unknown_user=ignore would wave
 * through. */
static const char *pam_user(pam_handle_t *pamh, const struct options *o)
{
	const char *user = NULL;
	int rc = pam_get_user(pamh, &user, NULL);

	if (rc == PAM_SUCCESS && user != NULL && user[0] != '\0')
		return user;
	rbac_log(&o->lg, LOG_ERR, "no user name: %s",
		 rc != PAM_SUCCESS ? pam_strerror(pamh, rc)
				   : "the application gave an empty one");
	return NULL;
}

static const char *pam_string_item(pam_handle_t *pamh, int type)
{
	const void *item = NULL;

	if (pam_get_item(pamh, type, &item) != PAM_SUCCESS)
		return NULL;
	return item;
}

/* ---- what the directory says ---- */

struct lookup {
	struct rbac_dir *dir;
	struct rbac_namespace ns, global;
	struct rbac_account account;
	bool have_ns, have_global, have_account;
	bool unavailable;	/* rule 3 */
	bool down;		/* no server answered: the snapshot may answer */
	bool from_snapshot;	/* ns and account come from accounts.db */
	bool ambiguous_account; /* two entries claim the uid: invalid_entry */
	bool name_rejected;	/* rbac_user_name_plausible() said no */
};

static void lookup_init(struct lookup *lk)
{
	memset(lk, 0, sizeof(*lk));
	rbac_namespace_init(&lk->ns);
	rbac_namespace_init(&lk->global);
	rbac_account_init(&lk->account);
}

/* ---- a connection kept between PAM handles of one process ----
 *
 * libpam dlcloses a module at pam_end(), but this one is linked with
 * -z nodelete, so its statics outlive the handle. A process that checks
 * one login and exits or execs (sshd's per-connection monitor, sudo, su)
 * closes its connection at the end of the call, as before. A process that
 * checks logins over and over (a PAM-using daemon) keeps one connection
 * from its second call within KEEP_WINDOW seconds on, the way nslcd keeps
 * its own, and reconnects when it sat idle longer than that or the config
 * changed (rbac_dir_reuse()). The handle is taken out of its slot while in
 * use, with atomic exchanges rather than a lock (no lock can be left held
 * across fork()), so two threads never share it: the second makes its own.
 * The socket is close-on-exec (rbac_ldap.c), so a command started after
 * the check never inherits the reader's bound connection. */
#define KEEP_WINDOW 30.0

static struct rbac_dir *kept_dir;
static int64_t last_call_ms; /* monotonic; 0 before the first call */

/* Whether this call follows another one of this process closely enough to
 * keep its connection afterwards. */
static bool called_recently(void)
{
	struct timespec ts;
	int64_t now, before;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return false;
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
	before = __atomic_exchange_n(&last_call_ms, now, __ATOMIC_RELAXED);
	return before > 0 && (double)(now - before) <= KEEP_WINDOW * 1000;
}

static struct rbac_dir *dir_take(const struct rbac_config *cfg, const struct rbac_logger *lg)
{
	struct rbac_dir *dir = __atomic_exchange_n(&kept_dir, NULL, __ATOMIC_ACQ_REL);

	if (dir == NULL)
		return rbac_dir_new(cfg, lg);
	(void)rbac_dir_reuse(dir, cfg, lg, KEEP_WINDOW);
	return dir;
}

static void dir_put(struct rbac_dir *dir, bool keep)
{
	struct rbac_dir *empty = NULL;

	if (dir == NULL)
		return;
	if (keep) {
		rbac_dir_release(dir);
		if (__atomic_compare_exchange_n(&kept_dir, &empty, dir, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return;
	}
	rbac_dir_free(dir);
}

static void lookup_free(struct lookup *lk, bool keep_connection)
{
	rbac_namespace_free(&lk->ns);
	rbac_namespace_free(&lk->global);
	rbac_account_free(&lk->account);
	dir_put(lk->dir, keep_connection);
}

/* The namespace and the account, asked together (rbac_dir_load_member).
 * Namespace: NOT_FOUND is no_namespace; ERROR (bind refused, unreadable
 * password file, a malformed namespace entry) is logged by the directory
 * layer where it happened, and the host cannot get an answer, so it counts
 * as unavailable. Account, once the namespace answered: an ERROR is about
 * the data (two entries claim the uid, logged with both DNs). */
static int load_host_namespace_and_account(struct options *o, struct lookup *lk,
					   const char *user)
{
	enum rbac_dir_result rn, ra;

	rbac_dir_load_member(lk->dir, o->cfg.namespace_name, user, &lk->ns, &rn, &lk->account,
			     &ra);
	lk->have_ns = rn == RBAC_DIR_OK;
	lk->unavailable = rn == RBAC_DIR_UNAVAILABLE || rn == RBAC_DIR_ERROR;
	lk->down = rn == RBAC_DIR_UNAVAILABLE;
	if (rn != RBAC_DIR_OK) {
		rbac_account_free(&lk->account);
		rbac_account_init(&lk->account);
		return -1;
	}
	lk->have_account = ra == RBAC_DIR_OK;
	lk->unavailable = ra == RBAC_DIR_UNAVAILABLE;
	lk->down = ra == RBAC_DIR_UNAVAILABLE;
	lk->ambiguous_account = ra == RBAC_DIR_ERROR;
	return ra == RBAC_DIR_OK ? 0 : -1;
}

/* A configured global namespace that is missing is a directory mistake
 * that must not lock everybody out: logged, and decided without it. */
static void load_global_namespace(struct options *o, struct lookup *lk, const char *user)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];
	enum rbac_dir_result r;

	if (o->cfg.global_namespace == NULL)
		return;
	r = rbac_dir_load_namespace(lk->dir, o->cfg.global_namespace, user, &lk->global);
	lk->have_global = r == RBAC_DIR_OK;
	if (r == RBAC_DIR_NOT_FOUND)
		rbac_log(&o->lg, LOG_ERR,
			 "global namespace \"%s\" not found under %s; deciding without it",
			 rbac_log_quote(q, sizeof(q), o->cfg.global_namespace),
			 o->cfg.ldap.base);
	else if (r != RBAC_DIR_OK)
		lk->unavailable = true;
	lk->down = r == RBAC_DIR_UNAVAILABLE;
}

/* One connection; the namespace with the roles the user holds (and, per
 * level of inheritance, the roles those inherit), the account, and the
 * same for the global namespace. */
static void consult_directory(struct options *o, struct lookup *lk, const char *user)
{
	if (!rbac_user_name_plausible(user)) {
		lk->name_rejected = true;
		return;
	}
	lk->dir = dir_take(&o->cfg, &o->lg);
	if (lk->dir == NULL) {
		rbac_log(&o->lg, LOG_CRIT, "out of memory");
		lk->unavailable = true;
		return;
	}
	if (load_host_namespace_and_account(o, lk, user) < 0)
		return;
	load_global_namespace(o, lk, user);
}

/* ---- what the snapshot says, when no server answered (DESIGN.md §8) ---- */

#define OFFLINE_PATH RBAC_CACHE_DIR "/" RBAC_SNAPSHOT_ACCOUNTS_FILE

/* The snapshot's age for the log, saturated: written_at is the file's word
 * and may be anything. */
static long long snapshot_age(const struct rbac_snapshot *snap, time_t now)
{
	if (snap->written_at < (int64_t)now - INT32_MAX)
		return INT32_MAX;
	if (snap->written_at > (int64_t)now + INT32_MAX)
		return -(long long)INT32_MAX;
	return (long long)((int64_t)now - snap->written_at);
}

/* The checks the reader cannot make (rbac_offline_usable): this host's
 * namespace, pam.offline_max_age, and no date after now. */
static bool snapshot_usable(const struct options *o, const struct rbac_snapshot *snap,
			    time_t now)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];
	long long age = snapshot_age(snap, now);

	switch (
	    rbac_offline_usable(snap, o->cfg.namespace_name, o->cfg.pam.offline_max_age, now)) {
	case RBAC_OFFLINE_OTHER_NAMESPACE:
		rbac_log(&o->lg, LOG_WARNING,
			 "offline: %s is a snapshot of namespace \"%s\", not of this host's; "
			 "not used",
			 OFFLINE_PATH, rbac_log_quote(q, sizeof(q), snap->namespace_name));
		return false;
	case RBAC_OFFLINE_FUTURE:
		rbac_log(&o->lg, LOG_WARNING,
			 "offline: %s is dated %lld s in the future (was the clock set "
			 "back?); not used",
			 OFFLINE_PATH, -age);
		return false;
	case RBAC_OFFLINE_TOO_OLD:
		rbac_log(&o->lg, LOG_WARNING,
			 "offline: %s was written %lld s ago, more than pam.offline_max_age "
			 "(%ld s); not used",
			 OFFLINE_PATH, age, o->cfg.pam.offline_max_age);
		return false;
	case RBAC_OFFLINE_USABLE:
		break;
	}
	rbac_log(&o->lg, LOG_DEBUG, "offline: deciding from %s (generation %llu, %lld s old)",
		 OFFLINE_PATH, (unsigned long long)snap->generation, age);
	return true;
}

/* The directory's answers, replaced by the snapshot's (rbac_offline_lookup):
 * the namespace holds the account's stored grant of exactly this
 * permission as one role, and an uid absent from the snapshot is no account
 * at all. A permission the writer did not evaluate gets no answer. */
static void take_snapshot_answer(const struct options *o, struct lookup *lk,
				 const struct rbac_snapshot *snap, const char *user,
				 const char *permission)
{
	const char *evaluated[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	size_t n = rbac_config_pam_permission_values(&o->cfg, evaluated,
						     RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	char q[RBAC_LOG_QUOTE_BUFSZ];
	enum rbac_offline_result r;

	rbac_namespace_free(&lk->ns);
	rbac_namespace_free(&lk->global);
	rbac_account_free(&lk->account);
	lk->have_ns = lk->have_global = lk->have_account = lk->ambiguous_account = false;
	r = rbac_offline_lookup(snap, evaluated, n, user, permission, &lk->account, &lk->ns);
	if (r == RBAC_OFFLINE_NO_ANSWER)
		rbac_log(&o->lg, LOG_WARNING,
			 "offline: %s records no grants of \"%s\" (not a pam.permissions "
			 "value); not used",
			 OFFLINE_PATH, rbac_log_quote(q, sizeof(q), permission));
	else if (r == RBAC_OFFLINE_NOMEM)
		rbac_log(&o->lg, LOG_CRIT, "out of memory");
	if (r != RBAC_OFFLINE_ANSWERED) {
		rbac_namespace_free(&lk->ns);
		rbac_account_free(&lk->account);
		return;
	}
	lk->have_account = lk->account.uid != NULL;
	lk->have_ns = true;
	lk->unavailable = false;
	lk->from_snapshot = true;
}

static void consult_snapshot(const struct options *o, struct lookup *lk, const char *user,
			     const char *permission)
{
	struct rbac_snapshot_file f;
	char err[RBAC_ERRLEN + 64];
	time_t now = time(NULL);

	if (rbac_snapshot_open_mode(&f, OFFLINE_PATH, RBAC_SNAPSHOT_ACCOUNTS, 0,
				    RBAC_FILE_PRIVATE, now, err,
				    sizeof(err)) != RBAC_SNAPSHOT_OK) {
		rbac_log(&o->lg, LOG_WARNING, "offline: %s; not used", err);
		return;
	}
	if (snapshot_usable(o, &f.snap, now))
		take_snapshot_answer(o, lk, &f.snap, user, permission);
	rbac_snapshot_close(&f);
}

/* ---- the decision ---- */

static void decide(const struct options *o, const struct request *rq, const struct lookup *lk,
		   bool exempt, bool no_user, struct rbac_decision *d)
{
	struct rbac_decision_input in;

	/* Only reached when neither exempt nor a config error, as the directory
	 * is consulted only then. */
	if (lk->from_snapshot) {
		rbac_offline_decide(&lk->ns, &lk->account, rq->permission, time(NULL),
				    o->cfg.pam.unknown_user == RBAC_UNKNOWN_USER_IGNORE, d);
		return;
	}
	memset(&in, 0, sizeof(in));
	in.no_user = no_user;
	in.exempt = exempt;
	in.config_error = !o->config_ok;
	in.directory_unavailable = lk->unavailable;
	/* A rejected name is decided at rule 5 without a search, so the
	 * namespace stands in as present: the answer is unknown_user. */
	in.ns = lk->have_ns || lk->name_rejected ? &lk->ns : NULL;
	in.global = lk->have_global ? &lk->global : NULL;
	in.account = lk->have_account ? &lk->account : NULL;
	in.permission = rq->permission;
	in.now = time(NULL);
	in.unknown_user_ignore = o->cfg.pam.unknown_user == RBAC_UNKNOWN_USER_IGNORE;
	in.account_ambiguous = lk->ambiguous_account;
	rbac_decide(&in, d);
}

/* ---- the log line and the user's message ---- */

/* An untrusted value for a key=value line: escaped by rbac_log_quote, and
 * in double quotes when it holds a space, '=', an escape or is empty, so a
 * user name cannot add or change fields. */
static const char *field(char *buf, size_t bufsz, const char *value)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	rbac_log_quote(q, sizeof(q), value != NULL ? value : "");
	if (q[0] == '\0' || strpbrk(q, " =\\") != NULL)
		snprintf(buf, bufsz, "\"%s\"", q);
	else
		snprintf(buf, bufsz, "%s", q);
	return buf;
}

#define FIELD_BUFSZ (RBAC_LOG_QUOTE_BUFSZ + 2)

static int decision_priority(enum rbac_reason reason)
{
	switch (reason) {
	case RBAC_REASON_EXEMPT:
	case RBAC_REASON_GRANTED:
		return LOG_INFO;
	case RBAC_REASON_CONFIG_ERROR:
	case RBAC_REASON_DIRECTORY_UNAVAILABLE:
	case RBAC_REASON_NO_NAMESPACE:
	case RBAC_REASON_INVALID_ENTRY:
	case RBAC_REASON_NO_USER:
		return LOG_ERR;
	default:
		return LOG_NOTICE;
	}
}

/* The fields after the fixed ones: what explains this particular outcome. */
static void decision_details(const struct rbac_decision *d, const struct lookup *lk, char *buf,
			     size_t bufsz)
{
	char a[FIELD_BUFSZ], b[FIELD_BUFSZ];

	buf[0] = '\0';
	/* The snapshot knows that a held role grants it, not which one. */
	if (lk->from_snapshot && d->reason == RBAC_REASON_GRANTED)
		return;
	if (d->reason == RBAC_REASON_GRANTED && d->grant_ns != NULL && d->grant_role != NULL)
		snprintf(buf, bufsz, " role=%s/%s", field(a, sizeof(a), d->grant_ns->name),
			 field(b, sizeof(b), d->grant_role->name));
	else if (d->reason == RBAC_REASON_INVALID_ENTRY && d->invalid_attribute != NULL)
		snprintf(buf, bufsz, " attribute=%s", d->invalid_attribute);
	else if (lk->name_rejected)
		snprintf(buf, bufsz, " detail=invalid_user_name");
	else if ((d->reason == RBAC_REASON_SUSPENDED || d->reason == RBAC_REASON_DISABLED) &&
		 lk->account.status_reason != NULL)
		snprintf(buf, bufsz, " status_reason=%s",
			 field(a, sizeof(a), lk->account.status_reason));
	else if (d->reason == RBAC_REASON_EXPIRED && lk->account.valid_until.raw != NULL)
		snprintf(buf, bufsz, " valid_until=%s",
			 field(a, sizeof(a), lk->account.valid_until.raw));
	else if (d->reason == RBAC_REASON_NOT_YET_VALID && lk->account.valid_from.raw != NULL)
		snprintf(buf, bufsz, " valid_from=%s",
			 field(a, sizeof(a), lk->account.valid_from.raw));
}

static void log_decision(pam_handle_t *pamh, const struct options *o, const struct request *rq,
			 const struct lookup *lk, const struct rbac_decision *d)
{
	char user[FIELD_BUFSZ], ns[FIELD_BUFSZ], svc[FIELD_BUFSZ], perm[FIELD_BUFSZ],
	    rhost[FIELD_BUFSZ];
	char details[2 * FIELD_BUFSZ + 16];

	decision_details(d, lk, details, sizeof(details));
	pam_syslog(
	    pamh, decision_priority(d->reason),
	    "decision=%s reason=%s user=%s namespace=%s service=%s permission=%s rhost=%s%s%s",
	    rbac_decision_word(d->pam_code), rbac_reason_name(d->reason),
	    field(user, sizeof(user), rq->user), field(ns, sizeof(ns), o->cfg.namespace_name),
	    field(svc, sizeof(svc), rq->service), field(perm, sizeof(perm), rq->permission),
	    field(rhost, sizeof(rhost), rq->rhost), details,
	    lk->from_snapshot ? " source=snapshot" : "");
}

static void tell_user(pam_handle_t *pamh, int flags, const struct options *o,
		      const struct lookup *lk, const struct rbac_decision *d)
{
	char msg[MESSAGE_MAX];

	if (o->quiet || !o->cfg.pam.messages || (flags & PAM_SILENT))
		return;
	if (rbac_decision_message(d, lk->have_account ? &lk->account : NULL, msg,
				  sizeof(msg)) == NULL)
		return;
	/* The application may have no conversation; the log has the reason. */
	(void)pam_error(pamh, "%s", msg);
}

/* ---- entry points ---- */

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct options o;
	struct request rq;
	struct lookup lk;
	struct rbac_decision d;
	bool exempt, keep = called_recently();

	parse_options(pamh, &o, argc, argv);
	lookup_init(&lk);
	rq.user = pam_user(pamh, &o);
	rq.service = pam_string_item(pamh, PAM_SERVICE);
	rq.rhost = pam_string_item(pamh, PAM_RHOST);
	rq.permission = o.permission != NULL ? o.permission
					     : rbac_config_permission_for(&o.cfg, rq.service);
	/* sudo passes PAM_SILENT to the account phase: this shows it. */
	rbac_log(&o.lg, LOG_DEBUG, "flags=0x%x%s", (unsigned)flags,
		 (flags & PAM_SILENT) ? " (PAM_SILENT: the user is told nothing)" : "");
	exempt = rq.user != NULL && rbac_config_is_exempt(&o.cfg, rq.user);
	if (rq.user != NULL && !exempt && o.config_ok)
		consult_directory(&o, &lk, rq.user);
	if (lk.unavailable && lk.down && o.cfg.pam.offline_max_age > 0)
		consult_snapshot(&o, &lk, rq.user, rq.permission);
	decide(&o, &rq, &lk, exempt, rq.user == NULL, &d);
	log_decision(pamh, &o, &rq, &lk, &d);
	if (d.pam_code != PAM_SUCCESS && d.pam_code != PAM_IGNORE)
		tell_user(pamh, flags, &o, &lk, &d);
	lookup_free(&lk, keep);
	rbac_config_free(&o.cfg);
	return d.pam_code;
}

/* An account module only; in any other stack it steps aside. */
PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}
