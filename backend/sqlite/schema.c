// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SQLite engine's schema: one entry per version, and the migration
 * that brings a store up to date.  The triggers here keep the duties every
 * engine has (meta.h, "What every engine keeps"): the spaces' counters, the
 * rights generation, the journal, the end of a node's links.
 */
#include <stdio.h>

#include "engine.h"

/* A change of rights or membership: the daemons re-check open handles. */
#define RIGHTS_CHANGED                                                       \
	"UPDATE meta SET v = v + 1 WHERE k = 'rights';"                       \
	"INSERT INTO journal (origin, ino, parent, at)"                       \
	" VALUES (gfs_origin(), 0, 0, unixepoch());"

/*
 * The schema, one entry per version.  A store at version N runs entries
 * N..end in one transaction.  Never edit an entry that has shipped: add one.
 */
static const char *const migrations[] = {
	/* 1: the group model */
	"CREATE TABLE plan ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  max_groups INTEGER NOT NULL CHECK (max_groups >= 0),"
	"  max_members INTEGER NOT NULL CHECK (max_members >= 0),"
	"  group_bytes INTEGER NOT NULL CHECK (group_bytes >= 0),"
	"  private_bytes INTEGER NOT NULL CHECK (private_bytes >= 0));"
	"CREATE TABLE account ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE,"
	"  first TEXT NOT NULL, last TEXT NOT NULL,"
	"  org TEXT NOT NULL DEFAULT '', email TEXT NOT NULL,"
	"  photo BLOB, photo_type TEXT NOT NULL DEFAULT '',"
	"  pwhash TEXT,"
	"  plan_id INTEGER NOT NULL REFERENCES plan(id),"
	"  unix_uid INTEGER UNIQUE,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX account_plan ON account(plan_id);"
	"CREATE TABLE grp ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  name_key TEXT NOT NULL UNIQUE,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  published INTEGER NOT NULL DEFAULT 0,"
	"  members_published INTEGER NOT NULL DEFAULT 0"
	"    CHECK (members_published = 0 OR published = 1),"
	"  open INTEGER NOT NULL DEFAULT 0 CHECK (open = 0 OR published = 1),"
	"  business INTEGER NOT NULL DEFAULT 0,"
	"  sector TEXT NOT NULL DEFAULT '' CHECK (sector = '' OR business = 1),"
	"  language TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE membership ("
	"  group_id INTEGER NOT NULL REFERENCES grp(id) ON DELETE CASCADE,"
	"  account_id INTEGER NOT NULL REFERENCES account(id)"
	"    ON DELETE CASCADE,"
	"  role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),"
	"  joined INTEGER NOT NULL,"
	"  PRIMARY KEY (group_id, account_id)) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX membership_one_admin ON membership(group_id)"
	"  WHERE role = 3;"
	"CREATE INDEX membership_account ON membership(account_id, role);"
	"CREATE TABLE invitation ("
	"  group_id INTEGER NOT NULL REFERENCES grp(id) ON DELETE CASCADE,"
	"  account_id INTEGER NOT NULL REFERENCES account(id)"
	"    ON DELETE CASCADE,"
	"  invited_by INTEGER REFERENCES account(id) ON DELETE SET NULL,"
	"  created INTEGER NOT NULL, last_sent INTEGER NOT NULL,"
	"  sent INTEGER NOT NULL DEFAULT 1,"
	"  PRIMARY KEY (group_id, account_id)) WITHOUT ROWID;"
	"CREATE INDEX invitation_account ON invitation(account_id);"
	"CREATE INDEX invitation_by ON invitation(invited_by);"
	/* A space is a group's or an account's tree; quota is kept here. */
	"CREATE TABLE space ("
	"  id INTEGER PRIMARY KEY,"
	"  group_id INTEGER UNIQUE REFERENCES grp(id) ON DELETE CASCADE,"
	"  account_id INTEGER UNIQUE REFERENCES account(id) ON DELETE CASCADE,"
	"  root INTEGER NOT NULL DEFAULT 0,"
	"  documents INTEGER NOT NULL DEFAULT 0,"
	"  calendar INTEGER NOT NULL DEFAULT 0,"
	"  contacts INTEGER NOT NULL DEFAULT 0,"
	"  drop_dir INTEGER NOT NULL DEFAULT 0,"
	"  used INTEGER NOT NULL DEFAULT 0,"
	"  files INTEGER NOT NULL DEFAULT 0,"
	"  CHECK ((group_id IS NULL) <> (account_id IS NULL)));"
	/* Node ids are inode numbers: AUTOINCREMENT so none is reused. */
	"CREATE TABLE node ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  space_id INTEGER REFERENCES space(id) ON DELETE CASCADE,"
	"  tool INTEGER NOT NULL,"
	"  mode INTEGER NOT NULL,"
	"  nlink INTEGER NOT NULL DEFAULT 1,"
	"  size INTEGER NOT NULL DEFAULT 0,"
	"  creator INTEGER REFERENCES account(id) ON DELETE SET NULL,"
	"  editors_all INTEGER NOT NULL DEFAULT 0,"
	"  atime INTEGER NOT NULL, mtime INTEGER NOT NULL,"
	"  ctime INTEGER NOT NULL,"
	"  target TEXT);"
	"CREATE INDEX node_space ON node(space_id);"
	"CREATE INDEX node_creator ON node(creator);"
	"CREATE TABLE dirent ("
	"  parent INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  child INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (parent, name)) WITHOUT ROWID;"
	"CREATE INDEX dirent_child ON dirent(child);"
	/* add/delete settings: a row means the folder has its own setting */
	"CREATE TABLE acl ("
	"  node INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,"
	"  perm INTEGER NOT NULL,"
	"  all_members INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (node, perm)) WITHOUT ROWID;"
	"CREATE TABLE acl_member ("
	"  node INTEGER NOT NULL,"
	"  perm INTEGER NOT NULL,"
	"  account_id INTEGER NOT NULL REFERENCES account(id)"
	"    ON DELETE CASCADE,"
	"  PRIMARY KEY (node, perm, account_id),"
	"  FOREIGN KEY (node, perm) REFERENCES acl(node, perm)"
	"    ON DELETE CASCADE) WITHOUT ROWID;"
	"CREATE INDEX acl_member_account ON acl_member(account_id);"
	"CREATE TABLE editor ("
	"  node INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,"
	"  account_id INTEGER NOT NULL REFERENCES account(id)"
	"    ON DELETE CASCADE,"
	"  PRIMARY KEY (node, account_id)) WITHOUT ROWID;"
	"CREATE INDEX editor_account ON editor(account_id);"
	/* Personal calendar grants, held through the groups shared at grant
	 * time: the grant ends with its last group link. */
	"CREATE TABLE cal_grant ("
	"  owner_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
	"  grantee_id INTEGER NOT NULL REFERENCES account(id)"
	"    ON DELETE CASCADE,"
	"  rights INTEGER NOT NULL CHECK (rights BETWEEN 1 AND 15),"
	"  PRIMARY KEY (owner_id, grantee_id)) WITHOUT ROWID;"
	"CREATE INDEX cal_grant_grantee ON cal_grant(grantee_id);"
	"CREATE TABLE cal_grant_via ("
	"  owner_id INTEGER NOT NULL,"
	"  grantee_id INTEGER NOT NULL,"
	"  group_id INTEGER NOT NULL REFERENCES grp(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (owner_id, grantee_id, group_id),"
	"  FOREIGN KEY (owner_id, grantee_id)"
	"    REFERENCES cal_grant(owner_id, grantee_id) ON DELETE CASCADE)"
	"  WITHOUT ROWID;"
	"CREATE INDEX cal_grant_via_group ON cal_grant_via(group_id);"
	/* The root of the mount is node 1. */
	"INSERT INTO node (id, space_id, tool, mode, nlink, atime, mtime, ctime)"
	"  VALUES (1, NULL, 0, 16877, 2, unixepoch() * 1000000000,"
	"  unixepoch() * 1000000000, unixepoch() * 1000000000);",
	/* 2: content, extended attributes, quota and change journal */
	"ALTER TABLE node ADD COLUMN cid BLOB;"
	"ALTER TABLE node ADD COLUMN inline BLOB;"
	"ALTER TABLE node ADD COLUMN chunked INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE space ADD COLUMN members_dir INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE xattr ("
	"  node INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, value BLOB NOT NULL,"
	"  PRIMARY KEY (node, name)) WITHOUT ROWID;"
	"CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"
	"  WITHOUT ROWID;"
	"INSERT INTO meta VALUES ('rights', 0), ('sync', 0);"
	/* Content files to remove once the transaction that freed them has
	 * committed. */
	"CREATE TABLE trash (cid BLOB PRIMARY KEY) WITHOUT ROWID;"
	/* What changed, for the caches of other processes' mounts. */
	"CREATE TABLE journal ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  origin INTEGER NOT NULL, ino INTEGER NOT NULL,"
	"  parent INTEGER NOT NULL, name TEXT, at INTEGER NOT NULL);"
	/* Bytes in use: every regular file at its apparent size. */
	"CREATE TRIGGER node_used_insert AFTER INSERT ON node"
	"  WHEN (new.mode & 61440) = 32768 AND new.size <> 0 BEGIN"
	"  UPDATE space SET used = used + new.size WHERE id = new.space_id;"
	"  END;"
	"CREATE TRIGGER node_used_update AFTER UPDATE OF size ON node"
	"  WHEN (new.mode & 61440) = 32768 AND new.size <> old.size BEGIN"
	"  UPDATE space SET used = used + new.size - old.size"
	"  WHERE id = new.space_id; END;"
	"CREATE TRIGGER node_used_delete AFTER DELETE ON node"
	"  WHEN (old.mode & 61440) = 32768 BEGIN"
	"  UPDATE space SET used = used - old.size WHERE id = old.space_id;"
	"  END;"
	"CREATE TRIGGER node_trash AFTER DELETE ON node"
	"  WHEN old.chunked = 1 AND old.cid IS NOT NULL BEGIN"
	"  INSERT OR IGNORE INTO trash (cid) VALUES (old.cid); END;"
	"CREATE TRIGGER node_changed AFTER UPDATE ON node BEGIN"
	"  INSERT INTO journal (origin, ino, parent, at)"
	"  VALUES (gfs_origin(), new.id, 0, unixepoch()); END;"
	"CREATE TRIGGER dirent_insert AFTER INSERT ON dirent BEGIN"
	"  INSERT INTO journal (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, new.parent, new.name, unixepoch()); END;"
	"CREATE TRIGGER dirent_delete AFTER DELETE ON dirent BEGIN"
	"  INSERT INTO journal (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, old.parent, old.name, unixepoch()); END;"
	"CREATE TRIGGER dirent_update AFTER UPDATE ON dirent BEGIN"
	"  INSERT INTO journal (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, old.parent, old.name, unixepoch());"
	"  INSERT INTO journal (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, new.parent, new.name, unixepoch()); END;"
	"CREATE TRIGGER membership_insert_rights AFTER INSERT ON membership"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER membership_update_rights AFTER UPDATE ON membership"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER membership_delete_rights AFTER DELETE ON membership"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER acl_insert_rights AFTER INSERT ON acl"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER acl_update_rights AFTER UPDATE ON acl"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER acl_delete_rights AFTER DELETE ON acl"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER acl_member_insert_rights AFTER INSERT ON acl_member"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER acl_member_update_rights AFTER UPDATE ON acl_member"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER acl_member_delete_rights AFTER DELETE ON acl_member"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER editor_insert_rights AFTER INSERT ON editor"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER editor_update_rights AFTER UPDATE ON editor"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER editor_delete_rights AFTER DELETE ON editor"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER cal_grant_insert_rights AFTER INSERT ON cal_grant"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER cal_grant_update_rights AFTER UPDATE ON cal_grant"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER cal_grant_delete_rights AFTER DELETE ON cal_grant"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER cal_grant_via_insert_rights AFTER INSERT ON cal_grant_via"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER cal_grant_via_update_rights AFTER UPDATE ON cal_grant_via"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER cal_grant_via_delete_rights AFTER DELETE ON cal_grant_via"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER plan_insert_rights AFTER INSERT ON plan"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER plan_update_rights AFTER UPDATE ON plan"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER plan_delete_rights AFTER DELETE ON plan"
	"  BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER account_rights AFTER UPDATE OF plan_id, unix_uid"
	"  ON account BEGIN " RIGHTS_CHANGED " END;"
	"CREATE TRIGGER node_editors AFTER UPDATE OF editors_all, creator"
	"  ON node BEGIN " RIGHTS_CHANGED " END;",
	/* 3: calendar and contact items, the members' generated files */
	"CREATE TABLE item ("
	"  node INTEGER PRIMARY KEY REFERENCES node(id) ON DELETE CASCADE,"
	"  dir INTEGER NOT NULL,"
	"  uid BLOB,"		/* keyed hash of the UID: no plaintext */
	"  kind INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX item_uid ON item(dir, uid) WHERE uid IS NOT NULL;"
	"ALTER TABLE node ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;",
	/* 4: nodes consumed by a save-pattern rename */
	"ALTER TABLE node ADD COLUMN alias INTEGER;",
	/* 5: the cipher of a node's content (0: XChaCha20-Poly1305, the
	 * only one before; 1: AES-256-GCM with a key per content) */
	"ALTER TABLE node ADD COLUMN cipher INTEGER NOT NULL DEFAULT 0;",
	/* 6: every byte a member can store counts.  space.meta holds the
	 * bytes of extended attributes (name and value) and of symbolic
	 * link targets; space.files counts the names members made (files,
	 * folders, links; not the space's own folders, the members' drop
	 * folders or the generated members/), kept by triggers where the
	 * code used to count nodes by hand.  Counters are recomputed, and
	 * group name keys refolded (look-alike forms fold to one key; a key
	 * that would collide stays as it was, and check reports it). */
	"ALTER TABLE space ADD COLUMN meta INTEGER NOT NULL DEFAULT 0;"
	"CREATE TRIGGER xattr_meta_insert AFTER INSERT ON xattr BEGIN"
	"  UPDATE space SET meta = meta + length(CAST(new.name AS BLOB))"
	"  + length(CAST(new.value AS BLOB))"
	"  WHERE id = (SELECT space_id FROM node WHERE id = new.node); END;"
	"CREATE TRIGGER xattr_meta_delete AFTER DELETE ON xattr BEGIN"
	"  UPDATE space SET meta = meta - length(CAST(old.name AS BLOB))"
	"  - length(CAST(old.value AS BLOB))"
	"  WHERE id = (SELECT space_id FROM node WHERE id = old.node); END;"
	"CREATE TRIGGER xattr_meta_update AFTER UPDATE ON xattr BEGIN"
	"  UPDATE space SET meta = meta - length(CAST(old.name AS BLOB))"
	"  - length(CAST(old.value AS BLOB))"
	"  WHERE id = (SELECT space_id FROM node WHERE id = old.node);"
	"  UPDATE space SET meta = meta + length(CAST(new.name AS BLOB))"
	"  + length(CAST(new.value AS BLOB))"
	"  WHERE id = (SELECT space_id FROM node WHERE id = new.node); END;"
	/* The cascade from node to xattr runs once the node is gone: take
	 * the attributes first, while their space is known. */
	"CREATE TRIGGER node_xattr_delete BEFORE DELETE ON node BEGIN"
	"  DELETE FROM xattr WHERE node = old.id; END;"
	"CREATE TRIGGER node_target_insert AFTER INSERT ON node"
	"  WHEN new.target IS NOT NULL BEGIN"
	"  UPDATE space SET meta = meta + length(CAST(new.target AS BLOB))"
	"  WHERE id = new.space_id; END;"
	"CREATE TRIGGER node_target_update AFTER UPDATE OF target, space_id"
	"  ON node WHEN new.target IS NOT old.target"
	"  OR new.space_id IS NOT old.space_id BEGIN"
	"  UPDATE space SET meta = meta"
	"  - coalesce(length(CAST(old.target AS BLOB)), 0)"
	"  WHERE id = old.space_id;"
	"  UPDATE space SET meta = meta"
	"  + coalesce(length(CAST(new.target AS BLOB)), 0)"
	"  WHERE id = new.space_id; END;"
	"CREATE TRIGGER node_target_delete AFTER DELETE ON node"
	"  WHEN old.target IS NOT NULL BEGIN"
	"  UPDATE space SET meta = meta - length(CAST(old.target AS BLOB))"
	"  WHERE id = old.space_id; END;"
	"CREATE TRIGGER dirent_files_insert AFTER INSERT ON dirent BEGIN"
	"  UPDATE space SET files = files + 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = new.child AND tool <> 5)"
	"  AND new.parent NOT IN (root, drop_dir); END;"
	"CREATE TRIGGER dirent_files_delete AFTER DELETE ON dirent BEGIN"
	"  UPDATE space SET files = files - 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = old.child AND tool <> 5)"
	"  AND old.parent NOT IN (root, drop_dir); END;"
	"CREATE TRIGGER dirent_files_update AFTER UPDATE OF parent, child"
	"  ON dirent BEGIN"
	"  UPDATE space SET files = files - 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = old.child AND tool <> 5)"
	"  AND old.parent NOT IN (root, drop_dir);"
	"  UPDATE space SET files = files + 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = new.child AND tool <> 5)"
	"  AND new.parent NOT IN (root, drop_dir); END;"
	"UPDATE space SET"
	"  used = coalesce((SELECT sum(n.size) FROM node n WHERE n.space_id ="
	"  space.id AND (n.mode & 61440) = 32768), 0),"
	"  meta = coalesce((SELECT sum(length(CAST(x.name AS BLOB))"
	"  + length(CAST(x.value AS BLOB))) FROM xattr x JOIN node n"
	"  ON n.id = x.node WHERE n.space_id = space.id), 0)"
	"  + coalesce((SELECT sum(length(CAST(n.target AS BLOB))) FROM node n"
	"  WHERE n.space_id = space.id AND n.target IS NOT NULL), 0),"
	"  files = (SELECT count(*) FROM dirent d JOIN node c ON c.id ="
	"  d.child WHERE c.space_id = space.id AND c.tool <> 5"
	"  AND d.parent NOT IN (space.root, space.drop_dir));"
	"UPDATE OR IGNORE grp SET name_key = gfs_fold(name)"
	"  WHERE gfs_fold(name) IS NOT NULL;",
	/* issue 14, the group's shared mailbox: each group space's mail/
	 * (made by mail.c), the groups' addresses and how the store sends
	 * mail (key 'from', 'sendmail'). */
	"ALTER TABLE space ADD COLUMN mail INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE mail_address ("
	"  group_id INTEGER PRIMARY KEY REFERENCES grp(id) ON DELETE CASCADE,"
	"  address TEXT NOT NULL UNIQUE COLLATE NOCASE);"
	"CREATE TABLE mail_config (k TEXT PRIMARY KEY, v TEXT NOT NULL)"
	"  WITHOUT ROWID;"
	/* The Maildir's own cur/, new/, tmp/ are the space's, like its
	 * tools: no entries of a member's. */
	"DROP TRIGGER dirent_files_insert;"
	"DROP TRIGGER dirent_files_delete;"
	"DROP TRIGGER dirent_files_update;"
	"CREATE TRIGGER dirent_files_insert AFTER INSERT ON dirent BEGIN"
	"  UPDATE space SET files = files + 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = new.child AND tool <> 5)"
	"  AND new.parent NOT IN (root, drop_dir) AND NOT (new.parent = mail"
	"  AND new.name IN ('cur', 'new', 'tmp')); END;"
	"CREATE TRIGGER dirent_files_delete AFTER DELETE ON dirent BEGIN"
	"  UPDATE space SET files = files - 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = old.child AND tool <> 5)"
	"  AND old.parent NOT IN (root, drop_dir) AND NOT (old.parent = mail"
	"  AND old.name IN ('cur', 'new', 'tmp')); END;"
	"CREATE TRIGGER dirent_files_update AFTER UPDATE OF parent, child"
	"  ON dirent BEGIN"
	"  UPDATE space SET files = files - 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = old.child AND tool <> 5)"
	"  AND old.parent NOT IN (root, drop_dir) AND NOT (old.parent = mail"
	"  AND old.name IN ('cur', 'new', 'tmp'));"
	"  UPDATE space SET files = files + 1 WHERE id = (SELECT space_id"
	"  FROM node WHERE id = new.child AND tool <> 5)"
	"  AND new.parent NOT IN (root, drop_dir) AND NOT (new.parent = mail"
	"  AND new.name IN ('cur', 'new', 'tmp')); END;",
	/* issue 13, public links: a hash of each token (never the token),
	 * the published node, its expiry (0: none); gone with their space
	 * (group or account) and their node.  link_setting: 'base_url'. */
	"CREATE TABLE link ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  space_id INTEGER NOT NULL REFERENCES space(id) ON DELETE CASCADE,"
	"  node INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,"
	"  tool INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES account(id) ON DELETE SET NULL,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX link_space ON link(space_id);"
	"CREATE INDEX link_node ON link(node);"
	"CREATE INDEX link_created_by ON link(created_by);"
	"CREATE TABLE link_setting (k TEXT PRIMARY KEY, v TEXT NOT NULL)"
	"  WITHOUT ROWID;",
	/* issue 12, history: trash and earlier versions (history.c).  A
	 * node kept by history has no name and node.hist set; its bytes
	 * count in space.hist_used, not in space.used.  hist_dir holds the
	 * folders of the view <space>/history/trash|versions/... */
	"ALTER TABLE node ADD COLUMN hist INTEGER;"
	"ALTER TABLE space ADD COLUMN hist_used INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE grp ADD COLUMN keep_days INTEGER NOT NULL DEFAULT 30;"
	"ALTER TABLE grp ADD COLUMN keep_versions INTEGER NOT NULL"
	"  DEFAULT 20;"
	"CREATE TABLE hist_dir ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  space_id INTEGER NOT NULL REFERENCES space(id) ON DELETE CASCADE,"
	"  parent INTEGER NOT NULL, name TEXT NOT NULL,"
	"  UNIQUE (parent, name));"
	"CREATE INDEX hist_dir_space ON hist_dir(space_id);"
	"CREATE TABLE hist ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  space_id INTEGER NOT NULL REFERENCES space(id) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL, hdir INTEGER NOT NULL, name TEXT NOT NULL,"
	"  node INTEGER, is_dir INTEGER NOT NULL DEFAULT 0,"
	"  tool INTEGER NOT NULL, dir INTEGER NOT NULL, at INTEGER NOT NULL,"
	"  actor INTEGER, drop_owner INTEGER NOT NULL DEFAULT 0,"
	"  dropper INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX hist_space_at ON hist(space_id, at);"
	"CREATE INDEX hist_hdir ON hist(hdir, name, at);"
	"CREATE INDEX hist_node ON hist(node);"
	"CREATE INDEX node_hist ON node(hist) WHERE hist IS NOT NULL;"
	"CREATE TRIGGER hist_delete AFTER DELETE ON hist"
	"  WHEN old.node IS NOT NULL BEGIN"
	"  DELETE FROM node WHERE id = old.node AND hist = old.id; END;"
	"DROP TRIGGER node_used_insert;"
	"CREATE TRIGGER node_used_insert AFTER INSERT ON node"
	"  WHEN (new.mode & 61440) = 32768 AND new.size <> 0 BEGIN"
	"  UPDATE space SET used = used + iif(new.hist IS NULL, new.size, 0),"
	"  hist_used = hist_used + iif(new.hist IS NULL, 0, new.size)"
	"  WHERE id = new.space_id; END;"
	"DROP TRIGGER node_used_update;"
	"CREATE TRIGGER node_used_update AFTER UPDATE OF size, hist ON node"
	"  WHEN (new.mode & 61440) = 32768 AND (new.size <> old.size"
	"  OR new.hist IS NOT old.hist) BEGIN"
	"  UPDATE space SET"
	"  used = used - iif(old.hist IS NULL, old.size, 0)"
	"  + iif(new.hist IS NULL, new.size, 0),"
	"  hist_used = hist_used - iif(old.hist IS NULL, 0, old.size)"
	"  + iif(new.hist IS NULL, 0, new.size)"
	"  WHERE id = new.space_id; END;"
	"DROP TRIGGER node_used_delete;"
	"CREATE TRIGGER node_used_delete AFTER DELETE ON node"
	"  WHEN (old.mode & 61440) = 32768 BEGIN"
	"  UPDATE space SET used = used - iif(old.hist IS NULL, old.size, 0),"
	"  hist_used = hist_used - iif(old.hist IS NULL, 0, old.size)"
	"  WHERE id = old.space_id; END;",
	/* issue 12, the file managers' trash (gtrash.c): what each account
	 * moved to .Trash-UID/files/, by the name GIO gave it there. */
	"CREATE TABLE gtrash ("
	"  account_id INTEGER NOT NULL REFERENCES account(id)"
	"    ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  space_id INTEGER NOT NULL REFERENCES space(id) ON DELETE CASCADE,"
	"  hist INTEGER, hdir INTEGER, at INTEGER NOT NULL,"
	"  PRIMARY KEY (account_id, name)) WITHOUT ROWID;"
	"CREATE INDEX gtrash_space ON gtrash(space_id);",
	/* issue 12, history in free room only: the extended attributes and
	 * link targets of nodes kept by history leave space.meta (and come
	 * back when restored), as their bytes leave space.used. */
	"DROP TRIGGER xattr_meta_insert;"
	"CREATE TRIGGER xattr_meta_insert AFTER INSERT ON xattr BEGIN"
	"  UPDATE space SET meta = meta + length(CAST(new.name AS BLOB))"
	"  + length(CAST(new.value AS BLOB)) WHERE id = (SELECT space_id"
	"  FROM node WHERE id = new.node AND hist IS NULL); END;"
	"DROP TRIGGER xattr_meta_delete;"
	"CREATE TRIGGER xattr_meta_delete AFTER DELETE ON xattr BEGIN"
	"  UPDATE space SET meta = meta - length(CAST(old.name AS BLOB))"
	"  - length(CAST(old.value AS BLOB)) WHERE id = (SELECT space_id"
	"  FROM node WHERE id = old.node AND hist IS NULL); END;"
	"DROP TRIGGER xattr_meta_update;"
	"CREATE TRIGGER xattr_meta_update AFTER UPDATE ON xattr BEGIN"
	"  UPDATE space SET meta = meta - length(CAST(old.name AS BLOB))"
	"  - length(CAST(old.value AS BLOB)) WHERE id = (SELECT space_id"
	"  FROM node WHERE id = old.node AND hist IS NULL);"
	"  UPDATE space SET meta = meta + length(CAST(new.name AS BLOB))"
	"  + length(CAST(new.value AS BLOB)) WHERE id = (SELECT space_id"
	"  FROM node WHERE id = new.node AND hist IS NULL); END;"
	"DROP TRIGGER node_target_insert;"
	"CREATE TRIGGER node_target_insert AFTER INSERT ON node"
	"  WHEN new.target IS NOT NULL AND new.hist IS NULL BEGIN"
	"  UPDATE space SET meta = meta + length(CAST(new.target AS BLOB))"
	"  WHERE id = new.space_id; END;"
	"DROP TRIGGER node_target_update;"
	"CREATE TRIGGER node_target_update AFTER UPDATE OF target, space_id,"
	"  hist ON node WHEN new.target IS NOT old.target"
	"  OR new.space_id IS NOT old.space_id OR new.hist IS NOT old.hist"
	"  BEGIN"
	"  UPDATE space SET meta = meta - iif(old.hist IS NULL,"
	"  coalesce(length(CAST(old.target AS BLOB)), 0), 0)"
	"  WHERE id = old.space_id;"
	"  UPDATE space SET meta = meta + iif(new.hist IS NULL,"
	"  coalesce(length(CAST(new.target AS BLOB)), 0), 0)"
	"  WHERE id = new.space_id; END;"
	"DROP TRIGGER node_target_delete;"
	"CREATE TRIGGER node_target_delete AFTER DELETE ON node"
	"  WHEN old.target IS NOT NULL AND old.hist IS NULL BEGIN"
	"  UPDATE space SET meta = meta - length(CAST(old.target AS BLOB))"
	"  WHERE id = old.space_id; END;"
	"CREATE TRIGGER node_hist_xattr AFTER UPDATE OF hist ON node"
	"  WHEN (new.hist IS NULL) <> (old.hist IS NULL) BEGIN"
	"  UPDATE space SET meta = meta + iif(new.hist IS NULL, 1, -1)"
	"  * coalesce((SELECT sum(length(CAST(name AS BLOB))"
	"  + length(CAST(value AS BLOB))) FROM xattr WHERE node = new.id), 0)"
	"  WHERE id = new.space_id; END;",
	/* issue 14, Private/invitations/: which invitation a generated file
	 * shows; the file goes with the invitation, whatever ends it. */
	"CREATE TABLE invitation_file ("
	"  node INTEGER PRIMARY KEY REFERENCES node(id) ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL, account_id INTEGER NOT NULL);"
	"CREATE INDEX invitation_file_of ON invitation_file(group_id,"
	"  account_id);"
	"CREATE TRIGGER invitation_file_delete AFTER DELETE ON invitation"
	"  BEGIN DELETE FROM node WHERE id IN (SELECT node FROM"
	"  invitation_file WHERE group_id = old.group_id AND"
	"  account_id = old.account_id); END;",
	/* issue 12: node_hist_xattr and node_target_update (history in free
	 * room) run only where there is something to move, so a deletion
	 * costs no update of its space. */
	"DROP TRIGGER node_hist_xattr;"
	"CREATE TRIGGER node_hist_xattr AFTER UPDATE OF hist ON node"
	"  WHEN (new.hist IS NULL) <> (old.hist IS NULL)"
	"  AND EXISTS (SELECT 1 FROM xattr WHERE node = new.id) BEGIN"
	"  UPDATE space SET meta = meta + iif(new.hist IS NULL, 1, -1)"
	"  * coalesce((SELECT sum(length(CAST(name AS BLOB))"
	"  + length(CAST(value AS BLOB))) FROM xattr WHERE node = new.id), 0)"
	"  WHERE id = new.space_id; END;"
	"DROP TRIGGER node_target_update;"
	"CREATE TRIGGER node_target_update AFTER UPDATE OF target, space_id,"
	"  hist ON node WHEN new.target IS NOT old.target"
	"  OR new.space_id IS NOT old.space_id"
	"  OR (new.hist IS NOT old.hist AND new.target IS NOT NULL) BEGIN"
	"  UPDATE space SET meta = meta - iif(old.hist IS NULL,"
	"  coalesce(length(CAST(old.target AS BLOB)), 0), 0)"
	"  WHERE id = old.space_id;"
	"  UPDATE space SET meta = meta + iif(new.hist IS NULL,"
	"  coalesce(length(CAST(new.target AS BLOB)), 0), 0)"
	"  WHERE id = new.space_id; END;",
	/* History entry removed (purge, expiry, eviction, retention, Empty
	 * trash) while its item is still open here or in another daemon:
	 * the item lives on as an ordinary unlinked open file (hist NULL,
	 * nlink 0, counted in used), freed at its last close, so the open
	 * descriptors keep working (SPEC.md section 3). */
	"DROP TRIGGER hist_delete;"
	"CREATE TRIGGER hist_delete AFTER DELETE ON hist"
	"  WHEN old.node IS NOT NULL BEGIN"
	"  UPDATE node SET hist = NULL, nlink = 0 WHERE id = old.node"
	"  AND hist = old.id AND gfs_node_open(old.node);"
	"  DELETE FROM node WHERE id = old.node AND hist = old.id; END;",
	/* issue 12, the file managers' trash (gtrash.c): the history
	 * entries each move into .Trash-UID/files/ made (gtrash_item), and
	 * the view folders that show them there (gtrash_dir, its ids the
	 * inode numbers): listing, Restore and Empty of that entry touch
	 * those entries only, never earlier deletions at the same path. */
	"CREATE TABLE gtrash_item ("
	"  account_id INTEGER NOT NULL, name TEXT NOT NULL,"
	"  hist INTEGER NOT NULL, PRIMARY KEY (account_id, name, hist),"
	"  FOREIGN KEY (account_id, name) REFERENCES gtrash(account_id, name)"
	"    ON DELETE CASCADE) WITHOUT ROWID;"
	"CREATE INDEX gtrash_item_hist ON gtrash_item(hist);"
	"CREATE TABLE gtrash_dir ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  account_id INTEGER NOT NULL, name TEXT NOT NULL,"
	"  hdir INTEGER NOT NULL, UNIQUE (account_id, name, hdir),"
	"  FOREIGN KEY (account_id, name) REFERENCES gtrash(account_id, name)"
	"    ON DELETE CASCADE);",
	/* History in free room, whatever it holds: each entry costs its
	 * item's metadata (link target, extended attributes) and a fixed
	 * 2048 bytes (quota.c ENTRY_BYTES: the database's cost of an
	 * entry) in space.hist_used, beside its content bytes, so symbolic
	 * links, empty files and folders in history count and give way. */
	"ALTER TABLE hist ADD COLUMN cost INTEGER NOT NULL DEFAULT 0;"
	"UPDATE hist SET cost = 2048 + coalesce((SELECT"
	"  length(CAST(n.target AS BLOB)) FROM node n WHERE n.id = hist.node"
	"  AND n.hist = hist.id), 0) + coalesce((SELECT"
	"  sum(length(CAST(x.name AS BLOB)) + length(CAST(x.value AS BLOB)))"
	"  FROM xattr x JOIN node n ON n.id = x.node WHERE x.node = hist.node"
	"  AND n.hist = hist.id), 0);"
	"UPDATE space SET hist_used = hist_used + coalesce((SELECT sum(cost)"
	"  FROM hist WHERE hist.space_id = space.id), 0);"
	"CREATE TRIGGER hist_cost_insert AFTER INSERT ON hist"
	"  WHEN new.cost <> 0 BEGIN"
	"  UPDATE space SET hist_used = hist_used + new.cost"
	"  WHERE id = new.space_id; END;"
	"CREATE TRIGGER hist_cost_delete AFTER DELETE ON hist"
	"  WHEN old.cost <> 0 BEGIN"
	"  UPDATE space SET hist_used = hist_used - old.cost"
	"  WHERE id = old.space_id; END;",
	/* A view folder of history (hist_dir) left with no entry below it
	 * goes in the transaction that removed its last entry, whatever
	 * removed it (purge, expiry, eviction, retention, Empty trash):
	 * gfs_hist_gone notes the folder, txn_end prunes (history.c). */
	"CREATE TRIGGER hist_dir_gone AFTER DELETE ON hist BEGIN"
	"  SELECT gfs_hist_gone(old.space_id, old.hdir); END;"
	/* Those left so far go: all but the folders holding something and
	 * their parents. */
	"WITH RECURSIVE keep(id) AS (SELECT d.id FROM hist_dir d"
	"  WHERE EXISTS (SELECT 1 FROM hist h WHERE h.hdir = ((1 << 48) | d.id))"
	"  OR EXISTS (SELECT 1 FROM gtrash g WHERE g.hdir = ((1 << 48) | d.id))"
	"  OR EXISTS (SELECT 1 FROM gtrash_dir g"
	"  WHERE g.hdir = ((1 << 48) | d.id))"
	"  UNION SELECT p.id FROM keep k JOIN hist_dir c ON c.id = k.id"
	"  JOIN hist_dir p ON c.parent = ((1 << 48) | p.id))"
	"  DELETE FROM hist_dir WHERE id NOT IN (SELECT id FROM keep);",
	/* A deletion writes each index of the rows it touches: no query
	 * looks history up by node (hist_delete goes by node id), and only
	 * groupctl check looks for nodes held by history. */
	"DROP INDEX hist_node;"
	"DROP INDEX node_hist;",
	/* issue 13: a link ends when its file loses its last name, to the
	 * trash or for good, as a folder's link ends with the folder.  A
	 * restore (which needs only the add right) brings the file back,
	 * never its publication: only an administrator publishes. */
	"CREATE TRIGGER link_node_unnamed AFTER UPDATE OF nlink ON node"
	"  WHEN new.nlink = 0 AND old.nlink <> 0 BEGIN"
	"  DELETE FROM link WHERE node = new.id; END;"
	"DELETE FROM link WHERE node IN (SELECT id FROM node"
	"  WHERE nlink = 0);",
	/* issue 10: the access generation (meta_access_gen) is the sum of
	 * 'rights' and 'access', which moves besides when a folder gets
	 * another parent (the rights its contents inherit change; a rename
	 * in place changes nothing) and when an account comes or goes (a
	 * Unix user's account).  No journal row: the mounts' kernel caches
	 * hold no decision of rights. */
	"INSERT OR IGNORE INTO meta VALUES ('access', 0);"
	"CREATE TRIGGER dirent_folder_moved AFTER UPDATE OF parent, child"
	"  ON dirent WHEN (new.parent <> old.parent OR new.child <> old.child)"
	"  AND (SELECT mode & 61440 FROM node WHERE id = new.child) = 16384"
	"  BEGIN UPDATE meta SET v = v + 1 WHERE k = 'access'; END;"
	"CREATE TRIGGER account_insert_access AFTER INSERT ON account"
	"  BEGIN UPDATE meta SET v = v + 1 WHERE k = 'access'; END;"
	"CREATE TRIGGER account_delete_access AFTER DELETE ON account"
	"  BEGIN UPDATE meta SET v = v + 1 WHERE k = 'access'; END;",
	/* The journal's rows of nodes and names are for other daemons'
	 * caches: a transaction with none running leaves them out, its
	 * gfs_origin() negative (st->journal_quiet).  Rows of rights stay.
	 * No new function: a daemon of the previous version, still mounted
	 * when a newer groupctl brings the schema here, keeps writing. */
	"DROP TRIGGER node_changed;"
	"DROP TRIGGER dirent_insert;"
	"DROP TRIGGER dirent_delete;"
	"DROP TRIGGER dirent_update;"
	"CREATE TRIGGER node_changed AFTER UPDATE ON node"
	"  WHEN gfs_origin() > 0 BEGIN INSERT INTO journal"
	"  (origin, ino, parent, at)"
	"  VALUES (gfs_origin(), new.id, 0, unixepoch()); END;"
	"CREATE TRIGGER dirent_insert AFTER INSERT ON dirent"
	"  WHEN gfs_origin() > 0 BEGIN INSERT INTO journal"
	"  (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, new.parent, new.name, unixepoch()); END;"
	"CREATE TRIGGER dirent_delete AFTER DELETE ON dirent"
	"  WHEN gfs_origin() > 0 BEGIN INSERT INTO journal"
	"  (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, old.parent, old.name, unixepoch()); END;"
	"CREATE TRIGGER dirent_update AFTER UPDATE ON dirent"
	"  WHEN gfs_origin() > 0 BEGIN INSERT INTO journal"
	"  (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, old.parent, old.name, unixepoch());"
	"  INSERT INTO journal (origin, ino, parent, name, at)"
	"  VALUES (gfs_origin(), 0, new.parent, new.name, unixepoch()); END;",
	/* A small item's sealed content leaves the node's row for a table
	 * of its own: every change of a node rewrote its whole row, content
	 * included (removing a file of 4 KiB rewrote 4 KiB), and rows of
	 * kilobytes spread the nodes over a page each, out of the page
	 * cache.  The column goes: a daemon of an earlier version still
	 * mounted fails its content's reads and writes with EIO instead of
	 * reading or writing a column nobody reads. */
	"CREATE TABLE node_inline ("
	"  node INTEGER PRIMARY KEY REFERENCES node(id) ON DELETE CASCADE,"
	"  data BLOB NOT NULL);"
	"INSERT INTO node_inline (node, data) SELECT id, inline FROM node"
	"  WHERE inline IS NOT NULL;"
	"ALTER TABLE node DROP COLUMN inline;",
	/* Every mount frees the nodes that lost their last name while open
	 * (sq_nodes_free_unlinked): without an index of them that read every
	 * node, 100-200 ms at a million files before the mount answered. */
	"CREATE INDEX node_unlinked ON node(id)"
	"  WHERE nlink = 0 AND hist IS NULL;",
};

#define SCHEMA_VERSION ((int)ARRAY_SIZE(migrations))

int sq_schema_behind(struct store *st, bool *behind)
{
	int64_t version;
	int rc;

	*behind = false;
	rc = db_int(st, &version, "PRAGMA user_version", "");
	if (rc)
		return rc;
	if (version > SCHEMA_VERSION)
		return store_fail(st, -EPROTO,
				  "the store has schema version %lld; this "
				  "groupfs knows up to %d: upgrade groupfs",
				  (long long)version, SCHEMA_VERSION);
	*behind = version < SCHEMA_VERSION;
	return 0;
}

int sq_schema_current(struct store *st)
{
	struct meta_mark m;
	int64_t version;
	bool marked = db_mark(st, &m);
	int rc;

	/* Only a commit of another connection can change it. */
	if (marked && st->eng->schema_ok &&
	    m.version == st->eng->schema_version_seen)
		return 0;
	rc = db_int(st, &version, "PRAGMA user_version", "");
	if (rc)
		return rc;
	if (version > SCHEMA_VERSION)
		return store_schema_newer(st, version, SCHEMA_VERSION);
	if (marked) {
		st->eng->schema_ok = true;
		st->eng->schema_version_seen = m.version;
	}
	return 0;
}

int sq_migrate(struct store *st, bool *fresh)
{
	int64_t version;
	int rc, i;

	*fresh = false;
	/* Another process may have migrated while we waited for the lock. */
	rc = db_int(st, &version, "PRAGMA user_version", "");
	for (i = (int)version; rc == 0 && i < SCHEMA_VERSION; i++)
		rc = db_exec(st, migrations[i]);
	if (rc == 0 && version < SCHEMA_VERSION) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			 SCHEMA_VERSION);
		rc = db_exec(st, sql);
		*fresh = rc == 0 && version == 0;
	}
	return rc;
}
