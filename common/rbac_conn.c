/*
 * rbac_conn.c - the connection to the directory (OpenLDAP libldap).
 *
 * One struct rbac_dir holds at most one connection. It is opened lazily by
 * walking ldap.uri in order, kept between calls, reopened after a fork and
 * after the server dropped it. This file keeps libldap away from ldap.conf
 * and the environment, checks URIs, sets TLS and the bind password, bounds
 * every step by ldap.timeout (rbac_deadline.c) and runs an operation with
 * failover across URIs; what the operations ask and how the answers become
 * the model is rbac_ldap.c's, which reaches this file through rbac_conn.h.
 *
 * A handle is used by one thread at a time; callers that share one between
 * threads must lock around it.
 */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "rbac_conn.h"
#include "rbac_deadline.h"
#include "rbac_file.h"
#include "rbac_ldap.h"

/* libldap with GnuTLS trusts nothing unless told: Debian ships the bundle
 * through TLS_CACERT in ldap.conf, which we do not read (see below). */
#ifndef RBAC_DEFAULT_CA_FILE
#define RBAC_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

/* slapd's default size limit; also a page small enough to bound memory. */
#define RBAC_LDAP_PAGE_SIZE 500
/* A bind password file is a line, not a document. */
#define RBAC_PASSWORD_MAX 4096

struct rbac_dir {
	const struct rbac_config *cfg; /* NULL while released */
	const struct rbac_logger *lg;
	LDAP *ld;	      /* NULL: not connected */
	pid_t pid;	      /* the process that opened ld */
	const char *last_uri; /* the URI that answered last (points into cfg) */
	size_t uri_index;     /* ... its place in ldap.uri */
	/* Set when ld connected, for rbac_dir_reuse(): the settings it was
	 * made with, and the bind password file as it was then. */
	char *key;
	struct rbac_file_id pw_id;
	double released_at; /* monotonic seconds */
	/* One call's time (dir_run): every read and write on the socket of the
	 * URI being tried fails at that URI's deadline, whatever libldap is
	 * in; conncb puts the deadline on each socket libldap opens. */
	struct rbac_deadline io;
	struct ldap_conncb conncb;
	double call_deadline; /* ldap.timeout x URIs from the call's start */
	bool per_page;	      /* a bulk read: ldap.timeout per page */
	bool timed_out;	      /* the last operation failed for lack of time */
	/* rbac_dir_session(): the call has no deadline of its own; the op
	 * says when it waits for an answer (rbac_dir_expect). */
	bool session;
	double expect_at; /* the awaited answer is due by then; 0: idle wait */
};

#define QBUF(name) char name[RBAC_LOG_QUOTE_BUFSZ]
#define Q(buf, s)  rbac_log_quote((buf), sizeof(buf), (s))

/* ------------------------------------------------------------------------
 * Keeping libldap away from ldap.conf, ~/.ldaprc, ./ldaprc and LDAP* variables.
 *
 * libldap reads all of them once per process, in ldap_int_initialize(), the
 * first time any handle is created or any option is read or set; it skips
 * every file and variable when LDAPNOINIT is in the environment at that
 * moment (for setuid callers it skips the user's files but still reads
 * /etc/ldap/ldap.conf). There is no API to ask for this without the
 * environment, so the first use in the process sets LDAPNOINIT, forces that
 * initialisation with ldap_get_option(NULL, ...), and removes the variable
 * again when it was not there before, so a shell that su starts after us
 * does not inherit it.
 *
 * What is and is not safe about that:
 * - pthread_once makes it happen once even when two threads open handles.
 * - setenv()/unsetenv() race with getenv() in *other* threads of the host
 *   process (glibc may move the environment array). sshd, sudo, su and
 *   rbacctl are single-threaded when they call us; a threaded host should
 *   create its first handle before starting threads.
 * - If something else in the process initialised libldap first (another
 *   PAM or NSS module), the files were already read and this changes
 *   nothing. That is why every option that matters is also set on each
 *   handle explicitly (set_handle_options): URI, version, timeouts, deref,
 *   limits, referrals and all TLS trust settings come from rbac.conf only.
 */
static pthread_once_t isolate_once = PTHREAD_ONCE_INIT;

static void isolate_libldap(void)
{
	bool had = getenv("LDAPNOINIT") != NULL;
	int version;

	if (!had && setenv("LDAPNOINIT", "1", 1) != 0)
		return; /* out of memory: the per-handle options still apply */
	(void)ldap_get_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &version);
	if (!had)
		unsetenv("LDAPNOINIT");
}

void rbac_dir_isolate(void)
{
	(void)pthread_once(&isolate_once, isolate_libldap);
}

/* ------------------------------------------------------------------------
 * SIGPIPE. liblber writes with write(2): a server that closed the
 * connection makes the next write raise SIGPIPE, which would kill a host
 * that did not ignore it (su). The signal is blocked around our calls and a
 * SIGPIPE they raised is consumed before the mask is restored; one that was
 * already pending for the caller is left alone.
 */
struct sigpipe_guard {
	sigset_t old;
	bool was_pending;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
}

static void sigpipe_restore(struct sigpipe_guard *g)
{
	static const struct timespec zero = {0, 0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (!g->was_pending)
		while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
			;
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* ------------------------------------------------------------------------
 * Small helpers
 */

static struct timeval seconds_to_timeval(double s)
{
	struct timeval tv;

	if (s < 0.001)
		s = 0.001;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* The server-side time limit is in whole seconds: round up, never 0
 * (which would mean no limit). */
static int whole_seconds_up(double s)
{
	int n = (int)s;

	return (double)n < s || n == 0 ? n + 1 : n;
}

/* The server's diagnostic message for the last operation, or "". */
static const char *diagnostic(LDAP *ld, char *buf, size_t bufsz)
{
	char *msg = NULL;

	buf[0] = '\0';
	if (ld != NULL &&
	    ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) == LDAP_OPT_SUCCESS &&
	    msg != NULL) {
		rbac_log_quote(buf, bufsz, msg);
		ldap_memfree(msg);
	}
	return buf;
}

/* Results that mean "this server did not answer": try another one. */
static bool is_unreachable(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR ||
	       rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY || rc == LDAP_DECODING_ERROR;
}

/* ------------------------------------------------------------------------
 * Connecting
 */

/* What the URI is, and whether it may be used for this bind at all. The
 * config loader checks the same; this is where the password would leave. */
static bool uri_check(struct rbac_dir *dir, const char *uri, bool *plain_ldap)
{
	const struct rbac_config *cfg = dir->cfg;
	LDAPURLDesc *lud = NULL;
	bool ok = true;
	QBUF(q);

	if (strpbrk(uri, " \t\r\n") != NULL || ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS) {
		rbac_log(dir->lg, LOG_ERR, "ldap.uri %s: not a single LDAP URI", Q(q, uri));
		return false;
	}
	*plain_ldap = strcasecmp(lud->lud_scheme, "ldap") == 0;
	if (!*plain_ldap || cfg->ldap.tls.starttls || cfg->ldap.allow_insecure_bind ||
	    rbac_host_is_loopback(lud->lud_host)) {
		/* TLS, loopback, or the admin said so */
	} else if (cfg->ldap.bind_dn != NULL) {
		rbac_log(dir->lg, LOG_ERR,
			 "ldap.uri %s: refusing to send the bind password without TLS "
			 "(use ldaps://, tls.starttls, or ldap.allow_insecure_bind)",
			 Q(q, uri));
		ok = false;
	} else if (!cfg->ldap.allow_insecure) {
		rbac_log(dir->lg, LOG_ERR,
			 "ldap.uri %s: refusing answers that decide access without TLS "
			 "(use ldaps://, tls.starttls, or ldap.allow_insecure)",
			 Q(q, uri));
		ok = false;
	}
	ldap_free_urldesc(lud);
	return ok;
}

static int set_tls_options(struct rbac_dir *dir, LDAP *ld, const char *uri)
{
	const struct rbac_config *cfg = dir->cfg;
	int reqcert = cfg->ldap.tls.verify ? LDAP_OPT_X_TLS_DEMAND : LDAP_OPT_X_TLS_NEVER;
	const char *ca =
	    cfg->ldap.tls.ca_file != NULL ? cfg->ldap.tls.ca_file : RBAC_DEFAULT_CA_FILE;
	int is_server = 0;
	QBUF(q);

	if (!cfg->ldap.tls.verify)
		rbac_log(
		    dir->lg, LOG_WARNING,
		    "%s: ldap.tls.verify is false: the server's certificate is not checked",
		    Q(q, uri));
	/* Trust only what rbac.conf names. A handle starts from libldap's
	 * global TLS context, which ldap.conf may have built if someone else in
	 * this process initialised libldap; NEWCTX below replaces it with one
	 * made from these options alone. */
	if (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &reqcert) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTDIR, NULL) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, ca) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CERTFILE, NULL) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_KEYFILE, NULL) != LDAP_OPT_SUCCESS)
		return -1;
	/* The new context picks the options up; it fails on an unreadable CA. */
	return ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &is_server) == LDAP_OPT_SUCCESS ? 0
											  : -1;
}

static int set_timeouts(LDAP *ld, double seconds)
{
	struct timeval tv = seconds_to_timeval(seconds);

	if (ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) != LDAP_OPT_SUCCESS)
		return -1;
	return 0;
}

/* A session waits for hours on a socket nothing is sent on: the kernel's
 * keepalive notices a peer that vanished (host down, state dropped by a
 * firewall) even between the op's own probes. */
#define RBAC_KEEPALIVE_IDLE	30
#define RBAC_KEEPALIVE_INTERVAL 10
#define RBAC_KEEPALIVE_PROBES	3

static int set_keepalive(LDAP *ld)
{
	int idle = RBAC_KEEPALIVE_IDLE, interval = RBAC_KEEPALIVE_INTERVAL;
	int probes = RBAC_KEEPALIVE_PROBES;

	if (ldap_set_option(ld, LDAP_OPT_X_KEEPALIVE_IDLE, &idle) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_KEEPALIVE_INTERVAL, &interval) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_X_KEEPALIVE_PROBES, &probes) != LDAP_OPT_SUCCESS)
		return -1;
	return 0;
}

static int set_handle_options(struct rbac_dir *dir, LDAP *ld, const char *uri, bool tls)
{
	int version = LDAP_VERSION3;
	int deref = LDAP_DEREF_NEVER; /* an alias must not lead out of the subtree */
	int no_limit = 0;
	/* A session's search lasts as long as the session: no server-side
	 * time limit (the reader's slapd limits still apply). */
	int timelimit = dir->session ? 0 : whole_seconds_up(dir->cfg->ldap.timeout);

	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) != LDAP_OPT_SUCCESS ||
	    set_timeouts(ld, dir->cfg->ldap.timeout) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_DEREF, &deref) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_SIZELIMIT, &no_limit) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMELIMIT, &timelimit) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_CONNECT_CB, &dir->conncb) != LDAP_OPT_SUCCESS ||
	    (dir->session && set_keepalive(ld) != 0))
		return -1;
	return tls ? set_tls_options(dir, ld, uri) : 0;
}

/* Gives the remaining part of this URI's time budget to the next step, so
 * connect + StartTLS + bind together cost at most ldap.timeout per URI. */
static int budget_apply(LDAP *ld, double deadline)
{
	double left = deadline - rbac_deadline_now();

	if (left <= 0)
		return LDAP_TIMEOUT;
	return set_timeouts(ld, left) == 0 ? LDAP_SUCCESS : LDAP_LOCAL_ERROR;
}

/* The bind password, read from a root-owned file nobody else may read, one
 * trailing newline removed. Returns 0, or -1 (logged). */
static int read_bind_password(struct rbac_dir *dir, char **pw, size_t *len)
{
	const char *path = dir->cfg->ldap.bind_password_file;
	char err[RBAC_ERRLEN];

	*pw = NULL;
	*len = 0;
	if (dir->cfg->ldap.bind_dn == NULL)
		return 0;
	if (dir->cfg->ldap.bind_password != NULL) {
		*pw = strdup(dir->cfg->ldap.bind_password);
		*len = *pw != NULL ? strlen(*pw) : 0;
		return *len > 0 ? 0 : -1;
	}
	if (path == NULL) {
		rbac_log(dir->lg, LOG_ERR,
			 "ldap.bind_dn is set but ldap.bind_password_file is not");
		return -1;
	}
	*pw = rbac_file_read_trusted(path, 0, RBAC_FILE_PRIVATE, RBAC_PASSWORD_MAX, len, err,
				     sizeof(err));
	if (*pw == NULL) {
		rbac_log(dir->lg, LOG_ERR, "ldap.bind_password_file: %s", err);
		return -1;
	}
	if (*len > 0 && (*pw)[*len - 1] == '\n')
		(*pw)[--*len] = '\0';
	if (*len == 0) {
		/* An empty simple bind is an anonymous one (RFC 4513 5.1.2). */
		rbac_log(dir->lg, LOG_ERR, "%s: the bind password is empty", path);
		free(*pw);
		*pw = NULL;
		return -1;
	}
	return 0;
}

static void wipe_password(char *pw, size_t len)
{
	if (pw == NULL)
		return;
	explicit_bzero(pw, len);
	free(pw);
}

static void log_unreachable(struct rbac_dir *dir, LDAP *ld, const char *uri, const char *what,
			    int rc)
{
	QBUF(q);
	QBUF(d);

	rbac_log(dir->lg, LOG_WARNING, "%s: %s: %s%s%s", Q(q, uri), what, ldap_err2string(rc),
		 ld != NULL && diagnostic(ld, d, sizeof(d))[0] != '\0' ? ": " : "", d);
}

/* The connection failed for lack of time: a read or write met the
 * deadline, or libldap gave up waiting itself. */
static bool out_of_time(struct rbac_dir *dir, int rc)
{
	return rc == LDAP_TIMEOUT || dir->io.passed;
}

/* StartTLS and bind on a fresh handle, within this URI's budget. */
static enum rbac_dir_result open_session(struct rbac_dir *dir, LDAP *ld, const char *uri,
					 bool starttls, const char *pw, size_t pwlen,
					 double deadline)
{
	const struct rbac_config *cfg = dir->cfg;
	/* Anonymous is an empty name and an empty password (RFC 4513 5.1.1);
	 * libldap would encode a NULL credential as a malformed request. */
	struct berval cred = {pwlen, pw != NULL ? (char *)pw : (char *)""};
	struct berval cred_none = {0, (char *)""};
	int rc;
	QBUF(q);
	QBUF(b);
	QBUF(d);

	if (starttls) {
		rc = budget_apply(ld, deadline);
		if (rc == LDAP_SUCCESS)
			rc = ldap_start_tls_s(ld, NULL, NULL);
		if (rc != LDAP_SUCCESS) {
			if (out_of_time(dir, rc))
				rc = LDAP_TIMEOUT;
			log_unreachable(dir, ld, uri, "StartTLS failed", rc);
			/* A failed handshake is this server's fault, not the
			 * config's: the next URI may do better. */
			return RBAC_DIR_UNAVAILABLE;
		}
	}
	/* Anonymous sessions bind too: it proves the server answers before
	 * this URI is chosen, rather than at the first search. */
	rc = budget_apply(ld, deadline);
	if (rc == LDAP_SUCCESS && cfg->ldap.sasl_external)
		/* An empty initial response: the identity the server maps
		 * from the connection, in one round trip (RFC 4422 A). */
		rc = ldap_sasl_bind_s(ld, NULL, "EXTERNAL", &cred_none, NULL, NULL, NULL);
	else if (rc == LDAP_SUCCESS)
		rc = ldap_sasl_bind_s(ld, cfg->ldap.bind_dn != NULL ? cfg->ldap.bind_dn : "",
				      LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	if (rc == LDAP_SUCCESS)
		return budget_apply(ld, deadline) != LDAP_LOCAL_ERROR ? RBAC_DIR_OK
								      : RBAC_DIR_ERROR;
	if (out_of_time(dir, rc))
		rc = LDAP_TIMEOUT;
	if (is_unreachable(rc)) {
		log_unreachable(dir, ld, uri, "bind failed", rc);
		return RBAC_DIR_UNAVAILABLE;
	}
	rbac_log(dir->lg, LOG_ERR, "%s: bind as %s rejected: %s%s%s", Q(q, uri),
		 Q(b, cfg->ldap.sasl_external	  ? "(SASL EXTERNAL)"
		      : cfg->ldap.bind_dn != NULL ? cfg->ldap.bind_dn
						  : "(anonymous)"),
		 ldap_err2string(rc), diagnostic(ld, d, sizeof(d))[0] != '\0' ? ": " : "", d);
	return RBAC_DIR_ERROR;
}

static void unbind(LDAP *ld)
{
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
}

/* libldap reads each message with two read(2)s (its header, then the
 * rest) and a poll(2) before each: three system calls per entry. liblber's
 * read-ahead layer under it fills a buffer per read(2) instead, and
 * libldap asks that buffer before it polls. A handle without it still
 * works, only with more system calls, so a failure here is ignored. */
static void read_ahead(LDAP *ld)
{
	Sockbuf *sb = NULL;

	if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) == LDAP_OPT_SUCCESS && sb != NULL)
		(void)ber_sockbuf_add_io(sb, &ber_sockbuf_io_readahead,
					 LBER_SBIOD_LEVEL_PROVIDER, NULL);
}

/* A bound connection must never outlive an exec (su starts the user's
 * shell after the check): libldap sets FD_CLOEXEC itself, and this makes
 * sure of it. */
static bool close_on_exec(LDAP *ld)
{
	int fd = -1, flags;

	if (ldap_get_option(ld, LDAP_OPT_DESC, &fd) != LDAP_OPT_SUCCESS || fd < 0)
		return false;
	flags = fcntl(fd, F_GETFD);
	return flags >= 0 &&
	       ((flags & FD_CLOEXEC) != 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0);
}

static enum rbac_dir_result try_uri(struct rbac_dir *dir, const char *uri, const char *pw,
				    size_t pwlen, double deadline, LDAP **out)
{
	bool plain = false;
	bool starttls;
	enum rbac_dir_result res;
	LDAP *ld = NULL;
	int rc;
	QBUF(q);

	if (!uri_check(dir, uri, &plain))
		return RBAC_DIR_ERROR;
	starttls = plain && dir->cfg->ldap.tls.starttls;
	rc = ldap_initialize(&ld, uri);
	if (rc != LDAP_SUCCESS) {
		rbac_log(dir->lg, LOG_ERR, "%s: %s", Q(q, uri), ldap_err2string(rc));
		return RBAC_DIR_ERROR;
	}
	if (set_handle_options(dir, ld, uri, !plain || starttls) != 0) {
		rbac_log(dir->lg, LOG_ERR, "%s: cannot set connection options (TLS CA file?)",
			 Q(q, uri));
		unbind(ld);
		return RBAC_DIR_ERROR;
	}
	rbac_deadline_arm(&dir->io, deadline);
	res = open_session(dir, ld, uri, starttls, pw, pwlen, deadline);
	if (res == RBAC_DIR_OK)
		read_ahead(ld);
	if (res == RBAC_DIR_OK && !close_on_exec(ld)) {
		rbac_log(dir->lg, LOG_ERR, "%s: cannot make the connection close-on-exec",
			 Q(q, uri));
		res = RBAC_DIR_ERROR;
	}
	if (res != RBAC_DIR_OK) {
		unbind(ld);
		return res;
	}
	*out = ld;
	return RBAC_DIR_OK;
}

/* Every setting a connection depends on, as one string: two configs with
 * the same key make the same connection. Length-prefixed, so no value can
 * pose as two. NULL when out of memory. */
static void key_put(FILE *f, const char *s)
{
	fprintf(f, "%zu:%s;", s != NULL ? strlen(s) : (size_t)0, s != NULL ? s : "");
	if (s == NULL)
		fputc('-', f);
}

static char *connection_key(const struct rbac_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fprintf(f, "%zu;", cfg->ldap.n_uri);
	for (size_t i = 0; i < cfg->ldap.n_uri; i++)
		key_put(f, cfg->ldap.uri[i]);
	key_put(f, cfg->ldap.bind_dn);
	key_put(f, cfg->ldap.bind_password_file);
	key_put(f, cfg->ldap.tls.ca_file);
	fprintf(f, "%a;%d;%d;%d;%d;%d;%d", cfg->ldap.timeout, cfg->ldap.allow_insecure_bind,
		cfg->ldap.allow_insecure, cfg->ldap.tls.starttls, cfg->ldap.tls.verify,
		cfg->ldap.sasl_external, cfg->ldap.bind_password != NULL);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* After fork() the child shares the parent's socket (and TLS session state).
 * An unbind, a TLS close_notify or a shutdown() sent from the child would end
 * the parent's session, and libldap has no call that frees a handle without
 * closing it properly (ldap_destroy() unbinds too). So the descriptor is
 * first pointed at /dev/null: libldap then "closes" that, and the parent's
 * connection is untouched. If /dev/null cannot be opened, the handle is
 * leaked instead: its memory belongs to this child only. */
static void discard_inherited(struct rbac_dir *dir)
{
	int fd = -1, null_fd;

	if (ldap_get_option(dir->ld, LDAP_OPT_DESC, &fd) == LDAP_OPT_SUCCESS && fd >= 0) {
		null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null_fd < 0 || dup3(null_fd, fd, O_CLOEXEC) < 0) {
			if (null_fd >= 0)
				close(null_fd);
			dir->ld = NULL;
			return;
		}
		close(null_fd);
	}
	unbind(dir->ld);
	dir->ld = NULL;
}

static void drop_connection(struct rbac_dir *dir)
{
	if (dir->ld == NULL)
		return;
	if (dir->pid != getpid())
		discard_inherited(dir);
	else
		unbind(dir->ld);
	dir->ld = NULL;
}

/* What every connect of this call needs: the settings' key for
 * rbac_dir_reuse() and the bind password. Returns 0, or -1 (logged). */
static int connect_prepare(struct rbac_dir *dir, char **pw, size_t *pwlen)
{
	const struct rbac_config *cfg = dir->cfg;

	if (cfg->ldap.n_uri == 0) {
		rbac_log(dir->lg, LOG_ERR, "ldap.uri is empty");
		return -1;
	}
	/* The password file's identity before it is read: a file replaced
	 * after this makes rbac_dir_reuse() reconnect, never the reverse. */
	memset(&dir->pw_id, 0, sizeof(dir->pw_id));
	if (cfg->ldap.bind_password_file != NULL)
		rbac_file_id_of(&dir->pw_id, cfg->ldap.bind_password_file);
	free(dir->key);
	dir->key = connection_key(cfg);
	if (dir->key == NULL)
		return -1;
	return read_bind_password(dir, pw, pwlen);
}

/* This URI's share of the call: ldap.timeout, and never past the call's
 * own deadline. */
static double uri_deadline(const struct rbac_dir *dir)
{
	double d = rbac_deadline_now() + dir->cfg->ldap.timeout;

	return d < dir->call_deadline ? d : dir->call_deadline;
}

/* Connects to ldap.uri[i] and runs op there. UNAVAILABLE (and no
 * connection kept) when the server did not answer or failed under op. */
static enum rbac_dir_result run_on_uri(struct rbac_dir *dir, size_t i, const char *pw,
				       size_t pwlen, rbac_dir_op op, void *arg)
{
	const struct rbac_config *cfg = dir->cfg;
	enum rbac_dir_result res;
	bool lost = false;

	res = try_uri(dir, cfg->ldap.uri[i], pw, pwlen, uri_deadline(dir), &dir->ld);
	if (res != RBAC_DIR_OK)
		return res;
	dir->pid = getpid();
	dir->last_uri = cfg->ldap.uri[i];
	dir->uri_index = i;
	dir->timed_out = false;
	if (dir->session)
		(void)rbac_dir_expect(dir, cfg->ldap.timeout);
	res = op(dir, arg, &lost);
	if (!lost)
		return res;
	drop_connection(dir);
	/* A bulk read that failed after its first pages has used its own
	 * budget, not the walk's: each URI left gets ldap.timeout again. */
	if (dir->per_page) {
		double more =
		    rbac_deadline_now() + cfg->ldap.timeout * (double)(cfg->ldap.n_uri - i - 1);

		if (more > dir->call_deadline)
			dir->call_deadline = more;
	}
	return RBAC_DIR_UNAVAILABLE;
}

/* Walks ldap.uri in order, skipping index `skip` (a kept connection to it
 * just timed out), until a server answers op or the call's time is up.
 * libldap's own list only moves on when a connect is refused; a server
 * that accepts and stays silent would hang it. */
static enum rbac_dir_result dir_walk(struct rbac_dir *dir, rbac_dir_op op, void *arg,
				     size_t skip)
{
	const struct rbac_config *cfg = dir->cfg;
	enum rbac_dir_result res = RBAC_DIR_UNAVAILABLE;
	char *pw = NULL;
	size_t pwlen = 0, i;

	if (connect_prepare(dir, &pw, &pwlen) != 0)
		return RBAC_DIR_ERROR;
	for (i = 0; i < cfg->ldap.n_uri && res == RBAC_DIR_UNAVAILABLE; i++) {
		if (i == skip)
			continue;
		if (rbac_deadline_now() >= dir->call_deadline)
			break;
		res = run_on_uri(dir, i, pw, pwlen, op, arg);
	}
	wipe_password(pw, pwlen);
	if (res == RBAC_DIR_UNAVAILABLE) {
		dir->last_uri = NULL;
		rbac_log(dir->lg, LOG_ERR, "no directory server answered (%zu URI%s tried)",
			 cfg->ldap.n_uri, cfg->ldap.n_uri == 1 ? "" : "s");
	}
	return res;
}

/* The kept connection, within its URI's share of the call. */
static enum rbac_dir_result run_kept(struct rbac_dir *dir, rbac_dir_op op, void *arg,
				     bool *lost)
{
	double deadline = uri_deadline(dir);

	rbac_deadline_arm(&dir->io, deadline);
	(void)budget_apply(dir->ld, deadline);
	dir->timed_out = false;
	if (dir->session)
		(void)rbac_dir_expect(dir, dir->cfg->ldap.timeout);
	return op(dir, arg, lost);
}

/* The time one call may take (ldap.timeout per configured URI) starts now;
 * each URI's share is armed on its socket (try_uri, run_kept). */
static void call_begin(struct rbac_dir *dir)
{
	dir->call_deadline =
	    dir->session
		? INFINITY
		: rbac_deadline_now() + dir->cfg->ldap.timeout * (double)dir->cfg->ldap.n_uri;
}

/* Outside a call the socket is left as libldap uses it: an unbind when the
 * handle is freed or not reused is not cut short by a past deadline. */
static void call_end(struct rbac_dir *dir)
{
	rbac_deadline_clear(&dir->io);
}

/* Runs op on a connection: the kept one if any, else the first URI that
 * answers. A kept connection that fails is dropped: when it timed out,
 * that was its URI's turn and the walk skips it; when it failed at once
 * (the server restarted, or closed it after its idle timeout), its URI is
 * tried again like any other. A server that fails under op (stalls, or
 * closes mid-result) hands over to the next URI. Everything, connects,
 * TLS handshakes, binds and operations, fits in ldap.timeout x URIs. */
static enum rbac_dir_result dir_run(struct rbac_dir *dir, rbac_dir_op op, void *arg)
{
	struct sigpipe_guard guard;
	enum rbac_dir_result res = RBAC_DIR_UNAVAILABLE;
	size_t skip = SIZE_MAX;
	bool lost = false;
	QBUF(q);

	rbac_dir_isolate();
	sigpipe_block(&guard);
	if (dir->ld != NULL && dir->pid != getpid())
		drop_connection(dir);
	call_begin(dir);
	if (dir->ld != NULL) {
		res = run_kept(dir, op, arg, &lost);
		if (lost) {
			rbac_log(dir->lg, LOG_INFO, "%s: kept connection %s",
				 Q(q, dir->last_uri),
				 dir->timed_out ? "timed out" : "lost, reconnecting");
			if (dir->timed_out)
				skip = dir->uri_index;
			drop_connection(dir);
		}
	}
	if (dir->ld == NULL)
		res = dir_walk(dir, op, arg, skip);
	call_end(dir);
	sigpipe_restore(&guard);
	return res;
}

enum rbac_dir_result rbac_dir_run(struct rbac_dir *dir, rbac_dir_op op, void *arg, bool bulk)
{
	enum rbac_dir_result res;

	dir->per_page = bulk;
	res = dir_run(dir, op, arg);
	dir->per_page = false;
	return res;
}

/* ------------------------------------------------------------------------
 * Sessions: one operation that lives as long as the server answers (a
 * persistent search). Connecting and binding keep their ldap.timeout per
 * URI; after that the op decides, per answer it waits for, how long the
 * server may take (rbac_dir_expect), and waits through
 * rbac_dir_next_message(), which turns an answer that did not come in time
 * into a lost connection. The walk is dir_walk's: a session lost on one URI
 * is run again on the next, each URI at most once per call.
 */
enum rbac_dir_result rbac_dir_session(struct rbac_dir *dir, rbac_dir_op op, void *arg)
{
	enum rbac_dir_result res;

	dir->session = true;
	dir->per_page = false;
	res = dir_run(dir, op, arg);
	dir->session = false;
	dir->expect_at = 0;
	return res;
}

int rbac_dir_expect(struct rbac_dir *dir, double seconds)
{
	double now = rbac_deadline_now();
	double io = seconds > 0 ? seconds : dir->cfg->ldap.timeout;

	dir->expect_at = seconds > 0 ? now + seconds : 0;
	dir->timed_out = false;
	/* Idle, a message that has begun must still arrive whole within
	 * ldap.timeout: the socket is read only when it has data, so this
	 * never cuts a quiet connection (see rbac_dir_next_message). */
	rbac_deadline_arm(&dir->io, now + io);
	return set_timeouts(dir->ld, io);
}

/* The connection of a session failed (rc from libldap) or stayed silent
 * past the expected answer: logged once, here. */
static int session_lost(struct rbac_dir *dir, int rc)
{
	QBUF(u);

	if (rc != LDAP_TIMEOUT && out_of_time(dir, rc))
		rc = LDAP_TIMEOUT;
	dir->timed_out = rc == LDAP_TIMEOUT;
	if (dir->timed_out)
		rbac_log(dir->lg, LOG_WARNING, "%s: no answer in time: %s", Q(u, dir->last_uri),
			 ldap_err2string(rc));
	else
		rbac_log(dir->lg, LOG_WARNING, "%s: connection lost: %s", Q(u, dir->last_uri),
			 ldap_err2string(rc));
	return -1;
}

int rbac_dir_next_message(struct rbac_dir *dir, int msgid, double wait, LDAPMessage **msg)
{
	double now = rbac_deadline_now();
	struct timeval tv;
	int rc, err = LDAP_SERVER_DOWN;

	*msg = NULL;
	if (dir->expect_at > 0 && now >= dir->expect_at)
		return session_lost(dir, LDAP_TIMEOUT);
	if (dir->expect_at > 0 && dir->expect_at - now < wait)
		wait = dir->expect_at - now;
	if (dir->expect_at == 0)
		rbac_deadline_arm(&dir->io, now + dir->cfg->ldap.timeout);
	tv = seconds_to_timeval(wait);
	rc = ldap_result(dir->ld, msgid, LDAP_MSG_ONE, &tv, msg);
	if (rc > 0)
		return 1;
	if (rc == 0)
		return dir->expect_at > 0 && rbac_deadline_now() >= dir->expect_at
			   ? session_lost(dir, LDAP_TIMEOUT)
			   : 0;
	(void)ldap_get_option(dir->ld, LDAP_OPT_RESULT_CODE, &err);
	return session_lost(dir, err);
}

/* ------------------------------------------------------------------------
 * Handle
 */

/* libldap's word that it connected a socket, before it reads or writes
 * anything there (a TLS handshake included): the deadline goes on it. A
 * socket that cannot have one is not used. */
static int conn_opened(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr,
		       struct ldap_conncb *ctx)
{
	struct rbac_dir *dir = ctx->lc_arg;

	(void)ld;
	(void)srv;
	(void)addr;
	if (rbac_deadline_attach(sb, &dir->io) == 0)
		return 0;
	rbac_log(dir->lg, LOG_ERR, "out of memory for the connection's deadline");
	return -1;
}

/* libldap calls it unconditionally; the deadline goes with the Sockbuf. */
static void conn_closed(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	(void)ld;
	(void)sb;
	(void)ctx;
}

struct rbac_dir *rbac_dir_new(const struct rbac_config *cfg, const struct rbac_logger *lg)
{
	struct rbac_dir *dir = calloc(1, sizeof(*dir));

	if (dir == NULL)
		return NULL;
	dir->cfg = cfg;
	dir->lg = lg;
	dir->conncb.lc_add = conn_opened;
	dir->conncb.lc_del = conn_closed;
	dir->conncb.lc_arg = dir;
	return dir;
}

void rbac_dir_free(struct rbac_dir *dir)
{
	struct sigpipe_guard guard;

	if (dir == NULL)
		return;
	sigpipe_block(&guard);
	drop_connection(dir);
	sigpipe_restore(&guard);
	free(dir->key);
	free(dir);
}

void rbac_dir_release(struct rbac_dir *dir)
{
	dir->cfg = NULL;
	dir->lg = NULL;
	dir->last_uri = NULL;
	dir->released_at = rbac_deadline_now();
}

/* The kept connection still fits cfg: made with the same settings, the
 * password file untouched since, and not idle for longer than max_idle. */
static bool connection_fits(struct rbac_dir *dir, const struct rbac_config *cfg,
			    double max_idle)
{
	char *key;
	bool same;

	if (dir->ld == NULL || dir->key == NULL || dir->pid != getpid() ||
	    rbac_deadline_now() - dir->released_at > max_idle)
		return false;
	key = connection_key(cfg);
	same = key != NULL && strcmp(key, dir->key) == 0;
	free(key);
	if (!same || dir->uri_index >= cfg->ldap.n_uri)
		return false;
	if (cfg->ldap.bind_password_file == NULL)
		return true;
	return rbac_file_same(&dir->pw_id, cfg->ldap.bind_password_file);
}

bool rbac_dir_reuse(struct rbac_dir *dir, const struct rbac_config *cfg,
		    const struct rbac_logger *lg, double max_idle)
{
	struct sigpipe_guard guard;
	bool fits = connection_fits(dir, cfg, max_idle);

	if (!fits) {
		sigpipe_block(&guard);
		drop_connection(dir);
		sigpipe_restore(&guard);
	}
	dir->cfg = cfg;
	dir->lg = lg;
	dir->last_uri = fits ? cfg->ldap.uri[dir->uri_index] : NULL;
	return fits;
}

const char *rbac_dir_current_uri(const struct rbac_dir *dir)
{
	return dir != NULL ? dir->last_uri : NULL;
}

LDAP *rbac_dir_ld(const struct rbac_dir *dir)
{
	return dir->ld;
}

const struct rbac_config *rbac_dir_cfg(const struct rbac_dir *dir)
{
	return dir->cfg;
}

const struct rbac_logger *rbac_dir_logger(const struct rbac_dir *dir)
{
	return dir->lg;
}

/* ------------------------------------------------------------------------
 * Searching
 */

/* The outcome of one search request: an LDAP result code mapped to ours.
 * Entries of a partial result are never used. */
enum rbac_dir_result rbac_dir_search_failed(struct rbac_dir *dir, int rc, const char *base,
					    bool *lost)
{
	QBUF(q);
	QBUF(d);
	QBUF(u);

	if (out_of_time(dir, rc)) {
		dir->timed_out = true;
		rc = LDAP_TIMEOUT;
	}
	if (is_unreachable(rc)) {
		*lost = true;
		rbac_log(dir->lg, LOG_WARNING, "%s: search at %s failed: %s",
			 Q(u, dir->last_uri), Q(q, base), ldap_err2string(rc));
		return RBAC_DIR_UNAVAILABLE;
	}
	if (rc == LDAP_SIZELIMIT_EXCEEDED || rc == LDAP_ADMINLIMIT_EXCEEDED) {
		rbac_log(dir->lg, LOG_ERR,
			 "search at %s: %s: the reading account needs a slapd limit such as "
			 "'limits dn.exact=\"<bind_dn>\" size.prtotal=unlimited'",
			 Q(q, base), ldap_err2string(rc));
		return RBAC_DIR_ERROR;
	}
	rbac_log(dir->lg, LOG_ERR, "search at %s failed: %s%s%s", Q(q, base),
		 ldap_err2string(rc), diagnostic(dir->ld, d, sizeof(d))[0] != '\0' ? ": " : "",
		 d);
	return RBAC_DIR_ERROR;
}

/* "URL, URL, ..." (each quoted for the log), or NULL when out of memory. */
static char *joined_urls(char **refs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	QBUF(q);

	if (f == NULL)
		return NULL;
	for (size_t i = 0; refs != NULL && refs[i] != NULL; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "", Q(q, refs[i]));
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void log_referral(struct rbac_dir *dir, const char *base, char **refs)
{
	char *urls = joined_urls(refs);
	QBUF(q);

	rbac_log(dir->lg, LOG_ERR,
		 "search at %s: the directory refers part of the answer to %s "
		 "(a referral, not followed); a partial answer is not used",
		 Q(q, base), urls != NULL && urls[0] != '\0' ? urls : "another server");
	free(urls);
}

/* A search continuation reference (a referral object in scope, searched
 * without ManageDsaIT) or a referral result hands part of the answer to
 * another server. Referrals are never followed (LDAP_OPT_REFERRALS is off:
 * the other server is not in ldap.uri), and what is left is never used: a
 * model missing the referred part would be wrong, not smaller. True
 * (logged with the URLs and the base) when res holds one. */
bool rbac_dir_has_referral(struct rbac_dir *dir, LDAPMessage *res, const char *base)
{
	LDAPMessage *m = res != NULL ? ldap_first_reference(dir->ld, res) : NULL;
	char **refs = NULL;
	int err = LDAP_SUCCESS;
	bool found = m != NULL;

	if (found)
		(void)ldap_parse_reference(dir->ld, m, &refs, NULL, 0);
	else if (res != NULL && ldap_parse_result(dir->ld, res, &err, NULL, NULL, &refs, NULL,
						  0) == LDAP_SUCCESS)
		found = err == LDAP_REFERRAL;
	if (found)
		log_referral(dir, base, refs);
	ldap_memvfree((void **)refs);
	return found;
}

/* ------------------------------------------------------------------------
 * Paging (RFC 2696)
 */

/* The paged-results cookie of a response; empty when this was the last
 * page (or the server ignored the control, and so sent everything). */
int rbac_dir_next_cookie(struct rbac_dir *dir, LDAPControl **sctrls, struct berval *cookie)
{
	LDAPControl *pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, sctrls, NULL);
	ber_int_t estimate = 0;

	ber_memfree(cookie->bv_val);
	cookie->bv_val = NULL;
	cookie->bv_len = 0;
	if (pr == NULL)
		return 0;
	return ldap_parse_pageresponse_control(dir->ld, pr, &estimate, cookie) == LDAP_SUCCESS
		   ? 0
		   : -1;
}

/* A bulk read (every role, every account: rbacctl refresh of a large
 * directory) gives each page ldap.timeout of its own rather than sharing
 * one URI's budget, which would cap the size of a directory that can be
 * read at all. A member's decision shares it (documented in rbac.conf(5)). */
static void page_budget(struct rbac_dir *dir)
{
	if (!dir->per_page)
		return;
	(void)set_timeouts(dir->ld, dir->cfg->ldap.timeout);
	rbac_deadline_arm(&dir->io, rbac_deadline_now() + dir->cfg->ldap.timeout);
}

int rbac_dir_page_begin(struct rbac_dir *dir, struct berval *cookie, LDAPControl **ctrl)
{
	page_budget(dir);
	return ldap_create_page_control(dir->ld, RBAC_LDAP_PAGE_SIZE, cookie, 0, ctrl) ==
		       LDAP_SUCCESS
		   ? 0
		   : -1;
}
