"""tm_py.webhooks: verify/sign against vectors computed here with Python's own hmac."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest

import tm_py
from tm_py import webhooks

EMAIL = "shop@example.com"
T = 1488249109


def py_sign(key: str, time_str: object) -> str:
    # Independent of tm: the standard library's HMAC.
    return hmac.new(key.encode(), str(time_str).encode(), hashlib.sha256).hexdigest()


def tracking() -> dict[str, Any]:
    return {
        "id": "0b5a3a1c2e7d4f00a1b2c3d4e5f60718",
        "tracking_number": "RR123456789CN",
        "carrier_code": "china-post",
        "status": "transit",
        "substatus": "transit001",
        "track_update": True,
    }


def body(info: Any, *, inside_data: bool = False) -> bytes:
    data = tracking()
    doc: dict[str, Any] = {"meta": {"code": 200, "type": "Success", "message": "Success"}, "data": data}
    if inside_data:
        data["verifyInfo"] = info
    else:
        doc["verifyInfo"] = info
    return json.dumps(doc).encode()


def test_known_vector_from_python_hmac() -> None:
    sig = py_sign(EMAIL, T)
    assert webhooks.sign(EMAIL, T) == sig
    event = webhooks.verify(body({"timeStr": T, "signature": sig}), EMAIL, now=T + 5)
    assert isinstance(event, webhooks.WebhookEvent)
    assert isinstance(event.tracking, tm_py.Tracking)
    assert event.tracking.tracking_number == "RR123456789CN"
    assert event.tracking.status == tm_py.Status.TRANSIT
    assert event.time_str == T
    assert event.signature == sig
    assert event.placement == "top_level"
    assert event.key_index == 0


def test_both_placements_and_string_time() -> None:
    sig = py_sign(EMAIL, T)
    event = webhooks.verify(body({"timeStr": str(T), "signature": sig}, inside_data=True), EMAIL, now=T)
    assert event.placement == "inside_data"
    assert event.time_str == T


def test_several_candidate_emails_and_bytes_like() -> None:
    raw = body({"timeStr": T, "signature": py_sign(EMAIL, T)})
    event = webhooks.verify(bytearray(raw), ["old@example.com", EMAIL], now=T)
    assert event.key_index == 1
    assert webhooks.verify(memoryview(raw), (EMAIL,), now=T).time_str == T


def test_now_accepts_aware_datetime_and_rejects_naive() -> None:
    raw = body({"timeStr": T, "signature": py_sign(EMAIL, T)})
    aware = dt.datetime.fromtimestamp(T + 60, tz=dt.timezone.utc)
    assert webhooks.verify(raw, EMAIL, now=aware).time_str == T
    with pytest.raises(TypeError):
        webhooks.verify(raw, EMAIL, now=dt.datetime(2017, 2, 28))


def test_tampered_signature_and_time_are_signature_errors() -> None:
    sig = py_sign(EMAIL, T)
    bad = ("0" if sig[0] != "0" else "1") + sig[1:]
    with pytest.raises(webhooks.WebhookSignatureError) as e:
        webhooks.verify(body({"timeStr": T, "signature": bad}), EMAIL, now=T)
    assert e.value.kind == "bad_signature"
    with pytest.raises(webhooks.WebhookSignatureError):
        webhooks.verify(body({"timeStr": T + 1, "signature": sig}), EMAIL, now=T)
    with pytest.raises(webhooks.WebhookSignatureError):
        webhooks.verify(body({"timeStr": T, "signature": sig}), "other@example.com", now=T)


def test_stale_and_future_are_distinct() -> None:
    raw = body({"timeStr": T, "signature": py_sign(EMAIL, T)})
    assert webhooks.verify(raw, EMAIL, now=T + 300).time_str == T
    with pytest.raises(webhooks.StaleWebhookError):
        webhooks.verify(raw, EMAIL, now=T + 301)
    with pytest.raises(webhooks.FutureWebhookError):
        webhooks.verify(raw, EMAIL, now=T - 301)
    with pytest.raises(webhooks.StaleWebhookError):
        webhooks.verify(raw, EMAIL, now=T + 61, tolerance=60)
    # Only an explicit None skips the time check; the signature still counts.
    assert webhooks.verify(raw, EMAIL, now=T + 10**8, tolerance=None).time_str == T
    with pytest.raises(webhooks.WebhookSignatureError):
        webhooks.verify(raw, "x@example.com", tolerance=None)
    # Default `now` is the real clock: a 2017 timeStr is stale.
    with pytest.raises(webhooks.StaleWebhookError):
        webhooks.verify(raw, EMAIL)


def test_missing_and_malformed_are_distinct() -> None:
    sig = py_sign(EMAIL, T)
    with pytest.raises(webhooks.MissingVerifyInfoError):
        webhooks.verify(json.dumps({"data": tracking()}).encode(), EMAIL, now=T)
    with pytest.raises(webhooks.MissingWebhookFieldError) as e:
        webhooks.verify(body({"signature": sig}), EMAIL, now=T)
    assert e.value.field == "timeStr"
    with pytest.raises(webhooks.MissingWebhookFieldError) as e:
        webhooks.verify(body({"timeStr": T}), EMAIL, now=T)
    assert e.value.field == "signature"
    with pytest.raises(webhooks.InvalidWebhookFieldError) as invalid:
        webhooks.verify(body({"timeStr": "soon", "signature": sig}), EMAIL, now=T)
    assert invalid.value.field == "timeStr"
    with pytest.raises(webhooks.MalformedWebhookError):
        webhooks.verify(b"tracking_number=RR123456789CN", EMAIL, now=T)
    with pytest.raises(webhooks.NoWebhookKeyError):
        webhooks.verify(body({"timeStr": T, "signature": sig}), [], now=T)
    with pytest.raises(webhooks.NoWebhookKeyError):
        webhooks.verify(body({"timeStr": T, "signature": sig}), "", now=T)


def test_errors_live_under_tracking_more_error() -> None:
    for cls in (
        webhooks.NoWebhookKeyError,
        webhooks.MalformedWebhookError,
        webhooks.MissingVerifyInfoError,
        webhooks.MissingWebhookFieldError,
        webhooks.InvalidWebhookFieldError,
        webhooks.WebhookSignatureError,
        webhooks.StaleWebhookError,
        webhooks.FutureWebhookError,
    ):
        assert issubclass(cls, webhooks.WebhookVerificationError)
        assert issubclass(cls, tm_py.TrackingMoreError)
    with pytest.raises(tm_py.TrackingMoreError):
        webhooks.verify(b"{}", EMAIL, now=T)


def test_argument_types_are_checked() -> None:
    with pytest.raises(TypeError):
        webhooks.verify("{}", EMAIL)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        webhooks.verify(b"{}", EMAIL, tolerance=-1)


def test_signed_body_round_trips_a_simulator_tracking() -> None:
    sim = tm_py.Simulator(seed=3)
    with sim.client() as client:
        client.create_tracking("usps", "9400111899223197428490")
        sim.advance(2 * 86400)
        t = client.get_tracking("usps", "9400111899223197428490")
    raw = webhooks.signed_body(t, EMAIL, T)
    doc = json.loads(raw)
    assert doc["verifyInfo"] == {"timeStr": T, "signature": py_sign(EMAIL, T)}
    assert webhooks.verify(raw, EMAIL, now=T).tracking == t


def test_mock_server_delivers_to_a_python_http_server_receiver() -> None:
    """MockServer → a stdlib http.server receiver verifying strictly against the simulated clock."""
    import threading
    import urllib.request
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[webhooks.WebhookEvent] = []
    refused: list[str] = []
    state: dict[str, Any] = {}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                # The simulated clock, read while the delivery is in flight.
                event = webhooks.verify(body, state["email"], now=state["server"].now)
            except webhooks.WebhookVerificationError as e:
                refused.append(f"{e.kind}: {e}")
                self.send_response(400)
                self.end_headers()
                return
            received.append(event)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    receiver_url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"

    def admin(url: str, body: dict[str, Any]) -> Any:
        req = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())

    try:
        with tm_py.MockServer(rate_limits=False) as server:
            state["server"] = server
            with server.client() as client:
                state["email"] = client.user_info().email
                added = admin(f"{server.url}/_mock/webhooks", {"url": receiver_url})
                assert added["meta"]["code"] == 200
                client.create_tracking("usps", "9400111899223197428490")
                # Answers once every delivery due by the new time has finished.
                admin(f"{server.url}/_mock/clock", {"advance_seconds": 20 * 86400})
                final = client.get_tracking("usps", "9400111899223197428490")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert refused == []
    assert len(received) >= 3
    times = [e.time_str for e in received]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert received[-1].tracking == final
    assert received[-1].tracking.status == tm_py.Status.DELIVERED


def test_in_process_simulator_delivers_to_a_receiver_in_this_process() -> None:
    """Simulator.advance/set_now release the GIL while they deliver, so an http.server thread of
    this same process can receive (and verify against the simulated clock) during the move."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    sim = tm_py.Simulator(seed=7)
    received: list[webhooks.WebhookEvent] = []
    refused: list[str] = []
    email: dict[str, str] = {}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                # Strict: the simulated clock, read while the delivery is in flight.
                event = webhooks.verify(body, email["value"], tolerance=0, now=sim.now)
            except webhooks.WebhookVerificationError as e:
                refused.append(f"{e.kind}: {e}")
                self.send_response(400)
                self.end_headers()
                return
            received.append(event)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    receiver_url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    number = "9400111899223197428490"
    try:
        with sim.client() as client:
            email["value"] = client.user_info().email
            client.create_tracking("usps", number)
            hook = sim.add_webhook(receiver_url, api_key="mock-key")
            assert hook["url"] == receiver_url and hook["statuses"] == []
            assert sim.webhooks() == [hook]
            sim.advance(3 * 86400)
            after_advance = len(received)
            start = sim.now
            sim.set_now(start + dt.timedelta(days=20))
            final = client.get_tracking("usps", number)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert refused == []
    assert after_advance >= 1
    assert len(received) > after_advance
    # The last delivery carries the last change (fields counted from "now", like stay days, move on).
    assert received[-1].tracking.status == final.status
    assert received[-1].tracking.last_event == final.last_event
    assert len({e.tracking.status for e in received}) >= 2
    log = sim.webhook_deliveries()
    assert len(log) == len(received)
    assert all(d["url"] == receiver_url and d["http_status"] == 204 and d["outcome"] == "delivered" for d in log)
    assert [d["sent_at"] for d in log] == [e.time_str for e in received]
    # Bad input is a ValidationError naming the argument.
    with pytest.raises(tm_py.ValidationError) as bad:
        sim.add_webhook("not a url")
    assert bad.value.field == "url"
    with pytest.raises(tm_py.ValidationError) as bad:
        sim.add_webhook(receiver_url, statuses=["shipped"])
    assert bad.value.field == "statuses"
    sim.remove_webhook(hook["id"])
    assert sim.webhooks() == []
    with pytest.raises(tm_py.ValidationError) as bad:
        sim.remove_webhook(hook["id"])
    assert bad.value.field == "id"


def test_in_process_queue_without_sockets() -> None:
    sim = tm_py.Simulator(seed=5)
    webhooks.enable_queue(sim)
    with sim.client() as client:
        email = client.user_info().email
        client.create_tracking("usps", "9400111899223197428490")
        sim.advance(20 * 86400)
        events = webhooks.drain_queue(sim)
        assert webhooks.drain_queue(sim) == []
        # Each event's data is GET-one exactly as it was at that poll moment.
        for q in (events[0], events[-1]):
            sim.set_now(dt.datetime.fromtimestamp(q.time, tz=dt.timezone.utc))
            assert q.verify().tracking == client.get_tracking("usps", "9400111899223197428490")
    assert len(events) >= 3
    assert all(q.email == email and q.tracking_number == "9400111899223197428490" for q in events)
    times = [q.time for q in events]
    assert times == sorted(times)
    assert len({q.verify().tracking.status for q in events}) >= 2
    # Independent check of the signature with Python's hmac.
    first = json.loads(events[0].body)
    assert first["verifyInfo"]["signature"] == py_sign(email, events[0].time)
