/*
 * rbac_config.h - the configuration of rbac.conf(5), read with libconfig.
 *
 * Every key has a default (rbac_config_init). The file may set any key; an
 * unknown key, a wrong type or an out-of-range value is an error naming the
 * file, the line and the key. PAM arguments (namespace=, unknown_user=,
 * permission=) go through the same setter as the file, rbac_config_set().
 */
#ifndef RBAC_CONFIG_H
#define RBAC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RBAC_CONFIG_ENV "RBAC_CONFIG"
#define RBAC_ERRLEN	512

enum rbac_unknown_user {
	RBAC_UNKNOWN_USER_DENY,
	RBAC_UNKNOWN_USER_IGNORE,
};

struct rbac_service_permission {
	char *service;
	char *permission;
};

struct rbac_config {
	char *path; /* the file it was read from; NULL for defaults only */

	struct {
		char **uri; /* required: ldap.uri (string or list) */
		size_t n_uri;
		char *base;		  /* required: ldap.base */
		char *user_base;	  /* default: ldap.base */
		char *bind_dn;		  /* default: NULL = anonymous */
		char *bind_password_file; /* default: NULL */
		double timeout;		  /* default 3.0, range [0.1, 300] */
		bool allow_insecure_bind; /* default false */
		/* default false: plain ldap:// off loopback without StartTLS
		 * is refused even without a password (allow_insecure_bind
		 * implies it) */
		bool allow_insecure;
		unsigned uri_line; /* where ldap.uri was set; 0: not from a file */
		/* Never from a file: rbacctl's writing commands set them.
		 * sasl_external binds with SASL EXTERNAL instead of bind_dn
		 * (-Y EXTERNAL, on ldapi://); bind_password is -W's answer,
		 * used instead of bind_password_file (wiped when freed). */
		bool sasl_external;
		char *bind_password;
		struct {
			bool starttls; /* default false */
			char *ca_file; /* default NULL: the system's trust store */
			bool verify;   /* default true */
		} tls;
	} ldap;

	char *namespace_name;	/* required: namespace */
	char *global_namespace; /* default NULL */

	struct {
		/* pam.permissions: service -> permission. Built in: sshd ->
		 * host.login, sudo -> host.sudo, su -> host.su; the file
		 * overrides those services and adds others; its "default"
		 * member sets default_permission. */
		struct rbac_service_permission *permissions;
		size_t n_permissions;
		char *default_permission; /* default "host.login" */
		char **exempt_users;	  /* default [ "root" ] */
		size_t n_exempt_users;
		enum rbac_unknown_user unknown_user; /* default deny */
		bool messages;			     /* default true */
		long offline_max_age;		     /* default 0, range [0, 31536000] */
		/* Seconds the sync agent's proof of currency may be old for
		 * pam_rbac to decide from accounts.v3.db without asking the
		 * directory; 0 always asks. Default 0, range [0, 3600]. */
		long local_max_lag;
		/* The PAM argument permission=: overrides the service map for
		 * every service. Not a file key; set through rbac_config_set(). */
		char *permission; /* default NULL */
	} pam;

	struct {
		char *group_format;	   /* default "rbac-%r" */
		char *global_group_format; /* default "rbac-global-%r" */
		unsigned long gid_min;	   /* default 900000 */
		unsigned long gid_max;	   /* default 999999 */
		bool expand_inherited;	   /* default true */
	} nss;

	struct {
		long stale_after; /* default 259200, range [60, 31536000] */
		/* The previous major snapshot versions written beside the
		 * current one (groups.db, accounts.db): default 1, range [0, 1]. */
		long previous_versions;
	} cache;

	/* rbac-syncd(8): the live sync agent. */
	struct {
		long probe_interval; /* default 5 s, range [1, 3600] */
		long batch_ms;	     /* default 100 ms, range [0, 60000] */
	} sync;
};

/* Fills cfg with every default; required keys stay NULL. */
void rbac_config_init(struct rbac_config *cfg);
void rbac_config_free(struct rbac_config *cfg);

/* The config path: $RBAC_CONFIG through secure_getenv() (so setuid and
 * setgid programs ignore it), else SYSCONFDIR/rbac.conf. */
const char *rbac_config_default_path(void);

/* What rbac_config_load*() made of a file. */
enum rbac_config_result {
	RBAC_CONFIG_LOADED = 0,
	/* unreadable, untrusted, or any mistake: pam_rbac's config_error */
	RBAC_CONFIG_INVALID = -1,
	/* A file that sets none of namespace, ldap.uri and ldap.base and has
	 * no other mistake: the packages' default (etc/rbac.conf.default).
	 * pam_rbac steps aside (not_configured); nothing reads a directory. */
	RBAC_CONFIG_NOT_CONFIGURED = -2,
};

/* Reads path into cfg (which rbac_config_init() prepared): the file must be
 * a regular file owned by root and not writable by group or others. On
 * error returns -1 and writes one line to err, e.g.
 *   "/etc/rbac.conf:7: ldap.timeout: must be between 0.1 and 300 (got 0)"
 * On error cfg is left exactly as it was; on success it is replaced by the
 * defaults plus the file (whatever was set before the load is dropped), and
 * ldap.user_base is never NULL (it defaults to ldap.base). Returns an enum
 * rbac_config_result: RBAC_CONFIG_NOT_CONFIGURED is a failure like -1 for
 * a caller that does not tell them apart (cfg unchanged, err says
 * "PATH: not configured: ..."). */
int rbac_config_load(const char *path, struct rbac_config *cfg, char *err, size_t errlen);
/* The same, with the trusted owner given: for tests that do not run as root. */
int rbac_config_load_owned(const char *path, uid_t owner, struct rbac_config *cfg, char *err,
			   size_t errlen);
struct rbac_file_id;
/* rbac_config_load_owned, and the identity of the file it read (rbac_file.h)
 * in *id, so that a caller may keep cfg while the file stays that file
 * (rbac_file_same()). */
int rbac_config_load_id(const char *path, uid_t owner, struct rbac_config *cfg,
			struct rbac_file_id *id, char *err, size_t errlen);

/* Sets one scalar key from a string, with the same checks as the file, e.g.
 * rbac_config_set(cfg, "namespace", "eng", "argument", err, sizeof err).
 * `where` prefixes the error ("argument" -> "argument: namespace: ...").
 * Supports the string, number and boolean keys (not the lists), and the
 * key "permission" (pam.permission above), which only arguments set. */
int rbac_config_set(struct rbac_config *cfg, const char *key, const char *value,
		    const char *where, char *err, size_t errlen);

/* Checks what no single key can: required keys present, gid_min <= gid_max,
 * the insecure-bind rule. Returns -1 with a message naming file and key. */
int rbac_config_validate(const struct rbac_config *cfg, char *err, size_t errlen);

/* The permission a PAM service needs: the argument permission= when it was
 * given, else pam.permissions[service], else pam.permissions.default. */
const char *rbac_config_permission_for(const struct rbac_config *cfg, const char *service);
/* The distinct values of pam.permissions and its default, at most max of
 * them, default first, into v: the permissions whose grants `rbacctl
 * refresh` stores in accounts.db, and so the only ones pam_rbac's offline
 * mode may answer for. Returns the count. */
#define RBAC_CONFIG_PAM_PERMISSIONS_MAX 64
size_t rbac_config_pam_permission_values(const struct rbac_config *cfg, const char **v,
					 size_t max);
/* True for localhost, 127.0.0.0/8, ::1 and ::ffff:127.x: where a bind
 * password over plain ldap:// does not leave the machine. NULL or "" (libldap's
 * default host, which rbac.conf does not control) is not loopback. */
bool rbac_host_is_loopback(const char *host);
bool rbac_config_is_exempt(const struct rbac_config *cfg, const char *user);

#endif
