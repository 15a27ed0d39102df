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
    """Headless Chromium as the notes on this machine say it runs (no sandbox as root, no /dev/shm).

    The walks put the teller's console and the customer's screen in two tabs of one browser, where one is always
    hidden; at a counter each is in front on its own device. Chromium throttles a hidden tab's timers (to once a
    minute after five minutes), which can starve the hidden console's safety-net poll (a suspected cause of a flake
    under the whole suite): background throttling is off, as it is for a page in front."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
