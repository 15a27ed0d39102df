"""The counter in a real headless Chromium: the customer screen and the teller console side by side (two tabs).

The screen of terminal T01 shows a pairing code; the teller signs in at T01 and pairs; a customer's pre-fill
(made over the API) is picked up by its code; the screen shows it masked with the amount in capital numerals; the
teller's edit appears on the screen; the customer confirms and the teller sees it; the customer signs on the pad
(an empty pad is refused); a later edit needs a new confirmation. With --receipt, the whole counter: the customer
pre-fills on a phone-sized window, and after the signature the teller books the transaction, attaches the material,
requests cross-terminal authorization, sees the supervisor's approval arrive live, commits, and makes the voucher. Prints one JSON line; exits non-zero with the reason on the first failed check.
"""

import argparse
import json
import os
import time
import urllib.request

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browser import check, chromium, fail




def post(base, path, body, token=None, method="POST"):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, method=method, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


# The smallest PNG (one transparent pixel): stands in for the ID scan and the voucher image the teller attaches.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def supervisor_approves(base, password, transaction):
    """super1 on another terminal of the branch (cross-terminal mode), through the API: online, sees the request in
    the queue, claims it and approves the digests it was shown."""
    token = post(base, "/api/v1/sessions", {"user": "super1", "password": password, "terminal": "T02"})["token"]
    post(base, "/api/v1/authz/presence", {"status": "online"}, token, method="PUT")
    deadline = time.monotonic() + 10
    while True:
        queue = post(base, "/api/v1/authz/queue", None, token, method="GET")["requests"]
        mine = [r for r in queue if r["transaction"] == transaction]
        if mine:
            break
        if time.monotonic() > deadline:
            fail(f"the request for {transaction} never reached the supervisor's queue")
        time.sleep(0.1)
    request = post(base, f"/api/v1/authz/requests/{mine[0]['id']}/claim", None, token)
    post(base, f"/api/v1/authz/requests/{request['id']}/decision",
         {"decision": "approve", "payload_digest": request["payload_digest"], "material_digest": request["material_digest"]}, token)
    post(base, "/api/v1/authz/presence", {"status": "offline"}, token, method="PUT")
    return request["id"]


def walk_arguments():
    """What every counter walk takes; returns the arguments and super1's password (--password unless given)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--supervisor-password", help="super1's, when it differs (the demo users of `make run`)")
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    return args, args.supervisor_password or args.password


def enroll_screen(driver, wait, supervisor):
    """Enrols the customer screen open in the current tab (super1 at its terminal); returns its pairing code."""
    wait.until(EC.visibility_of_element_located((By.ID, "enroll")))
    driver.find_element(By.ID, "enroll-user").send_keys("super1")
    driver.find_element(By.ID, "enroll-password").send_keys(supervisor)
    driver.find_element(By.ID, "enroll-submit").click()
    return wait.until(EC.visibility_of_element_located((By.ID, "pairing-code"))).text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--supervisor-password", help="super1's, when it differs (the demo users of `make run`)")
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--receipt", action="store_true", help="finish with a sealed voucher instead of changing the draft again")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)

    driver = chromium(1100, 900)
    # The screen redraws its view on every change the teller keys: an element read mid-redraw is read again.
    wait = WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,))

    def shot(name):
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    try:
        driver.get(args.base + "/screen/T01")
        screen_tab = driver.current_window_handle
        # A new screen is not enrolled: the branch supervisor enrolls it for T01 (its key is made in the browser).
        wait.until(EC.visibility_of_element_located((By.ID, "enroll")))
        check(not driver.find_element(By.ID, "pairing").is_displayed(), "no pairing code before enrolment")
        shot("counter-0-screen-enroll")
        check(driver.find_element(By.ID, "enroll-terminal").get_attribute("value") == "T01", "the terminal comes from the address")
        driver.find_element(By.ID, "enroll-user").send_keys("super1")
        driver.find_element(By.ID, "enroll-password").send_keys(args.supervisor_password or args.password)
        driver.find_element(By.ID, "enroll-submit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "pairing-code")))
        check(driver.find_element(By.ID, "enroll-password").get_attribute("value") == "", "the supervisor's password is not left in the form")
        # Enrolled means enrolled: a reload proves the key again from IndexedDB, without a supervisor.
        driver.refresh()
        code = wait.until(EC.visibility_of_element_located((By.ID, "pairing-code"))).text
        check("T01" in driver.find_element(By.ID, "screen-terminal").text, "the screen says which terminal it serves")
        check(len(code) == 6 and code.isdigit(), f"a 6-digit pairing code: {code!r}")
        shot("counter-1-screen-pairing")

        if args.receipt:
            # The whole flow in one browser: the customer pre-fills on a phone-sized window first.
            driver.switch_to.new_window("window")
            driver.set_window_size(390, 844)
            driver.get(args.base + "/f/cash-withdrawal")
            wait.until(EC.visibility_of_element_located((By.ID, "prefill")))
            for name, value in (("account_name", "张三"), ("account_number", "6222 0202 0011 2233 445"), ("id_number", "11010519491231002x"),
                                ("mobile", "138 0013 8000"), ("amount", "50,000")):
                driver.find_element(By.ID, "f-" + name).send_keys(value)
            driver.find_element(By.CSS_SELECTOR, "#f-purpose option[value='living']").click()
            wait.until(lambda d: "人民币伍万元整" in d.find_element(By.ID, "w-amount").text)
            driver.find_element(By.ID, "prefill-submit").click()
            prefill = {"code": wait.until(EC.visibility_of_element_located((By.ID, "done-code"))).text}
            shot("counter-0-phone-code")
            driver.close()
            driver.switch_to.window(screen_tab)
        else:
            prefill = post(args.base, "/api/v1/prefills", {"form": "cash-withdrawal", "values": {
                "account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X",
                "mobile": "13800138000", "amount": "50000", "purpose": "living"}})

        driver.switch_to.new_window("tab")
        teller_tab = driver.current_window_handle
        driver.get(args.base + "/teller")
        wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
        driver.find_element(By.ID, "signin-user").send_keys("teller1")
        driver.find_element(By.ID, "signin-password").send_keys(args.password)
        driver.find_element(By.ID, "signin-terminal").send_keys("T01")
        driver.find_element(By.ID, "signin-submit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "console")))
        driver.find_element(By.ID, "pair-code").send_keys(code)
        driver.find_element(By.ID, "pair-submit").click()
        wait.until(lambda d: d.find_element(By.ID, "pair-state").text != "")
        driver.find_element(By.ID, "pickup-code").send_keys(prefill["code"].lower())
        driver.find_element(By.ID, "pickup-submit").click()
        amount = wait.until(EC.visibility_of_element_located((By.ID, "d-amount")))
        check(amount.get_attribute("value") == "50000.00", f"the pre-fill arrives filled in: {amount.get_attribute('value')!r}")
        check(driver.find_element(By.ID, "d-id_number").get_attribute("value") == "11010519491231002X", "the teller sees the full ID")
        wait.until(lambda d: d.find_element(By.ID, "draft-state").get_attribute("data-state") == "editing")
        shot("counter-2-teller-picked-up")

        driver.switch_to.window(screen_tab)
        shown = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, 'dd[data-field="amount"]')))
        check("CNY 50,000.00" in shown.text and "人民币伍万元整" in shown.text, f"amount in figures and words: {shown.text!r}")
        check(driver.find_element(By.CSS_SELECTOR, 'dd[data-field="id_number"]').text == "110105********002X", "the ID is masked on the screen")
        shot("counter-3-screen-review")

        # The teller types; the screen follows without a reload.
        driver.switch_to.window(teller_tab)
        amount = driver.find_element(By.ID, "d-amount")
        amount.clear()
        amount.send_keys("60000")
        driver.switch_to.window(screen_tab)
        typed = time.monotonic()
        wait.until(lambda d: "CNY 60,000.00" in d.find_element(By.CSS_SELECTOR, 'dd[data-field="amount"]').text)
        echo_seconds = time.monotonic() - typed
        check("人民币陆万元整" in driver.find_element(By.CSS_SELECTOR, 'dd[data-field="amount"]').text, "the words follow the figures")

        # A reload of the teller's console keeps the counter session: the draft comes back from the service.
        driver.switch_to.window(teller_tab)
        driver.refresh()
        wait.until(lambda d: d.find_element(By.ID, "d-amount").get_attribute("value") in ("60000", "60000.00"))
        check(driver.find_element(By.ID, "d-id_number").get_attribute("value") == "11010519491231002X", "the whole draft survives a reload")
        wait.until(lambda d: d.find_element(By.ID, "draft-state").get_attribute("data-state") == "editing")
        driver.switch_to.window(screen_tab)

        driver.find_element(By.ID, "confirm").click()
        wait.until(lambda d: "已确认" in d.find_element(By.ID, "screen-status").text)
        pad = wait.until(EC.visibility_of_element_located((By.ID, "pad")))
        # Before signing, the voucher itself (the specimen of exactly this version), drawn by pdf.js above the pad
        # (when the service can render vouchers: the run with --receipt).
        if args.receipt:
            wait.until(lambda d: d.execute_script("return document.body.dataset.preview || null") == d.execute_script("return document.body.dataset.version"))
            inked = driver.execute_script("""
              const c = document.getElementById("preview-page");
              const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
              let dark = 0;
              for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) dark++;
              return dark;""")
            check(inked > 2000, f"the voucher preview is drawn ({inked} dark pixels)")
        shot("counter-4-screen-confirmed")
        driver.switch_to.window(teller_tab)
        wait.until(lambda d: d.find_element(By.ID, "draft-state").get_attribute("data-state") == "confirmed")
        shot("counter-5-teller-confirmed")

        # The signature: nothing drawn is refused; then synthetic pointer input draws a zigzag.
        driver.switch_to.window(screen_tab)
        driver.find_element(By.ID, "pad-done").click()
        wait.until(lambda d: "完整签写" in d.find_element(By.ID, "screen-status").text)
        box = pad.rect
        actions = ActionChains(driver)
        actions.move_to_element_with_offset(pad, -int(box["width"] * 0.4), 0).click_and_hold()
        for i in range(1, 24):
            actions.move_by_offset(int(box["width"] * 0.035), (-1) ** i * int(box["height"] * 0.3))
        actions.release().perform()
        shot("counter-6-screen-signature")
        driver.find_element(By.ID, "pad-done").click()
        wait.until(lambda d: "签名已记录" in d.find_element(By.ID, "screen-status").text)
        driver.switch_to.window(teller_tab)
        wait.until(lambda d: d.find_element(By.ID, "draft-state").get_attribute("data-state") == "signed")
        shot("counter-7-teller-signed")

        # The voucher: sealed, and the receipt link with its QR code appears on the customer screen.
        receipt_path = None
        if args.receipt:
            # Booking: CNY 60,000 withdrawn needs a level-1 authorization with the ID scan and the voucher image.
            wait.until(EC.visibility_of_element_located((By.ID, "booking-panel")))
            check(not driver.find_element(By.ID, "finish-form").is_displayed(), "no voucher before the booking")
            # Nothing to choose: account type and risk come from the bank's directory, and the answer shows them.
            check(not driver.find_elements(By.ID, "book-risk"), "the teller does not choose the customer's risk")
            driver.find_element(By.ID, "book-submit").click()
            decision = wait.until(EC.visibility_of_element_located((By.ID, "book-decision")))
            check(any(words in decision.text for words in ("网点主管", "supervisor")), f"the interceptor's answer says why, in words: {decision.text!r}")
            check(any(word in decision.text for word in ("个人借记账户", "Personal debit account")), f"the directory's facts: {decision.text!r}")
            check(not driver.find_element(By.ID, "d-amount").is_enabled(), "the booked draft no longer changes")
            transaction = decision.get_attribute("data-transaction")
            check(decision.text.startswith("T") and not decision.text.startswith("T0"), f"the id as the officers read it: {decision.text!r}")
            for kind in ("id_scan", "voucher_image"):
                path = os.path.join(args.artifacts, kind + ".png")
                with open(path, "wb") as handle:
                    handle.write(PNG)
                driver.find_element(By.ID, "material-" + kind).send_keys(path)
            driver.find_element(By.CSS_SELECTOR, "#authz-mode option[value='cross-terminal']").click()
            check(not driver.find_element(By.ID, "authz-local").is_displayed(), "no supervisor password outside local mode")
            shot("counter-7a-teller-authorization-prompt")
            driver.find_element(By.ID, "authz-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "authz-status").get_attribute("data-state") == "pending")
            # Reloaded while waiting for the officer: still booked, still waiting, still listening.
            pending = driver.find_element(By.ID, "authz-status").get_attribute("data-request")
            driver.refresh()
            wait.until(lambda d: d.find_element(By.ID, "authz-status").get_attribute("data-state") == "pending")
            check(driver.find_element(By.ID, "authz-status").get_attribute("data-request") == pending, "the same request after a reload")
            check(not driver.find_element(By.ID, "d-amount").is_enabled(), "the booked draft stays frozen after a reload")
            request_id = supervisor_approves(args.base, args.supervisor_password or args.password, transaction)
            # The decision arrives live (pushed); the teller commits, then makes the voucher.
            wait.until(lambda d: d.find_element(By.ID, "authz-status").get_attribute("data-state") == "approved")
            check(driver.find_element(By.ID, "authz-status").get_attribute("data-request") == request_id, "the approved request is ours")
            shot("counter-7b-teller-approved")
            driver.find_element(By.ID, "commit-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "authz-status").get_attribute("data-state") == "committed")
            wait.until(EC.visibility_of_element_located((By.ID, "finish-form")))
            driver.find_element(By.ID, "finish-submit").click()
            wait.until(EC.visibility_of_element_located((By.ID, "finish-result")))
            driver.switch_to.window(screen_tab)
            link = wait.until(EC.visibility_of_element_located((By.ID, "receipt-link")))
            voucher_number = link.text
            qr = driver.find_element(By.ID, "receipt-qr")
            wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr))
            shot("counter-8-screen-receipt")
            receipt_path = link.get_attribute("href").replace(args.base, "")
            # The screen is free for the next customer at once: a new pairing code beside the receipt.
            next_code = wait.until(EC.visibility_of_element_located((By.ID, "pairing-code"))).text
            check(next_code != code and len(next_code) == 6, "a new pairing code for the next customer")
            # The teller moves on: a clean console, paired again with the new code; the receipt leaves the screen.
            driver.switch_to.window(teller_tab)
            wait.until(EC.visibility_of_element_located((By.ID, "next-customer"))).click()
            wait.until(EC.visibility_of_element_located((By.ID, "pair-code")))
            check(not driver.find_element(By.ID, "finish-result").is_displayed(), "nothing of the last customer on the console")
            driver.find_element(By.ID, "pair-code").send_keys(next_code)
            driver.find_element(By.ID, "pair-code").submit()
            wait.until(lambda d: "T01" in d.find_element(By.ID, "pair-state").text)
            driver.switch_to.window(screen_tab)
            wait.until(lambda d: not d.find_element(By.ID, "receipt").is_displayed())
            check(driver.find_element(By.ID, "receipt-link").text == "", "the last receipt is gone from the screen")
            shot("counter-8b-screen-next-customer")
            with urllib.request.urlopen(args.base + receipt_path, timeout=10) as response:
                pdf = response.read()
            check(pdf.startswith(b"%PDF"), "the receipt is a PDF")
            receipt_file = os.path.join(args.artifacts, "receipt.pdf")
            with open(receipt_file, "wb") as handle:
                handle.write(pdf)
            # A copy with one byte changed inside the signed content.
            tampered = bytearray(pdf)
            tampered[len(pdf) // 3] ^= 0x01
            tampered_file = os.path.join(args.artifacts, "receipt-tampered.pdf")
            with open(tampered_file, "wb") as handle:
                handle.write(bytes(tampered))

            # The public check, in plain words: the receipt holds, the tampered copy does not, the number holds.
            driver.get(args.base + "/verify")
            driver.find_element(By.ID, "verify-pdf").send_keys(receipt_file)
            driver.find_element(By.ID, "verify-file-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "verdict").get_attribute("data-valid") == "true")
            check(len(driver.find_elements(By.CSS_SELECTOR, "#verdict-signatures li")) == 3, "two signatures and the archive time-stamp listed")
            check("真实有效" in driver.find_element(By.ID, "verdict-summary").text, "the verdict in plain words")
            levels = [item.get_attribute("data-level") for item in driver.find_elements(By.CSS_SELECTOR, "#verdict-signatures li div[data-level]")]
            check(levels == ["B-LTA", "B-LTA", "DocTimeStamp"], f"both signatures long-term (B-LTA) and the archive time-stamp, in words: {levels}")
            check("北京时间" in driver.find_element(By.ID, "verdict-signatures").text, "the proven time shown")
            shot("counter-9-verify-valid")
            driver.find_element(By.ID, "verify-pdf").send_keys(tampered_file)
            driver.find_element(By.ID, "verify-file-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "verdict").get_attribute("data-valid") == "false"
                       or d.find_element(By.ID, "verify-problem").text != "")
            shot("counter-10-verify-tampered")
            driver.find_element(By.ID, "verify-voucher").send_keys(voucher_number)
            driver.find_element(By.ID, "verify-number-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "verdict").get_attribute("data-valid") == "true")
            print(json.dumps({"echo_seconds": round(echo_seconds, 3), "receipt": receipt_path, "transaction": transaction,
                              "request": request_id}))
            return

        # A change after the confirmation: back to waiting, and the screen asks again.
        driver.find_element(By.ID, "d-fee").send_keys("5")
        wait.until(lambda d: d.find_element(By.ID, "draft-state").get_attribute("data-state") == "editing")
        driver.switch_to.window(screen_tab)
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, 'dd[data-field="fee"]').text.startswith("CNY 5.00"))
        check(driver.find_element(By.ID, "confirm").is_enabled(), "the screen asks again")
        check(not driver.find_element(By.ID, "pad").is_displayed(), "the old signature pad is gone with the old view")
        shot("counter-9-screen-asks-again")

        print(json.dumps({"echo_seconds": round(echo_seconds, 3)}))
    except Exception as error:
        shot("counter-fail")
        fail(f"{type(error).__name__}: {error}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
