/*
 * fault-server.c - a misbehaving LDAP server on 127.0.0.1, for the fault
 * tests: each mode is one way a directory server can fail a client that
 * has already reached it, where only a time limit or a careful reading of
 * the answer keeps the client from hanging or trusting half an answer.
 *
 *   fault-server MODE TRANSPORT [CERT KEY]
 *
 * MODE:
 *   silent      accepts and never sends a byte (nor reads one)
 *   tls-stall   TLS handshake: reads the ClientHello, sends the first bytes
 *               of a ServerHello, then stalls (ldaps and starttls only)
 *   garbage     sends bytes that are neither LDAP nor TLS at once
 *   bind-stall  answers the bind (success), then never answers a search
 *   close-mid   answers the bind, then answers a search with one entry and
 *               closes the connection before the result
 * TRANSPORT: plain (ldap://), ldaps (TLS from the first byte), starttls
 * (answers the StartTLS request with success, then TLS). CERT and KEY (PEM)
 * are needed for a real handshake (bind-stall and close-mid over TLS).
 *
 * Binds 127.0.0.1:0, prints the port and a newline on stdout, then serves
 * each connection in a child process until SIGTERM/SIGINT. Children die
 * with the parent.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

enum mode { M_SILENT, M_TLS_STALL, M_GARBAGE, M_BIND_STALL, M_CLOSE_MID };
enum transport { T_PLAIN, T_LDAPS, T_STARTTLS };

/* LDAPv3 protocolOp tags (RFC 4511, APPLICATION n). */
#define OP_BIND_REQUEST	 0x60
#define OP_BIND_RESPONSE 0x61
#define OP_UNBIND	 0x42
#define OP_SEARCH	 0x63
#define OP_SEARCH_ENTRY	 0x64
#define OP_EXT_REQUEST	 0x77
#define OP_EXT_RESPONSE	 0x78
#define STARTTLS_OID	 "1.3.6.1.4.1.1466.20037"
#define MSG_MAX		 65536

struct conn {
	int fd;
	gnutls_session_t tls; /* NULL: plain */
};

static const char *cert_file, *key_file;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void stall(void)
{
	for (;;)
		pause();
}

static ssize_t conn_read(struct conn *c, void *buf, size_t len)
{
	if (c->tls != NULL) {
		ssize_t n;

		do
			n = gnutls_record_recv(c->tls, buf, len);
		while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
		return n < 0 ? -1 : n;
	}
	return read(c->fd, buf, len);
}

static int conn_write(struct conn *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n =
		    c->tls != NULL ? gnutls_record_send(c->tls, p, len) : write(c->fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_full(struct conn *c, uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = conn_read(c, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One LDAPMessage: its message ID and protocolOp tag. -1 at EOF or on
 * anything this server does not understand. */
static int read_message(struct conn *c, int *msgid, int *op)
{
	static uint8_t body[MSG_MAX];
	uint8_t hdr[2], lenb[4];
	size_t len = 0, i, n;

	if (read_full(c, hdr, 2) != 0 || hdr[0] != 0x30)
		return -1;
	if (hdr[1] & 0x80) {
		n = hdr[1] & 0x7f;
		if (n == 0 || n > sizeof(lenb) || read_full(c, lenb, n) != 0)
			return -1;
		for (i = 0; i < n; i++)
			len = len << 8 | lenb[i];
	} else {
		len = hdr[1];
	}
	if (len < 3 || len > sizeof(body) || read_full(c, body, len) != 0)
		return -1;
	if (body[0] != 0x02 || body[1] < 1 || body[1] > 4 || (size_t)body[1] + 3 > len)
		return -1;
	*msgid = 0;
	for (i = 0; i < body[1]; i++)
		*msgid = *msgid << 8 | body[2 + i];
	*op = body[2 + body[1]];
	return 0;
}

/* BER length octets for len, into p; returns how many. */
static size_t put_len(uint8_t *p, size_t len)
{
	if (len < 0x80) {
		p[0] = (uint8_t)len;
		return 1;
	}
	p[0] = 0x82;
	p[1] = (uint8_t)(len >> 8);
	p[2] = (uint8_t)len;
	return 3;
}

/* LDAPMessage { msgid, op-tag op-content }. */
static int send_message(struct conn *c, int msgid, uint8_t tag, const uint8_t *op, size_t oplen)
{
	uint8_t inner[MSG_MAX], msg[MSG_MAX];
	size_t n = 0, m = 0;

	inner[n++] = 0x02;
	inner[n++] = 4;
	inner[n++] = (uint8_t)(msgid >> 24);
	inner[n++] = (uint8_t)(msgid >> 16);
	inner[n++] = (uint8_t)(msgid >> 8);
	inner[n++] = (uint8_t)msgid;
	inner[n++] = tag;
	n += put_len(inner + n, oplen);
	memcpy(inner + n, op, oplen);
	n += oplen;
	msg[m++] = 0x30;
	m += put_len(msg + m, n);
	memcpy(msg + m, inner, n);
	return conn_write(c, msg, m + n);
}

/* LDAPResult success, empty matchedDN and message; with `oid`, an
 * ExtendedResponse's responseName after it. */
static int send_success(struct conn *c, int msgid, uint8_t tag, const char *oid)
{
	uint8_t op[64] = {0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
	size_t n = 7;

	if (oid != NULL) {
		op[n++] = 0x8a;
		op[n++] = (uint8_t)strlen(oid);
		memcpy(op + n, oid, strlen(oid));
		n += strlen(oid);
	}
	return send_message(c, msgid, tag, op, n);
}

/* SearchResultEntry "cn=partial,<nothing else>" with cn: partial. */
static int send_entry(struct conn *c, int msgid)
{
	static const uint8_t op[] = {0x04, 0x0a, 'c', 'n', '=',	 'p',  'a',  'r',
				     't',  'i',	 'a', 'l', 0x30, 0x11, 0x30, 0x0f,
				     0x04, 0x02, 'c', 'n', 0x31, 0x09, 0x04, 0x07,
				     'p',  'a',	 'r', 't', 'i',	 'a',  'l'};

	return send_message(c, msgid, OP_SEARCH_ENTRY, op, sizeof(op));
}

/* Reads the first TLS record (the ClientHello), answers with the start
 * of a ServerHello record that promises more than it sends, and stalls. */
static void tls_stall(int fd)
{
	static const uint8_t partial[] = {0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00};
	uint8_t buf[4096];

	if (read(fd, buf, sizeof(buf)) > 0 && write(fd, partial, sizeof(partial)) < 0)
		_exit(1);
	stall();
}

static int tls_accept(struct conn *c)
{
	gnutls_certificate_credentials_t cred;
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    gnutls_certificate_set_x509_key_file(cred, cert_file, key_file,
						 GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_init(&c->tls, GNUTLS_SERVER) < 0 ||
	    gnutls_set_default_priority(c->tls) < 0 ||
	    gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, cred) < 0)
		return -1;
	gnutls_transport_set_int(c->tls, c->fd);
	do
		rc = gnutls_handshake(c->tls);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	return rc < 0 ? -1 : 0;
}

/* The LDAP conversation after the transport is up: bind answered, then
 * the fault. Returns at EOF, an unbind, or the close of close-mid. */
static void serve_ldap(struct conn *c, enum mode mode)
{
	int msgid, op;

	while (read_message(c, &msgid, &op) == 0) {
		if (op == OP_BIND_REQUEST) {
			if (send_success(c, msgid, OP_BIND_RESPONSE, NULL) != 0)
				return;
		} else if (op == OP_SEARCH && mode == M_BIND_STALL) {
			stall();
		} else if (op == OP_SEARCH) {
			(void)send_entry(c, msgid);
			return; /* closed before the SearchResultDone */
		} else if (op == OP_UNBIND) {
			return;
		}
	}
}

/* StartTLS: the ExtendedRequest answered with success. */
static int starttls_accept(struct conn *c)
{
	int msgid, op;

	if (read_message(c, &msgid, &op) != 0 || op != OP_EXT_REQUEST)
		return -1;
	return send_success(c, msgid, OP_EXT_RESPONSE, STARTTLS_OID);
}

static void serve(int fd, enum mode mode, enum transport t)
{
	static const char garbage[] = "HTTP/1.0 400 Bad Request\r\n\r\n\xff\xfe\x00\x01garbage";
	struct conn c = {fd, NULL};

	if (mode == M_SILENT)
		stall();
	if (mode == M_GARBAGE) {
		if (write(fd, garbage, sizeof(garbage) - 1) < 0)
			_exit(1);
		stall();
	}
	if (t == T_STARTTLS && starttls_accept(&c) != 0)
		_exit(1);
	if (t != T_PLAIN && mode == M_TLS_STALL)
		tls_stall(fd);
	if (t != T_PLAIN && tls_accept(&c) != 0)
		_exit(1);
	serve_ldap(&c, mode);
	_exit(0); /* no close_notify: the connection just ends */
}

static int listen_loopback(void)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int bound_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	return ntohs(sa.sin_port);
}

static void accept_loop(int lfd, enum mode mode, enum transport t)
{
	pid_t parent = getpid();

	while (!stop) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			continue;
		if (fork() == 0) {
			/* The test kills the parent only: take the children along. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			signal(SIGTERM, SIG_DFL);
			close(lfd);
			serve(fd, mode, t);
		}
		close(fd);
	}
}

static int parse_args(int argc, char **argv, enum mode *mode, enum transport *t)
{
	static const char *const modes[] = {"silent", "tls-stall", "garbage", "bind-stall",
					    "close-mid"};
	static const char *const transports[] = {"plain", "ldaps", "starttls"};
	int m = -1, tr = -1;

	for (int i = 0; argc >= 3 && i < 5; i++)
		if (strcmp(argv[1], modes[i]) == 0)
			m = i;
	for (int i = 0; argc >= 3 && i < 3; i++)
		if (strcmp(argv[2], transports[i]) == 0)
			tr = i;
	if (m < 0 || tr < 0 || (argc != 3 && argc != 5))
		return -1;
	if (argc == 5) {
		cert_file = argv[3];
		key_file = argv[4];
	}
	*mode = (enum mode)m;
	*t = (enum transport)tr;
	/* A handshake needs the certificate. */
	return tr != T_PLAIN && (m == M_BIND_STALL || m == M_CLOSE_MID) && cert_file == NULL
		   ? -1
		   : 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	enum mode mode;
	enum transport t;
	int fd, port;

	if (parse_args(argc, argv, &mode, &t) != 0) {
		fprintf(stderr,
			"usage: %s silent|tls-stall|garbage|bind-stall|close-mid "
			"plain|ldaps|starttls [CERT KEY]\n",
			argv[0]);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: accept() must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
	fd = listen_loopback();
	if (fd < 0 || (port = bound_port(fd)) < 0) {
		perror("fault-server: 127.0.0.1");
		return 1;
	}
	printf("%d\n", port);
	fflush(stdout);
	accept_loop(fd, mode, t);
	return 0;
}
