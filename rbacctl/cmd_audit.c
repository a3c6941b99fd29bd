/*
 * cmd_audit.c - `rbacctl audit` and `rbacctl report changes` (rbacctl(8),
 * AUDIT): the RBAC events of a period, read from slapd's accesslog
 * database (etc/slapd/rbac-accesslog.conf), plus the assignments whose
 * window ended in it, read from the directory.
 *
 * Why the log is asked for the period only: reqStart and reqResult are
 * indexed in the shipped configuration, so the server returns the writes
 * of the period and no others, and a year of log costs what a day of it
 * does. Why a log that cannot be read is an error: slapd answers a search
 * the identity may not see with noSuchObject, which an empty period must
 * never be mistaken for.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "output.h"
#include "rbac_ldap.h"
#include "rbac_time.h"
#include "rbacctl.h"
#include "write.h"

#define DEFAULT_LOG_BASE "cn=accesslog"
#define DEFAULT_PERIOD	 (24 * 3600)

struct audit_opts {
	const char *since, *until, *log_base;
	bool json, csv;
	struct ctl_admin admin;
	time_t t_since, t_until, now;
};

/* --since/--until: a time as grant --until takes it, or a DURATION ago
 * ("7d", "12h"). */
static int parse_time(const char *s, time_t now, time_t *out)
{
	time_t ago;

	if (ctl_parse_when(s, out) == 0)
		return 0;
	if (ctl_parse_duration(s, 0, &ago) != 0)
		return -1;
	*out = now - ago;
	return 0;
}

static const char audit_help[] =
    "  -s, --since TIME          from TIME on (inclusive; default: 24 hours ago)\n"
    "  -u, --until TIME          up to TIME (exclusive; default: now)\n"
    "      TIME: 20261204110000Z, 2026-12-04T11:00[:SS](Z|+hh:mm), or a DURATION\n"
    "      ago (7d, 12h, 1w2d)\n"
    "  -b, --log-base DN         the accesslog database's suffix (default cn=accesslog)\n"
    "  -j, --json                one JSON object per line (report changes too)\n"
    "  -D, --bind-dn DN          bind as DN instead of rbac.conf's identity\n"
    "  -y, --password-file FILE  DN's password (mode 0600, owned by root or you)\n"
    "  -W, --prompt              ask for DN's password on the terminal instead\n"
    "  -Y, --sasl-mech EXTERNAL  bind with SASL EXTERNAL (ldapi://) instead of -D\n"
    "  -H, --uri URI             this server instead of ldap.uri\n";

static int parse_audit_args(struct rbacctl *ctl, int argc, char **argv, struct audit_opts *o)
{
	struct ctl_admin *a = &o->admin;
	const struct ctl_option options[] = {
	    {"since", 's', &o->since, NULL},
	    {"until", 'u', &o->until, NULL},
	    {"log-base", 'b', &o->log_base, NULL},
	    {"json", 'j', NULL, &o->json},
	    CTL_BIND_OPTIONS(a),
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args args = {.options = options, .help = audit_help};
	int rc = ctl_parse_args(ctl, argc, argv, &args);

	if (rc != EXIT_OK)
		return rc;
	if (args.operand != argc)
		return ctl_usage(ctl, "%s: unexpected argument '%s'", argv[0],
				 argv[args.operand]);
	o->now = time(NULL);
	o->t_since = o->now - DEFAULT_PERIOD;
	o->t_until = o->now + 1; /* this second's writes too */
	if (o->since != NULL && parse_time(o->since, o->now, &o->t_since) != 0)
		return ctl_usage(ctl, "--since %s: not a time or a duration", o->since);
	if (o->until != NULL && parse_time(o->until, o->now, &o->t_until) != 0)
		return ctl_usage(ctl, "--until %s: not a time or a duration", o->until);
	if (o->t_until <= o->t_since)
		return ctl_usage(ctl, "--until must be later than --since");
	if (o->log_base == NULL)
		o->log_base = DEFAULT_LOG_BASE;
	o->json = o->json || ctl->json;
	return EXIT_OK;
}

/* ------------------------------------------------------------ reading */

struct collect {
	const struct audit_layout *lay;
	struct audit_events *events;
	size_t keep;		 /* events from before this search, kept on a restart */
	size_t skipped;		 /* records that were not readable */
	char first_skipped[512]; /* the first one's DN in the log */
	size_t namespaces;	 /* namespace entries seen by the assignments' search */
};

static const struct rbac_strlist *values_of(const struct rbac_dir_values *v, size_t n,
					    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i].values;
	return NULL;
}

static const char *first_of(const struct rbac_dir_values *v, size_t n, const char *name)
{
	const struct rbac_strlist *l = values_of(v, n, name);

	return l != NULL && l->n > 0 ? l->v[0] : NULL;
}

static const char *const log_attrs[] = {"reqStart", "reqType", "reqAuthzID", "reqDN",
					"reqMod",   "reqOld",  NULL};

static int take_record(void *arg, const char *dn, const struct rbac_dir_values *v, size_t n)
{
	struct collect *c = arg;
	const struct rbac_strlist *mods, *old;
	struct audit_record r;
	int rc;

	if (v == NULL) {
		audit_events_truncate(c->events, c->keep);
		c->skipped = 0;
		return 0;
	}
	mods = values_of(v, n, "reqMod");
	old = values_of(v, n, "reqOld");
	r = (struct audit_record){first_of(v, n, "reqStart"),	first_of(v, n, "reqType"),
				  first_of(v, n, "reqAuthzID"), first_of(v, n, "reqDN"),
				  (const char *const *)mods->v, mods->n,
				  (const char *const *)old->v,	old->n};
	rc = audit_record_events(c->lay, &r, c->events);
	if (rc == 1 && c->skipped++ == 0)
		snprintf(c->first_skipped, sizeof(c->first_skipped), "%s", dn);
	return rc < 0 ? -1 : 0;
}

static const char *const assignment_attrs[] = {"uid", "rbacValidFrom", "rbacValidUntil",
					       "rbacTicket", NULL};

static int take_assignment(void *arg, const char *dn, const struct rbac_dir_values *v, size_t n)
{
	struct collect *c = arg;

	if (v == NULL) {
		audit_events_truncate(c->events, c->keep);
		c->namespaces = 0;
		return 0;
	}
	if (first_of(v, n, "rbacValidUntil") == NULL) { /* a namespace (the filter) */
		c->namespaces++;
		return 0;
	}
	return audit_expired_event(c->lay, dn, first_of(v, n, "uid"),
				   first_of(v, n, "rbacValidFrom"),
				   first_of(v, n, "rbacValidUntil"),
				   first_of(v, n, "rbacTicket"), c->events) < 0
		   ? -1
		   : 0;
}

/* "YYYYMMDDHHMMSSZ" of t, and of the last microsecond before it. */
static void bounds(time_t since, time_t until, char *lo, char *hi, size_t sz)
{
	char g[20];

	rbac_time_format(since, lo, sz);
	rbac_time_format(until - 1, g, sizeof(g));
	snprintf(hi, sz, "%.14s.999999Z", g);
}

/* Why nothing could be read at base, on top of what the directory layer
 * logged. */
static int unreadable(const struct rbacctl *ctl, enum rbac_dir_result r, const char *what,
		      const char *base)
{
	const char *who =
	    ctl->cfg.ldap.bind_dn != NULL
		? ctl->cfg.ldap.bind_dn
		: (ctl->cfg.ldap.sasl_external ? "the SASL EXTERNAL identity" : "anonymous");

	if (r == RBAC_DIR_NOT_FOUND)
		ctl_error(ctl,
			  "cannot read %s at %s: no such entry, or %s may not read it (see "
			  "rbacctl(8), AUDIT: the accesslog overlay, its suffix (--log-base) "
			  "and who may read it)",
			  what, base, who);
	else if (r == RBAC_DIR_UNAVAILABLE)
		ctl_error(ctl, "cannot read %s: no configured server answered", what);
	else
		ctl_error(ctl, "cannot read %s at %s as %s", what, base, who);
	return EXIT_ERROR;
}

/* The writes of the period, then the assignments that ended in it. */
static int read_events(struct rbacctl *ctl, const struct audit_opts *o, struct rbac_dir *dir,
		       struct collect *c)
{
	char lo[32], hi[32], filter[256];
	enum rbac_dir_result r;
	time_t end = o->t_until < o->now + 1 ? o->t_until : o->now + 1;

	bounds(o->t_since, o->t_until, lo, hi, sizeof(lo));
	snprintf(filter, sizeof(filter),
		 "(&(objectClass=auditWriteObject)(reqResult=0)(reqStart>=%s)(reqStart<=%s))",
		 lo, hi);
	r = rbac_dir_search_each(dir, o->log_base, filter, log_attrs, take_record, c);
	if (r != RBAC_DIR_OK)
		return unreadable(ctl, r, "the audit log", o->log_base);
	if (end <= o->t_since)
		return EXIT_OK;
	/* An assignment ends at its rbacValidUntil, whole seconds. The
	 * namespace entries come along: an identity that sees none may not
	 * read the tree, and would see no assignment either, which must not
	 * pass for "none ended". */
	bounds(o->t_since, end, lo, hi, sizeof(lo));
	snprintf(filter, sizeof(filter),
		 "(|(objectClass=rbacNamespace)(&(objectClass=rbacAssignment)"
		 "(rbacValidUntil>=%s)(rbacValidUntil<=%.14sZ)))",
		 lo, hi);
	c->keep = c->events->n;
	r = rbac_dir_search_each(dir, ctl->cfg.ldap.base, filter, assignment_attrs,
				 take_assignment, c);
	if (r == RBAC_DIR_OK && c->namespaces == 0)
		r = RBAC_DIR_NOT_FOUND;
	if (r != RBAC_DIR_OK)
		return unreadable(ctl, r,
				  "the namespaces and role assignments (ASSIGNMENT_EXPIRED)",
				  ctl->cfg.ldap.base);
	/* and the accounts whose validity window closed */
	snprintf(filter, sizeof(filter),
		 "(&(objectClass=rbacAccount)(rbacValidUntil>=%s)(rbacValidUntil<=%.14sZ))", lo,
		 hi);
	c->keep = c->events->n;
	r = rbac_dir_search_each(dir, ctl->cfg.ldap.user_base, filter, assignment_attrs,
				 take_assignment, c);
	if (r != RBAC_DIR_OK)
		return unreadable(ctl, r, "the accounts (ACCOUNT_EXPIRED)",
				  ctl->cfg.ldap.user_base);
	return EXIT_OK;
}

/* ------------------------------------------------------------ writing */

static void json_values(struct json *j, const char *key, const struct rbac_strlist *l)
{
	json_array(j, key);
	for (size_t i = 0; i < l->n; i++)
		json_string(j, NULL, l->v[i]);
	json_end(j);
}

/* One object on one line; the keys are the CSV columns, before and after
 * as arrays, an empty field as null. */
static void write_json(FILE *out, const struct audit_event *e, char *const *cells)
{
	struct json j;

	json_begin(&j, out);
	j.one_line = true;
	json_object(&j, NULL);
	for (size_t i = 0; i < AUDIT_NCOLS; i++) {
		if (i == 8 || i == 9)
			json_values(&j, audit_columns[i], i == 8 ? &e->before : &e->after);
		else
			json_string(&j, audit_columns[i],
				    cells[i][0] != '\0' ? cells[i] : NULL);
	}
	json_end(&j);
	json_finish(&j);
}

/* key=value, quoted when the value holds a space or a quote; control
 * characters made '?'. Empty values are left out. */
static void put_field(FILE *out, const char *key, const char *value)
{
	char *clean;

	if (value == NULL || value[0] == '\0')
		return;
	clean = text_clean(value);
	if (clean == NULL)
		return;
	if (strpbrk(clean, " \"\\") == NULL) {
		fprintf(out, " %s=%s", key, clean);
	} else {
		fprintf(out, " %s=\"", key);
		for (const char *p = clean; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', out);
			fputc(*p, out);
		}
		fputc('"', out);
	}
	free(clean);
}

/* "TIME EVENT key=value ...": the same fields as the JSON, lists joined
 * by spaces, "-" for an empty before or after of an attribute change. */
static void write_line(FILE *out, const struct audit_event *e, char *const *cells)
{
	fprintf(out, "%s %s", cells[0], cells[1]);
	for (size_t i = 3; i < AUDIT_NCOLS; i++) {
		if ((i == 8 || i == 9) && e->attribute != NULL && cells[i][0] == '\0')
			fprintf(out, " %s=-", audit_columns[i]);
		else if (i != 6) /* the DN last: long, and namespace/role say it */
			put_field(out, audit_columns[i], cells[i]);
	}
	put_field(out, "actor", cells[2]);
	put_field(out, "dn", cells[6]);
	fputc('\n', out);
}

enum form { FORM_TEXT, FORM_JSON, FORM_CSV };

static int write_events(const struct rbacctl *ctl, const struct audit_events *ev, enum form f)
{
	if (f == FORM_CSV)
		csv_row(stdout, audit_columns, AUDIT_NCOLS);
	for (size_t i = 0; i < ev->n; i++) {
		char *cells[AUDIT_NCOLS];

		if (audit_cells(&ev->v[i], cells) != 0) {
			audit_cells_free(cells);
			ctl_error(ctl, "out of memory");
			return EXIT_ERROR;
		}
		if (f == FORM_CSV)
			csv_row(stdout, (const char *const *)cells, AUDIT_NCOLS);
		else if (f == FORM_JSON)
			write_json(stdout, &ev->v[i], cells);
		else
			write_line(stdout, &ev->v[i], cells);
		audit_cells_free(cells);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ctl_error(ctl, "cannot write the output");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int run_audit(struct rbacctl *ctl, int argc, char **argv, bool csv)
{
	struct audit_opts o = {0};
	struct audit_events ev = {0};
	struct rbac_dir *dir = NULL;
	struct audit_layout lay;
	struct collect c = {&lay, &ev, 0, 0, "", 0};
	int rc = parse_audit_args(ctl, argc, argv, &o);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	if (csv && o.since == NULL)
		return ctl_usage(ctl, "report changes: --since TIME is required");
	rc = ctl_identity_config(ctl, &o.admin);
	if (rc != EXIT_OK)
		return rc;
	lay = (struct audit_layout){ctl->cfg.ldap.base, ctl->cfg.ldap.user_base};
	dir = rbac_dir_new(&ctl->cfg, &ctl->lg);
	if (dir == NULL) {
		ctl_error(ctl, "out of memory");
		return EXIT_ERROR;
	}
	rc = read_events(ctl, &o, dir, &c);
	if (rc == EXIT_OK && c.skipped > 0)
		rbac_log(
		    &ctl->lg, LOG_WARNING,
		    "%zu log record(s) without a readable reqStart, reqType or reqDN skipped, "
		    "the first: %s",
		    c.skipped, c.first_skipped);
	if (rc == EXIT_OK) {
		audit_events_sort(&ev);
		rc = write_events(ctl, &ev, o.json ? FORM_JSON : csv ? FORM_CSV : FORM_TEXT);
	}
	audit_events_free(&ev);
	rbac_dir_free(dir);
	return rc;
}

int cmd_audit(struct rbacctl *ctl, int argc, char **argv)
{
	return run_audit(ctl, argc, argv, false);
}

int cmd_report_changes(struct rbacctl *ctl, int argc, char **argv)
{
	return run_audit(ctl, argc, argv, true);
}
