/*
 * status.h - what `rbacctl status` gathers (cmd_status.c) and prints
 * (status_print.c).
 */
#ifndef RBACCTL_STATUS_H
#define RBACCTL_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "rbac_nscd.h"
#include "rbac_snapshot.h"

struct status_opts {
	const char *cache_dir;
	long max_lag; /* --max-lag SECONDS, -1 when not given */
};

enum file_state {
	FILE_USABLE,	 /* the readers use it now */
	FILE_REFUSED,	 /* present, and the readers refuse it (why) */
	FILE_ABSENT,	 /* no such file */
	FILE_UNREADABLE, /* present, and this caller cannot read it */
};

/* One snapshot file as the readers see it. The header fields are valid
 * when error is RBAC_SNAPSHOT_OK or a refusal for its age (stale,
 * future). */
struct file_status {
	const char *name;
	char path[4096];
	enum file_state state;
	enum rbac_snapshot_error error;
	char why[4096 + 256]; /* the reader's message, naming the path */
	uint64_t generation;
	int64_t written_at, stale_after;
	uint32_t source, probe_interval;
	bool proven; /* the proof block holds a synced_at */
	int64_t synced_at;
	char *namespace_name, *applied_csn, *context_csn, *server; /* NULL: absent */
};

/* Who holds CACHE/writer.lock right now (from /proc/locks). */
struct lock_status {
	bool held;
	long pid;
	char program[32]; /* the holder's command name, "" when unknown */
};

struct status {
	time_t now;
	const char *cache_dir;
	long max_lag;
	struct file_status files[2]; /* groups.v3.db, accounts.v3.db */
	bool v2_groups, v2_accounts; /* the previous version's files beside */
	struct lock_status lock;
	long window_ms;	       /* the writer's cadence a cache must not outlast */
	const char *window_of; /* "sync.batch_ms" or "the refresh timer" */
	struct {
		bool running;
		int conf;	    /* rbac_nscd_group_ttl()'s result */
		char conf_err[512]; /* why, when conf is -1 */
		struct rbac_nscd_group_cache cache;
		long hold;     /* seconds a group entry may be served */
		bool too_long; /* running, and hold > window */
	} nscd;
	bool proven;	   /* both files proven (synced_at valid) */
	int64_t synced_at; /* the older of the two proofs */
	int64_t lag;	   /* now - synced_at, >= 0 */
	int exit;	   /* EXIT_OK, EXIT_NO or EXIT_ERROR */
};

const char *status_source_word(uint32_t source);
/* One line: why the exit code is what it is. */
void status_verdict(const struct status *st, char *buf, size_t bufsz);

int status_print_text(const struct status *st);
int status_print_json(const struct status *st);

#endif
