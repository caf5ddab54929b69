"""The `companion` command: demo, migrate, create-user and backup."""
import re
import sqlite3
import stat

import pytest

from companion import cli, create_app, db, demo
from companion.models import Assignment, User
from conftest import all_models, csrf_token, form_token


def row_counts():
    """How many rows each table holds."""
    with db.database.connection_context():
        return {m._meta.table_name: m.select().count() for m in all_models()}


def log_in(app, login, password):
    """Try a login through the API in a new browser; return the status."""
    browser = app.test_client()
    return browser.post("/api/v1/session", json={"login": login, "password": password},
                        headers={"X-CSRF-Token": csrf_token(browser)}).status_code


@pytest.fixture
def sqlite_app(tmp_path, monkeypatch):
    """An app on a SQLite file whatever engine the suite runs on: backup is about SQLite."""
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("COMPANION_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "cli"})
    db.migrate()
    return app


# --- demo ------------------------------------------------------------------------------

def test_demo_twice_changes_nothing_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    counts = row_counts()
    assert counts["user"] == 7 and counts["note"] > 0 and counts["check_in"] > 0
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert row_counts() == counts
    for output in (first.output, second.output):
        assert demo.PASSWORD in output
        for login, _role, _name in demo.STAFF:
            assert login in output
        for client in demo.CLIENTS:
            assert client[0] in output


def test_demo_logins_work(app, runner):
    runner.invoke(args=["demo", "--no-serve"])
    assert log_in(app, "sato", demo.PASSWORD) == 200


def test_demo_creates_and_migrates_the_database_itself(sqlite_app, tmp_path):
    result = sqlite_app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "companion.sqlite3").exists()


# --- create-user -----------------------------------------------------------------------

def test_create_user_with_password_from_stdin_can_log_in(app, runner, people):
    result = runner.invoke(args=["create-user", "Mori", "--role", "client", "--supporter",
                                 "supporter", "--display-name", "森 はな", "--password-stdin"],
                           input="a calm morning walk\n")
    assert result.exit_code == 0, result.output
    assert "/invite/" not in result.output
    with db.database.connection_context():
        user = User.get(User.login == "mori")
        assigned = [a.supporter_id for a in Assignment.select().where(Assignment.client == user.id)]
    assert (user.role, user.display_name, user.office_id) == ("client", "森 はな",
                                                              people["office_a"].id)
    assert assigned == [people["supporter"].id]
    assert log_in(app, "mori", "a calm morning walk") == 200


def test_create_user_without_password_prints_an_invitation_that_works(app, runner):
    result = runner.invoke(args=["create-user", "boss", "--role", "manager",
                                 "--office", "ひだまり"])
    assert result.exit_code == 0, result.output
    path = re.search(r"https?://\S+(/invite/\S+)", result.output).group(1)
    browser = app.test_client()
    token = form_token(browser.get(path).get_data(as_text=True))
    response = browser.post(path, data={"csrf_token": token, "password": "a calm morning walk",
                                        "password2": "a calm morning walk"})
    assert response.status_code == 302
    assert browser.get("/api/v1/me").get_json()["role"] == "manager"
    with db.database.connection_context():
        assert User.get(User.login == "boss").office.name == "ひだまり"


def test_create_user_prints_the_invitation_on_the_given_site(app, runner):
    result = runner.invoke(args=["create-user", "boss", "--role", "manager",
                                 "--base-url", "https://companion.example.jp/"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^https://companion\.example\.jp/invite/\S+$", result.output, re.M)


@pytest.mark.parametrize("args, stdin, message", [
    (["client", "--role", "client"], "", "taken"),
    (["mori", "--role", "client", "--supporter", "nobody"], "", "no supporter"),
    (["mori", "--role", "client", "--password-stdin"], "short\n", "8"),
    (["mori", "--role", "client", "--password-stdin"], "password123\n", "よく使われて"),
    (["bad login", "--role", "client"], "", "ログインID"),
    (["mori", "--role", "supporter", "--supporter", "supporter"], "", "client"),
])
def test_create_user_refuses_bad_input_and_creates_nothing(app, runner, people, args, stdin,
                                                           message):
    before = row_counts()
    result = runner.invoke(args=["create-user", *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert row_counts() == before


# --- backup ----------------------------------------------------------------------------

def test_backup_of_sqlite_is_a_readable_copy(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    runner.invoke(args=["create-user", "boss", "--role", "manager"])
    target = tmp_path / "copy.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT login FROM user").fetchall() == [("boss",)]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backup_without_a_database_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(tmp_path / "instance"))
    missing = tmp_path / "missing" / "nothing.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "cli",
                      "DATABASE_URL": f"sqlite:///{missing}"})
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    assert result.exit_code != 0
    assert "no database" in result.output
    assert not missing.exists()


def test_backup_on_postgresql_says_to_use_pg_dump(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "cli",
                      "DATABASE_URL": "postgresql://companion@127.0.0.1:1/companion"})
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    assert not (tmp_path / "copy").exists()


def test_sqlite_database_is_readable_by_its_owner_only(sqlite_app, tmp_path):
    path = tmp_path / "instance" / "companion.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- the console script ----------------------------------------------------------------

def test_console_script_offers_every_command(tmp_path, monkeypatch):
    from click.testing import CliRunner
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(cli.make_cli(), ["--help"])
    assert result.exit_code == 0, result.output
    for command in ("demo", "run", "migrate", "create-user", "backup"):
        assert re.search(rf"^\s+{command}\s", result.output, re.M), command
    demo_help = CliRunner().invoke(cli.make_cli(), ["demo", "--help"]).output
    assert "--host" in demo_help and "--port" in demo_help and "--no-serve" in demo_help
