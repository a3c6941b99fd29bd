/*
 * rbac_nscd.h - the host's name-service cache (nscd or unscd) and the
 * snapshot's groups.
 *
 * glibc asks a running nscd before any NSS module, so a cache that holds
 * a group answers from memory for its whole time to live (3600 s in
 * Debian's nscd.conf) whatever the snapshot says. Every snapshot writer
 * therefore asks the cache to drop its group table after each write, as
 * `nscd -i group` does, and `rbacctl status` warns when the configured
 * time to live is longer than the writer's cadence (rbac-syncd(8),
 * rbacctl(8) STATUS).
 *
 * The request is nscd's own socket protocol (version 2): a header of three
 * native int32 {version, request type, key length}, the type INVALIDATE
 * and the key "group" with its NUL. glibc's nscd answers with one int32
 * (0: done); unscd closes the connection without one. Both obey only root
 * (glibc's nscd closes without an answer on anyone else), so a writer that
 * is not root gets RBAC_NSCD_FAILED when a cache runs.
 */
#ifndef RBAC_NSCD_H
#define RBAC_NSCD_H

#include <stdbool.h>
#include <stddef.h>

/* Where both nscd and unscd listen and read their configuration. */
#define RBAC_NSCD_SOCKET "/var/run/nscd/socket"
#define RBAC_NSCD_CONF	 "/etc/nscd.conf"

/* The whole exchange is bounded by this: a stopped or wedged cache must not
 * hold up a snapshot writer (the file is already in place by then). */
#define RBAC_NSCD_TIMEOUT_MS 500

enum rbac_nscd_outcome {
	RBAC_NSCD_FAILED = -1,	   /* a cache listens but did not confirm; err says why */
	RBAC_NSCD_NO_CACHE = 0,	   /* no socket, or nobody listening: nothing to do */
	RBAC_NSCD_INVALIDATED = 1, /* the cache dropped its group table */
};

/* Asks the cache listening on socket_path (RBAC_NSCD_SOCKET when NULL) to
 * drop its group table, within timeout_ms. Never raises SIGPIPE; opens
 * its descriptor O_CLOEXEC and closes it before returning. err (may be
 * NULL) is set only for RBAC_NSCD_FAILED. */
enum rbac_nscd_outcome rbac_nscd_invalidate_group(const char *socket_path, int timeout_ms,
						  char *err, size_t errlen);

/* True when something accepts connections on socket_path (RBAC_NSCD_SOCKET
 * when NULL): a cache runs. The connection is closed at once, nothing
 * sent. */
bool rbac_nscd_running(const char *socket_path);

/* How a cache configured by an nscd.conf treats the group table. */
struct rbac_nscd_group_cache {
	bool enabled;	   /* enable-cache group yes */
	long positive_ttl; /* positive-time-to-live group: a found group is kept */
	long negative_ttl; /* negative-time-to-live group: "no such group" is kept */
};

/* Reads conf_path (RBAC_NSCD_CONF when NULL) the way nscd does: a key not
 * given keeps nscd's default (group caching off, 3600 s positive, 60 s
 * negative). Returns 1 when read, 0 when the file does not exist (*out
 * then says disabled), -1 when it cannot be read (err says why). */
int rbac_nscd_group_ttl(const char *conf_path, struct rbac_nscd_group_cache *out, char *err,
			size_t errlen);

/* The longer of the two times to live of an enabled cache, 0 when
 * disabled: how long a change can stay hidden when an invalidation is
 * missed. */
long rbac_nscd_group_hold(const struct rbac_nscd_group_cache *c);

#endif
