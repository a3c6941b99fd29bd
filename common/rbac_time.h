/*
 * rbac_time.h - LDAP GeneralizedTime (RFC 4517 3.3.13) to time_t.
 */
#ifndef RBAC_TIME_H
#define RBAC_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Parses the GeneralizedTime syntax of RFC 4517 3.3.13:
 *
 *   YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|+hh[mm]|-hh[mm])
 *
 * Century, year, month, day and hour are required, minute and second
 * optional; the fraction (1 to 9 digits) is a fraction of the last unit
 * written (hour, minute or second), so "2026123123.5Z" is 23:30:00. The
 * offset says how far the local time written is east of UTC.
 *
 * The result is the exact UTC instant, or a refusal, never a nearby
 * instant. Windows are compared with whole seconds, so refused are:
 *   - a fraction that does not come to a whole second ("...59.5Z";
 *     "...59.0Z", as Active Directory writes, is 59 s exactly);
 *   - second 60: the syntax allows a leap second, but time_t has no number
 *     for 23:59:60, and either neighbour would open a window a second early
 *     or close it a second late;
 *   - a day that the month does not have (Gregorian leap years, proleptic
 *     before 1582), hour 24, minute or second 60, an offset hour over 23 or
 *     minute over 59, anything after the zone;
 *   - an instant outside 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z,
 *     which rbac_time_format() could not write back (only an offset at the
 *     very ends of the range gets there).
 * Times before 1970 are negative. Returns 0 and sets *out, or -1 and
 * leaves *out alone. */
int rbac_time_parse(const char *s, time_t *out);

/* Writes t as "YYYYMMDDHHMMSSZ". buf must hold 16 bytes; a smaller buffer,
 * or a t outside the years 0000-9999, gives "". Returns buf. */
char *rbac_time_format(time_t t, char *buf, size_t bufsz);

#endif
