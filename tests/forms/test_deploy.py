"""deploy/systemd: every unit runs with the production settings; purge and digest on timers."""

import re

import pytest
from forms_helpers import ROOT

UNITS = ROOT / "deploy" / "systemd"
ENV_FILE = "/etc/normkraft/forms.env"


def unit(name):
    """The keys of a unit file by section, each with its list of values (keys may repeat)."""
    sections, current = {}, None
    for line in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


SERVICES = sorted(path.name for path in UNITS.glob("normkraft-*.service"))


def test_the_units_are_all_there():
    assert SERVICES == ["normkraft-digest.service", "normkraft-forms@.service",
                        "normkraft-migrate.service", "normkraft-outbox@.service",
                        "normkraft-purge.service"]
    assert sorted(path.name for path in UNITS.glob("*.timer")) == [
        "normkraft-digest.timer", "normkraft-purge.timer"]


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_reads_the_production_settings(name):
    # Without them flask falls back to a fresh SQLite file in instance/ and "succeeds" there.
    service = unit(name)["Service"]
    assert service["EnvironmentFile"] == [ENV_FILE]
    assert (service["User"], service["WorkingDirectory"]) == (["normkraft"], ["/srv/normkraft"])
    (command,) = service["ExecStart"]
    assert command.startswith("/srv/normkraft/.venv/bin/")


@pytest.mark.parametrize("name, command", [
    ("normkraft-purge", "flask --app forms_service privacy purge"),
    ("normkraft-digest", "flask --app forms_service digest send"),
])
def test_daily_jobs_are_timers_of_oneshot_services(name, command):
    service = unit(f"{name}.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert service["ExecStart"] == [f"/srv/normkraft/.venv/bin/{command}"]
    timer = unit(f"{name}.timer")
    (calendar,) = timer["Timer"]["OnCalendar"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:00 Europe/Stockholm", calendar)
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


def test_readme_schedules_the_timers_not_cron():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # A crontab line runs flask without forms.env, i.e. against the wrong database.
    assert not re.search(r"^[\d*/,-]+ [\d*/,-]+ .*flask --app forms_service", readme, re.M)
    assert "normkraft-purge.timer" in readme and "normkraft-digest.timer" in readme
    assert "EnvironmentFile=/etc/normkraft/forms.env" in readme
