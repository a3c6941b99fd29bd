/*
 * silent-server.c - a TCP server on 127.0.0.1 that accepts connections and
 * never answers: the "host is up, service is hung" case that libldap's own
 * failover does not handle. It proves that such a server costs exactly
 * ldap.timeout before the next URI is tried.
 *
 *   silent-server [PORT]
 *
 * Binds 127.0.0.1:PORT (default 0: any free port), prints the port and a
 * newline on stdout, then accepts forever, keeping every connection open
 * and reading nothing. Exits 0 on SIGTERM or SIGINT.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_port(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
		return -1;
	return (int)v;
}

static int listen_loopback(int port)
{
	struct sockaddr_in sa;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
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

/* Accepted descriptors are deliberately never closed: the client must see
 * an open, silent connection until we exit. */
static void accept_forever(int fd)
{
	while (!stop) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0 && (errno == EMFILE || errno == ENFILE))
			sleep(1); /* out of descriptors: keep the old ones open */
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int port = 0, fd;

	if (argc > 2 || (argc == 2 && (port = parse_port(argv[1])) < 0)) {
		fprintf(stderr, "usage: %s [PORT]\n", argv[0]);
		return 2;
	}
	/* No SA_RESTART: the signal must interrupt accept(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	fd = listen_loopback(port);
	if (fd < 0 || (port = bound_port(fd)) < 0) {
		perror("silent-server: 127.0.0.1");
		return 1;
	}
	printf("%d\n", port);
	fflush(stdout);
	accept_forever(fd);
	return 0;
}
