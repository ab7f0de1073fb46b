/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Growing arrays: the one way the backend collects rows and values of
 * unknown count.
 */
#ifndef GROUPFS_ARRAY_H
#define GROUPFS_ARRAY_H

#include <errno.h>
#include <stdlib.h>

/*
 * Make room for element `len` of the malloc'd array `v`, `cap` elements
 * allocated, doubling: 0, or -ENOMEM with `v` and `cap` as they were.
 */
#define ARRAY_GROW(v, len, cap)                                          \
	({                                                               \
		int grow_rc_ = 0;                                        \
		if ((size_t)(len) >= (cap)) {                            \
			size_t grow_n_ = (cap) ? 2 * (cap) : 16;         \
			void *grow_p_ = realloc((v),                     \
						grow_n_ * sizeof(*(v))); \
			if (grow_p_) {                                   \
				(v) = grow_p_;                           \
				(cap) = grow_n_;                         \
			} else {                                         \
				grow_rc_ = -ENOMEM;                      \
			}                                                \
		}                                                        \
		grow_rc_;                                                \
	})

#endif
