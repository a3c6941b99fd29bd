/*
 * rbac_watchdog.c - a thread that shuts a socket down at a deadline.
 *
 * Why a thread and shutdown(2): the reads to interrupt are inside libldap
 * and GnuTLS, on a blocking socket, with no hook to give them a time
 * limit. A signal would need a handler in a host process we do not own
 * (sshd, sudo) and races with the read it means to interrupt; SO_RCVTIMEO
 * bounds each read, not the whole exchange, so a server that trickles a
 * byte a second never times out. shutdown() from another thread ends any
 * blocked read or write on the socket at once, whatever the caller is, and
 * leaves the descriptor open: the owner still closes it, and until then
 * the number cannot be reused under us.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include "rbac_watchdog.h"

double rbac_watchdog_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct timespec to_timespec(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

int rbac_watchdog_init(struct rbac_watchdog *w)
{
	pthread_condattr_t attr;
	int rc;

	w->running = w->stopping = w->fired = false;
	w->fd = -1;
	w->deadline = 0;
	rc = pthread_condattr_init(&attr);
	if (rc == 0) {
		rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		if (rc == 0)
			rc = pthread_cond_init(&w->cv, &attr);
		pthread_condattr_destroy(&attr);
	}
	if (rc == 0 && (rc = pthread_mutex_init(&w->mu, NULL)) != 0)
		pthread_cond_destroy(&w->cv);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

void rbac_watchdog_destroy(struct rbac_watchdog *w)
{
	rbac_watchdog_stop(w);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
}

/* Called with mu held: cuts fd when its deadline has passed; returns
 * whether it did. */
static bool due(struct rbac_watchdog *w)
{
	if (w->fd < 0 || w->deadline <= 0 || rbac_watchdog_now() < w->deadline)
		return false;
	(void)shutdown(w->fd, SHUT_RDWR);
	w->fired = true;
	w->fd = -1; /* once: the owner will close it */
	return true;
}

static void *watch(void *arg)
{
	struct rbac_watchdog *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->stopping) {
		if (due(w))
			continue;
		if (w->fd >= 0 && w->deadline > 0) {
			struct timespec ts = to_timespec(w->deadline);

			(void)pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		} else {
			pthread_cond_wait(&w->cv, &w->mu);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int rbac_watchdog_start(struct rbac_watchdog *w)
{
	sigset_t all, old;
	int rc;

	if (w->running)
		return 0;
	w->stopping = false;
	/* The thread inherits this mask: no signal of the host process is
	 * ever delivered to it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, watch, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->running = rc == 0;
	return rc;
}

void rbac_watchdog_stop(struct rbac_watchdog *w)
{
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	w->fd = -1;
	w->deadline = 0;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->running)
		pthread_join(w->thread, NULL);
	w->running = false;
}

void rbac_watchdog_arm(struct rbac_watchdog *w, double deadline)
{
	pthread_mutex_lock(&w->mu);
	w->deadline = deadline;
	w->fired = false;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void rbac_watchdog_set_fd(struct rbac_watchdog *w, int fd)
{
	pthread_mutex_lock(&w->mu);
	w->fd = fd;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void rbac_watchdog_clear_fd(struct rbac_watchdog *w)
{
	pthread_mutex_lock(&w->mu);
	w->fd = -1;
	pthread_mutex_unlock(&w->mu);
}

bool rbac_watchdog_fired(struct rbac_watchdog *w)
{
	bool fired;

	pthread_mutex_lock(&w->mu);
	fired = w->fired;
	pthread_mutex_unlock(&w->mu);
	return fired;
}
