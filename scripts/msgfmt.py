#!/usr/bin/env python3
"""Compiles gettext catalogues (.po -> .mo) without GNU gettext.

``make setup`` uses Django's ``compilemessages`` (GNU msgfmt) when ``msgfmt`` is installed and this
script otherwise, so that ``make demo`` works on a machine without the gettext package. It handles
what Django's catalogues use: the header, contexts (msgctxt), plurals, multi-line strings and C
escapes; fuzzy entries are left out, as msgfmt does. The output is read by Python's ``gettext``.

Usage: msgfmt.py DIR_OR_PO...   (a directory is searched for */LC_MESSAGES/*.po)
"""

import codecs
import struct
import sys
from pathlib import Path


class PoError(ValueError):
    pass


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if not (len(token) >= 2 and token[0] == token[-1] == '"'):
        raise PoError(f"{where}: expected a quoted string, got {token!r}")
    body = token[1:-1]
    # C escapes (\\n, \\", \\t, octal, hex); the UTF-8 bytes around them pass through unchanged.
    return codecs.escape_decode(body.encode("utf-8"))[0].decode("utf-8") if "\\" in body else body


def parse(path: Path) -> dict[str, str]:
    """The catalogue of ``path`` as msgfmt writes it: ``{key: value}`` with NUL and EOT separators."""
    messages: dict[str, str] = {}
    entry: dict = {}
    field = None
    in_msgstr = False
    fuzzy = False

    def flush():
        nonlocal entry, field, in_msgstr, fuzzy
        if "msgid" in entry:
            msgid = entry["msgid"]
            if "msgid_plural" in entry:
                key = msgid + "\0" + entry["msgid_plural"]
                forms = [entry[k] for k in sorted(k for k in entry if isinstance(k, int))]
                value, translated = "\0".join(forms), all(forms)
            else:
                key = msgid
                value = entry.get("msgstr", "")
                translated = bool(value)
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            # Fuzzy entries are left out, except the header (it carries the charset).
            if translated and (msgid == "" or not fuzzy):
                if key == "":  # as GNU msgfmt: the header without the template's creation date
                    value = "".join(v for v in value.splitlines(keepends=True) if not v.startswith("POT-Creation-Date:"))
                messages[key] = value
        entry, field, in_msgstr, fuzzy = {}, None, False, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path}:{number}"
        if line.startswith("#"):
            if in_msgstr:
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if not line:
            continue
        if line.startswith('"'):
            if field is None:
                raise PoError(f"{where}: continuation line outside an entry")
            entry[field] += _unquote(line, where)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid"):
            if in_msgstr:
                flush()
            field = keyword
        elif keyword == "msgid_plural":
            field = keyword
        elif keyword == "msgstr":
            field, in_msgstr = keyword, True
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            field, in_msgstr = int(keyword[7:-1]), True
        else:
            raise PoError(f"{where}: unexpected {line!r}")
        entry[field] = _unquote(rest, where)
    flush()
    return messages


def write_mo(messages: dict[str, str], target: Path) -> None:
    keys = sorted(messages, key=lambda k: k.encode("utf-8"))
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode("utf-8"), messages[key].encode("utf-8")
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    n = len(keys)
    keystart = 7 * 4 + 16 * n
    valuestart = keystart + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    data = header + struct.pack(f"{len(koffsets)}i", *koffsets) + struct.pack(f"{len(voffsets)}i", *voffsets)
    tmp = target.with_suffix(".mo.tmp")
    tmp.write_bytes(data + ids + strs)
    tmp.replace(target)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    files: list[Path] = []
    for arg in argv:
        p = Path(arg)
        files += sorted(p.glob("*/LC_MESSAGES/*.po")) if p.is_dir() else [p]
    for po in files:
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            write_mo(parse(po), mo)
        except (PoError, SyntaxError, UnicodeDecodeError) as exc:
            print(f"msgfmt.py: {exc}", file=sys.stderr)
            return 1
        print(f"compiled {po}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
