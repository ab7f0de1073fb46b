// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A result's columns as C values (pgdb.h): every statement asks for its
 * results in binary format, so integers come as network-order bytes,
 * numerics as base-10000 digits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pgdb.h"

/* Type oids of the results pg_col_* decode (pg_type.dat). */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* A binary numeric's integral part (base 10000 digits), saturated. */
static int64_t numeric_int(const unsigned char *p, int len)
{
	int ndigits, weight, sign, i;
	__int128 v = 0;

	if (len < 8)
		return 0;
	ndigits = (int16_t)get16(p);
	weight = (int16_t)get16(p + 2);
	sign = get16(p + 4);
	if (sign == 0xc000 || len < 8 + 2 * ndigits)
		return 0; /* NaN */
	for (i = 0; i <= weight; i++) {
		v = v * 10000 + (i < ndigits ? get16(p + 8 + 2 * i) : 0);
		if (v > INT64_MAX)
			return sign == 0x4000 ? INT64_MIN : INT64_MAX;
	}
	return sign == 0x4000 ? -(int64_t)v : (int64_t)v;
}

int64_t pg_col_int(const PGresult *r, int row, int col)
{
	const unsigned char *p;
	int len;

	if (PQgetisnull(r, row, col))
		return 0;
	p = (const unsigned char *)PQgetvalue(r, row, col);
	len = PQgetlength(r, row, col);
	if (PQfformat(r, col) == 0)
		return *p == 't' ? 1 : *p == 'f' ? 0 :
		       strtoll((const char *)p, NULL, 10);
	switch (PQftype(r, col)) {
	case OID_BOOL:
		return len >= 1 && p[0] != 0;
	case OID_INT2:
		return len >= 2 ? (int16_t)get16(p) : 0;
	case OID_INT4:
		return len >= 4 ? (int32_t)get32(p) : 0;
	case OID_OID:
		return len >= 4 ? (int64_t)get32(p) : 0;
	case OID_INT8:
		return len >= 8 ? (int64_t)get64(p) : 0;
	case OID_NUMERIC:
		return numeric_int(p, len);
	case OID_FLOAT4: {
		uint32_t u = get32(p);
		float f;

		memcpy(&f, &u, sizeof(f));
		return len >= 4 && isfinite(f) ? (int64_t)f : 0;
	}
	case OID_FLOAT8: {
		uint64_t u = get64(p);
		double d;

		memcpy(&d, &u, sizeof(d));
		return len >= 8 && isfinite(d) ? (int64_t)d : 0;
	}
	default:
		/* text, varchar, unknown: a number in decimal */
		return strtoll((const char *)p, NULL, 10);
	}
}

const char *pg_col_text(const PGresult *r, int row, int col)
{
	/* libpq ends every value with a NUL, binary ones included. */
	return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

const void *pg_col_blob(const PGresult *r, int row, int col, size_t *len)
{
	if (PQgetisnull(r, row, col)) {
		*len = 0;
		return NULL;
	}
	*len = (size_t)PQgetlength(r, row, col);
	return PQgetvalue(r, row, col);
}

bool pg_col_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}
