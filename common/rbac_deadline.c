/*
 * rbac_deadline.c - a Sockbuf layer that fails a read or write at a deadline.
 *
 * Why a Sockbuf layer: the reads to bound are inside libldap and GnuTLS,
 * on a blocking socket, and GnuTLS reads through the Sockbuf layers below
 * libldap's TLS layer. A layer there sees every read and write of the
 * connection, TLS handshake included, in the thread that makes it. It
 * waits with poll(2) for what is left of the deadline, so a server that
 * trickles a byte a second still ends at the deadline (SO_RCVTIMEO would
 * bound each read, not the exchange). A thread that shuts the socket down
 * does the same at the cost of a thread per call; a signal would need a
 * handler in a host process we do not own (sshd, sudo).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include "rbac_deadline.h"

/* Between the socket provider (which libldap adds after the connect
 * callback, at LBER_SBIOD_LEVEL_PROVIDER) and TLS (TRANSPORT): every byte
 * TLS reads or writes passes here, and so does every byte without TLS. */
#define DEADLINE_LEVEL (LBER_SBIOD_LEVEL_PROVIDER + 5)

double rbac_deadline_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rbac_deadline_arm(struct rbac_deadline *d, double at)
{
	d->at = at;
	d->passed = false;
}

void rbac_deadline_clear(struct rbac_deadline *d)
{
	d->at = 0;
}

/* Milliseconds for poll(2) until t: rounded up, so the wait never ends
 * just before the deadline and spins. */
static int ms_until(double t)
{
	double ms = (t - rbac_deadline_now()) * 1000.0 + 1.0;

	return ms > (double)INT_MAX ? INT_MAX : (int)ms;
}

/* Waits until the socket is ready for `events` or the deadline passes.
 * Returns 0, or -1 with errno set (ETIMEDOUT, and d->passed, at the
 * deadline). */
static int wait_ready(Sockbuf_IO_Desc *sbiod, short events)
{
	struct rbac_deadline *d = sbiod->sbiod_pvt;
	struct pollfd p = {-1, events, 0};
	int rc;

	(void)ber_sockbuf_ctrl(sbiod->sbiod_sb, LBER_SB_OPT_GET_FD, &p.fd);
	for (;;) {
		if (rbac_deadline_now() >= d->at) {
			d->passed = true;
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&p, 1, ms_until(d->at));
		if (rc > 0)
			return 0; /* readable, writable, or an error the I/O will report */
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

static ber_slen_t deadline_read(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	struct rbac_deadline *d = sbiod->sbiod_pvt;

	/* A layer below may hold bytes already read (liblber's read-ahead):
	 * the socket need not be readable for those. */
	if (d->at > 0 && LBER_SBIOD_CTRL_NEXT(sbiod, LBER_SB_OPT_DATA_READY, NULL) <= 0 &&
	    wait_ready(sbiod, POLLIN) != 0)
		return -1;
	return LBER_SBIOD_READ_NEXT(sbiod, buf, len);
}

/* A blocking write(2) of len bytes waits until all of them fit, however
 * long that takes: with a deadline, the bytes that fit now are sent
 * (liblber and GnuTLS call again for the rest). MSG_NOSIGNAL: a server
 * that closed the connection gives EPIPE, not a SIGPIPE in the host
 * process (the caller's SIGPIPE guard stays for liblber's own writes).
 * A request fits the socket's buffer at once nearly always, so the send
 * is tried first and poll(2) only waits when nothing fits. */
static ber_slen_t deadline_write(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	struct rbac_deadline *d = sbiod->sbiod_pvt;
	ber_socket_t fd = -1;
	ssize_t n;

	if (d->at <= 0)
		return LBER_SBIOD_WRITE_NEXT(sbiod, buf, len);
	(void)ber_sockbuf_ctrl(sbiod->sbiod_sb, LBER_SB_OPT_GET_FD, &fd);
	if (rbac_deadline_now() >= d->at) {
		d->passed = true;
		errno = ETIMEDOUT;
		return -1;
	}
	for (;;) {
		n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return n;
		if (wait_ready(sbiod, POLLOUT) != 0)
			return -1;
	}
}

static int deadline_setup(Sockbuf_IO_Desc *sbiod, void *arg)
{
	sbiod->sbiod_pvt = arg;
	return 0;
}

static int deadline_remove(Sockbuf_IO_Desc *sbiod)
{
	sbiod->sbiod_pvt = NULL;
	return 0;
}

static int deadline_ctrl(Sockbuf_IO_Desc *sbiod, int opt, void *arg)
{
	return LBER_SBIOD_CTRL_NEXT(sbiod, opt, arg);
}

static Sockbuf_IO deadline_io = {
    deadline_setup, deadline_remove, deadline_ctrl, deadline_read, deadline_write, NULL,
};

int rbac_deadline_attach(Sockbuf *sb, struct rbac_deadline *d)
{
	return ber_sockbuf_add_io(sb, &deadline_io, DEADLINE_LEVEL, d) == 0 ? 0 : -1;
}
