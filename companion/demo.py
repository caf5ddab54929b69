"""Demo data: one office with realistic people and a few months of notes."""
from datetime import datetime, time, timedelta

from werkzeug.security import generate_password_hash

from .db import database, insert_rows
from .models import Assignment, CheckIn, ClientProfile, Note, Office, Strength, User, today, utcnow
from .periods import add_months

OFFICE = "ひだまり就労定着支援センター"
PASSWORD = "demo-pass-2026"

STAFF = [
    ("kobayashi", "manager", "小林 まさこ"),
    ("yamada", "supporter", "山田 さくら"),
    ("ito", "supporter", "伊藤 だいすけ"),
]

# login, name, supporter, months since hire, employer, job, certificate months left
CLIENTS = [
    ("sato", "佐藤 みのり", "yamada", 14, "株式会社みどりスーパー", "品出し・検品", 8),
    ("tanaka", "田中 けんじ", "yamada", 8, "青空ロジスティクス株式会社", "倉庫でのピッキング", 1),
    ("suzuki", "鈴木 あや", "ito", 26, "さくら総合病院", "事務補助", 11),
    ("takahashi", "高橋 ゆうた", "ito", 40, "ハーモニーデータ株式会社", "データ入力", 5),
]

# days ago, kind, topic, weight, body
NOTES = {
    "sato": [
        (26, "worry", "health", "small", "最近、朝起きるのが辛くなってきた"),
        (21, "win", None, None, "今月は遅刻せずに出勤できた"),
        (17, "worry", "relationships", "medium", "上司の指示が分かりにくい時がある。AさんとBさんで言うことがちがう"),
        (12, "goal", "workload", None, "品出しの順番を自分でメモにまとめたい"),
        (9, "worry", "relationships", "small", "休けい中の雑談がつらい。何を話せばいいか分からない"),
        (6, "win", None, None, "ミスを自分で気づいて修正できた"),
        (3, "for_employer", "workload", None, "指示はできれば一人の人から、メモでほしい"),
        (1, "challenge", "career", None, "フォークリフトの資格に興味がある"),
    ],
    "tanaka": [
        (20, "worry", "health", "medium", "通院の日に休みを言い出しにくい"),
        (15, "win", None, None, "新しい業務を覚えられた"),
        (8, "worry", "workload", "small", "ピッキングのスピードについていけない時がある"),
        (2, "worry", "health", "urgent", "薬を飲み忘れて、昼から体調が悪い日が続いている"),
    ],
    "suzuki": [
        (24, "win", None, None, "同僚と雑談ができるようになった"),
        (14, "worry", "relationships", "small", "注意されるとパニックになってしまう"),
        (5, "challenge", "career", None, "正社員になる道があるか知りたい"),
    ],
    "takahashi": [
        (40, "worry", "workload", "small", "仕事の量が多くて、残業が続いている"),
        (33, "win", None, None, "入力のまちがいが先月より減った"),
    ],
}


def _checkins(client, days, seed):
    """A plausible month of check-ins: not every day, with a little ups and downs."""
    rows = []
    for ago in range(days, 0, -1):
        if (ago + seed) % 4 == 0:
            continue  # people skip days, and that's fine
        wave = (ago * 7 + seed) % 5
        rows.append(dict(client=client, day=today() - timedelta(days=ago),
                         mood=max(1, min(5, 2 + wave % 3 + (seed % 2))),
                         body=max(1, min(5, 3 + (wave % 2))),
                         sleep=max(1, min(5, 2 + (wave + seed) % 4))))
    return rows


def seed():
    """Add the demo office once; return (login, role, name) of every demo person."""
    people = [(login, role, name) for login, role, name in STAFF] + [
        (c[0], "client", c[1]) for c in CLIENTS]
    if Office.select().where(Office.name == OFFICE).exists():
        _seed_meetings()
        _seed_reports()
        _seed_strengths()
        return people
    password = generate_password_hash(PASSWORD)
    with database.atomic():
        office = Office.create(name=OFFICE, phone="03-1234-5678")
        staff = {login: User.create(office=office, role=role, login=login, display_name=name,
                                    password_hash=password) for login, role, name in STAFF}
        for n, (login, name, supporter, months, employer, job, cert_left) in enumerate(CLIENTS):
            client = User.create(office=office, role="client", login=login, display_name=name,
                                 password_hash=password)
            ClientProfile.create(
                user=client, hire_date=add_months(today(), -months), employer_name=employer,
                job_title=job, office_phone=office.phone,
                certificate_valid_from=add_months(today(), cert_left - 12),
                certificate_valid_to=add_months(today(), cert_left) - timedelta(days=1))
            Assignment.create(client=client, supporter=staff[supporter],
                              starts_on=add_months(today(), -min(months, 12)))
            for ago, kind, topic, weight, body in NOTES[login]:
                written = datetime.combine(today() - timedelta(days=ago), time(3 + ago % 9, 15))
                Note.create(client=client, kind=kind, topic=topic, weight=weight, body=body,
                            written_at=written, received_at=written, updated_at=written,
                            share_with_employer=(kind == "for_employer"))
            days = 10 if login == "takahashi" else 30
            insert_rows(CheckIn, _checkins(client, days, n))
    _seed_meetings()
    _seed_reports()
    _seed_strengths()
    return people


# login: [(days ago, kind, topic, weight, body, status at the meeting, outcome)]
LAST_MEETING = {
    "sato": [
        (52, "worry", "health", "small", "通院の日は朝から緊張してしまう", "discussed",
         "通院の日は午後から出勤できるか、上司に聞いてみる"),
        (47, "worry", "workload", "medium", "品出しの量が多い日に、あせってミスが出る", "carry_over",
         "量の多い曜日を記録して、次回いっしょに見る"),
        (44, "win", None, None, "お客さんに売り場を聞かれて、案内できた", "discussed",
         "お客さん対応が得意なことを会社にも伝える"),
        (40, "goal", "health", None, "休けいの取り方を決めたい", "resolved", "11時と15時に5分休む"),
    ],
    "suzuki": [
        (50, "worry", "relationships", "small", "先輩に話しかけるタイミングが分からない", "resolved",
         "朝のあいさつのあとに、まとめて聞く"),
        (45, "win", None, None, "電話の取りつぎができた", "discussed", "手順を自分でメモにした"),
        (41, "challenge", "career", None, "パソコンの資格をとりたい", "carry_over", ""),
    ],
}
# login: [(text, owner, days after the meeting it is due, done)]
LAST_ACTIONS = {
    "sato": [("通院の日の出勤時間を上司に相談する", "client", 14, False),
             ("会社に、指示はメモでもらえるよう相談する", "supporter", 21, True)],
    "suzuki": [("資格試験の日程を調べる", "client", 21, False),
               ("電話の取りつぎ手順を紙にまとめてもらう", "employer", None, False)],
}
NEXT_MEETING = {"sato": (6, "in_person"), "tanaka": (3, "online"), "suzuki": (9, "workplace_visit")}
SUMMARIES = {
    "sato": "体調と仕事量の波を記録して、次回いっしょに見る。お客さん対応の強みを会社にも伝える。",
    "suzuki": "質問のタイミングは解決。資格のことは次回くわしく。",
}


def _seed_meetings():
    """Last month's closed meeting (sato, suzuki) and the next one for most clients, once."""
    from .meetings import service as meetings
    from .models import ActionItem, AgendaItem, Meeting
    clients = {u.login: u for u in User.select().where(User.login.in_([c[0] for c in CLIENTS]))}
    if Meeting.select().where(Meeting.client.in_(list(clients.values()))).exists():
        return
    supporters = {c[0]: User.get(User.login == c[2]) for c in CLIENTS}
    with database.atomic():
        for n, (login, notes) in enumerate(LAST_MEETING.items()):
            client, supporter = clients[login], supporters[login]
            held = meetings.to_utc(today() - timedelta(days=32 + n), time(10, 0))
            for ago, kind, topic, weight, body, _status, _outcome in notes:
                written = datetime.combine(today() - timedelta(days=ago), time(3 + ago % 9, 15))
                Note.create(client=client, kind=kind, topic=topic, weight=weight, body=body,
                            written_at=written, received_at=written, updated_at=written)
            insert_rows(CheckIn, [dict(row, day=row["day"] - timedelta(days=30))
                                  for row in _checkins(client, 30, n + 3)])
            meeting = Meeting.create(client=client, supporter=supporter, scheduled_at=held)
            meeting = meetings.start(meeting, supporter, now=held)
            outcomes = {body: (status, outcome) for *_, body, status, outcome in notes}
            for item in AgendaItem.select().where(AgendaItem.meeting == meeting.id):
                if item.text in outcomes:
                    item.status, item.outcome = outcomes[item.text]
                    item.save()
            for text, owner, due, done in LAST_ACTIONS[login]:
                ActionItem.create(client=client, meeting=meeting, text=text, owner=owner,
                                  due=today() - timedelta(days=32) + timedelta(days=due)
                                  if due else None, created_at=held,
                                  done_at=held + timedelta(days=10) if done else None)
            meetings.close(meeting, SUMMARIES[login], now=held + timedelta(hours=1))
        for login, (days, mode) in NEXT_MEETING.items():
            meetings.schedule(supporters[login], clients[login],
                              meetings.to_utc(today() + timedelta(days=days), time(14, 0)), mode)


# login: (status, comment for the client, comment for the employer, notes the client lets
# the employer see). sato's report waits for her approval; suzuki approved hers.
REPORTS = {
    "sato": ("finalised",
             "通院の日の働き方を、上司に相談する準備ができました。お客さんへの案内が上手なことは、"
             "佐藤さんの大きな強みです。品出しの量が多い日は、次回いっしょに記録を見ましょう。",
             "売り場でお客様をご案内する場面で、力を発揮されています。指示はできれば"
             "お一人の方から、メモでいただけると、より安定して働けます。",
             ["お客さんに売り場を聞かれて、案内できた"]),
    "suzuki": ("approved",
               "質問するタイミングが決まって、仕事がしやすくなりましたね。資格のことは、"
               "次回くわしく話しましょう。",
               "電話の取りつぎができるようになりました。手順を紙にまとめていただけると、"
               "さらに安定すると思います。",
               ["電話の取りつぎができた"]),
}


# login: [(part, text, state, for the employer)]; the supporter proposes what is "proposed".
STRENGTHS = {
    "sato": [("strength", "お客さんに売り場を案内するのが得意", "accepted", True),
             ("accommodation", "休けいは11時と15時に5分", "accepted", False),
             ("accommodation", "指示はメモでもらえると、まちがえにくい", "proposed", False)],
    "suzuki": [("strength", "電話の取りつぎを、手順どおりにできる", "accepted", True),
               ("accommodation", "質問は朝のあいさつのあとに、まとめて聞く", "accepted", True)],
}


def _seed_strengths():
    """わたしの強みと配慮 for sato (with a proposal waiting) and suzuki, once."""
    clients = {u.login: u for u in User.select().where(User.login.in_(list(STRENGTHS)))}
    if Strength.select().where(Strength.client.in_(list(clients.values()))).exists():
        return
    rows = []
    for login, entries in STRENGTHS.items():
        client = clients[login]
        supporter = Assignment.get(Assignment.client == client.id).supporter_id
        rows += [{"client": client.id, "part": part, "text": text, "state": state,
                  "share_with_employer": shared,
                  "proposed_by": supporter if state == "proposed" else None,
                  "accepted_at": utcnow() if state == "accepted" else None}
                 for part, text, state, shared in entries]
    insert_rows(Strength, rows)


def _seed_reports():
    """Last month's 支援レポート for sato (to approve) and suzuki (approved), once."""
    from .models import Meeting, MonthlyReport
    from .reports import service as reports
    clients = {u.login: u for u in User.select().where(User.login.in_(list(REPORTS)))}
    if MonthlyReport.select().where(MonthlyReport.client.in_(list(clients.values()))).exists():
        return
    with database.atomic():
        for login, (status, for_client, for_employer, shared) in REPORTS.items():
            client = clients[login]
            meeting = (Meeting.select().where((Meeting.client == client.id)
                                              & (Meeting.state == "closed"))
                       .order_by(Meeting.closed_at.desc()).first())
            if meeting is None:
                continue
            Note.update(share_with_employer=True).where(
                (Note.client == client.id) & Note.body.in_(shared)).execute()
            month = reports.month_of(meeting.closed_at)
            reports.finalise(client, month, meeting.supporter, {
                "comment_for_client": for_client, "comment_for_employer": for_employer})
            if status == "approved":
                reports.approve(client, month)
