"""The ``yoriai`` command: ``serve`` the room, make a ``new`` workshop, ``export`` a plan,
``import`` a workshop's archive from another laptop, ``check`` (and ``--repair``) the
stored logs.

Thin by design: it checks its arguments, turns every expected failure into one readable
line (no traceback), and hands over to the app. Exit status 2 means "you asked for
something that cannot be done", 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime
import errno
import os
import socket
import sqlite3
import sys
import time
import webbrowser
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import Event, Wifi
from yoriai.facilitation.program import BUNDLED, ProgramError, bundled_program, parse_program
from yoriai.facilitation.venue import checked_wifi

from .check import replay_until_damage
from .contact import read_contact, write_contact
from .context import DB_FILE, AppContext, Settings
from .ctrl_c import CtrlC
from .datalock import DataLock, FolderBusy
from .filenames import download_name
from .hub import Hub
from .i18n import error_text
from .runner import listening_socket
from .store import EventStore, StoreError, WorkshopExists

DEFAULT_DATA = "yoriai-data"
T = TypeVar("T")


class CliError(Exception):
    """A failure the user can fix; printed as one line."""


def data_dir(raw: str) -> Path:
    path = Path(raw).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise CliError(f"the data folder {path} cannot be written to ({exc.strerror})") from exc
    return path


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves so that a busy port is a clear message."""
    try:
        return listening_socket(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CliError(f"port {port} is already in use (is Yoriai already running?); "
                           f"try --port {port + 1}") from exc
        if exc.errno == errno.EACCES:
            raise CliError(f"port {port} is blocked for this user; try --port 8000") from exc
        raise CliError(f"cannot listen on {host}:{port} ({exc.strerror})") from exc


# Each phone is an open socket: a festival of 1,000 needs more than the 1,024 files some
# systems allow a process by default.
OPEN_FILES_WANTED = 8192


def allow_many_sockets() -> None:
    """Raise this process's open-file limit toward OPEN_FILES_WANTED where the OS allows
    (POSIX only; Windows has no such per-process limit to raise)."""
    try:
        import resource
    except ImportError:
        return
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = OPEN_FILES_WANTED if hard == resource.RLIM_INFINITY else min(hard, OPEN_FILES_WANTED)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def wifi_setting(name: str | None, password: str | None) -> Wifi | None:
    """``--wifi NAME [--wifi-password PASS]``, checked by the rule ``set_wifi`` uses."""
    if password and not name:
        raise CliError("--wifi-password needs --wifi NAME (the network it opens)")
    try:
        return checked_wifi(name or "", password or "")
    except Refusal as exc:
        raise CliError(f"--wifi: {error_text(exc.code, 'en', **exc.params)}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import create_app
    from .runner import uvicorn_server

    ctrl_c = CtrlC()  # from the first line: Ctrl-C stops it whenever it comes
    settings = Settings(data_dir=data_dir(args.data), host=args.host, port=args.port,
                        wifi=wifi_setting(args.wifi, args.wifi_password),
                        calm_collector=True)
    try:
        # Held until this process ends: one server per data folder.
        lock = DataLock(settings.data_dir).acquire()
    except FolderBusy as exc:
        raise CliError(str(exc)) from None
    try:
        # A first Ctrl-C before uvicorn serves is only noted (CtrlC); a second one raises
        # KeyboardInterrupt, which ends the start as quietly (a traceback looks like a crash).
        with contextlib.suppress(KeyboardInterrupt):
            allow_many_sockets()
            sock = bind(args.host, args.port)
            app = create_app(settings)
            ctx: AppContext = app.state.ctx
            print_banner(ctx, args)
            ctrl_c.server = server = uvicorn_server(app)
            if not ctrl_c.pressed:
                asyncio.run(server.serve(sockets=[sock]))
    finally:
        lock.release()
    print("Yoriai stopped.", flush=True)
    return 0


def print_banner(ctx: AppContext, args: argparse.Namespace) -> None:
    from . import qr
    from .netinfo import is_loopback_host

    port = ctx.settings.port
    print("Yoriai (寄り合い) is running.\n")
    if is_loopback_host(args.host):
        print(f"  ! Listening on {args.host} only: phones cannot reach this laptop.")
        print("    Start with --host 0.0.0.0 to let the room join.\n")
    elif ctx.lan:
        print("  Phones can reach this laptop at:")
        for i, addr in enumerate(ctx.lan):
            mark = "  ← use this one" if i == 0 else ""
            label = f" ({addr.interface})" if addr.interface else ""
            print(f"    http://{addr.ip}:{port}{label}{mark}")
        print()
    else:
        print("  ! No network found: connect this laptop to the room's Wi-Fi.\n")
    wifi = ctx.settings.wifi
    if wifi is not None:
        qr_note = " (its QR code is on the handout and the projector)" if wifi.password else ""
        print(f"  Phones should join the Wi-Fi 「{one_line(wifi.name)}」{qr_note}.\n")
    else:
        print("  Tip: --wifi NAME tells the room which Wi-Fi to join.\n")
    workshops = asyncio.run(_latest(ctx))
    if workshops:
        code, title = workshops
        url = ctx.join_url(code)
        print(f"  Join 「{title}」 by scanning:\n")
        print("\n".join("    " + line for line in qr.terminal(url).splitlines()))
        print(f"\n    {url}\n")
    else:
        print("  No workshop yet: create one on the facilitator page.\n")
    local = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    facilitator_url = f"http://{local}:{port}/?key={ctx.secrets.facilitator_key}"
    print(f"  Facilitator page (keep this to yourself):\n    {facilitator_url}\n")
    print("  Press Ctrl-C to stop.", flush=True)
    if not args.no_browser:
        webbrowser.open(facilitator_url)


async def _latest(ctx: AppContext) -> tuple[str, str] | None:
    workshops = await with_hub(ctx.settings.data_dir, lambda hub: hub.store.workshops())
    return (workshops[0].code, workshops[0].title) if workshops else None


async def with_hub(path: Path, work: Callable[[Hub], Awaitable[T]]) -> T:
    """Run ``work`` against the store in ``path``, beside any running server."""
    store = EventStore(path / DB_FILE)
    await store.open()
    try:
        return await work(Hub(store, time.time))
    finally:
        await store.close()


def read_program(raw: str | None) -> dict[str, Any] | None:
    """``--program``: a program file, or the name of one that comes with Yoriai (a file of
    that name in the current folder wins: the centre's own copy)."""
    if raw is None:
        return None
    if raw in BUNDLED and not Path(raw).exists():
        return bundled_program(raw).to_dict()
    try:
        text = Path(raw).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read the program file {raw}: {exc}") from exc
    try:
        return parse_program(text).to_dict()
    except ProgramError as exc:
        raise CliError(f"the program file {raw} is not usable: {exc}") from exc


def cmd_new(args: argparse.Namespace) -> int:
    path = data_dir(args.data)
    program = read_program(args.program)
    try:
        code = asyncio.run(with_hub(path, lambda hub: hub.create_workshop(
            args.title, args.center or "", date=args.date or "", program=program)))
    except Refusal as exc:
        raise CliError(error_text(exc.code, "en", **exc.params)) from exc
    print(f"Created 「{args.title}」. Participants join at:")
    print(f"/w/{code}")
    print(code)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import create_demo

    path = data_dir(args.data)

    async def make(hub: Hub) -> str | None:
        if args.if_empty and await hub.store.workshops():
            return None
        return await create_demo(hub, tables=args.tables,
                                 map_dir=path if args.map else None)

    code = asyncio.run(with_hub(path, make))
    if code is None:
        print("There are workshops already; no demo made.")
        return 0
    print("Created a demo workshop (a whole evening at five tables, world café). Open it at:"
          if args.tables else "Created a demo workshop (a whole five-step evening). Open it at:")
    print(f"/w/{code}/facilitate")
    print(code)
    return 0


def now_here() -> datetime.datetime:
    """The laptop's own clock and time zone: the date printed on an exported plan."""
    return datetime.datetime.now().astimezone()


async def read_events(path: Path, code: str) -> list[Event]:
    # Read-only: an export works from a folder that cannot be written (a USB stick, a
    # copy), and never changes the data it reads.
    store = EventStore(path / DB_FILE, readonly=True)
    await store.open()
    try:
        events, _ = await store.load(code)
        return events
    finally:
        await store.close()


def cmd_export(args: argparse.Namespace) -> int:
    from yoriai.exports.registry import UnknownFormat, exporter
    from yoriai.exports.source import Source

    from .photos import photos_for

    try:
        fmt = exporter(args.format)
    except UnknownFormat as exc:
        raise CliError(str(exc)) from None
    path = Path(args.data).expanduser().resolve()
    code = args.code
    # Reading must not create a data folder or a database where there was none.
    if not (path / DB_FILE).is_file():
        raise CliError(f"no workshop {code!r}: {path} holds no Yoriai data (try --data)")
    try:
        events = asyncio.run(read_events(path, code)) if code.isalnum() else []
    except ValueError as exc:  # a stored event that is not JSON
        raise CliError(f"the record of workshop {code} is damaged (a stored event cannot be "
                       f"read: {exc}); run yoriai check --repair --data {path} first") from None
    if not events:
        raise CliError(f"no workshop {code!r} in {path}")
    replayed = replay_until_damage(events)
    if replayed.damage is not None:
        raise CliError(f"the record of workshop {code} is damaged ({replayed.damage}); "
                       f"run yoriai check --repair --data {path} first")
    source = Source(replayed.state, now_here(), events, lang=args.lang,
                    contact=read_contact(path))
    source = dataclasses.replace(source, photos=photos_for(path, replayed.state, fmt.format))
    data = fmt.render(source)
    default_name = download_name(replayed.state, fmt.format, fmt.extension,
                                 source.generated_at.date())
    out = Path(args.output).expanduser() if args.output else Path.cwd() / default_name
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CliError(f"cannot write {out} ({exc.strerror or exc})") from exc
    print(out.resolve())
    return 0


def one_line(text: str) -> str:
    """``text`` fit for one line of a terminal: an archive's own words (a title, a step's
    label) may hold line breaks, control characters or lone surrogates that no terminal
    can print, so they are shown escaped."""
    import unicodedata

    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def cmd_contact(args: argparse.Namespace) -> int:
    """``yoriai contact [TEXT]``: the contact line every export of this data folder prints
    under the 次回 box (「問い合わせ：西部市民サービスセンター 018-…」); without TEXT, say
    what it is; an empty TEXT removes it."""
    if args.text is None:
        current = read_contact(Path(args.data).expanduser().resolve())
        print(one_line(current) if current else "(no contact line: yoriai contact TEXT sets one)")
        return 0
    path = data_dir(args.data)
    try:
        kept = write_contact(path, args.text)
    except Refusal as exc:
        raise CliError(f"contact: {error_text(exc.code, 'en', **exc.params)}") from None
    except OSError as exc:
        raise CliError(f"the contact line cannot be written in {path} ({exc.strerror})") from None
    print(f"Every export now ends its 次回 box with: {one_line(kept)}" if kept
          else "The contact line is removed.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from yoriai.exports.archive import ArchiveError, read_archive

    from .photos import discard_photo, restore_photos

    source = Path(args.file).expanduser()
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {source} ({exc.strerror or exc})") from exc
    # Everything is checked before the data folder is touched: a refused archive writes
    # nothing, not even an empty database.
    try:
        archive = read_archive(raw)
    except ArchiveError as exc:
        words = str(exc)
        if exc.refusal is not None:  # the rule it broke, in the rule's own words
            words += f" — {error_text(exc.refusal.code, 'en', **exc.refusal.params)}"
        raise CliError(one_line(f"{source}: {words}; nothing was imported")) from None
    except Exception as exc:  # a damage no check foresaw: still one line, still nothing
        raise CliError(f"{source}: the archive cannot be read ({type(exc).__name__}); "
                       f"nothing was imported") from None
    path = data_dir(args.data)
    # The photos first (each already checked against its hash), taken away again if the
    # events cannot be written: an import is all there, or none of it is.
    created = restore_photos(path, archive.photos)

    async def write(hub: Hub) -> None:
        # A code is typed in any case (the code box, the addresses): a code this folder has
        # in another case is the same code to the room, and the phones of one of the two
        # would land in the other. (Yoriai makes lower-case codes; an archive may hold any.)
        for summary in await hub.store.workshops():
            if summary.code.casefold() == archive.code.casefold():
                raise WorkshopExists(summary.code)
        await hub.store.import_workshop(archive.code, archive.events)

    try:
        asyncio.run(with_hub(path, write))
    except BaseException:
        for photo in created:
            discard_photo(path, photo)
        raise
    print(f"Imported 「{archive.title}」 ({len(archive.events)} events). Open it at:")
    print(f"/w/{archive.code}/facilitate")
    print(archive.code)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_all, open_for_repair, open_readonly, repair

    path = Path(args.data).expanduser().resolve()
    if not (path / DB_FILE).is_file():
        raise CliError(f"{path} holds no Yoriai data (try --data)")
    lock: DataLock | None = None
    if args.repair:
        try:
            lock = DataLock(path).acquire()
        except FolderBusy:
            raise CliError(f"a Yoriai server is using {path}: stop it (Ctrl-C) before "
                           "yoriai check --repair; nothing was changed") from None
    try:
        db = open_for_repair(path / DB_FILE) if args.repair else open_readonly(path / DB_FILE)
        try:
            findings = check_all(db)
            for finding in findings:
                if not finding.ok and args.repair:
                    repair(db, finding, path)
                print(finding.line(), flush=True)
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise CliError(f"cannot read {path / DB_FILE}: {exc}") from exc
    finally:
        if lock is not None:
            lock.release()
    if not findings:
        print(f"No workshop in {path}.")
    damaged = [f.code for f in findings if not f.ok and f.moved_to is None]
    if damaged:
        print(f"yoriai: error: {len(damaged)} damaged ({', '.join(damaged)}); "
              f"run: yoriai check --repair --data {path}", file=sys.stderr)
        return 2
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    """``yoriai suggest NOTES.json``: the console's 「まとめ方の提案」 on any list of note
    texts, so the method can be checked by hand (see ``facilitation.suggest``)."""
    from yoriai.facilitation.suggest import main as suggest_main

    return suggest_main([args.file])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yoriai", description="寄り合い — a workshop board "
                                "for resident-led community planning.")
    sub = p.add_subparsers(dest="command", required=True)
    default_data = os.environ.get("YORIAI_DATA", DEFAULT_DATA)

    serve = sub.add_parser("serve", help="serve the room from this laptop")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data", default=default_data, help="data folder (default: %(default)s)")
    serve.add_argument("--wifi", metavar="NAME",
                       help="the Wi-Fi phones should join, said on the handout, the projector "
                            "and the join page (a workshop may set its own on the console)")
    serve.add_argument("--wifi-password", metavar="PASS",
                       help="its password: the handout and the projector then show a Wi-Fi "
                            "QR code that joins it (the password itself is never shown)")
    serve.add_argument("--no-browser", action="store_true",
                       help="do not open the facilitator page in a browser")
    serve.set_defaults(run=cmd_serve)

    new = sub.add_parser("new", help="create a workshop and print its code")
    new.add_argument("title")
    new.add_argument("--center", default="", help="市民サービスセンター or other venue")
    new.add_argument("--date", default="", help="meeting date YYYY-MM-DD (default: today)")
    new.add_argument("--program", help="a program file (JSON) instead of the five steps, or "
                     f"the name of one that comes with Yoriai ({', '.join(BUNDLED)})")
    new.add_argument("--data", default=default_data)
    new.set_defaults(run=cmd_new)

    demo = sub.add_parser("demo", help="create a demo workshop from a sample evening")
    demo.add_argument("--data", default=default_data)
    demo.add_argument("--if-empty", action="store_true",
                      help="only when the data folder has no workshop yet")
    demo.add_argument("--tables", action="store_true",
                      help="the evening at five tables: world café, table hosts, two rounds")
    demo.add_argument("--map", action="store_true",
                      help="with a district map: step 1's notes that name a place are pinned")
    demo.set_defaults(run=cmd_demo)

    export = sub.add_parser("export", help="write a workshop's PDCA plan (or its archive) "
                            "to a file")
    export.add_argument("code", help="the workshop's code")
    export.add_argument("--format", "-f", default="pdf", metavar="FMT",
                        help="html, pdf, docx, md, csv, svg, png or json (the archive for "
                             "`yoriai import`); default: %(default)s")
    export.add_argument("--lang", choices=("ja", "en"), default="ja",
                        help="the language of the CSV's column names and labels "
                             "(default: %(default)s)")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="where to write (default: YYYY-MM-DD-<title>-計画.<ext> in this "
                             "folder; -付箋 for svg/png, -アーカイブ for json)")
    export.add_argument("--data", default=default_data)
    export.set_defaults(run=cmd_export)

    contact = sub.add_parser("contact", help="the contact line every export prints under "
                             "the next meeting (once per data folder)")
    contact.add_argument("text", nargs="?", help="e.g. 「問い合わせ：西部市民サービスセンター "
                         "018-xxx-xxxx」; \"\" removes it; none: print it")
    contact.add_argument("--data", default=default_data)
    contact.set_defaults(run=cmd_contact)

    imp = sub.add_parser("import", help="bring a workshop from another laptop's archive "
                         "(yoriai export CODE --format json)")
    imp.add_argument("file", help="the archive (.json)")
    imp.add_argument("--data", default=default_data)
    imp.set_defaults(run=cmd_import)

    suggest = sub.add_parser("suggest", help="print grouping suggestions (まとめ方の提案) for "
                             "a JSON list of note texts")
    suggest.add_argument("file", help="NOTES.json: a JSON list of the notes' texts (- reads "
                         "standard input); prints {\"groups\": [[index, ...], ...], "
                         "\"titles\": [...]}")
    suggest.set_defaults(run=cmd_suggest)

    check = sub.add_parser("check", help="check that every workshop's stored record loads; "
                           "--repair mends one that does not")
    check.add_argument("--repair", action="store_true",
                       help="keep each damaged workshop's events up to the damage and move "
                            "the rest to a file in the data folder (the server must be "
                            "stopped)")
    check.add_argument("--data", default=default_data)
    check.set_defaults(run=cmd_check)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (CliError, StoreError) as exc:
        print(f"yoriai: error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
