"""The webhook receiver example of python/README-python.md ("Receiving webhooks"), run as a test.
Keep the two in sync: the function body is the README block."""

from __future__ import annotations


def test_flask_receiver() -> None:
    import time

    from flask import Flask, request
    from flask.typing import ResponseReturnValue

    import tm_py

    app = Flask(__name__)
    ACCOUNT_EMAIL = "shop@example.com"  # the e-mail getuserinfo reports for your account

    @app.post("/webhooks/trackingmore")
    def trackingmore_webhook() -> ResponseReturnValue:
        try:
            # The raw body, exactly as received; default tolerance: 300 s.
            event = tm_py.webhooks.verify(request.get_data(), ACCOUNT_EMAIL)
        except tm_py.webhooks.WebhookVerificationError as e:
            return {"error": e.kind}, 400  # fail closed: never act on an unverified body
        t = event.tracking
        print(t.carrier_code, t.tracking_number, t.status, t.substatus)
        return "", 204

    # Try it with a signed test delivery.
    body = tm_py.webhooks.signed_body(
        {"tracking_number": "RR123456789CN", "carrier_code": "china-post", "status": "transit"},
        ACCOUNT_EMAIL,
        int(time.time()),
    )
    web = app.test_client()
    assert web.post("/webhooks/trackingmore", data=body).status_code == 204
    forged = tm_py.webhooks.signed_body({"tracking_number": "X", "carrier_code": "y"}, "guess", int(time.time()))
    reply = web.post("/webhooks/trackingmore", data=forged)
    assert (reply.status_code, reply.get_json()) == (400, {"error": "bad_signature"})


def test_readme_block_is_this_test() -> None:
    """The README shows exactly the code test_flask_receiver runs."""
    import inspect
    import pathlib
    import textwrap

    readme = (pathlib.Path(__file__).parents[2] / "python" / "README-python.md").read_text()
    section = readme.split("## Receiving webhooks", 1)[1]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    source = inspect.getsource(test_flask_receiver).split("-> None:\n", 1)[1]
    assert textwrap.dedent(source).strip() == block.strip()
