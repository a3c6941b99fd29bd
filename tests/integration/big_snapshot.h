/*
 * big_snapshot.h - a groups.db of many pages whose every answer a test can
 * compute: BIG_USERS users "user0000-..." and BIG_ROLES roles; in variant
 * v, role r (group "rbac-r%04d", gid BIG_GID0 + r) is held by the three
 * users (3r + v + t) mod BIG_USERS, t = 0, 1, 2. Two variants differ in
 * every group, so an answer shows which file it came from.
 */
#ifndef RBAC_TEST_BIG_SNAPSHOT_H
#define RBAC_TEST_BIG_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "rbac_snapshot_write.h"

#define BIG_USERS 1000
#define BIG_ROLES 2000
#define BIG_GID0  900000
#define BIG_NAME  "user%04d-padding-padding" /* long names: a larger file */

/* Builds variant v (0 or 1), written at `now`; the image is the caller's
 * to free (rbac_snapshot_image_free). */
void big_snapshot_build(int v, time_t now, struct rbac_snapshot_image *img);
/* User i's name. */
void big_user_name(int i, char *buf, size_t len);
/* The three members of role r in variant v, as user numbers, ascending
 * (the order of their names, which the group lists). */
void big_members(int v, int r, int out[3]);
/* "user0001-...,user0002-...,..." for role r in variant v. */
void big_members_text(int v, int r, char *buf, size_t len);
/* Whether user i holds role r in variant v. */
bool big_holds(int v, int i, int r);

#endif
