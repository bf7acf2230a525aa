"""Logs: one JSON object per line on stdout, each carrying the request id."""

import json

import pytest
from forms_helpers import Signup, make_app


@pytest.fixture
def json_app(build_app):
    return build_app(LOG_FORMAT="json")


def log_lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def test_request_id_from_the_proxy_is_logged_and_echoed(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get(
        "/health", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})
    assert response.headers["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    (line,) = log_lines(capsys)
    assert line["request_id"] == "0123456789abcdef0123456789abcdef"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/health", 200)
    assert line["level"] == "INFO" and line["logger"] == "forms_service.request"
    assert isinstance(line["duration_ms"], float)


@pytest.mark.parametrize("given", ["", "short", "x" * 200, "abc def ghi jkl", 'a"b{}<script>xx'])
def test_missing_or_invalid_request_id_is_replaced(json_app, capsys, given):
    capsys.readouterr()
    response = json_app.test_client().get("/health", headers={"X-Request-ID": given})
    generated = response.headers["X-Request-ID"]
    assert generated != given and len(generated) == 32
    (line,) = log_lines(capsys)
    assert line["request_id"] == generated


def test_every_line_of_a_failing_request_has_its_id(tmp_path, ebook_source, capsys):
    # The database is unreachable: errors.py logs the failure, then the request line follows.
    app = make_app(tmp_path, ebook_source, LOG_FORMAT="json", AUTO_MIGRATE=False,
                   SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:9/x"
                                           "?connect_timeout=1")
    capsys.readouterr()
    response = Signup(app.test_client()).json(headers={"X-Request-ID": "drill-0000000001"})
    assert response.status_code == 503
    lines = [line for line in log_lines(capsys) if line["request_id"] == "drill-0000000001"]
    assert [line["level"] for line in lines] == ["ERROR", "INFO"]
    assert "database unavailable" in lines[0]["message"]
    assert lines[1]["status"] == 503


def test_text_format_for_development(sqlite_app, capsys):
    capsys.readouterr()
    response = sqlite_app.test_client().get("/health")
    (line,) = capsys.readouterr().out.splitlines()
    assert f"INFO [{response.headers['X-Request-ID']}] forms_service.request: GET /health 200" \
        in line


def test_unknown_log_format_names_the_setting(tmp_path, ebook_source):
    with pytest.raises(ValueError, match="FORMS_LOG_FORMAT: expected json or text, got 'xml'"):
        make_app(tmp_path, ebook_source, LOG_FORMAT="xml")
