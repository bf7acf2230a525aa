"""The one Config: every FORMS_* variable reaches the app, the README's table matches it."""

import re
from pathlib import Path

import pytest

from forms_service import config, create_app
from forms_service.booking import EXAMPLE

README = Path(__file__).resolve().parents[2] / "README.md"
TABLE_START = "**Configuration** (environment variables"
LITERALS = re.compile(r"`[^`]+`(?: / `[^`]+`)*")
ALL = config.VARIABLES + config.SERVER_VARIABLES


def readme_table():
    """Return {variable: default text or None} from the README's configuration table."""
    lines = README.read_text(encoding="utf-8").split(TABLE_START, 1)[1].splitlines()
    rows = []
    for line in lines[lines.index("") + 3:]:  # after the header row and its rule
        if not line.startswith("|"):
            break
        rows.append(line)
    table = {}
    for row in rows:
        names_cell, _meaning, default_cell = (c.strip() for c in row.strip("|").split(" | "))
        names = re.findall(r"`(FORMS_[A-Z_]+)`", names_cell)
        # A default given as code (`30`, or `5` / `15` for a row of two variables), maybe
        # followed by a remark in brackets; anything else describes a worked-out default.
        match = re.fullmatch(rf"({LITERALS.pattern})(?: \(.*\))?", default_cell)
        literals = re.findall(r"`([^`]+)`", match.group(1)) if match else [None] * len(names)
        assert len(literals) == len(names), row
        table.update(zip(names, literals, strict=True))
    return table


def test_the_readme_lists_every_variable_and_no_other():
    assert sorted(readme_table()) == sorted(v.name for v in ALL)


@pytest.mark.parametrize("variable", ALL, ids=lambda v: v.name)
def test_the_readme_gives_the_configs_default(variable):
    documented = readme_table()[variable.name]
    if variable.default is None:
        assert documented is None, "worked out from other settings: describe it in words"
    elif documented is None:
        assert variable.default == "", "give the default as `code` in the README"
    else:
        assert variable.parse(documented) == variable.parse(variable.default)


def test_every_variable_is_read_once():
    names = [v.name for v in ALL]
    keys = [v.key for v in ALL]
    assert len(set(names)) == len(names) and len(set(keys)) == len(keys)


def _setting(variable, tmp_path, ebook_source):
    """A value for variable unlike its default, and the setting it must give."""
    special = {
        "FORMS_DATABASE_URL": (f"sqlite:///{tmp_path / 'env.sqlite3'}",) * 2,
        "FORMS_SITE_URL": ("https://normkraft.example/", "https://normkraft.example"),
        "FORMS_INSTANCE_PATH": (str(tmp_path / "env-instance"),) * 2,
        "FORMS_EBOOK_SOURCE_DIR": (str(ebook_source),) * 2,
        "FORMS_EBOOK_DIR": (str(tmp_path / "env-ebook"),) * 2,
        "FORMS_BOOKING_AVAILABILITY": (str(EXAMPLE),) * 2,
        "FORMS_DESK_ARTICLES_FILE": (str(tmp_path / "env-articles.json"),) * 2,
        "FORMS_WEBHOOK_URLS": ("https://a.example/hook, https://b.example/hook",
                               ["https://a.example/hook", "https://b.example/hook"]),
        "FORMS_LOG_FORMAT": (" JSON ", "json"),
        "FORMS_SMTP_URL": ("smtp://u:p@mail.example:587",) * 2,
        "FORMS_RATELIMIT_STORAGE_URL": ("memory://?env=1",) * 2,
    }
    if variable.name in special:
        return special[variable.name]
    if variable.parse is config.flag:
        # Worked out in a bare environment: migrations and the thread on, Secure off.
        on = config.flag(variable.default) if variable.default else variable.name != (
            "FORMS_COOKIE_SECURE")
        return ("false", False) if on else ("true", True)
    if variable.parse is int:
        return "7", 7
    if variable.parse is float:
        return "2.5", 2.5
    address = f"{variable.name.lower()}@normkraft.example"
    return address, address


def test_every_variable_reaches_the_app(monkeypatch, tmp_path, ebook_source, closing):
    expected = {}
    for variable in config.VARIABLES:
        value, setting = _setting(variable, tmp_path, ebook_source)
        if variable.default is not None:
            assert setting != variable.parse(variable.default), variable.name
        monkeypatch.setenv(variable.name, value)
        expected[variable.key] = setting
    app = closing(create_app())
    assert app.instance_path == expected.pop("INSTANCE_PATH")
    assert {key: app.config[key] for key in expected} == expected


def test_without_variables_every_setting_has_its_default(monkeypatch):
    settings = config.from_environment({})
    for variable in config.VARIABLES:
        if variable.default is not None:
            assert settings[variable.key] == variable.parse(variable.default), variable.name
    assert settings["AUTO_MIGRATE"] is True and settings["OUTBOX_THREAD"] is True
    assert settings["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("variable", config.SERVER_VARIABLES, ids=lambda v: v.name)
def test_the_server_variables_reach_gunicorn(variable):
    value = {"FORMS_BIND": "127.0.0.1:9100", "FORMS_SCRIPT_NAME": "/lomakkeet"}.get(
        variable.name, "3")
    assert config.server_settings({variable.name: value})[variable.key] == variable.parse(value)
    assert config.server_settings({})[variable.key] not in (None, variable.parse(value))


def test_a_test_config_replaces_the_environment(monkeypatch, build_app):
    monkeypatch.setenv("FORMS_SUPPORT_EMAIL", "stray@example.com")
    monkeypatch.setenv("FORMS_RETENTION_DAYS", "1")
    app = build_app()
    assert app.config["SUPPORT_EMAIL"] == "support@normkraft.se"
    assert app.config["RETENTION_DAYS"] == 30
