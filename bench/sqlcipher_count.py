#!/usr/bin/env python3
"""SQLCipher 4's own count: SELECT count(*) over every table of a database.

Usage: sqlcipher_count.py DB KEYS_JSON [--not-indexed]

KEYS_JSON is the all_keys.json-style file make_keyed_db.py writes (derived key
and salt), passed to SQLCipher in raw-key form, so SQLCipher does no KDF.
SQLite answers count(*) from the smallest index when a table has one; with
--not-indexed every table's own b-tree is walked instead. Prints the table
count and the total rows.
"""
import json
import sys

import sqlcipher3

db, keys = sys.argv[1], sys.argv[2]
not_indexed = "--not-indexed" in sys.argv[3:]
k = next(v for name, v in json.load(open(keys)).items() if not name.startswith("_"))
con = sqlcipher3.connect("file:%s?mode=ro" % db, uri=True)
con.execute("PRAGMA cipher_log_level = NONE")
con.execute("PRAGMA key = \"x'%s%s'\"" % (k["enc_key"], k["salt"]))
tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND rootpage>0")]
total = 0
for t in tables:
    q = 'SELECT count(*) FROM "%s"%s' % (t.replace('"', '""'), " NOT INDEXED" if not_indexed else "")
    total += con.execute(q).fetchone()[0]
print("tables %d rows %d" % (len(tables), total))
