/*
 * fuzz_groups.c - libFuzzer target: groups.db with its checksum made
 * right, so that every mutation reaches the layout and content checks and,
 * when it passes them, the lookups libnss_rbac makes (getgrnam, getgrgid,
 * getgrent, initgroups).
 *
 *   make fuzz FUZZ_TARGETS=fuzz_groups       (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "snapshot_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed = fuzz_fix_checksum(data, size);

	if (fixed != NULL)
		fuzz_groups_db(fixed, size);
	free(fixed);
	return 0;
}
