/*
 * fuzz_accounts.c - libFuzzer target: accounts.db with its checksum made
 * right, so that every mutation reaches the layout and content checks and,
 * when it passes them, pam_rbac's offline path: the lookup by uid,
 * rbac_snapshot_account_to_model() and rbac_decide().
 *
 *   make fuzz FUZZ_TARGETS=fuzz_accounts     (see tests/fuzz/local.mk)
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
		fuzz_accounts_db(fixed, size);
	free(fixed);
	return 0;
}
