/*
 * fuzz_syncd_state.c - libFuzzer target: syncd.state as rbac-syncd loads
 * it (syncd/state.c), into the model (syncd/model.c), and the model's
 * derive.
 *
 * An input whose first byte is even (as the "R" of a real file) is made
 * to pass the header's checks first (magic, version, length, configuration
 * fingerprint, checksum), so that the fuzzer reaches the entries; an odd
 * one is read as it is.
 * Checked: a refused file leaves the model empty and no cookie; an
 * accepted one written again and read again gives the same bytes (the
 * file describes one model), and the model derives without fault.
 *
 *   make fuzz FUZZ_TARGETS=fuzz_syncd_state        (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "model.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct rbac_logger quiet = {NULL, NULL, false};

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_syncd_state: %s\n", what);
	abort();
}

static struct rbac_config *config(void)
{
	static struct rbac_config cfg;
	static bool done;
	char err[RBAC_ERRLEN];

	if (done)
		return &cfg;
	rbac_config_init(&cfg);
	if (rbac_config_set(&cfg, "ldap.base", "ou=rbac,dc=example,dc=org", "f", err,
			    sizeof(err)) != 0 ||
	    rbac_config_set(&cfg, "ldap.user_base", "ou=people,dc=example,dc=org", "f", err,
			    sizeof(err)) != 0 ||
	    rbac_config_set(&cfg, "namespace", "eng", "f", err, sizeof(err)) != 0 ||
	    rbac_config_set(&cfg, "global_namespace", "global", "f", err, sizeof(err)) != 0)
		fail(err);
	done = true;
	return &cfg;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* The header of state.h made right around whatever the input holds. */
static void seal(unsigned char *p, size_t len)
{
	memcpy(p, "RBSYNCST", 8);
	memset(p + 8, 0, 8);
	p[8] = SYNCD_STATE_VERSION;
	put64(p + 16, syncd_state_fingerprint(config()));
	put64(p + 32, len);
	put64(p + 24, XXH3_64bits_withSeed(p + 32, len - 32, XXH3_64bits(p, 24)));
}

/* Written again and read again: the same bytes. */
static void round_trip(const struct syncd_model *m, const unsigned char *cookie, size_t clen)
{
	struct rbac_bytes c = {(const char *)cookie, clen};
	struct syncd_model *m2 = syncd_model_new(config(), &quiet);
	unsigned char *a = NULL, *b = NULL, *c2 = NULL;
	size_t la = 0, lb = 0, l2 = 0;

	if (m2 == NULL || syncd_state_serialize(m, &c, config(), &a, &la) != 0)
		fail("out of memory");
	if (syncd_state_parse(a, la, config(), m2, &c2, &l2) != SYNCD_STATE_OK)
		fail("a file written from a loaded model is refused");
	if (syncd_state_serialize(m2, &c, config(), &b, &lb) != 0)
		fail("out of memory");
	if (la != lb || memcmp(a, b, la) != 0 || l2 != clen ||
	    (clen > 0 && memcmp(c2, cookie, clen) != 0))
		fail("a model read back differs from the one written");
	free(a);
	free(b);
	free(c2);
	syncd_model_free(m2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct syncd_model *m = syncd_model_new(config(), &quiet);
	struct rbac_snapshot_model sm;
	unsigned char *copy = malloc(size + 1), *cookie = NULL;
	size_t clen = 0;
	enum syncd_state_result r;

	if (m == NULL || copy == NULL)
		fail("out of memory");
	memcpy(copy, data, size);
	if (size >= 48 && (data[0] & 1) == 0)
		seal(copy, size);
	r = syncd_state_parse(copy, size, config(), m, &cookie, &clen);
	if (r != SYNCD_STATE_OK && (syncd_model_count(m) != 0 || cookie != NULL || clen != 0))
		fail("a refused file left something behind");
	if (r == SYNCD_STATE_OK) {
		round_trip(m, cookie, clen);
		(void)syncd_model_derive(m, &sm);
	}
	free(cookie);
	free(copy);
	syncd_model_free(m);
	return 0;
}
