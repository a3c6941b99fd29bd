/*
 * write.c - the administrator's identity and one guarded change (write.h).
 *
 * Why the entryCSN is read before the directory is read again: the write
 * asserts "this entry has not changed since its CSN was read", so what the
 * checks saw of it is at most as old as that CSN. A CSN read after the
 * checks would let a change in between pass unseen.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "rbac_time.h"
#include "rbac_write.h"
#include "write.h"

/* Two reads and checks after the first: the usual one before the write,
 * and one more after a concurrent change. */
#define ROUNDS 3

/* A typed password, as long as rbac.conf allows one in a file. */
#define RBAC_PASSWORD_PROMPT_MAX 1024

int ctl_refuse(const struct rbacctl *ctl, const char *rule, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctl_error(ctl, "refused by rule %s: %s; nothing was written", rule, msg);
	return EXIT_NO;
}

int ctl_plan_check(struct ctl_plan *p, const char *rule, const char *fmt, ...)
{
	char msg[1024];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s: ", rule);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return rbac_strlist_add(&p->checks, msg);
}

struct rbac_write *ctl_plan_write(struct ctl_plan *p, enum rbac_write_kind kind, const char *dn)
{
	struct rbac_write *w;

	if (p->n >= CTL_WRITES_MAX)
		return NULL;
	w = &p->w[p->n];
	*w = (struct rbac_write){kind, dn, NULL, p->mods[p->n], 0};
	p->n++;
	return w;
}

struct rbac_write *ctl_plan_undo(struct ctl_plan *p, enum rbac_write_kind kind, const char *dn)
{
	struct rbac_write *w;

	if (p->n_undo >= CTL_WRITES_MAX)
		return NULL;
	w = &p->undo[p->n_undo];
	*w = (struct rbac_write){kind, dn, NULL, p->undo_mods[p->n_undo], 0};
	p->n_undo++;
	return w;
}

void ctl_plan_mod(struct ctl_plan *p, struct rbac_write *w, int op, const char *attr,
		  const char *const *values)
{
	(void)p;
	if (w->n_mods < CTL_MODS_MAX)
		((struct rbac_write_mod *)w->mods)[w->n_mods++] =
		    (struct rbac_write_mod){op, attr, values};
}

/* ---------------------------------------------------------------- times */

#define DURATION_MAX (10L * 366 * 86400)

static long unit_seconds(char u)
{
	switch (u) {
	case 's':
		return 1;
	case 'm':
		return 60;
	case 'h':
		return 3600;
	case 'd':
		return 86400;
	case 'w':
		return 7 * 86400;
	default:
		return 0;
	}
}

int ctl_parse_duration(const char *s, time_t now, time_t *end)
{
	long total = 0;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		long n = 0;

		if (!isdigit((unsigned char)*s))
			return -1;
		for (; isdigit((unsigned char)*s); s++) {
			n = n * 10 + (*s - '0');
			if (n > DURATION_MAX)
				return -1;
		}
		if (unit_seconds(*s) == 0 || n > DURATION_MAX / unit_seconds(*s))
			return -1;
		total += n * unit_seconds(*s++);
		if (total > DURATION_MAX)
			return -1;
	}
	*end = now + total;
	return 0;
}

int ctl_parse_when(const char *s, time_t *out)
{
	char g[64];
	size_t n = 0, len = strlen(s);

	if (len >= sizeof(g))
		return -1;
	if (len > 10 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't')) {
		/* ISO 8601 to GeneralizedTime: the date's '-', the 'T' and
		 * every ':' go; an offset's sign stays. */
		for (size_t i = 0; i < len; i++)
			if (!((i == 4 || i == 7) && s[i] == '-') && i != 10 && s[i] != ':')
				g[n++] = s[i];
		g[n] = '\0';
		s = g;
	}
	return rbac_time_parse(s, out);
}

/* ------------------------------------------------------------ identity */

static int set_uri(struct rbacctl *ctl, const char *uri)
{
	char **v = malloc(sizeof(*v));

	if (v == NULL || (v[0] = strdup(uri)) == NULL) {
		free(v);
		ctl_error(ctl, "out of memory");
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < ctl->cfg.ldap.n_uri; i++)
		free(ctl->cfg.ldap.uri[i]);
	free(ctl->cfg.ldap.uri);
	ctl->cfg.ldap.uri = v;
	ctl->cfg.ldap.n_uri = 1;
	ctl->cfg.ldap.uri_line = 0;
	return EXIT_OK;
}

/* -y FILE as ldapmodify takes it, relative to the working directory; the
 * configuration's key wants an absolute path. NULL when out of memory. */
static char *absolute(const char *path)
{
	char *cwd, *out = NULL;

	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	if (cwd != NULL && asprintf(&out, "%s/%s", cwd, path) < 0)
		out = NULL;
	free(cwd);
	return out;
}

static int set_identity(struct rbacctl *ctl, const char *dn, const char *pw_path)
{
	char err[RBAC_ERRLEN];

	if (rbac_config_set(&ctl->cfg, "ldap.bind_dn", dn, "-D", err, sizeof(err)) != 0 ||
	    (pw_path != NULL && rbac_config_set(&ctl->cfg, "ldap.bind_password_file", pw_path,
						"-y", err, sizeof(err)) != 0) ||
	    rbac_config_validate(&ctl->cfg, err, sizeof(err)) != 0) {
		ctl_error(ctl, "%s", err);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* -W: one line from the terminal, not echoed (as ldapmodify -W). NULL
 * after saying why. */
static char *prompt_password(const struct rbacctl *ctl)
{
	struct termios saved, quiet;
	char buf[RBAC_PASSWORD_PROMPT_MAX], *out = NULL;
	FILE *tty = fopen("/dev/tty", "r+e");
	bool echo_off;

	if (tty == NULL) {
		ctl_error(ctl, "-W: no terminal to ask on (/dev/tty); use -y FILE");
		return NULL;
	}
	echo_off = tcgetattr(fileno(tty), &saved) == 0;
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (echo_off)
		tcsetattr(fileno(tty), TCSANOW, &quiet);
	fputs("Enter LDAP Password: ", tty);
	fflush(tty);
	if (fgets(buf, sizeof(buf), tty) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		out = buf[0] != '\0' ? strdup(buf) : NULL;
	}
	if (echo_off)
		tcsetattr(fileno(tty), TCSANOW, &saved);
	fputc('\n', tty);
	fclose(tty);
	explicit_bzero(buf, sizeof(buf));
	if (out == NULL)
		ctl_error(ctl, "-W: no password given");
	return out;
}

/* Which of the three identities, checked before anything is read. */
static int admin_usage(struct rbacctl *ctl, const struct ctl_admin *a)
{
	if (a->sasl_mech != NULL) {
		if (strcasecmp(a->sasl_mech, "EXTERNAL") != 0)
			return ctl_usage(ctl, "-Y %s: only EXTERNAL is supported",
					 a->sasl_mech);
		if (a->bind_dn != NULL || a->password_file != NULL || a->prompt)
			return ctl_usage(ctl, "-Y EXTERNAL takes no -D, -y or -W");
		return EXIT_OK;
	}
	if (a->bind_dn == NULL || (a->password_file == NULL) == !a->prompt)
		return ctl_usage(ctl,
				 "a write binds as the administrator: give -D DN with -y FILE "
				 "or -W, or -Y EXTERNAL (never the host's identity of "
				 "rbac.conf)");
	return EXIT_OK;
}

int ctl_admin_config(struct rbacctl *ctl, const struct ctl_admin *a)
{
	char *pw_path = NULL;
	int rc = admin_usage(ctl, a);

	if (rc == EXIT_OK)
		rc = ctl_config(ctl, NULL);
	if (rc != EXIT_OK)
		return rc;
	if (a->uri != NULL && set_uri(ctl, a->uri) != EXIT_OK)
		return EXIT_ERROR;
	if (a->sasl_mech != NULL) {
		/* No DN, no password: the server names the identity. */
		free(ctl->cfg.ldap.bind_dn);
		free(ctl->cfg.ldap.bind_password_file);
		ctl->cfg.ldap.bind_dn = ctl->cfg.ldap.bind_password_file = NULL;
		ctl->cfg.ldap.sasl_external = true;
		return EXIT_OK;
	}
	if (a->prompt) {
		ctl->cfg.ldap.bind_password = prompt_password(ctl);
		if (ctl->cfg.ldap.bind_password == NULL)
			return EXIT_ERROR;
		free(ctl->cfg.ldap.bind_password_file);
		ctl->cfg.ldap.bind_password_file = NULL;
		return set_identity(ctl, a->bind_dn, NULL);
	}
	pw_path = absolute(a->password_file);
	if (pw_path == NULL) {
		ctl_error(ctl, "-y %s: cannot make the path absolute", a->password_file);
		return EXIT_ERROR;
	}
	rc = set_identity(ctl, a->bind_dn, pw_path);
	free(pw_path);
	return rc;
}

int ctl_identity_config(struct rbacctl *ctl, const struct ctl_admin *a)
{
	int rc;

	if (a->bind_dn != NULL || a->password_file != NULL || a->prompt || a->sasl_mech != NULL)
		return ctl_admin_config(ctl, a);
	rc = ctl_config(ctl, NULL);
	if (rc == EXIT_OK && a->uri != NULL)
		rc = set_uri(ctl, a->uri);
	return rc;
}

/* --------------------------------------------------------- the change */

struct csns {
	char dn[CTL_WRITES_MAX][1024];
	char csn[CTL_WRITES_MAX][RBAC_CSN_MAX];
	size_t n;
};

static void plan_free(struct ctl_plan *p)
{
	rbac_strlist_free(&p->checks);
	memset(p, 0, sizeof(*p));
}

static void print_dry_run(const struct ctl_plan *p)
{
	for (size_t i = 0; i < p->checks.n; i++)
		printf("# check %s\n", p->checks.v[i]);
	if (p->n == 0)
		printf("# nothing to write: %s\n", p->done);
	for (size_t i = 0; i < p->n; i++)
		rbac_write_ldif(stdout, &p->w[i]);
}

/* The CSNs of the entries p modifies or deletes, read now. */
static int read_csns(struct rbacctl *ctl, struct rbac_dir *dir, const struct ctl_plan *p,
		     struct csns *c)
{
	c->n = 0;
	for (size_t i = 0; i < p->n; i++) {
		enum rbac_dir_result r;

		if (p->w[i].kind == RBAC_WRITE_ADD)
			continue;
		snprintf(c->dn[c->n], sizeof(c->dn[0]), "%s", p->w[i].dn);
		r = rbac_dir_read_csn(dir, p->w[i].dn, c->csn[c->n], sizeof(c->csn[0]));
		if (r == RBAC_DIR_NOT_FOUND)
			c->csn[c->n][0] = '\0'; /* gone: the next round sees it */
		else if (r != RBAC_DIR_OK) {
			ctl_error(ctl, "cannot read the entryCSN of %s; nothing was written",
				  p->w[i].dn);
			return EXIT_ERROR;
		}
		c->n++;
	}
	return EXIT_OK;
}

/* Gives each write of p the CSN read for its entry; false when one has
 * none (the plan changed its target since, or it was gone). */
static bool assert_csns(struct ctl_plan *p, const struct csns *c)
{
	for (size_t i = 0; i < p->n; i++) {
		bool found = false;

		if (p->w[i].kind == RBAC_WRITE_ADD)
			continue;
		for (size_t j = 0; j < c->n && !found; j++)
			if (strcmp(c->dn[j], p->w[i].dn) == 0 && c->csn[j][0] != '\0') {
				p->w[i].assert_csn = c->csn[j];
				found = true;
			}
		if (!found)
			return false;
	}
	return true;
}

/* "modify DN", "add DN" or "delete DN" for each of p's writes from
 * `from` to `to` (excluded), joined with ", ". */
static void name_writes(const struct ctl_plan *p, size_t from, size_t to, char *buf,
			size_t bufsz)
{
	static const char *const verb[] = {"modify", "add", "delete"};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = from; i < to && used < bufsz; i++)
		used += (size_t)snprintf(buf + used, bufsz - used, "%s%s %s",
					 i > from ? ", " : "", verb[p->w[i].kind], p->w[i].dn);
}

/* A write after the first failed: what was written and what was not,
 * so the administrator can finish (the same command again) or look. */
static void half_written(const struct rbacctl *ctl, const struct ctl_plan *p, size_t i)
{
	char done[1024], left[1024];

	name_writes(p, 0, i, done, sizeof(done));
	name_writes(p, i, p->n, left, sizeof(left));
	ctl_error(ctl,
		  "the change is half written: written: %s; not written: %s; run the same "
		  "command again to finish it",
		  done, left);
}

/* Returns EXIT_OK when all were written, -1 when the first met a
 * concurrent change (nothing written: read and check again), else an exit
 * code; a failure after the first write names what was written and what
 * was not (revoke's memberUid and its assignment entries are several). */
static int apply(struct rbacctl *ctl, struct rbac_dir *dir, const struct ctl_plan *p)
{
	char msg[512];

	for (size_t i = 0; i < p->n; i++) {
		enum rbac_write_result r;

		ctl_test_pause_at(i + 1);
		r = rbac_dir_write(dir, &p->w[i], msg, sizeof(msg));
		if (r == RBAC_WRITE_CHANGED && i == 0)
			return -1;
		if (r == RBAC_WRITE_OK)
			continue;
		ctl_error(ctl, "%s: %s: %s", p->w[i].dn,
			  r == RBAC_WRITE_UNAVAILABLE ? "no answer to the write (it may or may "
							"not have been applied)"
			  : r == RBAC_WRITE_CHANGED   ? "changed by someone else since it was "
							"checked (not written)"
						      : "the server refused the write",
			  msg[0] != '\0' ? msg : "-");
		if (i > 0)
			half_written(ctl, p, i);
		return r == RBAC_WRITE_UNAVAILABLE ? EXIT_UNAVAILABLE : EXIT_ERROR;
	}
	return EXIT_OK;
}

/* After the write: the rule checked again on the directory as it is now.
 * When a concurrent change to another entry broke it together with this
 * one, this one is undone and refused. Two such changes may then both be
 * undone; never both kept. */
static int recheck(struct rbacctl *ctl, const struct ctl_plan *p, void *arg)
{
	struct ctl_view v;
	char msg[512];
	int rc = ctl_view_load(ctl, &v, true, NULL);

	if (rc == EXIT_OK)
		rc = p->recheck(ctl, &v, arg);
	if (rc != EXIT_NO) {
		if (rc != EXIT_OK)
			ctl_error(ctl,
				  "warning: the change was written but could not be checked "
				  "again: run rbacctl lint");
		ctl_view_free(&v);
		return EXIT_OK;
	}
	for (size_t i = 0; i < p->n_undo; i++)
		if (rbac_dir_write(v.dir, &p->undo[i], msg, sizeof(msg)) != RBAC_WRITE_OK) {
			ctl_error(ctl,
				  "%s: the change could not be undone: %s; run rbacctl lint",
				  p->undo[i].dn, msg);
			ctl_view_free(&v);
			return EXIT_ERROR;
		}
	ctl_view_free(&v);
	return ctl_refuse(ctl, "last-admin",
			  "another administrator's concurrent change, with this one, left no "
			  "active full administrator; this change was undone");
}

/* Documented for tests only, not for users (write.h): another admin's
 * change can then land between the checks and a write, every time. */
void ctl_test_pause_at(size_t write_no)
{
	static bool paused;
	const char *path = getenv("RBACCTL_TEST_PAUSE");
	const char *at = getenv("RBACCTL_TEST_PAUSE_BEFORE");
	char reached[4096], go[4096];
	FILE *f;

	if (path == NULL || paused || write_no != (at != NULL ? strtoul(at, NULL, 10) : 1))
		return;
	paused = true;
	snprintf(reached, sizeof(reached), "%s.reached", path);
	snprintf(go, sizeof(go), "%s.go", path);
	f = fopen(reached, "we");
	if (f != NULL)
		fclose(f);
	for (int i = 0; i < 6000 && access(go, F_OK) != 0; i++)
		usleep(10000);
}

/* One round: read, plan, and (with CSNs) write. *again when the next
 * round must run. */
static int round_run(struct rbacctl *ctl, const struct ctl_admin *a, ctl_plan_fn plan,
		     void *arg, struct csns *c, bool have_csns, bool *again)
{
	struct ctl_view v;
	struct ctl_plan p = {.checks = RBAC_STRLIST_INIT};
	int rc;

	*again = false;
	rc = ctl_view_load(ctl, &v, true, NULL);
	if (rc == EXIT_OK)
		rc = plan(ctl, &v, arg, &p);
	if (rc == EXIT_OK && a->dry_run)
		print_dry_run(&p);
	else if (rc == EXIT_OK && p.n == 0)
		printf("%s\n", p.done);
	else if (rc == EXIT_OK && have_csns && assert_csns(&p, c)) {
		rc = apply(ctl, v.dir, &p);
		if (rc == EXIT_OK && p.recheck != NULL)
			rc = recheck(ctl, &p, arg);
		if (rc == EXIT_OK)
			printf("%s\n", p.done);
		*again = rc < 0;
	} else if (rc == EXIT_OK)
		*again = true;
	if (*again)
		rc = read_csns(ctl, v.dir, &p, c);
	*again = *again && rc == EXIT_OK;
	plan_free(&p);
	ctl_view_free(&v);
	return rc;
}

int ctl_guarded_write(struct rbacctl *ctl, const struct ctl_admin *a, ctl_plan_fn plan,
		      void *arg)
{
	struct csns c = {.n = 0};
	bool again = true;
	int rc = EXIT_OK;

	for (int i = 0; i < ROUNDS && again; i++)
		rc = round_run(ctl, a, plan, arg, &c, i > 0, &again);
	if (again)
		return ctl_refuse(ctl, "concurrent-change",
				  "the entries changed while being checked, twice (another "
				  "administrator is changing them); try again");
	return rc;
}
