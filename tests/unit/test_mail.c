// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the shared mailbox (SPEC.md section 7): the Maildir shape
 * of mail/, its rights (add files in, delete expunges, edit changes the
 * shared flags, add alone finishes one's own delivery from tmp/), delivery
 * by the operator with its refusals, the group's address, the store's
 * sender and the invitation letter.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

static int put(struct fixture *fx, const struct store_caller *c, uint64_t dir,
	       const char *name, const char *data)
{
	struct store_file *f = NULL;
	struct store_attr a;
	size_t done;
	int rc;

	rc = store_fs_create(fx->st, c, dir, name, 0644, O_WRONLY | O_CREAT, &a,
			     &f);
	if (rc == 0)
		rc = store_fs_write(fx->st, f, 0, data, strlen(data), &done);
	if (f)
		store_fs_release(fx->st, f, NULL);
	return rc;
}

struct world {
	struct store_caller boss, adder, deleter, reader;
	uint64_t mail, cur, new, tmp;
};

static const char msg[] = "From: a@example.net\nSubject: hi\n\nbody\n";

static void world(struct fixture *fx, struct world *w)
{
	w->boss = fx_account(fx, "boss", FX_BIG);
	w->adder = fx_account(fx, "adder", NULL);
	w->deleter = fx_account(fx, "deleter", NULL);
	w->reader = fx_account(fx, "reader", NULL);
	fx_group(fx, &w->boss, "G", 0);
	fx_join(fx, &w->boss, "G", "adder");
	fx_join(fx, &w->boss, "G", "deleter");
	fx_join(fx, &w->boss, "G", "reader");
	fx_rights(fx, &w->boss, "G", "mail", STORE_RIGHT_ADD, false, "adder",
		  "deleter", NULL);
	fx_rights(fx, &w->boss, "G", "mail", STORE_RIGHT_DELETE, false,
		  "deleter", NULL);
	fx_rights(fx, &w->boss, "G", "mail", STORE_RIGHT_EDIT, false, "adder",
		  "deleter", NULL);
	w->mail = fx_root(fx, &w->boss, "G", STORE_TOOL_MAIL);
	w->cur = fx_lookup(fx, &w->boss, w->mail, "cur");
	w->new = fx_lookup(fx, &w->boss, w->mail, "new");
	w->tmp = fx_lookup(fx, &w->boss, w->mail, "tmp");
}

/* Deliver msg as the operator; the new file's name into name. */
static void deliver(struct fixture *fx, char *name, size_t len)
{
	int rc = store_mail_deliver(fx->st, &fx->op, "G", msg, strlen(msg),
				    name, len);

	if (rc)
		fx_bail(fx, rc, "deliver");
}

static void shape(struct fixture *fx)
{
	struct world w;
	struct store_attr a;
	uint64_t folder;

	world(fx, &w);
	refused(fx, put(fx, &w.boss, w.mail, "x", "y"), -EPERM, "Maildir",
		"a file at the top of mail/ is EPERM");
	refused(fx,
		store_fs_mkdir(fx->st, &w.boss, w.mail, "Archive", 0755, &a),
		-EPERM, "Maildir", "a folder not named .Name is EPERM");
	refused(fx, store_fs_mkdir(fx->st, &w.boss, w.cur, "sub", 0755, &a),
		-EPERM, "messages only", "a folder in cur/ is EPERM");
	refused(fx, store_fs_symlink(fx->st, &w.boss, w.new, "l", "x", &a),
		-EPERM, "messages only", "a link in new/ is EPERM");
	refused(fx, store_fs_rmdir(fx->st, &w.boss, w.mail, "cur"), -EPERM,
		"mailbox", "the top cur/ is never removed");
	refused(fx,
		store_fs_mkdir(fx->st, &w.boss, w.mail, ".notmuch", 0755, &a),
		-EPERM, "database.path",
		"notmuch's database in mail/ is EPERM, naming database.path");
	folder = fx_mkdir(fx, &w.deleter, w.mail, ".Archive");
	fx_mkdir(fx, &w.deleter, folder, "cur");
	refused(fx,
		store_fs_rename(fx->st, &w.boss, w.mail, ".Archive", w.mail,
				".notmuch", 0, NULL),
		-EPERM, "database.path", "and so is a folder renamed to it");
	succeeds(fx, put(fx, &w.deleter, folder, "maildirfolder", ""),
		 "a folder may hold maildirfolder");
	refused(fx, put(fx, &w.deleter, folder, "notes", ""), -EPERM,
		"maildirfolder", "and nothing else");
	refused(fx,
		store_fs_rename(fx->st, &w.boss, w.mail, "tmp", w.mail, ".tmp",
				0, NULL),
		-EPERM, "folders", "the top tmp/ is never renamed");
	succeeds(fx, put(fx, &w.adder, w.tmp, "m", msg),
		 "adder writes in tmp/");
	refused(fx,
		store_fs_rename(fx->st, &w.adder, w.tmp, "m", folder,
				"maildirfolder", 0, NULL),
		-EACCES, "delete",
		"a message out of a box needs delete and add");
	refused(fx,
		store_fs_rename(fx->st, &w.adder, folder, "maildirfolder",
				w.tmp, "m2", 0, NULL),
		-EACCES, "delete", "and so does maildirfolder into one");
	refused(fx,
		store_rights_set(fx->st, &w.boss, "G", "mail/cur",
				 STORE_RIGHT_ADD, true, NULL, 0),
		-EINVAL, "tool", "mail's rights are the tool's only");
	refused(fx,
		store_rights_set(fx->st, &w.boss, "G", "documents",
				 STORE_RIGHT_EDIT, true, NULL, 0),
		-EINVAL, "edit on mail", "edit is set on mail only");
}

static void rights(struct fixture *fx)
{
	struct world w;
	char name[256], seen[300], other[310];

	world(fx, &w);
	deliver(fx, name, sizeof(name));
	snprintf(seen, sizeof(seen), "%s:2,S", name);
	refused(fx,
		store_fs_rename(fx->st, &w.reader, w.new, name, w.cur, seen, 0,
				NULL),
		-EACCES, "edit", "no edit: the flags stay");
	succeeds(fx,
		 store_fs_rename(fx->st, &w.adder, w.new, name, w.cur, seen, 0,
				 NULL),
		 "edit: new/ to cur/ with :2,S");
	snprintf(other, sizeof(other), "x%s", seen);
	refused(fx,
		store_fs_rename(fx->st, &w.adder, w.cur, seen, w.cur, other, 0,
				NULL),
		-EACCES, "delete", "another name is a move: delete and add");
	refused(fx, store_fs_unlink(fx->st, &w.adder, w.cur, seen), -EACCES,
		"delete", "no delete: no expunge");
	refused(fx,
		store_fs_open(fx->st, &w.boss,
			      fx_lookup(fx, &w.boss, w.cur, seen), O_WRONLY,
			      &(struct store_file *){NULL}),
		-EACCES, "edit", "a delivered message is never written");
	/* add alone: one's own delivery from tmp/. */
	succeeds(fx, put(fx, &w.adder, w.tmp, "m1", msg),
		 "adder writes in tmp/");
	succeeds(fx,
		 store_fs_rename(fx->st, &w.adder, w.tmp, "m1", w.new, "m1", 0,
				 NULL),
		 "and files it into new/");
	succeeds(fx, put(fx, &w.adder, w.tmp, "m2", msg), "writes another");
	succeeds(fx,
		 store_fs_link(fx->st, &w.adder,
			       fx_lookup(fx, &w.adder, w.tmp, "m2"), w.cur,
			       "m2:2,", &(struct store_attr){0}),
		 "links it into cur/");
	succeeds(fx, store_fs_unlink(fx->st, &w.adder, w.tmp, "m2"),
		 "and removes its tmp/ name");
	succeeds(fx, put(fx, &w.deleter, w.tmp, "d1", msg),
		 "deleter writes in tmp/");
	refused(fx, store_fs_unlink(fx->st, &w.adder, w.tmp, "d1"), -EACCES,
		"delete", "adder cannot remove someone else's tmp/ file");
	refused(fx, put(fx, &w.reader, w.tmp, "r1", msg), -EACCES, "add",
		"no add: nothing is filed in");
	succeeds(fx, store_fs_unlink(fx->st, &w.deleter, w.cur, seen),
		 "delete expunges");
}

static void delivery(struct fixture *fx)
{
	struct world w;
	char name[256], addr[STORE_EMAIL_MAX + 1];
	struct store_attr a;

	world(fx, &w);
	refused(fx,
		store_mail_deliver(fx->st, &w.boss, "G", msg, strlen(msg), name,
				   sizeof(name)),
		-EPERM, KW_OPERATOR, "a member does not deliver");
	refused(fx,
		store_mail_deliver(fx->st, &fx->op, "G", "no header\n\nx\n", 13,
				   name, sizeof(name)),
		-EINVAL, "not a message", "no header field: EINVAL");
	refused(fx,
		store_mail_deliver(fx->st, &fx->op, "G", "A: b\nno field\n", 14,
				   name, sizeof(name)),
		-EINVAL, "empty line", "a line that ends no header: EINVAL");
	succeeds(fx,
		 store_mail_deliver(fx->st, &fx->op, "G", "A: b\nC: d\n", 10,
				    name, sizeof(name)),
		 "a header and no body is a message (RFC 5322)");
	succeeds(fx,
		 store_mail_deliver(fx->st, &fx->op, "G", "A: b\nC: d", 9,
				    name, sizeof(name)),
		 "even without the last newline");
	refused(fx,
		store_mail_deliver(fx->st, &fx->op, "G", "A: b\n\nx\0y", 9,
				   name, sizeof(name)),
		-EINVAL, "NUL", "a NUL byte: EINVAL");
	refused(fx,
		store_mail_deliver(fx->st, &fx->op, "Nope", msg, strlen(msg),
				   name, sizeof(name)),
		-ENOENT, "no group", "no such group: ENOENT");
	succeeds(fx,
		 store_mail_deliver(
			 fx->st, &fx->op, "G",
			 "From x@y Mon Jan  1 00:00:00 2024\nA: b\n\nc\n", 42,
			 name, sizeof(name)),
		 "an mbox From line is dropped");
	succeeds(fx, store_fs_lookup(fx->st, &w.reader, w.new, name, &a),
		 "the message is in new/");
	is_int((long)a.size, 8, "without its From line");
	succeeds(fx,
		 store_group_set_mail_address(fx->st, &w.boss, "G",
					      "g@example.org"),
		 "the administrator records the address");
	refused(fx,
		store_group_set_mail_address(fx->st, &w.adder, "G",
					     "h@example.org"),
		-EACCES, KW_ADMIN, "nobody else does");
	succeeds(fx,
		 store_group_mail_address(fx->st, &w.reader, "G", addr,
					  sizeof(addr)),
		 "members read it");
	is_str(addr, "g@example.org", "it is the one recorded");
	succeeds(fx,
		 store_mail_deliver(fx->st, &fx->op, "G@Example.org", msg,
				    strlen(msg), name, sizeof(name)),
		 "delivery by address, any case");
	fx_plan(fx, "tiny", 1, 10, 4096, 4096);
	succeeds(fx,
		 store_account_edit(fx->st, &fx->op, "boss",
				    &(struct store_account){.plan = "tiny"},
				    STORE_ACCOUNT_PLAN),
		 "the group shrinks");
	{
		char *big = malloc(8192);

		memset(big, 'x', 8192);
		memcpy(big, "A: b\n\n", 6);
		refused(fx,
			store_mail_deliver(fx->st, &fx->op, "G", big, 8192,
					   name, sizeof(name)),
			-ENOSPC, NULL, "a full group: ENOSPC (EX_TEMPFAIL)");
		free(big);
	}
}

static void letters(struct fixture *fx)
{
	struct store_mail_config m;
	struct store_letter l;
	struct world w;

	world(fx, &w);
	fx_account(fx, "eve", NULL);
	refused(fx,
		store_mail_config_set(fx->st, &w.boss, "x@example.org", NULL),
		-EPERM, KW_OPERATOR, "only the operator sets the sender");
	refused(fx, store_mail_config_set(fx->st, &fx->op, NULL, "sendmail"),
		-EINVAL, "absolute", "sendmail by its absolute path");
	succeeds(fx,
		 store_mail_config_set(fx->st, &fx->op, "gfs@example.org",
				       "/usr/sbin/sendmail"),
		 "the operator sets it");
	succeeds(fx, store_mail_config_get(fx->st, &m), "anyone reads it");
	is_str(m.from, "gfs@example.org", "the sender");
	succeeds(fx, store_group_invite(fx->st, &w.boss, "G", "eve"),
		 "boss invites eve");
	succeeds(fx, store_invitation_letter(fx->st, &w.boss, "G", "eve", &l),
		 "the letter");
	is_str(l.to, "eve@example.org", "goes to eve's email");
	is_str(l.inviter, "boss", "names the inviter");
	is_int((long)l.sent, 1, "is the first");
	refused(fx, store_invitation_letter(fx->st, &w.reader, "G", "eve", &l),
		-EACCES, "administrator", "a member does not get it");
}

int main(void)
{
	fx_run("mail/ is a Maildir: what is not is EPERM", shape);
	fx_run("add files in, delete expunges, edit flags", rights);
	fx_run("delivery by the operator, the group's address", delivery);
	fx_run("the store's sender and the invitation letter", letters);
	return done_testing();
}
