/*
 * syncd.c - rbac-syncd: keeps this host's snapshot current from the
 * directory, live (rbac-syncd(8)).
 *
 *   rbac-syncd [-c PATH] [-C DIR] [-f] [-v]
 *
 * It holds the cache directory's writer lock for its whole life, loads
 * syncd.state (the model and its cookie) when it can, then runs one sync
 * session after another (session.c) over ldap.uri, with a backoff of 1, 2,
 * 4 ... 60 s (with jitter, so a fleet does not reconnect in step) while no
 * server can be used. SIGTERM or SIGINT: the pending batch is published,
 * syncd.state saved, the lock released, exit 0.
 *
 * Exit: 0 stopped by a signal, 1 not started (lock held, cache directory),
 * 2 usage, 3 configuration, 6 not configured (rbac.conf sets none of
 * namespace, ldap.uri and ldap.base: LSB's "program is not configured",
 * which the unit's RestartPreventExitStatus= does not restart).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "rbac_conn.h"
#include "rbac_publish.h"
#include "state.h"

#define BACKOFF_MAX 60.0

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

double agent_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- logging */

static bool foreground;
static bool running; /* before, a failure to start is also said on stderr */

static void agent_log(void *ctx, int priority, const char *message)
{
	(void)ctx;
	syslog(priority, "%s", message);
	if (foreground || !running)
		fprintf(stderr, SYNCD_PROG ": %s\n", message);
}

/* The connection logs each failed attempt; the agent logs state changes.
 * Its warnings are kept as the reason for the next such line, and passed
 * on at debug level. */
static void dir_log(void *ctx, int priority, const char *message)
{
	struct agent *a = ctx;

	/* the walk's closing line says less than the failure before it */
	if (priority <= LOG_WARNING &&
	    strncmp(message, "no directory server answered", 28) != 0)
		snprintf(a->why, sizeof(a->why), "%s", message);
	rbac_log(&a->lg, LOG_DEBUG, "%s", message);
}

/* A retry that fails the same way repeats one or two lines (connected,
 * then lost again): those go to debug until a refresh completes. */
void agent_state(struct agent *a, int priority, const char *fmt, ...)
{
	char line[sizeof(a->last_state[0])];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (strcmp(line, a->last_state[0]) == 0 || strcmp(line, a->last_state[1]) == 0) {
		priority = LOG_DEBUG;
	} else {
		memcpy(a->last_state[1], a->last_state[0], sizeof(line));
		memcpy(a->last_state[0], line, sizeof(line));
	}
	rbac_log(&a->lg, priority, "%s", line);
}

void agent_state_forget(struct agent *a)
{
	a->last_state[0][0] = '\0';
	a->last_state[1][0] = '\0';
}

/* ---- start */

static int usage(const char *problem)
{
	if (problem != NULL)
		fprintf(stderr, SYNCD_PROG ": %s\n", problem);
	fprintf(stderr,
		"usage: " SYNCD_PROG " [-c PATH] [-C DIR] [-f] [-v]\n"
		"  -c PATH  configuration file (default %s)\n"
		"  -C DIR   cache directory (default %s)\n"
		"  -f       stay in the foreground, log to stderr as well\n"
		"  -v       log at debug level; a counter line per refresh\n",
		rbac_config_default_path(), RBAC_CACHE_DIR);
	return 2;
}

static int parse_args(int argc, char **argv, const char **conf, struct agent *a)
{
	int c;

	while ((c = getopt(argc, argv, "c:C:fvh")) != -1) {
		switch (c) {
		case 'c':
			*conf = optarg;
			break;
		case 'C':
			a->cache_dir = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'v':
			a->verbose = true;
			a->lg.debug = true;
			break;
		case 'h':
			usage(NULL);
			exit(0);
		default:
			return usage(NULL);
		}
	}
	if (optind != argc)
		return usage("unexpected argument");
	return 0;
}

static int load_config(struct agent *a, const char *path)
{
	char err[RBAC_ERRLEN];
	int rc;

	rbac_config_init(&a->cfg);
	rc = rbac_config_load(path, &a->cfg, err, sizeof(err));
	if (rc == RBAC_CONFIG_NOT_CONFIGURED) {
		rbac_log(&a->lg, LOG_ERR,
			 "%s; nothing to synchronise: set them (rbac.conf(5)), then start "
			 "rbac-syncd again",
			 err);
		return 6;
	}
	if (rc != 0 || rbac_config_validate(&a->cfg, err, sizeof(err)) != 0) {
		rbac_log(&a->lg, LOG_ERR, "%s", err);
		return 3;
	}
	a->base = syncd_dn_common(a->cfg.ldap.base, a->cfg.ldap.user_base);
	if (a->base == NULL || a->base[0] == '\0') {
		rbac_log(&a->lg, LOG_ERR,
			 "ldap.base and ldap.user_base have no common ancestor: one sync "
			 "session cannot cover both");
		return 3;
	}
	return 0;
}

/* The model and cookie of the last run, when they fit this config. */
static void load_state(struct agent *a)
{
	unsigned char *cookie = NULL;
	size_t len = 0;
	char err[RBAC_ERRLEN + 4096] = "";
	enum syncd_state_result r =
	    syncd_state_load(a->state_path, &a->cfg, a->model, &cookie, &len, err, sizeof(err));

	if (r == SYNCD_STATE_OK && agent_set_cookie(a, cookie, len) == 0)
		rbac_log(&a->lg, LOG_INFO, "resuming from %s (%zu entries)", a->state_path,
			 syncd_model_count(a->model));
	else if (r == SYNCD_STATE_MISSING)
		rbac_log(&a->lg, LOG_INFO, "no %s yet: full refresh", a->state_path);
	else
		rbac_log(&a->lg, LOG_WARNING, "%s: full refresh", err);
	free(cookie);
}

static int start(struct agent *a)
{
	char err[RBAC_ERRLEN + 4096];

	a->lock_fd = rbac_writer_lock(a->cache_dir, err, sizeof(err));
	if (a->lock_fd < 0) {
		rbac_log(&a->lg, LOG_ERR, "%s", err);
		return 1;
	}
	if (asprintf(&a->state_path, "%s/%s", a->cache_dir, SYNCD_STATE_FILE) < 0 ||
	    (a->model = syncd_model_new(&a->cfg, &a->lg)) == NULL ||
	    (a->dir = rbac_dir_new(&a->cfg, &a->dir_lg)) == NULL) {
		rbac_log(&a->lg, LOG_ERR, "out of memory");
		return 1;
	}
	load_state(a);
	return 0;
}

static void signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: a wait ends at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- the reconnect loop */

/* 1, 2, 4 ... 60 s, each stretched by up to a half at random. */
static double backoff(unsigned attempt)
{
	double d = attempt < 6 ? (double)(1u << attempt) : BACKOFF_MAX;

	if (d > BACKOFF_MAX)
		d = BACKOFF_MAX;
	return d * (1.0 + 0.5 * (double)random() / (double)RAND_MAX);
}

static void sleep_unless_stopped(double seconds)
{
	double until = agent_now() + seconds;
	struct timespec ts = {0, (long)(SYNCD_TICK * 1e9)};

	while (!stop_requested && agent_now() < until)
		nanosleep(&ts, NULL);
}

static void run(struct agent *a)
{
	unsigned attempt = 0;
	bool said_down = false;
	double delay;

	while (!stop_requested) {
		a->healthy = false;
		(void)rbac_dir_session(a->dir, session_run, a);
		if (stop_requested)
			break;
		if (a->healthy) {
			attempt = 0;
			said_down = false;
		}
		/* a batch that was complete when the connection went */
		if (a->publish_at > 0 && !a->refreshing)
			(void)agent_publish(a);
		delay = backoff(attempt++);
		rbac_log(&a->lg, said_down ? LOG_DEBUG : LOG_WARNING,
			 "all directory servers down, retrying in %.0f s (last: %s)", delay,
			 a->why[0] != '\0' ? a->why : "no answer");
		said_down = true;
		sleep_unless_stopped(delay);
	}
}

static void finish(struct agent *a)
{
	if (a->model != NULL && !a->refreshing && a->published &&
	    (a->publish_at > 0 || syncd_model_dirty(a->model)))
		(void)agent_publish(a);
	if (a->model != NULL && (a->state_due || !a->published))
		agent_save_state(a);
	rbac_dir_free(a->dir);
	syncd_model_free(a->model);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	free(a->cookie);
	rbac_csn_vector_free(&a->applied);
	rbac_csn_vector_free(&a->probe);
	free(a->context_csn);
	free(a->state_path);
	free(a->base);
	free(a->suffix);
	rbac_config_free(&a->cfg);
}

int main(int argc, char **argv)
{
	struct agent a;
	const char *conf = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	a.lock_fd = -1;
	a.cache_dir = RBAC_CACHE_DIR;
	a.synced_at = INT64_MIN;
	a.stop = &stop_requested;
	a.lg = (struct rbac_logger){agent_log, &a, false};
	a.dir_lg = (struct rbac_logger){dir_log, &a, true};
	openlog(SYNCD_PROG, LOG_PID, LOG_DAEMON);
	rc = parse_args(argc, argv, &conf, &a);
	if (rc == 0)
		rc = load_config(&a, conf != NULL ? conf : rbac_config_default_path());
	if (rc == 0) {
		srandom((unsigned)getpid() ^ (unsigned)time(NULL));
		signals();
		rc = start(&a);
	}
	if (rc == 0) {
		rbac_log(&a.lg, LOG_INFO, "started: %s for namespace \"%s\"", a.base,
			 a.cfg.namespace_name);
		running = true;
		run(&a);
		rbac_log(&a.lg, LOG_INFO, "stopped");
	}
	finish(&a);
	closelog();
	return rc;
}
