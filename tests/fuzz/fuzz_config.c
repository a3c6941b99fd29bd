/*
 * fuzz_config.c - libFuzzer target: the configuration loader on arbitrary
 * text, through the real rbac_config_load_owned() (libconfig, the key
 * table, every setter and the whole-file checks). The input is written to
 * one private temporary file, owned by us and mode 0600, so the owner and
 * mode checks pass and the text is what is tested.
 *
 * A config that loads must keep what the loader promises: the required
 * keys set, ldap.user_base set, the ranges of rbac.conf(5) kept. The first
 * line of the input also goes through rbac_config_set() as KEY=VALUE, the
 * way pam_rbac's arguments do.
 *
 *   make fuzz FUZZ_TARGETS=fuzz_config       (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbac_config.h"
#include "snapshot_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char conf_path[4096];

static void remove_conf(void)
{
	char dir[sizeof(conf_path)];

	unlink(conf_path);
	snprintf(dir, sizeof(dir), "%s", conf_path);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
}

/* One directory of our own for the whole run, removed at exit. */
static const char *conf_file(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[sizeof(conf_path) - 16];

	if (conf_path[0] != '\0')
		return conf_path;
	snprintf(dir, sizeof(dir), "%s/fuzz_config.XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("fuzz_config: mkdtemp");
		abort();
	}
	snprintf(conf_path, sizeof(conf_path), "%s/rbac.conf", dir);
	atexit(remove_conf);
	return conf_path;
}

static bool write_conf(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	bool ok = fd >= 0 && write(fd, data, size) == (ssize_t)size;

	if (fd >= 0)
		close(fd);
	return ok;
}

static void check_loaded(const struct rbac_config *cfg)
{
	FUZZ_CHECK(cfg->path != NULL && cfg->namespace_name != NULL);
	FUZZ_CHECK(cfg->ldap.n_uri >= 1 && cfg->ldap.n_uri <= 16 && cfg->ldap.uri != NULL);
	for (size_t i = 0; i < cfg->ldap.n_uri; i++)
		FUZZ_CHECK(cfg->ldap.uri[i] != NULL);
	FUZZ_CHECK(cfg->ldap.base != NULL && cfg->ldap.user_base != NULL);
	FUZZ_CHECK(cfg->ldap.timeout >= 0.1 && cfg->ldap.timeout <= 300);
	FUZZ_CHECK(cfg->nss.gid_min <= cfg->nss.gid_max);
	FUZZ_CHECK(cfg->pam.offline_max_age >= 0 && cfg->pam.offline_max_age <= 31536000);
	FUZZ_CHECK(cfg->cache.stale_after >= 60 && cfg->cache.stale_after <= 31536000);
	FUZZ_CHECK(cfg->nss.group_format != NULL && cfg->pam.default_permission != NULL);
	FUZZ_CHECK(rbac_config_permission_for(cfg, "sshd") != NULL);
	FUZZ_CHECK(rbac_config_permission_for(cfg, "no-such-service") != NULL);
	(void)rbac_config_is_exempt(cfg, "root");
}

/* The first line as KEY=VALUE through the setter PAM arguments use. */
static void set_first_line(const uint8_t *data, size_t size)
{
	struct rbac_config cfg;
	char line[512], err[RBAC_ERRLEN];
	size_t n = 0;
	char *eq;

	while (n < size && n < sizeof(line) - 1 && data[n] != '\n' && data[n] != '\0')
		n++;
	memcpy(line, data, n);
	line[n] = '\0';
	eq = strchr(line, '=');
	if (eq == NULL)
		return;
	*eq = '\0';
	rbac_config_init(&cfg);
	if (rbac_config_set(&cfg, line, eq + 1, "argument", err, sizeof(err)) != 0)
		FUZZ_CHECK(err[0] != '\0');
	rbac_config_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = conf_file();
	struct rbac_config cfg;
	char err[RBAC_ERRLEN];

	if (!write_conf(path, data, size))
		abort();
	rbac_config_init(&cfg);
	err[0] = '\0';
	if (rbac_config_load_owned(path, geteuid(), &cfg, err, sizeof(err)) == 0)
		check_loaded(&cfg);
	else
		FUZZ_CHECK(err[0] != '\0' && strlen(err) < sizeof(err));
	rbac_config_free(&cfg);
	set_first_line(data, size);
	return 0;
}
