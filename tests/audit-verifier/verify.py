#!/usr/bin/env python3
"""Checks an export of lienthong's audit log (`lienthong audit export`), independently of the gateway.

Written from the README's "Audit log" section ("How an entry is hashed"), not from the gateway's code, with
Python's standard library only. For each entry, in order: its seq follows the previous one's, its prevHash is the
previous entry's hash (64 zeros for seq 1), and its hash is HMAC-SHA256(key, prevHash || canonical form). After an
`audit.key.rotated` entry the key is the one whose id is its summary's newKeyId.

    LIENTHONG_AUDIT_KEY=... python3 verify.py audit.jsonl      # or: --key-file <db>.audit-key; "-" reads stdin

Keys replaced by rotations: in LIENTHONG_AUDIT_KEYS (separated by newlines, commas or spaces), or on the key file's
later lines. Exit 0 when every entry checks, 1 naming the first bad entry, 2 when the export or a key cannot be read.
"""

import argparse
import decimal
import hashlib
import hmac
import json
import os
import re
import sys

GENESIS = "0" * 64
KEY_ROTATED = "audit.key.rotated"
CONTENT_FIELDS = ("seq", "at", "actor", "action", "messageId", "instance", "summary")
UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")


class BadExport(Exception):
    pass


def canonical_number(value):
    """A number as ECMAScript's Number::toString writes it."""
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise BadExport(f"{value} is not a JSON number")
    if value == 0:
        return "0"
    if value < 0:
        return "-" + canonical_number(-value)
    # repr gives the fewest digits that read back to the same double; Decimal splits them from the exponent.
    sign, digit_tuple, exponent = decimal.Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the value is 0.<digits> times 10^n
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def canonical_string(text):
    # json.dumps without ensure_ascii escapes exactly ", \, \b \t \n \f \r and the rest below U+0020 as \u00xx
    # (lower-case), and writes every other character as itself; an unpaired surrogate is escaped here.
    written = json.dumps(text, ensure_ascii=False)
    return UNPAIRED_SURROGATE.sub(lambda match: "\\u%04x" % ord(match.group()), written)


def utf16_order(name):
    return name.encode("utf-16-be", "surrogatepass")


def canonical(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return canonical_number(value)
    if isinstance(value, str):
        return canonical_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if isinstance(value, dict):
        members = sorted(value.items(), key=lambda member: utf16_order(member[0]))
        return "{" + ",".join(canonical_string(name) + ":" + canonical(item) for name, item in members) + "}"
    raise BadExport(f"{value!r} is not JSON")


def content(entry):
    """The seven members the hash covers, messageId and instance null when left out."""
    return {field: entry.get(field) for field in CONTENT_FIELDS}


def entry_hash(key, prev_hash, entry):
    message = prev_hash.encode("ascii") + canonical(content(entry)).encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key):
    return hmac.new(key, b"lienthong audit key id", hashlib.sha256).hexdigest()[:16]


def split_keys(text):
    lines = [line for line in text.split("\n") if not line.strip().startswith("#")]
    return [key for line in lines for key in re.split(r"[\s,]+", line) if key]


def read_keys(args):
    """The keys given, by id: the key file's lines (its first is the key in use), or the two variables."""
    if args.key_file:
        with open(args.key_file, encoding="utf-8") as handle:
            texts = [line.strip() for line in handle.read().split("\n") if line.strip()]
    else:
        texts = [os.environ.get("LIENTHONG_AUDIT_KEY", "")] if os.environ.get("LIENTHONG_AUDIT_KEY") else []
    texts += split_keys(os.environ.get("LIENTHONG_AUDIT_KEYS", ""))
    if not texts:
        raise BadExport("no key: set LIENTHONG_AUDIT_KEY or give --key-file")
    return {key_id(key): key for key in (text.encode("utf-8") for text in texts)}


def read_entries(source):
    for number, line in enumerate(source, start=1):
        if line.strip() == "":
            continue
        try:
            entry = json.loads(line)
        except ValueError as error:
            raise BadExport(f"line {number} is not JSON: {error}") from None
        if not isinstance(entry, dict):
            raise BadExport(f"line {number} is not an audit entry")
        yield number, entry


def verify(keys, entries):
    """Returns (checked, head) when every entry checks; raises Tampered naming the first that does not."""
    expected_seq = None
    prev_hash = None
    key = None
    checked = 0
    for line, entry in entries:
        seq = entry.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise Tampered(seq, line, "has no sequence number")
        for field in ("prevHash", "hash"):
            if not isinstance(entry.get(field), str):
                raise Tampered(seq, line, f"has no {field}")
        if expected_seq is None:
            # A whole log starts at seq 1 from genesis; an export made with --since from its own first prevHash.
            expected_seq = seq
            prev_hash = GENESIS if seq == 1 else entry["prevHash"]
        if seq != expected_seq:
            what = "is missing" if seq > expected_seq else "is out of order or repeated"
            raise Tampered(seq, line, f"comes where entry {expected_seq} should: entry {expected_seq} {what}")
        if not hmac.compare_digest(entry["prevHash"], prev_hash):
            raise Tampered(seq, line, f"does not chain from entry {seq - 1}: its prevHash is not that entry's hash")
        if key is None:
            # An export does not say which key chained its first entry: the one given key whose hash matches.
            key = next((k for k in keys.values() if hmac.compare_digest(entry_hash(k, prev_hash, entry), entry["hash"])), None)
            if key is None:
                raise Tampered(seq, line, "was altered: its hash does not match its content under any key given")
        if not hmac.compare_digest(entry_hash(key, prev_hash, entry), entry["hash"]):
            raise Tampered(seq, line, "was altered: its hash does not match its content")
        if entry.get("action") == KEY_ROTATED:
            new_id = (entry.get("summary") or {}).get("newKeyId")
            if new_id not in keys:
                raise BadExport(f"entries from {seq + 1} on are chained with audit key id {new_id}, which was not given")
            key = keys[new_id]
        prev_hash = entry["hash"]
        expected_seq = seq + 1
        checked += 1
    return checked, (expected_seq - 1 if expected_seq else 0, prev_hash or GENESIS)


class Tampered(Exception):
    def __init__(self, seq, line, problem):
        super().__init__(f"entry {seq} (line {line}) {problem}")
        self.seq = seq


def main(argv):
    parser = argparse.ArgumentParser(description="Verify a lienthong audit export.")
    parser.add_argument("export", help="the JSONL file `lienthong audit export` wrote, or - for stdin")
    parser.add_argument("--key-file", help="read the key from this file (e.g. <db>.audit-key) instead of LIENTHONG_AUDIT_KEY")
    args = parser.parse_args(argv)
    try:
        keys = read_keys(args)
        if args.export == "-":
            checked, head = verify(keys, read_entries(sys.stdin))
        else:
            with open(args.export, encoding="utf-8") as source:
                checked, head = verify(keys, read_entries(source))
    except Tampered as error:
        print(f"audit export TAMPERED: {error}", file=sys.stderr)
        return 1
    except (BadExport, OSError, UnicodeDecodeError) as error:
        print(f"cannot verify: {error}", file=sys.stderr)
        return 2
    if checked == 0:
        print("cannot verify: the export holds no entry", file=sys.stderr)
        return 2
    print(f"audit export intact: {checked} entries, head {head[0]} {head[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
