/*
 * check_directory.c - the directory layer (common/rbac_ldap.c, the queries,
 * and common/rbac_conn.c, the connection) against a real slapd.
 *
 * Run by directory.test, which starts the server with etc/example/
 * directory.ldif plus its own fixtures and exports:
 *   RBAC_TEST_URI RBAC_TEST_RBAC_BASE RBAC_TEST_USER_BASE RBAC_TEST_DIR
 *   RBAC_TEST_ROOTDN RBAC_TEST_ROOTPW RBAC_TEST_READER_DN RBAC_TEST_READER_PW
 *   RBAC_TEST_CONF        an rbac.conf pointing at the server
 *   RBAC_TEST_SILENT_URI  a server that accepts and never answers
 *   RBAC_TEST_STALL_URI   a server that answers the bind, never a search
 *   RBAC_TEST_CTL, RBAC_TEST_ACK
 *                         FIFOs: write "kill" or "restart", read "ok"
 *
 * Every test builds its own struct rbac_config and handle. Tests that need
 * a process of their own (fork, environment) fork or re-exec explicitly, so
 * the suite also runs with CK_FORK=no (under valgrind).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "fixture.h"
#include "rbac_config.h"
#include "rbac_conn.h"
#include "rbac_ldap.h"
#include "rbac_model.h"

#define ENG_DN "cn=eng,ou=rbac,dc=example,dc=org"

/* ------------------------------------------------------------------------
 * Log capture
 */

static char logbuf[1 << 16];
static size_t loglen;

static void capture(void *ctx, int priority, const char *message)
{
	size_t n = strlen(message);

	(void)ctx;
	(void)priority;
	if (loglen + n + 2 > sizeof(logbuf))
		return;
	memcpy(logbuf + loglen, message, n);
	loglen += n;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

static struct rbac_logger lg = {capture, NULL, true};

static void log_clear(void)
{
	loglen = 0;
	logbuf[0] = '\0';
}

static bool log_has(const char *s)
{
	return strstr(logbuf, s) != NULL;
}

#define expect_log(s) ck_assert_msg(log_has(s), "log has no \"%s\":\n%s", (s), logbuf)

/* ------------------------------------------------------------------------
 * Environment, config, handle
 */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v != NULL && *v != '\0', "%s is not set: run this through directory.test",
		      name);
	return v;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	return d;
}

static void free_uris(struct rbac_config *c)
{
	for (size_t i = 0; i < c->ldap.n_uri; i++)
		free(c->ldap.uri[i]);
	free(c->ldap.uri);
	c->ldap.uri = NULL;
	c->ldap.n_uri = 0;
}

/* Replaces ldap.uri with the NULL-terminated arguments. */
static void set_uris(struct rbac_config *c, const char *first, ...)
{
	const char *u;
	va_list ap;

	free_uris(c);
	c->ldap.uri = calloc(8, sizeof(char *));
	ck_assert_ptr_nonnull(c->ldap.uri);
	va_start(ap, first);
	for (u = first; u != NULL && c->ldap.n_uri < 8; u = va_arg(ap, const char *))
		c->ldap.uri[c->ldap.n_uri++] = xstrdup(u);
	va_end(ap);
}

static void set_string(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

static void config_for_test_server(struct rbac_config *c)
{
	rbac_config_init(c);
	set_uris(c, env("RBAC_TEST_URI"), NULL);
	set_string(&c->ldap.base, env("RBAC_TEST_RBAC_BASE"));
	set_string(&c->ldap.user_base, env("RBAC_TEST_USER_BASE"));
	set_string(&c->namespace_name, "eng");
	c->ldap.timeout = 2.0;
}

static struct rbac_config cfg;
static struct rbac_dir *dir;

static void setup(void)
{
	log_clear();
	config_for_test_server(&cfg);
	dir = rbac_dir_new(&cfg, &lg);
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	rbac_dir_free(dir);
	dir = NULL;
	rbac_config_free(&cfg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An operation that waits for timeouts of `bound` seconds in all, since
 * t0: at least `least` proves it really waited (slowness cannot break a
 * lower bound); the upper limit, 3 x bound + 2 s, catches a wait that does
 * not end with the timeouts and leaves a loaded machine enough margin. */
static void expect_waited(double t0, double least, double bound)
{
	double took = now() - t0;

	ck_assert_msg(took >= least, "took %.3f s, expected at least %.3f s", took, least);
	ck_assert_msg(took < 3 * bound + 2, "took %.3f s: more than 3 x %.3f s + 2 s", took,
		      bound);
}

/* A port on 127.0.0.1 nobody listens on: bound, read back, closed. */
static char *closed_port_uri(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char *uri = NULL;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	ck_assert_int_gt(asprintf(&uri, "ldap://127.0.0.1:%d", ntohs(sa.sin_port)), 0);
	return uri;
}

/* Writes content to RBAC_TEST_DIR/name with the given mode; returns the
 * path (malloc()ed). */
static char *write_file(const char *name, const char *content, mode_t mode)
{
	char *path = NULL;
	int fd;

	ck_assert_int_gt(asprintf(&path, "%s/%s", env("RBAC_TEST_DIR"), name), 0);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* Applies LDIF with the real ldapmodify, as the rootdn. */
static void ldapmodify(const char *ldif)
{
	char *path = write_file("change.ldif", ldif, 0600);
	char *cmd = NULL;

	ck_assert_int_gt(asprintf(&cmd,
				  "LDAPNOINIT=1 ldapmodify -x -H '%s' -D '%s' -w '%s' -f '%s' "
				  ">/dev/null",
				  env("RBAC_TEST_URI"), env("RBAC_TEST_ROOTDN"),
				  env("RBAC_TEST_ROOTPW"), path),
			 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	unlink(path);
	free(path);
}

/* Asks directory.test to act on the server ("kill", "restart") and waits
 * until it is done. */
static void slapd_ctl(const char *cmd)
{
	char line[64] = "";
	FILE *f = fopen(env("RBAC_TEST_CTL"), "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", cmd);
	fclose(f);
	f = fopen(env("RBAC_TEST_ACK"), "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_str_eq(line, "ok\n");
}

static void use_reader_password(struct rbac_config *c, const char *password_file_content)
{
	char *path = write_file("reader.secret", password_file_content, 0600);

	set_string(&c->ldap.bind_dn, env("RBAC_TEST_READER_DN"));
	free(c->ldap.bind_password_file);
	c->ldap.bind_password_file = path;
}

/* ------------------------------------------------------------------------
 * Model assertions
 */

/* l holds exactly the space-separated words, in that order. */
static void expect_list(const char *what, const struct rbac_strlist *l, const char *words)
{
	char *copy = xstrdup(words), *save = NULL, *w;
	size_t i = 0;

	for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save), i++) {
		ck_assert_msg(i < l->n, "%s: missing %s", what, w);
		ck_assert_msg(strcmp(l->v[i], w) == 0, "%s[%zu]: %s, want %s", what, i, l->v[i],
			      w);
	}
	ck_assert_msg(i == l->n, "%s: %zu values, want %zu", what, l->n, i);
	free(copy);
}

static const struct rbac_role *role(const struct rbac_namespace *ns, const char *name)
{
	const struct rbac_role *r = rbac_namespace_find_role(ns, name);

	ck_assert_msg(r != NULL, "role %s not loaded", name);
	return r;
}

/* gid < 0: no gidNumber. */
static void expect_role(const struct rbac_namespace *ns, const char *name, const char *perms,
			const char *restrictions, const char *inherits, const char *members,
			long long gid)
{
	const struct rbac_role *r = role(ns, name);
	char dn[256];

	snprintf(dn, sizeof(dn), "cn=%s,%s", name, ns->dn);
	ck_assert_str_eq(r->dn, dn);
	ck_assert_str_eq(r->name, name);
	expect_list("rbacPermission", &r->permissions, perms);
	expect_list("rbacRestriction", &r->restrictions, restrictions);
	expect_list("rbacInherits", &r->inherits, inherits);
	expect_list("memberUid", &r->members, members);
	ck_assert_msg(r->has_gid == (gid >= 0), "%s: has_gid %d", name, r->has_gid);
	if (gid >= 0)
		ck_assert_uint_eq(r->gid, (unsigned long)gid);
}

static void expect_eng_roles(const struct rbac_namespace *ns, bool all_members)
{
	bool m = all_members;

	ck_assert_uint_eq(ns->n_roles, 7);
	expect_role(ns, "user", "host.login", "", "", m ? "bob dave frank heidi" : "", 900001);
	expect_role(ns, "manager", "app.logs.read app.deploy", "", "user",
		    m ? "carol ivan" : "", 900005);
	expect_role(ns, "admin", "host.sudo host.su rbac.users.manage", "", "manager",
		    m ? "alice" : "", 900010);
	expect_role(ns, "super-admin", "rbac.*", "", "admin", m ? "victor" : "", 900020);
	expect_role(ns, "deployer", "db.admin", "host.sudo host.su", "admin", m ? "judy" : "",
		    -1);
	expect_role(ns, "contractor", "host.login app.logs.read", "", "",
		    m ? "erin peggy trent" : "", 900040);
	expect_role(ns, "auditor", "app.logs.read", "", "", "", 900050);
}

static enum rbac_dir_result load_ns(const char *name, const char *only,
				    struct rbac_namespace *ns)
{
	return rbac_dir_load_namespace(dir, name, only, ns);
}

/* ------------------------------------------------------------------------
 * Namespaces
 */

START_TEST(test_load_eng)
{
	struct rbac_namespace ns;

	ck_assert_ptr_null(rbac_dir_current_uri(dir));
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	ck_assert_str_eq(rbac_dir_current_uri(dir), env("RBAC_TEST_URI"));
	ck_assert_str_eq(ns.dn, ENG_DN);
	ck_assert_str_eq(ns.name, "eng");
	ck_assert(ns.has_master);
	expect_list("master", &ns.master,
		    "host.login host.sudo host.su app.deploy app.logs.read rbac.roles.manage "
		    "rbac.users.manage");
	expect_eng_roles(&ns, true);
	ck_assert(ns.resolved);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_eng_inheritance_resolved)
{
	struct rbac_namespace ns;

	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	/* admin grants host.login through manager -> user */
	ck_assert(rbac_role_grants(&ns, role(&ns, "admin"), "host.login"));
	ck_assert(rbac_role_grants(&ns, role(&ns, "admin"), "app.deploy"));
	ck_assert(rbac_role_grants(&ns, role(&ns, "super-admin"), "rbac.roles.manage"));
	ck_assert(!rbac_role_grants(&ns, role(&ns, "admin"), "rbac.roles.manage"));
	/* deployer: admin minus its restrictions; db.admin is outside the master list */
	ck_assert(rbac_role_grants(&ns, role(&ns, "deployer"), "host.login"));
	ck_assert(rbac_role_grants(&ns, role(&ns, "deployer"), "rbac.users.manage"));
	ck_assert(!rbac_role_grants(&ns, role(&ns, "deployer"), "host.sudo"));
	ck_assert(!rbac_role_grants(&ns, role(&ns, "deployer"), "db.admin"));
	ck_assert(!rbac_role_grants(&ns, role(&ns, "contractor"), "host.sudo"));
	ck_assert(rbac_role_inherits(&ns, role(&ns, "super-admin"), role(&ns, "user")));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_load_global)
{
	struct rbac_namespace ns;

	ck_assert_int_eq(load_ns("global", NULL, &ns), RBAC_DIR_OK);
	ck_assert_str_eq(ns.dn, "cn=global,ou=rbac,dc=example,dc=org");
	ck_assert(ns.has_master);
	expect_list("master", &ns.master, "*");
	ck_assert_uint_eq(ns.n_roles, 1);
	expect_role(&ns, "platform-admin", "*", "", "", "oscar", 900100);
	ck_assert(rbac_role_grants(&ns, role(&ns, "platform-admin"), "host.sudo"));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_missing_namespace)
{
	struct rbac_namespace ns;

	ck_assert_int_eq(load_ns("nosuch", NULL, &ns), RBAC_DIR_NOT_FOUND);
	ck_assert_ptr_null(ns.dn);
	ck_assert_uint_eq(ns.n_roles, 0);
	/* an entry that exists but is not an rbacNamespace is not one */
	ck_assert_int_eq(load_ns("orphan", NULL, &ns), RBAC_DIR_NOT_FOUND);
	ck_assert_uint_eq(ns.n_roles, 0);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_bad_namespace_names)
{
	static const char *const bad[] = {
	    "",
	    "eng,ou=people",
	    "eng)",
	    "*",
	    "-eng",
	    ".eng",
	    "_eng",
	    "en g",
	    "eng\n",
	    "cn=eng",
	    "eng+cn=x",
	    "eng\\2c",
	    "\xc3\xa9ng",
	    "a123456789012345678901234567890123456789012345678901234567890123456789",
	};
	struct rbac_namespace ns;
	char *closed = closed_port_uri();

	/* Nothing may be sent: had it tried, the closed port would make the
	 * result UNAVAILABLE rather than ERROR. */
	set_uris(&cfg, closed, NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		log_clear();
		ck_assert_msg(load_ns(bad[i], NULL, &ns) == RBAC_DIR_ERROR, "accepted \"%s\"",
			      bad[i]);
		expect_log("namespace name");
		ck_assert_uint_eq(ns.n_roles, 0);
	}
	ck_assert_int_eq(load_ns(NULL, NULL, &ns), RBAC_DIR_ERROR);
	ck_assert_ptr_null(rbac_dir_current_uri(dir));
	free(closed);
}
END_TEST

START_TEST(test_base_spelled_differently)
{
	struct rbac_namespace ns;

	/* The entry DNs come back as stored; ldap.base may differ in case and
	 * spacing and must still find the namespace and its roles. */
	set_string(&cfg.ldap.base, "OU=RBAC, DC=Example,dc=ORG");
	ck_assert_int_eq(load_ns("ENG", NULL, &ns), RBAC_DIR_OK);
	ck_assert_str_eq(ns.dn, ENG_DN);
	ck_assert_str_eq(ns.name, "eng");
	expect_eng_roles(&ns, true);
	rbac_namespace_free(&ns);
}
END_TEST

/* Every role of b is the role of a except for its members. */
static void expect_same_but_members(const struct rbac_namespace *a,
				    const struct rbac_namespace *b)
{
	ck_assert_uint_eq(a->n_roles, b->n_roles);
	ck_assert_uint_eq(a->master.n, b->master.n);
	for (size_t i = 0; i < a->n_roles; i++) {
		const struct rbac_role *x = &a->roles[i], *y = role(b, a->roles[i].name);

		ck_assert_str_eq(x->dn, y->dn);
		ck_assert_uint_eq(x->permissions.n, y->permissions.n);
		ck_assert_uint_eq(x->restrictions.n, y->restrictions.n);
		ck_assert_uint_eq(x->inherits.n, y->inherits.n);
		ck_assert_int_eq(x->has_gid, y->has_gid);
		ck_assert_uint_eq(x->gid, y->gid);
	}
}

/* b (loaded for one member) holds exactly the roles named in `names`, each
 * the role of a (loaded whole) except for its members, and the same master
 * list. */
static void expect_only_roles(const struct rbac_namespace *a, const struct rbac_namespace *b,
			      const char *names)
{
	char *copy = xstrdup(names), *save = NULL, *w;
	size_t n = 0;

	ck_assert_str_eq(a->dn, b->dn);
	ck_assert_uint_eq(a->has_master, b->has_master);
	ck_assert_uint_eq(a->master.n, b->master.n);
	for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save), n++) {
		const struct rbac_role *x = role(a, w), *y = rbac_namespace_find_role(b, w);

		ck_assert_msg(y != NULL, "role %s not loaded", w);
		ck_assert_str_eq(x->dn, y->dn);
		ck_assert_uint_eq(x->permissions.n, y->permissions.n);
		ck_assert_uint_eq(x->restrictions.n, y->restrictions.n);
		ck_assert_uint_eq(x->inherits.n, y->inherits.n);
		ck_assert_uint_eq(x->n_parents, y->n_parents);
		ck_assert_int_eq(x->on_cycle, y->on_cycle);
		ck_assert_int_eq(x->has_gid, y->has_gid);
		ck_assert_uint_eq(x->gid, y->gid);
	}
	ck_assert_msg(b->n_roles == n, "%zu roles loaded, want %zu (%s)", b->n_roles, n, names);
	free(copy);
}

START_TEST(test_only_member)
{
	struct rbac_namespace all, one;

	ck_assert_int_eq(load_ns("eng", NULL, &all), RBAC_DIR_OK);
	ck_assert_int_eq(load_ns("eng", "frank", &one), RBAC_DIR_OK);
	expect_only_roles(&all, &one, "user");
	expect_list("user members", &role(&one, "user")->members, "frank");
	rbac_namespace_free(&one);

	/* the roles held, and every role they inherit, level by level */
	ck_assert_int_eq(load_ns("eng", "alice", &one), RBAC_DIR_OK);
	expect_only_roles(&all, &one, "admin manager user");
	expect_list("admin members", &role(&one, "admin")->members, "alice");
	ck_assert_uint_eq(role(&one, "manager")->members.n, 0);
	ck_assert_uint_eq(role(&one, "user")->members.n, 0);
	ck_assert(rbac_role_has_member(role(&one, "admin"), "alice"));
	ck_assert(rbac_role_grants(&one, role(&one, "admin"), "host.login"));
	rbac_namespace_free(&one);
	ck_assert_int_eq(load_ns("eng", "judy", &one), RBAC_DIR_OK);
	expect_only_roles(&all, &one, "deployer admin manager user");
	ck_assert(!rbac_role_grants(&one, role(&one, "deployer"), "host.sudo"));
	ck_assert(rbac_role_grants(&one, role(&one, "deployer"), "host.login"));
	rbac_namespace_free(&one);

	/* memberUid is exact: no case folding, no wildcard */
	static const char *const none[] = {"nobody", "Alice", "*", "a*", "alice)(memberUid=*",
					   "alice ", ""};
	for (size_t k = 0; k < sizeof(none) / sizeof(none[0]); k++) {
		ck_assert_int_eq(load_ns("eng", none[k], &one), RBAC_DIR_OK);
		/* The server may match more loosely ("alice " equals
		 * "alice" once spaces are normalised); what it sends then
		 * keeps no member value. */
		ck_assert_str_eq(one.dn, ENG_DN);
		for (size_t i = 0; i < one.n_roles; i++)
			ck_assert_msg(one.roles[i].members.n == 0, "%s: member kept for \"%s\"",
				      one.roles[i].name, none[k]);
		rbac_namespace_free(&one);
	}
	rbac_namespace_free(&all);
}
END_TEST

/* Inheritance walked for one member: cycles, a missing role, a name in
 * other case, a role too deep to count, and more inherited names than one
 * search asks for. */
START_TEST(test_only_member_inheritance)
{
	struct rbac_namespace all, one;

	ck_assert_int_eq(load_ns("chain", NULL, &all), RBAC_DIR_OK);
	log_clear();
	ck_assert_int_eq(load_ns("chain", "ida", &one), RBAC_DIR_OK);
	expect_only_roles(&all, &one, "top mid low loop-a loop-b dangling");
	ck_assert(rbac_role_grants(&one, role(&one, "top"), "host.login"));
	ck_assert(rbac_role_grants(&one, role(&one, "top"), "app.mid"));
	ck_assert(!rbac_role_grants(&one, role(&one, "top"), "app.deep"));
	ck_assert(role(&one, "loop-a")->on_cycle);
	ck_assert(rbac_role_grants(&one, role(&one, "dangling"), "app.dangling"));
	ck_assert_ptr_null(rbac_namespace_find_role(&one, "unheld"));
	expect_log("ghost");
	expect_log("cycle");
	rbac_namespace_free(&one);

	ck_assert_int_eq(load_ns("chain", "wes", &one), RBAC_DIR_OK);
	ck_assert_uint_eq(one.n_roles, 71);
	ck_assert(rbac_role_grants(&one, role(&one, "wide"), "app.w70"));
	ck_assert(rbac_role_grants(&one, role(&one, "wide"), "app.w1"));
	rbac_namespace_free(&one);
	rbac_namespace_free(&all);
}
END_TEST

START_TEST(test_only_member_too_long)
{
	struct rbac_namespace all, one;
	char *uid = malloc(RBAC_LDAP_VALUE_MAX + 10);

	ck_assert_ptr_nonnull(uid);
	memset(uid, 'a', RBAC_LDAP_VALUE_MAX + 9);
	uid[RBAC_LDAP_VALUE_MAX + 9] = '\0';
	ck_assert_int_eq(load_ns("eng", NULL, &all), RBAC_DIR_OK);
	/* no server-side filter for it, but still only its own values */
	ck_assert_int_eq(load_ns("eng", uid, &one), RBAC_DIR_OK);
	expect_same_but_members(&all, &one);
	for (size_t i = 0; i < one.n_roles; i++)
		ck_assert_uint_eq(one.roles[i].members.n, 0);
	rbac_namespace_free(&one);
	rbac_namespace_free(&all);
	free(uid);
}
END_TEST

/* slapd 2.5's behaviour with an RFC 3876 ValuesReturnFilter, which the
 * memberUid filter of rbac_ldap.c depends on: attributes the filter does
 * not name are dropped, presence items keep all values of theirs. */
static int vr_search(LDAP *ld, const char *vrf, LDAPMessage **res)
{
	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	struct berval bv;
	LDAPControl *ctrl = NULL, *ctrls[2] = {NULL, NULL};
	char *attrs[] = {"rbacPermission", "memberUid", "gidNumber", NULL};
	int rc;

	ck_assert_ptr_nonnull(ber);
	ck_assert_int_ne(ldap_put_vrFilter(ber, vrf), -1);
	ck_assert_int_ne(ber_flatten2(ber, &bv, 0), -1);
	ck_assert_int_eq(ldap_control_create(LDAP_CONTROL_VALUESRETURNFILTER, 1, &bv, 1, &ctrl),
			 LDAP_SUCCESS);
	ctrls[0] = ctrl;
	rc = ldap_search_ext_s(ld, "cn=user," ENG_DN, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
			       0, ctrls, NULL, NULL, 0, res);
	ldap_control_free(ctrl);
	ber_free(ber, 1);
	return rc;
}

static int count_values(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	int n = ldap_count_values_len(v);

	ldap_value_free_len(v);
	return n;
}

START_TEST(test_values_return_filter_in_slapd)
{
	LDAP *ld = NULL;
	LDAPMessage *res = NULL, *e;
	int version = LDAP_VERSION3;

	ck_assert_int_eq(ldap_initialize(&ld, env("RBAC_TEST_URI")), LDAP_SUCCESS);
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);

	ck_assert_int_eq(vr_search(ld, "((memberUid=frank))", &res), LDAP_SUCCESS);
	e = ldap_first_entry(ld, res);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(count_values(ld, e, "memberUid"), 1);
	ck_assert_int_eq(count_values(ld, e, "rbacPermission"), 0); /* dropped */
	ck_assert_int_eq(count_values(ld, e, "gidNumber"), 0);
	ldap_msgfree(res);

	ck_assert_int_eq(
	    vr_search(ld, "((memberUid=frank)(rbacPermission=*)(gidNumber=*))", &res),
	    LDAP_SUCCESS);
	e = ldap_first_entry(ld, res);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(count_values(ld, e, "memberUid"), 1);
	ck_assert_int_eq(count_values(ld, e, "rbacPermission"), 1);
	ck_assert_int_eq(count_values(ld, e, "gidNumber"), 1);
	ldap_msgfree(res);
	ldap_unbind_ext_s(ld, NULL, NULL);
}
END_TEST

START_TEST(test_odd_namespace)
{
	struct rbac_namespace ns;
	const struct rbac_role *r;

	ck_assert_int_eq(load_ns("odd", NULL, &ns), RBAC_DIR_OK);
	ck_assert(!ns.has_master);
	ck_assert_uint_eq(ns.master.n, 0);
	/* maxgid zerogid neggid biggid nulvalues orphan MixedCase */
	ck_assert_uint_eq(ns.n_roles, 7);
	expect_role(&ns, "maxgid", "host.login", "", "", "alice", 4294967295LL);
	expect_role(&ns, "zerogid", "", "", "", "", 0);
	expect_role(&ns, "neggid", "", "", "", "", -1);
	expect_role(&ns, "biggid", "", "", "", "", -1);
	expect_log("cn=neggid,cn=odd");
	expect_log("gidNumber -5 is not a number");
	expect_log("gidNumber 4294967296 is not a number");

	/* a value with a NUL byte is not read as its prefix */
	r = role(&ns, "nulvalues");
	expect_list("members", &r->members, "bob");
	expect_list("perms", &r->permissions, "host.login");
	ck_assert(!rbac_role_has_member(r, "alice"));
	expect_log("memberUid contains a NUL byte");
	expect_log("rbacPermission contains a NUL byte");

	/* a second role called maxgid (RDN description=same-name) is skipped,
	 * naming both DNs; one with two cn values and no cn RDN too */
	expect_log("description=same-name,cn=odd");
	expect_log("role name already used by cn=maxgid,cn=odd");
	expect_log("description=two-names,cn=odd");
	expect_log("role without a usable cn");
	ck_assert(rbac_namespace_find_role(&ns, "first") == NULL);
	/* deeper entries and a namespace below the namespace are not roles */
	ck_assert(rbac_namespace_find_role(&ns, "deep") == NULL);
	ck_assert(rbac_namespace_find_role(&ns, "subns") == NULL);

	/* unknown inherited role: loaded, logged by resolve, grants its own */
	r = role(&ns, "orphan");
	expect_list("inherits", &r->inherits, "ghost");
	ck_assert(rbac_role_grants(&ns, r, "host.login"));
	expect_role(&ns, "MixedCase", "host.login", "", "", "", -1);
	ck_assert_ptr_nonnull(rbac_namespace_find_role(&ns, "mixedcase"));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_big_namespace_needs_limit)
{
	struct rbac_namespace ns;

	/* Anonymous has slapd's default limits: paging alone does not get past
	 * 500 entries (size.prtotal defaults to the hard limit). The result is
	 * an error, never a partial namespace. */
	ck_assert_int_eq(load_ns("big", NULL, &ns), RBAC_DIR_ERROR);
	ck_assert_uint_eq(ns.n_roles, 0);
	ck_assert_ptr_null(ns.dn);
	expect_log("Size limit exceeded");
	expect_log("size.prtotal=unlimited");
}
END_TEST

START_TEST(test_big_namespace_paged)
{
	struct rbac_namespace ns;
	char name[16];

	/* cn=host-reader has "limits ... size.prtotal=unlimited": 601 entries
	 * arrive in pages of 500. */
	use_reader_password(&cfg, "readerpw\n");
	ck_assert_int_eq(load_ns("big", NULL, &ns), RBAC_DIR_OK);
	ck_assert_uint_eq(ns.n_roles, 600);
	for (int i = 1; i <= 600; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		ck_assert_ptr_nonnull(rbac_namespace_find_role(&ns, name));
	}
	expect_role(&ns, "r600", "host.login", "", "", "u600", 910600);
	rbac_namespace_free(&ns);
	/* for one member, only the role that lists it travels */
	ck_assert_int_eq(load_ns("big", "u42", &ns), RBAC_DIR_OK);
	ck_assert_uint_eq(ns.n_roles, 1);
	expect_list("r42 members", &role(&ns, "r42")->members, "u42");
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_changes_seen_without_caching)
{
	struct rbac_namespace ns;
	bool had_before, has_after;

	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	had_before = rbac_strlist_contains(&role(&ns, "auditor")->permissions, "host.login");
	rbac_namespace_free(&ns);
	ldapmodify("dn: cn=auditor," ENG_DN "\nchangetype: modify\nadd: rbacPermission\n"
		   "rbacPermission: host.login\n");
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	has_after = rbac_strlist_contains(&role(&ns, "auditor")->permissions, "host.login");
	rbac_namespace_free(&ns);
	ldapmodify("dn: cn=auditor," ENG_DN "\nchangetype: modify\ndelete: rbacPermission\n"
		   "rbacPermission: host.login\n");
	ck_assert(!had_before);
	ck_assert(has_after);
}
END_TEST

/* ------------------------------------------------------------------------
 * Accounts
 */

static enum rbac_dir_result load_acct(const char *uid, struct rbac_account *a)
{
	return rbac_dir_load_account(dir, uid, a);
}

START_TEST(test_account_alice)
{
	struct rbac_account a;

	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	ck_assert_str_eq(a.uid, "alice");
	ck_assert_str_eq(a.dn, "uid=alice,ou=people,dc=example,dc=org");
	ck_assert_int_eq(a.status, RBAC_STATUS_ACTIVE);
	ck_assert_str_eq(a.status_raw, "active");
	ck_assert_ptr_null(a.status_reason);
	ck_assert(!a.locked);
	ck_assert_ptr_null(a.locked_raw);
	ck_assert(!a.valid_from.present);
	ck_assert(!a.valid_until.present);
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_account_states)
{
	struct rbac_account a;

	ck_assert_int_eq(load_acct("bob", &a), RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_SUSPENDED);
	ck_assert_str_eq(a.status_raw, "suspended");
	ck_assert_str_eq(a.status_reason, "password reset pending");
	rbac_account_free(&a);

	ck_assert_int_eq(load_acct("carol", &a), RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_DISABLED);
	ck_assert_str_eq(a.status_reason, "left the team");
	rbac_account_free(&a);

	ck_assert_int_eq(load_acct("dave", &a), RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_DELETED);
	rbac_account_free(&a);

	/* no rbacAccountStatus: active by default */
	ck_assert_int_eq(load_acct("heidi", &a), RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_ACTIVE);
	ck_assert_ptr_null(a.status_raw);
	rbac_account_free(&a);

	/* a status the model does not know is kept, and is invalid */
	ck_assert_int_eq(load_acct("frozen", &a), RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_INVALID);
	ck_assert_str_eq(a.status_raw, "frozen");
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_account_locked)
{
	struct rbac_account a;

	ck_assert_int_eq(load_acct("frank", &a), RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_ACTIVE);
	ck_assert(a.locked);
	ck_assert_str_eq(a.locked_raw, "20260101000000Z");
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_account_times)
{
	struct rbac_account a;

	ck_assert_int_eq(load_acct("erin", &a), RBAC_DIR_OK);
	ck_assert(a.valid_from.present && a.valid_from.valid);
	ck_assert_int_eq(a.valid_from.t, 1767225600); /* 2026-01-01T00:00:00Z */
	ck_assert_str_eq(a.valid_from.raw, "20260101000000Z");
	ck_assert(a.valid_until.present && a.valid_until.valid);
	ck_assert_int_eq(a.valid_until.t, 4102444799); /* 2099-12-31T23:59:59Z */
	rbac_account_free(&a);

	ck_assert_int_eq(load_acct("trent", &a), RBAC_DIR_OK);
	ck_assert(a.valid_from.present && a.valid_from.valid);
	ck_assert(!a.valid_until.present);
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_account_exact_case)
{
	struct rbac_account a;
	static const char *const variants[] = {"Alice", "ALICE", "alicE"};

	/* LDAP's uid match ignores case; Unix names do not */
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		ck_assert_int_eq(load_acct(variants[i], &a), RBAC_DIR_NOT_FOUND);
		ck_assert_ptr_null(a.dn);
	}
	/* three entries whose uids differ only in case: each name finds its
	 * own entry (slapd does not return them in the order they were added,
	 * so a limit of two entries would hide some) */
	ck_assert_msg(load_acct("zed", &a) == RBAC_DIR_OK, "%s", logbuf);
	ck_assert_str_eq(a.dn, "uid=zed,ou=people,dc=example,dc=org");
	rbac_account_free(&a);
	ck_assert_msg(load_acct("Zed", &a) == RBAC_DIR_OK, "%s", logbuf);
	ck_assert_str_eq(a.dn, "cn=zed-title,ou=people,dc=example,dc=org");
	rbac_account_free(&a);
	ck_assert_msg(load_acct("ZED", &a) == RBAC_DIR_OK, "%s", logbuf);
	ck_assert_str_eq(a.dn, "cn=zed-caps,ou=people,dc=example,dc=org");
	rbac_account_free(&a);
	/* any uid value of the entry counts */
	ck_assert_int_eq(load_acct("multi-alias", &a), RBAC_DIR_OK);
	ck_assert_str_eq(a.dn, "uid=multi,ou=people,dc=example,dc=org");
	ck_assert_str_eq(a.uid, "multi-alias");
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_account_hostile_uids)
{
	static const char *const hostile[] = {
	    "*",
	    "a*",
	    "*e",
	    "al*ce",
	    "a)(uid=*",
	    "*)(|(uid=*",
	    "alice)(objectClass=*",
	    "alice)(|(uid=*)",
	    "\\",
	    "\\2a",
	    "alice\\00",
	    "alice\\",
	    "(uid=alice)",
	    "alice ",
	    " alice",
	    "al ice",
	    "\xff\xfe",
	    "al\xc3",
	    "alice\xc3\xa9",
	    "\x01",
	    "",
	};
	struct rbac_account a;

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		ck_assert_msg(load_acct(hostile[i], &a) == RBAC_DIR_NOT_FOUND,
			      "uid #%zu was not NOT_FOUND", i);
		ck_assert_ptr_null(a.dn);
	}
	ck_assert_int_eq(load_acct(NULL, &a), RBAC_DIR_NOT_FOUND);
}
END_TEST

START_TEST(test_account_long_uids)
{
	struct rbac_account a;
	char *uid = malloc(10 * 1024 + 1);

	ck_assert_ptr_nonnull(uid);
	memset(uid, 'a', 10 * 1024);
	uid[10 * 1024] = '\0';
	ck_assert_int_eq(load_acct(uid, &a), RBAC_DIR_ERROR);
	ck_assert_ptr_null(a.dn);
	memset(uid, '*', 10 * 1024);
	ck_assert_int_eq(load_acct(uid, &a), RBAC_DIR_ERROR);
	/* the longest accepted value is searched for (and not there) */
	uid[RBAC_LDAP_VALUE_MAX] = '\0';
	ck_assert_int_eq(load_acct(uid, &a), RBAC_DIR_NOT_FOUND);
	free(uid);
}
END_TEST

START_TEST(test_account_too_many_variants)
{
	struct rbac_account a;

	/* 17 entries "crowd", "Crowd", ... answer every one of these names:
	 * more than the account search reads, so none of them can be told
	 * apart from a duplicate. An error, never a guess. */
	static const char *const names[] = {"crowd", "Crowd", "cROWD", "CROWD"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		log_clear();
		ck_assert_int_eq(load_acct(names[i], &a), RBAC_DIR_ERROR);
		ck_assert_ptr_null(a.dn);
		expect_log("entries match under ou=people,dc=example,dc=org");
	}
	ck_assert_int_eq(load_acct("crowdX", &a), RBAC_DIR_NOT_FOUND);
}
END_TEST

START_TEST(test_account_duplicate_uid)
{
	struct rbac_account a;

	ck_assert_int_eq(load_acct("mallory", &a), RBAC_DIR_ERROR);
	ck_assert_ptr_null(a.dn);
	expect_log("uid mallory is claimed by two entries");
	expect_log("uid=mallory,ou=people");
	expect_log("cn=mallory-again,ou=people");
}
END_TEST

START_TEST(test_account_without_object_class)
{
	struct rbac_account a;

	ck_assert_int_eq(load_acct("norbac", &a), RBAC_DIR_NOT_FOUND);
	ck_assert_ptr_null(a.dn);
}
END_TEST

START_TEST(test_account_changes_seen)
{
	struct rbac_account a;
	enum rbac_status before, after;

	ck_assert_int_eq(load_acct("bob", &a), RBAC_DIR_OK);
	before = a.status;
	rbac_account_free(&a);
	ldapmodify("dn: uid=bob,ou=people,dc=example,dc=org\nchangetype: modify\n"
		   "replace: rbacAccountStatus\nrbacAccountStatus: active\n");
	ck_assert_int_eq(load_acct("bob", &a), RBAC_DIR_OK);
	after = a.status;
	rbac_account_free(&a);
	ldapmodify("dn: uid=bob,ou=people,dc=example,dc=org\nchangetype: modify\n"
		   "replace: rbacAccountStatus\nrbacAccountStatus: suspended\n");
	ck_assert_int_eq(before, RBAC_STATUS_SUSPENDED);
	ck_assert_int_eq(after, RBAC_STATUS_ACTIVE);
}
END_TEST

/* ------------------------------------------------------------------------
 * Connections
 */

START_TEST(test_config_file)
{
	struct rbac_config file_cfg;
	struct rbac_dir *d;
	struct rbac_namespace ns;
	char err[RBAC_ERRLEN] = "";

	rbac_config_init(&file_cfg);
	ck_assert_msg(rbac_config_load(env("RBAC_TEST_CONF"), &file_cfg, err, sizeof(err)) == 0,
		      "%s", err);
	d = rbac_dir_new(&file_cfg, &lg);
	ck_assert_int_eq(rbac_dir_load_namespace(d, file_cfg.namespace_name, NULL, &ns),
			 RBAC_DIR_OK);
	expect_eng_roles(&ns, true);
	rbac_namespace_free(&ns);
	rbac_dir_free(d);
	rbac_config_free(&file_cfg);
}
END_TEST

START_TEST(test_failover_refused)
{
	struct rbac_namespace ns;
	char *closed = closed_port_uri();
	double t0;

	/* a refused connect does not wait: far less than this timeout */
	cfg.ldap.timeout = 10.0;
	set_uris(&cfg, closed, env("RBAC_TEST_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	ck_assert_double_lt(now() - t0, cfg.ldap.timeout);
	ck_assert_str_eq(rbac_dir_current_uri(dir), env("RBAC_TEST_URI"));
	ck_assert(log_has(closed + strlen("ldap://")));
	rbac_namespace_free(&ns);
	free(closed);
}
END_TEST

START_TEST(test_failover_silent)
{
	struct rbac_namespace ns;
	double t0;

	cfg.ldap.timeout = 1.0;
	set_uris(&cfg, env("RBAC_TEST_SILENT_URI"), env("RBAC_TEST_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	expect_waited(t0, 0.9, 2 * cfg.ldap.timeout);
	ck_assert_str_eq(rbac_dir_current_uri(dir), env("RBAC_TEST_URI"));
	expect_log("Timed out");
	expect_eng_roles(&ns, true);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_dead_directory)
{
	struct rbac_namespace ns;
	struct rbac_account a;
	double t0;

	cfg.ldap.timeout = 1.0;
	set_uris(&cfg, env("RBAC_TEST_SILENT_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_UNAVAILABLE);
	expect_waited(t0, 0.9, cfg.ldap.timeout);
	ck_assert_uint_eq(ns.n_roles, 0);
	expect_log("no directory server answered (1 URI tried)");
	ck_assert_ptr_null(rbac_dir_current_uri(dir));

	t0 = now();
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_UNAVAILABLE);
	expect_waited(t0, 0, cfg.ldap.timeout);
	ck_assert_ptr_null(a.dn);
}
END_TEST

START_TEST(test_dead_directory_two_uris)
{
	struct rbac_namespace ns;
	double t0;

	/* bounded by timeout x number of URIs; each URI waited for */
	cfg.ldap.timeout = 0.5;
	set_uris(&cfg, env("RBAC_TEST_SILENT_URI"), env("RBAC_TEST_SILENT_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_UNAVAILABLE);
	expect_waited(t0, 0.9, 2 * cfg.ldap.timeout);
	expect_log("no directory server answered (2 URIs tried)");
}
END_TEST

START_TEST(test_bind_reader)
{
	struct rbac_namespace ns;
	struct rbac_account a;

	use_reader_password(&cfg, "readerpw\n");
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	expect_eng_roles(&ns, true);
	rbac_namespace_free(&ns);
	ck_assert_int_eq(load_acct("frank", &a), RBAC_DIR_OK);
	ck_assert(a.locked);
	rbac_account_free(&a);
	ck_assert(!log_has("readerpw"));
}
END_TEST

START_TEST(test_bind_password_without_newline)
{
	struct rbac_namespace ns;

	use_reader_password(&cfg, "readerpw");
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_bind_wrong_password)
{
	struct rbac_namespace ns;
	struct rbac_account a;

	use_reader_password(&cfg, "wrong\n");
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_ERROR);
	expect_log("Invalid credentials");
	expect_log("cn=host-reader");
	ck_assert(!log_has("wrong"));
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_ERROR);
	/* only the first line's newline is the file's; the rest is password */
	use_reader_password(&cfg, "readerpw\n\n");
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_ERROR);
}
END_TEST

/* Plain ldap:// off loopback without StartTLS is refused before any
 * connect, even anonymous (the config loader refuses it first; this is the
 * last line of defence for a config built another way). A connect to the
 * reserved name would fail as UNAVAILABLE, "Can't contact LDAP server";
 * the refusal is ERROR, and the real server after it is not tried. */
START_TEST(test_plaintext_refused_before_connect)
{
	struct rbac_namespace ns;

	set_uris(&cfg, "ldap://ldap.invalid/", env("RBAC_TEST_URI"), NULL);
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_ERROR);
	expect_log("refusing answers that decide access without TLS");
	ck_assert_msg(!log_has("Can't contact"), "a connect was tried:\n%s", logbuf);
	rbac_namespace_free(&ns);
}
END_TEST

/* The password file is checked before any server is contacted: with a
 * closed port as the only URI, trying would give UNAVAILABLE. */
static void expect_refused_password_file(const char *content, mode_t mode, uid_t owner)
{
	struct rbac_namespace ns;
	char *closed = closed_port_uri();
	char *path = write_file("bad.secret", content, mode);

	ck_assert_int_eq(chown(path, owner, (gid_t)-1), 0);
	set_uris(&cfg, closed, NULL);
	set_string(&cfg.ldap.bind_dn, env("RBAC_TEST_READER_DN"));
	free(cfg.ldap.bind_password_file);
	cfg.ldap.bind_password_file = path;
	log_clear();
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_ERROR);
	expect_log("bad.secret");
	ck_assert(!log_has(closed + strlen("ldap://")));
	free(closed);
}

START_TEST(test_bind_password_file_refused)
{
	expect_refused_password_file("readerpw\n", 0644, 0);	 /* readable by all */
	expect_refused_password_file("readerpw\n", 0640, 0);	 /* by the group */
	expect_refused_password_file("readerpw\n", 0600, 65534); /* not root's */
	expect_refused_password_file("\n", 0600, 0);		 /* empty: anonymous */
	expect_refused_password_file("", 0600, 0);
	/* and a missing one */
	set_string(&cfg.ldap.bind_password_file, "/nonexistent/rbac.secret");
	ck_assert_int_eq(rbac_dir_load_account(dir, "alice", &(struct rbac_account){0}),
			 RBAC_DIR_ERROR);
}
END_TEST

START_TEST(test_bind_dn_without_password_file)
{
	struct rbac_namespace ns;

	set_string(&cfg.ldap.bind_dn, env("RBAC_TEST_READER_DN"));
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_ERROR);
	expect_log("bind_password_file");
}
END_TEST

/* RBAC_TEST_CA is the CA directory.test made with openssl. */
START_TEST(test_starttls)
{
	struct rbac_namespace ns;
	const char *ca = env("RBAC_TEST_CA");
	char *missing = NULL;

	cfg.ldap.tls.starttls = true;
	set_string(&cfg.ldap.tls.ca_file, ca);
	ck_assert_msg(load_ns("eng", NULL, &ns) == RBAC_DIR_OK, "%s", logbuf);
	expect_eng_roles(&ns, true);
	rbac_namespace_free(&ns);
	teardown();

	/* The system trust store does not know the test CA: no server. */
	setup();
	cfg.ldap.tls.starttls = true;
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_UNAVAILABLE);
	expect_log("StartTLS failed");
	teardown();

	/* verify = false: works, and says so */
	setup();
	cfg.ldap.tls.starttls = true;
	cfg.ldap.tls.verify = false;
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	rbac_namespace_free(&ns);
	expect_log("ldap.tls.verify is false");
	teardown();

	/* an unreadable CA file is a configuration error */
	setup();
	cfg.ldap.tls.starttls = true;
	ck_assert_int_gt(asprintf(&missing, "%s/no-such-ca.pem", env("RBAC_TEST_DIR")), 0);
	cfg.ldap.tls.ca_file = missing;
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_ERROR);
	expect_log("TLS CA file");
}
END_TEST

/* A bind over the encrypted session (the password file must be root's). */
START_TEST(test_starttls_bind)
{
	struct rbac_namespace ns;

	cfg.ldap.tls.starttls = true;
	set_string(&cfg.ldap.tls.ca_file, env("RBAC_TEST_CA"));
	use_reader_password(&cfg, "readerpw\n");
	ck_assert_msg(load_ns("big", NULL, &ns) == RBAC_DIR_OK, "%s", logbuf);
	ck_assert_uint_eq(ns.n_roles, 600);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_server_killed_then_restarted)
{
	struct rbac_namespace ns;
	struct rbac_account a;
	double t0;

	cfg.ldap.timeout = 10.0; /* see below */
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	rbac_namespace_free(&ns);
	slapd_ctl("kill");
	/* the kept connection is dead and nothing else answers: at once, far
	 * less than a timeout */
	t0 = now();
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_UNAVAILABLE);
	ck_assert_double_lt(now() - t0, cfg.ldap.timeout);
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_UNAVAILABLE);
	slapd_ctl("restart");
	/* the same handle connects again */
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	expect_eng_roles(&ns, true);
	rbac_namespace_free(&ns);
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);
}
END_TEST

/* ------------------------------------------------------------------------
 * Sessions (rbac_dir_session): the op arms a deadline per awaited answer.
 */

struct session_run {
	int runs;	    /* times the op ran */
	char uri[2][128];   /* the URI of the first two runs */
	double idle;	    /* an idle wait before the search (no deadline) */
	double expect;	    /* the search's answer is due within this */
	bool kill_on_first; /* slapd killed during the first run's idle wait */
	int entries;
};

static enum rbac_dir_result session_lost(bool *lost)
{
	*lost = true;
	return RBAC_DIR_UNAVAILABLE;
}

/* An idle wait: nothing is asked, nothing may arrive; -1 when lost. */
static int session_idle(struct rbac_dir *d, double seconds)
{
	LDAPMessage *msg = NULL;
	double until = now() + seconds;
	int rc = 0;

	ck_assert_int_eq(rbac_dir_expect(d, 0), 0);
	while (rc == 0 && now() < until)
		rc = rbac_dir_next_message(d, LDAP_RES_ANY, 0.1, &msg);
	ck_assert_msg(rc <= 0, "a message arrived unasked");
	return rc;
}

static enum rbac_dir_result session_op(struct rbac_dir *d, void *arg, bool *lost)
{
	struct session_run *r = arg;
	LDAPMessage *msg = NULL;
	int msgid = -1, rc, type;

	if (r->runs < 2)
		snprintf(r->uri[r->runs], sizeof(r->uri[0]), "%s", rbac_dir_current_uri(d));
	if (r->kill_on_first && r->runs == 0)
		slapd_ctl("kill");
	r->runs++;
	if (r->idle > 0 && session_idle(d, r->idle) < 0)
		return session_lost(lost);
	ck_assert_int_eq(rbac_dir_expect(d, r->expect), 0);
	ck_assert_int_eq(ldap_search_ext(rbac_dir_ld(d), ENG_DN, LDAP_SCOPE_BASE,
					 "(objectClass=*)", NULL, 0, NULL, NULL, NULL, 0,
					 &msgid),
			 LDAP_SUCCESS);
	for (;;) {
		rc = rbac_dir_next_message(d, msgid, 0.1, &msg);
		if (rc < 0)
			return session_lost(lost);
		if (rc == 0)
			continue;
		type = ldap_msgtype(msg);
		ldap_msgfree(msg);
		if (type == LDAP_RES_SEARCH_ENTRY)
			r->entries++;
		if (type == LDAP_RES_SEARCH_RESULT)
			return RBAC_DIR_OK;
	}
}

START_TEST(test_session_idle_not_cut)
{
	struct session_run r = {.idle = 2.0, .expect = 5.0};

	/* an idle wait longer than ldap.timeout does not lose the session */
	cfg.ldap.timeout = 0.5;
	ck_assert_int_eq(rbac_dir_session(dir, session_op, &r), RBAC_DIR_OK);
	ck_assert_int_eq(r.runs, 1);
	ck_assert_int_eq(r.entries, 1);
	ck_assert_str_eq(r.uri[0], env("RBAC_TEST_URI"));
}
END_TEST

START_TEST(test_session_silent_then_next)
{
	struct session_run r = {.expect = 1.0};
	double t0;

	/* a bind that never comes costs ldap.timeout, then the next URI */
	cfg.ldap.timeout = 1.0;
	set_uris(&cfg, env("RBAC_TEST_SILENT_URI"), env("RBAC_TEST_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(rbac_dir_session(dir, session_op, &r), RBAC_DIR_OK);
	expect_waited(t0, 0.9, 2 * cfg.ldap.timeout);
	ck_assert_int_eq(r.runs, 1);
	ck_assert_str_eq(r.uri[0], env("RBAC_TEST_URI"));
}
END_TEST

START_TEST(test_session_unanswered_moves_on)
{
	struct session_run r = {.expect = 1.5};
	double t0;

	/* bound, then the search is never answered: lost when the expected
	 * answer is overdue (not at ldap.timeout), and run again on the next
	 * URI */
	cfg.ldap.timeout = 10.0;
	set_uris(&cfg, env("RBAC_TEST_STALL_URI"), env("RBAC_TEST_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(rbac_dir_session(dir, session_op, &r), RBAC_DIR_OK);
	expect_waited(t0, 1.4, r.expect);
	ck_assert_int_eq(r.runs, 2);
	ck_assert_str_eq(r.uri[0], env("RBAC_TEST_STALL_URI"));
	ck_assert_str_eq(r.uri[1], env("RBAC_TEST_URI"));
	ck_assert_int_eq(r.entries, 1);
	expect_log("no answer in time");
}
END_TEST

START_TEST(test_session_all_unanswered)
{
	struct session_run r = {.expect = 0.5};
	double t0;

	/* each URI once per call, then UNAVAILABLE for the caller's backoff */
	cfg.ldap.timeout = 10.0;
	set_uris(&cfg, env("RBAC_TEST_STALL_URI"), env("RBAC_TEST_STALL_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(rbac_dir_session(dir, session_op, &r), RBAC_DIR_UNAVAILABLE);
	expect_waited(t0, 0.9, 2 * r.expect);
	ck_assert_int_eq(r.runs, 2);
	expect_log("no directory server answered (2 URIs tried)");
}
END_TEST

START_TEST(test_session_server_killed)
{
	struct session_run r = {.idle = 30.0, .expect = 1.0, .kill_on_first = true};
	double t0;

	/* killed during an idle wait: noticed at once (the socket closes),
	 * not after a timeout; the next URI takes over */
	cfg.ldap.timeout = 10.0;
	set_uris(&cfg, env("RBAC_TEST_URI"), env("RBAC_TEST_URI"), NULL);
	t0 = now();
	ck_assert_int_eq(rbac_dir_session(dir, session_op, &r), RBAC_DIR_UNAVAILABLE);
	ck_assert_double_lt(now() - t0, r.idle);
	ck_assert_int_eq(r.runs, 1);
	expect_log("connection lost");
	slapd_ctl("restart");
	r.kill_on_first = false;
	r.idle = 0;
	r.runs = 0;
	ck_assert_int_eq(rbac_dir_session(dir, session_op, &r), RBAC_DIR_OK);
	ck_assert_int_eq(r.runs, 1);
}
END_TEST

/* rbac_dir_load_member answers exactly what the two separate loads do. */
static void expect_member_as_separate(const char *ns_name, const char *uid)
{
	struct rbac_namespace ns1, ns2;
	struct rbac_account a1, a2;
	enum rbac_dir_result rn1, ra1, rn2, ra2;

	rn1 = rbac_dir_load_namespace(dir, ns_name, uid, &ns1);
	ra1 = rbac_dir_load_account(dir, uid, &a1);
	rbac_dir_load_member(dir, ns_name, uid, &ns2, &rn2, &a2, &ra2);
	ck_assert_msg(rn1 == rn2, "%s/%s: namespace %d vs %d", ns_name, uid, rn1, rn2);
	ck_assert_msg(ra1 == ra2, "%s/%s: account %d vs %d", ns_name, uid, ra1, ra2);
	ck_assert_uint_eq(ns1.n_roles, ns2.n_roles);
	for (size_t i = 0; i < ns1.n_roles; i++) {
		const struct rbac_role *y = rbac_namespace_find_role(&ns2, ns1.roles[i].name);

		ck_assert_ptr_nonnull(y);
		ck_assert_uint_eq(ns1.roles[i].members.n, y->members.n);
		ck_assert_uint_eq(ns1.roles[i].permissions.n, y->permissions.n);
	}
	ck_assert_int_eq(a1.uid == NULL, a2.uid == NULL);
	if (a1.uid != NULL) {
		ck_assert_str_eq(a1.uid, a2.uid);
		ck_assert_str_eq(a1.dn, a2.dn);
		ck_assert_int_eq(a1.status, a2.status);
		ck_assert_int_eq(a1.locked, a2.locked);
	}
	rbac_namespace_free(&ns1);
	rbac_namespace_free(&ns2);
	rbac_account_free(&a1);
	rbac_account_free(&a2);
}

START_TEST(test_member_as_separate_loads)
{
	static const char *const users[] = {"alice",  "bob", "frank",	    "judy",    "oscar",
					    "zed",    "Zed", "ZED",	    "mallory", "crowd",
					    "nobody", "*",   "alice)(uid=*"};
	char *long_uid = malloc(RBAC_LDAP_VALUE_MAX + 10);

	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		expect_member_as_separate("eng", users[i]);
		expect_member_as_separate("global", users[i]);
		expect_member_as_separate("nosuch", users[i]);
	}
	/* a uid too long to search for: every role, and an account error */
	ck_assert_ptr_nonnull(long_uid);
	memset(long_uid, 'a', RBAC_LDAP_VALUE_MAX + 9);
	long_uid[RBAC_LDAP_VALUE_MAX + 9] = '\0';
	expect_member_as_separate("eng", long_uid);
	free(long_uid);
	/* a namespace name that cannot be asked for: the account still is */
	expect_member_as_separate("bad/name", "alice");
}
END_TEST

START_TEST(test_member_results)
{
	struct rbac_namespace ns;
	struct rbac_account a;
	enum rbac_dir_result rn, ra;

	rbac_dir_load_member(dir, "eng", "alice", &ns, &rn, &a, &ra);
	ck_assert_int_eq(rn, RBAC_DIR_OK);
	ck_assert_int_eq(ra, RBAC_DIR_OK);
	expect_list("alice's admin", &role(&ns, "admin")->members, "alice");
	ck_assert_uint_eq(ns.n_roles, 3);
	ck_assert_str_eq(a.uid, "alice");
	rbac_namespace_free(&ns);
	rbac_account_free(&a);

	/* two entries claim mallory: an error, and no account kept */
	rbac_dir_load_member(dir, "eng", "mallory", &ns, &rn, &a, &ra);
	ck_assert_int_eq(rn, RBAC_DIR_OK);
	ck_assert_int_eq(ra, RBAC_DIR_ERROR);
	ck_assert_ptr_null(a.uid);
	expect_log("claimed by two entries");
	rbac_namespace_free(&ns);
	rbac_account_free(&a);

	/* the server restarted under the kept connection: one reconnect,
	 * both answers */
	slapd_ctl("restart");
	log_clear();
	rbac_dir_load_member(dir, "eng", "bob", &ns, &rn, &a, &ra);
	ck_assert_int_eq(rn, RBAC_DIR_OK);
	ck_assert_int_eq(ra, RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_SUSPENDED);
	expect_log("connection lost, reconnecting");
	rbac_namespace_free(&ns);
	rbac_account_free(&a);

	/* no server: both unavailable */
	slapd_ctl("kill");
	rbac_dir_load_member(dir, "eng", "bob", &ns, &rn, &a, &ra);
	slapd_ctl("restart");
	ck_assert_int_eq(rn, RBAC_DIR_UNAVAILABLE);
	ck_assert_int_eq(ra, RBAC_DIR_UNAVAILABLE);
	ck_assert_uint_eq(ns.n_roles, 0);
	ck_assert_ptr_null(a.uid);
	rbac_namespace_free(&ns);
	rbac_account_free(&a);
}
END_TEST

/* rbac_dir_release/rbac_dir_reuse keep a connection only for the same
 * settings, an unchanged password file, within max_idle, in one process. */
START_TEST(test_reuse)
{
	struct rbac_config other;
	struct rbac_account a;
	int status;
	pid_t pid;

	use_reader_password(&cfg, "readerpw\n");
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);
	rbac_dir_release(dir);
	ck_assert_ptr_null(rbac_dir_current_uri(dir));
	ck_assert(rbac_dir_reuse(dir, &cfg, &lg, 30));
	ck_assert_ptr_nonnull(rbac_dir_current_uri(dir));

	/* another config with the same settings: kept */
	config_for_test_server(&other);
	use_reader_password(&other, "readerpw\n");
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);
	/* use_reader_password rewrote the file: the identity changed */
	rbac_dir_release(dir);
	ck_assert(!rbac_dir_reuse(dir, &other, &lg, 30));
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);
	rbac_dir_release(dir);
	ck_assert(rbac_dir_reuse(dir, &other, &lg, 30));
	rbac_dir_release(dir);
	ck_assert(rbac_dir_reuse(dir, &cfg, &lg, 30));

	/* other settings: closed, and the next load connects anew */
	other.ldap.timeout = cfg.ldap.timeout + 1;
	rbac_dir_release(dir);
	ck_assert(!rbac_dir_reuse(dir, &other, &lg, 30));
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);

	/* idle too long */
	rbac_dir_release(dir);
	usleep(50 * 1000);
	ck_assert(!rbac_dir_reuse(dir, &other, &lg, 0.01));
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);

	/* the password file replaced: closed */
	rbac_dir_release(dir);
	use_reader_password(&other, "readerpw\n");
	ck_assert(!rbac_dir_reuse(dir, &other, &lg, 30));
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);

	/* a forked child never reuses the parent's connection */
	rbac_dir_release(dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(rbac_dir_reuse(dir, &other, &lg, 30) ? 1 : 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert(rbac_dir_reuse(dir, &other, &lg, 30));
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);
	ck_assert_msg(!log_has("connection lost"), "%s", logbuf);

	/* released, the handle no longer needs `other` */
	rbac_dir_release(dir);
	rbac_config_free(&other);
	(void)rbac_dir_reuse(dir, &cfg, &lg, 30);
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_server_restarted_between_calls)
{
	struct rbac_account a;

	/* The server closing a kept connection (restart, idle timeout) costs
	 * one transparent retry, not an error. */
	ck_assert_int_eq(load_acct("alice", &a), RBAC_DIR_OK);
	rbac_account_free(&a);
	slapd_ctl("restart");
	log_clear();
	ck_assert_int_eq(load_acct("bob", &a), RBAC_DIR_OK);
	ck_assert_int_eq(a.status, RBAC_STATUS_SUSPENDED);
	rbac_account_free(&a);
	expect_log("connection lost, reconnecting");
}
END_TEST

START_TEST(test_fork)
{
	struct rbac_namespace ns;
	int status;
	pid_t pid;

	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	rbac_namespace_free(&ns);
	log_clear();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ok = rbac_dir_load_namespace(dir, "eng", "alice", &ns) == RBAC_DIR_OK &&
			 ns.n_roles == 3;

		rbac_namespace_free(&ns);
		rbac_dir_free(dir);
		rbac_config_free(&cfg);
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The child discarded its copy without touching the shared socket:
	 * the parent's connection still works, no reconnect needed. */
	ck_assert_int_eq(load_ns("eng", NULL, &ns), RBAC_DIR_OK);
	expect_eng_roles(&ns, true);
	rbac_namespace_free(&ns);
	ck_assert_msg(!log_has("connection lost"), "%s", logbuf);
}
END_TEST

/* ------------------------------------------------------------------------
 * ldap.conf, .ldaprc and LDAP* variables. libldap reads them once per
 * process, so each check runs in a fresh process: this program re-executed
 * with "--env-probe MODE" and a hostile environment.
 */

static void write_hostile_files(const char *dir_path, const char *closed)
{
	static const char *const names[] = {"ldap.conf", "ldaprc", ".ldaprc", "evilrc"};
	char path[1024];
	FILE *f;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir_path, names[i]);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f,
			"URI %s\nBASE dc=evil,dc=org\nSIZELIMIT 1\nTIMELIMIT 1\n"
			"DEREF always\nNETWORK_TIMEOUT 1\nTLS_REQCERT never\n",
			closed);
		fclose(f);
	}
}

/* Runs this program as "--env-probe mode" in dir_path with LDAPCONF,
 * LDAPRC, HOME and LDAPURI/LDAPBASE/LDAPSIZELIMIT pointing elsewhere. */
static int run_env_probe(const char *mode, const char *dir_path, const char *closed)
{
	char self[4096], conf[1024];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;
	pid_t pid;

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	snprintf(conf, sizeof(conf), "%s/ldap.conf", dir_path);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (chdir(dir_path) != 0)
			_exit(90);
		setenv("LDAPCONF", conf, 1);
		setenv("LDAPRC", "evilrc", 1);
		setenv("HOME", dir_path, 1);
		setenv("LDAPURI", closed, 1);
		setenv("LDAPBASE", "dc=evil,dc=org", 1);
		setenv("LDAPSIZELIMIT", "1", 1);
		unsetenv("LDAPNOINIT");
		execl(self, self, "--env-probe", mode, (char *)NULL);
		_exit(91);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_environment_ignored)
{
	char *closed = closed_port_uri();
	char tmpl[512];

	snprintf(tmpl, sizeof(tmpl), "%s/envXXXXXX", env("RBAC_TEST_DIR"));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	write_hostile_files(tmpl, closed);
	/* Control: this environment does change a plain libldap process. */
	ck_assert_int_eq(run_env_probe("plain", tmpl, closed), 0);
	/* Ours: it changes nothing, and LDAPNOINIT is not left behind. */
	ck_assert_int_eq(run_env_probe("rbac", tmpl, closed), 0);
	free(closed);
}
END_TEST

static int env_probe_plain(void)
{
	char *base = NULL;
	int rc;

	if (ldap_get_option(NULL, LDAP_OPT_DEFBASE, &base) != LDAP_OPT_SUCCESS)
		return 10;
	rc = base != NULL && strcmp(base, "dc=evil,dc=org") == 0 ? 0 : 11;
	ldap_memfree(base);
	return rc;
}

static int env_probe_globals(void)
{
	const char *evil_uri = getenv("LDAPURI");
	char *base = NULL, *uri = NULL;
	int sizelimit = -1, deref = -1, rc = 0;

	ldap_get_option(NULL, LDAP_OPT_DEFBASE, &base);
	ldap_get_option(NULL, LDAP_OPT_URI, &uri);
	ldap_get_option(NULL, LDAP_OPT_SIZELIMIT, &sizelimit);
	ldap_get_option(NULL, LDAP_OPT_DEREF, &deref);
	if (base != NULL)
		rc = 21;
	else if (uri != NULL && evil_uri != NULL && strstr(uri, evil_uri) != NULL)
		rc = 22;
	else if (sizelimit != 0 || deref != LDAP_DEREF_NEVER)
		rc = 23;
	ldap_memfree(base);
	ldap_memfree(uri);
	return rc;
}

static int env_probe_rbac(void)
{
	struct rbac_config c;
	struct rbac_dir *d;
	struct rbac_namespace ns;
	int rc = 0;

	/* No ck_assert here: this process is not running a Check test. */
	rbac_config_init(&c);
	c.ldap.uri = calloc(1, sizeof(char *));
	if (c.ldap.uri == NULL || (c.ldap.uri[0] = strdup(getenv("RBAC_TEST_URI"))) == NULL)
		return 25;
	c.ldap.n_uri = 1;
	c.ldap.base = strdup(getenv("RBAC_TEST_RBAC_BASE"));
	c.ldap.user_base = strdup(getenv("RBAC_TEST_USER_BASE"));
	c.ldap.timeout = 2.0;
	d = rbac_dir_new(&c, &lg);
	if (rbac_dir_load_namespace(d, "eng", NULL, &ns) != RBAC_DIR_OK || ns.n_roles != 7)
		rc = 20;
	rbac_namespace_free(&ns);
	if (rc == 0)
		rc = env_probe_globals();
	if (rc == 0 && getenv("LDAPNOINIT") != NULL)
		rc = 24;
	rbac_dir_free(d);
	rbac_config_free(&c);
	if (rc != 0)
		fprintf(stderr, "env probe: %d\n%s", rc, logbuf);
	return rc;
}

/* ------------------------------------------------------------------------ */

static Suite *directory_suite(void)
{
	Suite *s = suite_create("directory");
	/* directory.test makes a CA when openssl is installed */
	const char *needs_ca = getenv("RBAC_TEST_CA") == NULL ? "needs openssl" : NULL;
	const char *needs_ca_as_root = needs_ca != NULL ? needs_ca : fx_needs_root();
	TCase *tn = tcase_create("namespace");
	TCase *ta = tcase_create("account");
	TCase *tc = tcase_create("connection");

	tcase_add_checked_fixture(tn, setup, teardown);
	tcase_add_test(tn, test_load_eng);
	tcase_add_test(tn, test_eng_inheritance_resolved);
	tcase_add_test(tn, test_load_global);
	tcase_add_test(tn, test_missing_namespace);
	tcase_add_test(tn, test_bad_namespace_names);
	tcase_add_test(tn, test_base_spelled_differently);
	tcase_add_test(tn, test_only_member);
	tcase_add_test(tn, test_only_member_inheritance);
	tcase_add_test(tn, test_only_member_too_long);
	tcase_add_test(tn, test_values_return_filter_in_slapd);
	tcase_add_test(tn, test_odd_namespace);
	tcase_add_test(tn, test_big_namespace_needs_limit);
	fx_add_test_unless(tn, test_big_namespace_paged, fx_needs_root());
	tcase_add_test(tn, test_changes_seen_without_caching);
	suite_add_tcase(s, tn);

	tcase_add_checked_fixture(ta, setup, teardown);
	tcase_add_test(ta, test_account_alice);
	tcase_add_test(ta, test_account_states);
	tcase_add_test(ta, test_account_locked);
	tcase_add_test(ta, test_account_times);
	tcase_add_test(ta, test_account_exact_case);
	tcase_add_test(ta, test_account_too_many_variants);
	tcase_add_test(ta, test_account_hostile_uids);
	tcase_add_test(ta, test_account_long_uids);
	tcase_add_test(ta, test_account_duplicate_uid);
	tcase_add_test(ta, test_account_without_object_class);
	tcase_add_test(ta, test_account_changes_seen);
	suite_add_tcase(s, ta);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_config_file);
	tcase_add_test(tc, test_failover_refused);
	tcase_add_test(tc, test_failover_silent);
	tcase_add_test(tc, test_dead_directory);
	tcase_add_test(tc, test_dead_directory_two_uris);
	tcase_add_test(tc, test_plaintext_refused_before_connect);
	fx_add_test_unless(tc, test_bind_reader, fx_needs_root());
	fx_add_test_unless(tc, test_bind_password_without_newline, fx_needs_root());
	fx_add_test_unless(tc, test_bind_wrong_password, fx_needs_root());
	fx_add_test_unless(tc, test_bind_password_file_refused, fx_needs_root());
	tcase_add_test(tc, test_bind_dn_without_password_file);
	fx_add_test_unless(tc, test_starttls, needs_ca);
	fx_add_test_unless(tc, test_starttls_bind, needs_ca_as_root);
	tcase_add_test(tc, test_environment_ignored);
	tcase_add_test(tc, test_fork);
	tcase_add_test(tc, test_server_killed_then_restarted);
	tcase_add_test(tc, test_server_restarted_between_calls);
	tcase_add_test(tc, test_member_as_separate_loads);
	tcase_add_test(tc, test_member_results);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_session_idle_not_cut);
	tcase_add_test(tc, test_session_silent_then_next);
	tcase_add_test(tc, test_session_unanswered_moves_on);
	tcase_add_test(tc, test_session_all_unanswered);
	tcase_add_test(tc, test_session_server_killed);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--env-probe") == 0)
		return strcmp(argv[2], "plain") == 0 ? env_probe_plain() : env_probe_rbac();
	return fx_run(directory_suite());
}
