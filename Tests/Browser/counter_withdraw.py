"""The teller's mistakes and second thoughts at the counter, in a real headless Chromium (issue #15).

Errors appear beside what caused them, in the console's language, and go when the same step next succeeds: a wrong
pairing code beside the pairing form, an unknown pick-up code beside the pick-up form. Then a customer whose
withdrawal needs authorization signs, the teller books it and asks for it, the customer changes their mind while
it waits, and the teller withdraws it with a reason: the console is ready for the next customer, and the screen
tells the customer the transaction was cancelled and shows a new code.

Prints one JSON line: the transaction withdrawn and its request.
"""

import json
import os
import sys

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import check, chromium, fail  # noqa: E402
from counter import PNG, enroll_screen, post, walk_arguments  # noqa: E402

CUSTOMER = {"account_name": "赵六", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "60000"}


def main():
    args, supervisor = walk_arguments()
    driver = chromium(1024, 768)
    wait = WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,))

    def shot(name):
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    def on(tab):
        driver.switch_to.window(tab)

    def error_beside(anchor):
        """The error line right after `anchor`, once it is shown."""
        return wait.until(EC.visibility_of_element_located((By.ID, anchor + "-error")))

    def no_error_beside(anchor):
        wait.until(lambda d: not d.find_elements(By.ID, anchor + "-error"))

    try:
        driver.get(args.base + "/screen/T01")
        screen = driver.current_window_handle
        code = enroll_screen(driver, wait, supervisor)

        driver.switch_to.new_window("tab")
        teller = driver.current_window_handle
        driver.get(args.base + "/teller")
        wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
        driver.find_element(By.ID, "signin-user").send_keys("teller1")
        driver.find_element(By.ID, "signin-password").send_keys("not the password")
        driver.find_element(By.ID, "signin-terminal").send_keys("T01")
        driver.find_element(By.ID, "signin-submit").click()
        refused = error_beside("signin-form")
        check("用户名或密码不正确" in refused.text, f"a wrong password is refused beside the sign-in form, in Chinese: {refused.text!r}")
        check(not driver.find_element(By.ID, "alert").is_displayed(), "not in the page's alert box")
        driver.find_element(By.ID, "signin-password").clear()
        driver.find_element(By.ID, "signin-password").send_keys(args.password)
        driver.find_element(By.ID, "signin-submit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "console")))

        # A wrong pairing code: said beside the pairing form, with the field marked; gone after the right one.
        wrong = "000000" if code != "000000" else "111111"
        driver.find_element(By.ID, "pair-code").send_keys(wrong)
        driver.find_element(By.ID, "pair-submit").click()
        line = error_beside("pair-form")
        check("配对码不正确" in line.text, f"the pairing error is in Chinese, beside the form: {line.text!r}")
        check(driver.find_element(By.ID, "pair-code").get_attribute("aria-invalid") == "true", "the code field is marked invalid")
        shot("withdraw-1-pairing-error")
        driver.find_element(By.ID, "pair-code").clear()
        driver.find_element(By.ID, "pair-code").send_keys(code)
        driver.find_element(By.ID, "pair-submit").click()
        wait.until(lambda d: "T01" in d.find_element(By.ID, "pair-state").text)
        no_error_beside("pair-form")
        check(driver.find_element(By.ID, "pair-code").get_attribute("aria-invalid") is None, "the field is no longer marked")

        # An unknown pick-up code, then the customer's own.
        driver.find_element(By.ID, "pickup-code").send_keys("ZZZZZZZZ")
        driver.find_element(By.ID, "pickup-submit").click()
        line = error_beside("pickup-form")
        check("没有这个取件码" in line.text and "prefill.not_found" in line.text, f"the pick-up error in words and its code: {line.text!r}")
        prefill = post(args.base, "/api/v1/prefills", {"form": "cash-withdrawal", "values": CUSTOMER})
        driver.find_element(By.ID, "pickup-code").clear()
        driver.find_element(By.ID, "pickup-code").send_keys(prefill["code"])
        driver.find_element(By.ID, "pickup-submit").click()
        wait.until(lambda d: d.find_element(By.ID, "d-account_name").get_attribute("value") == CUSTOMER["account_name"])
        no_error_beside("pickup-form")

        on(screen)
        wait.until(lambda d: "60,000.00" in d.find_element(By.CSS_SELECTOR, 'dd[data-field="amount"]').text)
        wait.until(lambda d: d.find_element(By.ID, "confirm").is_enabled())
        driver.find_element(By.ID, "confirm").click()
        pad = wait.until(EC.visibility_of_element_located((By.ID, "pad")))
        box = pad.rect
        actions = ActionChains(driver, duration=0)
        actions.move_to_element_with_offset(pad, -int(box["width"] * 0.4), 0).click_and_hold()
        for i in range(1, 24):
            actions.move_by_offset(int(box["width"] * 0.035), (-1) ** i * int(box["height"] * 0.3))
        actions.release().perform()
        driver.find_element(By.ID, "pad-done").click()
        wait.until(lambda d: d.execute_script("return document.body.dataset.signed || null") is not None)

        on(teller)
        wait.until(EC.visibility_of_element_located((By.ID, "booking-panel")))
        driver.find_element(By.ID, "book-submit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "authz-form")))
        transaction = driver.find_element(By.ID, "book-decision").get_attribute("data-transaction")
        check("个人取款" in driver.find_element(By.ID, "book-decision").text, "the rule is described in words")
        # Asked without the material the rules need: refused beside the authorization form.
        driver.find_element(By.CSS_SELECTOR, "#authz-mode option[value='cross-terminal']").click()
        driver.find_element(By.ID, "authz-submit").click()
        line = error_beside("authz-form")
        check("缺少授权材料" in line.text, f"missing material is said beside the form: {line.text!r}")
        for kind in ("id_scan", "voucher_image"):
            path = os.path.join(args.artifacts, kind + ".png")
            with open(path, "wb") as handle:
                handle.write(PNG)
            driver.find_element(By.ID, "material-" + kind).send_keys(path)
        driver.find_element(By.ID, "authz-submit").click()
        wait.until(lambda d: d.find_element(By.ID, "authz-status").get_attribute("data-state") == "pending")
        no_error_beside("authz-form")
        request = driver.find_element(By.ID, "authz-status").get_attribute("data-request")

        # The customer changes their mind while it waits: withdrawn, with a reason; an empty reason is refused.
        withdraw = wait.until(EC.visibility_of_element_located((By.ID, "withdraw-form")))
        shot("withdraw-2-waiting")
        driver.find_element(By.ID, "withdraw-submit").click()
        try:
            WebDriverWait(driver, 1).until(EC.alert_is_present())
            fail("a withdrawal without a reason must not even ask for confirmation")
        except TimeoutException:
            pass
        check(driver.find_element(By.ID, "authz-status").get_attribute("data-state") == "pending", "nothing was withdrawn")
        driver.find_element(By.ID, "withdraw-reason").send_keys("客户改变主意，不再取款")
        before = driver.find_element(By.ID, "console")
        driver.find_element(By.ID, "withdraw-submit").click()
        alert = wait.until(EC.alert_is_present())
        alert.accept()
        wait.until(EC.staleness_of(before))
        wait.until(EC.visibility_of_element_located((By.ID, "pair-code")))
        check(not driver.find_element(By.ID, "draft").is_displayed(), "the console is ready for the next customer")

        on(screen)
        wait.until(lambda d: d.find_element(By.ID, "pairing-code").is_displayed() and d.find_element(By.ID, "pairing-code").text != code)
        check(driver.find_element(By.ID, "screen-status").text == "本笔业务已取消", "the customer is told it was cancelled, not rejected")
        check(driver.find_element(By.ID, "review-lines").text == "", "nothing of the customer stays on the screen")
        shot("withdraw-3-screen")

        print(json.dumps({"transaction": transaction, "request": request}, ensure_ascii=False))
    except Exception:
        shot("withdraw-fail")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
