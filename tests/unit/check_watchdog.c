/*
 * check_watchdog.c - the watchdog ends a read that would block forever at
 * its deadline, cuts nothing it was told to forget, and leaves no thread
 * behind.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixture.h"
#include "rbac_watchdog.h"

/* Threads of this process, from /proc/self/task. */
static int thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_cuts_blocked_read)
{
	struct rbac_watchdog w;
	int sv[2];
	char c;
	double start;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(rbac_watchdog_init(&w), 0);
	ck_assert_int_eq(rbac_watchdog_start(&w), 0);
	start = rbac_watchdog_now();
	rbac_watchdog_arm(&w, start + 0.2);
	rbac_watchdog_set_fd(&w, sv[0]);
	/* Nobody writes to sv[1]: only the watchdog can end this read. */
	ck_assert_int_eq(read(sv[0], &c, 1), 0);
	ck_assert(rbac_watchdog_now() - start >= 0.19);
	ck_assert(rbac_watchdog_fired(&w));
	rbac_watchdog_stop(&w);
	rbac_watchdog_destroy(&w);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_forgotten_fd_is_not_cut)
{
	struct rbac_watchdog w;
	int sv[2];
	char c = 'x';

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(rbac_watchdog_init(&w), 0);
	ck_assert_int_eq(rbac_watchdog_start(&w), 0);
	rbac_watchdog_set_fd(&w, sv[0]);
	rbac_watchdog_arm(&w, rbac_watchdog_now() + 0.1);
	rbac_watchdog_clear_fd(&w);
	usleep(300000);
	ck_assert(!rbac_watchdog_fired(&w));
	/* Still open both ways. */
	ck_assert_int_eq(write(sv[1], &c, 1), 1);
	ck_assert_int_eq(read(sv[0], &c, 1), 1);
	ck_assert_int_eq(write(sv[0], &c, 1), 1);
	rbac_watchdog_stop(&w);
	rbac_watchdog_destroy(&w);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_rearm_clears_fired)
{
	struct rbac_watchdog w;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(rbac_watchdog_init(&w), 0);
	ck_assert_int_eq(rbac_watchdog_start(&w), 0);
	rbac_watchdog_set_fd(&w, sv[0]);
	rbac_watchdog_arm(&w, rbac_watchdog_now() - 1); /* already past: at once */
	for (int i = 0; i < 300 && !rbac_watchdog_fired(&w); i++)
		usleep(10000);
	ck_assert(rbac_watchdog_fired(&w));
	rbac_watchdog_arm(&w, rbac_watchdog_now() + 60);
	ck_assert(!rbac_watchdog_fired(&w));
	rbac_watchdog_stop(&w);
	rbac_watchdog_destroy(&w);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_no_thread_after_stop)
{
	struct rbac_watchdog w;
	int before = thread_count();

	ck_assert_int_eq(rbac_watchdog_init(&w), 0);
	ck_assert_int_eq(rbac_watchdog_start(&w), 0);
	ck_assert_int_eq(thread_count(), before + 1);
	rbac_watchdog_stop(&w);
	ck_assert_int_eq(thread_count(), before);
	/* Started again for the next call, stopped again. */
	ck_assert_int_eq(rbac_watchdog_start(&w), 0);
	rbac_watchdog_destroy(&w);
	ck_assert_int_eq(thread_count(), before);
}
END_TEST

static Suite *watchdog_suite(void)
{
	Suite *s = suite_create("watchdog");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cuts_blocked_read);
	tcase_add_test(tc, test_forgotten_fd_is_not_cut);
	tcase_add_test(tc, test_rearm_clears_fired);
	tcase_add_test(tc, test_no_thread_after_stop);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(watchdog_suite());
}
