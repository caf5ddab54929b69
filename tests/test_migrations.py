"""Migrations build the schema the models describe, from nothing, on SQLite and PostgreSQL."""
import os

import pytest
from playhouse.schema_diff import diff_models

import conftest
from companion import create_app, db
from conftest import all_models


def migration_names():
    """The migration files, in the order they apply."""
    return sorted(name[:-3] for name in os.listdir(db.MIGRATIONS)
                  if name[0].isdigit() and name.endswith(".py"))


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    """An app on an empty database: nothing migrated yet, on the engine the suite runs on."""
    url = conftest.PG_URL or "sqlite:///" + str(tmp_path / "empty.sqlite3")
    if conftest.PG_URL:
        conftest.reset_postgres(url)
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "migrations"})
    yield app
    if conftest.PG_URL:
        db.database.obj.close_all()


def test_suite_runs_on_the_engine_it_was_given(app):
    engine = type(db.database.obj).__name__
    assert ("Postgresql" in engine) == bool(conftest.PG_URL), engine


def test_migrations_apply_from_an_empty_database(empty_app):
    with db.database.connection_context():
        assert not set(db.database.get_tables()) & {m._meta.table_name for m in all_models()}
    assert db.migrate() == migration_names()
    with db.database.connection_context():
        assert set(db.database.get_tables()) >= {m._meta.table_name for m in all_models()}


def test_migrated_schema_matches_the_models(empty_app):
    db.migrate()
    with db.database.connection_context():
        difference = diff_models(db.database.obj, all_models())
    assert not difference, f"models and migrations differ:\n{difference}"


def test_migrated_columns_have_the_models_nullability_and_foreign_keys(empty_app):
    # diff_models compares columns and indexes only; NOT NULL and foreign keys matter as much.
    db.migrate()
    found = []
    with db.database.connection_context():
        for model in all_models():
            table = model._meta.table_name
            columns = {c.name: c for c in db.database.get_columns(table)}
            for field in model._meta.sorted_fields:
                if columns[field.column_name].null != field.null:
                    found.append(f"{table}.{field.column_name} null={field.null} in the model")
            keys = {(k.column, k.dest_table) for k in db.database.get_foreign_keys(table)}
            wanted = {(f.column_name, f.rel_model._meta.table_name) for f in model._meta.refs}
            found.extend(f"{table}: foreign key {k} differs" for k in keys ^ wanted)
    assert not found


def test_migrating_twice_applies_nothing(empty_app):
    db.migrate()
    assert db.migrate() == []
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["migrate"])
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_migrate_command_reports_what_it_applied(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert all(name in result.output for name in migration_names())


def test_every_migration_can_be_undone(empty_app):
    from playhouse.migrations import Runner
    db.migrate()
    with db.database.connection_context():
        runner = Runner(db.database.obj, db.MIGRATIONS)
        for _ in migration_names():
            runner.down()
        left = set(db.database.get_tables()) & {m._meta.table_name for m in all_models()}
    assert not left
    assert db.migrate() == migration_names()
