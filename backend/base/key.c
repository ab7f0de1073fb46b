// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The store's master key file: 32 random bytes, stored plain or wrapped by
 * a passphrase (argon2id derives a key that seals the master key with
 * XSalsa20-Poly1305).  The file is created 0600 and read only by its owner.
 *
 * Format (docs/store-format.md):
 *   "GFSKEY01"  u8 kind (0 plain, 1 argon2id-wrapped)
 *   plain:   key[32]
 *   wrapped: salt[16] u64le opslimit u64le memlimit nonce[24] box[48]
 */
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define KEY_MAGIC "GFSKEY01"
#define KEY_MAGIC_LEN 8
#define KIND_PLAIN 0
#define KIND_WRAPPED 1
#define WRAPPED_LEN                                                          \
	(KEY_MAGIC_LEN + 1 + crypto_pwhash_SALTBYTES + 16 +                   \
	 crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +            \
	 STORE_KEY_BYTES)
#define PLAIN_LEN (KEY_MAGIC_LEN + 1 + STORE_KEY_BYTES)

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_status;

static void sodium_setup(void)
{
	sodium_status = sodium_init() < 0 ? -EIO : 0;
}

int crypto_ready(void)
{
	pthread_once(&sodium_once, sodium_setup);
	return sodium_status;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static int derive(unsigned char out[crypto_secretbox_KEYBYTES],
		  const char *pass, size_t passlen, const unsigned char *salt,
		  uint64_t ops, uint64_t mem)
{
	if (crypto_pwhash(out, crypto_secretbox_KEYBYTES, pass, passlen, salt,
			  ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -ENOMEM;
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int key_create(const char *path, const char *pass, size_t passlen, char *err,
	       size_t errlen)
{
	unsigned char buf[WRAPPED_LEN];
	unsigned char key[STORE_KEY_BYTES];
	unsigned char kek[crypto_secretbox_KEYBYTES];
	size_t len;
	int fd = -1, rc;

	rc = crypto_ready();
	if (rc) {
		snprintf(err, errlen, "libsodium could not start");
		return rc;
	}
	randombytes_buf(key, sizeof(key));
	memcpy(buf, KEY_MAGIC, KEY_MAGIC_LEN);
	if (pass) {
		unsigned char *salt = buf + KEY_MAGIC_LEN + 1;
		unsigned char *nonce = salt + crypto_pwhash_SALTBYTES + 16;
		uint64_t ops = crypto_pwhash_OPSLIMIT_MODERATE;
		uint64_t mem = crypto_pwhash_MEMLIMIT_MODERATE;

		buf[KEY_MAGIC_LEN] = KIND_WRAPPED;
		randombytes_buf(salt, crypto_pwhash_SALTBYTES);
		put_u64(salt + crypto_pwhash_SALTBYTES, ops);
		put_u64(salt + crypto_pwhash_SALTBYTES + 8, mem);
		randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
		rc = derive(kek, pass, passlen, salt, ops, mem);
		if (rc) {
			snprintf(err, errlen, "argon2id: out of memory");
			goto wipe;
		}
		crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, key,
				      sizeof(key), nonce, kek);
		len = WRAPPED_LEN;
	} else {
		buf[KEY_MAGIC_LEN] = KIND_PLAIN;
		memcpy(buf + KEY_MAGIC_LEN + 1, key, sizeof(key));
		len = PLAIN_LEN;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		goto wipe;
	}
	rc = write_all(fd, buf, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
wipe:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(kek, sizeof(kek));
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

static int read_file(const char *path, unsigned char *buf, size_t cap,
		     size_t *len)
{
	struct stat sb;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) != 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || (size_t)sb.st_size > cap) {
		rc = -EINVAL;
		goto out;
	}
	n = read(fd, buf, cap);
	if (n < 0)
		rc = -errno;
	else
		*len = (size_t)n;
out:
	close(fd);
	return rc;
}

int key_is_wrapped(const char *path, bool *wrapped)
{
	unsigned char buf[WRAPPED_LEN];
	size_t len = 0;
	int rc = read_file(path, buf, sizeof(buf), &len);

	if (rc)
		return rc;
	if (len < KEY_MAGIC_LEN + 1 || memcmp(buf, KEY_MAGIC, KEY_MAGIC_LEN))
		rc = -EINVAL;
	else
		*wrapped = buf[KEY_MAGIC_LEN] == KIND_WRAPPED;
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int key_load(const char *path, const char *pass, size_t passlen,
	     unsigned char key[STORE_KEY_BYTES], char *err, size_t errlen)
{
	unsigned char buf[WRAPPED_LEN];
	unsigned char kek[crypto_secretbox_KEYBYTES];
	size_t len = 0;
	int rc;

	rc = crypto_ready();
	if (rc) {
		snprintf(err, errlen, "libsodium could not start");
		return rc;
	}
	rc = read_file(path, buf, sizeof(buf), &len);
	if (rc) {
		snprintf(err, errlen, "cannot read the master key %s: %s",
			 path, strerror(-rc));
		return rc;
	}
	if (len < KEY_MAGIC_LEN + 1 || memcmp(buf, KEY_MAGIC, KEY_MAGIC_LEN)) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s is not a groupfs master key", path);
		goto wipe;
	}
	if (buf[KEY_MAGIC_LEN] == KIND_PLAIN && len == PLAIN_LEN) {
		memcpy(key, buf + KEY_MAGIC_LEN + 1, STORE_KEY_BYTES);
	} else if (buf[KEY_MAGIC_LEN] == KIND_WRAPPED && len == WRAPPED_LEN) {
		const unsigned char *salt = buf + KEY_MAGIC_LEN + 1;
		const unsigned char *nonce = salt + crypto_pwhash_SALTBYTES + 16;
		uint64_t ops = get_u64(salt + crypto_pwhash_SALTBYTES);
		uint64_t mem = get_u64(salt + crypto_pwhash_SALTBYTES + 8);

		if (!pass) {
			rc = -EKEYREJECTED;
			snprintf(err, errlen,
				 "the master key is wrapped: a passphrase is "
				 "needed");
			goto wipe;
		}
		if (ops > (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE * 4 ||
		    mem > (uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE * 4) {
			rc = -EINVAL;
			snprintf(err, errlen, "%s: implausible argon2id cost",
				 path);
			goto wipe;
		}
		rc = derive(kek, pass, passlen, salt, ops, mem);
		if (rc) {
			snprintf(err, errlen, "argon2id: out of memory");
			goto wipe;
		}
		if (crypto_secretbox_open_easy(
			    key, nonce + crypto_secretbox_NONCEBYTES,
			    STORE_KEY_BYTES + crypto_secretbox_MACBYTES, nonce,
			    kek) != 0) {
			rc = -EKEYREJECTED;
			snprintf(err, errlen, "wrong passphrase");
		}
	} else {
		rc = -EINVAL;
		snprintf(err, errlen, "%s: damaged master key file", path);
	}
wipe:
	sodium_memzero(kek, sizeof(kek));
	sodium_memzero(buf, sizeof(buf));
	return rc;
}
