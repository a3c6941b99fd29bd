/*
 * fuzz_snapshot.c - libFuzzer target: the snapshot reader on raw bytes, as
 * groups.db and as accounts.db, checksum and all. Most mutations stop at
 * the checksum here; fuzz_groups and fuzz_accounts make it right so that
 * theirs reach the layout and content checks behind it.
 *
 *   make fuzz FUZZ_TARGETS=fuzz_snapshot     (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>

#include "snapshot_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_groups_db(data, size);
	fuzz_accounts_db(data, size);
	return 0;
}
