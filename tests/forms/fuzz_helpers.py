"""What the fuzz tests share: Hypothesis's profiles, what clients send, and the check that a
refusal is in the reader's language.

`make test` runs the small "ci" profile; `make fuzz` the larger "fuzz" one (HYPOTHESIS_PROFILE).
"""

import os
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile("ci", max_examples=30, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=600, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Text as people, autofill and scripts send it: any code point, control characters more
# often than chance would give them, and now and then something huge.
controls = st.sampled_from(["\x00", "\x01", "\t", "\n", "\r", "\x0b", "\x1b", "\x7f", "\x85",
                            "\u2028", "\ufeff"])
any_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.characters(), controls), max_size=30).map("".join),
    st.sampled_from(["", " ", "nan", "inf", "-1", "1e309", "99999999999999999999999",
                     "anna@exämple.se", "björn@example.com", "a@b", "../../etc/passwd",
                     "2026-03-30T09:00:00+02:00", "9999-12-31T23:59:59+14:00", "y", "sv", "en"]),
    st.integers(min_value=1000, max_value=20000).map(lambda n: "x" * n),
)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), any_text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                  max_size=3),
    max_leaves=6)


def assert_localized(response):
    """A 4xx says what happened in sv or en: a JSON message, or one of our own pages."""
    assert 400 <= response.status_code < 500
    if response.is_json:
        message = response.get_json()["message"]
        assert isinstance(message, str) and message.strip()
        return
    page = response.get_data(as_text=True)
    assert re.search(r'<html lang="(sv|en)">', page), page[:300]
    assert "Werkzeug" not in page and "<title>4" not in page
