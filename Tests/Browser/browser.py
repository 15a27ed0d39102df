"""What the browser checks share: failing with a reason, and Debian's headless Chromium at a given size."""

import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def fail(message):
    print("FAILED: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def chromium(width, height):
    """Headless Chromium as the notes on this machine say it runs (no sandbox as root, no /dev/shm)."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
