// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * groupctl and mail: "mail deliver" for an MTA's pipe transport, "store
 * set|show" for how the store sends mail, and the invitation and reminder
 * mails that "group invite" and "group resend" hand to sendmail(8).
 *
 * Delivery answers in the MTA's language, sysexits(3): 0 delivered, 65
 * (EX_DATAERR) not a message, 67 (EX_NOUSER) no such group, 75
 * (EX_TEMPFAIL) try again later (the group is full, the store is busy or
 * cannot be opened), 77 (EX_NOPERM) not the store operator.  Sending mail
 * is a side effect of an invitation: a failure is one warning line and
 * never undoes the invitation.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "groupctl.h"

enum {
	EX_DATAERR_ = 65,
	EX_NOUSER_ = 67,
	EX_TEMPFAIL_ = 75,
	EX_NOPERM_ = 77,
};

/* ---- mail deliver ----------------------------------------------------- */

enum { MD_PASSPHRASE_FILE };

static const struct cmd_option deliver_options[] = {
	[MD_PASSPHRASE_FILE] = {"passphrase-file", "FILE",
				"the passphrase of a wrapped master key"},
	{NULL, NULL, NULL},
};

static int deliver_status(int rc)
{
	switch (rc) {
	case -EINVAL:
	case -EFBIG:
		return EX_DATAERR_;
	case -ENOENT:
		return EX_NOUSER_;
	case -EPERM:
	case -EACCES:
		return EX_NOPERM_;
	default:
		return EX_TEMPFAIL_;
	}
}

static int run_deliver(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *pass_file = a->opt[MD_PASSPHRASE_FILE];
	char *msg = NULL, *pass = NULL, name[256];
	size_t len = 0, passlen = 0;
	int status, rc;

	if (cmd_read_file("-", STORE_MAIL_MAX, &msg, &len) < 0)
		return EX_TEMPFAIL_;
	status = cmd_open_store(ctx);
	if (status != CMD_OK) {
		status = EX_TEMPFAIL_;
		goto free_msg;
	}
	/* Said before the key is asked for: only the operator can read it. */
	if (!ctx->caller.operator) {
		rc = store_mail_deliver(ctx->st, &ctx->caller, a->pos[0], msg,
					len, name, sizeof(name));
		cmd_refused(ctx, rc);
		status = deliver_status(rc);
		goto free_msg;
	}
	if (pass_file && cmd_read_secret(pass_file, &pass, &passlen) < 0) {
		status = EX_TEMPFAIL_;
		goto free_msg;
	}
	rc = store_load_key(ctx->st, pass, passlen);
	cmd_free_secret(pass, passlen);
	if (rc < 0) {
		cmd_refused(ctx, rc);
		status = EX_TEMPFAIL_;
		goto free_msg;
	}
	rc = store_mail_deliver(ctx->st, &ctx->caller, a->pos[0], msg, len,
				name, sizeof(name));
	if (rc < 0) {
		cmd_refused(ctx, rc);
		status = deliver_status(rc);
		goto free_msg;
	}
	status = CMD_OK;
free_msg:
	free(msg);
	return status;
}

/* ---- store set | show ------------------------------------------------- */

enum { SS_MAIL_FROM, SS_SENDMAIL };

static const struct cmd_option store_set_options[] = {
	[SS_MAIL_FROM] = {"mail-from", "ADDR",
			  "send invitations and reminders from ADDR ('': "
			  "send none)"},
	[SS_SENDMAIL] = {"sendmail", "PATH",
			 "the sendmail(8) program (default "
			 "/usr/sbin/sendmail; '': the default)"},
	{NULL, NULL, NULL},
};

static int run_store_set(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int rc;

	if (!a->opt[SS_MAIL_FROM] && !a->opt[SS_SENDMAIL])
		return cmd_usage_error(ctx, "nothing to set: give --mail-from "
					    "or --sendmail");
	rc = store_mail_config_set(ctx->st, &ctx->caller, a->opt[SS_MAIL_FROM],
				   a->opt[SS_SENDMAIL]);
	return rc < 0 ? cmd_refused(ctx, rc) : CMD_OK;
}

static int run_store_show(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct store_mail_config m;
	struct cmd_json j;
	int rc;

	rc = store_mail_config_get(ctx->st, &m);
	if (rc < 0)
		return cmd_refused(ctx, rc);
	if (ctx->json) {
		cmd_json_init(&j, stdout);
		cmd_json_object(&j, NULL);
		cmd_json_string_or_null(&j, "mail_from", m.from);
		cmd_json_string_or_null(&j, "sendmail", m.sendmail);
		cmd_json_end_object(&j);
		cmd_json_finish(&j);
		return CMD_OK;
	}
	cmd_show("mail from", "%s", m.from);
	cmd_show("sendmail", "%s",
		 m.sendmail[0] ? m.sendmail : "/usr/sbin/sendmail");
	return CMD_OK;
}

/* ---- invitation mail -------------------------------------------------- */

/* A header value: no control character may end the header early. */
static void put_header(FILE *f, const char *name, const char *value)
{
	const unsigned char *p;
	bool ascii = true;

	for (p = (const unsigned char *)value; *p; p++)
		ascii &= *p < 128;
	fprintf(f, "%s: ", name);
	if (ascii) {
		for (p = (const unsigned char *)value; *p; p++)
			fputc(*p < 32 || *p == 127 ? ' ' : *p, f);
	} else {
		/* RFC 2047: base64 encoded words of at most 30 bytes,
		 * each a whole number of UTF-8 characters (section 5). */
		static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
					  "ghijklmnopqrstuvwxyz0123456789+/";
		size_t len = strlen(value), i, k, n;

		for (i = 0; i < len; i += n) {
			const unsigned char *s =
				(const unsigned char *)value + i;

			n = len - i < 30 ? len - i : 30;
			/* Back to the start of the character at the cut. */
			while (n > 0 && i + n < len && (s[n] & 0xc0) == 0x80)
				n--;
			if (n == 0) /* not UTF-8: cut anywhere */
				n = len - i < 30 ? len - i : 30;
			fprintf(f, "%s=?UTF-8?B?", i ? "\n " : "");
			for (k = 0; k < n; k += 3) {
				unsigned v = s[k] << 16;

				v |= k + 1 < n ? s[k + 1] << 8 : 0;
				v |= k + 2 < n ? s[k + 2] : 0;
				fputc(b64[v >> 18 & 63], f);
				fputc(b64[v >> 12 & 63], f);
				fputc(k + 1 < n ? b64[v >> 6 & 63] : '=', f);
				fputc(k + 2 < n ? b64[v & 63] : '=', f);
			}
			fputs("?=", f);
		}
	}
	fputc('\n', f);
}

static void write_letter(FILE *f, const struct store_letter *l)
{
	char date[64], subject[STORE_GROUPNAME_BYTES + 64];
	char when[64];
	time_t now = time(NULL), created = (time_t)l->created;
	struct tm tm;
	const char *who = l->inviter_name[0] && strcmp(l->inviter_name, " ")
				  ? l->inviter_name
				  : l->inviter;

	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z",
		 localtime_r(&now, &tm));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M %Z",
		 localtime_r(&created, &tm));
	snprintf(subject, sizeof(subject), "%sInvitation to join the group %s",
		 l->sent > 1 ? "Reminder: " : "", l->group);
	put_header(f, "From", l->config.from);
	put_header(f, "To", l->to);
	put_header(f, "Subject", subject);
	put_header(f, "Date", date);
	if (l->group_address[0])
		put_header(f, "Reply-To", l->group_address);
	fputs("MIME-Version: 1.0\n"
	      "Content-Type: text/plain; charset=utf-8\n"
	      "Content-Transfer-Encoding: 8bit\n"
	      "Auto-Submitted: auto-generated\n\n",
	      f);
	fprintf(f, "Hello %s,\n\n", l->invitee);
	if (l->sent > 1)
		fprintf(f, "this is a reminder: ");
	fprintf(f, "%s (%s) invites you to join the group \"%s\".\n", who,
		l->inviter[0] ? l->inviter : "-", l->group);
	if (l->description[0])
		fprintf(f, "\nAbout the group: %s\n", l->description);
	fprintf(f,
		"\nThe invitation was made on %s and stays open until you "
		"answer it.\n\n"
		"To accept it:\n\n    groupctl invitation accept %s\n\n"
		"To decline it:\n\n    groupctl invitation decline %s\n\n"
		"Your pending invitations are listed by 'groupctl invitation "
		"list' and in Private/invitations/ on your groupfs mount.\n",
		when, l->group, l->group);
}

/* How long sendmail may take to accept a letter: GROUPCTL_SENDMAIL_TIMEOUT
 * seconds (1 to 3600), 60 otherwise.  An MTA accepts a letter for its
 * queue in well under a second; one that takes longer is stuck. */
static int send_timeout(void)
{
	const char *s = getenv("GROUPCTL_SENDMAIL_TIMEOUT");
	char *end;
	long v;

	if (!s || !*s)
		return 60;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || *end || v < 1 || v > 3600 ? 60 : (int)v;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The letter as bytes: 0, or -1 with errno. */
static int letter_bytes(const struct store_letter *l, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		return -1;
	write_letter(f, l);
	if (ferror(f)) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		errno = ENOMEM;
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/*
 * Feed the letter to sendmail on the non-blocking pipe `fd` and wait for
 * it to exit, until `deadline`, when its process group is killed: its
 * wait status, whether it was killed, and in `werr` a write error.  Writes
 * stop when sendmail exits, whatever is left unwritten.
 */
static int feed_and_wait(pid_t pid, int fd, const char *buf, size_t len,
			 int64_t deadline, int *wstatus, bool *stopped,
			 int *werr)
{
	size_t off = 0;
	int64_t pause = 1, left;
	pid_t r;

	*stopped = false;
	*werr = 0;
	for (;;) {
		while (fd >= 0 && off < len) {
			ssize_t n = write(fd, buf + off, len - off);

			if (n >= 0)
				off += (size_t)n;
			else if (errno != EINTR && errno != EAGAIN) {
				*werr = errno;
				off = len;
			} else if (errno == EAGAIN)
				break;
		}
		if (fd >= 0 && off == len) {
			/* The end of the letter: sendmail -t reads to it. */
			if (close(fd) < 0 && !*werr)
				*werr = errno;
			fd = -1;
		}
		r = waitpid(pid, wstatus, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		left = deadline - now_ms();
		if (r == 0 && left <= 0) {
			/* Its whole process group: a script and what it
			 * started. */
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			*stopped = true;
			while (waitpid(pid, wstatus, 0) < 0)
				if (errno != EINTR)
					return -1;
			break;
		}
		if (left > pause)
			left = pause;
		pause = pause < 50 ? pause * 2 : 50;
		if (fd >= 0) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};

			poll(&p, 1, (int)left);
		} else {
			struct timespec ts = {0, (long)left * 1000000};

			nanosleep(&ts, NULL);
		}
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/* In the child: run sendmail on the pipe `in`; on failure, the errno goes
 * to `report` (closed on exec, so the parent reads nothing on success). */
static void run_sendmail(const char *prog, const char *from, int in, int report)
{
	/* The MTA runs as the caller, never with groupctl's set-id. */
	gid_t gid = getgid();
	uid_t uid = getuid();
	int devnull = open("/dev/null", O_WRONLY), e;

	/* Its own process group, so that a timeout stops all of it. */
	setpgid(0, 0);
	/* dup2 clears close-on-exec; fd 0 itself (no stdin) keeps it. */
	if (setresgid(gid, gid, gid) == 0 && setresuid(uid, uid, uid) == 0 &&
	    (in == 0 ? fcntl(0, F_SETFD, 0) : dup2(in, 0)) == 0) {
		if (in != 0)
			close(in);
		if (devnull > 1 && dup2(devnull, 1) == 1)
			close(devnull);
		/* -f: bounces go back to the store's sender. */
		execl(prog, prog, "-t", "-i", "-f", from, (char *)NULL);
	}
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/*
 * Hand the letter to sendmail -t -i -f FROM: 0, or -1 with a reason in
 * `why`.  Whatever sendmail does (fails to start, exits without reading
 * the letter, fails, hangs past the timeout), groupctl lives on to say
 * so: it keeps the pipe's reading end open, so that no write meets
 * SIGPIPE (ignored besides), and what is left in the pipe when sendmail
 * has exited is a letter it did not take.
 */
static int send_letter(const struct store_letter *l, char *why, size_t len)
{
	const char *prog = l->config.sendmail[0] ? l->config.sendmail
						 : "/usr/sbin/sendmail";
	int fds[2] = {-1, -1}, rep[2] = {-1, -1}, wstatus = 0, werr = 0;
	int timeout = send_timeout(), exec_err = 0, unread = 0, rc = -1;
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	char *buf = NULL;
	size_t buflen = 0;
	bool stopped = false;
	pid_t pid;

	if (letter_bytes(l, &buf, &buflen) < 0) {
		snprintf(why, len, "the letter: %s", strerror(errno));
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		goto close_pipes;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		goto close_pipes;
	}
	if (pid == 0)
		run_sendmail(prog, l->config.from, fds[0], rep[1]);
	close(rep[1]);
	rep[1] = -1;
	sigaction(SIGPIPE, &ign, &old);
	rc = fcntl(fds[1], F_SETFL, O_NONBLOCK);
	if (rc == 0)
		rc = feed_and_wait(pid, fds[1], buf, buflen,
				   now_ms() + (int64_t)timeout * 1000, &wstatus,
				   &stopped, &werr);
	else
		werr = errno;
	fds[1] = -1; /* closed by feed_and_wait */
	sigaction(SIGPIPE, &old, NULL);
	if (rc < 0) {
		snprintf(why, len, "waitpid: %s", strerror(errno));
		goto close_pipes;
	}
	rc = -1;
	if (read(rep[0], &exec_err, sizeof(exec_err)) != sizeof(exec_err))
		exec_err = 0;
	if (ioctl(fds[0], FIONREAD, &unread) < 0)
		unread = 0;
	if (exec_err)
		snprintf(why, len, "%s could not be run: %s", prog,
			 strerror(exec_err));
	else if (stopped)
		snprintf(why, len,
			 "%s did not finish within %d s and was stopped", prog,
			 timeout);
	else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0)
		snprintf(why, len, "%s exited with status %d", prog,
			 WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		snprintf(why, len, "%s was killed by signal %d", prog,
			 WTERMSIG(wstatus));
	else if (werr)
		snprintf(why, len, "writing to %s: %s", prog, strerror(werr));
	else if (unread > 0)
		snprintf(why, len, "%s exited without reading the letter",
			 prog);
	else
		rc = 0;
close_pipes:
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	free(buf);
	return rc;
}

void cmd_mail_invitation(struct cmd_ctx *ctx, const char *group,
			 const char *username)
{
	struct store_letter l;
	char why[STORE_PATH_MAX + 128], line[STORE_PATH_MAX + 512];
	int rc;

	rc = store_invitation_letter(ctx->st, &ctx->caller, group, username,
				     &l);
	if (rc < 0) {
		/* The invitation was made: only its letter is missing. */
		const char *msg = store_errmsg(ctx->st);

		snprintf(line, sizeof(line),
			 "no invitation mail to %s (%s); the invitation "
			 "stands",
			 username, msg && *msg ? msg : strerror(-rc));
		cmd_say("warning: ", line);
		return;
	}
	if (!l.config.from[0])
		return; /* the store sends no mail */
	if (!l.to[0]) {
		snprintf(line, sizeof(line),
			 "%s has no email address: no invitation mail sent",
			 username);
		cmd_say("warning: ", line);
		return;
	}
	if (send_letter(&l, why, sizeof(why)) == 0)
		return;
	snprintf(line, sizeof(line),
		 "the invitation mail to %s was not sent (%s); the "
		 "invitation stands",
		 username, why);
	cmd_say("warning: ", line);
}

const struct cmd cmd_mail_commands[] = {
	{
		.noun = "mail",
		.verb = "deliver",
		.synopsis = "GROUP [--passphrase-file FILE]",
		.summary = "deliver the message on standard input into a "
			   "group's mail/new/ (the store operator: an MTA)",
		.help = "GROUP is a group's name or its recorded address. For "
			"an MTA's pipe transport; the exit status follows "
			"sysexits(3): 0 delivered, 65 not a message (no "
			"header, no empty line after it, a NUL byte, larger "
			"than 32 MiB), 67 no such group, 75 try again later "
			"(the group is at its capacity, the store is busy), "
			"77 not the store operator.",
		.min_args = 1,
		.max_args = 1,
		.options = deliver_options,
		.flags = CMD_OWN_STORE,
		.run = run_deliver,
	},
	{
		.noun = "store",
		.verb = "set",
		.synopsis = "[--mail-from ADDR] [--sendmail PATH]",
		.summary = "set how the store sends mail (the store operator)",
		.help = "With a sender address, group invite and group resend "
			"mail the invitee through sendmail -t -i -f ADDR; one "
			"that fails, or takes longer than "
			"GROUPCTL_SENDMAIL_TIMEOUT seconds (default 60), is a "
			"warning and the invitation stands.",
		.options = store_set_options,
		.run = run_store_set,
	},
	{
		.noun = "store",
		.verb = "show",
		.synopsis = "",
		.summary = "show how the store sends mail",
		.run = run_store_show,
	},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL},
};
