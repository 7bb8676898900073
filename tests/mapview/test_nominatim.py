"""The Nominatim geocoder: only the HTTP service is faked (a geopy adapter); no network."""

import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.adapters import AdapterHTTPError, BaseSyncAdapter

from mapview.geocoding import Address, GeocoderError, GeocoderTransientError
from mapview.geocoding.nominatim import NominatimGeocoder
from mapview.geocoding.ratelimit import GlobalRateLimiter

MUNICH = [
    {"lat": "48.1371", "lon": "11.5754", "display_name": "Marienplatz, München", "place_id": 1}
]


class FakeNominatim(BaseSyncAdapter):
    """Answers from a script: each item is a JSON body or an HTTP status to fail with."""

    script: list = []
    requests: list = []

    def __init__(self, *, proxies, ssl_context):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url, *, timeout, headers):
        FakeNominatim.requests.append({"url": url, "headers": dict(headers)})
        answer = FakeNominatim.script.pop(0) if FakeNominatim.script else []
        if isinstance(answer, int):
            raise AdapterHTTPError(f"HTTP {answer}", status_code=answer, headers={}, text="")
        return answer

    def get_text(self, url, *, timeout, headers):  # pragma: no cover - Nominatim asks for JSON
        raise NotImplementedError


class Recorder:
    def __init__(self):
        self.sleeps: list[float] = []
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def nominatim():
    FakeNominatim.script, FakeNominatim.requests = [], []
    recorder = Recorder()
    limiter = GlobalRateLimiter(
        key=f"test:{uuid.uuid4()}",
        interval=1.0,
        redis_url="",
        sleep=recorder.sleep,
        clock=recorder.clock,
    )
    geocoder = NominatimGeocoder(
        user_agent="acme-crm/1.0 (ops@acme.test)",
        adapter_factory=FakeNominatim,
        limiter=limiter,
        sleep=recorder.sleep,
        backoff=2.0,
    )
    geocoder.recorder = recorder
    return geocoder


def test_nominatim_sends_a_structured_query_with_an_identifying_user_agent(nominatim):
    FakeNominatim.script = [MUNICH]
    result = nominatim.geocode(Address("Marienplatz 8", "80331", "München", "DE"))
    assert (result.latitude, result.longitude, result.precision) == (48.1371, 11.5754, "address")
    request = FakeNominatim.requests[0]
    assert request["headers"]["User-Agent"] == "acme-crm/1.0 (ops@acme.test)"
    query = parse_qs(urlparse(request["url"]).query)
    assert urlparse(request["url"]).netloc == "nominatim.openstreetmap.org"
    assert query["street"] == ["Marienplatz 8"] and query["postalcode"] == ["80331"]
    assert query["city"] == ["München"] and query["countrycodes"] == ["de"]


def test_an_unknown_street_falls_back_to_the_town(nominatim):
    FakeNominatim.script = [[], MUNICH]
    result = nominatim.geocode(Address("Gibtsnichtweg 99", "80331", "München", "DE"))
    assert result.precision == "city"
    assert "street" not in parse_qs(urlparse(FakeNominatim.requests[1]["url"]).query)


def test_nothing_found_is_none(nominatim):
    FakeNominatim.script = [[], []]
    assert nominatim.geocode(Address("Nowhere 1", "", "Xyzzy", "DE")) is None


def test_requests_are_spaced_one_second_apart(nominatim):
    FakeNominatim.script = [MUNICH, MUNICH, MUNICH]
    for _ in range(3):
        nominatim.geocode(Address("", "80331", "München", "DE"))
    assert nominatim.recorder.sleeps == [1.0, 1.0]  # the first request goes at once


def test_passing_failures_are_retried_with_backoff(nominatim):
    FakeNominatim.script = [503, 429, MUNICH]
    result = nominatim.geocode(Address("", "80331", "München", "DE"))
    assert result is not None and len(FakeNominatim.requests) == 3
    backoffs = [s for s in nominatim.recorder.sleeps if s >= 2.0]
    assert backoffs == [2.0, 4.0]  # doubled after each failure


def test_a_service_that_stays_down_is_a_transient_error(nominatim):
    FakeNominatim.script = [503, 503, 503]
    with pytest.raises(GeocoderTransientError):
        nominatim.geocode(Address("", "80331", "München", "DE"))
    assert len(FakeNominatim.requests) == 3


def test_a_refused_query_is_a_permanent_error(nominatim):
    FakeNominatim.script = [403]
    with pytest.raises(GeocoderError) as info:
        nominatim.geocode(Address("", "80331", "München", "DE"))
    assert not isinstance(info.value, GeocoderTransientError)
    assert len(FakeNominatim.requests) == 1


def test_the_user_agent_comes_from_the_settings(settings):
    settings.GEOCODER_USER_AGENT = "from-settings/2.0 (crm@example.test)"
    geocoder = NominatimGeocoder(
        adapter_factory=FakeNominatim, limiter=GlobalRateLimiter(key="x", redis_url="")
    )
    assert geocoder.client.headers["User-Agent"] == "from-settings/2.0 (crm@example.test)"


def test_the_process_limiter_is_shared_by_every_instance():
    recorder = Recorder()
    key = f"test:{uuid.uuid4()}"
    one = GlobalRateLimiter(key=key, redis_url="", sleep=recorder.sleep, clock=recorder.clock)
    two = GlobalRateLimiter(key=key, redis_url="", sleep=recorder.sleep, clock=recorder.clock)
    one.wait()
    two.wait()
    assert recorder.sleeps == [1.0]


def _redis_url():
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001
        return None
    return url


def test_workers_share_one_slot_per_second_through_redis():
    url = _redis_url()
    if url is None:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    key = f"test:nominatim:{uuid.uuid4()}"
    waits: list[float] = []

    def sleep(seconds):
        import time

        waits.append(seconds)
        time.sleep(seconds)

    worker_a = GlobalRateLimiter(key=key, interval=1.0, redis_url=url, sleep=sleep)
    worker_b = GlobalRateLimiter(
        key=key, interval=1.0, redis_url=url, sleep=sleep
    )  # another process
    worker_a.wait()
    worker_b.wait()
    assert waits and waits[0] > 0.5  # b waited for a's slot to expire
    assert sum(waits) >= 0.9


def test_an_unreachable_redis_falls_back_to_the_process_limiter():
    recorder = Recorder()
    limiter = GlobalRateLimiter(
        key=f"test:{uuid.uuid4()}",
        redis_url="redis://127.0.0.1:1/0",
        sleep=recorder.sleep,
        clock=recorder.clock,
    )
    limiter.wait()
    limiter.wait()
    assert recorder.sleeps == [1.0]
