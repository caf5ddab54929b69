"""The `companion` command: demo, run, migrate, create-user, backup, remind."""
import os
import sqlite3

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale
from werkzeug.security import generate_password_hash
from werkzeug.serving import run_simple

from . import create_app, db


def make_cli():
    """The `companion` command group over the app factory."""
    group = FlaskGroup(create_app=create_app, add_default_commands=True,
                       help="Companion: the monthly 作戦会議, prepared on the phone.")
    for command in (demo, migrate, create_user, backup, remind):
        group.add_command(command)
    return group


def main():
    """Entry point of the console script."""
    make_cli().main(prog_name="companion")


def init_app(app):
    """Make the commands available to `flask --app companion` too."""
    for command in (demo, migrate, create_user, backup, remind):
        app.cli.add_command(command)


@click.command()
@with_appcontext
def migrate():
    """Apply schema migrations."""
    applied = db.migrate()
    click.echo("applied: " + ", ".join(applied) if applied else "the schema is up to date")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed the data and exit.")
@with_appcontext
def demo(host, port, no_serve):
    """Create the database, add a demo office, print its logins and serve."""
    from .demo import PASSWORD, seed
    db.migrate()
    with db.database.connection_context():
        people = seed()
    click.echo("Demo logins (password for all: %s)" % PASSWORD)
    for login, role, name in people:
        click.echo(f"  {role:<10} {login:<12} {name}")
    if not no_serve:
        click.echo(f"Open http://{host}:{port}/ in a browser.")
        # Flask refuses app.run() inside its own CLI; serve with werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.command("create-user")
@click.argument("login")
@click.option("--role", type=click.Choice(["client", "supporter", "manager"]), required=True)
@click.option("--display-name", default=None)
@click.option("--supporter", "supporter_login", default=None, help="Assign the client to this supporter.")
@click.option("--office", "office_name", default=None, help="Office name (created if missing).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--base-url", default=None,
              help="The site's address, for the invitation link (default: COMPANION_BASE_URL).")
@with_appcontext
def create_user(login, role, display_name, supporter_login, office_name, password_stdin,
                base_url):
    """Create an account; without a password, print an invitation URL."""
    from . import auth
    from .models import Assignment, ClientProfile, Office, User
    from marshmallow import ValidationError
    from .fields import plain
    from .schemas import AccountSchema, NewPasswordSchema
    login = login.strip().lower()
    if supporter_login and role != "client":
        raise click.ClickException("--supporter is for a client's account only")
    # No request here to choose a language from: messages are in the default, Japanese.
    with force_locale("ja"):
        try:
            AccountSchema(only=("login",)).load({"login": login})
        except ValidationError as exc:
            raise click.ClickException(" ".join(plain(exc.messages)["login"]))
        password = None
        if password_stdin:
            password = click.get_text_stream("stdin").readline().rstrip("\r\n")
            try:
                NewPasswordSchema(login=login, only=("password",)).load({"password": password})
            except ValidationError as exc:
                raise click.ClickException(" ".join(plain(exc.messages)["password"]))
    db.migrate()
    with db.database.connection_context(), db.database.atomic():
        if User.select().where(User.login == login).exists():
            raise click.ClickException(f"the login {login!r} is taken")
        supporter = None
        if supporter_login:
            supporter = User.get_or_none((User.login == supporter_login.strip().lower())
                                         & (User.role == "supporter")
                                         & User.active)
            if supporter is None:
                raise click.ClickException(f"no supporter with the login {supporter_login!r}")
        if supporter:
            office = supporter.office
        else:
            office = (Office.get_or_none(Office.name == office_name) if office_name
                      else Office.select().order_by(Office.id).first())
            office = office or Office.create(name=office_name or "事業所")
        user = User.create(office=office, role=role, login=login,
                           display_name=display_name or login)
        if role == "client":
            ClientProfile.create(user=user)
            if supporter:
                Assignment.create(client=user, supporter=supporter)
        if password is not None:
            user.password_hash = generate_password_hash(password)
            user.save()
            click.echo(f"created {role} {login}")
        else:
            token = auth.issue_invitation(user)
            days = current_app.config["INVITATION_DAYS"]
            click.echo(f"created {role} {login}; invitation (valid {days} days):")
            base_url = (base_url or current_app.config["BASE_URL"]).rstrip("/")
            click.echo(f"{base_url}/invite/{token}")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup(path):
    """Copy the SQLite database consistently while it is in use."""
    url = current_app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise click.ClickException("for PostgreSQL use pg_dump, e.g. pg_dump -Fc DBNAME > companion.dump")
    database = url[len("sqlite:///"):]
    if not os.path.isfile(database):
        raise click.ClickException(f"no database at {database}")
    source = sqlite3.connect(database)
    db.create_private_file(path)
    target = sqlite3.connect(path)
    with target:
        source.backup(target)
    target.close()
    source.close()
    click.echo(f"backed up to {path}")


@click.command()
@click.option("--at", "at", default=None, metavar="ISO-TIME",
              help="Act as if it were this moment (e.g. 2026-12-04T08:00+09:00); for trying it out.")
@with_appcontext
def remind(at):
    """Send the reminders that are due now (run every few minutes by cron or a timer)."""
    from datetime import datetime, timezone
    from .reminders import push, sender
    now = None
    if at:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise click.BadParameter("an ISO 8601 time, e.g. 2026-12-04T08:00+09:00", param_hint="--at")
        if moment.tzinfo is None:
            raise click.BadParameter("give the offset too, e.g. +09:00", param_hint="--at")
        now = moment.astimezone(timezone.utc).replace(tzinfo=None)
    problem = push.subject_problem()
    if problem:
        click.echo("warning: " + problem, err=True)
    with db.database.connection_context():
        result = sender.run(now)
    click.echo(f"sent {result.sent}, to retry {result.retried}, failed {result.failed}, "
               f"devices dropped {result.gone}, waiting for quiet hours to end {result.skipped_quiet}")


if __name__ == "__main__":
    main()
