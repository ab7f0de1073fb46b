// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Content at rest.  Each space has its own key, derived from the master key
 * (crypto_kdf, subkey id = space id).  A file's content is sealed with its
 * cipher (struct sealer) in chunks of CHUNK bytes, each authenticated together
 * with the file's random content id and the chunk's index, so a chunk can
 * neither be altered nor moved to another place or file without reading
 * back as -EIO.
 *
 * Small files (up to INLINE_MAX) live in the database, one sealed blob in
 * node.inline: many small files cost no file each.  A file that grows past
 * that moves to the store's content engine (blob.h, chosen when the store
 * opens: files/, a file DIR/data/XX/<cid hex> each), which keeps record i
 * of its content id: nonce[24] | sealed chunk | tag[16], RECORD bytes, so
 * a write in the middle of a large file rewrites only the chunks it
 * touches.  Every record holds a whole chunk (the last one zero-padded): a
 * crash between writing a record and committing the new size leaves
 * records that still read back under the old size.  Holes are never left:
 * extending a file writes sealed zeros.
 *
 * All writes run inside the caller's BEGIN IMMEDIATE transaction, which
 * serialises writers across processes; in this process, readers and
 * writers of one item meet at its istate.rw lock.
 */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NONCE 24	/* the nonce slot of a record or blob */
#define TAG 16
#define RECORD (NONCE + CHUNK + TAG)
_Static_assert(RECORD == BLOB_RECORD, "a record is what engines keep");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == NONCE &&
		       crypto_aead_xchacha20poly1305_ietf_ABYTES == TAG,
	       "XChaCha20-Poly1305 fills the nonce slot");
#define GCM_IV 12
#define INLINE_INDEX UINT64_MAX
#define GROW_STEP (256 * (uint64_t)CHUNK)

/* What the handle keeps for its next call at most: a megabyte's records,
 * the kernel's largest read or write, and a little more. */
#define RECORDS_KEEP (2u << 20)

/* Room for n records: the handle's own while no other call has it. */
static unsigned char *records_take(struct store *st, size_t n)
{
	size_t want = n * RECORD;

	if (st->records.lent || want > RECORDS_KEEP)
		return malloc(want);
	if (want > st->records.cap) {
		free(st->records.buf);
		st->records.cap = 0;
		st->records.buf = malloc(want);
		if (!st->records.buf)
			return NULL;
		st->records.cap = want;
	}
	st->records.lent = true;
	return st->records.buf;
}

static void records_give(struct store *st, unsigned char *rec)
{
	if (rec && rec == st->records.buf)
		st->records.lent = false;
	else
		free(rec);
}

/*
 * The keys of one content for one call.  XChaCha20-Poly1305 (the cipher
 * of stores before schema 5) seals with the space key and a 24-byte nonce.
 * AES-256-GCM (OpenSSL: AES-NI and carry-less multiplication where the CPU
 * has them, a constant-time software path where not) seals with a key of
 * its own per content, BLAKE2b(space key, cid), so that random 96-bit IVs
 * stay far from their limit however much a group writes; a call draws one
 * random IV and counts from it.  The IV takes the first 12 bytes of the
 * nonce slot, and the other 12 must be zero.
 */
struct sealer {
	int cipher;
	unsigned char key[STORE_KEY_BYTES];
	EVP_CIPHER_CTX *enc, *dec;
	unsigned char iv[GCM_IV];
};

static int sealer_init(struct store *st, const struct content *ct,
		       struct sealer *s)
{
	unsigned char space[STORE_KEY_BYTES];

	memset(s, 0, sizeof(*s));
	s->cipher = ct->cipher;
	crypto_kdf_derive_from_key(space, sizeof(space), (uint64_t)ct->space,
				   "groupfs1", st->sh->key);
	if (s->cipher == CIPHER_XCHACHA20) {
		memcpy(s->key, space, sizeof(space));
		sodium_memzero(space, sizeof(space));
		return 0;
	}
	if (s->cipher != CIPHER_AES256GCM) {
		sodium_memzero(space, sizeof(space));
		return store_fail(st, -EIO, "item %lld: unknown cipher %d",
				  (long long)ct->ino, s->cipher);
	}
	crypto_generichash(s->key, sizeof(s->key), ct->cid, 16, space,
			   sizeof(space));
	sodium_memzero(space, sizeof(space));
	randombytes_buf(s->iv, sizeof(s->iv));
	return 0;
}

static void sealer_done(struct sealer *s)
{
	EVP_CIPHER_CTX_free(s->enc);
	EVP_CIPHER_CTX_free(s->dec);
	sodium_memzero(s, sizeof(*s));
}

/* A context keyed for one direction, made on first use. */
static EVP_CIPHER_CTX *gcm_ctx(struct sealer *s, int enc)
{
	EVP_CIPHER_CTX **c = enc ? &s->enc : &s->dec;

	if (*c)
		return *c;
	*c = EVP_CIPHER_CTX_new();
	if (*c && EVP_CipherInit_ex(*c, EVP_aes_256_gcm(), NULL, s->key, NULL,
				    enc) == 1)
		return *c;
	EVP_CIPHER_CTX_free(*c);
	*c = NULL;
	return NULL;
}

static void make_nonce(struct store *st, unsigned char nonce[NONCE])
{
	uint64_t n = __atomic_add_fetch(&st->sh->nonce_ctr, 1,
					__ATOMIC_RELAXED);

	memcpy(nonce, st->sh->nonce_prefix, 16);
	memcpy(nonce + 16, &n, 8);
}

/* The next IV of this call: the random one counted up in its last 8. */
static void next_iv(struct sealer *s, unsigned char nonce[NONCE])
{
	uint64_t n;

	memcpy(&n, s->iv + 4, 8);
	n++;
	memcpy(s->iv + 4, &n, 8);
	memset(nonce, 0, NONCE);
	memcpy(nonce, s->iv, GCM_IV);
}

static void make_ad(unsigned char ad[24], const unsigned char cid[16],
		    uint64_t index)
{
	memcpy(ad, cid, 16);
	memcpy(ad + 16, &index, 8);
}

/* Seal `len` bytes into out (NONCE + len + TAG bytes). */
static int seal(struct store *st, struct sealer *s,
		const unsigned char cid[16], uint64_t index,
		const unsigned char *in, size_t len, unsigned char *out)
{
	unsigned char ad[24];
	EVP_CIPHER_CTX *c;
	int n;

	make_ad(ad, cid, index);
	if (s->cipher == CIPHER_XCHACHA20) {
		make_nonce(st, out);
		crypto_aead_xchacha20poly1305_ietf_encrypt(
			out + NONCE, NULL, in, len, ad, sizeof(ad), NULL, out,
			s->key);
		return 0;
	}
	next_iv(s, out);
	c = gcm_ctx(s, 1);
	if (c && EVP_CipherInit_ex(c, NULL, NULL, NULL, out, 1) == 1 &&
	    EVP_CipherUpdate(c, NULL, &n, ad, sizeof(ad)) == 1 &&
	    EVP_CipherUpdate(c, out + NONCE, &n, in, (int)len) == 1 &&
	    EVP_CipherFinal_ex(c, out + NONCE + n, &n) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, TAG,
				out + NONCE + len) == 1)
		return 0;
	return store_fail(st, -EIO, "encryption failed");
}

static int open_sealed(struct sealer *s, const unsigned char cid[16],
		       uint64_t index, const unsigned char *in, size_t inlen,
		       unsigned char *out)
{
	static const unsigned char zero[NONCE - GCM_IV];
	unsigned char ad[24];
	size_t len = inlen - NONCE - TAG;
	EVP_CIPHER_CTX *c;
	int n;

	if (inlen < NONCE + TAG)
		return -EIO;
	make_ad(ad, cid, index);
	if (s->cipher == CIPHER_XCHACHA20)
		return crypto_aead_xchacha20poly1305_ietf_decrypt(
			       out, NULL, NULL, in + NONCE, inlen - NONCE, ad,
			       sizeof(ad), in, s->key) == 0
			       ? 0
			       : -EIO;
	if (memcmp(in + GCM_IV, zero, sizeof(zero)) != 0)
		return -EIO;
	c = gcm_ctx(s, 0);
	if (c && EVP_CipherInit_ex(c, NULL, NULL, NULL, in, 0) == 1 &&
	    EVP_CipherUpdate(c, NULL, &n, ad, sizeof(ad)) == 1 &&
	    EVP_CipherUpdate(c, out, &n, in + NONCE, (int)len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG,
				(void *)(in + NONCE + len)) == 1 &&
	    EVP_CipherFinal_ex(c, out + n, &n) == 1)
		return 0;
	return -EIO;
}

void content_new_cid(unsigned char cid[16])
{
	randombytes_buf(cid, 16);
}

/* The engine's handle on `cid`.  With an istate, the one it keeps
 * (opened and installed on a miss) and *ref a reference on it; without,
 * a handle of the caller's own and *ref NULL.  Either way cid_blob_done
 * gives it back. */
static int cid_blob(struct store *st, struct istate *is,
		    const unsigned char cid[16], bool create, struct blob **out,
		    struct blob_ref **ref)
{
	const struct blob_ops *e = st->sh->blob;
	struct blob_ref *r, *old;
	struct blob *b;
	int rc;

	*ref = NULL;
	if (is) {
		pthread_mutex_lock(&is->blob_lock);
		r = is->blob;
		if (r && memcmp(r->cid, cid, 16) == 0) {
			__atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
			pthread_mutex_unlock(&is->blob_lock);
			*out = r->b;
			*ref = r;
			return 0;
		}
		pthread_mutex_unlock(&is->blob_lock);
	}
	rc = e->open(st, cid, create, &b);
	if (rc)
		return store_fail(st, rc == -ENOENT ? -EIO : rc,
				  "content file missing or unreadable");
	*out = b;
	if (!is)
		return 0;
	r = malloc(sizeof(*r));
	if (!r) /* keep it to this request */
		return 0;
	r->b = b;
	memcpy(r->cid, cid, 16);
	r->refs = 2; /* the istate's and ours */
	pthread_mutex_lock(&is->blob_lock);
	old = is->blob;
	if (old && memcmp(old->cid, cid, 16) == 0) {
		/* Another request opened it meanwhile: take theirs. */
		__atomic_add_fetch(&old->refs, 1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&is->blob_lock);
		free(r);
		e->close(b);
		*out = old->b;
		*ref = old;
		return 0;
	}
	is->blob = r;
	pthread_mutex_unlock(&is->blob_lock);
	blob_ref_put(e, old); /* closed when its last reader is done */
	*ref = r;
	return 0;
}

static void cid_blob_done(struct store *st, struct blob *b,
			  struct blob_ref *ref)
{
	if (ref)
		blob_ref_put(st->sh->blob, ref);
	else if (b)
		st->sh->blob->close(b);
}

void content_free(struct content *ct)
{
	free(ct->inline_blob);
	ct->inline_blob = NULL;
}

int content_load(struct store *st, int64_t ino, struct content *ct)
{
	memset(ct, 0, sizeof(*ct));
	return meta_content_get(st, ino, ct);
}

void content_remember_new(struct store *st, int64_t ino, int64_t space,
			  const unsigned char cid[16], int cipher)
{
	struct memo *m = st->memo;

	if (st->txn_depth <= 0)
		return;
	m->fresh.wseq = st->wseq;
	m->fresh.ino = ino;
	m->fresh.space = space;
	memcpy(m->fresh.cid, cid, sizeof(m->fresh.cid));
	m->fresh.cipher = cipher;
}

bool content_known(struct store *st, int64_t ino, struct content *ct)
{
	struct memo *m = st->memo;

	if (st->txn_depth <= 0 || m->fresh.wseq != st->wseq ||
	    m->fresh.ino != ino || ino == 0)
		return false;
	memset(ct, 0, sizeof(*ct));
	ct->ino = ino;
	ct->space = m->fresh.space;
	memcpy(ct->cid, m->fresh.cid, sizeof(ct->cid));
	ct->cipher = m->fresh.cipher;
	return true;
}

static int corrupt(struct store *st, const struct content *ct,
		   const char *where)
{
	store_log(st, STORE_LOG_ERR,
		  "item %lld: %s content failed authentication", (long long)ct->ino,
		  where);
	return store_fail(st, -EIO, "stored content failed authentication");
}

/* The whole plaintext of an inline item into buf (ct->size bytes). */
static int inline_read(struct store *st, struct sealer *s,
		       const struct content *ct, unsigned char *buf)
{
	if (ct->size == 0)
		return 0;
	if (ct->inline_len != (size_t)ct->size + NONCE + TAG ||
	    open_sealed(s, ct->cid, INLINE_INDEX, ct->inline_blob,
			ct->inline_len, buf) != 0)
		return corrupt(st, ct, "inline");
	return 0;
}

/* Plaintext bytes [off, off + size) of a chunked item into out, in one
 * read of their records: the chunks the span covers whole are decrypted
 * where they belong in `out`, the first and last, when covered in part,
 * through a chunk of room.  The span ends within the item's records. */
static int span_read(struct store *st, struct sealer *s, struct istate *is,
		     const struct content *ct, uint64_t off, size_t size,
		     unsigned char *out)
{
	uint64_t first = off / CHUNK, last = (off + size - 1) / CHUNK, i;
	size_t n = (size_t)(last - first + 1), got = 0;
	unsigned char *rec, part[CHUNK];
	struct blob_ref *ref;
	struct blob *b;
	int rc;

	rc = cid_blob(st, is, ct->cid, false, &b, &ref);
	if (rc)
		return rc;
	rec = records_take(st, n);
	rc = rec ? st->sh->blob->read(st, b, first, n, rec, &got) : -ENOMEM;
	for (i = first; rc == 0 && i <= last; i++) {
		const unsigned char *r = rec + (size_t)(i - first) * RECORD;
		uint64_t cs = i * CHUNK, ce = cs + CHUNK;
		uint64_t ws = off > cs ? off : cs;
		uint64_t we = off + size < ce ? off + size : ce;
		bool whole = ws == cs && we == ce;

		if (got <= i - first ||
		    open_sealed(s, ct->cid, i, r, RECORD,
				whole ? out + (cs - off) : part) != 0) {
			rc = corrupt(st, ct, "chunk");
			break;
		}
		if (!whole)
			memcpy(out + (ws - off), part + (ws - cs),
			       (size_t)(we - ws));
	}
	sodium_memzero(part, sizeof(part));
	records_give(st, rec);
	cid_blob_done(st, b, ref);
	return rc;
}

/* Decrypt chunks [first, last] of a chunked item into out; `out` holds
 * (last - first + 1) * CHUNK bytes.  Short or missing records past the
 * file's size are not read. */
static int chunks_read(struct store *st, struct sealer *s, struct istate *is,
		       const struct content *ct, uint64_t first, uint64_t last,
		       unsigned char *out)
{
	uint64_t nchunks = ((uint64_t)ct->size + CHUNK - 1) / CHUNK;

	if (first >= nchunks)
		return 0;
	if (last >= nchunks)
		last = nchunks - 1;
	return span_read(st, s, is, ct, first * CHUNK,
			 (size_t)(last - first + 1) * CHUNK, out);
}

int content_read(struct store *st, struct istate *is, const struct content *ct,
		 uint64_t off, size_t size, unsigned char *buf, size_t *got)
{
	struct sealer s;
	unsigned char *tmp = NULL;
	int rc;

	*got = 0;
	if (off >= (uint64_t)ct->size || size == 0)
		return 0;
	if (off + size > (uint64_t)ct->size)
		size = (size_t)((uint64_t)ct->size - off);
	rc = sealer_init(st, ct, &s);
	if (rc)
		return rc;
	if (ct->chunked) {
		rc = span_read(st, &s, is, ct, off, size, buf);
	} else {
		tmp = malloc((size_t)ct->size);
		rc = tmp ? inline_read(st, &s, ct, tmp) : -ENOMEM;
		if (rc == 0)
			memcpy(buf, tmp + off, size);
		if (tmp)
			sodium_memzero(tmp, (size_t)ct->size);
		free(tmp);
	}
	sealer_done(&s);
	if (rc == 0)
		*got = size;
	return rc;
}

/* Seal plaintext chunks [first, ...) of `data` (len bytes, starting at a
 * chunk boundary) and write them in one go. */
static int chunks_write(struct store *st, struct sealer *s, struct blob *b,
			const struct content *ct, uint64_t first,
			const unsigned char *data, size_t len)
{
	size_t n = (len + CHUNK - 1) / CHUNK, i;
	unsigned char *rec = records_take(st, n);
	int rc = rec ? 0 : -ENOMEM;

	for (i = 0; rc == 0 && i < n; i++) {
		size_t clen = i == n - 1 ? len - i * CHUNK : CHUNK;
		unsigned char last[CHUNK];

		if (clen == CHUNK) {
			rc = seal(st, s, ct->cid, first + i, data + i * CHUNK,
				  CHUNK, rec + i * RECORD);
			continue;
		}
		/* Every record is a whole chunk, zero-padded, so that a
		 * size not yet committed never changes how one is read. */
		memset(last, 0, sizeof(last));
		memcpy(last, data + i * CHUNK, clen);
		rc = seal(st, s, ct->cid, first + i, last, CHUNK,
			  rec + i * RECORD);
		sodium_memzero(last, sizeof(last));
	}
	if (rc == 0)
		rc = st->sh->blob->write(st, b, first, n, rec);
	records_give(st, rec);
	return rc;
}

/*
 * Seal a write of `len` bytes of `buf` at `off` into chunks first..last and
 * write them in one go, `off` at most the committed size `oldsize`.  The
 * chunks the write covers whole are sealed straight from `buf`; only the
 * first and last, when covered in part, are read back and patched (past
 * `oldsize` a record may hold bytes of a write that never committed: they
 * read as zeros).  A sequential writer's data is thus sealed where the
 * kernel left it, with no copy.
 */
static int span_write(struct store *st, struct sealer *s, struct istate *is,
		      struct blob *b, const struct content *ct,
		      uint64_t oldsize, uint64_t off, const unsigned char *buf,
		      size_t len)
{
	uint64_t first = off / CHUNK, last = (off + len - 1) / CHUNK, i;
	size_t n = (size_t)(last - first + 1);
	unsigned char *rec = records_take(st, n);
	unsigned char part[CHUNK];
	struct content old = *ct;
	int rc = rec ? 0 : -ENOMEM;

	old.size = (int64_t)oldsize;
	for (i = first; rc == 0 && i <= last; i++) {
		uint64_t cs = i * CHUNK, ce = cs + CHUNK;
		uint64_t ws = off > cs ? off : cs;
		uint64_t we = off + len < ce ? off + len : ce;
		unsigned char *out = rec + (size_t)(i - first) * RECORD;

		if (ws == cs && we == ce) {
			rc = seal(st, s, ct->cid, i, buf + (cs - off), CHUNK,
				  out);
			continue;
		}
		memset(part, 0, sizeof(part));
		if (cs < oldsize)
			rc = chunks_read(st, s, is, &old, i, i, part);
		if (rc)
			break;
		if (oldsize > cs && oldsize < ce)
			memset(part + (oldsize - cs), 0,
			       (size_t)(ce - oldsize));
		memcpy(part + (ws - cs), buf + (ws - off), (size_t)(we - ws));
		rc = seal(st, s, ct->cid, i, part, CHUNK, out);
	}
	sodium_memzero(part, sizeof(part));
	if (rc == 0)
		rc = st->sh->blob->write(st, b, first, n, rec);
	records_give(st, rec);
	return rc;
}

/* Store `ct` with new plaintext `data` of `size` bytes inline. */
static int inline_store(struct store *st, struct sealer *s,
			struct content *ct, const unsigned char *data,
			size_t size)
{
	unsigned char *blob = NULL;
	int rc = 0;

	if (size) {
		blob = malloc(size + NONCE + TAG);
		rc = blob ? seal(st, s, ct->cid, INLINE_INDEX, data, size, blob)
			  : -ENOMEM;
	}
	if (rc == 0)
		rc = meta_content_set_inline(st, ct->ino, blob,
					     size ? size + NONCE + TAG : 0,
					     ct->cid, (int64_t)size, ct->touch);
	free(blob);
	return rc;
}

/* Inline items: rebuild the plaintext, apply the change, seal it again. */
static int inline_update(struct store *st, struct sealer *s,
			 struct content *ct, uint64_t off,
			 const unsigned char *buf, size_t len, uint64_t newsize)
{
	size_t oldsize = (size_t)ct->size;
	unsigned char *old = malloc(oldsize ? oldsize : 1);
	unsigned char *plain = calloc(1, newsize ? (size_t)newsize : 1);
	int rc = old && plain ? inline_read(st, s, ct, old) : -ENOMEM;

	if (rc == 0) {
		memcpy(plain, old, oldsize < newsize ? oldsize : (size_t)newsize);
		if (len)
			memcpy(plain + off, buf, len);
		rc = inline_store(st, s, ct, plain, (size_t)newsize);
	}
	if (old)
		sodium_memzero(old, oldsize ? oldsize : 1);
	if (plain)
		sodium_memzero(plain, newsize ? (size_t)newsize : 1);
	free(old);
	free(plain);
	if (rc == 0)
		ct->size = (int64_t)newsize;
	return rc;
}

/* Move an inline item's content to a content file. */
static int leave_inline(struct store *st, struct sealer *s, struct blob *b,
			struct content *ct)
{
	size_t size = (size_t)ct->size;
	unsigned char *plain = malloc(size ? size : 1);
	int rc = plain ? inline_read(st, s, ct, plain) : -ENOMEM;

	if (rc == 0)
		rc = st->sh->blob->truncate(st, b, 0);
	if (rc == 0 && size)
		rc = chunks_write(st, s, b, ct, 0, plain, size);
	if (plain)
		sodium_memzero(plain, size ? size : 1);
	free(plain);
	if (rc == 0)
		ct->chunked = true;
	return rc;
}

/* The records holding `size` bytes. */
static uint64_t records(uint64_t size)
{
	return (size + CHUNK - 1) / CHUNK;
}

static int update_sealed(struct store *st, struct sealer *s,
			 struct istate *is, struct content *ct, uint64_t off,
			 const unsigned char *buf, size_t len,
			 int64_t truncate_to)
{
	uint64_t oldsize, newsize, from, to, first, last, stop;
	uint64_t target = truncate_to >= 0 ? (uint64_t)truncate_to : off;
	struct content old;
	unsigned char *plain = NULL;
	struct blob_ref *ref = NULL;
	struct blob *b = NULL;
	size_t span;
	int rc = 0;

	/* Grow towards a far offset in bounded steps of sealed zeros. */
	while ((uint64_t)ct->size + GROW_STEP < target) {
		uint64_t step = (uint64_t)ct->size / CHUNK * CHUNK + GROW_STEP;

		rc = update_sealed(st, s, is, ct, 0, NULL, 0, (int64_t)step);
		if (rc)
			return rc;
	}
	oldsize = (uint64_t)ct->size;
	if (truncate_to >= 0) {
		newsize = (uint64_t)truncate_to;
		from = newsize < oldsize ? newsize / CHUNK * CHUNK : oldsize;
		to = newsize;
	} else {
		newsize = off + len > oldsize ? off + len : oldsize;
		from = off < oldsize ? off : oldsize;
		to = off + len;
	}
	if (!ct->chunked && newsize <= INLINE_MAX)
		return inline_update(st, s, ct, off, buf, len, newsize);
	rc = cid_blob(st, is, ct->cid, true, &b, &ref);
	if (rc)
		return rc;
	if (!ct->chunked)
		rc = leave_inline(st, s, b, ct);
	if (rc || from >= to)
		goto resize;
	if (truncate_to < 0 && from == off) {
		rc = span_write(st, s, is, b, ct, oldsize, off, buf, len);
		goto resize;
	}
	first = from / CHUNK;
	last = (to - 1) / CHUNK;
	span = (size_t)(last - first + 1) * CHUNK;
	plain = calloc(1, span);
	if (!plain) {
		rc = -ENOMEM;
		goto out;
	}
	/* Only the first and last chunk can keep old bytes. */
	old = *ct;
	old.size = (int64_t)oldsize;
	if (first * CHUNK < oldsize)
		rc = chunks_read(st, s, is, &old, first, first, plain);
	if (rc == 0 && last != first && last * CHUNK < oldsize)
		rc = chunks_read(st, s, is, &old, last, last,
				 plain + (size_t)(last - first) * CHUNK);
	if (rc)
		goto out;
	/* Past the committed size a record may hold bytes of a write that
	 * never committed: those read as zeros. */
	if (oldsize > first * CHUNK && oldsize < (last + 1) * CHUNK)
		memset(plain + (oldsize - first * CHUNK), 0,
		       span - (size_t)(oldsize - first * CHUNK));
	if (truncate_to < 0)
		memcpy(plain + (off - first * CHUNK), buf, len);
	stop = (last + 1) * CHUNK < newsize ? (last + 1) * CHUNK : newsize;
	rc = chunks_write(st, s, b, ct, first, plain,
			  (size_t)(stop - first * CHUNK));
resize:
	if (rc == 0 && newsize < oldsize)
		rc = st->sh->blob->truncate(st, b, records(newsize));
	if (rc == 0)
		rc = meta_content_set_chunked(st, ct->ino, ct->cid,
					      (int64_t)newsize, ct->touch);
	if (rc == 0)
		ct->size = (int64_t)newsize;
out:
	free(plain);
	cid_blob_done(st, b, ref);
	return rc;
}

/*
 * Change an item's content: write `len` bytes of `buf` at `off` (the size
 * becomes max(size, off + len)), or, with truncate_to >= 0, set the size.
 * Bytes between the old end and a later write are zeros, written sealed.
 * The caller holds the transaction and the item's write lock and has
 * checked rights and quota.
 */
int content_update(struct store *st, struct istate *is, struct content *ct,
		   uint64_t off, const unsigned char *buf, size_t len,
		   int64_t truncate_to)
{
	struct sealer s;
	int rc;

	if (!st->sh->has_key)
		return store_fail(st, -EACCES, "the store's key is not loaded");
	rc = sealer_init(st, ct, &s);
	if (rc == 0)
		rc = update_sealed(st, &s, is, ct, off, buf, len, truncate_to);
	sealer_done(&s);
	return rc;
}

int content_sync(struct store *st, struct istate *is, const struct content *ct)
{
	struct blob_ref *ref;
	struct blob *b = NULL;
	int rc;

	/* Inline content, and an engine's written with the metadata, are
	 * durable with its commit. */
	if (!ct->chunked || st->sh->blob->with_meta)
		return 0;
	rc = cid_blob(st, is, ct->cid, false, &b, &ref);
	if (rc)
		return rc;
	rc = st->sh->blob->sync(st, b);
	cid_blob_done(st, b, ref);
	return rc;
}

/* Remove the content of committed deletions. */
int content_empty_trash(struct store *st)
{
	unsigned char cid[16];
	char hex[33];
	int rc;

	for (;;) {
		rc = meta_trash_next(st, cid);
		if (rc)
			return rc == -ENOENT ? 0 : rc;
		rc = st->sh->blob->remove(st, cid);
		if (rc) {
			sodium_bin2hex(hex, sizeof(hex), cid, 16);
			store_log(st, STORE_LOG_WARNING,
				  "cannot remove content %s (%s engine): %s",
				  hex, st->sh->blob->name, strerror(-rc));
		}
		rc = meta_trash_drop(st, cid);
		if (rc)
			return rc;
	}
}

/* Verify every chunk of an item (groupctl check). */
int content_verify(struct store *st, int64_t ino)
{
	struct sealer s;
	struct content ct;
	unsigned char *buf;
	uint64_t nchunks, i;
	int rc = content_load(st, ino, &ct);

	if (rc)
		return rc;
	rc = sealer_init(st, &ct, &s);
	if (rc) {
		content_free(&ct);
		return rc;
	}
	if (!ct.chunked) {
		buf = malloc(ct.size ? (size_t)ct.size : 1);
		rc = buf ? inline_read(st, &s, &ct, buf) : -ENOMEM;
		goto out;
	}
	nchunks = ((uint64_t)ct.size + CHUNK - 1) / CHUNK;
	buf = malloc(64 * CHUNK);
	rc = buf ? 0 : -ENOMEM;
	for (i = 0; rc == 0 && i < nchunks; i += 64)
		rc = chunks_read(st, &s, NULL, &ct, i,
				 i + 63 < nchunks ? i + 63 : nchunks - 1, buf);
out:
	free(buf);
	sealer_done(&s);
	content_free(&ct);
	return rc;
}
