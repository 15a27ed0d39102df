"""The authorization centre's dashboard in a real headless Chromium on a phone (issue #18): a branch supervisor is
refused it with a clear word; the centre's supervisor sees the officer online, then a central request wait — pushed:
the page counts the pings it hears (data-pushed), and the request must show with a ping heard since it was made, not
by the page's own thirty-second timer — and the page survives a reload.

Prints one JSON line: the request seen waiting.
"""

import argparse
import base64
import json
import os
import sys

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import check, chromium  # noqa: E402
from officer_console import API, png  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    api = API(args.base)
    driver = chromium(390, 844)
    # Generous for a loaded two-core machine: that a change was pushed is asserted by the page's ping count.
    wait = WebDriverWait(driver, 60, ignored_exceptions=(StaleElementReferenceException,))

    def visible(selector):
        return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)), f"{selector} not visible")

    def pushed():
        return int(driver.find_element(By.ID, "console").get_attribute("data-pushed") or 0)

    def sign_in(user):
        field = visible("#signin-user")
        field.clear()
        field.send_keys(user)
        password = driver.find_element(By.ID, "signin-password")
        password.clear()
        password.send_keys(args.password)
        driver.find_element(By.ID, "signin-submit").click()

    try:
        driver.get(args.base + "/centre")
        sign_in("super1")
        refused = visible("#signin-form-error")
        check("auth.forbidden" in refused.text or "授权中心" in refused.text, f"a branch supervisor is refused: {refused.text}")

        # An officer's presence is not a request's change: it shows at the next read (sign-in here).
        officer = api.login("officer1", args.password, "C01")
        api.call("PUT", "/api/v1/authz/presence", officer, {"status": "online"})
        sign_in("centre1")
        visible("#console")
        wait.until(lambda d: d.find_element(By.ID, "console").get_attribute("data-live") == "true", "the push channel never opened")
        # Texts are read inside the waits: the page re-renders its tables on every read (a row found may go stale).
        row = wait.until(lambda d: next((r.text for r in d.find_elements(By.CSS_SELECTOR, "#officers tbody tr") if "officer1" in r.text), None),
                         "officer1 never listed")
        check("在线" in row, f"officer1 shown online: {row}")

        before = pushed()
        teller = api.login("teller1", args.password, "T01")
        status, submitted = api.call("POST", "/api/v1/transactions", teller, {
            "code": "cash-withdrawal", "amount": "1500000.00", "currency": "CNY", "account": "6222020200112233445",
            "channel": "counter", "fields": {"account": "6222020200112233445", "name": "张三"},
        })
        check(status == 201, f"submit: {status} {submitted}")
        material = [{"kind": kind, "media_type": "image/png", "data": base64.b64encode(png(40, 30, (90, 90, 90))).decode()}
                    for kind in ("id_scan", "voucher_image", "teller_screen")]
        status, request = api.call("POST", f"/api/v1/transactions/{submitted['transaction']}/authorization", teller,
                                   {"mode": "central", "material": material})
        check(status == 201, f"request: {status} {request}")
        queued = wait.until(lambda d: next((r.text for r in d.find_elements(By.CSS_SELECTOR, "#queue tbody tr") if "集中授权" in r.text), None),
                            "the central request never shown")
        check("3" in queued, f"the central request at level 3 waits: {queued}")
        check(pushed() > before, f"the request was shown without a push ({before} pings before, {pushed()} after)")
        # Today by the hour: the hour of this request has it counted.
        hour = wait.until(lambda d: next(([c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in d.find_elements(By.CSS_SELECTOR, "#hours tbody tr")), None),
                          "no hour listed")
        check(int(hour[1]) >= 1, f"the latest hour counts the request: {hour}")
        driver.save_screenshot(os.path.join(args.artifacts, "centre-phone.png"))
        driver.refresh()
        visible("#console")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#queue tbody tr"), "the queue is empty after a reload")
        print(json.dumps({"request": request["id"]}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
