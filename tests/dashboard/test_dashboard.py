"""The tm-mock dashboard (/_mock/ui) in a real headless browser.

Starts the tm-mock binary with an admin token, creates trackings through the
API, opens the dashboard in Debian's chromium (selenium), and checks that the
page loads without console errors, lists the trackings, shows a timeline,
that advancing the clock from the page changes the statuses shown, that
fault rules can be added and cleared, and that a webhook registered from the
page (pointing at a receiver in this test) receives deliveries when the page
moves the clock, which the page's delivery log shows and redelivers. Saves a
screenshot for review.

Run by scripts/test-dashboard.sh (which installs chromium, chromedriver and
selenium, builds the binary and sets TM_MOCK_BIN and TM_SCREENSHOT).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

TOKEN = "dashboard-test-token"
KEY = "dashboard-key"
WAIT = 30  # seconds, upper bound for anything the page should do

# Numbers whose routes differ: delivered before being added, a normal one,
# exceptions and failures later on.
NUMBERS = [
    ("ups", "TMDELIV0001"),
    ("dhl", "TMEXCEPT0001"),
    ("dhl", "TMFAILED0001"),
    ("fedex", "TMPICKUP0001"),
    ("china-post", "RN123456789CN"),
    ("ups", "1Z999AA10123456784"),
    ("dhl", "1234567890"),
    ("usps", "9400110200881234567890"),
]


class Server:
    def __init__(self, url: str, process: subprocess.Popen[str]) -> None:
        self.url = url  # http://127.0.0.1:PORT/v2
        self.root = url[: -len("/v2")]
        self.process = process

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.root + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        try:
            with urllib.request.urlopen(request, timeout=WAIT) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    binary = os.environ.get("TM_MOCK_BIN", "target/debug/tm-mock")
    process = subprocess.Popen(
        [binary, "serve", "--addr", "127.0.0.1:0", "--key", KEY, "--rate-limits", "off"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TM_MOCK_ADMIN_TOKEN": TOKEN},
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    try:
        yield Server(url, process)
    finally:
        process.terminate()
        process.wait(timeout=WAIT)
        process.stdout.close()


class Receiver:
    """A webhook receiver on loopback that records every delivery body."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "scripts/test-dashboard.sh installs chromium and chromium-driver"
    profile = tempfile.mkdtemp(prefix="tm-mock-dashboard-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1800",
        f"--user-data-dir={profile}",
    ]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver: WebDriver, what: str, condition: Any) -> Any:
    return WebDriverWait(driver, WAIT, poll_frequency=0.2).until(condition, message=what)


def shown_statuses(driver: WebDriver) -> dict[str, str]:
    """number -> status of the tracking rows on the page (read in one go: the
    page refreshes its tables every few seconds)."""
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#trackings tbody tr'))"
        ".map((r) => [r.dataset.number, r.dataset.status]);"
    )
    return {number: status for number, status in rows}


def text_of(driver: WebDriver, css: str) -> str:
    """The text of the first element matching `css` ('' if none), read in one go."""
    return str(driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css))


def click(driver: WebDriver, css: str) -> None:
    """Clicks the element matching `css`, again if a refresh replaced it meanwhile."""

    def attempt(d: WebDriver) -> bool:
        try:
            d.find_element(By.CSS_SELECTOR, css).click()
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False

    wait(driver, "click " + css, attempt)


def test_the_dashboard_needs_the_token(server: Server) -> None:
    status, body = server.call("GET", "/_mock/ui")
    assert status == 401 and body["meta"]["code"] == 401
    status, body = server.call("GET", "/_mock/accounts?token=" + TOKEN)
    assert status == 401, "the query token opens the page only"
    status, _ = server.call("GET", "/_mock/accounts", headers={"Authorization": "Bearer " + TOKEN})
    assert status == 200


def test_dashboard_in_a_headless_browser(server: Server, browser: webdriver.Chrome, receiver: Receiver) -> None:
    items = [{"tracking_number": n, "carrier_code": c} for c, n in NUMBERS]
    status, body = server.call("POST", "/v2/trackings/batch", items, {"Trackingmore-Api-Key": KEY})
    assert status == 200 and body["meta"]["code"] == 200, body
    assert body["data"]["added"] == len(NUMBERS)
    # Some traffic for the journal, one of it faulted.
    auth = {"Authorization": "Bearer " + TOKEN}
    server.call("POST", "/_mock/faults", {"rules": [{"kind": "http503", "times": 1}]}, auth)
    status, body = server.call("GET", "/v2/trackings/getuserinfo", headers={"Trackingmore-Api-Key": KEY})
    assert status == 503

    browser.get(server.root + "/_mock/ui?token=" + TOKEN)
    wait(browser, "page ready", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    # The token left the address bar.
    assert "token" not in browser.current_url

    # Accounts with credits; the account with trackings is selected.
    wait(browser, "account listed", lambda d: d.find_elements(By.CSS_SELECTOR, "#accounts tr[data-account='account-1']"))
    # Every tracking created through the API is listed.
    wait(browser, "all trackings listed", lambda d: len(shown_statuses(d)) == len(NUMBERS))
    assert set(shown_statuses(browser)) == {n for _, n in NUMBERS}
    before = shown_statuses(browser)
    assert before["TMDELIV0001"] == "delivered"

    # A tracking's timeline of checkpoints.
    click(browser, "#trackings tr[data-number='TMDELIV0001']")
    wait(browser, "timeline shown", lambda d: d.execute_script("return document.querySelectorAll('#timeline li.checkpoint').length") >= 3)
    assert "TMDELIV0001" in text_of(browser, "#timeline-title")
    assert "delivered" in text_of(browser, "#timeline")

    # Filters: by status, then cleared.
    Select(browser.find_element(By.ID, "filter-status")).select_by_visible_text("delivered")
    click(browser, "#filter-apply")
    wait(browser, "status filter", lambda d: set(shown_statuses(d)) == {"TMDELIV0001"})
    Select(browser.find_element(By.ID, "filter-status")).select_by_visible_text("any status")
    browser.find_element(By.ID, "filter-number").send_keys("TMEX")
    click(browser, "#filter-apply")
    wait(browser, "number filter", lambda d: set(shown_statuses(d)) == {"TMEXCEPT0001"})
    browser.find_element(By.ID, "filter-number").clear()
    click(browser, "#filter-apply")
    wait(browser, "filters cleared", lambda d: len(shown_statuses(d)) == len(NUMBERS))

    # A webhook URL for the selected account, registered from the page.
    wait(browser, "webhooks of the account", lambda d: text_of(d, "#webhooks-account") == "account-1")
    browser.find_element(By.ID, "webhook-url").send_keys(receiver.url)
    click(browser, "#webhook-add")
    wait(browser, "webhook listed", lambda d: d.find_elements(By.CSS_SELECTOR, "#webhooks tr.webhook"))
    assert receiver.url in text_of(browser, "#webhooks tbody")
    status, body = server.call("GET", "/_mock/webhooks", headers=auth)
    assert [(e["url"], e["account"], e["statuses"]) for e in body["data"]] == [(receiver.url, "account-1", [])]

    # Advancing the clock from the page changes the statuses shown.
    clock_before = text_of(browser, "#clock-now")
    for _ in range(3):
        click(browser, "#advance-7d")
        wait(browser, "clock moved", lambda d, c=clock_before: text_of(d, "#clock-now") != c)
        clock_before = text_of(browser, "#clock-now")
    wait(browser, "statuses changed", lambda d: shown_statuses(d) != before and len(shown_statuses(d)) == len(NUMBERS))
    after = shown_statuses(browser)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed, (before, after)
    assert after["TMEXCEPT0001"] != "pending"

    # The moves delivered webhooks to the receiver, and the page's log shows them.
    assert receiver.bodies, "no webhook delivered while the page moved the clock"
    delivered = len(receiver.bodies)
    status, body = server.call("GET", "/_mock/webhooks/deliveries", headers=auth)
    assert len(body["data"]) == delivered
    rows = "document.querySelectorAll('#deliveries tbody tr.delivery').length"
    wait(browser, "deliveries listed", lambda d: d.execute_script("return " + rows) == delivered)
    newest = body["data"][-1]
    first_row = text_of(browser, "#deliveries tbody tr.delivery")
    assert str(newest["event_id"]) in first_row and newest["tracking_number"] in first_row
    assert "delivered" in first_row and "204" in first_row
    # Redeliver the newest event from the page: one more delivery of the same event.
    click(browser, "#deliveries tbody tr.delivery button.redeliver")
    wait(browser, "redelivered", lambda d: len(receiver.bodies) == delivered + 1)
    wait(browser, "redelivery listed", lambda d: d.execute_script("return " + rows) == delivered + 1)
    assert text_of(browser, "#webhook-note") == f"redelivered 1 event(s): {newest['event_id']}"
    assert receiver.bodies[-1]["data"]["tracking_number"] == newest["tracking_number"]
    # Everything was delivered, so "every event given up" finds none.
    click(browser, "#redeliver-failed")
    wait(browser, "nothing to redeliver", lambda d: text_of(d, "#webhook-note") == "redelivered 0 event(s)")
    # Removing the URL from the page.
    click(browser, "#webhooks tr.webhook button.webhook-remove")
    wait(browser, "webhook removed", lambda d: not d.find_elements(By.CSS_SELECTOR, "#webhooks tr.webhook"))
    status, body = server.call("GET", "/_mock/webhooks", headers=auth)
    assert body["data"] == []

    # Status counts over simulated time: one line per status seen.
    wait(browser, "chart drawn", lambda d: d.find_elements(By.CSS_SELECTOR, "#chart svg polyline"))

    # The live journal shows the API traffic, the injected fault marked.
    wait(browser, "journal rows", lambda d: d.find_elements(By.CSS_SELECTOR, "#journal tbody tr"))
    wait(browser, "fault row", lambda d: d.find_elements(By.CSS_SELECTOR, "#journal tbody tr.fault"))
    assert "http503" in text_of(browser, "#journal tbody tr.fault")

    # Fault rules: add one from the page, then clear them all.
    Select(browser.find_element(By.ID, "fault-kind")).select_by_visible_text("drop")
    browser.find_element(By.ID, "fault-endpoint").send_keys("trackings.batch")
    browser.find_element(By.ID, "fault-times").send_keys("2")
    click(browser, "#fault-add")
    wait(browser, "rule listed", lambda d: "trackings.batch" in text_of(d, "#faults"))
    status, body = server.call("GET", "/_mock/faults", headers=auth)
    rule = body["data"]["rules"][0]
    assert len(body["data"]["rules"]) == 1
    assert (rule["kind"], rule["endpoint"], rule["times"], rule["probability"]) == ("drop", "trackings.batch", 2, 1.0)
    click(browser, "#faults-clear")
    wait(browser, "rules cleared", lambda d: not d.find_elements(By.CSS_SELECTOR, "#faults tbody tr"))

    # Setting the clock from the page.
    set_input = "document.getElementById('clock-set-input').value = arguments[0];"
    browser.execute_script(set_input, "2026-06-01T12:00:00")
    click(browser, "#clock-set")
    wait(browser, "clock set", lambda d: text_of(d, "#clock-now") == "2026-06-01T12:00:00+00:00")
    # A time the simulator refuses: its message is shown, not thrown.
    browser.execute_script(set_input, "1960-01-01T00:00:00")
    click(browser, "#clock-set")
    wait(browser, "refusal shown", lambda d: "1970-01-01T00:00:00Z" in text_of(d, "#error"))
    assert text_of(browser, "#clock-now") == "2026-06-01T12:00:00+00:00"

    shot = os.environ.get("TM_SCREENSHOT", "target/dashboard.png")
    os.makedirs(os.path.dirname(shot) or ".", exist_ok=True)
    assert browser.save_screenshot(shot)

    # No console errors the whole time (the refused clock value is an answer, not an error).
    logs: list[dict[str, Any]] = browser.get_log("browser")  # type: ignore[no-untyped-call]
    severe = [e for e in logs if e["level"] == "SEVERE"]
    assert not severe, severe
