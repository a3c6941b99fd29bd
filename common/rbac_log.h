/*
 * rbac_log.h - one logging interface for every caller of the common library.
 *
 * The PAM module logs through pam_syslog(), the NSS snapshot writer and
 * refresh through syslog(3), and rbacctl to stderr; the common code only ever
 * calls rbac_log() with a struct rbac_logger that the caller filled in.
 * Priorities are syslog(3) priorities (LOG_ERR, LOG_WARNING, ... LOG_DEBUG).
 */
#ifndef RBAC_LOG_H
#define RBAC_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

/* Longest part of an untrusted string (user name, DN, attribute value) that
 * reaches a log line; the rest is replaced by "...". */
#define RBAC_LOG_UNTRUSTED_MAX 256
/* Buffer size that always holds rbac_log_quote()'s result. */
#define RBAC_LOG_QUOTE_BUFSZ (RBAC_LOG_UNTRUSTED_MAX * 4 + 8)

typedef void (*rbac_log_fn)(void *ctx, int priority, const char *message);

struct rbac_logger {
	rbac_log_fn fn; /* NULL: discard everything */
	void *ctx;	/* handed back to fn */
	bool debug;	/* pass LOG_DEBUG messages on */
};

/* Formats and hands one line to lg->fn. lg may be NULL. */
void rbac_log(const struct rbac_logger *lg, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Makes an untrusted string safe for one log line: at most
 * RBAC_LOG_UNTRUSTED_MAX bytes of it, bytes outside printable ASCII, the
 * double quote and backslash shown as \xHH, cut strings end in "...", so the
 * result can stand inside double quotes in a key=value line.
 * buf must hold RBAC_LOG_QUOTE_BUFSZ bytes. s may be NULL ("(null)").
 * Returns buf. */
const char *rbac_log_quote(char *buf, size_t bufsz, const char *s);

/* Ready-made sinks. rbac_log_stderr writes "rbac: message\n" (ctx: a program
 * name or NULL); rbac_log_syslog calls syslog(LOG_AUTHPRIV | priority). */
void rbac_log_stderr(void *ctx, int priority, const char *message);
void rbac_log_syslog(void *ctx, int priority, const char *message);

#endif
