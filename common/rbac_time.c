/*
 * rbac_time.c - LDAP GeneralizedTime to time_t.
 *
 * strptime(3) accepts fields of varying width and ignores trailing data,
 * and timegm(3) answers -1 both for an error and for 1969-12-31T23:59:59;
 * so the fields are read strictly here and the instant is counted in
 * days of the proleptic Gregorian calendar, exactly, before 1970 too.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rbac_time.h"

#define FRACTION_DIGITS_MAX 9
#define SECONDS_PER_DAY	    86400

/* The fields as written. unit is the length in seconds of the last one
 * (3600, 60 or 1), the one a fraction is a fraction of. */
struct gtime {
	int year, month, day, hour, minute, second;
	int unit;
	int64_t frac;	 /* the fraction's digits as a number */
	int frac_digits; /* 0: no fraction */
	int offset;	 /* seconds east of UTC */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads exactly n decimal digits at *p. */
static int read_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit((*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* The optional [MM[SS]] after the hour. */
static int read_minutes_seconds(const char **p, struct gtime *g)
{
	g->unit = 3600;
	if (!is_digit(**p))
		return 0;
	if (read_digits(p, 2, &g->minute) != 0)
		return -1;
	g->unit = 60;
	if (!is_digit(**p))
		return 0;
	g->unit = 1;
	return read_digits(p, 2, &g->second);
}

/* The optional (.|,) and 1 to FRACTION_DIGITS_MAX digits. */
static int read_fraction(const char **p, struct gtime *g)
{
	if (**p != '.' && **p != ',')
		return 0;
	(*p)++;
	while (is_digit(**p)) {
		if (g->frac_digits == FRACTION_DIGITS_MAX)
			return -1;
		g->frac = g->frac * 10 + (**p - '0');
		g->frac_digits++;
		(*p)++;
	}
	return g->frac_digits > 0 ? 0 : -1;
}

/* "Z" or +hh[mm] / -hh[mm]. */
static int read_zone(const char **p, struct gtime *g)
{
	int sign, hh, mm = 0;

	if (**p == 'Z') {
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (read_digits(p, 2, &hh) != 0 || hh > 23)
		return -1;
	if (is_digit(**p) && (read_digits(p, 2, &mm) != 0 || mm > 59))
		return -1;
	g->offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

static bool fields_in_range(const struct gtime *g)
{
	return g->month >= 1 && g->month <= 12 && g->day >= 1 &&
	       g->day <= days_in_month(g->year, g->month) && g->hour <= 23 && g->minute <= 59 &&
	       g->second <= 59;
}

/* Days from -0400-03-01 to y-m-d (m 1-12, y >= 0). Years are counted
 * from March, so that the leap day ends the counted year, and from year
 * -400, a whole leap cycle before year 0, so that no division meets a
 * negative number (January of year 0 belongs to year -1). */
static int64_t days_from_origin(int y, int m, int d)
{
	int64_t yy = (m <= 2 ? y - 1 : y) + 400;
	int64_t mm = m <= 2 ? m + 9 : m - 3; /* 0 = March */

	return yy * 365 + yy / 4 - yy / 100 + yy / 400 + (153 * mm + 2) / 5 + d - 1;
}

static int64_t days_from_epoch(int y, int m, int d)
{
	return days_from_origin(y, m, d) - days_from_origin(1970, 1, 1);
}

/* The fraction of the last unit, in whole seconds; -1 when it is not a
 * whole number of seconds. */
static int64_t fraction_seconds(const struct gtime *g)
{
	int64_t scale = 1, sec;

	for (int i = 0; i < g->frac_digits; i++)
		scale *= 10;
	sec = g->frac * g->unit;
	return sec % scale == 0 ? sec / scale : -1;
}

static int read_fields(const char *s, struct gtime *g)
{
	const char *p = s;

	memset(g, 0, sizeof(*g));
	if (read_digits(&p, 4, &g->year) != 0 || read_digits(&p, 2, &g->month) != 0 ||
	    read_digits(&p, 2, &g->day) != 0 || read_digits(&p, 2, &g->hour) != 0)
		return -1;
	if (read_minutes_seconds(&p, g) != 0 || read_fraction(&p, g) != 0 ||
	    read_zone(&p, g) != 0 || *p != '\0')
		return -1;
	return fields_in_range(g) ? 0 : -1;
}

/* The instants GeneralizedTime can write in UTC: years 0000 to 9999. */
static bool writable(int64_t t)
{
	return t >= days_from_epoch(0, 1, 1) * SECONDS_PER_DAY &&
	       t < days_from_epoch(10000, 1, 1) * SECONDS_PER_DAY;
}

int rbac_time_parse(const char *s, time_t *out)
{
	struct gtime g;
	int64_t frac, t;

	if (s == NULL || read_fields(s, &g) != 0)
		return -1;
	frac = fraction_seconds(&g);
	if (frac < 0)
		return -1;
	t = days_from_epoch(g.year, g.month, g.day) * SECONDS_PER_DAY + g.hour * 3600 +
	    g.minute * 60 + g.second + frac - g.offset;
	if (!writable(t) || (int64_t)(time_t)t != t)
		return -1;
	*out = (time_t)t;
	return 0;
}

char *rbac_time_format(time_t t, char *buf, size_t bufsz)
{
	struct tm tm;

	if (bufsz == 0)
		return buf;
	buf[0] = '\0';
	if (bufsz < 16 || !writable((int64_t)t) || gmtime_r(&t, &tm) == NULL)
		return buf;
	snprintf(buf, bufsz, "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}
