/*
 * status_print.c - `rbacctl status` for a person and for a script
 * (rbacctl(8), STATUS: the lines and the JSON keys are documented there,
 * and the JSON keys are stable).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "output.h"
#include "rbacctl.h"
#include "status.h"

const char *status_source_word(uint32_t source)
{
	if (source == RBAC_SNAPSHOT_SOURCE_REFRESH)
		return "refresh";
	if (source == RBAC_SNAPSHOT_SOURCE_SYNCD)
		return "syncd";
	return "unknown";
}

static const char *state_word(enum file_state s)
{
	static const char *const words[] = {
	    [FILE_USABLE] = "usable",
	    [FILE_REFUSED] = "not usable",
	    [FILE_ABSENT] = "absent",
	    [FILE_UNREADABLE] = "unreadable",
	};
	return words[s];
}

/* The header was read (usable, or refused only for its age). */
static bool header_known(const struct file_status *fs)
{
	return fs->state == FILE_USABLE || fs->error == RBAC_SNAPSHOT_E_STALE ||
	       fs->error == RBAC_SNAPSHOT_E_FUTURE;
}

/* The first file that makes the exit code what it is: absent or
 * unreadable for "cannot tell", else not usable; NULL when both are
 * usable. */
static const struct file_status *first_problem(const struct status *st)
{
	const struct file_status *refused = NULL;

	for (size_t i = 0; i < 2; i++) {
		enum file_state s = st->files[i].state;

		if (s == FILE_ABSENT || s == FILE_UNREADABLE)
			return &st->files[i];
		if (s == FILE_REFUSED && refused == NULL)
			refused = &st->files[i];
	}
	return refused;
}

static void proof_verdict(const struct status *st, char *buf, size_t bufsz)
{
	const struct file_status *g = &st->files[0];

	if (!st->proven && g->source == RBAC_SNAPSHOT_SOURCE_SYNCD)
		snprintf(buf, bufsz, "not current: rbac-syncd has not proven it current yet");
	else if (!st->proven)
		snprintf(buf, bufsz,
			 "not current: written by rbacctl refresh, never proven current "
			 "(only rbac-syncd proves currency)");
	else if (st->lag > st->max_lag)
		snprintf(buf, bufsz, "not current: lag %" PRId64 " s exceeds --max-lag %ld",
			 st->lag, st->max_lag);
	else
		snprintf(buf, bufsz, "current: lag %" PRId64 " s, at most %ld", st->lag,
			 st->max_lag);
}

void status_verdict(const struct status *st, char *buf, size_t bufsz)
{
	const struct file_status *bad = first_problem(st);

	if (bad != NULL && st->exit == EXIT_ERROR)
		snprintf(buf, bufsz, "cannot tell: %s %s", bad->name, state_word(bad->state));
	else if (bad != NULL)
		snprintf(buf, bufsz, "not usable: %s: %s", bad->name,
			 rbac_snapshot_strerror(bad->error));
	else if (st->max_lag >= 0)
		proof_verdict(st, buf, bufsz);
	else
		snprintf(buf, bufsz, "usable");
}

/* ------------------------------------------------------ text */

static void print_time(const char *label, int64_t t, time_t now, const char *rel)
{
	char iso[32];

	printf("  %-14s %s (%s %" PRId64 " s)\n", label,
	       format_iso_time((time_t)t, iso, sizeof(iso)), rel, (int64_t)now - t);
}

static void print_string(const char *label, const char *value)
{
	char *clean = text_clean(value != NULL ? value : "-");

	printf("  %-14s %s\n", label, clean != NULL ? clean : "?");
	free(clean);
}

static void print_sync(const struct file_status *fs, time_t now)
{
	char iso[32];

	if (fs->source == RBAC_SNAPSHOT_SOURCE_SYNCD)
		printf("  %-14s syncd, probe every %" PRIu32 " s\n",
		       "source:", fs->probe_interval);
	else
		printf("  %-14s %s\n", "source:", status_source_word(fs->source));
	print_string("server:", fs->server);
	if (fs->proven)
		printf("  %-14s %s (lag %" PRId64 " s)\n",
		       "synced at:", format_iso_time((time_t)fs->synced_at, iso, sizeof(iso)),
		       now > fs->synced_at ? (int64_t)now - fs->synced_at : 0);
	else
		printf("  %-14s never proven\n", "synced at:");
	print_string("applied CSN:", fs->applied_csn);
	print_string("context CSN:", fs->context_csn);
}

static void print_file(const struct file_status *fs, time_t now)
{
	char *why = text_clean(fs->why);

	if (fs->state == FILE_USABLE)
		printf("%s: usable\n", fs->name);
	else
		printf("%s: %s: %s\n", fs->name, state_word(fs->state),
		       why != NULL ? why : "?");
	free(why);
	if (!header_known(fs))
		return;
	printf("  %-14s %" PRIu64 "\n", "generation:", fs->generation);
	print_time("written at:", fs->written_at, now, "age");
	printf("  %-14s %" PRId64 " s\n", "stale after:", fs->stale_after);
	print_string("namespace:", fs->namespace_name);
	print_sync(fs, now);
}

static void print_host(const struct status *st)
{
	if (st->v2_groups || st->v2_accounts)
		printf("previous version: %s%s%s beside\n",
		       st->v2_groups ? RBAC_SNAPSHOT_GROUPS_V2_FILE : "",
		       st->v2_groups && st->v2_accounts ? " and " : "",
		       st->v2_accounts ? RBAC_SNAPSHOT_ACCOUNTS_V2_FILE : "");
	else
		printf("previous version: none beside\n");
	if (st->lock.held)
		printf("writer lock: held by %s (pid %ld)\n",
		       st->lock.program[0] != '\0' ? st->lock.program : "?", st->lock.pid);
	else
		printf("writer lock: free (no rbac-syncd running)\n");
	if (!st->nscd.running)
		printf("name-service cache: none running\n");
	else if (st->nscd.conf < 0)
		printf("name-service cache: running; its group time to live is unknown: %s\n",
		       st->nscd.conf_err);
	else if (!st->nscd.cache.enabled)
		printf("name-service cache: running, group cache off\n");
	else
		printf("name-service cache: running, group entries kept up to %ld s\n",
		       st->nscd.hold);
	if (st->nscd.too_long)
		printf(
		    "warning: the name-service cache keeps group entries up to %ld s, longer "
		    "than %s (%ld ms): a change whose invalidation it misses stays hidden "
		    "that long; set \"enable-cache group no\" in %s\n",
		    st->nscd.hold, st->window_of, st->window_ms, RBAC_NSCD_CONF);
}

int status_print_text(const struct status *st)
{
	char verdict[512];

	printf("cache directory: %s\n", st->cache_dir);
	for (size_t i = 0; i < 2; i++)
		print_file(&st->files[i], st->now);
	print_host(st);
	status_verdict(st, verdict, sizeof(verdict));
	printf("status: %s\n", verdict);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

/* ------------------------------------------------------ JSON */

static void json_null(struct json *j, const char *key)
{
	json_string(j, key, NULL);
}

/* The header's fields; every key is there, null when the header is not
 * known (the file absent, unreadable or refused for more than its age). */
static void json_header(struct json *j, const struct file_status *fs, time_t now)
{
	static const char *const keys[] = {
	    "generation",     "written_at", "age",	   "stale_after", "namespace", "source",
	    "probe_interval", "synced_at",  "applied_csn", "context_csn", "server",
	};

	if (!header_known(fs)) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			json_null(j, keys[i]);
		return;
	}
	json_int(j, "generation", (long long)fs->generation);
	json_time(j, "written_at", true, (time_t)fs->written_at);
	json_int(j, "age", (long long)(now - fs->written_at));
	json_int(j, "stale_after", (long long)fs->stale_after);
	json_string(j, "namespace", fs->namespace_name);
	json_string(j, "source", status_source_word(fs->source));
	json_int(j, "probe_interval", (long long)fs->probe_interval);
	json_time(j, "synced_at", fs->proven, (time_t)fs->synced_at);
	json_string(j, "applied_csn", fs->applied_csn);
	json_string(j, "context_csn", fs->context_csn);
	json_string(j, "server", fs->server);
}

static void json_file(struct json *j, const struct file_status *fs, time_t now)
{
	json_object(j, NULL);
	json_string(j, "name", fs->name);
	json_string(j, "path", fs->path);
	json_string(j, "state", state_word(fs->state));
	json_string(j, "error", fs->state == FILE_USABLE ? NULL : fs->why);
	json_header(j, fs, now);
	json_end(j);
}

static void json_host(struct json *j, const struct status *st)
{
	json_object(j, "previous_version");
	json_bool(j, "groups", st->v2_groups);
	json_bool(j, "accounts", st->v2_accounts);
	json_end(j);
	json_object(j, "writer_lock");
	json_bool(j, "held", st->lock.held);
	if (st->lock.held)
		json_int(j, "pid", st->lock.pid);
	else
		json_null(j, "pid");
	json_string(j, "program",
		    st->lock.held && st->lock.program[0] != '\0' ? st->lock.program : NULL);
	json_end(j);
	json_object(j, "name_service_cache");
	json_bool(j, "running", st->nscd.running);
	json_bool(j, "group_cache", st->nscd.cache.enabled);
	json_string(j, "conf_error", st->nscd.conf < 0 ? st->nscd.conf_err : NULL);
	json_int(j, "positive_ttl", st->nscd.cache.positive_ttl);
	json_int(j, "negative_ttl", st->nscd.cache.negative_ttl);
	json_int(j, "writer_window_ms", st->window_ms);
	json_bool(j, "too_long", st->nscd.too_long);
	json_end(j);
}

int status_print_json(const struct status *st)
{
	char verdict[512];
	struct json j;

	json_begin(&j, stdout);
	json_object(&j, NULL);
	json_string(&j, "command", "status");
	json_int(&j, "version", 1);
	json_string(&j, "cache_dir", st->cache_dir);
	json_time(&j, "now", true, st->now);
	json_array(&j, "files");
	for (size_t i = 0; i < 2; i++)
		json_file(&j, &st->files[i], st->now);
	json_end(&j);
	json_host(&j, st);
	json_time(&j, "synced_at", st->proven, (time_t)st->synced_at);
	if (st->proven)
		json_int(&j, "lag", st->lag);
	else
		json_string(&j, "lag", NULL);
	if (st->max_lag >= 0)
		json_int(&j, "max_lag", st->max_lag);
	else
		json_string(&j, "max_lag", NULL);
	status_verdict(st, verdict, sizeof(verdict));
	json_string(&j, "verdict", verdict);
	json_int(&j, "exit", st->exit);
	json_end(&j);
	return json_finish(&j);
}
