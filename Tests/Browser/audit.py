"""Post-transaction supervision in a real headless Chromium (issue #18, part 4), against a service that has just
served a customer to a sealed voucher: a security administrator is refused the console; the auditor (desktop) finds the committed
transaction by teller and state, opens its evidence (the customer's view, the signature replayed from its strokes,
the voucher's PDF, the authorization timeline, every audit event verified), reloads and stays there, raises a
finding; on a tablet draws a sample of the day and marks the transaction reviewed; on a phone the supervisor who
approved it may not answer the finding, another of the branch's supervisors does, reloads, and the auditor closes it.

Prints one JSON line: the finding and the sample.
"""

import argparse
import json
import os
import sys

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import check, chromium  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--transaction", required=True)
    parser.add_argument("--officer", required=True)
    parser.add_argument("--amount", required=True, help='as the console shows it, e.g. "60,000.00"')
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    driver = chromium(1280, 900)
    wait = WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,))
    transaction = args.transaction

    def visible(selector):
        return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)))

    def sign_in(user):
        field = visible("#signin-user")
        field.clear()
        field.send_keys(user)
        password = driver.find_element(By.ID, "signin-password")
        password.clear()
        password.send_keys(args.password)
        driver.find_element(By.ID, "signin-submit").click()

    def sign_out():
        visible("#signout").click()
        visible("#signin-form")

    def text_of(selector):
        """The element's text read in one step (lists are re-rendered under the reader)."""
        return wait.until(lambda d: d.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", selector))

    try:
        driver.get(args.base + "/audit")
        sign_in("sec1")
        refused = visible("#signin-form-error")
        check("稽核" in refused.text, f"a security administrator is refused: {refused.text}")

        # The auditor, at a desk: today's committed transactions of teller1.
        sign_in("auditor1")
        visible("#search-panel")
        teller = driver.find_element(By.ID, "search-teller")
        teller.send_keys("teller1")
        driver.find_element(By.CSS_SELECTOR, "#search-state option[value=committed]").click()
        driver.find_element(By.ID, "search-submit").click()
        row = visible(f'#results tr[data-transaction="{transaction}"]')
        check("teller1" in row.text and args.amount + " CNY" in row.text, f"the committed transaction is found: {row.text}")
        row.find_element(By.CSS_SELECTOR, "button.open").click()

        def evidence_ready():
            mark = visible("#evidence-mark")
            wait.until(lambda d: mark.get_attribute("data-verified") in ("true", "false"))
            return mark

        mark = evidence_ready()
        check(mark.get_attribute("data-verified") == "true", f"the chain verifies: {mark.text}")
        check(args.amount in text_of("#evidence-view"),
              f"the customer's confirmed view: {text_of('#evidence-view')}")
        signature = visible("#evidence-signature")
        total = int(signature.get_attribute("data-points"))
        check(total > 10, f"the signature is drawn from its strokes: {total} points")
        driver.find_element(By.ID, "evidence-replay").click()
        wait.until(lambda d: int(d.find_element(By.ID, "evidence-signature").get_attribute("data-points")) < total)
        wait.until(lambda d: d.find_element(By.ID, "evidence-replay").is_enabled())
        check(int(driver.find_element(By.ID, "evidence-signature").get_attribute("data-points")) == total,
              "the replay ends with the whole signature")
        check(args.officer in text_of("#evidence-timeline"), f"the approver in the timeline: {text_of('#evidence-timeline')}")
        events = driver.find_elements(By.CSS_SELECTOR, "#evidence-events tbody tr")
        actions = [e.get_attribute("data-action") for e in events]
        check("txn.committed" in actions and "seal.used" in actions, f"the story's events: {actions}")
        check(all(e.get_attribute("data-verified") == "true" for e in events), "every event verified")
        driver.find_element(By.ID, "evidence-open-pdf").click()
        frame = visible("#evidence-pdf iframe")
        check(frame.get_attribute("src").startswith("blob:"), "the voucher's PDF is shown")
        driver.save_screenshot(os.path.join(args.artifacts, "evidence-desktop.png"))

        driver.refresh()
        mark = evidence_ready()
        check(transaction in driver.find_element(By.ID, "evidence-heading").text, "a reload comes back to the same evidence")
        visible("#raise-text").send_keys("凭证影像缺少客户签名页 · voucher image lacks the signature page")
        driver.find_element(By.ID, "raise-password").send_keys(args.password)
        driver.find_element(By.ID, "raise-submit").click()
        raised = visible("#evidence-finding-list article[data-state=raised]")
        finding = raised.get_attribute("data-finding")
        driver.find_element(By.ID, "evidence-back").click()
        visible(f'#results tr[data-transaction="{transaction}"]')

        # The trail across its chains: this transaction's events, the auditor's own reading among them, each checked.
        driver.find_element(By.ID, "nav-trail").click()
        visible("#trail-subject").send_keys(f"txn:{transaction}")
        driver.find_element(By.ID, "trail-submit").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#trail tbody tr"))
        rows = driver.find_elements(By.CSS_SELECTOR, "#trail tbody tr")
        check(all(r.get_attribute("data-verified") == "true" for r in rows), "every event of the transaction is checked in its chain")
        check(any("evidence.viewed" in r.text and "auditor1" in r.text for r in rows), "the auditor's own reading is in the trail")
        driver.save_screenshot(os.path.join(args.artifacts, "trail-desktop.png"))
        driver.refresh()
        visible("#trail-form")
        driver.find_element(By.ID, "nav-search").click()
        visible("#search-form")

        # On a tablet: a sample of the day, the transaction marked reviewed.
        driver.set_window_size(820, 1180)
        driver.find_element(By.ID, "nav-samples").click()
        size = visible("#sample-size")
        size.clear()
        size.send_keys("5")
        driver.find_element(By.ID, "sample-password").send_keys(args.password)
        driver.find_element(By.ID, "sample-submit").click()
        item = visible(f'#samples article tr[data-transaction="{transaction}"]')
        sample = driver.find_element(By.CSS_SELECTOR, "#samples article").get_attribute("data-sample")
        item.find_element(By.CSS_SELECTOR, "button.review").click()
        wait.until(lambda d: "auditor1" in d.execute_script(
            "return document.querySelector(arguments[0]).textContent", f'#sample-{sample} tr[data-transaction="{transaction}"]'))
        driver.save_screenshot(os.path.join(args.artifacts, "samples-tablet.png"))
        driver.refresh()
        visible(f'#sample-{sample}')
        sign_out()

        # The branch's supervisors, on a phone: only the findings. super1 approved this transaction and may not answer
        # for it; super3 does.
        driver.set_window_size(390, 844)

        def answer(user):
            sign_in(user)
            visible("#findings-panel")
            check(not driver.find_element(By.ID, "nav-search").is_displayed(), "a supervisor has no search")
            visible(f"#finding-{finding}-text").send_keys("已补扫签名页 · signature page scanned again")
            driver.find_element(By.ID, f"finding-{finding}-password").send_keys(args.password)
            driver.find_element(By.CSS_SELECTOR, f'#finding-{finding}-form button[data-step=answer]').click()

        answer("super1")
        refused = visible(f"#finding-{finding}-form-error")
        check("supervision.own_decision" in refused.text, f"the approver does not answer for it: {refused.text}")
        sign_out()
        answer("super3")
        visible(f'#findings article[data-finding="{finding}"][data-state=answered]')
        driver.save_screenshot(os.path.join(args.artifacts, "findings-phone.png"))
        driver.refresh()
        visible(f'#findings article[data-finding="{finding}"][data-state=answered]')
        sign_out()

        # The auditor closes it.
        sign_in("auditor1")
        visible("#console")
        driver.get(args.base + "/audit#findings")
        text = visible(f"#finding-{finding}-text")
        text.send_keys("已核实 · checked")
        driver.find_element(By.ID, f"finding-{finding}-password").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, f'#finding-{finding}-form button[data-step=close]').click()
        visible(f'#findings article[data-finding="{finding}"][data-state=closed]')

        # The day's report by branch (rolled every two seconds in this test), its chart, and its CSV.
        driver.set_window_size(1280, 900)
        driver.get(args.base + "/reports?period=day&by=branch")
        sign_in("auditor1")
        visible("#report-form")

        def report_row(d):
            rows = d.find_elements(By.CSS_SELECTOR, '#report-table tr[data-key="BR001"]')
            if rows:
                return rows[0]
            d.find_element(By.ID, "report-submit").click()
            return None

        branch = wait.until(report_row)
        check(args.amount + " CNY" in branch.text, f"the day's committed amount at BR001: {branch.text}")
        check(int(driver.find_element(By.ID, "report-chart").get_attribute("data-keys")) >= 1, "the chart has the branch")
        driver.find_element(By.ID, "download-csv").click()
        wait.until(lambda d: d.find_element(By.ID, "download-csv").is_enabled())
        check(not driver.find_elements(By.ID, "download-csv-error"), "the CSV downloads")
        driver.save_screenshot(os.path.join(args.artifacts, "report-desktop.png"))
        print(json.dumps({"finding": int(finding), "sample": int(sample)}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
