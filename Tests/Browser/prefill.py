"""The customer's pre-fill page in a real headless Chromium at phone size.

The customer opens /f/cash-withdrawal, types a resident ID with a wrong check character and sees the problem
while typing; corrects it; sees the amount in capital numerals; submits and gets a code and a QR code. The code
is printed as JSON for OfficerConsole-style checks on the Swift side (PrefillBrowserTests picks it up as a teller).
Also: the English page, the form list, and a branch poster. Screenshots go to --artifacts.
"""

import argparse
import json
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browser import check, chromium, fail




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)

    driver = chromium(390, 844)
    wait = WebDriverWait(driver, 10)

    def shot(name):
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    def field(name):
        return driver.find_element(By.ID, "f-" + name)

    def problem(name):
        return driver.find_element(By.ID, "p-" + name).text

    try:
        driver.get(args.base + "/f")
        links = driver.find_elements(By.CSS_SELECTOR, "ul.forms a")
        check(len(links) == 11, f"the form list has the eleven forms: {len(links)}")
        shot("prefill-1-forms")

        driver.get(args.base + "/f/cash-withdrawal")
        wait.until(EC.visibility_of_element_located((By.ID, "prefill")))
        check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling on a phone")
        check(driver.find_elements(By.ID, "f-fee") == [], "the teller's fee field is not on the customer's page")
        field("account_name").send_keys("张三")
        field("account_number").send_keys("6222 0202 0011 2233 445")
        field("id_number").send_keys("110105194912310021")  # wrong check character
        wait.until(lambda d: "校验位" in problem("id_number"))
        shot("prefill-2-problem")
        field("id_number").clear()
        field("id_number").send_keys("11010519491231002x")
        wait.until(lambda d: problem("id_number") == "")
        field("mobile").send_keys("138 0013 8000")
        field("amount").send_keys("50,000")
        wait.until(lambda d: "人民币伍万元整" in d.find_element(By.ID, "w-amount").text)
        driver.find_element(By.CSS_SELECTOR, "#f-purpose option[value='living']").click()
        shot("prefill-3-filled")

        driver.find_element(By.ID, "prefill-submit").click()
        code = wait.until(EC.visibility_of_element_located((By.ID, "done-code"))).text
        check(len(code) == 9 and code[4] == "-", f"a code like ABCD-2345: {code!r}")
        qr = driver.find_element(By.ID, "done-qr")
        wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr))
        check(driver.find_element(By.ID, "done-expires").text != "", "the expiry is shown")
        # Issue #15: a reload of the phone page keeps the code (until the customer fills in another).
        driver.refresh()
        check(wait.until(EC.visibility_of_element_located((By.ID, "done-code"))).text == code, "the code survives a reload")
        shot("prefill-4-code")

        driver.get(args.base + "/f/fx-purchase?lang=en")
        check(driver.find_element(By.TAG_NAME, "h1").text == "Personal Foreign Exchange Purchase", "English form title")
        driver.find_element(By.CSS_SELECTOR, "#f-currency option[value='USD']").click()
        field("amount").send_keys("1200.5")
        wait.until(lambda d: "美元壹仟贰佰元伍角整" in d.find_element(By.ID, "w-amount").text)
        field("amount").send_keys("5")  # 1200.55 is fine, 1200.555 is not
        field("amount").send_keys("5")
        wait.until(lambda d: "decimals" in problem("amount"))
        shot("prefill-5-english")

        driver.get(args.base + "/f/cash-withdrawal/poster")
        poster = driver.find_element(By.CSS_SELECTOR, "img.qr")
        wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", poster))
        shot("prefill-6-poster")

        print(json.dumps({"code": code}))
    except Exception as error:
        shot("prefill-fail")
        fail(f"{type(error).__name__}: {error}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
