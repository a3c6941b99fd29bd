/*
 * check_config.c - unit tests for common/rbac_config.c and common/rbac_file.c.
 *
 * Config files are written into a fresh mkdtemp() directory and loaded with
 * the test's own uid as the trusted owner, so the tests run as any user;
 * the one test that needs a file owned by someone else runs only as root.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "rbac_config.h"
#include "rbac_file.h"

#define URI_LINE  "  uri = \"ldaps://ldap.example.org\";\n"
#define BASE_LINE "  base = \"ou=rbac,dc=example,dc=org\";\n"
#define NS_LINE	  "namespace = \"eng\";\n"
/* Four lines: whatever follows LDAP_OK NS_LINE starts on line 6. */
#define LDAP_OK "ldap = {\n" URI_LINE BASE_LINE "};\n"
#define MINIMAL LDAP_OK NS_LINE
/* ldap = { uri; base; <line 4> }; namespace */
#define LDAP_WITH(line4) "ldap = {\n" URI_LINE BASE_LINE line4 "};\n" NS_LINE
#define BIND_LINES                                                                             \
	"  bind_dn = \"cn=host-reader,dc=example,dc=org\";\n"                                  \
	"  bind_password_file = \"/etc/rbac.secret\";\n"
#define NS_RULE                                                                                \
	" (use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit: "    \
	"the "                                                                                 \
	"name becomes part of an LDAP DN and of group names)"
#define INSECURE(host)                                                                         \
	": ldap.bind_dn: refusing to send a bind password over plain ldap:// to " host         \
	" without ldap.tls.starttls (set ldap.allow_insecure_bind = true to override)"
/* The answers decide who may log in: without TLS anyone on the path could
 * write them. LINE is where ldap.uri is. */
#define PLAINTEXT(line, host)                                                                  \
	":" line ": ldap.uri: refusing plain ldap:// to " host " without ldap.tls.starttls: "  \
	"its answers decide access (use ldaps:// or ldap.tls.starttls, or set "                \
	"ldap.allow_insecure = true)"

/* The values of etc/rbac.conf.example, comments kept, alignment squeezed. */
static const char design_example[] =
    "ldap = {\n"
    "  uri = [ \"ldaps://ldap1.example.org\", \"ldaps://ldap2.example.org\" ];  # in order\n"
    "  base = \"ou=rbac,dc=example,dc=org\";\n"
    "  user_base = \"ou=people,dc=example,dc=org\";\n"
    "  bind_dn = \"cn=host-reader,dc=example,dc=org\";  # optional; anonymous when absent\n"
    "  bind_password_file = \"/etc/rbac.secret\";  # must be root-owned, not group/world\n"
    "  timeout = 3.0;  # seconds, per connect and per operation\n"
    "  tls = { starttls = false; ca_file = \"/etc/ssl/certs/ca-certificates.crt\";\n"
    "          verify = true; };\n"
    "};\n"
    "namespace = \"eng\";\n"
    "global_namespace = \"global\";  # optional\n"
    "pam = {\n"
    "  permissions = { sshd = \"host.login\"; sudo = \"host.sudo\"; su = \"host.su\";\n"
    "                  default = \"host.login\"; };\n"
    "  exempt_users = [ \"root\" ];\n"
    "  unknown_user = \"deny\";  # or \"ignore\"\n"
    "  messages = true;  # tell the user why they were denied\n"
    "  offline_max_age = 0;  # seconds; 0 = fail closed when the directory is down\n"
    "};\n"
    "nss = {\n"
    "  group_format = \"rbac-%r\";  # host-namespace roles; %r role, %n namespace\n"
    "  global_group_format = \"rbac-global-%r\";\n"
    "  gid_min = 900000; gid_max = 999999;  # roles without gidNumber get a stable hash\n"
    "  expand_inherited = true;  # holders of admin are members of rbac-user too\n"
    "};\n"
    "cache = { stale_after = 259200; };  # seconds a snapshot may be served unrefreshed\n"
    "sync = { probe_interval = 5; batch_ms = 100; };  # rbac-syncd only\n";

/* Short enough that every path built from it fits in PATH_MAX. */
static char tmpdir[256];

/* ---- fixtures and helpers ---- */

static void make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	ck_assert_int_lt(snprintf(tmpdir, sizeof(tmpdir), "%s/check_config.XXXXXX",
				  base != NULL && *base != '\0' ? base : "/tmp"),
			 (int)sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	fx_remove_tree(tmpdir);
}

/* A path inside tmpdir; four rotating buffers so a test can hold a few. */
static const char *tmp_path(const char *name)
{
	static char paths[4][PATH_MAX];
	static unsigned next;
	char *p = paths[next++ % 4];

	ck_assert_int_lt(snprintf(p, PATH_MAX, "%s/%s", tmpdir, name), PATH_MAX);
	return p;
}

static void write_bytes(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	/* umask must not decide what the test checks */
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
}

static const char *write_file(const char *name, const char *text, mode_t mode)
{
	const char *path = tmp_path(name);

	write_bytes(path, text, strlen(text), mode);
	return path;
}

static int load_text(const char *text, struct rbac_config *cfg, char *err, size_t errlen)
{
	const char *path = write_file("rbac.conf", text, 0644);

	return rbac_config_load_owned(path, getuid(), cfg, err, errlen);
}

/* Loading must fail with exactly path + suffix, and leave cfg untouched. */
static void check_load_error(const char *text, const char *suffix)
{
	const char *path = write_file("rbac.conf", text, 0644);
	char err[RBAC_ERRLEN], expect[PATH_MAX + RBAC_ERRLEN];
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(rbac_config_load_owned(path, getuid(), &cfg, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s%s", path, suffix);
	ck_assert_str_eq(err, expect);
	ck_assert_ptr_null(cfg.path);
	ck_assert_ptr_null(cfg.namespace_name);
	rbac_config_free(&cfg);
}

static void check_loads(const char *text)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_msg(load_text(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	rbac_config_free(&cfg);
}

static char *join3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	return s;
}

/* ---- defaults ---- */

START_TEST(test_defaults)
{
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_ptr_null(cfg.path);
	ck_assert_ptr_null(cfg.ldap.uri);
	ck_assert_uint_eq(cfg.ldap.n_uri, 0);
	ck_assert_ptr_null(cfg.ldap.base);
	ck_assert_ptr_null(cfg.ldap.user_base);
	ck_assert_ptr_null(cfg.ldap.bind_dn);
	ck_assert_ptr_null(cfg.ldap.bind_password_file);
	ck_assert_double_eq(cfg.ldap.timeout, 3.0);
	ck_assert(!cfg.ldap.allow_insecure_bind);
	ck_assert(!cfg.ldap.allow_insecure);
	ck_assert(!cfg.ldap.tls.starttls);
	ck_assert_ptr_null(cfg.ldap.tls.ca_file);
	ck_assert(cfg.ldap.tls.verify);
	ck_assert_ptr_null(cfg.namespace_name);
	ck_assert_ptr_null(cfg.global_namespace);
	ck_assert_uint_eq(cfg.pam.n_permissions, 3);
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sshd"), "host.login");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sudo"), "host.sudo");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "su"), "host.su");
	ck_assert_str_eq(cfg.pam.default_permission, "host.login");
	ck_assert_uint_eq(cfg.pam.n_exempt_users, 1);
	ck_assert_str_eq(cfg.pam.exempt_users[0], "root");
	ck_assert_int_eq(cfg.pam.unknown_user, RBAC_UNKNOWN_USER_DENY);
	ck_assert(cfg.pam.messages);
	ck_assert_int_eq(cfg.pam.offline_max_age, 0);
	ck_assert_int_eq(cfg.pam.local_max_lag, 0);
	ck_assert_str_eq(cfg.nss.group_format, "rbac-%r");
	ck_assert_str_eq(cfg.nss.global_group_format, "rbac-global-%r");
	ck_assert_uint_eq(cfg.nss.gid_min, 900000);
	ck_assert_uint_eq(cfg.nss.gid_max, 999999);
	ck_assert(cfg.nss.expand_inherited);
	ck_assert_int_eq(cfg.cache.stale_after, 259200);
	ck_assert_int_eq(cfg.cache.previous_versions, 1);
	ck_assert_int_eq(cfg.sync.probe_interval, 5);
	ck_assert_int_eq(cfg.sync.batch_ms, 100);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_minimal_file_keeps_defaults)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_msg(load_text(MINIMAL, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(cfg.path, tmp_path("rbac.conf"));
	ck_assert_uint_eq(cfg.ldap.n_uri, 1);
	ck_assert_str_eq(cfg.ldap.uri[0], "ldaps://ldap.example.org");
	ck_assert_str_eq(cfg.ldap.base, "ou=rbac,dc=example,dc=org");
	/* user_base defaults to base */
	ck_assert_str_eq(cfg.ldap.user_base, "ou=rbac,dc=example,dc=org");
	ck_assert_ptr_null(cfg.ldap.bind_dn);
	ck_assert_double_eq(cfg.ldap.timeout, 3.0);
	ck_assert_str_eq(cfg.namespace_name, "eng");
	ck_assert_ptr_null(cfg.global_namespace);
	ck_assert_str_eq(cfg.pam.exempt_users[0], "root");
	ck_assert_str_eq(cfg.nss.group_format, "rbac-%r");
	ck_assert_int_eq(cfg.cache.stale_after, 259200);
	rbac_config_free(&cfg);
}
END_TEST

/* ---- whole files ---- */

static void assert_design_values(const struct rbac_config *cfg)
{
	ck_assert_uint_eq(cfg->ldap.n_uri, 2);
	ck_assert_str_eq(cfg->ldap.uri[0], "ldaps://ldap1.example.org");
	ck_assert_str_eq(cfg->ldap.uri[1], "ldaps://ldap2.example.org");
	ck_assert_str_eq(cfg->ldap.base, "ou=rbac,dc=example,dc=org");
	ck_assert_str_eq(cfg->ldap.user_base, "ou=people,dc=example,dc=org");
	ck_assert_str_eq(cfg->ldap.bind_dn, "cn=host-reader,dc=example,dc=org");
	ck_assert_str_eq(cfg->ldap.bind_password_file, "/etc/rbac.secret");
	ck_assert_double_eq(cfg->ldap.timeout, 3.0);
	ck_assert(!cfg->ldap.allow_insecure_bind);
	ck_assert(!cfg->ldap.tls.starttls);
	ck_assert_str_eq(cfg->ldap.tls.ca_file, "/etc/ssl/certs/ca-certificates.crt");
	ck_assert(cfg->ldap.tls.verify);
	ck_assert_str_eq(cfg->namespace_name, "eng");
	ck_assert_str_eq(cfg->global_namespace, "global");
	ck_assert_uint_eq(cfg->pam.n_permissions, 3);
	ck_assert_str_eq(rbac_config_permission_for(cfg, "sshd"), "host.login");
	ck_assert_str_eq(rbac_config_permission_for(cfg, "sudo"), "host.sudo");
	ck_assert_str_eq(rbac_config_permission_for(cfg, "su"), "host.su");
	ck_assert_str_eq(cfg->pam.default_permission, "host.login");
	ck_assert_uint_eq(cfg->pam.n_exempt_users, 1);
	ck_assert_str_eq(cfg->pam.exempt_users[0], "root");
	ck_assert_int_eq(cfg->pam.unknown_user, RBAC_UNKNOWN_USER_DENY);
	ck_assert(cfg->pam.messages);
	ck_assert_int_eq(cfg->pam.offline_max_age, 0);
	ck_assert_str_eq(cfg->nss.group_format, "rbac-%r");
	ck_assert_str_eq(cfg->nss.global_group_format, "rbac-global-%r");
	ck_assert_uint_eq(cfg->nss.gid_min, 900000);
	ck_assert_uint_eq(cfg->nss.gid_max, 999999);
	ck_assert(cfg->nss.expand_inherited);
	ck_assert_int_eq(cfg->cache.stale_after, 259200);
	ck_assert_int_eq(cfg->sync.probe_interval, 5);
	ck_assert_int_eq(cfg->sync.batch_ms, 100);
}

START_TEST(test_design_example)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_msg(load_text(design_example, &cfg, err, sizeof(err)) == 0, "%s", err);
	assert_design_values(&cfg);
	rbac_config_free(&cfg);
}
END_TEST

static char *slurp(const char *path)
{
	char err[RBAC_ERRLEN] = "";
	struct stat st;
	char *text;

	/* the checkout's owner and umask are not under test: copy it first */
	ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	text = rbac_file_read_trusted(path, st.st_uid, 0, 1 << 20, NULL, err, sizeof(err));
	ck_assert_msg(text != NULL, "%s", err);
	return text;
}

START_TEST(test_shipped_example)
{
	char path[PATH_MAX], err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;
	char *text;

	fx_source_path("etc/rbac.conf.example", path, sizeof(path));
	text = slurp(path);
	rbac_config_init(&cfg);
	ck_assert_msg(load_text(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	/* the example shows design_example's values and mentions every key */
	assert_design_values(&cfg);
	free(text);
	rbac_config_free(&cfg);
}
END_TEST

/* ------------------------------------------------------- not configured */

/* Bit 0: ldap.uri, bit 1: ldap.base, bit 2: namespace. Every other key as
 * a real file may have it, so only the three decide. */
static const char *three_keys_text(unsigned set, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz,
		 "ldap = {\n%s%s  timeout = 2.0;\n};\n%s"
		 "pam = { exempt_users = [ \"root\" ]; };\n",
		 (set & 1) ? URI_LINE : "", (set & 2) ? BASE_LINE : "",
		 (set & 4) ? "namespace = \"eng\";\n" : "");
	return buf;
}

/* Every combination of namespace, ldap.uri and ldap.base: none is not
 * configured, all three is a config, and some but not all is an error
 * naming the first one missing. */
START_TEST(test_not_configured_combinations)
{
	static const char *const missing[8] = {
	    NULL,
	    ": ldap.base: required key is missing",
	    ": ldap.uri: required key is missing",
	    ": namespace: required key is missing",
	    ": ldap.uri: required key is missing",
	    ": ldap.base: required key is missing",
	    ": ldap.uri: required key is missing",
	    NULL,
	};
	char text[1024], err[RBAC_ERRLEN], want[PATH_MAX + RBAC_ERRLEN];
	const char *path;
	struct rbac_config cfg;
	unsigned set = (unsigned)_i;
	int rc;

	path = write_file("rbac.conf", three_keys_text(set, text, sizeof(text)), 0644);
	rbac_config_init(&cfg);
	rc = rbac_config_load_owned(path, getuid(), &cfg, err, sizeof(err));
	if (set == 0) {
		ck_assert_int_eq(rc, RBAC_CONFIG_NOT_CONFIGURED);
		snprintf(want, sizeof(want),
			 "%s: not configured: it sets none of namespace, ldap.uri and "
			 "ldap.base",
			 path);
		ck_assert_str_eq(err, want);
		ck_assert_ptr_null(cfg.path); /* cfg untouched, as on any failure */
	} else if (set == 7) {
		ck_assert_msg(rc == RBAC_CONFIG_LOADED, "%s", err);
		ck_assert_str_eq(cfg.namespace_name, "eng");
	} else {
		ck_assert_int_eq(rc, RBAC_CONFIG_INVALID);
		snprintf(want, sizeof(want), "%s%s", path, missing[set]);
		ck_assert_str_eq(err, want);
	}
	rbac_config_free(&cfg);
}
END_TEST

/* Not configured needs a file that is otherwise right: a syntax error, an
 * unknown key, a bad value or a broken rule across keys stays an error. */
START_TEST(test_not_configured_other_mistakes)
{
	check_load_error("pam = { exempt_users = [ \"root\" ; };\n", ":1: syntax error");
	check_load_error("ldap = { timeout = 0; };\n",
			 ":1: ldap.timeout: must be between 0.1 and 300 (got 0)");
	check_load_error("nss = { gid_min = 5; gid_max = 4; };\n",
			 ": nss.gid_min: must not be greater than nss.gid_max (5 > 4)");
	check_load_error("ldap = { bind_dn = \"cn=x,dc=example,dc=org\"; };\n",
			 ": ldap.bind_password_file: required when ldap.bind_dn is set");
	check_load_error("colour = \"blue\";\n", ":1: colour: unknown key");
}
END_TEST

/* An empty file sets none of them either. */
START_TEST(test_not_configured_empty)
{
	char err[RBAC_ERRLEN];
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(load_text("", &cfg, err, sizeof(err)), RBAC_CONFIG_NOT_CONFIGURED);
	ck_assert_int_eq(load_text("# nothing yet\n", &cfg, err, sizeof(err)),
			 RBAC_CONFIG_NOT_CONFIGURED);
	rbac_config_free(&cfg);
}
END_TEST

/* The packages' default file: not configured, root exempt; and the same
 * text with the three keys set is a config. */
START_TEST(test_shipped_default)
{
	char path[PATH_MAX], err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;
	char *text, *configured;
	size_t len;

	fx_source_path("etc/rbac.conf.default", path, sizeof(path));
	text = slurp(path);
	rbac_config_init(&cfg);
	ck_assert_int_eq(load_text(text, &cfg, err, sizeof(err)), RBAC_CONFIG_NOT_CONFIGURED);
	ck_assert_ptr_nonnull(strstr(err, ": not configured: "));
	/* exempt_users is set in it: root stays exempt once it is configured */
	len = strlen(text) + 256;
	configured = malloc(len);
	ck_assert_ptr_nonnull(configured);
	snprintf(configured, len, "%snamespace = \"eng\";\n", text);
	ck_assert_int_eq(load_text(configured, &cfg, err, sizeof(err)), RBAC_CONFIG_INVALID);
	ck_assert_ptr_nonnull(strstr(err, ": ldap.uri: required key is missing"));
	free(configured);
	free(text);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_every_key_set)
{
	static const char text[] =
	    "ldap = {\n"
	    "  uri = ( \"ldap://127.0.0.1:3389\", \"ldapi://%2frun%2fslapd%2fldapi\" );\n"
	    "  base = \"ou=rbac,dc=example,dc=org\";\n"
	    "  user_base = \"ou=people,dc=example,dc=org\";\n"
	    "  bind_dn = \"cn=reader,dc=example,dc=org\";\n"
	    "  bind_password_file = \"/etc/rbac.secret\";\n"
	    "  timeout = 7;\n"
	    "  allow_insecure_bind = true;\n"
	    "  allow_insecure = true;\n"
	    "  tls = { starttls = true; ca_file = \"/etc/ca.pem\"; verify = false; };\n"
	    "};\n"
	    "namespace = \"ops.team_1-a\";\n"
	    "global_namespace = \"Global\";\n"
	    "pam = {\n"
	    "  permissions = { sudo = \"host.admin\"; ftp = \"host.ftp\"; default = "
	    "\"host.any\"; "
	    "};\n"
	    "  exempt_users = [ \"admin\", \"breakglass\" ];\n"
	    "  unknown_user = \"ignore\";\n"
	    "  messages = false;\n"
	    "  offline_max_age = 31536000;\n"
	    "  local_max_lag = 3600;\n"
	    "};\n"
	    "nss = {\n"
	    "  group_format = \"%n-%r\"; global_group_format = \"g%%-%r\";\n"
	    "  gid_min = 1; gid_max = 4294967294L;\n"
	    "  expand_inherited = false;\n"
	    "};\n"
	    "cache = { stale_after = 60; previous_versions = 0; };\n"
	    "sync = { probe_interval = 3600; batch_ms = 0; };\n";
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_msg(load_text(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(cfg.ldap.n_uri, 2);
	ck_assert_str_eq(cfg.ldap.uri[1], "ldapi://%2frun%2fslapd%2fldapi");
	ck_assert_double_eq(cfg.ldap.timeout, 7.0);
	ck_assert(cfg.ldap.allow_insecure_bind);
	ck_assert(cfg.ldap.allow_insecure);
	ck_assert(cfg.ldap.tls.starttls);
	ck_assert_str_eq(cfg.ldap.tls.ca_file, "/etc/ca.pem");
	ck_assert(!cfg.ldap.tls.verify);
	ck_assert_str_eq(cfg.namespace_name, "ops.team_1-a");
	ck_assert_str_eq(cfg.global_namespace, "Global");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sudo"), "host.admin");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sshd"), "host.login");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "ftp"), "host.ftp");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "cron"), "host.any");
	ck_assert_uint_eq(cfg.pam.n_exempt_users, 2);
	ck_assert_int_eq(cfg.pam.unknown_user, RBAC_UNKNOWN_USER_IGNORE);
	ck_assert(!cfg.pam.messages);
	ck_assert_int_eq(cfg.pam.offline_max_age, 31536000);
	ck_assert_int_eq(cfg.pam.local_max_lag, 3600);
	ck_assert_str_eq(cfg.nss.group_format, "%n-%r");
	ck_assert_str_eq(cfg.nss.global_group_format, "g%%-%r");
	ck_assert_uint_eq(cfg.nss.gid_min, 1);
	ck_assert_uint_eq(cfg.nss.gid_max, 4294967294UL);
	ck_assert(!cfg.nss.expand_inherited);
	ck_assert_int_eq(cfg.cache.stale_after, 60);
	ck_assert_int_eq(cfg.cache.previous_versions, 0);
	ck_assert_int_eq(rbac_config_set(&cfg, "sync.batch_ms", "250", "x", err, sizeof(err)),
			 0);
	ck_assert_int_eq(cfg.sync.batch_ms, 250);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_uri_string_and_list)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(load_text(LDAP_WITH("") "", &cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.ldap.n_uri, 1);
	ck_assert_str_eq(cfg.ldap.uri[0], "ldaps://ldap.example.org");
	ck_assert_int_eq(
	    load_text("ldap = {\n"
		      "  uri = [ \"ldaps://a.example.org\", \"LDAPS://b.example.org:1636\" "
		      "];\n" BASE_LINE "};\n" NS_LINE,
		      &cfg, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(cfg.ldap.n_uri, 2);
	ck_assert_str_eq(cfg.ldap.uri[0], "ldaps://a.example.org");
	ck_assert_str_eq(cfg.ldap.uri[1], "LDAPS://b.example.org:1636");
	ck_assert_int_eq(load_text("ldap = {\n"
				   "  uri = ( \"ldapi:///\" );\n" BASE_LINE "};\n" NS_LINE,
				   &cfg, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(cfg.ldap.n_uri, 1);
	rbac_config_free(&cfg);
}
END_TEST

static char *uri_list(int n)
{
	static char text[4096];
	size_t off;
	int i;

	off = (size_t)snprintf(text, sizeof(text), "ldap = {\n  uri = [");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"%s\"ldaps://l%d.example.org\"", i > 0 ? ", " : " ", i);
	snprintf(text + off, sizeof(text) - off, " ];\n" BASE_LINE "};\n" NS_LINE);
	return text;
}

START_TEST(test_uri_count)
{
	check_loads(uri_list(16));
	check_load_error(uri_list(17),
			 ":2: ldap.uri: must list between 1 and 16 URIs (got 17)");
}
END_TEST

/* Numbers inside strings and comments are not libconfig integers. */
START_TEST(test_scanner_skips_strings_and_comments)
{
	check_loads(
	    "# 99999999999 @include \"x\"\n"
	    "// 4294967296\n"
	    "/* 4294967296\n @include \"/etc/passwd\" */\n"
	    "ldap = {\n" URI_LINE "  base = \"ou=4294967296,dc=example,dc=org\";\n"
	    "  timeout = 2.5e1; /* a float */\n"
	    "};\n" NS_LINE
	    "pam = { offline_max_age = 0x10; exempt_users = [ \"u\\\"99999999999\" ]; };\n"
	    "nss = { gid_min = 1000; gid_max = 4294967294L; };\n"
	    "cache = { stale_after = +86400; };\n");
}
END_TEST

/* ---- invalid files, each with its exact message ---- */

struct bad_case {
	const char *text;
	const char *suffix; /* the message after the path */
};

static const struct bad_case bad_files[] = {
    /* syntax */
    {LDAP_OK "namespace = ;\n", ":5: syntax error"},
    {MINIMAL "namespace = \"x\";\n", ":6: syntax error (duplicate setting name)"},
    {MINIMAL "@include \"/etc/passwd\"\n",
     ":6: @include is not allowed (an included file would escape the owner and mode checks)"},
    /* unknown keys */
    {MINIMAL "colour = 1;\n", ":6: colour: unknown key"},
    {LDAP_WITH("  tls = { foo = true; };\n"), ":4: ldap.tls.foo: unknown key"},
    {MINIMAL "pam = { exempt = [ \"root\" ]; };\n", ":6: pam.exempt: unknown key"},
    {MINIMAL "timeout = 3;\n", ":6: timeout: unknown key"},
    /* permission= is a PAM argument only (rbac_config_set) */
    {MINIMAL "permission = \"host.login\";\n", ":6: permission: unknown key"},
    {MINIMAL "pam = { permission = \"host.login\"; };\n", ":6: pam.permission: unknown key"},
    /* types */
    {LDAP_WITH("  timeout = \"3\";\n"), ":4: ldap.timeout: expected a number"},
    {LDAP_WITH("  timeout = true;\n"), ":4: ldap.timeout: expected a number"},
    {LDAP_OK "namespace = 5;\n", ":5: namespace: expected a string"},
    {LDAP_OK "namespace = [ \"eng\" ];\n", ":5: namespace: expected a string"},
    {LDAP_OK "namespace = true;\n", ":5: namespace: expected a string"},
    {MINIMAL "pam = { messages = \"yes\"; };\n", ":6: pam.messages: expected true or false"},
    {LDAP_WITH("  tls = { verify = 1; };\n"), ":4: ldap.tls.verify: expected true or false"},
    {MINIMAL "nss = { gid_min = 1.5; };\n", ":6: nss.gid_min: expected an integer"},
    {MINIMAL "nss = { gid_min = \"900000\"; };\n", ":6: nss.gid_min: expected an integer"},
    {"ldap = 5;\n" NS_LINE, ":1: ldap: expected a group"},
    {LDAP_WITH("  tls = true;\n"), ":4: ldap.tls: expected a group"},
    {MINIMAL "pam = { exempt_users = \"root\"; };\n",
     ":6: pam.exempt_users: expected a list of strings"},
    {MINIMAL "pam = { exempt_users = ( \"root\",\n 5 ); };\n",
     ":7: pam.exempt_users: expected a list of strings"},
    {"ldap = {\n  uri = 5;\n" BASE_LINE "};\n" NS_LINE,
     ":2: ldap.uri: expected a string or a list of strings"},
    {"ldap = {\n  uri = ( \"ldaps://a.example.org\", 5 );\n" BASE_LINE "};\n" NS_LINE,
     ":2: ldap.uri: expected a string or a list of strings"},
    {MINIMAL "pam = { permissions = \"host.login\"; };\n",
     ":6: pam.permissions: expected a group of service = \"permission\" settings"},
    {MINIMAL "pam = { permissions = { sshd = 5; }; };\n",
     ":6: pam.permissions.sshd: expected a string"},
    /* ranges */
    {LDAP_WITH("  timeout = 0;\n"), ":4: ldap.timeout: must be between 0.1 and 300 (got 0)"},
    {LDAP_WITH("  timeout = 300.5;\n"),
     ":4: ldap.timeout: must be between 0.1 and 300 (got 300.5)"},
    {MINIMAL "nss = { gid_min = 0; };\n",
     ":6: nss.gid_min: must be between 1 and 4294967294 (got 0)"},
    {MINIMAL "nss = { gid_max = 4294967295L; };\n",
     ":6: nss.gid_max: must be between 1 and 4294967294 (got 4294967295)"},
    {MINIMAL "cache = { stale_after = 59; };\n",
     ":6: cache.stale_after: must be between 60 and 31536000 (got 59)"},
    {MINIMAL "cache = { stale_after = 31536001; };\n",
     ":6: cache.stale_after: must be between 60 and 31536000 (got 31536001)"},
    {MINIMAL "cache = { previous_versions = 2; };\n",
     ":6: cache.previous_versions: must be between 0 and 1 (got 2)"},
    {MINIMAL "sync = { probe_interval = 0; };\n",
     ":6: sync.probe_interval: must be between 1 and 3600 (got 0)"},
    {MINIMAL "sync = {\n probe_interval = 3601; };\n",
     ":7: sync.probe_interval: must be between 1 and 3600 (got 3601)"},
    {MINIMAL "sync = { batch_ms = -1; };\n",
     ":6: sync.batch_ms: must be between 0 and 60000 (got -1)"},
    {MINIMAL "sync = { batch_ms = 60001; };\n",
     ":6: sync.batch_ms: must be between 0 and 60000 (got 60001)"},
    {MINIMAL "sync = { batch_ms = 1.5; };\n", ":6: sync.batch_ms: expected an integer"},
    {MINIMAL "sync = { interval = 5; };\n", ":6: sync.interval: unknown key"},
    {MINIMAL "sync = 5;\n", ":6: sync: expected a group"},
    {MINIMAL "pam = { local_max_lag = -1; };\n",
     ":6: pam.local_max_lag: must be between 0 and 3600 (got -1)"},
    {MINIMAL "pam = { local_max_lag = 3601; };\n",
     ":6: pam.local_max_lag: must be between 0 and 3600 (got 3601)"},
    {MINIMAL "pam = { local_max_lag = 0.5; };\n", ":6: pam.local_max_lag: expected an integer"},
    {MINIMAL "pam = { offline_max_age = -1; };\n",
     ":6: pam.offline_max_age: must be between 0 and 31536000 (got -1)"},
    {MINIMAL "pam = { offline_max_age = 31536001; };\n",
     ":6: pam.offline_max_age: must be between 0 and 31536000 (got 31536001)"},
    /* integers libconfig 1.5 would silently wrap */
    {MINIMAL "nss = { gid_max = 4294967294; };\n",
     ":6: integer 4294967294 does not fit in 32 bits: libconfig needs it written with an L "
     "suffix (4294967294L)"},
    {MINIMAL "nss = {\n gid_max = 0x100000000; };\n",
     ":7: integer 0x100000000 does not fit in 32 bits: libconfig needs it written with an L "
     "suffix (0x100000000L)"},
    {MINIMAL "pam = { offline_max_age = -2147483649; };\n",
     ":6: integer -2147483649 does not fit in 32 bits: libconfig needs it written with an L "
     "suffix (-2147483649L)"},
    /* values */
    {MINIMAL "pam = { unknown_user = \"maybe\"; };\n",
     ":6: pam.unknown_user: must be \"deny\" or \"ignore\" (got \"maybe\")"},
    {LDAP_OK "namespace = \"e ng\";\n", ":5: namespace: invalid name \"e ng\"" NS_RULE},
    {LDAP_OK "namespace = \"-eng\";\n", ":5: namespace: invalid name \"-eng\"" NS_RULE},
    {LDAP_OK "namespace = \"\";\n", ":5: namespace: invalid name \"\"" NS_RULE},
    {LDAP_OK "namespace = \"eng,dc=evil\";\n",
     ":5: namespace: invalid name \"eng,dc=evil\"" NS_RULE},
    {LDAP_OK "namespace = "
	     "\"a1234567890123456789012345678901234567890123456789012345678901234\";\n",
     ":5: namespace: invalid name "
     "\"a1234567890123456789012345678901234567890123456789012345678901234\"" NS_RULE},
    {MINIMAL "global_namespace = \"eng/x\";\n",
     ":6: global_namespace: invalid name \"eng/x\"" NS_RULE},
    {MINIMAL "nss = { group_format = \"rbac\"; };\n",
     ":6: nss.group_format: must contain %r, the role name (got \"rbac\")"},
    {MINIMAL "nss = { group_format = \"rbac-%x-%r\"; };\n",
     ":6: nss.group_format: unknown escape %x (only %r, %n and %% are allowed)"},
    {MINIMAL "nss = { global_group_format = \"g-%r%\"; };\n",
     ":6: nss.global_group_format: ends in a lone %"},
    {MINIMAL "nss = { group_format = \"rbac:%r\"; };\n",
     ":6: nss.group_format: \"rbac:%r\" must not contain ':', ',', '/', spaces or control "
     "characters"},
    {"ldap = {\n  uri = \"http://ldap.example.org\";\n" BASE_LINE "};\n" NS_LINE,
     ":2: ldap.uri: \"http://ldap.example.org\" does not start with ldap://, ldaps:// or "
     "ldapi://"},
    {"ldap = {\n  uri = [ \"ldaps://a.example.org\",\n \"ldap.example.org\" ];\n" BASE_LINE
     "};\n" NS_LINE,
     ":3: ldap.uri: \"ldap.example.org\" does not start with ldap://, ldaps:// or ldapi://"},
    {"ldap = {\n  uri = \"ldap://host:abc\";\n" BASE_LINE "};\n" NS_LINE,
     ":2: ldap.uri: \"ldap://host:abc\" is not a valid LDAP URI"},
    {"ldap = {\n  uri = \"ldap://a b\";\n" BASE_LINE "};\n" NS_LINE,
     ":2: ldap.uri: \"ldap://a b\" is not a valid LDAP URI"},
    {"ldap = {\n  uri = \"\";\n" BASE_LINE "};\n" NS_LINE, ":2: ldap.uri: must not be empty"},
    {"ldap = {\n  uri = [ ];\n" BASE_LINE "};\n" NS_LINE,
     ":2: ldap.uri: must list between 1 and 16 URIs (got 0)"},
    {"ldap = {\n" URI_LINE "  base = \"foo\";\n};\n" NS_LINE,
     ":3: ldap.base: not a valid LDAP DN"},
    {LDAP_WITH("  user_base = \"\";\n"), ":4: ldap.user_base: must not be empty"},
    {LDAP_WITH("  bind_password_file = \"rbac.secret\";\n"),
     ":4: ldap.bind_password_file: must be an absolute path (got \"rbac.secret\")"},
    {LDAP_WITH("  tls = { ca_file = \"ca.pem\"; };\n"),
     ":4: ldap.tls.ca_file: must be an absolute path (got \"ca.pem\")"},
    {MINIMAL "pam = { exempt_users = [ \"root\", \"ro ot\" ]; };\n",
     ":6: pam.exempt_users: invalid user name \"ro ot\" (1 to 255 bytes, without '/', ':', "
     "spaces or control characters)"},
    {MINIMAL "pam = { exempt_users = [ \"\" ]; };\n",
     ":6: pam.exempt_users: invalid user name \"\" (1 to 255 bytes, without '/', ':', spaces "
     "or control characters)"},
    {MINIMAL "pam = { exempt_users = [ \"a:b\" ]; };\n",
     ":6: pam.exempt_users: invalid user name \"a:b\" (1 to 255 bytes, without '/', ':', "
     "spaces or control characters)"},
    {MINIMAL "pam = { permissions = { sudo = \"host sudo\"; }; };\n",
     ":6: pam.permissions.sudo: invalid permission \"host sudo\" (1 to 255 bytes, without "
     "spaces or control characters)"},
    {MINIMAL "pam = { permissions = { default = \"\"; }; };\n",
     ":6: pam.permissions.default: invalid permission \"\" (1 to 255 bytes, without spaces "
     "or control characters)"},
    /* rules across keys, checked once the file is read */
    {"ldap = {\n" BASE_LINE "};\n" NS_LINE, ": ldap.uri: required key is missing"},
    {"ldap = {\n" URI_LINE "};\n" NS_LINE, ": ldap.base: required key is missing"},
    {LDAP_OK, ": namespace: required key is missing"},
    {MINIMAL "nss = { gid_min = 5000; gid_max = 4000; };\n",
     ": nss.gid_min: must not be greater than nss.gid_max (5000 > 4000)"},
    {MINIMAL "global_namespace = \"eng\";\n", ": global_namespace: must differ from namespace"},
    {MINIMAL "nss = { global_group_format = \"rbac-%r\"; };\n",
     ": nss.global_group_format: must differ from nss.group_format (or contain %n)"},
    {LDAP_OK "namespace = \"a\\nb\";\n", ":5: namespace: invalid name \"a\\x0ab\"" NS_RULE},
    {LDAP_WITH("  bind_dn = \"cn=reader,dc=example,dc=org\";\n"),
     ": ldap.bind_password_file: required when ldap.bind_dn is set"},
    {LDAP_WITH("  bind_password_file = \"/etc/rbac.secret\";\n"),
     ": ldap.bind_dn: required when ldap.bind_password_file is set"},
    {"ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
     INSECURE("ldap.example.org")},
    {"ldap = {\n  uri = [ \"ldaps://a.example.org\", \"ldap://b.example.org:389\" "
     "];\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
     INSECURE("b.example.org")},
    {"ldap = {\n  uri = \"ldap://10.0.0.1\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
     INSECURE("10.0.0.1")},
    {"ldap = {\n  uri = \"ldap://127.0.0.1.example.org\";\n" BASE_LINE BIND_LINES
     "};\n" NS_LINE,
     INSECURE("127.0.0.1.example.org")},
    {"ldap = {\n  uri = \"ldap:///\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
     INSECURE("the default host")},
    {"ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE BIND_LINES
     "  tls = { starttls = false; };\n  allow_insecure_bind = false;\n};\n" NS_LINE,
     INSECURE("ldap.example.org")},
    /* anonymous: no password to leak, but answers anyone could forge */
    {"ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE "};\n" NS_LINE,
     PLAINTEXT("2", "ldap.example.org")},
    {"ldap = {\n" BASE_LINE "\n  uri = [ \"ldaps://a.example.org\",\n"
     "          \"ldap://10.0.0.1:389\" ];\n};\n" NS_LINE,
     PLAINTEXT("4", "10.0.0.1")},
    {"ldap = {\n  uri = \"ldap:///\";\n" BASE_LINE "};\n" NS_LINE,
     PLAINTEXT("2", "the default host")},
    {"ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE
     "  allow_insecure = false;\n  tls = { starttls = false; };\n};\n" NS_LINE,
     PLAINTEXT("2", "ldap.example.org")},
};

START_TEST(test_bad_file)
{
	check_load_error(bad_files[_i].text, bad_files[_i].suffix);
}
END_TEST

static const char *const insecure_bind_allowed[] = {
    "ldap = {\n  uri = \"ldap://127.0.0.1\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
    "ldap = {\n  uri = \"ldap://127.1.2.3:3389\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
    "ldap = {\n  uri = \"ldap://LocalHost\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
    "ldap = {\n  uri = \"ldap://[::1]:389\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
    "ldap = {\n  uri = \"ldaps://ldap.example.org\";\n" BASE_LINE BIND_LINES "};\n" NS_LINE,
    "ldap = {\n  uri = \"ldapi://%2frun%2fslapd%2fldapi\";\n" BASE_LINE BIND_LINES
    "};\n" NS_LINE,
    "ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE BIND_LINES
    "  tls = { starttls = true; };\n};\n" NS_LINE,
    "ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE BIND_LINES
    "  allow_insecure_bind = true;\n};\n" NS_LINE,
    /* anonymous: loopback, TLS, or said so */
    "ldap = {\n  uri = \"ldap://127.0.0.1:3389\";\n" BASE_LINE "};\n" NS_LINE,
    "ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE
    "  tls = { starttls = true; };\n};\n" NS_LINE,
    "ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE
    "  allow_insecure = true;\n};\n" NS_LINE,
    /* a bind password in clear is worse than answers in clear */
    "ldap = {\n  uri = \"ldap://ldap.example.org\";\n" BASE_LINE
    "  allow_insecure_bind = true;\n};\n" NS_LINE,
};

START_TEST(test_insecure_bind_allowed)
{
	check_loads(insecure_bind_allowed[_i]);
}
END_TEST

START_TEST(test_error_keeps_old_config)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;
	char *good_path;

	rbac_config_init(&cfg);
	ck_assert_msg(load_text(design_example, &cfg, err, sizeof(err)) == 0, "%s", err);
	good_path = strdup(cfg.path);
	ck_assert_ptr_nonnull(good_path);
	/* fails late: every key parses, then validation refuses it */
	ck_assert_int_eq(load_text("ldap = {\n  uri = \"ldap://other.example.org\";\n"
				   "  base = \"dc=other\";\n" BIND_LINES "};\n"
				   "namespace = \"other\";\n"
				   "pam = { exempt_users = [ \"nobody\" ]; };\n",
				   &cfg, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "refusing to send a bind password"));
	/* fails early, in the middle of the ldap group */
	ck_assert_int_eq(load_text("ldap = {\n  uri = \"ldaps://x.example.org\";\n"
				   "  timeout = 0;\n};\n",
				   &cfg, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(
	    rbac_config_load_owned(tmp_path("missing.conf"), getuid(), &cfg, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(cfg.path, good_path);
	assert_design_values(&cfg);
	free(good_path);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_reload_replaces)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(load_text(design_example, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(load_text(MINIMAL, &cfg, err, sizeof(err)), 0);
	/* a second file starts from the defaults, not from the first file */
	ck_assert_ptr_null(cfg.global_namespace);
	ck_assert_ptr_null(cfg.ldap.bind_dn);
	ck_assert_uint_eq(cfg.ldap.n_uri, 1);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = MINIMAL "# \0 hidden\n";
	const char *path = tmp_path("nul.conf");
	char err[RBAC_ERRLEN], expect[PATH_MAX + 64];
	struct rbac_config cfg;

	write_bytes(path, text, sizeof(text) - 1, 0644);
	rbac_config_init(&cfg);
	ck_assert_int_eq(rbac_config_load_owned(path, getuid(), &cfg, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s: contains a NUL byte (not a text file)", path);
	ck_assert_str_eq(err, expect);
	rbac_config_free(&cfg);
}
END_TEST

/* 2000 exempt users, then comments up to exactly limit bytes. libconfig 1.5
 * grows lists in small steps, so a list alone filling 1 MiB is slow, not wrong. */
static char *big_config(size_t limit, size_t *n_users)
{
	const char *tail = "\"root\" ]; };\n";
	char *text = malloc(limit + 2);
	size_t off;

	ck_assert_ptr_nonnull(text);
	off = (size_t)snprintf(text, limit, "%s", MINIMAL "pam = { exempt_users = [\n");
	for (*n_users = 0; *n_users < 2000; (*n_users)++)
		off += (size_t)snprintf(text + off, limit - off, "\"u%07zu\",\n", *n_users);
	off += (size_t)snprintf(text + off, limit - off, "%s", tail);
	while (off + 80 <= limit)
		off += (size_t)snprintf(text + off, limit - off, "# %076zu\n", off);
	while (off < limit)
		text[off++] = '\n';
	text[off] = '\0';
	return text;
}

START_TEST(test_big_file)
{
	const size_t limit = 1024 * 1024;
	char err[RBAC_ERRLEN] = "", expect[PATH_MAX + 64];
	struct rbac_config cfg;
	size_t n_users;
	char *text = big_config(limit, &n_users);

	ck_assert_uint_eq(strlen(text), limit);
	rbac_config_init(&cfg);
	ck_assert_msg(load_text(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(cfg.pam.n_exempt_users, n_users + 1);
	ck_assert(rbac_config_is_exempt(&cfg, "root"));
	ck_assert(rbac_config_is_exempt(&cfg, "u0001999"));
	/* one byte more is refused before libconfig sees it */
	strcpy(text + limit, "\n");
	ck_assert_int_eq(load_text(text, &cfg, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s: too large (1048577 bytes, at most 1048576)",
		 tmp_path("rbac.conf"));
	ck_assert_str_eq(err, expect);
	ck_assert_uint_eq(cfg.pam.n_exempt_users, n_users + 1);
	free(text);
	rbac_config_free(&cfg);
}
END_TEST

/* A huge value is cut in the message, which stays one bounded line. */
START_TEST(test_huge_value)
{
	const size_t len = 1000 * 1000;
	char err[RBAC_ERRLEN] = "", prefix[PATH_MAX + 64];
	struct rbac_config cfg;
	char *name = malloc(len + 1), *text;

	ck_assert_ptr_nonnull(name);
	memset(name, 'a', len);
	name[len] = '\0';
	text = join3(LDAP_OK "namespace = \"", name, "\";\n");
	rbac_config_init(&cfg);
	ck_assert_int_eq(load_text(text, &cfg, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:5: namespace: invalid name \"aaaa",
		 tmp_path("rbac.conf"));
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "%s", err);
	ck_assert_uint_lt(strlen(err), RBAC_ERRLEN);
	ck_assert_ptr_null(strchr(err, '\n'));
	free(text);
	free(name);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_deep_nesting)
{
	char *open_ = malloc(20001), *close_ = malloc(20003);
	char err[RBAC_ERRLEN] = "", *text;
	struct rbac_config cfg;

	ck_assert_ptr_nonnull(open_);
	ck_assert_ptr_nonnull(close_);
	memset(open_, '(', 20000);
	open_[20000] = '\0';
	memset(close_, ')', 20000);
	strcpy(close_ + 20000, ";\n");
	text = join3(MINIMAL "x = ", open_, close_);
	rbac_config_init(&cfg);
	ck_assert_int_eq(load_text(text, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":6: syntax error"));
	free(text);
	free(open_);
	free(close_);
	rbac_config_free(&cfg);
}
END_TEST

/* ---- the file itself: owner, mode, type ---- */

static void check_path_error(const char *path, const char *suffix)
{
	char err[RBAC_ERRLEN], expect[PATH_MAX + RBAC_ERRLEN];
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(rbac_config_load_owned(path, getuid(), &cfg, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s%s", path, suffix);
	ck_assert_str_eq(err, expect);
	ck_assert_ptr_null(cfg.path);
	rbac_config_free(&cfg);
}

START_TEST(test_group_writable_refused)
{
	check_path_error(write_file("rbac.conf", MINIMAL, 0664),
			 ": writable by group or others (mode 0664)");
}
END_TEST

START_TEST(test_world_writable_refused)
{
	check_path_error(write_file("rbac.conf", MINIMAL, 0646),
			 ": writable by group or others (mode 0646)");
}
END_TEST

START_TEST(test_readable_config_accepted)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_msg(rbac_config_load_owned(write_file("rbac.conf", MINIMAL, 0444), getuid(),
					     &cfg, err, sizeof(err)) == 0,
		      "%s", err);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_symlink_refused)
{
	const char *target = write_file("real.conf", MINIMAL, 0644);
	const char *link = tmp_path("link.conf");

	ck_assert_int_eq(symlink(target, link), 0);
	check_path_error(link, ": is a symbolic link (refusing to follow it)");
}
END_TEST

START_TEST(test_missing_file)
{
	check_path_error(tmp_path("nothere.conf"), ": no such file");
}
END_TEST

START_TEST(test_directory_refused)
{
	const char *dir = tmp_path("dir.conf");

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	check_path_error(dir, ": not a regular file");
}
END_TEST

START_TEST(test_fifo_refused_without_blocking)
{
	const char *fifo = tmp_path("fifo.conf");

	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	check_path_error(fifo, ": not a regular file");
}
END_TEST

START_TEST(test_wrong_owner)
{
	const char *path = write_file("rbac.conf", MINIMAL, 0644);
	char err[RBAC_ERRLEN], expect[PATH_MAX + 128];
	struct rbac_config cfg;
	uid_t other = getuid() + 1;

	rbac_config_init(&cfg);
	ck_assert_int_eq(rbac_config_load_owned(path, other, &cfg, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s: not owned by uid %lu (owner uid %lu)", path,
		 (unsigned long)other, (unsigned long)getuid());
	ck_assert_str_eq(err, expect);
	rbac_config_free(&cfg);
}
END_TEST

/* Only root can give a file away. */
START_TEST(test_root_refuses_foreign_owner)
{
	const char *path = write_file("rbac.conf", MINIMAL, 0644);
	char err[RBAC_ERRLEN], expect[PATH_MAX + 128];
	struct rbac_config cfg;

	ck_assert_int_eq(chown(path, 1, (gid_t)-1), 0);
	rbac_config_init(&cfg);
	ck_assert_int_eq(rbac_config_load(path, &cfg, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s: not owned by root (owner uid 1)", path);
	ck_assert_str_eq(err, expect);
	ck_assert_int_eq(chown(path, 0, (gid_t)-1), 0);
	ck_assert_msg(rbac_config_load(path, &cfg, err, sizeof(err)) == 0, "%s", err);
	rbac_config_free(&cfg);
}
END_TEST

/* The identity rbac_config_load_id() gives is the file's as it was read:
 * the same file, untouched, still matches; a change of content in place, a
 * replacement or (with the owner and mode checks) a chmod does not, and a
 * failed load leaves cfg untouched. */
START_TEST(test_load_id)
{
	const char *path = write_file("rbac.conf", MINIMAL, 0644);
	char err[RBAC_ERRLEN];
	struct rbac_config cfg;
	struct rbac_file_id id;

	rbac_config_init(&cfg);
	memset(&id, 0, sizeof(id));
	ck_assert_msg(rbac_config_load_id(path, getuid(), &cfg, &id, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert(id.valid);
	ck_assert(rbac_file_same(&id, path));
	ck_assert(rbac_file_same_trusted(&id, path, getuid(), RBAC_FILE_NO_WRITE_OTHERS));
	ck_assert(!rbac_file_same_trusted(&id, path, getuid() + 1, RBAC_FILE_NO_WRITE_OTHERS));
	ck_assert_int_eq(chmod(path, 0664), 0);
	ck_assert(!rbac_file_same_trusted(&id, path, getuid(), RBAC_FILE_NO_WRITE_OTHERS));
	ck_assert_int_eq(chmod(path, 0644), 0);

	ck_assert_msg(rbac_config_load_id(path, getuid(), &cfg, &id, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert(rbac_file_same(&id, path));
	write_bytes(path, MINIMAL "# more\n", strlen(MINIMAL "# more\n"), 0644); /* in place */
	ck_assert(!rbac_file_same(&id, path));

	ck_assert_msg(rbac_config_load_id(path, getuid(), &cfg, &id, err, sizeof(err)) == 0,
		      "%s", err);
	/* Replaced the way editors do: the same bytes in a new file renamed
	 * over it, which is another inode while both exist. */
	ck_assert_int_eq(rename(write_file("rbac.conf.new", MINIMAL, 0644), path), 0);
	ck_assert(!rbac_file_same(&id, path));

	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(rbac_config_load_id(path, getuid(), &cfg, &id, err, sizeof(err)), -1);
	ck_assert_str_eq(cfg.namespace_name, "eng");
	rbac_config_free(&cfg);
}
END_TEST

/* ---- rbac_config_set() ---- */

static void check_set_error(const char *key, const char *value, const char *expect)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(rbac_config_set(&cfg, key, value, "argument", err, sizeof(err)), -1);
	ck_assert_str_eq(err, expect);
	rbac_config_free(&cfg);
}

START_TEST(test_set_good)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "namespace", "eng", "argument", err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.namespace_name, "eng");
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "namespace", "ops", "argument", err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.namespace_name, "ops");
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "pam.unknown_user", "ignore", "argument", err, sizeof(err)),
	    0);
	ck_assert_int_eq(cfg.pam.unknown_user, RBAC_UNKNOWN_USER_IGNORE);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "pam.unknown_user", "deny", "argument", err, sizeof(err)), 0);
	ck_assert_int_eq(cfg.pam.unknown_user, RBAC_UNKNOWN_USER_DENY);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "ldap.timeout", "0.5", "argument", err, sizeof(err)), 0);
	ck_assert_double_eq(cfg.ldap.timeout, 0.5);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "ldap.timeout", "300", "argument", err, sizeof(err)), 0);
	ck_assert_double_eq(cfg.ldap.timeout, 300.0);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "nss.gid_max", "4294967294", "x", err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.nss.gid_max, 4294967294UL);
	ck_assert_int_eq(rbac_config_set(&cfg, "pam.messages", "false", "x", err, sizeof(err)),
			 0);
	ck_assert(!cfg.pam.messages);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "ldap.tls.starttls", "TRUE", "x", err, sizeof(err)), 0);
	ck_assert(cfg.ldap.tls.starttls);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "cache.stale_after", "60", "x", err, sizeof(err)), 0);
	ck_assert_int_eq(cfg.cache.stale_after, 60);
	ck_assert_int_eq(rbac_config_set(&cfg, "sync.batch_ms", "250", "x", err, sizeof(err)),
			 0);
	ck_assert_int_eq(cfg.sync.batch_ms, 250);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_set_bad)
{
	check_set_error("namespace", "e ng",
			"argument: namespace: invalid name \"e ng\"" NS_RULE);
	check_set_error(
	    "pam.unknown_user", "maybe",
	    "argument: pam.unknown_user: must be \"deny\" or \"ignore\" (got \"maybe\")");
	check_set_error("ldap.timeout", "0",
			"argument: ldap.timeout: must be between 0.1 and 300 (got 0)");
	check_set_error("ldap.timeout", "abc",
			"argument: ldap.timeout: expected a number (got \"abc\")");
	check_set_error("ldap.timeout", "",
			"argument: ldap.timeout: expected a number (got \"\")");
	check_set_error("ldap.timeout", "nan",
			"argument: ldap.timeout: expected a number (got \"nan\")");
	check_set_error("nss.gid_min", "1.5",
			"argument: nss.gid_min: expected an integer (got \"1.5\")");
	check_set_error("nss.gid_min", "0",
			"argument: nss.gid_min: must be between 1 and 4294967294 (got 0)");
	check_set_error("pam.messages", "maybe",
			"argument: pam.messages: expected true or false (got \"maybe\")");
	check_set_error("ldap.uri", "ldaps://x.example.org",
			"argument: ldap.uri: can only be set in the config file");
	check_set_error("pam.exempt_users", "root",
			"argument: pam.exempt_users: can only be set in the config file");
	check_set_error("ldap", "x", "argument: ldap: can only be set in the config file");
	check_set_error("nope", "x", "argument: nope: unknown key");
	check_set_error(
	    "permission", "",
	    "argument: permission: invalid permission \"\" (1 to 255 bytes, without "
	    "spaces or control characters)");
	check_set_error("permission", "host login",
			"argument: permission: invalid permission \"host login\" (1 to 255 "
			"bytes, without spaces or control characters)");
	check_set_error("pam.permission", "host.login",
			"argument: pam.permission: unknown key");
	check_set_error("unknown_user", "deny", "argument: unknown_user: unknown key");
	check_set_error("namespace", NULL, "argument: namespace: missing value");
	check_set_error("nope\n", "x", "argument: nope\\x0a: unknown key");
	check_set_error(NULL, "x", "argument: (null): unknown key");
}
END_TEST

START_TEST(test_set_error_keeps_value)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "namespace", "eng", "pam_rbac", err, sizeof(err)), 0);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "namespace", "b/d", "pam_rbac", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "pam_rbac: namespace: invalid name \"b/d\"" NS_RULE);
	ck_assert_str_eq(cfg.namespace_name, "eng");
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "ldap.timeout", "301", "pam_rbac", err, sizeof(err)), -1);
	ck_assert_double_eq(cfg.ldap.timeout, 3.0);
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_validate_without_file)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_int_eq(rbac_config_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "(no config file): ldap.uri: required key is missing");
	ck_assert_int_eq(rbac_config_load(NULL, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no config file given");
	rbac_config_free(&cfg);
}
END_TEST

/* ---- lookups ---- */

START_TEST(test_permission_for)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sshd"), "host.login");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sudo"), "host.sudo");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "cron"), "host.login");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, NULL), "host.login");
	ck_assert_int_eq(load_text(MINIMAL "pam = { permissions = { sudo = \"host.admin\"; "
					   "default = \"host.other\"; }; };\n",
				   &cfg, err, sizeof(err)),
			 0);
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sudo"), "host.admin");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sshd"), "host.login");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "su"), "host.su");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "login"), "host.other");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "SUDO"), "host.other");
	rbac_config_free(&cfg);
}
END_TEST

/* The argument permission= replaces the service map for every service, goes
 * through the file's check, and is not a value the snapshot records. */
START_TEST(test_permission_argument)
{
	char err[RBAC_ERRLEN] = "";
	const char *values[RBAC_CONFIG_PAM_PERMISSIONS_MAX];
	struct rbac_config cfg;
	size_t n;

	rbac_config_init(&cfg);
	ck_assert_ptr_null(cfg.pam.permission);
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "permission", "app.deploy", "argument", err, sizeof(err)), 0);
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "sshd"), "app.deploy");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, "cron"), "app.deploy");
	ck_assert_str_eq(rbac_config_permission_for(&cfg, NULL), "app.deploy");
	n = rbac_config_pam_permission_values(&cfg, values, RBAC_CONFIG_PAM_PERMISSIONS_MAX);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_ne(values[i], "app.deploy");
	ck_assert_int_eq(
	    rbac_config_set(&cfg, "permission", "a b", "argument", err, sizeof(err)), -1);
	ck_assert_str_eq(cfg.pam.permission, "app.deploy");
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_is_exempt)
{
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert(rbac_config_is_exempt(&cfg, "root"));
	ck_assert(!rbac_config_is_exempt(&cfg, "Root"));
	ck_assert(!rbac_config_is_exempt(&cfg, "roo"));
	ck_assert(!rbac_config_is_exempt(&cfg, "root "));
	ck_assert(!rbac_config_is_exempt(&cfg, ""));
	ck_assert(!rbac_config_is_exempt(&cfg, NULL));
	ck_assert_int_eq(load_text(MINIMAL
				   "pam = { exempt_users = [ \"admin\", \"break.glass\" ]; "
				   "};\n",
				   &cfg, err, sizeof(err)),
			 0);
	ck_assert(!rbac_config_is_exempt(&cfg, "root"));
	ck_assert(rbac_config_is_exempt(&cfg, "admin"));
	ck_assert(rbac_config_is_exempt(&cfg, "break.glass"));
	ck_assert_int_eq(
	    load_text(MINIMAL "pam = { exempt_users = [ ]; };\n", &cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.pam.n_exempt_users, 0);
	ck_assert(!rbac_config_is_exempt(&cfg, "root"));
	rbac_config_free(&cfg);
}
END_TEST

START_TEST(test_default_path)
{
	unsetenv(RBAC_CONFIG_ENV);
	ck_assert_str_eq(rbac_config_default_path(), RBAC_SYSCONFDIR "/rbac.conf");
	setenv(RBAC_CONFIG_ENV, "/tmp/other.conf", 1);
	ck_assert_str_eq(rbac_config_default_path(), "/tmp/other.conf");
	setenv(RBAC_CONFIG_ENV, "", 1);
	ck_assert_str_eq(rbac_config_default_path(), RBAC_SYSCONFDIR "/rbac.conf");
	unsetenv(RBAC_CONFIG_ENV);
}
END_TEST

/* rbac_config_free() empties what it frees, so a second free (an error
 * path that frees again) frees nothing twice: valgrind and ASan would
 * see it in this test. */
START_TEST(test_free_twice)
{
	static const struct rbac_config empty;
	char err[RBAC_ERRLEN] = "";
	struct rbac_config cfg;

	rbac_config_init(&cfg);
	ck_assert_msg(load_text(design_example, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(cfg.ldap.uri);
	ck_assert_ptr_nonnull(cfg.pam.exempt_users);
	rbac_config_free(&cfg);
	ck_assert_mem_eq(&cfg, &empty, sizeof(cfg));
	rbac_config_free(&cfg);
	ck_assert_mem_eq(&cfg, &empty, sizeof(cfg));
	rbac_config_free(NULL);
}
END_TEST

/* ---- rbac_file ---- */

static void check_read_error(const char *path, mode_t forbidden, size_t max, const char *suffix)
{
	char err[RBAC_ERRLEN], expect[PATH_MAX + RBAC_ERRLEN];

	ck_assert_ptr_null(
	    rbac_file_read_trusted(path, getuid(), forbidden, max, NULL, err, sizeof(err)));
	snprintf(expect, sizeof(expect), "%s%s", path, suffix);
	ck_assert_str_eq(err, expect);
}

START_TEST(test_secret_modes)
{
	check_read_error(write_file("s1", "pw\n", 0640), RBAC_FILE_PRIVATE, 64,
			 ": readable by group or others (mode 0640)");
	check_read_error(write_file("s2", "pw\n", 0604), RBAC_FILE_PRIVATE, 64,
			 ": readable by group or others (mode 0604)");
	check_read_error(write_file("s3", "pw\n", 0610), RBAC_FILE_PRIVATE, 64,
			 ": executable by group or others (mode 0610)");
	check_read_error(write_file("s4", "pw\n", 0620), RBAC_FILE_PRIVATE, 64,
			 ": writable by group or others (mode 0620)");
	check_read_error(write_file("s5", "pw\n", 0660), RBAC_FILE_PRIVATE, 64,
			 ": writable by group or others (mode 0660)");
	check_read_error(write_file("s6", "pw\n", 04600), S_ISUID, 64,
			 ": has forbidden mode bits (mode 4600)");
}
END_TEST

START_TEST(test_secret_private_accepted)
{
	char err[RBAC_ERRLEN] = "";
	size_t len = 99;
	char *s;

	s = rbac_file_read_trusted(write_file("secret", "s3cret\n", 0600), getuid(),
				   RBAC_FILE_PRIVATE, 64, &len, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, "s3cret\n");
	ck_assert_uint_eq(len, 7);
	free(s);
	s = rbac_file_read_trusted(write_file("secret0400", "x", 0400), getuid(),
				   RBAC_FILE_PRIVATE, 64, NULL, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	free(s);
}
END_TEST

START_TEST(test_read_max_size)
{
	const char *path = write_file("ten", "0123456789", 0600);
	char err[RBAC_ERRLEN] = "";
	size_t len = 0;
	char *s;

	check_read_error(path, RBAC_FILE_PRIVATE, 9, ": too large (10 bytes, at most 9)");
	check_read_error(path, RBAC_FILE_PRIVATE, 0, ": too large (10 bytes, at most 0)");
	s = rbac_file_read_trusted(path, getuid(), RBAC_FILE_PRIVATE, 10, &len, err,
				   sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, "0123456789");
	ck_assert_uint_eq(len, 10);
	free(s);
	s = rbac_file_read_trusted(write_file("empty", "", 0600), getuid(), RBAC_FILE_PRIVATE,
				   0, &len, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
}
END_TEST

/* /proc files report size 0 and are read in growing steps. */
START_TEST(test_read_unknown_size)
{
	char err[RBAC_ERRLEN] = "";
	struct stat st;
	size_t len = 0;
	char *s;

	ck_assert_int_eq(stat("/proc/self/status", &st), 0);
	s = rbac_file_read_trusted("/proc/self/status", st.st_uid, 0, 1 << 20, &len, err,
				   sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(strlen(s), len);
	free(s);
	s = rbac_file_read_trusted("/proc/self/status", st.st_uid, 0, 8, &len, err,
				   sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "/proc/self/status: too large (more than 8 bytes)");
}
END_TEST

START_TEST(test_open_trusted_descriptor)
{
	const char *path = write_file("conf", "x", 0644);
	char err[RBAC_ERRLEN] = "";
	struct stat st;
	int fd, flags;

	fd = rbac_file_open_trusted(path, getuid(), RBAC_FILE_NO_WRITE_OTHERS, &st, err,
				    sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, 1);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	flags = fcntl(fd, F_GETFL);
	ck_assert_int_eq(flags & O_NONBLOCK, 0);
	ck_assert_int_eq(flags & O_ACCMODE, O_RDONLY);
	close(fd);
	/* st may be NULL */
	fd = rbac_file_open_trusted(path, getuid(), RBAC_FILE_NO_WRITE_OTHERS, NULL, err,
				    sizeof(err));
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = rbac_file_open_trusted(tmp_path("none"), getuid(), 0, NULL, err, sizeof(err));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("defaults");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_default_path);
	tcase_add_test(tc, test_validate_without_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_test(tc, test_minimal_file_keeps_defaults);
	tcase_add_test(tc, test_design_example);
	tcase_add_test(tc, test_free_twice);
	tcase_add_test(tc, test_load_id);
	tcase_add_test(tc, test_shipped_example);
	tcase_add_test(tc, test_every_key_set);
	tcase_add_test(tc, test_uri_string_and_list);
	tcase_add_test(tc, test_uri_count);
	tcase_add_test(tc, test_scanner_skips_strings_and_comments);
	tcase_add_loop_test(tc, test_bad_file, 0,
			    (int)(sizeof(bad_files) / sizeof(bad_files[0])));
	tcase_add_loop_test(
	    tc, test_insecure_bind_allowed, 0,
	    (int)(sizeof(insecure_bind_allowed) / sizeof(insecure_bind_allowed[0])));
	tcase_add_test(tc, test_error_keeps_old_config);
	tcase_add_test(tc, test_reload_replaces);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_big_file);
	tcase_add_test(tc, test_huge_value);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_permission_for);
	tcase_add_test(tc, test_permission_argument);
	tcase_add_test(tc, test_is_exempt);
	suite_add_tcase(s, tc);

	tc = tcase_create("trust");
	tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_test(tc, test_group_writable_refused);
	tcase_add_test(tc, test_world_writable_refused);
	tcase_add_test(tc, test_readable_config_accepted);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_directory_refused);
	tcase_add_test(tc, test_fifo_refused_without_blocking);
	tcase_add_test(tc, test_wrong_owner);
	fx_add_test_unless(tc, test_root_refuses_foreign_owner, fx_needs_root());
	suite_add_tcase(s, tc);

	/* They write files: the temporary directory is theirs too (without
	 * CK_FORK, as valgrind runs them, nothing else made it). */
	tc = tcase_create("not_configured");
	tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_loop_test(tc, test_not_configured_combinations, 0, 8);
	tcase_add_test(tc, test_not_configured_other_mistakes);
	tcase_add_test(tc, test_not_configured_empty);
	tcase_add_test(tc, test_shipped_default);
	suite_add_tcase(s, tc);

	tc = tcase_create("set");
	tcase_add_test(tc, test_set_good);
	tcase_add_test(tc, test_set_bad);
	tcase_add_test(tc, test_set_error_keeps_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_add_test(tc, test_secret_modes);
	tcase_add_test(tc, test_secret_private_accepted);
	tcase_add_test(tc, test_read_max_size);
	tcase_add_test(tc, test_read_unknown_size);
	tcase_add_test(tc, test_open_trusted_descriptor);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(config_suite());
}
