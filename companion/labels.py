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
    "relationships": _l("まわりの人との関係"),
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

# A check-in level in words, with a face beside it on Home (1 is hard, 5 is good).
LEVELS = {
    1: _l("とてもつらい"),
    2: _l("つらい"),
    3: _l("ふつう"),
    4: _l("よい"),
    5: _l("とてもよい"),
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
        KINDS=KINDS, TOPICS=TOPICS, EXAMPLES=EXAMPLES, WEIGHTS=WEIGHTS, SCALES=SCALES, LEVELS=LEVELS,
        PROFILE_FIELDS=PROFILE_FIELDS, PROFILE_EVENTS=PROFILE_EVENTS, LEAVE_REASONS=LEAVE_REASONS,
        END_REASONS=END_REASONS, STEP_ITEMS=STEP_ITEMS, STRENGTH_PARTS=STRENGTH_PARTS,
        HANDOVER_SECTIONS=HANDOVER_SECTIONS,
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
    "reset_issued": _l("パスワードを決めなおすリンクを作った"),
    "reset_used": _l("そのリンクでパスワードが決められた"),
    "home": _l("ホーム"),
    "export": _l("データの書き出し(ぜんぶのメモ)"),
    "access_log": _l("見た記録"),
    "actions": _l("次までにやること"),
    "caseload": _l("担当の利用者の一覧"),
    "calendar": _l("面談のカレンダー"),
    "profile": _l("プロフィール"),
    "profile_change": _l("プロフィールの変更"),
    "supporter_request": _l("担当を変えたいという希望"),
    "settle_rate": _l("就労定着率の一覧"),
    "strengths": _l("わたしの強みと配慮"),
    "hand_over": _l("引きつぎのまとめ"),
}

STRENGTH_PARTS = {
    "strength": _l("強み(得意なこと)"),
    "accommodation": _l("配慮(こうしてもらえると働きやすいこと)"),
}
HANDOVER_SECTIONS = {
    "strength": _l("強み"),
    "accommodation": _l("配慮"),
    "action": _l("まだ続いている「やること」"),
    "report": _l("支援レポートから(支援員のコメント)"),
}


# The profile as people read it, its history and the events of three years.
PROFILE_FIELDS = {
    "hire_date": _l("就職日(はじめて就職した日)"),
    "employer_name": _l("会社の名前"),
    "job_title": _l("仕事の内容"),
    "certificate_valid_from": _l("受給者証の有効期間(はじめ)"),
    "certificate_valid_to": _l("受給者証の有効期間(おわり)"),
    "office_phone": _l("こまったときの電話"),
    "employer_since": _l("今の会社で働きはじめた日"),
    "left_job_on": _l("仕事をやめた日"),
    "left_job_reason": _l("仕事をやめた理由"),
    "support_ended_on": _l("支援が終わった日"),
    "support_end_reason": _l("支援が終わった理由"),
    "left_job_detail": _l("仕事をやめたことの くわしいこと"),
    "support_end_note": _l("引きつぎ先など"),
    "hand_over": _l("わたす項目 / ぜんぶの項目"),
    "other_office": _l("前の事業所"),
}

PROFILE_EVENTS = {
    "edit": _l("修正"),
    "job_change": _l("転職"),
    "left_job": _l("離職"),
    "support_end": _l("支援の終了"),
    "support_resumed": _l("支援の終了の取り消し"),
    "handover": _l("引きつぎのまとめを本人が承認"),
    "imported": _l("ほかの事業所から記録を受けとった"),
}

# The reasons for leaving a job the article names (早期離職の主な理由).
LEAVE_REASONS = {
    "relationships": _l("職場の人間関係"),
    "mismatch": _l("業務内容のミスマッチ"),
    "health": _l("体調管理のむずかしさ"),
    "other": _l("そのほか"),
}

END_REASONS = {
    "stable": _l("仕事が安定したので、早めに終わる"),
    "three_years": _l("3年の期間が終わった"),
    "left_job": _l("仕事をやめた(離職)"),
    "moved_office": _l("ほかの事業所にうつった"),
}

# The move into support (STEP 1–4) and STEP 3's documents: (title, where it comes from).
STEP_ITEMS = {
    "choose_office": (_l("STEP 1 定着支援の事業所を えらぶ"),
                      _l("見学して、くらべてから えらべます。")),
    "meet_consultant": (_l("STEP 2 相談支援専門員と 会う"),
                        _l("支援が必要な理由・内容・回数を いっしょに 整理します。")),
    "doc_plan": (_l("書類: サービス等利用計画案"),
                 _l("相談支援専門員が つくります。")),
    "doc_application": (_l("書類: 申請書"),
                        _l("市区町村の 障害福祉課で もらえます(窓口か Webサイト)。")),
    "doc_employment": (_l("書類: 就職を証明する書類"),
                       _l("会社から もらいます(雇用契約書のコピー、在職証明書など)。")),
    "doc_other": (_l("書類: そのほか"),
                  _l("自治体により ちがいます(印鑑、マイナンバーカード、障害者手帳など)。前に たしかめましょう。")),
    "apply_certificate": (_l("STEP 3 受給者証を 申請する"),
                          _l("発行まで 1週間〜2か月 かかることがあります。")),
    "contract_start": (_l("STEP 4 契約して、支援が はじまる"),
                       _l("受給者証の 開始日から 利用できます。")),
}


# The 作戦会議: meetings, agenda sections, outcomes. Keys are the codes in models/agenda.
MODES = {
    "in_person": _l("対面"),
    "online": _l("オンライン"),
    "workplace_visit": _l("職場訪問"),
    "three_party": _l("三者面談(会社の人も)"),
}

MEETING_STATES = {
    "scheduled": _l("予定"),
    "in_progress": _l("面談中"),
    "closed": _l("終わり"),
    "cancelled": _l("中止"),
}

ITEM_STATUSES = {
    "pending": _l("まだ"),
    "discussed": _l("話した"),
    "resolved": _l("解決した"),
    "carry_over": _l("次回も話す"),
}

# 前回決めたこと: an action is looked back on with words of its own.
ACTION_STATUSES = {
    "pending": _l("まだ"),
    "done": _l("できた"),
    "continue": _l("つづける"),
    "dropped": _l("やめる"),
}

STATUS_LABELS = {**ITEM_STATUSES, **ACTION_STATUSES}

OWNERS = {
    "client": _l("本人"),
    "supporter": _l("支援員"),
    "employer": _l("会社"),
}

SECTION_TITLES = {
    "priorities": _l("いちばん話したいこと"),
    "actions_review": _l("前回決めたこと"),
    "condition": _l("今月の調子"),
    "wins": _l("できたこと"),
    "worries": _l("困ったこと・悩んでいること"),
    "goals": _l("次の面談までに解決したいこと"),
    "challenges": _l("やってみたいこと"),
    "for_employer": _l("会社に伝えてほしいこと"),
    "supporter_points": _l("支援員から"),
}

# Shown instead of a blank when a section is empty; %(example)s is one of EXAMPLES.
SECTION_PROMPTS = {
    "priorities": _l("★をつけたメモが、ここに出ます。いちばん話したいことを3つまで選べます。"),
    "actions_review": _l("前回決めたことは、ありません。"),
    "condition": _l("今日の調子の記録は、まだありません。"),
    "wins": _l("まだありません。たとえば「%(example)s」のような小さなことでも大丈夫です。"),
    "worries": _l("まだありません。たとえば「%(example)s」のようなことも、話してよいことです。"),
    "goals": _l("まだありません。たとえば「%(example)s」。"),
    "challenges": _l("まだありません。たとえば「%(example)s」。"),
    "for_employer": _l("まだありません。たとえば「%(example)s」。会社に言いにくいことは、支援員から伝えられます。"),
    "supporter_points": _l("支援員からの話は、ありません。"),
}
PROMPT_EXAMPLES = {"wins": "win", "worries": "worry", "goals": "goal", "challenges": "challenge",
                   "for_employer": "for_employer"}

# The same 気づき as the client reads them on Prepare: gentle, and never a bare count of bad days.
CLIENT_HIGHLIGHTS = {
    "condition_drop": _l("「%(scale)s」が、前より少し下がっているようです。面談で 話して みませんか。"),
    "low_mood": _l("つらい日が 続いて いますね。面談で 話して みませんか。"),
    "quiet": _l("しばらく メモがありません。書かない日があっても 大丈夫です。"),
}

HIGHLIGHTS = {
    "topic_repeat": _l("「%(topic)s」の困ったことが%(count)d件あります。"),
    "carried_often": _l("2回以上もちこしている話が%(count)d件あります。"),
    "condition_drop": _l("「%(scale)s」が、前の14日より下がっています。"),
    "low_mood": _l("気分が2以下の日が%(count)d日ありました。"),
    "quiet": _l("%(count)d日のあいだ、メモも今日の調子もありません。"),
    "sorted_itself": _l("自分で解決できた困ったことが%(count)d件あります。"),
}

SYSTEM_POINTS = {
    "certificate_ending": _l("受給者証の期限が%(due)sです。更新の手続きを確かめましょう。"),
    "support_ending": _l("定着支援は%(due)sで終わります。そのあとの相談先への引きつぎを考えましょう。"),
}
