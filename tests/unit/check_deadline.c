/*
 * check_deadline.c - the Sockbuf deadline ends a read or write that would
 * block forever, and a message that trickles in, at the deadline; it
 * changes nothing without one.
 *
 * The Sockbuf is built the way libldap builds a connection's: the deadline
 * layer first (libldap's connect callback), the socket provider after it.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lber.h>

#include "fixture.h"
#include "rbac_deadline.h"

/* A margin no loaded machine needs: the deadline must end the call, not
 * the test's own timeout. */
#define LATE 5.0

struct pair {
	int sv[2];
	Sockbuf *sb; /* over sv[0] */
	struct rbac_deadline d;
};

static void pair_open(struct pair *p)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, p->sv), 0);
	p->sb = ber_sockbuf_alloc();
	ck_assert_ptr_nonnull(p->sb);
	ck_assert_int_eq(ber_sockbuf_ctrl(p->sb, LBER_SB_OPT_SET_FD, &p->sv[0]), 1);
	p->d.at = 0;
	p->d.passed = false;
	ck_assert_int_eq(rbac_deadline_attach(p->sb, &p->d), 0);
	ck_assert_int_eq(
	    ber_sockbuf_add_io(p->sb, &ber_sockbuf_io_tcp, LBER_SBIOD_LEVEL_PROVIDER, NULL), 0);
}

static void pair_close(struct pair *p)
{
	ber_sockbuf_free(p->sb); /* closes sv[0] */
	close(p->sv[1]);
}

/* One LDAP message's worth of BER from the Sockbuf: its tag, or -1.
 * ber_get_next() returns EWOULDBLOCK with a message in part, and is
 * called again, as libldap does. */
static long read_message(struct pair *p)
{
	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	ber_len_t len = 0;
	ber_tag_t tag;

	ck_assert_ptr_nonnull(ber);
	do {
		errno = 0;
		tag = ber_get_next(p->sb, &len, ber);
	} while (tag == LBER_DEFAULT && (errno == EWOULDBLOCK || errno == EAGAIN));
	ber_free(ber, 1);
	return tag == LBER_DEFAULT ? -1 : (long)tag;
}

/* A SEQUENCE of 3 bytes: 30 03 02 01 07 (INTEGER 7). */
static const char message[] = {0x30, 0x03, 0x02, 0x01, 0x07};

START_TEST(test_blocked_read_ends_at_deadline)
{
	struct pair p;
	double start;

	pair_open(&p);
	start = rbac_deadline_now();
	rbac_deadline_arm(&p.d, start + 0.2);
	/* Nobody writes to sv[1]: only the deadline can end this read. */
	ck_assert_int_eq(read_message(&p), -1);
	ck_assert(rbac_deadline_now() - start >= 0.19);
	ck_assert(rbac_deadline_now() - start < LATE);
	ck_assert(p.d.passed);
	pair_close(&p);
}
END_TEST

/* A byte every 50 ms of a message announcing 100: each read gets a byte
 * well within any per-read limit, and only the deadline on the whole
 * exchange ends it. */
START_TEST(test_trickle_ends_at_deadline)
{
	struct pair p;
	double start;
	pid_t pid;
	int status;

	pair_open(&p);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static const char head[] = {0x30, 100};

		(void)!write(p.sv[1], head, sizeof(head));
		for (int i = 0; i < 100; i++) {
			usleep(50000);
			if (write(p.sv[1], "", 1) != 1)
				break;
		}
		_exit(0);
	}
	start = rbac_deadline_now();
	rbac_deadline_arm(&p.d, start + 0.5);
	ck_assert_int_eq(read_message(&p), -1);
	ck_assert(rbac_deadline_now() - start >= 0.49);
	ck_assert(rbac_deadline_now() - start < LATE);
	ck_assert(p.d.passed);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_no_deadline_passes_through)
{
	struct pair p;

	pair_open(&p);
	ck_assert_int_eq(write(p.sv[1], message, sizeof(message)), (ssize_t)sizeof(message));
	ck_assert_int_eq(read_message(&p), 0x30);
	ck_assert(!p.d.passed);
	pair_close(&p);
}
END_TEST

/* A deadline already past fails the next read at once, even with the
 * answer waiting; arming again clears that. */
START_TEST(test_past_deadline_then_rearm)
{
	struct pair p;

	pair_open(&p);
	ck_assert_int_eq(write(p.sv[1], message, sizeof(message)), (ssize_t)sizeof(message));
	rbac_deadline_arm(&p.d, rbac_deadline_now() - 1);
	ck_assert_int_eq(read_message(&p), -1);
	ck_assert(p.d.passed);
	rbac_deadline_arm(&p.d, rbac_deadline_now() + 60);
	ck_assert(!p.d.passed);
	ck_assert_int_eq(read_message(&p), 0x30);
	ck_assert(!p.d.passed);
	pair_close(&p);
}
END_TEST

/* A peer that reads nothing: once the socket's buffer is full, a write
 * ends at the deadline too. */
START_TEST(test_blocked_write_ends_at_deadline)
{
	struct pair p;
	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	static char chunk[4096];
	double start;

	ck_assert_ptr_nonnull(ber);
	pair_open(&p);
	while (send(p.sv[0], chunk, sizeof(chunk), MSG_DONTWAIT) > 0)
		;
	ck_assert_int_ne(ber_printf(ber, "{s}", "hello"), -1);
	start = rbac_deadline_now();
	rbac_deadline_arm(&p.d, start + 0.2);
	ck_assert_int_ne(ber_flush2(p.sb, ber, LBER_FLUSH_FREE_NEVER), 0);
	ck_assert(rbac_deadline_now() - start >= 0.19);
	ck_assert(rbac_deadline_now() - start < LATE);
	ck_assert(p.d.passed);
	ber_free(ber, 1);
	pair_close(&p);
}
END_TEST

static Suite *deadline_suite(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_blocked_read_ends_at_deadline);
	tcase_add_test(tc, test_trickle_ends_at_deadline);
	tcase_add_test(tc, test_no_deadline_passes_through);
	tcase_add_test(tc, test_past_deadline_then_rearm);
	tcase_add_test(tc, test_blocked_write_ends_at_deadline);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(deadline_suite());
}
