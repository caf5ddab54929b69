"""Furigana (ルビ) over the kanji words of the client screens, for people who asked for it."""
import re

from flask_login import current_user
from markupsafe import Markup, escape

# The kanji words of the client copy and how they are read. Longer words first
# wins, so 支援員 is read as one word, not as 支援 + 員.
READINGS = {
    "面談": "めんだん", "保存": "ほぞん", "体調": "たいちょう", "睡眠": "すいみん",
    "気分": "きぶん", "支援員": "しえんいん", "支援": "しえん", "相談": "そうだん",
    "会社": "かいしゃ", "困った": "こまった", "困って": "こまって", "今日": "きょう",
    "調子": "ちょうし", "次": "つぎ", "書く": "かく", "書いて": "かいて",
    "自分": "じぶん", "見せる": "みせる", "見せない": "みせない", "伝えて": "つたえて",
    "伝える": "つたえる", "大丈夫": "だいじょうぶ", "送って": "おくって", "送ります": "おくります",
    "送りました": "おくりました", "未送信": "みそうしん", "電波": "でんぱ", "件": "けん",
    "設定": "せってい", "事業所": "じぎょうしょ", "電話": "でんわ", "仕事": "しごと",
    "人間関係": "にんげんかんけい", "生活": "せいかつ", "気": "き", "小": "ちい",
    "解決": "かいけつ", "例": "れい", "消す": "けす", "伝えない": "つたえない",
    "話したい": "はなしたい", "話す": "はなす", "選ぶ": "えらぶ", "記録": "きろく",
}
_WORDS = re.compile("|".join(sorted(map(re.escape, READINGS), key=len, reverse=True)))


def _ruby(word):
    """One word as ruby, the reading over the kanji only: 困った → 困(こま)った."""
    reading = READINGS[word]
    tail = 0
    while tail < len(word) - 1 and word[-1 - tail] == reading[-1 - tail]:
        tail += 1
    base, kana = word[:len(word) - tail], reading[:len(reading) - tail]
    return f"<ruby>{base}<rp>(</rp><rt>{kana}</rt><rp>)</rp></ruby>{word[len(word) - tail:]}"


def ruby(text, on=None):
    """Text with furigana over the known kanji words when the reader turned them on; always escaped."""
    safe = escape(text)
    if on is None:
        on = getattr(current_user, "is_authenticated", False) and bool(
            getattr(current_user, "furigana", False))
    if not on:
        return safe
    # The words are kanji and kana only, so replacing inside escaped text can't open a tag.
    return Markup(_WORDS.sub(lambda m: _ruby(m.group(0)), str(safe)))


def init_app(app):
    """Make |ruby available to the templates."""
    app.jinja_env.filters["ruby"] = ruby
