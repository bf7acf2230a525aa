"""The reader count's beacon (issue 21): what is counted, what is left out, visitors per day."""

import json
from datetime import date, timedelta

import pytest
from forms_helpers import SITE, on_each_database
from fuzz_helpers import assert_localized, json_value
from hypothesis import given
from hypothesis import strategies as st
from readers_helpers import (
    BROWSER,
    OTHER_BROWSER,
    Clock,
    beacon,
    day_visitors,
    flush,
    readers_app,
    seen_days,
    stored_salts,
    totals,
)
from site_helpers import free_port

from forms_service.readers.stores import Batch
from forms_service.readers.writer import write


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def rapp(request, tmp_path, ebook_source, clock):
    """The app counting in memory, on SQLite and PostgreSQL."""
    yield from on_each_database(
        request, lambda **o: readers_app(tmp_path, ebook_source, clock, **o))


@pytest.fixture
def sapp(tmp_path, ebook_source, clock):
    """The app on SQLite only, for checks of the request that never reach the database."""
    return readers_app(tmp_path, ebook_source, clock)


@pytest.fixture
def redis_app(tmp_path, ebook_source, clock, redis_url):
    """The app counting in Redis (as when the limits use it), on SQLite."""
    return readers_app(tmp_path, ebook_source, clock, RATELIMIT_STORAGE_URI=redis_url)


def test_a_view_is_counted_with_its_dimensions(rapp):
    client = rapp.test_client()
    response = beacon(client, ref="www.LinkedIn.com", utm_source="x", utm_medium="social",
                      utm_campaign="hosten", screen="s")
    assert response.status_code == 204 and response.data == b""
    assert "Set-Cookie" not in response.headers
    assert flush(rapp) == 1
    assert totals(rapp, path="/iso-9001-kvalitet/", language="sv", referrer_host="linkedin.com",
                  utm_source="x", utm_medium="social", utm_campaign="hosten",
                  screen="s") == (1, 1)


def test_the_same_visitor_twice_in_a_day_is_one_visitor(rapp):
    client = rapp.test_client()
    for _ in range(2):
        assert beacon(client).status_code == 204
    flush(rapp)
    beacon(client)  # a later batch: the database still knows the visitor
    flush(rapp)
    assert totals(rapp) == (3, 1)
    assert day_visitors(rapp) == {date(2026, 3, 2): 1}
    beacon(client, user_agent=OTHER_BROWSER)
    beacon(client, address="198.51.100.7")
    flush(rapp)
    assert totals(rapp) == (5, 3)
    assert day_visitors(rapp, "sv") == {date(2026, 3, 2): 3}


def test_another_days_salt_makes_another_visitor_and_the_old_salt_is_gone(rapp, clock):
    client = rapp.test_client()
    beacon(client)
    flush(rapp)
    first_salt = stored_salts(rapp)[date(2026, 3, 2)]
    clock.now += timedelta(days=1)
    beacon(client)
    flush(rapp)
    assert totals(rapp) == (2, 2)
    assert day_visitors(rapp) == {date(2026, 3, 2): 1, date(2026, 3, 3): 1}
    salts = stored_salts(rapp)
    assert list(salts) == [date(2026, 3, 3)] and first_salt not in salts.values()
    assert seen_days(rapp) == {date(2026, 3, 3)}


def test_a_view_in_each_language_counts_the_day_once(rapp):
    client = rapp.test_client()
    beacon(client, path="/iso-9001-kvalitet/", lang="sv")
    beacon(client, path="/en/iso-9001-quality/", lang="en")
    flush(rapp)
    assert day_visitors(rapp) == {date(2026, 3, 2): 1}
    assert day_visitors(rapp, "sv") == day_visitors(rapp, "en") == {date(2026, 3, 2): 1}


@pytest.mark.parametrize("user_agent", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
    "+https://openai.com/gptbot)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36",
    "",
])
def test_crawlers_are_not_counted(sapp, user_agent):
    response = beacon(sapp.test_client(), user_agent=user_agent)
    assert response.status_code == 204
    flush(sapp)
    assert totals(sapp) == (0, 0)


@pytest.mark.parametrize("headers", [
    {"Sec-Purpose": "prefetch"},
    {"Sec-Purpose": "prefetch;prerender"},
    {"Purpose": "prefetch"},
    {"Sec-GPC": "1"},
])
def test_prefetches_and_opt_outs_are_not_counted(sapp, headers):
    assert beacon(sapp.test_client(), headers=headers).status_code == 204
    flush(sapp)
    assert totals(sapp) == (0, 0)


def test_a_gpc_header_of_zero_is_counted(sapp):
    beacon(sapp.test_client(), headers={"Sec-GPC": "0"})
    flush(sapp)
    assert totals(sapp) == (1, 1)


@pytest.mark.parametrize("origin, language, message", [
    ("https://evil.example", "sv", "Sidvisningen kom från en annan webbplats."),
    ("null", "en", "This page view came from another site."),
    (None, "sv", "Sidvisningen kom från en annan webbplats."),
])
def test_a_foreign_origin_is_refused(sapp, origin, language, message):
    headers = {"Origin": origin, "Referer": f"{SITE}/{'en/' if language == 'en' else ''}"}
    client = sapp.test_client()
    if origin is None:
        response = client.post("/readers/beacon", data=json.dumps({"path": "/", "lang": "sv"}),
                               headers={"User-Agent": BROWSER, "Referer": headers["Referer"]})
    else:
        response = beacon(client, headers=headers, lang=language)
    assert response.status_code == 403
    assert response.get_json()["message"] == message
    flush(sapp)
    assert totals(sapp) == (0, 0)


def test_one_visitor_cannot_inflate_a_page(rapp):
    rapp.config["READERS_RATE_LIMIT"] = 5
    client = rapp.test_client()
    for _ in range(9):
        assert beacon(client).status_code == 204
    beacon(client, user_agent=OTHER_BROWSER)
    flush(rapp)
    assert totals(rapp) == (6, 2)


BAD = [
    ("not json", "{path"),
    ("a list", "[1, 2]"),
    ("a string", '"x"'),
    ("null", "null"),
    ("a number for the path", {"path": 5, "lang": "sv"}),
    ("an object for the language", {"path": "/", "lang": {"": None}}),
    ("true for a campaign", {"path": "/", "lang": "sv", "utm_campaign": True}),
    ("no path", {"lang": "sv"}),
    ("a full address", {"path": "https://evil.example/", "lang": "sv"}),
    ("an unknown language", {"path": "/", "lang": "xx"}),
    ("a NUL in the path", {"path": "/a\x00b/", "lang": "sv"}),
    ("a new line in a campaign", {"path": "/", "lang": "sv", "utm_campaign": "a\nb"}),
    ("a long campaign", {"path": "/", "lang": "sv", "utm_campaign": "x" * 101}),
    ("a referrer that is no host", {"path": "/", "lang": "sv", "ref": "a b/c"}),
    ("an unknown screen", {"path": "/", "lang": "sv", "screen": "xl"}),
    ("bytes that are not UTF-8", b'{"path": "/\xff", "lang": "sv"}'),
]


@pytest.mark.parametrize("body", [body for _name, body in BAD], ids=[n for n, _b in BAD])
@pytest.mark.parametrize("language, message", [
    ("sv", "Sidvisningen gick inte att läsa."), ("en", "This page view could not be read.")])
def test_bad_input_is_refused_with_a_message(sapp, body, language, message):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    referer = f"{SITE}/en/" if language == "en" else f"{SITE}/"
    response = sapp.test_client().post("/readers/beacon", data=data, headers={
        "Origin": SITE, "User-Agent": BROWSER, "Referer": referer})
    assert response.status_code == 400
    assert response.get_json()["message"] == message
    assert "Set-Cookie" not in response.headers


def test_an_oversized_beacon_is_refused(sapp):
    big = json.dumps({"path": "/", "lang": "sv", "x": "y" * 5000})
    response = sapp.test_client().post("/readers/beacon", data=big, headers={
        "Origin": SITE, "User-Agent": BROWSER})
    assert response.status_code == 413
    assert response.get_json()["message"] == "Sidvisningen är för stor för att räknas."


def test_the_query_of_a_path_is_cut_and_own_referrers_are_not_referrers(rapp):
    beacon(rapp.test_client(), path="/om-oss/?utm_source=x#top", ref="localhost")
    flush(rapp)
    assert totals(rapp, path="/om-oss/", referrer_host="") == (1, 1)


def test_a_batch_written_twice_counts_once(rapp):
    row = json.dumps(["2026-03-02", "/", "sv", "", "", "", "", "l"])
    batch = Batch(views={row: 4})
    with rapp.app_context():
        assert write(batch) is True
        assert write(batch) is True  # already there: done, not added again
    assert totals(rapp) == (4, 0)


def test_counts_in_redis_are_shared_and_written_once(redis_app, tmp_path, ebook_source, clock,
                                                     redis_url):
    # A second app on the same database and Redis: another gunicorn worker.
    other = readers_app(tmp_path, ebook_source, clock, RATELIMIT_STORAGE_URI=redis_url)
    beacon(redis_app.test_client())
    beacon(other.test_client())
    beacon(other.test_client(), user_agent=OTHER_BROWSER)
    for app in (redis_app, other):
        app.extensions["readers"].store.push()  # as each process's thread does
    assert flush(other) == 3
    assert flush(redis_app) == 0
    assert totals(redis_app) == (3, 2)


def test_a_past_days_salt_is_not_in_redis_or_the_database(redis_app, clock, redis_url):
    import redis

    client = redis_app.test_client()
    beacon(client)
    redis_app.extensions["readers"].store.push()
    salt = stored_salts(redis_app)[date(2026, 3, 2)]
    clock.now += timedelta(days=1)
    beacon(client)
    redis_app.extensions["readers"].store.push()
    flush(redis_app)
    store = redis.Redis.from_url(redis_url)
    everything = b"".join(key + (store.dump(key) or b"") for key in store.scan_iter())
    assert salt not in everything and salt.hex().encode() not in everything
    assert salt not in stored_salts(redis_app).values()
    assert totals(redis_app) == (2, 2)


def test_a_batch_left_in_redis_by_a_dead_process_is_written_once(redis_app, monkeypatch):
    from forms_service.readers import stores

    counter = redis_app.extensions["readers"]
    beacon(redis_app.test_client())
    counter.store.push()
    taken = counter.store.take()  # taken, then the process "dies" before writing it
    assert len(taken) == 1
    assert flush(redis_app) == 0  # too recent to be an orphan: its process may be writing
    monkeypatch.setattr(stores, "ORPHAN_SECONDS", -1)
    assert flush(redis_app) == 1
    assert flush(redis_app) == 0
    assert totals(redis_app) == (1, 1)


def test_views_are_kept_when_redis_goes_away(tmp_path, ebook_source, clock):

    app = readers_app(tmp_path, ebook_source, clock,
                      RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    assert beacon(app.test_client()).status_code == 204
    app.extensions["readers"].store.push()  # refused: the view stays in the process
    assert flush(app) == 1
    assert totals(app) == (1, 1)


@given(body=st.one_of(
    st.binary(max_size=300),
    json_value.map(json.dumps),
    st.dictionaries(st.sampled_from(["path", "lang", "ref", "utm_source", "utm_medium",
                                     "utm_campaign", "screen", "x"]), json_value, max_size=6)
    .map(lambda d: json.dumps({"path": "/", "lang": "sv", **d})),
    st.integers(min_value=2000, max_value=9000).map(lambda n: "x" * n),
), content_type=st.sampled_from(["text/plain;charset=UTF-8", "application/json",
                                 "application/x-www-form-urlencoded", "multipart/form-data"]))
def test_fuzz_the_beacon_never_fails_and_refusals_count_nothing(sapp, body, content_type):
    sapp.config["READERS_RATE_LIMIT"] = 10**6  # many examples, one visitor
    before = totals_pending(sapp)
    response = sapp.test_client().post("/readers/beacon", data=body, headers={
        "Origin": SITE, "User-Agent": BROWSER, "Content-Type": content_type})
    assert response.status_code in (204, 400, 413), response.status_code
    assert "Set-Cookie" not in response.headers
    if response.status_code != 204:
        assert_localized(response)
        assert totals_pending(sapp) == before
    else:
        assert totals_pending(sapp) == before + 1


def totals_pending(app):
    """Views waiting in the app's memory store."""
    return sum(app.extensions["readers"].store._pending.views.values())


def test_the_request_log_keeps_no_address_of_a_reader(sapp, caplog):
    caplog.set_level("INFO", logger="forms_service.request")
    client = sapp.test_client()
    assert beacon(client, address="203.0.113.77").status_code == 204  # the fast path
    assert beacon(client, address="203.0.113.77", lang="xx").status_code == 400  # the view
    client.get("/health", environ_base={"REMOTE_ADDR": "203.0.113.78"})
    records = {record.path: record for record in caplog.records
               if record.name == "forms_service.request"}
    assert records["/readers/beacon"].status == 400
    assert records["/readers/beacon"].remote_addr is None
    assert records["/health"].remote_addr == "203.0.113.78"  # other requests keep theirs
    assert "203.0.113.77" not in caplog.text and BROWSER not in caplog.text


def test_the_fast_path_sends_the_security_headers(sapp):
    response = beacon(sapp.test_client())
    assert response.status_code == 204
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
