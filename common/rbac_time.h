/*
 * rbac_time.h - LDAP GeneralizedTime (RFC 4517 3.3.13) to time_t.
 */
#ifndef RBAC_TIME_H
#define RBAC_TIME_H

#include <stdbool.h>
#include <time.h>

/* Parses YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|+hh[mm]|-hh[mm]), the forms
 * slapd accepts for the GeneralizedTime syntax. The fraction is dropped
 * (times are compared with a resolution of one second). Returns 0 and sets
 * *out to the UTC instant, or -1 for anything else (including out-of-range
 * fields such as month 13 or a time before 1970). */
int rbac_time_parse(const char *s, time_t *out);

/* Writes t as "YYYYMMDDHHMMSSZ". buf must hold 16 bytes. Returns buf. */
char *rbac_time_format(time_t t, char *buf, size_t bufsz);

#endif
