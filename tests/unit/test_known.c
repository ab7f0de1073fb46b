// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's table of the kernel's lookup counts (fs/known.c), on its
 * own: counts add up and go at zero, every inode held is visited, and the
 * table's memory follows what the kernel holds now, not all it ever held
 * (a mount kept for days through nightly walks of many files), and takes
 * no more for a million inodes held than it did.
 */
#include <stdlib.h>

#include "groupfs.h"
#include "tap.h"

static void count_one(void *arg, uint64_t ino)
{
	(void)ino;
	(*(size_t *)arg)++;
}

static size_t held(struct fs_known *k)
{
	size_t n = 0;

	fs_known_each(k, count_one, &n);
	return n;
}

int main(void)
{
	struct fs_known *k = fs_known_new();
	size_t peak = 0, slots;
	uint64_t ino = 2, i;
	int round;

	if (!ok(k != NULL, "a table"))
		return done_testing();

	/* Counts. */
	fs_known_add(k, 7, 1);
	fs_known_add(k, 7, 2);
	fs_known_add(k, 9, 1);
	is_int((long long)held(k), 2, "two inodes held");
	fs_known_forget(k, 7, 2);
	is_int((long long)held(k), 2, "7 is still held once");
	fs_known_forget(k, 7, 1);
	is_int((long long)held(k), 1, "7 forgotten at zero, 9 held");
	fs_known_forget(k, 9, 5);
	is_int((long long)held(k), 0, "a forget past the count empties it");
	fs_known_add(k, 0, 1);
	is_int((long long)held(k), 0, "inode 0 is never counted");

	/* Churn: walks of 10,000 new inodes, each forgotten after. */
	for (round = 0; round < 100; round++) {
		for (i = 0; i < 10000; i++)
			fs_known_add(k, ino + i, 1);
		if (fs_known_slots(k) > peak)
			peak = fs_known_slots(k);
		for (i = 0; i < 10000; i++)
			fs_known_forget(k, ino + i, 1);
		ino += 10000;
	}
	slots = fs_known_slots(k);
	is_int((long long)held(k), 0, "after 100 walks of 10,000: none held");
	ok(peak <= 65536,
	   "the table never grew past what one walk needs (%zu slots)", peak);
	ok(slots <= 65536, "and stays that size (%zu slots)", slots);

	/* One big walk, then the kernel forgets it: the memory goes. */
	for (i = 0; i < 200000; i++)
		fs_known_add(k, ino + i, 1);
	is_int((long long)held(k), 200000, "200,000 held");
	ok(fs_known_slots(k) >= 400000, "in a table big enough (%zu slots)",
	   fs_known_slots(k));
	for (i = 0; i < 199990; i++)
		fs_known_forget(k, ino + i, 1);
	is_int((long long)held(k), 10, "10 still held");
	ok(fs_known_slots(k) <= 4096,
	   "the table shrank to what they need (%zu slots)", fs_known_slots(k));
	for (i = 199990; i < 200000; i++)
		fs_known_forget(k, ino + i, 1);
	is_int((long long)held(k), 0, "all forgotten");

	/* A million held (the scale benchmark's find), in a new table: two
	 * slots an inode, 32 MiB, as the table has always taken. */
	fs_known_free(k);
	k = fs_known_new();
	if (!ok(k != NULL, "another table"))
		return done_testing();
	for (i = 0; i < 1000000; i++)
		fs_known_add(k, ino + i, 1);
	is_int((long long)held(k), 1000000, "a million held");
	is_int((long long)fs_known_slots(k), 2097152,
	       "in 2,097,152 slots (32 MiB)");
	fs_known_free(k);
	return done_testing();
}
