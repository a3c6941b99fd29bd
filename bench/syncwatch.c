/*
 * syncwatch.c - when does each agent publish? For bench/syncd.
 *
 *   syncwatch INTERVAL_US FILE...
 *
 * Polls the inode of every FILE (an agent's groups.v3.db) every
 * INTERVAL_US microseconds and prints "INDEX SECONDS.MICROSECONDS" (the
 * CLOCK_REALTIME of the poll that saw it) each time the path names
 * another inode: a publish renames a new file over the old one, so this
 * is the moment a reader that opens the path sees the change. The proof
 * block's in-place update is not a publish and is not reported. Runs
 * until killed; stdout is flushed after each line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec pause, now;
	ino_t *seen;
	long us;
	int i, n = argc - 2;

	if (argc < 3 || (us = atol(argv[1])) <= 0 ||
	    (seen = calloc((size_t)n, sizeof(*seen))) == NULL) {
		fputs("usage: syncwatch INTERVAL_US FILE...\n", stderr);
		return 2;
	}
	pause.tv_sec = us / 1000000;
	pause.tv_nsec = us % 1000000 * 1000;
	for (;;) {
		for (i = 0; i < n; i++) {
			struct stat st;

			if (stat(argv[i + 2], &st) != 0 || st.st_ino == seen[i])
				continue;
			clock_gettime(CLOCK_REALTIME, &now);
			if (seen[i] != 0)
				printf("%d %lld.%06ld\n", i, (long long)now.tv_sec,
				       now.tv_nsec / 1000);
			seen[i] = st.st_ino;
			fflush(stdout);
		}
		nanosleep(&pause, NULL);
	}
}
