"""A rendered brief opened in a real browser, offline: charts load, nothing is fetched, it prints.

Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) is driven through Selenium.
The browser is cut off from the network three ways: hostname resolution is mapped to NOTFOUND,
DevTools network emulation is set to offline before the page is opened, and Chromium's own
background traffic (component updates, sync, metrics) is switched off by flags. Every request
the page makes is still *recorded* (DevTools ``Network`` events from the performance log), so a
page that tries to reach another host fails the test even though the request never leaves.

Without Chromium the tests skip locally and fail under CI (``CI`` set): ``.ci/run`` installs it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wagebrief.brief.page import CONFIDENTIAL
from wagebrief.cli import app

pytestmark = pytest.mark.browser

UNIT = "city-police"

# As root, with a throwaway profile; without the background-networking flags Chromium phones home.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1280,1400",
]

LOCAL_SCHEMES = ("file:", "data:")


def _unavailable(why: str):
    """Fail under CI (the browser is part of the test environment there), skip elsewhere."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{why}; CI must provide it (.ci/run installs Debian's chromium and chromium-driver)",
                    pytrace=False)
    pytest.skip(f"{why} (install Debian's chromium and chromium-driver to run browser tests)")


@dataclass
class Tools:
    chromium: str
    chromedriver: str


@pytest.fixture(scope="module")
def tools() -> Tools:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        _unavailable("chromium is not installed")
    chromedriver = shutil.which("chromedriver")
    if not chromedriver:
        _unavailable("chromedriver is not installed")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _unavailable("the selenium package is not installed (it is in the dev extras)")
    return Tools(chromium, chromedriver)


@dataclass
class Visit:
    """What one offline page load showed, asked for and printed."""

    requests: list[str]
    images: list[dict]
    screenshot: Path
    pdf: bytes
    screen_text: str
    print_text: str
    failed: dict[str, str] = field(default_factory=dict)  # url -> Chromium's error for requests that failed
    chart: Path | None = None  # a screenshot of the page's largest image, when it has one


def visit(html: Path, out: Path, tools: Tools) -> Visit:
    """Open ``html`` in headless Chromium with the network off; screenshot, print, and log requests."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    options = webdriver.ChromeOptions()
    options.binary_location = tools.chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # An explicit driver path: Selenium Manager (which would download drivers) is never run.
    service = Service(executable_path=tools.chromedriver, log_output=str(out / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        # Chromium starts on its own new-tab page (chrome:// resources); leave it and drop its log,
        # so that what is recorded below is exactly what the page under test asked for.
        driver.get("about:blank")
        driver.get_log("performance")
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        driver.get(html.resolve().as_uri())  # returns after the load event: images are done
        images = driver.execute_script(
            "return Array.from(document.images, i => ({src: i.currentSrc.slice(0, 60),"
            " complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}));")
        screen_text = driver.execute_script("return document.body.innerText;")
        shot = out / "screenshot.png"
        assert driver.save_screenshot(str(shot)), "screenshot failed"
        chart = None
        imgs = sorted(driver.find_elements("tag name", "img"),
                      key=lambda e: -driver.execute_script("return arguments[0].naturalWidth;", e))
        if imgs and imgs[0].size["width"] > 0:
            driver.execute_script("arguments[0].scrollIntoView();", imgs[0])
            chart = out / "chart.png"
            assert imgs[0].screenshot(str(chart)), "chart screenshot failed"
        pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
        (out / "print.pdf").write_bytes(pdf)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        print_text = driver.execute_script("return document.body.innerText;")
        requests, ids, failed = [], {}, {}
        for entry in driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            method, params = msg.get("method", ""), msg.get("params", {})
            if method == "Network.requestWillBeSent":
                requests.append(params["request"]["url"])
                ids[params["requestId"]] = params["request"]["url"]
            elif method == "Network.webSocketCreated":
                requests.append(params["url"])
            elif method == "Network.loadingFailed":
                failed[ids.get(params["requestId"], "?")] = params.get("errorText", "")
    finally:
        driver.quit()
    (out / "requests.txt").write_text("".join(f"{u[:200]}  {failed.get(u, '')}\n" for u in requests))
    return Visit(requests, images, shot, pdf, screen_text, print_text, failed, chart)


# ----------------------------------------------------------------------------------------- checks

def outbound(requests: list[str]) -> list[str]:
    """Requests for anything but a local file or inline data."""
    return [u for u in requests if not u.startswith(LOCAL_SCHEMES)]


def broken_images(images: list[dict]) -> list[dict]:
    return [i for i in images if not (i["complete"] and i["width"] > 0 and i["height"] > 0)]


def png_pixels(path: Path) -> tuple[int, float]:
    """(distinct colours, mean per-channel standard deviation) of a PNG."""
    from PIL import Image, ImageStat

    with Image.open(path) as im:
        rgb = im.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 24)
        stddev = sum(ImageStat.Stat(rgb).stddev) / 3
    return len(colours), stddev


def looks_blank(path: Path) -> bool:
    colours, stddev = png_pixels(path)
    return colours < 16 or stddev < 5


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF from Chromium: its page objects (Skia writes them uncompressed)."""
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF"), (pdf[:20], pdf[-20:])
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


# ------------------------------------------------------------------------------- the real brief

@pytest.fixture(scope="module")
def brief(tools, tmp_path_factory) -> Path:
    """One brief rendered from a scratch copy of the project (built first, as `make demo` does)."""
    from conftest import synthetic_project

    root = synthetic_project(tmp_path_factory.mktemp("project"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WAGEBRIEF_ROOT", str(root))
        built = CliRunner().invoke(app, ["build"])
        assert built.exit_code == 0, built.output
        res = CliRunner().invoke(app, ["render", "--unit", UNIT])
    assert res.exit_code == 0, res.output
    (path,) = (root / "reports").glob(f"*/{UNIT}.html")
    return path


@pytest.fixture(scope="module")
def opened(brief, tools, tmp_path_factory) -> Visit:
    return visit(brief, tmp_path_factory.mktemp("browser"), tools)


def test_charts_load_offline(opened):
    assert opened.images, "the brief shows no images at all"
    charts = [i for i in opened.images if i["src"].startswith("data:image/svg+xml") and i["width"] >= 200]
    assert len(charts) >= 6, f"not every chart is a chart-sized inline SVG: {opened.images}"
    assert not broken_images(opened.images), broken_images(opened.images)
    assert opened.chart and not looks_blank(opened.chart), "the largest chart rendered blank"


def test_no_request_leaves_the_machine(opened):
    assert opened.requests, "no request was recorded at all: the request log is not working"
    assert any(u.startswith("file:") for u in opened.requests), opened.requests[:5]
    assert not outbound(opened.requests), outbound(opened.requests)


def test_screenshot_is_not_blank(opened):
    assert opened.screenshot.stat().st_size > 10_000
    colours, stddev = png_pixels(opened.screenshot)
    assert not looks_blank(opened.screenshot), (colours, stddev)


def test_brief_prints_with_its_confidentiality_marking(opened):
    assert pdf_pages(opened.pdf) >= 1
    assert len(opened.pdf) > 10_000
    # The page mark is print-only: in the printed layout it is visible text, on screen it is hidden.
    assert CONFIDENTIAL in opened.print_text
    assert opened.print_text.count(CONFIDENTIAL) > opened.screen_text.count(CONFIDENTIAL)


# ------------------------------------------------------------ the checks catch what they claim to

def _png(width: int, height: int, rgb=(200, 30, 30)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def test_checks_catch_a_remote_image_and_pass_local_ones(tools, tmp_path):
    (tmp_path / "local.png").write_bytes(_png(40, 30, (20, 120, 20)))
    inline = base64.b64encode(_png(300, 200)).decode()
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>t</title></head><body><h1>Remote image</h1>"
        f'<img src="data:image/png;base64,{inline}"><img src="local.png">'
        '<img src="https://example.com/x.png"></body></html>')
    v = visit(page, tmp_path / "browser", tools)
    # The remote image is recorded, and is the only request the check objects to ...
    assert outbound(v.requests) == ["https://example.com/x.png"]
    assert (tmp_path / "local.png").as_uri() in v.requests
    # ... and it never got out: the browser failed it without a connection.
    assert v.failed.get("https://example.com/x.png", "").startswith("net::ERR_"), v.failed
    # The image check catches it too; the two local images loaded.
    broken = broken_images(v.images)
    assert [i["src"] for i in broken] == ["https://example.com/x.png"], broken
    assert sum(i["width"] > 0 for i in v.images) == 2


def test_blank_page_is_seen_as_blank(tools, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><html><body></body></html>")
    v = visit(page, tmp_path / "browser", tools)
    assert looks_blank(v.screenshot)
    assert pdf_pages(v.pdf) >= 1
