"""Every page, checked by axe-core (from PyPI's axe-selenium-python) in headless Chromium at a phone, a tablet and
a desktop size: no serious or critical violation. Pages behind a sign-in are checked signed in too (the teller
console, the officer console, the administrators' page), and the customer screen both before enrolment and showing its pairing code.

Prints one JSON line: the pages and sizes checked, and the violations of lesser impact (reported, not failed).
"""

import argparse
import json
import os
import subprocess
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import check, chromium, fail  # noqa: E402

SIZES = {"phone": (390, 844), "tablet": (1024, 768), "desktop": (1440, 900)}


def axe_source():
    """axe.min.js as the PyPI package ships it (installed for the python3 on PATH, which may not be this one)."""
    try:
        import axe_selenium_python  # noqa: F401

        folder = os.path.dirname(axe_selenium_python.__file__)
    except ImportError:
        folder = subprocess.check_output(
            ["python3", "-c", "import axe_selenium_python, os; print(os.path.dirname(axe_selenium_python.__file__))"], text=True
        ).strip()
    with open(os.path.join(folder, "node_modules", "axe-core", "axe.min.js"), encoding="utf-8") as handle:
        return handle.read()


def audit(driver, source, page, size, minor):
    """Runs axe on what the window shows now; fails on a serious or critical violation."""
    driver.execute_script(source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations), (e) => done(String(e)));"
    )
    if isinstance(result, str):
        fail(f"axe did not run on {page} ({size}): {result}")
    for violation in result:
        where = [" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"]) for node in violation["nodes"]][:3]
        if violation["impact"] in ("serious", "critical"):
            summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
            fail(f"{page} at {size}: {violation['impact']} {violation['id']}: {violation['help']} — {where}: {summary}")
        minor.add(f"{violation['impact']} {violation['id']} on {page}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--password", help="every user's password (the tests' seed)")
    parser.add_argument("--demo", action="store_true", help="the demo users of `make run` (password: <user>-demo)")
    args = parser.parse_args()
    source = axe_source()
    minor = set()
    checked = []
    for size, (width, height) in SIZES.items():
        driver = chromium(width, height)
        wait = WebDriverWait(driver, 10)
        try:
            for path, ready in (("/", "main"), ("/f", "main"), ("/f/cash-withdrawal", "prefill"), ("/verify", "main"),
                                ("/verify?lang=en", "main"), ("/screen/T01", "enroll")):
                driver.get(args.base + path)
                wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ready if ready == "main" else "#" + ready)))
                audit(driver, source, path, size, minor)
                checked.append(f"{path}@{size}")
            for path, user in (("/teller", "teller1"), ("/officer", "officer1")):
                driver.get(args.base + path)
                wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
                audit(driver, source, path + " (sign-in)", size, minor)
                driver.find_element(By.ID, "signin-user").send_keys(user)
                driver.find_element(By.ID, "signin-password").send_keys(user + "-demo" if args.demo else args.password)
                driver.find_element(By.ID, "signin-terminal").send_keys("T01")
                driver.find_element(By.ID, "signin-submit").click()
                wait.until(EC.invisibility_of_element_located((By.ID, "signin-form")))
                audit(driver, source, path + " (signed in)", size, minor)
                checked.append(f"{path}@{size}")
            # The centre's dashboard and the administrators' page sign in without a terminal.
            driver.get(args.base + "/centre")
            wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
            audit(driver, source, "/centre (sign-in)", size, minor)
            driver.find_element(By.ID, "signin-user").send_keys("centre1")
            driver.find_element(By.ID, "signin-password").send_keys("centre1-demo" if args.demo else args.password)
            driver.find_element(By.ID, "signin-submit").click()
            wait.until(EC.visibility_of_element_located((By.ID, "console")))
            audit(driver, source, "/centre (signed in)", size, minor)
            checked.append(f"/centre@{size}")
            driver.get(args.base + "/admin")
            wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
            audit(driver, source, "/admin (sign-in)", size, minor)
            driver.find_element(By.ID, "signin-user").send_keys("sec1")
            driver.find_element(By.ID, "signin-password").send_keys("sec1-demo" if args.demo else args.password)
            driver.find_element(By.ID, "signin-submit").click()
            wait.until(EC.visibility_of_element_located((By.ID, "console")))
            audit(driver, source, "/admin (signed in)", size, minor)
            checked.append(f"/admin@{size}")
            driver.get(args.base + "/audit")
            wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
            audit(driver, source, "/audit (sign-in)", size, minor)
            driver.find_element(By.ID, "signin-user").send_keys("auditor1")
            driver.find_element(By.ID, "signin-password").send_keys("auditor1-demo" if args.demo else args.password)
            driver.find_element(By.ID, "signin-submit").click()
            wait.until(EC.visibility_of_element_located((By.ID, "search-panel")))
            driver.find_element(By.ID, "search-submit").click()
            wait.until(EC.visibility_of_element_located((By.ID, "results-none")))
            audit(driver, source, "/audit (signed in)", size, minor)
            driver.find_element(By.ID, "nav-samples").click()
            wait.until(EC.visibility_of_element_located((By.ID, "sample-form")))
            audit(driver, source, "/audit (samples)", size, minor)
            driver.find_element(By.ID, "nav-trail").click()
            wait.until(EC.visibility_of_element_located((By.ID, "trail-form")))
            driver.find_element(By.ID, "trail-submit").click()
            # The auditor's own sign-in is in today's trail.
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#trail tbody tr"))
            audit(driver, source, "/audit (trail)", size, minor)
            driver.find_element(By.ID, "signout").click()
            wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
            checked.append(f"/audit@{size}")
            driver.get(args.base + "/reports")
            wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
            audit(driver, source, "/reports (sign-in)", size, minor)
            driver.find_element(By.ID, "signin-user").send_keys("auditor1")
            driver.find_element(By.ID, "signin-password").send_keys("auditor1-demo" if args.demo else args.password)
            driver.find_element(By.ID, "signin-submit").click()
            wait.until(EC.visibility_of_element_located((By.ID, "report-form")))
            audit(driver, source, "/reports (signed in)", size, minor)
            driver.find_element(By.ID, "signout").click()
            wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
            checked.append(f"/reports@{size}")
        finally:
            driver.quit()
    check(len(checked) == 12 * len(SIZES), f"every page checked at every size: {checked}")
    print(json.dumps({"checked": len(checked), "minor": sorted(minor)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
