"""The office's 就労定着率, worked out by hand on a small office, with the fiscal-year edges."""
import csv
import io
from datetime import date, timedelta
from fractions import Fraction

import pytest

from companion import db
from companion.models import AccessLog, ClientProfile, RateTier
from companion.settle_rate import Person, Tier, fiscal_year_of, office_rates, rate, tier_of
from conftest import form, make_user

R6 = [Tier(Fraction(n, 1000), label) for n, label in (
    (950, "9割5分以上"), (900, "9割以上9割5分未満"), (800, "8割以上9割未満"),
    (700, "7割以上8割未満"), (500, "5割以上7割未満"), (300, "3割以上5割未満"), (0, "3割未満"))]

OFFICE = [
    #       name  used from           used until           left the job on
    Person(1, "A", date(2023, 5, 1), date(2026, 4, 30)),
    Person(2, "B", date(2024, 10, 10), date(2027, 10, 9), date(2026, 3, 31)),  # the last day
    Person(3, "C", date(2025, 1, 1), date(2027, 12, 31), date(2026, 4, 1)),    # the day after
    Person(4, "D", date(2020, 1, 1), date(2023, 3, 31)),                        # ended before
    Person(5, "E", date(2023, 3, 31), date(2026, 3, 30)),                       # began before
    Person(6, "F", date(2026, 4, 1), date(2029, 3, 31)),                        # began after
    Person(7, "G", date(2024, 1, 1), date(2024, 6, 30), date(2025, 1, 15)),     # left later
    Person(8, "H", date(2025, 6, 1), date(2025, 5, 1)),                         # never began
]


@pytest.mark.parametrize("day, year", [(date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026),
                                       (date(2026, 12, 2), 2026), (date(2027, 1, 1), 2026)])
def test_a_fiscal_year_runs_from_april_to_march(day, year):
    assert fiscal_year_of(day) == year


def test_the_rate_of_a_small_office_worked_out_by_hand():
    found = office_rates(OFFICE, date(2026, 12, 2), R6)
    official = found["official"]
    # The last fiscal year is 2025 (2025-04-01 – 2026-03-31): the three years are 2023–2025.
    assert official.window == (date(2023, 4, 1), date(2026, 3, 31))
    assert official.as_of == date(2026, 3, 31)
    # A, B, C, E and G used the service in the window; D ended before it, F began after it,
    # H never began. On 31 March: A, C (who left a day later) and E are in work; B left
    # that very day and G left in January 2025.
    assert [(c.person.name, c.in_work) for c in official.counted] == [
        ("A", True), ("B", False), ("C", True), ("E", True), ("G", False)]
    assert (official.users, official.in_work, official.share) == (5, 3, Fraction(3, 5))
    assert official.tier.label == "5割以上7割未満"
    # This year's projection: 2024-04-01 – 2027-03-31, counted today. D and H out, F in;
    # A, E and F are in work today, B, C and G are not.
    projection = found["projection"]
    assert projection.projection and projection.window == (date(2024, 4, 1), date(2027, 3, 31))
    assert [(c.person.name, c.in_work) for c in projection.counted] == [
        ("A", True), ("B", False), ("C", False), ("E", True), ("F", True), ("G", False)]
    assert projection.share == Fraction(1, 2) and projection.tier.label == "5割以上7割未満"
    # The trend: the figure at each of the last five fiscal year ends. 2024 (2022-04-01 –
    # 2025-03-31): D, who ended in March 2023, still counts; G had not left yet.
    assert [(r.fiscal_year, r.users, r.in_work) for r in found["trend"]] == [
        (2021, 1, 1), (2022, 2, 2), (2023, 4, 4), (2024, 6, 5), (2025, 5, 3)]


def test_a_year_nobody_used_has_no_rate():
    nobody = rate([], 2025, R6)
    assert (nobody.users, nobody.share, nobody.tier) == (0, None, None)


@pytest.mark.parametrize("share, label", [
    (Fraction(1), "9割5分以上"), (Fraction(95, 100), "9割5分以上"),
    (Fraction(9499, 10000), "9割以上9割5分未満"), (Fraction(9, 10), "9割以上9割5分未満"),
    (Fraction(8, 10), "8割以上9割未満"), (Fraction(7, 10), "7割以上8割未満"),
    (Fraction(69, 100), "5割以上7割未満"), (Fraction(1, 2), "5割以上7割未満"),
    (Fraction(3, 10), "3割以上5割未満"), (Fraction(2999, 10000), "3割未満"), (Fraction(0), "3割未満"),
])
def test_each_tier_begins_at_its_lower_bound(share, label):
    assert tier_of(share, R6).label == label


def test_the_migration_seeds_the_seven_r6_tiers(app):
    with db.database.connection_context():
        rows = [(t.lower_permille, t.label) for t in RateTier.select().order_by(RateTier.position)]
    assert [(Fraction(lower, 1000), label) for lower, label in rows] == [
        (t.lower, t.label) for t in R6]


# --- the manager's page ------------------------------------------------------------------------

@pytest.fixture
def office(people):
    """Three clients of office A hired so that the 2025 figure is 2 of 3."""
    from companion.models import today
    with db.database.connection_context():
        this_year = fiscal_year_of(today())
        hire = date(this_year - 2, 5, 10)   # support from the 7th month, inside the window
        ClientProfile.update(hire_date=hire).where(
            ClientProfile.user == people["client"].id).execute()
        ClientProfile.update(hire_date=hire, left_job_on=date(this_year, 1, 15),
                             support_ended_on=date(this_year, 1, 15),
                             support_end_reason="left_job").where(
            ClientProfile.user == people["other_client"].id).execute()
        third = make_user(people["office_a"], "client", "third", "鈴木 あや", people["supporter"],
                          hire_date=hire - timedelta(days=400))
        make_user(people["office_b"], "client", "elsewhere", "別の事業所の人", None,
                  hire_date=hire)
    return {"year": this_year - 1, "third": third}


def test_the_manager_reads_the_rate_its_tier_and_who_counts(people, login, office):
    page = login("manager").client.get("/admin/settle-rate").get_data(as_text=True)
    assert "66.7%" in page and "5割以上7割未満" in page
    assert "佐藤 みのり" in page and "鈴木 あや" in page and "別の事業所の人" not in page
    with db.database.connection_context():
        listed = {r.client_id for r in AccessLog.select().where(AccessLog.what == "settle_rate")}
    assert listed == {people["client"].id, people["other_client"].id, office["third"].id}


def test_the_csv_holds_the_years_and_the_people(people, login, office):
    response = login("manager").client.get("/admin/settle-rate.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    years = {row[0]: row for row in rows[1:7] if row}
    last = years[str(office["year"])]
    assert last[4:8] == ["3", "2", "66.7", "5割以上7割未満"]
    people_rows = [row for row in rows[8:] if row and row[0] == str(office["year"])]
    assert sorted((row[1], row[5]) for row in people_rows) == [
        ("other-client", "いいえ"), ("佐藤 みのり", "はい"), ("鈴木 あや", "はい")]


@pytest.mark.parametrize("role", ["supporter", "client", "manager_b"])
def test_only_the_offices_manager_reads_it(people, login, office, role):
    auth = login(role)
    response = auth.client.get("/admin/settle-rate")
    if role == "manager_b":
        assert response.status_code == 200
        assert "佐藤 みのり" not in response.get_data(as_text=True)
    else:
        assert response.status_code == 404
        assert auth.client.get("/admin/settle-rate.csv").status_code == 404


def tier_form(lowers, labels=None):
    labels = labels or [t.label for t in R6]
    return {"lower": [str(v) for v in lowers], "label": labels}


def test_the_manager_corrects_the_tiers_and_bad_tables_are_refused(people, login):
    manager = login("manager")
    with db.database.connection_context():
        before = [(t.lower_permille, t.label) for t in RateTier.select().order_by(RateTier.position)]
    for bad in ([95, 90, 80, 70, 50, 30, 10],          # the last must start at 0
                [95, 90, 90, 70, 50, 30, 0],           # going down
                [95, 90, 80, 70, 50, 30],              # all seven
                [101, 90, 80, 70, 50, 30, 0],
                ["abc", 90, 80, 70, 50, 30, 0]):
        response = form(manager, "/admin/settle-rate/tiers", tier_form(bad), "/admin/settle-rate")
        assert response.status_code == 422, bad
        assert 'role="alert"' in response.get_data(as_text=True)
    response = form(manager, "/admin/settle-rate/tiers",
                    tier_form([95, 90, 80, 70, 50, 30, 0], [t.label for t in R6[:6]] + [" "]),
                    "/admin/settle-rate")
    assert response.status_code == 422
    with db.database.connection_context():
        assert [(t.lower_permille, t.label) for t in RateTier.select().order_by(
            RateTier.position)] == before
    response = form(manager, "/admin/settle-rate/tiers",
                    tier_form([96, 90.5, 80, 70, 50, 30, 0]), "/admin/settle-rate")
    assert response.status_code == 302
    with db.database.connection_context():
        assert [t.lower_permille for t in RateTier.select().order_by(RateTier.position)] == [
            960, 905, 800, 700, 500, 300, 0]


def test_the_page_costs_the_same_queries_for_3_clients_or_30(people, login):
    """Measured, not guessed: the clients in two queries, whatever their number."""
    import conftest
    manager = login("manager")

    def cost():
        with conftest.count_queries() as seen:
            assert manager.client.get("/admin/settle-rate").status_code == 200
        return len([line for line in seen if line.startswith("(")])
    with db.database.connection_context():
        for n in range(3):
            make_user(people["office_a"], "client", f"few-{n}", f"少し{n}", None,
                      hire_date=date(2023, 1, 10))
    few = cost()
    with db.database.connection_context():
        for n in range(27):
            make_user(people["office_a"], "client", f"many-{n}", f"たくさん{n}", None,
                      hire_date=date(2023, 1, 10), left_job_on=date(2025, 5, 1) if n % 3 else None)
    many = cost()
    print("settle-rate page queries:", few, many)
    assert many == few
