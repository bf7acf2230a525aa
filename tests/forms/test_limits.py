"""Rate limits per client address and per e-mail address, stored in the real Redis."""

import pytest
from forms_helpers import Signup

pytestmark = pytest.mark.redis


@pytest.fixture
def limited_app(redis_url, build_app):
    app = build_app(RATELIMIT_ENABLED=True,
                    RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_PER_IP="4/minute",
                    RATELIMIT_PER_EMAIL="2/minute")
    return app


def test_per_email_limit_answers_429_in_the_readers_language(limited_app):
    signup = Signup(limited_app.test_client())
    codes = [signup.json(email="same@example.com", lang="en").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    answer = signup.json(email="SAME@example.com", lang="en")
    assert answer.get_json() == {"ok": False, "errors": {},
                                 "message": "Too many attempts. Please try again in a minute."}
    assert 0 < int(answer.headers["Retry-After"]) <= 60
    assert signup.json(email="other@example.com").status_code == 200


def test_per_ip_limit(limited_app):
    signup = Signup(limited_app.test_client())
    codes = [signup.json(email=f"r{n}@example.com").status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    other_ip = Signup(limited_app.test_client())
    other_ip.client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert other_ip.json(email="r9@example.com").status_code == 200


def test_limits_are_kept_in_redis(limited_app, redis_url):
    import redis

    Signup(limited_app.test_client()).json()
    client = redis.Redis.from_url(redis_url)
    assert any(b"LIMITER" in key or b"limiter" in key.lower() for key in client.keys("*"))
    client.close()
