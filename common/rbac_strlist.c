/*
 * rbac_strlist.c - a growable list of owned strings.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_strlist.h"

static int strlist_reserve(struct rbac_strlist *l)
{
	size_t cap;
	char **v;

	if (l->n < l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 4;
	if (cap > SIZE_MAX / sizeof(*v))
		return -1;
	v = realloc(l->v, cap * sizeof(*v));
	if (v == NULL)
		return -1;
	l->v = v;
	l->cap = cap;
	return 0;
}

int rbac_strlist_addn(struct rbac_strlist *l, const char *s, size_t len)
{
	char *copy;

	if (strlist_reserve(l) != 0)
		return -1;
	copy = strndup(s, len);
	if (copy == NULL)
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

int rbac_strlist_add(struct rbac_strlist *l, const char *s)
{
	return rbac_strlist_addn(l, s, strlen(s));
}

bool rbac_strlist_contains(const struct rbac_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0)
			return true;
	}
	return false;
}

void rbac_strlist_free(struct rbac_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}
