/*
 * syslog-sink.c - a stand-in for the syslog daemon in the tests.
 *
 *   syslog-sink SOCKET FILE
 *
 * Binds a unix datagram socket at SOCKET (the tests' private /dev/log) and
 * appends every datagram it receives to FILE as one line, exactly as sent:
 * "<PRI>TIMESTAMP IDENT[PID]: MESSAGE". Each line is written with one
 * write(2) as it arrives, so a test can read the file at any moment. Runs
 * until SIGTERM or SIGINT, then removes SOCKET.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "syslog-sink: socket path too long: %s\n", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("syslog-sink: socket");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "syslog-sink: bind %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* Like /dev/log: sshd's and sudo's unprivileged parts log too. */
	chmod(path, 0666);
	return fd;
}

/* Writes one message as one line; syslog(3) sends no newline, but a
 * message that ends in one must not produce an empty line. */
static void append_line(int out, char *msg, ssize_t n)
{
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\0'))
		n--;
	msg[n++] = '\n';
	if (write(out, msg, (size_t)n) != n)
		perror("syslog-sink: write");
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char buf[65536 + 1];
	int fd, out;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: syslog-sink SOCKET FILE\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: recv() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (out < 0) {
		fprintf(stderr, "syslog-sink: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	fd = bind_socket(argv[1]);
	if (fd < 0)
		return 1;
	while (!stop) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("syslog-sink: recv");
			break;
		}
		append_line(out, buf, n);
	}
	unlink(argv[1]);
	close(out);
	return 0;
}
