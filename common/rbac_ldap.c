/*
 * rbac_ldap.c - the only place that talks to the directory (OpenLDAP libldap).
 *
 * One struct rbac_dir holds at most one connection. It is opened lazily by
 * walking ldap.uri in order, kept between calls, reopened after a fork and
 * after the server dropped it. Every answer becomes the plain structs of
 * rbac_model.h before any rule looks at it.
 *
 * A handle is used by one thread at a time; callers that share one between
 * threads must lock around it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "rbac_entry.h"
#include "rbac_file.h"
#include "rbac_ldap.h"
#include "rbac_watchdog.h"

/* libldap with GnuTLS trusts nothing unless told: Debian ships the bundle
 * through TLS_CACERT in ldap.conf, which we do not read (see below). */
#ifndef RBAC_DEFAULT_CA_FILE
#define RBAC_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

/* slapd's default size limit; also a page small enough to bound memory. */
#define RBAC_LDAP_PAGE_SIZE 500
/* A bind password file is a line, not a document. */
#define RBAC_PASSWORD_MAX 4096
/* Entries an account search may return. uid matches case-insensitively, so
 * "zed", "Zed" and "ZED" all answer a search for any of them; the limit must
 * leave room for such variants (a limit of 2 would hide the exact entry
 * behind two others). More than this many is an error, never a guess. */
#define RBAC_ACCOUNT_MATCH_MAX 16
/* Longest namespace name accepted; the config loader has the same rule. */
#define RBAC_NAMESPACE_NAME_MAX 64

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
	/* One call's time (dir_run): the watchdog cuts the socket of the URI
	 * being tried at that URI's deadline, whatever libldap is blocked in;
	 * libldap tells it the socket through conncb. */
	struct rbac_watchdog wd;
	struct ldap_conncb conncb;
	double call_deadline; /* ldap.timeout x URIs from the call's start */
	bool per_page;	      /* a bulk read: ldap.timeout per page */
	bool timed_out;	      /* the last operation failed for lack of time */
};

/* An operation run on a connected handle; *lost is set when the connection
 * failed under it (server down, timeout) rather than the server answering. */
typedef enum rbac_dir_result (*dir_op_fn)(struct rbac_dir *dir, void *arg, bool *lost);

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

static void ensure_isolated(void)
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

static double monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static bool bv_has_nul(const struct berval *bv)
{
	return memchr(bv->bv_val, '\0', bv->bv_len) != NULL;
}

static bool bv_equals(const struct berval *bv, const char *s)
{
	size_t len = strlen(s);

	return bv->bv_len == len && memcmp(bv->bv_val, s, len) == 0;
}

char *rbac_ldap_escape_filter(const char *value, size_t len)
{
	struct berval in, out = {0, NULL};
	char *copy;

	if (value == NULL || len > RBAC_LDAP_VALUE_MAX)
		return NULL;
	ensure_isolated();
	in.bv_val = (char *)value;
	in.bv_len = len;
	if (ldap_bv2escaped_filter_value(&in, &out) != LDAP_SUCCESS)
		return NULL;
	/* libldap returns no buffer at all for an empty value. */
	copy = strdup(out.bv_val != NULL ? out.bv_val : "");
	ber_memfree(out.bv_val);
	return copy;
}

/* ------------------------------------------------------------------------
 * DNs. Entry DNs come back as stored in the directory, which need not be
 * spelled like ldap.base ("CN=eng, ou=RBAC,..."). Both sides are parsed
 * with ldap_str2dn (which removes escaping and spacing differences) and
 * compared RDN by RDN, attribute types and values ignoring ASCII case: the
 * naming attributes of this layout (cn, ou, dc, o) all match case-
 * insensitively.
 */

static bool bv_equal_nocase(const struct berval *a, const struct berval *b)
{
	size_t i;

	if (a->bv_len != b->bv_len)
		return false;
	for (i = 0; i < a->bv_len; i++)
		if (tolower((unsigned char)a->bv_val[i]) !=
		    tolower((unsigned char)b->bv_val[i]))
			return false;
	return true;
}

static bool rdn_equal(LDAPRDN a, LDAPRDN b)
{
	size_t i;

	for (i = 0; a[i] != NULL && b[i] != NULL; i++) {
		if (!bv_equal_nocase(&a[i]->la_attr, &b[i]->la_attr) ||
		    !bv_equal_nocase(&a[i]->la_value, &b[i]->la_value))
			return false;
	}
	return a[i] == NULL && b[i] == NULL;
}

static size_t dn_depth(LDAPDN dn)
{
	size_t n = 0;

	while (dn != NULL && dn[n] != NULL)
		n++;
	return n;
}

/* dn minus its first `skip` RDNs equals base. */
static bool dn_tail_equals(LDAPDN dn, size_t skip, LDAPDN base)
{
	size_t n = dn_depth(dn), nb = dn_depth(base), i;

	if (n != nb + skip)
		return false;
	for (i = 0; i < nb; i++)
		if (!rdn_equal(dn[skip + i], base[i]))
			return false;
	return true;
}

/* The value of the cn AVA of the first RDN, or NULL. */
static const struct berval *dn_first_cn(LDAPDN dn)
{
	static const struct berval cn = {2, (char *)"cn"};
	size_t i;

	if (dn == NULL || dn[0] == NULL)
		return NULL;
	for (i = 0; dn[0][i] != NULL; i++)
		if (bv_equal_nocase(&dn[0][i]->la_attr, &cn))
			return &dn[0][i]->la_value;
	return NULL;
}

/* ------------------------------------------------------------------------
 * Entries: the attributes asked for, as plain data for rbac_entry.c, which
 * decides what their bytes mean. The bytes stay libldap's until entry_free.
 */

#define ENTRY_ATTRS_MAX 8

struct entry_buf {
	struct rbac_entry e;
	struct rbac_entry_attr attrs[ENTRY_ATTRS_MAX];
	struct berval **bv[ENTRY_ATTRS_MAX];
};

static void entry_free(struct entry_buf *b)
{
	for (size_t i = 0; i < b->e.n_attrs; i++) {
		free((void *)b->attrs[i].v);
		ldap_value_free_len(b->bv[i]);
	}
	b->e.n_attrs = 0;
}

/* The values of each attribute in names (NULL-terminated, at most
 * ENTRY_ATTRS_MAX) of entry m. Returns 0, or -1 when out of memory. */
static int entry_read(LDAP *ld, LDAPMessage *m, const char *dn, const char *const *names,
		      struct entry_buf *b)
{
	memset(b, 0, sizeof(*b));
	b->e.dn = dn;
	b->e.attrs = b->attrs;
	for (size_t i = 0; names[i] != NULL && i < ENTRY_ATTRS_MAX; i++) {
		struct berval **v = ldap_get_values_len(ld, m, names[i]);
		struct rbac_bytes *bytes;
		size_t n = 0;

		while (v != NULL && v[n] != NULL)
			n++;
		bytes = calloc(n > 0 ? n : 1, sizeof(*bytes));
		b->bv[i] = v;
		b->attrs[i].name = names[i];
		b->attrs[i].v = bytes;
		b->attrs[i].n = bytes != NULL ? n : 0;
		b->e.n_attrs = i + 1;
		if (bytes == NULL) {
			entry_free(b);
			return -1;
		}
		for (size_t j = 0; j < n; j++) {
			bytes[j].p = v[j]->bv_val;
			bytes[j].len = v[j]->bv_len;
		}
	}
	return 0;
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

static int set_handle_options(struct rbac_dir *dir, LDAP *ld, const char *uri, bool tls)
{
	int version = LDAP_VERSION3;
	int deref = LDAP_DEREF_NEVER; /* an alias must not lead out of the subtree */
	int no_limit = 0;
	int timelimit = whole_seconds_up(dir->cfg->ldap.timeout);

	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) != LDAP_OPT_SUCCESS ||
	    set_timeouts(ld, dir->cfg->ldap.timeout) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_DEREF, &deref) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_SIZELIMIT, &no_limit) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMELIMIT, &timelimit) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_CONNECT_CB, &dir->conncb) != LDAP_OPT_SUCCESS)
		return -1;
	return tls ? set_tls_options(dir, ld, uri) : 0;
}

/* Gives the remaining part of this URI's time budget to the next step, so
 * connect + StartTLS + bind together cost at most ldap.timeout per URI. */
static int budget_apply(LDAP *ld, double deadline)
{
	double left = deadline - monotonic_now();

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

/* The connection failed for lack of time: the watchdog cut it, or libldap
 * gave up waiting itself. */
static bool out_of_time(struct rbac_dir *dir, int rc)
{
	return rc == LDAP_TIMEOUT || rbac_watchdog_fired(&dir->wd);
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
	if (rc == LDAP_SUCCESS)
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
		 Q(b, cfg->ldap.bind_dn != NULL ? cfg->ldap.bind_dn : "(anonymous)"),
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
	rbac_watchdog_arm(&dir->wd, deadline);
	res = open_session(dir, ld, uri, starttls, pw, pwlen, deadline);
	if (res == RBAC_DIR_OK)
		read_ahead(ld);
	if (res == RBAC_DIR_OK && !close_on_exec(ld)) {
		rbac_log(dir->lg, LOG_ERR, "%s: cannot make the connection close-on-exec",
			 Q(q, uri));
		res = RBAC_DIR_ERROR;
	}
	if (res != RBAC_DIR_OK) {
		rbac_watchdog_clear_fd(&dir->wd);
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
	fprintf(f, "%a;%d;%d;%d;%d", cfg->ldap.timeout, cfg->ldap.allow_insecure_bind,
		cfg->ldap.allow_insecure, cfg->ldap.tls.starttls, cfg->ldap.tls.verify);
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
	rbac_watchdog_clear_fd(&dir->wd);
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
	double d = monotonic_now() + dir->cfg->ldap.timeout;

	return d < dir->call_deadline ? d : dir->call_deadline;
}

/* Connects to ldap.uri[i] and runs op there. UNAVAILABLE (and no
 * connection kept) when the server did not answer or failed under op. */
static enum rbac_dir_result run_on_uri(struct rbac_dir *dir, size_t i, const char *pw,
				       size_t pwlen, dir_op_fn op, void *arg)
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
	res = op(dir, arg, &lost);
	if (!lost)
		return res;
	drop_connection(dir);
	/* A bulk read that failed after its first pages has used its own
	 * budget, not the walk's: each URI left gets ldap.timeout again. */
	if (dir->per_page) {
		double more =
		    monotonic_now() + cfg->ldap.timeout * (double)(cfg->ldap.n_uri - i - 1);

		if (more > dir->call_deadline)
			dir->call_deadline = more;
	}
	return RBAC_DIR_UNAVAILABLE;
}

/* Walks ldap.uri in order, skipping index `skip` (a kept connection to it
 * just timed out), until a server answers op or the call's time is up.
 * libldap's own list only moves on when a connect is refused; a server
 * that accepts and stays silent would hang it. */
static enum rbac_dir_result dir_walk(struct rbac_dir *dir, dir_op_fn op, void *arg, size_t skip)
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
		if (monotonic_now() >= dir->call_deadline)
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
static enum rbac_dir_result run_kept(struct rbac_dir *dir, dir_op_fn op, void *arg, bool *lost)
{
	double deadline = uri_deadline(dir);
	int fd = -1;

	rbac_watchdog_arm(&dir->wd, deadline);
	if (ldap_get_option(dir->ld, LDAP_OPT_DESC, &fd) == LDAP_OPT_SUCCESS && fd >= 0)
		rbac_watchdog_set_fd(&dir->wd, fd);
	(void)budget_apply(dir->ld, deadline);
	dir->timed_out = false;
	return op(dir, arg, lost);
}

/* The time one call may take (ldap.timeout per configured URI) starts now,
 * with the watchdog that enforces it. */
static void call_begin(struct rbac_dir *dir)
{
	int rc;

	dir->call_deadline =
	    monotonic_now() + dir->cfg->ldap.timeout * (double)dir->cfg->ldap.n_uri;
	rc = rbac_watchdog_start(&dir->wd);
	if (rc != 0)
		rbac_log(dir->lg, LOG_WARNING,
			 "no watchdog thread (%s): a server that stalls a TLS handshake "
			 "can hold this call past ldap.timeout",
			 strerror(rc));
}

/* No thread of ours outlives the call: the host may fork or exec next. */
static void call_end(struct rbac_dir *dir)
{
	rbac_watchdog_stop(&dir->wd);
}

/* Runs op on a connection: the kept one if any, else the first URI that
 * answers. A kept connection that fails is dropped: when it timed out,
 * that was its URI's turn and the walk skips it; when it failed at once
 * (the server restarted, or closed it after its idle timeout), its URI is
 * tried again like any other. A server that fails under op (stalls, or
 * closes mid-result) hands over to the next URI. Everything, connects,
 * TLS handshakes, binds and operations, fits in ldap.timeout x URIs. */
static enum rbac_dir_result dir_run(struct rbac_dir *dir, dir_op_fn op, void *arg)
{
	struct sigpipe_guard guard;
	enum rbac_dir_result res = RBAC_DIR_UNAVAILABLE;
	size_t skip = SIZE_MAX;
	bool lost = false;
	QBUF(q);

	ensure_isolated();
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

/* ------------------------------------------------------------------------
 * Handle
 */

/* libldap's word that it opened (or closed) a connection's socket: the
 * socket the watchdog must cut, or must forget before its number can be
 * reused. */
static int conn_opened(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr,
		       struct ldap_conncb *ctx)
{
	struct rbac_dir *dir = ctx->lc_arg;
	ber_socket_t fd = -1;

	(void)ld;
	(void)srv;
	(void)addr;
	if (ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) == 1 && fd >= 0)
		rbac_watchdog_set_fd(&dir->wd, fd);
	return 0;
}

static void conn_closed(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	struct rbac_dir *dir = ctx->lc_arg;

	(void)ld;
	(void)sb;
	rbac_watchdog_clear_fd(&dir->wd);
}

struct rbac_dir *rbac_dir_new(const struct rbac_config *cfg, const struct rbac_logger *lg)
{
	struct rbac_dir *dir = calloc(1, sizeof(*dir));

	if (dir == NULL)
		return NULL;
	if (rbac_watchdog_init(&dir->wd) != 0) {
		free(dir);
		return NULL;
	}
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
	rbac_watchdog_destroy(&dir->wd);
	free(dir->key);
	free(dir);
}

void rbac_dir_release(struct rbac_dir *dir)
{
	dir->cfg = NULL;
	dir->lg = NULL;
	dir->last_uri = NULL;
	dir->released_at = monotonic_now();
}

/* The kept connection still fits cfg: made with the same settings, the
 * password file untouched since, and not idle for longer than max_idle. */
static bool connection_fits(struct rbac_dir *dir, const struct rbac_config *cfg,
			    double max_idle)
{
	char *key;
	bool same;

	if (dir->ld == NULL || dir->key == NULL || dir->pid != getpid() ||
	    monotonic_now() - dir->released_at > max_idle)
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

/* ------------------------------------------------------------------------
 * Searching
 */

/* The outcome of one search request: an LDAP result code mapped to ours.
 * Entries of a partial result are never used. */
static enum rbac_dir_result search_failed(struct rbac_dir *dir, int rc, const char *base,
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
static bool has_referral(struct rbac_dir *dir, LDAPMessage *res, const char *base)
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

/* An RFC 3876 ValuesReturnFilter that keeps one memberUid value, so that a
 * PAM decision does not transfer every member of every role. slapd 2.5
 * returns only the values some item of the filter matches and drops every
 * attribute the filter does not name, so each other attribute we read is
 * named with a presence item, which keeps all its values (both behaviours
 * are checked in tests/integration/check_directory.c). The control is not
 * critical and the values are filtered here anyway: a server without it
 * just sends more. NULL when the value cannot be expressed (too long). */
#define RBAC_VRFILTER_KEEP                                                                     \
	"(objectClass=*)(cn=*)(rbacPermission=*)(rbacRestriction=*)(rbacInherits=*)"           \
	"(gidNumber=*)"

static LDAPControl *member_filter_control(const char *uid)
{
	char *esc = rbac_ldap_escape_filter(uid, strlen(uid));
	BerElement *ber = NULL;
	struct berval value = {0, NULL};
	LDAPControl *ctrl = NULL;
	char *vrf = NULL;

	if (esc == NULL || asprintf(&vrf, "((memberUid=%s)" RBAC_VRFILTER_KEEP ")", esc) < 0) {
		vrf = NULL;
		goto out;
	}
	ber = ber_alloc_t(LBER_USE_DER);
	if (ber == NULL || ldap_put_vrFilter(ber, vrf) == -1 ||
	    ber_flatten2(ber, &value, 0) == -1)
		goto out;
	if (ldap_control_create(LDAP_CONTROL_VALUESRETURNFILTER, 0, &value, 1, &ctrl) !=
	    LDAP_SUCCESS)
		ctrl = NULL;
out:
	if (ber != NULL)
		ber_free(ber, 1);
	free(vrf);
	free(esc);
	return ctrl;
}

/* ------------------------------------------------------------------------
 * Namespace
 */

struct ns_query {
	const char *name;
	const char *only_member;
	char *filter;	     /* the first search: the namespace and its (held) roles */
	bool every_role;     /* ... which is every role of the namespace */
	char *dn;	     /* cn=NAME,ldap.base */
	LDAPDN parsed;	     /* dn, parsed */
	LDAPControl *vrctrl; /* memberUid filter, or NULL */
	struct rbac_namespace *out;
	bool found;	    /* the namespace entry was seen */
	bool not_namespace; /* ... but it is not an rbacNamespace */
};

/* Keep in step with RBAC_VRFILTER_KEEP. */
static const char *const ns_attrs[] = {
    "objectClass",  "cn",	 "rbacPermission", "rbacRestriction",
    "rbacInherits", "memberUid", "gidNumber",	   NULL};

static bool namespace_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > RBAC_NAMESPACE_NAME_MAX)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];
		bool alnum =
		    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

static bool has_object_class(LDAP *ld, LDAPMessage *e, const char *oc)
{
	struct berval **v = ldap_get_values_len(ld, e, "objectClass");
	bool found = false;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL && !found; i++)
		found = v[i]->bv_len == strlen(oc) &&
			strncasecmp(v[i]->bv_val, oc, v[i]->bv_len) == 0;
	ldap_value_free_len(v);
	return found;
}

static int take_namespace(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e,
			  const char *dn, LDAPDN parsed)
{
	const struct berval *cn = dn_first_cn(parsed);
	struct rbac_namespace *ns = q->out;
	struct entry_buf b;
	int rc;
	QBUF(qd);

	q->found = true;
	if (!has_object_class(dir->ld, e, "rbacNamespace")) {
		rbac_log(dir->lg, LOG_ERR, "%s: not an rbacNamespace entry", Q(qd, dn));
		q->not_namespace = true;
		return 0;
	}
	ns->dn = strdup(dn);
	ns->name = cn != NULL ? strndup(cn->bv_val, cn->bv_len) : strdup(q->name);
	if (ns->dn == NULL || ns->name == NULL || entry_read(dir->ld, e, dn, ns_attrs, &b) != 0)
		return -1;
	rc = rbac_entry_values(&b.e, "rbacPermission", NULL, dir->lg, &ns->master);
	entry_free(&b);
	if (rc != 0)
		return -1;
	ns->has_master = ns->master.n > 0;
	return 0;
}

/* The role's name in *name: the cn of its RDN, else its only cn value;
 * NULL (logged) when it has none or several. Returns -1 on OOM. */
static int role_name(struct rbac_dir *dir, LDAPMessage *e, const char *dn, LDAPDN parsed,
		     char **name)
{
	const struct berval *cn = dn_first_cn(parsed);
	struct berval **v = NULL;
	int rc = 0;
	QBUF(q);

	*name = NULL;
	if (cn == NULL) {
		v = ldap_get_values_len(dir->ld, e, "cn");
		if (v != NULL && v[0] != NULL && v[1] == NULL)
			cn = v[0];
	}
	if (cn == NULL || cn->bv_len == 0 || bv_has_nul(cn))
		rbac_log(dir->lg, LOG_ERR, "%s: role without a usable cn; skipped", Q(q, dn));
	else if ((*name = strndup(cn->bv_val, cn->bv_len)) == NULL)
		rc = -1;
	ldap_value_free_len(v);
	return rc;
}

static int fill_role(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e, const char *dn,
		     struct rbac_role *r)
{
	struct entry_buf b;
	int rc;

	if (entry_read(dir->ld, e, dn, ns_attrs, &b) != 0)
		return -1;
	rc = rbac_entry_role(&b.e, q->only_member, dir->lg, r);
	entry_free(&b);
	return rc;
}

static int take_role(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e, const char *dn,
		     LDAPDN parsed)
{
	const struct rbac_role *dup;
	struct rbac_role *r;
	char *name;
	QBUF(a);
	QBUF(b);

	if (!has_object_class(dir->ld, e, "rbacRole")) {
		rbac_log(dir->lg, LOG_DEBUG, "%s: not an rbacRole; ignored", Q(a, dn));
		return 0;
	}
	if (role_name(dir, e, dn, parsed, &name) != 0)
		return -1;
	if (name == NULL)
		return 0;
	dup = rbac_namespace_find_role(q->out, name);
	if (dup != NULL) {
		rbac_log(dir->lg, LOG_ERR, "%s: role name already used by %s; skipped",
			 Q(a, dn), Q(b, dup->dn));
		free(name);
		return 0;
	}
	r = rbac_namespace_add_role(q->out, name, dn);
	free(name);
	return r != NULL ? fill_role(dir, q, e, dn, r) : -1;
}

/* Sorts one entry of the namespace subtree: the namespace itself, one of
 * its roles (exactly one level below), or something deeper (ignored). */
static int take_ns_entry(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *e)
{
	char *dn = ldap_get_dn(dir->ld, e);
	LDAPDN parsed = NULL;
	int rc = 0;
	QBUF(a);

	if (dn == NULL)
		return -1;
	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS) {
		rbac_log(dir->lg, LOG_ERR, "%s: unparsable DN; ignored", Q(a, dn));
	} else if (dn_tail_equals(parsed, 0, q->parsed)) {
		rc = take_namespace(dir, q, e, dn, parsed);
	} else if (dn_tail_equals(parsed, 1, q->parsed)) {
		rc = take_role(dir, q, e, dn, parsed);
	} else {
		rbac_log(dir->lg, LOG_DEBUG, "%s: not directly below the namespace; ignored",
			 Q(a, dn));
	}
	ldap_dnfree(parsed);
	ldap_memfree(dn);
	return rc;
}

static int take_ns_page(struct rbac_dir *dir, struct ns_query *q, LDAPMessage *res)
{
	LDAPMessage *e;

	for (e = ldap_first_entry(dir->ld, res); e != NULL; e = ldap_next_entry(dir->ld, e))
		if (take_ns_entry(dir, q, e) != 0)
			return -1;
	return 0;
}

/* The paged-results cookie of a response; empty when this was the last
 * page (or the server ignored the control, and so sent everything). */
static int next_cookie(struct rbac_dir *dir, LDAPControl **sctrls, struct berval *cookie)
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
static void page_begin(struct rbac_dir *dir)
{
	if (!dir->per_page)
		return;
	(void)set_timeouts(dir->ld, dir->cfg->ldap.timeout);
	rbac_watchdog_arm(&dir->wd, monotonic_now() + dir->cfg->ldap.timeout);
}

/* One page: send the request with the cookie, take its entries, and leave
 * the next cookie in *cookie. */
static enum rbac_dir_result ns_page(struct rbac_dir *dir, struct ns_query *q, int scope,
				    const char *filter, struct berval *cookie, bool *lost)
{
	LDAPControl *ctrls[3] = {NULL, NULL, NULL};
	LDAPControl **sctrls = NULL;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out = RBAC_DIR_ERROR;
	int rc, err;

	page_begin(dir);
	if (ldap_create_page_control(dir->ld, RBAC_LDAP_PAGE_SIZE, cookie, 0, &ctrls[0]) !=
	    LDAP_SUCCESS)
		return RBAC_DIR_ERROR;
	ctrls[1] = q->vrctrl;
	rc = ldap_search_ext_s(dir->ld, q->dn, scope, filter, (char **)ns_attrs, 0, ctrls, NULL,
			       NULL, LDAP_NO_LIMIT, &res);
	if (res != NULL &&
	    ldap_parse_result(dir->ld, res, &err, NULL, NULL, NULL, &sctrls, 0) == LDAP_SUCCESS)
		rc = err;
	if (has_referral(dir, res, q->dn))
		out = RBAC_DIR_ERROR;
	else if (rc == LDAP_NO_SUCH_OBJECT)
		out = RBAC_DIR_NOT_FOUND;
	else if (rc != LDAP_SUCCESS)
		out = search_failed(dir, rc, q->dn, lost);
	else if (take_ns_page(dir, q, res) == 0 && next_cookie(dir, sctrls, cookie) == 0)
		out = RBAC_DIR_OK;
	ldap_controls_free(sctrls);
	ldap_control_free(ctrls[0]);
	ldap_msgfree(res);
	return out;
}

/* Every page of one search. */
static enum rbac_dir_result ns_search_all(struct rbac_dir *dir, struct ns_query *q, int scope,
					  const char *filter, bool *lost)
{
	struct berval cookie = {0, NULL};
	enum rbac_dir_result res;

	do {
		res = ns_page(dir, q, scope, filter, &cookie, lost);
	} while (res == RBAC_DIR_OK && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return res;
}

/* Names of roles that loaded roles inherit and that are neither loaded nor
 * asked for yet: added to `want` and `asked`. Names compare as cn values,
 * case-insensitively. Returns -1 when out of memory. */
static bool name_listed(const struct rbac_strlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], name) == 0)
			return true;
	return false;
}

static int inherited_names(const struct rbac_namespace *ns, struct rbac_strlist *asked,
			   struct rbac_strlist *want)
{
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_strlist *in = &ns->roles[i].inherits;

		for (size_t j = 0; j < in->n; j++) {
			if (rbac_namespace_find_role(ns, in->v[j]) != NULL ||
			    name_listed(asked, in->v[j]))
				continue;
			if (rbac_strlist_add(asked, in->v[j]) != 0 ||
			    rbac_strlist_add(want, in->v[j]) != 0)
				return -1;
		}
	}
	return 0;
}

/* "(&(objectClass=rbacRole)(|(cn=A)(cn=B)...))" for want[first..first+n). */
static char *roles_by_name_filter(const struct rbac_strlist *want, size_t first, size_t n)
{
	char *buf = NULL, *esc;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok = f != NULL;

	if (f != NULL)
		fputs("(&(objectClass=rbacRole)(|", f);
	for (size_t i = first; ok && i < first + n; i++) {
		esc = rbac_ldap_escape_filter(want->v[i], strlen(want->v[i]));
		ok = esc != NULL && fprintf(f, "(cn=%s)", esc) > 0;
		free(esc);
	}
	if (f != NULL) {
		fputs("))", f);
		ok = fclose(f) == 0 && ok;
	}
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Roles asked for by name in one search; more than this many names take
 * several (a filter stays a few KiB). */
#define RBAC_ROLES_PER_SEARCH 64

/* For a member's decision: the roles the first search did not bring (the
 * user does not hold them) but a loaded role inherits, one level of
 * inheritance per round, until nothing new is named. Each name is asked
 * for once, so a cycle or a missing role ends the walk; what is missing
 * stays missing and rbac_namespace_resolve() reports it. */
static enum rbac_dir_result ns_inherited(struct rbac_dir *dir, struct ns_query *q, bool *lost)
{
	struct rbac_strlist asked = RBAC_STRLIST_INIT, want = RBAC_STRLIST_INIT;
	enum rbac_dir_result res = RBAC_DIR_OK;

	while (res == RBAC_DIR_OK) {
		rbac_strlist_free(&want);
		if (inherited_names(q->out, &asked, &want) != 0) {
			res = RBAC_DIR_ERROR;
			break;
		}
		if (want.n == 0)
			break;
		for (size_t i = 0; res == RBAC_DIR_OK && i < want.n;
		     i += RBAC_ROLES_PER_SEARCH) {
			size_t n = want.n - i < RBAC_ROLES_PER_SEARCH ? want.n - i
								      : RBAC_ROLES_PER_SEARCH;
			char *filter = roles_by_name_filter(&want, i, n);

			res = filter != NULL
				  ? ns_search_all(dir, q, LDAP_SCOPE_ONELEVEL, filter, lost)
				  : RBAC_DIR_ERROR;
			free(filter);
		}
	}
	rbac_strlist_free(&want);
	rbac_strlist_free(&asked);
	/* The namespace was found by the first search: a role search that
	 * finds no base is the namespace vanishing between the two. */
	return res == RBAC_DIR_NOT_FOUND ? RBAC_DIR_ERROR : res;
}

static enum rbac_dir_result ns_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct ns_query *q = arg;
	enum rbac_dir_result res;

	/* A retry after a lost connection starts from nothing. */
	rbac_namespace_free(q->out);
	rbac_namespace_init(q->out);
	q->found = q->not_namespace = false;
	res = ns_search_all(dir, q, LDAP_SCOPE_SUBTREE, q->filter, lost);
	if (res == RBAC_DIR_OK && !q->every_role && q->found && !q->not_namespace)
		res = ns_inherited(dir, q, lost);
	return res;
}

/* The namespace's DN and its parsed form; ERROR (logged) for a bad name or
 * an unparsable ldap.base. */
static enum rbac_dir_result ns_query_init(struct rbac_dir *dir, struct ns_query *q,
					  const char *name)
{
	QBUF(a);

	if (!namespace_name_ok(name)) {
		rbac_log(dir->lg, LOG_ERR,
			 "namespace name %s: only letters, digits, '.', '_' "
			 "and '-' may be used, starting with a letter or digit",
			 Q(a, name));
		return RBAC_DIR_ERROR;
	}
	if (dir->cfg->ldap.base == NULL) {
		rbac_log(dir->lg, LOG_ERR, "ldap.base is not set");
		return RBAC_DIR_ERROR;
	}
	if (asprintf(&q->dn, "cn=%s,%s", name, dir->cfg->ldap.base) < 0) {
		q->dn = NULL;
		return RBAC_DIR_ERROR;
	}
	if (ldap_str2dn(q->dn, &q->parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS) {
		rbac_log(dir->lg, LOG_ERR, "ldap.base %s: not a valid DN",
			 Q(a, dir->cfg->ldap.base));
		return RBAC_DIR_ERROR;
	}
	return RBAC_DIR_OK;
}

/* Every role, or for a member's decision only the roles that list the
 * member (an indexed equality search: a host with a thousand roles does
 * not send a thousand entries per login); ns_inherited() then adds what
 * those inherit. Returns -1 when out of memory. */
static int ns_filter(struct ns_query *q)
{
	char *esc;
	int rc;

	/* A value too long for a filter cannot be asked for: then every
	 * role comes, and take_values() keeps only its own memberUid. */
	if (q->only_member == NULL || strlen(q->only_member) > RBAC_LDAP_VALUE_MAX) {
		q->every_role = true;
		q->filter = strdup("(|(objectClass=rbacNamespace)(objectClass=rbacRole))");
		return q->filter != NULL ? 0 : -1;
	}
	esc = rbac_ldap_escape_filter(q->only_member, strlen(q->only_member));
	if (esc == NULL)
		return -1;
	rc = asprintf(&q->filter,
		      "(|(objectClass=rbacNamespace)(&(objectClass=rbacRole)(memberUid=%s)))",
		      esc);
	free(esc);
	if (rc < 0) {
		q->filter = NULL;
		return -1;
	}
	return 0;
}

static enum rbac_dir_result ns_finish(struct rbac_dir *dir, struct ns_query *q)
{
	QBUF(a);

	if (!q->found || q->not_namespace) {
		if (!q->found)
			rbac_log(dir->lg, LOG_DEBUG, "%s: no such rbacNamespace entry",
				 Q(a, q->dn));
		return RBAC_DIR_NOT_FOUND;
	}
	if (rbac_namespace_resolve(q->out, dir->lg) < 0)
		return RBAC_DIR_ERROR;
	return RBAC_DIR_OK;
}

/* Everything a namespace search needs, set up; ERROR (logged) for a bad
 * name or base, or out of memory. Free it with ns_query_free. */
static enum rbac_dir_result ns_query_prepare(struct rbac_dir *dir, struct ns_query *q,
					     const char *name, const char *only_member,
					     struct rbac_namespace *out)
{
	enum rbac_dir_result res;

	rbac_namespace_init(out);
	memset(q, 0, sizeof(*q));
	q->name = name;
	q->only_member = only_member;
	q->out = out;
	res = ns_query_init(dir, q, name);
	if (res == RBAC_DIR_OK && ns_filter(q) != 0)
		res = RBAC_DIR_ERROR;
	if (res == RBAC_DIR_OK && only_member != NULL)
		q->vrctrl = member_filter_control(only_member);
	return res;
}

static void ns_query_free(struct ns_query *q)
{
	ldap_control_free(q->vrctrl);
	ldap_dnfree(q->parsed);
	free(q->filter);
	free(q->dn);
}

enum rbac_dir_result rbac_dir_load_namespace(struct rbac_dir *dir, const char *name,
					     const char *only_member,
					     struct rbac_namespace *out)
{
	struct ns_query q;
	enum rbac_dir_result res;

	res = ns_query_prepare(dir, &q, name, only_member, out);
	dir->per_page = only_member == NULL; /* every role: a bulk read */
	if (res == RBAC_DIR_OK)
		res = dir_run(dir, ns_search, &q);
	dir->per_page = false;
	if (res == RBAC_DIR_OK)
		res = ns_finish(dir, &q);
	if (res != RBAC_DIR_OK) {
		rbac_namespace_free(out);
		rbac_namespace_init(out);
	}
	ns_query_free(&q);
	return res;
}

/* ------------------------------------------------------------------------
 * Account
 */

struct account_query {
	const char *uid;
	char *filter;
	struct rbac_account *out;
};

static const char *const account_attrs[] = {"uid", "rbacAccountStatus", "rbacValidFrom",
					    "rbacValidUntil", "rbacStatusReason",
					    /* operational: only returned when named */
					    "pwdAccountLockedTime", NULL};

static bool entry_has_uid(LDAP *ld, LDAPMessage *e, const char *uid)
{
	struct berval **v = ldap_get_values_len(ld, e, "uid");
	bool found = false;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL && !found; i++)
		found = bv_equals(v[i], uid);
	ldap_value_free_len(v);
	return found;
}

static int fill_account(struct rbac_dir *dir, struct account_query *q, LDAPMessage *e,
			const char *dn)
{
	struct entry_buf b;
	int rc;

	if (entry_read(dir->ld, e, dn, account_attrs, &b) != 0)
		return -1;
	rc = rbac_entry_account(&b.e, q->uid, q->out);
	entry_free(&b);
	return rc;
}

static void log_duplicate(struct rbac_dir *dir, const char *uid, LDAPMessage *e1,
			  LDAPMessage *e2)
{
	char *dn1 = ldap_get_dn(dir->ld, e1), *dn2 = ldap_get_dn(dir->ld, e2);
	QBUF(a);
	QBUF(b);
	QBUF(u);

	rbac_log(dir->lg, LOG_ERR, "uid %s is claimed by two entries: %s and %s", Q(u, uid),
		 Q(a, dn1), Q(b, dn2));
	ldap_memfree(dn1);
	ldap_memfree(dn2);
}

/* Walks the answer: exactly one entry whose uid equals the asked one,
 * byte for byte, is the account; two are an error, never a choice. */
static enum rbac_dir_result take_account(struct rbac_dir *dir, struct account_query *q,
					 LDAPMessage *res, bool truncated)
{
	LDAPMessage *e, *match = NULL;
	enum rbac_dir_result out;
	char *dn;
	QBUF(a);
	QBUF(u);

	for (e = ldap_first_entry(dir->ld, res); e != NULL; e = ldap_next_entry(dir->ld, e)) {
		if (!entry_has_uid(dir->ld, e, q->uid))
			continue;
		if (match != NULL) {
			log_duplicate(dir, q->uid, match, e);
			return RBAC_DIR_ERROR;
		}
		match = e;
	}
	if (truncated) {
		/* More entries match case-insensitively than were returned:
		 * the exact one, or a second one, may be among those we did not
		 * see. */
		rbac_log(dir->lg, LOG_ERR, "uid %s: more than %d entries match under %s",
			 Q(u, q->uid), RBAC_ACCOUNT_MATCH_MAX, Q(a, dir->cfg->ldap.user_base));
		return RBAC_DIR_ERROR;
	}
	if (match == NULL)
		return RBAC_DIR_NOT_FOUND;
	dn = ldap_get_dn(dir->ld, match);
	out = dn != NULL && fill_account(dir, q, match, dn) == 0 ? RBAC_DIR_OK : RBAC_DIR_ERROR;
	ldap_memfree(dn);
	return out;
}

static enum rbac_dir_result account_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct account_query *q = arg;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out;
	int rc;

	rbac_account_free(q->out);
	rbac_account_init(q->out);
	rc = ldap_search_ext_s(dir->ld, dir->cfg->ldap.user_base, LDAP_SCOPE_SUBTREE, q->filter,
			       (char **)account_attrs, 0, NULL, NULL, NULL,
			       RBAC_ACCOUNT_MATCH_MAX, &res);
	if (has_referral(dir, res, dir->cfg->ldap.user_base))
		out = RBAC_DIR_ERROR;
	else if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED)
		out = take_account(dir, q, res, rc == LDAP_SIZELIMIT_EXCEEDED);
	else
		out = search_failed(dir, rc, dir->cfg->ldap.user_base, lost);
	ldap_msgfree(res);
	return out;
}

static enum rbac_dir_result account_query_init(struct rbac_dir *dir, struct account_query *q,
					       const char *uid)
{
	size_t len = uid != NULL ? strlen(uid) : 0;
	char *esc;
	QBUF(u);

	if (len == 0)
		return RBAC_DIR_NOT_FOUND;
	if (len > RBAC_LDAP_VALUE_MAX) {
		rbac_log(dir->lg, LOG_ERR, "uid %s: too long (%zu bytes)", Q(u, uid), len);
		return RBAC_DIR_ERROR;
	}
	if (dir->cfg->ldap.user_base == NULL) {
		rbac_log(dir->lg, LOG_ERR, "ldap.user_base is not set");
		return RBAC_DIR_ERROR;
	}
	esc = rbac_ldap_escape_filter(uid, len);
	if (esc == NULL)
		return RBAC_DIR_ERROR;
	if (asprintf(&q->filter, "(&(objectClass=rbacAccount)(uid=%s))", esc) < 0)
		q->filter = NULL;
	free(esc);
	return q->filter != NULL ? RBAC_DIR_OK : RBAC_DIR_ERROR;
}

enum rbac_dir_result rbac_dir_load_account(struct rbac_dir *dir, const char *uid,
					   struct rbac_account *out)
{
	struct account_query q = {uid, NULL, out};
	enum rbac_dir_result res;

	rbac_account_init(out);
	res = account_query_init(dir, &q, uid);
	if (res == RBAC_DIR_OK)
		res = dir_run(dir, account_search, &q);
	if (res != RBAC_DIR_OK) {
		rbac_account_free(out);
		rbac_account_init(out);
	}
	free(q.filter);
	return res;
}

/* ------------------------------------------------------------------------
 * One member's decision: the namespace and the account in one round trip
 */

struct member_query {
	struct ns_query *ns;
	struct account_query *account;
	enum rbac_dir_result ns_res, account_res;
	bool answered; /* the last run ended with the connection alive */
};

/* The answer to the account search sent as msgid. */
static enum rbac_dir_result account_collect(struct rbac_dir *dir, struct account_query *q,
					    int msgid, bool *lost)
{
	const char *base = dir->cfg->ldap.user_base;
	LDAPMessage *res = NULL;
	enum rbac_dir_result out;
	int rc, err = LDAP_OTHER;

	/* No timeout given: LDAP_OPT_TIMEOUT, as for the synchronous calls. */
	rc = ldap_result(dir->ld, msgid, LDAP_MSG_ALL, NULL, &res);
	if (rc == 0) {
		(void)ldap_abandon_ext(dir->ld, msgid, NULL, NULL);
		err = LDAP_TIMEOUT;
	} else if (rc == -1) {
		(void)ldap_get_option(dir->ld, LDAP_OPT_RESULT_CODE, &err);
	} else if (ldap_parse_result(dir->ld, res, &err, NULL, NULL, NULL, NULL, 0) !=
		   LDAP_SUCCESS) {
		err = LDAP_OTHER;
	}
	if (rc > 0 && has_referral(dir, res, base))
		out = RBAC_DIR_ERROR;
	else if (err == LDAP_SUCCESS || err == LDAP_SIZELIMIT_EXCEEDED)
		out = take_account(dir, q, res, err == LDAP_SIZELIMIT_EXCEEDED);
	else
		out = search_failed(dir, err, base, lost);
	ldap_msgfree(res);
	return out;
}

/* Sends the account search, runs the namespace searches while its answer
 * travels, then reads that answer: one round trip for both, and the server
 * works on them at once. */
static enum rbac_dir_result member_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct member_query *m = arg;
	int rc, msgid = -1;

	rbac_account_free(m->account->out);
	rbac_account_init(m->account->out);
	m->ns_res = m->account_res = RBAC_DIR_ERROR;
	m->answered = false;
	rc = ldap_search_ext(dir->ld, dir->cfg->ldap.user_base, LDAP_SCOPE_SUBTREE,
			     m->account->filter, (char **)account_attrs, 0, NULL, NULL, NULL,
			     RBAC_ACCOUNT_MATCH_MAX, &msgid);
	if (rc != LDAP_SUCCESS) {
		m->account_res = search_failed(dir, rc, dir->cfg->ldap.user_base, lost);
		m->answered = !*lost;
		return m->account_res;
	}
	m->ns_res = ns_search(dir, m->ns, lost);
	if (*lost)
		return m->ns_res; /* the account request went down with the connection */
	m->account_res = account_collect(dir, m->account, msgid, lost);
	m->answered = !*lost;
	return m->ns_res != RBAC_DIR_OK ? m->ns_res : m->account_res;
}

void rbac_dir_load_member(struct rbac_dir *dir, const char *name, const char *uid,
			  struct rbac_namespace *ns, enum rbac_dir_result *ns_res,
			  struct rbac_account *account, enum rbac_dir_result *account_res)
{
	struct account_query aq = {uid, NULL, account};
	struct ns_query nq;
	struct member_query m = {&nq, &aq, RBAC_DIR_ERROR, RBAC_DIR_ERROR, false};
	enum rbac_dir_result ns_ready, account_ready, run;

	rbac_account_init(account);
	ns_ready = ns_query_prepare(dir, &nq, name, uid, ns);
	account_ready = account_query_init(dir, &aq, uid);
	if (ns_ready == RBAC_DIR_OK && account_ready == RBAC_DIR_OK) {
		run = dir_run(dir, member_search, &m);
		/* Not answered: no connection, or it failed under the last
		 * try; then that is the answer to both. */
		if (!m.answered)
			m.ns_res = m.account_res = run;
		if (m.ns_res == RBAC_DIR_OK)
			m.ns_res = ns_finish(dir, &nq);
	} else {
		/* One of them cannot be asked: ask the other alone. */
		if (ns_ready == RBAC_DIR_OK)
			ns_ready = dir_run(dir, ns_search, &nq);
		if (ns_ready == RBAC_DIR_OK)
			ns_ready = ns_finish(dir, &nq);
		if (account_ready == RBAC_DIR_OK)
			account_ready = dir_run(dir, account_search, &aq);
		m.ns_res = ns_ready;
		m.account_res = account_ready;
	}
	if (m.ns_res != RBAC_DIR_OK) {
		rbac_namespace_free(ns);
		rbac_namespace_init(ns);
	}
	if (m.account_res != RBAC_DIR_OK) {
		rbac_account_free(account);
		rbac_account_init(account);
	}
	*ns_res = m.ns_res;
	*account_res = m.account_res;
	ns_query_free(&nq);
	free(aq.filter);
}

/* ------------------------------------------------------------------------
 * Every account (rbacctl refresh): one paged search, not one per user
 */

struct accounts_query {
	struct rbac_account *v;
	size_t n, cap;
};

void rbac_accounts_free(struct rbac_account *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rbac_account_free(&v[i]);
	free(v);
}

static struct rbac_account *accounts_next(struct accounts_query *q)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct rbac_account *v = reallocarray(q->v, cap, sizeof(*v));

		if (v == NULL)
			return NULL;
		q->v = v;
		q->cap = cap;
	}
	rbac_account_init(&q->v[q->n]);
	return &q->v[q->n];
}

/* One account per uid value: uid is multi-valued, and the entry answers to
 * each of its values exactly as rbac_dir_load_account would find it. */
static int take_bulk_entry(struct rbac_dir *dir, struct accounts_query *q, LDAPMessage *e)
{
	struct berval **v = ldap_get_values_len(dir->ld, e, "uid");
	char *dn = ldap_get_dn(dir->ld, e);
	int rc = dn != NULL ? 0 : -1;
	size_t i;
	QBUF(a);

	for (i = 0; rc == 0 && v != NULL && v[i] != NULL; i++) {
		struct account_query aq = {NULL, NULL, accounts_next(q)};
		char *uid;

		if (bv_has_nul(v[i]) || v[i]->bv_len == 0) {
			rbac_log(dir->lg, LOG_ERR,
				 "%s: an empty uid or one with a NUL byte; ignored", Q(a, dn));
			continue;
		}
		uid = strndup(v[i]->bv_val, v[i]->bv_len);
		aq.uid = uid;
		if (uid == NULL || aq.out == NULL || fill_account(dir, &aq, e, dn) != 0) {
			if (aq.out != NULL)
				rbac_account_free(aq.out);
			rc = -1;
		} else {
			q->n++;
		}
		free(uid);
	}
	ldap_value_free_len(v);
	ldap_memfree(dn);
	return rc;
}

static enum rbac_dir_result accounts_page(struct rbac_dir *dir, struct accounts_query *q,
					  struct berval *cookie, bool *lost)
{
	const char *base = dir->cfg->ldap.user_base;
	LDAPControl *ctrls[2] = {NULL, NULL};
	LDAPControl **sctrls = NULL;
	LDAPMessage *res = NULL, *e;
	enum rbac_dir_result out = RBAC_DIR_ERROR;
	int rc, err, taken = 0;

	page_begin(dir);
	if (ldap_create_page_control(dir->ld, RBAC_LDAP_PAGE_SIZE, cookie, 0, &ctrls[0]) !=
	    LDAP_SUCCESS)
		return RBAC_DIR_ERROR;
	rc = ldap_search_ext_s(dir->ld, base, LDAP_SCOPE_SUBTREE, "(objectClass=rbacAccount)",
			       (char **)account_attrs, 0, ctrls, NULL, NULL, LDAP_NO_LIMIT,
			       &res);
	if (res != NULL &&
	    ldap_parse_result(dir->ld, res, &err, NULL, NULL, NULL, &sctrls, 0) == LDAP_SUCCESS)
		rc = err;
	if (has_referral(dir, res, base)) {
		out = RBAC_DIR_ERROR;
	} else if (rc != LDAP_SUCCESS) {
		out = search_failed(dir, rc, base, lost);
	} else {
		for (e = ldap_first_entry(dir->ld, res); e != NULL && taken == 0;
		     e = ldap_next_entry(dir->ld, e))
			taken = take_bulk_entry(dir, q, e);
		if (taken == 0 && next_cookie(dir, sctrls, cookie) == 0)
			out = RBAC_DIR_OK;
	}
	ldap_controls_free(sctrls);
	ldap_control_free(ctrls[0]);
	ldap_msgfree(res);
	return out;
}

static enum rbac_dir_result accounts_search(struct rbac_dir *dir, void *arg, bool *lost)
{
	struct accounts_query *q = arg;
	struct berval cookie = {0, NULL};
	enum rbac_dir_result res;

	/* A retry after a lost connection starts from nothing. */
	rbac_accounts_free(q->v, q->n);
	memset(q, 0, sizeof(*q));
	do {
		res = accounts_page(dir, q, &cookie, lost);
	} while (res == RBAC_DIR_OK && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return res;
}

enum rbac_dir_result rbac_dir_load_accounts(struct rbac_dir *dir, struct rbac_account **out,
					    size_t *n)
{
	struct accounts_query q = {NULL, 0, 0};
	enum rbac_dir_result res;

	*out = NULL;
	*n = 0;
	if (dir->cfg->ldap.user_base == NULL) {
		rbac_log(dir->lg, LOG_ERR, "ldap.user_base is not set");
		return RBAC_DIR_ERROR;
	}
	dir->per_page = true;
	res = dir_run(dir, accounts_search, &q);
	dir->per_page = false;
	if (res != RBAC_DIR_OK) {
		rbac_accounts_free(q.v, q.n);
		return res;
	}
	*out = q.v;
	*n = q.n;
	return RBAC_DIR_OK;
}
