"""The words the screens use for kinds, topics, weights and roles, in the reader's language."""
from flask_babel import lazy_gettext as _l  # noqa: N813

KINDS = {
    "worry": _l("困ったこと"),
    "win": _l("できたこと"),
    "goal": _l("次までに解決したいこと"),
    "challenge": _l("やってみたいこと"),
    "for_employer": _l("会社に伝えてほしいこと"),
}

TOPICS = {
    "workload": _l("仕事の量・むずかしさ"),
    "relationships": _l("人間関係"),
    "health": _l("体調・生活リズム"),
    "career": _l("スキル・キャリア"),
    "other": _l("そのほか"),
}

WEIGHTS = {
    "small": _l("小さなこと"),
    "medium": _l("気になる"),
    "urgent": _l("すぐ相談したい"),
}

ROLES = {
    "client": _l("利用者"),
    "supporter": _l("支援員"),
    "manager": _l("サービス管理責任者"),
}

SCALES = {
    "mood": _l("気分"),
    "body": _l("体調"),
    "sleep": _l("睡眠"),
}

# The article's own example sentences: a first-time user sees what to write.
EXAMPLES = {
    "worry": [_l("最近、朝起きるのが辛くなってきた"), _l("上司の指示が分かりにくい時がある"),
              _l("同僚との会話で緊張する")],
    "win": [_l("今月は遅刻せずに出勤できた"), _l("新しい業務を覚えられた"),
            _l("ミスを自分で気づいて修正できた")],
    "goal": [_l("指示をメモに取る方法を決めたい"), _l("通院の日の休み方を相談したい")],
    "challenge": [_l("新しい作業にも挑戦してみたい"), _l("資格の勉強を始めたい")],
    "for_employer": [_l("指示はできれば一人の人からほしい"), _l("休けいの時間を決めてほしい")],
}


def init_app(app):
    """Make the labels available to every template."""
    app.jinja_env.globals.update(
        KINDS=KINDS, TOPICS=TOPICS, EXAMPLES=EXAMPLES, WEIGHTS=WEIGHTS, SCALES=SCALES,
        role_label=lambda role: ROLES.get(role, role),
        access_label=lambda what: ACCESS.get(what, what))


ACCESS = {
    "notes": _l("メモの一覧"),
    "note": _l("メモ"),
    "checkins": _l("今日の調子"),
    "client_page": _l("利用者のページ"),
    "agenda": _l("面談の話すこと"),
    "meeting": _l("面談の記録"),
    "report": _l("支援レポート"),
}
