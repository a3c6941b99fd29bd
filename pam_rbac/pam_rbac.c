/*
 * pam_rbac.c - PAM account module: may this user use this service on this
 * host? (pam_rbac(8))
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
#include "rbac_facts.h"
#include "rbac_file.h"
#include "rbac_ldap.h"
#include "rbac_log.h"
#include "rbac_model.h"
#include "rbac_snapshot.h"

#define MESSAGE_MAX 512

/* ---- options: defaults, then config=, then argv through the same setters */

struct kept_config;

struct options {
	struct rbac_config cfg;
	/* INVALID: rule 2, config_error; NOT_CONFIGURED: step aside */
	enum rbac_config_result config;
	bool debug; /* pass LOG_DEBUG lines to syslog */
	bool quiet; /* never tell the user */
	const char *config_path;
	struct rbac_logger lg;
	pam_handle_t *pamh;
	unsigned noted;		  /* lines above LOG_DEBUG logged so far */
	struct rbac_file_id id;	  /* of the config file read */
	struct kept_config *kept; /* cfg came from it, or goes into it */
};

static void log_to_pam(void *ctx, int priority, const char *message)
{
	struct options *o = ctx;

	if (priority != LOG_DEBUG)
		o->noted++;
	pam_syslog(o->pamh, priority, "%s", message);
}

/* The config file: the last config= wins, else RBAC_CONFIG/SYSCONFDIR. On
 * failure the struct keeps every default, so root stays exempt. A file
 * that is not configured is no mistake: the decision line says it, once
 * per process (log_decision). */
static void load_config(struct options *o)
{
	char err[RBAC_ERRLEN];

	o->config = rbac_config_load_id(o->config_path, 0, &o->cfg, &o->id, err, sizeof(err));
	if (o->config == RBAC_CONFIG_INVALID)
		rbac_log(&o->lg, LOG_ERR, "%s", err);
}

/* One argument; returns -1 when its value is wrong (a config error). */
static int parse_arg(struct options *o, const char *arg)
{
	char err[RBAC_ERRLEN];
	char q[RBAC_LOG_QUOTE_BUFSZ];
	int rc = 0;

	if (strcmp(arg, "debug") == 0 || strcmp(arg, "quiet") == 0 ||
	    strncmp(arg, "config=", 7) == 0)
		return 0; /* handled before the file was read */
	if (strncmp(arg, "namespace=", 10) == 0) {
		rc = rbac_config_set(&o->cfg, "namespace", arg + 10, "argument", err,
				     sizeof(err));
	} else if (strncmp(arg, "unknown_user=", 13) == 0) {
		rc = rbac_config_set(&o->cfg, "pam.unknown_user", arg + 13, "argument", err,
				     sizeof(err));
	} else if (strncmp(arg, "permission=", 11) == 0) {
		rc = rbac_config_set(&o->cfg, "permission", arg + 11, "argument", err,
				     sizeof(err));
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
		 rbac_log_quote(q, sizeof(q), o->config_path),
		 o->config == RBAC_CONFIG_LOADED	   ? "yes"
		 : o->config == RBAC_CONFIG_NOT_CONFIGURED ? "not_configured"
							   : "no",
		 o->cfg.namespace_name != NULL ? o->cfg.namespace_name : "(none)",
		 o->cfg.global_namespace != NULL ? o->cfg.global_namespace : "(none)",
		 o->cfg.pam.unknown_user == RBAC_UNKNOWN_USER_IGNORE ? "ignore" : "deny",
		 o->cfg.pam.messages ? "yes" : "no", o->quiet ? "yes" : "no",
		 o->cfg.pam.permission != NULL ? o->cfg.pam.permission : "(service map)");
}

/* ---- the config kept between PAM handles of one process ----
 *
 * Reading and parsing the file is, after the directory, most of what a
 * call costs. A call whose config path and arguments are those of an
 * earlier call of this process, and whose file is still the very file read
 * then -- the path, not followed, names the same device and inode with the
 * same size, mtime and ctime, and passes the owner and mode checks of a
 * read, all on one lstat(2) (rbac_file_same_trusted) -- takes the config
 * as it was read, checked and given the arguments then. A change of the
 * file's content changes its mtime (or size), a replaced file is another
 * inode: either is read and checked again in full. Only a call
 * that logged nothing above LOG_DEBUG while reading its options leaves its
 * config behind, so a mistake is logged at every call, as before. Taken
 * out of its slot while in use, as the connection is (kept_dir below). */

struct kept_config {
	struct rbac_config cfg; /* the file, then the arguments, validated */
	struct rbac_file_id id;
	char *key; /* config_key() of the call that read it */
};

static struct kept_config *kept_cfg;

static void kept_config_free(struct kept_config *k)
{
	if (k == NULL)
		return;
	rbac_config_free(&k->cfg);
	free(k->key);
	free(k);
}

/* The path and every argument, length-prefixed so that no value can pose
 * as two. NULL when out of memory (then nothing is kept). */
static char *config_key(const char *path, int argc, const char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i;

	if (f == NULL)
		return NULL;
	fprintf(f, "%zu:%s;", strlen(path), path);
	for (i = 0; i < argc; i++)
		fprintf(f, "%zu:%s;", strlen(argv[i]), argv[i]);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The kept config when it fits this call: then o->cfg is its copy. */
static bool config_reuse(struct options *o, const char *key)
{
	struct kept_config *k = __atomic_exchange_n(&kept_cfg, NULL, __ATOMIC_ACQ_REL);

	if (k != NULL && key != NULL && strcmp(k->key, key) == 0 &&
	    rbac_file_same_trusted(&k->id, o->config_path, 0, RBAC_FILE_NO_WRITE_OTHERS)) {
		o->cfg = k->cfg;
		o->kept = k;
		return true;
	}
	kept_config_free(k);
	return false;
}

/* After a full read: a config worth keeping goes with the call, to be
 * left behind by options_done(). Takes key. */
static void config_offer(struct options *o, char *key)
{
	struct kept_config *k;

	if (o->config != RBAC_CONFIG_LOADED || o->noted > 0 || key == NULL ||
	    (k = calloc(1, sizeof(*k))) == NULL) {
		free(key);
		return;
	}
	k->id = o->id;
	k->key = key;
	o->kept = k;
}

/* The end of a call: its config kept for the next one, or freed. */
static void options_done(struct options *o)
{
	struct kept_config *k = o->kept, *empty = NULL;

	if (k == NULL) {
		rbac_config_free(&o->cfg);
		return;
	}
	k->cfg = o->cfg;
	if (!__atomic_compare_exchange_n(&kept_cfg, &empty, k, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		kept_config_free(k);
}

static const char *config_path_of(int argc, const char **argv)
{
	const char *path = rbac_config_default_path();
	int i;

	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], "config=", 7) == 0)
			path = argv[i] + 7;
	return path;
}

static void parse_options(pam_handle_t *pamh, struct options *o, int argc, const char **argv)
{
	char err[RBAC_ERRLEN];
	char *key;
	int i;

	memset(o, 0, sizeof(*o));
	o->config = RBAC_CONFIG_LOADED;
	o->pamh = pamh;
	o->lg.fn = log_to_pam;
	o->lg.ctx = o;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "debug") == 0)
			o->lg.debug = o->debug = true;
		else if (strcmp(argv[i], "quiet") == 0)
			o->quiet = true;
	}
	o->config_path = config_path_of(argc, argv);
	key = config_key(o->config_path, argc, argv);
	if (config_reuse(o, key)) {
		free(key);
		log_options(o);
		return;
	}
	rbac_config_init(&o->cfg);
	load_config(o);
	/* Not configured, the module does nothing, arguments included: a
	 * profile's namespace= does not make a host configured. */
	for (i = 0; i < argc && o->config != RBAC_CONFIG_NOT_CONFIGURED; i++)
		if (parse_arg(o, argv[i]) < 0)
			o->config = RBAC_CONFIG_INVALID;
	/* An argument may break a rule across keys (namespace = global). */
	if (o->config == RBAC_CONFIG_LOADED &&
	    rbac_config_validate(&o->cfg, err, sizeof(err)) < 0) {
		rbac_log(&o->lg, LOG_ERR, "%s", err);
		o->config = RBAC_CONFIG_INVALID;
	}
	config_offer(o, key);
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
 * The socket is close-on-exec (rbac_conn.c), so a command started after
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

/* ---- the facts: the local state when proven current, else the directory,
 * or accounts.db when no server answered (rbac_facts.h; rbacctl check
 * gathers them with the same calls) ---- */

/* A configured global namespace that is missing is a directory mistake
 * that must not lock everybody out: logged, and decided without it. */
static void global_missing(void *ctx, const char *name)
{
	const struct options *o = ctx;
	char q[RBAC_LOG_QUOTE_BUFSZ];

	rbac_log(&o->lg, LOG_ERR,
		 "global namespace \"%s\" not found under %s; deciding without it",
		 rbac_log_quote(q, sizeof(q), name), o->cfg.ldap.base);
}

/* How loud a reason not to decide locally is: a file that is refused
 * needs the admin; a lag, a new account or an unrecorded permission is
 * the design at work (the directory answers). */
static int local_priority(enum rbac_local_why why)
{
	switch (why) {
	case RBAC_LOCAL_REFUSED:
	case RBAC_LOCAL_OTHER_NAMESPACE:
	case RBAC_LOCAL_FUTURE:
	case RBAC_LOCAL_DAMAGED:
		return LOG_WARNING;
	case RBAC_LOCAL_NOMEM:
		return LOG_CRIT;
	default:
		return LOG_DEBUG;
	}
}

/* The local state kept mapped between PAM handles of one process, on the
 * terms of the connection (kept_dir above): only by a process that checks
 * logins over and over, taken out of its slot while in use. A kept file is
 * used again only while it is unchanged (rbac_facts_local_kept); its
 * descriptor is close-on-exec and the mapping ends at exec, so a command
 * started after the check never holds it. */
static struct rbac_snapshot_file *kept_local;

static struct rbac_snapshot_file *local_take(void)
{
	struct rbac_snapshot_file *sf =
	    __atomic_exchange_n(&kept_local, NULL, __ATOMIC_ACQ_REL);

	if (sf == NULL && (sf = calloc(1, sizeof(*sf))) != NULL)
		sf->fd = -1;
	return sf;
}

static void local_put(struct rbac_snapshot_file *sf, bool keep)
{
	struct rbac_snapshot_file *empty = NULL;

	if (keep && sf->map != NULL &&
	    __atomic_compare_exchange_n(&kept_local, &empty, sf, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return;
	rbac_snapshot_close(sf);
	free(sf);
}

/* pam.local_max_lag: the local state answers when the agent proved it
 * current recently enough; otherwise the directory is asked, as without. */
static bool local_answers(const struct options *o, const struct rbac_facts_request *fr,
			  const struct request *rq, struct rbac_facts *f, bool keep)
{
	struct rbac_snapshot_file *sf;
	struct rbac_facts_local why;
	bool ok;

	if (o->cfg.pam.local_max_lag <= 0)
		return false;
	sf = local_take();
	if (sf != NULL) {
		ok = rbac_facts_local_kept(f, fr, sf, RBAC_FACTS_ACCOUNTS_PATH, rq->permission,
					   time(NULL), &why);
		local_put(sf, keep);
	} else {
		ok = rbac_facts_local(f, fr, RBAC_FACTS_ACCOUNTS_PATH, rq->permission,
				      time(NULL), &why);
	}
	if (!ok)
		rbac_log(&o->lg, local_priority(why.why), "local: %s; asking the directory",
			 why.text);
	return ok;
}

/* One connection; the namespace with only the roles the user holds (and,
 * per level of inheritance, the roles those inherit), the account, and the
 * same for the global namespace. Returns the connection, for dir_put(). */
static struct rbac_dir *gather(struct options *o, const struct request *rq,
			       struct rbac_facts *f, bool keep)
{
	struct rbac_facts_request fr = {
	    .cfg = &o->cfg,
	    .lg = &o->lg,
	    .user = rq->user,
	    .roles = RBAC_FACTS_MEMBER_ROLES,
	    .global_missing = global_missing,
	    .ctx = o,
	};
	struct rbac_dir *dir = NULL;

	if (rbac_facts_screen(f, &o->cfg, rq->user, o->config) &&
	    !local_answers(o, &fr, rq, f, keep)) {
		dir = dir_take(&o->cfg, &o->lg);
		if (dir == NULL)
			rbac_log(&o->lg, LOG_CRIT, "out of memory");
		rbac_facts_read(f, &fr, dir);
	}
	rbac_facts_offline(f, &fr, RBAC_FACTS_ACCOUNTS_PATH, rq->permission);
	return dir;
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
static void decision_details(const struct options *o, const struct rbac_decision *d,
			     const struct rbac_facts *f, char *buf, size_t bufsz)
{
	char a[FIELD_BUFSZ], b[FIELD_BUFSZ];

	buf[0] = '\0';
	if (d->reason == RBAC_REASON_NOT_CONFIGURED) {
		snprintf(buf, bufsz, " config=%s", field(a, sizeof(a), o->config_path));
		return;
	}
	/* The snapshot knows that a held role grants it, not which one. */
	if ((f->source == RBAC_FACTS_SNAPSHOT || f->source == RBAC_FACTS_LOCAL) &&
	    d->reason == RBAC_REASON_GRANTED)
		return;
	if (d->reason == RBAC_REASON_GRANTED && d->grant_ns != NULL && d->grant_role != NULL)
		snprintf(buf, bufsz, " role=%s/%s", field(a, sizeof(a), d->grant_ns->name),
			 field(b, sizeof(b), d->grant_role->name));
	else if (d->reason == RBAC_REASON_INVALID_ENTRY && d->invalid_attribute != NULL)
		snprintf(buf, bufsz, " attribute=%s", d->invalid_attribute);
	else if (f->outcome == RBAC_FACTS_NAME_REJECTED)
		snprintf(buf, bufsz, " detail=invalid_user_name");
	else if ((d->reason == RBAC_REASON_SUSPENDED || d->reason == RBAC_REASON_DISABLED) &&
		 f->account.status_reason != NULL)
		snprintf(buf, bufsz, " status_reason=%s",
			 field(a, sizeof(a), f->account.status_reason));
	else if (d->reason == RBAC_REASON_EXPIRED && f->account.valid_until.raw != NULL)
		snprintf(buf, bufsz, " valid_until=%s",
			 field(a, sizeof(a), f->account.valid_until.raw));
	else if (d->reason == RBAC_REASON_NOT_YET_VALID && f->account.valid_from.raw != NULL)
		snprintf(buf, bufsz, " valid_from=%s",
			 field(a, sizeof(a), f->account.valid_from.raw));
}

/* A host that is not configured says so once per process, not at every
 * login of a long-lived one: nothing about it changes from call to call.
 * The module stays loaded (-z nodelete), so this outlives the handle. */
static bool not_configured_said;

static void log_decision(pam_handle_t *pamh, const struct options *o, const struct request *rq,
			 const struct rbac_facts *f, const struct rbac_decision *d)
{
	char user[FIELD_BUFSZ], ns[FIELD_BUFSZ], svc[FIELD_BUFSZ], perm[FIELD_BUFSZ],
	    rhost[FIELD_BUFSZ];
	char details[2 * FIELD_BUFSZ + 16], source[48] = "";

	if (d->reason == RBAC_REASON_NOT_CONFIGURED &&
	    __atomic_exchange_n(&not_configured_said, true, __ATOMIC_RELAXED))
		return;
	decision_details(o, d, f, details, sizeof(details));
	if (f->source == RBAC_FACTS_SNAPSHOT)
		snprintf(source, sizeof(source), " source=snapshot");
	else if (f->source == RBAC_FACTS_LOCAL)
		snprintf(source, sizeof(source), " source=local lag=%lld", f->local_lag);
	pam_syslog(
	    pamh, decision_priority(d->reason),
	    "decision=%s reason=%s user=%s namespace=%s service=%s permission=%s rhost=%s%s%s",
	    rbac_decision_word(d->pam_code), rbac_reason_name(d->reason),
	    field(user, sizeof(user), rq->user), field(ns, sizeof(ns), o->cfg.namespace_name),
	    field(svc, sizeof(svc), rq->service), field(perm, sizeof(perm), rq->permission),
	    field(rhost, sizeof(rhost), rq->rhost), details, source);
}

static void tell_user(pam_handle_t *pamh, int flags, const struct options *o,
		      const struct rbac_facts *f, const struct rbac_decision *d)
{
	char msg[MESSAGE_MAX];

	if (o->quiet || !o->cfg.pam.messages || (flags & PAM_SILENT))
		return;
	if (rbac_decision_message(d, rbac_facts_account(f), msg, sizeof(msg)) == NULL)
		return;
	/* The application may have no conversation; the log has the reason. */
	(void)pam_error(pamh, "%s", msg);
}

/* ---- entry points ---- */

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct options o;
	struct request rq;
	struct rbac_facts f;
	struct rbac_decision d;
	struct rbac_dir *dir;
	bool keep = called_recently();

	parse_options(pamh, &o, argc, argv);
	rbac_facts_init(&f);
	rq.user = pam_user(pamh, &o);
	rq.service = pam_string_item(pamh, PAM_SERVICE);
	rq.rhost = pam_string_item(pamh, PAM_RHOST);
	rq.permission = rbac_config_permission_for(&o.cfg, rq.service);
	/* sudo passes PAM_SILENT to the account phase: this shows it. */
	rbac_log(&o.lg, LOG_DEBUG, "flags=0x%x%s", (unsigned)flags,
		 (flags & PAM_SILENT) ? " (PAM_SILENT: the user is told nothing)" : "");
	dir = gather(&o, &rq, &f, keep);
	rbac_facts_decide(&f, &o.cfg, rq.permission, time(NULL), &d);
	log_decision(pamh, &o, &rq, &f, &d);
	if (d.pam_code != PAM_SUCCESS && d.pam_code != PAM_IGNORE)
		tell_user(pamh, flags, &o, &f, &d);
	rbac_facts_free(&f);
	dir_put(dir, keep);
	options_done(&o);
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
