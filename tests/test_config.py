"""Configuration: COMPANION_* variables, the generated secret key, a README that explains them."""
import os
import re
import stat
import threading

import pytest

from companion import ROOT, cli, config, create_app

README = os.path.join(ROOT, "README.md")


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """Build apps on an empty instance folder with no COMPANION_* settings in the environment."""
    for name in config.SETTINGS:
        monkeypatch.delenv(config.ENV_PREFIX + name, raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(instance))

    def build(test_config=None):
        return create_app({"TESTING": True, **(test_config or {})})
    build.instance = instance
    return build


def read_readme():
    if not os.path.exists(README):
        pytest.fail("README.md is missing: it must explain the settings and commands")
    with open(README, encoding="utf-8") as fh:
        return fh.read()


def test_secret_key_is_generated_private_and_reused(fresh):
    first = fresh()
    key_file = fresh.instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert fresh().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_secret_keys_differ_between_instances(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    assert config.instance_secret(str(one)) != config.instance_secret(str(two))


def test_processes_starting_together_agree_on_one_secret_key(tmp_path):
    keys, start = [], threading.Barrier(8)

    def start_one():
        start.wait()
        keys.append(config.instance_secret(str(tmp_path)))
    threads = [threading.Thread(target=start_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert (tmp_path / "secret_key").read_text() == keys[0]
    assert os.listdir(tmp_path) == ["secret_key"]


def test_environment_secret_key_overrides_the_file(fresh, monkeypatch):
    monkeypatch.setenv("COMPANION_SECRET_KEY", "from-the-environment")
    app = fresh()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (fresh.instance / "secret_key").exists()


def test_no_secret_is_a_constant_in_the_code():
    package = os.path.join(ROOT, "companion")
    for name in os.listdir(package):
        if name.endswith(".py"):
            with open(os.path.join(package, name), encoding="utf-8") as fh:
                assert not re.search(r"SECRET_KEY['\"]?\s*[=:,]\s*['\"]", fh.read()), name


def test_database_defaults_to_sqlite_in_the_instance_folder(fresh):
    app = fresh()
    assert app.config["DATABASE_URL"] == "sqlite:///" + str(fresh.instance / "companion.sqlite3")


def test_settings_are_read_from_the_environment(fresh, monkeypatch):
    monkeypatch.setenv("COMPANION_DATABASE_URL", "postgresql://companion@db.internal/companion")
    monkeypatch.setenv("COMPANION_LOGIN_LIMIT", "5 per minute")
    monkeypatch.setenv("COMPANION_SECURE_COOKIES", "true")
    monkeypatch.setenv("COMPANION_INVITATION_DAYS", "3")
    monkeypatch.setenv("COMPANION_RATELIMIT_STORAGE_URI", "")
    app = fresh()
    assert app.config["DATABASE_URL"] == "postgresql://companion@db.internal/companion"
    assert app.config["LOGIN_LIMIT"] == "5 per minute"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["INVITATION_DAYS"] == 3
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_every_setting_is_documented_in_the_readme():
    readme = read_readme()
    missing = [config.ENV_PREFIX + name for name in config.SETTINGS
               if config.ENV_PREFIX + name not in readme]
    assert not missing, f"README.md does not explain {', '.join(missing)}"


def test_every_command_and_option_is_documented_in_the_readme():
    readme = read_readme()
    missing = [f"companion {name}" for name in ("demo", "run", "migrate", "create-user", "backup")
               if f"companion {name}" not in readme]
    for name, command in cli.make_cli().commands.items():
        if name in ("demo", "migrate", "create-user", "backup"):
            missing.extend(f"companion {name} {option}" for param in command.params
                           for option in param.opts
                           if option.startswith("--") and option not in readme)
    assert not missing, f"README.md does not explain {', '.join(missing)}"
