"""The projector at tables, timed on an old laptop: what a burst of notes costs it.

    .venv/bin/python bench/screen_tables.py              # 25 notes, the room and the tables
    .venv/bin/python bench/screen_tables.py --notes 60

The real server (``yoriai demo`` and ``yoriai demo --tables`` + ``yoriai serve`` on a temp
data folder, a free 127.0.0.1 port) and the machine's own Chromium with DevTools CPU
throttling 4x (an old laptop, as bench/devices.py). The projector, /w/<code>/screen at
1024x768, shows step 1 (確かめてみよう): the room's board of notes by kind, or at tables the
grid of the tables, which is rebuilt and sized whole when a table's notes change (and so
drawn at most once a second, screen.js GRID_MS). The console then posts ``--notes`` notes
as fast as the server acks them, by 代理入力 for the evening's people without a phone (at
tables each goes to that person's table), and the projector is timed until it shows the
last one:

- *busy*: the page's main-thread task time over the burst (DevTools TaskDuration);
- *update*: for every WebSocket message, from its arrival to the first task after the next
  frame (bench/devices.py's measure), median and 90th percentile.

No target of its own: the room's board is the yardstick (issue 12's projector target is
16 ms a frame under a vote storm, bench/devices.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devices import (  # a sibling script, not a package
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    HOST,
    MEASURE,
    OLD_LAPTOP,
    PROJECTOR,
    Bot,
    free_port,
    messages,
)

# Two frames in a row with nothing changed on the page: the drawing is finished.
SETTLED = """() => new Promise(done => {
  let changed = true, quiet = 0;
  const watch = new MutationObserver(() => { changed = true; });
  watch.observe(document.body, {subtree: true, childList: true, attributes: true});
  const frame = () => {
    quiet = changed ? 0 : quiet + 1;
    changed = false;
    if (quiet >= 2) { watch.disconnect(); done(); } else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})"""


async def people_without_phones(url: str, origin: str, code: str, key: str) -> list[str]:
    """Step 1, and the ids of the evening's people entered by the facilitator (proxies)."""
    boss = await Bot(url, origin, code).open(key=key)
    await boss.command("set_step", {"step": "confirm"})
    watcher = await Bot(url, origin, code).open(key=key)
    proxies: list[str] = []
    while not proxies:
        for msg in messages(await watcher.ws.recv()):
            if msg.get("type") == "snapshot":
                proxies = [p["id"] for p in msg["state"]["participants"] if p.get("proxy")]
                if not proxies:  # the evening has none: one, to write for
                    ack = await boss.command("add_proxy", {"name": "代理", "attribute": "住民",
                                                           "show_name": True})
                    proxies = [str(ack["result"]["participant_id"])]
    for bot in (boss, watcher):
        await bot.ws.close()
    return proxies


async def burst(url: str, origin: str, code: str, key: str, people: list[str],
                count: int) -> str:
    """``count`` notes by 代理入力, each sent once the last was acked; the last note's id."""
    boss = await Bot(url, origin, code).open(key=key)
    last = ""
    for i in range(count):
        ack = await boss.command("post_note", {"kind": ("charm", "issue", "wish")[i % 3],
                                               "text": f"テーブルで書いた付箋 その{i + 1}",
                                               "proxy_for": people[i % len(people)]})
        assert ack["type"] == "ack", ack
        last = str(ack["result"]["note_id"])
    await boss.ws.close()
    return last


def run(variant: str, count: int) -> str:
    data = Path(tempfile.mkdtemp(prefix=f"yoriai-screen-{variant}-"))
    demo = [str(BIN / "yoriai"), "demo", "--data", str(data)]
    made = subprocess.run(demo + (["--tables"] if variant == "tables" else []),
                          capture_output=True, text=True, check=True)
    code = made.stdout.strip().splitlines()[-1]  # the demo prints its code last
    port = free_port()
    server = subprocess.Popen([str(BIN / "yoriai"), "serve", "--host", HOST, "--port",
                               str(port), "--data", str(data), "--no-browser"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, url = f"http://{HOST}:{port}", f"ws://{HOST}:{port}/ws"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        key = (data / "facilitator.key").read_text().strip()  # written by the server
        people = asyncio.run(people_without_phones(url, base, code, key))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(locale="ja-JP", **PROJECTOR)  # type: ignore[arg-type]
            context.add_init_script(MEASURE)
            page = context.new_page()
            page.goto(f"{base}/w/{code}/screen")
            page.wait_for_function(
                "() => document.getElementById('screen').hasAttribute('data-fit')")
            page.evaluate(SETTLED)
            board = page.evaluate("document.getElementById('screen').className")
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": OLD_LAPTOP})

            def busy() -> float:
                metrics = cdp.send("Performance.getMetrics")["metrics"]
                return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))

            page.evaluate("window.__updateSamples.length = 0")
            before = busy()
            # In a thread of its own: Playwright's sync API keeps a loop running in this one.
            box: list[str] = []
            sender = threading.Thread(target=lambda: box.append(
                asyncio.run(burst(url, base, code, key, people, count))))
            sender.start()
            while sender.is_alive():
                page.wait_for_timeout(50)  # let Playwright's loop serve the page meanwhile
            last = box[0]
            page.wait_for_function("id => !!document.querySelector('[data-note-id=\"' + id + "
                                   "'\"]')", arg=last, timeout=120_000)
            page.evaluate(SETTLED)
            spent = (busy() - before) * 1000
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            samples: list[Any] = sorted(page.evaluate("window.__updateSamples"))
            browser.close()
        p90 = samples[max(0, int(0.9 * len(samples)) - 1)]
        return (f"{variant:6} ({board}): {count} notes, busy {spent:.0f} ms in all, update "
                f"median {statistics.median(samples):.0f} ms, p90 {p90:.0f} ms, "
                f"max {samples[-1]:.0f} ms ({len(samples)} messages)")
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=25)
    parser.add_argument("--only", choices=("room", "tables"))
    args = parser.parse_args()
    print(f"the projector at 1024x768, {OLD_LAPTOP}x CPU throttling, a burst of {args.notes} "
          "notes by 代理入力")
    for variant in ("room", "tables"):
        if not args.only or args.only == variant:
            print(run(variant, args.notes))


if __name__ == "__main__":
    main()
