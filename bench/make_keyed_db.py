#!/usr/bin/env python3
"""Builds a large synthetic WeChat 4.x message database with SQLCipher 4 (sqlcipher3).

Usage: make_keyed_db.py OUT.db SIZE_MIB [--wal-mib N] [--seed S]

Writes OUT.db (4096-byte pages, HMAC-SHA512, 80 reserved bytes; the key is
derived with PBKDF2-HMAC-SHA512, 256,000 rounds, from a synthetic account key
and passed with the salt in raw-key form, as WeChat does), plus
OUT.db.key.hex (the account key) and OUT.db.keys.json (all_keys.json style:
the derived key and salt), both mode 0600. Tables: Name2Id and 200 Msg_<md5>
tables with WeChat's four indexes; messages mostly short, a few long enough
to need overflow pages. With --wal-mib N the database is in WAL mode and the
last N MiB of inserts stay in OUT.db-wal (copied out while the writer is still
open, so nothing is checkpointed).

All content is synthetic. Nothing here is meant to be committed.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import tempfile

import sqlcipher3

ACCOUNT_KEY = hashlib.sha256(b"wechat-inspect bench account key").digest()
COLS = ("local_id INTEGER PRIMARY KEY AUTOINCREMENT, server_id INTEGER, local_type INTEGER, "
        "sort_seq INTEGER, real_sender_id INTEGER, create_time INTEGER, status INTEGER, "
        "upload_status INTEGER, download_status INTEGER, server_seq INTEGER, origin_source INTEGER, "
        "source TEXT, message_content TEXT, compress_content TEXT, packed_info_data BLOB, "
        "WCDB_CT_message_content INTEGER DEFAULT NULL, WCDB_CT_source INTEGER DEFAULT NULL")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("size_mib", type=int)
    ap.add_argument("--wal-mib", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    salt = hashlib.md5(b"bench salt %d" % a.seed).digest()
    enc = hashlib.pbkdf2_hmac("sha512", ACCOUNT_KEY, salt, 256000, 32)
    corpus = "".join(r.choice("abcdefghijklmnopqrstuvwxyz     ,.") for _ in range(1 << 20))
    chats = ["wxid_bench%05d" % i for i in range(180)] + ["1000%05d@chatroom" % i for i in range(20)]
    target = a.size_mib << 20
    wal_from = target - (a.wal_mib << 20)

    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(a.out))) as tmp:
        work = os.path.join(tmp, "w.db")
        con = sqlcipher3.connect(work, isolation_level=None)
        con.execute("PRAGMA key = \"x'%s%s'\"" % (enc.hex(), salt.hex()))
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA journal_mode = %s" % ("WAL" if a.wal_mib else "OFF"))
        con.execute("PRAGMA cache_size = -65536")
        con.execute("BEGIN")
        con.execute("CREATE TABLE Name2Id(user_name TEXT PRIMARY KEY, is_session INTEGER)")
        for c in chats:
            con.execute("INSERT INTO Name2Id VALUES(?, 1)", (c,))
        tables = []
        for c in chats:
            t = "Msg_" + hashlib.md5(c.encode()).hexdigest()
            tables.append(t)
            con.execute("CREATE TABLE %s(%s)" % (t, COLS))
            for suffix, cols in (("SENDERID", "real_sender_id"), ("SERVERID", "server_id"),
                                 ("SORTSEQ", "sort_seq"), ("TYPE_SEQ", "local_type, sort_seq")):
                con.execute("CREATE INDEX %s_%s ON %s(%s)" % (t, suffix, t, cols))
        con.execute("COMMIT")
        in_wal = False
        seq = 0
        while True:
            wal = os.path.getsize(work + "-wal") if os.path.exists(work + "-wal") else 0
            size = os.path.getsize(work) + wal
            if size >= target:
                break
            if a.wal_mib and not in_wal and size >= wal_from:
                # From here on, writes stay in the WAL (until then SQLite's
                # automatic checkpoints move them into the database file).
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.execute("PRAGMA wal_autocheckpoint = 0")
                in_wal = True
            t = r.choice(tables)
            rows = []
            for _ in range(2000):
                seq += 1
                n = int(r.lognormvariate(4.2, 0.9))
                if r.random() < 0.03:
                    n = r.randint(4000, 30000)
                off = r.randrange(0, len(corpus) - n - 1) if n < len(corpus) else 0
                ts = 1600000000 + seq * 7
                rows.append((r.getrandbits(62), r.choice((1, 1, 1, 3, 34, 43, 49, 10000)), ts * 1000,
                             r.randint(1, len(chats)), ts, 2, corpus[off:off + n],
                             r.randbytes(r.randint(0, 64))))
            con.execute("BEGIN")
            con.executemany(
                "INSERT INTO %s(server_id, local_type, sort_seq, real_sender_id, create_time, status, "
                "message_content, packed_info_data) VALUES(?, ?, ?, ?, ?, ?, ?, ?)" % t, rows)
            con.execute("COMMIT")
        if a.wal_mib:
            shutil.copy(work, a.out)
            shutil.copy(work + "-wal", a.out + "-wal")
        con.close()
        if not a.wal_mib:
            shutil.move(work, a.out)
    for path, body in ((a.out + ".key.hex", ACCOUNT_KEY.hex() + "\n"),
                       (a.out + ".keys.json", json.dumps({os.path.basename(a.out): {
                           "enc_key": enc.hex(), "salt": salt.hex()}}))):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(body)
    print("%s: %d MiB, %d rows" % (a.out, os.path.getsize(a.out) >> 20, seq))


if __name__ == "__main__":
    main()
