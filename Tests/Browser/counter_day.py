"""Three customers in a row at one counter (issue #15), with a reload of the customer screen and of the teller's
console at every step: pairing, the pre-fill picked up, the view, the confirmation, the signature, the booking,
the voucher. The second customer walks in without a pre-fill: the teller starts a blank form and keys it. The
third customer signs their full name: over 2,000 pointer points drawn in the browser.

Prints one JSON line: the three transactions and their vouchers.
"""

import json
import os
import sys

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import check, chromium  # noqa: E402
from counter import PNG, enroll_screen, post, supervisor_approves, walk_arguments  # noqa: E402

CUSTOMERS = [
    {"account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "800"},
    {"account_name": "李四", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "1200"},
    {"account_name": "王小明", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "3000"},
]


def main():
    args, supervisor = walk_arguments()
    driver = chromium(1024, 768)
    wait = WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,))

    def shot(name):
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    def on(tab):
        driver.switch_to.window(tab)

    def state():
        return driver.find_element(By.ID, "draft-state").get_attribute("data-state")

    try:
        driver.get(args.base + "/screen/T01")
        screen = driver.current_window_handle
        enroll_screen(driver, wait, supervisor)

        driver.switch_to.new_window("tab")
        teller = driver.current_window_handle
        driver.get(args.base + "/teller")
        wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
        driver.find_element(By.ID, "signin-user").send_keys("teller1")
        driver.find_element(By.ID, "signin-password").send_keys(args.password)
        driver.find_element(By.ID, "signin-terminal").send_keys("T01")
        driver.find_element(By.ID, "signin-submit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "console")))

        # The day starts at a clean counter: sessions the teller left open at T01 (earlier walks) are ended.
        token = post(args.base, "/api/v1/sessions", {"user": "teller1", "password": args.password, "terminal": "T01"})["token"]
        for left in post(args.base, "/api/v1/counter/sessions", None, token, method="GET"):
            try:
                post(args.base, f"/api/v1/counter/sessions/{left['session']}/cancel", {}, token)
            except Exception:
                pass
        driver.refresh()
        wait.until(EC.visibility_of_element_located((By.ID, "pair-code")))
        served = []
        for number, values in enumerate(CUSTOMERS, start=1):
            step = f"customer {number}"
            walk_in = number == 2
            prefill = None if walk_in else post(args.base, "/api/v1/prefills", {"form": "cash-withdrawal", "values": values})
            # The screen, reloaded, still shows a code, and nothing of the last customer.
            on(screen)
            driver.refresh()
            code = wait.until(EC.visibility_of_element_located((By.ID, "pairing-code"))).text
            check(not driver.find_element(By.ID, "receipt").is_displayed(), f"{step}: no earlier receipt on the screen")
            check(driver.find_element(By.ID, "review-lines").text == "", f"{step}: no earlier values on the screen")

            on(teller)
            wait.until(EC.visibility_of_element_located((By.ID, "pair-code"))).send_keys(code)
            driver.find_element(By.ID, "pair-submit").click()
            wait.until(lambda d: "T01" in d.find_element(By.ID, "pair-state").text)
            driver.refresh()
            wait.until(lambda d: "T01" in d.find_element(By.ID, "pair-state").text)
            if walk_in:
                # No pre-fill: a blank form of the teller's choosing, keyed with the customer.
                Select(driver.find_element(By.ID, "walkin-select")).select_by_value("cash-withdrawal")
                driver.find_element(By.ID, "walkin-submit").click()
                wait.until(EC.visibility_of_element_located((By.ID, "d-account_name")))
                check(driver.find_element(By.ID, "d-account_name").get_attribute("value") == "", f"{step}: the form starts blank")
                for field in ("account_name", "account_number", "id_number", "amount"):
                    driver.find_element(By.ID, "d-" + field).send_keys(values[field])
                driver.find_element(By.ID, "d-amount").send_keys(Keys.TAB)
                # Every keystroke reached the service before the reload below.
                counter_id = driver.execute_script("return sessionStorage.getItem('countersign.teller.counter')")
                stored = lambda: post(args.base, f"/api/v1/counter/sessions/{counter_id}?include=draft", None, token, method="GET").get("values") or {}
                wait.until(lambda d: stored().get("id_number") == values["id_number"] and stored().get("account_name") == values["account_name"]
                           and stored().get("amount", "").startswith(values["amount"]))
            else:
                driver.find_element(By.ID, "pickup-code").send_keys(prefill["code"])
                driver.find_element(By.ID, "pickup-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "d-account_name").get_attribute("value") == values["account_name"])
            driver.refresh()
            wait.until(lambda d: d.find_element(By.ID, "d-account_name").get_attribute("value") == values["account_name"])

            on(screen)
            driver.refresh()
            amount = f"CNY {int(values['amount']):,}.00"
            wait.until(lambda d: amount in d.find_element(By.CSS_SELECTOR, 'dd[data-field="amount"]').text)
            wait.until(lambda d: d.find_element(By.ID, "confirm").is_enabled())
            driver.find_element(By.ID, "confirm").click()
            pad = wait.until(EC.visibility_of_element_located((By.ID, "pad")))
            # Reloaded after confirming: back at the pad, for the same view.
            driver.refresh()
            pad = wait.until(EC.visibility_of_element_located((By.ID, "pad")))
            on(teller)
            wait.until(lambda d: state() == "confirmed")

            on(screen)
            box = pad.rect
            width, height = int(box["width"]), int(box["height"])
            actions = ActionChains(driver, duration=0)
            if number < 3:
                actions.move_to_element_with_offset(pad, -int(width * 0.4), 0).click_and_hold()
                for i in range(1, 24):
                    actions.move_by_offset(int(width * 0.035), (-1) ** i * int(height * 0.3))
                actions.release()
            else:
                # Three characters, 700 points each: the last customer writes their full name.
                for character in range(3):
                    actions.move_to_element_with_offset(pad, -int(width * 0.45) + character * int(width * 0.3), -int(height * 0.3))
                    actions.click_and_hold()
                    for i in range(700):
                        actions.move_by_offset(1 if i % 4 == 0 else 0, 3 if (i // 20) % 2 == 0 else -3)
                    actions.release()
            actions.perform()
            driver.find_element(By.ID, "pad-done").click()
            wait.until(lambda d: d.execute_script("return document.body.dataset.signed || null") is not None)
            driver.refresh()
            wait.until(EC.visibility_of_element_located((By.ID, "review")))
            check(not driver.find_element(By.ID, "signing").is_displayed(), f"{step}: signed is signed after a reload")

            on(teller)
            wait.until(lambda d: state() == "signed")
            driver.refresh()
            wait.until(lambda d: state() == "signed")
            wait.until(EC.visibility_of_element_located((By.ID, "booking-panel")))
            driver.find_element(By.ID, "book-submit").click()
            wait.until(EC.visibility_of_element_located((By.ID, "book-decision")))
            transaction = driver.find_element(By.ID, "book-decision").get_attribute("data-transaction")
            driver.refresh()
            # The reloaded console restores the booking from the service: wait for it to say what comes next.
            wait.until(lambda d: d.find_element(By.ID, "authz-form").is_displayed() or d.find_element(By.ID, "commit-submit").is_displayed())
            if driver.find_element(By.ID, "authz-form").is_displayed():
                # Outside business hours (or above the limit) the rules ask for authorization.
                for kind in ("id_scan", "voucher_image"):
                    path = os.path.join(args.artifacts, kind + ".png")
                    with open(path, "wb") as handle:
                        handle.write(PNG)
                    material = driver.find_elements(By.ID, "material-" + kind)
                    if material:
                        material[0].send_keys(path)
                driver.find_element(By.CSS_SELECTOR, "#authz-mode option[value='cross-terminal']").click()
                driver.find_element(By.ID, "authz-submit").click()
                wait.until(lambda d: d.find_element(By.ID, "authz-status").get_attribute("data-state") == "pending")
                supervisor_approves(args.base, supervisor, transaction)
                wait.until(lambda d: d.find_element(By.ID, "authz-status").get_attribute("data-state") == "approved")
            wait.until(EC.visibility_of_element_located((By.ID, "commit-submit"))).click()
            wait.until(EC.visibility_of_element_located((By.ID, "finish-form")))
            driver.refresh()
            wait.until(EC.visibility_of_element_located((By.ID, "finish-form")))
            driver.find_element(By.ID, "finish-submit").click()
            voucher = wait.until(EC.visibility_of_element_located((By.ID, "finish-result"))).text

            on(screen)
            link = wait.until(EC.visibility_of_element_located((By.ID, "receipt-link")))
            check(link.text != "", f"{step}: the receipt on the screen")
            shot(f"day-{number}-receipt")
            on(teller)
            before = driver.find_element(By.ID, "console")
            driver.find_element(By.ID, "next-customer").click()
            wait.until(EC.staleness_of(before))
            wait.until(EC.visibility_of_element_located((By.ID, "pair-code")))
            check(not driver.find_element(By.ID, "draft").is_displayed(), f"{step}: nothing of the last customer on the console")
            served.append({"transaction": transaction, "voucher": voucher})
        print(json.dumps({"served": served}, ensure_ascii=False))
    except Exception:
        shot("day-fail")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
