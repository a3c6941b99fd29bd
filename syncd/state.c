/*
 * state.c - syncd.state (state.h): the model and its cookie, written
 * atomically, read back only when every check passes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "rbac_file.h"
#include "rbac_snapshot_write.h" /* rbac_snapshot_write_file: the atomic write */
#include "state.h"

static const unsigned char magic[8] = {'R', 'B', 'S', 'Y', 'N', 'C', 'S', 'T'};

enum {
	H_MAGIC = 0,
	H_VERSION = 8,
	H_FINGERPRINT = 16,
	H_CHECKSUM = 24,
	H_LENGTH = 32,
	H_ENTRIES = 40,
	H_COOKIE_LEN = 44,
	H_SIZE = 48,
};

/* A file larger than this is not one we wrote (100k accounts take ~30 MB). */
#define STATE_MAX ((size_t)1 << 31)

const char *syncd_state_strerror(enum syncd_state_result r)
{
	switch (r) {
	case SYNCD_STATE_OK:
		return "loaded";
	case SYNCD_STATE_MISSING:
		return "no state file";
	case SYNCD_STATE_UNREADABLE:
		return "cannot be read";
	case SYNCD_STATE_TRUNCATED:
		return "truncated";
	case SYNCD_STATE_CORRUPT:
		return "corrupt (bad magic, checksum or content)";
	case SYNCD_STATE_VERSION_MISMATCH:
		return "written by another format version";
	case SYNCD_STATE_OTHER_CONFIG:
		return "written for another ldap.base, ldap.user_base, namespace or "
		       "global_namespace";
	case SYNCD_STATE_NOMEM:
		return "out of memory";
	}
	return "unknown error";
}

static size_t n_model_attrs(void)
{
	size_t n = 0;

	while (syncd_model_attrs[n] != NULL)
		n++;
	return n;
}

static void hash_str(XXH3_state_t *st, const char *s)
{
	/* NULL and "" must differ: NUL-terminated, and a NULL is one 0x01. */
	if (s == NULL)
		XXH3_64bits_update(st, "\1", 2);
	else
		XXH3_64bits_update(st, s, strlen(s) + 1);
}

uint64_t syncd_state_fingerprint(const struct rbac_config *cfg)
{
	XXH3_state_t st;

	XXH3_64bits_reset(&st);
	hash_str(&st, cfg->ldap.base);
	hash_str(&st, cfg->ldap.user_base != NULL ? cfg->ldap.user_base : cfg->ldap.base);
	hash_str(&st, cfg->namespace_name);
	hash_str(&st, cfg->global_namespace);
	hash_str(&st, SYNCD_MODEL_FILTER);
	for (size_t i = 0; syncd_model_attrs[i] != NULL; i++)
		hash_str(&st, syncd_model_attrs[i]);
	return XXH3_64bits_digest(&st);
}

static uint64_t checksum(const unsigned char *p, size_t len)
{
	return XXH3_64bits_withSeed(p + H_LENGTH, len - H_LENGTH, XXH3_64bits(p, H_CHECKSUM));
}

/* ------------------------------------------------------------------------
 * Writing
 */

/* The file grows in a memory stream; a failed write shows at fclose. */
struct out {
	FILE *f;
	bool failed;
	uint32_t entries;
};

static void put(struct out *o, const void *data, size_t len)
{
	if (len > 0 && fwrite(data, 1, len, o->f) != len)
		o->failed = true;
}

static void put8(struct out *o, unsigned v)
{
	unsigned char b = (unsigned char)v;

	put(o, &b, 1);
}

static void put32(struct out *o, size_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8),
			      (unsigned char)(v >> 16), (unsigned char)(v >> 24)};

	if (v > UINT32_MAX)
		o->failed = true;
	put(o, b, sizeof(b));
}

static void set32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void set64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static size_t attr_index(const char *name)
{
	size_t i = 0;

	while (syncd_model_attrs[i] != NULL && strcasecmp(syncd_model_attrs[i], name) != 0)
		i++;
	return i;
}

static int put_entry(void *ctx, const struct rbac_sync_uuid *uuid, const char *dn,
		     const struct rbac_sync_uuid *parent, const struct rbac_entry *e)
{
	struct out *o = ctx;
	size_t n = 0;

	put(o, uuid->b, sizeof(uuid->b));
	put8(o, parent != NULL);
	if (parent != NULL)
		put(o, parent->b, sizeof(parent->b));
	put32(o, strlen(dn));
	put(o, dn, strlen(dn));
	for (size_t i = 0; i < e->n_attrs; i++)
		n += attr_index(e->attrs[i].name) < n_model_attrs();
	put8(o, (unsigned)n);
	for (size_t i = 0; i < e->n_attrs; i++) {
		const struct rbac_entry_attr *a = &e->attrs[i];

		if (attr_index(a->name) >= n_model_attrs())
			continue;
		put8(o, (unsigned)attr_index(a->name));
		put32(o, a->n);
		for (size_t j = 0; j < a->n; j++) {
			put32(o, a->v[j].len);
			put(o, a->v[j].p, a->v[j].len);
		}
	}
	o->entries++;
	return o->failed ? -1 : 0;
}

int syncd_state_serialize(const struct syncd_model *m, const struct rbac_bytes *cookie,
			  const struct rbac_config *cfg, unsigned char **data, size_t *len)
{
	unsigned char header[H_SIZE] = {0}, *p = NULL;
	struct out o = {NULL, false, 0};
	char *buf = NULL;
	size_t n = 0;

	if ((o.f = open_memstream(&buf, &n)) == NULL)
		return -1;
	put(&o, header, sizeof(header));
	put(&o, cookie != NULL ? cookie->p : "", cookie != NULL ? cookie->len : 0);
	if (syncd_model_walk(m, put_entry, &o) != 0)
		o.failed = true;
	if (fclose(o.f) != 0 || o.failed || n < H_SIZE) {
		free(buf);
		return -1;
	}
	p = (unsigned char *)buf;
	memcpy(p + H_MAGIC, magic, sizeof(magic));
	set32(p + H_VERSION, SYNCD_STATE_VERSION);
	set64(p + H_FINGERPRINT, syncd_state_fingerprint(cfg));
	set64(p + H_LENGTH, n);
	set32(p + H_ENTRIES, o.entries);
	set32(p + H_COOKIE_LEN, cookie != NULL ? (uint32_t)cookie->len : 0);
	set64(p + H_CHECKSUM, checksum(p, n));
	*data = p;
	*len = n;
	return 0;
}

int syncd_state_save(const char *path, const struct syncd_model *m,
		     const struct rbac_bytes *cookie, const struct rbac_config *cfg, char *err,
		     size_t errlen)
{
	char *d = strdup(path), *b = strdup(path);
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = -1;

	if (d == NULL || b == NULL || (cookie != NULL && cookie->len > UINT32_MAX) ||
	    syncd_state_serialize(m, cookie, cfg, &data, &len) != 0)
		snprintf(err, errlen, "%s: out of memory", path);
	else
		rc = rbac_snapshot_write_file(dirname(d), basename(b), 0600, data, len, err,
					      errlen);
	free(data);
	free(d);
	free(b);
	return rc;
}

/* ------------------------------------------------------------------------
 * Reading: every length checked against what is left before it is used
 */

struct in {
	const unsigned char *p;
	size_t left;
	bool bad;
};

static const unsigned char *take(struct in *in, size_t n)
{
	const unsigned char *p = in->p;

	if (in->bad || n > in->left) {
		in->bad = true;
		return NULL;
	}
	in->p += n;
	in->left -= n;
	return p;
}

static uint32_t take32(struct in *in)
{
	const unsigned char *p = take(in, 4);

	return p != NULL ? get32(p) : 0;
}

static unsigned take8(struct in *in)
{
	const unsigned char *p = take(in, 1);

	return p != NULL ? *p : 0;
}

/* One attribute's values into a (v: room for them, malloc'd here). */
static bool take_attr(struct in *in, struct rbac_entry_attr *a)
{
	unsigned idx = take8(in);
	uint32_t n = take32(in);
	struct rbac_bytes *v;

	if (in->bad || idx >= n_model_attrs() || n == 0 || n > in->left / 4)
		return false;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return false;
	a->name = syncd_model_attrs[idx];
	a->v = v;
	a->n = n;
	for (uint32_t j = 0; j < n; j++) {
		v[j].len = take32(in);
		v[j].p = (const char *)take(in, v[j].len);
		if (in->bad)
			return false;
	}
	return true;
}

static void attrs_free(struct rbac_entry_attr *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)a[i].v);
}

/* One entry into the model. */
static enum syncd_state_result take_entry(struct in *in, struct syncd_model *m)
{
	struct rbac_entry_attr a[256] = {{0}};
	struct rbac_sync_uuid uuid, parent;
	const unsigned char *u = take(in, sizeof(uuid.b));
	unsigned has_parent = take8(in), na;
	const unsigned char *pu = has_parent == 1 ? take(in, sizeof(parent.b)) : NULL;
	uint32_t dn_len = take32(in);
	const unsigned char *dn = take(in, dn_len);
	struct rbac_entry e = {NULL, a, 0};
	char *dns = NULL;
	int rc = -1;

	na = take8(in);
	if (in->bad || has_parent > 1 || memchr(dn, '\0', dn_len) != NULL)
		return SYNCD_STATE_CORRUPT;
	while (e.n_attrs < na && take_attr(in, &a[e.n_attrs]))
		e.n_attrs++;
	memcpy(uuid.b, u, sizeof(uuid.b));
	if (pu != NULL)
		memcpy(parent.b, pu, sizeof(parent.b));
	if (e.n_attrs == na && (dns = strndup((const char *)dn, dn_len)) != NULL)
		rc = syncd_model_restore(m, &uuid, dns, pu != NULL ? &parent : NULL, &e);
	attrs_free(a, na);
	free(dns);
	if (e.n_attrs < na)
		return SYNCD_STATE_CORRUPT;
	if (rc == SYNCD_MODEL_OK)
		return SYNCD_STATE_OK;
	return rc == SYNCD_MODEL_ENOMEM || dns == NULL ? SYNCD_STATE_NOMEM
						       : SYNCD_STATE_CORRUPT;
}

/* Magic, version, length, checksum, fingerprint: in that order, so that a
 * file of another version is not called corrupt. */
static enum syncd_state_result check_header(const unsigned char *data, size_t len,
					    const struct rbac_config *cfg)
{
	if (len < sizeof(magic) || memcmp(data, magic, sizeof(magic)) != 0)
		return len < sizeof(magic) ? SYNCD_STATE_TRUNCATED : SYNCD_STATE_CORRUPT;
	if (len < H_SIZE)
		return SYNCD_STATE_TRUNCATED;
	if (get32(data + H_VERSION) != SYNCD_STATE_VERSION)
		return SYNCD_STATE_VERSION_MISMATCH;
	if (get64(data + H_LENGTH) > len)
		return SYNCD_STATE_TRUNCATED;
	if (get64(data + H_LENGTH) < len || get64(data + H_CHECKSUM) != checksum(data, len))
		return SYNCD_STATE_CORRUPT;
	if (get64(data + H_FINGERPRINT) != syncd_state_fingerprint(cfg))
		return SYNCD_STATE_OTHER_CONFIG;
	return SYNCD_STATE_OK;
}

static enum syncd_state_result parse_body(const unsigned char *data, size_t len,
					  struct syncd_model *m, unsigned char **cookie,
					  size_t *cookie_len)
{
	struct in in = {data + H_SIZE, len - H_SIZE, false};
	uint32_t n = get32(data + H_ENTRIES), clen = get32(data + H_COOKIE_LEN);
	const unsigned char *c = take(&in, clen);
	enum syncd_state_result r = SYNCD_STATE_OK;

	if (c == NULL)
		return SYNCD_STATE_CORRUPT;
	for (uint32_t i = 0; i < n && r == SYNCD_STATE_OK; i++)
		r = take_entry(&in, m);
	if (r != SYNCD_STATE_OK)
		return r;
	if (in.left != 0)
		return SYNCD_STATE_CORRUPT;
	if (clen > 0 && (*cookie = malloc(clen)) == NULL)
		return SYNCD_STATE_NOMEM;
	if (clen > 0)
		memcpy(*cookie, c, clen);
	*cookie_len = clen;
	return SYNCD_STATE_OK;
}

enum syncd_state_result syncd_state_parse(const unsigned char *data, size_t len,
					  const struct rbac_config *cfg, struct syncd_model *m,
					  unsigned char **cookie, size_t *cookie_len)
{
	enum syncd_state_result r = check_header(data, len, cfg);

	*cookie = NULL;
	*cookie_len = 0;
	syncd_model_reset(m);
	if (r == SYNCD_STATE_OK)
		r = parse_body(data, len, m, cookie, cookie_len);
	if (r != SYNCD_STATE_OK)
		syncd_model_reset(m);
	return r;
}

enum syncd_state_result syncd_state_load(const char *path, const struct rbac_config *cfg,
					 struct syncd_model *m, unsigned char **cookie,
					 size_t *cookie_len, char *err, size_t errlen)
{
	enum syncd_state_result r;
	struct stat st;
	char why[RBAC_ERRLEN + 64];
	char *data;
	size_t len = 0;

	*cookie = NULL;
	*cookie_len = 0;
	syncd_model_reset(m);
	if (lstat(path, &st) != 0 && errno == ENOENT) {
		snprintf(err, errlen, "%s: %s", path,
			 syncd_state_strerror(SYNCD_STATE_MISSING));
		return SYNCD_STATE_MISSING;
	}
	data = rbac_file_read_trusted(path, geteuid(), RBAC_FILE_NO_WRITE_OTHERS, STATE_MAX,
				      &len, why, sizeof(why));
	if (data == NULL) {
		snprintf(err, errlen, "%s (%s)", why,
			 syncd_state_strerror(SYNCD_STATE_UNREADABLE));
		return SYNCD_STATE_UNREADABLE;
	}
	r = syncd_state_parse((const unsigned char *)data, len, cfg, m, cookie, cookie_len);
	free(data);
	if (r != SYNCD_STATE_OK)
		snprintf(err, errlen, "%s: %s", path, syncd_state_strerror(r));
	return r;
}
