/*
 * rbac_deadline.h - a hard deadline on every read and write libldap makes.
 *
 * libldap bounds its connect and its wait for each result, but not every
 * read it makes: a TLS handshake (ldaps:// and StartTLS) is a blocking read
 * with no time limit, and an LDAP message or TLS record that arrives in
 * part blocks the same way. rbac_deadline_attach() puts a layer into a
 * connection's Sockbuf, under TLS and over the socket, that waits for the
 * socket with poll(2) until the deadline before each read and write, so
 * whatever libldap or GnuTLS is doing fails at the deadline with ETIMEDOUT.
 * No thread, no signal: it runs in the caller's own read.
 *
 * Between calls (at == 0) the layer passes everything through unchanged,
 * so an unbind after the call, or one from a forked child on a descriptor
 * pointed at /dev/null, does exactly what it did without it.
 */
#ifndef RBAC_DEADLINE_H
#define RBAC_DEADLINE_H

#include <stdbool.h>

#include <lber.h>

struct rbac_deadline {
	double at;   /* CLOCK_MONOTONIC seconds (rbac_deadline_now); 0: none */
	bool passed; /* a read or write found it passed since the last arm */
};

/* Sets the deadline and clears `passed`; one already past fails the next
 * read or write at once. */
void rbac_deadline_arm(struct rbac_deadline *d, double at);
/* No deadline: reads and writes block as the socket does. */
void rbac_deadline_clear(struct rbac_deadline *d);

/* Adds the layer to sb, which reads d (d must outlive sb). Called when the
 * socket is connected and before anything is read (libldap's connect
 * callback); the socket provider libldap adds afterwards goes under it.
 * Returns 0, or -1 when out of memory. */
int rbac_deadline_attach(Sockbuf *sb, struct rbac_deadline *d);

/* CLOCK_MONOTONIC in seconds: the clock of `at`, and of every time the
 * connection (rbac_conn.c) measures. */
double rbac_deadline_now(void);

#endif
