"""What the officer judges a request by, in a real headless Chromium on a tablet (issue #15).

Over the API a teller's transfer on an account is rejected, then started again as its replacement and asked for;
the officer (in the browser, 820×1180) claims it and sees why it needs authorization (the rule in words), the
rejected version with its reason, and the account's recent transactions. A return without a reason is refused
beside the reason box, and the refusal goes when the return is made. The teller resubmits; the officer claims the
new version and sees the return in its history; while the officer holds it, the teller withdraws the transaction:
the page says so at once and the decision buttons go. On a tablet the reason box and the decision buttons stay in
view however long the page.

Prints one JSON line: the transactions and the request withdrawn.
"""

import argparse
import base64
import json
import os
import sys

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import check, chromium  # noqa: E402
from officer_console import API, png  # noqa: E402

ACCOUNT = "6222020200112233445"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    api = API(args.base)
    driver = chromium(820, 1180)
    wait = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,))

    def shot(name):
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    def visible(selector):
        return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))

    def click(selector):
        """The queue is re-rendered on every push: a button found a moment ago may have been replaced. Found again
        and clicked until the click lands (a stale element under the full suite's load once failed this walk)."""
        def attempt(d):
            try:
                d.find_element(By.CSS_SELECTOR, selector).click()
                return True
            except (StaleElementReferenceException, NoSuchElementException):
                return False
        visible(selector)
        wait.until(attempt)

    def in_view(element):
        return driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;", element)

    teller = api.login("teller1", args.password, "T01")
    submission = {
        "code": "transfer", "amount": "600000.00", "currency": "CNY", "account": ACCOUNT,
        "channel": "counter", "fields": {"account": ACCOUNT, "payee": "上海某某贸易有限公司"},
    }
    material = [
        {"kind": "id_scan", "media_type": "image/png", "data": base64.b64encode(png(96, 60, (40, 90, 160))).decode()},
        {"kind": "voucher_image", "media_type": "image/png", "data": base64.b64encode(png(120, 80, (200, 200, 200))).decode()},
    ]

    def submit(body):
        status, reply = api.call("POST", "/api/v1/transactions", teller, body)
        check(status == 201 and reply["authorization_required"], f"submit: {status} {reply}")
        return reply["transaction"]

    def ask(transaction):
        status, reply = api.call("POST", f"/api/v1/transactions/{transaction}/authorization", teller, {"mode": "central", "material": material})
        check(status == 201, f"request: {status} {reply}")
        return reply["id"]

    # Rejected over the API by the other centre officer: the first attempt at this transfer.
    other = api.login("officer2", args.password, "C02")
    api.call("PUT", "/api/v1/authz/presence", other, {"status": "online"})
    first = submit(submission)
    rejected = ask(first)
    status, claimed = api.call("POST", f"/api/v1/authz/requests/{rejected}/claim", other)
    check(status == 200, f"officer2 claims: {status} {claimed}")
    status, _ = api.call("POST", f"/api/v1/authz/requests/{rejected}/decision", other, {
        "decision": "reject", "reason": "收款人与预留信息不符", "payload_digest": claimed["payload_digest"],
        "material_digest": claimed["material_digest"]})
    check(status == 200, f"officer2 rejects: {status}")
    api.call("PUT", "/api/v1/authz/presence", other, {"status": "offline"})
    second = submit(dict(submission, replaces=first))

    try:
        driver.get(args.base + "/officer")
        visible("#signin-form")
        driver.find_element(By.ID, "signin-user").send_keys("officer1")
        driver.find_element(By.ID, "signin-password").send_keys(args.password)
        driver.find_element(By.ID, "signin-submit").click()
        visible("#console")
        driver.find_element(By.CSS_SELECTOR, 'button.presence[data-presence="online"]').click()
        wait.until(lambda d: d.find_element(By.ID, "link-state").get_attribute("data-state") == "live")

        returned = ask(second)
        click(f'tr[data-request="{returned}"] button[data-action="claim"]')
        visible("#detail-amount")
        rules = visible("#detail-rules").text
        check("转账汇款 50万元以上" in rules and "Transfers" not in rules, f"the rule in the console's language: {rules!r}")
        versions = visible("#detail-versions").text
        check("收款人与预留信息不符" in versions and "已拒绝" in versions and first in versions,
              f"the rejected first attempt with its reason: {versions!r}")
        account = visible("#detail-account").text
        check("收款人与预留信息不符" in account and "600,000.00" in account, f"the account's recent transaction: {account!r}")
        bar = driver.find_element(By.ID, "decision-bar")
        check(in_view(bar) and in_view(driver.find_element(By.ID, "decision-reason")),
              "on a tablet the reason box and the buttons are in view without scrolling")
        shot("history-1-claimed")

        # A return needs a reason: refused beside the reason box, not in a banner; gone once it is given.
        driver.find_element(By.ID, "decide-return").click()
        line = visible("#decision-reason-error")
        check("意见" in line.text, f"the missing reason is said beside the box: {line.text!r}")
        check(not driver.find_element(By.ID, "alert").is_displayed(), "not in the page's alert box")
        check(driver.find_element(By.ID, "decision-reason").get_attribute("aria-invalid") == "true", "the reason box is marked")
        driver.find_element(By.ID, "decision-reason").send_keys("请补充收款人授权书")
        driver.find_element(By.ID, "decide-return").click()
        visible("#detail-outcome")
        check(not driver.find_elements(By.ID, "decision-reason-error"), "the refusal went with the return")

        status, resubmitted = api.call("POST", f"/api/v1/authz/requests/{returned}/resubmit", teller, {})
        check(status == 201, f"resubmit: {status} {resubmitted}")
        current = resubmitted["id"]
        click(f'tr[data-request="{current}"] button[data-action="claim"]')
        versions = visible("#detail-versions").text
        check("请补充收款人授权书" in versions and "已退回" in versions, f"the return in the history: {versions!r}")
        driver.execute_script("window.__stillTheSamePage = true")

        # The customer leaves: the teller withdraws while the officer holds the request.
        status, withdrawn = api.call("POST", f"/api/v1/transactions/{second}/withdraw", teller, {"reason": "客户取消汇款"})
        check(status == 200, f"withdraw: {status} {withdrawn}")
        outcome = visible('#detail-outcome[data-decision="withdrawn"]')
        check("撤回" in outcome.text, f"the officer is told the teller withdrew it: {outcome.text!r}")
        check(not driver.find_elements(By.ID, "decide-approve"), "no decision buttons for a withdrawn request")
        check(not driver.find_elements(By.ID, "detail-form"), "the customer's particulars leave the screen")
        check(driver.execute_script("return window.__stillTheSamePage === true"), "told live, not by a reload")
        shot("history-2-withdrawn")
        print(json.dumps({"first": first, "second": second, "withdrawn": current}))
    except Exception:
        shot("history-fail")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
