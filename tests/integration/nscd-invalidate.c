/*
 * nscd-invalidate.c - rbac_nscd_invalidate_group() for nscd.test: asks
 * the cache on the default socket (or argv[1]) to drop its group table
 * and prints the outcome: "invalidated", "no cache" or "failed: why".
 * Exit 0 for the first two, 1 for a failure.
 */
#include "config.h"

#include <stdio.h>

#include "rbac_nscd.h"

int main(int argc, char **argv)
{
	char err[512] = "";
	enum rbac_nscd_outcome r = rbac_nscd_invalidate_group(
	    argc > 1 ? argv[1] : NULL, RBAC_NSCD_TIMEOUT_MS, err, sizeof(err));

	if (r == RBAC_NSCD_INVALIDATED)
		puts("invalidated");
	else if (r == RBAC_NSCD_NO_CACHE)
		puts("no cache");
	else
		printf("failed: %s\n", err);
	return r == RBAC_NSCD_FAILED ? 1 : 0;
}
