/*
 * rbac_strlist.h - a growable list of owned strings (attribute values).
 */
#ifndef RBAC_STRLIST_H
#define RBAC_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct rbac_strlist {
	char **v;
	size_t n;
	size_t cap;
};

#define RBAC_STRLIST_INIT                                                                      \
	{                                                                                      \
		NULL, 0, 0                                                                     \
	}

/* Appends a copy of s. Returns 0, or -1 when out of memory (list unchanged). */
int rbac_strlist_add(struct rbac_strlist *l, const char *s);
/* Appends a copy of the first len bytes of s. */
int rbac_strlist_addn(struct rbac_strlist *l, const char *s, size_t len);
/* Exact (case-sensitive) membership. */
bool rbac_strlist_contains(const struct rbac_strlist *l, const char *s);
void rbac_strlist_free(struct rbac_strlist *l);

#endif
