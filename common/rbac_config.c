/*
 * rbac_config.c - the configuration of rbac.conf(5), read with libconfig.
 *
 * One table names every key with its type, its setter and its range. The
 * file loader walks libconfig's tree and looks every setting up in it; PAM
 * arguments reach the very same setters through rbac_config_set(), so a value
 * is checked the same way wherever it comes from.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>
#include <libconfig.h>

#include "rbac_config.h"
#include "rbac_file.h"
#include "rbac_log.h"
#include "rbac_names.h"
#include "rbac_strlist.h"

#ifndef RBAC_SYSCONFDIR
#define RBAC_SYSCONFDIR "/etc"
#endif

/* A real config is a few kilobytes; the cap bounds what root's PAM stack parses. */
#define CONFIG_MAX_SIZE (1024 * 1024)
#define URI_MAX		16
#define KEY_PATH_MAX	128

enum value_type {
	V_GROUP,
	V_STRING,
	V_BOOL,
	V_FLOAT,
	V_INT,
	V_URIS,
	V_NAMES,
	V_PERMISSIONS,
};

/* A scalar, whether it came from libconfig or from a PAM argument. */
struct value {
	const char *s;
	double d;
	long long i;
	bool b;
};

/* Where file errors go: "path:line: key: problem". */
struct load_ctx {
	const char *path;
	char *err;
	size_t errlen;
};

struct config_key;

/* Setters write only the problem into msg; the caller adds where and key. */
typedef int key_setter(struct rbac_config *cfg, const struct config_key *k,
		       const struct value *v, char *msg, size_t msglen);
typedef int string_check(const char *s, char *msg, size_t msglen);
/* Lists and maps exist only in the file and report their own errors. */
typedef int key_loader(struct rbac_config *cfg, const struct config_key *k,
		       const config_setting_t *s, const struct load_ctx *lc);

struct config_key {
	const char *name;
	enum value_type type;
	size_t offset;	     /* the field in struct rbac_config */
	key_setter *set;     /* scalars */
	string_check *check; /* strings */
	double min, max;     /* numbers */
	key_loader *load;    /* lists and maps */
};

static key_setter set_string, set_bool, set_double, set_long, set_ulong, set_unknown_user;
static string_check check_nonempty, check_dn, check_absolute_path, check_namespace_name,
    check_group_format, check_permission;
static key_loader load_uris, load_exempt_users, load_permissions;

/* clang-format off */
#define FIELD(f) offsetof(struct rbac_config, f)
#define GROUP_KEY(n) { n, V_GROUP, 0, NULL, NULL, 0, 0, NULL }
#define STRING_KEY(n, f, chk) { n, V_STRING, FIELD(f), set_string, chk, 0, 0, NULL }
#define BOOL_KEY(n, f) { n, V_BOOL, FIELD(f), set_bool, NULL, 0, 0, NULL }
#define NUMBER_KEY(n, type, f, setter, lo, hi) { n, type, FIELD(f), setter, NULL, lo, hi, NULL }
#define LIST_KEY(n, type, loader) { n, type, 0, NULL, NULL, 0, 0, loader }

static const struct config_key config_keys[] = {
	GROUP_KEY("ldap"),
	LIST_KEY("ldap.uri", V_URIS, load_uris),
	STRING_KEY("ldap.base", ldap.base, check_dn),
	STRING_KEY("ldap.user_base", ldap.user_base, check_dn),
	STRING_KEY("ldap.bind_dn", ldap.bind_dn, check_dn),
	STRING_KEY("ldap.bind_password_file", ldap.bind_password_file, check_absolute_path),
	NUMBER_KEY("ldap.timeout", V_FLOAT, ldap.timeout, set_double, 0.1, 300),
	BOOL_KEY("ldap.allow_insecure_bind", ldap.allow_insecure_bind),
	BOOL_KEY("ldap.allow_insecure", ldap.allow_insecure),
	GROUP_KEY("ldap.tls"),
	BOOL_KEY("ldap.tls.starttls", ldap.tls.starttls),
	STRING_KEY("ldap.tls.ca_file", ldap.tls.ca_file, check_absolute_path),
	BOOL_KEY("ldap.tls.verify", ldap.tls.verify),
	STRING_KEY("namespace", namespace_name, check_namespace_name),
	STRING_KEY("global_namespace", global_namespace, check_namespace_name),
	GROUP_KEY("pam"),
	LIST_KEY("pam.permissions", V_PERMISSIONS, load_permissions),
	LIST_KEY("pam.exempt_users", V_NAMES, load_exempt_users),
	{ "pam.unknown_user", V_STRING, FIELD(pam.unknown_user), set_unknown_user, NULL, 0, 0, NULL },
	BOOL_KEY("pam.messages", pam.messages),
	NUMBER_KEY("pam.offline_max_age", V_INT, pam.offline_max_age, set_long, 0, 31536000),
	NUMBER_KEY("pam.local_max_lag", V_INT, pam.local_max_lag, set_long, 0, 3600),
	GROUP_KEY("nss"),
	STRING_KEY("nss.group_format", nss.group_format, check_group_format),
	STRING_KEY("nss.global_group_format", nss.global_group_format, check_group_format),
	NUMBER_KEY("nss.gid_min", V_INT, nss.gid_min, set_ulong, 1, 4294967294.0),
	NUMBER_KEY("nss.gid_max", V_INT, nss.gid_max, set_ulong, 1, 4294967294.0),
	BOOL_KEY("nss.expand_inherited", nss.expand_inherited),
	GROUP_KEY("cache"),
	NUMBER_KEY("cache.stale_after", V_INT, cache.stale_after, set_long, 60, 31536000),
	NUMBER_KEY("cache.previous_versions", V_INT, cache.previous_versions, set_long, 0, 1),
	GROUP_KEY("sync"),
	NUMBER_KEY("sync.probe_interval", V_INT, sync.probe_interval, set_long, 1, 3600),
	NUMBER_KEY("sync.batch_ms", V_INT, sync.batch_ms, set_long, 0, 60000),
};

/* Keys that only rbac_config_set() knows: PAM arguments without a file
 * counterpart, checked by the same setters the file uses. */
static const struct config_key argument_keys[] = {
	STRING_KEY("permission", pam.permission, check_permission),
};

/* pam.permissions before the file says otherwise (rbac.conf(5)). */
static const struct rbac_service_permission default_permissions[] = {
	{ "sshd", "host.login" },
	{ "sudo", "host.sudo" },
	{ "su", "host.su" },
};
/* clang-format on */

static int put_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int put_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int file_error(const struct load_ctx *lc, const config_setting_t *s, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int file_error(const struct load_ctx *lc, const config_setting_t *s, const char *key,
		      const char *fmt, ...)
{
	char msg[RBAC_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return put_error(lc->err, lc->errlen, "%s:%u: %s: %s", lc->path,
			 (unsigned)config_setting_source_line(s), key, msg);
}

/* Config values end up in syslog: quote them like any untrusted string. */
static const char *quoted(char buf[RBAC_LOG_QUOTE_BUFSZ], const char *s)
{
	return rbac_log_quote(buf, RBAC_LOG_QUOTE_BUFSZ, s);
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_permissions(struct rbac_service_permission *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].service);
		free(p[i].permission);
	}
	free(p);
}

/* ---- checks on single values ---- */

static bool has_space_or_control(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == 0x7f)
			return true;
	}
	return false;
}

static int check_nonempty(const char *s, char *msg, size_t msglen)
{
	if (*s == '\0')
		return put_error(msg, msglen, "must not be empty");
	return 0;
}

static int check_dn(const char *s, char *msg, size_t msglen)
{
	LDAPDN dn = NULL;

	if (*s == '\0')
		return put_error(msg, msglen, "must not be empty");
	if (ldap_str2dn(s, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return put_error(msg, msglen, "not a valid LDAP DN");
	ldap_dnfree(dn);
	return 0;
}

/* sshd and sudo run from / or anywhere: a relative path would follow them. */
static int check_absolute_path(const char *s, char *msg, size_t msglen)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	if (s[0] != '/')
		return put_error(msg, msglen, "must be an absolute path (got \"%s\")",
				 quoted(q, s));
	return 0;
}

static int check_namespace_name(const char *s, char *msg, size_t msglen)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	if (rbac_namespace_name_valid(s))
		return 0;
	return put_error(msg, msglen,
			 "invalid name \"%s\" (use 1 to %d letters, digits, '.', '_' or '-', "
			 "starting with a letter or digit: the name becomes part of an LDAP DN "
			 "and of group names)",
			 quoted(q, s), RBAC_NAMESPACE_NAME_MAX);
}

static int check_format_escapes(const char *s, bool *has_role, char *msg, size_t msglen)
{
	const char *bad = rbac_group_format_bad_escape(s, has_role);

	if (bad == NULL)
		return 0;
	if (*bad == '\0')
		return put_error(msg, msglen, "ends in a lone %%");
	return put_error(msg, msglen,
			 "unknown escape %%%c (only %%r, %%n and %%%% are allowed)", *bad);
}

/* Every role becomes a group named after the format: one that can never
 * give a valid name, or that gives all roles the same name, is a mistake. */
static int check_group_format(const char *s, char *msg, size_t msglen)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];
	bool has_role = false;

	if (has_space_or_control(s) || strpbrk(s, ":,/") != NULL)
		return put_error(
		    msg, msglen,
		    "\"%s\" must not contain ':', ',', '/', spaces or control characters",
		    quoted(q, s));
	if (check_format_escapes(s, &has_role, msg, msglen) < 0)
		return -1;
	if (!has_role)
		return put_error(msg, msglen, "must contain %%r, the role name (got \"%s\")",
				 quoted(q, s));
	return 0;
}

static int check_user_name(const char *s, char *msg, size_t msglen)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	if (!rbac_user_name_valid(s, RBAC_USER_NAME_EXEMPT))
		return put_error(msg, msglen,
				 "invalid user name \"%s\" (1 to %d bytes, without '/', ':', "
				 "spaces or control characters)",
				 quoted(q, s), RBAC_USER_NAME_MAX);
	return 0;
}

static int check_permission(const char *s, char *msg, size_t msglen)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	if (!rbac_permission_valid(s))
		return put_error(msg, msglen,
				 "invalid permission \"%s\" (1 to %d bytes, without spaces or "
				 "control characters)",
				 quoted(q, s), RBAC_PERMISSION_MAX);
	return 0;
}

static bool uri_scheme_allowed(const char *s)
{
	return strncasecmp(s, "ldap://", 7) == 0 || strncasecmp(s, "ldaps://", 8) == 0 ||
	       strncasecmp(s, "ldapi://", 8) == 0;
}

static bool uri_parses(const char *s)
{
	LDAPURLDesc *lud = NULL;
	bool ok;

	if (ldap_url_parse(s, &lud) != LDAP_URL_SUCCESS)
		return false;
	ok = lud->lud_port >= 0 && lud->lud_port <= 65535;
	ldap_free_urldesc(lud);
	return ok;
}

static int check_uri(const char *s, char *msg, size_t msglen)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	if (*s == '\0')
		return put_error(msg, msglen, "must not be empty");
	if (!uri_scheme_allowed(s))
		return put_error(msg, msglen,
				 "\"%s\" does not start with ldap://, ldaps:// or ldapi://",
				 quoted(q, s));
	if (has_space_or_control(s) || !uri_parses(s))
		return put_error(msg, msglen, "\"%s\" is not a valid LDAP URI", quoted(q, s));
	return 0;
}

/* ---- setters shared by the file and rbac_config_set() ---- */

static void *field_of(struct rbac_config *cfg, const struct config_key *k)
{
	return (char *)cfg + k->offset;
}

static int replace_string(char **dst, const char *s, char *msg, size_t msglen)
{
	char *copy = strdup(s);

	if (copy == NULL)
		return put_error(msg, msglen, "out of memory");
	free(*dst);
	*dst = copy;
	return 0;
}

static int set_string(struct rbac_config *cfg, const struct config_key *k,
		      const struct value *v, char *msg, size_t msglen)
{
	string_check *check = k->check != NULL ? k->check : check_nonempty;

	if (check(v->s, msg, msglen) < 0)
		return -1;
	return replace_string(field_of(cfg, k), v->s, msg, msglen);
}

static int set_bool(struct rbac_config *cfg, const struct config_key *k, const struct value *v,
		    char *msg, size_t msglen)
{
	*(bool *)field_of(cfg, k) = v->b;
	return 0;
}

static int set_double(struct rbac_config *cfg, const struct config_key *k,
		      const struct value *v, char *msg, size_t msglen)
{
	if (!(v->d >= k->min && v->d <= k->max))
		return put_error(msg, msglen, "must be between %g and %g (got %g)", k->min,
				 k->max, v->d);
	*(double *)field_of(cfg, k) = v->d;
	return 0;
}

static int check_int_range(const struct config_key *k, long long i, char *msg, size_t msglen)
{
	if (i < (long long)k->min || i > (long long)k->max)
		return put_error(msg, msglen, "must be between %lld and %lld (got %lld)",
				 (long long)k->min, (long long)k->max, i);
	return 0;
}

static int set_long(struct rbac_config *cfg, const struct config_key *k, const struct value *v,
		    char *msg, size_t msglen)
{
	if (check_int_range(k, v->i, msg, msglen) < 0)
		return -1;
	*(long *)field_of(cfg, k) = (long)v->i;
	return 0;
}

static int set_ulong(struct rbac_config *cfg, const struct config_key *k, const struct value *v,
		     char *msg, size_t msglen)
{
	if (check_int_range(k, v->i, msg, msglen) < 0)
		return -1;
	*(unsigned long *)field_of(cfg, k) = (unsigned long)v->i;
	return 0;
}

static int set_unknown_user(struct rbac_config *cfg, const struct config_key *k,
			    const struct value *v, char *msg, size_t msglen)
{
	char q[RBAC_LOG_QUOTE_BUFSZ];

	if (strcmp(v->s, "deny") == 0)
		cfg->pam.unknown_user = RBAC_UNKNOWN_USER_DENY;
	else if (strcmp(v->s, "ignore") == 0)
		cfg->pam.unknown_user = RBAC_UNKNOWN_USER_IGNORE;
	else
		return put_error(msg, msglen, "must be \"deny\" or \"ignore\" (got \"%s\")",
				 quoted(q, v->s));
	return 0;
}

static const struct config_key *find_in(const struct config_key *keys, size_t n,
					const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* A key of the file. */
static const struct config_key *find_key(const char *name)
{
	return find_in(config_keys, sizeof(config_keys) / sizeof(config_keys[0]), name);
}

/* A key rbac_config_set() accepts: the file's, or an argument's. */
static const struct config_key *find_settable_key(const char *name)
{
	const struct config_key *k = find_key(name);

	if (k == NULL)
		k = find_in(argument_keys, sizeof(argument_keys) / sizeof(argument_keys[0]),
			    name);
	return k;
}

static const char *expected_type(enum value_type type)
{
	switch (type) {
	case V_GROUP:
		return "expected a group";
	case V_STRING:
		return "expected a string";
	case V_BOOL:
		return "expected true or false";
	case V_FLOAT:
		return "expected a number";
	case V_INT:
		return "expected an integer";
	case V_URIS:
		return "expected a string or a list of strings";
	case V_NAMES:
		return "expected a list of strings";
	case V_PERMISSIONS:
		return "expected a group of service = \"permission\" settings";
	}
	return "unexpected type";
}

/* ---- pam.permissions ---- */

static struct rbac_service_permission *find_service(struct rbac_config *cfg,
						    const char *service)
{
	size_t i;

	for (i = 0; i < cfg->pam.n_permissions; i++)
		if (strcmp(cfg->pam.permissions[i].service, service) == 0)
			return &cfg->pam.permissions[i];
	return NULL;
}

static int append_service(struct rbac_config *cfg, const char *service, const char *permission)
{
	struct rbac_service_permission *p;
	char *svc, *perm;

	p = realloc(cfg->pam.permissions, (cfg->pam.n_permissions + 1) * sizeof(*p));
	if (p == NULL)
		return -1;
	cfg->pam.permissions = p;
	svc = strdup(service);
	perm = strdup(permission);
	if (svc == NULL || perm == NULL) {
		free(svc);
		free(perm);
		return -1;
	}
	p[cfg->pam.n_permissions].service = svc;
	p[cfg->pam.n_permissions].permission = perm;
	cfg->pam.n_permissions++;
	return 0;
}

/* A service the file names overrides the built-in entry; the others stay. */
static int put_service(struct rbac_config *cfg, const char *service, const char *permission)
{
	struct rbac_service_permission *p;
	char msg[64];

	if (strcmp(service, "default") == 0)
		return replace_string(&cfg->pam.default_permission, permission, msg,
				      sizeof(msg));
	p = find_service(cfg, service);
	if (p == NULL)
		return append_service(cfg, service, permission);
	return replace_string(&p->permission, permission, msg, sizeof(msg));
}

/* ---- defaults ---- */

static int init_defaults(struct rbac_config *cfg)
{
	size_t i;

	cfg->pam.default_permission = strdup("host.login");
	cfg->nss.group_format = strdup("rbac-%r");
	cfg->nss.global_group_format = strdup("rbac-global-%r");
	cfg->pam.exempt_users = calloc(1, sizeof(char *));
	if (cfg->pam.exempt_users == NULL)
		return -1;
	cfg->pam.exempt_users[0] = strdup("root");
	if (cfg->pam.exempt_users[0] == NULL)
		return -1;
	cfg->pam.n_exempt_users = 1;
	for (i = 0; i < sizeof(default_permissions) / sizeof(default_permissions[0]); i++)
		if (append_service(cfg, default_permissions[i].service,
				   default_permissions[i].permission) < 0)
			return -1;
	return 0;
}

void rbac_config_init(struct rbac_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ldap.timeout = 3.0;
	cfg->ldap.tls.verify = true;
	cfg->pam.unknown_user = RBAC_UNKNOWN_USER_DENY;
	cfg->pam.messages = true;
	cfg->nss.gid_min = 900000;
	cfg->nss.gid_max = 999999;
	cfg->nss.expand_inherited = true;
	cfg->cache.stale_after = 259200;
	cfg->cache.previous_versions = 1;
	cfg->sync.probe_interval = 5;
	cfg->sync.batch_ms = 100;
	/* Out of memory leaves a NULL that rbac_config_validate() reports. */
	(void)init_defaults(cfg);
}

void rbac_config_free(struct rbac_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->path);
	free_strv(cfg->ldap.uri, cfg->ldap.n_uri);
	free(cfg->ldap.base);
	free(cfg->ldap.user_base);
	free(cfg->ldap.bind_dn);
	free(cfg->ldap.bind_password_file);
	if (cfg->ldap.bind_password != NULL) {
		explicit_bzero(cfg->ldap.bind_password, strlen(cfg->ldap.bind_password));
		free(cfg->ldap.bind_password);
	}
	free(cfg->ldap.tls.ca_file);
	free(cfg->namespace_name);
	free(cfg->global_namespace);
	free_permissions(cfg->pam.permissions, cfg->pam.n_permissions);
	free(cfg->pam.default_permission);
	free(cfg->pam.permission);
	free_strv(cfg->pam.exempt_users, cfg->pam.n_exempt_users);
	free(cfg->nss.group_format);
	free(cfg->nss.global_group_format);
	memset(cfg, 0, sizeof(*cfg));
}

const char *rbac_config_default_path(void)
{
	const char *env = secure_getenv(RBAC_CONFIG_ENV);

	if (env != NULL && *env != '\0')
		return env;
	return RBAC_SYSCONFDIR "/rbac.conf";
}

/* ---- rbac_config_set() ---- */

static int parse_bool(const char *s, bool *b)
{
	if (strcasecmp(s, "true") == 0)
		*b = true;
	else if (strcasecmp(s, "false") == 0)
		*b = false;
	else
		return -1;
	return 0;
}

/* sudo and su call setlocale(): "0.5" must not depend on LC_NUMERIC, as it
 * does not in libconfig, which parses in the C locale too. */
static int parse_double(const char *s, double *d)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	char *end;

	if (c == (locale_t)0)
		return -1;
	*d = strtod_l(s, &end, c);
	freelocale(c);
	return *s != '\0' && *end == '\0' && isfinite(*d) ? 0 : -1;
}

static int value_from_string(const struct config_key *k, const char *s, struct value *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	v->s = s;
	errno = 0;
	switch (k->type) {
	case V_STRING:
		return 0;
	case V_BOOL:
		return parse_bool(s, &v->b);
	case V_FLOAT:
		return parse_double(s, &v->d);
	case V_INT:
		v->i = strtoll(s, &end, 10);
		return *s != '\0' && *end == '\0' && errno == 0 ? 0 : -1;
	default:
		return -1;
	}
}

int rbac_config_set(struct rbac_config *cfg, const char *key, const char *value,
		    const char *where, char *err, size_t errlen)
{
	const struct config_key *k = find_settable_key(key != NULL ? key : "");
	char q[RBAC_LOG_QUOTE_BUFSZ];
	char msg[RBAC_ERRLEN];
	struct value v;

	if (where == NULL)
		where = "argument";
	if (k == NULL)
		return put_error(err, errlen, "%s: %s: unknown key", where, quoted(q, key));
	if (k->set == NULL)
		return put_error(err, errlen, "%s: %s: can only be set in the config file",
				 where, k->name);
	if (value == NULL)
		return put_error(err, errlen, "%s: %s: missing value", where, k->name);
	if (value_from_string(k, value, &v) < 0)
		return put_error(err, errlen, "%s: %s: %s (got \"%s\")", where, k->name,
				 expected_type(k->type), quoted(q, value));
	if (k->set(cfg, k, &v, msg, sizeof(msg)) < 0)
		return put_error(err, errlen, "%s: %s: %s", where, k->name, msg);
	return 0;
}

/* ---- the file ---- */

static int value_from_setting(const struct config_key *k, const config_setting_t *s,
			      struct value *v)
{
	int type = config_setting_type(s);

	memset(v, 0, sizeof(*v));
	if (k->type == V_STRING && type == CONFIG_TYPE_STRING)
		v->s = config_setting_get_string(s);
	else if (k->type == V_BOOL && type == CONFIG_TYPE_BOOL)
		v->b = config_setting_get_bool(s) != 0;
	else if ((k->type == V_INT || k->type == V_FLOAT) && type == CONFIG_TYPE_INT)
		v->i = config_setting_get_int(s);
	else if ((k->type == V_INT || k->type == V_FLOAT) && type == CONFIG_TYPE_INT64)
		v->i = config_setting_get_int64(s);
	else if (k->type != V_FLOAT || type != CONFIG_TYPE_FLOAT)
		return -1;
	v->d = type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)v->i;
	return 0;
}

static int load_scalar(struct rbac_config *cfg, const struct config_key *k,
		       const config_setting_t *s, const struct load_ctx *lc)
{
	char msg[RBAC_ERRLEN];
	struct value v;

	if (value_from_setting(k, s, &v) < 0)
		return file_error(lc, s, k->name, "%s", expected_type(k->type));
	if (k->set(cfg, k, &v, msg, sizeof(msg)) < 0)
		return file_error(lc, s, k->name, "%s", msg);
	return 0;
}

/* Collects a list or array of strings, each passing check, into out. */
static int load_strings(const struct config_key *k, const config_setting_t *s,
			string_check *check, const struct load_ctx *lc,
			struct rbac_strlist *out)
{
	char msg[RBAC_ERRLEN];
	int i, n;

	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return file_error(lc, s, k->name, "%s", expected_type(k->type));
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *str = config_setting_get_string(e);

		if (str == NULL)
			return file_error(lc, e, k->name, "%s", expected_type(k->type));
		if (check(str, msg, sizeof(msg)) < 0)
			return file_error(lc, e, k->name, "%s", msg);
		if (rbac_strlist_add(out, str) < 0)
			return file_error(lc, e, k->name, "out of memory");
	}
	return 0;
}

static int load_uri_list(const struct config_key *k, const config_setting_t *s,
			 const struct load_ctx *lc, struct rbac_strlist *out)
{
	char msg[RBAC_ERRLEN];
	const char *str = config_setting_get_string(s);

	if (str == NULL)
		return load_strings(k, s, check_uri, lc, out);
	if (check_uri(str, msg, sizeof(msg)) < 0)
		return file_error(lc, s, k->name, "%s", msg);
	if (rbac_strlist_add(out, str) < 0)
		return file_error(lc, s, k->name, "out of memory");
	return 0;
}

static int load_uris(struct rbac_config *cfg, const struct config_key *k,
		     const config_setting_t *s, const struct load_ctx *lc)
{
	struct rbac_strlist uris = RBAC_STRLIST_INIT;

	if (load_uri_list(k, s, lc, &uris) < 0)
		goto fail;
	if (uris.n < 1 || uris.n > URI_MAX) {
		file_error(lc, s, k->name, "must list between 1 and %d URIs (got %zu)", URI_MAX,
			   uris.n);
		goto fail;
	}
	free_strv(cfg->ldap.uri, cfg->ldap.n_uri);
	cfg->ldap.uri = uris.v;
	cfg->ldap.n_uri = uris.n;
	cfg->ldap.uri_line = (unsigned)config_setting_source_line(s);
	return 0;
fail:
	rbac_strlist_free(&uris);
	return -1;
}

static int load_exempt_users(struct rbac_config *cfg, const struct config_key *k,
			     const config_setting_t *s, const struct load_ctx *lc)
{
	struct rbac_strlist users = RBAC_STRLIST_INIT;

	if (load_strings(k, s, check_user_name, lc, &users) < 0) {
		rbac_strlist_free(&users);
		return -1;
	}
	free_strv(cfg->pam.exempt_users, cfg->pam.n_exempt_users);
	cfg->pam.exempt_users = users.v;
	cfg->pam.n_exempt_users = users.n;
	return 0;
}

static int load_permissions(struct rbac_config *cfg, const struct config_key *k,
			    const config_setting_t *s, const struct load_ctx *lc)
{
	char key[KEY_PATH_MAX], msg[RBAC_ERRLEN];
	int i, n;

	if (!config_setting_is_group(s))
		return file_error(lc, s, k->name, "%s", expected_type(k->type));
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *perm = config_setting_get_string(e);

		snprintf(key, sizeof(key), "%s.%s", k->name, config_setting_name(e));
		if (perm == NULL)
			return file_error(lc, e, key, "expected a string");
		if (check_permission(perm, msg, sizeof(msg)) < 0)
			return file_error(lc, e, key, "%s", msg);
		if (put_service(cfg, config_setting_name(e), perm) < 0)
			return file_error(lc, e, key, "out of memory");
	}
	return 0;
}

static int load_group(struct rbac_config *cfg, const config_setting_t *group,
		      const char *prefix, const struct load_ctx *lc);

static int load_setting(struct rbac_config *cfg, const struct config_key *k,
			const config_setting_t *s, const struct load_ctx *lc)
{
	if (k->type == V_GROUP) {
		if (!config_setting_is_group(s))
			return file_error(lc, s, k->name, "%s", expected_type(k->type));
		return load_group(cfg, s, k->name, lc);
	}
	if (k->load != NULL)
		return k->load(cfg, k, s, lc);
	return load_scalar(cfg, k, s, lc);
}

static int load_group(struct rbac_config *cfg, const config_setting_t *group,
		      const char *prefix, const struct load_ctx *lc)
{
	char key[KEY_PATH_MAX];
	int i, n = config_setting_length(group);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const struct config_key *k;

		if (prefix != NULL)
			snprintf(key, sizeof(key), "%s.%s", prefix, config_setting_name(s));
		else
			snprintf(key, sizeof(key), "%s", config_setting_name(s));
		k = find_key(key);
		if (k == NULL)
			return file_error(lc, s, key, "unknown key");
		if (load_setting(cfg, k, s, lc) < 0)
			return -1;
	}
	return 0;
}

/*
 * libconfig 1.5 has two traps its tree no longer shows, so the raw text is
 * scanned first, skipping strings and comments as libconfig's scanner does:
 * "@include" would open a file that never went through the owner and mode
 * checks, and a decimal or hex integer beyond 32 bits without an L suffix
 * silently wraps (4294967294 reads as -2, 4295867296 as 900000).
 */
struct scanner {
	const char *p;
	unsigned line;
};

static void skip_line_comment(struct scanner *sc)
{
	while (*sc->p != '\0' && *sc->p != '\n')
		sc->p++;
}

static void skip_block_comment(struct scanner *sc)
{
	for (sc->p += 2; *sc->p != '\0' && strncmp(sc->p, "*/", 2) != 0; sc->p++)
		if (*sc->p == '\n')
			sc->line++;
	if (*sc->p != '\0')
		sc->p += 2;
}

static void skip_string(struct scanner *sc)
{
	for (sc->p++; *sc->p != '\0' && *sc->p != '"'; sc->p++) {
		if (*sc->p == '\\' && sc->p[1] != '\0')
			sc->p++;
		if (*sc->p == '\n')
			sc->line++;
	}
	if (*sc->p == '"')
		sc->p++;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '*';
}

static void skip_float_rest(struct scanner *sc)
{
	while (isalnum((unsigned char)*sc->p) || *sc->p == '.' || *sc->p == '+' ||
	       *sc->p == '-')
		sc->p++;
}

/* Moves past one number; returns false for an integer libconfig 1.5 wraps. */
static bool integer_fits(struct scanner *sc, const char *start)
{
	const char *digits = sc->p;
	bool hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
	long long i;

	sc->p += hex ? 2 : 0;
	while (hex ? isxdigit((unsigned char)*sc->p) : isdigit((unsigned char)*sc->p))
		sc->p++;
	if (!hex && (*sc->p == '.' || *sc->p == 'e' || *sc->p == 'E')) {
		skip_float_rest(sc);
		return true;
	}
	if (*sc->p == 'L')
		return true;
	errno = 0;
	if (hex)
		return strtoull(digits, NULL, 16) <= INT_MAX && errno == 0;
	i = strtoll(start, NULL, 10);
	return errno == 0 && i >= INT_MIN && i <= INT_MAX;
}

static int scan_number(struct scanner *sc, const char *text, const struct load_ctx *lc)
{
	bool fraction = sc->p > text && sc->p[-1] == '.';
	bool sign = sc->p > text && (sc->p[-1] == '-' || sc->p[-1] == '+');
	const char *start = sign ? sc->p - 1 : sc->p;

	if (fraction) {
		while (isdigit((unsigned char)*sc->p))
			sc->p++;
		return 0;
	}
	if (integer_fits(sc, start))
		return 0;
	return put_error(lc->err, lc->errlen,
			 "%s:%u: integer %.*s does not fit in 32 bits: libconfig needs it "
			 "written with an L suffix (%.*sL)",
			 lc->path, sc->line, (int)(sc->p - start), start, (int)(sc->p - start),
			 start);
}

static int scan_text(const char *text, const struct load_ctx *lc)
{
	struct scanner sc = {text, 1};

	while (*sc.p != '\0') {
		if (*sc.p == '"')
			skip_string(&sc);
		else if (*sc.p == '#' || strncmp(sc.p, "//", 2) == 0)
			skip_line_comment(&sc);
		else if (strncmp(sc.p, "/*", 2) == 0)
			skip_block_comment(&sc);
		else if (strncmp(sc.p, "@include", 8) == 0)
			return put_error(lc->err, lc->errlen,
					 "%s:%u: @include is not allowed (an included file "
					 "would escape the owner and mode checks)",
					 lc->path, sc.line);
		else if (isalpha((unsigned char)*sc.p) || *sc.p == '*')
			while (word_char(*sc.p))
				sc.p++;
		else if (isdigit((unsigned char)*sc.p)) {
			if (scan_number(&sc, text, lc) < 0)
				return -1;
		} else if (*sc.p++ == '\n')
			sc.line++;
	}
	return 0;
}

static int parse_text(struct rbac_config *cfg, const char *text, const struct load_ctx *lc)
{
	config_t lib;
	int rc;

	config_init(&lib);
	if (config_read_string(&lib, text) != CONFIG_TRUE) {
		const char *what = config_error_text(&lib);

		/* libconfig's most common text is "syntax error" itself. */
		if (what == NULL || strcmp(what, "syntax error") == 0)
			rc = put_error(lc->err, lc->errlen, "%s:%d: syntax error", lc->path,
				       config_error_line(&lib));
		else
			rc = put_error(lc->err, lc->errlen, "%s:%d: syntax error (%s)",
				       lc->path, config_error_line(&lib), what);
	} else {
		rc = load_group(cfg, config_root_setting(&lib), NULL, lc);
	}
	config_destroy(&lib);
	return rc;
}

/* The text is read from the descriptor that passed the owner and mode checks. */
static int read_file(struct rbac_config *cfg, const char *path, uid_t owner,
		     struct rbac_file_id *id, char *err, size_t errlen)
{
	struct load_ctx lc = {path, err, errlen};
	size_t len;
	char *text;
	int rc;

	text = rbac_file_read_trusted_id(path, owner, RBAC_FILE_NO_WRITE_OTHERS,
					 CONFIG_MAX_SIZE, &len, id, err, errlen);
	if (text == NULL)
		return -1;
	if (strlen(text) != len)
		rc = put_error(err, errlen, "%s: contains a NUL byte (not a text file)", path);
	else if (scan_text(text, &lc) < 0)
		rc = -1;
	else
		rc = parse_text(cfg, text, &lc);
	free(text);
	return rc;
}

int rbac_config_load_owned(const char *path, uid_t owner, struct rbac_config *cfg, char *err,
			   size_t errlen)
{
	return rbac_config_load_id(path, owner, cfg, NULL, err, errlen);
}

static bool sets_no_directory(const struct rbac_config *cfg);
static int not_configured(const struct rbac_config *cfg, char *err, size_t errlen);

int rbac_config_load_id(const char *path, uid_t owner, struct rbac_config *cfg,
			struct rbac_file_id *id, char *err, size_t errlen)
{
	struct rbac_config tmp;
	int rc = RBAC_CONFIG_INVALID;

	if (path == NULL)
		return put_error(err, errlen, "no config file given");
	rbac_config_init(&tmp);
	tmp.path = strdup(path);
	if (tmp.path == NULL) {
		put_error(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (read_file(&tmp, path, owner, id, err, errlen) < 0)
		goto fail;
	if (tmp.ldap.user_base == NULL && tmp.ldap.base != NULL) {
		tmp.ldap.user_base = strdup(tmp.ldap.base);
		if (tmp.ldap.user_base == NULL) {
			put_error(err, errlen, "%s: out of memory", path);
			goto fail;
		}
	}
	if (sets_no_directory(&tmp)) {
		rc = not_configured(&tmp, err, errlen);
		goto fail;
	}
	if (rbac_config_validate(&tmp, err, errlen) < 0)
		goto fail;
	rbac_config_free(cfg);
	*cfg = tmp;
	return RBAC_CONFIG_LOADED;
fail:
	rbac_config_free(&tmp);
	return rc;
}

int rbac_config_load(const char *path, struct rbac_config *cfg, char *err, size_t errlen)
{
	return rbac_config_load_owned(path, 0, cfg, err, errlen);
}

/* ---- rules across keys ---- */

bool rbac_host_is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (host == NULL || host[0] == '\0')
		return false;
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return false;
}

/*
 * Finds the first URI that would carry the bind password in clear text over
 * the network: plain ldap:// to a host that is not loopback. An empty host
 * means libldap's default, which this file does not control: not trusted.
 */
static int find_insecure_uri(const struct rbac_config *cfg, char *host, size_t hostlen)
{
	LDAPURLDesc *lud;
	size_t i;

	for (i = 0; i < cfg->ldap.n_uri; i++) {
		bool insecure = true;

		lud = NULL;
		if (ldap_url_parse(cfg->ldap.uri[i], &lud) == LDAP_URL_SUCCESS) {
			bool has_host = lud->lud_host != NULL && lud->lud_host[0] != '\0';

			insecure = strcasecmp(lud->lud_scheme, "ldap") == 0 &&
				   !rbac_host_is_loopback(lud->lud_host);
			if (has_host)
				rbac_log_quote(host, hostlen, lud->lud_host);
			else
				snprintf(host, hostlen, "the default host");
			ldap_free_urldesc(lud);
		} else {
			rbac_log_quote(host, hostlen, cfg->ldap.uri[i]);
		}
		if (insecure)
			return 0;
	}
	return -1;
}

static int check_insecure_bind(const struct rbac_config *cfg, const char *file, char *err,
			       size_t errlen)
{
	char host[RBAC_LOG_QUOTE_BUFSZ];

	if (cfg->ldap.bind_dn == NULL || cfg->ldap.tls.starttls ||
	    cfg->ldap.allow_insecure_bind)
		return 0;
	if (find_insecure_uri(cfg, host, sizeof(host)) < 0)
		return 0;
	return put_error(
	    err, errlen,
	    "%s: ldap.bind_dn: refusing to send a bind password over plain ldap:// "
	    "to %s without ldap.tls.starttls (set ldap.allow_insecure_bind = true to "
	    "override)",
	    file, host);
}

/* The directory's answers decide who may log in: over plain ldap:// to
 * another host, anyone on the path could write them, password or not. */
static int check_plaintext(const struct rbac_config *cfg, const char *file, char *err,
			   size_t errlen)
{
	char host[RBAC_LOG_QUOTE_BUFSZ], where[32] = "";

	if (cfg->ldap.tls.starttls || cfg->ldap.allow_insecure || cfg->ldap.allow_insecure_bind)
		return 0;
	if (find_insecure_uri(cfg, host, sizeof(host)) < 0)
		return 0;
	if (cfg->ldap.uri_line > 0)
		snprintf(where, sizeof(where), ":%u", cfg->ldap.uri_line);
	return put_error(err, errlen,
			 "%s%s: ldap.uri: refusing plain ldap:// to %s without "
			 "ldap.tls.starttls: its answers decide access (use ldaps:// or "
			 "ldap.tls.starttls, or set ldap.allow_insecure = true)",
			 file, where, host);
}

static int check_required(const struct rbac_config *cfg, const char *file, char *err,
			  size_t errlen)
{
	const char *missing = NULL;

	if (cfg->ldap.n_uri == 0)
		missing = "ldap.uri";
	else if (cfg->ldap.base == NULL)
		missing = "ldap.base";
	else if (cfg->namespace_name == NULL)
		missing = "namespace";
	if (missing != NULL)
		return put_error(err, errlen, "%s: %s: required key is missing", file, missing);
	return 0;
}

static int check_defaults_set(const struct rbac_config *cfg, const char *file, char *err,
			      size_t errlen)
{
	/* rbac_config_init() could not allocate; the built-in service map is
	 * never shrunk, so an empty one means the same. */
	if (cfg->pam.default_permission == NULL || cfg->nss.group_format == NULL ||
	    cfg->nss.global_group_format == NULL || cfg->pam.n_permissions == 0)
		return put_error(err, errlen, "%s: out of memory while setting defaults", file);
	return 0;
}

static int check_bind_pair(const struct rbac_config *cfg, const char *file, char *err,
			   size_t errlen)
{
	if (cfg->ldap.bind_dn != NULL && cfg->ldap.bind_password_file == NULL &&
	    cfg->ldap.bind_password == NULL)
		return put_error(
		    err, errlen,
		    "%s: ldap.bind_password_file: required when ldap.bind_dn is set", file);
	if (cfg->ldap.bind_dn == NULL && cfg->ldap.bind_password_file != NULL)
		return put_error(
		    err, errlen,
		    "%s: ldap.bind_dn: required when ldap.bind_password_file is set", file);
	return 0;
}

/* Without %n, equal formats give a host role and a global role of the same
 * name one group name: the snapshot writer would have to drop one of them. */
static int check_group_formats_differ(const struct rbac_config *cfg, const char *file,
				      char *err, size_t errlen)
{
	if (strcmp(cfg->nss.group_format, cfg->nss.global_group_format) != 0 ||
	    strstr(cfg->nss.group_format, "%n") != NULL)
		return 0;
	return put_error(err, errlen,
			 "%s: nss.global_group_format: must differ from nss.group_format "
			 "(or contain %%n)",
			 file);
}

/* Every rule across keys but the required ones. */
static int check_combinations(const struct rbac_config *cfg, const char *file, char *err,
			      size_t errlen)
{
	if (check_defaults_set(cfg, file, err, errlen) < 0)
		return -1;
	if (cfg->nss.gid_min > cfg->nss.gid_max)
		return put_error(
		    err, errlen,
		    "%s: nss.gid_min: must not be greater than nss.gid_max (%lu > %lu)", file,
		    cfg->nss.gid_min, cfg->nss.gid_max);
	if (cfg->global_namespace != NULL && cfg->namespace_name != NULL &&
	    strcmp(cfg->global_namespace, cfg->namespace_name) == 0)
		return put_error(err, errlen,
				 "%s: global_namespace: must differ from namespace", file);
	if (check_group_formats_differ(cfg, file, err, errlen) < 0)
		return -1;
	if (check_bind_pair(cfg, file, err, errlen) < 0)
		return -1;
	if (check_insecure_bind(cfg, file, err, errlen) < 0)
		return -1;
	return check_plaintext(cfg, file, err, errlen);
}

int rbac_config_validate(const struct rbac_config *cfg, char *err, size_t errlen)
{
	const char *file = cfg->path != NULL ? cfg->path : "(no config file)";

	if (check_required(cfg, file, err, errlen) < 0)
		return -1;
	return check_combinations(cfg, file, err, errlen);
}

/* The packages' default file names no directory and no namespace: the
 * modules stand aside until an admin sets them (rbac.conf(5), NOT
 * CONFIGURED). Setting only some of the three is a mistake, not this. */
static bool sets_no_directory(const struct rbac_config *cfg)
{
	return cfg->ldap.n_uri == 0 && cfg->ldap.base == NULL && cfg->namespace_name == NULL;
}

/* A file that sets none of the three is "not configured" only when
 * everything else in it is right: any other mistake stays an error. */
static int not_configured(const struct rbac_config *cfg, char *err, size_t errlen)
{
	if (check_combinations(cfg, cfg->path, err, errlen) < 0)
		return RBAC_CONFIG_INVALID;
	put_error(err, errlen,
		  "%s: not configured: it sets none of namespace, ldap.uri and ldap.base",
		  cfg->path);
	return RBAC_CONFIG_NOT_CONFIGURED;
}

/* ---- lookups ---- */

const char *rbac_config_permission_for(const struct rbac_config *cfg, const char *service)
{
	size_t i;

	if (cfg->pam.permission != NULL)
		return cfg->pam.permission;
	for (i = 0; service != NULL && i < cfg->pam.n_permissions; i++)
		if (strcmp(cfg->pam.permissions[i].service, service) == 0)
			return cfg->pam.permissions[i].permission;
	return cfg->pam.default_permission;
}

size_t rbac_config_pam_permission_values(const struct rbac_config *cfg, const char **v,
					 size_t max)
{
	size_t n = 0;

	if (cfg->pam.default_permission != NULL && max > 0)
		v[n++] = cfg->pam.default_permission;
	for (size_t i = 0; i < cfg->pam.n_permissions && n < max; i++) {
		bool seen = false;

		for (size_t j = 0; j < n; j++)
			seen = seen || strcmp(v[j], cfg->pam.permissions[i].permission) == 0;
		if (!seen)
			v[n++] = cfg->pam.permissions[i].permission;
	}
	return n;
}

bool rbac_config_is_exempt(const struct rbac_config *cfg, const char *user)
{
	size_t i;

	for (i = 0; user != NULL && i < cfg->pam.n_exempt_users; i++)
		if (strcmp(cfg->pam.exempt_users[i], user) == 0)
			return true;
	return false;
}
