"""Furigana (ルビ) over every kanji word a client reads, for the clients who asked for it.

Readings come from a morphological analyzer (SudachiPy with its core dictionary), word by
word, so that 面談 is read めんだん as one word and 決めた gets ruby over 決 only. It runs
once per response, over the finished HTML: template copy, flashed and error messages, what
staff wrote (outcomes, actions, report comments) and the client's own notes all get it.
What can't hold ruby is left alone: attributes, <title>, <script>, <style>, form fields'
values (<textarea>, <option>), SVG text, and text already in <ruby>.
"""
import re
import threading
from functools import lru_cache

from flask import request
from flask_login import current_user
from markupsafe import escape

KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶ"
HAS_KANJI = re.compile(f"[{KANJI}]")
_CHUNKS = re.compile(f"[{KANJI}]+|[^{KANJI}]+")
# The page's own markup: every tag, where the text between them is what a person reads.
# Jinja escapes '>' in attribute values, so a tag never holds one.
_TAGS = re.compile(r"(<[^>]*>)")
_ENTITIES = re.compile(r"(&#?\w+;)")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Elements whose text can't or mustn't hold ruby.
SKIP = {"title", "script", "style", "textarea", "option", "select", "svg", "ruby", "template"}
# Where the dictionary's usual reading is not the one meant in the app's words.
OVERRIDES = {"一日中": "いちにちじゅう", "何も": "なにも", "何か": "なにか"}
# Dates, as the app writes them (12月2日(水)): the day's own reading, and the weekday's.
DAYS = {1: "ついたち", 2: "ふつか", 3: "みっか", 4: "よっか", 5: "いつか", 6: "むいか", 7: "なのか",
        8: "ようか", 9: "ここのか", 10: "とおか", 14: "じゅうよっか", 20: "はつか", 24: "にじゅうよっか"}
WEEKDAYS = {"月": "げつ", "火": "か", "水": "すい", "木": "もく", "金": "きん", "土": "ど", "日": "にち"}
_FIXED = re.compile("|".join(map(re.escape, OVERRIDES))
                    + r"|(?P<day>\d{1,2})日|\d年|\d月|(?<=[(（])[月火水木金土日](?=[)）])")


def _fixed(found):
    """The ruby of a word whose reading the app knows better than the dictionary."""
    word = found.group(0)
    if word in OVERRIDES:
        return "".join(_ruby(w, r) if r else w for w, r in _split(word, OVERRIDES[word]))
    if found.group("day"):
        day = int(found.group("day"))
        if day == 1 and not found.string[:found.start()].endswith("月"):
            return _ruby(word, "いちにち")  # one day, not the 1st of a month
        return (_ruby(word, DAYS[day]) if day in DAYS
                else found.group("day") + _ruby("日", "にち"))
    if word[-1] in "年月" and word[0].isdigit():
        return word[:-1] + _ruby(word[-1], "ねん" if word[-1] == "年" else "がつ")
    return _ruby(word, WEEKDAYS[word])

_local = threading.local()


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary
    return Dictionary()


def _tokenizer():
    """One tokenizer per thread: a SudachiPy tokenizer may not be shared between threads."""
    if not hasattr(_local, "tokenizer"):
        from sudachipy import SplitMode
        _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
    return _local.tokenizer


def _hiragana(text):
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _split(surface, reading):
    """決めた/きめた → [(決, き), (めた, None)]: the reading over the kanji only."""
    parts = _CHUNKS.findall(surface)
    pattern = "".join("(.+?)" if HAS_KANJI.match(p) else "(" + re.escape(_hiragana(p)) + ")"
                      for p in parts)
    found = re.fullmatch(pattern, reading)
    if not found:
        return [(surface, reading)]
    return [(p, g if HAS_KANJI.match(p) else None) for p, g in zip(parts, found.groups())]


def _words(text):
    """(surface, reading or None) for a stretch of plain text; the surfaces rebuild it exactly."""
    out = []
    for morpheme in _tokenizer().tokenize(text):
        surface, reading = morpheme.surface(), morpheme.reading_form()
        if not HAS_KANJI.search(surface) or morpheme.is_oov() or not reading or reading == surface:
            out.append((surface, None))
        else:
            out.extend(_split(surface, _hiragana(reading)))
    return out


def _merge(segments):
    """Neighbouring kanji pieces of one compound (支援 + 員) become one ruby (支援員)."""
    merged = []
    for surface, reading in segments:
        if (reading and merged and merged[-1][1] and HAS_KANJI.fullmatch(merged[-1][0][-1])
                and HAS_KANJI.match(surface) and _CHUNKS.fullmatch(merged[-1][0] + surface)):
            merged[-1] = (merged[-1][0] + surface, merged[-1][1] + reading)
        else:
            merged.append((surface, reading))
    return merged


def _ruby(surface, reading):
    return f"<ruby>{surface}<rp>(</rp><rt>{reading}</rt><rp>)</rp></ruby>"


@lru_cache(maxsize=20000)
def annotate(text):
    """Escaped text (as it sits in HTML) with ruby over its kanji words."""
    if not HAS_KANJI.search(text):
        return text
    out = []
    for piece in _ENTITIES.split(text):
        if not piece or piece.startswith("&") or not HAS_KANJI.search(piece):
            out.append(piece)
            continue
        for line in piece.splitlines(keepends=True):  # the analyzer takes at most ~49 KB a call
            at = 0
            for fixed in _FIXED.finditer(line):
                out.extend(_segments(line[at:fixed.start()]))
                out.append(_fixed(fixed))
                at = fixed.end()
            out.extend(_segments(line[at:]))
    # One inline piece, so that a flex container (a button) doesn't space its words apart.
    return '<span class="furi">' + "".join(out) + "</span>"


def _segments(text):
    if not text:
        return []
    return [_ruby(s, r) if r else s for s, r in _merge(_words(text))]


_DATA = re.compile(r'(\sdata-[\w-]+=")([^"]*)(")')


def _spoken(tag):
    """A data-speaks element's data-* copy, which its script inserts as markup, with ruby.

    The ruby markup is escaped once more for the attribute: the script gets it back exactly,
    the original text still escaped inside it.
    """
    def one(found):
        value = found.group(2)
        if not HAS_KANJI.search(value):
            return found.group(0)
        html = annotate(value)
        return found.group(1) + str(escape(html)) + found.group(3)
    return _DATA.sub(one, tag)


def add_ruby(html):
    """The page with ruby over the kanji of its visible body text."""
    parts = _TAGS.split(html)
    skipping = []  # the open elements, among SKIP, that text is inside of
    in_body = False
    for n, part in enumerate(parts):
        if n % 2:  # a tag
            found = _TAG_NAME.match(part)
            if not found:
                continue
            if " data-speaks" in part:
                parts[n] = _spoken(part)
            closing, name = found.group(1), found.group(2).lower()
            if name == "body":
                in_body = not closing
            elif name in SKIP and not part.endswith("/>"):
                if closing:
                    if name in skipping:
                        del skipping[len(skipping) - 1 - skipping[::-1].index(name):]
                else:
                    skipping.append(name)
        elif in_body and not skipping and part and HAS_KANJI.search(part):
            parts[n] = annotate(part)
    return "".join(parts)


def wanted():
    """True when the signed-in person reads with furigana."""
    return bool(getattr(current_user, "is_authenticated", False)
                and getattr(current_user, "furigana", False))


def init_app(app):
    """Add furigana to the HTML pages of the people who turned it on."""

    @app.after_request
    def _furigana(response):
        if (response.mimetype == "text/html" and not response.direct_passthrough
                and response.status_code != 304 and not request.path.startswith("/api/")
                and wanted()):
            response.set_data(add_ruby(response.get_data(as_text=True)))
        return response
