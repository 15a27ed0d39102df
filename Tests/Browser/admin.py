"""Dual control in a real headless Chromium (issue #18): one security administrator proposes a new teller at a
desktop; the page offers them no approval of their own proposal; a second administrator, on a tablet, approves it and
is shown the one-time password once; the new teller signs in on a phone-sized console with it, is asked for a
password of their own before anything else, and then reaches the console — also after a reload.

Prints one JSON line: the change and the new teller.
"""

import argparse
import json
import os
import sys

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import check, chromium  # noqa: E402

NEW_PASSWORD = "Counter-Morning-2026"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    driver = chromium(1280, 900)
    wait = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,))

    def shot(name):
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    def visible(selector):
        return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))

    def row_text(needle):
        """The text of the waiting row that mentions `needle`, read in one step: the list is re-rendered on every
        refresh, so an element found a moment ago may be gone (a stale element once failed this walk under load)."""
        def find(d):
            try:
                return next((r.text for r in d.find_elements(By.CSS_SELECTOR, "#waiting tbody tr") if needle in r.text), None)
            except StaleElementReferenceException:
                return None
        return wait.until(find)

    def sign_in(user, password):
        visible("#signin-user").send_keys(user)
        driver.find_element(By.ID, "signin-password").send_keys(password)
        driver.find_element(By.ID, "signin-submit").click()
        visible("#console")

    try:
        # The first administrator, at a desktop, proposes a new teller.
        driver.get(args.base + "/admin")
        sign_in("sec1", args.password)
        driver.find_element(By.ID, "confirm-password").send_keys(args.password)
        Select(driver.find_element(By.ID, "propose-kind")).select_by_value("user.create")
        driver.find_element(By.ID, "propose-target").send_keys("teller3")
        driver.find_element(By.ID, "propose-name").send_keys("赵柜员")
        driver.find_element(By.ID, "propose-branch").send_keys("BR001")
        Select(driver.find_element(By.ID, "propose-role")).select_by_value("teller")
        driver.find_element(By.ID, "propose-submit").click()
        visible("#waiting tbody tr")

        def first_change(d):
            try:
                row = d.find_element(By.CSS_SELECTOR, "#waiting tbody tr")
                return (row.get_attribute("data-change"), row.text)
            except StaleElementReferenceException:
                return None
        change, listed = wait.until(first_change)
        check("teller3" in listed, f"the proposal is listed: {listed}")
        check(not driver.find_elements(By.ID, "approve-" + change), "the proposer is offered no approval of their own")
        shot("1-proposed-desktop")
        # An officer's authority, with limits written as a person writes amounts.
        driver.find_element(By.ID, "confirm-password").send_keys(args.password)
        Select(driver.find_element(By.ID, "propose-kind")).select_by_value("authority.set")
        check(not driver.find_element(By.ID, "propose-name").is_displayed(), "a new user's name is not asked for authority")
        driver.find_element(By.ID, "propose-target").send_keys("super1")
        level = driver.find_element(By.ID, "propose-level")
        level.clear()
        level.send_keys("2")
        driver.find_element(By.ID, "propose-served").send_keys("BR002")
        driver.find_element(By.ID, "propose-limits").send_keys("CNY 1000000.00; USD 200000.5")
        driver.find_element(By.ID, "propose-submit").click()
        authority = row_text("super1")
        check("CNY 1000000.00" in authority and "USD 200000.50" in authority and "BR002" in authority,
              f"the authority as proposed: {authority}")
        # A rule file, chosen from the disk as an administrator would; listed by its digest, not its text.
        rules = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "Rules", "authorization-rules.json"), encoding="utf-8"))
        rules["version"] = "2099-02-01.1"
        path = os.path.join(args.artifacts, "rules-2099-02-01.1.json")
        with open(path, "w", encoding="utf-8") as out:
            json.dump(rules, out, ensure_ascii=False)
        driver.find_element(By.ID, "confirm-password").send_keys(args.password)
        Select(driver.find_element(By.ID, "propose-kind")).select_by_value("rules.activate")
        driver.find_element(By.ID, "propose-target").send_keys("2099-02-01.1")
        driver.find_element(By.ID, "propose-rules").send_keys(os.path.abspath(path))
        driver.find_element(By.ID, "propose-submit").click()
        proposed = row_text("2099-02-01.1")
        check("SHA-256" in proposed, f"the rule set as proposed: {proposed}")
        driver.find_element(By.ID, "signout").click()

        # The second administrator, on a tablet, approves it and is shown the one-time password.
        driver.set_window_size(820, 1180)
        driver.get(args.base + "/admin")
        sign_in("sec2", args.password)
        # Without the password typed again, the approval is not even sent.
        visible("#approve-" + change).click()
        missing = visible("#approve-" + change + "-error")
        check("“" in missing.text or "Confirm" in missing.text or "确认身份" in missing.text, f"asked for the password: {missing.text}")
        driver.find_element(By.ID, "confirm-password").send_keys(args.password)
        driver.find_element(By.ID, "approve-" + change).click()
        one_time = visible("#handover-password").text
        check(len(one_time) == 16, f"a one-time password is shown: {one_time!r}")
        shot("2-approved-tablet")
        driver.find_element(By.ID, "handover-done").click()
        wait.until(lambda d: not d.find_element(By.ID, "handover").is_displayed())
        wait.until(lambda d: d.find_element(By.ID, "handover-password").text == "")
        decided = wait.until(lambda d: next(
            (r.text for r in d.find_elements(By.CSS_SELECTOR, "#decided tbody tr") if "teller3" in r.text), None))
        check("teller3" in decided, f"the approval is listed as decided: {decided}")
        driver.find_element(By.ID, "signout").click()

        # The new teller, on a phone-sized console, signs in with it and must first choose their own password.
        driver.set_window_size(390, 844)
        driver.get(args.base + "/teller")
        visible("#signin-user").send_keys("teller3")
        driver.find_element(By.ID, "signin-password").send_keys(one_time)
        terminal = driver.find_element(By.ID, "signin-terminal")
        terminal.clear()
        terminal.send_keys("T01")
        driver.find_element(By.ID, "signin-submit").click()
        visible("#password-choice")
        check(not driver.find_element(By.ID, "console").is_displayed(), "nothing else before the new password")
        driver.find_element(By.ID, "choose-password").send_keys("teller3-password")
        driver.find_element(By.ID, "choose-again").send_keys("teller3-password")
        driver.find_element(By.ID, "choose-submit").click()
        refused = visible("#password-choice-form-error")
        check("auth.weak_password" in refused.text, f"a weak password is refused beside the form: {refused.text}")
        for field in ("choose-password", "choose-again"):
            element = driver.find_element(By.ID, field)
            element.clear()
            element.send_keys(NEW_PASSWORD)
        shot("3-choose-password-phone")
        driver.find_element(By.ID, "choose-submit").click()
        # Several password hashes on both sides (scrypt in the service, bcrypt in the database): slow on purpose,
        # slower still under the whole suite's load.
        who = WebDriverWait(driver, 60).until(EC.visibility_of_element_located((By.ID, "whoami")))
        check("赵柜员" in who.text, f"the console shows the new teller: {who.text}")
        driver.refresh()
        check("赵柜员" in visible("#whoami").text, "the console survives a reload")
        shot("4-teller-console-phone")
        print(json.dumps({"change": int(change), "teller": "teller3"}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
