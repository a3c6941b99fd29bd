/*
 * rbac_watchdog.h - a hard deadline on a socket that someone else reads.
 *
 * libldap bounds its connect and each operation, but not every read it
 * makes: a TLS handshake (ldaps:// and StartTLS) is a blocking read with no
 * time limit, and a TLS record that arrives in part blocks the same way.
 * A watchdog is a thread that shuts the socket down (shutdown(2), both
 * directions) when its deadline passes, so that whatever read or write
 * libldap is blocked in returns at once with an error.
 *
 * Lifetime: rbac_watchdog_init() once, then per use start ... stop (the
 * thread exists only between them, so none survives into a fork or an
 * exec), and rbac_watchdog_destroy() at the end. set_fd/clear_fd and arm
 * may be called at any time between init and destroy, from any thread.
 * The descriptor is cut at most once and only while it is set: clear it
 * before closing it, so a number reused by a later open is never cut.
 */
#ifndef RBAC_WATCHDOG_H
#define RBAC_WATCHDOG_H

#include <pthread.h>
#include <stdbool.h>

struct rbac_watchdog {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running;	 /* the thread exists */
	bool stopping;	 /* ... and is asked to end */
	int fd;		 /* -1: nothing to cut */
	double deadline; /* CLOCK_MONOTONIC seconds; 0: none */
	bool fired;	 /* the deadline cut fd since the last arm */
};

/* Returns 0, or -1 (errno) when the mutex or condition cannot be made. */
int rbac_watchdog_init(struct rbac_watchdog *w);
void rbac_watchdog_destroy(struct rbac_watchdog *w);

/* Starts the thread (all signals blocked in it). Returns 0, or an errno
 * value: then there is no hard deadline, only libldap's own timeouts. */
int rbac_watchdog_start(struct rbac_watchdog *w);
/* Ends and joins the thread, and forgets fd and deadline. */
void rbac_watchdog_stop(struct rbac_watchdog *w);

/* The deadline (CLOCK_MONOTONIC seconds, see rbac_watchdog_now), and
 * clears `fired`. A deadline already past cuts at once. */
void rbac_watchdog_arm(struct rbac_watchdog *w, double deadline);
void rbac_watchdog_set_fd(struct rbac_watchdog *w, int fd);
void rbac_watchdog_clear_fd(struct rbac_watchdog *w);
/* The deadline passed with a descriptor set (and it was cut). */
bool rbac_watchdog_fired(struct rbac_watchdog *w);

double rbac_watchdog_now(void);

#endif
