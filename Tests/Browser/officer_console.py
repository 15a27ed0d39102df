"""The officer console in a real headless Chromium.

An officer signs in and goes online; a teller (over the HTTP API) asks for central authorization; the request must
appear in the open page without a reload; the officer claims it, opens the material, approves; the teller's request
is then approved and commits. Also: a teller cannot use the console, the English page and a tablet-sized window.

Run by OfficerConsoleBrowserTests (`make test`) against a `countersign serve` process. Prints one JSON line with the
request and transaction ids; exits non-zero, with the reason, on the first failed check. Screenshots go to --artifacts.
"""

import argparse
import base64
import json
import os
import struct
import time
import urllib.error
import urllib.request
import zlib

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browser import check, chromium, fail




class API:
    """The teller's side, over plain HTTP."""

    def __init__(self, base):
        self.base = base

    def call(self, method, path, token=None, body=None):
        request = urllib.request.Request(self.base + path, method=method, data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def login(self, user, password, terminal):
        status, reply = self.call("POST", "/api/v1/sessions", body={"user": user, "password": password, "terminal": terminal})
        check(status == 201, f"teller login: {status} {reply}")
        return reply["token"]


def png(width, height, rgb):
    """A real PNG (one colour), so the browser must decode and show it."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def decisions_shown(driver):
    """The officer's decision count on the statistics panel (0 before the first)."""
    cells = driver.find_elements(By.CSS_SELECTOR, '#stats dd[data-stat="decisions"]')
    return int(cells[0].text) if cells else 0




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--officer", default="officer1")
    parser.add_argument("--teller", default="teller1")
    parser.add_argument("--teller-password", help="defaults to --password")
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    api = API(args.base)
    teller_password = args.teller_password or args.password

    driver = chromium(1280, 900)
    wait = WebDriverWait(driver, 10)

    def shot(name):
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    def visible(selector):
        return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))

    def sign_in(user, password):
        driver.find_element(By.ID, "signin-user").clear()
        driver.find_element(By.ID, "signin-user").send_keys(user)
        driver.find_element(By.ID, "signin-password").clear()
        driver.find_element(By.ID, "signin-password").send_keys(password)
        driver.find_element(By.ID, "signin-submit").click()

    try:
        driver.get(args.base + "/officer")
        visible("#signin-form")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN", "the console opens in Chinese")
        check("授权人员登录" in driver.page_source, "Chinese sign-in heading")
        shot("officer-1-signin")

        # A teller is turned away by the console (the API would refuse every officer call anyway).
        sign_in(args.teller, teller_password)
        alert = visible("#signin-form-error")
        check("授权人员" in alert.text, f"a teller is told the console is for officers: {alert.text!r}")
        check(not driver.find_element(By.ID, "console").is_displayed(), "no console for a teller")

        sign_in(args.officer, args.password)
        visible("#console")
        driver.find_element(By.CSS_SELECTOR, 'button.presence[data-presence="online"]').click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, 'button.presence[data-presence="online"]').get_attribute("aria-pressed") == "true")
        wait.until(lambda d: d.find_element(By.ID, "link-state").get_attribute("data-state") == "live")
        check(driver.find_element(By.ID, "queue-count").text == "0", "the queue starts empty")
        # A marker that a reload would wipe: the request must arrive through the WebSocket, not a page load.
        driver.execute_script("window.__stillTheSamePage = true")

        teller = api.login(args.teller, teller_password, "T01")
        submission = {
            "code": "transfer", "amount": "600000.00", "currency": "CNY", "account": "6222020200112233445",
            "channel": "counter", "fields": {"account": "6222020200112233445", "payee": "上海某某贸易有限公司"},
        }
        status, submitted = api.call("POST", "/api/v1/transactions", teller, submission)
        check(status == 201 and submitted["authorization_required"], f"submit: {status} {submitted}")
        transaction = submitted["transaction"]
        material = [
            {"kind": "id_scan", "media_type": "image/png", "data": base64.b64encode(png(96, 60, (40, 90, 160))).decode()},
            {"kind": "voucher_image", "media_type": "image/png", "data": base64.b64encode(png(120, 80, (200, 200, 200))).decode()},
        ]
        asked = time.monotonic()
        status, request = api.call("POST", f"/api/v1/transactions/{transaction}/authorization", teller, {"mode": "central", "material": material})
        check(status == 201, f"request: {status} {request}")
        request_id = request["id"]

        try:
            row = WebDriverWait(driver, 5).until(EC.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-request="{request_id}"]')))
        except TimeoutException:
            shot("officer-fail-no-request")
            fail("the request did not appear in the open console within 5 s")
        arrived = time.monotonic() - asked
        check(driver.execute_script("return window.__stillTheSamePage === true"), "the page was not reloaded")
        check("600,000.00 CNY" in row.text, f"the queue row shows the amount: {row.text!r}")
        check(driver.find_element(By.ID, "queue-count").text == "1", "the count shows one request")
        shot("officer-2-queue")

        decisions_before = decisions_shown(driver)
        row.find_element(By.CSS_SELECTOR, 'button[data-action="claim"]').click()
        amount = visible("#detail-amount")
        check(amount.text == "600,000.00 CNY", f"the detail shows the amount: {amount.text!r}")
        fields = driver.find_element(By.ID, "detail-form").text
        check("上海某某贸易有限公司" in fields, "the claimant sees the business fields")
        check("personal-debit" not in driver.find_element(By.ID, "detail-fields").text, "account types in words, not keys")
        # The decision bar stays at the bottom of the view: bring the material into the middle first, as a user scrolls.
        view = driver.find_element(By.CSS_SELECTOR, 'button[data-material="id_scan"]')
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", view)
        view.click()
        image = visible("#viewer-image")
        wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 96)
        shot("officer-3-material")
        driver.find_element(By.ID, "viewer-close").click()

        # Return and reject need a reason; the page says so and sends nothing.
        driver.find_element(By.ID, "decide-reject").click()
        check("意见" in visible("#decision-reason-error").text, "a reject without a reason is refused beside the reason box")
        status, seen = api.call("GET", f"/api/v1/authz/requests/{request_id}", teller)
        check(seen["request"]["state"] == "claimed", f"nothing was decided: {seen['request']['state']}")

        driver.find_element(By.ID, "decision-reason").send_keys("核对无误")
        driver.find_element(By.ID, "decide-approve").click()
        outcome = visible("#detail-outcome")
        check(outcome.text == "已同意", f"the page confirms the approval: {outcome.text!r}")
        check(not driver.find_elements(By.ID, "detail-form"), "the customer's particulars leave the screen after the decision")
        wait.until(lambda d: decisions_shown(d) == decisions_before + 1)
        wait.until(lambda d: d.find_element(By.ID, "queue-count").text == "0")
        shot("officer-4-approved")

        status, seen = api.call("GET", f"/api/v1/authz/requests/{request_id}", teller)
        check(seen["request"]["state"] == "approved", f"the teller sees the approval: {seen['request']['state']}")
        status, committed = api.call("POST", f"/api/v1/transactions/{transaction}/commit", teller, submission)
        check(status == 200 and committed["state"] == "committed", f"commit: {status} {committed}")

        # A tablet: the panels stack and nothing runs off the side.
        driver.set_window_size(820, 1180)
        wait.until(lambda d: d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"))
        queue_box = driver.find_element(By.ID, "queue-panel").rect
        detail_box = driver.find_element(By.ID, "detail-panel").rect
        check(detail_box["y"] > queue_box["y"] + queue_box["height"] - 1, "on a tablet the detail sits below the queue")
        shot("officer-5-tablet")

        # The English page, same session (the tab keeps it).
        driver.set_window_size(1280, 900)
        driver.get(args.base + "/officer?lang=en")
        visible("#console")
        check(driver.find_element(By.CSS_SELECTOR, "#console h1").text == "Authorization console", "English heading")
        # The statistics arrive after the page: wait for them rather than race a busy machine.
        wait.until(lambda d: "Approved" in d.find_element(By.ID, "stats").text)
        check(driver.find_element(By.CSS_SELECTOR, '#stats dt').text != "", "English statistics")
        shot("officer-6-english")

        print(json.dumps({"request": request_id, "transaction": transaction, "push_seconds": round(arrived, 3)}))
    except Exception as error:  # a Selenium timeout or a broken page: keep the evidence
        shot("officer-fail")
        fail(f"{type(error).__name__}: {error}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
