/*
 * syncdmodel.c - rbac-syncd's model alone (syncd/model.c), timed on the
 * benchmark's directory: the entries of a full refresh applied, the full
 * derive, the snapshot images built from it, and single changes (an
 * account suspended, a member added to a big role) applied and derived
 * again. Not run by bench/run; figures in bench/RESULTS.md.
 *
 *   bench/gen-directory --preset 100k DIR
 *   bench/syncdmodel DIR/directory.ldif [rounds [CACHE_DIR]]
 *
 * With CACHE_DIR (root's, 0755), each round publishes there through
 * rbac_publish() as the agent does (both versions, written, read back,
 * renamed) instead of only building the images.
 *
 * The LDIF is read as gen-directory writes it (no base64, no folded
 * lines); entries outside the sync filter are left out, as slapd would.
 */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model.h"
#include "rbac_publish.h"
#include "rbac_snapshot_write.h"

#define MAX_VALUES 200000

static const struct rbac_logger quiet = {NULL, NULL, false};
static const char *cache_dir; /* NULL: build the images only */

struct rec {
	char *dn;
	size_t n;
	char *attr[MAX_VALUES];
	char *value[MAX_VALUES];
	struct rbac_entry_attr a[32];
	struct rbac_bytes v[MAX_VALUES];
};

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static long rss_kb(const char *key)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			kb = atol(line + strlen(key) + 1);
	if (f != NULL)
		fclose(f);
	return kb;
}

/* From here VmHWM is the peak of what follows (proc(5), clear_refs). */
static void reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f != NULL) {
		fputs("5", f);
		fclose(f);
	}
}

static struct rbac_sync_uuid uuid_of(unsigned n)
{
	struct rbac_sync_uuid u = {{0}};

	memcpy(u.b, &n, sizeof(n));
	u.b[15] = 0x5a;
	return u;
}

static bool in_filter(const struct rec *r)
{
	static const char *const classes[] = {"rbacNamespace", "rbacRole", "rbacAssignment",
					      "rbacAccount"};

	for (size_t i = 0; i < r->n; i++)
		for (size_t c = 0; c < 4; c++)
			if (strcasecmp(r->attr[i], "objectClass") == 0 &&
			    strcasecmp(r->value[i], classes[c]) == 0)
				return true;
	return false;
}

/* The record as an entry: values grouped by attribute, in file order. */
static void entry_of(struct rec *r, struct rbac_entry *e)
{
	size_t na = 0, nv = 0;
	bool *done = calloc(r->n + 1, sizeof(bool));

	for (size_t i = 0; i < r->n && na < 32; i++) {
		if (done[i])
			continue;
		r->a[na] = (struct rbac_entry_attr){r->attr[i], &r->v[nv], 0};
		for (size_t j = i; j < r->n; j++)
			if (!done[j] && strcasecmp(r->attr[j], r->attr[i]) == 0) {
				done[j] = true;
				r->v[nv++] =
				    (struct rbac_bytes){r->value[j], strlen(r->value[j])};
				r->a[na].n++;
			}
		na++;
	}
	free(done);
	*e = (struct rbac_entry){r->dn, r->a, na};
}

static void rec_clear(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->attr[i]);
		free(r->value[i]);
	}
	free(r->dn);
	r->dn = NULL;
	r->n = 0;
}

/* Applies the finished record r as entry number *count. */
static void flush(struct syncd_model *m, struct rec *r, unsigned *count)
{
	struct rbac_sync_uuid u = uuid_of(*count);
	struct rbac_entry e;

	if (r->dn != NULL && in_filter(r)) {
		entry_of(r, &e);
		if (syncd_model_apply(m, RBAC_SYNC_ADD, &u, r->dn, &e) != SYNCD_MODEL_OK) {
			fprintf(stderr, "syncdmodel: apply failed at %s\n", r->dn);
			exit(1);
		}
		(*count)++;
	}
	rec_clear(r);
}

static unsigned load(struct syncd_model *m, const char *path, struct rec *r)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *colon;
	size_t cap = 0;
	ssize_t len;
	unsigned count = 0;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0') {
			flush(m, r, &count);
			continue;
		}
		if (line[0] == '#' || (colon = strstr(line, ": ")) == NULL)
			continue;
		*colon = '\0';
		if (strcmp(line, "dn") == 0)
			r->dn = strdup(colon + 2);
		else if (r->n < MAX_VALUES) {
			r->attr[r->n] = strdup(line);
			r->value[r->n++] = strdup(colon + 2);
		}
	}
	flush(m, r, &count);
	free(line);
	fclose(f);
	return count;
}

/* The agent's publish: *ms is its whole time, build and write printed. */
static void publish(const struct rbac_snapshot_model *sm, struct rbac_snapshot_options *o,
		    double *ms, size_t *groups)
{
	struct rbac_publish_result r;
	char err[RBAC_ERRLEN];
	double t0 = now_ms(), cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID);

	if (rbac_publish(cache_dir, -1, sm, o, 1, &quiet, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "syncdmodel: %s\n", err);
		exit(1);
	}
	*ms = now_ms() - t0;
	*groups = r.groups;
	printf("publish generation %llu: build %.1f ms, write %.1f ms, cpu %.1f ms; ",
	       (unsigned long long)r.generation, r.build_ms, r.write_ms,
	       clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu);
}

static double derive_and_build(struct syncd_model *m, double *build_ms, size_t *groups)
{
	static const char *const perms[] = {"host.login", "host.sudo"};
	struct rbac_snapshot_options o = {
	    .group_format = "rbac-%r",
	    .global_group_format = "rbac-global-%r",
	    .gid_min = 900000,
	    .gid_max = 999999,
	    .expand_inherited = true,
	    .stale_after = 259200,
	    .generation = 1,
	    .now = time(NULL),
	    .permissions = perms,
	    .n_permissions = 2,
	};
	struct rbac_snapshot_model sm;
	struct rbac_snapshot_image g, a;
	double t0 = now_ms(), t1, cpu;
	long base;

	if (syncd_model_derive(m, &sm) != SYNCD_MODEL_OK) {
		fprintf(stderr, "syncdmodel: derive failed\n");
		exit(1);
	}
	t1 = now_ms();
	base = rss_kb("VmRSS:");
	reset_peak();
	if (cache_dir != NULL) {
		publish(&sm, &o, build_ms, groups);
		printf("peak %ld kB over %ld kB; ", rss_kb("VmHWM:") - base, base);
		syncd_model_clean(m);
		malloc_trim(0);
		return t1 - t0;
	}
	cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	if (rbac_snapshot_build(&sm, &o, &quiet, &g, &a) != 0) {
		fprintf(stderr, "syncdmodel: build failed\n");
		exit(1);
	}
	*build_ms = now_ms() - t1;
	/* the machine may be shared: the CPU time too */
	printf("build cpu %.1f ms, peak %ld kB over %ld kB, images %zu + %zu bytes; ",
	       clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu, rss_kb("VmHWM:") - base, base, g.len,
	       a.len);
	syncd_model_clean(m); /* as the agent does after a publish */
	malloc_trim(0);
	*groups = g.groups;
	rbac_snapshot_image_free(&g);
	rbac_snapshot_image_free(&a);
	return t1 - t0;
}

/* One message as slapd sends it for a change, then derive + build. */
static void change(struct syncd_model *m, unsigned n, const char *dn, const char *what,
		   struct rbac_entry_attr *attrs, size_t na)
{
	struct rbac_sync_uuid u = uuid_of(n);
	struct rbac_entry e = {dn, attrs, na};
	double t0 = now_ms(), apply, derive, build;
	size_t groups;
	bool dirty;

	if (syncd_model_apply(m, RBAC_SYNC_MODIFY, &u, dn, &e) != SYNCD_MODEL_OK)
		exit(1);
	apply = now_ms() - t0;
	dirty = syncd_model_dirty(m);
	derive = derive_and_build(m, &build, &groups);
	printf("change (%s): apply %.3f ms, dirty %s, derive %.1f ms, build %.1f ms\n", what,
	       apply, dirty ? "yes" : "no", derive, build);
}

int main(int argc, char **argv)
{
	struct rbac_config cfg;
	struct syncd_model *m;
	struct rec *r = calloc(1, sizeof(*r));
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	double t0, build;
	size_t groups;
	unsigned n;
	char err[RBAC_ERRLEN];

	cache_dir = argc > 3 ? argv[3] : NULL;
	if (argc < 2 || r == NULL) {
		fprintf(stderr, "usage: syncdmodel DIRECTORY.ldif [rounds [CACHE_DIR]]\n");
		return 2;
	}
	rbac_config_init(&cfg);
	if (rbac_config_set(&cfg, "ldap.base", "ou=rbac,dc=example,dc=org", "b", err,
			    sizeof(err)) != 0 ||
	    rbac_config_set(&cfg, "ldap.user_base", "ou=people,dc=example,dc=org", "b", err,
			    sizeof(err)) != 0 ||
	    rbac_config_set(&cfg, "namespace", "bench", "b", err, sizeof(err)) != 0 ||
	    (m = syncd_model_new(&cfg, &quiet)) == NULL) {
		fprintf(stderr, "syncdmodel: %s\n", err);
		return 1;
	}
	syncd_model_refresh_begin(m, false);
	t0 = now_ms();
	n = load(m, argv[1], r);
	syncd_model_refresh_done(m);
	printf("refresh: %u entries applied in %.0f ms (LDIF parsing included); RSS %ld kB\n",
	       n, now_ms() - t0, rss_kb("VmRSS:"));
	for (int i = 0; i < rounds; i++) {
		double d = derive_and_build(m, &build, &groups);

		printf(
		    "full derive %.1f ms, build both images %.1f ms (%zu groups); RSS %ld kB, "
		    "peak %ld kB\n",
		    d, build, groups, rss_kb("VmRSS:"), rss_kb("VmHWM:"));
	}
	{
		struct rbac_bytes oc[] = {{"account", 7}, {"rbacAccount", 11}},
				  uid[] = {{"user00042", 9}}, st[] = {{"suspended", 9}};
		struct rbac_entry_attr at[] = {
		    {"objectClass", oc, 2}, {"uid", uid, 1}, {"rbacAccountStatus", st, 1}};

		/* entry 0 is the namespace, 1.. the accounts in gen-directory's order */
		change(m, 1 + 42, "uid=user00042,ou=people,dc=example,dc=org",
		       "account suspended", at, 3);
	}
	syncd_model_free(m);
	rbac_config_free(&cfg);
	free(r);
	return 0;
}
