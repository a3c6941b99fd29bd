/*
 * rbac_log.c - one logging interface; the sink is the caller's choice.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rbac_log.h"

/* One log line; longer messages are cut rather than split. */
#define RBAC_LOG_LINE_MAX 2048

void rbac_log(const struct rbac_logger *lg, int priority, const char *fmt, ...)
{
	char line[RBAC_LOG_LINE_MAX];
	va_list ap;

	if (lg == NULL || lg->fn == NULL)
		return;
	if (priority == LOG_DEBUG && !lg->debug)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	lg->fn(lg->ctx, priority, line);
}

static bool quote_needs_escape(unsigned char c)
{
	return c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

const char *rbac_log_quote(char *buf, size_t bufsz, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t out = 0;
	size_t i;

	if (bufsz < RBAC_LOG_QUOTE_BUFSZ) {
		if (bufsz > 0)
			buf[0] = '\0';
		return buf;
	}
	if (s == NULL)
		s = "(null)";
	for (i = 0; s[i] != '\0' && i < RBAC_LOG_UNTRUSTED_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (quote_needs_escape(c)) {
			buf[out++] = '\\';
			buf[out++] = 'x';
			buf[out++] = hex[c >> 4];
			buf[out++] = hex[c & 0xf];
		} else {
			buf[out++] = (char)c;
		}
	}
	if (s[i] != '\0') {
		memcpy(buf + out, "...", 3);
		out += 3;
	}
	buf[out] = '\0';
	return buf;
}

void rbac_log_stderr(void *ctx, int priority, const char *message)
{
	const char *prog = ctx != NULL ? (const char *)ctx : "rbac";
	const char *level = priority <= LOG_ERR	      ? "error: "
			    : priority == LOG_WARNING ? "warning: "
						      : "";

	fprintf(stderr, "%s: %s%s\n", prog, level, message);
}

void rbac_log_syslog(void *ctx, int priority, const char *message)
{
	syslog(LOG_AUTHPRIV | priority, "%s", message);
}
