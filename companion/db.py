"""The database lifecycle: choose the engine, open and close per request, migrate."""
import os
from urllib.parse import urlparse

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()
MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def make_database(url):
    """Return a peewee database for a sqlite:/// or postgresql:// URL."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path != ":memory:" and os.path.isdir(os.path.dirname(os.path.abspath(path))):
            create_private_file(path)
        return SqliteDatabase(path, pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 5000,
            "synchronous": "normal",
        }, timeout=5)
    if scheme in ("postgres", "postgresql"):
        params = parse_url(url, unquote_password=True, unquote_user=True)
        return PooledPostgresqlDatabase(
            params.pop("database"), max_connections=32, stale_timeout=300,
            timeout=10, **params)
    raise ValueError(f"COMPANION_DATABASE_URL: unsupported database {scheme!r}")


def create_private_file(path):
    """Create path readable by its owner only, unless it exists: the database holds personal notes.

    SQLite gives its -wal and -shm files the database file's permissions.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def bind(url):
    """Point the models at the database named by url (closing this thread's previous one)."""
    if database.obj is not None and not database.is_closed():
        database.close()
    db = make_database(url)
    database.initialize(db)
    return db


def _forget_after_fork():
    """A forked worker must never use the parent's SQLite connection: drop it, unclosed."""
    if isinstance(database.obj, SqliteDatabase):
        database.obj._state.reset()


os.register_at_fork(after_in_child=_forget_after_fork)


def migrate():
    """Apply pending schema migrations; return the names applied."""
    with database.connection_context():
        return Runner(database.obj, MIGRATIONS).up()


def init_app(app):
    """Bind the database and give each request a connection.

    SQLite keeps one connection per worker thread, its PRAGMAs set once, instead of opening
    the file for every request; PostgreSQL takes one from the pool and gives it back.
    """
    kept = isinstance(bind(app.config["DATABASE_URL"]), SqliteDatabase)

    @app.before_request
    def _connect():
        from flask import request
        if request.endpoint != "static":
            database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if database.is_closed():
            return
        if kept and not database.in_transaction():
            return
        database.close()


def insert_rows(model, rows, conflict=None):
    """Insert many rows in one statement, every row with the same columns.

    peewee takes a multi-row INSERT's columns from the first row alone: a key missing
    there is silently dropped from every other row (an agenda lost its note links that
    way). Missing keys get the field's default; a key no field knows is refused.
    `conflict` may turn the query into an upsert (it gets and returns the insert query).
    """
    rows = [dict(row) for row in rows]
    if not rows:
        return 0
    fields = model._meta.fields
    keys = set().union(*rows)
    unknown = keys - fields.keys()
    if unknown:
        raise KeyError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    for key in keys:
        default = fields[key].default
        for row in rows:
            if key not in row:
                row[key] = default() if callable(default) else default
    query = model.insert_many(rows)
    return (conflict(query) if conflict else query).execute()
