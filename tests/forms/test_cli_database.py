"""Commands that read or change data name their database first (stderr), password hidden.

In production the settings come from /etc/normkraft/forms.env; a command run without them
silently uses a fresh SQLite file in instance/, so the operator must see the target.
"""

import json

import pytest
from desk_helpers import PASSWORD, add_lead
from forms_helpers import make_app
from sqlalchemy import make_url

COMMANDS = [
    ["privacy", "erase", "lena@example.com"],
    ["privacy", "export", "lena@example.com"],
    ["privacy", "purge"],
    ["digest", "send"],
    ["outbox", "run", "--once"],
    ["users", "create", "--email", "new@normkraft.se", "--password", PASSWORD],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_command_names_its_database_first(app, args):
    add_lead(app)
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    assert result.stderr.splitlines()[0] == f"database: {url}"
    assert result.stdout and "database:" not in result.stdout


def test_sqlite_database_is_named_by_its_file(sqlite_app, tmp_path):
    result = sqlite_app.test_cli_runner().invoke(args=["privacy", "erase", "x@example.com"])
    assert result.stderr.splitlines()[0] == f"database: sqlite:///{tmp_path / 'forms.sqlite3'}"


def test_export_stays_valid_json_on_stdout(sqlite_app):
    add_lead(sqlite_app)
    result = sqlite_app.test_cli_runner().invoke(args=["privacy", "export", "lena@example.com"])
    assert json.loads(result.stdout)["leads"][0]["email"] == "lena@example.com"


@pytest.mark.postgres
def test_database_password_is_hidden(tmp_path, ebook_source, postgres_url, closing):
    # The test server trusts local connections, so any password logs in.
    url = make_url(postgres_url).set(password="s3cret-pass")
    app = closing(make_app(tmp_path, ebook_source,
                           SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False)))
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "s3cret-pass" not in result.output
    shown = f"{url.drivername}://{url.username}:***@{url.host}:{url.port}/{url.database}"
    assert result.stderr.splitlines()[0] == f"database: {shown}"


def test_the_builtin_sqlite_default_is_called_out(tmp_path, build_app):
    # No FORMS_DATABASE_URL (forms.env not loaded): the fresh file in instance/ is used.
    app = build_app(SQLALCHEMY_DATABASE_URI=None)
    result = app.test_cli_runner().invoke(args=["privacy", "erase", "x@example.com"])
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"database: sqlite:///{tmp_path / 'instance' / 'forms.sqlite3'} ")
    assert "FORMS_DATABASE_URL is not set" in first
