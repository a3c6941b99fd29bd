/*
 * cmd_status.c - `rbacctl status [--max-lag SECONDS] [--json]`: what the
 * readers of this host see in the snapshot right now, and whether it is
 * proven current (rbacctl(8), STATUS).
 *
 * Every figure comes from the files as the readers open them (the same
 * trust checks, the same O(1) open; `rbacctl verify` is the whole-file
 * check), and the lag is recomputed here as now - synced_at: the header
 * cannot know how long ago it was written. The exit code is the answer a
 * monitoring check wants: 0 usable (and, with --max-lag, proven current
 * within SECONDS), 1 not, 2 cannot tell (a file missing or unreadable).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "rbac_file.h"
#include "rbac_nscd.h"
#include "rbac_publish.h"
#include "rbac_snapshot.h"
#include "rbacctl.h"
#include "status.h"

/* The refresh timer's period (etc/systemd/rbac-refresh.timer): how long a
 * change may wait for the next write when no agent runs. */
#define REFRESH_PERIOD_MS 60000L

static int parse_status_args(struct rbacctl *ctl, int argc, char **argv, struct status_opts *o)
{
	const char *max_lag = NULL;
	const struct ctl_option options[] = {
	    {"cache-dir", 'C', &o->cache_dir, NULL},
	    {"max-lag", 'l', &max_lag, NULL},
	    {"json", 'j', NULL, &ctl->json},
	    {NULL, 0, NULL, NULL},
	};
	struct ctl_args a = {
	    .options = options,
	    .help = "  --cache-dir DIR     where the snapshot is (default " RBAC_CACHE_DIR ")\n"
		    "  --max-lag SECONDS   exit 1 unless proven current within SECONDS\n"
		    "  --json              one JSON object (rbacctl(8), STATUS)\n"
		    "exit: 0 usable (and current), 1 not, 2 cannot tell\n",
	};
	char *end;
	int rc;

	o->cache_dir = RBAC_CACHE_DIR;
	o->max_lag = -1;
	rc = ctl_parse_args(ctl, argc, argv, &a);
	if (rc != EXIT_OK)
		return rc;
	if (a.operand != argc)
		return ctl_usage(ctl, "status: unexpected argument '%s'", argv[a.operand]);
	if (max_lag != NULL) {
		errno = 0;
		o->max_lag = strtol(max_lag, &end, 10);
		if (errno != 0 || end == max_lag || *end != '\0' || o->max_lag < 0)
			return ctl_usage(ctl,
					 "status: --max-lag wants a number of seconds >= 0, "
					 "not '%s'",
					 max_lag);
	}
	return EXIT_OK;
}

/* ------------------------------------------------------ one file */

static char *copy_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* A file present but refused by the readers is "not usable" (1); one that
 * is absent or this caller cannot read leaves the answer open (2). */
static void classify_open_failure(struct file_status *fs, const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		fs->state = errno == ENOENT ? FILE_ABSENT : FILE_UNREADABLE;
		snprintf(fs->why, sizeof(fs->why), "%s: %s", path, strerror(errno));
	} else if (fs->error == RBAC_SNAPSHOT_E_NOMEM || access(path, R_OK) != 0) {
		fs->state = FILE_UNREADABLE;
	} else {
		fs->state = FILE_REFUSED;
	}
}

static void take_header(struct file_status *fs, const struct rbac_snapshot *s)
{
	fs->generation = s->generation;
	fs->written_at = s->written_at;
	fs->stale_after = s->stale_after;
	fs->source = s->source;
	fs->probe_interval = s->probe_interval;
	/* Strings a rewrite in place could change: copied once. */
	fs->namespace_name = copy_or_null(s->namespace_name);
	fs->applied_csn = copy_or_null(s->applied_csn);
	fs->context_csn = copy_or_null(s->context_csn);
	fs->server = copy_or_null(s->server);
	/* A proof read while the agent rewrites it is torn, and reads as
	 * not proven: one more look tells that from "never". */
	fs->proven = rbac_snapshot_proof(s, &fs->synced_at);
	if (!fs->proven && s->source == RBAC_SNAPSHOT_SOURCE_SYNCD) {
		usleep(1000);
		fs->proven = rbac_snapshot_proof(s, &fs->synced_at);
	}
}

static void status_read_file(const char *dir, const char *name, enum rbac_snapshot_kind kind,
			     time_t now, struct file_status *fs)
{
	struct rbac_snapshot_file f;
	mode_t forbidden =
	    kind == RBAC_SNAPSHOT_ACCOUNTS ? RBAC_FILE_PRIVATE : RBAC_FILE_NO_WRITE_OTHERS;

	memset(fs, 0, sizeof(*fs));
	fs->name = name;
	snprintf(fs->path, sizeof(fs->path), "%s/%s", dir, name);
	/* Any time: a stale file is still shown, with its dates. */
	fs->error = rbac_snapshot_open_mode(&f, fs->path, kind, 0, forbidden,
					    RBAC_SNAPSHOT_ANY_TIME, fs->why, sizeof(fs->why));
	if (fs->error != RBAC_SNAPSHOT_OK) {
		classify_open_failure(fs, fs->path);
		return;
	}
	take_header(fs, &f.snap);
	if (rbac_snapshot_fresh(&f.snap, now)) {
		fs->state = FILE_USABLE;
	} else {
		fs->state = FILE_REFUSED;
		fs->error =
		    now < fs->written_at ? RBAC_SNAPSHOT_E_FUTURE : RBAC_SNAPSHOT_E_STALE;
		snprintf(fs->why, sizeof(fs->why), "%s: %s", fs->path,
			 rbac_snapshot_strerror(fs->error));
	}
	rbac_snapshot_close(&f);
}

static void status_file_free(struct file_status *fs)
{
	free(fs->namespace_name);
	free(fs->applied_csn);
	free(fs->context_csn);
	free(fs->server);
}

/* ------------------------------------------------------ the lock */

/* One line of /proc/locks, "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE
 * START END" (MAJ and MIN in hex; "N: -> ..." lines are waiters), about
 * the file st describes: the holder's pid. flock(2) locks are not seen by
 * fcntl(F_GETLK), and taking the lock to test it would make a refresh
 * starting at that moment fail. */
static bool lock_line_holder(const char *line, const struct stat *st, long *pid)
{
	char type[16], kind[16], rw[16];
	unsigned int maj, min;
	unsigned long ino;

	if (strstr(line, "->") != NULL || sscanf(line, "%*d: %15s %15s %15s %ld %x:%x:%lu",
						 type, kind, rw, pid, &maj, &min, &ino) != 7)
		return false;
	return strcmp(type, "FLOCK") == 0 && maj == major(st->st_dev) &&
	       min == minor(st->st_dev) && ino == st->st_ino;
}

static void holder_program(struct lock_status *ls)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", ls->pid);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(ls->program, sizeof(ls->program), f) != NULL)
		ls->program[strcspn(ls->program, "\n")] = '\0';
	fclose(f);
}

static void status_read_lock(const char *dir, struct lock_status *ls)
{
	char path[4096], line[256];
	struct stat st;
	FILE *f;

	memset(ls, 0, sizeof(*ls));
	snprintf(path, sizeof(path), "%s/%s", dir, RBAC_WRITER_LOCK_FILE);
	if (stat(path, &st) != 0)
		return;
	f = fopen("/proc/locks", "re");
	if (f == NULL)
		return;
	while (!ls->held && fgets(line, sizeof(line), f) != NULL)
		ls->held = lock_line_holder(line, &st, &ls->pid);
	fclose(f);
	if (ls->held)
		holder_program(ls);
}

/* ------------------------------------------------------ the whole */

static bool file_exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

/* The writer's cadence, which a name-service cache must not outlast: the
 * agent's batch window when it writes, else the refresh timer's period. */
static void writer_window(const struct rbacctl *ctl, struct status *st)
{
	bool syncd = st->lock.held ? strcmp(st->lock.program, "rbac-syncd") == 0
				   : st->files[0].source == RBAC_SNAPSHOT_SOURCE_SYNCD;

	st->window_ms = syncd ? ctl->cfg.sync.batch_ms : REFRESH_PERIOD_MS;
	st->window_of = syncd ? "sync.batch_ms" : "the refresh timer";
}

static void read_nscd(struct status *st)
{
	st->nscd.running = rbac_nscd_running(NULL);
	st->nscd.conf = rbac_nscd_group_ttl(NULL, &st->nscd.cache, st->nscd.conf_err,
					    sizeof(st->nscd.conf_err));
	st->nscd.hold = rbac_nscd_group_hold(&st->nscd.cache);
	st->nscd.too_long =
	    st->nscd.running && st->nscd.cache.enabled && st->nscd.hold * 1000 > st->window_ms;
}

/* Both files' proofs must hold: the older one is the state's proof. */
static void overall_lag(struct status *st)
{
	const struct file_status *g = &st->files[0], *a = &st->files[1];

	st->proven = g->proven && a->proven;
	if (!st->proven)
		return;
	st->synced_at = g->synced_at < a->synced_at ? g->synced_at : a->synced_at;
	st->lag = st->now > st->synced_at ? st->now - st->synced_at : 0;
}

static void decide(struct status *st, long max_lag)
{
	st->exit = EXIT_OK;
	for (size_t i = 0; i < 2; i++) {
		if (st->files[i].state == FILE_ABSENT || st->files[i].state == FILE_UNREADABLE)
			st->exit = EXIT_ERROR;
		else if (st->files[i].state == FILE_REFUSED && st->exit == EXIT_OK)
			st->exit = EXIT_NO;
	}
	if (st->exit == EXIT_OK && max_lag >= 0 && (!st->proven || st->lag > max_lag))
		st->exit = EXIT_NO;
}

static void status_gather(const struct rbacctl *ctl, const struct status_opts *o,
			  struct status *st)
{
	memset(st, 0, sizeof(*st));
	st->now = time(NULL);
	st->cache_dir = o->cache_dir;
	st->max_lag = o->max_lag;
	status_read_file(o->cache_dir, RBAC_SNAPSHOT_GROUPS_V3_FILE, RBAC_SNAPSHOT_GROUPS,
			 st->now, &st->files[0]);
	status_read_file(o->cache_dir, RBAC_SNAPSHOT_ACCOUNTS_V3_FILE, RBAC_SNAPSHOT_ACCOUNTS,
			 st->now, &st->files[1]);
	st->v2_groups = file_exists(o->cache_dir, RBAC_SNAPSHOT_GROUPS_V2_FILE);
	st->v2_accounts = file_exists(o->cache_dir, RBAC_SNAPSHOT_ACCOUNTS_V2_FILE);
	status_read_lock(o->cache_dir, &st->lock);
	writer_window(ctl, st);
	read_nscd(st);
	overall_lag(st);
	decide(st, o->max_lag);
}

/* Nothing writes a snapshot on such a host, so none is usable: 1, a
 * definite answer that a monitoring check shows as it is. */
static int status_not_configured(const struct rbacctl *ctl)
{
	char text[1024];
	struct json j;

	ctl_not_configured_text(ctl, text, sizeof(text));
	if (!ctl->json) {
		printf("status: %s\n", text);
	} else {
		json_begin(&j, stdout);
		json_object(&j, NULL);
		json_string(&j, "command", "status");
		json_int(&j, "version", 1);
		json_string(&j, "config", ctl->config_path);
		json_bool(&j, "configured", false);
		json_string(&j, "verdict", text);
		json_int(&j, "exit", EXIT_NO);
		json_end(&j);
		if (json_finish(&j) != 0)
			return EXIT_ERROR;
	}
	return fflush(stdout) == 0 ? EXIT_NO : EXIT_ERROR;
}

int cmd_status(struct rbacctl *ctl, int argc, char **argv)
{
	struct status_opts o;
	struct status st;
	int rc = parse_status_args(ctl, argc, argv, &o);

	if (rc != EXIT_OK)
		return rc == CTL_HELP_SHOWN ? EXIT_OK : rc;
	ctl->takes_unconfigured = true;
	if (ctl_config(ctl, NULL) != EXIT_OK)
		return EXIT_ERROR;
	if (ctl->config == RBAC_CONFIG_NOT_CONFIGURED)
		return status_not_configured(ctl);
	status_gather(ctl, &o, &st);
	rc = ctl->json ? status_print_json(&st) : status_print_text(&st);
	for (size_t i = 0; i < 2; i++)
		status_file_free(&st.files[i]);
	if (rc != 0) {
		ctl_error(ctl, "cannot write the status: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return st.exit;
}
