/*
 * agent.h - rbac-syncd's state and the seams between its files:
 *   syncd.c    the program: options, config, writer lock, syncd.state,
 *              signals, the reconnect loop with its backoff
 *   session.c  one RFC 4533 refreshAndPersist session on a connection
 *              (rbac_dir_session's op): the sync search, its messages, the
 *              contextCSN probe
 *   publish.c  the model into the snapshot (rbac_publish), the proof of
 *              currency, syncd.state
 *   dn.c       the DNs the session needs (search base, suffix)
 */
#ifndef SYNCD_AGENT_H
#define SYNCD_AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "rbac_config.h"
#include "rbac_ldap.h"
#include "rbac_log.h"
#include "rbac_sync_proto.h"

#define SYNCD_PROG "rbac-syncd"
/* syncd.state is rewritten at most this often (and at exit). */
#define SYNCD_STATE_SAVE_INTERVAL 30.0
/* A publish that failed is tried again after this many seconds. */
#define SYNCD_PUBLISH_RETRY 5.0
/* The longest the session loop sleeps between looks at its timers and
 * at the stop flag. */
#define SYNCD_TICK 0.2

/* What one refresh phase brought (the -v counter line). */
struct syncd_counts {
	size_t entries; /* add/modify: entries sent whole */
	size_t deletes; /* delete states and deleted UUIDs of syncIdSets */
	size_t present; /* present states and present UUIDs of syncIdSets */
};

struct agent {
	struct rbac_config cfg;
	const char *cache_dir;
	char *state_path;
	bool verbose;
	struct rbac_logger lg;	   /* syslog, and stderr with -f */
	struct rbac_logger dir_lg; /* the connection's lines: kept in why */
	char why[512];		   /* the connection's last warning */
	char last_state[2][512];   /* the last two state lines logged */
	int lock_fd;
	struct rbac_dir *dir;
	struct syncd_model *model;
	char *base;   /* the sync search's base: ldap.base and user_base's ancestor */
	char *suffix; /* where contextCSN is read (the base's naming context) */
	volatile sig_atomic_t *stop;

	/* The session: what the next search resumes from. */
	unsigned char *cookie; /* NULL: a full refresh */
	size_t cookie_len;
	struct rbac_csn_vector applied; /* per SID, the latest CSN the model has */
	bool refreshing;		/* a refresh phase not ended: never publish */
	bool healthy;			/* a refresh ended since the last backoff */
	struct syncd_counts counts;
	double refresh_started; /* monotonic */

	/* Publishing */
	double publish_at;     /* monotonic; 0: nothing waits */
	double changed_at;     /* monotonic: the batch's first change arrived */
	bool published;	       /* this process has published */
	double published_wall; /* time() of the last publish */
	bool state_due;	       /* syncd.state lags the last publish */
	double state_saved_at; /* monotonic */
	bool said_no_namespace;

	/* Proof of currency */
	int64_t synced_at;	      /* INT64_MIN: never proven */
	int64_t probe_sent_wall;      /* the awaited probe's send time */
	struct rbac_csn_vector probe; /* its contextCSN, not yet covered */
	bool probe_waits;	      /* probe holds a vector applied lacks */
	char *context_csn;	      /* the last probe's vector, as text */
	const char *server;	      /* the URI the model comes from */
};

/* ---- syncd.c */
/* Logs a state change: once, however often it repeats (retries are at
 * debug level). */
void agent_state(struct agent *a, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A refresh completed: what follows is a new state, even if it reads as an
 * old one. */
void agent_state_forget(struct agent *a);
double agent_now(void); /* CLOCK_MONOTONIC seconds */

/* ---- session.c: rbac_dir_session()'s op. */
enum rbac_dir_result session_run(struct rbac_dir *dir, void *arg, bool *lost);
/* Takes a cookie (a copy) as what the next search resumes from; its CSNs
 * join the applied vector. NULL/0: none (full refresh). */
int agent_set_cookie(struct agent *a, const unsigned char *p, size_t len);

/* ---- publish.c */
/* Writes the snapshot from the model now (when it can be derived).
 * Returns 0, or -1 (logged). */
int agent_publish(struct agent *a);
/* What is due now: a batch to publish, syncd.state to save. */
void agent_timers(struct agent *a);
/* Saves syncd.state when the model is whole (not mid-refresh). */
void agent_save_state(struct agent *a);
/* A probe's contextCSN arrived (sent at wall time sent); v is taken. */
void agent_probe_answer(struct agent *a, int64_t sent, struct rbac_csn_vector *v);
/* The applied vector moved: a waiting probe may now be covered. */
void agent_applied_moved(struct agent *a);
/* The model changed: schedule a publish within sync.batch_ms. */
void agent_changed(struct agent *a);

/* ---- dn.c */
/* The nearest common ancestor of two DNs, RDN by RDN ignoring ASCII case
 * (malloc'd; "" when they share none), or NULL when either is not a DN. */
char *syncd_dn_common(const char *a, const char *b);
/* dn is ancestor or lies below it. */
bool syncd_dn_within(const char *dn, const char *ancestor);

#endif
