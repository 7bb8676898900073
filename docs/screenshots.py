"""The pictures of the user's guide (docs/img/*.png, see docs/product.md), taken in Debian's
Chromium at 1280x800 from a running demo tenant, logged in as its admin:

    make run                                   # in another shell
    .venv/bin/python docs/screenshots.py [--base http://demo.localhost:8000]

Map tiles are not fetched (the map shows its circles on gray), so the pictures do not depend on
the network. Take them again when a page in the guide changes its look.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

IMG = Path(__file__).resolve().parent / "img"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# file name -> the page's path
PAGES = {
    "sales-kanban": "/sales/projects/board/",
    "sales-list": "/sales/projects/",
    "groups": "/sales/groups/",
    "customers": "/customers/",
    "activity": "/activity/",
    "map": "/map/",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://demo.localhost:8000")
    parser.add_argument("--user", default="admin@demo.test")
    parser.add_argument("--password", default="crm-demo-2026")
    args = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="en-US", device_scale_factor=1
        )
        page = context.new_page()
        page.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())
        page.goto(f"{args.base}/login/")
        page.fill("input[name=email]", args.user)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{args.base}/")
        for name, path in PAGES.items():
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(IMG / f"{name}.png"))
            print(IMG / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
